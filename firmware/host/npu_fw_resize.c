// SPDX-License-Identifier: MIT
/*
 * The source indices of NPU_CMD_RESIZE_NEAREST, as TFLite's reference
 * RESIZE_NEAREST_NEIGHBOR (GetNearestNeighbor) picks them: a float scale,
 * a float product, then floor (or round half away from zero with
 * align_corners).  The float roundings decide some indices, so they are
 * computed here, in float, on the host, and reach the device as a table.
 */
#include <errno.h>
#include <math.h>

#include "npu_fw_host.h"

static uint16_t nearest(uint32_t i, uint32_t in, uint32_t out, bool align,
			bool half)
{
	const float scale = align && out > 1 ?
			    (float)(in - 1) / (float)(out - 1) :
			    (float)in / (float)out;
	const float pos = ((float)i + (half ? 0.5f : 0.0f)) * scale;
	int64_t v = align ? (int64_t)roundf(pos) : (int64_t)floorf(pos);

	if (v > (int64_t)in - 1)
		v = (int64_t)in - 1;
	if (v < 0)	/* TFLite clamps below only with half_pixel_centers */
		v = 0;
	return (uint16_t)v;
}

int npu_host_resize_nearest_table(uint32_t in_h, uint32_t in_w,
				  uint32_t out_h, uint32_t out_w, bool align,
				  bool half, uint16_t *table)
{
	uint32_t i;

	if (!in_h || !in_w || !out_h || !out_w || in_h > UINT16_MAX + 1u ||
	    in_w > UINT16_MAX + 1u)
		return -EINVAL;
	for (i = 0; i < out_h; i++)
		table[i] = nearest(i, in_h, out_h, align, half);
	for (i = 0; i < out_w; i++)
		table[out_h + i] = nearest(i, in_w, out_w, align, half);
	return 0;
}
