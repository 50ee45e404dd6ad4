// SPDX-License-Identifier: MIT
/*
 * WHILE and IF on the CPU (TFLite's while.cc, if.cc): each runs subgraphs
 * of the main graph (npu_graph.subgraphs) on executors of their own,
 * prepared with the op.  Values are copied as they are (TFLite copies the
 * loop variables' bytes between subgraphs; no requantization).
 *
 * WHILE: the loop variables start as the inputs; while the cond subgraph
 * says true of them, the body subgraph's outputs become the next
 * variables; the op's outputs are the last ones.  Two sets of variable
 * buffers alternate, so a body whose output i is its input j (a swap) reads
 * the old values.  IF: the then (input 0 true) or else subgraph on inputs
 * 1.., its outputs copied out.
 *
 * Shapes are static: the reader and npu_graph_validate() refuse a loop
 * variable or branch operand whose shape differs between the op and its
 * subgraphs.  Every op of a subgraph runs on the CPU: the op is refused
 * (-ENOTSUP, named) when one of them has no CPU kernel, so the compiler
 * names it like any op the CPU cannot run.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lower.h"

/*
 * TFLite loops without limit; a cond that never turns false (a damaged or
 * hostile model) is stopped here with an error instead of hanging.
 */
#define WHILE_MAX_ITERATIONS (1u << 24)

struct cf_sub {
	const struct npu_graph *g;
	struct npu_cpu *cpu;
	int32_t index;
};

struct cf_state {
	struct cf_sub sub[2];		/* WHILE: cond, body; IF: then, else */
	uint32_t n;			/* loop variables (WHILE) */
	size_t *bytes;			/* per loop variable */
	void **var[2];			/* two sets of n loop variable buffers */
};

static void cf_release(void *state)
{
	struct cf_state *s = state;

	if (!s)
		return;
	for (int k = 0; k < 2; k++) {
		npu_cpu_destroy(s->sub[k].cpu);
		for (uint32_t i = 0; s->var[k] && i < s->n; i++)
			free(s->var[k][i]);
		free(s->var[k]);
	}
	free(s->bytes);
	free(s);
}

/* An executor for subgraph @index, every op of it runnable on the CPU. */
static int cf_open(const struct cpu_prep *p, const char *what, int32_t index,
		   struct cf_sub *sub)
{
	const struct npu_graph *root = p->root ? p->root : p->g;
	char msg[192];
	int ret;

	sub->index = index;
	if (!root->num_subgraphs) {
		/* A subgraph compiled alone (its .npu image): nothing to run here. */
		cpu_msg(p->err, p->errlen, "%s subgraph %d: the graph holds no subgraphs",
			what, index);
		return -ENOTSUP;
	}
	if (index <= 0 || (uint32_t)index >= root->num_subgraphs || !root->subgraphs[index]) {
		cpu_msg(p->err, p->errlen, "%s subgraph %d is not one of the model's subgraphs",
			what, index);
		return -EINVAL;
	}
	if (p->depth >= NPU_GRAPH_MAX_SUBGRAPHS) {
		cpu_msg(p->err, p->errlen, "%s subgraph %d: subgraphs nested more than %u deep",
			what, index, NPU_GRAPH_MAX_SUBGRAPHS);
		return -EINVAL;
	}
	sub->g = root->subgraphs[index];
	ret = cpu_create_subgraph(sub->g, root, p->depth + 1, &sub->cpu, msg, sizeof(msg));
	if (ret) {
		cpu_msg(p->err, p->errlen, "%s subgraph %d: %s", what, index, msg);
		return ret;
	}
	for (uint32_t i = 0; i < sub->g->num_ops; i++) {
		const struct npu_graph_op *op = &sub->g->ops[i];

		if (npu_cpu_op_runnable(sub->cpu, i))
			continue;
		cpu_msg(p->err, p->errlen, "%s subgraph %d op %u (%s): %s", what, index, i,
			op->custom_name ? op->custom_name : npu_op_name(op->builtin),
			npu_cpu_op_why(sub->cpu, i));
		return -ENOTSUP;
	}
	return 0;
}

static int cf_size_fail(const struct cpu_prep *p, const char *what, uint32_t i)
{
	cpu_msg(p->err, p->errlen, "%s %u does not have the operand's type and size", what, i);
	return -EINVAL;
}

static int while_prepare(const struct cpu_prep *p, void **state)
{
	const struct npu_graph_op *op = p->op;
	const uint32_t n = op->num_inputs;
	const struct npu_graph *cond, *body;
	struct cf_state *s;
	int ret;

	if (op->options_kind != NPU_OPTS_CONTROL_FLOW || !n || op->num_outputs != n) {
		cpu_msg(p->err, p->errlen, "expected subgraph options and as many outputs as inputs");
		return -EINVAL;
	}
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	*state = s;
	ret = cf_open(p, "cond", op->options.control_flow.cond_subgraph, &s->sub[0]);
	if (!ret)
		ret = cf_open(p, "body", op->options.control_flow.body_subgraph, &s->sub[1]);
	if (ret)
		goto fail;
	cond = s->sub[0].g;
	body = s->sub[1].g;
	ret = -EINVAL;
	if (cond->num_inputs != n || cond->num_outputs != 1 ||
	    body->num_inputs != n || body->num_outputs != n) {
		cpu_msg(p->err, p->errlen, "the subgraphs do not take and give the %u loop variables", n);
		goto fail;
	}
	if (cond->tensors[cond->outputs[0]].type != NPU_TYPE_BOOL ||
	    cond->tensors[cond->outputs[0]].elements != 1) {
		cpu_msg(p->err, p->errlen, "the cond subgraph's output is not one bool");
		goto fail;
	}
	s->n = n;
	s->bytes = calloc(n, sizeof(*s->bytes));
	s->var[0] = calloc(n, sizeof(void *));
	s->var[1] = calloc(n, sizeof(void *));
	if (!s->bytes || !s->var[0] || !s->var[1]) {
		ret = -ENOMEM;
		goto fail;
	}
	for (uint32_t i = 0; i < n; i++) {
		const struct npu_graph_tensor *v = cpu_in(p->g, op, i);
		const struct npu_graph_tensor *o = cpu_out(p->g, op, i);

		if (!v || !o || o->bytes != v->bytes || o->type != v->type) {
			ret = cf_size_fail(p, "output", i);
			goto fail;
		}
		if (cond->tensors[cond->inputs[i]].bytes != v->bytes ||
		    body->tensors[body->inputs[i]].bytes != v->bytes ||
		    body->tensors[body->outputs[i]].bytes != v->bytes) {
			ret = cf_size_fail(p, "loop variable", i);
			goto fail;
		}
		s->bytes[i] = v->bytes;
		for (int k = 0; k < 2; k++) {
			s->var[k][i] = malloc(v->bytes ? v->bytes : 1);
			if (!s->var[k][i]) {
				ret = -ENOMEM;
				goto fail;
			}
		}
	}
	return 0;
fail:
	cf_release(s);
	*state = NULL;
	return ret;
}

/* Runs @sub on its bound inputs; the message names the subgraph. */
static int cf_run(const struct npu_cpu_kernel_args *a, const struct cf_sub *sub,
		  const char *what)
{
	int ret = npu_cpu_invoke(sub->cpu);

	if (ret)
		cpu_msg(a->err, a->errlen, "%s subgraph %d: %s", what, sub->index,
			npu_cpu_error(sub->cpu));
	return ret;
}

static int cf_bind(const struct npu_cpu_kernel_args *a, const struct cf_sub *sub,
		   uint32_t i, void *data)
{
	const int32_t t = sub->g->inputs[i];
	int ret = npu_cpu_bind(sub->cpu, t, data, sub->g->tensors[t].bytes);

	if (ret)
		cpu_msg(a->err, a->errlen, "subgraph %d: %s", sub->index, npu_cpu_error(sub->cpu));
	return ret;
}

static int while_invoke(const struct npu_cpu_kernel_args *a, void *state)
{
	struct cf_state *s = state;
	const struct cf_sub *cond = &s->sub[0], *body = &s->sub[1];
	uint32_t cur = 0;
	int ret = 0;

	for (uint32_t i = 0; i < s->n; i++)
		memcpy(s->var[0][i], a->inputs[i], s->bytes[i]);
	for (uint32_t iter = 0;; iter++) {
		const uint8_t *go;

		for (uint32_t i = 0; i < s->n && !ret; i++)
			ret = cf_bind(a, cond, i, s->var[cur][i]);
		if (!ret)
			ret = cf_run(a, cond, "cond");
		if (ret)
			return ret;
		go = npu_cpu_tensor_data(cond->cpu, cond->g->outputs[0]);
		if (!go)
			return -ENOMEM;
		if (!*go)
			break;
		if (iter == WHILE_MAX_ITERATIONS) {
			cpu_msg(a->err, a->errlen, "still looping after %u iterations: stopped",
				WHILE_MAX_ITERATIONS);
			return -ELOOP;
		}
		for (uint32_t i = 0; i < s->n && !ret; i++)
			ret = cf_bind(a, body, i, s->var[cur][i]);
		if (!ret)
			ret = cf_run(a, body, "body");
		if (ret)
			return ret;
		for (uint32_t i = 0; i < s->n; i++) {
			const void *next = npu_cpu_tensor_data(body->cpu, body->g->outputs[i]);

			if (!next)
				return -ENOMEM;
			memcpy(s->var[!cur][i], next, s->bytes[i]);
		}
		cur = !cur;
	}
	for (uint32_t i = 0; i < s->n; i++)
		memcpy(a->outputs[i], s->var[cur][i], s->bytes[i]);
	return 0;
}

static const struct cpu_kernel while_kernel = {
	.prepare = while_prepare,
	.invoke = while_invoke,
	.release = cf_release,
};

const struct npu_builtin_impl npu_builtin_while = {
	.cpu_kernel = &while_kernel,
};

static int if_prepare(const struct cpu_prep *p, void **state)
{
	static const char *const what[2] = { "then", "else" };
	const struct npu_graph_op *op = p->op;
	const struct npu_graph_tensor *c = cpu_in(p->g, op, 0);
	const int32_t idx[2] = { op->options.control_flow.cond_subgraph,
				 op->options.control_flow.body_subgraph };
	struct cf_state *s;
	int ret = 0;

	if (op->options_kind != NPU_OPTS_CONTROL_FLOW || !c || !op->num_outputs) {
		cpu_msg(p->err, p->errlen, "expected subgraph options, a condition and outputs");
		return -EINVAL;
	}
	if (c->type != NPU_TYPE_BOOL || c->elements != 1) {
		cpu_msg(p->err, p->errlen, "the condition (input 0) is not one bool");
		return -EINVAL;
	}
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	*state = s;
	for (int b = 0; b < 2 && !ret; b++) {
		const struct npu_graph *g;

		ret = cf_open(p, what[b], idx[b], &s->sub[b]);
		if (ret)
			break;
		g = s->sub[b].g;
		ret = -EINVAL;
		if (g->num_inputs != op->num_inputs - 1 || g->num_outputs != op->num_outputs) {
			cpu_msg(p->err, p->errlen, "the %s subgraph does not take the op's inputs and give its outputs",
				what[b]);
			break;
		}
		ret = 0;
		for (uint32_t i = 0; i < g->num_inputs && !ret; i++) {
			const struct npu_graph_tensor *t = cpu_in(p->g, op, i + 1);

			if (!t || t->bytes != g->tensors[g->inputs[i]].bytes)
				ret = cf_size_fail(p, "input", i + 1);
		}
		for (uint32_t i = 0; i < g->num_outputs && !ret; i++) {
			const struct npu_graph_tensor *t = cpu_out(p->g, op, i);

			if (!t || t->bytes != g->tensors[g->outputs[i]].bytes)
				ret = cf_size_fail(p, "output", i);
		}
	}
	if (ret) {
		cf_release(s);
		*state = NULL;
	}
	return ret;
}

static int if_invoke(const struct npu_cpu_kernel_args *a, void *state)
{
	struct cf_state *s = state;
	const struct cf_sub *br = &s->sub[*(const uint8_t *)a->inputs[0] ? 0 : 1];
	int ret = 0;

	for (uint32_t i = 0; i < br->g->num_inputs && !ret; i++)
		ret = cf_bind(a, br, i, a->inputs[i + 1]);
	if (!ret)
		ret = cf_run(a, br, br == &s->sub[0] ? "then" : "else");
	for (uint32_t i = 0; i < br->g->num_outputs && !ret; i++) {
		const int32_t t = br->g->outputs[i];
		const void *out = npu_cpu_tensor_data(br->cpu, t);

		if (!out)
			return -ENOMEM;
		memcpy(a->outputs[i], out, br->g->tensors[t].bytes);
	}
	return ret;
}

static const struct cpu_kernel if_kernel = {
	.prepare = if_prepare,
	.invoke = if_invoke,
	.release = cf_release,
};

const struct npu_builtin_impl npu_builtin_if = {
	.cpu_kernel = &if_kernel,
};
