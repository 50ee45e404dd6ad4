// SPDX-License-Identifier: MIT
/* FlexBuffers maps of numbers (flexbuf.h). */
#include <errno.h>
#include <string.h>

#include "flexbuf.h"

enum {
	FBT_NULL = 0, FBT_INT = 1, FBT_UINT = 2, FBT_FLOAT = 3,
	FBT_INDIRECT_INT = 6, FBT_INDIRECT_UINT = 7, FBT_INDIRECT_FLOAT = 8,
	FBT_MAP = 9, FBT_BOOL = 26,
};

static int read_uint(const uint8_t *buf, size_t len, size_t pos, unsigned int width,
		     uint64_t *v)
{
	if ((width != 1 && width != 2 && width != 4 && width != 8) ||
	    pos > len || width > len - pos)
		return -EINVAL;
	*v = 0;
	for (unsigned int i = 0; i < width; i++)
		*v |= (uint64_t)buf[pos + i] << (8 * i);
	return 0;
}

/* Position @off bytes before @pos: offsets must go back, at least 1 byte. */
static int back(size_t pos, uint64_t off, size_t *out)
{
	if (off == 0 || off > pos)
		return -EINVAL;
	*out = pos - (size_t)off;
	return 0;
}

int flexbuf_map(const uint8_t *buf, size_t len, struct flexbuf_map *m)
{
	uint64_t off, size, kw, koff;
	unsigned int rbw, packed;
	size_t root, hdr;

	memset(m, 0, sizeof(*m));
	if (!buf || len < 3)
		return -EINVAL;
	rbw = buf[len - 1];
	packed = buf[len - 2];
	if (rbw > len - 2 || (packed >> 2) != FBT_MAP)
		return -EINVAL;
	root = len - 2 - rbw;
	m->buf = buf;
	m->len = len;
	m->width = 1u << (packed & 3);
	if (read_uint(buf, len, root, rbw, &off) || back(root, off, &m->values) ||
	    m->values < 3 * (size_t)m->width)
		return -EINVAL;
	hdr = m->values - 3 * (size_t)m->width;
	if (read_uint(buf, len, m->values - m->width, m->width, &size) ||
	    read_uint(buf, len, m->values - 2 * (size_t)m->width, m->width, &kw) ||
	    read_uint(buf, len, hdr, m->width, &koff) || back(hdr, koff, &m->keys))
		return -EINVAL;
	if (kw != 1 && kw != 2 && kw != 4 && kw != 8)
		return -EINVAL;
	m->keys_width = (unsigned int)kw;
	/* values, then one type byte per value; the keys' offsets */
	if (size > len || size * (m->width + 1) > len - m->values ||
	    size * kw > len - m->keys)
		return -EINVAL;
	m->size = (size_t)size;
	return 0;
}

static int key_matches(const struct flexbuf_map *m, size_t i, const char *key)
{
	const size_t at = m->keys + i * m->keys_width;
	size_t pos, n = strlen(key);
	uint64_t off;

	if (read_uint(m->buf, m->len, at, m->keys_width, &off) || back(at, off, &pos))
		return -EINVAL;
	if (n + 1 > m->len - pos)
		return 0;
	return !memcmp(m->buf + pos, key, n + 1);
}

static int number_at(const struct flexbuf_map *m, size_t pos, unsigned int width,
		     unsigned int type, double *v)
{
	uint64_t u;

	if (read_uint(m->buf, m->len, pos, width, &u))
		return -EINVAL;
	switch (type) {
	case FBT_INT: {
		const unsigned int bits = 8 * width;
		const int64_t s = bits == 64 ? (int64_t)u :
				  (int64_t)(u << (64 - bits)) >> (64 - bits);

		*v = (double)s;
		return 1;
	}
	case FBT_UINT:
	case FBT_BOOL:
		*v = (double)u;
		return 1;
	case FBT_FLOAT:
		if (width == 4) {
			const uint32_t b = (uint32_t)u;
			float f;

			memcpy(&f, &b, sizeof(f));
			*v = f;
		} else if (width == 8) {
			memcpy(v, &u, sizeof(*v));
		} else {
			return -EINVAL;
		}
		return 1;
	}
	return -EINVAL;
}

int flexbuf_number(const struct flexbuf_map *m, const char *key, double *v)
{
	for (size_t i = 0; i < m->size; i++) {
		const size_t pos = m->values + i * m->width;
		const unsigned int packed = m->buf[m->values + m->size * m->width + i];
		const unsigned int type = packed >> 2, width = 1u << (packed & 3);
		int ret = key_matches(m, i, key);
		size_t target;
		uint64_t off;

		if (ret <= 0) {
			if (ret)
				return ret;
			continue;
		}
		switch (type) {
		case FBT_NULL:
			return 0;
		case FBT_INT:
		case FBT_UINT:
		case FBT_FLOAT:
		case FBT_BOOL:
			return number_at(m, pos, m->width, type, v);
		case FBT_INDIRECT_INT:
		case FBT_INDIRECT_UINT:
		case FBT_INDIRECT_FLOAT:
			if (read_uint(m->buf, m->len, pos, m->width, &off) ||
			    back(pos, off, &target))
				return -EINVAL;
			return number_at(m, target, width, type - FBT_INDIRECT_INT + FBT_INT, v);
		default:
			return -EINVAL;
		}
	}
	return 0;
}
