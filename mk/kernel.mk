# Locates the Debian 6.12 kernel the project targets, from the installed
# packages, never from `uname -r` (the build machine runs another kernel).
# KDIR= (headers/build tree) and KVER= override it, e.g. on a real board.
KPKG_HEADERS := $(shell dpkg-query -W -f='$${Depends}' linux-headers-6.12-amd64 2>/dev/null | sed -n 's/^\(linux-headers-[^ ,]*\).*/\1/p')
KVER ?= $(patsubst linux-headers-%,%,$(KPKG_HEADERS))
KDIR ?= $(if $(KVER),/usr/src/linux-headers-$(KVER))
KIMAGE ?= $(if $(KVER),/boot/vmlinuz-$(KVER))
KMODDIR ?= $(if $(KVER),/lib/modules/$(KVER))
