// SPDX-License-Identifier: MIT
/*
 * CONCATENATION: TFLite's Prepare (concatenation.cc) lowered to the
 * firmware's copy commands (float data included).
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "lower.h"

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

		if (!in)
			return lower_fail(p, "input %u is missing", k);
		ret = lower_same_quant(p, in, out, "input");
		if (ret)
			return ret;
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
		offset += (uint32_t)in->shape[axis];
	}
	if (offset != (uint32_t)out->shape[axis])
		return lower_fail(p, "inputs sum to %u along axis %d, output has %d",
			    offset, axis, out->shape[axis]);
	return 0;
}

const struct npu_builtin_impl npu_builtin_concatenation = {
	.lower = lower_concat,
};
