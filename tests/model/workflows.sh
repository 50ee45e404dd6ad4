#!/bin/sh
# The quantization-workflow model set (tests/models, made by make models on
# the host) on the NPU: every output of every case equals TFLite's
# BUILTIN_REF reference, or npu-compile refuses the model as
# tests/models/gaps.txt lists.
#
# vm-test: reload --npu-param job_timeout_ms=120000 timeout=1800
[ -f build/models/.key ] || { echo "Bail out! no model set in build/models (make models)"; exit 1; }
exec python3 tests/models/check.py build/models
