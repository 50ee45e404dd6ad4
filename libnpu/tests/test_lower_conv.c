// SPDX-License-Identifier: MIT
/*
 * The lowering of CONV_2D, DEPTHWISE_CONV_2D and TRANSPOSE_CONV
 * (lower/conv.c) against values worked out by hand from TFLite's formulas
 * (lower_util.h).
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
static const int32_t bias3[3] = { 1, 2, 3 };

START_TEST(conv_per_channel)
{
	static const int32_t in_s[] = { 1, 5, 5, 2 }, f_s[] = { 3, 3, 3, 2 },
			     b_s[] = { 3 }, o_s[] = { 1, 5, 5, 3 };
	static const float fscales[] = { 0.25f, 0.5f, 0.125f };
	struct tg b;
	struct npu_cpu_prepared *p;
	const struct npu_conv_params *c;
	int32_t in, f, bias, out;
	struct npu_graph_op *op;

	tg_init(&b);
	in = tg_tensor(&b, NPU_TYPE_INT8, 4, in_s, 0.5f, 1, NULL);
	f = tg_tensor(&b, NPU_TYPE_INT8, 4, f_s, 1.0f, 0, zeros8);
	tg_per_channel(&b, f, 3, fscales, 0);
	bias = tg_tensor(&b, NPU_TYPE_INT32, 1, b_s, 0.0f, 0, bias3);
	out = tg_tensor(&b, NPU_TYPE_INT8, 4, o_s, 0.25f, -2, NULL);
	op = tg_op(&b, NPU_BUILTIN_CONV_2D, 3, 1, in, f, bias, out);
	op->options_kind = NPU_OPTS_CONV;
	op->options.conv = (struct npu_conv_options){
		.padding = NPU_PADDING_SAME, .stride_w = 1, .stride_h = 1,
		.dilation_w = 1, .dilation_h = 1, .activation = NPU_ACT_RELU6,
	};
	p = prep_ok(&b);
	ck_assert_uint_eq(p->num_cmds, 1);
	ck_assert_uint_eq(p->cmds[0].opcode, NPU_CMD_CONV_2D);
	c = &p->cmds[0].params.conv;
	assert_dims(&c->input, 4, (const uint32_t[]){ 1, 5, 5, 2 });
	assert_dims(&c->filter, 4, (const uint32_t[]){ 3, 3, 3, 2 });
	assert_dims(&c->output, 4, (const uint32_t[]){ 1, 5, 5, 3 });
	ck_assert_uint_eq(c->input.dtype, NPU_DTYPE_INT8);
	ck_assert_int_eq(c->input.zero_point, 1);
	ck_assert_int_eq(c->output.zero_point, -2);
	ck_assert_int_eq(c->filter.zero_point, 0);
	ck_assert_uint_eq(c->stride_h, 1);
	ck_assert_uint_eq(c->dilation_w, 1);
	ck_assert_uint_eq(c->pad_top, 1);
	ck_assert_uint_eq(c->pad_left, 1);
	ck_assert_uint_eq(c->depth_multiplier, 0);
	/* 0.5 * {0.25, 0.5, 0.125} / 0.25 = {0.5, 1, 0.25}. */
	ck_assert_uint_eq(c->rq.count, 3);
	ck_assert_uint_eq(c->rq.flags, NPU_RQ_HAS_BIAS);
	ck_assert_uint_eq(p->channels, 3);
	ck_assert_int_eq(p->mult[0], Q30);
	ck_assert_int_eq(p->shift[0], 0);
	ck_assert_int_eq(p->mult[1], Q30);
	ck_assert_int_eq(p->shift[1], 1);
	ck_assert_int_eq(p->mult[2], Q30);
	ck_assert_int_eq(p->shift[2], -1);
	/* RELU6 at scale 0.25, zp -2: [-2, -2 + 24]. */
	ck_assert_int_eq(c->act_min, -2);
	ck_assert_int_eq(c->act_max, 22);
	ck_assert_ptr_null(p->bias);	/* int32 bias used as is */
	npu_cpu_prepared_free(p);

	/* A pruned channel with scale 0 gets multiplier 0, not an error. */
	b.scale[f][1] = 0.0f;
	p = prep_ok(&b);
	ck_assert_int_eq(p->mult[1], 0);
	ck_assert_int_eq(p->shift[1], 0);
	npu_cpu_prepared_free(p);
	b.scale[f][1] = -0.5f;
	{
		char err[256] = "";

		ck_assert_int_eq(prep_fail(&b, err, sizeof(err)), -EINVAL);
	}
}
END_TEST

START_TEST(conv_16x8_bias_widened)
{
	static const int32_t in_s[] = { 1, 4, 4, 1 }, f_s[] = { 3, 1, 1, 1 },
			     b_s[] = { 3 }, o_s[] = { 1, 2, 2, 3 };
	static const int32_t bias32[3] = { -5, 70000, 1 };
	struct tg b;
	struct npu_cpu_prepared *p;
	const struct npu_conv_params *c;
	struct npu_graph_op *op;
	int32_t in, f, bias, out;

	tg_init(&b);
	in = tg_tensor(&b, NPU_TYPE_INT16, 4, in_s, 1.0f / 4096, 0, NULL);
	f = tg_tensor(&b, NPU_TYPE_INT8, 4, f_s, 1.0f / 64, 0, zeros8);
	bias = tg_tensor(&b, NPU_TYPE_INT32, 1, b_s, 0.0f, 0, bias32);
	out = tg_tensor(&b, NPU_TYPE_INT16, 4, o_s, 1.0f / 1024, 0, NULL);
	op = tg_op(&b, NPU_BUILTIN_CONV_2D, 3, 1, in, f, bias, out);
	op->options_kind = NPU_OPTS_CONV;
	op->options.conv = (struct npu_conv_options){
		.padding = NPU_PADDING_VALID, .stride_w = 2, .stride_h = 2,
		.activation = NPU_ACT_NONE,	/* dilation 0 means 1 */
	};
	p = prep_ok(&b);
	c = &p->cmds[0].params.conv;
	ck_assert_uint_eq(c->input.dtype, NPU_DTYPE_INT16);
	ck_assert_uint_eq(c->dilation_h, 1);
	ck_assert_uint_eq(c->pad_top, 0);
	/* 2^-12 * 2^-6 / 2^-10 = 2^-8 -> (2^30, -7) for all three. */
	for (int i = 0; i < 3; i++) {
		ck_assert_int_eq(p->mult[i], Q30);
		ck_assert_int_eq(p->shift[i], -7);
	}
	ck_assert_int_eq(c->act_min, -32768);
	ck_assert_int_eq(c->act_max, 32767);
	/* The 16x8 kernels take int64 bias: widened copy. */
	ck_assert_ptr_nonnull(p->bias);
	ck_assert_uint_eq(p->bias_bytes, 3 * sizeof(int64_t));
	ck_assert_int_eq(((int64_t *)p->bias)[0], -5);
	ck_assert_int_eq(((int64_t *)p->bias)[1], 70000);
	npu_cpu_prepared_free(p);
}
END_TEST

START_TEST(depthwise)
{
	static const int32_t in_s[] = { 1, 4, 4, 2 }, f_s[] = { 1, 3, 3, 4 },
			     o_s[] = { 1, 2, 2, 4 };
	static const float fscales[] = { 1.0f / 16, 2.0f / 16, 4.0f / 16,
					 8.0f / 16 };
	struct tg b;
	struct npu_cpu_prepared *p;
	const struct npu_conv_params *c;
	struct npu_graph_op *op;
	int32_t in, f, out;

	tg_init(&b);
	in = tg_tensor(&b, NPU_TYPE_INT8, 4, in_s, 1.0f, 0, NULL);
	f = tg_tensor(&b, NPU_TYPE_INT8, 4, f_s, 1.0f, 0, zeros8);
	tg_per_channel(&b, f, 4, fscales, 3);
	out = tg_tensor(&b, NPU_TYPE_INT8, 4, o_s, 1.0f, 0, NULL);
	op = tg_op(&b, NPU_BUILTIN_DEPTHWISE_CONV_2D, 2, 1, in, f, out);
	op->options_kind = NPU_OPTS_CONV;
	op->options.conv = (struct npu_conv_options){
		.padding = NPU_PADDING_VALID, .stride_w = 1, .stride_h = 1,
		.dilation_w = 1, .dilation_h = 1, .depth_multiplier = 2,
	};
	p = prep_ok(&b);
	ck_assert_uint_eq(p->cmds[0].opcode, NPU_CMD_DEPTHWISE_CONV_2D);
	c = &p->cmds[0].params.conv;
	ck_assert_uint_eq(c->depth_multiplier, 2);
	ck_assert_uint_eq(c->rq.flags, 0);
	ck_assert_uint_eq(c->rq.count, 4);
	/* 1/16, 1/8, 1/4, 1/2 -> shifts -3, -2, -1, 0. */
	for (int i = 0; i < 4; i++) {
		ck_assert_int_eq(p->mult[i], Q30);
		ck_assert_int_eq(p->shift[i], i - 3);
	}
	npu_cpu_prepared_free(p);

	/* Scales along the wrong dimension are refused. */
	b.t[f].quant.quantized_dimension = 0;
	{
		char err[256] = "";

		ck_assert_int_eq(prep_fail(&b, err, sizeof(err)), -EINVAL);
	}
}
END_TEST

START_TEST(transpose_conv_pads_from_output)
{
	static const int32_t shape_s[] = { 4 }, f_s[] = { 2, 3, 3, 1 },
			     in_s[] = { 1, 4, 4, 1 }, o_s[] = { 1, 8, 8, 2 };
	static const int32_t oshape[4] = { 1, 8, 8, 2 };
	static const int64_t bias64[2] = { 7, -7 };
	static const int32_t b_s[] = { 2 };
	struct tg b;
	struct npu_cpu_prepared *p;
	const struct npu_conv_params *c;
	struct npu_graph_op *op;
	int32_t sh, f, in, bias, out;

	tg_init(&b);
	sh = tg_tensor(&b, NPU_TYPE_INT32, 1, shape_s, 0.0f, 0, oshape);
	f = tg_tensor(&b, NPU_TYPE_INT8, 4, f_s, 0.5f, 0, zeros8);
	in = tg_tensor(&b, NPU_TYPE_INT16, 4, in_s, 0.5f, 0, NULL);
	bias = tg_tensor(&b, NPU_TYPE_INT64, 1, b_s, 0.0f, 0, bias64);
	out = tg_tensor(&b, NPU_TYPE_INT16, 4, o_s, 0.125f, 0, NULL);
	op = tg_op(&b, NPU_BUILTIN_TRANSPOSE_CONV, 4, 1, sh, f, in, bias, out);
	op->options_kind = NPU_OPTS_TRANSPOSE_CONV;
	op->options.transpose_conv = (struct npu_transpose_conv_options){
		.padding = NPU_PADDING_SAME, .stride_w = 2, .stride_h = 2,
	};
	p = prep_ok(&b);
	ck_assert_uint_eq(p->cmds[0].opcode, NPU_CMD_TRANSPOSE_CONV);
	ck_assert_uint_eq(p->cmds[0].input, 2);
	c = &p->cmds[0].params.conv;
	/*
	 * Padding as a conv over the 8x8 output: SAME, 3x3, stride 2 gives
	 * 4, total (4 - 1) * 2 + 3 - 8 = 1 -> 0 before.
	 */
	ck_assert_uint_eq(c->pad_top, 0);
	ck_assert_uint_eq(c->pad_left, 0);
	/* 0.5 * 0.5 / 0.125 = 2. */
	ck_assert_int_eq(p->mult[0], Q30);
	ck_assert_int_eq(p->shift[0], 2);
	ck_assert_ptr_null(p->bias);	/* int64 already */
	ck_assert_uint_eq(c->rq.flags, NPU_RQ_HAS_BIAS);
	npu_cpu_prepared_free(p);

	/* A constant output_shape that contradicts the output is refused. */
	{
		static const int32_t wrong[4] = { 1, 9, 8, 2 };
		char err[256] = "";

		b.t[sh].data = (void *)wrong;
		ck_assert_int_eq(prep_fail(&b, err, sizeof(err)), -EINVAL);
		ck_assert_msg(strstr(err, "output_shape input gives 9 for axis 1, the output has 8"),
			      "%s", err);
	}
}
END_TEST

static Suite *lower_suite(void)
{
	Suite *s = suite_create("lower_conv");
	TCase *tc;

	tc = tcase_create("conv");
	tcase_add_test(tc, conv_per_channel);
	tcase_add_test(tc, conv_16x8_bias_widened);
	tcase_add_test(tc, depthwise);
	tcase_add_test(tc, transpose_conv_pads_from_output);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return npu_check_run(lower_suite());
}
