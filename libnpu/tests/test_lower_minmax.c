// SPDX-License-Identifier: MIT
/*
 * MAXIMUM and MINIMUM (lower/minmax.c): int8, int16 and uint8
 * (maximum_minimum.cc compares the raw bytes, no requantization) become
 * the firmware's commands, with broadcast; on the CPU they run as the
 * firmware's kernels.
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

static const int32_t s23[] = { 2, 3 }, s3[] = { 3 };

/* MAXIMUM or MINIMUM of x [2, 3] and y [3], @type, one quantization. */
static void minmax(struct tg *b, int32_t builtin, enum npu_type type)
{
	int32_t x, y, out;

	tg_init(b);
	x = tg_tensor(b, type, 2, s23, 0.1f, 0, NULL);
	y = tg_tensor(b, type, 1, s3, 0.1f, 0, NULL);
	out = tg_tensor(b, type, 2, s23, 0.1f, 0, NULL);
	tg_op(b, builtin, 2, 1, x, y, out);
	b->g.num_inputs = 2;
	b->graph_in[0] = x;
	b->graph_in[1] = y;
	b->g.num_outputs = 1;
	b->graph_out[0] = out;
}

START_TEST(int8_command)
{
	struct npu_cpu_prepared *p;
	struct tg b;

	minmax(&b, NPU_BUILTIN_MAXIMUM, NPU_TYPE_INT8);
	p = prep_ok(&b);
	ck_assert_uint_eq(p->cmds[0].opcode, NPU_CMD_MAXIMUM);
	npu_cpu_prepared_free(p);
}
END_TEST

START_TEST(uint8_command)
{
	static const uint8_t x[] = { 0, 200, 128, 255, 7, 129 };
	static const uint8_t y[] = { 1, 100, 129 };
	static const uint8_t want_max[] = { 1, 200, 129, 255, 100, 129 };
	static const uint8_t want_min[] = { 0, 100, 128, 1, 7, 129 };
	static const int32_t builtins[] = { NPU_BUILTIN_MAXIMUM, NPU_BUILTIN_MINIMUM };

	for (int k = 0; k < 2; k++) {
		struct npu_cpu *cpu = NULL;
		char err[256] = "";
		struct tg b;

		struct npu_cpu_prepared *p;

		minmax(&b, builtins[k], NPU_TYPE_UINT8);
		p = prep_ok(&b);
		ck_assert_uint_eq(p->cmds[0].opcode, k ? NPU_CMD_MINIMUM : NPU_CMD_MAXIMUM);
		ck_assert_uint_eq(p->cmds[0].params.eltwise.output.dtype, NPU_DTYPE_UINT8);
		ck_assert_int_eq(p->cmds[0].params.eltwise.act_min, 0);
		ck_assert_int_eq(p->cmds[0].params.eltwise.act_max, 255);
		npu_cpu_prepared_free(p);
		ck_assert_msg(npu_cpu_create(&b.g, &cpu, err, sizeof(err)) == 0, "%s", err);
		memcpy(npu_cpu_tensor_data(cpu, b.graph_in[0]), x, sizeof(x));
		memcpy(npu_cpu_tensor_data(cpu, b.graph_in[1]), y, sizeof(y));
		ck_assert_int_eq(npu_cpu_invoke(cpu), 0);
		ck_assert_mem_eq(npu_cpu_tensor_data(cpu, b.graph_out[0]),
				 k ? want_min : want_max, sizeof(x));
		npu_cpu_destroy(cpu);
	}
}
END_TEST

static Suite *minmax_suite(void)
{
	Suite *s = suite_create("lower_minmax");
	TCase *tc = tcase_create("minmax");

	tcase_add_test(tc, int8_command);
	tcase_add_test(tc, uint8_command);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return npu_check_run(minmax_suite());
}
