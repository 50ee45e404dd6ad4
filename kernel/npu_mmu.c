// SPDX-License-Identifier: GPL-2.0-only
/* Copyright 2026 The NPU stack authors */

/*
 * NPU address spaces: one per open file, two-level page tables in the format
 * of npu_regs.h, bound to one of the MMU's hardware slots while a job of the
 * file is in the hardware queue.  Slots are reused least-recently-used, as
 * panfrost does for its address spaces.
 */

#include <linux/cleanup.h>
#include <linux/dma-mapping.h>
#include <linux/pm_runtime.h>
#include <linux/regmap.h>
#include <linux/scatterlist.h>
#include <linux/seq_file.h>
#include <linux/slab.h>

#include "npu_drv.h"
#include "npu_mmu.h"

static int npu_pt_page_alloc(struct npu_drm_device *ndev, struct npu_pt_page *pt)
{
	pt->cpu = dma_alloc_coherent(ndev->dev, NPU_PAGE_SIZE, &pt->dma,
				     GFP_KERNEL);
	return pt->cpu ? 0 : -ENOMEM;
}

static void npu_pt_page_free(struct npu_drm_device *ndev, struct npu_pt_page *pt)
{
	if (pt->cpu)
		dma_free_coherent(ndev->dev, NPU_PAGE_SIZE, pt->cpu, pt->dma);
	pt->cpu = NULL;
}

struct npu_mmu *npu_mmu_create(struct npu_drm_device *ndev)
{
	struct npu_mmu *mmu;
	int ret;

	mmu = kzalloc(sizeof(*mmu), GFP_KERNEL);
	if (!mmu)
		return ERR_PTR(-ENOMEM);

	ret = npu_pt_page_alloc(ndev, &mmu->dir);
	if (ret) {
		kfree(mmu);
		return ERR_PTR(ret);
	}

	kref_init(&mmu->refcount);
	mmu->ndev = ndev;
	mutex_init(&mmu->lock);
	drm_mm_init(&mmu->mm, NPU_VA_START, NPU_VA_END - NPU_VA_START);
	mmu->as = -1;
	INIT_LIST_HEAD(&mmu->lru);
	return mmu;
}

struct npu_mmu *npu_mmu_get(struct npu_mmu *mmu)
{
	kref_get(&mmu->refcount);
	return mmu;
}

/*
 * Register writes outside jobs (TLB flushes, unbinding) only while the
 * block is powered; power-up programs every slot and flushes anyway.
 */
static bool npu_mmu_hw_get(struct npu_drm_device *ndev)
{
	return pm_runtime_get_if_active(ndev->dev) > 0;
}

static void npu_mmu_hw_put(struct npu_drm_device *ndev)
{
	pm_runtime_mark_last_busy(ndev->dev);
	pm_runtime_put_autosuspend(ndev->dev);
}

static void npu_mmu_as_release(struct npu_mmu *mmu)
{
	struct npu_drm_device *ndev = mmu->ndev;

	guard(mutex)(&ndev->as_lock);
	if (mmu->as < 0)
		return;
	if (npu_mmu_hw_get(ndev)) {
		regmap_write(ndev->regs, NPU_REG_MMU_AS_CTRL(mmu->as), 0);
		regmap_write(ndev->regs, NPU_REG_MMU_FLUSH, BIT(mmu->as));
		npu_mmu_hw_put(ndev);
	}
	ndev->as_owner[mmu->as] = NULL;
	list_del_init(&mmu->lru);
	mmu->as = -1;
}

static void npu_mmu_release(struct kref *kref)
{
	struct npu_mmu *mmu = container_of(kref, struct npu_mmu, refcount);
	struct npu_drm_device *ndev = mmu->ndev;
	unsigned int i;

	npu_mmu_as_release(mmu);
	drm_mm_takedown(&mmu->mm);
	for (i = 0; i < NPU_PT_ENTRIES; i++)
		npu_pt_page_free(ndev, &mmu->tables[i]);
	npu_pt_page_free(ndev, &mmu->dir);
	mutex_destroy(&mmu->lock);
	kfree(mmu);
}

void npu_mmu_put(struct npu_mmu *mmu)
{
	if (mmu)
		kref_put(&mmu->refcount, npu_mmu_release);
}

/* Drops the TLB of the slot the space is bound to; caller holds mmu->lock. */
static void npu_mmu_flush(struct npu_mmu *mmu)
{
	struct npu_drm_device *ndev = mmu->ndev;

	/* Page-table writes must be visible before the device re-walks. */
	dma_wmb();
	guard(mutex)(&ndev->as_lock);
	if (mmu->as >= 0 && npu_mmu_hw_get(ndev)) {
		regmap_write(ndev->regs, NPU_REG_MMU_FLUSH, BIT(mmu->as));
		npu_mmu_hw_put(ndev);
	}
}

static __le64 *npu_mmu_pte(struct npu_mmu *mmu, u64 va, bool alloc)
{
	unsigned int di = NPU_DIR_INDEX(va);
	struct npu_pt_page *pt = &mmu->tables[di];

	if (!pt->cpu) {
		if (!alloc || npu_pt_page_alloc(mmu->ndev, pt))
			return NULL;
		mmu->dir.cpu[di] = cpu_to_le64((pt->dma & NPU_PDE_ADDR_MASK) |
					       NPU_PDE_VALID);
	}
	return &pt->cpu[NPU_PT_INDEX(va)];
}

static void npu_mmu_clear(struct npu_mmu *mmu, u64 va, u64 size)
{
	u64 end = va + size;
	__le64 *pte;

	for (; va < end; va += NPU_PAGE_SIZE) {
		pte = npu_mmu_pte(mmu, va, false);
		if (pte && *pte) {
			*pte = 0;
			mmu->populated_pages--;
		}
	}
}

/**
 * npu_mmu_map_sgt() - write PTEs for a DMA-mapped scatter list
 * @mmu: address space.
 * @va: start, page aligned, inside a range reserved in @mmu->mm.
 * @size: bytes to map; the list may be longer.
 * @sgt: DMA-mapped pages (segments page aligned).
 * @writable: whether the device may write.
 *
 * Return: 0, -EINVAL for a list with unaligned segments or shorter than
 * @size, -ENOMEM.
 */
int npu_mmu_map_sgt(struct npu_mmu *mmu, u64 va, u64 size,
		    struct sg_table *sgt, bool writable)
{
	u64 flags = NPU_PTE_VALID | NPU_PTE_READ |
		    (writable ? NPU_PTE_WRITE : 0);
	u64 start = va, end = va + size;
	struct scatterlist *sg;
	unsigned int i;
	int ret = 0;

	scoped_guard(mutex, &mmu->lock) {
		for_each_sgtable_dma_sg(sgt, sg, i) {
			dma_addr_t addr = sg_dma_address(sg);
			u64 len = sg_dma_len(sg);

			if (!IS_ALIGNED(addr, NPU_PAGE_SIZE) ||
			    !IS_ALIGNED(len, NPU_PAGE_SIZE)) {
				ret = -EINVAL;
				break;
			}
			for (; len && va < end; len -= NPU_PAGE_SIZE) {
				__le64 *pte = npu_mmu_pte(mmu, va, true);

				if (!pte) {
					ret = -ENOMEM;
					break;
				}
				if (!*pte)
					mmu->populated_pages++;
				*pte = cpu_to_le64((addr & NPU_PTE_ADDR_MASK) |
						   flags);
				addr += NPU_PAGE_SIZE;
				va += NPU_PAGE_SIZE;
			}
			if (ret || va >= end)
				break;
		}
		if (!ret && va < end)
			ret = -EINVAL;
		if (ret)
			npu_mmu_clear(mmu, start, va - start);
		npu_mmu_flush(mmu);
	}
	return ret;
}

void npu_mmu_unmap(struct npu_mmu *mmu, u64 va, u64 size)
{
	guard(mutex)(&mmu->lock);
	npu_mmu_clear(mmu, va, size);
	npu_mmu_flush(mmu);
}

static void npu_mmu_as_program(struct npu_drm_device *ndev, int as, dma_addr_t dir)
{
	regmap_write(ndev->regs, NPU_REG_MMU_AS_DIR_LO(as), lower_32_bits(dir));
	regmap_write(ndev->regs, NPU_REG_MMU_AS_DIR_HI(as), upper_32_bits(dir));
	regmap_write(ndev->regs, NPU_REG_MMU_AS_CTRL(as), NPU_MMU_AS_ENABLE);
	regmap_write(ndev->regs, NPU_REG_MMU_FLUSH, BIT(as));
}

/**
 * npu_mmu_as_get() - bind the space to a hardware slot for one job
 * @mmu: address space.
 *
 * The scheduler's credit limit never exceeds the slot count, so an idle
 * slot always exists when a job is pushed.
 *
 * Return: slot number, or -EBUSY if every slot has jobs in flight.
 */
int npu_mmu_as_get(struct npu_mmu *mmu)
{
	struct npu_drm_device *ndev = mmu->ndev;
	struct npu_mmu *victim;
	int as;

	guard(mutex)(&ndev->as_lock);
	if (mmu->as >= 0) {
		mmu->as_count++;
		list_move_tail(&mmu->lru, &ndev->as_lru);
		return mmu->as;
	}

	for (as = 0; as < ndev->num_as; as++)
		if (!ndev->as_owner[as])
			break;

	if (as == ndev->num_as) {
		as = -EBUSY;
		list_for_each_entry(victim, &ndev->as_lru, lru) {
			if (victim->as_count)
				continue;
			as = victim->as;
			regmap_write(ndev->regs, NPU_REG_MMU_AS_CTRL(as), 0);
			victim->as = -1;
			list_del_init(&victim->lru);
			break;
		}
		if (as < 0)
			return as;
	}

	ndev->as_owner[as] = mmu;
	mmu->as = as;
	mmu->as_count = 1;
	list_add_tail(&mmu->lru, &ndev->as_lru);
	npu_mmu_as_program(ndev, as, mmu->dir.dma);
	return as;
}

void npu_mmu_as_put(struct npu_mmu *mmu)
{
	guard(mutex)(&mmu->ndev->as_lock);
	if (!WARN_ON(mmu->as_count <= 0))
		mmu->as_count--;
}

/* After a reset or power-up the slot registers are lost; write them back. */
void npu_mmu_as_restore(struct npu_drm_device *ndev)
{
	int as;

	guard(mutex)(&ndev->as_lock);
	for (as = 0; as < ndev->num_as; as++) {
		if (ndev->as_owner[as])
			npu_mmu_as_program(ndev, as, ndev->as_owner[as]->dir.dma);
		else
			regmap_write(ndev->regs, NPU_REG_MMU_AS_CTRL(as), 0);
	}
}

/* Device going away: forget every binding so nothing touches registers. */
void npu_mmu_as_unbind_all(struct npu_drm_device *ndev)
{
	struct npu_mmu *mmu;
	int as;

	guard(mutex)(&ndev->as_lock);
	for (as = 0; as < ndev->num_as; as++) {
		mmu = ndev->as_owner[as];
		if (!mmu)
			continue;
		regmap_write(ndev->regs, NPU_REG_MMU_AS_CTRL(as), 0);
		mmu->as = -1;
		mmu->as_count = 0;
		list_del_init(&mmu->lru);
		ndev->as_owner[as] = NULL;
	}
}

void npu_mmu_debugfs_show(struct npu_drm_device *ndev, struct seq_file *m)
{
	struct npu_mmu *mmu;
	int as;

	guard(mutex)(&ndev->as_lock);
	seq_printf(m, "slots: %u\n", ndev->num_as);
	for (as = 0; as < ndev->num_as; as++) {
		mmu = ndev->as_owner[as];
		if (!mmu) {
			seq_printf(m, "as%d: free\n", as);
			continue;
		}
		seq_printf(m, "as%d: space %p jobs %d bos %u reserved %llu populated-pages %llu\n",
			   as, mmu, mmu->as_count, mmu->mapped_bos,
			   mmu->mapped_bytes, mmu->populated_pages);
	}
}
