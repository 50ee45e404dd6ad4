// SPDX-License-Identifier: MIT
/*
 * The lowering of AVERAGE_POOL_2D and MAX_POOL_2D (lower/pool.c) against
 * values worked out by hand from TFLite's formulas (lower_util.h).
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

static Suite *lower_suite(void)
{
	Suite *s = suite_create("lower_pool");
	TCase *tc;

	tc = tcase_create("pool");
	tcase_add_test(tc, pools);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return npu_check_run(lower_suite());
}
