#!/bin/sh
# The Debian packages are complete: dpkg-buildpackage builds npu-dkms,
# npu-firmware, libnpu0, libnpu-dev and npu-tools from a copy of the tree;
# lintian finds nothing; unpacked into a staging root, the tools run from
# it, a program builds against libnpu-dev through pkg-config and runs, and
# DKMS builds both modules from the packaged source tree for the target
# kernel.  Run from the project root by `make -C tests check`.
set -u
top=$(pwd)
BUILD=${BUILD:-$top/build}
. "$top/tests/vm/kernel-env.sh"
ver=$(sed -n 's/^NPU_VERSION := //p' mk/common.mk)
work=$BUILD/pkg
src=$work/npu-$ver
root=$work/root
pass=0 fail=0
ok() { pass=$((pass + 1)); echo "ok - $1"; }
bad() { fail=$((fail + 1)); echo "not ok - $1"; }
check() { name=$1; shift; if "$@"; then ok "$name"; else bad "$name"; fi; }

rm -rf "$work" && mkdir -p "$src" "$root" || exit 1
# The tree as git sees it (tracked and new files, not build output).
git ls-files -co --exclude-standard | grep -v '^build/' | tar -cf - -T - | tar -xf - -C "$src"
(cd "$src" && dpkg-buildpackage -us -uc -b) >"$work/build.log" 2>&1
check "dpkg-buildpackage builds the packages" test $? = 0 || tail -20 "$work/build.log"

debs=
for p in npu-dkms_${ver}_all npu-firmware_${ver}_all libnpu0_${ver}_amd64 \
	 libnpu-dev_${ver}_amd64 npu-tools_${ver}_amd64; do
	check "$p.deb built" test -f "$work/$p.deb" && debs="$debs $work/$p.deb"
done

lintian --fail-on error,warning "$work"/npu_${ver}_*.changes >"$work/lintian.log" 2>&1
check "lintian: no errors or warnings" test $? = 0 || cat "$work/lintian.log"

for d in $debs; do dpkg-deb -x "$d" "$root"; done
multi=$(dpkg-architecture -qDEB_HOST_MULTIARCH)
for f in usr/bin/npu-info usr/bin/npu-compile usr/bin/npu-run usr/bin/npu-verify \
	usr/share/man/man1/npu-run.1.gz usr/share/man/man1/npu-verify.1.gz lib/firmware/npu/npu-fw.bin \
	lib/udev/rules.d/70-npu.rules usr/include/npu/npu.h usr/include/npu/npu_model.h \
	usr/include/npu/drm/npu_accel.h \
	usr/lib/$multi/libnpu.so.0 usr/lib/$multi/pkgconfig/npu.pc \
	usr/src/npu-$ver/dkms.conf; do
	check "staged: /$f" test -e "$root/$f"
done

# The headers have generic names (npu.h, npu_regs.h, drm/npu_accel.h): their
# own directory, nothing in the global one.
check "no header in the global include directory" \
	test -z "$(find "$root/usr/include" -maxdepth 1 -name '*.h')" -a ! -e "$root/usr/include/drm"

export LD_LIBRARY_PATH=$root/usr/lib/$multi
check "staged npu-run --version" \
	test "$("$root/usr/bin/npu-run" --version)" = "npu-run (npu) $ver"
"$root/usr/bin/npu-compile" ../shared/models/tflm/person_detect.tflite \
	-o "$work/pd.npu" >/dev/null 2>&1
check "staged npu-compile compiles person_detect" test -s "$work/pd.npu"

cat >"$work/hello.c" <<'EOC'
#include <stdio.h>
#include <string.h>
#include <npu.h>
#include <npu_model.h>
int main(void)
{
	printf("%s\n", npu_version());
	return strcmp(npu_strerror(-NPU_ERR_NO_DEVICE), "") == 0;
}
EOC
# npu.pc from the staging root, libdrm.pc and libudev.pc from the system.
flags=$(PKG_CONFIG_SYSROOT_DIR=$root \
	PKG_CONFIG_LIBDIR=$root/usr/lib/$multi/pkgconfig:/usr/lib/$multi/pkgconfig:/usr/share/pkgconfig \
	pkg-config --cflags --libs npu)
cc -o "$work/hello" "$work/hello.c" $flags >"$work/cc.log" 2>&1
check "a program builds against libnpu-dev (pkg-config npu)" test $? = 0 || cat "$work/cc.log"
check "and runs against libnpu0" test "$("$work/hello" 2>/dev/null)" = "$ver"

mkdir -p "$work/dkms"
dkms build --dkmstree "$work/dkms" --sourcetree "$root/usr/src" -m npu -v "$ver" \
	-k "$KVER" >"$work/dkms.log" 2>&1
check "dkms builds the modules for $KVER" test $? = 0 || tail -20 "$work/dkms.log"
for m in npu npu_sim; do
	check "dkms: $m.ko" test -n "$(find "$work/dkms" -name "$m.ko*" | head -1)"
done

echo "$pass passed, $fail failed"
test "$fail" = 0
