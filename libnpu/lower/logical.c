// SPDX-License-Identifier: MIT
/*
 * LOGICAL_AND, LOGICAL_OR (with broadcast) and LOGICAL_NOT on the CPU, bool
 * tensors as TFLite's logical.cc (a bool is one byte, any non-zero true;
 * the output is 0 or 1).
 */
#include <errno.h>
#include <stdlib.h>

#include "lower.h"

static int logical_prepare(const struct cpu_prep *p, void **state)
{
	const bool unary = p->op->builtin == NPU_BUILTIN_LOGICAL_NOT;
	struct lower_bcast *s;
	int ret = cpu_need_io(p, unary ? 1 : 2, unary ? 1 : 2, 1);

	if (ret)
		return ret;
	for (uint32_t i = 0; i < p->op->num_inputs; i++)
		if (cpu_in(p->g, p->op, i)->type != NPU_TYPE_BOOL)
			goto not_bool;
	if (cpu_out(p->g, p->op, 0)->type != NPU_TYPE_BOOL)
		goto not_bool;
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->builtin = p->op->builtin;
	s->count = cpu_out(p->g, p->op, 0)->elements;
	ret = 0;
	if (unary) {
		if (cpu_in(p->g, p->op, 0)->elements != s->count) {
			cpu_msg(p->err, p->errlen, "input and output sizes differ");
			ret = -EINVAL;
		}
	} else {
		ret = lower_bcast_geometry(p, s);
	}
	if (ret) {
		free(s);
		return ret;
	}
	*state = s;
	return 0;
not_bool:
	cpu_msg(p->err, p->errlen, "%s needs bool tensors", npu_op_name(p->op->builtin));
	return -EINVAL;
}

static int logical_invoke(const struct npu_cpu_kernel_args *a, void *state)
{
	const struct lower_bcast *s = state;
	const uint8_t *x = a->inputs[0];
	uint8_t *out = a->outputs[0];
	int32_t idx[MAX_RANK] = { 0 };
	size_t o1 = 0, o2 = 0;

	if (s->builtin == NPU_BUILTIN_LOGICAL_NOT) {
		for (size_t i = 0; i < s->count; i++)
			out[i] = !x[i];
		return 0;
	}
	for (size_t i = 0; i < s->count; i++) {
		const bool l = x[o1], r = ((const uint8_t *)a->inputs[1])[o2];

		out[i] = s->builtin == NPU_BUILTIN_LOGICAL_AND ? l && r : l || r;
		lower_bcast_next(s, idx, &o1, &o2);
	}
	return 0;
}

static const struct cpu_kernel kernel = {
	.prepare = logical_prepare,
	.invoke = logical_invoke,
};

/* LOGICAL_AND, LOGICAL_OR, LOGICAL_NOT: CPU only (bool). */
/* LOGICAL_NOT keeps its input's shape; AND and OR broadcast. */
static int logical_shape(const struct npu_graph *g, const struct npu_graph_op *op,
			 uint32_t o, int32_t *dims)
{
	return op->builtin == NPU_BUILTIN_LOGICAL_NOT ? lower_shape_same(g, op, o, dims) :
	       lower_shape_broadcast(g, op, o, dims);
}

const struct npu_builtin_impl npu_builtin_logical = {
	.cpu_kernel = &kernel,
	.output_shape = logical_shape,
};
