/* SPDX-License-Identifier: MIT */
/*
 * Userspace ABI of the NPU DRM accel driver (npu.ko).
 *
 * This header is the only copy of the ABI: the kernel driver, libnpu and the
 * tests all include it.  Every structure has explicit padding that must be
 * zero, and variable-length arrays carry a stride so they can grow.
 */
#ifndef _UAPI_DRM_NPU_ACCEL_H_
#define _UAPI_DRM_NPU_ACCEL_H_

#include "drm.h"

#if defined(__cplusplus)
extern "C" {
#endif

#define DRM_NPU_QUERY			0x00
#define DRM_NPU_BO_CREATE		0x01
#define DRM_NPU_BO_MMAP_OFFSET		0x02
#define DRM_NPU_BO_INFO			0x03
#define DRM_NPU_BO_WAIT			0x04
#define DRM_NPU_SUBMIT			0x05
#define DRM_NPU_CMDSTREAM_CREATE	0x06

/**
 * enum drm_npu_query_type - what DRM_IOCTL_NPU_QUERY returns
 * @DRM_NPU_QUERY_DEVICE_INFO: &struct drm_npu_device_info
 * @DRM_NPU_QUERY_COUNTERS: &struct drm_npu_counters, device-wide totals
 */
enum drm_npu_query_type {
	DRM_NPU_QUERY_DEVICE_INFO = 0,
	DRM_NPU_QUERY_COUNTERS = 1,
};

/**
 * struct drm_npu_query - argument of DRM_IOCTL_NPU_QUERY
 * @type: one of &enum drm_npu_query_type.
 * @size: in: size of the buffer at @data; out: size the kernel's structure
 *        has.  With @size 0 only the size is returned.  A smaller buffer gets
 *        the leading part of the structure, so old binaries keep working
 *        when fields are appended.
 * @data: user pointer to the result buffer.
 */
struct drm_npu_query {
	__u32 type;
	__u32 size;
	__u64 data;
};

/**
 * struct drm_npu_device_info - identity and capabilities of one NPU
 * @hw_id: hardware identification register (e.g. 0x4e505538, "NPU8").
 * @hw_revision: hardware revision, major << 16 | minor.
 * @fw_version: running firmware, major << 16 | minor << 8 | patch.
 * @fw_features: firmware feature bits (NPU_FW_FEAT_* in npu_regs.h).
 * @cmdstream_version: highest command-stream version the device executes.
 * @mac_count: int8 multiply-accumulates per cycle.
 * @clock_mhz: core clock.
 * @sram_size: on-chip SRAM in bytes.
 * @dram_bytes_per_cycle: modelled DRAM bandwidth.
 * @queue_depth: jobs the hardware queue holds at once.
 * @num_address_spaces: MMU address-space slots.
 * @page_size: MMU page size in bytes.
 * @va_start: first NPU virtual address handed out to buffers.
 * @va_end: end (exclusive) of the NPU virtual address range.
 * @max_bo_size: largest buffer object the driver creates.
 */
struct drm_npu_device_info {
	__u32 hw_id;
	__u32 hw_revision;
	__u32 fw_version;
	__u32 fw_features;
	__u32 cmdstream_version;
	__u32 mac_count;
	__u32 clock_mhz;
	__u32 sram_size;
	__u32 dram_bytes_per_cycle;
	__u32 queue_depth;
	__u32 num_address_spaces;
	__u32 page_size;
	__u64 va_start;
	__u64 va_end;
	__u64 max_bo_size;
};

/**
 * struct drm_npu_counters - device-wide performance counters
 * @cycles: busy cycles of the MAC array and data movers.
 * @macs: multiply-accumulates executed.
 * @dram_read_bytes: bytes the device read through its MMU.
 * @dram_write_bytes: bytes the device wrote through its MMU.
 * @jobs_completed: jobs that finished without error.
 * @jobs_failed: jobs that ended with an error (fault, timeout, bad stream).
 * @resets: soft resets performed by the driver.
 * @mmu_faults: MMU faults raised.
 */
struct drm_npu_counters {
	__u64 cycles;
	__u64 macs;
	__u64 dram_read_bytes;
	__u64 dram_write_bytes;
	__u64 jobs_completed;
	__u64 jobs_failed;
	__u64 resets;
	__u64 mmu_faults;
};

/* The device may read the buffer but never write it (weights, streams). */
#define DRM_NPU_BO_DEVICE_READ_ONLY	(1u << 0)
/* The CPU may not mmap the buffer. */
#define DRM_NPU_BO_NO_MMAP		(1u << 1)
#define DRM_NPU_BO_FLAGS		(DRM_NPU_BO_DEVICE_READ_ONLY | \
					 DRM_NPU_BO_NO_MMAP)

/**
 * struct drm_npu_bo_create - argument of DRM_IOCTL_NPU_BO_CREATE
 * @size: in: bytes, rounded up to the page size; 0 is -EINVAL, more than
 *        &drm_npu_device_info.max_bo_size is -E2BIG.
 * @flags: in: DRM_NPU_BO_*; unknown bits are -EINVAL.
 * @handle: out: GEM handle in the calling file.  -ENOENT when another
 *          thread closed it (guessing its number) before the call returned.
 * @npu_addr: out: address of the buffer in this file's NPU address space.
 *            -ENOSPC when the address space is full.
 */
struct drm_npu_bo_create {
	__u64 size;
	__u32 flags;
	__u32 handle;
	__u64 npu_addr;
};

/**
 * struct drm_npu_bo_mmap_offset - argument of DRM_IOCTL_NPU_BO_MMAP_OFFSET
 * @handle: in: GEM handle.
 * @pad: must be zero.
 * @offset: out: fake offset to pass to mmap() on the device file.
 */
struct drm_npu_bo_mmap_offset {
	__u32 handle;
	__u32 pad;
	__u64 offset;
};

/**
 * struct drm_npu_bo_info - argument of DRM_IOCTL_NPU_BO_INFO
 *
 * Works for imported dma-bufs too: that is how userspace learns where a
 * PRIME-imported buffer sits in its NPU address space.
 *
 * @handle: in: GEM handle.
 * @flags: out: DRM_NPU_BO_* of the buffer, plus DRM_NPU_BO_INFO_IMPORTED
 *         when its memory belongs to another exporter (a dma-heap, udmabuf,
 *         another device).  A dma-buf this device exported and that is
 *         imported again is the same buffer (in another file: a new handle
 *         and its own @npu_addr) and does not carry the flag.
 * @size: out: size in bytes.
 * @npu_addr: out: address in the calling file's NPU address space.
 */
struct drm_npu_bo_info {
	__u32 handle;
	__u32 flags;
	__u64 size;
	__u64 npu_addr;
};

/* BO_INFO only: the memory belongs to another exporter (see above). */
#define DRM_NPU_BO_INFO_IMPORTED	(1u << 31)

/**
 * struct drm_npu_bo_wait - argument of DRM_IOCTL_NPU_BO_WAIT
 *
 * Waits until every job using the buffer has finished.
 *
 * @handle: in: GEM handle.
 * @pad: must be zero.
 * @timeout_ns: in: absolute CLOCK_MONOTONIC deadline; -ETIMEDOUT after it.
 *              0 polls.
 */
struct drm_npu_bo_wait {
	__u32 handle;
	__u32 pad;
	__s64 timeout_ns;
};

/* The job reads the buffer. */
#define DRM_NPU_BO_REF_READ		(1u << 0)
/* The job writes the buffer. */
#define DRM_NPU_BO_REF_WRITE		(1u << 1)

/**
 * struct drm_npu_bo_ref - one buffer a job uses
 * @handle: GEM handle.
 * @flags: DRM_NPU_BO_REF_READ and/or DRM_NPU_BO_REF_WRITE; sets the implicit
 *         synchronisation (dma_resv) of the job with other users.
 */
struct drm_npu_bo_ref {
	__u32 handle;
	__u32 flags;
};

/**
 * struct drm_npu_job_stats - what a finished job reports
 *
 * Written by the driver into the job's stats buffer when the job ends.
 *
 * @status: 0, or the negative errno the job ended with (-EFAULT for an MMU
 *          fault, -ETIMEDOUT for a hang, -EIO for a command stream the
 *          device rejected or a device error, -ECANCELED when the file was
 *          banned).
 * @pad: zero.
 * @cycles: device cycles the job took.
 * @macs: multiply-accumulates executed.
 * @dram_read_bytes: bytes read through the MMU.
 * @dram_write_bytes: bytes written through the MMU.
 * @exec_ns: time from the job reaching the hardware to its completion.
 */
struct drm_npu_job_stats {
	__s32 status;
	__u32 pad;
	__u64 cycles;
	__u64 macs;
	__u64 dram_read_bytes;
	__u64 dram_write_bytes;
	__u64 exec_ns;
};

/* Regions a command object may address (NPU_CS_MAX_REGIONS). */
#define DRM_NPU_MAX_REGIONS		16

/**
 * struct drm_npu_cmdstream_create - argument of DRM_IOCTL_NPU_CMDSTREAM_CREATE
 *
 * Creates a command object: the kernel copies the stream once into a
 * buffer of its own (no CPU mapping, no export, mapped device-read-only in
 * the calling file's address space), validates it once with region
 * addresses (NPU_ADDR() in npu_cmdstream.h: regions 1..15 relative to the
 * buffers a submit binds, region 0 only for the SRAM window) and records
 * what each region must provide.  Rewriting the user memory at @data
 * afterwards changes nothing.  SUBMIT runs it with
 * DRM_NPU_JOB_CMDSTREAM_OBJECT, without copying or validating it again;
 * DRM_IOCTL_GEM_CLOSE frees it (queued jobs keep it alive until they end).
 * Needs NPU_FW_FEAT_REGIONS; -EOPNOTSUPP otherwise.  Fields are only ever
 * appended (DRM core zero-fills what an older caller does not pass).
 *
 * @data: in: user pointer to the stream.
 * @size: in: bytes, a non-zero multiple of 4, at most
 *        NPU_LIMIT_STREAM_BYTES (1 MiB): -EINVAL otherwise.
 * @flags: in: must be zero.
 * @handle: out: GEM handle of the command object.
 * @region_count: out: highest region the stream addresses + 1, region 0
 *                (the SRAM window) included; 0 for a stream without
 *                operands.
 * @region_size: out: bytes region r must have from its binding's offset
 *               (end of the highest byte the stream touches in it); 0 for
 *               regions it does not use and for region 0.
 * @region_write: out: bit r set when the stream writes region r (the
 *                buffer bound there is fenced as written).
 * @pad: must be zero.
 */
struct drm_npu_cmdstream_create {
	__u64 data;
	__u32 size;
	__u32 flags;
	__u32 handle;
	__u32 region_count;
	__u64 region_size[DRM_NPU_MAX_REGIONS];
	__u32 region_write;
	__u32 pad;
};

/**
 * struct drm_npu_region - binds one region of a command object's job
 * @handle: GEM handle of the buffer, or 0 to leave the region unbound
 *          (only for regions the stream does not use; entry 0 must be 0).
 * @flags: must be zero.
 * @offset: byte offset of the region in the buffer, a multiple of
 *          NPU_REGION_ALIGN (64); the buffer must have at least the
 *          object's region_size bytes after it (-EINVAL otherwise).
 */
struct drm_npu_region {
	__u32 handle;
	__u32 flags;
	__u64 offset;
};

/* drm_npu_job.flags: @cmd_bo is a command object, @regions binds it. */
#define DRM_NPU_JOB_CMDSTREAM_OBJECT	(1u << 0)
#define DRM_NPU_JOB_FLAGS		DRM_NPU_JOB_CMDSTREAM_OBJECT

/**
 * struct drm_npu_job - one job of a submission
 * @cmd_bo: GEM handle of the buffer holding the command stream.  The
 *          kernel copies the stream at submit and the device executes the
 *          validated copy: later changes to @cmd_bo do not affect the job.
 *          With DRM_NPU_JOB_CMDSTREAM_OBJECT: a command object of this
 *          file (DRM_IOCTL_NPU_CMDSTREAM_CREATE), run as it is.
 * @cmd_offset: byte offset of the stream in @cmd_bo (multiple of 4); 0
 *              with DRM_NPU_JOB_CMDSTREAM_OBJECT.
 * @cmd_size: byte size of the stream (multiple of 4, non-zero); 0 with
 *            DRM_NPU_JOB_CMDSTREAM_OBJECT.
 * @flags: DRM_NPU_JOB_* bits; unknown bits are -EINVAL.
 * @bo_refs: user pointer to @bo_ref_count &struct drm_npu_bo_ref.  Every
 *           buffer the stream addresses must be listed; the stream buffer
 *           itself is implied.  A buffer listed more than once (or also
 *           being @cmd_bo or @stats_bo) counts once, with its flags
 *           combined.  With DRM_NPU_JOB_CMDSTREAM_OBJECT the regions
 *           imply their buffers; @bo_refs only add implicit
 *           synchronisation (they never widen what the stream reaches).
 * @bo_ref_count: number of entries at @bo_refs.
 * @in_sync_count: number of entries at @in_syncs.
 * @in_syncs: user pointer to __u32 syncobj handles the job waits for.
 *            An unknown handle is -ENOENT; a syncobj without a fence is
 *            -EINVAL.
 * @out_sync: syncobj handle that receives the job's fence, or 0.
 * @stats_bo: GEM handle that receives a &struct drm_npu_job_stats at
 *            @stats_offset when the job ends, or 0.
 * @stats_offset: byte offset in @stats_bo, 8-byte aligned.
 * @pad: must be zero.
 * @regions: user pointer to @region_count &struct drm_npu_region; entry i
 *           binds region i.  Only with DRM_NPU_JOB_CMDSTREAM_OBJECT (else
 *           @regions and @region_count must be 0).  Appended field: a
 *           caller whose @job_stride ends before it passes none.
 * @region_count: entries at @regions, at most DRM_NPU_MAX_REGIONS.
 *                Regions from @region_count on are unbound; every region
 *                the object addresses (region_size non-zero) must be bound.
 * @pad2: must be zero.
 */
struct drm_npu_job {
	__u32 cmd_bo;
	__u32 cmd_offset;
	__u32 cmd_size;
	__u32 flags;
	__u64 bo_refs;
	__u32 bo_ref_count;
	__u32 in_sync_count;
	__u64 in_syncs;
	__u32 out_sync;
	__u32 stats_bo;
	__u32 stats_offset;
	__u32 pad;
	__u64 regions;
	__u32 region_count;
	__u32 pad2;
};

/**
 * enum drm_npu_priority - scheduling priority of a submission
 * @DRM_NPU_PRIORITY_LOW: background work.
 * @DRM_NPU_PRIORITY_NORMAL: default.
 * @DRM_NPU_PRIORITY_HIGH: latency-sensitive; needs CAP_SYS_NICE (submit
 *                         returns -EACCES without it).
 */
enum drm_npu_priority {
	DRM_NPU_PRIORITY_LOW = 0,
	DRM_NPU_PRIORITY_NORMAL = 1,
	DRM_NPU_PRIORITY_HIGH = 2,
};

/**
 * struct drm_npu_submit - argument of DRM_IOCTL_NPU_SUBMIT
 *
 * Queues @job_count jobs in order on the calling file's scheduler entity.
 * Either every job is queued or none is.
 *
 * @jobs: user pointer to @job_count jobs, @job_stride bytes apart.
 * @job_count: number of jobs, 1..64.
 * @job_stride: sizeof(struct drm_npu_job) as the caller knows it; a
 *              larger stride must have zero in the bytes the kernel does
 *              not know (-E2BIG otherwise), and a stride above 4096 is
 *              -E2BIG.
 * @priority: &enum drm_npu_priority.
 * @flags: must be zero.
 */
struct drm_npu_submit {
	__u64 jobs;
	__u32 job_count;
	__u32 job_stride;
	__u32 priority;
	__u32 flags;
};

#define DRM_IOCTL_NPU_QUERY \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_NPU_QUERY, struct drm_npu_query)
#define DRM_IOCTL_NPU_BO_CREATE \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_NPU_BO_CREATE, struct drm_npu_bo_create)
#define DRM_IOCTL_NPU_BO_MMAP_OFFSET \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_NPU_BO_MMAP_OFFSET, \
		 struct drm_npu_bo_mmap_offset)
#define DRM_IOCTL_NPU_BO_INFO \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_NPU_BO_INFO, struct drm_npu_bo_info)
#define DRM_IOCTL_NPU_BO_WAIT \
	DRM_IOW(DRM_COMMAND_BASE + DRM_NPU_BO_WAIT, struct drm_npu_bo_wait)
#define DRM_IOCTL_NPU_SUBMIT \
	DRM_IOW(DRM_COMMAND_BASE + DRM_NPU_SUBMIT, struct drm_npu_submit)
#define DRM_IOCTL_NPU_CMDSTREAM_CREATE \
	DRM_IOWR(DRM_COMMAND_BASE + DRM_NPU_CMDSTREAM_CREATE, \
		 struct drm_npu_cmdstream_create)

#if defined(__cplusplus)
}
#endif

#endif /* _UAPI_DRM_NPU_ACCEL_H_ */
