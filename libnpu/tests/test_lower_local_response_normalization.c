// SPDX-License-Identifier: MIT
/*
 * LOCAL_RESPONSE_NORMALIZATION (lower/local_response_normalization.c): the
 * window [c - radius, c + radius) of TFLite's reference (its end is
 * exclusive), on values where every power is exact; a rank other than 4
 * is refused as TFLite's Prepare refuses it.
 */
#include <check.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check_util.h"
#include "npu_cpu.h"
#include "test_cpu_graph.h"

START_TEST(window)
{
	static const int32_t s[] = { 1, 1, 2, 4 };
	/* bias 0, alpha 1, beta 0.5: y = x / sqrt(sum of squares in window) */
	static const float x[] = { 3.0f, 4.0f, 0.0f, 12.0f,
				   1.0f, 1.0f, 1.0f, 1.0f };
	/*
	 * radius 1: the window of c is [c - 1, c + 1) = {c - 1, c}:
	 * row 0: c0 {3} -> 3/3, c1 {3,4} -> 4/5, c2 {4,0} -> 0, c3 {0,12} -> 1;
	 * row 1: c0 {1} -> 1, c1.. {1,1} -> 1/sqrt(2).
	 */
	const float r2 = 0.70710677f;
	const float want[] = { 1.0f, 0.8f, 0.0f, 1.0f, 1.0f, r2, r2, r2 };
	struct npu_cpu *cpu = NULL;
	char err[256] = "";
	struct npu_graph_op *op;
	struct tg b;
	int32_t in, out;
	const float *y;

	tg_init(&b);
	in = tg_tensor(&b, NPU_TYPE_FLOAT32, 4, s, 0.0f, 0, NULL);
	out = tg_tensor(&b, NPU_TYPE_FLOAT32, 4, s, 0.0f, 0, NULL);
	op = tg_op(&b, NPU_BUILTIN_LOCAL_RESPONSE_NORMALIZATION, 1, 1, in, out);
	op->options_kind = NPU_OPTS_LRN;
	op->options.lrn = (struct npu_lrn_options){ .radius = 1, .bias = 0.0f,
						    .alpha = 1.0f, .beta = 0.5f };
	tg_io(&b, in, out);
	ck_assert_msg(npu_cpu_create(&b.g, &cpu, err, sizeof(err)) == 0, "%s", err);
	memcpy(npu_cpu_tensor_data(cpu, in), x, sizeof(x));
	ck_assert_int_eq(npu_cpu_invoke(cpu), 0);
	y = npu_cpu_tensor_data(cpu, out);
	for (int i = 0; i < 8; i++)
		ck_assert_float_eq_tol(y[i], want[i], 1e-7f);
	npu_cpu_destroy(cpu);
}
END_TEST

START_TEST(rank_4_only)
{
	static const int32_t s[] = { 2, 4 };
	struct npu_cpu *cpu = NULL;
	char err[256] = "";
	struct npu_graph_op *op;
	struct tg b;
	int32_t in, out;

	tg_init(&b);
	in = tg_tensor(&b, NPU_TYPE_FLOAT32, 2, s, 0.0f, 0, NULL);
	out = tg_tensor(&b, NPU_TYPE_FLOAT32, 2, s, 0.0f, 0, NULL);
	op = tg_op(&b, NPU_BUILTIN_LOCAL_RESPONSE_NORMALIZATION, 1, 1, in, out);
	op->options_kind = NPU_OPTS_LRN;
	tg_io(&b, in, out);
	ck_assert_int_eq(npu_cpu_create(&b.g, &cpu, err, sizeof(err)), -EINVAL);
	ck_assert_ptr_nonnull(strstr(err, "4-D"));
}
END_TEST

static Suite *lrn_suite(void)
{
	Suite *s = suite_create("lower_local_response_normalization");
	TCase *tc = tcase_create("float");

	tcase_add_test(tc, window);
	tcase_add_test(tc, rank_4_only);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return npu_check_run(lrn_suite());
}
