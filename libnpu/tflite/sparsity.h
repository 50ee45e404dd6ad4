/* SPDX-License-Identifier: MIT */
/*
 * Sparse constant tensors (TFLite SparsityParameters) expanded to dense
 * data at load (internal to libnpu's TFLite reader).
 */
#ifndef NPU_TFLITE_SPARSITY_H
#define NPU_TFLITE_SPARSITY_H

#include <stdint.h>

#include "fb.h"
#include "npu_graph.h"

/*
 * The dense form of @t (shape, type and bytes set) in *@dense (t->bytes,
 * 64-byte aligned, the caller frees it) from the SparsityParameters table
 * @sp and the @values_size bytes of stored @values; the rest is zero.
 * Every index, segment and size is checked against the dense shape before
 * anything is allocated: returns 0, or a negative errno with the reason in
 * fb->err, prefixed with @what (*@dense then NULL).
 */
int tflite_densify(const struct fb *fb, const struct fb_table *sp,
		   const struct npu_graph_tensor *t, const uint8_t *values,
		   uint64_t values_size, void **dense, const char *what);

#endif /* NPU_TFLITE_SPARSITY_H */
