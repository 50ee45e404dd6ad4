// SPDX-License-Identifier: MIT
/*
 * The checks of control flow (WHILE, IF) on a graph and its subgraphs,
 * run by npu_graph_validate() for the TFLite reader and the .npu loader:
 * every subgraph an op names exists, its inputs and outputs match the op's
 * operands in count, type and shape, and no subgraph runs itself directly
 * or through others (TFLite would recurse without end).
 *
 * Shapes are static here (the reader refuses a dynamic dimension): a loop
 * variable whose shape the body changes is refused with -ENOTSUP, as
 * TFLite's dynamic resizing of loop variables is not supported.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "graph_priv.h"
#include "npu_util.h"

static bool is_control_flow(const struct npu_graph_op *op)
{
	return op->builtin == NPU_BUILTIN_WHILE || op->builtin == NPU_BUILTIN_IF;
}

static void describe(const struct npu_graph_tensor *t, char *buf, size_t len)
{
	size_t n = (size_t)snprintf(buf, len, "'%.40s' %s [", t->name, npu_type_name(t->type));

	for (int32_t i = 0; i < t->rank && n < len; i++)
		n += (size_t)snprintf(buf + n, len - n, "%s%d", i ? "," : "", t->shape[i]);
	if (n < len)
		snprintf(buf + n, len - n, "]");
}

/* Operand @what of the op, tensor @a, against the subgraph's tensor @b. */
static int match(const struct npu_graph_tensor *a, const struct npu_graph_tensor *b,
		 const char *where, const char *what, char *err, size_t errlen)
{
	char da[96], db[96];

	if (a->type == b->type && a->rank == b->rank &&
	    !memcmp(a->shape, b->shape, (size_t)a->rank * sizeof(a->shape[0])))
		return 0;
	describe(a, da, sizeof(da));
	describe(b, db, sizeof(db));
	if (a->type != b->type)
		return npu_fail(err, errlen, -EINVAL, "%s: %s is %s but %s", where, what, db, da);
	return npu_fail(err, errlen, -ENOTSUP,
			"%s: %s is %s but %s (operands whose shape changes between subgraphs or iterations are not supported: shapes are static)",
			where, what, db, da);
}

static bool is_bool_scalar(const struct npu_graph_tensor *t)
{
	return t->type == NPU_TYPE_BOOL && t->elements == 1;
}

/* The subgraph @k an op names, or NULL with the message. */
static const struct npu_graph *subgraph(const struct npu_graph *root, int32_t k,
					const char *where, const char *what, char *err,
					size_t errlen)
{
	if (k == 0) {
		npu_fail(err, errlen, 0, "%s: %s subgraph is 0, the main graph (recursion is not supported)",
			 where, what);
		return NULL;
	}
	if (k < 0 || (uint32_t)k >= root->num_subgraphs || !root->subgraphs[k]) {
		npu_fail(err, errlen, 0, "%s: %s subgraph %d is not one of the model's subgraphs",
			 where, what, k);
		return NULL;
	}
	return root->subgraphs[k];
}

static int check_while(const struct npu_graph *root, const struct npu_graph *g,
		       const struct npu_graph_op *op, const char *where, char *err,
		       size_t errlen)
{
	const struct npu_control_flow_options *o = &op->options.control_flow;
	const struct npu_graph *cond, *body;
	const uint32_t n = op->num_inputs;
	char what[64];
	int ret;

	cond = subgraph(root, o->cond_subgraph, where, "cond", err, errlen);
	if (!cond)
		return -EINVAL;
	body = subgraph(root, o->body_subgraph, where, "body", err, errlen);
	if (!body)
		return -EINVAL;
	if (op->num_outputs != n)
		return npu_fail(err, errlen, -EINVAL, "%s: %u loop variables in but %u out", where,
				n, op->num_outputs);
	if (cond->num_inputs != n || cond->num_outputs != 1)
		return npu_fail(err, errlen, -EINVAL,
				"%s: cond subgraph %d has %u inputs and %u outputs, expected %u and 1",
				where, o->cond_subgraph, cond->num_inputs, cond->num_outputs, n);
	if (!is_bool_scalar(&cond->tensors[cond->outputs[0]]))
		return npu_fail(err, errlen, -EINVAL, "%s: cond subgraph %d's output is not one bool",
				where, o->cond_subgraph);
	if (body->num_inputs != n || body->num_outputs != n)
		return npu_fail(err, errlen, -EINVAL,
				"%s: body subgraph %d has %u inputs and %u outputs, expected %u and %u (its outputs are the next iteration's inputs)",
				where, o->body_subgraph, body->num_inputs, body->num_outputs, n, n);
	for (uint32_t i = 0; i < n; i++) {
		const struct npu_graph_tensor *v = &g->tensors[op->inputs[i]];

		snprintf(what, sizeof(what), "output %u", i);
		ret = match(v, &g->tensors[op->outputs[i]], where, what, err, errlen);
		snprintf(what, sizeof(what), "cond subgraph input %u", i);
		if (!ret)
			ret = match(v, &cond->tensors[cond->inputs[i]], where, what, err, errlen);
		snprintf(what, sizeof(what), "body subgraph input %u", i);
		if (!ret)
			ret = match(v, &body->tensors[body->inputs[i]], where, what, err, errlen);
		snprintf(what, sizeof(what), "body subgraph output %u", i);
		if (!ret)
			ret = match(v, &body->tensors[body->outputs[i]], where, what, err, errlen);
		if (ret)
			return ret;
	}
	return 0;
}

static int check_if(const struct npu_graph *root, const struct npu_graph *g,
		    const struct npu_graph_op *op, const char *where, char *err, size_t errlen)
{
	const struct npu_control_flow_options *o = &op->options.control_flow;
	const int32_t idx[2] = { o->cond_subgraph, o->body_subgraph };
	static const char *const name[2] = { "then", "else" };
	char what[64];
	int ret;

	if (!is_bool_scalar(&g->tensors[op->inputs[0]]))
		return npu_fail(err, errlen, -EINVAL, "%s: the condition (input 0) is not one bool",
				where);
	for (int b = 0; b < 2; b++) {
		const struct npu_graph *s = subgraph(root, idx[b], where, name[b], err, errlen);

		if (!s)
			return -EINVAL;
		if (s->num_inputs != op->num_inputs - 1 || s->num_outputs != op->num_outputs)
			return npu_fail(err, errlen, -EINVAL,
					"%s: %s subgraph %d has %u inputs and %u outputs, expected %u and %u",
					where, name[b], idx[b], s->num_inputs, s->num_outputs,
					op->num_inputs - 1, op->num_outputs);
		for (uint32_t i = 0; i < s->num_inputs; i++) {
			snprintf(what, sizeof(what), "%s subgraph input %u", name[b], i);
			ret = match(&g->tensors[op->inputs[i + 1]], &s->tensors[s->inputs[i]],
				    where, what, err, errlen);
			if (ret)
				return ret;
		}
		for (uint32_t i = 0; i < s->num_outputs; i++) {
			snprintf(what, sizeof(what), "%s subgraph output %u", name[b], i);
			ret = match(&g->tensors[op->outputs[i]], &s->tensors[s->outputs[i]],
				    where, what, err, errlen);
			if (ret)
				return ret;
		}
	}
	return 0;
}

/*
 * Depth-first from graph @k (0: the root): state 1 while its callees are
 * being visited, 2 when done; meeting a 1 again is a cycle.
 */
static int check_cycles(const struct npu_graph *root, uint32_t k, uint8_t *state,
			char *err, size_t errlen)
{
	const struct npu_graph *g = k ? root->subgraphs[k] : root;
	int ret;

	state[k] = 1;
	for (uint32_t i = 0; i < g->num_ops; i++) {
		const struct npu_graph_op *op = &g->ops[i];
		const int32_t callee[2] = { op->options.control_flow.cond_subgraph,
					    op->options.control_flow.body_subgraph };

		if (!is_control_flow(op))
			continue;
		for (int c = 0; c < 2; c++) {
			const uint32_t j = (uint32_t)callee[c];	/* checked in range */

			if (state[j] == 1)
				return npu_fail(err, errlen, -EINVAL,
						"subgraph %u op %u (%s) runs subgraph %u, which is already running: recursive control flow is not supported",
						k, i, npu_op_name(op->builtin), j);
			if (state[j])
				continue;
			ret = check_cycles(root, j, state, err, errlen);
			if (ret)
				return ret;
		}
	}
	state[k] = 2;
	return 0;
}

int npu_graph_check_control_flow(const struct npu_graph *root, char *err, size_t errlen)
{
	uint8_t *state;
	char where[96];
	int ret = 0;

	for (uint32_t k = 0; k < (root->num_subgraphs ? root->num_subgraphs : 1) && !ret; k++) {
		const struct npu_graph *g = k ? root->subgraphs[k] : root;

		if (!g)
			continue;
		if (k && g->num_subgraphs)
			return npu_fail(err, errlen, -EINVAL, "subgraph %u has subgraphs of its own", k);
		for (uint32_t i = 0; i < g->num_ops && !ret; i++) {
			const struct npu_graph_op *op = &g->ops[i];

			if (!is_control_flow(op))
				continue;
			if (k)
				snprintf(where, sizeof(where), "subgraph %u operator %u (%s)", k, i,
					 npu_op_name(op->builtin));
			else
				snprintf(where, sizeof(where), "operator %u (%s)",
					 npu_graph_op_source(g, i), npu_op_name(op->builtin));
			if (op->options_kind != NPU_OPTS_CONTROL_FLOW)
				return npu_fail(err, errlen, -EINVAL, "%s: no subgraph options", where);
			ret = op->builtin == NPU_BUILTIN_WHILE ?
			      check_while(root, g, op, where, err, errlen) :
			      check_if(root, g, op, where, err, errlen);
		}
	}
	if (ret || !root->num_subgraphs)
		return ret;
	state = calloc(root->num_subgraphs, 1);
	if (!state)
		return npu_fail(err, errlen, -ENOMEM, "out of memory");
	ret = check_cycles(root, 0, state, err, errlen);
	free(state);
	return ret;
}
