# Shared build settings for the userspace and host-side parts.
# Included by every subdirectory Makefile; TOP is the project root.
ifndef TOP
TOP := $(abspath $(dir $(lastword $(MAKEFILE_LIST)))/..)
endif
BUILD ?= $(TOP)/build

CC ?= cc
AR ?= ar
# The project's version: libnpu's npu_version(), the tools' --version, npu.pc
# and the packages.
NPU_VERSION := 0.2.0
CSTD := -std=c11
WARN := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes
OPT ?= -O2 -g
CPPFLAGS += -D_GNU_SOURCE -DNPU_VERSION='"$(NPU_VERSION)"' -I$(TOP)/uapi -I$(TOP)/firmware/include -I$(TOP)/libnpu/include
# The project's flags come first and a user's CFLAGS (make CFLAGS=..., as
# Buildroot, Yocto and dpkg-buildflags pass them) after, so the user's -O/-g
# win while -fPIC and the warnings stay.  `override` because a command-line
# CFLAGS would otherwise replace these outright.
override CFLAGS := $(CSTD) $(WARN) $(OPT) -fPIC $(CFLAGS)
DRM_CFLAGS := $(shell pkg-config --cflags libdrm 2>/dev/null)
DRM_LIBS := $(shell pkg-config --libs libdrm 2>/dev/null)
UDEV_LIBS := $(shell pkg-config --libs libudev 2>/dev/null)
# libnpu: ISA-L (the .npu CRC-32) and xxHash (the model cache key); zlib
# for the test proving the CRCs equal.
ISAL_LIBS := $(shell pkg-config --libs libisal 2>/dev/null || echo -lisal)
XXHASH_LIBS := $(shell pkg-config --libs libxxhash 2>/dev/null || echo -lxxhash)
ZLIB_LIBS := $(shell pkg-config --libs zlib 2>/dev/null || echo -lz)
CHECK_CFLAGS := $(shell pkg-config --cflags check 2>/dev/null)
CHECK_LIBS := $(shell pkg-config --libs check 2>/dev/null)
