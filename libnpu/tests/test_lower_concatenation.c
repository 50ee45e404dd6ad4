// SPDX-License-Identifier: MIT
/*
 * The lowering of CONCATENATION (lower/concatenation.c) against values
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

static Suite *lower_suite(void)
{
	Suite *s = suite_create("lower_concatenation");
	TCase *tc;

	tc = tcase_create("concatenation");
	tcase_add_test(tc, concat);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return npu_check_run(lower_suite());
}
