// SPDX-License-Identifier: MIT
/*
 * The converter's lowered TensorListSetItem in a loop body, as one
 * DYNAMIC_UPDATE_SLICE.  A Keras GRU or SimpleRNN left unfused writes each
 * step's output into a list of all steps; TensorFlow's converter
 * (lower_static_tensor_list) turns "list[i] = x" into
 *
 *   size  = CONCATENATION(RESHAPE(i), [-1, ...])        [i, -1, ...]
 *   begin = CONCATENATION(RESHAPE(ADD(i, 1)), [0, ...])  [i + 1, 0, ...]
 *   list' = CONCATENATION(SLICE(list, [0, ...], size), x,
 *                         SLICE(list, begin, [-1, ...]))   axis 0
 *
 * whose two slices change shape with i (shape signature -1), which this
 * project's static shapes cannot hold.  The result is the list with row i
 * replaced by x: DYNAMIC_UPDATE_SLICE(list, x, size), whose start [i, -1,
 * ...] clamps to [i, 0, ...] (dynamic_update_slice.cc clamps every start to
 * [0, extent - update extent]), byte for byte the same for 0 <= i < the
 * list's length, which the loop's cond keeps i in.  Only this exact
 * pattern is rewritten; the slices go when nothing else reads them.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "list_update.h"

/* Tensor @t of @g if @t is an index of it, else NULL. */
static const struct npu_graph_tensor *tensor(const struct npu_graph *g, int32_t t)
{
	return t >= 0 && (uint32_t)t < g->num_tensors ? &g->tensors[t] : NULL;
}

/* The op producing @t (in @prod), if it is a @builtin with @nin inputs. */
static const struct npu_graph_op *made_by(const struct npu_graph *g, const int32_t *prod,
					  int32_t t, int32_t builtin, uint32_t nin)
{
	const struct npu_graph_op *op;

	if (!tensor(g, t) || prod[t] < 0)
		return NULL;
	op = &g->ops[prod[t]];
	if (op->builtin != builtin || op->num_inputs != nin || op->num_outputs != 1)
		return NULL;
	for (uint32_t k = 0; k < nin; k++)
		if (!tensor(g, op->inputs[k]))
			return NULL;
	return op;
}

/* @t is a constant int32 vector of @n entries, all @v. */
static bool const_fill(const struct npu_graph *g, int32_t t, size_t n, int32_t v)
{
	const struct npu_graph_tensor *c = tensor(g, t);

	if (!c || !c->data || c->type != NPU_TYPE_INT32 || c->elements != n)
		return false;
	for (size_t k = 0; k < n; k++)
		if (((const int32_t *)c->data)[k] != v)
			return false;
	return true;
}

/*
 * @t is CONCATENATION(RESHAPE(@scalar), constant @fill x (@rank - 1)): the
 * scalar goes into *@scalar.
 */
static bool index_vector(const struct npu_graph *g, const int32_t *prod, int32_t t,
			 uint32_t rank, int32_t fill, int32_t *scalar)
{
	const struct npu_graph_op *cat = made_by(g, prod, t, NPU_BUILTIN_CONCATENATION, 2);
	const struct npu_graph_op *rs;

	if (!cat || cat->options.concat.axis != 0 || cat->options.concat.activation ||
	    !const_fill(g, cat->inputs[1], rank - 1, fill))
		return false;
	rs = made_by(g, prod, cat->inputs[0], NPU_BUILTIN_RESHAPE, 2);
	if (!rs)
		rs = made_by(g, prod, cat->inputs[0], NPU_BUILTIN_RESHAPE, 1);
	if (!rs || g->tensors[rs->inputs[0]].type != NPU_TYPE_INT32 ||
	    g->tensors[rs->inputs[0]].elements != 1 || tensor(g, cat->inputs[0])->elements != 1)
		return false;
	*scalar = rs->inputs[0];
	return true;
}

/* @j is ADD(@i, 1) (either order), no activation. */
static bool is_next(const struct npu_graph *g, const int32_t *prod, int32_t j, int32_t i)
{
	const struct npu_graph_op *add = made_by(g, prod, j, NPU_BUILTIN_ADD, 2);

	if (!add || (add->options_kind == NPU_OPTS_ELTWISE && add->options.eltwise.activation))
		return false;
	return (add->inputs[0] == i && const_fill(g, add->inputs[1], 1, 1)) ||
	       (add->inputs[1] == i && const_fill(g, add->inputs[0], 1, 1));
}

static bool same_shape(const struct npu_graph_tensor *a, const struct npu_graph_tensor *b)
{
	return a->rank == b->rank && !memcmp(a->shape, b->shape, (size_t)a->rank * sizeof(a->shape[0]));
}

/* Op @c of @g is the pattern: rewrite it, mark its slices in @drop. */
static void rewrite(struct npu_graph *g, const int32_t *prod, const uint8_t *dynamic,
		    uint32_t c, uint8_t *drop)
{
	struct npu_graph_op *cat = &g->ops[c];
	const struct npu_graph_op *head, *tail;
	const struct npu_graph_tensor *list, *x, *out;
	int32_t i, j;
	uint32_t rank;

	if (cat->builtin != NPU_BUILTIN_CONCATENATION || cat->num_inputs != 3 ||
	    cat->num_outputs != 1 || cat->options.concat.axis != 0 ||
	    cat->options.concat.activation)
		return;
	head = made_by(g, prod, cat->inputs[0], NPU_BUILTIN_SLICE, 3);
	tail = made_by(g, prod, cat->inputs[2], NPU_BUILTIN_SLICE, 3);
	x = tensor(g, cat->inputs[1]);
	out = tensor(g, cat->outputs[0]);
	if (!head || !tail || !x || !out || head->inputs[0] != tail->inputs[0])
		return;
	list = &g->tensors[head->inputs[0]];
	rank = (uint32_t)list->rank;
	if (dynamic[head->inputs[0]] || dynamic[cat->inputs[1]] || dynamic[cat->outputs[0]] ||
	    rank < 1 || x->rank != list->rank || x->shape[0] != 1 || x->type != list->type ||
	    out->type != list->type || !same_shape(out, list) ||
	    memcmp(x->shape + 1, list->shape + 1, (rank - 1) * sizeof(x->shape[0])))
		return;
	if (!const_fill(g, head->inputs[1], rank, 0) || !const_fill(g, tail->inputs[2], rank, -1) ||
	    !index_vector(g, prod, head->inputs[2], rank, -1, &i) ||
	    !index_vector(g, prod, tail->inputs[1], rank, 0, &j) || !is_next(g, prod, j, i))
		return;
	cat->builtin = NPU_BUILTIN_DYNAMIC_UPDATE_SLICE;
	cat->version = 1;
	cat->options_kind = NPU_OPTS_NONE;
	memset(&cat->options, 0, sizeof(cat->options));
	cat->inputs[2] = head->inputs[2];	/* start [i, -1, ...] */
	cat->inputs[0] = head->inputs[0];
	drop[prod[head->outputs[0]]] = 1;
	drop[prod[tail->outputs[0]]] = 1;
}

int tflite_fold_list_updates(struct npu_graph *g, const uint8_t *dynamic)
{
	int32_t *prod = malloc((g->num_tensors + 1) * sizeof(*prod));
	uint8_t *drop = calloc(g->num_ops + 1, 1);
	uint32_t *source = malloc((g->num_ops + 1) * sizeof(*source));
	uint32_t n = 0;

	if (!prod || !drop || !source) {
		free(prod);
		free(drop);
		free(source);
		return -ENOMEM;
	}
	for (uint32_t t = 0; t < g->num_tensors; t++)
		prod[t] = -1;
	for (uint32_t k = 0; k < g->num_ops; k++)
		for (uint32_t o = 0; o < g->ops[k].num_outputs; o++)
			if (tensor(g, g->ops[k].outputs[o]) && prod[g->ops[k].outputs[o]] < 0)
				prod[g->ops[k].outputs[o]] = (int32_t)k;
	for (uint32_t k = 0; k < g->num_ops; k++)
		rewrite(g, prod, dynamic, k, drop);
	/* A slice another op or the graph still reads stays. */
	for (uint32_t k = 0; k < g->num_ops; k++) {
		for (uint32_t m = 0; m < g->ops[k].num_inputs; m++) {
			const int32_t t = g->ops[k].inputs[m];

			if (tensor(g, t) && prod[t] >= 0 && !drop[k])
				drop[prod[t]] = 0;
		}
	}
	for (uint32_t k = 0; k < g->num_outputs; k++)
		if (tensor(g, g->outputs[k]) && prod[g->outputs[k]] >= 0)
			drop[prod[g->outputs[k]]] = 0;
	for (uint32_t k = 0; k < g->num_ops; k++) {
		if (drop[k]) {
			npu_graph_op_release(&g->ops[k]);
			continue;
		}
		source[n] = npu_graph_op_source(g, k);
		g->ops[n++] = g->ops[k];
	}
	if (n != g->num_ops) {
		g->num_ops = n;
		free(g->op_source);
		g->op_source = source;
		source = NULL;
	}
	free(source);
	free(prod);
	free(drop);
	return 0;
}
