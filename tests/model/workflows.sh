#!/bin/sh
# The quantization-workflow model set (tests/models, made by make models on
# the host) on the NPU: every output of every case equals TFLite's
# BUILTIN_REF reference, or npu-compile refuses the model as
# tests/models/gaps.txt lists.
#
# vm-test: reload --npu-param job_timeout_ms=120000 timeout=1800
if [ ! -f build/models/.key ]; then
	echo "TAP version 13"
	echo "1..0 # SKIP no model set in build/models (make check-models makes it)"
	exit 0
fi
exec python3 tests/models/check.py build/models
