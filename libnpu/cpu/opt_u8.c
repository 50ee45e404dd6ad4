// SPDX-License-Identifier: MIT
/*
 * uint8 CONV_2D and FULLY_CONNECTED (legacy asymmetric models) by exact
 * reformulation onto the int8 kernels (opt_conv.c), whose GEMM is left as
 * it is.  With x' = x - 128 and zero points less 128, every (x - zi) is
 * the same number, so only the filter needs care:
 *
 *  - FULLY_CONNECTED takes a filter zero point in int8 as it is: filter
 *    and input go in as int8 (top bit flipped), offsets less 128, and its
 *    scalar requantization writes the uint8 bytes as they are.
 *  - CONV_2D's int8 filter has no zero point, and f - zf spans
 *    [-255, 255].  Split w = f - zf into w1 + w2 (+ w3 for w = 255 alone),
 *    each in int8, and repeat the input channels: the int8 convolution
 *    over 2 (or 3) x Cin channels (x', x') by (w1, w2) sums exactly the
 *    firmware's products (when every w already fits int8, Cin channels of
 *    w).  The output is the int8
 *    requantization with output offset and clamp less 128, top bit flipped
 *    back: equal to the firmware's unless v + zero point wraps, which
 *    needs a multiplier within 512 of 2^31 and no right shift (declined).
 */
#include <stdlib.h>
#include <string.h>

#include "cpu_opt.h"
#include "npu_fw.h"

#if defined(__x86_64__)
#include <emmintrin.h>
#endif

/* dst = src with every byte's top bit flipped (uint8 <-> int8 less 128), 8 bytes a step. */
static void flip_copy(void *dst, const void *src, size_t n)
{
	const uint64_t top = 0x8080808080808080ull;
	uint8_t *d = dst;
	const uint8_t *s = src;
	size_t i = 0;

	for (; i + 8 <= n; i += 8) {
		uint64_t w;

		memcpy(&w, s + i, 8);
		w ^= top;
		memcpy(d + i, &w, 8);
	}
	for (; i < n; i++)
		d[i] = s[i] ^ 0x80;
}

bool cpu_opt_fc_u8(const struct npu_fc_params *p, const uint8_t *in,
		   const uint8_t *filter, const int32_t *bias,
		   const int32_t *mult, const int32_t *shift, uint8_t *out,
		   enum cpu_isa isa, struct npu_cpu_pool *pool)
{
	const size_t n_in = (size_t)p->input.dims[0] * p->input.dims[1];
	const size_t n_f = (size_t)p->output.dims[1] * p->input.dims[1];
	struct npu_fc_params q = *p;
	int8_t *x, *f;
	bool ok;

	if (p->input.zero_point < 0 || p->input.zero_point > 255 || p->filter.zero_point < 0 ||
	    p->filter.zero_point > 255 || p->act_min < 0 || p->act_max > 255 ||
	    p->act_min > p->act_max)
		return false;
	q.input.zero_point -= 128;
	q.filter.zero_point -= 128;
	x = malloc(n_in ? n_in : 1);
	f = malloc(n_f ? n_f : 1);
	ok = x && f;
	if (ok) {
		flip_copy(x, in, n_in);
		flip_copy(f, filter, n_f);
		/* Its clamp is scalar: uint8 bytes out as they are. */
		ok = cpu_opt_fc_s8(&q, x, f, bias, mult, shift, (int8_t *)out, isa, pool);
	}
	free(x);
	free(f);
	return ok;
}

/* Smallest and largest byte of @f. */
static void byte_range(const uint8_t *f, size_t n, uint8_t *lo, uint8_t *hi)
{
	uint8_t a = 255, b = 0;
	size_t i = 0;
#if defined(__x86_64__)
	__m128i vlo = _mm_set1_epi8(-1), vhi = _mm_setzero_si128();
	uint8_t l[16], h[16];

	for (; i + 16 <= n; i += 16) {
		const __m128i v = _mm_loadu_si128((const __m128i *)(f + i));

		vlo = _mm_min_epu8(vlo, v);
		vhi = _mm_max_epu8(vhi, v);
	}
	_mm_storeu_si128((__m128i *)l, vlo);
	_mm_storeu_si128((__m128i *)h, vhi);
	for (int k = 0; k < 16; k++) {
		a = l[k] < a ? l[k] : a;
		b = h[k] > b ? h[k] : b;
	}
#endif
	for (; i < n; i++) {
		a = f[i] < a ? f[i] : a;
		b = f[i] > b ? f[i] : b;
	}
	*lo = a;
	*hi = b;
}

/*
 * dst[k * @n + c] for k < @copies: the int8 parts of w = src[c] - @zf,
 * greedily (each part clamped to int8, the rest carried), 16 at a time in
 * SSE2 (x86-64's baseline).
 */
static void split_row(const uint8_t *src, size_t n, int32_t zf, uint32_t copies, int8_t *dst)
{
	size_t c = 0;
#if defined(__x86_64__)
	const __m128i z = _mm_set1_epi16((int16_t)zf), zero = _mm_setzero_si128();
	const __m128i lo = _mm_set1_epi16(-128), hi = _mm_set1_epi16(127);

	for (; c + 16 <= n; c += 16) {
		const __m128i v = _mm_loadu_si128((const __m128i *)(src + c));
		__m128i w0 = _mm_sub_epi16(_mm_unpacklo_epi8(v, zero), z);
		__m128i w1 = _mm_sub_epi16(_mm_unpackhi_epi8(v, zero), z);

		for (uint32_t k = 0; k < copies; k++) {
			const __m128i p0 = _mm_min_epi16(_mm_max_epi16(w0, lo), hi);
			const __m128i p1 = _mm_min_epi16(_mm_max_epi16(w1, lo), hi);

			_mm_storeu_si128((__m128i *)(dst + k * n + c), _mm_packs_epi16(p0, p1));
			w0 = _mm_sub_epi16(w0, p0);
			w1 = _mm_sub_epi16(w1, p1);
		}
	}
#endif
	for (; c < n; c++) {
		int32_t w = src[c] - zf;

		for (uint32_t k = 0; k < copies; k++) {
			const int32_t part = w < -128 ? -128 : w > 127 ? 127 : w;

			dst[k * n + c] = (int8_t)part;
			w -= part;
		}
	}
}

/* No channel's v + output zero point can wrap (see the top of the file). */
bool cpu_u8_rq_no_wrap(const struct npu_requant *rq, const int32_t *mult, const int32_t *shift,
		       uint32_t n)
{
	for (uint32_t c = 0; c < (rq->count ? n : 1); c++) {
		const int32_t m = rq->count ? mult[c] : rq->multiplier;
		const int32_t s = rq->count ? shift[c] : rq->shift;

		if (s >= 0 && (m < 0 || m > INT32_MAX - 512))
			return false;
	}
	return true;
}

bool cpu_opt_conv2d_u8(const struct npu_conv_params *p, const uint8_t *in,
		       const uint8_t *filter, const int32_t *bias,
		       const int32_t *mult, const int32_t *shift, uint8_t *out,
		       enum cpu_isa isa, struct npu_cpu_pool *pool)
{
	const uint32_t ic = p->input.dims[3], oc = p->output.dims[3];
	const size_t px = (size_t)p->input.dims[0] * p->input.dims[1] * p->input.dims[2];
	const size_t taps = (size_t)oc * p->filter.dims[1] * p->filter.dims[2];
	const size_t out_n = (size_t)p->output.dims[0] * p->output.dims[1] *
			     p->output.dims[2] * oc;
	const int32_t zf = p->filter.zero_point;
	struct npu_conv_params q = *p;
	uint8_t f_lo, f_hi;
	uint32_t copies;
	int8_t *x, *f;
	bool ok;

	if (p->filter.dims[3] != ic || p->input.zero_point < 0 || p->input.zero_point > 255 ||
	    zf < 0 || zf > 255 || p->act_min < 0 || p->act_max > 255 ||
	    p->act_min > p->act_max || !cpu_u8_rq_no_wrap(&p->rq, mult, shift, oc))
		return false;
	byte_range(filter, taps * ic, &f_lo, &f_hi);
	/* w = f - zf spans [f_lo - zf, f_hi - zf]; 255 alone needs three parts. */
	copies = f_hi - zf == 255 ? 3 : f_hi - zf > 127 || f_lo - zf < -128 ? 2 : 1;
	q.input.dims[3] = q.filter.dims[3] = ic * copies;
	q.input.zero_point -= 128;
	q.filter.zero_point = 0;
	q.output.zero_point -= 128;
	q.act_min -= 128;
	q.act_max -= 128;
	x = malloc(px * ic * copies + 1);
	f = malloc(taps * ic * copies + 1);
	ok = x && f;
	if (ok) {
		if (copies == 1)
			flip_copy(x, in, px * ic);
		else
			for (size_t i = 0; i < px; i++)
				for (uint32_t k = 0; k < copies; k++)
					flip_copy(x + (i * copies + k) * ic, in + i * ic, ic);
		/* Greedy: 255 = 127 + 127 + 1, the rest in two parts or one. */
		for (size_t t = 0; t < taps; t++)
			split_row(filter + t * ic, ic, zf, copies, f + t * copies * ic);
		ok = cpu_opt_conv2d_s8(&q, x, f, bias, mult, shift, (int8_t *)out, isa, pool);
	}
	if (ok)
		flip_copy(out, out, out_n);
	free(x);
	free(f);
	return ok;
}
