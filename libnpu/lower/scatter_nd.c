// SPDX-License-Identifier: MIT
/*
 * SCATTER_ND on the CPU, as TFLite's scatter_nd.cc: a zero output of the
 * constant shape (input 2), into which each slice of the updates (float32,
 * int8, uint8, int32, int64, bool) is added at the position its row of
 * int32 indices names; duplicates add up (integers wrap, bools OR).  An
 * index outside its axis fails the run, as TFLite's ("scatter_nd index
 * out of bounds"; one past an axis whose flat offset would still land
 * inside too).  A shape computed at run time must equal the stored
 * output shape (the runtime does not resize outputs).  The indices are
 * data: no NPU command.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lower.h"

struct scatter_state {
	enum npu_type type;
	size_t slices, slice, nd, es, out_elems;
	int32_t out_rank, out_shape[MAX_RANK];
	size_t stride[MAX_RANK];	/* elements per step of index axis i */
};

static int scatter_prepare(const struct cpu_prep *p, void **state)
{
	const struct npu_graph_tensor *idx, *upd, *shape, *out;
	struct scatter_state *s;
	int ret = cpu_need_io(p, 3, 3, 1);
	int outer, nd;

	if (ret)
		return ret;
	idx = lower_in(p, 0);
	upd = lower_in(p, 1);
	shape = lower_in(p, 2);
	out = lower_out(p, 0);
	switch (upd->type) {
	case NPU_TYPE_FLOAT32: case NPU_TYPE_INT8: case NPU_TYPE_UINT8:
	case NPU_TYPE_INT32: case NPU_TYPE_INT64: case NPU_TYPE_BOOL:
		break;
	default:
		cpu_msg(p->err, p->errlen, "%s SCATTER_ND is not supported",
			npu_type_name(upd->type));
		return -ENOTSUP;
	}
	ret = cpu_need_type(p, idx, "indices", NPU_TYPE_INT32);
	if (!ret)
		ret = cpu_need_type(p, shape, "shape", NPU_TYPE_INT32);
	if (!ret)
		ret = cpu_need_type(p, out, "output", upd->type);
	if (ret)
		return ret;
	if (idx->rank < 1 || upd->rank < 1 || shape->rank != 1 ||
	    shape->shape[0] != out->rank)
		return lower_fail(p, "indices, updates of rank >= 1 and a 1-D shape of the output's rank");
	outer = idx->rank - 1;
	nd = idx->shape[outer];
	for (int i = 0; i < outer; i++)
		if (i >= upd->rank || idx->shape[i] != upd->shape[i])
			return lower_fail(p, "indices axis %d differs from the updates'", i);
	if (nd > out->rank || upd->rank - outer != out->rank - nd)
		return lower_fail(p, "index depth %d and updates of rank %d for an output of rank %d",
				  nd, upd->rank, out->rank);
	for (int i = 0; i + outer < upd->rank; i++)
		if (upd->shape[i + outer] != out->shape[nd + i])
			return lower_fail(p, "updates axis %d differs from the output's", i + outer);
	if (shape->data)
		for (int i = 0; i < out->rank; i++)
			if (((const int32_t *)shape->data)[i] != out->shape[i])
				return lower_fail(p, "shape[%d] = %d, the output's is %d", i,
						  ((const int32_t *)shape->data)[i], out->shape[i]);
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->type = upd->type;
	s->es = npu_type_size(upd->type);
	s->nd = (size_t)nd;
	s->slices = 1;
	for (int i = 0; i < outer; i++)
		s->slices *= (size_t)idx->shape[i];
	s->slice = 1;
	for (int i = outer; i < upd->rank; i++)
		s->slice *= (size_t)upd->shape[i];
	s->out_elems = out->elements;
	s->out_rank = out->rank;
	memcpy(s->out_shape, out->shape, sizeof(s->out_shape));
	for (int i = nd - 1; i >= 0; i--)
		s->stride[i] = i == nd - 1 ? s->slice : s->stride[i + 1] * (size_t)out->shape[i + 1];
	*state = s;
	return 0;
}

static void scatter_add(enum npu_type type, uint8_t *o, const uint8_t *u, size_t n)
{
	for (size_t j = 0; j < n; j++) {
		switch (type) {
		case NPU_TYPE_FLOAT32:
			((float *)o)[j] += ((const float *)u)[j];
			break;
		case NPU_TYPE_INT8:
			((int8_t *)o)[j] = (int8_t)(uint8_t)((uint8_t)((int8_t *)o)[j] +
							     (uint8_t)((const int8_t *)u)[j]);
			break;
		case NPU_TYPE_UINT8:
			o[j] = (uint8_t)(o[j] + u[j]);
			break;
		case NPU_TYPE_INT32:
			((int32_t *)o)[j] = (int32_t)((uint32_t)((int32_t *)o)[j] +
						      (uint32_t)((const int32_t *)u)[j]);
			break;
		case NPU_TYPE_INT64:
			((int64_t *)o)[j] = (int64_t)((uint64_t)((int64_t *)o)[j] +
						      (uint64_t)((const int64_t *)u)[j]);
			break;
		default:	/* bool */
			o[j] = o[j] || u[j];
			break;
		}
	}
}

static int scatter_invoke(const struct npu_cpu_kernel_args *a, void *state)
{
	const struct scatter_state *s = state;
	const int32_t *idx = a->inputs[0];
	const int32_t *shape = a->inputs[2];
	uint8_t *out = a->outputs[0];

	for (int i = 0; i < s->out_rank; i++)
		if (shape[i] != s->out_shape[i]) {
			cpu_msg(a->err, a->errlen, "shape[%d] = %d, the output holds %d (outputs are not resized)",
				i, shape[i], s->out_shape[i]);
			return -EINVAL;
		}
	if (s->out_elems)
		memset(out, 0, s->out_elems * s->es);
	for (size_t i = 0; i < s->slices; i++) {
		int64_t pos = 0;

		for (size_t j = 0; j < s->nd; j++) {
			const int32_t k = idx[i * s->nd + j];

			if (k < 0 || k >= s->out_shape[j]) {
				cpu_msg(a->err, a->errlen, "index %d of row %zu is outside axis %zu (%d)",
					k, i, j, s->out_shape[j]);
				return -EINVAL;
			}
			pos += (int64_t)k * (int64_t)s->stride[j];
		}
		scatter_add(s->type, out + (size_t)pos * s->es,
			    (const uint8_t *)a->inputs[1] + i * s->slice * s->es, s->slice);
	}
	return 0;
}

static const struct cpu_kernel scatter_kernel = {
	.prepare = scatter_prepare,
	.invoke = scatter_invoke,
};

/* The constant shape input. */
static int scatter_shape(const struct npu_graph *g, const struct npu_graph_op *op, uint32_t o,
			 int32_t *dims)
{
	const int32_t *v;
	size_t n;

	v = lower_shape_ints(cpu_in(g, op, 2), &n);
	if (o || !v || !n)
		return -1;
	memcpy(dims, v, sizeof(dims[0]) * n);
	return (int)n;
}

const struct npu_builtin_impl npu_builtin_scatter_nd = {
	.cpu_kernel = &scatter_kernel,
	.output_shape = scatter_shape,
};
