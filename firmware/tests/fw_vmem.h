/* SPDX-License-Identifier: MIT */
/*
 * A fake NPU address space for tests: 4 KiB pages with read/write
 * permissions, DMA callbacks that fault on the first unmapped or
 * forbidden page exactly like the simulator's MMU walk.
 */
#ifndef FW_VMEM_H
#define FW_VMEM_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "npu_fw.h"

#define VMEM_PAGES	1024u	/* 4 MiB of VA */
#define VMEM_R		1u
#define VMEM_W		2u

struct vmem {
	uint8_t *page[VMEM_PAGES];
	uint8_t perm[VMEM_PAGES];
	unsigned int allocs, frees, fail_alloc_after;
	unsigned int polls, abort_after_polls;
	int abort_now;
};

static inline void vmem_map(struct vmem *m, uint64_t va, uint64_t len,
			    uint8_t perm)
{
	uint64_t p;

	for (p = va >> 12; p <= (va + len - 1) >> 12; p++) {
		if (!m->page[p])
			m->page[p] = calloc(1, 4096);
		m->perm[p] = perm;
	}
}

static inline void vmem_unmap(struct vmem *m, uint64_t va)
{
	free(m->page[va >> 12]);
	m->page[va >> 12] = NULL;
	m->perm[va >> 12] = 0;
}

static inline void vmem_free(struct vmem *m)
{
	unsigned int i;

	for (i = 0; i < VMEM_PAGES; i++)
		free(m->page[i]);
	memset(m, 0, sizeof(*m));
}

/* Host-side access, ignoring permissions (the "CPU" view). */
static inline void vmem_poke(struct vmem *m, uint64_t va, const void *src,
			     uint64_t len)
{
	const uint8_t *s = src;

	for (; len; len--, va++, s++)
		m->page[va >> 12][va & 4095] = *s;
}

static inline void vmem_peek(struct vmem *m, uint64_t va, void *dst,
			     uint64_t len)
{
	uint8_t *d = dst;

	for (; len; len--, va++, d++)
		*d = m->page[va >> 12][va & 4095];
}

static inline int vmem_access(struct vmem *m, uint64_t va, uint8_t *buf,
			      uint32_t len, uint8_t need, uint64_t *fault)
{
	while (len) {
		uint64_t p = va >> 12, off = va & 4095;
		uint32_t n = (uint32_t)(4096 - off < len ? 4096 - off : len);

		if (p >= VMEM_PAGES || !m->page[p] || !(m->perm[p] & need)) {
			*fault = va;
			return -1;
		}
		if (need == VMEM_R)
			memcpy(buf, m->page[p] + off, n);
		else
			memcpy(m->page[p] + off, buf, n);
		va += n;
		buf += n;
		len -= n;
	}
	return 0;
}

static inline int vmem_read(void *ctx, uint64_t va, void *dst, uint32_t len,
			    uint64_t *fault)
{
	return vmem_access(ctx, va, dst, len, VMEM_R, fault);
}

static inline int vmem_write(void *ctx, uint64_t va, const void *src,
			     uint32_t len, uint64_t *fault)
{
	return vmem_access(ctx, va, (uint8_t *)src, len, VMEM_W, fault);
}

static inline void *vmem_alloc(void *ctx, size_t size)
{
	struct vmem *m = ctx;

	if (m->fail_alloc_after && m->allocs + 1 >= m->fail_alloc_after)
		return NULL;
	m->allocs++;
	return malloc(size);
}

static inline void vmem_dealloc(void *ctx, void *ptr)
{
	struct vmem *m = ctx;

	m->frees++;
	free(ptr);
}

static inline int vmem_poll(void *ctx)
{
	struct vmem *m = ctx;

	m->polls++;
	if (m->abort_after_polls && m->polls >= m->abort_after_polls)
		return 1;
	return m->abort_now;
}

static inline struct npu_fw_env vmem_env(struct vmem *m)
{
	struct npu_fw_env e = {
		.ctx = m, .dma_read = vmem_read, .dma_write = vmem_write,
		.alloc = vmem_alloc, .free = vmem_dealloc, .poll = vmem_poll,
	};
	return e;
}

#endif
