// SPDX-License-Identifier: MIT
/*
 * Images as model inputs: decoding and resizing are stb_image's and
 * stb_image_resize's (Debian's libstb), the mapping to the tensor is here.
 */
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stb_image.h>
#include <stb_image_resize.h>
#include "image_input.h"
#include "npu_util.h"

bool image_input_is_image(const uint8_t *buf, size_t len)
{
	return (len >= 2 && !memcmp(buf, "BM", 2)) ||
	       (len >= 3 && buf[0] == 'P' && (buf[1] == '5' || buf[1] == '6') &&
		strchr(" \t\r\n#", buf[2])) ||
	       (len >= 8 && !memcmp(buf, "\x89PNG\r\n\x1a\n", 8)) ||
	       (len >= 3 && !memcmp(buf, "\xff\xd8\xff", 3));
}

struct layout {
	int h, w, c;
	bool planar;	/* [1, C, H, W] */
};

/*
 * The tensor's image layout.  [1, C, H, W] and [1, H, W, C] can both fit a
 * shape such as [1, 3, 2, 3]: the image's own size (w, h) decides then.
 */
static bool tensor_layout(const struct npu_tensor_info *info, int w, int h, struct layout *l)
{
	const int32_t *s = info->shape;

	if (info->rank == 4 && s[0] == 1 && (s[1] == 1 || s[1] == 3) && s[2] == h && s[3] == w)
		*l = (struct layout){ s[2], s[3], s[1], true };
	else if (info->rank == 4 && s[0] == 1 && (s[3] == 1 || s[3] == 3))
		*l = (struct layout){ s[1], s[2], s[3], false };
	else if (info->rank == 4 && s[0] == 1 && (s[1] == 1 || s[1] == 3))
		*l = (struct layout){ s[2], s[3], s[1], true };
	else if (info->rank == 3 && (s[2] == 1 || s[2] == 3))
		*l = (struct layout){ s[0], s[1], s[2], false };
	else
		return false;
	return l->h > 0 && l->w > 0 && l->h <= 16384 && l->w <= 16384;
}

/* One pixel value into element i of the tensor, per its type. */
static void store(const struct npu_tensor_info *info, const struct image_input_options *opt,
		  void *out, size_t i, uint8_t pixel)
{
	float real = ((float)pixel - opt->mean) / opt->std;
	long q;

	if (opt->raw) {
		((uint8_t *)out)[i] = pixel;
		return;
	}
	if (info->type == NPU_TYPE_FLOAT32) {
		((float *)out)[i] = real;
		return;
	}
	q = lroundf(real / info->scale) + info->zero_point;
	switch (info->type) {
	case NPU_TYPE_INT8:
		((int8_t *)out)[i] = (int8_t)(q < INT8_MIN ? INT8_MIN : q > INT8_MAX ? INT8_MAX : q);
		break;
	case NPU_TYPE_UINT8:
		((uint8_t *)out)[i] = (uint8_t)(q < 0 ? 0 : q > UINT8_MAX ? UINT8_MAX : q);
		break;
	default: /* NPU_TYPE_INT16, checked by the caller */
		((int16_t *)out)[i] = (int16_t)(q < INT16_MIN ? INT16_MIN : q > INT16_MAX ? INT16_MAX : q);
		break;
	}
}

int image_input_load(const char *path, const struct npu_tensor_info *info,
		     const struct image_input_options *opt, void **data,
		     char *err, size_t errlen)
{
	int w, h, comp;
	uint8_t *pixels, *sized = NULL;
	struct layout l;
	size_t n, esize;
	void *out;

	*data = NULL;
	if (!stbi_info(path, &w, &h, &comp))
		return npu_fail(err, errlen, -NPU_ERR_FILE_FORMAT, "%s: %s", path,
			        stbi_failure_reason());
	/* stbi_info() gives a top-down BMP's height negative, stbi_load() does not. */
	h = abs(h);
	if (!tensor_layout(info, w, h, &l))
		return npu_fail(err, errlen, -NPU_ERR_TENSOR_SIZE,
			        "%s: an image for a tensor of rank %u that is not [1,H,W,C], [H,W,C] or [1,C,H,W] with 1 or 3 channels",
			        path, info->rank);
	esize = npu_type_size(info->type);
	if (opt->raw ? esize != 1 :
	    !(info->type == NPU_TYPE_FLOAT32 ||
	      ((info->type == NPU_TYPE_INT8 || info->type == NPU_TYPE_UINT8 ||
		info->type == NPU_TYPE_INT16) && info->scale > 0)))
		return npu_fail(err, errlen, -NPU_ERR_TENSOR_SIZE,
			        opt->raw ? "%s: raw 8-bit pixels for a %s tensor" :
				           "%s: an image for a %s tensor without quantization",
			        path, npu_type_name(info->type));
	if (!(opt->std != 0 && isfinite(opt->std) && isfinite(opt->mean)))
		return npu_fail(err, errlen, -EINVAL, "%s: std must be finite and not 0", path);
	n = (size_t)l.h * l.w * l.c;
	if (n * esize != info->bytes)
		return npu_fail(err, errlen, -NPU_ERR_TENSOR_SIZE,
			        "%s: the tensor's %zu bytes are not %dx%dx%d elements", path,
			        info->bytes, l.h, l.w, l.c);

	pixels = stbi_load(path, &w, &h, &comp, l.c);	/* converts to l.c channels */
	if (!pixels)
		return npu_fail(err, errlen, -NPU_ERR_FILE_FORMAT, "%s: %s", path,
			        stbi_failure_reason());
	if (w != l.w || h != l.h) {
		sized = malloc(n);
		if (!sized) {
			stbi_image_free(pixels);
			return -ENOMEM;
		}
		/* Per axis: area averaging when shrinking, bilinear when enlarging. */
		if (!stbir_resize(pixels, w, h, 0, sized, l.w, l.h, 0, STBIR_TYPE_UINT8, l.c,
				  STBIR_ALPHA_CHANNEL_NONE, 0, STBIR_EDGE_CLAMP, STBIR_EDGE_CLAMP,
				  l.w < w ? STBIR_FILTER_BOX : STBIR_FILTER_TRIANGLE,
				  l.h < h ? STBIR_FILTER_BOX : STBIR_FILTER_TRIANGLE,
				  STBIR_COLORSPACE_LINEAR, NULL)) {
			free(sized);
			stbi_image_free(pixels);
			return npu_fail(err, errlen, -ENOMEM, "%s: resizing %dx%d to %dx%d failed",
				        path, w, h, l.w, l.h);
		}
	}
	out = malloc(info->bytes ? info->bytes : 1);
	if (!out) {
		free(sized);
		stbi_image_free(pixels);
		return -ENOMEM;
	}
	for (int y = 0; y < l.h; y++)
		for (int x = 0; x < l.w; x++)
			for (int ch = 0; ch < l.c; ch++) {
				size_t src = ((size_t)y * l.w + x) * l.c + ch;
				size_t dst = l.planar ? ((size_t)ch * l.h + y) * l.w + x : src;

				store(info, opt, out, dst, (sized ? sized : pixels)[src]);
			}
	free(sized);
	stbi_image_free(pixels);
	*data = out;
	return 0;
}
