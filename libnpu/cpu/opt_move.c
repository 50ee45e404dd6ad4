// SPDX-License-Identifier: MIT
/*
 * Optimized PAD, TRANSPOSE, STRIDED_SLICE and CONCATENATION (see
 * cpu_opt.h): the firmware's kernels move one element (or byte) at a
 * time; here rows move whole (PAD fills the output with the pad value,
 * then copies the input's innermost rows).  No arithmetic on values, so
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

bool cpu_opt_pad(const struct npu_pad_params *p, const void *in, void *out)
{
	const uint32_t es = npu_dtype_size(p->input.dtype), lead = DIMS - p->input.rank;
	const uint64_t n = npu_tensor_elems(&p->output);
	uint32_t is[DIMS], os[DIMS], before[DIMS];
	size_t ost[DIMS], row, k = 0;
	uint8_t *o = out, fill[4];
	const uint8_t *src = in;

	if (!es || es > sizeof(fill) || p->input.rank > DIMS)
		return false;
	shape(&p->input, is);
	shape(&p->output, os);
	ost[DIMS - 1] = es;
	for (int i = DIMS - 2; i >= 0; i--)
		ost[i] = ost[i + 1] * os[i + 1];
	for (uint32_t i = 0; i < DIMS; i++)
		before[i] = i < lead ? 0 : p->before[i - lead];
	/* The pad value's little-endian image, as the firmware writes it. */
	for (uint32_t b = 0; b < es; b++)
		fill[b] = (uint8_t)((uint32_t)p->pad_value >> (8 * b));
	if (es == 1 || !memcmp(fill, fill + 1, es - 1)) {
		memset(o, fill[0], n * es);
	} else {
		memcpy(o, fill, es);
		/* Doubling copies: log2(n) memcpy calls. */
		for (uint64_t done = 1; done < n; done *= 2)
			memcpy(o + done * es, o, (done * 2 <= n ? done : n - done) * es);
	}
	row = (size_t)is[4] * es;
	for (uint32_t i0 = 0; i0 < is[0]; i0++)
		for (uint32_t i1 = 0; i1 < is[1]; i1++)
			for (uint32_t i2 = 0; i2 < is[2]; i2++)
				for (uint32_t i3 = 0; i3 < is[3]; i3++, k += row)
					memcpy(o + (i0 + before[0]) * ost[0] +
					       (i1 + before[1]) * ost[1] +
					       (i2 + before[2]) * ost[2] +
					       (i3 + before[3]) * ost[3] + before[4] * ost[4],
					       src + k, row);
	return true;
}

/*
 * Output element k (in order, over the DIMS-d shape @od) is input element
 * base + sum index[i] * st[i]: the firmware's gather5() for TRANSPOSE and
 * STRIDED_SLICE.  Axes that step alike fold into one; the innermost axis
 * is a row copied with one typed loop (memcpy when contiguous).
 */
static void gather(const uint32_t *od, int64_t base, const int64_t *st, uint32_t es,
		   const void *in, void *out)
{
	uint32_t d[DIMS];
	int64_t s[DIMS];
	size_t idx[DIMS] = { 0 }, rows = 1, len;
	const uint8_t *src = in;
	uint8_t *o = out;
	int nd = 0;

	for (int i = 0; i < DIMS; i++) {
		if (od[i] == 1)
			continue;
		if (!od[i])
			return;
		if (nd && s[nd - 1] == st[i] * od[i]) {
			d[nd - 1] *= od[i];
			s[nd - 1] = st[i];
			continue;
		}
		d[nd] = od[i];
		s[nd++] = st[i];
	}
	if (!nd) {
		d[0] = 1;
		s[0] = 0;
		nd = 1;
	}
	/*
	 * A short strided innermost axis over a contiguous one (NCHW to NHWC):
	 * the last two axes as one 2-D transpose per outer index, read along
	 * the contiguous axis.
	 */
	if (nd >= 2 && es == 1 && d[nd - 1] < 16 && s[nd - 1] != 1 && s[nd - 2] == 1) {
		const size_t a_n = d[nd - 2], b_n = d[nd - 1];

		for (int i = 0; i < nd - 2; i++)
			rows *= d[i];
		for (size_t r = 0; r < rows; r++, o += a_n * b_n) {
			int64_t at = base;

			for (int i = 0; i < nd - 2; i++)
				at += (int64_t)idx[i] * s[i];
			for (size_t b = 0; b < b_n; b++) {
				const uint8_t *row = src + at + (int64_t)b * s[nd - 1];

				for (size_t a = 0; a < a_n; a++)
					o[a * b_n + b] = row[a];
			}
			for (int i = nd - 3; i >= 0 && ++idx[i] == d[i]; i--)
				idx[i] = 0;
		}
		return;
	}
	len = d[nd - 1];
	for (int i = 0; i < nd - 1; i++)
		rows *= d[i];
	for (size_t r = 0; r < rows; r++, o += len * es) {
		const int64_t step = s[nd - 1];
		int64_t at = base;
		const uint8_t *row;

		for (int i = 0; i < nd - 1; i++)
			at += (int64_t)idx[i] * s[i];
		row = src + at * es;
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
		for (int i = nd - 2; i >= 0 && ++idx[i] == d[i]; i--)
			idx[i] = 0;
	}
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

bool cpu_opt_transpose(const struct npu_transpose_params *p, const void *in, void *out)
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
	gather(os, 0, st, es, in, out);
	return true;
}

bool cpu_opt_strided_slice(const struct npu_slice_params *p, const void *in, void *out)
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
	gather(os, base, st, es, in, out);
	return true;
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
