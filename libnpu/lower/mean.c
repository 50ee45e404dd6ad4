// SPDX-License-Identifier: MIT
/*
 * MEAN: TFLite's Prepare (reduce_common.cc) lowered to the firmware's
 * command where it covers the axes, and the CPU path for float and for the
 * integer cases the command does not cover (reference_ops reduce.h).
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "lower.h"

/* The CPU path's op data. */
struct mean_data {
	uint32_t rank;
	size_t count;
	size_t outer_count, reduce_count;
	int32_t idims[MAX_RANK];
	uint32_t reduce_mask;
	/* quantized mean */
	enum npu_type type;
	int32_t in_zp, out_zp;
	float in_scale, out_scale;
};

static int lower_mean(const struct cpu_prep *p)
{
	const struct npu_graph_op *op = p->op;
	const struct npu_graph_tensor *in, *axis, *out;
	struct npu_mean_params *m;
	struct npu_cpu_cmd *cmd;
	uint32_t mask = 0, dims[4];
	bool keep_dims;
	int ret;

	ret = cpu_need_io(p, 2, 2, 1);
	if (ret)
		return ret;
	in = lower_in(p, 0);
	axis = lower_in(p, 1);
	out = lower_out(p, 0);
	ret = lower_need_const_int(p, axis, "axis");
	if (ret)
		return ret;
	keep_dims = op->options_kind == NPU_OPTS_REDUCER &&
		    op->options.reducer.keep_dims;
	ret = lower_need_s8_s16(p, in, out, "MEAN");
	if (ret)
		return ret;
	for (size_t i = 0; i < axis->elements; i++) {
		int64_t a = lower_const_int(axis, i);

		if (a < 0)
			a += in->rank;
		if (a < 0 || a >= in->rank)
			return lower_fail(p, "axis %lld out of range",
				    (long long)lower_const_int(axis, i));
		mask |= 1u << a;
	}
	/*
	 * TFLite Micro takes reference_integer_ops::Mean only for a kept 4-D
	 * shape and an axis tensor of exactly {1, 2} or {2, 1} (negative or
	 * repeated axes take the generic path); the other cases round
	 * differently and run on the CPU (mean.c).
	 */
	if (in->rank != 4 || !keep_dims || axis->elements != 2 ||
	    !((lower_const_int(axis, 0) == 1 && lower_const_int(axis, 1) == 2) ||
	      (lower_const_int(axis, 0) == 2 && lower_const_int(axis, 1) == 1))) {
		cpu_msg(p->err, p->errlen,
			"MEAN has an NPU kernel only over axes {1, 2} of a 4-D tensor with keep_dims");
		return -ENOTSUP;
	}
	ret = lower_need_quant_in_out(p, in, out);
	if (ret)
		return ret;
	cmd = lower_add_cmd(p, NPU_CMD_MEAN, 0);
	if (!cmd)
		return -ENOMEM;
	m = &cmd->params.mean;
	ret = lower_set_tensor(p, &m->input, in, 4, false, "input");
	if (ret)
		return ret;
	dims[0] = (uint32_t)in->shape[0];
	dims[1] = 1;
	dims[2] = 1;
	dims[3] = (uint32_t)in->shape[3];
	if (out->elements != (size_t)dims[0] * dims[3])
		return lower_fail(p, "output has %zu elements, expected %u",
			    out->elements, dims[0] * dims[3]);
	ret = lower_set_tensor_dims(p, &m->output, out, 4, dims, "output");
	if (ret)
		return ret;
	if (npu_host_mean_params(cpu_scale(in), cpu_scale(out), m))
		return lower_bad_scale(p, "input/output");
	m->axis_mask = mask;
	return 0;
}

/* ---- float ---- */

/*
 * ---- MEAN over any axes ----
 * float: sum in input order, divide (reference_ops::Mean).  int8/int16 in
 * the cases the firmware kernel does not cover, as TFLM's EvalMeanHelper:
 * equal input/output quantization -> integer sum / count (truncating);
 * otherwise QuantizedMeanOrSum: float mean * (in_scale / out_scale) -
 * in_zp * scale, rounded, + out_zp, saturated.
 */
static int mean_prepare(const struct cpu_prep *p, void **state)
{
	const struct npu_graph_tensor *in, *axis, *out;
	struct mean_data *s;
	int ret;

	ret = cpu_need_io(p, 2, 2, 1);
	if (ret)
		return ret;
	in = cpu_in(p->g, p->op, 0);
	axis = cpu_in(p->g, p->op, 1);
	out = cpu_out(p->g, p->op, 0);
	if (in->type != out->type ||
	    (in->type != NPU_TYPE_FLOAT32 && in->type != NPU_TYPE_INT8 &&
	     in->type != NPU_TYPE_INT16)) {
		cpu_msg(p->err, p->errlen, "%s to %s MEAN is not supported",
			npu_type_name(in->type), npu_type_name(out->type));
		return -ENOTSUP;
	}
	if (!axis->data || axis->type != NPU_TYPE_INT32) {
		cpu_msg(p->err, p->errlen, "axis must be a constant int32 tensor");
		return -EINVAL;
	}
	if (in->rank > MAX_RANK) {
		cpu_msg(p->err, p->errlen, "rank %d is not supported", in->rank);
		return -ENOTSUP;
	}
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->rank = (uint32_t)in->rank;
	s->type = in->type;
	for (size_t i = 0; i < axis->elements; i++) {
		int32_t v = ((const int32_t *)axis->data)[i];

		if (v < 0)
			v += in->rank;
		if (v < 0 || v >= in->rank) {
			cpu_msg(p->err, p->errlen, "axis %d out of range",
				((const int32_t *)axis->data)[i]);
			free(s);
			return -EINVAL;
		}
		s->reduce_mask |= 1u << v;
	}
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
	if (in->type != NPU_TYPE_FLOAT32) {
		if (!in->quant.count || !out->quant.count) {
			cpu_msg(p->err, p->errlen,
				"input and output must be quantized");
			free(s);
			return -EINVAL;
		}
		s->in_zp = in->quant.zero_point[0];
		s->out_zp = out->quant.zero_point[0];
		s->in_scale = in->quant.scale[0];
		s->out_scale = out->quant.scale[0];
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

static int mean_invoke(const struct npu_cpu_kernel_args *a, void *state)
{
	const struct mean_data *s = state;
	int32_t idx[MAX_RANK] = { 0 };

	if (s->type == NPU_TYPE_FLOAT32) {
		const float *in = a->inputs[0];
		float *out = a->outputs[0];

		memset(out, 0, s->outer_count * sizeof(float));
		for (size_t i = 0; i < s->count; i++) {
			out[mean_out_index(s, idx)] += in[i];
			next_index(s, idx);
		}
		for (size_t o = 0; o < s->outer_count; o++)
			out[o] /= (float)s->reduce_count;
		return 0;
	} else {
		const bool s16 = s->type == NPU_TYPE_INT16;
		const int32_t lo = s16 ? INT16_MIN : INT8_MIN;
		const int32_t hi = s16 ? INT16_MAX : INT8_MAX;
		const bool same = s->in_zp == s->out_zp &&
				  s->in_scale == s->out_scale;
		const float scale = s->in_scale / s->out_scale;
		const float bias = (float)-s->in_zp * scale;
		uint32_t *sum = calloc(s->outer_count ? s->outer_count : 1,
				       sizeof(*sum));

		if (!sum)
			return -ENOMEM;
		/* int32 sum with TFLite's wrap-around on overflow. */
		for (size_t i = 0; i < s->count; i++) {
			const int32_t v = s16 ? ((const int16_t *)a->inputs[0])[i] :
						((const int8_t *)a->inputs[0])[i];

			sum[mean_out_index(s, idx)] += (uint32_t)v;
			next_index(s, idx);
		}
		for (size_t o = 0; o < s->outer_count; o++) {
			const int32_t total = (int32_t)sum[o];
			int32_t v;

			if (same) {
				v = total / (int32_t)s->reduce_count;
			} else {
				const float mean = (float)total /
						   (float)s->reduce_count;
				float r = roundf(mean * scale + bias) +
					  (float)s->out_zp;

				r = fminf(r, (float)hi);
				r = fmaxf(r, (float)lo);
				v = (int32_t)r;
			}
			if (s16)
				((int16_t *)a->outputs[0])[o] = (int16_t)v;
			else
				((int8_t *)a->outputs[0])[o] = (int8_t)v;
		}
		free(sum);
		return 0;
	}
}

static const struct cpu_kernel float_kernel = {
	.prepare = mean_prepare,
	.invoke = mean_invoke,
};

const struct npu_builtin_impl npu_builtin_mean = {
	.lower = lower_mean,
	.float_kernel = &float_kernel,
	/* Over other axes or without keep_dims: the CPU kernel. */
	.float_takes_int = true,
};
