// SPDX-License-Identifier: MIT
/*
 * MUL: TFLite's Prepare (mul_common.cc) lowered to the firmware's
 * elementwise command, and the float path with broadcast.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "lower.h"

static int lower_mul(const struct cpu_prep *p)
{
	const struct npu_graph_op *op = p->op;
	const struct npu_graph_tensor *a, *b, *out;
	struct npu_eltwise_params *e;
	struct npu_cpu_cmd *cmd;
	int32_t act = op->options_kind == NPU_OPTS_ELTWISE ?
		      op->options.eltwise.activation : NPU_ACT_NONE;
	int ret;

	ret = lower_binary_io(p, &a, &b, &out);
	if (ret)
		return ret;
	if (a->type != out->type || b->type != out->type ||
	    (out->type != NPU_TYPE_INT8 && out->type != NPU_TYPE_INT16 &&
	     out->type != NPU_TYPE_UINT8)) {
		cpu_msg(p->err, p->errlen, "%s * %s -> %s has no NPU kernel",
			npu_type_name(a->type), npu_type_name(b->type),
			npu_type_name(out->type));
		return -ENOTSUP;
	}
	ret = lower_need_quant_binary(p, a, b, out);
	if (ret)
		return ret;
	/* mul_common.cc: int16 MUL is symmetric. */
	if (out->type == NPU_TYPE_INT16 &&
	    (cpu_zero_point(a) || cpu_zero_point(b) || cpu_zero_point(out)))
		return lower_fail(p, "int16 operands need zero points 0");
	cmd = lower_add_cmd(p, NPU_CMD_MUL, 0);
	if (!cmd)
		return -ENOMEM;
	e = &cmd->params.eltwise;
	ret = lower_broadcast_shapes(p, e, a, b, out);
	if (ret)
		return ret;
	if (npu_host_mul_params(cpu_scale(a), cpu_scale(b), cpu_scale(out), e))
		return lower_bad_scale(p, "input1*input2/output");
	return lower_act_range(p, act, out, &e->act_min, &e->act_max);
}

/* ---- float ---- */

/* reference_ops mul.h with broadcast. */
/* int32: two's-complement wrap-around, as TFLite's on its targets. */
static int int32_mul(int32_t x, int32_t y, int32_t *r)
{
	*r = (int32_t)((uint32_t)x * (uint32_t)y);
	return 0;
}

static float float_mul(float x, float y)
{
	return x * y;
}

static int float_invoke(const struct npu_cpu_kernel_args *a, void *state)
{
	const struct lower_bcast *s = state;

	if (s->type == NPU_TYPE_INT32)
		return lower_int32_bcast_run(s, a, int32_mul);
	lower_float_bcast_run(s, a, float_mul);
	return 0;
}

static const struct cpu_kernel float_kernel = {
	.prepare = lower_float_bcast_prepare,
	.invoke = float_invoke,
};

const struct npu_builtin_impl npu_builtin_mul = {
	.lower = lower_mul,
	.float_kernel = &float_kernel,
	/* int32 MUL: the same kernel's integer form. */
	.float_takes_int = true,
	.output_shape = lower_shape_broadcast,
};
