/* SPDX-License-Identifier: GPL-2.0-only */
/* Copyright 2026 The NPU stack authors */

#ifndef __NPU_DRV_H__
#define __NPU_DRV_H__

#include <linux/atomic.h>
#include <linux/completion.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/types.h>
#include <linux/wait.h>

#include <drm/drm_device.h>
#include <drm/gpu_scheduler.h>

#include "npu_regs.h"

#define NPU_DRIVER_NAME		"npu"
#define NPU_FW_NAME		"npu/npu-fw.bin"

/* First NPU VA handed out: a zero or small address always faults. */
#define NPU_VA_START		0x100000ull
#define NPU_VA_END		NPU_VA_SIZE
#define NPU_MAX_BO_SIZE		(256ull << 20)

#define NPU_CRING_ENTRIES	64
#define NPU_MAX_JOBS_PER_SUBMIT	64
#define NPU_MAX_BO_REFS		256
#define NPU_MAX_IN_SYNCS	64
/* Room for future growth of struct drm_npu_job, bounding the zero check. */
#define NPU_MAX_JOB_STRIDE	4096

struct clk_bulk_data;
struct regmap;
struct reset_control;
struct npu_mmu;

/* SoC clocks of the block: "core" and "bus" (Documentation/devicetree.rst). */
#define NPU_NUM_CLKS		2

/**
 * struct npu_dev_counters - device-wide totals, accumulated from completions
 * @cycles: see &struct drm_npu_counters, as are the other fields.
 * @macs: multiply-accumulates.
 * @dram_read_bytes: bytes read through the MMU.
 * @dram_write_bytes: bytes written through the MMU.
 * @jobs_completed: jobs that ended without error.
 * @jobs_failed: jobs that ended with an error.
 * @resets: soft resets.
 * @mmu_faults: jobs that ended with an MMU fault.
 */
struct npu_dev_counters {
	atomic64_t cycles;
	atomic64_t macs;
	atomic64_t dram_read_bytes;
	atomic64_t dram_write_bytes;
	atomic64_t jobs_completed;
	atomic64_t jobs_failed;
	atomic64_t resets;
	atomic64_t mmu_faults;
};

struct npu_drm_device {
	struct drm_device drm;
	struct device *dev;
	struct regmap *regs;
	int irq;

	/* SoC resources, each optional: a board may have them always on. */
	struct clk_bulk_data *clks;
	struct reset_control *reset;
	/* Firmware loaded and booted once: runtime resume boots it again. */
	bool hw_ready;

	/* Identity, read once at probe. */
	u32 hw_id;
	u32 revision;
	u32 mac_count;
	u32 sram_size;
	u32 clock_mhz;
	u32 dram_bpc;
	u32 queue_depth;
	u32 num_as;
	u32 cs_version;
	u32 fw_version;
	u32 fw_features;

	/* Firmware image, kept for reboots after reset and resume. */
	void *fw_cpu;
	dma_addr_t fw_dma;
	size_t fw_size;

	/* Interrupt sources acked by the hard handler, consumed by the thread. */
	atomic_t irq_pending;
	struct completion fw_ready;

	/* Completion ring, written by the device; ring_lock for the reader. */
	struct mutex ring_lock;
	struct npu_hw_completion *cring;
	dma_addr_t cring_dma;
	u32 cring_rptr;

	/* MMU address-space slots (npu_mmu.c). */
	struct mutex as_lock;
	struct npu_mmu *as_owner[NPU_MAX_AS];
	struct list_head as_lru;

	/* Jobs in the hardware queue, in push order (npu_sched_job.c). */
	spinlock_t job_lock;
	struct list_head hw_jobs;
	u32 next_seqno;
	u64 fence_context;
	u64 fence_seqno;
	/* Lock of the hardware fences, which may be taken in any context. */
	spinlock_t fence_lock;
	struct drm_gpu_scheduler sched;
	bool sched_ready;
	unsigned long sched_timeout_left;	/* over system suspend */
	/*
	 * Jobs not yet freed; removal waits for them (they run our code).
	 * job_wq also wakes when a job leaves the hardware (suspend).
	 */
	atomic_t job_count;
	wait_queue_head_t job_wq;
	/* Serialises reset with runtime PM and removal. */
	struct mutex reset_lock;
	bool dead;

	struct npu_dev_counters counters;
};

/**
 * struct npu_file - per open file state
 * @refcount: the file descriptor and its jobs hold references.
 * @ndev: device.
 * @client_id: &drm_file.client_id, for messages.
 * @mmu: the file's NPU address space.
 * @submit_lock: keeps arm and push of one submission together.
 * @entities: scheduler entity for each &enum drm_npu_priority.
 * @hangs: jobs of this file that timed out.
 * @banned: set after too many hangs; submits fail with -ECANCELED.
 * @cs_pool_lock: protects @cs_pool and @cs_pool_count.
 * @cs_pool: unused stream-copy buffers kept for the next jobs.
 * @cs_pool_count: entries in @cs_pool.
 * @queued_jobs: jobs of this file not yet ended (npu_max_queued_jobs).
 */
struct npu_file {
	struct kref refcount;
	struct npu_drm_device *ndev;
	u64 client_id;
	struct npu_mmu *mmu;
	struct mutex submit_lock;	/* arm + push of one submission */
	struct drm_sched_entity entities[3];
	atomic_t hangs;
	bool banned;
	struct mutex cs_pool_lock;	/* protects cs_pool, cs_pool_count */
	struct list_head cs_pool;
	unsigned int cs_pool_count;
	atomic_t queued_jobs;
};

static inline struct npu_drm_device *to_npu_drm_device(struct drm_device *drm)
{
	return container_of(drm, struct npu_drm_device, drm);
}

struct npu_file *npu_file_get(struct npu_file *nfile);
void npu_file_put(struct npu_file *nfile);

extern unsigned int npu_sched_job_timeout_ms;
extern unsigned int npu_ban_hangs;
extern unsigned int npu_max_queued_jobs;

#endif /* __NPU_DRV_H__ */
