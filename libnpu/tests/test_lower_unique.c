// SPDX-License-Identifier: MIT
/*
 * UNIQUE (lower/unique.c) on values worked out by hand: first-occurrence
 * order, int32 and int64 indices, -0.0 equal to 0.0 (the first one seen
 * kept); a count other than output 0's stored size fails the run with a
 * message (the runtime does not resize outputs).  tests/tflite/ops_ref.py
 * checks it against BUILTIN_REF.
 */
#include <check.h>
#include <stdint.h>
#include <string.h>

#include "check_util.h"
#include "lower_util.h"

START_TEST(int32_first_occurrence)
{
	static const int32_t s6[] = { 6 }, s4[] = { 4 };
	static const int32_t x[6] = { 3, 1, 3, -7, 1, 9 }, want_v[4] = { 3, 1, -7, 9 };
	static const int64_t want_i[6] = { 0, 1, 0, 2, 1, 3 };
	struct npu_cpu *cpu;
	struct tg b;
	int32_t in, v, i;

	tg_init(&b);
	in = tg_tensor(&b, NPU_TYPE_INT32, 1, s6, 0.0f, 0, NULL);
	v = tg_tensor(&b, NPU_TYPE_INT32, 1, s4, 0.0f, 0, NULL);
	i = tg_tensor(&b, NPU_TYPE_INT64, 1, s6, 0.0f, 0, NULL);
	tg_op(&b, NPU_BUILTIN_UNIQUE, 1, 2, in, v, i);
	tg_io(&b, in, v);
	cpu = cpu_ok(&b);
	memcpy(npu_cpu_tensor_data(cpu, in), x, sizeof(x));
	ck_assert_int_eq(npu_cpu_invoke(cpu), 0);
	ck_assert_mem_eq(npu_cpu_tensor_data(cpu, v), want_v, sizeof(want_v));
	ck_assert_mem_eq(npu_cpu_tensor_data(cpu, i), want_i, sizeof(want_i));
	/* Five distinct values for an output of four: refused, named. */
	((int32_t *)npu_cpu_tensor_data(cpu, in))[2] = 4;
	cpu_run_fails(cpu, "5 distinct values, output 0 holds 4");
	npu_cpu_destroy(cpu);
}
END_TEST

START_TEST(float_signed_zero)
{
	static const int32_t s5[] = { 5 }, s2[] = { 2 };
	static const float x[5] = { -0.0f, 2.5f, 0.0f, 2.5f, -0.0f }, want_v[2] = { -0.0f, 2.5f };
	static const int32_t want_i[5] = { 0, 1, 0, 1, 0 };
	struct npu_cpu *cpu;
	struct tg b;
	int32_t in, v, i;

	tg_init(&b);
	in = tg_tensor(&b, NPU_TYPE_FLOAT32, 1, s5, 0.0f, 0, NULL);
	v = tg_tensor(&b, NPU_TYPE_FLOAT32, 1, s2, 0.0f, 0, NULL);
	i = tg_tensor(&b, NPU_TYPE_INT32, 1, s5, 0.0f, 0, NULL);
	tg_op(&b, NPU_BUILTIN_UNIQUE, 1, 2, in, v, i);
	tg_io(&b, in, v);
	cpu = cpu_ok(&b);
	memcpy(npu_cpu_tensor_data(cpu, in), x, sizeof(x));
	ck_assert_int_eq(npu_cpu_invoke(cpu), 0);
	ck_assert_mem_eq(npu_cpu_tensor_data(cpu, v), want_v, sizeof(want_v));
	ck_assert_mem_eq(npu_cpu_tensor_data(cpu, i), want_i, sizeof(want_i));
	npu_cpu_destroy(cpu);
}
END_TEST

START_TEST(refused)
{
	static const int32_t s23[] = { 2, 3 }, s6[] = { 6 }, s7[] = { 7 };
	struct tg b;
	int32_t in, v, i;

	tg_init(&b);	/* a 2-D input */
	in = tg_tensor(&b, NPU_TYPE_INT8, 2, s23, 0.5f, 0, NULL);
	v = tg_tensor(&b, NPU_TYPE_INT8, 1, s6, 0.5f, 0, NULL);
	i = tg_tensor(&b, NPU_TYPE_INT32, 1, s6, 0.0f, 0, NULL);
	tg_op(&b, NPU_BUILTIN_UNIQUE, 1, 2, in, v, i);
	tg_io(&b, in, v);
	cpu_refused(&b, "1-D input");
	tg_init(&b);	/* more values than elements */
	in = tg_tensor(&b, NPU_TYPE_INT8, 1, s6, 0.5f, 0, NULL);
	v = tg_tensor(&b, NPU_TYPE_INT8, 1, s7, 0.5f, 0, NULL);
	i = tg_tensor(&b, NPU_TYPE_INT32, 1, s6, 0.0f, 0, NULL);
	tg_op(&b, NPU_BUILTIN_UNIQUE, 1, 2, in, v, i);
	tg_io(&b, in, v);
	cpu_refused(&b, "at most its size");
}
END_TEST

static Suite *unique_suite(void)
{
	Suite *s = suite_create("lower_unique");
	TCase *tc = tcase_create("cpu");

	tcase_add_test(tc, int32_first_occurrence);
	tcase_add_test(tc, float_signed_zero);
	tcase_add_test(tc, refused);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return npu_check_run(unique_suite());
}
