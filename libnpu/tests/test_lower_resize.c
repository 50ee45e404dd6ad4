// SPDX-License-Identifier: MIT
/*
 * The lowering of RESIZE_BILINEAR and RESIZE_NEAREST_NEIGHBOR
 * (lower/resize.c) against values worked out by hand from TFLite's
 * formulas (lower_util.h).
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

static const int32_t size_4x6[2] = { 4, 6 }, size_7x3[2] = { 7, 3 };

/* [1, ih, iw, 2] -> [1, size] of @type, size constant (or not). */
static void resize_graph(struct tg *b, int32_t builtin, enum npu_type type,
			 int32_t ih, int32_t iw, const int32_t *size,
			 bool align, bool half)
{
	const int32_t in_s[4] = { 1, ih, iw, 2 }, sz_s[1] = { 2 };
	const int32_t out_s[4] = { 1, size[0], size[1], 2 };
	const float scale = type == NPU_TYPE_FLOAT32 ? 0.0f : 0.5f;
	struct npu_graph_op *op;
	int32_t x, sz, out;

	tg_init(b);
	x = tg_tensor(b, type, 4, in_s, scale, type == NPU_TYPE_INT16 ? 0 : -3, NULL);
	sz = tg_tensor(b, NPU_TYPE_INT32, 1, sz_s, 0.0f, 0, size);
	/* Another output zero point: the values are not requantized. */
	out = tg_tensor(b, type, 4, out_s, scale, type == NPU_TYPE_INT16 ? 0 : 7, NULL);
	op = tg_op(b, builtin, 2, 1, x, sz, out);
	op->options_kind = NPU_OPTS_RESIZE;
	op->options.resize.align_corners = align;
	op->options.resize.half_pixel_centers = half;
}

START_TEST(bilinear)
{
	static const uint32_t in_d[4] = { 1, 2, 3, 2 }, out_d[4] = { 1, 4, 6, 2 };
	struct tg b;
	struct npu_cpu_prepared *p;
	const struct npu_resize_params *r;
	char err[256] = "";

	resize_graph(&b, NPU_BUILTIN_RESIZE_BILINEAR, NPU_TYPE_INT8, 2, 3,
		     size_4x6, true, false);
	p = prep_ok(&b);
	ck_assert_uint_eq(p->num_cmds, 1);
	ck_assert_uint_eq(p->cmds[0].opcode, NPU_CMD_RESIZE_BILINEAR);
	r = &p->cmds[0].params.resize;
	assert_dims(&r->input, 4, in_d);
	assert_dims(&r->output, 4, out_d);
	ck_assert_uint_eq(r->flags, NPU_RESIZE_ALIGN_CORNERS);
	ck_assert_int_eq(r->input.zero_point, -3);
	ck_assert_int_eq(r->output.zero_point, -3);
	ck_assert_ptr_null(p->table);
	npu_cpu_prepared_free(p);

	b.ops[0].options.resize.align_corners = false;
	b.ops[0].options.resize.half_pixel_centers = true;
	p = prep_ok(&b);
	ck_assert_uint_eq(p->cmds[0].params.resize.flags,
			  NPU_RESIZE_HALF_PIXEL_CENTERS);
	npu_cpu_prepared_free(p);

	/* TFLite's Prepare refuses both flags together. */
	b.ops[0].options.resize.align_corners = true;
	ck_assert_int_eq(prep_fail(&b, err, sizeof(err)), -EINVAL);

	/* float32 and uint8 compute in float: no command. */
	resize_graph(&b, NPU_BUILTIN_RESIZE_BILINEAR, NPU_TYPE_UINT8, 2, 3,
		     size_4x6, false, false);
	ck_assert_int_eq(prep_fail(&b, err, sizeof(err)), -ENOTSUP);
	resize_graph(&b, NPU_BUILTIN_RESIZE_BILINEAR, NPU_TYPE_FLOAT32, 2, 3,
		     size_4x6, false, false);
	ck_assert_int_eq(prep_fail(&b, err, sizeof(err)), -ENOTSUP);
}
END_TEST

/*
 * 3 x 5 -> 7 x 3 with half-pixel centers: rows floor((i + 0.5) * 3 / 7) =
 * 0 0 1 1 1 2 2, columns floor((i + 0.5) * 5 / 3) = 0 2 4.
 */
START_TEST(nearest_table)
{
	static const uint16_t table[7 + 3] = { 0, 0, 1, 1, 1, 2, 2, 0, 2, 4 };
	struct tg b;
	struct npu_cpu_prepared *p;

	resize_graph(&b, NPU_BUILTIN_RESIZE_NEAREST_NEIGHBOR, NPU_TYPE_INT16,
		     3, 5, size_7x3, false, true);
	p = prep_ok(&b);
	ck_assert_uint_eq(p->cmds[0].opcode, NPU_CMD_RESIZE_NEAREST);
	ck_assert_uint_eq(p->cmds[0].params.resize.flags, 0);
	ck_assert_uint_eq(p->table_bytes, sizeof(table));
	ck_assert_mem_eq(p->table, table, sizeof(table));
	npu_cpu_prepared_free(p);

	/* float32 is gathered as 4-byte elements. */
	resize_graph(&b, NPU_BUILTIN_RESIZE_NEAREST_NEIGHBOR, NPU_TYPE_FLOAT32,
		     3, 5, size_7x3, false, false);
	p = prep_ok(&b);
	ck_assert_uint_eq(p->cmds[0].params.resize.input.dtype, NPU_DTYPE_INT32);
	npu_cpu_prepared_free(p);
}
END_TEST

START_TEST(refused)
{
	static const int32_t zero[2] = { 0, 6 };
	struct tg b;
	char err[256] = "";

	/* A size computed at run time: no static shape to lower. */
	resize_graph(&b, NPU_BUILTIN_RESIZE_NEAREST_NEIGHBOR, NPU_TYPE_INT8, 2,
		     3, size_4x6, false, false);
	b.t[1].data = NULL;
	b.t[1].data_size = 0;
	ck_assert_int_eq(prep_fail(&b, err, sizeof(err)), -ENOTSUP);
	/* The output must be [N, size, C]. */
	resize_graph(&b, NPU_BUILTIN_RESIZE_NEAREST_NEIGHBOR, NPU_TYPE_INT8, 2,
		     3, size_4x6, false, false);
	b.t[2].shape[2] = 5;
	ck_assert_int_eq(prep_fail(&b, err, sizeof(err)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "output shape"));
	resize_graph(&b, NPU_BUILTIN_RESIZE_BILINEAR, NPU_TYPE_INT8, 2, 3, zero,
		     false, false);
	ck_assert_int_eq(prep_fail(&b, err, sizeof(err)), -EINVAL);
}
END_TEST

START_TEST(empty)
{
	static const int32_t zero[2] = { 0, 6 };
	struct npu_cpu_prepared *p;
	struct tg b;
	char err[256] = "";

	/* A nearest size of 0 is TFLite's empty output: no command. */
	resize_graph(&b, NPU_BUILTIN_RESIZE_NEAREST_NEIGHBOR, NPU_TYPE_INT8, 2,
		     3, zero, false, false);
	ck_assert_int_eq(npu_cpu_prepare_op(&b.g, &b.ops[0], &p, err,
					    sizeof(err)), 0);
	ck_assert_uint_eq(p->num_cmds, 0);
	npu_cpu_prepared_free(p);
	/* An empty input height with a non-empty output: TFLite reads
	 * outside the input (it crashes); refused, named. */
	resize_graph(&b, NPU_BUILTIN_RESIZE_NEAREST_NEIGHBOR, NPU_TYPE_INT8, 0,
		     3, size_4x6, false, false);
	ck_assert_int_eq(prep_fail(&b, err, sizeof(err)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "height or width 0"));
}
END_TEST

static Suite *lower_suite(void)
{
	Suite *s = suite_create("lower_resize");
	TCase *tc = tcase_create("resize");

	tcase_add_test(tc, bilinear);
	tcase_add_test(tc, nearest_table);
	tcase_add_test(tc, refused);
	tcase_add_test(tc, empty);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return npu_check_run(lower_suite());
}
