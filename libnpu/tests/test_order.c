// SPDX-License-Identifier: MIT
/*
 * Op order (libnpu/compiler/order.c, Documentation/compiler.rst "Op
 * order"): a CPU op between two NPU ops that does not feed the second runs
 * after it, so the two NPU ops make one segment; a CPU op the next NPU op
 * needs, or the source's order among ops sharing a variable tensor, keeps
 * its place.  The reordered model keeps the source's op numbers
 * (npu_graph.op_source) through --force-cpu, a .npu round trip and a
 * recompilation, and computes the same bytes as the source's order.
 */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "npu_model.h"
#include "npu_model_format.h"
#include "check_util.h"
#include "test_cpu_graph.h"
#include "../compiler/compiler_internal.h"
#include "../tflite/graph_priv.h"

static const int32_t vec[1] = { 256 };

/* @n RELU-shaped ops over int8 [256] tensors; each op's I/O as given. */
static void chain_tensors(struct tg *b, int32_t *t, int n)
{
	tg_init(b);
	for (int i = 0; i < n; i++)
		t[i] = tg_tensor(b, NPU_TYPE_INT8, 1, vec, 0.05f, 0, NULL);
}

static void assert_perm(const uint32_t *perm, const uint32_t *want, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		ck_assert_msg(perm[i] == want[i], "run %u: op %u, want op %u", i, perm[i], want[i]);
}

/*
 * 0 NPU x -> a; 1 CPU a -> b (graph output); 2 NPU a -> c; 3 NPU c -> d
 * (graph output): op 1 feeds nothing the NPU needs and runs last.
 */
START_TEST(independent_cpu_op_runs_after_npu_ops)
{
	static const bool npu[4] = { true, false, true, true };
	static const uint32_t want[4] = { 0, 2, 3, 1 };
	uint32_t perm[4], before, after;
	int32_t t[5];
	struct tg b;

	chain_tensors(&b, t, 5);
	tg_op(&b, NPU_BUILTIN_RELU, 1, 1, t[0], t[1]);
	tg_op(&b, NPU_BUILTIN_RELU, 1, 1, t[1], t[2]);
	tg_op(&b, NPU_BUILTIN_RELU, 1, 1, t[1], t[3]);
	tg_op(&b, NPU_BUILTIN_RELU, 1, 1, t[3], t[4]);
	tg_io(&b, t[0], t[2]);
	b.g.num_outputs = 2;
	b.graph_out[1] = t[4];
	ck_assert_int_eq(npu_order_ops(&b.g, npu, perm, &before, &after), 0);
	ck_assert_uint_eq(before, 2);
	ck_assert_uint_eq(after, 1);
	assert_perm(perm, want, 4);
}
END_TEST

/* 0 NPU x -> a; 1 CPU a -> b; 2 NPU b -> c: op 2 needs op 1, nothing moves. */
START_TEST(needed_cpu_op_keeps_its_place)
{
	static const bool npu[3] = { true, false, true };
	static const uint32_t same[3] = { 0, 1, 2 };
	uint32_t perm[3], before, after;
	int32_t t[4];
	struct tg b;

	chain_tensors(&b, t, 4);
	for (int i = 0; i < 3; i++)
		tg_op(&b, NPU_BUILTIN_RELU, 1, 1, t[i], t[i + 1]);
	tg_io(&b, t[0], t[3]);
	ck_assert_int_eq(npu_order_ops(&b.g, npu, perm, &before, &after), 0);
	ck_assert_uint_eq(before, 2);
	ck_assert_uint_eq(after, 2);
	assert_perm(perm, same, 3);
}
END_TEST

/*
 * 0 NPU x -> a; 1 CPU (a, state v) -> b; 2 CPU (x, state v) -> c; 3 NPU
 * c -> d.  By data alone op 2 could run first and ops 0 and 3 join; but
 * ops 1 and 2 both touch the variable v, so 2 stays after 1 and so after
 * op 0: no order gives fewer runs, and the source's order stays.
 */
START_TEST(variable_tensor_keeps_source_order)
{
	static const bool npu[4] = { true, false, false, true };
	static const uint32_t same[4] = { 0, 1, 2, 3 }, cpu_first[4] = { 2, 0, 3, 1 };
	uint32_t perm[4], before, after;
	int32_t t[6], v;
	struct tg b;

	chain_tensors(&b, t, 6);
	v = tg_tensor(&b, NPU_TYPE_INT8, 1, vec, 0.05f, 0, NULL);
	b.t[v].is_variable = true;
	tg_op(&b, NPU_BUILTIN_RELU, 1, 1, t[0], t[1]);
	tg_op(&b, NPU_BUILTIN_ADD, 2, 1, t[1], v, t[2]);
	tg_op(&b, NPU_BUILTIN_ADD, 2, 1, t[0], v, t[3]);
	tg_op(&b, NPU_BUILTIN_RELU, 1, 1, t[3], t[4]);
	tg_io(&b, t[0], t[2]);
	b.g.num_outputs = 2;
	b.graph_out[1] = t[4];
	ck_assert_int_eq(npu_order_ops(&b.g, npu, perm, &before, &after), 0);
	ck_assert_uint_eq(after, 2);
	assert_perm(perm, same, 4);

	/* Without the shared state, op 2 runs first and the NPU ops join. */
	b.t[v].is_variable = false;
	ck_assert_int_eq(npu_order_ops(&b.g, npu, perm, &before, &after), 0);
	ck_assert_uint_eq(after, 1);
	assert_perm(perm, cpu_first, 4);
}
END_TEST

static int8_t weights[3 * 3 * 32 * 32];
static int32_t bias[32];

static struct npu_graph_op *conv(struct tg *b, int32_t in, int32_t w, int32_t k, int32_t out)
{
	struct npu_graph_op *op = tg_op(b, NPU_BUILTIN_CONV_2D, 3, 1, in, w, k, out);

	op->options_kind = NPU_OPTS_CONV;
	op->options.conv.padding = NPU_PADDING_SAME;
	op->options.conv.stride_w = op->options.conv.stride_h = 1;
	op->options.conv.dilation_w = op->options.conv.dilation_h = 1;
	return op;
}

/*
 * 0 CONV x -> a; 1 DEQUANTIZE a -> fa (output 0); 2 CONV a -> c;
 * 3 DEQUANTIZE c -> fc (output 1).  Convolutions of 9.4M MACs stay on the
 * NPU; the DEQUANTIZE between them is CPU-only and feeds only an output.
 */
static void two_heads(struct tg *b)
{
	static const int32_t s[4] = { 1, 32, 32, 32 }, ws[4] = { 32, 3, 3, 32 }, nb[1] = { 32 };
	int32_t x, w, k, a, fa, c, fc;

	for (size_t i = 0; i < sizeof(weights); i++)
		weights[i] = (int8_t)((i * 37 + 11) % 255 - 127);
	for (int i = 0; i < 32; i++)
		bias[i] = i * 50 - 800;
	tg_init(b);
	x = tg_tensor(b, NPU_TYPE_INT8, 4, s, 0.05f, 0, NULL);
	w = tg_tensor(b, NPU_TYPE_INT8, 4, ws, 0.01f, 0, weights);
	k = tg_tensor(b, NPU_TYPE_INT32, 1, nb, 0.0005f, 0, bias);
	a = tg_tensor(b, NPU_TYPE_INT8, 4, s, 0.1f, 3, NULL);
	fa = tg_tensor(b, NPU_TYPE_FLOAT32, 4, s, 0.0f, 0, NULL);
	c = tg_tensor(b, NPU_TYPE_INT8, 4, s, 0.2f, -5, NULL);
	fc = tg_tensor(b, NPU_TYPE_FLOAT32, 4, s, 0.0f, 0, NULL);
	conv(b, x, w, k, a);
	tg_op(b, NPU_BUILTIN_DEQUANTIZE, 1, 1, a, fa);
	/* The same filter's scale against another input scale: a new multiplier. */
	conv(b, a, w, k, c);
	tg_op(b, NPU_BUILTIN_DEQUANTIZE, 1, 1, c, fc);
	tg_io(b, x, fa);
	b->g.num_outputs = 2;
	b->graph_out[1] = fc;
}

static struct npu_compiled_model *compile_graph(struct npu_graph *g, uint32_t flags,
						const uint32_t *force, uint32_t n_force)
{
	const struct npu_compile_options opt = { .flags = flags, .force_cpu = force,
						 .num_force_cpu = n_force };
	struct npu_compiled_model *m;
	char err[512] = "";

	ck_assert_msg(!npu_compile(g, &opt, &m, err, sizeof(err)), "%s", err);
	return m;
}

/* Both outputs of @m run on the CPU from its .npu image, into @out. */
static void run_on_cpu(const struct npu_compiled_model *m, uint8_t *out, size_t each)
{
	static int8_t in[32 * 32 * 32];
	struct npu_model *model;
	void *buf;
	size_t len;

	for (size_t i = 0; i < sizeof(in); i++)
		in[i] = (int8_t)((i * 13 + 7) % 251 - 125);
	ck_assert_int_eq(npu_model_serialize(m, &buf, &len), 0);
	ck_assert_int_eq(npu_model_open_memory(NULL, buf, len, NULL, &model), 0);
	ck_assert_int_eq(npu_model_set_input(model, 0, in, sizeof(in)), 0);
	ck_assert_int_eq(npu_model_invoke(model), 0);
	for (size_t k = 0; k < 2; k++) {
		const void *data;
		size_t size;

		ck_assert_int_eq(npu_model_output(model, k, &data, &size), 0);
		ck_assert_uint_eq(size, each);
		memcpy(out + k * each, data, each);
	}
	npu_model_close(model);
	free(buf);
}

START_TEST(compiled_model_in_one_segment)
{
	static const uint32_t want[4] = { 0, 2, 1, 3 };
	const size_t each = 32 * 32 * 32 * sizeof(float);
	struct npu_compiled_model *m, *src, *l;
	uint8_t *got = malloc(2 * each), *ref = malloc(2 * each);
	char err[512] = "";
	void *buf;
	size_t len;
	struct tg b;

	ck_assert(got && ref);
	two_heads(&b);
	src = compile_graph(tg_dup(&b), NPU_COMPILE_NO_REORDER, NULL, 0);
	ck_assert_uint_eq(src->num_segments, 2);
	ck_assert_ptr_null(src->graph->op_source);

	m = compile_graph(tg_dup(&b), 0, NULL, 0);
	ck_assert_uint_eq(m->num_segments, 1);
	ck_assert_ptr_nonnull(m->graph->op_source);
	for (uint32_t i = 0; i < 4; i++) {
		ck_assert_uint_eq(npu_graph_op_source(m->graph, i), want[i]);
		ck_assert_int_eq(m->op_segment[i], i < 2 ? 0 : -1);
	}
	ck_assert_int_eq(m->graph->ops[1].builtin, NPU_BUILTIN_CONV_2D);
	ck_assert_uint_eq(m->segments[0].first_op, 0);
	ck_assert_uint_eq(m->segments[0].num_ops, 2);

	/* The .npu keeps the order and the source's numbers. */
	ck_assert_int_eq(npu_model_serialize(m, &buf, &len), 0);
	ck_assert_msg(!npu_model_load(buf, len, &l, err, sizeof(err)), "%s", err);
	ck_assert_uint_eq(l->num_segments, 1);
	for (uint32_t i = 0; i < 4; i++)
		ck_assert_uint_eq(npu_graph_op_source(l->graph, i), want[i]);
	npu_compiled_model_free(l);
	free(buf);

	/* The same bytes as the source's order. */
	run_on_cpu(src, ref, each);
	run_on_cpu(m, got, each);
	ck_assert_mem_eq(got, ref, 2 * each);
	npu_compiled_model_free(src);
	npu_compiled_model_free(m);
	free(got);
	free(ref);
}
END_TEST

/* --force-cpu names the source's op, also when recompiling a reordered graph. */
START_TEST(force_cpu_names_source_ops)
{
	static const uint32_t second_conv = 2;
	struct npu_compiled_model *m, *r;
	struct npu_graph *g;
	struct tg b;

	two_heads(&b);
	m = compile_graph(tg_dup(&b), 0, NULL, 0);
	ck_assert_uint_eq(npu_graph_op_source(m->graph, 1), second_conv);
	ck_assert_int_eq(npu_graph_copy(m->graph, &g), 0);
	r = compile_graph(g, 0, &second_conv, 1);
	for (uint32_t i = 0; i < r->num_ops; i++) {
		const uint32_t s = npu_graph_op_source(r->graph, i);

		ck_assert_int_eq(r->op_segment[i] >= 0, s == 0);
		if (s == second_conv) {
			ck_assert_int_eq(r->graph->ops[i].builtin, NPU_BUILTIN_CONV_2D);
			ck_assert_msg(strstr(r->op_reason[i], "on request"), "%s", r->op_reason[i]);
		}
	}
	ck_assert_uint_eq(r->num_segments, 1);
	npu_compiled_model_free(r);
	npu_compiled_model_free(m);
}
END_TEST

/* A file numbering one source op twice is refused. */
START_TEST(loader_refuses_duplicate_source)
{
	struct npu_compiled_model *m, *l = NULL;
	char err[512] = "";
	void *buf;
	size_t len;
	struct tg b;

	two_heads(&b);
	m = compile_graph(tg_dup(&b), 0, NULL, 0);
	m->graph->op_source[3] = m->graph->op_source[0];
	ck_assert_int_eq(npu_model_serialize(m, &buf, &len), 0);
	ck_assert_int_eq(npu_model_load(buf, len, &l, err, sizeof(err)), -EINVAL);
	ck_assert_ptr_null(l);
	ck_assert_msg(strstr(err, "numbers two ops"), "%s", err);
	free(buf);
	npu_compiled_model_free(m);
}
END_TEST

static Suite *order_suite(void)
{
	Suite *s = suite_create("order");
	TCase *tc = tcase_create("order");

	tcase_add_test(tc, independent_cpu_op_runs_after_npu_ops);
	tcase_add_test(tc, needed_cpu_op_keeps_its_place);
	tcase_add_test(tc, variable_tensor_keeps_source_order);
	tcase_add_test(tc, compiled_model_in_one_segment);
	tcase_add_test(tc, force_cpu_names_source_ops);
	tcase_add_test(tc, loader_refuses_duplicate_source);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return npu_check_run(order_suite());
}
