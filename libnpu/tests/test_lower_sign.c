// SPDX-License-Identifier: MIT
/*
 * SIGN (lower/sign.c) by hand: NaN and -0.0 give 0, as sign.cc's
 * comparisons do.  Byte-identity with the interpreter is tests/ops
 * (sign.float, sign.int32, check-ops).
 */
#include <check.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "check_util.h"
#include "npu_cpu.h"
#include "test_cpu_graph.h"

static struct npu_cpu *run_sign(enum npu_type type, const void *x, size_t n, int32_t *out)
{
	const int32_t shape[1] = { (int32_t)n };
	struct npu_cpu *cpu = NULL;
	char err[256] = "";
	static struct tg b;
	int32_t in;

	tg_init(&b);
	in = tg_tensor(&b, type, 1, shape, 0.0f, 0, NULL);
	*out = tg_tensor(&b, type, 1, shape, 0.0f, 0, NULL);
	tg_op(&b, NPU_BUILTIN_SIGN, 1, 1, in, *out);
	tg_io(&b, in, *out);
	ck_assert_msg(npu_cpu_create(&b.g, &cpu, err, sizeof(err)) == 0, "%s", err);
	memcpy(npu_cpu_tensor_data(cpu, in), x, n * npu_type_size(type));
	ck_assert_int_eq(npu_cpu_invoke(cpu), 0);
	return cpu;
}

START_TEST(sign_types)
{
	const float f[6] = { 2.5f, -1e-30f, 0.0f, -0.0f, NAN, -INFINITY };
	static const float fwant[6] = { 1.0f, -1.0f, 0.0f, 0.0f, 0.0f, -1.0f };
	static const double d[3] = { -3.0, 1e-300, -0.0 }, dwant[3] = { -1.0, 1.0, 0.0 };
	static const int32_t i[4] = { INT32_MIN, -1, 0, INT32_MAX }, iwant[4] = { -1, -1, 0, 1 };
	struct npu_cpu *cpu;
	int32_t out;

	cpu = run_sign(NPU_TYPE_FLOAT32, f, 6, &out);
	/* Byte compare: -0.0 in gives +0.0 out. */
	ck_assert_mem_eq(npu_cpu_tensor_data(cpu, out), fwant, sizeof(fwant));
	npu_cpu_destroy(cpu);
	cpu = run_sign(NPU_TYPE_FLOAT64, d, 3, &out);
	ck_assert_mem_eq(npu_cpu_tensor_data(cpu, out), dwant, sizeof(dwant));
	npu_cpu_destroy(cpu);
	cpu = run_sign(NPU_TYPE_INT32, i, 4, &out);
	ck_assert_mem_eq(npu_cpu_tensor_data(cpu, out), iwant, sizeof(iwant));
	npu_cpu_destroy(cpu);
}
END_TEST

/* int8 has no SIGN kernel in TFLite: the op is left unrunnable, named. */
START_TEST(sign_int8_refused)
{
	static const int32_t shape[1] = { 4 };
	struct npu_cpu *cpu = NULL;
	char err[256] = "";
	struct tg b;
	int32_t in, out;

	tg_init(&b);
	in = tg_tensor(&b, NPU_TYPE_INT8, 1, shape, 0.5f, 0, NULL);
	out = tg_tensor(&b, NPU_TYPE_INT8, 1, shape, 0.5f, 0, NULL);
	tg_op(&b, NPU_BUILTIN_SIGN, 1, 1, in, out);
	tg_io(&b, in, out);
	ck_assert_msg(npu_cpu_create(&b.g, &cpu, err, sizeof(err)) == 0, "%s", err);
	ck_assert(!npu_cpu_op_runnable(cpu, 0));
	ck_assert_msg(strstr(npu_cpu_op_why(cpu, 0), "SIGN of int8"), "%s",
		      npu_cpu_op_why(cpu, 0));
	npu_cpu_destroy(cpu);
}
END_TEST

static Suite *sign_suite(void)
{
	Suite *s = suite_create("lower_sign");
	TCase *tc = tcase_create("sign");

	tcase_add_test(tc, sign_types);
	tcase_add_test(tc, sign_int8_refused);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return npu_check_run(sign_suite());
}
