// SPDX-License-Identifier: MIT
/*
 * Optimized NPU_CMD_LUT (see cpu_opt.h): the firmware's npu_op_lut_s8(),
 * _u8() and _s16() (fw_ops_elt.c).
 *
 * 8-bit: a 256-byte table looked up by byte shuffles.  Sixteen pshufb of
 * the table's 16-byte slices t_0..t_15 on indices lowered by 16 each step
 * (a selector byte with its top bit set yields 0) are XORed together; the
 * slices are stored pre-XORed so that the sum telescopes to t_h[x & 15] for
 * index x of high nibble h.  Indices below 128 meet slices 0..h; from 128
 * on the wrapping steps 0..7 also meet slices h-7..7, which the eight upper
 * slices cancel: u_0 = t_0, u_i = t_i ^ t_(i-1) for 1 <= i <= 7,
 * u_8 = t_8 ^ t_7 ^ t_0, u_i = t_i ^ t_(i-1) ^ t_(i-8) ^ t_(i-9) above, with
 * saturating steps after the eighth (an index below 128 stays negative).
 * NEON looks up 64 bytes at a time (tbl/tbx).  int8 indexes by x + 128.
 *
 * int16: TFLite's 513-entry interpolation; AVX2 gathers the two neighbours
 * table[i], table[i + 1] as one 32-bit word per lane.
 */
#include <string.h>

#include "npu_fw.h"

#include "cpu_opt.h"
#include "cpu_simd.h"

/* out[i] = table[in[i] ^ flip] for @n bytes. */
static void lut8_c(const uint8_t *table, uint8_t flip, const uint8_t *in, size_t n, uint8_t *out)
{
	size_t i = 0;

	for (; i + 4 <= n; i += 4) {
		const uint8_t a = table[in[i] ^ flip], b = table[in[i + 1] ^ flip];
		const uint8_t c = table[in[i + 2] ^ flip], d = table[in[i + 3] ^ flip];

		out[i] = a;
		out[i + 1] = b;
		out[i + 2] = c;
		out[i + 3] = d;
	}
	for (; i < n; i++)
		out[i] = table[in[i] ^ flip];
}

static void lut16_c(const int16_t *table, const int16_t *in, size_t n, int16_t *out)
{
	for (size_t i = 0; i < n; i++) {
		const int32_t v = in[i];
		const uint32_t idx = (uint32_t)(256 + (v >> 7));
		const int16_t slope = (int16_t)(table[idx + 1] - table[idx]);

		out[i] = (int16_t)(table[idx] + ((slope * (v & 0x7f) + 64) >> 7));
	}
}

#if defined(__x86_64__)
/* The pre-XORed slices u_0..u_15 of the header comment. */
static void lut8_slices(const uint8_t *table, uint8_t u[16][16])
{
	for (int i = 0; i < 16; i++)
		for (int k = 0; k < 16; k++) {
			const uint8_t *t = table + k;
			uint8_t v = t[16 * i];

			if (i >= 1)
				v ^= t[16 * (i - 1)];
			if (i == 8)
				v ^= t[0];
			if (i >= 9)
				v ^= t[16 * (i - 8)] ^ t[16 * (i - 9)];
			u[i][k] = v;
		}
}
#endif

#if defined(__x86_64__)
/*
 * The 8-bit lookup, one body for both widths: LUT8_X86(b32, 32, AVX2) and
 * LUT8_X86(b16, 16, SSE41) expand it over the per-width primitives
 * V##_...() below (AVX2's 32 bytes, SSE4.1's 16), as opt_elt.c's row.
 */
typedef __m256i b32_t;
#define b32_set1 _mm256_set1_epi8
#define b32_xor _mm256_xor_si256
#define b32_shuffle _mm256_shuffle_epi8
#define b32_sub _mm256_sub_epi8
#define b32_subs _mm256_subs_epi8
#define b32_loadu(p) _mm256_loadu_si256((const __m256i *)(p))
#define b32_storeu(p, v) _mm256_storeu_si256((__m256i *)(p), v)
/* A 16-byte slice in both 128-bit lanes (vpshufb looks up within a lane). */
#define b32_slice(p) _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)(p)))

typedef __m128i b16_t;
#define b16_set1 _mm_set1_epi8
#define b16_xor _mm_xor_si128
#define b16_shuffle _mm_shuffle_epi8
#define b16_sub _mm_sub_epi8
#define b16_subs _mm_subs_epi8
#define b16_loadu(p) _mm_loadu_si128((const __m128i *)(p))
#define b16_storeu(p, v) _mm_storeu_si128((__m128i *)(p), v)
#define b16_slice b16_loadu

#define LUT8_X86(V, W, TARGET)							\
static TARGET void lut8_##V(const uint8_t *table, uint8_t flip, const uint8_t *in,	\
			    size_t n, uint8_t *out)					\
{										\
	const V##_t sixteen = V##_set1(16), f = V##_set1((char)flip);		\
	uint8_t u[16][16];							\
	V##_t t[16];								\
	size_t i = 0;								\
										\
	if (n < 64) {	/* not worth the slices */				\
		lut8_c(table, flip, in, n, out);				\
		return;								\
	}									\
	lut8_slices(table, u);							\
	for (int s = 0; s < 16; s++)						\
		t[s] = V##_slice(u[s]);						\
	for (; i + (W) <= n; i += (W)) {					\
		V##_t x = V##_xor(V##_loadu(in + i), f);			\
		V##_t y = V##_shuffle(t[0], x);					\
										\
		for (int s = 1; s <= 8; s++) {					\
			x = V##_sub(x, sixteen);				\
			y = V##_xor(y, V##_shuffle(t[s], x));			\
		}								\
		for (int s = 9; s < 16; s++) {					\
			x = V##_subs(x, sixteen);				\
			y = V##_xor(y, V##_shuffle(t[s], x));			\
		}								\
		V##_storeu(out + i, y);						\
	}									\
	lut8_c(table, flip, in + i, n - i, out + i);				\
}

LUT8_X86(b32, 32, AVX2)
LUT8_X86(b16, 16, SSE41)

/* Sixteen int16 outputs, two gathers of table[i] | table[i + 1] << 16. */
static AVX2 void lut16_avx2(const int16_t *table, const int16_t *in, size_t n, int16_t *out)
{
	const __m256i base = _mm256_set1_epi32(256), round = _mm256_set1_epi32(64);
	const __m256i frac_mask = _mm256_set1_epi32(0x7f), low = _mm256_set1_epi32(0xffff);
	size_t i = 0;

	for (; i + 16 <= n; i += 16) {
		const __m256i v16 = _mm256_loadu_si256((const __m256i *)(in + i));
		__m256i r[2];

		for (int k = 0; k < 2; k++) {
			const __m256i v = _mm256_cvtepi16_epi32(k ? _mm256_extracti128_si256(v16, 1) :
								   _mm256_castsi256_si128(v16));
			const __m256i idx = _mm256_add_epi32(base, _mm256_srai_epi32(v, 7));
			const __m256i pair = _mm256_i32gather_epi32((const int *)(const void *)table,
								    idx, 2);
			const __m256i t0 = _mm256_srai_epi32(_mm256_slli_epi32(pair, 16), 16);
			/* (int16_t)(table[i + 1] - table[i]), sign-extended */
			const __m256i d = _mm256_sub_epi32(_mm256_srai_epi32(pair, 16), t0);
			const __m256i slope = _mm256_srai_epi32(_mm256_slli_epi32(d, 16), 16);
			const __m256i delta = _mm256_srai_epi32(
				_mm256_add_epi32(_mm256_mullo_epi32(slope,
								    _mm256_and_si256(v, frac_mask)),
						 round), 7);

			/* The low 16 bits (the store wraps): exact through packus. */
			r[k] = _mm256_and_si256(_mm256_add_epi32(t0, delta), low);
		}
		_mm256_storeu_si256((__m256i *)(out + i),
				    _mm256_permute4x64_epi64(_mm256_packus_epi32(r[0], r[1]), 0xd8));
	}
	lut16_c(table, in + i, n - i, out + i);
}
#endif /* __x86_64__ */

#if defined(__aarch64__)
static void lut8_neon(const uint8_t *table, uint8_t flip, const uint8_t *in, size_t n,
		      uint8_t *out)
{
	const uint8x16_t f = vdupq_n_u8(flip), k64 = vdupq_n_u8(64);
	uint8x16x4_t t[4];
	size_t i = 0;

	if (n < 64) {	/* not worth the slices */
		lut8_c(table, flip, in, n, out);
		return;
	}
	for (int s = 0; s < 4; s++)
		t[s] = vld1q_u8_x4(table + 64 * s);
	for (; i + 16 <= n; i += 16) {
		uint8x16_t x = veorq_u8(vld1q_u8(in + i), f);
		uint8x16_t y = vqtbl4q_u8(t[0], x);

		for (int s = 1; s < 4; s++) {
			x = vsubq_u8(x, k64);	/* indices below this slice wrap past 63 */
			y = vqtbx4q_u8(y, t[s], x);
		}
		vst1q_u8(out + i, y);
	}
	lut8_c(table, flip, in + i, n - i, out + i);
}
#endif /* __aarch64__ */

struct lut_job {
	const struct npu_lut_params *p;
	const uint8_t *in;
	const void *table;
	uint8_t *out;
	enum cpu_isa isa;
};

static void lut_part(void *arg, uint32_t part, uint32_t parts)
{
	const struct lut_job *j = arg;
	const uint8_t dt = j->p->input.dtype;
	const uint8_t flip = dt == NPU_DTYPE_INT8 ? 0x80 : 0;
	const size_t es = dt == NPU_DTYPE_INT16 ? 2 : 1;
	size_t begin, end, n;
	const uint8_t *in;
	uint8_t *out;

	cpu_part_range(npu_tensor_elems(&j->p->input), part, parts, &begin, &end);
	n = end - begin;
	in = j->in + begin * es;
	out = j->out + begin * es;
	if (dt == NPU_DTYPE_INT16) {
#if defined(__x86_64__)
		if (j->isa == CPU_ISA_AVX2 || j->isa == CPU_ISA_AVX512VNNI) {
			lut16_avx2(j->table, (const int16_t *)in, n, (int16_t *)out);
			return;
		}
#endif
		lut16_c(j->table, (const int16_t *)in, n, (int16_t *)out);
		return;
	}
	switch (j->isa) {
#if defined(__x86_64__)
	case CPU_ISA_AVX2:
	case CPU_ISA_AVX512VNNI:
		lut8_b32(j->table, flip, in, n, out);
		break;
	case CPU_ISA_SSE41:
		lut8_b16(j->table, flip, in, n, out);
		break;
#elif defined(__aarch64__)
	case CPU_ISA_NEON:
		lut8_neon(j->table, flip, in, n, out);
		break;
#endif
	default:
		lut8_c(j->table, flip, in, n, out);
	}
}

bool cpu_opt_lut(const struct npu_lut_params *p, const void *in, const void *table, void *out,
		 enum cpu_isa isa, struct npu_cpu_pool *pool)
{
	const uint8_t dt = p->input.dtype;
	const struct lut_job j = { .p = p, .in = in, .table = table, .out = out, .isa = isa };

	if (dt != p->output.dtype || !table ||
	    (dt != NPU_DTYPE_INT8 && dt != NPU_DTYPE_UINT8 && dt != NPU_DTYPE_INT16))
		return false;
	cpu_pool_run(npu_tensor_elems(&p->input) >= CPU_POOL_MIN_WORK ? pool : NULL, lut_part,
		     (void *)&j);
	return true;
}
