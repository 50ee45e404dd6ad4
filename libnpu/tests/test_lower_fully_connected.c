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

static Suite *lower_suite(void)
{
	Suite *s = suite_create("lower_fully_connected");
	TCase *tc;

	tc = tcase_create("fully_connected");
	tcase_add_test(tc, fc_float_product_vs_conv_double);
	tcase_add_test(tc, fc_flattens_input);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return npu_check_run(lower_suite());
}
