// SPDX-License-Identifier: MIT
/*
 * FLOOR, CEIL and SQUARE on the CPU, float32 as TFLite's kernels (floor.cc,
 * ceil.cc, elementwise.cc's Square): std::floor, std::ceil, x * x.  TFLite
 * has them for float only; no command (the vector unit works on integers).
 */
#include <errno.h>
#include <math.h>

#include "lower.h"

static int unary_invoke(const struct npu_cpu_kernel_args *a, void *state)
{
	const struct lower_unary *s = state;
	const float *x = a->inputs[0];
	float *out = a->outputs[0];

	for (size_t i = 0; i < s->count; i++) {
		switch (s->builtin) {
		case NPU_BUILTIN_FLOOR:
			out[i] = floorf(x[i]);
			break;
		case NPU_BUILTIN_CEIL:
			out[i] = ceilf(x[i]);
			break;
		default:
			out[i] = x[i] * x[i];
			break;
		}
	}
	return 0;
}

static const struct cpu_kernel kernel = {
	.prepare = lower_float_unary_prepare,
	.invoke = unary_invoke,
};

/* FLOOR, CEIL, SQUARE: CPU only, float32. */
const struct npu_builtin_impl npu_builtin_floor_ceil_square = {
	.cpu_kernel = &kernel,
	.output_shape = lower_shape_same,
};
