// SPDX-License-Identifier: MIT
/*
 * PRELU (int8, and int16 with an int8 alpha: TFLite's 16x8 form):
 * PreluPrepare's two multipliers, each ratio taken in float and widened;
 * alpha broadcast as the elementwise ops' second input; the firmware's
 * PRELU command.
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

	ret = cpu_need_io(p, 2, 2, 1);
	if (ret)
		return ret;
	in = lower_in(p, 0);
	alpha = lower_in(p, 1);
	out = lower_out(p, 0);
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


const struct npu_builtin_impl npu_builtin_prelu = {
	.lower = lower_prelu,
};
