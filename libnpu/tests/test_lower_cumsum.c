// SPDX-License-Identifier: MIT
/*
 * CUMSUM (lower/cumsum.c) by hand: inclusive, exclusive, reversed, along
 * an inner axis; int32 wraps.  Byte-identity with the interpreter is
 * tests/ops (cumsum.*, check-ops).
 */
#include <check.h>
#include <stdint.h>
#include <string.h>

#include "check_util.h"
#include "npu_cpu.h"
#include "test_cpu_graph.h"

/* CUMSUM of x [2, 3] of @type along @axis; compares with @want. */
static void run_cumsum(enum npu_type type, int32_t axis, bool exclusive, bool reverse,
		       const void *x, const void *want)
{
	static const int32_t s23[2] = { 2, 3 }, s1[1] = { 1 };
	const size_t bytes = 6 * npu_type_size(type);
	struct npu_cpu *cpu = NULL;
	struct npu_graph_op *op;
	char err[256] = "";
	struct tg b;
	int32_t in, ax, out;

	tg_init(&b);
	in = tg_tensor(&b, type, 2, s23, 0.0f, 0, NULL);
	ax = tg_tensor(&b, NPU_TYPE_INT32, 0, s1, 0.0f, 0, &axis);
	out = tg_tensor(&b, type, 2, s23, 0.0f, 0, NULL);
	op = tg_op(&b, NPU_BUILTIN_CUMSUM, 2, 1, in, ax, out);
	op->options_kind = NPU_OPTS_AXIS;
	op->options.axis.exclusive = exclusive;
	op->options.axis.reverse = reverse;
	tg_io(&b, in, out);
	ck_assert_msg(npu_cpu_create(&b.g, &cpu, err, sizeof(err)) == 0, "%s", err);
	memcpy(npu_cpu_tensor_data(cpu, in), x, bytes);
	ck_assert_int_eq(npu_cpu_invoke(cpu), 0);
	ck_assert_mem_eq(npu_cpu_tensor_data(cpu, out), want, bytes);
	npu_cpu_destroy(cpu);
}

START_TEST(cumsum_forms)
{
	static const float f[6] = { 1, 2, 3, 4, 5, 6 };
	static const float incl_last[6] = { 1, 3, 6, 4, 9, 15 };
	static const float excl_rev_last[6] = { 5, 3, 0, 11, 6, 0 };
	static const float incl_first_rev[6] = { 5, 7, 9, 4, 5, 6 };
	static const int32_t i[6] = { INT32_MAX, 1, 0, 1, -2, 0 };
	static const int32_t iwant[6] = { INT32_MAX, 1, 0, INT32_MIN, -1, 0 };
	static const int64_t l[6] = { 1, 2, 3, 4, 5, 6 }, lwant[6] = { 0, 0, 0, 1, 2, 3 };

	run_cumsum(NPU_TYPE_FLOAT32, 1, false, false, f, incl_last);
	run_cumsum(NPU_TYPE_FLOAT32, -1, true, true, f, excl_rev_last);
	run_cumsum(NPU_TYPE_FLOAT32, 0, false, true, f, incl_first_rev);
	run_cumsum(NPU_TYPE_INT32, 0, false, false, i, iwant);
	run_cumsum(NPU_TYPE_INT64, 0, true, false, l, lwant);
}
END_TEST

static Suite *cumsum_suite(void)
{
	Suite *s = suite_create("lower_cumsum");
	TCase *tc = tcase_create("cumsum");

	tcase_add_test(tc, cumsum_forms);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return npu_check_run(cumsum_suite());
}
