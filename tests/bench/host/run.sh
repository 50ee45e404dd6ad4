#!/bin/sh
# make bench, host part (no device needed), before the VM part:
#  1. .npu open against in-process compile (load_bench: wall and callgrind);
#  2. the CPU path (npu-run --cpu, 1 and 2 threads) against the anchor in
#     the same run, the TFLite interpreter from the venv (XNNPACK on 1 and 2
#     threads, and its reference kernels) on the same .tflite files;
#  3. where each model's CPU time goes: per op type (npu-run --profile)
#     and instructions of one inference under callgrind; for MobileNet-v2
#     and person_detect op by op, each the best of 30 in CPU time, summed
#     per op type, ours (op_bench) beside TFLite+XNNPACK's on the same ops
#     cut out of the model (tflite_ops.py), and XNNPACK's instructions under
#     callgrind
#     (wall time on a shared machine is noisy; best-of-N figures and CPU
#     time are printed for that).
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

echo "== CPU path vs TFLite ($runs runs each; best and median wall ms, CPU ms per inference)"
printf '%-36s %-14s %10s %10s %10s\n' model runtime "best ms" "p50 ms" "CPU ms"
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
		printf '%-36s %-14s %10s %10s %10s\n' "$m" "npu-cpu-${t}t" \
			"$(field "$json" min_ms)" "$(field "$json" p50_ms)" "$(field "$json" cpu_ms)"
		echo "$m npu-cpu-${t}t $(field "$json" min_ms) $(field "$json" p50_ms)" \
			"$(field "$json" cpu_ms)" >> "$anchor"
	done
	if [ -n "$venv" ]; then
		$venv/bin/python tests/bench/host/tflite_anchor.py -n "$runs" ../shared/models/$path.tflite \
			2>/dev/null | tail -n +2 | tee -a "$anchor"
	else
		echo "$m: no venv (make deps builds build/venv): no TFLite anchor"
	fi
done
# Wall time on a shared machine also counts the waits for a core; the CPU
# time of one thread does not (on two, it sums both threads).
awk '{ best[$1 " " $2] = $3; cpu[$1 " " $2] = $5; names[$1] = 1 }
END {
	for (m in names) {
		x1 = best[m " xnnpack-1t"]; x2 = best[m " xnnpack-2t"]
		o1 = best[m " npu-cpu-1t"]; o2 = best[m " npu-cpu-2t"]
		r = best[m " reference-1t"]
		if (x1 > 0 && o1 > 0)
			printf "%-36s npu-cpu/xnnpack, 1 thread: best wall %.2fx, CPU time %.2fx (goal <= 1.5)\n", m, o1 / x1, cpu[m " npu-cpu-1t"] / cpu[m " xnnpack-1t"]
		# Two threads: wall time is the measure (CPU time sums both threads,
		# printed beside it to show what the second thread costs).
		if (x2 > 0 && o2 > 0)
			printf "%-36s 2 threads: npu-cpu %.2f ms, xnnpack %.2f ms best wall: %.2fx (goal < 1); CPU time of both threads %.2f vs %.2f ms\n", m, o2, x2, o2 / x2, cpu[m " npu-cpu-2t"], cpu[m " xnnpack-2t"]
		else
			printf "%-36s 2 threads: no figure (npu-cpu-2t %s, xnnpack-2t %s)\n", m, (o2 > 0 ? "ok" : "missing"), (x2 > 0 ? "ok" : "missing")
		if (x1 > 0 && o2 > 0)
			printf "%-36s npu-cpu 2 threads / xnnpack 1 thread %.2fx (best wall; goal < 1)\n", m, o2 / x1
		# What the second thread buys, ours beside XNNPACK (2 would be perfect).
		if (o1 > 0 && o2 > 0)
			printf "%-36s 2 threads over 1, best wall: npu-cpu %.2fx, xnnpack %s\n", m, o1 / o2, (x1 > 0 && x2 > 0 ? sprintf("%.2fx", x1 / x2) : "missing")
		if (r > 0 && o1 > 0)
			printf "%-36s TFLite reference / npu-cpu (1 thread) %.1fx\n", m, r / o1
	}
}' "$anchor"
rm -f "$anchor"

for path in $models; do
	echo "== ${path#*/} on the CPU by op type (npu-run --profile, 1 thread, best of 5, ms per inference)"
	$run --model ../shared/models/$path.tflite --cpu --num-runs 5 --profile 2>/dev/null |
		awk '$4 == "CPU" && $1 ~ /^[0-9]+$/ { ms[$3] += $6; n[$3]++; total += $6 }
		END { for (t in ms) printf "  %-28s %3d ops %9.3f ms %5.1f%%\n", t, n[t], ms[t], 100 * ms[t] / total
		      printf "  %-28s %3s     %9.3f ms\n", "total", "", total }' | sort -k4 -rn
done

echo "== op by op, per op type (best of 30, CPU time of one thread)"
for m in mobilenet_v2_quantized_1x3x224x224 person_detect; do
	"$bin/op_bench" -n 30 $dir/$m.tflite || status=1
	[ -n "$venv" ] && { $venv/bin/python tests/bench/host/tflite_ops.py -n 30 $dir/$m.tflite \
		2>/dev/null || status=1; }
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

	# Per op type, ours (the plans' and kernels' inclusive counts) beside
	# XNNPACK's micro-kernels grouped the same way (its GEMM runs both
	# CONV_2D and FULLY_CONNECTED; it fuses PAD into the depthwise layers).
	out=$(mktemp -d)
	for m in mobilenet_v2_quantized_1x3x224x224 person_detect; do
		echo "== $m, one inference under callgrind per op type (M instructions, 1 thread;"
		echo "   AVX2 on both sides: valgrind hides AVX-512)"
		# A dump at each npu_model_invoke: the final file is the second inference alone.
		valgrind --tool=callgrind --callgrind-out-file="$out/cg" --collect-atstart=no \
			--toggle-collect=npu_model_invoke --dump-before=npu_model_invoke $run \
			--model $dir/$m.tflite --cpu --num-runs 1 --warmup-runs 0 > /dev/null 2>&1
		callgrind_annotate --inclusive=yes --threshold=100 "$out/cg" > "$out/ours" 2>/dev/null
		: > "$out/theirs"
		# The anchor: TFLite+XNNPACK, instrumented from its second invoke on
		# (callgrind_control), which keeps TensorFlow's start-up fast.
		if [ -n "$venv" ] && command -v callgrind_control > /dev/null; then
			valgrind --tool=callgrind --instr-atstart=no --callgrind-out-file="$out/xnn" \
				--collect-atstart=no "--toggle-collect=tflite::Subgraph::Invoke()" \
				$venv/bin/python tests/bench/host/tflite_anchor.py --callgrind \
				$dir/$m.tflite > /dev/null 2>&1
			callgrind_annotate --inclusive=no --threshold=100 "$out/xnn" > "$out/theirs" \
				2>/dev/null
		fi
		awk 'function v(x) { gsub(",", "", x); return x / 1e6 }
		{ side = FILENAME ~ /ours$/ ? 1 : 2 }
		side == 1 && /PROGRAM TOTALS/ { tot[1] = v($1) }
		side == 1 && /:cpu_conv_plan_run \[/ { o["CONV_2D + FULLY_CONNECTED"] += v($1); conv = v($1) }
		side == 1 && /:cpu_fc_plan_run \[/ { o["CONV_2D + FULLY_CONNECTED"] += v($1); fc = v($1) }
		side == 1 && /:cpu_dw_plan_run \[/ { o["DEPTHWISE_CONV_2D"] += v($1) }
		side == 1 && /:cpu_opt_eltwise \[/ { o["ADD, SUB, MUL"] += v($1) }
		side == 1 && /:cpu_opt_pad \[/ { o["PAD"] += v($1) }
		side == 1 && /:cpu_opt_transpose \[/ { o["TRANSPOSE"] += v($1) }
		side == 1 && /:cpu_opt_(mean|pool) \[/ { o["MEAN, pooling"] += v($1) }
		side == 2 && /PROGRAM TOTALS/ { tot[2] = v($1) }
		side == 2 && /^ *[0-9,]+ .*:xnn_/ {
			if ($0 ~ /gemm/) x["CONV_2D + FULLY_CONNECTED"] += v($1)
			else if ($0 ~ /dwconv/) x["DEPTHWISE_CONV_2D"] += v($1)
			else if ($0 ~ /_v(add|mul|sub)/) x["ADD, SUB, MUL"] += v($1)
			else if ($0 ~ /transpose/) x["TRANSPOSE"] += v($1)
			else if ($0 ~ /(pool|rsum|rdsum|reduce)/) x["MEAN, pooling"] += v($1)
			else if ($0 ~ /(pad|fill|copy)/) x["PAD"] += v($1)
		}
		END {
			n = split("CONV_2D + FULLY_CONNECTED|DEPTHWISE_CONV_2D|ADD, SUB, MUL|PAD|TRANSPOSE|MEAN, pooling", ty, "|")
			printf "    %-28s %10s %10s\n", "op type", "npu-cpu", "xnnpack-1t"
			for (i = 1; i <= n; i++) {
				so += o[ty[i]]; sx += x[ty[i]]
				printf "    %-28s %10.2f %10s\n", ty[i], o[ty[i]], tot[2] ? sprintf("%.2f", x[ty[i]]) : "-"
			}
			printf "    %-28s %10.2f %10s\n", "the rest", tot[1] - so, tot[2] ? sprintf("%.2f", tot[2] - sx) : "-"
			printf "    %-28s %10.2f %10s\n", "total", tot[1], tot[2] ? sprintf("%.2f", tot[2]) : "-"
			printf "    (ours: CONV_2D %.2f, FULLY_CONNECTED %.2f)\n", conv, fc
			if (tot[1] > 0 && tot[2] > 0)
				printf "    npu-cpu / xnnpack-1t %.3fx (instructions)\n", tot[1] / tot[2]
			else if (!tot[1]) { print "    callgrind: no figures"; exit 1 }
		}' "$out/ours" "$out/theirs" || status=1
	done
	rm -rf "$out"
fi
exit $status
