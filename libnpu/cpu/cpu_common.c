// SPDX-License-Identifier: MIT
/* Helpers shared by the CPU kernels' prepare steps. */
#include <errno.h>
#include <stdio.h>

#include "cpu_internal.h"
#include "../../firmware/host/npu_fw_host.h"

static const struct npu_graph_tensor *tensor_at(const struct npu_graph *g,
					  int32_t t)
{
	if (t < 0 || (uint32_t)t >= g->num_tensors)
		return NULL;
	return &g->tensors[t];
}

const struct npu_graph_tensor *cpu_in(const struct npu_graph *g,
				const struct npu_graph_op *op, uint32_t i)
{
	return i < op->num_inputs ? tensor_at(g, op->inputs[i]) : NULL;
}

const struct npu_graph_tensor *cpu_out(const struct npu_graph *g,
				 const struct npu_graph_op *op, uint32_t i)
{
	return i < op->num_outputs ? tensor_at(g, op->outputs[i]) : NULL;
}

float cpu_scale(const struct npu_graph_tensor *t)
{
	return t && t->quant.count ? t->quant.scale[0] : 1.0f;
}

int32_t cpu_zero_point(const struct npu_graph_tensor *t)
{
	return t && t->quant.count ? t->quant.zero_point[0] : 0;
}

int cpu_need_io(const struct cpu_prep *p, uint32_t min_in, uint32_t max_in,
		uint32_t outs)
{
	const struct npu_graph_op *op = p->op;

	if (op->num_inputs < min_in || op->num_inputs > max_in) {
		if (min_in == max_in)
			cpu_msg(p->err, p->errlen, "has %u inputs, expected %u",
				op->num_inputs, min_in);
		else
			cpu_msg(p->err, p->errlen,
				"has %u inputs, expected %u to %u",
				op->num_inputs, min_in, max_in);
		return -EINVAL;
	}
	if (op->num_outputs != outs) {
		cpu_msg(p->err, p->errlen, "has %u outputs, expected %u",
			op->num_outputs, outs);
		return -EINVAL;
	}
	for (uint32_t i = 0; i < min_in; i++) {
		if (!cpu_in(p->g, op, i)) {
			cpu_msg(p->err, p->errlen, "input %u is missing", i);
			return -EINVAL;
		}
	}
	for (uint32_t i = 0; i < outs; i++) {
		if (!cpu_out(p->g, op, i)) {
			cpu_msg(p->err, p->errlen, "output %u is missing", i);
			return -EINVAL;
		}
	}
	return 0;
}

int cpu_need_unary(const struct cpu_prep *p, uint32_t max_in,
		   const struct npu_graph_tensor **in,
		   const struct npu_graph_tensor **out)
{
	int ret = cpu_need_io(p, 1, max_in, 1);

	if (ret)
		return ret;
	*in = cpu_in(p->g, p->op, 0);
	*out = cpu_out(p->g, p->op, 0);
	return 0;
}

int cpu_need_type(const struct cpu_prep *p, const struct npu_graph_tensor *t,
		  const char *what, enum npu_type type)
{
	if (t->type == type)
		return 0;
	cpu_msg(p->err, p->errlen, "%s is %s, expected %s", what,
		npu_type_name(t->type), npu_type_name(type));
	return -ENOTSUP;
}

int cpu_quantize_multiplier(const struct cpu_prep *p, const char *what,
			    double real, int32_t *multiplier, int *shift)
{
	if (!npu_host_quantize_multiplier(real, multiplier, shift))
		return 0;
	cpu_msg(p->err, p->errlen,
		"%s: effective scale %s = %g is not a positive finite number",
		npu_op_name(p->op->builtin), what, real);
	return -EINVAL;
}
