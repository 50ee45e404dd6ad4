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

static inline int8_t rq_one(const struct cpu_rq_row *r, int32_t acc, uint32_t c)
{
	int32_t v = (int32_t)((uint32_t)acc + r->add[c]);

	v = (int32_t)((uint32_t)v << r->left[c]);
	v = rdivpot(srdhm(v, r->mult[c]), r->right[c]);
	v = (int32_t)((uint32_t)v + (uint32_t)r->out_zp);
	return (int8_t)(v < r->act_min ? r->act_min : v > r->act_max ? r->act_max : v);
}

/* fw_mbqm(): shift clamped to -31..31 as there. */
static inline int32_t mbqm(int32_t x, int32_t m, int32_t shift)
{
	shift = shift > 31 ? 31 : shift < -31 ? -31 : shift;
	x = (int32_t)((uint32_t)x << (shift > 0 ? shift : 0));
	return rdivpot(srdhm(x, m), shift > 0 ? 0 : -shift);
}

/* The firmware's elt_one() for ADD (@sub false) and SUB. */
static inline int8_t add_one(const struct npu_eltwise_params *p, bool sub, int32_t x, int32_t y)
{
	int32_t a = (int32_t)((uint32_t)(x - p->input1.zero_point) << p->left_shift);
	int32_t b = (int32_t)((uint32_t)(y - p->input2.zero_point) << p->left_shift);
	int32_t v;

	a = mbqm(a, p->input1_multiplier, p->input1_shift);
	b = mbqm(b, p->input2_multiplier, p->input2_shift);
	v = (int32_t)(sub ? (uint32_t)a - (uint32_t)b : (uint32_t)a + (uint32_t)b);
	v = mbqm(v, p->output_multiplier, p->output_shift);
	v = (int32_t)((uint32_t)v + (uint32_t)p->output.zero_point);
	return (int8_t)(v < p->act_min ? p->act_min : v > p->act_max ? p->act_max : v);
}

static void add_c(const struct npu_eltwise_params *p, bool sub, const int8_t *x,
		  const int8_t *y, size_t n, int8_t *out)
{
	for (size_t i = 0; i < n; i++)
		out[i] = add_one(p, sub, x[i], y[i]);
}

static void requant_c(const struct cpu_rq_row *r, const int32_t *acc, uint32_t n, int8_t *out)
{
	for (uint32_t c = 0; c < n; c++)
		out[c] = rq_one(r, acc[c], c);
}

#if defined(__x86_64__)
#define AVX2 __attribute__((target("avx2")))

/* Low 32 bits of (ab + nudge) / 2^31 (truncating) for the 64-bit lanes. */
static AVX2 inline __m256i high_mul(__m256i ab)
{
	const __m256i zero = _mm256_setzero_si256();
	const __m256i neg = _mm256_cmpgt_epi64(zero, ab);
	__m256i v = _mm256_add_epi64(ab, _mm256_blendv_epi8(_mm256_set1_epi64x(1 << 30),
							     _mm256_set1_epi64x(1 - (1 << 30)), neg));

	v = _mm256_add_epi64(v, _mm256_and_si256(_mm256_cmpgt_epi64(zero, v),
						 _mm256_set1_epi64x((1ll << 31) - 1)));
	return _mm256_srli_epi64(v, 31);
}

static AVX2 inline __m256i srdhm8(__m256i a, __m256i b)
{
	const __m256i min = _mm256_set1_epi32(INT32_MIN);
	const __m256i even = high_mul(_mm256_mul_epi32(a, b));
	const __m256i odd = high_mul(_mm256_mul_epi32(_mm256_srli_epi64(a, 32),
						      _mm256_srli_epi64(b, 32)));
	const __m256i r = _mm256_blend_epi32(even, _mm256_slli_epi64(odd, 32), 0xaa);
	const __m256i ovf = _mm256_and_si256(_mm256_cmpeq_epi32(a, min), _mm256_cmpeq_epi32(b, min));

	return _mm256_blendv_epi8(r, _mm256_set1_epi32(INT32_MAX), ovf);
}

static AVX2 inline __m256i rdivpot8(__m256i x, __m256i e)
{
	const __m256i one = _mm256_set1_epi32(1);
	const __m256i mask = _mm256_sub_epi32(_mm256_sllv_epi32(one, e), one);
	const __m256i threshold = _mm256_sub_epi32(_mm256_srai_epi32(mask, 1),
						   _mm256_srai_epi32(x, 31));
	const __m256i up = _mm256_cmpgt_epi32(_mm256_and_si256(x, mask), threshold);

	return _mm256_sub_epi32(_mm256_srav_epi32(x, e), up);
}

static AVX2 void requant_avx2(const struct cpu_rq_row *r, const int32_t *acc, uint32_t n,
			      int8_t *out)
{
	const __m256i zp = _mm256_set1_epi32(r->out_zp);
	const __m256i lo = _mm256_set1_epi32(r->act_min), hi = _mm256_set1_epi32(r->act_max);
	uint32_t c = 0;

	for (; c + 8 <= n; c += 8) {
		__m256i v = _mm256_add_epi32(_mm256_loadu_si256((const __m256i *)(acc + c)),
					     _mm256_loadu_si256((const __m256i *)(r->add + c)));
		__m128i h;

		v = _mm256_sllv_epi32(v, _mm256_loadu_si256((const __m256i *)(r->left + c)));
		v = srdhm8(v, _mm256_loadu_si256((const __m256i *)(r->mult + c)));
		v = rdivpot8(v, _mm256_loadu_si256((const __m256i *)(r->right + c)));
		v = _mm256_add_epi32(v, zp);
		v = _mm256_min_epi32(_mm256_max_epi32(v, lo), hi);
		h = _mm_packs_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
		h = r->u8 ? _mm_packus_epi16(h, h) : _mm_packs_epi16(h, h);
		_mm_storel_epi64((__m128i *)(out + c), h);
	}
	for (; c < n; c++)
		out[c] = rq_one(r, acc[c], c);
}
/* fw_mbqm() of eight lanes by one multiplier and shift (clamped as there). */
static AVX2 inline __m256i mbqm8(__m256i x, int32_t m, int32_t shift)
{
	shift = shift > 31 ? 31 : shift < -31 ? -31 : shift;
	x = _mm256_sll_epi32(x, _mm_cvtsi32_si128(shift > 0 ? shift : 0));
	return rdivpot8(srdhm8(x, _mm256_set1_epi32(m)), _mm256_set1_epi32(shift > 0 ? 0 : -shift));
}

static AVX2 void add_avx2(const struct npu_eltwise_params *p, bool sub, const int8_t *x,
			  const int8_t *y, size_t n, int8_t *out)
{
	const __m256i zp1 = _mm256_set1_epi32(p->input1.zero_point);
	const __m256i zp2 = _mm256_set1_epi32(p->input2.zero_point);
	const __m256i ozp = _mm256_set1_epi32(p->output.zero_point);
	const __m256i lo = _mm256_set1_epi32(p->act_min), hi = _mm256_set1_epi32(p->act_max);
	const __m128i ls = _mm_cvtsi32_si128(p->left_shift);
	size_t i = 0;

	for (; i + 8 <= n; i += 8) {
		__m256i a = _mm256_cvtepi8_epi32(_mm_loadl_epi64((const __m128i *)(x + i)));
		__m256i b = _mm256_cvtepi8_epi32(_mm_loadl_epi64((const __m128i *)(y + i)));
		__m256i v;
		__m128i h;

		a = mbqm8(_mm256_sll_epi32(_mm256_sub_epi32(a, zp1), ls), p->input1_multiplier,
			  p->input1_shift);
		b = mbqm8(_mm256_sll_epi32(_mm256_sub_epi32(b, zp2), ls), p->input2_multiplier,
			  p->input2_shift);
		v = sub ? _mm256_sub_epi32(a, b) : _mm256_add_epi32(a, b);
		v = _mm256_add_epi32(mbqm8(v, p->output_multiplier, p->output_shift), ozp);
		v = _mm256_min_epi32(_mm256_max_epi32(v, lo), hi);
		h = _mm_packs_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
		_mm_storel_epi64((__m128i *)(out + i), _mm_packs_epi16(h, h));
	}
	add_c(p, sub, x + i, y + i, n - i, out + i);
}
#endif /* __x86_64__ */

#if defined(__aarch64__)
static void requant_neon(const struct cpu_rq_row *r, const int32_t *acc, uint32_t n,
			 int8_t *out)
{
	const int32x4_t zp = vdupq_n_s32(r->out_zp);
	const int32x4_t lo = vdupq_n_s32(r->act_min), hi = vdupq_n_s32(r->act_max);
	const int32x4_t one = vdupq_n_s32(1);
	uint32_t c = 0;

	for (; c + 8 <= n; c += 8) {
		int16x4_t h[2];

		for (int q = 0; q < 2; q++) {
			const uint32_t k = c + 4 * (uint32_t)q;
			const int32x4_t e = vld1q_s32(r->right + k);
			int32x4_t v = vreinterpretq_s32_u32(vaddq_u32(
				vreinterpretq_u32_s32(vld1q_s32(acc + k)), vld1q_u32(r->add + k)));
			int32x4_t mask, threshold;
			uint32x4_t up;

			v = vshlq_s32(v, vld1q_s32(r->left + k));
			v = vqrdmulhq_s32(v, vld1q_s32(r->mult + k));
			mask = vsubq_s32(vshlq_s32(one, e), one);
			threshold = vsubq_s32(vshrq_n_s32(mask, 1), vshrq_n_s32(v, 31));
			up = vcgtq_s32(vandq_s32(v, mask), threshold);
			v = vsubq_s32(vshlq_s32(v, vnegq_s32(e)), vreinterpretq_s32_u32(up));
			v = vaddq_s32(v, zp);
			v = vminq_s32(vmaxq_s32(v, lo), hi);
			h[q] = vmovn_s32(v);
		}
		vst1_s8(out + c, vmovn_s16(vcombine_s16(h[0], h[1])));
	}
	for (; c < n; c++)
		out[c] = rq_one(r, acc[c], c);
}
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

static void add_neon(const struct npu_eltwise_params *p, bool sub, const int8_t *x,
		     const int8_t *y, size_t n, int8_t *out)
{
	const int32x4_t ls = vdupq_n_s32(p->left_shift);
	size_t i = 0;

	for (; i + 4 <= n; i += 4) {
		int32x4_t a = vmovl_s16(vget_low_s16(vmovl_s8(vld1_s8(x + i))));
		int32x4_t b = vmovl_s16(vget_low_s16(vmovl_s8(vld1_s8(y + i))));
		int32x4_t v;
		int32_t r[4];

		a = mbqm4(vshlq_s32(vsubq_s32(a, vdupq_n_s32(p->input1.zero_point)), ls),
			  p->input1_multiplier, p->input1_shift);
		b = mbqm4(vshlq_s32(vsubq_s32(b, vdupq_n_s32(p->input2.zero_point)), ls),
			  p->input2_multiplier, p->input2_shift);
		v = sub ? vsubq_s32(a, b) : vaddq_s32(a, b);
		v = vaddq_s32(mbqm4(v, p->output_multiplier, p->output_shift),
			      vdupq_n_s32(p->output.zero_point));
		v = vminq_s32(vmaxq_s32(v, vdupq_n_s32(p->act_min)), vdupq_n_s32(p->act_max));
		vst1q_s32(r, v);
		for (int k = 0; k < 4; k++)
			out[i + k] = (int8_t)r[k];
	}
	add_c(p, sub, x + i, y + i, n - i, out + i);
}
#endif /* __aarch64__ */

/* Same shapes only (no broadcast), ordered int8 clamp, left shift 0..31. */
bool cpu_opt_add_s8(const struct npu_eltwise_params *p, bool sub, const int8_t *x,
		    const int8_t *y, int8_t *out, enum cpu_isa isa)
{
	size_t n;

	if (p->output.rank > NPU_CS_MAX_DIMS || p->input1.rank != p->output.rank ||
	    p->input2.rank != p->output.rank ||
	    memcmp(p->input1.dims, p->output.dims, p->output.rank * sizeof(p->output.dims[0])) ||
	    memcmp(p->input2.dims, p->output.dims, p->output.rank * sizeof(p->output.dims[0])) ||
	    p->left_shift < 0 || p->left_shift > 31 ||
	    p->act_min < -128 || p->act_max > 127 || p->act_min > p->act_max)
		return false;
	n = npu_tensor_elems(&p->output);
	switch (isa) {
#if defined(__x86_64__)
	case CPU_ISA_AVX2:
	case CPU_ISA_AVX512VNNI:
		add_avx2(p, sub, x, y, n, out);
		break;
#elif defined(__aarch64__)
	case CPU_ISA_NEON:
		add_neon(p, sub, x, y, n, out);
		break;
#endif
	default:
		add_c(p, sub, x, y, n, out);
	}
	return true;
}

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
	int32_t *m, *left, *right;

	if (act_min < -128 || act_max > 127 || act_min > act_max)
		return false;
	m = malloc(3 * (size_t)n * sizeof(int32_t));
	if (!m)
		return false;
	left = m + n;
	right = left + n;
	for (uint32_t c = 0; c < n; c++) {
		int32_t sh = rq->count ? shift[c] : rq->shift;

		sh = sh > 31 ? 31 : sh < -31 ? -31 : sh;
		m[c] = rq->count ? mult[c] : rq->multiplier;
		left[c] = sh > 0 ? sh : 0;
		right[c] = sh > 0 ? 0 : -sh;
		if (bias)
			base[c] += (uint32_t)bias[c];
	}
	*r = (struct cpu_rq_row){
		.add = base, .mult = m, .left = left, .right = right,
		.out_zp = out_zp, .act_min = act_min, .act_max = act_max,
	};
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
#elif defined(__aarch64__)
	case CPU_ISA_NEON:
		return requant_neon;
#endif
	default:
		return requant_c;
	}
}
