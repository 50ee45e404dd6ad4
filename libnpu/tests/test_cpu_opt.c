// SPDX-License-Identifier: MIT
/*
 * The optimized CPU kernels (libnpu/cpu/opt_*.c) against the firmware's,
 * byte for byte, for every instruction-set variant this machine runs:
 * random shapes (including every window, stride, dilation and padding
 * combination in range, k tails around the SIMD widths, tiles), zero
 * points, per-tensor and per-channel multipliers over the whole shift
 * range, biases over the whole int32 range and activation clamps.  The
 * whole models run through the optimized kernels in test_golden and
 * test_compile, which compare with TFLite's reference outputs, and op by
 * op against the firmware kernels here.  libnpu's make check also builds
 * the kernel part for arm64 and runs it under qemu-aarch64 (NEON).
 */
#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <glob.h>

#include "npu_cpu.h"
#include "npu_fw.h"
#include "npu_tflite.h"
#include "../cpu/cpu_opt.h"

static uint64_t rng_state;

static uint32_t rnd(void)
{
	rng_state = rng_state * 6364136223846793005ull + 1442695040888963407ull;
	return (uint32_t)(rng_state >> 33);
}

/* Uniform in [lo, hi]. */
static int32_t rnd_in(int32_t lo, int32_t hi)
{
	return lo + (int32_t)(rnd() % (uint32_t)(hi - lo + 1));
}

/* int8 data: uniform, or the extremes (the cases that overflow int16). */
static void fill_s8(int8_t *p, size_t n)
{
	const uint32_t mode = rnd() % 4;

	for (size_t i = 0; i < n; i++)
		p[i] = mode == 0 ? (rnd() & 1 ? -128 : 127) : (int8_t)rnd();
}

static void random_rq(struct npu_requant *rq, int32_t *mult, int32_t *shift,
		      uint32_t channels)
{
	/*
	 * Half the cases without INT32_MIN: one such channel sends a whole
	 * row down the kernels' saturating path.
	 */
	const bool hostile = rnd() & 1;

	rq->count = rnd() & 1 ? channels : 0;
	for (uint32_t c = 0; c <= channels; c++) {
		/*
		 * Q31 significands as QuantizeMultiplier makes them, the ends,
		 * and what only a hostile stream holds (INT32_MIN: the one
		 * saturating product; negative ones).
		 */
		const uint32_t pick = rnd() % 12;
		int32_t m = pick == 0 ? 0x40000000 : pick == 1 ? 0x7fffffff :
			    pick == 2 ? (hostile ? INT32_MIN : 0x7ffffffe) :
			    pick == 3 ? -(int32_t)(rnd() & 0x7fffffff) :
			    0x40000000 + (int32_t)(rnd() & 0x3fffffff);
		int32_t s = rnd() % 4 == 0 ? (rnd() & 1 ? -31 : 30) : rnd_in(-20, 4);

		if (c < channels) {
			mult[c] = m;
			shift[c] = s;
		} else {
			rq->multiplier = m;
			rq->shift = s;
		}
	}
}

/*
 * TFLite's multipliers below 1/2 (the GEMMs' single rounding,
 * cpu_rq_row.narrow): every channel shifts right, by 1 to 31, and none
 * multiplies by INT32_MIN; negative and zero multipliers stay.
 */
static void narrow_rq(struct npu_requant *rq, int32_t *mult, int32_t *shift, uint32_t channels)
{
	for (uint32_t c = 0; c <= channels; c++) {
		int32_t *m = c < channels ? &mult[c] : &rq->multiplier;
		int32_t *s = c < channels ? &shift[c] : &rq->shift;

		if (*m == INT32_MIN)
			*m = INT32_MAX;
		if (*s >= 0)
			*s = -1 - (int32_t)(rnd() % 31);
	}
}

static void random_bias(int32_t *bias, uint32_t n)
{
	const uint32_t mode = rnd() % 3;

	for (uint32_t c = 0; c < n; c++)
		bias[c] = mode == 0 ? (int32_t)rnd() : rnd_in(-100000, 100000);
}

static void random_clamp(int32_t *lo, int32_t *hi)
{
	*lo = -128;
	*hi = 127;
	if (rnd() & 1) {
		int32_t a = rnd_in(-128, 127), b = rnd_in(-128, 127);

		*lo = a < b ? a : b;
		*hi = a < b ? b : a;
	}
}

static void set4(struct npu_tensor *t, uint32_t a, uint32_t b, uint32_t c, uint32_t d)
{
	const uint32_t dims[4] = { a, b, c, d };

	npu_tensor_set(t, 0, NPU_DTYPE_INT8, 0, 4, dims);
}

/*
 * Shapes of conv_case(): small, large depths, many outputs per tap, or
 * (depthwise) images of up to 40x40 with few channels, where the row
 * kernel's bands, pixel blocks and channel tails all show; CASE_ROWS:
 * one to twenty rows of many channels, enough work for the pool, cut into
 * as many parts as the rows allow.
 */
enum case_kind { CASE_SMALL, CASE_DEEP, CASE_REQUANT, CASE_IMAGE, CASE_ROWS };

/*
 * Random CONV_2D (or DEPTHWISE_CONV_2D with @dw, uint8 with @u8), checked on
 * every variant.  CASE_REQUANT: 1x1 windows over one to four channels into
 * up to 80, so that the requantization sees every accumulator the bias makes.
 */
static void conv_case(unsigned int seed, enum case_kind kind, bool dw, bool u8,
		      struct npu_cpu_pool *pool)
{
	const bool big = kind == CASE_DEEP;
	struct npu_conv_params p;
	uint32_t n, ih, iw, ic, oc, kh, kw, oh, ow, pad_bottom, pad_right;
	int8_t *in, *filter, *want, *got;
	int32_t *bias, *mult, *shift;
	bool with_bias;
	size_t in_n, f_n, out_n;

	rng_state = seed * 0x9e3779b97f4a7c15ull + 1;
	do {
		memset(&p, 0, sizeof(p));
		n = (uint32_t)rnd_in(1, 2);
		ih = (uint32_t)rnd_in(1, big ? 9 : kind == CASE_IMAGE ? 40 : 12);
		iw = (uint32_t)rnd_in(1, big ? 9 : kind == CASE_IMAGE ? 40 : 12);
		ic = (uint32_t)(big ? rnd_in(60, 300) : rnd_in(1, 40));
		oc = (uint32_t)(big ? rnd_in(1, 70) : rnd_in(1, 40));
		kh = (uint32_t)rnd_in(1, 5);
		kw = (uint32_t)rnd_in(1, 5);
		if (rnd() % 3 == 0 || kind == CASE_REQUANT)
			kh = kw = 1;
		if (kind == CASE_REQUANT) {
			ic = (uint32_t)rnd_in(1, 4);
			oc = (uint32_t)rnd_in(1, 80);
		}
		if (kind == CASE_ROWS) {
			ih = (uint32_t)rnd_in(1, 20);
			iw = (uint32_t)rnd_in(24, 56);
			oc = (uint32_t)rnd_in(128, 512);
		}
		p.stride_h = (uint16_t)rnd_in(1, 3);
		p.stride_w = (uint16_t)rnd_in(1, 3);
		p.dilation_h = (uint16_t)rnd_in(1, 2);
		p.dilation_w = (uint16_t)rnd_in(1, 2);
		if (rnd() % 3 == 0)
			p.stride_h = p.stride_w = p.dilation_h = p.dilation_w = 1;
		p.pad_top = (uint16_t)rnd_in(0, (int32_t)kh);
		p.pad_left = (uint16_t)rnd_in(0, (int32_t)kw);
		pad_bottom = (uint32_t)rnd_in(0, (int32_t)kh);
		pad_right = (uint32_t)rnd_in(0, (int32_t)kw);
		if (rnd() % 3 == 0)
			p.pad_top = p.pad_left = pad_bottom = pad_right = 0;
	} while (ih + p.pad_top + pad_bottom < (kh - 1) * p.dilation_h + 1 ||
		 iw + p.pad_left + pad_right < (kw - 1) * p.dilation_w + 1);
	if (dw) {
		p.depth_multiplier = (uint16_t)(rnd() % 4 == 0 ? rnd_in(2, 3) : 1);
		ic = oc;
		/* One channel into many, as person_detect's first layer (8). */
		if (kind == CASE_IMAGE && rnd() % 4 == 0) {
			ic = 1;
			p.depth_multiplier = (uint16_t)rnd_in(2, 20);
		}
		oc = ic * p.depth_multiplier;
	}
	oh = (ih + p.pad_top + pad_bottom - (kh - 1) * p.dilation_h - 1) / p.stride_h + 1;
	ow = (iw + p.pad_left + pad_right - (kw - 1) * p.dilation_w - 1) / p.stride_w + 1;
	set4(&p.input, n, ih, iw, ic);
	if (dw)
		set4(&p.filter, 1, kh, kw, oc);
	else
		set4(&p.filter, oc, kh, kw, ic);
	set4(&p.output, n, oh, ow, oc);
	p.input.zero_point = rnd_in(-128, 127);
	p.output.zero_point = rnd_in(-128, 127);
	random_clamp(&p.act_min, &p.act_max);
	if (u8) {	/* legacy uint8: every zero point 0..255, the filter's too */
		p.input.dtype = p.filter.dtype = p.output.dtype = NPU_DTYPE_UINT8;
		p.input.zero_point += 128;
		p.output.zero_point += 128;
		p.filter.zero_point = rnd() % 4 ? rnd_in(0, 255) : rnd() & 1 ? 0 : 255;
		p.act_min += 128;
		p.act_max += 128;
	}

	in_n = (size_t)n * ih * iw * ic;
	f_n = dw ? (size_t)kh * kw * oc : (size_t)oc * kh * kw * ic;
	out_n = (size_t)n * oh * ow * oc;
	in = malloc(in_n);
	filter = malloc(f_n);
	want = malloc(out_n);
	got = malloc(out_n);
	bias = malloc(oc * sizeof(*bias));
	mult = malloc(oc * sizeof(*mult));
	shift = malloc(oc * sizeof(*shift));
	fill_s8(in, in_n);
	fill_s8(filter, f_n);
	random_bias(bias, oc);
	random_rq(&p.rq, mult, shift, oc);
	if (rnd() & 1)
		narrow_rq(&p.rq, mult, shift, oc);
	with_bias = rnd() % 4 != 0;

	if (dw && u8)
		npu_op_depthwise_u8(&p, (uint8_t *)in, (uint8_t *)filter, with_bias ? bias : NULL,
				    mult, shift, (uint8_t *)want);
	else if (dw)
		npu_op_depthwise_s8(&p, in, filter, with_bias ? bias : NULL, mult, shift, want);
	else if (u8)
		npu_op_conv2d_u8(&p, (uint8_t *)in, (uint8_t *)filter, with_bias ? bias : NULL,
				 mult, shift, (uint8_t *)want);
	else
		npu_op_conv2d_s8(&p, in, filter, with_bias ? bias : NULL, mult, shift, want);
	/* Every variant, on one thread and on the pool's. */
	for (int run = 0; run < 2 * CPU_ISA_COUNT; run++) {
		const int isa = run / 2;
		struct npu_cpu_pool *const threads = run % 2 ? pool : NULL;
		bool done;

		if (!cpu_isa_usable((enum cpu_isa)isa) || (run % 2 && !pool))
			continue;
		memset(got, 0x5a, out_n);
		if (dw && u8)
			done = cpu_opt_depthwise_u8(&p, (uint8_t *)in, (uint8_t *)filter,
						    with_bias ? bias : NULL, mult, shift,
						    (uint8_t *)got, (enum cpu_isa)isa, threads);
		else if (dw)
			done = cpu_opt_depthwise_s8(&p, in, filter, with_bias ? bias : NULL,
						    mult, shift, got, (enum cpu_isa)isa, threads);
		else if (u8)
			done = cpu_opt_conv2d_u8(&p, (uint8_t *)in, (uint8_t *)filter,
						 with_bias ? bias : NULL, mult, shift,
						 (uint8_t *)got, (enum cpu_isa)isa, threads);
		else
			done = cpu_opt_conv2d_s8(&p, in, filter, with_bias ? bias : NULL,
						 mult, shift, got, (enum cpu_isa)isa, threads);
		/* uint8 conv declines a multiplier near 2^31 without right shift (wrap). */
		if (!done && u8 && !dw && !cpu_u8_rq_no_wrap(&p.rq, mult, shift, oc))
			continue;
		ck_assert_msg(done, "seed %u: not handled", seed);
		/* Compared whole first: check records every assertion it passes. */
		if (!memcmp(got, want, out_n))
			continue;
		for (size_t i = 0; i < out_n; i++)
			ck_assert_msg(got[i] == want[i],
				      "%s seed %u isa %d threads %u: output %zu is %d, firmware %d "
				      "(n%u %ux%ux%u -> %ux%ux%u, k %ux%u s %u,%u d %u,%u p %u,%u)",
				      dw ? u8 ? "depthwise u8" : "depthwise" : u8 ? "conv u8" : "conv", seed, isa, cpu_pool_threads(threads), i, got[i], want[i], n, ih, iw, ic, oh, ow, oc,
				      kh, kw, p.stride_h, p.stride_w, p.dilation_h, p.dilation_w,
				      p.pad_top, p.pad_left);
	}
	free(in);
	free(filter);
	free(want);
	free(got);
	free(bias);
	free(mult);
	free(shift);
}

/* @n threads: uneven splits of tiles and rows, idle parts on small ops. */
static struct npu_cpu_pool *pool_of(uint32_t n)
{
	struct npu_cpu_pool *pool;

	ck_assert_int_eq(cpu_pool_create(n, &pool), 0);
	ck_assert_uint_eq(cpu_pool_threads(pool), n);
	return pool;
}

static struct npu_cpu_pool *pool3(void)
{
	return pool_of(3);
}

/* One thread (NULL), two and three: what the kernels that split work are run on. */
#define POOLS 3
static void pools_create(struct npu_cpu_pool **pools)
{
	pools[0] = NULL;
	pools[1] = pool_of(2);
	pools[2] = pool_of(3);
}

static void pools_destroy(struct npu_cpu_pool **pools)
{
	for (int i = 0; i < POOLS; i++)
		cpu_pool_destroy(pools[i]);
}

/* Every part of every job runs exactly once, whichever thread claims it. */
struct pool_count {
	uint32_t runs[200];
	uint32_t parts;
};

static void count_part(void *arg, uint32_t part, uint32_t parts)
{
	struct pool_count *c = arg;

	__atomic_store_n(&c->parts, parts, __ATOMIC_RELAXED);
	if (part < 200)
		__atomic_fetch_add(&c->runs[part], 1, __ATOMIC_RELAXED);
}

/*
 * On two and three threads; every 500th job after a pause longer than the
 * workers spin, so that they sleep and are woken (the results must not
 * depend on it either way).  Every other job in 2 to 200 parts: fewer
 * than the threads (empty ranges), uneven ranges, many parts to steal.
 */
START_TEST(pool_parts)
{
	struct npu_cpu_pool *pool = pool_of((uint32_t)_i);

	for (unsigned int job = 0; job < 5000; job++) {
		struct pool_count c;

		if (job % 500 == 499)
			nanosleep(&(struct timespec){ .tv_nsec = 2000000 }, NULL);
		memset(&c, 0, sizeof(c));
		if (job % 2) {
			cpu_pool_run_parts(pool, count_part, &c, 2 + job / 2 % 199);
			ck_assert_uint_eq(c.parts, 2 + job / 2 % 199);
		} else {
			cpu_pool_run(pool, count_part, &c);
			ck_assert_uint_ge(c.parts, cpu_pool_threads(pool));
		}
		ck_assert(c.parts <= 200);
		for (uint32_t i = 0; i < 200; i++)
			if (c.runs[i] != (i < c.parts ? 1u : 0u))
				ck_assert_msg(false, "job %u: part %u of %u ran %u times", job, i,
					      c.parts, c.runs[i]);
	}
	cpu_pool_destroy(pool);
}
END_TEST

/* The conv and depthwise cases alternate between two and three threads (pools[seed % 2 + 1]). */
START_TEST(conv_small)
{
	struct npu_cpu_pool *pools[POOLS];

	pools_create(pools);
	for (unsigned int s = 0; s < 300; s++)
		conv_case((unsigned int)_i * 1000 + s, CASE_SMALL, false, s % 4 == 3,
			  pools[s % 2 + 1]);
	pools_destroy(pools);
}
END_TEST

START_TEST(conv_deep)
{
	struct npu_cpu_pool *pools[POOLS];

	pools_create(pools);
	for (unsigned int s = 0; s < 40; s++)
		conv_case(500000 + s, CASE_DEEP, false, s % 4 == 3, pools[s % 2 + 1]);
	pools_destroy(pools);
}
END_TEST

START_TEST(conv_requant)
{
	struct npu_cpu_pool *pools[POOLS];

	pools_create(pools);
	for (unsigned int s = 0; s < 400; s++)
		conv_case(600000 + s, CASE_REQUANT, false, s % 4 == 3, pools[s % 2 + 1]);
	pools_destroy(pools);
}
END_TEST

START_TEST(depthwise_random)
{
	struct npu_cpu_pool *pools[POOLS];

	pools_create(pools);
	for (unsigned int s = 0; s < 600; s++)
		conv_case(700000 + s, s % 10 == 0 ? CASE_DEEP : CASE_SMALL, true, s % 3 == 2,
			  pools[s % 2 + 1]);
	for (unsigned int s = 0; s < 200; s++)
		conv_case(710000 + s, CASE_IMAGE, true, s % 3 == 2, pools[s % 2 + 1]);
	for (unsigned int s = 0; s < 40; s++)
		conv_case(720000 + s, CASE_ROWS, true, s % 3 == 2, pools[s % 2 + 1]);
	pools_destroy(pools);
}
END_TEST

/* Grouped convolution and zero points outside int8 are left to the firmware. */
START_TEST(conv_declines)
{
	struct npu_conv_params p;
	int8_t buf[64] = { 0 };
	int32_t m = 0x40000000, sh = 0;

	memset(&p, 0, sizeof(p));
	set4(&p.input, 1, 2, 2, 4);
	set4(&p.filter, 4, 1, 1, 2);
	set4(&p.output, 1, 2, 2, 4);
	p.stride_h = p.stride_w = p.dilation_h = p.dilation_w = 1;
	p.act_min = -128;
	p.act_max = 127;
	ck_assert(!cpu_opt_conv2d_s8(&p, buf, buf, NULL, &m, &sh, buf, CPU_ISA_C, NULL));
	set4(&p.filter, 4, 1, 1, 4);
	p.input.zero_point = 200;
	ck_assert(!cpu_opt_conv2d_s8(&p, buf, buf, NULL, &m, &sh, buf, CPU_ISA_C, NULL));
	p.input.zero_point = 0;
	p.act_max = 300;	/* the firmware truncates to int8 there */
	ck_assert(!cpu_opt_conv2d_s8(&p, buf, buf, NULL, &m, &sh, buf, CPU_ISA_C, NULL));
	p.act_max = 127;
	ck_assert(cpu_opt_conv2d_s8(&p, buf, buf, NULL, &m, &sh, buf + 16, CPU_ISA_C, NULL));
}
END_TEST

/*
 * NPU_RQ_SCALE_F64: binary64 scales as TFLite makes them, powers of two
 * (exact halves), and any bits (what only a hostile stream holds).
 */
static void random_scale_f64(struct npu_requant *rq, int32_t *mult, int32_t *shift,
			     uint32_t channels)
{
	rq->flags |= NPU_RQ_SCALE_F64;
	for (uint32_t c = 0; c <= channels; c++) {
		const uint32_t pick = rnd() % 8;
		double scale = pick == 0 ? ldexp(1.0, rnd_in(-16, 2)) :
			       (double)(float)ldexp(rnd_in(1, 1 << 24), -36) * 0.75 /
			       (double)(float)ldexp(rnd_in(1, 1 << 24), -30);
		uint64_t bits;

		memcpy(&bits, &scale, sizeof(bits));
		if (pick == 1)
			bits = ((uint64_t)rnd() << 32) ^ rnd();
		if (c < channels) {
			mult[c] = (int32_t)(uint32_t)bits;
			shift[c] = (int32_t)(uint32_t)(bits >> 32);
		} else {
			rq->multiplier = (int32_t)(uint32_t)bits;
			rq->shift = (int32_t)(uint32_t)(bits >> 32);
		}
	}
}

/* FULLY_CONNECTED; every tenth case large enough to split its units across threads. */
START_TEST(fc_random)
{
	struct npu_cpu_pool *pools[POOLS];

	pools_create(pools);
	for (unsigned int s = 0; s < 300; s++) {
		const bool u8 = s % 3 == 2;
		struct npu_fc_params p;
		uint32_t batches, depth, units, dims[2];
		int8_t *in, *filter, *want, *got;
		int32_t *bias, *mult, *shift;
		bool with_bias;

		rng_state = (s + 77) * 0x9e3779b97f4a7c15ull;
		memset(&p, 0, sizeof(p));
		batches = (uint32_t)rnd_in(1, 3);
		depth = (uint32_t)(s % 10 == 0 ? rnd_in(1500, 2000) : s % 5 == 0 ? rnd_in(300, 1100) :
				   rnd_in(1, 70));
		units = (uint32_t)(s % 10 == 0 ? rnd_in(700, 1100) : rnd_in(1, 40));
		dims[0] = batches;
		dims[1] = depth;
		npu_tensor_set(&p.input, 0, NPU_DTYPE_INT8, rnd_in(-128, 127), 2, dims);
		dims[0] = units;
		npu_tensor_set(&p.filter, 0, NPU_DTYPE_INT8, rnd() & 1 ? 0 : rnd_in(-128, 127),
			       2, dims);
		dims[0] = batches;
		dims[1] = units;
		npu_tensor_set(&p.output, 0, NPU_DTYPE_INT8, rnd_in(-128, 127), 2, dims);
		random_clamp(&p.act_min, &p.act_max);
		in = malloc((size_t)batches * depth);
		filter = malloc((size_t)units * depth);
		want = malloc((size_t)batches * units);
		got = malloc((size_t)batches * units);
		bias = malloc(units * sizeof(*bias));
		mult = malloc(units * sizeof(*mult));
		shift = malloc(units * sizeof(*shift));
		fill_s8(in, (size_t)batches * depth);
		fill_s8(filter, (size_t)units * depth);
		random_bias(bias, units);
		random_rq(&p.rq, mult, shift, units);
		if (s % 2)
			random_scale_f64(&p.rq, mult, shift, units);
		with_bias = rnd() % 4 != 0;
		if (u8) {	/* legacy uint8: zero points 0..255 */
			p.input.dtype = p.filter.dtype = p.output.dtype = NPU_DTYPE_UINT8;
			p.input.zero_point += 128;
			p.filter.zero_point = rnd_in(0, 255);
			p.output.zero_point += 128;
			p.act_min += 128;
			p.act_max += 128;
			npu_op_fc_u8(&p, (uint8_t *)in, (uint8_t *)filter, with_bias ? bias : NULL,
				     mult, shift, (uint8_t *)want);
		} else {
			npu_op_fc_s8(&p, in, filter, with_bias ? bias : NULL, mult, shift, want);
		}
		for (int isa = 0; isa < CPU_ISA_COUNT; isa++) {
			if (!cpu_isa_usable((enum cpu_isa)isa))
				continue;
			for (int t = 0; t < POOLS; t++) {
				memset(got, 0x5a, (size_t)batches * units);
				ck_assert(u8 ? cpu_opt_fc_u8(&p, (uint8_t *)in, (uint8_t *)filter,
							     with_bias ? bias : NULL, mult, shift,
							     (uint8_t *)got, (enum cpu_isa)isa,
							     pools[t]) :
					  cpu_opt_fc_s8(&p, in, filter, with_bias ? bias : NULL,
							mult, shift, got, (enum cpu_isa)isa,
							pools[t]));
				for (size_t i = 0; i < (size_t)batches * units; i++)
					ck_assert_msg(got[i] == want[i],
						      "fc%s seed %u isa %d threads %u: output %zu is %d, firmware %d",
						      u8 ? " u8" : "", s, isa,
						      cpu_pool_threads(pools[t]), i, got[i], want[i]);
			}
		}
		free(in);
		free(filter);
		free(want);
		free(got);
		free(bias);
		free(mult);
		free(shift);
	}
	pools_destroy(pools);
}
END_TEST

/* A multiplier as random_rq() draws them, hostile ones included. */
static int32_t rnd_mult(void)
{
	const uint32_t pick = rnd() % 12;

	return pick == 0 ? 0x40000000 : pick == 1 ? 0x7fffffff : pick == 2 ? INT32_MIN :
	       pick == 3 ? -(int32_t)(rnd() & 0x7fffffff) : 0x40000000 + (int32_t)(rnd() & 0x3fffffff);
}

/* Shifts TFLite makes, the ends, and beyond them (clamped as the firmware). */
static int32_t rnd_shift(void)
{
	const uint32_t pick = rnd() % 8;

	return pick == 0 ? -31 : pick == 1 ? 30 : pick == 2 ? rnd_in(-60, 60) : rnd_in(-20, 2);
}

/* ADD, SUB and MUL, int8 and uint8, same shapes and every kind of broadcast. */
START_TEST(eltwise_random)
{
	struct npu_cpu_pool *pool = pool3();

	for (unsigned int s = 0; s < 900; s++) {
		struct npu_eltwise_params p;
		uint32_t rank, dims[NPU_CS_MAX_DIMS], d1[NPU_CS_MAX_DIMS], d2[NPU_CS_MAX_DIMS];
		const enum cpu_elt_kind kind = (enum cpu_elt_kind)(s % 3);
		const bool u8 = s % 4 == 3, bcast = s % 5 >= 2;
		const uint8_t dt = u8 ? NPU_DTYPE_UINT8 : NPU_DTYPE_INT8;
		const int32_t zlo = u8 ? 0 : -128, zhi = u8 ? 255 : 127;
		int8_t *x, *y, *want, *got;
		size_t n, n1, n2;

		rng_state = (s + 4242) * 0x9e3779b97f4a7c15ull;
		memset(&p, 0, sizeof(p));
		rank = (uint32_t)rnd_in(1, NPU_CS_MAX_DIMS);
		for (uint32_t i = 0; i < rank; i++) {
			dims[i] = (uint32_t)rnd_in(1, rank > 3 ? 5 : 13);
			/* Either input may be 1 along any axis (never both needed). */
			d1[i] = bcast && rnd() % 3 == 0 ? 1 : dims[i];
			d2[i] = bcast && rnd() % 2 == 0 ? 1 : dims[i];
		}
		if (rank > 1 && rnd() % 4 == 0)	/* a wide row: every SIMD block and tail */
			dims[rank - 1] = d1[rank - 1] = d2[rank - 1] = (uint32_t)rnd_in(30, 200);
		npu_tensor_set(&p.input1, 0, dt, rnd_in(zlo, zhi), rank, d1);
		npu_tensor_set(&p.input2, 0, dt, rnd_in(zlo, zhi), rank, d2);
		npu_tensor_set(&p.output, 0, dt, rnd_in(zlo, zhi), rank, dims);
		p.output_multiplier = rnd_mult();
		p.output_shift = rnd_shift();
		if (kind != CPU_ELT_MUL) {
			p.left_shift = rnd() % 3 ? 20 : rnd_in(0, 31);
			p.input1_multiplier = rnd_mult();
			p.input2_multiplier = rnd_mult();
			p.input1_shift = rnd_shift();
			p.input2_shift = rnd_shift();
		}
		random_clamp(&p.act_min, &p.act_max);
		if (u8) {
			p.act_min += 128;
			p.act_max += 128;
		}
		n = npu_tensor_elems(&p.output);
		n1 = npu_tensor_elems(&p.input1);
		n2 = npu_tensor_elems(&p.input2);
		x = malloc(n1);
		y = malloc(n2);
		want = malloc(n);
		got = malloc(n);
		fill_s8(x, n1);
		fill_s8(y, n2);
		if (u8)
			(kind == CPU_ELT_ADD ? npu_op_add_u8 : kind == CPU_ELT_SUB ?
			 npu_op_sub_u8 : npu_op_mul_u8)(&p, (uint8_t *)x, (uint8_t *)y,
							(uint8_t *)want);
		else
			(kind == CPU_ELT_ADD ? npu_op_add_s8 : kind == CPU_ELT_SUB ?
			 npu_op_sub_s8 : npu_op_mul_s8)(&p, x, y, want);
		for (int isa = 0; isa < CPU_ISA_COUNT; isa++) {
			if (!cpu_isa_usable((enum cpu_isa)isa))
				continue;
			for (int t = 0; t < 2; t++) {
				memset(got, 0x5a, n);
				ck_assert(cpu_opt_eltwise(&p, kind, u8, x, y, got, (enum cpu_isa)isa,
							  t ? pool : NULL));
				for (size_t i = 0; i < n; i++)
					ck_assert_msg(got[i] == want[i],
						      "eltwise %d%s seed %u isa %d threads %d: output %zu is %d, firmware %d",
						      (int)kind, u8 ? " u8" : "", s, isa, t ? 3 : 1, i,
						      got[i], want[i]);
			}
		}
		/* Shapes that do not broadcast, and a clamp outside the type, are declined. */
		if (dims[rank - 1] > 1) {
			p.input2.dims[rank - 1] = dims[rank - 1] + 1;
			ck_assert(!cpu_opt_eltwise(&p, kind, u8, x, y, got, CPU_ISA_C, NULL));
			p.input2.dims[rank - 1] = d2[rank - 1];
		}
		p.act_max = zhi + 1;
		ck_assert(!cpu_opt_eltwise(&p, kind, u8, x, y, got, CPU_ISA_C, NULL));
		free(x);
		free(y);
		free(want);
		free(got);
	}
	cpu_pool_destroy(pool);
}
END_TEST

/*
 * Buffers of a data-movement or pooling case: @in (of @it, random bytes),
 * @want and @got (of @ot, *@out_b bytes, one spare so that empty is fine).
 */
static void move_bufs(const struct npu_tensor *it, const struct npu_tensor *ot, uint8_t **in,
		      uint8_t **want, uint8_t **got, size_t *out_b)
{
	const size_t es = npu_dtype_size(it->dtype), in_b = npu_tensor_elems(it) * es;

	*out_b = npu_tensor_elems(ot) * es;
	*in = malloc(in_b + 1);
	*want = malloc(*out_b + 1);
	*got = malloc(*out_b + 1);
	ck_assert(*in && *want && *got);
	fill_s8((int8_t *)*in, in_b);
}

/* PAD, small and (every fourth) large enough to split across threads. */
START_TEST(pad_random)
{
	struct npu_cpu_pool *pools[POOLS];

	pools_create(pools);
	for (unsigned int s = 0; s < 300; s++) {
		struct npu_pad_params p;
		uint32_t rank, idims[NPU_CS_MAX_DIMS], odims[NPU_CS_MAX_DIMS];
		uint8_t dtype, *in, *want, *got;
		size_t out_b;

		rng_state = (s + 999) * 0x9e3779b97f4a7c15ull;
		memset(&p, 0, sizeof(p));
		rank = (uint32_t)rnd_in(1, s % 4 ? NPU_CS_MAX_DIMS : 4);
		dtype = rnd() & 1 ? NPU_DTYPE_INT8 : NPU_DTYPE_INT16;
		for (uint32_t i = 0; i < rank; i++) {
			idims[i] = (uint32_t)rnd_in(1, s % 4 ? rank > 3 ? 4 : 9 : 40);
			p.before[i] = (uint32_t)rnd_in(0, 2);
			odims[i] = idims[i] + p.before[i] + (uint32_t)rnd_in(0, 2);
		}
		npu_tensor_set(&p.input, 0, dtype, 0, rank, idims);
		npu_tensor_set(&p.output, 0, dtype, 0, rank, odims);
		p.pad_value = dtype == NPU_DTYPE_INT8 ? rnd_in(-128, 127) : rnd_in(-32768, 32767);
		move_bufs(&p.input, &p.output, &in, &want, &got, &out_b);
		npu_op_pad(&p, in, want);
		for (int t = 0; t < POOLS; t++) {
			memset(got, 0x5a, out_b);
			ck_assert(cpu_opt_pad(&p, in, got, pools[t]));
			ck_assert_msg(!memcmp(got, want, out_b), "pad seed %u threads %u differs", s,
				      cpu_pool_threads(pools[t]));
		}
		free(in);
		free(want);
		free(got);
	}
	pools_destroy(pools);
}
END_TEST

/* LEAKY_RELU, int8 and uint8, hostile multipliers and shifts included. */
START_TEST(leaky_relu_random)
{
	struct npu_cpu_pool *pool = pool3();

	for (unsigned int s = 0; s < 400; s++) {
		struct npu_leaky_relu_params p;
		const bool u8 = s & 1;
		const uint8_t dt = u8 ? NPU_DTYPE_UINT8 : NPU_DTYPE_INT8;
		uint32_t dims[2];
		uint8_t *in, *want, *got;
		size_t n;

		rng_state = (s + 2468) * 0x9e3779b97f4a7c15ull;
		memset(&p, 0, sizeof(p));
		dims[0] = (uint32_t)rnd_in(1, 3);
		dims[1] = (uint32_t)(rnd() % 4 ? rnd_in(1, 300) : rnd_in(4000, 9000));
		npu_tensor_set(&p.input, 0, dt, rnd_in(u8 ? 0 : -128, u8 ? 255 : 127), 2, dims);
		npu_tensor_set(&p.output, 0, dt, rnd_in(u8 ? 0 : -128, u8 ? 255 : 127), 2, dims);
		p.multiplier_identity = rnd_mult();
		p.shift_identity = rnd_shift();
		p.multiplier_alpha = rnd_mult();
		p.shift_alpha = rnd_shift();
		n = npu_tensor_elems(&p.input);
		in = malloc(n);
		want = malloc(n);
		got = malloc(n);
		fill_s8((int8_t *)in, n);
		if (u8)
			npu_op_leaky_relu_u8(&p, in, want);
		else
			npu_op_leaky_relu_s8(&p, (int8_t *)in, (int8_t *)want);
		for (int isa = 0; isa < CPU_ISA_COUNT; isa++) {
			if (!cpu_isa_usable((enum cpu_isa)isa))
				continue;
			for (int t = 0; t < 2; t++) {
				memset(got, 0x5a, n);
				ck_assert(cpu_opt_leaky_relu(&p, u8, in, got, (enum cpu_isa)isa,
							     t ? pool : NULL));
				ck_assert_msg(!memcmp(got, want, n),
					      "leaky relu%s seed %u isa %d threads %d differs",
					      u8 ? " u8" : "", s, isa, t ? 3 : 1);
			}
		}
		free(in);
		free(want);
		free(got);
	}
	cpu_pool_destroy(pool);
}
END_TEST

/* An element type of the moves: 1, 2 or 4 bytes. */
static uint8_t rnd_move_dtype(void)
{
	const uint32_t k = rnd() % 3;

	return k == 0 ? NPU_DTYPE_INT8 : k == 1 ? NPU_DTYPE_INT16 : NPU_DTYPE_INT32;
}

/*
 * TRANSPOSE over every permutation kind, and STRIDED_SLICE with negative
 * strides; every fourth case large enough to split across threads, and
 * NCHW to NHWC images (the 2-D transpose), or with 8 to 70 channels either
 * way (its 8 x 8 byte blocks and their edges).
 */
START_TEST(transpose_slice_random)
{
	struct npu_cpu_pool *pools[POOLS];

	pools_create(pools);
	for (unsigned int s = 0; s < 600; s++) {
		const bool slice = s & 1;
		const uint8_t dt = rnd_move_dtype();
		uint32_t rank, idims[NPU_CS_MAX_DIMS], odims[NPU_CS_MAX_DIMS];
		struct npu_transpose_params tp;
		struct npu_slice_params sp;
		uint8_t *in, *want, *got;
		size_t out_b;

		rng_state = (s + 31337) * 0x9e3779b97f4a7c15ull;
		memset(&tp, 0, sizeof(tp));
		memset(&sp, 0, sizeof(sp));
		rank = (uint32_t)rnd_in(1, s % 4 ? NPU_CS_MAX_DIMS : 3);
		for (uint32_t i = 0; i < rank; i++) {
			idims[i] = (uint32_t)rnd_in(1, s % 4 ? rank > 3 ? 6 : 20 : 40);
			tp.perm[i] = (uint8_t)i;
		}
		if (s % 10 == 4) {
			const uint32_t img[4] = { (uint32_t)rnd_in(1, 2), (uint32_t)rnd_in(1, 4),
						  (uint32_t)rnd_in(20, 70), (uint32_t)rnd_in(20, 70) };

			rank = 4;
			memcpy(idims, img, sizeof(img));
			tp.perm[0] = 0;
			tp.perm[1] = 2;
			tp.perm[2] = 3;
			tp.perm[3] = 1;
		}
		if (s % 10 == 6 || s % 10 == 8) {
			const bool to_nchw = s % 20 >= 10;
			const uint32_t c = (uint32_t)rnd_in(8, 70), h = (uint32_t)rnd_in(1, 24);
			const uint32_t w = (uint32_t)rnd_in(1, 40), n = (uint32_t)rnd_in(1, 2);

			rank = 4;
			idims[0] = n;
			idims[1] = to_nchw ? h : c;
			idims[2] = to_nchw ? w : h;
			idims[3] = to_nchw ? c : w;
			tp.perm[0] = 0;
			tp.perm[1] = to_nchw ? 3 : 2;
			tp.perm[2] = to_nchw ? 1 : 3;
			tp.perm[3] = to_nchw ? 2 : 1;
		}
		if (slice) {
			for (uint32_t i = 0; i < rank; i++) {
				const int32_t st = rnd() % 3 ? rnd_in(1, 3) : -rnd_in(1, 3);
				const int32_t b = rnd_in(0, (int32_t)idims[i] - 1);

				/* Elements b, b + st, ... inside [0, dims). */
				sp.begin[i] = b;
				sp.strides[i] = st;
				odims[i] = st > 0 ? (idims[i] - (uint32_t)b + (uint32_t)st - 1) / (uint32_t)st :
					   ((uint32_t)b + (uint32_t)-st) / (uint32_t)-st;
			}
			npu_tensor_set(&sp.input, 0, dt, 0, rank, idims);
			npu_tensor_set(&sp.output, 0, dt, 0, rank, odims);
		} else {
			for (uint32_t i = s % 10 == 4 || s % 10 == 6 || s % 10 == 8 ? 1 : rank; i > 1;
			     i--) {	/* Fisher-Yates */
				const uint32_t j = rnd() % i;
				const uint8_t t = tp.perm[i - 1];

				tp.perm[i - 1] = tp.perm[j];
				tp.perm[j] = t;
			}
			for (uint32_t i = 0; i < rank; i++)
				odims[i] = idims[tp.perm[i]];
			npu_tensor_set(&tp.input, 0, dt, 0, rank, idims);
			npu_tensor_set(&tp.output, 0, dt, 0, rank, odims);
		}
		move_bufs(slice ? &sp.input : &tp.input, slice ? &sp.output : &tp.output, &in, &want,
			  &got, &out_b);
		if (slice)
			npu_op_strided_slice(&sp, in, want);
		else
			npu_op_transpose(&tp, in, want);
		for (int t = 0; t < POOLS; t++) {
			memset(got, 0x5a, out_b);
			if (slice)
				ck_assert(cpu_opt_strided_slice(&sp, in, got, pools[t]));
			else
				ck_assert(cpu_opt_transpose(&tp, in, got, pools[t]));
			ck_assert_msg(!memcmp(got, want, out_b), "%s seed %u threads %u differs",
				      slice ? "strided slice" : "transpose", s,
				      cpu_pool_threads(pools[t]));
		}
		free(in);
		free(want);
		free(got);
	}
	pools_destroy(pools);
}

/* COPY: any length, split at cache lines across threads. */
START_TEST(copy_random)
{
	struct npu_cpu_pool *pools[POOLS];

	pools_create(pools);
	for (unsigned int s = 0; s < 200; s++) {
		size_t n, off;
		uint8_t *in, *got;

		rng_state = (s + 4242) * 0x9e3779b97f4a7c15ull;
		n = s % 2 ? (size_t)rnd_in(0, 300) : (size_t)rnd_in(16000, 200000);
		off = (size_t)rnd_in(0, 63);	/* unaligned starts */
		in = malloc(n + off + 1);
		got = malloc(n + off + 2);
		ck_assert(in && got);
		fill_s8((int8_t *)in, n + off);
		for (int t = 0; t < POOLS; t++) {
			memset(got, 0x5a, n + off + 2);
			cpu_opt_copy(in + off, got + off, n, pools[t]);
			ck_assert_msg(!memcmp(got + off, in + off, n), "copy seed %u threads %u differs",
				      s, cpu_pool_threads(pools[t]));
			ck_assert(got[off + n] == 0x5a && got[off + n + 1] == 0x5a);
			for (size_t i = 0; i < off; i++)
				ck_assert(got[i] == 0x5a);
		}
		free(in);
		free(got);
	}
	pools_destroy(pools);
}
END_TEST

START_TEST(concat_random)
{
	struct npu_cpu_pool *pool = pool3();

	for (unsigned int s = 0; s < 300; s++) {
		struct npu_concat_params p;
		const uint8_t dt = rnd_move_dtype();
		uint32_t rank, idims[NPU_CS_MAX_DIMS], odims[NPU_CS_MAX_DIMS];
		uint8_t *in, *want, *got;
		size_t out_b;

		rng_state = (s + 4711) * 0x9e3779b97f4a7c15ull;
		memset(&p, 0, sizeof(p));
		rank = (uint32_t)rnd_in(1, NPU_CS_MAX_DIMS);
		for (uint32_t i = 0; i < rank; i++)
			idims[i] = odims[i] = (uint32_t)rnd_in(1, rank > 3 ? 5 : 12);
		p.axis = (uint32_t)rnd_in(0, (int32_t)rank - 1);
		p.offset = (uint32_t)rnd_in(0, 4);
		odims[p.axis] += p.offset + (uint32_t)rnd_in(0, 4);
		npu_tensor_set(&p.input, 0, dt, 0, rank, idims);
		npu_tensor_set(&p.output, 0, dt, 0, rank, odims);
		move_bufs(&p.input, &p.output, &in, &want, &got, &out_b);
		/* The other inputs' parts stay as they were. */
		memset(want, 0x5a, out_b);
		memset(got, 0x5a, out_b);
		npu_op_concat(&p, in, NULL, want);
		ck_assert(cpu_opt_concat(&p, in, got, s & 1 ? pool : NULL));
		ck_assert_msg(!memcmp(got, want, out_b), "concat seed %u differs", s);
		p.flags = NPU_CONCAT_TABLE;	/* requantizing by table: the firmware's */
		ck_assert(!cpu_opt_concat(&p, in, got, NULL));
		free(in);
		free(want);
		free(got);
	}
	cpu_pool_destroy(pool);
}
END_TEST

/* RESIZE_NEAREST_NEIGHBOR: random tables, entries past the input included (clamped). */
START_TEST(resize_nearest_random)
{
	struct npu_cpu_pool *pool = pool3();

	for (unsigned int s = 0; s < 300; s++) {
		struct npu_resize_params p;
		const uint8_t dt = rnd_move_dtype();
		uint32_t id[4], od[4];
		uint16_t table[64];
		uint8_t *in, *want, *got;
		size_t out_b;

		rng_state = (s + 1357) * 0x9e3779b97f4a7c15ull;
		memset(&p, 0, sizeof(p));
		id[0] = od[0] = (uint32_t)rnd_in(1, 2);
		id[1] = (uint32_t)rnd_in(1, 9);
		id[2] = (uint32_t)rnd_in(1, 9);
		id[3] = od[3] = (uint32_t)rnd_in(1, 20);
		od[1] = (uint32_t)rnd_in(1, 30);
		od[2] = (uint32_t)rnd_in(1, 30);
		for (uint32_t i = 0; i < od[1]; i++)	/* rows, often repeated, sometimes past */
			table[i] = (uint16_t)(rnd() % 8 ? i * id[1] / od[1] : (uint32_t)rnd_in(0, 12));
		for (uint32_t i = 0; i < od[2]; i++)
			table[od[1] + i] = (uint16_t)(rnd() % 8 ? i * id[2] / od[2] :
						      (uint32_t)rnd_in(0, 12));
		npu_tensor_set(&p.input, 0, dt, 0, 4, id);
		npu_tensor_set(&p.output, 0, dt, 0, 4, od);
		move_bufs(&p.input, &p.output, &in, &want, &got, &out_b);
		npu_op_resize_nearest(&p, in, table, want);
		for (int t = 0; t < 2; t++) {
			memset(got, 0x5a, out_b);
			ck_assert(cpu_opt_resize_nearest(&p, in, table, got, t ? pool : NULL));
			ck_assert_msg(!memcmp(got, want, out_b),
				      "resize nearest seed %u threads %d differs", s, t ? 3 : 1);
		}
		free(in);
		free(want);
		free(got);
	}
	cpu_pool_destroy(pool);
}
END_TEST

/* AVERAGE_POOL_2D and MAX_POOL_2D, int8, uint8 and int16, every window and padding. */
START_TEST(pool_random)
{
	struct npu_cpu_pool *pool = pool3();

	for (unsigned int s = 0; s < 600; s++) {
		struct npu_pool_params p;
		const bool avg = s & 1;
		const uint8_t dt = s % 3 == 0 ? NPU_DTYPE_INT8 : s % 3 == 1 ? NPU_DTYPE_UINT8 :
				   NPU_DTYPE_INT16;
		const int32_t lo = dt == NPU_DTYPE_UINT8 ? 0 : dt == NPU_DTYPE_INT8 ? -128 : -32768;
		const int32_t hi = dt == NPU_DTYPE_UINT8 ? 255 : dt == NPU_DTYPE_INT8 ? 127 : 32767;
		uint32_t n, ih, iw, ch, oh, ow;
		uint8_t *in, *want, *got;
		size_t out_b;

		rng_state = (s + 8888) * 0x9e3779b97f4a7c15ull;
		memset(&p, 0, sizeof(p));
		n = (uint32_t)rnd_in(1, 2);
		ih = (uint32_t)rnd_in(1, 12);
		iw = (uint32_t)rnd_in(1, 12);
		ch = (uint32_t)(rnd() % 4 ? rnd_in(1, 40) : rnd_in(60, 300));
		p.filter_h = (uint16_t)rnd_in(1, 7);
		p.filter_w = (uint16_t)rnd_in(1, 7);
		p.stride_h = (uint16_t)rnd_in(1, 3);
		p.stride_w = (uint16_t)rnd_in(1, 3);
		p.pad_top = (uint16_t)rnd_in(0, p.filter_h - 1);
		p.pad_left = (uint16_t)rnd_in(0, p.filter_w - 1);
		oh = (uint32_t)rnd_in(1, (int32_t)(ih + p.pad_top) / p.stride_h + 1);
		ow = (uint32_t)rnd_in(1, (int32_t)(iw + p.pad_left) / p.stride_w + 1);
		{
			const uint32_t id[4] = { n, ih, iw, ch }, od[4] = { n, oh, ow, ch };

			npu_tensor_set(&p.input, 0, dt, 0, 4, id);
			npu_tensor_set(&p.output, 0, dt, 0, 4, od);
		}
		p.act_min = lo;
		p.act_max = hi;
		if (rnd() & 1) {
			const int32_t a = rnd_in(lo, hi), b = rnd_in(lo, hi);

			p.act_min = a < b ? a : b;
			p.act_max = a < b ? b : a;
		}
		move_bufs(&p.input, &p.output, &in, &want, &got, &out_b);
		npu_fw_exec(avg ? NPU_CMD_AVERAGE_POOL_2D : NPU_CMD_MAX_POOL_2D,
			    (const union npu_cmd_params *)(const void *)&p,
			    (void *[NPU_FW_SLOT_COUNT]){ [NPU_FW_SLOT_IN0] = in,
							 [NPU_FW_SLOT_OUT] = want });
		for (int t = 0; t < 2; t++) {
			memset(got, 0x5a, out_b);
			ck_assert(cpu_opt_pool(&p, avg, in, got, t ? pool : NULL));
			ck_assert_msg(!memcmp(got, want, out_b),
				      "%s pool dtype %u seed %u threads %d differs",
				      avg ? "average" : "max", dt, s, t ? 3 : 1);
		}
		p.act_max = hi + 1;
		ck_assert(!cpu_opt_pool(&p, avg, in, got, NULL));
		free(in);
		free(want);
		free(got);
	}
	cpu_pool_destroy(pool);
}
END_TEST

/* Random int8 or int16 data: uniform, or the extremes. */
static void fill_elems(void *p, size_t n, bool s16)
{
	if (!s16) {
		fill_s8(p, n);
		return;
	}
	const uint32_t mode = rnd() % 4;

	for (size_t i = 0; i < n; i++)
		((int16_t *)p)[i] = mode == 0 ? (rnd() & 1 ? -32768 : 32767) : (int16_t)rnd();
}

/* MEAN and quantized SUM, int8 and int16, over every axis set. */
START_TEST(mean_random)
{
	struct npu_cpu_pool *pools[POOLS];

	pools_create(pools);
	for (unsigned int s = 0; s < 600; s++) {
		struct npu_mean_params p;
		const bool s16 = s % 3 == 2;
		const uint8_t dt = s16 ? NPU_DTYPE_INT16 : NPU_DTYPE_INT8;
		const size_t es = s16 ? 2 : 1;
		uint32_t rank, id[NPU_CS_MAX_DIMS], od[NPU_CS_MAX_DIMS];
		uint8_t *in, *want, *got;
		size_t n, on;

		rng_state = (s + 5150) * 0x9e3779b97f4a7c15ull;
		memset(&p, 0, sizeof(p));
		rank = (uint32_t)rnd_in(1, NPU_CS_MAX_DIMS);
		p.axis_mask = rnd() & ((1u << rank) - 1);
		for (uint32_t i = 0; i < rank; i++) {
			id[i] = (uint32_t)rnd_in(1, rank > 3 ? 7 : 20);
			if (rnd() % 6 == 0)	/* long rows: every SIMD block and tail */
				id[i] = (uint32_t)rnd_in(30, 300);
			od[i] = p.axis_mask & (1u << i) ? 1 : id[i];
		}
		n = 1;
		for (uint32_t i = 0; i < rank; i++)
			n *= id[i];
		if (n > 200000)
			continue;
		npu_tensor_set(&p.input, 0, dt, s16 ? 0 : rnd_in(-128, 127), rank, id);
		npu_tensor_set(&p.output, 0, dt, s16 ? 0 : rnd_in(-128, 127), rank, od);
		p.multiplier = rnd() % 5 ? 0x40000000 + (int32_t)(rnd() & 0x3fffffff) :
			       (int32_t)(rnd() & 0x7fffffff);
		p.shift = rnd() % 4 ? rnd_in(-20, 2) : (rnd() & 1 ? -31 : 30);
		on = npu_tensor_elems(&p.output);
		in = malloc(n * es);
		want = malloc(on * es);
		got = malloc(on * es);
		fill_elems(in, n, s16);
		if (s16)
			npu_op_mean_s16(&p, (int16_t *)in, (int16_t *)want);
		else
			npu_op_mean_s8(&p, (int8_t *)in, (int8_t *)want);
		for (int isa = 0; isa < CPU_ISA_COUNT; isa++) {
			if (!cpu_isa_usable((enum cpu_isa)isa))
				continue;
			for (int t = 0; t < POOLS; t++) {
				memset(got, 0x5a, on * es);
				ck_assert(cpu_opt_mean(&p, in, got, (enum cpu_isa)isa, pools[t]));
				ck_assert_msg(!memcmp(got, want, on * es),
					      "mean%s seed %u isa %d threads %u differs",
					      s16 ? " int16" : "", s, isa, cpu_pool_threads(pools[t]));
			}
		}
		free(in);
		free(want);
		free(got);
	}
	pools_destroy(pools);
}
END_TEST

/*
 * RESIZE_BILINEAR, int8 and int16: up and down, by large factors, every
 * flag, on 1 and 3 threads.
 */
START_TEST(resize_bilinear_random)
{
	struct npu_cpu_pool *pool = pool3();

	for (unsigned int s = 0; s < 500; s++) {
		struct npu_resize_params p;
		const bool s16 = s % 4 == 3;
		const uint8_t dt = s16 ? NPU_DTYPE_INT16 : NPU_DTYPE_INT8;
		const size_t es = s16 ? 2 : 1;
		const uint32_t flag = s % 3;	/* 0, align corners, half pixel centres */
		uint32_t id[4], od[4];
		uint8_t *in, *want, *got;
		size_t n, on;

		rng_state = (s + 7777) * 0x9e3779b97f4a7c15ull;
		memset(&p, 0, sizeof(p));
		id[0] = od[0] = (uint32_t)rnd_in(1, 2);
		id[1] = (uint32_t)rnd_in(1, 12);
		id[2] = (uint32_t)rnd_in(1, 12);
		id[3] = od[3] = (uint32_t)(rnd() % 3 ? rnd_in(1, 40) : rnd_in(1, 4));
		od[1] = (uint32_t)(rnd() % 8 ? rnd_in(1, 40) : rnd_in(1000, 1300));
		od[2] = (uint32_t)(od[1] > 100 || rnd() % 8 ? rnd_in(1, 40) : rnd_in(1000, 1300));
		p.flags = flag == 1 ? NPU_RESIZE_ALIGN_CORNERS :
			  flag == 2 ? NPU_RESIZE_HALF_PIXEL_CENTERS : 0;
		npu_tensor_set(&p.input, 0, dt, 0, 4, id);
		npu_tensor_set(&p.output, 0, dt, 0, 4, od);
		n = npu_tensor_elems(&p.input);
		on = npu_tensor_elems(&p.output);
		in = malloc(n * es);
		want = malloc(on * es);
		got = malloc(on * es);
		fill_elems(in, n, s16);
		if (s16)
			npu_op_resize_bilinear_s16(&p, (int16_t *)in, (int16_t *)want);
		else
			npu_op_resize_bilinear_s8(&p, (int8_t *)in, (int8_t *)want);
		for (int isa = 0; isa < CPU_ISA_COUNT; isa++) {
			if (!cpu_isa_usable((enum cpu_isa)isa))
				continue;
			for (int t = 0; t < 2; t++) {
				memset(got, 0x5a, on * es);
				ck_assert(cpu_opt_resize_bilinear(&p, in, got, (enum cpu_isa)isa,
								  t ? pool : NULL));
				ck_assert_msg(!memcmp(got, want, on * es),
					      "resize bilinear%s seed %u isa %d threads %d differs",
					      s16 ? " int16" : "", s, isa, t ? 3 : 1);
			}
		}
		free(in);
		free(want);
		free(got);
	}
	cpu_pool_destroy(pool);
}
END_TEST

/*
 * RESIZE_BILINEAR of uint8 and float32 (TFLite's float template): the
 * optimized kernel against the template, every flag, 1 and 3 threads.
 */
START_TEST(resize_bilinear_float_random)
{
	struct npu_cpu_pool *pool = pool3();

	for (unsigned int s = 0; s < 400; s++) {
		struct cpu_bilinear_f b;
		const uint32_t flag = s % 3;
		uint8_t *in, *want, *got;
		size_t n, on, es;

		rng_state = (s + 9191) * 0x9e3779b97f4a7c15ull;
		memset(&b, 0, sizeof(b));
		b.u8 = s % 4 != 3;
		b.align = flag == 1;
		b.half = flag == 2;
		es = b.u8 ? 1 : sizeof(float);
		b.in[0] = b.out[0] = (uint32_t)rnd_in(1, 2);
		b.in[1] = (uint32_t)rnd_in(1, 12);
		b.in[2] = (uint32_t)rnd_in(1, 12);
		b.in[3] = b.out[3] = (uint32_t)(rnd() % 3 ? rnd_in(1, 40) : rnd_in(1, 4));
		b.out[1] = (uint32_t)rnd_in(1, 60);
		b.out[2] = (uint32_t)rnd_in(1, 60);
		n = (size_t)b.in[0] * b.in[1] * b.in[2] * b.in[3];
		on = (size_t)b.out[0] * b.out[1] * b.out[2] * b.out[3];
		in = malloc(n * es);
		want = malloc(on * es);
		got = malloc(on * es);
		if (b.u8)
			fill_s8((int8_t *)in, n);
		else
			for (size_t i = 0; i < n; i++)
				((float *)in)[i] = (float)(int32_t)rnd() / (float)(1 << (rnd() % 24));
		cpu_ref_resize_bilinear_f(&b, in, want);
		for (int isa = 0; isa < CPU_ISA_COUNT; isa++) {
			if (!cpu_isa_usable((enum cpu_isa)isa))
				continue;
			for (int t = 0; t < 2; t++) {
				memset(got, 0x5a, on * es);
				ck_assert(cpu_opt_resize_bilinear_f(&b, in, got, (enum cpu_isa)isa,
								    t ? pool : NULL));
				ck_assert_msg(!memcmp(got, want, on * es),
					      "resize bilinear %s seed %u isa %d threads %d differs",
					      b.u8 ? "uint8" : "float32", s, isa, t ? 3 : 1);
			}
		}
		free(in);
		free(want);
		free(got);
	}
	cpu_pool_destroy(pool);
}
END_TEST

/* LUT: int8 and uint8 over every index, int16 over every segment, random tables. */
START_TEST(lut_random)
{
	struct npu_cpu_pool *pool = pool3();

	for (unsigned int s = 0; s < 300; s++) {
		struct npu_lut_params p;
		const uint8_t dt = s % 3 == 0 ? NPU_DTYPE_INT8 : s % 3 == 1 ? NPU_DTYPE_UINT8 :
				   NPU_DTYPE_INT16;
		const size_t es = dt == NPU_DTYPE_INT16 ? 2 : 1;
		int16_t table[513];
		uint32_t dims[2];
		uint8_t *in, *want, *got;
		size_t n;

		rng_state = (s + 6006) * 0x9e3779b97f4a7c15ull;
		memset(&p, 0, sizeof(p));
		dims[0] = (uint32_t)rnd_in(1, 3);
		dims[1] = (uint32_t)(rnd() % 2 ? rnd_in(1, 100) : rnd_in(100, 3000));
		npu_tensor_set(&p.input, 0, dt, 0, 2, dims);
		npu_tensor_set(&p.output, 0, dt, 0, 2, dims);
		/* Random tables, or monotonic ones as LOGISTIC and TANH make. */
		for (int i = 0; i < 513; i++)
			table[i] = s & 4 ? (int16_t)rnd() : (int16_t)(i * 127 - 32768);
		n = npu_tensor_elems(&p.input);
		in = malloc(n * es);
		want = malloc(n * es);
		got = malloc(n * es);
		fill_elems(in, n, es == 2);
		/* Every index once in the first 256 (or 65536) elements where they fit. */
		for (size_t i = 0; s & 8 && i < n; i++) {
			if (es == 1)
				in[i] = (uint8_t)i;
			else
				((int16_t *)in)[i] = (int16_t)(i * 97);
		}
		if (dt == NPU_DTYPE_INT8)
			npu_op_lut_s8(&p, (int8_t *)in, (const int8_t *)table, (int8_t *)want);
		else if (dt == NPU_DTYPE_UINT8)
			npu_op_lut_u8(&p, in, (const uint8_t *)table, want);
		else
			npu_op_lut_s16(&p, (int16_t *)in, table, (int16_t *)want);
		for (int isa = 0; isa < CPU_ISA_COUNT; isa++) {
			if (!cpu_isa_usable((enum cpu_isa)isa))
				continue;
			for (int t = 0; t < 2; t++) {
				memset(got, 0x5a, n * es);
				ck_assert(cpu_opt_lut(&p, in, table, got, (enum cpu_isa)isa,
						      t ? pool : NULL));
				ck_assert_msg(!memcmp(got, want, n * es),
					      "lut dtype %u seed %u isa %d threads %d differs", dt, s,
					      isa, t ? 3 : 1);
			}
		}
		free(in);
		free(want);
		free(got);
	}
	cpu_pool_destroy(pool);
}
END_TEST

/* ---- whole models (not in the arm64 cross build: no libnpu there) ---- */
#ifndef NPU_CROSS_KERNELS_ONLY

/*
 * The firmware kernel's output for op @i of @g, from the executor's current
 * tensors, into @want; false when the op is not one with an optimized
 * kernel (or has more than one command).
 */
static bool firmware_output(struct npu_cpu *cpu, const struct npu_graph *g, uint32_t i,
			    void *want)
{
	const struct npu_graph_op *op = &g->ops[i];
	struct npu_cpu_prepared *pr = NULL;
	void *in[4] = { NULL };
	const union npu_cmd_params *pa;
	const void *bias;
	char err[256];
	bool done = true;

	if (op->builtin != NPU_BUILTIN_CONV_2D && op->builtin != NPU_BUILTIN_DEPTHWISE_CONV_2D &&
	    op->builtin != NPU_BUILTIN_FULLY_CONNECTED && op->builtin != NPU_BUILTIN_PAD &&
	    op->builtin != NPU_BUILTIN_ADD && op->builtin != NPU_BUILTIN_SUB &&
	    op->builtin != NPU_BUILTIN_MUL && op->builtin != NPU_BUILTIN_TRANSPOSE &&
	    op->builtin != NPU_BUILTIN_STRIDED_SLICE && op->builtin != NPU_BUILTIN_AVERAGE_POOL_2D &&
	    op->builtin != NPU_BUILTIN_MAX_POOL_2D && op->builtin != NPU_BUILTIN_LEAKY_RELU &&
	    op->builtin != NPU_BUILTIN_RESIZE_NEAREST_NEIGHBOR && op->builtin != NPU_BUILTIN_MEAN &&
	    op->builtin != NPU_BUILTIN_RESIZE_BILINEAR && op->builtin != NPU_BUILTIN_LOGISTIC &&
	    op->builtin != NPU_BUILTIN_TANH)
		return false;
	if (npu_cpu_prepare_op(g, op, &pr, err, sizeof(err)) || pr->num_cmds != 1) {
		npu_cpu_prepared_free(pr);
		return false;
	}
	for (uint32_t k = 0; k < op->num_inputs && k < 4; k++)
		in[k] = op->inputs[k] >= 0 ? npu_cpu_tensor_data(cpu, op->inputs[k]) : NULL;
	pa = &pr->cmds[0].params;
	bias = pr->bias ? pr->bias : op->num_inputs > 2 ? in[2] : NULL;
	switch (pr->cmds[0].opcode) {
	case NPU_CMD_CONV_2D:
		if (pa->conv.input.dtype != NPU_DTYPE_INT8)
			done = false;
		else
			npu_op_conv2d_s8(&pa->conv, in[0], in[1], bias, pr->mult, pr->shift, want);
		break;
	case NPU_CMD_DEPTHWISE_CONV_2D:
		if (pa->conv.input.dtype != NPU_DTYPE_INT8)
			done = false;
		else
			npu_op_depthwise_s8(&pa->conv, in[0], in[1], bias, pr->mult, pr->shift,
					    want);
		break;
	case NPU_CMD_FULLY_CONNECTED:
		if (pa->fc.input.dtype != NPU_DTYPE_INT8)
			done = false;
		else
			npu_op_fc_s8(&pa->fc, in[0], in[1], bias, pr->mult, pr->shift, want);
		break;
	case NPU_CMD_PAD:
		npu_op_pad(&pa->pad, in[pr->cmds[0].input], want);
		break;
	case NPU_CMD_ADD:
	case NPU_CMD_SUB:
	case NPU_CMD_MUL:
		if (pa->eltwise.output.dtype != NPU_DTYPE_INT8 &&
		    pa->eltwise.output.dtype != NPU_DTYPE_UINT8)
			done = false;
		else
			npu_fw_exec(pr->cmds[0].opcode, pa, (void *[NPU_FW_SLOT_COUNT]){
				[NPU_FW_SLOT_IN0] = in[0], [NPU_FW_SLOT_IN1] = in[1],
				[NPU_FW_SLOT_OUT] = want });
		break;
	case NPU_CMD_TRANSPOSE:
	case NPU_CMD_STRIDED_SLICE:
	case NPU_CMD_AVERAGE_POOL_2D:
	case NPU_CMD_MAX_POOL_2D:
	case NPU_CMD_LEAKY_RELU:
	case NPU_CMD_RESIZE_NEAREST:
	case NPU_CMD_MEAN:
	case NPU_CMD_RESIZE_BILINEAR:
	case NPU_CMD_LUT:
		npu_fw_exec(pr->cmds[0].opcode, pa, (void *[NPU_FW_SLOT_COUNT]){
			[NPU_FW_SLOT_IN0] = in[pr->cmds[0].input], [NPU_FW_SLOT_OUT] = want,
			[NPU_FW_SLOT_TABLE] = pr->table ?
				(uint8_t *)pr->table + pr->cmds[0].table_offset : NULL });
		break;
	default:
		done = false;
	}
	npu_cpu_prepared_free(pr);
	return done;
}

/*
 * Every TFLM and seanet model (and the zoo's int8 ones the CPU runs): op by
 * op, each optimized op's output against the firmware kernel on the same
 * inputs; then the whole model on 1 and on 3 threads, every output equal.
 */
START_TEST(models_equal_firmware)
{
	const char *top = getenv("NPU_TOP");
	const char *patterns[] = { "tflm/*.tflite", "seanet/*/*.tflite", "zoo/*int8*.tflite",
				   "zoo/mnv2_224_uint8.tflite" };
	unsigned int checked_ops = 0, models = 0;
	char pat[4096];

	for (size_t k = 0; k < sizeof(patterns) / sizeof(patterns[0]); k++) {
		glob_t gl;

		snprintf(pat, sizeof(pat), "%s/../shared/models/%s", top ? top : ".", patterns[k]);
		if (glob(pat, 0, NULL, &gl))
			continue;
		for (size_t f = 0; f < gl.gl_pathc; f++) {
			struct npu_cpu *cpu = NULL, *cpu3 = NULL;
			struct npu_graph *g = NULL;
			char err[512] = "";
			bool zoo = k >= 2;

			ck_assert_msg(!npu_tflite_load_file(gl.gl_pathv[f], &g, err, sizeof(err)) ||
				      zoo, "%s: %s", gl.gl_pathv[f], err);
			if (!g)
				continue;
			if (npu_cpu_create(g, &cpu, err, sizeof(err)) ||
			    npu_cpu_create(g, &cpu3, err, sizeof(err))) {
				ck_assert_msg(zoo, "%s: %s", gl.gl_pathv[f], err);
				npu_cpu_destroy(cpu);
				npu_graph_free(g);
				continue;
			}
			for (uint32_t i = 0; zoo && cpu3 && i < g->num_ops; i++)
				if (!npu_cpu_op_runnable(cpu, i)) {
					npu_cpu_destroy(cpu3);
					cpu3 = NULL;
				}
			if (!cpu3) {	/* a zoo model with ops the CPU lacks */
				npu_cpu_destroy(cpu);
				npu_graph_free(g);
				continue;
			}
			ck_assert_int_eq(npu_cpu_set_threads(cpu3, 3), 0);
			rng_state = f + 1;
			for (uint32_t i = 0; i < g->num_inputs; i++) {
				const struct npu_graph_tensor *t = &g->tensors[g->inputs[i]];
				uint8_t *x = npu_cpu_tensor_data(cpu, g->inputs[i]);

				ck_assert_ptr_nonnull(x);
				fill_s8((int8_t *)x, t->bytes);
				memcpy(npu_cpu_tensor_data(cpu3, g->inputs[i]), x, t->bytes);
			}
			for (uint32_t i = 0; i < g->num_ops; i++) {
				const struct npu_graph_tensor *ot = &g->tensors[g->ops[i].outputs[0]];
				void *want = malloc(ot->bytes ? ot->bytes : 1);

				ck_assert_msg(!npu_cpu_invoke_range(cpu, i, 1), "%s: %s", gl.gl_pathv[f],
					      npu_cpu_error(cpu));
				if (firmware_output(cpu, g, i, want)) {
					ck_assert_msg(!memcmp(npu_cpu_tensor_data(cpu, g->ops[i].outputs[0]),
							      want, ot->bytes),
						      "%s: op %u (%s) differs from the firmware kernel",
						      gl.gl_pathv[f], i, npu_op_name(g->ops[i].builtin));
					checked_ops++;
				}
				free(want);
			}
			ck_assert_msg(!npu_cpu_invoke(cpu3), "%s: %s", gl.gl_pathv[f],
				      npu_cpu_error(cpu3));
			for (uint32_t i = 0; i < g->num_outputs; i++)
				ck_assert_msg(!memcmp(npu_cpu_tensor_data(cpu, g->outputs[i]),
						      npu_cpu_tensor_data(cpu3, g->outputs[i]),
						      g->tensors[g->outputs[i]].bytes),
					      "%s: output %u differs on 3 threads", gl.gl_pathv[f], i);
			models++;
			npu_cpu_destroy(cpu);
			npu_cpu_destroy(cpu3);
			npu_graph_free(g);
		}
		globfree(&gl);
	}
	printf("models: %u, optimized ops checked against the firmware: %u\n", models,
	       checked_ops);
	ck_assert_uint_ge(models, 5);
	ck_assert_uint_ge(checked_ops, 100);
}
END_TEST

#endif /* NPU_CROSS_KERNELS_ONLY */

START_TEST(isa_names_usable)
{
	/* The portable variant runs everywhere; the best one runs here. */
	ck_assert(cpu_isa_usable(CPU_ISA_C));
	ck_assert(cpu_isa_usable(cpu_isa_best()));
	printf("optimized kernels: best variant here %d\n", (int)cpu_isa_best());
}
END_TEST

int main(void)
{
	Suite *s = suite_create("cpu_opt");
	TCase *tc = tcase_create("equivalence");
	SRunner *sr;
	int failed;

	tcase_add_test(tc, isa_names_usable);
	tcase_add_loop_test(tc, pool_parts, 2, 4);
	tcase_add_loop_test(tc, conv_small, 0, 4);
	tcase_add_test(tc, conv_deep);
	tcase_add_test(tc, conv_requant);
	tcase_add_test(tc, conv_declines);
	tcase_add_test(tc, depthwise_random);
	tcase_add_test(tc, fc_random);
	tcase_add_test(tc, pad_random);
	tcase_add_test(tc, eltwise_random);
	tcase_add_test(tc, transpose_slice_random);
	tcase_add_test(tc, copy_random);
	tcase_add_test(tc, concat_random);
	tcase_add_test(tc, pool_random);
	tcase_add_test(tc, leaky_relu_random);
	tcase_add_test(tc, resize_nearest_random);
	tcase_add_test(tc, mean_random);
	tcase_add_test(tc, resize_bilinear_random);
	tcase_add_test(tc, resize_bilinear_float_random);
	tcase_add_test(tc, lut_random);
#ifndef NPU_CROSS_KERNELS_ONLY
	tcase_add_test(tc, models_equal_firmware);
#endif
	tcase_set_timeout(tc, 300);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
