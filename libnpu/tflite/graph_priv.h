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

/*
 * npu_graph_validate() of @g alone: its subgraphs and what its WHILE and
 * IF ops name are not looked at (a subgraph image of a .npu file).
 */
int npu_graph_validate_flat(const struct npu_graph *g, char *err, size_t errlen);

/*
 * The control flow of @root (control_flow.c): every subgraph a WHILE or IF
 * names exists and matches the op's operands, no subgraph runs itself.
 * 0, -EINVAL, -ENOTSUP (a shape that changes) or -ENOMEM, with @err.
 */
int npu_graph_check_control_flow(const struct npu_graph *root, char *err, size_t errlen);

#endif /* NPU_GRAPH_PRIV_H */
