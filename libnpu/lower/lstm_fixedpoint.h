/* SPDX-License-Identifier: MIT */
/*
 * gemmlowp's fixed-point logistic and tanh on int16 raw values, as TFLite's
 * integer LSTM applies them to its Q3.12 gates and its cell state
 * (tensor_utils ApplySigmoid / ApplyTanh; the x86 build of the reference
 * interpreter runs their scalar form).  gemmlowp's algorithm is the one of
 * cpu_fixedpoint.h, but every intermediate is an int16: the constants are
 * its int32 ones rounded to 16 bits, products are 16-bit doubling high
 * multiplies, additions wrap, so the results are not the int32 functions'
 * rounded down.
 */
#ifndef NPU_LSTM_FIXEDPOINT_H
#define NPU_LSTM_FIXEDPOINT_H

#include <stdint.h>

#include "../cpu/cpu_internal.h"

/* int16 wrap-around of an int result (gemmlowp's int16 Add, Sub, Neg). */
static inline int16_t q16(int32_t v)
{
	return (int16_t)(uint16_t)(uint32_t)v;
}

static inline int16_t q16_srdhm(int16_t a, int16_t b)
{
	const int32_t ab = (int32_t)a * b;
	const int32_t nudge = ab >= 0 ? (1 << 14) : (1 - (1 << 14));

	if (a == INT16_MIN && b == INT16_MIN)
		return INT16_MAX;
	return (int16_t)((ab + nudge) / (1 << 15));
}

static inline int16_t q16_rdivpot(int16_t x, int exponent)
{
	const int32_t mask = (1 << exponent) - 1;
	const int32_t remainder = x & mask;
	const int32_t threshold = (mask >> 1) + (x < 0 ? 1 : 0);

	return q16((x >> exponent) + (remainder > threshold ? 1 : 0));
}

/* SaturatingRoundingMultiplyByPOT<exponent> for exponent > 0. */
static inline int16_t q16_sat_shl(int16_t x, int exponent)
{
	const int32_t threshold = (1 << (15 - exponent)) - 1;

	if (x > threshold)
		return INT16_MAX;
	if (x < -threshold)
		return INT16_MIN;
	return q16(x * (1 << exponent));
}

static inline int16_t q16_sat_add(int16_t a, int16_t b)
{
	const int32_t s = (int32_t)a + b;

	return (int16_t)(s > INT16_MAX ? INT16_MAX : s < INT16_MIN ? INT16_MIN : s);
}

/* gemmlowp's RescaleConstantInitializer: an int32 constant on 16 bits. */
static inline int16_t q16_const(int32_t v)
{
	return (int16_t)cpu_rounding_divide_by_pot(v, 16);
}

/* exp(a) for a in [-1/4, 0), Q0.15. */
static inline int16_t q16_exp_quarter(int16_t a)
{
	const int16_t constant_term = q16_const(1895147668);
	const int16_t one_third = q16_const(715827883);
	const int16_t x = q16(a + (1 << 12));
	const int16_t x2 = q16_srdhm(x, x);
	const int16_t x3 = q16_srdhm(x2, x);
	const int16_t x4 = q16_srdhm(x2, x2);
	const int16_t x4_over_4 = q16_rdivpot(x4, 2);
	const int16_t poly = q16_rdivpot(
		q16(q16_srdhm(q16(x4_over_4 + x3), one_third) + x2), 1);

	return q16_sat_add(constant_term,
			   q16_srdhm(constant_term, q16(x + poly)));
}

/* exp(a) for a <= 0 with @int_bits integer bits (<= 7); result Q0.15. */
static inline int16_t q16_exp_negative(int16_t a, int int_bits)
{
	static const int32_t barrel[7] = {
		1672461947, 1302514674, 790015084, 290630308,
		39332535, 720401, 242,
	};
	const int frac_bits = 15 - int_bits;
	const int32_t one_quarter = 1 << (frac_bits - 2);
	const int16_t amq = q16((a & (one_quarter - 1)) - one_quarter);
	const int16_t remainder = q16(amq - a);
	int16_t result = q16_exp_quarter(int_bits ? q16_sat_shl(amq, int_bits) : amq);

	for (int e = -2; e <= 4; e++)
		if (int_bits > e && (remainder & (1 << (frac_bits + e))))
			result = q16_srdhm(result, q16_const(barrel[e + 2]));
	if (int_bits > 5 && a < q16_const(-(1 << (36 - int_bits))))
		result = 0;
	if (a == 0)
		result = INT16_MAX;
	return result;
}

/* Newton-Raphson 1 / (1 + a) (@minus: (1 - a) / (1 + a)), a in [0, 1). */
static inline int16_t q16_reciprocal(int16_t a, int minus)
{
	const int32_t sum = (int32_t)a + INT16_MAX;
	const int16_t half_den = q16((sum + (sum >= 0 ? 1 : -1)) / 2);
	const int16_t one_q2 = 1 << 13;
	int16_t x = q16(q16_const(1515870810) +
			q16_srdhm(half_den, q16_const(-1010580540)));

	for (int i = 0; i < 3; i++) {
		const int16_t one_minus = q16(one_q2 - q16_srdhm(half_den, x));

		x = q16(x + q16_sat_shl(q16_srdhm(x, one_minus), 2));
	}
	return minus ? q16_sat_shl(q16(x - one_q2), 2) : q16_sat_shl(x, 1);
}

/* gemmlowp::logistic of a Q(int_bits) int16; result Q0.15. */
static inline int16_t q16_logistic(int16_t a, int int_bits)
{
	const int16_t abs_a = a > 0 ? a : q16(-a);
	const int16_t pos = q16_reciprocal(q16_exp_negative(q16(-abs_a), int_bits), 0);

	if (a == 0)
		return 1 << 14;
	return a > 0 ? pos : q16(INT16_MAX - pos);
}

/* gemmlowp::tanh of a Q(int_bits) int16 (int_bits <= 6); result Q0.15. */
static inline int16_t q16_tanh(int16_t a, int int_bits)
{
	const int16_t n = a < 0 ? a : q16(-a);
	const int16_t t = q16_reciprocal(q16_exp_negative(n, int_bits + 1), 1);

	if (a == 0)
		return 0;
	return a < 0 ? q16(-t) : t;
}

#endif /* NPU_LSTM_FIXEDPOINT_H */
