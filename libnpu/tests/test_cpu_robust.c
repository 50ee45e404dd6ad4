// SPDX-License-Identifier: MIT
/*
 * Hostile graphs: the TFLite reader guarantees structure (indices, buffer
 * sizes), not meaning.  Mutate the meaning of real models -- options,
 * activation shapes, types, scales, zero points -- and check that
 * npu_cpu_create() either refuses with a message naming the op, or the
 * executor runs without touching memory it does not own (run this under
 * ASan/UBSan to see the latter; here a crash fails the test).
 */
#include <check.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "npu_cpu.h"
#include "npu_graph.h"
#include "npu_tflite.h"

static const char *const models[] = {
	"tflm/hello_world_int8.tflite",
	"tflm/micro_speech_quantized.tflite",
	"tflm/keyword_scrambled_8bit.tflite",
	"seanet/add/add0.tflite",
	"seanet/conv/conv0.tflite",
	"seanet/leaky_relu/leaky_relu0.tflite",
	"seanet/pad/pad0.tflite",
	"seanet/quantize/quantize1.tflite",
	"seanet/strided_slice/strided_slice0.tflite",
	"seanet/sub/sub0.tflite",
	"seanet/transpose_conv/transpose_conv0.tflite",
};

#define MUTATIONS 200

static uint32_t rnd(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

static struct npu_graph *load(const char *rel)
{
	const char *top = getenv("NPU_TOP");
	char path[512], err[256] = "";
	struct npu_graph *g = NULL;

	snprintf(path, sizeof(path), "%s/../shared/models/%s", top ? top : ".",
		 rel);
	ck_assert_msg(npu_tflite_load_file(path, &g, err, sizeof(err)) == 0,
		      "%s: %s", path, err);
	return g;
}

static size_t type_size(enum npu_type t)
{
	return t == NPU_TYPE_INT8 || t == NPU_TYPE_UINT8 ? 1 :
	       t == NPU_TYPE_INT16 ? 2 : t == NPU_TYPE_INT64 ? 8 : 4;
}

static void reshape(struct npu_graph_tensor *t)
{
	t->elements = 1;
	for (int d = 0; d < t->rank; d++)
		t->elements *= (size_t)t->shape[d];
	t->bytes = t->elements * type_size(t->type);
}

/* One random change of meaning (never of a constant's size). */
static void mutate(struct npu_graph *g, uint32_t *seed)
{
	const uint32_t what = rnd(seed) % 6;
	struct npu_graph_op *op = &g->ops[rnd(seed) % g->num_ops];
	struct npu_graph_tensor *t = &g->tensors[rnd(seed) % g->num_tensors];
	static const float scales[] = { 0.0f, -1.0f, 1e-30f, 1e30f, NAN,
					INFINITY, 1.0f / 3, 3.0f };
	static const enum npu_type types[] = { NPU_TYPE_INT8, NPU_TYPE_INT16,
					       NPU_TYPE_INT32, NPU_TYPE_FLOAT32 };

	switch (what) {
	case 0: {	/* an option word */
		int32_t *words = (int32_t *)&op->options;
		const size_t n = sizeof(op->options) / sizeof(int32_t);

		words[rnd(seed) % n] = (int32_t)(rnd(seed) % 13) - 3;
		break;
	}
	case 1:		/* an activation's shape */
		if (!t->data && t->rank > 0) {
			t->shape[rnd(seed) % (uint32_t)t->rank] =
				(int32_t)(rnd(seed) % 9);
			reshape(t);
		}
		break;
	case 2:		/* an activation's type */
		if (!t->data) {
			t->type = types[rnd(seed) % 4];
			reshape(t);
		}
		break;
	case 3:		/* a scale */
		if (t->quant.count)
			t->quant.scale[rnd(seed) % t->quant.count] =
				scales[rnd(seed) % 8];
		break;
	case 4:		/* a zero point */
		if (t->quant.count)
			t->quant.zero_point[0] = (int32_t)(rnd(seed) % 70000) -
						 35000;
		break;
	default:	/* drop the quantization */
		t->quant.count = 0;
		break;
	}
}

START_TEST(mutated_models)
{
	uint32_t seed = 0x39e3779bu ^ (uint32_t)_i;
	int refused = 0, ran = 0;

	for (int m = 0; m < MUTATIONS; m++) {
		struct npu_graph *g = load(models[_i]);
		struct npu_cpu *cpu = NULL;
		char err[512] = "";
		const int n = 1 + (int)(rnd(&seed) % 3);
		int ret;

		for (int k = 0; k < n; k++)
			mutate(g, &seed);
		ret = npu_cpu_create(g, &cpu, err, sizeof(err));
		if (ret) {
			ck_assert_msg(ret == -EINVAL || ret == -ENOTSUP,
				      "create: %d %s", ret, err);
			ck_assert_msg(strncmp(err, "op ", 3) == 0,
				      "message does not name the op: %s", err);
			ck_assert_ptr_null(cpu);
			refused++;
		} else {
			for (uint32_t i = 0; i < g->num_inputs; i++) {
				const struct npu_graph_tensor *t =
					&g->tensors[g->inputs[i]];
				uint8_t *p = npu_cpu_tensor_data(cpu, g->inputs[i]);

				ck_assert_ptr_nonnull(p);
				for (size_t b = 0; b < t->bytes; b++)
					p[b] = (uint8_t)rnd(&seed);
			}
			ret = npu_cpu_invoke(cpu);
			if (ret)
				ck_assert_msg(strncmp(npu_cpu_error(cpu), "op ", 3) == 0,
					      "%s", npu_cpu_error(cpu));
			ran++;
			npu_cpu_destroy(cpu);
		}
		npu_graph_free(g);
	}
	/* Both outcomes must occur, or the mutations test nothing. */
	ck_assert_int_gt(refused, 0);
	ck_assert_int_gt(ran, 0);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("cpu_robust");
	TCase *tc = tcase_create("mutations");
	SRunner *sr;
	int failed;

	tcase_add_loop_test(tc, mutated_models, 0,
			    sizeof(models) / sizeof(models[0]));
	tcase_set_timeout(tc, 120);
	suite_add_tcase(s, tc);
	sr = srunner_create(s);
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
