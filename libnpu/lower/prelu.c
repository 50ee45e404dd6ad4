// SPDX-License-Identifier: MIT
/*
 * PRELU (int8, and int16 with an int8 alpha: TFLite's 16x8 form):
 * PreluPrepare's two multipliers, each ratio taken in float and widened;
 * alpha broadcast as the elementwise ops' second input; the firmware's
 * PRELU command.  float32 (MediaPipe's landmark and detection models) on
 * the CPU: reference_ops' BroadcastPrelu4DSlowFloat with any broadcast.
 */
#include <errno.h>
#include <stdlib.h>

#include "lower.h"

static int lower_prelu(const struct cpu_prep *p)
{
	const struct npu_graph_tensor *in, *alpha, *out;
	struct npu_prelu_params *pr;
	struct npu_cpu_cmd *cmd;
	int shift, ret;

	ret = lower_binary_io(p, &in, &alpha, &out);
	if (ret)
		return ret;
	if (in->type == NPU_TYPE_INT16 && alpha->type == NPU_TYPE_INT16) {
		/* activations.cc reads alpha as int8 whatever its type. */
		cpu_msg(p->err, p->errlen,
			"int16 PRELU with an int16 alpha (TFLite reads alpha's bytes as int8)");
		return -ENOTSUP;
	}
	if ((in->type != NPU_TYPE_INT8 && in->type != NPU_TYPE_INT16) ||
	    alpha->type != NPU_TYPE_INT8 || out->type != in->type) {
		cpu_msg(p->err, p->errlen, "%s PRELU with a %s alpha has no NPU kernel",
			npu_type_name(in->type), npu_type_name(alpha->type));
		return -ENOTSUP;
	}
	ret = lower_need_quant_in_out(p, in, out);
	if (!ret)
		ret = lower_need_quant(p, alpha, "alpha");
	if (ret)
		return ret;
	if (alpha->quant.count != 1)
		return lower_fail(p, "alpha is quantized per channel");
	cmd = lower_add_cmd(p, NPU_CMD_PRELU, 0);
	if (!cmd)
		return -ENOMEM;
	/* npu_prelu_params starts with input, alpha, output as eltwise. */
	ret = lower_broadcast_shapes(p, &cmd->params.eltwise, in, alpha, out);
	if (ret)
		return ret;
	pr = &cmd->params.prelu;
	if (npu_host_quantize_multiplier((double)(cpu_scale(in) /
						  cpu_scale(out)),
					 &pr->multiplier_identity, &shift))
		return lower_bad_scale(p, "input/output");
	pr->shift_identity = shift;
	if (npu_host_quantize_multiplier((double)(cpu_scale(in) *
						  cpu_scale(alpha) /
						  cpu_scale(out)),
					 &pr->multiplier_alpha, &shift))
		return lower_bad_scale(p, "input*alpha/output");
	pr->shift_alpha = shift;
	return 0;
}

static int float_prepare(const struct cpu_prep *p, void **state)
{
	int ret = lower_float_bcast_prepare(p, state);

	if (ret)
		return ret;
	if (((struct lower_bcast *)*state)->type != NPU_TYPE_FLOAT32) {
		free(*state);
		*state = NULL;
		cpu_msg(p->err, p->errlen, "int32 PRELU is not a TFLite kernel");
		return -ENOTSUP;
	}
	return 0;
}

static int float_invoke(const struct npu_cpu_kernel_args *a, void *state)
{
	const struct lower_bcast *s = state;
	const float *x = a->inputs[0], *alpha = a->inputs[1];
	float *out = a->outputs[0];
	int32_t idx[MAX_RANK] = { 0 };
	size_t o1 = 0, o2 = 0;

	for (size_t i = 0; i < s->count; i++) {
		const float v = x[o1];

		out[i] = v >= 0.0f ? v : v * alpha[o2];
		lower_bcast_next(s, idx, &o1, &o2);
	}
	return 0;
}

static const struct cpu_kernel float_kernel = {
	.prepare = float_prepare,
	.invoke = float_invoke,
};

const struct npu_builtin_impl npu_builtin_prelu = {
	.lower = lower_prelu,
	.float_kernel = &float_kernel,
	.output_shape = lower_shape_broadcast,
};
