// SPDX-License-Identifier: MIT
/*
 * MAXIMUM and MINIMUM: TFLite's reference compares the raw values and does
 * not requantize; int8 and int16 with broadcast, lowered to the firmware's
 * MAXIMUM/MINIMUM commands.
 */
#include <errno.h>
#include <stdlib.h>

#include "lower.h"

static int lower_minmax(const struct cpu_prep *p)
{
	const struct npu_graph_tensor *a, *b, *out;
	struct npu_eltwise_params *e;
	struct npu_cpu_cmd *cmd;
	int ret;

	ret = cpu_need_io(p, 2, 2, 1);
	if (ret)
		return ret;
	a = lower_in(p, 0);
	b = lower_in(p, 1);
	out = lower_out(p, 0);
	if (a->type != out->type || b->type != out->type)
		return lower_fail(p, "input and output types differ");
	ret = lower_need_s8_s16(p, a, out, npu_op_name(p->op->builtin));
	if (ret)
		return ret;
	cmd = lower_add_cmd(p, p->op->builtin == NPU_BUILTIN_MAXIMUM ?
		      NPU_CMD_MAXIMUM : NPU_CMD_MINIMUM, 0);
	if (!cmd)
		return -ENOMEM;
	e = &cmd->params.eltwise;
	ret = lower_broadcast_shapes(p, e, a, b, out);
	if (ret)
		return ret;
	e->act_min = out->type == NPU_TYPE_INT8 ? INT8_MIN : INT16_MIN;
	e->act_max = out->type == NPU_TYPE_INT8 ? INT8_MAX : INT16_MAX;
	return 0;
}


const struct npu_builtin_impl npu_builtin_minmax = {
	.lower = lower_minmax,
};
