// SPDX-License-Identifier: MIT
/*
 * SQUARED_DIFFERENCE on the CPU with broadcast, as TFLite's kernel
 * (squared_difference.cc): float32 and int32 (x - y) * (x - y); int8
 * requantizes both inputs onto twice the larger input scale with a left
 * shift of 7, squares the difference in int32 and requantizes the square
 * (QuantizeMultiplierSmallerThanOneExp multipliers, no fused activation).
 * No NPU command: the firmware has no squaring elementwise op.
 */
#include <errno.h>
#include <stdlib.h>

#include "lower.h"

struct sqdiff_state {
	struct lower_bcast b;
	/* int8 */
	int32_t in1_zp, in2_zp, out_zp;
	int32_t m1, s1, m2, s2, mo, so;
};

#define SQDIFF_LEFT_SHIFT 7

static int sqdiff_prepare(const struct cpu_prep *p, void **state)
{
	const struct npu_graph_tensor *a, *b, *o;
	struct sqdiff_state *s;
	double twice_max;
	int ret;

	ret = lower_binary_io(p, &a, &b, &o);
	if (ret)
		return ret;
	if (o->type == NPU_TYPE_INT16 || o->type == NPU_TYPE_UINT8) {
		/* Its Eval fails: "only supports FLOAT32 and INT32 now". */
		cpu_msg(p->err, p->errlen,
			"%s SQUARED_DIFFERENCE has no kernel in TFLite either (float32, int32, int8)",
			npu_type_name(o->type));
		return -ENOTSUP;
	}
	if (a->type != NPU_TYPE_INT8 || b->type != NPU_TYPE_INT8 ||
	    o->type != NPU_TYPE_INT8)
		return lower_float_bcast_prepare(p, state);
	ret = lower_need_quant_binary(p, a, b, o);
	if (ret)
		return ret;
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	ret = lower_bcast_geometry(p, &s->b);
	if (ret)
		goto fail;
	s->in1_zp = cpu_zero_point(a);
	s->in2_zp = cpu_zero_point(b);
	s->out_zp = cpu_zero_point(o);
	/* 2 * max(float, float) in float, then the ratios in double. */
	twice_max = (double)(2 * fmaxf(cpu_scale(a), cpu_scale(b)));
	ret = -EINVAL;
	if (npu_cpu_quantize_multiplier((double)cpu_scale(a) / twice_max,
					&s->m1, &s->s1) ||
	    npu_cpu_quantize_multiplier((double)cpu_scale(b) / twice_max,
					&s->m2, &s->s2) ||
	    npu_cpu_quantize_multiplier(twice_max * twice_max /
					((double)(1 << (2 * SQDIFF_LEFT_SHIFT)) *
					 (double)cpu_scale(o)),
					&s->mo, &s->so) ||
	    s->s1 > 0 || s->s2 > 0 || s->so > 0) {
		ret = lower_bad_scale(p, "SQUARED_DIFFERENCE");
		goto fail;
	}
	*state = s;
	return 0;
fail:
	free(s);
	return ret;
}

static int int32_sqdiff(int32_t x, int32_t y, int32_t *r)
{
	const uint32_t d = (uint32_t)x - (uint32_t)y;

	*r = (int32_t)(d * d);
	return 0;
}

/* MultiplyByQuantizedMultiplierSmallerThanOneExp (shift <= 0). */
static int32_t mbqm_small(int32_t x, int32_t m, int32_t shift)
{
	return npu_fw_rdivpot(npu_fw_srdhm(x, m), -shift);
}

static int8_t sqdiff_s8(const struct sqdiff_state *s, int8_t x, int8_t y)
{
	const int32_t a = mbqm_small((x - s->in1_zp) * (1 << SQDIFF_LEFT_SHIFT),
				     s->m1, s->s1);
	const int32_t b = mbqm_small((y - s->in2_zp) * (1 << SQDIFF_LEFT_SHIFT),
				     s->m2, s->s2);
	/* At most 255^2 * 2^14: no overflow. */
	const int32_t r = mbqm_small((a - b) * (a - b), s->mo, s->so) + s->out_zp;

	return (int8_t)(r < -128 ? -128 : r > 127 ? 127 : r);
}

static int sqdiff_invoke(const struct npu_cpu_kernel_args *a, void *state)
{
	const struct lower_bcast *s = state;
	int32_t idx[MAX_RANK] = { 0 };
	size_t o1 = 0, o2 = 0;

	if (s->type == NPU_TYPE_INT32)
		return lower_int32_bcast_run(s, a, int32_sqdiff);
	for (size_t i = 0; i < s->count; i++) {
		if (s->type == NPU_TYPE_INT8) {
			((int8_t *)a->outputs[0])[i] =
				sqdiff_s8(state, ((const int8_t *)a->inputs[0])[o1],
					  ((const int8_t *)a->inputs[1])[o2]);
		} else {
			const float d = ((const float *)a->inputs[0])[o1] -
					((const float *)a->inputs[1])[o2];

			((float *)a->outputs[0])[i] = d * d;
		}
		lower_bcast_next(s, idx, &o1, &o2);
	}
	return 0;
}

static const struct cpu_kernel sqdiff_kernel = {
	.prepare = sqdiff_prepare,
	.invoke = sqdiff_invoke,
};

const struct npu_builtin_impl npu_builtin_squared_difference = {
	.cpu_kernel = &sqdiff_kernel,
	.output_shape = lower_shape_broadcast,
};
