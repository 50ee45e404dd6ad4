// SPDX-License-Identifier: MIT
/*
 * ONE_HOT (lower/one_hot.c) by hand: indices out of range both ways, an
 * int64 index truncated to int as TFLite's static_cast<int>, axis 0 and
 * last; int16 values refused (TFLite's Eval has no int16 case).
 * Byte-identity with the interpreter is tests/ops (one_hot.*, check-ops).
 */
#include <check.h>
#include <stdint.h>
#include <string.h>

#include "check_util.h"
#include "lower_util.h"

struct oh {
	struct tg b;
	int32_t idx, out;
};

/* ONE_HOT of 3 indices of @itype, depth 3, values of @vtype. */
static void build(struct oh *o, enum npu_type itype, enum npu_type vtype, int32_t axis,
		  const void *on, const void *off)
{
	static const int32_t s3[1] = { 3 }, s1[1] = { 1 }, s33[2] = { 3, 3 }, depth = 3;
	struct npu_graph_op *op;
	int32_t d, von, voff;

	tg_init(&o->b);
	o->idx = tg_tensor(&o->b, itype, 1, s3, 0.0f, 0, NULL);
	d = tg_tensor(&o->b, NPU_TYPE_INT32, 0, s1, 0.0f, 0, &depth);
	von = tg_tensor(&o->b, vtype, 0, s1, 0.0f, 0, on);
	voff = tg_tensor(&o->b, vtype, 0, s1, 0.0f, 0, off);
	o->out = tg_tensor(&o->b, vtype, 2, s33, 0.0f, 0, NULL);
	op = tg_op(&o->b, NPU_BUILTIN_ONE_HOT, 4, 1, o->idx, d, von, voff, o->out);
	op->options_kind = NPU_OPTS_AXIS;
	op->options.axis.axis = axis;
	tg_io(&o->b, o->idx, o->out);
}

START_TEST(one_hot_axes)
{
	static const int32_t idx[3] = { 2, -1, 3 };
	/* 2^32 + 1 is index 1, -2^32 index 0 to TFLite (static_cast<int>). */
	static const int64_t idx64[3] = { 0, 4294967297ll, -4294967296ll };
	static const float on = 1.5f, off = -0.5f;
	static const float last[9] = { -0.5f, -0.5f, 1.5f,  -0.5f, -0.5f, -0.5f,
				       -0.5f, -0.5f, -0.5f };
	static const int8_t on8 = 9, off8 = -1;
	/* axis 0: output[j][k] = idx[k] == j */
	static const int8_t first64[9] = { 9, -1, 9,  -1, 9, -1,  -1, -1, -1 };
	struct npu_cpu *cpu;
	struct oh o;

	build(&o, NPU_TYPE_INT32, NPU_TYPE_FLOAT32, -1, &on, &off);
	cpu = cpu_run(&o.b, o.idx, idx, sizeof(idx));
	ck_assert_mem_eq(npu_cpu_tensor_data(cpu, o.out), last, sizeof(last));
	npu_cpu_destroy(cpu);

	build(&o, NPU_TYPE_INT64, NPU_TYPE_INT8, 0, &on8, &off8);
	cpu = cpu_run(&o.b, o.idx, idx64, sizeof(idx64));
	ck_assert_mem_eq(npu_cpu_tensor_data(cpu, o.out), first64, sizeof(first64));
	npu_cpu_destroy(cpu);
}
END_TEST

START_TEST(one_hot_int16_refused)
{
	static const int16_t on = 1, off = 0;
	struct npu_cpu *cpu = NULL;
	char err[256] = "";
	struct oh o;

	build(&o, NPU_TYPE_INT32, NPU_TYPE_INT16, -1, &on, &off);
	ck_assert_msg(npu_cpu_create(&o.b.g, &cpu, err, sizeof(err)) == 0, "%s", err);
	ck_assert(!npu_cpu_op_runnable(cpu, 0));
	ck_assert_msg(strstr(npu_cpu_op_why(cpu, 0), "ONE_HOT of int16"), "%s",
		      npu_cpu_op_why(cpu, 0));
	npu_cpu_destroy(cpu);
}
END_TEST

static Suite *one_hot_suite(void)
{
	Suite *s = suite_create("lower_one_hot");
	TCase *tc = tcase_create("one_hot");

	tcase_add_test(tc, one_hot_axes);
	tcase_add_test(tc, one_hot_int16_refused);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return npu_check_run(one_hot_suite());
}
