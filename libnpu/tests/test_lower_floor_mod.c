// SPDX-License-Identifier: MIT
/*
 * FLOOR_MOD (lower/floor_mod.c) by hand: the result takes the divisor's
 * sign, INT32_MIN mod -1 is 0, an integer divisor 0 fails the invocation.
 * Byte-identity with the interpreter is tests/ops (floor_mod.*, check-ops).
 */
#include <check.h>
#include <stdint.h>
#include <string.h>

#include "check_util.h"
#include "npu_cpu.h"
#include "test_cpu_graph.h"

/* x [n] mod y [m] (m 1 or n) of @type; the invocation's result. */
static int run_mod(enum npu_type type, const void *x, int32_t n, const void *y, int32_t m,
		   const void *want_out)
{
	const int32_t sx[1] = { n }, sy[1] = { m };
	const size_t es = npu_type_size(type);
	struct npu_cpu *cpu = NULL;
	char err[256] = "";
	struct tg b;
	int32_t a, d, out;
	int ret;

	tg_init(&b);
	a = tg_tensor(&b, type, 1, sx, 0.0f, 0, NULL);
	d = tg_tensor(&b, type, 1, sy, 0.0f, 0, y);
	out = tg_tensor(&b, type, 1, sx, 0.0f, 0, NULL);
	tg_op(&b, NPU_BUILTIN_FLOOR_MOD, 2, 1, a, d, out);
	tg_io(&b, a, out);
	ck_assert_msg(npu_cpu_create(&b.g, &cpu, err, sizeof(err)) == 0, "%s", err);
	memcpy(npu_cpu_tensor_data(cpu, a), x, (size_t)n * es);
	ret = npu_cpu_invoke(cpu);
	if (!ret)
		ck_assert_mem_eq(npu_cpu_tensor_data(cpu, out), want_out, (size_t)n * es);
	npu_cpu_destroy(cpu);
	return ret;
}

START_TEST(floor_mod_signs)
{
	static const int32_t x[4] = { 7, -7, 7, -7 }, y[4] = { 3, 3, -3, -3 };
	static const int32_t want[4] = { 1, 2, -2, -1 };
	static const int32_t xm[2] = { INT32_MIN, 5 }, ym[1] = { -1 }, wantm[2] = { 0, 0 };
	static const int64_t x64[3] = { INT64_MIN + 1, -10, 10 }, y64[1] = { 4 };
	static const int64_t want64[3] = { 1, 2, 2 };
	static const float xf[4] = { 5.5f, -5.5f, 0.0f, -1.0f }, yf[1] = { -2.0f };
	static const float wantf[4] = { -0.5f, -1.5f, 0.0f, -1.0f };

	ck_assert_int_eq(run_mod(NPU_TYPE_INT32, x, 4, y, 4, want), 0);
	ck_assert_int_eq(run_mod(NPU_TYPE_INT32, xm, 2, ym, 1, wantm), 0);
	ck_assert_int_eq(run_mod(NPU_TYPE_INT64, x64, 3, y64, 1, want64), 0);
	ck_assert_int_eq(run_mod(NPU_TYPE_FLOAT32, xf, 4, yf, 1, wantf), 0);
}
END_TEST

START_TEST(floor_mod_by_zero)
{
	static const int32_t x[2] = { 1, 2 }, y[2] = { 3, 0 }, unused[2] = { 0 };

	ck_assert_int_lt(run_mod(NPU_TYPE_INT32, x, 2, y, 2, unused), 0);
}
END_TEST

static Suite *floor_mod_suite(void)
{
	Suite *s = suite_create("lower_floor_mod");
	TCase *tc = tcase_create("floor_mod");

	tcase_add_test(tc, floor_mod_signs);
	tcase_add_test(tc, floor_mod_by_zero);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return npu_check_run(floor_mod_suite());
}
