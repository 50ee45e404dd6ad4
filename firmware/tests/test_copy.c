// SPDX-License-Identifier: MIT
/*
 * STRIDED_COPY: boxes with positive, zero and negative strides and fills,
 * worked out by hand; the command processor keeps the output outside the
 * box; every check.
 */
#include "fw_test.h"
#include "fw_vmem.h"

static int check(const struct npu_strided_copy_params *p, const char **why)
{
	return npu_fw_check_op(NPU_CMD_STRIDED_COPY, p, sizeof(*p),
			       NPU_FW_CHECK_HW_LIMITS, why);
}

static void box(struct npu_strided_copy_params *p, uint32_t e3, uint32_t e4)
{
	uint32_t i;

	for (i = 0; i < NPU_CS_MAX_DIMS; i++)
		p->extent[i] = 1;
	p->extent[3] = e3;
	p->extent[4] = e4;
}

/*
 * Input [3, 4] = 0..11.  Box 2x3 from (1, 3) walking rows down and
 * columns left (strides 4, -1): {7, 6, 5, 11, 10, 9}, into output [3, 4]
 * at (0, 1) with strides 4, 1; the rest of the output keeps -1.
 */
START_TEST(copy_reversed_box)
{
	static const int8_t expect[12] = { -1, 7, 6, 5, -1, 11, 10, 9,
					   -1, -1, -1, -1 };
	struct npu_strided_copy_params p = { 0 };
	int8_t in[12], out[12];
	int i;

	for (i = 0; i < 12; i++)
		in[i] = (int8_t)i;
	memset(out, -1, sizeof(out));
	TENSOR(&p.input, 0, NPU_DTYPE_INT8, 2, 3, 4);
	TENSOR(&p.output, 0, NPU_DTYPE_INT8, 2, 3, 4);
	box(&p, 2, 3);
	p.in_offset = 7;
	p.in_stride[3] = 4;
	p.in_stride[4] = -1;
	p.out_offset = 1;
	p.out_stride[3] = 4;
	p.out_stride[4] = 1;
	ck_assert_int_eq(check(&p, NULL), 0);
	npu_op_strided_copy(&p, in, out);
	ck_assert_mem_eq(out, expect, sizeof(expect));
}
END_TEST

/* Stride 0 repeats (a broadcast); a fill writes its value, int16 and int64. */
START_TEST(copy_broadcast_and_fill)
{
	static const int16_t in16[2] = { 300, -5 };
	static const int16_t bcast[6] = { 300, -5, 300, -5, 300, -5 };
	static const int16_t filled[6] = { 0, -7, -7, -7, 0, 0 };
	static const int64_t filled64[3] = { 9, -2, 9 };
	struct npu_strided_copy_params p = { 0 };
	int16_t out[6];
	int64_t out64[3] = { 9, 9, 9 };

	TENSOR(&p.input, 0, NPU_DTYPE_INT16, 0, 2);
	TENSOR(&p.output, 0, NPU_DTYPE_INT16, 0, 3, 2);
	box(&p, 3, 2);
	p.in_stride[4] = 1;
	p.out_stride[3] = 2;
	p.out_stride[4] = 1;
	ck_assert_int_eq(check(&p, NULL), 0);
	npu_op_strided_copy(&p, in16, out);
	ck_assert_mem_eq(out, bcast, sizeof(bcast));

	memset(out, 0, sizeof(out));
	memset(p.in_stride, 0, sizeof(p.in_stride));
	p.flags = NPU_COPY_FILL;
	p.fill_value = -7;
	box(&p, 1, 3);
	p.out_offset = 1;
	ck_assert_int_eq(check(&p, NULL), 0);
	npu_op_strided_copy(&p, NULL, out);
	ck_assert_mem_eq(out, filled, sizeof(filled));

	memset(&p, 0, sizeof(p));
	TENSOR(&p.input, 0, NPU_DTYPE_INT64, 0, 1);
	TENSOR(&p.output, 0, NPU_DTYPE_INT64, 0, 3);
	box(&p, 1, 1);
	p.out_offset = 1;
	p.flags = NPU_COPY_FILL;
	p.fill_value = -2;
	ck_assert_int_eq(check(&p, NULL), 0);
	npu_op_strided_copy(&p, NULL, out64);
	ck_assert_mem_eq(out64, filled64, sizeof(filled64));
}
END_TEST

START_TEST(copy_check)
{
	struct npu_strided_copy_params p = { 0 };
	const char *why;

	TENSOR(&p.input, 0, NPU_DTYPE_INT8, 0, 3, 4);
	TENSOR(&p.output, 0, NPU_DTYPE_INT8, 0, 3, 4);
	box(&p, 3, 4);
	p.in_stride[3] = 4;
	p.in_stride[4] = 1;
	p.out_stride[3] = 4;
	p.out_stride[4] = 1;
	ck_assert_int_eq(check(&p, NULL), 0);
	p.out_offset = 1;
	ck_assert_int_ne(check(&p, &why), 0);
	ck_assert_str_eq(why, "box outside the output");
	p.out_offset = 0;
	p.in_stride[4] = -1;
	ck_assert_int_ne(check(&p, &why), 0);
	ck_assert_str_eq(why, "box outside the input");
	p.in_offset = 3;	/* the walk now stays inside */
	ck_assert_int_eq(check(&p, NULL), 0);
	p.extent[0] = 0;
	ck_assert_int_ne(check(&p, &why), 0);
	ck_assert_str_eq(why, "box extent outside 1..65535");
	p.extent[0] = 1;
	p.flags = 2;
	ck_assert_int_ne(check(&p, &why), 0);
	ck_assert_str_eq(why, "unknown copy flag");
	p.flags = NPU_COPY_FILL;
	ck_assert_int_ne(check(&p, &why), 0);
	ck_assert_str_eq(why, "fill with an input stride");
	memset(p.in_stride, 0, sizeof(p.in_stride));
	ck_assert_int_ne(check(&p, &why), 0);
	ck_assert_str_eq(why, "fill with an input offset");
	p.in_offset = 0;
	p.fill_value = 128;
	ck_assert_int_ne(check(&p, &why), 0);
	ck_assert_str_eq(why, "fill value outside the type");
	p.fill_value = -128;
	ck_assert_int_eq(check(&p, NULL), 0);
	p.output.zero_point = 1;
	ck_assert_int_ne(check(&p, &why), 0);
	ck_assert_str_eq(why, "input and output zero points differ");
	TENSOR(&p.output, 0, NPU_DTYPE_UINT8, 0, 3, 4);
	ck_assert_int_ne(check(&p, &why), 0);
	ck_assert_str_eq(why, "input and output types differ");
	ck_assert_uint_eq(npu_fw_cmd_features(NPU_CMD_STRIDED_COPY),
			  NPU_FW_FEAT_STRIDED_COPY);
}
END_TEST

static int record_access(void *ctx, uint64_t va, uint64_t len, uint32_t access)
{
	uint32_t *acc = ctx;

	(void)va;
	(void)len;
	acc[acc[0] + 1] = access;
	acc[0]++;
	return 0;
}

/* The validator approves reading the output the processor reads first. */
START_TEST(copy_ranges_read_output)
{
	struct npu_strided_copy_params p = { 0 };
	uint32_t acc[4] = { 0 };

	TENSOR(&p.input, 0x1000, NPU_DTYPE_INT8, 0, 4);
	TENSOR(&p.output, 0x2000, NPU_DTYPE_INT8, 0, 8);
	box(&p, 1, 4);
	p.in_stride[4] = 1;
	p.out_stride[4] = 2;
	ck_assert_int_eq(npu_fw_cmd_ranges(NPU_CMD_STRIDED_COPY, &p,
					   record_access, acc), 0);
	ck_assert_uint_eq(acc[0], 2);
	ck_assert_uint_eq(acc[1], NPU_FW_ACCESS_READ);
	ck_assert_uint_eq(acc[2], NPU_FW_ACCESS_READ | NPU_FW_ACCESS_WRITE);
}
END_TEST

/*
 * Through the command processor: a fill of the middle row then a copy of
 * [2] into its first two elements; the output around them, pre-set to
 * 0x55, is kept (the output is read before the command runs), and a fill
 * reads no input operand.
 */
START_TEST(copy_run_keeps_output)
{
	static const int8_t a[2] = { 1, 2 };
	static const int8_t expect[9] = { 0x55, 0x55, 0x55, 1, 2, 9,
					  0x55, 0x55, 0x55 };
	static uint32_t cs[256];
	struct vmem m = { 0 };
	struct npu_fw_env env = vmem_env(&m);
	struct npu_fw_result res;
	struct npu_fw_cost cost = { 0 };
	struct npu_strided_copy_params p = { 0 };
	struct npu_fw_operand ops[NPU_FW_SLOT_COUNT];
	struct npu_cs_writer w;
	uint8_t pre[16];
	int8_t out[9];

	npu_cs_init(&w, cs, sizeof(cs));
	TENSOR(&p.input, 0x1000, NPU_DTYPE_INT8, 0, 2);
	TENSOR(&p.output, 0x2000, NPU_DTYPE_INT8, 0, 3, 3);
	box(&p, 1, 3);
	p.out_offset = 3;
	p.out_stride[4] = 1;
	p.flags = NPU_COPY_FILL;
	p.fill_value = 9;
	ck_assert_uint_eq(npu_fw_cmd_operands(NPU_CMD_STRIDED_COPY,
		(const union npu_cmd_params *)&p, ops), 1);
	npu_cs_emit(&w, NPU_CMD_STRIDED_COPY, &p);
	p.flags = 0;
	p.fill_value = 0;
	box(&p, 1, 2);
	p.in_stride[4] = 1;
	npu_cs_emit(&w, NPU_CMD_STRIDED_COPY, &p);

	memset(pre, 0x55, sizeof(pre));
	vmem_map(&m, 0, 3 * 4096, VMEM_R | VMEM_W);
	vmem_poke(&m, 0, cs, npu_cs_bytes(&w));
	vmem_poke(&m, 0x1000, a, 2);
	vmem_poke(&m, 0x2000, pre, sizeof(pre));
	ck_assert_int_eq(npu_fw_run(&env, 0, npu_cs_bytes(&w), &res), 0);
	vmem_peek(&m, 0x2000, out, 9);
	ck_assert_mem_eq(out, expect, 9);
	/* Reads: the stream, the output twice (9 + 9) and the input (2). */
	ck_assert_int_eq(npu_fw_estimate_stream(NULL, cs, npu_cs_bytes(&w), &cost), 0);
	ck_assert_uint_eq(cost.dram_read_bytes, npu_cs_bytes(&w) + 20);
	ck_assert_uint_eq(res.dram_read_bytes, cost.dram_read_bytes);
	ck_assert_uint_eq(res.dram_write_bytes, 9 + 9);
	vmem_free(&m);
}
END_TEST

Suite *suite_copy(void)
{
	Suite *s = suite_create("strided_copy");
	TCase *tc = tcase_create("hand-worked");

	tcase_add_test(tc, copy_reversed_box);
	tcase_add_test(tc, copy_broadcast_and_fill);
	tcase_add_test(tc, copy_check);
	tcase_add_test(tc, copy_run_keeps_output);
	tcase_add_test(tc, copy_ranges_read_output);
	suite_add_tcase(s, tc);
	return s;
}
