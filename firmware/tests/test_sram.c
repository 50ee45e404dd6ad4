// SPDX-License-Identifier: MIT
/*
 * The SRAM window and NPU_CMD_DMA: stripes in and out with strides, compute
 * commands on SRAM operands equal to the DRAM path, the validator's
 * rejections (never executed), the feature bit and the DMA/compute
 * schedule of the cycle model.
 */
#include "fw_test.h"
#include "fw_vmem.h"

#define VA_CS		0x0000u
#define VA_A		0x1000u
#define VA_B		0x2000u
#define VA_W		0x3000u
#define VA_OUT		0x4000u
#define SRAM(off)	(NPU_SRAM_VA + (off))

static uint32_t cs_buf[1024];

static void dma(struct npu_cs_writer *w, uint64_t src, uint64_t dst,
		uint32_t e0, uint32_t e1, uint32_t e2, uint32_t run,
		uint32_t s0, uint32_t s1, uint32_t s2)
{
	struct npu_dma_params p = {
		.src = src, .dst = dst, .extent = { e0, e1, e2, run },
		.stride = { s0, s1, s2 },
	};

	npu_cs_emit(w, NPU_CMD_DMA, &p);
}

static void copy(struct npu_cs_writer *w, uint64_t src, uint64_t dst,
		 uint32_t bytes)
{
	struct npu_copy_params c = { 0 };

	TENSOR(&c.input, src, NPU_DTYPE_INT8, 0, bytes);
	TENSOR(&c.output, dst, NPU_DTYPE_INT8, 0, bytes);
	npu_cs_emit(w, NPU_CMD_COPY, &c);
}

static void setup(struct vmem *m)
{
	memset(m, 0, sizeof(*m));
	vmem_map(m, VA_CS, 0x1000, VMEM_R);
	vmem_map(m, VA_A, 0x3000, VMEM_R);
	vmem_map(m, VA_OUT, 0x1000, VMEM_R | VMEM_W);
}

static int run(struct vmem *m, uint32_t bytes, struct npu_fw_result *res)
{
	struct npu_fw_env env = vmem_env(m);

	vmem_poke(m, VA_CS, cs_buf, bytes);
	return npu_fw_run(&env, VA_CS, bytes, res);
}

/*
 * A [1, 4, 4, 2] int8 tensor (bytes 0..31): the column stripe x = 1..2 of
 * every row (4 runs of 4 bytes, stride 8) into SRAM, then back out to a
 * [4, 2, 2] output with a row step of 4: the stripe, packed.
 */
START_TEST(sram_dma_column_stripe)
{
	struct npu_fw_result res;
	struct npu_cs_writer w;
	struct vmem m;
	uint8_t in[32], out[16], want[16];
	int i, y;

	setup(&m);
	for (i = 0; i < 32; i++)
		in[i] = (uint8_t)i;
	vmem_poke(&m, VA_A, in, sizeof(in));
	for (y = 0; y < 4; y++)
		for (i = 0; i < 4; i++)
			want[y * 4 + i] = (uint8_t)(y * 8 + 2 + i);
	npu_cs_init(&w, cs_buf, sizeof(cs_buf));
	dma(&w, VA_A + 2, SRAM(64), 1, 1, 4, 4, 0, 0, 8);
	dma(&w, SRAM(64), VA_OUT, 1, 4, 1, 4, 0, 4, 0);
	ck_assert_uint_gt(npu_cs_bytes(&w), 0);
	ck_assert_uint_eq(npu_fw_stream_features(cs_buf, npu_cs_bytes(&w)) &
			  NPU_FW_FEAT_SRAM, NPU_FW_FEAT_SRAM);
	ck_assert_int_eq(run(&m, npu_cs_bytes(&w), &res), 0);
	ck_assert_uint_eq(res.status, NPU_JOB_OK);
	vmem_peek(&m, VA_OUT, out, sizeof(out));
	ck_assert_mem_eq(out, want, sizeof(want));
	/* Stream fetch + 16 bytes in, 16 bytes out; nothing staged. */
	ck_assert_uint_eq(res.dram_read_bytes, npu_cs_bytes(&w) + 16);
	ck_assert_uint_eq(res.dram_write_bytes, 16);
	vmem_free(&m);
}
END_TEST

/*
 * CONV_2D then MAX_POOL_2D with the intermediate in SRAM (and the filter
 * DMA'd into SRAM) gives the bytes of the same pair through DRAM, with
 * less DRAM traffic.
 */
static uint32_t conv_pool(struct npu_cs_writer *w, int on_chip)
{
	struct npu_conv_params c = { 0 };
	struct npu_pool_params p = { 0 };
	const uint64_t mid = on_chip ? SRAM(4096) : VA_OUT + 512;
	const uint64_t filt = on_chip ? SRAM(0) : VA_W;

	TENSOR(&c.input, VA_A, NPU_DTYPE_INT8, 1, 1, 6, 6, 4);
	TENSOR(&c.filter, filt, NPU_DTYPE_INT8, 0, 8, 3, 3, 4);
	TENSOR(&c.output, mid, NPU_DTYPE_INT8, -3, 1, 6, 6, 8);
	c.stride_h = c.stride_w = 1;
	c.dilation_h = c.dilation_w = 1;
	c.pad_top = c.pad_left = 1;
	c.rq.multiplier = 1 << 29;
	c.rq.shift = -4;
	c.act_min = -128;
	c.act_max = 127;
	TENSOR(&p.input, mid, NPU_DTYPE_INT8, -3, 1, 6, 6, 8);
	TENSOR(&p.output, VA_OUT, NPU_DTYPE_INT8, -3, 1, 3, 3, 8);
	p.filter_h = p.filter_w = 2;
	p.stride_h = p.stride_w = 2;
	p.act_min = -128;
	p.act_max = 127;
	npu_cs_init(w, cs_buf, sizeof(cs_buf));
	if (on_chip)
		dma(w, VA_W, filt, 1, 1, 1, 8 * 9 * 4, 0, 0, 0);
	npu_cs_emit(w, NPU_CMD_CONV_2D, &c);
	npu_cs_emit(w, NPU_CMD_MAX_POOL_2D, &p);
	return npu_cs_bytes(w);
}

START_TEST(sram_compute_equals_dram)
{
	struct npu_fw_result r_dram, r_sram;
	struct npu_cs_writer w;
	struct vmem m;
	uint8_t data[6 * 6 * 4 + 8 * 9 * 4], a[72], b[72];
	uint32_t bytes, i;

	setup(&m);
	vmem_map(&m, VA_W, 0x1000, VMEM_R);
	for (i = 0; i < sizeof(data); i++)
		data[i] = (uint8_t)(i * 37 + 11);
	vmem_poke(&m, VA_A, data, 144);
	vmem_poke(&m, VA_W, data + 144, 288);

	bytes = conv_pool(&w, 0);
	ck_assert_int_eq(run(&m, bytes, &r_dram), 0);
	vmem_peek(&m, VA_OUT, a, sizeof(a));
	memset(b, 0x5a, sizeof(b));
	vmem_poke(&m, VA_OUT, b, sizeof(b));

	bytes = conv_pool(&w, 1);
	ck_assert_int_eq(npu_fw_validate(cs_buf, bytes, NULL, NULL, NULL), 0);
	ck_assert_int_eq(run(&m, bytes, &r_sram), 0);
	ck_assert_uint_eq(r_sram.status, NPU_JOB_OK);
	vmem_peek(&m, VA_OUT, b, sizeof(b));
	ck_assert_mem_eq(a, b, sizeof(a));
	/* The intermediate (288 bytes) never crosses DRAM. */
	ck_assert_uint_eq(r_sram.dram_write_bytes, 72);
	ck_assert_uint_eq(r_dram.dram_write_bytes, 72 + 288);
	ck_assert_uint_eq(r_sram.sram_write_bytes, 288);
	ck_assert_uint_eq(r_sram.sram_read_bytes, 288 + 288);
	vmem_free(&m);
}
END_TEST

/* Each stream is refused by the validator, and nothing of it runs. */
static void refused(uint32_t bytes, uint32_t bad_index, const char *reason)
{
	struct npu_fw_verror err;
	struct npu_fw_result res;
	struct vmem m;
	uint8_t out[16], zero[16] = { 0 };

	ck_assert_uint_gt(bytes, 0);
	ck_assert_int_eq(npu_fw_validate(cs_buf, bytes, NULL, NULL, &err),
			 -NPU_FW_EINVAL);
	ck_assert_uint_eq(err.cmd_index, bad_index);
	ck_assert_ptr_nonnull(err.reason);
	ck_assert_str_eq(err.reason, reason);
	setup(&m);
	ck_assert_int_eq(run(&m, bytes, &res), -NPU_FW_EINVAL);
	ck_assert_uint_eq(res.status, NPU_JOB_ERR_BAD_STREAM);
	ck_assert_uint_eq(res.cmd_index, bad_index);
	vmem_peek(&m, VA_OUT, out, sizeof(out));
	ck_assert_mem_eq(out, zero, sizeof(zero));
	vmem_free(&m);
}

START_TEST(sram_validator_refuses)
{
	struct npu_concat_params cc = { 0 };
	struct npu_cs_writer w;
	uint32_t i;

	/* Reads SRAM it never wrote (the first command writes DRAM first). */
	npu_cs_init(&w, cs_buf, sizeof(cs_buf));
	copy(&w, VA_A, VA_OUT, 16);
	copy(&w, SRAM(0), VA_OUT, 16);
	refused(npu_cs_bytes(&w), 2, "reads SRAM the stream has not written");

	/* Reads one byte more than it wrote. */
	npu_cs_init(&w, cs_buf, sizeof(cs_buf));
	dma(&w, VA_A, SRAM(100), 1, 1, 1, 16, 0, 0, 0);
	dma(&w, SRAM(100), VA_OUT, 1, 1, 1, 17, 0, 0, 0);
	refused(npu_cs_bytes(&w), 2, "reads SRAM the stream has not written");

	/* Written in two adjacent pieces, read as one: accepted. */
	npu_cs_init(&w, cs_buf, sizeof(cs_buf));
	dma(&w, VA_A, SRAM(100), 1, 1, 1, 8, 0, 0, 0);
	dma(&w, VA_A, SRAM(108), 1, 1, 1, 8, 0, 0, 0);
	dma(&w, SRAM(100), VA_OUT, 1, 1, 1, 16, 0, 0, 0);
	ck_assert_int_eq(npu_fw_validate(cs_buf, npu_cs_bytes(&w), NULL, NULL,
					 NULL), 0);

	/* A tensor and a DMA reaching past the end of the SRAM. */
	npu_cs_init(&w, cs_buf, sizeof(cs_buf));
	copy(&w, VA_A, SRAM(NPU_HW_SRAM_SIZE - 8), 16);
	refused(npu_cs_bytes(&w), 1,
		"tensor address misaligned or outside the address space");
	npu_cs_init(&w, cs_buf, sizeof(cs_buf));
	dma(&w, VA_A, SRAM(NPU_HW_SRAM_SIZE - 8), 1, 1, 2, 8, 0, 0, 8);
	refused(npu_cs_bytes(&w), 1, "DMA addresses beyond the SRAM");

	/* DMA with both sides in DRAM, both in SRAM, a stripe too large. */
	npu_cs_init(&w, cs_buf, sizeof(cs_buf));
	dma(&w, VA_A, VA_OUT, 1, 1, 1, 8, 0, 0, 0);
	refused(npu_cs_bytes(&w), 1, "DMA needs exactly one side in SRAM");
	npu_cs_init(&w, cs_buf, sizeof(cs_buf));
	dma(&w, VA_A, SRAM(0), 1, 1, 1, 8, 0, 0, 0);
	dma(&w, SRAM(0), SRAM(64), 1, 1, 1, 8, 0, 0, 0);
	refused(npu_cs_bytes(&w), 2, "DMA needs exactly one side in SRAM");
	npu_cs_init(&w, cs_buf, sizeof(cs_buf));
	dma(&w, VA_A, SRAM(0), 1, 2, 1024, 513, 0, 1024, 1);
	refused(npu_cs_bytes(&w), 1, "DMA stripe larger than the SRAM");

	/* More disjoint written ranges than the validator tracks. */
	npu_cs_init(&w, cs_buf, sizeof(cs_buf));
	for (i = 0; i <= NPU_LIMIT_SRAM_RANGES; i++)
		dma(&w, VA_A, SRAM(i * 64), 1, 1, 1, 32, 0, 0, 0);
	refused(npu_cs_bytes(&w), NPU_LIMIT_SRAM_RANGES + 1,
		"too many disjoint SRAM ranges written");

	/* A CONCATENATION (slice writer) into SRAM. */
	TENSOR(&cc.input, VA_A, NPU_DTYPE_INT8, 0, 1, 4);
	TENSOR(&cc.output, SRAM(0), NPU_DTYPE_INT8, 0, 2, 4);
	npu_cs_init(&w, cs_buf, sizeof(cs_buf));
	npu_cs_emit(&w, NPU_CMD_CONCAT, &cc);
	refused(npu_cs_bytes(&w), 1, "a slice-writing command's output in SRAM");
}
END_TEST

/* The kernel's range callback sees the DRAM operands only. */
static int count_range(void *ctx, uint64_t va, uint64_t len, uint32_t access)
{
	uint32_t *n = ctx;

	(void)access;
	ck_assert_uint_lt(va, NPU_VA_SIZE);
	ck_assert_uint_le(len, 64);
	(*n)++;
	return 0;
}

START_TEST(sram_ranges_only_dram_to_kernel)
{
	struct npu_cs_writer w;
	uint32_t n = 0;

	npu_cs_init(&w, cs_buf, sizeof(cs_buf));
	dma(&w, VA_A, SRAM(0), 1, 2, 1, 16, 0, 32, 0);
	copy(&w, SRAM(0), SRAM(32), 32);
	dma(&w, SRAM(32), VA_OUT, 1, 1, 1, 32, 0, 0, 0);
	ck_assert_int_eq(npu_fw_validate(cs_buf, npu_cs_bytes(&w), count_range,
					 &n, NULL), 0);
	ck_assert_uint_eq(n, 2);
}
END_TEST

/*
 * The schedule: a DMA that no compute command depends on runs beside the
 * compute; one whose result the next command reads is waited for.
 */
START_TEST(sram_timeline_overlap)
{
	struct npu_dma_params d = {
		.src = VA_W, .dst = SRAM(65536), .extent = { 1, 1, 1, 16384 },
	};
	struct npu_copy_params c = { 0 };
	struct npu_fw_timeline tl;
	struct npu_fw_cost cost, one_dma = { 0 }, one_copy = { 0 };

	TENSOR(&c.input, SRAM(0), NPU_DTYPE_INT8, 0, 1, 65536);
	TENSOR(&c.output, SRAM(131072), NPU_DTYPE_INT8, 0, 1, 65536);
	npu_fw_estimate_op(NULL, NPU_CMD_DMA, &d, &one_dma);
	npu_fw_estimate_op(NULL, NPU_CMD_COPY, &c, &one_copy);
	/* 16384 bytes at 16 per cycle plus the DMA setup. */
	ck_assert_uint_eq(one_dma.cycles, 1024 + NPU_HW_DMA_SETUP_CYCLES);
	ck_assert_uint_eq(one_dma.dram_read_bytes, 16384);
	ck_assert_uint_eq(one_dma.sram_write_bytes, 16384);
	ck_assert_uint_eq(one_copy.dram_read_bytes + one_copy.dram_write_bytes, 0);

	/* Independent: the makespan is the longer of the two. */
	memset(&tl, 0, sizeof(tl));
	memset(&cost, 0, sizeof(cost));
	npu_fw_timeline_add(&tl, NULL, NPU_CMD_COPY, &c, &cost);
	npu_fw_timeline_add(&tl, NULL, NPU_CMD_DMA, &d, &cost);
	ck_assert_uint_eq(tl.end, one_copy.cycles > one_dma.cycles ?
			  one_copy.cycles : one_dma.cycles);
	ck_assert_uint_eq(cost.cycles, tl.end);

	/* The copy reads what the DMA writes: one after the other. */
	c.input.addr = SRAM(65536);
	c.input.dims[1] = 16384;
	c.output.dims[1] = 16384;
	memset(&one_copy, 0, sizeof(one_copy));
	npu_fw_estimate_op(NULL, NPU_CMD_COPY, &c, &one_copy);
	memset(&tl, 0, sizeof(tl));
	npu_fw_timeline_add(&tl, NULL, NPU_CMD_DMA, &d, &cost);
	npu_fw_timeline_add(&tl, NULL, NPU_CMD_COPY, &c, &cost);
	ck_assert_uint_eq(tl.end, one_dma.cycles + one_copy.cycles);

	/* The next DMA overwrites what the copy reads: it waits too. */
	d.src = VA_A;
	npu_fw_timeline_add(&tl, NULL, NPU_CMD_DMA, &d, &cost);
	ck_assert_uint_eq(tl.end, 2 * one_dma.cycles + one_copy.cycles);
}
END_TEST

Suite *suite_sram(void)
{
	Suite *s = suite_create("sram");
	TCase *tc = tcase_create("sram");

	tcase_add_test(tc, sram_dma_column_stripe);
	tcase_add_test(tc, sram_compute_equals_dram);
	tcase_add_test(tc, sram_validator_refuses);
	tcase_add_test(tc, sram_ranges_only_dram_to_kernel);
	tcase_add_test(tc, sram_timeline_overlap);
	suite_add_tcase(s, tc);
	return s;
}
