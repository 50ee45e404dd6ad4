// SPDX-License-Identifier: MIT
/*
 * LOGICAL_AND, LOGICAL_OR (broadcast) and LOGICAL_NOT (lower/logical.c) by
 * hand; non-bool tensors are refused.  Byte-identity with the interpreter
 * is tests/ops (logical_*, check-ops).
 */
#include <check.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check_util.h"
#include "npu_cpu.h"
#include "test_cpu_graph.h"

START_TEST(logical)
{
	static const int32_t s22[] = { 2, 2 }, s2[] = { 2 };
	/* x [[0, 1], [2, 0]] (2 is true too), y [1, 0] broadcast over rows */
	static const uint8_t xv[4] = { 0, 1, 2, 0 }, yv[2] = { 1, 0 };
	static const struct {
		int32_t builtin;
		uint8_t want[4];
	} cases[] = {
		{ NPU_BUILTIN_LOGICAL_AND, { 0, 0, 1, 0 } },
		{ NPU_BUILTIN_LOGICAL_OR, { 1, 1, 1, 0 } },
		{ NPU_BUILTIN_LOGICAL_NOT, { 1, 0, 0, 1 } },
	};

	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		const bool unary = cases[k].builtin == NPU_BUILTIN_LOGICAL_NOT;
		struct npu_cpu *cpu = NULL;
		char err[256] = "";
		struct tg b;
		int32_t x, y, out;

		tg_init(&b);
		x = tg_tensor(&b, NPU_TYPE_BOOL, 2, s22, 0.0f, 0, NULL);
		y = tg_tensor(&b, NPU_TYPE_BOOL, 1, s2, 0.0f, 0, yv);
		out = tg_tensor(&b, NPU_TYPE_BOOL, 2, s22, 0.0f, 0, NULL);
		if (unary)
			tg_op(&b, cases[k].builtin, 1, 1, x, out);
		else
			tg_op(&b, cases[k].builtin, 2, 1, x, y, out);
		tg_io(&b, x, out);
		ck_assert_msg(npu_cpu_create(&b.g, &cpu, err, sizeof(err)) == 0, "%s", err);
		memcpy(npu_cpu_tensor_data(cpu, x), xv, sizeof(xv));
		ck_assert_int_eq(npu_cpu_invoke(cpu), 0);
		ck_assert_mem_eq(npu_cpu_tensor_data(cpu, out), cases[k].want, 4);
		npu_cpu_destroy(cpu);
	}
}
END_TEST

START_TEST(logical_refused)
{
	static const int32_t s4[] = { 4 };
	struct npu_cpu *cpu = NULL;
	char err[256] = "";
	struct tg b;
	int32_t x, out;

	tg_init(&b);
	x = tg_tensor(&b, NPU_TYPE_INT8, 1, s4, 0.5f, 0, NULL);
	out = tg_tensor(&b, NPU_TYPE_BOOL, 1, s4, 0.0f, 0, NULL);
	tg_op(&b, NPU_BUILTIN_LOGICAL_NOT, 1, 1, x, out);
	tg_io(&b, x, out);
	ck_assert_int_eq(npu_cpu_create(&b.g, &cpu, err, sizeof(err)), -EINVAL);
	ck_assert_msg(strstr(err, "bool"), "%s", err);
}
END_TEST

static Suite *logical_suite(void)
{
	Suite *s = suite_create("lower_logical");
	TCase *tc = tcase_create("logical");

	tcase_add_test(tc, logical);
	tcase_add_test(tc, logical_refused);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return npu_check_run(logical_suite());
}
