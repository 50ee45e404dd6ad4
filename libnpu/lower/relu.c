// SPDX-License-Identifier: MIT
/*
 * RELU, RELU6 and RELU_N1_TO_1: TFLite's ReluPrepare lowered to the
 * firmware's RELU command; float32 on the CPU (reference_ops' Relu, Relu6,
 * Relu1: comparisons, so -0.0 and NaN pass as TFLite passes them).
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "lower.h"

/*
 * RELU, RELU_N1_TO_1, RELU6 as TFLite's ReluPrepare / QuantizedReluX: the
 * clamp of the fused activation of the same name, and a requantization by
 * in_scale / out_scale (divided in float, then widened).
 */
static int lower_relu(const struct cpu_prep *p)
{
	const int32_t b = p->op->builtin;
	const int32_t act = b == NPU_BUILTIN_RELU ? NPU_ACT_RELU :
			    b == NPU_BUILTIN_RELU6 ? NPU_ACT_RELU6 :
			    NPU_ACT_RELU_N1_TO_1;
	const struct npu_graph_tensor *in, *out;
	struct npu_relu_params *r;
	struct npu_cpu_cmd *cmd;
	int ret;

	ret = cpu_need_io(p, 1, 1, 1);
	if (ret)
		return ret;
	in = lower_in(p, 0);
	out = lower_out(p, 0);
	ret = lower_need_s8_s16_u8(p, in, out, npu_op_name(b));
	if (ret)
		return ret;
	/* TFLite has no int16 RELU_N1_TO_1. */
	if (b == NPU_BUILTIN_RELU_N1_TO_1 && in->type == NPU_TYPE_INT16) {
		cpu_msg(p->err, p->errlen, "%s RELU_N1_TO_1 has no kernel",
			npu_type_name(in->type));
		return -ENOTSUP;
	}
	ret = lower_need_quant_in_out(p, in, out);
	if (ret)
		return ret;
	if (in->type == NPU_TYPE_INT16 &&
	    (cpu_zero_point(in) || cpu_zero_point(out)))
		return lower_fail(p, "int16 %s needs zero points 0", npu_op_name(b));
	cmd = lower_add_cmd(p, NPU_CMD_RELU, 0);
	if (!cmd)
		return -ENOMEM;
	r = &cmd->params.relu;
	ret = lower_set_in_out(p, &r->input, &r->output, in, out, 0, false);
	if (!ret)
		ret = lower_act_range(p, act, out, &r->act_min, &r->act_max);
	if (ret)
		return ret;
	if (npu_cpu_quantize_multiplier((double)(cpu_scale(in) / cpu_scale(out)),
					&r->multiplier, &r->shift))
		return lower_bad_scale(p, "input/output");
	return 0;
}

static int float_invoke(const struct npu_cpu_kernel_args *a, void *state)
{
	const struct lower_unary *s = state;
	const float lo = s->builtin == NPU_BUILTIN_RELU_N1_TO_1 ? -1.0f : 0.0f;
	const float hi = s->builtin == NPU_BUILTIN_RELU6 ? 6.0f :
			 s->builtin == NPU_BUILTIN_RELU_N1_TO_1 ? 1.0f : INFINITY;
	const float *in = a->inputs[0];
	float *out = a->outputs[0];

	for (size_t i = 0; i < s->count; i++) {
		const float v = in[i];

		out[i] = v > hi ? hi : v < lo ? lo : v;
	}
	return 0;
}

static const struct cpu_kernel float_kernel = {
	.prepare = lower_float_unary_prepare,
	.invoke = float_invoke,
};

const struct npu_builtin_impl npu_builtin_relu = {
	.lower = lower_relu,
	.float_kernel = &float_kernel,
	.output_shape = lower_shape_same,
};
