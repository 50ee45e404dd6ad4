/* SPDX-License-Identifier: GPL-2.0-only */
/* Copyright 2026 The NPU stack authors */

#ifndef __NPU_GEM_H__
#define __NPU_GEM_H__

#include <linux/kref.h>
#include <linux/list.h>
#include <linux/mutex.h>

#include <drm/drm_gem_shmem_helper.h>
#include <drm/drm_mm.h>

#include "npu_cmdstream.h"

struct drm_device;
struct drm_file;
struct npu_mmu;
struct seq_file;

/**
 * struct npu_cmdobj - what a command object's stream needs, found once
 * @size: bytes of stream at the start of the object.
 * @region_used: bit r: the stream addresses region r (bit 0: SRAM).
 * @region_write: bit r: the stream writes region r.
 * @region_size: bytes a buffer bound to region r must have.
 */
struct npu_cmdobj {
	u32 size;
	u32 region_used;
	u32 region_write;
	u64 region_size[NPU_CS_MAX_REGIONS];
};

/**
 * struct npu_gem_object - NPU buffer object
 * @base: shmem GEM object.
 * @flags: DRM_NPU_BO_* given at creation.
 * @kernel_owned: created by npu_gem_create_private(), no handle.
 * @cmdobj: set for a command object (DRM_IOCTL_NPU_CMDSTREAM_CREATE): its
 *          contents are a validated stream that only the kernel wrote.
 * @mappings_lock: protects @mappings.
 * @mappings: &struct npu_gem_mapping, one per file that has a handle.
 */
struct npu_gem_object {
	struct drm_gem_shmem_object base;
	u32 flags;
	bool kernel_owned;
	struct npu_cmdobj *cmdobj;
	struct mutex mappings_lock;	/* protects @mappings */
	struct list_head mappings;
};

/**
 * struct npu_gem_mapping - a buffer's place in one file's address space
 * @refcount: the file's handle and each job using it hold a reference.
 * @node: entry in &npu_gem_object.mappings.
 * @bo: buffer (referenced).
 * @mmu: address space (referenced).
 * @va: reserved range.
 * @populated: PTEs written (done when a job first uses the buffer).
 */
struct npu_gem_mapping {
	struct kref refcount;
	struct list_head node;
	struct npu_gem_object *bo;
	struct npu_mmu *mmu;
	struct drm_mm_node va;
	bool populated;
};

static inline struct npu_gem_object *to_npu_gem_object(struct drm_gem_object *obj)
{
	return container_of(to_drm_gem_shmem_obj(obj), struct npu_gem_object, base);
}

struct drm_gem_object *npu_gem_create_object(struct drm_device *drm,
					     size_t size);

struct npu_gem_mapping *npu_gem_mapping_get(struct npu_gem_object *bo,
					    struct npu_mmu *mmu);
void npu_gem_mapping_put(struct npu_gem_mapping *mapping);
int npu_gem_mapping_populate(struct npu_gem_mapping *mapping);
struct npu_gem_mapping *npu_gem_create_private(struct drm_device *drm,
					       struct npu_mmu *mmu, size_t size,
					     u32 flags);

int npu_ioctl_bo_create(struct drm_device *drm, void *data,
			struct drm_file *file);
int npu_ioctl_bo_mmap_offset(struct drm_device *drm, void *data,
			     struct drm_file *file);
int npu_ioctl_bo_info(struct drm_device *drm, void *data,
		      struct drm_file *file);
int npu_ioctl_bo_wait(struct drm_device *drm, void *data,
		      struct drm_file *file);
int npu_ioctl_cmdstream_create(struct drm_device *drm, void *data,
			       struct drm_file *file);

int npu_gem_debugfs_bos(struct seq_file *m, void *data);

#endif /* __NPU_GEM_H__ */
