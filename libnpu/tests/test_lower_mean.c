// SPDX-License-Identifier: MIT
/*
 * The lowering of MEAN (lower/mean.c) against values worked out by hand from
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
	/* 0.5 / 0.25 = 2 -> (Q30, 2), / 16 elements -> (Q30, -2); axes {2, 1}. */
	ck_assert_int_eq(p->cmds[0].params.mean.multiplier, Q30);
	ck_assert_int_eq(p->cmds[0].params.mean.shift, -2);
	ck_assert_uint_eq(p->cmds[0].params.mean.axis_mask, 6);
	npu_cpu_prepared_free(p);

	/* TFLite computes every axis set and keep_dims=false alike. */
	b.t[axis].data = (void *)neg_axes;
	b.t[out].rank = 2;
	memcpy(b.t[out].shape, o2, sizeof(o2));
	op->options.reducer.keep_dims = 0;
	p = prep_ok(&b);
	ck_assert_uint_eq(p->cmds[0].params.mean.axis_mask, 6);
	ck_assert_uint_eq(p->cmds[0].params.mean.output.rank, 4);
	ck_assert_uint_eq(p->cmds[0].params.mean.output.dims[1], 1);
	ck_assert_uint_eq(p->cmds[0].params.mean.output.dims[3], 8);
	npu_cpu_prepared_free(p);
	/* An output of the wrong size is refused. */
	b.t[out].shape[1] = 4;
	b.t[out].elements = 4;
	ck_assert_int_eq(prep_fail(&b, err, sizeof(err)), -EINVAL);
}
END_TEST

static Suite *lower_suite(void)
{
	Suite *s = suite_create("lower_mean");
	TCase *tc;

	tc = tcase_create("mean");
	tcase_add_test(tc, mean);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return npu_check_run(lower_suite());
}
