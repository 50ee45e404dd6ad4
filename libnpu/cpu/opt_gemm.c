// SPDX-License-Identifier: MIT
/*
 * int8 dot-product GEMM for the optimized CPU kernels (opt_conv.c):
 *
 *   c[i * ldc + j] = sum over k of a[i * lda + k] * b[j * ldb + k]
 *
 * with int32 two's-complement wrap, as the firmware's accumulators.  Both
 * operands run along k (im2col rows against the OHWI filter), so no
 * packing is needed.  Every product of two int8 fits int16 and a pair of
 * them fits int32 (|p0 + p1| <= 32768), so the SIMD versions (pmaddwd,
 * NEON smull + sadalp) compute the exact sums; only the order of the
 * additions differs, which wrapping addition does not see.
 *
 * Variants are picked at run time: AVX2 on x86-64 when the CPU has it,
 * NEON (baseline on arm64; no SDOT: Cortex-A53), else portable C.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cpu_opt.h"

#if defined(__x86_64__)
#include <immintrin.h>
#elif defined(__aarch64__)
#include <arm_neon.h>
#endif

/* Portable version, also the reference for the k tails of the others. */
static inline uint32_t dot_c(const int8_t *a, const int8_t *b, uint32_t k)
{
	uint32_t acc = 0;

	for (uint32_t i = 0; i < k; i++)
		acc += (uint32_t)((int32_t)a[i] * (int32_t)b[i]);
	return acc;
}

/*
 * The GEMM of a variant from its 2x4 block and its dot product: 2x4 blocks,
 * then the leftover columns and row one dot product at a time.
 */
#define GEMM_DRIVER(name, attr, block_2x4, dot)					\
static attr void name(const int8_t *a, size_t lda, uint32_t m, const int8_t *b,	\
		      size_t ldb, uint32_t n, uint32_t k, int32_t *c, size_t ldc)	\
{										\
	uint32_t i = 0, j;							\
										\
	for (; i + 2 <= m; i += 2) {						\
		for (j = 0; j + 4 <= n; j += 4)					\
			block_2x4(a + i * lda, lda, b + j * ldb, ldb, k,	\
				  c + i * ldc + j, ldc);			\
		for (; j < n; j++) {						\
			c[i * ldc + j] = (int32_t)dot(a + i * lda, b + j * ldb, k); \
			c[(i + 1) * ldc + j] =					\
				(int32_t)dot(a + (i + 1) * lda, b + j * ldb, k); \
		}								\
	}									\
	for (; i < m; i++)							\
		for (j = 0; j < n; j++)						\
			c[i * ldc + j] = (int32_t)dot(a + i * lda, b + j * ldb, k); \
}

static void gemm_c(const int8_t *a, size_t lda, uint32_t m, const int8_t *b,
		   size_t ldb, uint32_t n, uint32_t k, int32_t *c, size_t ldc)
{
	for (uint32_t i = 0; i < m; i++)
		for (uint32_t j = 0; j < n; j++)
			c[i * ldc + j] = (int32_t)dot_c(a + i * lda, b + j * ldb, k);
}

#if defined(__x86_64__)
#define AVX2 __attribute__((target("avx2")))

static AVX2 inline __m256i ld16(const int8_t *p)
{
	return _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)p));
}

/* Eight bytes sign-extended into the low half, zero above. */
static AVX2 inline __m256i ld8(const int8_t *p)
{
	return _mm256_inserti128_si256(_mm256_setzero_si256(),
				       _mm_cvtepi8_epi16(_mm_loadl_epi64((const __m128i *)p)), 0);
}

/* Sum of the eight int32 lanes of each of a..d, as lanes 0..3. */
static AVX2 inline __m128i hsum4(__m256i a, __m256i b, __m256i c, __m256i d)
{
	__m256i ab = _mm256_hadd_epi32(a, b), cd = _mm256_hadd_epi32(c, d);
	__m256i abcd = _mm256_hadd_epi32(ab, cd);

	return _mm_add_epi32(_mm256_castsi256_si128(abcd),
			     _mm256_extracti128_si256(abcd, 1));
}

static AVX2 uint32_t dot_avx2(const int8_t *a, const int8_t *b, uint32_t k)
{
	__m256i acc = _mm256_setzero_si256();
	__m128i s;
	uint32_t i;

	for (i = 0; i + 16 <= k; i += 16)
		acc = _mm256_add_epi32(acc, _mm256_madd_epi16(ld16(a + i), ld16(b + i)));
	if (i + 8 <= k) {
		acc = _mm256_add_epi32(acc, _mm256_madd_epi16(ld8(a + i), ld8(b + i)));
		i += 8;
	}
	s = hsum4(acc, acc, acc, acc);
	return (uint32_t)_mm_cvtsi128_si32(s) + dot_c(a + i, b + i, k - i);
}

/* Two rows of a against four rows of b: eight dot products at once. */
static AVX2 void block_2x4_avx2(const int8_t *a, size_t lda, const int8_t *b,
				size_t ldb, uint32_t k, int32_t *c, size_t ldc)
{
	__m256i c00 = _mm256_setzero_si256(), c01 = c00, c02 = c00, c03 = c00;
	__m256i c10 = c00, c11 = c00, c12 = c00, c13 = c00;
	const int8_t *a0 = a, *a1 = a + lda;
	const int8_t *b0 = b, *b1 = b + ldb, *b2 = b + 2 * ldb, *b3 = b + 3 * ldb;
	__m128i r0, r1;
	uint32_t i;

	for (i = 0; i + 16 <= k; i += 16) {
		__m256i x0 = ld16(a0 + i), x1 = ld16(a1 + i), y;

		y = ld16(b0 + i);
		c00 = _mm256_add_epi32(c00, _mm256_madd_epi16(x0, y));
		c10 = _mm256_add_epi32(c10, _mm256_madd_epi16(x1, y));
		y = ld16(b1 + i);
		c01 = _mm256_add_epi32(c01, _mm256_madd_epi16(x0, y));
		c11 = _mm256_add_epi32(c11, _mm256_madd_epi16(x1, y));
		y = ld16(b2 + i);
		c02 = _mm256_add_epi32(c02, _mm256_madd_epi16(x0, y));
		c12 = _mm256_add_epi32(c12, _mm256_madd_epi16(x1, y));
		y = ld16(b3 + i);
		c03 = _mm256_add_epi32(c03, _mm256_madd_epi16(x0, y));
		c13 = _mm256_add_epi32(c13, _mm256_madd_epi16(x1, y));
	}
	/* Depths of 8 mod 16 (24, 40, 56, ...) are common: one half step. */
	if (i + 8 <= k) {
		const __m256i x0 = ld8(a0 + i), x1 = ld8(a1 + i);
		__m256i y;

		y = ld8(b0 + i);
		c00 = _mm256_add_epi32(c00, _mm256_madd_epi16(x0, y));
		c10 = _mm256_add_epi32(c10, _mm256_madd_epi16(x1, y));
		y = ld8(b1 + i);
		c01 = _mm256_add_epi32(c01, _mm256_madd_epi16(x0, y));
		c11 = _mm256_add_epi32(c11, _mm256_madd_epi16(x1, y));
		y = ld8(b2 + i);
		c02 = _mm256_add_epi32(c02, _mm256_madd_epi16(x0, y));
		c12 = _mm256_add_epi32(c12, _mm256_madd_epi16(x1, y));
		y = ld8(b3 + i);
		c03 = _mm256_add_epi32(c03, _mm256_madd_epi16(x0, y));
		c13 = _mm256_add_epi32(c13, _mm256_madd_epi16(x1, y));
		i += 8;
	}
	r0 = hsum4(c00, c01, c02, c03);
	r1 = hsum4(c10, c11, c12, c13);
	if (i < k) {
		const __m128i t0 = _mm_setr_epi32(
			(int32_t)dot_c(a0 + i, b0 + i, k - i), (int32_t)dot_c(a0 + i, b1 + i, k - i),
			(int32_t)dot_c(a0 + i, b2 + i, k - i), (int32_t)dot_c(a0 + i, b3 + i, k - i));
		const __m128i t1 = _mm_setr_epi32(
			(int32_t)dot_c(a1 + i, b0 + i, k - i), (int32_t)dot_c(a1 + i, b1 + i, k - i),
			(int32_t)dot_c(a1 + i, b2 + i, k - i), (int32_t)dot_c(a1 + i, b3 + i, k - i));

		r0 = _mm_add_epi32(r0, t0);
		r1 = _mm_add_epi32(r1, t1);
	}
	_mm_storeu_si128((__m128i *)c, r0);
	_mm_storeu_si128((__m128i *)(c + ldc), r1);
}

GEMM_DRIVER(gemm_avx2, AVX2, block_2x4_avx2, dot_avx2)

#endif /* __x86_64__ */

#if defined(__aarch64__)
/* smull (8 int16 products) + sadalp (pairwise into int32): exact. */
static inline int32x4_t mac16(int32x4_t acc, int8x16_t x, int8x16_t y)
{
	acc = vpadalq_s16(acc, vmull_s8(vget_low_s8(x), vget_low_s8(y)));
	return vpadalq_s16(acc, vmull_high_s8(x, y));
}

static uint32_t dot_neon(const int8_t *a, const int8_t *b, uint32_t k)
{
	int32x4_t acc = vdupq_n_s32(0);
	uint32_t i;

	for (i = 0; i + 16 <= k; i += 16)
		acc = mac16(acc, vld1q_s8(a + i), vld1q_s8(b + i));
	if (i + 8 <= k) {
		acc = vpadalq_s16(acc, vmull_s8(vld1_s8(a + i), vld1_s8(b + i)));
		i += 8;
	}
	return (uint32_t)vaddvq_s32(acc) + dot_c(a + i, b + i, k - i);
}

static void block_2x4_neon(const int8_t *a, size_t lda, const int8_t *b,
			   size_t ldb, uint32_t k, int32_t *c, size_t ldc)
{
	int32x4_t acc[2][4];
	uint32_t i;

	for (int r = 0; r < 2; r++)
		for (int s = 0; s < 4; s++)
			acc[r][s] = vdupq_n_s32(0);
	for (i = 0; i + 16 <= k; i += 16) {
		const int8x16_t x0 = vld1q_s8(a + i), x1 = vld1q_s8(a + lda + i);

		for (int s = 0; s < 4; s++) {
			const int8x16_t y = vld1q_s8(b + s * ldb + i);

			acc[0][s] = mac16(acc[0][s], x0, y);
			acc[1][s] = mac16(acc[1][s], x1, y);
		}
	}
	if (i + 8 <= k) {
		const int8x8_t x0 = vld1_s8(a + i), x1 = vld1_s8(a + lda + i);

		for (int s = 0; s < 4; s++) {
			const int8x8_t y = vld1_s8(b + s * ldb + i);

			acc[0][s] = vpadalq_s16(acc[0][s], vmull_s8(x0, y));
			acc[1][s] = vpadalq_s16(acc[1][s], vmull_s8(x1, y));
		}
		i += 8;
	}
	for (int r = 0; r < 2; r++)
		for (int s = 0; s < 4; s++)
			c[r * ldc + s] = (int32_t)((uint32_t)vaddvq_s32(acc[r][s]) +
				dot_c(a + r * lda + i, b + s * ldb + i, k - i));
}

GEMM_DRIVER(gemm_neon, , block_2x4_neon, dot_neon)
#endif /* __aarch64__ */

cpu_gemm_s8_fn cpu_gemm_s8_select(enum cpu_isa isa)
{
	switch (isa) {
#if defined(__x86_64__)
	case CPU_ISA_AVX2:
	case CPU_ISA_AVX512VNNI:	/* conv: opt_igemm_x86.c; AVX2 for the rest */
		return gemm_avx2;
#elif defined(__aarch64__)
	case CPU_ISA_NEON:
		return gemm_neon;
#endif
	default:
		return gemm_c;
	}
}

enum cpu_isa cpu_isa_best(void)
{
#if defined(__x86_64__)
	__builtin_cpu_init();
	if (cpu_isa_usable(CPU_ISA_AVX512VNNI))
		return CPU_ISA_AVX512VNNI;
	if (__builtin_cpu_supports("avx2"))
		return CPU_ISA_AVX2;
	if (__builtin_cpu_supports("sse4.1"))
		return CPU_ISA_SSE41;
#elif defined(__aarch64__)
	return CPU_ISA_NEON;
#endif
	return CPU_ISA_C;
}

bool cpu_isa_usable(enum cpu_isa isa)
{
	switch (isa) {
	case CPU_ISA_C:
		return true;
#if defined(__x86_64__)
	case CPU_ISA_AVX2:
		__builtin_cpu_init();
		return __builtin_cpu_supports("avx2");
	case CPU_ISA_AVX512VNNI:
		__builtin_cpu_init();
		return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("avx512f") &&
		       __builtin_cpu_supports("avx512bw") &&
		       __builtin_cpu_supports("avx512vnni");
	case CPU_ISA_SSE41:
		__builtin_cpu_init();
		return __builtin_cpu_supports("sse4.1");
#elif defined(__aarch64__)
	case CPU_ISA_NEON:
		return true;
#endif
	default:
		return false;
	}
}
