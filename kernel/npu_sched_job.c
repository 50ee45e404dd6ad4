// SPDX-License-Identifier: GPL-2.0-only
/* Copyright 2026 The NPU stack authors */

/*
 * Job submission on drm_sched: one scheduler per device whose credit limit
 * is the hardware queue depth, one entity per file and priority.  run_job
 * binds the file's address space to a slot and pushes the job; the IRQ
 * thread reads the completion ring and signals the hardware fences in queue
 * order.  A timeout resets the device: the guilty job fails with
 * -ETIMEDOUT, the innocent jobs of the dropped queue are pushed again, and a
 * file that hangs the device npu_ban_hangs times is banned.
 */

#include <linux/cleanup.h>
#include <linux/dma-fence.h>
#include <linux/dma-resv.h>
#include <linux/interrupt.h>
#include <linux/pm_runtime.h>
#include <linux/regmap.h>
#include <linux/sched.h>
#include <linux/seq_file.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include <drm/drm_drv.h>
#include <drm/drm_exec.h>
#include <drm/drm_file.h>
#include <drm/drm_gem.h>
#include <drm/drm_syncobj.h>
#include <drm/npu_accel.h>

#include "npu_cmdstream.h"
#include "npu_cs_pool.h"
#include "npu_drv.h"
#include "npu_gem.h"
#include "npu_hw.h"
#include "npu_sched_job.h"
#include "npu_mmu.h"
#include "npu_validate.h"

static inline struct npu_sched_job *to_npu_sched_job(struct drm_sched_job *sched_job)
{
	return container_of(sched_job, struct npu_sched_job, base);
}

/* ---- hardware fences ---- */

static const char *npu_fence_driver_name(struct dma_fence *fence)
{
	return NPU_DRIVER_NAME;
}

static const char *npu_fence_timeline_name(struct dma_fence *fence)
{
	return "npu-hw";
}

static const struct dma_fence_ops npu_fence_ops = {
	.get_driver_name = npu_fence_driver_name,
	.get_timeline_name = npu_fence_timeline_name,
};

/*
 * The fence memory is allocated at submit: run_job is on the
 * fence-signalling path and must not allocate.  The seqno is given in
 * run_job, whose calls the scheduler serialises, so that the timeline's
 * fences signal in seqno order.
 */
static struct dma_fence *npu_fence_init(struct npu_sched_job *job)
{
	struct npu_drm_device *ndev = job->ndev;
	struct dma_fence *fence = job->fence_mem;

	job->fence_mem = NULL;
	dma_fence_init(fence, &npu_fence_ops, &ndev->fence_lock,
		       ndev->fence_context, ++ndev->fence_seqno);
	return fence;
}

/* ---- job lifetime ---- */

/*
 * The job stops counting against its file's bound before its fence
 * signals, so a client that waited for a job can always queue another.
 */
static void npu_sched_job_dequeue(struct npu_sched_job *job)
{
	if (job->queued) {
		job->queued = false;
		atomic_dec(&job->nfile->queued_jobs);
	}
}

static void npu_sched_job_release(struct kref *kref)
{
	struct npu_sched_job *job = container_of(kref, struct npu_sched_job, refcount);
	struct npu_drm_device *ndev = job->ndev;
	u32 i;

	dma_fence_put(job->done_fence);
	kfree(job->fence_mem);
	if (!iosys_map_is_null(&job->cmd_map))
		drm_gem_vunmap_unlocked(job->bos[0].obj, &job->cmd_map);
	npu_cs_copy_put(job->nfile, job->cs_copy);
	npu_cs_copy_put(job->nfile, job->rt_copy);
	if (job->stats_obj) {
		if (!iosys_map_is_null(&job->stats_map))
			drm_gem_vunmap_unlocked(job->stats_obj, &job->stats_map);
		drm_gem_object_put(job->stats_obj);
	}
	for (i = 0; i < job->bo_count; i++) {
		npu_gem_mapping_put(job->bos[i].mapping);
		drm_gem_object_put(job->bos[i].obj);
	}
	kvfree(job->bos);
	if (job->out_sync)
		drm_syncobj_put(job->out_sync);
	if (job->pm_ref) {
		pm_runtime_mark_last_busy(ndev->dev);
		pm_runtime_put_autosuspend(ndev->dev);
	}
	npu_sched_job_dequeue(job);
	npu_file_put(job->nfile);
	kfree(job);
	if (atomic_dec_and_test(&ndev->job_count))
		wake_up_all(&ndev->job_wq);
}

static void npu_sched_job_put(struct npu_sched_job *job)
{
	kref_put(&job->refcount, npu_sched_job_release);
}

static void npu_sched_job_write_stats(struct npu_sched_job *job, int status,
				      const struct npu_hw_completion *rec)
{
	struct drm_npu_job_stats stats = {
		.status = status,
		/* 0 for a job that never reached the hardware */
		.exec_ns = job->start ?
			   ktime_to_ns(ktime_sub(ktime_get(), job->start)) : 0,
	};

	if (rec) {
		stats.cycles = le64_to_cpu(rec->cycles);
		stats.macs = le64_to_cpu(rec->macs);
		stats.dram_read_bytes = le64_to_cpu(rec->dram_read_bytes);
		stats.dram_write_bytes = le64_to_cpu(rec->dram_write_bytes);
	}
	if (!iosys_map_is_null(&job->stats_map))
		iosys_map_memcpy_to(&job->stats_map, job->stats_offset,
				    &stats, sizeof(stats));
}

/* The job left the hardware: account for it and signal its fence. */
static void npu_sched_job_finish(struct npu_sched_job *job, int status,
				 const struct npu_hw_completion *rec)
{
	struct npu_drm_device *ndev = job->ndev;
	struct npu_dev_counters *c = &ndev->counters;

	if (rec) {
		atomic64_add(le64_to_cpu(rec->cycles), &c->cycles);
		atomic64_add(le64_to_cpu(rec->macs), &c->macs);
		atomic64_add(le64_to_cpu(rec->dram_read_bytes),
			     &c->dram_read_bytes);
		atomic64_add(le64_to_cpu(rec->dram_write_bytes),
			     &c->dram_write_bytes);
	}
	atomic64_inc(status ? &c->jobs_failed : &c->jobs_completed);
	npu_sched_job_write_stats(job, status, rec);

	if (job->as >= 0) {
		npu_mmu_as_put(job->nfile->mmu);
		job->as = -1;
	}
	npu_sched_job_dequeue(job);
	if (status)
		dma_fence_set_error(job->done_fence, status);
	dma_fence_signal(job->done_fence);
	/* System suspend waits for the hardware queue to drain. */
	wake_up_all(&ndev->job_wq);
}

static int npu_sched_job_hw_push(struct npu_sched_job *job)
{
	struct npu_drm_device *ndev = job->ndev;
	struct regmap *regs = ndev->regs;
	int as;

	as = npu_mmu_as_get(job->nfile->mmu);
	if (as < 0)
		return as;
	job->as = as;

	scoped_guard(spinlock, &ndev->job_lock) {
		job->hw_seqno = ++ndev->next_seqno;
		list_add_tail(&job->hw_node, &ndev->hw_jobs);
	}
	job->start = ktime_get();

	regmap_write(regs, NPU_REG_JOB_CS_LO, lower_32_bits(job->cs_va));
	regmap_write(regs, NPU_REG_JOB_CS_HI, upper_32_bits(job->cs_va));
	regmap_write(regs, NPU_REG_JOB_CS_SIZE, job->cs_size);
	regmap_write(regs, NPU_REG_JOB_AS, as);
	/* The registers keep their values: a plain job writes 0. */
	if (ndev->fw_features & NPU_FW_FEAT_REGIONS) {
		regmap_write(regs, NPU_REG_JOB_RT_LO, lower_32_bits(job->rt_va));
		regmap_write(regs, NPU_REG_JOB_RT_HI, upper_32_bits(job->rt_va));
	}
	regmap_write(regs, NPU_REG_JOB_SEQNO, job->hw_seqno);
	regmap_write(regs, NPU_REG_JOB_PUSH, 1);
	return 0;
}

static int npu_hw_status_to_errno(u32 status)
{
	switch (status) {
	case NPU_JOB_OK:
		return 0;
	case NPU_JOB_ERR_MMU_FAULT:
		return -EFAULT;
	case NPU_JOB_ERR_ABORTED:
		return -ECANCELED;
	default:
		return -EIO;
	}
}

static void npu_sched_job_complete(struct npu_drm_device *ndev,
				   const struct npu_hw_completion *rec)
{
	u32 seqno = le32_to_cpu(rec->seqno), status = le32_to_cpu(rec->status);
	struct npu_sched_job *job, *found = NULL;

	scoped_guard(spinlock, &ndev->job_lock) {
		list_for_each_entry(job, &ndev->hw_jobs, hw_node) {
			if (job->hw_seqno == seqno) {
				found = job;
				list_del_init(&job->hw_node);
				break;
			}
		}
	}
	if (!found) {
		dev_dbg(ndev->dev, "completion for unknown seqno %u\n",
			seqno);
		return;
	}
	if (status == NPU_JOB_ERR_MMU_FAULT)
		atomic64_inc(&ndev->counters.mmu_faults);
	npu_sched_job_finish(found, npu_hw_status_to_errno(status), rec);
}

/**
 * npu_sched_job_handle_completions() - consume the completion ring
 * @ndev: device.
 *
 * Records arrive in queue order, so fences signal in order.
 */
void npu_sched_job_handle_completions(struct npu_drm_device *ndev)
{
	struct npu_hw_completion rec;
	u32 wptr = 0, n = 0;
	bool cookie;

	cookie = dma_fence_begin_signalling();
	mutex_lock(&ndev->ring_lock);
	if (regmap_read(ndev->regs, NPU_REG_CRING_WPTR, &wptr))
		goto out;
	/* A confused device must not make us spin. */
	while (ndev->cring_rptr != wptr && n++ < NPU_CRING_ENTRIES) {
		dma_rmb();
		rec = ndev->cring[ndev->cring_rptr % NPU_CRING_ENTRIES];
		ndev->cring_rptr++;
		npu_sched_job_complete(ndev, &rec);
	}
	regmap_write(ndev->regs, NPU_REG_CRING_RPTR, ndev->cring_rptr);
out:
	mutex_unlock(&ndev->ring_lock);
	dma_fence_end_signalling(cookie);
}

void npu_sched_job_mmu_fault(struct npu_drm_device *ndev)
{
	u32 status = 0, lo = 0, hi = 0, seqno = 0;

	regmap_read(ndev->regs, NPU_REG_MMU_FAULT_STATUS, &status);
	regmap_read(ndev->regs, NPU_REG_MMU_FAULT_ADDR_LO, &lo);
	regmap_read(ndev->regs, NPU_REG_MMU_FAULT_ADDR_HI, &hi);
	regmap_read(ndev->regs, NPU_REG_MMU_FAULT_SEQNO, &seqno);
	if (!(status & NPU_MMU_FAULT_VALID))
		return;
	dev_info_ratelimited(ndev->dev,
			     "MMU fault: as %u %s %s at 0x%llx, job %u\n",
			     NPU_MMU_FAULT_AS(status),
			     status & NPU_MMU_FAULT_WRITE ? "write" : "read",
			     status & NPU_MMU_FAULT_PERMISSION ?
				"permission" : "translation",
			     (u64)hi << 32 | lo, seqno);
}

/* ---- scheduler backend ---- */

/*
 * On the fence-signalling path (annotated for lockdep): no allocation and no
 * runtime resume here.  The fence memory and the device's power reference
 * were taken at submit.
 */
static struct dma_fence *npu_sched_job_run(struct drm_sched_job *sched_job)
{
	struct npu_sched_job *job = to_npu_sched_job(sched_job);
	struct npu_drm_device *ndev = job->ndev;
	struct dma_fence *fence = NULL;
	bool cookie;
	int idx, ret;

	cookie = dma_fence_begin_signalling();
	/*
	 * A job that never reaches the hardware still ends with its stats
	 * written, as the uapi promises for every job.
	 */
	/* A failed dependency or a killed entity: don't run. */
	ret = sched_job->s_fence->finished.error;
	if (unlikely(ret)) {
		npu_sched_job_write_stats(job, ret, NULL);
		npu_sched_job_dequeue(job);
		goto out;
	}
	if (READ_ONCE(job->nfile->banned))
		ret = -ECANCELED;
	else if (ndev->dead)
		ret = -EIO;
	else if (WARN_ON(!job->fence_mem))	/* run twice */
		ret = -EINVAL;
	else if (!drm_dev_enter(&ndev->drm, &idx))
		ret = -ENODEV;
	if (ret)
		goto err;

	fence = npu_fence_init(job);
	job->done_fence = dma_fence_get(fence);
	ret = npu_sched_job_hw_push(job);
	drm_dev_exit(idx);
	if (ret) {
		dma_fence_set_error(fence, ret);
		dma_fence_signal(fence);
		dma_fence_put(fence);
		goto err;
	}
	goto out;

err:
	npu_sched_job_write_stats(job, ret, NULL);
	npu_sched_job_dequeue(job);
	fence = ERR_PTR(ret);
out:
	dma_fence_end_signalling(cookie);
	return fence;
}

/* Device reset: drop the queue, fail the guilty job, push the rest again. */
static void npu_sched_job_recover(struct npu_drm_device *ndev, struct npu_sched_job *bad)
{
	struct npu_sched_job *job, *tmp;
	LIST_HEAD(queued);
	int ret;

	scoped_guard(spinlock, &ndev->job_lock)
		list_splice_init(&ndev->hw_jobs, &queued);

	ret = npu_hw_reset(ndev);
	if (ret)
		ret = npu_hw_reset(ndev);
	if (ret) {
		dev_err(ndev->dev, "device lost after failed reset\n");
		ndev->dead = true;
	}

	list_for_each_entry_safe(job, tmp, &queued, hw_node) {
		list_del_init(&job->hw_node);
		if (job->as >= 0) {
			npu_mmu_as_put(job->nfile->mmu);
			job->as = -1;
		}
		if (job == bad) {
			if (atomic_inc_return(&job->nfile->hangs) >=
			    npu_ban_hangs) {
				WRITE_ONCE(job->nfile->banned, true);
				dev_info(ndev->dev, "client %llu banned after %u hangs\n",
					 job->nfile->client_id, npu_ban_hangs);
			}
			npu_sched_job_finish(job, -ETIMEDOUT, NULL);
		} else if (ndev->dead) {
			npu_sched_job_finish(job, -EIO, NULL);
		} else if (READ_ONCE(job->nfile->banned)) {
			npu_sched_job_finish(job, -ECANCELED, NULL);
		} else if (npu_sched_job_hw_push(job)) {
			npu_sched_job_finish(job, -EIO, NULL);
		}
	}
}

/*
 * drm_sched_stop() detached the hardware fences of the pending jobs; attach
 * them again so drm_sched_start() waits for (or completes) each job.
 */
static void npu_sched_job_reattach_fences(struct npu_drm_device *ndev)
{
	struct drm_sched_job *s_job;
	struct npu_sched_job *job;

	list_for_each_entry(s_job, &ndev->sched.pending_list, list) {
		job = to_npu_sched_job(s_job);
		if (!s_job->s_fence->parent && job->done_fence)
			s_job->s_fence->parent = dma_fence_get(job->done_fence);
	}
}

static enum drm_gpu_sched_stat npu_sched_job_timedout(struct drm_sched_job *sched_job)
{
	struct npu_sched_job *job = to_npu_sched_job(sched_job);
	struct npu_drm_device *ndev = job->ndev;
	int idx;

	if (!drm_dev_enter(&ndev->drm, &idx))
		return DRM_GPU_SCHED_STAT_ENODEV;

	disable_irq(ndev->irq);
	/* The job may have finished and only its interrupt was lost. */
	npu_sched_job_handle_completions(ndev);

	/*
	 * Stop in both cases: the scheduler took the job off its pending
	 * list, and drm_sched_stop() is what frees a completed one.
	 */
	drm_sched_stop(&ndev->sched, sched_job);
	if (job->done_fence && !dma_fence_is_signaled(job->done_fence)) {
		dev_info(ndev->dev, "job %u timed out, resetting\n",
			 job->hw_seqno);
		scoped_guard(mutex, &ndev->reset_lock)
			npu_sched_job_recover(ndev, job);
	} else {
		dev_info(ndev->dev, "job completed without interrupt\n");
	}
	npu_sched_job_reattach_fences(ndev);
	drm_sched_start(&ndev->sched);
	enable_irq(ndev->irq);
	drm_dev_exit(idx);
	return DRM_GPU_SCHED_STAT_NOMINAL;
}

static void npu_sched_job_free(struct drm_sched_job *sched_job)
{
	struct npu_sched_job *job = to_npu_sched_job(sched_job);

	drm_sched_job_cleanup(sched_job);
	npu_sched_job_put(job);
}

static const struct drm_sched_backend_ops npu_sched_ops = {
	.run_job = npu_sched_job_run,
	.timedout_job = npu_sched_job_timedout,
	.free_job = npu_sched_job_free,
};

/* ---- submission ---- */

/*
 * Adds @obj to the job's buffers; the caller's reference passes to the job.
 * A buffer listed twice is one entry: the job adds one fence per buffer,
 * which is what the reservation slots are counted for.
 */
static struct npu_sched_job_bo *
npu_sched_job_add_obj(struct npu_sched_job *job, struct drm_gem_object *obj,
		      bool dev_write, bool fence_write)
{
	struct npu_file *nfile = job->nfile;
	struct npu_sched_job_bo *bo;
	u32 i;
	int ret;

	for (i = 0; i < job->bo_count; i++) {
		if (job->bos[i].obj == obj) {
			job->bos[i].dev_write |= dev_write;
			job->bos[i].fence_write |= fence_write;
			drm_gem_object_put(obj);
			return &job->bos[i];
		}
	}

	bo = &job->bos[job->bo_count++];
	bo->obj = obj;
	bo->dev_write = dev_write;
	bo->fence_write = fence_write || dev_write;
	bo->mapping = npu_gem_mapping_get(to_npu_gem_object(obj), nfile->mmu);
	if (!bo->mapping) {
		drm_dbg(&job->ndev->drm, "buffer not mapped in the file's address space\n");
		return ERR_PTR(-ENOENT);
	}
	ret = npu_gem_mapping_populate(bo->mapping);
	return ret ? ERR_PTR(ret) : bo;
}

/*
 * A buffer of the job by handle: never a command object, whose contents
 * must stay the validated stream the kernel wrote.
 */
static struct drm_gem_object *npu_sched_job_lookup(struct npu_sched_job *job,
						   struct drm_file *file,
						   u32 handle, bool write)
{
	struct drm_device *drm = &job->ndev->drm;
	struct drm_gem_object *obj;
	struct npu_gem_object *bo;

	obj = drm_gem_object_lookup(file, handle);
	if (!obj) {
		drm_dbg(drm, "no buffer with handle %u\n", handle);
		return ERR_PTR(-ENOENT);
	}
	bo = to_npu_gem_object(obj);
	if (bo->cmdobj) {
		drm_dbg(drm, "command object %u used as a buffer\n", handle);
		drm_gem_object_put(obj);
		return ERR_PTR(-EINVAL);
	}
	if (write && (bo->flags & DRM_NPU_BO_DEVICE_READ_ONLY)) {
		drm_dbg(drm, "write reference to device-read-only buffer %u\n",
			handle);
		drm_gem_object_put(obj);
		return ERR_PTR(-EINVAL);
	}
	return obj;
}

static int npu_sched_job_add_handle(struct npu_sched_job *job, struct drm_file *file,
				    u32 handle, bool write)
{
	struct drm_gem_object *obj;

	obj = npu_sched_job_lookup(job, file, handle, write);
	if (IS_ERR(obj))
		return PTR_ERR(obj);
	return PTR_ERR_OR_ZERO(npu_sched_job_add_obj(job, obj, write, write));
}

/* Copies the stream and points the job at the copy; @map: its mapping. */
static int npu_sched_job_copy_stream(struct npu_sched_job *job, const void *cs,
				     struct iosys_map *map)
{
	struct npu_cs_copy *copy;

	/* Longer streams are refused by the validator: copy nothing. */
	if (job->cs_size > NPU_LIMIT_STREAM_BYTES) {
		drm_dbg(&job->ndev->drm, "stream of %u bytes, limit %u\n",
			job->cs_size, NPU_LIMIT_STREAM_BYTES);
		return -EINVAL;
	}

	copy = npu_cs_copy_get(job->nfile, job->cs_size);
	if (IS_ERR(copy))
		return PTR_ERR(copy);
	job->cs_copy = copy;
	job->cs_va = copy->mapping->va.start;
	*map = copy->map;
	iosys_map_memcpy_to(map, 0, cs, job->cs_size);
	return 0;
}

/*
 * The stream may write only the buffers the job declared written
 * (DRM_NPU_BO_REF_WRITE), which are the ones its fence marks as written for
 * implicit sync: what the validator allows and what other users wait for
 * cannot disagree.
 */
static int npu_sched_job_validate(struct npu_sched_job *job)
{
	struct npu_validate_range *ranges;
	struct drm_gem_object *cmd = job->bos[0].obj;
	struct iosys_map map, copy_map;
	u64 offset = job->cs_va - job->bos[0].mapping->va.start;
	u32 i;
	int ret;

	ranges = kvcalloc(job->bo_count, sizeof(*ranges), GFP_KERNEL);
	if (!ranges)
		return -ENOMEM;
	for (i = 0; i < job->bo_count; i++) {
		ranges[i].va = job->bos[i].mapping->va.start;
		ranges[i].size = job->bos[i].obj->size;
		ranges[i].writable = job->bos[i].dev_write;
	}

	/*
	 * Kept until the job is freed: back-to-back submissions on one stream
	 * buffer then reuse the kernel mapping instead of building a new one.
	 */
	ret = drm_gem_vmap_unlocked(cmd, &map);
	if (ret)
		goto out;
	job->cmd_map = map;
	if (map.is_iomem) {
		drm_dbg(&job->ndev->drm, "stream buffer is I/O memory\n");
		ret = -EINVAL;
		goto out;
	}

	ret = npu_sched_job_copy_stream(job, map.vaddr + offset, &copy_map);
	if (ret)
		goto out;
	/* What is validated is what the device will read. */
	ret = npu_validate_stream(&job->ndev->drm, copy_map.vaddr, job->cs_size,
				  ranges, job->bo_count);
out:
	kvfree(ranges);
	return ret;
}

/* Checks what can be checked before anything is looked up or allocated. */
static int npu_sched_job_check_args(struct drm_device *drm,
				    const struct drm_npu_job *args)
{
	if ((args->flags & ~DRM_NPU_JOB_FLAGS) || args->pad || args->pad2) {
		drm_dbg(drm, "job flags 0x%x, pad 0x%x or pad2 0x%x not allowed\n",
			args->flags, args->pad, args->pad2);
		return -EINVAL;
	}
	if (args->flags & DRM_NPU_JOB_CMDSTREAM_OBJECT) {
		if (args->cmd_offset || args->cmd_size) {
			drm_dbg(drm, "command object with stream offset %u size %u\n",
				args->cmd_offset, args->cmd_size);
			return -EINVAL;
		}
		if (args->region_count > DRM_NPU_MAX_REGIONS) {
			drm_dbg(drm, "%u regions, limit %u\n",
				args->region_count, DRM_NPU_MAX_REGIONS);
			return -EINVAL;
		}
	} else if (args->regions || args->region_count) {
		drm_dbg(drm, "regions without a command object\n");
		return -EINVAL;
	} else if (!args->cmd_size || !IS_ALIGNED(args->cmd_size, 4) ||
		   !IS_ALIGNED(args->cmd_offset, 4)) {
		drm_dbg(drm, "stream offset %u size %u: not 4-byte aligned or empty\n",
			args->cmd_offset, args->cmd_size);
		return -EINVAL;
	}
	if (args->bo_ref_count > NPU_MAX_BO_REFS) {
		drm_dbg(drm, "%u buffer references, limit %u\n",
			args->bo_ref_count, NPU_MAX_BO_REFS);
		return -EINVAL;
	}
	if (args->in_sync_count > NPU_MAX_IN_SYNCS) {
		drm_dbg(drm, "%u in-syncs, limit %u\n",
			args->in_sync_count, NPU_MAX_IN_SYNCS);
		return -EINVAL;
	}
	if (args->stats_bo && !IS_ALIGNED(args->stats_offset, 8)) {
		drm_dbg(drm, "stats offset %u not 8-byte aligned\n",
			args->stats_offset);
		return -EINVAL;
	}
	return 0;
}

/* A job counted against the file's queue bound, with its fence memory. */
static struct npu_sched_job *npu_sched_job_alloc(struct npu_file *nfile,
						 const struct drm_npu_job *args)
{
	struct npu_drm_device *ndev = nfile->ndev;
	struct npu_sched_job *job;
	u32 max_bos = 1 + args->bo_ref_count + (args->stats_bo ? 1 : 0) +
		      args->region_count;
	int ret;

	if (atomic_inc_return(&nfile->queued_jobs) > READ_ONCE(npu_max_queued_jobs)) {
		atomic_dec(&nfile->queued_jobs);
		drm_dbg(&ndev->drm, "client %llu has %u jobs queued already\n",
			nfile->client_id, READ_ONCE(npu_max_queued_jobs));
		return ERR_PTR(-EBUSY);
	}

	job = kzalloc(sizeof(*job), GFP_KERNEL);
	if (!job) {
		atomic_dec(&nfile->queued_jobs);
		return ERR_PTR(-ENOMEM);
	}
	kref_init(&job->refcount);
	job->queued = true;
	atomic_inc(&ndev->job_count);
	job->ndev = ndev;
	job->nfile = npu_file_get(nfile);
	job->as = -1;
	INIT_LIST_HEAD(&job->hw_node);

	job->bos = kvcalloc(max_bos, sizeof(*job->bos), GFP_KERNEL);
	job->fence_mem = kzalloc(sizeof(*job->fence_mem), GFP_KERNEL);
	if (!job->bos || !job->fence_mem) {
		ret = -ENOMEM;
		goto err;
	}
	/*
	 * Powered from submit to free: run_job, on the fence-signalling path,
	 * must not resume the device (a firmware boot).
	 */
	ret = pm_runtime_resume_and_get(ndev->dev);
	if (ret)
		goto err;
	job->pm_ref = true;
	return job;

err:
	npu_sched_job_put(job);
	return ERR_PTR(ret);
}

/* A command object runs as it is: validated and sized at its creation. */
static int npu_sched_job_add_cmdobj(struct npu_sched_job *job, struct drm_file *file,
				    u32 handle)
{
	struct drm_device *drm = &job->ndev->drm;
	struct npu_sched_job_bo *bo;
	struct drm_gem_object *obj;

	obj = drm_gem_object_lookup(file, handle);
	if (!obj) {
		drm_dbg(drm, "no command object with handle %u\n", handle);
		return -ENOENT;
	}
	if (!to_npu_gem_object(obj)->cmdobj) {
		drm_dbg(drm, "buffer %u is not a command object\n", handle);
		drm_gem_object_put(obj);
		return -EINVAL;
	}
	bo = npu_sched_job_add_obj(job, obj, false, false);
	if (IS_ERR(bo))
		return PTR_ERR(bo);
	job->cmdobj = to_npu_gem_object(obj)->cmdobj;
	job->cs_va = bo->mapping->va.start;
	job->cs_size = job->cmdobj->size;
	return 0;
}

/* The stream buffer first (entry 0), then the buffers the job lists. */
static int npu_sched_job_add_refs(struct npu_sched_job *job, struct drm_file *file,
				  const struct drm_npu_job *args)
{
	struct drm_npu_bo_ref __user *urefs = u64_to_user_ptr(args->bo_refs);
	struct drm_device *drm = &job->ndev->drm;
	u32 i;
	int ret;

	if (args->flags & DRM_NPU_JOB_CMDSTREAM_OBJECT) {
		ret = npu_sched_job_add_cmdobj(job, file, args->cmd_bo);
		if (ret)
			return ret;
	} else {
		ret = npu_sched_job_add_handle(job, file, args->cmd_bo, false);
		if (ret)
			return ret;
		if ((u64)args->cmd_offset + args->cmd_size > job->bos[0].obj->size) {
			drm_dbg(drm, "stream %u+%u past the end of its %zu-byte buffer\n",
				args->cmd_offset, args->cmd_size,
				job->bos[0].obj->size);
			return -EINVAL;
		}
		job->cs_va = job->bos[0].mapping->va.start + args->cmd_offset;
		job->cs_size = args->cmd_size;
	}

	for (i = 0; i < args->bo_ref_count; i++) {
		struct drm_npu_bo_ref ref;

		if (copy_from_user(&ref, &urefs[i], sizeof(ref))) {
			drm_dbg(drm, "buffer reference %u at 0x%llx not readable\n",
				i, args->bo_refs);
			return -EFAULT;
		}
		if (!ref.flags ||
		    (ref.flags & ~(DRM_NPU_BO_REF_READ | DRM_NPU_BO_REF_WRITE))) {
			drm_dbg(drm, "buffer reference %u: bad flags 0x%x\n",
				i, ref.flags);
			return -EINVAL;
		}
		ret = npu_sched_job_add_handle(job, file, ref.handle,
					       ref.flags & DRM_NPU_BO_REF_WRITE);
		if (ret)
			return ret;
	}
	return 0;
}

/*
 * The stats buffer is looked up once: a second lookup could find another
 * buffer if the handle was closed and reused in between, and the stats would
 * go to a buffer the job does not fence.
 */
static int npu_sched_job_add_stats(struct npu_sched_job *job, struct drm_file *file,
				   const struct drm_npu_job *args)
{
	struct drm_device *drm = &job->ndev->drm;
	struct drm_gem_object *obj;
	int ret;

	if (!args->stats_bo)
		return 0;
	obj = npu_sched_job_lookup(job, file, args->stats_bo, false);
	if (IS_ERR(obj))
		return PTR_ERR(obj);
	job->stats_obj = obj;
	if ((u64)args->stats_offset + sizeof(struct drm_npu_job_stats) >
	    obj->size) {
		drm_dbg(drm, "stats at %u past the end of their %zu-byte buffer\n",
			args->stats_offset, obj->size);
		return -EINVAL;
	}
	job->stats_offset = args->stats_offset;
	ret = drm_gem_vmap_unlocked(obj, &job->stats_map);
	if (ret) {
		iosys_map_clear(&job->stats_map);
		return ret;
	}
	/*
	 * Written by the CPU when the job ends: a write for implicit sync,
	 * even to a buffer the device may only read.
	 */
	drm_gem_object_get(obj);
	return PTR_ERR_OR_ZERO(npu_sched_job_add_obj(job, obj, false, true));
}

/*
 * Region @r of a command object's job: the buffer bound to it, its size
 * against what the stream needs, its fence from the stream's write set.
 */
static int npu_sched_job_bind_region(struct npu_sched_job *job, struct drm_file *file,
				     u32 r, const struct drm_npu_region *reg,
				     struct npu_hw_region *entry)
{
	const struct npu_cmdobj *cs = job->cmdobj;
	struct drm_device *drm = &job->ndev->drm;
	bool write = cs->region_write & BIT(r);
	struct npu_sched_job_bo *bo;
	struct drm_gem_object *obj;

	if (reg->flags) {
		drm_dbg(drm, "region %u: flags 0x%x not zero\n", r, reg->flags);
		return -EINVAL;
	}
	if (!reg->handle || !r) {
		if (reg->handle || reg->offset) {
			drm_dbg(drm, "region %u: offset without buffer, or region 0 bound\n",
				r);
			return -EINVAL;
		}
		if (r && (cs->region_used & BIT(r))) {
			drm_dbg(drm, "region %u: used by the stream but not bound\n",
				r);
			return -EINVAL;
		}
		return 0;
	}
	if (!IS_ALIGNED(reg->offset, NPU_REGION_ALIGN)) {
		drm_dbg(drm, "region %u: offset %llu not a multiple of %u\n",
			r, reg->offset, NPU_REGION_ALIGN);
		return -EINVAL;
	}
	obj = npu_sched_job_lookup(job, file, reg->handle, write);
	if (IS_ERR(obj))
		return PTR_ERR(obj);
	if (reg->offset > obj->size ||
	    obj->size - reg->offset < cs->region_size[r]) {
		drm_dbg(drm, "region %u: buffer %u of %zu bytes from offset %llu, the stream needs %llu\n",
			r, reg->handle, obj->size, reg->offset,
			cs->region_size[r]);
		drm_gem_object_put(obj);
		return -EINVAL;
	}
	bo = npu_sched_job_add_obj(job, obj, write, write);
	if (IS_ERR(bo))
		return PTR_ERR(bo);
	entry->base = cpu_to_le64(bo->mapping->va.start + reg->offset);
	entry->size = cpu_to_le64(obj->size - reg->offset);
	return 0;
}

/*
 * The job's region table, in a buffer only the kernel writes and the
 * device maps read-only: the stream itself is neither copied nor checked
 * again.
 */
static int npu_sched_job_bind_regions(struct npu_sched_job *job, struct drm_file *file,
				      const struct drm_npu_job *args)
{
	struct drm_npu_region __user *uregs = u64_to_user_ptr(args->regions);
	struct npu_hw_region table[NPU_CS_MAX_REGIONS] = {};
	struct npu_cs_copy *copy;
	u32 r;
	int ret;

	for (r = 0; r < NPU_CS_MAX_REGIONS; r++) {
		struct drm_npu_region reg = {};

		if (r < args->region_count &&
		    copy_from_user(&reg, &uregs[r], sizeof(reg))) {
			drm_dbg(&job->ndev->drm, "region %u at 0x%llx not readable\n",
				r, args->regions);
			return -EFAULT;
		}
		ret = npu_sched_job_bind_region(job, file, r, &reg, &table[r]);
		if (ret)
			return ret;
	}

	copy = npu_cs_copy_get(job->nfile, sizeof(table));
	if (IS_ERR(copy))
		return PTR_ERR(copy);
	job->rt_copy = copy;
	job->rt_va = copy->mapping->va.start;
	iosys_map_memcpy_to(&copy->map, 0, table, sizeof(table));
	return 0;
}

static int npu_sched_job_add_in_syncs(struct npu_sched_job *job, struct drm_file *file,
				      const struct drm_npu_job *args)
{
	u32 __user *usyncs = u64_to_user_ptr(args->in_syncs);
	u32 i, handle;
	int ret;

	for (i = 0; i < args->in_sync_count; i++) {
		if (get_user(handle, &usyncs[i])) {
			drm_dbg(&job->ndev->drm, "in-sync %u at 0x%llx not readable\n",
				i, args->in_syncs);
			return -EFAULT;
		}
		ret = drm_sched_job_add_syncobj_dependency(&job->base, file,
							   handle, 0);
		if (ret) {
			drm_dbg(&job->ndev->drm, "in-sync %u (handle %u): %d\n",
				i, handle, ret);
			return ret;
		}
	}
	return 0;
}

static int npu_sched_job_create(struct npu_file *nfile, struct drm_file *file,
				const struct drm_npu_job *args, u32 priority,
			  struct npu_sched_job **out)
{
	struct drm_device *drm = &nfile->ndev->drm;
	struct npu_sched_job *job;
	int ret;

	ret = npu_sched_job_check_args(drm, args);
	if (ret)
		return ret;
	job = npu_sched_job_alloc(nfile, args);
	if (IS_ERR(job))
		return PTR_ERR(job);

	ret = npu_sched_job_add_refs(job, file, args);
	if (!ret)
		ret = npu_sched_job_add_stats(job, file, args);
	if (!ret && job->cmdobj)
		ret = npu_sched_job_bind_regions(job, file, args);
	else if (!ret)
		ret = npu_sched_job_validate(job);
	if (ret)
		goto err_put;

	if (args->out_sync) {
		job->out_sync = drm_syncobj_find(file, args->out_sync);
		if (!job->out_sync) {
			drm_dbg(drm, "no out-sync with handle %u\n",
				args->out_sync);
			ret = -ENOENT;
			goto err_put;
		}
	}

	ret = drm_sched_job_init(&job->base, &nfile->entities[priority], 1,
				 nfile, file->client_id);
	if (ret)
		goto err_put;
	ret = npu_sched_job_add_in_syncs(job, file, args);
	if (ret) {
		drm_sched_job_cleanup(&job->base);
		goto err_put;
	}

	*out = job;
	return 0;

err_put:
	npu_sched_job_put(job);
	return ret;
}

static int npu_submit_push(struct npu_file *nfile, struct npu_sched_job **jobs,
			   u32 count)
{
	struct drm_exec exec;
	u32 i, j;
	int ret = 0;

	drm_exec_init(&exec, DRM_EXEC_INTERRUPTIBLE_WAIT |
		      DRM_EXEC_IGNORE_DUPLICATES, 0);
	drm_exec_until_all_locked(&exec) {
		for (i = 0; i < count; i++) {
			for (j = 0; j < jobs[i]->bo_count; j++) {
				ret = drm_exec_prepare_obj(&exec,
							   jobs[i]->bos[j].obj,
							   count);
				drm_exec_retry_on_contention(&exec);
				if (ret)
					goto out;
			}
		}
	}

	for (i = 0; i < count; i++) {
		for (j = 0; j < jobs[i]->bo_count; j++) {
			ret = drm_sched_job_add_implicit_dependencies(&jobs[i]->base,
								      jobs[i]->bos[j].obj,
								      jobs[i]->bos[j].fence_write);
			if (ret)
				goto out;
		}
	}

	/* Nothing fails from here: the submission is queued as a whole. */
	scoped_guard(mutex, &nfile->submit_lock) {
		for (i = 0; i < count; i++) {
			struct npu_sched_job *job = jobs[i];
			struct dma_fence *fence;

			drm_sched_job_arm(&job->base);
			fence = &job->base.s_fence->finished;
			for (j = 0; j < job->bo_count; j++)
				dma_resv_add_fence(job->bos[j].obj->resv, fence,
						   job->bos[j].fence_write ?
						   DMA_RESV_USAGE_WRITE :
						   DMA_RESV_USAGE_READ);
			if (job->out_sync)
				drm_syncobj_replace_fence(job->out_sync, fence);
			kref_get(&job->refcount);	/* for the scheduler */
			drm_sched_entity_push_job(&job->base);
		}
	}
out:
	drm_exec_fini(&exec);
	return ret;
}

int npu_ioctl_submit(struct drm_device *drm, void *data,
		     struct drm_file *file)
{
	struct drm_npu_submit *args = data;
	struct npu_file *nfile = file->driver_priv;
	struct npu_drm_device *ndev = nfile->ndev;
	struct npu_sched_job **jobs;
	u32 i, created = 0;
	int ret, idx;

	if (args->flags || args->priority > DRM_NPU_PRIORITY_HIGH) {
		drm_dbg(drm, "submit flags 0x%x or priority %u\n", args->flags,
			args->priority);
		return -EINVAL;
	}
	if (!args->job_count || args->job_count > NPU_MAX_JOBS_PER_SUBMIT) {
		drm_dbg(drm, "%u jobs, limit %u\n", args->job_count,
			NPU_MAX_JOBS_PER_SUBMIT);
		return -EINVAL;
	}
	/* Strides from before @regions was appended have no regions. */
	if (args->job_stride < offsetof(struct drm_npu_job, regions)) {
		drm_dbg(drm, "job stride %u too small\n", args->job_stride);
		return -EINVAL;
	}
	if (args->job_stride > NPU_MAX_JOB_STRIDE) {
		drm_dbg(drm, "job stride %u over %u\n", args->job_stride,
			NPU_MAX_JOB_STRIDE);
		return -E2BIG;
	}
	if (args->priority == DRM_NPU_PRIORITY_HIGH && !capable(CAP_SYS_NICE)) {
		drm_dbg(drm, "high priority without CAP_SYS_NICE\n");
		return -EACCES;
	}
	if (READ_ONCE(nfile->banned)) {
		drm_dbg(drm, "client %llu is banned\n", nfile->client_id);
		return -ECANCELED;
	}
	if (ndev->dead) {
		drm_dbg(drm, "device lost\n");
		return -EIO;
	}

	if (!drm_dev_enter(drm, &idx))
		return -ENODEV;

	jobs = kcalloc(args->job_count, sizeof(*jobs), GFP_KERNEL);
	if (!jobs) {
		ret = -ENOMEM;
		goto out_exit;
	}

	for (i = 0; i < args->job_count; i++) {
		struct drm_npu_job ujob;

		ret = copy_struct_from_user(&ujob, sizeof(ujob),
					    u64_to_user_ptr(args->jobs +
							    (u64)i * args->job_stride),
					    args->job_stride);
		if (ret) {
			drm_dbg(drm, "job %u: %s\n", i, ret == -E2BIG ?
				"non-zero bytes past the known fields" :
				"not readable");
			goto out_put;
		}
		ret = npu_sched_job_create(nfile, file, &ujob, args->priority,
					   &jobs[i]);
		if (ret)
			goto out_put;
		created++;
	}

	ret = npu_submit_push(nfile, jobs, args->job_count);

out_put:
	for (i = 0; i < created; i++) {
		if (ret)
			drm_sched_job_cleanup(&jobs[i]->base);
		npu_sched_job_put(jobs[i]);
	}
	kfree(jobs);
out_exit:
	drm_dev_exit(idx);
	return ret;
}

/* ---- setup ---- */

int npu_sched_job_open_file(struct npu_file *nfile)
{
	struct drm_gpu_scheduler *sched = &nfile->ndev->sched;
	/* Indexed by enum drm_npu_priority. */
	static const enum drm_sched_priority prios[] = {
		[DRM_NPU_PRIORITY_LOW] = DRM_SCHED_PRIORITY_LOW,
		[DRM_NPU_PRIORITY_NORMAL] = DRM_SCHED_PRIORITY_NORMAL,
		[DRM_NPU_PRIORITY_HIGH] = DRM_SCHED_PRIORITY_HIGH,
	};
	int i, ret;

	for (i = 0; i < ARRAY_SIZE(nfile->entities); i++) {
		ret = drm_sched_entity_init(&nfile->entities[i], prios[i],
					    &sched, 1, NULL);
		if (ret) {
			while (--i >= 0)
				drm_sched_entity_destroy(&nfile->entities[i]);
			return ret;
		}
	}
	return 0;
}

void npu_sched_job_close_file(struct npu_file *nfile)
{
	int i;

	for (i = 0; i < ARRAY_SIZE(nfile->entities); i++)
		drm_sched_entity_destroy(&nfile->entities[i]);
}

int npu_sched_job_init(struct npu_drm_device *ndev)
{
	const struct drm_sched_init_args args = {
		.ops = &npu_sched_ops,
		.num_rqs = DRM_SCHED_PRIORITY_COUNT,
		/* One slot per queued job keeps run_job from waiting for one. */
		.credit_limit = min(ndev->queue_depth, ndev->num_as),
		.timeout = msecs_to_jiffies(npu_sched_job_timeout_ms),
		.name = dev_name(ndev->dev),
		.dev = ndev->dev,
	};
	int ret;

	ndev->fence_context = dma_fence_context_alloc(1);
	ret = drm_sched_init(&ndev->sched, &args);
	if (ret)
		return ret;
	ndev->sched_ready = true;
	return 0;
}

void npu_sched_job_fini(struct npu_drm_device *ndev)
{
	int tries = 1000;

	if (!ndev->sched_ready)
		return;
	/* Let free_job run for jobs whose fences already signalled. */
	while (!list_empty(&ndev->sched.pending_list) && tries--) {
		flush_workqueue(ndev->sched.submit_wq);
		usleep_range(1000, 2000);
	}
	drm_sched_fini(&ndev->sched);
	ndev->sched_ready = false;
}

/*
 * Removal: fail whatever is still in the hardware queue, then wait until
 * every job is freed.  Jobs of killed or closed files are freed from
 * workqueues after their file is gone and must not outlive the module.
 */
void npu_sched_job_kill_hw(struct npu_drm_device *ndev)
{
	struct npu_sched_job *job, *tmp;
	LIST_HEAD(queued);

	npu_sched_job_handle_completions(ndev);
	scoped_guard(spinlock, &ndev->job_lock)
		list_splice_init(&ndev->hw_jobs, &queued);
	list_for_each_entry_safe(job, tmp, &queued, hw_node) {
		list_del_init(&job->hw_node);
		npu_sched_job_finish(job, -ENODEV, NULL);
	}
}

bool npu_sched_job_hw_idle(struct npu_drm_device *ndev)
{
	guard(spinlock)(&ndev->job_lock);
	return list_empty(&ndev->hw_jobs);
}

void npu_sched_job_wait_all_freed(struct npu_drm_device *ndev)
{
	if (!wait_event_timeout(ndev->job_wq, !atomic_read(&ndev->job_count),
				10 * HZ))
		dev_err(ndev->dev, "%d jobs still waiting for fences at removal\n",
			atomic_read(&ndev->job_count));
}

void npu_sched_job_debugfs_show(struct npu_drm_device *ndev, struct seq_file *m)
{
	struct npu_sched_job *job;
	ktime_t now = ktime_get();

	seq_printf(m, "credits %d/%u timeout %u ms resets %lld%s\n",
		   atomic_read(&ndev->sched.credit_count),
		   ndev->sched.credit_limit, npu_sched_job_timeout_ms,
		   atomic64_read(&ndev->counters.resets),
		   ndev->dead ? " DEAD" : "");
	guard(spinlock)(&ndev->job_lock);
	list_for_each_entry(job, &ndev->hw_jobs, hw_node)
		seq_printf(m, "  seqno %u as %d cs 0x%llx+%u rt 0x%llx running %lld us\n",
			   job->hw_seqno, job->as, job->cs_va, job->cs_size,
			   job->rt_va, ktime_us_delta(now, job->start));
}
