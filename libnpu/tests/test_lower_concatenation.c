// SPDX-License-Identifier: MIT
/*
 * The lowering of CONCATENATION (lower/concatenation.c) against values
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

START_TEST(concat)
{
	static const int32_t a_s[] = { 1, 2, 3 }, b_s[] = { 1, 2, 5 },
			     o_s[] = { 1, 2, 8 };
	struct tg b;
	struct npu_cpu_prepared *p;
	struct npu_graph_op *op;
	int32_t x, y, out;
	char err[256] = "";

	tg_init(&b);
	x = tg_tensor(&b, NPU_TYPE_INT8, 3, a_s, 0.5f, 2, NULL);
	y = tg_tensor(&b, NPU_TYPE_INT8, 3, b_s, 0.5f, 2, NULL);
	out = tg_tensor(&b, NPU_TYPE_INT8, 3, o_s, 0.5f, 2, NULL);
	op = tg_op(&b, NPU_BUILTIN_CONCATENATION, 2, 1, x, y, out);
	op->options_kind = NPU_OPTS_CONCAT;
	op->options.concat.axis = -1;
	p = prep_ok(&b);
	ck_assert_uint_eq(p->num_cmds, 2);
	ck_assert_uint_eq(p->cmds[0].input, 0);
	ck_assert_uint_eq(p->cmds[0].params.concat.axis, 2);
	ck_assert_uint_eq(p->cmds[0].params.concat.offset, 0);
	ck_assert_uint_eq(p->cmds[1].input, 1);
	ck_assert_uint_eq(p->cmds[1].params.concat.offset, 3);
	npu_cpu_prepared_free(p);

	/* No requantization in CONCATENATION: quantization must match. */
	b.zp[y][0] = 3;
	ck_assert_int_eq(prep_fail(&b, err, sizeof(err)), -EINVAL);
}
END_TEST

/*
 * uint8 inputs quantized unlike the output are requantized as TFLite's
 * ConcatenationWithScaling: input 0 (scale 0.5, zp 2) into the output
 * (scale 0.25, zp 10): round(x * 2 - 4) + 10 = 2x + 6, clamped; input 1,
 * quantized as the output, is copied.  Tables sit at 256 * k in the order
 * of the requantized inputs.
 */
START_TEST(concat_uint8_requantized)
{
	static const int32_t a_s[] = { 1, 2, 3 }, b_s[] = { 1, 2, 5 },
			     o_s[] = { 1, 2, 8 };
	struct tg b;
	struct npu_cpu_prepared *p;
	struct npu_graph_op *op;
	const uint8_t *t;
	int32_t x, y, out;

	tg_init(&b);
	x = tg_tensor(&b, NPU_TYPE_UINT8, 3, a_s, 0.5f, 2, NULL);
	y = tg_tensor(&b, NPU_TYPE_UINT8, 3, b_s, 0.25f, 10, NULL);
	out = tg_tensor(&b, NPU_TYPE_UINT8, 3, o_s, 0.25f, 10, NULL);
	op = tg_op(&b, NPU_BUILTIN_CONCATENATION, 2, 1, x, y, out);
	op->options_kind = NPU_OPTS_CONCAT;
	op->options.concat.axis = 2;
	p = prep_ok(&b);
	ck_assert_uint_eq(p->num_cmds, 2);
	ck_assert_uint_eq(p->cmds[0].params.concat.flags, NPU_CONCAT_TABLE);
	ck_assert_uint_eq(p->cmds[0].table_offset, 0);
	ck_assert_int_eq(p->cmds[0].params.concat.input.zero_point, 2);
	ck_assert_int_eq(p->cmds[0].params.concat.output.zero_point, 10);
	ck_assert_uint_eq(p->cmds[1].params.concat.flags, 0);
	ck_assert_uint_eq(p->table_bytes, 256);
	t = p->table;
	ck_assert_uint_eq(t[0], 6);
	ck_assert_uint_eq(t[2], 10);
	ck_assert_uint_eq(t[100], 206);
	ck_assert_uint_eq(t[124], 254);
	ck_assert_uint_eq(t[125], 255);
	ck_assert_uint_eq(t[255], 255);
	npu_cpu_prepared_free(p);

	/* Both requantized: the second table follows the first. */
	b.zp[y][0] = 11;
	p = prep_ok(&b);
	ck_assert_uint_eq(p->table_bytes, 512);
	ck_assert_uint_eq(p->cmds[1].table_offset, 256);
	ck_assert_uint_eq(p->cmds[1].params.concat.flags, NPU_CONCAT_TABLE);
	/* round(x - 11) + 10 = x - 1, clamped at 0 */
	ck_assert_uint_eq(((const uint8_t *)p->table)[256 + 0], 0);
	ck_assert_uint_eq(((const uint8_t *)p->table)[256 + 200], 199);
	npu_cpu_prepared_free(p);
}
END_TEST

/*
 * The output_shape hook (compiler/fold.c's propagation): CONCATENATION sums
 * the inputs along its axis, PACK stacks them on a new one.
 */
START_TEST(concat_pack_output_shape)
{
	struct npu_graph_op *op;
	struct tg b;
	int32_t x, x2, y;

	tg_init(&b);
	x = tg_tensor(&b, NPU_TYPE_INT8, 3, (const int32_t[]){ 2, 3, 4 }, 0.5f, 0, NULL);
	x2 = tg_tensor(&b, NPU_TYPE_INT8, 3, (const int32_t[]){ 2, 5, 4 }, 0.5f, 0, NULL);
	y = tg_tensor(&b, NPU_TYPE_INT8, 3, (const int32_t[]){ 2, 1, 4 }, 0.5f, 0, NULL);
	op = tg_op(&b, NPU_BUILTIN_CONCATENATION, 2, 1, x, x2, y);
	assert_output_shape(&b, 0, -1, NULL);	/* no options: no axis */
	op->options_kind = NPU_OPTS_CONCAT;
	op->options.concat.axis = -2;
	assert_output_shape(&b, 0, 3, (const int32_t[]){ 2, 8, 4 });
	op->options.concat.axis = 2;
	assert_output_shape(&b, 0, -1, NULL);	/* axis 1 differs */

	/* PACK of two [2, 3, 4] along axis 1: [2, 2, 3, 4]. */
	op->builtin = NPU_BUILTIN_PACK;
	op->inputs[1] = x;
	op->options_kind = NPU_OPTS_AXIS;
	op->options.axis.axis = 1;
	assert_output_shape(&b, 0, 4, (const int32_t[]){ 2, 2, 3, 4 });
	op->options.axis.axis = -1;
	assert_output_shape(&b, 0, 4, (const int32_t[]){ 2, 3, 4, 2 });
	op->inputs[1] = x2;
	assert_output_shape(&b, 0, -1, NULL);
}
END_TEST

static Suite *lower_suite(void)
{
	Suite *s = suite_create("lower_concatenation");
	TCase *tc;

	tc = tcase_create("concatenation");
	tcase_add_test(tc, concat);
	tcase_add_test(tc, concat_uint8_requantized);
	tcase_add_test(tc, concat_pack_output_shape);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return npu_check_run(lower_suite());
}
