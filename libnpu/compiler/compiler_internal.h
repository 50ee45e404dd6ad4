/* SPDX-License-Identifier: MIT */
/* Internal interfaces between the compiler's files. */
#ifndef NPU_COMPILER_INTERNAL_H
#define NPU_COMPILER_INTERNAL_H

#include <stdarg.h>
#include <stdint.h>

#include "npu_graph.h"
#include "npu_model_format.h"

#define ALIGN_UP(x, a) (((x) + ((uint64_t)(a) - 1)) & ~((uint64_t)(a) - 1))

/*
 * Plan the activation arena of @g by tensor lifetime.  Every non-constant
 * tensor an op or the graph I/O touches gets an offset (aligned to
 * NPU_MF_BLOB_ALIGN); tensors whose lifetimes overlap never share bytes;
 * graph inputs live from before the first op, outputs and variables until
 * after the last.  @offsets has g->num_tensors entries (NPU_MF_NONE for
 * tensors without a place).  Returns 0 or -ENOMEM.
 */
int npu_arena_plan(const struct npu_graph *g, uint64_t *offsets, uint64_t *arena_size,
		   uint64_t *activation_bytes, uint64_t *peak_live_bytes);

/* IEEE CRC-32, zlib-compatible (start with 0). */
uint32_t npu_mf_crc32(uint32_t crc, const void *buf, size_t len);

/*
 * Growing byte buffer (model_format.c): each piece is placed at the next
 * multiple of @align, gaps zeroed; *@at (may be NULL) gets its offset.
 * 0 or -ENOMEM.
 */
struct npu_blob {
	uint8_t *data;
	size_t size, cap;
};

int npu_blob_put(struct npu_blob *b, const void *src, size_t len, size_t align,
		 size_t *at);

void npu_errf(char *err, size_t errlen, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

#endif /* NPU_COMPILER_INTERNAL_H */
