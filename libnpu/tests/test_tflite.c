// SPDX-License-Identifier: MIT
/*
 * TFLite reader: every model in ../shared/models loads with the expected
 * operators and tensors; each class of damage, made by mutating a real model
 * in memory, is refused with the expected message; random damage never
 * crashes.  Run from the project root (libnpu's `make check` does).
 */
#include <check.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "npu_model_format.h"
#include "npu_tflite.h"
#include "test_cpu_graph.h"
#include "../tflite/fb.h"
#include "../tflite/detection_options.h"
#include "../tflite/flexbuf.h"
#include "../tflite/sparsity.h"
#include "while_model.h"

#define MODELS "../shared/models"

static uint8_t *read_model(const char *rel, size_t *len)
{
	char path[512];
	FILE *f;
	uint8_t *buf;
	long n;

	snprintf(path, sizeof(path), "%s/%s", MODELS, rel);
	f = fopen(path, "rb");
	ck_assert_msg(f, "cannot open %s (tests run from the project root)", path);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n);
	ck_assert_ptr_nonnull(buf);
	ck_assert_int_eq(fread(buf, 1, (size_t)n, f), n);
	fclose(f);
	*len = (size_t)n;
	return buf;
}

static unsigned int count_ops(const struct npu_graph *g, int32_t builtin)
{
	unsigned int n = 0;

	for (uint32_t i = 0; i < g->num_ops; i++)
		n += g->ops[i].builtin == builtin;
	return n;
}

struct expect {
	const char *file;
	uint32_t num_ops;
	struct { int32_t op; unsigned int n; } ops[8];
};

static const struct expect models[] = {
	{ "tflm/person_detect.tflite", 31, {
		{ NPU_BUILTIN_CONV_2D, 14 }, { NPU_BUILTIN_DEPTHWISE_CONV_2D, 14 },
		{ NPU_BUILTIN_AVERAGE_POOL_2D, 1 }, { NPU_BUILTIN_RESHAPE, 1 },
		{ NPU_BUILTIN_SOFTMAX, 1 } } },
	{ "tflm/mobilenet_v2_quantized_1x3x224x224.tflite", 84, {
		{ NPU_BUILTIN_TRANSPOSE, 1 }, { NPU_BUILTIN_PAD, 18 }, { NPU_BUILTIN_CONV_2D, 35 },
		{ NPU_BUILTIN_DEPTHWISE_CONV_2D, 17 }, { NPU_BUILTIN_ADD, 10 },
		{ NPU_BUILTIN_MEAN, 1 }, { NPU_BUILTIN_RESHAPE, 1 },
		{ NPU_BUILTIN_FULLY_CONNECTED, 1 } } },
	{ "tflm/micro_speech_quantized.tflite", 4, {
		{ NPU_BUILTIN_RESHAPE, 1 }, { NPU_BUILTIN_DEPTHWISE_CONV_2D, 1 },
		{ NPU_BUILTIN_FULLY_CONNECTED, 1 }, { NPU_BUILTIN_SOFTMAX, 1 } } },
	{ "tflm/keyword_scrambled_8bit.tflite", 15, {
		{ NPU_BUILTIN_QUANTIZE, 2 }, { NPU_BUILTIN_SVDF, 7 },
		{ NPU_BUILTIN_FULLY_CONNECTED, 5 }, { NPU_BUILTIN_SOFTMAX, 1 } } },
	{ "tflm/hello_world_int8.tflite", 3, { { NPU_BUILTIN_FULLY_CONNECTED, 3 } } },
	{ "seanet/add/add0.tflite", 1, { { NPU_BUILTIN_ADD, 1 } } },
	{ "seanet/add/add1.tflite", 1, { { NPU_BUILTIN_ADD, 1 } } },
	{ "seanet/add/add2.tflite", 1, { { NPU_BUILTIN_ADD, 1 } } },
	{ "seanet/add/add3.tflite", 1, { { NPU_BUILTIN_ADD, 1 } } },
	{ "seanet/conv/conv0.tflite", 1, { { NPU_BUILTIN_CONV_2D, 1 } } },
	{ "seanet/conv/conv1.tflite", 1, { { NPU_BUILTIN_CONV_2D, 1 } } },
	{ "seanet/conv/conv2.tflite", 1, { { NPU_BUILTIN_CONV_2D, 1 } } },
	{ "seanet/conv/conv3.tflite", 1, { { NPU_BUILTIN_CONV_2D, 1 } } },
	{ "seanet/conv/conv4.tflite", 1, { { NPU_BUILTIN_CONV_2D, 1 } } },
	{ "seanet/conv/conv5.tflite", 1, { { NPU_BUILTIN_CONV_2D, 1 } } },
	{ "seanet/leaky_relu/leaky_relu0.tflite", 1, { { NPU_BUILTIN_LEAKY_RELU, 1 } } },
	{ "seanet/leaky_relu/leaky_relu1.tflite", 1, { { NPU_BUILTIN_LEAKY_RELU, 1 } } },
	{ "seanet/leaky_relu/leaky_relu2.tflite", 1, { { NPU_BUILTIN_LEAKY_RELU, 1 } } },
	{ "seanet/pad/pad0.tflite", 1, { { NPU_BUILTIN_PAD, 1 } } },
	{ "seanet/pad/pad1.tflite", 1, { { NPU_BUILTIN_PAD, 1 } } },
	{ "seanet/pad/pad2.tflite", 1, { { NPU_BUILTIN_PAD, 1 } } },
	{ "seanet/quantize/quantize0.tflite", 1, { { NPU_BUILTIN_QUANTIZE, 1 } } },
	{ "seanet/quantize/quantize1.tflite", 1, { { NPU_BUILTIN_QUANTIZE, 1 } } },
	{ "seanet/strided_slice/strided_slice0.tflite", 1, { { NPU_BUILTIN_STRIDED_SLICE, 1 } } },
	{ "seanet/strided_slice/strided_slice1.tflite", 1, { { NPU_BUILTIN_STRIDED_SLICE, 1 } } },
	{ "seanet/strided_slice/strided_slice2.tflite", 1, { { NPU_BUILTIN_STRIDED_SLICE, 1 } } },
	{ "seanet/sub/sub0.tflite", 1, { { NPU_BUILTIN_SUB, 1 } } },
	{ "seanet/sub/sub1.tflite", 1, { { NPU_BUILTIN_SUB, 1 } } },
	{ "seanet/sub/sub2.tflite", 1, { { NPU_BUILTIN_SUB, 1 } } },
	{ "seanet/transpose_conv/transpose_conv0.tflite", 1, { { NPU_BUILTIN_TRANSPOSE_CONV, 1 } } },
	{ "seanet/transpose_conv/transpose_conv1.tflite", 1, { { NPU_BUILTIN_TRANSPOSE_CONV, 1 } } },
	{ "seanet/transpose_conv/transpose_conv2.tflite", 1, { { NPU_BUILTIN_TRANSPOSE_CONV, 1 } } },
};

/* Invariants every loaded graph must satisfy, whatever the model. */
static void check_graph_sane(const struct npu_graph *g)
{
	for (uint32_t i = 0; i < g->num_tensors; i++) {
		const struct npu_graph_tensor *t = &g->tensors[i];
		size_t elems = 1;

		ck_assert_ptr_nonnull(t->name);
		ck_assert_int_gt(npu_type_size(t->type), 0);
		ck_assert_int_le(t->rank, NPU_GRAPH_MAX_DIMS);
		for (int32_t d = 0; d < t->rank; d++)
			elems *= (size_t)t->shape[d];
		ck_assert_uint_eq(elems, t->elements);
		ck_assert_uint_eq(t->bytes, elems * npu_type_size(t->type));
		if (t->data)
			ck_assert_uint_eq(t->data_size, t->bytes);
	}
	for (uint32_t i = 0; i < g->num_ops; i++)
		for (uint32_t j = 0; j < g->ops[i].num_outputs; j++) {
			int32_t o = g->ops[i].outputs[j];

			ck_assert(o >= 0 && (uint32_t)o < g->num_tensors);
			ck_assert_int_eq(npu_graph_producer(g, o), (int32_t)i);
		}
	for (uint32_t k = 0; k < g->num_subgraphs; k++)
		if (g->subgraphs[k])
			check_graph_sane(g->subgraphs[k]);
}

START_TEST(test_real_models_load)
{
	const struct expect *e = &models[_i];
	struct npu_graph *g = NULL;
	char err[256];
	char path[512];
	int ret;

	snprintf(path, sizeof(path), "%s/%s", MODELS, e->file);
	ret = npu_tflite_load_file(path, &g, err, sizeof(err));
	ck_assert_msg(ret == 0, "%s: %d %s", e->file, ret, err);
	ck_assert_uint_eq(g->num_ops, e->num_ops);
	for (int k = 0; k < 8 && e->ops[k].n; k++)
		ck_assert_msg(count_ops(g, e->ops[k].op) == e->ops[k].n, "%s: %s x%u, expected x%u",
			      e->file, npu_op_name(e->ops[k].op), count_ops(g, e->ops[k].op),
			      e->ops[k].n);
	ck_assert_uint_ge(g->num_inputs, 1);
	ck_assert_uint_eq(g->num_outputs, 1);
	check_graph_sane(g);
	npu_graph_free(g);
}
END_TEST

START_TEST(test_person_detect_details)
{
	struct npu_graph *g;
	char err[256];
	const struct npu_graph_tensor *in, *out;
	unsigned int per_channel = 0;

	ck_assert_int_eq(npu_tflite_load_file(MODELS "/tflm/person_detect.tflite", &g, err,
					      sizeof(err)), 0);
	in = &g->tensors[g->inputs[0]];
	out = &g->tensors[g->outputs[0]];
	ck_assert_int_eq(in->type, NPU_TYPE_INT8);
	ck_assert_int_eq(in->rank, 4);
	ck_assert_int_eq(in->shape[1], 96);
	ck_assert_int_eq(in->shape[2], 96);
	ck_assert_int_eq(in->shape[3], 1);
	ck_assert_uint_eq(in->quant.count, 1);
	ck_assert(fabsf(in->quant.scale[0] - 0.00784314f) < 1e-6f);
	ck_assert_int_eq(in->quant.zero_point[0], -1);
	ck_assert_int_eq(out->rank, 2);
	ck_assert_int_eq(out->shape[1], 2);
	ck_assert(fabsf(out->quant.scale[0] - 1.0f / 256) < 1e-9f);
	ck_assert_int_eq(out->quant.zero_point[0], -128);
	ck_assert_ptr_null(in->data);
	for (uint32_t i = 0; i < g->num_ops; i++) {
		const struct npu_graph_op *op = &g->ops[i];

		if (op->builtin == NPU_BUILTIN_CONV_2D || op->builtin == NPU_BUILTIN_DEPTHWISE_CONV_2D) {
			const struct npu_graph_tensor *w = &g->tensors[op->inputs[1]];

			ck_assert_int_eq(op->options_kind, NPU_OPTS_CONV);
			ck_assert(op->options.conv.stride_w == 1 || op->options.conv.stride_w == 2);
			ck_assert_int_eq(op->options.conv.dilation_w, 1);
			ck_assert_ptr_nonnull(w->data);
			ck_assert_int_eq(w->type, NPU_TYPE_INT8);
			per_channel += w->quant.count > 1;
			if (op->builtin == NPU_BUILTIN_DEPTHWISE_CONV_2D)
				ck_assert_int_ge(op->options.conv.depth_multiplier, 1);
		}
		if (op->builtin == NPU_BUILTIN_AVERAGE_POOL_2D) {
			ck_assert_int_eq(op->options_kind, NPU_OPTS_POOL);
			ck_assert_int_eq(op->options.pool.filter_w, 3);
			ck_assert_int_eq(op->options.pool.filter_h, 3);
		}
		if (op->builtin == NPU_BUILTIN_SOFTMAX)
			ck_assert(op->options.softmax.beta == 1.0f);
	}
	ck_assert_uint_eq(per_channel, 28);	/* int8 per-channel weights */
	npu_graph_free(g);
}
END_TEST

START_TEST(test_seanet_16x8)
{
	struct npu_graph *g;
	char err[256];
	const struct npu_graph_op *op;

	ck_assert_int_eq(npu_tflite_load_file(MODELS "/seanet/conv/conv0.tflite", &g, err,
					      sizeof(err)), 0);
	op = &g->ops[0];
	ck_assert_int_eq(g->tensors[op->inputs[0]].type, NPU_TYPE_INT16);
	ck_assert_int_eq(g->tensors[op->inputs[1]].type, NPU_TYPE_INT8);
	ck_assert_int_eq(g->tensors[op->inputs[2]].type, NPU_TYPE_INT64);
	ck_assert_int_eq(g->tensors[op->outputs[0]].type, NPU_TYPE_INT16);
	npu_graph_free(g);

	ck_assert_int_eq(npu_tflite_load_file(MODELS "/seanet/leaky_relu/leaky_relu0.tflite", &g,
					      err, sizeof(err)), 0);
	ck_assert_int_eq(g->ops[0].options_kind, NPU_OPTS_LEAKY_RELU);
	ck_assert(g->ops[0].options.leaky_relu.alpha > 0.0f && g->ops[0].options.leaky_relu.alpha < 1.0f);
	npu_graph_free(g);

	ck_assert_int_eq(npu_tflite_load_file(MODELS "/tflm/keyword_scrambled_8bit.tflite", &g,
					      err, sizeof(err)), 0);
	for (uint32_t i = 0; i < g->num_ops; i++) {
		if (g->ops[i].builtin != NPU_BUILTIN_SVDF)
			continue;
		ck_assert_int_eq(g->ops[i].options_kind, NPU_OPTS_SVDF);
		ck_assert_int_ge(g->ops[i].options.svdf.rank, 1);
		/* The state input is a variable tensor. */
		ck_assert(g->tensors[g->ops[i].inputs[4]].is_variable);
	}
	npu_graph_free(g);
}
END_TEST

/* ---- malformed models: locate structures with the fb layer, then damage ---- */

struct loc {
	struct fb fb;
	char err[256];
	struct fb_table model, sg;
	struct fb_vec tensors, ops, codes, buffers;
};

static void locate(struct loc *l, const uint8_t *buf, size_t len)
{
	memset(l, 0, sizeof(*l));
	l->fb = (struct fb){ .data = buf, .len = len, .err = l->err, .errlen = sizeof(l->err) };
	struct fb_vec sgs;
	ck_assert(fb_root(&l->fb, &l->model));
	ck_assert(fb_get_vec(&l->fb, &l->model, 1, 4, &l->codes, "t"));
	ck_assert(fb_get_vec(&l->fb, &l->model, 2, 4, &sgs, "t"));
	ck_assert(fb_get_vec(&l->fb, &l->model, 4, 4, &l->buffers, "t"));
	ck_assert(fb_vec_table(&l->fb, &sgs, 0, &l->sg, "t"));
	ck_assert(fb_get_vec(&l->fb, &l->sg, 0, 4, &l->tensors, "t"));
	ck_assert(fb_get_vec(&l->fb, &l->sg, 3, 4, &l->ops, "t"));
}

static void put_u32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
	p[2] = (uint8_t)(v >> 16);
	p[3] = (uint8_t)(v >> 24);
}

/* Position of the uoffset_t that holds field @id of @t (must be present). */
static uint32_t field_pos(struct loc *l, const struct fb_table *t, unsigned int id)
{
	uint32_t pos;

	ck_assert(fb_field(&l->fb, t, id, 4, &pos, "t"));
	ck_assert_msg(pos != 0, "field %u absent", id);
	return pos;
}

static void expect_error(const uint8_t *buf, size_t len, int code, const char *needle)
{
	struct npu_graph *g = (struct npu_graph *)1;
	char err[256];
	int ret = npu_tflite_load(buf, len, &g, err, sizeof(err));

	ck_assert_msg(ret == code, "expected %d, got %d (%s)", code, ret, err);
	ck_assert_ptr_null(g);
	ck_assert_msg(strstr(err, needle), "message \"%s\" lacks \"%s\"", err, needle);
}

/*
 * The regression corpus of structure-aware fuzzing (tests/fuzz/regress,
 * made by make_regress.py): each wrong file the reader used to take is
 * refused with a message naming the field.
 */
START_TEST(test_fuzz_regress_messages)
{
	static const struct {
		const char *file;
		int code;
		const char *needle;
	} cases[] = {
		{ "accept_custom_op_empty_name.tflite", -EINVAL,
		  "operator code 0: CUSTOM operator without a name" },
		{ "accept_variable_tensor_with_buffer.tflite", -EINVAL,
		  "tensor 1 ('t1'): variable tensor with constant buffer 1" },
		{ "accept_no_graph_outputs.tflite", -EINVAL, "subgraph 0 has no outputs" },
		{ "accept_conv_quantized_bias_type_invalid.tflite", -EINVAL,
		  "operator 0 (CONV_2D) options: quantized_bias_type -1 is not a tensor type" },
		{ "accept_conv_int16_quantized_bias_type_mismatch.tflite", -EINVAL,
		  "operator 0 (CONV_2D) options: quantized_bias_type INT32 is not the type of its bias (tensor 2, int64)" },
		{ "accept_quantized_dimension_out_of_range.tflite", -EINVAL,
		  "tensor 0 ('t0'): quantized dimension 8 out of range for rank 2" },
		{ "accept_transpose_conv_stride_32768.tflite", -EINVAL,
		  "operator 0 (TRANSPOSE_CONV): invalid stride 32768x1" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct npu_graph *g = NULL;
		char path[256], err[256] = "";
		int ret;

		snprintf(path, sizeof(path), "tests/fuzz/regress/%s", cases[i].file);
		ret = npu_tflite_load_file(path, &g, err, sizeof(err));
		ck_assert_msg(ret == cases[i].code, "%s: expected %d, got %d (%s)", cases[i].file,
			      cases[i].code, ret, err);
		ck_assert_ptr_null(g);
		ck_assert_msg(strstr(err, cases[i].needle), "%s: message \"%s\" lacks \"%s\"",
			      cases[i].file, err, cases[i].needle);
	}
}
END_TEST

/* The same for what the reader takes and the compiler refuses (op kernels). */
START_TEST(test_fuzz_regress_compile_messages)
{
	static const struct {
		const char *file;
		const char *needle;
	} cases[] = {
		{ "accept_svdf_int8_state_unquantized.tflite",
		  "int8 SVDF needs quantized input, weights, state and output (state has no scale)" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct npu_compiled_model *m = NULL;
		struct npu_graph *g = NULL;
		char path[256], err[512] = "";
		int ret;

		snprintf(path, sizeof(path), "tests/fuzz/regress/%s", cases[i].file);
		ck_assert_msg(!npu_tflite_load_file(path, &g, err, sizeof(err)), "%s: %s",
			      cases[i].file, err);
		ret = npu_compile(g, NULL, &m, err, sizeof(err));
		for (uint32_t k = 0; !ret && k < m->graph->num_ops; k++)
			ret = npu_compiled_op_runnable(m, k, err, sizeof(err));
		npu_compiled_model_free(m);
		ck_assert_msg(ret, "%s: compiled", cases[i].file);
		ck_assert_msg(strstr(err, cases[i].needle), "%s: message \"%s\" lacks \"%s\"",
			      cases[i].file, err, cases[i].needle);
	}
}
END_TEST

/* And for the .npu loader (npu-compile --check). */
START_TEST(test_fuzz_regress_npu_messages)
{
	struct npu_compiled_model *m = NULL;
	char err[512] = "";

	ck_assert_int_eq(npu_model_load_file("tests/fuzz/regress/accept_npu_op_builtin_unknown.npu",
					     &m, err, sizeof(err)), -EINVAL);
	ck_assert_ptr_null(m);
	ck_assert_msg(strstr(err, "op 0 (UNKNOWN): in NPU segment 0, but builtin 9999 is never placed on the NPU"),
		      "%s", err);
	ck_assert_int_eq(npu_model_load_file("tests/fuzz/regress/accept_npu_fc_weights_format_shuffled.npu",
					     &m, err, sizeof(err)), -EINVAL);
	ck_assert_ptr_null(m);
	ck_assert_msg(strstr(err, "op 0 (FULLY_CONNECTED): in NPU segment 0, but its CPU form is refused: shuffled weights are not supported"),
		      "%s", err);
}
END_TEST

START_TEST(test_truncated)
{
	size_t len;
	uint8_t *buf = read_model("tflm/person_detect.tflite", &len);

	expect_error(buf, 0, -EINVAL, "too small for a flatbuffer");
	expect_error(buf, 7, -EINVAL, "too small for a flatbuffer");
	/* Every cut of the file is refused with a range error. */
	for (size_t cut = 8; cut < len; cut += len / 61) {
		uint8_t *copy = malloc(cut);

		memcpy(copy, buf, cut);	/* a separate allocation so ASan sees overreads */
		expect_error(copy, cut, -EINVAL, "past the end of the");
		free(copy);
	}
	free(buf);
}
END_TEST

START_TEST(test_bad_root_offset)
{
	size_t len;
	uint8_t *buf = read_model("tflm/hello_world_int8.tflite", &len);

	put_u32(buf, (uint32_t)len + 100);
	expect_error(buf, len, -EINVAL, "root table offset");
	put_u32(buf, 0xfffffffcu);
	expect_error(buf, len, -EINVAL, "root table offset");
	free(buf);
}
END_TEST

START_TEST(test_not_tflite)
{
	size_t len;
	uint8_t *buf = read_model("tflm/hello_world_int8.tflite", &len);

	memcpy(buf + 4, "XXXX", 4);
	expect_error(buf, len, -EINVAL, "TFL3");
	free(buf);
}
END_TEST

START_TEST(test_vtable_out_of_range)
{
	size_t len;
	uint8_t *buf = read_model("tflm/hello_world_int8.tflite", &len);
	struct loc l;
	struct fb_table t;

	locate(&l, buf, len);
	/* Root table's vtable far before the start of the file. */
	put_u32(buf + l.model.pos, (uint32_t)(l.model.pos + 1000));
	expect_error(buf, len, -EINVAL, "vtable");
	free(buf);

	/* A tensor's vtable past the end. */
	buf = read_model("tflm/hello_world_int8.tflite", &len);
	locate(&l, buf, len);
	ck_assert(fb_vec_table(&l.fb, &l.tensors, 2, &t, "t"));
	put_u32(buf + t.pos, (uint32_t)(int32_t)-(int32_t)(len * 2));
	expect_error(buf, len, -EINVAL, "tensor 2: vtable");
	free(buf);
}
END_TEST

START_TEST(test_vector_length_overflow)
{
	size_t len;
	uint8_t *buf = read_model("tflm/person_detect.tflite", &len);
	struct loc l;

	locate(&l, buf, len);
	put_u32(buf + l.tensors.pos - 4, 0x40000000u);	/* 4 * 2^30 wraps 32 bits */
	expect_error(buf, len, -EINVAL, "vector of 1073741824 elements");
	put_u32(buf + l.tensors.pos - 4, 0xffffffffu);
	expect_error(buf, len, -EINVAL, "subgraph 0 tensors: vector of 4294967295 elements");
	free(buf);
}
END_TEST

START_TEST(test_string_not_terminated)
{
	size_t len;
	uint8_t *buf = read_model("tflm/person_detect.tflite", &len);
	struct loc l;
	struct fb_table t;
	const char *name;
	uint32_t n;

	locate(&l, buf, len);
	ck_assert(fb_vec_table(&l.fb, &l.tensors, 5, &t, "t"));
	ck_assert(fb_get_str(&l.fb, &t, 3, &name, &n, "t"));
	ck_assert_ptr_nonnull(name);
	buf[(const uint8_t *)name - buf + n] = 'x';
	expect_error(buf, len, -EINVAL, "tensor 5: string at offset");
	expect_error(buf, len, -EINVAL, "is not NUL-terminated");
	/* And a string whose length runs off the end. */
	put_u32(buf + ((const uint8_t *)name - buf) - 4, 0xfffffff0u);
	expect_error(buf, len, -EINVAL, "string of 4294967280 bytes");
	free(buf);
}
END_TEST

START_TEST(test_bad_tensor_index)
{
	size_t len;
	uint8_t *buf = read_model("tflm/person_detect.tflite", &len);
	struct loc l;
	struct fb_table op;
	struct fb_vec in;

	locate(&l, buf, len);
	ck_assert(fb_vec_table(&l.fb, &l.ops, 2, &op, "t"));
	ck_assert(fb_get_vec(&l.fb, &op, 1, 4, &in, "t"));
	put_u32(buf + in.pos + 4, 9999);
	expect_error(buf, len, -EINVAL,
		     "operator 2 (CONV_2D): input 1 is tensor 9999 but the subgraph has 89 tensors");
	put_u32(buf + in.pos + 4, (uint32_t)-5);
	expect_error(buf, len, -EINVAL, "input 1 is tensor -5");
	free(buf);

	/* Graph output index. */
	buf = read_model("tflm/person_detect.tflite", &len);
	locate(&l, buf, len);
	ck_assert(fb_get_vec(&l.fb, &l.sg, 2, 4, &in, "t"));
	put_u32(buf + in.pos, 89);
	expect_error(buf, len, -EINVAL, "graph output 0 is tensor 89 but the subgraph has 89 tensors");
	free(buf);
}
END_TEST

/* Index of the first constant tensor with rank >= 1 in a loaded graph. */
static uint32_t first_constant(const char *file)
{
	struct npu_graph *g;
	char err[256], path[512];
	uint32_t idx = UINT32_MAX;

	snprintf(path, sizeof(path), "%s/%s", MODELS, file);
	ck_assert_int_eq(npu_tflite_load_file(path, &g, err, sizeof(err)), 0);
	for (uint32_t i = 0; i < g->num_tensors && idx == UINT32_MAX; i++)
		if (g->tensors[i].data && g->tensors[i].rank >= 1 && g->tensors[i].shape[0] > 1)
			idx = i;
	npu_graph_free(g);
	ck_assert_uint_ne(idx, UINT32_MAX);
	return idx;
}

START_TEST(test_shape_buffer_mismatch)
{
	size_t len;
	uint8_t *buf = read_model("tflm/person_detect.tflite", &len);
	uint32_t idx = first_constant("tflm/person_detect.tflite");
	struct loc l;
	struct fb_table t;
	struct fb_vec shape;
	char needle[64];
	uint32_t pos;

	locate(&l, buf, len);
	ck_assert(fb_vec_table(&l.fb, &l.tensors, idx, &t, "t"));
	ck_assert(fb_get_vec(&l.fb, &t, 0, 4, &shape, "t"));
	/* The last dimension: not the per-channel one of conv weights. */
	pos = shape.pos + 4 * (shape.count - 1);
	put_u32(buf + pos, fb_read_u32(&l.fb, pos) + 1);
	snprintf(needle, sizeof(needle), "tensor %u (", idx);
	expect_error(buf, len, -EINVAL, needle);
	expect_error(buf, len, -EINVAL, "bytes but shape [");
	free(buf);
}
END_TEST

START_TEST(test_huge_shape)
{
	size_t len;
	uint8_t *buf = read_model("tflm/person_detect.tflite", &len);
	struct loc l;
	struct fb_table t;
	struct fb_vec shape;

	locate(&l, buf, len);
	/* Graph input tensor: no buffer, so only the size check can object. */
	ck_assert(fb_vec_table(&l.fb, &l.tensors, 0, &t, "t"));
	ck_assert(fb_get_vec(&l.fb, &t, 0, 4, &shape, "t"));
	for (uint32_t d = 0; d < shape.count; d++)
		put_u32(buf + shape.pos + 4 * d, 0x7fffffffu);
	expect_error(buf, len, -EINVAL, "shape is too large");
	put_u32(buf + shape.pos, 0xffffffffu);
	expect_error(buf, len, -EINVAL, "dimension 0 is -1");
	free(buf);
}
END_TEST

START_TEST(test_unknown_op_version)
{
	size_t len;
	uint8_t *buf = read_model("tflm/person_detect.tflite", &len);
	struct loc l;
	bool patched = false;

	locate(&l, buf, len);
	for (uint32_t i = 0; i < l.codes.count && !patched; i++) {
		struct fb_table c;
		uint32_t pos;

		ck_assert(fb_vec_table(&l.fb, &l.codes, i, &c, "t"));
		ck_assert(fb_field(&l.fb, &c, 2, 4, &pos, "t"));
		if (pos) {
			put_u32(buf + pos, 99);
			patched = true;
		}
	}
	ck_assert(patched);
	expect_error(buf, len, -ENOTSUP, "version 99 is not supported");
	free(buf);
}
END_TEST

START_TEST(test_opcode_index)
{
	size_t len;
	uint8_t *buf = read_model("tflm/person_detect.tflite", &len);
	struct loc l;
	struct fb_table op;

	/* Operator 2 is the first CONV_2D: its opcode index is not 0. */
	locate(&l, buf, len);
	ck_assert(fb_vec_table(&l.fb, &l.ops, 2, &op, "t"));
	put_u32(buf + field_pos(&l, &op, 0), 77);
	expect_error(buf, len, -EINVAL, "operator 2: opcode index 77 out of range");
	free(buf);
}
END_TEST

/* Make element @i of a vector of tables point at what element @j pointed to. */
static void redirect(uint8_t *buf, struct loc *l, const struct fb_vec *v, uint32_t i,
		     uint32_t target)
{
	put_u32(buf + v->pos + 4 * i, target - (v->pos + 4 * i));
	(void)l;
}

static uint32_t elem_target(struct loc *l, const struct fb_vec *v, uint32_t i)
{
	return v->pos + 4 * i + fb_read_u32(&l->fb, v->pos + 4 * i);
}

START_TEST(test_cycle)
{
	size_t len;
	uint8_t *buf = read_model("tflm/person_detect.tflite", &len);
	struct loc l;
	uint32_t t0, t1;

	/* Swap operators 0 and 1: op 0 now reads what op 1 produces later. */
	locate(&l, buf, len);
	t0 = elem_target(&l, &l.ops, 0);
	t1 = elem_target(&l, &l.ops, 1);
	redirect(buf, &l, &l.ops, 0, t1);
	redirect(buf, &l, &l.ops, 1, t0);
	expect_error(buf, len, -EINVAL, "operator 0 (DEPTHWISE_CONV_2D): input 0 reads tensor");
	expect_error(buf, len, -EINVAL, "before operator 1 produces it: the graph is cyclic");
	free(buf);

	/* A true cycle: op 0 reads its own output. */
	buf = read_model("tflm/hello_world_int8.tflite", &len);
	locate(&l, buf, len);
	{
		struct fb_table op;
		struct fb_vec in, out;

		ck_assert(fb_vec_table(&l.fb, &l.ops, 0, &op, "t"));
		ck_assert(fb_get_vec(&l.fb, &op, 1, 4, &in, "t"));
		ck_assert(fb_get_vec(&l.fb, &op, 2, 4, &out, "t"));
		put_u32(buf + in.pos, fb_read_u32(&l.fb, out.pos));
		expect_error(buf, len, -EINVAL, "before operator 0 produces it");
	}
	free(buf);
}
END_TEST

START_TEST(test_produced_twice)
{
	size_t len;
	uint8_t *buf = read_model("tflm/hello_world_int8.tflite", &len);
	struct loc l;
	struct fb_table op0, op2;
	struct fb_vec out0, out2;

	locate(&l, buf, len);
	ck_assert(fb_vec_table(&l.fb, &l.ops, 0, &op0, "t"));
	ck_assert(fb_vec_table(&l.fb, &l.ops, 2, &op2, "t"));
	ck_assert(fb_get_vec(&l.fb, &op0, 2, 4, &out0, "t"));
	ck_assert(fb_get_vec(&l.fb, &op2, 2, 4, &out2, "t"));
	put_u32(buf + out2.pos, fb_read_u32(&l.fb, out0.pos));
	expect_error(buf, len, -EINVAL, "is produced by operator 0 and again by operator 2");
	free(buf);
}
END_TEST

START_TEST(test_unproduced_input)
{
	size_t len;
	uint8_t *buf = read_model("tflm/hello_world_int8.tflite", &len);
	struct loc l;
	struct fb_vec in;

	/* No graph inputs: the first FC reads a tensor nothing produces. */
	locate(&l, buf, len);
	ck_assert(fb_get_vec(&l.fb, &l.sg, 1, 4, &in, "t"));
	put_u32(buf + in.pos - 4, 0);
	expect_error(buf, len, -EINVAL, "which no operator produces and which is not a graph input");
	free(buf);
}
END_TEST

START_TEST(test_bad_options)
{
	size_t len;
	uint8_t *buf = read_model("tflm/person_detect.tflite", &len);
	struct loc l;
	struct fb_table op, opts;
	bool present;
	uint32_t pos;

	locate(&l, buf, len);
	ck_assert(fb_vec_table(&l.fb, &l.ops, 2, &op, "t"));
	ck_assert(fb_get_table(&l.fb, &op, 4, &opts, &present, "t"));
	ck_assert(present);
	ck_assert(fb_field(&l.fb, &opts, 1, 4, &pos, "t"));	/* stride_w */
	ck_assert_uint_ne(pos, 0);
	put_u32(buf + pos, 0);
	expect_error(buf, len, -EINVAL, "operator 2 (CONV_2D): invalid stride 0x");
	free(buf);
}
END_TEST

START_TEST(test_second_subgraph)
{
	size_t len;
	uint8_t *buf = read_model("tflm/hello_world_int8.tflite", &len);
	struct loc l;
	struct fb_vec sgs;
	struct npu_graph *g = NULL;
	char err[256];

	locate(&l, buf, len);
	ck_assert(fb_get_vec(&l.fb, &l.model, 2, 4, &sgs, "t"));
	/*
	 * A second subgraph must be a CALL_ONCE initialiser: here its slot
	 * holds whatever follows, refused and named (its ops, or its bytes).
	 */
	put_u32(buf + sgs.pos - 4, 2);
	ck_assert_int_lt(npu_tflite_load(buf, len, &g, err, sizeof(err)), 0);
	ck_assert_ptr_null(g);
	ck_assert_msg(strstr(err, "subgraph 1"), "message \"%s\" lacks \"subgraph 1\"", err);
	put_u32(buf + sgs.pos - 4, 0);
	expect_error(buf, len, -EINVAL, "model has no subgraph");
	free(buf);
}
END_TEST

/* A copy of the embedded WHILE model, and its subgraph vector. */
static uint8_t *while_model(struct loc *l, struct fb_vec *sgs)
{
	uint8_t *buf = malloc(while_float_tflite_len);

	ck_assert_ptr_nonnull(buf);
	memcpy(buf, while_float_tflite, while_float_tflite_len);
	locate(l, buf, while_float_tflite_len);
	ck_assert(fb_get_vec(&l->fb, &l->model, 2, 4, sgs, "t"));
	return buf;
}

/* Position of WhileOptions field @id (0 cond, 1 body) of main op 0. */
static uint32_t while_option(struct loc *l, unsigned int id)
{
	struct fb_table op, opts;
	bool present;

	ck_assert(fb_vec_table(&l->fb, &l->ops, 0, &op, "t"));
	ck_assert(fb_get_table(&l->fb, &op, 4, &opts, &present, "t"));
	ck_assert(present);
	return field_pos(l, &opts, id);
}

START_TEST(test_while_subgraphs)
{
	const size_t len = while_float_tflite_len;
	struct npu_graph *g = NULL;
	struct fb_vec sgs, out;
	struct fb_table body;
	struct loc l;
	char err[256];
	uint8_t *buf = while_model(&l, &sgs);
	uint32_t cond_pos = while_option(&l, 0), body_pos = while_option(&l, 1);

	ck_assert_msg(npu_tflite_load(buf, len, &g, err, sizeof(err)) == 0, "%s", err);
	ck_assert_uint_eq(g->num_ops, 1);
	ck_assert_int_eq(g->ops[0].builtin, NPU_BUILTIN_WHILE);
	ck_assert_int_eq(g->ops[0].options.control_flow.cond_subgraph, 1);
	ck_assert_int_eq(g->ops[0].options.control_flow.body_subgraph, 2);
	ck_assert_uint_eq(g->num_subgraphs, 3);
	ck_assert_ptr_null(g->subgraphs[0]);
	ck_assert_uint_eq(g->subgraphs[1]->num_outputs, 1);
	ck_assert_uint_eq(g->subgraphs[2]->num_outputs, 2);
	check_graph_sane(g);
	npu_graph_free(g);

	/* Recursion into the main graph, an index past the subgraphs. */
	put_u32(buf + body_pos, 0);
	expect_error(buf, len, -EINVAL, "subgraph 0 is not one of subgraphs 1..2 (0 is the main graph: recursion)");
	put_u32(buf + body_pos, 7);
	expect_error(buf, len, -EINVAL, "subgraph 7 is not one of subgraphs 1..2");
	put_u32(buf + body_pos, (uint32_t)-1);
	expect_error(buf, len, -EINVAL, "subgraph -1 is not one of");
	/* cond and body swapped: the body as the cond gives 2 outputs. */
	put_u32(buf + body_pos, 1);
	put_u32(buf + cond_pos, 2);
	expect_error(buf, len, -EINVAL, "cond subgraph 2 has 2 inputs and 2 outputs, expected 2 and 1");
	put_u32(buf + cond_pos, 1);
	put_u32(buf + body_pos, 2);

	/* The body's output 1 (the float) is its int32 counter instead. */
	ck_assert(fb_vec_table(&l.fb, &sgs, 2, &body, "t"));
	ck_assert(fb_get_vec(&l.fb, &body, 2, 4, &out, "t"));
	{
		struct fb_vec in;
		uint32_t keep = fb_read_u32(&l.fb, out.pos + 4);

		ck_assert(fb_get_vec(&l.fb, &body, 1, 4, &in, "t"));
		put_u32(buf + out.pos + 4, fb_read_u32(&l.fb, in.pos));
		expect_error(buf, len, -EINVAL, "operator 0 (WHILE): body subgraph output 1 is");
		/* A body output index outside the body's tensors. */
		put_u32(buf + out.pos + 4, 999);
		expect_error(buf, len, -EINVAL, "subgraph 2: graph output 1 is tensor 999");
		put_u32(buf + out.pos + 4, keep);
	}

	/* More subgraphs than supported: refused before any is read. */
	put_u32(buf + sgs.pos - 4, 300);
	expect_error(buf, len, -ENOTSUP, "model has 300 subgraphs; at most 256");
	free(buf);
}
END_TEST

START_TEST(test_bad_quantization)
{
	size_t len;
	uint8_t *buf = read_model("tflm/person_detect.tflite", &len);
	struct loc l;
	struct fb_table t, q;
	struct fb_vec scale, zp;
	bool present;
	uint32_t zero = 0;

	struct fb_vec inputs;
	uint32_t in;
	char needle[96];

	/* The graph input: an int8 activation. */
	locate(&l, buf, len);
	ck_assert(fb_get_vec(&l.fb, &l.sg, 1, 4, &inputs, "t"));
	in = fb_read_u32(&l.fb, inputs.pos);
	ck_assert(fb_vec_table(&l.fb, &l.tensors, in, &t, "t"));
	ck_assert(fb_get_table(&l.fb, &t, 4, &q, &present, "t"));
	ck_assert(present);
	ck_assert(fb_get_vec(&l.fb, &q, 2, 4, &scale, "t"));
	ck_assert(fb_get_vec(&l.fb, &q, 3, 8, &zp, "t"));
	put_u32(buf + zp.pos, 196608);
	put_u32(buf + zp.pos + 4, 0);	/* int64 */
	snprintf(needle, sizeof(needle), "tensor %u ('input'): zero point 196608 out of range for int8",
		 in);
	expect_error(buf, len, -EINVAL, needle);
	put_u32(buf + zp.pos, 0);
	memcpy(buf + scale.pos, &zero, 4);
	snprintf(needle, sizeof(needle), "tensor %u ('input'): invalid quantization scale 0", in);
	expect_error(buf, len, -EINVAL, needle);
	put_u32(buf + scale.pos, 0x00000100u);	/* subnormal */
	expect_error(buf, len, -EINVAL, "invalid quantization scale");
	put_u32(buf + scale.pos, 0x7f800000u);	/* inf */
	expect_error(buf, len, -EINVAL, "invalid quantization scale inf");
	free(buf);
}
END_TEST

/*
 * A zero-scale activation is read when FILL (or a data-movement op) copies
 * zero-scale data into it: Keras' LayerNormalization in 16x8 makes one
 * (tf.zeros of a run-time shape), and TFLite reads the file.  Any other
 * (a graph input, above; a requantizing op's output) is refused, naming it.
 */
START_TEST(test_zero_scale_copy)
{
	static const int32_t s1[] = { 1 }, s4[] = { 4 }, s14[] = { 1, 4 }, shape[2] = { 1, 4 };
	static const int32_t dims[1] = { 4 };
	static const int16_t zero;
	struct tg b;
	int32_t d, v, z, sh, r, x, out;
	char err[256];

	tg_init(&b);
	d = tg_tensor(&b, NPU_TYPE_INT32, 1, s1, 0.0f, 0, dims);
	v = tg_tensor(&b, NPU_TYPE_INT16, 0, s1, 0.0f, 0, &zero);
	b.t[v].quant.count = 1;
	b.t[v].quant.scale = b.scale[v];
	b.t[v].quant.zero_point = b.zp[v];
	z = tg_tensor(&b, NPU_TYPE_INT16, 1, s4, 1.0f, 0, NULL);
	b.scale[z][0] = 0.0f;
	sh = tg_tensor(&b, NPU_TYPE_INT32, 1, (const int32_t[]){ 2 }, 0.0f, 0, shape);
	r = tg_tensor(&b, NPU_TYPE_INT16, 2, s14, 1.0f, 0, NULL);
	b.scale[r][0] = 0.0f;
	x = tg_tensor(&b, NPU_TYPE_INT16, 2, s14, 0.5f, 0, NULL);
	out = tg_tensor(&b, NPU_TYPE_INT16, 2, s14, 0.5f, 0, NULL);
	tg_op(&b, NPU_BUILTIN_FILL, 2, 1, d, v, z);
	tg_op(&b, NPU_BUILTIN_RESHAPE, 2, 1, z, sh, r);
	tg_op(&b, NPU_BUILTIN_SUB, 2, 1, x, r, out);
	tg_io(&b, x, out);
	ck_assert_msg(npu_graph_validate(&b.g, err, sizeof(err)) == 0, "%s", err);

	/* The zero scale on SUB's output: refused. */
	b.scale[out][0] = 0.0f;
	ck_assert_int_eq(npu_graph_validate(&b.g, err, sizeof(err)), -EINVAL);
	ck_assert_msg(strstr(err, "tensor 6 (''): invalid quantization scale 0"), "%s", err);
	b.scale[out][0] = 0.5f;
	/* FILL of a value with a non-zero scale cannot give one. */
	b.scale[v][0] = 0.25f;
	ck_assert_int_eq(npu_graph_validate(&b.g, err, sizeof(err)), -EINVAL);
	ck_assert_msg(strstr(err, "tensor 2 (''): invalid quantization scale 0"), "%s", err);
}
END_TEST

/* The integer LSTM keeps its five intermediate tensors. */
START_TEST(test_lstm_intermediates)
{
	struct npu_graph *g;
	char err[256];
	const struct npu_graph_op *op;

	ck_assert_int_eq(npu_tflite_load_file(MODELS "/zoo/micro_speech_lstm.tflite", &g,
					      err, sizeof(err)), 0);
	op = &g->ops[0];
	ck_assert_int_eq(op->builtin, NPU_BUILTIN_UNIDIRECTIONAL_SEQUENCE_LSTM);
	ck_assert_int_eq(op->options_kind, NPU_OPTS_LSTM);
	ck_assert_int_eq(op->options.lstm.activation, NPU_ACT_TANH);
	ck_assert(op->options.lstm.cell_clip == 10.0f);
	ck_assert_uint_eq(op->num_intermediates, 5);
	ck_assert_str_eq(g->tensors[op->intermediates[4]].name,
			 "effective_hidden_scale_intermediate");
	npu_graph_free(g);
}
END_TEST

static const struct npu_graph_op *find_custom(const struct npu_graph *g, const char *name)
{
	for (uint32_t i = 0; i < g->num_ops; i++)
		if (g->ops[i].custom_name && !strcmp(g->ops[i].custom_name, name))
			return &g->ops[i];
	return NULL;
}

/*
 * SSD's TFLite_Detection_PostProcess: its FlexBuffers options as TFLite
 * reads them, and its outputs (empty in the file) sized from them.
 */
START_TEST(test_detection_postprocess)
{
	struct npu_detection_options o;
	struct npu_graph *g;
	const struct npu_graph_op *op;
	char err[256];

	ck_assert_int_eq(npu_tflite_load_file(MODELS "/zoo/ssd_mnv1_coco_uint8.tflite", &g,
					      err, sizeof(err)), 0);
	op = find_custom(g, NPU_DETECTION_POSTPROCESS);
	ck_assert_ptr_nonnull(op);
	ck_assert_int_eq(npu_detection_options_parse(op->custom_options,
						     op->custom_options_size, &o,
						     err, sizeof(err)), 0);
	ck_assert_int_eq(o.max_detections, 10);
	ck_assert_int_eq(o.max_classes_per_detection, 1);
	ck_assert_int_eq(o.num_classes, 90);
	ck_assert_int_eq(o.detections_per_class, 100);	/* absent: TFLite's default */
	ck_assert(!o.use_regular_nms);
	ck_assert(o.y_scale == 10.0f && o.x_scale == 10.0f);
	ck_assert(o.h_scale == 5.0f && o.w_scale == 5.0f);
	ck_assert(o.nms_iou_threshold == 0.6f);
	ck_assert_int_eq(g->tensors[op->outputs[0]].rank, 3);
	ck_assert_int_eq(g->tensors[op->outputs[0]].shape[1], 10);
	ck_assert_int_eq(g->tensors[op->outputs[0]].shape[2], 4);
	ck_assert_uint_eq(g->tensors[op->outputs[1]].elements, 10);
	ck_assert_uint_eq(g->tensors[op->outputs[3]].elements, 1);
	npu_graph_free(g);
}
END_TEST

/*
 * Damaged FlexBuffers: every truncation and every byte set to each of a few
 * values parses or is refused, never read out of bounds (the ASan lane
 * checks that), and refusals come with a message.
 */
START_TEST(test_flexbuf_damage)
{
	static const uint8_t vals[] = { 0x00, 0x01, 0x7f, 0x80, 0xff, 0x24, 0x0e };
	struct npu_detection_options o;
	struct npu_graph *g;
	const struct npu_graph_op *op;
	uint8_t *buf;
	size_t len;
	char err[256];

	ck_assert_int_eq(npu_tflite_load_file(MODELS "/zoo/ssd_mnv1_coco_uint8.tflite", &g,
					      err, sizeof(err)), 0);
	op = find_custom(g, NPU_DETECTION_POSTPROCESS);
	len = op->custom_options_size;
	buf = malloc(len);
	ck_assert_ptr_nonnull(buf);
	for (size_t n = 0; n < len; n++) {
		memcpy(buf, op->custom_options, n);
		err[0] = 0;
		if (npu_detection_options_parse(buf, n, &o, err, sizeof(err)))
			ck_assert(err[0]);
	}
	for (size_t i = 0; i < len; i++) {
		for (size_t v = 0; v < sizeof(vals); v++) {
			memcpy(buf, op->custom_options, len);
			buf[i] = vals[v];
			err[0] = 0;
			if (npu_detection_options_parse(buf, len, &o, err, sizeof(err)))
				ck_assert(err[0]);
		}
	}
	ck_assert_int_eq(flexbuf_map(NULL, 0, &(struct flexbuf_map){ 0 }), -EINVAL);
	free(buf);
	npu_graph_free(g);
}
END_TEST

/* Random damage: never a crash (ASan/UBSan builds catch overreads), and
 * whatever loads satisfies the graph invariants. */
START_TEST(test_random_damage)
{
	static const char *const files[] = {
		"tflm/hello_world_int8.tflite", "tflm/micro_speech_quantized.tflite",
		"tflm/keyword_scrambled_8bit.tflite", "seanet/conv/conv0.tflite",
	};
	const size_t nfiles = sizeof(files) / sizeof(files[0]);
	unsigned int seed = 12345, loaded = 0, refused = 0;

	/* The files, then the embedded WHILE model (its subgraphs). */
	for (size_t f = 0; f <= nfiles; f++) {
		size_t len = while_float_tflite_len;
		uint8_t *orig = f < nfiles ? read_model(files[f], &len) : malloc(len);
		uint8_t *buf = malloc(len);

		if (f == nfiles)
			memcpy(orig, while_float_tflite, len);
		for (int iter = 0; iter < 400; iter++) {
			struct npu_graph *g;
			char err[256];
			int flips = 1 + (int)(rand_r(&seed) % 8);

			memcpy(buf, orig, len);
			for (int k = 0; k < flips; k++)
				buf[rand_r(&seed) % len] = (uint8_t)rand_r(&seed);
			if (npu_tflite_load(buf, len, &g, err, sizeof(err)) == 0) {
				check_graph_sane(g);
				npu_graph_free(g);
				loaded++;
			} else {
				ck_assert(err[0] != 0);
				refused++;
			}
		}
		free(buf);
		free(orig);
	}
	ck_assert_uint_gt(refused, 0);
	ck_assert_uint_gt(loaded, 0);
}
END_TEST

/*
 * Sparse constants: a tiny forward-only flatbuffer builder (every table
 * field a 4-byte slot, vtable right before its table) lays out one
 * SparsityParameters table as the root, and tflite_densify() expands it.
 */
struct tb {
	uint8_t buf[1024];
	uint32_t len;
};

static uint32_t tb_align(struct tb *b)
{
	b->len = (b->len + 3) & ~3u;
	ck_assert_uint_lt(b->len, sizeof(b->buf) - 64);
	return b->len;
}

/* A table of @n slots; bit i of @absent leaves field i out of the vtable. */
static uint32_t tb_table(struct tb *b, unsigned int n, uint32_t absent)
{
	uint32_t vt = tb_align(b), t;
	uint16_t h[2] = { (uint16_t)(4 + 2 * n), (uint16_t)(4 + 4 * n) };

	memcpy(b->buf + vt, h, 4);
	for (unsigned int i = 0; i < n; i++) {
		uint16_t off = (absent >> i & 1) ? 0 : (uint16_t)(4 + 4 * i);

		memcpy(b->buf + vt + 4 + 2 * i, &off, 2);
	}
	b->len = vt + 4 + 2 * n;
	t = tb_align(b);
	put_u32(b->buf + t, t - vt);
	memset(b->buf + t + 4, 0, 4 * n);
	b->len = t + 4 + 4 * n;
	return t;
}

static void tb_set(struct tb *b, uint32_t t, unsigned int i, uint32_t v)
{
	put_u32(b->buf + t + 4 + 4 * i, v);
}

/* Field @i of table @t refers to @target (which lies after it). */
static void tb_ref(struct tb *b, uint32_t t, unsigned int i, uint32_t target)
{
	tb_set(b, t, i, target - (t + 4 + 4 * i));
}

static uint32_t tb_vec(struct tb *b, unsigned int elem, uint32_t count, const void *data)
{
	uint32_t v = tb_align(b);

	put_u32(b->buf + v, count);
	memcpy(b->buf + v + 4, data, (size_t)elem * count);
	b->len = v + 4 + elem * count;
	return v;
}

/* SparseIndexVector union (1 int32, 2 uint16, 3 uint8) at fields @id, @id + 1. */
static void tb_index_vec(struct tb *b, uint32_t dm, unsigned int id, uint8_t type,
			 uint32_t count, const void *data)
{
	static const unsigned int elem[] = { 0, 4, 2, 1 };
	uint32_t holder = tb_table(b, 1, 0);

	tb_set(b, dm, id, type);
	tb_ref(b, dm, id + 1, holder);
	tb_ref(b, holder, 0, tb_vec(b, elem[type], count, data));
}

struct level_desc {
	uint8_t format;		/* 0 dense, 1 CSR */
	int32_t dense_size;
	uint8_t seg_type, idx_type;
	uint32_t seg_count, idx_count;
	const void *seg, *idx;
	uint8_t bad_idx_type;	/* written over idx_type when nonzero */
};

/* SparsityParameters {traversal_order, block_map, dim_metadata} as root. */
static void build_sparsity(struct tb *b, uint32_t rank, const int32_t *order,
			   uint32_t blocks, const int32_t *block_map,
			   const struct level_desc *lv)
{
	const uint32_t levels = rank + blocks;
	uint32_t sp, dims, tables[16];

	memset(b, 0, sizeof(*b));
	b->len = 8;
	sp = tb_table(b, 3, blocks ? 0 : 2);
	put_u32(b->buf, sp);
	tb_ref(b, sp, 0, tb_vec(b, 4, levels, order));
	if (blocks)
		tb_ref(b, sp, 1, tb_vec(b, 4, blocks, block_map));
	dims = tb_vec(b, 4, levels, tables);	/* offsets patched below */
	tb_ref(b, sp, 2, dims);
	for (uint32_t l = 0; l < levels; l++) {
		uint32_t dm = tb_table(b, 6, 0);

		put_u32(b->buf + dims + 4 + 4 * l, dm - (dims + 4 + 4 * l));
		tb_set(b, dm, 0, lv[l].format);
		tb_set(b, dm, 1, (uint32_t)lv[l].dense_size);
		if (lv[l].format) {
			tb_index_vec(b, dm, 2, lv[l].seg_type, lv[l].seg_count, lv[l].seg);
			tb_index_vec(b, dm, 4, lv[l].idx_type, lv[l].idx_count, lv[l].idx);
			if (lv[l].bad_idx_type)
				tb_set(b, dm, 4, lv[l].bad_idx_type);
		}
	}
}

static int densify(const struct tb *b, enum npu_type type, int32_t rank, const int32_t *shape,
		   const void *values, uint64_t values_size, void *dense, size_t dense_size,
		   char *err, size_t errlen)
{
	struct fb fb = { .data = b->buf, .len = b->len, .err = err, .errlen = errlen };
	struct npu_graph_tensor t = { .type = type, .rank = rank };
	struct fb_table root;
	void *out = NULL;
	int ret;

	t.elements = 1;
	for (int32_t d = 0; d < rank; d++) {
		t.shape[d] = shape[d];
		t.elements *= (size_t)shape[d];
	}
	t.bytes = t.elements * npu_type_size(type);
	ck_assert_uint_eq(t.bytes, dense_size);
	err[0] = 0;
	ck_assert(fb_root(&fb, &root));
	ret = tflite_densify(&fb, &root, &t, values, values_size, &out, "sparse");
	if (!ret)
		memcpy(dense, out, dense_size);
	else
		ck_assert_ptr_null(out);
	free(out);
	return ret;
}

/* 3x4 float32, row-wise CSR with uint8 segments and indices. */
static const int32_t csr_shape[2] = { 3, 4 }, csr_order[2] = { 0, 1 };
static const uint8_t csr_seg[4] = { 0, 2, 2, 3 }, csr_idx[3] = { 1, 3, 0 };
static const float csr_values[3] = { 1.5f, -2.0f, 3.25f };

static void build_csr(struct tb *b, const uint8_t *seg, const uint8_t *idx)
{
	const struct level_desc lv[2] = {
		{ .format = 0, .dense_size = 3 },
		{ .format = 1, .seg_type = 3, .idx_type = 3, .seg_count = 4, .idx_count = 3,
		  .seg = seg, .idx = idx },
	};

	build_sparsity(b, 2, csr_order, 0, NULL, lv);
}

START_TEST(test_sparse_csr)
{
	static const float expect[12] = { 0, 1.5f, 0, -2.0f, 0, 0, 0, 0, 3.25f, 0, 0, 0 };
	struct tb b;
	float dense[12];
	char err[256];

	build_csr(&b, csr_seg, csr_idx);
	ck_assert_int_eq(densify(&b, NPU_TYPE_FLOAT32, 2, csr_shape, csr_values, sizeof(csr_values),
				 dense, sizeof(dense), err, sizeof(err)), 0);
	ck_assert_mem_eq(dense, expect, sizeof(expect));
}
END_TEST

/* 4x4 int8 in 2x2 blocks: block rows dense, block columns CSR (int32
 * segments, uint16 indices), the blocks' own rows and columns dense. */
START_TEST(test_sparse_blocks)
{
	static const int32_t shape[2] = { 4, 4 }, order[4] = { 0, 1, 2, 3 }, bmap[2] = { 0, 1 };
	static const int32_t seg[3] = { 0, 2, 3 };
	static const uint16_t idx[3] = { 0, 1, 1 };
	static const int8_t values[12] = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12 };
	static const int8_t expect[16] = {
		1, 2, 5, 6,
		3, 4, 7, 8,
		0, 0, 9, 10,
		0, 0, 11, 12,
	};
	const struct level_desc lv[4] = {
		{ .format = 0, .dense_size = 2 },
		{ .format = 1, .seg_type = 1, .idx_type = 2, .seg_count = 3, .idx_count = 3,
		  .seg = seg, .idx = idx },
		{ .format = 0, .dense_size = 2 },
		{ .format = 0, .dense_size = 2 },
	};
	struct tb b;
	int8_t dense[16];
	char err[256];

	build_sparsity(&b, 2, order, 2, bmap, lv);
	ck_assert_int_eq(densify(&b, NPU_TYPE_INT8, 2, shape, values, sizeof(values),
				 dense, sizeof(dense), err, sizeof(err)), 0);
	ck_assert_mem_eq(dense, expect, sizeof(expect));
	/* A block size that does not divide its dimension is refused. */
	{
		const int32_t odd[2] = { 4, 5 };
		int8_t big[20];

		ck_assert_int_eq(densify(&b, NPU_TYPE_INT8, 2, odd, values, sizeof(values),
					 big, sizeof(big), err, sizeof(err)), -EINVAL);
		ck_assert_ptr_nonnull(strstr(err, "divides"));
	}
}
END_TEST

START_TEST(test_sparse_malformed)
{
	static const uint8_t idx_out[3] = { 1, 4, 0 }, idx_order[3] = { 3, 1, 0 };
	static const uint8_t seg_back[4] = { 0, 2, 1, 3 }, seg_over[4] = { 0, 2, 2, 9 };
	static const struct {
		const uint8_t *seg, *idx;
		uint64_t values;
		const char *needle;
	} cases[] = {
		{ csr_seg, idx_out, 3, "out of range or order" },
		{ csr_seg, idx_order, 3, "out of range or order" },
		{ seg_back, csr_idx, 3, "segment 1 ends at 1" },
		{ seg_over, csr_idx, 3, "segment 2 ends at 9" },
		{ csr_seg, csr_idx, 2, "describes 3 values but the buffer holds 2" },
	};
	float dense[12];
	char err[256];
	struct tb b;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		build_csr(&b, cases[i].seg, cases[i].idx);
		ck_assert_int_eq(densify(&b, NPU_TYPE_FLOAT32, 2, csr_shape, csr_values,
					 cases[i].values * 4, dense, sizeof(dense),
					 err, sizeof(err)), -EINVAL);
		ck_assert_msg(strstr(err, cases[i].needle), "case %zu: '%s'", i, err);
	}
	/* Not a permutation; a rank the metadata does not describe. */
	{
		static const int32_t twice[2] = { 1, 1 }, three[3] = { 3, 4, 1 };
		const struct level_desc lv[2] = { { .format = 0, .dense_size = 3 },
						  { .format = 0, .dense_size = 4 } };
		float d24[12];

		build_sparsity(&b, 2, twice, 0, NULL, lv);
		ck_assert_int_eq(densify(&b, NPU_TYPE_FLOAT32, 2, csr_shape, d24, sizeof(d24),
					 dense, sizeof(dense), err, sizeof(err)), -EINVAL);
		ck_assert_ptr_nonnull(strstr(err, "not a permutation"));
		build_sparsity(&b, 2, csr_order, 0, NULL, lv);
		ck_assert_int_eq(densify(&b, NPU_TYPE_FLOAT32, 3, three, d24, sizeof(d24),
					 d24, sizeof(d24), err, sizeof(err)), -EINVAL);
		ck_assert_ptr_nonnull(strstr(err, "needs 3 traversal_order"));
	}
	/* A SparseIndexVector union of an unknown type. */
	{
		const struct level_desc lv[2] = {
			{ .format = 0, .dense_size = 3 },
			{ .format = 1, .seg_type = 3, .idx_type = 3, .seg_count = 4, .idx_count = 3,
			  .seg = csr_seg, .idx = csr_idx, .bad_idx_type = 7 },
		};

		build_sparsity(&b, 2, csr_order, 0, NULL, lv);
		ck_assert_int_eq(densify(&b, NPU_TYPE_FLOAT32, 2, csr_shape, csr_values,
					 sizeof(csr_values), dense, sizeof(dense), err, sizeof(err)),
				 -EINVAL);
		ck_assert_ptr_nonnull(strstr(err, "no valid array_indices vector (union type 7)"));
	}
}
END_TEST

/* Random damage of the sparsity fields: a clear error or valid data,
 * never an access outside the buffers (the sanitizer lane checks). */
START_TEST(test_sparse_damage)
{
	unsigned int seed = 4242, ok = 0, refused = 0;
	struct tb orig, b;
	float dense[12];
	char err[256];

	build_csr(&orig, csr_seg, csr_idx);
	for (int iter = 0; iter < 4000; iter++) {
		struct fb fb = { .err = err, .errlen = sizeof(err) };
		struct fb_table root;
		int flips = 1 + (int)(rand_r(&seed) % 4), ret;

		b = orig;
		for (int k = 0; k < flips; k++)
			b.buf[8 + rand_r(&seed) % (b.len - 8)] = (uint8_t)rand_r(&seed);
		fb.data = b.buf;
		fb.len = b.len;
		if (!fb_root(&fb, &root)) {
			refused++;
			continue;
		}
		ret = densify(&b, NPU_TYPE_FLOAT32, 2, csr_shape, csr_values, sizeof(csr_values),
			      dense, sizeof(dense), err, sizeof(err));
		if (ret) {
			ck_assert_int_eq(ret, -EINVAL);
			ck_assert(err[0] != 0);
			refused++;
		} else {
			ok++;
		}
	}
	ck_assert_uint_gt(refused, 0);
	ck_assert_uint_gt(ok, 0);
}
END_TEST

static Suite *tflite_suite(void)
{
	Suite *s = suite_create("tflite");
	TCase *tc = tcase_create("models");

	tcase_add_loop_test(tc, test_real_models_load, 0, (int)(sizeof(models) / sizeof(models[0])));
	tcase_add_test(tc, test_person_detect_details);
	tcase_add_test(tc, test_seanet_16x8);
	suite_add_tcase(s, tc);

	tc = tcase_create("malformed");
	tcase_add_test(tc, test_truncated);
	tcase_add_test(tc, test_bad_root_offset);
	tcase_add_test(tc, test_not_tflite);
	tcase_add_test(tc, test_vtable_out_of_range);
	tcase_add_test(tc, test_vector_length_overflow);
	tcase_add_test(tc, test_string_not_terminated);
	tcase_add_test(tc, test_bad_tensor_index);
	tcase_add_test(tc, test_while_subgraphs);
	tcase_add_test(tc, test_shape_buffer_mismatch);
	tcase_add_test(tc, test_huge_shape);
	tcase_add_test(tc, test_unknown_op_version);
	tcase_add_test(tc, test_opcode_index);
	tcase_add_test(tc, test_fuzz_regress_messages);
	tcase_add_test(tc, test_fuzz_regress_compile_messages);
	tcase_add_test(tc, test_fuzz_regress_npu_messages);
	tcase_add_test(tc, test_cycle);
	tcase_add_test(tc, test_produced_twice);
	tcase_add_test(tc, test_unproduced_input);
	tcase_add_test(tc, test_bad_options);
	tcase_add_test(tc, test_bad_quantization);
	tcase_add_test(tc, test_zero_scale_copy);
	tcase_add_test(tc, test_second_subgraph);
	tcase_add_test(tc, test_random_damage);
	tcase_add_test(tc, test_lstm_intermediates);
	tcase_add_test(tc, test_detection_postprocess);
	tcase_add_test(tc, test_sparse_csr);
	tcase_add_test(tc, test_sparse_blocks);
	tcase_add_test(tc, test_sparse_malformed);
	tcase_add_test(tc, test_sparse_damage);
	tcase_add_test(tc, test_flexbuf_damage);
	tcase_set_timeout(tc, 60);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(tflite_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
