// SPDX-License-Identifier: MIT
/*
 * MAXIMUM, MINIMUM, PRELU and ARG_MAX/ARG_MIN on cases worked out by hand
 * in the comments (not computed by the code under test), and the host's
 * int8 HARD_SWISH table.
 */
#include <errno.h>

#include "fw_test.h"

START_TEST(maximum_minimum)
{
	/*
	 * [2,2] {1,-5; 7,0} against the row [1,2] {3,-1}: max {3,-1; 7,0},
	 * min {1,-5; 3,-1}; clamped to [-128, 6]: max {3,-1; 6,0}.  int16
	 * [3] {-300, 5, 1000} against [1] {4}: max {4, 5, 1000}.
	 */
	const int8_t a[4] = { 1, -5, 7, 0 }, b[2] = { 3, -1 };
	const int16_t a16[3] = { -300, 5, 1000 }, b16[1] = { 4 };
	struct npu_eltwise_params p = { 0 };
	int8_t out[4];
	int16_t out16[3];

	TENSOR(&p.input1, 0, NPU_DTYPE_INT8, 0, 2, 2);
	TENSOR(&p.input2, 0, NPU_DTYPE_INT8, 0, 1, 2);
	TENSOR(&p.output, 0, NPU_DTYPE_INT8, 0, 2, 2);
	p.act_min = -128;
	p.act_max = 127;
	CHECK_OK(NPU_CMD_MAXIMUM, &p);
	npu_op_maximum_s8(&p, a, b, out);
	ck_assert_mem_eq(out, ((const int8_t[]){ 3, -1, 7, 0 }), 4);
	npu_op_minimum_s8(&p, a, b, out);
	ck_assert_mem_eq(out, ((const int8_t[]){ 1, -5, 3, -1 }), 4);
	p.act_max = 6;
	npu_op_maximum_s8(&p, a, b, out);
	ck_assert_mem_eq(out, ((const int8_t[]){ 3, -1, 6, 0 }), 4);
	p.output_multiplier = 1 << 30;	/* would requantize */
	CHECK_BAD(NPU_CMD_MINIMUM, &p);

	memset(&p, 0, sizeof(p));
	TENSOR(&p.input1, 0, NPU_DTYPE_INT16, 0, 3);
	TENSOR(&p.input2, 0, NPU_DTYPE_INT16, 0, 1);
	TENSOR(&p.output, 0, NPU_DTYPE_INT16, 0, 3);
	p.act_min = -32768;
	p.act_max = 32767;
	CHECK_OK(NPU_CMD_MAXIMUM, &p);
	npu_op_maximum_s16(&p, a16, b16, out16);
	ck_assert_mem_eq(out16, ((const int16_t[]){ 4, 5, 1000 }), 6);
}
END_TEST

/*
 * uint8 (NPU_FW_FEAT_MINMAX_U8): the stored bytes compared, whatever the
 * zero point: [2,2] {0, 200; 129, 255} against [1,2] {128, 201}: max
 * {128, 201; 129, 255}, min {0, 200; 128, 201}; clamped to [0, 250]:
 * max {128, 201; 129, 250}.  A stream with one needs the feature; mixed
 * signedness is refused.
 */
START_TEST(maximum_minimum_u8)
{
	const uint8_t a[4] = { 0, 200, 129, 255 }, b[2] = { 128, 201 };
	struct npu_eltwise_params p = { 0 };
	struct npu_cs_writer w;
	uint32_t words[64];
	uint8_t out[4];

	TENSOR(&p.input1, 0, NPU_DTYPE_UINT8, 128, 2, 2);
	TENSOR(&p.input2, 0, NPU_DTYPE_UINT8, 128, 1, 2);
	TENSOR(&p.output, 0, NPU_DTYPE_UINT8, 128, 2, 2);
	p.act_min = 0;
	p.act_max = 255;
	CHECK_OK(NPU_CMD_MAXIMUM, &p);
	npu_op_maximum_u8(&p, a, b, out);
	ck_assert_mem_eq(out, ((const uint8_t[]){ 128, 201, 129, 255 }), 4);
	npu_op_minimum_u8(&p, a, b, out);
	ck_assert_mem_eq(out, ((const uint8_t[]){ 0, 200, 128, 201 }), 4);
	p.act_max = 250;
	npu_op_maximum_u8(&p, a, b, out);
	ck_assert_mem_eq(out, ((const uint8_t[]){ 128, 201, 129, 250 }), 4);
	npu_cs_init(&w, words, sizeof(words));
	npu_cs_emit(&w, NPU_CMD_MINIMUM, &p);
	ck_assert_int_eq(w.error, 0);
	ck_assert_uint_eq(npu_fw_stream_features(words, npu_cs_bytes(&w)) &
			  NPU_FW_FEAT_MINMAX_U8, NPU_FW_FEAT_MINMAX_U8);
	p.act_min = -1;
	CHECK_BAD(NPU_CMD_MAXIMUM, &p);
	p.act_min = 0;
	TENSOR(&p.input2, 0, NPU_DTYPE_INT8, 0, 1, 2);
	CHECK_BAD(NPU_CMD_MAXIMUM, &p);
}
END_TEST

START_TEST(prelu_s8)
{
	/*
	 * input [1,2,2] zp 2 {5, 0, -4, 2} -> v {3, -2, -6, 0}; alpha
	 * [1,1,2] zp 0 {4, -2} per channel; identity * 1 (2^30, shift 1),
	 * alpha branch * 0.5 (2^30, shift 0); out zp -1:
	 *  3 -> 3 - 1 = 2;  -2 * -2 = 4 -> 2 - 1 = 1;
	 *  -6 * 4 = -24 -> -12 - 1 = -13;  0 -> 0 - 1 = -1.
	 */
	const int8_t in[4] = { 5, 0, -4, 2 }, alpha[2] = { 4, -2 };
	const int8_t expect[4] = { 2, 1, -13, -1 };
	struct npu_prelu_params p = { 0 };
	int8_t out[4];

	TENSOR(&p.input, 0, NPU_DTYPE_INT8, 2, 1, 2, 2);
	TENSOR(&p.alpha, 0, NPU_DTYPE_INT8, 0, 1, 1, 2);
	TENSOR(&p.output, 0, NPU_DTYPE_INT8, -1, 1, 2, 2);
	p.multiplier_identity = 1 << 30;
	p.shift_identity = 1;
	p.multiplier_alpha = 1 << 30;
	p.shift_alpha = 0;
	CHECK_OK(NPU_CMD_PRELU, &p);
	npu_op_prelu_s8(&p, in, alpha, out);
	ck_assert_mem_eq(out, expect, sizeof(expect));
	TENSOR(&p.alpha, 0, NPU_DTYPE_INT8, 0, 1, 3, 2);	/* no broadcast */
	CHECK_BAD(NPU_CMD_PRELU, &p);
	TENSOR(&p.alpha, 0, NPU_DTYPE_INT16, 0, 1, 1, 2);
	CHECK_BAD(NPU_CMD_PRELU, &p);
}
END_TEST

START_TEST(prelu_s16)
{
	/*
	 * TFLite 2.21's interpreter on a 16x8 PRELU: input [2, 8] int16
	 * 1000 * (-8..7) at scale 0.001, alpha [8] int8 {0, 1, 2, 3, -4, 5,
	 * 60, -70} at 0.001, output scale 0.002, zero points 0.
	 */
	static const int8_t alpha[8] = { 0, 1, 2, 3, -4, 5, 60, -70 };
	static const int16_t expect[16] = {
		0, -4, -6, -8, 8, -8, -60, 35,
		0, 500, 1000, 1500, 2000, 2500, 3000, 3500 };
	struct npu_prelu_params p = { 0 };
	struct npu_cs_writer w;
	uint32_t words[64];
	int16_t in[16], out[16];
	int32_t shift;
	int i;

	for (i = 0; i < 16; i++)
		in[i] = (int16_t)(1000 * (i - 8));
	TENSOR(&p.input, 0, NPU_DTYPE_INT16, 0, 2, 8);
	TENSOR(&p.alpha, 0, NPU_DTYPE_INT8, 0, 1, 8);
	TENSOR(&p.output, 0, NPU_DTYPE_INT16, 0, 2, 8);
	ck_assert_int_eq(npu_host_quantize_multiplier((double)(0.001f / 0.002f),
						      &p.multiplier_identity,
						      &shift), 0);
	p.shift_identity = shift;
	ck_assert_int_eq(npu_host_quantize_multiplier((double)(0.001f * 0.001f /
							       0.002f),
						      &p.multiplier_alpha,
						      &shift), 0);
	p.shift_alpha = shift;
	CHECK_OK(NPU_CMD_PRELU, &p);
	npu_cs_init(&w, words, sizeof(words));
	npu_cs_emit(&w, NPU_CMD_PRELU, &p);
	ck_assert_int_eq(w.error, 0);
	ck_assert_uint_eq(npu_fw_stream_features(words, npu_cs_bytes(&w)) &
			  NPU_FW_FEAT_PRELU_S16, NPU_FW_FEAT_PRELU_S16);
	npu_op_prelu_s16(&p, in, alpha, out);
	ck_assert_mem_eq(out, expect, sizeof(expect));
	/* alpha must be int8, the output int16. */
	TENSOR(&p.alpha, 0, NPU_DTYPE_INT16, 0, 1, 8);
	CHECK_BAD(NPU_CMD_PRELU, &p);
	TENSOR(&p.alpha, 0, NPU_DTYPE_INT8, 0, 1, 8);
	TENSOR(&p.output, 0, NPU_DTYPE_INT8, 0, 2, 8);
	CHECK_BAD(NPU_CMD_PRELU, &p);
}
END_TEST

START_TEST(arg_max_min)
{
	/*
	 * int8 [2,3] {3,7,7; -1,-1,-5}: along axis 1 argmax {1, 0} (the
	 * first of equal values), argmin {0, 2}; along axis 0 argmax {0,0,0}
	 * (int64).  uint8 [4] {200, 10, 255, 255}: argmax 2, argmin 1.
	 */
	const int8_t in[6] = { 3, 7, 7, -1, -1, -5 };
	const uint8_t u8[4] = { 200, 10, 255, 255 };
	struct npu_arg_params p = { 0 };
	int32_t out[2];
	int64_t out64[3];

	TENSOR(&p.input, 0, NPU_DTYPE_INT8, 0, 2, 3);
	TENSOR(&p.output, 0, NPU_DTYPE_INT32, 0, 2, 1);
	p.axis = 1;
	CHECK_OK(NPU_CMD_ARG_MAX, &p);
	npu_op_arg_min_max(&p, 1, in, out);
	ck_assert_int_eq(out[0], 1);
	ck_assert_int_eq(out[1], 0);
	npu_op_arg_min_max(&p, 0, in, out);
	ck_assert_int_eq(out[0], 0);
	ck_assert_int_eq(out[1], 2);

	TENSOR(&p.output, 0, NPU_DTYPE_INT64, 0, 1, 3);
	p.axis = 0;
	CHECK_OK(NPU_CMD_ARG_MIN, &p);
	npu_op_arg_min_max(&p, 1, in, out64);
	ck_assert(out64[0] == 0 && out64[1] == 0 && out64[2] == 0);

	TENSOR(&p.input, 0, NPU_DTYPE_UINT8, 0, 4);
	TENSOR(&p.output, 0, NPU_DTYPE_INT32, 0, 1);
	CHECK_OK(NPU_CMD_ARG_MAX, &p);
	npu_op_arg_min_max(&p, 1, u8, out);
	ck_assert_int_eq(out[0], 2);
	npu_op_arg_min_max(&p, 0, u8, out);
	ck_assert_int_eq(out[0], 1);

	p.axis = 1;			/* beyond rank 1 */
	CHECK_BAD(NPU_CMD_ARG_MAX, &p);
	p.axis = 0;
	TENSOR(&p.output, 0, NPU_DTYPE_INT8, 0, 1);	/* index type */
	CHECK_BAD(NPU_CMD_ARG_MAX, &p);
}
END_TEST

START_TEST(hard_swish_table)
{
	/*
	 * Scales 0.05 in and out, zero points 0: x * relu6(x + 3) / 6 is x
	 * from x = 3 (q 60) up, 0 from x = -3 (q -60) down; x = 1 (q 20):
	 * 4/6 -> 13.3 -> 13; x = -1.5 (q -30): -0.375 -> -7.5 -> -8 (the
	 * value TFLite 2.21's interpreter gives, tests/models builtins).
	 * An output scale below in_scale / 128 needs a left shift, which
	 * TFLite refuses.
	 */
	int8_t t[256];
	int v;

	ck_assert_int_eq(npu_host_hard_swish_lut_s8(0.05f, 0, 0.05f, 0, t), 0);
	for (v = 60; v <= 127; v++)
		ck_assert_int_eq(t[v + 128], v);
	for (v = -128; v <= -60; v++)
		ck_assert_int_eq(t[v + 128], 0);
	ck_assert_int_eq(t[128], 0);
	ck_assert_int_eq(t[128 + 20], 13);
	ck_assert_int_eq(t[128 - 30], -8);
	ck_assert_int_eq(npu_host_hard_swish_lut_s8(1.0f, 0, 0.001f, 0, t),
			 -ERANGE);
}
END_TEST

START_TEST(unary_tables)
{
	/*
	 * ABS, scales equal (no requantization), zp 3 in, -1 out: q 1 ->
	 * |1 - 3| - 1 = 1; q -128 -> 131 - 1 -> 127 (saturated).
	 * SQRT, 0.25 in, 0.5 out, zp 0: q 16 -> sqrt(4) / 0.5 = 4; q 14 ->
	 * sqrt(3.5) / 0.5 = 3.74 -> 3 (TFLite truncates); q -4 -> 0.
	 * EXP, 1/16 in zp 0, 1/64 out zp -128: q 0 -> 64 - 128 = -64.
	 * LOG, 1/16 in zp 0, 0.1 out zp 0: q 16 -> log 1 = 0; q 0 and below
	 * -> the output minimum, -128.
	 */
	int8_t t[256];

	ck_assert_int_eq(npu_host_unary_lut_s8(NPU_HOST_UNARY_ABS, 0.5f, 3,
					       0.5f, -1, t), 0);
	ck_assert_int_eq(t[128 + 1], 1);
	ck_assert_int_eq(t[0], 127);
	ck_assert_int_eq(npu_host_unary_lut_s8(NPU_HOST_UNARY_SQRT, 0.25f, 0,
					       0.5f, 0, t), 0);
	ck_assert_int_eq(t[128 + 16], 4);
	ck_assert_int_eq(t[128 + 14], 3);
	ck_assert_int_eq(t[128 - 4], 0);
	ck_assert_int_eq(npu_host_unary_lut_s8(NPU_HOST_UNARY_EXP, 1.0f / 16,
					       0, 1.0f / 64, -128, t), 0);
	ck_assert_int_eq(t[128], -64);
	ck_assert_int_eq(npu_host_unary_lut_s8(NPU_HOST_UNARY_LOG, 1.0f / 16,
					       0, 0.1f, 0, t), 0);
	ck_assert_int_eq(t[128 + 16], 0);
	ck_assert_int_eq(t[128], -128);
	ck_assert_int_eq(t[0], -128);
	ck_assert_int_eq(npu_host_unary_lut_s8(NPU_HOST_UNARY_LOG, 0.0f, 0,
					       0.1f, 0, t), -EINVAL);
}
END_TEST

START_TEST(unary_tables_tflite)
{
	/*
	 * Outputs of TF 2.21's interpreter (BUILTIN_REF) for inputs q = -8..7
	 * (int16: 1000 q), both tensors quantized alike:
	 * RSQRT int8, 0.05 / zp 3, inputs 18..10 (its integer Newton-Raphson
	 * inverse square root, twice requantized); GELU int8, 0.05 / zp 3;
	 * GELU int16, 0.001 (its interpolated table); NEG wraps -128.
	 */
	static const int8_t rsqrt_in[9] = { 18, 17, 16, 15, 14, 13, 12, 11, 10 };
	static const int8_t rsqrt_out[9] = { 26, 27, 28, 29, 30, 31, 33, 35, 37 };
	static const int8_t gelu_out[16] = { 0, 0, 0, 0, 0, 1, 1, 1,
					     2, 2, 3, 3, 4, 4, 5, 5 };
	static const int16_t gelu16_out[16] = {
		0, 0, 0, 0, 0, -4, -45, -160, -1, 841, 1954, 2995, 3999, 4999,
		5999, 7000 };
	struct npu_lut_params p = { 0 };
	int16_t t16[513], in16[16], out16[16];
	int8_t t[256];
	uint8_t tu[256];
	int i;

	ck_assert_int_eq(npu_host_unary_lut_s8(NPU_HOST_UNARY_RSQRT, 0.05f, 3,
					       0.05f, 3, t), 0);
	for (i = 0; i < 9; i++)
		ck_assert_int_eq(t[rsqrt_in[i] + 128], rsqrt_out[i]);
	ck_assert_int_eq(t[3 + 128], 127);	/* x = 0: the maximum */
	ck_assert_int_eq(npu_host_unary_lut_s8(NPU_HOST_UNARY_GELU, 0.05f, 3,
					       0.05f, 3, t), 0);
	for (i = 0; i < 16; i++)
		ck_assert_int_eq(t[i - 8 + 128], gelu_out[i]);
	ck_assert_int_eq(npu_host_unary_lut_s8(NPU_HOST_UNARY_NEG, 0.05f, 3,
					       0.1f, -7, t), 0);
	ck_assert_int_eq(t[0], -128);
	ck_assert_int_eq(t[128 + 5], -5);
	ck_assert_int_eq(t[255], -127);
	/* uint8: GELU only; the real zero (q 131) maps to the output's zp. */
	ck_assert_int_eq(npu_host_unary_lut_u8(NPU_HOST_UNARY_GELU_APPROX, 0.05f,
					       131, 0.03f, 20, tu), 0);
	ck_assert_int_eq(tu[131], 20);
	ck_assert_int_eq(npu_host_unary_lut_u8(NPU_HOST_UNARY_EXP, 0.05f, 131,
					       0.03f, 20, tu), -EINVAL);
	ck_assert_int_eq(npu_host_unary_lut_s16(NPU_HOST_UNARY_GELU, 0.001f, 0,
						0.001f, 0, t16), 0);
	for (i = 0; i < 16; i++)
		in16[i] = (int16_t)(1000 * (i - 8));
	TENSOR(&p.input, 0, NPU_DTYPE_INT16, 0, 16);
	TENSOR(&p.output, 0, NPU_DTYPE_INT16, 0, 16);
	CHECK_OK(NPU_CMD_LUT, &p);
	npu_op_lut_s16(&p, in16, t16, out16);
	ck_assert_mem_eq(out16, gelu16_out, sizeof(gelu16_out));
	/* int16 ABS, SQRT, NEG are not tables in TFLite. */
	ck_assert_int_eq(npu_host_unary_lut_s16(NPU_HOST_UNARY_ABS, 0.001f, 0,
						0.001f, 0, t16), -EINVAL);
}
END_TEST

Suite *suite_eltwise2(void)
{
	Suite *s = suite_create("eltwise2");
	TCase *tc = tcase_create("hand-worked");

	tcase_add_test(tc, maximum_minimum);
	tcase_add_test(tc, maximum_minimum_u8);
	tcase_add_test(tc, prelu_s8);
	tcase_add_test(tc, prelu_s16);
	tcase_add_test(tc, arg_max_min);
	tcase_add_test(tc, hard_swish_table);
	tcase_add_test(tc, unary_tables);
	tcase_add_test(tc, unary_tables_tflite);
	suite_add_tcase(s, tc);
	return s;
}
