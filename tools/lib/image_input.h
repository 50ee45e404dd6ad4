/* SPDX-License-Identifier: MIT */
/*
 * Images as model inputs, for the tools: decoded (BMP, PGM/PPM, PNG, JPEG),
 * resized to the input's height and width, converted to its channel count
 * and mapped to its type and quantization the way TFLite's label_image
 * does: real = (pixel - mean) / std, then quantized with the tensor's scale
 * and zero point.  The runtime library reads raw and .npy tensor files
 * only; decoding images is the application's business.
 */
#ifndef NPU_TOOLS_IMAGE_INPUT_H
#define NPU_TOOLS_IMAGE_INPUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "npu_model.h"
#include "npu_graph.h"

struct image_input_options {
	float mean;	/* real = (pixel - mean) / std */
	float std;
	bool raw;	/* copy the 8-bit pixels as they are, no mapping */
};

/* label_image's defaults: pixels 0..255 become -1..1. */
#define IMAGE_INPUT_DEFAULT_MEAN 127.5f
#define IMAGE_INPUT_DEFAULT_STD 127.5f

/* True when buf starts like an image file this module decodes. */
bool image_input_is_image(const uint8_t *buf, size_t len);

/*
 * Decodes the image in path for the tensor described by info into a new
 * buffer of info->bytes (free() it).  The tensor is [1, H, W, C] or
 * [H, W, C], or channels-first [1, C, H, W], with C 1 (gray) or 3 (RGB).
 * 0 or a negative errno / NPU_ERR_*; err says why.
 */
int image_input_load(const char *path, const struct npu_tensor_info *info,
		     const struct image_input_options *opt, void **data,
		     char *err, size_t errlen);

#endif
