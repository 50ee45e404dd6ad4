// SPDX-License-Identifier: MIT
/*
 * SOFTMAX of 8-bit inputs along the innermost axis, as TFLite's
 * reference_ops::Softmax computes it (struct npu_softmax_params): gemmlowp
 * fixed point throughout (exp on negative values, 1/(1 + x) by
 * Newton-Raphson), so the device, the CPU path (which runs this kernel)
 * and TFLite's BUILTIN_REF agree byte for byte.  The gemmlowp functions
 * are exported (npu_fw_exp_on_negative_values() & co.) for the host's
 * kernels that use the same arithmetic (LOG_SOFTMAX, the LOGISTIC and TANH
 * tables, DIV).
 */
#include "fw_internal.h"

#define SCALED_DIFF_INTEGER_BITS	5
#define ACCUMULATION_INTEGER_BITS	12

/* gemmlowp SaturatingRoundingMultiplyByPOT<exponent> for exponent > 0. */
static int32_t sat_shl(int32_t x, int exponent)
{
	const int32_t threshold = (int32_t)((1u << (31 - exponent)) - 1);

	if (x > threshold)
		return NPU_FW_S32_MAX;
	if (x < -threshold)
		return NPU_FW_S32_MIN;
	return (int32_t)((uint32_t)x << exponent);
}

int32_t npu_fw_fp_rescale(int32_t x, int src_bits, int dst_bits)
{
	const int exponent = src_bits - dst_bits;

	if (exponent > 0)
		return sat_shl(x, exponent);
	if (exponent < 0)
		return fw_rdivpot(x, -exponent);
	return x;
}

/* gemmlowp RoundingHalfSum. */
int32_t npu_fw_rounding_half_sum(int32_t a, int32_t b)
{
	const int64_t sum = (int64_t)a + b;

	/* (sum + sign) / 2 truncating towards zero, without a divide. */
	return (int32_t)(sum >= 0 ? (sum + 1) >> 1 : -((-sum + 1) >> 1));
}

/* exp(a) for a in [-1/4, 0), Q0.31 in and out. */
static int32_t exp_on_interval_neg_quarter_0(int32_t a)
{
	const int32_t constant_term = 1895147668;	/* exp(-1/8) */
	const int32_t constant_1_over_3 = 715827883;
	const int32_t x = a + (1 << 28);		/* a + 1/8 */
	const int32_t x2 = fw_srdhm(x, x);
	const int32_t x3 = fw_srdhm(x2, x);
	const int32_t x4 = fw_srdhm(x2, x2);
	const int32_t x4_over_4 = fw_rdivpot(x4, 2);
	const int32_t poly = fw_rdivpot(fw_srdhm(x4_over_4 + x3,
						 constant_1_over_3) + x2, 1);

	return constant_term + fw_srdhm(constant_term, x + poly);
}

int32_t npu_fw_exp_on_negative_values(int32_t a, int int_bits)
{
	static const int32_t barrel[7] = {
		1672461947, 1302514674, 790015084, 290630308,
		39332535, 720401, 242,
	};
	const int frac_bits = 31 - int_bits;
	const int32_t one_quarter = (int32_t)1 << (frac_bits - 2);
	const int32_t mask = one_quarter - 1;
	const int32_t a_mod_quarter_minus_one_quarter = (a & mask) - one_quarter;
	int32_t result = exp_on_interval_neg_quarter_0(
		npu_fw_fp_rescale(a_mod_quarter_minus_one_quarter, int_bits, 0));
	/* Wrapping: a positive @a (hostile parameters) must stay defined. */
	const int32_t remainder = (int32_t)((uint32_t)a_mod_quarter_minus_one_quarter -
					    (uint32_t)a);
	int exponent;

	for (exponent = -2; exponent <= 4; exponent++) {
		if (int_bits > exponent) {
			const int shift = frac_bits + exponent;

			if (remainder & ((int32_t)1 << shift))
				result = fw_srdhm(result, barrel[exponent + 2]);
		}
	}
	if (int_bits > 5) {
		const int32_t clamp = -((int32_t)1 << (36 - int_bits));

		if (a < clamp)
			result = 0;
	}
	if (a == 0)
		result = NPU_FW_S32_MAX;
	return result;
}

int32_t npu_fw_one_over_one_plus_x(int32_t a)
{
	const int32_t half_denominator =
		npu_fw_rounding_half_sum(a, NPU_FW_S32_MAX);
	const int32_t constant_48_over_17 = 1515870810;		/* Q2.29 */
	const int32_t constant_neg_32_over_17 = -1010580540;	/* Q2.29 */
	const int32_t one_q2 = (int32_t)1 << 29;
	int32_t x = constant_48_over_17 +
		    fw_srdhm(half_denominator, constant_neg_32_over_17);
	int i;

	for (i = 0; i < 3; i++) {
		const int32_t half_denominator_times_x =
			fw_srdhm(half_denominator, x);
		const int32_t one_minus = one_q2 - half_denominator_times_x;

		x = x + npu_fw_fp_rescale(fw_srdhm(x, one_minus), 4, 2);
	}
	return npu_fw_fp_rescale(x, 1, 0);
}

/* Leading zero bits of @x (32 for 0), without a libgcc helper. */
static int clz32(uint32_t x)
{
	return x ? __builtin_clz(x) : 32;
}

int32_t npu_fw_get_reciprocal(int32_t x, int x_integer_digits,
			      int *num_bits_over_unit)
{
	const int headroom_plus_one = clz32((uint32_t)x);
	const uint32_t shifted = headroom_plus_one < 32 ?
				 (uint32_t)x << headroom_plus_one : 0;
	const int32_t shifted_sum_minus_one = (int32_t)(shifted - (1u << 31));

	*num_bits_over_unit = x_integer_digits - headroom_plus_one;
	return npu_fw_one_over_one_plus_x(shifted_sum_minus_one);
}

/* Element @i of an 8-bit tensor. */
static int32_t q8_at(const void *p, int u8, uint64_t i)
{
	return u8 ? ((const uint8_t *)p)[i] : ((const int8_t *)p)[i];
}

/* exp(d) in Q0.31 of a difference the parameters count. */
static int32_t softmax_exp(const struct npu_softmax_params *p, int32_t diff)
{
	const int32_t rescaled = fw_srdhm(
		(int32_t)((uint32_t)diff << p->input_left_shift),
		p->input_multiplier);

	return npu_fw_exp_on_negative_values(rescaled,
					     SCALED_DIFF_INTEGER_BITS);
}

void npu_op_softmax(const struct npu_softmax_params *p, const void *in,
		    void *out)
{
	const int u8 = p->input.dtype == NPU_DTYPE_UINT8;
	const int out16 = p->output.dtype == NPU_DTYPE_INT16;
	const int32_t out_min = out16 ? NPU_FW_S16_MIN : u8 ? 0 : NPU_FW_S8_MIN;
	const int32_t out_max = out16 ? NPU_FW_S16_MAX : u8 ? 255 : NPU_FW_S8_MAX;
	const uint32_t depth = p->input.dims[p->input.rank - 1];
	const uint64_t rows = npu_tensor_elems(&p->input) / depth;
	uint64_t r;
	uint32_t c;

	for (r = 0; r < rows; r++) {
		const uint64_t x = r * depth;
		int32_t max_in_row = u8 ? 0 : NPU_FW_S8_MIN;
		uint32_t sum_of_exps = 0;	/* Q12.19, wrapping as int32 */
		int32_t shifted_scale;
		int num_bits_over_unit, exponent;

		for (c = 0; c < depth; c++)
			if (q8_at(in, u8, x + c) > max_in_row)
				max_in_row = q8_at(in, u8, x + c);
		for (c = 0; c < depth; c++) {
			const int32_t diff = q8_at(in, u8, x + c) - max_in_row;

			if (diff >= p->diff_min)
				sum_of_exps += (uint32_t)npu_fw_fp_rescale(
					softmax_exp(p, diff), 0,
					ACCUMULATION_INTEGER_BITS);
		}
		shifted_scale = npu_fw_get_reciprocal((int32_t)sum_of_exps,
						      ACCUMULATION_INTEGER_BITS,
						      &num_bits_over_unit);
		exponent = num_bits_over_unit + 31 - (out16 ? 16 : 8);
		for (c = 0; c < depth; c++) {
			const int32_t diff = q8_at(in, u8, x + c) - max_in_row;
			int32_t v = out_min;

			if (diff >= p->diff_min && exponent >= 0 &&
			    exponent <= 31)
				v = fw_clamp(fw_rdivpot(fw_srdhm(shifted_scale,
								 softmax_exp(p, diff)),
							exponent) + out_min,
					     out_min, out_max);
			if (out16)
				((int16_t *)out)[x + c] = (int16_t)v;
			else if (u8)
				((uint8_t *)out)[x + c] = (uint8_t)v;
			else
				((int8_t *)out)[x + c] = (int8_t)v;
		}
	}
}

/* ---- checks, cost and the command row ---- */

static int check_softmax(uint32_t op, const union npu_cmd_params *pp,
			 uint32_t flags, struct npu_fw_reason *why)
{
	const struct npu_softmax_params *p = &pp->softmax;
	const uint32_t in = p->input.dtype, out = p->output.dtype;
	uint32_t d;

	(void)op;
	(void)flags;
	if (fw_check_tensor(&p->input, FW_T_S8 | FW_T_U8, 1, NPU_CS_MAX_DIMS,
			    why) ||
	    fw_check_tensor(&p->output, FW_T_S8 | FW_T_U8 | FW_T_S16, 1,
			    NPU_CS_MAX_DIMS, why))
		return -NPU_FW_EINVAL;
	FW_CHECK(why, p->input.rank == p->output.rank,
		 "softmax input and output ranks differ");
	for (d = 0; d < p->input.rank; d++)
		FW_CHECK(why, p->input.dims[d] == p->output.dims[d],
			 "softmax input and output shapes differ");
	FW_CHECK(why, in == NPU_DTYPE_UINT8 ? out == NPU_DTYPE_UINT8 :
		 out != NPU_DTYPE_UINT8,
		 "softmax types: int8 -> int8 or int16, uint8 -> uint8");
	FW_CHECK(why, p->input_multiplier > 0, "softmax multiplier not positive");
	FW_CHECK(why, p->input_left_shift >= 0 && p->input_left_shift <= 31,
		 "softmax left shift outside 0..31");
	FW_CHECK(why, p->diff_min <= 0, "softmax diff_min positive");
	FW_CHECK(why, p->reserved == 0, "reserved field not zero");
	return 0;
}

/*
 * Per element: the row's maximum, two exps (the sum's and the output's,
 * each four vector steps: polynomial and barrel) and the scaling; per row,
 * the reciprocal's Newton-Raphson steps (Documentation/hardware.rst,
 * "Softmax").
 */
static void cost_softmax(uint32_t op, const union npu_cmd_params *p,
			 struct fw_work *w)
{
	const uint64_t elems = npu_tensor_elems(&p->softmax.input);
	const uint32_t depth = p->softmax.input.dims[p->softmax.input.rank - 1];

	(void)op;
	w->elems = 10 * elems + 64 * (depth ? elems / depth : 0);
}

static void run_softmax(uint32_t op, const union npu_cmd_params *p,
			void *const *b)
{
	(void)op;
	npu_op_softmax(&p->softmax, b[NPU_FW_SLOT_IN0], b[NPU_FW_SLOT_OUT]);
}

const struct fw_cmd fw_cmds_softmax[] = {
	{ .opcode = NPU_CMD_SOFTMAX, .name = "SOFTMAX",
	  .features = NPU_FW_FEAT_SOFTMAX,
	  .params_size = sizeof(struct npu_softmax_params),
	  .check = check_softmax, .operands = fw_operands_in_out,
	  .cost = cost_softmax, .run = run_softmax },
	{ .name = NULL }
};
