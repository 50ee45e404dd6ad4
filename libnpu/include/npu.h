/* SPDX-License-Identifier: MIT */
/*
 * libnpu: userspace access to the NPU accel driver.
 *
 * Conventions
 * - Objects are opaque handles created by the _open, _alloc and _create
 *   functions and released by the matching _close, _free and _destroy
 *   functions, which accept NULL.
 * - Functions that can fail return 0 or a negative error: a negative errno
 *   (-EINVAL, -ENOMEM, ...) or a negative NPU_ERR_* below.  npu_strerror()
 *   turns either into a message.
 * - The library keeps no global state; one device handle may be used from
 *   several threads.  BO and job handles belong to one thread at a time.
 *
 * This header is the device layer, in the manner of libdrm: discovery,
 * devices, buffer objects and jobs.  The model runtime built on it has its
 * own header, npu_model.h.
 *
 * Documentation/runtime-api.rst describes the API with examples.
 */
#ifndef NPU_H
#define NPU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#if defined(__cplusplus)
extern "C" {
#endif

/* libnpu is built with -fvisibility=hidden: what this header declares is its API. */
#pragma GCC visibility push(default)

/* ------------------------------------------------------------------ errors */

/*
 * Library-specific errors, returned negated like errno values.  They start
 * above the errno range so the two never collide.
 */
enum npu_error {
	NPU_ERR_BASE = 4096,
	NPU_ERR_NO_DEVICE = NPU_ERR_BASE, /* no NPU found on the system */
	NPU_ERR_NOT_NPU,	/* the node is not driven by the NPU driver */
	NPU_ERR_KERNEL_ABI,	/* kernel answered with an unusable ABI */
	NPU_ERR_MODEL_FORMAT,	/* model file malformed */
	NPU_ERR_MODEL_VERSION,	/* model format version not supported */
	NPU_ERR_MODEL_CHECKSUM,	/* .npu file fails its CRC (damaged) */
	NPU_ERR_UNSUPPORTED,	/* op, type or parameter not supported */
	NPU_ERR_NO_KERNEL,	/* no CPU kernel for an op */
	NPU_ERR_TENSOR_SIZE,	/* tensor data size does not match */
	NPU_ERR_NOT_BOUND,	/* reserved */
	NPU_ERR_JOB_PENDING,	/* job not finished (or never submitted) */
	NPU_ERR_FILE_FORMAT,	/* input/tensor file malformed */
	NPU_ERR_END
};

/*
 * Message for a (negative or positive) errno or NPU_ERR_* value.  Never
 * NULL; the string is static and must not be freed.
 */
const char *npu_strerror(int err);

/*
 * The library's version, "MAJOR.MINOR.PATCH" (the package version; the
 * soname's number changes only with the ABI).  Static, never NULL.
 */
const char *npu_version(void);

/* ------------------------------------------------------------- discovery */

/* One identity attribute of an NPU, as sysfs exposes it. */
struct npu_attr {
	const char *name;
	const char *value;
};

/*
 * One NPU found on the system.  Strings stay valid until the list that
 * holds the description is freed.  Missing information is "" (never NULL).
 */
struct npu_device_desc {
	const char *node;	/* device node, e.g. /dev/accel/accel0 */
	const char *syspath;	/* sysfs path of the accel device */
	const char *driver;	/* kernel driver bound to the parent, "npu" */
	const char *parent;	/* parent device name, e.g. "npu.0" (simulator) or "38700000.npu" (device tree) */
	size_t attr_count;	/* identity attributes, sorted by name */
	const struct npu_attr *attrs;
};

struct npu_device_list;

/*
 * Every NPU on the system (accel devices whose parent is bound to the
 * "npu" driver), in node order.  An empty list is not an error.
 */
int npu_device_list_create(struct npu_device_list **out);
size_t npu_device_list_count(const struct npu_device_list *list);
/* NULL when index is out of range. */
const struct npu_device_desc *
npu_device_list_get(const struct npu_device_list *list, size_t index);
void npu_device_list_free(struct npu_device_list *list);

/* ---------------------------------------------------------------- device */

struct npu_device;

/*
 * Opens an NPU.  path NULL: the first NPU npu_device_list_create() finds
 * (-NPU_ERR_NO_DEVICE when there is none).  Otherwise the node at path, which
 * must be driven by the NPU driver (-NPU_ERR_NOT_NPU otherwise).
 */
int npu_device_open(const char *path, struct npu_device **out);
void npu_device_close(struct npu_device *dev);

/* The DRM file descriptor (owned by the device) and the node's path. */
int npu_device_fd(const struct npu_device *dev);
const char *npu_device_path(const struct npu_device *dev);

/* Identity and capabilities; fields an older kernel does not report are 0. */
struct npu_device_info {
	uint32_t hw_id;			/* identification register ("NPU8") */
	uint32_t hw_revision;		/* major << 16 | minor */
	uint32_t fw_version;		/* major << 16 | minor << 8 | patch */
	uint32_t fw_features;		/* NPU_FW_FEAT_* */
	uint32_t cmdstream_version;	/* highest command-stream version */
	uint32_t mac_count;		/* int8 MACs per cycle */
	uint32_t clock_mhz;
	uint32_t sram_size;		/* bytes */
	uint32_t dram_bytes_per_cycle;
	uint32_t queue_depth;		/* jobs in the hardware queue */
	uint32_t num_address_spaces;
	uint32_t page_size;		/* MMU page size in bytes */
	uint64_t va_start;		/* NPU virtual range for buffers */
	uint64_t va_end;		/* exclusive */
	uint64_t max_bo_size;
};

int npu_device_query_info(struct npu_device *dev, struct npu_device_info *info);

/* Device-wide performance counters since the driver was loaded. */
struct npu_counters {
	uint64_t cycles;
	uint64_t macs;
	uint64_t dram_read_bytes;
	uint64_t dram_write_bytes;
	uint64_t jobs_completed;
	uint64_t jobs_failed;
	uint64_t resets;
	uint64_t mmu_faults;
};

int npu_device_query_counters(struct npu_device *dev,
			      struct npu_counters *counters);

/* -------------------------------------------------------- buffer objects */

struct npu_bo;

/* The NPU may read the buffer but never write it (weights, streams). */
#define NPU_BO_DEVICE_READ_ONLY	(1u << 0)
/* The CPU cannot map the buffer. */
#define NPU_BO_NO_MMAP		(1u << 1)
/* Reported by npu_bo_flags() for buffers imported from a dma-buf. */
#define NPU_BO_IMPORTED		(1u << 31)

/*
 * Allocates size bytes (rounded up to the MMU page size) mapped into this
 * device handle's NPU address space.  Size 0 is -EINVAL; beyond the
 * device's max_bo_size -E2BIG; a full address space -ENOSPC.
 */
int npu_bo_alloc(struct npu_device *dev, size_t size, uint32_t flags,
		 struct npu_bo **out);

/*
 * Imports a dma-buf (from a dma-heap, udmabuf, a camera or another
 * process's npu_bo_export()).  The NPU accesses the memory in place.  The
 * caller keeps ownership of fd.  Importing a buffer this device already has
 * returns another reference to the same npu_bo.
 */
int npu_bo_import(struct npu_device *dev, int fd, struct npu_bo **out);

/* Drops a reference; the last one unmaps and frees the buffer. */
void npu_bo_free(struct npu_bo *bo);

/* A new dma-buf fd for the buffer (O_CLOEXEC|O_RDWR); the caller closes it. */
int npu_bo_export(struct npu_bo *bo, int *fd);

/*
 * CPU mapping of the whole buffer, created on first use and kept until
 * npu_bo_unmap() or the last npu_bo_free().  -EPERM for NPU_BO_NO_MMAP.
 */
int npu_bo_map(struct npu_bo *bo, void **ptr);
void npu_bo_unmap(struct npu_bo *bo);

/*
 * Waits until every job using the buffer has finished.  timeout_ns is
 * relative; negative waits forever, 0 polls.  -ETIME when it expires
 * (as npu_job_wait(), where -ETIMEDOUT means the job itself hung).
 */
int npu_bo_wait(struct npu_bo *bo, int64_t timeout_ns);

uint64_t npu_bo_npu_addr(const struct npu_bo *bo);	/* NPU virtual address */
size_t npu_bo_size(const struct npu_bo *bo);		/* bytes, page rounded */
uint32_t npu_bo_flags(const struct npu_bo *bo);
uint32_t npu_bo_handle(const struct npu_bo *bo);	/* GEM handle */
struct npu_device *npu_bo_device(const struct npu_bo *bo);

/* ------------------------------------------------------------------ jobs */

/*
 * A job runs one command stream (uapi/npu_cmdstream.h) on the NPU.  Build it
 * once, submit it, wait for it; it can be submitted again after it ended.
 * Every buffer the stream addresses must be added with its usage, which
 * also orders the job after earlier writers/readers of those buffers
 * (implicit synchronisation).  Buffers only need to be alive while
 * npu_job_submit() runs: the kernel holds them for the job's duration.
 */
struct npu_job;

#define NPU_JOB_BO_READ		(1u << 0)
#define NPU_JOB_BO_WRITE	(1u << 1)

enum npu_priority {
	NPU_PRIORITY_LOW = 0,
	NPU_PRIORITY_NORMAL = 1,	/* default */
	NPU_PRIORITY_HIGH = 2,		/* needs CAP_SYS_NICE */
};

/* What a finished job reports (see struct drm_npu_job_stats). */
struct npu_job_stats {
	int32_t status;		/* 0 or the negative errno the job ended with */
	uint64_t cycles;	/* device cycles */
	uint64_t macs;		/* multiply-accumulates */
	uint64_t dram_read_bytes;
	uint64_t dram_write_bytes;
	uint64_t exec_ns;	/* from reaching the hardware to completion */
};

/*
 * A job running cmd_size bytes of stream at cmd_offset in cmd_bo (both
 * multiples of 4, size non-zero).  The stream buffer is implied in the
 * buffer list (read).
 */
int npu_job_create(struct npu_device *dev, struct npu_bo *cmd_bo,
		   uint32_t cmd_offset, uint32_t cmd_size, struct npu_job **out);

/*
 * A command object: a stream with region addresses (NPU_ADDR() in
 * uapi/npu_cmdstream.h) that the kernel copied and validated once, when it
 * was created (DRM_IOCTL_NPU_CMDSTREAM_CREATE); jobs of it name a buffer
 * per region and run it without any further copy or validation.  Needs
 * firmware with NPU_FW_FEAT_REGIONS: -EOPNOTSUPP otherwise (also what a
 * kernel without command objects answers, as -EINVAL or -ENOTTY); a
 * stream the kernel refuses is -EINVAL.  The caller's @stream may be
 * reused at once.
 */
struct npu_cmdstream;

int npu_cmdstream_create(struct npu_device *dev, const void *stream, uint32_t size,
			 struct npu_cmdstream **out);
/* Frees the object; jobs already queued keep it alive until they end. */
void npu_cmdstream_destroy(struct npu_cmdstream *cs);
/* Regions the stream addresses: the highest + 1 (0 with no operands). */
uint32_t npu_cmdstream_region_count(const struct npu_cmdstream *cs);
/*
 * Bytes region @region must provide from its binding's offset (0: unused),
 * and whether the stream writes it.
 */
uint64_t npu_cmdstream_region_size(const struct npu_cmdstream *cs, uint32_t region);
bool npu_cmdstream_region_written(const struct npu_cmdstream *cs, uint32_t region);

/*
 * A job running command object @cs (which must outlive the job's
 * submissions).  Bind every region the stream uses with
 * npu_job_bind_region() before submitting: the kernel checks each bound
 * buffer's size against the object's and fences it as read or written.
 */
int npu_job_create_cmdstream(struct npu_cmdstream *cs, struct npu_job **out);

/*
 * Region @region (1..15) of a command-object job is @bo from byte @offset
 * (a multiple of 64, NPU_REGION_ALIGN); a NULL @bo unbinds it.  Takes
 * effect at the next submission; the stream is not touched.
 */
int npu_job_bind_region(struct npu_job *job, uint32_t region, struct npu_bo *bo,
			uint64_t offset);

/*
 * Releases the job.  A job still running keeps running; its buffers stay
 * alive in the kernel until it ends.
 */
void npu_job_destroy(struct npu_job *job);

/*
 * Adds a buffer the stream uses, with NPU_JOB_BO_READ and/or
 * NPU_JOB_BO_WRITE.  Adding a buffer again merges the usage.
 */
int npu_job_add_bo(struct npu_job *job, struct npu_bo *bo, uint32_t usage);

/*
 * The job waits for a sync_file fence (e.g. from a camera, a GPU, or
 * npu_job_export_fence()) before it starts.  The fence is taken now; the
 * caller keeps fd.  In-fences apply to every later submission until
 * npu_job_clear_in_fences().
 */
int npu_job_add_in_fence(struct npu_job *job, int fd);
void npu_job_clear_in_fences(struct npu_job *job);

int npu_job_set_priority(struct npu_job *job, enum npu_priority priority);

/*
 * Queues the job.  -EBUSY when its previous submission has not ended yet.
 * Stream validation errors (-EINVAL) come back here, as do a command
 * object's region bindings the kernel refuses (a buffer smaller than its
 * region, a used region unbound).  A refused submission queues nothing:
 * the job's last run (npu_job_wait(), npu_job_get_stats()) stays as it was.
 */
int npu_job_submit(struct npu_job *job);

/*
 * Queues count jobs of one device in order, all or none (at most 64; all
 * with the same priority).
 */
int npu_job_submit_batch(struct npu_job *const *jobs, size_t count);

/*
 * Waits for the last submission to end.  timeout_ns is relative; negative
 * waits forever, 0 polls.  Returns 0 when the job succeeded, the job's
 * negative errno when it failed on the device (-EFAULT MMU fault,
 * -ETIMEDOUT hang, -EIO device error, -ECANCELED banned), -ETIME when the
 * wait timed out, -NPU_ERR_JOB_PENDING when it was never submitted.
 */
int npu_job_wait(struct npu_job *job, int64_t timeout_ns);

/* Statistics of the last submission; -NPU_ERR_JOB_PENDING until it ended. */
int npu_job_get_stats(const struct npu_job *job, struct npu_job_stats *stats);

/*
 * A sync_file fd that signals when the last submission ends, for poll()
 * or another device's in-fence.  The caller closes it.
 */
int npu_job_export_fence(struct npu_job *job, int *fd);

#pragma GCC visibility pop

#if defined(__cplusplus)
}
#endif

#endif /* NPU_H */
