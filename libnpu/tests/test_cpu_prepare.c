// SPDX-License-Identifier: MIT
/*
 * Unit tests of the TFLite Prepare math (npu_cpu_prepare_op() and its
 * pieces) against values worked out by hand from TFLite's formulas, not by
 * the code under test.  Scales are mostly powers of two so the expected
 * multipliers are exact: QuantizeMultiplier(2^k) = (1 << 30, k + 1).
 */
#include <check.h>
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "npu_cpu.h"
#include "test_cpu_graph.h"

#define Q30 (1 << 30)

static struct npu_cpu_prepared *prep_ok(struct tg *b)
{
	struct npu_cpu_prepared *p = NULL;
	char err[256] = "";
	int ret = npu_cpu_prepare_op(&b->g, &b->ops[0], &p, err, sizeof(err));

	ck_assert_msg(ret == 0, "prepare: %d %s", ret, err);
	ck_assert_ptr_nonnull(p);
	ck_assert_uint_ge(p->num_cmds, 1);
	return p;
}

static int prep_fail(struct tg *b, char *err, size_t len)
{
	struct npu_cpu_prepared *p = (void *)1;
	int ret = npu_cpu_prepare_op(&b->g, &b->ops[0], &p, err, len);

	ck_assert_int_ne(ret, 0);
	ck_assert_ptr_null(p);
	ck_assert_msg(err[0], "no error message");
	return ret;
}

static void assert_dims(const struct npu_tensor *t, uint32_t rank,
			const uint32_t *dims)
{
	ck_assert_uint_eq(t->rank, rank);
	for (uint32_t i = 0; i < rank; i++)
		ck_assert_uint_eq(t->dims[i], dims[i]);
}

/* ---- QuantizeMultiplier, activation range, padding ---- */

START_TEST(quantize_multiplier)
{
	static const struct {
		double real;
		int32_t mult, shift;
	} cases[] = {
		{ 0.5, Q30, 0 },
		{ 0.25, Q30, -1 },
		{ 1.0, Q30, 1 },
		{ 2.0, Q30, 2 },
		{ 0.75, 1610612736, 0 },	/* 0.75 * 2^31 */
		{ 3.0, 1610612736, 2 },	/* 0.75 * 2^2 */
		{ 0.1, 1717986918, -3 },	/* round(0.8 * 2^31), 0.8 * 2^-3 */
		{ 0.0, 0, 0 },
		/* Below 2^-31 TFLite flushes to zero. */
		{ 1.0 / 1099511627776.0, 0, 0 },
		/* Rounds up to 2^31: halved, shift + 1. */
		{ 1.0 - 1.0 / 8589934592.0, Q30, 1 },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int32_t m = -1, s = -99;

		npu_cpu_quantize_multiplier(cases[i].real, &m, &s);
		ck_assert_msg(m == cases[i].mult && s == cases[i].shift,
			      "QuantizeMultiplier(%g) = (%d, %d), expected (%d, %d)",
			      cases[i].real, m, s, cases[i].mult, cases[i].shift);
	}
}
END_TEST

START_TEST(activation_range)
{
	int32_t lo, hi;

	/* int8, scale 0.5, zero point -10: q(f) = -10 + round(f / 0.5). */
	ck_assert_int_eq(npu_cpu_activation_range(NPU_ACT_NONE, NPU_TYPE_INT8,
						  0.5f, -10, &lo, &hi), 0);
	ck_assert_int_eq(lo, -128);
	ck_assert_int_eq(hi, 127);
	ck_assert_int_eq(npu_cpu_activation_range(NPU_ACT_RELU, NPU_TYPE_INT8,
						  0.5f, -10, &lo, &hi), 0);
	ck_assert_int_eq(lo, -10);
	ck_assert_int_eq(hi, 127);
	ck_assert_int_eq(npu_cpu_activation_range(NPU_ACT_RELU6, NPU_TYPE_INT8,
						  0.5f, -10, &lo, &hi), 0);
	ck_assert_int_eq(lo, -10);
	ck_assert_int_eq(hi, 2);
	ck_assert_int_eq(npu_cpu_activation_range(NPU_ACT_RELU_N1_TO_1,
						  NPU_TYPE_INT8, 0.5f, -10,
						  &lo, &hi), 0);
	ck_assert_int_eq(lo, -12);
	ck_assert_int_eq(hi, -8);
	/* RELU6 clipped by the type: scale 0.01 puts 6.0 at 590 > 127. */
	ck_assert_int_eq(npu_cpu_activation_range(NPU_ACT_RELU6, NPU_TYPE_INT8,
						  0.01f, -10, &lo, &hi), 0);
	ck_assert_int_eq(lo, -10);
	ck_assert_int_eq(hi, 127);
	/* int16, scale 1/1024: 6.0 -> 6144. */
	ck_assert_int_eq(npu_cpu_activation_range(NPU_ACT_RELU6, NPU_TYPE_INT16,
						  1.0f / 1024, 0, &lo, &hi), 0);
	ck_assert_int_eq(lo, 0);
	ck_assert_int_eq(hi, 6144);
	/* Unsupported activation and type; bound overflowing int32. */
	ck_assert_int_eq(npu_cpu_activation_range(NPU_ACT_TANH, NPU_TYPE_INT8,
						  0.5f, 0, &lo, &hi), -ENOTSUP);
	ck_assert_int_eq(npu_cpu_activation_range(NPU_ACT_RELU, NPU_TYPE_FLOAT32,
						  0.5f, 0, &lo, &hi), -ENOTSUP);
	ck_assert_int_eq(npu_cpu_activation_range(NPU_ACT_RELU6, NPU_TYPE_INT8,
						  1e-12f, 0, &lo, &hi), -EINVAL);
}
END_TEST

START_TEST(padding)
{
	int32_t off = -1;

	/* 96 wide, 3x3, stride 2, SAME: 48 out, total padding 1 -> 0 + 1. */
	ck_assert_int_eq(npu_cpu_out_size(NPU_PADDING_SAME, 96, 3, 2, 1), 48);
	ck_assert_int_eq(npu_cpu_padding(96, 3, 2, 1, 48, &off), 0);
	ck_assert_int_eq(off, 1);
	/* 5 wide, 3x3, stride 1, SAME: total 2 -> 1 each side. */
	ck_assert_int_eq(npu_cpu_out_size(NPU_PADDING_SAME, 5, 3, 1, 1), 5);
	ck_assert_int_eq(npu_cpu_padding(5, 3, 1, 1, 5, &off), 1);
	ck_assert_int_eq(off, 0);
	/* VALID: (10 + 2 - 3) / 2 = 4, no padding. */
	ck_assert_int_eq(npu_cpu_out_size(NPU_PADDING_VALID, 10, 3, 2, 1), 4);
	ck_assert_int_eq(npu_cpu_padding(10, 3, 2, 1, 4, &off), 0);
	/* Dilation 2: effective filter 5. */
	ck_assert_int_eq(npu_cpu_out_size(NPU_PADDING_SAME, 7, 3, 1, 2), 7);
	ck_assert_int_eq(npu_cpu_padding(7, 3, 1, 2, 7, &off), 2);
	ck_assert_int_eq(npu_cpu_out_size(NPU_PADDING_VALID, 7, 3, 1, 2), 3);
	ck_assert_int_eq(npu_cpu_out_size(NPU_PADDING_SAME, 7, 3, 0, 1), 0);
}
END_TEST

/* ---- convolutions ---- */

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

/*
 * TFLite's FULLY_CONNECTED takes in_scale * filter_scale in float, conv in
 * double.  With 1/3 and 3 the float product rounds to exactly 1.0 (Q30, 1)
 * but the double one is 1.0000000298..., i.e. round(0.50000001490 * 2^31)
 * = 1073741856.
 */
START_TEST(fc_float_product_vs_conv_double)
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
	ck_assert_uint_eq(p->cmds[0].params.fc.rq.flags, 0);
	ck_assert_int_eq(p->cmds[0].params.fc.rq.multiplier, Q30);
	ck_assert_int_eq(p->cmds[0].params.fc.rq.shift, 1);
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
	ck_assert_int_eq(p->mult[0], 1073741856);
	ck_assert_int_eq(p->shift[0], 1);
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
	/* 0.5 * 0.5 / 0.5 = 0.5. */
	ck_assert_int_eq(p->cmds[0].params.fc.rq.multiplier, Q30);
	ck_assert_int_eq(p->cmds[0].params.fc.rq.shift, 0);
	ck_assert_int_eq(p->cmds[0].params.fc.act_min, 0);
	npu_cpu_prepared_free(p);
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

/* ---- elementwise ---- */

START_TEST(add_int8_broadcast)
{
	static const int32_t a_s[] = { 1, 2, 2, 3 }, b_s[] = { 3 };
	struct tg b;
	struct npu_cpu_prepared *p;
	const struct npu_eltwise_params *e;
	struct npu_graph_op *op;
	int32_t x, y, out;

	tg_init(&b);
	x = tg_tensor(&b, NPU_TYPE_INT8, 4, a_s, 0.5f, 3, NULL);
	y = tg_tensor(&b, NPU_TYPE_INT8, 1, b_s, 0.25f, -1, NULL);
	out = tg_tensor(&b, NPU_TYPE_INT8, 4, a_s, 1.0f, 0, NULL);
	op = tg_op(&b, NPU_BUILTIN_ADD, 2, 1, x, y, out);
	op->options_kind = NPU_OPTS_ELTWISE;
	op->options.eltwise.activation = NPU_ACT_RELU;
	p = prep_ok(&b);
	ck_assert_uint_eq(p->cmds[0].opcode, NPU_CMD_ADD);
	e = &p->cmds[0].params.eltwise;
	assert_dims(&e->input2, 4, (const uint32_t[]){ 1, 1, 1, 3 });
	ck_assert_int_eq(e->input1.zero_point, 3);
	ck_assert_int_eq(e->input2.zero_point, -1);
	/* twice_max = 1: 0.5 -> (Q30, 0), 0.25 -> (Q30, -1),
	 * 1 / (2^20 * 1) = 2^-20 -> (Q30, -19). */
	ck_assert_int_eq(e->left_shift, 20);
	ck_assert_int_eq(e->input1_multiplier, Q30);
	ck_assert_int_eq(e->input1_shift, 0);
	ck_assert_int_eq(e->input2_multiplier, Q30);
	ck_assert_int_eq(e->input2_shift, -1);
	ck_assert_int_eq(e->output_multiplier, Q30);
	ck_assert_int_eq(e->output_shift, -19);
	ck_assert_int_eq(e->act_min, 0);
	ck_assert_int_eq(e->act_max, 127);
	npu_cpu_prepared_free(p);
}
END_TEST

START_TEST(sub_int16)
{
	static const int32_t s[] = { 1, 8 };
	struct tg b;
	struct npu_cpu_prepared *p;
	const struct npu_eltwise_params *e;
	int32_t x, y, out;

	tg_init(&b);
	x = tg_tensor(&b, NPU_TYPE_INT16, 2, s, 0.5f, 0, NULL);
	y = tg_tensor(&b, NPU_TYPE_INT16, 2, s, 0.5f, 0, NULL);
	out = tg_tensor(&b, NPU_TYPE_INT16, 2, s, 0.5f, 0, NULL);
	tg_op(&b, NPU_BUILTIN_SUB, 2, 1, x, y, out);
	p = prep_ok(&b);
	ck_assert_uint_eq(p->cmds[0].opcode, NPU_CMD_SUB);
	e = &p->cmds[0].params.eltwise;
	/* 1 / (2^15 * 0.5) = 2^-14 -> (Q30, -13). */
	ck_assert_int_eq(e->left_shift, 15);
	ck_assert_int_eq(e->input1_multiplier, Q30);
	ck_assert_int_eq(e->input1_shift, 0);
	ck_assert_int_eq(e->output_multiplier, Q30);
	ck_assert_int_eq(e->output_shift, -13);
	ck_assert_int_eq(e->act_min, -32768);
	npu_cpu_prepared_free(p);

	/* int16 needs zero points 0. */
	b.zp[x][0] = 1;
	{
		char err[256] = "";

		ck_assert_int_eq(prep_fail(&b, err, sizeof(err)), -EINVAL);
	}
}
END_TEST

START_TEST(mul_int8)
{
	static const int32_t s[] = { 4 };
	struct tg b;
	struct npu_cpu_prepared *p;
	const struct npu_eltwise_params *e;
	int32_t x, y, out;

	tg_init(&b);
	x = tg_tensor(&b, NPU_TYPE_INT8, 1, s, 0.5f, 0, NULL);
	y = tg_tensor(&b, NPU_TYPE_INT8, 1, s, 0.5f, 0, NULL);
	out = tg_tensor(&b, NPU_TYPE_INT8, 1, s, 0.125f, 0, NULL);
	tg_op(&b, NPU_BUILTIN_MUL, 2, 1, x, y, out);
	p = prep_ok(&b);
	e = &p->cmds[0].params.eltwise;
	/* 0.5 * 0.5 / 0.125 = 2 -> (Q30, 2); no input scaling. */
	ck_assert_int_eq(e->output_multiplier, Q30);
	ck_assert_int_eq(e->output_shift, 2);
	ck_assert_int_eq(e->input1_multiplier, 0);
	ck_assert_int_eq(e->left_shift, 0);
	npu_cpu_prepared_free(p);
}
END_TEST

START_TEST(mul_int16)
{
	static const int32_t s[] = { 2, 3 };
	struct tg b;
	struct npu_cpu_prepared *p;
	int32_t x, y, out;
	char err[256] = "";

	tg_init(&b);
	x = tg_tensor(&b, NPU_TYPE_INT16, 2, s, 1.0f / 128, 0, NULL);
	y = tg_tensor(&b, NPU_TYPE_INT16, 2, s, 1.0f / 256, 0, NULL);
	out = tg_tensor(&b, NPU_TYPE_INT16, 2, s, 1.0f / 1024, 0, NULL);
	tg_op(&b, NPU_BUILTIN_MUL, 2, 1, x, y, out);
	p = prep_ok(&b);
	ck_assert_uint_eq(p->cmds[0].params.eltwise.output.dtype,
			  NPU_DTYPE_INT16);
	/* 2^-7 * 2^-8 / 2^-10 = 2^-5 -> (Q30, -4). */
	ck_assert_int_eq(p->cmds[0].params.eltwise.output_multiplier, Q30);
	ck_assert_int_eq(p->cmds[0].params.eltwise.output_shift, -4);
	npu_cpu_prepared_free(p);
	/* TFLM's int16 MUL is symmetric. */
	b.zp[out][0] = 4;
	ck_assert_int_eq(prep_fail(&b, err, sizeof(err)), -EINVAL);
}
END_TEST

START_TEST(leaky_relu)
{
	static const int32_t s[] = { 1, 10 };
	struct tg b;
	struct npu_cpu_prepared *p;
	const struct npu_leaky_relu_params *l;
	struct npu_graph_op *op;
	int32_t x, out;

	tg_init(&b);
	x = tg_tensor(&b, NPU_TYPE_INT16, 2, s, 0.5f, 0, NULL);
	out = tg_tensor(&b, NPU_TYPE_INT16, 2, s, 0.25f, 0, NULL);
	op = tg_op(&b, NPU_BUILTIN_LEAKY_RELU, 1, 1, x, out);
	op->options_kind = NPU_OPTS_LEAKY_RELU;
	op->options.leaky_relu.alpha = 0.25f;
	p = prep_ok(&b);
	l = &p->cmds[0].params.leaky_relu;
	/* alpha: 0.5 * 0.25 / 0.25 = 0.5; identity 0.5 / 0.25 = 2. */
	ck_assert_int_eq(l->multiplier_alpha, Q30);
	ck_assert_int_eq(l->shift_alpha, 0);
	ck_assert_int_eq(l->multiplier_identity, Q30);
	ck_assert_int_eq(l->shift_identity, 2);
	npu_cpu_prepared_free(p);
}
END_TEST

/*
 * RELU, RELU6, RELU_N1_TO_1 as TFLite's ReluPrepare / QuantizedReluX:
 * multiplier in_scale / out_scale, clamp of the activation of the name.
 */
START_TEST(relu)
{
	static const int32_t s[] = { 1, 10 };
	static const struct {
		int32_t builtin, lo, hi;
	} cases[] = {
		{ NPU_BUILTIN_RELU, 7, 127 },
		/* 7 + 6 / 0.25, 7 -/+ 1 / 0.25 */
		{ NPU_BUILTIN_RELU6, 7, 31 },
		{ NPU_BUILTIN_RELU_N1_TO_1, 3, 11 },
	};
	struct tg b;
	struct npu_cpu_prepared *p;
	const struct npu_relu_params *r;
	char err[256];
	int32_t x, out;

	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		tg_init(&b);
		x = tg_tensor(&b, NPU_TYPE_INT8, 2, s, 0.5f, -10, NULL);
		out = tg_tensor(&b, NPU_TYPE_INT8, 2, s, 0.25f, 7, NULL);
		tg_op(&b, cases[k].builtin, 1, 1, x, out);
		p = prep_ok(&b);
		ck_assert_uint_eq(p->cmds[0].opcode, NPU_CMD_RELU);
		r = &p->cmds[0].params.relu;
		/* 0.5 / 0.25 = 2 */
		ck_assert_int_eq(r->multiplier, Q30);
		ck_assert_int_eq(r->shift, 2);
		ck_assert_int_eq(r->act_min, cases[k].lo);
		ck_assert_int_eq(r->act_max, cases[k].hi);
		ck_assert_int_eq(r->input.zero_point, -10);
		ck_assert_int_eq(r->output.zero_point, 7);
		npu_cpu_prepared_free(p);
	}

	/* int16: RELU6 clipped at 6 / 0.01; zero points must be 0. */
	tg_init(&b);
	x = tg_tensor(&b, NPU_TYPE_INT16, 2, s, 0.01f, 0, NULL);
	out = tg_tensor(&b, NPU_TYPE_INT16, 2, s, 0.01f, 0, NULL);
	tg_op(&b, NPU_BUILTIN_RELU6, 1, 1, x, out);
	p = prep_ok(&b);
	r = &p->cmds[0].params.relu;
	ck_assert_int_eq(r->multiplier, Q30);
	ck_assert_int_eq(r->shift, 1);
	ck_assert_int_eq(r->act_min, 0);
	ck_assert_int_eq(r->act_max, 600);
	npu_cpu_prepared_free(p);
	b.ops[0].builtin = NPU_BUILTIN_RELU_N1_TO_1;	/* TFLite: int8 only */
	ck_assert_int_eq(prep_fail(&b, err, sizeof(err)), -ENOTSUP);
	b.ops[0].builtin = NPU_BUILTIN_RELU;
	b.zp[out][0] = 3;
	ck_assert_int_eq(prep_fail(&b, err, sizeof(err)), -EINVAL);
	ck_assert_msg(strstr(err, "zero points 0"), "%s", err);
}
END_TEST

/* ---- pooling and mean ---- */

START_TEST(pools)
{
	static const int32_t in_s[] = { 1, 4, 4, 1 }, o_s[] = { 1, 2, 2, 1 },
			     in5[] = { 1, 5, 5, 2 }, o3[] = { 1, 3, 3, 2 };
	struct tg b;
	struct npu_cpu_prepared *p;
	struct npu_graph_op *op;
	int32_t x, out;

	tg_init(&b);
	x = tg_tensor(&b, NPU_TYPE_INT8, 4, in_s, 0.5f, -3, NULL);
	out = tg_tensor(&b, NPU_TYPE_INT8, 4, o_s, 0.5f, -3, NULL);
	op = tg_op(&b, NPU_BUILTIN_AVERAGE_POOL_2D, 1, 1, x, out);
	op->options_kind = NPU_OPTS_POOL;
	op->options.pool = (struct npu_pool_options){
		.padding = NPU_PADDING_VALID, .stride_w = 2, .stride_h = 2,
		.filter_w = 2, .filter_h = 2, .activation = NPU_ACT_RELU,
	};
	p = prep_ok(&b);
	ck_assert_uint_eq(p->cmds[0].opcode, NPU_CMD_AVERAGE_POOL_2D);
	ck_assert_uint_eq(p->cmds[0].params.pool.filter_h, 2);
	ck_assert_uint_eq(p->cmds[0].params.pool.pad_top, 0);
	ck_assert_int_eq(p->cmds[0].params.pool.act_min, -3);
	npu_cpu_prepared_free(p);

	tg_init(&b);
	x = tg_tensor(&b, NPU_TYPE_INT16, 4, in5, 0.5f, 0, NULL);
	out = tg_tensor(&b, NPU_TYPE_INT16, 4, o3, 0.5f, 0, NULL);
	op = tg_op(&b, NPU_BUILTIN_MAX_POOL_2D, 1, 1, x, out);
	op->options_kind = NPU_OPTS_POOL;
	op->options.pool = (struct npu_pool_options){
		.padding = NPU_PADDING_SAME, .stride_w = 2, .stride_h = 2,
		.filter_w = 3, .filter_h = 3,
	};
	p = prep_ok(&b);
	ck_assert_uint_eq(p->cmds[0].opcode, NPU_CMD_MAX_POOL_2D);
	/* (3 - 1) * 2 + 3 - 5 = 2 -> 1. */
	ck_assert_uint_eq(p->cmds[0].params.pool.pad_top, 1);
	ck_assert_uint_eq(p->cmds[0].params.pool.pad_left, 1);
	npu_cpu_prepared_free(p);

	/* Pooling does not requantize: different scales are refused. */
	b.scale[out][0] = 0.25f;
	{
		char err[256] = "";

		ck_assert_int_eq(prep_fail(&b, err, sizeof(err)), -EINVAL);
	}
}
END_TEST

START_TEST(mean)
{
	static const int32_t in_s[] = { 1, 4, 4, 8 }, o_s[] = { 1, 1, 1, 8 },
			     a_s[] = { 2 }, o2[] = { 1, 8 };
	static const int32_t axes[2] = { 2, 1 };
	static const int32_t neg_axes[2] = { 2, -3 };
	struct tg b;
	struct npu_cpu_prepared *p;
	struct npu_graph_op *op;
	int32_t x, axis, out;
	char err[256] = "";

	tg_init(&b);
	x = tg_tensor(&b, NPU_TYPE_INT8, 4, in_s, 0.5f, 1, NULL);
	axis = tg_tensor(&b, NPU_TYPE_INT32, 1, a_s, 0.0f, 0, axes);
	out = tg_tensor(&b, NPU_TYPE_INT8, 4, o_s, 0.25f, -1, NULL);
	op = tg_op(&b, NPU_BUILTIN_MEAN, 2, 1, x, axis, out);
	op->options_kind = NPU_OPTS_REDUCER;
	op->options.reducer.keep_dims = 1;
	p = prep_ok(&b);
	ck_assert_uint_eq(p->cmds[0].opcode, NPU_CMD_MEAN);
	/* 0.5 / 0.25 = 2 -> (Q30, 2); axes {2, 1}. */
	ck_assert_int_eq(p->cmds[0].params.mean.multiplier, Q30);
	ck_assert_int_eq(p->cmds[0].params.mean.shift, 2);
	ck_assert_uint_eq(p->cmds[0].params.mean.axis_mask, 6);
	npu_cpu_prepared_free(p);

	/* TFLM takes its generic (CPU) path for axes {2, -3}... */
	b.t[axis].data = (void *)neg_axes;
	ck_assert_int_eq(prep_fail(&b, err, sizeof(err)), -ENOTSUP);
	b.t[axis].data = (void *)axes;
	/* ...and without keep_dims. */
	b.t[out].rank = 2;
	memcpy(b.t[out].shape, o2, sizeof(o2));
	op->options.reducer.keep_dims = 0;
	ck_assert_int_eq(prep_fail(&b, err, sizeof(err)), -ENOTSUP);
}
END_TEST

/* ---- data movement ---- */

START_TEST(pad)
{
	static const int32_t in_s[] = { 1, 2, 3, 1 }, o_s[] = { 1, 5, 6, 1 },
			     p_s[] = { 4, 2 };
	static const int32_t pads[8] = { 0, 0, 1, 2, 3, 0, 0, 0 };
	static const int32_t bad[8] = { 0, 0, 1, 1, 3, 0, 0, 0 };
	struct tg b;
	struct npu_cpu_prepared *p;
	const struct npu_pad_params *pp;
	int32_t x, pt, out;
	char err[256] = "";

	tg_init(&b);
	x = tg_tensor(&b, NPU_TYPE_INT8, 4, in_s, 0.5f, 5, NULL);
	pt = tg_tensor(&b, NPU_TYPE_INT32, 2, p_s, 0.0f, 0, pads);
	out = tg_tensor(&b, NPU_TYPE_INT8, 4, o_s, 0.5f, 5, NULL);
	tg_op(&b, NPU_BUILTIN_PAD, 2, 1, x, pt, out);
	p = prep_ok(&b);
	pp = &p->cmds[0].params.pad;
	ck_assert_uint_eq(p->cmds[0].opcode, NPU_CMD_PAD);
	ck_assert_uint_eq(pp->before[0], 0);
	ck_assert_uint_eq(pp->before[1], 1);
	ck_assert_uint_eq(pp->before[2], 3);
	ck_assert_uint_eq(pp->before[3], 0);
	/* TFLite pads with the output zero point. */
	ck_assert_int_eq(pp->pad_value, 5);
	npu_cpu_prepared_free(p);

	b.t[pt].data = (void *)bad;
	ck_assert_int_eq(prep_fail(&b, err, sizeof(err)), -EINVAL);
}
END_TEST

START_TEST(transpose)
{
	static const int32_t in_s[] = { 1, 2, 3, 4 }, o_s[] = { 1, 4, 2, 3 },
			     p_s[] = { 4 };
	static const int32_t perm[4] = { 0, 3, 1, 2 };
	static const int32_t dup[4] = { 0, 3, 3, 2 };
	struct tg b;
	struct npu_cpu_prepared *p;
	int32_t x, pt, out;
	char err[256] = "";

	tg_init(&b);
	x = tg_tensor(&b, NPU_TYPE_INT8, 4, in_s, 0.5f, 0, NULL);
	pt = tg_tensor(&b, NPU_TYPE_INT32, 1, p_s, 0.0f, 0, perm);
	out = tg_tensor(&b, NPU_TYPE_INT8, 4, o_s, 0.5f, 0, NULL);
	tg_op(&b, NPU_BUILTIN_TRANSPOSE, 2, 1, x, pt, out);
	p = prep_ok(&b);
	for (int i = 0; i < 4; i++)
		ck_assert_uint_eq(p->cmds[0].params.transpose.perm[i],
				  (uint32_t)perm[i]);
	npu_cpu_prepared_free(p);
	b.t[pt].data = (void *)dup;
	ck_assert_int_eq(prep_fail(&b, err, sizeof(err)), -EINVAL);
}
END_TEST

START_TEST(concat)
{
	static const int32_t a_s[] = { 1, 2, 3 }, b_s[] = { 1, 2, 5 },
			     o_s[] = { 1, 2, 8 };
	struct tg b;
	struct npu_cpu_prepared *p;
	struct npu_graph_op *op;
	int32_t x, y, out;
	char err[256] = "";

	tg_init(&b);
	x = tg_tensor(&b, NPU_TYPE_INT8, 3, a_s, 0.5f, 2, NULL);
	y = tg_tensor(&b, NPU_TYPE_INT8, 3, b_s, 0.5f, 2, NULL);
	out = tg_tensor(&b, NPU_TYPE_INT8, 3, o_s, 0.5f, 2, NULL);
	op = tg_op(&b, NPU_BUILTIN_CONCATENATION, 2, 1, x, y, out);
	op->options_kind = NPU_OPTS_CONCAT;
	op->options.concat.axis = -1;
	p = prep_ok(&b);
	ck_assert_uint_eq(p->num_cmds, 2);
	ck_assert_uint_eq(p->cmds[0].input, 0);
	ck_assert_uint_eq(p->cmds[0].params.concat.axis, 2);
	ck_assert_uint_eq(p->cmds[0].params.concat.offset, 0);
	ck_assert_uint_eq(p->cmds[1].input, 1);
	ck_assert_uint_eq(p->cmds[1].params.concat.offset, 3);
	npu_cpu_prepared_free(p);

	/* No requantization in CONCATENATION: quantization must match. */
	b.zp[y][0] = 3;
	ck_assert_int_eq(prep_fail(&b, err, sizeof(err)), -EINVAL);
}
END_TEST

static struct npu_cpu_prepared *slice(const int32_t *in_shape, int in_rank,
				      const int32_t *o_shape, int o_rank,
				      const int32_t *begin, const int32_t *end,
				      const int32_t *strides, int n,
				      int32_t begin_mask, int32_t end_mask,
				      int32_t shrink)
{
	static struct tg b;
	struct npu_graph_op *op;
	const int32_t n_s[] = { n };
	int32_t x, tb, te, ts, out;

	tg_init(&b);
	x = tg_tensor(&b, NPU_TYPE_INT16, in_rank, in_shape, 1.0f, 0, NULL);
	tb = tg_tensor(&b, NPU_TYPE_INT32, 1, n_s, 0.0f, 0, begin);
	te = tg_tensor(&b, NPU_TYPE_INT32, 1, n_s, 0.0f, 0, end);
	ts = tg_tensor(&b, NPU_TYPE_INT32, 1, n_s, 0.0f, 0, strides);
	out = tg_tensor(&b, NPU_TYPE_INT16, o_rank, o_shape, 1.0f, 0, NULL);
	op = tg_op(&b, NPU_BUILTIN_STRIDED_SLICE, 4, 1, x, tb, te, ts, out);
	op->options_kind = NPU_OPTS_STRIDED_SLICE;
	op->options.strided_slice.begin_mask = begin_mask;
	op->options.strided_slice.end_mask = end_mask;
	op->options.strided_slice.shrink_axis_mask = shrink;
	return prep_ok(&b);
}

START_TEST(strided_slice)
{
	struct npu_cpu_prepared *p;
	const struct npu_slice_params *s;

	/* [1, 10, 4][0:1, 1:-1:2, 0:4]: rows 1, 3, 5, 7. */
	p = slice((const int32_t[]){ 1, 10, 4 }, 3, (const int32_t[]){ 1, 4, 4 },
		  3, (const int32_t[]){ 0, 1, 0 }, (const int32_t[]){ 1, -1, 4 },
		  (const int32_t[]){ 1, 2, 1 }, 3, 0, 0, 0);
	s = &p->cmds[0].params.slice;
	ck_assert_int_eq(s->begin[1], 1);
	ck_assert_int_eq(s->strides[1], 2);
	assert_dims(&s->output, 3, (const uint32_t[]){ 1, 4, 4 });
	npu_cpu_prepared_free(p);

	/* Shrinking axis 0: the output loses it, the command keeps it as 1. */
	p = slice((const int32_t[]){ 1, 10, 4 }, 3, (const int32_t[]){ 4, 4 },
		  2, (const int32_t[]){ 0, 1, 0 }, (const int32_t[]){ 1, -1, 4 },
		  (const int32_t[]){ 1, 2, 1 }, 3, 0, 0, 1);
	assert_dims(&p->cmds[0].params.slice.output, 3,
		    (const uint32_t[]){ 1, 4, 4 });
	npu_cpu_prepared_free(p);

	/* [6][-1:0:-2] = elements 5, 3, 1. */
	p = slice((const int32_t[]){ 6 }, 1, (const int32_t[]){ 3 }, 1,
		  (const int32_t[]){ -1 }, (const int32_t[]){ 0 },
		  (const int32_t[]){ -2 }, 1, 0, 0, 0);
	ck_assert_int_eq(p->cmds[0].params.slice.begin[0], 5);
	ck_assert_int_eq(p->cmds[0].params.slice.strides[0], -2);
	ck_assert_uint_eq(p->cmds[0].params.slice.output.dims[0], 3);
	npu_cpu_prepared_free(p);

	/* end_mask: [6][2:] = 4 elements; missing trailing axes: all. */
	p = slice((const int32_t[]){ 6, 3 }, 2, (const int32_t[]){ 4, 3 }, 2,
		  (const int32_t[]){ 2 }, (const int32_t[]){ 0 },
		  (const int32_t[]){ 1 }, 1, 0, 1, 0);
	ck_assert_int_eq(p->cmds[0].params.slice.begin[0], 2);
	assert_dims(&p->cmds[0].params.slice.output, 2,
		    (const uint32_t[]){ 4, 3 });
	npu_cpu_prepared_free(p);
}
END_TEST

START_TEST(logistic_table)
{
	static const int32_t s[] = { 1, 16 };
	struct tg b;
	struct npu_cpu_prepared *p;
	const int8_t *t;
	int32_t x, out;

	tg_init(&b);
	x = tg_tensor(&b, NPU_TYPE_INT8, 2, s, 1.0f / 16, 0, NULL);
	out = tg_tensor(&b, NPU_TYPE_INT8, 2, s, 1.0f / 256, -128, NULL);
	tg_op(&b, NPU_BUILTIN_LOGISTIC, 1, 1, x, out);
	p = prep_ok(&b);
	ck_assert_uint_eq(p->cmds[0].opcode, NPU_CMD_LUT);
	ck_assert_uint_eq(p->cmds[0].params.lut.function, NPU_LUT_LOGISTIC);
	ck_assert_uint_eq(p->table_bytes, 256);
	t = p->table;
	/* x = 0: 0.5 * 256 - 128 = 0; x = 127/16: 0.99964 * 256 -> 127
	 * (clamped); x = -8: 0.000335 * 256 -> 0 - 128. */
	ck_assert_int_eq(t[128], 0);
	ck_assert_int_eq(t[255], 127);
	ck_assert_int_eq(t[0], -128);
	/* x = 1: 0.731059 * 256 = 187.15 -> 187 - 128 = 59. */
	ck_assert_int_eq(t[128 + 16], 59);
	for (int v = -128; v < 128; v++) {
		double want = round(256.0 / (1.0 + exp(-v / 16.0))) - 128;

		want = want > 127 ? 127 : want;
		ck_assert_msg(fabs(t[v + 128] - want) <= 1,
			      "logistic table[%d] = %d, real %g", v, t[v + 128],
			      want);
	}
	npu_cpu_prepared_free(p);
}
END_TEST

/*
 * int8 TANH (scale 1/16 in, 1/128 out as TFLite requires): tanh(0) = 0,
 * tanh(1) * 128 = 97.48 -> 97, tanh(-1) -> -97; inputs at or beyond the
 * input radius floor(15 * 2^27 / 2^24) = 120 saturate.  Every entry is
 * within one step of the real function.
 */
START_TEST(tanh_table)
{
	static const int32_t s[] = { 16 };
	struct tg b;
	struct npu_cpu_prepared *p;
	const int8_t *t;
	int32_t x, out;
	char err[256] = "";

	tg_init(&b);
	x = tg_tensor(&b, NPU_TYPE_INT8, 1, s, 1.0f / 16, 0, NULL);
	out = tg_tensor(&b, NPU_TYPE_INT8, 1, s, 1.0f / 128, 0, NULL);
	tg_op(&b, NPU_BUILTIN_TANH, 1, 1, x, out);
	p = prep_ok(&b);
	ck_assert_uint_eq(p->cmds[0].params.lut.function, NPU_LUT_TANH);
	t = p->table;
	ck_assert_int_eq(t[128], 0);
	ck_assert_int_eq(t[128 + 16], 97);
	ck_assert_int_eq(t[128 - 16], -97);
	ck_assert_int_eq(t[128 + 120], 127);
	ck_assert_int_eq(t[0], -128);
	for (int v = -128; v < 128; v++) {
		double want = round(tanh(v / 16.0) * 128);

		want = want > 127 ? 127 : want < -128 ? -128 : want;
		ck_assert_msg(fabs(t[v + 128] - want) <= 1,
			      "tanh table[%d] = %d, real %g", v, t[v + 128], want);
	}
	npu_cpu_prepared_free(p);

	/* TFLite's int8 TANH output is fixed at 1/128, zero point 0. */
	b.zp[out][0] = 3;
	ck_assert_int_eq(prep_fail(&b, err, sizeof(err)), -EINVAL);
}
END_TEST

START_TEST(errors_name_the_problem)
{
	static const int32_t s[] = { 1, 4 }, in_s[] = { 1, 5, 5, 2 },
			     f_s[] = { 3, 3, 3, 2 }, o_s[] = { 1, 5, 5, 4 };
	struct tg b;
	struct npu_graph_op *op;
	int32_t x, y, out, f;
	char err[256] = "";

	/* SOFTMAX has no firmware kernel. */
	tg_init(&b);
	x = tg_tensor(&b, NPU_TYPE_INT8, 2, s, 0.5f, 0, NULL);
	out = tg_tensor(&b, NPU_TYPE_INT8, 2, s, 1.0f / 256, -128, NULL);
	tg_op(&b, NPU_BUILTIN_SOFTMAX, 1, 1, x, out);
	ck_assert_int_eq(prep_fail(&b, err, sizeof(err)), -ENOTSUP);
	ck_assert_ptr_nonnull(strstr(err, "not an NPU op"));

	/* int32 ADD: no kernel. */
	tg_init(&b);
	x = tg_tensor(&b, NPU_TYPE_INT32, 2, s, 0.0f, 0, NULL);
	y = tg_tensor(&b, NPU_TYPE_INT32, 2, s, 0.0f, 0, NULL);
	out = tg_tensor(&b, NPU_TYPE_INT32, 2, s, 0.0f, 0, NULL);
	tg_op(&b, NPU_BUILTIN_ADD, 2, 1, x, y, out);
	ck_assert_int_eq(prep_fail(&b, err, sizeof(err)), -ENOTSUP);

	/* Conv whose filter has 3 output channels for a 4-channel output. */
	tg_init(&b);
	x = tg_tensor(&b, NPU_TYPE_INT8, 4, in_s, 0.5f, 0, NULL);
	f = tg_tensor(&b, NPU_TYPE_INT8, 4, f_s, 0.5f, 0, zeros8);
	out = tg_tensor(&b, NPU_TYPE_INT8, 4, o_s, 0.5f, 0, NULL);
	op = tg_op(&b, NPU_BUILTIN_CONV_2D, 2, 1, x, f, out);
	op->options_kind = NPU_OPTS_CONV;
	op->options.conv.padding = NPU_PADDING_SAME;
	op->options.conv.stride_w = op->options.conv.stride_h = 1;
	ck_assert_int_eq(prep_fail(&b, err, sizeof(err)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "output channels"));

	/* Non-constant filter. */
	tg_init(&b);
	x = tg_tensor(&b, NPU_TYPE_INT8, 4, in_s, 0.5f, 0, NULL);
	f = tg_tensor(&b, NPU_TYPE_INT8, 4, f_s, 0.5f, 0, NULL);
	out = tg_tensor(&b, NPU_TYPE_INT8, 4, in_s, 0.5f, 0, NULL);
	op = tg_op(&b, NPU_BUILTIN_CONV_2D, 2, 1, x, f, out);
	op->options_kind = NPU_OPTS_CONV;
	ck_assert_int_eq(prep_fail(&b, err, sizeof(err)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "constant"));

	/* Wrong input count. */
	tg_init(&b);
	x = tg_tensor(&b, NPU_TYPE_INT8, 2, s, 0.5f, 0, NULL);
	tg_op(&b, NPU_BUILTIN_ADD, 1, 1, x, x);
	ck_assert_int_eq(prep_fail(&b, err, sizeof(err)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "inputs"));
}
END_TEST

/* Effective scales that overflow or are NaN are refused, naming the op. */
START_TEST(effective_scale_not_finite)
{
	static const int32_t s[] = { 1, 4 }, f_s[] = { 2, 4 },
			     o_s[] = { 1, 2 };
	struct tg b;
	struct npu_cpu_prepared *p;
	const struct npu_leaky_relu_params *l;
	struct npu_graph_op *op;
	int32_t in, f, out;
	char err[256] = "";

	/* FULLY_CONNECTED multiplies in_scale * filter_scale in float: inf. */
	tg_init(&b);
	in = tg_tensor(&b, NPU_TYPE_INT8, 2, s, 3e38f, 0, NULL);
	f = tg_tensor(&b, NPU_TYPE_INT8, 2, f_s, 3e38f, 0, zeros8);
	out = tg_tensor(&b, NPU_TYPE_INT8, 2, o_s, 1.0f, 0, NULL);
	op = tg_op(&b, NPU_BUILTIN_FULLY_CONNECTED, 3, 1, in, f,
		   NPU_TENSOR_NONE, out);
	op->options_kind = NPU_OPTS_FC;
	ck_assert_int_eq(prep_fail(&b, err, sizeof(err)), -EINVAL);
	ck_assert_msg(strstr(err, "FULLY_CONNECTED") &&
		      strstr(err, "effective scale"), "%s", err);

	/* LEAKY_RELU with a NaN alpha. */
	tg_init(&b);
	in = tg_tensor(&b, NPU_TYPE_INT8, 2, s, 0.5f, 0, NULL);
	out = tg_tensor(&b, NPU_TYPE_INT8, 2, s, 0.5f, 0, NULL);
	op = tg_op(&b, NPU_BUILTIN_LEAKY_RELU, 1, 1, in, out);
	op->options_kind = NPU_OPTS_LEAKY_RELU;
	op->options.leaky_relu.alpha = NAN;
	ck_assert_int_eq(prep_fail(&b, err, sizeof(err)), -EINVAL);
	ck_assert_msg(strstr(err, "LEAKY_RELU") &&
		      strstr(err, "effective scale"), "%s", err);

	/* A negative alpha is legal (TFLite quantizes the negative ratio). */
	op->options.leaky_relu.alpha = -0.5f;
	p = prep_ok(&b);
	l = &p->cmds[0].params.leaky_relu;
	ck_assert_int_eq(l->multiplier_alpha, -Q30);
	ck_assert_int_eq(l->shift_alpha, 0);
	npu_cpu_prepared_free(p);

	/* The public helper refuses the same way. */
	ck_assert_int_eq(npu_cpu_quantize_multiplier(INFINITY, &in, &out),
			 -EINVAL);
	ck_assert_int_eq(npu_cpu_quantize_multiplier(0.5, &in, &out), 0);
}
END_TEST

/*
 * Parameters from hostile files: window arithmetic near INT32_MAX without
 * overflow, and parameters TFLite would refuse refused with a message.
 */
START_TEST(hostile_parameters)
{
	static const int32_t s16[] = { 1, 16 }, s8[] = { 1, 8 }, two[] = { 2 };
	static const int32_t bad_shape[] = { 4, 4 }, good_shape[] = { -1, 16 };
	int32_t off = -1, x, out, shp;
	struct npu_graph_op *op;
	char err[256] = "";
	struct tg b;

	/* Strides, filters and dilations near INT32_MAX. */
	ck_assert_int_eq(npu_cpu_out_size(NPU_PADDING_SAME, 40, 1, INT32_MAX, 1), 1);
	ck_assert_int_eq(npu_cpu_out_size(NPU_PADDING_VALID, 80, 3, 1, INT32_MAX), 0);
	ck_assert_int_eq(npu_cpu_out_size(NPU_PADDING_VALID, 4, INT32_MAX, INT32_MAX,
					  INT32_MAX), 0);
	ck_assert_int_eq(npu_cpu_padding(4, INT32_MAX, 1, 1, 4, &off), INT32_MAX / 2);
	ck_assert_int_eq(off, 0);
	ck_assert_int_eq(npu_cpu_padding(4, 3, INT32_MAX, INT32_MAX, INT32_MAX, &off),
			 INT32_MAX);

	/* An INT32_MIN stride cannot be negated: refused, not UB. */
	tg_init(&b);
	{
		static const int32_t in_s[] = { 1, 8 }, o_s[] = { 1, 1 };
		static const int32_t begin[] = { 0, 7 }, end[] = { 1, 0 };
		static const int32_t strides[] = { 1, INT32_MIN };
		int32_t tb, te, ts;

		x = tg_tensor(&b, NPU_TYPE_INT8, 2, in_s, 0.5f, 0, NULL);
		tb = tg_tensor(&b, NPU_TYPE_INT32, 1, two, 0.0f, 0, begin);
		te = tg_tensor(&b, NPU_TYPE_INT32, 1, two, 0.0f, 0, end);
		ts = tg_tensor(&b, NPU_TYPE_INT32, 1, two, 0.0f, 0, strides);
		out = tg_tensor(&b, NPU_TYPE_INT8, 2, o_s, 0.5f, 0, NULL);
		op = tg_op(&b, NPU_BUILTIN_STRIDED_SLICE, 4, 1, x, tb, te, ts, out);
		op->options_kind = NPU_OPTS_STRIDED_SLICE;
	}
	ck_assert_int_eq(prep_fail(&b, err, sizeof(err)), -EINVAL);
	ck_assert_msg(strstr(err, "stride of axis 1"), "%s", err);

	/* RESHAPE's constant shape input must describe the output. */
	tg_init(&b);
	x = tg_tensor(&b, NPU_TYPE_INT8, 2, s16, 0.5f, 0, NULL);
	shp = tg_tensor(&b, NPU_TYPE_INT32, 1, two, 0.0f, 0, bad_shape);
	out = tg_tensor(&b, NPU_TYPE_INT8, 2, s16, 0.5f, 0, NULL);
	tg_op(&b, NPU_BUILTIN_RESHAPE, 2, 1, x, shp, out);
	ck_assert_int_eq(prep_fail(&b, err, sizeof(err)), -EINVAL);
	ck_assert_msg(strstr(err, "shape input gives 4 for axis 0"), "%s", err);
	ck_assert_int_eq(npu_cpu_check_op(&b.g, &b.ops[0], err, sizeof(err)), -EINVAL);
	b.t[shp].data = (void *)good_shape;
	ck_assert_int_eq(npu_cpu_check_op(&b.g, &b.ops[0], err, sizeof(err)), 0);

	/* SOFTMAX with a non-finite beta is malformed, not unsupported. */
	tg_init(&b);
	x = tg_tensor(&b, NPU_TYPE_INT8, 2, s16, 0.5f, 0, NULL);
	out = tg_tensor(&b, NPU_TYPE_INT8, 2, s16, 1.0f / 256, -128, NULL);
	op = tg_op(&b, NPU_BUILTIN_SOFTMAX, 1, 1, x, out);
	op->options_kind = NPU_OPTS_SOFTMAX;
	op->options.softmax.beta = INFINITY;
	ck_assert_int_eq(npu_cpu_check_op(&b.g, op, err, sizeof(err)), -EINVAL);
	ck_assert_msg(strstr(err, "beta inf is not a finite number"), "%s", err);
	op->options.softmax.beta = NAN;
	ck_assert_int_eq(npu_cpu_check_op(&b.g, op, err, sizeof(err)), -EINVAL);

	/* No built-in CPU kernel: -ENOTSUP (a registered kernel may run it). */
	tg_init(&b);
	x = tg_tensor(&b, NPU_TYPE_INT8, 2, s16, 0.5f, 0, NULL);
	out = tg_tensor(&b, NPU_TYPE_INT8, 2, s8, 0.5f, 0, NULL);
	op = tg_op(&b, NPU_BUILTIN_CUSTOM, 1, 1, x, out);
	op->custom_name = (char *)"my_op";
	ck_assert_int_eq(npu_cpu_check_op(&b.g, op, err, sizeof(err)), -ENOTSUP);
	ck_assert_msg(strstr(err, "has no built-in CPU kernel"), "%s", err);
}
END_TEST

static Suite *prepare_suite(void)
{
	Suite *s = suite_create("cpu_prepare");
	TCase *tc = tcase_create("math");

	tcase_add_test(tc, quantize_multiplier);
	tcase_add_test(tc, activation_range);
	tcase_add_test(tc, padding);
	suite_add_tcase(s, tc);

	tc = tcase_create("ops");
	tcase_add_test(tc, conv_per_channel);
	tcase_add_test(tc, conv_16x8_bias_widened);
	tcase_add_test(tc, depthwise);
	tcase_add_test(tc, fc_float_product_vs_conv_double);
	tcase_add_test(tc, fc_flattens_input);
	tcase_add_test(tc, transpose_conv_pads_from_output);
	tcase_add_test(tc, add_int8_broadcast);
	tcase_add_test(tc, sub_int16);
	tcase_add_test(tc, mul_int8);
	tcase_add_test(tc, mul_int16);
	tcase_add_test(tc, leaky_relu);
	tcase_add_test(tc, relu);
	tcase_add_test(tc, pools);
	tcase_add_test(tc, mean);
	tcase_add_test(tc, pad);
	tcase_add_test(tc, transpose);
	tcase_add_test(tc, concat);
	tcase_add_test(tc, strided_slice);
	tcase_add_test(tc, logistic_table);
	tcase_add_test(tc, tanh_table);
	tcase_add_test(tc, effective_scale_not_finite);
	tcase_add_test(tc, errors_name_the_problem);
	tcase_add_test(tc, hostile_parameters);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(prepare_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
