#!/bin/sh
# usage: build.sh OUTDIR
# Makes the one-builtin models of make_ops.py and their BUILTIN_REF
# references in OUTDIR with the venv's Python, unless OUTDIR already holds
# them made by the same script and pinned packages (cache key: the hash of
# make_ops.py and mk/requirements.txt).
set -e
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
out=$1
py=${VENV:-$top/build/venv}/bin/python
key=$(cat "$here/make_ops.py" "$top/mk/requirements.txt" | sha256sum | cut -d' ' -f1)
[ -f "$out/.key" ] && [ "$(cat "$out/.key")" = "$key" ] && exit 0
. "$top/mk/model-cache.sh"
model_cache_get ops "$key" "$out" && exit 0
[ -x "$py" ] || { echo "ops: no $py (make deps makes it)" >&2; exit 1; }
rm -rf "$out"
mkdir -p "$out"
"$py" "$here/make_ops.py" "$out" 2>"$out/make_ops.log" ||
	{ tail -20 "$out/make_ops.log" >&2; exit 1; }
echo "$key" >"$out/.key"
model_cache_put ops "$key" "$out"
