#!/bin/sh
# Installs the Debian packages the build and the tests need, when missing.
# Safe to run repeatedly: does nothing when everything is there.
# flex, bison, bc, libelf-dev and libssl-dev build the debug kernel of
# make check-debug (tests/debug/build-kernel.sh).
set -e
PKGS="
build-essential pkg-config linux-headers-6.12-amd64 linux-image-6.12-amd64
qemu-system-x86 busybox-static cpio kmod libdrm-dev libudev-dev check
linux-source-6.12 xz-utils python3 clang llvm libclang-rt-14-dev
python3-docutils debhelper dh-dkms dkms dpkg-dev fakeroot lintian libstb-dev
libjpeg-turbo-progs zlib1g-dev libxxhash-dev libisal-dev gcc-aarch64-linux-gnu
libc6-dev-arm64-cross qemu-user graphviz flex bison bc libelf-dev libssl-dev
python3-venv python3-pip python3-dev
debootstrap sparse
file device-tree-compiler
"
missing=""
for p in $PKGS; do
	st=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
	[ "$st" = installed ] || missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" != 0 ]; then
	echo "deps: missing Debian packages:$missing" >&2
	echo "deps: run 'make deps' as root, or install them with apt-get" >&2
	exit 1
fi
echo "deps: installing$missing"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends $missing >/dev/null
