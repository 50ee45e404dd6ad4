/* SPDX-License-Identifier: MIT */
/*
 * Bounds-checked FlatBuffers access (internal to libnpu's TFLite reader and
 * its tests).  Nothing here trusts the buffer: every offset is checked
 * against the buffer length before it is followed, with 64-bit arithmetic so
 * no sum can wrap.  Offsets are forward-only (uoffset_t is unsigned), so
 * following them cannot loop; vtables (soffset_t) are range-checked only.
 *
 * On failure the functions return false and write one line describing the
 * problem to fb->err, prefixed with the caller's @what.
 */
#ifndef NPU_TFLITE_FB_H
#define NPU_TFLITE_FB_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "npu_util.h"

struct fb {
	const uint8_t *data;
	size_t len;
	char *err;
	size_t errlen;
};

/* A table whose vtable has been validated. */
struct fb_table {
	uint32_t pos;		/* table start (the soffset_t to its vtable) */
	uint32_t vtable;	/* vtable start */
	uint16_t vtable_len;	/* bytes in the vtable */
	uint16_t table_len;	/* bytes in the table, as the vtable says */
};

/* A vector whose length has been validated against the buffer. */
struct fb_vec {
	uint32_t pos;		/* first element */
	uint32_t count;
};

#define fb_fail(fb, ...) ((void)npu_fail((fb)->err, (fb)->errlen, 0, __VA_ARGS__))

uint32_t fb_read_u32(const struct fb *fb, uint32_t pos);	/* caller checked range */
int32_t fb_read_i32(const struct fb *fb, uint32_t pos);
uint16_t fb_read_u16(const struct fb *fb, uint32_t pos);

bool fb_root(const struct fb *fb, struct fb_table *root);
bool fb_table_at(const struct fb *fb, uint32_t pos, struct fb_table *t, const char *what);

/* Position of field @id in @t, or 0 if absent.  Checks the field lies in the
 * table and the buffer (@size bytes). */
bool fb_field(const struct fb *fb, const struct fb_table *t, unsigned int id,
	      unsigned int size, uint32_t *pos, const char *what);

bool fb_get_u8(const struct fb *fb, const struct fb_table *t, unsigned int id,
	       uint8_t def, uint8_t *v, const char *what);
bool fb_get_i32(const struct fb *fb, const struct fb_table *t, unsigned int id,
		int32_t def, int32_t *v, const char *what);
bool fb_get_u32(const struct fb *fb, const struct fb_table *t, unsigned int id,
		uint32_t def, uint32_t *v, const char *what);
bool fb_get_u64(const struct fb *fb, const struct fb_table *t, unsigned int id,
		uint64_t def, uint64_t *v, const char *what);
bool fb_get_f32(const struct fb *fb, const struct fb_table *t, unsigned int id,
		float def, float *v, const char *what);

/* Sub-table field: *present tells whether it exists. */
bool fb_get_table(const struct fb *fb, const struct fb_table *t, unsigned int id,
		  struct fb_table *sub, bool *present, const char *what);
/* Vector field of @elem_size-byte elements (absent = empty). */
bool fb_get_vec(const struct fb *fb, const struct fb_table *t, unsigned int id,
		unsigned int elem_size, struct fb_vec *v, const char *what);
/* String field: *s points into the buffer, NUL-terminated (absent = NULL). */
bool fb_get_str(const struct fb *fb, const struct fb_table *t, unsigned int id,
		const char **s, uint32_t *len, const char *what);
/* Element @i of a vector of tables. */
bool fb_vec_table(const struct fb *fb, const struct fb_vec *v, uint32_t i,
		  struct fb_table *t, const char *what);

#endif /* NPU_TFLITE_FB_H */
