// SPDX-License-Identifier: MIT
/*
 * Writes seed streams into DIR: four per opcode (random-job generator; a
 * DMA pair through the SRAM for NPU_CMD_DMA), each also as a region stream
 * (every DRAM operand in its own region), and the SRAM streams the
 * validator must refuse or accept at its edges (written with the enum, so
 * they follow the opcodes' numbers).
 */
#include <stdio.h>
#include <string.h>

#include "npu_fw_host.h"

static int save(const char *dir, const char *name, const struct npu_cs_writer *w)
{
	char path[512];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	return !f || fwrite(w->words, 1, npu_cs_bytes(w), f) != npu_cs_bytes(w) ||
	       fclose(f);
}

static void dma(struct npu_cs_writer *w, uint64_t src, uint64_t dst, uint32_t run)
{
	struct npu_dma_params d = { .src = src, .dst = dst, .extent = { 1, 1, 1, run } };

	npu_cs_emit(w, NPU_CMD_DMA, &d);
}

static void copy(struct npu_cs_writer *w, uint64_t src, uint64_t dst, uint32_t n)
{
	struct npu_copy_params c;

	memset(&c, 0, sizeof(c));
	npu_tensor_set(&c.input, src, NPU_DTYPE_INT8, 0, 1, &n);
	npu_tensor_set(&c.output, dst, NPU_DTYPE_INT8, 0, 1, &n);
	npu_cs_emit(w, NPU_CMD_COPY, &c);
}

/* Operands at VA 0x1000 and up, inside the fuzzer's memory. */
static int sram_seeds(const char *dir)
{
	static uint32_t words[1024];
	struct npu_cs_writer w;
	uint32_t i;
	int r = 0;

	npu_cs_init(&w, words, sizeof(words));
	dma(&w, 0x1000, NPU_SRAM_VA + 64, 32);
	copy(&w, NPU_SRAM_VA + 64, NPU_SRAM_VA + 4096, 32);
	dma(&w, NPU_SRAM_VA + 4096, 0x2000, 32);
	r |= save(dir, "sram_round_trip", &w);
	npu_cs_init(&w, words, sizeof(words));
	dma(&w, 0x1000, NPU_SRAM_VA, 16);
	copy(&w, NPU_SRAM_VA, 0x2000, 17);
	r |= save(dir, "sram_read_unwritten", &w);
	npu_cs_init(&w, words, sizeof(words));
	dma(&w, 0x1000, NPU_SRAM_VA + NPU_HW_SRAM_SIZE - 16, 32);
	r |= save(dir, "sram_beyond_window", &w);
	npu_cs_init(&w, words, sizeof(words));
	for (i = 0; i <= NPU_LIMIT_SRAM_RANGES; i++)
		dma(&w, 0x1000, NPU_SRAM_VA + i * 64, 16);
	r |= save(dir, "sram_too_many_ranges", &w);
	return r;
}

/* Rewrites each DRAM operand at 0x1000 + x to region (slot + 1), offset x. */
static void to_regions(uint8_t *cs, uint32_t bytes)
{
	struct npu_fw_operand ops[NPU_FW_SLOT_COUNT];
	union npu_cmd_params p;
	uint32_t off, hdr, words, i, n;
	int32_t ps;
	uint64_t va;

	for (off = 0; off + 4 <= bytes; off += words * 4) {
		memcpy(&hdr, cs + off, 4);
		words = NPU_CS_HDR_WORDS(hdr);
		ps = npu_fw_params_size(NPU_CS_HDR_OP(hdr));
		if (!words || ps < 0 || (uint32_t)ps > words * 4 - 4 ||
		    words * 4 > bytes - off)
			return;
		memset(&p, 0, sizeof(p));
		memcpy(&p, cs + off + 4, (size_t)ps);
		n = npu_fw_cmd_operands(NPU_CS_HDR_OP(hdr), &p, ops);
		for (i = 0; i < n; i++) {
			if (ops[i].va < 0x1000 || ops[i].va >= NPU_SRAM_VA)
				continue;
			va = NPU_ADDR(i + 1, ops[i].va - 0x1000);
			memcpy(cs + off + 4 + ((const uint8_t *)ops[i].field -
					       (const uint8_t *)&p), &va, 8);
		}
	}
}

int main(int argc, char **argv)
{
	uint64_t seed = 1;
	uint32_t op, k;
	char path[512];

	if (argc != 2)
		return 2;
	for (op = NPU_CMD_CONV_2D; op < NPU_CMD_COUNT; op++) {
		for (k = 0; k < 4; k++) {
			struct npu_host_rjob job;
			FILE *f;

			/* operands at VA 0x1000, inside the fuzzer's memory */
			if (npu_host_rjob_make(&seed, op, 0x1000, &job))
				return 1;
			snprintf(path, sizeof(path), "%s/op%02u_%u", argv[1], op, k);
			f = fopen(path, "wb");
			if (!f || fwrite(job.cs, 1, job.cs_size, f) != job.cs_size ||
			    fclose(f))
				return 1;
			to_regions((uint8_t *)job.cs, job.cs_size);
			snprintf(path, sizeof(path), "%s/op%02u_%u_regions", argv[1],
				 op, k);
			f = fopen(path, "wb");
			if (!f || fwrite(job.cs, 1, job.cs_size, f) != job.cs_size ||
			    fclose(f))
				return 1;
			npu_host_rjob_free(&job);
		}
	}
	return sram_seeds(argv[1]);
}
