// SPDX-License-Identifier: MIT
/*
 * Optimized MEAN (and quantized SUM), int8 and int16 (see cpu_opt.h): the
 * firmware's MEAN_BODY (fw_ops_reduce.c) walks the reduced elements of one
 * output at a time; here the input is read once, in order, in rows.  The
 * axes are folded into the fewest runs of kept and reduced axes; a row of
 * the innermost run is added lane by lane into a row of accumulators
 * (innermost kept, as a mean over H and W of NHWC) or summed into one
 * (innermost reduced).  The sums wrap in 32 bits like the firmware's, and
 * wrapping addition does not care about order, so sum(in) - count * in_zp
 * is its sum(in - in_zp) exactly.  Then one requantization per output.
 */
#include <stdlib.h>

#include "npu_fw.h"

#include "cpu_opt.h"
#include "cpu_simd.h"

#define DIMS NPU_CS_MAX_DIMS

/* acc[i] += row[i] for @n elements of @es bytes (1: int8, 2: int16). */
typedef void (*mean_add_fn)(uint32_t *acc, const void *row, size_t n, uint32_t es);
/* The wrapping sum of @n elements. */
typedef uint32_t (*mean_sum_fn)(const void *row, size_t n, uint32_t es);

static inline int32_t ld(const void *row, size_t i, uint32_t es)
{
	return es == 1 ? ((const int8_t *)row)[i] : ((const int16_t *)row)[i];
}

static void add_c(uint32_t *acc, const void *row, size_t n, uint32_t es)
{
	for (size_t i = 0; i < n; i++)
		acc[i] += (uint32_t)ld(row, i, es);
}

static uint32_t sum_c(const void *row, size_t n, uint32_t es)
{
	uint32_t s = 0;

	for (size_t i = 0; i < n; i++)
		s += (uint32_t)ld(row, i, es);
	return s;
}

#if defined(__x86_64__)
static AVX2 void add_avx2(uint32_t *acc, const void *row, size_t n, uint32_t es)
{
	size_t i = 0;

	for (; i + 8 <= n; i += 8) {
		const __m256i a = _mm256_loadu_si256((const __m256i *)(acc + i));
		const __m256i v = es == 1 ?
			_mm256_cvtepi8_epi32(_mm_loadl_epi64((const __m128i *)((const int8_t *)row + i))) :
			_mm256_cvtepi16_epi32(_mm_loadu_si128((const __m128i *)((const int16_t *)row + i)));

		_mm256_storeu_si256((__m256i *)(acc + i), _mm256_add_epi32(a, v));
	}
	add_c(acc + i, (const uint8_t *)row + i * es, n - i, es);
}

/*
 * int8: the byte sums of x ^ 0x80 (x + 128, unsigned) by vpsadbw, less
 * 128 per element (each 64-bit lane's sum stays in its low 32 bits, which
 * add as wrapping int32); int16: pairs by vpmaddwd with ones.
 */
static AVX2 uint32_t sum_avx2(const void *row, size_t n, uint32_t es)
{
	__m256i s = _mm256_setzero_si256();
	uint32_t r[8], t = 0;
	size_t i = 0;

	if (es == 1) {
		const __m256i bias = _mm256_set1_epi8(-128);

		for (; i + 32 <= n; i += 32) {
			const __m256i v = _mm256_loadu_si256((const __m256i *)((const int8_t *)row + i));

			s = _mm256_add_epi32(s, _mm256_sad_epu8(_mm256_xor_si256(v, bias),
								_mm256_setzero_si256()));
		}
		t = (uint32_t)(-128 * (int64_t)i);
	} else {
		for (; i + 16 <= n; i += 16)
			s = _mm256_add_epi32(s, _mm256_madd_epi16(
				_mm256_loadu_si256((const __m256i *)((const int16_t *)row + i)),
				_mm256_set1_epi16(1)));
	}
	_mm256_storeu_si256((__m256i *)r, s);
	for (int k = 0; k < 8; k++)
		t += r[k];
	return t + sum_c((const uint8_t *)row + i * es, n - i, es);
}

static SSE41 void add_sse41(uint32_t *acc, const void *row, size_t n, uint32_t es)
{
	size_t i = 0;

	for (; i + 8 <= n; i += 8) {
		const __m128i a0 = _mm_loadu_si128((const __m128i *)(acc + i));
		const __m128i a1 = _mm_loadu_si128((const __m128i *)(acc + i + 4));
		__m128i v0, v1;

		if (es == 1) {
			const __m128i v = _mm_loadl_epi64((const __m128i *)((const int8_t *)row + i));

			v0 = _mm_cvtepi8_epi32(v);
			v1 = _mm_cvtepi8_epi32(_mm_srli_si128(v, 4));
		} else {
			const __m128i v = _mm_loadu_si128((const __m128i *)((const int16_t *)row + i));

			v0 = _mm_cvtepi16_epi32(v);
			v1 = _mm_cvtepi16_epi32(_mm_srli_si128(v, 8));
		}
		_mm_storeu_si128((__m128i *)(acc + i), _mm_add_epi32(a0, v0));
		_mm_storeu_si128((__m128i *)(acc + i + 4), _mm_add_epi32(a1, v1));
	}
	add_c(acc + i, (const uint8_t *)row + i * es, n - i, es);
}

static SSE41 uint32_t sum_sse41(const void *row, size_t n, uint32_t es)
{
	__m128i s = _mm_setzero_si128();
	uint32_t r[4], t = 0;
	size_t i = 0;

	if (es == 1) {
		for (; i + 16 <= n; i += 16) {
			const __m128i v = _mm_loadu_si128((const __m128i *)((const int8_t *)row + i));

			s = _mm_add_epi32(s, _mm_sad_epu8(_mm_xor_si128(v, _mm_set1_epi8(-128)),
							  _mm_setzero_si128()));
		}
		t = (uint32_t)(-128 * (int64_t)i);
	} else {
		for (; i + 8 <= n; i += 8)
			s = _mm_add_epi32(s, _mm_madd_epi16(
				_mm_loadu_si128((const __m128i *)((const int16_t *)row + i)),
				_mm_set1_epi16(1)));
	}
	_mm_storeu_si128((__m128i *)r, s);
	for (int k = 0; k < 4; k++)
		t += r[k];
	return t + sum_c((const uint8_t *)row + i * es, n - i, es);
}
#endif /* __x86_64__ */

#if defined(__aarch64__)
static void add_neon(uint32_t *acc, const void *row, size_t n, uint32_t es)
{
	size_t i = 0;

	for (; i + 8 <= n; i += 8) {
		const int16x8_t v = es == 1 ? vmovl_s8(vld1_s8((const int8_t *)row + i)) :
				    vld1q_s16((const int16_t *)row + i);
		int32_t *a = (int32_t *)(acc + i);

		vst1q_s32(a, vaddq_s32(vld1q_s32(a), vmovl_s16(vget_low_s16(v))));
		vst1q_s32(a + 4, vaddq_s32(vld1q_s32(a + 4), vmovl_s16(vget_high_s16(v))));
	}
	add_c(acc + i, (const uint8_t *)row + i * es, n - i, es);
}

/* Pairwise widening adds: no lane overflows before the wrapping 32-bit sum. */
static uint32_t sum_neon(const void *row, size_t n, uint32_t es)
{
	int32x4_t s = vdupq_n_s32(0);
	size_t i = 0;

	if (es == 1) {
		for (; i + 16 <= n; i += 16)
			s = vpadalq_s16(s, vpaddlq_s8(vld1q_s8((const int8_t *)row + i)));
	} else {
		for (; i + 8 <= n; i += 8)
			s = vpadalq_s16(s, vld1q_s16((const int16_t *)row + i));
	}
	return (uint32_t)vaddvq_s32(s) + sum_c((const uint8_t *)row + i * es, n - i, es);
}
#endif /* __aarch64__ */

static void mean_select(enum cpu_isa isa, mean_add_fn *add, mean_sum_fn *sum)
{
	switch (isa) {
#if defined(__x86_64__)
	case CPU_ISA_AVX2:
	case CPU_ISA_AVX512VNNI:
		*add = add_avx2;
		*sum = sum_avx2;
		return;
	case CPU_ISA_SSE41:
		*add = add_sse41;
		*sum = sum_sse41;
		return;
#elif defined(__aarch64__)
	case CPU_ISA_NEON:
		*add = add_neon;
		*sum = sum_neon;
		return;
#endif
	default:
		*add = add_c;
		*sum = sum_c;
	}
}

/*
 * One run of MEAN over the folded shape, split over threads by outputs:
 * by columns of the last axis when it is kept (every part reads every row,
 * its own columns of it), or by rows when only the last axis is reduced
 * (each row is one output).  Other shapes run on one thread.
 */
struct mean_job {
	const struct npu_mean_params *p;
	const uint8_t *in;
	void *out;
	uint32_t *acc;
	uint32_t len[DIMS], ostride[DIMS], es;
	bool red[DIMS];
	int nd;
	size_t rows, nout;
	bool by_rows;		/* else by columns of the last axis */
	uint32_t zp_total;
	mean_add_fn add;
	mean_sum_fn sum;
};

/* Requantizes output @i. */
static void mean_store(const struct mean_job *j, size_t i)
{
	const struct npu_mean_params *p = j->p;
	const int32_t lo = j->es == 1 ? -128 : -32768, hi = j->es == 1 ? 127 : 32767;
	int32_t v = mbqm((int32_t)(j->acc[i] - j->zp_total), p->multiplier, p->shift);

	v = (int32_t)((uint32_t)v + (uint32_t)p->output.zero_point);
	v = v < lo ? lo : v > hi ? hi : v;
	if (j->es == 1)
		((int8_t *)j->out)[i] = (int8_t)v;
	else
		((int16_t *)j->out)[i] = (int16_t)v;
}

static void mean_part(void *arg, uint32_t part, uint32_t parts)
{
	const struct mean_job *j = arg;
	const int nd = j->nd;
	const size_t last = j->len[nd - 1], es = j->es;
	size_t c0 = 0, c1 = last, r0 = 0, r1 = j->rows, istep;
	uint32_t idx[DIMS] = { 0 };

	if (j->by_rows)
		cpu_part_range(j->rows, part, parts, &r0, &r1);
	else
		cpu_part_range(last, part, parts, &c0, &c1);
	if (r0 == r1 || c0 == c1)
		return;
	istep = r0 * last;
	/* The first row's indices; the others by counting. */
	for (size_t i = (size_t)nd - 1, rest = r0; i-- > 0;) {
		idx[i] = (uint32_t)(rest % j->len[i]);
		rest /= j->len[i];
	}
	for (size_t r = r0; r < r1; r++, istep += last) {
		size_t o = 0;

		for (int i = 0; i < nd - 1; i++)
			o += (size_t)idx[i] * j->ostride[i];
		if (j->red[nd - 1])
			j->acc[o] += j->sum(j->in + istep * es, last, (uint32_t)es);
		else
			j->add(j->acc + o + c0, j->in + (istep + c0) * es, c1 - c0, (uint32_t)es);
		for (int i = nd - 2; i >= 0 && ++idx[i] == j->len[i]; i--)
			idx[i] = 0;
	}
	if (j->by_rows) {
		/* Row r is output r when no outer axis is reduced; else one part has them all. */
		const size_t s0 = nd == 2 ? r0 : 0, s1 = nd == 2 ? r1 : j->nout;

		for (size_t i = s0; i < s1; i++)
			mean_store(j, i);
		return;
	}
	for (size_t q = 0; q < j->nout / last; q++)
		for (size_t c = c0; c < c1; c++)
			mean_store(j, q * last + c);
}

bool cpu_opt_mean(const struct npu_mean_params *p, const void *in, void *out, enum cpu_isa isa,
		  struct npu_cpu_pool *pool)
{
	const uint8_t dt = p->input.dtype;
	const uint32_t lead = DIMS - (uint32_t)p->input.rank;
	struct mean_job j = { .p = p, .in = in, .out = out, .rows = 1, .nout = 1 };
	size_t count = 1;
	bool split;

	if ((dt != NPU_DTYPE_INT8 && dt != NPU_DTYPE_INT16) || p->output.dtype != dt ||
	    p->input.rank < 1 || p->input.rank > DIMS || p->output.rank != p->input.rank)
		return false;
	j.es = dt == NPU_DTYPE_INT8 ? 1 : 2;
	/* Fold: drop 1s, merge neighbours of the same kind (reduced or kept). */
	for (uint32_t i = 0; i < DIMS; i++) {
		const uint32_t d = i < lead ? 1 : p->input.dims[i - lead];
		const bool r = i >= lead && (p->axis_mask & (1u << (i - lead)));

		if (r)
			count *= d;
		else
			j.nout *= d;
		if (d == 1)
			continue;
		if (j.nd && j.red[j.nd - 1] == r) {
			j.len[j.nd - 1] *= d;
			continue;
		}
		j.len[j.nd] = d;
		j.red[j.nd++] = r;
	}
	if (!j.nd) {
		j.len[0] = 1;
		j.red[j.nd++] = false;
	}
	j.acc = calloc(j.nout, sizeof(*j.acc));
	if (!j.acc)
		return false;
	mean_select(isa, &j.add, &j.sum);
	/* Output strides of the outer runs (0 along reduced ones). */
	for (int i = j.nd - 1, s = 1; i >= 0; i--) {
		j.ostride[i] = j.red[i] ? 0 : (uint32_t)s;
		s *= j.red[i] ? 1 : (int)j.len[i];
	}
	for (int i = 0; i < j.nd - 1; i++)
		j.rows *= j.len[i];
	j.zp_total = (uint32_t)count * (uint32_t)p->input.zero_point;
	/* By rows only when no outer axis is reduced: then each row is its own output. */
	j.by_rows = j.red[j.nd - 1];
	split = !j.by_rows || j.nd == 2;
	cpu_pool_run(split && j.rows * j.len[j.nd - 1] >= CPU_POOL_MIN_WORK ? pool : NULL,
		     mean_part, &j);
	free(j.acc);
	return true;
}
