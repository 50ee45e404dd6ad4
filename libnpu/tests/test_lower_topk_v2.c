// SPDX-License-Identifier: MIT
/*
 * TOPK_V2 (lower/topk_v2.c) on values worked out by hand: ties keep their
 * order in the row, k = 0, int64 values; a k above the row and a k fed at
 * run time that differs from the stored outputs are refused with a
 * message.  tests/tflite/ops_ref.py checks it against BUILTIN_REF.
 */
#include <check.h>
#include <stdint.h>
#include <string.h>

#include "check_util.h"
#include "lower_util.h"

static const int32_t s25[] = { 2, 5 }, s23[] = { 2, 3 };

START_TEST(float_ties)
{
	static const float x[10] = { 1, 5, 5, 2, 5, 0, -1, 3, 3, -2 };
	static const float want_v[6] = { 5, 5, 5, 3, 3, 0 };
	static const int32_t k = 3, want_i[6] = { 1, 2, 4, 2, 3, 0 };
	struct npu_cpu *cpu;
	struct tg b;
	int32_t in, v, i;

	tg_init(&b);
	in = tg_tensor(&b, NPU_TYPE_FLOAT32, 2, s25, 0.0f, 0, NULL);
	tg_tensor(&b, NPU_TYPE_INT32, 0, NULL, 0.0f, 0, &k);
	v = tg_tensor(&b, NPU_TYPE_FLOAT32, 2, s23, 0.0f, 0, NULL);
	i = tg_tensor(&b, NPU_TYPE_INT32, 2, s23, 0.0f, 0, NULL);
	tg_op(&b, NPU_BUILTIN_TOPK_V2, 2, 2, in, 1, v, i);
	tg_io(&b, in, v);
	cpu = cpu_ok(&b);
	memcpy(npu_cpu_tensor_data(cpu, in), x, sizeof(x));
	ck_assert_int_eq(npu_cpu_invoke(cpu), 0);
	ck_assert_mem_eq(npu_cpu_tensor_data(cpu, v), want_v, sizeof(want_v));
	ck_assert_mem_eq(npu_cpu_tensor_data(cpu, i), want_i, sizeof(want_i));
	npu_cpu_destroy(cpu);
}
END_TEST

START_TEST(int64_whole_row_and_k0)
{
	static const int64_t x[4] = { INT64_MIN, INT64_MAX, -1, INT64_MAX };
	static const int64_t want_v[4] = { INT64_MAX, INT64_MAX, -1, INT64_MIN };
	static const int32_t s4[] = { 4 }, s0[] = { 0 }, k4 = 4, k0 = 0;
	static const int32_t want_i[4] = { 1, 3, 2, 0 };

	for (int c = 0; c < 2; c++) {
		struct npu_cpu *cpu;
		struct tg b;
		int32_t in, v, i;

		tg_init(&b);
		in = tg_tensor(&b, NPU_TYPE_INT64, 1, s4, 0.0f, 0, NULL);
		tg_tensor(&b, NPU_TYPE_INT32, 0, NULL, 0.0f, 0, c ? &k0 : &k4);
		v = tg_tensor(&b, NPU_TYPE_INT64, 1, c ? s0 : s4, 0.0f, 0, NULL);
		i = tg_tensor(&b, NPU_TYPE_INT32, 1, c ? s0 : s4, 0.0f, 0, NULL);
		tg_op(&b, NPU_BUILTIN_TOPK_V2, 2, 2, in, 1, v, i);
		tg_io(&b, in, v);
		cpu = cpu_ok(&b);
		memcpy(npu_cpu_tensor_data(cpu, in), x, sizeof(x));
		ck_assert_int_eq(npu_cpu_invoke(cpu), 0);
		if (!c) {
			ck_assert_mem_eq(npu_cpu_tensor_data(cpu, v), want_v, sizeof(want_v));
			ck_assert_mem_eq(npu_cpu_tensor_data(cpu, i), want_i, sizeof(want_i));
		}
		npu_cpu_destroy(cpu);
	}
}
END_TEST

START_TEST(refused)
{
	static const int32_t s26[] = { 2, 6 }, k6 = 6, one[] = { 1 };
	struct npu_cpu *cpu;
	struct tg b;
	int32_t in, k, v, i;

	/* k above the row. */
	tg_init(&b);
	in = tg_tensor(&b, NPU_TYPE_FLOAT32, 2, s25, 0.0f, 0, NULL);
	tg_tensor(&b, NPU_TYPE_INT32, 0, NULL, 0.0f, 0, &k6);
	v = tg_tensor(&b, NPU_TYPE_FLOAT32, 2, s26, 0.0f, 0, NULL);
	i = tg_tensor(&b, NPU_TYPE_INT32, 2, s26, 0.0f, 0, NULL);
	tg_op(&b, NPU_BUILTIN_TOPK_V2, 2, 2, in, 1, v, i);
	tg_io(&b, in, v);
	cpu_refused(&b, "higher than the last dimension");
	/* k fed at run time: 2 for outputs of 3. */
	tg_init(&b);
	in = tg_tensor(&b, NPU_TYPE_INT8, 2, s25, 0.5f, 0, NULL);
	k = tg_tensor(&b, NPU_TYPE_INT32, 1, one, 0.0f, 0, NULL);
	v = tg_tensor(&b, NPU_TYPE_INT8, 2, s23, 0.5f, 0, NULL);
	i = tg_tensor(&b, NPU_TYPE_INT32, 2, s23, 0.0f, 0, NULL);
	tg_op(&b, NPU_BUILTIN_TOPK_V2, 2, 2, in, k, v, i);
	tg_inputs(&b, 2, (const int32_t[]){ in, k });
	cpu = cpu_ok(&b);
	*(int32_t *)npu_cpu_tensor_data(cpu, k) = 2;
	cpu_run_fails(cpu, "not resized");
	*(int32_t *)npu_cpu_tensor_data(cpu, k) = 3;
	ck_assert_int_eq(npu_cpu_invoke(cpu), 0);
	npu_cpu_destroy(cpu);
}
END_TEST

/* The output_shape hook: values and indices are the input's shape, k last. */
START_TEST(topk_output_shape)
{
	static const int32_t k = 4;
	struct tg b;

	tg_init(&b);
	tg_op(&b, NPU_BUILTIN_TOPK_V2, 2, 2,
	      tg_tensor(&b, NPU_TYPE_FLOAT32, 2, (const int32_t[]){ 3, 10 }, 0.0f, 0, NULL),
	      tg_tensor(&b, NPU_TYPE_INT32, 0, NULL, 0.0f, 0, &k),
	      tg_tensor(&b, NPU_TYPE_FLOAT32, 2, (const int32_t[]){ 1, 1 }, 0.0f, 0, NULL),
	      tg_tensor(&b, NPU_TYPE_INT32, 2, (const int32_t[]){ 1, 1 }, 0.0f, 0, NULL));
	assert_output_shape(&b, 0, 2, (const int32_t[]){ 3, 4 });
	assert_output_shape(&b, 1, 2, (const int32_t[]){ 3, 4 });
	assert_output_shape(&b, 2, -1, NULL);
	b.t[b.ops[0].inputs[1]].data = NULL;	/* k known only at run time */
	assert_output_shape(&b, 0, -1, NULL);
}
END_TEST

static Suite *topk_suite(void)
{
	Suite *s = suite_create("lower_topk_v2");
	TCase *tc = tcase_create("cpu");

	tcase_add_test(tc, float_ties);
	tcase_add_test(tc, int64_whole_row_and_k0);
	tcase_add_test(tc, refused);
	tcase_add_test(tc, topk_output_shape);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return npu_check_run(topk_suite());
}
