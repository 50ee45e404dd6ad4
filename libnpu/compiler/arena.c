// SPDX-License-Identifier: MIT
/*
 * Activation arena planning by tensor lifetime.
 *
 * Lifetime of a tensor = [first op that writes it, last op that reads it]
 * in execution order, widened to the whole run for graph inputs (written
 * before op 0), outputs (read after the last op) and variables (state kept
 * across invocations).  Placement is greedy by decreasing size: each tensor
 * takes the lowest aligned offset that does not overlap a tensor already
 * placed whose lifetime intersects its own.  An op's output never shares
 * memory with its inputs, since both are live at that op.
 */
#include <errno.h>
#include <stdlib.h>

#include "compiler_internal.h"

struct life {
	int64_t first, last;	/* op steps; -1 = before op 0, num_ops = after */
	uint64_t size;
	uint32_t tensor;
	uint64_t offset;
};

static int by_size_desc(const void *a, const void *b)
{
	const struct life *x = a, *y = b;

	if (x->size != y->size)
		return x->size < y->size ? 1 : -1;
	if (x->first != y->first)
		return x->first < y->first ? -1 : 1;
	return x->tensor < y->tensor ? -1 : x->tensor > y->tensor;
}

struct event {
	int64_t step;
	int64_t delta;
};

/* Ends before starts at the same step: [first, last] is inclusive and the
 * end event sits at last + 1. */
static int by_step(const void *a, const void *b)
{
	const struct event *x = a, *y = b;

	if (x->step != y->step)
		return x->step < y->step ? -1 : 1;
	return (x->delta > y->delta) - (x->delta < y->delta);
}

static int by_offset(const void *a, const void *b)
{
	const struct life *x = *(const struct life *const *)a;
	const struct life *y = *(const struct life *const *)b;

	return (x->offset > y->offset) - (x->offset < y->offset);
}

/*
 * Tensors already placed, listed under every step of their lifetime, so a
 * new tensor looks only at those whose lifetime meets its own: the work is
 * the sum over steps of the tensors live there (about n times the largest
 * live count), not n^2 as a scan of every placed tensor would be.
 */
struct placed_index {
	int32_t *head;		/* per step + 1: first entry, -1 = none */
	struct { const struct life *l; int32_t next; } *e;
	size_t count, cap;
	uint32_t *stamp;	/* per life: last query that collected it */
	const struct life **found;
};

static int index_add(struct placed_index *x, const struct life *l)
{
	for (int64_t s = l->first; s <= l->last; s++) {
		if (x->count == x->cap) {
			size_t cap = x->cap ? 2 * x->cap : 1024;
			void *e = realloc(x->e, cap * sizeof(*x->e));

			if (!e)
				return -ENOMEM;
			x->e = e;
			x->cap = cap;
		}
		x->e[x->count].l = l;
		x->e[x->count].next = x->head[s + 1];
		x->head[s + 1] = (int32_t)x->count++;
	}
	return 0;
}

/* Greedy first fit of each life, in the given order (see the top). */
static int place_all(struct life *lives, uint32_t n, uint32_t num_ops, uint64_t *end)
{
	struct placed_index x = { 0 };
	const size_t steps = (size_t)num_ops + 2;	/* -1 .. num_ops */
	int ret = -ENOMEM;

	*end = 0;
	x.head = malloc(steps * sizeof(*x.head));
	x.stamp = calloc(n + 1, sizeof(*x.stamp));
	x.found = malloc((n + 1) * sizeof(*x.found));
	if (!x.head || !x.stamp || !x.found)
		goto out;
	for (size_t s = 0; s < steps; s++)
		x.head[s] = -1;
	for (uint32_t k = 0; k < n; k++) {
		struct life *l = &lives[k];
		uint32_t nfound = 0;
		uint64_t off = 0;

		for (int64_t s = l->first; s <= l->last; s++) {
			for (int32_t e = x.head[s + 1]; e >= 0; e = x.e[e].next) {
				const struct life *o = x.e[e].l;
				const size_t idx = (size_t)(o - lives);

				if (x.stamp[idx] != k + 1) {
					x.stamp[idx] = k + 1;
					x.found[nfound++] = o;
				}
			}
		}
		qsort(x.found, nfound, sizeof(*x.found), by_offset);
		for (uint32_t p = 0; p < nfound; p++) {
			const struct life *o = x.found[p];

			if (o->offset >= off + l->size)
				break;		/* the gap before o fits */
			if (o->offset + o->size > off)
				off = o->offset + o->size;
		}
		l->offset = off;
		if (off + l->size > *end)
			*end = off + l->size;
		if (index_add(&x, l))
			goto out;
	}
	ret = 0;
out:
	free(x.head);
	free(x.e);
	free(x.stamp);
	free(x.found);
	return ret;
}

int npu_arena_plan(const struct npu_graph *g, uint64_t *offsets, uint64_t *arena_size,
		   uint64_t *activation_bytes, uint64_t *peak_live_bytes)
{
	int64_t *first, *last;
	struct life *lives;
	struct event *events;
	uint32_t n = 0;
	int ret;
	uint64_t total = 0, peak = 0, end = 0;
	const int64_t after = (int64_t)g->num_ops;

	first = malloc((g->num_tensors + 1) * sizeof(*first));
	last = malloc((g->num_tensors + 1) * sizeof(*last));
	lives = calloc(g->num_tensors + 1, sizeof(*lives));
	events = calloc(2 * (size_t)g->num_tensors + 2, sizeof(*events));
	ret = -ENOMEM;
	if (!first || !last || !lives || !events)
		goto out;
	ret = 0;
	for (uint32_t t = 0; t < g->num_tensors; t++) {
		first[t] = INT64_MAX;
		last[t] = INT64_MIN;
		offsets[t] = NPU_MF_NONE;
	}
	for (uint32_t i = 0; i < g->num_ops; i++) {
		const struct npu_graph_op *op = &g->ops[i];

		for (uint32_t j = 0; j < op->num_inputs; j++) {
			int32_t t = op->inputs[j];

			if (t < 0)
				continue;
			if (first[t] > (int64_t)i)
				first[t] = i;
			if (last[t] < (int64_t)i)
				last[t] = i;
		}
		for (uint32_t j = 0; j < op->num_outputs; j++) {
			int32_t t = op->outputs[j];

			if (first[t] > (int64_t)i)
				first[t] = i;
			if (last[t] < (int64_t)i)
				last[t] = i;
		}
	}
	for (uint32_t i = 0; i < g->num_inputs; i++) {
		first[g->inputs[i]] = -1;
		if (last[g->inputs[i]] < -1)
			last[g->inputs[i]] = -1;
	}
	for (uint32_t i = 0; i < g->num_outputs; i++) {
		last[g->outputs[i]] = after;
		if (first[g->outputs[i]] > after)
			first[g->outputs[i]] = after;
	}
	for (uint32_t t = 0; t < g->num_tensors; t++) {
		const struct npu_graph_tensor *tt = &g->tensors[t];

		if (tt->is_variable && first[t] != INT64_MAX) {
			first[t] = -1;
			last[t] = after;
		}
		if (first[t] == INT64_MAX || (tt->data && !tt->is_variable))
			continue;
		lives[n].first = first[t];
		lives[n].last = last[t];
		lives[n].size = ALIGN_UP(tt->bytes ? tt->bytes : 1, NPU_MF_BLOB_ALIGN);
		lives[n].tensor = t;
		total += tt->bytes;
		n++;
	}

	/*
	 * Largest live set, a lower bound for any arena: sweep the lifetime
	 * boundaries in order (a tensor counts from its first step through its
	 * last, inclusive).
	 */
	for (uint32_t k = 0; k < n; k++) {
		events[2 * k] = (struct event){ lives[k].first, (int64_t)g->tensors[lives[k].tensor].bytes };
		events[2 * k + 1] = (struct event){ lives[k].last + 1,
						    -(int64_t)g->tensors[lives[k].tensor].bytes };
	}
	qsort(events, 2 * (size_t)n, sizeof(*events), by_step);
	{
		int64_t live = 0;

		for (uint32_t k = 0; k < 2 * n; k++) {
			live += events[k].delta;
			if (live > 0 && (uint64_t)live > peak)
				peak = (uint64_t)live;
		}
	}

	qsort(lives, n, sizeof(*lives), by_size_desc);
	ret = place_all(lives, n, g->num_ops, &end);
	if (ret)
		goto out;
	for (uint32_t k = 0; k < n; k++)
		offsets[lives[k].tensor] = lives[k].offset;
	*arena_size = end;
	*activation_bytes = total;
	*peak_live_bytes = peak;
out:
	free(first);
	free(last);
	free(lives);
	free(events);
	return ret;
}
