// SPDX-License-Identifier: MIT
/*
 * Optimized int8 CONV_2D and FULLY_CONNECTED (see cpu_opt.h): blocked
 * int8 GEMM with the firmware's exact requantization.
 *
 * The firmware accumulates sum(f * (x + in_off)) over the taps inside the
 * image, in wrapping int32.  Here every tap is in an im2col row, the ones
 * outside the image holding the input zero point (x + in_off = 0, so they
 * add nothing), and the sum is split as sum(f * x) + in_off * sum(f): the
 * first term is a plain int8 GEMM, the second a per-channel constant.
 * Modulo 2^32 both are the same number, for every input.
 */
#include <stdlib.h>
#include <string.h>

#include "cpu_opt.h"
#include "npu_fw.h"

/* Pixels per GEMM tile; the im2col tile stays under COL_BYTES. */
#define TILE_PIXELS	64u
#define COL_BYTES	(256u * 1024u)

static bool fits_s8(int32_t v)
{
	return v >= -128 && v <= 127;
}

/* Row sums of an n x k int8 matrix, wrapping. */
static void row_sums(const int8_t *m, uint32_t n, uint32_t k, uint32_t *sums)
{
	for (uint32_t j = 0; j < n; j++) {
		uint32_t s = 0;

		for (uint32_t i = 0; i < k; i++)
			s += (uint32_t)(int32_t)m[(size_t)j * k + i];
		sums[j] = s;
	}
}

struct conv_shape {
	uint32_t n, ih, iw, ic, oh, ow, oc, kh, kw;
};

/* im2col row of output pixel @pix (flattened n, oy, ox) into @col. */
static void im2col_pixel(const struct npu_conv_params *p, const struct conv_shape *s,
			 const int8_t *in, uint32_t pix, int8_t *col)
{
	const uint32_t ox = pix % s->ow, oy = pix / s->ow % s->oh, b = pix / s->ow / s->oh;
	const int32_t y0 = (int32_t)(oy * p->stride_h) - p->pad_top;
	const int32_t x0 = (int32_t)(ox * p->stride_w) - p->pad_left;
	const int8_t zp = (int8_t)p->input.zero_point;

	for (uint32_t ky = 0; ky < s->kh; ky++) {
		const int32_t iy = y0 + (int32_t)(ky * p->dilation_h);

		for (uint32_t kx = 0; kx < s->kw; kx++, col += s->ic) {
			const int32_t ix = x0 + (int32_t)(kx * p->dilation_w);

			if (iy < 0 || iy >= (int32_t)s->ih || ix < 0 || ix >= (int32_t)s->iw)
				memset(col, zp, s->ic);
			else
				memcpy(col, in + (((size_t)b * s->ih + (uint32_t)iy) * s->iw +
						  (uint32_t)ix) * s->ic, s->ic);
		}
	}
}

/* One convolution split over threads: each part takes a range of tiles. */
struct conv_job {
	const struct npu_conv_params *p;
	struct conv_shape s;
	const int8_t *in, *filter;
	int8_t *out;
	cpu_gemm_s8_fn gemm;
	const int8_t *packed;	/* the filter for cpu_gemm_vnni(), or NULL */
	cpu_requant_fn requant;
	struct cpu_rq_row r;
	size_t k, pixels, tile;
	bool direct;
	bool failed;		/* a part ran out of memory */
};

static void conv_part(void *arg, uint32_t part, uint32_t parts)
{
	struct conv_job *j = arg;
	const size_t tiles = (j->pixels + j->tile - 1) / j->tile;
	const uint32_t oc = j->s.oc;
	size_t t0, t1;
	int32_t *acc;
	int8_t *col = NULL;

	cpu_part_range(tiles, part, parts, &t0, &t1);
	if (t0 == t1)
		return;
	acc = malloc(j->tile * oc * sizeof(*acc));
	if (!j->direct)
		col = malloc(j->tile * j->k);
	if (!acc || (!j->direct && !col)) {
		/* The caller then reruns the whole op with the firmware's kernel. */
		__atomic_store_n(&j->failed, true, __ATOMIC_RELAXED);
		free(acc);
		free(col);
		return;
	}
	for (size_t p0 = t0 * j->tile; p0 < j->pixels && p0 < t1 * j->tile; p0 += j->tile) {
		const uint32_t m = (uint32_t)(j->pixels - p0 < j->tile ? j->pixels - p0 : j->tile);
		const int8_t *a = j->in + p0 * j->s.ic;

		if (!j->direct) {
			for (uint32_t i = 0; i < m; i++)
				im2col_pixel(j->p, &j->s, j->in, (uint32_t)(p0 + i), col + i * j->k);
			a = col;
		}
		if (j->packed)
			cpu_gemm_vnni(a, j->k, m, j->packed, oc, (uint32_t)j->k, acc, oc);
		else
			j->gemm(a, j->k, m, j->filter, j->k, oc, (uint32_t)j->k, acc, oc);
		for (uint32_t i = 0; i < m; i++)
			j->requant(&j->r, acc + (size_t)i * oc, oc, j->out + (p0 + i) * oc);
	}
	free(acc);
	free(col);
}

bool cpu_opt_conv2d_s8(const struct npu_conv_params *p, const int8_t *in,
		       const int8_t *filter, const int32_t *bias,
		       const int32_t *mult, const int32_t *shift, int8_t *out,
		       enum cpu_isa isa, struct npu_cpu_pool *pool)
{
	struct conv_job j = {
		.p = p, .in = in, .filter = filter, .out = out,
		.s = {
			.n = p->input.dims[0], .ih = p->input.dims[1], .iw = p->input.dims[2],
			.ic = p->input.dims[3], .oh = p->output.dims[1], .ow = p->output.dims[2],
			.oc = p->output.dims[3], .kh = p->filter.dims[1], .kw = p->filter.dims[2],
		},
		.gemm = cpu_gemm_s8_select(isa),
		.requant = cpu_requant_select(isa),
	};
	uint32_t in_off = (uint32_t)-p->input.zero_point;
	uint32_t *fsum;
	int8_t *packed = NULL;

	j.k = (size_t)j.s.kh * j.s.kw * j.s.ic;
	j.pixels = (size_t)j.s.n * j.s.oh * j.s.ow;
	/* A 1x1 window on stride 1 without padding reads the input as is. */
	j.direct = j.s.kh == 1 && j.s.kw == 1 && p->stride_h == 1 && p->stride_w == 1 &&
		   !p->pad_top && !p->pad_left && j.s.oh == j.s.ih && j.s.ow == j.s.iw;
	if (p->filter.dims[3] != j.s.ic || !fits_s8(p->input.zero_point) || !j.k || !j.s.oc)
		return false;
	j.tile = j.direct ? TILE_PIXELS : COL_BYTES / j.k;
	j.tile = j.tile < 1 ? 1 : j.tile > TILE_PIXELS ? TILE_PIXELS : j.tile;
	fsum = malloc(j.s.oc * sizeof(*fsum));
	if (!fsum)
		return false;
	if (isa == CPU_ISA_AVX512VNNI) {
		packed = cpu_gemm_vnni_pack(filter, j.k, j.s.oc, (uint32_t)j.k);
		if (!packed) {
			free(fsum);
			return false;
		}
		j.packed = packed;
		in_off -= 128;	/* its sums are of (x + 128) * f */
	}
	row_sums(filter, j.s.oc, (uint32_t)j.k, fsum);
	for (uint32_t c = 0; c < j.s.oc; c++)
		fsum[c] *= in_off;
	if (!cpu_rq_row_init(&j.r, &p->rq, mult, shift, bias, fsum, j.s.oc,
			     p->output.zero_point, p->act_min, p->act_max)) {
		free(packed);
		free(fsum);
		return false;
	}
	cpu_pool_run(pool, conv_part, &j);
	cpu_rq_row_free(&j.r);
	free(packed);
	free(fsum);
	return !j.failed;
}

/*
 * sum((f + f_off) * (x + in_off)) = sum(f * x) + in_off * sum(f)
 *                                   + f_off * sum(x) + depth * f_off * in_off
 */
bool cpu_opt_fc_s8(const struct npu_fc_params *p, const int8_t *in,
		   const int8_t *filter, const int32_t *bias,
		   const int32_t *mult, const int32_t *shift, int8_t *out,
		   enum cpu_isa isa)
{
	const uint32_t batches = p->input.dims[0], depth = p->input.dims[1];
	const uint32_t units = p->output.dims[1];
	const uint32_t in_off = (uint32_t)-p->input.zero_point;
	const uint32_t f_off = (uint32_t)-p->filter.zero_point;
	const cpu_gemm_s8_fn gemm = cpu_gemm_s8_select(isa);
	const bool f64 = p->rq.flags & NPU_RQ_SCALE_F64;
	uint32_t *fsum, *xsum;
	int32_t *acc;

	if (!fits_s8(p->input.zero_point) || !fits_s8(p->filter.zero_point) || !units)
		return false;
	fsum = malloc(units * sizeof(*fsum));
	xsum = malloc((batches ? batches : 1) * sizeof(*xsum));
	acc = malloc(units * sizeof(*acc));
	if (!fsum || !xsum || !acc) {
		free(fsum);
		free(xsum);
		free(acc);
		return false;
	}
	row_sums(filter, units, depth, fsum);
	row_sums(in, batches, depth, xsum);
	for (uint32_t u = 0; u < units; u++)
		fsum[u] = fsum[u] * in_off + (bias ? (uint32_t)bias[u] : 0);
	for (uint32_t b = 0; b < batches; b++) {
		/* The batch's own terms, folded into the accumulators. */
		const uint32_t base = f_off * xsum[b] + depth * f_off * in_off;

		gemm(in + (size_t)b * depth, depth, 1, filter, depth, units, depth, acc, units);
		/*
		 * FULLY_CONNECTED rounds as the firmware's FC (the binary64
		 * scale, or the Q31 multiplier once), unlike the convolutions'
		 * SIMD requantization; one call per unit is cheap.
		 */
		for (uint32_t u = 0; u < units; u++) {
			const int32_t a = (int32_t)((uint32_t)acc[u] + base + fsum[u]);
			const int32_t m = p->rq.count ? mult[u] : p->rq.multiplier;
			const int32_t sh = p->rq.count ? shift[u] : p->rq.shift;
			int32_t v = f64 ? npu_fw_round_scale(a, (uint32_t)m, (uint32_t)sh) :
					  npu_fw_mbqm_single(a, m, sh);

			v = (int32_t)((uint32_t)v + (uint32_t)p->output.zero_point);
			out[(size_t)b * units + u] =
				(int8_t)(v < p->act_min ? p->act_min : v > p->act_max ? p->act_max : v);
		}
	}
	free(fsum);
	free(xsum);
	free(acc);
	return true;
}
