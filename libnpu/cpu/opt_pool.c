// SPDX-License-Identifier: MIT
/*
 * Optimized AVERAGE_POOL_2D and MAX_POOL_2D, int8, uint8 and int16 (see
 * cpu_opt.h): the firmware's POOL_BODY (fw_ops_pool.c) walks one channel
 * at a time through the window; here a whole pixel's channels are one
 * contiguous row, taken tap by tap into a row of int32 accumulators (the
 * compiler's vector loops), then divided or clamped once per channel.
 * Same sums (wrapping int32), same rounding division, same clamp.  Output
 * rows are split across the pool.
 */
#include <stdlib.h>

#include "npu_fw.h"

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
		     int32_t *acc, size_t row0, size_t row1)			\
{										\
	const uint32_t ih = p->input.dims[1];					\
	const uint32_t iw = p->input.dims[2], ch = p->input.dims[3];		\
	const uint32_t oh = p->output.dims[1], ow = p->output.dims[2];		\
										\
	for (size_t row = row0; row < row1; row++)				\
	for (uint32_t ox = 0; ox < ow; ox++) {					\
		const size_t b = row / oh;					\
		const uint32_t oy = (uint32_t)(row % oh);			\
		const int32_t x0 = (int32_t)(ox * p->stride_w) - p->pad_left;	\
		const int32_t y0 = (int32_t)(oy * p->stride_h) - p->pad_top;	\
		const int32_t fx0 = imax(0, -x0), fx1 = imin(p->filter_w, (int32_t)iw - x0); \
		const int32_t fy0 = imax(0, -y0), fy1 = imin(p->filter_h, (int32_t)ih - y0); \
		T *o = out + ((size_t)row * ow + ox) * ch;			\
		int32_t count = 0;						\
										\
		for (uint32_t c = 0; c < ch; c++)				\
			acc[c] = avg ? 0 : (INIT);				\
		for (int32_t fy = fy0; fy < fy1; fy++)				\
			for (int32_t fx = fx0; fx < fx1; fx++, count++) {	\
				const T *ip = in + ((b * ih + (uint32_t)(y0 + fy)) * iw + \
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

struct pool_job {
	const struct npu_pool_params *p;
	bool avg;
	const void *in;
	void *out;
	bool failed;
};

/* Output rows (image, y) of this part, with a row of accumulators of its own. */
static void pool_part(void *arg, uint32_t part, uint32_t parts)
{
	struct pool_job *j = arg;
	const struct npu_pool_params *p = j->p;
	size_t begin, end;
	int32_t *acc;

	cpu_part_range((size_t)p->output.dims[0] * p->output.dims[1], part, parts, &begin, &end);
	if (begin == end)
		return;
	acc = malloc(((size_t)p->input.dims[3] + 1) * sizeof(*acc));
	if (!acc) {
		__atomic_store_n(&j->failed, true, __ATOMIC_RELAXED);
		return;
	}
	if (p->input.dtype == NPU_DTYPE_INT8)
		pool_int8_t(p, j->avg, j->in, j->out, acc, begin, end);
	else if (p->input.dtype == NPU_DTYPE_UINT8)
		pool_uint8_t(p, j->avg, j->in, j->out, acc, begin, end);
	else
		pool_int16_t(p, j->avg, j->in, j->out, acc, begin, end);
	free(acc);
}

bool cpu_opt_pool(const struct npu_pool_params *p, bool avg, const void *in, void *out,
		  struct npu_cpu_pool *pool)
{
	const uint8_t dt = p->input.dtype;
	const int32_t lo = dt == NPU_DTYPE_UINT8 ? 0 : dt == NPU_DTYPE_INT8 ? -128 : -32768;
	const int32_t hi = dt == NPU_DTYPE_UINT8 ? 255 : dt == NPU_DTYPE_INT8 ? 127 : 32767;
	struct pool_job j = { .p = p, .avg = avg, .in = in, .out = out };

	if ((dt != NPU_DTYPE_INT8 && dt != NPU_DTYPE_UINT8 && dt != NPU_DTYPE_INT16) ||
	    p->output.dtype != dt || p->input.rank != 4 || p->output.rank != 4 ||
	    p->input.dims[3] != p->output.dims[3] || p->input.dims[0] != p->output.dims[0] ||
	    p->act_min < lo || p->act_max > hi || p->act_min > p->act_max)
		return false;
	/* The work is the input the windows read: about the input's size. */
	cpu_pool_run(npu_tensor_elems(&p->input) >= CPU_POOL_MIN_WORK ? pool : NULL, pool_part, &j);
	return !j.failed;
}
