// SPDX-License-Identifier: MIT
/*
 * The SRAM plan of a segment: which activations live in the 1 MiB on-chip
 * SRAM instead of the DRAM arena (Documentation/compiler.rst, "SRAM").
 *
 * An activation stays on chip when one op of the segment writes all of it
 * and only commands of the same segment read it: then it never needs to
 * reach DRAM (its arena place stays, unused by the NPU).  Placement is by
 * lifetime, largest first, lowest SRAM offset that no tensor live at the
 * same time uses, as the arena plan; what does not fit stays in DRAM.  The
 * validator's record of written SRAM ranges is bounded
 * (NPU_LIMIT_SRAM_RANGES): the plan replays the writes in stream order and
 * leaves in DRAM a tensor whose write would exceed it.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "compiler_internal.h"
#include "npu_cmdstream.h"
#include "npu_cpu.h"
#include "npu_fw.h"

/* SRAM offsets keep every element type aligned. */
#define SRAM_ALIGN	16u
/* Tensors (and filters) a segment's plan considers at most. */
#define SRAM_MAX_CANDIDATES	2048u

struct cand {
	int32_t t;
	uint64_t size;
	uint32_t first, last;	/* plan positions writing and last reading it */
	uint64_t off;
	bool placed;
	uint32_t band;		/* 0: whole; k + 1: FULLY_CONNECTED op's band k */
	uint32_t op;		/* a band's op */
	uint64_t src;		/* a band's first byte in the raw filter */
};

int32_t npu_cmd_operand_tensor(const struct npu_graph_op *op, const struct npu_cpu_cmd *cmd,
			       uint32_t slot)
{
	switch (slot) {
	case NPU_FW_SLOT_IN0:
		return cmd->input < op->num_inputs ? op->inputs[cmd->input] : -1;
	case NPU_FW_SLOT_IN1:
	case NPU_FW_SLOT_WEIGHTS:
		return op->num_inputs > 1 ? op->inputs[1] : -1;
	case NPU_FW_SLOT_OUT:
		return cmd->output < op->num_outputs ? op->outputs[cmd->output] : -1;
	default:
		return -1;	/* tables the compiler derives: weights */
	}
}

/* Per tensor: the op writing it in the segment, its last reader, or why not. */
struct use {
	int32_t writer;
	int32_t last;
	bool bad;
	bool listed;
};

static void note_commands(const struct npu_graph *g, const struct op_plan *plans, uint32_t i,
			  struct use *u)
{
	const struct npu_graph_op *op = &g->ops[i];
	const struct npu_cpu_prepared *prep = plans[i].prep;

	for (uint32_t c = 0; prep && c < prep->num_cmds; c++) {
		const struct npu_cpu_cmd *cmd = &prep->cmds[c];
		struct npu_fw_operand ops[NPU_FW_SLOT_COUNT];
		uint32_t n = npu_fw_cmd_operands(cmd->opcode, &cmd->params, ops);

		for (uint32_t k = 0; k < n; k++) {
			int32_t t = npu_cmd_operand_tensor(op, cmd, ops[k].slot);

			if (t < 0 || g->tensors[t].data)
				continue;
			if (ops[k].access == NPU_FW_ACCESS_WRITE) {
				/* Written whole, by one op, never partly. */
				if ((u[t].writer >= 0 && u[t].writer != (int32_t)i) ||
				    cmd->opcode == NPU_CMD_CONCAT ||
				    cmd->opcode == NPU_CMD_STRIDED_COPY ||
				    ops[k].len != g->tensors[t].bytes)
					u[t].bad = true;
				u[t].writer = (int32_t)i;
			} else {
				/* Read before this segment wrote it: it comes from DRAM. */
				if (u[t].writer < 0)
					u[t].bad = true;
				u[t].last = (int32_t)i;
			}
		}
	}
}

static int by_size(const void *a, const void *b)
{
	const struct cand *x = a, *y = b;

	if (x->size != y->size)
		return x->size < y->size ? 1 : -1;
	return x->t - y->t;
}

static bool overlaps(const struct cand *a, const struct cand *b)
{
	return a->first <= b->last && b->first <= a->last;
}

/* SRAM bytes [lo, hi) (lo == hi: none). */
struct span {
	uint64_t lo, hi;
};

/*
 * Lowest aligned offset where @c fits beside the placed tensors live with
 * it and clear of the @nobs spans @obs.
 */
static uint64_t first_fit_clear(const struct cand *c, const struct cand *all, uint32_t n,
				const struct span *obs, uint32_t nobs)
{
	uint64_t off = 0;
	bool moved = true;

	while (moved) {
		moved = false;
		for (uint32_t k = 0; k < n; k++) {
			const struct cand *p = &all[k];

			if (!p->placed || p == c || !overlaps(p, c))
				continue;
			if (off < p->off + p->size && p->off < off + c->size) {
				off = (p->off + p->size + SRAM_ALIGN - 1) / SRAM_ALIGN * SRAM_ALIGN;
				moved = true;
			}
		}
		for (uint32_t k = 0; k < nobs; k++) {
			if (obs[k].lo < obs[k].hi && off < obs[k].hi && obs[k].lo < off + c->size) {
				off = (obs[k].hi + SRAM_ALIGN - 1) / SRAM_ALIGN * SRAM_ALIGN;
				moved = true;
			}
		}
	}
	return off;
}

/* Lowest aligned offset where @c fits beside the placed tensors live with it. */
static uint64_t first_fit(const struct cand *c, const struct cand *all, uint32_t n)
{
	return first_fit_clear(c, all, n, NULL, 0);
}

static int by_first(const void *a, const void *b)
{
	const struct cand *x = a, *y = b;

	if (x->first != y->first)
		return x->first < y->first ? -1 : 1;
	if (x->t != y->t)
		return x->t - y->t;
	/* A FULLY_CONNECTED's bands load in band order. */
	return (int)x->band - (int)y->band;
}

/*
 * The validator's written-range record, replayed in stream order: a
 * tensor whose write would need more disjoint ranges than it keeps
 * stays in DRAM.
 */
static void bound_ranges(struct cand *c, uint32_t n)
{
	uint64_t lo[NPU_LIMIT_SRAM_RANGES], hi[NPU_LIMIT_SRAM_RANGES];
	uint32_t count = 0;

	qsort(c, n, sizeof(*c), by_first);
	for (uint32_t k = 0; k < n; k++) {
		uint64_t a = c[k].off, b = c[k].off + c[k].size;
		uint64_t nlo[NPU_LIMIT_SRAM_RANGES], nhi[NPU_LIMIT_SRAM_RANGES];
		uint32_t m = 0;

		if (!c[k].placed)
			continue;
		for (uint32_t r = 0; r < count; r++) {
			if (hi[r] < a || b < lo[r]) {
				nlo[m] = lo[r];
				nhi[m++] = hi[r];
			} else {
				a = lo[r] < a ? lo[r] : a;
				b = hi[r] > b ? hi[r] : b;
			}
		}
		if (m == NPU_LIMIT_SRAM_RANGES) {
			c[k].placed = false;
			continue;
		}
		nlo[m] = a;
		nhi[m++] = b;
		memcpy(lo, nlo, m * sizeof(*lo));
		memcpy(hi, nhi, m * sizeof(*hi));
		count = m;
	}
}

/*
 * Per compilation: who reads each tensor (over the whole graph, CPU ops
 * and folded ops included), and scratch reused by every segment, so a
 * segment's plan costs time in its own size only.
 */
struct npu_sram_ctx {
	const struct npu_graph *g;
	const uint32_t *enc_len;		/* per filter, encoded bytes or 0 */
	int32_t *min_reader, *max_reader;	/* op indices, -1: none */
	bool *pinned;				/* graph input or output */
	struct use *u;
	struct cand *c;
	uint32_t cap;				/* entries of c, loads, band_off */
	int32_t *touched;
	uint32_t ntouched;
	uint64_t *sram_off;
	struct npu_sram_load *loads;		/* in stream order */
	struct npu_sram_fc_bands *bands;	/* per op */
	uint64_t *band_off;			/* per band */
	uint32_t nbands;
	uint32_t lookahead;			/* the plan variant's */
	bool fc_bands;
	uint32_t clear_back;			/* 0, or loads clear of hulls (fit_clear()) */
	uint64_t mid_base;			/* 0, or the tail's activations from here (place_middle()) */
	uint64_t dram_below;			/* 0, or filters below this read from DRAM */
	uint32_t seg_first;
	struct span *hull;			/* per op: its commands' SRAM hull */
	struct span *obs;			/* scratch, per op */
	int32_t *cand_of;			/* scratch, per tensor: its candidate or -1 */
	uint32_t n_loads;			/* the last plan's */
	uint32_t *stripe_rows;			/* cascaded: output rows per band */
	uint64_t *stripe_bytes;
};

/*
 * The filters of the segment's commands, each DMA'd into SRAM ahead of its
 * op (prefetch): as early as NPU_SRAM_LOOKAHEAD ops before (measured on MobileNet-v2:
 * 8, 16, 32 and 84 ops give 458, 453, 472 and 507 thousand cycles), or later when
 * SRAM is short, so the DMA engine loads it while earlier ops compute.  A
 * compressed filter is loaded encoded (x->enc_len) and decoded from SRAM by
 * its command: it takes, and costs the DRAM port, only its encoded bytes.
 * A one-row FULLY_CONNECTED's filter larger than FC_BAND_MIN is loaded in
 * output-channel bands of about FC_BAND_BYTES (raw), band k at the latest
 * before band k's command and freed after it, so the bands of a filter
 * larger than the SRAM stream in while earlier bands compute.
 * Appends the placed ones to @c (after the activations).
 */
static const uint32_t lookaheads[] = { 16, 12, 10, 8, 6 };
#define NUM_LOOKAHEADS	(sizeof(lookaheads) / sizeof(lookaheads[0]))
static const uint32_t mid_lookaheads[] = { 16, 24, 32, 12, 10 };

/*
 * In the variants that place the tail's activations mid-SRAM, a filter
 * this small read by one command stays in DRAM: its command reads it
 * there (no longer than its MACs, mostly), and its SRAM place would widen
 * the command's hull, which the loads of the large filters then wait for.
 * In those with the activations from 5/16 of the SRAM, every filter
 * below DRAM_FILTER read by one command does: a load into SRAM still
 * held by a running command's filter, or inside its hull, waits for it
 * (MobileNet-v2's DMA engine idled 28 and 24 thousand cycles in the
 * 14x14 stage that way, with the tail's filters still to load), whereas a
 * command reading its filter from DRAM waits for nothing but the port,
 * which moves the same bytes either way.  The largest filters (the last
 * 1x1 convolution's, the classifier's bands) are still loaded ahead.
 */
#define SMALL_FILTER	(16u * 1024u)
#define DRAM_FILTER	(256u * 1024u)

/*
 * Variant v: lookahead lookaheads[v % 5], FULLY_CONNECTED bands if v / 5
 * is odd, loads clear of the hulls of v / 10 ops before them (0: placed
 * by first fit alone; variants 0-9, below NPU_SRAM_CLEAR_FIRST, are the
 * plans before the hulls were considered).
 */
void npu_sram_set_variant(struct npu_sram_ctx *x, uint32_t v)
{
	v %= NPU_SRAM_VARIANTS;
	x->mid_base = 0;
	x->dram_below = 0;
	if (v >= NPU_SRAM_MIDDLE_FIRST) {
		v -= NPU_SRAM_MIDDLE_FIRST;
		x->mid_base = v < 15 ? NPU_HW_SRAM_SIZE / 16 * 5 : NPU_HW_SRAM_SIZE / 16 * 7;
		/* From 5/16: the 14x14 stage's filters too (DRAM_FILTER). */
		x->dram_below = v < 15 ? DRAM_FILTER : SMALL_FILTER;
		v %= 15;
		x->lookahead = mid_lookaheads[v % NUM_LOOKAHEADS];
		x->fc_bands = true;
		x->clear_back = v / NUM_LOOKAHEADS;
		return;
	}
	x->lookahead = lookaheads[v % NUM_LOOKAHEADS];
	x->fc_bands = v / NUM_LOOKAHEADS % 2;
	x->clear_back = v / NUM_LOOKAHEADS / 2;
}
#define FC_BAND_MIN		(64u * 1024u)
#define FC_BAND_BYTES		(160u * 1024u)

/* Units per band of FULLY_CONNECTED @cmd, or 0: not banded. */
static uint32_t fc_band_units(const struct npu_cpu_cmd *cmd, uint64_t filter_bytes)
{
	const struct npu_fc_params *p = &cmd->params.fc;
	const uint32_t depth = p->filter.dims[1], units = p->filter.dims[0];
	uint32_t u;

	if (cmd->opcode != NPU_CMD_FULLY_CONNECTED || p->input.dims[0] != 1 ||
	    filter_bytes <= FC_BAND_MIN || !depth || p->filter.dtype != NPU_DTYPE_INT8 ||
	    filter_bytes != (uint64_t)depth * units)
		return 0;
	/* Whole 16-channel blocks of the MAC array (fw_mac_passes()). */
	u = FC_BAND_BYTES / depth / 16 * 16;
	if (u < 16)
		u = 16;
	if ((units + u - 1) / u >= NPU_SRAM_SUBSTEPS)
		u = (units + NPU_SRAM_SUBSTEPS - 2) / (NPU_SRAM_SUBSTEPS - 1);
	return u < units ? u : 0;
}

static void widen_span(struct span *h, uint64_t lo, uint64_t hi)
{
	if (h->lo == h->hi) {
		h->lo = lo;
		h->hi = hi;
		return;
	}
	h->lo = lo < h->lo ? lo : h->lo;
	h->hi = hi > h->hi ? hi : h->hi;
}

/* The op whose commands run op @i's: a cascade's producer runs at its consumer. */
static uint32_t runs_at(const struct npu_sram_ctx *x, uint32_t i)
{
	const struct npu_graph_op *op = &x->g->ops[i];
	const int32_t out = op->num_outputs ? op->outputs[0] : -1;

	return out >= 0 && x->stripe_rows[out] ? (uint32_t)x->u[out].last : i;
}

/*
 * The hardware orders a DMA after every earlier compute command, and a
 * compute command after every earlier DMA, whose SRAM range -- one hull
 * per command over all its SRAM operands -- overlaps its own where either
 * writes (hardware.rst, "Execution and timing").  So a load at @w->first
 * for op @op is placed clear of the hulls of the x->clear_back ops before
 * it (those it would wait for while they still run) and of the ops between
 * it and @op (those that would wait for it).
 */
static uint64_t fit_clear(const struct npu_sram_ctx *x, const struct cand *w,
			  const struct cand *c, uint32_t nc, uint32_t op)
{
	const uint32_t j = w->first / NPU_SRAM_SUBSTEPS;
	const uint32_t from = j > x->seg_first + x->clear_back ? j - x->clear_back :
								 x->seg_first;
	uint32_t nobs = 0;

	for (uint32_t q = from; q < op; q++)
		x->obs[nobs++] = x->hull[q];
	return first_fit_clear(w, c, nc, x->obs, nobs);
}

/*
 * The earliest load position from @lo_op up to (@op, @sub) (plan
 * positions) where @w fits: clear of the hulls around it first in a
 * variant that asks for it (fit_clear()), else wherever it fits.
 */
static bool place_load(const struct npu_sram_ctx *x, struct cand *w, const struct cand *c,
		       uint32_t nc, uint32_t lo_op, uint32_t op, uint32_t sub)
{
	for (uint32_t j = lo_op; x->clear_back && j <= op; j++) {
		for (uint32_t k = 0; k <= (j == op ? sub : 0); k++) {
			w->first = NPU_SRAM_POS(j, k);
			w->off = fit_clear(x, w, c, nc, op);
			if (w->off + w->size <= NPU_HW_SRAM_SIZE)
				return true;
		}
	}
	for (uint32_t j = lo_op; j <= op; j++) {
		for (uint32_t k = 0; k <= (j == op ? sub : 0); k++) {
			w->first = NPU_SRAM_POS(j, k);
			w->off = first_fit(w, c, nc);
			if (w->off + w->size <= NPU_HW_SRAM_SIZE)
				return true;
		}
	}
	return false;
}

static uint32_t plan_fc_bands(struct npu_sram_ctx *x, uint32_t i, const struct npu_cpu_cmd *cmd,
			      int32_t t, uint32_t lo_op, struct cand *c, uint32_t nc,
			      uint32_t *max_dma)
{
	const struct npu_fc_params *p = &cmd->params.fc;
	const uint32_t depth = p->filter.dims[1], units = p->filter.dims[0];
	const uint32_t u = fc_band_units(cmd, x->g->tensors[t].bytes);
	const uint32_t count = u ? (units + u - 1) / u : 0;

	/* @max_dma counts DMA commands the stream has room for: a band's FC command is larger. */
	const uint32_t per_band = 1 + (uint32_t)((sizeof(struct npu_fc_params) +
						  sizeof(struct npu_dma_params) - 1) /
						 sizeof(struct npu_dma_params));

	if (!count || *max_dma < count * per_band || nc + count > x->cap ||
	    x->nbands + count > x->cap)
		return nc;
	*max_dma -= count * (per_band - 1);
	for (uint32_t k = 0; k < count; k++) {
		struct cand *w = &c[nc];
		const uint32_t n = units - k * u < u ? units - k * u : u;

		*w = (struct cand){ .t = t, .size = (uint64_t)n * depth,
				    .last = NPU_SRAM_POS(i, k), .band = k + 1, .op = i,
				    .src = (uint64_t)k * u * depth };
		/* A band that finds no room is read from DRAM by its command. */
		if (!place_load(x, w, c, nc, lo_op, i, k))
			continue;
		w->placed = true;
		widen_span(&x->hull[i], w->off, w->off + w->size);
		nc++;
		(*max_dma)--;
	}
	x->bands[i] = (struct npu_sram_fc_bands){ .units = u, .count = count,
						  .first = x->nbands };
	for (uint32_t k = 0; k < count; k++)
		x->band_off[x->nbands + k] = NPU_MF_NONE;
	x->nbands += count;
	return nc;
}

static uint32_t plan_weights(struct npu_sram_ctx *x, const struct op_plan *plans,
			     uint32_t first, uint32_t n, struct cand *c, uint32_t nc,
			     uint32_t max_dma)
{
	const struct npu_graph *g = x->g;


	for (uint32_t i = first; i < first + n && max_dma; i++) {
		const struct npu_cpu_prepared *prep = plans[i].prep;
		const int32_t out = g->ops[i].num_outputs ? g->ops[i].outputs[0] : -1;
		/* A cascade's producer runs at its consumer. */
		const uint32_t last = out >= 0 && x->stripe_rows[out] ?
				      (uint32_t)x->u[out].last : i;
		const uint32_t lo_op = i > first + x->lookahead ? i - x->lookahead : first;
		const int32_t in = g->ops[i].num_inputs ? g->ops[i].inputs[0] : -1;
		/* A cascade's commands (one per band) would each read it from DRAM. */
		const bool small_in_dram = x->dram_below && last == i &&
					   !(in >= 0 && x->stripe_rows[in]) && prep &&
					   prep->num_cmds == 1;

		for (uint32_t k = 0; !plans[i].fused && prep && k < prep->num_cmds; k++) {
			const struct npu_cpu_cmd *cmd = &prep->cmds[k];
			struct npu_fw_operand ops[NPU_FW_SLOT_COUNT];
			uint32_t no = npu_fw_cmd_operands(cmd->opcode, &cmd->params, ops);

			for (uint32_t o = 0; o < no && max_dma; o++) {
				int32_t t = npu_cmd_operand_tensor(&g->ops[i], cmd, ops[o].slot);
				struct cand *w = &c[nc];
				bool seen = false;
				uint64_t size;

				if (ops[o].slot != NPU_FW_SLOT_WEIGHTS || t < 0 ||
				    !g->tensors[t].data || ops[o].len != g->tensors[t].bytes)
					continue;
				if (x->fc_bands && prep->num_cmds == 1 &&
				    fc_band_units(cmd, g->tensors[t].bytes)) {
					nc = plan_fc_bands(x, i, cmd, t, first, c, nc, &max_dma);
					continue;
				}
				size = x->enc_len && x->enc_len[t] ? x->enc_len[t] :
								     g->tensors[t].bytes;
				if (size > NPU_SRAM_PREFETCH_MAX ||
				    (small_in_dram && size < x->dram_below))
					continue;
				/* Read by two commands: one load cannot serve both. */
				for (uint32_t q = 0; q < nc; q++) {
					if (c[q].t == t && !c[q].band) {
						c[q].placed = false;
						seen = true;
					}
				}
				if (seen)
					continue;
				*w = (struct cand){ .t = t, .size = size,
						    .last = NPU_SRAM_POS(last, NPU_SRAM_SUBSTEPS - 1) };
				/* The earliest load point where it fits. */
				if (!place_load(x, w, c, nc, lo_op, i, 0))
					continue;
				w->placed = true;
				widen_span(&x->hull[last], w->off, w->off + w->size);
				nc++;
				max_dma--;
			}
		}
	}
	return nc;
}

void npu_sram_ctx_free(struct npu_sram_ctx *x)
{
	if (!x)
		return;
	free(x->min_reader);
	free(x->max_reader);
	free(x->pinned);
	free(x->u);
	free(x->c);
	free(x->touched);
	free(x->sram_off);
	free(x->loads);
	free(x->bands);
	free(x->band_off);
	free(x->stripe_rows);
	free(x->stripe_bytes);
	free(x->hull);
	free(x->obs);
	free(x->cand_of);
	free(x);
}

struct npu_sram_ctx *npu_sram_ctx_new(const struct npu_graph *g, const uint32_t *enc_len)
{
	struct npu_sram_ctx *x = calloc(1, sizeof(*x));
	const uint32_t nt = g->num_tensors + 1;

	if (!x)
		return NULL;
	x->g = g;
	x->enc_len = enc_len;
	npu_sram_set_variant(x, 0);
	x->min_reader = malloc(nt * sizeof(*x->min_reader));
	x->max_reader = malloc(nt * sizeof(*x->max_reader));
	x->pinned = calloc(nt, sizeof(*x->pinned));
	x->u = malloc(nt * sizeof(*x->u));
	x->cap = 2 * nt + NPU_SRAM_SUBSTEPS;
	x->c = calloc(x->cap, sizeof(*x->c));
	x->touched = malloc(2 * nt * sizeof(*x->touched));
	x->sram_off = malloc(nt * sizeof(*x->sram_off));
	/* Candidates: activations, whole filters, and bands up to the spare. */
	x->loads = calloc(x->cap, sizeof(*x->loads));
	x->bands = calloc(g->num_ops + 1, sizeof(*x->bands));
	x->band_off = calloc(x->cap, sizeof(*x->band_off));
	x->stripe_rows = calloc(nt, sizeof(*x->stripe_rows));
	x->stripe_bytes = calloc(nt, sizeof(*x->stripe_bytes));
	x->hull = calloc(g->num_ops + 1, sizeof(*x->hull));
	x->obs = calloc(g->num_ops + 1, sizeof(*x->obs));
	x->cand_of = malloc(nt * sizeof(*x->cand_of));
	if (!x->min_reader || !x->max_reader || !x->pinned || !x->u || !x->c || !x->touched ||
	    !x->sram_off || !x->loads || !x->bands || !x->band_off || !x->stripe_rows ||
	    !x->stripe_bytes || !x->hull || !x->obs || !x->cand_of) {
		npu_sram_ctx_free(x);
		return NULL;
	}
	for (uint32_t t = 0; t < g->num_tensors; t++) {
		x->min_reader[t] = x->max_reader[t] = -1;
		x->u[t] = (struct use){ .writer = -1, .last = -1 };
		x->sram_off[t] = NPU_MF_NONE;
		x->cand_of[t] = -1;
	}
	for (uint32_t i = 0; i < g->num_ops; i++) {
		const struct npu_graph_op *op = &g->ops[i];

		for (uint32_t k = 0; k < op->num_inputs; k++) {
			int32_t t = op->inputs[k];

			if (t < 0)
				continue;
			if (x->min_reader[t] < 0)
				x->min_reader[t] = (int32_t)i;
			x->max_reader[t] = (int32_t)i;
		}
	}
	for (uint32_t k = 0; k < g->num_outputs; k++)
		x->pinned[g->outputs[k]] = true;
	for (uint32_t k = 0; k < g->num_inputs; k++)
		x->pinned[g->inputs[k]] = true;
	return x;
}

uint32_t npu_sram_num_loads(const struct npu_sram_ctx *x)
{
	return x->n_loads;
}

const uint64_t *npu_sram_offsets(const struct npu_sram_ctx *x)
{
	return x->sram_off;
}

const struct npu_sram_load *npu_sram_loads(const struct npu_sram_ctx *x)
{
	return x->loads;
}

const struct npu_sram_fc_bands *npu_sram_fc_bands(const struct npu_sram_ctx *x)
{
	return x->bands;
}

const uint64_t *npu_sram_band_offsets(const struct npu_sram_ctx *x)
{
	return x->band_off;
}

const uint32_t *npu_sram_stripe_rows(const struct npu_sram_ctx *x)
{
	return x->stripe_rows;
}

/* Activations this large are cascaded in row stripes rather than kept whole. */
#define CASCADE_MIN_BYTES	(512u * 1024u)

/*
 * @t written by op @a and read by op @b (tiling.c's producer and
 * consumer), every op between them folded, nothing else reading it: @t
 * becomes a stripe buffer and @a's input lives until @b, which runs both.
 */
static void find_cascade(struct npu_sram_ctx *x, const struct op_plan *plans, int32_t t)
{
	const struct npu_graph *g = x->g;
	const int32_t a = x->u[t].writer, b = x->u[t].last;
	int32_t in;

	if (a < 0 || b <= a || x->max_reader[t] != b || x->min_reader[t] <= a ||
	    g->tensors[t].bytes < CASCADE_MIN_BYTES ||
	    !npu_cascade_producer(plans[a].prep) || !npu_cascade_consumer(plans[b].prep) ||
	    g->ops[a].num_outputs != 1 || g->ops[b].inputs[0] != t)
		return;
	for (int32_t o = a + 1; o < b; o++)
		if (!plans[o].fused)
			return;
	in = g->ops[a].inputs[0];
	if (in < 0)
		return;
	x->stripe_rows[t] = npu_cascade_rows(plans[b].prep, &x->stripe_bytes[t]);
	if (x->u[in].last < b)
		x->u[in].last = b;
}

/* Forget the previous segment's plan: only the tensors it touched. */
static void reset(struct npu_sram_ctx *x)
{
	for (uint32_t k = 0; k < x->ntouched; k++) {
		int32_t t = x->touched[k];

		x->u[t] = (struct use){ .writer = -1, .last = -1 };
		x->sram_off[t] = NPU_MF_NONE;
		x->stripe_rows[t] = 0;
	}
	x->ntouched = 0;
}

/*
 * Each op's SRAM hull over the activations placed in @c (its filters widen
 * it as they are placed); a cascade's producer's at its consumer.
 */
static void hull_activations(struct npu_sram_ctx *x, const struct op_plan *plans, uint32_t first,
			     uint32_t n, const struct cand *c, uint32_t nc)
{
	for (uint32_t k = 0; k < nc; k++)
		if (c[k].placed)
			x->cand_of[c[k].t] = (int32_t)k;
	for (uint32_t i = first; i < first + n; i++)
		x->hull[i] = (struct span){ 0 };
	for (uint32_t i = first; i < first + n; i++) {
		const struct npu_graph_op *op = &x->g->ops[i];

		for (uint32_t k = 0; !plans[i].fused && k < op->num_inputs + op->num_outputs; k++) {
			const int32_t t = k < op->num_inputs ? op->inputs[k] :
						     op->outputs[k - op->num_inputs];
			const struct cand *a = t >= 0 && x->cand_of[t] >= 0 ? &c[x->cand_of[t]] :
									      NULL;

			if (a)
				widen_span(&x->hull[runs_at(x, i)], a->off, a->off + a->size);
		}
	}
	for (uint32_t k = 0; k < nc; k++)
		x->cand_of[c[k].t] = -1;
}

/* Banded ops of the segment keep their bands only where a band was loaded. */
static void drop_unloaded_bands(struct npu_sram_ctx *x, uint32_t first, uint32_t n)
{
	for (uint32_t i = first; i < first + n; i++) {
		struct npu_sram_fc_bands *b = &x->bands[i];
		bool any = false;

		for (uint32_t k = 0; k < b->count; k++)
			any |= x->band_off[b->first + k] != NPU_MF_NONE;
		if (!any)
			*b = (struct npu_sram_fc_bands){ 0 };
	}
}

/*
 * The activations of the segment's tail -- after the last one larger than
 * MIDDLE_MAX_ACT dies -- placed again from the middle of the SRAM up, so
 * the filter loads of the tail have room on both sides of them: a
 * command's SRAM hull spans its activations and its filter, so a load on
 * the other side of the activations does not wait for it, nor it for the
 * load (hardware.rst, "Execution and timing").
 */
#define MIDDLE_MAX_ACT	(NPU_HW_SRAM_SIZE / 8)
static void place_middle(struct cand *c, uint32_t nc, uint64_t base)
{
	const struct span below = { 0, base };
	uint32_t tail = 0;

	for (uint32_t k = 0; k < nc; k++)
		if (c[k].size > MIDDLE_MAX_ACT && c[k].last + 1 > tail)
			tail = c[k].last + 1;
	for (uint32_t k = 0; k < nc; k++)
		if (c[k].first >= tail)
			c[k].placed = false;
	for (uint32_t k = 0; k < nc; k++) {
		uint64_t off;

		if (c[k].first < tail)
			continue;
		off = first_fit_clear(&c[k], c, nc, &below, 1);
		if (off + c[k].size > NPU_HW_SRAM_SIZE)
			off = first_fit(&c[k], c, nc);
		c[k].off = off;
		c[k].placed = off + c[k].size <= NPU_HW_SRAM_SIZE;
	}
}

int npu_sram_plan(struct npu_sram_ctx *x, const struct op_plan *plans, uint32_t first,
		  uint32_t n, uint32_t max_dma, uint32_t *n_dma, uint64_t *peak)
{
	const struct npu_graph *g = x->g;
	struct use *u = x->u;
	struct cand *c = x->c;
	uint32_t nc = 0, nt = 0;

	reset(x);
	*peak = 0;
	*n_dma = 0;
	x->nbands = 0;
	for (uint32_t i = first; i < first + n; i++)
		x->bands[i] = (struct npu_sram_fc_bands){ 0 };
	for (uint32_t i = first; i < first + n; i++) {
		const struct npu_graph_op *op = &g->ops[i];

		if (plans[i].fused)
			continue;
		note_commands(g, plans, i, u);
		for (uint32_t k = 0; k < op->num_inputs + op->num_outputs; k++) {
			int32_t t = k < op->num_inputs ? op->inputs[k] :
					     op->outputs[k - op->num_inputs];

			if (t >= 0 && !u[t].listed) {
				u[t].listed = true;
				x->touched[nt++] = t;
			}
		}
	}
	for (uint32_t k = 0; k < nt; k++)
		if (!x->u[x->touched[k]].bad && !x->pinned[x->touched[k]])
			find_cascade(x, plans, x->touched[k]);
	for (uint32_t k = 0; k < nt; k++) {
		int32_t t = x->touched[k];
		bool inside = x->min_reader[t] >= (int32_t)first &&
			      x->max_reader[t] < (int32_t)(first + n);

		if (u[t].bad || x->pinned[t] || !inside || u[t].writer < 0 || u[t].last < 0 ||
		    g->tensors[t].data ||
		    (!x->stripe_rows[t] && g->tensors[t].bytes > NPU_HW_SRAM_SIZE))
			continue;
		c[nc++] = (struct cand){ .t = t,
					 .size = x->stripe_rows[t] ? x->stripe_bytes[t] :
								     g->tensors[t].bytes,
					 .first = NPU_SRAM_POS((uint32_t)u[t].writer, 0),
					 .last = NPU_SRAM_POS((uint32_t)u[t].last,
							      NPU_SRAM_SUBSTEPS - 1) };
	}
	x->ntouched = nt;
	qsort(c, nc, sizeof(*c), by_size);
	/* Placement is quadratic in the candidates: the largest matter. */
	if (nc > SRAM_MAX_CANDIDATES)
		nc = SRAM_MAX_CANDIDATES;
	if (max_dma > SRAM_MAX_CANDIDATES)
		max_dma = SRAM_MAX_CANDIDATES;
	for (uint32_t k = 0; k < nc; k++) {
		c[k].off = first_fit(&c[k], c, nc);
		c[k].placed = c[k].off + c[k].size <= NPU_HW_SRAM_SIZE;
	}
	if (x->mid_base)
		place_middle(c, nc, x->mid_base);
	x->seg_first = first;
	hull_activations(x, plans, first, n, c, nc);
	nc = plan_weights(x, plans, first, n, c, nc, max_dma);
	bound_ranges(c, nc);
	for (uint32_t k = 0; k < nc; k++) {
		if (!c[k].placed) {
			if (!c[k].band)
				x->stripe_rows[c[k].t] = 0;
			continue;
		}
		/* c is in load order here (bound_ranges sorted it). */
		if (g->tensors[c[k].t].data)
			x->loads[(*n_dma)++] = (struct npu_sram_load){
				.t = c[k].t, .at = c[k].first, .off = c[k].off,
				.src = c[k].src, .len = (uint32_t)c[k].size,
				.band = c[k].band != 0 };
		if (c[k].band)
			x->band_off[x->bands[c[k].op].first + c[k].band - 1] = c[k].off;
		else
			x->sram_off[c[k].t] = c[k].off;
		if (c[k].off + c[k].size > *peak)
			*peak = c[k].off + c[k].size;
	}
	/* Bands all read from DRAM: the op keeps its one command. */
	drop_unloaded_bands(x, first, n);
	x->n_loads = *n_dma;
	return 0;
}
