// SPDX-License-Identifier: MIT
/*
 * Requantization of a row of int32 accumulators to int8, many channels at
 * once: TFLite's MultiplyByQuantizedMultiplier (left shift, saturating
 * rounding doubling high multiply, rounding divide by a power of two),
 * output offset, clamp.  Exactly the firmware's fw_mbqm() and rq_s8() on
 * every input (test_cpu_opt.c checks it with the whole shift range).
 *
 * NEON's vqrdmulhq_s32 is SaturatingRoundingDoublingHighMul exactly:
 * floor((2ab + 2^31) / 2^32) equals gemmlowp's nudge-and-truncate form for
 * both signs, and saturates the one overflowing case the same way.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "npu_fw.h"

#include "cpu_opt.h"
#include "cpu_simd.h"

static inline int8_t rq_one(const struct cpu_rq_row *r, int32_t acc, uint32_t c)
{
	return (int8_t)opt_rq_one(r, acc, c);
}

static void requant_c(const struct cpu_rq_row *r, const int32_t *acc, uint32_t n, int8_t *out)
{
	for (uint32_t c = 0; c < n; c++)
		out[c] = rq_one(r, acc[c], c);
}

#if defined(__x86_64__)
/* Always inlined with @u8 constant: no test in the loop. */
static AVX2 inline __attribute__((always_inline)) void
requant_avx2_body(const struct cpu_rq_row *r, const int32_t *acc, uint32_t n, int8_t *out,
		  bool u8)
{
	uint32_t c = 0;

	for (; c + 16 <= n; c += 16)
		_mm_storeu_si128((__m128i *)(out + c),
				 opt_pack16(opt_rq8(r, opt_ld8(acc + c), c),
					    opt_rq8(r, opt_ld8(acc + c + 8), c + 8), u8));
	if (c + 8 <= n) {
		const __m256i v = opt_rq8(r, opt_ld8(acc + c), c);

		_mm_storel_epi64((__m128i *)(out + c), opt_pack16(v, v, u8));
		c += 8;
	}
	for (; c < n; c++)
		out[c] = rq_one(r, acc[c], c);
}

static AVX2 void requant_avx2(const struct cpu_rq_row *r, const int32_t *acc, uint32_t n,
			      int8_t *out)
{
	if (r->u8)
		requant_avx2_body(r, acc, n, out, true);
	else
		requant_avx2_body(r, acc, n, out, false);
}

/*
 * SSE4.1 has no per-lane shifts: the rounding division shifts the four
 * lanes by their four exponents and blends (the left shift, which
 * TFLite's multipliers below one never have, takes the C row).
 */
static SSE41 inline __m128i ld4(const void *p)
{
	return _mm_loadu_si128((const __m128i *)p);
}

static SSE41 inline __attribute__((always_inline)) __m128i
rq4_sse41(const struct cpu_rq_row *r, __m128i acc, uint32_t c)
{
	const __m128i x = srdhm4_sse(_mm_add_epi32(acc, ld4(r->add + c)), ld4(r->mult + c));
	const __m128i mask = ld4(r->mask + c), half = ld4(r->half + c);
	const __m128i up = _mm_cmpgt_epi32(_mm_and_si128(x, mask),
					   _mm_sub_epi32(half, _mm_srai_epi32(x, 31)));
	__m128i v = _mm_sra_epi32(x, _mm_cvtsi32_si128(r->right[c]));

	v = _mm_blend_epi16(v, _mm_sra_epi32(x, _mm_cvtsi32_si128(r->right[c + 1])), 0x0c);
	v = _mm_blend_epi16(v, _mm_sra_epi32(x, _mm_cvtsi32_si128(r->right[c + 2])), 0x30);
	v = _mm_blend_epi16(v, _mm_sra_epi32(x, _mm_cvtsi32_si128(r->right[c + 3])), 0xc0);
	v = _mm_add_epi32(_mm_sub_epi32(v, up), _mm_set1_epi32(r->out_zp));
	return _mm_min_epi32(_mm_max_epi32(v, _mm_set1_epi32(r->act_min)),
			     _mm_set1_epi32(r->act_max));
}

static SSE41 void requant_sse41(const struct cpu_rq_row *r, const int32_t *acc, uint32_t n,
				int8_t *out)
{
	uint32_t c = 0;

	if (r->any_left) {
		requant_c(r, acc, n, out);
		return;
	}
	for (; c + 8 <= n; c += 8) {
		const __m128i h = _mm_packs_epi32(rq4_sse41(r, ld4(acc + c), c),
						  rq4_sse41(r, ld4(acc + c + 4), c + 4));

		/* Within the type after the clamp: either packing keeps the bits. */
		_mm_storel_epi64((__m128i *)(out + c),
				 r->u8 ? _mm_packus_epi16(h, h) : _mm_packs_epi16(h, h));
	}
	for (; c < n; c++)
		out[c] = rq_one(r, acc[c], c);
}
#endif /* __x86_64__ */

#if defined(__aarch64__)
static void requant_neon(const struct cpu_rq_row *r, const int32_t *acc, uint32_t n,
			 int8_t *out)
{
	uint32_t c = 0;

	for (; c + 8 <= n; c += 8)
		vst1_s8(out + c, opt_rq8_neon(r, vld1q_s32(acc + c), vld1q_s32(acc + c + 4), c));
	for (; c < n; c++)
		out[c] = rq_one(r, acc[c], c);
}
#endif /* __aarch64__ */

/*
 * Per-channel requantization parameters (cpu_rq_row) of @n channels, with
 * @add[c] = @base[c] + bias[c]: the firmware's rq_s8() (fw_ops_conv.c),
 * shift clamped to -31..31 as there.  False when out of memory or the
 * clamp is not ordered within int8 (the SIMD packing saturates where the
 * firmware truncates).
 */
bool cpu_rq_row_init(struct cpu_rq_row *r, const struct npu_requant *rq, const int32_t *mult,
		     const int32_t *shift, const int32_t *bias, uint32_t *base, uint32_t n,
		     int32_t out_zp, int32_t act_min, int32_t act_max)
{
	const size_t padded = ((size_t)n + CPU_RQ_PAD - 1) / CPU_RQ_PAD * CPU_RQ_PAD;
	int32_t *m, *left, *right, *mask, *half;

	if (act_min < -128 || act_max > 127 || act_min > act_max)
		return false;
	m = calloc(5 * padded, sizeof(int32_t));
	if (!m)
		return false;
	left = m + padded;
	right = left + padded;
	mask = right + padded;
	half = mask + padded;
	for (uint32_t c = 0; c < n; c++) {
		int32_t sh = rq->count ? shift[c] : rq->shift;

		sh = sh > 31 ? 31 : sh < -31 ? -31 : sh;
		m[c] = rq->count ? mult[c] : rq->multiplier;
		left[c] = sh > 0 ? sh : 0;
		right[c] = sh > 0 ? 0 : -sh;
		mask[c] = (int32_t)((1ull << right[c]) - 1);
		half[c] = mask[c] >> 1;
		if (bias)
			base[c] += (uint32_t)bias[c];
	}
	*r = (struct cpu_rq_row){
		.add = base, .mult = m, .left = left, .right = right, .mask = mask, .half = half,
		.out_zp = out_zp, .act_min = act_min, .act_max = act_max,
	};
	r->narrow = out_zp >= -128 && out_zp <= 127;
	for (uint32_t c = 0; c < n; c++) {
		r->any_left |= left[c] != 0;
		r->any_mult_min |= m[c] == INT32_MIN;
		r->narrow &= right[c] >= 1 && m[c] != INT32_MIN;
	}
	return true;
}

bool cpu_rq_row_init_u8(struct cpu_rq_row *r, const struct npu_requant *rq,
			const int32_t *mult, const int32_t *shift, const int32_t *bias,
			uint32_t *base, uint32_t n, int32_t out_zp, int32_t act_min,
			int32_t act_max)
{
	if (act_min < 0 || act_max > 255 || act_min > act_max ||
	    !cpu_rq_row_init(r, rq, mult, shift, bias, base, n, out_zp, -128, 127))
		return false;
	/* rq_one()'s and NEON's narrowing truncate: right for 0..255 too. */
	r->act_min = act_min;
	r->act_max = act_max;
	r->u8 = true;
	r->narrow = false;	/* its offset is a uint8 one */
	return true;
}

void cpu_rq_row_free(struct cpu_rq_row *r)
{
	free((void *)r->mult);
}

cpu_requant_fn cpu_requant_select(enum cpu_isa isa)
{
	switch (isa) {
#if defined(__x86_64__)
	case CPU_ISA_AVX2:
	case CPU_ISA_AVX512VNNI:
		return requant_avx2;
	case CPU_ISA_SSE41:
		return requant_sse41;
#elif defined(__aarch64__)
	case CPU_ISA_NEON:
		return requant_neon;
#endif
	default:
		return requant_c;
	}
}
