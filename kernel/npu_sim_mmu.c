// SPDX-License-Identifier: GPL-2.0-only
/*
 * npu_sim memory access: the device's bus master and its MMU.
 *
 * Bus addresses (page-table entries, CRING_BASE, FW_BASE) are taken to be
 * physical addresses: the model assumes a platform without an IOMMU in front
 * of the NPU, where dma_addr_t equals phys_addr_t.
 */
#include <linux/cleanup.h>
#include <linux/highmem.h>
#include <linux/minmax.h>
#include <linux/mm.h>
#include <linux/pfn.h>
#include <linux/sched.h>
#include <linux/spinlock.h>
#include <linux/string.h>

#include "npu_sim.h"

static int npu_sim_phys_copy(u64 pa, void *buf, size_t len, bool write)
{
	while (len) {
		size_t off = offset_in_page(pa);
		size_t chunk = min_t(size_t, len, PAGE_SIZE - off);
		unsigned long pfn = PHYS_PFN(pa);
		void *vaddr;

		/* Not RAM: the bus transaction fails. */
		if (!pfn_valid(pfn))
			return -EFAULT;
		vaddr = kmap_local_page(pfn_to_page(pfn));
		if (write)
			memcpy(vaddr + off, buf, chunk);
		else
			memcpy(buf, vaddr + off, chunk);
		kunmap_local(vaddr);
		pa += chunk;
		buf += chunk;
		len -= chunk;
	}
	return 0;
}

int npu_sim_phys_read(u64 pa, void *dst, size_t len)
{
	return npu_sim_phys_copy(pa, dst, len, false);
}

int npu_sim_phys_write(u64 pa, const void *src, size_t len)
{
	return npu_sim_phys_copy(pa, (void *)src, len, true);
}

/**
 * npu_sim_fetch() - read bus memory for a boot, unless reset meanwhile
 * @sim: the device.
 * @epoch: reset epoch the request belongs to.
 * @pa: bus address.
 * @dst: destination.
 * @len: bytes.
 *
 * Return: 0, -EFAULT for memory that is not RAM, -ECANCELED after a reset.
 */
int npu_sim_fetch(struct npu_sim *sim, u32 epoch, u64 pa, void *dst,
		  size_t len)
{
	while (len) {
		size_t chunk = min_t(size_t, len, PAGE_SIZE - offset_in_page(pa));
		int ret;

		scoped_guard(spinlock_irqsave, &sim->lock) {
			if (sim->epoch != epoch || sim->stopping)
				return -ECANCELED;
			ret = npu_sim_phys_copy(pa, dst, chunk, false);
		}
		if (ret)
			return ret;
		pa += chunk;
		dst += chunk;
		len -= chunk;
		cond_resched();
	}
	return 0;
}

static int npu_sim_read_entry(u64 table, unsigned int idx, u64 *entry)
{
	__le64 raw;
	int ret;

	ret = npu_sim_phys_read(table + idx * sizeof(raw), &raw, sizeof(raw));
	if (ret)
		return ret;
	*entry = le64_to_cpu(raw);
	return 0;
}

static void npu_sim_fault(struct npu_sim_exec *x, u64 va, bool write,
			  bool permission)
{
	if (x->fault_status)
		return;
	x->fault_va = va;
	x->fault_status = NPU_MMU_FAULT_VALID | (x->job.as & 0xff);
	if (write)
		x->fault_status |= NPU_MMU_FAULT_WRITE;
	if (permission)
		x->fault_status |= NPU_MMU_FAULT_PERMISSION;
}

/* Walk the two-level table of the job's address space. */
static int npu_sim_translate_locked(struct npu_sim_exec *x, u64 va,
				    bool write, u64 *pa)
{
	struct npu_sim *sim = x->sim;
	u64 dir, pde, pte;
	u32 as = x->job.as;

	lockdep_assert_held(&sim->lock);
	if (as >= NPU_MAX_AS || !(sim->as_ctrl[as] & NPU_MMU_AS_ENABLE) ||
	    va >= NPU_VA_SIZE)
		goto translation_fault;
	dir = (u64)sim->as_dir_hi[as] << 32 | sim->as_dir_lo[as];
	if (npu_sim_read_entry(dir & NPU_PDE_ADDR_MASK, NPU_DIR_INDEX(va), &pde))
		goto translation_fault;
	if (!(pde & NPU_PDE_VALID))
		goto translation_fault;
	if (npu_sim_read_entry(pde & NPU_PDE_ADDR_MASK, NPU_PT_INDEX(va), &pte))
		goto translation_fault;
	if (!(pte & NPU_PTE_VALID))
		goto translation_fault;
	if (!(pte & (write ? NPU_PTE_WRITE : NPU_PTE_READ))) {
		npu_sim_fault(x, va, write, true);
		return -EFAULT;
	}
	if (write && sim->inject.fault_next_write) {
		sim->inject.fault_next_write = false;
		npu_sim_fault(x, va, write, true);
		return -EFAULT;
	}
	*pa = (pte & NPU_PTE_ADDR_MASK) | (va & (NPU_PAGE_SIZE - 1));
	return 0;

translation_fault:
	npu_sim_fault(x, va, write, false);
	return -EFAULT;
}

/*
 * One page at a time under the device lock: once a soft reset (which takes
 * the lock) has been written, the abandoned job touches no memory at all,
 * so the driver may free its buffers right after the reset.
 */
static int npu_sim_dma(struct npu_sim_exec *x, u64 va, void *buf, size_t len,
		       bool write)
{
	struct npu_sim *sim = x->sim;
	u64 pa;
	int ret;

	while (len) {
		size_t chunk = min_t(size_t, len,
				     NPU_PAGE_SIZE - (va & (NPU_PAGE_SIZE - 1)));

		scoped_guard(spinlock_irqsave, &sim->lock) {
			if (sim->epoch != x->epoch || sim->stopping)
				return -ECANCELED;
			ret = npu_sim_translate_locked(x, va, write, &pa);
			if (ret)
				return ret;
			ret = npu_sim_phys_copy(pa, buf, chunk, write);
		}
		if (ret) {
			/* A PTE pointing outside RAM: report it as a fault. */
			npu_sim_fault(x, va, write, false);
			return ret;
		}
		va += chunk;
		buf += chunk;
		len -= chunk;
		cond_resched();
	}
	return 0;
}

/**
 * npu_sim_dma_read() - read NPU virtual memory of the running job
 * @x: the running job.
 * @va: NPU virtual address.
 * @dst: destination.
 * @len: bytes.
 *
 * Return: 0, -EFAULT on an MMU fault (recorded in @x), or -ECANCELED when a
 * soft reset aborted the job.
 */
int npu_sim_dma_read(struct npu_sim_exec *x, u64 va, void *dst, size_t len)
{
	return npu_sim_dma(x, va, dst, len, false);
}

/**
 * npu_sim_dma_write() - write NPU virtual memory of the running job
 * @x: the running job.
 * @va: NPU virtual address.
 * @src: source.
 * @len: bytes.
 *
 * Return: as npu_sim_dma_read().
 */
int npu_sim_dma_write(struct npu_sim_exec *x, u64 va, const void *src,
		      size_t len)
{
	return npu_sim_dma(x, va, (void *)src, len, true);
}
