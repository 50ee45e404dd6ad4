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
	const union fw_params *p = params;
	struct fw_operand ops[FW_SLOT_COUNT];
	uint64_t macs = 0, work = 0, rd = 0, wr = 0, compute, dma, cyc;
	uint32_t rate, i, n;
	int s16 = 0;

	if (!hw)
		hw = &npu_fw_default_hw;
	rate = hw->macs_per_cycle;
	n = fw_op_operands(opcode, params, ops);
	for (i = 0; i < n; i++) {
		if (ops[i].access == NPU_FW_ACCESS_READ)
			rd += ops[i].len;
		else
			wr += ops[i].len;
	}

	switch (opcode) {
	case NPU_OP_CONV_2D:
	case NPU_OP_DEPTHWISE_CONV_2D:
	case NPU_OP_TRANSPOSE_CONV: {
		const struct npu_conv_params *c = &p->conv;
		uint64_t kernel = (uint64_t)c->filter.dims[1] * c->filter.dims[2];

		s16 = c->input.dtype == NPU_DTYPE_INT16;
		if (opcode == NPU_OP_CONV_2D)
			macs = npu_tensor_elems(&c->output) * kernel *
			       c->filter.dims[3];
		else if (opcode == NPU_OP_DEPTHWISE_CONV_2D)
			macs = npu_tensor_elems(&c->output) * kernel;
		else
			macs = npu_tensor_elems(&c->input) * kernel *
			       c->output.dims[3];
		break;
	}
	case NPU_OP_FULLY_CONNECTED:
		s16 = p->fc.input.dtype == NPU_DTYPE_INT16;
		macs = (uint64_t)p->fc.input.dims[0] * p->fc.input.dims[1] *
		       p->fc.output.dims[1];
		break;
	case NPU_OP_AVERAGE_POOL_2D:
	case NPU_OP_MAX_POOL_2D:
		work = npu_tensor_elems(&p->pool.output) * p->pool.filter_h *
		       p->pool.filter_w;
		break;
	case NPU_OP_MEAN:
	case NPU_OP_CONCAT:
		work = npu_tensor_elems(&p->copy.input);
		/* CONCATENATION writes only its slice. */
		if (opcode == NPU_OP_CONCAT)
			wr = npu_tensor_bytes(&p->cat.input);
		break;
	case NPU_OP_ADD:
	case NPU_OP_SUB:
	case NPU_OP_MUL:
		work = npu_tensor_elems(&p->elt.output);
		break;
	case NPU_OP_PAD:
	case NPU_OP_TRANSPOSE:
	case NPU_OP_STRIDED_SLICE:
	case NPU_OP_COPY:
	case NPU_OP_LUT:
	case NPU_OP_LEAKY_RELU:
	case NPU_OP_SIGMOID_S16:
		work = npu_tensor_elems(&p->copy.output);
		break;
	default:
		break;
	}
	if (s16)
		rate = hw->macs_per_cycle_16x8;
	compute = macs ? ceil_div(macs, rate) :
			 ceil_div(work, hw->elems_per_cycle);
	dma = ceil_div(rd + wr, hw->dram_bytes_per_cycle);
	cyc = (compute > dma ? compute : dma) + hw->cmd_overhead_cycles;

	cost->cycles += cyc;
	cost->compute_cycles += compute;
	cost->dma_cycles += dma;
	cost->macs += macs;
	cost->dram_read_bytes += rd;
	cost->dram_write_bytes += wr;
	if (rd + wr > cost->sram_peak)
		cost->sram_peak = rd + wr;
}

int npu_fw_estimate_stream(const struct npu_fw_hw_model *hw, const void *cs,
			   uint32_t size, struct npu_fw_cost *cost)
{
	union fw_params p;
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
