#!/bin/sh
# The TFLite external delegate on the NPU, under the real interpreter (the
# host's venv, build/venv, seen through the guest's /usr and project mounts):
# every model of tflm/ and zoo/ (tests/delegate/models.sh) gives the
# interpreter's BUILTIN_REF bytes and npu-run's bytes, with the placement of
# npu-compile --report; two interpreters in one process, two processes, an
# invalid option.  tests/delegate/tflite_delegate.py has the details.
# Its own boot with --cpu max: the wheels need SSE4/AVX, which QEMU's
# default CPU model lacks (Illegal instruction); MobileNet-v2's NPU job runs
# for seconds on the simulated NPU under TCG: a job timeout that allows it.
# vm-test: boot --cpu max --npu-param job_timeout_ms=60000 timeout=1500
py=${NPU_PYTHON:-build/venv/bin/python3}
if ! "$py" -c 'import ai_edge_litert' 2>/dev/null; then
	echo "# no Python with ai_edge_litert at $py (make deps builds build/venv)"
	exit 4
fi
M=../shared/models
. tests/delegate/models.sh
# shellcheck disable=SC2086
exec "$py" tests/delegate/tflite_delegate.py $DELEGATE_MODELS
