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

/*
 * int8 ELU: LUTPopulate of x < 0 ? expm1(x) : x, scales 0.05 / 0.02 and
 * zero points -3 (entry q + 128 for input q), by hand:
 * q = -3 is 0 -> -3; q = 7 is 0.5 -> 25 - 3 = 22; q = -23 is -1 ->
 * round(-0.63212 / 0.02) - 3 = -35; q = -128 is -6.25 -> round(-0.99807 /
 * 0.02) - 3 = -53; q = 127 is 6.5 -> 325, clamped to 127.  uint8 and int16
 * have no ELU in TFLite.
 */
START_TEST(elu_table)
{
	struct npu_cpu_prepared *p;
	const int8_t *t;
	char err[256];
	struct tg b;

	unary(&b, NPU_BUILTIN_ELU, NPU_TYPE_INT8, -3, -3);
	p = prep_ok(&b);
	ck_assert_uint_eq(p->cmds[0].opcode, NPU_CMD_LUT);
	t = p->table;
	ck_assert_int_eq(t[-3 + 128], -3);
	ck_assert_int_eq(t[7 + 128], 22);
	ck_assert_int_eq(t[-23 + 128], -35);
	ck_assert_int_eq(t[0], -53);
	ck_assert_int_eq(t[255], 127);
	npu_cpu_prepared_free(p);
	unary(&b, NPU_BUILTIN_ELU, NPU_TYPE_UINT8, 128, 128);
	ck_assert_int_eq(prep_fail(&b, err, sizeof(err)), -ENOTSUP);
	unary(&b, NPU_BUILTIN_ELU, NPU_TYPE_INT16, 0, 0);
	ck_assert_int_eq(prep_fail(&b, err, sizeof(err)), -ENOTSUP);
}
END_TEST

/* Runs the one-op graph @builtin of @type (unquantized) on @n values. */
static void run_plain(int32_t builtin, enum npu_type type, const void *x,
		      void *y, size_t bytes)
{
	static const int32_t s4[] = { 4 };
	struct npu_cpu *cpu = NULL;
	char err[256] = "";
	struct tg b;
	int32_t in, out;

	tg_init(&b);
	in = tg_tensor(&b, type, 1, s4, 0.0f, 0, NULL);
	out = tg_tensor(&b, type, 1, s4, 0.0f, 0, NULL);
	tg_op(&b, builtin, 1, 1, in, out);
	tg_io(&b, in, out);
	ck_assert_msg(npu_cpu_create(&b.g, &cpu, err, sizeof(err)) == 0, "%s", err);
	memcpy(npu_cpu_tensor_data(cpu, in), x, bytes);
	ck_assert_int_eq(npu_cpu_invoke(cpu), 0);
	memcpy(y, npu_cpu_tensor_data(cpu, out), bytes);
	npu_cpu_destroy(cpu);
}

/* int32 ABS (std::abs; INT32_MIN stays) and float ELU on the CPU. */
START_TEST(cpu_values)
{
	static const int32_t xi[] = { -5, 7, INT32_MIN, 0 };
	static const int32_t wi[] = { 5, 7, INT32_MIN, 0 };
	static const float xf[] = { -1.0f, 0.0f, 2.5f, -20.0f };
	int32_t yi[4];
	float yf[4];

	run_plain(NPU_BUILTIN_ABS, NPU_TYPE_INT32, xi, yi, sizeof(xi));
	ck_assert_mem_eq(yi, wi, sizeof(wi));
	run_plain(NPU_BUILTIN_ELU, NPU_TYPE_FLOAT32, xf, yf, sizeof(xf));
	ck_assert_float_eq_tol(yf[0], -0.63212056f, 1e-7f);
	ck_assert_float_eq(yf[1], 0.0f);
	ck_assert_float_eq(yf[2], 2.5f);
	ck_assert_float_eq_tol(yf[3], -1.0f, 1e-7f);
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
	tcase_add_test(tc, elu_table);
	tcase_add_test(tc, cpu_values);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return npu_check_run(lower_suite());
}
