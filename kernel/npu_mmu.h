/* SPDX-License-Identifier: GPL-2.0-only */
/* Copyright 2026 The NPU stack authors */

#ifndef __NPU_MMU_H__
#define __NPU_MMU_H__

#include <linux/kref.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/types.h>

#include <drm/drm_mm.h>

struct npu_drm_device;
struct seq_file;
struct sg_table;

struct npu_pt_page {
	__le64 *cpu;
	dma_addr_t dma;
};

/**
 * struct npu_mmu - one NPU address space (one per open file)
 * @refcount: the file and every mapping hold a reference.
 * @ndev: device.
 * @lock: protects @mm, the page tables and the usage counters.
 * @mm: VA range allocator over [NPU_VA_START, NPU_VA_END).
 * @dir: directory page.
 * @tables: table pages, allocated when first needed.
 * @as: hardware slot the space is bound to, or -1 (under ndev->as_lock).
 * @as_count: jobs in the hardware queue using @as.
 * @lru: position in ndev->as_lru while bound.
 * @mapped_bytes: VA reserved by buffers.
 * @mapped_bos: buffers with a VA in this space.
 * @populated_pages: pages with a valid PTE.
 */
struct npu_mmu {
	struct kref refcount;
	struct npu_drm_device *ndev;
	struct mutex lock;	/* @mm, page tables, counters */
	struct drm_mm mm;
	struct npu_pt_page dir;
	struct npu_pt_page tables[NPU_PT_ENTRIES];
	int as;
	int as_count;
	struct list_head lru;
	u64 mapped_bytes;
	u32 mapped_bos;
	u64 populated_pages;
};

struct npu_mmu *npu_mmu_create(struct npu_drm_device *ndev);
struct npu_mmu *npu_mmu_get(struct npu_mmu *mmu);
void npu_mmu_put(struct npu_mmu *mmu);

int npu_mmu_map_sgt(struct npu_mmu *mmu, u64 va, u64 size,
		    struct sg_table *sgt, bool writable);
void npu_mmu_unmap(struct npu_mmu *mmu, u64 va, u64 size);

int npu_mmu_as_get(struct npu_mmu *mmu);
void npu_mmu_as_put(struct npu_mmu *mmu);
void npu_mmu_as_restore(struct npu_drm_device *ndev);
void npu_mmu_as_unbind_all(struct npu_drm_device *ndev);

void npu_mmu_debugfs_show(struct npu_drm_device *ndev, struct seq_file *m);

#endif /* __NPU_MMU_H__ */
