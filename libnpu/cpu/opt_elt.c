// SPDX-License-Identifier: MIT
/*
 * Optimized ADD, SUB and MUL, int8 and uint8, with broadcast (see
 * cpu_opt.h): the firmware's elt_one() (fw_ops_elt.c) over rows.  The
 * broadcast walk is folded into the fewest dimensions (axes along which
 * both inputs step alike merge), so a same-shape op is one row and a
 * per-channel operand is a row of channels per pixel; along the innermost
 * run each input either steps by one element or stays (a scalar), and a
 * row kernel computes it in SIMD lanes with the firmware's arithmetic.
 */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "npu_fw.h"

#include "cpu_opt.h"
#include "cpu_simd.h"

#define DIMS NPU_CS_MAX_DIMS

/*
 * One row: @n outputs from @x and @y, each stepping by @sx / @sy elements
 * (1, or 0 for a broadcast scalar).  Elements are uint8 with @u8.
 */
struct elt_row {
	const struct npu_eltwise_params *p;
	enum cpu_elt_kind kind;
	bool u8;
	bool split;		/* ADD, SUB: the inputs' rescaling in 32-bit lanes (elt_split) */
	struct elt_split {
		int32_t mh, ml, round, k, e;	/* one input's rescaling */
	} in[2];
};

/*
 * ADD and SUB rescale each input by mbqm(a << L, m, -e) with a = x - zp in
 * [-255, 255] (zero points within the type) and L the left shift (20 for
 * int8) plus the multiplier's own left shift.  With 9 <= L <= 22, a << L
 * does not wrap and is never INT32_MIN, so the saturating rounding
 * doubling high multiply is floor((a * 2^L * m + 2^30) / 2^31) =
 * floor((a * m + 2^(k-1)) / 2^k) with k = 31 - L, and with m = mh * 2^k +
 * ml (0 <= ml < 2^k):
 *
 *   srdhm(a << L, m) = a * mh + ((a * ml + 2^(k-1)) >> k)
 *
 * exactly, both products within int32 (|a * mh| <= 255 * 2^22, |a * ml| <
 * 255 * 2^22): two 32-bit multiplies instead of the four 64-bit products,
 * shifts and blends of the general form.  Then the rounding division by
 * 2^e as always.
 */
static bool elt_split_init(struct elt_split *s, int32_t left_shift, int32_t m, int32_t shift)
{
	const int32_t sh = shift > 31 ? 31 : shift < -31 ? -31 : shift;
	const int32_t l = left_shift + (sh > 0 ? sh : 0);

	if (l < 9 || l > 22)
		return false;
	s->k = 31 - l;
	s->mh = m >> s->k;	/* arithmetic: floor */
	s->ml = (int32_t)((uint32_t)m & ((1u << s->k) - 1));
	s->round = 1 << (s->k - 1);
	s->e = sh > 0 ? 0 : -sh;
	return true;
}
typedef void (*elt_row_fn)(const struct elt_row *e, const void *x, size_t sx, const void *y,
			   size_t sy, size_t n, void *out);

static inline int32_t elt_load(bool u8, const void *base, size_t i)
{
	return u8 ? ((const uint8_t *)base)[i] : ((const int8_t *)base)[i];
}

/* The firmware's elt_one(), then the clamp (within the type: no wrap on store). */
static inline uint8_t elt_one(const struct elt_row *e, int32_t x, int32_t y)
{
	const struct npu_eltwise_params *p = e->p;
	const int32_t a = x - p->input1.zero_point, b = y - p->input2.zero_point;
	int32_t v;

	if (e->kind == CPU_ELT_MUL) {
		v = mbqm((int32_t)((uint32_t)a * (uint32_t)b), p->output_multiplier,
			 p->output_shift);
	} else {
		const int32_t sa = mbqm((int32_t)((uint32_t)a << p->left_shift),
					p->input1_multiplier, p->input1_shift);
		const int32_t sb = mbqm((int32_t)((uint32_t)b << p->left_shift),
					p->input2_multiplier, p->input2_shift);

		v = (int32_t)(e->kind == CPU_ELT_ADD ? (uint32_t)sa + (uint32_t)sb :
			      (uint32_t)sa - (uint32_t)sb);
		v = mbqm(v, p->output_multiplier, p->output_shift);
	}
	v = (int32_t)((uint32_t)v + (uint32_t)p->output.zero_point);
	return (uint8_t)(v < p->act_min ? p->act_min : v > p->act_max ? p->act_max : v);
}

static void elt_row_c(const struct elt_row *e, const void *x, size_t sx, const void *y,
		      size_t sy, size_t n, void *out)
{
	for (size_t i = 0; i < n; i++)
		((uint8_t *)out)[i] = elt_one(e, elt_load(e->u8, x, i * sx),
					      elt_load(e->u8, y, i * sy));
}

#if defined(__x86_64__)
/*
 * The row kernel in SIMD lanes, one body for both widths: ELT_ROW_X86(v8,
 * 8, AVX2) and ELT_ROW_X86(v4, 4, SSE41) expand it over the primitives
 * V##_...() below (AVX2's eight int32 lanes, SSE4.1's four), each always
 * inlined, so each width compiles to its own straight vector code.
 */
#define X86_PRIM inline __attribute__((always_inline))

/* Eight elements from @i as int32 lanes (all the first with @s 0). */
static AVX2 X86_PRIM __m256i load8(bool u8, const void *base, size_t s, size_t i)
{
	__m128i v;

	if (!s)
		return _mm256_set1_epi32(elt_load(u8, base, 0));
	v = _mm_loadl_epi64((const __m128i *)((const uint8_t *)base + i));
	return u8 ? _mm256_cvtepu8_epi32(v) : _mm256_cvtepi8_epi32(v);
}

typedef __m256i v8_t;
#define v8_load load8
#define v8_set1 _mm256_set1_epi32
#define v8_add _mm256_add_epi32
#define v8_sub _mm256_sub_epi32
#define v8_mullo _mm256_mullo_epi32
#define v8_mbqm mbqm8

static AVX2 X86_PRIM v8_t v8_sll(v8_t a, int32_t n)
{
	return _mm256_sll_epi32(a, _mm_cvtsi32_si128(n));
}

/* Clamp to [@lo, @hi] (within the type) and store eight bytes. */
static AVX2 X86_PRIM void v8_store(v8_t v, v8_t lo, v8_t hi, bool u8, uint8_t *out)
{
	__m128i h;

	v = _mm256_min_epi32(_mm256_max_epi32(v, lo), hi);
	h = _mm_packs_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
	h = u8 ? _mm_packus_epi16(h, h) : _mm_packs_epi16(h, h);
	_mm_storel_epi64((__m128i *)out, h);
}

static SSE41 X86_PRIM __m128i load4(bool u8, const void *base, size_t s, size_t i)
{
	__m128i v;

	if (!s)
		return _mm_set1_epi32(elt_load(u8, base, 0));
	v = _mm_cvtsi32_si128((int32_t)((const uint8_t *)base)[i] |
			      (int32_t)((const uint8_t *)base)[i + 1] << 8 |
			      (int32_t)((const uint8_t *)base)[i + 2] << 16 |
			      (int32_t)((uint32_t)((const uint8_t *)base)[i + 3] << 24));
	return u8 ? _mm_cvtepu8_epi32(v) : _mm_cvtepi8_epi32(v);
}

typedef __m128i v4_t;
#define v4_load load4
#define v4_set1 _mm_set1_epi32
#define v4_add _mm_add_epi32
#define v4_sub _mm_sub_epi32
#define v4_mullo _mm_mullo_epi32
#define v4_mbqm mbqm4_sse

static SSE41 X86_PRIM v4_t v4_sll(v4_t a, int32_t n)
{
	return _mm_sll_epi32(a, _mm_cvtsi32_si128(n));
}

static SSE41 X86_PRIM void v4_store(v4_t v, v4_t lo, v4_t hi, bool u8, uint8_t *out)
{
	int32_t four;

	v = _mm_min_epi32(_mm_max_epi32(v, lo), hi);
	v = _mm_packs_epi32(v, v);
	v = u8 ? _mm_packus_epi16(v, v) : _mm_packs_epi16(v, v);
	four = _mm_cvtsi128_si32(v);
	memcpy(out, &four, sizeof(four));	/* a byte row: no alignment */
}

#define v8_srdhm srdhm8
static AVX2 X86_PRIM v8_t v8_sra(v8_t a, int32_t n)
{
	return _mm256_sra_epi32(a, _mm_cvtsi32_si128(n));
}

#define v8_and _mm256_and_si256
#define v8_cmpgt _mm256_cmpgt_epi32

#define v4_srdhm srdhm4_sse
static SSE41 X86_PRIM v4_t v4_sra(v4_t a, int32_t n)
{
	return _mm_sra_epi32(a, _mm_cvtsi32_si128(n));
}

#define v4_and _mm_and_si128
#define v4_cmpgt _mm_cmpgt_epi32

/*
 * Sixteen int32 lanes (AVX-512) for the split rescaling only: the same
 * operations as v8's, a comparison's mask widened to all-ones lanes.
 */
static VNNI X86_PRIM __m512i load16(bool u8, const void *base, size_t s, size_t i)
{
	__m128i v;

	if (!s)
		return _mm512_set1_epi32(elt_load(u8, base, 0));
	v = _mm_loadu_si128((const __m128i *)((const uint8_t *)base + i));
	return u8 ? _mm512_cvtepu8_epi32(v) : _mm512_cvtepi8_epi32(v);
}

typedef __m512i v16_t;
#define v16_load load16
#define v16_set1 _mm512_set1_epi32
#define v16_add _mm512_add_epi32
#define v16_sub _mm512_sub_epi32
#define v16_mullo _mm512_mullo_epi32
#define v16_and _mm512_and_si512

static VNNI X86_PRIM v16_t v16_sll(v16_t a, int32_t n)
{
	return _mm512_sll_epi32(a, _mm_cvtsi32_si128(n));
}

static VNNI X86_PRIM v16_t v16_sra(v16_t a, int32_t n)
{
	return _mm512_sra_epi32(a, _mm_cvtsi32_si128(n));
}

static VNNI X86_PRIM v16_t v16_cmpgt(v16_t a, v16_t b)
{
	return _mm512_maskz_mov_epi32(_mm512_cmpgt_epi32_mask(a, b), _mm512_set1_epi32(-1));
}

/* srdhm8() on sixteen lanes. */
static VNNI X86_PRIM v16_t v16_srdhm(v16_t a, v16_t b)
{
	const __m512i round = _mm512_set1_epi64(1 << 30);
	const __m512i even = _mm512_add_epi64(_mm512_mul_epi32(a, b), round);
	const __m512i odd = _mm512_add_epi64(_mm512_mul_epi32(_mm512_srli_epi64(a, 32),
							      _mm512_srli_epi64(b, 32)), round);
	const __m512i r = _mm512_mask_blend_epi32(0xaaaa, _mm512_srli_epi64(even, 31),
						  _mm512_slli_epi64(odd, 1));

	return _mm512_mask_sub_epi32(r, _mm512_cmpeq_epi32_mask(r, _mm512_set1_epi32(INT32_MIN)),
				     r, _mm512_set1_epi32(1));
}

static VNNI X86_PRIM void v16_store(v16_t v, v16_t lo, v16_t hi, bool u8, uint8_t *out)
{
	(void)u8;	/* clamped within the type: the low byte is the value */
	v = _mm512_min_epi32(_mm512_max_epi32(v, lo), hi);
	_mm_storeu_si128((__m128i *)out, _mm512_cvtepi32_epi8(v));
}

/* RoundingDivideByPOT(x, e) for one @e: mask 2^e - 1 and half mask >> 1 (see cpu_simd.h). */
#define ELT_RDIV(V, x, e, mask, half)						\
	V##_sub(V##_sra(x, e), V##_cmpgt(V##_and(x, mask), V##_sub(half, V##_sra(x, 31))))

/* One input's rescaling by elt_split (above). */
#define ELT_SPLIT(V, a, s, ml, mh, round, mask, half)				\
	ELT_RDIV(V, V##_add(V##_mullo(a, mh),					\
			    V##_sra(V##_add(V##_mullo(a, ml), round), (s)->k)),	\
		 (s)->e, mask, half)

/*
 * ADD and SUB with both inputs' rescaling split (elt_split): every
 * constant in a register before the loop, the output's mbqm as
 * V##_mbqm()'s (its multiplier and shift are any int32).
 */
#define ELT_SPLIT_X86(V, W, TARGET, TAIL)					\
static TARGET void elt_split_##V(const struct elt_row *e, const void *x, size_t sx,	\
				 const void *y, size_t sy, size_t n, void *out)	\
{										\
	const struct npu_eltwise_params *p = e->p;				\
	const struct elt_split *s1 = &e->in[0], *s2 = &e->in[1];		\
	const V##_t zp1 = V##_set1(p->input1.zero_point);			\
	const V##_t zp2 = V##_set1(p->input2.zero_point);			\
	const V##_t ml1 = V##_set1(s1->ml), mh1 = V##_set1(s1->mh);		\
	const V##_t ml2 = V##_set1(s2->ml), mh2 = V##_set1(s2->mh);		\
	const V##_t r1 = V##_set1(s1->round), r2 = V##_set1(s2->round);		\
	const V##_t mask1 = V##_set1((int32_t)((1ll << s1->e) - 1));		\
	const V##_t mask2 = V##_set1((int32_t)((1ll << s2->e) - 1));		\
	const V##_t half1 = V##_set1((int32_t)((1ll << s1->e) - 1) >> 1);	\
	const V##_t half2 = V##_set1((int32_t)((1ll << s2->e) - 1) >> 1);	\
	const int32_t os = p->output_shift > 31 ? 31 : p->output_shift < -31 ? -31 :	\
			   p->output_shift;					\
	const int32_t oe = os > 0 ? 0 : -os;					\
	const V##_t om = V##_set1(p->output_multiplier);			\
	const V##_t omask = V##_set1((int32_t)((1ll << oe) - 1));		\
	const V##_t ohalf = V##_set1((int32_t)((1ll << oe) - 1) >> 1);		\
	const V##_t ozp = V##_set1(p->output.zero_point);			\
	const V##_t lo = V##_set1(p->act_min), hi = V##_set1(p->act_max);	\
	size_t i = 0;								\
										\
	for (; i + (W) <= n; i += (W)) {					\
		const V##_t a = V##_sub(V##_load(e->u8, x, sx, i), zp1);	\
		const V##_t b = V##_sub(V##_load(e->u8, y, sy, i), zp2);	\
		const V##_t ta = ELT_SPLIT(V, a, s1, ml1, mh1, r1, mask1, half1); \
		const V##_t tb = ELT_SPLIT(V, b, s2, ml2, mh2, r2, mask2, half2); \
		V##_t v = e->kind == CPU_ELT_SUB ? V##_sub(ta, tb) : V##_add(ta, tb); \
										\
		v = V##_srdhm(V##_sll(v, os > 0 ? os : 0), om);			\
		v = ELT_RDIV(V, v, oe, omask, ohalf);				\
		V##_store(V##_add(v, ozp), lo, hi, e->u8, (uint8_t *)out + i);	\
	}									\
	TAIL(e, (const uint8_t *)x + i * sx, sx, (const uint8_t *)y + i * sy, sy, \
	     n - i, (uint8_t *)out + i);					\
}

#define ELT_ROW_X86(V, W, TARGET)						\
static TARGET void elt_row_##V(const struct elt_row *e, const void *x, size_t sx,	\
			       const void *y, size_t sy, size_t n, void *out)	\
{										\
	const struct npu_eltwise_params *p = e->p;				\
	const V##_t zp1 = V##_set1(p->input1.zero_point);			\
	const V##_t zp2 = V##_set1(p->input2.zero_point);			\
	const V##_t ozp = V##_set1(p->output.zero_point);			\
	const V##_t lo = V##_set1(p->act_min), hi = V##_set1(p->act_max);	\
	size_t i = 0;								\
										\
	for (; i + (W) <= n; i += (W)) {					\
		V##_t a = V##_sub(V##_load(e->u8, x, sx, i), zp1);		\
		V##_t b = V##_sub(V##_load(e->u8, y, sy, i), zp2);		\
		V##_t v;							\
										\
		if (e->kind == CPU_ELT_MUL) {					\
			v = V##_mbqm(V##_mullo(a, b), p->output_multiplier,	\
				     p->output_shift);				\
		} else {							\
			a = V##_mbqm(V##_sll(a, p->left_shift), p->input1_multiplier, \
				     p->input1_shift);				\
			b = V##_mbqm(V##_sll(b, p->left_shift), p->input2_multiplier, \
				     p->input2_shift);				\
			v = e->kind == CPU_ELT_SUB ? V##_sub(a, b) : V##_add(a, b); \
			v = V##_mbqm(v, p->output_multiplier, p->output_shift);	\
		}								\
		V##_store(V##_add(v, ozp), lo, hi, e->u8, (uint8_t *)out + i);	\
	}									\
	elt_row_c(e, (const uint8_t *)x + i * sx, sx, (const uint8_t *)y + i * sy, sy, \
		  n - i, (uint8_t *)out + i);					\
}

ELT_ROW_X86(v8, 8, AVX2)
ELT_ROW_X86(v4, 4, SSE41)
ELT_SPLIT_X86(v8, 8, AVX2, elt_row_c)
ELT_SPLIT_X86(v4, 4, SSE41, elt_row_c)
ELT_SPLIT_X86(v16, 16, VNNI, elt_split_v8)	/* a tail of 8 to 15 in eight lanes */
#endif /* __x86_64__ */

#if defined(__aarch64__)
static inline int32x4_t load4(bool u8, const void *base, size_t s, size_t i)
{
	if (!s)
		return vdupq_n_s32(elt_load(u8, base, 0));
	if (u8)
		return vreinterpretq_s32_u32(vmovl_u16(vget_low_u16(vmovl_u8(
			vld1_u8((const uint8_t *)base + i)))));
	return vmovl_s16(vget_low_s16(vmovl_s8(vld1_s8((const int8_t *)base + i))));
}

static void elt_row_neon(const struct elt_row *e, const void *x, size_t sx, const void *y,
			 size_t sy, size_t n, void *out)
{
	const struct npu_eltwise_params *p = e->p;
	const int32x4_t ls = vdupq_n_s32(p->left_shift);
	size_t i = 0;

	/* Eight at a time: the 8-byte loads stay inside the row. */
	for (; i + 8 <= n; i += 4) {
		int32x4_t a = vsubq_s32(load4(e->u8, x, sx, i), vdupq_n_s32(p->input1.zero_point));
		int32x4_t b = vsubq_s32(load4(e->u8, y, sy, i), vdupq_n_s32(p->input2.zero_point));
		int32x4_t v;
		int32_t r[4];

		if (e->kind == CPU_ELT_MUL) {
			v = mbqm4(vmulq_s32(a, b), p->output_multiplier, p->output_shift);
		} else {
			a = mbqm4(vshlq_s32(a, ls), p->input1_multiplier, p->input1_shift);
			b = mbqm4(vshlq_s32(b, ls), p->input2_multiplier, p->input2_shift);
			v = e->kind == CPU_ELT_SUB ? vsubq_s32(a, b) : vaddq_s32(a, b);
			v = mbqm4(v, p->output_multiplier, p->output_shift);
		}
		v = vaddq_s32(v, vdupq_n_s32(p->output.zero_point));
		v = vminq_s32(vmaxq_s32(v, vdupq_n_s32(p->act_min)), vdupq_n_s32(p->act_max));
		vst1q_s32(r, v);
		for (int k = 0; k < 4; k++)
			((uint8_t *)out)[i + (size_t)k] = (uint8_t)r[k];
	}
	elt_row_c(e, (const uint8_t *)x + i * sx, sx, (const uint8_t *)y + i * sy, sy, n - i,
		  (uint8_t *)out + i);
}
#endif /* __aarch64__ */

static elt_row_fn elt_row_select(enum cpu_isa isa, bool split)
{
	(void)split;	/* the split rescaling is x86's (NEON's vqrdmulh is one instruction) */
	switch (isa) {
#if defined(__x86_64__)
	case CPU_ISA_AVX2:
		return split ? elt_split_v8 : elt_row_v8;
	case CPU_ISA_AVX512VNNI:
		return split ? elt_split_v16 : elt_row_v8;
	case CPU_ISA_SSE41:
		return split ? elt_split_v4 : elt_row_v4;
#elif defined(__aarch64__)
	case CPU_ISA_NEON:
		return elt_row_neon;
#endif
	default:
		return elt_row_c;
	}
}

/* @t's dims extended to DIMS by leading 1s. */
static bool shape5(const struct npu_tensor *t, uint32_t *d)
{
	const uint32_t lead = DIMS - (uint32_t)t->rank;

	if (t->rank > DIMS)
		return false;
	for (uint32_t i = 0; i < DIMS; i++)
		d[i] = i < lead ? 1 : t->dims[i - lead];
	return true;
}

/* Element strides of an input of shape @in broadcast to @out: 0 along broadcast axes. */
static bool bcast_strides(const uint32_t *in, const uint32_t *out, size_t *s)
{
	size_t step = 1;

	for (int i = DIMS - 1; i >= 0; i--) {
		if (in[i] != out[i] && in[i] != 1)
			return false;
		s[i] = in[i] == 1 ? 0 : step;
		step *= in[i];
	}
	return true;
}

/* The folded walk of one op, split by output elements across the pool. */
struct elt_job {
	struct elt_row e;
	elt_row_fn row;
	const uint8_t *x, *y;
	uint8_t *out;
	uint32_t dims[DIMS];
	size_t a1[DIMS], a2[DIMS];
	int nd;
};

static void elt_part(void *arg, uint32_t part, uint32_t parts)
{
	const struct elt_job *j = arg;
	const int nd = j->nd;
	const size_t len = j->dims[nd - 1];
	size_t total = len, begin, end, idx[DIMS];

	for (int i = 0; i < nd - 1; i++)
		total *= j->dims[i];
	cpu_part_range(total, part, parts, &begin, &end);
	while (begin < end) {
		const size_t off = begin % len, n = len - off < end - begin ? len - off : end - begin;
		size_t r = begin / len, i1 = off * j->a1[nd - 1], i2 = off * j->a2[nd - 1];

		for (int i = nd - 2; i >= 0; i--) {
			idx[i] = r % j->dims[i];
			r /= j->dims[i];
			i1 += idx[i] * j->a1[i];
			i2 += idx[i] * j->a2[i];
		}
		j->row(&j->e, j->x + i1, j->a1[nd - 1], j->y + i2, j->a2[nd - 1], n, j->out + begin);
		begin += n;
	}
}

bool cpu_opt_eltwise(const struct npu_eltwise_params *p, enum cpu_elt_kind kind, bool u8,
		     const void *x, const void *y, void *out, enum cpu_isa isa,
		     struct npu_cpu_pool *pool)
{
	struct elt_job j = { .e = { .p = p, .kind = kind, .u8 = u8 }, .x = x, .y = y, .out = out };
	const int32_t lo = u8 ? 0 : -128, hi = u8 ? 255 : 127;
	uint32_t d1[DIMS], d2[DIMS], od[DIMS];
	size_t s1[DIMS], s2[DIMS];
	int nd = 0;

	if (!shape5(&p->input1, d1) || !shape5(&p->input2, d2) || !shape5(&p->output, od) ||
	    !bcast_strides(d1, od, s1) || !bcast_strides(d2, od, s2) ||
	    p->left_shift < 0 || p->left_shift > 31 ||
	    p->act_min < lo || p->act_max > hi || p->act_min > p->act_max)
		return false;
	/* Fold: drop size-1 axes, merge an axis into the next inner one when both inputs step alike. */
	for (int i = 0; i < DIMS; i++) {
		if (od[i] == 1)
			continue;
		if (nd && j.a1[nd - 1] == s1[i] * od[i] && j.a2[nd - 1] == s2[i] * od[i]) {
			j.dims[nd - 1] *= od[i];
			j.a1[nd - 1] = s1[i];
			j.a2[nd - 1] = s2[i];
			continue;
		}
		j.dims[nd] = od[i];
		j.a1[nd] = s1[i];
		j.a2[nd] = s2[i];
		nd++;
	}
	if (!nd) {
		j.dims[0] = 1;
		j.a1[0] = j.a2[0] = 0;
		nd = 1;
	}
	j.nd = nd;
	j.e.split = kind != CPU_ELT_MUL &&
		    p->input1.zero_point >= lo && p->input1.zero_point <= hi &&
		    p->input2.zero_point >= lo && p->input2.zero_point <= hi &&
		    elt_split_init(&j.e.in[0], p->left_shift, p->input1_multiplier,
				   p->input1_shift) &&
		    elt_split_init(&j.e.in[1], p->left_shift, p->input2_multiplier,
				   p->input2_shift);
	j.row = elt_row_select(isa, j.e.split);
	if (npu_tensor_elems(&p->output))
		cpu_pool_run(npu_tensor_elems(&p->output) >= CPU_POOL_MIN_WORK ? pool : NULL,
			     elt_part, &j);
	return true;
}

/* ---- LEAKY_RELU: the firmware's lrelu_one(), clamped to the type ---- */

static inline uint8_t lrelu_one(const struct npu_leaky_relu_params *p, bool u8, int32_t x)
{
	int32_t v = x - p->input.zero_point;
	const int32_t lo = u8 ? 0 : -128, hi = u8 ? 255 : 127;

	v = v >= 0 ? mbqm(v, p->multiplier_identity, p->shift_identity) :
		     mbqm(v, p->multiplier_alpha, p->shift_alpha);
	v = (int32_t)((uint32_t)v + (uint32_t)p->output.zero_point);
	return (uint8_t)(v < lo ? lo : v > hi ? hi : v);
}

static void lrelu_c(const struct npu_leaky_relu_params *p, bool u8, const void *in, size_t n,
		    void *out)
{
	for (size_t i = 0; i < n; i++)
		((uint8_t *)out)[i] = lrelu_one(p, u8, elt_load(u8, in, i));
}

#if defined(__x86_64__)
/* Both branches in every lane, the negative ones' taken where v < 0. */
static AVX2 void lrelu_avx2(const struct npu_leaky_relu_params *p, bool u8, const void *in,
			    size_t n, void *out)
{
	const __m256i zp = _mm256_set1_epi32(p->input.zero_point);
	const __m256i ozp = _mm256_set1_epi32(p->output.zero_point);
	const __m256i lo = _mm256_set1_epi32(u8 ? 0 : -128), hi = _mm256_set1_epi32(u8 ? 255 : 127);
	size_t i = 0;

	for (; i + 8 <= n; i += 8) {
		const __m256i v = _mm256_sub_epi32(load8(u8, in, 1, i), zp);
		const __m256i a = mbqm8(v, p->multiplier_identity, p->shift_identity);
		const __m256i b = mbqm8(v, p->multiplier_alpha, p->shift_alpha);
		__m256i r = _mm256_blendv_epi8(a, b, _mm256_cmpgt_epi32(_mm256_setzero_si256(), v));
		__m128i h;

		r = _mm256_min_epi32(_mm256_max_epi32(_mm256_add_epi32(r, ozp), lo), hi);
		h = _mm_packs_epi32(_mm256_castsi256_si128(r), _mm256_extracti128_si256(r, 1));
		h = u8 ? _mm_packus_epi16(h, h) : _mm_packs_epi16(h, h);
		_mm_storel_epi64((__m128i *)((uint8_t *)out + i), h);
	}
	lrelu_c(p, u8, (const uint8_t *)in + i, n - i, (uint8_t *)out + i);
}
#endif

#if defined(__aarch64__)
static void lrelu_neon(const struct npu_leaky_relu_params *p, bool u8, const void *in, size_t n,
		       void *out)
{
	const int32x4_t lo = vdupq_n_s32(u8 ? 0 : -128), hi = vdupq_n_s32(u8 ? 255 : 127);
	size_t i = 0;

	for (; i + 8 <= n; i += 4) {
		const int32x4_t v = vsubq_s32(load4(u8, in, 1, i), vdupq_n_s32(p->input.zero_point));
		const int32x4_t a = mbqm4(v, p->multiplier_identity, p->shift_identity);
		const int32x4_t b = mbqm4(v, p->multiplier_alpha, p->shift_alpha);
		int32x4_t r = vbslq_s32(vcltq_s32(v, vdupq_n_s32(0)), b, a);
		int32_t w[4];

		r = vminq_s32(vmaxq_s32(vaddq_s32(r, vdupq_n_s32(p->output.zero_point)), lo), hi);
		vst1q_s32(w, r);
		for (int k = 0; k < 4; k++)
			((uint8_t *)out)[i + (size_t)k] = (uint8_t)w[k];
	}
	lrelu_c(p, u8, (const uint8_t *)in + i, n - i, (uint8_t *)out + i);
}
#endif

struct lrelu_job {
	const struct npu_leaky_relu_params *p;
	bool u8;
	const uint8_t *in;
	uint8_t *out;
	void (*fn)(const struct npu_leaky_relu_params *p, bool u8, const void *in, size_t n,
		   void *out);
};

static void lrelu_part(void *arg, uint32_t part, uint32_t parts)
{
	const struct lrelu_job *j = arg;
	size_t begin, end;

	cpu_part_range(npu_tensor_elems(&j->p->input), part, parts, &begin, &end);
	j->fn(j->p, j->u8, j->in + begin, end - begin, j->out + begin);
}

/*
 * From this many elements LEAKY_RELU is a table of its 256 results, made
 * with lrelu_one() (about 10,000 instructions), looked up by cpu_opt_lut()'s
 * byte shuffles: RetinaFace's layers took about six instructions per
 * element in both branches' SIMD requantization.
 */
#define LRELU_LUT_MIN	2048u

bool cpu_opt_leaky_relu(const struct npu_leaky_relu_params *p, bool u8, const void *in,
			void *out, enum cpu_isa isa, struct npu_cpu_pool *pool)
{
	struct lrelu_job j = { .p = p, .u8 = u8, .in = in, .out = out, .fn = lrelu_c };

	if (npu_tensor_elems(&p->input) >= LRELU_LUT_MIN) {
		/* cpu_opt_lut() indexes int8 by x + 128, uint8 by x. */
		struct npu_lut_params lp = { .input = p->input, .output = p->input };
		uint8_t table[256];

		lp.input.dtype = lp.output.dtype = u8 ? NPU_DTYPE_UINT8 : NPU_DTYPE_INT8;
		for (int32_t k = 0; k < 256; k++)
			table[k] = lrelu_one(p, u8, u8 ? k : k - 128);
		if (cpu_opt_lut(&lp, in, table, out, isa, pool))
			return true;
	}

#if defined(__x86_64__)
	if (isa == CPU_ISA_AVX2 || isa == CPU_ISA_AVX512VNNI)
		j.fn = lrelu_avx2;
#elif defined(__aarch64__)
	if (isa == CPU_ISA_NEON)
		j.fn = lrelu_neon;
#endif
	cpu_pool_run(npu_tensor_elems(&p->input) >= CPU_POOL_MIN_WORK ? pool : NULL, lrelu_part,
		     &j);
	return true;
}
