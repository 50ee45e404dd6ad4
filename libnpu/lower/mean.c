// SPDX-License-Identifier: MIT
/*
 * MEAN, REDUCE_MAX, REDUCE_MIN: TFLite's reduce.cc Prepare lowered to the
 * firmware's reduction commands (any axes, keep_dims or not, int8 and
 * int16; uint8 MEAN too), and float MEAN on the CPU (reference_ops reduce.h).
 */
#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "lower.h"

/* The CPU path's op data. */
struct mean_data {
	int32_t builtin;
	uint32_t rank;
	size_t count;
	size_t outer_count, reduce_count;
	int32_t idims[MAX_RANK];
	uint32_t reduce_mask;
	/* Quantized SUM (int8, uint8, int16). */
	enum npu_type type;
	float scale;			/* in_scale / out_scale */
	int32_t in_zp, out_zp;
};

/*
 * MEAN, REDUCE_MAX and REDUCE_MIN over any constant axes
 * (TFLite's reduce.cc): one command over the input with the reduced axes
 * of the output set to 1, which is also the keep_dims=false output's
 * layout.
 */
static int lower_reduce(const struct cpu_prep *p)
{
	const struct npu_graph_op *op = p->op;
	const int32_t b = op->builtin;
	const char *name = b == NPU_BUILTIN_MEAN ? "MEAN" :
			   b == NPU_BUILTIN_REDUCE_MAX ? "REDUCE_MAX" :
			   "REDUCE_MIN";
	const struct npu_graph_tensor *in, *out;
	struct npu_tensor *din, *dout;
	struct npu_cpu_cmd *cmd;
	uint32_t mask, dims[NPU_CS_MAX_DIMS], count = 1;
	size_t kept = 1;
	int ret;

	ret = lower_const_axes(p, &in, &out, &mask);
	if (ret)
		return ret;
	/* uint8 MEAN is int8's arithmetic on unsigned storage (TFLite 2.21). */
	ret = b == NPU_BUILTIN_MEAN ? lower_need_s8_s16_u8(p, in, out, name) :
	      lower_need_s8_s16(p, in, out, name);
	if (ret)
		return ret;
	if (in->rank < 1 || in->rank > NPU_CS_MAX_DIMS)
		return lower_fail(p, "%s of a rank-%d tensor", name, in->rank);
	for (int i = 0; i < in->rank; i++) {
		dims[i] = (mask & (1u << i)) ? 1 : (uint32_t)in->shape[i];
		if (mask & (1u << i))
			count *= (uint32_t)in->shape[i];
		kept *= dims[i];
	}
	if (out->elements != kept)
		return lower_fail(p, "output has %zu elements, expected %zu",
			    out->elements, kept);
	ret = lower_need_quant_in_out(p, in, out);
	if (ret)
		return ret;
	if ((b == NPU_BUILTIN_REDUCE_MAX || b == NPU_BUILTIN_REDUCE_MIN) &&
	    (cpu_scale(in) != cpu_scale(out) ||
	     cpu_zero_point(in) != cpu_zero_point(out)))
		return lower_fail(p, "%s input and output quantization differ", name);
	cmd = lower_add_cmd(p, b == NPU_BUILTIN_REDUCE_MAX ? NPU_CMD_REDUCE_MAX :
		      b == NPU_BUILTIN_REDUCE_MIN ? NPU_CMD_REDUCE_MIN :
		      NPU_CMD_MEAN, 0);
	if (!cmd)
		return -ENOMEM;
	/* Every reduction's parameters start with input, output, as COPY's. */
	din = &cmd->params.copy.input;
	dout = &cmd->params.copy.output;
	ret = lower_set_tensor(p, din, in, (uint32_t)in->rank, false, "input");
	if (ret)
		return ret;
	ret = lower_set_tensor_dims(p, dout, out, (uint32_t)in->rank, dims, "output");
	if (ret)
		return ret;
	if (b == NPU_BUILTIN_REDUCE_MAX || b == NPU_BUILTIN_REDUCE_MIN) {
		cmd->params.reduce.axis_mask = mask;
		return 0;
	}
	/* 1/count folded into the multiplier, as TFLite. */
	if (npu_host_mean_params(cpu_scale(in), cpu_scale(out), count,
				 &cmd->params.mean))
		return lower_bad_scale(p, "input/output");
	cmd->params.mean.axis_mask = mask;
	return 0;
}

/* ---- float ---- */

/*
 * ---- float MEAN, SUM, REDUCE_MAX, REDUCE_MIN over any axes ----
 * Sum in input order (then divide for MEAN), as reference_ops::Mean and
 * ReduceSumImpl; the extreme from the type's lowest/highest value.  The
 * quantized forms are the firmware's commands.
 */
static int mean_prepare(const struct cpu_prep *p, void **state)
{
	const struct npu_graph_tensor *in, *out;
	struct mean_data *s;
	uint32_t mask;
	int ret;

	ret = lower_const_axes(p, &in, &out, &mask);
	if (ret)
		return ret;
	if (p->op->builtin == NPU_BUILTIN_SUM && in->type == out->type &&
	    (in->type == NPU_TYPE_INT8 || in->type == NPU_TYPE_UINT8 ||
	     in->type == NPU_TYPE_INT16)) {
		if (!lower_quantized(in) || !lower_quantized(out) ||
		    !(cpu_scale(in) > 0) || !(cpu_scale(out) > 0))
			return lower_fail(p, "quantized SUM needs quantized input and output");
		/* reduce.cc PrepareSimple. */
		if (in->type == NPU_TYPE_INT16 &&
		    (cpu_zero_point(in) || cpu_zero_point(out)))
			return lower_fail(p, "int16 SUM needs zero points 0 (TFLite's check)");
	} else if ((p->op->builtin == NPU_BUILTIN_REDUCE_MAX ||
		    p->op->builtin == NPU_BUILTIN_REDUCE_MIN) &&
		   in->type == NPU_TYPE_UINT8 && out->type == NPU_TYPE_UINT8) {
		/* reduce.cc EvalType<uint8_t>: the stored bytes, same quantization. */
		if (cpu_scale(in) != cpu_scale(out) ||
		    cpu_zero_point(in) != cpu_zero_point(out))
			return lower_fail(p, "%s input and output quantization differ",
					  npu_op_name(p->op->builtin));
	} else if (in->type != NPU_TYPE_FLOAT32 || out->type != NPU_TYPE_FLOAT32) {
		cpu_msg(p->err, p->errlen, "%s to %s %s is not supported",
			npu_type_name(in->type), npu_type_name(out->type),
			npu_op_name(p->op->builtin));
		return -ENOTSUP;
	}
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->builtin = p->op->builtin;
	s->rank = (uint32_t)in->rank;
	s->type = in->type;
	s->scale = cpu_scale(in) / cpu_scale(out);
	s->in_zp = cpu_zero_point(in);
	s->out_zp = cpu_zero_point(out);
	s->reduce_mask = mask;
	s->reduce_count = 1;
	for (int i = 0; i < in->rank; i++) {
		s->idims[i] = in->shape[i];
		if (s->reduce_mask & (1u << i))
			s->reduce_count *= (size_t)in->shape[i];
	}
	s->count = in->elements;
	s->outer_count = s->reduce_count ? in->elements / s->reduce_count : 0;
	if (s->outer_count != out->elements) {
		cpu_msg(p->err, p->errlen, "output has %zu elements, expected %zu",
			out->elements, s->outer_count);
		free(s);
		return -EINVAL;
	}
	*state = s;
	return 0;
}

static size_t mean_out_index(const struct mean_data *s, const int32_t *idx)
{
	size_t o = 0;

	/* The kept dimensions, row-major. */
	for (uint32_t d = 0; d < s->rank; d++)
		if (!(s->reduce_mask & (1u << d)))
			o = o * (size_t)s->idims[d] + (size_t)idx[d];
	return o;
}

static void next_index(const struct mean_data *s, int32_t *idx)
{
	for (int d = (int)s->rank - 1; d >= 0; d--) {
		if (++idx[d] < s->idims[d])
			return;
		idx[d] = 0;
	}
}

static int32_t quantized_in(const struct mean_data *s, const void *in,
			    size_t i)
{
	switch (s->type) {
	case NPU_TYPE_INT8:
		return ((const int8_t *)in)[i];
	case NPU_TYPE_UINT8:
		return ((const uint8_t *)in)[i];
	default:
		return ((const int16_t *)in)[i];
	}
}

/*
 * Quantized SUM as TFLite 2.21's optimized QuantizedMeanOrSum(compute_sum)
 * computes it (the interpreter's kernel; its reference kernel reads int8
 * as uint8, Documentation/cpu-fallback.rst): the raw values summed in
 * int32, then in float round(sum * s + b) + zp_out, s = in_scale /
 * out_scale and b = -zp_in * s * count, rounding half away from zero,
 * saturated to the type.
 */
static int sum_quantized(const struct mean_data *s,
			 const struct npu_cpu_kernel_args *a)
{
	const int32_t lo = s->type == NPU_TYPE_INT8 ? INT8_MIN :
			   s->type == NPU_TYPE_UINT8 ? 0 : INT16_MIN;
	const int32_t hi = s->type == NPU_TYPE_INT8 ? INT8_MAX :
			   s->type == NPU_TYPE_UINT8 ? UINT8_MAX : INT16_MAX;
	const float bias = (float)-s->in_zp * s->scale * (float)s->reduce_count;
	int32_t idx[MAX_RANK] = { 0 };
	int32_t *acc;

	acc = calloc(s->outer_count ? s->outer_count : 1, sizeof(*acc));
	if (!acc)
		return -ENOMEM;
	for (size_t i = 0; i < s->count; i++) {
		int32_t *r = &acc[mean_out_index(s, idx)];

		*r = (int32_t)((uint32_t)*r + (uint32_t)quantized_in(s, a->inputs[0], i));
		next_index(s, idx);
	}
	for (size_t o = 0; o < s->outer_count; o++) {
		const float v = roundf((float)acc[o] * s->scale + bias);
		int32_t q = v >= 2147483520.0f ? INT32_MAX :
			    v <= -2147483648.0f ? INT32_MIN : (int32_t)v;

		q = q > hi - s->out_zp ? hi : q < lo - s->out_zp ? lo : q + s->out_zp;
		if (s->type == NPU_TYPE_INT8)
			((int8_t *)a->outputs[0])[o] = (int8_t)q;
		else if (s->type == NPU_TYPE_UINT8)
			((uint8_t *)a->outputs[0])[o] = (uint8_t)q;
		else
			((int16_t *)a->outputs[0])[o] = (int16_t)q;
	}
	free(acc);
	return 0;
}

/*
 * uint8 REDUCE_MAX / REDUCE_MIN (the NPU's commands take int8 and int16):
 * ReduceGeneric over the stored bytes from 0 (255), the input and output
 * quantized alike.
 */
static int min_max_u8(const struct mean_data *s, const struct npu_cpu_kernel_args *a)
{
	const bool max = s->builtin == NPU_BUILTIN_REDUCE_MAX;
	const uint8_t *in = a->inputs[0];
	uint8_t *out = a->outputs[0];
	int32_t idx[MAX_RANK] = { 0 };

	memset(out, max ? 0 : UINT8_MAX, s->outer_count);
	for (size_t i = 0; i < s->count; i++) {
		uint8_t *r = &out[mean_out_index(s, idx)];

		if (max ? in[i] > *r : in[i] < *r)
			*r = in[i];
		next_index(s, idx);
	}
	return 0;
}

static int mean_invoke(const struct npu_cpu_kernel_args *a, void *state)
{
	const struct mean_data *s = state;
	int32_t idx[MAX_RANK] = { 0 };
	const float *in = a->inputs[0];
	float *out = a->outputs[0];

	if (s->type == NPU_TYPE_UINT8 && s->builtin != NPU_BUILTIN_SUM)
		return min_max_u8(s, a);
	if (s->type != NPU_TYPE_FLOAT32)
		return sum_quantized(s, a);

	if (s->builtin == NPU_BUILTIN_REDUCE_MAX ||
	    s->builtin == NPU_BUILTIN_REDUCE_MIN) {
		const bool max = s->builtin == NPU_BUILTIN_REDUCE_MAX;

		/* ReduceGeneric: from the type's lowest (highest) value. */
		for (size_t o = 0; o < s->outer_count; o++)
			out[o] = max ? -FLT_MAX : FLT_MAX;
		for (size_t i = 0; i < s->count; i++) {
			float *r = &out[mean_out_index(s, idx)];

			if (max ? in[i] > *r : in[i] < *r)
				*r = in[i];
			next_index(s, idx);
		}
		return 0;
	}
	memset(out, 0, s->outer_count * sizeof(float));
	for (size_t i = 0; i < s->count; i++) {
		out[mean_out_index(s, idx)] += in[i];
		next_index(s, idx);
	}
	if (s->builtin == NPU_BUILTIN_MEAN)
		for (size_t o = 0; o < s->outer_count; o++)
			out[o] /= (float)s->reduce_count;
	return 0;
}

static const struct cpu_kernel float_kernel = {
	.prepare = mean_prepare,
	.invoke = mean_invoke,
};

const struct npu_builtin_impl npu_builtin_mean = {
	.lower = lower_reduce,
	.float_kernel = &float_kernel,
	.output_shape = lower_shape_reduce,
};

/*
 * REDUCE_MAX / REDUCE_MIN: the same lowering and float kernel, which also
 * takes the uint8 case the lowering leaves (min_max_u8()).
 */
const struct npu_builtin_impl npu_builtin_reduce_min_max = {
	.lower = lower_reduce,
	.float_kernel = &float_kernel,
	.float_takes_int = true,
	.output_shape = lower_shape_reduce,
};

/*
 * SUM: float, and int8, uint8 and int16 as TFLite's interpreter computes
 * them (its optimized kernel; sum_quantized()).  No command: the NPU's
 * MEAN requantizes with an integer multiplier, SUM rounds a float.
 */
const struct npu_builtin_impl npu_builtin_sum = {
	.cpu_kernel = &float_kernel,
	.output_shape = lower_shape_reduce,
};
