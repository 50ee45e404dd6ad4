// SPDX-License-Identifier: GPL-2.0-only
/*
 * npu_sim command processor glue: the device runs the firmware (firmware/,
 * compiled into this module).  The firmware reaches memory only through the
 * callbacks here, which translate NPU virtual addresses with the job's MMU
 * address space.
 */
#include <linux/errno.h>
#include <linux/sched.h>
#include <linux/slab.h>

#include "npu_fw.h"
#include "npu_sim.h"

static int npu_sim_fw_dma_read(void *ctx, u64 va, void *dst, u32 len,
			       u64 *fault_addr)
{
	struct npu_sim_exec *x = ctx;
	int ret;

	ret = npu_sim_dma_read(x, va, dst, len);
	if (ret)
		*fault_addr = x->fault_status ? x->fault_va : va;
	return ret;
}

static int npu_sim_fw_dma_write(void *ctx, u64 va, const void *src,
				u32 len, u64 *fault_addr)
{
	struct npu_sim_exec *x = ctx;
	int ret;

	ret = npu_sim_dma_write(x, va, src, len);
	if (ret)
		*fault_addr = x->fault_status ? x->fault_va : va;
	return ret;
}

static void *npu_sim_fw_alloc(void *ctx, size_t size)
{
	/* Scratch for operands; running out is a job error, not a splat. */
	return kvmalloc(size, GFP_KERNEL | __GFP_NOWARN);
}

static void npu_sim_fw_free(void *ctx, void *ptr)
{
	kvfree(ptr);
}

/* Called between commands and inside long ones: notice a soft reset. */
static int npu_sim_fw_poll(void *ctx)
{
	struct npu_sim_exec *x = ctx;

	cond_resched();
	return npu_sim_job_aborted(x) ? -ECANCELED : 0;
}

static void npu_sim_fw_env_init(struct npu_fw_env *env, struct npu_sim_exec *x,
				const struct npu_fw_hw_model *hw)
{
	*env = (struct npu_fw_env) {
		.ctx = x,
		.dma_read = npu_sim_fw_dma_read,
		.dma_write = npu_sim_fw_dma_write,
		.alloc = npu_sim_fw_alloc,
		.free = npu_sim_fw_free,
		.poll = npu_sim_fw_poll,
		.hw = hw,
		.sram = x->sim->sram,
	};
}

/**
 * npu_sim_fw_boot() - check a fetched firmware image and run its self-test
 * @x: boot context (device and reset epoch).
 * @image: the image.
 * @size: its size in bytes.
 * @version: out: the image's fw_version.
 * @features: out: its feature bits.
 * @hw: out: the cycle-model table the image carries.
 *
 * Return: NPU_BOOT_OK or an NPU_BOOT_ERR_* code.
 */
u32 npu_sim_fw_boot(struct npu_sim_exec *x, const void *image, u32 size,
		    u32 *version, u32 *features, struct npu_fw_hw_model *hw)
{
	struct npu_fw_image_info info;
	struct npu_fw_env env;
	u32 ret;

	ret = npu_fw_image_check(image, size, &info);
	if (ret != NPU_BOOT_OK)
		return ret;
	if (info.selftest) {
		npu_sim_fw_env_init(&env, x, &info.hw);
		ret = npu_fw_selftest(&env, &info);
		if (ret != NPU_BOOT_OK)
			return ret;
	}
	*version = info.fw_version;
	*features = info.features;
	*hw = info.hw;
	return NPU_BOOT_OK;
}

/**
 * npu_sim_exec_job() - execute one job's command stream
 * @x: the job, with its address space.
 * @res: filled with the job's outcome and counters.
 */
void npu_sim_exec_job(struct npu_sim_exec *x, struct npu_sim_result *res)
{
	struct npu_fw_result fr = {};
	struct npu_fw_env env;

	npu_sim_fw_env_init(&env, x, &x->sim->fw_hw);
	npu_fw_run_job(&env, x->job.cs_va, x->job.cs_size, x->job.rt_va, &fr);

	*res = (struct npu_sim_result) {
		.status = fr.status,
		.detail = fr.status == NPU_JOB_OK ? 0 : fr.cmd_index,
		.cycles = fr.cycles,
		.macs = fr.macs,
		.dram_read_bytes = fr.dram_read_bytes,
		.dram_write_bytes = fr.dram_write_bytes,
	};
	/* The MMU records faults itself; this covers any the firmware saw. */
	if (fr.status == NPU_JOB_ERR_MMU_FAULT && !x->fault_status) {
		x->fault_va = fr.fault_addr;
		x->fault_status = NPU_MMU_FAULT_VALID | (x->job.as & 0xff) |
				  (fr.fault_write ? NPU_MMU_FAULT_WRITE : 0);
	}
}
