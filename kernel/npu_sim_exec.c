// SPDX-License-Identifier: GPL-2.0-only
/*
 * npu_sim command processor glue.
 *
 * Interim executor until the firmware command processor (firmware/) is
 * built in: it fetches the stream through the MMU, walks the command
 * headers and executes NOP commands; any other opcode ends the job with
 * NPU_JOB_ERR_BAD_STREAM.
 */
#include <linux/crc32.h>
#include <linux/errno.h>
#include <linux/slab.h>

#include "npu_cmdstream.h"
#include "npu_sim.h"

/**
 * npu_sim_fw_boot() - check a fetched firmware image
 * @x: boot context (device and reset epoch).
 * @image: the image.
 * @size: its size in bytes.
 * @version: out: the image's fw_version.
 * @features: out: its feature bits.
 * @hw: out: the cycle model to use.
 *
 * Return: NPU_BOOT_OK or an NPU_BOOT_ERR_* code.
 */
u32 npu_sim_fw_boot(struct npu_sim_exec *x, const void *image, u32 size,
		    u32 *version, u32 *features, struct npu_fw_hw_model *hw)
{
	const u8 *img = image;
	struct npu_fw_header hdr;
	u32 crc;

	if (size < sizeof(hdr))
		return NPU_BOOT_ERR_SIZE;
	memcpy(&hdr, img, sizeof(hdr));
	if (le32_to_cpu(hdr.magic) != NPU_FW_MAGIC)
		return NPU_BOOT_ERR_MAGIC;
	if (le16_to_cpu(hdr.format_version) != NPU_FW_FORMAT_VERSION ||
	    le32_to_cpu(hdr.cmdstream_version) > NPU_CS_VERSION)
		return NPU_BOOT_ERR_VERSION;
	if (le16_to_cpu(hdr.header_size) < sizeof(hdr) ||
	    le16_to_cpu(hdr.header_size) > size ||
	    le32_to_cpu(hdr.payload_size) > size - le16_to_cpu(hdr.header_size))
		return NPU_BOOT_ERR_SIZE;

	crc = le32_to_cpu(hdr.header_crc32);
	hdr.header_crc32 = 0;
	if ((crc32_le(~0u, (u8 *)&hdr, sizeof(hdr)) ^ ~0u) != crc)
		return NPU_BOOT_ERR_CHECKSUM;
	crc = crc32_le(~0u, img + le16_to_cpu(hdr.header_size),
		       le32_to_cpu(hdr.payload_size)) ^ ~0u;
	if (crc != le32_to_cpu(hdr.payload_crc32))
		return NPU_BOOT_ERR_CHECKSUM;

	*version = le32_to_cpu(hdr.fw_version);
	*features = le32_to_cpu(hdr.features);
	*hw = (struct npu_fw_hw_model) {
		.macs_per_cycle = NPU_HW_MACS_PER_CYCLE,
		.macs_per_cycle_16x8 = NPU_HW_MACS_PER_CYCLE_16X8,
		.clock_mhz = NPU_HW_CLOCK_MHZ,
		.sram_size = NPU_HW_SRAM_SIZE,
		.dram_bytes_per_cycle = NPU_HW_DRAM_BYTES_PER_CYCLE,
		.elems_per_cycle = NPU_HW_ELEMS_PER_CYCLE,
		.cmd_overhead_cycles = NPU_HW_CMD_OVERHEAD_CYCLES,
	};
	return NPU_BOOT_OK;
}

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
