/* SPDX-License-Identifier: MIT */
/*
 * Basic types for the firmware sources, which are compiled three ways:
 * into npu_sim.ko by kbuild (__KERNEL__), into the host library libnpufw.a,
 * and freestanding (-ffreestanding -nostdinc, no libc) as a build check.
 * Only what all three provide is used: fixed-width integers, size_t, bool
 * and the __u32-style types of the uapi headers.  No libc functions: the
 * firmware has its own fw_memcpy/fw_memset.
 */
#ifndef NPU_FW_TYPES_H
#define NPU_FW_TYPES_H

#ifdef __KERNEL__
#include <linux/types.h>
#else
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/types.h>
#endif

#define NPU_FW_S8_MIN		(-128)
#define NPU_FW_S8_MAX		127
#define NPU_FW_S16_MIN		(-32768)
#define NPU_FW_S16_MAX		32767
#define NPU_FW_S32_MIN		(-2147483647 - 1)
#define NPU_FW_S32_MAX		2147483647

#endif /* NPU_FW_TYPES_H */
