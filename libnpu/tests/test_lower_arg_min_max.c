// SPDX-License-Identifier: MIT
/*
 * ARG_MAX / ARG_MIN's CPU kernel (lower/arg_min_max.c) for the types the
 * NPU lowering refuses (float32, int32, bool) on values worked out by
 * hand: ties keep the first index, each axis, int32 and int64 outputs.
 * tests/tflite/ops_ref.py checks them against BUILTIN_REF.
 */
#include <check.h>
#include <stdint.h>
#include <string.h>

#include "check_util.h"
#include "lower_util.h"

static const int32_t s24[] = { 2, 4 }, s2[] = { 2 }, s4[] = { 4 };

START_TEST(float_ties_last_axis)
{
	static const float x[8] = { 1, 3, 3, 2, -1, -5, -5, 0 };
	static const int32_t axis = -1, want_max[2] = { 1, 3 }, want_min[2] = { 0, 1 };

	for (int k = 0; k < 2; k++) {
		struct npu_cpu *cpu;
		struct tg b;
		int32_t in, out;

		tg_init(&b);
		in = tg_tensor(&b, NPU_TYPE_FLOAT32, 2, s24, 0.0f, 0, NULL);
		tg_tensor(&b, NPU_TYPE_INT32, 0, NULL, 0.0f, 0, &axis);
		out = tg_tensor(&b, NPU_TYPE_INT32, 1, s2, 0.0f, 0, NULL);
		tg_op(&b, k ? NPU_BUILTIN_ARG_MIN : NPU_BUILTIN_ARG_MAX, 2, 1, in, 1, out);
		tg_io(&b, in, out);
		cpu = cpu_ok(&b);
		memcpy(npu_cpu_tensor_data(cpu, in), x, sizeof(x));
		ck_assert_int_eq(npu_cpu_invoke(cpu), 0);
		ck_assert_mem_eq(npu_cpu_tensor_data(cpu, out), k ? want_min : want_max,
				 sizeof(want_max));
		npu_cpu_destroy(cpu);
	}
}
END_TEST

START_TEST(int32_axis0_int64_out)
{
	static const int32_t x[8] = { 5, -7, 9, 0, 5, 8, -9, 0 }, axis = 0;
	static const int64_t want[4] = { 0, 1, 0, 0 };
	struct npu_cpu *cpu;
	struct tg b;
	int32_t in, out;

	tg_init(&b);
	in = tg_tensor(&b, NPU_TYPE_INT32, 2, s24, 0.0f, 0, NULL);
	tg_tensor(&b, NPU_TYPE_INT32, 1, (const int32_t[]){ 1 }, 0.0f, 0, &axis);
	out = tg_tensor(&b, NPU_TYPE_INT64, 1, s4, 0.0f, 0, NULL);
	tg_op(&b, NPU_BUILTIN_ARG_MAX, 2, 1, in, 1, out);
	tg_io(&b, in, out);
	cpu = cpu_ok(&b);
	memcpy(npu_cpu_tensor_data(cpu, in), x, sizeof(x));
	ck_assert_int_eq(npu_cpu_invoke(cpu), 0);
	ck_assert_mem_eq(npu_cpu_tensor_data(cpu, out), want, sizeof(want));
	npu_cpu_destroy(cpu);
}
END_TEST

START_TEST(bool_input)
{
	static const uint8_t x[8] = { 0, 0, 1, 1, 1, 0, 0, 1 };
	static const int32_t axis = 1, want[2] = { 2, 0 };
	struct npu_cpu *cpu;
	struct tg b;
	int32_t in, out;

	tg_init(&b);
	in = tg_tensor(&b, NPU_TYPE_BOOL, 2, s24, 0.0f, 0, NULL);
	tg_tensor(&b, NPU_TYPE_INT32, 0, NULL, 0.0f, 0, &axis);
	out = tg_tensor(&b, NPU_TYPE_INT32, 1, s2, 0.0f, 0, NULL);
	tg_op(&b, NPU_BUILTIN_ARG_MAX, 2, 1, in, 1, out);
	tg_io(&b, in, out);
	cpu = cpu_ok(&b);
	memcpy(npu_cpu_tensor_data(cpu, in), x, sizeof(x));
	ck_assert_int_eq(npu_cpu_invoke(cpu), 0);
	ck_assert_mem_eq(npu_cpu_tensor_data(cpu, out), want, sizeof(want));
	npu_cpu_destroy(cpu);
}
END_TEST

START_TEST(refused)
{
	static const int32_t axis = 2, axis0 = 1;
	struct tg b;
	int32_t in, out;

	/* An axis outside the rank. */
	tg_init(&b);
	in = tg_tensor(&b, NPU_TYPE_FLOAT32, 2, s24, 0.0f, 0, NULL);
	tg_tensor(&b, NPU_TYPE_INT32, 0, NULL, 0.0f, 0, &axis);
	out = tg_tensor(&b, NPU_TYPE_INT32, 1, s2, 0.0f, 0, NULL);
	tg_op(&b, NPU_BUILTIN_ARG_MAX, 2, 1, in, 1, out);
	tg_io(&b, in, out);
	cpu_refused(&b, "out of range");
	/* An int16 output: no kernel. */
	tg_init(&b);
	in = tg_tensor(&b, NPU_TYPE_FLOAT32, 2, s24, 0.0f, 0, NULL);
	tg_tensor(&b, NPU_TYPE_INT32, 0, NULL, 0.0f, 0, &axis0);
	out = tg_tensor(&b, NPU_TYPE_INT16, 1, s2, 0.0f, 0, NULL);
	tg_op(&b, NPU_BUILTIN_ARG_MIN, 2, 1, in, 1, out);
	tg_io(&b, in, out);
	cpu_refused(&b, "ARG_MIN");
	/* An output of the wrong size. */
	tg_init(&b);
	in = tg_tensor(&b, NPU_TYPE_INT32, 2, s24, 0.0f, 0, NULL);
	tg_tensor(&b, NPU_TYPE_INT32, 0, NULL, 0.0f, 0, &axis0);
	out = tg_tensor(&b, NPU_TYPE_INT32, 1, s4, 0.0f, 0, NULL);
	tg_op(&b, NPU_BUILTIN_ARG_MIN, 2, 1, in, 1, out);
	tg_io(&b, in, out);
	cpu_refused(&b, "ARG_MIN");
}
END_TEST

/* The output_shape hook: the input's shape without the constant axis. */
START_TEST(arg_output_shape)
{
	static const int32_t axis = -2, outside = 3;
	struct tg b;

	tg_init(&b);
	tg_op(&b, NPU_BUILTIN_ARG_MAX, 2, 1,
	      tg_tensor(&b, NPU_TYPE_FLOAT32, 3, (const int32_t[]){ 2, 3, 4 }, 0.0f, 0, NULL),
	      tg_tensor(&b, NPU_TYPE_INT32, 1, (const int32_t[]){ 1 }, 0.0f, 0, &axis),
	      tg_tensor(&b, NPU_TYPE_INT32, 2, (const int32_t[]){ 1, 1 }, 0.0f, 0, NULL));
	assert_output_shape(&b, 0, 2, (const int32_t[]){ 2, 4 });
	b.ops[0].builtin = NPU_BUILTIN_ARG_MIN;
	assert_output_shape(&b, 0, 2, (const int32_t[]){ 2, 4 });
	b.ops[0].inputs[1] = tg_tensor(&b, NPU_TYPE_INT32, 0, NULL, 0.0f, 0, &outside);
	assert_output_shape(&b, 0, -1, NULL);
}
END_TEST

static Suite *arg_suite(void)
{
	Suite *s = suite_create("lower_arg_min_max");
	TCase *tc = tcase_create("cpu");

	tcase_add_test(tc, float_ties_last_axis);
	tcase_add_test(tc, int32_axis0_int64_out);
	tcase_add_test(tc, bool_input);
	tcase_add_test(tc, refused);
	tcase_add_test(tc, arg_output_shape);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return npu_check_run(arg_suite());
}
