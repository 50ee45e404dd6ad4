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

/*
 * The MAC array's blocks (fw_internal.h): here rather than in fw_model.c
 * because the command table's cost functions, which npu.ko links too,
 * call it.
 */
uint64_t fw_mac_passes(uint64_t positions, uint64_t channels, uint64_t steps,
		       uint64_t depth)
{
	return fw_div_u64(positions + NPU_HW_MAC_POSITIONS - 1,
			  NPU_HW_MAC_POSITIONS) *
	       fw_div_u64(channels + NPU_HW_MAC_CHANNELS - 1,
			  NPU_HW_MAC_CHANNELS) * steps *
	       fw_div_u64(depth + NPU_HW_MAC_LANES - 1, NPU_HW_MAC_LANES);
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

/* ---- TFLite's reference FULLY_CONNECTED: round(acc * double scale) ---- */

/* The 128-bit product of @a and @b as (*hi, *lo), without __int128. */
static void fw_mul_u64(uint64_t a, uint64_t b, uint64_t *hi, uint64_t *lo)
{
	const uint64_t a0 = (uint32_t)a, a1 = a >> 32;
	const uint64_t b0 = (uint32_t)b, b1 = b >> 32;
	const uint64_t p00 = a0 * b0, p01 = a0 * b1, p10 = a1 * b0;
	const uint64_t mid = (p00 >> 32) + (uint32_t)p01 + (uint32_t)p10;

	*lo = (mid << 32) | (uint32_t)p00;
	*hi = a1 * b1 + (p01 >> 32) + (p10 >> 32) + (mid >> 32);
}

/* Bits [0, @k) of (@hi, @lo) are not all zero; 0 <= @k < 128. */
static int fw_low_bits(uint64_t hi, uint64_t lo, unsigned int k)
{
	if (k == 0)
		return 0;
	if (k <= 64)
		return (lo & (~0ull >> (64 - k))) != 0;
	return lo != 0 || (hi & (~0ull >> (128 - k))) != 0;
}

/* Bit @k of (@hi, @lo); 0 <= @k < 128. */
static unsigned int fw_bit(uint64_t hi, uint64_t lo, unsigned int k)
{
	return (unsigned int)((k < 64 ? lo >> k : hi >> (k - 64)) & 1);
}

/*
 * (@hi, @lo) rounded to 53 significant bits, ties to even, as binary64
 * arithmetic rounds: the significand, *@exp gets the bits dropped.
 */
static uint64_t fw_round53(uint64_t hi, uint64_t lo, int *exp)
{
	unsigned int bits = 0, d;
	uint64_t q;

	if (hi)
		bits = 128 - (unsigned int)__builtin_clzll(hi);
	else if (lo)
		bits = 64 - (unsigned int)__builtin_clzll(lo);
	if (bits <= 53) {
		*exp = 0;
		return lo;
	}
	d = bits - 53;
	q = d < 64 ? (lo >> d) | (d ? hi << (64 - d) : 0) : hi >> (d - 64);
	if (fw_bit(hi, lo, d - 1) &&
	    (fw_low_bits(hi, lo, d - 1) || (q & 1)))
		q++;
	if (q >> 53) {
		q >>= 1;
		d++;
	}
	*exp = (int)d;
	return q;
}

/*
 * (int32_t)round((double)x * S) for the binary64 S = @hi:@lo, exactly as
 * x86-64 computes it (cvttsd2si gives INT32_MIN outside int32, for
 * infinities and NaN): x converts to binary64 (rounded to 53 bits), the
 * product rounds to 53 bits, round() takes halves away from zero.  A
 * product under 2^-1022 is below one half either way, so subnormal
 * rounding needs no case of its own.
 */
int32_t npu_fw_round_scale(int64_t x, uint32_t lo, uint32_t hi)
{
	const uint32_t biased = (hi >> 20) & 0x7ff;
	const int negative = (x < 0) != (int)(hi >> 31);
	uint64_t ax = x < 0 ? 0 - (uint64_t)x : (uint64_t)x;
	uint64_t ms, p_hi, p_lo, q, mag;
	int ex, ep, e;

	if (biased == 0x7ff)
		return NPU_FW_S32_MIN;
	if (biased == 0 || ax == 0)
		return 0;
	ms = ((uint64_t)(hi & 0xfffff) << 32 | lo) | (1ull << 52);
	ax = fw_round53(0, ax, &ex);
	fw_mul_u64(ax, ms, &p_hi, &p_lo);
	q = fw_round53(p_hi, p_lo, &ep);
	e = ex + ep + (int)biased - 1075;	/* |x * S| = q * 2^e */
	if (e >= 0) {
		if (e > 31 || q >= (1ull << 31) >> e)
			return NPU_FW_S32_MIN;
		mag = q << e;
	} else if (e < -63) {
		return 0;
	} else {
		mag = (q >> -e) + ((q >> (-e - 1)) & 1);
		if (mag >= 1ull << 31)
			return NPU_FW_S32_MIN;
	}
	return negative ? (int32_t)(0 - (uint32_t)mag) : (int32_t)mag;
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
