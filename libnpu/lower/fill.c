// SPDX-License-Identifier: MIT
/*
 * FILL, ZEROS_LIKE and SHAPE on the CPU (fill.cc, zeros_like.cc,
 * shape.cc): FILL repeats its scalar value tensor over the output (any
 * fixed-size type; the value has the output's type, so a quantized value
 * is copied as it is), ZEROS_LIKE writes zeros of the input's shape,
 * SHAPE the input's dimensions as int32 or int64.  The output shape is the
 * one the file gives (FILL's dims input is read by TFLite's Prepare only to
 * size it).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lower.h"

struct fill_data {
	int32_t builtin;
	size_t count, esize;
	int rank;
	int32_t dims[MAX_RANK];
};

static int fill_prepare(const struct cpu_prep *p, void **state)
{
	const struct npu_graph_tensor *in, *out;
	struct fill_data *s;
	int ret = cpu_need_io(p, p->op->builtin == NPU_BUILTIN_FILL ? 2 : 1,
			      p->op->builtin == NPU_BUILTIN_FILL ? 2 : 1, 1);

	if (ret)
		return ret;
	in = cpu_in(p->g, p->op, p->op->builtin == NPU_BUILTIN_FILL ? 1 : 0);
	out = cpu_out(p->g, p->op, 0);
	switch (p->op->builtin) {
	case NPU_BUILTIN_FILL:
		if (in->type != out->type || in->elements != 1 || !npu_type_size(out->type)) {
			cpu_msg(p->err, p->errlen, "FILL's value must be one element of the output's type");
			return -EINVAL;
		}
		break;
	case NPU_BUILTIN_ZEROS_LIKE:
		if (in->type != out->type || in->elements != out->elements ||
		    !npu_type_size(out->type)) {
			cpu_msg(p->err, p->errlen, "ZEROS_LIKE's output must be its input's type and size");
			return -EINVAL;
		}
		break;
	default:
		if ((out->type != NPU_TYPE_INT32 && out->type != NPU_TYPE_INT64) ||
		    out->elements != (size_t)in->rank || in->rank > MAX_RANK) {
			cpu_msg(p->err, p->errlen, "SHAPE needs an int32 or int64 output of the input's rank");
			return -EINVAL;
		}
		break;
	}
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->builtin = p->op->builtin;
	s->count = out->elements;
	s->esize = npu_type_size(out->type);
	s->rank = in->rank;
	if (p->op->builtin == NPU_BUILTIN_SHAPE)
		memcpy(s->dims, in->shape, (size_t)in->rank * sizeof(int32_t));
	*state = s;
	return 0;
}

static int fill_invoke(const struct npu_cpu_kernel_args *a, void *state)
{
	const struct fill_data *s = state;
	uint8_t *out = a->outputs[0];

	switch (s->builtin) {
	case NPU_BUILTIN_FILL:
		for (size_t i = 0; i < s->count; i++)
			memcpy(out + i * s->esize, a->inputs[1], s->esize);
		break;
	case NPU_BUILTIN_ZEROS_LIKE:
		/* All-zero bytes are zero in every type (0.0f included). */
		memset(out, 0, s->count * s->esize);
		break;
	default:
		for (int d = 0; d < s->rank; d++) {
			if (s->esize == 8)
				((int64_t *)a->outputs[0])[d] = s->dims[d];
			else
				((int32_t *)a->outputs[0])[d] = s->dims[d];
		}
		break;
	}
	return 0;
}

static const struct cpu_kernel kernel = {
	.prepare = fill_prepare,
	.invoke = fill_invoke,
};

/* FILL, ZEROS_LIKE, SHAPE: CPU only. */
/* ZEROS_LIKE is its input's shape (FILL's and SHAPE's are stored). */
static int fill_shape(const struct npu_graph *g, const struct npu_graph_op *op,
		      uint32_t o, int32_t *dims)
{
	return op->builtin == NPU_BUILTIN_ZEROS_LIKE ? lower_shape_same(g, op, o, dims) : -1;
}

const struct npu_builtin_impl npu_builtin_fill = {
	.cpu_kernel = &kernel,
	.output_shape = fill_shape,
};
