// SPDX-License-Identifier: MIT
/*
 * UNSORTED_SEGMENT_SUM / PROD / MAX / MIN (lower/unsorted_segment.c) on
 * values worked out by hand: negative ids dropped, an empty segment at the
 * operation's identity (0, 1, -FLT_MAX / INT32_MIN, FLT_MAX / INT32_MAX),
 * int32 products wrapping; an id >= num_segments fails the run with a
 * message.  tests/tflite/ops_ref.py checks them against BUILTIN_REF.
 */
#include <check.h>
#include <float.h>
#include <stdint.h>
#include <string.h>

#include "check_util.h"
#include "lower_util.h"

static const int32_t s4[] = { 4 }, s3[] = { 3 };

/*
 * @builtin of a [4] @type input (tensor 0) by the [4] segment ids (tensor
 * 1; @ids NULL: fed at run time) into the constant @num segments of rank
 * @num_rank, output [3] (tensor 3).
 */
static void useg_graph(struct tg *b, int32_t builtin, enum npu_type type, const int32_t *ids,
		       int num_rank, const int32_t *num)
{
	tg_one_op(b, builtin, 3, (const struct tg_spec[]){
			TG_ACT(type, 1, s4),
			TG_CONST(NPU_TYPE_INT32, 1, s4, ids),
			TG_CONST(NPU_TYPE_INT32, num_rank, (const int32_t[]){ 1 }, num) },
		  1, &(struct tg_spec)TG_ACT(type, 1, s3));
}

START_TEST(float_ops)
{
	static const int32_t ids[4] = { 1, -1, 1, 0 }, num = 3;
	static const float x[4] = { 2, 100, -3, 0.5f };
	static const struct {
		int32_t builtin;
		float want[3];
	} cases[] = {
		{ NPU_BUILTIN_UNSORTED_SEGMENT_SUM, { 0.5f, -1, 0 } },
		{ NPU_BUILTIN_UNSORTED_SEGMENT_PROD, { 0.5f, -6, 1 } },
		{ NPU_BUILTIN_UNSORTED_SEGMENT_MAX, { 0.5f, 2, -FLT_MAX } },
		{ NPU_BUILTIN_UNSORTED_SEGMENT_MIN, { 0.5f, -3, FLT_MAX } },
	};

	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		struct npu_cpu *cpu;
		struct tg b;

		useg_graph(&b, cases[k].builtin, NPU_TYPE_FLOAT32, NULL, 0, &num);
		tg_inputs(&b, 2, (const int32_t[]){ 0, 1 });
		cpu = cpu_ok(&b);
		memcpy(npu_cpu_tensor_data(cpu, 0), x, sizeof(x));
		memcpy(npu_cpu_tensor_data(cpu, 1), ids, sizeof(ids));
		ck_assert_int_eq(npu_cpu_invoke(cpu), 0);
		ck_assert_mem_eq(npu_cpu_tensor_data(cpu, 3), cases[k].want, sizeof(x) - 4);
		((int32_t *)npu_cpu_tensor_data(cpu, 1))[2] = 3;
		cpu_run_fails(cpu, "not below num_segments 3");
		npu_cpu_destroy(cpu);
	}
}
END_TEST

START_TEST(int32_ops)
{
	static const int32_t ids[4] = { 0, 0, 2, 0 }, num = 3;
	static const int32_t x[4] = { 65536, 65536, 7, -5 };
	static const struct {
		int32_t builtin;
		int32_t want[3];
	} cases[] = {
		{ NPU_BUILTIN_UNSORTED_SEGMENT_SUM, { 131067, 0, 7 } },
		{ NPU_BUILTIN_UNSORTED_SEGMENT_PROD, { 0, 1, 7 } },	/* 2^32 wraps */
		{ NPU_BUILTIN_UNSORTED_SEGMENT_MAX, { 65536, INT32_MIN, 7 } },
		{ NPU_BUILTIN_UNSORTED_SEGMENT_MIN, { -5, INT32_MAX, 7 } },
	};

	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		struct tg b;

		useg_graph(&b, cases[k].builtin, NPU_TYPE_INT32, ids, 1, &num);
		cpu_run_expect(&b, 0, x, sizeof(x), 3, cases[k].want, sizeof(cases[k].want));
	}
}
END_TEST

START_TEST(refused)
{
	static const int32_t num = 4;
	struct tg b;

	/* num_segments 4 for an output of 3. */
	useg_graph(&b, NPU_BUILTIN_UNSORTED_SEGMENT_MAX, NPU_TYPE_FLOAT32, NULL, 0, &num);
	cpu_refused(&b, "num_segments 4 for an output of 3");
	/* int8 data: TFLite has no such kernel. */
	b.t[0].type = NPU_TYPE_INT8;
	b.t[3].type = NPU_TYPE_INT8;
	cpu_refused(&b, "int8 UNSORTED_SEGMENT_MAX");
}
END_TEST

/* The output_shape hook: [num_segments, the data's axes past the ids']. */
START_TEST(unsorted_segment_output_shape)
{
	static const int32_t num = 4;
	struct tg b;
	int32_t ids;

	tg_init(&b);
	ids = tg_tensor(&b, NPU_TYPE_INT32, 1, (const int32_t[]){ 6 }, 0.0f, 0, NULL);
	tg_op(&b, NPU_BUILTIN_UNSORTED_SEGMENT_MAX, 3, 1,
	      tg_tensor(&b, NPU_TYPE_FLOAT32, 3, (const int32_t[]){ 6, 2, 3 }, 0.0f, 0, NULL),
	      ids, tg_tensor(&b, NPU_TYPE_INT32, 0, NULL, 0.0f, 0, &num),
	      tg_tensor(&b, NPU_TYPE_FLOAT32, 3, (const int32_t[]){ 1, 2, 3 }, 0.0f, 0, NULL));
	assert_output_shape(&b, 0, 3, (const int32_t[]){ 4, 2, 3 });
	b.t[ids].rank = 2;
	b.t[ids].shape[1] = 2;
	b.ops[0].builtin = NPU_BUILTIN_UNSORTED_SEGMENT_SUM;
	assert_output_shape(&b, 0, 2, (const int32_t[]){ 4, 3 });
	b.t[ids].rank = 4;	/* more axes than the data */
	assert_output_shape(&b, 0, -1, NULL);
}
END_TEST

static Suite *useg_suite(void)
{
	Suite *s = suite_create("lower_unsorted_segment");
	TCase *tc = tcase_create("cpu");

	tcase_add_test(tc, float_ops);
	tcase_add_test(tc, int32_ops);
	tcase_add_test(tc, refused);
	tcase_add_test(tc, unsorted_segment_output_shape);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return npu_check_run(useg_suite());
}
