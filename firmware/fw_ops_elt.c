// SPDX-License-Identifier: MIT
/*
 * Vector-unit ops: ADD, SUB, MUL with broadcast, LEAKY_RELU, LUT, int16
 * sigmoid-table LOGISTIC/TANH.  Bit-exact with TFLite's reference
 * AddFunc/SubFunc/MulElementwise, QuantizeLeakyRelu, lut_lookup and
 * reference_integer_ops::Logistic/Tanh for int16.
 */
#include "fw_internal.h"

/* Broadcast walk over the 5-D extended output shape. */
struct bcast {
	struct fw_shape5 out;
	uint32_t s1[NPU_CS_MAX_DIMS];	/* element strides, 0 = broadcast */
	uint32_t s2[NPU_CS_MAX_DIMS];
};

static void strides_of(const struct fw_shape5 *in, uint32_t *s)
{
	uint32_t acc = 1;
	int i;

	for (i = NPU_CS_MAX_DIMS - 1; i >= 0; i--) {
		s[i] = in->d[i] == 1 ? 0 : acc;
		acc *= in->d[i];
	}
}

static void bcast_init(const struct npu_eltwise_params *p, struct bcast *bc)
{
	struct fw_shape5 a, b;

	fw_shape5(&p->output, &bc->out);
	fw_shape5(&p->input1, &a);
	fw_shape5(&p->input2, &b);
	strides_of(&a, bc->s1);
	strides_of(&b, bc->s2);
}

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
	struct bcast bc;						\
	uint32_t i0, i1, i2, i3, i4, o = 0;				\
	bcast_init(p, &bc);						\
	for (i0 = 0; i0 < bc.out.d[0]; i0++)				\
	for (i1 = 0; i1 < bc.out.d[1]; i1++)				\
	for (i2 = 0; i2 < bc.out.d[2]; i2++)				\
	for (i3 = 0; i3 < bc.out.d[3]; i3++) {				\
		uint32_t a = i0 * bc.s1[0] + i1 * bc.s1[1] +		\
			     i2 * bc.s1[2] + i3 * bc.s1[3];		\
		uint32_t b = i0 * bc.s2[0] + i1 * bc.s2[1] +		\
			     i2 * bc.s2[2] + i3 * bc.s2[3];		\
		for (i4 = 0; i4 < bc.out.d[4]; i4++, o++)		\
			out[o] = (T)elt_one(p, kind, in1[a + i4 * bc.s1[4]], \
					    in2[b + i4 * bc.s2[4]]);	\
	}

static void elt_s8(const struct npu_eltwise_params *p, enum elt_kind kind,
		   const int8_t *in1, const int8_t *in2, int8_t *out)
{
	ELT_BODY(int8_t)
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
