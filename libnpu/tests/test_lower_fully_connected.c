// SPDX-License-Identifier: MIT
/*
 * The lowering of FULLY_CONNECTED (lower/fully_connected.c) against values
 * worked out by hand from TFLite's formulas (lower_util.h).
 */
#include <check.h>
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check_util.h"
#include "npu_cpu.h"
#include "test_cpu_graph.h"
#include "lower_util.h"

static const int8_t zeros8[256];

/*
 * TFLite 2.21's reference FULLY_CONNECTED requantizes with the binary64
 * scale (double)in_scale * filter_scale / out_scale (NPU_RQ_SCALE_F64: its
 * low and high words).  1/3 in float is 0xaaaaab * 2^-25, so times 3 the
 * scale is 1 + 2^-25 = 0x3ff00000_08000000, where the float product of
 * the scales (the Q31 path before) rounds to exactly 1.0.  Convolutions
 * keep the Q31 multiplier of the double product:
 * round(0.50000001490 * 2^31) = 1073741856, shift 1.
 */
START_TEST(fc_binary64_scale_vs_conv_q31)
{
	static const int32_t in_s[] = { 1, 4 }, f_s[] = { 2, 4 },
			     o_s[] = { 1, 2 };
	static const int32_t cin_s[] = { 1, 1, 1, 4 }, cf_s[] = { 2, 1, 1, 4 },
			     co_s[] = { 1, 1, 1, 2 };
	struct tg b;
	struct npu_cpu_prepared *p;
	struct npu_graph_op *op;
	int32_t in, f, out;

	tg_init(&b);
	in = tg_tensor(&b, NPU_TYPE_INT8, 2, in_s, 1.0f / 3.0f, -3, NULL);
	f = tg_tensor(&b, NPU_TYPE_INT8, 2, f_s, 3.0f, 0, zeros8);
	out = tg_tensor(&b, NPU_TYPE_INT8, 2, o_s, 1.0f, 4, NULL);
	op = tg_op(&b, NPU_BUILTIN_FULLY_CONNECTED, 3, 1, in, f,
		   NPU_TENSOR_NONE, out);
	op->options_kind = NPU_OPTS_FC;
	p = prep_ok(&b);
	ck_assert_uint_eq(p->cmds[0].opcode, NPU_CMD_FULLY_CONNECTED);
	ck_assert_uint_eq(p->cmds[0].params.fc.rq.count, 0);
	ck_assert_uint_eq(p->cmds[0].params.fc.rq.flags, NPU_RQ_SCALE_F64);
	ck_assert_uint_eq((uint32_t)p->cmds[0].params.fc.rq.multiplier, 0x08000000u);
	ck_assert_uint_eq((uint32_t)p->cmds[0].params.fc.rq.shift, 0x3ff00000u);
	assert_dims(&p->cmds[0].params.fc.input, 2, (const uint32_t[]){ 1, 4 });
	ck_assert_int_eq(p->cmds[0].params.fc.input.zero_point, -3);
	ck_assert_int_eq(p->cmds[0].params.fc.output.zero_point, 4);
	ck_assert_ptr_null(p->mult);
	npu_cpu_prepared_free(p);

	tg_init(&b);
	in = tg_tensor(&b, NPU_TYPE_INT8, 4, cin_s, 1.0f / 3.0f, 0, NULL);
	f = tg_tensor(&b, NPU_TYPE_INT8, 4, cf_s, 3.0f, 0, zeros8);
	out = tg_tensor(&b, NPU_TYPE_INT8, 4, co_s, 1.0f, 0, NULL);
	op = tg_op(&b, NPU_BUILTIN_CONV_2D, 2, 1, in, f, out);
	op->options_kind = NPU_OPTS_CONV;
	op->options.conv.padding = NPU_PADDING_VALID;
	op->options.conv.stride_w = op->options.conv.stride_h = 1;
	p = prep_ok(&b);
	ck_assert_uint_eq(p->cmds[0].params.conv.rq.flags & NPU_RQ_SCALE_F64, 0);
	ck_assert_int_eq(p->mult[0], 1073741856);
	ck_assert_int_eq(p->shift[0], 1);
	npu_cpu_prepared_free(p);
}
END_TEST

/* Per-channel: one binary64 scale per unit in the multiplier arrays. */
START_TEST(fc_per_channel_scales)
{
	static const int32_t in_s[] = { 1, 4 }, f_s[] = { 2, 4 },
			     o_s[] = { 1, 2 };
	static const float fscales[] = { 0.5f, 3.0f };
	struct tg b;
	struct npu_cpu_prepared *p;
	struct npu_graph_op *op;
	int32_t in, f, out;

	tg_init(&b);
	in = tg_tensor(&b, NPU_TYPE_INT8, 2, in_s, 1.0f / 3.0f, 0, NULL);
	f = tg_tensor(&b, NPU_TYPE_INT8, 2, f_s, 1.0f, 0, zeros8);
	tg_per_channel(&b, f, 2, fscales, 0);
	out = tg_tensor(&b, NPU_TYPE_INT8, 2, o_s, 0.25f, 0, NULL);
	op = tg_op(&b, NPU_BUILTIN_FULLY_CONNECTED, 3, 1, in, f,
		   NPU_TENSOR_NONE, out);
	op->options_kind = NPU_OPTS_FC;
	p = prep_ok(&b);
	ck_assert_uint_eq(p->cmds[0].params.fc.rq.count, 2);
	ck_assert_uint_eq(p->cmds[0].params.fc.rq.flags, NPU_RQ_SCALE_F64);
	/* 0xaaaaab * 2^-25 * 0.5 / 0.25 = 0x1555556 * 2^-25 = 0x3fe55555_60000000 */
	ck_assert_uint_eq((uint32_t)p->mult[0], 0x60000000u);
	ck_assert_uint_eq((uint32_t)p->shift[0], 0x3fe55555u);
	/* times 3 / 0.25: 4 + 2^-23 = 0x40100000_08000000 */
	ck_assert_uint_eq((uint32_t)p->mult[1], 0x08000000u);
	ck_assert_uint_eq((uint32_t)p->shift[1], 0x40100000u);
	npu_cpu_prepared_free(p);
}
END_TEST

START_TEST(fc_flattens_input)
{
	static const int32_t in_s[] = { 2, 3, 4 }, f_s[] = { 5, 12 },
			     o_s[] = { 2, 5 };
	struct tg b;
	struct npu_cpu_prepared *p;
	struct npu_graph_op *op;
	int32_t in, f, out;

	tg_init(&b);
	in = tg_tensor(&b, NPU_TYPE_INT8, 3, in_s, 0.5f, 0, NULL);
	f = tg_tensor(&b, NPU_TYPE_INT8, 2, f_s, 0.5f, 0, zeros8);
	out = tg_tensor(&b, NPU_TYPE_INT8, 2, o_s, 0.5f, 0, NULL);
	op = tg_op(&b, NPU_BUILTIN_FULLY_CONNECTED, 2, 1, in, f, out);
	op->options_kind = NPU_OPTS_FC;
	op->options.fc.activation = NPU_ACT_RELU;
	p = prep_ok(&b);
	assert_dims(&p->cmds[0].params.fc.input, 2, (const uint32_t[]){ 2, 12 });
	assert_dims(&p->cmds[0].params.fc.output, 2, (const uint32_t[]){ 2, 5 });
	/* 0.5 * 0.5 / 0.5 = 0.5 = 0x3fe00000_00000000. */
	ck_assert_int_eq(p->cmds[0].params.fc.rq.multiplier, 0);
	ck_assert_uint_eq((uint32_t)p->cmds[0].params.fc.rq.shift, 0x3fe00000u);
	ck_assert_int_eq(p->cmds[0].params.fc.act_min, 0);
	npu_cpu_prepared_free(p);
}
END_TEST

/*
 * The output_shape hook: [batches, units] from the input's elements and the
 * filter's depth; with keep_num_dims the input's shape, units last.
 */
START_TEST(fc_output_shape)
{
	struct npu_graph_op *op;
	struct tg b;
	int32_t x;

	tg_init(&b);
	x = tg_tensor(&b, NPU_TYPE_FLOAT32, 3, (const int32_t[]){ 4, 3, 8 }, 0.0f, 0, NULL);
	op = tg_op(&b, NPU_BUILTIN_FULLY_CONNECTED, 3, 1, x,
		   tg_tensor(&b, NPU_TYPE_FLOAT32, 2, (const int32_t[]){ 6, 8 }, 0.0f, 0, NULL),
		   NPU_TENSOR_NONE,
		   tg_tensor(&b, NPU_TYPE_FLOAT32, 2, (const int32_t[]){ 1, 6 }, 0.0f, 0, NULL));
	op->options_kind = NPU_OPTS_FC;
	assert_output_shape(&b, 0, 2, (const int32_t[]){ 12, 6 });
	op->options.fc.keep_num_dims = 1;
	assert_output_shape(&b, 0, 3, (const int32_t[]){ 4, 3, 6 });
	b.t[x].shape[2] = 5;	/* the depth no longer matches */
	assert_output_shape(&b, 0, -1, NULL);
	op->options.fc.keep_num_dims = 0;
	b.t[x].elements = 4 * 3 * 5;
	assert_output_shape(&b, 0, -1, NULL);
}
END_TEST

static Suite *lower_suite(void)
{
	Suite *s = suite_create("lower_fully_connected");
	TCase *tc;

	tc = tcase_create("fully_connected");
	tcase_add_test(tc, fc_binary64_scale_vs_conv_q31);
	tcase_add_test(tc, fc_per_channel_scales);
	tcase_add_test(tc, fc_flattens_input);
	tcase_add_test(tc, fc_output_shape);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return npu_check_run(lower_suite());
}
