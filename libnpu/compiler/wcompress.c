// SPDX-License-Identifier: MIT
/*
 * Lossless weight compression: the encoder of the weight decoder's format
 * (firmware/fw_wdec.c; Documentation/hardware.rst, "Weight compression").
 *
 * The filter is cut into blocks of one size per stream; each block is coded
 * the cheapest of these ways, chosen by exact size:
 *   - zeros: none, a bitmap of the non-zero positions, or Rice-coded zero
 *     runs before each non-zero value (pruned weights);
 *   - values (all, or the non-zero ones): fixed-width two's complement,
 *     Rice-coded zig-zag, Rice-coded 127 - |v| and a sign (magnitude-
 *     pruned weights), or a palette of the block's distinct values
 *     indexed at a fixed width or by Rice codes of their frequency rank
 *     (clustered weights);
 *   - or the previous block's mode, for one bit: the stream is version 2
 *     (NPU_WDEC_VERSION_PACKED), its blocks packed in one bit stream.
 * The block size is the best of the output channel's bytes times 1..16
 * (per-channel quantization gives each channel its own values, so palettes
 * work per channel), or of a few fixed sizes for depthwise filters (whose
 * channels are innermost), and the whole filter.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "compiler_internal.h"
#include "npu_fw.h"

/* Mode byte, as fw_wdec.c reads it. */
#define M_BITMAP	0x80u
#define M_RUNS		0x40u
#define M_PALETTE	0x20u
#define M_RICE		0x10u
#define RICE_TOP	8u	/* Rice k + 8: 127 - |value|, then its sign */
#define MAX_RUN_K	15u
#define SHORT_RUNS	256u

enum sparsity { SP_NONE, SP_BITMAP, SP_RUNS };

/*
 * How one block is coded, and its size in bits (version 2: the blocks are
 * one bit stream; a block's mode is one bit when it repeats the previous
 * block's mode and run parameter, else a 0 bit, the mode byte and, for
 * zero runs, 4 bits of k_r).
 */
#define MODE_BITS	9u
#define RUN_K_BITS	4u
#define NO_MODE		0x100u
struct block_code {
	uint32_t mode;		/* M_* | parameter */
	uint32_t run_k;
	int32_t family;		/* the shared palette it names, or -1 */
	bool repeat;		/* mode and run_k of the previous block */
	uint64_t bits;
};

/*
 * The stream's shared palettes (header byte 3): the blocks' value sets
 * merged greedily, largest first, into at most NPU_WDEC_MAX_PALETTES
 * palettes of at most 16 values.  A clustered layer quantized per channel
 * has a few such families (the channels whose largest centroid is the same
 * get the same 16 int8 values), so its blocks can be single channels and
 * still not pay a palette each.
 */
#define FAMILY_VALUES	16u
#define NO_FAMILY	0xffu
struct families {
	uint32_t count;
	uint32_t index_bits;	/* a palette block's index: ceil(log2(count)) */
	uint32_t size[NPU_WDEC_MAX_PALETTES];
	uint8_t value[NPU_WDEC_MAX_PALETTES][FAMILY_VALUES];	/* by descending count */
	uint8_t rank[NPU_WDEC_MAX_PALETTES][256];
	uint64_t set[NPU_WDEC_MAX_PALETTES][4];		/* values present, bitset */
	uint8_t *of_block;	/* per block, its family or NO_FAMILY */
	uint64_t (*block_set)[4];	/* per block, its values */
	uint32_t *block_values;	/* per block, how many */
};

/* The block's statistics the choice needs. */
struct block_stats {
	uint32_t count[256];	/* by byte value */
	uint8_t distinct[256];	/* values present, in first-seen order */
	uint32_t num_distinct;
	uint32_t nonzero;
	uint64_t run_bits[MAX_RUN_K + 1];	/* Rice bits of the zero runs */
	uint8_t rank[256];	/* palette index of a value (by count) */
	uint8_t palette[256];	/* values by descending count */
	uint64_t key[256];	/* count << 8 | ~value, for the sort */
};

static int key_desc(const void *a, const void *b)
{
	const uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? 1 : x > y ? -1 : 0;
}

static uint32_t zigzag(int8_t v)
{
	return v >= 0 ? 2u * (uint32_t)v : 2u * (uint32_t)(-(int32_t)v) - 1u;
}

static uint64_t rice_bits(uint32_t sym, uint32_t k)
{
	return (sym >> k) + 1u + k;
}

static uint32_t bits_for(uint32_t n)	/* ceil(log2(n)), n >= 1 */
{
	return n > 1 ? 32u - (uint32_t)__builtin_clz(n - 1) : 0;
}

/* Zero-run lengths before each non-zero value, and the trailing run. */
#define FOR_RUNS(w, n, RUN)						\
	do {								\
		uint32_t r_ = 0;					\
		for (uint32_t i_ = 0; i_ < (n); i_++) {			\
			if ((w)[i_]) {					\
				RUN(r_);				\
				r_ = 0;					\
			} else {					\
				r_++;					\
			}						\
		}							\
		if (r_)							\
			RUN(r_);					\
	} while (0)

static void stats(const uint8_t *w, uint32_t n, struct block_stats *s)
{
	for (uint32_t i = 0; i < s->num_distinct; i++)
		s->count[s->distinct[i]] = 0;
	s->num_distinct = 0;
	s->nonzero = 0;
	for (uint32_t i = 0; i < n; i++) {
		if (!s->count[w[i]]++)
			s->distinct[s->num_distinct++] = w[i];
		s->nonzero += w[i] != 0;
	}
	/*
	 * Zero runs cost a bit per non-zero value at least, more than they
	 * save unless a quarter of the block is zeros: not priced then
	 * (compile time).
	 */
	memset(s->run_bits, 0, sizeof(s->run_bits));
	if (4 * (uint64_t)(n - s->nonzero) < n) {
		for (uint32_t k = 0; k <= MAX_RUN_K; k++)
			s->run_bits[k] = UINT64_MAX / 2;
	} else {
		/* runs of each short length priced once per length (compile time) */
		uint64_t short_runs[SHORT_RUNS] = { 0 };

#define ADD_RUN(r)							\
	do {								\
		if ((r) < SHORT_RUNS)					\
			short_runs[r]++;				\
		else							\
			for (uint32_t k_ = 0; k_ <= MAX_RUN_K; k_++)	\
				s->run_bits[k_] += rice_bits(r, k_);	\
	} while (0)
		FOR_RUNS(w, n, ADD_RUN);
#undef ADD_RUN
		for (uint32_t r = 0; r < SHORT_RUNS; r++)
			for (uint32_t k = 0; short_runs[r] && k <= MAX_RUN_K; k++)
				s->run_bits[k] += short_runs[r] * rice_bits(r, k);
	}
	/*
	 * Palette by descending count, ties by value (deterministic): the keys
	 * are distinct, so any sort gives this order; insertion, as a block
	 * has few distinct values and qsort()'s calls cost more (compile time).
	 */
	for (uint32_t i = 0; i < s->num_distinct; i++) {
		const uint64_t key = (uint64_t)s->count[s->distinct[i]] << 8 |
				     (uint8_t)~s->distinct[i];
		uint32_t j = i;

		for (; j && s->key[j - 1] < key; j--)
			s->key[j] = s->key[j - 1];
		s->key[j] = key;
	}
	for (uint32_t i = 0; i < s->num_distinct; i++) {
		s->palette[i] = (uint8_t)~s->key[i];
		s->rank[s->palette[i]] = (uint8_t)i;
	}
}

/*
 * Best value coding of the block's values (without 0 when @nonzero):
 * returns the bits, sets *@mode (with parameter) and adds palette bytes
 * to *@extra.
 */
static uint64_t value_code(const struct block_stats *s, int nonzero, bool inline_palette,
			   uint32_t *mode, uint64_t *extra)
{
	uint64_t best, bits, cnt = 0, rice[8] = { 0 }, price[8] = { 0 }, top[8] = { 0 };
	int32_t lo = 0, hi = 0;
	uint32_t width = 0, np = 0;

	for (uint32_t i = 0; i < s->num_distinct; i++) {
		const uint8_t v = s->distinct[i];
		const uint32_t c = s->count[v];

		if (nonzero && !v)
			continue;
		cnt += c;
		np++;
		lo = (int8_t)v < lo ? (int8_t)v : lo;
		hi = (int8_t)v > hi ? (int8_t)v : hi;
		for (uint32_t k = 0; k < 8; k++) {
			rice[k] += c * rice_bits(zigzag((int8_t)v) - (nonzero ? 1 : 0), k);
			/* -128 has no code from the top */
			top[k] += v == 0x80 ? UINT64_MAX / 512 :
				  c * (1 + rice_bits(127u - (uint32_t)abs((int8_t)v), k));
		}
	}
	for (uint32_t i = 0, r = 0; i < s->num_distinct; i++) {
		const uint8_t v = s->palette[i];

		if (nonzero && !v)
			continue;
		for (uint32_t k = 0; k < 8; k++)
			price[k] += s->count[v] * rice_bits(r, k);
		r++;
	}
	if (!cnt) {
		*mode = 0;	/* fixed width 0: nothing to code */
		return 0;
	}
	/* two's complement in width bits: [-2^(width-1), 2^(width-1)) */
	if (lo || hi)
		for (width = 1; width < 8 && (lo < -(1 << (width - 1)) ||
					      hi >= (1 << (width - 1)));)
			width++;
	best = cnt * width;
	*mode = width;
	for (uint32_t k = 0; k < 8; k++) {
		if (rice[k] < best) {
			best = rice[k];
			*mode = M_RICE | k;
		}
		if (top[k] < best) {
			best = top[k];
			*mode = M_RICE | RICE_TOP | k;
		}
	}
	/* A palette costs its size byte and entries (whole bytes). */
	bits = cnt * bits_for(np) + 8u * (1 + np);
	if (!inline_palette)
		return best;
	if (bits < best) {
		best = bits;
		*mode = M_PALETTE | bits_for(np);
	}
	for (uint32_t k = 0; k < 8; k++)
		if (price[k] + 8u * (1 + np) < best) {
			best = price[k] + 8u * (1 + np);
			*mode = M_PALETTE | M_RICE | k;
		}
	if (*mode & M_PALETTE) {
		*extra += 1 + np;
		best -= 8u * (1 + np);
	}
	return best;
}

/*
 * The block's values (all of them, none 0 dropped) as indices into shared
 * palette @f: fixed width or Rice codes of the rank; returns the bits.
 */
static uint64_t family_code(const struct block_stats *s, const struct families *fam, uint32_t f,
			    uint32_t *mode)
{
	const uint32_t width = bits_for(fam->size[f]);
	uint64_t best = 0, rice[8] = { 0 };

	for (uint32_t i = 0; i < s->num_distinct; i++) {
		const uint8_t v = s->distinct[i];

		best += (uint64_t)s->count[v] * width;
		for (uint32_t k = 0; k < 8; k++)
			rice[k] += s->count[v] * rice_bits(fam->rank[f][v], k);
	}
	*mode = M_PALETTE | width;
	for (uint32_t k = 0; k < 8; k++)
		if (rice[k] < best) {
			best = rice[k];
			*mode = M_PALETTE | M_RICE | k;
		}
	return best;
}

/*
 * The bits of the block coded in @mode with @run_k (without its mode
 * header), or UINT64_MAX where @mode cannot code it (a value too wide for
 * the width, not in the palette, ...).  @fam, @f: as choose().
 */
static uint64_t mode_bits(const struct block_stats *s, uint32_t n, const struct families *fam,
			  uint32_t f, uint32_t mode, uint32_t run_k)
{
	const uint32_t sparse = mode & (M_BITMAP | M_RUNS), param = mode & 0x0fu;
	const uint32_t nonzero = sparse ? 1 : 0;
	uint64_t bits = 0;
	uint32_t r = 0;

	if (sparse == M_BITMAP)
		bits += n;
	if (sparse == M_RUNS) {
		if (s->run_bits[run_k] >= UINT64_MAX / 4)
			return UINT64_MAX;
		bits += s->run_bits[run_k];
	}
	if ((mode & M_PALETTE) && fam) {
		if (f == NO_FAMILY)
			return UINT64_MAX;
		bits += fam->index_bits;
	} else if (mode & M_PALETTE) {
		bits += 8;	/* P - 1, then the values */
	}
	for (uint32_t i = 0; i < s->num_distinct; i++) {
		const uint8_t v = s->palette[i];	/* by descending count */
		uint32_t sym;

		if (nonzero && !v)
			continue;
		if ((mode & M_PALETTE) && fam) {
			if (!(fam->set[f][v >> 6] & (1ull << (v & 63))))
				return UINT64_MAX;
			sym = fam->rank[f][v];
		} else if (mode & M_PALETTE) {
			bits += 8;
			sym = r++;
		} else if ((mode & M_RICE) && param >= RICE_TOP) {
			if (v == 0x80)
				return UINT64_MAX;
			bits += s->count[v] * (1 + rice_bits(127u - (uint32_t)abs((int8_t)v),
							     param - RICE_TOP));
			continue;
		} else if (mode & M_RICE) {
			sym = zigzag((int8_t)v) - nonzero;
		} else {
			const int32_t half = param ? 1 << (param - 1) : 0;

			/* two's complement in @param bits; width 0 is 0 */
			if (param < 8 && ((int8_t)v < -half || (int8_t)v >= (param ? half : 1)))
				return UINT64_MAX;
			sym = 0;
		}
		if ((mode & (M_PALETTE | M_RICE)) == M_PALETTE && sym >> param)
			return UINT64_MAX;
		bits += (uint64_t)s->count[v] * ((mode & M_RICE) ? rice_bits(sym, param) : param);
	}
	return bits;
}

/*
 * The block's cheapest code after a block coded @prev.  @fam: the stream's
 * shared palettes (then no block carries its own), or NULL; @f: the one
 * the block's values fit, or NO_FAMILY.
 */
static void choose(struct block_stats *s, uint32_t n, const struct families *fam, uint32_t f,
		   const struct block_code *prev, struct block_code *bc)
{
	const bool table = fam != NULL;
	uint32_t mode;
	uint64_t extra = 0, bits, run_best = ~0ull;
	uint32_t run_k = 0;

	bits = value_code(s, 0, !table, &mode, &extra);
	bc->mode = mode;
	bc->run_k = 0;
	bc->family = -1;
	bc->repeat = false;
	bc->bits = MODE_BITS + 8 * extra + bits;
	if (table && f != NO_FAMILY) {
		bits = family_code(s, fam, f, &mode);
		if (MODE_BITS + fam->index_bits + bits < bc->bits) {
			bc->mode = mode;
			bc->family = (int32_t)f;
			bc->bits = MODE_BITS + fam->index_bits + bits;
		}
	}

	extra = 0;
	bits = value_code(s, 1, !table, &mode, &extra);
	if (MODE_BITS + 8 * extra + n + bits < bc->bits) {
		bc->family = -1;
		bc->mode = M_BITMAP | mode;
		bc->bits = MODE_BITS + 8 * extra + n + bits;
	}
	for (uint32_t k = 0; k <= MAX_RUN_K; k++)
		if (s->run_bits[k] < run_best) {
			run_best = s->run_bits[k];
			run_k = k;
		}
	if (MODE_BITS + RUN_K_BITS + 8 * extra + run_best + bits < bc->bits) {
		bc->family = -1;
		bc->mode = M_RUNS | mode;
		bc->run_k = run_k;
		bc->bits = MODE_BITS + RUN_K_BITS + 8 * extra + run_best + bits;
	}
	/* The previous block's mode costs one bit instead of nine or more. */
	if (prev->mode != NO_MODE) {
		bits = mode_bits(s, n, fam, f, prev->mode, prev->run_k);
		if (bits != UINT64_MAX && 1 + bits <= bc->bits) {
			bc->mode = prev->mode;
			bc->run_k = prev->run_k;
			bc->family = table && (prev->mode & M_PALETTE) ? (int32_t)f : -1;
			bc->repeat = true;
			bc->bits = 1 + bits;
		}
	}
}

/* ---- emission ---- */

struct bitbuf {
	uint8_t *data;
	size_t len, cap;
	uint64_t acc;
	uint32_t nbits;
	int error;
};

static void put_byte(struct bitbuf *b, uint8_t v)
{
	if (b->len == b->cap) {
		size_t cap = b->cap ? 2 * b->cap : 256;
		uint8_t *d = realloc(b->data, cap);

		if (!d) {
			b->error = -ENOMEM;
			return;
		}
		b->data = d;
		b->cap = cap;
	}
	b->data[b->len++] = v;
}

static void put_bits(struct bitbuf *b, uint32_t v, uint32_t n)
{
	b->acc |= (uint64_t)v << b->nbits;
	b->nbits += n;
	while (b->nbits >= 8) {
		put_byte(b, (uint8_t)b->acc);
		b->acc >>= 8;
		b->nbits -= 8;
	}
}

static void put_rice(struct bitbuf *b, uint32_t v, uint32_t k)
{
	for (uint32_t q = v >> k; q; q--)
		put_bits(b, 1, 1);
	put_bits(b, 0, 1);
	put_bits(b, v & ((1u << k) - 1), k);
}

static void flush_bits(struct bitbuf *b)
{
	if (b->nbits)
		put_byte(b, (uint8_t)b->acc);
	b->acc = 0;
	b->nbits = 0;
}

static void put_value(struct bitbuf *b, const struct block_stats *s, uint32_t mode,
		      int nonzero, uint8_t v)
{
	const uint32_t param = mode & 0x0fu;
	uint32_t sym;

	if ((mode & (M_PALETTE | M_RICE)) == M_RICE && param >= RICE_TOP) {
		put_rice(b, 127u - (uint32_t)abs((int8_t)v), param - RICE_TOP);
		put_bits(b, (int8_t)v < 0, 1);
		return;
	}
	if (mode & M_PALETTE)
		sym = s->rank[v];	/* index among the values coded */
	else if (mode & M_RICE)
		sym = zigzag((int8_t)v) - (nonzero ? 1 : 0);
	else
		sym = v & ((1u << param) - 1);
	if (mode & M_RICE)
		put_rice(b, sym, param);
	else
		put_bits(b, sym, param);
}

static void emit_block(struct bitbuf *b, const uint8_t *w, uint32_t n,
		       struct block_stats *s, const struct families *fam,
		       const struct block_code *bc)
{
	const uint32_t sparse = bc->mode & (M_BITMAP | M_RUNS);
	const uint32_t vmode = bc->mode & ~(M_BITMAP | M_RUNS);

	put_bits(b, bc->repeat, 1);
	if (!bc->repeat) {
		put_bits(b, bc->mode, 8);
		if (sparse == M_RUNS)
			put_bits(b, bc->run_k, RUN_K_BITS);
	}
	if (bc->family >= 0) {
		put_bits(b, (uint32_t)bc->family, fam->index_bits);
		memcpy(s->rank, fam->rank[bc->family], sizeof(s->rank));
	} else if (vmode & M_PALETTE) {
		uint32_t np = 0;

		/* The palette of the coded values: the sparse modes drop 0. */
		for (uint32_t i = 0; i < s->num_distinct; i++)
			if (!sparse || s->palette[i])
				s->rank[s->palette[i]] = (uint8_t)np++;
		put_bits(b, np - 1, 8);
		for (uint32_t i = 0; i < s->num_distinct; i++)
			if (!sparse || s->palette[i])
				put_bits(b, s->palette[i], 8);
	}
	if (sparse == M_RUNS) {
		uint32_t run = 0;

		for (uint32_t i = 0; i < n; i++) {
			if (!w[i]) {
				run++;
				continue;
			}
			put_rice(b, run, bc->run_k);
			put_value(b, s, vmode, 1, w[i]);
			run = 0;
		}
		if (run)
			put_rice(b, run, bc->run_k);
	} else {
		/* A bitmap block: each position's bit, then its value if set. */
		for (uint32_t i = 0; i < n; i++) {
			if (sparse)
				put_bits(b, w[i] != 0, 1);
			if (!sparse || w[i])
				put_value(b, s, vmode, sparse != 0, w[i]);
		}
	}
}

static int bit_count64(uint64_t x)
{
	int n = 0;

	for (; x; x &= x - 1)
		n++;
	return n;
}

/*
 * The shared palettes for blocks of @block bytes (struct families);
 * fam->of_block and fam->block_set have a slot per block.  Returns the
 * table's bytes.
 */
static uint64_t make_families(const uint8_t *w, uint32_t len, uint32_t block,
			      struct families *fam)
{
	const uint32_t nb = (uint32_t)(((uint64_t)len + block - 1) / block);
	uint64_t bytes = 0, count[NPU_WDEC_MAX_PALETTES][256];

	fam->count = 0;
	fam->index_bits = 0;
	memset(fam->set, 0, sizeof(fam->set));
	for (uint32_t k = 0; k < nb; k++) {
		uint64_t *set = fam->block_set[k];

		memset(set, 0, sizeof(fam->block_set[k]));
		for (uint32_t i = k * block; i < len && i < (uint64_t)(k + 1) * block; i++)
			set[w[i] >> 6] |= 1ull << (w[i] & 63);
		fam->block_values[k] = 0;
		for (uint32_t q = 0; q < 4; q++)
			fam->block_values[k] += (uint32_t)bit_count64(set[q]);
		fam->of_block[k] = NO_FAMILY;
	}
	/* Largest value sets first: they seed the families. */
	for (uint32_t want = FAMILY_VALUES; want > 0; want--) {
		for (uint32_t k = 0; k < nb; k++) {
			const uint64_t *set = fam->block_set[k];
			uint32_t f;

			if (fam->block_values[k] != want)
				continue;
			for (f = 0; f < fam->count; f++) {
				int u = 0;

				for (uint32_t q = 0; q < 4; q++)
					u += bit_count64(fam->set[f][q] | set[q]);
				if (u <= (int)FAMILY_VALUES)
					break;
			}
			if (f == NPU_WDEC_MAX_PALETTES)
				continue;
			fam->count += f == fam->count;
			for (uint32_t q = 0; q < 4; q++)
				fam->set[f][q] |= set[q];
			fam->of_block[k] = (uint8_t)f;
		}
	}
	/* Each palette by descending count over its blocks, ties by value. */
	memset(count, 0, sizeof(count[0]) * fam->count);
	for (uint32_t k = 0; k < nb; k++)
		for (uint32_t i = k * block; fam->of_block[k] != NO_FAMILY && i < len &&
		     i < (uint64_t)(k + 1) * block; i++)
			count[fam->of_block[k]][w[i]]++;
	for (uint32_t f = 0; f < fam->count; f++) {
		uint64_t key[FAMILY_VALUES];
		uint32_t n = 0;

		for (uint32_t v = 0; v < 256; v++)
			if (fam->set[f][v >> 6] & (1ull << (v & 63)))
				key[n++] = count[f][v] << 8 | (uint8_t)~v;
		qsort(key, n, sizeof(key[0]), key_desc);
		fam->size[f] = n;
		for (uint32_t i = 0; i < n; i++) {
			fam->value[f][i] = (uint8_t)~key[i];
			fam->rank[f][fam->value[f][i]] = (uint8_t)i;
		}
		bytes += 1 + n;
	}
	fam->index_bits = fam->count ? bits_for(fam->count) : 0;
	return bytes;
}

/* Size of the stream with blocks of @block bytes, with @fam's palettes or none. */
static uint64_t stream_size(const uint8_t *w, uint32_t len, uint32_t block,
			    struct block_stats *s, const struct families *fam, uint64_t table)
{
	struct block_code bc = { .mode = NO_MODE };
	uint64_t bits = 0;

	for (uint32_t off = 0, k = 0; off < len; off += block, k++) {
		const uint32_t n = len - off < block ? len - off : block;
		const struct block_code prev = bc;

		stats(w + off, n, s);
		choose(s, n, fam, fam ? fam->of_block[k] : NO_FAMILY, &prev, &bc);
		bits += bc.bits;
	}
	return NPU_WDEC_HDR_BYTES + table + (bits + 7) / 8;
}

static void free_families(struct families *fam)
{
	if (!fam)
		return;
	free(fam->of_block);
	free(fam->block_set);
	free(fam->block_values);
	free(fam);
}

/*
 * Version 3 (wcompress_rows.c) where it is smaller than the version 2
 * stream in *@out: rows of an output channel, a depthwise filter's
 * channels (@inner_channels, innermost), or the whole filter.
 */
static int try_rows(const uint8_t *w, uint32_t len, uint32_t channel_bytes,
		    uint32_t inner_channels, uint8_t **out, uint32_t *out_len)
{
	const struct {
		uint32_t row_len;
		bool transposed;
	} layout[] = {
		{ channel_bytes, false },
		{ inner_channels ? len / inner_channels : 0, true },
		{ len, false },
	};

	for (uint32_t i = 0; i < sizeof(layout) / sizeof(layout[0]); i++) {
		uint8_t *enc;
		uint32_t enc_len;
		int ret;

		if (!layout[i].row_len || len % layout[i].row_len)
			continue;
		ret = npu_wcompress_rows(w, len, layout[i].row_len, layout[i].transposed, &enc,
					 &enc_len);
		if (ret)
			return ret;
		if (enc_len < *out_len) {
			free(*out);
			*out = enc;
			*out_len = enc_len;
		} else {
			free(enc);
		}
	}
	return 0;
}

int npu_wcompress(const uint8_t *w, uint32_t len, uint32_t channel_bytes,
		  uint32_t inner_channels, uint8_t **out, uint32_t *out_len)
{
	static const uint32_t fixed[] = { 64, 256, 1024, 4096 };
	uint32_t cand[16], nc = 0, block = len;
	uint64_t best = ~0ull;
	size_t nb;
	struct block_stats *s;
	struct families *fam, *use = NULL;
	struct bitbuf b = { 0 };
	struct block_code bc = { .mode = NO_MODE };
	bool table = false;
	int ret;

	*out = NULL;
	*out_len = 0;
	if (!len)
		return -EINVAL;
	s = calloc(1, sizeof(*s));
	fam = calloc(1, sizeof(*fam));
	if (!s || !fam) {
		free(s);
		free(fam);
		return -ENOMEM;
	}
	for (uint32_t m = 1; m <= 16 && channel_bytes; m *= 2)
		if ((uint64_t)channel_bytes * m < len)
			cand[nc++] = channel_bytes * m;
	/* Fixed sizes where channels are not contiguous (depthwise). */
	for (uint32_t i = 0; !channel_bytes && i < sizeof(fixed) / sizeof(fixed[0]); i++)
		if (fixed[i] < len)
			cand[nc++] = fixed[i];
	cand[nc++] = len;
	nb = len / cand[0] + 1;
	fam->of_block = malloc(nb);
	fam->block_set = malloc(nb * sizeof(*fam->block_set));
	fam->block_values = malloc(nb * sizeof(*fam->block_values));
	if (!fam->of_block || !fam->block_set || !fam->block_values) {
		free_families(fam);
		free(s);
		return -ENOMEM;
	}
	for (uint32_t i = 0; i < nc; i++) {
		uint64_t size = stream_size(w, len, cand[i], s, NULL, 0), tsize;

		if (size < best) {
			best = size;
			block = cand[i];
			table = false;
		}
		/* Shared palettes, where there are blocks to share them. */
		if (cand[i] == len)
			continue;
		tsize = make_families(w, len, cand[i], fam);
		if (!fam->count)
			continue;
		tsize = stream_size(w, len, cand[i], s, fam, tsize);
		if (tsize < best) {
			best = tsize;
			block = cand[i];
			table = true;
		}
	}
	if (table) {
		make_families(w, len, block, fam);
		use = fam;
	}

	put_byte(&b, NPU_WDEC_MAGIC0);
	put_byte(&b, NPU_WDEC_MAGIC1);
	put_byte(&b, NPU_WDEC_VERSION_PACKED);
	put_byte(&b, use ? (uint8_t)use->count : 0);
	for (uint32_t i = 0; i < 4; i++)
		put_byte(&b, (uint8_t)(block >> (8 * i)));
	for (uint32_t f = 0; use && f < use->count; f++) {
		put_byte(&b, (uint8_t)(use->size[f] - 1));
		for (uint32_t i = 0; i < use->size[f]; i++)
			put_byte(&b, use->value[f][i]);
	}
	for (uint32_t off = 0, k = 0; off < len; off += block, k++) {
		const uint32_t n = len - off < block ? len - off : block;
		const struct block_code prev = bc;

		stats(w + off, n, s);
		choose(s, n, use, use ? use->of_block[k] : NO_FAMILY, &prev, &bc);
		emit_block(&b, w + off, n, s, use, &bc);
	}
	flush_bits(&b);
	free_families(fam);
	free(s);
	if (b.error || b.len > UINT32_MAX) {
		free(b.data);
		return b.error ? b.error : -E2BIG;
	}
	*out = b.data;
	*out_len = (uint32_t)b.len;
	ret = try_rows(w, len, channel_bytes, inner_channels, out, out_len);
	if (ret) {
		free(*out);
		*out = NULL;
		*out_len = 0;
	}
	return ret;
}

/* The command's time with its filter read from SRAM (prefetched) or DRAM. */
static uint64_t filter_time(uint32_t opcode, const union npu_cmd_params *p, bool in_sram)
{
	struct npu_fw_cost c = { 0 };

	npu_fw_estimate_op(NULL, opcode, p, &c);
	return in_sram || c.compute_cycles > c.dma_cycles ? c.compute_cycles : c.dma_cycles;
}

bool npu_wcompress_pays(uint32_t opcode, const union npu_cmd_params *p, uint32_t enc_len,
			bool sram)
{
	union npu_cmd_params e = *p;
	struct npu_tensor *f = opcode == NPU_CMD_FULLY_CONNECTED ? &e.fc.filter : &e.conv.filter;
	const uint64_t raw_len = npu_tensor_bytes(f);

	f->encoding = NPU_WEIGHTS_NPW1;
	f->encoded_bytes = enc_len;
	return filter_time(opcode, &e, sram && enc_len <= NPU_SRAM_PREFETCH_MAX) <=
	       filter_time(opcode, p, sram && raw_len <= NPU_SRAM_PREFETCH_MAX);
}

int32_t npu_wcompress_filter(const struct npu_graph *g, const struct npu_graph_op *op,
			     uint32_t opcode, union npu_cmd_params *p, struct npu_tensor **filter,
			     uint32_t *channel_bytes)
{
	struct npu_tensor *f;
	const struct npu_graph_tensor *t;

	*channel_bytes = 0;
	switch (opcode) {
	case NPU_CMD_CONV_2D:
	case NPU_CMD_TRANSPOSE_CONV:
		f = &p->conv.filter;
		*channel_bytes = f->dims[1] * f->dims[2] * f->dims[3];
		break;
	case NPU_CMD_DEPTHWISE_CONV_2D:
		f = &p->conv.filter;	/* [1, KH, KW, C]: channels innermost */
		break;
	case NPU_CMD_FULLY_CONNECTED:
		f = &p->fc.filter;
		*channel_bytes = f->dims[1];
		break;
	default:
		return -1;
	}
	*filter = f;
	/* The whole constant tensor, as the raw operand addresses it. */
	if (op->num_inputs < 2 || op->inputs[1] < 0)
		return -1;
	t = &g->tensors[op->inputs[1]];
	if (!t->data || npu_dtype_size(f->dtype) != 1 || t->data_size != npu_tensor_bytes(f) ||
	    t->data_size > NPU_LIMIT_TENSOR_BYTES)
		return -1;
	return op->inputs[1];
}
