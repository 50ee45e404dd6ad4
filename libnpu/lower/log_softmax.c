// SPDX-License-Identifier: MIT
/*
 * LOG_SOFTMAX (float32) on the CPU along the last axis, as TFLite's
 * reference LogSoftmax: x - max - log(sum(exp(x - max))), in that order.
 * (The int8 form, with its fixed-point exp and log tables, has no kernel
 * here.)
 */
#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdlib.h>

#include "lower.h"


static int log_softmax_invoke(const struct npu_cpu_kernel_args *a,
			      void *state)
{
	const struct lower_last_axis *s = state;
	const float *in = a->inputs[0];
	float *out = a->outputs[0];

	for (size_t i = 0; i < s->outer; i++) {
		const float *x = in + i * s->depth;
		float max = -FLT_MAX, sum = 0.0f, log_sum;

		for (size_t c = 0; c < s->depth; c++)
			max = fmaxf(max, x[c]);
		for (size_t c = 0; c < s->depth; c++)
			sum += expf(x[c] - max);
		log_sum = logf(sum);
		for (size_t c = 0; c < s->depth; c++)
			out[i * s->depth + c] = x[c] - max - log_sum;
	}
	return 0;
}

static const struct cpu_kernel log_softmax_kernel = {
	.prepare = lower_float_last_axis_prepare,
	.invoke = log_softmax_invoke,
};

const struct npu_builtin_impl npu_builtin_log_softmax = {
	.cpu_kernel = &log_softmax_kernel,
};
