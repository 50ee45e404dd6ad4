// SPDX-License-Identifier: MIT
/*
 * The weight decoder: lossless compressed filters (npu_tensor.encoding
 * NPU_WEIGHTS_NPW1), expanded between the DMA and the MAC array.  The
 * format is described in Documentation/hardware.rst, "Weight compression";
 * libnpu/compiler/wcompress.c is its encoder.
 *
 * The validator sees only the command stream, not the weight buffer (which
 * userspace may rewrite after submitting), so the decoder trusts nothing:
 * every read is bounded by the encoded length, every write by the decoded
 * length, every loop by the bits left, and a malformed stream ends the job
 * with NPU_JOB_ERR_BAD_STREAM.
 */
#include "fw_internal.h"

/* Block mode byte. */
#define WDEC_SPARSE_MASK	0xc0u
#define WDEC_SPARSE_BITMAP	0x80u	/* bitmap of the non-zero positions */
#define WDEC_SPARSE_RUNS	0x40u	/* Rice-coded zero runs, interleaved */
#define WDEC_PALETTE		0x20u	/* symbols index a palette */
#define WDEC_RICE		0x10u	/* Rice-coded symbols, else fixed width */
#define WDEC_PARAM_MASK		0x0fu	/* fixed width 0..8 or Rice k 0..7 */
/*
 * Version 2, Rice without a palette: k + 8 codes 127 - |value| (k 0..7),
 * then a sign bit; per-channel quantized pruned weights keep the large
 * magnitudes near 127.
 */
#define WDEC_RICE_TOP		8u

#define WDEC_MAX_RUN_K		15u

/* LSB-first bit reader over [pos, end) of @p. */
struct wdec_bits {
	const uint8_t *p;
	uint32_t pos;
	uint32_t end;
	uint64_t acc;
	uint32_t nbits;
};

static int bits_fill(struct wdec_bits *b, uint32_t need)
{
	while (b->nbits <= 56 && b->pos < b->end) {
		b->acc |= (uint64_t)b->p[b->pos++] << b->nbits;
		b->nbits += 8;
	}
	return b->nbits >= need ? 0 : -NPU_FW_EINVAL;
}

/* @n bits, 0..16. */
static int bits_get(struct wdec_bits *b, uint32_t n, uint32_t *v)
{
	if (!n) {
		*v = 0;
		return 0;
	}
	if (b->nbits < n && bits_fill(b, n))
		return -NPU_FW_EINVAL;
	*v = (uint32_t)(b->acc & ((1u << n) - 1));
	b->acc >>= n;
	b->nbits -= n;
	return 0;
}

/* A Rice code with parameter @k whose value may not exceed @limit. */
static int bits_rice(struct wdec_bits *b, uint32_t k, uint32_t limit,
		     uint32_t *v)
{
	uint32_t q = 0, r;

	for (;;) {
		if (!b->nbits && bits_fill(b, 1))
			return -NPU_FW_EINVAL;
		if (!(b->acc & 1))
			break;
		b->acc >>= 1;
		b->nbits--;
		if (++q > (limit >> k))
			return -NPU_FW_EINVAL;
	}
	b->acc >>= 1;	/* the terminating 0 */
	b->nbits--;
	if (bits_get(b, k, &r))
		return -NPU_FW_EINVAL;
	*v = (q << k) | r;
	return *v <= limit ? 0 : -NPU_FW_EINVAL;
}

/* Whole bytes the reader fetched ahead go back: blocks are byte-aligned. */
static void bits_align(struct wdec_bits *b)
{
	b->pos -= b->nbits / 8;
	b->acc = 0;
	b->nbits = 0;
}

static int bytes_take(struct wdec_bits *b, uint32_t n, const uint8_t **at)
{
	if (n > b->end - b->pos)
		return -NPU_FW_EINVAL;
	*at = b->p + b->pos;
	b->pos += n;
	return 0;
}

/*
 * A header field of the block: a whole byte in version 1 (byte-aligned
 * blocks), @packed_bits bits of the bit stream in version 2.
 */
static int field(struct wdec_bits *b, int packed, uint32_t packed_bits,
		 uint32_t *v)
{
	const uint8_t *at;

	if (packed)
		return bits_get(b, packed_bits, v);
	if (bytes_take(b, 1, &at))
		return -NPU_FW_EINVAL;
	*v = at[0];
	return 0;
}

struct wdec_block {
	uint32_t mode;
	uint32_t param;
	uint32_t run_k;
	uint32_t palette_size;
	const uint8_t *palette;
	/* A version 2 block's own palette: at this bit of the stream. */
	const uint8_t *packed_palette;
	uint32_t palette_bit;
};

/* Entry @s of a version 2 block's own palette (which was read past). */
static uint8_t packed_entry(const struct wdec_block *k, uint32_t s)
{
	const uint32_t bit = k->palette_bit + 8 * s, shift = bit % 8;
	const uint8_t *at = k->packed_palette + bit / 8;

	return (uint8_t)(shift ? (at[0] >> shift | at[1] << (8 - shift)) : at[0]);
}

/* One value; @nonzero: a sparse block's value, which cannot be 0. */
static int block_value(struct wdec_bits *b, const struct wdec_block *k,
		       int nonzero, uint8_t *out)
{
	uint32_t s;

	if ((k->mode & WDEC_RICE) && k->param >= WDEC_RICE_TOP) {
		uint32_t neg;

		if (bits_rice(b, k->param - WDEC_RICE_TOP,
			      127u - (nonzero ? 1u : 0u), &s) ||
		    bits_get(b, 1, &neg))
			return -NPU_FW_EINVAL;
		*out = (uint8_t)(neg ? s - 127u : 127u - s);
		return 0;
	}
	if (k->mode & WDEC_RICE) {
		if (bits_rice(b, k->param, k->palette ? k->palette_size - 1 :
			      255u - (nonzero ? 1u : 0u), &s))
			return -NPU_FW_EINVAL;
	} else if (bits_get(b, k->param, &s)) {
		return -NPU_FW_EINVAL;
	}
	if (k->palette) {
		if (s >= k->palette_size)
			return -NPU_FW_EINVAL;
		*out = k->packed_palette ? packed_entry(k, s) : k->palette[s];
	} else if (k->mode & WDEC_RICE) {
		/* zig-zag: 0, -1, 1, -2, ...; a sparse value skips 0 */
		s += nonzero ? 1u : 0u;
		*out = (uint8_t)((s & 1) ? ~(s >> 1) : (s >> 1));
	} else {
		/* two's complement in @param bits, sign-extended */
		if (k->param && (s & (1u << (k->param - 1))))
			s |= ~((1u << k->param) - 1);
		*out = (uint8_t)s;
	}
	return 0;
}

/*
 * The stream's shared palettes (header byte 3): each a byte P - 1 and P
 * values, after the header; a palette block then names one by its index
 * instead of carrying its own.  @count 0: the blocks carry theirs.
 * @index_bits: the width of that index in a version 2 block.
 */
struct wdec_palettes {
	uint32_t count;
	uint32_t index_bits;
	const uint8_t *at[NPU_WDEC_MAX_PALETTES];
	uint32_t size[NPU_WDEC_MAX_PALETTES];
};

static int block_palette(struct wdec_bits *b, int packed,
			 const struct wdec_palettes *pt, struct wdec_block *k)
{
	uint32_t v, i;

	if (pt->count) {
		if (field(b, packed, pt->index_bits, &v) || v >= pt->count)
			return -NPU_FW_EINVAL;
		k->palette = pt->at[v];
		k->palette_size = pt->size[v];
		return 0;
	}
	if (field(b, packed, 8, &v))
		return -NPU_FW_EINVAL;
	k->palette_size = v + 1u;
	if (!packed)
		return bytes_take(b, k->palette_size, &k->palette);
	/* Read past; its entries are read where they are (packed_entry()). */
	k->palette = b->p;
	k->packed_palette = b->p;
	k->palette_bit = 8 * b->pos - b->nbits;
	for (i = 0; i < k->palette_size; i++)
		if (bits_get(b, 8, &v))
			return -NPU_FW_EINVAL;
	return 0;
}

/*
 * A block's mode (and zero-run parameter, palette).  Version 2: a bit 1
 * repeats the previous block's mode and run parameter (never for the
 * first block: @k->mode is then WDEC_NO_MODE), a bit 0 is followed by a
 * mode byte; a shared palette's index is in every palette block.
 */
#define WDEC_NO_MODE	0x100u

static int block_mode(struct wdec_bits *b, int packed,
		      const struct wdec_palettes *pt, struct wdec_block *k)
{
	uint32_t v, repeat = 0;

	if (packed && bits_get(b, 1, &repeat))
		return -NPU_FW_EINVAL;
	if (repeat) {
		if (k->mode == WDEC_NO_MODE)
			return -NPU_FW_EINVAL;
	} else {
		if (field(b, packed, 8, &k->mode))
			return -NPU_FW_EINVAL;
		k->param = k->mode & WDEC_PARAM_MASK;
		if ((k->mode & WDEC_SPARSE_MASK) == WDEC_SPARSE_MASK ||
		    k->param > (!(k->mode & WDEC_RICE) ? 8u :
				packed && !(k->mode & WDEC_PALETTE) ? 15u : 7u))
			return -NPU_FW_EINVAL;
		k->run_k = 0;
		if ((k->mode & WDEC_SPARSE_MASK) == WDEC_SPARSE_RUNS) {
			if (field(b, packed, 4, &v) || v > WDEC_MAX_RUN_K)
				return -NPU_FW_EINVAL;
			k->run_k = v;
		}
	}
	k->palette = NULL;
	k->packed_palette = NULL;
	if ((k->mode & WDEC_PALETTE) && block_palette(b, packed, pt, k))
		return -NPU_FW_EINVAL;
	return 0;
}

/*
 * @k carries the previous block's mode into a version 2 block.  Version 1
 * blocks are byte-aligned and their bitmap is a byte array before the
 * values; version 2 blocks follow each other in one bit stream, and a
 * bitmap block gives each position's bit just before its value.
 */
static int decode_block(struct wdec_bits *b, int packed,
			const struct wdec_palettes *pt, struct wdec_block *k,
			uint8_t *dst, uint32_t n)
{
	const uint8_t *bitmap = NULL;
	uint32_t sparse, i, bit = 1;

	if (block_mode(b, packed, pt, k))
		return -NPU_FW_EINVAL;
	sparse = k->mode & WDEC_SPARSE_MASK;
	if (!packed && sparse == WDEC_SPARSE_BITMAP &&
	    bytes_take(b, n / 8 + (n % 8 ? 1 : 0), &bitmap))
		return -NPU_FW_EINVAL;

	if (sparse == WDEC_SPARSE_RUNS) {
		i = 0;
		while (i < n) {
			uint32_t run;

			if (bits_rice(b, k->run_k, n - i, &run))
				return -NPU_FW_EINVAL;
			fw_memset(dst + i, 0, run);
			i += run;
			if (i == n)
				break;
			if (block_value(b, k, 1, &dst[i++]))
				return -NPU_FW_EINVAL;
		}
	} else {
		for (i = 0; i < n; i++) {
			if (bitmap)
				bit = bitmap[i / 8] & (1u << (i % 8));
			else if (sparse && bits_get(b, 1, &bit))
				return -NPU_FW_EINVAL;
			if (sparse && !bit) {
				dst[i] = 0;
				continue;
			}
			if (block_value(b, k, sparse != 0, &dst[i]))
				return -NPU_FW_EINVAL;
		}
	}
	if (!packed)
		bits_align(b);
	return 0;
}

/*
 * ---- version 3: rows (NPU_WDEC_VERSION_ROWS, firmware 1.8.0) ----
 * After the two header bytes, one LSB-first bit stream: the stream's
 * parameters once, then every row.  A row is L consecutive bytes, or with
 * the transposed layout the bytes j * R + r (j < L) of row r, R = len / L
 * (a depthwise filter's channel, which is innermost).  A row gives its
 * zero structure first (zero runs go on from row to row), then (maxpos) which of its n coded elements is
 * +-127 (n: none), then the values of the others.
 */
#define WDEC_ROWS_ZERO_NONE	0u
#define WDEC_ROWS_ZERO_RUNS	1u
#define WDEC_ROWS_ZERO_BITMAP	2u
#define WDEC_ROWS_VALUE_RAW	0u
#define WDEC_ROWS_VALUE_TOP	1u
#define WDEC_ROWS_VALUE_SPLIT	2u	/* top, below or from a split */
#define WDEC_ROWS_VALUE_PALETTE	3u	/* an index into the row's palette */

struct wdec_rows {
	uint32_t transposed, len, rows;
	uint32_t zeros, run_k;
	uint32_t values, top_max;	/* top: 127 - |v| in [0, top_max] */
	uint32_t split;			/* split: [0, split) or [split, top_max] */
	uint32_t maxpos;
	/* Zero runs go on across rows: the zeros still due, the elements left. */
	uint32_t run_left, need_run, left;
	/* Palette values (firmware 1.10.0): the table, and the row's palette. */
	uint32_t palettes, row_palette;
	uint32_t palette_size[NPU_WDEC_ROWS_PALETTES];
	uint8_t palette[NPU_WDEC_ROWS_PALETTES][NPU_WDEC_ROWS_PALETTE_VALUES];
};

/* Elias gamma: z zero bits, a one bit, then z bits below it (1..2^31). */
static int bits_gamma(struct wdec_bits *b, uint32_t *v)
{
	uint32_t z = 0, low, one = 0;

	while (!one) {
		if (bits_get(b, 1, &one) || (!one && ++z > 31))
			return -NPU_FW_EINVAL;
	}
	if (bits_get(b, z > 16 ? 16 : z, &low))
		return -NPU_FW_EINVAL;
	*v = low;
	if (z > 16) {
		if (bits_get(b, z - 16, &low))
			return -NPU_FW_EINVAL;
		*v |= low << 16;
	}
	*v |= 1u << z;
	return 0;
}

/* A truncated binary code of a value below @n (n >= 1). */
static int bits_truncated(struct wdec_bits *b, uint32_t n, uint32_t *v)
{
	uint32_t k = 0, u, bit;

	while (k < 31 && (2u << k) <= n)
		k++;
	u = (2u << k) - n;	/* codes of k bits */
	if (bits_get(b, k, v))
		return -NPU_FW_EINVAL;
	if (*v < u)
		return 0;
	if (bits_get(b, 1, &bit))
		return -NPU_FW_EINVAL;
	*v = (*v << 1 | bit) - u;
	return *v < n ? 0 : -NPU_FW_EINVAL;
}

/*
 * The palette table: S - 1 in 3 bits, then each palette's P - 1 in 4 bits,
 * its first value (int8) in 8 bits, a Rice parameter k in 3 bits and each
 * next value's distance from the previous one less one by Rice(k): the
 * values ascend, the last at most 127.
 */
static int rows_palettes(struct wdec_bits *b, struct wdec_rows *r)
{
	uint32_t f, i, v, k, gap;
	int32_t last;

	if (bits_get(b, 3, &r->palettes))
		return -NPU_FW_EINVAL;
	r->palettes++;
	for (f = 0; f < r->palettes; f++) {
		if (bits_get(b, 4, &r->palette_size[f]) || bits_get(b, 8, &v) ||
		    bits_get(b, 3, &k))
			return -NPU_FW_EINVAL;
		r->palette_size[f]++;
		r->palette[f][0] = (uint8_t)v;
		last = (int8_t)v;
		for (i = 1; i < r->palette_size[f]; i++) {
			if (last >= 127 || bits_rice(b, k, (uint32_t)(126 - last), &gap))
				return -NPU_FW_EINVAL;
			last += (int32_t)gap + 1;
			r->palette[f][i] = (uint8_t)last;
		}
	}
	return 0;
}

static int rows_params(struct wdec_bits *b, uint32_t dst_len, struct wdec_rows *r)
{
	if (bits_get(b, 1, &r->transposed) || bits_gamma(b, &r->len) ||
	    r->len > dst_len || dst_len % r->len || bits_get(b, 2, &r->zeros) ||
	    r->zeros > WDEC_ROWS_ZERO_BITMAP)
		return -NPU_FW_EINVAL;
	r->rows = dst_len / r->len;
	r->left = dst_len;
	r->need_run = 1;
	r->run_left = 0;
	r->run_k = 0;
	if (r->zeros == WDEC_ROWS_ZERO_RUNS && bits_get(b, 4, &r->run_k))
		return -NPU_FW_EINVAL;
	if (bits_get(b, 2, &r->values))
		return -NPU_FW_EINVAL;
	r->top_max = 0;
	r->split = 0;
	r->palettes = 0;
	if ((r->values == WDEC_ROWS_VALUE_TOP || r->values == WDEC_ROWS_VALUE_SPLIT) &&
	    bits_get(b, 7, &r->top_max))
		return -NPU_FW_EINVAL;
	if (r->values == WDEC_ROWS_VALUE_SPLIT &&
	    (bits_get(b, 7, &r->split) || !r->split || r->split > r->top_max))
		return -NPU_FW_EINVAL;
	if (r->values == WDEC_ROWS_VALUE_PALETTE && rows_palettes(b, r))
		return -NPU_FW_EINVAL;
	return bits_get(b, 1, &r->maxpos);
}

/* One non-zero (@sparse) or any value of the row. */
static int rows_value(struct wdec_bits *b, const struct wdec_rows *r, int sparse,
		      uint8_t *out)
{
	uint32_t v, neg, high = 0;

	if (r->values == WDEC_ROWS_VALUE_PALETTE) {
		if (bits_truncated(b, r->palette_size[r->row_palette], &v))
			return -NPU_FW_EINVAL;
		*out = r->palette[r->row_palette][v];
		/* a sparse row's value is not 0 */
		return sparse && !*out ? -NPU_FW_EINVAL : 0;
	}
	if (r->values == WDEC_ROWS_VALUE_RAW) {
		if (bits_get(b, 8, &v) || (sparse && !v))
			return -NPU_FW_EINVAL;
		*out = (uint8_t)v;
		return 0;
	}
	/* 127 - |v| (below the split, or from it on), then a sign bit */
	if (r->values == WDEC_ROWS_VALUE_SPLIT && bits_get(b, 1, &high))
		return -NPU_FW_EINVAL;
	if (r->values == WDEC_ROWS_VALUE_TOP) {
		if (bits_truncated(b, r->top_max + 1u, &v))
			return -NPU_FW_EINVAL;
	} else if (!high) {
		if (bits_truncated(b, r->split, &v))
			return -NPU_FW_EINVAL;
	} else {
		if (bits_truncated(b, r->top_max + 1u - r->split, &v))
			return -NPU_FW_EINVAL;
		v += r->split;
	}
	/* a sparse row's value is not 0 */
	if ((sparse && v == 127u) || bits_get(b, 1, &neg))
		return -NPU_FW_EINVAL;
	*out = (uint8_t)(neg ? v - 127u : 127u - v);
	return 0;
}

/*
 * Row @row: its zero structure marks @dst (1: a value follows, 0: zero),
 * then the values replace the marks.
 */
static int rows_row(struct wdec_bits *b, struct wdec_rows *r, uint32_t row,
		    uint8_t *dst)
{
	const uint32_t step = r->transposed ? r->rows : 1u;
	uint8_t *at = dst + (r->transposed ? row : row * r->len);
	uint32_t j, i, n = 0, mark = ~0u, sign = 0, bit;

	if (r->zeros == WDEC_ROWS_ZERO_RUNS) {
		/* A run before each non-zero element, and one if zeros end. */
		for (j = 0; j < r->len; j++, r->left--) {
			if (r->need_run) {
				if (bits_rice(b, r->run_k, r->left, &r->run_left))
					return -NPU_FW_EINVAL;
				r->need_run = 0;
			}
			if (r->run_left) {
				r->run_left--;
				at[j * step] = 0;
			} else {
				at[j * step] = 1;
				n++;
				r->need_run = 1;
			}
		}
	} else {
		for (j = 0; j < r->len; j++) {
			bit = 1;
			if (r->zeros == WDEC_ROWS_ZERO_BITMAP && bits_get(b, 1, &bit))
				return -NPU_FW_EINVAL;
			at[j * step] = (uint8_t)bit;
			n += bit;
		}
	}
	/* The mark: one of the n coded elements is +-127, or (n) none is. */
	if (r->maxpos && (bits_truncated(b, n + 1, &mark) ||
			  (mark < n && bits_get(b, 1, &sign))))
		return -NPU_FW_EINVAL;
	if (r->palettes && bits_truncated(b, r->palettes, &r->row_palette))
		return -NPU_FW_EINVAL;
	for (j = 0, i = 0; j < r->len; j++) {
		if (!at[j * step])
			continue;
		if (i++ == mark)
			at[j * step] = (uint8_t)(sign ? -127 : 127);
		else if (rows_value(b, r, r->zeros != WDEC_ROWS_ZERO_NONE, &at[j * step]))
			return -NPU_FW_EINVAL;
	}
	return 0;
}

static int decode_rows(struct wdec_bits *b, uint8_t *dst, uint32_t dst_len)
{
	struct wdec_rows r;
	uint32_t row;

	if (rows_params(b, dst_len, &r))
		return -NPU_FW_EINVAL;
	for (row = 0; row < r.rows; row++)
		if (rows_row(b, &r, row, dst))
			return -NPU_FW_EINVAL;
	return 0;
}

int npu_fw_wdec_decode(const void *src, uint32_t src_len, void *dst,
		       uint32_t dst_len, const char **reason)
{
	struct wdec_bits b = { .p = src, .end = src_len };
	struct wdec_block k = { .mode = WDEC_NO_MODE };
	struct wdec_palettes pt;
	const uint8_t *h, *ps;
	uint32_t block, off, i;
	int packed;

	/* Version 3: 'N', 3, then the bit stream (no block size, no table). */
	if (src_len >= NPU_WDEC_MIN_BYTES && ((const uint8_t *)src)[0] == NPU_WDEC_MAGIC0 &&
	    ((const uint8_t *)src)[1] == NPU_WDEC_VERSION_ROWS) {
		b.pos = NPU_WDEC_MIN_BYTES;
		if (!dst_len || decode_rows(&b, dst, dst_len)) {
			*reason = "compressed weights: malformed rows";
			return -NPU_FW_EINVAL;
		}
		bits_align(&b);
		if (b.pos != b.end) {
			*reason = "compressed weights: bytes after the last row";
			return -NPU_FW_EINVAL;
		}
		return 0;
	}
	if (bytes_take(&b, NPU_WDEC_HDR_BYTES, &h) || h[0] != NPU_WDEC_MAGIC0 ||
	    h[1] != NPU_WDEC_MAGIC1 || (h[2] != NPU_WDEC_VERSION &&
	    h[2] != NPU_WDEC_VERSION_PACKED) || h[3] > NPU_WDEC_MAX_PALETTES) {
		*reason = "compressed weights: bad header";
		return -NPU_FW_EINVAL;
	}
	packed = h[2] == NPU_WDEC_VERSION_PACKED;
	pt.count = h[3];
	for (pt.index_bits = 0; (1u << pt.index_bits) < pt.count;)
		pt.index_bits++;
	for (i = 0; i < pt.count; i++) {
		if (bytes_take(&b, 1, &ps) ||
		    bytes_take(&b, ps[0] + 1u, &pt.at[i])) {
			*reason = "compressed weights: truncated palette table";
			return -NPU_FW_EINVAL;
		}
		pt.size[i] = ps[0] + 1u;
	}
	block = (uint32_t)h[4] | (uint32_t)h[5] << 8 | (uint32_t)h[6] << 16 |
		(uint32_t)h[7] << 24;
	if (!block) {
		*reason = "compressed weights: block size 0";
		return -NPU_FW_EINVAL;
	}
	for (off = 0; off < dst_len; off += block) {
		const uint32_t n = dst_len - off < block ? dst_len - off : block;

		if (decode_block(&b, packed, &pt, &k, (uint8_t *)dst + off, n)) {
			*reason = "compressed weights: malformed block";
			return -NPU_FW_EINVAL;
		}
	}
	/* Version 2: the last byte's unused bits, then nothing. */
	bits_align(&b);
	if (b.pos != b.end) {
		*reason = "compressed weights: bytes after the last block";
		return -NPU_FW_EINVAL;
	}
	return 0;
}

/* ---- hooks of the validator, the operand list and the cycle model ---- */

const struct npu_tensor *fw_encoded_filter(uint32_t opcode,
					   const union npu_cmd_params *p)
{
	const struct npu_tensor *f;

	switch (opcode) {
	case NPU_CMD_CONV_2D:
	case NPU_CMD_DEPTHWISE_CONV_2D:
	case NPU_CMD_TRANSPOSE_CONV:
		f = &p->conv.filter;
		break;
	case NPU_CMD_FULLY_CONNECTED:
		f = &p->fc.filter;
		break;
	default:
		return NULL;
	}
	return f->encoding == NPU_WEIGHTS_RAW ? NULL : f;
}

int fw_check_filter(const struct npu_tensor *f, uint32_t types,
		    uint32_t rank, struct npu_fw_reason *why)
{
	struct npu_tensor raw = *f;

	raw.encoding = NPU_WEIGHTS_RAW;
	raw.encoded_bytes = 0;
	/*
	 * Encoded, only the encoded bytes are at @addr (an SRAM prefetch holds
	 * no more): the shape is checked at a neutral address.
	 */
	if (f->encoding != NPU_WEIGHTS_RAW)
		raw.addr = 0;
	if (fw_check_tensor(&raw, types, rank, rank, why))
		return -NPU_FW_EINVAL;
	if (f->encoding == NPU_WEIGHTS_RAW) {
		FW_CHECK(why, f->encoded_bytes == 0,
			 "encoded length on raw weights");
		return 0;
	}
	FW_CHECK(why, f->encoding == NPU_WEIGHTS_NPW1,
		 "unknown weight encoding");
	FW_CHECK(why, f->encoded_bytes >= NPU_WDEC_MIN_BYTES &&
		 f->encoded_bytes <= NPU_LIMIT_TENSOR_BYTES,
		 "encoded weight length out of range");
	FW_CHECK(why, fw_va_ok(f->addr, f->encoded_bytes, 1),
		 "encoded weights outside the address space");
	return 0;
}

void fw_add_filter(struct npu_fw_operand *ops, uint32_t *n,
		   const struct npu_tensor *f)
{
	fw_add_operand(ops, n, &f->addr, f->encoding == NPU_WEIGHTS_RAW ?
		       npu_tensor_bytes(f) : f->encoded_bytes,
		       NPU_FW_ACCESS_READ, NPU_FW_SLOT_WEIGHTS);
}

uint32_t fw_features_filter(uint32_t opcode, const union npu_cmd_params *p)
{
	return fw_features_uint8(opcode, p) |
	       (fw_encoded_filter(opcode, p) ? NPU_FW_FEAT_WDEC : 0);
}

void fw_cost_filter(uint32_t opcode, const union npu_cmd_params *p,
		    struct fw_work *w)
{
	const struct npu_tensor *f = fw_encoded_filter(opcode, p);

	if (f)
		w->decode_bytes = npu_tensor_bytes(f);
}

int fw_wdec_stage(const struct npu_fw_env *env, uint32_t opcode,
		  const union npu_cmd_params *p, void **weights,
		  const char **reason)
{
	const struct npu_tensor *f = fw_encoded_filter(opcode, p);
	uint64_t len;
	void *dec;
	int r;

	if (!f)
		return 0;
	len = npu_tensor_bytes(f);
	dec = env->alloc(env->ctx, (size_t)len);
	if (!dec)
		return -NPU_FW_ENOMEM;
	r = npu_fw_wdec_decode(*weights, f->encoded_bytes, dec, (uint32_t)len,
			       reason);
	env->free(env->ctx, *weights);
	*weights = dec;
	return r;
}

void npu_fw_stream_weights(const void *cs, uint32_t size,
			   struct npu_fw_weight_bytes *wb)
{
	union npu_cmd_params p;
	const char *reason;
	uint32_t off, opcode, bytes, k, n = 0;
	/* A cascade's bands read one filter (same address) in turns. */
	struct npu_tensor seen[4];

	for (off = 0; cs && off < size; off += bytes) {
		const struct npu_tensor *f;
		int dup = 0;

		bytes = fw_decode_cmd(cs, size, off, &opcode, &p, &reason);
		if (!bytes)
			break;
		/* A load may put another filter (a band) at a seen address. */
		if (opcode == NPU_CMD_DMA)
			n = 0;
		if (opcode == NPU_CMD_FULLY_CONNECTED)
			f = &p.fc.filter;
		else if (opcode == NPU_CMD_CONV_2D ||
			 opcode == NPU_CMD_DEPTHWISE_CONV_2D ||
			 opcode == NPU_CMD_TRANSPOSE_CONV)
			f = &p.conv.filter;
		else
			continue;
		for (k = 0; f->addr && k < n && k < 4; k++)
			dup |= seen[k].addr == f->addr &&
			       seen[k].encoded_bytes == f->encoded_bytes;
		if (dup)
			continue;
		seen[n++ % 4] = *f;
		wb->filter_bytes += npu_tensor_bytes(f);
		if (f->encoding == NPU_WEIGHTS_RAW) {
			wb->read_bytes += npu_tensor_bytes(f);
		} else {
			wb->read_bytes += f->encoded_bytes;
			wb->encoded_filter_bytes += npu_tensor_bytes(f);
		}
	}
}
