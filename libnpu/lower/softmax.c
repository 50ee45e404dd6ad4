// SPDX-License-Identifier: MIT
/*
 * SOFTMAX, bit-exact with TFLite's reference kernels (reference/softmax.h)
 * and SoftmaxPrepare (activations.cc; TFLite Micro's softmax_common.cc for
 * the 8-bit paths, which it computes alike): int8 -> int8 or int16 and
 * uint8 -> uint8 lowered to the firmware's NPU_CMD_SOFTMAX (firmware
 * 1.11.0, NPU_FW_FEAT_SOFTMAX; the CPU path runs the same kernel), float
 * and int16 on the CPU here.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../cpu/cpu_fixedpoint.h"
#include "lower.h"

#define LUT_SIZE 513
#define SCALED_DIFF_INTEGER_BITS 5

struct softmax_state {
	enum npu_type in_type, out_type;
	size_t outer, depth;
	float beta;
	int32_t input_multiplier;
	int32_t input_left_shift;
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

static float softmax_beta(const struct cpu_prep *p)
{
	return p->op->options_kind == NPU_OPTS_SOFTMAX ? p->op->options.softmax.beta : 1.0f;
}

/* One input and output of one non-empty shape, a finite beta. */
static int softmax_check(const struct cpu_prep *p, const struct npu_graph_tensor **in,
			 const struct npu_graph_tensor **out)
{
	int ret = cpu_need_unary(p, 1, in, out);

	if (ret)
		return ret;
	if ((*in)->rank < 1 || (*in)->elements != (*out)->elements ||
	    (*in)->shape[(*in)->rank - 1] == 0) {
		cpu_msg(p->err, p->errlen,
			"input and output must have the same non-empty shape");
		return -EINVAL;
	}
	if (!isfinite(softmax_beta(p))) {
		cpu_msg(p->err, p->errlen, "beta %g is not a finite number",
			(double)softmax_beta(p));
		return -EINVAL;
	}
	return 0;
}

/*
 * The 8-bit cases: the output quantization reference_ops::Softmax
 * assumes, and SoftmaxPrepare's PreprocessSoftmaxScaling (double rounding)
 * and CalculateInputRadius into @c.
 */
static int lower_softmax(const struct cpu_prep *p)
{
	const struct npu_graph_tensor *in, *out;
	const double max_real_multiplier = (double)((1LL << 31) - 1);
	struct npu_softmax_params *c;
	struct npu_cpu_cmd *cmd;
	uint32_t dims[NPU_CS_MAX_DIMS], rank;
	double real;
	int shift, ret;

	ret = softmax_check(p, &in, &out);
	if (ret)
		return ret;
	if (in->type == NPU_TYPE_INT8 && out->type == NPU_TYPE_INT8) {
		if (cpu_zero_point(out) != -128 || cpu_scale(out) != 1.0f / 256)
			return lower_fail(p, "int8 output needs scale 1/256 and zero point -128");
	} else if (in->type == NPU_TYPE_UINT8 && out->type == NPU_TYPE_UINT8) {
		if (cpu_zero_point(out) != 0 || cpu_scale(out) != 1.0f / 256)
			return lower_fail(p, "uint8 output needs scale 1/256 and zero point 0");
	} else if (in->type == NPU_TYPE_INT8 && out->type == NPU_TYPE_INT16) {
		if (cpu_zero_point(out) != -32768 ||
		    fabsf(cpu_scale(out) - 1.0f / 65536) > 0.001f * 1.0f / 65536)
			return lower_fail(p, "int16 output of int8 input needs scale 1/65536 and zero point -32768");
	} else {
		/* float and int16 run softmax_kernel; other pairs it refuses. */
		cpu_msg(p->err, p->errlen, "%s input with %s output has no NPU kernel",
			npu_type_name(in->type), npu_type_name(out->type));
		return -ENOTSUP;
	}
	real = (double)softmax_beta(p) * (double)cpu_scale(in) *
	       (double)(1 << (31 - SCALED_DIFF_INTEGER_BITS));
	if (real > max_real_multiplier)
		real = max_real_multiplier;
	if (!(real > 1.0))
		return lower_fail(p, "input scale * beta * 2^26 = %g must exceed 1", real);
	cmd = lower_add_cmd(p, NPU_CMD_SOFTMAX, 0);
	if (!cmd)
		return -ENOMEM;
	c = &cmd->params.softmax;
	if (cpu_quantize_multiplier(p, "input*beta", real, &c->input_multiplier, &shift))
		return -EINVAL;
	c->input_left_shift = shift;
	c->diff_min = (int32_t)(-1.0 * input_radius(SCALED_DIFF_INTEGER_BITS, shift, 31));
	/* Rows of the innermost axis: a deeper shape is one of [rows, depth]. */
	rank = in->rank <= NPU_CS_MAX_DIMS ? (uint32_t)in->rank : 2;
	for (uint32_t d = 0; d < rank; d++)
		dims[d] = (uint32_t)in->shape[(uint32_t)in->rank - rank + d];
	if (rank < (uint32_t)in->rank)
		dims[0] = (uint32_t)(in->elements / dims[1]);
	ret = lower_set_tensor_dims(p, &c->input, in, rank, dims, "input");
	return ret ? ret : lower_set_tensor_dims(p, &c->output, out, rank, dims, "output");
}

/* float32 and int16 on the CPU. */
static int softmax_prepare(const struct cpu_prep *p, void **state)
{
	const struct npu_graph_tensor *in, *out;
	struct softmax_state *s;
	float beta = softmax_beta(p);
	int ret;

	ret = softmax_check(p, &in, &out);
	if (ret)
		return ret;
	if (in->type == NPU_TYPE_INT16 && out->type == NPU_TYPE_INT16) {
		if (cpu_zero_point(out) != 0 ||
		    fabsf(cpu_scale(out) - 1.0f / 32768) >
		    0.001f * 1.0f / 32768) {
			cpu_msg(p->err, p->errlen,
				"int16 output needs scale 1/32768 and zero point 0");
			return -EINVAL;
		}
	} else if (in->type != NPU_TYPE_FLOAT32 || out->type != NPU_TYPE_FLOAT32) {
		cpu_msg(p->err, p->errlen, "%s input with %s output is not supported",
			npu_type_name(in->type), npu_type_name(out->type));
		return -ENOTSUP;
	}

	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->in_type = in->type;
	s->out_type = out->type;
	s->depth = (size_t)in->shape[in->rank - 1];
	s->outer = in->elements / s->depth;
	s->beta = beta;
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
					    &s->input_multiplier, &shift)) {
			free(s);
			return -EINVAL;
		}
		s->input_left_shift = shift;
	}
	*state = s;
	return 0;
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
	case NPU_TYPE_INT16:
		softmax_int16(s, a->inputs[0], a->outputs[0]);
		break;
	default:
		return -ENOTSUP;
	}
	return 0;
}

static const struct cpu_kernel softmax_kernel = {
	.prepare = softmax_prepare,
	.invoke = softmax_invoke,
};

const struct npu_builtin_impl npu_builtin_softmax = {
	.lower = lower_softmax,
	.output_shape = lower_shape_same,
	.float_kernel = &softmax_kernel,
	.float_takes_int = true,
};
