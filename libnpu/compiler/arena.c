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

static int by_offset(const void *a, const void *b)
{
	const struct life *x = *(const struct life *const *)a;
	const struct life *y = *(const struct life *const *)b;

	return x->offset < y->offset ? -1 : x->offset > y->offset;
}

int npu_arena_plan(const struct npu_graph *g, uint64_t *offsets, uint64_t *arena_size,
		   uint64_t *activation_bytes, uint64_t *peak_live_bytes)
{
	int64_t *first, *last;
	struct life *lives;
	const struct life **placed;
	uint32_t n = 0, nplaced = 0;
	uint64_t total = 0, peak = 0, end = 0;
	const int64_t after = (int64_t)g->num_ops;

	first = malloc((g->num_tensors + 1) * sizeof(*first));
	last = malloc((g->num_tensors + 1) * sizeof(*last));
	lives = calloc(g->num_tensors + 1, sizeof(*lives));
	placed = calloc(g->num_tensors + 1, sizeof(*placed));
	if (!first || !last || !lives || !placed) {
		free(first);
		free(last);
		free(lives);
		free(placed);
		return -ENOMEM;
	}
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

	/* Largest live set: a lower bound for any arena. */
	for (int64_t s = -1; s <= after; s++) {
		uint64_t live = 0;

		for (uint32_t k = 0; k < n; k++)
			if (lives[k].first <= s && s <= lives[k].last)
				live += g->tensors[lives[k].tensor].bytes;
		if (live > peak)
			peak = live;
	}

	qsort(lives, n, sizeof(*lives), by_size_desc);
	for (uint32_t k = 0; k < n; k++) {
		struct life *l = &lives[k];
		uint64_t off = 0;

		/* placed[] is kept sorted by offset: first fit in one pass. */
		for (uint32_t p = 0; p < nplaced; p++) {
			const struct life *o = placed[p];

			if (o->last < l->first || l->last < o->first)
				continue;	/* lifetimes disjoint */
			if (o->offset >= off + l->size)
				break;		/* the gap before o fits */
			if (o->offset + o->size > off)
				off = o->offset + o->size;
		}
		l->offset = off;
		offsets[l->tensor] = off;
		if (off + l->size > end)
			end = off + l->size;
		placed[nplaced++] = l;
		qsort(placed, nplaced, sizeof(*placed), by_offset);
	}
	*arena_size = end;
	*activation_bytes = total;
	*peak_live_bytes = peak;
	free(first);
	free(last);
	free(lives);
	free(placed);
	return 0;
}
