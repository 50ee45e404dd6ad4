// SPDX-License-Identifier: MIT
/*
 * FULLY_CONNECTED: TFLite's Prepare (fully_connected_common.cc) lowered to
 * the firmware's command, and the float path (reference_ops
 * fully_connected.h).
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "lower.h"

/* The float path's op data. */
struct fc_data {
	float act_min, act_max;
	bool has_bias;
	size_t batches, depth, units;
};

/*
 * TFLite 2.21's reference FULLY_CONNECTED (int8, uint8 and 16x8, per
 * tensor and per channel) requantizes with floating point: the
 * accumulator times (double)input scale * filter scale / output scale,
 * rounded half away from zero (reference_integer_ops::FullyConnected and
 * FullyConnectedPerChannel with scales, reference_ops::FullyConnected for
 * uint8).  NPU_RQ_SCALE_F64 carries that binary64 scale; a Q31 multiplier
 * would round differently on exact and near halves.
 */
static int lower_fc_scales(const struct cpu_prep *p, const struct npu_graph_tensor *in,
			   const struct npu_graph_tensor *filter,
			   const struct npu_graph_tensor *out, uint32_t units,
			   struct npu_requant *rq)
{
	struct npu_cpu_prepared *o = p->out;
	const bool per_channel = filter->quant.count > 1;
	int32_t lo, hi;

	rq->flags |= NPU_RQ_SCALE_F64;
	if (per_channel && filter->quant.count != units)
		return lower_fail(p, "filter has %u scales for %u units",
				  filter->quant.count, units);
	if (!per_channel) {
		const float fs = cpu_scale(filter);

		if (npu_host_fc_scales(cpu_scale(in), &fs, 1,
				       cpu_scale(out), 1, &lo, &hi))
			return lower_bad_scale(p, "input*filter/output");
		rq->multiplier = lo;
		rq->shift = hi;
		return 0;
	}
	o->mult = malloc(sizeof(int32_t) * units);
	o->shift = malloc(sizeof(int32_t) * units);
	if (!o->mult || !o->shift)
		return -ENOMEM;
	o->channels = units;
	rq->count = units;
	if (npu_host_fc_scales(cpu_scale(in), filter->quant.scale, units,
			       cpu_scale(out), units, o->mult, o->shift))
		return lower_bad_scale(p, "input*filter/output");
	return 0;
}

/*
 * [batches, units] with batches the input's elements over the filter's
 * depth, as lower_fc() checks; keep_num_dims: the input's shape with units
 * last.
 */
static int fc_shape(const struct npu_graph *g, const struct npu_graph_op *op, uint32_t o,
		    int32_t *dims)
{
	const struct npu_graph_tensor *in = cpu_in(g, op, 0), *w = cpu_in(g, op, 1);
	int32_t depth;

	if (o || !in || !w || w->rank != 2 || in->rank < 1 || w->shape[1] <= 0)
		return -1;
	depth = w->shape[1];
	if (op->options_kind == NPU_OPTS_FC && op->options.fc.keep_num_dims) {
		if (in->shape[in->rank - 1] != depth)
			return -1;
		memcpy(dims, in->shape, sizeof(dims[0]) * (size_t)in->rank);
		dims[in->rank - 1] = w->shape[0];
		return in->rank;
	}
	if (in->elements % (size_t)depth)
		return -1;
	dims[0] = (int32_t)(in->elements / (size_t)depth);
	dims[1] = w->shape[0];
	return 2;
}

static int lower_fc(const struct cpu_prep *p)
{
	const struct npu_graph_op *op = p->op;
	const struct npu_graph_tensor *in, *filter, *bias, *out;
	struct npu_fc_params *f;
	struct npu_cpu_cmd *cmd;
	uint32_t dims[2];
	int32_t depth, units;
	size_t batches;
	bool is16;
	int ret;

	ret = cpu_need_io(p, 2, 3, 1);
	if (ret)
		return ret;
	if (op->options_kind != NPU_OPTS_FC)
		return lower_fail(p, "missing fully connected options");
	if (op->options.fc.weights_format != 0) {
		cpu_msg(p->err, p->errlen, "shuffled weights are not supported");
		return -ENOTSUP;
	}
	in = lower_in(p, 0);
	filter = lower_in(p, 1);
	bias = lower_in(p, 2);
	out = lower_out(p, 0);
	/* The weights may be computed at run time (TFLite allows it). */
	if (filter->rank != 2)
		return lower_fail(p, "filter must be a 2-D tensor");
	units = filter->shape[0];
	depth = filter->shape[1];
	if (depth <= 0 || units <= 0 || in->elements % (size_t)depth)
		return lower_fail(p, "input of %zu elements is not a multiple of depth %d",
			    in->elements, depth);
	batches = in->elements / (size_t)depth;
	if (out->elements != batches * (size_t)units)
		return lower_fail(p, "output has %zu elements, expected %zu x %d",
			    out->elements, batches, units);
	if (batches > UINT32_MAX)
		return lower_fail(p, "too many batches");
	ret = lower_conv_types(p, in, filter, bias, out, (uint32_t)units, &is16);
	if (ret)
		return ret;

	cmd = lower_add_cmd(p, NPU_CMD_FULLY_CONNECTED, 0);
	if (!cmd)
		return -ENOMEM;
	f = &cmd->params.fc;
	dims[0] = (uint32_t)batches;
	dims[1] = (uint32_t)depth;
	ret = lower_set_tensor_dims(p, &f->input, in, 2, dims, "input");
	dims[1] = (uint32_t)units;
	if (!ret)
		ret = lower_set_tensor_dims(p, &f->output, out, 2, dims, "output");
	if (!ret)
		ret = lower_set_tensor(p, &f->filter, filter, 2, false, "filter");
	if (ret)
		return ret;
	/* TFLite's per-channel FULLY_CONNECTED ignores the zero point. */
	if (filter->quant.count > 1)
		f->filter.zero_point = 0;
	if (bias)
		f->rq.flags |= NPU_RQ_HAS_BIAS;
	ret = lower_fc_scales(p, in, filter, out, (uint32_t)units, &f->rq);
	if (ret)
		return ret;
	return lower_act_range(p, op->options.fc.activation, out, &f->act_min,
			 &f->act_max);
}

/* ---- float ---- */

static int fc_prepare(const struct cpu_prep *p, void **state)
{
	const struct npu_graph_tensor *in, *f, *bias, *out;
	struct fc_data *s;
	int ret;

	ret = cpu_need_io(p, 2, 3, 1);
	if (ret)
		return ret;
	if (!lower_all_float(p)) {
		cpu_msg(p->err, p->errlen,
			"hybrid (float input, integer weights) is not supported");
		return -ENOTSUP;
	}
	ret = lower_float_act_supported(p, p->op->options.fc.activation);
	if (ret)
		return ret;
	in = cpu_in(p->g, p->op, 0);
	f = cpu_in(p->g, p->op, 1);
	bias = cpu_in(p->g, p->op, 2);
	out = cpu_out(p->g, p->op, 0);
	if (f->rank != 2 || f->shape[1] <= 0 ||
	    in->elements % (size_t)f->shape[1] ||
	    out->elements != in->elements / (size_t)f->shape[1] * (size_t)f->shape[0] ||
	    (bias && bias->elements != (size_t)f->shape[0])) {
		cpu_msg(p->err, p->errlen, "inconsistent shapes");
		return -EINVAL;
	}
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->depth = (size_t)f->shape[1];
	s->units = (size_t)f->shape[0];
	s->batches = in->elements / s->depth;
	s->has_bias = bias != NULL;
	cpu_float_activation_range(p->op->options.fc.activation, &s->act_min,
				   &s->act_max);
	*state = s;
	return 0;
}

static int fc_invoke(const struct npu_cpu_kernel_args *a, void *state)
{
	const struct fc_data *s = state;
	const float *in = a->inputs[0], *w = a->inputs[1];
	const float *bias = s->has_bias ? a->inputs[2] : NULL;
	float *out = a->outputs[0];

	for (size_t b = 0; b < s->batches; b++) {
		for (size_t u = 0; u < s->units; u++) {
			float total = 0.0f;

			for (size_t d = 0; d < s->depth; d++)
				total += in[b * s->depth + d] * w[u * s->depth + d];
			out[b * s->units + u] = lower_clampf(total + (bias ? bias[u] : 0.0f),
						       s->act_min, s->act_max);
		}
	}
	return 0;
}

static const struct cpu_kernel float_kernel = {
	.prepare = fc_prepare,
	.invoke = fc_invoke,
};

const struct npu_builtin_impl npu_builtin_fully_connected = {
	.lower = lower_fc,
	.float_kernel = &float_kernel,
	.output_shape = fc_shape,
};
