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
 *     the large magnitudes, roughly uniform above the channel's threshold).
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
#define MAX_RUN_K	15u

struct rows_code {
	uint32_t zeros, run_k, values, top_max, split, maxpos;
	uint64_t bits;
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

static uint32_t floor_log2(uint32_t n)
{
	uint32_t k = 0;

	while (k < 31 && (2u << k) <= n)
		k++;
	return k;
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
	*c = (struct rows_code){ .bits = bits, .zeros = zeros, .run_k = run_k, .values = values,
				 .top_max = top_max, .split = split, .maxpos = maxpos };
}

/*
 * The cheapest combination by exact size (raw values without zeros or
 * marks code any filter).
 */
static void rows_choose(const struct rows_layout *l, struct rows_code *best)
{
	uint64_t run_bits[MAX_RUN_K + 1] = { 0 }, bitmap_bits = 0;

	uint32_t run = 0;

	/* Zero runs before each non-zero element, rows in turn, and the last. */
	for (uint32_t r = 0; r < l->rows; r++) {
		for (uint32_t j = 0; j < l->row_len; j++) {
			if (at(l, r, j)) {
				for (uint32_t k = 0; k <= MAX_RUN_K; k++)
					run_bits[k] += rice_bits(run, k);
				run = 0;
			} else {
				run++;
			}
		}
		bitmap_bits += l->row_len;
	}
	if (run)
		for (uint32_t k = 0; k <= MAX_RUN_K; k++)
			run_bits[k] += rice_bits(run, k);
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
	for (uint32_t j = 0; j < l->row_len; j++) {
		const uint8_t v = at(l, r, j);

		if ((c->zeros != ZERO_NONE && !v) || j == mark)
			continue;
		const uint32_t t = 127u - (uint32_t)abs((int8_t)v);

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

int npu_wcompress_rows(const uint8_t *w, uint32_t len, uint32_t row_len, bool transposed,
		       uint8_t **out, uint32_t *out_len)
{
	const struct rows_layout l = {
		.w = w, .len = len, .row_len = row_len, .rows = row_len ? len / row_len : 0,
		.transposed = transposed,
	};
	struct rows_code c;
	struct rows_out o = { 0 };
	struct run_state rs = { .need_run = true };
	uint64_t cap;

	*out = NULL;
	*out_len = 0;
	if (!len || !row_len || len % row_len)
		return -EINVAL;
	rows_choose(&l, &c);
	cap = NPU_WDEC_MIN_BYTES + c.bits / 8 + 2;
	if (cap > UINT32_MAX)
		return -E2BIG;
	o.data = malloc(cap);
	if (!o.data)
		return -ENOMEM;
	o.data[o.len++] = NPU_WDEC_MAGIC0;
	o.data[o.len++] = NPU_WDEC_VERSION_ROWS;
	put_bits(&o, transposed, 1);
	put_gamma(&o, row_len);
	put_bits(&o, c.zeros, 2);
	if (c.zeros == ZERO_RUNS)
		put_bits(&o, c.run_k, 4);
	put_bits(&o, c.values, 2);
	if (c.values != VALUE_RAW)
		put_bits(&o, c.top_max, 7);
	if (c.values == VALUE_SPLIT)
		put_bits(&o, c.split, 7);
	put_bits(&o, c.maxpos, 1);
	for (uint32_t r = 0; r < l.rows; r++)
		emit_row(&o, &l, &c, &rs, r);
	if (o.nbits)
		o.data[o.len++] = (uint8_t)o.acc;
	*out = o.data;
	*out_len = (uint32_t)o.len;
	return 0;
}
