#!/bin/sh
# The single-operator cases of tests/tflite/ops_ref.py (made on the host by
# make check-host) on the NPU, in a boot of their own (a few minutes of TCG): every integer output equals TFLite's
# BUILTIN_REF reference byte for byte, and the ops with NPU commands
# (RESIZE_BILINEAR int8/int16, RESIZE_NEAREST_NEIGHBOR, the movement
# builtins, 8-bit SOFTMAX; cases.txt says which) are placed on it.
# vm-test: boot --npu-param job_timeout_ms=120000 timeout=900
D=build/tests/tflite/ops
. tests/lib/tap.sh
if [ ! -f $D/cases.txt ]; then
	echo "1..0 # SKIP no cases in $D (make check-host makes them)"
	exit 0
fi
# A failed point shows what npu-run said about the case.
tap_failed() { sed 's/^/# /' "$tmp/run.txt"; }
same_outputs() {	# case outputs
	i=0
	while [ $i -lt "$2" ]; do
		cmp -s "$tmp/out$i.bin" "$D/$1.out$i.bin" || return 1
		i=$((i + 1))
	done
}
while read -r name nin nout kind where; do
	[ "$kind" = exact ] || continue
	# The host test ran every case on the CPU path (the same firmware
	# kernels); here each command and lowering once through the device:
	# int8 and int16 resize on two shapes, the movement builtins in int8.
	case $name in
	gather*|sum.*|squared_difference.*|l2_normalization.*|log_softmax.*) continue ;;	# CPU-only
	resize_*.int8.s[03]*|resize_*.int16.s[03]*|[!r]*.int8*) ;;
	# the table and PRELU forms of issue 10, empty resizes (no command)
	gelu.*|rsqrt.*|exp.int16|log.int16|prelu.int16.*|hard_swish.uint8*|resize_*.int8.size0x5|resize_*.int8.batch0) ;;
	# NPU_CMD_SOFTMAX's uint8 form (its int8 forms match the line above)
	softmax.uint8.*) ;;
	# an audio front end: RFFT2D, COMPLEX_ABS on the CPU, its FULLY_CONNECTED on the NPU
	rfft2d.frontend*) ;;
	*) continue ;;
	esac
	set -- --model "$D/$name.tflite" --num-runs 1 --warmup-runs 0 --profile
	i=0; while [ $i -lt "$nin" ]; do set -- "$@" --input "$D/$name.in$i.bin"; i=$((i + 1)); done
	i=0; while [ $i -lt "$nout" ]; do set -- "$@" --output "$tmp/out$i.bin"; i=$((i + 1)); done
	npu-run "$@" >"$tmp/run.txt" 2>&1
	t "$name on the NPU equals BUILTIN_REF" same_outputs "$name" "$nout"
	[ "$where" = npu ] &&
		t "$name is placed on the NPU" \
			grep -Eq '^placement: +[1-9][0-9]* ops on the NPU' "$tmp/run.txt"
done <$D/cases.txt

# A published model with RESIZE_NEAREST_NEIGHBOR: its resizes on the NPU,
# every output the bytes of the CPU path (which ops_ref.py and the zoo
# check hold to BUILTIN_REF).
Z=../shared/models/zoo/retinaface_int8.tflite
if [ -f $Z ]; then
	npu-run --model $Z --seed 3 --num-runs 1 --warmup-runs 0 --profile \
		--output "$tmp/npu0" --output "$tmp/npu1" --output "$tmp/npu2" >"$tmp/run.txt" 2>&1
	npu-run --cpu --model $Z --seed 3 --num-runs 1 --warmup-runs 0 \
		--output "$tmp/cpu0" --output "$tmp/cpu1" --output "$tmp/cpu2" >/dev/null 2>&1
	t "retinaface_int8: both RESIZE_NEAREST_NEIGHBOR on the NPU" \
		test "$(grep -Ec '^ +[0-9]+ +[0-9]+  RESIZE_NEAREST_NEIGHBOR +NPU' "$tmp/run.txt")" = 2
	t "retinaface_int8: NPU outputs equal the CPU path's" \
		sh -c "cmp -s '$tmp/npu0' '$tmp/cpu0' && cmp -s '$tmp/npu1' '$tmp/cpu1' &&
		       cmp -s '$tmp/npu2' '$tmp/cpu2'"
fi
tap_done
