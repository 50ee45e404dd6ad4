/* SPDX-License-Identifier: MIT */
/* Internal interfaces between the compiler's files. */
#ifndef NPU_COMPILER_INTERNAL_H
#define NPU_COMPILER_INTERNAL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>

#include "npu_cmdstream.h"
#include "npu_graph.h"
#include "npu_model_format.h"
#include "arena.h"
#include "../format/blob.h"
#include "npu_util.h"

/*
 * Asked by npu_fuse() about op @i of the graph as @op would be after a
 * rewrite: 1 when the compiler would place it on the NPU (not forced to
 * the CPU, prepared, within the firmware's limits), 0 when not, or a
 * negative errno (-ENOMEM).
 */
typedef int (*npu_fuse_try_fn)(void *ctx, uint32_t i, const struct npu_graph_op *op);

/*
 * Folds every DEQUANTIZE of a constant into a float32 constant and drops the
 * op (fold.c); op_source keeps the TFLite numbers.  0 or -ENOMEM.
 */
int npu_fold_constants(struct npu_graph *g, char *err, size_t errlen);

/*
 * Fold PADs into the window op after them and standalone activations into
 * their producer (fuse.c), rewriting @g; @fused_into[i] gets the op that
 * op i was folded into, or -1.  Only rewrites @try_npu accepts are made.
 * Returns 0 or -ENOMEM.
 */
int npu_fuse(struct npu_graph *g, int32_t *fused_into, npu_fuse_try_fn try_npu, void *ctx);

struct npu_cpu_prepared;
struct npu_cpu_cmd;

/* What the compiler decided for one op. */
struct op_plan {
	struct npu_cpu_prepared *prep;	/* NPU ops */
	uint32_t stream_bytes;		/* their commands' size */
	bool fused;			/* folded into another op: no command */
};

/* The graph tensor in operand slot @slot of @cmd of @op, or -1 (derived data). */
int32_t npu_cmd_operand_tensor(const struct npu_graph_op *op, const struct npu_cpu_cmd *cmd,
			       uint32_t slot);

/*
 * The SRAM plans of a compilation (sram.c): a context per graph, then one
 * plan per segment of ops [@first, @first + @n): npu_sram_offsets()[t] is
 * the SRAM offset of each activation that stays on chip and of each
 * constant filter prefetched whole by a DMA; NPU_MF_NONE for the others
 * (valid until the next plan).  npu_sram_loads() lists the DMA loads
 * (*@n_dma of them, at most @max_dma) in stream order: a whole filter
 * (its encoded bytes when @enc_len of npu_sram_ctx_new(), per tensor, is
 * not 0) or one output-channel band of a FULLY_CONNECTED's raw filter
 * (npu_sram_fc_bands()).  *@peak the SRAM bytes the plan spans.  Returns 0.
 *
 * Plan positions: op i's commands run at NPU_SRAM_POS(i, 0); a banded
 * FULLY_CONNECTED's band k at NPU_SRAM_POS(i, k).  A load at position p is
 * issued before the command at p.
 */
#define NPU_SRAM_SUBSTEPS	256u
#define NPU_SRAM_POS(op, k)	((op) * NPU_SRAM_SUBSTEPS + (k))
struct npu_sram_load {
	int32_t t;		/* the filter tensor */
	uint32_t at;		/* plan position it is issued before */
	uint64_t off;		/* SRAM offset */
	uint64_t src;		/* byte offset in the raw filter (a band) */
	uint32_t len;		/* bytes moved */
	bool band;		/* a FULLY_CONNECTED band (raw), else the whole filter */
};

/*
 * A FULLY_CONNECTED op @i with one output row, planned in output-channel
 * bands: each band is its own command (units band units, the last fewer),
 * its filter rows loaded into SRAM by their own DMA while earlier commands
 * compute (Documentation/compiler.rst, "SRAM").
 */
struct npu_sram_fc_bands {
	uint32_t units;		/* units per band; 0: not banded */
	uint32_t count;		/* bands */
	uint32_t first;		/* index of band 0 in npu_sram_band_offsets() */
};

struct npu_sram_ctx;
/* Filters larger than this (as loaded: encoded or raw) are read from DRAM. */
#define NPU_SRAM_PREFETCH_MAX	(NPU_HW_SRAM_SIZE / 2)
struct npu_sram_ctx *npu_sram_ctx_new(const struct npu_graph *g, const uint32_t *enc_len);
void npu_sram_ctx_free(struct npu_sram_ctx *x);
int npu_sram_plan(struct npu_sram_ctx *x, const struct op_plan *plans, uint32_t first,
		  uint32_t n, uint32_t max_dma, uint32_t *n_dma, uint64_t *peak);
const uint64_t *npu_sram_offsets(const struct npu_sram_ctx *x);
const struct npu_sram_load *npu_sram_loads(const struct npu_sram_ctx *x);
/* Per op, its FULLY_CONNECTED bands (units 0: none). */
const struct npu_sram_fc_bands *npu_sram_fc_bands(const struct npu_sram_ctx *x);
/* Per band, its filter rows' SRAM offset, or NPU_MF_NONE: read from DRAM. */
const uint64_t *npu_sram_band_offsets(const struct npu_sram_ctx *x);
/*
 * The plan's variant (0 to NPU_SRAM_VARIANTS - 1; 0 after
 * npu_sram_ctx_new()): how far ahead filters may be loaded, whether
 * FULLY_CONNECTED filters are banded, and whether loads keep clear of the
 * SRAM hulls of the commands around them.  No one variant is the fastest
 * on every model; the compiler builds each and keeps the fastest.
 */
#define NPU_SRAM_VARIANTS	60u
/*
 * The variants from this one on differ from those before only in where
 * the filter loads go: a segment whose plans load none (the last plan's
 * npu_sram_num_loads()) builds none of them.
 */
#define NPU_SRAM_CLEAR_FIRST	10u
/*
 * The variants from this one on place the tail's activations in the middle
 * of the SRAM and read small filters from DRAM (sram.c, place_middle()).
 */
#define NPU_SRAM_MIDDLE_FIRST	30u
void npu_sram_set_variant(struct npu_sram_ctx *x, uint32_t v);
uint32_t npu_sram_num_loads(const struct npu_sram_ctx *x);
/* Per activation, output rows per band of its cascade (tiling.c), or 0. */
const uint32_t *npu_sram_stripe_rows(const struct npu_sram_ctx *x);

/* Row-stripe cascades (tiling.c). */
bool npu_cascade_producer(const struct npu_cpu_prepared *prep);
bool npu_cascade_consumer(const struct npu_cpu_prepared *prep);
/* Output rows per band whose input stripe fits the budget, and its bytes. */
uint32_t npu_cascade_rows(const struct npu_cpu_prepared *consumer, uint64_t *stripe_bytes);
bool npu_cascade_band(const struct npu_cpu_cmd *producer, const struct npu_cpu_cmd *consumer,
		      uint32_t rows, uint32_t k, struct npu_cpu_cmd *a, uint64_t *a_in_addend,
		      struct npu_cpu_cmd *b, uint64_t *b_out_addend);
/*
 * Placement by cost (placement.c).  Per op: @npu, placed on the NPU (in:
 * the first pass's placement; out: the final one); @npu_cycles, the
 * firmware's estimate of its commands; @cpu_ns, npu_place_cpu_ns() of it;
 * @by_cost, set when this pass moved it to the CPU.
 */
struct npu_place_op {
	bool npu;
	bool by_cost;
	uint64_t npu_cycles;
	uint64_t cpu_ns;
	/* Moved ops: their run's first op, length and the two times, ns. */
	uint32_t run_first, run_ops;
	uint64_t run_cpu_ns, run_npu_ns;
};

/* Modelled CPU time of @op, which the firmware model says is @macs MACs. */
uint64_t npu_place_cpu_ns(const struct npu_graph *g, const struct npu_graph_op *op,
			  uint64_t macs);

/*
 * Move to the CPU every run of consecutive NPU ops of @ops (g->num_ops
 * entries) that exchanges data with a CPU op and that the CPU computes in
 * less time than the NPU plus the round trip; *@moved gets the number of
 * ops moved.  Returns 0 or -ENOMEM.
 */
int npu_place_by_cost(const struct npu_graph *g, struct npu_place_op *ops, uint32_t *moved);

/*
 * Op order (order.c): a topological order of @g's ops (data dependences,
 * and the source's order among the ops touching a variable tensor) that
 * puts the ops with @npu[i] in as few runs of consecutive ops as it can:
 * @perm[k] is the op to run k-th (the identity unless that makes fewer
 * runs), *@runs_before and *@runs_after the NPU runs in the source's order
 * and in @perm.  Returns 0 or -ENOMEM.
 */
int npu_order_ops(const struct npu_graph *g, const bool *npu, uint32_t *perm,
		  uint32_t *runs_before, uint32_t *runs_after);

/*
 * Encode the @len filter bytes at @w in the weight decoder's format
 * (wcompress.c; Documentation/hardware.rst, "Weight compression"), the
 * smaller of version 2 and version 3: blocks and rows are tried at
 * multiples of @channel_bytes (one output channel's bytes, 0 if none),
 * rows also across @inner_channels innermost channels (a depthwise
 * filter's, else 0).  Returns 0 with *@out (malloc'd) of *@out_len bytes,
 * or a negative errno.  The caller keeps the raw bytes when they are
 * smaller.
 */
int npu_wcompress(const uint8_t *w, uint32_t len, uint32_t channel_bytes,
		  uint32_t inner_channels, uint8_t **out, uint32_t *out_len);

/*
 * Version 3 (wcompress_rows.c): the @len bytes at @w as rows of @row_len
 * (which divides @len), row r being bytes r * @row_len.., or with
 * @transposed bytes j * (len / row_len) + r; the cheapest parameters.
 * Returns 0 with *@out (malloc'd) of *@out_len bytes, or a negative errno.
 */
int npu_wcompress_rows(const uint8_t *w, uint32_t len, uint32_t row_len, bool transposed,
		       uint8_t **out, uint32_t *out_len);

/*
 * Whether command @opcode (@p, its filter raw) runs no slower, by the
 * firmware's cycle model, with its filter encoded in @enc_len bytes:
 * where a filter is prefetched into SRAM (@sram plan, at most
 * NPU_SRAM_PREFETCH_MAX bytes as loaded) only the command's compute counts,
 * so the decode must hide under the MACs; read from DRAM, the decode may
 * take the time the encoded filter saves the DRAM port.
 */
bool npu_wcompress_pays(uint32_t opcode, const union npu_cmd_params *p, uint32_t enc_len,
			bool sram);

/*
 * The constant tensor whose bytes are the whole filter of command @opcode
 * (CONV/DW/TCONV/FC) of @op, if it can be encoded (int8/uint8), else -1;
 * *@filter is the command's filter tensor (for the MAC commands), and
 * *@channel_bytes one output channel's bytes (0 if none).
 */
int32_t npu_wcompress_filter(const struct npu_graph *g, const struct npu_graph_op *op,
			     uint32_t opcode, union npu_cmd_params *p, struct npu_tensor **filter,
			     uint32_t *channel_bytes);

#endif /* NPU_COMPILER_INTERNAL_H */
