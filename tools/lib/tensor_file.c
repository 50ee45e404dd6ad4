// SPDX-License-Identifier: MIT
/*
 * Tensor files for the tools: raw bytes and .npy arrays, checked against
 * the tensor they are meant for (images: image_input.c).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "file.h"
#include "npu_graph.h"
#include "npu_util.h"
#include "tensor_file.h"

/* Largest tensor file read (a 4K RGB float image is ~100 MiB). */
#define TENSOR_FILE_MAX (1u << 30)

static size_t elements(const struct npu_tensor_info *info)
{
	size_t n = npu_type_size(info->type);

	return n ? info->bytes / n : 0;
}

static uint32_t le32(const uint8_t *p)
{
	return p[0] | p[1] << 8 | p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint16_t le16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

static const struct {
	const char *descr;
	uint32_t type;
} npy_types[] = {
	{ "|i1", NPU_TYPE_INT8 }, { "<i1", NPU_TYPE_INT8 }, { "i1", NPU_TYPE_INT8 },
	{ "|u1", NPU_TYPE_UINT8 }, { "<u1", NPU_TYPE_UINT8 }, { "u1", NPU_TYPE_UINT8 },
	{ "<i2", NPU_TYPE_INT16 }, { "<i4", NPU_TYPE_INT32 }, { "<i8", NPU_TYPE_INT64 },
	{ "<f4", NPU_TYPE_FLOAT32 }, { "|b1", NPU_TYPE_BOOL },
};

/* BMP, PGM/PPM, PNG or JPEG, to say so instead of a size mismatch. */
static bool looks_like_image(const uint8_t *buf, size_t len)
{
	return (len >= 2 && !memcmp(buf, "BM", 2)) ||
	       (len >= 2 && buf[0] == 'P' && buf[1] >= '1' && buf[1] <= '6') ||
	       (len >= 4 && !memcmp(buf, "\x89PNG", 4)) ||
	       (len >= 3 && !memcmp(buf, "\xff\xd8\xff", 3));
}

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
		return npu_fail(err, errlen, ret, "%s: bad .npy header", path);
	if (buf[6] == 1) {
		hlen = le16(buf + 8);
		start = 10;
	} else {
		if (len < 12)
			return npu_fail(err, errlen, ret, "%s: bad .npy header", path);
		hlen = le32(buf + 8);
		start = 12;
	}
	if (hlen > len - start)
		return npu_fail(err, errlen, ret, "%s: truncated .npy header", path);
	dict = strndup((const char *)buf + start, hlen);
	if (!dict)
		return -ENOMEM;
	v = npy_value(dict, "descr");
	if (!v || *v != '\'') {
		npu_fail(err, errlen, ret, "%s: .npy header has no descr", path);
		goto out;
	}
	for (size_t i = 0; i < sizeof(npy_types) / sizeof(npy_types[0]); i++) {
		size_t n = strlen(npy_types[i].descr);

		if (!strncmp(v + 1, npy_types[i].descr, n) && v[1 + n] == '\'')
			type = npy_types[i].type;
	}
	if (type == UINT32_MAX) {
		ret = npu_fail(err, errlen, -NPU_ERR_UNSUPPORTED,
			       "%s: .npy dtype %.8s not supported", path, v);
		goto out;
	}
	v = npy_value(dict, "fortran_order");
	if (!v || strncmp(v, "False", 5)) {
		ret = npu_fail(err, errlen, -NPU_ERR_UNSUPPORTED,
			       "%s: Fortran-order .npy arrays are not supported", path);
		goto out;
	}
	v = npy_value(dict, "shape");
	if (!v || *v != '(') {
		npu_fail(err, errlen, ret, "%s: .npy header has no shape", path);
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
			npu_fail(err, errlen, ret, "%s: bad .npy shape", path);
			goto out;
		}
		count *= d;
		dims++;
		v = end;
	}
	if (*v != ')') {
		npu_fail(err, errlen, ret, "%s: bad .npy shape", path);
		goto out;
	}
	if (type != info->type) {
		ret = npu_fail(err, errlen, -NPU_ERR_TENSOR_SIZE,
			       "%s: .npy holds %s, the tensor is %s", path,
			       npu_type_name(type), npu_type_name(info->type));
		goto out;
	}
	if (count != elements(info) || count * npu_type_size(type) != len - start - hlen) {
		ret = npu_fail(err, errlen, -NPU_ERR_TENSOR_SIZE,
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

int tensor_file_load(const char *path, const struct npu_tensor_info *info,
		     void **data, char *err, size_t errlen)
{
	const char *ext;
	uint8_t *buf;
	void *file;
	size_t len = 0;
	bool raw;
	int ret;

	if (!path || !info || !data)
		return -EINVAL;
	*data = NULL;
	if (err && errlen)
		*err = '\0';
	ret = npu_read_file(path, TENSOR_FILE_MAX, "1 GiB", &file, &len, err, errlen);
	if (ret)
		return ret;
	buf = file;
	ext = strrchr(path, '.');
	raw = ext && (!strcmp(ext, ".bin") || !strcmp(ext, ".raw"));
	/* Formats by content, unless the name says raw bytes. */
	if (!raw && len >= 6 && !memcmp(buf, "\x93NUMPY", 6))
		ret = load_npy(path, buf, len, info, data, err, errlen);
	else if (len != info->bytes && looks_like_image(buf, len))
		ret = npu_fail(err, errlen, -NPU_ERR_FILE_FORMAT,
			       "%s: an image; tensor files are raw bytes or .npy: decode images in the application (npu-run does)",
			       path);
	else if (len != info->bytes)
		ret = npu_fail(err, errlen, -NPU_ERR_TENSOR_SIZE,
			       "%s: %zu bytes, the tensor needs %zu", path, len, info->bytes);
	else {
		*data = buf;
		return 0;
	}
	free(buf);
	return ret;
}
