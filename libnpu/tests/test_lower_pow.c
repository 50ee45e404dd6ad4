// SPDX-License-Identifier: MIT
/*
 * POW (lower/pow.c): float32 and int32 with broadcast, on values worked
 * out by hand; a negative int32 exponent fails the invocation as TFLite's
 * CheckValue does (tests/ops checks both types against the interpreter).
 */
#include <check.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check_util.h"
#include "npu_cpu.h"
#include "test_cpu_graph.h"

/* x [2, 3] ** y [3] of @type; returns the executor (inputs filled). */
static struct npu_cpu *pow_graph(struct tg *b, enum npu_type type,
				 const void *x, const void *y, int32_t *out)
{
	static const int32_t s23[] = { 2, 3 }, s3[] = { 3 };
	struct npu_cpu *cpu = NULL;
	char err[256] = "";
	int32_t a, e;

	tg_init(b);
	a = tg_tensor(b, type, 2, s23, 0.0f, 0, NULL);
	e = tg_tensor(b, type, 1, s3, 0.0f, 0, NULL);
	*out = tg_tensor(b, type, 2, s23, 0.0f, 0, NULL);
	tg_op(b, NPU_BUILTIN_POW, 2, 1, a, e, *out);
	b->g.num_inputs = 2;
	b->graph_in[0] = a;
	b->graph_in[1] = e;
	b->g.num_outputs = 1;
	b->graph_out[0] = *out;
	ck_assert_msg(npu_cpu_create(&b->g, &cpu, err, sizeof(err)) == 0, "%s", err);
	memcpy(npu_cpu_tensor_data(cpu, a), x, 6 * 4);
	memcpy(npu_cpu_tensor_data(cpu, e), y, 3 * 4);
	return cpu;
}

START_TEST(pow_float)
{
	static const float x[] = { 2.0f, 9.0f, 0.5f, -2.0f, 4.0f, 10.0f };
	static const float y[] = { 3.0f, 0.5f, -1.0f };
	static const float want[] = { 8.0f, 3.0f, 2.0f, -8.0f, 2.0f, 0.1f };
	struct npu_cpu *cpu;
	struct tg b;
	int32_t out;

	cpu = pow_graph(&b, NPU_TYPE_FLOAT32, x, y, &out);
	ck_assert_int_eq(npu_cpu_invoke(cpu), 0);
	ck_assert_mem_eq(npu_cpu_tensor_data(cpu, out), want, sizeof(want));
	npu_cpu_destroy(cpu);
}
END_TEST

START_TEST(pow_int32)
{
	static const int32_t x[] = { 2, -3, 7, -2, 0, 46341 };
	static const int32_t y[] = { 10, 3, 0 };
	static const int32_t y2[] = { 1, 31, 2 };
	static const int32_t neg[] = { 1, -1, 2 };
	/* 46341^2 > INT32_MAX: the conversion's INT32_MIN (x86-64). */
	static const int32_t want[] = { 1024, -27, 1, 1024, 0, 1 };
	static const int32_t want2[] = { 2, INT32_MIN, 49, -2, 0, INT32_MIN };
	struct npu_cpu *cpu;
	struct tg b;
	int32_t out;

	cpu = pow_graph(&b, NPU_TYPE_INT32, x, y, &out);
	ck_assert_int_eq(npu_cpu_invoke(cpu), 0);
	ck_assert_mem_eq(npu_cpu_tensor_data(cpu, out), want, sizeof(want));
	memcpy(npu_cpu_tensor_data(cpu, b.graph_in[1]), y2, sizeof(y2));
	ck_assert_int_eq(npu_cpu_invoke(cpu), 0);
	ck_assert_mem_eq(npu_cpu_tensor_data(cpu, out), want2, sizeof(want2));
	memcpy(npu_cpu_tensor_data(cpu, b.graph_in[1]), neg, sizeof(neg));
	ck_assert_int_eq(npu_cpu_invoke(cpu), -EINVAL);
	ck_assert_ptr_nonnull(strstr(npu_cpu_error(cpu), "negative"));
	npu_cpu_destroy(cpu);
}
END_TEST

static Suite *pow_suite(void)
{
	Suite *s = suite_create("lower_pow");
	TCase *tc = tcase_create("pow");

	tcase_add_test(tc, pow_float);
	tcase_add_test(tc, pow_int32);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return npu_check_run(pow_suite());
}
