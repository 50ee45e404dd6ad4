#!/bin/sh
# The quantization-workflow model set (tests/models, made by make models on
# the host) on the NPU: every output of every case equals TFLite's
# BUILTIN_REF reference (or, for a model listed as differing in
# tests/models/gaps.txt, the CPU path's bytes), or npu-compile refuses the
# model as gaps.txt lists.  Models with no op on the NPU are skipped (the
# host's check-models-cpu covers them).
# Its own boot: a few minutes under TCG, which the shared boot's bound
# should not have to absorb.
#
# vm-test: boot --npu-param job_timeout_ms=120000 timeout=1200
if [ ! -f build/models/.key ]; then
	echo "TAP version 13"
	echo "1..0 # SKIP no model set in build/models (make check-models makes it)"
	exit 0
fi
exec python3 tests/models/check.py build/models
