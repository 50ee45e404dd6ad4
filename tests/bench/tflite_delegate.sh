#!/bin/sh
# The TFLite delegate's latency vs npu-run's (tests/bench/tflite_delegate.py),
# in the VM run of make bench.  MobileNet-v2's single NPU job runs for seconds
# on the simulated NPU under TCG, so npu.ko is reloaded with a job timeout
# that allows it, and put back afterwards.
py=${NPU_PYTHON:-build/venv/bin/python3}
if ! "$py" -c 'import ai_edge_litert' 2>/dev/null; then
	echo "tflite_delegate: skipped: no Python with ai_edge_litert at $py (make deps)"
	exit 0
fi
npu-modules reload -- job_timeout_ms=60000 || exit 1
"$py" tests/bench/tflite_delegate.py --runs 30 ../shared/models/tflm/person_detect.tflite &&
"$py" tests/bench/tflite_delegate.py --runs 12 \
	../shared/models/tflm/mobilenet_v2_quantized_1x3x224x224.tflite
rc=$?
npu-modules reload || rc=1
exit $rc
