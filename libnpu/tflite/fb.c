// SPDX-License-Identifier: MIT
/* Bounds-checked FlatBuffers primitives: see fb.h. */
#include "fb.h"

#include <string.h>

/* True if [pos, pos + size) lies inside the buffer. */
static bool in_range(const struct fb *fb, uint64_t pos, uint64_t size)
{
	return pos <= fb->len && size <= fb->len - pos;
}

uint32_t fb_read_u32(const struct fb *fb, uint32_t pos)
{
	const uint8_t *p = fb->data + pos;

	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 |
	       (uint32_t)p[3] << 24;
}

int32_t fb_read_i32(const struct fb *fb, uint32_t pos)
{
	return (int32_t)fb_read_u32(fb, pos);
}

uint16_t fb_read_u16(const struct fb *fb, uint32_t pos)
{
	return (uint16_t)(fb->data[pos] | fb->data[pos + 1] << 8);
}

bool fb_table_at(const struct fb *fb, uint32_t pos, struct fb_table *t, const char *what)
{
	int64_t vt;
	uint16_t vt_len, tab_len;

	if (!in_range(fb, pos, 4)) {
		fb_fail(fb, "%s: table at offset %u runs past the end of the %zu-byte file",
			what, pos, fb->len);
		return false;
	}
	vt = (int64_t)pos - fb_read_i32(fb, pos);
	if (vt < 0 || !in_range(fb, (uint64_t)vt, 4)) {
		fb_fail(fb, "%s: vtable of the table at offset %u is at %lld, outside the %zu-byte file",
			what, pos, (long long)vt, fb->len);
		return false;
	}
	vt_len = fb_read_u16(fb, (uint32_t)vt);
	tab_len = fb_read_u16(fb, (uint32_t)vt + 2);
	if (vt_len < 4 || (vt_len & 1)) {
		fb_fail(fb, "%s: vtable at offset %lld has invalid size %u", what,
			(long long)vt, vt_len);
		return false;
	}
	if (!in_range(fb, (uint64_t)vt, vt_len)) {
		fb_fail(fb, "%s: vtable at offset %lld (%u bytes) runs past the end of the %zu-byte file",
			what, (long long)vt, vt_len, fb->len);
		return false;
	}
	if (tab_len < 4 || !in_range(fb, pos, tab_len)) {
		fb_fail(fb, "%s: table at offset %u claims %u bytes, past the end of the %zu-byte file",
			what, pos, tab_len, fb->len);
		return false;
	}
	t->pos = pos;
	t->vtable = (uint32_t)vt;
	t->vtable_len = vt_len;
	t->table_len = tab_len;
	return true;
}

bool fb_root(const struct fb *fb, struct fb_table *root)
{
	uint32_t off;

	if (fb->len < 8) {
		fb_fail(fb, "file is truncated: %zu bytes is too small for a flatbuffer", fb->len);
		return false;
	}
	off = fb_read_u32(fb, 0);
	if (off < 8 || !in_range(fb, off, 4)) {
		fb_fail(fb, "root table offset %u is past the end of the %zu-byte file", off, fb->len);
		return false;
	}
	return fb_table_at(fb, off, root, "model");
}

bool fb_field(const struct fb *fb, const struct fb_table *t, unsigned int id,
	      unsigned int size, uint32_t *pos, const char *what)
{
	unsigned int slot = 4 + 2 * id;
	uint16_t off;

	*pos = 0;
	if (slot + 2 > t->vtable_len)
		return true;
	off = fb_read_u16(fb, t->vtable + slot);
	if (!off)
		return true;
	if ((uint32_t)off + size > t->table_len) {
		fb_fail(fb, "%s: field %u at offset %u+%u lies outside its %u-byte table",
			what, id, t->pos, off, t->table_len);
		return false;
	}
	/* table_len was checked against the buffer in fb_table_at(). */
	*pos = t->pos + off;
	return true;
}

bool fb_get_u8(const struct fb *fb, const struct fb_table *t, unsigned int id,
	       uint8_t def, uint8_t *v, const char *what)
{
	uint32_t pos;

	if (!fb_field(fb, t, id, 1, &pos, what))
		return false;
	*v = pos ? fb->data[pos] : def;
	return true;
}

bool fb_get_i32(const struct fb *fb, const struct fb_table *t, unsigned int id,
		int32_t def, int32_t *v, const char *what)
{
	uint32_t pos;

	if (!fb_field(fb, t, id, 4, &pos, what))
		return false;
	*v = pos ? fb_read_i32(fb, pos) : def;
	return true;
}

bool fb_get_u32(const struct fb *fb, const struct fb_table *t, unsigned int id,
		uint32_t def, uint32_t *v, const char *what)
{
	uint32_t pos;

	if (!fb_field(fb, t, id, 4, &pos, what))
		return false;
	*v = pos ? fb_read_u32(fb, pos) : def;
	return true;
}

bool fb_get_u64(const struct fb *fb, const struct fb_table *t, unsigned int id,
		uint64_t def, uint64_t *v, const char *what)
{
	uint32_t pos;

	if (!fb_field(fb, t, id, 8, &pos, what))
		return false;
	*v = pos ? (uint64_t)fb_read_u32(fb, pos) | (uint64_t)fb_read_u32(fb, pos + 4) << 32 : def;
	return true;
}

bool fb_get_f32(const struct fb *fb, const struct fb_table *t, unsigned int id,
		float def, float *v, const char *what)
{
	uint32_t pos, bits;

	if (!fb_field(fb, t, id, 4, &pos, what))
		return false;
	if (!pos) {
		*v = def;
		return true;
	}
	bits = fb_read_u32(fb, pos);
	memcpy(v, &bits, sizeof(*v));
	return true;
}

/* Follow the uoffset_t stored at @pos. */
static bool follow(const struct fb *fb, uint32_t pos, uint32_t *target, const char *what)
{
	uint64_t t = (uint64_t)pos + fb_read_u32(fb, pos);

	if (!in_range(fb, t, 4)) {
		fb_fail(fb, "%s: offset at %u points to %llu, past the end of the %zu-byte file",
			what, pos, (unsigned long long)t, fb->len);
		return false;
	}
	*target = (uint32_t)t;
	return true;
}

bool fb_get_table(const struct fb *fb, const struct fb_table *t, unsigned int id,
		  struct fb_table *sub, bool *present, const char *what)
{
	uint32_t pos, target;

	*present = false;
	if (!fb_field(fb, t, id, 4, &pos, what))
		return false;
	if (!pos)
		return true;
	if (!follow(fb, pos, &target, what) || !fb_table_at(fb, target, sub, what))
		return false;
	*present = true;
	return true;
}

bool fb_get_vec(const struct fb *fb, const struct fb_table *t, unsigned int id,
		unsigned int elem_size, struct fb_vec *v, const char *what)
{
	uint32_t pos, target, n;

	v->pos = 0;
	v->count = 0;
	if (!fb_field(fb, t, id, 4, &pos, what))
		return false;
	if (!pos)
		return true;
	if (!follow(fb, pos, &target, what))
		return false;
	n = fb_read_u32(fb, target);
	if (!in_range(fb, (uint64_t)target + 4, (uint64_t)n * elem_size)) {
		fb_fail(fb, "%s: vector of %u elements of %u bytes at offset %u runs past the end of the %zu-byte file",
			what, n, elem_size, target, fb->len);
		return false;
	}
	v->pos = target + 4;
	v->count = n;
	return true;
}

bool fb_get_str(const struct fb *fb, const struct fb_table *t, unsigned int id,
		const char **s, uint32_t *len, const char *what)
{
	uint32_t pos, target, n;

	*s = NULL;
	*len = 0;
	if (!fb_field(fb, t, id, 4, &pos, what))
		return false;
	if (!pos)
		return true;
	if (!follow(fb, pos, &target, what))
		return false;
	n = fb_read_u32(fb, target);
	if (!in_range(fb, (uint64_t)target + 4, (uint64_t)n + 1)) {
		fb_fail(fb, "%s: string of %u bytes at offset %u runs past the end of the %zu-byte file",
			what, n, target, fb->len);
		return false;
	}
	if (fb->data[target + 4 + n] != 0) {
		fb_fail(fb, "%s: string at offset %u is not NUL-terminated", what, target);
		return false;
	}
	*s = (const char *)fb->data + target + 4;
	*len = n;
	return true;
}

bool fb_vec_table(const struct fb *fb, const struct fb_vec *v, uint32_t i,
		  struct fb_table *t, const char *what)
{
	uint32_t target;

	/* fb_get_vec() checked all count * 4 bytes of offsets. */
	if (!follow(fb, v->pos + 4 * i, &target, what))
		return false;
	return fb_table_at(fb, target, t, what);
}
