// SPDX-License-Identifier: MIT
/*
 * Optimized RESIZE_BILINEAR, int8 and int16 (see cpu_opt.h): the
 * firmware's kernel (fw_ops_resize.c) maps every output pixel's column
 * again and sums four products in int64 per element.  The sum is
 * separable in integers:
 *
 *   r0lo wy0 wx0 + r1lo wy1 wx0 + r0hi wy0 wx1 + r1hi wy1 wx1
 *     = wy0 (r0lo wx0 + r0hi wx1) + wy1 (r1lo wx0 + r1hi wx1)
 *
 * so each source row is interpolated along x once (int32, kept while
 * consecutive output rows read it) and each output element is two
 * products and the firmware's rounding.  With |wx0| + |wx1| <= 2048 (a
 * negative weight only where both columns are one), an int8 row
 * interpolates within 2^18 and the sum within 2^29: int32 lanes; int16
 * sums go to int64.  The columns come from the firmware's own map
 * (npu_fw_bilinear_pos()).  Output rows are split across the pool.
 */
#include <stdlib.h>
#include <string.h>

#include "npu_fw.h"

#include "cpu_opt.h"
#include "cpu_simd.h"

/* out[j] = round(h0[j] wy0 + h1[j] wy1 / 2^20) for @n int8 outputs. */
typedef void (*bl_vert_fn)(const int32_t *h0, const int32_t *h1, int32_t wy0, int32_t wy1,
			   size_t n, int8_t *out);

/* The firmware's bl_round(): half away from zero. */
static inline int32_t bl_round(int64_t v)
{
	return v > 0 ? (int32_t)((v + (1 << 19)) >> 20) : (int32_t)-((-v + (1 << 19)) >> 20);
}

static void vert_c(const int32_t *h0, const int32_t *h1, int32_t wy0, int32_t wy1, size_t n,
		   int8_t *out)
{
	for (size_t j = 0; j < n; j++)
		out[j] = (int8_t)bl_round((int64_t)h0[j] * wy0 + (int64_t)h1[j] * wy1);
}

#if defined(__x86_64__)
static AVX2 void vert_avx2(const int32_t *h0, const int32_t *h1, int32_t wy0, int32_t wy1,
			   size_t n, int8_t *out)
{
	const __m256i w0 = _mm256_set1_epi32(wy0), w1 = _mm256_set1_epi32(wy1);
	const __m256i half = _mm256_set1_epi32(1 << 19);
	size_t j = 0;

	for (; j + 8 <= n; j += 8) {
		const __m256i v = _mm256_add_epi32(_mm256_mullo_epi32(opt_ld8(h0 + j), w0),
						   _mm256_mullo_epi32(opt_ld8(h1 + j), w1));
		const __m256i r = _mm256_sign_epi32(
			_mm256_srli_epi32(_mm256_add_epi32(_mm256_abs_epi32(v), half), 20), v);
		__m128i b = _mm_packs_epi32(_mm256_castsi256_si128(r), _mm256_extracti128_si256(r, 1));

		_mm_storel_epi64((__m128i *)(out + j), _mm_packs_epi16(b, b));
	}
	vert_c(h0 + j, h1 + j, wy0, wy1, n - j, out + j);
}

static SSE41 void vert_sse41(const int32_t *h0, const int32_t *h1, int32_t wy0, int32_t wy1,
			     size_t n, int8_t *out)
{
	const __m128i w0 = _mm_set1_epi32(wy0), w1 = _mm_set1_epi32(wy1);
	const __m128i half = _mm_set1_epi32(1 << 19);
	size_t j = 0;

	for (; j + 4 <= n; j += 4) {
		const __m128i v = _mm_add_epi32(
			_mm_mullo_epi32(_mm_loadu_si128((const __m128i *)(h0 + j)), w0),
			_mm_mullo_epi32(_mm_loadu_si128((const __m128i *)(h1 + j)), w1));
		__m128i r = _mm_sign_epi32(_mm_srli_epi32(_mm_add_epi32(_mm_abs_epi32(v), half), 20),
					   v);
		int32_t four;

		r = _mm_packs_epi32(r, r);
		four = _mm_cvtsi128_si32(_mm_packs_epi16(r, r));
		memcpy(out + j, &four, sizeof(four));
	}
	vert_c(h0 + j, h1 + j, wy0, wy1, n - j, out + j);
}
#endif /* __x86_64__ */

#if defined(__aarch64__)
static void vert_neon(const int32_t *h0, const int32_t *h1, int32_t wy0, int32_t wy1,
		      size_t n, int8_t *out)
{
	size_t j = 0;

	for (; j + 8 <= n; j += 8) {
		int16x4_t r[2];

		for (int k = 0; k < 2; k++) {
			const int32x4_t v = vmlaq_n_s32(vmulq_n_s32(vld1q_s32(h0 + j + 4 * k), wy0),
							vld1q_s32(h1 + j + 4 * k), wy1);
			/* |v| + 2^19 >> 20 is a rounding shift of |v| (< 2^30). */
			const int32x4_t a = vreinterpretq_s32_u32(
				vrshrq_n_u32(vreinterpretq_u32_s32(vabsq_s32(v)), 20));

			r[k] = vmovn_s32(vbslq_s32(vcltzq_s32(v), vnegq_s32(a), a));
		}
		vst1_s8(out + j, vmovn_s16(vcombine_s16(r[0], r[1])));
	}
	vert_c(h0 + j, h1 + j, wy0, wy1, n - j, out + j);
}
#endif /* __aarch64__ */

static bl_vert_fn vert_select(enum cpu_isa isa)
{
	switch (isa) {
#if defined(__x86_64__)
	case CPU_ISA_AVX2:
	case CPU_ISA_AVX512VNNI:
		return vert_avx2;
	case CPU_ISA_SSE41:
		return vert_sse41;
#elif defined(__aarch64__)
	case CPU_ISA_NEON:
		return vert_neon;
#endif
	default:
		return vert_c;
	}
}

struct bl_job {
	const struct npu_resize_params *p;
	const void *in;
	void *out;
	uint32_t es;		/* element bytes: 1 (int8) or 2 (int16) */
	const uint32_t *xlo, *xhi;
	const int32_t *xfrac;
	bl_vert_fn vert;
	bool failed;
};

/* Source row @row of one image along x: h[x * c + k], int32. */
static void bl_horiz(const struct bl_job *j, const void *row, int32_t *h)
{
	const uint32_t ow = j->p->output.dims[2], c = j->p->input.dims[3];

	for (uint32_t x = 0; x < ow; x++) {
		const int32_t w1 = j->xfrac[x], w0 = 1024 - w1;
		const size_t lo = (size_t)j->xlo[x] * c, hi = (size_t)j->xhi[x] * c;
		int32_t *o = h + (size_t)x * c;

		if (j->es == 1) {
			const int8_t *r = row;

			for (uint32_t k = 0; k < c; k++)
				o[k] = r[lo + k] * w0 + r[hi + k] * w1;
		} else {
			const int16_t *r = row;

			for (uint32_t k = 0; k < c; k++)
				o[k] = r[lo + k] * w0 + r[hi + k] * w1;
		}
	}
}

static void bl_part(void *arg, uint32_t part, uint32_t parts)
{
	struct bl_job *j = arg;
	const struct npu_resize_params *p = j->p;
	const uint32_t ih = p->input.dims[1], iw = p->input.dims[2], c = p->input.dims[3];
	const uint32_t oh = p->output.dims[1], ow = p->output.dims[2];
	const size_t row_in = (size_t)iw * c * j->es, n = (size_t)ow * c;
	size_t begin, end;
	/* The x-interpolated source rows in h[0] and h[1], and which (image * ih + row). */
	size_t have[2] = { SIZE_MAX, SIZE_MAX };
	int32_t *base, *h[2];

	cpu_part_range((size_t)p->input.dims[0] * oh, part, parts, &begin, &end);
	if (begin == end)
		return;
	base = malloc(2 * n * sizeof(int32_t));
	if (!base) {
		__atomic_store_n(&j->failed, true, __ATOMIC_RELAXED);
		return;
	}
	h[0] = base;
	h[1] = base + n;
	for (size_t r = begin; r < end; r++) {
		const size_t b = r / oh, y = r % oh;
		size_t want0, want1;
		uint32_t lo, hi;
		int32_t wy1;
		const int32_t *h1;

		npu_fw_bilinear_pos(ih, oh, p->flags, (uint32_t)y, &lo, &hi, &wy1);
		want0 = b * ih + lo;
		want1 = b * ih + hi;
		if (have[0] != want0 && have[1] == want0) {	/* moving down: swap */
			int32_t *t = h[0];

			h[0] = h[1];
			h[1] = t;
			have[1] = have[0];
			have[0] = want0;
		} else if (have[0] != want0) {
			bl_horiz(j, (const uint8_t *)j->in + want0 * row_in, h[0]);
			have[0] = want0;
		}
		if (want1 == want0) {
			h1 = h[0];
		} else {
			if (have[1] != want1) {
				bl_horiz(j, (const uint8_t *)j->in + want1 * row_in, h[1]);
				have[1] = want1;
			}
			h1 = h[1];
		}
		if (j->es == 1) {
			j->vert(h[0], h1, 1024 - wy1, wy1, n, (int8_t *)j->out + r * n);
		} else {
			int16_t *o = (int16_t *)j->out + r * n;

			for (size_t e = 0; e < n; e++)
				o[e] = (int16_t)bl_round((int64_t)h[0][e] * (1024 - wy1) +
							 (int64_t)h1[e] * wy1);
		}
	}
	free(base);
}

bool cpu_opt_resize_bilinear(const struct npu_resize_params *p, const void *in, void *out,
			     enum cpu_isa isa, struct npu_cpu_pool *pool)
{
	const uint8_t dt = p->input.dtype;
	struct bl_job j = {
		.p = p, .in = in, .out = out, .es = dt == NPU_DTYPE_INT8 ? 1 : 2,
		.vert = vert_select(isa),
	};
	uint32_t ow, *xlo;

	if ((dt != NPU_DTYPE_INT8 && dt != NPU_DTYPE_INT16) || p->output.dtype != dt ||
	    p->input.rank != 4 || p->output.rank != 4 || !p->input.dims[1] || !p->input.dims[2])
		return false;
	ow = p->output.dims[2];
	xlo = malloc(3 * ((size_t)ow + 1) * sizeof(uint32_t));
	if (!xlo)
		return false;
	j.xlo = xlo;
	j.xhi = xlo + ow + 1;
	j.xfrac = (const int32_t *)(xlo + 2 * (ow + 1));
	for (uint32_t x = 0; x < ow; x++)
		npu_fw_bilinear_pos(p->input.dims[2], ow, p->flags, x, xlo + x,
				    (uint32_t *)j.xhi + x, (int32_t *)j.xfrac + x);
	cpu_pool_run(pool, bl_part, &j);
	free(xlo);
	return !j.failed;
}
