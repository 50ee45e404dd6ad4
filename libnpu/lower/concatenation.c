// SPDX-License-Identifier: MIT
/*
 * CONCATENATION: TFLite's Prepare (concatenation.cc) lowered to the
 * firmware's copy commands (float data included).  A uint8 input quantized
 * unlike the output is requantized as TFLite's ConcatenationWithScaling
 * does, through a table of its 256 values (NPU_CONCAT_TABLE).
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "lower.h"

/* reference_ops::ConcatenationWithScaling for one input, every step in float. */
static void requant_table(float in_scale, int32_t in_zp, float out_scale,
			  int32_t out_zp, uint8_t table[256])
{
	const float scale = in_scale * (1.0f / out_scale);
	const float bias = (float)-in_zp * scale;

	for (int32_t v = 0; v <= 255; v++) {
		const float r = roundf((float)v * scale + bias);
		int32_t out;

		/* NaN and values beyond int32 saturate (the cast is not UB). */
		if (!(r > -2147483648.0f))
			out = 0;
		else if (r >= 2147483648.0f)
			out = 255;
		else
			out = (int32_t)r + out_zp;
		table[v] = (uint8_t)(out < 0 ? 0 : out > 255 ? 255 : out);
	}
}

/*
 * An input quantized as the output is copied (0).  TFLite's uint8
 * CONCATENATION requantizes the others: a table appended to the prepared
 * tables, 1 + its index returned.
 */
static int concat_quant(const struct cpu_prep *p,
			const struct npu_graph_tensor *in,
			const struct npu_graph_tensor *out, uint32_t k)
{
	struct npu_cpu_prepared *o = p->out;
	uint8_t *t;

	if (in->type != NPU_TYPE_UINT8 || out->type != NPU_TYPE_UINT8 ||
	    !lower_quantized(in) || !lower_quantized(out) ||
	    (cpu_zero_point(in) == cpu_zero_point(out) &&
	     cpu_scale(in) == cpu_scale(out)))
		return lower_same_quant(p, in, out, "input");
	if (!(cpu_scale(in) > 0.0f) || !(cpu_scale(out) > 0.0f) ||
	    !isfinite(cpu_scale(in)) || !isfinite(cpu_scale(out)))
		return lower_fail(p, "input %u or output scale is not a positive finite number",
				  k);
	t = realloc(o->table, o->table_bytes + 256);
	if (!t)
		return -ENOMEM;
	o->table = t;
	requant_table(cpu_scale(in), cpu_zero_point(in), cpu_scale(out),
		      cpu_zero_point(out), t + o->table_bytes);
	o->table_bytes += 256;
	return (int)(o->table_bytes / 256);
}

/*
 * CONCATENATION: input 0's shape with the extents along the options' axis
 * summed (the sum lower_concat() checks); PACK: a new axis of extent n.
 */
int lower_concat_shape(const struct npu_graph *g, const struct npu_graph_op *op, uint32_t o,
		       int32_t *dims)
{
	const bool pack = op->builtin == NPU_BUILTIN_PACK;
	const struct npu_graph_tensor *a = cpu_in(g, op, 0);
	int32_t axis;
	int64_t sum = 0;
	int r;

	if (o || !a || (pack ? op->options_kind != NPU_OPTS_AXIS : op->options_kind != NPU_OPTS_CONCAT))
		return -1;
	r = pack ? a->rank + 1 : a->rank;
	axis = pack ? op->options.axis.axis : op->options.concat.axis;
	if (axis < 0)
		axis += r;
	if (axis < 0 || axis >= r || r > NPU_GRAPH_MAX_DIMS)
		return -1;
	for (uint32_t k = 0; k < op->num_inputs; k++) {
		const struct npu_graph_tensor *t = cpu_in(g, op, k);

		if (!t || t->rank != a->rank)
			return -1;
		for (int d = 0; d < a->rank; d++)
			if ((pack || d != axis) && t->shape[d] != a->shape[d])
				return -1;
		sum += pack ? 1 : t->shape[axis];
	}
	if (sum > INT32_MAX)
		return -1;
	/* PACK inserts the new axis; CONCATENATION replaces its extent. */
	for (int d = 0, s = 0; d < r; d++) {
		dims[d] = d == axis ? (int32_t)sum : a->shape[s];
		if (!pack || d != axis)
			s++;
	}
	return r;
}

static int lower_concat(const struct cpu_prep *p)
{
	const struct npu_graph_op *op = p->op;
	const struct npu_graph_tensor *out = lower_out(p, 0);
	int32_t axis;
	uint32_t offset = 0;
	int ret;

	if (op->num_inputs < 1 || op->num_outputs != 1 || !out)
		return lower_fail(p, "needs inputs and one output");
	if (op->options_kind != NPU_OPTS_CONCAT)
		return lower_fail(p, "missing concatenation options");
	if (op->options.concat.activation != NPU_ACT_NONE) {
		cpu_msg(p->err, p->errlen,
			"fused activation on CONCATENATION is not supported");
		return -ENOTSUP;
	}
	axis = op->options.concat.axis;
	if (axis < 0)
		axis += out->rank;
	if (axis < 0 || axis >= out->rank)
		return lower_fail(p, "axis %d out of range", op->options.concat.axis);
	for (uint32_t k = 0; k < op->num_inputs; k++) {
		const struct npu_graph_tensor *in = lower_in(p, k);
		struct npu_concat_params *c;
		struct npu_cpu_cmd *cmd;
		int table;

		if (!in)
			return lower_fail(p, "input %u is missing", k);
		table = concat_quant(p, in, out, k);
		if (table < 0)
			return table;
		if (in->rank != out->rank)
			return lower_fail(p, "input %u has rank %d, output %d", k,
				    in->rank, out->rank);
		for (int d = 0; d < out->rank; d++)
			if (d != axis && in->shape[d] != out->shape[d])
				return lower_fail(p, "input %u dimension %d is %d, output %d",
					    k, d, in->shape[d], out->shape[d]);
		cmd = lower_add_cmd(p, NPU_CMD_CONCAT, k);
		if (!cmd)
			return -ENOMEM;
		c = &cmd->params.concat;
		ret = lower_set_in_out(p, &c->input, &c->output, in, out, 0, true);
		if (ret)
			return ret;
		c->axis = (uint32_t)axis;
		c->offset = offset;
		if (table > 0) {	/* requantized through its table */
			cmd->table_offset = (uint32_t)(table - 1) * 256;
			c->flags = NPU_CONCAT_TABLE;
		}
		offset += (uint32_t)in->shape[axis];
	}
	if (offset != (uint32_t)out->shape[axis])
		return lower_fail(p, "inputs sum to %u along axis %d, output has %d",
			    offset, axis, out->shape[axis]);
	return 0;
}

const struct npu_builtin_impl npu_builtin_concatenation = {
	.lower = lower_concat,
	.output_shape = lower_concat_shape,
};
