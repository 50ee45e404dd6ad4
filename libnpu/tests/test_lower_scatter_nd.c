// SPDX-License-Identifier: MIT
/*
 * SCATTER_ND (lower/scatter_nd.c) on values worked out by hand: rows
 * scattered into zeros, duplicates adding up (int8 wrapping), an index
 * outside its axis failing the run with a message, a shape that
 * disagrees with the output refused.  tests/tflite/ops_ref.py checks it
 * against BUILTIN_REF.
 */
#include <check.h>
#include <stdint.h>
#include <string.h>

#include "check_util.h"
#include "lower_util.h"

static const int32_t s31[] = { 3, 1 }, s32[] = { 3, 2 }, s42[] = { 4, 2 }, s2[] = { 2 };

/*
 * SCATTER_ND of [3, 1] indices (tensor 0) and [3, 2] @type updates (tensor
 * 1) into the constant output @shape, [4, 2] (tensor 3).
 */
static void scatter_graph(struct tg *b, enum npu_type type, const int32_t *shape)
{
	tg_one_op(b, NPU_BUILTIN_SCATTER_ND, 3, (const struct tg_spec[]){
			TG_ACT(NPU_TYPE_INT32, 2, s31),
			TG_ACT(type, 2, s32),
			TG_CONST(NPU_TYPE_INT32, 1, s2, shape) },
		  1, &(struct tg_spec)TG_ACT(type, 2, s42));
}

START_TEST(rows_and_duplicates)
{
	static const int32_t idx[3] = { 2, 0, 2 }, shape[2] = { 4, 2 };
	static const int8_t upd[6] = { 100, -1, 5, 6, 100, -2 };
	static const int8_t want[8] = { 5, 6, 0, 0, -56, -3, 0, 0 };
	struct npu_cpu *cpu;
	struct tg b;

	scatter_graph(&b, NPU_TYPE_INT8, shape);
	tg_inputs(&b, 2, (const int32_t[]){ 0, 1 });
	cpu = cpu_ok(&b);
	memcpy(npu_cpu_tensor_data(cpu, 0), idx, sizeof(idx));
	memcpy(npu_cpu_tensor_data(cpu, 1), upd, sizeof(upd));
	ck_assert_int_eq(npu_cpu_invoke(cpu), 0);
	ck_assert_mem_eq(npu_cpu_tensor_data(cpu, 3), want, sizeof(want));
	/* Row 4 of 4: outside, the run fails. */
	((int32_t *)npu_cpu_tensor_data(cpu, 0))[1] = 4;
	cpu_run_fails(cpu, "outside axis 0");
	((int32_t *)npu_cpu_tensor_data(cpu, 0))[1] = -1;
	cpu_run_fails(cpu, "outside axis 0");
	npu_cpu_destroy(cpu);
}
END_TEST

START_TEST(refused)
{
	static const int32_t shape[2] = { 5, 2 };
	struct tg b;

	scatter_graph(&b, NPU_TYPE_FLOAT32, shape);
	cpu_refused(&b, "shape[0] = 5");
}
END_TEST

/* The output_shape hook: the constant shape input. */
START_TEST(scatter_output_shape)
{
	static const int32_t shape[3] = { 4, 5, 2 };
	struct tg b;

	tg_init(&b);
	tg_op(&b, NPU_BUILTIN_SCATTER_ND, 3, 1,
	      tg_tensor(&b, NPU_TYPE_INT32, 2, (const int32_t[]){ 3, 2 }, 0.0f, 0, NULL),
	      tg_tensor(&b, NPU_TYPE_FLOAT32, 2, (const int32_t[]){ 3, 2 }, 0.0f, 0, NULL),
	      tg_tensor(&b, NPU_TYPE_INT32, 1, (const int32_t[]){ 3 }, 0.0f, 0, shape),
	      tg_tensor(&b, NPU_TYPE_FLOAT32, 3, (const int32_t[]){ 1, 1, 1 }, 0.0f, 0, NULL));
	assert_output_shape(&b, 0, 3, (const int32_t[]){ 4, 5, 2 });
	b.t[b.ops[0].inputs[2]].data = NULL;	/* a run-time shape */
	assert_output_shape(&b, 0, -1, NULL);
}
END_TEST

static Suite *scatter_suite(void)
{
	Suite *s = suite_create("lower_scatter_nd");
	TCase *tc = tcase_create("cpu");

	tcase_add_test(tc, rows_and_duplicates);
	tcase_add_test(tc, refused);
	tcase_add_test(tc, scatter_output_shape);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return npu_check_run(scatter_suite());
}
