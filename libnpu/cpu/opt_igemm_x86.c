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
 * The epilogue requantizes a block's accumulators where they are and packs
 * two rows (AVX2: 2 x 16 results; AVX-512: 2 x 32 or 4 x 16) with
 * saturating packs into one vector of bytes (cpu_simd.h: struct rq8f,
 * pack2x16(), rq16_mbqm(), rq16_pack4()).
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

/*
 * Two rows of sixteen results (pack2x16()) to @o and @o + @ldo: the first
 * @cols bytes of each, the second row only when @two.
 */
static AVX2 inline void store2x16(int8_t *o, size_t ldo, __m256i v, uint32_t cols, bool two)
{
	store16(o, _mm256_castsi256_si128(v), cols);
	if (two)
		store16(o + ldo, _mm256_extracti128_si256(v, 1), cols);
}

/* Channels @c.. of a row (@f their struct rq8f when @narrow), offset added. */
static AVX2 inline __m256i gemm_mbqm8(const struct rq8f *f, const struct cpu_rq_row *r,
				      __m256i v, uint32_t c, bool narrow)
{
	return narrow ? rq8f_mbqm(f, v) : opt_mbqm8(r, v, c);
}

/* One pair of taps @q of row pointer @x into the two accumulators of a row. */
#define STEP(c0, c1, x, q, w0, w1) MADD2(c0, c1, _mm256_set1_epi32(ld32((x) + (q))), w0, w1)

/*
 * The accumulators start at the per-channel add, so the requantization
 * begins with the multiplication; each pair of rows leaves in one packing.
 * @narrow: every channel rounds once (struct rq8f), else both roundings
 * as the firmware spells them (opt_mbqm8()).  The tap loop walks the
 * filter by pointer (the second panel @d further) and takes two pairs of
 * taps per step, kp being even (an odd count of pairs ends with one):
 * about 8% fewer instructions than a pair per step by index.  Six rows
 * per block (twelve accumulators) ran slower: GCC then spills.
 */
static AVX2 inline __attribute__((always_inline)) void
igemm_avx2_body(const int16_t *a, uint32_t m, uint32_t kp, const int16_t *b, uint32_t n0,
		uint32_t n1, const struct cpu_rq_row *r, int8_t *out, size_t ldo, bool narrow)
{
	/* A copy the compiler can keep in registers across the stores. */
	const struct cpu_rq_row rr = *r;
	const __m256i lo = _mm256_set1_epi8((int8_t)rr.act_min);
	const __m256i hi = _mm256_set1_epi8((int8_t)rr.act_max);

	for (uint32_t j = n0; j < n1; j += 16) {
		const int16_t *b0 = cpu_igemm_panel(b, j, kp);
		const size_t d = j + 8 < n1 ? (size_t)kp * 8 : 0;	/* to the second panel */
		const int16_t *const end = b0 + (size_t)kp / 4 * 32;
		const uint32_t cols = n1 - j < 16 ? n1 - j : 16;
		const __m256i add0 = opt_ld8(rr.add + j), add1 = opt_ld8(rr.add + j + 8);
		struct rq8f f0, f1;

		if (narrow) {
			rq8f_load(&f0, &rr, j);
			rq8f_load(&f1, &rr, j + 8);
		}
		for (uint32_t i = 0; i < m; i += 4) {
			const int16_t *x[4];
			const uint32_t rows = cpu_igemm_rows4(a, i, m, kp, x);
			const int16_t *a0 = x[0], *a1 = x[1], *a2 = x[2], *a3 = x[3];
			__m256i c00 = add0, c01 = add1, c10 = add0, c11 = add1;
			__m256i c20 = add0, c21 = add1, c30 = add0, c31 = add1;
			int8_t *o = out + (size_t)i * ldo + j;
			const int16_t *w = b0;
			size_t q = 0;

			for (; w < end; w += 32, q += 4) {
				__m256i w0 = _mm256_loadu_si256((const __m256i *)w);
				__m256i w1 = _mm256_loadu_si256((const __m256i *)(w + d));

				STEP(c00, c01, a0, q, w0, w1);
				STEP(c10, c11, a1, q, w0, w1);
				STEP(c20, c21, a2, q, w0, w1);
				STEP(c30, c31, a3, q, w0, w1);
				w0 = _mm256_loadu_si256((const __m256i *)(w + 16));
				w1 = _mm256_loadu_si256((const __m256i *)(w + d + 16));
				STEP(c00, c01, a0, q + 2, w0, w1);
				STEP(c10, c11, a1, q + 2, w0, w1);
				STEP(c20, c21, a2, q + 2, w0, w1);
				STEP(c30, c31, a3, q + 2, w0, w1);
			}
			if (q < kp) {	/* the odd pair */
				const __m256i w0 = _mm256_loadu_si256((const __m256i *)w);
				const __m256i w1 = _mm256_loadu_si256((const __m256i *)(w + d));

				STEP(c00, c01, a0, q, w0, w1);
				STEP(c10, c11, a1, q, w0, w1);
				STEP(c20, c21, a2, q, w0, w1);
				STEP(c30, c31, a3, q, w0, w1);
			}
			store2x16(o, ldo,
				  pack2x16(gemm_mbqm8(&f0, &rr, c00, j, narrow),
					   gemm_mbqm8(&f1, &rr, c01, j + 8, narrow),
					   gemm_mbqm8(&f0, &rr, c10, j, narrow),
					   gemm_mbqm8(&f1, &rr, c11, j + 8, narrow), lo, hi),
				  cols, rows > 1);
			if (rows > 2)
				store2x16(o + 2 * ldo, ldo,
					  pack2x16(gemm_mbqm8(&f0, &rr, c20, j, narrow),
						   gemm_mbqm8(&f1, &rr, c21, j + 8, narrow),
						   gemm_mbqm8(&f0, &rr, c30, j, narrow),
						   gemm_mbqm8(&f1, &rr, c31, j + 8, narrow), lo, hi),
					  cols, rows > 3);
		}
	}
}

static AVX2 void igemm_avx2(const int16_t *a, uint32_t m, uint32_t kp, const int16_t *b,
			    uint32_t n0, uint32_t n1, const struct cpu_rq_row *r, int8_t *out,
			    size_t ldo)
{
	if (r->narrow)
		igemm_avx2_body(a, m, kp, b, n0, n1, r, out, ldo, true);
	else
		igemm_avx2_body(a, m, kp, b, n0, n1, r, out, ldo, false);
}

#define DPBUSD(acc, x, w) (acc = _mm512_dpbusd_epi32(acc, x, w))

/* The first @cols bytes of @v to @o. */
static VNNI inline void store_first(int8_t *o, __m512i v, uint32_t cols)
{
	_mm512_mask_storeu_epi8(o, cols >= 64 ? ~0ull : (1ull << cols) - 1, v);
}

/*
 * Rows of 32 results (two per rq16_pack4(): the first @rows of them), of
 * 16 (four per packing), the first @cols bytes of each, @ldo apart.
 */
static VNNI inline void store2x32(int8_t *o, size_t ldo, __m512i v, uint32_t cols,
				  uint32_t rows)
{
	const __m256i r1 = _mm512_extracti64x4_epi64(v, 1);

	if (cols == 32) {
		_mm256_storeu_si256((__m256i *)o, _mm512_castsi512_si256(v));
		if (rows > 1)
			_mm256_storeu_si256((__m256i *)(o + ldo), r1);
		return;
	}
	store_first(o, v, cols);
	if (rows > 1)
		store_first(o + ldo, _mm512_castsi256_si512(r1), cols);
}

static VNNI inline void store4x16(int8_t *o, size_t ldo, __m512i v, uint32_t cols,
				  uint32_t rows)
{
	if (cols == 16 && rows >= 4) {
		if (ldo == 16) {	/* the rows are adjacent: one store */
			_mm512_storeu_si512(o, v);
			return;
		}
		_mm_storeu_si128((__m128i *)o, _mm512_castsi512_si128(v));
		_mm_storeu_si128((__m128i *)(o + ldo), _mm512_extracti32x4_epi32(v, 1));
		_mm_storeu_si128((__m128i *)(o + 2 * ldo), _mm512_extracti32x4_epi32(v, 2));
		_mm_storeu_si128((__m128i *)(o + 3 * ldo), _mm512_extracti32x4_epi32(v, 3));
		return;
	}
	store_first(o, v, cols);
	if (rows > 1)
		store_first(o + ldo, _mm512_castsi128_si512(_mm512_extracti32x4_epi32(v, 1)), cols);
	if (rows > 2)
		store_first(o + 2 * ldo, _mm512_castsi128_si512(_mm512_extracti32x4_epi32(v, 2)),
			    cols);
	if (rows > 3)
		store_first(o + 3 * ldo, _mm512_castsi128_si512(_mm512_extracti32x4_epi32(v, 3)),
			    cols);
}

/* rq16_mbqm_acc() in the block kernels below. */
#define RQ(q, acc) rq16_mbqm_acc(q, acc, left, sat)

/* Rows @i.. of the tile (up to @mr, the rest repeat the first). */
#define ROWS(a, i, m, kp, mr, p) do {							\
	for (uint32_t r_ = 0; r_ < (mr); r_++)						\
		p[r_] = (a) + (size_t)((i) + r_ < (m) ? (i) + r_ : (i)) * (kp);		\
} while (0)

/*
 * Channels @j..@j + 31 (two panels): four rows at a time.  The
 * accumulators start at 0, not at the per-channel add as AVX2's: GCC then
 * copies all eight every step.  @left, @sat, @zp16 are constants in each
 * instantiation (rq16_mbqm(), rq16_pack4()).
 */
static VNNI inline __attribute__((always_inline)) void
vnni_block2(const uint8_t *a, uint32_t m, uint32_t kp, const int8_t *b0, const int8_t *b1,
	    const struct cpu_rq_row *r, uint32_t j, uint32_t cols, int8_t *out, size_t ldo,
	    bool left, bool sat, bool zp16)
{
	const struct rq16 q0 = rq16_load(r, j), q1 = rq16_load(r, j + 16);

	for (uint32_t i = 0; i < m; i += 4) {
		const uint32_t rows = m - i < 4 ? m - i : 4;
		const uint8_t *p[4];
		__m512i c00 = _mm512_setzero_si512(), c01 = c00, c10 = c00, c11 = c00;
		__m512i c20 = c00, c21 = c00, c30 = c00, c31 = c00;
		int8_t *o = out + (size_t)i * ldo + j;

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
		store2x32(o, ldo,
			  rq16_pack4(&q0, RQ(&q0, c00), RQ(&q1, c01), RQ(&q0, c10), RQ(&q1, c11), zp16),
			  cols, rows);
		if (rows > 2)
			store2x32(o + 2 * ldo, ldo,
				  rq16_pack4(&q0, RQ(&q0, c20), RQ(&q1, c21), RQ(&q0, c30),
					     RQ(&q1, c31), zp16),
				  cols, rows - 2);
	}
}

/* Channels @j..@j + 15 (the last panel alone): eight rows at a time. */
static VNNI inline __attribute__((always_inline)) void
vnni_block1(const uint8_t *a, uint32_t m, uint32_t kp, const int8_t *b0,
	    const struct cpu_rq_row *r, uint32_t j, uint32_t cols, int8_t *out, size_t ldo,
	    bool left, bool sat, bool zp16)
{
	const struct rq16 q0 = rq16_load(r, j);

	for (uint32_t i = 0; i < m; i += 8) {
		const uint32_t rows = m - i < 8 ? m - i : 8;
		const uint8_t *p[8];
		__m512i c0 = _mm512_setzero_si512(), c1 = c0, c2 = c0, c3 = c0;
		__m512i c4 = c0, c5 = c0, c6 = c0, c7 = c0;
		int8_t *o = out + (size_t)i * ldo + j;

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
		store4x16(o, ldo,
			  rq16_pack4(&q0, RQ(&q0, c0), RQ(&q0, c1), RQ(&q0, c2), RQ(&q0, c3), zp16),
			  cols, rows);
		if (rows > 4)
			store4x16(o + 4 * ldo, ldo,
				  rq16_pack4(&q0, RQ(&q0, c4), RQ(&q0, c5), RQ(&q0, c6), RQ(&q0, c7),
					     zp16),
				  cols, rows - 4);
	}
}

static VNNI inline __attribute__((always_inline)) void
igemm_vnni_body(const uint8_t *a, uint32_t m, uint32_t kp, const int8_t *b, uint32_t n0,
		uint32_t n1, const struct cpu_rq_row *r, int8_t *out, size_t ldo, bool left,
		bool sat, bool zp16)
{
	const size_t panel = (size_t)kp * 16;

	for (uint32_t j = n0; j < n1; j += 32) {
		const int8_t *b0 = b + (j / 16) * panel;
		const uint32_t cols = n1 - j < 32 ? n1 - j : 32;

		if (cols > 16)
			vnni_block2(a, m, kp, b0, b0 + panel, r, j, cols, out, ldo, left, sat,
				    zp16);
		else
			vnni_block1(a, m, kp, b0, r, j, cols, out, ldo, left, sat, zp16);
	}
}

static VNNI void igemm_vnni(const uint8_t *a, uint32_t m, uint32_t kp, const int8_t *b,
			    uint32_t n0, uint32_t n1, const struct cpu_rq_row *r, int8_t *out,
			    size_t ldo)
{
	if (r->narrow)
		igemm_vnni_body(a, m, kp, b, n0, n1, r, out, ldo, false, false, true);
	else if (r->any_mult_min)
		igemm_vnni_body(a, m, kp, b, n0, n1, r, out, ldo, r->any_left, true, false);
	else if (r->any_left)
		igemm_vnni_body(a, m, kp, b, n0, n1, r, out, ldo, true, false, false);
	else
		igemm_vnni_body(a, m, kp, b, n0, n1, r, out, ldo, false, false, false);
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
