// SPDX-License-Identifier: MIT
/*
 * The lowering of TRANSPOSE (lower/transpose.c) against values worked out by
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

/* The output_shape hook: output axis i is input axis perm[i]. */
START_TEST(transpose_output_shape)
{
	static const int32_t perm[3] = { 2, 0, 1 }, short_perm[2] = { 1, 0 };
	struct tg b;

	tg_init(&b);
	tg_op(&b, NPU_BUILTIN_TRANSPOSE, 2, 1,
	      tg_tensor(&b, NPU_TYPE_INT8, 3, (const int32_t[]){ 2, 3, 4 }, 0.5f, 0, NULL),
	      tg_tensor(&b, NPU_TYPE_INT32, 1, (const int32_t[]){ 3 }, 0.0f, 0, perm),
	      tg_tensor(&b, NPU_TYPE_INT8, 3, (const int32_t[]){ 1, 1, 1 }, 0.5f, 0, NULL));
	assert_output_shape(&b, 0, 3, (const int32_t[]){ 4, 2, 3 });
	b.ops[0].inputs[1] = tg_tensor(&b, NPU_TYPE_INT32, 1, (const int32_t[]){ 2 }, 0.0f, 0,
				       short_perm);
	assert_output_shape(&b, 0, -1, NULL);
}
END_TEST

static Suite *lower_suite(void)
{
	Suite *s = suite_create("lower_transpose");
	TCase *tc;

	tc = tcase_create("transpose");
	tcase_add_test(tc, transpose);
	tcase_add_test(tc, transpose_output_shape);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return npu_check_run(lower_suite());
}
