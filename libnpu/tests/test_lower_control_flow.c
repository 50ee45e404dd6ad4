// SPDX-License-Identifier: MIT
/*
 * WHILE and IF (lower/control_flow.c) on hand-built graphs with values
 * worked out by hand: a counting loop, a body whose outputs are other
 * loop variables (a swap, so the buffers must alternate), both branches
 * of an IF; and what npu_graph_validate() refuses: missing subgraphs,
 * recursion, operands that do not match, a shape that changes.
 * Byte-identity with the interpreter is tests/ops (while.*, if.*,
 * check-ops).
 */
#include <check.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check_util.h"
#include "npu_cpu.h"
#include "test_cpu_graph.h"
#include "../tflite/graph_priv.h"

static const int32_t s2[] = { 2 };
static const int32_t five = 5, one = 1;

/* The main graph and subgraphs 1 (cond / then) and 2 (body / else). */
struct cf {
	struct tg main, sub1, sub2;
	struct npu_graph *subs[3];
};

static void cf_link(struct cf *c)
{
	c->subs[0] = NULL;
	c->subs[1] = &c->sub1.g;
	c->subs[2] = &c->sub2.g;
	c->main.g.subgraphs = c->subs;
	c->main.g.num_subgraphs = 3;
}

static void set_io(struct tg *b, uint32_t nin, const int32_t *in, uint32_t nout,
		   const int32_t *out)
{
	b->g.num_inputs = nin;
	memcpy(b->graph_in, in, nin * sizeof(*in));
	b->g.num_outputs = nout;
	memcpy(b->graph_out, out, nout * sizeof(*out));
}

static void cf_options(struct npu_graph_op *op, int32_t a, int32_t b)
{
	op->options_kind = NPU_OPTS_CONTROL_FLOW;
	op->options.control_flow.cond_subgraph = a;
	op->options.control_flow.body_subgraph = b;
}

/*
 * while (i < 5) { i, a, b = i + 1, b, a + b }: main inputs i, a, b (b a
 * float [2]); the body's output 1 is its input 2 itself.
 */
static void build_fib(struct cf *c)
{
	int32_t i, a, b, o[3], in[3], lim, res, k, inc, sum;

	memset(c, 0, sizeof(*c));
	tg_init(&c->main);
	tg_init(&c->sub1);
	tg_init(&c->sub2);
	i = tg_tensor(&c->main, NPU_TYPE_INT32, 0, NULL, 0.0f, 0, NULL);
	a = tg_tensor(&c->main, NPU_TYPE_FLOAT32, 1, s2, 0.0f, 0, NULL);
	b = tg_tensor(&c->main, NPU_TYPE_FLOAT32, 1, s2, 0.0f, 0, NULL);
	o[0] = tg_tensor(&c->main, NPU_TYPE_INT32, 0, NULL, 0.0f, 0, NULL);
	o[1] = tg_tensor(&c->main, NPU_TYPE_FLOAT32, 1, s2, 0.0f, 0, NULL);
	o[2] = tg_tensor(&c->main, NPU_TYPE_FLOAT32, 1, s2, 0.0f, 0, NULL);
	cf_options(tg_op(&c->main, NPU_BUILTIN_WHILE, 3, 3, i, a, b, o[0], o[1], o[2]), 1, 2);
	in[0] = i;
	in[1] = a;
	in[2] = b;
	set_io(&c->main, 3, in, 3, o);

	/* cond: i < 5 */
	for (int v = 0; v < 3; v++)
		in[v] = tg_tensor(&c->sub1, v ? NPU_TYPE_FLOAT32 : NPU_TYPE_INT32, v ? 1 : 0, s2,
				  0.0f, 0, NULL);
	lim = tg_tensor(&c->sub1, NPU_TYPE_INT32, 0, NULL, 0.0f, 0, &five);
	res = tg_tensor(&c->sub1, NPU_TYPE_BOOL, 0, NULL, 0.0f, 0, NULL);
	tg_op(&c->sub1, NPU_BUILTIN_LESS, 2, 1, in[0], lim, res);
	set_io(&c->sub1, 3, in, 1, &res);

	/* body: i + 1, b, a + b */
	for (int v = 0; v < 3; v++)
		in[v] = tg_tensor(&c->sub2, v ? NPU_TYPE_FLOAT32 : NPU_TYPE_INT32, v ? 1 : 0, s2,
				  0.0f, 0, NULL);
	k = tg_tensor(&c->sub2, NPU_TYPE_INT32, 0, NULL, 0.0f, 0, &one);
	inc = tg_tensor(&c->sub2, NPU_TYPE_INT32, 0, NULL, 0.0f, 0, NULL);
	sum = tg_tensor(&c->sub2, NPU_TYPE_FLOAT32, 1, s2, 0.0f, 0, NULL);
	tg_op(&c->sub2, NPU_BUILTIN_ADD, 2, 1, in[0], k, inc);
	tg_op(&c->sub2, NPU_BUILTIN_ADD, 2, 1, in[1], in[2], sum);
	o[0] = inc;
	o[1] = in[2];
	o[2] = sum;
	set_io(&c->sub2, 3, in, 3, o);
	cf_link(c);
}

static int run_fib(struct cf *c, int32_t i0, const float *a0, const float *b0,
		   int32_t *i1, float *a1, float *b1, char *err, size_t errlen)
{
	struct npu_cpu *cpu = NULL;
	const struct npu_graph *g = &c->main.g;
	int ret = npu_cpu_create(g, &cpu, err, errlen);

	if (ret)
		return ret;
	memcpy(npu_cpu_tensor_data(cpu, g->inputs[0]), &i0, 4);
	memcpy(npu_cpu_tensor_data(cpu, g->inputs[1]), a0, 8);
	memcpy(npu_cpu_tensor_data(cpu, g->inputs[2]), b0, 8);
	ret = npu_cpu_invoke(cpu);
	if (!ret) {
		memcpy(i1, npu_cpu_tensor_data(cpu, g->outputs[0]), 4);
		memcpy(a1, npu_cpu_tensor_data(cpu, g->outputs[1]), 8);
		memcpy(b1, npu_cpu_tensor_data(cpu, g->outputs[2]), 8);
	}
	npu_cpu_destroy(cpu);
	return ret;
}

START_TEST(while_fibonacci)
{
	static const float a0[2] = { 0, 1 }, b0[2] = { 1, 1 };
	struct cf c;
	char err[256] = "";
	int32_t i;
	float a[2], b[2];

	build_fib(&c);
	ck_assert_int_eq(npu_graph_validate(&c.main.g, err, sizeof(err)), 0);
	/* From i = 2: three rounds, (a, b) -> (b, a + b). */
	ck_assert_msg(run_fib(&c, 2, a0, b0, &i, a, b, err, sizeof(err)) == 0, "%s", err);
	ck_assert_int_eq(i, 5);
	/* (0,1) (1,1) -> (1,1) (1,2) -> (1,2) (2,3) -> (2,3) (3,5) */
	ck_assert_float_eq(a[0], 2.0f);
	ck_assert_float_eq(b[0], 3.0f);
	ck_assert_float_eq(a[1], 3.0f);
	ck_assert_float_eq(b[1], 5.0f);
	/* The cond false at once: the inputs come out unchanged. */
	ck_assert_msg(run_fib(&c, 9, a0, b0, &i, a, b, err, sizeof(err)) == 0, "%s", err);
	ck_assert_int_eq(i, 9);
	ck_assert_mem_eq(a, a0, 8);
	ck_assert_mem_eq(b, b0, 8);
}
END_TEST

/* if (c) x * 2 else x - 1, x float [2]. */
START_TEST(if_branches)
{
	static const float two = 2.0f, m1 = 1.0f, x0[2] = { 1.5f, -3.0f };
	struct cf c;
	struct npu_cpu *cpu = NULL;
	char err[256] = "";
	int32_t cnd, x, out, in[2], sx, k, r;
	float got[2];

	memset(&c, 0, sizeof(c));
	tg_init(&c.main);
	tg_init(&c.sub1);
	tg_init(&c.sub2);
	cnd = tg_tensor(&c.main, NPU_TYPE_BOOL, 0, NULL, 0.0f, 0, NULL);
	x = tg_tensor(&c.main, NPU_TYPE_FLOAT32, 1, s2, 0.0f, 0, NULL);
	out = tg_tensor(&c.main, NPU_TYPE_FLOAT32, 1, s2, 0.0f, 0, NULL);
	cf_options(tg_op(&c.main, NPU_BUILTIN_IF, 2, 1, cnd, x, out), 1, 2);
	in[0] = cnd;
	in[1] = x;
	set_io(&c.main, 2, in, 1, &out);
	for (int s = 0; s < 2; s++) {
		struct tg *b = s ? &c.sub2 : &c.sub1;

		sx = tg_tensor(b, NPU_TYPE_FLOAT32, 1, s2, 0.0f, 0, NULL);
		k = tg_tensor(b, NPU_TYPE_FLOAT32, 0, NULL, 0.0f, 0, s ? &m1 : &two);
		r = tg_tensor(b, NPU_TYPE_FLOAT32, 1, s2, 0.0f, 0, NULL);
		tg_op(b, s ? NPU_BUILTIN_SUB : NPU_BUILTIN_MUL, 2, 1, sx, k, r);
		set_io(b, 1, &sx, 1, &r);
	}
	cf_link(&c);
	ck_assert_int_eq(npu_graph_validate(&c.main.g, err, sizeof(err)), 0);
	ck_assert_msg(npu_cpu_create(&c.main.g, &cpu, err, sizeof(err)) == 0, "%s", err);
	memcpy(npu_cpu_tensor_data(cpu, x), x0, sizeof(x0));
	for (int v = 1; v >= 0; v--) {
		*(uint8_t *)npu_cpu_tensor_data(cpu, cnd) = (uint8_t)v;
		ck_assert_msg(npu_cpu_invoke(cpu) == 0, "%s", npu_cpu_error(cpu));
		memcpy(got, npu_cpu_tensor_data(cpu, out), sizeof(got));
		ck_assert_float_eq(got[0], v ? 3.0f : 0.5f);
		ck_assert_float_eq(got[1], v ? -6.0f : -4.0f);
	}
	npu_cpu_destroy(cpu);
}
END_TEST

static void expect_invalid(const struct cf *c, int code, const char *needle)
{
	char err[256] = "";
	int ret = npu_graph_validate(&c->main.g, err, sizeof(err));

	ck_assert_msg(ret == code, "expected %d, got %d (%s)", code, ret, err);
	ck_assert_msg(strstr(err, needle), "message \"%s\" lacks \"%s\"", err, needle);
}

START_TEST(validate_refuses)
{
	struct cf c;
	struct npu_graph_op *w;

	/* Subgraph indices: the main graph, out of range, absent. */
	build_fib(&c);
	w = &c.main.ops[0];
	w->options.control_flow.body_subgraph = 0;
	expect_invalid(&c, -EINVAL, "body subgraph is 0, the main graph");
	w->options.control_flow.body_subgraph = 3;
	expect_invalid(&c, -EINVAL, "body subgraph 3 is not one of the model's subgraphs");
	w->options.control_flow.body_subgraph = 2;
	c.subs[2] = NULL;
	expect_invalid(&c, -EINVAL, "body subgraph 2 is not one of");
	c.subs[2] = &c.sub2.g;
	c.main.g.num_subgraphs = 0;
	expect_invalid(&c, -EINVAL, "cond subgraph 1 is not one of");
	c.main.g.num_subgraphs = 3;

	/* cond and body swapped: the body's 3 outputs as a cond. */
	cf_options(w, 2, 1);
	expect_invalid(&c, -EINVAL, "cond subgraph 2 has 3 inputs and 3 outputs, expected 3 and 1");
	cf_options(w, 1, 2);

	/* A body giving fewer outputs than it takes. */
	c.sub2.g.num_outputs = 2;
	expect_invalid(&c, -EINVAL, "body subgraph 2 has 3 inputs and 2 outputs");
	c.sub2.g.num_outputs = 3;

	/* A body output of another type, then of another shape. */
	c.sub2.graph_out[2] = c.sub2.graph_in[0];
	expect_invalid(&c, -EINVAL, "body subgraph output 2 is");
	c.sub2.graph_out[2] = 5;	/* sum */
	c.sub2.t[5].shape[0] = 3;
	expect_invalid(&c, -ENOTSUP, "shapes are static");
	c.sub2.t[5].shape[0] = 2;

	/* The cond's output not a bool. */
	c.sub1.t[4].type = NPU_TYPE_INT8;
	expect_invalid(&c, -EINVAL, "output is not one bool");
	c.sub1.t[4].type = NPU_TYPE_BOOL;
	{
		char err[256];

		ck_assert_int_eq(npu_graph_validate(&c.main.g, err, sizeof(err)), 0);
	}
}
END_TEST

/* Subgraph 2 runs a WHILE whose body is subgraph 2 again. */
START_TEST(validate_recursion)
{
	struct cf c;
	struct npu_graph_op *inner;
	int32_t o[3];
	char err[256] = "";
	struct npu_cpu *cpu = NULL;

	build_fib(&c);
	/* The body's second ADD becomes a WHILE over the same variables. */
	inner = &c.sub2.ops[1];
	o[0] = c.sub2.graph_in[0];
	inner->builtin = NPU_BUILTIN_WHILE;
	inner->num_inputs = 3;
	inner->num_outputs = 3;
	inner->inputs = c.sub2.op_io[1];
	inner->inputs[0] = c.sub2.graph_in[0];
	inner->inputs[1] = c.sub2.graph_in[1];
	inner->inputs[2] = c.sub2.graph_in[2];
	inner->outputs = c.sub2.op_io[1] + 3;
	o[0] = tg_tensor(&c.sub2, NPU_TYPE_INT32, 0, NULL, 0.0f, 0, NULL);
	o[1] = tg_tensor(&c.sub2, NPU_TYPE_FLOAT32, 1, s2, 0.0f, 0, NULL);
	o[2] = 5;	/* sum */
	memcpy(inner->outputs, o, sizeof(o));
	cf_options(inner, 1, 2);
	expect_invalid(&c, -EINVAL, "runs subgraph 2, which is already running: recursive");
	/* Hand-built graphs skip validation: the executor stops the nesting. */
	ck_assert_int_ne(npu_cpu_create(&c.main.g, &cpu, err, sizeof(err)), 0);
	ck_assert_ptr_null(cpu);
	ck_assert_msg(strstr(err, "body subgraph 2: "), "message \"%s\"", err);
}
END_TEST

/* A subgraph op without a CPU kernel makes the WHILE unrunnable, named. */
START_TEST(while_unrunnable_body)
{
	struct cf c;
	struct npu_cpu *cpu = NULL;
	char err[256] = "";

	build_fib(&c);
	c.sub2.ops[1].builtin = NPU_BUILTIN_CUSTOM;
	c.sub2.ops[1].custom_name = (char *)"Mystery";
	ck_assert_int_eq(npu_cpu_create(&c.main.g, &cpu, err, sizeof(err)), 0);
	ck_assert(!npu_cpu_op_runnable(cpu, 0));
	ck_assert_msg(strstr(npu_cpu_op_why(cpu, 0), "body subgraph 2 op 1 (Mystery)"),
		      "why: %s", npu_cpu_op_why(cpu, 0));
	npu_cpu_destroy(cpu);
}
END_TEST

/* npu_graph_copy() and npu_graph_free() carry the subgraphs. */
START_TEST(copy_keeps_subgraphs)
{
	struct cf c;
	struct npu_graph *copy = NULL;
	char err[256] = "";
	int32_t i;
	float a[2], b[2];
	static const float a0[2] = { 0, 1 }, b0[2] = { 1, 1 };

	build_fib(&c);
	ck_assert_int_eq(npu_graph_copy(&c.main.g, &copy), 0);
	ck_assert_uint_eq(copy->num_subgraphs, 3);
	ck_assert_ptr_null(copy->subgraphs[0]);
	ck_assert_ptr_nonnull(copy->subgraphs[2]);
	ck_assert_ptr_ne(copy->subgraphs[2], &c.sub2.g);
	ck_assert_int_eq(npu_graph_validate(copy, err, sizeof(err)), 0);
	c.main.g = *copy;	/* run the copy through the same helper */
	ck_assert_msg(run_fib(&c, 3, a0, b0, &i, a, b, err, sizeof(err)) == 0, "%s", err);
	ck_assert_int_eq(i, 5);
	ck_assert_float_eq(b[1], 3.0f);
	npu_graph_free(copy);
}
END_TEST

static Suite *control_flow_suite(void)
{
	Suite *s = suite_create("lower_control_flow");
	TCase *tc = tcase_create("control_flow");

	tcase_add_test(tc, while_fibonacci);
	tcase_add_test(tc, if_branches);
	tcase_add_test(tc, validate_refuses);
	tcase_add_test(tc, validate_recursion);
	tcase_add_test(tc, while_unrunnable_body);
	tcase_add_test(tc, copy_keeps_subgraphs);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return npu_check_run(control_flow_suite());
}
