// SPDX-License-Identifier: MIT
/*
 * UNIQUE on the CPU, as TFLite's unique.cc: the distinct values of a 1-D
 * float32, int8, uint8, int16, int32 or int64 input in the order they
 * first appear (output 0) and, per input element, the position of its
 * value there (output 1, int32 or int64).  Values are equal as TFLite's
 * map compares them (-0.0 equals 0.0: the first one seen is kept); NaN
 * inputs have no such order and are not reproduced.
 *
 * The number of distinct values is data, and TFLite resizes output 0 to
 * it; this runtime keeps the shapes of the file.  So a run whose count
 * differs from output 0's stored size fails, naming both counts (the
 * converter stores 1 there; a model fed data with that many distinct
 * values runs).  Documentation/cpu-fallback.rst.  No NPU command.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lower.h"

struct unique_state {
	enum npu_type type, index_type;
	size_t n, es, out_n;
	size_t *order;		/* n: input positions sorted by value */
	size_t *slot;		/* n: first position of each element's value */
	const void *values;	/* the input, while sorting */
};

/* Value @i: *@iv for integers (then 0.0 returned), else the float. */
static double unique_value(enum npu_type type, const void *p, size_t i, int64_t *iv)
{
	if (type == NPU_TYPE_FLOAT32) {
		*iv = 0;
		return ((const float *)p)[i];
	}
	*iv = lower_load_int(p, type, i);
	return 0.0;
}

/* -1, 0, 1 as value @i compares with value @j (then by position: stable). */
static int unique_cmp(const struct unique_state *s, size_t i, size_t j)
{
	int64_t a, b;
	const double fa = unique_value(s->type, s->values, i, &a);
	const double fb = unique_value(s->type, s->values, j, &b);

	if (fa < fb || a < b)
		return -1;
	if (fa > fb || a > b)
		return 1;
	return i < j ? -1 : i > j;
}

/* Merge sort of s->order by value (qsort has no context argument in C11). */
static void unique_sort(struct unique_state *s, size_t *v, size_t *tmp, size_t n)
{
	size_t h = n / 2, i = 0, j = h, k = 0;

	if (n < 2)
		return;
	unique_sort(s, v, tmp, h);
	unique_sort(s, v + h, tmp, n - h);
	while (i < h && j < n)
		tmp[k++] = unique_cmp(s, v[i], v[j]) <= 0 ? v[i++] : v[j++];
	while (i < h)
		tmp[k++] = v[i++];
	while (j < n)
		tmp[k++] = v[j++];
	memcpy(v, tmp, n * sizeof(*v));
}

static void unique_release(void *state)
{
	struct unique_state *s = state;

	if (s) {
		free(s->order);
		free(s->slot);
	}
	free(s);
}

static int unique_prepare(const struct cpu_prep *p, void **state)
{
	const struct npu_graph_tensor *in, *values, *idx;
	struct unique_state *s;
	int ret = cpu_need_io(p, 1, 1, 2);

	if (ret)
		return ret;
	in = lower_in(p, 0);
	values = lower_out(p, 0);
	idx = lower_out(p, 1);
	switch (in->type) {
	case NPU_TYPE_FLOAT32: case NPU_TYPE_INT8: case NPU_TYPE_UINT8:
	case NPU_TYPE_INT16: case NPU_TYPE_INT32: case NPU_TYPE_INT64:
		break;
	default:
		cpu_msg(p->err, p->errlen, "%s UNIQUE is not supported", npu_type_name(in->type));
		return -ENOTSUP;
	}
	ret = cpu_need_type(p, values, "values", in->type);
	if (ret)
		return ret;
	if (idx->type != NPU_TYPE_INT32 && idx->type != NPU_TYPE_INT64)
		return lower_fail(p, "%s indices (int32 or int64)", npu_type_name(idx->type));
	if (in->rank != 1 || values->rank != 1 || idx->rank != 1 ||
	    idx->shape[0] != in->shape[0] || values->shape[0] > in->shape[0])
		return lower_fail(p, "needs a 1-D input, values of at most its size, indices of its size");
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->type = in->type;
	s->index_type = idx->type;
	s->es = npu_type_size(in->type);
	s->n = in->elements;
	s->out_n = values->elements;
	s->order = calloc(2 * s->n + 1, sizeof(*s->order));
	s->slot = calloc(s->n + 1, sizeof(*s->slot));
	if (!s->order || !s->slot) {
		unique_release(s);
		return -ENOMEM;
	}
	*state = s;
	return 0;
}

static int unique_invoke(const struct npu_cpu_kernel_args *a, void *state)
{
	struct unique_state *s = state;
	size_t count = 0;

	s->values = a->inputs[0];
	for (size_t i = 0; i < s->n; i++)
		s->order[i] = i;
	unique_sort(s, s->order, s->order + s->n, s->n);
	/*
	 * Equal values are adjacent, the first occurrence first (the sort is
	 * stable): each element's slot is its run's first position.
	 */
	for (size_t i = 0, first = 0; i < s->n; i++) {
		int64_t x, y;
		const double fx = unique_value(s->type, s->values, s->order[i], &x);
		const double fy = i ? unique_value(s->type, s->values, s->order[i - 1], &y) : 0.0;

		if (!i || fx != fy || x != y)
			first = s->order[i];
		s->slot[s->order[i]] = first;	/* the run's first position */
	}
	/* Output positions: in input order, each first occurrence takes the next. */
	for (size_t i = 0; i < s->n; i++) {
		if (s->slot[i] == i) {
			if (count < s->out_n)
				memcpy((uint8_t *)a->outputs[0] + count * s->es,
				       (const uint8_t *)s->values + i * s->es, s->es);
			s->order[i] = count++;	/* reused: the output position */
		} else {
			s->order[i] = s->order[s->slot[i]];
		}
		if (s->index_type == NPU_TYPE_INT32)
			((int32_t *)a->outputs[1])[i] = (int32_t)s->order[i];
		else
			((int64_t *)a->outputs[1])[i] = (int64_t)s->order[i];
	}
	if (count != s->out_n) {
		cpu_msg(a->err, a->errlen,
			"%zu distinct values, output 0 holds %zu (its size depends on the data; outputs are not resized)",
			count, s->out_n);
		return -EINVAL;
	}
	return 0;
}

static const struct cpu_kernel unique_kernel = {
	.prepare = unique_prepare,
	.invoke = unique_invoke,
	.release = unique_release,
};

const struct npu_builtin_impl npu_builtin_unique = { .cpu_kernel = &unique_kernel };
