// SPDX-License-Identifier: MIT
/*
 * The lowering of LOGISTIC and TANH (lower/logistic_tanh.c) against values
 * worked out by hand from TFLite's formulas (lower_util.h).
 */
#include <check.h>
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check_util.h"
#include "npu_cpu.h"
#include "test_cpu_graph.h"
#include "lower_util.h"

START_TEST(logistic_table)
{
	static const int32_t s[] = { 1, 16 };
	struct tg b;
	struct npu_cpu_prepared *p;
	const int8_t *t;
	int32_t x, out;

	tg_init(&b);
	x = tg_tensor(&b, NPU_TYPE_INT8, 2, s, 1.0f / 16, 0, NULL);
	out = tg_tensor(&b, NPU_TYPE_INT8, 2, s, 1.0f / 256, -128, NULL);
	tg_op(&b, NPU_BUILTIN_LOGISTIC, 1, 1, x, out);
	p = prep_ok(&b);
	ck_assert_uint_eq(p->cmds[0].opcode, NPU_CMD_LUT);
	ck_assert_uint_eq(p->cmds[0].params.lut.function, NPU_LUT_LOGISTIC);
	ck_assert_uint_eq(p->table_bytes, 256);
	t = p->table;
	/* x = 0: 0.5 * 256 - 128 = 0; x = 127/16: 0.99964 * 256 -> 127
	 * (clamped); x = -8: 0.000335 * 256 -> 0 - 128. */
	ck_assert_int_eq(t[128], 0);
	ck_assert_int_eq(t[255], 127);
	ck_assert_int_eq(t[0], -128);
	/* x = 1: 0.731059 * 256 = 187.15 -> 187 - 128 = 59. */
	ck_assert_int_eq(t[128 + 16], 59);
	for (int v = -128; v < 128; v++) {
		double want = round(256.0 / (1.0 + exp(-v / 16.0))) - 128;

		want = want > 127 ? 127 : want;
		ck_assert_msg(fabs(t[v + 128] - want) <= 1,
			      "logistic table[%d] = %d, real %g", v, t[v + 128],
			      want);
	}
	npu_cpu_prepared_free(p);
}
END_TEST

/*
 * int8 TANH (scale 1/16 in, 1/128 out as TFLite requires): tanh(0) = 0,
 * tanh(1) * 128 = 97.48 -> 97, tanh(-1) -> -97; inputs at or beyond the
 * input radius floor(15 * 2^27 / 2^24) = 120 saturate.  Every entry is
 * within one step of the real function.
 */
START_TEST(tanh_table)
{
	static const int32_t s[] = { 16 };
	struct tg b;
	struct npu_cpu_prepared *p;
	const int8_t *t;
	int32_t x, out;
	char err[256] = "";

	tg_init(&b);
	x = tg_tensor(&b, NPU_TYPE_INT8, 1, s, 1.0f / 16, 0, NULL);
	out = tg_tensor(&b, NPU_TYPE_INT8, 1, s, 1.0f / 128, 0, NULL);
	tg_op(&b, NPU_BUILTIN_TANH, 1, 1, x, out);
	p = prep_ok(&b);
	ck_assert_uint_eq(p->cmds[0].params.lut.function, NPU_LUT_TANH);
	t = p->table;
	ck_assert_int_eq(t[128], 0);
	ck_assert_int_eq(t[128 + 16], 97);
	ck_assert_int_eq(t[128 - 16], -97);
	ck_assert_int_eq(t[128 + 120], 127);
	ck_assert_int_eq(t[0], -128);
	for (int v = -128; v < 128; v++) {
		double want = round(tanh(v / 16.0) * 128);

		want = want > 127 ? 127 : want < -128 ? -128 : want;
		ck_assert_msg(fabs(t[v + 128] - want) <= 1,
			      "tanh table[%d] = %d, real %g", v, t[v + 128], want);
	}
	npu_cpu_prepared_free(p);

	/* TFLite's int8 TANH output is fixed at 1/128, zero point 0. */
	b.zp[out][0] = 3;
	ck_assert_int_eq(prep_fail(&b, err, sizeof(err)), -EINVAL);
}
END_TEST

static Suite *lower_suite(void)
{
	Suite *s = suite_create("lower_logistic_tanh");
	TCase *tc;

	tc = tcase_create("logistic_tanh");
	tcase_add_test(tc, logistic_table);
	tcase_add_test(tc, tanh_table);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return npu_check_run(lower_suite());
}
