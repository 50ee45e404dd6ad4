#!/bin/sh
# make check-host: the TFLite delegate under the real interpreter on the host,
# in cpu_only mode (libnpu runs the claimed partitions on the CPU), plus the
# clean fallback when the machine has no NPU.  Needs the venv of `make deps`
# (build/venv with ai_edge_litert); NPU_PYTHON overrides the interpreter.
cd "$(dirname "$0")/../.." || exit 2
py=${NPU_PYTHON:-build/venv/bin/python3}
if ! "$py" -c 'import ai_edge_litert' 2>/dev/null; then
	echo "tests/delegate: SKIP: no Python with ai_edge_litert at $py (make deps builds build/venv)"
	exit 0
fi
sh tests/ops/build.sh build/ops || exit 1
M=../shared/models
. tests/delegate/models.sh
fallback=
ls /dev/accel/accel* >/dev/null 2>&1 || fallback=--expect-fallback
# shellcheck disable=SC2086
"$py" tests/delegate/tflite_delegate.py --cpu-only $fallback $DELEGATE_MODELS > build/tests/delegate-host.tap 2>&1
rc=$?
cat build/tests/delegate-host.tap
skip=$(grep -c '^ok .*# SKIP' build/tests/delegate-host.tap)
pass=$(($(grep -c '^ok ' build/tests/delegate-host.tap) - skip))
fail=$(grep -c '^not ok ' build/tests/delegate-host.tap)
echo "tests/delegate (host, cpu_only): $pass passed, $fail failed, $skip skipped"
[ $rc = 0 ] && [ "$fail" = 0 ]
