// SPDX-License-Identifier: MIT
/*
 * libFuzzer target: any byte string as a command stream.  The validator
 * must never crash; streams it accepts, with every operand inside the job's
 * data buffer, are executed when their modelled work is small, and every
 * access the firmware makes must lie inside a range the validator approved
 * (reads of the stream aside): anything else, or a job that does not end
 * NPU_JOB_OK (or, with compressed weights, NPU_JOB_ERR_BAD_STREAM from
 * the decoder), aborts.  A region stream (a command object's) is run the
 * same way with each region it uses laid out in memory at the size the
 * validator reported and a region table: the translated accesses must
 * stay inside the translated approved ranges.
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

/* Region mode: the table above the stream, the regions after it. */
#define RT_VA		DATA_BASE
#define REGIONS_BASE	(RT_VA + 16 * NPU_CS_MAX_REGIONS)
static uint64_t rt[2 * NPU_CS_MAX_REGIONS];
static int region_mode;

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
	if (region_mode && !write && va == RT_VA && len == sizeof(rt))
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

/* The validator's region ranges, translated as the device will. */
static int approve_region(void *ctx, uint64_t va, uint64_t len, uint32_t access)
{
	const uint32_t r = NPU_ADDR_REGION(va);

	(void)ctx;
	if (!r || num_ranges == MAX_RANGES)
		return -1;
	ranges[num_ranges].va = rt[2 * r] + NPU_ADDR_OFFSET(va);
	ranges[num_ranges].len = len;
	ranges[num_ranges].access = access;
	num_ranges++;
	return 0;
}

/* Lays the regions out after the table; 0 when they fit in memory. */
static int layout_regions(const struct npu_fw_region_use *use)
{
	uint64_t next = REGIONS_BASE;
	uint32_t r;

	memset(rt, 0, sizeof(rt));
	for (r = 1; r < NPU_CS_MAX_REGIONS; r++) {
		if (!use->size[r])
			continue;
		if (use->size[r] > MEM_SIZE - next)
			return -1;
		rt[2 * r] = next;
		rt[2 * r + 1] = use->size[r];
		next = (next + use->size[r] + 63) & ~63ull;
		if (next > MEM_SIZE)
			return -1;
	}
	return 0;
}

static void run_regions(const struct npu_fw_env *env, uint8_t *cs, size_t size)
{
	struct npu_fw_region_use use;
	struct npu_fw_cost cost = { 0 };
	struct npu_fw_result res;

	if (size > STREAM_MAX ||
	    npu_fw_validate_regions(cs, (uint32_t)size, &use, NULL) ||
	    npu_fw_estimate_stream(NULL, cs, (uint32_t)size, &cost) ||
	    cost.sram_peak > (1u << 20) || cost.compute_cycles >= 20000 ||
	    layout_regions(&use))
		return;
	num_ranges = 0;
	if (npu_fw_validate(cs, (uint32_t)size, approve_region, NULL, NULL)) {
		fprintf(stderr, "region stream valid once, not twice\n");
		abort();
	}
	region_mode = 1;
	memcpy(mem, cs, size);
	memcpy(mem + RT_VA, rt, sizeof(rt));
	npu_fw_run_job(env, 0, (uint32_t)size, RT_VA, &res);
	region_mode = 0;
	if (res.status != NPU_JOB_OK &&
	    !(res.status == NPU_JOB_ERR_BAD_STREAM &&
	      (npu_fw_stream_features(cs, (uint32_t)size) & NPU_FW_FEAT_WDEC))) {
		fprintf(stderr, "validated region stream ended with status %u (%s)\n",
			res.status, res.reason ? res.reason : "fault");
		abort();
	}
}

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
	run_regions(&env, cs, size);
	free(cs);
	return 0;
}
