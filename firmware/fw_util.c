// SPDX-License-Identifier: MIT
/*
 * Freestanding utilities: memory helpers, TFLite's fixed-point arithmetic,
 * tensor helpers, CRC-32.
 */
#include "fw_internal.h"

void fw_memcpy(void *dst, const void *src, size_t n)
{
	uint8_t *d = dst;
	const uint8_t *s = src;

	while (n--)
		*d++ = *s++;
}

void fw_memset(void *dst, int c, size_t n)
{
	uint8_t *d = dst;

	while (n--)
		*d++ = (uint8_t)c;
}

int fw_memcmp(const void *a, const void *b, size_t n)
{
	const uint8_t *x = a, *y = b;

	for (; n; n--, x++, y++)
		if (*x != *y)
			return *x < *y ? -1 : 1;
	return 0;
}

uint64_t fw_div_u64(uint64_t n, uint32_t d)
{
	uint64_t q = 0, r = 0;
	int i;

	for (i = 63; i >= 0; i--) {
		r = (r << 1) | ((n >> i) & 1);
		if (r >= d) {
			r -= d;
			q |= 1ull << i;
		}
	}
	return q;
}

/* ---- TFLite / gemmlowp fixed point (default double rounding) ---- */

int32_t npu_fw_srdhm(int32_t a, int32_t b)
{
	return fw_srdhm(a, b);
}

int32_t npu_fw_rdivpot(int32_t x, int exponent)
{
	return fw_rdivpot(x, exponent);
}

int32_t npu_fw_mbqm(int32_t x, int32_t multiplier, int shift)
{
	return fw_mbqm(x, multiplier, shift);
}

int32_t npu_fw_mbqm64(int64_t x, int32_t multiplier, int shift)
{
	return fw_mbqm64(x, multiplier, shift);
}

void npu_fw_tap_range(int32_t origin, uint32_t dil, uint32_t k, uint32_t size,
		      uint32_t *lo, uint32_t *hi)
{
	fw_tap_range(origin, dil, k, size, lo, hi);
}

int32_t npu_fw_mbqm_single(int64_t x, int32_t multiplier, int shift)
{
	return fw_mbqm_single(x, multiplier, shift);
}

/* ---- tensors ---- */

uint32_t npu_dtype_size(uint32_t dtype)
{
	switch (dtype) {
	case NPU_DTYPE_INT8:
	case NPU_DTYPE_UINT8:
		return 1;
	case NPU_DTYPE_INT16:
		return 2;
	case NPU_DTYPE_INT32:
		return 4;
	case NPU_DTYPE_INT64:
		return 8;
	default:
		return 0;
	}
}

uint64_t npu_tensor_elems(const struct npu_tensor *t)
{
	uint64_t n = 1;
	uint32_t i;

	for (i = 0; i < t->rank && i < NPU_CS_MAX_DIMS; i++)
		n *= t->dims[i];
	return n;
}

uint64_t npu_tensor_bytes(const struct npu_tensor *t)
{
	return npu_tensor_elems(t) * npu_dtype_size(t->dtype);
}

void npu_tensor_set(struct npu_tensor *t, uint64_t addr, uint8_t dtype,
		    int32_t zero_point, uint32_t rank, const uint32_t *dims)
{
	uint32_t i;

	fw_memset(t, 0, sizeof(*t));
	t->addr = addr;
	t->dtype = dtype;
	t->zero_point = zero_point;
	if (rank > NPU_CS_MAX_DIMS)
		rank = NPU_CS_MAX_DIMS;
	t->rank = (uint8_t)rank;
	for (i = 0; i < rank; i++)
		t->dims[i] = dims[i];
}

void fw_shape5(const struct npu_tensor *t, struct fw_shape5 *s)
{
	uint32_t i, lead = NPU_CS_MAX_DIMS - t->rank;

	for (i = 0; i < NPU_CS_MAX_DIMS; i++)
		s->d[i] = i < lead ? 1 : t->dims[i - lead];
}

/* Element strides of @in's 5-D extended shape, 0 along an axis of 1. */
static void bcast_strides(const struct npu_tensor *in, uint32_t *s)
{
	struct fw_shape5 e;
	uint32_t acc = 1;
	int i;

	fw_shape5(in, &e);
	for (i = NPU_CS_MAX_DIMS - 1; i >= 0; i--) {
		s[i] = e.d[i] == 1 ? 0 : acc;
		acc *= e.d[i];
	}
}

void fw_bcast_init(const struct npu_tensor *in1, const struct npu_tensor *in2,
		   const struct npu_tensor *out, struct fw_bcast *bc)
{
	fw_shape5(out, &bc->out);
	bcast_strides(in1, bc->s1);
	bcast_strides(in2, bc->s2);
}

/* ---- CRC-32 (IEEE 802.3, reflected, as zlib) ---- */

/*
 * Slice-by-4: four bytes per step through four 256-entry tables (4 KiB),
 * about 3 instructions a byte instead of 71 for the bitwise loop.  The
 * word is assembled from bytes, so the order does not depend on the
 * device's endianness or on the buffer's alignment.  Host code uses zlib's
 * crc32(), which libnpu's tests prove equal to this one.
 */
#include "fw_crc32_table.h"

uint32_t npu_fw_crc32(uint32_t crc, const void *buf, size_t len)
{
	const uint8_t *p = buf;

	crc = ~crc;
	for (; len >= 4; len -= 4, p += 4) {
		crc ^= (uint32_t)p[0] | (uint32_t)p[1] << 8 |
		       (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
		crc = fw_crc32_table[3][crc & 0xff] ^
		      fw_crc32_table[2][(crc >> 8) & 0xff] ^
		      fw_crc32_table[1][(crc >> 16) & 0xff] ^
		      fw_crc32_table[0][crc >> 24];
	}
	while (len--)
		crc = (crc >> 8) ^ fw_crc32_table[0][(crc ^ *p++) & 0xff];
	return ~crc;
}
