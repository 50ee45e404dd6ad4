// SPDX-License-Identifier: MIT
/*
 * UNSORTED_SEGMENT_SUM / _PROD / _MAX / _MIN on the CPU, as TFLite's
 * unsorted_segment.cc: float32 or int32 data, int32 segment ids whose
 * shape is a prefix of the data's, an int32 num_segments; the output is
 * [num_segments] + the data's shape after the ids' rank.  Every output
 * element starts at the operation's identity (0, 1, the type's lowest,
 * its highest), then each data row folds into the row its id names, in
 * order; a negative id drops its row, an id >= num_segments fails the run
 * (TFLite's Eval), or the compilation for constant ids (its Prepare).
 * int32 sums and products wrap; max and min are std::max / std::min (a
 * NaN already there stays, a NaN row is skipped).
 * The ids are data: no NPU command.  A num_segments computed at run time
 * must equal the output's stored first dimension (the runtime does not
 * resize outputs).
 */
#include <errno.h>
#include <float.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "lower.h"

struct useg_state {
	int32_t builtin;
	bool is_float;
	size_t rows, row_elems, num_segments;
};

static int useg_prepare(const struct cpu_prep *p, void **state)
{
	const struct npu_graph_tensor *data, *ids, *num, *out;
	struct useg_state *s;
	int ret = cpu_need_io(p, 3, 3, 1);

	if (ret)
		return ret;
	data = lower_in(p, 0);
	ids = lower_in(p, 1);
	num = lower_in(p, 2);
	out = lower_out(p, 0);
	if (data->type != NPU_TYPE_FLOAT32 && data->type != NPU_TYPE_INT32) {
		cpu_msg(p->err, p->errlen, "%s %s is not supported (float32, int32)",
			npu_type_name(data->type), npu_op_name(p->op->builtin));
		return -ENOTSUP;
	}
	ret = cpu_need_type(p, ids, "segment_ids", NPU_TYPE_INT32);
	if (!ret)
		ret = cpu_need_type(p, num, "num_segments", NPU_TYPE_INT32);
	if (!ret)
		ret = cpu_need_type(p, out, "output", data->type);
	if (ret)
		return ret;
	if (num->elements != 1 || num->rank > 1)
		return lower_fail(p, "num_segments must be a scalar or [1]");
	if (ids->rank < 1 || ids->rank > data->rank)
		return lower_fail(p, "segment_ids of rank %d for data of rank %d",
				  ids->rank, data->rank);
	for (int i = 0; i < ids->rank; i++)
		if (ids->shape[i] != data->shape[i])
			return lower_fail(p, "segment_ids axis %d (%d) differs from the data's (%d)",
					  i, ids->shape[i], data->shape[i]);
	if (out->rank != data->rank - ids->rank + 1)
		return lower_fail(p, "output of rank %d, want %d", out->rank,
				  data->rank - ids->rank + 1);
	for (int i = ids->rank; i < data->rank; i++)
		if (out->shape[i - ids->rank + 1] != data->shape[i])
			return lower_fail(p, "output axis %d differs from the data's",
					  i - ids->rank + 1);
	if (num->data) {
		const int32_t n = *(const int32_t *)num->data;

		if (n < 0 || n != out->shape[0])
			return lower_fail(p, "num_segments %d for an output of %d segments",
					  n, out->shape[0]);
	}
	/* Constant ids: TFLite's Prepare checks them. */
	for (size_t i = 0; ids->data && i < ids->elements; i++)
		if (((const int32_t *)ids->data)[i] >= out->shape[0])
			return lower_fail(p, "segment id %d is not below num_segments %d",
					  ((const int32_t *)ids->data)[i], out->shape[0]);
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->builtin = p->op->builtin;
	s->is_float = data->type == NPU_TYPE_FLOAT32;
	s->rows = ids->elements;
	s->num_segments = (size_t)out->shape[0];
	s->row_elems = 1;
	for (int i = ids->rank; i < data->rank; i++)
		s->row_elems *= (size_t)data->shape[i];
	*state = s;
	return 0;
}

static float useg_float(int32_t builtin, float a, float b)
{
	switch (builtin) {
	case NPU_BUILTIN_UNSORTED_SEGMENT_SUM:
		return a + b;
	case NPU_BUILTIN_UNSORTED_SEGMENT_PROD:
		return a * b;
	case NPU_BUILTIN_UNSORTED_SEGMENT_MAX:
		return a < b ? b : a;		/* std::max(a, b) */
	default:
		return b < a ? b : a;		/* std::min(a, b) */
	}
}

static int32_t useg_int(int32_t builtin, int32_t a, int32_t b)
{
	switch (builtin) {
	case NPU_BUILTIN_UNSORTED_SEGMENT_SUM:
		return (int32_t)((uint32_t)a + (uint32_t)b);
	case NPU_BUILTIN_UNSORTED_SEGMENT_PROD:
		return (int32_t)((uint32_t)a * (uint32_t)b);
	case NPU_BUILTIN_UNSORTED_SEGMENT_MAX:
		return a < b ? b : a;
	default:
		return b < a ? b : a;
	}
}

static int useg_invoke(const struct npu_cpu_kernel_args *a, void *state)
{
	const struct useg_state *s = state;
	const int32_t *ids = a->inputs[1];
	const int32_t num = *(const int32_t *)a->inputs[2];
	const size_t n = s->num_segments * s->row_elems;

	if (num < 0 || (size_t)num != s->num_segments) {
		cpu_msg(a->err, a->errlen,
			"num_segments %d for an output of %zu segments (outputs are not resized)",
			num, s->num_segments);
		return -EINVAL;
	}
	for (size_t i = 0; i < s->rows; i++)
		if (ids[i] >= num) {
			cpu_msg(a->err, a->errlen, "segment id %d of row %zu is not below num_segments %d",
				ids[i], i, num);
			return -EINVAL;
		}
	if (s->is_float) {
		const float *in = a->inputs[0];
		float *out = a->outputs[0];
		const float init = s->builtin == NPU_BUILTIN_UNSORTED_SEGMENT_SUM ? 0.0f :
			s->builtin == NPU_BUILTIN_UNSORTED_SEGMENT_PROD ? 1.0f :
			s->builtin == NPU_BUILTIN_UNSORTED_SEGMENT_MAX ? -FLT_MAX : FLT_MAX;

		for (size_t j = 0; j < n; j++)
			out[j] = init;
		for (size_t i = 0; i < s->rows; i++) {
			if (ids[i] < 0)
				continue;
			for (size_t j = 0; j < s->row_elems; j++) {
				float *o = &out[(size_t)ids[i] * s->row_elems + j];

				*o = useg_float(s->builtin, *o, in[i * s->row_elems + j]);
			}
		}
	} else {
		const int32_t *in = a->inputs[0];
		int32_t *out = a->outputs[0];
		const int32_t init = s->builtin == NPU_BUILTIN_UNSORTED_SEGMENT_SUM ? 0 :
			s->builtin == NPU_BUILTIN_UNSORTED_SEGMENT_PROD ? 1 :
			s->builtin == NPU_BUILTIN_UNSORTED_SEGMENT_MAX ? INT32_MIN : INT32_MAX;

		for (size_t j = 0; j < n; j++)
			out[j] = init;
		for (size_t i = 0; i < s->rows; i++) {
			if (ids[i] < 0)
				continue;
			for (size_t j = 0; j < s->row_elems; j++) {
				int32_t *o = &out[(size_t)ids[i] * s->row_elems + j];

				*o = useg_int(s->builtin, *o, in[i * s->row_elems + j]);
			}
		}
	}
	return 0;
}

static const struct cpu_kernel useg_kernel = {
	.prepare = useg_prepare,
	.invoke = useg_invoke,
};

/* [num_segments (a constant), the data's axes past the segment ids']. */
static int useg_shape(const struct npu_graph *g, const struct npu_graph_op *op, uint32_t o,
		      int32_t *dims)
{
	const struct npu_graph_tensor *data = cpu_in(g, op, 0), *ids = cpu_in(g, op, 1);
	const int32_t *v;
	size_t n;

	v = lower_shape_ints(cpu_in(g, op, 2), &n);
	if (o || !data || !v || n != 1 || !ids || ids->rank < 1 || ids->rank > data->rank)
		return -1;
	dims[0] = v[0];
	memcpy(dims + 1, data->shape + ids->rank,
	       sizeof(dims[0]) * (size_t)(data->rank - ids->rank));
	return data->rank - ids->rank + 1;
}

const struct npu_builtin_impl npu_builtin_unsorted_segment = {
	.cpu_kernel = &useg_kernel,
	.output_shape = useg_shape,
};
