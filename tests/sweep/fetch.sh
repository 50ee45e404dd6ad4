#!/bin/sh
# usage: fetch.sh OUTDIR
# Downloads the wheels tests/sweep/wheels.txt pins (into OUTDIR/wheels, once)
# with the venv's pip and extracts the .tflite files it names into OUTDIR
# (as their basename, or as the third column's name where two wheels ship
# files of the same name).
# Nothing is installed.  PyPI must be reachable; a wheel that cannot be had
# is said and skipped (the sweep runs on what there is).
set -e
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
out=$1
pip=${VENV:-$top/build/venv}/bin/pip
mkdir -p "$out/wheels"
grep -v '^#' "$here/wheels.txt" | while read -r pkg path as; do
	[ -n "$pkg" ] || continue
	name=${pkg%%==*} ver=${pkg#*==}
	dest=$out/${as:-$(basename "$path")}
	[ -f "$dest" ] && continue
	whl=$(ls "$out/wheels/$(echo "$name" | tr - _)-$ver-"*.whl 2>/dev/null | head -1)
	if [ -z "$whl" ]; then
		"$pip" download -q --no-deps -d "$out/wheels" "$pkg" >&2 ||
			{ echo "fetch: cannot download $pkg" >&2; continue; }
		whl=$(ls "$out/wheels/$(echo "$name" | tr - _)-$ver-"*.whl | head -1)
	fi
	unzip -p "$whl" "$path" >"$dest.tmp" && mv "$dest.tmp" "$dest" ||
		{ rm -f "$dest.tmp"; echo "fetch: no $path in $whl" >&2; }
done
