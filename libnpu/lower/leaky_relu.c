// SPDX-License-Identifier: MIT
/*
 * LEAKY_RELU: TFLite's Prepare (leaky_relu_common.cc) lowered to the
 * firmware's command, and the float path.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "lower.h"

static int lower_leaky_relu(const struct cpu_prep *p)
{
	const struct npu_graph_op *op = p->op;
	const struct npu_graph_tensor *in, *out;
	struct npu_leaky_relu_params *l;
	struct npu_cpu_cmd *cmd;
	float alpha;
	int ret;

	ret = cpu_need_io(p, 1, 1, 1);
	if (ret)
		return ret;
	in = lower_in(p, 0);
	out = lower_out(p, 0);
	ret = lower_need_s8_s16_u8(p, in, out, "LEAKY_RELU");
	if (ret)
		return ret;
	ret = lower_need_quant_in_out(p, in, out);
	if (ret)
		return ret;
	alpha = op->options_kind == NPU_OPTS_LEAKY_RELU ?
		op->options.leaky_relu.alpha : 0.2f;
	cmd = lower_add_cmd(p, NPU_CMD_LEAKY_RELU, 0);
	if (!cmd)
		return -ENOMEM;
	l = &cmd->params.leaky_relu;
	ret = lower_set_in_out(p, &l->input, &l->output, in, out, 0, false);
	if (ret)
		return ret;
	/* leaky_relu_common.cc: both ratios in float, then widened. */
	if (npu_host_leaky_relu_params(cpu_scale(in), cpu_scale(out), alpha, l))
		return lower_bad_scale(p, "input*alpha/output");
	return 0;
}

/* ---- float ---- */

struct leaky_relu_data {
	size_t count;
	float alpha;
};

static int float_prepare(const struct cpu_prep *p, void **state)
{
	struct leaky_relu_data *s;
	int ret;

	ret = lower_float_unary_check(p);
	if (ret)
		return ret;
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->count = cpu_out(p->g, p->op, 0)->elements;
	s->alpha = p->op->options_kind == NPU_OPTS_LEAKY_RELU ?
		   p->op->options.leaky_relu.alpha : 0.2f;
	*state = s;
	return 0;
}

/* reference_ops leaky_relu.h. */
static int float_invoke(const struct npu_cpu_kernel_args *a, void *state)
{
	const struct leaky_relu_data *s = state;
	const float *in = a->inputs[0];
	float *out = a->outputs[0];

	for (size_t i = 0; i < s->count; i++) {
		const float x = in[i];

		out[i] = x > 0.0f ? x : x * s->alpha;
	}
	return 0;
}

static const struct cpu_kernel float_kernel = {
	.prepare = float_prepare,
	.invoke = float_invoke,
};

const struct npu_builtin_impl npu_builtin_leaky_relu = {
	.lower = lower_leaky_relu,
	.float_kernel = &float_kernel,
	.output_shape = lower_shape_same,
};
