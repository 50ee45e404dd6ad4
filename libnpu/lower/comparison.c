// SPDX-License-Identifier: MIT
/*
 * LESS, LESS_EQUAL, GREATER, GREATER_EQUAL, EQUAL, NOT_EQUAL on the CPU (a
 * bool output: no NPU command), with broadcast, as TFLite's
 * comparisons.cc: float32, int32 and int64 compared as they are, bool
 * (EQUAL, NOT_EQUAL), and int8 / uint8 through ComparisonWithScaling:
 * each input's (q - zero_point) << 8 multiplied by its own scale
 * (QuantizeMultiplier(scale), MultiplyByQuantizedMultiplierSmallerThanOneExp:
 * TFLite 2.21's comparisons.cc; older releases divided the scales by twice
 * the larger one first, which rounds differently), then compared.
 */
#include <errno.h>
#include <stdlib.h>

#include "lower.h"

struct cmp_data {
	struct lower_bcast g;
	enum npu_type type;		/* the inputs' */
	int32_t offset[2], multiplier[2];
	int shift[2];
};

static bool bool_only_equality(int32_t builtin)
{
	return builtin == NPU_BUILTIN_EQUAL || builtin == NPU_BUILTIN_NOT_EQUAL;
}

static int cmp_prepare(const struct cpu_prep *p, void **state)
{
	const struct npu_graph_tensor *x, *y, *out;
	struct cmp_data *s = calloc(1, sizeof(*s));
	int ret;

	if (!s)
		return -ENOMEM;
	ret = lower_bcast_geometry(p, &s->g);
	if (ret)
		goto fail;
	x = cpu_in(p->g, p->op, 0);
	y = cpu_in(p->g, p->op, 1);
	out = cpu_out(p->g, p->op, 0);
	s->type = x->type;
	ret = -ENOTSUP;
	if (y->type != x->type || out->type != NPU_TYPE_BOOL) {
		cpu_msg(p->err, p->errlen, "%s needs inputs of one type and a bool output",
			npu_op_name(p->op->builtin));
		goto fail;
	}
	switch (x->type) {
	case NPU_TYPE_FLOAT32:
	case NPU_TYPE_INT32:
	case NPU_TYPE_INT64:
		break;
	case NPU_TYPE_BOOL:
		if (!bool_only_equality(p->op->builtin)) {
			cpu_msg(p->err, p->errlen, "%s of bool is not supported (TFLite's neither)",
				npu_op_name(p->op->builtin));
			goto fail;
		}
		break;
	case NPU_TYPE_INT8:
	case NPU_TYPE_UINT8: {
		if (!lower_quantized(x) || !lower_quantized(y) ||
		    !(cpu_scale(x) > 0) || !(cpu_scale(y) > 0)) {
			cpu_msg(p->err, p->errlen, "%s of %s needs quantized inputs",
				npu_op_name(p->op->builtin), npu_type_name(x->type));
			goto fail;
		}
		s->offset[0] = -cpu_zero_point(x);
		s->offset[1] = -cpu_zero_point(y);
		/* comparisons.cc ComparisonQuantized: each input's own scale. */
		ret = cpu_quantize_multiplier(p, "input 1 scale", (double)cpu_scale(x),
					      &s->multiplier[0], &s->shift[0]);
		if (!ret)
			ret = cpu_quantize_multiplier(p, "input 2 scale", (double)cpu_scale(y),
						      &s->multiplier[1], &s->shift[1]);
		if (ret)
			goto fail;
		break;
	}
	default:
		cpu_msg(p->err, p->errlen, "%s of %s is not supported",
			npu_op_name(p->op->builtin), npu_type_name(x->type));
		goto fail;
	}
	*state = s;
	return 0;
fail:
	free(s);
	return ret;
}

/*
 * Input @k's element @i, in the domain the comparison is made in (int64,
 * which a double cannot hold exactly, is compared in cmp_invoke()).
 */
static double cmp_value(const struct cmp_data *s, const void *in, size_t i, int k)
{
	int32_t v;

	switch (s->type) {
	case NPU_TYPE_FLOAT32:
		return ((const float *)in)[i];
	case NPU_TYPE_INT32:
		return ((const int32_t *)in)[i];
	case NPU_TYPE_BOOL:
		return ((const uint8_t *)in)[i] != 0;
	case NPU_TYPE_INT8:
		v = ((const int8_t *)in)[i];
		break;
	default:
		v = ((const uint8_t *)in)[i];
		break;
	}
	v = (v + s->offset[k]) * (1 << 8);
	return cpu_rounding_divide_by_pot(cpu_srdhm(v, s->multiplier[k]), -s->shift[k]);
}

static bool cmp_apply(int32_t builtin, int c)
{
	switch (builtin) {
	case NPU_BUILTIN_LESS:
		return c < 0;
	case NPU_BUILTIN_LESS_EQUAL:
		return c <= 0;
	case NPU_BUILTIN_GREATER:
		return c > 0;
	case NPU_BUILTIN_GREATER_EQUAL:
		return c >= 0;
	case NPU_BUILTIN_EQUAL:
		return c == 0;
	default:
		return c != 0;
	}
}

static int cmp_invoke(const struct npu_cpu_kernel_args *a, void *state)
{
	const struct cmp_data *s = state;
	uint8_t *out = a->outputs[0];
	int32_t idx[MAX_RANK] = { 0 };
	size_t o1 = 0, o2 = 0;

	for (size_t i = 0; i < s->g.count; i++) {
		int c;

		if (s->type == NPU_TYPE_INT64) {
			const int64_t x = ((const int64_t *)a->inputs[0])[o1];
			const int64_t y = ((const int64_t *)a->inputs[1])[o2];

			c = (x > y) - (x < y);
		} else {
			const double x = cmp_value(s, a->inputs[0], o1, 0);
			const double y = cmp_value(s, a->inputs[1], o2, 1);

			/* A NaN: every comparison false but NOT_EQUAL, as in C++. */
			if (x != x || y != y) {
				out[i] = s->g.builtin == NPU_BUILTIN_NOT_EQUAL;
				lower_bcast_next(&s->g, idx, &o1, &o2);
				continue;
			}
			c = (x > y) - (x < y);
		}
		out[i] = cmp_apply(s->g.builtin, c);
		lower_bcast_next(&s->g, idx, &o1, &o2);
	}
	return 0;
}

static const struct cpu_kernel kernel = {
	.prepare = cmp_prepare,
	.invoke = cmp_invoke,
};

/* The six comparisons: CPU only (bool output). */
const struct npu_builtin_impl npu_builtin_comparison = {
	.cpu_kernel = &kernel,
	.output_shape = lower_shape_broadcast,
};
