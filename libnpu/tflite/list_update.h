/* SPDX-License-Identifier: MIT */
/* The converter's lowered TensorListSetItem as DYNAMIC_UPDATE_SLICE (list_update.c). */
#ifndef NPU_TFLITE_LIST_UPDATE_H
#define NPU_TFLITE_LIST_UPDATE_H

#include <stdint.h>

#include "graph_priv.h"

/*
 * Rewrites, in subgraph @g (read but not yet validated: indices are
 * checked here), each CONCATENATION of a list's head slice, a row and its
 * tail slice at a loop counter into one DYNAMIC_UPDATE_SLICE, and removes
 * the slices nothing else reads (op_source keeps the other ops' numbers).
 * @dynamic: per tensor, 1 when its shape signature has an unknown extent.
 * 0 or -ENOMEM.
 */
int tflite_fold_list_updates(struct npu_graph *g, const uint8_t *dynamic);

#endif /* NPU_TFLITE_LIST_UPDATE_H */
