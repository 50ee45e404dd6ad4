#!/bin/sh
# The one-builtin models of tests/ops (made by make check-ops on the host)
# on the NPU: every output equals TFLite's BUILTIN_REF reference byte for
# byte, the ops without a command running on the CPU beside it, or the
# model fails as tests/ops/gaps.txt lists.
#
# vm-test: reload --npu-param job_timeout_ms=120000 timeout=900
if [ ! -f build/ops/.key ]; then
	echo "TAP version 13"
	echo "1..0 # SKIP no model set in build/ops (make check-ops makes it)"
	exit 0
fi
exec python3 tests/models/check.py build/ops --exact --gaps=tests/ops/gaps.txt
