// SPDX-License-Identifier: MIT
/*
 * Writes seed streams into DIR: four per opcode (random-job generator; a
 * DMA pair through the SRAM for NPU_CMD_DMA), and the SRAM streams the
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
			npu_host_rjob_free(&job);
		}
	}
	return sram_seeds(argv[1]);
}
