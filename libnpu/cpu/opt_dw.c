// SPDX-License-Identifier: MIT
/*
 * Optimized int8 DEPTHWISE_CONV_2D with depth multiplier 1 (see cpu_opt.h;
 * the others are left to the firmware's kernel): channels run along the
 * SIMD lanes, the valid taps of each output pixel are listed once, and the
 * row of accumulators is requantized by opt_requant.c.
 *
 * With input and zero point in int8, x + in_off lies in [-255, 255] and
 * (x + in_off) * f in [-32640, 32640]: the int16 product is exact, and
 * the int32 accumulation wraps as the firmware's.
 */
#include <stdlib.h>
#include <string.h>

#include "cpu_opt.h"
#include "npu_fw.h"

#if defined(__x86_64__)
#include <immintrin.h>
#elif defined(__aarch64__)
#include <arm_neon.h>
#endif

/* Accumulators of @oc channels over @taps (input, filter) pointer pairs. */
typedef void (*dw_acc_fn)(const int8_t *const *ip, const int8_t *const *fp, uint32_t taps,
			  uint32_t oc, int32_t in_off, int32_t *acc);

static void dw_acc_tail(const int8_t *const *ip, const int8_t *const *fp, uint32_t taps,
			uint32_t c0, uint32_t oc, int32_t in_off, int32_t *acc)
{
	for (uint32_t c = c0; c < oc; c++) {
		uint32_t a = 0;

		for (uint32_t t = 0; t < taps; t++)
			a += (uint32_t)((int32_t)fp[t][c] * ((int32_t)ip[t][c] + in_off));
		acc[c] = (int32_t)a;
	}
}

static void dw_acc_c(const int8_t *const *ip, const int8_t *const *fp, uint32_t taps,
		     uint32_t oc, int32_t in_off, int32_t *acc)
{
	dw_acc_tail(ip, fp, taps, 0, oc, in_off, acc);
}

#if defined(__x86_64__)
#define AVX2 __attribute__((target("avx2")))

static AVX2 void dw_acc_avx2(const int8_t *const *ip, const int8_t *const *fp, uint32_t taps,
			     uint32_t oc, int32_t in_off, int32_t *acc)
{
	const __m256i off = _mm256_set1_epi16((int16_t)in_off);
	uint32_t c = 0;

	for (; c + 16 <= oc; c += 16) {
		__m256i a0 = _mm256_setzero_si256(), a1 = a0;

		for (uint32_t t = 0; t < taps; t++) {
			const __m256i x = _mm256_add_epi16(_mm256_cvtepi8_epi16(
				_mm_loadu_si128((const __m128i *)(ip[t] + c))), off);
			const __m256i f = _mm256_cvtepi8_epi16(
				_mm_loadu_si128((const __m128i *)(fp[t] + c)));
			const __m256i p = _mm256_mullo_epi16(x, f);

			a0 = _mm256_add_epi32(a0, _mm256_cvtepi16_epi32(_mm256_castsi256_si128(p)));
			a1 = _mm256_add_epi32(a1, _mm256_cvtepi16_epi32(_mm256_extracti128_si256(p, 1)));
		}
		_mm256_storeu_si256((__m256i *)(acc + c), a0);
		_mm256_storeu_si256((__m256i *)(acc + c + 8), a1);
	}
	dw_acc_tail(ip, fp, taps, c, oc, in_off, acc);
}
#endif

#if defined(__aarch64__)
static void dw_acc_neon(const int8_t *const *ip, const int8_t *const *fp, uint32_t taps,
			uint32_t oc, int32_t in_off, int32_t *acc)
{
	const int16x8_t off = vdupq_n_s16((int16_t)in_off);
	uint32_t c = 0;

	for (; c + 8 <= oc; c += 8) {
		int32x4_t a0 = vdupq_n_s32(0), a1 = a0;

		for (uint32_t t = 0; t < taps; t++) {
			const int16x8_t x = vaddq_s16(vmovl_s8(vld1_s8(ip[t] + c)), off);
			const int16x8_t f = vmovl_s8(vld1_s8(fp[t] + c));

			a0 = vmlal_s16(a0, vget_low_s16(x), vget_low_s16(f));
			a1 = vmlal_high_s16(a1, x, f);
		}
		vst1q_s32(acc + c, a0);
		vst1q_s32(acc + c + 4, a1);
	}
	dw_acc_tail(ip, fp, taps, c, oc, in_off, acc);
}
#endif

static dw_acc_fn dw_acc_select(enum cpu_isa isa)
{
	switch (isa) {
#if defined(__x86_64__)
	case CPU_ISA_AVX2:
	case CPU_ISA_AVX512VNNI:
		return dw_acc_avx2;
#elif defined(__aarch64__)
	case CPU_ISA_NEON:
		return dw_acc_neon;
#endif
	default:
		return dw_acc_c;
	}
}

/* One depthwise convolution split over threads by output rows. */
struct dw_job {
	const struct npu_conv_params *p;
	const int8_t *in, *filter;
	int8_t *out;
	dw_acc_fn accumulate;
	cpu_requant_fn requant;
	struct cpu_rq_row r;
	bool failed;
};

static void dw_part(void *arg, uint32_t part, uint32_t parts)
{
	struct dw_job *j = arg;
	const struct npu_conv_params *p = j->p;
	const uint32_t ih = p->input.dims[1], iw = p->input.dims[2], ic = p->input.dims[3];
	const uint32_t oh = p->output.dims[1], ow = p->output.dims[2], oc = p->output.dims[3];
	const uint32_t kh = p->filter.dims[1], kw = p->filter.dims[2];
	const int32_t in_off = -p->input.zero_point;
	const int8_t **ip, **fp;
	size_t row0, row1;
	int32_t *acc;

	cpu_part_range((size_t)p->input.dims[0] * oh, part, parts, &row0, &row1);
	if (row0 == row1)
		return;
	acc = malloc(oc * sizeof(*acc));
	ip = malloc((size_t)kh * kw * sizeof(*ip));
	fp = malloc((size_t)kh * kw * sizeof(*fp));
	if (!acc || !ip || !fp) {
		/* The caller then reruns the whole op with the firmware's kernel. */
		__atomic_store_n(&j->failed, true, __ATOMIC_RELAXED);
		row1 = row0;
	}
	for (size_t row = row0; row < row1; row++) {
		const uint32_t b = (uint32_t)(row / oh), oy = (uint32_t)(row % oh);
		const int32_t y0 = (int32_t)(oy * p->stride_h) - p->pad_top;
		uint32_t ky0, ky1;

		npu_fw_tap_range(y0, p->dilation_h, kh, ih, &ky0, &ky1);
		for (uint32_t ox = 0; ox < ow; ox++) {
			const int32_t x0 = (int32_t)(ox * p->stride_w) - p->pad_left;
			uint32_t kx0, kx1, taps = 0;

			npu_fw_tap_range(x0, p->dilation_w, kw, iw, &kx0, &kx1);
			for (uint32_t ky = ky0; ky < ky1; ky++)
				for (uint32_t kx = kx0; kx < kx1; kx++, taps++) {
					const uint32_t iy = (uint32_t)(y0 + (int32_t)(ky * p->dilation_h));
					const uint32_t ix = (uint32_t)(x0 + (int32_t)(kx * p->dilation_w));

					ip[taps] = j->in + (((size_t)b * ih + iy) * iw + ix) * ic;
					fp[taps] = j->filter + ((size_t)ky * kw + kx) * oc;
				}
			j->accumulate(ip, fp, taps, oc, in_off, acc);
			j->requant(&j->r, acc, oc, j->out + (row * ow + ox) * oc);
		}
	}
	free(acc);
	free(ip);
	free(fp);
}

bool cpu_opt_depthwise_s8(const struct npu_conv_params *p, const int8_t *in,
			  const int8_t *filter, const int32_t *bias,
			  const int32_t *mult, const int32_t *shift, int8_t *out,
			  enum cpu_isa isa, struct npu_cpu_pool *pool)
{
	struct dw_job j = {
		.p = p, .in = in, .filter = filter, .out = out,
		.accumulate = dw_acc_select(isa), .requant = cpu_requant_select(isa),
	};
	const uint32_t oc = p->output.dims[3];
	uint32_t *base;

	if (p->depth_multiplier != 1 || p->input.dims[3] != oc || p->input.zero_point < -128 ||
	    p->input.zero_point > 127 || !oc || !p->filter.dims[1] || !p->filter.dims[2])
		return false;
	base = calloc(oc, sizeof(*base));
	if (!base)
		return false;
	if (!cpu_rq_row_init(&j.r, &p->rq, mult, shift, bias, base, oc, p->output.zero_point,
			     p->act_min, p->act_max)) {
		free(base);
		return false;
	}
	cpu_pool_run(pool, dw_part, &j);
	cpu_rq_row_free(&j.r);
	free(base);
	return !j.failed;
}
