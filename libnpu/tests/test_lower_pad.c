// SPDX-License-Identifier: MIT
/*
 * The lowering of PAD (lower/pad.c) against values worked out by hand from
 * TFLite's formulas (lower_util.h).
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

START_TEST(pad)
{
	static const int32_t in_s[] = { 1, 2, 3, 1 }, o_s[] = { 1, 5, 6, 1 },
			     p_s[] = { 4, 2 };
	static const int32_t pads[8] = { 0, 0, 1, 2, 3, 0, 0, 0 };
	static const int32_t bad[8] = { 0, 0, 1, 1, 3, 0, 0, 0 };
	struct tg b;
	struct npu_cpu_prepared *p;
	const struct npu_pad_params *pp;
	int32_t x, pt, out;
	char err[256] = "";

	tg_init(&b);
	x = tg_tensor(&b, NPU_TYPE_INT8, 4, in_s, 0.5f, 5, NULL);
	pt = tg_tensor(&b, NPU_TYPE_INT32, 2, p_s, 0.0f, 0, pads);
	out = tg_tensor(&b, NPU_TYPE_INT8, 4, o_s, 0.5f, 5, NULL);
	tg_op(&b, NPU_BUILTIN_PAD, 2, 1, x, pt, out);
	p = prep_ok(&b);
	pp = &p->cmds[0].params.pad;
	ck_assert_uint_eq(p->cmds[0].opcode, NPU_CMD_PAD);
	ck_assert_uint_eq(pp->before[0], 0);
	ck_assert_uint_eq(pp->before[1], 1);
	ck_assert_uint_eq(pp->before[2], 3);
	ck_assert_uint_eq(pp->before[3], 0);
	/* TFLite pads with the output zero point. */
	ck_assert_int_eq(pp->pad_value, 5);
	npu_cpu_prepared_free(p);

	b.t[pt].data = (void *)bad;
	ck_assert_int_eq(prep_fail(&b, err, sizeof(err)), -EINVAL);
}
END_TEST

static Suite *lower_suite(void)
{
	Suite *s = suite_create("lower_pad");
	TCase *tc;

	tc = tcase_create("pad");
	tcase_add_test(tc, pad);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return npu_check_run(lower_suite());
}
