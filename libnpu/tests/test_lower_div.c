// SPDX-License-Identifier: MIT
/*
 * Quantized DIV (lower/div.c) on values worked out by hand; byte identity
 * with the interpreter on converter-made models is tests/ops (div.*,
 * check-ops).
 */
#include <check.h>
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "check_util.h"
#include "npu_cpu.h"
#include "test_cpu_graph.h"
#include "lower_util.h"

/*
 * uint8: x (scale 0.5, zero point 10) / y (scale 0.25, zero point 0) into
 * scale 0.5: 10 / 2 = 5, 0 / 3 = 0, -3 / 3 = -1 (clamped to 0), 20 / 0.5
 * = 40, broadcast of y over rows.  A divisor at its zero point (real 0)
 * fails the run, naming it.
 */
START_TEST(div_u8)
{
	static const int32_t xs[] = { 2, 4 }, ys[] = { 4 };
	static const uint8_t xv[8] = { 30, 10, 4, 50, 30, 10, 4, 50 };
	static const uint8_t yv[4] = { 8, 12, 12, 2 }, zero[4] = { 8, 0, 12, 2 };
	static const uint8_t want[8] = { 10, 0, 0, 80, 10, 0, 0, 80 };
	struct npu_cpu *cpu;
	struct npu_graph_op *op;
	struct tg b;
	int32_t x, y, out;

	tg_init(&b);
	x = tg_tensor(&b, NPU_TYPE_UINT8, 2, xs, 0.5f, 10, NULL);
	y = tg_tensor(&b, NPU_TYPE_UINT8, 1, ys, 0.25f, 0, yv);
	out = tg_tensor(&b, NPU_TYPE_UINT8, 2, xs, 0.5f, 0, NULL);
	op = tg_op(&b, NPU_BUILTIN_DIV, 2, 1, x, y, out);
	op->options_kind = NPU_OPTS_ELTWISE;
	tg_io(&b, x, out);
	cpu = cpu_ok(&b);
	memcpy(npu_cpu_tensor_data(cpu, x), xv, sizeof(xv));
	ck_assert_int_eq(npu_cpu_invoke(cpu), 0);
	ck_assert_mem_eq(npu_cpu_tensor_data(cpu, out), want, sizeof(want));
	npu_cpu_destroy(cpu);

	b.t[y].data = (void *)zero;
	cpu = cpu_ok(&b);
	memcpy(npu_cpu_tensor_data(cpu, x), xv, sizeof(xv));
	cpu_run_fails(cpu, "real value is 0");
	npu_cpu_destroy(cpu);
}
END_TEST

/*
 * int8 with RELU: -2 / 2, 2 / 2, 0 / 2 and 12.7 / 63.5 into scale 0.05, zero
 * point -128: the negative quotient clamps to the zero point.
 */
START_TEST(div_s8_relu)
{
	static const int32_t s[] = { 4 };
	static const int8_t xv[4] = { -20, 20, 0, 127 }, yv[4] = { 4, 4, 4, 127 };
	static const int8_t want[4] = { -128, -108, -128, -124 };
	struct npu_cpu *cpu;
	struct npu_graph_op *op;
	struct tg b;
	int32_t x, y, out;

	tg_init(&b);
	x = tg_tensor(&b, NPU_TYPE_INT8, 1, s, 0.1f, 0, NULL);
	y = tg_tensor(&b, NPU_TYPE_INT8, 1, s, 0.5f, 0, yv);
	out = tg_tensor(&b, NPU_TYPE_INT8, 1, s, 0.05f, -128, NULL);
	op = tg_op(&b, NPU_BUILTIN_DIV, 2, 1, x, y, out);
	op->options_kind = NPU_OPTS_ELTWISE;
	op->options.eltwise.activation = NPU_ACT_RELU;
	tg_io(&b, x, out);
	cpu = cpu_ok(&b);
	memcpy(npu_cpu_tensor_data(cpu, x), xv, sizeof(xv));
	ck_assert_int_eq(npu_cpu_invoke(cpu), 0);
	ck_assert_mem_eq(npu_cpu_tensor_data(cpu, out), want, sizeof(want));
	npu_cpu_destroy(cpu);
}
END_TEST

static Suite *div_suite(void)
{
	Suite *s = suite_create("lower_div");
	TCase *tc = tcase_create("div");

	tcase_add_test(tc, div_u8);
	tcase_add_test(tc, div_s8_relu);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return npu_check_run(div_suite());
}
