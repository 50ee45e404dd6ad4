// SPDX-License-Identifier: MIT
/*
 * SOFTMAX on the CPU (not an NPU op): float, int8 -> int8/int16 and
 * int16 -> int16, bit-exact with TFLite's reference kernels
 * (reference/softmax.h) and SoftmaxPrepare (activations.cc; TFLite Micro's
 * softmax_common.cc for the 8-bit paths, which it computes alike).
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cpu_fixedpoint.h"
#include "cpu_internal.h"

#define LUT_SIZE 513
#define SCALED_DIFF_INTEGER_BITS 5
#define ACCUMULATION_INTEGER_BITS 12

struct softmax_state {
	enum npu_type in_type, out_type;
	size_t outer, depth;
	float beta;
	int32_t input_multiplier;
	int32_t input_left_shift;
	int32_t diff_min;
	int16_t exp_lut[LUT_SIZE];
	int16_t one_over_one_plus_x_lut[LUT_SIZE];
};

static double lut_exp(double x)
{
	return exp(x);
}

static double lut_one_over_one_plus_x(double x)
{
	return 1.0 / (1.0 + x);
}

/*
 * TFLite's int16 SoftmaxPrepare tables (activations.cc, gen_lut): 512
 * interpolation steps over [input_min, input_max] plus one end point, Q0.15
 * samples each biased by half the midpoint interpolation error, all in
 * double.  TFLite Micro builds the same tables in float; its 1/(1 + x)
 * table then differs in two entries (160 and 294), which moved a few
 * outputs by 1 LSB against BUILTIN_REF.
 */
static void gen_lut_int16(double (*func)(double), double input_min,
			  double input_max, int16_t *lut)
{
	const int nb_steps = LUT_SIZE - 1;
	const double step = (input_max - input_min) / nb_steps;
	const double half_step = step / 2.0;

	for (int i = 0; i < nb_steps; i++) {
		const double x = input_min + i * step;
		const double sample_val = round(func(x) * 32768.0);
		const double midpoint_interp_val =
			round((func(input_min + (i + 1) * step) * 32768.0 +
			       sample_val) / 2.0);
		const double midpoint_val =
			round(func(x + half_step) * 32768.0);
		const double bias =
			round((midpoint_interp_val - midpoint_val) / 2.0);

		lut[i] = (int16_t)fmin(fmax(sample_val - bias, -32768.0),
				       32767.0);
	}
	lut[nb_steps] = (int16_t)fmin(fmax(round(func(input_max) * 32768.0),
					   -32768.0), 32767.0);
}

/* TFLite CalculateInputRadius(). */
static int32_t input_radius(int input_integer_bits, int input_left_shift,
			    int total_signed_bits)
{
	const double max_input_rescaled =
		1.0 * ((1 << input_integer_bits) - 1) *
		(double)((int64_t)1 << (total_signed_bits - input_integer_bits)) /
		(double)((int64_t)1 << input_left_shift);

	return (int32_t)floor(max_input_rescaled);
}

static int softmax_prepare(const struct cpu_prep *p, void **state)
{
	const struct npu_graph_tensor *in, *out;
	struct softmax_state *s;
	float beta;
	int ret;

	ret = cpu_need_unary(p, 1, &in, &out);
	if (ret)
		return ret;
	if (in->rank < 1 || in->elements != out->elements ||
	    in->shape[in->rank - 1] == 0) {
		cpu_msg(p->err, p->errlen,
			"input and output must have the same non-empty shape");
		return -EINVAL;
	}
	beta = p->op->options_kind == NPU_OPTS_SOFTMAX ?
	       p->op->options.softmax.beta : 1.0f;
	if (!isfinite(beta)) {
		cpu_msg(p->err, p->errlen, "beta %g is not a finite number",
			(double)beta);
		return -EINVAL;
	}

	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->in_type = in->type;
	s->out_type = out->type;
	s->depth = (size_t)in->shape[in->rank - 1];
	s->outer = in->elements / s->depth;
	s->beta = beta;

	if (in->type == NPU_TYPE_FLOAT32 && out->type == NPU_TYPE_FLOAT32) {
		*state = s;
		return 0;
	}

	if (in->type == NPU_TYPE_INT8 && out->type == NPU_TYPE_INT8) {
		if (cpu_zero_point(out) != -128 ||
		    cpu_scale(out) != 1.0f / 256) {
			cpu_msg(p->err, p->errlen,
				"int8 output needs scale 1/256 and zero point -128");
			goto inval;
		}
	} else if (in->type == NPU_TYPE_UINT8 && out->type == NPU_TYPE_UINT8) {
		if (cpu_zero_point(out) != 0 || cpu_scale(out) != 1.0f / 256) {
			cpu_msg(p->err, p->errlen,
				"uint8 output needs scale 1/256 and zero point 0");
			goto inval;
		}
	} else if (in->type == NPU_TYPE_INT8 && out->type == NPU_TYPE_INT16) {
		if (cpu_zero_point(out) != -32768 ||
		    fabsf(cpu_scale(out) - 1.0f / 65536) >
		    0.001f * 1.0f / 65536) {
			cpu_msg(p->err, p->errlen,
				"int16 output of int8 input needs scale 1/65536 and zero point -32768");
			goto inval;
		}
	} else if (in->type == NPU_TYPE_INT16 &&
		   out->type == NPU_TYPE_INT16) {
		if (cpu_zero_point(out) != 0 ||
		    fabsf(cpu_scale(out) - 1.0f / 32768) >
		    0.001f * 1.0f / 32768) {
			cpu_msg(p->err, p->errlen,
				"int16 output needs scale 1/32768 and zero point 0");
			goto inval;
		}
	} else {
		cpu_msg(p->err, p->errlen, "%s input with %s output is not supported",
			npu_type_name(in->type), npu_type_name(out->type));
		free(s);
		return -ENOTSUP;
	}

	if (in->type == NPU_TYPE_INT16) {
		/*
		 * Input differences [-65535, 0] map onto [-10, 0].  TFLite
		 * multiplies the scale by beta in float, then divides in
		 * double: a double product moves the multiplier's last bits
		 * whenever beta is not 1.
		 */
		const float scale_beta = cpu_scale(in) * beta;
		const double input_scale_beta_rescale =
			(double)scale_beta / (10.0 / 65535.0);
		int shift;

		gen_lut_int16(lut_exp, -10.0, 0.0, s->exp_lut);
		gen_lut_int16(lut_one_over_one_plus_x, 0.0, 1.0,
			      s->one_over_one_plus_x_lut);
		if (cpu_quantize_multiplier(p, "input*beta",
					    input_scale_beta_rescale,
					    &s->input_multiplier, &shift))
			goto inval;
		s->input_left_shift = shift;
	} else {
		/* TFLite PreprocessSoftmaxScaling(), double rounding. */
		const double max_real_multiplier = (double)((1LL << 31) - 1);
		double real = (double)beta * (double)cpu_scale(in) *
			      (double)(1 << (31 - SCALED_DIFF_INTEGER_BITS));
		int shift;

		if (real > max_real_multiplier)
			real = max_real_multiplier;
		if (!(real > 1.0)) {
			cpu_msg(p->err, p->errlen,
				"input scale * beta * 2^26 = %g must exceed 1", real);
			goto inval;
		}
		if (cpu_quantize_multiplier(p, "input*beta", real,
					    &s->input_multiplier, &shift))
			goto inval;
		s->input_left_shift = shift;
		s->diff_min = (int32_t)(-1.0 * input_radius(
			SCALED_DIFF_INTEGER_BITS, shift, 31));
	}
	*state = s;
	return 0;
inval:
	free(s);
	return -EINVAL;
}

static void softmax_float(const struct softmax_state *s, const float *in,
			  float *out)
{
	for (size_t i = 0; i < s->outer; i++) {
		const float *x = in + i * s->depth;
		float *y = out + i * s->depth;
		float max = -INFINITY;
		float sum = 0.0f;

		for (size_t c = 0; c < s->depth; c++)
			max = fmaxf(max, x[c]);
		for (size_t c = 0; c < s->depth; c++) {
			y[c] = expf((x[c] - max) * s->beta);
			sum += y[c];
		}
		for (size_t c = 0; c < s->depth; c++)
			y[c] = y[c] / sum;
	}
}

/*
 * reference_ops::Softmax<InputT, OutputT>: int8 -> int8 or int16, and
 * uint8 -> uint8 (legacy models; the output offset is the type's minimum).
 */
static inline int32_t q8_at(const void *p, bool u8, size_t i)
{
	return u8 ? ((const uint8_t *)p)[i] : ((const int8_t *)p)[i];
}

static void softmax_int8(const struct softmax_state *s, const void *in,
			 void *out)
{
	const bool out16 = s->out_type == NPU_TYPE_INT16;
	const bool u8 = s->in_type == NPU_TYPE_UINT8;
	const int out_bits = out16 ? 16 : 8;
	const int32_t out_min = out16 ? INT16_MIN : u8 ? 0 : INT8_MIN;
	const int32_t out_max = out16 ? INT16_MAX : u8 ? UINT8_MAX : INT8_MAX;

	for (size_t i = 0; i < s->outer; i++) {
		const size_t x = i * s->depth;
		int32_t max_in_row = u8 ? 0 : INT8_MIN;
		int32_t sum_of_exps = 0;	/* Q12.19 */
		int num_bits_over_unit, exponent;
		int32_t shifted_scale;

		for (size_t c = 0; c < s->depth; c++)
			if (q8_at(in, u8, x + c) > max_in_row)
				max_in_row = q8_at(in, u8, x + c);

		for (size_t c = 0; c < s->depth; c++) {
			const int32_t diff = q8_at(in, u8, x + c) - max_in_row;

			if (diff >= s->diff_min) {
				const int32_t rescaled = cpu_srdhm(
					diff * (1 << s->input_left_shift),
					s->input_multiplier);

				sum_of_exps += fp_rescale(
					fp_exp_on_negative_values(
						rescaled, SCALED_DIFF_INTEGER_BITS),
					0, ACCUMULATION_INTEGER_BITS);
			}
		}

		shifted_scale = fp_get_reciprocal(sum_of_exps,
						  ACCUMULATION_INTEGER_BITS,
						  &num_bits_over_unit);
		exponent = num_bits_over_unit + 31 - out_bits;

		for (size_t c = 0; c < s->depth; c++) {
			const int32_t diff = q8_at(in, u8, x + c) - max_in_row;
			int32_t v = out_min;

			if (diff >= s->diff_min && exponent >= 0 &&
			    exponent <= 31) {
				const int32_t rescaled = cpu_srdhm(
					diff * (1 << s->input_left_shift),
					s->input_multiplier);
				const int32_t exp_in_0 = fp_exp_on_negative_values(
					rescaled, SCALED_DIFF_INTEGER_BITS);
				const int32_t unsat = cpu_rounding_divide_by_pot(
					cpu_srdhm(shifted_scale, exp_in_0),
					exponent);

				v = unsat + out_min;
				if (v > out_max)
					v = out_max;
				if (v < out_min)
					v = out_min;
			}
			if (out16)
				((int16_t *)out)[i * s->depth + c] = (int16_t)v;
			else if (u8)
				((uint8_t *)out)[i * s->depth + c] = (uint8_t)v;
			else
				((int8_t *)out)[i * s->depth + c] = (int8_t)v;
		}
	}
}

/* reference_ops::SoftmaxInt16. */
static void softmax_int16(const struct softmax_state *s, const int16_t *in,
			  int16_t *out)
{
	for (size_t i = 0; i < s->outer; i++) {
		const int16_t *x = in + i * s->depth;
		int16_t *exp_results_q015 = out + i * s->depth;
		int16_t max_in_row = INT16_MIN;
		int32_t sum_of_exps = 0;	/* Q16.15 */
		int headroom_plus_one, sym_shifted_sum;
		int32_t shifted_sum;
		int16_t reciprocal_scale_q015;

		for (size_t c = 0; c < s->depth; c++)
			if (x[c] > max_in_row)
				max_in_row = x[c];

		for (size_t c = 0; c < s->depth; c++) {
			const int32_t diff = (int32_t)x[c] - max_in_row;
			const int32_t scaled = cpu_mbqm(diff, s->input_multiplier,
							s->input_left_shift);
			int32_t sym = scaled + 32767;

			if (sym < -32768)
				sym = -32768;
			if (sym > 32767)
				sym = 32767;
			exp_results_q015[c] = fp_lut_lookup_int16((int16_t)sym,
								  s->exp_lut);
			sum_of_exps += exp_results_q015[c];
		}

		headroom_plus_one = sum_of_exps ?
				    __builtin_clz((uint32_t)sum_of_exps) : 32;
		shifted_sum = (int32_t)((((int64_t)sum_of_exps
					  << (headroom_plus_one - 1)) +
					 (1 << 13)) >> 14);
		sym_shifted_sum = shifted_sum + (-((1 << 15) + (1 << 16)));
		if (sym_shifted_sum < -32768)
			sym_shifted_sum = -32768;
		if (sym_shifted_sum > 32767)
			sym_shifted_sum = 32767;
		reciprocal_scale_q015 = fp_lut_lookup_int16(
			(int16_t)sym_shifted_sum, s->one_over_one_plus_x_lut);

		for (size_t c = 0; c < s->depth; c++) {
			const int right_shift = 31 - headroom_plus_one;
			const int64_t round = (int64_t)1 << (right_shift - 1);
			int32_t result = (int32_t)(((int64_t)exp_results_q015[c] *
						    reciprocal_scale_q015 +
						    round) >> right_shift);

			if (result < 0)
				result = 0;
			if (result > 32767)
				result = 32767;
			out[i * s->depth + c] = (int16_t)result;
		}
	}
}

static int softmax_invoke(const struct npu_cpu_kernel_args *a,
			  void *state)
{
	const struct softmax_state *s = state;

	switch (s->in_type) {
	case NPU_TYPE_FLOAT32:
		softmax_float(s, a->inputs[0], a->outputs[0]);
		break;
	case NPU_TYPE_INT8:
	case NPU_TYPE_UINT8:
		softmax_int8(s, a->inputs[0], a->outputs[0]);
		break;
	case NPU_TYPE_INT16:
		softmax_int16(s, a->inputs[0], a->outputs[0]);
		break;
	default:
		return -ENOTSUP;
	}
	return 0;
}

const struct cpu_kernel cpu_kernel_softmax = {
	.prepare = softmax_prepare,
	.invoke = softmax_invoke,
};
