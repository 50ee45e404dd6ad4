#!/bin/sh
# The single-operator cases of tests/tflite/ops_ref.py (made on the host by
# make check-host) on the NPU: every integer output equals TFLite's
# BUILTIN_REF reference byte for byte, and the ops with NPU commands
# (RESIZE_BILINEAR int8/int16, RESIZE_NEAREST_NEIGHBOR, the movement
# builtins) are placed on it.
# vm-test: reload --npu-param job_timeout_ms=120000 timeout=900
D=build/tests/tflite/ops
if [ ! -f $D/cases.txt ]; then
	echo "TAP version 13"
	echo "1..0 # SKIP no cases in $D (make check-host makes them)"
	exit 0
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0 pass=0 fail=0
echo "TAP version 13"
t() {	# title command...
	n=$((n + 1)); title=$1; shift
	if "$@"; then pass=$((pass + 1)); echo "ok $n - $title"
	else fail=$((fail + 1)); echo "not ok $n - $title"; sed 's/^/# /' "$tmp/run.txt"; fi
}
same_outputs() {	# case outputs
	i=0
	while [ $i -lt "$2" ]; do
		cmp -s "$tmp/out$i.bin" "$D/$1.out$i.bin" || return 1
		i=$((i + 1))
	done
}
while read -r name nin nout kind; do
	[ "$kind" = exact ] || continue
	set -- --model "$D/$name.tflite" --num-runs 1 --warmup-runs 0 --profile
	i=0; while [ $i -lt "$nin" ]; do set -- "$@" --input "$D/$name.in$i.bin"; i=$((i + 1)); done
	i=0; while [ $i -lt "$nout" ]; do set -- "$@" --output "$tmp/out$i.bin"; i=$((i + 1)); done
	npu-run "$@" >"$tmp/run.txt" 2>&1
	t "$name on the NPU equals BUILTIN_REF" same_outputs "$name" "$nout"
	case $name in
	resize_bilinear.int8.*|resize_bilinear.int16.*|resize_nearest.*|pack.*|\
	unpack.*|split*|slice.*|squeeze.*|expand_dims.*|*_to_depth.*|\
	depth_to_*|padv2.*|tile.*.axis*)
		t "$name is placed on the NPU" \
			grep -Eq '^placement: +1 ops on the NPU' "$tmp/run.txt" ;;
	esac
done <$D/cases.txt
echo "1..$n"
echo "$pass passed, $fail failed"
[ $fail = 0 ]
