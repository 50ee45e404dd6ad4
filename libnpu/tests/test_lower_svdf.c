// SPDX-License-Identifier: MIT
/*
 * The dynamic-range (hybrid) SVDF of libnpu/cpu/svdf.c (TFLite's
 * EvalHybridSVDF) against values worked out by hand: inputs whose run-time
 * quantization is exact (a scale of 1), power-of-two weight scales, so
 * every float below is exact.  Byte-identity with the interpreter is
 * tests/ops (svdf.*, check-ops).
 */
#include <check.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check_util.h"
#include "lower_util.h"

/*
 * batch 1, input 2, 2 filters of rank 1 (2 units), memory 2:
 * weights_feature [[1, 1], [2, -1]] at scale 0.5, weights_time
 * [[1, 2], [3, 4]] at 0.25 (so [[0.25, 0.5], [0.75, 1]]), bias [1, -200].
 */
struct svdf_case {
	struct tg b;
	int32_t x, wf, wt, bias, st, y;
	struct npu_graph_op *op;
};

static void svdf_graph(struct svdf_case *c, bool with_bias, bool asymmetric)
{
	static const int32_t in_s[] = { 1, 2 }, w_s[] = { 2, 2 }, b_s[] = { 2 },
			     st_s[] = { 1, 4 }, o_s[] = { 1, 2 };
	static const int8_t wf[4] = { 1, 1, 2, -1 }, wt[4] = { 1, 2, 3, 4 };
	static const float bias[2] = { 1.0f, -200.0f };

	tg_init(&c->b);
	c->x = tg_tensor(&c->b, NPU_TYPE_FLOAT32, 2, in_s, 0.0f, 0, NULL);
	c->wf = tg_tensor(&c->b, NPU_TYPE_INT8, 2, w_s, 0.5f, 0, wf);
	c->wt = tg_tensor(&c->b, NPU_TYPE_INT8, 2, w_s, 0.25f, 0, wt);
	c->bias = with_bias ? tg_tensor(&c->b, NPU_TYPE_FLOAT32, 1, b_s, 0.0f, 0, bias) : -1;
	c->st = tg_tensor(&c->b, NPU_TYPE_FLOAT32, 2, st_s, 0.0f, 0, NULL);
	c->b.t[c->st].is_variable = true;
	c->y = tg_tensor(&c->b, NPU_TYPE_FLOAT32, 2, o_s, 0.0f, 0, NULL);
	tg_io(&c->b, c->x, c->y);
	c->op = tg_op(&c->b, NPU_BUILTIN_SVDF, 5, 1, c->x, c->wf, c->wt, c->bias,
		      c->st, c->y);
	c->op->options_kind = NPU_OPTS_SVDF;
	c->op->options.svdf.rank = 1;
	c->op->options.svdf.activation = NPU_ACT_NONE;
	c->op->options.svdf.asymmetric_quantize_inputs = asymmetric;
}

static void run(struct npu_cpu *cpu, int32_t x, float x0, float x1)
{
	float *in = npu_cpu_tensor_data(cpu, x);
	int ret;

	in[0] = x0;
	in[1] = x1;
	ret = npu_cpu_invoke(cpu);
	ck_assert_msg(ret == 0, "invoke: %d %s", ret, npu_cpu_error(cpu));
}

/*
 * Symmetric: [127, -63.5] has scale 1 and quantizes to [127, -64] (roundf
 * away from zero), features (127 - 64) * 0.5 = 31.5 and (254 + 64) * 0.5
 * = 159.  Frame 1: time 0.5 * 31.5 = 15.75 and 1 * 159, + bias = [16.75,
 * -41].  Frame 2, all zero (no product): 0.25 * 31.5 = 7.875 and 0.75 *
 * 159 = 119.25, + bias = [8.875, -80.75].
 */
START_TEST(hybrid_symmetric)
{
	struct svdf_case c;
	struct npu_cpu *cpu;
	const float *out;

	svdf_graph(&c, true, false);
	cpu = cpu_ok(&c.b);
	out = npu_cpu_tensor_data(cpu, c.y);
	run(cpu, c.x, 127.0f, -63.5f);
	ck_assert_float_eq(out[0], 16.75f);
	ck_assert_float_eq(out[1], -41.0f);
	run(cpu, c.x, 0.0f, 0.0f);
	ck_assert_float_eq(out[0], 8.875f);
	ck_assert_float_eq(out[1], -80.75f);
	/* Reset: the memory is zero again. */
	ck_assert_int_eq(npu_cpu_reset_state(cpu), 0);
	run(cpu, c.x, 0.0f, 0.0f);
	ck_assert_float_eq(out[0], 1.0f);
	ck_assert_float_eq(out[1], -200.0f);
	npu_cpu_destroy(cpu);
}
END_TEST

/*
 * Asymmetric, no bias: [0, 255] has scale 1 and zero point -128, so q =
 * [-128, 127]; row sums 2 and 1: (-128 + 127) - 2 * -128 = 255 and (-256 -
 * 127) - 1 * -128 = -255, the true products, times 0.5: 127.5, -127.5.
 * Time: 0.5 * 127.5 = 63.75 and 1 * -127.5.
 */
START_TEST(hybrid_asymmetric_no_bias)
{
	struct svdf_case c;
	struct npu_cpu *cpu;
	const float *out;

	svdf_graph(&c, false, true);
	cpu = cpu_ok(&c.b);
	out = npu_cpu_tensor_data(cpu, c.y);
	run(cpu, c.x, 0.0f, 255.0f);
	ck_assert_float_eq(out[0], 63.75f);
	ck_assert_float_eq(out[1], -127.5f);
	npu_cpu_destroy(cpu);
}
END_TEST

/*
 * uint8 weights: svdf.cc reads their bytes as int8 and ignores the zero
 * point, so the bytes of hybrid_symmetric's weights typed uint8 (255 is
 * -1), with zero point 128, give its first frame again.
 */
START_TEST(hybrid_uint8_bytes)
{
	struct svdf_case c;
	struct npu_cpu *cpu;
	const float *out;

	svdf_graph(&c, true, false);
	c.b.t[c.wf].type = NPU_TYPE_UINT8;
	c.b.t[c.wt].type = NPU_TYPE_UINT8;
	c.b.zp[c.wf][0] = 128;
	c.b.zp[c.wt][0] = 128;
	cpu = cpu_ok(&c.b);
	out = npu_cpu_tensor_data(cpu, c.y);
	run(cpu, c.x, 127.0f, -63.5f);
	ck_assert_float_eq(out[0], 16.75f);
	ck_assert_float_eq(out[1], -41.0f);
	npu_cpu_destroy(cpu);
}
END_TEST

/*
 * An op its kernel cannot run (-ENOTSUP) still lets the graph be created:
 * the first invoke fails and names it.
 */
static void refused(const struct tg *b, const char *words)
{
	struct npu_cpu *cpu = cpu_ok(b);
	const char *err;

	ck_assert_int_eq(npu_cpu_invoke(cpu), -ENOTSUP);
	err = npu_cpu_error(cpu);
	ck_assert_msg(strstr(err, "SVDF") && strstr(err, words), "message: %s", err);
	npu_cpu_destroy(cpu);
}

/* What EvalHybridSVDF does not take is named, not run wrongly. */
START_TEST(hybrid_refused)
{
	static const float two[2] = { 0.5f, 0.25f };
	struct svdf_case c;

	svdf_graph(&c, true, false);
	tg_per_channel(&c.b, c.wf, 2, two, 0);
	refused(&c.b, "one scale");

	svdf_graph(&c, true, false);
	c.b.t[c.wt].type = NPU_TYPE_INT16;
	refused(&c.b, "int16 weights_time");

	svdf_graph(&c, true, false);
	c.b.t[c.wf].data = NULL;
	refused(&c.b, "constant");

	/* Past SIGN_BIT, the last activation a TFLite file can name. */
	svdf_graph(&c, true, false);
	c.op->options.svdf.activation = NPU_ACT_SIGN_BIT + 1;
	refused(&c.b, "activation");
}
END_TEST

/*
 * TANH and SIGN_BIT on the output vector (ApplyActivationToVector): frame
 * 1 of hybrid_symmetric gives [16.75, -41], past Eigen's tanh clamp
 * (7.9): +-tanh(7.907), within 1e-6 of +-1; sign bits [0, 1]; frame 2,
 * [8.875, -80.75], the same.
 */
START_TEST(hybrid_tanh_sign_bit)
{
	struct svdf_case c;
	struct npu_cpu *cpu;
	const float *out;

	svdf_graph(&c, true, false);
	c.op->options.svdf.activation = NPU_ACT_TANH;
	cpu = cpu_ok(&c.b);
	out = npu_cpu_tensor_data(cpu, c.y);
	run(cpu, c.x, 127.0f, -63.5f);
	ck_assert_float_eq_tol(out[0], 1.0f, 1e-6f);
	ck_assert_float_eq_tol(out[1], -1.0f, 1e-6f);
	ck_assert_float_eq(out[0], -out[1]);
	npu_cpu_destroy(cpu);

	svdf_graph(&c, true, false);
	c.op->options.svdf.activation = NPU_ACT_SIGN_BIT;
	cpu = cpu_ok(&c.b);
	out = npu_cpu_tensor_data(cpu, c.y);
	run(cpu, c.x, 127.0f, -63.5f);
	ck_assert_float_eq(out[0], 0.0f);
	ck_assert_float_eq(out[1], 1.0f);
	run(cpu, c.x, 0.0f, 0.0f);
	ck_assert_float_eq(out[0], 0.0f);
	ck_assert_float_eq(out[1], 1.0f);
	npu_cpu_destroy(cpu);
}
END_TEST

/*
 * A memory of 0 (weights_time [filters, 0], state [batch, 0]) would put
 * the newest sample at column -1: refused as malformed, in every form.
 */
START_TEST(memory_zero)
{
	struct npu_cpu *cpu = NULL;
	char err[512] = "";
	struct svdf_case c;

	svdf_graph(&c, true, false);
	c.b.t[c.wt].shape[1] = 0;
	c.b.t[c.wt].elements = c.b.t[c.wt].bytes = c.b.t[c.wt].data_size = 0;
	c.b.t[c.st].shape[1] = 0;
	c.b.t[c.st].elements = c.b.t[c.st].bytes = 0;
	ck_assert_int_eq(npu_cpu_create(&c.b.g, &cpu, err, sizeof(err)), -EINVAL);
	ck_assert_msg(strstr(err, "memory of 0"), "message: %s", err);
}
END_TEST

static Suite *svdf_suite(void)
{
	Suite *s = suite_create("lower_svdf");
	TCase *tc;

	tc = tcase_create("hybrid");
	tcase_add_test(tc, hybrid_symmetric);
	tcase_add_test(tc, hybrid_asymmetric_no_bias);
	tcase_add_test(tc, hybrid_uint8_bytes);
	tcase_add_test(tc, hybrid_refused);
	tcase_add_test(tc, hybrid_tanh_sign_bit);
	tcase_add_test(tc, memory_zero);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return npu_check_run(svdf_suite());
}
