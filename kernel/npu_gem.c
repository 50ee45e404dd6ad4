// SPDX-License-Identifier: GPL-2.0-only
/* Copyright 2026 The NPU stack authors */

/*
 * Buffer objects on the GEM shmem helper.  Every file holding a handle to a
 * buffer gets its own NPU address for it: the range is reserved in the
 * file's address space when the handle is created (the GEM open hook, as in
 * panfrost) and released when the file's last handle goes away.  Page-table
 * entries are written when a job first uses the buffer, so that reserving
 * address space costs no memory; imported dma-bufs already have their pages
 * and are mapped at once.
 */

#include <linux/cleanup.h>
#include <linux/dma-map-ops.h>
#include <linux/dma-resv.h>
#include <linux/bitops.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include <drm/drm_debugfs.h>
#include <drm/drm_file.h>
#include <drm/drm_gem.h>
#include <drm/drm_prime.h>
#include <drm/drm_print.h>
#include <drm/drm_utils.h>
#include <drm/npu_accel.h>

#include "npu_drv.h"
#include "npu_gem.h"
#include "npu_mmu.h"
#include "npu_validate.h"

static void npu_gem_mapping_release(struct kref *kref)
{
	struct npu_gem_mapping *mapping =
		container_of(kref, struct npu_gem_mapping, refcount);
	struct npu_mmu *mmu = mapping->mmu;

	if (drm_mm_node_allocated(&mapping->va)) {
		if (mapping->populated)
			npu_mmu_unmap(mmu, mapping->va.start, mapping->va.size);
		scoped_guard(mutex, &mmu->lock) {
			mmu->mapped_bytes -= mapping->va.size;
			mmu->mapped_bos--;
			drm_mm_remove_node(&mapping->va);
		}
	}
	npu_mmu_put(mmu);
	drm_gem_object_put(&mapping->bo->base.base);
	kfree(mapping);
}

void npu_gem_mapping_put(struct npu_gem_mapping *mapping)
{
	if (mapping)
		kref_put(&mapping->refcount, npu_gem_mapping_release);
}

struct npu_gem_mapping *npu_gem_mapping_get(struct npu_gem_object *bo,
					    struct npu_mmu *mmu)
{
	struct npu_gem_mapping *mapping;

	guard(mutex)(&bo->mappings_lock);
	list_for_each_entry(mapping, &bo->mappings, node) {
		if (mapping->mmu == mmu) {
			kref_get(&mapping->refcount);
			return mapping;
		}
	}
	return NULL;
}

/**
 * npu_gem_mapping_populate() - write the PTEs of a mapping if not done yet
 * @mapping: mapping.
 *
 * Pins the shmem pages (they stay until the buffer is freed).
 *
 * Return: 0 or a negative errno.
 */
int npu_gem_mapping_populate(struct npu_gem_mapping *mapping)
{
	struct npu_gem_object *bo = mapping->bo;
	struct sg_table *sgt;
	int ret;

	guard(mutex)(&bo->mappings_lock);
	if (mapping->populated)
		return 0;

	sgt = drm_gem_shmem_get_pages_sgt(&bo->base);
	if (IS_ERR(sgt))
		return PTR_ERR(sgt);

	ret = npu_mmu_map_sgt(mapping->mmu, mapping->va.start,
			      mapping->va.size, sgt,
			      !(bo->flags & DRM_NPU_BO_DEVICE_READ_ONLY));
	if (!ret)
		mapping->populated = true;
	return ret;
}

/* A mapping of @bo with its range reserved in @mmu (not yet populated). */
static struct npu_gem_mapping *npu_gem_mapping_create(struct npu_gem_object *bo,
						      struct npu_mmu *mmu)
{
	struct drm_gem_object *obj = &bo->base.base;
	struct npu_gem_mapping *mapping;
	int ret;

	mapping = kzalloc(sizeof(*mapping), GFP_KERNEL);
	if (!mapping)
		return ERR_PTR(-ENOMEM);

	kref_init(&mapping->refcount);
	INIT_LIST_HEAD(&mapping->node);
	drm_gem_object_get(obj);
	mapping->bo = bo;
	mapping->mmu = npu_mmu_get(mmu);

	scoped_guard(mutex, &mmu->lock) {
		ret = drm_mm_insert_node_generic(&mmu->mm, &mapping->va,
						 obj->size, NPU_PAGE_SIZE, 0,
						 DRM_MM_INSERT_BEST);
		if (!ret) {
			mmu->mapped_bytes += obj->size;
			mmu->mapped_bos++;
		}
	}
	if (ret) {
		npu_gem_mapping_put(mapping);
		return ERR_PTR(ret);
	}
	return mapping;
}

static int npu_gem_open(struct drm_gem_object *obj, struct drm_file *file)
{
	struct npu_file *nfile = file->driver_priv;
	struct npu_gem_object *bo = to_npu_gem_object(obj);
	struct npu_gem_mapping *mapping;
	int ret;

	mapping = npu_gem_mapping_create(bo, nfile->mmu);
	if (IS_ERR(mapping))
		return PTR_ERR(mapping);

	if (obj->import_attach) {
		ret = npu_gem_mapping_populate(mapping);
		if (ret) {
			npu_gem_mapping_put(mapping);
			return ret;
		}
	}

	scoped_guard(mutex, &bo->mappings_lock)
		list_add_tail(&mapping->node, &bo->mappings);
	return 0;
}

/**
 * npu_gem_create_private() - a kernel-owned buffer in one address space
 * @drm: device.
 * @mmu: the address space that maps it.
 * @size: bytes (rounded up to the page size).
 * @flags: DRM_NPU_BO_*.
 *
 * The buffer has no handle, so userspace can neither map nor export it; it
 * lives as long as the returned mapping (npu_gem_mapping_put()).  Used for
 * the job's copy of its validated command stream.
 *
 * Return: the populated mapping, or an ERR_PTR().
 */
struct npu_gem_mapping *npu_gem_create_private(struct drm_device *drm,
					       struct npu_mmu *mmu, size_t size,
					     u32 flags)
{
	struct drm_gem_shmem_object *shmem;
	struct npu_gem_mapping *mapping;
	int ret;

	shmem = drm_gem_shmem_create(drm, ALIGN(size, NPU_PAGE_SIZE));
	if (IS_ERR(shmem))
		return ERR_CAST(shmem);
	to_npu_gem_object(&shmem->base)->flags = flags;
	to_npu_gem_object(&shmem->base)->kernel_owned = true;

	mapping = npu_gem_mapping_create(to_npu_gem_object(&shmem->base), mmu);
	drm_gem_object_put(&shmem->base);	/* the mapping holds it */
	if (IS_ERR(mapping))
		return mapping;
	ret = npu_gem_mapping_populate(mapping);
	if (ret) {
		npu_gem_mapping_put(mapping);
		return ERR_PTR(ret);
	}
	return mapping;
}

static void npu_gem_close(struct drm_gem_object *obj, struct drm_file *file)
{
	struct npu_file *nfile = file->driver_priv;
	struct npu_gem_object *bo = to_npu_gem_object(obj);
	struct npu_gem_mapping *mapping, *found = NULL;

	scoped_guard(mutex, &bo->mappings_lock) {
		list_for_each_entry(mapping, &bo->mappings, node) {
			if (mapping->mmu == nfile->mmu) {
				found = mapping;
				list_del_init(&mapping->node);
				break;
			}
		}
	}
	/* Jobs still using the mapping keep it until they are freed. */
	npu_gem_mapping_put(found);
}

static void npu_gem_free(struct drm_gem_object *obj)
{
	struct npu_gem_object *bo = to_npu_gem_object(obj);

	WARN_ON(!list_empty(&bo->mappings));
	kfree(bo->cmdobj);
	mutex_destroy(&bo->mappings_lock);
	drm_gem_shmem_free(&bo->base);
}

static int npu_gem_mmap(struct drm_gem_object *obj, struct vm_area_struct *vma)
{
	if (to_npu_gem_object(obj)->flags & DRM_NPU_BO_NO_MMAP) {
		drm_dbg(obj->dev, "mmap of a buffer created NO_MMAP\n");
		return -EPERM;
	}
	return drm_gem_shmem_object_mmap(obj, vma);
}

/* A command object's stream stays the kernel's: no dma-buf of it. */
static struct dma_buf *npu_gem_prime_export(struct drm_gem_object *obj,
					    int flags)
{
	if (to_npu_gem_object(obj)->cmdobj) {
		drm_dbg(obj->dev, "command objects cannot be exported\n");
		return ERR_PTR(-EPERM);
	}
	return drm_gem_prime_export(obj, flags);
}

static const struct drm_gem_object_funcs npu_gem_funcs = {
	.free = npu_gem_free,
	.open = npu_gem_open,
	.close = npu_gem_close,
	.print_info = drm_gem_shmem_object_print_info,
	.pin = drm_gem_shmem_object_pin,
	.unpin = drm_gem_shmem_object_unpin,
	.get_sg_table = drm_gem_shmem_object_get_sg_table,
	.vmap = drm_gem_shmem_object_vmap,
	.vunmap = drm_gem_shmem_object_vunmap,
	.mmap = npu_gem_mmap,
	.export = npu_gem_prime_export,
	.vm_ops = &drm_gem_shmem_vm_ops,
};

struct drm_gem_object *npu_gem_create_object(struct drm_device *drm,
					     size_t size)
{
	struct npu_gem_object *bo;

	bo = kzalloc(sizeof(*bo), GFP_KERNEL);
	if (!bo)
		return ERR_PTR(-ENOMEM);

	mutex_init(&bo->mappings_lock);
	INIT_LIST_HEAD(&bo->mappings);
	bo->base.base.funcs = &npu_gem_funcs;
	bo->base.map_wc = !dev_is_dma_coherent(drm->dev);
	return &bo->base.base;
}

int npu_ioctl_bo_create(struct drm_device *drm, void *data,
			struct drm_file *file)
{
	struct drm_npu_bo_create *args = data;
	struct npu_file *nfile = file->driver_priv;
	struct drm_gem_shmem_object *shmem;
	struct npu_gem_mapping *mapping;
	struct npu_gem_object *bo;
	int ret;

	if ((args->flags & ~DRM_NPU_BO_FLAGS) || !args->size) {
		drm_dbg(drm, "buffer flags 0x%x or size %llu\n", args->flags,
			args->size);
		return -EINVAL;
	}
	if (args->size > NPU_MAX_BO_SIZE) {
		drm_dbg(drm, "buffer of %llu bytes, limit %llu\n", args->size,
			NPU_MAX_BO_SIZE);
		return -E2BIG;
	}

	shmem = drm_gem_shmem_create(drm, ALIGN(args->size, NPU_PAGE_SIZE));
	if (IS_ERR(shmem))
		return PTR_ERR(shmem);
	bo = to_npu_gem_object(&shmem->base);
	bo->flags = args->flags;

	/* The open hook reserves the NPU address (or fails with -ENOSPC). */
	ret = drm_gem_handle_create(file, &shmem->base, &args->handle);
	mapping = ret ? NULL : npu_gem_mapping_get(bo, nfile->mmu);
	drm_gem_object_put(&shmem->base);
	if (ret)
		return ret;
	if (!mapping)
		return -ENOENT;	/* handle closed by another thread */

	args->npu_addr = mapping->va.start;
	npu_gem_mapping_put(mapping);
	return 0;
}

int npu_ioctl_bo_mmap_offset(struct drm_device *drm, void *data,
			     struct drm_file *file)
{
	struct drm_npu_bo_mmap_offset *args = data;
	struct drm_gem_object *obj;
	int ret;

	if (args->pad) {
		drm_dbg(drm, "mmap offset: pad 0x%x not zero\n", args->pad);
		return -EINVAL;
	}

	obj = drm_gem_object_lookup(file, args->handle);
	if (!obj) {
		drm_dbg(drm, "mmap offset: no buffer with handle %u\n",
			args->handle);
		return -ENOENT;
	}

	if (to_npu_gem_object(obj)->flags & DRM_NPU_BO_NO_MMAP) {
		drm_dbg(drm, "mmap offset of NO_MMAP buffer %u\n",
			args->handle);
		ret = -EPERM;
	} else {
		ret = drm_gem_create_mmap_offset(obj);
		if (!ret)
			args->offset = drm_vma_node_offset_addr(&obj->vma_node);
	}
	drm_gem_object_put(obj);
	return ret;
}

int npu_ioctl_bo_info(struct drm_device *drm, void *data,
		      struct drm_file *file)
{
	struct drm_npu_bo_info *args = data;
	struct npu_file *nfile = file->driver_priv;
	struct npu_gem_mapping *mapping;
	struct drm_gem_object *obj;
	struct npu_gem_object *bo;

	obj = drm_gem_object_lookup(file, args->handle);
	if (!obj) {
		drm_dbg(drm, "info: no buffer with handle %u\n", args->handle);
		return -ENOENT;
	}

	bo = to_npu_gem_object(obj);
	mapping = npu_gem_mapping_get(bo, nfile->mmu);
	if (mapping) {
		args->flags = bo->flags |
			(obj->import_attach ? DRM_NPU_BO_INFO_IMPORTED : 0);
		args->size = obj->size;
		args->npu_addr = mapping->va.start;
		npu_gem_mapping_put(mapping);
	}
	drm_gem_object_put(obj);
	if (!mapping) {	/* its handle is being closed */
		drm_dbg(drm, "info: buffer %u has no address\n", args->handle);
		return -ENOENT;
	}
	return 0;
}

int npu_ioctl_bo_wait(struct drm_device *drm, void *data,
		      struct drm_file *file)
{
	struct drm_npu_bo_wait *args = data;
	struct drm_gem_object *obj;
	long timeout, ret;

	if (args->pad) {
		drm_dbg(drm, "wait: pad 0x%x not zero\n", args->pad);
		return -EINVAL;
	}

	obj = drm_gem_object_lookup(file, args->handle);
	if (!obj) {
		drm_dbg(drm, "wait: no buffer with handle %u\n", args->handle);
		return -ENOENT;
	}

	timeout = drm_timeout_abs_to_jiffies(args->timeout_ns);
	ret = dma_resv_wait_timeout(obj->resv, DMA_RESV_USAGE_READ, true,
				    timeout);
	drm_gem_object_put(obj);
	if (!ret)
		return -ETIMEDOUT;
	return ret < 0 ? ret : 0;
}

/* The user's stream, copied once into @obj and validated there. */
static int npu_cmdobj_fill(struct drm_gem_object *obj,
			   const struct drm_npu_cmdstream_create *args,
			   struct npu_cmdobj *info)
{
	struct iosys_map map;
	int ret;

	ret = drm_gem_vmap_unlocked(obj, &map);
	if (ret)
		return ret;
	if (map.is_iomem) {	/* shmem never is; the validator needs RAM */
		ret = -EINVAL;
	} else if (copy_from_user(map.vaddr, u64_to_user_ptr(args->data),
				  args->size)) {
		drm_dbg(obj->dev, "stream pointer 0x%llx not readable\n",
			args->data);
		ret = -EFAULT;
	} else {
		/* No handle exists yet: only the kernel can change it. */
		ret = npu_validate_cmdobj(obj->dev, map.vaddr, args->size, info);
	}
	drm_gem_vunmap_unlocked(obj, &map);
	return ret;
}

static_assert(DRM_NPU_MAX_REGIONS == NPU_CS_MAX_REGIONS);

int npu_ioctl_cmdstream_create(struct drm_device *drm, void *data,
			       struct drm_file *file)
{
	struct npu_drm_device *ndev = to_npu_drm_device(drm);
	struct drm_npu_cmdstream_create *args = data;
	struct drm_gem_shmem_object *shmem;
	struct npu_gem_object *bo;
	struct npu_cmdobj *info;
	u32 handle, r;
	int ret;

	if (!(ndev->fw_features & NPU_FW_FEAT_REGIONS)) {
		drm_dbg(drm, "firmware 0x%06x has no region addressing\n",
			ndev->fw_version);
		return -EOPNOTSUPP;
	}
	if (args->flags || args->pad) {
		drm_dbg(drm, "command object flags 0x%x or pad 0x%x not zero\n",
			args->flags, args->pad);
		return -EINVAL;
	}
	if (!args->size || !IS_ALIGNED(args->size, 4) ||
	    args->size > NPU_LIMIT_STREAM_BYTES) {
		drm_dbg(drm, "stream of %u bytes: empty, not 4-byte aligned or over %u\n",
			args->size, NPU_LIMIT_STREAM_BYTES);
		return -EINVAL;
	}

	info = kzalloc(sizeof(*info), GFP_KERNEL);
	if (!info)
		return -ENOMEM;
	shmem = drm_gem_shmem_create(drm, ALIGN(args->size, NPU_PAGE_SIZE));
	if (IS_ERR(shmem)) {
		kfree(info);
		return PTR_ERR(shmem);
	}
	bo = to_npu_gem_object(&shmem->base);
	bo->flags = DRM_NPU_BO_DEVICE_READ_ONLY | DRM_NPU_BO_NO_MMAP;
	bo->cmdobj = info;	/* freed with the object */

	ret = npu_cmdobj_fill(&shmem->base, args, info);
	if (!ret)
		ret = drm_gem_handle_create(file, &shmem->base, &handle);
	drm_gem_object_put(&shmem->base);
	if (ret)
		return ret;

	args->handle = handle;
	args->region_count = fls(info->region_used);
	for (r = 0; r < NPU_CS_MAX_REGIONS; r++)
		args->region_size[r] = info->region_size[r];
	args->region_write = info->region_write;
	return 0;
}

static void npu_gem_debugfs_file(struct seq_file *m, struct drm_file *file)
{
	struct npu_file *nfile = file->driver_priv;
	struct npu_mmu *mmu = nfile->mmu;
	struct npu_gem_mapping *mapping;
	struct drm_mm_node *node;

	guard(mutex)(&mmu->lock);
	seq_printf(m, "client %llu: %u bos, %llu bytes of %llu reserved, %llu pages mapped%s\n",
		   file->client_id, mmu->mapped_bos, mmu->mapped_bytes,
		   NPU_VA_END - NPU_VA_START, mmu->populated_pages,
		   nfile->banned ? ", banned" : "");
	drm_mm_for_each_node(node, &mmu->mm) {
		mapping = container_of(node, struct npu_gem_mapping, va);
		seq_printf(m, "  0x%08llx-0x%08llx flags 0x%x%s%s%s\n",
			   node->start, node->start + node->size,
			   mapping->bo->flags,
			   mapping->bo->base.base.import_attach ?
				" imported" : "",
			   mapping->bo->kernel_owned ? " kernel" :
				mapping->bo->cmdobj ? " cmdstream" : "",
			   mapping->populated ? " mapped" : "");
	}
}

int npu_gem_debugfs_bos(struct seq_file *m, void *data)
{
	struct drm_debugfs_entry *entry = m->private;
	struct drm_device *drm = entry->dev;
	struct drm_file *file;

	guard(mutex)(&drm->filelist_mutex);
	list_for_each_entry(file, &drm->filelist, lhead)
		npu_gem_debugfs_file(m, file);
	return 0;
}
