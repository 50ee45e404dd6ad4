// SPDX-License-Identifier: MIT
/*
 * Every op kernel against small cases worked out by hand in the comments
 * (not computed by the code under test).  Requantization with multiplier
 * 2^30: shift 0 is an exact * 0.5, shift 1 an exact * 1.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>

#include "fw_test.h"

static void conv_defaults(struct npu_conv_params *c)
{
	c->stride_h = c->stride_w = 1;
	c->dilation_h = c->dilation_w = 1;
	c->act_min = -128;
	c->act_max = 127;
}

START_TEST(conv2d_s8_per_channel)
{
	/*
	 * input 3x3x1, zp 1 -> effective 0..8:   0 1 2 / 3 4 5 / 6 7 8
	 * filters 2x2: oc0 = [1 0; 0 1], oc1 = [1 1; 1 1]; stride 2, pad 0
	 * (SAME for 3 -> 2), output 2x2x2.  Windows (rows, cols clipped):
	 *  (0,0): oc0 0+4 = 4,  oc1 0+1+3+4 = 8
	 *  (0,1): oc0 2,        oc1 2+5 = 7
	 *  (1,0): oc0 6,        oc1 6+7 = 13
	 *  (1,1): oc0 8,        oc1 8
	 * bias {100, -10}; oc0 * 0.5 (2^30, 0), oc1 * 1 (2^30, 1); out zp 5;
	 * clamp [3, 57]:
	 *  oc0: 104/2+5 = 57, 102/2+5 = 56, 106/2+5 = 58 -> 57, 59 -> 57
	 *  oc1: -2+5 = 3, -3+5 = 2 -> 3, 3+5 = 8, -2+5 = 3
	 */
	const int8_t in[9] = { 1, 2, 3, 4, 5, 6, 7, 8, 9 };
	const int8_t w[8] = { 1, 0, 0, 1, 1, 1, 1, 1 };
	const int32_t bias[2] = { 100, -10 };
	const int32_t mult[2] = { 1 << 30, 1 << 30 };
	const int32_t shift[2] = { 0, 1 };
	const int8_t expect[8] = { 57, 3, 56, 3, 57, 8, 57, 3 };
	struct npu_conv_params c = { 0 };
	int8_t out[8];

	TENSOR(&c.input, 0, NPU_DTYPE_INT8, 1, 1, 3, 3, 1);
	TENSOR(&c.filter, 0, NPU_DTYPE_INT8, 0, 2, 2, 2, 1);
	TENSOR(&c.output, 0, NPU_DTYPE_INT8, 5, 1, 2, 2, 2);
	conv_defaults(&c);
	c.stride_h = c.stride_w = 2;
	c.rq.count = 2;
	c.rq.flags = NPU_RQ_HAS_BIAS;
	c.act_min = 3;
	c.act_max = 57;
	CHECK_OK(NPU_CMD_CONV_2D, &c);
	npu_op_conv2d_s8(&c, in, w, bias, mult, shift, out);
	ck_assert_mem_eq(out, expect, sizeof(expect));
}
END_TEST

START_TEST(conv2d_s8_grouped_dilated)
{
	/*
	 * input 1x3x1x2 (H=3, W=1, C=2), zp 0: rows (1,10), (2,20), (3,30).
	 * 2 groups (filter depth 1), 2 output channels, kernel 2x1 with
	 * dilation 2 -> taps rows 0 and 2, VALID -> 1x1x1x2:
	 *   oc0 (group 0, ch0): 1*1 + 3*2 = 7;  oc1 (group 1, ch1): 10 - 30 = -20
	 * per-tensor * 1, no bias, out zp 0.
	 */
	const int8_t in[6] = { 1, 10, 2, 20, 3, 30 };
	const int8_t w[4] = { 1, 2, 1, -1 };
	const int8_t expect[2] = { 7, -20 };
	struct npu_conv_params c = { 0 };
	int8_t out[2];

	TENSOR(&c.input, 0, NPU_DTYPE_INT8, 0, 1, 3, 1, 2);
	TENSOR(&c.filter, 0, NPU_DTYPE_INT8, 0, 2, 2, 1, 1);
	TENSOR(&c.output, 0, NPU_DTYPE_INT8, 0, 1, 1, 1, 2);
	conv_defaults(&c);
	c.dilation_h = 2;
	c.rq.multiplier = 1 << 30;
	c.rq.shift = 1;
	CHECK_OK(NPU_CMD_CONV_2D, &c);
	npu_op_conv2d_s8(&c, in, w, NULL, NULL, NULL, out);
	ck_assert_mem_eq(out, expect, sizeof(expect));
}
END_TEST

START_TEST(conv2d_s16)
{
	/*
	 * 16x8: input 1x1x2x2 {(1000, -2000), (300, 400)}, 1x1 filters
	 * oc0 = (3, -1), oc1 = (0, 1); int64 bias {20000, 2^35}.
	 * oc0: 3000 + 2000 + 20000 = 25000;  900 - 400 + 20000 = 20500
	 *   mbqm64(x, 2^30, 0) = floor((x * 16384 + 16384) / 32768)
	 *   = floor(12500.5) = 12500; floor(10250.5) = 10250
	 * oc1: 2^35 - 2000 and 2^35 + 400 with shift -20:
	 *   floor((x + 2^20) / 2^21) = 16384 in both cases
	 */
	const int16_t in[4] = { 1000, -2000, 300, 400 };
	const int8_t w[4] = { 3, -1, 0, 1 };
	const int64_t bias[2] = { 20000, 1ll << 35 };
	const int32_t mult[2] = { 1 << 30, 1 << 30 };
	const int32_t shift[2] = { 0, -20 };
	const int16_t expect[4] = { 12500, 16384, 10250, 16384 };
	struct npu_conv_params c = { 0 };
	int16_t out[4];

	TENSOR(&c.input, 0, NPU_DTYPE_INT16, 0, 1, 1, 2, 2);
	TENSOR(&c.filter, 0, NPU_DTYPE_INT8, 0, 2, 1, 1, 2);
	TENSOR(&c.output, 0, NPU_DTYPE_INT16, 0, 1, 1, 2, 2);
	conv_defaults(&c);
	c.act_min = -32768;
	c.act_max = 32767;
	c.rq.count = 2;
	c.rq.flags = NPU_RQ_HAS_BIAS;
	CHECK_OK(NPU_CMD_CONV_2D, &c);
	npu_op_conv2d_s16(&c, in, w, bias, mult, shift, out);
	ck_assert_mem_eq(out, expect, sizeof(expect));
}
END_TEST

START_TEST(depthwise_s8)
{
	/*
	 * input 2x2x2: (1,2) (3,4) / (5,6) (7,8), depth multiplier 2 -> 4
	 * channels (oc = ic * 2 + m), 2x2 VALID -> 1x1x4.  Filters:
	 *   oc0 all 1 -> 1+3+5+7 = 16;  oc1 only tap (0,0) -> 1
	 *   oc2 all 1 -> 2+4+6+8 = 20;  oc3 2 at tap (1,1) -> 16
	 * * 1, out zp -3 -> 13, -2, 17, 13.
	 */
	const int8_t in[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	const int8_t w[16] = { 1, 1, 1, 0,  1, 0, 1, 0,
			       1, 0, 1, 0,  1, 0, 1, 2 };
	const int8_t expect[4] = { 13, -2, 17, 13 };
	struct npu_conv_params c = { 0 };
	int8_t out[4];

	TENSOR(&c.input, 0, NPU_DTYPE_INT8, 0, 1, 2, 2, 2);
	TENSOR(&c.filter, 0, NPU_DTYPE_INT8, 0, 1, 2, 2, 4);
	TENSOR(&c.output, 0, NPU_DTYPE_INT8, -3, 1, 1, 1, 4);
	conv_defaults(&c);
	c.depth_multiplier = 2;
	c.rq.multiplier = 1 << 30;
	c.rq.shift = 1;
	CHECK_OK(NPU_CMD_DEPTHWISE_CONV_2D, &c);
	npu_op_depthwise_s8(&c, in, w, NULL, NULL, NULL, out);
	ck_assert_mem_eq(out, expect, sizeof(expect));
}
END_TEST

START_TEST(depthwise_s16_padded)
{
	/*
	 * input 1x1x3x1 {100, -200, 300}, 1x3 kernel (1, 2, 3), SAME pad 1:
	 *   x0: (pad) 1*0 + 2*100 + 3*-200 = -400
	 *   x1: 100 + 2*-200 + 3*300 = 600
	 *   x2: -200 + 600 + 0 = 400
	 * bias 0 (int64 array), * 1: mbqm64(x, 2^30, 1) = floor(x + 0.5) = x.
	 */
	const int16_t in[3] = { 100, -200, 300 };
	const int8_t w[3] = { 1, 2, 3 };
	const int64_t bias[1] = { 0 };
	const int16_t expect[3] = { -400, 600, 400 };
	struct npu_conv_params c = { 0 };
	int16_t out[3];

	TENSOR(&c.input, 0, NPU_DTYPE_INT16, 0, 1, 1, 3, 1);
	TENSOR(&c.filter, 0, NPU_DTYPE_INT8, 0, 1, 1, 3, 1);
	TENSOR(&c.output, 0, NPU_DTYPE_INT16, 0, 1, 1, 3, 1);
	conv_defaults(&c);
	c.act_min = -32768;
	c.act_max = 32767;
	c.pad_left = 1;
	c.depth_multiplier = 1;
	c.rq.flags = NPU_RQ_HAS_BIAS;
	c.rq.multiplier = 1 << 30;
	c.rq.shift = 1;
	CHECK_OK(NPU_CMD_DEPTHWISE_CONV_2D, &c);
	npu_op_depthwise_s16(&c, in, w, bias, NULL, NULL, out);
	ck_assert_mem_eq(out, expect, sizeof(expect));
}
END_TEST

START_TEST(transpose_conv_s16)
{
	/*
	 * input 1x2x1x1 {100, 200}, filter 1x3x1x1 {1, 2, 3}, stride 2.
	 * pad 0, output height 5: in0 -> rows 0..2 += 100, 200, 300;
	 *   in1 -> rows 2..4 += 200, 400, 600 => {100, 200, 500, 400, 600}
	 * * 1 (mbqm64 floor(x + 0.5) = x).
	 */
	const int16_t in[2] = { 100, 200 };
	const int8_t w[3] = { 1, 2, 3 };
	const int16_t expect[5] = { 100, 200, 500, 400, 600 };
	struct npu_conv_params c = { 0 };
	int16_t out[5];

	TENSOR(&c.input, 0, NPU_DTYPE_INT16, 0, 1, 2, 1, 1);
	TENSOR(&c.filter, 0, NPU_DTYPE_INT8, 0, 1, 3, 1, 1);
	TENSOR(&c.output, 0, NPU_DTYPE_INT16, 0, 1, 5, 1, 1);
	conv_defaults(&c);
	c.act_min = -32768;
	c.act_max = 32767;
	c.stride_h = 2;
	c.rq.multiplier = 1 << 30;
	c.rq.shift = 1;
	CHECK_OK(NPU_CMD_TRANSPOSE_CONV, &c);
	npu_op_transpose_conv_s16(&c, in, w, NULL, NULL, NULL, out);
	ck_assert_mem_eq(out, expect, sizeof(expect));
}
END_TEST

START_TEST(transpose_conv_s8_padded)
{
	/*
	 * input {1, 2} with zp -1 -> effective {2, 3}; filter {1, 2, 3},
	 * stride 2, pad 1, output height 3: out row = 2 * in - 1 + k:
	 *   in0: rows -1 (dropped), 0, 1 += 2*2 = 4, 2*3 = 6
	 *   in1: rows 1, 2, 3 (dropped) += 3*1 = 3, 3*2 = 6
	 * => {4, 9, 6}, * 1, out zp 0.
	 */
	const int8_t in[2] = { 1, 2 };
	const int8_t w[3] = { 1, 2, 3 };
	const int8_t expect[3] = { 4, 9, 6 };
	struct npu_conv_params c = { 0 };
	int8_t out[3];

	TENSOR(&c.input, 0, NPU_DTYPE_INT8, -1, 1, 2, 1, 1);
	TENSOR(&c.filter, 0, NPU_DTYPE_INT8, 0, 1, 3, 1, 1);
	TENSOR(&c.output, 0, NPU_DTYPE_INT8, 0, 1, 3, 1, 1);
	conv_defaults(&c);
	c.stride_h = 2;
	c.pad_top = 1;
	c.rq.multiplier = 1 << 30;
	c.rq.shift = 1;
	CHECK_OK(NPU_CMD_TRANSPOSE_CONV, &c);
	npu_op_transpose_conv_s8(&c, in, w, NULL, NULL, NULL, out);
	ck_assert_mem_eq(out, expect, sizeof(expect));
}
END_TEST

START_TEST(fc_s8_offsets)
{
	/*
	 * input {10, 20, 30} zp 10 -> {0, 10, 20}; filter zp 1 (TFLite's
	 * per-tensor weights_offset) -> rows {0, 1, 2}, {-2, -1, 0}.
	 * unit0 = 10 + 40 = 50 + bias 6 = 56;  unit1 = -10 + 0 = -10
	 * * 0.5 -> 28, -5; out zp 1 -> 29, -4
	 */
	const int8_t in[3] = { 10, 20, 30 };
	const int8_t w[6] = { 1, 2, 3, -1, 0, 1 };
	const int32_t bias[2] = { 6, 0 };
	const int8_t expect[2] = { 29, -4 };
	struct npu_fc_params p = { 0 };
	int8_t out[2];

	TENSOR(&p.input, 0, NPU_DTYPE_INT8, 10, 1, 3);
	TENSOR(&p.filter, 0, NPU_DTYPE_INT8, 1, 2, 3);
	TENSOR(&p.output, 0, NPU_DTYPE_INT8, 1, 1, 2);
	p.rq.flags = NPU_RQ_HAS_BIAS;
	p.rq.multiplier = 1 << 30;
	p.act_min = -128;
	p.act_max = 127;
	CHECK_OK(NPU_CMD_FULLY_CONNECTED, &p);
	npu_op_fc_s8(&p, in, w, bias, NULL, NULL, out);
	ck_assert_mem_eq(out, expect, sizeof(expect));
}
END_TEST

START_TEST(fc_s16)
{
	/*
	 * input {-300, 200}; filters {2, 3}, {1, 1}; bias {7, -7}
	 * unit0 = -600 + 600 + 7 = 7;  unit1 = -100 - 7 = -107
	 * shift 1: floor((x * 16384 + 8192) / 16384) = floor(x + 0.5) = x
	 */
	const int16_t in[2] = { -300, 200 };
	const int8_t w[4] = { 2, 3, 1, 1 };
	const int64_t bias[2] = { 7, -7 };
	const int16_t expect[2] = { 7, -107 };
	struct npu_fc_params p = { 0 };
	int16_t out[2];

	TENSOR(&p.input, 0, NPU_DTYPE_INT16, 0, 1, 2);
	TENSOR(&p.filter, 0, NPU_DTYPE_INT8, 0, 2, 2);
	TENSOR(&p.output, 0, NPU_DTYPE_INT16, 0, 1, 2);
	p.rq.flags = NPU_RQ_HAS_BIAS;
	p.rq.multiplier = 1 << 30;
	p.rq.shift = 1;
	p.act_min = -32768;
	p.act_max = 32767;
	CHECK_OK(NPU_CMD_FULLY_CONNECTED, &p);
	npu_op_fc_s16(&p, in, w, bias, NULL, NULL, out);
	ck_assert_mem_eq(out, expect, sizeof(expect));
}
END_TEST

START_TEST(add_s8_broadcast)
{
	/*
	 * in1 [2,2] {2, 3, 5, -12} zp -1 -> a = {3, 4, 6, -11}
	 * in2 [1,2] {4, 10} zp 2 -> b = {2, 8} broadcast over rows
	 * left shift 20, input multipliers 0.5, output (2^30, -19): the result
	 * is round_half_away((a + b) / 2):
	 *   (3+2)/2 = 2.5 -> 3; 12/2 = 6; 8/2 = 4; (-11+8)/2 = -1.5 -> -2
	 * out zp 3 -> 6, 9, 7, 1; clamp max 8 -> 6, 8, 7, 1
	 */
	const int8_t in1[4] = { 2, 3, 5, -12 };
	const int8_t in2[2] = { 4, 10 };
	const int8_t expect[4] = { 6, 8, 7, 1 };
	struct npu_eltwise_params p = { 0 };
	int8_t out[4];

	TENSOR(&p.input1, 0, NPU_DTYPE_INT8, -1, 2, 2);
	TENSOR(&p.input2, 0, NPU_DTYPE_INT8, 2, 1, 2);
	TENSOR(&p.output, 0, NPU_DTYPE_INT8, 3, 2, 2);
	p.left_shift = 20;
	p.input1_multiplier = p.input2_multiplier = 1 << 30;
	p.output_multiplier = 1 << 30;
	p.output_shift = -19;
	p.act_min = -128;
	p.act_max = 8;
	CHECK_OK(NPU_CMD_ADD, &p);
	npu_op_add_s8(&p, in1, in2, out);
	ck_assert_mem_eq(out, expect, sizeof(expect));
}
END_TEST

START_TEST(sub_s16)
{
	/*
	 * 16x8 SUB, left shift 15, inputs * 0.5, output (2^30, -14):
	 * round_half_away((a - b) / 2): (1000 - 11) / 2 = 494.5 -> 495,
	 * (-1000 - 11) / 2 = -505.5 -> -506.  input2 broadcasts (rank 1).
	 */
	const int16_t in1[2] = { 1000, -1000 };
	const int16_t in2[1] = { 11 };
	const int16_t expect[2] = { 495, -506 };
	struct npu_eltwise_params p = { 0 };
	int16_t out[2];

	TENSOR(&p.input1, 0, NPU_DTYPE_INT16, 0, 2);
	TENSOR(&p.input2, 0, NPU_DTYPE_INT16, 0, 1);
	TENSOR(&p.output, 0, NPU_DTYPE_INT16, 0, 2);
	p.left_shift = 15;
	p.input1_multiplier = p.input2_multiplier = 1 << 30;
	p.output_multiplier = 1 << 30;
	p.output_shift = -14;
	p.act_min = -32768;
	p.act_max = 32767;
	CHECK_OK(NPU_CMD_SUB, &p);
	npu_op_sub_s16(&p, in1, in2, out);
	ck_assert_mem_eq(out, expect, sizeof(expect));
}
END_TEST

START_TEST(add_params_host)
{
	/* Equal scales 1.0, output 1.0, int8: input multipliers are
	 * 1 / 2 = 0.5 -> (2^30, 0); output 2 / 2^20 = 2^-19 -> (2^30, -18). */
	struct npu_eltwise_params p = { 0 };

	npu_host_add_sub_params(1.0f, 1.0f, 1.0f, NPU_DTYPE_INT8, &p);
	ck_assert_int_eq(p.left_shift, 20);
	ck_assert_int_eq(p.input1_multiplier, 1 << 30);
	ck_assert_int_eq(p.input1_shift, 0);
	ck_assert_int_eq(p.output_multiplier, 1 << 30);
	ck_assert_int_eq(p.output_shift, -18);
	npu_host_add_sub_params(1.0f, 1.0f, 1.0f, NPU_DTYPE_INT16, &p);
	ck_assert_int_eq(p.left_shift, 15);
	ck_assert_int_eq(p.output_shift, -13);
}
END_TEST

START_TEST(mul_s8)
{
	/* a = {3, -4} - 1 = {2, -5}; b = {10, 10}: 20, -50; * 0.5 -> 10,
	 * -25; out zp -1 -> 9, -26 */
	const int8_t in1[2] = { 3, -4 };
	const int8_t in2[2] = { 10, 10 };
	const int8_t expect[2] = { 9, -26 };
	struct npu_eltwise_params p = { 0 };
	int8_t out[2];

	TENSOR(&p.input1, 0, NPU_DTYPE_INT8, 1, 2);
	TENSOR(&p.input2, 0, NPU_DTYPE_INT8, 0, 2);
	TENSOR(&p.output, 0, NPU_DTYPE_INT8, -1, 2);
	p.output_multiplier = 1 << 30;
	p.act_min = -128;
	p.act_max = 127;
	CHECK_OK(NPU_CMD_MUL, &p);
	npu_op_mul_s8(&p, in1, in2, out);
	ck_assert_mem_eq(out, expect, sizeof(expect));
}
END_TEST

START_TEST(mul_s16)
{
	/* {300, -7} * {100, 3} = 30000, -21; * 0.5 -> 15000 and SRDHM's
	 * negative tie -10.5 -> -10 (towards zero); zero points 0 */
	const int16_t in1[2] = { 300, -7 };
	const int16_t in2[2] = { 100, 3 };
	const int16_t expect[2] = { 15000, -10 };
	struct npu_eltwise_params p = { 0 };
	int16_t out[2];

	TENSOR(&p.input1, 0, NPU_DTYPE_INT16, 0, 2);
	TENSOR(&p.input2, 0, NPU_DTYPE_INT16, 0, 2);
	TENSOR(&p.output, 0, NPU_DTYPE_INT16, 0, 2);
	p.output_multiplier = 1 << 30;
	p.act_min = -32768;
	p.act_max = 32767;
	CHECK_OK(NPU_CMD_MUL, &p);
	npu_op_mul_s16(&p, in1, in2, out);
	ck_assert_mem_eq(out, expect, sizeof(expect));
}
END_TEST

static void pool_defaults(struct npu_pool_params *p)
{
	p->stride_h = p->stride_w = 1;
	p->act_min = -128;
	p->act_max = 127;
}

START_TEST(avg_pool_s8)
{
	/*
	 * 2x3 input, 2x2 window, VALID -> 1x2:
	 *   {1,2,4,5} = 12 / 4 = 3;  {2,3,5,7} = 17 -> (17 + 2) / 4 = 4
	 * negated input: -12 -> (-12 - 2) / 4 = -3 (C truncation);
	 *   -17 -> (-17 - 2) / 4 = -4
	 */
	const int8_t in[6] = { 1, 2, 3, 4, 5, 7 };
	const int8_t nin[6] = { -1, -2, -3, -4, -5, -7 };
	const int8_t expect[2] = { 3, 4 }, nexpect[2] = { -3, -4 };
	struct npu_pool_params p = { 0 };
	int8_t out[2];

	TENSOR(&p.input, 0, NPU_DTYPE_INT8, 0, 1, 2, 3, 1);
	TENSOR(&p.output, 0, NPU_DTYPE_INT8, 0, 1, 1, 2, 1);
	pool_defaults(&p);
	p.filter_h = p.filter_w = 2;
	CHECK_OK(NPU_CMD_AVERAGE_POOL_2D, &p);
	npu_op_avg_pool_s8(&p, in, out);
	ck_assert_mem_eq(out, expect, sizeof(expect));
	npu_op_avg_pool_s8(&p, nin, out);
	ck_assert_mem_eq(out, nexpect, sizeof(nexpect));
}
END_TEST

START_TEST(avg_pool_s8_same)
{
	/* 1x2 input {10, 21}, 1x2 window, SAME (pad after): the second
	 * window holds one pixel, so the count is 1:
	 *   (31 + 1) / 2 = 16;  21 / 1 = 21 */
	const int8_t in[2] = { 10, 21 };
	const int8_t expect[2] = { 16, 21 };
	struct npu_pool_params p = { 0 };
	int8_t out[2];

	TENSOR(&p.input, 0, NPU_DTYPE_INT8, 0, 1, 1, 2, 1);
	TENSOR(&p.output, 0, NPU_DTYPE_INT8, 0, 1, 1, 2, 1);
	pool_defaults(&p);
	p.filter_h = 1;
	p.filter_w = 2;
	CHECK_OK(NPU_CMD_AVERAGE_POOL_2D, &p);
	npu_op_avg_pool_s8(&p, in, out);
	ck_assert_mem_eq(out, expect, sizeof(expect));
}
END_TEST

START_TEST(max_pool_s16)
{
	/* 2x2 window over {-5, 300, 7, -32768} = 300, clamped to 200;
	 * a second channel {1, 2, 3, 4} -> 4. */
	const int16_t in[8] = { -5, 1, 300, 2, 7, 3, -32768, 4 };
	const int16_t expect[2] = { 200, 4 };
	struct npu_pool_params p = { 0 };
	int16_t out[2];

	TENSOR(&p.input, 0, NPU_DTYPE_INT16, 0, 1, 2, 2, 2);
	TENSOR(&p.output, 0, NPU_DTYPE_INT16, 0, 1, 1, 1, 2);
	pool_defaults(&p);
	p.filter_h = p.filter_w = 2;
	p.act_min = -32768;
	p.act_max = 200;
	CHECK_OK(NPU_CMD_MAX_POOL_2D, &p);
	npu_op_max_pool_s16(&p, in, out);
	ck_assert_mem_eq(out, expect, sizeof(expect));
}
END_TEST

START_TEST(pad_ops)
{
	/* [2,2] {1,2,3,4}, one row before, one column after, value -7. */
	const int8_t in[4] = { 1, 2, 3, 4 };
	const int8_t expect[9] = { -7, -7, -7, 1, 2, -7, 3, 4, -7 };
	/* int16 rank 1: two before, one after, value -300. */
	const int16_t in16[2] = { 100, -200 };
	const int16_t expect16[5] = { -300, -300, 100, -200, -300 };
	struct npu_pad_params p = { 0 };
	int8_t out[9];
	int16_t out16[5];

	TENSOR(&p.input, 0, NPU_DTYPE_INT8, 0, 2, 2);
	TENSOR(&p.output, 0, NPU_DTYPE_INT8, 0, 3, 3);
	p.before[0] = 1;
	p.pad_value = -7;
	CHECK_OK(NPU_CMD_PAD, &p);
	npu_op_pad(&p, in, out);
	ck_assert_mem_eq(out, expect, sizeof(expect));

	memset(&p, 0, sizeof(p));
	TENSOR(&p.input, 0, NPU_DTYPE_INT16, 0, 2);
	TENSOR(&p.output, 0, NPU_DTYPE_INT16, 0, 5);
	p.before[0] = 2;
	p.pad_value = -300;
	CHECK_OK(NPU_CMD_PAD, &p);
	npu_op_pad(&p, in16, out16);
	ck_assert_mem_eq(out16, expect16, sizeof(expect16));
}
END_TEST

START_TEST(transpose_ops)
{
	/* [2,3] {1..6}, perm (1,0) -> [3,2] {1,4,2,5,3,6} */
	const int8_t in[6] = { 1, 2, 3, 4, 5, 6 };
	const int8_t expect[6] = { 1, 4, 2, 5, 3, 6 };
	/* int16 [2,1,3] perm (2,0,1): out[i][j][0] = in[j][0][i] */
	const int16_t in16[6] = { 10, 20, 30, 40, 50, 60 };
	const int16_t expect16[6] = { 10, 40, 20, 50, 30, 60 };
	struct npu_transpose_params p = { 0 };
	int8_t out[6];
	int16_t out16[6];

	TENSOR(&p.input, 0, NPU_DTYPE_INT8, 0, 2, 3);
	TENSOR(&p.output, 0, NPU_DTYPE_INT8, 0, 3, 2);
	p.perm[0] = 1;
	CHECK_OK(NPU_CMD_TRANSPOSE, &p);
	npu_op_transpose(&p, in, out);
	ck_assert_mem_eq(out, expect, sizeof(expect));

	memset(&p, 0, sizeof(p));
	TENSOR(&p.input, 0, NPU_DTYPE_INT16, 0, 2, 1, 3);
	TENSOR(&p.output, 0, NPU_DTYPE_INT16, 0, 3, 2, 1);
	p.perm[0] = 2;
	p.perm[1] = 0;
	p.perm[2] = 1;
	CHECK_OK(NPU_CMD_TRANSPOSE, &p);
	npu_op_transpose(&p, in16, out16);
	ck_assert_mem_eq(out16, expect16, sizeof(expect16));
}
END_TEST

START_TEST(concat_ops)
{
	/* [2,1] {1,2} at offset 0 and [2,2] {3,4,5,6} at offset 1 along
	 * axis 1 -> [2,3] {1,3,4, 2,5,6} */
	const int8_t a[2] = { 1, 2 }, b[4] = { 3, 4, 5, 6 };
	const int8_t expect[6] = { 1, 3, 4, 2, 5, 6 };
	struct npu_concat_params p = { 0 };
	int8_t out[6] = { 0 };

	TENSOR(&p.input, 0, NPU_DTYPE_INT8, 0, 2, 1);
	TENSOR(&p.output, 0, NPU_DTYPE_INT8, 0, 2, 3);
	p.axis = 1;
	CHECK_OK(NPU_CMD_CONCAT, &p);
	npu_op_concat(&p, a, NULL, out);
	TENSOR(&p.input, 0, NPU_DTYPE_INT8, 0, 2, 2);
	p.offset = 1;
	CHECK_OK(NPU_CMD_CONCAT, &p);
	npu_op_concat(&p, b, NULL, out);
	ck_assert_mem_eq(out, expect, sizeof(expect));
}
END_TEST

START_TEST(strided_slice_ops)
{
	/* [3,4] {0..11}, begin (2, 3), strides (-1, -2), out [2,2]:
	 * rows 2, 1 x cols 3, 1 -> {11, 9, 7, 5} */
	const int8_t in[12] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11 };
	const int8_t expect[4] = { 11, 9, 7, 5 };
	struct npu_slice_params p = { 0 };
	int8_t out[4];

	TENSOR(&p.input, 0, NPU_DTYPE_INT8, 0, 3, 4);
	TENSOR(&p.output, 0, NPU_DTYPE_INT8, 0, 2, 2);
	p.begin[0] = 2;
	p.begin[1] = 3;
	p.strides[0] = -1;
	p.strides[1] = -2;
	CHECK_OK(NPU_CMD_STRIDED_SLICE, &p);
	npu_op_strided_slice(&p, in, out);
	ck_assert_mem_eq(out, expect, sizeof(expect));
}
END_TEST

START_TEST(copy_reshape)
{
	const int16_t in[6] = { 1, -2, 3, -4, 5, -6 };
	struct npu_copy_params p = { 0 };
	int16_t out[6];

	TENSOR(&p.input, 0, NPU_DTYPE_INT16, 0, 2, 3);
	TENSOR(&p.output, 0, NPU_DTYPE_INT16, 0, 6);
	CHECK_OK(NPU_CMD_COPY, &p);
	npu_op_copy(&p, in, out);
	ck_assert_mem_eq(out, in, sizeof(in));
}
END_TEST

START_TEST(lut_s8)
{
	/* table[q + 128] = -q (saturated): {-128, 0, 5} -> {127, 0, -5} */
	const int8_t in[3] = { -128, 0, 5 };
	const int8_t expect[3] = { 127, 0, -5 };
	struct npu_lut_params p = { 0 };
	int8_t table[256], out[3];
	int q;

	for (q = -128; q < 128; q++)
		table[q + 128] = (int8_t)(q == -128 ? 127 : -q);
	TENSOR(&p.input, 0, NPU_DTYPE_INT8, 0, 3);
	TENSOR(&p.output, 0, NPU_DTYPE_INT8, 0, 3);
	CHECK_OK(NPU_CMD_LUT, &p);
	npu_op_lut_s8(&p, in, table, out);
	ck_assert_mem_eq(out, expect, sizeof(expect));
}
END_TEST

START_TEST(lut_s16_interpolation)
{
	/*
	 * table[k] = 16 k.  out = t[256 + (v >> 7)] + ((slope * frac + 64) >> 7)
	 *  v = 0:      t[256] = 4096
	 *  v = 100:    4096 + (1600 + 64) >> 7 = 4096 + 13 = 4109
	 *  v = -1:     t[255] = 4080, frac 127: (2032 + 64) >> 7 = 16 -> 4096
	 *  v = 32767:  t[511] = 8176 + 16 = 8192
	 *  v = -32768: t[0] = 0
	 */
	const int16_t in[5] = { 0, 100, -1, 32767, -32768 };
	const int16_t expect[5] = { 4096, 4109, 4096, 8192, 0 };
	struct npu_lut_params p = { 0 };
	int16_t table[513], out[5];
	int k;

	for (k = 0; k < 513; k++)
		table[k] = (int16_t)(16 * k);
	TENSOR(&p.input, 0, NPU_DTYPE_INT16, 0, 5);
	TENSOR(&p.output, 0, NPU_DTYPE_INT16, 0, 5);
	p.function = NPU_LUT_OTHER;
	CHECK_OK(NPU_CMD_LUT, &p);
	npu_op_lut_s16(&p, in, table, out);
	ck_assert_mem_eq(out, expect, sizeof(expect));
}
END_TEST

START_TEST(lut_host_tables)
{
	/* logistic(0) = 0.5: int8 with out scale 1/256, zp -128 -> 0;
	 * int16 with in scale 2^-12, out 2^-15 -> 16384 (the table's
	 * midpoint correction is at most 1). */
	int8_t t8[256];
	int16_t t16[513];

	npu_host_lut_s8(0.1f, 0, 1.0f / 256, -128, npu_host_logistic, t8);
	ck_assert_int_eq(t8[128], 0);
	ck_assert_int_eq(t8[0], -128 + 0);	/* logistic(-12.8) * 256 ~ 0 */
	ck_assert_int_eq(t8[255], 127);		/* saturates */
	npu_host_lut_s16(1.0f / 4096, 0, 1.0f / 32768, 0, npu_host_logistic,
			 t16);
	ck_assert_int_le(abs(t16[256] - 16384), 1);
	/* TFLite's 512 steps span [-8, 32767/4096], so entry 256 samples
	 * x = -8 + 256 * 65535 / (4096 * 512) = -1/8192, not 0:
	 * tanh(x) * 65536 / (65535 / 32768) = -4.0 -> -4. */
	npu_host_lut_s16(1.0f / 4096, 0, 1.0f / 32768, 0, npu_host_tanh, t16);
	ck_assert_int_eq(t16[256], -4);
}
END_TEST

/*
 * int16 LOGISTIC/TANH (NPU_CMD_SIGMOID_S16) on TFLite's sigmoid table,
 * worked by hand from the reference kernels' arithmetic.  The table
 * entries used: t[0] = 32768, t[1] = 33451, t[24] = 47911, t[48] = 57724.
 */
/* Prepare @function at @in_scale (expecting @mult, @shift), run @n inputs. */
static void sigmoid_case(uint32_t function, float in_scale, int32_t mult,
			 int32_t shift, const int16_t *in, const int16_t *expect,
			 uint32_t n)
{
	struct npu_sigmoid_s16_params p = { 0 };
	int16_t out[8];

	TENSOR(&p.input, 0, NPU_DTYPE_INT16, 0, n);
	TENSOR(&p.output, 0, NPU_DTYPE_INT16, 0, n);
	p.function = function;
	ck_assert_int_eq(npu_host_sigmoid_s16_params(in_scale, 1.0f / 32768,
						     function, &p), 0);
	ck_assert_int_eq(p.input_multiplier, mult);
	ck_assert_int_eq(p.input_left_shift, shift);
	CHECK_OK(NPU_CMD_SIGMOID_S16, &p);
	npu_op_sigmoid_s16(&p, in, npu_host_sigmoid_table, out);
	ck_assert_mem_eq(out, expect, n * sizeof(*out));
}

START_TEST(sigmoid_s16_hand_worked)
{
	/*
	 * LOGISTIC, input scale 2^-12: power-of-two form, m = 3, s = 0, so
	 * x = 3 in; step = |x| >> 9, frac = |x| & 511,
	 * r = (t[step] << 9) + frac * (t[step + 1] - t[step]);
	 * x >= 0: (r + 512) >> 10; x < 0: ((1 << 25) - r + 511) >> 10.
	 *   in 0:      r = 32768 * 512 = 16777216 -> 16777728 >> 10 = 16384
	 *   in 100:    x 300, r = 16777216 + 300 * 683 = 16982116
	 *              -> 16982628 >> 10 = 16584
	 *   in 4096:   x 12288 = step 24, frac 0, r = 47911 * 512 = 24530432
	 *              -> 24530944 >> 10 = 23956    (sigmoid(1) = 0.7311)
	 *   in -4096:  (33554432 - 24530432 + 511) >> 10 = 9024511 >> 10
	 *              = 8812 (8813 * 1024 = 9024512)
	 */
	const int16_t lin[4] = { 0, 100, 4096, -4096 };
	const int16_t lexp[4] = { 16384, 16584, 23956, 8812 };
	/*
	 * TANH, input scale 2^-11: power-of-two form with shift 1, m = 6;
	 * step = |x| >> 8, r = t[step] << 8 (+ interpolation), saturating
	 * at 0xffff << 8 from step 255;
	 * x >= 0: (r - 2^23 + 128) >> 8; x < 0: (2^23 - r + 127) >> 8.
	 *   in 0:      r = 8388608 -> 128 >> 8 = 0
	 *   in 2048:   x 12288 = step 48, r = 57724 * 256 = 14777344
	 *              -> 6388864 >> 8 = 24956     (tanh(1) = 0.7616)
	 *   in -2048:  -6388609 >> 8 = -24956 (arithmetic shift)
	 *   in 32767:  step 767 saturates: 8388480 >> 8 = 32767
	 *   in -32768: -8388225 >> 8 = -32767
	 */
	const int16_t tin[5] = { 0, 2048, -2048, 32767, -32768 };
	const int16_t texp[5] = { 0, 24956, -24956, 32767, -32767 };

	sigmoid_case(NPU_LUT_LOGISTIC, 1.0f / 4096, 0, 0, lin, lexp, 4);
	sigmoid_case(NPU_LUT_TANH, 1.0f / 2048, 0, 1, tin, texp, 5);

	/*
	 * LOGISTIC at 2^-11 is not the power-of-two form (its shift would
	 * be 1): multiplier 2^-11 * 4096 * 3 = 6 doubled 12 times to 24576,
	 * shift 12; in 1 -> x = (24576 + 2048) >> 12 = 6, in -1 -> -22528
	 * >> 12 = -6, the same x as m = 6.  x 6: r = 16777216 + 6 * 683 =
	 * 16781314 -> (r + 512) >> 10 = 16388; x -6: (2^25 - r + 511) >> 10 =
	 * 16773629 >> 10 = 16380.  in 2048 -> x 12288 -> 23956 as above.
	 */
	sigmoid_case(NPU_LUT_LOGISTIC, 1.0f / 2048, 24576, 12,
		     (const int16_t[]){ 1, -1, 2048 },
		     (const int16_t[]){ 16388, 16380, 23956 }, 3);
}
END_TEST

/*
 * TFLite Micro's int16 kernel tests (logistic_test.cc
 * LogisticQuantizedInt16ShouldMatchGolden, tanh_test.cc
 * TestTanhInt16WideRange): 177 inputs evenly spaced over [-20, 20],
 * input scale 32/65536, output scale 2/65536, each output within 16 of
 * the quantized exact function.  The exact values come from libm here.
 */
START_TEST(sigmoid_s16_tflite_tests)
{
	struct npu_sigmoid_s16_params p = { 0 };
	int16_t in[177], out[177];
	int fn, i;

	for (i = 0; i < 177; i++) {
		const float x = -20.0f + 40.0f * (float)i / 176.0f;
		const float q = roundf(x / (32.0f / 65536));

		in[i] = (int16_t)(q > 32767 ? 32767 : q < -32768 ? -32768 : q);
	}
	for (fn = 0; fn < 2; fn++) {
		p.function = fn ? NPU_LUT_TANH : NPU_LUT_LOGISTIC;
		TENSOR(&p.input, 0, NPU_DTYPE_INT16, 0, 177);
		TENSOR(&p.output, 0, NPU_DTYPE_INT16, 0, 177);
		ck_assert_int_eq(npu_host_sigmoid_s16_params(32.0f / 65536,
							     2.0f / 65536,
							     p.function, &p), 0);
		CHECK_OK(NPU_CMD_SIGMOID_S16, &p);
		npu_op_sigmoid_s16(&p, in, npu_host_sigmoid_table, out);
		for (i = 0; i < 177; i++) {
			const double x = -20.0 + 40.0 * i / 176.0;
			const double y = fn ? tanh(x) : 1.0 / (1.0 + exp(-x));
			double q = round(y * 32768.0);

			q = q > 32767 ? 32767 : q;
			ck_assert_msg(fabs(out[i] - q) <= 16,
				      "%s(%g): %d, expected %g +/- 16",
				      fn ? "tanh" : "logistic", x, out[i], q);
		}
	}
}
END_TEST

/* Parameters TFLite would refuse or that the kernel could not take. */
START_TEST(sigmoid_s16_refused)
{
	struct npu_sigmoid_s16_params p = { 0 };
	const char *reason;

	ck_assert_int_eq(npu_host_sigmoid_s16_params(1.0f / 4096, 1.0f / 256,
						     NPU_LUT_LOGISTIC, &p),
			 -EINVAL);
	ck_assert_int_eq(npu_host_sigmoid_s16_params(NAN, 1.0f / 32768,
						     NPU_LUT_TANH, &p), -EINVAL);
	ck_assert_int_eq(npu_host_sigmoid_s16_params(1.0f / 4096, 1.0f / 32768,
						     NPU_LUT_OTHER, &p), -EINVAL);
	/* 4 * 12288 > 32767: the rescaled input would overflow. */
	ck_assert_int_eq(npu_host_sigmoid_s16_params(4.0f, 1.0f / 32768,
						     NPU_LUT_TANH, &p), -ERANGE);

	TENSOR(&p.input, 0, NPU_DTYPE_INT16, 0, 4);
	TENSOR(&p.output, 0, NPU_DTYPE_INT16, 0, 4);
	p.function = NPU_LUT_TANH;
	p.input_multiplier = 0;
	p.input_left_shift = 14;	/* 3 << 14 > 32767 */
	ck_assert_int_ne(npu_fw_check_op(NPU_CMD_SIGMOID_S16, &p, sizeof(p), 0,
					 &reason), 0);
	ck_assert_str_eq(reason, "input multiplier or shift out of range");
	p.input_multiplier = 32768;
	p.input_left_shift = 0;
	ck_assert_int_ne(npu_fw_check_op(NPU_CMD_SIGMOID_S16, &p, sizeof(p), 0,
					 &reason), 0);
	p.input_multiplier = 100;
	p.input.zero_point = 1;
	ck_assert_int_ne(npu_fw_check_op(NPU_CMD_SIGMOID_S16, &p, sizeof(p), 0,
					 &reason), 0);
	ck_assert_str_eq(reason, "int16 sigmoid needs zero points 0");
	p.input.zero_point = 0;
	p.function = NPU_LUT_OTHER;
	ck_assert_int_ne(npu_fw_check_op(NPU_CMD_SIGMOID_S16, &p, sizeof(p), 0,
					 &reason), 0);
	p.function = NPU_LUT_TANH;
	TENSOR(&p.input, 0, NPU_DTYPE_INT8, 0, 4);
	ck_assert_int_ne(npu_fw_check_op(NPU_CMD_SIGMOID_S16, &p, sizeof(p), 0,
					 &reason), 0);
}
END_TEST

START_TEST(leaky_relu_ops)
{
	/*
	 * int8: in zp 2, out zp -1, identity * 1, alpha * 1/8 (2^30, -2):
	 *   {10, 2, -6, -128} - 2 = {8, 0, -8, -130}
	 *   8 -> 8; 0 -> 0; -8 * 0.5 = -4 -> -4 / 4 = -1;
	 *   -130 * 0.5 = -65 -> -65 / 4 = -16.25 -> -16;  + (-1):
	 *   {7, -1, -2, -17}
	 * int16 saturation: 32767 * 2 -> 32767; -32768 * 1 -> -32768
	 */
	const int8_t in[4] = { 10, 2, -6, -128 };
	const int8_t expect[4] = { 7, -1, -2, -17 };
	const int16_t in16[2] = { 32767, -32768 };
	const int16_t expect16[2] = { 32767, -32768 };
	struct npu_leaky_relu_params p = { 0 };
	int8_t out[4];
	int16_t out16[2];

	TENSOR(&p.input, 0, NPU_DTYPE_INT8, 2, 4);
	TENSOR(&p.output, 0, NPU_DTYPE_INT8, -1, 4);
	p.multiplier_identity = 1 << 30;
	p.shift_identity = 1;
	p.multiplier_alpha = 1 << 30;
	p.shift_alpha = -2;
	CHECK_OK(NPU_CMD_LEAKY_RELU, &p);
	npu_op_leaky_relu_s8(&p, in, out);
	ck_assert_mem_eq(out, expect, sizeof(expect));

	memset(&p, 0, sizeof(p));
	TENSOR(&p.input, 0, NPU_DTYPE_INT16, 0, 2);
	TENSOR(&p.output, 0, NPU_DTYPE_INT16, 0, 2);
	p.multiplier_identity = 1 << 30;
	p.shift_identity = 2;
	p.multiplier_alpha = 1 << 30;
	p.shift_alpha = 1;
	CHECK_OK(NPU_CMD_LEAKY_RELU, &p);
	npu_op_leaky_relu_s16(&p, in16, out16);
	ck_assert_mem_eq(out16, expect16, sizeof(expect16));
}
END_TEST

/*
 * RELU as TFLite's ReluX: requantize by 1.41421 (1518500250, 1) or
 * 0.17678 (1518500250, -2), add the output zero point, clamp.  Worked
 * with SaturatingRoundingDoublingHighMul / RoundingDivideByPOT by hand:
 *   int8 in zp -10, out zp 7: -9 -> 1 * 1.414 = 1 -> 8; 0 -> 14 -> 21;
 *   the RELU clamp [7, 127] takes everything at or below the zero point.
 */
START_TEST(relu_ops)
{
	static const int8_t in[9] = { -128, -11, -10, -9, 0, 5, 37, 60, 127 };
	static const int8_t relu[9] = { 7, 7, 7, 8, 21, 28, 73, 106, 127 };
	static const int8_t scaled[9] = { -14, 7, 7, 7, 9, 10, 15, 19, 31 };
	static const int16_t in16[7] = { -32768, -3, 0, 3, 1001, 23170, 32767 };
	static const int16_t relu16[7] = { 0, 0, 0, 4, 1416, 32767, 32767 };
	static const int16_t relu16_top[7] = { 0, 0, 0, 0, 89, 1200, 1200 };
	struct npu_relu_params p = { 0 };
	int8_t out[9];
	int16_t out16[7];

	TENSOR(&p.input, 0, NPU_DTYPE_INT8, -10, 9);
	TENSOR(&p.output, 0, NPU_DTYPE_INT8, 7, 9);
	p.multiplier = 1518500250;
	p.shift = 1;
	p.act_min = 7;
	p.act_max = 127;
	CHECK_OK(NPU_CMD_RELU, &p);
	npu_op_relu_s8(&p, in, out);
	ck_assert_mem_eq(out, relu, sizeof(relu));
	p.shift = -2;
	p.act_min = -128;
	CHECK_OK(NPU_CMD_RELU, &p);
	npu_op_relu_s8(&p, in, out);
	ck_assert_mem_eq(out, scaled, sizeof(scaled));

	memset(&p, 0, sizeof(p));
	TENSOR(&p.input, 0, NPU_DTYPE_INT16, 0, 7);
	TENSOR(&p.output, 0, NPU_DTYPE_INT16, 0, 7);
	p.multiplier = 1518500250;
	p.shift = 1;
	p.act_max = 32767;
	CHECK_OK(NPU_CMD_RELU, &p);
	npu_op_relu_s16(&p, in16, out16);
	ck_assert_mem_eq(out16, relu16, sizeof(relu16));
	p.shift = -3;
	p.act_max = 1200;	/* RELU6 at scale 6/1200 */
	CHECK_OK(NPU_CMD_RELU, &p);
	npu_op_relu_s16(&p, in16, out16);
	ck_assert_mem_eq(out16, relu16_top, sizeof(relu16_top));
}
END_TEST

/* RELU's parameters: shape, type, multiplier and clamp are checked. */
START_TEST(relu_check)
{
	struct npu_relu_params p = { 0 };
	const char *reason;

	TENSOR(&p.input, 0, NPU_DTYPE_INT8, 0, 4);
	TENSOR(&p.output, 0, NPU_DTYPE_INT8, 0, 4);
	p.multiplier = 1 << 30;
	p.act_max = 127;
	CHECK_OK(NPU_CMD_RELU, &p);
	p.act_max = 128;
	ck_assert_int_ne(npu_fw_check_op(NPU_CMD_RELU, &p, sizeof(p), 0, &reason), 0);
	ck_assert_str_eq(reason, "activation range outside int8");
	p.act_max = 127;
	p.multiplier = -1;
	ck_assert_int_ne(npu_fw_check_op(NPU_CMD_RELU, &p, sizeof(p), 0, &reason), 0);
	ck_assert_str_eq(reason, "negative multiplier");
	p.multiplier = 1 << 30;
	p.shift = 31;
	ck_assert_int_ne(npu_fw_check_op(NPU_CMD_RELU, &p, sizeof(p), 0, &reason), 0);
	ck_assert_str_eq(reason, "shift out of range");
	p.shift = 0;
	TENSOR(&p.output, 0, NPU_DTYPE_INT8, 0, 5);
	ck_assert_int_ne(npu_fw_check_op(NPU_CMD_RELU, &p, sizeof(p), 0, &reason), 0);
	ck_assert_str_eq(reason, "input and output shapes differ");
	TENSOR(&p.output, 0, NPU_DTYPE_INT16, 0, 4);
	ck_assert_int_ne(npu_fw_check_op(NPU_CMD_RELU, &p, sizeof(p), 0, &reason), 0);
	ck_assert_str_eq(reason, "input and output types differ");
	TENSOR(&p.input, 0, NPU_DTYPE_INT32, 0, 4);
	ck_assert_int_ne(npu_fw_check_op(NPU_CMD_RELU, &p, sizeof(p), 0, &reason), 0);
	ck_assert_str_eq(reason, "unsupported tensor type");
}
END_TEST

/*
 * npu_fw_exec() runs the command's kernel on slot pointers, as the
 * command processor does; unknown opcodes are refused.
 */
START_TEST(exec_by_slot)
{
	static const int8_t in[9] = { -128, -11, -10, -9, 0, 5, 37, 60, 127 };
	union npu_cmd_params p;
	int8_t out[9], expect[9];
	void *buf[NPU_FW_SLOT_COUNT] = { 0 };

	memset(&p, 0, sizeof(p));
	TENSOR(&p.relu.input, 0, NPU_DTYPE_INT8, -10, 9);
	TENSOR(&p.relu.output, 0, NPU_DTYPE_INT8, 7, 9);
	p.relu.multiplier = 1518500250;
	p.relu.shift = 1;
	p.relu.act_min = 7;
	p.relu.act_max = 127;
	npu_op_relu_s8(&p.relu, in, expect);
	buf[NPU_FW_SLOT_IN0] = (void *)in;
	buf[NPU_FW_SLOT_OUT] = out;
	ck_assert_int_eq(npu_fw_exec(NPU_CMD_RELU, &p, buf), 0);
	ck_assert_mem_eq(out, expect, sizeof(expect));
	ck_assert_int_eq(npu_fw_exec(NPU_CMD_COUNT, &p, buf), -NPU_FW_EINVAL);
}
END_TEST

Suite *suite_ops(void)
{
	Suite *s = suite_create("ops");
	TCase *tc = tcase_create("hand-worked");

	tcase_add_test(tc, conv2d_s8_per_channel);
	tcase_add_test(tc, conv2d_s8_grouped_dilated);
	tcase_add_test(tc, conv2d_s16);
	tcase_add_test(tc, depthwise_s8);
	tcase_add_test(tc, depthwise_s16_padded);
	tcase_add_test(tc, transpose_conv_s16);
	tcase_add_test(tc, transpose_conv_s8_padded);
	tcase_add_test(tc, fc_s8_offsets);
	tcase_add_test(tc, fc_s16);
	tcase_add_test(tc, add_s8_broadcast);
	tcase_add_test(tc, sub_s16);
	tcase_add_test(tc, add_params_host);
	tcase_add_test(tc, mul_s8);
	tcase_add_test(tc, mul_s16);
	tcase_add_test(tc, avg_pool_s8);
	tcase_add_test(tc, avg_pool_s8_same);
	tcase_add_test(tc, max_pool_s16);
	tcase_add_test(tc, pad_ops);
	tcase_add_test(tc, transpose_ops);
	tcase_add_test(tc, concat_ops);
	tcase_add_test(tc, strided_slice_ops);
	tcase_add_test(tc, copy_reshape);
	tcase_add_test(tc, lut_s8);
	tcase_add_test(tc, lut_s16_interpolation);
	tcase_add_test(tc, lut_host_tables);
	tcase_add_test(tc, sigmoid_s16_hand_worked);
	tcase_add_test(tc, sigmoid_s16_tflite_tests);
	tcase_add_test(tc, sigmoid_s16_refused);
	tcase_add_test(tc, leaky_relu_ops);
	tcase_add_test(tc, relu_ops);
	tcase_add_test(tc, relu_check);
	tcase_add_test(tc, exec_by_slot);
	suite_add_tcase(s, tc);
	return s;
}
