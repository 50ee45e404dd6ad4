// SPDX-License-Identifier: MIT
/*
 * SIN, COS and ROUND (lower/sin_cos_round.c) on float values worked out by
 * hand; ROUND's ties go to even and (-0.5, 0) gives +0.0 as TFLite's
 * RoundToNearest does (tests/ops checks all three against the interpreter).
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

/* Runs the one-op float graph @builtin on @x (@n values) into @y. */
static void run(int32_t builtin, const float *x, float *y, int32_t n)
{
	struct npu_cpu *cpu = NULL;
	char err[256] = "";
	struct tg b;
	int32_t in, out;

	tg_init(&b);
	in = tg_tensor(&b, NPU_TYPE_FLOAT32, 1, &n, 0.0f, 0, NULL);
	out = tg_tensor(&b, NPU_TYPE_FLOAT32, 1, &n, 0.0f, 0, NULL);
	tg_op(&b, builtin, 1, 1, in, out);
	tg_io(&b, in, out);
	ck_assert_msg(npu_cpu_create(&b.g, &cpu, err, sizeof(err)) == 0, "%s", err);
	memcpy(npu_cpu_tensor_data(cpu, in), x, (size_t)n * sizeof(float));
	ck_assert_int_eq(npu_cpu_invoke(cpu), 0);
	memcpy(y, npu_cpu_tensor_data(cpu, out), (size_t)n * sizeof(float));
	npu_cpu_destroy(cpu);
}

START_TEST(round_ties_to_even)
{
	static const float x[] = { 0.5f, 1.5f, 2.5f, -0.5f, -1.5f, -2.5f,
				   -0.25f, 2.4999998f, 7.75f, -0.0f, 16777216.0f };
	static const float want[] = { 0.0f, 2.0f, 2.0f, 0.0f, -2.0f, -2.0f,
				      0.0f, 2.0f, 8.0f, -0.0f, 16777216.0f };
	float y[11];

	run(NPU_BUILTIN_ROUND, x, y, 11);
	/*
	 * Bytes: -0.5 and -0.25 give +0.0 (floor -1, plus 1), where
	 * nearbyintf() gives -0.0; -0.0 itself stays -0.0.
	 */
	ck_assert_mem_eq(y, want, sizeof(want));
}
END_TEST

START_TEST(sin_cos)
{
	static const float x[] = { 0.0f, (float)M_PI_2, (float)M_PI, -1.0f };
	float s[4], c[4];

	run(NPU_BUILTIN_SIN, x, s, 4);
	run(NPU_BUILTIN_COS, x, c, 4);
	ck_assert_float_eq(s[0], 0.0f);
	ck_assert_float_eq(s[1], 1.0f);
	ck_assert_float_eq_tol(s[2], 0.0f, 1e-6f);
	ck_assert_float_eq_tol(s[3], -0.84147098f, 1e-7f);
	ck_assert_float_eq(c[0], 1.0f);
	ck_assert_float_eq_tol(c[1], 0.0f, 1e-6f);
	ck_assert_float_eq(c[2], -1.0f);
	ck_assert_float_eq_tol(c[3], 0.54030231f, 1e-7f);
}
END_TEST

/* TFLite has these for float32 only: an int8 one has no kernel. */
START_TEST(float_only)
{
	static const int32_t s4[] = { 4 };
	struct npu_cpu *cpu = NULL;
	char err[256] = "";
	struct tg b;
	int32_t in, out;

	tg_init(&b);
	in = tg_tensor(&b, NPU_TYPE_INT8, 1, s4, 0.1f, 0, NULL);
	out = tg_tensor(&b, NPU_TYPE_INT8, 1, s4, 0.1f, 0, NULL);
	tg_op(&b, NPU_BUILTIN_SIN, 1, 1, in, out);
	tg_io(&b, in, out);
	ck_assert_msg(npu_cpu_create(&b.g, &cpu, err, sizeof(err)) == 0, "%s", err);
	ck_assert_ptr_nonnull(strstr(npu_cpu_op_why(cpu, 0), "float"));
	ck_assert_int_eq(npu_cpu_invoke(cpu), -ENOTSUP);
	npu_cpu_destroy(cpu);
}
END_TEST

static Suite *sin_cos_round_suite(void)
{
	Suite *s = suite_create("lower_sin_cos_round");
	TCase *tc = tcase_create("float");

	tcase_add_test(tc, round_ties_to_even);
	tcase_add_test(tc, sin_cos);
	tcase_add_test(tc, float_only);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return npu_check_run(sin_cos_round_suite());
}
