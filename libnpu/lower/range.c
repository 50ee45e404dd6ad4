// SPDX-License-Identifier: MIT
/*
 * RANGE on the CPU (range.cc): start, start + delta, ... short of limit, of
 * int32, int64 or float32 scalars, each value the previous plus delta (so
 * float values accumulate rounding, as TFLite's loop does).  The count is
 * TFLite's: (|limit - start| + |delta| - 1) / |delta| for integers,
 * ceil(|(limit - start) / delta|) in float; delta 0, or a delta pointing
 * away from limit, is an error.  With constant inputs the compiler knows
 * the count (compiler/fold.c sizes the output, and folds an integer RANGE);
 * with run-time inputs TFLite sizes the output at each run, which a
 * compiled plan cannot: the invocation then fails unless the count is the
 * output's stored size.  No command.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "lower.h"

struct range_data {
	enum npu_type type;
	size_t count;
};

int lower_range_count(enum npu_type type, const void *start, const void *limit,
		      const void *delta, int64_t *count)
{
	switch (type) {
	case NPU_TYPE_INT32:
	case NPU_TYPE_INT64: {
		const bool i64 = type == NPU_TYPE_INT64;
		const int64_t s = i64 ? *(const int64_t *)start : *(const int32_t *)start;
		const int64_t l = i64 ? *(const int64_t *)limit : *(const int32_t *)limit;
		const int64_t d = i64 ? *(const int64_t *)delta : *(const int32_t *)delta;
		uint64_t span, step;

		if (!d || !((s >= l && d < 0) || (s <= l && d > 0)))
			return -EINVAL;
		span = s <= l ? (uint64_t)l - (uint64_t)s : (uint64_t)s - (uint64_t)l;
		step = d > 0 ? (uint64_t)d : 0 - (uint64_t)d;
		/* TFLite computes in T: an int32 span past INT32_MAX is refused here. */
		if (!i64 && span + step - 1 > INT32_MAX)
			return -ERANGE;
		*count = (int64_t)((span + step - 1) / step);
		return *count > INT32_MAX ? -ERANGE : 0;
	}
	default: {
		const float s = *(const float *)start, l = *(const float *)limit;
		const float d = *(const float *)delta;
		float n;

		if (d == 0 || !((s >= l && d < 0) || (s <= l && d > 0)))
			return -EINVAL;
		n = ceilf(fabsf((l - s) / d));
		if (!(n <= (float)INT32_MAX))
			return -ERANGE;
		*count = (int64_t)n;
		return 0;
	}
	}
}

static int range_prepare(const struct cpu_prep *p, void **state)
{
	const struct npu_graph_tensor *start, *limit, *delta, *out;
	struct range_data *s;
	int ret = cpu_need_io(p, 3, 3, 1);

	if (ret)
		return ret;
	start = lower_in(p, 0);
	limit = lower_in(p, 1);
	delta = lower_in(p, 2);
	out = lower_out(p, 0);
	if ((start->type != NPU_TYPE_INT32 && start->type != NPU_TYPE_INT64 &&
	     start->type != NPU_TYPE_FLOAT32) || limit->type != start->type ||
	    delta->type != start->type || out->type != start->type) {
		cpu_msg(p->err, p->errlen, "RANGE of %s is not supported (int32, int64, float32)",
			npu_type_name(start->type));
		return -ENOTSUP;
	}
	if (start->elements != 1 || limit->elements != 1 || delta->elements != 1 ||
	    out->rank != 1)
		return lower_fail(p, "RANGE takes three scalars and gives a vector");
	if (start->data && limit->data && delta->data && !start->is_variable &&
	    !limit->is_variable && !delta->is_variable) {
		int64_t n;

		if (lower_range_count(start->type, start->data, limit->data, delta->data, &n))
			return lower_fail(p, "RANGE's delta is 0 or points away from its limit");
		if ((size_t)n != out->elements)
			return lower_fail(p, "RANGE gives %lld values, the output holds %zu",
					  (long long)n, out->elements);
	}
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->type = start->type;
	s->count = out->elements;
	*state = s;
	return 0;
}

static int range_invoke(const struct npu_cpu_kernel_args *a, void *state)
{
	const struct range_data *s = state;
	int64_t n;
	int ret = lower_range_count(s->type, a->inputs[0], a->inputs[1], a->inputs[2], &n);

	if (ret || (size_t)n != s->count) {
		if (a->err)
			snprintf(a->err, a->errlen, ret ?
				 "RANGE's delta is 0 or points away from its limit" :
				 "RANGE gives %lld values at run time, the compiled output holds %zu",
				 (long long)n, s->count);
		return ret ? ret : -ERANGE;
	}
	switch (s->type) {
	case NPU_TYPE_INT32: {
		uint32_t v = *(const uint32_t *)a->inputs[0];

		for (size_t i = 0; i < s->count; i++, v += *(const uint32_t *)a->inputs[2])
			((int32_t *)a->outputs[0])[i] = (int32_t)v;
		break;
	}
	case NPU_TYPE_INT64: {
		uint64_t v = *(const uint64_t *)a->inputs[0];

		for (size_t i = 0; i < s->count; i++, v += *(const uint64_t *)a->inputs[2])
			((int64_t *)a->outputs[0])[i] = (int64_t)v;
		break;
	}
	default: {
		float v = *(const float *)a->inputs[0];

		for (size_t i = 0; i < s->count; i++, v += *(const float *)a->inputs[2])
			((float *)a->outputs[0])[i] = v;
		break;
	}
	}
	return 0;
}

static const struct cpu_kernel kernel = {
	.prepare = range_prepare,
	.invoke = range_invoke,
};

/* RANGE: CPU only. */
/* RANGE of constant scalars: lower_range_count(), as TFLite's Prepare. */
static int range_shape(const struct npu_graph *g, const struct npu_graph_op *op, uint32_t o,
		       int32_t *dims)
{
	const struct npu_graph_tensor *t[3];
	int64_t n;

	for (uint32_t k = 0; k < 3; k++) {
		t[k] = cpu_in(g, op, k);
		if (!t[k] || !t[k]->data || t[k]->is_variable || t[k]->elements != 1 ||
		    t[k]->type != t[0]->type || npu_type_size(t[k]->type) > t[k]->data_size)
			return -1;
	}
	if (o || (t[0]->type != NPU_TYPE_INT32 && t[0]->type != NPU_TYPE_INT64 &&
		  t[0]->type != NPU_TYPE_FLOAT32) ||
	    lower_range_count(t[0]->type, t[0]->data, t[1]->data, t[2]->data, &n))
		return -1;
	dims[0] = (int32_t)n;
	return 1;
}

const struct npu_builtin_impl npu_builtin_range = {
	.cpu_kernel = &kernel,
	.output_shape = range_shape,
};
