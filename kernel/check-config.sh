#!/bin/sh
# usage: check-config.sh KDIR
# Checks the configuration of the kernel tree in KDIR against the symbols
# kernel/npu.config sets and says which are missing and how to get them.
kdir=$1
conf=$kdir/include/config/auto.conf
[ -r "$conf" ] || { echo "kernel: $conf not found: is KDIR='$kdir' a configured kernel tree?" >&2; exit 1; }
# The symbols are those kernel/npu.config sets: one list for both.
need=$(sed -n 's/^CONFIG_\([A-Z0-9_]*\)=.*/\1/p' "$(dirname "$0")/npu.config")
[ -n "$need" ] || { echo "kernel: no symbols in $(dirname "$0")/npu.config" >&2; exit 1; }
missing=
for s in $need; do
	grep -Eq "^CONFIG_$s=(y|m)$" "$conf" && continue
	# Without accel the driver registers a render node instead (Kbuild).
	if [ "$s" = DRM_ACCEL ]; then
		echo "kernel: CONFIG_DRM_ACCEL is not set in $kdir: npu.ko registers a DRM render node (/dev/dri/renderD*) instead of /dev/accel/accel*"
		continue
	fi
	missing="$missing CONFIG_$s"
done
[ -z "$missing" ] && exit 0
{
	echo "kernel: the kernel in $kdir lacks:$missing"
	echo "kernel: see kernel/npu.config (a merge_config.sh fragment) and"
	echo "kernel: Documentation/testing.rst, 'Kernel configuration'; DRM_SCHED,"
	echo "kernel: DRM_GEM_SHMEM_HELPER and DRM_EXEC must be selected by an in-tree driver"
} >&2
exit 1
