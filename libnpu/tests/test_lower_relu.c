// SPDX-License-Identifier: MIT
/*
 * The lowering of RELU, RELU6 and RELU_N1_TO_1 (lower/relu.c) against values
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

static Suite *lower_suite(void)
{
	Suite *s = suite_create("lower_relu");
	TCase *tc;

	tc = tcase_create("relu");
	tcase_add_test(tc, relu);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return npu_check_run(lower_suite());
}
