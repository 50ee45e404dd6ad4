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

/*
 * TOPK_V2 of a @type input of @in_shape (@scale) for the constant scalar
 * @k (NULL: a [1] tensor fed at run time) into values (tensor 2) and int32
 * indices (tensor 3) of @out_shape, the input's rank.
 */
static void topk_graph(struct tg *b, enum npu_type type, float scale, int rank,
		       const int32_t *in_shape, const int32_t *k, const int32_t *out_shape)
{
	static const int32_t one[] = { 1 };

	tg_one_op(b, NPU_BUILTIN_TOPK_V2, 2, (const struct tg_spec[]){
			TG_QACT(type, rank, in_shape, scale, 0),
			TG_CONST(NPU_TYPE_INT32, k ? 0 : 1, k ? NULL : one, k) },
		  2, (const struct tg_spec[]){
			TG_QACT(type, rank, out_shape, scale, 0),
			TG_ACT(NPU_TYPE_INT32, rank, out_shape) });
}

START_TEST(float_ties)
{
	static const float x[10] = { 1, 5, 5, 2, 5, 0, -1, 3, 3, -2 };
	static const float want_v[6] = { 5, 5, 5, 3, 3, 0 };
	static const int32_t k = 3, want_i[6] = { 1, 2, 4, 2, 3, 0 };
	struct npu_cpu *cpu;
	struct tg b;

	topk_graph(&b, NPU_TYPE_FLOAT32, 0.0f, 2, s25, &k, s23);
	cpu = cpu_run(&b, 0, x, sizeof(x));
	ck_assert_mem_eq(npu_cpu_tensor_data(cpu, 2), want_v, sizeof(want_v));
	ck_assert_mem_eq(npu_cpu_tensor_data(cpu, 3), want_i, sizeof(want_i));
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

		topk_graph(&b, NPU_TYPE_INT64, 0.0f, 1, s4, c ? &k0 : &k4, c ? s0 : s4);
		cpu = cpu_run(&b, 0, x, sizeof(x));
		if (!c) {
			ck_assert_mem_eq(npu_cpu_tensor_data(cpu, 2), want_v, sizeof(want_v));
			ck_assert_mem_eq(npu_cpu_tensor_data(cpu, 3), want_i, sizeof(want_i));
		}
		npu_cpu_destroy(cpu);
	}
}
END_TEST

START_TEST(refused)
{
	static const int32_t s26[] = { 2, 6 }, k6 = 6;
	struct npu_cpu *cpu;
	struct tg b;

	/* k above the row. */
	topk_graph(&b, NPU_TYPE_FLOAT32, 0.0f, 2, s25, &k6, s26);
	cpu_refused(&b, "higher than the last dimension");
	/* k fed at run time: 2 for outputs of 3. */
	topk_graph(&b, NPU_TYPE_INT8, 0.5f, 2, s25, NULL, s23);
	tg_inputs(&b, 2, (const int32_t[]){ 0, 1 });
	cpu = cpu_ok(&b);
	*(int32_t *)npu_cpu_tensor_data(cpu, 1) = 2;
	cpu_run_fails(cpu, "not resized");
	*(int32_t *)npu_cpu_tensor_data(cpu, 1) = 3;
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
