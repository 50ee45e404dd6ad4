// SPDX-License-Identifier: MIT
/*
 * The lowering of the table unary builtins (lower/unary_lut.c): which type
 * becomes which NPU_CMD_LUT (table size, operand types), which forms run on
 * the CPU (-ENOTSUP) and which TFLite refuses (-EINVAL).  The tables'
 * values are the firmware library's (firmware/tests/test_eltwise2.c) and
 * tests/tflite/ops_ref.py checks them against the interpreter.
 */
#include <check.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check_util.h"
#include "npu_cpu.h"
#include "test_cpu_graph.h"
#include "lower_util.h"

static const int32_t shape[] = { 2, 3 };
static const uint32_t dims[] = { 2, 3 };

/* A one-op graph @builtin of @type, scales 0.05 / 0.02, zero points given. */
static struct npu_graph_op *unary(struct tg *b, int32_t builtin,
				  enum npu_type type, int32_t zp_in,
				  int32_t zp_out)
{
	int32_t x, out;

	tg_init(b);
	x = tg_tensor(b, type, 2, shape, 0.05f, zp_in, NULL);
	out = tg_tensor(b, type, 2, shape, 0.02f, zp_out, NULL);
	return tg_op(b, builtin, 1, 1, x, out);
}

START_TEST(lut_forms)
{
	static const struct {
		int32_t builtin;
		enum npu_type type;
		uint8_t dtype;
		size_t table_bytes;
	} ok[] = {
		{ NPU_BUILTIN_GELU, NPU_TYPE_INT8, NPU_DTYPE_INT8, 256 },
		{ NPU_BUILTIN_GELU, NPU_TYPE_UINT8, NPU_DTYPE_UINT8, 256 },
		{ NPU_BUILTIN_GELU, NPU_TYPE_INT16, NPU_DTYPE_INT16, 1026 },
		{ NPU_BUILTIN_RSQRT, NPU_TYPE_INT8, NPU_DTYPE_INT8, 256 },
		{ NPU_BUILTIN_RSQRT, NPU_TYPE_INT16, NPU_DTYPE_INT16, 1026 },
		{ NPU_BUILTIN_NEG, NPU_TYPE_INT8, NPU_DTYPE_INT8, 256 },
		{ NPU_BUILTIN_EXP, NPU_TYPE_INT16, NPU_DTYPE_INT16, 1026 },
		{ NPU_BUILTIN_LOG, NPU_TYPE_INT16, NPU_DTYPE_INT16, 1026 },
		{ NPU_BUILTIN_HARD_SWISH, NPU_TYPE_INT8, NPU_DTYPE_INT8, 256 },
		{ NPU_BUILTIN_HARD_SWISH, NPU_TYPE_UINT8, NPU_DTYPE_UINT8, 256 },
	};

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++) {
		const int32_t zp = ok[i].type == NPU_TYPE_INT8 ? -3 :
				   ok[i].type == NPU_TYPE_UINT8 ? 128 : 0;
		struct npu_cpu_prepared *p;
		const struct npu_lut_params *l;
		struct tg b;

		unary(&b, ok[i].builtin, ok[i].type, zp, zp);
		p = prep_ok(&b);
		ck_assert_uint_eq(p->num_cmds, 1);
		ck_assert_uint_eq(p->cmds[0].opcode, NPU_CMD_LUT);
		ck_assert_uint_eq(p->table_bytes, ok[i].table_bytes);
		l = &p->cmds[0].params.lut;
		ck_assert_uint_eq(l->input.dtype, ok[i].dtype);
		ck_assert_uint_eq(l->output.dtype, ok[i].dtype);
		assert_dims(&l->output, 2, dims);
		npu_cpu_prepared_free(p);
	}
}
END_TEST

START_TEST(cpu_and_refused_forms)
{
	/* int16 ABS, SQRT, NEG and uint8 RSQRT have no table: the CPU. */
	static const struct {
		int32_t builtin;
		enum npu_type type;
	} cpu[] = {
		{ NPU_BUILTIN_ABS, NPU_TYPE_INT16 },
		{ NPU_BUILTIN_SQRT, NPU_TYPE_INT16 },
		{ NPU_BUILTIN_NEG, NPU_TYPE_INT16 },
		{ NPU_BUILTIN_RSQRT, NPU_TYPE_UINT8 },
	};
	char err[256];
	struct tg b;

	for (size_t i = 0; i < sizeof(cpu) / sizeof(cpu[0]); i++) {
		unary(&b, cpu[i].builtin, cpu[i].type, 0, 0);
		ck_assert_int_eq(prep_fail(&b, err, sizeof(err)), -ENOTSUP);
	}
	/* int16 LOG and RSQRT need zero points 0 (TFLite's GenericPrepare). */
	unary(&b, NPU_BUILTIN_LOG, NPU_TYPE_INT16, 0, 5);
	ck_assert_int_eq(prep_fail(&b, err, sizeof(err)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "zero points 0"));
}
END_TEST

/*
 * uint8 HARD_SWISH is the int8 reference arithmetic on values shifted by
 * 128: with zero points 128 (uint8) and 0 (int8) and the same scales, each
 * uint8 entry is the int8 entry plus 128, the clamps included (x = 0 gives
 * the zero point; the top of the range saturates).  int16 has no table
 * (TFLite refuses it).
 */
START_TEST(hard_swish_uint8)
{
	struct npu_cpu_prepared *p8, *pu;
	const int8_t *t8;
	const uint8_t *tu;
	char err[256];
	struct tg b, bu;

	unary(&b, NPU_BUILTIN_HARD_SWISH, NPU_TYPE_INT8, 0, 0);
	p8 = prep_ok(&b);
	unary(&bu, NPU_BUILTIN_HARD_SWISH, NPU_TYPE_UINT8, 128, 128);
	pu = prep_ok(&bu);
	t8 = p8->table;
	tu = pu->table;
	for (int v = 0; v < 256; v++)
		ck_assert_int_eq(tu[v], t8[v] + 128);
	ck_assert_int_eq(tu[128], 128);
	ck_assert_int_eq(tu[255], 255);
	npu_cpu_prepared_free(p8);
	npu_cpu_prepared_free(pu);
	unary(&b, NPU_BUILTIN_HARD_SWISH, NPU_TYPE_INT16, 0, 0);
	ck_assert_int_eq(prep_fail(&b, err, sizeof(err)), -ENOTSUP);
	ck_assert_ptr_nonnull(strstr(err, "HARD_SWISH"));
}
END_TEST

static Suite *lower_suite(void)
{
	Suite *s = suite_create("lower_unary_lut");
	TCase *tc;

	tc = tcase_create("unary_lut");
	tcase_add_test(tc, lut_forms);
	tcase_add_test(tc, cpu_and_refused_forms);
	tcase_add_test(tc, hard_swish_uint8);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return npu_check_run(lower_suite());
}
