// SPDX-License-Identifier: MIT
/*
 * RANGE (lower/range.c) by hand: TFLite's count, a negative delta, float
 * values by accumulation; a run-time count other than the compiled one, or
 * a delta 0, fails the invocation.  Byte-identity with the interpreter is
 * tests/ops (range.int32, check-ops).
 */
#include <check.h>
#include <stdint.h>
#include <string.h>

#include "check_util.h"
#include "npu_cpu.h"
#include "test_cpu_graph.h"
#include "lower_util.h"

/* RANGE of run-time scalars of @type into @n values; the invocation's result. */
static int run_range(enum npu_type type, const void *v3, int32_t n, const void *want)
{
	const int32_t s1[1] = { 1 }, sn[1] = { n };
	const size_t es = npu_type_size(type);
	struct npu_cpu *cpu = NULL;
	char err[256] = "";
	struct tg b;
	int32_t in[3], out;
	int ret;

	tg_init(&b);
	for (int k = 0; k < 3; k++)
		in[k] = tg_tensor(&b, type, 0, s1, 0.0f, 0, NULL);
	out = tg_tensor(&b, type, 1, sn, 0.0f, 0, NULL);
	tg_op(&b, NPU_BUILTIN_RANGE, 3, 1, in[0], in[1], in[2], out);
	b.g.num_inputs = 3;
	memcpy(b.graph_in, in, sizeof(in));
	b.g.num_outputs = 1;
	b.graph_out[0] = out;
	ck_assert_msg(npu_cpu_create(&b.g, &cpu, err, sizeof(err)) == 0, "%s", err);
	for (int k = 0; k < 3; k++)
		memcpy(npu_cpu_tensor_data(cpu, in[k]), (const uint8_t *)v3 + k * es, es);
	ret = npu_cpu_invoke(cpu);
	if (!ret)
		ck_assert_mem_eq(npu_cpu_tensor_data(cpu, out), want, (size_t)n * es);
	else
		ck_assert_msg(strstr(npu_cpu_error(cpu), "RANGE"), "%s", npu_cpu_error(cpu));
	npu_cpu_destroy(cpu);
	return ret;
}

START_TEST(range_values)
{
	/* (|(-3) - 7| + 2 - 1) / 2 = 5 */
	static const int32_t i[3] = { 7, -3, -2 }, iwant[5] = { 7, 5, 3, 1, -1 };
	/* ceil(|(1 - 0.25) / 0.25|) = 3 */
	static const float f[3] = { 0.25f, 1.0f, 0.25f }, fwant[3] = { 0.25f, 0.5f, 0.75f };
	static const int64_t l[3] = { 0, 10, 4 }, lwant[3] = { 0, 4, 8 };

	ck_assert_int_eq(run_range(NPU_TYPE_INT32, i, 5, iwant), 0);
	ck_assert_int_eq(run_range(NPU_TYPE_FLOAT32, f, 3, fwant), 0);
	ck_assert_int_eq(run_range(NPU_TYPE_INT64, l, 3, lwant), 0);
}
END_TEST

START_TEST(range_failures)
{
	static const int32_t count6[3] = { 0, 6, 1 }, zero[3] = { 0, 6, 0 }, away[3] = { 0, 6, -1 };
	static const int32_t unused[5] = { 0 };

	/* 6 values at run time, 5 compiled. */
	ck_assert_int_lt(run_range(NPU_TYPE_INT32, count6, 5, unused), 0);
	ck_assert_int_lt(run_range(NPU_TYPE_INT32, zero, 5, unused), 0);
	ck_assert_int_lt(run_range(NPU_TYPE_INT32, away, 5, unused), 0);
}
END_TEST

/* The output_shape hook: lower_range_count() of constant scalars. */
START_TEST(range_output_shape)
{
	static const int32_t start = 2, limit = 11, delta = 3, zero = 0;
	static const float fstart = 0.5f, flimit = 2.0f, fdelta = 0.5f;
	struct tg b;
	int32_t d;

	tg_init(&b);
	tg_op(&b, NPU_BUILTIN_RANGE, 3, 1,
	      tg_tensor(&b, NPU_TYPE_INT32, 0, NULL, 0.0f, 0, &start),
	      tg_tensor(&b, NPU_TYPE_INT32, 0, NULL, 0.0f, 0, &limit),
	      tg_tensor(&b, NPU_TYPE_INT32, 0, NULL, 0.0f, 0, &delta),
	      tg_tensor(&b, NPU_TYPE_INT32, 1, (const int32_t[]){ 1 }, 0.0f, 0, NULL));
	assert_output_shape(&b, 0, 1, (const int32_t[]){ 3 });
	d = b.ops[0].inputs[2];
	b.ops[0].inputs[2] = tg_tensor(&b, NPU_TYPE_INT32, 0, NULL, 0.0f, 0, &zero);
	assert_output_shape(&b, 0, -1, NULL);
	/* A run-time start gives no count. */
	b.ops[0].inputs[2] = d;
	b.t[b.ops[0].inputs[0]].data = NULL;
	assert_output_shape(&b, 0, -1, NULL);

	tg_init(&b);
	tg_op(&b, NPU_BUILTIN_RANGE, 3, 1,
	      tg_tensor(&b, NPU_TYPE_FLOAT32, 0, NULL, 0.0f, 0, &fstart),
	      tg_tensor(&b, NPU_TYPE_FLOAT32, 0, NULL, 0.0f, 0, &flimit),
	      tg_tensor(&b, NPU_TYPE_FLOAT32, 0, NULL, 0.0f, 0, &fdelta),
	      tg_tensor(&b, NPU_TYPE_FLOAT32, 1, (const int32_t[]){ 1 }, 0.0f, 0, NULL));
	assert_output_shape(&b, 0, 1, (const int32_t[]){ 3 });
}
END_TEST

static Suite *range_suite(void)
{
	Suite *s = suite_create("lower_range");
	TCase *tc = tcase_create("range");

	tcase_add_test(tc, range_values);
	tcase_add_test(tc, range_failures);
	tcase_add_test(tc, range_output_shape);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return npu_check_run(range_suite());
}
