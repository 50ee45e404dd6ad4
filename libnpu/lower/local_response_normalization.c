// SPDX-License-Identifier: MIT
/*
 * LOCAL_RESPONSE_NORMALIZATION on the CPU, float32 as TFLite's reference
 * (local_response_norm.cc, reference_ops::LocalResponseNormalization): a
 * 4-D input, normalized along its last axis over channels [c - radius,
 * c + radius) (TFLite's window ends before c + radius), by
 * powf(bias + alpha * sum of squares, -beta).  TFLite has no quantized
 * form; no command.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>

#include "lower.h"

struct lrn_state {
	struct npu_lrn_options o;
	size_t outer;
	int32_t depth;
};

static int lrn_prepare(const struct cpu_prep *p, void **state)
{
	const struct npu_graph_tensor *in;
	struct lrn_state *s;
	int ret = lower_float_unary_check(p);

	if (ret)
		return ret;
	in = lower_in(p, 0);
	/* local_response_norm.cc Prepare: NumDimensions(input) == 4. */
	if (in->rank != 4 || p->op->options_kind != NPU_OPTS_LRN)
		return lower_fail(p, "LOCAL_RESPONSE_NORMALIZATION needs a 4-D input and its options");
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->o = p->op->options.lrn;
	s->depth = in->shape[3];
	s->outer = s->depth ? in->elements / (size_t)s->depth : 0;
	*state = s;
	return 0;
}

static int lrn_invoke(const struct npu_cpu_kernel_args *a, void *state)
{
	const struct lrn_state *s = state;
	const float *x = a->inputs[0];
	float *out = a->outputs[0];
	const int32_t depth = s->depth, r = s->o.radius;

	for (size_t i = 0; i < s->outer; i++) {
		const float *row = x + i * (size_t)depth;

		for (int32_t c = 0; c < depth; c++) {
			const int32_t begin = c - r > 0 ? c - r : 0;
			const int32_t end = c + r < depth ? c + r : depth;
			float accum = 0.0f;

			for (int32_t k = begin; k < end; k++)
				accum += row[k] * row[k];
			out[i * (size_t)depth + (size_t)c] =
				row[c] * powf(s->o.bias + s->o.alpha * accum, -s->o.beta);
		}
	}
	return 0;
}

static const struct cpu_kernel kernel = {
	.prepare = lrn_prepare,
	.invoke = lrn_invoke,
};

/* LOCAL_RESPONSE_NORMALIZATION: CPU only, float32. */
const struct npu_builtin_impl npu_builtin_local_response_normalization = {
	.cpu_kernel = &kernel,
};
