/* SPDX-License-Identifier: MIT */
/* Internal state shared by the device, BO and job files of libnpu. */
#ifndef NPU_DEVICE_PRIV_H
#define NPU_DEVICE_PRIV_H

#include <pthread.h>
#include <stdint.h>

#include "npu.h"

/* DRM driver name the kernel reports (DRM_IOCTL_VERSION) and udev driver. */
#define NPU_DRIVER_NAME "npu"

struct npu_device {
	int fd;
	char *path;
	uint32_t page_size;
	uint32_t cs_version;	/* highest command-stream version it runs */
	uint32_t fw_features;	/* NPU_FW_FEAT_* of the running firmware */
	/*
	 * Live buffers by GEM handle: PRIME import of a buffer this file
	 * already has returns the existing handle, so the handle must be
	 * shared, and closed only when its last npu_bo reference goes.
	 */
	pthread_mutex_t bo_lock;
	struct npu_bo *bo_list;
};

struct npu_bo {
	struct npu_device *dev;
	struct npu_bo *prev, *next;	/* dev->bo_list, under dev->bo_lock */
	unsigned int refcount;	/* under dev->bo_lock */
	uint32_t handle;
	uint32_t flags;
	uint64_t size;
	uint64_t npu_addr;
	void *map;
};

/* ioctl through libdrm (restarts on EINTR/EAGAIN); 0 or -errno. */
int npu_ioctl(int fd, unsigned long request, void *arg);

/*
 * Rounds size up to a multiple of page_size (a power of two).  0 or
 * -E2BIG when the result does not fit in a size_t.
 */
int npu_round_size(size_t size, uint32_t page_size, size_t *rounded);

/* CLOCK_MONOTONIC deadline for a relative timeout; negative: forever. */
int64_t npu_deadline_ns(int64_t timeout_ns);

#endif /* NPU_DEVICE_PRIV_H */
