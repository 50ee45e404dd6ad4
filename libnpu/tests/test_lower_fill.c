// SPDX-License-Identifier: MIT
/*
 * FILL, ZEROS_LIKE, SHAPE (lower/fill.c) and BROADCAST_TO
 * (lower/broadcast_to.c) by hand.  Byte-identity with the interpreter is
 * tests/ops (fill.float, shape.float, broadcast_to.int32, check-ops).
 */
#include <check.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check_util.h"
#include "lower_util.h"

/* Creates @b (input @x, output @out), runs it on @x_data, returns the cpu. */
static struct npu_cpu *run(struct tg *b, int32_t x, int32_t out, const void *x_data,
			   size_t x_bytes)
{
	tg_io(b, x, out);
	return cpu_run(b, x, x_data, x_bytes);
}

/* FILL [2, 3] with the run-time int16 value -300; ZEROS_LIKE of a float. */
START_TEST(fill_zeros_like)
{
	static const int32_t s0[] = { 1 }, s2[] = { 2 }, s23[] = { 2, 3 };
	static const int32_t dims[2] = { 2, 3 };
	static const int16_t v = -300, want[6] = { -300, -300, -300, -300, -300, -300 };
	static const float f[6] = { 1.0f, -2.0f, 3.0f, 4.0f, 5.0f, 6.0f };
	static const float zeros[6] = { 0 };
	struct npu_cpu *cpu;
	struct tg b;
	int32_t d, x, out;

	tg_init(&b);
	d = tg_tensor(&b, NPU_TYPE_INT32, 1, s2, 0.0f, 0, dims);
	x = tg_tensor(&b, NPU_TYPE_INT16, 1, s0, 0.0f, 0, NULL);
	out = tg_tensor(&b, NPU_TYPE_INT16, 2, s23, 0.0f, 0, NULL);
	tg_op(&b, NPU_BUILTIN_FILL, 2, 1, d, x, out);
	cpu = run(&b, x, out, &v, sizeof(v));
	ck_assert_mem_eq(npu_cpu_tensor_data(cpu, out), want, sizeof(want));
	npu_cpu_destroy(cpu);

	tg_init(&b);
	x = tg_tensor(&b, NPU_TYPE_FLOAT32, 2, s23, 0.0f, 0, NULL);
	out = tg_tensor(&b, NPU_TYPE_FLOAT32, 2, s23, 0.0f, 0, NULL);
	tg_op(&b, NPU_BUILTIN_ZEROS_LIKE, 1, 1, x, out);
	cpu = run(&b, x, out, f, sizeof(f));
	ck_assert_mem_eq(npu_cpu_tensor_data(cpu, out), zeros, sizeof(zeros));
	npu_cpu_destroy(cpu);
}
END_TEST

/* SHAPE of [2, 3] as int64; BROADCAST_TO [2, 1] -> [2, 2, 3]. */
START_TEST(shape_broadcast_to)
{
	static const int32_t s1[] = { 2 }, s3[] = { 3 }, s21[] = { 2, 1 }, s23[] = { 2, 3 };
	static const int32_t s223[] = { 2, 2, 3 }, shape[3] = { 2, 2, 3 };
	static const int64_t want_shape[2] = { 2, 3 };
	static const int8_t xv[2] = { 7, -7 };
	static const int8_t want[12] = { 7, 7, 7, -7, -7, -7, 7, 7, 7, -7, -7, -7 };
	static const float f[6] = { 0 };
	struct npu_cpu *cpu;
	struct tg b;
	int32_t x, sh, out;

	tg_init(&b);
	x = tg_tensor(&b, NPU_TYPE_FLOAT32, 2, s23, 0.0f, 0, NULL);
	out = tg_tensor(&b, NPU_TYPE_INT64, 1, s1, 0.0f, 0, NULL);
	tg_op(&b, NPU_BUILTIN_SHAPE, 1, 1, x, out);
	cpu = run(&b, x, out, f, sizeof(f));
	ck_assert_mem_eq(npu_cpu_tensor_data(cpu, out), want_shape, sizeof(want_shape));
	npu_cpu_destroy(cpu);

	tg_init(&b);
	x = tg_tensor(&b, NPU_TYPE_INT8, 2, s21, 0.5f, 0, NULL);
	sh = tg_tensor(&b, NPU_TYPE_INT32, 1, s3, 0.0f, 0, shape);
	out = tg_tensor(&b, NPU_TYPE_INT8, 3, s223, 0.5f, 0, NULL);
	tg_op(&b, NPU_BUILTIN_BROADCAST_TO, 2, 1, x, sh, out);
	cpu = run(&b, x, out, xv, sizeof(xv));
	ck_assert_mem_eq(npu_cpu_tensor_data(cpu, out), want, sizeof(want));
	npu_cpu_destroy(cpu);
}
END_TEST

static Suite *fill_suite(void)
{
	Suite *s = suite_create("lower_fill");
	TCase *tc = tcase_create("fill");

	tcase_add_test(tc, fill_zeros_like);
	tcase_add_test(tc, shape_broadcast_to);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return npu_check_run(fill_suite());
}
