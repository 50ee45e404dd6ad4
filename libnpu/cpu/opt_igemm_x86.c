// SPDX-License-Identifier: MIT
/*
 * Packed int8 GEMM with the requantization fused, for the convolutions on
 * x86-64 (see cpu_opt.h, cpu_igemm()): the filter is packed once when the
 * op is prepared, a tile of input rows (pixels) per call, every output
 * requantized while its accumulators are still in registers.
 *
 * AVX2: both operands widened to int16; vpmaddwd adds two exact products
 * into an int32 lane (|p0 + p1| <= 2^15), so a broadcast pair of taps of
 * one pixel times a panel of eight channels by two taps is one vpmaddwd.
 * Four pixels by sixteen channels per step: eight accumulators.
 *
 * AVX-512 VNNI: vpdpbusd adds four u8 x s8 products into an int32 lane,
 * so the pixel's taps go in as x + 128 (the caller folds -128 * sum(f)
 * into its per-channel constant).  Four pixels by 32 channels per step.
 *
 * Every sum wraps modulo 2^32 as the firmware's accumulators; only the
 * order of the additions differs.  The packing and the dispatch are in
 * opt_igemm.c, with the portable C and NEON kernels.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "cpu_opt.h"
#include "cpu_simd.h"

#if defined(__x86_64__)

/* @len int8 values as int16 (AVX2) or as uint8 x + 128 (VNNI). */
static AVX2 void widen_s16(int16_t *dst, const int8_t *src, size_t len)
{
	size_t i = 0;

	for (; i + 16 <= len; i += 16)
		_mm256_storeu_si256((__m256i *)(dst + i),
				    _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)(src + i))));
	for (; i < len; i++)
		dst[i] = src[i];
}

static AVX2 void flip_u8(uint8_t *dst, const int8_t *src, size_t len)
{
	const __m256i flip = _mm256_set1_epi8(-128);
	size_t i = 0;

	for (; i + 32 <= len; i += 32)
		_mm256_storeu_si256((__m256i *)(dst + i),
				    _mm256_xor_si256(_mm256_loadu_si256((const __m256i *)(src + i)),
						     flip));
	for (; i < len; i++)
		dst[i] = (uint8_t)(src[i] ^ 0x80);
}

void cpu_igemm_pack_a_x86(enum cpu_isa isa, const int8_t *src, size_t lds, uint32_t m,
			  uint32_t k, void *dst)
{
	const size_t kp = cpu_igemm_kp(isa, k);

	if (lds == kp) {
		if (isa == CPU_ISA_AVX512VNNI)
			flip_u8(dst, src, m * kp);
		else
			widen_s16(dst, src, m * kp);
		return;
	}
	for (uint32_t i = 0; i < m; i++) {
		if (isa == CPU_ISA_AVX512VNNI) {
			uint8_t *d = (uint8_t *)dst + i * kp;

			flip_u8(d, src + i * lds, k);
			memset(d + k, 0x80, kp - k);
		} else {
			int16_t *d = (int16_t *)dst + i * kp;

			widen_s16(d, src + i * lds, k);
			memset(d + k, 0, (kp - k) * sizeof(*d));
		}
	}
}

static inline int32_t ld32(const void *p)
{
	int32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

#define MADD2(acc0, acc1, x, w0, w1) do {						\
	acc0 = _mm256_add_epi32(acc0, _mm256_madd_epi16(x, w0));			\
	acc1 = _mm256_add_epi32(acc1, _mm256_madd_epi16(x, w1));			\
} while (0)

static AVX2 void igemm_avx2(const int16_t *a, uint32_t m, uint32_t kp, const int16_t *b,
				uint32_t n0, uint32_t n1, const struct cpu_rq_row *r,
				int8_t *out, size_t ldo)
{
	/* A copy the compiler can keep in registers across the stores. */
	const struct cpu_rq_row rr = *r;

	for (uint32_t j = n0; j < n1; j += 16) {
		const int16_t *b0 = cpu_igemm_panel(b, j, kp);
		const int16_t *b1 = j + 8 < n1 ? cpu_igemm_panel(b, j + 8, kp) : b0;
		const uint32_t cols = n1 - j < 16 ? n1 - j : 16;

		for (uint32_t i = 0; i < m; i += 4) {
			const int16_t *x[4];
			const uint32_t rows = cpu_igemm_rows4(a, i, m, kp, x);
			const int16_t *a0 = x[0], *a1 = x[1], *a2 = x[2], *a3 = x[3];
			__m256i c00 = _mm256_setzero_si256(), c01 = c00, c10 = c00, c11 = c00;
			__m256i c20 = c00, c21 = c00, c30 = c00, c31 = c00;
			__m256i acc[8];

			for (uint32_t q = 0; q < kp; q += 2) {
				const __m256i w0 = _mm256_loadu_si256((const __m256i *)(b0 + q * 8));
				const __m256i w1 = _mm256_loadu_si256((const __m256i *)(b1 + q * 8));

				MADD2(c00, c01, _mm256_set1_epi32(ld32(a0 + q)), w0, w1);
				MADD2(c10, c11, _mm256_set1_epi32(ld32(a1 + q)), w0, w1);
				MADD2(c20, c21, _mm256_set1_epi32(ld32(a2 + q)), w0, w1);
				MADD2(c30, c31, _mm256_set1_epi32(ld32(a3 + q)), w0, w1);
			}
			acc[0] = c00, acc[1] = c01, acc[2] = c10, acc[3] = c11;
			acc[4] = c20, acc[5] = c21, acc[6] = c30, acc[7] = c31;
			for (uint32_t s = 0; s < rows; s++)
				store16(out + (i + s) * ldo + j,
					opt_pack16(opt_rq8(&rr, acc[2 * s], j),
						   opt_rq8(&rr, acc[2 * s + 1], j + 8), false),
					cols);
		}
	}
}

#define DPBUSD(acc, x, w) (acc = _mm512_dpbusd_epi32(acc, x, w))

/* One row's 32 (or @cols) results. */
static VNNI inline void vnni_store2(int8_t *o, const struct rq16 *q0, const struct rq16 *q1,
				       __m512i c0, __m512i c1, uint32_t cols, bool left, bool sat)
{
	store16(o, rq16_apply(q0, c0, left, sat), cols);
	if (cols > 16)
		store16(o + 16, rq16_apply(q1, c1, left, sat), cols - 16);
}

/* Rows @i.. of the tile (up to @mr, the rest repeat the first). */
#define ROWS(a, i, m, kp, mr, p) do {							\
	for (uint32_t r_ = 0; r_ < (mr); r_++)						\
		p[r_] = (a) + (size_t)((i) + r_ < (m) ? (i) + r_ : (i)) * (kp);		\
} while (0)

/*
 * Channels @j..@j + 31 (two panels): four rows at a time.  @left is a
 * constant in each instantiation, so the shift goes where it is not needed.
 */
static VNNI inline __attribute__((always_inline)) void
vnni_block2(const uint8_t *a, uint32_t m, uint32_t kp, const int8_t *b0, const int8_t *b1,
	    const struct cpu_rq_row *r, uint32_t j, uint32_t cols, int8_t *out, size_t ldo,
	    bool left, bool sat)
{
	const struct rq16 q0 = rq16_load(r, j), q1 = rq16_load(r, j + 16);

	for (uint32_t i = 0; i < m; i += 4) {
		const uint32_t rows = m - i < 4 ? m - i : 4;
		const uint8_t *p[4];
		__m512i acc[8];
		__m512i c00 = _mm512_setzero_si512(), c01 = c00, c10 = c00, c11 = c00;
		__m512i c20 = c00, c21 = c00, c30 = c00, c31 = c00;

		ROWS(a, i, m, kp, 4, p);
		for (uint32_t t = 0; t < kp; t += 4) {
			const __m512i w0 = _mm512_loadu_si512(b0 + t * 16);
			const __m512i w1 = _mm512_loadu_si512(b1 + t * 16);
			__m512i x;

			x = _mm512_set1_epi32(ld32(p[0] + t));
			DPBUSD(c00, x, w0), DPBUSD(c01, x, w1);
			x = _mm512_set1_epi32(ld32(p[1] + t));
			DPBUSD(c10, x, w0), DPBUSD(c11, x, w1);
			x = _mm512_set1_epi32(ld32(p[2] + t));
			DPBUSD(c20, x, w0), DPBUSD(c21, x, w1);
			x = _mm512_set1_epi32(ld32(p[3] + t));
			DPBUSD(c30, x, w0), DPBUSD(c31, x, w1);
		}
		acc[0] = c00, acc[1] = c01, acc[2] = c10, acc[3] = c11;
		acc[4] = c20, acc[5] = c21, acc[6] = c30, acc[7] = c31;
		for (uint32_t s = 0; s < rows; s++)
			vnni_store2(out + (i + s) * ldo + j, &q0, &q1, acc[2 * s], acc[2 * s + 1], cols,
				    left, sat);
	}
}

/* Channels @j..@j + 15 (the last panel alone): eight rows at a time. */
static VNNI inline __attribute__((always_inline)) void
vnni_block1(const uint8_t *a, uint32_t m, uint32_t kp, const int8_t *b0,
	    const struct cpu_rq_row *r, uint32_t j, uint32_t cols, int8_t *out, size_t ldo,
	    bool left, bool sat)
{
	const struct rq16 q0 = rq16_load(r, j);

	for (uint32_t i = 0; i < m; i += 8) {
		const uint32_t rows = m - i < 8 ? m - i : 8;
		const uint8_t *p[8];
		__m512i acc[8];
		__m512i c0 = _mm512_setzero_si512(), c1 = c0, c2 = c0, c3 = c0;
		__m512i c4 = c0, c5 = c0, c6 = c0, c7 = c0;

		ROWS(a, i, m, kp, 8, p);
		for (uint32_t t = 0; t < kp; t += 4) {
			const __m512i w0 = _mm512_loadu_si512(b0 + t * 16);

			DPBUSD(c0, _mm512_set1_epi32(ld32(p[0] + t)), w0);
			DPBUSD(c1, _mm512_set1_epi32(ld32(p[1] + t)), w0);
			DPBUSD(c2, _mm512_set1_epi32(ld32(p[2] + t)), w0);
			DPBUSD(c3, _mm512_set1_epi32(ld32(p[3] + t)), w0);
			DPBUSD(c4, _mm512_set1_epi32(ld32(p[4] + t)), w0);
			DPBUSD(c5, _mm512_set1_epi32(ld32(p[5] + t)), w0);
			DPBUSD(c6, _mm512_set1_epi32(ld32(p[6] + t)), w0);
			DPBUSD(c7, _mm512_set1_epi32(ld32(p[7] + t)), w0);
		}
		acc[0] = c0, acc[1] = c1, acc[2] = c2, acc[3] = c3;
		acc[4] = c4, acc[5] = c5, acc[6] = c6, acc[7] = c7;
		for (uint32_t s = 0; s < rows; s++)
			store16(out + (i + s) * ldo + j, rq16_apply(&q0, acc[s], left, sat), cols);
	}
}

static VNNI inline __attribute__((always_inline)) void
igemm_vnni_body(const uint8_t *a, uint32_t m, uint32_t kp, const int8_t *b, uint32_t n0,
		uint32_t n1, const struct cpu_rq_row *r, int8_t *out, size_t ldo, bool left,
		bool sat)
{
	const size_t panel = (size_t)kp * 16;

	for (uint32_t j = n0; j < n1; j += 32) {
		const int8_t *b0 = b + (j / 16) * panel;
		const uint32_t cols = n1 - j < 32 ? n1 - j : 32;

		if (cols > 16)
			vnni_block2(a, m, kp, b0, b0 + panel, r, j, cols, out, ldo, left, sat);
		else
			vnni_block1(a, m, kp, b0, r, j, cols, out, ldo, left, sat);
	}
}

static VNNI void igemm_vnni(const uint8_t *a, uint32_t m, uint32_t kp, const int8_t *b,
				uint32_t n0, uint32_t n1, const struct cpu_rq_row *r,
				int8_t *out, size_t ldo)
{
	if (r->any_mult_min)
		igemm_vnni_body(a, m, kp, b, n0, n1, r, out, ldo, r->any_left, true);
	else if (r->any_left)
		igemm_vnni_body(a, m, kp, b, n0, n1, r, out, ldo, true, false);
	else
		igemm_vnni_body(a, m, kp, b, n0, n1, r, out, ldo, false, false);
}

/* One step of the accumulator kernels: a pixel's taps at @x by a panel's at @w. */
static AVX2 inline __m256i acc_step_avx2(__m256i acc, const int16_t *x, const int16_t *w)
{
	return _mm256_add_epi32(acc, _mm256_madd_epi16(_mm256_set1_epi32(ld32(x)),
						       _mm256_loadu_si256((const __m256i *)w)));
}

static VNNI inline __m512i acc_step_vnni(__m512i acc, const uint8_t *x, const int8_t *w)
{
	return _mm512_dpbusd_epi32(acc, _mm512_set1_epi32(ld32(x)), _mm512_loadu_si512(w));
}

/*
 * Accumulators only, one row of a at a time (FULLY_CONNECTED's batches).
 * One body for both variants, which differ only in the vector type @V of
 * @LANES channels, the taps per int32 lane (@TAPS: 2 by vpmaddwd, 4 by
 * vpdpbusd) and the step above.  Two accumulators: the adds of one do not
 * wait for the other's.
 */
#define IGEMM_ACC(name, attr, a_t, b_t, V, LANES, TAPS, zero, step, add, store)	\
static attr void name(const a_t *a, uint32_t m, uint32_t kp, const b_t *b, uint32_t n,	\
		      int32_t *c, size_t ldc)						\
{											\
	const size_t panel = (size_t)kp * (LANES);					\
											\
	for (uint32_t i = 0; i < m; i++) {						\
		const a_t *x = a + (size_t)i * kp;					\
											\
		for (uint32_t j = 0; j < n; j += (LANES)) {				\
			const b_t *w = b + (j / (LANES)) * panel;			\
			V acc0 = zero(), acc1 = acc0;					\
			int32_t tmp[LANES];						\
			uint32_t t = 0;							\
											\
			for (; t + 2 * (TAPS) <= kp; t += 2 * (TAPS)) {			\
				acc0 = step(acc0, x + t, w + t * (LANES));		\
				acc1 = step(acc1, x + t + (TAPS), w + t * (LANES) + (TAPS) * (LANES)); \
			}								\
			if (t < kp)							\
				acc0 = step(acc0, x + t, w + t * (LANES));		\
			store((void *)tmp, add(acc0, acc1));				\
			memcpy(c + (size_t)i * ldc + j, tmp,				\
			       (n - j < (LANES) ? n - j : (LANES)) * sizeof(*c));	\
		}								\
	}									\
}

static AVX2 inline void store_avx2(void *p, __m256i v)
{
	_mm256_storeu_si256((__m256i *)p, v);
}

IGEMM_ACC(igemm_acc_avx2, AVX2, int16_t, int16_t, __m256i, 8, 2, _mm256_setzero_si256,
	  acc_step_avx2, _mm256_add_epi32, store_avx2)
IGEMM_ACC(igemm_acc_vnni, VNNI, uint8_t, int8_t, __m512i, 16, 4, _mm512_setzero_si512,
	  acc_step_vnni, _mm512_add_epi32, _mm512_storeu_si512)

void cpu_igemm_acc_x86(enum cpu_isa isa, const void *a, uint32_t m, uint32_t kp, const void *b,
		       uint32_t n, int32_t *c, size_t ldc)
{
	if (isa == CPU_ISA_AVX512VNNI)
		igemm_acc_vnni(a, m, kp, b, n, c, ldc);
	else
		igemm_acc_avx2(a, m, kp, b, n, c, ldc);
}

void cpu_igemm_x86(enum cpu_isa isa, const void *a, uint32_t m, uint32_t kp, const void *b,
		   uint32_t n0, uint32_t n1, const struct cpu_rq_row *r, int8_t *out, size_t ldo)
{
	if (isa == CPU_ISA_AVX512VNNI)
		igemm_vnni(a, m, kp, b, n0, n1, r, out, ldo);
	else
		igemm_avx2(a, m, kp, b, n0, n1, r, out, ldo);
}
#endif /* __x86_64__ */
