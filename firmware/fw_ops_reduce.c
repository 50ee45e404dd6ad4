// SPDX-License-Identifier: MIT
/*
 * Reductions over any set of axes: MEAN, REDUCE_MAX, REDUCE_MIN; ARG_MAX and
 * ARG_MIN along one axis.  Bit-exact with the TFLite interpreter's
 * reference reduce kernels (reduce.cc) for int8 and int16 (and uint8
 * MEAN, which TFLite 2.21 computes as int8), and its reference ArgMinMax.
 */
#include "fw_internal.h"

/*
 * The input seen as 5-D (leading 1s): the kept extents (reduced axes 1),
 * the reduced extents (kept axes 1) and the element strides.
 */
struct reduce_walk {
	uint32_t kept[NPU_CS_MAX_DIMS];
	uint32_t red[NPU_CS_MAX_DIMS];
	uint32_t stride[NPU_CS_MAX_DIMS];
};

static void walk_init(const struct npu_tensor *in, uint32_t axis_mask,
		      struct reduce_walk *w)
{
	const uint32_t lead = NPU_CS_MAX_DIMS - in->rank;
	struct fw_shape5 s;
	uint32_t acc = 1;
	int i;

	fw_shape5(in, &s);
	for (i = NPU_CS_MAX_DIMS - 1; i >= 0; i--) {
		const int reduced = (uint32_t)i >= lead &&
				    (axis_mask & (1u << (i - lead)));

		w->kept[i] = reduced ? 1 : s.d[i];
		w->red[i] = reduced ? s.d[i] : 1;
		w->stride[i] = acc;
		acc *= s.d[i];
	}
}

static inline uint32_t walk_offset(const struct reduce_walk *w,
				   const uint32_t *i)
{
	return i[0] * w->stride[0] + i[1] * w->stride[1] +
	       i[2] * w->stride[2] + i[3] * w->stride[3] +
	       i[4] * w->stride[4];
}

#define FOR5(i, n)							\
	for (i[0] = 0; i[0] < n[0]; i[0]++)				\
	for (i[1] = 0; i[1] < n[1]; i[1]++)				\
	for (i[2] = 0; i[2] < n[2]; i[2]++)				\
	for (i[3] = 0; i[3] < n[3]; i[3]++)				\
	for (i[4] = 0; i[4] < n[4]; i[4]++)

/*
 * Output elements in order (the kept axes, row-major); for each, INIT,
 * then STEP(v) on every element v it reduces, then FINISH gives the value.
 */
#define REDUCE_BODY(T, mask, INIT, STEP, FINISH)			\
	struct reduce_walk w;						\
	uint32_t o[NPU_CS_MAX_DIMS], r[NPU_CS_MAX_DIMS], n = 0;		\
	walk_init(&p->input, mask, &w);					\
	FOR5(o, w.kept) {						\
		const uint32_t base = walk_offset(&w, o);		\
		INIT;							\
		FOR5(r, w.red) {					\
			const int32_t v = in[base + walk_offset(&w, r)]; \
			STEP;						\
		}							\
		out[n++] = (T)(FINISH);					\
	}

/*
 * TFLite's QuantizedMeanOrSum: the sum of (in - in_zp), requantized once
 * by a multiplier that already holds 1/count for MEAN.
 */
#define MEAN_BODY(T, LO, HI)						\
	REDUCE_BODY(T, p->axis_mask, uint32_t acc = 0,			\
		    acc += (uint32_t)(v - p->input.zero_point),		\
		    fw_clamp((int32_t)((uint32_t)fw_mbqm((int32_t)acc,	\
				p->multiplier, p->shift) +		\
				(uint32_t)p->output.zero_point), LO, HI))

void npu_op_mean_s8(const struct npu_mean_params *p, const int8_t *in,
		    int8_t *out)
{
	MEAN_BODY(int8_t, NPU_FW_S8_MIN, NPU_FW_S8_MAX)
}

void npu_op_mean_s16(const struct npu_mean_params *p, const int16_t *in,
		     int16_t *out)
{
	MEAN_BODY(int16_t, NPU_FW_S16_MIN, NPU_FW_S16_MAX)
}

void npu_op_mean_u8(const struct npu_mean_params *p, const uint8_t *in,
		    uint8_t *out)
{
	MEAN_BODY(uint8_t, 0, 255)
}

#define MINMAX_BODY(T, MAX)						\
	REDUCE_BODY(T, p->axis_mask, int32_t best = in[base],		\
		    if (MAX ? v > best : v < best) best = v, best)

void npu_op_reduce_max_s8(const struct npu_reduce_params *p,
			  const int8_t *in, int8_t *out)
{
	MINMAX_BODY(int8_t, 1)
}

void npu_op_reduce_max_s16(const struct npu_reduce_params *p,
			   const int16_t *in, int16_t *out)
{
	MINMAX_BODY(int16_t, 1)
}

void npu_op_reduce_min_s8(const struct npu_reduce_params *p,
			  const int8_t *in, int8_t *out)
{
	MINMAX_BODY(int8_t, 0)
}

void npu_op_reduce_min_s16(const struct npu_reduce_params *p,
			   const int16_t *in, int16_t *out)
{
	MINMAX_BODY(int16_t, 0)
}

/*
 * The index of the first largest (smallest) element along the axis, as
 * TFLite's ArgMinMax with a strict comparison; raw values, any of the
 * input types.
 */
static int32_t arg_value(const struct npu_tensor *t, const void *in,
			 uint32_t i)
{
	if (t->dtype == NPU_DTYPE_INT16)
		return ((const int16_t *)in)[i];
	if (t->dtype == NPU_DTYPE_UINT8)
		return ((const uint8_t *)in)[i];
	return ((const int8_t *)in)[i];
}

void npu_op_arg_min_max(const struct npu_arg_params *p, int is_max,
			const void *in, void *out)
{
	uint32_t outer = 1, inner = 1, len, i, o, k;

	for (i = 0; i < p->input.rank; i++) {
		if (i < p->axis)
			outer *= p->input.dims[i];
		else if (i > p->axis)
			inner *= p->input.dims[i];
	}
	len = p->input.dims[p->axis];
	for (o = 0; o < outer; o++)
		for (i = 0; i < inner; i++) {
			const uint32_t base = o * len * inner + i;
			int32_t best = arg_value(&p->input, in, base);
			uint32_t at = 0;

			for (k = 1; k < len; k++) {
				const int32_t v = arg_value(&p->input, in,
							    base + k * inner);

				if (is_max ? v > best : v < best) {
					best = v;
					at = k;
				}
			}
			if (p->output.dtype == NPU_DTYPE_INT64)
				((int64_t *)out)[o * inner + i] = at;
			else
				((int32_t *)out)[o * inner + i] = (int32_t)at;
		}
}

/* ---- checks, cost and the command rows ---- */

/* Input and output of a reduction over @axis_mask. */
static int check_reduce_shape(const struct npu_tensor *in,
			      const struct npu_tensor *out, uint32_t axis_mask,
			      uint32_t types, struct npu_fw_reason *why)
{
	uint32_t i;

	if (fw_check_tensor(in, types, 1, NPU_CS_MAX_DIMS, why) ||
	    fw_check_tensor(out, types, 1, NPU_CS_MAX_DIMS, why))
		return -NPU_FW_EINVAL;
	FW_CHECK(why, in->dtype == out->dtype, "input and output types differ");
	FW_CHECK(why, in->rank == out->rank, "input and output ranks differ");
	FW_CHECK(why, (axis_mask >> in->rank) == 0, "axis beyond the rank");
	for (i = 0; i < in->rank; i++)
		FW_CHECK(why, out->dims[i] ==
			 ((axis_mask & (1u << i)) ? 1 : in->dims[i]),
			 "output is not the input with the reduced axes 1");
	return 0;
}

static int check_mean(uint32_t op, const union npu_cmd_params *pp,
		      uint32_t flags, struct npu_fw_reason *why)
{
	const struct npu_mean_params *p = &pp->mean;

	(void)op;
	(void)flags;
	if (check_reduce_shape(&p->input, &p->output, p->axis_mask,
			       FW_T_S8 | FW_T_S16 | FW_T_U8, why))
		return -NPU_FW_EINVAL;
	FW_CHECK(why, p->reserved == 0, "reserved field not zero");
	FW_CHECK(why, p->shift >= -31 && p->shift <= 30, "shift out of range");
	FW_CHECK(why, p->multiplier >= 0, "negative multiplier");
	return 0;
}

static int check_minmax(uint32_t op, const union npu_cmd_params *pp,
			uint32_t flags, struct npu_fw_reason *why)
{
	const struct npu_reduce_params *p = &pp->reduce;

	(void)op;
	(void)flags;
	if (check_reduce_shape(&p->input, &p->output, p->axis_mask,
			       FW_T_S8 | FW_T_S16, why))
		return -NPU_FW_EINVAL;
	FW_CHECK(why, p->reserved == 0, "reserved field not zero");
	FW_CHECK(why, p->input.zero_point == p->output.zero_point,
		 "input and output zero points differ");
	return 0;
}

static int check_arg(uint32_t op, const union npu_cmd_params *pp,
		     uint32_t flags, struct npu_fw_reason *why)
{
	const struct npu_arg_params *p = &pp->arg;
	uint32_t i;

	(void)op;
	(void)flags;
	if (fw_check_tensor(&p->input, FW_T_S8 | FW_T_U8 | FW_T_S16, 1,
			    NPU_CS_MAX_DIMS, why) ||
	    fw_check_tensor(&p->output, FW_T_S32 | FW_T_S64, 1,
			    NPU_CS_MAX_DIMS, why))
		return -NPU_FW_EINVAL;
	FW_CHECK(why, p->reserved == 0, "reserved field not zero");
	FW_CHECK(why, p->input.rank == p->output.rank,
		 "input and output ranks differ");
	FW_CHECK(why, p->axis < p->input.rank, "axis beyond the rank");
	for (i = 0; i < p->input.rank; i++)
		FW_CHECK(why, p->output.dims[i] ==
			 (i == p->axis ? 1 : p->input.dims[i]),
			 "output is not the input with the axis 1");
	return 0;
}

static void run_arg(uint32_t op, const union npu_cmd_params *p,
		    void *const *b)
{
	npu_op_arg_min_max(&p->arg, op == NPU_CMD_ARG_MAX, b[NPU_FW_SLOT_IN0],
			   b[NPU_FW_SLOT_OUT]);
}

/* One vector-unit step per input element. */
static void cost_reduce(uint32_t op, const union npu_cmd_params *p,
			struct fw_work *w)
{
	(void)op;
	w->elems = npu_tensor_elems(&p->copy.input);
}

static uint32_t features_mean(uint32_t op, const union npu_cmd_params *p)
{
	(void)op;
	return p->mean.input.dtype == NPU_DTYPE_UINT8 ? NPU_FW_FEAT_MEAN_U8 : 0;
}

RUN_UNARY_U8(run_mean, mean, npu_op_mean_s8, npu_op_mean_s16, npu_op_mean_u8)
RUN_UNARY(run_reduce_max, reduce, npu_op_reduce_max_s8, npu_op_reduce_max_s16)
RUN_UNARY(run_reduce_min, reduce, npu_op_reduce_min_s8, npu_op_reduce_min_s16)

const struct fw_cmd fw_cmds_reduce[] = {
	{ .opcode = NPU_CMD_MEAN, .name = "MEAN",
	  .features = NPU_FW_FEAT_REDUCE,
	  .params_size = sizeof(struct npu_mean_params),
	  .param_features = features_mean,
	  .check = check_mean, .operands = fw_operands_in_out,
	  .cost = cost_reduce, .run = run_mean },
	{ .opcode = NPU_CMD_REDUCE_MAX, .name = "REDUCE_MAX",
	  .features = NPU_FW_FEAT_REDUCE,
	  .params_size = sizeof(struct npu_reduce_params),
	  .check = check_minmax, .operands = fw_operands_in_out,
	  .cost = cost_reduce, .run = run_reduce_max },
	{ .opcode = NPU_CMD_REDUCE_MIN, .name = "REDUCE_MIN",
	  .features = NPU_FW_FEAT_REDUCE,
	  .params_size = sizeof(struct npu_reduce_params),
	  .check = check_minmax, .operands = fw_operands_in_out,
	  .cost = cost_reduce, .run = run_reduce_min },
	{ .opcode = NPU_CMD_ARG_MAX, .name = "ARG_MAX",
	  .features = NPU_FW_FEAT_REDUCE,
	  .params_size = sizeof(struct npu_arg_params),
	  .check = check_arg, .operands = fw_operands_in_out,
	  .cost = cost_reduce, .run = run_arg },
	{ .opcode = NPU_CMD_ARG_MIN, .name = "ARG_MIN",
	  .features = NPU_FW_FEAT_REDUCE,
	  .params_size = sizeof(struct npu_arg_params),
	  .check = check_arg, .operands = fw_operands_in_out,
	  .cost = cost_reduce, .run = run_arg },
	{ .name = NULL }
};
