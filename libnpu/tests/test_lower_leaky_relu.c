// SPDX-License-Identifier: MIT
/*
 * The lowering of LEAKY_RELU (lower/leaky_relu.c) against values worked out
 * by hand from TFLite's formulas (lower_util.h).
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

static Suite *lower_suite(void)
{
	Suite *s = suite_create("lower_leaky_relu");
	TCase *tc;

	tc = tcase_create("leaky_relu");
	tcase_add_test(tc, leaky_relu);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return npu_check_run(lower_suite());
}
