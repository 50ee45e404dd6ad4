/* SPDX-License-Identifier: MIT */
/* Graph IR helpers internal to libnpu (graph.c). */
#ifndef NPU_GRAPH_PRIV_H
#define NPU_GRAPH_PRIV_H

#include "npu_graph.h"

/*
 * A deep copy of @g (tensors with their names, quantization and constant
 * data; ops with their operands and options) into *@out, for
 * npu_graph_free().  0 or -ENOMEM.
 */
int npu_graph_copy(const struct npu_graph *g, struct npu_graph **out);

/* Frees what @op owns (name, operand lists, options, intermediates). */
void npu_graph_op_release(struct npu_graph_op *op);

#endif /* NPU_GRAPH_PRIV_H */
