// SPDX-License-Identifier: MIT
/*
 * Optimized DEPTHWISE_CONV_2D, int8 and uint8, any depth multiplier (see
 * cpu_opt.h): one row kernel (below) for every variant, one body for every
 * width.  The input rows are widened to int16 with their offset added and
 * their channels repeated depth-multiplier times, the filter to int16 with
 * its offset (uint8 filters have a zero point), both in pairs of taps;
 * channels run along the SIMD lanes.
 *
 * With zero points within the type, x + in_off and f + f_off lie in
 * [-255, 255]: every product fits int32 exactly and a pair of them too
 * (pmaddwd), so the int32 accumulation wraps as the firmware's.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "cpu_opt.h"
#include "cpu_simd.h"
#include "npu_fw.h"

/* dst[i] = src[i] + off for a row of int8 (or uint8 with @u8) inputs. */
typedef void (*dw_widen_fn)(const void *src, int16_t *dst, size_t n, int32_t off, bool u8);

static void dw_widen_c(const void *src, int16_t *dst, size_t n, int32_t off, bool u8)
{
	for (size_t i = 0; i < n; i++)
		dst[i] = (int16_t)((u8 ? ((const uint8_t *)src)[i] : ((const int8_t *)src)[i]) + off);
}

#if defined(__x86_64__)
static SSE41 void dw_widen_sse41(const void *src, int16_t *dst, size_t n, int32_t off, bool u8)
{
	const __m128i o = _mm_set1_epi16((int16_t)off);
	const uint8_t *s = src;
	size_t i = 0;

	for (; i + 8 <= n; i += 8) {
		const __m128i x = _mm_loadl_epi64((const __m128i *)(s + i));

		_mm_storeu_si128((__m128i *)(dst + i),
				 _mm_add_epi16(u8 ? _mm_cvtepu8_epi16(x) : _mm_cvtepi8_epi16(x), o));
	}
	dw_widen_c(s + i, dst + i, n - i, off, u8);
}

static AVX2 void dw_widen_avx2(const void *src, int16_t *dst, size_t n, int32_t off, bool u8)
{
	const __m256i o = _mm256_set1_epi16((int16_t)off);
	const uint8_t *s = src;
	size_t i = 0;

	for (; i + 16 <= n; i += 16) {
		const __m128i x = _mm_loadu_si128((const __m128i *)(s + i));

		_mm256_storeu_si256((__m256i *)(dst + i),
				    _mm256_add_epi16(u8 ? _mm256_cvtepu8_epi16(x) :
						     _mm256_cvtepi8_epi16(x), o));
	}
	dw_widen_c(s + i, dst + i, n - i, off, u8);
}
#endif

#if defined(__aarch64__)
static void dw_widen_neon(const void *src, int16_t *dst, size_t n, int32_t off, bool u8)
{
	const int16x8_t o = vdupq_n_s16((int16_t)off);
	const uint8_t *s = src;
	size_t i = 0;

	for (; i + 8 <= n; i += 8)
		vst1q_s16(dst + i, vaddq_s16(u8 ? vreinterpretq_s16_u16(vmovl_u8(vld1_u8(s + i))) :
					     vmovl_s8(vld1_s8((const int8_t *)s + i)), o));
	dw_widen_c(s + i, dst + i, n - i, off, u8);
}
#endif

static dw_widen_fn dw_widen_select(enum cpu_isa isa)
{
	switch (isa) {
#if defined(__x86_64__)
	case CPU_ISA_AVX2:
	case CPU_ISA_AVX512VNNI:
		return dw_widen_avx2;
	case CPU_ISA_SSE41:
		return dw_widen_sse41;
#elif defined(__aarch64__)
	case CPU_ISA_NEON:
		return dw_widen_neon;
#endif
	default:
		return dw_widen_c;
	}
}

struct dw_fast;

/* pr[2i] = a[i], pr[2i + 1] = b[i] for @n int16: pairs of two widened pixels. */
typedef void (*dw_zip_fn)(const int16_t *a, const int16_t *b, size_t n, int16_t *pr);

/* One depthwise convolution split over threads by ranges of output rows. */
struct dw_job {
	const struct npu_conv_params *p;
	const void *in;
	void *out;
	bool u8;
	dw_widen_fn widen;
	dw_zip_fn zip;
	cpu_requant_fn requant;
	enum cpu_isa isa;
	struct cpu_rq_row r;
	const struct dw_fast *fast;	/* the layout of the filter and the pair rows */
	bool failed;
};

/*
 * The row kernel (every SIMD variant): output rows in bands of DW_BAND;
 * for each band the input rows it reads are widened once into "pair rows"
 * in the band's own buffer (L2-sized, per thread):
 *
 *   pr[i][c] = (w[i * g][c], w[i * g + dil_w][c])   int16 pairs
 *
 * where g = gcd(stride_w, 2 * dil_w) (only the pixels the taps start at:
 * every other one at stride 2), w is the input row plus its offset,
 * channels repeated depth-multiplier times and padded to a multiple of the
 * variant's lanes (ocp), pad_left zero pixels in front and zero pixels
 * after the image: a zero stands for a tap outside the image, whose
 * product is 0 as the firmware's skipped tap.  The filter is laid out the
 * same way, kx = 2q and 2q + 1 of a row in one pair (an odd last tap
 * paired with 0).  Then one multiply-add of pairs (pmaddwd, vpdpwssd; two
 * vmlal on the de-interleaved pairs on NEON) of a pair row at pair
 * (ox * stride + 2q * dil) / g by the filter pair adds both taps of a
 * vector of channels, with no per-pixel tap lists; four pixels by one
 * vector of channels stay in registers over the taps.  Rows outside the
 * image are left out of the tap loop.
 */
#define DW_BAND	8u

struct dw_fast {
	uint32_t ocp;		/* channels padded to the variant's lanes */
	uint32_t nq;		/* tap pairs per filter row */
	uint32_t g;		/* pixels from one pair to the next: gcd(stride, 2 * dilation) */
	uint32_t npos;		/* pairs per pair row */
	uint32_t pw;		/* pixels per widened row */
	uint32_t ow4;		/* output pixels rounded up to a block of four */
	size_t prs;		/* int16 per pair row */
	size_t wlen;		/* int16 per widened row */
	int16_t *fp2;		/* [kh][nq][ocp][2] */
};

/* Channels per vector of the row kernel of @isa. */
static uint32_t dw_row_lanes(enum cpu_isa isa)
{
	switch (isa) {
#if defined(__x86_64__)
	case CPU_ISA_AVX512VNNI:
		return 16;
	case CPU_ISA_AVX2:
		return 8;
	case CPU_ISA_SSE41:
		return 4;
#elif defined(__aarch64__)
	case CPU_ISA_NEON:
		return 8;
#endif
	default:
		return 1;
	}
}

static uint32_t gcd32(uint32_t a, uint32_t b)
{
	while (b) {
		const uint32_t t = a % b;

		a = b;
		b = t;
	}
	return a;
}

/* The layout for @lanes channels per vector: the filter (uint8 with @u8) in pairs, offset added. */
static bool dw_fast_init(struct dw_fast *fs, const struct npu_conv_params *p, const void *filter,
			 bool u8, uint32_t lanes)
{
	const uint32_t kh = p->filter.dims[1], kw = p->filter.dims[2], oc = p->output.dims[3];
	const uint32_t ow = p->output.dims[2], dil = p->dilation_w;
	const uint64_t ow4 = ((uint64_t)ow + 3) / 4 * 4;
	uint64_t last, pw;

	fs->ocp = (oc + lanes - 1) / lanes * lanes;
	fs->nq = (kw + 1) / 2;
	fs->g = gcd32(p->stride_w, 2 * dil);
	/* Every pixel a block of four reads (ow rounded up to 4), each pair's partner too. */
	last = (ow4 - 1) * p->stride_w + 2 * (uint64_t)(fs->nq - 1) * dil;
	pw = last + 1;
	if (pw < (uint64_t)p->pad_left + p->input.dims[2])
		pw = (uint64_t)p->pad_left + p->input.dims[2];
	if (pw + dil > UINT32_MAX / 2 / fs->ocp || ow4 * fs->ocp > UINT32_MAX / 4)
		return false;
	fs->pw = (uint32_t)pw;
	fs->ow4 = (uint32_t)ow4;
	fs->npos = (uint32_t)(last / fs->g + 1);
	fs->prs = ((size_t)fs->npos * fs->ocp + 15) / 16 * 32;
	fs->wlen = ((size_t)fs->pw + dil) * fs->ocp + 32;
	fs->fp2 = calloc((size_t)kh * fs->nq * fs->ocp * 2, sizeof(*fs->fp2));
	if (!fs->fp2)
		return false;
	for (uint32_t ky = 0; ky < kh; ky++)
		for (uint32_t kx = 0; kx < kw; kx++)
			for (uint32_t c = 0; c < oc; c++) {
				const size_t i = ((size_t)ky * kw + kx) * oc + c;

				fs->fp2[(((size_t)ky * fs->nq + kx / 2) * fs->ocp + c) * 2 + kx % 2] =
					u8 ? (int16_t)(((const uint8_t *)filter)[i] -
						       p->filter.zero_point) :
					     ((const int8_t *)filter)[i];
			}
	return true;
}

static void dw_zip_c(const int16_t *a, const int16_t *b, size_t n, int16_t *pr)
{
	for (size_t i = 0; i < n; i++) {
		pr[2 * i] = a[i];
		pr[2 * i + 1] = b[i];
	}
}

#if defined(__x86_64__)
/* Pairs of 8 int16 channels @a, @b interleaved to @pr (16 pairs). */
static SSE41 inline void dw_pair8(__m128i a, __m128i b, int16_t *pr)
{
	_mm_storeu_si128((__m128i *)pr, _mm_unpacklo_epi16(a, b));
	_mm_storeu_si128((__m128i *)(pr + 8), _mm_unpackhi_epi16(a, b));
}

/* The same for 16 channels. */
static AVX2 inline void dw_pair16(__m256i a, __m256i b, int16_t *pr)
{
	const __m256i lo = _mm256_unpacklo_epi16(a, b), hi = _mm256_unpackhi_epi16(a, b);

	_mm256_storeu_si256((__m256i *)pr, _mm256_permute2x128_si256(lo, hi, 0x20));
	_mm256_storeu_si256((__m256i *)(pr + 16), _mm256_permute2x128_si256(lo, hi, 0x31));
}

static SSE41 void dw_zip_sse41(const int16_t *a, const int16_t *b, size_t n, int16_t *pr)
{
	size_t i = 0;

	for (; i + 8 <= n; i += 8)
		dw_pair8(_mm_loadu_si128((const __m128i *)(a + i)),
			 _mm_loadu_si128((const __m128i *)(b + i)), pr + 2 * i);
	dw_zip_c(a + i, b + i, n - i, pr + 2 * i);
}

static AVX2 void dw_zip_avx2(const int16_t *a, const int16_t *b, size_t n, int16_t *pr)
{
	size_t i = 0;

	for (; i + 16 <= n; i += 16)
		dw_pair16(_mm256_loadu_si256((const __m256i *)(a + i)),
			  _mm256_loadu_si256((const __m256i *)(b + i)), pr + 2 * i);
	for (; i + 8 <= n; i += 8)
		dw_pair8(_mm_loadu_si128((const __m128i *)(a + i)),
			 _mm_loadu_si128((const __m128i *)(b + i)), pr + 2 * i);
	dw_zip_c(a + i, b + i, n - i, pr + 2 * i);
}

/*
 * Pixel @x of a row (@ic channels from @src) widened with offset @o, 16
 * channels from @c (@half: 8, in the low lanes); 0 outside the image.
 */
static AVX2 inline __m256i dw_px(const uint8_t *src, int64_t x, uint32_t iw, uint32_t ic,
				 uint32_t c, __m256i o, bool u8, bool half)
{
	const uint8_t *at;
	__m128i v;

	/* Checked before the address is formed: x < 0 would wrap it (UB). */
	if (x < 0 || x >= iw)
		return _mm256_setzero_si256();
	at = src + (size_t)x * ic + c;
	v = half ? _mm_loadl_epi64((const __m128i *)at) : _mm_loadu_si128((const __m128i *)at);
	return _mm256_add_epi16(u8 ? _mm256_cvtepu8_epi16(v) : _mm256_cvtepi8_epi16(v), o);
}

/*
 * A pair row where g is more than 1 (stride 2) with depth multiplier 1 and
 * no channel padding (MobileNet's layers) in one pass from the input row
 * at @src, widening only the pixels the pairs hold (AVX2).
 */
static AVX2 void dw_pair_row_direct(const struct npu_conv_params *p, const struct dw_fast *fs,
				    const uint8_t *src, bool u8, int16_t *pr)
{
	const uint32_t iw = p->input.dims[2], ic = p->input.dims[3], oc = p->output.dims[3];
	const __m256i o = _mm256_set1_epi16((int16_t)-p->input.zero_point);

	for (uint32_t i = 0; i < fs->npos; i++, pr += 2 * (size_t)fs->ocp) {
		const int64_t x0 = (int64_t)i * fs->g - p->pad_left;
		const int64_t x1 = x0 + p->dilation_w;
		uint32_t c = 0;

		for (; c + 16 <= oc; c += 16)
			dw_pair16(dw_px(src, x0, iw, ic, c, o, u8, false),
				  dw_px(src, x1, iw, ic, c, o, u8, false), pr + 2 * c);
		if (c < oc)	/* 8 left */
			dw_pair8(_mm256_castsi256_si128(dw_px(src, x0, iw, ic, c, o, u8, true)),
				 _mm256_castsi256_si128(dw_px(src, x1, iw, ic, c, o, u8, true)),
				 pr + 2 * c);
	}
}
#endif

#if defined(__aarch64__)
static void dw_zip_neon(const int16_t *a, const int16_t *b, size_t n, int16_t *pr)
{
	size_t i = 0;

	for (; i + 8 <= n; i += 8)
		vst2q_s16(pr + 2 * i, ((int16x8x2_t){ { vld1q_s16(a + i), vld1q_s16(b + i) } }));
	dw_zip_c(a + i, b + i, n - i, pr + 2 * i);
}
#endif

static dw_zip_fn dw_zip_select(enum cpu_isa isa)
{
	switch (isa) {
#if defined(__x86_64__)
	case CPU_ISA_AVX2:
	case CPU_ISA_AVX512VNNI:
		return dw_zip_avx2;
	case CPU_ISA_SSE41:
		return dw_zip_sse41;
#elif defined(__aarch64__)
	case CPU_ISA_NEON:
		return dw_zip_neon;
#endif
	default:
		return dw_zip_c;
	}
}

/*
 * Input row @iy of image @b as a pair row (see above): pair i holds the
 * pixels i * g and i * g + dil_w of the padded row, through the widened
 * row @w (scratch of fs->wlen): one stream of pairs where g is 1.
 */
static void dw_pair_row(const struct dw_job *j, const struct dw_fast *fs, uint32_t b,
			uint32_t iy, int16_t *w, int16_t *pr)
{
	const struct npu_conv_params *p = j->p;
	const uint32_t iw = p->input.dims[2], ic = p->input.dims[3];
	const uint32_t dm = p->depth_multiplier, oc = p->output.dims[3], ocp = fs->ocp;
	const int32_t in_off = -p->input.zero_point;
	const size_t src0 = ((size_t)b * p->input.dims[1] + iy) * iw * ic;
	const size_t d = (size_t)p->dilation_w * ocp;
	int16_t *px = w + (size_t)p->pad_left * ocp;

#if defined(__x86_64__)
	if ((j->isa == CPU_ISA_AVX2 || j->isa == CPU_ISA_AVX512VNNI) && dm == 1 && ocp == oc &&
	    fs->g > 1) {
		dw_pair_row_direct(p, fs, (const uint8_t *)j->in + src0, j->u8, pr);
		return;
	}
#endif
	memset(w, 0, (size_t)p->pad_left * ocp * sizeof(*w));
	if (dm == 1 && ocp == oc) {
		j->widen((const uint8_t *)j->in + src0, px, (size_t)iw * ic, in_off, j->u8);
	} else {
		for (uint32_t x = 0; x < iw; x++, px += ocp) {
			const size_t s = src0 + (size_t)x * ic;

			if (dm == 1) {
				j->widen((const uint8_t *)j->in + s, px, ic, in_off, j->u8);
			} else {
				for (uint32_t c = 0; c < ic; c++) {
					const int32_t v = j->u8 ? ((const uint8_t *)j->in)[s + c] :
						      ((const int8_t *)j->in)[s + c];

					for (uint32_t k = 0; k < dm; k++)
						px[c * dm + k] = (int16_t)(v + in_off);
				}
			}
			if (ocp > oc)
				memset(px + oc, 0, (ocp - oc) * sizeof(*px));
		}
	}
	memset(w + ((size_t)p->pad_left + iw) * ocp, 0,
	       (fs->wlen - ((size_t)p->pad_left + iw) * ocp) * sizeof(*w));
	if (fs->g == 1) {	/* every pixel: one stream */
		j->zip(w, w + d, (size_t)fs->npos * ocp, pr);
		return;
	}
	for (uint32_t i = 0; i < fs->npos; i++, pr += 2 * (size_t)ocp) {
		const int16_t *a = w + (size_t)i * fs->g * ocp;

		j->zip(a, a + d, ocp, pr);
	}
}

/*
 * One output row for the row kernels: @rows filter rows, @xr[k] the pair
 * row each reads (at the row's first output pixel) and @fr[k] its filter
 * pairs; @px, @qs and @fs int16 steps per output pixel, per tap pair in
 * the input and in the filter.  The variants that do not requantize in
 * registers (SSE4.1, NEON) leave the row's accumulators in @acc
 * ([ow4][ocp]) and requantize them by pixel with @requant.
 */
struct dw_row {
	const int16_t *const *xr;
	const int16_t *const *fr;
	uint32_t rows, nq, ow, ocp, oc;
	size_t px, qs, fs;
	const struct cpu_rq_row *r;
	int8_t *out;
	int32_t *acc;
	cpu_requant_fn requant;
};

typedef void (*dw_row_fn)(const struct dw_row *a);

/*
 * The row body, one for every width: DW_ROW(V, TARGET) expands it over the
 * primitives V##_...() (each always inlined, so each width compiles to its
 * own straight vector code):
 *
 *   V##_t, V##_w_t      four pixels' accumulators; a filter pair vector
 *   V##_LANES           channels per vector
 *   V##_cfg             what the entry point fixes per call (tap pairs per
 *                       row, u8, rounding): constants where it inlines
 *   V##_rq_t, V##_rq()  the requantization of a block of channels
 *   V##_out4()          four pixels' accumulators out (the first n valid)
 *   V##_row_end()       after the row (the requantization of @acc)
 */
#define DW_PRIM inline __attribute__((always_inline))

#define DW_ROW(V, TARGET)							\
static TARGET DW_PRIM void dw_row_body_##V(const struct dw_row *ap, const struct V##_cfg cfg) \
{										\
	const struct dw_row a = *ap;	/* locals: the stores alias nothing */	\
	const uint32_t rows = cfg.rows ? cfg.rows : a.rows;			\
										\
	for (uint32_t c = 0; c < a.ocp; c += V##_LANES) {			\
		const uint32_t nc = a.oc - c < V##_LANES ? a.oc - c : V##_LANES; \
		const V##_rq_t q = V##_rq(&a, c);				\
										\
		for (uint32_t ox = 0; ox < a.ow; ox += 4) {			\
			V##_t a0 = V##_zero(), a1 = a0, a2 = a0, a3 = a0;	\
			const size_t at = ox * a.px + 2 * (size_t)c;		\
										\
			_Pragma("GCC unroll 3")					\
			for (uint32_t k = 0; k < rows; k++) {			\
				const int16_t *x = a.xr[k] + at, *f = a.fr[k] + 2 * (size_t)c; \
										\
				_Pragma("GCC unroll 2")				\
				for (uint32_t i = 0; i < cfg.nq; i++, x += a.qs, f += a.fs) { \
					const V##_w_t w = V##_wload(f);		\
										\
					a0 = V##_mac(a0, x, w);			\
					a1 = V##_mac(a1, x + a.px, w);		\
					a2 = V##_mac(a2, x + 2 * a.px, w);	\
					a3 = V##_mac(a3, x + 3 * a.px, w);	\
				}						\
			}							\
			V##_out4(&a, &q, cfg, a0, a1, a2, a3, c, nc, ox,	\
				 a.ow - ox < 4 ? a.ow - ox : 4);		\
		}								\
	}									\
	V##_row_end(&a);							\
}

/* The variants that leave the accumulators in @acc: requantize each pixel's row. */
static inline void dw_row_requant(const struct dw_row *a)
{
	for (uint32_t ox = 0; ox < a->ow; ox++)
		a->requant(a->r, a->acc + (size_t)ox * a->ocp, a->oc,
			   a->out + (size_t)ox * a->oc);
}

/* Portable C: one channel at a time, four pixels; the sum wraps in uint32_t as the firmware's. */
typedef uint32_t c1_t;
typedef struct {
	int32_t f0, f1;
} c1_w_t;
typedef int c1_rq_t;
struct c1_cfg {
	uint32_t nq;
	uint32_t rows;		/* filter rows in the window, constant; 0: a->rows */
};
#define c1_LANES 1u

static DW_PRIM c1_t c1_zero(void)
{
	return 0;
}

static DW_PRIM c1_w_t c1_wload(const int16_t *f)
{
	return (c1_w_t){ f[0], f[1] };
}

static DW_PRIM c1_t c1_mac(c1_t acc, const int16_t *x, c1_w_t w)
{
	return acc + (uint32_t)(x[0] * w.f0) + (uint32_t)(x[1] * w.f1);
}

static DW_PRIM c1_rq_t c1_rq(const struct dw_row *a, uint32_t c)
{
	(void)a;
	(void)c;
	return 0;
}

static DW_PRIM void c1_out4(const struct dw_row *a, const c1_rq_t *q, struct c1_cfg cfg,
			    c1_t a0, c1_t a1, c1_t a2, c1_t a3, uint32_t c, uint32_t nc,
			    uint32_t ox, uint32_t n)
{
	int32_t *o = a->acc + (size_t)ox * a->ocp + c;	/* [ow4][ocp]: all four fit */

	(void)q, (void)cfg, (void)nc, (void)n;
	o[0] = (int32_t)a0;
	o[a->ocp] = (int32_t)a1;
	o[2 * (size_t)a->ocp] = (int32_t)a2;
	o[3 * (size_t)a->ocp] = (int32_t)a3;
}

#define c1_row_end dw_row_requant

DW_ROW(c1, )

static void dw_row_c(const struct dw_row *a)
{
	if (a->nq == 2)
		dw_row_body_c1(a, (struct c1_cfg){ .nq = 2 });
	else
		dw_row_body_c1(a, (struct c1_cfg){ .nq = a->nq });
}

#if defined(__x86_64__)
/*
 * AVX2: eight channels, vpmaddwd, requantized in registers: rounding once
 * where the row is narrow (struct rq8f, as the GEMM's; int8 only) and the
 * four pixels leaving in one packing (pack2x16()), else opt_rq8().
 */
typedef __m256i v8_t;
typedef __m256i v8_w_t;
typedef struct {
	struct cpu_rq_row r;	/* a copy the compiler keeps in registers */
	struct rq8f f;		/* the block's single rounding (narrow rows) */
	__m256i add;
} v8_rq_t;
struct v8_cfg {
	uint32_t nq;
	uint32_t rows;		/* filter rows in the window, constant; 0: a->rows */
	bool u8;
	bool narrow;		/* r->narrow, int8 */
};
#define v8_LANES 8u

static AVX2 DW_PRIM v8_t v8_zero(void)
{
	return _mm256_setzero_si256();
}

static AVX2 DW_PRIM v8_w_t v8_wload(const int16_t *f)
{
	return _mm256_loadu_si256((const __m256i *)f);
}

static AVX2 DW_PRIM v8_t v8_mac(v8_t acc, const int16_t *x, v8_w_t w)
{
	return _mm256_add_epi32(acc, _mm256_madd_epi16(_mm256_loadu_si256((const __m256i *)x), w));
}

static AVX2 DW_PRIM v8_rq_t v8_rq(const struct dw_row *a, uint32_t c)
{
	v8_rq_t q = { .r = *a->r };

	if (q.r.narrow && !q.r.u8) {
		rq8f_load(&q.f, &q.r, c);
		q.add = opt_ld8(q.r.add + c);
	}
	return q;
}

/* Eight channels of one pixel requantized to @o (the first @n bytes of them). */
static AVX2 DW_PRIM void v8_store1(const struct cpu_rq_row *r, __m256i acc, uint32_t c,
				   int8_t *o, uint32_t n, bool u8)
{
	const __m256i v = opt_rq8(r, acc, c);

	store16(o, opt_pack16(v, v, u8), n);
}

/* The same for two pixels @oc apart, eight channels each: one packing. */
static AVX2 DW_PRIM void v8_store2(const struct cpu_rq_row *r, __m256i acc0, __m256i acc1,
				   uint32_t c, int8_t *o, size_t oc, bool u8)
{
	const __m128i b = opt_pack16(opt_rq8(r, acc0, c), opt_rq8(r, acc1, c), u8);

	_mm_storel_epi64((__m128i *)o, b);
	_mm_storel_epi64((__m128i *)(o + oc), _mm_unpackhi_epi64(b, b));
}

static AVX2 DW_PRIM void v8_out4(const struct dw_row *a, const v8_rq_t *q, struct v8_cfg cfg,
				 v8_t a0, v8_t a1, v8_t a2, v8_t a3, uint32_t c, uint32_t nc,
				 uint32_t ox, uint32_t n)
{
	int8_t *o = a->out + (size_t)ox * a->oc + c;

	if (cfg.narrow) {
		/* Pixels 0..3 of the block, eight bytes each, in order. */
		const __m256i v = pack2x16(rq8f_mbqm(&q->f, _mm256_add_epi32(a0, q->add)),
					   rq8f_mbqm(&q->f, _mm256_add_epi32(a1, q->add)),
					   rq8f_mbqm(&q->f, _mm256_add_epi32(a2, q->add)),
					   rq8f_mbqm(&q->f, _mm256_add_epi32(a3, q->add)),
					   _mm256_set1_epi8((int8_t)q->r.act_min),
					   _mm256_set1_epi8((int8_t)q->r.act_max));
		const __m128i lo = _mm256_castsi256_si128(v), hi = _mm256_extracti128_si256(v, 1);

		if (nc == 8 && n == 4) {
			_mm_storel_epi64((__m128i *)o, lo);
			_mm_storeh_pd((double *)(o + a->oc), _mm_castsi128_pd(lo));
			_mm_storel_epi64((__m128i *)(o + 2 * (size_t)a->oc), hi);
			_mm_storeh_pd((double *)(o + 3 * (size_t)a->oc), _mm_castsi128_pd(hi));
		} else {
			int8_t tmp[32];

			_mm256_storeu_si256((__m256i *)tmp, v);
			for (uint32_t i = 0; i < n; i++)
				memcpy(o + i * (size_t)a->oc, tmp + 8 * i, nc);
		}
		return;
	}
	if (nc == 8 && n == 4) {
		v8_store2(&q->r, a0, a1, c, o, a->oc, cfg.u8);
		v8_store2(&q->r, a2, a3, c, o + 2 * (size_t)a->oc, a->oc, cfg.u8);
		return;
	}
	v8_store1(&q->r, a0, c, o, nc, cfg.u8);
	if (n > 1)
		v8_store1(&q->r, a1, c, o + a->oc, nc, cfg.u8);
	if (n > 2)
		v8_store1(&q->r, a2, c, o + 2 * (size_t)a->oc, nc, cfg.u8);
	if (n > 3)
		v8_store1(&q->r, a3, c, o + 3 * (size_t)a->oc, nc, cfg.u8);
}

static AVX2 DW_PRIM void v8_row_end(const struct dw_row *a)
{
	(void)a;
}

/*
 * AVX-512 VNNI: sixteen channels, vpdpwssd adds the pair of taps into the
 * accumulators (wrapping, as vpmaddwd then vpaddd), and the requantization
 * rounds once where it can (rq16_apply()).
 */
typedef __m512i v16_t;
typedef __m512i v16_w_t;
typedef struct rq16 v16_rq_t;
struct v16_cfg {
	uint32_t nq;
	uint32_t rows;		/* filter rows in the window, constant; 0: a->rows */
	bool left, sat;
};
#define v16_LANES 16u

static VNNI DW_PRIM v16_t v16_zero(void)
{
	return _mm512_setzero_si512();
}

static VNNI DW_PRIM v16_w_t v16_wload(const int16_t *f)
{
	return _mm512_loadu_si512(f);
}

static VNNI DW_PRIM v16_t v16_mac(v16_t acc, const int16_t *x, v16_w_t w)
{
	return _mm512_dpwssd_epi32(acc, _mm512_loadu_si512(x), w);
}

static VNNI DW_PRIM v16_rq_t v16_rq(const struct dw_row *a, uint32_t c)
{
	return rq16_load(a->r, c);
}

static VNNI DW_PRIM void v16_out4(const struct dw_row *a, const v16_rq_t *q, struct v16_cfg cfg,
				  v16_t a0, v16_t a1, v16_t a2, v16_t a3, uint32_t c, uint32_t nc,
				  uint32_t ox, uint32_t n)
{
	int8_t *o = a->out + (size_t)ox * a->oc + c;

	store16(o, rq16_apply(q, a0, cfg.left, cfg.sat), nc);
	if (n > 1)
		store16(o + a->oc, rq16_apply(q, a1, cfg.left, cfg.sat), nc);
	if (n > 2)
		store16(o + 2 * (size_t)a->oc, rq16_apply(q, a2, cfg.left, cfg.sat), nc);
	if (n > 3)
		store16(o + 3 * (size_t)a->oc, rq16_apply(q, a3, cfg.left, cfg.sat), nc);
}

static VNNI DW_PRIM void v16_row_end(const struct dw_row *a)
{
	(void)a;
}

/*
 * SSE4.1: four channels, pmaddwd; the accumulators go to @acc (SSE4.1 has
 * no per-lane shifts for the requantization: the row's is the C one).
 */
typedef __m128i v4_t;
typedef __m128i v4_w_t;
typedef int v4_rq_t;
struct v4_cfg {
	uint32_t nq;
	uint32_t rows;		/* filter rows in the window, constant; 0: a->rows */
};
#define v4_LANES 4u

static SSE41 DW_PRIM v4_t v4_zero(void)
{
	return _mm_setzero_si128();
}

static SSE41 DW_PRIM v4_w_t v4_wload(const int16_t *f)
{
	return _mm_loadu_si128((const __m128i *)f);
}

static SSE41 DW_PRIM v4_t v4_mac(v4_t acc, const int16_t *x, v4_w_t w)
{
	return _mm_add_epi32(acc, _mm_madd_epi16(_mm_loadu_si128((const __m128i *)x), w));
}

static SSE41 DW_PRIM v4_rq_t v4_rq(const struct dw_row *a, uint32_t c)
{
	(void)a;
	(void)c;
	return 0;
}

static SSE41 DW_PRIM void v4_out4(const struct dw_row *a, const v4_rq_t *q, struct v4_cfg cfg,
				  v4_t a0, v4_t a1, v4_t a2, v4_t a3, uint32_t c, uint32_t nc,
				  uint32_t ox, uint32_t n)
{
	int32_t *o = a->acc + (size_t)ox * a->ocp + c;	/* [ow4][ocp]: all four fit */

	(void)q, (void)cfg, (void)nc, (void)n;
	_mm_storeu_si128((__m128i *)o, a0);
	_mm_storeu_si128((__m128i *)(o + a->ocp), a1);
	_mm_storeu_si128((__m128i *)(o + 2 * (size_t)a->ocp), a2);
	_mm_storeu_si128((__m128i *)(o + 3 * (size_t)a->ocp), a3);
}

#define v4_row_end dw_row_requant

DW_ROW(v8, AVX2)
DW_ROW(v16, VNNI)
DW_ROW(v4, SSE41)

/* Each entry point inlines the body with 3-wide windows (nq 2) and its flags constant. */
static AVX2 void dw_row_avx2(const struct dw_row *a)
{
	const bool narrow = a->r->narrow && !a->r->u8;

	if (a->nq == 2 && a->rows == 3 && narrow)	/* MobileNet's, inside the image */
		dw_row_body_v8(a, (struct v8_cfg){ .nq = 2, .rows = 3, .narrow = true });
	else if (a->nq == 2 && narrow)
		dw_row_body_v8(a, (struct v8_cfg){ .nq = 2, .narrow = true });
	else if (a->nq == 2 && a->r->u8)
		dw_row_body_v8(a, (struct v8_cfg){ .nq = 2, .u8 = true });
	else if (a->nq == 2)
		dw_row_body_v8(a, (struct v8_cfg){ .nq = 2, .u8 = false });
	else if (narrow)
		dw_row_body_v8(a, (struct v8_cfg){ .nq = a->nq, .narrow = true });
	else if (a->r->u8)
		dw_row_body_v8(a, (struct v8_cfg){ .nq = a->nq, .u8 = true });
	else
		dw_row_body_v8(a, (struct v8_cfg){ .nq = a->nq, .u8 = false });
}

static VNNI void dw_row_vnni(const struct dw_row *a)
{
	/* MobileNet's case: no left shift, no INT32_MIN multiplier. */
	if (a->nq == 2 && !a->r->any_left && !a->r->any_mult_min)
		dw_row_body_v16(a, (struct v16_cfg){ .nq = 2, .left = false, .sat = false });
	else
		dw_row_body_v16(a, (struct v16_cfg){ .nq = a->nq, .left = a->r->any_left,
						     .sat = a->r->any_mult_min });
}

static SSE41 void dw_row_sse41(const struct dw_row *a)
{
	if (a->nq == 2)
		dw_row_body_v4(a, (struct v4_cfg){ .nq = 2 });
	else
		dw_row_body_v4(a, (struct v4_cfg){ .nq = a->nq });
}
#endif /* __x86_64__ */

#if defined(__aarch64__)
/*
 * NEON (no dot product on Cortex-A53): eight channels, the pairs
 * de-interleaved by vld2q (taps 2q and 2q + 1 of eight channels) and each
 * multiply-accumulated widening to int32 (vmlal, wrapping as the
 * firmware's sum); the accumulators go to @acc, requantized by the NEON
 * row (vqrdmulh is SaturatingRoundingDoublingHighMul exactly).
 */
typedef int32x4x2_t n8_t;
typedef int16x8x2_t n8_w_t;
typedef int n8_rq_t;
struct n8_cfg {
	uint32_t nq;
	uint32_t rows;		/* filter rows in the window, constant; 0: a->rows */
};
#define n8_LANES 8u

static DW_PRIM n8_t n8_zero(void)
{
	return (n8_t){ { vdupq_n_s32(0), vdupq_n_s32(0) } };
}

static DW_PRIM n8_w_t n8_wload(const int16_t *f)
{
	return vld2q_s16(f);
}

static DW_PRIM n8_t n8_mac(n8_t acc, const int16_t *x, n8_w_t w)
{
	const int16x8x2_t v = vld2q_s16(x);

	acc.val[0] = vmlal_s16(acc.val[0], vget_low_s16(v.val[0]), vget_low_s16(w.val[0]));
	acc.val[0] = vmlal_s16(acc.val[0], vget_low_s16(v.val[1]), vget_low_s16(w.val[1]));
	acc.val[1] = vmlal_high_s16(acc.val[1], v.val[0], w.val[0]);
	acc.val[1] = vmlal_high_s16(acc.val[1], v.val[1], w.val[1]);
	return acc;
}

static DW_PRIM n8_rq_t n8_rq(const struct dw_row *a, uint32_t c)
{
	(void)a;
	(void)c;
	return 0;
}

static DW_PRIM void n8_out4(const struct dw_row *a, const n8_rq_t *q, struct n8_cfg cfg,
			    n8_t a0, n8_t a1, n8_t a2, n8_t a3, uint32_t c, uint32_t nc,
			    uint32_t ox, uint32_t n)
{
	int32_t *o = a->acc + (size_t)ox * a->ocp + c;	/* [ow4][ocp]: all four fit */

	(void)q, (void)cfg, (void)nc, (void)n;
	vst1q_s32_x2(o, a0);
	vst1q_s32_x2(o + a->ocp, a1);
	vst1q_s32_x2(o + 2 * (size_t)a->ocp, a2);
	vst1q_s32_x2(o + 3 * (size_t)a->ocp, a3);
}

#define n8_row_end dw_row_requant

DW_ROW(n8, )

static void dw_row_neon(const struct dw_row *a)
{
	if (a->nq == 2)
		dw_row_body_n8(a, (struct n8_cfg){ .nq = 2 });
	else
		dw_row_body_n8(a, (struct n8_cfg){ .nq = a->nq });
}
#endif /* __aarch64__ */

static dw_row_fn dw_row_select(enum cpu_isa isa)
{
	switch (isa) {
#if defined(__x86_64__)
	case CPU_ISA_AVX2:
		return dw_row_avx2;
	case CPU_ISA_AVX512VNNI:
		return dw_row_vnni;
	case CPU_ISA_SSE41:
		return dw_row_sse41;
#elif defined(__aarch64__)
	case CPU_ISA_NEON:
		return dw_row_neon;
#endif
	default:
		return dw_row_c;
	}
}

static void dw_fast_part(void *arg, uint32_t part, uint32_t parts)
{
	struct dw_job *j = arg;
	const struct dw_fast *fs = j->fast;
	const struct npu_conv_params *p = j->p;
	const uint32_t ih = p->input.dims[1], oh = p->output.dims[1], ow = p->output.dims[2];
	const uint32_t oc = p->output.dims[3], kh = p->filter.dims[1];
	const uint32_t sh = p->stride_h, dh = p->dilation_h;
	const uint32_t band_in = (DW_BAND - 1) * sh + (kh - 1) * dh + 1;
	const uint32_t band_rows = band_in < ih ? band_in : ih;
	const dw_row_fn row = dw_row_select(j->isa);
	struct dw_row a = {
		.nq = fs->nq, .ow = ow, .ocp = fs->ocp, .oc = oc,
		.px = (size_t)p->stride_w / fs->g * fs->ocp * 2,
		.qs = 2 * (size_t)p->dilation_w / fs->g * fs->ocp * 2,
		.fs = (size_t)fs->ocp * 2, .r = &j->r, .requant = j->requant,
	};
	const int16_t **xr, **fr;
	int16_t *w, *pr;
	size_t row0, row1;
	int32_t *acc;

	cpu_part_range((size_t)p->input.dims[0] * oh, part, parts, &row0, &row1);
	if (row0 == row1)
		return;
	w = malloc(fs->wlen * sizeof(*w));
	pr = malloc((size_t)band_rows * fs->prs * sizeof(*pr));
	xr = malloc(kh * sizeof(*xr));
	fr = malloc(kh * sizeof(*fr));
	acc = malloc((size_t)fs->ow4 * fs->ocp * sizeof(*acc));
	if (!w || !pr || !xr || !fr || !acc) {
		/* The caller then reruns the whole op with the firmware's kernel. */
		__atomic_store_n(&j->failed, true, __ATOMIC_RELAXED);
		row1 = row0;
	}
	a.xr = xr;
	a.fr = fr;
	a.acc = acc;
	while (row0 < row1) {
		const uint32_t b = (uint32_t)(row0 / oh), oy0 = (uint32_t)(row0 % oh);
		/* A band stays within one image and within the part. */
		const uint32_t band = (uint32_t)(row1 - row0 < DW_BAND ? row1 - row0 : DW_BAND);
		const uint32_t oy1 = oh - oy0 < band ? oh : oy0 + band;
		const int64_t top = (int64_t)oy0 * sh - p->pad_top;
		const int64_t bot = (int64_t)(oy1 - 1) * sh - p->pad_top + (int64_t)(kh - 1) * dh;
		const uint32_t iy0 = top < 0 ? 0 : (uint32_t)top;
		const uint32_t iy1 = bot >= (int64_t)ih ? ih : (uint32_t)(bot + 1);

		for (uint32_t iy = iy0; iy < iy1; iy++)
			dw_pair_row(j, fs, b, iy, w, pr + (size_t)(iy - iy0) * fs->prs);
		for (uint32_t oy = oy0; oy < oy1; oy++) {
			const int32_t y0 = (int32_t)(oy * sh) - p->pad_top;
			uint32_t ky0, ky1;

			npu_fw_tap_range(y0, dh, kh, ih, &ky0, &ky1);
			a.rows = 0;
			for (uint32_t ky = ky0; ky < ky1; ky++, a.rows++) {
				xr[a.rows] = pr + (size_t)(y0 + (int32_t)(ky * dh) - (int32_t)iy0) *
					     fs->prs;
				fr[a.rows] = fs->fp2 + (size_t)ky * fs->nq * a.fs;
			}
			a.out = (int8_t *)j->out + (((size_t)b * oh + oy) * ow) * oc;
			row(&a);
		}
		row0 += oy1 - oy0;
	}
	free(w);
	free(pr);
	free(xr);
	free(fr);
	free(acc);
}

/*
 * What one depthwise convolution needs besides its input, made once when
 * the op is prepared: the filter widened (the row kernel's pair layout on
 * AVX2 and AVX-512), the per-channel requantization row with the bias
 * folded in.
 */
struct cpu_dw_plan {
	struct npu_conv_params p;
	const void *filter;	/* what the plan was made from */
	const int32_t *bias;
	bool u8;
	enum cpu_isa isa;
	uint32_t *base;		/* the requantization's per-channel constant */
	struct cpu_rq_row r;
	bool rq;		/* r was made */
	struct dw_fast fs;	/* the row kernel's layout */
};

void cpu_dw_plan_free(struct cpu_dw_plan *pl)
{
	if (!pl)
		return;
	if (pl->rq)
		cpu_rq_row_free(&pl->r);
	free(pl->fs.fp2);
	free(pl->base);
	free(pl);
}

struct cpu_dw_plan *cpu_dw_plan_create(const struct npu_conv_params *p, const void *filter,
				       const int32_t *bias, const int32_t *mult,
				       const int32_t *shift, bool u8, enum cpu_isa isa)
{
	const int32_t lo = u8 ? 0 : -128, hi = u8 ? 255 : 127;
	const uint32_t oc = p->output.dims[3], taps = p->filter.dims[1] * p->filter.dims[2];
	struct cpu_dw_plan *pl;
	bool ok;

	if (!p->depth_multiplier || (uint64_t)p->input.dims[3] * p->depth_multiplier != oc ||
	    p->input.zero_point < lo || p->input.zero_point > hi || !oc || !taps ||
	    (u8 && (p->filter.zero_point < 0 || p->filter.zero_point > 255)) ||
	    p->act_min < lo || p->act_max > hi || p->act_min > p->act_max)
		return NULL;
	/*
	 * Sixteen lanes (VNNI) where they pad the channels no further than
	 * eight would, or the channels are many: person_detect's 8-channel
	 * layers ran at half the speed of the AVX2 kernel in 16 lanes.
	 */
	if (isa == CPU_ISA_AVX512VNNI && oc < 64 && (oc + 15) / 16 * 16 != (oc + 7) / 8 * 8)
		isa = CPU_ISA_AVX2;
	pl = calloc(1, sizeof(*pl));
	if (!pl)
		return NULL;
	*pl = (struct cpu_dw_plan){ .p = *p, .filter = filter, .bias = bias, .u8 = u8, .isa = isa };
	/* Padded: the row kernel requantizes whole blocks of 8 or 16 channels. */
	pl->base = calloc((oc + CPU_RQ_PAD - 1) / CPU_RQ_PAD * CPU_RQ_PAD, sizeof(*pl->base));
	ok = pl->base != NULL;
	if (ok)
		pl->rq = ok = (u8 ? cpu_rq_row_init_u8 : cpu_rq_row_init)(&pl->r, &p->rq, mult,
									    shift, bias, pl->base,
									    oc, p->output.zero_point,
									    p->act_min, p->act_max);
	if (ok)
		ok = dw_fast_init(&pl->fs, p, filter, u8, dw_row_lanes(isa));
	if (!ok) {
		cpu_dw_plan_free(pl);
		return NULL;
	}
	return pl;
}

bool cpu_dw_plan_for(const struct cpu_dw_plan *pl, const void *filter, const int32_t *bias)
{
	return pl->filter == filter && pl->bias == bias;
}

/*
 * Below this many multiply-accumulates a depthwise convolution runs on the
 * calling thread alone: person_detect's 3 to 6 us layers (at most 165,888
 * multiply-accumulates) took twice as long when handed to the pool.  At
 * 2^18, MobileNet-v2's 7x7x576 stride-2 layer (254,016, about 30 us) ran
 * alone too, the second thread idle.
 */
#define DW_POOL_MIN_MACS	(3u << 16)

static struct npu_cpu_pool *dw_pool(const struct npu_conv_params *p, struct npu_cpu_pool *pool)
{
	return (uint64_t)npu_tensor_elems(&p->output) * p->filter.dims[1] * p->filter.dims[2] <
	       DW_POOL_MIN_MACS ? NULL : pool;
}

/*
 * Parts of the row kernel: each part widens the input rows its output rows
 * read, (rows - 1) * stride + kernel height of them, so the rows a window
 * overlaps are widened once per part.  A part of one or two rows (the 14x14
 * and 7x7 layers cut in four per thread) widened two to three times the
 * input and ran 1.2-1.3x faster on two threads than on one.  Parts of at
 * least DW_MIN_PART_ROWS rows, a whole number of them per thread.
 */
#define DW_MIN_PART_ROWS	4u
#define DW_PARTS_PER_THREAD	4u

static uint32_t dw_fast_parts(const struct npu_conv_params *p, const struct npu_cpu_pool *pool)
{
	const uint32_t threads = cpu_pool_threads(pool);
	const size_t rows = (size_t)p->output.dims[0] * p->output.dims[1];
	uint32_t per = DW_PARTS_PER_THREAD;

	while (per > 1 && rows < (size_t)threads * per * DW_MIN_PART_ROWS)
		per /= 2;
	return threads * per;
}

bool cpu_dw_plan_run(const struct cpu_dw_plan *pl, const void *in, void *out,
		     struct npu_cpu_pool *pool)
{
	const struct npu_conv_params *p = &pl->p;
	struct dw_job j = {
		.p = p, .in = in, .out = out, .u8 = pl->u8, .widen = dw_widen_select(pl->isa),
		.zip = dw_zip_select(pl->isa), .requant = cpu_requant_select(pl->isa),
		.isa = pl->isa, .r = pl->r, .fast = &pl->fs,
	};

	pool = dw_pool(p, pool);
	cpu_pool_run_parts(pool, dw_fast_part, &j, dw_fast_parts(p, pool));
	return !j.failed;
}

/* Planned and run at once: the filter or bias is not a constant (and the tests). */
static bool depthwise(const struct npu_conv_params *p, const void *in, const void *filter,
		      const int32_t *bias, const int32_t *mult, const int32_t *shift, void *out,
		      bool u8, enum cpu_isa isa, struct npu_cpu_pool *pool)
{
	struct cpu_dw_plan *pl = cpu_dw_plan_create(p, filter, bias, mult, shift, u8, isa);
	bool ok = pl && cpu_dw_plan_run(pl, in, out, pool);

	cpu_dw_plan_free(pl);
	return ok;
}

bool cpu_opt_depthwise_s8(const struct npu_conv_params *p, const int8_t *in,
			  const int8_t *filter, const int32_t *bias,
			  const int32_t *mult, const int32_t *shift, int8_t *out,
			  enum cpu_isa isa, struct npu_cpu_pool *pool)
{
	return depthwise(p, in, filter, bias, mult, shift, out, false, isa, pool);
}

bool cpu_opt_depthwise_u8(const struct npu_conv_params *p, const uint8_t *in,
			  const uint8_t *filter, const int32_t *bias,
			  const int32_t *mult, const int32_t *shift, uint8_t *out,
			  enum cpu_isa isa, struct npu_cpu_pool *pool)
{
	return depthwise(p, in, filter, bias, mult, shift, out, true, isa, pool);
}
