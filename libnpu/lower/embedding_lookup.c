// SPDX-License-Identifier: MIT
/*
 * EMBEDDING_LOOKUP on the CPU, as TFLite's kernel (embedding_lookup.cc):
 * output row i is row ids[i] of the value tensor (its first axis), the
 * other axes flattened into one row.  Same-type rows are copied (float32,
 * int8, uint8, int32...: any element size); int8 values with a float32
 * output are the hybrid form, each element times the value's scale (in
 * double, then rounded to float, as TFLite's EvalHybrid), one scale or one
 * per row.  The ids are data, so there is no NPU command; an id outside
 * the rows fails the run, as in TFLite.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lower.h"

struct embedding_state {
	size_t ids, rows, row_elems, es;
	bool hybrid;
	const float *scales;	/* hybrid: per row, else NULL */
	float scale;
};

static int embedding_prepare(const struct cpu_prep *p, void **state)
{
	const struct npu_graph_tensor *ids, *value, *out;
	struct embedding_state *s;
	int ret = cpu_need_io(p, 2, 2, 1);

	if (ret)
		return ret;
	ids = lower_in(p, 0);
	value = lower_in(p, 1);
	out = lower_out(p, 0);
	ret = cpu_need_type(p, ids, "lookup", NPU_TYPE_INT32);
	if (ret)
		return ret;
	if (ids->rank != 1 || value->rank < 2 || out->rank != value->rank ||
	    out->shape[0] != ids->shape[0])
		return lower_fail(p, "needs 1-D ids and a value of rank >= 2, the output [ids, ...]");
	for (int i = 1; i < value->rank; i++)
		if (out->shape[i] != value->shape[i])
			return lower_fail(p, "output axis %d differs from the value's", i);
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->ids = ids->elements;
	s->rows = (size_t)value->shape[0];
	s->row_elems = s->rows ? value->elements / s->rows : 0;
	s->hybrid = value->type == NPU_TYPE_INT8 && out->type == NPU_TYPE_FLOAT32;
	s->es = npu_type_size(value->type);
	if (s->hybrid) {
		if (value->quant.count != 1 && value->quant.count != s->rows) {
			free(s);
			return lower_fail(p, "int8 values need one scale or one per row (has %u)",
					  value->quant.count);
		}
		s->scale = cpu_scale(value);
		s->scales = value->quant.count > 1 ? value->quant.scale : NULL;
	} else if (out->type != value->type || !s->es) {
		free(s);
		cpu_msg(p->err, p->errlen, "%s values with a %s output are not supported",
			npu_type_name(value->type), npu_type_name(out->type));
		return -ENOTSUP;
	}
	*state = s;
	return 0;
}

static int embedding_invoke(const struct npu_cpu_kernel_args *a, void *state)
{
	const struct embedding_state *s = state;
	const int32_t *ids = a->inputs[0];
	const uint8_t *value = a->inputs[1];
	uint8_t *out = a->outputs[0];

	for (size_t i = 0; i < s->ids; i++) {
		const int32_t k = ids[i];

		if (k < 0 || (size_t)k >= s->rows) {
			cpu_msg(a->err, a->errlen, "id %d outside 0..%zu", k, s->rows - 1);
			return -EINVAL;
		}
		if (!s->hybrid) {
			memcpy(out + i * s->row_elems * s->es, value + (size_t)k * s->row_elems * s->es,
			       s->row_elems * s->es);
			continue;
		}
		{
			const double scale = s->scales ? s->scales[k] : s->scale;
			const int8_t *row = (const int8_t *)value + (size_t)k * s->row_elems;
			float *o = (float *)out + i * s->row_elems;

			for (size_t j = 0; j < s->row_elems; j++)
				o[j] = (float)(row[j] * scale);
		}
	}
	return 0;
}

static const struct cpu_kernel embedding_kernel = {
	.prepare = embedding_prepare,
	.invoke = embedding_invoke,
};

const struct npu_builtin_impl npu_builtin_embedding_lookup = { .cpu_kernel = &embedding_kernel };
