// SPDX-License-Identifier: MIT
/*
 * NON_MAX_SUPPRESSION_V4 / V5 (lower/non_max_suppression.c) on boxes
 * worked out by hand: hard suppression (either corner order), zero
 * padding past the selections, the Soft-NMS Gaussian decay bringing
 * suppressed boxes back in a later order; a max_output_size other than
 * the stored outputs is refused.  tests/tflite/ops_ref.py checks them
 * (ties included) against BUILTIN_REF.
 */
#include <check.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "check_util.h"
#include "lower_util.h"

static const int32_t s44[] = { 4, 4 }, s4[] = { 4 };
/*
 * Box 3 is box 0 with its corners swapped (IoU 1); box 1 is box 0 widened
 * by 10% (IoU 1 / 1.1 with both); box 2 overlaps none.
 */
static const float boxes[16] = { 0, 0, 1, 1, 0, 0, 1, 1.1f, 2, 2, 3, 3, 1, 1, 0, 0 };
static const float scores[4] = { 0.9f, 0.8f, 0.7f, 0.95f };

/* Op 0 of @b: V5 (@soft) or V4 with @max_out outputs, the thresholds @th. */
static void nms(struct tg *b, bool soft, int32_t max_out, const float *th)
{
	const int32_t sm[] = { max_out };
	int32_t bx, sc, sel, sel_s = -1, count;

	tg_init(b);
	bx = tg_tensor(b, NPU_TYPE_FLOAT32, 2, s44, 0.0f, 0, NULL);
	sc = tg_tensor(b, NPU_TYPE_FLOAT32, 1, s4, 0.0f, 0, NULL);
	tg_tensor(b, NPU_TYPE_INT32, 0, NULL, 0.0f, 0, (const int32_t *)&th[3]);
	tg_tensor(b, NPU_TYPE_FLOAT32, 0, NULL, 0.0f, 0, &th[0]);
	tg_tensor(b, NPU_TYPE_FLOAT32, 0, NULL, 0.0f, 0, &th[1]);
	tg_tensor(b, NPU_TYPE_FLOAT32, 0, NULL, 0.0f, 0, &th[2]);
	sel = tg_tensor(b, NPU_TYPE_INT32, 1, sm, 0.0f, 0, NULL);
	if (soft)
		sel_s = tg_tensor(b, NPU_TYPE_FLOAT32, 1, sm, 0.0f, 0, NULL);
	count = tg_tensor(b, NPU_TYPE_INT32, 0, NULL, 0.0f, 0, NULL);
	if (soft)
		tg_op(b, NPU_BUILTIN_NON_MAX_SUPPRESSION_V5, 6, 3, bx, sc, 2, 3, 4, 5, sel, sel_s,
		      count);
	else
		tg_op(b, NPU_BUILTIN_NON_MAX_SUPPRESSION_V4, 5, 2, bx, sc, 2, 3, 4, sel, count);
	tg_inputs(b, 2, (const int32_t[]){ bx, sc });
	b->g.num_outputs = 1;
	b->graph_out[0] = sel;
}

/* th: iou, score threshold, sigma, then max_output_size's bits. */
static float *thresholds(float *th, float iou, float score, float sigma, int32_t max_out)
{
	th[0] = iou;
	th[1] = score;
	th[2] = sigma;
	memcpy(&th[3], &max_out, 4);
	return th;
}

START_TEST(hard_v4)
{
	static const int32_t want[5] = { 3, 2, 0, 0, 0 }, two = 2;
	float th[4];
	struct npu_cpu *cpu;
	struct tg b;

	nms(&b, false, 5, thresholds(th, 0.5f, 0.0f, 0.0f, 5));
	cpu = cpu_ok(&b);
	memcpy(npu_cpu_tensor_data(cpu, 0), boxes, sizeof(boxes));
	memcpy(npu_cpu_tensor_data(cpu, 1), scores, sizeof(scores));
	ck_assert_int_eq(npu_cpu_invoke(cpu), 0);
	ck_assert_mem_eq(npu_cpu_tensor_data(cpu, 6), want, sizeof(want));
	ck_assert_mem_eq(npu_cpu_tensor_data(cpu, 7), &two, 4);
	npu_cpu_destroy(cpu);
}
END_TEST

START_TEST(soft_v5)
{
	/*
	 * IoU threshold 1.0 is never reached below identical boxes: box 3 is
	 * taken, box 0 (IoU 1 with it) is dropped, box 1 decays by
	 * exp(-(1/1.1)^2) (sigma 0.5: scale -1) and box 2 does not: order 3,
	 * 2, 1 and the decayed score of box 1.
	 */
	static const int32_t want[4] = { 3, 2, 1, 0 }, three = 3;
	const double iou = 1.0 / 1.1, box1 = 0.8 * exp(-iou * iou);
	float th[4];
	struct npu_cpu *cpu;
	const float *got;
	struct tg b;

	nms(&b, true, 4, thresholds(th, 1.0f, 0.1f, 0.5f, 4));
	cpu = cpu_ok(&b);
	memcpy(npu_cpu_tensor_data(cpu, 0), boxes, sizeof(boxes));
	memcpy(npu_cpu_tensor_data(cpu, 1), scores, sizeof(scores));
	ck_assert_int_eq(npu_cpu_invoke(cpu), 0);
	ck_assert_mem_eq(npu_cpu_tensor_data(cpu, 6), want, sizeof(want));
	ck_assert_mem_eq(npu_cpu_tensor_data(cpu, 8), &three, 4);
	got = npu_cpu_tensor_data(cpu, 7);
	ck_assert_float_eq(got[0], 0.95f);
	ck_assert_float_eq(got[1], 0.7f);
	ck_assert_double_eq_tol(got[2], box1, 1e-6);
	ck_assert_float_eq(got[3], 0.0f);
	npu_cpu_destroy(cpu);
}
END_TEST

START_TEST(refused)
{
	float th[4];
	struct tg b;

	/* max_output_size 3 for outputs of 5. */
	nms(&b, false, 5, thresholds(th, 0.5f, 0.0f, 0.0f, 3));
	cpu_refused(&b, "max_output_size 3 for outputs of 5");
	/* int8 boxes: not a type this TFLite takes. */
	nms(&b, true, 4, thresholds(th, 0.5f, 0.0f, 0.5f, 4));
	b.t[0].type = NPU_TYPE_INT8;
	cpu_refused(&b, "int8 NON_MAX_SUPPRESSION_V5");
}
END_TEST

/*
 * The output_shape hook: the selected indices (and V5's scores) have
 * max_output_size entries; the count (the last output) is a scalar.
 */
START_TEST(nms_output_shape)
{
	static const int32_t max_out = 3;
	static const float thr = 0.5f;
	struct tg b;
	int32_t bx, sc, m, t;

	tg_init(&b);
	bx = tg_tensor(&b, NPU_TYPE_FLOAT32, 2, (const int32_t[]){ 6, 4 }, 0.0f, 0, NULL);
	sc = tg_tensor(&b, NPU_TYPE_FLOAT32, 1, (const int32_t[]){ 6 }, 0.0f, 0, NULL);
	m = tg_tensor(&b, NPU_TYPE_INT32, 0, NULL, 0.0f, 0, &max_out);
	t = tg_tensor(&b, NPU_TYPE_FLOAT32, 0, NULL, 0.0f, 0, &thr);
	tg_op(&b, NPU_BUILTIN_NON_MAX_SUPPRESSION_V5, 6, 3, bx, sc, m, t, t, t,
	      tg_tensor(&b, NPU_TYPE_INT32, 1, (const int32_t[]){ 1 }, 0.0f, 0, NULL),
	      tg_tensor(&b, NPU_TYPE_FLOAT32, 1, (const int32_t[]){ 1 }, 0.0f, 0, NULL),
	      tg_tensor(&b, NPU_TYPE_INT32, 0, NULL, 0.0f, 0, NULL));
	assert_output_shape(&b, 0, 1, (const int32_t[]){ 3 });
	assert_output_shape(&b, 1, 1, (const int32_t[]){ 3 });
	assert_output_shape(&b, 2, -1, NULL);
	/* V4: indices and the count. */
	b.g.num_ops = 0;
	tg_op(&b, NPU_BUILTIN_NON_MAX_SUPPRESSION_V4, 5, 2, bx, sc, m, t, t,
	      b.op_io[0][6], b.op_io[0][8]);
	assert_output_shape(&b, 0, 1, (const int32_t[]){ 3 });
	assert_output_shape(&b, 1, -1, NULL);
}
END_TEST

static Suite *nms_suite(void)
{
	Suite *s = suite_create("lower_non_max_suppression");
	TCase *tc = tcase_create("cpu");

	tcase_add_test(tc, hard_v4);
	tcase_add_test(tc, soft_v5);
	tcase_add_test(tc, refused);
	tcase_add_test(tc, nms_output_shape);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return npu_check_run(nms_suite());
}
