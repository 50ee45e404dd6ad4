/* SPDX-License-Identifier: MIT */
/*
 * TFLite's requantization primitives for the optimized kernels, scalar
 * and in SIMD lanes (AVX2, SSE4.1, NEON): SaturatingRoundingDoublingHighMul
 * (srdhm), RoundingDivideByPOT (rdivpot) and MultiplyByQuantizedMultiplier
 * (mbqm), exactly the firmware's fw_srdhm(), fw_rdivpot() and fw_mbqm() on
 * every input.  Shared by opt_requant.c, opt_elt.c, opt_igemm_x86.c and opt_dw.c
 * (whose fused kernels requantize a struct cpu_rq_row in registers); not
 * installed.
 *
 * NEON's vqrdmulhq_s32 is SaturatingRoundingDoublingHighMul exactly:
 * floor((2ab + 2^31) / 2^32) equals gemmlowp's nudge-and-truncate form for
 * both signs, and saturates the one overflowing case the same way.
 */
#ifndef NPU_CPU_SIMD_H
#define NPU_CPU_SIMD_H

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "cpu_opt.h"

#if defined(__x86_64__)
#include <immintrin.h>
#elif defined(__aarch64__)
#include <arm_neon.h>
#endif

static inline int32_t srdhm(int32_t a, int32_t b)
{
	int64_t ab, v;

	if (a == b && a == INT32_MIN)
		return INT32_MAX;
	ab = (int64_t)a * (int64_t)b;
	v = ab + (ab >= 0 ? (1 << 30) : (1 - (1 << 30)));
	if (v < 0)
		v += (1ll << 31) - 1;
	return (int32_t)(v >> 31);
}

static inline int32_t rdivpot(int32_t x, int32_t exponent)
{
	const int32_t mask = (int32_t)((1ll << exponent) - 1);
	const int32_t threshold = (mask >> 1) + (x < 0);

	return (x >> exponent) + ((x & mask) > threshold);
}

/* fw_mbqm(): shift clamped to -31..31 as there. */
static inline int32_t mbqm(int32_t x, int32_t m, int32_t shift)
{
	shift = shift > 31 ? 31 : shift < -31 ? -31 : shift;
	x = (int32_t)((uint32_t)x << (shift > 0 ? shift : 0));
	return rdivpot(srdhm(x, m), shift > 0 ? 0 : -shift);
}

/*
 * The firmware's per-channel requantization (rq_s8() in fw_ops_conv.c) of
 * channel @c of a struct cpu_rq_row: the value in int32 (a uint8 row's
 * clamp is within 0..255; storing it as a byte truncates to the same bits).
 */
static inline int32_t opt_rq_one(const struct cpu_rq_row *r, int32_t acc, uint32_t c)
{
	int32_t v = (int32_t)((uint32_t)acc + r->add[c]);

	v = (int32_t)((uint32_t)v << r->left[c]);
	v = rdivpot(srdhm(v, r->mult[c]), r->right[c]);
	v = (int32_t)((uint32_t)v + (uint32_t)r->out_zp);
	return v < r->act_min ? r->act_min : v > r->act_max ? r->act_max : v;
}

#if defined(__x86_64__)
#define AVX2 __attribute__((target("avx2")))
#define SSE41 __attribute__((target("sse4.1")))
#define VNNI __attribute__((target("avx2,avx512f,avx512bw,avx512vnni")))

/*
 * SaturatingRoundingDoublingHighMul(a, b) is floor((a * b + 2^30) / 2^31)
 * (TFLite's nudge-and-truncate form gives that for both signs), whose low
 * 32 bits are bits 31..62 of the 64-bit sum.  The one product out of
 * range, INT32_MIN * INT32_MIN, is also the only one whose result reads
 * INT32_MIN, so adding the all-ones of that comparison saturates it to
 * INT32_MAX as TFLite does.
 */
static AVX2 inline __m256i srdhm8(__m256i a, __m256i b)
{
	const __m256i round = _mm256_set1_epi64x(1 << 30);
	const __m256i even = _mm256_add_epi64(_mm256_mul_epi32(a, b), round);
	const __m256i odd = _mm256_add_epi64(_mm256_mul_epi32(_mm256_srli_epi64(a, 32),
							      _mm256_srli_epi64(b, 32)), round);
	const __m256i r = _mm256_blend_epi32(_mm256_srli_epi64(even, 31),
					     _mm256_slli_epi64(odd, 1), 0xaa);

	return _mm256_add_epi32(r, _mm256_cmpeq_epi32(r, _mm256_set1_epi32(INT32_MIN)));
}

/*
 * RoundingDivideByPOT(x, e) = (x >> e) + ((x & mask) > (mask >> 1) + (x < 0))
 * with @mask = 2^e - 1 and @half = mask >> 1 (kept per channel in struct
 * cpu_rq_row).
 */
static AVX2 inline __m256i opt_rdivpot8(__m256i x, __m256i e, __m256i mask, __m256i half)
{
	const __m256i threshold = _mm256_sub_epi32(half, _mm256_srai_epi32(x, 31));
	const __m256i up = _mm256_cmpgt_epi32(_mm256_and_si256(x, mask), threshold);

	return _mm256_sub_epi32(_mm256_srav_epi32(x, e), up);
}

static AVX2 inline __m256i rdivpot8(__m256i x, __m256i e)
{
	const __m256i one = _mm256_set1_epi32(1);
	const __m256i mask = _mm256_sub_epi32(_mm256_sllv_epi32(one, e), one);

	return opt_rdivpot8(x, e, mask, _mm256_srai_epi32(mask, 1));
}

/* fw_mbqm() of eight lanes by one multiplier and shift (clamped as there). */
static AVX2 inline __m256i mbqm8(__m256i x, int32_t m, int32_t shift)
{
	shift = shift > 31 ? 31 : shift < -31 ? -31 : shift;
	x = _mm256_sll_epi32(x, _mm_cvtsi32_si128(shift > 0 ? shift : 0));
	return rdivpot8(srdhm8(x, _mm256_set1_epi32(m)), _mm256_set1_epi32(shift > 0 ? 0 : -shift));
}

/*
 * The firmware's per-channel requantization (rq_s8() in fw_ops_conv.c:
 * MultiplyByQuantizedMultiplier, output offset, clamp) of a struct
 * cpu_rq_row on 8 (AVX2) and 16 (AVX-512) int32 lanes, for opt_requant.c
 * and opt_igemm_x86.c.
 */
static AVX2 inline __m256i opt_ld8(const void *p)
{
	return _mm256_loadu_si256((const __m256i *)p);
}

/*
 * MultiplyByQuantizedMultiplier of channels c..c+7 of @v (the accumulators
 * with @r->add already added) plus the output offset, wrapping as the
 * firmware's: not yet clamped.
 */
static AVX2 inline __m256i opt_mbqm8(const struct cpu_rq_row *r, __m256i v, uint32_t c)
{
	v = _mm256_sllv_epi32(v, opt_ld8(r->left + c));
	v = srdhm8(v, opt_ld8(r->mult + c));
	v = opt_rdivpot8(v, opt_ld8(r->right + c), opt_ld8(r->mask + c), opt_ld8(r->half + c));
	return _mm256_add_epi32(v, _mm256_set1_epi32(r->out_zp));
}

/* Channels c..c+7 of accumulators @acc to int8 (or uint8) values in int32 lanes. */
static AVX2 inline __m256i opt_rq8(const struct cpu_rq_row *r, __m256i acc, uint32_t c)
{
	const __m256i v = opt_mbqm8(r, _mm256_add_epi32(acc, opt_ld8(r->add + c)), c);

	return _mm256_min_epi32(_mm256_max_epi32(v, _mm256_set1_epi32(r->act_min)),
				_mm256_set1_epi32(r->act_max));
}

/* Sixteen int8 (@u8: uint8) values in the int32 lanes of @lo, @hi, in order. */
static AVX2 inline __m128i opt_pack16(__m256i lo, __m256i hi, bool u8)
{
	const __m256i h = _mm256_permute4x64_epi64(_mm256_packs_epi32(lo, hi), 0xd8);
	const __m128i h0 = _mm256_castsi256_si128(h), h1 = _mm256_extracti128_si256(h, 1);

	return u8 ? _mm_packus_epi16(h0, h1) : _mm_packs_epi16(h0, h1);
}

/*
 * The single rounding below (struct rq16) on eight AVX2 lanes, for rows
 * of channels that all shift right (e >= 1), none by INT32_MIN: AVX2 has
 * no 64-bit arithmetic shift, so the sum is taken with 2^63 added (then in
 * 0..2^64 for every product) and shifted logically, which adds
 * 2^(63 - 31 - e) = 2^(32 - e) to the result; @zc takes it off again
 * with the output offset.  The odd channels are shifted by e - 1 only, so
 * that their result lands in the high half of the 64-bit lane, where the
 * blend takes it.  The correction of a negative product is a blend on the
 * product's sign (vblendvpd reads bit 63).  Held per block of channels in
 * memory, as operands of the row loop.
 */
struct rq8f {
	__m256i mult, m_odd;		/* multipliers; the odd channels' in the low halves */
	__m256i round_e, round_ne;	/* 2^63 + 2^30 + 2^(30+e), less 2^31 when negative */
	__m256i round_o, round_no;
	__m256i sh_e, sh_o;		/* 31 + e; e - 1 */
	__m256i zc;			/* output offset less 2^(32 - e) */
};

static AVX2 inline void rq8f_load(struct rq8f *q, const struct cpu_rq_row *r, uint32_t c)
{
	const __m256i low = _mm256_set1_epi64x(0xffffffff);
	const __m256i r30 = _mm256_set1_epi64x(1 << 30), r31 = _mm256_set1_epi64x(1ll << 31);
	const __m256i base = _mm256_add_epi64(r30, _mm256_set1_epi64x(INT64_MIN));
	const __m256i e = opt_ld8(r->right + c);
	const __m256i e_e = _mm256_and_si256(e, low), e_o = _mm256_srli_epi64(e, 32);

	q->mult = opt_ld8(r->mult + c);
	q->m_odd = _mm256_srli_epi64(q->mult, 32);
	q->round_e = _mm256_add_epi64(base, _mm256_sllv_epi64(r30, e_e));
	q->round_o = _mm256_add_epi64(base, _mm256_sllv_epi64(r30, e_o));
	q->round_ne = _mm256_sub_epi64(q->round_e, r31);
	q->round_no = _mm256_sub_epi64(q->round_o, r31);
	q->sh_e = _mm256_add_epi64(e_e, _mm256_set1_epi64x(31));
	q->sh_o = _mm256_sub_epi64(e_o, _mm256_set1_epi64x(1));
	q->zc = _mm256_sub_epi32(_mm256_set1_epi32(r->out_zp),
				 _mm256_sllv_epi32(_mm256_set1_epi32(1),
						   _mm256_sub_epi32(_mm256_set1_epi32(32), e)));
}

/* (p + round, or round_n where p < 0) >> sh, logically. */
static AVX2 inline __m256i rq8f_round(__m256i p, __m256i round, __m256i round_n, __m256i sh)
{
	const __m256d pos = _mm256_castsi256_pd(_mm256_add_epi64(p, round));
	const __m256d neg = _mm256_castsi256_pd(_mm256_add_epi64(p, round_n));

	return _mm256_srlv_epi64(_mm256_castpd_si256(_mm256_blendv_pd(pos, neg,
								      _mm256_castsi256_pd(p))),
				 sh);
}

/* opt_mbqm8() of @v (the accumulators with add) for such channels. */
static AVX2 inline __m256i rq8f_mbqm(const struct rq8f *q, __m256i v)
{
	const __m256i even = rq8f_round(_mm256_mul_epi32(v, q->mult), q->round_e, q->round_ne,
					q->sh_e);
	const __m256i odd = rq8f_round(_mm256_mul_epi32(_mm256_srli_epi64(v, 32), q->m_odd),
				       q->round_o, q->round_no, q->sh_o);

	return _mm256_add_epi32(_mm256_blend_epi32(even, odd, 0xaa), q->zc);
}

/*
 * Two rows of sixteen values (@a0 @a1 the first row's channels 0-7 and
 * 8-15, @b0 @b1 the second's) saturated to int8 and clamped to @lo..@hi
 * (broadcast bytes within int8): the first row in the low 16 bytes.  The
 * saturating packs keep every value in -128..127 as it is and move the
 * others past the ends, so clamping after them is clamping before.
 */
static AVX2 inline __m256i pack2x16(__m256i a0, __m256i a1, __m256i b0, __m256i b1,
				    __m256i lo, __m256i hi)
{
	const __m256i v = _mm256_packs_epi16(_mm256_packs_epi32(a0, a1), _mm256_packs_epi32(b0, b1));
	const __m256i order = _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7);

	return _mm256_permutevar8x32_epi32(_mm256_min_epi8(_mm256_max_epi8(v, lo), hi), order);
}

/* The same on sixteen lanes (AVX-512). */
static VNNI inline __m512i opt_ld16(const void *p)
{
	return _mm512_loadu_si512(p);
}

/* Sixteen int8 results (or the first @cols of them) to @out. */
static AVX2 inline void store16(int8_t *out, __m128i v, uint32_t cols)
{
	if (cols >= 16) {
		_mm_storeu_si128((__m128i *)out, v);
	} else {
		int8_t tmp[16];

		_mm_storeu_si128((__m128i *)tmp, v);
		memcpy(out, tmp, cols);
	}
}

/*
 * The requantization of sixteen channels, held in registers across rows
 * (opt_igemm_x86.c, opt_dw.c).
 *
 * Besides the two roundings (as opt_rq8() above), a single one in
 * 64 bits: with p = v * m and s = floor((p + 2^30) / 2^31) (SaturatingRoundingDoubling-
 * HighMul), RoundingDivideByPOT(s, e) for e >= 1 is floor((s + 2^(e-1)
 * - [s < 0]) / 2^e), and floor((floor(A / B) + C) / D) = floor((A + C * B)
 * / (B * D)), so the result is
 *
 *   (p + 2^30 + 2^(30+e) - [p < 0] * 2^31) >> (31 + e)
 *
 * ([p < 0] may stand for [s < 0]: where they differ, -2^30 <= p < 0, both
 * give 0), and (p + 2^30) >> 31 for e = 0.  Exact for every multiplier but
 * INT32_MIN (the saturating product), where the kernels use the two
 * (@sat).
 */
struct rq16 {
	__m512i add, left, zp, lo, hi;
	__m512i zp16, lo8, hi8;		/* the same as int16, int8 (rq16_pack4()) */
	/* Two roundings (sat): */
	__m512i mult, right, mask, half;
	/* One rounding: even and odd channels in the 64-bit lanes. */
	__m512i m_odd, round_e, round_o, sh_e, sh_o, interleave;
	__mmask8 up_e, up_o;	/* channels with e >= 1 */
};

static VNNI inline struct rq16 rq16_load(const struct cpu_rq_row *r, uint32_t c)
{
	const __m512i low = _mm512_set1_epi64(0xffffffff), r30 = _mm512_set1_epi64(1 << 30);
	struct rq16 q = {
		.add = opt_ld16(r->add + c), .mult = opt_ld16(r->mult + c),
		.left = opt_ld16(r->left + c), .right = opt_ld16(r->right + c),
		.mask = opt_ld16(r->mask + c), .half = opt_ld16(r->half + c),
		.zp = _mm512_set1_epi32(r->out_zp), .lo = _mm512_set1_epi32(r->act_min),
		.hi = _mm512_set1_epi32(r->act_max), .zp16 = _mm512_set1_epi16((int16_t)r->out_zp),
		.lo8 = _mm512_set1_epi8((int8_t)r->act_min), .hi8 = _mm512_set1_epi8((int8_t)r->act_max),
		.interleave = _mm512_setr_epi32(0, 16, 2, 18, 4, 20, 6, 22, 8, 24, 10, 26, 12, 28,
						14, 30),
	};
	const __m512i e_e = _mm512_and_si512(q.right, low), e_o = _mm512_srli_epi64(q.right, 32);

	q.m_odd = _mm512_srli_epi64(q.mult, 32);
	q.up_e = _mm512_cmpgt_epi64_mask(e_e, _mm512_setzero_si512());
	q.up_o = _mm512_cmpgt_epi64_mask(e_o, _mm512_setzero_si512());
	q.round_e = _mm512_mask_add_epi64(r30, q.up_e, r30, _mm512_sllv_epi64(r30, e_e));
	q.round_o = _mm512_mask_add_epi64(r30, q.up_o, r30, _mm512_sllv_epi64(r30, e_o));
	q.sh_e = _mm512_add_epi64(e_e, _mm512_set1_epi64(31));
	q.sh_o = _mm512_add_epi64(e_o, _mm512_set1_epi64(31));
	return q;
}

/* (p + round - [p < 0 and e >= 1] * 2^31) >> (31 + e), low 32 bits. */
static VNNI inline __m512i round_shift(__m512i p, __m512i round, __mmask8 up, __m512i sh)
{
	const __mmask8 neg = _mm512_mask_cmplt_epi64_mask(up, p, _mm512_setzero_si512());
	const __m512i t = _mm512_add_epi64(p, round);

	return _mm512_srav_epi64(_mm512_mask_sub_epi64(t, neg, t, _mm512_set1_epi64(1ll << 31)),
				 sh);
}

/*
 * MultiplyByQuantizedMultiplier of sixteen channels of @v (accumulators
 * with the add): @left: some channel shifts left; @sat: some multiplier is
 * INT32_MIN.  No output offset yet.
 */
static VNNI inline __m512i rq16_mbqm(const struct rq16 *q, __m512i v, bool left, bool sat)
{
	if (left)
		v = _mm512_sllv_epi32(v, q->left);
	if (sat) {
		const __m512i round = _mm512_set1_epi64(1 << 30);
		const __m512i one = _mm512_set1_epi32(1);
		__m512i even, odd, threshold;
		__mmask16 up;

		even = _mm512_add_epi64(_mm512_mul_epi32(v, q->mult), round);
		odd = _mm512_add_epi64(_mm512_mul_epi32(_mm512_srli_epi64(v, 32), q->m_odd), round);
		v = _mm512_mask_blend_epi32(0xaaaa, _mm512_srli_epi64(even, 31),
					    _mm512_slli_epi64(odd, 1));
		v = _mm512_mask_sub_epi32(v, _mm512_cmpeq_epi32_mask(v, _mm512_set1_epi32(INT32_MIN)),
					  v, one);
		threshold = _mm512_sub_epi32(q->half, _mm512_srai_epi32(v, 31));
		up = _mm512_cmpgt_epi32_mask(_mm512_and_si512(v, q->mask), threshold);
		v = _mm512_srav_epi32(v, q->right);
		return _mm512_mask_add_epi32(v, up, v, one);
	}
	return _mm512_permutex2var_epi32(round_shift(_mm512_mul_epi32(v, q->mult), q->round_e,
						     q->up_e, q->sh_e),
					 q->interleave,
					 round_shift(_mm512_mul_epi32(_mm512_srli_epi64(v, 32),
								      q->m_odd),
						     q->round_o, q->up_o, q->sh_o));
}

/* The same of accumulators without the add. */
static VNNI inline __m512i rq16_mbqm_acc(const struct rq16 *q, __m512i acc, bool left, bool sat)
{
	return rq16_mbqm(q, _mm512_add_epi32(acc, q->add), left, sat);
}

/* Sixteen results as bytes (the accumulators without the add). */
static VNNI inline __m128i rq16_apply(const struct rq16 *q, __m512i acc, bool left, bool sat)
{
	const __m512i v = _mm512_add_epi32(rq16_mbqm_acc(q, acc, left, sat), q->zp);

	return _mm512_cvtepi32_epi8(_mm512_min_epi32(_mm512_max_epi32(v, q->lo), q->hi));
}

/*
 * Four vectors of rq16_mbqm() results as 64 bytes, in order, with the
 * output offset and the clamp: saturating packs (as pack2x16(): clamping
 * after them is clamping before), one dword permutation.  @zp16: the row
 * is cpu_rq_row.narrow (results within 2^30 + 1, offset within int8: their
 * sum does not wrap), so the offset is added to the int16 values with
 * saturation (a value moved past the int16 ends stays past the int8
 * ones); else it is added in int32, wrapping as the firmware's.
 */
static VNNI inline __m512i rq16_pack4(const struct rq16 *q, __m512i a, __m512i b, __m512i c,
				      __m512i d, bool zp16)
{
	const __m512i order = _mm512_setr_epi32(0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7,
						11, 15);
	__m512i ab, cd, v;

	if (!zp16) {
		a = _mm512_add_epi32(a, q->zp);
		b = _mm512_add_epi32(b, q->zp);
		c = _mm512_add_epi32(c, q->zp);
		d = _mm512_add_epi32(d, q->zp);
	}
	ab = _mm512_packs_epi32(a, b);
	cd = _mm512_packs_epi32(c, d);
	if (zp16) {
		ab = _mm512_adds_epi16(ab, q->zp16);
		cd = _mm512_adds_epi16(cd, q->zp16);
	}
	v = _mm512_packs_epi16(ab, cd);
	v = _mm512_min_epi8(_mm512_max_epi8(v, q->lo8), q->hi8);
	return _mm512_permutexvar_epi32(order, v);
}

/*
 * high_mul() in SSE4.1 (no 64-bit compare): the sign of a 64-bit lane is
 * its high half's, spread over the lane.
 */
static SSE41 inline __m128i high_mul_sse(__m128i ab)
{
	const __m128i neg = _mm_shuffle_epi32(_mm_srai_epi32(ab, 31), _MM_SHUFFLE(3, 3, 1, 1));
	__m128i v = _mm_add_epi64(ab, _mm_blendv_epi8(_mm_set1_epi64x(1 << 30),
						      _mm_set1_epi64x(1 - (1 << 30)), neg));
	const __m128i vneg = _mm_shuffle_epi32(_mm_srai_epi32(v, 31), _MM_SHUFFLE(3, 3, 1, 1));

	v = _mm_add_epi64(v, _mm_and_si128(vneg, _mm_set1_epi64x((1ll << 31) - 1)));
	return _mm_srli_epi64(v, 31);
}

static SSE41 inline __m128i srdhm4_sse(__m128i a, __m128i b)
{
	const __m128i min = _mm_set1_epi32(INT32_MIN);
	const __m128i even = high_mul_sse(_mm_mul_epi32(a, b));
	const __m128i odd = high_mul_sse(_mm_mul_epi32(_mm_srli_epi64(a, 32),
						       _mm_srli_epi64(b, 32)));
	const __m128i r = _mm_blend_epi16(even, _mm_slli_epi64(odd, 32), 0xcc);
	const __m128i ovf = _mm_and_si128(_mm_cmpeq_epi32(a, min), _mm_cmpeq_epi32(b, min));

	return _mm_blendv_epi8(r, _mm_set1_epi32(INT32_MAX), ovf);
}

/* fw_mbqm() of four lanes by one multiplier and shift (clamped as there). */
static SSE41 inline __m128i mbqm4_sse(__m128i x, int32_t m, int32_t shift)
{
	const int32_t e = shift > 0 ? 0 : shift < -31 ? 31 : -shift;
	const __m128i mask = _mm_set1_epi32((int32_t)((1ll << e) - 1));
	__m128i threshold, up;

	shift = shift > 31 ? 31 : shift;
	x = _mm_sll_epi32(x, _mm_cvtsi32_si128(shift > 0 ? shift : 0));
	x = srdhm4_sse(x, _mm_set1_epi32(m));
	threshold = _mm_sub_epi32(_mm_srai_epi32(mask, 1), _mm_srai_epi32(x, 31));
	up = _mm_cmpgt_epi32(_mm_and_si128(x, mask), threshold);
	return _mm_sub_epi32(_mm_sra_epi32(x, _mm_cvtsi32_si128(e)), up);
}
#endif /* __x86_64__ */

#if defined(__aarch64__)
/* fw_mbqm() of four lanes by one multiplier and shift (clamped as there). */
static inline int32x4_t mbqm4(int32x4_t x, int32_t m, int32_t shift)
{
	const int32x4_t one = vdupq_n_s32(1);
	int32x4_t e, mask, threshold;
	uint32x4_t up;

	shift = shift > 31 ? 31 : shift < -31 ? -31 : shift;
	e = vdupq_n_s32(shift > 0 ? 0 : -shift);
	x = vqrdmulhq_s32(vshlq_s32(x, vdupq_n_s32(shift > 0 ? shift : 0)), vdupq_n_s32(m));
	mask = vsubq_s32(vshlq_s32(one, e), one);
	threshold = vsubq_s32(vshrq_n_s32(mask, 1), vshrq_n_s32(x, 31));
	up = vcgtq_s32(vandq_s32(x, mask), threshold);
	return vsubq_s32(vshlq_s32(x, vnegq_s32(e)), vreinterpretq_s32_u32(up));
}

/* opt_rq_one() of channels @k..@k + 3 (NEON's vqrdmulhq_s32 is srdhm exactly). */
static inline int32x4_t opt_rq4_neon(const struct cpu_rq_row *r, int32x4_t acc, uint32_t k)
{
	const int32x4_t one = vdupq_n_s32(1);
	const int32x4_t e = vld1q_s32(r->right + k);
	int32x4_t v = vreinterpretq_s32_u32(vaddq_u32(vreinterpretq_u32_s32(acc),
						     vld1q_u32(r->add + k)));
	int32x4_t mask, threshold;
	uint32x4_t up;

	v = vshlq_s32(v, vld1q_s32(r->left + k));
	v = vqrdmulhq_s32(v, vld1q_s32(r->mult + k));
	mask = vsubq_s32(vshlq_s32(one, e), one);
	threshold = vsubq_s32(vshrq_n_s32(mask, 1), vshrq_n_s32(v, 31));
	up = vcgtq_s32(vandq_s32(v, mask), threshold);
	v = vsubq_s32(vshlq_s32(v, vnegq_s32(e)), vreinterpretq_s32_u32(up));
	v = vaddq_s32(v, vdupq_n_s32(r->out_zp));
	return vminq_s32(vmaxq_s32(v, vdupq_n_s32(r->act_min)), vdupq_n_s32(r->act_max));
}

/* Eight requantized channels @k.. of @lo, @hi as bytes (truncating: uint8 too). */
static inline int8x8_t opt_rq8_neon(const struct cpu_rq_row *r, int32x4_t lo, int32x4_t hi,
				    uint32_t k)
{
	return vmovn_s16(vcombine_s16(vmovn_s32(opt_rq4_neon(r, lo, k)),
				      vmovn_s32(opt_rq4_neon(r, hi, k + 4))));
}
#endif /* __aarch64__ */

#endif /* NPU_CPU_SIMD_H */
