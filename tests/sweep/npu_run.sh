#!/bin/sh
# usage: npu_run.sh LIST OUTDIR [NPU-RUN ARGS...]
# Runs every "MODEL OUTPUTS" line of LIST once with npu-run (seed 7, one
# inference, no warm-up), each output to OUTDIR/<model>.<i>; in the VM
# guest on the NPU (vm.sh), or on the host with --cpu.  Prints one line a
# model; exits 0 (vm.sh compares the bytes).
list=$1 out=$2
shift 2
mkdir -p "$out"
while read -r m k; do
	n=$(basename "$m" .tflite)
	args= i=0
	while [ "$i" -lt "$k" ]; do args="$args -o $out/$n.$i"; i=$((i + 1)); done
	# shellcheck disable=SC2086
	if npu-run -m "$m" -n 1 -w 0 --seed 7 $args "$@" >"$out/$n.log" 2>&1; then
		echo "$n: ran"
	else
		echo "$n: FAILED: $(tail -2 "$out/$n.log" | tr '\n' ' ')"
	fi
done <"$list"
exit 0
