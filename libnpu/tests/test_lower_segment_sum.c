// SPDX-License-Identifier: MIT
/*
 * SEGMENT_SUM (lower/segment_sum.c) on values worked out by hand: float
 * sums in row order, int32 sums wrapping; ids that do not start at 0 or
 * skip one fail the run with a message; ids making another number of
 * segments than the stored output fail too (constant ones at creation).
 * tests/tflite/ops_ref.py checks it against TFLite.
 */
#include <check.h>
#include <stdint.h>
#include <string.h>

#include "check_util.h"
#include "lower_util.h"

static const int32_t s52[] = { 5, 2 }, s32[] = { 3, 2 }, s5[] = { 5 };

/*
 * SEGMENT_SUM of a [5, 2] @type input (tensor 0) by the [5] segment ids
 * (tensor 1; @ids NULL: fed at run time) into [3, 2] (tensor 2).
 */
static void segment_graph(struct tg *b, enum npu_type type, const int32_t *ids)
{
	tg_one_op(b, NPU_BUILTIN_SEGMENT_SUM, 2, (const struct tg_spec[]){
			TG_ACT(type, 2, s52),
			TG_CONST(NPU_TYPE_INT32, 1, s5, ids) },
		  1, &(struct tg_spec)TG_ACT(type, 2, s32));
}

START_TEST(sums)
{
	static const int32_t ids[5] = { 0, 0, 1, 1, 2 };
	static const float x[10] = { 1, 2, 0.5f, -2, 3, 4, 5, 6, 7, 8 };
	static const float want[6] = { 1.5f, 0, 8, 10, 7, 8 };
	struct npu_cpu *cpu;
	struct tg b;

	segment_graph(&b, NPU_TYPE_FLOAT32, NULL);
	tg_inputs(&b, 2, (const int32_t[]){ 0, 1 });
	cpu = cpu_ok(&b);
	memcpy(npu_cpu_tensor_data(cpu, 0), x, sizeof(x));
	memcpy(npu_cpu_tensor_data(cpu, 1), ids, sizeof(ids));
	ck_assert_int_eq(npu_cpu_invoke(cpu), 0);
	ck_assert_mem_eq(npu_cpu_tensor_data(cpu, 2), want, sizeof(want));
	((int32_t *)npu_cpu_tensor_data(cpu, 1))[4] = 3;	/* skips 2 */
	cpu_run_fails(cpu, "step by 0 or 1");
	((int32_t *)npu_cpu_tensor_data(cpu, 1))[4] = 1;	/* 2 segments of 3 */
	cpu_run_fails(cpu, "make 2 segments, the output holds 3");
	npu_cpu_destroy(cpu);
}
END_TEST

START_TEST(int32_wraps_and_const_ids)
{
	static const int32_t ids[5] = { 0, 0, 1, 2, 2 }, bad[5] = { 0, 0, 0, 1, 1 };
	static const int32_t x[10] = { INT32_MAX, 1, 1, 1, 2, 3, 4, 5, INT32_MIN, -1 };
	static const int32_t want[6] = { INT32_MIN, 2, 2, 3, 4 + INT32_MIN, 4 };
	struct tg b;

	segment_graph(&b, NPU_TYPE_INT32, ids);
	cpu_run_expect(&b, 0, x, sizeof(x), 2, want, sizeof(want));
	b.t[1].data = (void *)bad;
	cpu_refused(&b, "make 2 segments, the output has 3");
}
END_TEST

/*
 * The output_shape hook: the data's shape with as many rows as constant
 * ids that start at 0 and step by 0 or 1 make (segment_last()).
 */
START_TEST(segment_sum_output_shape)
{
	static const int32_t ids[5] = { 0, 0, 1, 2, 2 }, gap[5] = { 0, 0, 2, 2, 3 };
	struct tg b;

	tg_init(&b);
	tg_op(&b, NPU_BUILTIN_SEGMENT_SUM, 2, 1,
	      tg_tensor(&b, NPU_TYPE_FLOAT32, 2, (const int32_t[]){ 5, 3 }, 0.0f, 0, NULL),
	      tg_tensor(&b, NPU_TYPE_INT32, 1, (const int32_t[]){ 5 }, 0.0f, 0, ids),
	      tg_tensor(&b, NPU_TYPE_FLOAT32, 2, (const int32_t[]){ 1, 3 }, 0.0f, 0, NULL));
	assert_output_shape(&b, 0, 2, (const int32_t[]){ 3, 3 });
	b.t[b.ops[0].inputs[1]].data = (void *)gap;	/* the kernel refuses a skipped id */
	assert_output_shape(&b, 0, -1, NULL);
}
END_TEST

static Suite *segment_suite(void)
{
	Suite *s = suite_create("lower_segment_sum");
	TCase *tc = tcase_create("cpu");

	tcase_add_test(tc, sums);
	tcase_add_test(tc, int32_wraps_and_const_ids);
	tcase_add_test(tc, segment_sum_output_shape);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return npu_check_run(segment_suite());
}
