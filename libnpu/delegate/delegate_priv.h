/* SPDX-License-Identifier: MIT */
/*
 * Internal interfaces of the TFLite external delegate (libnpu-tflite.so):
 * delegate.c (entry points, options, placement, TFLite kernels),
 * graph_build.c (TFLite's view of a subgraph -> struct npu_graph),
 * compile_cache.c (compiling a graph once, cached on disk by its hash).
 */
#ifndef NPU_DELEGATE_PRIV_H
#define NPU_DELEGATE_PRIV_H

#include <stddef.h>
#include <stdint.h>

#include "npu_graph.h"
#include "npu_model_format.h"
#include "tflite_abi.h"

/*
 * Builds the graph of @num_nodes TFLite nodes (in execution order) of
 * @ctx.  Only the tensors they use are kept, in TFLite's index order;
 * (*@tensor_map)[i] (free() it, may be NULL) is the TFLite index of graph
 * tensor i.  Graph inputs: @inputs (TFLite tensor indices; constants and
 * absent ones skipped), or with @inputs NULL every non-constant tensor the
 * nodes read but none produces.  Graph outputs: @outputs, or with NULL
 * every tensor produced and read by no later node.
 * Returns 0, or -ENOTSUP/-EINVAL/-ENOMEM with a message in @err: the same
 * things npu_tflite_load() refuses (tensor types outside enum npu_type,
 * sparse tensors, op versions newer than the project knows), plus dynamic
 * shapes.
 */
int delegate_graph_build(TfLiteContext *ctx, const int *nodes, int num_nodes,
			 const TfLiteIntArray *inputs, const TfLiteIntArray *outputs,
			 struct npu_graph **out, int **tensor_map, char *err, size_t errlen);

/*
 * FNV-1a 64 (npu_model_hash) of everything compilation depends on: the
 * graph's tensors, constant data, ops and options, its inputs and outputs,
 * the ops forced to the CPU, the compile flags and the firmware's missing
 * feature bits (npu_compile_options.fw_features).
 */
uint64_t delegate_graph_hash(const struct npu_graph *g, const uint32_t *force_cpu,
			     uint32_t num_force_cpu, uint32_t flags, uint32_t fw_features);

/*
 * Compiles @g (taking ownership) with @opt, or loads the compilation that
 * @cache_dir (may be NULL) holds under the graph's hash.  Returns 0 and
 * *@out, or a negative errno with @err.
 */
int delegate_compile(struct npu_graph *g, const struct npu_compile_options *opt,
		     const char *cache_dir, struct npu_compiled_model **out,
		     char *err, size_t errlen);

#endif /* NPU_DELEGATE_PRIV_H */
