// SPDX-License-Identifier: MIT
/*
 * The lowering of ADD and SUB (lower/add_sub.c) against values worked out by
 * hand from TFLite's formulas (lower_util.h).
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

static Suite *lower_suite(void)
{
	Suite *s = suite_create("lower_add_sub");
	TCase *tc;

	tc = tcase_create("add_sub");
	tcase_add_test(tc, add_int8_broadcast);
	tcase_add_test(tc, sub_int16);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return npu_check_run(lower_suite());
}
