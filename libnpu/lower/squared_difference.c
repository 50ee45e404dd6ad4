// SPDX-License-Identifier: MIT
/*
 * SQUARED_DIFFERENCE on the CPU, float32 and int32 with broadcast, as
 * TFLite's reference kernel: (x - y) * (x - y).  (The int8 form, which
 * requantizes both inputs first, has no kernel here.)
 */
#include "lower.h"

static int int32_sqdiff(int32_t x, int32_t y, int32_t *r)
{
	const uint32_t d = (uint32_t)x - (uint32_t)y;

	*r = (int32_t)(d * d);
	return 0;
}

static int sqdiff_invoke(const struct npu_cpu_kernel_args *a, void *state)
{
	const struct lower_bcast *s = state;
	const float *x = a->inputs[0], *y = a->inputs[1];
	float *out = a->outputs[0];
	int32_t idx[MAX_RANK] = { 0 };
	size_t o1 = 0, o2 = 0;

	if (s->type == NPU_TYPE_INT32)
		return lower_int32_bcast_run(s, a, int32_sqdiff);
	for (size_t i = 0; i < s->count; i++) {
		const float d = x[o1] - y[o2];

		out[i] = d * d;
		lower_bcast_next(s, idx, &o1, &o2);
	}
	return 0;
}

static const struct cpu_kernel sqdiff_kernel = {
	.prepare = lower_float_bcast_prepare,
	.invoke = sqdiff_invoke,
};

const struct npu_builtin_impl npu_builtin_squared_difference = {
	.cpu_kernel = &sqdiff_kernel,
};
