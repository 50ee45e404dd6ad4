/* SPDX-License-Identifier: MIT */
/* The .npu writer's growing byte buffer, shared with the compiler's weights. */
#ifndef NPU_FORMAT_BLOB_H
#define NPU_FORMAT_BLOB_H

#include <stddef.h>
#include <stdint.h>

#define ALIGN_UP(x, a) (((x) + ((uint64_t)(a) - 1)) & ~((uint64_t)(a) - 1))

/*
 * Each piece is placed at the next multiple of @align, gaps zeroed; *@at
 * (may be NULL) gets its offset, 0 on failure.  0, -ENOMEM, or -E2BIG when
 * the buffer would pass half the address space.
 */
struct npu_blob {
	uint8_t *data;
	size_t size, cap;
};

int npu_blob_put(struct npu_blob *b, const void *src, size_t len, size_t align,
		 size_t *at);

#endif /* NPU_FORMAT_BLOB_H */
