// SPDX-License-Identifier: MIT
/* Relative timeouts to the absolute CLOCK_MONOTONIC deadlines DRM takes. */
#include <stdint.h>

#include "device_priv.h"
#include "npu_util.h"

int64_t npu_deadline_ns(int64_t timeout_ns)
{
	int64_t now_ns;

	if (timeout_ns < 0)
		return INT64_MAX;
	now_ns = (int64_t)npu_now_ns();
	if (timeout_ns > INT64_MAX - now_ns)
		return INT64_MAX;
	return now_ns + timeout_ns;
}
