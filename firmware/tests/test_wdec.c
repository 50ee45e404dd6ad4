// SPDX-License-Identifier: MIT
/*
 * The weight decoder (fw_wdec.c): random streams of every block mode built
 * here from the format's description (not by the compiler's encoder, which
 * libnpu's test_wcompress checks against this decoder), adversarial
 * streams (every truncation, random corruption, each malformation by
 * hand) decoded into buffers of the exact size under ASan, and compressed
 * filters through the validator and the command processor.
 */
#include <stdlib.h>

#include "fw_hand_job.h"

#define M_BITMAP	0x80u
#define M_RUNS		0x40u
#define M_PALETTE	0x20u
#define M_RICE		0x10u

/* LSB-first bit writer into a fixed buffer. */
struct bw {
	uint8_t buf[1u << 20];
	uint32_t len;
	uint64_t acc;
	uint32_t nbits;
};

static void bw_byte(struct bw *b, uint8_t v)
{
	ck_assert_uint_lt(b->len, sizeof(b->buf));
	b->buf[b->len++] = v;
}

static void bw_bits(struct bw *b, uint32_t v, uint32_t n)
{
	b->acc |= (uint64_t)v << b->nbits;
	b->nbits += n;
	while (b->nbits >= 8) {
		bw_byte(b, (uint8_t)b->acc);
		b->acc >>= 8;
		b->nbits -= 8;
	}
}

static void bw_rice(struct bw *b, uint32_t v, uint32_t k)
{
	uint32_t q;

	for (q = v >> k; q; q--)
		bw_bits(b, 1, 1);
	bw_bits(b, 0, 1);
	bw_bits(b, v & ((1u << k) - 1), k);
}

static void bw_flush(struct bw *b)
{
	if (b->nbits)
		bw_byte(b, (uint8_t)b->acc);
	b->acc = 0;
	b->nbits = 0;
}

static void bw_header(struct bw *b, uint32_t block)
{
	bw_byte(b, NPU_WDEC_MAGIC0);
	bw_byte(b, NPU_WDEC_MAGIC1);
	bw_byte(b, NPU_WDEC_VERSION);
	bw_byte(b, 0);
	bw_bits(b, block, 32);
}

static uint32_t rnd(uint32_t *s, uint32_t n)
{
	*s = *s * 1103515245u + 12345u;
	return ((*s >> 8) & 0xffffffu) % n;
}

/*
 * The generator's format: version 1 (byte-aligned blocks) or 2 (packed,
 * NPU_WDEC_VERSION_PACKED), and the previous block's mode, which a packed
 * block may repeat with one bit.
 */
struct gen {
	int packed;
	int have_prev;
	uint8_t prev_mode;
	uint32_t prev_run_k;
};

/* A block header field: a byte (version 1) or @bits bits (version 2). */
static void bw_field(struct bw *b, const struct gen *g, uint32_t v, uint32_t bits)
{
	if (g->packed)
		bw_bits(b, v, bits);
	else
		bw_byte(b, (uint8_t)v);
}

/* A symbol of @mode: fixed width, Rice, or (packed) Rice from the top. */
static void bw_symbol(struct bw *b, uint8_t mode, uint32_t sym)
{
	const uint32_t param = mode & 0x0fu;

	if ((mode & M_RICE) && param >= 8) {
		bw_rice(b, sym >> 1, param - 8);
		bw_bits(b, sym & 1, 1);
	} else if (mode & M_RICE) {
		bw_rice(b, sym, param);
	} else {
		bw_bits(b, sym, param);
	}
}

/*
 * One random block of @n values in a random mode: appends its encoding to
 * @b and the values it decodes to at @out.
 */
static void random_block(struct bw *b, struct gen *g, uint32_t *seed, uint8_t *out,
			 uint32_t n)
{
	const int repeat = g->packed && g->have_prev && rnd(seed, 2);
	uint32_t sparse = rnd(seed, 3) == 0 ? 0 : rnd(seed, 2) ? M_BITMAP : M_RUNS;
	uint32_t coding = rnd(seed, 4);	/* fixed, rice, pal fixed, pal rice */
	uint32_t run_k = rnd(seed, 16);
	uint32_t param, pal_n = 1 + rnd(seed, rnd(seed, 2) ? 16 : 256), i;
	uint8_t pal[256], mode;
	uint32_t sym[4096];
	int nonzero;

	param = coding == 1 || coding == 3 ? rnd(seed, 8) : rnd(seed, 9);
	/* Packed Rice without a palette: from the top (k + 8) half the time. */
	if (g->packed && coding == 1 && rnd(seed, 2))
		param += 8;
	if (coding == 2) {
		/* the width must index the palette */
		param = 0;
		while ((1u << param) < pal_n)
			param++;
	}
	mode = (uint8_t)(sparse | (coding >= 2 ? M_PALETTE : 0) |
			 (coding == 1 || coding == 3 ? M_RICE : 0) | param);
	if (repeat) {
		mode = g->prev_mode;
		run_k = g->prev_run_k;
		sparse = mode & (M_BITMAP | M_RUNS);
		coding = ((mode & M_PALETTE) ? 2 : 0) + ((mode & M_RICE) ? 1 : 0);
		param = mode & 0x0fu;
		if (coding == 2)
			pal_n = 1 + rnd(seed, 1u << param);
	}
	nonzero = sparse != 0;
	for (i = 0; i < pal_n; i++)
		pal[i] = (uint8_t)rnd(seed, 256);
	/* Values: zero with probability 1/2 in sparse blocks. */
	for (i = 0; i < n; i++) {
		uint32_t s;
		uint8_t v;

		if (sparse && rnd(seed, 2)) {
			out[i] = 0;
			sym[i] = ~0u;
			continue;
		}
		if (coding >= 2) {
			s = rnd(seed, pal_n);
			v = pal[s];
		} else if (coding == 1 && param >= 8) {
			/* 127 - |v| (a sparse value is not 0), then the sign */
			const uint32_t r = rnd(seed, 4) ? rnd(seed, 16) : rnd(seed, 128 - nonzero);

			s = r << 1 | rnd(seed, 2);
			v = (uint8_t)((s & 1) ? (int)r - 127 : 127 - (int)r);
		} else if (coding == 1) {
			/* zig-zag symbols, small mostly */
			s = rnd(seed, 4) ? rnd(seed, 16) : rnd(seed, 256 - nonzero);
			v = (uint8_t)(((s + nonzero) & 1) ? ~((s + nonzero) >> 1) :
				      ((s + nonzero) >> 1));
		} else {
			s = param ? rnd(seed, 1u << param) : 0;
			v = (uint8_t)(param && (s & (1u << (param - 1))) ?
				      s | ~((1u << param) - 1) : s);
		}
		/* A coded 0 in a sparse block is legal and decodes to 0. */
		out[i] = v;
		sym[i] = s;
	}
	if (g->packed)
		bw_bits(b, repeat, 1);
	if (!repeat) {
		bw_field(b, g, mode, 8);
		if (sparse == M_RUNS)
			bw_field(b, g, run_k, 4);
	}
	g->have_prev = 1;
	g->prev_mode = mode;
	g->prev_run_k = run_k;
	if (coding >= 2) {
		bw_field(b, g, pal_n - 1, 8);
		for (i = 0; i < pal_n; i++)
			bw_field(b, g, pal[i], 8);
	}
	if (sparse == M_BITMAP && !g->packed)
		for (i = 0; i < n; i += 8) {
			uint8_t m = 0;
			uint32_t j;

			for (j = 0; j < 8 && i + j < n; j++)
				m |= (uint8_t)((sym[i + j] != ~0u) << j);
			bw_byte(b, m);
		}
	if (sparse == M_RUNS) {
		uint32_t run = 0;

		for (i = 0; i < n; i++) {
			if (sym[i] == ~0u) {
				run++;
				continue;
			}
			bw_rice(b, run, run_k);
			run = 0;
			bw_symbol(b, mode, sym[i]);
		}
		if (run)
			bw_rice(b, run, run_k);
	} else {
		for (i = 0; i < n; i++) {
			/* Packed, a bitmap block's bit comes before each value. */
			if (sparse && g->packed)
				bw_bits(b, sym[i] != ~0u, 1);
			if (sym[i] == ~0u)
				continue;
			bw_symbol(b, mode, sym[i]);
		}
	}
	if (!g->packed)
		bw_flush(b);
}

/* A random valid stream of @len decoded bytes into @b and @expect. */
static void random_stream(struct bw *b, uint32_t *seed, uint8_t *expect, uint32_t len)
{
	const uint32_t block = 1 + rnd(seed, rnd(seed, 2) ? 64 : 4096);
	struct gen g = { .packed = (int)rnd(seed, 2) };
	uint32_t off;

	b->len = 0;
	b->acc = 0;
	b->nbits = 0;
	bw_header(b, block);
	b->buf[2] = g.packed ? NPU_WDEC_VERSION_PACKED : NPU_WDEC_VERSION;
	for (off = 0; off < len; off += block)
		random_block(b, &g, seed, expect + off, len - off < block ? len - off : block);
	bw_flush(b);
}

/* ---- version 3, rows (NPU_WDEC_VERSION_ROWS) ---- */

static uint32_t log2_floor(uint32_t n)
{
	uint32_t k = 0;

	while (k < 31 && (2u << k) <= n)
		k++;
	return k;
}

static void bw_long(struct bw *b, uint32_t v, uint32_t n)
{
	if (n > 16) {
		bw_bits(b, v & 0xffffu, 16);
		v >>= 16;
		n -= 16;
	}
	bw_bits(b, v, n);
}

static void bw_truncated(struct bw *b, uint32_t v, uint32_t n)
{
	const uint32_t k = log2_floor(n), u = (2u << k) - n;

	if (v < u) {
		bw_long(b, v, k);
	} else {
		bw_long(b, (v + u) >> 1, k);
		bw_bits(b, (v + u) & 1, 1);
	}
}

/* The parameters of a version 3 stream, as the format describes them. */
struct rows_gen {
	uint32_t transposed, len, rows, zeros, run_k, values, top_max, split, maxpos;
	uint8_t *data;	/* decoded bytes */
	uint8_t *marked;	/* per byte: it is its row's mark */
	/* values 3: the palettes (ascending), and each row's */
	uint32_t palettes, palette_size[NPU_WDEC_ROWS_PALETTES];
	int8_t palette[NPU_WDEC_ROWS_PALETTES][NPU_WDEC_ROWS_PALETTE_VALUES];
	uint8_t *row_palette;
};

static uint32_t rows_index(const struct rows_gen *g, uint32_t r, uint32_t j)
{
	return g->transposed ? j * g->rows + r : r * g->len + j;
}

/* The zero run starting at row @r, element @j: zeros up to the next non-zero or the end. */
static uint32_t rows_run(const struct rows_gen *g, uint32_t r, uint32_t j)
{
	uint32_t run = 0;

	for (; r < g->rows; r++, j = 0)
		for (; j < g->len; j++, run++)
			if (g->data[rows_index(g, r, j)])
				return run;
	return run;
}

static void rows_write(struct bw *b, const struct rows_gen *g)
{
	uint32_t r, j, need_run = 1, run_left = 0;

	bw_byte(b, NPU_WDEC_MAGIC0);
	bw_byte(b, NPU_WDEC_VERSION_ROWS);
	bw_bits(b, g->transposed, 1);
	bw_long(b, 1u << log2_floor(g->len), log2_floor(g->len) + 1);	/* Elias gamma */
	bw_long(b, g->len & ((1u << log2_floor(g->len)) - 1), log2_floor(g->len));
	bw_bits(b, g->zeros, 2);
	if (g->zeros == 1)
		bw_bits(b, g->run_k, 4);
	bw_bits(b, g->values, 2);
	if (g->values == 1 || g->values == 2)
		bw_bits(b, g->top_max, 7);
	if (g->values == 2)
		bw_bits(b, g->split, 7);
	if (g->values == 3) {
		bw_bits(b, g->palettes - 1, 3);
		for (r = 0; r < g->palettes; r++) {
			bw_bits(b, g->palette_size[r] - 1, 4);
			bw_bits(b, (uint8_t)g->palette[r][0], 8);
			bw_bits(b, 2, 3);	/* k */
			for (j = 1; j < g->palette_size[r]; j++)
				bw_rice(b, (uint32_t)(g->palette[r][j] - g->palette[r][j - 1] - 1), 2);
		}
	}
	bw_bits(b, g->maxpos, 1);
	for (r = 0; r < g->rows; r++) {
		uint32_t n = 0, mark = ~0u;

		for (j = 0; j < g->len; j++) {
			const uint8_t v = g->data[rows_index(g, r, j)];

			if (g->zeros == 2)
				bw_bits(b, v != 0, 1);
			if (g->zeros == 1) {
				if (need_run) {
					run_left = rows_run(g, r, j);
					bw_rice(b, run_left, g->run_k);
					need_run = 0;
				}
				if (run_left) {
					run_left--;
					continue;
				}
				need_run = 1;
			}
			if (g->zeros && !v)
				continue;
			if (g->marked[rows_index(g, r, j)])
				mark = n;
			n++;
		}
		if (g->maxpos) {
			bw_truncated(b, mark == ~0u ? n : mark, n + 1);
			for (j = 0; j < g->len && mark != ~0u; j++)
				if (g->marked[rows_index(g, r, j)])
					bw_bits(b, (int8_t)g->data[rows_index(g, r, j)] < 0, 1);
		}
		if (g->values == 3)
			bw_truncated(b, g->row_palette[r], g->palettes);
		for (j = 0; j < g->len; j++) {
			const uint8_t v = g->data[rows_index(g, r, j)];
			const uint32_t t = 127u - (uint32_t)abs((int8_t)v);

			if ((g->zeros && !v) || g->marked[rows_index(g, r, j)])
				continue;
			if (g->values == 3) {
				const int8_t *pal = g->palette[g->row_palette[r]];
				uint32_t i = 0;

				while (pal[i] != (int8_t)v)
					i++;
				bw_truncated(b, i, g->palette_size[g->row_palette[r]]);
				continue;
			}
			if (!g->values) {
				bw_bits(b, v, 8);
				continue;
			}
			if (g->values == 1) {
				bw_truncated(b, t, g->top_max + 1);
			} else if (t < g->split) {
				bw_bits(b, 0, 1);
				bw_truncated(b, t, g->split);
			} else {
				bw_bits(b, 1, 1);
				bw_truncated(b, t - g->split, g->top_max + 1 - g->split);
			}
			bw_bits(b, (int8_t)v < 0, 1);
		}
	}
	bw_flush(b);
}

static uint8_t rows_marks[8192], rows_palette[8192];

/* Random ascending palettes of 1..16 values (without 0 for sparse rows). */
static void random_palettes(struct rows_gen *g, uint32_t *seed)
{
	g->palettes = 1 + rnd(seed, NPU_WDEC_ROWS_PALETTES);
	for (uint32_t f = 0; f < g->palettes; f++) {
		int32_t v = -128 + (int32_t)rnd(seed, 40);
		uint32_t n = 0, want = 1 + rnd(seed, NPU_WDEC_ROWS_PALETTE_VALUES);

		for (; n < want && v <= 127; v += 1 + (int32_t)rnd(seed, rnd(seed, 2) ? 3 : 30)) {
			if (g->zeros && !v)
				continue;
			g->palette[f][n++] = (int8_t)v;
		}
		if (!n)
			g->palette[f][n++] = 1;
		g->palette_size[f] = n;
	}
	for (uint32_t r = 0; r < g->rows; r++)
		g->row_palette[r] = (uint8_t)rnd(seed, g->palettes);
}

/* A random valid version 3 stream of @len decoded bytes into @b and @expect. */
static void random_rows_stream(struct bw *b, uint32_t *seed, uint8_t *expect, uint32_t len)
{
	struct rows_gen g = { .data = expect, .marked = rows_marks, .row_palette = rows_palette };
	uint32_t i, r, j;

	do
		g.len = 1 + rnd(seed, rnd(seed, 2) ? 16 : len);
	while (len % g.len);
	g.rows = len / g.len;
	g.transposed = rnd(seed, 2);
	g.zeros = rnd(seed, 3);
	g.run_k = rnd(seed, 2) ? rnd(seed, 4) : rnd(seed, 16);
	g.values = rnd(seed, 4);
	g.top_max = rnd(seed, 2) ? 127 : rnd(seed, 128);
	if (g.values == 2 && !g.top_max)
		g.top_max = 1;
	g.split = g.values == 2 ? 1 + rnd(seed, g.top_max) : 0;
	g.maxpos = rnd(seed, 2);
	if (g.values == 3)
		random_palettes(&g, seed);
	memset(rows_marks, 0, len);
	for (i = 0; i < len; i++) {
		uint32_t t = rnd(seed, g.top_max + 1);

		if (g.zeros && rnd(seed, 4)) {
			expect[i] = 0;
			continue;
		}
		if (g.values == 3) {
			const uint32_t f = rows_palette[g.transposed ? i % g.rows : i / g.len];

			expect[i] = (uint8_t)g.palette[f][rnd(seed, g.palette_size[f])];
			continue;
		}
		if (!g.values) {
			expect[i] = (uint8_t)rnd(seed, 256);
			if (g.zeros && !expect[i])
				expect[i] = 1;
			continue;
		}
		if (g.zeros && t == 127)	/* a sparse row's value is not 0 */
			t = 126;
		expect[i] = (uint8_t)(rnd(seed, 2) ? t - 127u : 127u - t);
	}
	/* Marks: a random non-zero element of some rows becomes +-127. */
	for (r = 0; g.maxpos && r < g.rows; r++) {
		j = rnd(seed, g.len);
		if (!rnd(seed, 4) || (g.zeros && !expect[rows_index(&g, r, j)]))
			continue;
		expect[rows_index(&g, r, j)] = rnd(seed, 2) ? 127 : (uint8_t)-127;
		rows_marks[rows_index(&g, r, j)] = 1;
	}
	b->len = 0;
	b->acc = 0;
	b->nbits = 0;
	rows_write(b, &g);
}

/* Decode from and into heap buffers of the exact sizes (ASan bounds). */
static int decode_exact(const uint8_t *src, uint32_t src_len, uint8_t *out, uint32_t len)
{
	uint8_t *s = malloc(src_len ? src_len : 1), *d = malloc(len ? len : 1);
	const char *reason = NULL;
	int r;

	memcpy(s, src, src_len);
	r = npu_fw_wdec_decode(s, src_len, d, len, &reason);
	if (r)
		ck_assert_ptr_nonnull(reason);
	else if (out)
		memcpy(out, d, len);
	free(s);
	free(d);
	return r;
}

static struct bw bwbuf;
static uint8_t expect_buf[8192], got_buf[8192];

START_TEST(wdec_random_round_trip)
{
	uint32_t seed = 1, it;

	for (it = 0; it < 400; it++) {
		const uint32_t len = 1 + rnd(&seed, rnd(&seed, 2) ? 100 : 4096);

		if (it % 2)
			random_rows_stream(&bwbuf, &seed, expect_buf, len);
		else
			random_stream(&bwbuf, &seed, expect_buf, len);
		ck_assert_int_eq(decode_exact(bwbuf.buf, bwbuf.len, got_buf, len), 0);
		ck_assert_mem_eq(got_buf, expect_buf, len);
		/*
		 * Another decoded length may decode (a width-0 block has no
		 * bits to run out of) or not; it stays inside its buffers.
		 */
		if (it % 8 == 0) {
			decode_exact(bwbuf.buf, bwbuf.len, NULL, len + 1);
			decode_exact(bwbuf.buf, bwbuf.len, NULL, len - 1);
		}
	}
}
END_TEST

START_TEST(wdec_truncated_and_corrupted)
{
	uint32_t seed = 7, it, cut, ok = 0, bad = 0;

	for (it = 0; it < 100; it++) {
		const uint32_t len = 1 + rnd(&seed, 400);

		if (it % 2)
			random_rows_stream(&bwbuf, &seed, expect_buf, len);
		else
			random_stream(&bwbuf, &seed, expect_buf, len);
		/* Every truncation fails cleanly. */
		for (cut = 0; cut < bwbuf.len; cut++)
			ck_assert_int_eq(decode_exact(bwbuf.buf, cut, NULL, len), -NPU_FW_EINVAL);
		/* Random damage: decoded or refused, never out of bounds. */
		for (cut = 0; cut < 50; cut++) {
			uint8_t save;
			uint32_t at = rnd(&seed, bwbuf.len);

			save = bwbuf.buf[at];
			bwbuf.buf[at] ^= (uint8_t)(1 + rnd(&seed, 255));
			if (decode_exact(bwbuf.buf, bwbuf.len, NULL, len))
				bad++;
			else
				ok++;
			bwbuf.buf[at] = save;
		}
	}
	/* Both outcomes happen: the damage reaches modes and values alike. */
	ck_assert_uint_gt(bad, 0);
	ck_assert_uint_gt(ok, 0);
}
END_TEST

/* @n bytes of hand-made stream after the header of @block. */
static int decode_hand(uint32_t block, const uint8_t *body, uint32_t n,
		       uint8_t *out, uint32_t len)
{
	static struct bw b;

	memset(&b, 0, sizeof(b));
	bw_header(&b, block);
	memcpy(b.buf + b.len, body, n);
	return decode_exact(b.buf, b.len + n, out, len);
}

/*
 * A version 3 stream of 8 decoded bytes by hand: rows of @row_len, the
 * given zeros and values modes, top @top and @split, no marks; every
 * value coded is zero bits of its code.  @damage: 1 a byte after the
 * end, 2 a first run of 9, 3 the last byte cut.
 */
/* A hand-made version 3 stream's start: rows of @row_len, @zeros (runs: k 0). */
static void rows_hand_start(struct bw *b, uint32_t row_len, uint32_t zeros)
{
	memset(b, 0, sizeof(*b));
	bw_byte(b, NPU_WDEC_MAGIC0);
	bw_byte(b, NPU_WDEC_VERSION_ROWS);
	bw_bits(b, 0, 1);
	bw_long(b, 1u << log2_floor(row_len), log2_floor(row_len) + 1);
	bw_long(b, row_len & ((1u << log2_floor(row_len)) - 1), log2_floor(row_len));
	bw_bits(b, zeros, 2);
	if (zeros == 1)
		bw_bits(b, 0, 4);
}

static int rows_hand(uint32_t damage, uint32_t row_len, uint32_t zeros, uint32_t values,
		     uint32_t top, uint32_t split, uint8_t *out, uint32_t len)
{
	static struct bw b;
	uint32_t i;

	rows_hand_start(&b, row_len, zeros);
	bw_bits(&b, values, 2);
	if (values)
		bw_bits(&b, top, 7);
	if (values == 2)
		bw_bits(&b, split, 7);
	bw_bits(&b, 0, 1);
	if (damage == 2)
		bw_rice(&b, 9, 0);
	for (i = 0; i < 8; i++) {
		if (zeros == 2)
			bw_bits(&b, 1, 1);	/* a value follows */
		bw_bits(&b, 0, values ? 1 : 8);
		if (values)
			bw_bits(&b, 0, 1);
	}
	bw_flush(&b);
	if (damage == 1)
		bw_byte(&b, 0);
	return decode_exact(b.buf, b.len - (damage == 3), out, len);
}

/*
 * A version 3 stream of one row of 8 by hand with palette values: the
 * zeros mode @zeros (0 none, 2 a bitmap of ones), one palette whose first
 * value is @first and whose next are 1 + @gap apart (@size values, k 0),
 * and the indices 1, 0, 1, 0, ... (the last one if @size is 1).
 */
static int rows_palette_hand(uint32_t zeros, int8_t first, uint32_t gap, uint32_t size,
			     uint8_t *out)
{
	static struct bw b;
	uint32_t i;

	rows_hand_start(&b, 8, zeros);
	bw_bits(&b, 3, 2);		/* palette values */
	bw_bits(&b, 0, 3);		/* one palette */
	bw_bits(&b, size - 1, 4);
	bw_bits(&b, (uint8_t)first, 8);
	bw_bits(&b, 0, 3);		/* k 0 */
	for (i = 1; i < size; i++)
		bw_rice(&b, gap, 0);
	bw_bits(&b, 0, 1);		/* no marks */
	for (i = 0; i < 8; i++) {
		if (zeros)
			bw_bits(&b, 1, 1);
	}
	/* the row's palette: no bits for one; indices below size */
	for (i = 0; i < 8; i++)
		bw_truncated(&b, size > 1 ? (i + 1) % 2 : 0, size);
	bw_flush(&b);
	return decode_exact(b.buf, b.len, out, 8);
}

START_TEST(wdec_hand_cases)
{
	uint8_t out[8];
	static struct bw b;

	/*
	 * Block of 8: palette {5, -3} at 1 bit, indices 0,1,1,0,0,0,1,0 =
	 * bits 0b01000110 = 0x46.
	 */
	{
		static const uint8_t body[] = { M_PALETTE | 1, 1, 5, 0xfd, 0x46 };
		static const int8_t expect[8] = { 5, -3, -3, 5, 5, 5, -3, 5 };

		ck_assert_int_eq(decode_hand(8, body, sizeof(body), out, 8), 0);
		ck_assert_mem_eq(out, expect, 8);
	}
	/*
	 * Bitmap 0b00100001: values at 0 and 5, Rice k=1 of zig-zag - 1:
	 * 7 (zz 14 -> 13 = q 6 r 1: 1111110 1) and -1 (zz 1 -> 0: 0 0).
	 * Bits LSB first: 0111111 1 0 0 -> 0x7f? q ones: 6 ones then 0 then
	 * r=1: bits 1,1,1,1,1,1,0,1 = 0xbf; then 0,0 = 0x00.
	 */
	{
		static const uint8_t body[] = { M_BITMAP | M_RICE | 1, 0x21, 0xbf, 0x00 };
		static const int8_t expect[8] = { 7, 0, 0, 0, 0, -1, 0, 0 };

		ck_assert_int_eq(decode_hand(8, body, sizeof(body), out, 8), 0);
		ck_assert_mem_eq(out, expect, 8);
	}
	/*
	 * Zero runs, k=2, values fixed 4 bits: run 3 (0 11), value -2 (1110),
	 * run 4 (10 00): 0,1,1, 0,1,1,1, 1,0,0,0 -> 0xb6? bits in order
	 * b0..: 0 1 1 0 1 1 1 1 | 0 0 0 ... -> 0xf6, 0x00.
	 */
	{
		static const uint8_t body[] = { M_RUNS | 4, 2, 0xf6, 0x00 };
		static const int8_t expect[8] = { 0, 0, 0, -2, 0, 0, 0, 0 };

		ck_assert_int_eq(decode_hand(8, body, sizeof(body), out, 8), 0);
		ck_assert_mem_eq(out, expect, 8);
	}
	/* Fixed width 0 without palette: all zeros, no bits. */
	ck_assert_int_eq(decode_hand(8, (const uint8_t[]){ 0 }, 1, out, 8), 0);
	/*
	 * Shared palettes (header byte 3 = 2): {5, -3} and {7, 1, 9}; blocks
	 * of 4 name them: block 0 palette 1 at 2 bits, indices 2,0,1,0 =
	 * 0b00010010 = 0x12; block 1 palette 0 at 1 bit, indices 1,1,0,1 =
	 * 0x0b; block 2 is no palette block (fixed width 0: zeros).
	 */
	{
		static const uint8_t stream[] = {
			NPU_WDEC_MAGIC0, NPU_WDEC_MAGIC1, NPU_WDEC_VERSION, 2, 4, 0, 0, 0,
			1, 5, 0xfd, 2, 7, 1, 9,
			M_PALETTE | 2, 1, 0x12, M_PALETTE | 1, 0, 0x0b, 0,
		};
		static const int8_t expect[12] = { 9, 7, 1, 7, -3, -3, 5, -3, 0, 0, 0, 0 };
		uint8_t bad[sizeof(stream)], out12[12];

		ck_assert_int_eq(decode_exact(stream, sizeof(stream), out12, 12), 0);
		ck_assert_mem_eq(out12, expect, 12);
		/* A palette index beyond the table; more palettes than allowed. */
		memcpy(bad, stream, sizeof(bad));
		bad[16] = 2;
		ck_assert_int_eq(decode_exact(bad, sizeof(bad), out12, 12), -NPU_FW_EINVAL);
		memcpy(bad, stream, sizeof(bad));
		bad[3] = NPU_WDEC_MAX_PALETTES + 1;
		ck_assert_int_eq(decode_exact(bad, sizeof(bad), out12, 12), -NPU_FW_EINVAL);
		/* The table running past the stream (cut inside it, and at its end). */
		ck_assert_int_eq(decode_exact(stream, 13, out12, 12), -NPU_FW_EINVAL);
		ck_assert_int_eq(decode_exact(stream, 15, out12, 12), -NPU_FW_EINVAL);
		/* A table of 3 where there are 2: the blocks' bytes read as one. */
		memcpy(bad, stream, sizeof(bad));
		bad[3] = 3;
		ck_assert_int_eq(decode_exact(bad, sizeof(bad), out12, 12), -NPU_FW_EINVAL);
	}

	/* Version 2 (packed blocks). */
	{
		/*
		 * Blocks of 4 at fixed width 2: block 0 a 0 bit and mode 0x02,
		 * values 1,-2,0,-1; block 1 a 1 bit (the same mode), values
		 * -2,1,1,0: bits 2, 9, 12, 15, 16, 17, 19, 20, 22 set.
		 */
		static const uint8_t stream[] = {
			NPU_WDEC_MAGIC0, NPU_WDEC_MAGIC1, NPU_WDEC_VERSION_PACKED, 0, 4, 0, 0, 0,
			0x04, 0x92, 0x5b, 0x00,
		};
		static const int8_t expect[8] = { 1, -2, 0, -1, -2, 1, 1, 0 };
		uint8_t bad[sizeof(stream) + 1];

		ck_assert_int_eq(decode_exact(stream, sizeof(stream), out, 8), 0);
		ck_assert_mem_eq(out, expect, 8);
		/* A byte after the last block; the first block repeating. */
		memcpy(bad, stream, sizeof(stream));
		bad[sizeof(stream)] = 0;
		ck_assert_int_eq(decode_exact(bad, sizeof(bad), out, 8), -NPU_FW_EINVAL);
		bad[8] = 0x05;
		ck_assert_int_eq(decode_exact(bad, sizeof(stream), out, 8), -NPU_FW_EINVAL);
		/*
		 * Version 1 reads the same bytes as other blocks: mode 0x04
		 * (width 4) and its 2 bytes, then mode 0x00 (zeros).
		 */
		memcpy(bad, stream, sizeof(stream));
		bad[2] = NPU_WDEC_VERSION;
		ck_assert_int_eq(decode_exact(bad, sizeof(stream), out, 8), 0);
		ck_assert_mem_eq(out, ((const int8_t[]){ 2, -7, -5, 5, 0, 0, 0, 0 }), 8);
	}
	{
		/*
		 * Shared palettes {5, -3} and {7, 1, 9}, blocks of 4: block 0
		 * mode 0x22 (palette, width 2), index 1 (one bit), indices
		 * 2,0,1,0; block 1 repeats, index 0, indices 1,1,0,1.
		 */
		static const uint8_t stream[] = {
			NPU_WDEC_MAGIC0, NPU_WDEC_MAGIC1, NPU_WDEC_VERSION_PACKED, 2, 4, 0, 0, 0,
			1, 5, 0xfd, 2, 7, 1, 9,
			0x44, 0x4a, 0x54, 0x04,
		};
		static const int8_t expect[8] = { 9, 7, 1, 7, -3, -3, 5, -3 };
		/* Three palettes (2-bit index): index 2 is {4}, index 3 none. */
		uint8_t three[] = {
			NPU_WDEC_MAGIC0, NPU_WDEC_MAGIC1, NPU_WDEC_VERSION_PACKED, 3, 1, 0, 0, 0,
			1, 5, 0xfd, 2, 7, 1, 9, 0, 4,
			0x40, 0x04,
		};

		ck_assert_int_eq(decode_exact(stream, sizeof(stream), out, 8), 0);
		ck_assert_mem_eq(out, expect, 8);
		ck_assert_int_eq(decode_exact(three, sizeof(three), out, 1), 0);
		ck_assert_uint_eq(out[0], 4);
		three[sizeof(three) - 1] = 0x06;
		ck_assert_int_eq(decode_exact(three, sizeof(three), out, 1), -NPU_FW_EINVAL);
	}
	{
		/* Rice from the top, k 0: r 0, sign 1 is -127. */
		static const uint8_t top[] = {
			NPU_WDEC_MAGIC0, NPU_WDEC_MAGIC1, NPU_WDEC_VERSION_PACKED, 0, 1, 0, 0, 0,
			0x30, 0x04,
		};
		/* k 7, r 127 (0): legal without zeros, not in a bitmap block. */
		static const uint8_t zero[] = {
			NPU_WDEC_MAGIC0, NPU_WDEC_MAGIC1, NPU_WDEC_VERSION_PACKED, 0, 1, 0, 0, 0,
			0x3e, 0xfc, 0x01,
		};
		static const uint8_t sparse[] = {
			NPU_WDEC_MAGIC0, NPU_WDEC_MAGIC1, NPU_WDEC_VERSION_PACKED, 0, 1, 0, 0, 0,
			0x3e, 0xfb, 0x03,
		};
		uint8_t bad[sizeof(top)];

		ck_assert_int_eq(decode_exact(top, sizeof(top), out, 1), 0);
		ck_assert_uint_eq(out[0], 0x81);
		ck_assert_int_eq(decode_exact(zero, sizeof(zero), out, 1), 0);
		ck_assert_uint_eq(out[0], 0);
		ck_assert_int_eq(decode_exact(sparse, sizeof(sparse), out, 1), -NPU_FW_EINVAL);
		/* From the top with a palette (mode 0x38), or in version 1. */
		memcpy(bad, top, sizeof(top));
		bad[8] = 0x70;
		ck_assert_int_eq(decode_exact(bad, sizeof(bad), out, 1), -NPU_FW_EINVAL);
		memcpy(bad, top, sizeof(top));
		bad[2] = NPU_WDEC_VERSION;
		bad[8] = M_RICE | 8;
		ck_assert_int_eq(decode_exact(bad, sizeof(bad), out, 1), -NPU_FW_EINVAL);
	}

	/* Each malformation is refused. */
	bw_header(&b, 8);
	b.buf[0] ^= 1;
	ck_assert_int_eq(decode_exact(b.buf, b.len + 0, NULL, 0), -NPU_FW_EINVAL);
	b.buf[0] ^= 1;
	b.buf[2] = NPU_WDEC_VERSION_PACKED + 1;	/* version */
	ck_assert_int_eq(decode_exact(b.buf, b.len, NULL, 0), -NPU_FW_EINVAL);
	/* Block size 0. */
	ck_assert_int_eq(decode_hand(0, (const uint8_t[]){ 0 }, 1, out, 8), -NPU_FW_EINVAL);
	/* Bytes after the last block. */
	ck_assert_int_eq(decode_hand(8, (const uint8_t[]){ 0, 0 }, 2, out, 8), -NPU_FW_EINVAL);
	/* Version 3: each malformation of the parameters and rows. */
	ck_assert_int_eq(rows_hand(0, 2, 0, 0, 0, 0, out, 8), 0);	/* 8 raw zeros */
	ck_assert_mem_eq(out, "\0\0\0\0\0\0\0\0", 8);
	ck_assert_int_eq(rows_hand(0, 3, 0, 0, 0, 0, out, 8), -NPU_FW_EINVAL);	/* L */
	ck_assert_int_eq(rows_hand(0, 16, 0, 0, 0, 0, out, 8), -NPU_FW_EINVAL);
	ck_assert_int_eq(rows_hand(0, 2, 3, 0, 0, 0, out, 8), -NPU_FW_EINVAL);	/* zeros */
	/* Palette values {-3, 5}: indices 1, 0, 1, ... */
	ck_assert_int_eq(rows_palette_hand(0, -3, 7, 2, out), 0);
	ck_assert_mem_eq(out, "\x05\xfd\x05\xfd\x05\xfd\x05\xfd", 8);
	/* {126, 127} ends at 127; a third value would pass it. */
	ck_assert_int_eq(rows_palette_hand(0, 126, 0, 2, out), 0);
	ck_assert_int_eq(rows_palette_hand(0, 126, 0, 3, out), -NPU_FW_EINVAL);
	ck_assert_int_eq(rows_palette_hand(0, 120, 7, 2, out), -NPU_FW_EINVAL);
	/* A sparse row's palette value 0 (index 0 of {0, 1}) is refused. */
	ck_assert_int_eq(rows_palette_hand(2, 0, 0, 2, out), -NPU_FW_EINVAL);
	ck_assert_int_eq(rows_palette_hand(2, 1, 0, 2, out), 0);
	ck_assert_int_eq(rows_hand(0, 2, 0, 2, 5, 0, out, 8), -NPU_FW_EINVAL);	/* split 0 */
	ck_assert_int_eq(rows_hand(0, 2, 0, 2, 5, 6, out, 8), -NPU_FW_EINVAL);	/* > top */
	ck_assert_int_eq(rows_hand(0, 2, 2, 0, 0, 0, out, 8), -NPU_FW_EINVAL);	/* raw 0 */
	ck_assert_int_eq(rows_hand(1, 2, 0, 0, 0, 0, out, 8), -NPU_FW_EINVAL);	/* after */
	ck_assert_int_eq(rows_hand(2, 2, 1, 0, 0, 0, out, 8), -NPU_FW_EINVAL);	/* run 9 */
	ck_assert_int_eq(rows_hand(3, 2, 0, 0, 0, 0, out, 8), -NPU_FW_EINVAL);	/* short */
	ck_assert_int_eq(rows_hand(0, 2, 0, 0, 0, 0, out, 0), -NPU_FW_EINVAL);	/* empty */

	/* Both sparse modes; fixed width 9; Rice k 8; run k 16. */
	ck_assert_int_eq(decode_hand(8, (const uint8_t[]){ 0xc0 }, 1, out, 8), -NPU_FW_EINVAL);
	ck_assert_int_eq(decode_hand(8, (const uint8_t[]){ 9, 0, 0, 0, 0, 0, 0, 0, 0, 0 },
				     10, out, 8), -NPU_FW_EINVAL);
	ck_assert_int_eq(decode_hand(8, (const uint8_t[]){ M_RICE | 8, 0 }, 2, out, 8),
			 -NPU_FW_EINVAL);
	ck_assert_int_eq(decode_hand(8, (const uint8_t[]){ M_RUNS, 16, 0 }, 3, out, 8),
			 -NPU_FW_EINVAL);
	/* Palette of 3 at 2 bits: index 3 is beyond it. */
	ck_assert_int_eq(decode_hand(1, (const uint8_t[]){ M_PALETTE | 2, 2, 1, 2, 3, 3 },
				     6, out, 1), -NPU_FW_EINVAL);
	/* Palette running past the stream. */
	ck_assert_int_eq(decode_hand(1, (const uint8_t[]){ M_PALETTE, 200, 1 }, 3, out, 1),
			 -NPU_FW_EINVAL);
	/* Rice quotient beyond any int8 symbol (k 0: 256 ones). */
	{
		uint8_t body[40];

		memset(body, 0xff, sizeof(body));
		body[0] = M_RICE;
		ck_assert_int_eq(decode_hand(1, body, sizeof(body), out, 1), -NPU_FW_EINVAL);
	}
	/* A zero run past the block's end (run 9 of 8, k 0: nine ones). */
	ck_assert_int_eq(decode_hand(8, (const uint8_t[]){ M_RUNS, 0, 0xff, 0x01 }, 4, out, 8),
			 -NPU_FW_EINVAL);
}
END_TEST

/* The conv job of test_run.c with its filter {1,0,0,1,1,1,1,1} encoded. */
static uint32_t cs_buf[256];

/*
 * @encoded 2: the encoded filter DMA'd into SRAM first (as the compiler's
 * prefetch), the conv reading it there.
 */
static uint32_t conv_job(struct vmem *m, const uint8_t *w, uint32_t w_len, int encoded)
{
	struct npu_conv_params c = { 0 };
	struct npu_cs_writer cw;

	fw_test_hand_conv(&c, VA_IN, VA_W, VA_OUT, VA_BIAS, VA_MULT, VA_SHIFT);
	if (encoded) {
		c.filter.encoding = NPU_WEIGHTS_NPW1;
		c.filter.encoded_bytes = w_len;
	}
	npu_cs_init(&cw, cs_buf, sizeof(cs_buf));
	if (encoded == 2) {
		/* At the window's end: only the encoded bytes fit there. */
		struct npu_dma_params d = {
			.src = VA_W, .dst = NPU_SRAM_VA + NPU_HW_SRAM_SIZE - w_len,
			.extent = { 1, 1, 1, w_len },
		};

		npu_cs_emit(&cw, NPU_CMD_DMA, &d);
		c.filter.addr = d.dst;
	}
	npu_cs_emit(&cw, NPU_CMD_CONV_2D, &c);
	vmem_hand_conv_job(m, cs_buf, npu_cs_bytes(&cw), w, w_len, 1);
	return npu_cs_bytes(&cw);
}

START_TEST(wdec_conv_on_the_device)
{
	static const uint8_t raw[8] = { 1, 0, 0, 1, 1, 1, 1, 1 };
	static const int8_t expect[8] = { 57, 3, 56, 3, 57, 8, 57, 3 };
	/* One block of 8: bitmap 0b11111001, values 1 at fixed width 2. */
	static struct bw b;
	struct vmem m = { 0 };
	struct npu_fw_env env = vmem_env(&m);
	struct npu_fw_result res, res_raw;
	struct npu_fw_cost cost = { 0 }, cost_raw = { 0 };
	struct npu_fw_weight_bytes wb = { 0 };
	uint32_t size, raw_size, i;
	int8_t out[8];

	bw_header(&b, 8);
	bw_byte(&b, M_BITMAP | 2);
	bw_byte(&b, 0xf9);
	for (i = 0; i < 6; i++)
		bw_bits(&b, 1, 2);
	bw_flush(&b);
	ck_assert_uint_eq(b.len, 8 + 2 + 2);

	size = conv_job(&m, raw, sizeof(raw), 0);
	ck_assert_int_eq(npu_fw_run(&env, VA_CS, size, &res_raw), 0);
	ck_assert_int_eq(npu_fw_estimate_stream(NULL, cs_buf, size, &cost_raw), 0);
	ck_assert_uint_eq(npu_fw_stream_features(cs_buf, size) & NPU_FW_FEAT_WDEC, 0);
	vmem_free(&m);

	size = conv_job(&m, b.buf, b.len, 1);
	ck_assert_uint_eq(npu_fw_stream_features(cs_buf, size) & NPU_FW_FEAT_WDEC,
			  NPU_FW_FEAT_WDEC);
	npu_fw_stream_weights(cs_buf, size, &wb);
	ck_assert_uint_eq(wb.filter_bytes, 8);
	ck_assert_uint_eq(wb.read_bytes, 12);
	ck_assert_uint_eq(wb.encoded_filter_bytes, 8);
	env = vmem_env(&m);
	ck_assert_int_eq(npu_fw_run(&env, VA_CS, size, &res), 0);
	ck_assert_uint_eq(res.status, NPU_JOB_OK);
	vmem_peek(&m, VA_OUT, out, 8);
	ck_assert_mem_eq(out, expect, 8);
	/* The DMA reads the encoded bytes; the model charges them. */
	ck_assert_uint_eq(res.dram_read_bytes, res_raw.dram_read_bytes + 12 - 8);
	ck_assert_int_eq(npu_fw_estimate_stream(NULL, cs_buf, size, &cost), 0);
	ck_assert_uint_eq(cost.dram_read_bytes, cost_raw.dram_read_bytes + 12 - 8);
	ck_assert_uint_eq(res.cycles, cost.cycles);
	ck_assert_uint_eq(m.allocs, m.frees);

	/* Hostile encoded bytes (a palette index past its palette) end the job. */
	vmem_poke(&m, VA_W + 8, (const uint8_t[]){ M_PALETTE | 3 }, 1);
	ck_assert_int_eq(npu_fw_run(&env, VA_CS, size, &res), -NPU_FW_EINVAL);
	ck_assert_uint_eq(res.status, NPU_JOB_ERR_BAD_STREAM);
	ck_assert_ptr_nonnull(res.reason);
	ck_assert_uint_eq(m.allocs, m.frees);
	vmem_free(&m);

	/* Version 3: one row of 8, a bit per position, raw values (11 bytes). */
	{
		uint8_t data[8], marks[8] = { 0 };
		const struct rows_gen g = { .len = 8, .rows = 1, .zeros = 2, .data = data,
					    .marked = marks };

		memcpy(data, raw, sizeof(raw));
		memset(&b, 0, sizeof(b));
		rows_write(&b, &g);
		ck_assert_uint_eq(b.len, 2 + 9);
		size = conv_job(&m, b.buf, b.len, 1);
		env = vmem_env(&m);
		ck_assert_int_eq(npu_fw_run(&env, VA_CS, size, &res), 0);
		ck_assert_uint_eq(res.status, NPU_JOB_OK);
		vmem_peek(&m, VA_OUT, out, 8);
		ck_assert_mem_eq(out, expect, 8);
		ck_assert_uint_eq(res.dram_read_bytes, res_raw.dram_read_bytes + 11 - 8);
		/* The same decode rate as version 2: only the bytes read differ. */
		memset(&cost, 0, sizeof(cost));
		ck_assert_int_eq(npu_fw_estimate_stream(NULL, cs_buf, size, &cost), 0);
		ck_assert_uint_eq(res.cycles, cost.cycles);
		/* A row length that does not divide the filter ends the job. */
		vmem_poke(&m, VA_W + 2, (const uint8_t[]){ 0x0c }, 1);	/* L = 3 */
		ck_assert_int_eq(npu_fw_run(&env, VA_CS, size, &res), -NPU_FW_EINVAL);
		ck_assert_uint_eq(res.status, NPU_JOB_ERR_BAD_STREAM);
		ck_assert_ptr_nonnull(res.reason);
		ck_assert_uint_eq(m.allocs, m.frees);
		vmem_free(&m);
		memset(&b, 0, sizeof(b));
		bw_header(&b, 8);
		bw_byte(&b, M_BITMAP | 2);
		bw_byte(&b, 0xf9);
		for (i = 0; i < 6; i++)
			bw_bits(&b, 1, 2);
		bw_flush(&b);
	}

	/*
	 * Prefetched: the DMA moves the 12 encoded bytes into SRAM (its DRAM
	 * charge), the conv decodes them there and reads no filter from DRAM.
	 */
	raw_size = size;
	size = conv_job(&m, b.buf, b.len, 2);
	ck_assert_uint_eq(npu_fw_stream_features(cs_buf, size) &
			  (NPU_FW_FEAT_WDEC | NPU_FW_FEAT_SRAM),
			  NPU_FW_FEAT_WDEC | NPU_FW_FEAT_SRAM);
	ck_assert_int_eq(npu_fw_validate(cs_buf, size, NULL, NULL, NULL), 0);
	env = vmem_env(&m);
	ck_assert_int_eq(npu_fw_run(&env, VA_CS, size, &res), 0);
	ck_assert_uint_eq(res.status, NPU_JOB_OK);
	vmem_peek(&m, VA_OUT, out, 8);
	ck_assert_mem_eq(out, expect, 8);
	/* The stream is read too: the DMA command's bytes more. */
	ck_assert_uint_eq(res.dram_read_bytes, res_raw.dram_read_bytes + 12 - 8 + size - raw_size);
	memset(&cost, 0, sizeof(cost));
	ck_assert_int_eq(npu_fw_estimate_stream(NULL, cs_buf, size, &cost), 0);
	/* The model charges a DMA's DRAM side in whole bursts. */
	ck_assert_uint_eq(cost.dram_read_bytes,
			  cost_raw.dram_read_bytes - 8 +
			  (12 + NPU_HW_DRAM_BURST - 1) / NPU_HW_DRAM_BURST * NPU_HW_DRAM_BURST);
	ck_assert_uint_eq(cost.sram_write_bytes, 12);	/* the DMA's SRAM side */
	ck_assert_uint_eq(cost.sram_read_bytes, 12);	/* the conv's filter */
	ck_assert_uint_eq(m.allocs, m.frees);
	vmem_free(&m);
}
END_TEST

START_TEST(wdec_validator)
{
	struct vmem m = { 0 };
	struct npu_conv_params c;
	struct npu_fc_params f = { 0 };
	static const uint8_t raw[8] = { 1, 0, 0, 1, 1, 1, 1, 1 };

	conv_job(&m, raw, sizeof(raw), 0);
	memcpy(&c, (const uint8_t *)cs_buf + 4 + 8 + 4, sizeof(c));
	vmem_free(&m);
	CHECK_OK(NPU_CMD_CONV_2D, &c);
	c.filter.encoding = NPU_WEIGHTS_NPW1;
	c.filter.encoded_bytes = NPU_WDEC_MIN_BYTES;
	CHECK_OK(NPU_CMD_CONV_2D, &c);
	/* Shorter than any header, beyond the operand limit, unknown. */
	c.filter.encoded_bytes = NPU_WDEC_MIN_BYTES - 1;
	CHECK_BAD(NPU_CMD_CONV_2D, &c);
	c.filter.encoded_bytes = NPU_LIMIT_TENSOR_BYTES + 1;
	CHECK_BAD(NPU_CMD_CONV_2D, &c);
	c.filter.encoded_bytes = 64;
	c.filter.encoding = 2;
	CHECK_BAD(NPU_CMD_CONV_2D, &c);
	/* A length on raw weights; an encoding on any other operand. */
	c.filter.encoding = NPU_WEIGHTS_RAW;
	CHECK_BAD(NPU_CMD_CONV_2D, &c);
	c.filter.encoded_bytes = 0;
	c.input.encoding = NPU_WEIGHTS_NPW1;
	c.input.encoded_bytes = 64;
	CHECK_BAD(NPU_CMD_CONV_2D, &c);
	c.input.encoding = NPU_WEIGHTS_RAW;
	c.input.encoded_bytes = 0;
	c.output.encoding = NPU_WEIGHTS_NPW1;
	CHECK_BAD(NPU_CMD_CONV_2D, &c);
	c.output.encoding = NPU_WEIGHTS_RAW;
	/* In SRAM, the encoded bytes must lie in the window, not the decoded. */
	c.filter.encoding = NPU_WEIGHTS_NPW1;
	c.filter.encoded_bytes = NPU_WDEC_HDR_BYTES;
	c.filter.addr = NPU_SRAM_VA + NPU_HW_SRAM_SIZE - NPU_WDEC_HDR_BYTES;
	CHECK_OK(NPU_CMD_CONV_2D, &c);
	c.filter.encoded_bytes = NPU_WDEC_HDR_BYTES + 1;
	CHECK_BAD(NPU_CMD_CONV_2D, &c);

	/* FULLY_CONNECTED takes an encoded filter too. */
	TENSOR(&f.input, 0x1000, NPU_DTYPE_INT8, 0, 1, 4);
	TENSOR(&f.filter, 0x2000, NPU_DTYPE_INT8, 0, 3, 4);
	TENSOR(&f.output, 0x3000, NPU_DTYPE_INT8, 0, 1, 3);
	f.rq.multiplier = 1 << 30;
	f.act_min = -128;
	f.act_max = 127;
	CHECK_OK(NPU_CMD_FULLY_CONNECTED, &f);
	f.filter.encoding = NPU_WEIGHTS_NPW1;
	f.filter.encoded_bytes = 20;
	CHECK_OK(NPU_CMD_FULLY_CONNECTED, &f);
	ck_assert_uint_eq(npu_fw_cmd_features(NPU_CMD_FULLY_CONNECTED) & NPU_FW_FEAT_WDEC, 0);
}
END_TEST

Suite *suite_wdec(void)
{
	Suite *s = suite_create("wdec");
	TCase *tc = tcase_create("wdec");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, wdec_random_round_trip);
	tcase_add_test(tc, wdec_truncated_and_corrupted);
	tcase_add_test(tc, wdec_hand_cases);
	tcase_add_test(tc, wdec_conv_on_the_device);
	tcase_add_test(tc, wdec_validator);
	suite_add_tcase(s, tc);
	return s;
}
