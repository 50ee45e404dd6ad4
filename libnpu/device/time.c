// SPDX-License-Identifier: MIT
/* Relative timeouts to the absolute CLOCK_MONOTONIC deadlines DRM takes. */
#include <stdint.h>
#include <time.h>

#include "device_priv.h"

int64_t npu_deadline_ns(int64_t timeout_ns)
{
	struct timespec now;
	int64_t now_ns;

	if (timeout_ns < 0)
		return INT64_MAX;
	clock_gettime(CLOCK_MONOTONIC, &now);
	now_ns = (int64_t)now.tv_sec * 1000000000 + now.tv_nsec;
	if (timeout_ns > INT64_MAX - now_ns)
		return INT64_MAX;
	return now_ns + timeout_ns;
}
