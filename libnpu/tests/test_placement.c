// SPDX-License-Identifier: MIT
/*
 * Placement by cost (libnpu/compiler/placement.c) on synthetic graphs: a
 * cheap run of NPU ops between CPU ops stays on the CPU, an expensive one
 * goes to the NPU, a model with no CPU op is never moved, --greedy
 * (NPU_COMPILE_GREEDY) turns the rule off, and a run that becomes a round
 * trip only once its neighbour moved is moved too.
 */
#include <check.h>
#include <stdlib.h>
#include <string.h>

#include "npu_model_format.h"
#include "check_util.h"
#include "test_cpu_graph.h"
#include "../compiler/compiler_internal.h"

static int8_t weights[3 * 3 * 32 * 32];
static int32_t bias[32];
static const int32_t new_shape[2] = { 16, 64 };

/*
 * float -> QUANTIZE -> @mid (RESHAPE, or a 32x32x32 3x3 CONV_2D: 9.4M MACs)
 * -> DEQUANTIZE -> float.
 */
static void sandwich(struct tg *b, bool conv)
{
	static const int32_t small[4] = { 1, 4, 4, 64 }, big[4] = { 1, 32, 32, 32 };
	static const int32_t wshape[4] = { 32, 3, 3, 32 }, flat[2] = { 16, 64 };
	static const int32_t two[1] = { 2 }, nb[1] = { 32 };
	const int32_t *s = conv ? big : small;
	int32_t f, q, mid, out, k1, k2;
	struct npu_graph_op *op;

	tg_init(b);
	f = tg_tensor(b, NPU_TYPE_FLOAT32, 4, s, 0.0f, 0, NULL);
	q = tg_tensor(b, NPU_TYPE_INT8, 4, s, 0.05f, 0, NULL);
	tg_op(b, NPU_BUILTIN_QUANTIZE, 1, 1, f, q);
	if (conv) {
		k1 = tg_tensor(b, NPU_TYPE_INT8, 4, wshape, 0.01f, 0, weights);
		k2 = tg_tensor(b, NPU_TYPE_INT32, 1, nb, 0.0005f, 0, bias);
		mid = tg_tensor(b, NPU_TYPE_INT8, 4, s, 0.1f, 0, NULL);
		op = tg_op(b, NPU_BUILTIN_CONV_2D, 3, 1, q, k1, k2, mid);
		op->options_kind = NPU_OPTS_CONV;
		op->options.conv.padding = NPU_PADDING_SAME;
		op->options.conv.stride_w = op->options.conv.stride_h = 1;
		op->options.conv.dilation_w = op->options.conv.dilation_h = 1;
		out = tg_tensor(b, NPU_TYPE_FLOAT32, 4, s, 0.0f, 0, NULL);
	} else {
		k1 = tg_tensor(b, NPU_TYPE_INT32, 1, two, 0.0f, 0, new_shape);
		mid = tg_tensor(b, NPU_TYPE_INT8, 2, flat, 0.05f, 0, NULL);
		op = tg_op(b, NPU_BUILTIN_RESHAPE, 2, 1, q, k1, mid);
		op->options_kind = NPU_OPTS_RESHAPE;
		op->options.reshape.num_dims = -1;
		out = tg_tensor(b, NPU_TYPE_FLOAT32, 2, flat, 0.0f, 0, NULL);
	}
	tg_op(b, NPU_BUILTIN_DEQUANTIZE, 1, 1, mid, out);
	tg_io(b, f, out);
}

static struct npu_compiled_model *compile(const struct tg *b, uint32_t flags)
{
	const struct npu_compile_options opt = { .flags = flags };
	struct npu_compiled_model *m;
	char err[512] = "";

	ck_assert_msg(!npu_compile(tg_dup(b), &opt, &m, err, sizeof(err)), "%s", err);
	return m;
}

START_TEST(cheap_run_between_cpu_ops_stays_on_cpu)
{
	struct npu_compiled_model *m;
	struct tg b;

	sandwich(&b, false);
	m = compile(&b, 0);
	ck_assert_uint_eq(m->num_segments, 0);
	ck_assert_int_eq(m->op_segment[1], -1);
	ck_assert_msg(m->op_reason[1] && strstr(m->op_reason[1], "cheaper on the CPU"), "%s",
		      m->op_reason[1] ? m->op_reason[1] : "(none)");
	npu_compiled_model_free(m);

	/* --greedy: every op the NPU can run goes there. */
	m = compile(&b, NPU_COMPILE_GREEDY);
	ck_assert_uint_eq(m->num_segments, 1);
	ck_assert_int_eq(m->op_segment[1], 0);
	ck_assert_ptr_null(m->op_reason[1]);
	npu_compiled_model_free(m);
}
END_TEST

START_TEST(expensive_run_goes_to_npu)
{
	struct npu_compiled_model *m;
	struct tg b;

	sandwich(&b, true);
	m = compile(&b, 0);
	ck_assert_uint_eq(m->num_segments, 1);
	ck_assert_int_eq(m->op_segment[1], 0);
	ck_assert_int_eq(m->op_segment[0], -1);
	ck_assert_int_eq(m->op_segment[2], -1);
	npu_compiled_model_free(m);
}
END_TEST

/* No CPU op around: nothing to save, the model stays on the NPU. */
START_TEST(all_npu_model_is_not_moved)
{
	static const int32_t s[4] = { 1, 4, 4, 64 }, flat[2] = { 16, 64 }, two[1] = { 2 };
	struct npu_compiled_model *m;
	struct npu_graph_op *op;
	int32_t x, k, y;
	struct tg b;

	tg_init(&b);
	x = tg_tensor(&b, NPU_TYPE_INT8, 4, s, 0.05f, 0, NULL);
	k = tg_tensor(&b, NPU_TYPE_INT32, 1, two, 0.0f, 0, new_shape);
	y = tg_tensor(&b, NPU_TYPE_INT8, 2, flat, 0.05f, 0, NULL);
	op = tg_op(&b, NPU_BUILTIN_RESHAPE, 2, 1, x, k, y);
	op->options_kind = NPU_OPTS_RESHAPE;
	op->options.reshape.num_dims = -1;
	tg_io(&b, x, y);
	m = compile(&b, 0);
	ck_assert_uint_eq(m->num_segments, 1);
	ck_assert_int_eq(m->op_segment[0], 0);
	npu_compiled_model_free(m);
}
END_TEST

/*
 * The rule itself on a chain of six ops with costs given: 0 NPU cheap
 * (reads the graph input), 1 CPU, 2 NPU expensive, 3 CPU, 4 and 5 NPU
 * cheap (one run, writing the graph output).
 */
START_TEST(rule_on_costs)
{
	static const int32_t s[1] = { 1024 };
	struct npu_place_op po[6] = {
		{ .npu = true, .npu_cycles = 100, .cpu_ns = 500 },
		{ .npu = false },
		{ .npu = true, .npu_cycles = 50000, .cpu_ns = 5000000 },
		{ .npu = false },
		{ .npu = true, .npu_cycles = 100, .cpu_ns = 500 },
		{ .npu = true, .npu_cycles = 100, .cpu_ns = 500 },
	};
	int32_t t[7];
	uint32_t moved;
	struct tg b;

	tg_init(&b);
	for (int i = 0; i < 7; i++)
		t[i] = tg_tensor(&b, NPU_TYPE_INT8, 1, s, 0.05f, 0, NULL);
	for (int i = 0; i < 6; i++)
		tg_op(&b, NPU_BUILTIN_RELU, 1, 1, t[i], t[i + 1]);
	tg_io(&b, t[0], t[6]);
	ck_assert_int_eq(npu_place_by_cost(&b.g, po, &moved), 0);
	/* 0 feeds CPU op 1: a round trip, cheap: moved.  2: kept. */
	ck_assert(!po[0].npu && po[0].by_cost);
	ck_assert(po[2].npu && !po[2].by_cost);
	/* 4-5, one run fed by CPU op 3, cheap: moved together. */
	ck_assert(!po[4].npu && !po[5].npu);
	ck_assert_uint_eq(po[4].run_first, 4);
	ck_assert_uint_eq(po[4].run_ops, 2);
	ck_assert_uint_eq(moved, 3);
	ck_assert(po[4].run_cpu_ns == 1000 && po[4].run_npu_ns > 20000);
}
END_TEST

/*
 * A run that is no round trip until its producer moves: 0 CPU, 1 NPU
 * cheap, 2 CPU reading only the graph input, 3 NPU cheap reading op 1's
 * output and writing the graph output.
 */
START_TEST(moved_neighbour_makes_a_round_trip)
{
	static const int32_t s[1] = { 1024 };
	struct npu_place_op po[4] = {
		{ .npu = false },
		{ .npu = true, .npu_cycles = 100, .cpu_ns = 500 },
		{ .npu = false },
		{ .npu = true, .npu_cycles = 100, .cpu_ns = 500 },
	};
	int32_t in, a, c, d, e;
	uint32_t moved;
	struct tg b;

	tg_init(&b);
	in = tg_tensor(&b, NPU_TYPE_INT8, 1, s, 0.05f, 0, NULL);
	a = tg_tensor(&b, NPU_TYPE_INT8, 1, s, 0.05f, 0, NULL);
	c = tg_tensor(&b, NPU_TYPE_INT8, 1, s, 0.05f, 0, NULL);
	d = tg_tensor(&b, NPU_TYPE_INT8, 1, s, 0.05f, 0, NULL);
	e = tg_tensor(&b, NPU_TYPE_INT8, 1, s, 0.05f, 0, NULL);
	tg_op(&b, NPU_BUILTIN_RELU, 1, 1, in, a);
	tg_op(&b, NPU_BUILTIN_RELU, 1, 1, a, c);
	tg_op(&b, NPU_BUILTIN_RELU, 1, 1, in, d);
	tg_op(&b, NPU_BUILTIN_RELU, 1, 1, c, e);
	b.g.num_outputs = 2;
	b.graph_out[0] = d;
	b.graph_out[1] = e;
	b.g.num_inputs = 1;
	b.graph_in[0] = in;
	ck_assert_int_eq(npu_place_by_cost(&b.g, po, &moved), 0);
	ck_assert(!po[1].npu && !po[3].npu);
	ck_assert_uint_eq(moved, 2);
}
END_TEST

static Suite *placement_suite(void)
{
	Suite *s = suite_create("placement");
	TCase *tc = tcase_create("cost");

	tcase_add_test(tc, cheap_run_between_cpu_ops_stays_on_cpu);
	tcase_add_test(tc, expensive_run_goes_to_npu);
	tcase_add_test(tc, all_npu_model_is_not_moved);
	tcase_add_test(tc, rule_on_costs);
	tcase_add_test(tc, moved_neighbour_makes_a_round_trip);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return npu_check_run(placement_suite());
}
