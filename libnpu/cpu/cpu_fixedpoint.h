/* SPDX-License-Identifier: MIT */
/*
 * gemmlowp fixed-point math of the CPU kernels (LOG_SOFTMAX, the LOGISTIC
 * and TANH tables, DIV, int16 SOFTMAX), bit-exact with gemmlowp's
 * fixedpoint.h as TFLite uses it.  exp() on negative values, 1/(1+x) and
 * the requantization primitives every op shares come from the firmware
 * (npu_fw.h).
 */
#ifndef NPU_CPU_FIXEDPOINT_H
#define NPU_CPU_FIXEDPOINT_H

#include <stdint.h>

#include "cpu_internal.h"

/* gemmlowp SaturatingRoundingMultiplyByPOT<exponent> for exponent > 0. */
static inline int32_t fp_sat_shl(int32_t x, int exponent)
{
	return npu_fw_fp_rescale(x, exponent, 0);
}

/*
 * The gemmlowp pieces TFLite's 8-bit SOFTMAX uses are the firmware's
 * (fw_ops_softmax.c: NPU_CMD_SOFTMAX runs them), one definition for both.
 */
#define fp_rescale(x, src_bits, dst_bits)	npu_fw_fp_rescale((x), (src_bits), (dst_bits))
#define fp_rounding_half_sum(a, b)		npu_fw_rounding_half_sum((a), (b))
#define fp_exp_on_negative_values(a, int_bits)	npu_fw_exp_on_negative_values((a), (int_bits))
#define fp_one_over_one_plus_x_for_x_in_0_1(a)	npu_fw_one_over_one_plus_x(a)
#define fp_get_reciprocal(x, digits, bits)	npu_fw_get_reciprocal((x), (digits), (bits))

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
