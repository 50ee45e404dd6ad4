// SPDX-License-Identifier: MIT
/*
 * The command processor over a fake page-mapped NPU memory: operands move
 * through the DMA callbacks, faults abort only the job and report the
 * address, counters follow the cycle model.
 */
#include "fw_hand_job.h"

#define VA_POOL		0x2100u

static uint32_t cs_buf[512];

/*
 * STREAM, NOP, CONV_2D (the hand-worked case of test_ops.c, output
 * {57,3, 56,3, 57,8, 57,3}), MAX_POOL_2D 2x2 over that output:
 * ch0 max(57, 56, 57, 57) = 57, ch1 max(3, 3, 8, 3) = 8.
 */
static uint32_t build_job(struct vmem *m, uint64_t bias_va)
{
	static const int8_t w[8] = { 1, 0, 0, 1, 1, 1, 1, 1 };
	struct npu_conv_params c = { 0 };
	struct npu_pool_params p = { 0 };
	struct npu_cs_writer w8;

	fw_test_hand_conv(&c, VA_IN, VA_W, VA_OUT, bias_va, VA_MULT, VA_SHIFT);

	TENSOR(&p.input, VA_OUT, NPU_DTYPE_INT8, 5, 1, 2, 2, 2);
	TENSOR(&p.output, VA_POOL, NPU_DTYPE_INT8, 5, 1, 1, 1, 2);
	p.filter_h = p.filter_w = 2;
	p.stride_h = p.stride_w = 1;
	p.act_min = -128;
	p.act_max = 127;

	npu_cs_init(&w8, cs_buf, sizeof(cs_buf));
	npu_cs_emit(&w8, NPU_CMD_NOP, NULL);
	npu_cs_emit(&w8, NPU_CMD_CONV_2D, &c);
	npu_cs_emit(&w8, NPU_CMD_MAX_POOL_2D, &p);
	vmem_hand_conv_job(m, cs_buf, npu_cs_bytes(&w8), w, sizeof(w), bias_va == VA_BIAS);
	return npu_cs_bytes(&w8);
}

START_TEST(run_ok_and_counters)
{
	static const int8_t expect[8] = { 57, 3, 56, 3, 57, 8, 57, 3 };
	static const int8_t expect_pool[2] = { 57, 8 };
	struct vmem m = { 0 };
	struct npu_fw_env env = vmem_env(&m);
	struct npu_fw_result res;
	struct npu_fw_cost cost = { 0 };
	uint32_t size = build_job(&m, VA_BIAS);
	int8_t out[8];

	ck_assert_int_eq(npu_fw_run(&env, VA_CS, size, &res), 0);
	ck_assert_uint_eq(res.status, NPU_JOB_OK);
	ck_assert_uint_eq(res.cmd_index, 4);
	vmem_peek(&m, VA_OUT, out, 8);
	ck_assert_mem_eq(out, expect, 8);
	vmem_peek(&m, VA_POOL, out, 2);
	ck_assert_mem_eq(out, expect_pool, 2);

	/* 8 outputs x 2x2 taps x 1 input channel */
	ck_assert_uint_eq(res.macs, 32);
	/* stream + conv (9 + 8 + 8 + 8 + 8) + pool 8; writes 8 + 2 */
	ck_assert_uint_eq(res.dram_read_bytes, size + 41 + 8);
	ck_assert_uint_eq(res.dram_write_bytes, 10);
	/* The counters are the model's: same numbers as the estimate. */
	ck_assert_int_eq(npu_fw_estimate_stream(NULL, cs_buf, size, &cost), 0);
	ck_assert_uint_eq(res.cycles, cost.cycles);
	ck_assert_uint_eq(res.macs, cost.macs);
	ck_assert_uint_eq(res.dram_read_bytes, cost.dram_read_bytes);
	ck_assert_uint_eq(res.dram_write_bytes, cost.dram_write_bytes);
	/* 4 commands x overhead at least */
	ck_assert_uint_ge(res.cycles, 4 * NPU_HW_CMD_OVERHEAD_CYCLES);
	ck_assert_uint_eq(m.allocs, m.frees);
	vmem_free(&m);
}
END_TEST

START_TEST(run_write_fault_aborts_only_that_job)
{
	struct vmem m = { 0 };
	struct npu_fw_env env = vmem_env(&m);
	struct npu_fw_result res;
	uint32_t size = build_job(&m, VA_BIAS);

	m.perm[VA_OUT >> 12] = VMEM_R;		/* output page read-only */
	ck_assert_int_eq(npu_fw_run(&env, VA_CS, size, &res), -NPU_FW_EFAULT);
	ck_assert_uint_eq(res.status, NPU_JOB_ERR_MMU_FAULT);
	ck_assert_uint_eq(res.fault_addr, VA_OUT);
	ck_assert_uint_eq(res.fault_write, 1);
	ck_assert_uint_eq(res.cmd_index, 2);	/* the CONV_2D */
	ck_assert_uint_eq(m.allocs, m.frees);

	/* The next job on the same device runs normally. */
	m.perm[VA_OUT >> 12] = VMEM_R | VMEM_W;
	ck_assert_int_eq(npu_fw_run(&env, VA_CS, size, &res), 0);
	ck_assert_uint_eq(res.status, NPU_JOB_OK);
	vmem_free(&m);
}
END_TEST

START_TEST(run_read_fault_reports_address)
{
	struct vmem m = { 0 };
	struct npu_fw_env env = vmem_env(&m);
	struct npu_fw_result res;
	uint32_t size = build_job(&m, 0x3010);	/* bias on an unmapped page */

	ck_assert_int_eq(npu_fw_run(&env, VA_CS, size, &res), -NPU_FW_EFAULT);
	ck_assert_uint_eq(res.status, NPU_JOB_ERR_MMU_FAULT);
	ck_assert_uint_eq(res.fault_addr, 0x3010);
	ck_assert_uint_eq(res.fault_write, 0);
	ck_assert_uint_eq(res.cmd_index, 2);
	ck_assert_uint_eq(m.allocs, m.frees);

	/* The stream itself unmapped. */
	ck_assert_int_eq(npu_fw_run(&env, 0x5000, size, &res), -NPU_FW_EFAULT);
	ck_assert_uint_eq(res.status, NPU_JOB_ERR_MMU_FAULT);
	ck_assert_uint_eq(res.fault_addr, 0x5000);
	vmem_free(&m);
}
END_TEST

START_TEST(run_bad_stream_abort_nomem)
{
	struct vmem m = { 0 };
	struct npu_fw_env env = vmem_env(&m);
	struct npu_fw_result res;
	uint32_t size = build_job(&m, VA_BIAS);
	uint32_t bad = NPU_CS_HDR(0x7777, 1);

	/* Unknown opcode in place of the NOP (command 1). */
	vmem_poke(&m, VA_CS + 12, &bad, 4);
	ck_assert_int_eq(npu_fw_run(&env, VA_CS, size, &res), -NPU_FW_EINVAL);
	ck_assert_uint_eq(res.status, NPU_JOB_ERR_BAD_STREAM);
	ck_assert_uint_eq(res.cmd_index, 1);
	ck_assert_ptr_nonnull(res.reason);
	ck_assert_int_eq(npu_fw_run(&env, VA_CS, 6, &res), -NPU_FW_EINVAL);

	/* Soft reset while running. */
	size = build_job(&m, VA_BIAS);
	m.abort_now = 1;
	ck_assert_int_eq(npu_fw_run(&env, VA_CS, size, &res),
			 -NPU_FW_ECANCELED);
	ck_assert_uint_eq(res.status, NPU_JOB_ERR_ABORTED);
	m.abort_now = 0;

	/* Scratch allocation failing at every possible point: a clean
	 * INTERNAL error and nothing leaked. */
	for (m.fail_alloc_after = 1; m.fail_alloc_after < 12;
	     m.fail_alloc_after++) {
		m.allocs = m.frees = 0;
		npu_fw_run(&env, VA_CS, size, &res);
		ck_assert(res.status == NPU_JOB_ERR_INTERNAL ||
			  res.status == NPU_JOB_OK);
		ck_assert_uint_eq(m.allocs, m.frees);
	}
	vmem_free(&m);
}
END_TEST

START_TEST(run_concat_writes_only_slices)
{
	/* [2,1] {1,2} and [2,2] {3,4,5,6} into [2,3] at 0x2000, which is
	 * pre-filled with 0x55: result {1,3,4, 2,5,6}, neighbours intact. */
	static const int8_t a[2] = { 1, 2 }, b[4] = { 3, 4, 5, 6 };
	static const int8_t expect[8] = { 0x55, 1, 3, 4, 2, 5, 6, 0x55 };
	struct vmem m = { 0 };
	struct npu_fw_env env = vmem_env(&m);
	struct npu_fw_result res;
	struct npu_concat_params p = { 0 };
	struct npu_cs_writer w;
	uint8_t fill[16];
	int8_t out[8];

	npu_cs_init(&w, cs_buf, sizeof(cs_buf));
	TENSOR(&p.input, 0x1000, NPU_DTYPE_INT8, 0, 2, 1);
	TENSOR(&p.output, 0x2001, NPU_DTYPE_INT8, 0, 2, 3);
	p.axis = 1;
	npu_cs_emit(&w, NPU_CMD_CONCAT, &p);
	TENSOR(&p.input, 0x1010, NPU_DTYPE_INT8, 0, 2, 2);
	p.offset = 1;
	npu_cs_emit(&w, NPU_CMD_CONCAT, &p);

	memset(fill, 0x55, sizeof(fill));
	vmem_map(&m, 0, 3 * 4096, VMEM_R | VMEM_W);
	vmem_poke(&m, 0, cs_buf, npu_cs_bytes(&w));
	vmem_poke(&m, 0x1000, a, 2);
	vmem_poke(&m, 0x1010, b, 4);
	vmem_poke(&m, 0x2000, fill, sizeof(fill));
	ck_assert_int_eq(npu_fw_run(&env, 0, npu_cs_bytes(&w), &res), 0);
	vmem_peek(&m, 0x2000, out, 8);
	ck_assert_mem_eq(out, expect, 8);
	ck_assert_uint_eq(res.dram_write_bytes, 6);
	vmem_free(&m);
}
END_TEST

static uint32_t seed = 1;

static void fill_random(struct vmem *m, uint64_t va, void *host, uint32_t len)
{
	uint8_t *h = host;
	uint32_t i;

	for (i = 0; i < len; i++) {
		seed = seed * 1103515245u + 12345u;
		h[i] = (uint8_t)(seed >> 16);
	}
	vmem_poke(m, va, host, len);
}

/*
 * Large commands run as tiles (output-row bands, FC unit bands) with a
 * poll in between.  The tiled result must equal one direct kernel call
 * on the same data (the kernels themselves are checked by hand-worked
 * cases in test_ops.c).
 */
START_TEST(run_tiling_equals_direct)
{
	static int8_t in[64 * 1024], w[1536 * 1024], out_dev[64 * 1024],
		      out_ref[64 * 1024];
	static int32_t bias[1024], mult[1024], shift[1024];
	struct vmem m = { 0 };
	struct npu_fw_env env = vmem_env(&m);
	struct npu_fw_result res;
	struct npu_cs_writer cw;
	static const unsigned int min_tiles[5] = { 6, 2, 2, 6, 4 };
	unsigned int polls_before, k;

	vmem_map(&m, 0, 4u << 20, VMEM_R | VMEM_W);
	for (k = 0; k < 1024; k++) {
		mult[k] = (1 << 30) + (int32_t)k * 1000;
		shift[k] = -(int32_t)(k % 9);
	}
	vmem_poke(&m, 0x3000, mult, sizeof(mult));
	vmem_poke(&m, 0x4000, shift, sizeof(shift));

	for (k = 0; k < 5; k++) {
		/* conv 3x3 s1 p1, conv 3x3 s2 p1 dil 2, depthwise, avg pool,
		 * FC with two unit bands, 2 batches each */
		struct npu_conv_params c = { 0 };
		struct npu_pool_params pl = { 0 };
		struct npu_fc_params fc = { 0 };
		uint32_t op, out_len;

		c.stride_h = c.stride_w = 1;
		c.dilation_h = c.dilation_w = 1;
		c.act_min = -100;
		c.act_max = 120;
		c.rq.count = 64;
		c.rq.flags = NPU_RQ_HAS_BIAS;
		c.rq.bias_addr = 0x5000;
		c.rq.mult_addr = 0x3000;
		c.rq.shift_addr = 0x4000;
		TENSOR(&c.input, 0x10000, NPU_DTYPE_INT8, -3, 2, 9, 8, 64);
		switch (k) {
		case 0:
			op = NPU_CMD_CONV_2D;
			TENSOR(&c.filter, 0x20000, NPU_DTYPE_INT8, 0, 64, 3, 3, 64);
			TENSOR(&c.output, 0x100000, NPU_DTYPE_INT8, 4, 2, 9, 8, 64);
			c.pad_top = c.pad_left = 1;
			break;
		case 1:
			op = NPU_CMD_CONV_2D;
			TENSOR(&c.filter, 0x20000, NPU_DTYPE_INT8, 0, 64, 3, 3, 64);
			TENSOR(&c.output, 0x100000, NPU_DTYPE_INT8, 4, 2, 5, 4, 64);
			c.stride_h = c.stride_w = 2;
			c.dilation_h = 2;
			c.pad_top = 2;
			c.pad_left = 1;
			break;
		case 2:
			op = NPU_CMD_DEPTHWISE_CONV_2D;
			TENSOR(&c.filter, 0x20000, NPU_DTYPE_INT8, 0, 1, 3, 3, 64);
			TENSOR(&c.output, 0x100000, NPU_DTYPE_INT8, 4, 2, 9, 8, 64);
			c.pad_top = c.pad_left = 1;
			c.depth_multiplier = 1;
			break;
		case 3:
			op = NPU_CMD_AVERAGE_POOL_2D;
			TENSOR(&pl.input, 0x10000, NPU_DTYPE_INT8, 0, 1, 64, 64, 16);
			TENSOR(&pl.output, 0x100000, NPU_DTYPE_INT8, 0, 1, 64, 64, 16);
			pl.filter_h = pl.filter_w = 9;
			pl.stride_h = pl.stride_w = 1;
			pl.pad_top = pl.pad_left = 4;
			pl.act_min = -128;
			pl.act_max = 127;
			break;
		default:
			op = NPU_CMD_FULLY_CONNECTED;
			TENSOR(&fc.input, 0x10000, NPU_DTYPE_INT8, 7, 2, 1536);
			TENSOR(&fc.filter, 0x200000, NPU_DTYPE_INT8, 0, 1024, 1536);
			TENSOR(&fc.output, 0x100000, NPU_DTYPE_INT8, -2, 2, 1024);
			fc.rq = c.rq;
			fc.rq.count = 1024;
			fc.act_min = -128;
			fc.act_max = 127;
			break;
		}
		npu_cs_init(&cw, cs_buf, sizeof(cs_buf));
		if (op == NPU_CMD_AVERAGE_POOL_2D) {
			ck_assert_int_eq(npu_fw_check_op(op, &pl, sizeof(pl),
							 NPU_FW_CHECK_HW_LIMITS,
							 NULL), 0);
			npu_cs_emit(&cw, op, &pl);
			fill_random(&m, 0x10000, in, 64 * 64 * 16);
			npu_op_avg_pool_s8(&pl, in, out_ref);
			out_len = 64 * 64 * 16;
		} else if (op == NPU_CMD_FULLY_CONNECTED) {
			ck_assert_int_eq(npu_fw_check_op(op, &fc, sizeof(fc),
							 NPU_FW_CHECK_HW_LIMITS,
							 NULL), 0);
			npu_cs_emit(&cw, op, &fc);
			fill_random(&m, 0x10000, in, 2 * 1536);
			fill_random(&m, 0x200000, w, 1024 * 1536);
			fill_random(&m, 0x5000, bias, 1024 * 4);
			npu_op_fc_s8(&fc, in, w, bias, mult, shift, out_ref);
			out_len = 2 * 1024;
		} else {
			ck_assert_int_eq(npu_fw_check_op(op, &c, sizeof(c),
							 NPU_FW_CHECK_HW_LIMITS,
							 NULL), 0);
			npu_cs_emit(&cw, op, &c);
			fill_random(&m, 0x10000, in, 2 * 9 * 8 * 64);
			fill_random(&m, 0x20000, w, 64 * 9 * 64);
			fill_random(&m, 0x5000, bias, 64 * 4);
			for (out_len = 0; out_len < 64; out_len++)
				bias[out_len] %= 5000;	/* keep outputs unclamped */
			vmem_poke(&m, 0x5000, bias, 64 * 4);
			if (op == NPU_CMD_CONV_2D)
				npu_op_conv2d_s8(&c, in, w, bias, mult, shift,
						 out_ref);
			else
				npu_op_depthwise_s8(&c, in, w, bias, mult,
						    shift, out_ref);
			out_len = (uint32_t)npu_tensor_bytes(&c.output);
		}
		vmem_poke(&m, 0, cs_buf, npu_cs_bytes(&cw));
		polls_before = m.polls;
		ck_assert_int_eq(npu_fw_run(&env, 0, npu_cs_bytes(&cw), &res), 0);
		ck_assert_uint_eq(res.status, NPU_JOB_OK);
		vmem_peek(&m, 0x100000, out_dev, out_len);
		ck_assert_mem_eq(out_dev, out_ref, out_len);
		/* 2 commands, and the op ran as the expected tiles: conv 3
		 * bands of 3 rows per batch, pool 6 bands, FC 2 unit bands
		 * per batch, the small ones one tile per batch. */
		ck_assert_uint_eq(m.polls - polls_before, 2 + min_tiles[k]);

		/* A reset during the tiles stops the job there. */
		m.abort_after_polls = m.polls + 3;
		ck_assert_int_eq(npu_fw_run(&env, 0, npu_cs_bytes(&cw), &res),
				 -NPU_FW_ECANCELED);
		ck_assert_uint_eq(res.status, NPU_JOB_ERR_ABORTED);
		ck_assert_uint_eq(res.cmd_index, 1);
		m.abort_after_polls = 0;
	}
	ck_assert_uint_eq(m.allocs, m.frees);
	vmem_free(&m);
}
END_TEST

/*
 * Random single-op jobs (the generator the VM tests use to compare the
 * device with the host library): every opcode, many seeds, always valid
 * for the validator with its range check, and the expectation equals a
 * run over the page-mapped memory at the same address.
 */
struct bo_range {
	uint64_t va, size;
};

static int in_bo(void *ctx, uint64_t va, uint64_t len, uint32_t access)
{
	const struct bo_range *bo = ctx;

	(void)access;
	return va >= bo->va && len <= bo->size && va - bo->va <= bo->size - len ?
	       0 : -1;
}

START_TEST(random_jobs_every_op)
{
	const uint64_t base = 0x10000;
	uint64_t rseed = 42;
	uint32_t op, k;

	for (op = NPU_CMD_CONV_2D; op < NPU_CMD_COUNT; op++) {
		for (k = 0; k < 40; k++) {
			struct npu_host_rjob job;
			struct vmem m = { 0 };
			struct npu_fw_env env = vmem_env(&m);
			struct npu_fw_result res;
			struct bo_range bo;
			uint8_t *expect, *got;
			struct npu_fw_verror err;

			ck_assert_int_eq(npu_host_rjob_make(&rseed, op, base, &job), 0);
			bo.va = base;
			bo.size = job.mem_size;
			ck_assert_msg(npu_fw_validate(job.cs, job.cs_size, in_bo, &bo,
						      &err) == 0, "%s: %s",
				      npu_fw_cmd_name(op), err.reason);
			ck_assert_uint_le(job.out_offset + job.out_size, job.mem_size);
			expect = malloc(job.mem_size);
			got = malloc(job.mem_size);
			ck_assert_int_eq(npu_host_rjob_expect(&job, base, expect), 0);

			vmem_map(&m, 0, 4096, VMEM_R);
			vmem_map(&m, base, job.mem_size, VMEM_R | VMEM_W);
			vmem_poke(&m, 0, job.cs, job.cs_size);
			vmem_poke(&m, base, job.mem, job.mem_size);
			ck_assert_int_eq(npu_fw_run(&env, 0, job.cs_size, &res), 0);
			vmem_peek(&m, base, got, job.mem_size);
			ck_assert_mem_eq(got, expect, job.mem_size);
			/* the inputs are untouched, the output is written */
			ck_assert_mem_eq(got, job.mem, job.out_offset);
			free(expect);
			free(got);
			npu_host_rjob_free(&job);
			vmem_free(&m);
		}
	}
}
END_TEST

START_TEST(cycle_model_hand_computed)
{
	/*
	 * CONV_2D 1x8x8x64 -> 64 channels, 3x3, SAME, no bias, per-tensor:
	 *   MACs = 8*8*64 outputs * 9 taps * 64 = 2,359,296 (2048 cycles at
	 *   the peak 1152 a cycle)
	 *   compute: the array's blocks (hardware.rst, "MAC array"): 64
	 *   positions in ceil(64/9) = 8 blocks of 9, 64 channels in 4 of 16,
	 *   9 taps of ceil(64/8) = 8 lane steps: 8*4*9*8 = 2304 cycles
	 *   DRAM: read 4096 + 36864, write 4096 = 45056 B / 16 = 2816 cycles
	 *   total = max(2304, 2816) + 200 = 3016 (memory bound)
	 * The same conv in 16x8 (half rate, int16 activations):
	 *   compute = 2 * 2304 = 4608; DRAM (8192 + 36864 + 8192) / 16
	 *   = 3328; total = 4608 + 200 = 4808 (compute bound)
	 * ADD of two [1000] int8 tensors: 1000 / 64 -> 16 cycles of vector
	 *   work, 3000 B / 16 -> 188 DRAM cycles; total 388.
	 */
	struct npu_conv_params c = { 0 };
	struct npu_eltwise_params e = { 0 };
	struct npu_fw_cost cost = { 0 };

	TENSOR(&c.input, 0x1000, NPU_DTYPE_INT8, 0, 1, 8, 8, 64);
	TENSOR(&c.filter, 0x10000, NPU_DTYPE_INT8, 0, 64, 3, 3, 64);
	TENSOR(&c.output, 0x20000, NPU_DTYPE_INT8, 0, 1, 8, 8, 64);
	c.stride_h = c.stride_w = c.dilation_h = c.dilation_w = 1;
	c.pad_top = c.pad_left = 1;
	c.rq.multiplier = 1 << 30;
	c.act_min = -128;
	c.act_max = 127;
	ck_assert_int_eq(npu_fw_check_op(NPU_CMD_CONV_2D, &c, sizeof(c),
					 NPU_FW_CHECK_HW_LIMITS, NULL), 0);
	npu_fw_estimate_op(NULL, NPU_CMD_CONV_2D, &c, &cost);
	ck_assert_uint_eq(NPU_HW_MAC_POSITIONS * NPU_HW_MAC_CHANNELS *
			  NPU_HW_MAC_LANES, NPU_HW_MACS_PER_CYCLE);
	ck_assert_uint_eq(cost.macs, 2359296);
	ck_assert_uint_eq(cost.compute_cycles, 2304);
	ck_assert_uint_eq(cost.array_cycles, 2304);
	ck_assert_uint_eq(cost.dram_read_bytes, 40960);
	ck_assert_uint_eq(cost.dram_write_bytes, 4096);
	ck_assert_uint_eq(cost.dma_cycles, 2816);
	ck_assert_uint_eq(cost.cycles, 3016);

	memset(&cost, 0, sizeof(cost));
	TENSOR(&c.input, 0x1000, NPU_DTYPE_INT16, 0, 1, 8, 8, 64);
	TENSOR(&c.output, 0x20000, NPU_DTYPE_INT16, 0, 1, 8, 8, 64);
	c.act_min = -32768;
	c.act_max = 32767;
	npu_fw_estimate_op(NULL, NPU_CMD_CONV_2D, &c, &cost);
	ck_assert_uint_eq(cost.compute_cycles, 4608);
	ck_assert_uint_eq(cost.dma_cycles, 3328);
	ck_assert_uint_eq(cost.cycles, 4808);

	memset(&cost, 0, sizeof(cost));
	TENSOR(&e.input1, 0x1000, NPU_DTYPE_INT8, 0, 1000);
	TENSOR(&e.input2, 0x2000, NPU_DTYPE_INT8, 0, 1000);
	TENSOR(&e.output, 0x3000, NPU_DTYPE_INT8, 0, 1000);
	npu_fw_estimate_op(NULL, NPU_CMD_ADD, &e, &cost);
	ck_assert_uint_eq(cost.macs, 0);
	ck_assert_uint_eq(cost.compute_cycles, 16);
	ck_assert_uint_eq(cost.array_cycles, 0);
	ck_assert_uint_eq(cost.dma_cycles, 188);
	ck_assert_uint_eq(cost.cycles, 388);
}
END_TEST

/*
 * The MAC array's granularity where it matters (hardware.rst, "MAC array"):
 * a first convolution of 3 channels, an 8-channel depthwise and a
 * one-row FULLY_CONNECTED use a fraction of the 1152 MACs a cycle.
 */
START_TEST(cycle_model_mac_granularity)
{
	struct npu_conv_params c = { 0 };
	struct npu_fc_params f = { 0 };
	struct npu_fw_cost cost = { 0 };

	/*
	 * CONV_2D 224x224x3 -> 112x112x32, 3x3 stride 2: 12544 positions in
	 * 1394 blocks, 2 channel blocks, 9 taps of 3 channels in 1 lane step:
	 * 1394*2*9*1 = 25092 cycles for 10,838,016 MACs (37.5% of the peak).
	 */
	TENSOR(&c.input, 0x100000, NPU_DTYPE_INT8, 0, 1, 224, 224, 3);
	TENSOR(&c.filter, 0x10000, NPU_DTYPE_INT8, 0, 32, 3, 3, 3);
	TENSOR(&c.output, 0x200000, NPU_DTYPE_INT8, 0, 1, 112, 112, 32);
	c.stride_h = c.stride_w = 2;
	c.dilation_h = c.dilation_w = 1;
	c.rq.multiplier = 1 << 30;
	c.act_min = -128;
	c.act_max = 127;
	CHECK_OK(NPU_CMD_CONV_2D, &c);
	npu_fw_estimate_op(NULL, NPU_CMD_CONV_2D, &c, &cost);
	ck_assert_uint_eq(cost.macs, 10838016);
	ck_assert_uint_eq(cost.array_cycles, 25092);
	ck_assert_uint_eq(cost.compute_cycles, 25092);

	/*
	 * DEPTHWISE_CONV_2D 8x8x8, 3x3 SAME: 64 positions in 8 blocks, 8
	 * channels in one block of 16, 9 taps in ceil(9/8) = 2 lane steps:
	 * 16 cycles for 4608 MACs (25%).
	 */
	memset(&cost, 0, sizeof(cost));
	TENSOR(&c.input, 0x1000, NPU_DTYPE_INT8, 0, 1, 8, 8, 8);
	TENSOR(&c.filter, 0x10000, NPU_DTYPE_INT8, 0, 1, 3, 3, 8);
	TENSOR(&c.output, 0x20000, NPU_DTYPE_INT8, 0, 1, 8, 8, 8);
	c.stride_h = c.stride_w = 1;
	c.pad_top = c.pad_left = 1;
	c.depth_multiplier = 1;
	CHECK_OK(NPU_CMD_DEPTHWISE_CONV_2D, &c);
	npu_fw_estimate_op(NULL, NPU_CMD_DEPTHWISE_CONV_2D, &c, &cost);
	ck_assert_uint_eq(cost.macs, 4608);
	ck_assert_uint_eq(cost.array_cycles, 16);

	/* FULLY_CONNECTED 1x1280 -> 1001: 1 block * 63 * 160 = 10080 cycles. */
	memset(&cost, 0, sizeof(cost));
	TENSOR(&f.input, 0x1000, NPU_DTYPE_INT8, 0, 1, 1280);
	TENSOR(&f.filter, 0x10000, NPU_DTYPE_INT8, 0, 1001, 1280);
	TENSOR(&f.output, 0x200000, NPU_DTYPE_INT8, 0, 1, 1001);
	f.rq.multiplier = 1 << 30;
	f.act_min = -128;
	f.act_max = 127;
	CHECK_OK(NPU_CMD_FULLY_CONNECTED, &f);
	npu_fw_estimate_op(NULL, NPU_CMD_FULLY_CONNECTED, &f, &cost);
	ck_assert_uint_eq(cost.macs, 1281280);
	ck_assert_uint_eq(cost.array_cycles, 10080);
}
END_TEST

Suite *suite_run(void)
{
	Suite *s = suite_create("run");
	TCase *tc = tcase_create("processor");

	tcase_add_test(tc, run_ok_and_counters);
	tcase_add_test(tc, run_write_fault_aborts_only_that_job);
	tcase_add_test(tc, run_read_fault_reports_address);
	tcase_add_test(tc, run_bad_stream_abort_nomem);
	tcase_add_test(tc, run_concat_writes_only_slices);
	tcase_add_test(tc, run_tiling_equals_direct);
	tcase_add_test(tc, random_jobs_every_op);
	tcase_add_test(tc, cycle_model_hand_computed);
	tcase_add_test(tc, cycle_model_mac_granularity);
	suite_add_tcase(s, tc);
	return s;
}
