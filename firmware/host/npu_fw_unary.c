// SPDX-License-Identifier: MIT
/*
 * Tables for NPU_CMD_LUT of the int8 unary builtins whose TFLite kernel is a
 * function of the input byte alone (elementwise.cc, exp.cc): each entry is
 * what that kernel computes for that input, so the lookup is the kernel.
 */
#include <errno.h>
#include <math.h>

#include "npu_fw_host.h"

static int8_t sat8(int32_t v)
{
	return (int8_t)(v < -128 ? -128 : v > 127 ? 127 : v);
}

/* TFLite's LUTPopulate for int8 with a transform taking one parameter. */
static void lut_populate(float in_scale, int32_t in_zp, float out_scale,
			 int32_t out_zp, float (*fn)(float, float), float arg,
			 int8_t table[256])
{
	const float inverse_scale = 1 / out_scale;
	int32_t v;

	for (v = -128; v <= 127; v++) {
		const float deq = in_scale * (float)(v - in_zp);
		const float rescaled = roundf(fn(deq, arg) * inverse_scale);

		table[v + 128] = sat8((int32_t)(rescaled + (float)out_zp));
	}
}

static float exp_fn(float x, float unused)
{
	(void)unused;
	return expf(x);
}

/* elementwise.cc's LogLUTPrepare: the output's minimum for x <= 0. */
static float log_fn(float x, float output_min)
{
	return x <= 0.0f ? output_min : logf(x);
}

int npu_host_unary_lut_s8(enum npu_host_unary op, float in_scale,
			  int32_t in_zp, float out_scale, int32_t out_zp,
			  int8_t table[256])
{
	int32_t mult = 0, v;
	int shift = 0;

	if (!isnormal(in_scale) || !isnormal(out_scale) || in_scale < 0 ||
	    out_scale < 0)
		return -EINVAL;
	switch (op) {
	case NPU_HOST_UNARY_EXP:
		lut_populate(in_scale, in_zp, out_scale, out_zp, exp_fn, 0,
			     table);
		return 0;
	case NPU_HOST_UNARY_LOG:
		lut_populate(in_scale, in_zp, out_scale, out_zp, log_fn,
			     (float)(-128 - out_zp) * out_scale, table);
		return 0;
	case NPU_HOST_UNARY_ABS:
		/* Requantized only when the scales differ (GenericPrepare). */
		if (in_scale != out_scale &&
		    npu_host_quantize_multiplier((double)(in_scale / out_scale),
						 &mult, &shift))
			return -EINVAL;
		for (v = -128; v <= 127; v++) {
			const int32_t a = v >= in_zp ? v - in_zp : in_zp - v;

			table[v + 128] = sat8((in_scale == out_scale ? a :
					       npu_fw_mbqm(a, mult, shift)) +
					      out_zp);
		}
		return 0;
	case NPU_HOST_UNARY_SQRT:
		/*
		 * SqrtEvalQuantized: truncated, not rounded.  TFLite fails the
		 * invocation on a negative input; the table holds 0's image
		 * there (the device cannot fail one element).
		 */
		for (v = -128; v <= 127; v++) {
			const float deq = in_scale * (float)(v - in_zp);
			const float r = deq > 0.0f ? sqrtf(deq) : 0.0f;

			table[v + 128] = sat8((int32_t)(r / out_scale) + out_zp);
		}
		return 0;
	}
	return -EINVAL;
}
