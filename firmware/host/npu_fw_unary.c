// SPDX-License-Identifier: MIT
/*
 * Tables for NPU_CMD_LUT of the unary builtins whose TFLite kernel is a
 * function of the input byte alone (int8, uint8: elementwise.cc, exp.cc,
 * gelu.cc, neg.cc), so that each entry is what that kernel computes for that
 * input and the lookup is the kernel; and of those whose int16 kernel is
 * itself TFLite's interpolated 513-entry table (LUTPopulate<int16_t>).
 */
#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>

#include "npu_fw_host.h"

static int8_t sat8(int32_t v)
{
	return (int8_t)(v < -128 ? -128 : v > 127 ? 127 : v);
}

static float exp_fn(float x, const void *unused)
{
	(void)unused;
	return expf(x);
}

/* elementwise.cc's LogLUTPrepare: the output's minimum for x <= 0. */
static float log_fn(float x, const void *output_min)
{
	return x <= 0.0f ? *(const float *)output_min : logf(x);
}

/* elementwise.cc's int16 RSQRT table: int16's maximum for x <= 0. */
static float rsqrt_fn(float x, const void *output_max)
{
	return x <= 0.0f ? *(const float *)output_max : 1.0f / sqrtf(x);
}

/* gelu.h: 0.5 x erfc(-x / sqrt 2), in float as TFLite writes it. */
static float gelu_fn(float x, const void *unused)
{
	(void)unused;
	return 0.5f * x * erfcf(x * (float)-M_SQRT1_2);
}

/* gelu.h, approximate: 0.5 x (1 + tanh(sqrt(2 / pi) (x + 0.044715 x^3))). */
static float gelu_approx_fn(float x, const void *unused)
{
	const float sqrt_2_over_pi = (float)(M_2_SQRTPI * M_SQRT1_2);

	(void)unused;
	return 0.5f * x * (1.0f + tanhf(sqrt_2_over_pi * x *
					 (1.0f + 0.044715f * x * x)));
}

/* activations.cc EluPrepare: x < 0 ? expm1(x) : x. */
static float elu_fn(float x, const void *unused)
{
	(void)unused;
	return x < 0.0f ? expm1f(x) : x;
}

typedef float (*unary_fn)(float x, const void *arg);

/*
 * A float to int32 as TFLite's reference platform (x86-64, cvttss2si)
 * converts it: NaN and values out of range give INT32_MIN, where C leaves
 * the conversion undefined (a LOG or RSQRT table meets NaN below zero).
 */
static int32_t cvt_f32_s32(float f)
{
	if (!(f >= -2147483648.0f && f < 2147483648.0f))
		return INT32_MIN;
	return (int32_t)f;
}

/*
 * An int16 table entry as LUTPopulateInt16 stores it: clamped, and NaN
 * (which no clamp catches) as static_cast<int16_t> gives it on x86-64 and
 * arm64 alike, 0 (the low half of INT32_MIN; fcvtzs gives 0).
 */
static int16_t lut_s16_entry(float v)
{
	if (v != v)
		return 0;
	v = v < -32768.0f ? -32768.0f : (v > 32767.0f ? 32767.0f : v);
	return (int16_t)v;
}

/*
 * TFLite's LUTPopulate for 8-bit types with a transform taking one
 * parameter: entry v - @min for every input v in [@min, @max].
 */
static void lut_populate8(float in_scale, int32_t in_zp, float out_scale,
			  int32_t out_zp, unary_fn fn, const void *arg, int32_t min,
			  int32_t max, uint8_t *table)
{
	const float inverse_scale = 1 / out_scale;
	int32_t v;

	for (v = min; v <= max; v++) {
		const float deq = in_scale * (float)(v - in_zp);
		const float rescaled = roundf(fn(deq, arg) * inverse_scale);
		int32_t q = cvt_f32_s32(rescaled + (float)out_zp);

		q = q < min ? min : q > max ? max : q;
		table[v - min] = (uint8_t)q;
	}
}

static void lut_populate(float in_scale, int32_t in_zp, float out_scale,
			 int32_t out_zp, unary_fn fn, const void *arg,
			 int8_t table[256])
{
	lut_populate8(in_scale, in_zp, out_scale, out_zp, fn, arg, -128, 127,
		      (uint8_t *)table);
}

/*
 * TFLite's LUTPopulateInt16<float>: 512 segments over the input's range,
 * each entry biased by half the interpolation error at the segment's
 * midpoint, and the last entry at the input's maximum.
 */
static void lut_populate16(float in_scale, int32_t in_zp, float out_scale,
			   int32_t out_zp, unary_fn fn, const void *arg,
			   int16_t table[513])
{
	const float input_min = in_scale * (float)(-32768 - in_zp);
	const float input_max = in_scale * (float)(32767 - in_zp);
	const float output_min = out_scale * (float)(-32768 - out_zp);
	const float output_max = out_scale * (float)(32767 - out_zp);
	const int nb_steps = 512;
	const float step = (input_max - input_min) / nb_steps;
	const float half_step = step / 2;
	const float inv = 65536.0f / (output_max - output_min);
	float v;
	int i;

	for (i = 0; i < nb_steps; i++) {
		const float val = fn(input_min + i * step, arg);
		const float val_mid = fn(input_min + i * step + half_step, arg);
		const float val_next = fn(input_min + (i + 1) * step, arg);
		const float sample = roundf(val * inv);
		const float mid_interp = roundf((val_next * inv +
						 roundf(val * inv)) / 2);
		const float mid = roundf(val_mid * inv);
		const float bias = roundf((mid_interp - mid) / 2);

		v = sample - bias;
		table[i] = lut_s16_entry(v);
	}
	table[nb_steps] = lut_s16_entry(roundf(fn(input_max, arg) * inv));
}

/* A plain float function as a transform (npu_host_lut_s8/s16). */
struct plain_fn {
	float (*fn)(float);
};

static float call_plain(float x, const void *f)
{
	return ((const struct plain_fn *)f)->fn(x);
}

void npu_host_lut_s8(float in_scale, int32_t in_zp, float out_scale,
		     int32_t out_zp, float (*fn)(float), int8_t table[256])
{
	const struct plain_fn f = { fn };

	lut_populate(in_scale, in_zp, out_scale, out_zp, call_plain, &f, table);
}

void npu_host_lut_s16(float in_scale, int32_t in_zp, float out_scale,
		      int32_t out_zp, float (*fn)(float), int16_t table[513])
{
	const struct plain_fn f = { fn };

	lut_populate16(in_scale, in_zp, out_scale, out_zp, call_plain, &f,
		       table);
}

static bool good_scales(float in_scale, float out_scale)
{
	return isnormal(in_scale) && isnormal(out_scale) && in_scale > 0 &&
	       out_scale > 0;
}

/*
 * TFLite's GetInvSqrtQuantizedMultiplierExp(@input, kReverseShift): 1 /
 * sqrt(@input) as a multiplier and a left shift, by five Newton-Raphson
 * steps in gemmlowp's Q3.28 fixed point.
 */
void npu_host_inv_sqrt_multiplier(int32_t input, int32_t *mult, int *shift)
{
	const int32_t half_three = (1 << 28) + (1 << 27);	/* 1.5 in Q3.28 */
	const int32_t one = 1 << 28;
	int32_t half_input, x;
	int right = 11, pairs, i;

	if (input <= 1) {
		*mult = INT32_MAX;
		*shift = 0;
		return;
	}
	while (input >= (1 << 29)) {
		input /= 4;
		right++;
	}
	pairs = (__builtin_clz((uint32_t)input) - 1) / 2 - 1;
	right -= pairs;
	input <<= 2 * pairs;
	half_input = npu_fw_rdivpot(input >> 1, 1);
	x = one;
	/* Newton steps as TFLite's, its Rescale<6> and Rescale<3> the firmware's. */
	for (i = 0; i < 5; i++) {
		const int32_t x3 = npu_fw_fp_rescale(npu_fw_srdhm(npu_fw_srdhm(x, x), x), 6, 0);

		x = npu_fw_fp_rescale((int32_t)((uint32_t)npu_fw_srdhm(half_three, x) -
					       (uint32_t)npu_fw_srdhm(half_input, x3)), 3, 0);
	}
	x = npu_fw_srdhm(x, 1518500250);	/* sqrt(2) / 2 in Q0.31 */
	if (right < 0) {
		x = (int32_t)((uint32_t)x << -right);
		right = 0;
	}
	*mult = x;
	*shift = -right;
}

/* elementwise.cc's RsqrtEvalQuantizedInt8 for each input. */
static int rsqrt_s8(float in_scale, int32_t in_zp, float out_scale,
		    int32_t out_zp, int8_t table[256])
{
	const int shift20 = 20;	/* TFLite's kShift: keeps the value integer */
	int32_t mult, v;
	int shift;

	if (npu_host_quantize_multiplier(1.0 / (double)(sqrtf(in_scale) *
							 out_scale),
					 &mult, &shift))
		return -EINVAL;
	for (v = -128; v <= 127; v++) {
		const int32_t value = v - in_zp;
		int32_t im, data;
		int is;

		/*
		 * TFLite fails the invocation on v < in_zp; the device cannot
		 * fail one element, so those entries hold what the formula
		 * gives for |value| (documented).
		 */
		if (value == 0) {
			table[v + 128] = 127;
			continue;
		}
		npu_host_inv_sqrt_multiplier(value < 0 ? -value : value, &im, &is);
		data = npu_fw_mbqm(1, im, is + shift20);
		table[v + 128] = sat8(npu_fw_mbqm(data, mult, shift - shift20) +
				      out_zp);
	}
	return 0;
}

/* The LUTPopulate transform of @op, or NULL when @op is not one. */
static unary_fn table_fn(enum npu_host_unary op)
{
	switch (op) {
	case NPU_HOST_UNARY_EXP:
		return exp_fn;
	case NPU_HOST_UNARY_LOG:
		return log_fn;
	case NPU_HOST_UNARY_GELU:
		return gelu_fn;
	case NPU_HOST_UNARY_GELU_APPROX:
		return gelu_approx_fn;
	case NPU_HOST_UNARY_ELU:
		return elu_fn;
	default:
		return NULL;
	}
}

int npu_host_unary_lut_s8(enum npu_host_unary op, float in_scale,
			  int32_t in_zp, float out_scale, int32_t out_zp,
			  int8_t table[256])
{
	const float log_min = (float)(-128 - out_zp) * out_scale;
	int32_t mult = 0, v;
	int shift = 0;

	if (!good_scales(in_scale, out_scale))
		return -EINVAL;
	switch (op) {
	case NPU_HOST_UNARY_EXP:
	case NPU_HOST_UNARY_LOG:
	case NPU_HOST_UNARY_GELU:
	case NPU_HOST_UNARY_GELU_APPROX:
	case NPU_HOST_UNARY_ELU:
		lut_populate(in_scale, in_zp, out_scale, out_zp, table_fn(op),
			     &log_min, table);
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
	case NPU_HOST_UNARY_RSQRT:
		return rsqrt_s8(in_scale, in_zp, out_scale, out_zp, table);
	case NPU_HOST_UNARY_NEG:
		/* The stored value negated, quantization ignored: -128 stays. */
		for (v = -128; v <= 127; v++)
			table[v + 128] = (int8_t)(uint8_t)(-v);
		return 0;
	}
	return -EINVAL;
}

int npu_host_unary_lut_u8(enum npu_host_unary op, float in_scale,
			  int32_t in_zp, float out_scale, int32_t out_zp,
			  uint8_t table[256])
{
	if (!good_scales(in_scale, out_scale) ||
	    (op != NPU_HOST_UNARY_GELU && op != NPU_HOST_UNARY_GELU_APPROX))
		return -EINVAL;
	lut_populate8(in_scale, in_zp, out_scale, out_zp, table_fn(op), NULL,
		      0, 255, table);
	return 0;
}

int npu_host_unary_lut_s16(enum npu_host_unary op, float in_scale,
			   int32_t in_zp, float out_scale, int32_t out_zp,
			   int16_t table[513])
{
	/* LOG's floor and RSQRT's ceiling, as elementwise.cc passes them. */
	const float log_min = (float)(-32768 - out_zp) * out_scale;
	const float rsqrt_max = (float)(32767 - out_zp) * out_scale;
	unary_fn fn = op == NPU_HOST_UNARY_RSQRT ? rsqrt_fn : table_fn(op);

	if (!good_scales(in_scale, out_scale) || !fn)
		return -EINVAL;
	lut_populate16(in_scale, in_zp, out_scale, out_zp, fn,
		       op == NPU_HOST_UNARY_RSQRT ? &rsqrt_max : &log_min,
		       table);
	return 0;
}
