// SPDX-License-Identifier: MIT
/*
 * Optimized DEPTHWISE_CONV_2D, int8 and uint8, any depth multiplier (see
 * cpu_opt.h): the input is first widened once to int16 with its offset
 * added and its channels repeated depth-multiplier times, the filter to
 * int16 with its offset (uint8 filters have a zero point); then channels
 * run along the SIMD lanes, the valid taps of each output pixel are listed
 * once, and the row of accumulators is requantized by opt_requant.c.
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

/* Accumulators of @oc channels over @taps (input, filter) pointer pairs. */
typedef void (*dw_acc_fn)(const int16_t *const *ip, const int16_t *const *fp, uint32_t taps,
			  uint32_t oc, int32_t *acc);

static void dw_acc_tail(const int16_t *const *ip, const int16_t *const *fp, uint32_t taps,
			uint32_t c0, uint32_t oc, int32_t *acc)
{
	for (uint32_t c = c0; c < oc; c++) {
		uint32_t a = 0;

		for (uint32_t t = 0; t < taps; t++)
			a += (uint32_t)((int32_t)fp[t][c] * (int32_t)ip[t][c]);
		acc[c] = (int32_t)a;
	}
}

static void dw_acc_c(const int16_t *const *ip, const int16_t *const *fp, uint32_t taps,
		     uint32_t oc, int32_t *acc)
{
	dw_acc_tail(ip, fp, taps, 0, oc, acc);
}

#if defined(__x86_64__)
/*
 * Eight channels from @c: taps in pairs, interleaved so that pmaddwd adds
 * x[t] * f[t] + x[t+1] * f[t+1] per channel (an odd last tap pairs with 0).
 */
static SSE41 inline void dw_acc8_sse(const int16_t *const *ip, const int16_t *const *fp,
				     uint32_t taps, uint32_t c, int32_t *acc)
{
	const __m128i zero = _mm_setzero_si128();
	__m128i lo = zero, hi = zero;
	uint32_t t = 0;

	for (; t < taps; t += 2) {
		const __m128i x0 = _mm_loadu_si128((const __m128i *)(ip[t] + c));
		const __m128i f0 = _mm_loadu_si128((const __m128i *)(fp[t] + c));
		const __m128i x1 = t + 1 < taps ?
			_mm_loadu_si128((const __m128i *)(ip[t + 1] + c)) : zero;
		const __m128i f1 = t + 1 < taps ?
			_mm_loadu_si128((const __m128i *)(fp[t + 1] + c)) : zero;

		lo = _mm_add_epi32(lo, _mm_madd_epi16(_mm_unpacklo_epi16(x0, x1),
						      _mm_unpacklo_epi16(f0, f1)));
		hi = _mm_add_epi32(hi, _mm_madd_epi16(_mm_unpackhi_epi16(x0, x1),
						      _mm_unpackhi_epi16(f0, f1)));
	}
	_mm_storeu_si128((__m128i *)(acc + c), lo);
	_mm_storeu_si128((__m128i *)(acc + c + 4), hi);
}

static SSE41 void dw_acc_sse41(const int16_t *const *ip, const int16_t *const *fp,
			       uint32_t taps, uint32_t oc, int32_t *acc)
{
	uint32_t c = 0;

	for (; c + 8 <= oc; c += 8)
		dw_acc8_sse(ip, fp, taps, c, acc);
	dw_acc_tail(ip, fp, taps, c, oc, acc);
}

static AVX2 void dw_acc_avx2(const int16_t *const *ip, const int16_t *const *fp,
			     uint32_t taps, uint32_t oc, int32_t *acc)
{
	const __m256i zero = _mm256_setzero_si256();
	uint32_t c = 0;

	for (; c + 16 <= oc; c += 16) {
		__m256i lo = zero, hi = zero;
		uint32_t t = 0;

		for (; t < taps; t += 2) {
			const __m256i x0 = _mm256_loadu_si256((const __m256i *)(ip[t] + c));
			const __m256i f0 = _mm256_loadu_si256((const __m256i *)(fp[t] + c));
			const __m256i x1 = t + 1 < taps ?
				_mm256_loadu_si256((const __m256i *)(ip[t + 1] + c)) : zero;
			const __m256i f1 = t + 1 < taps ?
				_mm256_loadu_si256((const __m256i *)(fp[t + 1] + c)) : zero;

			lo = _mm256_add_epi32(lo, _mm256_madd_epi16(_mm256_unpacklo_epi16(x0, x1),
								    _mm256_unpacklo_epi16(f0, f1)));
			hi = _mm256_add_epi32(hi, _mm256_madd_epi16(_mm256_unpackhi_epi16(x0, x1),
								    _mm256_unpackhi_epi16(f0, f1)));
		}
		/* lo holds channels 0-3 and 8-11, hi 4-7 and 12-15. */
		_mm256_storeu_si256((__m256i *)(acc + c), _mm256_permute2x128_si256(lo, hi, 0x20));
		_mm256_storeu_si256((__m256i *)(acc + c + 8),
				    _mm256_permute2x128_si256(lo, hi, 0x31));
	}
	for (; c + 8 <= oc; c += 8)
		dw_acc8_sse(ip, fp, taps, c, acc);
	dw_acc_tail(ip, fp, taps, c, oc, acc);
}
#endif

#if defined(__aarch64__)
static void dw_acc_neon(const int16_t *const *ip, const int16_t *const *fp, uint32_t taps,
			uint32_t oc, int32_t *acc)
{
	uint32_t c = 0;

	for (; c + 8 <= oc; c += 8) {
		int32x4_t a0 = vdupq_n_s32(0), a1 = a0;

		for (uint32_t t = 0; t < taps; t++) {
			const int16x8_t x = vld1q_s16(ip[t] + c);
			const int16x8_t f = vld1q_s16(fp[t] + c);

			a0 = vmlal_s16(a0, vget_low_s16(x), vget_low_s16(f));
			a1 = vmlal_high_s16(a1, x, f);
		}
		vst1q_s32(acc + c, a0);
		vst1q_s32(acc + c + 4, a1);
	}
	dw_acc_tail(ip, fp, taps, c, oc, acc);
}
#endif

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

static dw_acc_fn dw_acc_select(enum cpu_isa isa)
{
	switch (isa) {
#if defined(__x86_64__)
	case CPU_ISA_AVX2:
	case CPU_ISA_AVX512VNNI:
		return dw_acc_avx2;
	case CPU_ISA_SSE41:
		return dw_acc_sse41;
#elif defined(__aarch64__)
	case CPU_ISA_NEON:
		return dw_acc_neon;
#endif
	default:
		return dw_acc_c;
	}
}

struct dw_fast;

/* One depthwise convolution split over threads, by input rows to widen, then output rows. */
struct dw_job {
	const struct npu_conv_params *p;
	const void *in;
	int16_t *in16;		/* [n][ih][iw][oc]: input + offset, channels repeated */
	const int16_t *f16;	/* [kh * kw][oc]: filter + offset */
	void *out;
	bool u8;
	dw_widen_fn widen;
	dw_acc_fn accumulate;
	cpu_requant_fn requant;
	enum cpu_isa isa;
	struct cpu_rq_row r;
	const struct dw_fast *fast;	/* AVX2: the row kernel's layout */
	bool failed;
};

static void dw_widen_part(void *arg, uint32_t part, uint32_t parts)
{
	struct dw_job *j = arg;
	const struct npu_conv_params *p = j->p;
	const uint32_t ic = p->input.dims[3], dm = p->depth_multiplier;
	const int32_t in_off = -p->input.zero_point;
	size_t px0, px1;

	cpu_part_range((size_t)p->input.dims[0] * p->input.dims[1] * p->input.dims[2], part, parts,
		       &px0, &px1);
	if (dm == 1) {	/* the common case: one row, in SIMD */
		j->widen((const uint8_t *)j->in + px0 * ic, j->in16 + px0 * ic, (px1 - px0) * ic,
			 in_off, j->u8);
		return;
	}
	for (size_t px = px0; px < px1; px++) {
		int16_t *o = j->in16 + px * ic * dm;

		for (uint32_t c = 0; c < ic; c++) {
			const int32_t x = j->u8 ? ((const uint8_t *)j->in)[px * ic + c] :
					  ((const int8_t *)j->in)[px * ic + c];

			for (uint32_t k = 0; k < dm; k++)
				*o++ = (int16_t)(x + in_off);
		}
	}
}

static void dw_part(void *arg, uint32_t part, uint32_t parts)
{
	struct dw_job *j = arg;
	const struct npu_conv_params *p = j->p;
	const uint32_t ih = p->input.dims[1], iw = p->input.dims[2];
	const uint32_t oh = p->output.dims[1], ow = p->output.dims[2], oc = p->output.dims[3];
	const uint32_t kh = p->filter.dims[1], kw = p->filter.dims[2], k = kh * kw;
	const int16_t **ip, **fp, **f_all;
	ptrdiff_t *off;
	size_t row0, row1;
	int32_t *acc;

	cpu_part_range((size_t)p->input.dims[0] * oh, part, parts, &row0, &row1);
	if (row0 == row1)
		return;
	acc = malloc(oc * sizeof(*acc));
	ip = malloc((size_t)k * sizeof(*ip));
	fp = malloc((size_t)k * sizeof(*fp));
	f_all = malloc((size_t)k * sizeof(*f_all));
	off = malloc((size_t)k * sizeof(*off));
	if (!acc || !ip || !fp || !f_all || !off) {
		/* The caller then reruns the whole op with the firmware's kernel. */
		__atomic_store_n(&j->failed, true, __ATOMIC_RELAXED);
		row1 = row0;
	}
	/* Tap (ky, kx): its input offset from the window's origin, its filter row. */
	for (uint32_t t = 0; t < k && row1 > row0; t++) {
		off[t] = ((ptrdiff_t)(t / kw) * p->dilation_h * iw + (ptrdiff_t)(t % kw) * p->dilation_w) *
			 oc;
		f_all[t] = j->f16 + (size_t)t * oc;
	}
	for (size_t row = row0; row < row1; row++) {
		const uint32_t b = (uint32_t)(row / oh), oy = (uint32_t)(row % oh);
		const int32_t y0 = (int32_t)(oy * p->stride_h) - p->pad_top;
		uint32_t ky0, ky1;

		npu_fw_tap_range(y0, p->dilation_h, kh, ih, &ky0, &ky1);
		for (uint32_t ox = 0; ox < ow; ox++) {
			const int32_t x0 = (int32_t)(ox * p->stride_w) - p->pad_left;
			/* The window's origin, outside the image under padding: an index, not a pointer. */
			const ptrdiff_t origin = (((ptrdiff_t)b * ih + y0) * iw + x0) * oc;
			uint8_t *o = (uint8_t *)j->out + (row * ow + ox) * oc;
			uint32_t kx0, kx1, taps = 0;

			npu_fw_tap_range(x0, p->dilation_w, kw, iw, &kx0, &kx1);
			if (ky1 - ky0 == kh && kx1 - kx0 == kw) {	/* inside the image */
				for (uint32_t t = 0; t < k; t++)
					ip[t] = j->in16 + (origin + off[t]);
				j->accumulate(ip, f_all, k, oc, acc);
			} else {
				for (uint32_t ky = ky0; ky < ky1; ky++)
					for (uint32_t kx = kx0; kx < kx1; kx++, taps++) {
						ip[taps] = j->in16 + (origin + off[ky * kw + kx]);
						fp[taps] = f_all[ky * kw + kx];
					}
				j->accumulate(ip, fp, taps, oc, acc);
			}
			j->requant(&j->r, acc, oc, (int8_t *)o);
		}
	}
	free(acc);
	free(ip);
	free(fp);
	free(f_all);
	free(off);
}

#if defined(__x86_64__)
/*
 * The row kernel (AVX2): output rows in bands of DW_BAND; for each band the
 * input rows it reads are widened once into "pair rows" in the band's own
 * buffer (L2-sized, per thread):
 *
 *   pr[i][c] = (w[i * g][c], w[i * g + dil_w][c])   int16 pairs
 *
 * where g = gcd(stride_w, 2 * dil_w) (only the pixels the taps start at:
 * every other one at stride 2), w is the input row plus its offset,
 * channels repeated depth-multiplier times and padded to a multiple of 8
 * (16 on AVX-512) (ocp), pad_left zero
 * pixels in front and zero pixels after the image: a zero stands for a
 * tap outside the image, whose product is 0 as the firmware's skipped
 * tap.  The filter is laid out the same way, kx = 2q and 2q + 1 of a row
 * in one pair (an odd last tap paired with 0).  Then one vpmaddwd of a
 * pair row at pair (ox * stride + 2q * dil) / g by the filter pair adds
 * both taps of eight channels, with no unpacking and no per-pixel tap lists;
 * four pixels by eight channels stay in registers over the taps and are
 * requantized there.  Rows outside the image are left out of the tap loop.
 */
#define DW_BAND	8u

struct dw_fast {
	uint32_t ocp;		/* channels padded to 8 (AVX2) or 16 (VNNI) */
	uint32_t nq;		/* tap pairs per filter row */
	uint32_t g;		/* pixels from one pair to the next: gcd(stride, 2 * dilation) */
	uint32_t npos;		/* pairs per pair row */
	uint32_t pw;		/* pixels per widened row */
	size_t prs;		/* int16 per pair row */
	size_t wlen;		/* int16 per widened row */
	int16_t *fp2;		/* [kh][nq][ocp][2] */
};

static uint32_t gcd32(uint32_t a, uint32_t b)
{
	while (b) {
		const uint32_t t = a % b;

		a = b;
		b = t;
	}
	return a;
}

static bool dw_fast_init(struct dw_fast *fs, const struct npu_conv_params *p, const int16_t *f16,
			 uint32_t lanes)
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
	if (pw + dil > UINT32_MAX / 2 / fs->ocp)
		return false;
	fs->pw = (uint32_t)pw;
	fs->npos = (uint32_t)(last / fs->g + 1);
	fs->prs = ((size_t)fs->npos * fs->ocp + 15) / 16 * 32;
	fs->wlen = ((size_t)fs->pw + dil) * fs->ocp + 32;
	fs->fp2 = calloc((size_t)kh * fs->nq * fs->ocp * 2, sizeof(*fs->fp2));
	if (!fs->fp2)
		return false;
	for (uint32_t ky = 0; ky < kh; ky++)
		for (uint32_t kx = 0; kx < kw; kx++)
			for (uint32_t c = 0; c < oc; c++)
				fs->fp2[(((size_t)ky * fs->nq + kx / 2) * fs->ocp + c) * 2 + kx % 2] =
					f16[((size_t)ky * kw + kx) * oc + c];
	return true;
}

/* Pairs of 8 int16 channels @a, @b interleaved to @pr (16 pairs). */
static AVX2 inline void dw_pair8(__m128i a, __m128i b, int16_t *pr)
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
 * Input row @iy of image @b as a pair row (see above): pair i holds the
 * pixels i * g and i * g + dil_w of the padded row.  Through the widened
 * row @w (scratch of fs->wlen), one stream of pairs where g is 1; where g
 * is more (stride 2) and with depth multiplier 1 and no channel padding
 * (MobileNet's layers) in one pass from the input instead, which widens
 * only the pixels the pairs hold.
 */
static AVX2 void dw_pair_row(const struct dw_job *j, const struct dw_fast *fs, uint32_t b,
			     uint32_t iy, int16_t *w, int16_t *pr)
{
	const struct npu_conv_params *p = j->p;
	const uint32_t iw = p->input.dims[2], ic = p->input.dims[3];
	const uint32_t dm = p->depth_multiplier, oc = p->output.dims[3], ocp = fs->ocp;
	const int32_t in_off = -p->input.zero_point;
	const size_t src0 = ((size_t)b * p->input.dims[1] + iy) * iw * ic;
	const size_t d = (size_t)p->dilation_w * ocp;
	int16_t *px = w + (size_t)p->pad_left * ocp;

	if (dm == 1 && ocp == oc && fs->g > 1) {
		const uint8_t *src = (const uint8_t *)j->in + src0;
		const __m256i o = _mm256_set1_epi16((int16_t)in_off);

		for (uint32_t i = 0; i < fs->npos; i++, pr += 2 * (size_t)ocp) {
			const int64_t x0 = (int64_t)i * fs->g - p->pad_left;
			const int64_t x1 = x0 + p->dilation_w;
			uint32_t c = 0;

			for (; c + 16 <= oc; c += 16)
				dw_pair16(dw_px(src, x0, iw, ic, c, o, j->u8, false),
					  dw_px(src, x1, iw, ic, c, o, j->u8, false), pr + 2 * c);
			if (c < oc)	/* 8 left */
				dw_pair8(_mm256_castsi256_si128(dw_px(src, x0, iw, ic, c, o, j->u8,
								      true)),
					 _mm256_castsi256_si128(dw_px(src, x1, iw, ic, c, o, j->u8,
								      true)),
					 pr + 2 * c);
		}
		return;
	}
	memset(w, 0, (size_t)p->pad_left * ocp * sizeof(*w));
	if (dm == 1 && ocp == oc) {
		dw_widen_avx2((const uint8_t *)j->in + src0, px, (size_t)iw * ic, in_off, j->u8);
	} else {
		for (uint32_t x = 0; x < iw; x++, px += ocp) {
			const size_t s = src0 + (size_t)x * ic;

			if (dm == 1) {
				dw_widen_avx2((const uint8_t *)j->in + s, px, ic, in_off, j->u8);
			} else {
				/* Each value into dm lanes, 8 at a time: the overrun is rewritten next. */
				for (uint32_t c = 0; c < ic; c++) {
					const int32_t v = j->u8 ? ((const uint8_t *)j->in)[s + c] :
						      ((const int8_t *)j->in)[s + c];
					const __m128i r = _mm_set1_epi16((int16_t)(v + in_off));

					for (uint32_t k = 0; k < dm; k += 8)
						_mm_storeu_si128((__m128i *)(px + c * dm + k), r);
				}
			}
			if (ocp > oc)
				memset(px + oc, 0, (ocp - oc) * sizeof(*px));
		}
	}
	memset(w + ((size_t)p->pad_left + iw) * ocp, 0,
	       (fs->wlen - ((size_t)p->pad_left + iw) * ocp) * sizeof(*w));
	if (fs->g == 1) {	/* every pixel: one stream */
		const size_t n = (size_t)fs->npos * ocp;

		for (size_t i = 0; i < n; i += 16)
			dw_pair16(_mm256_loadu_si256((const __m256i *)(w + i)),
				  _mm256_loadu_si256((const __m256i *)(w + i + d)), pr + 2 * i);
		return;
	}
	for (uint32_t i = 0; i < fs->npos; i++, pr += 2 * (size_t)ocp) {
		const int16_t *a = w + (size_t)i * fs->g * ocp;

		for (uint32_t c = 0; c < ocp; c += 8)
			dw_pair8(_mm_loadu_si128((const __m128i *)(a + c)),
				 _mm_loadu_si128((const __m128i *)(a + d + c)), pr + 2 * c);
	}
}

/* Eight channels of one pixel requantized to @o (the first @n bytes of them). */
static AVX2 inline __attribute__((always_inline)) void
dw_store8(const struct cpu_rq_row *r, __m256i acc, uint32_t c, int8_t *o, uint32_t n, bool u8)
{
	const __m256i v = opt_rq8(r, acc, c);
	const __m128i b = opt_pack16(v, v, u8);

	if (n >= 8) {
		_mm_storel_epi64((__m128i *)o, b);
	} else {
		int8_t tmp[16];

		_mm_storeu_si128((__m128i *)tmp, b);
		memcpy(o, tmp, n);
	}
}

/* The same for two pixels @oc apart, both whole: one packing. */
static AVX2 inline __attribute__((always_inline)) void
dw_store8x2(const struct cpu_rq_row *r, __m256i acc0, __m256i acc1, uint32_t c, int8_t *o,
	    size_t oc, bool u8)
{
	const __m128i b = opt_pack16(opt_rq8(r, acc0, c), opt_rq8(r, acc1, c), u8);

	_mm_storel_epi64((__m128i *)o, b);
	_mm_storel_epi64((__m128i *)(o + oc), _mm_unpackhi_epi64(b, b));
}

/*
 * One output row: @rows filter rows, @xr[k] the pair row each reads (at
 * the row's first output pixel) and @fr[k] its filter pairs; @px, @qs and
 * @fs_ int16 steps per output pixel, per tap pair in the input and in
 * the filter.  Inlined with @nq 2 (3-wide windows) and @u8 constant.
 */
static AVX2 inline __attribute__((always_inline)) void
dw_row_body(const int16_t *const *xr, const int16_t *const *fr, uint32_t rows, uint32_t nq,
	    size_t px, size_t qs, size_t fs_, uint32_t ow, uint32_t ocp, uint32_t oc,
	    const struct cpu_rq_row *r, int8_t *out, bool u8)
{
	/* A copy the compiler can keep in registers across the stores. */
	const struct cpu_rq_row rr = *r;

	for (uint32_t c = 0; c < ocp; c += 8) {
		const uint32_t nc = oc - c < 8 ? oc - c : 8;

		for (uint32_t ox = 0; ox < ow; ox += 4) {
			__m256i a0 = _mm256_setzero_si256(), a1 = a0, a2 = a0, a3 = a0;
			const size_t at = ox * px + 2 * (size_t)c;
			int8_t *o = out + (size_t)ox * oc + c;

			for (uint32_t k = 0; k < rows; k++) {
				const int16_t *x = xr[k] + at, *f = fr[k] + 2 * (size_t)c;

				for (uint32_t q = 0; q < nq; q++, x += qs, f += fs_) {
					const __m256i w = _mm256_loadu_si256((const __m256i *)f);

#define DW_MAC(a, i) a = _mm256_add_epi32(a, _mm256_madd_epi16(				\
					_mm256_loadu_si256((const __m256i *)(x + (i) * px)), w))
					DW_MAC(a0, 0);
					DW_MAC(a1, 1);
					DW_MAC(a2, 2);
					DW_MAC(a3, 3);
#undef DW_MAC
				}
			}
			if (nc == 8 && ox + 4 <= ow) {
				dw_store8x2(&rr, a0, a1, c, o, oc, u8);
				dw_store8x2(&rr, a2, a3, c, o + 2 * (size_t)oc, oc, u8);
				continue;
			}
			dw_store8(&rr, a0, c, o, nc, u8);
			if (ox + 1 < ow)
				dw_store8(&rr, a1, c, o + oc, nc, u8);
			if (ox + 2 < ow)
				dw_store8(&rr, a2, c, o + 2 * (size_t)oc, nc, u8);
			if (ox + 3 < ow)
				dw_store8(&rr, a3, c, o + 3 * (size_t)oc, nc, u8);
		}
	}
}

static AVX2 void dw_row_avx2(const int16_t *const *xr, const int16_t *const *fr, uint32_t rows,
			     uint32_t nq, size_t px, size_t qs, size_t fs_, uint32_t ow,
			     uint32_t ocp, uint32_t oc, const struct cpu_rq_row *r, int8_t *out)
{
	if (nq == 2 && r->u8)
		dw_row_body(xr, fr, rows, 2, px, qs, fs_, ow, ocp, oc, r, out, true);
	else if (nq == 2)
		dw_row_body(xr, fr, rows, 2, px, qs, fs_, ow, ocp, oc, r, out, false);
	else if (r->u8)
		dw_row_body(xr, fr, rows, nq, px, qs, fs_, ow, ocp, oc, r, out, true);
	else
		dw_row_body(xr, fr, rows, nq, px, qs, fs_, ow, ocp, oc, r, out, false);
}

/*
 * The same on AVX-512 VNNI: sixteen channels per vector, vpdpwssd adds the
 * pair of taps into the accumulators (wrapping, as vpmaddwd then vpaddd),
 * and the requantization rounds once where it can (rq16_apply()).
 */
static VNNI inline __attribute__((always_inline)) void
dw_row_body_vnni(const int16_t *const *xr, const int16_t *const *fr, uint32_t rows,
		 uint32_t nq, size_t px, size_t qs, size_t fs_, uint32_t ow, uint32_t ocp,
		 uint32_t oc, const struct cpu_rq_row *r, int8_t *out, bool left, bool sat)
{
	for (uint32_t c = 0; c < ocp; c += 16) {
		const uint32_t nc = oc - c < 16 ? oc - c : 16;
		const struct rq16 q = rq16_load(r, c);

		for (uint32_t ox = 0; ox < ow; ox += 4) {
			__m512i a0 = _mm512_setzero_si512(), a1 = a0, a2 = a0, a3 = a0;
			const size_t at = ox * px + 2 * (size_t)c;
			int8_t *o = out + (size_t)ox * oc + c;

			for (uint32_t k = 0; k < rows; k++) {
				const int16_t *x = xr[k] + at, *f = fr[k] + 2 * (size_t)c;

				for (uint32_t i = 0; i < nq; i++, x += qs, f += fs_) {
					const __m512i w = _mm512_loadu_si512(f);

					a0 = _mm512_dpwssd_epi32(a0, _mm512_loadu_si512(x), w);
					a1 = _mm512_dpwssd_epi32(a1, _mm512_loadu_si512(x + px), w);
					a2 = _mm512_dpwssd_epi32(a2, _mm512_loadu_si512(x + 2 * px), w);
					a3 = _mm512_dpwssd_epi32(a3, _mm512_loadu_si512(x + 3 * px), w);
				}
			}
			store16(o, rq16_apply(&q, a0, left, sat), nc);
			if (ox + 1 < ow)
				store16(o + oc, rq16_apply(&q, a1, left, sat), nc);
			if (ox + 2 < ow)
				store16(o + 2 * (size_t)oc, rq16_apply(&q, a2, left, sat), nc);
			if (ox + 3 < ow)
				store16(o + 3 * (size_t)oc, rq16_apply(&q, a3, left, sat), nc);
		}
	}
}

static VNNI void dw_row_vnni(const int16_t *const *xr, const int16_t *const *fr, uint32_t rows,
			     uint32_t nq, size_t px, size_t qs, size_t fs_, uint32_t ow,
			     uint32_t ocp, uint32_t oc, const struct cpu_rq_row *r, int8_t *out)
{
	/* Inlined for MobileNet's case: 3-wide windows, no left shift, no INT32_MIN. */
	if (nq == 2 && !r->any_left && !r->any_mult_min)
		dw_row_body_vnni(xr, fr, rows, 2, px, qs, fs_, ow, ocp, oc, r, out, false, false);
	else
		dw_row_body_vnni(xr, fr, rows, nq, px, qs, fs_, ow, ocp, oc, r, out, r->any_left,
				 r->any_mult_min);
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
	const size_t qs = 2 * (size_t)p->dilation_w / fs->g * fs->ocp * 2;
	const size_t fstep = (size_t)fs->ocp * 2;
	const size_t px = (size_t)p->stride_w / fs->g * fs->ocp * 2;
	const int16_t **xr, **fr;
	int16_t *w, *pr;
	size_t row0, row1;

	cpu_part_range((size_t)p->input.dims[0] * oh, part, parts, &row0, &row1);
	if (row0 == row1)
		return;
	w = malloc(fs->wlen * sizeof(*w));
	pr = malloc((size_t)band_rows * fs->prs * sizeof(*pr));
	xr = malloc(kh * sizeof(*xr));
	fr = malloc(kh * sizeof(*fr));
	if (!w || !pr || !xr || !fr) {
		/* The caller then reruns the whole op with the firmware's kernel. */
		__atomic_store_n(&j->failed, true, __ATOMIC_RELAXED);
		row1 = row0;
	}
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
			uint32_t ky0, ky1, rows = 0;

			npu_fw_tap_range(y0, dh, kh, ih, &ky0, &ky1);
			for (uint32_t ky = ky0; ky < ky1; ky++, rows++) {
				xr[rows] = pr + (size_t)(y0 + (int32_t)(ky * dh) - (int32_t)iy0) * fs->prs;
				fr[rows] = fs->fp2 + (size_t)ky * fs->nq * fstep;
			}
			(j->isa == CPU_ISA_AVX512VNNI ? dw_row_vnni : dw_row_avx2)
				(xr, fr, rows, fs->nq, px, qs, fstep, ow, fs->ocp, oc, &j->r,
				 (int8_t *)j->out + (((size_t)b * oh + oy) * ow) * oc);
		}
		row0 += oy1 - oy0;
	}
	free(w);
	free(pr);
	free(xr);
	free(fr);
}
#endif /* __x86_64__ */

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
	int16_t *f16;		/* [kh * kw][oc]: filter + offset (tap-list kernel) */
	uint32_t *base;		/* the requantization's per-channel constant */
	struct cpu_rq_row r;
	bool rq;		/* r was made */
#if defined(__x86_64__)
	struct dw_fast fs;	/* the row kernel's layout (fs.fp2 NULL: none) */
#endif
};

void cpu_dw_plan_free(struct cpu_dw_plan *pl)
{
	if (!pl)
		return;
	if (pl->rq)
		cpu_rq_row_free(&pl->r);
#if defined(__x86_64__)
	free(pl->fs.fp2);
#endif
	free(pl->f16);
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
	pl->f16 = malloc((size_t)taps * oc * sizeof(*pl->f16));
	ok = pl->base && pl->f16;
	if (ok)
		pl->rq = ok = (u8 ? cpu_rq_row_init_u8 : cpu_rq_row_init)(&pl->r, &p->rq, mult,
									    shift, bias, pl->base,
									    oc, p->output.zero_point,
									    p->act_min, p->act_max);
	if (ok) {
		for (size_t i = 0; i < (size_t)taps * oc; i++)
			pl->f16[i] = u8 ? (int16_t)(((const uint8_t *)filter)[i] -
						    p->filter.zero_point) :
				     ((const int8_t *)filter)[i];
#if defined(__x86_64__)
		if (isa == CPU_ISA_AVX2 || isa == CPU_ISA_AVX512VNNI) {
			ok = dw_fast_init(&pl->fs, p, pl->f16, isa == CPU_ISA_AVX512VNNI ? 16 : 8);
			free(pl->f16);
			pl->f16 = NULL;
		}
#endif
	}
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
 * calling thread alone: person_detect's 3 to 6 us layers took twice as
 * long when handed to the pool.
 */
#define DW_POOL_MIN_MACS	(1u << 18)

static struct npu_cpu_pool *dw_pool(const struct npu_conv_params *p, struct npu_cpu_pool *pool)
{
	return (uint64_t)npu_tensor_elems(&p->output) * p->filter.dims[1] * p->filter.dims[2] <
	       DW_POOL_MIN_MACS ? NULL : pool;
}

#if defined(__x86_64__)
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
#endif

bool cpu_dw_plan_run(const struct cpu_dw_plan *pl, const void *in, void *out,
		     struct npu_cpu_pool *pool)
{
	const struct npu_conv_params *p = &pl->p;
	struct dw_job j = {
		.p = p, .in = in, .out = out, .u8 = pl->u8, .f16 = pl->f16,
		.widen = dw_widen_select(pl->isa), .accumulate = dw_acc_select(pl->isa),
		.requant = cpu_requant_select(pl->isa), .isa = pl->isa, .r = pl->r,
	};

	pool = dw_pool(p, pool);

#if defined(__x86_64__)
	if (pl->fs.fp2) {
		j.fast = &pl->fs;
		cpu_pool_run_parts(pool, dw_fast_part, &j, dw_fast_parts(p, pool));
		return !j.failed;
	}
#endif
	j.in16 = malloc((size_t)p->input.dims[0] * p->input.dims[1] * p->input.dims[2] *
			p->output.dims[3] * sizeof(*j.in16));
	if (!j.in16)
		return false;
	cpu_pool_run(pool, dw_widen_part, &j);
	cpu_pool_run(pool, dw_part, &j);
	free(j.in16);
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
