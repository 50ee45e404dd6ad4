/* SPDX-License-Identifier: MIT */
/* Internal interfaces between the compiler's files. */
#ifndef NPU_COMPILER_INTERNAL_H
#define NPU_COMPILER_INTERNAL_H

#include <stdarg.h>
#include <stdint.h>

#include "npu_graph.h"
#include "npu_model_format.h"
#include "arena.h"
#include "../format/blob.h"
#include "npu_util.h"

/*
 * Asked by npu_fuse() about op @i of the graph as @op would be after a
 * rewrite: 1 when the compiler would place it on the NPU (not forced to
 * the CPU, prepared, within the firmware's limits), 0 when not, or a
 * negative errno (-ENOMEM).
 */
typedef int (*npu_fuse_try_fn)(void *ctx, uint32_t i, const struct npu_graph_op *op);

/*
 * Fold PADs into the window op after them and standalone activations into
 * their producer (fuse.c), rewriting @g; @fused_into[i] gets the op that
 * op i was folded into, or -1.  Only rewrites @try_npu accepts are made.
 * Returns 0 or -ENOMEM.
 */
int npu_fuse(struct npu_graph *g, int32_t *fused_into, npu_fuse_try_fn try_npu, void *ctx);

#endif /* NPU_COMPILER_INTERNAL_H */
