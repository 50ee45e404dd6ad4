// SPDX-License-Identifier: MIT
/*
 * Optimized PAD, TRANSPOSE, STRIDED_SLICE and CONCATENATION (see
 * cpu_opt.h): the firmware's kernels move one element (or byte) at a
 * time; here rows move whole (PAD writes each output row once: the pad
 * value, or the pad value around an input row).  No arithmetic on values, so
 * the bytes are the same for every type; test_cpu_opt.c checks it.
 */
#include <string.h>

#include "cpu_opt.h"
#include "npu_fw.h"

#define DIMS NPU_CS_MAX_DIMS

/* @t's dims extended to DIMS by leading 1s (the firmware's fw_shape5). */
static void shape(const struct npu_tensor *t, uint32_t *d)
{
	const uint32_t lead = DIMS - t->rank;

	for (uint32_t i = 0; i < DIMS; i++)
		d[i] = i < lead ? 1 : t->dims[i - lead];
}

/* @n elements of the pad value (@es bytes, @fill) at @o. */
static inline void pad_fill(uint8_t *o, size_t n, const uint8_t *fill, uint32_t es,
			    bool uniform)
{
	if (!n)
		return;
	if (uniform) {
		memset(o, fill[0], n * es);
		return;
	}
	for (size_t i = 0; i < n; i++)
		memcpy(o + i * es, fill, es);
}

/*
 * PAD by output rows (the innermost axis), taken a plane (the last two
 * axes) at a time: a plane outside the input's box is the pad value; inside
 * it, rows before and after the box are the pad value and the rows in
 * between the pad value around an input row (one copy for all of them
 * when the innermost axis has no padding; else the rows filled, then the
 * input rows copied in).
 */
struct pad_job {
	uint32_t is[DIMS], os[DIMS], before[DIMS], es;
	uint8_t fill[4];
	bool uniform;		/* every byte of the pad value alike: memset */
	const uint8_t *in;
	uint8_t *out;
};

/* Rows [y0, y1) of plane @plane. */
static void pad_rows(const struct pad_job *j, size_t plane, uint32_t y0, uint32_t y1)
{
	const uint32_t es = j->es, *is = j->is, *os = j->os, *before = j->before;
	const size_t orow = (size_t)os[4] * es, irow = (size_t)is[4] * es;
	const uint32_t top = before[3], bottom = before[3] + is[3];
	const size_t tail = os[4] - before[4] - is[4];
	uint8_t *o = j->out + (plane * os[3] + y0) * orow;
	size_t at = 0, rest = plane;
	uint32_t idx[DIMS - 2], a, b;
	const uint8_t *src;

	/* The input plane of this one, if it is inside the box. */
	for (int i = DIMS - 3; i >= 0; i--) {
		idx[i] = (uint32_t)(rest % os[i]) - before[i];	/* wraps when before it */
		rest /= os[i];
	}
	for (int i = 0; i < DIMS - 2; i++) {
		if (idx[i] >= is[i]) {
			pad_fill(o, (size_t)(y1 - y0) * os[4], j->fill, es, j->uniform);
			return;
		}
		at = at * is[i] + idx[i];
	}
	a = y0 > top ? y0 : top;
	b = y1 < bottom ? y1 : bottom;
	if (a >= b) {
		pad_fill(o, (size_t)(y1 - y0) * os[4], j->fill, es, j->uniform);
		return;
	}
	pad_fill(o, (size_t)(a - y0) * os[4], j->fill, es, j->uniform);
	o += (size_t)(a - y0) * orow;
	src = j->in + (at * is[3] + (a - top)) * irow;
	if (!tail && !before[4]) {
		/* Whole rows: the box's rows of this plane are one run in both. */
		memcpy(o, src, (size_t)(b - a) * irow);
		o += (size_t)(b - a) * orow;
	} else {
		/* Padded channels: the rows filled in one go, then the input rows copied in. */
		const size_t head = (size_t)before[4] * es;

		pad_fill(o, (size_t)(b - a) * os[4], j->fill, es, j->uniform);
		for (uint32_t y = a; y < b; y++, o += orow, src += irow)
			memcpy(o + head, src, irow);
	}
	pad_fill(o, (size_t)(y1 - b) * os[4], j->fill, es, j->uniform);
}

static void pad_part(void *arg, uint32_t part, uint32_t parts)
{
	const struct pad_job *j = arg;
	const uint32_t h = j->os[3];
	size_t r0, r1;

	cpu_part_range((size_t)j->os[0] * j->os[1] * j->os[2] * h, part, parts, &r0, &r1);
	while (r0 < r1) {
		const size_t plane = r0 / h;
		const uint32_t y0 = (uint32_t)(r0 % h);
		const uint32_t y1 = r1 - r0 < h - y0 ? y0 + (uint32_t)(r1 - r0) : h;

		pad_rows(j, plane, y0, y1);
		r0 += y1 - y0;
	}
}

bool cpu_opt_pad(const struct npu_pad_params *p, const void *in, void *out,
		 struct npu_cpu_pool *pool)
{
	const uint32_t es = npu_dtype_size(p->input.dtype), lead = DIMS - p->input.rank;
	struct pad_job j = { .es = es, .in = in, .out = out };

	if (!es || es > sizeof(j.fill) || p->input.rank > DIMS)
		return false;
	shape(&p->input, j.is);
	shape(&p->output, j.os);
	for (uint32_t i = 0; i < DIMS; i++) {
		j.before[i] = i < lead ? 0 : p->before[i - lead];
		if ((uint64_t)j.before[i] + j.is[i] > j.os[i])
			return false;
	}
	/* The pad value's little-endian image, as the firmware writes it. */
	for (uint32_t b = 0; b < es; b++)
		j.fill[b] = (uint8_t)((uint32_t)p->pad_value >> (8 * b));
	j.uniform = es == 1 || !memcmp(j.fill, j.fill + 1, es - 1);
	if (!npu_tensor_elems(&p->output))
		return true;
	cpu_pool_run(npu_tensor_bytes(&p->output) >= CPU_POOL_MIN_WORK ? pool : NULL, pad_part,
		     &j);
	return true;
}

/*
 * Output element k (in order, over the DIMS-d shape @od) is input element
 * base + sum index[i] * st[i]: the firmware's gather5() for TRANSPOSE and
 * STRIDED_SLICE.  Axes that step alike fold into one; the innermost axis
 * is a row copied with one typed loop (memcpy when contiguous).  The
 * output splits into units across the pool: rows, or for a 2-D transpose
 * positions along its contiguous input axis.
 */
struct gather_job {
	uint32_t d[DIMS];
	int64_t s[DIMS], base;
	int nd, outer;		/* axes; of them, the ones outside a unit */
	uint32_t es;
	bool t2d;		/* the last two axes as one 2-D transpose */
	size_t units;
	const uint8_t *in;
	uint8_t *out;
};

/* Input offset (elements) of outer row @r, and its axis indices in @idx. */
static int64_t gather_row(const struct gather_job *j, size_t r, size_t *idx)
{
	int64_t at = j->base;

	for (int i = j->outer - 1; i >= 0; i--) {
		idx[i] = r % j->d[i];
		r /= j->d[i];
		at += (int64_t)idx[i] * j->s[i];
	}
	return at;
}

/* One step of an 8x8 byte transpose: the @n-bit units of @x masked by @m swap with @y's. */
#define SWAP_UNITS(x, y, n, m) do {							\
	const uint64_t t_ = (((x) >> (n)) ^ (y)) & (m);					\
									\
	(y) ^= t_;								\
	(x) ^= t_ << (n);							\
} while (0)

/*
 * dst[k * @ds + i] = src[i * @ss + k] for 0 <= i, k < 8: eight rows of eight
 * bytes in 64-bit words (little-endian: byte k of a word is column k),
 * transposed by swapping bytes, then pairs, then quads between rows (the
 * off-diagonal blocks of each 2x2 block matrix): about 1.4 instructions
 * per byte against 4 to 5 for a strided byte loop.
 */
static inline void t8x8(const uint8_t *src, int64_t ss, uint8_t *dst, size_t ds)
{
	uint64_t r[8];

	for (int i = 0; i < 8; i++)
		memcpy(&r[i], src + i * ss, 8);
	SWAP_UNITS(r[0], r[1], 8, 0x00ff00ff00ff00ffull);
	SWAP_UNITS(r[2], r[3], 8, 0x00ff00ff00ff00ffull);
	SWAP_UNITS(r[4], r[5], 8, 0x00ff00ff00ff00ffull);
	SWAP_UNITS(r[6], r[7], 8, 0x00ff00ff00ff00ffull);
	SWAP_UNITS(r[0], r[2], 16, 0x0000ffff0000ffffull);
	SWAP_UNITS(r[1], r[3], 16, 0x0000ffff0000ffffull);
	SWAP_UNITS(r[4], r[6], 16, 0x0000ffff0000ffffull);
	SWAP_UNITS(r[5], r[7], 16, 0x0000ffff0000ffffull);
	SWAP_UNITS(r[0], r[4], 32, 0x00000000ffffffffull);
	SWAP_UNITS(r[1], r[5], 32, 0x00000000ffffffffull);
	SWAP_UNITS(r[2], r[6], 32, 0x00000000ffffffffull);
	SWAP_UNITS(r[3], r[7], 32, 0x00000000ffffffffull);
	for (int k = 0; k < 8; k++)
		memcpy(dst + k * ds, &r[k], 8);
}

/*
 * Units [u0, u1) of a 2-D transpose: positions a of outer rows, each b_n
 * bytes; blocks of 8 x 8 bytes where both axes have them (NHWC to NCHW and
 * back with many channels: RetinaFace's layers).
 */
static void gather_t2d(const struct gather_job *j, size_t u0, size_t u1)
{
	const size_t a_n = j->d[j->nd - 2], b_n = j->d[j->nd - 1];
	const int64_t sb = j->s[j->nd - 1];
	const uint8_t *const in = j->in;
	uint8_t *const out = j->out;
	size_t idx[DIMS];

	while (u0 < u1) {
		const size_t r = u0 / a_n, a0 = u0 % a_n;
		const size_t a1 = a_n - a0 < u1 - u0 ? a_n : a0 + (u1 - u0);
		const uint8_t *src = in + gather_row(j, r, idx);
		uint8_t *o = out + r * a_n * b_n;
		size_t a8 = a0;

#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
		for (; b_n >= 8 && a8 + 8 <= a1; a8 += 8) {
			size_t b = 0;

			for (; b + 8 <= b_n; b += 8)
				t8x8(src + (int64_t)b * sb + (int64_t)a8, sb, o + a8 * b_n + b, b_n);
			for (; b < b_n; b++)
				for (size_t a = a8; a < a8 + 8; a++)
					o[a * b_n + b] = src[(int64_t)b * sb + (int64_t)a];
		}
#endif
		for (size_t b = 0; a8 < a1 && b < b_n; b++) {
			const uint8_t *row = src + (int64_t)b * sb;

			for (size_t a = a8; a < a1; a++)
				o[a * b_n + b] = row[a];
		}
		u0 += a1 - a0;
	}
}

static void gather_part(void *arg, uint32_t part, uint32_t parts)
{
	const struct gather_job *j = arg;
	/* Locals: the byte stores below may alias anything reached through j. */
	const uint32_t es = j->es;
	const int outer = j->outer;
	const size_t len = j->d[j->nd - 1];
	const int64_t step = j->s[j->nd - 1], base = j->base;
	const uint8_t *const in = j->in;
	uint32_t d[DIMS];
	int64_t s[DIMS];
	size_t idx[DIMS], r0, r1;
	uint8_t *o;

	cpu_part_range(j->units, part, parts, &r0, &r1);
	if (r0 == r1)
		return;
	if (j->t2d) {
		gather_t2d(j, r0, r1);
		return;
	}
	memcpy(d, j->d, sizeof(d));
	memcpy(s, j->s, sizeof(s));
	gather_row(j, r0, idx);
	o = j->out + r0 * len * es;
	for (size_t r = r0; r < r1; r++, o += len * es) {
		int64_t at = base;
		const uint8_t *row;

		for (int i = 0; i < outer; i++)
			at += (int64_t)idx[i] * s[i];
		row = in + at * es;
		if (step == 1) {
			memcpy(o, row, len * es);
		} else if (es == 1) {
			for (size_t k = 0; k < len; k++)
				o[k] = row[(int64_t)k * step];
		} else if (es == 4) {	/* float32 and int32: constant-size moves, no calls */
			for (size_t k = 0; k < len; k++)
				memcpy(o + k * 4, row + (int64_t)k * step * 4, 4);
		} else if (es == 2) {
			for (size_t k = 0; k < len; k++)
				memcpy(o + k * 2, row + (int64_t)k * step * 2, 2);
		} else {
			for (size_t k = 0; k < len; k++)
				memcpy(o + k * es, row + (int64_t)k * step * es, es);
		}
		for (int i = outer - 1; i >= 0 && ++idx[i] == d[i]; i--)
			idx[i] = 0;
	}
}

static void gather(const uint32_t *od, int64_t base, const int64_t *st, uint32_t es,
		   const void *in, void *out, struct npu_cpu_pool *pool)
{
	struct gather_job j = { .base = base, .es = es, .in = in, .out = out, .units = 1 };
	size_t bytes = es;

	for (int i = 0; i < DIMS; i++) {
		bytes *= od[i];
		if (od[i] == 1)
			continue;
		if (!od[i])
			return;
		if (j.nd && j.s[j.nd - 1] == st[i] * od[i]) {
			j.d[j.nd - 1] *= od[i];
			j.s[j.nd - 1] = st[i];
			continue;
		}
		j.d[j.nd] = od[i];
		j.s[j.nd++] = st[i];
	}
	if (!j.nd) {
		j.d[0] = 1;
		j.s[0] = 0;
		j.nd = 1;
	}
	/*
	 * A short strided innermost axis over a contiguous one (NCHW to NHWC),
	 * or a long one over at least eight positions of the contiguous one
	 * (8 x 8 blocks): the last two axes as one 2-D transpose per outer
	 * index, read along the contiguous axis.
	 */
	j.t2d = j.nd >= 2 && es == 1 && (j.d[j.nd - 1] < 16 || j.d[j.nd - 2] >= 8) &&
		j.s[j.nd - 1] != 1 && j.s[j.nd - 2] == 1;
	j.outer = j.nd - (j.t2d ? 2 : 1);
	for (int i = 0; i < j.nd - 1; i++)
		j.units *= j.d[i];
	cpu_pool_run(bytes >= CPU_POOL_MIN_WORK ? pool : NULL, gather_part, &j);
}

/* Row-major element strides of a DIMS-d shape. */
static void strides(const uint32_t *d, int64_t *st)
{
	int64_t acc = 1;

	for (int i = DIMS - 1; i >= 0; i--) {
		st[i] = acc;
		acc *= d[i];
	}
}

bool cpu_opt_transpose(const struct npu_transpose_params *p, const void *in, void *out,
		       struct npu_cpu_pool *pool)
{
	const uint32_t es = npu_dtype_size(p->input.dtype), lead = DIMS - p->input.rank;
	uint32_t is[DIMS], os[DIMS];
	int64_t ist[DIMS], st[DIMS];

	if (!es || p->input.rank > DIMS || p->output.rank != p->input.rank)
		return false;
	shape(&p->input, is);
	shape(&p->output, os);
	strides(is, ist);
	for (uint32_t i = 0; i < DIMS; i++)
		st[i] = i < lead ? 0 : ist[lead + p->perm[i - lead]];
	gather(os, 0, st, es, in, out, pool);
	return true;
}

bool cpu_opt_strided_slice(const struct npu_slice_params *p, const void *in, void *out,
			   struct npu_cpu_pool *pool)
{
	const uint32_t es = npu_dtype_size(p->input.dtype), lead = DIMS - p->input.rank;
	uint32_t is[DIMS], os[DIMS];
	int64_t ist[DIMS], st[DIMS], base = 0;

	if (!es || p->input.rank > DIMS || p->output.rank != p->input.rank)
		return false;
	shape(&p->input, is);
	shape(&p->output, os);
	strides(is, ist);
	for (uint32_t i = 0; i < DIMS; i++) {
		base += (i < lead ? 0 : (int64_t)p->begin[i - lead]) * ist[i];
		st[i] = (i < lead ? 1 : (int64_t)p->strides[i - lead]) * ist[i];
	}
	gather(os, base, st, es, in, out, pool);
	return true;
}

struct copy_job {
	const uint8_t *in;
	uint8_t *out;
	size_t bytes;
};

/* Cache-line multiples: no two threads write one line. */
static void copy_part(void *arg, uint32_t part, uint32_t parts)
{
	const struct copy_job *j = arg;
	const size_t lines = (j->bytes + 63) / 64;
	size_t begin, end;

	cpu_part_range(lines, part, parts, &begin, &end);
	begin *= 64;
	end = end * 64 < j->bytes ? end * 64 : j->bytes;
	if (begin < end)
		memcpy(j->out + begin, j->in + begin, end - begin);
}

void cpu_opt_copy(const void *in, void *out, size_t bytes, struct npu_cpu_pool *pool)
{
	struct copy_job j = { .in = in, .out = out, .bytes = bytes };

	if (in == out)
		return;
	cpu_pool_run(bytes >= CPU_POOL_MIN_WORK * 4 ? pool : NULL, copy_part, &j);
}

struct concat_job {
	const struct npu_concat_params *p;
	const uint8_t *in;
	uint8_t *out;
	size_t outer, inner;
};

static void concat_part(void *arg, uint32_t part, uint32_t parts)
{
	const struct concat_job *j = arg;
	const size_t in_row = j->p->input.dims[j->p->axis] * j->inner;
	size_t begin, end;

	cpu_part_range(j->outer, part, parts, &begin, &end);
	for (size_t i = begin; i < end; i++)
		memcpy(j->out + (i * j->p->output.dims[j->p->axis] + j->p->offset) * j->inner,
		       j->in + i * in_row, in_row);
}

bool cpu_opt_concat(const struct npu_concat_params *p, const void *in, void *out,
		    struct npu_cpu_pool *pool)
{
	const uint32_t es = npu_dtype_size(p->input.dtype);
	struct concat_job j = { .p = p, .in = in, .out = out, .outer = 1, .inner = es };

	if (!es || (p->flags & NPU_CONCAT_TABLE) || p->axis >= p->input.rank ||
	    p->input.rank > DIMS)
		return false;
	for (uint32_t i = 0; i < p->axis; i++)
		j.outer *= p->input.dims[i];
	for (uint32_t i = p->axis + 1; i < p->input.rank; i++)
		j.inner *= p->input.dims[i];
	cpu_pool_run(npu_tensor_bytes(&p->input) >= CPU_POOL_MIN_WORK ? pool : NULL, concat_part,
		     &j);
	return true;
}

/*
 * The firmware's npu_op_resize_nearest(): each output pixel a memcpy of its
 * source pixel (the table's rows then columns, clamped as there), and an
 * output row whose source row is the previous one's copied whole (when
 * that row is this part's: parts run in any order).
 */
struct nearest_job {
	const struct npu_resize_params *p;
	const uint8_t *in;
	const uint16_t *table;
	uint8_t *out;
	size_t pixel;
};

static void nearest_part(void *arg, uint32_t part, uint32_t parts)
{
	const struct nearest_job *j = arg;
	const uint32_t ih = j->p->input.dims[1], iw = j->p->input.dims[2];
	const uint32_t oh = j->p->output.dims[1], ow = j->p->output.dims[2];
	const uint16_t *table = j->table;
	const size_t pixel = j->pixel, orow = ow * pixel;
	size_t begin, end;

	cpu_part_range((size_t)j->p->input.dims[0] * oh, part, parts, &begin, &end);
	for (size_t r = begin; r < end; r++) {
		const size_t b = r / oh, y = r % oh;
		const uint32_t sy = table[y] < ih ? table[y] : ih - 1;
		const uint8_t *row = j->in + (b * ih + sy) * iw * pixel;
		uint8_t *dst = j->out + r * orow;

		if (y && r > begin && sy == (table[y - 1] < ih ? table[y - 1] : ih - 1)) {
			memcpy(dst, dst - orow, orow);
			continue;
		}
		for (uint32_t x = 0; x < ow; x++) {
			const uint32_t t = table[oh + x];

			memcpy(dst + x * pixel, row + (size_t)(t < iw ? t : iw - 1) * pixel, pixel);
		}
	}
}

bool cpu_opt_resize_nearest(const struct npu_resize_params *p, const void *in,
			    const uint16_t *table, void *out, struct npu_cpu_pool *pool)
{
	const uint32_t es = npu_dtype_size(p->input.dtype);
	const struct nearest_job j = { .p = p, .in = in, .table = table, .out = out,
				       .pixel = (size_t)p->input.dims[3] * es };

	if (!es || !table || !p->input.dims[1] || !p->input.dims[2])
		return false;
	cpu_pool_run(npu_tensor_bytes(&p->output) >= CPU_POOL_MIN_WORK ? pool : NULL,
		     nearest_part, (void *)&j);
	return true;
}
