// SPDX-License-Identifier: MIT
/*
 * The lowering's shared arithmetic (lower/helpers.c: QuantizeMultiplier,
 * activation ranges, padding) and the errors every lowering gives (a
 * non-finite effective scale, hostile parameters, messages naming the
 * problem), against values worked out by hand from TFLite's formulas
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

	/*
	 * FULLY_CONNECTED's binary64 scale is finite for any finite float
	 * scales (3e38 * 3e38 is, in double): an infinite scale is refused
	 * with the tensor that has it.
	 */
	tg_init(&b);
	in = tg_tensor(&b, NPU_TYPE_INT8, 2, s, INFINITY, 0, NULL);
	f = tg_tensor(&b, NPU_TYPE_INT8, 2, f_s, 3e38f, 0, zeros8);
	out = tg_tensor(&b, NPU_TYPE_INT8, 2, o_s, 1.0f, 0, NULL);
	op = tg_op(&b, NPU_BUILTIN_FULLY_CONNECTED, 3, 1, in, f,
		   NPU_TENSOR_NONE, out);
	op->options_kind = NPU_OPTS_FC;
	ck_assert_int_eq(prep_fail(&b, err, sizeof(err)), -EINVAL);
	ck_assert_msg(strstr(err, "input has scale inf"), "%s", err);

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

START_TEST(errors_name_the_problem)
{
	static const int32_t s[] = { 1, 4 }, in_s[] = { 1, 5, 5, 2 },
			     f_s[] = { 3, 3, 3, 2 }, o_s[] = { 1, 5, 5, 4 };
	struct tg b;
	struct npu_graph_op *op;
	int32_t x, y, out, f;
	char err[256] = "";

	/* QUANTIZE has no firmware kernel. */
	tg_init(&b);
	x = tg_tensor(&b, NPU_TYPE_FLOAT32, 2, s, 0.0f, 0, NULL);
	out = tg_tensor(&b, NPU_TYPE_INT8, 2, s, 1.0f / 256, -128, NULL);
	tg_op(&b, NPU_BUILTIN_QUANTIZE, 1, 1, x, out);
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

/*
 * The float unary kernels (RSQRT, NEG, LOG_SOFTMAX, L2_NORMALIZATION, the
 * float LUT ops...) take float data only: an int32 input with a float
 * output (which TFLite refuses) is not reinterpreted as float but has no
 * kernel.  Found by libnpu/doc/builtin_table.c's probes.
 */
START_TEST(float_unary_needs_float_data)
{
	static const int32_t builtins[] = {
		NPU_BUILTIN_RSQRT, NPU_BUILTIN_NEG, NPU_BUILTIN_LOG_SOFTMAX,
		NPU_BUILTIN_L2_NORMALIZATION, NPU_BUILTIN_EXP, NPU_BUILTIN_LOGISTIC,
	};
	static const int32_t s[] = { 2, 8 };

	for (size_t i = 0; i < sizeof(builtins) / sizeof(builtins[0]); i++) {
		enum npu_type in_types[] = { NPU_TYPE_INT32, NPU_TYPE_FLOAT32 };

		for (size_t k = 0; k < 2; k++) {
			struct tg b;
			int32_t x, out;
			char err[256] = "";
			int ret;

			tg_init(&b);
			x = tg_tensor(&b, in_types[k], 2, s, 0.0f, 0, NULL);
			out = tg_tensor(&b, NPU_TYPE_FLOAT32, 2, s, 0.0f, 0, NULL);
			tg_op(&b, builtins[i], 1, 1, x, out);
			ret = npu_cpu_check_op(&b.g, &b.ops[0], err, sizeof(err));
			if (in_types[k] == NPU_TYPE_FLOAT32)
				ck_assert_msg(ret == 0, "%s float: %s", npu_op_name(builtins[i]), err);
			else
				ck_assert_msg(ret == -ENOTSUP, "%s int32 -> float: %d %s",
					      npu_op_name(builtins[i]), ret, err);
		}
	}
}
END_TEST

/*
 * The output_shape families helpers.c gives many rows, each asked through
 * a builtin's row as compiler/fold.c asks it: elementwise unary (input 0's
 * shape), binary (numpy broadcast), window ops (the stored output with the
 * input's batch), reductions along constant axes.
 */
START_TEST(output_shape_families)
{
	static const int32_t axes[2] = { -1, 1 }, outside = 4;
	struct npu_graph_op *op;
	struct tg b;
	int32_t x, y, c;

	/* ELU (unary_lut), SOFTMAX (a CPU-only row), LOGICAL_NOT, ZEROS_LIKE. */
	tg_init(&b);
	x = tg_tensor(&b, NPU_TYPE_FLOAT32, 3, (const int32_t[]){ 4, 5, 6 }, 0.0f, 0, NULL);
	y = tg_tensor(&b, NPU_TYPE_FLOAT32, 3, (const int32_t[]){ 1, 5, 6 }, 0.0f, 0, NULL);
	tg_op(&b, NPU_BUILTIN_ELU, 1, 1, x, y);
	assert_output_shape(&b, 0, 3, (const int32_t[]){ 4, 5, 6 });
	assert_output_shape(&b, 1, -1, NULL);
	b.ops[0].builtin = NPU_BUILTIN_SOFTMAX;
	assert_output_shape(&b, 0, 3, (const int32_t[]){ 4, 5, 6 });
	b.ops[0].builtin = NPU_BUILTIN_LOGICAL_NOT;
	assert_output_shape(&b, 0, 3, (const int32_t[]){ 4, 5, 6 });
	b.ops[0].builtin = NPU_BUILTIN_ZEROS_LIKE;
	assert_output_shape(&b, 0, 3, (const int32_t[]){ 4, 5, 6 });
	/* FILL's row (shared with ZEROS_LIKE) leaves its stored shape. */
	b.ops[0].builtin = NPU_BUILTIN_FILL;
	assert_output_shape(&b, 0, -1, NULL);

	/* [4, 1, 6] with [5, 1]: ADD, LOGICAL_AND, LESS; [5, 4] does not broadcast. */
	tg_init(&b);
	x = tg_tensor(&b, NPU_TYPE_FLOAT32, 3, (const int32_t[]){ 4, 1, 6 }, 0.0f, 0, NULL);
	c = tg_tensor(&b, NPU_TYPE_FLOAT32, 2, (const int32_t[]){ 5, 1 }, 0.0f, 0, NULL);
	y = tg_tensor(&b, NPU_TYPE_FLOAT32, 3, (const int32_t[]){ 1, 1, 1 }, 0.0f, 0, NULL);
	tg_op(&b, NPU_BUILTIN_ADD, 2, 1, x, c, y);
	assert_output_shape(&b, 0, 3, (const int32_t[]){ 4, 5, 6 });
	b.ops[0].builtin = NPU_BUILTIN_LOGICAL_AND;
	assert_output_shape(&b, 0, 3, (const int32_t[]){ 4, 5, 6 });
	b.ops[0].builtin = NPU_BUILTIN_LESS;
	assert_output_shape(&b, 0, 3, (const int32_t[]){ 4, 5, 6 });
	b.t[c].shape[1] = 4;
	assert_output_shape(&b, 0, -1, NULL);

	/* CONV_2D and AVERAGE_POOL_2D: batch 4 into a stored [1, 3, 3, 8]. */
	tg_init(&b);
	x = tg_tensor(&b, NPU_TYPE_FLOAT32, 4, (const int32_t[]){ 4, 5, 5, 2 }, 0.0f, 0, NULL);
	c = tg_tensor(&b, NPU_TYPE_FLOAT32, 4, (const int32_t[]){ 8, 3, 3, 2 }, 0.0f, 0, NULL);
	y = tg_tensor(&b, NPU_TYPE_FLOAT32, 4, (const int32_t[]){ 1, 3, 3, 8 }, 0.0f, 0, NULL);
	tg_op(&b, NPU_BUILTIN_CONV_2D, 2, 1, x, c, y);
	assert_output_shape(&b, 0, 4, (const int32_t[]){ 4, 3, 3, 8 });
	b.ops[0].builtin = NPU_BUILTIN_AVERAGE_POOL_2D;
	assert_output_shape(&b, 0, 4, (const int32_t[]){ 4, 3, 3, 8 });
	b.t[y].rank = 3;
	assert_output_shape(&b, 0, -1, NULL);

	/* MEAN and REDUCE_PROD over axes -1 and 1, with and without keep_dims. */
	tg_init(&b);
	x = tg_tensor(&b, NPU_TYPE_FLOAT32, 4, (const int32_t[]){ 2, 3, 4, 5 }, 0.0f, 0, NULL);
	c = tg_tensor(&b, NPU_TYPE_INT32, 1, (const int32_t[]){ 2 }, 0.0f, 0, axes);
	y = tg_tensor(&b, NPU_TYPE_FLOAT32, 2, (const int32_t[]){ 1, 1 }, 0.0f, 0, NULL);
	op = tg_op(&b, NPU_BUILTIN_MEAN, 2, 1, x, c, y);
	op->options_kind = NPU_OPTS_REDUCER;
	assert_output_shape(&b, 0, 2, (const int32_t[]){ 2, 4 });
	op->options.reducer.keep_dims = 1;
	assert_output_shape(&b, 0, 4, (const int32_t[]){ 2, 1, 4, 1 });
	op->builtin = NPU_BUILTIN_REDUCE_PROD;
	assert_output_shape(&b, 0, 4, (const int32_t[]){ 2, 1, 4, 1 });
	op->inputs[1] = tg_tensor(&b, NPU_TYPE_INT32, 0, NULL, 0.0f, 0, &outside);
	assert_output_shape(&b, 0, -1, NULL);
}
END_TEST

/* The rows of lower/builtins.c whose kernels are in cpu/: GATHER, BATCH_MATMUL. */
START_TEST(cpu_only_output_shapes)
{
	struct npu_graph_op *op;
	struct tg b;
	int32_t x, y, c;

	/* GATHER of [4, 5, 6] along axis 1 by [2, 3] indices: [4, 2, 3, 6]. */
	tg_init(&b);
	x = tg_tensor(&b, NPU_TYPE_FLOAT32, 3, (const int32_t[]){ 4, 5, 6 }, 0.0f, 0, NULL);
	c = tg_tensor(&b, NPU_TYPE_INT32, 2, (const int32_t[]){ 2, 3 }, 0.0f, 0, NULL);
	y = tg_tensor(&b, NPU_TYPE_FLOAT32, 4, (const int32_t[]){ 1, 1, 1, 1 }, 0.0f, 0, NULL);
	op = tg_op(&b, NPU_BUILTIN_GATHER, 2, 1, x, c, y);
	op->options_kind = NPU_OPTS_AXIS;
	op->options.axis.axis = 1;
	assert_output_shape(&b, 0, 4, (const int32_t[]){ 4, 2, 3, 6 });
	op->options.axis.axis = -3;
	assert_output_shape(&b, 0, 4, (const int32_t[]){ 2, 3, 5, 6 });
	op->options.axis.axis = 3;
	assert_output_shape(&b, 0, -1, NULL);

	/* BATCH_MATMUL [3, 1, 4, 5] x [2, 5, 6]: [3, 2, 4, 6]; adj_y [2, 6, 5]. */
	tg_init(&b);
	x = tg_tensor(&b, NPU_TYPE_FLOAT32, 4, (const int32_t[]){ 3, 1, 4, 5 }, 0.0f, 0, NULL);
	c = tg_tensor(&b, NPU_TYPE_FLOAT32, 3, (const int32_t[]){ 2, 5, 6 }, 0.0f, 0, NULL);
	y = tg_tensor(&b, NPU_TYPE_FLOAT32, 4, (const int32_t[]){ 1, 1, 1, 1 }, 0.0f, 0, NULL);
	op = tg_op(&b, NPU_BUILTIN_BATCH_MATMUL, 2, 1, x, c, y);
	assert_output_shape(&b, 0, 4, (const int32_t[]){ 3, 2, 4, 6 });
	op->options_kind = NPU_OPTS_BATCH_MATMUL;
	op->options.batch_matmul.adj_y = 1;
	assert_output_shape(&b, 0, -1, NULL);
	b.t[c].shape[1] = 6;
	b.t[c].shape[2] = 5;
	assert_output_shape(&b, 0, 4, (const int32_t[]){ 3, 2, 4, 6 });
}
END_TEST

static Suite *lower_suite(void)
{
	Suite *s = suite_create("lower_helpers");
	TCase *tc;

	tc = tcase_create("math");
	tcase_add_test(tc, quantize_multiplier);
	tcase_add_test(tc, activation_range);
	tcase_add_test(tc, padding);
	suite_add_tcase(s, tc);

	tc = tcase_create("errors");
	tcase_add_test(tc, effective_scale_not_finite);
	tcase_add_test(tc, errors_name_the_problem);
	tcase_add_test(tc, hostile_parameters);
	tcase_add_test(tc, float_unary_needs_float_data);
	tcase_add_test(tc, output_shape_families);
	tcase_add_test(tc, cpu_only_output_shapes);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return npu_check_run(lower_suite());
}
