#!/bin/sh
# make check-fresh: the README's two commands on a fresh Debian bookworm
# machine.  Builds a clean bookworm root with debootstrap (minbase, plus only
# what a user needs to get and start the project: git, make, CA
# certificates), with bookworm, bookworm-updates and bookworm-security,
# upgraded; clones this repository's HEAD (its committed state) into it with
# a read-only copy of ../shared beside it; then runs `make demo` and
# `make check` there as root, in a chroot with /proc, /sys and /dev mounted
# (the QEMU guest runs as usual).  Fails if either fails.  Nothing is cached:
# every package, the venv and the build come anew each run.
#
#   sh mk/check-fresh.sh            (as root; the work tree is build/fresh)
#
# The only things taken from this machine are site settings, not project
# install steps: its local CA certificates (/usr/local/share/ca-certificates)
# and /etc/pip.conf, for a site whose network passes through a TLS proxy.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
work=${FRESH_DIR:-/var/tmp/npu-check-fresh}
root=$work/root
mirror=http://deb.debian.org/debian
security=http://deb.debian.org/debian-security

[ "$(id -u)" = 0 ] || { echo "check-fresh: run as root" >&2; exit 1; }
command -v debootstrap >/dev/null || { echo "check-fresh: no debootstrap (make deps)" >&2; exit 1; }
[ -d "$top/../shared" ] || { echo "check-fresh: no ../shared beside the project" >&2; exit 1; }

# Everything mounted below $root, deepest first.
unmount_all() {
	[ -d "$root" ] || return 0
	findmnt -rn -o TARGET | grep "^$root/" | sort -r | while read -r m; do
		umount "$m" 2>/dev/null || umount -l "$m"
	done
}
trap 'unmount_all' EXIT
trap 'exit 130' INT TERM HUP

unmount_all
rm -rf --one-file-system "$work"
mkdir -p "$work"

now() { date +%s; }
phase() { echo "check-fresh: $1 $(date -u +%H:%M:%S)"; }
t0=$(now)

phase "debootstrap bookworm (minbase) into $root"
debootstrap --variant=minbase --include=git,make,ca-certificates \
	bookworm "$root" "$mirror"
rm -f "$root/etc/apt/sources.list"
cat >"$root/etc/apt/sources.list.d/debian.sources" <<EOF
Types: deb
URIs: $mirror
Suites: bookworm bookworm-updates
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg

Types: deb
URIs: $security
Suites: bookworm-security
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOF
# No daemon starts inside the chroot.
printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d"
chmod 755 "$root/usr/sbin/policy-rc.d"
cp /etc/resolv.conf "$root/etc/resolv.conf"
if ls /usr/local/share/ca-certificates/*.crt >/dev/null 2>&1; then
	cp /usr/local/share/ca-certificates/*.crt "$root/usr/local/share/ca-certificates/"
fi
[ -f /etc/pip.conf ] && cp /etc/pip.conf "$root/etc/pip.conf"

mount -t proc proc "$root/proc"
mount --rbind /sys "$root/sys"
mount --make-rslave "$root/sys"
mount --rbind /dev "$root/dev"
mount --make-rslave "$root/dev"

# A clean environment, as a root login on the fresh machine would have.
in_root() {
	chroot "$root" /usr/bin/env -i HOME=/root LANG=C.UTF-8 TERM=dumb \
		PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
		DEBIAN_FRONTEND=noninteractive /bin/sh -c "$1"
}
in_root 'update-ca-certificates >/dev/null && apt-get update -qq && apt-get -y -qq upgrade'
t1=$(now)

phase "clone $(git -C "$top" rev-parse --short HEAD) and ../shared"
git clone -q --no-hardlinks "$top" "$root/srv/npu"
cp -a "$top/../shared" "$root/srv/shared"
chmod -R a-w "$root/srv/shared"

phase "make demo"
rc_demo=0
in_root 'cd /srv/npu && make demo' || rc_demo=$?
t2=$(now)
phase "make demo: exit $rc_demo"

phase "make check"
rc_check=0
in_root 'cd /srv/npu && make check' || rc_check=$?
t3=$(now)
phase "make check: exit $rc_check"

echo "check-fresh: root $((t1 - t0)) s, make demo $((t2 - t1)) s, make check $((t3 - t2)) s, total $((t3 - t0)) s"
if [ $rc_demo = 0 ] && [ $rc_check = 0 ]; then
	echo "check-fresh: make demo and make check passed on a fresh bookworm root"
	exit 0
fi
echo "check-fresh: FAILED (make demo exit $rc_demo, make check exit $rc_check)"
exit 1
