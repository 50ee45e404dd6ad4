// SPDX-License-Identifier: MIT
/*
 * DYNAMIC_UPDATE_SLICE (lower/dynamic_update_slice.c) on values worked out
 * by hand, start indices clamped as dynamic_update_slice.cc clamps them;
 * and the reader's rewrite of a lowered TensorListSetItem into it
 * (tflite/list_update.c): the exact pattern only.  Byte-identity with the
 * interpreter is tests/ops (while.keras_gru, while.keras_simple_rnn).
 */
#include <check.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check_util.h"
#include "npu_cpu.h"
#include "test_cpu_graph.h"
#include "../tflite/list_update.h"

/* operand [3, 4] 0..11, update [2, 2] of 100s, start @start (int32 or int64). */
static void run_dus(const void *start, enum npu_type stype, int32_t *got)
{
	static const int32_t s34[] = { 3, 4 }, s22[] = { 2, 2 }, s2[] = { 2 };
	static const int32_t upd[4] = { 100, 101, 102, 103 };
	int32_t operand[12];
	struct npu_cpu *cpu = NULL;
	char err[256] = "";
	struct tg b;
	int32_t in, u, st, out;

	for (int k = 0; k < 12; k++)
		operand[k] = k;
	tg_init(&b);
	in = tg_tensor(&b, NPU_TYPE_INT32, 2, s34, 0.0f, 0, NULL);
	u = tg_tensor(&b, NPU_TYPE_INT32, 2, s22, 0.0f, 0, upd);
	st = tg_tensor(&b, stype, 1, s2, 0.0f, 0, start);
	out = tg_tensor(&b, NPU_TYPE_INT32, 2, s34, 0.0f, 0, NULL);
	tg_op(&b, NPU_BUILTIN_DYNAMIC_UPDATE_SLICE, 3, 1, in, u, st, out);
	tg_io(&b, in, out);
	ck_assert_msg(npu_cpu_create(&b.g, &cpu, err, sizeof(err)) == 0, "%s", err);
	memcpy(npu_cpu_tensor_data(cpu, in), operand, sizeof(operand));
	ck_assert_msg(npu_cpu_invoke(cpu) == 0, "%s", npu_cpu_error(cpu));
	memcpy(got, npu_cpu_tensor_data(cpu, out), 12 * sizeof(int32_t));
	npu_cpu_destroy(cpu);
}

START_TEST(dus_values)
{
	static const int32_t at11[2] = { 1, 1 }, clamp[2] = { 5, -3 };
	static const int64_t at02[2] = { 0, 2 };
	static const int32_t want11[12] = { 0, 1, 2, 3, 4, 100, 101, 7, 8, 102, 103, 11 };
	/* [5, -3] clamps to [1, 0]. */
	static const int32_t want_clamp[12] = { 0, 1, 2, 3, 100, 101, 6, 7, 102, 103, 10, 11 };
	static const int32_t want02[12] = { 0, 1, 100, 101, 4, 5, 102, 103, 8, 9, 10, 11 };
	int32_t got[12];

	run_dus(at11, NPU_TYPE_INT32, got);
	ck_assert_mem_eq(got, want11, sizeof(got));
	run_dus(clamp, NPU_TYPE_INT32, got);
	ck_assert_mem_eq(got, want_clamp, sizeof(got));
	run_dus(at02, NPU_TYPE_INT64, got);
	ck_assert_mem_eq(got, want02, sizeof(got));
}
END_TEST

START_TEST(dus_refused)
{
	static const int32_t s34[] = { 3, 4 }, s44[] = { 4, 4 }, s2[] = { 2 }, z[2] = { 0 };
	struct npu_cpu *cpu = NULL;
	char err[256] = "";
	struct tg b;
	int32_t in, u, st, out;

	/* An update larger than the operand. */
	tg_init(&b);
	in = tg_tensor(&b, NPU_TYPE_INT32, 2, s34, 0.0f, 0, NULL);
	u = tg_tensor(&b, NPU_TYPE_INT32, 2, s44, 0.0f, 0, NULL);
	st = tg_tensor(&b, NPU_TYPE_INT32, 1, s2, 0.0f, 0, z);
	out = tg_tensor(&b, NPU_TYPE_INT32, 2, s34, 0.0f, 0, NULL);
	tg_op(&b, NPU_BUILTIN_DYNAMIC_UPDATE_SLICE, 3, 1, in, u, st, out);
	tg_io(&b, in, out);
	ck_assert_int_eq(npu_cpu_create(&b.g, &cpu, err, sizeof(err)), -EINVAL);
	ck_assert_msg(strstr(err, "larger than the operand"), "%s", err);
}
END_TEST

/*
 * The body of a converted Keras RNN's list write, list [3, 2] of float,
 * counter i, row x [1, 2]: list' = concat(list[0:i], x, list[i+1:]).
 * @step: the constant added to i for the tail's begin (1: the pattern).
 */
struct lw {
	struct tg b;
	uint8_t dynamic[TG_MAX_TENSORS];
	int32_t list, x, i, out;
};

/* A RESHAPE to [1] by its options (no shape input). */
static void reshape_1(struct npu_graph_op *op)
{
	op->options_kind = NPU_OPTS_RESHAPE;
	op->options.reshape.num_dims = 1;
	op->options.reshape.new_shape[0] = 1;
}

static void build_list_write(struct lw *w, const int32_t *step)
{
	static const int32_t s32[] = { 3, 2 }, s12[] = { 1, 2 }, s1[] = { 1 }, s2[] = { 2 };
	static const int32_t zeros[2] = { 0, 0 }, m1[2] = { -1, -1 };
	static const int32_t fill_m1[1] = { -1 }, fill_0[1] = { 0 };
	struct tg *b = &w->b;
	int32_t ri, size, j, rj, begin, head, tail;
	struct npu_graph_op *op;

	memset(w, 0, sizeof(*w));
	tg_init(b);
	w->i = tg_tensor(b, NPU_TYPE_INT32, 0, NULL, 0.0f, 0, NULL);
	w->list = tg_tensor(b, NPU_TYPE_FLOAT32, 2, s32, 0.0f, 0, NULL);
	w->x = tg_tensor(b, NPU_TYPE_FLOAT32, 2, s12, 0.0f, 0, NULL);
	ri = tg_tensor(b, NPU_TYPE_INT32, 1, s1, 0.0f, 0, NULL);
	size = tg_tensor(b, NPU_TYPE_INT32, 1, s2, 0.0f, 0, NULL);
	j = tg_tensor(b, NPU_TYPE_INT32, 0, NULL, 0.0f, 0, NULL);
	rj = tg_tensor(b, NPU_TYPE_INT32, 1, s1, 0.0f, 0, NULL);
	begin = tg_tensor(b, NPU_TYPE_INT32, 1, s2, 0.0f, 0, NULL);
	head = tg_tensor(b, NPU_TYPE_FLOAT32, 2, s12, 0.0f, 0, NULL);
	tail = tg_tensor(b, NPU_TYPE_FLOAT32, 2, s12, 0.0f, 0, NULL);
	w->out = tg_tensor(b, NPU_TYPE_FLOAT32, 2, s32, 0.0f, 0, NULL);
	reshape_1(tg_op(b, NPU_BUILTIN_RESHAPE, 1, 1, w->i, ri));
	op = tg_op(b, NPU_BUILTIN_CONCATENATION, 2, 1, ri,
		   tg_tensor(b, NPU_TYPE_INT32, 1, s1, 0.0f, 0, fill_m1), size);
	op->options_kind = NPU_OPTS_CONCAT;
	tg_op(b, NPU_BUILTIN_ADD, 2, 1, w->i,
	      tg_tensor(b, NPU_TYPE_INT32, 0, NULL, 0.0f, 0, step), j);
	reshape_1(tg_op(b, NPU_BUILTIN_RESHAPE, 1, 1, j, rj));
	op = tg_op(b, NPU_BUILTIN_CONCATENATION, 2, 1, rj,
		   tg_tensor(b, NPU_TYPE_INT32, 1, s1, 0.0f, 0, fill_0), begin);
	op->options_kind = NPU_OPTS_CONCAT;
	ck_assert_int_le(b->g.num_ops, TG_MAX_OPS);
	tg_op(b, NPU_BUILTIN_SLICE, 3, 1, w->list,
	      tg_tensor(b, NPU_TYPE_INT32, 1, s2, 0.0f, 0, zeros), size, head);
	tg_op(b, NPU_BUILTIN_SLICE, 3, 1, w->list, begin,
	      tg_tensor(b, NPU_TYPE_INT32, 1, s2, 0.0f, 0, m1), tail);
	op = tg_op(b, NPU_BUILTIN_CONCATENATION, 3, 1, head, w->x, tail, w->out);
	op->options_kind = NPU_OPTS_CONCAT;
	w->dynamic[head] = w->dynamic[tail] = 1;
	b->g.num_inputs = 3;
	b->graph_in[0] = w->i;
	b->graph_in[1] = w->list;
	b->graph_in[2] = w->x;
	b->g.num_outputs = 2;
	b->graph_out[0] = w->out;
	b->graph_out[1] = j;
}

START_TEST(list_write_rewritten)
{
	static const int32_t one = 1;
	static const float list[6] = { 1, 2, 3, 4, 5, 6 }, x[2] = { -1, -2 };
	static const float want[6] = { 1, 2, -1, -2, 5, 6 };
	struct lw *w = malloc(sizeof(*w));
	struct npu_cpu *cpu = NULL;
	char err[256] = "";
	const int32_t i = 1;
	struct npu_graph_op *ops;

	ck_assert_ptr_nonnull(w);
	build_list_write(w, &one);
	/* The graph's ops live in the tg: work on a heap copy of the array. */
	ops = malloc(sizeof(w->b.ops));
	memcpy(ops, w->b.ops, sizeof(w->b.ops));
	for (uint32_t k = 0; k < w->b.g.num_ops; k++) {
		ops[k].inputs = malloc(ops[k].num_inputs * sizeof(int32_t));
		ops[k].outputs = malloc(ops[k].num_outputs * sizeof(int32_t));
		memcpy(ops[k].inputs, w->b.ops[k].inputs, ops[k].num_inputs * sizeof(int32_t));
		memcpy(ops[k].outputs, w->b.ops[k].outputs, ops[k].num_outputs * sizeof(int32_t));
	}
	w->b.g.ops = ops;
	ck_assert_int_eq(tflite_fold_list_updates(&w->b.g, w->dynamic), 0);
	/* The two slices are gone; the last op is the update. */
	ck_assert_uint_eq(w->b.g.num_ops, 6);
	ck_assert_int_eq(ops[5].builtin, NPU_BUILTIN_DYNAMIC_UPDATE_SLICE);
	ck_assert_int_eq(ops[5].inputs[0], w->list);
	ck_assert_int_eq(ops[5].inputs[1], w->x);
	ck_assert_uint_eq(npu_graph_op_source(&w->b.g, 5), 7);
	ck_assert_int_eq(npu_graph_validate(&w->b.g, err, sizeof(err)), 0);
	ck_assert_msg(npu_cpu_create(&w->b.g, &cpu, err, sizeof(err)) == 0, "%s", err);
	memcpy(npu_cpu_tensor_data(cpu, w->i), &i, 4);
	memcpy(npu_cpu_tensor_data(cpu, w->list), list, sizeof(list));
	memcpy(npu_cpu_tensor_data(cpu, w->x), x, sizeof(x));
	ck_assert_msg(npu_cpu_invoke(cpu) == 0, "%s", npu_cpu_error(cpu));
	ck_assert_mem_eq(npu_cpu_tensor_data(cpu, w->out), want, sizeof(want));
	npu_cpu_destroy(cpu);
	for (uint32_t k = 0; k < w->b.g.num_ops; k++) {
		free(ops[k].inputs);
		free(ops[k].outputs);
	}
	free(ops);
	free(w->b.g.op_source);
	free(w);
}
END_TEST

/* The tail starting at i + 2: not a list write, left as it is. */
START_TEST(list_write_other_left)
{
	static const int32_t two = 2;
	struct lw *w = malloc(sizeof(*w));

	ck_assert_ptr_nonnull(w);
	build_list_write(w, &two);
	ck_assert_int_eq(tflite_fold_list_updates(&w->b.g, w->dynamic), 0);
	ck_assert_uint_eq(w->b.g.num_ops, 8);
	ck_assert_int_eq(w->b.ops[7].builtin, NPU_BUILTIN_CONCATENATION);
	ck_assert_ptr_null(w->b.g.op_source);
	free(w);
}
END_TEST

static Suite *dus_suite(void)
{
	Suite *s = suite_create("lower_dynamic_update_slice");
	TCase *tc = tcase_create("dynamic_update_slice");

	tcase_add_test(tc, dus_values);
	tcase_add_test(tc, dus_refused);
	tcase_add_test(tc, list_write_rewritten);
	tcase_add_test(tc, list_write_other_left);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return npu_check_run(dus_suite());
}
