/* SPDX-License-Identifier: MIT */
/*
 * Stand-in for <linux/types.h> in the freestanding build check only
 * (firmware/Makefile, target "freestanding"): the uapi headers use the
 * kernel's __u32-style names, which this maps onto the compiler's own
 * <stdint.h> so that no libc or kernel header is involved.
 */
#ifndef _NPU_FREESTANDING_LINUX_TYPES_H
#define _NPU_FREESTANDING_LINUX_TYPES_H

#include <stdint.h>

typedef uint8_t __u8;
typedef int8_t __s8;
typedef uint16_t __u16;
typedef int16_t __s16;
typedef uint32_t __u32;
typedef int32_t __s32;
typedef uint64_t __u64;
typedef int64_t __s64;
typedef uint16_t __le16;
typedef uint32_t __le32;
typedef uint64_t __le64;

#endif
