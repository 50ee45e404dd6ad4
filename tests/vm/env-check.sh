#!/bin/sh
# The guest environment every VM test relies on (run first in every boot
# by tests/run-vm-tests.sh): device nodes, libudev enumeration from sysfs
# alone (the guest has no udevd), debugfs, paths, the loaded driver.
# The whole script is one block, read before it runs: editing it while it
# runs cannot derail a running copy.
{
n=0 passed=0 failed=0 skipped=0
ok() {	# condition-status description
	n=$((n + 1))
	if [ "$1" = 0 ]; then
		echo "ok $n - $2"; passed=$((passed + 1))
	else
		echo "not ok $n - $2"; failed=$((failed + 1))
	fi
}
skip() {
	n=$((n + 1)); skipped=$((skipped + 1))
	echo "ok $n - $1 # SKIP $2"
}

echo "TAP version 13"
[ "$(pwd)" = "${NPU_TOP:-/nonexistent}" ]; ok $? "working directory is the project root"
[ -c /dev/dma_heap/system ]; ok $? "/dev/dma_heap/system"
[ -c /dev/udmabuf ]; ok $? "/dev/udmabuf"
grep -q ' /sys/kernel/debug debugfs ' /proc/mounts; ok $? "debugfs mounted"
grep -q ' /sys sysfs ' /proc/mounts; ok $? "sysfs mounted"
case ":$PATH:" in *":$NPU_TOP/build/bin:"*) r=0 ;; *) r=1 ;; esac
ok $r "build/bin on PATH"
case ":$LD_LIBRARY_PATH:" in *":$NPU_TOP/build/lib:"*) r=0 ;; *) r=1 ;; esac
ok $r "build/lib on LD_LIBRARY_PATH"
if [ -x build/tests/vm/udev_enum ]; then
	build/tests/vm/udev_enum dma_heap | grep -q '^/dev/dma_heap/system '
	ok $? "libudev enumerates dma_heap without udevd"
else
	skip "libudev enumerates dma_heap without udevd" "build/tests/vm/udev_enum not built"
fi
if [ -d ../shared ]; then
	[ -d ../shared/models ]; ok $? "../shared/models resolves"
else
	skip "../shared/models resolves" "no ../shared on the host"
fi
if [ -f build/firmware/npu/npu-fw.bin ] && [ "${VM_FIRMWARE:-}" != none ]; then
	cmp -s build/firmware/npu/npu-fw.bin /lib/firmware/npu/npu-fw.bin
	ok $? "/lib/firmware/npu/npu-fw.bin is the build's firmware"
else
	skip "/lib/firmware/npu/npu-fw.bin" "not built or --no-firmware"
fi
if [ "${VM_LOAD:-0}" = 1 ]; then
	grep -q '^npu ' /proc/modules && grep -q '^npu_sim ' /proc/modules
	ok $? "npu and npu_sim loaded"
	node=$(npu-nodes | head -n 1)
	ok $? "npu device node present: $node"
	# The node kind the harness asked for (tests/vm/run --node).
	test "$(npu-nodes --kind)" = "${VM_NODE:-accel}"
	ok $? "node kind is ${VM_NODE:-accel}"
	if [ -x build/tests/vm/udev_enum ]; then
		case $node in /dev/accel/*) sub=accel ;; *) sub=drm ;; esac
		build/tests/vm/udev_enum $sub | grep -q "^$node "
		ok $? "libudev enumerates $node"
	fi
else
	skip "npu and npu_sim loaded" "--no-load"
fi
echo "1..$n"
[ $skipped != 0 ] && echo "# $skipped skipped"
echo "$passed passed, $failed failed"
[ $failed = 0 ]
}
