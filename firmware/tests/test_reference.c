// SPDX-License-Identifier: MIT
/*
 * Randomized differential tests: the firmware kernels against plain
 * transliterations of TFLite's reference loops written here, in the
 * tests, independently of the firmware code (including TFLite's
 * scatter-form TRANSPOSE_CONV, which the firmware computes as a gather).
 * Hundreds of random shapes, strides, paddings, dilations, zero points,
 * multipliers and shifts.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "fw_test.h"

static uint64_t rs = 0x243f6a8885a308d3ull;

static uint32_t rnd(void)
{
	rs ^= rs << 13;
	rs ^= rs >> 7;
	rs ^= rs << 17;
	return (uint32_t)(rs >> 32);
}

static int32_t rnd_in(int32_t lo, int32_t hi)
{
	return lo + (int32_t)(rnd() % (uint32_t)(hi - lo + 1));
}

/* ---- TFLite's fixed point, transliterated (gemmlowp) ---- */

static int32_t ref_srdhm(int32_t a, int32_t b)
{
	int overflow = a == b && a == INT32_MIN;
	int64_t ab = (int64_t)a * (int64_t)b;
	int32_t nudge = ab >= 0 ? (1 << 30) : (1 - (1 << 30));
	int32_t high = (int32_t)((ab + nudge) / (1ll << 31));

	return overflow ? INT32_MAX : high;
}

static int32_t ref_rdivpot(int32_t x, int e)
{
	const int32_t mask = (int32_t)((1ll << e) - 1);
	const int32_t rem = x & mask;
	const int32_t thr = (mask >> 1) + (x < 0 ? 1 : 0);

	return (x >> e) + (rem > thr ? 1 : 0);
}

static int32_t ref_mbqm(int32_t x, int32_t m, int shift)
{
	int left = shift > 0 ? shift : 0, right = shift > 0 ? 0 : -shift;

	return ref_rdivpot(ref_srdhm(x * (1 << left), m), right);
}

/*
 * TFLite 2.21's FULLY_CONNECTED reference: one rounding of the 64-bit
 * product with the full multiplier (in 128 bits here, to stay exact).
 */
static int32_t ref_mbqm_fc(int64_t x, int32_t m, int shift)
{
	const int total = 31 - shift;

	return (int32_t)(((__int128)x * m + ((__int128)1 << (total - 1))) >> total);
}

/*
 * The same with NPU_RQ_SCALE_F64: TFLite's (int32_t)round((double)acc *
 * scale), INT32_MIN outside int32 as x86-64; the scale in two words.
 */
static int32_t ref_round_f64(int64_t x, int32_t lo, int32_t hi)
{
	const uint64_t bits = (uint64_t)(uint32_t)hi << 32 | (uint32_t)lo;
	double scale, r;

	memcpy(&scale, &bits, sizeof(scale));
	r = round((double)x * scale);
	return r > -2147483648.0 && r < 2147483648.0 ? (int32_t)r : INT32_MIN;
}

/* A binary64 scale near 2^@lo_exp..2^@hi_exp, as its two words. */
static void rnd_scale_f64(int32_t *lo, int32_t *hi, int lo_exp, int hi_exp)
{
	const double scale = ldexp((double)(float)(0.5 + (rnd() % 1000000) / 2e6),
				   rnd_in(lo_exp, hi_exp)) * (rnd() % 4 ? 1.0 / 3.0 : 1.0);
	uint64_t bits;

	memcpy(&bits, &scale, sizeof(bits));
	*lo = (int32_t)(uint32_t)bits;
	*hi = (int32_t)(uint32_t)(bits >> 32);
}

static int32_t ref_mbqm64(int64_t x, int32_t m, int shift)
{
	int32_t red = m < 0x7fff0000 ? ((m + (1 << 15)) >> 16) : 0x7fff;
	int total = 15 - shift;

	x = x * (int64_t)red + ((int64_t)1 << (total - 1));
	return (int32_t)(x >> total);
}

static int32_t clampi(int32_t v, int32_t lo, int32_t hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

/* Random multiplier in [2^30, 2^31) and shift for a scale below ~1. */
static void rnd_quant(int32_t *m, int32_t *s, int lo, int hi)
{
	*m = (int32_t)((1u << 30) + (rnd() & ((1u << 30) - 1)));
	*s = rnd_in(lo, hi);
}

/* ---- conv family ---- */

struct conv_case {
	struct npu_conv_params p;
	int32_t mult[64], shift[64], bias32[64];
	int64_t bias64[64];
};

static void rnd_conv(struct conv_case *k, uint32_t op, int s16)
{
	struct npu_conv_params *p = &k->p;
	uint32_t n = 1 + rnd() % 2, ih = 1 + rnd() % 9, iw = 1 + rnd() % 9;
	uint32_t kh = 1 + rnd() % 4, kw = 1 + rnd() % 4, ic, oc, kc, dm = 0;
	uint32_t sh = 1 + rnd() % 3, sw = 1 + rnd() % 3;
	uint32_t dh = op == NPU_CMD_TRANSPOSE_CONV ? 1 : 1 + rnd() % 2;
	uint32_t dw = op == NPU_CMD_TRANSPOSE_CONV ? 1 : 1 + rnd() % 2;
	uint32_t eh = (kh - 1) * dh + 1, ew = (kw - 1) * dw + 1, oh, ow, c;
	uint32_t ph, pw;
	uint8_t t = s16 ? NPU_DTYPE_INT16 : NPU_DTYPE_INT8;

	memset(k, 0, sizeof(*k));
	if (op == NPU_CMD_CONV_2D) {
		uint32_t groups = 1 + rnd() % 2;

		kc = 1 + rnd() % 4;
		ic = kc * groups;
		oc = groups * (1 + rnd() % 3);
	} else if (op == NPU_CMD_DEPTHWISE_CONV_2D) {
		ic = 1 + rnd() % 5;
		dm = 1 + rnd() % 3;
		oc = ic * dm;
		kc = oc;
	} else {
		ic = 1 + rnd() % 4;
		oc = 1 + rnd() % 4;
		kc = ic;
	}
	if (op == NPU_CMD_TRANSPOSE_CONV) {
		ph = rnd() % kh;
		pw = rnd() % kw;
		oh = 1 + rnd() % ((ih - 1) * sh + kh);
		ow = 1 + rnd() % ((iw - 1) * sw + kw);
	} else {
		/* SAME or VALID, as TFLite computes them */
		if (rnd() % 2 || ih < eh || iw < ew) {
			oh = (ih + sh - 1) / sh;
			ow = (iw + sw - 1) / sw;
			ph = (uint32_t)(((int32_t)((oh - 1) * sh + eh) - (int32_t)ih) > 0 ?
				((oh - 1) * sh + eh - ih) / 2 : 0);
			pw = (uint32_t)(((int32_t)((ow - 1) * sw + ew) - (int32_t)iw) > 0 ?
				((ow - 1) * sw + ew - iw) / 2 : 0);
		} else {
			oh = (ih - eh) / sh + 1;
			ow = (iw - ew) / sw + 1;
			ph = pw = 0;
		}
	}
	npu_tensor_set(&p->input, 0, t, s16 ? 0 : rnd_in(-128, 127), 4,
		       (const uint32_t[]){ n, ih, iw, ic });
	if (op == NPU_CMD_DEPTHWISE_CONV_2D)
		npu_tensor_set(&p->filter, 0, NPU_DTYPE_INT8, 0, 4,
			       (const uint32_t[]){ 1, kh, kw, oc });
	else
		npu_tensor_set(&p->filter, 0, NPU_DTYPE_INT8, 0, 4,
			       (const uint32_t[]){ oc, kh, kw, kc });
	npu_tensor_set(&p->output, 0, t, s16 ? 0 : rnd_in(-128, 127), 4,
		       (const uint32_t[]){ n, oh, ow, oc });
	p->stride_h = (uint16_t)sh;
	p->stride_w = (uint16_t)sw;
	p->dilation_h = (uint16_t)dh;
	p->dilation_w = (uint16_t)dw;
	p->pad_top = (uint16_t)ph;
	p->pad_left = (uint16_t)pw;
	p->depth_multiplier = (uint16_t)dm;
	p->act_min = s16 ? -32768 : -128;
	p->act_max = s16 ? 32767 : 127;
	if (rnd() % 3 == 0) {
		p->act_min = rnd_in(p->act_min, 0);
		p->act_max = rnd_in(1, p->act_max);
	}
	p->rq.count = rnd() % 2 ? oc : 0;
	p->rq.flags = rnd() % 4 ? NPU_RQ_HAS_BIAS : 0;
	rnd_quant(&p->rq.multiplier, &p->rq.shift, -12, 0);
	for (c = 0; c < oc; c++) {
		rnd_quant(&k->mult[c], &k->shift[c], -12, 1);
		k->bias32[c] = rnd_in(-20000, 20000);
		k->bias64[c] = (int64_t)rnd_in(-2000000, 2000000) * 1000;
	}
	if (s16)
		for (c = 0; c < oc; c++)
			k->shift[c] = rnd_in(-20, 0);
}

#define MAXE 4096

static int32_t in_at(const void *in, int s16, uint32_t i)
{
	return s16 ? ((const int16_t *)in)[i] : ((const int8_t *)in)[i];
}

/* One output of TFLite's ConvPerChannel / DepthwiseConvPerChannel. */
static void ref_conv(uint32_t op, const struct conv_case *k, int s16,
		     const void *in, const int8_t *f, int32_t *out)
{
	const struct npu_conv_params *p = &k->p;
	const int n = (int)p->input.dims[0], ih = (int)p->input.dims[1];
	const int iw = (int)p->input.dims[2], ic = (int)p->input.dims[3];
	const int oh = (int)p->output.dims[1], ow = (int)p->output.dims[2];
	const int oc = (int)p->output.dims[3], kh = (int)p->filter.dims[1];
	const int kw = (int)p->filter.dims[2], kc = (int)p->filter.dims[3];
	const int in_off = -p->input.zero_point;
	int b, y, x, o, fy, fx, c;

	for (b = 0; b < n; b++)
	for (y = 0; y < oh; y++)
	for (x = 0; x < ow; x++)
	for (o = 0; o < oc; o++) {
		int64_t acc = 0;
		int32_t v, m, s;

		for (fy = 0; fy < kh; fy++)
		for (fx = 0; fx < kw; fx++) {
			int iy = y * p->stride_h - p->pad_top + p->dilation_h * fy;
			int ix = x * p->stride_w - p->pad_left + p->dilation_w * fx;

			if (iy < 0 || iy >= ih || ix < 0 || ix >= iw)
				continue;
			if (op == NPU_CMD_DEPTHWISE_CONV_2D) {
				int ch = o / p->depth_multiplier;
				int32_t xv = in_at(in, s16, (uint32_t)(((b * ih + iy) * iw + ix) * ic + ch));

				acc += f[(fy * kw + fx) * oc + o] * (xv + (s16 ? 0 : in_off));
			} else {
				int g = o / (oc / (ic / kc));

				for (c = 0; c < kc; c++) {
					int32_t xv = in_at(in, s16, (uint32_t)(((b * ih + iy) * iw + ix) * ic + g * kc + c));

					acc += f[((o * kh + fy) * kw + fx) * kc + c] *
					       (xv + (s16 ? 0 : in_off));
				}
			}
		}
		m = p->rq.count ? k->mult[o] : p->rq.multiplier;
		s = p->rq.count ? k->shift[o] : p->rq.shift;
		if (s16) {
			if (p->rq.flags)
				acc += k->bias64[o];
			v = clampi(ref_mbqm64(acc, m, s), p->act_min, p->act_max);
		} else {
			if (p->rq.flags)
				acc += k->bias32[o];
			v = ref_mbqm((int32_t)acc, m, s) + p->output.zero_point;
			v = clampi(v, p->act_min, p->act_max);
		}
		out[((b * oh + y) * ow + x) * oc + o] = v;
	}
}

/* TFLite's TransposeConv: scatter into a zeroed accumulator. */
static void ref_tconv(const struct conv_case *k, int s16, const void *in,
		      const int8_t *f, int32_t *out)
{
	const struct npu_conv_params *p = &k->p;
	const int n = (int)p->input.dims[0], ih = (int)p->input.dims[1];
	const int iw = (int)p->input.dims[2], ic = (int)p->input.dims[3];
	const int oh = (int)p->output.dims[1], ow = (int)p->output.dims[2];
	const int oc = (int)p->output.dims[3], kh = (int)p->filter.dims[1];
	const int kw = (int)p->filter.dims[2];
	static int64_t scratch[MAXE];
	int b, y, x, c, fy, fx, o, i;

	memset(scratch, 0, sizeof(scratch));
	for (b = 0; b < n; b++)
	for (y = 0; y < ih; y++)
	for (x = 0; x < iw; x++)
	for (c = 0; c < ic; c++)
	for (fy = 0; fy < kh; fy++)
	for (fx = 0; fx < kw; fx++)
	for (o = 0; o < oc; o++) {
		int oy = y * p->stride_h - p->pad_top + fy;
		int ox = x * p->stride_w - p->pad_left + fx;

		if (oy >= 0 && oy < oh && ox >= 0 && ox < ow)
			scratch[((b * oh + oy) * ow + ox) * oc + o] +=
				(in_at(in, s16, (uint32_t)(((b * ih + y) * iw + x) * ic + c)) -
				 (s16 ? 0 : p->input.zero_point)) *
				f[((o * kh + fy) * kw + fx) * ic + c];
	}
	for (i = 0; i < n * oh * ow * oc; i++) {
		int o2 = i % oc;
		int32_t m = p->rq.count ? k->mult[o2] : p->rq.multiplier;
		int32_t s = p->rq.count ? k->shift[o2] : p->rq.shift;
		int64_t acc = scratch[i];

		if (s16) {
			if (p->rq.flags)
				acc += k->bias64[o2];
			out[i] = clampi(ref_mbqm64(acc, m, s), p->act_min, p->act_max);
		} else {
			if (p->rq.flags)
				acc += k->bias32[o2];
			out[i] = clampi(ref_mbqm((int32_t)acc, m, s) +
					p->output.zero_point, p->act_min, p->act_max);
		}
	}
}

static void conv_family(uint32_t op)
{
	static struct conv_case k;
	static int8_t f[MAXE], in8[MAXE], out8[MAXE];
	static int16_t in16[MAXE], out16[MAXE];
	static int32_t ref[MAXE];
	int iter, done = 0;

	for (iter = 0; done < 300 && iter < 3000; iter++) {
		const int s16 = (int)(rnd() % 2);
		uint64_t ni, nf, no, i;
		const char *why;

		rnd_conv(&k, op, s16);
		ni = npu_tensor_elems(&k.p.input);
		nf = npu_tensor_elems(&k.p.filter);
		no = npu_tensor_elems(&k.p.output);
		if (ni > MAXE || nf > MAXE || no > MAXE)
			continue;
		ck_assert_msg(npu_fw_check_op(op, &k.p, sizeof(k.p), 0, &why) == 0,
			      "iteration %d: %s", iter, why);
		for (i = 0; i < ni; i++) {
			in8[i] = (int8_t)rnd();
			in16[i] = (int16_t)rnd();
		}
		for (i = 0; i < nf; i++)
			f[i] = (int8_t)rnd_in(-127, 127);
		if (op == NPU_CMD_TRANSPOSE_CONV)
			ref_tconv(&k, s16, s16 ? (void *)in16 : (void *)in8, f, ref);
		else
			ref_conv(op, &k, s16, s16 ? (void *)in16 : (void *)in8, f, ref);
		if (s16) {
			const int64_t *bias = k.p.rq.flags ? k.bias64 : NULL;

			if (op == NPU_CMD_CONV_2D)
				npu_op_conv2d_s16(&k.p, in16, f, bias, k.mult, k.shift, out16);
			else if (op == NPU_CMD_DEPTHWISE_CONV_2D)
				npu_op_depthwise_s16(&k.p, in16, f, bias, k.mult, k.shift, out16);
			else
				npu_op_transpose_conv_s16(&k.p, in16, f, bias, k.mult, k.shift, out16);
			for (i = 0; i < no; i++)
				ck_assert_msg(out16[i] == ref[i], "op %u iteration %d element %u: %d != %d",
					      op, iter, (unsigned)i, out16[i], ref[i]);
		} else {
			const int32_t *bias = k.p.rq.flags ? k.bias32 : NULL;

			if (op == NPU_CMD_CONV_2D)
				npu_op_conv2d_s8(&k.p, in8, f, bias, k.mult, k.shift, out8);
			else if (op == NPU_CMD_DEPTHWISE_CONV_2D)
				npu_op_depthwise_s8(&k.p, in8, f, bias, k.mult, k.shift, out8);
			else
				npu_op_transpose_conv_s8(&k.p, in8, f, bias, k.mult, k.shift, out8);
			for (i = 0; i < no; i++)
				ck_assert_msg(out8[i] == ref[i], "op %u iteration %d element %u: %d != %d",
					      op, iter, (unsigned)i, out8[i], ref[i]);
		}
		done++;
	}
	ck_assert_int_ge(done, 300);
}

START_TEST(random_conv2d)
{
	conv_family(NPU_CMD_CONV_2D);
}
END_TEST

START_TEST(random_depthwise)
{
	conv_family(NPU_CMD_DEPTHWISE_CONV_2D);
}
END_TEST

START_TEST(random_transpose_conv)
{
	conv_family(NPU_CMD_TRANSPOSE_CONV);
}
END_TEST

/* ---- elementwise with broadcast (TFLite AddFunc/SubFunc/MulElementwise) ---- */

START_TEST(random_eltwise)
{
	static int16_t a16[MAXE], b16[MAXE], o16[MAXE];
	static int8_t a8[MAXE], b8[MAXE], o8[MAXE];
	int iter;

	for (iter = 0; iter < 400; iter++) {
		struct npu_eltwise_params p = { 0 };
		const uint32_t op = NPU_CMD_ADD + rnd() % 3;
		const int s16 = (int)(rnd() % 2);
		const uint8_t t = s16 ? NPU_DTYPE_INT16 : NPU_DTYPE_INT8;
		uint32_t rank = 1 + rnd() % 4, d1[4], d2[4], d0[4], i;
		uint32_t n0 = 1, n1 = 1, n2 = 1, idx[4];
		const char *why;

		for (i = 0; i < rank; i++) {
			d0[i] = 1 + rnd() % 4;
			d1[i] = rnd() % 3 ? d0[i] : 1;
			d2[i] = rnd() % 3 ? d0[i] : 1;
			n0 *= d0[i];
			n1 *= d1[i];
			n2 *= d2[i];
		}
		npu_tensor_set(&p.input1, 0, t, s16 ? rnd_in(-300, 300) : rnd_in(-128, 127), rank, d1);
		npu_tensor_set(&p.input2, 0, t, s16 ? rnd_in(-300, 300) : rnd_in(-128, 127), rank, d2);
		npu_tensor_set(&p.output, 0, t, s16 ? rnd_in(-300, 300) : rnd_in(-128, 127), rank, d0);
		if (op == NPU_CMD_MUL) {
			rnd_quant(&p.output_multiplier, &p.output_shift, -14, -1);
		} else {
			p.left_shift = s16 ? 15 : 20;
			rnd_quant(&p.input1_multiplier, &p.input1_shift, -3, 0);
			rnd_quant(&p.input2_multiplier, &p.input2_shift, -3, 0);
			rnd_quant(&p.output_multiplier, &p.output_shift,
				  s16 ? -16 : -21, s16 ? -10 : -15);
		}
		p.act_min = s16 ? -32768 : -128;
		p.act_max = s16 ? 32767 : 127;
		ck_assert_msg(npu_fw_check_op(op, &p, sizeof(p), 0, &why) == 0, "%s", why);
		for (i = 0; i < n1; i++) {
			a8[i] = (int8_t)rnd();
			a16[i] = (int16_t)rnd();
		}
		for (i = 0; i < n2; i++) {
			b8[i] = (int8_t)rnd();
			b16[i] = (int16_t)rnd();
		}
		if (s16) {
			if (op == NPU_CMD_ADD)
				npu_op_add_s16(&p, a16, b16, o16);
			else if (op == NPU_CMD_SUB)
				npu_op_sub_s16(&p, a16, b16, o16);
			else
				npu_op_mul_s16(&p, a16, b16, o16);
		} else {
			if (op == NPU_CMD_ADD)
				npu_op_add_s8(&p, a8, b8, o8);
			else if (op == NPU_CMD_SUB)
				npu_op_sub_s8(&p, a8, b8, o8);
			else
				npu_op_mul_s8(&p, a8, b8, o8);
		}
		for (i = 0; i < n0; i++) {
			uint32_t r = i, j, i1 = 0, i2 = 0, s1 = 1, s2 = 1;
			int32_t x, y, v;

			for (j = rank; j-- > 0;) {
				idx[j] = r % d0[j];
				r /= d0[j];
			}
			for (j = rank; j-- > 0;) {
				i1 += (d1[j] == 1 ? 0 : idx[j]) * s1;
				i2 += (d2[j] == 1 ? 0 : idx[j]) * s2;
				s1 *= d1[j];
				s2 *= d2[j];
			}
			x = (s16 ? a16[i1] : a8[i1]) - p.input1.zero_point;
			y = (s16 ? b16[i2] : b8[i2]) - p.input2.zero_point;
			if (op == NPU_CMD_MUL) {
				v = ref_mbqm(x * y, p.output_multiplier, p.output_shift);
			} else {
				int32_t sx = ref_mbqm(x * (1 << p.left_shift), p.input1_multiplier, p.input1_shift);
				int32_t sy = ref_mbqm(y * (1 << p.left_shift), p.input2_multiplier, p.input2_shift);

				v = ref_mbqm(op == NPU_CMD_ADD ? sx + sy : sx - sy,
					     p.output_multiplier, p.output_shift);
			}
			v = clampi(v + p.output.zero_point, p.act_min, p.act_max);
			ck_assert_int_eq(s16 ? o16[i] : o8[i], v);
		}
	}
}
END_TEST

/* ---- pools and FC ---- */

START_TEST(random_pool_fc)
{
	static int8_t in8[MAXE], f[MAXE], o8[MAXE];
	static int16_t in16[MAXE], o16[MAXE];
	static int32_t bias[64], mult[64], shift[64];
	int iter;

	for (iter = 0; iter < 300; iter++) {
		struct npu_pool_params p = { 0 };
		const int s16 = (int)(rnd() % 2), avg = (int)(rnd() % 2);
		const uint8_t t = s16 ? NPU_DTYPE_INT16 : NPU_DTYPE_INT8;
		uint32_t ih = 1 + rnd() % 8, iw = 1 + rnd() % 8, ch = 1 + rnd() % 4;
		uint32_t fh = 1 + rnd() % 4, fw = 1 + rnd() % 4;
		uint32_t sh = 1 + rnd() % 3, sw = 1 + rnd() % 3, oh, ow, i;
		int b, y, x, c;

		oh = (ih + sh - 1) / sh;
		ow = (iw + sw - 1) / sw;
		p.pad_top = (uint16_t)((oh - 1) * sh + fh > ih ? ((oh - 1) * sh + fh - ih) / 2 : 0);
		p.pad_left = (uint16_t)((ow - 1) * sw + fw > iw ? ((ow - 1) * sw + fw - iw) / 2 : 0);
		npu_tensor_set(&p.input, 0, t, 0, 4, (const uint32_t[]){ 2, ih, iw, ch });
		npu_tensor_set(&p.output, 0, t, 0, 4, (const uint32_t[]){ 2, oh, ow, ch });
		p.filter_h = (uint16_t)fh;
		p.filter_w = (uint16_t)fw;
		p.stride_h = (uint16_t)sh;
		p.stride_w = (uint16_t)sw;
		p.act_min = s16 ? -30000 : -120;
		p.act_max = s16 ? 30000 : 120;
		if (npu_fw_check_op(avg ? NPU_CMD_AVERAGE_POOL_2D : NPU_CMD_MAX_POOL_2D,
				    &p, sizeof(p), 0, NULL))
			continue;	/* window outside the input: not a TFLite shape */
		for (i = 0; i < 2 * ih * iw * ch; i++) {
			in8[i] = (int8_t)rnd();
			in16[i] = (int16_t)rnd();
		}
		if (avg && s16)
			npu_op_avg_pool_s16(&p, in16, o16);
		else if (avg)
			npu_op_avg_pool_s8(&p, in8, o8);
		else if (s16)
			npu_op_max_pool_s16(&p, in16, o16);
		else
			npu_op_max_pool_s8(&p, in8, o8);
		for (b = 0; b < 2; b++)
		for (y = 0; y < (int)oh; y++)
		for (x = 0; x < (int)ow; x++)
		for (c = 0; c < (int)ch; c++) {
			int x0 = x * (int)sw - p.pad_left, y0 = y * (int)sh - p.pad_top;
			int fx0 = x0 < 0 ? -x0 : 0, fy0 = y0 < 0 ? -y0 : 0;
			int fx1 = (int)fw < (int)iw - x0 ? (int)fw : (int)iw - x0;
			int fy1 = (int)fh < (int)ih - y0 ? (int)fh : (int)ih - y0;
			int32_t acc = avg ? 0 : (s16 ? -32768 : -128), cnt = 0, v;
			int fy, fx;

			for (fy = fy0; fy < fy1; fy++)
			for (fx = fx0; fx < fx1; fx++) {
				int32_t e = in_at(s16 ? (void *)in16 : (void *)in8, s16,
						  (uint32_t)(((b * (int)ih + y0 + fy) * (int)iw + x0 + fx) * (int)ch + c));

				if (avg)
					acc += e;
				else if (e > acc)
					acc = e;
				cnt++;
			}
			if (avg)
				acc = acc > 0 ? (acc + cnt / 2) / cnt : (acc - cnt / 2) / cnt;
			v = clampi(acc, p.act_min, p.act_max);
			i = (uint32_t)(((b * (int)oh + y) * (int)ow + x) * (int)ch + c);
			ck_assert_int_eq(s16 ? o16[i] : o8[i], v);
		}
	}

	for (iter = 0; iter < 300; iter++) {
		struct npu_fc_params p = { 0 };
		const int s16 = (int)(rnd() % 2), f64 = iter % 2;
		const uint8_t t = s16 ? NPU_DTYPE_INT16 : NPU_DTYPE_INT8;
		uint32_t nb = 1 + rnd() % 3, depth = 1 + rnd() % 40, units = 1 + rnd() % 20, i;
		static int64_t bias64[64];
		uint32_t bb, u, d;

		npu_tensor_set(&p.input, 0, t, s16 ? 0 : rnd_in(-128, 127), 2,
			       (const uint32_t[]){ nb, depth });
		npu_tensor_set(&p.filter, 0, NPU_DTYPE_INT8, rnd_in(-5, 5), 2,
			       (const uint32_t[]){ units, depth });
		npu_tensor_set(&p.output, 0, t, s16 ? 0 : rnd_in(-128, 127), 2,
			       (const uint32_t[]){ nb, units });
		p.rq.count = rnd() % 2 ? units : 0;
		p.rq.flags = NPU_RQ_HAS_BIAS | (f64 ? NPU_RQ_SCALE_F64 : 0);
		if (f64)
			rnd_scale_f64(&p.rq.multiplier, &p.rq.shift, -12, 0);
		else
			rnd_quant(&p.rq.multiplier, &p.rq.shift, -12, 0);
		p.act_min = s16 ? -32768 : -128;
		p.act_max = s16 ? 32767 : 127;
		ck_assert_int_eq(npu_fw_check_op(NPU_CMD_FULLY_CONNECTED, &p, sizeof(p), 0, NULL), 0);
		for (i = 0; i < units; i++) {
			if (f64)
				rnd_scale_f64(&mult[i], &shift[i], -12, 0);
			else
				rnd_quant(&mult[i], &shift[i], -12, 0);
			bias[i] = rnd_in(-5000, 5000);
			bias64[i] = rnd_in(-5000000, 5000000);
		}
		for (i = 0; i < nb * depth; i++) {
			in8[i] = (int8_t)rnd();
			in16[i] = (int16_t)rnd();
		}
		for (i = 0; i < units * depth; i++)
			f[i] = (int8_t)rnd();
		if (s16)
			npu_op_fc_s16(&p, in16, f, bias64, mult, shift, o16);
		else
			npu_op_fc_s8(&p, in8, f, bias, mult, shift, o8);
		for (bb = 0; bb < nb; bb++)
		for (u = 0; u < units; u++) {
			int64_t acc = 0;
			int32_t m = p.rq.count ? mult[u] : p.rq.multiplier;
			int32_t s = p.rq.count ? shift[u] : p.rq.shift, v;

			for (d = 0; d < depth; d++)
				acc += (int64_t)(f[u * depth + d] - p.filter.zero_point) *
				       ((s16 ? in16[bb * depth + d] : in8[bb * depth + d]) -
					p.input.zero_point);
			if (s16)
				v = clampi(f64 ? ref_round_f64(acc + bias64[u], m, s) :
					   ref_mbqm_fc(acc + bias64[u], m, s), -32768, 32767);
			else
				v = clampi((f64 ? ref_round_f64((int32_t)(acc + bias[u]), m, s) :
					    ref_mbqm_fc((int32_t)(acc + bias[u]), m, s)) +
					   p.output.zero_point, -128, 127);
			ck_assert_int_eq(s16 ? o16[bb * units + u] : o8[bb * units + u], v);
		}
	}
}
END_TEST

Suite *suite_reference(void)
{
	Suite *s = suite_create("reference");
	TCase *tc = tcase_create("random");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, random_conv2d);
	tcase_add_test(tc, random_depthwise);
	tcase_add_test(tc, random_transpose_conv);
	tcase_add_test(tc, random_eltwise);
	tcase_add_test(tc, random_pool_fc);
	suite_add_tcase(s, tc);
	return s;
}
