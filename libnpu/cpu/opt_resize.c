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
 *
 * float32 and uint8 have no firmware kernel: TFLite computes them with its
 * float template, cpu_ref_resize_bilinear_f() below (libnpu/lower/resize.c
 * runs it), and cpu_opt_resize_bilinear_f() is its optimized twin.
 */
#include <math.h>
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

/* ---- float32 and uint8: TFLite's float template (reference_ops::ResizeBilinear) ---- */

/* TFLite's ComputeInterpolationValues (float). */
static void fbl_axis(uint32_t i, float scale, bool half, uint32_t in, float *pos, uint32_t *lo,
		     uint32_t *hi)
{
	const float v = half ? ((float)i + 0.5f) * scale - 0.5f : (float)i * scale;
	const float f = floorf(v), c = ceilf(v);

	*pos = v;
	*lo = f > 0.0f ? (uint32_t)f : 0;
	*hi = c < (float)(in - 1) ? (uint32_t)c : in - 1;
	/* As the integer kernel: a position past the input reads the last. */
	if (*lo > in - 1)
		*lo = in - 1;
}

static float fbl_scale(uint32_t in, uint32_t out, bool align)
{
	if (align && out > 1)
		return (float)(in - 1) / (float)(out - 1);
	return (float)in / (float)out;
}

void cpu_ref_resize_bilinear_f(const struct cpu_bilinear_f *s, const void *in, void *out)
{
	const uint32_t ih = s->in[1], iw = s->in[2], c = s->in[3];
	const float sy = fbl_scale(ih, s->out[1], s->align);
	const float sx = fbl_scale(iw, s->out[2], s->align);
	const bool u8 = s->u8;
	const float *fin = in;
	const uint8_t *uin = in;
	float *fout = out;
	uint8_t *uout = out;
	size_t k = 0;

	for (uint32_t b = 0; b < s->in[0]; b++) {
		const size_t img = (size_t)b * ih * iw * c;

		for (uint32_t y = 0; y < s->out[1]; y++) {
			uint32_t y0, y1;
			float py;

			fbl_axis(y, sy, s->half, ih, &py, &y0, &y1);
			for (uint32_t x = 0; x < s->out[2]; x++) {
				const size_t r0 = img + (size_t)y0 * iw * c;
				const size_t r1 = img + (size_t)y1 * iw * c;
				uint32_t x0, x1;
				float px;

				fbl_axis(x, sx, s->half, iw, &px, &x0, &x1);
				/*
				 * The reference's expression, term by term in
				 * its order (float, no contraction).
				 */
				const float dy = py - (float)y0;
				const float dx = px - (float)x0;

				for (uint32_t ch = 0; ch < c; ch++) {
					const size_t i00 = r0 + x0 * c + ch;
					const size_t i10 = r1 + x0 * c + ch;
					const size_t i01 = r0 + x1 * c + ch;
					const size_t i11 = r1 + x1 * c + ch;
					float v00, v10, v01, v11, v;

					v00 = u8 ? (float)uin[i00] : fin[i00];
					v10 = u8 ? (float)uin[i10] : fin[i10];
					v01 = u8 ? (float)uin[i01] : fin[i01];
					v11 = u8 ? (float)uin[i11] : fin[i11];
					v = v00 * (1 - dy) * (1 - dx) +
					    v10 * dy * (1 - dx) +
					    v01 * (1 - dy) * dx +
					    v11 * dy * dx;
					if (u8)
						uout[k++] = (uint8_t)(v + 0.5f);
					else
						fout[k++] = v;
				}
			}
		}
	}
}

/*
 * The optimized form: the columns' maps once, then per output pixel the
 * same float operations in the same order on vectors of channels (no
 * contraction, IEEE single in every lane).  uint8 stores the low byte of
 * the truncation to int32, as the scalar conversion compiles.
 */
struct fbl_job {
	const struct cpu_bilinear_f *s;
	const void *in;
	void *out;
	const uint32_t *x0, *x1;
	const float *dx;
	float sy;
	enum cpu_isa isa;
};

static inline float fbl_one(float v00, float v10, float v01, float v11, float dy, float omy,
			    float dx, float omx)
{
	return v00 * omy * omx + v10 * dy * omx + v01 * omy * dx + v11 * dy * dx;
}

static inline float fbl_ld(const void *p, bool u8, size_t i)
{
	return u8 ? (float)((const uint8_t *)p)[i] : ((const float *)p)[i];
}

static void fbl_pixel_c(const void *r0, const void *r1, size_t a, size_t b, uint32_t c, bool u8,
			float dy, float dx, void *out, size_t o)
{
	const float omy = 1 - dy, omx = 1 - dx;

	for (uint32_t k = 0; k < c; k++) {
		const float v = fbl_one(fbl_ld(r0, u8, a + k), fbl_ld(r1, u8, a + k),
					fbl_ld(r0, u8, b + k), fbl_ld(r1, u8, b + k), dy, omy, dx, omx);

		if (u8)
			((uint8_t *)out)[o + k] = (uint8_t)(v + 0.5f);
		else
			((float *)out)[o + k] = v;
	}
}

#if defined(__x86_64__)
static AVX2 inline __m256 fbl_ld8(const void *p, bool u8, size_t i)
{
	if (u8)
		return _mm256_cvtepi32_ps(_mm256_cvtepu8_epi32(
			_mm_loadl_epi64((const __m128i *)((const uint8_t *)p + i))));
	return _mm256_loadu_ps((const float *)p + i);
}

static AVX2 void fbl_pixel_avx2(const void *r0, const void *r1, size_t a, size_t b, uint32_t c,
				bool u8, float dy, float dx, void *out, size_t o)
{
	const float omy = 1 - dy, omx = 1 - dx;
	const __m256 vdy = _mm256_set1_ps(dy), vomy = _mm256_set1_ps(omy);
	const __m256 vdx = _mm256_set1_ps(dx), vomx = _mm256_set1_ps(omx);
	uint32_t k = 0;

	for (; k + 8 <= c; k += 8) {
		__m256 v = _mm256_mul_ps(_mm256_mul_ps(fbl_ld8(r0, u8, a + k), vomy), vomx);

		v = _mm256_add_ps(v, _mm256_mul_ps(_mm256_mul_ps(fbl_ld8(r1, u8, a + k), vdy), vomx));
		v = _mm256_add_ps(v, _mm256_mul_ps(_mm256_mul_ps(fbl_ld8(r0, u8, b + k), vomy), vdx));
		v = _mm256_add_ps(v, _mm256_mul_ps(_mm256_mul_ps(fbl_ld8(r1, u8, b + k), vdy), vdx));
		if (u8) {
			const __m256i t = _mm256_and_si256(
				_mm256_cvttps_epi32(_mm256_add_ps(v, _mm256_set1_ps(0.5f))),
				_mm256_set1_epi32(0xff));
			__m128i h = _mm_packus_epi32(_mm256_castsi256_si128(t),
						     _mm256_extracti128_si256(t, 1));

			_mm_storel_epi64((__m128i *)((uint8_t *)out + o + k), _mm_packus_epi16(h, h));
		} else {
			_mm256_storeu_ps((float *)out + o + k, v);
		}
	}
	fbl_pixel_c(r0, r1, a + k, b + k, c - k, u8, dy, dx, out, o + k);
}
#endif /* __x86_64__ */

#if defined(__aarch64__)
static inline float32x4_t fbl_ld4(const void *p, bool u8, size_t i)
{
	if (u8) {
		uint32_t w;

		memcpy(&w, (const uint8_t *)p + i, sizeof(w));
		return vcvtq_f32_u32(vmovl_u16(vget_low_u16(vmovl_u8(vcreate_u8(w)))));
	}
	return vld1q_f32((const float *)p + i);
}

static void fbl_pixel_neon(const void *r0, const void *r1, size_t a, size_t b, uint32_t c,
			   bool u8, float dy, float dx, void *out, size_t o)
{
	const float omy = 1 - dy, omx = 1 - dx;
	uint32_t k = 0;

	for (; k + 4 <= c; k += 4) {
		float32x4_t v = vmulq_n_f32(vmulq_n_f32(fbl_ld4(r0, u8, a + k), omy), omx);

		v = vaddq_f32(v, vmulq_n_f32(vmulq_n_f32(fbl_ld4(r1, u8, a + k), dy), omx));
		v = vaddq_f32(v, vmulq_n_f32(vmulq_n_f32(fbl_ld4(r0, u8, b + k), omy), dx));
		v = vaddq_f32(v, vmulq_n_f32(vmulq_n_f32(fbl_ld4(r1, u8, b + k), dy), dx));
		if (u8) {
			int32_t t[4];

			vst1q_s32(t, vcvtq_s32_f32(vaddq_f32(v, vdupq_n_f32(0.5f))));
			for (uint32_t l = 0; l < 4; l++)
				((uint8_t *)out)[o + k + l] = (uint8_t)t[l];
		} else {
			vst1q_f32((float *)out + o + k, v);
		}
	}
	fbl_pixel_c(r0, r1, a + k, b + k, c - k, u8, dy, dx, out, o + k);
}
#endif /* __aarch64__ */

typedef void (*fbl_pixel_fn)(const void *r0, const void *r1, size_t a, size_t b, uint32_t c,
			     bool u8, float dy, float dx, void *out, size_t o);

static void fbl_part(void *arg, uint32_t part, uint32_t parts)
{
	const struct fbl_job *j = arg;
	const struct cpu_bilinear_f *s = j->s;
	const uint32_t ih = s->in[1], iw = s->in[2], c = s->in[3];
	const uint32_t oh = s->out[1], ow = s->out[2];
	const size_t es = s->u8 ? 1 : sizeof(float);
	fbl_pixel_fn pixel = fbl_pixel_c;
	size_t begin, end;

#if defined(__x86_64__)
	if (j->isa == CPU_ISA_AVX2 || j->isa == CPU_ISA_AVX512VNNI)
		pixel = fbl_pixel_avx2;
#elif defined(__aarch64__)
	if (j->isa == CPU_ISA_NEON)
		pixel = fbl_pixel_neon;
#endif
	cpu_part_range((size_t)s->in[0] * oh, part, parts, &begin, &end);
	for (size_t r = begin; r < end; r++) {
		const size_t b = r / oh, img = b * ih * iw * c;
		uint32_t y0, y1;
		float py, dy;

		fbl_axis((uint32_t)(r % oh), j->sy, s->half, ih, &py, &y0, &y1);
		dy = py - (float)y0;
		for (uint32_t x = 0; x < ow; x++)
			pixel((const uint8_t *)j->in + (img + (size_t)y0 * iw * c) * es,
			      (const uint8_t *)j->in + (img + (size_t)y1 * iw * c) * es,
			      (size_t)j->x0[x] * c, (size_t)j->x1[x] * c, c, s->u8, dy, j->dx[x],
			      j->out, (r * ow + x) * c);
	}
}

bool cpu_opt_resize_bilinear_f(const struct cpu_bilinear_f *s, const void *in, void *out,
			       enum cpu_isa isa, struct npu_cpu_pool *pool)
{
	const uint32_t ow = s->out[2];
	struct fbl_job j = { .s = s, .in = in, .out = out, .isa = isa,
			     .sy = fbl_scale(s->in[1], s->out[1], s->align) };
	const float sx = fbl_scale(s->in[2], ow, s->align);
	uint32_t *x0 = malloc(3 * ((size_t)ow + 1) * sizeof(uint32_t));
	float *dx;

	if (!x0)
		return false;
	j.x0 = x0;
	j.x1 = x0 + ow + 1;
	dx = (float *)(x0 + 2 * (ow + 1));
	j.dx = dx;
	for (uint32_t x = 0; x < ow; x++) {
		float px;

		fbl_axis(x, sx, s->half, s->in[2], &px, x0 + x, (uint32_t *)j.x1 + x);
		dx[x] = px - (float)x0[x];
	}
	cpu_pool_run(pool, fbl_part, &j);
	free(x0);
	return true;
}
