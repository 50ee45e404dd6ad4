#!/bin/sh
# usage: build.sh OUTDIR
# Makes the uint8 model set (tests/uint8/make_models.py) and its
# BUILTIN_REF references in OUTDIR with the venv's Python (make deps),
# unless OUTDIR already holds the set made by the same script and pinned
# packages.
set -e
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
out=$1
py=${VENV:-$top/build/venv}/bin/python
key=$(cat "$here/make_models.py" "$top/mk/requirements.txt" | sha256sum | cut -d' ' -f1)
[ -f "$out/.key" ] && [ "$(cat "$out/.key")" = "$key" ] && exit 0
. "$top/mk/model-cache.sh"
model_cache_get uint8 "$key" "$out" && exit 0
[ -x "$py" ] || { echo "uint8 models: no $py (make deps makes it)" >&2; exit 1; }
rm -rf "$out"
mkdir -p "$out"
"$py" "$here/make_models.py" "$out" "$top/../shared/models/zoo" 2>"$out/make_models.log" ||
	{ tail -20 "$out/make_models.log" >&2; exit 1; }
echo "$key" >"$out/.key"
model_cache_put uint8 "$key" "$out"
