// SPDX-License-Identifier: MIT
/*
 * Cycle and traffic model.  The same function feeds the device's
 * performance counters (npu_fw_run) and the compiler's estimate, so the
 * report of npu-compile and the counters of a real run agree.
 *
 * A command costs max(compute, DRAM transfer) + a fixed overhead:
 *   compute = MACs / MACs-per-cycle (half rate for 16x8) for MAC-array ops,
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

void npu_fw_estimate_op(const struct npu_fw_hw_model *hw, uint32_t opcode,
			const void *params, struct npu_fw_cost *cost)
{
	const struct fw_cmd *c = fw_cmd_find(opcode);
	struct npu_fw_operand ops[NPU_FW_SLOT_COUNT];
	struct fw_work w = { 0 };
	uint64_t compute, dma, cyc;
	uint32_t i, n;

	if (!hw)
		hw = &npu_fw_default_hw;
	n = npu_fw_cmd_operands(opcode, params, ops);
	for (i = 0; i < n; i++) {
		if (ops[i].access == NPU_FW_ACCESS_READ)
			w.read_bytes += ops[i].len;
		else
			w.write_bytes += ops[i].len;
		/* The processor reads such an output before writing it. */
		if (ops[i].access == NPU_FW_ACCESS_WRITE && c &&
		    (c->flags & FW_CMD_KEEPS_OUTPUT))
			w.read_bytes += ops[i].len;
	}
	if (c && c->cost)
		c->cost(opcode, params, &w);
	compute = w.macs ? ceil_div(w.macs, w.half_rate ?
				    hw->macs_per_cycle_16x8 :
				    hw->macs_per_cycle) :
			   ceil_div(w.elems, hw->elems_per_cycle);
	dma = ceil_div(w.read_bytes + w.write_bytes, hw->dram_bytes_per_cycle);
	cyc = (compute > dma ? compute : dma) + hw->cmd_overhead_cycles;

	cost->cycles += cyc;
	cost->compute_cycles += compute;
	cost->dma_cycles += dma;
	cost->macs += w.macs;
	cost->dram_read_bytes += w.read_bytes;
	cost->dram_write_bytes += w.write_bytes;
	if (w.read_bytes + w.write_bytes > cost->sram_peak)
		cost->sram_peak = w.read_bytes + w.write_bytes;
}

int npu_fw_estimate_stream(const struct npu_fw_hw_model *hw, const void *cs,
			   uint32_t size, struct npu_fw_cost *cost)
{
	union npu_cmd_params p;
	const char *reason;
	uint32_t off, bytes, opcode;
	int r;

	r = npu_fw_validate(cs, size, NULL, NULL, NULL);
	if (r)
		return r;
	/* The device reads the stream itself too. */
	cost->dram_read_bytes += size;
	for (off = 0; off < size; off += bytes) {
		bytes = fw_decode_cmd(cs, size, off, &opcode, &p, &reason);
		if (!bytes)
			return -NPU_FW_EINVAL;
		npu_fw_estimate_op(hw, opcode, &p, cost);
	}
	return 0;
}
