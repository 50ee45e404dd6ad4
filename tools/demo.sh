#!/bin/sh
# `make demo`, run inside the VM guest by tests/vm/run: compile the person
# detector ahead of time, then run it on the simulated NPU on both test
# images and print the verdicts and the latency figures.
set -e
models=../shared/models/tflm
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

echo "== NPU =="
npu-info | sed -n '1,12p'

echo
echo "== npu-compile person_detect.tflite =="
npu-compile "$models/person_detect.tflite" -o "$work/person_detect.npu" --report >"$work/report.txt"
grep -E '^ +[0-9]+ ' "$work/report.txt" | awk '{ n[$3 ~ /^NPU/ ? "NPU" : "CPU"]++ }
	END { printf "placement: %d ops on the NPU, %d on the CPU\n", n["NPU"], n["CPU"] }'
grep -E '^ +[0-9]+ +[A-Z_0-9]+ +CPU ' "$work/report.txt" |
	sed -E 's/^ +([0-9]+) +([A-Z_0-9]+) +CPU +- +- +/  on the CPU: op \1 \2: /' || true
sed -n '/^Summary/,/^$/p' "$work/report.txt"

for img in person no_person; do
	echo
	echo "== $img.bmp on the NPU =="
	npu-run --model "$work/person_detect.npu" --input "$models/$img.bmp" --image-raw \
		--output "$work/$img.out" --num-runs 20 --warmup-runs 2 \
		>"$work/$img.log" 2>"$work/$img.err" || { cat "$work/$img.err" >&2; exit 1; }
	grep -E '^(target|placement|first inference|inference|percentiles):' "$work/$img.log"
	# Output 0 is int8 [1,2], scale 1/256, zero point -128: index 1 = person.
	od -An -td1 "$work/$img.out" | awk -v img="$img.bmp" '{
		no = $1; yes = $2
		verdict = (yes > no) ? "PERSON" : "NO PERSON"
		score = ((yes > no ? yes : no) + 128) / 256
		printf "verdict: %s: %s (score %.2f, output bytes [%d, %d])\n", img, verdict, score, no, yes
	}'
done

echo
echo "== the stock TFLite interpreter with the NPU delegate =="
# tools/examples/classify_person.py: five lines of Python; the only NPU-specific
# call is load_delegate("libnpu-tflite.so").  The person detector is MLPerf
# Tiny's (zoo/vww_96_int8.tflite): ai-edge-litert refuses person_detect.tflite's
# stale bias quantization (Documentation/tflite-delegate.rst).
py=build/venv/bin/python3
if "$py" -c 'import ai_edge_litert' 2>/dev/null; then
	for img in person no_person; do
		"$py" tools/examples/classify_person.py ../shared/models/zoo/vww_96_int8.tflite \
			"$models/$img.bmp" build/lib/libnpu-tflite.so 2>"$work/delegate.err" ||
			{ cat "$work/delegate.err" >&2; exit 1; }
		[ "$img" = person ] && grep '^npu-tflite:' "$work/delegate.err"
	done
else
	echo "(not shown: no $py with ai_edge_litert; make deps builds it)"
fi

echo
echo "Latencies are those of the simulated NPU (npu_sim.ko, running the firmware's"
echo "kernels on the guest CPU under QEMU TCG), not of silicon; the Summary's cycle"
echo "model is the estimate for the real 1152-MAC array."
