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

struct log_softmax_data {
	size_t outer, depth;
};

static int log_softmax_prepare(const struct cpu_prep *p, void **state)
{
	const struct npu_graph_tensor *in;
	struct log_softmax_data *s;
	int ret = lower_float_unary_check(p);

	if (ret)
		return ret;
	in = lower_in(p, 0);
	if (in->rank < 1)
		return lower_fail(p, "LOG_SOFTMAX of a scalar");
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->depth = (size_t)in->shape[in->rank - 1];
	s->outer = s->depth ? in->elements / s->depth : 0;
	*state = s;
	return 0;
}

static int log_softmax_invoke(const struct npu_cpu_kernel_args *a,
			      void *state)
{
	const struct log_softmax_data *s = state;
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
	.prepare = log_softmax_prepare,
	.invoke = log_softmax_invoke,
};

const struct npu_builtin_impl npu_builtin_log_softmax = {
	.cpu_kernel = &log_softmax_kernel,
};
