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

/*
 * UNIQUE of a @type input of @in_shape into @n_values values (tensor 1,
 * quantized as the input) and @idx_type indices, one an element (tensor 2).
 */
static void unique_graph(struct tg *b, enum npu_type type, float scale, int rank,
			 const int32_t *in_shape, int32_t n_values, enum npu_type idx_type)
{
	int32_t n = 1;

	for (int d = 0; d < rank; d++)
		n *= in_shape[d];
	tg_one_op(b, NPU_BUILTIN_UNIQUE, 1, &(struct tg_spec)TG_QACT(type, rank, in_shape, scale, 0),
		  2, (const struct tg_spec[]){
			TG_QACT(type, 1, (const int32_t[]){ n_values }, scale, 0),
			TG_ACT(idx_type, 1, (const int32_t[]){ n }) });
}

START_TEST(int32_first_occurrence)
{
	static const int32_t x[6] = { 3, 1, 3, -7, 1, 9 }, want_v[4] = { 3, 1, -7, 9 };
	static const int64_t want_i[6] = { 0, 1, 0, 2, 1, 3 };
	struct npu_cpu *cpu;
	struct tg b;

	unique_graph(&b, NPU_TYPE_INT32, 0.0f, 1, (const int32_t[]){ 6 }, 4, NPU_TYPE_INT64);
	cpu = cpu_run(&b, 0, x, sizeof(x));
	ck_assert_mem_eq(npu_cpu_tensor_data(cpu, 1), want_v, sizeof(want_v));
	ck_assert_mem_eq(npu_cpu_tensor_data(cpu, 2), want_i, sizeof(want_i));
	/* Five distinct values for an output of four: refused, named. */
	((int32_t *)npu_cpu_tensor_data(cpu, 0))[2] = 4;
	cpu_run_fails(cpu, "5 distinct values, output 0 holds 4");
	npu_cpu_destroy(cpu);
}
END_TEST

START_TEST(float_signed_zero)
{
	static const float x[5] = { -0.0f, 2.5f, 0.0f, 2.5f, -0.0f }, want_v[2] = { -0.0f, 2.5f };
	static const int32_t want_i[5] = { 0, 1, 0, 1, 0 };
	struct npu_cpu *cpu;
	struct tg b;

	unique_graph(&b, NPU_TYPE_FLOAT32, 0.0f, 1, (const int32_t[]){ 5 }, 2, NPU_TYPE_INT32);
	cpu = cpu_run(&b, 0, x, sizeof(x));
	ck_assert_mem_eq(npu_cpu_tensor_data(cpu, 1), want_v, sizeof(want_v));
	ck_assert_mem_eq(npu_cpu_tensor_data(cpu, 2), want_i, sizeof(want_i));
	npu_cpu_destroy(cpu);
}
END_TEST

START_TEST(refused)
{
	struct tg b;

	unique_graph(&b, NPU_TYPE_INT8, 0.5f, 2, (const int32_t[]){ 2, 3 }, 6, NPU_TYPE_INT32);
	cpu_refused(&b, "1-D input");
	/* More values than elements. */
	unique_graph(&b, NPU_TYPE_INT8, 0.5f, 1, (const int32_t[]){ 6 }, 7, NPU_TYPE_INT32);
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
