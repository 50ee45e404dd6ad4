// SPDX-License-Identifier: MIT
/*
 * TFLite's fixed-point requantization, values worked by hand:
 * SRDHM(a, b) = round(a * b / 2^31) with gemmlowp's nudge (positive ties
 * up, negative ties towards zero), RDivByPOT rounds half away from zero.
 */
#include <errno.h>
#include <float.h>
#include <math.h>
#include <string.h>

#include "fw_test.h"

START_TEST(srdhm_cases)
{
	/* The one overflow case saturates. */
	ck_assert_int_eq(npu_fw_srdhm(INT32_MIN, INT32_MIN), INT32_MAX);
	/* 2^30 * 2^30 / 2^31 = 2^29 exactly. */
	ck_assert_int_eq(npu_fw_srdhm(1 << 30, 1 << 30), 1 << 29);
	ck_assert_int_eq(npu_fw_srdhm(-(1 << 30), 1 << 30), -(1 << 29));
	/* 3 * 0.5 = 1.5 -> 2;  -3 * 0.5 = -1.5 -> -1 (nudge 1 - 2^30). */
	ck_assert_int_eq(npu_fw_srdhm(3, 1 << 30), 2);
	ck_assert_int_eq(npu_fw_srdhm(-3, 1 << 30), -1);
	ck_assert_int_eq(npu_fw_srdhm(0, INT32_MAX), 0);
}
END_TEST

START_TEST(rdivpot_cases)
{
	ck_assert_int_eq(npu_fw_rdivpot(5, 1), 3);	/* 2.5 -> 3 */
	ck_assert_int_eq(npu_fw_rdivpot(-5, 1), -3);	/* -2.5 -> -3 */
	ck_assert_int_eq(npu_fw_rdivpot(-3, 1), -2);	/* -1.5 -> -2 */
	ck_assert_int_eq(npu_fw_rdivpot(7, 2), 2);	/* 1.75 -> 2 */
	ck_assert_int_eq(npu_fw_rdivpot(6, 2), 2);	/* 1.5 -> 2 */
	ck_assert_int_eq(npu_fw_rdivpot(-6, 2), -2);	/* -1.5 -> -2 */
	ck_assert_int_eq(npu_fw_rdivpot(5, 2), 1);	/* 1.25 -> 1 */
	ck_assert_int_eq(npu_fw_rdivpot(123, 0), 123);
	ck_assert_int_eq(npu_fw_rdivpot(INT32_MIN, 31), -1);
	ck_assert_int_eq(npu_fw_rdivpot(INT32_MAX, 31), 1);
}
END_TEST

START_TEST(mbqm_cases)
{
	/* 100 * 0.5 = 50; shift +1: 100 * 1 = 100; shift -1: 25. */
	ck_assert_int_eq(npu_fw_mbqm(100, 1 << 30, 0), 50);
	ck_assert_int_eq(npu_fw_mbqm(100, 1 << 30, 1), 100);
	ck_assert_int_eq(npu_fw_mbqm(100, 1 << 30, -1), 25);
	/* Double rounding: 101 * 0.5 = 50.5 -> 51, then 51 / 2 = 25.5 ->
	 * 26, where a single rounding of 101 / 4 would give 25. */
	ck_assert_int_eq(npu_fw_mbqm(101, 1 << 30, -1), 26);
	/* Everything shifted out. */
	ck_assert_int_eq(npu_fw_mbqm(1 << 30, 1 << 30, -31), 0);
	/* Saturation inside SRDHM. */
	ck_assert_int_eq(npu_fw_mbqm(INT32_MIN, INT32_MIN, 0), INT32_MAX);
	/* Left shift wraps as the reference's int32 multiply does:
	 * 2^30 << 1 = INT32_MIN, times ~1.0 = INT32_MIN + 1 rounding. */
	ck_assert_int_eq(npu_fw_mbqm(1 << 30, INT32_MAX, 1), -2147483647);
}
END_TEST

START_TEST(mbqm64_cases)
{
	/* reduced multiplier (2^30 + 2^15) >> 16 = 16384, total shift 15:
	 * (1000 * 16384 + 16384) >> 15 = 500.5 -> 500 (floor). */
	ck_assert_int_eq(npu_fw_mbqm64(1000, 1 << 30, 0), 500);
	/* (-1000 * 16384 + 16384) >> 15 = -499.5 -> -500 (floor). */
	ck_assert_int_eq(npu_fw_mbqm64(-1000, 1 << 30, 0), -500);
	/* shift 1: (7 * 16384 + 8192) >> 14 = 7.5 -> 7. */
	ck_assert_int_eq(npu_fw_mbqm64(7, 1 << 30, 1), 7);
	/* Multipliers at or above 0x7fff0000 reduce to 0x7fff:
	 * (2 * 32767 + 16384) >> 15 = 2.49 -> 2. */
	ck_assert_int_eq(npu_fw_mbqm64(2, 0x7fff0000, 0), 2);
	ck_assert_int_eq(npu_fw_mbqm64(2, INT32_MAX, 0), 2);
	/* 40-bit accumulator: (2^40 * 2^14 + 2^34) >> 35 = 2^19 + 0.5. */
	ck_assert_int_eq(npu_fw_mbqm64(1ll << 40, 1 << 30, -20), 1 << 19);
}
END_TEST

START_TEST(quantize_multiplier)
{
	int32_t m;
	int s;

	npu_host_quantize_multiplier(0.5, &m, &s);
	ck_assert_int_eq(m, 1 << 30);
	ck_assert_int_eq(s, 0);
	npu_host_quantize_multiplier(1.0, &m, &s);
	ck_assert_int_eq(m, 1 << 30);
	ck_assert_int_eq(s, 1);
	npu_host_quantize_multiplier(0.75, &m, &s);
	ck_assert_int_eq(m, 3 << 29);
	ck_assert_int_eq(s, 0);
	npu_host_quantize_multiplier(0.0, &m, &s);
	ck_assert_int_eq(m, 0);
	ck_assert_int_eq(s, 0);
	/* Below 2^-31 flushes to zero. */
	npu_host_quantize_multiplier(1e-12, &m, &s);
	ck_assert_int_eq(m, 0);
	ck_assert_int_eq(s, 0);
	/* 1 - 2^-40 rounds up to 2^31: becomes 2^30 with shift + 1. */
	npu_host_quantize_multiplier(1.0 - 1.0 / (1ll << 40), &m, &s);
	ck_assert_int_eq(m, 1 << 30);
	ck_assert_int_eq(s, 1);
	/* Huge but finite: saturates at the largest shift. */
	ck_assert_int_eq(npu_host_quantize_multiplier(1e300, &m, &s), 0);
	ck_assert_int_eq(m, INT32_MAX);
	ck_assert_int_eq(s, 30);
}
END_TEST

/* Scales a damaged model can produce are refused, not rounded (UB). */
START_TEST(quantize_multiplier_refuses)
{
	static const double bad[] = {
		NAN, -NAN, INFINITY, -INFINITY, -0.5, -1e-12,
		DBL_MIN / 4, -DBL_MIN / 4,
	};
	struct npu_eltwise_params e;
	struct npu_leaky_relu_params l;
	struct npu_mean_params mean;
	int32_t m, sh[2], mult[2];
	int s;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		m = 7;
		s = 7;
		ck_assert_int_eq(npu_host_quantize_multiplier(bad[i], &m, &s),
				 -EINVAL);
		ck_assert_int_eq(m, 0);
		ck_assert_int_eq(s, 0);
	}
	/* The parameter helpers pass the refusal on. */
	ck_assert_int_eq(npu_host_conv_multipliers(1.0f, (const float[]){ 1.0f,
						   NAN }, 2, 1.0f, 2, mult, sh),
			 -EINVAL);
	ck_assert_int_eq(mult[0], 1 << 30);
	ck_assert_int_eq(npu_host_fc_multiplier(3e38f, 3e38f, 1.0f, &m, sh),
			 -EINVAL);
	ck_assert_int_eq(npu_host_add_sub_params(1.0f, 1.0f, 0.0f,
						 NPU_DTYPE_INT8, &e), -EINVAL);
	ck_assert_int_eq(npu_host_mul_params(1.0f, -1.0f, 1.0f, &e), -EINVAL);
	ck_assert_int_eq(npu_host_mean_params(INFINITY, 1.0f, 4, &mean), -EINVAL);
	ck_assert_int_eq(npu_host_leaky_relu_params(1.0f, 1.0f, NAN, &l),
			 -EINVAL);
	/* A negative alpha is legal: the magnitude's multiplier, negated. */
	ck_assert_int_eq(npu_host_leaky_relu_params(1.0f, 1.0f, -0.75f, &l),
			 0);
	ck_assert_int_eq(l.multiplier_alpha, -(3 << 29));
	ck_assert_int_eq(l.shift_alpha, 0);
}
END_TEST

START_TEST(activation_range)
{
	int32_t lo, hi;

	/* RELU6 with scale 0.1, zp -10: [-10, -10 + 60]. */
	npu_host_activation_range(NPU_HOST_ACT_RELU6, 0.1f, -10,
				  NPU_DTYPE_INT8, &lo, &hi);
	ck_assert_int_eq(lo, -10);
	ck_assert_int_eq(hi, 50);
	npu_host_activation_range(NPU_HOST_ACT_RELU, 0.5f, 5,
				  NPU_DTYPE_INT8, &lo, &hi);
	ck_assert_int_eq(lo, 5);
	ck_assert_int_eq(hi, 127);
	/* RELU_N1_TO_1, scale 1/64, zp 0: [-64, 64]. */
	npu_host_activation_range(NPU_HOST_ACT_RELU_N1_TO_1, 1.0f / 64, 0,
				  NPU_DTYPE_INT8, &lo, &hi);
	ck_assert_int_eq(lo, -64);
	ck_assert_int_eq(hi, 64);
	npu_host_activation_range(NPU_HOST_ACT_NONE, 1.0f, 0,
				  NPU_DTYPE_INT16, &lo, &hi);
	ck_assert_int_eq(lo, -32768);
	ck_assert_int_eq(hi, 32767);
}
END_TEST

/* npu_fw_round_scale() of @x by the double @scale. */
static int32_t round_scale(int64_t x, double scale)
{
	uint64_t bits;

	memcpy(&bits, &scale, sizeof(bits));
	return npu_fw_round_scale(x, (uint32_t)bits, (uint32_t)(bits >> 32));
}

/* What TFLite's (int32_t)round((double)x * scale) gives on x86-64. */
static int32_t round_scale_ref(int64_t x, double scale)
{
	const double r = round((double)x * scale);

	return r > -2147483648.0 && r < 2147483648.0 ? (int32_t)r : INT32_MIN;
}

START_TEST(round_scale_cases)
{
	/* Halves go away from zero (a Q31 single rounding takes -2.5 to -2). */
	ck_assert_int_eq(round_scale(5, 0.5), 3);
	ck_assert_int_eq(round_scale(-5, 0.5), -3);
	ck_assert_int_eq(round_scale(-3, 0.5), -2);
	ck_assert_int_eq(round_scale(1, 0.5), 1);
	ck_assert_int_eq(round_scale(-1, 0.5), -1);
	ck_assert_int_eq(round_scale(7, 0.25), 2);
	ck_assert_int_eq(round_scale(0, 3.0), 0);
	/* Outside int32: INT32_MIN, as cvttsd2si; -2^31 itself is exact. */
	ck_assert_int_eq(round_scale(1 << 30, 2.0), INT32_MIN);
	ck_assert_int_eq(round_scale(-(1 << 30), 2.0), INT32_MIN);
	ck_assert_int_eq(round_scale(10000, 1e6), INT32_MIN);
	ck_assert_int_eq(round_scale((1 << 30) - 1, 2.0), 2147483646);
	ck_assert_int_eq(round_scale(5, INFINITY), INT32_MIN);
	ck_assert_int_eq(round_scale(0, NAN), INT32_MIN);
	/* Zero and subnormal scales, a negative scale. */
	ck_assert_int_eq(round_scale(INT32_MAX, 0.0), 0);
	ck_assert_int_eq(round_scale(INT64_MAX, DBL_MIN / 4), 0);
	ck_assert_int_eq(round_scale(5, -0.5), -3);
}
END_TEST

static uint64_t xorshift(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/*
 * Against the host's double arithmetic: scales made as TFLite makes them
 * (float scales multiplied in double), short scales whose products land
 * on halves, any exponent; int32 and int64 accumulators.
 */
START_TEST(round_scale_matches_double)
{
	uint64_t seed = 0x9e3779b97f4a7c15ull;

	for (int i = 0; i < 100000; i++) {
		const uint64_t r = xorshift(&seed), r2 = xorshift(&seed);
		double scale;
		int64_t x;

		switch (i % 4) {
		case 0:
			scale = (double)(float)ldexp((double)(r & 0xffffff), -(int)(r >> 60) - 30) *
				(double)(float)ldexp((double)(r2 & 0xffffff), -28) /
				(double)(float)ldexp((double)((r2 >> 24) | 1), -30);
			break;
		case 1:
			scale = ldexp((double)(r & 0xff), -(int)((r >> 8) & 15));
			break;
		case 2:
			scale = ldexp((double)((r >> 11) | 1), -80 + (int)((r2 >> 40) % 120));
			break;
		default:
			scale = ldexp((double)(r >> 11), -53 - (int)(r2 >> 58));
			break;
		}
		x = (int64_t)xorshift(&seed);
		if (i & 8)
			x >>= 32 + (r2 & 31);
		ck_assert_msg(round_scale(x, scale) == round_scale_ref(x, scale),
			      "x %lld scale %a: %d, expected %d", (long long)x, scale,
			      round_scale(x, scale), round_scale_ref(x, scale));
	}
}
END_TEST

Suite *suite_fixedpoint(void)
{
	Suite *s = suite_create("fixedpoint");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, srdhm_cases);
	tcase_add_test(tc, rdivpot_cases);
	tcase_add_test(tc, mbqm_cases);
	tcase_add_test(tc, mbqm64_cases);
	tcase_add_test(tc, quantize_multiplier);
	tcase_add_test(tc, quantize_multiplier_refuses);
	tcase_add_test(tc, activation_range);
	tcase_add_test(tc, round_scale_cases);
	tcase_add_test(tc, round_scale_matches_double);
	suite_add_tcase(s, tc);
	return s;
}
