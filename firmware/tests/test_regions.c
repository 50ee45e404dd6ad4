// SPDX-License-Identifier: MIT
/*
 * Region addresses (NPU_FW_FEAT_REGIONS): the sizes and write set the
 * validator reports for a region stream, execution through a job's region
 * table (the same results as absolute addresses), and the rejections:
 * ranges outside their region, unbound regions, regions in a job without
 * a table, absolute DRAM addresses in a region stream, malformed tables.
 * A rejected job executes nothing.
 */
#include "fw_test.h"
#include "fw_vmem.h"

#define VA_CS		0x0000u
#define VA_RT		0x1000u		/* region table */
#define VA_CONST	0x2000u		/* region 1 */
#define VA_ARENA	0x3000u		/* region 2 */
#define VA_IO		0x4000u		/* region 3: the pooled output */
#define SRAM(off)	(NPU_SRAM_VA + (off))

#define R_CONST(off)	NPU_ADDR(NPU_REGION_CONST, (off))
#define R_ARENA(off)	NPU_ADDR(NPU_REGION_ARENA, (off))
#define R_IO(off)	NPU_ADDR(NPU_REGION_IO_FIRST, (off))

static uint32_t cs_buf[512];

/*
 * test_run.c's job with region addresses: input, filter, bias, multipliers
 * and shifts in the constant region (at 0, 0x40, 0x80, 0xc0, 0x100; the
 * last ends at 0x108), the conv's output in the arena at 0x40 (8 bytes), a
 * DMA of it through SRAM back to arena 0x80, the pool from there into the
 * I/O region at 0 (2 bytes).
 */
static uint32_t build_stream(void)
{
	struct npu_conv_params c;
	struct npu_pool_params p = { 0 };
	struct npu_dma_params d = { .extent = { 1, 1, 1, 8 } };
	struct npu_cs_writer w;

	fw_test_hand_conv(&c, R_CONST(0), R_CONST(0x40), R_ARENA(0x40),
			  R_CONST(0x80), R_CONST(0xc0), R_CONST(0x100));
	TENSOR(&p.input, R_ARENA(0x80), NPU_DTYPE_INT8, 5, 1, 2, 2, 2);
	TENSOR(&p.output, R_IO(0), NPU_DTYPE_INT8, 5, 1, 1, 1, 2);
	p.filter_h = p.filter_w = 2;
	p.stride_h = p.stride_w = 1;
	p.act_min = -128;
	p.act_max = 127;

	npu_cs_init(&w, cs_buf, sizeof(cs_buf));
	npu_cs_emit(&w, NPU_CMD_CONV_2D, &c);
	d.src = R_ARENA(0x40);
	d.dst = SRAM(0);
	npu_cs_emit(&w, NPU_CMD_DMA, &d);
	d.src = SRAM(0);
	d.dst = R_ARENA(0x80);
	npu_cs_emit(&w, NPU_CMD_DMA, &d);
	npu_cs_emit(&w, NPU_CMD_MAX_POOL_2D, &p);
	ck_assert_uint_gt(npu_cs_bytes(&w), 0);
	return npu_cs_bytes(&w);
}

static void put_table(struct vmem *m, const uint64_t base[4],
		      const uint64_t size[4])
{
	uint64_t rt[2 * NPU_CS_MAX_REGIONS] = { 0 };
	int i;

	for (i = 1; i < 4; i++) {
		rt[2 * i] = base[i];
		rt[2 * i + 1] = size[i];
	}
	vmem_poke(m, VA_RT, rt, sizeof(rt));
}

static void setup(struct vmem *m, uint32_t bytes)
{
	static const int8_t in[9] = { 1, 2, 3, 4, 5, 6, 7, 8, 9 };
	static const int8_t w[8] = { 1, 0, 0, 1, 1, 1, 1, 1 };
	static const int32_t bias[2] = { 100, -10 };
	static const int32_t mult[2] = { 1 << 30, 1 << 30 };
	static const int32_t shift[2] = { 0, 1 };
	static const uint64_t base[4] = { 0, VA_CONST, VA_ARENA, VA_IO };
	static const uint64_t size[4] = { 0, 0x108, 0x88, 2 };

	memset(m, 0, sizeof(*m));
	vmem_map(m, VA_CS, 0x2000, VMEM_R);
	vmem_map(m, VA_CONST, 0x1000, VMEM_R);
	vmem_map(m, VA_ARENA, 0x2000, VMEM_R | VMEM_W);
	vmem_poke(m, VA_CS, cs_buf, bytes);
	vmem_poke(m, VA_CONST + 0x00, in, sizeof(in));
	vmem_poke(m, VA_CONST + 0x40, w, sizeof(w));
	vmem_poke(m, VA_CONST + 0x80, bias, sizeof(bias));
	vmem_poke(m, VA_CONST + 0xc0, mult, sizeof(mult));
	vmem_poke(m, VA_CONST + 0x100, shift, sizeof(shift));
	put_table(m, base, size);
}

START_TEST(regions_validate_sizes)
{
	struct npu_fw_region_use use;
	struct npu_fw_verror err = { 0 };
	uint32_t bytes = build_stream();

	ck_assert_int_eq(npu_fw_validate_regions(cs_buf, bytes, &use, &err), 0);
	ck_assert_uint_eq(use.size[0], 0);
	ck_assert_uint_eq(use.size[NPU_REGION_CONST], 0x108);
	ck_assert_uint_eq(use.size[NPU_REGION_ARENA], 0x88);
	ck_assert_uint_eq(use.size[NPU_REGION_IO_FIRST], 2);
	ck_assert_uint_eq(use.size[4], 0);
	/* bit 0: the SRAM window */
	ck_assert_uint_eq(use.used, 0xfu);
	ck_assert_uint_eq(use.write, (1u << NPU_REGION_ARENA) |
				     (1u << NPU_REGION_IO_FIRST));
	/* Structurally valid: only the ranges tell a region stream apart. */
	ck_assert_int_eq(npu_fw_validate(cs_buf, bytes, NULL, NULL, NULL), 0);
}
END_TEST

static int absolute_only(void *ctx, uint64_t va, uint64_t len, uint32_t access)
{
	(void)ctx;
	(void)access;
	/* The kernel's plain-submit check: its buffers are all below 1 MiB. */
	return va < 0x100000 && len <= 0x100000 - va ? 0 : -NPU_FW_EINVAL;
}

START_TEST(regions_refused_in_plain_streams)
{
	struct npu_fw_result res;
	struct npu_fw_verror err = { 0 };
	struct vmem m;
	struct npu_fw_env env = vmem_env(&m);
	uint32_t bytes = build_stream();
	uint8_t arena[0x88], zero[0x88] = { 0 };

	ck_assert_int_eq(npu_fw_validate(cs_buf, bytes, absolute_only, NULL,
					 &err), -NPU_FW_EINVAL);
	ck_assert_uint_eq(err.cmd_index, 1);
	setup(&m, bytes);
	/* No table: the job fails before its first command. */
	ck_assert_int_eq(npu_fw_run(&env, VA_CS, bytes, &res), -NPU_FW_EINVAL);
	ck_assert_uint_eq(res.status, NPU_JOB_ERR_BAD_STREAM);
	ck_assert_str_eq(res.reason, "region address in a job without a region table");
	vmem_peek(&m, VA_ARENA, arena, sizeof(arena));
	ck_assert_mem_eq(arena, zero, sizeof(arena));
	ck_assert_uint_eq(m.allocs, m.frees);
	vmem_free(&m);
}
END_TEST

START_TEST(regions_run_through_table)
{
	static const int8_t expect[8] = { 57, 3, 56, 3, 57, 8, 57, 3 };
	static const int8_t expect_pool[2] = { 57, 8 };
	struct npu_fw_result res;
	struct vmem m;
	struct npu_fw_env env = vmem_env(&m);
	uint32_t bytes = build_stream();
	int8_t out[8];

	setup(&m, bytes);
	vmem_map(&m, VA_IO, 0x1000, VMEM_R | VMEM_W);
	ck_assert_int_eq(npu_fw_run_job(&env, VA_CS, bytes, VA_RT, &res), 0);
	ck_assert_uint_eq(res.status, NPU_JOB_OK);
	vmem_peek(&m, VA_ARENA + 0x40, out, 8);
	ck_assert_mem_eq(out, expect, 8);
	vmem_peek(&m, VA_ARENA + 0x80, out, 8);
	ck_assert_mem_eq(out, expect, 8);
	vmem_peek(&m, VA_IO, out, 2);
	ck_assert_mem_eq(out, expect_pool, 2);
	/* stream, table, conv 41, DMA 8, pool 8 */
	ck_assert_uint_eq(res.dram_read_bytes,
			  bytes + sizeof(struct npu_hw_region) * NPU_CS_MAX_REGIONS +
			  41 + 8 + 8);
	ck_assert_uint_eq(m.allocs, m.frees);
	vmem_free(&m);
}
END_TEST

/* One region too small by one byte, or unbound: nothing runs. */
START_TEST(regions_outside_region)
{
	static const char *const why[] = {
		"operand outside its region", "region not bound by the job",
	};
	struct npu_fw_result res;
	struct vmem m;
	struct npu_fw_env env = vmem_env(&m);
	uint32_t bytes = build_stream();
	uint8_t arena[0x88], zero[0x88] = { 0 };
	const uint64_t base[4] = { 0, VA_CONST, VA_ARENA, VA_IO };
	int r, unbound;

	for (unbound = 0; unbound < 2; unbound++) {
		for (r = 1; r < 4; r++) {
			uint64_t size[4] = { 0, 0x108, 0x88, 2 };

			size[r] = unbound ? 0 : size[r] - 1;
			setup(&m, bytes);
			vmem_map(&m, VA_IO, 0x1000, VMEM_R | VMEM_W);
			put_table(&m, base, size);
			ck_assert_int_eq(npu_fw_run_job(&env, VA_CS, bytes,
							VA_RT, &res),
					 -NPU_FW_EINVAL);
			ck_assert_uint_eq(res.status, NPU_JOB_ERR_BAD_STREAM);
			ck_assert_str_eq(res.reason, why[unbound]);
			vmem_peek(&m, VA_ARENA, arena, sizeof(arena));
			ck_assert_mem_eq(arena, zero, sizeof(arena));
			ck_assert_uint_eq(m.allocs, m.frees);
			vmem_free(&m);
		}
	}
}
END_TEST

START_TEST(regions_bad_table)
{
	struct npu_fw_result res;
	struct vmem m;
	struct npu_fw_env env = vmem_env(&m);
	uint32_t bytes = build_stream();
	const uint64_t base[4] = { 0, VA_CONST, VA_ARENA, NPU_VA_SIZE - 1 };
	const uint64_t size[4] = { 0, 0x108, 0x88, 2 };
	const uint64_t one = 1;

	/* Unmapped table: an MMU fault of the job at its address. */
	setup(&m, bytes);
	ck_assert_int_eq(npu_fw_run_job(&env, VA_CS, bytes, 0x10000, &res),
			 -NPU_FW_EFAULT);
	ck_assert_uint_eq(res.status, NPU_JOB_ERR_MMU_FAULT);
	ck_assert_uint_eq(res.fault_addr, 0x10000);
	/* Misaligned. */
	ck_assert_int_eq(npu_fw_run_job(&env, VA_CS, bytes, VA_RT + 8, &res),
			 -NPU_FW_EINVAL);
	ck_assert_str_eq(res.reason, "region table misaligned");
	/* Entry 0 is not a region. */
	vmem_poke(&m, VA_RT + 8, &one, sizeof(one));
	ck_assert_int_eq(npu_fw_run_job(&env, VA_CS, bytes, VA_RT, &res),
			 -NPU_FW_EINVAL);
	ck_assert_str_eq(res.reason, "region table entry 0 not zero");
	/* A region beyond the address space. */
	put_table(&m, base, size);
	ck_assert_int_eq(npu_fw_run_job(&env, VA_CS, bytes, VA_RT, &res),
			 -NPU_FW_EINVAL);
	ck_assert_uint_eq(res.status, NPU_JOB_ERR_BAD_STREAM);
	ck_assert_str_eq(res.reason, "region outside the address space");
	ck_assert_uint_eq(m.allocs, m.frees);
	vmem_free(&m);
}
END_TEST

/* Command objects: region 0 only for the SRAM window; offsets bounded. */
START_TEST(regions_object_rules)
{
	struct npu_fw_region_use use;
	struct npu_fw_verror err = { 0 };
	struct npu_copy_params c = { 0 };
	struct npu_dma_params d = { .extent = { 1, 1, 1, 16 } };
	struct npu_cs_writer w;

	/* An absolute DRAM address. */
	TENSOR(&c.input, R_CONST(0), NPU_DTYPE_INT8, 0, 16);
	TENSOR(&c.output, 0x5000, NPU_DTYPE_INT8, 0, 16);
	npu_cs_init(&w, cs_buf, sizeof(cs_buf));
	npu_cs_emit(&w, NPU_CMD_COPY, &c);
	ck_assert_int_eq(npu_fw_validate_regions(cs_buf, npu_cs_bytes(&w), &use,
						 &err), -NPU_FW_EINVAL);
	ck_assert_str_eq(err.reason,
			 "absolute address outside the SRAM window in a region stream");
	ck_assert_uint_eq(err.cmd_index, 1);
	ck_assert_uint_eq(use.used, 0);

	/* Absolute DMA source: refused too. */
	d.src = 0x5000;
	d.dst = SRAM(0);
	npu_cs_init(&w, cs_buf, sizeof(cs_buf));
	npu_cs_emit(&w, NPU_CMD_DMA, &d);
	ck_assert_int_eq(npu_fw_validate_regions(cs_buf, npu_cs_bytes(&w), &use,
						 &err), -NPU_FW_EINVAL);

	/* Region to SRAM and back to another region: fine. */
	d.src = R_CONST(0x10);
	npu_cs_init(&w, cs_buf, sizeof(cs_buf));
	npu_cs_emit(&w, NPU_CMD_DMA, &d);
	d.src = SRAM(0);
	d.dst = R_IO(0x40);
	npu_cs_emit(&w, NPU_CMD_DMA, &d);
	ck_assert_int_eq(npu_fw_validate_regions(cs_buf, npu_cs_bytes(&w), &use,
						 &err), 0);
	ck_assert_uint_eq(use.size[NPU_REGION_CONST], 0x20);
	ck_assert_uint_eq(use.size[NPU_REGION_IO_FIRST], 0x50);
	ck_assert_uint_eq(use.used, 1u | (1u << NPU_REGION_CONST) |
					 (1u << NPU_REGION_IO_FIRST));
	ck_assert_uint_eq(use.write, 1u << NPU_REGION_IO_FIRST);

	/* Offsets are bounded by the address space, and aligned. */
	TENSOR(&c.input, R_CONST(NPU_VA_SIZE - 8), NPU_DTYPE_INT8, 0, 16);
	TENSOR(&c.output, R_ARENA(0), NPU_DTYPE_INT8, 0, 16);
	npu_cs_init(&w, cs_buf, sizeof(cs_buf));
	npu_cs_emit(&w, NPU_CMD_COPY, &c);
	ck_assert_int_eq(npu_fw_validate_regions(cs_buf, npu_cs_bytes(&w), &use,
						 &err), -NPU_FW_EINVAL);
	TENSOR(&c.input, NPU_ADDR(15, NPU_ADDR_OFFSET_MASK), NPU_DTYPE_INT8, 0, 1);
	TENSOR(&c.output, R_ARENA(0), NPU_DTYPE_INT8, 0, 1);
	npu_cs_init(&w, cs_buf, sizeof(cs_buf));
	npu_cs_emit(&w, NPU_CMD_COPY, &c);
	ck_assert_int_eq(npu_fw_validate_regions(cs_buf, npu_cs_bytes(&w), &use,
						 &err), -NPU_FW_EINVAL);
	TENSOR(&c.input, R_CONST(2), NPU_DTYPE_INT32, 0, 4);
	TENSOR(&c.output, R_ARENA(0), NPU_DTYPE_INT32, 0, 4);
	npu_cs_init(&w, cs_buf, sizeof(cs_buf));
	npu_cs_emit(&w, NPU_CMD_COPY, &c);
	ck_assert_int_eq(npu_fw_validate_regions(cs_buf, npu_cs_bytes(&w), &use,
						 &err), -NPU_FW_EINVAL);
	/* The highest region, at the top of the address space: fine. */
	TENSOR(&c.input, NPU_ADDR(15, NPU_VA_SIZE - 16), NPU_DTYPE_INT32, 0, 4);
	npu_cs_init(&w, cs_buf, sizeof(cs_buf));
	npu_cs_emit(&w, NPU_CMD_COPY, &c);
	ck_assert_int_eq(npu_fw_validate_regions(cs_buf, npu_cs_bytes(&w), &use,
						 &err), 0);
	ck_assert_uint_eq(use.size[15], NPU_VA_SIZE);
	ck_assert_uint_eq(use.used, (1u << 15) | (1u << NPU_REGION_ARENA));
}
END_TEST

Suite *suite_regions(void)
{
	Suite *s = suite_create("regions");
	TCase *tc = tcase_create("core");

	tcase_add_test(tc, regions_validate_sizes);
	tcase_add_test(tc, regions_refused_in_plain_streams);
	tcase_add_test(tc, regions_run_through_table);
	tcase_add_test(tc, regions_outside_region);
	tcase_add_test(tc, regions_bad_table);
	tcase_add_test(tc, regions_object_rules);
	suite_add_tcase(s, tc);
	return s;
}
