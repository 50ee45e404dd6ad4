# Locates the kernel the modules are built for and the VM boots.
#
# By default that is Debian's 6.12 kernel, found from the installed
# linux-headers-6.12-amd64 package, never from `uname -r` (the build machine
# runs another kernel).  KDIR= (a headers or build tree) overrides it, e.g. on
# a real board; KVER then comes from that tree's kernel.release.
#
# Included by the sub-makes only, and evaluated there: `make deps` may have
# installed the packages earlier in the same top-level run, so nothing may be
# worked out (or exported empty) before it has run.  An empty value from the
# environment counts as unset.
ifeq ($(strip $(KDIR)),)
ifeq ($(strip $(KVER)),)
KVER := $(patsubst linux-headers-%,%,$(shell dpkg-query -W -f='$${Depends}' \
	linux-headers-6.12-amd64 2>/dev/null | sed -n 's/^\(linux-headers-[^ ,]*\).*/\1/p'))
endif
KDIR := $(if $(KVER),/usr/src/linux-headers-$(KVER))
else ifeq ($(strip $(KVER)),)
KVER := $(shell cat $(KDIR)/include/config/kernel.release 2>/dev/null)
endif
ifeq ($(strip $(KIMAGE)),)
KIMAGE := $(if $(KVER),/boot/vmlinuz-$(KVER))
endif
ifeq ($(strip $(KMODDIR)),)
KMODDIR := $(if $(KVER),/lib/modules/$(KVER))
endif
