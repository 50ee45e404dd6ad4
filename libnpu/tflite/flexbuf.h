/* SPDX-License-Identifier: MIT */
/*
 * The numbers of a FlexBuffers map, as TFLite stores custom ops' options
 * (e.g. TFLite_Detection_PostProcess's).  Internal to libnpu.  Every offset
 * is checked against the buffer before it is followed; FlexBuffers offsets
 * point backwards, and each one must go strictly back, so nothing loops.
 */
#ifndef NPU_TFLITE_FLEXBUF_H
#define NPU_TFLITE_FLEXBUF_H

#include <stddef.h>
#include <stdint.h>

struct flexbuf_map {
	const uint8_t *buf;
	size_t len;
	size_t values;		/* position of value 0 */
	size_t size;		/* entries */
	size_t keys;		/* position of key offset 0 */
	unsigned int width;	/* bytes per value */
	unsigned int keys_width;
};

/* The root map of @buf: 0, or -EINVAL if it is not a well-formed map. */
int flexbuf_map(const uint8_t *buf, size_t len, struct flexbuf_map *m);

/*
 * Value of @key as a number (ints, unsigned ints, bools and floats, inline
 * or indirect): 1 and *@v, 0 when the key is absent or null, -EINVAL for a
 * malformed entry or a value that is not a number.
 */
int flexbuf_number(const struct flexbuf_map *m, const char *key, double *v);

#endif /* NPU_TFLITE_FLEXBUF_H */
