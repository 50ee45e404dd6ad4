// SPDX-License-Identifier: MIT
/*
 * COMPLEX_ABS, REAL and IMAG on the CPU (lower/complex.c): complex64 to
 * float32 and complex128 to float64, and the types they refuse.
 * tests/tflite/ops_ref.py compares them with BUILTIN_REF.
 */
#include <check.h>
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "check_util.h"
#include "lower_util.h"

static struct npu_graph_op *complex_op(struct tg *b, int32_t builtin, enum npu_type it,
				       enum npu_type ot)
{
	static const int32_t shape[] = { 3 };
	int32_t x, y;

	tg_init(b);
	x = tg_tensor(b, it, 1, shape, 0.0f, 0, NULL);
	y = tg_tensor(b, ot, 1, shape, 0.0f, 0, NULL);
	b->t[x].bytes = b->t[x].elements * npu_type_size(it);
	b->t[y].bytes = b->t[y].elements * npu_type_size(ot);
	tg_io(b, x, y);
	return tg_op(b, builtin, 1, 1, x, y);
}

START_TEST(complex64)
{
	static const float z[] = { 3, -4, -1.5f, 0, 0, 2 };
	static const float want[3][3] = {
		{ 5, 1.5f, 2 },		/* COMPLEX_ABS */
		{ 3, -1.5f, 0 },	/* REAL */
		{ -4, 0, 2 },		/* IMAG */
	};
	static const int32_t ops[] = {
		NPU_BUILTIN_COMPLEX_ABS, NPU_BUILTIN_REAL, NPU_BUILTIN_IMAG,
	};
	struct tg b;

	for (int k = 0; k < 3; k++) {
		struct npu_cpu *cpu;

		complex_op(&b, ops[k], NPU_TYPE_COMPLEX64, NPU_TYPE_FLOAT32);
		cpu = cpu_run(&b, 0, z, sizeof(z));
		ck_assert_mem_eq(npu_cpu_tensor_data(cpu, 1), want[k], sizeof(want[k]));
		npu_cpu_destroy(cpu);
	}
}
END_TEST

START_TEST(complex128)
{
	static const double z[] = { 5, 12, -0.25, 0, 1e-300, -1e-300 };
	const double want[] = { 13, 0.25, hypot(1e-300, 1e-300) };
	struct npu_cpu *cpu;
	struct tg b;

	complex_op(&b, NPU_BUILTIN_COMPLEX_ABS, NPU_TYPE_COMPLEX128, NPU_TYPE_FLOAT64);
	cpu = cpu_run(&b, 0, z, sizeof(z));
	ck_assert_mem_eq(npu_cpu_tensor_data(cpu, 1), want, sizeof(want));
	npu_cpu_destroy(cpu);
	complex_op(&b, NPU_BUILTIN_IMAG, NPU_TYPE_COMPLEX128, NPU_TYPE_FLOAT64);
	cpu = cpu_run(&b, 0, z, sizeof(z));
	ck_assert(((double *)npu_cpu_tensor_data(cpu, 1))[0] == 12.0);
	npu_cpu_destroy(cpu);
}
END_TEST

START_TEST(refused)
{
	struct npu_graph_op *op;
	char why[256] = "";
	struct tg b;

	/* A float input, and complex64 to float64: TFLite's Prepare refuses both. */
	op = complex_op(&b, NPU_BUILTIN_REAL, NPU_TYPE_FLOAT32, NPU_TYPE_FLOAT32);
	ck_assert(!npu_cpu_op_known(&b.g, op, why, sizeof(why)));
	ck_assert_msg(strstr(why, "expected complex64"), "%s", why);
	op = complex_op(&b, NPU_BUILTIN_COMPLEX_ABS, NPU_TYPE_COMPLEX64, NPU_TYPE_FLOAT64);
	ck_assert(!npu_cpu_op_known(&b.g, op, why, sizeof(why)));
}
END_TEST

static Suite *complex_suite(void)
{
	Suite *s = suite_create("lower_complex");
	TCase *tc = tcase_create("complex");

	tcase_add_test(tc, complex64);
	tcase_add_test(tc, complex128);
	tcase_add_test(tc, refused);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return npu_check_run(complex_suite());
}
