// SPDX-License-Identifier: MIT
/*
 * FLOOR_MOD on the CPU (floor_mod.cc, reference_ops::FloorMod) with
 * broadcast, int32, int64 and float32: the truncated remainder (C's %,
 * fmodf() for float), plus the divisor when it is non-zero and its sign
 * differs from the divisor's, so the result takes the divisor's sign.  An
 * integer divisor tensor holding a 0 anywhere fails the invocation, as
 * TFLite's check does before it computes.  INT_MIN mod -1 is 0 (TFLite's
 * C++ % traps there).  No command: the NPU has no divider.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>

#include "lower.h"

static int floor_mod_prepare(const struct cpu_prep *p, void **state)
{
	const struct npu_graph_tensor *a, *b, *out;
	struct lower_bcast *s;
	int ret = cpu_need_io(p, 2, 2, 1);

	if (ret)
		return ret;
	a = lower_in(p, 0);
	b = lower_in(p, 1);
	out = lower_out(p, 0);
	if ((a->type != NPU_TYPE_INT32 && a->type != NPU_TYPE_INT64 &&
	     a->type != NPU_TYPE_FLOAT32) || b->type != a->type || out->type != a->type) {
		cpu_msg(p->err, p->errlen,
			"FLOOR_MOD of %s and %s to %s is not supported (one of int32, int64, float32)",
			npu_type_name(a->type), npu_type_name(b->type), npu_type_name(out->type));
		return -ENOTSUP;
	}
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	ret = lower_bcast_geometry(p, s);
	if (ret) {
		free(s);
		return ret;
	}
	*state = s;
	return 0;
}

static int64_t mod_i64(int64_t x, int64_t y)
{
	const int64_t r = y == -1 ? 0 : x % y;

	return r && ((y < 0) != (r < 0)) ? r + y : r;
}

static int floor_mod_invoke(const struct npu_cpu_kernel_args *a, void *state)
{
	const struct lower_bcast *s = state;
	int32_t idx[MAX_RANK] = { 0 };
	size_t o1 = 0, o2 = 0;

	for (size_t i = 0; i < s->count; i++) {
		switch (s->type) {
		case NPU_TYPE_FLOAT32: {
			const float x = ((const float *)a->inputs[0])[o1];
			const float y = ((const float *)a->inputs[1])[o2];
			const float r = fmodf(x, y);

			((float *)a->outputs[0])[i] = r != 0 && ((y < 0) != (r < 0)) ? r + y : r;
			break;
		}
		case NPU_TYPE_INT32: {
			const int32_t y = ((const int32_t *)a->inputs[1])[o2];

			if (!y)
				return -EDOM;
			((int32_t *)a->outputs[0])[i] =
				(int32_t)mod_i64(((const int32_t *)a->inputs[0])[o1], y);
			break;
		}
		default: {
			const int64_t y = ((const int64_t *)a->inputs[1])[o2];

			if (!y)
				return -EDOM;
			((int64_t *)a->outputs[0])[i] =
				mod_i64(((const int64_t *)a->inputs[0])[o1], y);
			break;
		}
		}
		lower_bcast_next(s, idx, &o1, &o2);
	}
	return 0;
}

static const struct cpu_kernel kernel = {
	.prepare = floor_mod_prepare,
	.invoke = floor_mod_invoke,
};

/* FLOOR_MOD: CPU only. */
const struct npu_builtin_impl npu_builtin_floor_mod = {
	.cpu_kernel = &kernel,
	.output_shape = lower_shape_broadcast,
};
