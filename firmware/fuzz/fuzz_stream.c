// SPDX-License-Identifier: MIT
/*
 * libFuzzer target: any byte string as a command stream.  The validator
 * must never crash; streams it accepts are executed over a small flat
 * memory (operands outside it fault) when their modelled work is small.
 *   make -C firmware fuzz          (clang, -fsanitize=fuzzer,address,undefined)
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "npu_fw.h"

#define MEM_SIZE	(256u * 1024u)

static uint8_t mem[MEM_SIZE];

static int rw(uint64_t va, void *buf, uint32_t len, int write, uint64_t *fault)
{
	if (va > MEM_SIZE || len > MEM_SIZE - va) {
		*fault = va;
		return -1;
	}
	if (write)
		memcpy(mem + va, buf, len);
	else
		memcpy(buf, mem + va, len);
	return 0;
}

static int rd(void *ctx, uint64_t va, void *dst, uint32_t len, uint64_t *fault)
{
	(void)ctx;
	return rw(va, dst, len, 0, fault);
}

static int wr(void *ctx, uint64_t va, const void *src, uint32_t len,
	      uint64_t *fault)
{
	(void)ctx;
	return rw(va, (void *)src, len, 1, fault);
}

static void *al(void *ctx, size_t size)
{
	(void)ctx;
	return malloc(size);
}

static void fr(void *ctx, void *p)
{
	(void)ctx;
	free(p);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct npu_fw_env env = { .dma_read = rd, .dma_write = wr,
				  .alloc = al, .free = fr };
	struct npu_fw_cost cost = { 0 };
	struct npu_fw_result res;
	uint8_t *cs;

	if (size > NPU_LIMIT_STREAM_BYTES)
		return 0;
	cs = malloc(size ? size : 1);
	memcpy(cs, data, size);
	if (npu_fw_validate(cs, (uint32_t)size, NULL, NULL, NULL) == 0 &&
	    npu_fw_estimate_stream(NULL, cs, (uint32_t)size, &cost) == 0 &&
	    cost.sram_peak <= (1u << 20) && cost.compute_cycles < 20000 &&
	    size <= 4096) {
		memcpy(mem, cs, size);	/* stream at VA 0 */
		npu_fw_run(&env, 0, (uint32_t)size, &res);
		if (res.status != NPU_JOB_OK &&
		    res.status != NPU_JOB_ERR_MMU_FAULT)
			abort();
	}
	free(cs);
	return 0;
}
