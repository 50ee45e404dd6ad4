// SPDX-License-Identifier: MIT
/*
 * Optimized AVERAGE_POOL_2D and MAX_POOL_2D, int8, uint8 and int16 (see
 * cpu_opt.h): the firmware's POOL_BODY (fw_ops_pool.c) walks one channel
 * at a time through the window; here a whole pixel's channels are one
 * contiguous row, taken tap by tap into a row of int32 accumulators (the
 * compiler's vector loops), then divided or clamped once per channel.
 * Same sums (wrapping int32), same rounding division, same clamp.
 */
#include <stdlib.h>

#include "cpu_opt.h"

/* The firmware's round_div(): half away from zero, on wrapping int32. */
static inline int32_t round_div(int32_t acc, int32_t n)
{
	return acc > 0 ? (int32_t)((uint32_t)acc + (uint32_t)(n / 2)) / n :
			 (int32_t)((uint32_t)acc - (uint32_t)(n / 2)) / n;
}

static inline int32_t imax(int32_t a, int32_t b)
{
	return a > b ? a : b;
}

static inline int32_t imin(int32_t a, int32_t b)
{
	return a < b ? a : b;
}

#define POOL_ROWS(T, INIT)							\
static void pool_##T(const struct npu_pool_params *p, bool avg, const T *in, T *out, \
		     int32_t *acc)						\
{										\
	const uint32_t n = p->input.dims[0], ih = p->input.dims[1];		\
	const uint32_t iw = p->input.dims[2], ch = p->input.dims[3];		\
	const uint32_t oh = p->output.dims[1], ow = p->output.dims[2];		\
										\
	for (uint32_t b = 0; b < n; b++)					\
	for (uint32_t oy = 0; oy < oh; oy++)					\
	for (uint32_t ox = 0; ox < ow; ox++) {					\
		const int32_t x0 = (int32_t)(ox * p->stride_w) - p->pad_left;	\
		const int32_t y0 = (int32_t)(oy * p->stride_h) - p->pad_top;	\
		const int32_t fx0 = imax(0, -x0), fx1 = imin(p->filter_w, (int32_t)iw - x0); \
		const int32_t fy0 = imax(0, -y0), fy1 = imin(p->filter_h, (int32_t)ih - y0); \
		T *o = out + (((size_t)b * oh + oy) * ow + ox) * ch;		\
		int32_t count = 0;						\
										\
		for (uint32_t c = 0; c < ch; c++)				\
			acc[c] = avg ? 0 : (INIT);				\
		for (int32_t fy = fy0; fy < fy1; fy++)				\
			for (int32_t fx = fx0; fx < fx1; fx++, count++) {	\
				const T *ip = in + (((size_t)b * ih + (uint32_t)(y0 + fy)) * iw + \
						    (uint32_t)(x0 + fx)) * ch;	\
				if (avg)					\
					for (uint32_t c = 0; c < ch; c++)	\
						acc[c] = (int32_t)((uint32_t)acc[c] + \
								   (uint32_t)(int32_t)ip[c]); \
				else						\
					for (uint32_t c = 0; c < ch; c++)	\
						acc[c] = imax(acc[c], ip[c]);	\
			}							\
		for (uint32_t c = 0; c < ch; c++) {				\
			int32_t v = acc[c];					\
										\
			if (avg)						\
				v = count ? round_div(v, count) : 0;		\
			o[c] = (T)(v < p->act_min ? p->act_min : v > p->act_max ? p->act_max : v); \
		}								\
	}									\
}

POOL_ROWS(int8_t, -128)
POOL_ROWS(uint8_t, 0)
POOL_ROWS(int16_t, -32768)

bool cpu_opt_pool(const struct npu_pool_params *p, bool avg, const void *in, void *out)
{
	const uint8_t dt = p->input.dtype;
	const int32_t lo = dt == NPU_DTYPE_UINT8 ? 0 : dt == NPU_DTYPE_INT8 ? -128 : -32768;
	const int32_t hi = dt == NPU_DTYPE_UINT8 ? 255 : dt == NPU_DTYPE_INT8 ? 127 : 32767;
	int32_t *acc;

	if ((dt != NPU_DTYPE_INT8 && dt != NPU_DTYPE_UINT8 && dt != NPU_DTYPE_INT16) ||
	    p->output.dtype != dt || p->input.rank != 4 || p->output.rank != 4 ||
	    p->input.dims[3] != p->output.dims[3] || p->input.dims[0] != p->output.dims[0] ||
	    p->act_min < lo || p->act_max > hi || p->act_min > p->act_max)
		return false;
	acc = malloc(((size_t)p->input.dims[3] + 1) * sizeof(*acc));
	if (!acc)
		return false;
	if (dt == NPU_DTYPE_INT8)
		pool_int8_t(p, avg, in, out, acc);
	else if (dt == NPU_DTYPE_UINT8)
		pool_uint8_t(p, avg, in, out, acc);
	else
		pool_int16_t(p, avg, in, out, acc);
	free(acc);
	return true;
}
