// SPDX-License-Identifier: MIT
/*
 * The lowering of STRIDED_SLICE (lower/strided_slice.c) against values
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

static struct npu_cpu_prepared *slice(const int32_t *in_shape, int in_rank,
				      const int32_t *o_shape, int o_rank,
				      const int32_t *begin, const int32_t *end,
				      const int32_t *strides, int n,
				      int32_t begin_mask, int32_t end_mask,
				      int32_t shrink)
{
	static struct tg b;
	struct npu_graph_op *op;
	const int32_t n_s[] = { n };
	int32_t x, tb, te, ts, out;

	tg_init(&b);
	x = tg_tensor(&b, NPU_TYPE_INT16, in_rank, in_shape, 1.0f, 0, NULL);
	tb = tg_tensor(&b, NPU_TYPE_INT32, 1, n_s, 0.0f, 0, begin);
	te = tg_tensor(&b, NPU_TYPE_INT32, 1, n_s, 0.0f, 0, end);
	ts = tg_tensor(&b, NPU_TYPE_INT32, 1, n_s, 0.0f, 0, strides);
	out = tg_tensor(&b, NPU_TYPE_INT16, o_rank, o_shape, 1.0f, 0, NULL);
	op = tg_op(&b, NPU_BUILTIN_STRIDED_SLICE, 4, 1, x, tb, te, ts, out);
	op->options_kind = NPU_OPTS_STRIDED_SLICE;
	op->options.strided_slice.begin_mask = begin_mask;
	op->options.strided_slice.end_mask = end_mask;
	op->options.strided_slice.shrink_axis_mask = shrink;
	return prep_ok(&b);
}

START_TEST(strided_slice)
{
	struct npu_cpu_prepared *p;
	const struct npu_slice_params *s;

	/* [1, 10, 4][0:1, 1:-1:2, 0:4]: rows 1, 3, 5, 7. */
	p = slice((const int32_t[]){ 1, 10, 4 }, 3, (const int32_t[]){ 1, 4, 4 },
		  3, (const int32_t[]){ 0, 1, 0 }, (const int32_t[]){ 1, -1, 4 },
		  (const int32_t[]){ 1, 2, 1 }, 3, 0, 0, 0);
	s = &p->cmds[0].params.slice;
	ck_assert_int_eq(s->begin[1], 1);
	ck_assert_int_eq(s->strides[1], 2);
	assert_dims(&s->output, 3, (const uint32_t[]){ 1, 4, 4 });
	npu_cpu_prepared_free(p);

	/* Shrinking axis 0: the output loses it, the command keeps it as 1. */
	p = slice((const int32_t[]){ 1, 10, 4 }, 3, (const int32_t[]){ 4, 4 },
		  2, (const int32_t[]){ 0, 1, 0 }, (const int32_t[]){ 1, -1, 4 },
		  (const int32_t[]){ 1, 2, 1 }, 3, 0, 0, 1);
	assert_dims(&p->cmds[0].params.slice.output, 3,
		    (const uint32_t[]){ 1, 4, 4 });
	npu_cpu_prepared_free(p);

	/* [6][-1:0:-2] = elements 5, 3, 1. */
	p = slice((const int32_t[]){ 6 }, 1, (const int32_t[]){ 3 }, 1,
		  (const int32_t[]){ -1 }, (const int32_t[]){ 0 },
		  (const int32_t[]){ -2 }, 1, 0, 0, 0);
	ck_assert_int_eq(p->cmds[0].params.slice.begin[0], 5);
	ck_assert_int_eq(p->cmds[0].params.slice.strides[0], -2);
	ck_assert_uint_eq(p->cmds[0].params.slice.output.dims[0], 3);
	npu_cpu_prepared_free(p);

	/* end_mask: [6][2:] = 4 elements; missing trailing axes: all. */
	p = slice((const int32_t[]){ 6, 3 }, 2, (const int32_t[]){ 4, 3 }, 2,
		  (const int32_t[]){ 2 }, (const int32_t[]){ 0 },
		  (const int32_t[]){ 1 }, 1, 0, 1, 0);
	ck_assert_int_eq(p->cmds[0].params.slice.begin[0], 2);
	assert_dims(&p->cmds[0].params.slice.output, 2,
		    (const uint32_t[]){ 4, 3 });
	npu_cpu_prepared_free(p);
}
END_TEST

static Suite *lower_suite(void)
{
	Suite *s = suite_create("lower_strided_slice");
	TCase *tc;

	tc = tcase_create("strided_slice");
	tcase_add_test(tc, strided_slice);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return npu_check_run(lower_suite());
}
