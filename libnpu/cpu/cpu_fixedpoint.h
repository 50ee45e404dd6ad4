/* SPDX-License-Identifier: MIT */
/*
 * gemmlowp fixed-point math used only by the CPU-only kernels (SOFTMAX):
 * exp() on negative values and 1/(1+x), bit-exact with gemmlowp's
 * fixedpoint.h as TFLite's reference softmax uses it.  The requantization
 * primitives every op shares come from the firmware (npu_fw.h).
 */
#ifndef NPU_CPU_FIXEDPOINT_H
#define NPU_CPU_FIXEDPOINT_H

#include <stdint.h>

#include "cpu_internal.h"

/* gemmlowp SaturatingRoundingMultiplyByPOT<exponent> for exponent > 0. */
static inline int32_t fp_sat_shl(int32_t x, int exponent)
{
	const int32_t threshold = (int32_t)((1u << (31 - exponent)) - 1);

	if (x > threshold)
		return INT32_MAX;
	if (x < -threshold)
		return INT32_MIN;
	return (int32_t)((uint32_t)x << exponent);
}

/* gemmlowp Rescale from @src_bits to @dst_bits integer bits. */
static inline int32_t fp_rescale(int32_t x, int src_bits, int dst_bits)
{
	const int exponent = src_bits - dst_bits;

	if (exponent > 0)
		return fp_sat_shl(x, exponent);
	if (exponent < 0)
		return cpu_rounding_divide_by_pot(x, -exponent);
	return x;
}

static inline int32_t fp_rounding_half_sum(int32_t a, int32_t b)
{
	const int64_t sum = (int64_t)a + b;
	const int64_t sign = sum >= 0 ? 1 : -1;

	return (int32_t)((sum + sign) / 2);
}

/* exp(a) for a in [-1/4, 0), Q0.31 in and out. */
static inline int32_t fp_exp_on_interval_neg_quarter_0(int32_t a)
{
	const int32_t constant_term = 1895147668;	/* exp(-1/8) */
	const int32_t constant_1_over_3 = 715827883;
	const int32_t x = a + (1 << 28);		/* a + 1/8 */
	const int32_t x2 = cpu_srdhm(x, x);
	const int32_t x3 = cpu_srdhm(x2, x);
	const int32_t x4 = cpu_srdhm(x2, x2);
	const int32_t x4_over_4 = cpu_rounding_divide_by_pot(x4, 2);
	const int32_t poly = cpu_rounding_divide_by_pot(
		cpu_srdhm(x4_over_4 + x3, constant_1_over_3) + x2, 1);

	return constant_term + cpu_srdhm(constant_term, x + poly);
}

/*
 * exp(a) for a <= 0 given with @int_bits integer bits; result Q0.31.
 * gemmlowp::exp_on_negative_values<int32_t, int_bits>.
 */
static inline int32_t fp_exp_on_negative_values(int32_t a, int int_bits)
{
	static const int32_t barrel[7] = {
		1672461947, 1302514674, 790015084, 290630308,
		39332535, 720401, 242,
	};
	const int frac_bits = 31 - int_bits;
	const int32_t one_quarter = (int32_t)1 << (frac_bits - 2);
	const int32_t mask = one_quarter - 1;
	const int32_t a_mod_quarter_minus_one_quarter = (a & mask) - one_quarter;
	int32_t result = fp_exp_on_interval_neg_quarter_0(
		fp_rescale(a_mod_quarter_minus_one_quarter, int_bits, 0));
	const int32_t remainder = a_mod_quarter_minus_one_quarter - a;

	for (int exponent = -2; exponent <= 4; exponent++) {
		if (int_bits > exponent) {
			const int shift = frac_bits + exponent;

			if (remainder & ((int32_t)1 << shift))
				result = cpu_srdhm(result, barrel[exponent + 2]);
		}
	}
	if (int_bits > 5) {
		const int32_t clamp = -((int32_t)1 << (36 - int_bits));

		if (a < clamp)
			result = 0;
	}
	if (a == 0)
		result = INT32_MAX;
	return result;
}

/* 1 / (1 + a) for a in [0, 1), Q0.31 in and out (Newton-Raphson). */
static inline int32_t fp_one_over_one_plus_x_for_x_in_0_1(int32_t a)
{
	const int32_t half_denominator = fp_rounding_half_sum(a, INT32_MAX);
	const int32_t constant_48_over_17 = 1515870810;		/* Q2.29 */
	const int32_t constant_neg_32_over_17 = -1010580540;	/* Q2.29 */
	const int32_t one_q2 = (int32_t)1 << 29;
	int32_t x = constant_48_over_17 +
		    cpu_srdhm(half_denominator, constant_neg_32_over_17);

	for (int i = 0; i < 3; i++) {
		const int32_t half_denominator_times_x =
			cpu_srdhm(half_denominator, x);
		const int32_t one_minus = one_q2 - half_denominator_times_x;

		x = x + fp_rescale(cpu_srdhm(x, one_minus), 4, 2);
	}
	return fp_rescale(x, 1, 0);
}

/* (1 - a) / (1 + a) for a in [0, 1), Q0.31 in and out (Newton-Raphson). */
static inline int32_t fp_one_minus_x_over_one_plus_x_for_x_in_0_1(int32_t a)
{
	const int32_t half_denominator = fp_rounding_half_sum(a, INT32_MAX);
	const int32_t one_q2 = (int32_t)1 << 29;
	int32_t x = 1515870810 + cpu_srdhm(half_denominator, -1010580540);

	for (int i = 0; i < 3; i++) {
		const int32_t half_denominator_times_x =
			cpu_srdhm(half_denominator, x);
		const int32_t one_minus = one_q2 - half_denominator_times_x;

		x = x + fp_rescale(cpu_srdhm(x, one_minus), 4, 2);
	}
	return fp_rescale(x - one_q2, 2, 0);
}

/* gemmlowp::logistic of a Q(int_bits) value; result Q0.31. */
static inline int32_t fp_logistic(int32_t a, int int_bits)
{
	const int32_t abs_a = a > 0 ? a : -a;
	const int32_t pos = fp_one_over_one_plus_x_for_x_in_0_1(
		fp_exp_on_negative_values(-abs_a, int_bits));

	if (a == 0)
		return (int32_t)1 << 30;
	return a > 0 ? pos : INT32_MAX - pos;
}

/* gemmlowp::tanh of a Q(int_bits) value; result Q0.31. */
static inline int32_t fp_tanh(int32_t a, int int_bits)
{
	const int32_t n = a < 0 ? a : -a;
	/* ExactMulByPot<1>: the same raw value read with one more bit. */
	const int32_t t = fp_one_minus_x_over_one_plus_x_for_x_in_0_1(
		fp_exp_on_negative_values(n, int_bits + 1));

	if (a == 0)
		return 0;
	return a < 0 ? -t : t;
}

/* TFLite GetReciprocal(). */
static inline int32_t fp_get_reciprocal(int32_t x, int x_integer_digits,
					int *num_bits_over_unit)
{
	const int headroom_plus_one = x ? __builtin_clz((uint32_t)x) : 32;
	const uint32_t shifted = headroom_plus_one < 32 ?
				 (uint32_t)x << headroom_plus_one : 0;
	const int32_t shifted_sum_minus_one = (int32_t)(shifted - (1u << 31));

	*num_bits_over_unit = x_integer_digits - headroom_plus_one;
	return fp_one_over_one_plus_x_for_x_in_0_1(shifted_sum_minus_one);
}

/* TFLite LUTLookup() for int16 with a 513-entry table. */
static inline int16_t fp_lut_lookup_int16(int16_t value, const int16_t *lut)
{
	const uint16_t index = (uint16_t)(256 + (value >> 7));
	const int16_t offset = value & 0x7f;
	const int16_t base = lut[index];
	const int16_t slope = (int16_t)(lut[index + 1] - lut[index]);
	const int delta = (slope * offset + 64) >> 7;

	return (int16_t)(base + delta);
}

#endif /* NPU_CPU_FIXEDPOINT_H */
