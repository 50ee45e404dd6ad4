// SPDX-License-Identifier: MIT
/*
 * Jobs: a command stream with its buffer list, or a command object with a
 * buffer per region, submitted with DRM_IOCTL_NPU_SUBMIT; completion
 * through a syncobj (wait, sync_file export) and a per-job stats buffer
 * the kernel fills when the job ends.  Command objects are created here
 * too (DRM_IOCTL_NPU_CMDSTREAM_CREATE).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/sync_file.h>
#include <xf86drm.h>

#include "drm/npu_accel.h"
#include "npu_cmdstream.h"
#include "device_priv.h"

/* Kernel limit on jobs per DRM_IOCTL_NPU_SUBMIT. */
#define NPU_SUBMIT_MAX_JOBS 64

/*
 * Written into the stats before each submission; the kernel replaces it
 * with 0 or a negative errno when the job ends.
 */
#define NPU_STATS_PENDING INT32_MAX

struct npu_cmdstream {
	struct npu_device *dev;
	uint32_t handle;
	uint32_t region_count;
	uint32_t region_write;
	uint64_t region_size[DRM_NPU_MAX_REGIONS];
};

struct npu_job {
	struct npu_device *dev;
	bool object;		/* cmd_bo is a command object, regions bind it */
	struct drm_npu_region regions[DRM_NPU_MAX_REGIONS];
	uint32_t region_count;	/* entries of @regions passed */
	uint32_t cmd_bo;
	uint32_t cmd_offset;
	uint32_t cmd_size;
	uint32_t priority;
	struct drm_npu_bo_ref *refs;
	size_t ref_count, ref_capacity;
	uint32_t *in_syncs;
	size_t in_count, in_capacity;
	uint32_t out_sync;
	struct npu_bo *stats_bo;
	volatile struct drm_npu_job_stats *stats;
	bool submitted;
};

static int grow(void **array, size_t *capacity, size_t count, size_t elem)
{
	size_t n;
	void *p;

	if (count < *capacity)
		return 0;
	n = *capacity ? *capacity * 2 : 8;
	p = realloc(*array, n * elem);
	if (!p)
		return -ENOMEM;
	*array = p;
	*capacity = n;
	return 0;
}

int npu_cmdstream_create(struct npu_device *dev, const void *stream, uint32_t size,
			 struct npu_cmdstream **out)
{
	struct drm_npu_cmdstream_create arg = {
		.data = (uintptr_t)stream, .size = size,
	};
	struct npu_cmdstream *cs;
	int ret;

	if (!out)
		return -EINVAL;
	*out = NULL;
	if (!dev || !stream || !size || size & 3)
		return -EINVAL;
	cs = calloc(1, sizeof(*cs));
	if (!cs)
		return -ENOMEM;
	ret = npu_ioctl(dev->fd, DRM_IOCTL_NPU_CMDSTREAM_CREATE, &arg);
	if (ret) {
		free(cs);
		return ret;
	}
	cs->dev = dev;
	cs->handle = arg.handle;
	cs->region_count = arg.region_count < DRM_NPU_MAX_REGIONS ? arg.region_count :
			   DRM_NPU_MAX_REGIONS;
	cs->region_write = arg.region_write;
	memcpy(cs->region_size, arg.region_size, sizeof(cs->region_size));
	*out = cs;
	return 0;
}

void npu_cmdstream_destroy(struct npu_cmdstream *cs)
{
	if (!cs)
		return;
	drmCloseBufferHandle(cs->dev->fd, cs->handle);
	free(cs);
}

uint32_t npu_cmdstream_region_count(const struct npu_cmdstream *cs)
{
	return cs ? cs->region_count : 0;
}

uint64_t npu_cmdstream_region_size(const struct npu_cmdstream *cs, uint32_t region)
{
	return cs && region < DRM_NPU_MAX_REGIONS ? cs->region_size[region] : 0;
}

bool npu_cmdstream_region_written(const struct npu_cmdstream *cs, uint32_t region)
{
	return cs && region < DRM_NPU_MAX_REGIONS && (cs->region_write >> region & 1);
}

/* The parts every job has: its syncobj and stats buffer. */
static int job_new(struct npu_device *dev, struct npu_job **out)
{
	struct npu_job *job;
	void *map;
	int ret;

	job = calloc(1, sizeof(*job));
	if (!job)
		return -ENOMEM;
	job->dev = dev;
	job->priority = DRM_NPU_PRIORITY_NORMAL;
	if (drmSyncobjCreate(dev->fd, 0, &job->out_sync)) {
		ret = -errno;
		goto err;
	}
	ret = npu_bo_alloc(dev, sizeof(struct drm_npu_job_stats), 0, &job->stats_bo);
	if (ret)
		goto err;
	ret = npu_bo_map(job->stats_bo, &map);
	if (ret)
		goto err;
	job->stats = map;
	*out = job;
	return 0;
err:
	npu_job_destroy(job);
	return ret;
}

int npu_job_create(struct npu_device *dev, struct npu_bo *cmd_bo,
		   uint32_t cmd_offset, uint32_t cmd_size, struct npu_job **out)
{
	int ret;

	if (!out)
		return -EINVAL;
	*out = NULL;
	if (!dev || !cmd_bo || npu_bo_device(cmd_bo) != dev || !cmd_size ||
	    (cmd_offset | cmd_size) & 3 ||
	    (uint64_t)cmd_offset + cmd_size > npu_bo_size(cmd_bo))
		return -EINVAL;
	ret = job_new(dev, out);
	if (ret)
		return ret;
	(*out)->cmd_bo = npu_bo_handle(cmd_bo);
	(*out)->cmd_offset = cmd_offset;
	(*out)->cmd_size = cmd_size;
	return 0;
}

int npu_job_create_cmdstream(struct npu_cmdstream *cs, struct npu_job **out)
{
	int ret;

	if (!out)
		return -EINVAL;
	*out = NULL;
	if (!cs)
		return -EINVAL;
	ret = job_new(cs->dev, out);
	if (ret)
		return ret;
	(*out)->object = true;
	(*out)->cmd_bo = cs->handle;
	return 0;
}

int npu_job_bind_region(struct npu_job *job, uint32_t region, struct npu_bo *bo,
			uint64_t offset)
{
	if (!job || !job->object || !region || region >= DRM_NPU_MAX_REGIONS ||
	    (bo && npu_bo_device(bo) != job->dev) || offset % NPU_REGION_ALIGN)
		return -EINVAL;
	job->regions[region] = (struct drm_npu_region){
		.handle = bo ? npu_bo_handle(bo) : 0,
		.offset = bo ? offset : 0,
	};
	job->region_count = 0;
	for (uint32_t r = DRM_NPU_MAX_REGIONS; r > 0; r--)
		if (job->regions[r - 1].handle) {
			job->region_count = r;
			break;
		}
	return 0;
}

void npu_job_destroy(struct npu_job *job)
{
	if (!job)
		return;
	npu_job_clear_in_fences(job);
	if (job->out_sync)
		drmSyncobjDestroy(job->dev->fd, job->out_sync);
	npu_bo_free(job->stats_bo);
	free(job->in_syncs);
	free(job->refs);
	free(job);
}

int npu_job_add_bo(struct npu_job *job, struct npu_bo *bo, uint32_t usage)
{
	uint32_t flags = (usage & NPU_JOB_BO_READ ? DRM_NPU_BO_REF_READ : 0) |
			 (usage & NPU_JOB_BO_WRITE ? DRM_NPU_BO_REF_WRITE : 0);
	int ret;

	if (!job || !bo || npu_bo_device(bo) != job->dev || !usage ||
	    (usage & ~(NPU_JOB_BO_READ | NPU_JOB_BO_WRITE)))
		return -EINVAL;
	for (size_t i = 0; i < job->ref_count; i++) {
		if (job->refs[i].handle == npu_bo_handle(bo)) {
			job->refs[i].flags |= flags;
			return 0;
		}
	}
	ret = grow((void **)&job->refs, &job->ref_capacity, job->ref_count,
		   sizeof(*job->refs));
	if (ret)
		return ret;
	job->refs[job->ref_count++] = (struct drm_npu_bo_ref){
		.handle = npu_bo_handle(bo),
		.flags = flags,
	};
	return 0;
}

int npu_job_add_in_fence(struct npu_job *job, int fd)
{
	uint32_t handle;
	int ret;

	if (!job || fd < 0)
		return -EINVAL;
	ret = grow((void **)&job->in_syncs, &job->in_capacity, job->in_count,
		   sizeof(*job->in_syncs));
	if (ret)
		return ret;
	if (drmSyncobjCreate(job->dev->fd, 0, &handle))
		return -errno;
	if (drmSyncobjImportSyncFile(job->dev->fd, handle, fd)) {
		ret = -errno;
		drmSyncobjDestroy(job->dev->fd, handle);
		return ret;
	}
	job->in_syncs[job->in_count++] = handle;
	return 0;
}

void npu_job_clear_in_fences(struct npu_job *job)
{
	if (!job)
		return;
	for (size_t i = 0; i < job->in_count; i++)
		drmSyncobjDestroy(job->dev->fd, job->in_syncs[i]);
	job->in_count = 0;
}

int npu_job_set_priority(struct npu_job *job, enum npu_priority priority)
{
	if (!job || priority < NPU_PRIORITY_LOW || priority > NPU_PRIORITY_HIGH)
		return -EINVAL;
	job->priority = (uint32_t)priority;
	return 0;
}

/* Whether the last submission is still running (or waiting to run). */
static bool job_busy(struct npu_job *job)
{
	if (!job->submitted)
		return false;
	return drmSyncobjWait(job->dev->fd, &job->out_sync, 1, 0,
			      DRM_SYNCOBJ_WAIT_FLAGS_WAIT_FOR_SUBMIT, NULL) != 0;
}

static void fill_uapi_job(const struct npu_job *job, struct drm_npu_job *k)
{
	*k = (struct drm_npu_job){
		.cmd_bo = job->cmd_bo,
		.cmd_offset = job->cmd_offset,
		.cmd_size = job->cmd_size,
		.bo_refs = (uintptr_t)job->refs,
		.bo_ref_count = (uint32_t)job->ref_count,
		.in_sync_count = (uint32_t)job->in_count,
		.in_syncs = (uintptr_t)job->in_syncs,
		.out_sync = job->out_sync,
		.stats_bo = npu_bo_handle(job->stats_bo),
		.stats_offset = 0,
		.flags = job->object ? DRM_NPU_JOB_CMDSTREAM_OBJECT : 0,
		.regions = job->object ? (uintptr_t)job->regions : 0,
		.region_count = job->object ? job->region_count : 0,
	};
}

int npu_job_submit_batch(struct npu_job *const *jobs, size_t count)
{
	struct drm_npu_job k[NPU_SUBMIT_MAX_JOBS];
	int32_t last_status[NPU_SUBMIT_MAX_JOBS];
	struct drm_npu_submit submit = { 0 };
	int ret;

	if (!jobs || !count || count > NPU_SUBMIT_MAX_JOBS || !jobs[0])
		return -EINVAL;
	for (size_t i = 0; i < count; i++) {
		if (!jobs[i] || jobs[i]->dev != jobs[0]->dev ||
		    jobs[i]->priority != jobs[0]->priority)
			return -EINVAL;
		for (size_t j = 0; j < i; j++)
			if (jobs[j] == jobs[i])
				return -EINVAL;
		if (job_busy(jobs[i]))
			return -EBUSY;
	}
	/*
	 * Pending before the ioctl: the kernel may write the stats before it
	 * returns.  A refused submission queued nothing (all or none), so the
	 * last run's stats are put back.
	 */
	for (size_t i = 0; i < count; i++) {
		last_status[i] = jobs[i]->stats->status;
		jobs[i]->stats->status = NPU_STATS_PENDING;
		fill_uapi_job(jobs[i], &k[i]);
	}
	submit.jobs = (uintptr_t)k;
	submit.job_count = (uint32_t)count;
	submit.job_stride = sizeof(k[0]);
	submit.priority = jobs[0]->priority;
	ret = npu_ioctl(jobs[0]->dev->fd, DRM_IOCTL_NPU_SUBMIT, &submit);
	if (ret) {
		for (size_t i = 0; i < count; i++)
			jobs[i]->stats->status = last_status[i];
		return ret;
	}
	for (size_t i = 0; i < count; i++)
		jobs[i]->submitted = true;
	return 0;
}

int npu_job_submit(struct npu_job *job)
{
	return npu_job_submit_batch(&job, 1);
}

/* The error the job's fence carries, from its sync_file: 0 or -errno. */
static int fence_status(struct npu_job *job)
{
	struct sync_file_info info = { 0 };
	int fd, ret;

	if (drmSyncobjExportSyncFile(job->dev->fd, job->out_sync, &fd))
		return -errno;
	ret = ioctl(fd, SYNC_IOC_FILE_INFO, &info) ? -errno : info.status;
	close(fd);
	/* status: 1 signalled without error, 0 still active, <0 the error. */
	return ret < 0 ? ret : ret == 1 ? 0 : -NPU_ERR_JOB_PENDING;
}

int npu_job_wait(struct npu_job *job, int64_t timeout_ns)
{
	int32_t status;

	if (!job)
		return -EINVAL;
	if (!job->submitted)
		return -NPU_ERR_JOB_PENDING;
	if (drmSyncobjWait(job->dev->fd, &job->out_sync, 1,
			   timeout_ns ? npu_deadline_ns(timeout_ns) : 0,
			   DRM_SYNCOBJ_WAIT_FLAGS_WAIT_FOR_SUBMIT, NULL))
		return errno == ETIME || errno == ETIMEDOUT ? -ETIME : -errno;
	status = job->stats->status;
	/*
	 * The kernel writes the stats before signalling; should they be
	 * missing, the fence itself still tells success from failure.
	 */
	if (status == NPU_STATS_PENDING)
		return fence_status(job);
	return status;
}

int npu_job_get_stats(const struct npu_job *job, struct npu_job_stats *stats)
{
	int32_t status;

	if (!job || !stats)
		return -EINVAL;
	status = job->submitted ? job->stats->status : NPU_STATS_PENDING;
	if (status == NPU_STATS_PENDING)
		return -NPU_ERR_JOB_PENDING;
	*stats = (struct npu_job_stats){
		.status = status,
		.cycles = job->stats->cycles,
		.macs = job->stats->macs,
		.dram_read_bytes = job->stats->dram_read_bytes,
		.dram_write_bytes = job->stats->dram_write_bytes,
		.exec_ns = job->stats->exec_ns,
	};
	return 0;
}

int npu_job_export_fence(struct npu_job *job, int *fd)
{
	if (!job || !fd)
		return -EINVAL;
	*fd = -1;
	if (!job->submitted)
		return -NPU_ERR_JOB_PENDING;
	if (drmSyncobjExportSyncFile(job->dev->fd, job->out_sync, fd))
		return -errno;
	return 0;
}
