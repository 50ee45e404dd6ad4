#!/bin/sh
# The TFLite delegate's latency vs npu-run's (tests/bench/tflite_delegate.py),
# in the VM run of make bench.
py=${NPU_PYTHON:-build/venv/bin/python3}
if ! "$py" -c 'import ai_edge_litert' 2>/dev/null; then
	echo "tflite_delegate: skipped: no Python with ai_edge_litert at $py (make deps)"
	exit 0
fi
exec "$py" tests/bench/tflite_delegate.py --runs "${DELEGATE_BENCH_RUNS:-20}" \
	../shared/models/tflm/person_detect.tflite \
	../shared/models/tflm/mobilenet_v2_quantized_1x3x224x224.tflite
