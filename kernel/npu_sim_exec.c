// SPDX-License-Identifier: GPL-2.0-only
/*
 * npu_sim command processor glue.
 *
 * Interim executor until the firmware command processor (firmware/) is
 * built in: it fetches the stream through the MMU, walks the command
 * headers and executes NOP commands; any other opcode ends the job with
 * NPU_JOB_ERR_BAD_STREAM.
 */
#include <linux/errno.h>
#include <linux/slab.h>

#include "npu_cmdstream.h"
#include "npu_sim.h"

static void npu_sim_walk_stream(const __le32 *words, u32 count,
				struct npu_sim_result *res)
{
	u32 pos = 0, index = 0;

	res->status = NPU_JOB_ERR_BAD_STREAM;
	while (pos < count) {
		u32 hdr = le32_to_cpu(words[pos]);
		u32 op = NPU_CS_HDR_OP(hdr);
		u32 len = NPU_CS_HDR_WORDS(hdr);

		res->detail = index;
		if (!len || len > count - pos)
			return;
		if (index == 0) {
			const u32 need = 1 + sizeof(struct npu_stream_params) / 4;

			if (op != NPU_OP_STREAM || len < need ||
			    le32_to_cpu(words[pos + 1]) != NPU_CS_VERSION)
				return;
		} else if (op != NPU_OP_NOP) {
			return;
		}
		res->cycles += NPU_HW_CMD_OVERHEAD_CYCLES;
		pos += len;
		index++;
	}
	if (!index)
		return;
	res->status = NPU_JOB_OK;
	res->detail = 0;
}

/**
 * npu_sim_exec_job() - execute one job's command stream
 * @x: the job, with its address space.
 * @res: filled with the job's outcome and counters.
 */
void npu_sim_exec_job(struct npu_sim_exec *x, struct npu_sim_result *res)
{
	u32 size = x->job.cs_size;
	__le32 *words;
	int ret;

	memset(res, 0, sizeof(*res));
	if (!size || size % 4 || size > NPU_LIMIT_STREAM_BYTES) {
		res->status = NPU_JOB_ERR_BAD_STREAM;
		return;
	}
	words = kvmalloc(size, GFP_KERNEL);
	if (!words) {
		res->status = NPU_JOB_ERR_INTERNAL;
		return;
	}
	ret = npu_sim_dma_read(x, x->job.cs_va, words, size);
	if (ret == -EFAULT)
		res->status = NPU_JOB_ERR_MMU_FAULT;
	else if (ret)
		res->status = NPU_JOB_ERR_ABORTED;
	else
		npu_sim_walk_stream(words, size / 4, res);
	kvfree(words);

	res->dram_read_bytes = x->bytes_read;
	res->dram_write_bytes = x->bytes_written;
}
