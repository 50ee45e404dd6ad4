#!/bin/sh
# The uint8 model set (tests/uint8, made by make check-uint8 on the host) on
# the NPU: every output of every case equals TFLite's BUILTIN_REF
# reference, or the model is listed in tests/uint8/gaps.txt.
#
# vm-test: reload --npu-param job_timeout_ms=120000 timeout=1800
if [ ! -f build/uint8/.key ]; then
	echo "TAP version 13"
	echo "1..0 # SKIP no uint8 model set in build/uint8 (make check-uint8 makes it)"
	exit 0
fi
exec python3 tests/models/check.py build/uint8 --gaps=tests/uint8/gaps.txt
