#!/bin/sh
# usage: sweep.sh OUTDIR [--vm]
# The published-model sweep (Documentation/testing.rst "Published-model
# sweep"): fetches the .tflite files of the PyPI wheels wheels.txt pins
# (fetch.sh), converts the Keras models of make_keras.py in every
# quantization mode, then runs each through npu-compile and npu-verify
# --cpu (sweep.py: OUTDIR/sweep.txt, OUTDIR/sweep.json); with --vm also
# the NPU in the VM against the CPU path (vm.sh).  Needs the venv (make
# deps) and PyPI for the wheels; generated files stay in OUTDIR.
set -e
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
out=$1
py=${VENV:-$top/build/venv}/bin/python
mkdir -p "$out/pub" "$out/keras"
sh "$here/fetch.sh" "$out/pub"
"$py" "$here/make_keras.py" "$out/keras" 2>"$out/make_keras.log" ||
	{ tail -5 "$out/make_keras.log" >&2; exit 1; }
rc=0
"$py" "$here/sweep.py" --json "$out/sweep.json" --npu-list "$out/npu-list.txt" \
	--bin "$top/build/bin" "$out/pub" "$out/keras" | tee "$out/sweep.txt" || rc=1
if [ "${2:-}" = --vm ]; then
	sh "$here/vm.sh" "$out/npu-list.txt" "$out/vm" || rc=1
fi
exit $rc
