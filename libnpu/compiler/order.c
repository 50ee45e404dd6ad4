// SPDX-License-Identifier: MIT
/*
 * Op order (Documentation/compiler.rst, "Op order"): a topological order of
 * the graph that puts the NPU ops in as few runs of consecutive ops as it
 * can, so a CPU op that the next NPU ops do not need (a RESHAPE or
 * DEQUANTIZE of an output, a CONCATENATION of detection heads) runs after
 * them instead of splitting them into two jobs.
 *
 * A list schedule over the data dependences: it stays on one side (NPU or
 * CPU) while an op of that side is ready, and switches only when none is.
 * Running every ready op of the current side never costs a run, so the
 * only choice is the side to start on: both are tried.  Among ready ops of
 * a side the lowest index goes first, which keeps the source's order
 * wherever the grouping does not need another one (and with it the arena's
 * lifetimes and the SRAM plan's neighbours).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "compiler_internal.h"

/* A min-heap of op indices: the lowest ready op of a side first. */
struct heap {
	uint32_t *v;
	uint32_t n;
};

static void heap_push(struct heap *h, uint32_t x)
{
	uint32_t k = h->n++;

	for (; k && h->v[(k - 1) / 2] > x; k = (k - 1) / 2)
		h->v[k] = h->v[(k - 1) / 2];
	h->v[k] = x;
}

static uint32_t heap_pop(struct heap *h)
{
	const uint32_t top = h->v[0], x = h->v[--h->n];
	uint32_t k = 0;

	for (;;) {
		uint32_t c = 2 * k + 1;

		if (c >= h->n)
			break;
		if (c + 1 < h->n && h->v[c + 1] < h->v[c])
			c++;
		if (h->v[c] >= x)
			break;
		h->v[k] = h->v[c];
		k = c;
	}
	if (h->n)
		h->v[k] = x;
	return top;
}

/* The dependences as successor lists (CSR) and predecessor counts. */
struct deps {
	uint32_t *first;	/* per op + 1: its first entry in @succ */
	uint32_t *succ;
	uint32_t *preds;	/* per op */
};

static void deps_free(struct deps *d)
{
	free(d->first);
	free(d->succ);
	free(d->preds);
	*d = (struct deps){ 0 };
}

/*
 * Calls @edge(d, from, to) for every dependence: a read of a tensor after
 * the op writing it, and the source's order among the ops touching a
 * variable tensor (state read and updated in place).  @last is scratch,
 * per tensor.
 */
static void each_edge(const struct npu_graph *g, int32_t *producer, int32_t *last,
		      void (*edge)(struct deps *d, uint32_t from, uint32_t to), struct deps *d)
{
	for (uint32_t t = 0; t < g->num_tensors; t++)
		producer[t] = last[t] = -1;
	for (uint32_t i = 0; i < g->num_ops; i++) {
		const struct npu_graph_op *op = &g->ops[i];

		for (uint32_t k = 0; k < op->num_inputs + op->num_outputs; k++) {
			const bool in = k < op->num_inputs;
			const int32_t t = in ? op->inputs[k] : op->outputs[k - op->num_inputs];

			if (t < 0)
				continue;
			if (in && producer[t] >= 0 && (uint32_t)producer[t] != i)
				edge(d, (uint32_t)producer[t], i);
			if (!in && producer[t] < 0)
				producer[t] = (int32_t)i;
			if (g->tensors[t].is_variable) {
				if (last[t] >= 0 && (uint32_t)last[t] != i)
					edge(d, (uint32_t)last[t], i);
				last[t] = (int32_t)i;
			}
		}
	}
}

static void count_edge(struct deps *d, uint32_t from, uint32_t to)
{
	d->first[from + 1]++;
	d->preds[to]++;
}

static void fill_edge(struct deps *d, uint32_t from, uint32_t to)
{
	d->succ[d->first[from]++] = to;
}

static int deps_build(const struct npu_graph *g, struct deps *d)
{
	const uint32_t n = g->num_ops;
	int32_t *producer = malloc((g->num_tensors + 1) * sizeof(*producer));
	int32_t *last = malloc((g->num_tensors + 1) * sizeof(*last));

	d->first = calloc(n + 2, sizeof(*d->first));
	d->preds = calloc(n + 1, sizeof(*d->preds));
	d->succ = NULL;
	if (!producer || !last || !d->first || !d->preds)
		goto nomem;
	each_edge(g, producer, last, count_edge, d);
	for (uint32_t i = 0; i < n; i++)
		d->first[i + 1] += d->first[i];
	d->succ = malloc((d->first[n] + 1) * sizeof(*d->succ));
	if (!d->succ)
		goto nomem;
	/* Filling moves each op's start to the next one's: shift back after. */
	each_edge(g, producer, last, fill_edge, d);
	memmove(d->first + 1, d->first, n * sizeof(*d->first));
	d->first[0] = 0;
	free(producer);
	free(last);
	return 0;
nomem:
	free(producer);
	free(last);
	deps_free(d);
	return -ENOMEM;
}

/* Runs of consecutive NPU ops in order @perm (NULL: the source's). */
static uint32_t npu_runs(uint32_t n, const bool *npu, const uint32_t *perm)
{
	uint32_t runs = 0;

	for (uint32_t k = 0; k < n; k++) {
		const uint32_t i = perm ? perm[k] : k;

		runs += npu[i] && (!k || !npu[perm ? perm[k - 1] : k - 1]);
	}
	return runs;
}

/* The list schedule starting on side @npu_first into @perm. */
static void schedule(const struct npu_graph *g, const struct deps *d, const bool *npu,
		     bool npu_first, uint32_t *preds, struct heap ready[2], uint32_t *perm)
{
	bool side = npu_first;

	memcpy(preds, d->preds, g->num_ops * sizeof(*preds));
	ready[0].n = ready[1].n = 0;
	for (uint32_t i = 0; i < g->num_ops; i++)
		if (!preds[i])
			heap_push(&ready[npu[i]], i);
	for (uint32_t k = 0; k < g->num_ops;) {
		uint32_t i;

		if (!ready[side].n) {
			side = !side;	/* the graph is acyclic: the other side has one */
			continue;
		}
		i = heap_pop(&ready[side]);
		perm[k++] = i;
		for (uint32_t e = d->first[i]; e < d->first[i + 1]; e++)
			if (!--preds[d->succ[e]])
				heap_push(&ready[npu[d->succ[e]]], d->succ[e]);
	}
}

int npu_order_ops(const struct npu_graph *g, const bool *npu, uint32_t *perm,
		  uint32_t *runs_before, uint32_t *runs_after)
{
	const uint32_t n = g->num_ops;
	struct heap ready[2] = { 0 };
	struct deps d = { 0 };
	uint32_t *alt = malloc((n + 1) * sizeof(*alt));
	uint32_t *preds = malloc((n + 1) * sizeof(*preds));
	uint32_t best;
	int ret = -ENOMEM;

	ready[0].v = malloc((n + 1) * sizeof(uint32_t));
	ready[1].v = malloc((n + 1) * sizeof(uint32_t));
	if (!alt || !preds || !ready[0].v || !ready[1].v || deps_build(g, &d))
		goto out;
	*runs_before = npu_runs(n, npu, NULL);
	for (uint32_t i = 0; i < n; i++)
		perm[i] = i;
	best = *runs_before;
	/* The source's first side first: on a tie it stays closer to it. */
	for (int s = 0; s < 2 && n; s++) {
		const bool npu_first = s ? !npu[0] : npu[0];
		uint32_t runs;

		schedule(g, &d, npu, npu_first, preds, ready, alt);
		runs = npu_runs(n, npu, alt);
		if (runs < best) {
			best = runs;
			memcpy(perm, alt, n * sizeof(*perm));
		}
	}
	*runs_after = best;
	ret = 0;
out:
	deps_free(&d);
	free(ready[0].v);
	free(ready[1].v);
	free(alt);
	free(preds);
	return ret;
}
