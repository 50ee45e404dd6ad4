// SPDX-License-Identifier: MIT
/*
 * MAXIMUM and MINIMUM: TFLite's reference compares the raw values and does
 * not requantize; int8, int16 and uint8 (firmware 1.9.0,
 * NPU_FW_FEAT_MINMAX_U8) with broadcast, lowered to the firmware's
 * MAXIMUM/MINIMUM commands; float32 and int32 on the CPU.
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

	ret = lower_binary_io(p, &a, &b, &out);
	if (ret)
		return ret;
	if (a->type != out->type || b->type != out->type)
		return lower_fail(p, "input and output types differ");
	ret = lower_need_s8_s16_u8(p, a, out, npu_op_name(p->op->builtin));
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
	e->act_min = out->type == NPU_TYPE_INT8 ? INT8_MIN :
		     out->type == NPU_TYPE_UINT8 ? 0 : INT16_MIN;
	e->act_max = out->type == NPU_TYPE_INT8 ? INT8_MAX :
		     out->type == NPU_TYPE_UINT8 ? UINT8_MAX : INT16_MAX;
	return 0;
}

static int int32_max(int32_t x, int32_t y, int32_t *r)
{
	*r = x > y ? x : y;
	return 0;
}

static int int32_min(int32_t x, int32_t y, int32_t *r)
{
	*r = x < y ? x : y;
	return 0;
}

/*
 * float32 and int32 on the CPU: maximum_minimum.cc's MaximumOp /
 * MinimumOp, el1 > el2 ? el1 : el2 (el1 < el2 for MINIMUM): a NaN on
 * either side gives y.
 */
static int minmax_invoke(const struct npu_cpu_kernel_args *a, void *state)
{
	const struct lower_bcast *s = state;
	const bool max = s->builtin == NPU_BUILTIN_MAXIMUM;
	const float *x = a->inputs[0], *y = a->inputs[1];
	float *out = a->outputs[0];
	int32_t idx[MAX_RANK] = { 0 };
	size_t o1 = 0, o2 = 0;

	if (s->type == NPU_TYPE_INT32)
		return lower_int32_bcast_run(s, a, max ? int32_max : int32_min);
	for (size_t i = 0; i < s->count; i++) {
		out[i] = max ? (x[o1] > y[o2] ? x[o1] : y[o2]) :
			 (x[o1] < y[o2] ? x[o1] : y[o2]);
		lower_bcast_next(s, idx, &o1, &o2);
	}
	return 0;
}

static const struct cpu_kernel float_kernel = {
	.prepare = lower_float_bcast_prepare,
	.invoke = minmax_invoke,
};

const struct npu_builtin_impl npu_builtin_minmax = {
	.lower = lower_minmax,
	.float_kernel = &float_kernel,
	.float_takes_int = true,
	.output_shape = lower_shape_broadcast,
};
