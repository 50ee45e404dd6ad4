/* SPDX-License-Identifier: MIT */
/* Tensor files as model inputs, for the tools (npu-run). */
#ifndef NPU_TOOLS_TENSOR_FILE_H
#define NPU_TOOLS_TENSOR_FILE_H

#include <stddef.h>

#include "npu_model.h"

/*
 * Reads a tensor file for a tensor described by info into a new buffer of
 * info->bytes (free() it): raw bytes (the size must match exactly) or a
 * .npy array (dtype and element count must match).  Images are not tensor
 * files (image_input.h decodes them).  0 or a negative errno / NPU_ERR_*;
 * err says why.
 */
int tensor_file_load(const char *path, const struct npu_tensor_info *info,
		     void **data, char *err, size_t errlen);

#endif /* NPU_TOOLS_TENSOR_FILE_H */
