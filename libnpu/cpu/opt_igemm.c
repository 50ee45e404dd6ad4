// SPDX-License-Identifier: MIT
/*
 * Packed int8 GEMM with the requantization fused (see cpu_opt.h,
 * cpu_igemm()): the filter packing every variant shares, the dispatch, and
 * the portable C and NEON micro-kernels; opt_igemm_x86.c has the AVX2 and
 * AVX-512 VNNI ones.
 *
 * Every variant but VNNI takes the AVX2 layout: a filter panel of eight
 * channels by pairs of taps, [kp / 2][8][2] int16, and the pixels widened
 * to int16 rows of kp (k rounded up to 2, the pad tap 0).  NEON (no dot
 * product on Cortex-A53) de-interleaves a pair of taps with vld2q_s16 and
 * multiply-accumulates each by one pixel's tap, widening to int32 (smlal,
 * vmlal_n_s16): four pixels by sixteen channels in sixteen accumulators,
 * requantized while still in registers.  Portable C runs the same loops
 * on four pixels by eight channels.  Every product of two int8 is exact
 * in int32 and the sums wrap modulo 2^32 as the firmware's accumulators;
 * only the order of the additions differs.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "cpu_opt.h"
#include "cpu_simd.h"

uint32_t cpu_igemm_kp(enum cpu_isa isa, uint32_t k)
{
	const uint32_t step = isa == CPU_ISA_AVX512VNNI ? 4 : 2;

	return (k + step - 1) / step * step;
}

size_t cpu_igemm_a_elem(enum cpu_isa isa)
{
	return isa == CPU_ISA_AVX512VNNI ? 1 : sizeof(int16_t);
}

/* Panels of 8 channels, [kp / 2][8][2] int16; VNNI: of 16, [kp / 4][16][4] int8. */
size_t cpu_igemm_b_size(enum cpu_isa isa, uint32_t n, uint32_t k)
{
	const size_t kp = cpu_igemm_kp(isa, k);

	if (isa == CPU_ISA_AVX512VNNI)
		return (n + 15) / 16 * kp * 16;
	return (n + 7) / 8 * kp * 8 * sizeof(int16_t);
}

/*
 * Panels of @cols channels by groups of @taps taps, in the order of the
 * packed bytes (one pass, no scattered stores); constants once inlined.
 */
static inline __attribute__((always_inline)) void
pack_panels(const int8_t *b, uint32_t n, uint32_t k, uint32_t cols, uint32_t taps, bool wide,
	    void *out)
{
	const uint32_t kp = (k + taps - 1) / taps * taps;
	int8_t *o8 = out;
	int16_t *o16 = out;

	for (uint32_t j0 = 0; j0 < n; j0 += cols) {
		for (uint32_t t0 = 0; t0 < kp; t0 += taps) {
			const bool whole = j0 + cols <= n && t0 + taps <= k;

			for (uint32_t j = j0; j < j0 + cols; j++) {
				const int8_t *src = b + (size_t)(j < n ? j : 0) * k + t0;

				for (uint32_t t = 0; t < taps; t++) {
					const int8_t v = whole || (j < n && t0 + t < k) ? src[t] : 0;

					if (wide)
						*o16++ = v;
					else
						*o8++ = v;
				}
			}
		}
	}
}

void cpu_igemm_pack_b(enum cpu_isa isa, const int8_t *b, uint32_t n, uint32_t k, void *out)
{
	if (isa == CPU_ISA_AVX512VNNI)
		pack_panels(b, n, k, 16, 4, false, out);
	else
		pack_panels(b, n, k, 8, 2, true, out);
}

/* @m rows of @k int8 as int16 rows of @kp, the pad taps 0. */
static void pack_a_s16(const int8_t *src, size_t lds, uint32_t m, uint32_t k, size_t kp,
		       int16_t *dst)
{
	for (uint32_t i = 0; i < m; i++) {
		int16_t *d = dst + i * kp;
		const int8_t *s = src + i * lds;

		for (uint32_t t = 0; t < k; t++)
			d[t] = s[t];
		for (size_t t = k; t < kp; t++)
			d[t] = 0;
	}
}

void cpu_igemm_pack_a(enum cpu_isa isa, const int8_t *src, size_t lds, uint32_t m, uint32_t k,
		      void *dst)
{
#if defined(__x86_64__)
	if (isa == CPU_ISA_AVX2 || isa == CPU_ISA_AVX512VNNI) {
		cpu_igemm_pack_a_x86(isa, src, lds, m, k, dst);
		return;
	}
#endif
	pack_a_s16(src, lds, m, k, cpu_igemm_kp(isa, k), dst);
}

/* sum over the pair (x[q], x[q + 1]) by (w[2c], w[2c + 1]): at most 2^15, exact. */
static inline uint32_t pair(const int16_t *x, const int16_t *w, uint32_t c)
{
	return (uint32_t)((int32_t)x[0] * w[2 * c] + (int32_t)x[1] * w[2 * c + 1]);
}

/* Four pixels by eight channels (one panel), requantized. */
static void igemm_c(const int16_t *a, uint32_t m, uint32_t kp, const int16_t *b, uint32_t n0,
		    uint32_t n1, const struct cpu_rq_row *r, int8_t *out, size_t ldo)
{
	for (uint32_t j = n0; j < n1; j += 8) {
		const int16_t *w = cpu_igemm_panel(b, j, kp);
		const uint32_t cols = n1 - j < 8 ? n1 - j : 8;

		for (uint32_t i = 0; i < m; i += 4) {
			const int16_t *x[4];
			const uint32_t rows = cpu_igemm_rows4(a, i, m, kp, x);
			uint32_t acc[4][8] = { { 0 } };

			for (uint32_t q = 0; q < kp; q += 2) {
				const int16_t *wq = w + q * 8;

				for (uint32_t c = 0; c < 8; c++) {
					acc[0][c] += pair(x[0] + q, wq, c);
					acc[1][c] += pair(x[1] + q, wq, c);
					acc[2][c] += pair(x[2] + q, wq, c);
					acc[3][c] += pair(x[3] + q, wq, c);
				}
			}
			for (uint32_t s = 0; s < rows; s++)
				for (uint32_t c = 0; c < cols; c++)
					out[(i + s) * ldo + j + c] =
						(int8_t)opt_rq_one(r, (int32_t)acc[s][c], j + c);
		}
	}
}

/* Accumulators only, one row of a at a time (FULLY_CONNECTED's batches). */
static void igemm_acc_c(const int16_t *a, uint32_t m, uint32_t kp, const int16_t *b, uint32_t n,
			int32_t *c, size_t ldc)
{
	for (uint32_t i = 0; i < m; i++) {
		const int16_t *x = a + (size_t)i * kp;

		for (uint32_t j = 0; j < n; j += 8) {
			const int16_t *w = cpu_igemm_panel(b, j, kp);
			uint32_t acc[8] = { 0 };

			for (uint32_t q = 0; q < kp; q += 2)
				for (uint32_t ch = 0; ch < 8; ch++)
					acc[ch] += pair(x + q, w + q * 8, ch);
			for (uint32_t ch = 0; ch < 8 && j + ch < n; ch++)
				c[(size_t)i * ldc + j + ch] = (int32_t)acc[ch];
		}
	}
}

#if defined(__aarch64__)
/* Sixteen requantized results (or the first @cols of them) to @o. */
static inline void store16_neon(const struct cpu_rq_row *r, const int32x4_t *acc, uint32_t j,
				uint32_t cols, int8_t *o)
{
	const int8x16_t v = vcombine_s8(opt_rq8_neon(r, acc[0], acc[1], j),
					opt_rq8_neon(r, acc[2], acc[3], j + 8));

	if (cols >= 16) {
		vst1q_s8(o, v);
	} else {
		int8_t tmp[16];

		vst1q_s8(tmp, v);
		memcpy(o, tmp, cols);
	}
}

/* One pixel's taps q, q + 1 by a panel pair: eight channels, two taps. */
#define MLAL2(lo, hi, w, x0, x1) do {							\
	lo = vmlal_n_s16(lo, vget_low_s16((w).val[0]), x0);				\
	lo = vmlal_n_s16(lo, vget_low_s16((w).val[1]), x1);				\
	hi = vmlal_high_n_s16(hi, (w).val[0], x0);					\
	hi = vmlal_high_n_s16(hi, (w).val[1], x1);					\
} while (0)

static void igemm_neon(const int16_t *a, uint32_t m, uint32_t kp, const int16_t *b, uint32_t n0,
		       uint32_t n1, const struct cpu_rq_row *r, int8_t *out, size_t ldo)
{
	for (uint32_t j = n0; j < n1; j += 16) {
		const int16_t *b0 = cpu_igemm_panel(b, j, kp);
		const int16_t *b1 = j + 8 < n1 ? cpu_igemm_panel(b, j + 8, kp) : b0;
		const uint32_t cols = n1 - j < 16 ? n1 - j : 16;

		for (uint32_t i = 0; i < m; i += 4) {
			const int16_t *x[4];
			const uint32_t rows = cpu_igemm_rows4(a, i, m, kp, x);
			int32x4_t acc[4][4];

			for (uint32_t s = 0; s < 4; s++)
				for (int v = 0; v < 4; v++)
					acc[s][v] = vdupq_n_s32(0);
			for (uint32_t q = 0; q < kp; q += 2) {
				const int16x8x2_t w0 = vld2q_s16(b0 + q * 8);
				const int16x8x2_t w1 = vld2q_s16(b1 + q * 8);

				for (uint32_t s = 0; s < 4; s++) {
					const int16_t t0 = x[s][q], t1 = x[s][q + 1];

					MLAL2(acc[s][0], acc[s][1], w0, t0, t1);
					MLAL2(acc[s][2], acc[s][3], w1, t0, t1);
				}
			}
			for (uint32_t s = 0; s < rows; s++)
				store16_neon(r, acc[s], j, cols, out + (i + s) * ldo + j);
		}
	}
}
#endif /* __aarch64__ */

void cpu_igemm_acc(enum cpu_isa isa, const void *a, uint32_t m, uint32_t kp, const void *b,
		   uint32_t n, int32_t *c, size_t ldc)
{
#if defined(__x86_64__)
	if (isa == CPU_ISA_AVX2 || isa == CPU_ISA_AVX512VNNI) {
		cpu_igemm_acc_x86(isa, a, m, kp, b, n, c, ldc);
		return;
	}
#endif
	(void)isa;
	igemm_acc_c(a, m, kp, b, n, c, ldc);
}

void cpu_igemm(enum cpu_isa isa, const void *a, uint32_t m, uint32_t kp, const void *b,
	       uint32_t n0, uint32_t n1, const struct cpu_rq_row *r, int8_t *out, size_t ldo)
{
#if defined(__x86_64__)
	if (isa == CPU_ISA_AVX2 || isa == CPU_ISA_AVX512VNNI) {
		cpu_igemm_x86(isa, a, m, kp, b, n0, n1, r, out, ldo);
		return;
	}
#elif defined(__aarch64__)
	if (isa == CPU_ISA_NEON) {
		igemm_neon(a, m, kp, b, n0, n1, r, out, ldo);
		return;
	}
#endif
	igemm_c(a, m, kp, b, n0, n1, r, out, ldo);
}
