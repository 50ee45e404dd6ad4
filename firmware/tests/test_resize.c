// SPDX-License-Identifier: MIT
/*
 * RESIZE_BILINEAR and RESIZE_NEAREST: every flag and type against outputs
 * of TFLite 2.21's reference kernels (ai-edge-litert, BUILTIN_REF) on the
 * same inputs, and every check of the parameters.
 */
#include <errno.h>

#include "fw_test.h"

#define ALIGN	NPU_RESIZE_ALIGN_CORNERS
#define HALF	NPU_RESIZE_HALF_PIXEL_CENTERS

static void resize_shape(struct npu_resize_params *p, uint8_t dt,
			 uint32_t ih, uint32_t iw, uint32_t oh, uint32_t ow)
{
	memset(p, 0, sizeof(*p));
	TENSOR(&p->input, 0, dt, 0, 1, ih, iw, 1);
	TENSOR(&p->output, 0, dt, 0, 1, oh, ow, 1);
}

static int check(const struct npu_resize_params *p, uint32_t op,
		 const char **reason)
{
	return npu_fw_check_op(op, p, sizeof(*p), NPU_FW_CHECK_HW_LIMITS,
			       reason);
}

/*
 * A valid case of @op: resize_shape() with @flags (bilinear) or a table
 * address (nearest), which the firmware's check accepts.
 */
static void resize_case(struct npu_resize_params *p, uint32_t op, uint8_t dt,
			uint32_t ih, uint32_t iw, uint32_t oh, uint32_t ow,
			uint32_t flags)
{
	resize_shape(p, dt, ih, iw, oh, ow);
	if (op == NPU_CMD_RESIZE_NEAREST)
		p->table_addr = 0x1000;
	else
		p->flags = flags;
	ck_assert_int_eq(check(p, op, NULL), 0);
}

/* [1, 2, 3, 1] -> [1, 3, 5, 1], int8. */
START_TEST(bilinear_s8_flags)
{
	static const int8_t in[6] = { -128, 0, 127, 40, -7, 99 };
	static const struct {
		uint32_t flags;
		int8_t out[15];
	} cases[] = {
		{ 0, { -128, -51, 25, 101, 127, -16, -9, 18, 86, 108,
		       40, 12, 14, 78, 99 } },
		{ ALIGN, { -128, -64, 0, 64, 127, -44, -24, -4, 55, 113,
			   40, 17, -7, 46, 99 } },
		{ HALF, { -128, -77, 0, 76, 127, -44, -28, -4, 66, 113,
			  40, 21, -7, 56, 99 } },
	};
	struct npu_resize_params p;
	int8_t out[15];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		resize_case(&p, NPU_CMD_RESIZE_BILINEAR, NPU_DTYPE_INT8, 2, 3, 3,
			    5, cases[i].flags);
		npu_op_resize_bilinear_s8(&p, in, out);
		ck_assert_mem_eq(out, cases[i].out, sizeof(out));
	}
}
END_TEST

/* [1, 2, 3, 1] -> [1, 5, 4, 1], int16 over the whole range. */
START_TEST(bilinear_s16_flags)
{
	static const int16_t in[6] = { -32768, 1000, 32767, 4000, -77, 12345 };
	static const struct {
		uint32_t flags;
		int16_t out[20];
	} cases[] = {
		{ 0, { -32768, -7442, 16884, 32767, -18046, -4085, 12580,
		       24590, -3325, -728, 8276, 16413, 4000, 942, 6134,
		       12345, 4000, 942, 6134, 12345 } },
		{ ALIGN, { -32768, -10245, 11610, 32767, -23576, -7364, 9725,
			   27662, -14384, -4482, 7841, 22556, -5192, -1601,
			   5956, 17451, 4000, 1281, 4072, 12345 } },
		{ HALF, { -32768, -11663, 12913, 32767, -29070, -10344, 12075,
			  30713, -14348, -5093, 8739, 22536, 373, 158, 5403,
			  14359, 4000, 1452, 4581, 12345 } },
	};
	struct npu_resize_params p;
	int16_t out[20];
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		resize_case(&p, NPU_CMD_RESIZE_BILINEAR, NPU_DTYPE_INT16, 2, 3, 5,
			    4, cases[i].flags);
		npu_op_resize_bilinear_s16(&p, in, out);
		ck_assert_mem_eq(out, cases[i].out, sizeof(out));
	}
}
END_TEST

/* Batches and channels are carried through; same size is the identity. */
START_TEST(bilinear_identity_channels)
{
	struct npu_resize_params p = { 0 };
	int8_t in[2 * 3 * 4 * 5], out[sizeof(in)];
	size_t i;

	for (i = 0; i < sizeof(in); i++)
		in[i] = (int8_t)(i * 37 + 11);
	TENSOR(&p.input, 0, NPU_DTYPE_INT8, 3, 2, 3, 4, 5);
	TENSOR(&p.output, 0, NPU_DTYPE_INT8, 3, 2, 3, 4, 5);
	ck_assert_int_eq(check(&p, NPU_CMD_RESIZE_BILINEAR, NULL), 0);
	npu_op_resize_bilinear_s8(&p, in, out);
	ck_assert_mem_eq(out, in, sizeof(in));
}
END_TEST

/*
 * Nearest neighbour, [1, 3, 5, 1] holding 0..14 -> [1, 7, 3, 1]: the host
 * table and the gather give TFLite's outputs for each flag combination
 * (TFLite's nearest accepts both flags together).
 */
START_TEST(nearest_flags)
{
	static const struct {
		bool align, half;
		int8_t out[21];
	} cases[] = {
		{ false, false, { 0, 1, 3, 0, 1, 3, 0, 1, 3, 5, 6, 8, 5, 6, 8,
				  10, 11, 13, 10, 11, 13 } },
		{ true, false, { 0, 2, 4, 0, 2, 4, 5, 7, 9, 5, 7, 9, 5, 7, 9,
				 10, 12, 14, 10, 12, 14 } },
		{ false, true, { 0, 2, 4, 0, 2, 4, 5, 7, 9, 5, 7, 9, 5, 7, 9,
				 10, 12, 14, 10, 12, 14 } },
		{ true, true, { 1, 3, 4, 6, 8, 9, 6, 8, 9, 6, 8, 9, 11, 13, 14,
				11, 13, 14, 11, 13, 14 } },
	};
	struct npu_resize_params p;
	int8_t in[15], out[21];
	uint16_t table[7 + 3];
	size_t i;

	for (i = 0; i < sizeof(in); i++)
		in[i] = (int8_t)i;
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		resize_case(&p, NPU_CMD_RESIZE_NEAREST, NPU_DTYPE_INT8, 3, 5, 7, 3,
			    0);
		ck_assert_int_eq(npu_host_resize_nearest_table(3, 5, 7, 3,
			cases[i].align, cases[i].half, table), 0);
		npu_op_resize_nearest(&p, in, table, out);
		ck_assert_mem_eq(out, cases[i].out, sizeof(out));
	}
	ck_assert_int_eq(npu_host_resize_nearest_table(0, 5, 7, 3, false,
						       false, table), -EINVAL);
}
END_TEST

/* 4-byte elements with channels; a hostile table reads the last row. */
START_TEST(nearest_wide_and_hostile_table)
{
	static const int32_t in[2 * 2 * 2] = { 1, -1, 2, -2, 3, -3, 4, -4 };
	static const int32_t expect[2 * 3 * 2] = { 4, -4, 3, -3, 4, -4,
						   2, -2, 1, -1, 2, -2 };
	static const uint16_t table[2 + 3] = { 0xffff, 0, 7, 0, 1 };
	struct npu_resize_params p = { 0 };
	int32_t out[12];

	TENSOR(&p.input, 0, NPU_DTYPE_INT32, 0, 1, 2, 2, 2);
	TENSOR(&p.output, 0, NPU_DTYPE_INT32, 0, 1, 2, 3, 2);
	p.table_addr = 0x1000;
	ck_assert_int_eq(check(&p, NPU_CMD_RESIZE_NEAREST, NULL), 0);
	/* rows {last, 0}, columns {last, 0, 1}. */
	npu_op_resize_nearest(&p, in, table, out);
	ck_assert_mem_eq(out, expect, sizeof(expect));
}
END_TEST

/* An output 2000 times the input: positions past the input stay inside. */
START_TEST(bilinear_huge_ratio)
{
	struct npu_resize_params p;
	static int8_t out[3000];
	const int8_t in[2] = { -100, 100 };
	size_t i;

	resize_case(&p, NPU_CMD_RESIZE_BILINEAR, NPU_DTYPE_INT8, 1, 2, 1, 3000,
		    0);
	npu_op_resize_bilinear_s8(&p, in, out);
	ck_assert_int_eq(out[0], -100);
	for (i = 1; i < 3000; i++)
		ck_assert(out[i] >= out[i - 1] && out[i] <= 100);
}
END_TEST

START_TEST(resize_check)
{
	struct npu_resize_params p;
	const char *reason;

	resize_shape(&p, NPU_DTYPE_INT8, 2, 3, 4, 6);
	p.flags = ALIGN | HALF;
	ck_assert_int_ne(check(&p, NPU_CMD_RESIZE_BILINEAR, &reason), 0);
	ck_assert_str_eq(reason, "align_corners with half_pixel_centers");
	p.flags = 1u << 2;
	ck_assert_int_ne(check(&p, NPU_CMD_RESIZE_BILINEAR, &reason), 0);
	ck_assert_str_eq(reason, "unknown resize flag");
	p.flags = 0;
	p.table_addr = 0x1000;
	ck_assert_int_ne(check(&p, NPU_CMD_RESIZE_BILINEAR, &reason), 0);
	ck_assert_str_eq(reason, "bilinear resize takes no table");
	p.table_addr = 0;
	p.reserved = 1;
	ck_assert_int_ne(check(&p, NPU_CMD_RESIZE_BILINEAR, &reason), 0);
	ck_assert_str_eq(reason, "reserved field not zero");

	resize_shape(&p, NPU_DTYPE_INT32, 2, 3, 4, 6);
	ck_assert_int_ne(check(&p, NPU_CMD_RESIZE_BILINEAR, &reason), 0);
	resize_shape(&p, NPU_DTYPE_INT8, 2, 3, 4, 6);
	p.output.dims[3] = 2;
	ck_assert_int_ne(check(&p, NPU_CMD_RESIZE_BILINEAR, &reason), 0);
	ck_assert_str_eq(reason, "resize changes batch or channels");
	resize_shape(&p, NPU_DTYPE_INT8, 2, 3, 4, 6);
	p.output.zero_point = 1;
	ck_assert_int_ne(check(&p, NPU_CMD_RESIZE_BILINEAR, &reason), 0);
	ck_assert_str_eq(reason, "input and output zero points differ");
	memset(&p, 0, sizeof(p));
	TENSOR(&p.input, 0, NPU_DTYPE_INT8, 0, 2, 3, 4);
	TENSOR(&p.output, 0, NPU_DTYPE_INT8, 0, 2, 3, 4);
	ck_assert_int_ne(check(&p, NPU_CMD_RESIZE_BILINEAR, &reason), 0);
	ck_assert_str_eq(reason, "resize needs NHWC tensors");

	resize_case(&p, NPU_CMD_RESIZE_NEAREST, NPU_DTYPE_UINT8, 2, 3, 4, 6, 0);
	p.table_addr = 0x1001;
	ck_assert_int_ne(check(&p, NPU_CMD_RESIZE_NEAREST, &reason), 0);
	ck_assert_str_eq(reason,
			 "table misaligned or outside the address space");
	p.table_addr = 0x1000;
	p.flags = ALIGN;
	ck_assert_int_ne(check(&p, NPU_CMD_RESIZE_NEAREST, &reason), 0);
	ck_assert_str_eq(reason, "nearest resize takes no flags");

	ck_assert_uint_eq(npu_fw_cmd_features(NPU_CMD_RESIZE_BILINEAR),
			  NPU_FW_FEAT_RESIZE);
	ck_assert_uint_eq(npu_fw_cmd_features(NPU_CMD_RESIZE_NEAREST),
			  NPU_FW_FEAT_RESIZE);
}
END_TEST

/* The nearest command's operands include its table of out_h + out_w. */
START_TEST(resize_operands_and_exec)
{
	union npu_cmd_params p;
	struct npu_fw_operand ops[NPU_FW_SLOT_COUNT];
	void *buf[NPU_FW_SLOT_COUNT] = { 0 };
	const int8_t in[15] = { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13,
				14 };
	uint16_t table[10];
	int8_t out[21], expect[21];
	uint32_t n;

	resize_shape(&p.resize, NPU_DTYPE_INT8, 3, 5, 7, 3);
	p.resize.input.addr = 0x10000;
	p.resize.output.addr = 0x20000;
	p.resize.table_addr = 0x30000;
	n = npu_fw_cmd_operands(NPU_CMD_RESIZE_NEAREST, &p, ops);
	ck_assert_uint_eq(n, 3);
	ck_assert_uint_eq(ops[1].slot, NPU_FW_SLOT_TABLE);
	ck_assert_uint_eq(ops[1].len, 2 * (7 + 3));
	ck_assert_uint_eq(ops[2].len, 21);
	ck_assert_int_eq(npu_host_resize_nearest_table(3, 5, 7, 3, false,
						       false, table), 0);
	npu_op_resize_nearest(&p.resize, in, table, expect);
	buf[NPU_FW_SLOT_IN0] = (void *)in;
	buf[NPU_FW_SLOT_TABLE] = table;
	buf[NPU_FW_SLOT_OUT] = out;
	ck_assert_int_eq(npu_fw_exec(NPU_CMD_RESIZE_NEAREST, &p, buf), 0);
	ck_assert_mem_eq(out, expect, sizeof(out));
	n = npu_fw_cmd_operands(NPU_CMD_RESIZE_BILINEAR, &p, ops);
	ck_assert_uint_eq(n, 2);
}
END_TEST

Suite *suite_resize(void)
{
	Suite *s = suite_create("resize");
	TCase *tc = tcase_create("tflite");

	tcase_add_test(tc, bilinear_s8_flags);
	tcase_add_test(tc, bilinear_s16_flags);
	tcase_add_test(tc, bilinear_identity_channels);
	tcase_add_test(tc, bilinear_huge_ratio);
	tcase_add_test(tc, nearest_flags);
	tcase_add_test(tc, nearest_wide_and_hostile_table);
	tcase_add_test(tc, resize_check);
	tcase_add_test(tc, resize_operands_and_exec);
	suite_add_tcase(s, tc);
	return s;
}
