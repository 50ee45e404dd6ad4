// SPDX-License-Identifier: MIT
/*
 * L2_NORMALIZATION on the CPU along the last axis, as TFLite's kernels
 * (l2norm.cc):
 *  - float32: reference L2Normalization, x / max(sqrt(sum(x * x)), 1e-6);
 *  - int8: reference_integer_ops::L2Normalization, the squared norm of
 *    x - zp in int32, its inverse square root as a multiplier
 *    (GetInvSqrtQuantizedMultiplierExp, npu_host_inv_sqrt_multiplier()),
 *    each x - zp requantized by it with 7 more bits of left shift;
 *  - uint8: reference_ops::L2Normalization, the same norm, 128 * (x - zp)
 *    requantized by it (MultiplyByQuantizedMultiplierSmallerThanOneExp)
 *    plus 128.
 * The output must be quantized 1/128 with zero point 0 (int8) or 128
 * (uint8), as TFLite's Prepare requires.  No NPU command: the norm is a
 * per-row reduction feeding a per-row multiplier.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>

#include "lower.h"

struct l2_state {
	struct lower_last_axis rows;
	enum npu_type type;
	int32_t zp;
};

static int l2_prepare(const struct cpu_prep *p, void **state)
{
	struct lower_last_axis rows;
	struct l2_state *s;
	int ret;

	if (p->op->num_inputs >= 1 && lower_in(p, 0) &&
	    lower_in(p, 0)->type == NPU_TYPE_FLOAT32)
		return lower_float_last_axis_prepare(p, state);
	ret = lower_q8_last_axis_check(p, 1.0f / 128, 0, 128, &rows);
	if (ret)
		return ret;
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->rows = rows;
	s->type = lower_in(p, 0)->type;
	s->zp = cpu_zero_point(lower_in(p, 0));
	*state = s;
	return 0;
}

static void l2_float(const struct lower_last_axis *s, const float *in,
		     float *out)
{
	for (size_t i = 0; i < s->outer; i++) {
		const float *x = in + i * s->depth;
		float squared = 0.0f, norm;

		for (size_t c = 0; c < s->depth; c++)
			squared += x[c] * x[c];
		norm = fmaxf(sqrtf(squared), 1e-6f);
		for (size_t c = 0; c < s->depth; c++)
			out[i * s->depth + c] = x[c] / norm;
	}
}

static int32_t l2_in(const struct l2_state *s, const void *in, size_t i)
{
	return (s->type == NPU_TYPE_INT8 ? ((const int8_t *)in)[i] :
		((const uint8_t *)in)[i]) - s->zp;
}

static void l2_quantized(const struct l2_state *s, const void *in, void *out)
{
	const size_t depth = s->rows.depth;

	for (size_t i = 0; i < s->rows.outer; i++) {
		uint32_t acc = 0;	/* int32 in TFLite; 2^16 steps are safe */
		int32_t mult;
		int shift;

		for (size_t c = 0; c < depth; c++) {
			const int32_t d = l2_in(s, in, i * depth + c);

			acc += (uint32_t)(d * d);
		}
		npu_host_inv_sqrt_multiplier((int32_t)acc, &mult, &shift);
		for (size_t c = 0; c < depth; c++) {
			const int32_t d = l2_in(s, in, i * depth + c);
			int32_t v;

			if (s->type == NPU_TYPE_INT8) {
				v = npu_fw_mbqm(d, mult, shift + 7);
				((int8_t *)out)[i * depth + c] =
					(int8_t)(v < -128 ? -128 : v > 127 ? 127 : v);
			} else {
				v = 128 + npu_fw_rdivpot(npu_fw_srdhm(128 * d, mult),
							 -shift);
				((uint8_t *)out)[i * depth + c] =
					(uint8_t)(v < 0 ? 0 : v > 255 ? 255 : v);
			}
		}
	}
}

static int l2_invoke(const struct npu_cpu_kernel_args *a, void *state)
{
	const struct npu_graph_tensor *in = cpu_in(a->graph, a->op, 0);

	if (in->type == NPU_TYPE_FLOAT32)
		l2_float(state, a->inputs[0], a->outputs[0]);
	else
		l2_quantized(state, a->inputs[0], a->outputs[0]);
	return 0;
}

static const struct cpu_kernel l2_kernel = {
	.prepare = l2_prepare,
	.invoke = l2_invoke,
};

const struct npu_builtin_impl npu_builtin_l2_normalization = {
	.cpu_kernel = &l2_kernel,
	.output_shape = lower_shape_same,
};
