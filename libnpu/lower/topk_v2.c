// SPDX-License-Identifier: MIT
/*
 * TOPK_V2 on the CPU, as TFLite's topk_v2.cc: the k largest elements of
 * each row (the last axis) of a float32, int8, uint8, int16, int32 or
 * int64 input, largest first, with their indices (int32, or int16 where
 * the file asks for it); equal values keep their order in the row (the
 * lower index first), which is TFLite's comparator, so any sort by (value
 * descending, index ascending) gives its bytes.  k is a constant; one
 * computed at run time must equal the stored last dimension of the
 * outputs (the runtime does not resize them).  NaN inputs are outside
 * this order (TFLite's heap then gives an order of its own): not
 * reproduced.  No NPU command.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lower.h"

struct topk_entry {
	int64_t iv;
	double fv;
	int32_t index;
};

struct topk_state {
	enum npu_type type, index_type;
	size_t rows, depth, k, es;
	struct topk_entry *row;		/* depth entries */
};

static int topk_cmp_int(const void *x, const void *y)
{
	const struct topk_entry *a = x, *b = y;

	if (a->iv != b->iv)
		return a->iv > b->iv ? -1 : 1;
	return a->index < b->index ? -1 : a->index > b->index;
}

static int topk_cmp_float(const void *x, const void *y)
{
	const struct topk_entry *a = x, *b = y;

	if (a->fv > b->fv)
		return -1;
	if (a->fv < b->fv)
		return 1;
	return a->index < b->index ? -1 : a->index > b->index;
}

static void topk_release(void *state)
{
	struct topk_state *s = state;

	if (s)
		free(s->row);
	free(s);
}

static int topk_prepare(const struct cpu_prep *p, void **state)
{
	const struct npu_graph_tensor *in, *k, *values, *indices;
	struct topk_state *s;
	int ret = cpu_need_io(p, 2, 2, 2);

	if (ret)
		return ret;
	in = lower_in(p, 0);
	k = lower_in(p, 1);
	values = lower_out(p, 0);
	indices = lower_out(p, 1);
	switch (in->type) {
	case NPU_TYPE_FLOAT32: case NPU_TYPE_INT8: case NPU_TYPE_UINT8:
	case NPU_TYPE_INT16: case NPU_TYPE_INT32: case NPU_TYPE_INT64:
		break;
	default:
		cpu_msg(p->err, p->errlen, "%s TOPK_V2 is not supported", npu_type_name(in->type));
		return -ENOTSUP;
	}
	ret = cpu_need_type(p, k, "k", NPU_TYPE_INT32);
	if (!ret)
		ret = cpu_need_type(p, values, "values", in->type);
	if (ret)
		return ret;
	if (indices->type != NPU_TYPE_INT32 && indices->type != NPU_TYPE_INT16)
		return lower_fail(p, "%s indices (int32 or int16)", npu_type_name(indices->type));
	if (k->elements != 1)
		return lower_fail(p, "k has %zu elements", k->elements);
	if (in->rank < 1 || values->rank != in->rank || indices->rank != in->rank)
		return lower_fail(p, "input of rank %d, outputs of rank %d and %d", in->rank,
				  values->rank, indices->rank);
	for (int i = 0; i < in->rank; i++)
		if (values->shape[i] != indices->shape[i] ||
		    (i < in->rank - 1 && values->shape[i] != in->shape[i]))
			return lower_fail(p, "output axis %d differs", i);
	if (values->shape[in->rank - 1] > in->shape[in->rank - 1])
		return lower_fail(p, "k (%d) is higher than the last dimension (%d)",
				  values->shape[in->rank - 1], in->shape[in->rank - 1]);
	if (k->data && *(const int32_t *)k->data != values->shape[in->rank - 1])
		return lower_fail(p, "k %d for outputs of %d", *(const int32_t *)k->data,
				  values->shape[in->rank - 1]);
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->type = in->type;
	s->index_type = indices->type;
	s->es = npu_type_size(in->type);
	s->depth = (size_t)in->shape[in->rank - 1];
	s->rows = s->depth ? in->elements / s->depth : 0;
	s->k = (size_t)values->shape[in->rank - 1];
	s->row = calloc(s->depth ? s->depth : 1, sizeof(*s->row));
	if (!s->row) {
		free(s);
		return -ENOMEM;
	}
	*state = s;
	return 0;
}

static int topk_invoke(const struct npu_cpu_kernel_args *a, void *state)
{
	struct topk_state *s = state;
	const int32_t k = *(const int32_t *)a->inputs[1];
	const uint8_t *in = a->inputs[0];
	uint8_t *values = a->outputs[0];

	if (k < 0 || (size_t)k != s->k) {
		cpu_msg(a->err, a->errlen, "k %d for outputs of %zu (outputs are not resized)",
			k, s->k);
		return -EINVAL;
	}
	for (size_t r = 0; r < s->rows; r++) {
		const uint8_t *row = in + r * s->depth * s->es;

		for (size_t i = 0; i < s->depth; i++) {
			s->row[i].index = (int32_t)i;
			if (s->type == NPU_TYPE_FLOAT32)
				s->row[i].fv = ((const float *)row)[i];
			else
				s->row[i].iv = lower_load_int(row, s->type, i);
		}
		qsort(s->row, s->depth, sizeof(*s->row),
		      s->type == NPU_TYPE_FLOAT32 ? topk_cmp_float : topk_cmp_int);
		for (size_t i = 0; i < s->k; i++) {
			const size_t o = r * s->k + i;

			memcpy(values + o * s->es, row + (size_t)s->row[i].index * s->es, s->es);
			if (s->index_type == NPU_TYPE_INT32)
				((int32_t *)a->outputs[1])[o] = s->row[i].index;
			else
				((int16_t *)a->outputs[1])[o] = (int16_t)s->row[i].index;
		}
	}
	return 0;
}

static const struct cpu_kernel topk_kernel = {
	.prepare = topk_prepare,
	.invoke = topk_invoke,
	.release = topk_release,
};

/* Values and indices: the input's shape with k (a constant) last. */
static int topk_shape(const struct npu_graph *g, const struct npu_graph_op *op, uint32_t o,
		      int32_t *dims)
{
	const struct npu_graph_tensor *in = cpu_in(g, op, 0);
	const int32_t *k;
	size_t n;

	k = lower_shape_ints(cpu_in(g, op, 1), &n);
	if (o > 1 || !in || !k || n != 1 || in->rank < 1)
		return -1;
	memcpy(dims, in->shape, sizeof(dims[0]) * (size_t)in->rank);
	dims[in->rank - 1] = k[0];
	return in->rank;
}

const struct npu_builtin_impl npu_builtin_topk_v2 = {
	.cpu_kernel = &topk_kernel,
	.output_shape = topk_shape,
};
