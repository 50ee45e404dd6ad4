#!/bin/sh
# make bench, model part: npu-run on the TFLM models in ../shared/models, on
# the NPU and with --cpu, in the same guest; one line per run and the CPU/NPU
# ratio of the median latency.  Simulated NPU under TCG: the figures compare
# versions on one machine, they are not silicon numbers.
#
# BENCH_MODELS="name:runs ..." overrides the list (names under tflm/).
models=${BENCH_MODELS:-"person_detect:10 micro_speech_quantized:20 hello_world_int8:50"}
dir=../shared/models/tflm
command -v npu-run > /dev/null || { echo "models: npu-run not built" >&2; exit 1; }
[ -d $dir ] || { echo "models: no $dir" >&2; exit 1; }

field() {	# json name
	echo "$1" | sed -n "s/.*\"$2\":\\([^,}]*\\).*/\\1/p" | tr -d '"'
}

status=0
printf '%-24s %-6s %9s %9s %9s %9s %9s %9s\n' model target "npu/cpu" "init ms" \
	"first ms" "p50 ms" "p99 ms" "peak KiB"
for entry in $models; do
	m=${entry%%:*} runs=${entry#*:}
	[ "$runs" = "$entry" ] && runs=10
	npu_p50=
	for target in npu cpu; do
		opt=; [ $target = cpu ] && opt=--cpu
		if ! out=$(npu-run --model $dir/$m.tflite $opt --num-runs "$runs" --json 2>&1); then
			printf '%-24s %-6s failed: %s\n' "$m" $target "$(echo "$out" | tail -n 1)"
			status=1
			continue
		fi
		json=$(echo "$out" | grep '^{' | tail -n 1)
		p50=$(field "$json" p50_ms)
		printf '%-24s %-6s %4s/%-4s %9s %9s %9s %9s %9s\n' "$m" $target \
			"$(field "$json" npu_ops)" "$(field "$json" cpu_ops)" \
			"$(field "$json" init_ms)" "$(field "$json" first_inference_ms)" \
			"$p50" "$(field "$json" p99_ms)" "$(field "$json" peak_rss_kib)"
		if [ $target = npu ]; then
			npu_p50=$p50
		elif [ -n "$npu_p50" ]; then
			awk -v c="$p50" -v n="$npu_p50" -v m="$m" 'BEGIN {
				if (n > 0) printf "%-24s CPU/NPU p50 ratio %.3g\n", m, c / n }'
		fi
	done
done
exit $status
