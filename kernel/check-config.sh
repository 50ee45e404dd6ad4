#!/bin/sh
# usage: check-config.sh KDIR
# Checks the configuration of the kernel tree in KDIR against the symbols
# kernel/npu.config names and says which are missing and how to get them.
kdir=$1
conf=$kdir/include/config/auto.conf
[ -r "$conf" ] || { echo "kernel: $conf not found: is KDIR='$kdir' a configured kernel tree?" >&2; exit 1; }
need="DRM DRM_ACCEL DMA_SHARED_BUFFER SYNC_FILE MMU PM REGMAP_MMIO DRM_SCHED DRM_GEM_SHMEM_HELPER DRM_EXEC"
missing=
for s in $need; do
	grep -Eq "^CONFIG_$s=(y|m)$" "$conf" || missing="$missing CONFIG_$s"
done
[ -z "$missing" ] && exit 0
{
	echo "kernel: the kernel in $kdir lacks:$missing"
	echo "kernel: see kernel/npu.config (a merge_config.sh fragment) and"
	echo "kernel: Documentation/testing.rst, 'Kernel configuration'; DRM_SCHED,"
	echo "kernel: DRM_GEM_SHMEM_HELPER and DRM_EXEC must be selected by an in-tree driver"
} >&2
exit 1
