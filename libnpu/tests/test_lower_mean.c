// SPDX-License-Identifier: MIT
/*
 * The lowering of MEAN (lower/mean.c) against values worked out by hand from
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

/*
 * A MEAN (keep_dims) of a [1, 4, 4, 8] @type input (scale 0.5, @in_zp) over
 * the two constant @axes into [1, 1, 1, 8] (scale 0.25, @out_zp): tensors
 * 0, 1 and 2.
 */
static struct npu_graph_op *mean_graph(struct tg *b, enum npu_type type, int32_t in_zp,
				       int32_t out_zp, const int32_t *axes)
{
	static const int32_t in_s[] = { 1, 4, 4, 8 }, o_s[] = { 1, 1, 1, 8 }, a_s[] = { 2 };
	struct npu_graph_op *op;

	op = tg_one_op(b, NPU_BUILTIN_MEAN, 2, (const struct tg_spec[]){
			TG_QACT(type, 4, in_s, 0.5f, in_zp),
			TG_CONST(NPU_TYPE_INT32, 1, a_s, axes) },
		       1, &(struct tg_spec)TG_QACT(type, 4, o_s, 0.25f, out_zp));
	op->options_kind = NPU_OPTS_REDUCER;
	op->options.reducer.keep_dims = 1;
	return op;
}

START_TEST(mean)
{
	static const int32_t o2[] = { 1, 8 };
	static const int32_t axes[2] = { 2, 1 };
	static const int32_t neg_axes[2] = { 2, -3 };
	const int32_t axis = 1, out = 2;
	struct tg b;
	struct npu_cpu_prepared *p;
	struct npu_graph_op *op;
	char err[256] = "";

	op = mean_graph(&b, NPU_TYPE_INT8, 1, -1, axes);
	p = prep_ok(&b);
	ck_assert_uint_eq(p->cmds[0].opcode, NPU_CMD_MEAN);
	/* 0.5 / 0.25 = 2 -> (Q30, 2), / 16 elements -> (Q30, -2); axes {2, 1}. */
	ck_assert_int_eq(p->cmds[0].params.mean.multiplier, Q30);
	ck_assert_int_eq(p->cmds[0].params.mean.shift, -2);
	ck_assert_uint_eq(p->cmds[0].params.mean.axis_mask, 6);
	npu_cpu_prepared_free(p);

	/* TFLite computes every axis set and keep_dims=false alike. */
	b.t[axis].data = (void *)neg_axes;
	b.t[out].rank = 2;
	memcpy(b.t[out].shape, o2, sizeof(o2));
	op->options.reducer.keep_dims = 0;
	p = prep_ok(&b);
	ck_assert_uint_eq(p->cmds[0].params.mean.axis_mask, 6);
	ck_assert_uint_eq(p->cmds[0].params.mean.output.rank, 4);
	ck_assert_uint_eq(p->cmds[0].params.mean.output.dims[1], 1);
	ck_assert_uint_eq(p->cmds[0].params.mean.output.dims[3], 8);
	npu_cpu_prepared_free(p);
	/* An output of the wrong size is refused. */
	b.t[out].shape[1] = 4;
	b.t[out].elements = 4;
	ck_assert_int_eq(prep_fail(&b, err, sizeof(err)), -EINVAL);
}
END_TEST

/* uint8 MEAN: int8's parameters, unsigned operands; REDUCE_MAX stays int8. */
START_TEST(mean_u8)
{
	static const int32_t axes[2] = { 1, 2 };
	struct tg b;
	struct npu_cpu_prepared *p;
	struct npu_graph_op *op;
	char err[256] = "";

	op = mean_graph(&b, NPU_TYPE_UINT8, 130, 7, axes);
	p = prep_ok(&b);
	ck_assert_uint_eq(p->cmds[0].opcode, NPU_CMD_MEAN);
	ck_assert_uint_eq(p->cmds[0].params.mean.input.dtype, NPU_DTYPE_UINT8);
	ck_assert_uint_eq(p->cmds[0].params.mean.output.dtype, NPU_DTYPE_UINT8);
	ck_assert_int_eq(p->cmds[0].params.mean.input.zero_point, 130);
	ck_assert_int_eq(p->cmds[0].params.mean.output.zero_point, 7);
	ck_assert_int_eq(p->cmds[0].params.mean.multiplier, Q30);
	ck_assert_int_eq(p->cmds[0].params.mean.shift, -2);
	npu_cpu_prepared_free(p);
	op->builtin = NPU_BUILTIN_REDUCE_MAX;
	ck_assert_int_eq(prep_fail(&b, err, sizeof(err)), -ENOTSUP);
}
END_TEST

/*
 * lower_const_axes(), the prologue MEAN and REVERSE_V2 share: negative
 * axes count from the end, an axis outside the rank is named (-EINVAL),
 * axes known only at run time are named as unsupported (-ENOTSUP).
 */
START_TEST(const_axes)
{
	static const int32_t x_s[] = { 2, 3 }, a_s[] = { 1 }, o_s[] = { 2, 1 };
	static const int32_t last[1] = { -1 }, outside[1] = { 2 };
	static const int8_t in[6] = { 1, 2, 3, 4, 5, 6 };
	static const int8_t want[6] = { 3, 2, 1, 6, 5, 4 };
	struct npu_graph_op *op;
	struct npu_cpu *cpu = NULL;
	char err[256] = "";
	struct tg b;
	int32_t x, axis, out;
	int8_t *y;

	tg_init(&b);
	x = tg_tensor(&b, NPU_TYPE_INT8, 2, x_s, 0.5f, 0, NULL);
	axis = tg_tensor(&b, NPU_TYPE_INT32, 1, a_s, 0.0f, 0, last);
	out = tg_tensor(&b, NPU_TYPE_INT8, 2, x_s, 0.5f, 0, NULL);
	tg_io(&b, x, out);
	tg_op(&b, NPU_BUILTIN_REVERSE_V2, 2, 1, x, axis, out);
	ck_assert_int_eq(npu_cpu_create(&b.g, &cpu, err, sizeof(err)), 0);
	memcpy(npu_cpu_tensor_data(cpu, x), in, sizeof(in));
	ck_assert_int_eq(npu_cpu_invoke(cpu), 0);
	y = npu_cpu_tensor_data(cpu, out);
	ck_assert_mem_eq(y, want, sizeof(want));
	npu_cpu_destroy(cpu);

	/* MEAN over an axis outside the rank, then over run-time axes. */
	tg_init(&b);
	x = tg_tensor(&b, NPU_TYPE_INT8, 2, x_s, 0.5f, 0, NULL);
	axis = tg_tensor(&b, NPU_TYPE_INT32, 1, a_s, 0.0f, 0, outside);
	out = tg_tensor(&b, NPU_TYPE_INT8, 2, o_s, 0.5f, 0, NULL);
	op = tg_op(&b, NPU_BUILTIN_MEAN, 2, 1, x, axis, out);
	op->options_kind = NPU_OPTS_REDUCER;
	op->options.reducer.keep_dims = 1;
	ck_assert_int_eq(prep_fail(&b, err, sizeof(err)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "axis 2 outside rank 2"));
	b.t[axis].data = NULL;
	ck_assert_int_eq(prep_fail(&b, err, sizeof(err)), -ENOTSUP);
	ck_assert_ptr_nonnull(strstr(err, "constant"));
}
END_TEST

/*
 * uint8 REDUCE_MAX and REDUCE_MIN run on the CPU (the NPU's commands take
 * int8 and int16): the stored bytes over axis 1 of [2, 3, 2], as reduce.cc's
 * EvalType<uint8_t>; differing input and output quantization cannot run
 * (TFLite refuses it at Prepare).
 */
START_TEST(reduce_min_max_u8)
{
	static const int32_t in_s[] = { 2, 3, 2 }, o_s[] = { 2, 2 }, a_s[] = { 1 };
	static const int32_t axis1 = 1;
	static const uint8_t xv[12] = { 7, 200, 0, 3, 255, 9, 1, 2, 3, 4, 5, 6 };
	static const uint8_t want_max[4] = { 255, 200, 5, 6 }, want_min[4] = { 0, 3, 1, 2 };
	const int32_t builtins[2] = { NPU_BUILTIN_REDUCE_MAX, NPU_BUILTIN_REDUCE_MIN };

	for (int k = 0; k < 2; k++) {
		struct npu_cpu *cpu;
		struct tg b;
		int32_t x, out;

		tg_init(&b);
		x = tg_tensor(&b, NPU_TYPE_UINT8, 3, in_s, 0.5f, 128, NULL);
		out = tg_tensor(&b, NPU_TYPE_UINT8, 2, o_s, 0.5f, 128, NULL);
		tg_op(&b, builtins[k], 2, 1, x,
		      tg_tensor(&b, NPU_TYPE_INT32, 1, a_s, 0.0f, 0, &axis1), out);
		tg_io(&b, x, out);
		cpu = cpu_ok(&b);
		memcpy(npu_cpu_tensor_data(cpu, x), xv, sizeof(xv));
		ck_assert_int_eq(npu_cpu_invoke(cpu), 0);
		ck_assert_mem_eq(npu_cpu_tensor_data(cpu, out), k ? want_min : want_max, 4);
		npu_cpu_destroy(cpu);
		b.scale[out][0] = 0.25f;
		cpu_refused(&b, "cannot run on the CPU");
	}
}
END_TEST

static Suite *lower_suite(void)
{
	Suite *s = suite_create("lower_mean");
	TCase *tc;

	tc = tcase_create("mean");
	tcase_add_test(tc, mean);
	tcase_add_test(tc, mean_u8);
	tcase_add_test(tc, reduce_min_max_u8);
	tcase_add_test(tc, const_axes);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return npu_check_run(lower_suite());
}
