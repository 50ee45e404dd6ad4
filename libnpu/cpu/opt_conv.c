// SPDX-License-Identifier: MIT
/*
 * Optimized int8 CONV_2D and FULLY_CONNECTED (see cpu_opt.h): blocked
 * int8 GEMM with the firmware's exact requantization, planned once per op
 * (filter packed, per-channel constants folded) and run per inference.
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

/*
 * Pixels per tile: a multiple of the micro-kernels' four rows, the packed
 * tile (and its im2col rows) within TILE_BYTES.  On threads, a
 * convolution is cut into at least SPLIT_PER_THREAD units (a tile of
 * pixels by a group of channel blocks) per thread, claimed one part at a
 * time: with fewer tiles than that (the deep 14x14 and 7x7 layers) the
 * channels are split too, and when there are too few channel blocks for
 * that, the tiles shrink.
 */
#define TILE_PIXELS	64u
#define TILE_BYTES	(64u * 1024u)
#define SPLIT_PER_THREAD	8u
#define CH_BLOCK	32u
/*
 * Below this many multiply-accumulates a convolution runs on the calling
 * thread alone: waking the pool costs more than it saves.
 */
#define POOL_MIN_MACS	(1u << 20)
/* Slack after a tile: im2col copies in 16-byte steps past a row's end. */
#define TILE_SLACK	64u

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

struct cpu_conv_plan {
	struct npu_conv_params p;
	struct conv_shape s;
	enum cpu_isa isa;
	const int8_t *filter;	/* what the plan was made from */
	const int32_t *bias;
	bool direct;		/* a 1x1 window reading the input rows as they are */
	uint32_t k, kp;		/* taps per output; per packed row */
	size_t pixels, tile;
	void *packed;		/* the filter packed by cpu_igemm_pack_b() */
	uint32_t *add;		/* per-channel constant, CPU_RQ_PAD padded */
	struct cpu_rq_row r;
};

void cpu_conv_plan_free(struct cpu_conv_plan *pl)
{
	if (!pl)
		return;
	cpu_rq_row_free(&pl->r);
	free(pl->packed);
	free(pl->add);
	free(pl);
}

struct cpu_conv_plan *cpu_conv_plan_create(const struct npu_conv_params *p,
					   const int8_t *filter, const int32_t *bias,
					   const int32_t *mult, const int32_t *shift,
					   enum cpu_isa isa)
{
	const struct conv_shape s = {
		.n = p->input.dims[0], .ih = p->input.dims[1], .iw = p->input.dims[2],
		.ic = p->input.dims[3], .oh = p->output.dims[1], .ow = p->output.dims[2],
		.oc = p->output.dims[3], .kh = p->filter.dims[1], .kw = p->filter.dims[2],
	};
	const size_t k = (size_t)s.kh * s.kw * s.ic;
	uint32_t in_off = (uint32_t)-p->input.zero_point;
	struct cpu_conv_plan *pl;
	size_t elem;

	if (p->filter.dims[3] != s.ic || !fits_s8(p->input.zero_point) || !k || !s.oc ||
	    k > UINT32_MAX / 2)
		return NULL;
	pl = calloc(1, sizeof(*pl));
	if (!pl)
		return NULL;
	*pl = (struct cpu_conv_plan){
		.p = *p, .s = s, .isa = isa, .filter = filter, .bias = bias,
		.k = (uint32_t)k, .pixels = (size_t)s.n * s.oh * s.ow,
	};
	pl->kp = cpu_igemm_kp(isa, pl->k);
	/* A 1x1 window on stride 1 without padding reads the input as is. */
	pl->direct = s.kh == 1 && s.kw == 1 && p->stride_h == 1 && p->stride_w == 1 &&
		     !p->pad_top && !p->pad_left && s.oh == s.ih && s.ow == s.iw;
	elem = cpu_igemm_a_elem(isa);
	pl->tile = TILE_BYTES / (pl->kp * elem) / 4 * 4;
	pl->tile = pl->tile < 4 ? 4 : pl->tile > TILE_PIXELS ? TILE_PIXELS : pl->tile;
	pl->add = calloc((s.oc + CPU_RQ_PAD - 1) / CPU_RQ_PAD * CPU_RQ_PAD, sizeof(*pl->add));
	if (!pl->add)
		goto fail;
	pl->packed = malloc(cpu_igemm_b_size(isa, s.oc, pl->k));
	if (!pl->packed)
		goto fail;
	cpu_igemm_pack_b(isa, filter, s.oc, pl->k, pl->packed);
	if (isa == CPU_ISA_AVX512VNNI)
		in_off -= 128;	/* its sums are of (x + 128) * f */
	row_sums(filter, s.oc, pl->k, pl->add);
	for (uint32_t c = 0; c < s.oc; c++)
		pl->add[c] *= in_off;
	if (!cpu_rq_row_init(&pl->r, &p->rq, mult, shift, bias, pl->add, s.oc,
			     p->output.zero_point, p->act_min, p->act_max))
		goto fail;
	return pl;
fail:
	free(pl->packed);
	free(pl->add);
	free(pl);
	return NULL;
}

bool cpu_conv_plan_for(const struct cpu_conv_plan *pl, const int8_t *filter, const int32_t *bias)
{
	return pl->filter == filter && pl->bias == bias;
}

/*
 * @len bytes from @src to @dst; 16 at a time while that reads inside the
 * input (@end): the extra bytes written past @len land where later copies
 * of the same tile write, or in its slack.
 */
static inline void copy_taps(int8_t *dst, const int8_t *src, size_t len, const int8_t *end)
{
	if (len <= (size_t)(end - src) && (size_t)(end - src) - len >= 16) {
		for (size_t i = 0; i < len; i += 16)
			memcpy(dst + i, src + i, 16);
	} else {
		memcpy(dst, src, len);
	}
}

/*
 * im2col rows (stride pl->kp, zero past k) of output pixels @p0..@p0 + @m:
 * taps outside the image hold the input zero point (x + in_off = 0).
 */
static void im2col(const struct cpu_conv_plan *pl, const int8_t *in, size_t p0, uint32_t m,
		   int8_t *col)
{
	const struct npu_conv_params *p = &pl->p;
	const struct conv_shape *s = &pl->s;
	const int8_t *end = in + (size_t)s->n * s->ih * s->iw * s->ic;
	const int8_t zp = (int8_t)p->input.zero_point;
	const size_t span = (size_t)s->kw * s->ic;
	/* The first pixel's coordinates; the others by counting. */
	uint32_t ox = (uint32_t)(p0 % s->ow), oy = (uint32_t)(p0 / s->ow % s->oh);
	size_t b = p0 / s->ow / s->oh;

	for (uint32_t i = 0; i < m; i++) {
		const int32_t y0 = (int32_t)(oy * p->stride_h) - p->pad_top;
		const int32_t x0 = (int32_t)(ox * p->stride_w) - p->pad_left;
		/* The whole row of taps is inside the image and contiguous. */
		const bool whole = p->dilation_w == 1 && x0 >= 0 &&
				   (uint32_t)x0 + s->kw <= s->iw;
		int8_t *row = col + (size_t)i * pl->kp;

		for (uint32_t ky = 0; ky < s->kh; ky++) {
			const int32_t iy = y0 + (int32_t)(ky * p->dilation_h);
			int8_t *dst = row + ky * span;
			const int8_t *src;

			if (iy < 0 || iy >= (int32_t)s->ih) {
				memset(dst, zp, span);
				continue;
			}
			src = in + (b * s->ih + (uint32_t)iy) * s->iw * s->ic;
			if (whole) {
				copy_taps(dst, src + (size_t)x0 * s->ic, span, end);
				continue;
			}
			for (uint32_t kx = 0; kx < s->kw; kx++, dst += s->ic) {
				const int32_t ix = x0 + (int32_t)(kx * p->dilation_w);

				if (ix < 0 || ix >= (int32_t)s->iw)
					memset(dst, zp, s->ic);
				else
					copy_taps(dst, src + (size_t)ix * s->ic, s->ic, end);
			}
		}
		for (uint32_t t = pl->k; t < pl->kp; t++)
			row[t] = 0;
		if (++ox == s->ow) {
			ox = 0;
			if (++oy == s->oh) {
				oy = 0;
				b++;
			}
		}
	}
}

/* One run of a plan, split over threads: units of (tile of pixels, channel group). */
struct conv_job {
	const struct cpu_conv_plan *pl;
	const int8_t *in;
	int8_t *out;
	size_t tile, tiles;	/* pixels per tile (at most pl->tile); tiles */
	uint32_t groups;
	bool failed;		/* a part ran out of memory */
};

static void conv_part(void *arg, uint32_t part, uint32_t parts)
{
	const struct conv_job *j = arg;
	const struct cpu_conv_plan *pl = j->pl;
	const uint32_t oc = pl->s.oc, blocks = (oc + CH_BLOCK - 1) / CH_BLOCK;
	const size_t elem = cpu_igemm_a_elem(pl->isa);
	size_t u0, u1, packed_tile = SIZE_MAX;
	int8_t *col = NULL;
	void *a;

	cpu_part_range(j->tiles * j->groups, part, parts, &u0, &u1);
	if (u0 == u1)
		return;
	if (!pl->direct)
		col = malloc(pl->tile * pl->kp + TILE_SLACK);
	a = malloc(pl->tile * pl->kp * elem + TILE_SLACK);
	if ((!pl->direct && !col) || !a) {
		/* The caller then reruns the whole op with the firmware's kernel. */
		__atomic_store_n((bool *)&j->failed, true, __ATOMIC_RELAXED);
		goto out;
	}
	for (size_t u = u0; u < u1; u++) {
		const size_t t = u / j->groups, g = u % j->groups, p0 = t * j->tile;
		const uint32_t m = (uint32_t)(pl->pixels - p0 < j->tile ? pl->pixels - p0 : j->tile);
		const uint32_t n0 = (uint32_t)(blocks * g / j->groups) * CH_BLOCK;
		uint32_t n1 = (uint32_t)(blocks * (g + 1) / j->groups) * CH_BLOCK;
		const int8_t *rows = pl->direct ? j->in + p0 * pl->k : col;
		int8_t *out = j->out + p0 * oc;

		n1 = n1 < oc ? n1 : oc;
		if (n0 >= n1)
			continue;
		if (packed_tile != t) {
			if (!pl->direct)
				im2col(pl, j->in, p0, m, col);
			cpu_igemm_pack_a(pl->isa, rows, pl->direct ? pl->k : pl->kp, m, pl->k, a);
			packed_tile = t;
		}
		cpu_igemm(pl->isa, a, m, pl->kp, pl->packed, n0, n1, &pl->r, out, oc);
	}
out:
	free(col);
	free(a);
}

bool cpu_conv_plan_run(const struct cpu_conv_plan *pl, const int8_t *in, int8_t *out,
		       struct npu_cpu_pool *pool)
{
	const uint32_t threads =
		(double)pl->pixels * pl->k * pl->s.oc < POOL_MIN_MACS ? 1 : cpu_pool_threads(pool);
	const uint32_t blocks = (pl->s.oc + CH_BLOCK - 1) / CH_BLOCK;
	const size_t target = (size_t)SPLIT_PER_THREAD * threads;
	struct conv_job j = {
		.pl = pl, .in = in, .out = out, .tile = pl->tile,
		.tiles = (pl->pixels + pl->tile - 1) / pl->tile, .groups = 1,
	};
	size_t units;

	if (threads > 1 && j.tiles < target) {
		/* Few pixels (the deep layers): split channels, then smaller tiles. */
		j.groups = (uint32_t)((target + j.tiles - 1) / j.tiles);
		j.groups = j.groups < blocks ? j.groups : blocks;
		if (j.tiles * j.groups < target) {
			const size_t want = (target + j.groups - 1) / j.groups;
			size_t tile = (pl->pixels + want - 1) / want;

			tile = (tile + 3) / 4 * 4;
			j.tile = tile < 4 ? 4 : tile < pl->tile ? tile : pl->tile;
			j.tiles = (pl->pixels + j.tile - 1) / j.tile;
		}
	}
	units = j.tiles * j.groups;
	cpu_pool_run_parts(threads > 1 ? pool : NULL, conv_part, &j,
			   (uint32_t)(units < target ? units : target));
	return !j.failed;
}

bool cpu_opt_conv2d_s8(const struct npu_conv_params *p, const int8_t *in,
		       const int8_t *filter, const int32_t *bias,
		       const int32_t *mult, const int32_t *shift, int8_t *out,
		       enum cpu_isa isa, struct npu_cpu_pool *pool)
{
	struct cpu_conv_plan *pl = cpu_conv_plan_create(p, filter, bias, mult, shift, isa);
	bool done;

	if (!pl)
		return false;
	done = cpu_conv_plan_run(pl, in, out, pool);
	cpu_conv_plan_free(pl);
	return done;
}

/*
 * FULLY_CONNECTED:
 *
 * sum((f + f_off) * (x + in_off)) = sum(f * x) + in_off * sum(f)
 *                                   + f_off * sum(x) + depth * f_off * in_off
 *
 * The second term and the bias are per unit, folded when planned; the
 * others per batch.
 */
struct cpu_fc_plan {
	struct npu_fc_params p;
	const int8_t *filter;	/* what the plan was made from */
	const int32_t *bias;
	const int32_t *mult, *shift;
	uint32_t *fold;		/* in_off * sum(f) + bias, per unit */
	enum cpu_isa isa;
	void *packed;		/* the filter packed by cpu_igemm_pack_b(); NULL for depth 0 */
};

void cpu_fc_plan_free(struct cpu_fc_plan *pl)
{
	if (!pl)
		return;
	free(pl->fold);
	free(pl->packed);
	free(pl);
}

struct cpu_fc_plan *cpu_fc_plan_create(const struct npu_fc_params *p, const int8_t *filter,
				       const int32_t *bias, const int32_t *mult,
				       const int32_t *shift, enum cpu_isa isa)
{
	const uint32_t depth = p->input.dims[1], units = p->output.dims[1];
	uint32_t in_off = (uint32_t)-p->input.zero_point;
	struct cpu_fc_plan *pl;

	if (!fits_s8(p->input.zero_point) || !fits_s8(p->filter.zero_point) || !units ||
	    depth > UINT32_MAX / 2)
		return NULL;
	pl = calloc(1, sizeof(*pl));
	if (!pl)
		return NULL;
	*pl = (struct cpu_fc_plan){
		.p = *p, .filter = filter, .bias = bias, .mult = mult, .shift = shift,
		.fold = malloc(units * sizeof(*pl->fold)), .isa = isa,
	};
	if (depth) {
		pl->packed = malloc(cpu_igemm_b_size(isa, units, depth));
		if (pl->packed)
			cpu_igemm_pack_b(isa, filter, units, depth, pl->packed);
		if (isa == CPU_ISA_AVX512VNNI)
			in_off -= 128;	/* its sums are of (x + 128) * f */
	}
	if (!pl->fold || (depth && !pl->packed)) {
		cpu_fc_plan_free(pl);
		return NULL;
	}
	row_sums(filter, units, depth, pl->fold);
	for (uint32_t u = 0; u < units; u++)
		pl->fold[u] = pl->fold[u] * in_off + (bias ? (uint32_t)bias[u] : 0);
	return pl;
}

bool cpu_fc_plan_for(const struct cpu_fc_plan *pl, const int8_t *filter, const int32_t *bias)
{
	return pl->filter == filter && pl->bias == bias;
}

/* One run of an FC plan, split over threads by blocks of CH_BLOCK units. */
struct fc_job {
	const struct cpu_fc_plan *pl;
	const void *a;		/* the input, packed */
	const uint32_t *base;	/* per batch: f_off * sum(x) + depth * f_off * in_off */
	int8_t *out;
	int32_t *acc;
};

static void fc_part(void *arg, uint32_t part, uint32_t parts)
{
	const struct fc_job *j = arg;
	const struct cpu_fc_plan *pl = j->pl;
	const struct npu_fc_params *p = &pl->p;
	const uint32_t batches = p->input.dims[0], depth = p->input.dims[1];
	const uint32_t units = p->output.dims[1];
	const bool f64 = p->rq.flags & NPU_RQ_SCALE_F64;
	size_t b0, b1;
	uint32_t u0, u1;

	cpu_part_range((units + CH_BLOCK - 1) / CH_BLOCK, part, parts, &b0, &b1);
	u0 = (uint32_t)b0 * CH_BLOCK;
	u1 = (uint32_t)b1 * CH_BLOCK < units ? (uint32_t)b1 * CH_BLOCK : units;
	if (u0 >= u1)
		return;
	/* Packed b is panel-major: a whole block of units starts where its bytes do. */
	if (pl->packed)
		cpu_igemm_acc(pl->isa, j->a, batches, cpu_igemm_kp(pl->isa, depth),
			      (const uint8_t *)pl->packed + cpu_igemm_b_size(pl->isa, u0, depth),
			      u1 - u0, j->acc + u0, units);
	for (uint32_t b = 0; b < batches; b++) {
		/*
		 * FULLY_CONNECTED rounds as the firmware's FC (the binary64
		 * scale, or the Q31 multiplier once), unlike the convolutions'
		 * SIMD requantization; one call per unit is cheap.
		 */
		for (uint32_t u = u0; u < u1; u++) {
			const int32_t s = (int32_t)((uint32_t)j->acc[(size_t)b * units + u] +
						    j->base[b] + pl->fold[u]);
			const int32_t m = p->rq.count ? pl->mult[u] : p->rq.multiplier;
			const int32_t sh = p->rq.count ? pl->shift[u] : p->rq.shift;
			int32_t v = f64 ? npu_fw_round_scale(s, (uint32_t)m, (uint32_t)sh) :
					  npu_fw_mbqm_single(s, m, sh);

			v = (int32_t)((uint32_t)v + (uint32_t)p->output.zero_point);
			j->out[(size_t)b * units + u] =
				(int8_t)(v < p->act_min ? p->act_min : v > p->act_max ? p->act_max : v);
		}
	}
}

bool cpu_fc_plan_run(const struct cpu_fc_plan *pl, const int8_t *in, int8_t *out,
		     struct npu_cpu_pool *pool)
{
	const struct npu_fc_params *p = &pl->p;
	const uint32_t batches = p->input.dims[0], depth = p->input.dims[1];
	const uint32_t units = p->output.dims[1];
	const uint32_t in_off = (uint32_t)-p->input.zero_point;
	const uint32_t f_off = (uint32_t)-p->filter.zero_point;
	const size_t kp = pl->packed ? cpu_igemm_kp(pl->isa, depth) : 0;
	struct fc_job j = {
		.pl = pl, .out = out,
		.acc = calloc((size_t)batches * units, sizeof(*j.acc)),
	};
	uint32_t *base = malloc((batches ? batches : 1) * sizeof(*base));
	void *a = pl->packed ? malloc(batches * kp * 2 + 1) : NULL;

	if (!j.acc || !base || (pl->packed && !a)) {
		free(j.acc);
		free(base);
		free(a);
		return false;
	}
	if (pl->packed)
		cpu_igemm_pack_a(pl->isa, in, depth, batches, depth, a);
	for (uint32_t b = 0; b < batches; b++) {
		const int8_t *x = in + (size_t)b * depth;
		uint32_t xsum = 0;

		for (uint32_t i = 0; i < depth; i++)
			xsum += (uint32_t)(int32_t)x[i];
		/* The batch's own terms, folded into the accumulators. */
		base[b] = f_off * xsum + depth * f_off * in_off;
	}
	j.a = a;
	j.base = base;
	cpu_pool_run((double)batches * depth * units < POOL_MIN_MACS ? NULL : pool, fc_part, &j);
	free(j.acc);
	free(base);
	free(a);
	return true;
}

bool cpu_opt_fc_s8(const struct npu_fc_params *p, const int8_t *in,
		   const int8_t *filter, const int32_t *bias,
		   const int32_t *mult, const int32_t *shift, int8_t *out,
		   enum cpu_isa isa, struct npu_cpu_pool *pool)
{
	struct cpu_fc_plan *pl = cpu_fc_plan_create(p, filter, bias, mult, shift, isa);
	bool done;

	if (!pl)
		return false;
	done = cpu_fc_plan_run(pl, in, out, pool);
	cpu_fc_plan_free(pl);
	return done;
}
