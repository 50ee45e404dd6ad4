// SPDX-License-Identifier: MIT
/*
 * LOGISTIC and TANH: validated as TFLite Micro's Prepare does, then turned
 * into a table for the firmware's LUT kernel, so compiler and CPU use the
 * same table; and the float path (reference_ops logistic.h, tanh.h).
 *
 * int8: the table holds, for each of the 256 inputs, exactly what TFLite's
 * reference_integer_ops::Logistic / Tanh compute (gemmlowp fixed point on a
 * Q4.27 input, with LogisticPrepare's multiplier, shift and input radius),
 * so the lookup is bit-exact with the reference.
 * uint8 (legacy models): TFLite's uint8 kernels look up a table its
 * Prepare fills in float (LUTPopulate: dequantize, expf/tanhf, round,
 * requantize); the same table, computed the same way, drives the LUT.
 * int16: the firmware's NPU_CMD_SIGMOID_S16, which is TFLite's
 * reference_integer_ops::Logistic / Tanh for int16 (input rescaled onto
 * TFLite's 256-entry sigmoid table and interpolated), with the input
 * multiplier and shift of TFLite's Prepare and the table from the
 * firmware library's host side: bit-exact.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "../cpu/cpu_fixedpoint.h"
#include "lower.h"

/*
 * TFLM CalculateArithmeticOpDataLogistic / tanh Prepare for int8 and the
 * reference_integer_ops kernels, tabulated over all 256 inputs.
 */
static void int8_table(bool logistic, float in_scale, int32_t in_zp,
		       int8_t table[256])
{
	const int input_integer_bits = 4;
	const double real = (double)in_scale *
			    (double)(1 << (31 - input_integer_bits));
	int left_shift;
	const double q = frexp(real, &left_shift);
	const double qr = round(q * (double)(1LL << 31));
	const int32_t multiplier = qr >= 2147483647.0 ? INT32_MAX : (int32_t)qr;
	/* CalculateInputRadius(4, left_shift, 31). */
	const double radius_real =
		1.0 * ((1 << input_integer_bits) - 1) *
		(double)(1LL << (31 - input_integer_bits)) /
		ldexp(1.0, left_shift);
	const double radius_floor = floor(radius_real);
	const int32_t radius = radius_floor > 2147483647.0 ? INT32_MAX :
			       (int32_t)radius_floor;

	for (int32_t v = -128; v <= 127; v++) {
		const int32_t input = v - in_zp;
		int32_t out;

		if (input <= -radius) {
			out = -128;
		} else if (input >= radius) {
			out = 127;
		} else {
			const int32_t x = cpu_mbqm(input, multiplier, left_shift);

			if (logistic)
				out = cpu_rounding_divide_by_pot(
					fp_logistic(x, input_integer_bits),
					31 - 8) - 128;
			else
				out = cpu_rounding_divide_by_pot(
					fp_tanh(x, input_integer_bits), 31 - 7);
			out = out < -128 ? -128 : out > 127 ? 127 : out;
		}
		table[v + 128] = (int8_t)out;
	}
}

static float logistic_f(float x)
{
	return 1.0f / (1.0f + expf(-x));
}

/* TFLite's LUTPopulate<uint8_t>: every step in float, as TFLite does. */
static void uint8_table(bool logistic, float in_scale, int32_t in_zp,
			float out_scale, int32_t out_zp, uint8_t table[256])
{
	const float inverse_scale = 1.0f / out_scale;

	for (int32_t v = 0; v <= 255; v++) {
		const float x = in_scale * (float)(v - in_zp);
		const float y = logistic ? logistic_f(x) : tanhf(x);
		const float rescaled = roundf(y * inverse_scale);
		const float q = rescaled + (float)out_zp;
		int32_t out;

		/* NaN or out of int32 range saturates (the cast is not UB). */
		if (!(q > -1.0f))
			out = 0;
		else if (q >= 255.0f)
			out = 255;
		else
			out = (int32_t)q;
		table[v] = (uint8_t)out;
	}
}

/*
 * The types and quantizations TFLite's LOGISTIC / TANH Prepare accept:
 * int8 with the fixed output quantization of the reference kernels, uint8
 * (LOGISTIC's output scale 1/256), or int16.
 */
static int lut_check(const struct cpu_prep *p, const struct npu_graph_tensor *in,
		     const struct npu_graph_tensor *o, bool logistic)
{
	if (in->type != o->type ||
	    (in->type != NPU_TYPE_INT8 && in->type != NPU_TYPE_INT16 &&
	     in->type != NPU_TYPE_UINT8)) {
		cpu_msg(p->err, p->errlen, "%s %s has no NPU kernel",
			npu_type_name(in->type), npu_op_name(p->op->builtin));
		return -ENOTSUP;
	}
	if (!in->quant.count || !o->quant.count || in->elements != o->elements) {
		cpu_msg(p->err, p->errlen,
			"input and output must be quantized and of one size");
		return -EINVAL;
	}
	if (in->rank > NPU_CS_MAX_DIMS) {
		cpu_msg(p->err, p->errlen, "rank %d is not supported", in->rank);
		return -ENOTSUP;
	}
	/* The reference kernels assume these output quantizations. */
	if (in->type == NPU_TYPE_INT8 && logistic &&
	    (cpu_zero_point(o) != -128 || cpu_scale(o) != 1.0f / 256)) {
		cpu_msg(p->err, p->errlen,
			"int8 LOGISTIC needs output scale 1/256 and zero point -128");
		return -EINVAL;
	}
	if (in->type == NPU_TYPE_INT8 && !logistic &&
	    (cpu_zero_point(o) != 0 || cpu_scale(o) != 1.0f / 128)) {
		cpu_msg(p->err, p->errlen,
			"int8 TANH needs output scale 1/128 and zero point 0");
		return -EINVAL;
	}
	if (in->type == NPU_TYPE_UINT8 && logistic &&
	    cpu_scale(o) != 1.0f / 256) {
		cpu_msg(p->err, p->errlen, "uint8 LOGISTIC needs output scale 1/256");
		return -EINVAL;
	}
	if (in->type == NPU_TYPE_UINT8 &&
	    (!(cpu_scale(o) > 0.0f) || !isfinite(cpu_scale(o)))) {
		cpu_msg(p->err, p->errlen, "output scale %g", cpu_scale(o));
		return -EINVAL;
	}
	if (in->type != NPU_TYPE_INT16 &&
	    (!(cpu_scale(in) > 0.0f) || !isfinite(cpu_scale(in)))) {
		cpu_msg(p->err, p->errlen, "input scale %g", cpu_scale(in));
		return -EINVAL;
	}
	return 0;
}

static int lower_lut(const struct cpu_prep *p)
{
	const struct npu_graph *g = p->g;
	const struct npu_graph_op *op = p->op;
	struct npu_cpu_prepared *out = p->out;
	char *const err = p->err;
	const size_t errlen = p->errlen;
	const bool logistic = op->builtin == NPU_BUILTIN_LOGISTIC;
	const uint32_t function = logistic ? NPU_LUT_LOGISTIC : NPU_LUT_TANH;
	const struct npu_graph_tensor *in, *o;
	struct npu_sigmoid_s16_params sig = { 0 }, *s;
	struct npu_cpu_cmd *cmd;
	struct npu_lut_params *l;
	uint32_t dims[NPU_CS_MAX_DIMS], rank;
	int ret;

	if (op->num_inputs != 1 || op->num_outputs != 1 ||
	    !(in = cpu_in(g, op, 0)) || !(o = cpu_out(g, op, 0))) {
		cpu_msg(err, errlen, "needs one input and one output");
		return -EINVAL;
	}
	ret = lut_check(p, in, o, logistic);
	if (ret)
		return ret;
	if (in->type == NPU_TYPE_INT16) {
		/* TFLM: symmetric int16, output scale 2^-15. */
		if (cpu_zero_point(in) || cpu_zero_point(o)) {
			cpu_msg(err, errlen, "int16 %s needs zero points 0",
				npu_op_name(op->builtin));
			return -EINVAL;
		}
		ret = npu_host_sigmoid_s16_params(cpu_scale(in), cpu_scale(o),
						  function, &sig);
		if (ret == -ERANGE) {
			cpu_msg(err, errlen,
				"int16 %s: input scale %g is outside what the kernel's 16-bit rescaling takes",
				npu_op_name(op->builtin), cpu_scale(in));
			return -ENOTSUP;
		}
		if (ret) {
			cpu_msg(err, errlen,
				"int16 %s needs a positive finite input scale and output scale 1/32768 (has %g and %g)",
				npu_op_name(op->builtin), cpu_scale(in),
				cpu_scale(o));
			return -EINVAL;
		}
	}

	out->table_bytes = in->type != NPU_TYPE_INT16 ? 256 :
			   sizeof(npu_host_sigmoid_table);
	out->table = malloc(out->table_bytes);
	if (!out->table)
		return -ENOMEM;
	cmd = lower_add_cmd(p, in->type == NPU_TYPE_INT16 ?
			    NPU_CMD_SIGMOID_S16 : NPU_CMD_LUT, 0);
	if (!cmd)
		return -ENOMEM;
	/* Elementwise: the shape only needs the right element count. */
	rank = lower_cmd_dims(in, dims);
	if (in->type == NPU_TYPE_INT8) {
		int8_table(logistic, cpu_scale(in), cpu_zero_point(in),
			   out->table);
		l = &cmd->params.lut;
		npu_tensor_set(&l->input, 0, NPU_DTYPE_INT8, cpu_zero_point(in),
			       rank, dims);
		npu_tensor_set(&l->output, 0, NPU_DTYPE_INT8, cpu_zero_point(o),
			       rank, dims);
		l->function = function;
	} else if (in->type == NPU_TYPE_UINT8) {
		uint8_table(logistic, cpu_scale(in), cpu_zero_point(in),
			    cpu_scale(o), cpu_zero_point(o), out->table);
		l = &cmd->params.lut;
		npu_tensor_set(&l->input, 0, NPU_DTYPE_UINT8,
			       cpu_zero_point(in), rank, dims);
		npu_tensor_set(&l->output, 0, NPU_DTYPE_UINT8,
			       cpu_zero_point(o), rank, dims);
		l->function = function;
	} else {
		memcpy(out->table, npu_host_sigmoid_table, out->table_bytes);
		s = &cmd->params.sigmoid_s16;
		npu_tensor_set(&s->input, 0, NPU_DTYPE_INT16, 0, rank, dims);
		npu_tensor_set(&s->output, 0, NPU_DTYPE_INT16, 0, rank, dims);
		s->function = function;
		s->input_multiplier = sig.input_multiplier;
		s->input_left_shift = sig.input_left_shift;
	}
	return 0;
}

/* ---- float ---- */


static int float_invoke(const struct npu_cpu_kernel_args *a, void *state)
{
	const struct lower_unary *s = state;
	const float *in = a->inputs[0];
	float *out = a->outputs[0];

	for (size_t i = 0; i < s->count; i++) {
		const float x = in[i];

		if (s->builtin == NPU_BUILTIN_TANH)
			out[i] = tanhf(x);
		/* reference_ops::Logistic cut-offs. */
		else if (x > 16.619047164916992188f)
			out[i] = 1.0f;
		else if (x < -9.0f)
			out[i] = expf(x);
		else
			out[i] = 1.0f / (1.0f + expf(-x));
	}
	return 0;
}

static const struct cpu_kernel float_kernel = {
	.prepare = lower_float_unary_prepare,
	.invoke = float_invoke,
};

const struct npu_builtin_impl npu_builtin_logistic_tanh = {
	.lower = lower_lut,
	.float_kernel = &float_kernel,
	.output_shape = lower_shape_same,
};
