// SPDX-License-Identifier: MIT
/*
 * ARG_MAX / ARG_MIN over a constant axis: int8, uint8 or int16 input,
 * int32 or int64 output, lowered to the firmware's ARG_MAX/ARG_MIN
 * commands.
 */
#include <errno.h>
#include <stdlib.h>

#include "lower.h"

static int lower_arg(const struct cpu_prep *p)
{
	const struct npu_graph_tensor *in, *axis, *out;
	struct npu_arg_params *ap;
	struct npu_cpu_cmd *cmd;
	uint32_t dims[NPU_CS_MAX_DIMS];
	int64_t a;
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
	if ((in->type != NPU_TYPE_INT8 && in->type != NPU_TYPE_UINT8 &&
	     in->type != NPU_TYPE_INT16) ||
	    (out->type != NPU_TYPE_INT32 && out->type != NPU_TYPE_INT64)) {
		cpu_msg(p->err, p->errlen, "%s %s to %s has no NPU kernel",
			npu_type_name(in->type), npu_op_name(p->op->builtin),
			npu_type_name(out->type));
		return -ENOTSUP;
	}
	if (axis->elements != 1)
		return lower_fail(p, "axis has %zu elements", axis->elements);
	if (in->rank < 1 || in->rank > NPU_CS_MAX_DIMS)
		return lower_fail(p, "rank-%d input", in->rank);
	a = lower_const_int(axis, 0);
	if (a < 0)
		a += in->rank;
	if (a < 0 || a >= in->rank)
		return lower_fail(p, "axis %lld out of range",
			    (long long)lower_const_int(axis, 0));
	if (out->elements * (size_t)in->shape[a] != in->elements)
		return lower_fail(p, "output has %zu elements", out->elements);
	cmd = lower_add_cmd(p, p->op->builtin == NPU_BUILTIN_ARG_MAX ?
		      NPU_CMD_ARG_MAX : NPU_CMD_ARG_MIN, 0);
	if (!cmd)
		return -ENOMEM;
	ap = &cmd->params.arg;
	ret = lower_set_tensor(p, &ap->input, in, (uint32_t)in->rank, false, "input");
	if (ret)
		return ret;
	for (int i = 0; i < in->rank; i++)
		dims[i] = i == a ? 1 : (uint32_t)in->shape[i];
	ret = lower_set_tensor_dims(p, &ap->output, out, (uint32_t)in->rank, dims,
			      "output");
	ap->output.zero_point = 0;
	ap->axis = (uint32_t)a;
	return ret;
}


const struct npu_builtin_impl npu_builtin_arg_min_max = {
	.lower = lower_arg,
};
