/* SPDX-License-Identifier: MIT */
/*
 * Helpers every part of libnpu shares (and the tools and the delegate
 * build in): error messages and the clock.  Not part of the public API.
 */
#ifndef NPU_UTIL_H
#define NPU_UTIL_H

#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

/*
 * Formats a message into @err (@errlen bytes; @err may be NULL or @errlen
 * 0, then nothing is written) and returns @ret, so a failure reads
 * `return npu_fail(err, errlen, -EINVAL, "...", ...);`.
 */
int npu_fail(char *err, size_t errlen, int ret, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
int npu_vfail(char *err, size_t errlen, int ret, const char *fmt, va_list ap)
	__attribute__((format(printf, 4, 0)));

/* CLOCK_MONOTONIC in nanoseconds: the clock of every trace timestamp. */
uint64_t npu_now_ns(void);

#endif /* NPU_UTIL_H */
