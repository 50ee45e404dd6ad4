#!/bin/bash
# make check-debug: the whole VM suite and the demo on a debug kernel
# (KASAN, lockdep, kmemleak, DEBUG_OBJECTS, DMA-API debug, ...) built from
# Debian's linux-source-6.12 by tests/debug/build-kernel.sh (cached, about
# 35 minutes the first time on two cores), with the project's modules built
# against it.  Every boot ends with a kmemleak scan; any kernel-log finding
# (tests/vm/run's scan) or leak fails the run.  The modules are rebuilt for
# the Debian kernel at the end.
#
# Environment: as tests/debug/build-kernel.sh; TESTS (as make check-vm),
# VM_APPEND (default pci=noacpi: ACPI's 30 s waits per virtio device make a
# debug boot take 220 s instead of 32 s), VM_BOOT_TIMEOUT (default 600),
# VM_TEST_TIMEOUT (default 1200), VM_TIMEOUT (default 14400): KASAN and
# lockdep under TCG are several times slower than Debian's kernel.
set -euo pipefail
top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$top"

t0=$SECONDS
env_line=$(tests/debug/build-kernel.sh)
eval "export $env_line"
echo "check-debug: kernel $KVER ($KIMAGE), ready after $((SECONDS - t0)) s"

export VM_APPEND=${VM_APPEND-pci=noacpi}
export VM_BOOT_TIMEOUT=${VM_BOOT_TIMEOUT:-600}
export VM_TEST_TIMEOUT=${VM_TEST_TIMEOUT:-1200}
export VM_TIMEOUT=${VM_TIMEOUT:-14400}
export VM_STALL_TIMEOUT=${VM_STALL_TIMEOUT:-600}

restore() {
	echo "check-debug: rebuilding the modules for the Debian kernel"
	env -u KVER -u KDIR -u KIMAGE -u KMODDIR make -s -C kernel modules >/dev/null || true
}
trap restore EXIT
make -s -C kernel KDIR="$KDIR" KVER="$KVER" modules

fail=0
t1=$SECONDS
make -C tests check-vm TESTS="${TESTS:-}" || fail=1
echo "check-debug: VM suite took $((SECONDS - t1)) s"
if [ -z "${TESTS:-}" ]; then
	t1=$SECONDS
	tests/vm/run --timeout "$VM_TIMEOUT" -- tools/demo.sh || fail=1
	echo "check-debug: demo took $((SECONDS - t1)) s"
fi
echo "check-debug: $( [ $fail = 0 ] && echo passed || echo FAILED ) in $((SECONDS - t0)) s"
exit $fail
