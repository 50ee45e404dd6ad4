// SPDX-License-Identifier: MIT
/*
 * libFuzzer target: any byte string as a command stream.  The validator
 * must never crash; streams it accepts, with every operand inside the job's
 * data buffer, are executed when their modelled work is small, and every
 * access the firmware makes must lie inside a range the validator approved
 * (reads of the stream aside): anything else, or a job that does not end
 * NPU_JOB_OK (or, with compressed weights, NPU_JOB_ERR_BAD_STREAM from
 * the decoder), aborts.
 *   make -C firmware fuzz          (clang, -fsanitize=fuzzer,address,undefined)
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "npu_fw.h"

#define MEM_SIZE	(256u * 1024u)
/* The job's buffers: the stream at VA 0 (read-only), data above it. */
#define STREAM_MAX	4096u
#define DATA_BASE	STREAM_MAX
#define MAX_RANGES	4096u

static uint8_t mem[MEM_SIZE];

/* What the validator approved for the current input: every access the
 * firmware makes must fall inside one of these (or the stream). */
static struct {
	uint64_t va, len;
	uint32_t access;
} ranges[MAX_RANGES];
static uint32_t num_ranges, stream_size;

static int approve(void *ctx, uint64_t va, uint64_t len, uint32_t access)
{
	(void)ctx;
	/* As the kernel's check: operands inside the job's data buffer. */
	if (va < DATA_BASE || va > MEM_SIZE || len > MEM_SIZE - va ||
	    num_ranges == MAX_RANGES)
		return -1;
	ranges[num_ranges].va = va;
	ranges[num_ranges].len = len;
	ranges[num_ranges].access = access;
	num_ranges++;
	return 0;
}

static void check_access(uint64_t va, uint32_t len, int write)
{
	const uint32_t need = write ? NPU_FW_ACCESS_WRITE : NPU_FW_ACCESS_READ;

	if (!write && va <= stream_size && len <= stream_size - va)
		return;
	for (uint32_t i = 0; i < num_ranges; i++)
		if ((ranges[i].access & need) && va >= ranges[i].va &&
		    va - ranges[i].va <= ranges[i].len &&
		    len <= ranges[i].len - (va - ranges[i].va))
			return;
	fprintf(stderr, "firmware %s of %u bytes at 0x%llx outside the ranges the validator approved\n",
		write ? "write" : "read", len, (unsigned long long)va);
	abort();
}

static int rw(uint64_t va, void *buf, uint32_t len, int write, uint64_t *fault)
{
	check_access(va, len, write);
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
	num_ranges = 0;
	stream_size = (uint32_t)size;
	if (size <= STREAM_MAX &&
	    npu_fw_validate(cs, (uint32_t)size, approve, NULL, NULL) == 0 &&
	    npu_fw_estimate_stream(NULL, cs, (uint32_t)size, &cost) == 0 &&
	    cost.sram_peak <= (1u << 20) && cost.compute_cycles < 20000) {
		memcpy(mem, cs, size);	/* stream at VA 0 */
		npu_fw_run(&env, 0, (uint32_t)size, &res);
		/*
		 * Every operand was approved and lies in memory: a fault (or
		 * any other failure) is the firmware going outside them.
		 * Compressed weights are data the validator cannot see: the
		 * decoder refusing them ends the job, cleanly.
		 */
		if (res.status != NPU_JOB_OK &&
		    !(res.status == NPU_JOB_ERR_BAD_STREAM &&
		      (npu_fw_stream_features(cs, (uint32_t)size) & NPU_FW_FEAT_WDEC))) {
			fprintf(stderr, "validated stream ended with status %u (fault at 0x%llx)\n",
				res.status, (unsigned long long)res.fault_addr);
			abort();
		}
	}
	free(cs);
	return 0;
}
