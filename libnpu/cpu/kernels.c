// SPDX-License-Identifier: MIT
/* The table of built-in CPU kernels, and RESHAPE (a copy). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cpu_internal.h"

struct reshape_state {
	size_t bytes;
};

int cpu_check_reshape_shape(const struct npu_graph_tensor *shape,
			    const struct npu_graph_tensor *out, char *err,
			    size_t errlen)
{
	bool inferred = false;

	/* A shape computed at run time cannot be checked here. */
	if (!shape || !shape->data || shape->is_variable)
		return 0;
	if (shape->type != NPU_TYPE_INT32 || shape->rank > 1 ||
	    shape->elements != (size_t)out->rank) {
		cpu_msg(err, errlen,
			"shape input has %zu entries, the output has rank %d",
			shape->elements, out->rank);
		return -EINVAL;
	}
	for (int i = 0; i < out->rank; i++) {
		int32_t v;

		memcpy(&v, (const uint8_t *)shape->data + 4 * (size_t)i, 4);
		if (v == -1 && !inferred) {
			inferred = true;
			continue;
		}
		if (v != out->shape[i]) {
			cpu_msg(err, errlen,
				"shape input gives %d for axis %d, the output has %d",
				v, i, out->shape[i]);
			return -EINVAL;
		}
	}
	return 0;
}

static int reshape_prepare(const struct cpu_prep *p, void **state)
{
	const struct npu_graph_tensor *in, *out;
	struct reshape_state *s;
	int ret;

	ret = cpu_need_unary(p, 2, &in, &out);
	if (ret)
		return ret;
	if (in->bytes != out->bytes || in->type != out->type) {
		cpu_msg(p->err, p->errlen,
			"input (%s, %zu bytes) and output (%s, %zu bytes) differ",
			npu_type_name(in->type), in->bytes,
			npu_type_name(out->type), out->bytes);
		return -EINVAL;
	}
	ret = cpu_check_reshape_shape(cpu_in(p->g, p->op, 1), out, p->err,
				      p->errlen);
	if (ret)
		return ret;
	s = malloc(sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->bytes = out->bytes;
	*state = s;
	return 0;
}

static int reshape_invoke(const struct npu_cpu_kernel_args *a, void *state)
{
	const struct reshape_state *s = state;

	if (a->outputs[0] != a->inputs[0])
		memmove(a->outputs[0], a->inputs[0], s->bytes);
	return 0;
}

const struct cpu_kernel cpu_kernel_reshape = {
	.builtin = NPU_BUILTIN_RESHAPE,
	.prepare = reshape_prepare,
	.invoke = reshape_invoke,
};

static const struct cpu_kernel *const kernels[] = {
	&cpu_kernel_softmax,
	&cpu_kernel_quantize,
	&cpu_kernel_dequantize,
	&cpu_kernel_svdf,
	&cpu_kernel_reshape,
	&cpu_kernel_batch_matmul,
};

const struct cpu_kernel *cpu_kernel_find(int32_t builtin)
{
	for (size_t i = 0; i < sizeof(kernels) / sizeof(kernels[0]); i++)
		if (kernels[i]->builtin == builtin)
			return kernels[i];
	return cpu_npu_kernel_find(builtin);
}
