// SPDX-License-Identifier: MIT
/*
 * HARD_SWISH for int8 and uint8 as a 256-entry table for NPU_CMD_LUT: every entry is
 * what TFLite's reference HardSwish computes for that input (16-bit fixed
 * point: a hi-res input, a "reluish" factor in [0, 1], their product),
 * with the multipliers of TFLite's HardSwishPrepare.  With 8-bit inputs
 * the lookup is the reference kernel, bit for bit.
 */
#include <errno.h>
#include <math.h>

#include "npu_fw_host.h"

/* gemmlowp's int16 SaturatingRoundingDoublingHighMul. */
static int16_t srdhm16(int16_t a, int16_t b)
{
	const int32_t ab = (int32_t)a * b;
	const int32_t nudge = ab >= 0 ? (1 << 14) : (1 - (1 << 14));

	if (a == b && a == INT16_MIN)
		return INT16_MAX;
	return (int16_t)((ab + nudge) / (1 << 15));
}

/* The same without the rounding nudge (truncating, SQDMULH). */
static int16_t sdhm16(int16_t a, int16_t b)
{
	if (a == b && a == INT16_MIN)
		return INT16_MAX;
	return (int16_t)(((int32_t)a * b) / (1 << 15));
}

static int16_t rdivpot16(int16_t x, int exponent)
{
	const int32_t mask = (1 << exponent) - 1;
	const int32_t remainder = x & mask;
	const int32_t threshold = (mask >> 1) + (x < 0 ? 1 : 0);

	return (int16_t)((x >> exponent) + (remainder > threshold ? 1 : 0));
}

static int16_t sat_shl16(int16_t v, int amount)
{
	int64_t r = (int64_t)v * ((int64_t)1 << amount);

	return (int16_t)(r > INT16_MAX ? INT16_MAX : r < INT16_MIN ? INT16_MIN : r);
}

/* DownScaleInt32ToInt16Multiplier: the Q31 multiplier rounded to Q15. */
static int16_t q15_of(int32_t m)
{
	if (m >= INT32_MAX - (1 << 15))
		return INT16_MAX;
	return (int16_t)((m + (1 << 15)) >> 16);
}

/* HardSwishPrepare's parameters, or -EINVAL / -ERANGE as documented. */
struct hard_swish {
	int32_t in_zp, out_zp;
	int16_t out_m, relu_m;
	int out_exp, relu_exp;
};

static int hard_swish_prepare(float in_scale, int32_t in_zp, float out_scale,
			      int32_t out_zp, struct hard_swish *h)
{
	/* Ratios in float, widened, as TFLite computes them. */
	const float hires_in_scale = (1.0f / 128.0f) * in_scale;
	const float reluish_scale = 3.0f / 32768.0f;
	int32_t out_m32, relu_m32;

	if (npu_host_quantize_multiplier((double)(hires_in_scale / out_scale),
					 &out_m32, &h->out_exp) ||
	    npu_host_quantize_multiplier((double)(hires_in_scale /
						  reluish_scale),
					 &relu_m32, &h->relu_exp))
		return -EINVAL;
	/* TFLite refuses an output that would need a left shift. */
	if (h->out_exp > 0)
		return -ERANGE;
	h->out_m = q15_of(out_m32);
	h->relu_m = q15_of(relu_m32);
	h->in_zp = in_zp;
	h->out_zp = out_zp;
	return 0;
}

/*
 * The reference HardSwish of the stored value @v, before the clamp to the
 * type's range (the same int16 arithmetic for int8 and uint8).
 */
static int32_t hard_swish_one(const struct hard_swish *h, int32_t v)
{
	const int16_t hires = (int16_t)((v - h->in_zp) * (1 << 7));
	const int16_t preshift_out = srdhm16(hires, h->out_m);
	int16_t reluish = hires, r;

	if (h->relu_exp > 0)
		reluish = sat_shl16(reluish, h->relu_exp - 1);
	reluish = srdhm16(reluish, h->relu_m);
	if (h->relu_exp > 0)
		reluish = sat_shl16(reluish, 1);
	if (h->relu_exp < 0)
		reluish = rdivpot16(reluish, -h->relu_exp);
	/* [-1, 1] in Q15 to [0, 1]. */
	reluish = (int16_t)((reluish + (1 << 15)) >> 1);
	r = rdivpot16(sdhm16(reluish, preshift_out), -h->out_exp);
	/* The reference adds the zero point in int16 (wrapping). */
	return (int16_t)(uint16_t)(uint32_t)(r + h->out_zp);
}

int npu_host_hard_swish_lut_s8(float in_scale, int32_t in_zp, float out_scale,
			       int32_t out_zp, int8_t table[256])
{
	struct hard_swish h;
	int ret = hard_swish_prepare(in_scale, in_zp, out_scale, out_zp, &h);

	for (int32_t v = -128; v <= 127 && !ret; v++) {
		const int32_t o = hard_swish_one(&h, v);

		table[v + 128] = (int8_t)(o < -128 ? -128 : o > 127 ? 127 : o);
	}
	return ret;
}

int npu_host_hard_swish_lut_u8(float in_scale, int32_t in_zp, float out_scale,
			       int32_t out_zp, uint8_t table[256])
{
	struct hard_swish h;
	int ret = hard_swish_prepare(in_scale, in_zp, out_scale, out_zp, &h);

	for (int32_t v = 0; v <= 255 && !ret; v++) {
		const int32_t o = hard_swish_one(&h, v);

		table[v] = (uint8_t)(o < 0 ? 0 : o > 255 ? 255 : o);
	}
	return ret;
}
