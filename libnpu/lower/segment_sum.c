// SPDX-License-Identifier: MIT
/*
 * SEGMENT_SUM on the CPU, as TFLite's segment_sum.cc: float32 or int32
 * data, 1-D int32 segment ids, one per row of the data, starting at 0 and
 * each one equal to the one before or one more (else the run fails, as in
 * TFLite); output row k is the sum of the data rows of id k, in order.
 * The output's first dimension is the last id + 1: data TFLite resizes
 * the output to.  This runtime does not resize outputs: constant ids give
 * it at compile time (the stored shape must agree), ids computed at run
 * time must give the stored first dimension, else the run fails naming
 * both (Documentation/cpu-fallback.rst).  No NPU command.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lower.h"

struct segment_sum_state {
	bool is_float;
	size_t rows, row_elems, segments;
};

/* -1 unless @ids (of @n) start at 0 and step by 0 or 1; else the last id. */
static int64_t segment_last(const int32_t *ids, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (i ? ids[i] != ids[i - 1] && ids[i] != (int64_t)ids[i - 1] + 1 : ids[i] != 0)
			return -1;
	return n ? ids[n - 1] : -1;
}

static int segment_sum_prepare(const struct cpu_prep *p, void **state)
{
	const struct npu_graph_tensor *data, *ids, *out;
	struct segment_sum_state *s;
	int ret = cpu_need_io(p, 2, 2, 1);

	if (ret)
		return ret;
	data = lower_in(p, 0);
	ids = lower_in(p, 1);
	out = lower_out(p, 0);
	if (data->type != NPU_TYPE_FLOAT32 && data->type != NPU_TYPE_INT32) {
		cpu_msg(p->err, p->errlen, "%s SEGMENT_SUM is not supported (float32, int32)",
			npu_type_name(data->type));
		return -ENOTSUP;
	}
	ret = cpu_need_type(p, ids, "segment_ids", NPU_TYPE_INT32);
	if (!ret)
		ret = cpu_need_type(p, out, "output", data->type);
	if (ret)
		return ret;
	if (data->rank < 1 || ids->rank != 1 || ids->shape[0] != data->shape[0])
		return lower_fail(p, "needs 1-D segment_ids, one per row of the data");
	if (out->rank != data->rank)
		return lower_fail(p, "output of rank %d for data of rank %d", out->rank,
				  data->rank);
	for (int i = 1; i < data->rank; i++)
		if (out->shape[i] != data->shape[i])
			return lower_fail(p, "output axis %d differs from the data's", i);
	if (ids->data) {
		const int64_t last = segment_last(ids->data, ids->elements);

		if (last < 0 && ids->elements)
			return lower_fail(p, "segment_ids do not start at 0 and step by 0 or 1");
		if (last + 1 != out->shape[0])
			return lower_fail(p, "segment_ids make %lld segments, the output has %d",
					  (long long)(last + 1), out->shape[0]);
	}
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->is_float = data->type == NPU_TYPE_FLOAT32;
	s->rows = ids->elements;
	s->segments = (size_t)out->shape[0];
	s->row_elems = 1;
	for (int i = 1; i < data->rank; i++)
		s->row_elems *= (size_t)data->shape[i];
	*state = s;
	return 0;
}

static int segment_sum_invoke(const struct npu_cpu_kernel_args *a, void *state)
{
	const struct segment_sum_state *s = state;
	const int32_t *ids = a->inputs[1];
	const int64_t last = segment_last(ids, s->rows);

	if (last < 0 && s->rows) {
		cpu_msg(a->err, a->errlen, "segment_ids do not start at 0 and step by 0 or 1");
		return -EINVAL;
	}
	if ((uint64_t)(last + 1) != s->segments) {
		cpu_msg(a->err, a->errlen,
			"segment_ids make %lld segments, the output holds %zu (its shape depends on the data; outputs are not resized)",
			(long long)(last + 1), s->segments);
		return -EINVAL;
	}
	if (s->segments && s->row_elems)
		memset(a->outputs[0], 0, s->segments * s->row_elems * 4);
	for (size_t i = 0; i < s->rows; i++) {
		const size_t o = (size_t)ids[i] * s->row_elems, in = i * s->row_elems;

		for (size_t j = 0; j < s->row_elems; j++) {
			if (s->is_float) {
				((float *)a->outputs[0])[o + j] += ((const float *)a->inputs[0])[in + j];
			} else {
				int32_t *d = &((int32_t *)a->outputs[0])[o + j];

				*d = (int32_t)((uint32_t)*d + (uint32_t)((const int32_t *)a->inputs[0])[in + j]);
			}
		}
	}
	return 0;
}

static const struct cpu_kernel segment_sum_kernel = {
	.prepare = segment_sum_prepare,
	.invoke = segment_sum_invoke,
};

/* The data's shape with as many rows as constant, sorted ids make segments. */
static int segment_sum_shape(const struct npu_graph *g, const struct npu_graph_op *op,
			     uint32_t o, int32_t *dims)
{
	const struct npu_graph_tensor *data = cpu_in(g, op, 0), *ids = cpu_in(g, op, 1);
	int64_t last;

	if (o || !data || data->rank < 1 || !ids || !ids->data || ids->is_variable ||
	    ids->type != NPU_TYPE_INT32 || !ids->elements)
		return -1;
	last = segment_last(ids->data, ids->elements);
	if (last < 0 || last >= INT32_MAX)
		return -1;
	memcpy(dims, data->shape, sizeof(dims[0]) * (size_t)data->rank);
	dims[0] = (int32_t)(last + 1);
	return data->rank;
}

const struct npu_builtin_impl npu_builtin_segment_sum = {
	.cpu_kernel = &segment_sum_kernel,
	.output_shape = segment_sum_shape,
};
