// SPDX-License-Identifier: MIT
/*
 * The lowering of SOFTMAX (lower/softmax.c) against values worked out by
 * hand from TFLite's SoftmaxPrepare (lower_util.h), and its placement: on
 * the NPU with NPU_FW_FEAT_SOFTMAX, on the CPU for a firmware without it.
 * The kernel's outputs are test_cpu_kernels.c's (TFLM's softmax_test data),
 * the firmware's test_softmax.c and the tests/ops models (TFLite's own).
 */
#include <check.h>
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check_util.h"
#include "npu_cpu.h"
#include "npu_fw.h"
#include "npu_model_format.h"
#include "test_cpu_graph.h"
#include "lower_util.h"

static void softmax_graph(struct tg *b, enum npu_type it, enum npu_type ot, int rank,
			  const int32_t *shape, float in_scale, float out_scale, int32_t out_zp)
{
	struct npu_graph_op *op;
	int32_t x, y;

	tg_init(b);
	x = tg_tensor(b, it, rank, shape, in_scale, 0, NULL);
	y = tg_tensor(b, ot, rank, shape, out_scale, out_zp, NULL);
	tg_io(b, x, y);
	op = tg_op(b, NPU_BUILTIN_SOFTMAX, 1, 1, x, y);
	op->options_kind = NPU_OPTS_SOFTMAX;
	op->options.softmax.beta = 1.0f;
}

/*
 * Input scale 1/16, beta 1: beta * scale * 2^26 = 2^22, QuantizeMultiplier
 * (2^30, 23); CalculateInputRadius(5, 23, 31) = 31 * 2^26 / 2^23 = 248, so
 * diff_min -248.  int8 -> int8 and int8 -> int16 alike; uint8 -> uint8.
 */
START_TEST(softmax_params)
{
	static const int32_t s[] = { 2, 4 };
	static const struct {
		enum npu_type in, out;
		float scale;
		int32_t zp;
		uint8_t dtype;
	} cases[] = {
		{ NPU_TYPE_INT8, NPU_TYPE_INT8, 1.0f / 256, -128, NPU_DTYPE_INT8 },
		{ NPU_TYPE_INT8, NPU_TYPE_INT16, 1.0f / 65536, -32768, NPU_DTYPE_INT16 },
		{ NPU_TYPE_UINT8, NPU_TYPE_UINT8, 1.0f / 256, 0, NPU_DTYPE_UINT8 },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct npu_cpu_prepared *p;
		const struct npu_softmax_params *c;
		struct tg b;

		softmax_graph(&b, cases[i].in, cases[i].out, 2, s, 1.0f / 16, cases[i].scale,
			      cases[i].zp);
		p = prep_ok(&b);
		ck_assert_uint_eq(p->num_cmds, 1);
		ck_assert_uint_eq(p->cmds[0].opcode, NPU_CMD_SOFTMAX);
		c = &p->cmds[0].params.softmax;
		ck_assert_int_eq(c->input_multiplier, Q30);
		ck_assert_int_eq(c->input_left_shift, 23);
		ck_assert_int_eq(c->diff_min, -248);
		assert_dims(&c->input, 2, (const uint32_t[]){ 2, 4 });
		assert_dims(&c->output, 2, (const uint32_t[]){ 2, 4 });
		ck_assert_uint_eq(c->output.dtype, cases[i].dtype);
		ck_assert_int_eq(npu_fw_check_op(NPU_CMD_SOFTMAX, c, sizeof(*c),
						 NPU_FW_CHECK_HW_LIMITS, NULL), 0);
		npu_cpu_prepared_free(p);
	}
}
END_TEST

/* A shape deeper than a command's five dimensions is [rows, depth]. */
START_TEST(softmax_rank6)
{
	static const int32_t s[] = { 1, 2, 1, 3, 1, 4 };
	struct npu_cpu_prepared *p;
	struct tg b;

	softmax_graph(&b, NPU_TYPE_INT8, NPU_TYPE_INT8, 6, s, 1.0f / 16, 1.0f / 256, -128);
	p = prep_ok(&b);
	assert_dims(&p->cmds[0].params.softmax.input, 2, (const uint32_t[]){ 6, 4 });
	npu_cpu_prepared_free(p);
}
END_TEST

/*
 * int16 has no command (the CPU kernel runs it, TFLite's SoftmaxInt16); an
 * int8 output without SoftmaxPrepare's quantization is refused as TFLite
 * refuses it; so is a scale * beta too small to rescale.
 */
START_TEST(softmax_refused)
{
	static const int32_t s[] = { 1, 4 };
	char err[256] = "";
	struct npu_cpu *cpu;
	struct tg b;

	softmax_graph(&b, NPU_TYPE_INT16, NPU_TYPE_INT16, 2, s, 1.0f / 4096, 1.0f / 32768, 0);
	ck_assert_int_eq(prep_fail(&b, err, sizeof(err)), -ENOTSUP);
	ck_assert_msg(strstr(err, "int16 input with int16 output has no NPU kernel"), "%s", err);
	cpu = cpu_ok(&b);
	ck_assert_int_eq(npu_cpu_invoke(cpu), 0);
	npu_cpu_destroy(cpu);

	softmax_graph(&b, NPU_TYPE_INT8, NPU_TYPE_INT8, 2, s, 1.0f / 16, 1.0f / 128, -128);
	ck_assert_int_eq(prep_fail(&b, err, sizeof(err)), -EINVAL);
	ck_assert_msg(strstr(err, "int8 output needs scale 1/256 and zero point -128"), "%s", err);

	softmax_graph(&b, NPU_TYPE_INT8, NPU_TYPE_INT8, 2, s, 1e-9f, 1.0f / 256, -128);
	ck_assert_int_eq(prep_fail(&b, err, sizeof(err)), -EINVAL);
	ck_assert_msg(strstr(err, "must exceed 1"), "%s", err);
}
END_TEST

/*
 * Placement: the SOFTMAX goes to the NPU for this library's firmware; for
 * a firmware without NPU_FW_FEAT_SOFTMAX (1.9.0's bits) it stays on the CPU
 * naming the command and the bit, and the CPU still gives 0.25 for each of
 * four equal inputs (64 above -128).
 */
START_TEST(softmax_placement_by_firmware)
{
	static const int32_t s[] = { 1, 4 };
	struct npu_compile_options old = { .fw_features = NPU_FW_FEATURES & ~NPU_FW_FEAT_SOFTMAX };
	struct npu_compiled_model *m;
	char err[256] = "", want[96];
	struct npu_cpu *cpu;
	int8_t *x, *y;
	struct tg b;

	softmax_graph(&b, NPU_TYPE_INT8, NPU_TYPE_INT8, 2, s, 1.0f / 16, 1.0f / 256, -128);
	ck_assert_msg(!npu_compile(tg_dup(&b), NULL, &m, err, sizeof(err)), "%s", err);
	ck_assert_int_eq(m->op_segment[0], 0);
	ck_assert_uint_eq(m->num_segments, 1);
	ck_assert_uint_eq(npu_fw_stream_features(m->segments[0].stream,
						 m->segments[0].stream_size) & NPU_FW_FEAT_SOFTMAX,
			  NPU_FW_FEAT_SOFTMAX);
	npu_compiled_model_free(m);

	ck_assert_msg(!npu_compile(tg_dup(&b), &old, &m, err, sizeof(err)), "%s", err);
	ck_assert_int_eq(m->op_segment[0], -1);
	ck_assert_uint_eq(m->num_segments, 0);
	snprintf(want, sizeof(want), "SOFTMAX: the firmware lacks SOFTMAX (feature bits 0x%x)",
		 NPU_FW_FEAT_SOFTMAX);
	ck_assert_str_eq(m->op_reason[0], want);
	npu_compiled_model_free(m);

	cpu = cpu_ok(&b);
	x = npu_cpu_tensor_data(cpu, 0);
	memset(x, 7, 4);
	ck_assert_int_eq(npu_cpu_invoke(cpu), 0);
	y = npu_cpu_tensor_data(cpu, 1);
	for (int i = 0; i < 4; i++)
		ck_assert_int_eq(y[i], -64);
	npu_cpu_destroy(cpu);
}
END_TEST

static Suite *lower_suite(void)
{
	Suite *s = suite_create("lower_softmax");
	TCase *tc;

	tc = tcase_create("softmax");
	tcase_add_test(tc, softmax_params);
	tcase_add_test(tc, softmax_rank6);
	tcase_add_test(tc, softmax_refused);
	tcase_add_test(tc, softmax_placement_by_firmware);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return npu_check_run(lower_suite());
}
