// SPDX-License-Identifier: MIT
/*
 * Reductions (fw_ops_reduce.c) on cases worked out by hand in the comments,
 * and the host's MEAN multiplier against values computed as TFLite 2.21's
 * reference QuantizedMeanOrSum does.
 */
#include <errno.h>

#include "fw_test.h"

START_TEST(mean_host_params)
{
	struct npu_mean_params p = { 0 };

	/*
	 * ratio 2 = 2^30 * 2^-31 * 2^2.  Count 35: floor(log2 35) = 5 bits
	 * of headroom, 2^35 / 35 = 981706810 (truncated), shift 2 - 5 = -3.
	 */
	ck_assert_int_eq(npu_host_mean_params(2.0f, 1.0f, 35, &p), 0);
	ck_assert_int_eq(p.multiplier, 981706810);
	ck_assert_int_eq(p.shift, -3);
	/* A power of two only moves the shift. */
	ck_assert_int_eq(npu_host_mean_params(2.0f, 1.0f, 4, &p), 0);
	ck_assert_int_eq(p.multiplier, 1 << 30);
	ck_assert_int_eq(p.shift, 0);
	/* SUM: count 1, the plain ratio. */
	ck_assert_int_eq(npu_host_mean_params(2.0f, 1.0f, 1, &p), 0);
	ck_assert_int_eq(p.multiplier, 1 << 30);
	ck_assert_int_eq(p.shift, 2);
	/*
	 * 3e-9 = 1729382257 * 2^-31 * 2^-28: the headroom stops at 31 - 28
	 * = 3 bits (shift -31), 1729382257 * 8 / 1000 = 13835058.
	 */
	ck_assert_int_eq(npu_host_mean_params(3e-9f, 1.0f, 1000, &p), 0);
	ck_assert_int_eq(p.multiplier, 13835058);
	ck_assert_int_eq(p.shift, -31);
	ck_assert_int_eq(npu_host_mean_params(1.0f, 1.0f, 0, &p), -EINVAL);
}
END_TEST

START_TEST(mean_s8_hw)
{
	/*
	 * 1x2x2x2, zp 1: ch0 {1,2,3,4} -> 0+1+2+3 = 6; ch1 {-1,-1,-1,-2} ->
	 * -2-2-2-3 = -9.  Ratio 1, count 4: (2^30, shift -1), i.e. * 0.25:
	 * 6 * 2^30 / 2^31 = 3, 3 / 2 rounded = 2;  -9 -> -4 (the doubling
	 * high multiply rounds -4.5 to -4), -4 / 2 = -2.  Out zp 2: 4, 0.
	 */
	const int8_t in[8] = { 1, -1, 2, -1, 3, -1, 4, -2 };
	const int8_t expect[2] = { 4, 0 };
	struct npu_mean_params p = { 0 };
	int8_t out[2];

	TENSOR(&p.input, 0, NPU_DTYPE_INT8, 1, 1, 2, 2, 2);
	TENSOR(&p.output, 0, NPU_DTYPE_INT8, 2, 1, 1, 1, 2);
	ck_assert_int_eq(npu_host_mean_params(1.0f, 1.0f, 4, &p), 0);
	ck_assert_int_eq(p.multiplier, 1 << 30);
	ck_assert_int_eq(p.shift, -1);
	p.axis_mask = 0x6;
	CHECK_OK(NPU_CMD_MEAN, &p);
	npu_op_mean_s8(&p, in, out);
	ck_assert_mem_eq(out, expect, sizeof(expect));
}
END_TEST

START_TEST(mean_s8_rank3_axis1)
{
	/*
	 * [1,3,2] over axis 1, zp -3: column sums of (x + 3) are -114 and
	 * 229.  Ratio 2 (0.1 / 0.05), count 3: (715827882 = 2^31 / 3, shift
	 * 1): -114 * 2 = -228, * 1/3 = -76; 458 / 3 = 152.67 -> 153.  Out
	 * zp 4: -72, 157 -> 127 (saturated).
	 */
	const int8_t in[6] = { 5, -7, 0, 100, -128, 127 };
	const int8_t expect[2] = { -72, 127 };
	struct npu_mean_params p = { 0 };
	int8_t out[2];

	TENSOR(&p.input, 0, NPU_DTYPE_INT8, -3, 1, 3, 2);
	TENSOR(&p.output, 0, NPU_DTYPE_INT8, 4, 1, 1, 2);
	ck_assert_int_eq(npu_host_mean_params(0.1f, 0.05f, 3, &p), 0);
	ck_assert_int_eq(p.multiplier, 715827882);
	ck_assert_int_eq(p.shift, 1);
	p.axis_mask = 1u << 1;
	CHECK_OK(NPU_CMD_MEAN, &p);
	npu_op_mean_s8(&p, in, out);
	ck_assert_mem_eq(out, expect, sizeof(expect));
}
END_TEST

START_TEST(mean_s16_all_axes)
{
	/*
	 * [2,2] over both axes: 100+200+300+401 = 1001, * (2^30, shift -1):
	 * the doubling high multiply gives 500.5 -> 501, the rounding shift
	 * 250.5 -> 251.  Two roundings, as TFLite (one would give 250).
	 */
	const int16_t in[4] = { 100, 200, 300, 401 };
	struct npu_mean_params p = { 0 };
	int16_t out[1];

	TENSOR(&p.input, 0, NPU_DTYPE_INT16, 0, 2, 2);
	TENSOR(&p.output, 0, NPU_DTYPE_INT16, 0, 1, 1);
	ck_assert_int_eq(npu_host_mean_params(1.0f, 1.0f, 4, &p), 0);
	p.axis_mask = 0x3;
	CHECK_OK(NPU_CMD_MEAN, &p);
	npu_op_mean_s16(&p, in, out);
	ck_assert_int_eq(out[0], 251);
}
END_TEST

START_TEST(mean_u8_channels)
{
	/*
	 * uint8 is int8's arithmetic on unsigned storage.  1x2x2x2, zp 128:
	 * ch0 {130,131,132,133} -> 2+3+4+5 = 14; ch1 {120,120,121,255} ->
	 * -8-8-7+127 = 104.  Ratio 1, count 4 (2^30, shift -1): 14 -> 7 ->
	 * 3.5 rounds to 4; 104 -> 52 -> 26.  Out zp 250: 254, 276 -> 255.
	 */
	const uint8_t in[8] = { 130, 120, 131, 120, 132, 121, 133, 255 };
	const uint8_t expect[2] = { 254, 255 };
	struct npu_mean_params p = { 0 };
	uint32_t words[64];
	struct npu_cs_writer w;
	uint8_t out[2];

	TENSOR(&p.input, 0, NPU_DTYPE_UINT8, 128, 1, 2, 2, 2);
	TENSOR(&p.output, 0, NPU_DTYPE_UINT8, 250, 1, 1, 1, 2);
	ck_assert_int_eq(npu_host_mean_params(1.0f, 1.0f, 4, &p), 0);
	p.axis_mask = 0x6;
	CHECK_OK(NPU_CMD_MEAN, &p);
	npu_cs_init(&w, words, sizeof(words));
	npu_cs_emit(&w, NPU_CMD_MEAN, &p);
	ck_assert_int_eq(w.error, 0);
	ck_assert_uint_eq(npu_fw_stream_features(words, npu_cs_bytes(&w)) &
			  NPU_FW_FEAT_MEAN_U8, NPU_FW_FEAT_MEAN_U8);
	npu_op_mean_u8(&p, in, out);
	ck_assert_mem_eq(out, expect, sizeof(expect));
	/* Mixed signedness is refused. */
	TENSOR(&p.output, 0, NPU_DTYPE_INT8, 0, 1, 1, 1, 2);
	CHECK_BAD(NPU_CMD_MEAN, &p);
}
END_TEST

START_TEST(reduce_max_min)
{
	/*
	 * [2,3] int8: rows {3,-9,7}, {-1,-128,0}.  Over axis 1: max {7, 0},
	 * min {-9, -128}; over axis 0: max {3, -9, 7}.  int16 [3] over axis
	 * 0: max 300, min -2.
	 */
	const int8_t in[6] = { 3, -9, 7, -1, -128, 0 };
	const int16_t in16[3] = { -2, 300, 5 };
	struct npu_reduce_params p = { 0 };
	int8_t out[3];
	int16_t out16[1];

	TENSOR(&p.input, 0, NPU_DTYPE_INT8, 5, 2, 3);
	TENSOR(&p.output, 0, NPU_DTYPE_INT8, 5, 2, 1);
	p.axis_mask = 0x2;
	CHECK_OK(NPU_CMD_REDUCE_MAX, &p);
	npu_op_reduce_max_s8(&p, in, out);
	ck_assert_int_eq(out[0], 7);
	ck_assert_int_eq(out[1], 0);
	npu_op_reduce_min_s8(&p, in, out);
	ck_assert_int_eq(out[0], -9);
	ck_assert_int_eq(out[1], -128);
	TENSOR(&p.output, 0, NPU_DTYPE_INT8, 5, 1, 3);
	p.axis_mask = 0x1;
	CHECK_OK(NPU_CMD_REDUCE_MIN, &p);
	npu_op_reduce_max_s8(&p, in, out);
	ck_assert_mem_eq(out, ((const int8_t[]){ 3, -9, 7 }), 3);

	TENSOR(&p.input, 0, NPU_DTYPE_INT16, 0, 3);
	TENSOR(&p.output, 0, NPU_DTYPE_INT16, 0, 1);
	p.axis_mask = 0x1;
	CHECK_OK(NPU_CMD_REDUCE_MAX, &p);
	npu_op_reduce_max_s16(&p, in16, out16);
	ck_assert_int_eq(out16[0], 300);
	npu_op_reduce_min_s16(&p, in16, out16);
	ck_assert_int_eq(out16[0], -2);
}
END_TEST

START_TEST(reduce_checks)
{
	struct npu_mean_params m = { 0 };
	struct npu_reduce_params r = { 0 };

	TENSOR(&m.input, 0, NPU_DTYPE_INT8, 0, 2, 3);
	TENSOR(&m.output, 0, NPU_DTYPE_INT8, 0, 2, 1);
	m.multiplier = 1 << 30;
	m.axis_mask = 0x2;
	CHECK_OK(NPU_CMD_MEAN, &m);
	m.axis_mask = 0x4;		/* beyond rank 2 */
	CHECK_BAD(NPU_CMD_MEAN, &m);
	m.axis_mask = 0x1;		/* output would be [1, 3] */
	CHECK_BAD(NPU_CMD_MEAN, &m);
	m.axis_mask = 0x2;
	m.shift = 31;
	CHECK_BAD(NPU_CMD_MEAN, &m);
	m.shift = 0;
	m.multiplier = -1;
	CHECK_BAD(NPU_CMD_MEAN, &m);
	m.multiplier = 1 << 30;
	TENSOR(&m.output, 0, NPU_DTYPE_INT8, 0, 2);	/* rank differs */
	CHECK_BAD(NPU_CMD_MEAN, &m);

	TENSOR(&r.input, 0, NPU_DTYPE_INT8, 0, 2, 3);
	TENSOR(&r.output, 0, NPU_DTYPE_INT8, 1, 2, 1);	/* zp differs */
	r.axis_mask = 0x2;
	CHECK_BAD(NPU_CMD_REDUCE_MAX, &r);
	TENSOR(&r.output, 0, NPU_DTYPE_INT16, 0, 2, 1);	/* type differs */
	CHECK_BAD(NPU_CMD_REDUCE_MIN, &r);
}
END_TEST

Suite *suite_reduce(void)
{
	Suite *s = suite_create("reduce");
	TCase *tc = tcase_create("hand-worked");

	tcase_add_test(tc, mean_host_params);
	tcase_add_test(tc, mean_s8_hw);
	tcase_add_test(tc, mean_s8_rank3_axis1);
	tcase_add_test(tc, mean_s16_all_axes);
	tcase_add_test(tc, mean_u8_channels);
	tcase_add_test(tc, reduce_max_min);
	tcase_add_test(tc, reduce_checks);
	suite_add_tcase(s, tc);
	return s;
}
