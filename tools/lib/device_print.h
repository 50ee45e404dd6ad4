/* SPDX-License-Identifier: MIT */
/* One NPU described for people or as JSON, for npu-info. */
#ifndef NPU_TOOLS_DEVICE_PRINT_H
#define NPU_TOOLS_DEVICE_PRINT_H

#include <stdio.h>

#include "npu.h"

/*
 * Writes a description of one NPU: text for people, or with
 * DEVICE_PRINT_JSON a JSON object.  desc, info and counters may each be
 * NULL (left out).  Returns 0, -EINVAL for unknown flags, or -EIO when
 * writing fails.
 */
#define DEVICE_PRINT_JSON	(1u << 0)
int device_print(FILE *out, const struct npu_device_desc *desc,
		 const struct npu_device_info *info,
		 const struct npu_counters *counters, unsigned int flags);

#endif /* NPU_TOOLS_DEVICE_PRINT_H */
