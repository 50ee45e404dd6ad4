// SPDX-License-Identifier: MIT
/*
 * SIN, COS and ROUND on the CPU, float32 as TFLite's kernels
 * (elementwise.cc: std::sin, std::cos; round.cc: RoundToNearest).  TFLite
 * has them for float only; no command (the vector unit works on integers).
 * BUILTIN_REF has no ROUND: tests/ops compares it with the interpreter's
 * builtin kernel (the same function).
 */
#include <errno.h>
#include <math.h>

#include "lower.h"

/*
 * TFLite's RoundToNearest: ties to even, written on floor() so that a
 * value in (-0.5, 0) gives +0.0 (nearbyintf() would give -0.0).
 */
static float round_to_nearest(float x)
{
	const float fl = floorf(x);
	const float diff = x - fl;

	if (diff < 0.5f || (diff == 0.5f && (int32_t)fl % 2 == 0))
		return fl;
	return fl + 1.0f;
}

static int unary_invoke(const struct npu_cpu_kernel_args *a, void *state)
{
	const struct lower_unary *s = state;
	float (*const fn)(float) = s->builtin == NPU_BUILTIN_SIN ? sinf :
				   s->builtin == NPU_BUILTIN_COS ? cosf :
				   round_to_nearest;
	const float *x = a->inputs[0];
	float *out = a->outputs[0];

	for (size_t i = 0; i < s->count; i++)
		out[i] = fn(x[i]);
	return 0;
}

static const struct cpu_kernel kernel = {
	.prepare = lower_float_unary_prepare,
	.invoke = unary_invoke,
};

/* SIN, COS, ROUND: CPU only, float32. */
const struct npu_builtin_impl npu_builtin_sin_cos_round = {
	.cpu_kernel = &kernel,
};
