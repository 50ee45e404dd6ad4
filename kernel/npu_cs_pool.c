// SPDX-License-Identifier: GPL-2.0-only
/* Copyright 2026 The NPU stack authors */

#include <linux/cleanup.h>
#include <linux/err.h>
#include <linux/mutex.h>
#include <linux/sizes.h>
#include <linux/slab.h>

#include <drm/drm_gem.h>
#include <drm/npu_accel.h>

#include "npu_cs_pool.h"
#include "npu_drv.h"
#include "npu_gem.h"
#include "npu_mmu.h"

/*
 * The device executes a copy of the stream, validated in a buffer that only
 * the kernel can write (no handle: no CPU mapping, no export) and that the
 * device maps read-only: the CPU cannot change a stream between validation
 * and execution, and neither can another job.  A file keeps a few of these
 * buffers, mapped, for its next jobs: allocating, mapping and unmapping one
 * per job would halve the rate of small jobs.
 */
#define NPU_CS_POOL_MAX		8
#define NPU_CS_POOL_MAX_SIZE	SZ_64K

static void npu_cs_copy_free(struct npu_cs_copy *copy)
{
	if (!iosys_map_is_null(&copy->map))
		drm_gem_vunmap_unlocked(&copy->mapping->bo->base.base,
					&copy->map);
	npu_gem_mapping_put(copy->mapping);
	kfree(copy);
}

/**
 * npu_cs_copy_get() - a stream buffer of at least @size bytes
 * @nfile: file whose address space maps it.
 * @size: bytes.
 *
 * Return: an unused buffer of the file's pool, a new one, or an ERR_PTR.
 */
struct npu_cs_copy *npu_cs_copy_get(struct npu_file *nfile, u32 size)
{
	struct npu_cs_copy *copy;
	int ret;

	scoped_guard(mutex, &nfile->cs_pool_lock) {
		list_for_each_entry(copy, &nfile->cs_pool, node) {
			if (copy->mapping->va.size >= size) {
				list_del_init(&copy->node);
				nfile->cs_pool_count--;
				return copy;
			}
		}
	}

	copy = kzalloc(sizeof(*copy), GFP_KERNEL);
	if (!copy)
		return ERR_PTR(-ENOMEM);
	INIT_LIST_HEAD(&copy->node);
	copy->mapping = npu_gem_create_private(&nfile->ndev->drm, nfile->mmu,
					       size,
					      DRM_NPU_BO_DEVICE_READ_ONLY |
					      DRM_NPU_BO_NO_MMAP);
	if (IS_ERR(copy->mapping)) {
		ret = PTR_ERR(copy->mapping);
		kfree(copy);
		return ERR_PTR(ret);
	}
	/* @copy->map stays null (kzalloc) if this fails. */
	ret = drm_gem_vmap_unlocked(&copy->mapping->bo->base.base, &copy->map);
	if (!ret && copy->map.is_iomem)
		ret = -EINVAL;	/* shmem never is; the validator needs RAM */
	if (ret) {
		npu_cs_copy_free(copy);
		return ERR_PTR(ret);
	}
	return copy;
}

/**
 * npu_cs_copy_put() - give a stream buffer back to the file's pool
 * @nfile: file.
 * @copy: the buffer, or NULL.
 */
void npu_cs_copy_put(struct npu_file *nfile, struct npu_cs_copy *copy)
{
	if (!copy)
		return;
	if (copy->mapping->va.size <= NPU_CS_POOL_MAX_SIZE) {
		guard(mutex)(&nfile->cs_pool_lock);
		if (nfile->cs_pool_count < NPU_CS_POOL_MAX) {
			list_add(&copy->node, &nfile->cs_pool);
			nfile->cs_pool_count++;
			return;
		}
	}
	npu_cs_copy_free(copy);
}

/**
 * npu_cs_pool_fini() - free the stream buffers a file kept
 * @nfile: the file, when its last reference goes (no job left).
 */
void npu_cs_pool_fini(struct npu_file *nfile)
{
	struct npu_cs_copy *copy, *tmp;

	list_for_each_entry_safe(copy, tmp, &nfile->cs_pool, node)
		npu_cs_copy_free(copy);
	nfile->cs_pool_count = 0;
}
