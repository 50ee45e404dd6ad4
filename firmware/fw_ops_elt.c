// SPDX-License-Identifier: MIT
/*
 * Vector-unit ops: ADD, SUB, MUL with broadcast, LEAKY_RELU, LUT, int16
 * sigmoid-table LOGISTIC/TANH.  Bit-exact with TFLite's reference
 * AddFunc/SubFunc/MulElementwise, QuantizeLeakyRelu, lut_lookup and
 * reference_integer_ops::Logistic/Tanh for int16.  ADD, SUB, MUL and LUT
 * also take uint8 (legacy models): the same arithmetic, unsigned storage.
 */
#include "fw_internal.h"

enum elt_kind { ELT_ADD, ELT_SUB, ELT_MUL };

static inline int32_t elt_one(const struct npu_eltwise_params *p,
			      enum elt_kind kind, int32_t x, int32_t y)
{
	int32_t a = x - p->input1.zero_point;
	int32_t b = y - p->input2.zero_point;
	int32_t v;

	if (kind == ELT_MUL) {
		v = fw_mbqm((int32_t)((uint32_t)a * (uint32_t)b),
				p->output_multiplier, p->output_shift);
	} else {
		int32_t sa = (int32_t)((uint32_t)a << p->left_shift);
		int32_t sb = (int32_t)((uint32_t)b << p->left_shift);

		sa = fw_mbqm(sa, p->input1_multiplier, p->input1_shift);
		sb = fw_mbqm(sb, p->input2_multiplier, p->input2_shift);
		v = (int32_t)(kind == ELT_ADD ? (uint32_t)sa + (uint32_t)sb :
			      (uint32_t)sa - (uint32_t)sb);
		v = fw_mbqm(v, p->output_multiplier, p->output_shift);
	}
	v = (int32_t)((uint32_t)v + (uint32_t)p->output.zero_point);
	return fw_clamp(v, p->act_min, p->act_max);
}

#define ELT_BODY(T)							\
	struct fw_bcast bc;						\
	uint32_t a, b, o;						\
	fw_bcast_init(&p->input1, &p->input2, &p->output, &bc);		\
	FW_BCAST_FOR(bc, a, b, o,					\
		     out[o] = (T)elt_one(p, kind, in1[a], in2[b]));

static void elt_s8(const struct npu_eltwise_params *p, enum elt_kind kind,
		   const int8_t *in1, const int8_t *in2, int8_t *out)
{
	ELT_BODY(int8_t)
}

static void elt_u8(const struct npu_eltwise_params *p, enum elt_kind kind,
		   const uint8_t *in1, const uint8_t *in2, uint8_t *out)
{
	ELT_BODY(uint8_t)
}

static void elt_s16(const struct npu_eltwise_params *p, enum elt_kind kind,
		    const int16_t *in1, const int16_t *in2, int16_t *out)
{
	ELT_BODY(int16_t)
}

void npu_op_add_s8(const struct npu_eltwise_params *p, const int8_t *in1,
		   const int8_t *in2, int8_t *out)
{
	elt_s8(p, ELT_ADD, in1, in2, out);
}

void npu_op_add_s16(const struct npu_eltwise_params *p, const int16_t *in1,
		    const int16_t *in2, int16_t *out)
{
	elt_s16(p, ELT_ADD, in1, in2, out);
}

void npu_op_sub_s8(const struct npu_eltwise_params *p, const int8_t *in1,
		   const int8_t *in2, int8_t *out)
{
	elt_s8(p, ELT_SUB, in1, in2, out);
}

void npu_op_sub_s16(const struct npu_eltwise_params *p, const int16_t *in1,
		    const int16_t *in2, int16_t *out)
{
	elt_s16(p, ELT_SUB, in1, in2, out);
}

void npu_op_mul_s8(const struct npu_eltwise_params *p, const int8_t *in1,
		   const int8_t *in2, int8_t *out)
{
	elt_s8(p, ELT_MUL, in1, in2, out);
}

void npu_op_mul_s16(const struct npu_eltwise_params *p, const int16_t *in1,
		    const int16_t *in2, int16_t *out)
{
	elt_s16(p, ELT_MUL, in1, in2, out);
}

void npu_op_add_u8(const struct npu_eltwise_params *p, const uint8_t *in1,
		   const uint8_t *in2, uint8_t *out)
{
	elt_u8(p, ELT_ADD, in1, in2, out);
}

void npu_op_sub_u8(const struct npu_eltwise_params *p, const uint8_t *in1,
		   const uint8_t *in2, uint8_t *out)
{
	elt_u8(p, ELT_SUB, in1, in2, out);
}

void npu_op_mul_u8(const struct npu_eltwise_params *p, const uint8_t *in1,
		   const uint8_t *in2, uint8_t *out)
{
	elt_u8(p, ELT_MUL, in1, in2, out);
}

/* ---- LEAKY_RELU ---- */

static inline int32_t lrelu_one(const struct npu_leaky_relu_params *p,
				int32_t x)
{
	int32_t v = x - p->input.zero_point;

	if (v >= 0)
		v = fw_mbqm(v, p->multiplier_identity, p->shift_identity);
	else
		v = fw_mbqm(v, p->multiplier_alpha, p->shift_alpha);
	return (int32_t)((uint32_t)v + (uint32_t)p->output.zero_point);
}

void npu_op_leaky_relu_s8(const struct npu_leaky_relu_params *p,
			  const int8_t *in, int8_t *out)
{
	uint32_t i, n = (uint32_t)npu_tensor_elems(&p->input);

	for (i = 0; i < n; i++)
		out[i] = (int8_t)fw_clamp(lrelu_one(p, in[i]), NPU_FW_S8_MIN,
					  NPU_FW_S8_MAX);
}

void npu_op_leaky_relu_u8(const struct npu_leaky_relu_params *p,
			  const uint8_t *in, uint8_t *out)
{
	uint32_t i, n = (uint32_t)npu_tensor_elems(&p->input);

	for (i = 0; i < n; i++)
		out[i] = (uint8_t)fw_clamp(lrelu_one(p, in[i]), 0, 255);
}

void npu_op_leaky_relu_s16(const struct npu_leaky_relu_params *p,
			   const int16_t *in, int16_t *out)
{
	uint32_t i, n = (uint32_t)npu_tensor_elems(&p->input);

	for (i = 0; i < n; i++)
		out[i] = (int16_t)fw_clamp(lrelu_one(p, in[i]),
					   NPU_FW_S16_MIN, NPU_FW_S16_MAX);
}

/* ---- LUT ---- */

void npu_op_lut_s8(const struct npu_lut_params *p, const int8_t *in,
		   const int8_t *table, int8_t *out)
{
	uint32_t i, n = (uint32_t)npu_tensor_elems(&p->input);

	for (i = 0; i < n; i++)
		out[i] = table[(uint8_t)(in[i] + 128)];
}

void npu_op_lut_u8(const struct npu_lut_params *p, const uint8_t *in,
		   const uint8_t *table, uint8_t *out)
{
	uint32_t i, n = (uint32_t)npu_tensor_elems(&p->input);

	for (i = 0; i < n; i++)
		out[i] = table[in[i]];
}

void npu_op_lut_s16(const struct npu_lut_params *p, const int16_t *in,
		    const int16_t *table, int16_t *out)
{
	uint32_t i, n = (uint32_t)npu_tensor_elems(&p->input);

	for (i = 0; i < n; i++) {
		/* TFLite lut_lookup_with_interpolation: 512 segments. */
		const int32_t v = in[i];
		const uint32_t idx = (uint32_t)(256 + (v >> 7));
		const int32_t frac = v & 0x7f;
		const int16_t base = table[idx];
		const int16_t slope = (int16_t)(table[idx + 1] - table[idx]);
		const int32_t delta = (slope * frac + 64) >> 7;

		out[i] = (int16_t)(base + delta);
	}
}

/*
 * ---- int16 LOGISTIC / TANH on the sigmoid table ----
 *
 * The input, rescaled to 1/(3 * 4096) per unit (so +/-2^17 spans
 * +/-10.7), indexes table steps of 1/24: 9 fraction bits per step for the
 * sigmoid, 8 for tanh (tanh(x) = 2 sigmoid(2x) - 1).  Both functions are
 * odd around their centre, so only |x| is looked up.  The table is the
 * host's; unsigned arithmetic keeps any table free of overflow, and for
 * TFLite's own table every intermediate matches the reference exactly.
 */
static uint32_t sigmoid_interp(const uint16_t *table, uint32_t ax,
			       uint32_t frac_bits, uint32_t saturated)
{
	const uint32_t step = ax >> frac_bits;
	uint32_t lo, hi;

	if (step >= 255)
		return saturated;
	lo = table[step];
	hi = table[step + 1];
	return (lo << frac_bits) + (ax & ((1u << frac_bits) - 1)) * (hi - lo);
}

void npu_op_sigmoid_s16(const struct npu_sigmoid_s16_params *p,
			const int16_t *in, const uint16_t *table, int16_t *out)
{
	const uint32_t n = (uint32_t)npu_tensor_elems(&p->input);
	int32_t mult = p->input_multiplier, shift = p->input_left_shift;
	int32_t round;
	uint32_t i;

	if (mult == 0) {	/* power-of-two input scale */
		mult = 3 << shift;
		shift = 0;
	}
	round = shift > 0 ? 1 << (shift - 1) : 0;
	for (i = 0; i < n; i++) {
		/* |in * mult| + round < 2^31 within the validated ranges. */
		const int32_t x = (in[i] * mult + round) >> shift;
		const uint32_t ax = x < 0 ? (uint32_t)-x : (uint32_t)x;

		if (p->function == NPU_LUT_LOGISTIC) {
			uint32_t r = sigmoid_interp(table, ax, 9, 0x7fffu << 10);

			r = x >= 0 ? r + (1u << 9) :
				     (1u << 25) - r + (1u << 9) - 1;
			out[i] = (int16_t)(uint16_t)(r >> 10);
		} else {
			const int64_t r = (int32_t)sigmoid_interp(table, ax, 8,
							  0xffffu << 8);
			const int64_t t = x >= 0 ?
				r - (1 << 23) + (1 << 7) :
				-r + (1 << 23) + (1 << 7) - 1;

			out[i] = (int16_t)(uint16_t)(uint64_t)(t >> 8);
		}
	}
}

/* ---- RELU, RELU_N1_TO_1, RELU6 ---- */

/* TFLite's reference_ops::ReluX (quantized). */
static inline int32_t relu_one(const struct npu_relu_params *p, int32_t x)
{
	int32_t v = fw_mbqm(x - p->input.zero_point, p->multiplier, p->shift);

	v = (int32_t)((uint32_t)v + (uint32_t)p->output.zero_point);
	return fw_clamp(v, p->act_min, p->act_max);
}

void npu_op_relu_s8(const struct npu_relu_params *p, const int8_t *in,
		    int8_t *out)
{
	uint32_t i, n = (uint32_t)npu_tensor_elems(&p->input);

	for (i = 0; i < n; i++)
		out[i] = (int8_t)relu_one(p, in[i]);
}

void npu_op_relu_u8(const struct npu_relu_params *p, const uint8_t *in,
		    uint8_t *out)
{
	uint32_t i, n = (uint32_t)npu_tensor_elems(&p->input);

	for (i = 0; i < n; i++)
		out[i] = (uint8_t)relu_one(p, in[i]);
}

void npu_op_relu_s16(const struct npu_relu_params *p, const int16_t *in,
		     int16_t *out)
{
	uint32_t i, n = (uint32_t)npu_tensor_elems(&p->input);

	for (i = 0; i < n; i++)
		out[i] = (int16_t)relu_one(p, in[i]);
}

/* ---- checks, operands, cost and the command rows ---- */

static int check_eltwise(uint32_t op, const union npu_cmd_params *pp,
			 uint32_t flags, struct npu_fw_reason *why)
{
	const struct npu_eltwise_params *p = &pp->eltwise;

	if (fw_check_bcast(&p->input1, &p->input2, &p->output,
			   FW_T_S8 | FW_T_S16 | FW_T_U8, why))
		return -NPU_FW_EINVAL;
	FW_CHECK(why, p->reserved == 0, "reserved field not zero");
	if (op == NPU_CMD_MUL) {
		FW_CHECK(why, p->left_shift == 0 && p->input1_multiplier == 0 &&
			 p->input1_shift == 0 && p->input2_multiplier == 0 &&
			 p->input2_shift == 0, "MUL with input rescaling");
	} else {
		FW_CHECK(why, p->left_shift >= 0 && p->left_shift <= 31,
			 "left shift out of range");
		FW_CHECK(why, p->input1_multiplier >= 0 &&
			 p->input2_multiplier >= 0, "negative multiplier");
	}
	FW_CHECK(why, p->output_multiplier >= 0, "negative multiplier");
	if (fw_check_act(p->output.dtype, p->act_min, p->act_max, why))
		return -NPU_FW_EINVAL;
	if (flags & NPU_FW_CHECK_HW_LIMITS)
		FW_LIMIT(why, "left shift", p->left_shift, NPU_LIMIT_LEFT_SHIFT,
			 "left shift exceeds the NPU limit");
	return 0;
}

static int check_lut(uint32_t op, const union npu_cmd_params *pp,
		     uint32_t flags, struct npu_fw_reason *why)
{
	const struct npu_lut_params *p = &pp->lut;

	(void)op;
	(void)flags;
	if (fw_check_same_shape(&p->input, &p->output,
				FW_T_S8 | FW_T_S16 | FW_T_U8, why))
		return -NPU_FW_EINVAL;
	FW_CHECK(why, p->function <= NPU_LUT_TANH && p->reserved == 0,
		 "unknown LUT function");
	FW_CHECK(why, fw_va_ok(p->table_addr, p->input.dtype != NPU_DTYPE_INT16 ?
			       256 : 513 * 2, npu_dtype_size(p->input.dtype)),
		 "table misaligned or outside the address space");
	return 0;
}

static int check_leaky_relu(uint32_t op, const union npu_cmd_params *p,
			    uint32_t flags, struct npu_fw_reason *why)
{
	(void)op;
	(void)flags;
	return fw_check_same_shape(&p->leaky_relu.input, &p->leaky_relu.output,
				   FW_T_S8 | FW_T_S16 | FW_T_U8, why);
}

static int check_sigmoid_s16(uint32_t op, const union npu_cmd_params *pp,
			     uint32_t flags, struct npu_fw_reason *why)
{
	const struct npu_sigmoid_s16_params *p = &pp->sigmoid_s16;

	(void)op;
	(void)flags;
	if (fw_check_tensor(&p->input, FW_T_S16, 0, NPU_CS_MAX_DIMS, why) ||
	    fw_check_tensor(&p->output, FW_T_S16, 0, NPU_CS_MAX_DIMS, why))
		return -NPU_FW_EINVAL;
	FW_CHECK(why, fw_same_dims(&p->input, &p->output),
		 "input and output shapes differ");
	FW_CHECK(why, p->input.zero_point == 0 && p->output.zero_point == 0,
		 "int16 sigmoid needs zero points 0");
	FW_CHECK(why, (p->function == NPU_LUT_LOGISTIC ||
		       p->function == NPU_LUT_TANH) && p->reserved == 0,
		 "unknown sigmoid function");
	/* Keeps in * multiplier + rounding inside int32. */
	FW_CHECK(why, p->input_multiplier >= 0 && p->input_multiplier <= 32767 &&
		 p->input_left_shift >= 0 && p->input_left_shift <= 31 &&
		 (p->input_multiplier || p->input_left_shift <= 13),
		 "input multiplier or shift out of range");
	FW_CHECK(why, fw_va_ok(p->table_addr, 256 * 2, 2),
		 "table misaligned or outside the address space");
	return 0;
}

static int check_relu(uint32_t op, const union npu_cmd_params *pp,
		      uint32_t flags, struct npu_fw_reason *why)
{
	const struct npu_relu_params *p = &pp->relu;

	(void)op;
	(void)flags;
	if (fw_check_same_shape(&p->input, &p->output,
				FW_T_S8 | FW_T_S16 | FW_T_U8, why))
		return -NPU_FW_EINVAL;
	FW_CHECK(why, p->multiplier >= 0, "negative multiplier");
	FW_CHECK(why, p->shift >= -31 && p->shift <= 30, "shift out of range");
	return fw_check_act(p->output.dtype, p->act_min, p->act_max, why);
}

static uint32_t operands_lut(uint32_t op, const union npu_cmd_params *p,
			     struct npu_fw_operand ops[NPU_FW_SLOT_COUNT])
{
	(void)op;
	return fw_operands_table(&p->lut.input, &p->lut.output, &p->lut.table_addr,
				 p->lut.input.dtype != NPU_DTYPE_INT16 ? 256 :
				 513 * 2, ops);
}

static uint32_t operands_sigmoid_s16(uint32_t op,
				     const union npu_cmd_params *p,
				     struct npu_fw_operand ops[NPU_FW_SLOT_COUNT])
{
	(void)op;
	return fw_operands_table(&p->sigmoid_s16.input, &p->sigmoid_s16.output,
			      &p->sigmoid_s16.table_addr, 256 * 2, ops);
}

static void cost_eltwise(uint32_t op, const union npu_cmd_params *p,
			 struct fw_work *w)
{
	(void)op;
	w->elems = npu_tensor_elems(&p->eltwise.output);
}

static void run_eltwise(uint32_t op, const union npu_cmd_params *p,
			void *const *b)
{
	const uint32_t dtype = p->eltwise.output.dtype;
	const enum elt_kind kind = op == NPU_CMD_ADD ? ELT_ADD :
				   op == NPU_CMD_SUB ? ELT_SUB : ELT_MUL;

	if (dtype == NPU_DTYPE_UINT8)
		elt_u8(&p->eltwise, kind, b[NPU_FW_SLOT_IN0],
		       b[NPU_FW_SLOT_IN1], b[NPU_FW_SLOT_OUT]);
	else if (dtype == NPU_DTYPE_INT16)
		elt_s16(&p->eltwise, kind, b[NPU_FW_SLOT_IN0],
			b[NPU_FW_SLOT_IN1], b[NPU_FW_SLOT_OUT]);
	else
		elt_s8(&p->eltwise, kind, b[NPU_FW_SLOT_IN0],
		       b[NPU_FW_SLOT_IN1], b[NPU_FW_SLOT_OUT]);
}

static void run_lut(uint32_t op, const union npu_cmd_params *p,
		    void *const *b)
{
	(void)op;
	if (p->lut.input.dtype == NPU_DTYPE_UINT8)
		npu_op_lut_u8(&p->lut, b[NPU_FW_SLOT_IN0],
			      b[NPU_FW_SLOT_TABLE], b[NPU_FW_SLOT_OUT]);
	else if (p->lut.input.dtype == NPU_DTYPE_INT16)
		npu_op_lut_s16(&p->lut, b[NPU_FW_SLOT_IN0],
			       b[NPU_FW_SLOT_TABLE], b[NPU_FW_SLOT_OUT]);
	else
		npu_op_lut_s8(&p->lut, b[NPU_FW_SLOT_IN0],
			      b[NPU_FW_SLOT_TABLE], b[NPU_FW_SLOT_OUT]);
}

static void run_sigmoid_s16(uint32_t op, const union npu_cmd_params *p,
			    void *const *b)
{
	(void)op;
	npu_op_sigmoid_s16(&p->sigmoid_s16, b[NPU_FW_SLOT_IN0],
			   b[NPU_FW_SLOT_TABLE], b[NPU_FW_SLOT_OUT]);
}

RUN_UNARY_U8(run_leaky_relu, leaky_relu, npu_op_leaky_relu_s8,
	     npu_op_leaky_relu_s16, npu_op_leaky_relu_u8)
RUN_UNARY_U8(run_relu, relu, npu_op_relu_s8, npu_op_relu_s16,
	     npu_op_relu_u8)

#define ELT_ROW(op, nm)							\
	{ .opcode = (op), .name = (nm),					\
	  .param_features = fw_features_uint8,				\
	  .params_size = sizeof(struct npu_eltwise_params),		\
	  .check = check_eltwise, .operands = fw_operands_in2_out,		\
	  .cost = cost_eltwise, .run = run_eltwise }

const struct fw_cmd fw_cmds_elt[] = {
	ELT_ROW(NPU_CMD_ADD, "ADD"),
	ELT_ROW(NPU_CMD_SUB, "SUB"),
	ELT_ROW(NPU_CMD_MUL, "MUL"),
	{ .opcode = NPU_CMD_LUT, .name = "LUT",
	  .param_features = fw_features_uint8,
	  .params_size = sizeof(struct npu_lut_params),
	  .check = check_lut, .operands = operands_lut,
	  .cost = fw_cost_output_elems, .run = run_lut },
	{ .opcode = NPU_CMD_LEAKY_RELU, .name = "LEAKY_RELU",
	  .param_features = fw_features_uint8,
	  .params_size = sizeof(struct npu_leaky_relu_params),
	  .check = check_leaky_relu, .operands = fw_operands_in_out,
	  .cost = fw_cost_output_elems, .run = run_leaky_relu },
	{ .opcode = NPU_CMD_SIGMOID_S16, .name = "SIGMOID_S16",
	  .features = NPU_FW_FEAT_SIGMOID_S16,
	  .params_size = sizeof(struct npu_sigmoid_s16_params),
	  .check = check_sigmoid_s16, .operands = operands_sigmoid_s16,
	  .cost = fw_cost_output_elems, .run = run_sigmoid_s16 },
	{ .opcode = NPU_CMD_RELU, .name = "RELU",
	  .features = NPU_FW_FEAT_RELU, .param_features = fw_features_uint8,
	  .params_size = sizeof(struct npu_relu_params),
	  .check = check_relu, .operands = fw_operands_in_out,
	  .cost = fw_cost_output_elems, .run = run_relu },
	{ .name = NULL }
};
