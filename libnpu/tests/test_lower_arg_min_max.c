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

/* @builtin of a [2, 4] @in_type input over the constant @axis into @out. */
static void arg_graph(struct tg *b, int32_t builtin, enum npu_type in_type,
		      const int32_t *axis, const struct tg_spec *out)
{
	tg_one_op(b, builtin, 2, (const struct tg_spec[]){
			TG_ACT(in_type, 2, s24),
			TG_CONST(NPU_TYPE_INT32, 0, NULL, axis) }, 1, out);
}

START_TEST(float_ties_last_axis)
{
	static const float x[8] = { 1, 3, 3, 2, -1, -5, -5, 0 };
	static const int32_t axis = -1, want_max[2] = { 1, 3 }, want_min[2] = { 0, 1 };
	struct tg b;

	for (int k = 0; k < 2; k++) {
		arg_graph(&b, k ? NPU_BUILTIN_ARG_MIN : NPU_BUILTIN_ARG_MAX, NPU_TYPE_FLOAT32,
			  &axis, &(struct tg_spec)TG_ACT(NPU_TYPE_INT32, 1, s2));
		cpu_run_expect(&b, 0, x, sizeof(x), 2, k ? want_min : want_max, sizeof(want_max));
	}
}
END_TEST

START_TEST(int32_axis0_int64_out)
{
	static const int32_t x[8] = { 5, -7, 9, 0, 5, 8, -9, 0 }, axis = 0;
	static const int64_t want[4] = { 0, 1, 0, 0 };
	struct tg b;

	/* The axis as a [1] tensor rather than a scalar. */
	tg_one_op(&b, NPU_BUILTIN_ARG_MAX, 2, (const struct tg_spec[]){
			TG_ACT(NPU_TYPE_INT32, 2, s24),
			TG_CONST(NPU_TYPE_INT32, 1, (const int32_t[]){ 1 }, &axis) },
		  1, &(struct tg_spec)TG_ACT(NPU_TYPE_INT64, 1, s4));
	cpu_run_expect(&b, 0, x, sizeof(x), 2, want, sizeof(want));
}
END_TEST

START_TEST(bool_input)
{
	static const uint8_t x[8] = { 0, 0, 1, 1, 1, 0, 0, 1 };
	static const int32_t axis = 1, want[2] = { 2, 0 };
	struct tg b;

	arg_graph(&b, NPU_BUILTIN_ARG_MAX, NPU_TYPE_BOOL, &axis,
		  &(struct tg_spec)TG_ACT(NPU_TYPE_INT32, 1, s2));
	cpu_run_expect(&b, 0, x, sizeof(x), 2, want, sizeof(want));
}
END_TEST

START_TEST(refused)
{
	static const int32_t axis = 2, axis0 = 1;
	struct tg b;

	/* An axis outside the rank. */
	arg_graph(&b, NPU_BUILTIN_ARG_MAX, NPU_TYPE_FLOAT32, &axis,
		  &(struct tg_spec)TG_ACT(NPU_TYPE_INT32, 1, s2));
	cpu_refused(&b, "out of range");
	/* An int16 output: no kernel. */
	arg_graph(&b, NPU_BUILTIN_ARG_MIN, NPU_TYPE_FLOAT32, &axis0,
		  &(struct tg_spec)TG_ACT(NPU_TYPE_INT16, 1, s2));
	cpu_refused(&b, "ARG_MIN");
	/* An output of the wrong size. */
	arg_graph(&b, NPU_BUILTIN_ARG_MIN, NPU_TYPE_INT32, &axis0,
		  &(struct tg_spec)TG_ACT(NPU_TYPE_INT32, 1, s4));
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
