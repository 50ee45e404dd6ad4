// SPDX-License-Identifier: MIT
/*
 * The lowering of MUL (lower/mul.c) against values worked out by hand from
 * TFLite's formulas (lower_util.h).
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

static Suite *lower_suite(void)
{
	Suite *s = suite_create("lower_mul");
	TCase *tc;

	tc = tcase_create("mul");
	tcase_add_test(tc, mul_int8);
	tcase_add_test(tc, mul_int16);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return npu_check_run(lower_suite());
}
