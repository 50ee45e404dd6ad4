// SPDX-License-Identifier: MIT
/*
 * Version 3 of the weight decoder's format, rows (firmware/fw_wdec.c,
 * NPU_WDEC_VERSION_ROWS; Documentation/hardware.rst, "Weight
 * compression"): the encoder.  A filter is cut into rows, one output
 * channel each (a depthwise filter's channels are innermost: its rows are
 * transposed), coded with one set of parameters for the whole stream, the
 * cheapest by exact size of:
 *   - zeros: none, a bit per position, or Rice-coded zero runs;
 *   - the row's +-127 by its position among the non-zero elements (per-
 *     channel quantization gives every channel one), or not;
 *   - values: raw bytes, or 127 - |v| in a truncated binary code below
 *     the stream's largest, then a sign bit (magnitude-pruned weights keep
 *     the large magnitudes, roughly uniform above the channel's threshold);
 *     or (firmware 1.10.0) an index into the row's palette, one of up to 8
 *     of up to 16 ascending values (clustered weights).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "compiler_internal.h"
#include "npu_fw.h"

#define ZERO_NONE	0u
#define ZERO_RUNS	1u
#define ZERO_BITMAP	2u
#define VALUE_RAW	0u
#define VALUE_TOP	1u
#define VALUE_SPLIT	2u
#define VALUE_PALETTE	3u
#define MAX_RUN_K	15u
#define PAL_VALUES	NPU_WDEC_ROWS_PALETTE_VALUES
#define SHORT_RUNS	256u

/*
 * Palette values (firmware 1.10.0): at most NPU_WDEC_ROWS_PALETTES (8)
 * palettes of at most 16 values, ascending, each row naming one; clustered filters
 * quantized per channel have a few such value sets (the channels whose
 * largest centroid is the same share one).
 */
struct rows_palettes {
	uint32_t count;
	uint32_t size[NPU_WDEC_ROWS_PALETTES];
	uint32_t gap_k[NPU_WDEC_ROWS_PALETTES];
	uint8_t value[NPU_WDEC_ROWS_PALETTES][PAL_VALUES];	/* ascending as int8 */
	uint8_t index[NPU_WDEC_ROWS_PALETTES][256];
	uint64_t set[NPU_WDEC_ROWS_PALETTES][4];
	uint8_t *of_row;	/* per row, its palette */
	uint64_t (*row_set)[4];	/* per row, its coded values */
	uint32_t *row_values;	/* per row, how many */
};

struct rows_code {
	uint32_t zeros, run_k, values, top_max, split, maxpos;
	uint64_t bits;
	bool have_palettes;
	struct rows_palettes pal;	/* VALUE_PALETTE */
};

struct rows_layout {
	const uint8_t *w;
	uint32_t len, row_len, rows;
	bool transposed;
};

static uint8_t at(const struct rows_layout *l, uint32_t row, uint32_t j)
{
	return l->w[l->transposed ? (uint64_t)j * l->rows + row : (uint64_t)row * l->row_len + j];
}

/* 0 for 0; every value's code length goes through it (compile time) */
static uint32_t floor_log2(uint32_t n)
{
	return n ? 31u - (uint32_t)__builtin_clz(n) : 0;
}

/* Bits of value @v's truncated binary code below @n (fw_wdec.c). */
static uint32_t truncated_bits(uint32_t v, uint32_t n)
{
	const uint32_t k = floor_log2(n);

	return v < (2u << k) - n ? k : k + 1;
}

static uint32_t gamma_bits(uint32_t v)
{
	return 2 * floor_log2(v) + 1;
}

static uint64_t rice_bits(uint32_t v, uint32_t k)
{
	return (v >> k) + 1u + k;
}

/* The row's marked +-127: the first, or @row_len if none. */
static uint32_t row_mark(const struct rows_layout *l, uint32_t row)
{
	for (uint32_t j = 0; j < l->row_len; j++) {
		const int8_t v = (int8_t)at(l, row, j);

		if (v == 127 || v == -127)
			return j;
	}
	return l->row_len;
}

static void set_code(struct rows_code *c, uint64_t bits, uint32_t zeros, uint32_t run_k,
		     uint32_t values, uint32_t top_max, uint32_t split, uint32_t maxpos)
{
	c->bits = bits;
	c->zeros = zeros;
	c->run_k = run_k;
	c->values = values;
	c->top_max = top_max;
	c->split = split;
	c->maxpos = maxpos;
}

static uint32_t bit_count(const uint64_t set[4])
{
	uint32_t n = 0;

	for (uint32_t q = 0; q < 4; q++)
		for (uint64_t x = set[q]; x; x &= x - 1)
			n++;
	return n;
}

static uint64_t rice_min(const uint32_t *gap, uint32_t n, uint32_t *k_best)
{
	uint64_t best = UINT64_MAX;

	for (uint32_t k = 0; k < 8; k++) {
		uint64_t bits = 0;

		for (uint32_t i = 0; i < n; i++)
			bits += rice_bits(gap[i], k);
		if (bits < best) {
			best = bits;
			*k_best = k;
		}
	}
	return best;
}

/*
 * The palettes of the rows' coded values (without zeros when @zeros, and
 * the marks when @maxpos) and the bits of the table and of the rows' codes
 * over them, or UINT64_MAX if they need more than NPU_WDEC_ROWS_PALETTES.
 * Rows merge greedily, the largest value sets first (wcompress.c
 * make_families() does the same for version 2).
 */
static uint64_t palette_bits(const struct rows_layout *l, uint32_t zeros, uint32_t maxpos,
			     struct rows_palettes *pal)
{
	uint64_t bits = 3;	/* S - 1 */

	pal->count = 0;
	memset(pal->set, 0, sizeof(pal->set));
	for (uint32_t r = 0; r < l->rows; r++) {
		const uint32_t mark = maxpos ? row_mark(l, r) : l->row_len;
		uint64_t *set = pal->row_set[r];

		memset(set, 0, sizeof(pal->row_set[r]));
		for (uint32_t j = 0; j < l->row_len; j++) {
			const uint8_t v = at(l, r, j);

			if ((zeros != ZERO_NONE && !v) || j == mark)
				continue;
			set[v >> 6] |= 1ull << (v & 63);
		}
		pal->row_values[r] = bit_count(set);
		if (pal->row_values[r] > PAL_VALUES)
			return UINT64_MAX;
	}
	for (uint32_t want = PAL_VALUES + 1; want-- > 0;) {
		for (uint32_t r = 0; r < l->rows; r++) {
			const uint64_t *set = pal->row_set[r];
			uint32_t f;

			if (pal->row_values[r] != want)
				continue;
			/* the palette it grows least (ties: the first), else a new one */
			uint32_t grow = PAL_VALUES + 1;

			for (uint32_t g = 0; g < pal->count; g++) {
				uint64_t u[4];
				uint32_t n;

				for (uint32_t q = 0; q < 4; q++)
					u[q] = pal->set[g][q] | set[q];
				n = bit_count(u);
				if (n <= PAL_VALUES && n - bit_count(pal->set[g]) < grow) {
					grow = n - bit_count(pal->set[g]);
					f = g;
				}
			}
			if (grow > PAL_VALUES)
				f = pal->count;
			if (f == NPU_WDEC_ROWS_PALETTES)
				return UINT64_MAX;
			pal->count += f == pal->count;
			for (uint32_t q = 0; q < 4; q++)
				pal->set[f][q] |= set[q];
			pal->of_row[r] = (uint8_t)f;
		}
	}
	for (uint32_t f = 0; f < pal->count; f++) {
		uint32_t n = 0, gap[PAL_VALUES];

		if (!bit_count(pal->set[f]))
			pal->set[f][0] = 1;	/* rows without coded values: any palette */
		for (int32_t s = -128; s < 128; s++) {
			const uint8_t v = (uint8_t)s;

			if (!(pal->set[f][v >> 6] & (1ull << (v & 63))))
				continue;
			if (n)
				gap[n - 1] = (uint32_t)(s - (int8_t)pal->value[f][n - 1] - 1);
			pal->index[f][v] = (uint8_t)n;
			pal->value[f][n++] = v;
		}
		pal->size[f] = n;
		/* P - 1, the first value, k, then the gaps less one by Rice(k) */
		bits += 4 + 8 + 3 + rice_min(gap, n - 1, &pal->gap_k[f]);
	}
	for (uint32_t r = 0; r < l->rows; r++) {
		const uint32_t mark = maxpos ? row_mark(l, r) : l->row_len, f = pal->of_row[r];

		bits += truncated_bits(f, pal->count);
		for (uint32_t j = 0; j < l->row_len; j++) {
			const uint8_t v = at(l, r, j);

			if ((zeros != ZERO_NONE && !v) || j == mark)
				continue;
			bits += truncated_bits(pal->index[f][v], pal->size[f]);
		}
	}
	return bits;
}

/*
 * The cheapest combination by exact size (raw values without zeros or
 * marks code any filter).
 */
static void rows_choose(const struct rows_layout *l, struct rows_palettes *tmp,
			struct rows_code *best)
{
	uint64_t run_bits[MAX_RUN_K + 1] = { 0 }, bitmap_bits = 0;
	/* how many runs of each short length: priced once per length (compile time) */
	uint64_t short_runs[SHORT_RUNS] = { 0 };
	uint32_t run = 0;

	/* Zero runs before each non-zero element, rows in turn, and the last. */
	for (uint32_t r = 0; r < l->rows; r++) {
		for (uint32_t j = 0; j < l->row_len; j++) {
			if (!at(l, r, j)) {
				run++;
				continue;
			}
			if (run < SHORT_RUNS)
				short_runs[run]++;
			else
				for (uint32_t k = 0; k <= MAX_RUN_K; k++)
					run_bits[k] += rice_bits(run, k);
			run = 0;
		}
		bitmap_bits += l->row_len;
	}
	if (run)
		for (uint32_t k = 0; k <= MAX_RUN_K; k++)
			run_bits[k] += rice_bits(run, k);
	for (uint32_t n = 0; n < SHORT_RUNS; n++)
		for (uint32_t k = 0; short_runs[n] && k <= MAX_RUN_K; k++)
			run_bits[k] += short_runs[n] * rice_bits(n, k);
	best->bits = UINT64_MAX;
	for (uint32_t zeros = ZERO_NONE; zeros <= ZERO_BITMAP; zeros++) {
		for (uint32_t maxpos = 0; maxpos <= 1; maxpos++) {
			uint64_t count[256] = { 0 }, mark_bits = 0, zero_bits = 0, coded = 0;
			uint32_t run_k = 0, top_max = 0;
			bool top_ok = true;

			for (uint32_t r = 0; r < l->rows; r++) {
				const uint32_t mark = maxpos ? row_mark(l, r) : l->row_len;
				uint32_t n = 0, idx = 0;

				for (uint32_t j = 0; j < l->row_len; j++) {
					const uint8_t v = at(l, r, j);

					if (zeros != ZERO_NONE && !v)
						continue;
					idx += j < mark;
					n++;
					if (j != mark)
						count[v]++;
				}
				/* the mark's index among the row's n coded values and
				 * its sign, or n: none */
				if (maxpos)
					mark_bits += truncated_bits(idx, n + 1) + (idx < n);
			}
			if (zeros == ZERO_RUNS) {
				zero_bits = UINT64_MAX;
				for (uint32_t k = 0; k <= MAX_RUN_K; k++)
					if (run_bits[k] < zero_bits) {
						zero_bits = run_bits[k];
						run_k = k;
					}
				zero_bits += 4;
			} else if (zeros == ZERO_BITMAP) {
				zero_bits = bitmap_bits;
			}
			for (uint32_t v = 0; v < 256; v++) {
				coded += count[v];
				if (!count[v])
					continue;
				if (v == 0x80)
					top_ok = false;
				else if (127u - (uint32_t)abs((int8_t)v) > top_max)
					top_max = 127u - (uint32_t)abs((int8_t)v);
			}
			/* transposed, L, zeros, values, maxpos */
			const uint64_t base = 1 + gamma_bits(l->row_len) + 2 + 2 + 1 + zero_bits +
					      mark_bits;
			uint64_t top[128] = { 0 };

			for (uint32_t v = 0; v < 256; v++)
				if (count[v] && v != 0x80)
					top[127u - (uint32_t)abs((int8_t)v)] += count[v];
			/* split 0: plain top codes; else below or from the split */
			for (uint32_t split = 0; top_ok && split <= top_max; split++) {
				uint64_t bits = base + 7 + (split ? 7 : 0) + coded;

				for (uint32_t t = 0; t <= top_max; t++)
					bits += top[t] * (!split ? truncated_bits(t, top_max + 1) :
							  1 + (t < split ? truncated_bits(t, split) :
							       truncated_bits(t - split,
									      top_max + 1 - split)));
				if (bits < best->bits)
					set_code(best, bits, zeros, run_k,
						 split ? VALUE_SPLIT : VALUE_TOP, top_max, split, maxpos);
			}
			if (base + 8 * coded < best->bits)
				set_code(best, base + 8 * coded, zeros, run_k, VALUE_RAW, 0, 0, maxpos);
			if (!best->have_palettes)
				continue;
			const uint64_t pbits = palette_bits(l, zeros, maxpos, tmp);

			if (pbits != UINT64_MAX && base + pbits < best->bits) {
				uint8_t *of_row = best->pal.of_row;

				set_code(best, base + pbits, zeros, run_k, VALUE_PALETTE, 0, 0, maxpos);
				memcpy(of_row, tmp->of_row, l->rows);
				best->pal = *tmp;
				best->pal.of_row = of_row;
			}
		}
	}
}

/* ---- emission: LSB-first, as fw_wdec.c reads ---- */

struct rows_out {
	uint8_t *data;
	size_t len;
	uint64_t acc;
	uint32_t nbits;
};

static void put_bits(struct rows_out *o, uint32_t v, uint32_t n)
{
	o->acc |= (uint64_t)v << o->nbits;
	o->nbits += n;
	while (o->nbits >= 8) {
		o->data[o->len++] = (uint8_t)o->acc;
		o->acc >>= 8;
		o->nbits -= 8;
	}
}

static void put_long(struct rows_out *o, uint32_t v, uint32_t n)
{
	if (n > 16) {
		put_bits(o, v & 0xffffu, 16);
		put_bits(o, v >> 16, n - 16);
	} else {
		put_bits(o, v, n);
	}
}

static void put_gamma(struct rows_out *o, uint32_t v)
{
	const uint32_t z = floor_log2(v);

	put_long(o, 1u << z, z + 1);	/* z zeros, then the one */
	put_long(o, v & ((1u << z) - 1), z);
}

static void put_truncated(struct rows_out *o, uint32_t v, uint32_t n)
{
	const uint32_t k = floor_log2(n), u = (2u << k) - n;

	if (v < u) {
		put_long(o, v, k);
	} else {
		put_long(o, (v + u) >> 1, k);
		put_bits(o, (v + u) & 1, 1);
	}
}

static void put_rice(struct rows_out *o, uint32_t v, uint32_t k)
{
	for (uint32_t q = v >> k; q; q--)
		put_bits(o, 1, 1);
	put_bits(o, 0, 1);
	put_bits(o, v & ((1u << k) - 1), k);
}

/*
 * Zero runs, as fw_wdec.c reads them: each where it starts (after a
 * non-zero element, or first), its length to the next non-zero element or
 * the end, across rows.
 */
struct run_state {
	bool need_run;
	uint32_t run_left;
};

static void emit_run(struct rows_out *o, const struct rows_layout *l, const struct rows_code *c,
		     struct run_state *rs, uint32_t r, uint32_t j)
{
	uint32_t run = 0;

	for (uint32_t rr = r, jj = j; rr < l->rows; rr++, jj = 0) {
		while (jj < l->row_len && !at(l, rr, jj)) {
			run++;
			jj++;
		}
		if (jj < l->row_len)
			break;
	}
	put_rice(o, run, c->run_k);
	rs->run_left = run;
	rs->need_run = false;
}

static void emit_row(struct rows_out *o, const struct rows_layout *l, const struct rows_code *c,
		     struct run_state *rs, uint32_t r)
{
	const uint32_t mark = c->maxpos ? row_mark(l, r) : l->row_len;
	uint32_t n = 0, idx = 0;

	for (uint32_t j = 0; j < l->row_len; j++) {
		const uint8_t v = at(l, r, j);

		if (c->zeros == ZERO_BITMAP)
			put_bits(o, v != 0, 1);
		if (c->zeros == ZERO_RUNS) {
			if (rs->need_run)
				emit_run(o, l, c, rs, r, j);
			if (rs->run_left) {
				rs->run_left--;
				continue;
			}
			rs->need_run = true;
		}
		if (c->zeros != ZERO_NONE && !v)
			continue;
		idx += j < mark;
		n++;
	}
	if (c->maxpos) {
		put_truncated(o, idx, n + 1);
		if (idx < n)
			put_bits(o, (int8_t)at(l, r, mark) < 0, 1);
	}
	if (c->values == VALUE_PALETTE)
		put_truncated(o, c->pal.of_row[r], c->pal.count);
	for (uint32_t j = 0; j < l->row_len; j++) {
		const uint8_t v = at(l, r, j);

		if ((c->zeros != ZERO_NONE && !v) || j == mark)
			continue;
		const uint32_t t = 127u - (uint32_t)abs((int8_t)v);

		if (c->values == VALUE_PALETTE) {
			const uint32_t f = c->pal.of_row[r];

			put_truncated(o, c->pal.index[f][v], c->pal.size[f]);
			continue;
		}
		if (c->values == VALUE_RAW) {
			put_bits(o, v, 8);
			continue;
		}
		if (c->values == VALUE_TOP) {
			put_truncated(o, t, c->top_max + 1);
		} else if (t < c->split) {
			put_bits(o, 0, 1);
			put_truncated(o, t, c->split);
		} else {
			put_bits(o, 1, 1);
			put_truncated(o, t - c->split, c->top_max + 1 - c->split);
		}
		put_bits(o, (int8_t)v < 0, 1);
	}
}

/* The palette table (VALUE_PALETTE): S - 1, then each palette's P - 1, first value, k and gaps. */
static void emit_palettes(struct rows_out *o, const struct rows_palettes *pal)
{
	put_bits(o, pal->count - 1, 3);
	for (uint32_t f = 0; f < pal->count; f++) {
		put_bits(o, pal->size[f] - 1, 4);
		put_bits(o, pal->value[f][0], 8);
		put_bits(o, pal->gap_k[f], 3);
		for (uint32_t i = 1; i < pal->size[f]; i++)
			put_rice(o, (uint32_t)((int8_t)pal->value[f][i] -
					       (int8_t)pal->value[f][i - 1] - 1), pal->gap_k[f]);
	}
}

int npu_wcompress_rows(const uint8_t *w, uint32_t len, uint32_t row_len, bool transposed,
		       uint8_t **out, uint32_t *out_len)
{
	const struct rows_layout l = {
		.w = w, .len = len, .row_len = row_len, .rows = row_len ? len / row_len : 0,
		.transposed = transposed,
	};
	struct rows_code *c = calloc(1, sizeof(*c));
	struct rows_palettes *tmp = calloc(1, sizeof(*tmp));
	struct rows_out o = { 0 };
	struct run_state rs = { .need_run = true };
	uint64_t cap;
	int ret = -ENOMEM;

	*out = NULL;
	*out_len = 0;
	if (!len || !row_len || len % row_len) {
		ret = -EINVAL;
		goto out;
	}
	if (!c || !tmp)
		goto out;
	tmp->of_row = malloc(l.rows);
	tmp->row_set = malloc(l.rows * sizeof(*tmp->row_set));
	tmp->row_values = malloc(l.rows * sizeof(*tmp->row_values));
	c->pal.of_row = malloc(l.rows);
	c->have_palettes = tmp->of_row && tmp->row_set && tmp->row_values && c->pal.of_row;
	if (!c->have_palettes)
		goto out;
	rows_choose(&l, tmp, c);
	cap = NPU_WDEC_MIN_BYTES + c->bits / 8 + 2;
	if (cap > UINT32_MAX) {
		ret = -E2BIG;
		goto out;
	}
	o.data = malloc(cap);
	if (!o.data)
		goto out;
	o.data[o.len++] = NPU_WDEC_MAGIC0;
	o.data[o.len++] = NPU_WDEC_VERSION_ROWS;
	put_bits(&o, transposed, 1);
	put_gamma(&o, row_len);
	put_bits(&o, c->zeros, 2);
	if (c->zeros == ZERO_RUNS)
		put_bits(&o, c->run_k, 4);
	put_bits(&o, c->values, 2);
	if (c->values == VALUE_TOP || c->values == VALUE_SPLIT)
		put_bits(&o, c->top_max, 7);
	if (c->values == VALUE_SPLIT)
		put_bits(&o, c->split, 7);
	if (c->values == VALUE_PALETTE)
		emit_palettes(&o, &c->pal);
	put_bits(&o, c->maxpos, 1);
	for (uint32_t r = 0; r < l.rows; r++)
		emit_row(&o, &l, c, &rs, r);
	if (o.nbits)
		o.data[o.len++] = (uint8_t)o.acc;
	*out = o.data;
	*out_len = (uint32_t)o.len;
	ret = 0;
out:
	if (c)
		free(c->pal.of_row);
	if (tmp) {
		free(tmp->of_row);
		free(tmp->row_set);
		free(tmp->row_values);
	}
	free(tmp);
	free(c);
	return ret;
}
