// SPDX-License-Identifier: MIT
/*
 * The validator on hand-made bad streams and on thousands of random
 * mutations of a valid one (run under ASan/UBSan: any out-of-bounds read
 * or undefined arithmetic fails the test).  Mutants that still validate
 * are executed over a fake memory so the kernels see hostile-but-valid
 * parameters too.
 */
#include <stdlib.h>

#include "fw_test.h"
#include "fw_vmem.h"

static uint32_t words[1024];

static void conv_cmd(struct npu_conv_params *c)
{
	memset(c, 0, sizeof(*c));
	TENSOR(&c->input, 0x1000, NPU_DTYPE_INT8, 1, 1, 3, 3, 1);
	TENSOR(&c->filter, 0x1100, NPU_DTYPE_INT8, 0, 2, 2, 2, 1);
	TENSOR(&c->output, 0x2000, NPU_DTYPE_INT8, 5, 1, 2, 2, 2);
	c->stride_h = c->stride_w = 2;
	c->dilation_h = c->dilation_w = 1;
	c->rq.count = 2;
	c->rq.flags = NPU_RQ_HAS_BIAS;
	c->rq.bias_addr = 0x1200;
	c->rq.mult_addr = 0x1300;
	c->rq.shift_addr = 0x1400;
	c->act_min = -128;
	c->act_max = 127;
}

/* One command of (almost) every opcode, all small, all within 1 MiB. */
static uint32_t build_all_ops(void)
{
	struct npu_cs_writer w;
	struct npu_conv_params c;
	struct npu_fc_params fc = { 0 };
	struct npu_eltwise_params e = { 0 };
	struct npu_pool_params pl = { 0 };
	struct npu_mean_params mn = { 0 };
	struct npu_pad_params pd = { 0 };
	struct npu_transpose_params tr = { 0 };
	struct npu_concat_params ct = { 0 };
	struct npu_slice_params sl = { 0 };
	struct npu_copy_params cp = { 0 };
	struct npu_lut_params lt = { 0 };
	struct npu_leaky_relu_params lr = { 0 };

	npu_cs_init(&w, words, sizeof(words));
	npu_cs_emit(&w, NPU_CMD_NOP, NULL);
	conv_cmd(&c);
	npu_cs_emit(&w, NPU_CMD_CONV_2D, &c);
	c.depth_multiplier = 2;
	TENSOR(&c.filter, 0x1100, NPU_DTYPE_INT8, 0, 1, 2, 2, 2);
	npu_cs_emit(&w, NPU_CMD_DEPTHWISE_CONV_2D, &c);
	conv_cmd(&c);
	TENSOR(&c.input, 0x1000, NPU_DTYPE_INT16, 0, 1, 2, 2, 1);
	TENSOR(&c.output, 0x2000, NPU_DTYPE_INT16, 0, 1, 4, 4, 2);
	c.act_min = -32768;
	c.act_max = 32767;
	npu_cs_emit(&w, NPU_CMD_TRANSPOSE_CONV, &c);

	TENSOR(&fc.input, 0x1000, NPU_DTYPE_INT8, 0, 2, 4);
	TENSOR(&fc.filter, 0x1100, NPU_DTYPE_INT8, 0, 3, 4);
	TENSOR(&fc.output, 0x2000, NPU_DTYPE_INT8, 0, 2, 3);
	fc.rq.multiplier = 1 << 30;
	fc.act_min = -128;
	fc.act_max = 127;
	npu_cs_emit(&w, NPU_CMD_FULLY_CONNECTED, &fc);

	TENSOR(&e.input1, 0x1000, NPU_DTYPE_INT8, 0, 2, 3);
	TENSOR(&e.input2, 0x1100, NPU_DTYPE_INT8, 0, 1, 3);
	TENSOR(&e.output, 0x2000, NPU_DTYPE_INT8, 0, 2, 3);
	e.left_shift = 20;
	e.input1_multiplier = e.input2_multiplier = 1 << 30;
	e.output_multiplier = 1 << 30;
	e.output_shift = -19;
	e.act_min = -128;
	e.act_max = 127;
	npu_cs_emit(&w, NPU_CMD_ADD, &e);
	npu_cs_emit(&w, NPU_CMD_SUB, &e);
	e.left_shift = 0;
	e.input1_multiplier = e.input2_multiplier = 0;
	npu_cs_emit(&w, NPU_CMD_MUL, &e);

	TENSOR(&pl.input, 0x1000, NPU_DTYPE_INT16, 0, 1, 4, 4, 2);
	TENSOR(&pl.output, 0x2000, NPU_DTYPE_INT16, 0, 1, 2, 2, 2);
	pl.filter_h = pl.filter_w = 2;
	pl.stride_h = pl.stride_w = 2;
	pl.act_min = -32768;
	pl.act_max = 32767;
	npu_cs_emit(&w, NPU_CMD_AVERAGE_POOL_2D, &pl);
	npu_cs_emit(&w, NPU_CMD_MAX_POOL_2D, &pl);

	TENSOR(&mn.input, 0x1000, NPU_DTYPE_INT8, 0, 1, 3, 3, 4);
	TENSOR(&mn.output, 0x2000, NPU_DTYPE_INT8, 0, 1, 1, 1, 4);
	mn.multiplier = 1 << 30;
	mn.axis_mask = 6;
	npu_cs_emit(&w, NPU_CMD_MEAN, &mn);

	TENSOR(&pd.input, 0x1000, NPU_DTYPE_INT8, 0, 2, 2, 3);
	TENSOR(&pd.output, 0x2000, NPU_DTYPE_INT8, 0, 3, 4, 5);
	pd.before[1] = 1;
	pd.before[2] = 2;
	npu_cs_emit(&w, NPU_CMD_PAD, &pd);

	TENSOR(&tr.input, 0x1000, NPU_DTYPE_INT16, 0, 2, 3, 4);
	TENSOR(&tr.output, 0x2000, NPU_DTYPE_INT16, 0, 4, 2, 3);
	tr.perm[0] = 2;
	tr.perm[1] = 0;
	tr.perm[2] = 1;
	npu_cs_emit(&w, NPU_CMD_TRANSPOSE, &tr);

	TENSOR(&ct.input, 0x1000, NPU_DTYPE_INT8, 0, 2, 2);
	TENSOR(&ct.output, 0x2000, NPU_DTYPE_INT8, 0, 2, 5);
	ct.axis = 1;
	ct.offset = 3;
	npu_cs_emit(&w, NPU_CMD_CONCAT, &ct);

	TENSOR(&sl.input, 0x1000, NPU_DTYPE_INT8, 0, 4, 6);
	TENSOR(&sl.output, 0x2000, NPU_DTYPE_INT8, 0, 2, 3);
	sl.begin[0] = 3;
	sl.strides[0] = -2;
	sl.begin[1] = 0;
	sl.strides[1] = 2;
	npu_cs_emit(&w, NPU_CMD_STRIDED_SLICE, &sl);

	TENSOR(&cp.input, 0x1000, NPU_DTYPE_INT8, 0, 2, 6);
	TENSOR(&cp.output, 0x2000, NPU_DTYPE_INT8, 0, 12);
	npu_cs_emit(&w, NPU_CMD_COPY, &cp);

	TENSOR(&lt.input, 0x1000, NPU_DTYPE_INT16, 0, 7);
	TENSOR(&lt.output, 0x2000, NPU_DTYPE_INT16, 0, 7);
	lt.table_addr = 0x3000;
	lt.function = NPU_LUT_TANH;
	npu_cs_emit(&w, NPU_CMD_LUT, &lt);

	TENSOR(&lr.input, 0x1000, NPU_DTYPE_INT8, 3, 5);
	TENSOR(&lr.output, 0x2000, NPU_DTYPE_INT8, -3, 5);
	lr.multiplier_identity = lr.multiplier_alpha = 1 << 30;
	lr.shift_alpha = -3;
	npu_cs_emit(&w, NPU_CMD_LEAKY_RELU, &lr);
	ck_assert_int_eq(w.error, 0);
	return npu_cs_bytes(&w);
}

static int validate(const void *cs, uint32_t size, const char **reason)
{
	struct npu_fw_verror err;
	int r = npu_fw_validate(cs, size, NULL, NULL, &err);

	*reason = err.reason;
	return r;
}

START_TEST(valid_streams)
{
	const char *reason;
	uint32_t size = build_all_ops();

	ck_assert_int_eq(validate(words, size, &reason), 0);
	ck_assert_ptr_null(reason);
}
END_TEST

struct range_log {
	uint64_t va[16], len[16];
	uint32_t access[16], n, reject_at;
};

static int log_range(void *ctx, uint64_t va, uint64_t len, uint32_t access)
{
	struct range_log *l = ctx;

	if (l->n == l->reject_at)
		return -NPU_FW_EFAULT;
	l->va[l->n] = va;
	l->len[l->n] = len;
	l->access[l->n] = access;
	l->n++;
	return 0;
}

/* Features a stream needs: none for the classic ops, SIGMOID_S16's bit once
 * that opcode appears, REDUCE's for MEAN (its meaning changed in firmware
 * 1.3.0); decoding stops at a truncated command. */
START_TEST(stream_features)
{
	struct npu_cs_writer w;
	struct npu_conv_params c;
	struct npu_sigmoid_s16_params sg = { 0 };
	uint32_t size;

	ck_assert_uint_eq(npu_fw_cmd_features(NPU_CMD_CONV_2D), 0);
	ck_assert_uint_eq(npu_fw_cmd_features(NPU_CMD_SIGMOID_S16),
			  NPU_FW_FEAT_SIGMOID_S16);
	ck_assert_uint_eq(npu_fw_cmd_features(NPU_CMD_RELU), NPU_FW_FEAT_RELU);
	ck_assert_uint_eq(npu_fw_cmd_features(NPU_CMD_MEAN), NPU_FW_FEAT_REDUCE);
	ck_assert_uint_eq(npu_fw_stream_features(words, build_all_ops()),
			  NPU_FW_FEAT_REDUCE);

	conv_cmd(&c);
	npu_cs_init(&w, words, sizeof(words));
	npu_cs_emit(&w, NPU_CMD_CONV_2D, &c);
	size = npu_cs_bytes(&w);
	npu_cs_emit(&w, NPU_CMD_SIGMOID_S16, &sg);
	ck_assert_int_eq(w.error, 0);
	ck_assert_uint_eq(npu_fw_stream_features(words, npu_cs_bytes(&w)),
			  NPU_FW_FEAT_SIGMOID_S16);
	/* Cut inside the SIGMOID_S16 command: not counted. */
	ck_assert_uint_eq(npu_fw_stream_features(words, size + 8), 0);
	ck_assert_uint_eq(npu_fw_stream_features(NULL, 64), 0);
}
END_TEST

START_TEST(exact_ranges)
{
	/* CONV_2D: input 3x3x1 int8 = 9 bytes, filter 2x2x2x1 = 8, bias 2 x
	 * int32 = 8, multipliers 8, shifts 8, output 2x2x2 = 8 (written). */
	struct npu_cs_writer w;
	struct npu_conv_params c;
	struct range_log l = { .reject_at = 99 };
	struct npu_fw_verror err;

	conv_cmd(&c);
	npu_cs_init(&w, words, sizeof(words));
	npu_cs_emit(&w, NPU_CMD_CONV_2D, &c);
	ck_assert_int_eq(npu_fw_validate(words, npu_cs_bytes(&w), log_range,
					 &l, &err), 0);
	ck_assert_uint_eq(l.n, 6);
	ck_assert_uint_eq(l.va[0], 0x1000);
	ck_assert_uint_eq(l.len[0], 9);
	ck_assert_uint_eq(l.va[1], 0x1100);
	ck_assert_uint_eq(l.len[1], 8);
	ck_assert_uint_eq(l.va[2], 0x1200);
	ck_assert_uint_eq(l.len[2], 8);
	ck_assert_uint_eq(l.va[3], 0x1300);
	ck_assert_uint_eq(l.va[4], 0x1400);
	ck_assert_uint_eq(l.va[5], 0x2000);
	ck_assert_uint_eq(l.len[5], 8);
	ck_assert_uint_eq(l.access[5], NPU_FW_ACCESS_WRITE);
	ck_assert_uint_eq(l.access[0], NPU_FW_ACCESS_READ);

	/* The kernel's "not in a submitted BO" answer stops validation. */
	l.n = 0;
	l.reject_at = 3;
	ck_assert_int_eq(npu_fw_validate(words, npu_cs_bytes(&w), log_range,
					 &l, &err), -NPU_FW_EFAULT);
	ck_assert_uint_eq(err.cmd_index, 1);
}
END_TEST

/* Builds STREAM + one conv, applies @mutate to the conv, validates. */
static int conv_variant(void (*mutate)(struct npu_conv_params *),
			const char **reason)
{
	struct npu_cs_writer w;
	struct npu_conv_params c;

	conv_cmd(&c);
	mutate(&c);
	npu_cs_init(&w, words, sizeof(words));
	npu_cs_emit(&w, NPU_CMD_CONV_2D, &c);
	return validate(words, npu_cs_bytes(&w), reason);
}

static void m_stride0(struct npu_conv_params *c) { c->stride_h = 0; }
static void m_stride5(struct npu_conv_params *c)
{
	c->stride_w = 5;
	c->output.dims[2] = 1;
}
static void m_misaligned(struct npu_conv_params *c) { c->rq.mult_addr = 0x1302; }
static void m_beyond_va(struct npu_conv_params *c) { c->output.addr = (1u << 30) - 4; }
static void m_dim_beyond_rank(struct npu_conv_params *c) { c->input.dims[4] = 1; }
static void m_huge(struct npu_conv_params *c)
{
	c->input.dims[1] = c->input.dims[2] = c->input.dims[3] = 65535;
}
static void m_bad_type(struct npu_conv_params *c) { c->output.dtype = 99; }
static void m_channels(struct npu_conv_params *c) { c->output.dims[3] = 3; }
static void m_count(struct npu_conv_params *c) { c->rq.count = 5; }
static void m_window(struct npu_conv_params *c) { c->output.dims[1] = 9; }
static void m_reserved(struct npu_conv_params *c) { c->input.encoded_bytes = 1; }
static void m_act(struct npu_conv_params *c) { c->act_min = 100; c->act_max = 0; }

/*
 * A hardware limit comes back structured (what, value, limit), for the
 * compiler to word; structural faults carry text only.
 */
START_TEST(structured_reason)
{
	struct npu_conv_params c;
	struct npu_fw_reason why;

	conv_cmd(&c);
	c.stride_w = 5;
	ck_assert_int_eq(npu_fw_check_cmd(NPU_CMD_CONV_2D, &c, sizeof(c),
					  NPU_FW_CHECK_HW_LIMITS, &why),
			 -NPU_FW_EINVAL);
	ck_assert_str_eq(why.text, "stride exceeds the NPU limit");
	ck_assert_str_eq(why.what, "stride");
	ck_assert_int_eq(why.value, 5);
	ck_assert_int_eq(why.limit, NPU_LIMIT_STRIDE);
	/* Without the flag the stride is only structurally checked. */
	ck_assert_int_eq(npu_fw_check_cmd(NPU_CMD_CONV_2D, &c, sizeof(c), 0,
					  &why), -NPU_FW_EINVAL);
	ck_assert_ptr_null(why.what);
	ck_assert_str_eq(why.text, "output larger than the padded input");
	conv_cmd(&c);
	c.act_min = 100;
	c.act_max = 0;
	ck_assert_int_eq(npu_fw_check_cmd(NPU_CMD_CONV_2D, &c, sizeof(c),
					  NPU_FW_CHECK_HW_LIMITS, &why),
			 -NPU_FW_EINVAL);
	ck_assert_ptr_null(why.what);
	ck_assert_str_eq(why.text, "activation min above max");
}
END_TEST

START_TEST(bad_conv_params)
{
	const char *reason;

	ck_assert_int_eq(conv_variant(m_stride0, &reason), -NPU_FW_EINVAL);
	ck_assert_int_eq(conv_variant(m_stride5, &reason), -NPU_FW_EINVAL);
	ck_assert_str_eq(reason, "stride exceeds the NPU limit");
	ck_assert_int_eq(conv_variant(m_misaligned, &reason), -NPU_FW_EINVAL);
	ck_assert_int_eq(conv_variant(m_beyond_va, &reason), -NPU_FW_EINVAL);
	ck_assert_int_eq(conv_variant(m_dim_beyond_rank, &reason), -NPU_FW_EINVAL);
	ck_assert_int_eq(conv_variant(m_huge, &reason), -NPU_FW_EINVAL);
	ck_assert_str_eq(reason, "tensor too large");
	ck_assert_int_eq(conv_variant(m_bad_type, &reason), -NPU_FW_EINVAL);
	ck_assert_int_eq(conv_variant(m_channels, &reason), -NPU_FW_EINVAL);
	ck_assert_int_eq(conv_variant(m_count, &reason), -NPU_FW_EINVAL);
	ck_assert_int_eq(conv_variant(m_window, &reason), -NPU_FW_EINVAL);
	ck_assert_int_eq(conv_variant(m_reserved, &reason), -NPU_FW_EINVAL);
	ck_assert_int_eq(conv_variant(m_act, &reason), -NPU_FW_EINVAL);

	/* Without the hardware limits the stride-5 conv is a valid op (the
	 * CPU path runs it). */
	{
		struct npu_conv_params c;

		conv_cmd(&c);
		m_stride5(&c);
		c.output.dims[2] = 1;
		ck_assert_int_eq(npu_fw_check_op(NPU_CMD_CONV_2D, &c, sizeof(c),
						 0, &reason), 0);
		ck_assert_int_eq(npu_fw_check_op(NPU_CMD_CONV_2D, &c, sizeof(c),
						 NPU_FW_CHECK_HW_LIMITS,
						 &reason), -NPU_FW_EINVAL);
	}
}
END_TEST

START_TEST(bad_framing)
{
	const char *reason;
	uint32_t size = build_all_ops(), hdr, save;
	uint32_t s[8];

	/* empty, unaligned size, NULL */
	ck_assert_int_eq(validate(words, 0, &reason), -NPU_FW_EINVAL);
	ck_assert_int_eq(validate(words, size - 2, &reason), -NPU_FW_EINVAL);
	ck_assert_int_eq(validate(NULL, 8, &reason), -NPU_FW_EINVAL);
	/* truncated: the last command cut short */
	ck_assert_int_eq(validate(words, size - 4, &reason), -NPU_FW_EINVAL);
	ck_assert_str_eq(reason, "truncated command");
	/* unknown opcode */
	save = words[3];
	words[3] = NPU_CS_HDR(NPU_CMD_COUNT, 1);
	ck_assert_int_eq(validate(words, size, &reason), -NPU_FW_EINVAL);
	ck_assert_str_eq(reason, "unknown opcode");
	/* zero-length command */
	words[3] = NPU_CS_HDR(NPU_CMD_NOP, 0);
	ck_assert_int_eq(validate(words, size, &reason), -NPU_FW_EINVAL);
	words[3] = save;

	/* version, missing STREAM, STREAM twice */
	s[0] = NPU_CS_HDR(NPU_CMD_STREAM, 3);
	s[1] = NPU_CS_VERSION + 1;
	s[2] = 0;
	ck_assert_int_eq(validate(s, 12, &reason), -NPU_FW_EINVAL);
	ck_assert_str_eq(reason, "unsupported command-stream version");
	s[1] = NPU_CS_VERSION;
	ck_assert_int_eq(validate(s, 12, &reason), 0);
	s[3] = NPU_CS_HDR(NPU_CMD_STREAM, 3);
	s[4] = NPU_CS_VERSION;
	s[5] = 0;
	ck_assert_int_eq(validate(s, 24, &reason), -NPU_FW_EINVAL);
	ck_assert_int_eq(validate(s + 3, 12, &reason), 0);
	hdr = NPU_CS_HDR(NPU_CMD_NOP, 1);
	ck_assert_int_eq(validate(&hdr, 4, &reason), -NPU_FW_EINVAL);
	ck_assert_str_eq(reason, "stream does not start with STREAM");

	/* longer command: zero extension accepted, non-zero rejected */
	s[3] = NPU_CS_HDR(NPU_CMD_NOP, 3);
	s[4] = 0;
	s[5] = 0;
	ck_assert_int_eq(validate(s, 24, &reason), 0);
	s[5] = 1;
	ck_assert_int_eq(validate(s, 24, &reason), -NPU_FW_EINVAL);
	ck_assert_str_eq(reason, "non-zero extension words");
	/* a command claiming more words than the stream has */
	s[3] = NPU_CS_HDR(NPU_CMD_NOP, 0xffff);
	ck_assert_int_eq(validate(s, 24, &reason), -NPU_FW_EINVAL);
}
END_TEST

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint32_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (uint32_t)(rng_state >> 16);
}

static const uint32_t interesting[] = {
	0, 1, 2, 3, 4, 5, 7, 8, 16, 0x7f, 0x80, 0xff, 0x100, 0x7fff, 0x8000,
	0xffff, 0x10000, 0x7fffffff, 0x80000000u, 0xffffffffu, 0xfffffffeu,
	1u << 30, (1u << 30) - 1, 65535u << 16,
};

START_TEST(fuzz_mutations)
{
	const uint32_t size = build_all_ops(), nwords = size / 4;
	uint32_t *mut = malloc(size + 64), executed = 0, valid = 0, iter;
	struct vmem m = { 0 };
	struct npu_fw_env env;

	ck_assert_ptr_nonnull(mut);
	vmem_map(&m, 0, 16 * 4096, VMEM_R | VMEM_W);
	env = vmem_env(&m);
	for (iter = 0; iter < 6000; iter++) {
		uint32_t n = 1 + rnd() % 4, len = size, k;
		struct npu_fw_cost cost = { 0 };
		struct npu_fw_result res;
		uint8_t *cs;

		memcpy(mut, words, size);
		for (k = 0; k < n; k++) {
			uint32_t wi = rnd() % nwords;

			switch (rnd() % 5) {
			case 0:	/* flip a bit */
				mut[wi] ^= 1u << (rnd() % 32);
				break;
			case 1:	/* interesting word */
				mut[wi] = interesting[rnd() %
					(sizeof(interesting) / 4)];
				break;
			case 2:	/* random byte */
				((uint8_t *)mut)[rnd() % size] = (uint8_t)rnd();
				break;
			case 3:	/* small delta */
				mut[wi] += (rnd() % 5) - 2;
				break;
			default:	/* truncate anywhere */
				len = rnd() % (size + 1);
				break;
			}
		}
		/* Exact-size heap copy: ASan sees any read past the end. */
		cs = malloc(len ? len : 1);
		memcpy(cs, mut, len);
		if (npu_fw_validate(cs, len, NULL, NULL, NULL) == 0) {
			valid++;
			ck_assert_int_eq(npu_fw_estimate_stream(NULL, cs, len,
								&cost), 0);
			/* Run the small ones for real (pages beyond 64 KiB
			 * are unmapped and must fault cleanly). */
			if (cost.sram_peak <= (1u << 20) &&
			    cost.compute_cycles < 1000) {
				vmem_poke(&m, 0xf000, cs, len < 4096 ? len : 4096);
				if (len <= 4096) {
					npu_fw_run(&env, 0xf000, len, &res);
					/* Region addresses need a region
					 * table; this job has none. */
					ck_assert(res.status == NPU_JOB_OK ||
						  res.status ==
						  NPU_JOB_ERR_MMU_FAULT ||
						  (res.status ==
						   NPU_JOB_ERR_BAD_STREAM &&
						   !strcmp(res.reason,
							   "region address in a job without a region table")));
					executed++;
				}
			}
		}
		free(cs);
	}
	ck_assert_uint_eq(m.allocs, m.frees);
	/* The mutations must leave a fair share valid, or the kernels were
	 * not exercised. */
	ck_assert_uint_gt(valid, 100);
	ck_assert_uint_gt(executed, 100);
	free(mut);
	vmem_free(&m);
}
END_TEST

START_TEST(fuzz_random_streams)
{
	uint32_t buf[64], iter, k;

	for (iter = 0; iter < 4000; iter++) {
		uint32_t n = 1 + rnd() % 64;

		for (k = 0; k < n; k++)
			buf[k] = rnd() % 3 ? rnd() :
				 NPU_CS_HDR(rnd() % (NPU_CMD_COUNT + 2),
					    rnd() % 64);
		if (rnd() % 2)
			buf[0] = NPU_CS_HDR(NPU_CMD_STREAM, 3);
		npu_fw_validate(buf, n * 4, NULL, NULL, NULL);
	}
}
END_TEST

Suite *suite_validate(void)
{
	Suite *s = suite_create("validate");
	TCase *tc = tcase_create("streams");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, valid_streams);
	tcase_add_test(tc, exact_ranges);
	tcase_add_test(tc, stream_features);
	tcase_add_test(tc, structured_reason);
	tcase_add_test(tc, bad_conv_params);
	tcase_add_test(tc, bad_framing);
	tcase_add_test(tc, fuzz_mutations);
	tcase_add_test(tc, fuzz_random_streams);
	suite_add_tcase(s, tc);
	return s;
}
