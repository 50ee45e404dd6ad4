// SPDX-License-Identifier: MIT
/*
 * READ_VARIABLE and ASSIGN_VARIABLE on the CPU (read_variable.cc,
 * assign_variable.cc): copies between a resource variable and a tensor.
 * The reader has made each variable a variable tensor of the main graph
 * (input 0 of both), initialised by the model's CALL_ONCE subgraph or
 * zero, so the state lives with the model instance across invocations.
 * TFLite copies bytes: the types match, quantization is the tensors' own.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lower.h"

static int variable_prepare(const struct cpu_prep *p, void **state)
{
	const bool read = p->op->builtin == NPU_BUILTIN_READ_VARIABLE;
	const struct npu_graph_tensor *var, *val;
	size_t *bytes;
	int ret = cpu_need_io(p, read ? 1 : 2, read ? 1 : 2, read ? 1 : 0);

	if (ret)
		return ret;
	var = cpu_in(p->g, p->op, 0);
	val = read ? cpu_out(p->g, p->op, 0) : cpu_in(p->g, p->op, 1);
	if (!var->is_variable || var->type != val->type || var->bytes != val->bytes) {
		cpu_msg(p->err, p->errlen, "input 0 must be a variable of the %s's type and size",
			read ? "output" : "value");
		return -EINVAL;
	}
	bytes = malloc(sizeof(*bytes));
	if (!bytes)
		return -ENOMEM;
	*bytes = var->bytes;
	*state = bytes;
	return 0;
}

static int variable_invoke(const struct npu_cpu_kernel_args *a, void *state)
{
	const size_t *bytes = state;

	if (a->op->builtin == NPU_BUILTIN_READ_VARIABLE)
		memcpy(a->outputs[0], a->inputs[0], *bytes);
	else
		memcpy(a->inputs[0], a->inputs[1], *bytes);
	return 0;
}

static const struct cpu_kernel kernel = {
	.prepare = variable_prepare,
	.invoke = variable_invoke,
};

/* READ_VARIABLE, ASSIGN_VARIABLE: CPU only. */
const struct npu_builtin_impl npu_builtin_variable = {
	.cpu_kernel = &kernel,
};
