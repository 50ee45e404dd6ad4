// SPDX-License-Identifier: MIT
/*
 * DIV and FLOOR_DIV on the CPU (no NPU command: the vector unit has no
 * divider), float32 and int32 with broadcast, as TFLite's reference
 * kernels: DIV float x / y with the fused activation, int32 truncating;
 * FLOOR_DIV floor(double(x) / double(y)) converted back.  An int32
 * division by zero fails the invocation, as TFLite's does.
 */
#include <errno.h>
#include <math.h>

#include "lower.h"

static int int32_div(int32_t x, int32_t y, int32_t *r)
{
	if (!y)
		return -EDOM;
	/* INT32_MIN / -1 overflows in C; TFLite's result wraps there. */
	*r = y == -1 ? (int32_t)(0u - (uint32_t)x) : x / y;
	return 0;
}

static int int32_floor_div(int32_t x, int32_t y, int32_t *r)
{
	if (!y)
		return -EDOM;
	*r = (int32_t)floor((double)x / (double)y);
	return 0;
}

static int div_invoke(const struct npu_cpu_kernel_args *a, void *state)
{
	const struct lower_bcast *s = state;
	const bool floor_div = s->builtin == NPU_BUILTIN_FLOOR_DIV;
	const float *x = a->inputs[0], *y = a->inputs[1];
	float *out = a->outputs[0];
	int32_t idx[MAX_RANK] = { 0 };
	size_t o1 = 0, o2 = 0;

	if (s->type == NPU_TYPE_INT32)
		return lower_int32_bcast_run(s, a, floor_div ? int32_floor_div :
					     int32_div);
	for (size_t i = 0; i < s->count; i++) {
		const float v = floor_div ?
			(float)floor((double)x[o1] / (double)y[o2]) :
			x[o1] / y[o2];

		out[i] = lower_clampf(v, s->act_min, s->act_max);
		lower_bcast_next(s, idx, &o1, &o2);
	}
	return 0;
}

static const struct cpu_kernel div_kernel = {
	.prepare = lower_float_bcast_prepare,
	.invoke = div_invoke,
};

/* DIV and FLOOR_DIV: CPU only. */
const struct npu_builtin_impl npu_builtin_div = {
	.cpu_kernel = &div_kernel,
};
