// SPDX-License-Identifier: MIT
/*
 * L2_NORMALIZATION (float32) on the CPU along the last axis, as TFLite's
 * reference L2Normalization: x / max(sqrt(sum(x * x)), 1e-6).  (The int8
 * form, with its fixed-point inverse square root, has no kernel here.)
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>

#include "lower.h"


static int l2_invoke(const struct npu_cpu_kernel_args *a, void *state)
{
	const struct lower_last_axis *s = state;
	const float *in = a->inputs[0];
	float *out = a->outputs[0];

	for (size_t i = 0; i < s->outer; i++) {
		const float *x = in + i * s->depth;
		float squared = 0.0f, norm;

		for (size_t c = 0; c < s->depth; c++)
			squared += x[c] * x[c];
		norm = fmaxf(sqrtf(squared), 1e-6f);
		for (size_t c = 0; c < s->depth; c++)
			out[i * s->depth + c] = x[c] / norm;
	}
	return 0;
}

static const struct cpu_kernel l2_kernel = {
	.prepare = lower_float_last_axis_prepare,
	.invoke = l2_invoke,
};

const struct npu_builtin_impl npu_builtin_l2_normalization = {
	.cpu_kernel = &l2_kernel,
};
