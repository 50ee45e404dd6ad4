// SPDX-License-Identifier: MIT
/*
 * Cycle and traffic model.  The same function feeds the device's
 * performance counters (npu_fw_run) and the compiler's estimate, so the
 * report of npu-compile and the counters of a real run agree.
 *
 * A command costs max(compute, DRAM transfer) + a fixed overhead:
 *   compute = the MAC array's passes (fw_mac_passes(): its blocks of output
 *             positions, output channels and accumulator lanes, each
 *             rounded up; twice as many for 16x8) for MAC-array ops,
 *             elements touched / elements-per-cycle for the vector unit;
 *   DRAM    = (bytes read + bytes written) / DRAM bytes per cycle.
 * Every operand crosses DRAM exactly once (operands are streamed through
 * SRAM in tiles when larger; the model charges nothing extra for tiling).
 */
#include "fw_internal.h"

const struct npu_fw_hw_model npu_fw_default_hw = {
	.macs_per_cycle = NPU_HW_MACS_PER_CYCLE,
	.macs_per_cycle_16x8 = NPU_HW_MACS_PER_CYCLE_16X8,
	.clock_mhz = NPU_HW_CLOCK_MHZ,
	.sram_size = NPU_HW_SRAM_SIZE,
	.dram_bytes_per_cycle = NPU_HW_DRAM_BYTES_PER_CYCLE,
	.elems_per_cycle = NPU_HW_ELEMS_PER_CYCLE,
	.cmd_overhead_cycles = NPU_HW_CMD_OVERHEAD_CYCLES,
	.reserved = 0,
};

static uint64_t ceil_div(uint64_t n, uint32_t d)
{
	if (!d)
		d = 1;
	return fw_div_u64(n + d - 1, d);
}

/*
 * MAC-array cycles of @w: its passes at the array's nominal rate, scaled
 * to the model's (a hardware table may give another rate; 16x8 is half).
 */
static uint64_t mac_cycles(const struct npu_fw_hw_model *hw,
			   const struct fw_work *w)
{
	const uint32_t rate = w->half_rate ? hw->macs_per_cycle_16x8 :
					     hw->macs_per_cycle;

	if (!w->mac_passes)	/* no shape given: the peak rate */
		return ceil_div(w->macs, rate);
	return ceil_div(w->mac_passes * NPU_HW_MACS_PER_CYCLE, rate);
}

void npu_fw_estimate_op(const struct npu_fw_hw_model *hw, uint32_t opcode,
			const void *params, struct npu_fw_cost *cost)
{
	const struct fw_cmd *c = fw_cmd_find(opcode);
	struct npu_fw_operand ops[NPU_FW_SLOT_COUNT];
	struct fw_work w = { 0 };
	uint64_t compute, array, dma, cyc, sram_rd = 0, sram_wr = 0;
	uint32_t i, n;

	if (!hw)
		hw = &npu_fw_default_hw;
	n = npu_fw_cmd_operands(opcode, params, ops);
	for (i = 0; i < n; i++) {
		/* SRAM operands cost no DRAM time. */
		const int sram = npu_fw_in_sram(ops[i].va, ops[i].len);
		uint64_t *rd = sram ? &sram_rd : &w.read_bytes;
		uint64_t *wr = sram ? &sram_wr : &w.write_bytes;

		if (ops[i].access == NPU_FW_ACCESS_READ)
			*rd += ops[i].len;
		else
			*wr += ops[i].len;
		/* The processor reads such an output before writing it. */
		if (ops[i].access == NPU_FW_ACCESS_WRITE && c &&
		    (c->flags & FW_CMD_KEEPS_OUTPUT))
			*rd += ops[i].len;
	}
	if (c && c->cost)
		c->cost(opcode, params, &w);
	if (w.dma_unit) {	/* NPU_CMD_DMA: its SRAM side */
		sram_rd = w.write_bytes;
		sram_wr = w.read_bytes;
	}
	array = w.macs ? mac_cycles(hw, &w) : 0;
	compute = w.macs ? array : ceil_div(w.elems, hw->elems_per_cycle);
	/* The weight decoder streams beside the MAC array (fw_wdec.c). */
	if (ceil_div(w.decode_bytes, NPU_HW_WDEC_BYTES_PER_CYCLE) > compute)
		compute = ceil_div(w.decode_bytes, NPU_HW_WDEC_BYTES_PER_CYCLE);
	dma = ceil_div(w.burst_bytes ? w.burst_bytes :
		       w.read_bytes + w.write_bytes, hw->dram_bytes_per_cycle);
	cyc = (compute > dma ? compute : dma) +
	      (w.setup_cycles ? w.setup_cycles : hw->cmd_overhead_cycles);

	cost->cycles += cyc;
	cost->compute_cycles += compute;
	cost->array_cycles += array;
	cost->dma_cycles += dma;
	cost->macs += w.macs;
	cost->dram_read_bytes += w.read_bytes;
	cost->dram_write_bytes += w.write_bytes;
	cost->sram_read_bytes += sram_rd;
	cost->sram_write_bytes += sram_wr;
	if (w.read_bytes + w.write_bytes + sram_rd + sram_wr > cost->sram_peak)
		cost->sram_peak = w.read_bytes + w.write_bytes + sram_rd + sram_wr;
}

/* ---- the schedule of a stream on the two units ---- */

static void widen(uint32_t *lo, uint32_t *hi, uint32_t a, uint32_t b)
{
	if (*lo == *hi) {
		*lo = a;
		*hi = b;
		return;
	}
	*lo = a < *lo ? a : *lo;
	*hi = b > *hi ? b : *hi;
}

static int tl_range(void *data, uint64_t va, uint64_t len, uint32_t access)
{
	struct npu_fw_timeline_entry *e = data;
	uint32_t lo, hi;

	if (!len || !npu_fw_in_sram(va, len))
		return 0;
	lo = (uint32_t)(va - NPU_SRAM_VA);
	hi = lo + (uint32_t)len;
	if (access & NPU_FW_ACCESS_READ)
		widen(&e->rlo, &e->rhi, lo, hi);
	if (access & NPU_FW_ACCESS_WRITE)
		widen(&e->wlo, &e->whi, lo, hi);
	return 0;
}

static int overlap(uint32_t alo, uint32_t ahi, uint32_t blo, uint32_t bhi)
{
	return alo < ahi && blo < bhi && alo < bhi && blo < ahi;
}

/* A read-after-write, write-after-read or write-after-write conflict. */
static int conflicts(const struct npu_fw_timeline_entry *a,
		     const struct npu_fw_timeline_entry *b)
{
	return overlap(a->wlo, a->whi, b->rlo, b->rhi) ||
	       overlap(a->wlo, a->whi, b->wlo, b->whi) ||
	       overlap(a->rlo, a->rhi, b->wlo, b->whi);
}

uint64_t npu_fw_timeline_add(struct npu_fw_timeline *tl,
			     const struct npu_fw_hw_model *hw, uint32_t opcode,
			     const void *params, struct npu_fw_cost *cost)
{
	struct npu_fw_cost own = { 0 };
	struct npu_fw_timeline_entry e = { 0 };
	const int unit = opcode == NPU_CMD_DMA;
	const int other = !unit;
	struct npu_fw_timeline_entry *r;
	uint64_t start, before = tl->end;
	uint32_t k;

	if (!hw)
		hw = &npu_fw_default_hw;
	npu_fw_estimate_op(hw, opcode, params, &own);
	npu_fw_cmd_ranges(opcode, params, tl_range, &e);

	start = tl->unit_free[unit];
	if (e.rlo != e.rhi || e.wlo != e.whi) {
		if (tl->floor[other] > start)
			start = tl->floor[other];
		for (k = 0; k < NPU_FW_TIMELINE_DEPTH; k++) {
			r = &tl->recent[other][k];
			if (r->end > start && conflicts(&e, r))
				start = r->end;
		}
	}
	e.end = start + own.cycles;
	tl->unit_free[unit] = e.end;
	/*
	 * A compute command's own DRAM transfers share the port with the
	 * DMA engine and go first: DMA still running is delayed by them.
	 */
	if (!unit && own.dma_cycles && tl->unit_free[1] > start) {
		tl->unit_free[1] += own.dma_cycles;
		for (k = 0; k < NPU_FW_TIMELINE_DEPTH; k++) {
			r = &tl->recent[1][k];
			if (r->end > start)
				r->end += own.dma_cycles;
			if (r->end > tl->end)
				tl->end = r->end;
		}
	}
	if (e.end > tl->end)
		tl->end = e.end;
	/* The oldest entry leaves the ring: later commands wait for it. */
	k = tl->next[unit]++ % NPU_FW_TIMELINE_DEPTH;
	if (tl->recent[unit][k].end > tl->floor[unit])
		tl->floor[unit] = tl->recent[unit][k].end;
	tl->recent[unit][k] = e;

	cost->cycles += tl->end - before;
	cost->compute_cycles += own.compute_cycles;
	cost->array_cycles += own.array_cycles;
	cost->dma_cycles += own.dma_cycles;
	cost->macs += own.macs;
	cost->dram_read_bytes += own.dram_read_bytes;
	cost->dram_write_bytes += own.dram_write_bytes;
	cost->sram_read_bytes += own.sram_read_bytes;
	cost->sram_write_bytes += own.sram_write_bytes;
	if (own.sram_peak > cost->sram_peak)
		cost->sram_peak = own.sram_peak;
	return tl->end - before;
}
