#!/bin/sh
# make bench, host part: libnpu's loader and CPU path on the build machine
# (no device needed), before the VM part.  Needs the models in ../shared.
cd "$(dirname "$0")/../../.." || exit 2
bin=build/tests/bench-host
dir=../shared/models/tflm
status=0
echo "== load_bench (best of 20, wall time; .npu open vs in-process compile)"
"$bin/load_bench" -n 20 $dir/*.tflite || status=1
if command -v valgrind > /dev/null; then
	echo "== load_bench under callgrind (instructions, MobileNet-v2)"
	out=$(mktemp)
	valgrind --tool=callgrind --callgrind-out-file="$out" "$bin/load_bench" -n 1 \
		$dir/mobilenet_v2_quantized_1x3x224x224.tflite > /dev/null 2>&1
	callgrind_annotate --inclusive=yes "$out" 2>/dev/null |
		awk '/:bench_compile |:bench_load / { gsub(",", "", $1); v[$3 ~ /compile/] = $1 }
		END { if (v[1] > 0) printf "compile %.1f M, load %.1f M instructions, ratio %.3f\n",
			v[1] / 2e6, v[0] / 2e6, v[0] / v[1]; else { print "callgrind: no figures"; exit 1 } }' || status=1
	rm -f "$out"
fi
exit $status
