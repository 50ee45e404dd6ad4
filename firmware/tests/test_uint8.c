// SPDX-License-Identifier: MIT
/*
 * uint8 (legacy asymmetric) kernels: small cases worked out by hand, the
 * identity with the int8 kernels on sign-flipped data (x_u8 - zp =
 * (x_u8 ^ 0x80) - (zp - 128)) where int8 has an equivalent, the checks of
 * the filter offset and of the requantizing CONCATENATION, and the feature
 * bit a uint8 stream needs.
 */
#include <stdlib.h>

#include "fw_test.h"
#include "fw_vmem.h"

#define CHECK_OK(op, p) \
	ck_assert_int_eq(npu_fw_check_op((op), (p), sizeof(*(p)), \
					 NPU_FW_CHECK_HW_LIMITS, NULL), 0)

static int check_why(uint32_t op, const void *p, uint32_t size,
		     const char **why)
{
	return npu_fw_check_op(op, p, size, NPU_FW_CHECK_HW_LIMITS, why);
}

static void conv_u8(struct npu_conv_params *c, int32_t in_zp, int32_t f_zp,
		    int32_t out_zp)
{
	memset(c, 0, sizeof(*c));
	TENSOR(&c->input, 0, NPU_DTYPE_UINT8, in_zp, 1, 2, 2, 1);
	TENSOR(&c->filter, 0, NPU_DTYPE_UINT8, f_zp, 1, 2, 2, 1);
	TENSOR(&c->output, 0, NPU_DTYPE_UINT8, out_zp, 1, 1, 1, 1);
	c->stride_h = c->stride_w = 1;
	c->dilation_h = c->dilation_w = 1;
	c->rq.multiplier = 1 << 30;	/* * 0.5 */
	c->rq.shift = 0;
	c->rq.flags = NPU_RQ_HAS_BIAS;
	c->act_min = 0;
	c->act_max = 255;
}

START_TEST(conv2d_u8_filter_offset)
{
	/*
	 * input 2x2 {130, 140, 120, 110}, zp 128 -> {2, 12, -8, -18};
	 * filter {200, 100, 150, 0}, zp 100 -> {100, 0, 50, -100};
	 * acc = 200 + 0 - 400 + 1800 = 1600, bias 11 -> 1611;
	 * * 0.5 = 805.5 -> 806 (round half away); + out zp 7 = 813 -> 255.
	 * With out zp -: a negative case: bias -2000 -> -400 * 0.5 = -200,
	 * + 7 -> -193 -> 0.  Out zp 200, bias -1000: 600 * 0.5 = 300 + 200
	 * -> 255; bias -1500: 100 * 0.5 = 50 + 200 = 250.
	 */
	const uint8_t in[4] = { 130, 140, 120, 110 };
	const uint8_t w[4] = { 200, 100, 150, 0 };
	const int32_t b1[1] = { 11 }, b2[1] = { -2000 }, b3[1] = { -1500 };
	struct npu_conv_params c;
	uint8_t out[1];

	conv_u8(&c, 128, 100, 7);
	CHECK_OK(NPU_CMD_CONV_2D, &c);
	npu_op_conv2d_u8(&c, in, w, b1, NULL, NULL, out);
	ck_assert_uint_eq(out[0], 255);
	npu_op_conv2d_u8(&c, in, w, b2, NULL, NULL, out);
	ck_assert_uint_eq(out[0], 0);
	conv_u8(&c, 128, 100, 200);
	npu_op_conv2d_u8(&c, in, w, b3, NULL, NULL, out);
	ck_assert_uint_eq(out[0], 250);
	/* The fused activation's clamp is within uint8. */
	c.act_min = 10;
	c.act_max = 240;
	CHECK_OK(NPU_CMD_CONV_2D, &c);
	npu_op_conv2d_u8(&c, in, w, b3, NULL, NULL, out);
	ck_assert_uint_eq(out[0], 240);
	/* The same filter as a 1x1 FULLY_CONNECTED of depth 4. */
	{
		struct npu_fc_params f = { 0 };

		TENSOR(&f.input, 0, NPU_DTYPE_UINT8, 128, 1, 4);
		TENSOR(&f.filter, 0, NPU_DTYPE_UINT8, 100, 1, 4);
		TENSOR(&f.output, 0, NPU_DTYPE_UINT8, 200, 1, 1);
		f.rq.multiplier = 1 << 30;
		f.rq.flags = NPU_RQ_HAS_BIAS;
		f.act_min = 0;
		f.act_max = 255;
		CHECK_OK(NPU_CMD_FULLY_CONNECTED, &f);
		npu_op_fc_u8(&f, in, w, b3, NULL, NULL, out);
		ck_assert_uint_eq(out[0], 250);
	}
}
END_TEST

START_TEST(conv_checks_u8)
{
	struct npu_conv_params c;
	const char *why;

	/* Any uint8 filter zero point is the filter offset. */
	conv_u8(&c, 0, 255, 0);
	CHECK_OK(NPU_CMD_CONV_2D, &c);
	c.depth_multiplier = 1;
	CHECK_OK(NPU_CMD_DEPTHWISE_CONV_2D, &c);
	c.depth_multiplier = 0;
	/* ... but an int8 filter still needs zero point 0. */
	c.input.dtype = c.output.dtype = NPU_DTYPE_INT8;
	c.filter.dtype = NPU_DTYPE_INT8;
	c.filter.zero_point = 5;
	c.act_max = 127;
	ck_assert_int_ne(check_why(NPU_CMD_CONV_2D, &c, sizeof(c), &why), 0);
	ck_assert_str_eq(why, "filter zero point not 0");
	/* Mixed types are refused. */
	conv_u8(&c, 0, 3, 0);
	c.filter.dtype = NPU_DTYPE_INT8;
	c.filter.zero_point = 0;
	ck_assert_int_ne(check_why(NPU_CMD_CONV_2D, &c, sizeof(c), &why), 0);
	ck_assert_str_eq(why, "uint8 input needs uint8 weights");
	conv_u8(&c, 0, 3, 0);
	c.input.dtype = c.output.dtype = NPU_DTYPE_INT8;
	c.act_max = 127;
	ck_assert_int_ne(check_why(NPU_CMD_CONV_2D, &c, sizeof(c), &why), 0);
	ck_assert_str_eq(why, "int8 and int16 inputs need int8 weights");
	conv_u8(&c, 0, 3, 0);
	c.output.dtype = NPU_DTYPE_INT8;
	ck_assert_int_ne(check_why(NPU_CMD_CONV_2D, &c, sizeof(c), &why), 0);
	/* Zero points and clamps inside uint8. */
	conv_u8(&c, 256, 3, 0);
	ck_assert_int_ne(check_why(NPU_CMD_CONV_2D, &c, sizeof(c), &why), 0);
	ck_assert_str_eq(why, "zero point out of range");
	conv_u8(&c, 0, -1, 0);
	ck_assert_int_ne(check_why(NPU_CMD_CONV_2D, &c, sizeof(c), &why), 0);
	conv_u8(&c, 0, 3, 0);
	c.act_min = -1;
	ck_assert_int_ne(check_why(NPU_CMD_CONV_2D, &c, sizeof(c), &why), 0);
	ck_assert_str_eq(why, "activation range outside uint8");
	conv_u8(&c, 0, 3, 0);
	c.act_max = 256;
	ck_assert_int_ne(check_why(NPU_CMD_CONV_2D, &c, sizeof(c), &why), 0);
}
END_TEST

/* Deterministic xorshift, so a failure reproduces. */
static uint32_t rnd(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

static void fill(uint8_t *p, size_t n, uint32_t *s)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (uint8_t)rnd(s);
}

static void flip(const uint8_t *u, int8_t *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		s[i] = (int8_t)(u[i] ^ 0x80);
}

/*
 * With the uint8 filter's zero point 128 (an int8 filter offset of 0), the
 * uint8 convolutions must equal the int8 ones on sign-flipped data with
 * every zero point shifted by -128: random shapes, strides, dilations,
 * paddings, multipliers and biases.
 */
START_TEST(u8_equals_flipped_s8)
{
	uint32_t seed = 0x5eed1234u;

	for (int iter = 0; iter < 300; iter++) {
		const bool dw = iter & 1;
		const uint32_t ic = 1 + rnd(&seed) % 5, dm = dw ? 1 + rnd(&seed) % 2 : 0;
		const uint32_t oc = dw ? ic * dm : 1 + rnd(&seed) % 6;
		const uint32_t k = 1 + rnd(&seed) % 3, dil = 1 + rnd(&seed) % 2;
		const uint32_t stride = 1 + rnd(&seed) % 2;
		const uint32_t ih = 3 + rnd(&seed) % 5, iw = 3 + rnd(&seed) % 5;
		const uint32_t ext = (k - 1) * dil + 1;
		const uint32_t pad = rnd(&seed) % ext;
		uint32_t oh, ow;
		struct npu_conv_params u = { 0 }, s;
		uint8_t in[8 * 8 * 5], w[6 * 3 * 3 * 10], out_u[8 * 8 * 10];
		int8_t ins[sizeof(in)], ws[sizeof(w)], out_s[sizeof(out_u)];
		int32_t bias[10], mult[10], shift[10];
		const int32_t in_zp = (int32_t)(rnd(&seed) % 256);
		const int32_t out_zp = (int32_t)(rnd(&seed) % 256);

		if (ih + pad < ext || iw + pad < ext)
			continue;
		oh = (ih + pad - ext) / stride + 1;
		ow = (iw + pad - ext) / stride + 1;
		TENSOR(&u.input, 0, NPU_DTYPE_UINT8, in_zp, 1, ih, iw, ic);
		if (dw)
			TENSOR(&u.filter, 0, NPU_DTYPE_UINT8, 128, 1, k, k, oc);
		else
			TENSOR(&u.filter, 0, NPU_DTYPE_UINT8, 128, oc, k, k, ic);
		TENSOR(&u.output, 0, NPU_DTYPE_UINT8, out_zp, 1, oh, ow, oc);
		u.stride_h = u.stride_w = (uint16_t)stride;
		u.dilation_h = u.dilation_w = (uint16_t)dil;
		u.pad_top = u.pad_left = (uint16_t)pad;
		u.depth_multiplier = (uint16_t)dm;
		u.rq.count = oc;
		u.rq.flags = NPU_RQ_HAS_BIAS;
		u.act_min = (int32_t)(rnd(&seed) % 64);
		u.act_max = 255 - (int32_t)(rnd(&seed) % 64);
		for (uint32_t c = 0; c < oc; c++) {
			bias[c] = (int32_t)(rnd(&seed) % 20001) - 10000;
			mult[c] = (int32_t)(rnd(&seed) & 0x7fffffff);
			shift[c] = (int32_t)(rnd(&seed) % 12) - 10;
		}
		fill(in, sizeof(in), &seed);
		fill(w, sizeof(w), &seed);
		CHECK_OK(dw ? NPU_CMD_DEPTHWISE_CONV_2D : NPU_CMD_CONV_2D, &u);

		s = u;
		s.input.dtype = s.filter.dtype = s.output.dtype = NPU_DTYPE_INT8;
		s.input.zero_point = in_zp - 128;
		s.filter.zero_point = 0;
		s.output.zero_point = out_zp - 128;
		s.act_min = u.act_min - 128;
		s.act_max = u.act_max - 128;
		CHECK_OK(dw ? NPU_CMD_DEPTHWISE_CONV_2D : NPU_CMD_CONV_2D, &s);
		flip(in, ins, sizeof(in));
		flip(w, ws, sizeof(w));
		if (dw) {
			npu_op_depthwise_u8(&u, in, w, bias, mult, shift, out_u);
			npu_op_depthwise_s8(&s, ins, ws, bias, mult, shift, out_s);
		} else {
			npu_op_conv2d_u8(&u, in, w, bias, mult, shift, out_u);
			npu_op_conv2d_s8(&s, ins, ws, bias, mult, shift, out_s);
		}
		for (uint32_t i = 0; i < oh * ow * oc; i++)
			ck_assert_uint_eq(out_u[i], (uint8_t)(out_s[i] ^ 0x80));
	}
}
END_TEST

START_TEST(eltwise_u8_equals_flipped_s8)
{
	uint32_t seed = 77;

	for (int iter = 0; iter < 200; iter++) {
		struct npu_eltwise_params u = { 0 }, s;
		uint8_t a[24], b[24], ou[24];
		int8_t as[24], bs[24], os[24];
		const uint32_t op = iter % 3 == 0 ? NPU_CMD_ADD :
				    iter % 3 == 1 ? NPU_CMD_SUB : NPU_CMD_MUL;

		TENSOR(&u.input1, 0, NPU_DTYPE_UINT8, (int32_t)(rnd(&seed) % 256), 2, 3, 4);
		TENSOR(&u.input2, 0, NPU_DTYPE_UINT8, (int32_t)(rnd(&seed) % 256), 1, 3, 1);
		TENSOR(&u.output, 0, NPU_DTYPE_UINT8, (int32_t)(rnd(&seed) % 256), 2, 3, 4);
		if (op == NPU_CMD_MUL) {
			ck_assert_int_eq(npu_host_mul_params(0.02f, 0.03f, 0.05f, &u), 0);
		} else {
			ck_assert_int_eq(npu_host_add_sub_params(0.02f, 0.03f, 0.05f,
								 NPU_DTYPE_UINT8, &u), 0);
		}
		u.act_min = 0;
		u.act_max = 255;
		CHECK_OK(op, &u);
		s = u;
		s.input1.dtype = s.input2.dtype = s.output.dtype = NPU_DTYPE_INT8;
		s.input1.zero_point -= 128;
		s.input2.zero_point -= 128;
		s.output.zero_point -= 128;
		s.act_min = -128;
		s.act_max = 127;
		fill(a, sizeof(a), &seed);
		fill(b, sizeof(b), &seed);
		flip(a, as, sizeof(a));
		flip(b, bs, sizeof(b));
		if (op == NPU_CMD_ADD) {
			npu_op_add_u8(&u, a, b, ou);
			npu_op_add_s8(&s, as, bs, os);
		} else if (op == NPU_CMD_SUB) {
			npu_op_sub_u8(&u, a, b, ou);
			npu_op_sub_s8(&s, as, bs, os);
		} else {
			npu_op_mul_u8(&u, a, b, ou);
			npu_op_mul_s8(&s, as, bs, os);
		}
		for (int i = 0; i < 24; i++)
			ck_assert_uint_eq(ou[i], (uint8_t)(os[i] ^ 0x80));
	}
}
END_TEST

START_TEST(pool_u8_rounding)
{
	/*
	 * uint8 AVERAGE_POOL rounds (sum + n/2) / n on non-negative sums:
	 * {0, 1} -> (1 + 1) / 2 = 1 and {2, 3, 3, 3} -> (11 + 2) / 4 = 3.
	 * The int8 kernel on the flipped values {-128, -127} rounds half away
	 * from zero, -255 -> -128, which is uint8 0: why uint8 is its own
	 * dtype rather than int8 with shifted zero points.
	 */
	const uint8_t in1[2] = { 0, 1 }, in2[4] = { 2, 3, 3, 3 };
	const int8_t in1s[2] = { -128, -127 };
	struct npu_pool_params p = { 0 };
	uint8_t out;
	int8_t outs;

	TENSOR(&p.input, 0, NPU_DTYPE_UINT8, 0, 1, 1, 2, 1);
	TENSOR(&p.output, 0, NPU_DTYPE_UINT8, 0, 1, 1, 1, 1);
	p.filter_h = 1;
	p.filter_w = 2;
	p.stride_h = p.stride_w = 1;
	p.act_min = 0;
	p.act_max = 255;
	CHECK_OK(NPU_CMD_AVERAGE_POOL_2D, &p);
	npu_op_avg_pool_u8(&p, in1, &out);
	ck_assert_uint_eq(out, 1);
	p.input.dtype = p.output.dtype = NPU_DTYPE_INT8;
	p.input.zero_point = p.output.zero_point = -128;
	p.act_min = -128;
	p.act_max = 127;
	npu_op_avg_pool_s8(&p, in1s, &outs);
	ck_assert_int_eq(outs, -128);

	TENSOR(&p.input, 0, NPU_DTYPE_UINT8, 0, 1, 2, 2, 1);
	TENSOR(&p.output, 0, NPU_DTYPE_UINT8, 0, 1, 1, 1, 1);
	p.filter_h = p.filter_w = 2;
	p.act_min = 0;
	p.act_max = 255;
	npu_op_avg_pool_u8(&p, in2, &out);
	ck_assert_uint_eq(out, 3);
	npu_op_max_pool_u8(&p, in2, &out);
	ck_assert_uint_eq(out, 3);
	/* MAX_POOL's clamp. */
	p.act_min = 10;
	CHECK_OK(NPU_CMD_MAX_POOL_2D, &p);
	npu_op_max_pool_u8(&p, in2, &out);
	ck_assert_uint_eq(out, 10);
}
END_TEST

START_TEST(lut_and_concat_u8)
{
	uint8_t table[256], in[6] = { 0, 1, 200, 255, 7, 9 }, out[9];
	struct npu_lut_params l = { 0 };
	struct npu_concat_params c = { 0 };
	const char *why;

	for (int i = 0; i < 256; i++)
		table[i] = (uint8_t)(255 - i);
	TENSOR(&l.input, 0, NPU_DTYPE_UINT8, 3, 2, 3);
	TENSOR(&l.output, 0, NPU_DTYPE_UINT8, 0, 2, 3);
	l.function = NPU_LUT_LOGISTIC;
	CHECK_OK(NPU_CMD_LUT, &l);
	npu_op_lut_u8(&l, in, table, out);
	ck_assert_uint_eq(out[0], 255);
	ck_assert_uint_eq(out[2], 55);
	ck_assert_uint_eq(out[3], 0);

	/* Input [2, 3] through the table into columns 0..2 of a [2, 4]
	 * output (zero points may differ with a table); column 3 untouched. */
	memset(out, 0xaa, sizeof(out));
	TENSOR(&c.input, 0, NPU_DTYPE_UINT8, 3, 2, 3);
	TENSOR(&c.output, 0, NPU_DTYPE_UINT8, 9, 2, 4);
	c.axis = 1;
	c.flags = NPU_CONCAT_TABLE;
	CHECK_OK(NPU_CMD_CONCAT, &c);
	npu_op_concat(&c, in, table, out);
	ck_assert_uint_eq(out[0], 255);
	ck_assert_uint_eq(out[1], 254);
	ck_assert_uint_eq(out[2], 55);
	ck_assert_uint_eq(out[3], 0xaa);
	ck_assert_uint_eq(out[4], 0);
	ck_assert_uint_eq(out[6], 246);
	ck_assert_uint_eq(out[7], 0xaa);
	/* Without the table the zero points must agree. */
	c.flags = 0;
	ck_assert_int_ne(check_why(NPU_CMD_CONCAT, &c, sizeof(c), &why), 0);
	c.output.zero_point = 3;
	CHECK_OK(NPU_CMD_CONCAT, &c);
	/* A table address without the flag, unknown flags, 2-byte types. */
	c.table_addr = 0x1000;
	ck_assert_int_ne(check_why(NPU_CMD_CONCAT, &c, sizeof(c), &why), 0);
	ck_assert_str_eq(why, "table address without the table flag");
	c.table_addr = 0;
	c.flags = 2;
	ck_assert_int_ne(check_why(NPU_CMD_CONCAT, &c, sizeof(c), &why), 0);
	c.flags = NPU_CONCAT_TABLE;
	c.input.dtype = c.output.dtype = NPU_DTYPE_INT16;
	ck_assert_int_ne(check_why(NPU_CMD_CONCAT, &c, sizeof(c), &why), 0);
}
END_TEST

static void valid(const uint32_t *words, uint32_t size)
{
	struct npu_fw_verror e;
	int r = npu_fw_validate(words, size, NULL, NULL, &e);

	ck_assert_msg(r == 0, "command %u: %s", e.cmd_index, e.reason);
}

/*
 * The feature bit: a stream with uint8 arithmetic or a requantizing
 * CONCATENATION needs NPU_FW_FEAT_UINT8; uint8 data movement and a plain
 * CONCATENATION do not (older firmware ran them).  A CONCATENATION written
 * at its pre-1.3 size still decodes.
 */
START_TEST(uint8_feature)
{
	uint32_t words[256];
	struct npu_cs_writer w;
	struct npu_conv_params c;
	struct npu_concat_params cc = { 0 };
	struct npu_copy_params cp = { 0 };
	uint32_t hdr[1 + 22];

	conv_u8(&c, 0, 1, 0);
	npu_cs_init(&w, words, sizeof(words));
	TENSOR(&cp.input, 0, NPU_DTYPE_UINT8, 0, 4);
	TENSOR(&cp.output, 0, NPU_DTYPE_UINT8, 0, 4);
	npu_cs_emit(&w, NPU_CMD_COPY, &cp);
	TENSOR(&cc.input, 0, NPU_DTYPE_UINT8, 0, 1, 2);
	TENSOR(&cc.output, 0, NPU_DTYPE_UINT8, 0, 1, 4);
	cc.axis = 1;
	npu_cs_emit(&w, NPU_CMD_CONCAT, &cc);
	ck_assert_int_eq(w.error, 0);
	ck_assert_uint_eq(npu_fw_stream_features(words, npu_cs_bytes(&w)), 0);
	valid(words, npu_cs_bytes(&w));
	cc.flags = NPU_CONCAT_TABLE;
	cc.table_addr = 0x2000;
	npu_cs_emit(&w, NPU_CMD_CONCAT, &cc);
	ck_assert_uint_eq(npu_fw_stream_features(words, npu_cs_bytes(&w)),
			  NPU_FW_FEAT_UINT8);
	npu_cs_init(&w, words, sizeof(words));
	npu_cs_emit(&w, NPU_CMD_CONV_2D, &c);
	ck_assert_uint_eq(npu_fw_stream_features(words, npu_cs_bytes(&w)),
			  NPU_FW_FEAT_UINT8);
	valid(words, npu_cs_bytes(&w));

	/* CONCATENATION as firmware 1.2 wrote it: 88 bytes of parameters. */
	cc.flags = 0;
	cc.table_addr = 0;
	hdr[0] = NPU_CS_HDR(NPU_CMD_CONCAT, 1 + 22);
	memcpy(&hdr[1], &cc, 88);
	npu_cs_init(&w, words, sizeof(words));
	memcpy((uint8_t *)words + npu_cs_bytes(&w), hdr, sizeof(hdr));
	valid(words, npu_cs_bytes(&w) + sizeof(hdr));
}
END_TEST

/*
 * Through the command processor (which writes a CONCATENATION's slice
 * itself): a uint8 [2,1] {1, 2} requantized by the table v -> 2v + 1 and
 * a plain [2,2] {3, 4, 5, 6} into [2,3] pre-filled with 0x55 give
 * {3,3,4, 5,5,6}, neighbours intact; the same stream's features.
 */
START_TEST(run_concat_table)
{
	static const uint8_t a[2] = { 1, 2 }, b[4] = { 3, 4, 5, 6 };
	static const uint8_t expect[8] = { 0x55, 3, 3, 4, 5, 5, 6, 0x55 };
	static uint32_t cs[256];
	struct vmem m = { 0 };
	struct npu_fw_env env = vmem_env(&m);
	struct npu_fw_result res;
	struct npu_concat_params p = { 0 };
	struct npu_cs_writer w;
	uint8_t table[256], fill[16], out[8];

	for (int i = 0; i < 256; i++)
		table[i] = (uint8_t)(2 * i + 1);
	npu_cs_init(&w, cs, sizeof(cs));
	TENSOR(&p.input, 0x1000, NPU_DTYPE_UINT8, 9, 2, 1);
	TENSOR(&p.output, 0x2001, NPU_DTYPE_UINT8, 0, 2, 3);
	p.axis = 1;
	p.flags = NPU_CONCAT_TABLE;
	p.table_addr = 0x1100;
	npu_cs_emit(&w, NPU_CMD_CONCAT, &p);
	TENSOR(&p.input, 0x1010, NPU_DTYPE_UINT8, 0, 2, 2);
	p.offset = 1;
	p.flags = 0;
	p.table_addr = 0;
	npu_cs_emit(&w, NPU_CMD_CONCAT, &p);
	ck_assert_int_eq(w.error, 0);
	ck_assert_uint_eq(npu_fw_stream_features(cs, npu_cs_bytes(&w)),
			  NPU_FW_FEAT_UINT8);

	memset(fill, 0x55, sizeof(fill));
	vmem_map(&m, 0, 3 * 4096, VMEM_R | VMEM_W);
	vmem_poke(&m, 0, cs, npu_cs_bytes(&w));
	vmem_poke(&m, 0x1000, a, 2);
	vmem_poke(&m, 0x1010, b, 4);
	vmem_poke(&m, 0x1100, table, 256);
	vmem_poke(&m, 0x2000, fill, sizeof(fill));
	ck_assert_int_eq(npu_fw_run(&env, 0, npu_cs_bytes(&w), &res), 0);
	vmem_peek(&m, 0x2000, out, 8);
	ck_assert_mem_eq(out, expect, 8);
	vmem_free(&m);
}
END_TEST

Suite *suite_uint8(void)
{
	Suite *s = suite_create("uint8");
	TCase *tc = tcase_create("uint8");

	tcase_add_test(tc, conv2d_u8_filter_offset);
	tcase_add_test(tc, conv_checks_u8);
	tcase_add_test(tc, u8_equals_flipped_s8);
	tcase_add_test(tc, eltwise_u8_equals_flipped_s8);
	tcase_add_test(tc, pool_u8_rounding);
	tcase_add_test(tc, lut_and_concat_u8);
	tcase_add_test(tc, uint8_feature);
	tcase_add_test(tc, run_concat_table);
	suite_add_tcase(s, tc);
	return s;
}
