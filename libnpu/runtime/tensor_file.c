// SPDX-License-Identifier: MIT
/*
 * npu_tensor_load_file(): tensor data from raw bytes, .npy arrays and 8-bit
 * .bmp/.pgm images, checked against the tensor it is meant for.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "npu.h"
#include "npu_graph.h"

/* Largest tensor file read (a 4K RGB float image is ~100 MiB). */
#define TENSOR_FILE_MAX (1u << 30)

static int fail(char *err, size_t errlen, int ret, const char *fmt, ...)
{
	va_list ap;

	if (err && errlen) {
		va_start(ap, fmt);
		vsnprintf(err, errlen, fmt, ap);
		va_end(ap);
	}
	return ret;
}

static int read_file(const char *path, uint8_t **buf, size_t *len,
		     char *err, size_t errlen)
{
	FILE *f = fopen(path, "rb");
	long size;
	int ret = 0;

	if (!f)
		return fail(err, errlen, -errno, "%s: %s", path, strerror(errno));
	if (fseek(f, 0, SEEK_END) || (size = ftell(f)) < 0 || fseek(f, 0, SEEK_SET)) {
		ret = fail(err, errlen, -errno, "%s: %s", path, strerror(errno));
		goto out;
	}
	if ((unsigned long)size > TENSOR_FILE_MAX) {
		ret = fail(err, errlen, -E2BIG, "%s: file too large", path);
		goto out;
	}
	*buf = malloc(size ? (size_t)size : 1);
	if (!*buf) {
		ret = -ENOMEM;
		goto out;
	}
	if (fread(*buf, 1, (size_t)size, f) != (size_t)size) {
		free(*buf);
		ret = fail(err, errlen, -EIO, "%s: short read", path);
		goto out;
	}
	*len = (size_t)size;
out:
	fclose(f);
	return ret;
}

static size_t elements(const struct npu_tensor_info *info)
{
	size_t n = npu_type_size(info->type);

	return n ? info->bytes / n : 0;
}

/* ---- images: 8-bit pixels, copied as they are ---- */

/*
 * Stores a decoded image (rows top-down, channels interleaved) into the
 * tensor layout: NHWC as is, or planar for a [1, C, H, W] tensor.
 */
static int image_to_tensor(const char *path, const uint8_t *pixels, uint32_t w,
			   uint32_t h, uint32_t c, const struct npu_tensor_info *info,
			   void **data, char *err, size_t errlen)
{
	size_t n = (size_t)w * h * c;
	uint8_t *out;
	bool planar;

	if (npu_type_size(info->type) != 1)
		return fail(err, errlen, -NPU_ERR_TENSOR_SIZE,
			    "%s: 8-bit image for a %s tensor", path,
			    npu_type_name(info->type));
	if (n != info->bytes)
		return fail(err, errlen, -NPU_ERR_TENSOR_SIZE,
			    "%s: %ux%u image with %u channel%s is %zu bytes, the tensor has %zu",
			    path, w, h, c, c > 1 ? "s" : "", n, info->bytes);
	planar = c > 1 && info->rank == 4 && info->shape[1] == (int32_t)c &&
		 info->shape[2] == (int32_t)h && info->shape[3] == (int32_t)w;
	out = malloc(n);
	if (!out)
		return -ENOMEM;
	if (!planar) {
		memcpy(out, pixels, n);
	} else {
		for (uint32_t ch = 0; ch < c; ch++)
			for (size_t p = 0; p < (size_t)w * h; p++)
				out[ch * (size_t)w * h + p] = pixels[p * c + ch];
	}
	*data = out;
	return 0;
}

static uint32_t le32(const uint8_t *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint16_t le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static int load_bmp(const char *path, const uint8_t *buf, size_t len,
		    const struct npu_tensor_info *info, void **data,
		    char *err, size_t errlen)
{
	uint32_t off, hdr, w, h, bpp, c, stride;
	int32_t height;
	bool top_down;
	uint8_t *pixels;
	int ret;

	if (len < 54)
		return fail(err, errlen, -NPU_ERR_FILE_FORMAT, "%s: truncated BMP header", path);
	off = le32(buf + 10);
	hdr = le32(buf + 14);
	w = le32(buf + 18);
	height = (int32_t)le32(buf + 22);
	bpp = le16(buf + 28);
	if (hdr < 40 || le16(buf + 26) != 1 || (le32(buf + 30) != 0 && le32(buf + 30) != 3))
		return fail(err, errlen, -NPU_ERR_UNSUPPORTED,
			    "%s: only uncompressed BMPs are supported", path);
	if (bpp != 8 && bpp != 24 && bpp != 32)
		return fail(err, errlen, -NPU_ERR_UNSUPPORTED,
			    "%s: %u bits per pixel (8, 24 or 32 supported)", path, bpp);
	if (height == INT32_MIN || !w || !height || w > 65536 || height > 65536 || height < -65536)
		return fail(err, errlen, -NPU_ERR_FILE_FORMAT, "%s: bad BMP size", path);
	top_down = height < 0;
	h = (uint32_t)(top_down ? -height : height);
	c = bpp == 8 ? 1 : 3;
	stride = (w * (bpp / 8) + 3) & ~3u;
	if (off > len || (uint64_t)stride * h > len - off)
		return fail(err, errlen, -NPU_ERR_FILE_FORMAT,
			    "%s: pixel data runs past the end of the file", path);
	pixels = malloc((size_t)w * h * c);
	if (!pixels)
		return -ENOMEM;
	for (uint32_t y = 0; y < h; y++) {
		const uint8_t *row = buf + off + (size_t)stride * (top_down ? y : h - 1 - y);
		uint8_t *dst = pixels + (size_t)y * w * c;

		for (uint32_t x = 0; x < w; x++) {
			if (c == 1) {
				dst[x] = row[x];
			} else {
				/* BMP stores blue, green, red. */
				const uint8_t *px = row + (size_t)x * (bpp / 8);

				dst[x * 3 + 0] = px[2];
				dst[x * 3 + 1] = px[1];
				dst[x * 3 + 2] = px[0];
			}
		}
	}
	ret = image_to_tensor(path, pixels, w, h, c, info, data, err, errlen);
	free(pixels);
	return ret;
}

/* Next whitespace-separated PGM header field, skipping comments. */
static int pgm_field(const uint8_t *buf, size_t len, size_t *pos, uint32_t *value)
{
	uint64_t v = 0;
	size_t digits = 0;

	for (;;) {
		while (*pos < len && strchr(" \t\r\n", buf[*pos]))
			(*pos)++;
		if (*pos < len && buf[*pos] == '#') {
			while (*pos < len && buf[*pos] != '\n')
				(*pos)++;
			continue;
		}
		break;
	}
	while (*pos < len && buf[*pos] >= '0' && buf[*pos] <= '9' && digits < 9) {
		v = v * 10 + (buf[*pos] - '0');
		(*pos)++;
		digits++;
	}
	if (!digits || *pos >= len || !strchr(" \t\r\n", buf[*pos]))
		return -1;
	*value = (uint32_t)v;
	return 0;
}

static int load_pgm(const char *path, const uint8_t *buf, size_t len,
		    const struct npu_tensor_info *info, void **data,
		    char *err, size_t errlen)
{
	size_t pos = 2;
	uint32_t w, h, maxval;

	if (pgm_field(buf, len, &pos, &w) || pgm_field(buf, len, &pos, &h) ||
	    pgm_field(buf, len, &pos, &maxval))
		return fail(err, errlen, -NPU_ERR_FILE_FORMAT, "%s: bad PGM header", path);
	pos++;	/* the single whitespace after maxval */
	if (!w || !h || !maxval || maxval > 255)
		return fail(err, errlen, -NPU_ERR_UNSUPPORTED,
			    "%s: PGM must be 8-bit (maxval %u)", path, maxval);
	if ((uint64_t)w * h > len - pos)
		return fail(err, errlen, -NPU_ERR_FILE_FORMAT,
			    "%s: pixel data runs past the end of the file", path);
	return image_to_tensor(path, buf + pos, w, h, 1, info, data, err, errlen);
}

/* ---- .npy ---- */

static const struct {
	const char *descr;
	uint32_t type;
} npy_types[] = {
	{ "|i1", NPU_TYPE_INT8 }, { "<i1", NPU_TYPE_INT8 }, { "i1", NPU_TYPE_INT8 },
	{ "|u1", NPU_TYPE_UINT8 }, { "<u1", NPU_TYPE_UINT8 }, { "u1", NPU_TYPE_UINT8 },
	{ "<i2", NPU_TYPE_INT16 }, { "<i4", NPU_TYPE_INT32 }, { "<i8", NPU_TYPE_INT64 },
	{ "<f4", NPU_TYPE_FLOAT32 }, { "|b1", NPU_TYPE_BOOL },
};

/* Value of 'key': in a .npy header dict, as the text up to its end. */
static const char *npy_value(const char *dict, const char *key)
{
	char quoted[32];
	const char *p;

	snprintf(quoted, sizeof(quoted), "'%s'", key);
	p = strstr(dict, quoted);
	if (!p)
		return NULL;
	p += strlen(quoted);
	while (*p == ' ')
		p++;
	if (*p != ':')
		return NULL;
	p++;
	while (*p == ' ')
		p++;
	return p;
}

static int load_npy(const char *path, const uint8_t *buf, size_t len,
		    const struct npu_tensor_info *info, void **data,
		    char *err, size_t errlen)
{
	size_t hlen, start, count = 1, dims = 0;
	const char *v;
	char *dict, *end;
	uint32_t type = UINT32_MAX;
	int ret = -NPU_ERR_FILE_FORMAT;

	if (len < 10 || (buf[6] != 1 && buf[6] != 2 && buf[6] != 3))
		return fail(err, errlen, ret, "%s: bad .npy header", path);
	if (buf[6] == 1) {
		hlen = le16(buf + 8);
		start = 10;
	} else {
		if (len < 12)
			return fail(err, errlen, ret, "%s: bad .npy header", path);
		hlen = le32(buf + 8);
		start = 12;
	}
	if (hlen > len - start)
		return fail(err, errlen, ret, "%s: truncated .npy header", path);
	dict = strndup((const char *)buf + start, hlen);
	if (!dict)
		return -ENOMEM;
	v = npy_value(dict, "descr");
	if (!v || *v != '\'') {
		fail(err, errlen, ret, "%s: .npy header has no descr", path);
		goto out;
	}
	for (size_t i = 0; i < sizeof(npy_types) / sizeof(npy_types[0]); i++) {
		size_t n = strlen(npy_types[i].descr);

		if (!strncmp(v + 1, npy_types[i].descr, n) && v[1 + n] == '\'')
			type = npy_types[i].type;
	}
	if (type == UINT32_MAX) {
		ret = fail(err, errlen, -NPU_ERR_UNSUPPORTED,
			   "%s: .npy dtype %.8s not supported", path, v);
		goto out;
	}
	v = npy_value(dict, "fortran_order");
	if (!v || strncmp(v, "False", 5)) {
		ret = fail(err, errlen, -NPU_ERR_UNSUPPORTED,
			   "%s: Fortran-order .npy arrays are not supported", path);
		goto out;
	}
	v = npy_value(dict, "shape");
	if (!v || *v != '(') {
		fail(err, errlen, ret, "%s: .npy header has no shape", path);
		goto out;
	}
	for (v++; *v && *v != ')'; ) {
		unsigned long long d;

		while (*v == ' ' || *v == ',')
			v++;
		if (*v == ')')
			break;
		d = strtoull(v, &end, 10);
		if (end == v || d > TENSOR_FILE_MAX || count * d > TENSOR_FILE_MAX) {
			fail(err, errlen, ret, "%s: bad .npy shape", path);
			goto out;
		}
		count *= d;
		dims++;
		v = end;
	}
	if (*v != ')') {
		fail(err, errlen, ret, "%s: bad .npy shape", path);
		goto out;
	}
	if (type != info->type) {
		ret = fail(err, errlen, -NPU_ERR_TENSOR_SIZE,
			   "%s: .npy holds %s, the tensor is %s", path,
			   npu_type_name(type), npu_type_name(info->type));
		goto out;
	}
	if (count != elements(info) || count * npu_type_size(type) != len - start - hlen) {
		ret = fail(err, errlen, -NPU_ERR_TENSOR_SIZE,
			   "%s: .npy has %zu elements (%zu bytes of data), the tensor %zu",
			   path, count, len - start - hlen, elements(info));
		goto out;
	}
	*data = malloc(info->bytes ? info->bytes : 1);
	if (!*data) {
		ret = -ENOMEM;
		goto out;
	}
	memcpy(*data, buf + start + hlen, info->bytes);
	ret = 0;
out:
	free(dict);
	return ret;
}

int npu_tensor_load_file(const char *path, const struct npu_tensor_info *info,
			 void **data, char *err, size_t errlen)
{
	const char *ext;
	uint8_t *buf = NULL;
	size_t len = 0;
	bool raw;
	int ret;

	if (!path || !info || !data)
		return -EINVAL;
	*data = NULL;
	if (err && errlen)
		*err = '\0';
	ret = read_file(path, &buf, &len, err, errlen);
	if (ret)
		return ret;
	ext = strrchr(path, '.');
	raw = ext && (!strcmp(ext, ".bin") || !strcmp(ext, ".raw"));
	/* Formats by content, unless the name says raw bytes. */
	if (!raw && len >= 6 && !memcmp(buf, "\x93NUMPY", 6))
		ret = load_npy(path, buf, len, info, data, err, errlen);
	else if (!raw && len >= 2 && !memcmp(buf, "BM", 2))
		ret = load_bmp(path, buf, len, info, data, err, errlen);
	else if (!raw && len >= 3 && !memcmp(buf, "P5", 2) && strchr(" \t\r\n#", buf[2]))
		ret = load_pgm(path, buf, len, info, data, err, errlen);
	else if (len != info->bytes)
		ret = fail(err, errlen, -NPU_ERR_TENSOR_SIZE,
			   "%s: %zu bytes, the tensor needs %zu", path, len, info->bytes);
	else {
		*data = buf;
		return 0;
	}
	free(buf);
	return ret;
}
