# Sourced by the VM harness scripts: KVER, KIMAGE and KMODDIR of the Debian
# 6.12 kernel the guest boots, from mk/kernel.mk (the installed packages,
# never `uname -r`) unless the caller exported them (the top Makefile does).
if [ -z "${KVER:-}" ] || [ -z "${KIMAGE:-}" ] || [ -z "${KMODDIR:-}" ]; then
	eval "$(printf 'include %s/mk/kernel.mk\nall:\n\t@echo "KVER=$(KVER) KIMAGE=$(KIMAGE) KMODDIR=$(KMODDIR) KDIR=$(KDIR)"\n' \
		"$top" | make -s --no-print-directory -f - all)"
fi
[ -n "${KVER:-}" ] || { echo "vm: cannot find the Debian 6.12 kernel (make deps)" >&2; exit 1; }
export KVER KIMAGE KMODDIR KDIR
