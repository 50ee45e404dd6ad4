# Sourced by tests/ops/build.sh, tests/uint8/build.sh and
# tests/models/build.sh: a cache of the generated model sets outside the
# build tree, by content key (the hash of the generator scripts and
# mk/requirements.txt, as the sets' own .key files), so that a fresh clone
# on a machine that already made the same set copies it instead of spending
# minutes of TensorFlow on it again.  $NPU_MODEL_CACHE is the directory
# (default ~/.cache/npu-models); NPU_MODEL_CACHE= (empty) turns it off.
# A set enters the cache only complete (made aside, then renamed).
model_cache_dir=${NPU_MODEL_CACHE-${XDG_CACHE_HOME:-${HOME:-/nonexistent}/.cache}/npu-models}

# model_cache_get NAME KEY OUTDIR: OUTDIR becomes the cached set; fails when
# there is none.
model_cache_get() {
	[ -n "$model_cache_dir" ] && [ -f "$model_cache_dir/$1-$2/.key" ] || return 1
	[ "$(cat "$model_cache_dir/$1-$2/.key")" = "$2" ] || return 1
	rm -rf "$3" && mkdir -p "$3" && cp -R "$model_cache_dir/$1-$2/." "$3/" || return 1
	echo "$1: the set of key ${2%"${2#????????}"}... copied from $model_cache_dir"
}

# model_cache_put NAME KEY OUTDIR: best effort, never fails the build.
model_cache_put() {
	[ -n "$model_cache_dir" ] || return 0
	[ -d "$model_cache_dir/$1-$2" ] && return 0
	mkdir -p "$model_cache_dir" 2>/dev/null || return 0
	tmp=$(mktemp -d "$model_cache_dir/.$1-$2.XXXXXX" 2>/dev/null) || return 0
	if cp -R "$3/." "$tmp/" && mv -T "$tmp" "$model_cache_dir/$1-$2" 2>/dev/null; then :; else
		rm -rf "$tmp"
	fi
	return 0
}
