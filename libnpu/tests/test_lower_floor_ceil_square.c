// SPDX-License-Identifier: MIT
/*
 * FLOOR, CEIL and SQUARE (lower/floor_ceil_square.c) on float values worked
 * out by hand (BUILTIN_REF has no CEIL; tests/ops checks FLOOR and SQUARE
 * against it).
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

START_TEST(floor_ceil_square)
{
	static const int32_t s5[] = { 5 };
	static const float xv[5] = { -1.5f, -0.0f, 0.25f, 2.0f, 3.75f };
	static const struct {
		int32_t builtin;
		float want[5];
	} cases[] = {
		{ NPU_BUILTIN_FLOOR, { -2.0f, -0.0f, 0.0f, 2.0f, 3.0f } },
		{ NPU_BUILTIN_CEIL, { -1.0f, -0.0f, 1.0f, 2.0f, 4.0f } },
		{ NPU_BUILTIN_SQUARE, { 2.25f, 0.0f, 0.0625f, 4.0f, 14.0625f } },
	};

	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		struct npu_cpu *cpu = NULL;
		char err[256] = "";
		struct tg b;
		int32_t x, out;

		tg_init(&b);
		x = tg_tensor(&b, NPU_TYPE_FLOAT32, 1, s5, 0.0f, 0, NULL);
		out = tg_tensor(&b, NPU_TYPE_FLOAT32, 1, s5, 0.0f, 0, NULL);
		tg_op(&b, cases[k].builtin, 1, 1, x, out);
		tg_io(&b, x, out);
		ck_assert_msg(npu_cpu_create(&b.g, &cpu, err, sizeof(err)) == 0, "%s", err);
		memcpy(npu_cpu_tensor_data(cpu, x), xv, sizeof(xv));
		ck_assert_int_eq(npu_cpu_invoke(cpu), 0);
		/* Bytes: -0.0f stays -0.0f, as std::floor / std::ceil give. */
		ck_assert_mem_eq(npu_cpu_tensor_data(cpu, out), cases[k].want, sizeof(xv));
		npu_cpu_destroy(cpu);
	}
}
END_TEST

static Suite *floor_suite(void)
{
	Suite *s = suite_create("lower_floor_ceil_square");
	TCase *tc = tcase_create("float");

	tcase_add_test(tc, floor_ceil_square);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return npu_check_run(floor_suite());
}
