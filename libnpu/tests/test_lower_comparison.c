// SPDX-License-Identifier: MIT
/*
 * The comparisons (lower/comparison.c) on values worked out by hand:
 * int8 inputs of different scales brought to one (ComparisonWithScaling),
 * float with broadcast, and what TFLite refuses.  Byte-identity with the
 * interpreter is tests/ops (less.*, equal.*, ..., check-ops).
 */
#include <check.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check_util.h"
#include "npu_cpu.h"
#include "test_cpu_graph.h"

/* x (graph input) op y (constant) -> bool out; runs it on @x_data. */
static void run_cmp(struct tg *b, int32_t builtin, int32_t x, int32_t y,
		    int32_t out, const void *x_data, size_t x_bytes, uint8_t *got, size_t n)
{
	struct npu_cpu *cpu = NULL;
	char err[256] = "";

	b->g.num_ops = 0;
	tg_op(b, builtin, 2, 1, x, y, out);
	tg_io(b, x, out);
	ck_assert_msg(npu_cpu_create(&b->g, &cpu, err, sizeof(err)) == 0, "%s", err);
	memcpy(npu_cpu_tensor_data(cpu, x), x_data, x_bytes);
	ck_assert_int_eq(npu_cpu_invoke(cpu), 0);
	memcpy(got, npu_cpu_tensor_data(cpu, out), n);
	npu_cpu_destroy(cpu);
}

/*
 * x at scale 0.5, zero point 0: [2, 3, -4, 1] is [1, 1.5, -2, 0.5]; y at
 * 0.25, zero point 10: [14, 15, 2, 16] is [1, 1.25, -2, 1.5].  Common
 * scale 2 * 0.5: multipliers 0.5 and 0.25 on (q - zp) << 8, so x is [256,
 * 384, -512, 128] and y [256, 320, -512, 384], exactly.
 */
START_TEST(int8_scaled)
{
	static const int32_t s4[] = { 4 };
	static const int8_t xv[4] = { 2, 3, -4, 1 }, yv[4] = { 14, 15, 2, 16 };
	static const struct {
		int32_t builtin;
		uint8_t want[4];
	} cases[] = {
		{ NPU_BUILTIN_LESS, { 0, 0, 0, 1 } },
		{ NPU_BUILTIN_LESS_EQUAL, { 1, 0, 1, 1 } },
		{ NPU_BUILTIN_GREATER, { 0, 1, 0, 0 } },
		{ NPU_BUILTIN_GREATER_EQUAL, { 1, 1, 1, 0 } },
		{ NPU_BUILTIN_EQUAL, { 1, 0, 1, 0 } },
		{ NPU_BUILTIN_NOT_EQUAL, { 0, 1, 0, 1 } },
	};
	struct tg b;
	uint8_t got[4];

	for (size_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		int32_t x, y, out;

		tg_init(&b);
		x = tg_tensor(&b, NPU_TYPE_INT8, 1, s4, 0.5f, 0, NULL);
		y = tg_tensor(&b, NPU_TYPE_INT8, 1, s4, 0.25f, 10, yv);
		out = tg_tensor(&b, NPU_TYPE_BOOL, 1, s4, 0.0f, 0, NULL);
		run_cmp(&b, cases[k].builtin, x, y, out, xv, sizeof(xv), got, 4);
		ck_assert_mem_eq(got, cases[k].want, 4);
	}
}
END_TEST

/* float, y [1] broadcast over x [2, 3]. */
START_TEST(float_broadcast)
{
	static const int32_t s23[] = { 2, 3 }, s1[] = { 1 };
	static const float xv[6] = { -1.0f, 0.5f, 0.25f, 2.0f, 0.5f, -0.0f }, yv[1] = { 0.5f };
	static const uint8_t want[6] = { 0, 0, 0, 1, 0, 0 };
	struct tg b;
	uint8_t got[6];
	int32_t x, y, out;

	tg_init(&b);
	x = tg_tensor(&b, NPU_TYPE_FLOAT32, 2, s23, 0.0f, 0, NULL);
	y = tg_tensor(&b, NPU_TYPE_FLOAT32, 1, s1, 0.0f, 0, yv);
	out = tg_tensor(&b, NPU_TYPE_BOOL, 2, s23, 0.0f, 0, NULL);
	run_cmp(&b, NPU_BUILTIN_GREATER, x, y, out, xv, sizeof(xv), got, 6);
	ck_assert_mem_eq(got, want, 6);
}
END_TEST

/* A non-bool output, mixed input types, LESS of bool: named, not run. */
START_TEST(refused)
{
	static const int32_t s4[] = { 4 };
	static const uint8_t bv[4] = { 0 };
	struct npu_cpu *cpu = NULL;
	char err[256] = "";
	struct tg b;
	int32_t x, y, out;

	tg_init(&b);
	x = tg_tensor(&b, NPU_TYPE_BOOL, 1, s4, 0.0f, 0, NULL);
	y = tg_tensor(&b, NPU_TYPE_BOOL, 1, s4, 0.0f, 0, bv);
	out = tg_tensor(&b, NPU_TYPE_BOOL, 1, s4, 0.0f, 0, NULL);
	tg_op(&b, NPU_BUILTIN_LESS, 2, 1, x, y, out);
	tg_io(&b, x, out);
	ck_assert_int_eq(npu_cpu_create(&b.g, &cpu, err, sizeof(err)), 0);
	ck_assert_int_eq(npu_cpu_invoke(cpu), -ENOTSUP);
	ck_assert_msg(strstr(npu_cpu_error(cpu), "LESS of bool"), "%s", npu_cpu_error(cpu));
	npu_cpu_destroy(cpu);
	/* EQUAL of bool is TFLite's. */
	b.ops[0].builtin = NPU_BUILTIN_EQUAL;
	ck_assert_int_eq(npu_cpu_create(&b.g, &cpu, err, sizeof(err)), 0);
	ck_assert_int_eq(npu_cpu_invoke(cpu), 0);
	npu_cpu_destroy(cpu);
	/* Mixed types. */
	b.t[y].type = NPU_TYPE_FLOAT32;
	b.t[y].bytes = 16;
	b.t[y].data_size = 0;
	b.t[y].data = NULL;
	ck_assert_int_eq(npu_cpu_create(&b.g, &cpu, err, sizeof(err)), 0);
	ck_assert_int_eq(npu_cpu_invoke(cpu), -ENOTSUP);
	npu_cpu_destroy(cpu);
}
END_TEST

static Suite *comparison_suite(void)
{
	Suite *s = suite_create("lower_comparison");
	TCase *tc = tcase_create("comparison");

	tcase_add_test(tc, int8_scaled);
	tcase_add_test(tc, float_broadcast);
	tcase_add_test(tc, refused);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return npu_check_run(comparison_suite());
}
