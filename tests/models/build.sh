#!/bin/sh
# usage: build.sh OUTDIR
# Makes the workflow model set and its BUILTIN_REF references in OUTDIR
# with the venv's Python (make deps), unless OUTDIR already holds the set
# made by the same scripts and the same pinned packages: the cache key is
# the hash of make_models.py, reference.py and mk/requirements.txt.
set -e
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
out=$1
py=${VENV:-$top/build/venv}/bin/python
key=$(cat "$here/make_models.py" "$here/reference.py" "$top/mk/requirements.txt" |
	sha256sum | cut -d' ' -f1)
[ -f "$out/.key" ] && [ "$(cat "$out/.key")" = "$key" ] && exit 0
. "$top/mk/model-cache.sh"
model_cache_get models "$key" "$out" && exit 0
[ -x "$py" ] || { echo "models: no $py (make deps makes it)" >&2; exit 1; }
rm -rf "$out"
mkdir -p "$out"
start=$(date +%s)
# make_models.py writes the references too (reference.py), in its workers.
"$py" "$here/make_models.py" "$out" 2>"$out/make_models.log" ||
	{ tail -20 "$out/make_models.log" >&2; exit 1; }
echo "models: $(ls "$out"/*.tflite | wc -l) models and references in $(($(date +%s) - start)) s"
echo "$key" >"$out/.key"
model_cache_put models "$key" "$out"
