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

/* One level of a TfLiteSparsity as the TFLite runtime holds it. */
struct tflite_sparse_level {
	uint8_t format;			/* 0 dense, 1 sparse CSR */
	int32_t dense_size;
	const int32_t *segments, *indices;	/* CSR: array_segments, array_indices */
	uint32_t num_segments, num_indices;
};

/*
 * The same from arrays already in memory (the TFLite delegate's
 * TfLiteSparsity): @order and @block_map, @num_levels @levels; the same
 * checks, the message in @err.
 */
int tflite_densify_levels(const int32_t *order, uint32_t num_order,
			  const int32_t *block_map, uint32_t num_blocks,
			  const struct tflite_sparse_level *levels, uint32_t num_levels,
			  const struct npu_graph_tensor *t, const uint8_t *values,
			  uint64_t values_size, void **dense, char *err, size_t errlen,
			  const char *what);

#endif /* NPU_TFLITE_SPARSITY_H */
