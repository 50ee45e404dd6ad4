// SPDX-License-Identifier: MIT
/*
 * RESHAPE's output_shape hook (lower/reshape.c): the shape a constant shape
 * input gives, one -1 inferred from the input's size, as reshape.cc's
 * Prepare; nothing from a run-time shape or one the input does not fill.
 * Its lowering and kernel: test_compile (folded shapes, dynamic-shape
 * refusal), tests/ops.
 */
#include <check.h>
#include <stdint.h>

#include "check_util.h"
#include "lower_util.h"

START_TEST(reshape_output_shape)
{
	static const int32_t rows[2] = { -1, 12 }, exact[3] = { 2, 5, 12 }, sevens[2] = { -1, 7 };
	static const int32_t two_unknown[2] = { -1, -1 };
	struct tg b;
	int32_t sh;

	tg_init(&b);
	sh = tg_tensor(&b, NPU_TYPE_INT32, 1, (const int32_t[]){ 2 }, 0.0f, 0, rows);
	tg_op(&b, NPU_BUILTIN_RESHAPE, 2, 1,
	      tg_tensor(&b, NPU_TYPE_FLOAT32, 3, (const int32_t[]){ 1, 10, 12 }, 0.0f, 0, NULL), sh,
	      tg_tensor(&b, NPU_TYPE_FLOAT32, 2, (const int32_t[]){ 1, 12 }, 0.0f, 0, NULL));
	assert_output_shape(&b, 0, 2, (const int32_t[]){ 10, 12 });
	b.t[sh].data = (void *)sevens;	/* 120 elements make no rows of 7 */
	assert_output_shape(&b, 0, -1, NULL);
	b.t[sh].data = (void *)two_unknown;
	assert_output_shape(&b, 0, -1, NULL);
	b.t[sh].data = NULL;	/* computed at run time */
	assert_output_shape(&b, 0, -1, NULL);
	b.t[sh].shape[0] = 3;	/* no -1: the shape as given, if the sizes agree */
	b.t[sh].elements = 3;
	b.t[sh].data = (void *)exact;
	assert_output_shape(&b, 0, 3, (const int32_t[]){ 2, 5, 12 });
}
END_TEST

static Suite *lower_suite(void)
{
	Suite *s = suite_create("lower_reshape");
	TCase *tc = tcase_create("reshape");

	tcase_add_test(tc, reshape_output_shape);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return npu_check_run(lower_suite());
}
