#!/bin/bash
# Builds (once) the debug kernel `make check-debug` boots, from Debian's
# linux-source-6.12: x86_64_defconfig + kvm_guest.config + debug-kernel.config.
# The result is cached outside the work tree, keyed by the fragment, this
# script and the source package's version, so a changed fragment builds a new
# kernel and an unchanged one is reused by every clone on the machine.
#
# usage: tests/debug/build-kernel.sh
#   Prints KVER= KDIR= KIMAGE= KMODDIR= of the kernel on stdout (for eval),
#   after building it when it is not cached; progress goes to stderr.
# Environment: NPU_DEBUG_KERNEL_CACHE (default /var/cache/npu-debug-kernel),
#              JOBS (default: number of CPUs), KSRC_TAR.
set -euo pipefail
{
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
frag=$here/debug-kernel.config
tar=${KSRC_TAR:-/usr/src/linux-source-6.12.tar.xz}
root=${NPU_DEBUG_KERNEL_CACHE:-/var/cache/npu-debug-kernel}
jobs=${JOBS:-$(nproc)}
# --print-env (older callers): the env line is always printed.
print_env=0
[ "${1:-}" = --print-env ] && print_env=1

[ -r "$tar" ] || { echo "build-kernel: no $tar (apt-get install linux-source-6.12)" >&2; exit 1; }
srcver=$(dpkg-query -W -f='${Version}' linux-source-6.12 2>/dev/null || stat -c %Y "$tar")
key=$( { cat "$frag"; sed -n '/^# --- build/,$p' "$0"; echo "$srcver"; } | sha256sum | cut -c1-16)
out=$root/$key
mkdir -p "$root"

env_of() {
	local kver
	kver=$(cat "$out/build/include/config/kernel.release")
	echo "KVER=$kver KDIR=$out/build KIMAGE=$out/build/arch/x86/boot/bzImage KMODDIR=$out/mod/lib/modules/$kver"
}

exec 9> "$root/.lock-$key"
flock 9
if [ -f "$out/done" ]; then
	env_of
	exit 0
fi

# --- build -----------------------------------------------------------------
log() { echo "build-kernel: $*" >&2; }
t0=$SECONDS
src=$root/src-$srcver
if [ ! -f "$src/.extracted" ]; then
	log "extracting $tar into $src"
	rm -rf "$src"
	mkdir -p "$src"
	tar -xJf "$tar" -C "$src" --strip-components=1
	touch "$src/.extracted"
fi
# A build that was stopped (the machine is often busy for longer than the
# build takes) resumes: the configuration is the same by the cache key, and
# make redoes only what is missing.
if [ -f "$out/.configured" ]; then
	log "resuming the stopped build in $out"
else
	rm -rf "$out"
	mkdir -p "$out/build"
	make -s -C "$src" O="$out/build" x86_64_defconfig kvm_guest.config >&2
	"$src/scripts/kconfig/merge_config.sh" -m -O "$out/build" "$out/build/.config" "$frag" >/dev/null
	make -s -C "$src" O="$out/build" olddefconfig >&2
	# Every line of the fragment must have survived olddefconfig (a dependency
	# not met silently drops an option).
	bad=0
	while IFS= read -r line; do
		case $line in
		CONFIG_*=*) opt=$line ;;
		"# CONFIG_"*" is not set") opt=$line ;;
		*) continue ;;
		esac
		name=${opt#\# }
		name=${name%%[= ]*}
		have=$(grep -E "^$name=|^# $name is not set" "$out/build/.config" || true)
		if [ "$opt" != "$have" ] && ! { [ -z "$have" ] && [ "${opt#\#}" != "$opt" ]; }; then
			log "fragment asks '$opt', the config has '${have:-nothing}'"
			bad=1
		fi
	done < "$frag"
	[ $bad = 0 ] || { log "config does not match the fragment"; exit 1; }
	touch "$out/.configured"
fi
log "building $(make -s -C "$src" O="$out/build" kernelrelease) with -j$jobs in $out (about 35 minutes on two cores)"
nice make -s -C "$src" O="$out/build" -j"$jobs" bzImage modules >&2
make -s -C "$src" O="$out/build" INSTALL_MOD_PATH="$out/mod" modules_install >&2
touch "$out/done"
log "built in $((SECONDS - t0)) s"
env_of
[ $print_env = 1 ] || true
}
