// SPDX-License-Identifier: MIT
/*
 * Pooling: AVERAGE_POOL_2D, MAX_POOL_2D.
 * Bit-exact with TFLite's reference_integer_ops::AveragePool/MaxPool and,
 * for uint8, reference_ops::AveragePool/MaxPool (whose sums are never
 * negative, so the same rounding division serves).
 */
#include "fw_internal.h"

static inline int32_t imax(int32_t a, int32_t b)
{
	return a > b ? a : b;
}

static inline int32_t imin(int32_t a, int32_t b)
{
	return a < b ? a : b;
}

/*
 * Round-half-away-from-zero integer division, as TFLite's pools
 * (32-bit only: no 64-bit divide on the device).
 */
static inline int32_t round_div(int32_t acc, int32_t n)
{
	return acc > 0 ? (int32_t)((uint32_t)acc + (uint32_t)(n / 2)) / n :
			 (int32_t)((uint32_t)acc - (uint32_t)(n / 2)) / n;
}

#define POOL_BODY(T, AVG, INIT)						\
	const uint32_t n = p->input.dims[0], ih = p->input.dims[1];	\
	const uint32_t iw = p->input.dims[2], ch = p->input.dims[3];	\
	const uint32_t oh = p->output.dims[1], ow = p->output.dims[2];	\
	uint32_t b, oy, ox, c;						\
	for (b = 0; b < n; b++)						\
	for (oy = 0; oy < oh; oy++)					\
	for (ox = 0; ox < ow; ox++)					\
	for (c = 0; c < ch; c++) {					\
		const int32_t x0 = (int32_t)(ox * p->stride_w) - p->pad_left; \
		const int32_t y0 = (int32_t)(oy * p->stride_h) - p->pad_top; \
		const int32_t fx0 = imax(0, -x0);			\
		const int32_t fx1 = imin(p->filter_w, (int32_t)iw - x0);	\
		const int32_t fy0 = imax(0, -y0);			\
		const int32_t fy1 = imin(p->filter_h, (int32_t)ih - y0);	\
		int32_t acc = INIT, count = 0, fy, fx;			\
		for (fy = fy0; fy < fy1; fy++)				\
			for (fx = fx0; fx < fx1; fx++) {		\
				const int32_t v = in[((b * ih +		\
					(uint32_t)(y0 + fy)) * iw +	\
					(uint32_t)(x0 + fx)) * ch + c];	\
				if (AVG) /* wraps, never UB */		\
					acc = (int32_t)((uint32_t)acc +	\
						(uint32_t)v);		\
				else if (v > acc)			\
					acc = v;			\
				count++;				\
			}						\
		if (AVG)						\
			acc = count ? round_div(acc, count) : 0;	\
		out[((b * oh + oy) * ow + ox) * ch + c] =		\
			(T)fw_clamp(acc, p->act_min, p->act_max);	\
	}

void npu_op_avg_pool_s8(const struct npu_pool_params *p, const int8_t *in,
			int8_t *out)
{
	POOL_BODY(int8_t, 1, 0)
}

void npu_op_avg_pool_s16(const struct npu_pool_params *p, const int16_t *in,
			 int16_t *out)
{
	POOL_BODY(int16_t, 1, 0)
}

void npu_op_avg_pool_u8(const struct npu_pool_params *p, const uint8_t *in,
			uint8_t *out)
{
	POOL_BODY(uint8_t, 1, 0)
}

void npu_op_max_pool_u8(const struct npu_pool_params *p, const uint8_t *in,
			uint8_t *out)
{
	POOL_BODY(uint8_t, 0, 0)
}

void npu_op_max_pool_s8(const struct npu_pool_params *p, const int8_t *in,
			int8_t *out)
{
	POOL_BODY(int8_t, 0, NPU_FW_S8_MIN)
}

void npu_op_max_pool_s16(const struct npu_pool_params *p, const int16_t *in,
			 int16_t *out)
{
	POOL_BODY(int16_t, 0, NPU_FW_S16_MIN)
}

/* ---- checks, cost and the command rows ---- */

static int check_pool(uint32_t op, const union npu_cmd_params *pp,
		      uint32_t flags, struct npu_fw_reason *why)
{
	const struct npu_pool_params *p = &pp->pool;

	(void)op;
	if (fw_check_tensor(&p->input, FW_T_S8 | FW_T_S16 | FW_T_U8, 4, 4,
			    why) ||
	    fw_check_tensor(&p->output, FW_T_S8 | FW_T_S16 | FW_T_U8, 4, 4,
			    why))
		return -NPU_FW_EINVAL;
	FW_CHECK(why, p->input.dtype == p->output.dtype,
		 "input and output types differ");
	FW_CHECK(why, p->input.zero_point == p->output.zero_point,
		 "pool input and output zero points differ");
	FW_CHECK(why, p->input.dims[0] == p->output.dims[0] &&
		 p->input.dims[3] == p->output.dims[3],
		 "batch or channel mismatch");
	FW_CHECK(why, p->filter_h >= 1 && p->filter_w >= 1, "empty pool window");
	FW_CHECK(why, p->reserved[0] == 0 && p->reserved[1] == 0,
		 "reserved field not zero");
	if (fw_check_window(p->input.dims[1], p->output.dims[1], p->filter_h,
			    1, p->stride_h, p->pad_top, why) ||
	    fw_check_window(p->input.dims[2], p->output.dims[2], p->filter_w,
			    1, p->stride_w, p->pad_left, why) ||
	    fw_check_act(p->output.dtype, p->act_min, p->act_max, why))
		return -NPU_FW_EINVAL;
	if (flags & NPU_FW_CHECK_HW_LIMITS) {
		const struct npu_fw_geometry g = {
			.window_h = p->filter_h, .window_w = p->filter_w,
			.stride_h = p->stride_h, .stride_w = p->stride_w,
		};

		if (npu_fw_check_geometry(&g, why))
			return -NPU_FW_EINVAL;
		FW_LIMIT(why, "padding", p->pad_top > p->pad_left ?
			 p->pad_top : p->pad_left, NPU_LIMIT_PAD,
			 "padding exceeds the NPU limit");
	}
	return 0;
}

static void cost_pool(uint32_t op, const union npu_cmd_params *p,
		      struct fw_work *w)
{
	(void)op;
	w->elems = npu_tensor_elems(&p->pool.output) * p->pool.filter_h *
		   p->pool.filter_w;
}

RUN_UNARY_U8(run_avg_pool, pool, npu_op_avg_pool_s8, npu_op_avg_pool_s16,
	     npu_op_avg_pool_u8)
RUN_UNARY_U8(run_max_pool, pool, npu_op_max_pool_s8, npu_op_max_pool_s16,
	     npu_op_max_pool_u8)

const struct fw_cmd fw_cmds_pool[] = {
	{ .opcode = NPU_CMD_AVERAGE_POOL_2D, .name = "AVERAGE_POOL_2D",
	  .tiling = FW_TILE_ROWS, .param_features = fw_features_uint8,
	  .params_size = sizeof(struct npu_pool_params),
	  .check = check_pool, .operands = fw_operands_in_out,
	  .cost = cost_pool, .run = run_avg_pool },
	{ .opcode = NPU_CMD_MAX_POOL_2D, .name = "MAX_POOL_2D",
	  .tiling = FW_TILE_ROWS, .param_features = fw_features_uint8,
	  .params_size = sizeof(struct npu_pool_params),
	  .check = check_pool, .operands = fw_operands_in_out,
	  .cost = cost_pool, .run = run_max_pool },
	{ .name = NULL }
};
