// SPDX-License-Identifier: MIT
/* npu_fail(): the one error-message formatter (npu_util.h). */
#include <stdio.h>

#include "npu_util.h"

int npu_vfail(char *err, size_t errlen, int ret, const char *fmt, va_list ap)
{
	if (err && errlen)
		vsnprintf(err, errlen, fmt, ap);
	return ret;
}

int npu_fail(char *err, size_t errlen, int ret, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	npu_vfail(err, errlen, ret, fmt, ap);
	va_end(ap);
	return ret;
}
