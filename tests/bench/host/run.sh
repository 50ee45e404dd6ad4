#!/bin/sh
# make bench, host part (no device needed), before the VM part:
#  1. .npu open against in-process compile (load_bench: wall and callgrind);
#  2. the CPU path (npu-run --cpu, 1 and 2 threads) against the anchor in
#     the same run, the TFLite interpreter from the venv (XNNPACK on 1 and 2
#     threads, and its reference kernels) on the same .tflite files;
#  3. where each model's CPU time goes: per op type (npu-run --profile)
#     and instructions of one inference under callgrind (wall time on a
#     shared machine is noisy; best-of-N figures are printed for that).
# Models: MobileNet-v2 int8 and person_detect (tflm/), a zoo detector in
# int8 (RetinaFace) and in uint8 (SSD MobileNet-v1), and the legacy uint8
# MobileNet-v2 (zoo/).
# BENCH_RUNS overrides the number of timed runs (default 20).
cd "$(dirname "$0")/../../.." || exit 2
bin=build/tests/bench-host
run=build/bin/npu-run
dir=../shared/models/tflm
runs=${BENCH_RUNS:-20}
models="tflm/mobilenet_v2_quantized_1x3x224x224 tflm/person_detect zoo/retinaface_int8
	zoo/ssd_mnv1_coco_uint8 zoo/mnv2_224_uint8"
status=0

venv=
for v in build/venv /work/notes/venv; do
	[ -x $v/bin/python ] && { venv=$v; break; }
done

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

field() {	# json name
	echo "$1" | sed -n "s/.*\"$2\":\\([^,}]*\\).*/\\1/p"
}

echo "== CPU path vs TFLite ($runs runs each; best and median ms)"
printf '%-36s %-14s %10s %10s\n' model runtime "best ms" "p50 ms"
anchor=$(mktemp)
for path in $models; do
	m=${path#*/}
	for t in 1 2; do
		json=$($run --model ../shared/models/$path.tflite --cpu --threads $t --num-runs "$runs" \
			--warmup-runs 2 --json 2>/dev/null | grep '^{')
		if [ -z "$json" ]; then
			printf '%-36s %-14s failed\n' "$m" "npu-cpu-${t}t"
			status=1
			continue
		fi
		printf '%-36s %-14s %10s %10s\n' "$m" "npu-cpu-${t}t" \
			"$(field "$json" min_ms)" "$(field "$json" p50_ms)"
		echo "$m npu-cpu-${t}t $(field "$json" min_ms)" >> "$anchor"
	done
	if [ -n "$venv" ]; then
		$venv/bin/python tests/bench/host/tflite_anchor.py -n "$runs" ../shared/models/$path.tflite \
			2>/dev/null | tail -n +2 | tee -a "$anchor"
	else
		echo "$m: no venv (make deps builds build/venv): no TFLite anchor"
	fi
done
awk '{ best[$1 " " $2] = $3; names[$1] = 1 }
END {
	for (m in names) {
		x1 = best[m " xnnpack-1t"]; o1 = best[m " npu-cpu-1t"]; o2 = best[m " npu-cpu-2t"]
		r = best[m " reference-1t"]
		if (x1 > 0 && o1 > 0)
			printf "%-36s npu-cpu/xnnpack (1 thread, best) %.2fx; 2 threads vs xnnpack 1 thread %.2fx (goal: <= 1.5, < 1)\n", m, o1 / x1, o2 / x1
		if (r > 0 && o1 > 0)
			printf "%-36s TFLite reference / npu-cpu (1 thread) %.1fx\n", m, r / o1
	}
}' "$anchor"
rm -f "$anchor"

for path in $models; do
	echo "== ${path#*/} on the CPU by op type (npu-run --profile, 1 thread, best of 5, ms per inference)"
	$run --model ../shared/models/$path.tflite --cpu --num-runs 5 --profile 2>/dev/null |
		awk '$3 == "CPU" && $1 ~ /^[0-9]+$/ { ms[$2] += $5; n[$2]++; total += $5 }
		END { for (t in ms) printf "  %-28s %3d ops %9.3f ms %5.1f%%\n", t, n[t], ms[t], 100 * ms[t] / total
		      printf "  %-28s %3s     %9.3f ms\n", "total", "", total }' | sort -k4 -rn
done

if command -v valgrind > /dev/null; then
	for path in $models; do
		echo "== ${path#*/}, one CPU inference under callgrind (instructions, 1 thread)"
		out=$(mktemp)
		valgrind --tool=callgrind --callgrind-out-file="$out" --collect-atstart=no \
			--toggle-collect=npu_model_invoke $run --model ../shared/models/$path.tflite \
			--cpu --num-runs 1 --warmup-runs 0 > /dev/null 2>&1
		callgrind_annotate --inclusive=no "$out" 2>/dev/null |
			awk '/PROGRAM TOTALS/ { gsub(",", "", $1); printf "  total %.1f M instructions\n", $1 / 1e6 }
			/^ *[0-9,]+ .*:[A-Za-z_0-9]+ / && n < 8 { print "  " $0; n++ }'
		rm -f "$out"
	done
fi
exit $status
