// SPDX-License-Identifier: MIT
/*
 * LOG_SOFTMAX on the CPU along the last axis, as TFLite's kernels:
 *  - float32: reference LogSoftmax, x - max - log(sum(exp(x - max)));
 *  - int8 and uint8: reference_integer_ops::LogSoftmax and the uint8
 *    reference_ops::LogSoftmax, gemmlowp fixed point: the differences to
 *    the row's maximum rescaled to Q5.26 (PreprocessLogSoftmaxScalingExp),
 *    their exps summed in Q12.19, the sum's log in Q5.26
 *    (log_x_for_x_greater_than_or_equal_to_1), the output in 1/16 steps
 *    from zero point 127 (int8) or 255 (uint8).
 * TFLite requires the output scale 16/256 and those zero points.  No NPU
 * command: a per-row reduction feeds every output of the row.
 */
#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdlib.h>

#include "lower.h"
#include "../cpu/cpu_fixedpoint.h"

#define SCALED_DIFF_BITS	5	/* kScaledDiffIntegerBits / Q5.26 */
#define ACCUM_BITS		12	/* kAccumulationIntegerBits */
#define OUTPUT_BITS		4	/* kOutputIntegerBits */

struct log_softmax_state {
	struct lower_last_axis rows;
	enum npu_type type;
	int32_t input_multiplier, input_left_shift;
	int32_t reverse_multiplier, reverse_right_shift;
	int32_t diff_min;
};

static int log_softmax_prepare(const struct cpu_prep *p, void **state)
{
	struct lower_last_axis rows;
	struct log_softmax_state *s;
	double real, reverse;
	float in_scale;
	int32_t shift;
	int ret;

	if (p->op->num_inputs >= 1 && lower_in(p, 0) &&
	    lower_in(p, 0)->type == NPU_TYPE_FLOAT32)
		return lower_float_last_axis_prepare(p, state);
	ret = lower_q8_last_axis_check(p, 16.0f / 256, 127, 255, &rows);
	if (ret)
		return ret;
	in_scale = cpu_scale(lower_in(p, 0));
	/* PreprocessSoftmaxScaling (beta 1), QuantizeMultiplierGreaterThanOne. */
	real = fmin((double)in_scale * (double)(1 << (31 - SCALED_DIFF_BITS)),
		    (double)INT32_MAX);
	if (!(real > 1.0))
		return lower_fail(p, "input scale * 2^26 = %g must exceed 1", real);
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->type = lower_in(p, 0)->type;
	s->rows = rows;
	if (npu_cpu_quantize_multiplier(real, &s->input_multiplier, &shift))
		goto bad;
	s->input_left_shift = shift;
	/* The inverse scaling, QuantizeMultiplierSmallerThanOneExp. */
	reverse = (double)(1LL << (31 - shift)) / (double)s->input_multiplier;
	if (npu_cpu_quantize_multiplier(reverse, &s->reverse_multiplier, &shift) ||
	    shift > 0)
		goto bad;
	s->reverse_right_shift = -shift;
	/* -CalculateInputRadius(5, input_left_shift, 31). */
	s->diff_min = -(int32_t)floor((double)((1 << SCALED_DIFF_BITS) - 1) *
				      (double)(1LL << (31 - SCALED_DIFF_BITS)) /
				      (double)(1LL << s->input_left_shift));
	*state = s;
	return 0;
bad:
	free(s);
	return lower_bad_scale(p, "LOG_SOFTMAX input");
}

/* gemmlowp's SaturatingRoundingMultiplyByPOTParam (exponent >= 0). */
static int32_t sat_pot(int32_t x, int exponent)
{
	return exponent ? fp_sat_shl(x, exponent) : x;
}

static int32_t sat_add64(int64_t s)
{
	return s > INT32_MAX ? INT32_MAX : s < INT32_MIN ? INT32_MIN : (int32_t)s;
}

static int32_t wrap_add(int32_t a, int32_t b)
{
	return (int32_t)((uint32_t)a + (uint32_t)b);
}

/*
 * TFLite's log_x_for_x_greater_than_or_equal_to_1_impl<5, 12>: log of a
 * Q12.19 value >= 1 in Q5.26 (a Pade-style approximation around powers of
 * sqrt(sqrt(2)), accumulated with one bit of headroom in Q6.25).
 */
static int32_t log_q12_to_q5(int32_t x)
{
	enum { IN_BITS = ACCUM_BITS, OUT_BITS = SCALED_DIFF_BITS,
	       ACC_BITS = SCALED_DIFF_BITS + 1 };
	const int32_t log_2 = 1488522236, sqrt_sqrt_half = 1805811301;
	const int32_t sqrt_half = 1518500250, one_quarter = 536870912;
	const int32_t alpha_n = 117049297, alpha_d = 127690142;
	const int32_t alpha_i = 1057819769, alpha_f = 638450708;
	const int32_t shifted_quarter = fp_rescale(one_quarter, 0, ACC_BITS);
	const int za_hr1 = __builtin_clz((uint32_t)x);
	const int32_t ra_tmp = sat_pot(x, za_hr1 - 1);
	const int32_t ra = sat_pot(cpu_srdhm(ra_tmp, sqrt_half), 1);
	const int32_t za_adj = sat_add64((int64_t)sat_pot(IN_BITS - za_hr1,
							 31 - ACC_BITS) +
					 shifted_quarter);
	const int32_t zb = cpu_srdhm(x, sqrt_half);
	const int zb_hr = __builtin_clz((uint32_t)zb) - 1;
	const int32_t rb = sat_pot(x, zb_hr);
	const int32_t zb_adj = sat_add64((int64_t)sat_pot(IN_BITS - zb_hr,
							 31 - ACC_BITS) -
					 shifted_quarter);
	const int32_t r = ra < rb ? ra : rb;
	const int32_t z_adj = za_adj > zb_adj ? za_adj : zb_adj;
	const int32_t pp = fp_rounding_half_sum(r, sqrt_sqrt_half);
	int32_t q = wrap_add(r, -sqrt_sqrt_half);
	int32_t common_sq, num, denom, recip;

	q = wrap_add(q, q);
	common_sq = cpu_srdhm(q, q);
	num = wrap_add(cpu_srdhm(q, r),
		       cpu_srdhm(cpu_srdhm(q, common_sq), alpha_n));
	denom = wrap_add(cpu_srdhm(pp, wrap_add(wrap_add(alpha_i, q),
						cpu_srdhm(alpha_d, common_sq))),
			 cpu_srdhm(alpha_f, q));
	recip = fp_one_over_one_plus_x_for_x_in_0_1(denom);
	return fp_rescale(wrap_add(cpu_srdhm(z_adj, log_2),
				   cpu_srdhm(fp_rescale(num, 0, ACC_BITS), recip)),
			  ACC_BITS, OUT_BITS);
}

static int32_t q8(const struct log_softmax_state *s, const void *in, size_t i)
{
	return s->type == NPU_TYPE_INT8 ? ((const int8_t *)in)[i] :
	       ((const uint8_t *)in)[i];
}

/* MultiplyByQuantizedMultiplier with a left shift (GreaterThanOne). */
static int32_t rescale_diff(const struct log_softmax_state *s, int32_t diff)
{
	return cpu_srdhm(diff * (1 << s->input_left_shift), s->input_multiplier);
}

static void log_softmax_q8(const struct log_softmax_state *s, const void *in,
			   void *out)
{
	const bool s8 = s->type == NPU_TYPE_INT8;
	const int32_t lo = s8 ? INT8_MIN : 0, hi = s8 ? INT8_MAX : UINT8_MAX;
	const size_t depth = s->rows.depth;

	for (size_t i = 0; i < s->rows.outer; i++) {
		const size_t x = i * depth;
		int32_t max = lo, sum = 0, log_sum, adjusted_min;

		for (size_t c = 0; c < depth; c++)
			if (q8(s, in, x + c) > max)
				max = q8(s, in, x + c);
		for (size_t c = 0; c < depth; c++) {
			const int32_t diff = q8(s, in, x + c) - max;

			if (diff >= s->diff_min)
				sum = wrap_add(sum, fp_rescale(
					fp_exp_on_negative_values(rescale_diff(s, diff),
								  SCALED_DIFF_BITS),
					0, ACCUM_BITS));
		}
		log_sum = log_q12_to_q5(sum);
		adjusted_min = cpu_rounding_divide_by_pot(
			cpu_srdhm(wrap_add(log_sum, INT32_MIN), s->reverse_multiplier),
			s->reverse_right_shift);
		if (adjusted_min < s->diff_min - 1)
			adjusted_min = s->diff_min - 1;
		for (size_t c = 0; c < depth; c++) {
			const int32_t diff = q8(s, in, x + c) - max;
			int32_t v = lo;

			if (diff > adjusted_min) {
				v = cpu_rounding_divide_by_pot(
					rescale_diff(s, diff) - log_sum,
					31 - SCALED_DIFF_BITS - OUTPUT_BITS) + hi;
				v = v < lo ? lo : v > hi ? hi : v;
			}
			if (s8)
				((int8_t *)out)[x + c] = (int8_t)v;
			else
				((uint8_t *)out)[x + c] = (uint8_t)v;
		}
	}
}

static void log_softmax_float(const struct lower_last_axis *s, const float *in,
			      float *out)
{
	for (size_t i = 0; i < s->outer; i++) {
		const float *x = in + i * s->depth;
		float max = -FLT_MAX, sum = 0.0f, log_sum;

		for (size_t c = 0; c < s->depth; c++)
			max = fmaxf(max, x[c]);
		for (size_t c = 0; c < s->depth; c++)
			sum += expf(x[c] - max);
		log_sum = logf(sum);
		for (size_t c = 0; c < s->depth; c++)
			out[i * s->depth + c] = x[c] - max - log_sum;
	}
}

static int log_softmax_invoke(const struct npu_cpu_kernel_args *a,
			      void *state)
{
	if (cpu_in(a->graph, a->op, 0)->type == NPU_TYPE_FLOAT32)
		log_softmax_float(state, a->inputs[0], a->outputs[0]);
	else
		log_softmax_q8(state, a->inputs[0], a->outputs[0]);
	return 0;
}

static const struct cpu_kernel log_softmax_kernel = {
	.prepare = log_softmax_prepare,
	.invoke = log_softmax_invoke,
};

const struct npu_builtin_impl npu_builtin_log_softmax = {
	.cpu_kernel = &log_softmax_kernel,
	.output_shape = lower_shape_same,
};
