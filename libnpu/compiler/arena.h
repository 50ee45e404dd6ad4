/* SPDX-License-Identifier: MIT */
/*
 * The activation arena plan: the compiler lays tensors out with it, the
 * .npu loader checks a file's offsets against it (no aliased activations).
 */
#ifndef NPU_COMPILER_ARENA_H
#define NPU_COMPILER_ARENA_H

#include <stdint.h>

#include "npu_graph.h"

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

#endif /* NPU_COMPILER_ARENA_H */
