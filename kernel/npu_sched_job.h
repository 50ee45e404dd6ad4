/* SPDX-License-Identifier: GPL-2.0-only */
/* Copyright 2026 The NPU stack authors */

#ifndef __NPU_SCHED_JOB_H__
#define __NPU_SCHED_JOB_H__

#include <linux/iosys-map.h>
#include <linux/kref.h>
#include <linux/ktime.h>
#include <linux/list.h>

#include <drm/gpu_scheduler.h>

struct drm_device;
struct drm_file;
struct drm_gem_object;
struct drm_syncobj;
struct npu_gem_mapping;
struct npu_cmdobj;
struct npu_cs_copy;
struct npu_drm_device;
struct npu_file;
struct seq_file;

/**
 * struct npu_sched_job_bo - one buffer a job uses
 * @obj: the buffer (referenced).
 * @mapping: its mapping in the file's address space.
 * @dev_write: the job declared it written (DRM_NPU_BO_REF_WRITE): the only
 *             buffers the validator lets the stream write.
 * @fence_write: the job's fence is a write for implicit sync (@dev_write,
 *               or the stats buffer the CPU writes when the job ends).
 */
struct npu_sched_job_bo {
	struct drm_gem_object *obj;
	struct npu_gem_mapping *mapping;
	bool dev_write;
	bool fence_write;
};

/**
 * struct npu_sched_job - one command stream queued on the device
 * @base: scheduler job.
 * @refcount: the submitter and the scheduler hold references.
 * @ndev: device.
 * @nfile: submitting file (referenced; outlives the file descriptor).
 * @bos: every buffer the job uses (stream first, references, stats).
 * @bo_count: entries in @bos.
 * @cs_va: NPU address of the command stream the device executes (in
 *         @cs_copy).
 * @cs_size: bytes of command stream.
 * @cmd_map: kernel mapping of the submitted stream buffer, or null.
 * @cs_copy: kernel-owned, device-read-only copy of the validated stream in
 *           the file's address space (what the device executes), or NULL.
 * @cmdobj: what the command object run by the job needs (in @bos[0]),
 *          or NULL for a plain stream.
 * @rt_copy: kernel-owned, device-read-only buffer holding the job's region
 *           table (command objects), or NULL.
 * @rt_va: NPU address of the region table, 0 for none.
 * @stats_map: kernel mapping of the stats buffer, or null.
 * @stats_obj: stats buffer, or NULL.
 * @stats_offset: where the stats go in @stats_obj.
 * @out_sync: syncobj receiving the job's fence, or NULL.
 * @fence_mem: memory for @done_fence, allocated at submit (run_job must
 *              not allocate); NULL once run_job initialised the fence.
 * @done_fence: hardware fence, signalled from the completion ring.
 * @pm_ref: the job holds a runtime-PM reference (from submit to free).
 * @queued: the job counts in &npu_file.queued_jobs (until it ends).
 * @hw_node: entry in &npu_drm_device.hw_jobs while in the hardware queue.
 * @hw_seqno: JOB_SEQNO of the latest push.
 * @as: address-space slot while in the hardware queue, else -1.
 * @start: time of the latest push.
 */
struct npu_sched_job {
	struct drm_sched_job base;
	struct kref refcount;
	struct npu_drm_device *ndev;
	struct npu_file *nfile;
	struct npu_sched_job_bo *bos;
	u32 bo_count;
	u64 cs_va;
	u32 cs_size;
	struct iosys_map cmd_map;
	struct npu_cs_copy *cs_copy;
	const struct npu_cmdobj *cmdobj;
	struct npu_cs_copy *rt_copy;
	u64 rt_va;
	struct iosys_map stats_map;
	struct drm_gem_object *stats_obj;
	u32 stats_offset;
	struct drm_syncobj *out_sync;
	struct dma_fence *fence_mem;
	struct dma_fence *done_fence;
	bool pm_ref;
	bool queued;
	struct list_head hw_node;
	u32 hw_seqno;
	int as;
	ktime_t start;
};

int npu_sched_job_init(struct npu_drm_device *ndev);
void npu_sched_job_fini(struct npu_drm_device *ndev);
void npu_sched_job_kill_hw(struct npu_drm_device *ndev);
void npu_sched_job_wait_all_freed(struct npu_drm_device *ndev);
bool npu_sched_job_hw_idle(struct npu_drm_device *ndev);

int npu_sched_job_open_file(struct npu_file *nfile);
void npu_sched_job_close_file(struct npu_file *nfile);

void npu_sched_job_handle_completions(struct npu_drm_device *ndev);
void npu_sched_job_mmu_fault(struct npu_drm_device *ndev);

int npu_ioctl_submit(struct drm_device *drm, void *data,
		     struct drm_file *file);

void npu_sched_job_debugfs_show(struct npu_drm_device *ndev, struct seq_file *m);

#endif /* __NPU_SCHED_JOB_H__ */
