// SPDX-License-Identifier: MIT
/*
 * SOFTMAX on cases worked out by hand in the comments (not computed by the
 * code under test); TFLite's own outputs are the tests/ops models' job.
 */
#include "fw_test.h"

/* input_multiplier / shift of beta * scale 1/16 * 2^26 = 2^22: 2^30, 23. */
static void softmax_params(struct npu_softmax_params *p, uint32_t in_type,
			   uint32_t out_type, int32_t out_zp, uint32_t rows,
			   uint32_t depth)
{
	memset(p, 0, sizeof(*p));
	TENSOR(&p->input, 0, in_type, 0, rows, depth);
	TENSOR(&p->output, 0, out_type, out_zp, rows, depth);
	p->input_multiplier = 1 << 30;
	p->input_left_shift = 23;
	p->diff_min = -50;
}

/*
 * A row of four equal values: every exp is exp(0) = 1 (INT32_MAX in Q0.31,
 * 2^19 in Q12.19), the sum 2^21 = 4, its reciprocal 1/4: 0.25 * 256 = 64
 * above the output's minimum, so int8 -64, uint8 64, int16 (1/65536)
 * 16384 - 32768 = -16384.  A row {10, -100} with diff_min -50: the second
 * difference (-110) is not counted and gives the minimum, the first is
 * 1.0 = 256 - 128, saturated to 127.
 */
START_TEST(softmax_equal_and_cut)
{
	const int8_t in[8] = { 3, 3, 3, 3, 10, -100, 0, 0 };
	const uint8_t in_u8[4] = { 200, 200, 200, 200 };
	struct npu_softmax_params p;
	int8_t out[8];
	uint8_t out_u8[4];
	int16_t out16[4];

	softmax_params(&p, NPU_DTYPE_INT8, NPU_DTYPE_INT8, -128, 1, 4);
	CHECK_OK(NPU_CMD_SOFTMAX, &p);
	npu_op_softmax(&p, in, out);
	ck_assert_mem_eq(out, ((const int8_t[]){ -64, -64, -64, -64 }), 4);

	softmax_params(&p, NPU_DTYPE_INT8, NPU_DTYPE_INT8, -128, 1, 2);
	npu_op_softmax(&p, in + 4, out);
	ck_assert_int_eq(out[0], 127);
	ck_assert_int_eq(out[1], -128);

	softmax_params(&p, NPU_DTYPE_UINT8, NPU_DTYPE_UINT8, 0, 1, 4);
	CHECK_OK(NPU_CMD_SOFTMAX, &p);
	npu_op_softmax(&p, in_u8, out_u8);
	ck_assert_mem_eq(out_u8, ((const uint8_t[]){ 64, 64, 64, 64 }), 4);

	softmax_params(&p, NPU_DTYPE_INT8, NPU_DTYPE_INT16, -32768, 1, 4);
	CHECK_OK(NPU_CMD_SOFTMAX, &p);
	npu_op_softmax(&p, in, out16);
	ck_assert_mem_eq(out16, ((const int16_t[]){ -16384, -16384, -16384, -16384 }), 8);
}
END_TEST

/*
 * Rows are independent: [2,2] {5, 5; 7, -100} is {0.5, 0.5} (128 - 128 =
 * 0 each) and, diff_min -50 cutting -107, {1.0 -> 127, -128}.
 */
START_TEST(softmax_rows)
{
	const int8_t in[4] = { 5, 5, 7, -100 };
	struct npu_softmax_params p;
	int8_t out[4];

	softmax_params(&p, NPU_DTYPE_INT8, NPU_DTYPE_INT8, -128, 2, 2);
	npu_op_softmax(&p, in, out);
	ck_assert_mem_eq(out, ((const int8_t[]){ 0, 0, 127, -128 }), 4);
}
END_TEST

/* The validator's limits, and the feature bit a stream with one needs. */
START_TEST(softmax_check)
{
	struct npu_softmax_params p;
	struct npu_cs_writer w;
	uint32_t words[64];

	softmax_params(&p, NPU_DTYPE_INT8, NPU_DTYPE_UINT8, 0, 1, 4);
	CHECK_BAD(NPU_CMD_SOFTMAX, &p);		/* int8 -> uint8 */
	softmax_params(&p, NPU_DTYPE_UINT8, NPU_DTYPE_INT8, -128, 1, 4);
	CHECK_BAD(NPU_CMD_SOFTMAX, &p);		/* uint8 -> int8 */
	softmax_params(&p, NPU_DTYPE_INT16, NPU_DTYPE_INT16, 0, 1, 4);
	CHECK_BAD(NPU_CMD_SOFTMAX, &p);		/* int16 input */
	softmax_params(&p, NPU_DTYPE_INT8, NPU_DTYPE_INT8, -128, 1, 4);
	TENSOR(&p.output, 0, NPU_DTYPE_INT8, -128, 2, 2);
	CHECK_BAD(NPU_CMD_SOFTMAX, &p);		/* shape */
	softmax_params(&p, NPU_DTYPE_INT8, NPU_DTYPE_INT8, -128, 1, 4);
	p.input_multiplier = 0;
	CHECK_BAD(NPU_CMD_SOFTMAX, &p);
	p.input_multiplier = 1 << 30;
	p.input_left_shift = 32;
	CHECK_BAD(NPU_CMD_SOFTMAX, &p);
	p.input_left_shift = 23;
	p.diff_min = 1;
	CHECK_BAD(NPU_CMD_SOFTMAX, &p);
	p.diff_min = -50;
	p.reserved = 1;
	CHECK_BAD(NPU_CMD_SOFTMAX, &p);
	p.reserved = 0;
	CHECK_OK(NPU_CMD_SOFTMAX, &p);

	npu_cs_init(&w, words, sizeof(words));
	npu_cs_emit(&w, NPU_CMD_SOFTMAX, &p);
	ck_assert_int_eq(w.error, 0);
	ck_assert_uint_eq(npu_fw_stream_features(words, npu_cs_bytes(&w)),
			  NPU_FW_FEAT_SOFTMAX);
	ck_assert_str_eq(npu_fw_cmd_name(NPU_CMD_SOFTMAX), "SOFTMAX");
}
END_TEST

/*
 * The exported gemmlowp pieces at points with known values: exp(0) = 1
 * (INT32_MAX), exp(-1/4) in Q0.31 = 1672461947.2 within the interval
 * polynomial's error (gemmlowp's gives 1672462419), 1/(1 + 0) = 1 and 1/(1 + 1/2) = 2/3 within the Newton-Raphson
 * steps' rounding; GetReciprocal(2^21, 12) is 1/4: 1.0 with 2 bits over.
 */
START_TEST(softmax_fixedpoint)
{
	int bits;

	ck_assert_int_eq(npu_fw_exp_on_negative_values(0, 5), INT32_MAX);
	ck_assert_int_eq(npu_fw_exp_on_negative_values(-(1 << 24), 5),
			 1672462419);
	ck_assert_int_ge(npu_fw_one_over_one_plus_x(0), INT32_MAX - 4);
	ck_assert_int_le(npu_fw_one_over_one_plus_x(1 << 30) - 1431655765, 4);
	ck_assert_int_ge(npu_fw_one_over_one_plus_x(1 << 30) - 1431655765, -4);
	ck_assert_int_ge(npu_fw_get_reciprocal(1 << 21, 12, &bits), INT32_MAX - 4);
	ck_assert_int_eq(bits, 2);
	ck_assert_int_eq(npu_fw_fp_rescale(INT32_MAX, 0, 12), 1 << 19);
	ck_assert_int_eq(npu_fw_fp_rescale(1 << 20, 12, 0), INT32_MAX);
	ck_assert_int_eq(npu_fw_rounding_half_sum(-3, 0), -2);
	ck_assert_int_eq(npu_fw_rounding_half_sum(3, 0), 2);
}
END_TEST

Suite *suite_softmax(void)
{
	Suite *s = suite_create("softmax");
	TCase *tc = tcase_create("softmax");

	tcase_add_test(tc, softmax_equal_and_cut);
	tcase_add_test(tc, softmax_rows);
	tcase_add_test(tc, softmax_check);
	tcase_add_test(tc, softmax_fixedpoint);
	suite_add_tcase(s, tc);
	return s;
}
