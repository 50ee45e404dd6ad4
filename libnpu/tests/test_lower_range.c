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

/*
 * @b: RANGE of scalars of @type (tensors 0 to 2: the constants @consts, or
 * run-time inputs if NULL) into @n values (tensor 3).
 */
static void range_graph(struct tg *b, enum npu_type type, const void *consts, int32_t n)
{
	const size_t es = npu_type_size(type);

	tg_init(b);
	for (int k = 0; k < 3; k++)
		tg_tensor(b, type, 0, NULL, 0.0f, 0,
			  consts ? (const uint8_t *)consts + (size_t)k * es : NULL);
	tg_tensor(b, type, 1, (const int32_t[]){ n }, 0.0f, 0, NULL);
	tg_op(b, NPU_BUILTIN_RANGE, 3, 1, 0, 1, 2, 3);
}

/* RANGE of run-time scalars of @type into @n values; the invocation's result. */
static int run_range(enum npu_type type, const void *v3, int32_t n, const void *want)
{
	static const int32_t in[3] = { 0, 1, 2 }, out = 3;
	const size_t es = npu_type_size(type);
	struct npu_cpu *cpu = NULL;
	char err[256] = "";
	struct tg b;
	int ret;

	range_graph(&b, type, NULL, n);
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
	static const int32_t i3[3] = { 2, 11, 3 }, zero_delta[3] = { 2, 11, 0 };
	static const float f3[3] = { 0.5f, 2.0f, 0.5f };
	struct tg b;

	range_graph(&b, NPU_TYPE_INT32, i3, 1);
	assert_output_shape(&b, 0, 1, (const int32_t[]){ 3 });
	b.t[0].data = NULL;	/* a run-time start gives no count */
	assert_output_shape(&b, 0, -1, NULL);
	range_graph(&b, NPU_TYPE_INT32, zero_delta, 1);
	assert_output_shape(&b, 0, -1, NULL);
	range_graph(&b, NPU_TYPE_FLOAT32, f3, 1);
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
