// SPDX-License-Identifier: MIT
/* npu_now_ns(): the monotonic clock of timeouts and trace events. */
#include <time.h>

#include "npu_util.h"

uint64_t npu_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}
