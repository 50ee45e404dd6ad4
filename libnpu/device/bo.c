// SPDX-License-Identifier: MIT
/* Buffer objects: allocation, CPU mapping, PRIME import/export, wait. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <xf86drm.h>

#include "drm/npu_accel.h"
#include "device_priv.h"

int npu_round_size(size_t size, uint32_t page_size, size_t *rounded)
{
	size_t mask = (size_t)page_size - 1;

	if (size > SIZE_MAX - mask)
		return -E2BIG;
	*rounded = (size + mask) & ~mask;
	return 0;
}

static void gem_close(struct npu_device *dev, uint32_t handle)
{
	drmCloseBufferHandle(dev->fd, handle);
}

/* Under dev->bo_lock. */
static struct npu_bo *find_bo(struct npu_device *dev, uint32_t handle)
{
	for (struct npu_bo *bo = dev->bo_list; bo; bo = bo->next)
		if (bo->handle == handle)
			return bo;
	return NULL;
}

/* Under dev->bo_lock. */
static void link_bo(struct npu_bo *bo)
{
	struct npu_device *dev = bo->dev;

	bo->prev = NULL;
	bo->next = dev->bo_list;
	if (dev->bo_list)
		dev->bo_list->prev = bo;
	dev->bo_list = bo;
}

/* Under dev->bo_lock. */
static void unlink_bo(struct npu_bo *bo)
{
	if (bo->prev)
		bo->prev->next = bo->next;
	else
		bo->dev->bo_list = bo->next;
	if (bo->next)
		bo->next->prev = bo->prev;
}

static struct npu_bo *new_bo(struct npu_device *dev, uint32_t handle,
			     uint32_t flags, uint64_t size, uint64_t npu_addr)
{
	struct npu_bo *bo = calloc(1, sizeof(*bo));

	if (!bo)
		return NULL;
	bo->dev = dev;
	bo->refcount = 1;
	bo->handle = handle;
	bo->flags = flags;
	bo->size = size;
	bo->npu_addr = npu_addr;
	return bo;
}

int npu_bo_alloc(struct npu_device *dev, size_t size, uint32_t flags,
		 struct npu_bo **out)
{
	struct drm_npu_bo_create req = { 0 };
	struct npu_bo *bo;
	size_t rounded;
	int ret;

	if (!out)
		return -EINVAL;
	*out = NULL;
	if (!dev || !size || (flags & ~(NPU_BO_DEVICE_READ_ONLY | NPU_BO_NO_MMAP)))
		return -EINVAL;
	ret = npu_round_size(size, dev->page_size, &rounded);
	if (ret)
		return ret;
	req.size = rounded;
	req.flags = (flags & NPU_BO_DEVICE_READ_ONLY ? DRM_NPU_BO_DEVICE_READ_ONLY : 0) |
		    (flags & NPU_BO_NO_MMAP ? DRM_NPU_BO_NO_MMAP : 0);
	ret = npu_ioctl(dev->fd, DRM_IOCTL_NPU_BO_CREATE, &req);
	if (ret)
		return ret;
	bo = new_bo(dev, req.handle, flags, rounded, req.npu_addr);
	if (!bo) {
		gem_close(dev, req.handle);
		return -ENOMEM;
	}
	pthread_mutex_lock(&dev->bo_lock);
	link_bo(bo);
	pthread_mutex_unlock(&dev->bo_lock);
	*out = bo;
	return 0;
}

static uint32_t flags_from_kernel(uint32_t kflags)
{
	return (kflags & DRM_NPU_BO_DEVICE_READ_ONLY ? NPU_BO_DEVICE_READ_ONLY : 0) |
	       (kflags & DRM_NPU_BO_NO_MMAP ? NPU_BO_NO_MMAP : 0) |
	       (kflags & DRM_NPU_BO_INFO_IMPORTED ? NPU_BO_IMPORTED : 0);
}

int npu_bo_import(struct npu_device *dev, int fd, struct npu_bo **out)
{
	struct drm_npu_bo_info info = { 0 };
	struct npu_bo *bo;
	uint32_t handle;
	int ret;

	if (!out)
		return -EINVAL;
	*out = NULL;
	if (!dev || fd < 0)
		return -EINVAL;

	/*
	 * The lookup and the insertion must be atomic with respect to
	 * npu_bo_free() closing the same handle.
	 */
	pthread_mutex_lock(&dev->bo_lock);
	if (drmPrimeFDToHandle(dev->fd, fd, &handle)) {
		ret = -errno;
		goto out;
	}
	bo = find_bo(dev, handle);
	if (bo) {
		bo->refcount++;
		*out = bo;
		ret = 0;
		goto out;
	}
	info.handle = handle;
	ret = npu_ioctl(dev->fd, DRM_IOCTL_NPU_BO_INFO, &info);
	if (ret) {
		gem_close(dev, handle);
		goto out;
	}
	bo = new_bo(dev, handle, flags_from_kernel(info.flags), info.size,
		    info.npu_addr);
	if (!bo) {
		gem_close(dev, handle);
		ret = -ENOMEM;
		goto out;
	}
	link_bo(bo);
	*out = bo;
out:
	pthread_mutex_unlock(&dev->bo_lock);
	return ret;
}

void npu_bo_free(struct npu_bo *bo)
{
	struct npu_device *dev;
	bool last;

	if (!bo)
		return;
	dev = bo->dev;
	pthread_mutex_lock(&dev->bo_lock);
	last = --bo->refcount == 0;
	if (last) {
		unlink_bo(bo);
		/* Closed under the lock so an import cannot find a stale handle. */
		npu_bo_unmap(bo);
		gem_close(dev, bo->handle);
	}
	pthread_mutex_unlock(&dev->bo_lock);
	if (last)
		free(bo);
}

int npu_bo_export(struct npu_bo *bo, int *fd)
{
	if (!bo || !fd)
		return -EINVAL;
	*fd = -1;
	if (drmPrimeHandleToFD(bo->dev->fd, bo->handle, DRM_CLOEXEC | DRM_RDWR, fd))
		return -errno;
	return 0;
}

int npu_bo_map(struct npu_bo *bo, void **ptr)
{
	struct drm_npu_bo_mmap_offset req = { 0 };
	void *map;
	int ret;

	if (!ptr)
		return -EINVAL;
	*ptr = NULL;
	if (!bo)
		return -EINVAL;
	if (bo->flags & NPU_BO_NO_MMAP)
		return -EPERM;
	if (bo->map) {
		*ptr = bo->map;
		return 0;
	}
	req.handle = bo->handle;
	ret = npu_ioctl(bo->dev->fd, DRM_IOCTL_NPU_BO_MMAP_OFFSET, &req);
	if (ret)
		return ret;
	map = mmap(NULL, bo->size, PROT_READ | PROT_WRITE, MAP_SHARED,
		   bo->dev->fd, (off_t)req.offset);
	if (map == MAP_FAILED)
		return -errno;
	bo->map = map;
	*ptr = map;
	return 0;
}

void npu_bo_unmap(struct npu_bo *bo)
{
	if (!bo || !bo->map)
		return;
	munmap(bo->map, bo->size);
	bo->map = NULL;
}

int npu_bo_wait(struct npu_bo *bo, int64_t timeout_ns)
{
	struct drm_npu_bo_wait req = { 0 };
	int ret;

	if (!bo)
		return -EINVAL;
	req.handle = bo->handle;
	req.timeout_ns = timeout_ns ? npu_deadline_ns(timeout_ns) : 0;
	ret = npu_ioctl(bo->dev->fd, DRM_IOCTL_NPU_BO_WAIT, &req);
	return ret == -ETIMEDOUT ? -ETIME : ret;
}

uint64_t npu_bo_npu_addr(const struct npu_bo *bo)
{
	return bo ? bo->npu_addr : 0;
}

size_t npu_bo_size(const struct npu_bo *bo)
{
	return bo ? bo->size : 0;
}

uint32_t npu_bo_flags(const struct npu_bo *bo)
{
	return bo ? bo->flags : 0;
}

uint32_t npu_bo_handle(const struct npu_bo *bo)
{
	return bo ? bo->handle : 0;
}

struct npu_device *npu_bo_device(const struct npu_bo *bo)
{
	return bo ? bo->dev : NULL;
}
