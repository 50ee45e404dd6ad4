// SPDX-License-Identifier: MIT
/*
 * SELECT and SELECT_V2 (lower/select.c) on values worked out by hand:
 * SELECT_V2's three-way broadcast, SELECT's rank-1 condition choosing
 * rows, and what is refused.  Byte-identity with the interpreter is
 * tests/ops (select_v2.*, less.int8 ..., check-ops).
 */
#include <check.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check_util.h"
#include "npu_cpu.h"
#include "test_cpu_graph.h"

/* cond and y constant, x the graph input: the output after one run. */
static int run_select(struct tg *b, int32_t builtin, int32_t c, int32_t x, int32_t y,
		      int32_t out, const void *x_data, size_t x_bytes, void *got, size_t n)
{
	struct npu_cpu *cpu = NULL;
	char err[256] = "";
	int ret;

	tg_op(b, builtin, 3, 1, c, x, y, out);
	tg_io(b, x, out);
	/* A malformed op (TFLite refuses it too) fails creation. */
	ret = npu_cpu_create(&b->g, &cpu, err, sizeof(err));
	if (ret)
		return ret;
	memcpy(npu_cpu_tensor_data(cpu, x), x_data, x_bytes);
	ret = npu_cpu_invoke(cpu);
	if (!ret)
		memcpy(got, npu_cpu_tensor_data(cpu, out), n);
	npu_cpu_destroy(cpu);
	return ret;
}

/* cond [2, 1] = {1, 0}, x [2, 3], y [3]: row 0 from x, row 1 from y. */
START_TEST(select_v2_broadcast)
{
	static const int32_t s21[] = { 2, 1 }, s23[] = { 2, 3 }, s3[] = { 3 };
	static const uint8_t cv[2] = { 1, 0 };
	static const int32_t xv[6] = { 1, 2, 3, 4, 5, 6 }, yv[3] = { -7, -8, -9 };
	static const int32_t want[6] = { 1, 2, 3, -7, -8, -9 };
	struct tg b;
	int32_t got[6], c, x, y, out;

	tg_init(&b);
	c = tg_tensor(&b, NPU_TYPE_BOOL, 2, s21, 0.0f, 0, cv);
	x = tg_tensor(&b, NPU_TYPE_INT32, 2, s23, 0.0f, 0, NULL);
	y = tg_tensor(&b, NPU_TYPE_INT32, 1, s3, 0.0f, 0, yv);
	out = tg_tensor(&b, NPU_TYPE_INT32, 2, s23, 0.0f, 0, NULL);
	ck_assert_int_eq(run_select(&b, NPU_BUILTIN_SELECT_V2, c, x, y, out, xv, sizeof(xv),
				    got, sizeof(got)), 0);
	ck_assert_mem_eq(got, want, sizeof(want));
}
END_TEST

/* SELECT with a rank-1 condition {0, 1} over int8 [2, 2]: y's row, x's row. */
START_TEST(select_rank_one)
{
	static const int32_t s2[] = { 2 }, s22[] = { 2, 2 };
	static const uint8_t cv[2] = { 0, 1 };
	static const int8_t xv[4] = { 1, 2, 3, 4 }, yv[4] = { -1, -2, -3, -4 };
	static const int8_t want[4] = { -1, -2, 3, 4 };
	struct tg b;
	int8_t got[4];
	int32_t c, x, y, out;

	tg_init(&b);
	c = tg_tensor(&b, NPU_TYPE_BOOL, 1, s2, 0.0f, 0, cv);
	x = tg_tensor(&b, NPU_TYPE_INT8, 2, s22, 0.5f, 1, NULL);
	y = tg_tensor(&b, NPU_TYPE_INT8, 2, s22, 0.5f, 1, yv);
	out = tg_tensor(&b, NPU_TYPE_INT8, 2, s22, 0.5f, 1, NULL);
	ck_assert_int_eq(run_select(&b, NPU_BUILTIN_SELECT, c, x, y, out, xv, sizeof(xv),
				    got, sizeof(got)), 0);
	ck_assert_mem_eq(got, want, sizeof(want));
}
END_TEST

/* A non-bool condition; SELECT (v1) does not broadcast. */
START_TEST(select_refused)
{
	static const int32_t s21[] = { 2, 1 }, s23[] = { 2, 3 }, s3[] = { 3 };
	static const int32_t cv[2] = { 1, 0 }, yv[3] = { 0 };
	static const int32_t xv[6] = { 0 };
	static const uint8_t bv[2] = { 1, 0 };
	struct tg b;
	int32_t got[6], c, x, y, out;

	tg_init(&b);
	c = tg_tensor(&b, NPU_TYPE_INT32, 2, s21, 0.0f, 0, cv);
	x = tg_tensor(&b, NPU_TYPE_INT32, 2, s23, 0.0f, 0, NULL);
	y = tg_tensor(&b, NPU_TYPE_INT32, 1, s3, 0.0f, 0, yv);
	out = tg_tensor(&b, NPU_TYPE_INT32, 2, s23, 0.0f, 0, NULL);
	ck_assert_int_eq(run_select(&b, NPU_BUILTIN_SELECT_V2, c, x, y, out, xv, sizeof(xv),
				    got, sizeof(got)), -EINVAL);
	tg_init(&b);
	c = tg_tensor(&b, NPU_TYPE_BOOL, 2, s21, 0.0f, 0, bv);
	x = tg_tensor(&b, NPU_TYPE_INT32, 2, s23, 0.0f, 0, NULL);
	y = tg_tensor(&b, NPU_TYPE_INT32, 1, s3, 0.0f, 0, yv);
	out = tg_tensor(&b, NPU_TYPE_INT32, 2, s23, 0.0f, 0, NULL);
	ck_assert_int_eq(run_select(&b, NPU_BUILTIN_SELECT, c, x, y, out, xv, sizeof(xv),
				    got, sizeof(got)), -EINVAL);
}
END_TEST

static Suite *select_suite(void)
{
	Suite *s = suite_create("lower_select");
	TCase *tc = tcase_create("select");

	tcase_add_test(tc, select_v2_broadcast);
	tcase_add_test(tc, select_rank_one);
	tcase_add_test(tc, select_refused);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return npu_check_run(select_suite());
}
