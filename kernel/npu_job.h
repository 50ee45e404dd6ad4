/* SPDX-License-Identifier: GPL-2.0-only */
/* Copyright 2026 The NPU stack authors */

#ifndef __NPU_JOB_H__
#define __NPU_JOB_H__

#include <linux/iosys-map.h>
#include <linux/kref.h>
#include <linux/ktime.h>
#include <linux/list.h>

#include <drm/gpu_scheduler.h>

struct drm_device;
struct drm_file;
struct drm_gem_object;
struct drm_syncobj;
struct npu_bo_mapping;
struct npu_cs_copy;
struct npu_device;
struct npu_file;
struct seq_file;

/**
 * struct npu_job - one command stream queued on the device
 * @base: scheduler job.
 * @refcount: the submitter and the scheduler hold references.
 * @ndev: device.
 * @nfile: submitting file (referenced; outlives the file descriptor).
 * @objs: every buffer the job uses (stream, references, stats).
 * @mappings: the buffers' mappings in the file's address space.
 * @writes: whether the job writes @objs[i] (implicit sync).
 * @obj_count: entries in @objs, @mappings and @writes.
 * @cs_va: NPU address of the command stream the device executes (in
 *         @cs_copy).
 * @cs_size: bytes of command stream.
 * @cmd_map: kernel mapping of the submitted stream buffer, or null.
 * @cs_copy: kernel-owned, device-read-only copy of the validated stream in
 *           the file's address space (what the device executes), or NULL.
 * @stats_map: kernel mapping of the stats buffer, or null.
 * @stats_obj: stats buffer, or NULL.
 * @stats_offset: where the stats go in @stats_obj.
 * @out_sync: syncobj receiving the job's fence, or NULL.
 * @done_fence: hardware fence, signalled from the completion ring.
 * @hw_node: entry in &npu_device.hw_jobs while in the hardware queue.
 * @hw_seqno: JOB_SEQNO of the latest push.
 * @as: address-space slot while in the hardware queue, else -1.
 * @start: time of the latest push.
 */
struct npu_job {
	struct drm_sched_job base;
	struct kref refcount;
	struct npu_device *ndev;
	struct npu_file *nfile;
	struct drm_gem_object **objs;
	struct npu_bo_mapping **mappings;
	bool *writes;
	u32 obj_count;
	u64 cs_va;
	u32 cs_size;
	struct iosys_map cmd_map;
	struct npu_cs_copy *cs_copy;
	struct iosys_map stats_map;
	struct drm_gem_object *stats_obj;
	u32 stats_offset;
	struct drm_syncobj *out_sync;
	struct dma_fence *done_fence;
	struct list_head hw_node;
	u32 hw_seqno;
	int as;
	ktime_t start;
};

int npu_job_init(struct npu_device *ndev);
void npu_job_fini(struct npu_device *ndev);
void npu_job_kill_hw(struct npu_device *ndev);
void npu_job_wait_all_freed(struct npu_device *ndev);
bool npu_job_hw_idle(struct npu_device *ndev);

int npu_job_open_file(struct npu_file *nfile);
void npu_job_close_file(struct npu_file *nfile);
void npu_job_cs_pool_fini(struct npu_file *nfile);

void npu_job_handle_completions(struct npu_device *ndev);
void npu_job_mmu_fault(struct npu_device *ndev);

int npu_ioctl_submit(struct drm_device *drm, void *data,
		     struct drm_file *file);

void npu_job_debugfs_show(struct npu_device *ndev, struct seq_file *m);

#endif /* __NPU_JOB_H__ */
