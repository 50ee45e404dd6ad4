// SPDX-License-Identifier: MIT
/*
 * REDUCE_PROD, REDUCE_ANY, REDUCE_ALL (lower/reduce_prod_any_all.c) by
 * hand: values worked out from reduce.cc's arithmetic.  Byte-identity with
 * the interpreter is tests/ops (reduce_prod.*, reduce_any.*, reduce_all.*,
 * check-ops).
 */
#include <check.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check_util.h"
#include "lower_util.h"

/* A one-op reduction graph: input X, constant AXES, output OUT. */
static void build(struct tg *b, int32_t builtin, enum npu_type type, int rank,
		  const int32_t *in_shape, const int32_t *axes, int32_t n_axes,
		  int out_rank, const int32_t *out_shape, float in_scale, int32_t in_zp,
		  float out_scale, int32_t out_zp)
{
	tg_one_op(b, builtin, 2, (const struct tg_spec[]){
			TG_QACT(type, rank, in_shape, in_scale, in_zp),
			TG_CONST(NPU_TYPE_INT32, 1, (const int32_t[]){ n_axes }, axes) },
		  1, &(struct tg_spec)TG_QACT(type, out_rank, out_shape, out_scale, out_zp));
}

enum { X, AXES, OUT };	/* build()'s tensors */

/* Refused, naming why: at creation, or (-ENOTSUP) the op left unrunnable. */
static void refused(struct tg *g, const char *needle)
{
	struct npu_cpu *cpu = NULL;
	char err[256] = "";
	const char *why = err;

	if (npu_cpu_create(&g->g, &cpu, err, sizeof(err)) == 0) {
		ck_assert(!npu_cpu_op_runnable(cpu, 0));
		why = npu_cpu_op_why(cpu, 0);
	}
	ck_assert_msg(why && strstr(why, needle), "message \"%s\" lacks \"%s\"",
		      why ? why : "(none)", needle);
	npu_cpu_destroy(cpu);
}

/* float over the middle axis; int32, int8 and int16 wrap as C++ does. */
START_TEST(prod_plain_types)
{
	static const int32_t s232[] = { 2, 3, 2 }, s22[] = { 2, 2 }, s4[] = { 4 }, s1[] = { 1 };
	static const int32_t axis1[] = { 1 }, axis0[] = { 0 };
	static const float f[12] = { 1.5f, -2, 2, 0.5f, -4, 3,  0.25f, 1, 8, -1, 2, 2 };
	static const float fwant[4] = { -12.0f, -3.0f, 4.0f, -2.0f };
	static const int32_t iv[4] = { 50000, 50000, 1, -1 };
	static const int32_t iwant[1] = { 1794967296 };	/* -(2.5e9 mod 2^32) */
	static const int8_t bv[4] = { 16, 16, -128, -1 };	/* 256 -> 0, then 0 */
	static const int8_t bv2[4] = { -128, -1, 1, 1 };	/* 128 -> -128 */
	static const int16_t hv[4] = { 256, 256, 3, 1 };	/* 65536 -> 0 */
	struct tg g;

	build(&g, NPU_BUILTIN_REDUCE_PROD, NPU_TYPE_FLOAT32, 3, s232, axis1, 1, 2, s22,
	      0, 0, 0, 0);
	cpu_run_expect(&g, X, f, sizeof(f), OUT, fwant, sizeof(fwant));

	build(&g, NPU_BUILTIN_REDUCE_PROD, NPU_TYPE_INT32, 1, s4, axis0, 1, 1, s1, 0, 0, 0, 0);
	cpu_run_expect(&g, X, iv, sizeof(iv), OUT, iwant, sizeof(iwant));

	build(&g, NPU_BUILTIN_REDUCE_PROD, NPU_TYPE_INT8, 1, s4, axis0, 1, 1, s1, 0, 0, 0, 0);
	cpu_run_expect(&g, X, bv, sizeof(bv), OUT, (const int8_t[]){ 0 }, 1);
	cpu_run_expect(&g, X, bv2, sizeof(bv2), OUT, (const int8_t[]){ -128 }, 1);

	build(&g, NPU_BUILTIN_REDUCE_PROD, NPU_TYPE_INT16, 1, s4, axis0, 1, 1, s1, 0, 0, 0, 0);
	cpu_run_expect(&g, X, hv, sizeof(hv), OUT, (const int16_t[]){ 0 }, 2);
}
END_TEST

/*
 * Quantized int8: every multiplication is rescaled by
 * in_scale / out_scale^(1/n) (QuantizeMultiplier, then the 16-bit
 * multiplier of the int64 MultiplyByQuantizedMultiplier).
 */
START_TEST(prod_quantized)
{
	static const int32_t s2[] = { 2 }, s3[] = { 3 }, s1[] = { 1 }, axis0[] = { 0 };
	/* 0.5 / sqrt(0.25) = 1: exact; (5 - 1) * (-3 - 1) = -16, -16 - 3 */
	static const int8_t a[2] = { 5, -3 }, sat[2] = { 100, 100 };
	/*
	 * 0.5 / 1^(1/3) = 0.5, rounding half up at each step: 3 -> 3*1/2 = 2,
	 * 2*1/2 = 1, final 1/2 -> 1, where the exact product 0.375 is 0.
	 */
	static const int8_t c[3] = { 3, 1, 1 };
	struct tg g;

	build(&g, NPU_BUILTIN_REDUCE_PROD, NPU_TYPE_INT8, 1, s2, axis0, 1, 1, s1,
	      0.5f, 1, 0.25f, -3);
	cpu_run_expect(&g, X, a, sizeof(a), OUT, (const int8_t[]){ -19 }, 1);
	cpu_run_expect(&g, X, sat, sizeof(sat), OUT, (const int8_t[]){ 127 }, 1);

	build(&g, NPU_BUILTIN_REDUCE_PROD, NPU_TYPE_INT8, 1, s3, axis0, 1, 1, s1,
	      0.5f, 0, 1.0f, 0);
	cpu_run_expect(&g, X, c, sizeof(c), OUT, (const int8_t[]){ 1 }, 1);

	/* TFLite's checks: int16 zero points 0, no quantized uint8 kernel. */
	build(&g, NPU_BUILTIN_REDUCE_PROD, NPU_TYPE_INT16, 1, s3, axis0, 1, 1, s1,
	      0.5f, 2, 1.0f, 0);
	refused(&g, "zero points 0");
	build(&g, NPU_BUILTIN_REDUCE_PROD, NPU_TYPE_UINT8, 1, s3, axis0, 1, 1, s1,
	      0.5f, 2, 1.0f, 0);
	refused(&g, "uint8");
}
END_TEST

/* ANY and ALL of bool over the last axis and over nothing; ANY of int8 refused. */
START_TEST(any_all)
{
	static const int32_t s23[] = { 2, 3 }, s2[] = { 2 }, axis1[] = { 1 };
	static const uint8_t x[6] = { 0, 0, 1,  1, 1, 1 };
	static const uint8_t any[2] = { 1, 1 }, all[2] = { 0, 1 };
	struct tg g;

	build(&g, NPU_BUILTIN_REDUCE_ANY, NPU_TYPE_BOOL, 2, s23, axis1, 1, 1, s2, 0, 0, 0, 0);
	cpu_run_expect(&g, X, x, sizeof(x), OUT, any, sizeof(any));

	build(&g, NPU_BUILTIN_REDUCE_ALL, NPU_TYPE_BOOL, 2, s23, axis1, 1, 1, s2, 0, 0, 0, 0);
	cpu_run_expect(&g, X, x, sizeof(x), OUT, all, sizeof(all));

	/* No axes: a copy. */
	build(&g, NPU_BUILTIN_REDUCE_ALL, NPU_TYPE_BOOL, 2, s23, NULL, 0, 2, s23, 0, 0, 0, 0);
	cpu_run_expect(&g, X, x, sizeof(x), OUT, x, sizeof(x));

	build(&g, NPU_BUILTIN_REDUCE_ANY, NPU_TYPE_INT8, 2, s23, axis1, 1, 1, s2, 0, 0, 0, 0);
	refused(&g, "REDUCE_ANY of int8");
}
END_TEST

static Suite *reduce_suite(void)
{
	Suite *s = suite_create("lower_reduce_prod_any_all");
	TCase *tc = tcase_create("reduce");

	tcase_add_test(tc, prod_plain_types);
	tcase_add_test(tc, prod_quantized);
	tcase_add_test(tc, any_all);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return npu_check_run(reduce_suite());
}
