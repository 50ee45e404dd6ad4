// SPDX-License-Identifier: MIT
/*
 * The lowering of the data-movement builtins (lower/movement.c) against
 * commands worked out by hand (lower_util.h): which command, its shapes,
 * offsets, strides and the graph input and output each one uses.
 */
#include <check.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check_util.h"
#include "npu_cpu.h"
#include "test_cpu_graph.h"
#include "lower_util.h"

/* PACK of three [2, 3] along axis 1: CONCATENATION k of [2, 1, 3]. */
START_TEST(pack)
{
	static const int32_t in_s[2] = { 2, 3 }, out_s[3] = { 2, 3, 3 };
	static const uint32_t in_d[3] = { 2, 1, 3 }, out_d[3] = { 2, 3, 3 };
	struct npu_graph_op *op;
	struct npu_cpu_prepared *p;
	struct tg b;
	int32_t a, c, d, o;
	char err[256] = "";

	tg_init(&b);
	a = tg_tensor(&b, NPU_TYPE_INT16, 2, in_s, 0.5f, 0, NULL);
	c = tg_tensor(&b, NPU_TYPE_INT16, 2, in_s, 0.5f, 0, NULL);
	d = tg_tensor(&b, NPU_TYPE_INT16, 2, in_s, 0.5f, 0, NULL);
	o = tg_tensor(&b, NPU_TYPE_INT16, 3, out_s, 0.5f, 0, NULL);
	op = tg_op(&b, NPU_BUILTIN_PACK, 3, 1, a, c, d, o);
	op->options_kind = NPU_OPTS_AXIS;
	op->options.axis.axis = -2;	/* = 1 of the output's rank 3 */
	op->options.axis.count = 3;
	p = prep_ok(&b);
	ck_assert_uint_eq(p->num_cmds, 3);
	for (uint32_t k = 0; k < 3; k++) {
		const struct npu_concat_params *cp = &p->cmds[k].params.concat;

		ck_assert_uint_eq(p->cmds[k].opcode, NPU_CMD_CONCAT);
		ck_assert_uint_eq(p->cmds[k].input, k);
		ck_assert_uint_eq(p->cmds[k].output, 0);
		assert_dims(&cp->input, 3, in_d);
		assert_dims(&cp->output, 3, out_d);
		ck_assert_uint_eq(cp->axis, 1);
		ck_assert_uint_eq(cp->offset, k);
	}
	npu_cpu_prepared_free(p);
	op->options.axis.count = 2;
	ck_assert_int_eq(prep_fail(&b, err, sizeof(err)), -EINVAL);
}
END_TEST

/* UNPACK of [2, 3] along 0: slice k of [1, 3] into output k. */
START_TEST(unpack_and_split)
{
	static const int32_t in_s[2] = { 2, 3 }, out_s[1] = { 3 };
	static const int32_t sp_s[2] = { 2, 6 }, sp_o[2] = { 2, 2 };
	static const int32_t axis1 = 1, scalar[1] = { 1 };
	static const uint32_t slice_d[2] = { 1, 3 };
	struct npu_graph_op *op;
	struct npu_cpu_prepared *p;
	struct tg b;
	int32_t x, o0, o1, o2, ax;
	char err[256] = "";

	tg_init(&b);
	x = tg_tensor(&b, NPU_TYPE_FLOAT32, 2, in_s, 0.0f, 0, NULL);
	o0 = tg_tensor(&b, NPU_TYPE_FLOAT32, 1, out_s, 0.0f, 0, NULL);
	o1 = tg_tensor(&b, NPU_TYPE_FLOAT32, 1, out_s, 0.0f, 0, NULL);
	op = tg_op(&b, NPU_BUILTIN_UNPACK, 1, 2, x, o0, o1);
	op->options_kind = NPU_OPTS_AXIS;
	op->options.axis.count = 2;
	p = prep_ok(&b);
	ck_assert_uint_eq(p->num_cmds, 2);
	for (uint32_t k = 0; k < 2; k++) {
		const struct npu_slice_params *s = &p->cmds[k].params.slice;

		ck_assert_uint_eq(p->cmds[k].opcode, NPU_CMD_STRIDED_SLICE);
		ck_assert_uint_eq(p->cmds[k].output, k);
		ck_assert_uint_eq(s->input.dtype, NPU_DTYPE_INT32);
		assert_dims(&s->output, 2, slice_d);
		ck_assert_int_eq(s->begin[0], (int32_t)k);
		ck_assert_int_eq(s->strides[0], 1);
		ck_assert_int_eq(s->strides[1], 1);
	}
	npu_cpu_prepared_free(p);

	/* SPLIT of [2, 6] in 3 along 1: begins 0, 2, 4 of input 1. */
	tg_init(&b);
	ax = tg_tensor(&b, NPU_TYPE_INT32, 0, scalar, 0.0f, 0, &axis1);
	x = tg_tensor(&b, NPU_TYPE_INT8, 2, sp_s, 0.5f, 1, NULL);
	o0 = tg_tensor(&b, NPU_TYPE_INT8, 2, sp_o, 0.5f, 1, NULL);
	o1 = tg_tensor(&b, NPU_TYPE_INT8, 2, sp_o, 0.5f, 1, NULL);
	o2 = tg_tensor(&b, NPU_TYPE_INT8, 2, sp_o, 0.5f, 1, NULL);
	op = tg_op(&b, NPU_BUILTIN_SPLIT, 2, 3, ax, x, o0, o1, o2);
	op->options_kind = NPU_OPTS_AXIS;
	op->options.axis.count = 3;
	p = prep_ok(&b);
	ck_assert_uint_eq(p->num_cmds, 3);
	for (uint32_t k = 0; k < 3; k++) {
		ck_assert_uint_eq(p->cmds[k].input, 1);
		ck_assert_uint_eq(p->cmds[k].output, k);
		ck_assert_int_eq(p->cmds[k].params.slice.begin[1], (int32_t)(2 * k));
	}
	npu_cpu_prepared_free(p);
	/* An axis computed at run time has no command. */
	b.t[ax].data = NULL;
	ck_assert_int_eq(prep_fail(&b, err, sizeof(err)), -ENOTSUP);
}
END_TEST

/*
 * SPACE_TO_DEPTH of [1, 4, 6, 3], block 2: TRANSPOSE (0, 2, 1, 3) of the
 * view [2, 2, 3, 6] into [2, 3, 2, 6].
 */
START_TEST(space_to_depth)
{
	static const int32_t in_s[4] = { 1, 4, 6, 3 }, out_s[4] = { 1, 2, 3, 12 };
	static const uint32_t in_d[4] = { 2, 2, 3, 6 }, out_d[4] = { 2, 3, 2, 6 };
	const struct npu_transpose_params *t;
	struct npu_graph_op *op;
	struct npu_cpu_prepared *p;
	struct tg b;
	int32_t x, o;

	tg_init(&b);
	x = tg_tensor(&b, NPU_TYPE_INT8, 4, in_s, 0.5f, 0, NULL);
	o = tg_tensor(&b, NPU_TYPE_INT8, 4, out_s, 0.5f, 0, NULL);
	op = tg_op(&b, NPU_BUILTIN_SPACE_TO_DEPTH, 1, 1, x, o);
	op->options_kind = NPU_OPTS_AXIS;
	op->options.axis.count = 2;
	p = prep_ok(&b);
	t = &p->cmds[0].params.transpose;
	ck_assert_uint_eq(p->cmds[0].opcode, NPU_CMD_TRANSPOSE);
	assert_dims(&t->input, 4, in_d);
	assert_dims(&t->output, 4, out_d);
	ck_assert_uint_eq(t->perm[1], 2);
	ck_assert_uint_eq(t->perm[2], 1);
	npu_cpu_prepared_free(p);
}
END_TEST

/*
 * MIRROR_PAD REFLECT of [4] by (2, 1): boxes before (2 elements from
 * input 2 backwards), the input, after (1 element from input 2).
 */
START_TEST(mirror_pad)
{
	static const int32_t in_s[1] = { 4 }, out_s[1] = { 7 }, p_s[2] = { 1, 2 };
	static const int32_t pads[2] = { 2, 1 };
	static const struct { uint32_t n, in_off, out_off; int32_t step; } want[3] = {
		{ 2, 2, 0, -1 }, { 4, 0, 2, 1 }, { 1, 2, 6, -1 },
	};
	struct npu_graph_op *op;
	struct npu_cpu_prepared *p;
	struct tg b;
	int32_t x, pt, o;

	tg_init(&b);
	x = tg_tensor(&b, NPU_TYPE_INT8, 1, in_s, 0.5f, 0, NULL);
	pt = tg_tensor(&b, NPU_TYPE_INT32, 2, p_s, 0.0f, 0, pads);
	o = tg_tensor(&b, NPU_TYPE_INT8, 1, out_s, 0.5f, 0, NULL);
	op = tg_op(&b, NPU_BUILTIN_MIRROR_PAD, 2, 1, x, pt, o);
	op->options_kind = NPU_OPTS_AXIS;
	op->options.axis.count = 0;	/* REFLECT */
	p = prep_ok(&b);
	ck_assert_uint_eq(p->num_cmds, 3);
	for (uint32_t k = 0; k < 3; k++) {
		const struct npu_strided_copy_params *c = &p->cmds[k].params.strided_copy;

		ck_assert_uint_eq(p->cmds[k].opcode, NPU_CMD_STRIDED_COPY);
		ck_assert_uint_eq(c->extent[4], want[k].n);
		ck_assert_uint_eq(c->in_offset, want[k].in_off);
		ck_assert_uint_eq(c->out_offset, want[k].out_off);
		ck_assert_int_eq(c->in_stride[4], want[k].step);
		ck_assert_int_eq(c->out_stride[4], 1);
	}
	npu_cpu_prepared_free(p);
}
END_TEST

/*
 * SPACE_TO_BATCH_ND of [1, 3, 4, 1], block (2, 2), paddings (1, 0), (0, 0):
 * a fill of the output [4, 2, 2, 1] with its zero point, then block
 * (oy, ox) = (0, 0) takes padded rows 0, 2 = input row 1 only (row 0 is
 * padding): output batch 0 row 1, input offset 4, strides 2 rows, 2 columns.
 */
START_TEST(space_to_batch)
{
	static const int32_t in_s[4] = { 1, 3, 4, 1 }, out_s[4] = { 4, 2, 2, 1 };
	static const int32_t b_s[1] = { 2 }, p_s[2] = { 2, 2 };
	static const int32_t block[2] = { 2, 2 }, pads[4] = { 1, 0, 0, 0 };
	const struct npu_strided_copy_params *c;
	struct npu_graph_op *op;
	struct npu_cpu_prepared *p;
	struct tg b;
	int32_t x, bt, pt, o;

	tg_init(&b);
	x = tg_tensor(&b, NPU_TYPE_INT8, 4, in_s, 0.5f, -4, NULL);
	bt = tg_tensor(&b, NPU_TYPE_INT32, 1, b_s, 0.0f, 0, block);
	pt = tg_tensor(&b, NPU_TYPE_INT32, 2, p_s, 0.0f, 0, pads);
	o = tg_tensor(&b, NPU_TYPE_INT8, 4, out_s, 0.5f, -4, NULL);
	op = tg_op(&b, NPU_BUILTIN_SPACE_TO_BATCH_ND, 3, 1, x, bt, pt, o);
	(void)op;
	p = prep_ok(&b);
	ck_assert_uint_eq(p->num_cmds, 5);
	c = &p->cmds[0].params.strided_copy;
	ck_assert_uint_eq(c->flags, NPU_COPY_FILL);
	ck_assert_int_eq(c->fill_value, -4);
	c = &p->cmds[1].params.strided_copy;
	ck_assert_uint_eq(c->extent[1], 1);	/* batch */
	ck_assert_uint_eq(c->extent[2], 1);	/* one row */
	ck_assert_uint_eq(c->extent[3], 2);	/* columns 0, 2 */
	ck_assert_uint_eq(c->in_offset, 4);
	ck_assert_int_eq(c->in_stride[3], 2);
	ck_assert_uint_eq(c->out_offset, 2);	/* batch 0, row 1 */
	ck_assert_int_eq(c->out_stride[3], 1);
	npu_cpu_prepared_free(p);
}
END_TEST

/* TILE: one axis is CONCATENATIONs, two are STRIDED_COPY boxes. */
START_TEST(tile)
{
	static const int32_t in_s[2] = { 2, 3 }, out1[2] = { 4, 3 }, out2[2] = { 4, 6 };
	static const int32_t m_s[1] = { 2 }, m1[2] = { 2, 1 }, m2[2] = { 2, 2 };
	struct npu_cpu_prepared *p;
	struct tg b;
	int32_t x, m, o;

	tg_init(&b);
	x = tg_tensor(&b, NPU_TYPE_INT32, 2, in_s, 0.0f, 0, NULL);
	m = tg_tensor(&b, NPU_TYPE_INT32, 1, m_s, 0.0f, 0, m1);
	o = tg_tensor(&b, NPU_TYPE_INT32, 2, out1, 0.0f, 0, NULL);
	tg_op(&b, NPU_BUILTIN_TILE, 2, 1, x, m, o);
	p = prep_ok(&b);
	ck_assert_uint_eq(p->num_cmds, 2);
	ck_assert_uint_eq(p->cmds[1].opcode, NPU_CMD_CONCAT);
	ck_assert_uint_eq(p->cmds[1].params.concat.offset, 2);
	npu_cpu_prepared_free(p);

	b.t[m].data = (void *)m2;
	b.t[o].shape[1] = out2[1];
	b.t[o].elements = 24;
	p = prep_ok(&b);
	ck_assert_uint_eq(p->num_cmds, 4);
	ck_assert_uint_eq(p->cmds[3].opcode, NPU_CMD_STRIDED_COPY);
	/* Copy (1, 1) starts at output row 2, column 3: 2 * 6 + 3. */
	ck_assert_uint_eq(p->cmds[3].params.strided_copy.out_offset, 15);
	npu_cpu_prepared_free(p);
}
END_TEST

/*
 * Products of file-controlled ints that overflowed int64 before
 * lower_checked_mul(): each wrapped to exactly 0, which matched an empty
 * output, so the op was accepted (and SPACE_TO_BATCH_ND then counted 2^60
 * blocks).  Now each is refused, naming the shape.
 */
START_TEST(hostile_products)
{
	static const int32_t d2s_in[4] = { 1, 0, 0, 1 << 30 }, d2s_out[4] = { 1, 0, 0, 0 };
	static const int32_t t_in[1] = { 4 }, t_out[1] = { 0 }, one[1] = { 1 }, two[1] = { 2 };
	static const int64_t huge_multiple[1] = { INT64_C(1) << 62 };
	static const int32_t s2b_in[4] = { 16, 0, 0, 1 }, s2b_out[4] = { 0, 0, 0, 1 };
	static const int32_t p_s[2] = { 2, 2 }, block[2] = { 1 << 30, 1 << 30 };
	static const int32_t pads[4] = { 0, 0, 0, 0 };
	struct npu_graph_op *op;
	char err[256] = "";
	struct tg b;
	int32_t x, m, o, bt, pt;

	/* SPACE_TO_DEPTH, depth 2^30, block 2^17: 2^30 * 2^34 = 2^64. */
	tg_init(&b);
	x = tg_tensor(&b, NPU_TYPE_INT8, 4, d2s_in, 0.5f, 0, NULL);
	o = tg_tensor(&b, NPU_TYPE_INT8, 4, d2s_out, 0.5f, 0, NULL);
	op = tg_op(&b, NPU_BUILTIN_SPACE_TO_DEPTH, 1, 1, x, o);
	op->options_kind = NPU_OPTS_AXIS;
	op->options.axis.count = 1 << 17;
	ck_assert_int_eq(prep_fail(&b, err, sizeof(err)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "block_size"));

	/* TILE with an int64 multiple of 2^62 over 4 elements: 2^64. */
	tg_init(&b);
	x = tg_tensor(&b, NPU_TYPE_INT8, 1, t_in, 0.5f, 0, NULL);
	m = tg_tensor(&b, NPU_TYPE_INT64, 1, one, 0.0f, 0, huge_multiple);
	o = tg_tensor(&b, NPU_TYPE_INT8, 1, t_out, 0.5f, 0, NULL);
	tg_op(&b, NPU_BUILTIN_TILE, 2, 1, x, m, o);
	ck_assert_int_eq(prep_fail(&b, err, sizeof(err)), -ENOTSUP);
	ck_assert_ptr_nonnull(strstr(err, "multiples"));

	/* SPACE_TO_BATCH_ND, batch 16, block (2^30, 2^30): 2^64 batches. */
	tg_init(&b);
	x = tg_tensor(&b, NPU_TYPE_INT8, 4, s2b_in, 0.5f, 0, NULL);
	bt = tg_tensor(&b, NPU_TYPE_INT32, 1, two, 0.0f, 0, block);
	pt = tg_tensor(&b, NPU_TYPE_INT32, 2, p_s, 0.0f, 0, pads);
	o = tg_tensor(&b, NPU_TYPE_INT8, 4, s2b_out, 0.5f, 0, NULL);
	tg_op(&b, NPU_BUILTIN_SPACE_TO_BATCH_ND, 3, 1, x, bt, pt, o);
	ck_assert_int_eq(prep_fail(&b, err, sizeof(err)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "shapes do not match"));
}
END_TEST

/*
 * The output_shape hook of SPACE_TO_BATCH_ND and BATCH_TO_SPACE_ND: the
 * arithmetic prep_space_batch() checks the output with.
 */
START_TEST(space_batch_output_shape)
{
	static const int32_t block[2] = { 2, 3 }, pads[4] = { 1, 0, 0, 0 };
	static const int32_t odd[4] = { 0, 0, 0, 0 };
	struct tg b;
	int32_t x, y, cb, cp;

	/* [2, 5, 6, 3] padded to 6 x 6, blocks of 2 x 3: [12, 3, 2, 3]. */
	tg_init(&b);
	x = tg_tensor(&b, NPU_TYPE_INT8, 4, (const int32_t[]){ 2, 5, 6, 3 }, 0.5f, 0, NULL);
	cb = tg_tensor(&b, NPU_TYPE_INT32, 1, (const int32_t[]){ 2 }, 0.0f, 0, block);
	cp = tg_tensor(&b, NPU_TYPE_INT32, 2, (const int32_t[]){ 2, 2 }, 0.0f, 0, pads);
	y = tg_tensor(&b, NPU_TYPE_INT8, 4, (const int32_t[]){ 1, 3, 2, 3 }, 0.5f, 0, NULL);
	tg_op(&b, NPU_BUILTIN_SPACE_TO_BATCH_ND, 3, 1, x, cb, cp, y);
	assert_output_shape(&b, 0, 4, (const int32_t[]){ 12, 3, 2, 3 });
	/* 5 rows do not make blocks of 2 unpadded. */
	b.ops[0].inputs[2] = tg_tensor(&b, NPU_TYPE_INT32, 2, (const int32_t[]){ 2, 2 }, 0.0f, 0,
				       odd);
	assert_output_shape(&b, 0, -1, NULL);

	/* And back: [12, 3, 2, 3] with the row cropped: [2, 5, 6, 3]. */
	b.ops[0].builtin = NPU_BUILTIN_BATCH_TO_SPACE_ND;
	b.ops[0].inputs[0] = y;
	b.ops[0].inputs[2] = cp;
	b.t[y].shape[0] = 12;
	assert_output_shape(&b, 0, 4, (const int32_t[]){ 2, 5, 6, 3 });
	b.t[y].shape[0] = 9;	/* not a multiple of the 6 blocks */
	assert_output_shape(&b, 0, -1, NULL);
}
END_TEST

static Suite *lower_suite(void)
{
	Suite *s = suite_create("lower_movement");
	TCase *tc = tcase_create("movement");

	tcase_add_test(tc, pack);
	tcase_add_test(tc, unpack_and_split);
	tcase_add_test(tc, space_to_depth);
	tcase_add_test(tc, mirror_pad);
	tcase_add_test(tc, space_to_batch);
	tcase_add_test(tc, tile);
	tcase_add_test(tc, hostile_products);
	tcase_add_test(tc, space_batch_output_shape);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return npu_check_run(lower_suite());
}
