/* SPDX-License-Identifier: MIT */
/*
 * TFLite flatbuffer reader: .tflite bytes -> struct npu_graph (npu_graph.h).
 *
 * The reader trusts no offset: every table, vtable, vector, string and buffer
 * is bounds-checked, sizes use overflow-checked arithmetic, and the resulting
 * graph is validated (tensor indices, shapes against constant buffer sizes,
 * types, known op versions, every op input produced earlier / a graph input /
 * a constant / a variable, no tensor produced twice).  On failure nothing is
 * allocated and @err holds one line naming the problem, e.g.
 *   "operator 3 (CONV_2D): input 1 is tensor 97 but the subgraph has 90 tensors"
 */
#ifndef NPU_TFLITE_H
#define NPU_TFLITE_H

#include <stddef.h>

#include "npu_graph.h"

#ifdef __cplusplus
extern "C" {
#endif

/* libnpu is built with -fvisibility=hidden: what this header declares is its API. */
#pragma GCC visibility push(default)

/* Largest .tflite accepted (flatbuffers cannot address beyond 2 GiB). */
#define NPU_TFLITE_MAX_SIZE 0x7fffffffu

/*
 * Parse a TFLite model held in @buf (@len bytes, any alignment) into a new
 * graph.  Only subgraph 0 exists in the IR: models with more subgraphs or ops
 * that call subgraphs are refused.
 *
 * Returns 0 and sets *@out, or a negative errno with *@out = NULL:
 *   -EINVAL   malformed or inconsistent model (message in @err)
 *   -ENOTSUP  well-formed but uses something the IR does not support
 *             (unknown op version, more than one subgraph, a sparse
 *             tensor without constant data or a DENSIFY of a non-constant,
 *             a tensor type outside enum npu_type, ...)
 * Sparse constant tensors are densified at load and a DENSIFY of one is
 * folded (Documentation/compiler.rst, "Read").
 *   -ENOMEM   out of memory
 * @err may be NULL; otherwise it receives a NUL-terminated message
 * (truncated to @errlen).  The graph does not reference @buf afterwards.
 */
int npu_tflite_load(const void *buf, size_t len, struct npu_graph **out,
		    char *err, size_t errlen);

/* Same, reading the file at @path (-errno from open/read on I/O errors). */
int npu_tflite_load_file(const char *path, struct npu_graph **out,
			 char *err, size_t errlen);

/*
 * Highest version of TFLite builtin @builtin the project understands, 0 if it
 * does not know the op at all.  A known op with a higher version is refused
 * (-ENOTSUP); an op the project does not know loads with NPU_OPTS_NONE and is
 * left to the compiler (CPU placement) and executor (which may lack it).
 */
int npu_tflite_max_op_version(int builtin);

#pragma GCC visibility pop

#ifdef __cplusplus
}
#endif

#endif /* NPU_TFLITE_H */
