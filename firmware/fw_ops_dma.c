// SPDX-License-Identifier: MIT
/*
 * The on-chip SRAM and the DMA engine (Documentation/hardware.rst, "On-chip
 * SRAM and the DMA engine"): NPU_CMD_DMA, the SRAM window, the validator's
 * tracking of written SRAM bytes and the command processor's access to the
 * SRAM.  The schedule of DMA beside compute is the cycle model's
 * (fw_model.c).
 */
#include "fw_internal.h"

int npu_fw_in_sram(uint64_t va, uint64_t len)
{
	return va >= NPU_SRAM_VA && va - NPU_SRAM_VA <= NPU_HW_SRAM_SIZE &&
	       len <= NPU_HW_SRAM_SIZE - (va - NPU_SRAM_VA);
}

/* Operands whose address is in the window, whether they fit or not. */
static int in_window(uint64_t va)
{
	return va >= NPU_SRAM_VA && va - NPU_SRAM_VA < (1ull << 32);
}

/* ---- NPU_CMD_DMA ---- */

static uint64_t dma_bytes(const struct npu_dma_params *p)
{
	return (uint64_t)p->extent[0] * p->extent[1] * p->extent[2] *
	       p->extent[3];
}

/* Bytes from the DRAM side's first byte to its last, inclusive. */
static uint64_t dma_dram_span(const struct npu_dma_params *p)
{
	return (uint64_t)(p->extent[0] - 1) * p->stride[0] +
	       (uint64_t)(p->extent[1] - 1) * p->stride[1] +
	       (uint64_t)(p->extent[2] - 1) * p->stride[2] + p->extent[3];
}

static int check_dma(uint32_t op, const union npu_cmd_params *pp,
		     uint32_t flags, struct npu_fw_reason *why)
{
	const struct npu_dma_params *p = &pp->dma;
	const int to_sram = in_window(p->dst);
	uint32_t i;

	(void)op;
	(void)flags;
	FW_CHECK(why, p->flags == 0, "unknown DMA flag");
	for (i = 0; i < 4; i++)
		FW_CHECK(why, p->extent[i] >= 1 && p->extent[i] <= NPU_HW_SRAM_SIZE,
			 "DMA extent outside 1..SRAM size");
	/* Each factor is at most 2^20: the products stay below 2^64. */
	FW_CHECK(why, dma_bytes(p) <= NPU_HW_SRAM_SIZE,
		 "DMA stripe larger than the SRAM");
	FW_CHECK(why, in_window(p->src) != to_sram,
		 "DMA needs exactly one side in SRAM");
	FW_CHECK(why, npu_fw_in_sram(to_sram ? p->dst : p->src, dma_bytes(p)),
		 "DMA addresses beyond the SRAM");
	FW_CHECK(why, fw_va_ok(to_sram ? p->src : p->dst, dma_dram_span(p), 1) &&
		 NPU_ADDR_OFFSET(to_sram ? p->src : p->dst) < NPU_VA_SIZE,
		 "DMA DRAM side outside the address space");
	return 0;
}

/* The SRAM side exactly, the DRAM side from its first to its last byte. */
static uint32_t operands_dma(uint32_t op, const union npu_cmd_params *pp,
			     struct npu_fw_operand ops[NPU_FW_SLOT_COUNT])
{
	const struct npu_dma_params *p = &pp->dma;
	const int to_sram = in_window(p->dst);
	uint32_t n = 0;

	(void)op;
	fw_add_operand(ops, &n, &p->src, to_sram ? dma_dram_span(p) : dma_bytes(p),
		       NPU_FW_ACCESS_READ, NPU_FW_SLOT_IN0);
	fw_add_operand(ops, &n, &p->dst, to_sram ? dma_bytes(p) : dma_dram_span(p),
		       NPU_FW_ACCESS_WRITE, NPU_FW_SLOT_OUT);
	return n;
}

/*
 * The DMA engine: the bytes it moves over DRAM, each run rounded up to
 * whole bursts, and its own setup instead of a command's overhead.
 */
static void cost_dma(uint32_t op, const union npu_cmd_params *pp,
		     struct fw_work *w)
{
	const struct npu_dma_params *p = &pp->dma;
	const uint64_t runs = (uint64_t)p->extent[0] * p->extent[1] * p->extent[2];
	const uint64_t run = ((uint64_t)p->extent[3] + NPU_HW_DRAM_BURST - 1) /
			     NPU_HW_DRAM_BURST * NPU_HW_DRAM_BURST;

	(void)op;
	w->dma_unit = 1;
	w->setup_cycles = NPU_HW_DMA_SETUP_CYCLES;
	w->burst_bytes = runs * run;
	if (in_window(p->dst)) {
		w->read_bytes = dma_bytes(p);
		w->write_bytes = 0;
	} else {
		w->read_bytes = 0;
		w->write_bytes = dma_bytes(p);
	}
}

const struct fw_cmd fw_cmds_dma[] = {
	{ .opcode = NPU_CMD_DMA, .name = "DMA", .features = NPU_FW_FEAT_SRAM,
	  .params_size = sizeof(struct npu_dma_params),
	  .check = check_dma, .operands = operands_dma, .cost = cost_dma },
	{ .name = NULL }
};

/* ---- the validator: SRAM bytes written so far in the stream ---- */

static int track_covers(const struct fw_sram_track *t, uint32_t lo, uint32_t hi)
{
	uint32_t i;

	/* Ranges are kept disjoint and not adjacent: one must hold it all. */
	for (i = 0; i < t->n; i++)
		if (t->lo[i] <= lo && hi <= t->hi[i])
			return 1;
	return 0;
}

static int track_add(struct fw_sram_track *t, uint32_t lo, uint32_t hi)
{
	uint32_t i = 0;

	while (i < t->n) {
		if (t->hi[i] < lo || hi < t->lo[i]) {
			i++;
			continue;
		}
		/* Overlapping or adjacent: absorb it and look again. */
		lo = t->lo[i] < lo ? t->lo[i] : lo;
		hi = t->hi[i] > hi ? t->hi[i] : hi;
		t->n--;
		t->lo[i] = t->lo[t->n];
		t->hi[i] = t->hi[t->n];
	}
	if (t->n == NPU_LIMIT_SRAM_RANGES)
		return -NPU_FW_EINVAL;
	t->lo[t->n] = lo;
	t->hi[t->n] = hi;
	t->n++;
	return 0;
}

struct sram_ctx {
	struct fw_sram_track *t;
	npu_fw_range_fn fn;
	void *ctx;
	const char *reason;
	uint32_t pass;		/* 0: reads, 1: writes */
};

static int sram_range(void *data, uint64_t va, uint64_t len, uint32_t access)
{
	struct sram_ctx *c = data;
	uint32_t lo, hi;
	int r;

	if (!in_window(va)) {
		if (c->pass || !c->fn)
			return 0;
		r = c->fn(c->ctx, va, len, access);
		if (r)
			c->reason = "operand outside the job's buffers";
		return r;
	}
	/* The commands' checks put every SRAM operand inside the window. */
	if (!npu_fw_in_sram(va, len)) {
		c->reason = "operand addresses beyond the SRAM";
		return -NPU_FW_EINVAL;
	}
	if (!len)
		return 0;
	lo = (uint32_t)(va - NPU_SRAM_VA);
	hi = lo + (uint32_t)len;
	if (!c->pass && (access & NPU_FW_ACCESS_READ) && !track_covers(c->t, lo, hi)) {
		c->reason = "reads SRAM the stream has not written";
		return -NPU_FW_EINVAL;
	}
	if (c->pass && (access & NPU_FW_ACCESS_WRITE) && track_add(c->t, lo, hi)) {
		c->reason = "too many disjoint SRAM ranges written";
		return -NPU_FW_EINVAL;
	}
	return 0;
}

int fw_sram_check_cmd(struct fw_sram_track *t, uint32_t opcode,
		      const union npu_cmd_params *p, npu_fw_range_fn fn,
		      void *ctx, const char **reason)
{
	const struct fw_cmd *c = fw_cmd_find(opcode);
	struct npu_fw_operand ops[NPU_FW_SLOT_COUNT];
	struct sram_ctx sc = { .t = t, .fn = fn, .ctx = ctx };
	uint32_t i, n;
	int r;

	/* A command writing a slice of its output marks no SRAM exactly. */
	if (c && (c->flags & FW_CMD_WRITES_SLICE)) {
		n = npu_fw_cmd_operands(opcode, p, ops);
		for (i = 0; i < n; i++) {
			if (ops[i].access == NPU_FW_ACCESS_WRITE && in_window(ops[i].va)) {
				*reason = "a slice-writing command's output in SRAM";
				return -NPU_FW_EINVAL;
			}
		}
	}
	/* All reads against what earlier commands wrote, then the writes. */
	for (sc.pass = 0; sc.pass < 2; sc.pass++) {
		r = npu_fw_cmd_ranges(opcode, p, sram_range, &sc);
		if (r) {
			*reason = sc.reason;
			return r;
		}
	}
	return 0;
}

uint32_t fw_sram_features(uint32_t opcode, const union npu_cmd_params *p)
{
	struct npu_fw_operand ops[NPU_FW_SLOT_COUNT];
	uint32_t i, n = npu_fw_cmd_operands(opcode, p, ops);

	for (i = 0; i < n; i++)
		if (in_window(ops[i].va))
			return NPU_FW_FEAT_SRAM;
	return 0;
}

/* ---- the command processor's side ---- */

int fw_mem_read(const struct npu_fw_env *env, uint8_t *sram, uint64_t va,
		void *dst, uint64_t len, struct npu_fw_result *res)
{
	uint64_t fault = 0;

	if (sram && npu_fw_in_sram(va, len)) {
		fw_memcpy(dst, sram + (va - NPU_SRAM_VA), (size_t)len);
		res->sram_read_bytes += len;
		return 0;
	}
	if (env->dma_read(env->ctx, va, dst, (uint32_t)len, &fault)) {
		res->fault_addr = fault;
		res->fault_write = 0;
		return -NPU_FW_EFAULT;
	}
	res->dram_read_bytes += len;
	return 0;
}

int fw_mem_write(const struct npu_fw_env *env, uint8_t *sram, uint64_t va,
		 const void *src, uint64_t len, struct npu_fw_result *res)
{
	uint64_t fault = 0;

	if (sram && npu_fw_in_sram(va, len)) {
		fw_memcpy(sram + (va - NPU_SRAM_VA), src, (size_t)len);
		res->sram_write_bytes += len;
		return 0;
	}
	if (env->dma_write(env->ctx, va, src, (uint32_t)len, &fault)) {
		res->fault_addr = fault;
		res->fault_write = 1;
		return -NPU_FW_EFAULT;
	}
	res->dram_write_bytes += len;
	return 0;
}

/* Runs between polls for a soft reset. */
#define FW_DMA_POLL_RUNS	4096u

int fw_exec_dma(const struct npu_fw_env *env, uint8_t *sram,
		const struct npu_dma_params *p, struct npu_fw_result *res)
{
	const int to_sram = in_window(p->dst);
	const uint64_t dram = to_sram ? p->src : p->dst;
	uint8_t *on_chip = sram + ((to_sram ? p->dst : p->src) - NPU_SRAM_VA);
	const uint32_t run = p->extent[3];
	uint32_t i0, i1, i2, runs = 0;
	int r;

	for (i0 = 0; i0 < p->extent[0]; i0++)
	for (i1 = 0; i1 < p->extent[1]; i1++)
	for (i2 = 0; i2 < p->extent[2]; i2++) {
		const uint64_t va = dram + (uint64_t)i0 * p->stride[0] +
				    (uint64_t)i1 * p->stride[1] +
				    (uint64_t)i2 * p->stride[2];

		if (++runs % FW_DMA_POLL_RUNS == 0 && env->poll &&
		    env->poll(env->ctx))
			return -NPU_FW_ECANCELED;
		r = to_sram ? fw_mem_read(env, NULL, va, on_chip, run, res) :
			      fw_mem_write(env, NULL, va, on_chip, run, res);
		if (r)
			return r;
		on_chip += run;
	}
	return 0;
}
