// SPDX-License-Identifier: MIT
/*
 * TFLite model reader: flatbuffer (schema.fbs, "TFL3") -> struct npu_graph.
 *
 * Field numbers below are the declaration order in TFLite's schema.fbs
 * (unions take two slots: the type byte, then the value).  Every access goes
 * through fb.c, which bounds-checks it; this file checks the meaning: indices,
 * types, sizes, versions and the data flow between operators.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "npu_tflite.h"
#include "detection_options.h"
#include "fb.h"
#include "file.h"
#include "graph_priv.h"
#include "list_update.h"
#include "sparsity.h"

/* Model */
enum { MODEL_VERSION, MODEL_OPERATOR_CODES, MODEL_SUBGRAPHS, MODEL_DESCRIPTION, MODEL_BUFFERS };
/* OperatorCode */
enum { OPCODE_DEPRECATED_BUILTIN, OPCODE_CUSTOM, OPCODE_VERSION, OPCODE_BUILTIN };
/* SubGraph */
enum { SG_TENSORS, SG_INPUTS, SG_OUTPUTS, SG_OPERATORS, SG_NAME };
/* Tensor */
enum { TENSOR_SHAPE, TENSOR_TYPE, TENSOR_BUFFER, TENSOR_NAME, TENSOR_QUANT,
       TENSOR_IS_VARIABLE, TENSOR_SPARSITY, TENSOR_SHAPE_SIGNATURE };
/* QuantizationParameters */
enum { QUANT_MIN, QUANT_MAX, QUANT_SCALE, QUANT_ZERO_POINT, QUANT_DETAILS_TYPE,
       QUANT_DETAILS, QUANT_DIM };
/* Buffer */
enum { BUFFER_DATA, BUFFER_OFFSET, BUFFER_SIZE };
/* Operator */
enum { OP_OPCODE_INDEX, OP_INPUTS, OP_OUTPUTS, OP_OPTIONS_TYPE, OP_OPTIONS,
       OP_CUSTOM_OPTIONS, OP_CUSTOM_OPTIONS_FORMAT, OP_MUTATING, OP_INTERMEDIATES,
       OP_LARGE_CUSTOM_OFFSET, OP_LARGE_CUSTOM_SIZE };

/* BuiltinOptions union member numbers (1-based, schema order). */
enum {
	OPTS_CONV2D = 1, OPTS_DEPTHWISE = 2, OPTS_POOL2D = 5, OPTS_SVDF = 6,
	OPTS_FC = 8, OPTS_SOFTMAX = 9, OPTS_CONCAT = 10, OPTS_ADD = 11,
	OPTS_RESHAPE = 17, OPTS_MUL = 21, OPTS_SUB = 28, OPTS_REDUCER = 27,
	OPTS_DIV = 29,
	OPTS_STRIDED_SLICE = 32, OPTS_TRANSPOSE_CONV = 49, OPTS_LEAKY_RELU = 75,
	OPTS_LSTM = 14, OPTS_UNIDIR_LSTM = 71, OPTS_BIDIR_LSTM = 69,
	OPTS_RNN = 7, OPTS_SEQUENCE_RNN = 31, OPTS_BIDIR_RNN = 70, OPTS_BATCH_MATMUL = 101,
	OPTS_RESIZE_BILINEAR = 15, OPTS_SPACE_TO_DEPTH = 19, OPTS_GATHER = 23,
	OPTS_SQUEEZE = 30, OPTS_SPLIT = 35, OPTS_PACK = 59, OPTS_UNPACK = 64,
	OPTS_RESIZE_NEAREST = 74, OPTS_MIRROR_PAD = 77, OPTS_SPLIT_V = 79,
	OPTS_DEPTH_TO_SPACE = 94, OPTS_GELU = 116, OPTS_CONV3D = 106,
	OPTS_ONE_HOT = 61, OPTS_CUMSUM = 102,
	OPTS_IF = 92, OPTS_WHILE = 93,
	OPTS_LRN = 13,
};

/* TensorType RESOURCE: the handle VAR_HANDLE makes. */
#define TFLITE_RESOURCE 13

/* Largest tensor accepted: keeps every later size computation in range. */
#define MAX_TENSOR_BYTES (1ull << 31)

struct opcode {
	int32_t builtin;
	int32_t version;
	const char *custom;	/* points into the buffer, NUL-terminated */
};

struct rd {
	struct fb fb;
	struct npu_graph *g;
	uint32_t num_codes;
	struct opcode *codes;
	struct fb_vec buffers;
	/* Per tensor of the subgraph being read: 1 if of type RESOURCE. */
	uint8_t *resource;
	/* The control-flow subgraph being read, 0: the main graph. */
	uint32_t subgraph;
	/* Its tensors whose shape signature has an unknown extent. */
	uint8_t *dynamic;
	char what[128];
};

#define FAIL(rd, code, ...)					\
	do {							\
		fb_fail(&(rd)->fb, __VA_ARGS__);		\
		return (code);					\
	} while (0)

/* Fail with -EINVAL (the fb layer has written the message). */
#define CHECK(expr)						\
	do {							\
		if (!(expr))					\
			return -EINVAL;				\
	} while (0)

/* ---- op knowledge: versions and arity ---- */

struct op_info {
	int32_t builtin;
	int max_version;
	uint8_t min_in, max_in;
	uint64_t optional_in;	/* bit i: input i may be -1 */
	uint8_t options;	/* expected BuiltinOptions member, 0 = none parsed */
};

/* Builtins with one or more outputs (all other known ones have one). */
static bool multi_output(int32_t builtin)
{
	return builtin == NPU_BUILTIN_UNPACK || builtin == NPU_BUILTIN_SPLIT ||
	       builtin == NPU_BUILTIN_SPLIT_V ||
	       builtin == NPU_BUILTIN_BIDIRECTIONAL_SEQUENCE_LSTM ||
	       builtin == NPU_BUILTIN_BIDIRECTIONAL_SEQUENCE_RNN ||
	       builtin == NPU_BUILTIN_IF || builtin == NPU_BUILTIN_WHILE;
}

static const struct op_info op_table[] = {
	{ NPU_BUILTIN_ADD, 5, 2, 2, 0, OPTS_ADD },
	{ NPU_BUILTIN_AVERAGE_POOL_2D, 3, 1, 1, 0, OPTS_POOL2D },
	{ NPU_BUILTIN_CONCATENATION, 4, 1, 255, 0, OPTS_CONCAT },
	{ NPU_BUILTIN_CONV_2D, 8, 2, 3, 1u << 2, OPTS_CONV2D },
	{ NPU_BUILTIN_DEPTHWISE_CONV_2D, 7, 2, 3, 1u << 2, OPTS_DEPTHWISE },
	{ NPU_BUILTIN_DEQUANTIZE, 6, 1, 1, 0, 0 },
	{ NPU_BUILTIN_FULLY_CONNECTED, 12, 2, 3, 1u << 2, OPTS_FC },
	{ NPU_BUILTIN_LOGISTIC, 3, 1, 1, 0, 0 },
	{ NPU_BUILTIN_MAX_POOL_2D, 3, 1, 1, 0, OPTS_POOL2D },
	{ NPU_BUILTIN_MUL, 7, 2, 2, 0, OPTS_MUL },
	{ NPU_BUILTIN_RELU, 3, 1, 1, 0, 0 },
	{ NPU_BUILTIN_RELU_N1_TO_1, 1, 1, 1, 0, 0 },
	{ NPU_BUILTIN_RELU6, 3, 1, 1, 0, 0 },
	{ NPU_BUILTIN_RESHAPE, 2, 1, 2, 1u << 1, OPTS_RESHAPE },
	{ NPU_BUILTIN_SOFTMAX, 3, 1, 1, 0, OPTS_SOFTMAX },
	{ NPU_BUILTIN_SVDF, 4, 5, 5, 1u << 3, OPTS_SVDF },
	{ NPU_BUILTIN_TANH, 3, 1, 1, 0, 0 },
	{ NPU_BUILTIN_PAD, 4, 2, 2, 0, 0 },
	{ NPU_BUILTIN_TRANSPOSE, 6, 2, 2, 0, 0 },
	{ NPU_BUILTIN_MEAN, 3, 2, 2, 0, OPTS_REDUCER },
	{ NPU_BUILTIN_SUM, 2, 2, 2, 0, OPTS_REDUCER },
	{ NPU_BUILTIN_REDUCE_MAX, 3, 2, 2, 0, OPTS_REDUCER },
	{ NPU_BUILTIN_REDUCE_MIN, 3, 2, 2, 0, OPTS_REDUCER },
	{ NPU_BUILTIN_REDUCE_PROD, 2, 2, 2, 0, OPTS_REDUCER },
	{ NPU_BUILTIN_REDUCE_ANY, 1, 2, 2, 0, OPTS_REDUCER },
	{ NPU_BUILTIN_REDUCE_ALL, 1, 2, 2, 0, OPTS_REDUCER },
	{ NPU_BUILTIN_ONE_HOT, 1, 4, 4, 0, OPTS_ONE_HOT },
	{ NPU_BUILTIN_CUMSUM, 1, 2, 2, 0, OPTS_CUMSUM },
	{ NPU_BUILTIN_SUB, 5, 2, 2, 0, OPTS_SUB },
	{ NPU_BUILTIN_DIV, 2, 2, 2, 0, OPTS_DIV },
	{ NPU_BUILTIN_STRIDED_SLICE, 8, 4, 4, 0, OPTS_STRIDED_SLICE },
	/*
	 * 20 inputs (no layer norm) or 24; optional: input gate weights and
	 * bias (CIFG), peepholes, projection, layer norm coefficients.
	 */
	{ NPU_BUILTIN_UNIDIRECTIONAL_SEQUENCE_LSTM, 4, 20, 24,
	  1u << 1 | 1u << 5 | 7u << 9 | 1u << 12 | 3u << 16 | 15u << 20,
	  OPTS_UNIDIR_LSTM },
	/* LSTM: the same inputs for the full kernel, 5 for the basic one. */
	{ NPU_BUILTIN_LSTM, 4, 5, 24,
	  1u << 1 | 1u << 5 | 7u << 9 | 1u << 12 | 3u << 16 | 15u << 20,
	  OPTS_LSTM },
	/*
	 * 48 inputs: forward (1-17) and backward (18-34) cells as above, their
	 * states (35-38), an auxiliary input (39) and its weights (40-47).
	 */
	{ NPU_BUILTIN_BIDIRECTIONAL_SEQUENCE_LSTM, 3, 48, 48,
	  1ull << 1 | 1ull << 5 | 7ull << 9 | 1ull << 12 | 3ull << 16 |
	  1ull << 18 | 1ull << 22 | 7ull << 26 | 1ull << 29 | 3ull << 33 | 0x1ffull << 39,
	  OPTS_BIDIR_LSTM },
	{ NPU_BUILTIN_EMBEDDING_LOOKUP, 4, 2, 2, 0, 0 },
	{ NPU_BUILTIN_CONV_3D, 1, 2, 3, 1u << 2, OPTS_CONV3D },
	/* RNN cells: input, weights, recurrent weights, bias, state (x2) */
	{ NPU_BUILTIN_RNN, 3, 5, 5, 0, OPTS_RNN },
	{ NPU_BUILTIN_UNIDIRECTIONAL_SEQUENCE_RNN, 3, 5, 5, 0, OPTS_SEQUENCE_RNN },
	{ NPU_BUILTIN_BIDIRECTIONAL_SEQUENCE_RNN, 3, 12, 12, 7u << 9, OPTS_BIDIR_RNN },
	{ NPU_BUILTIN_TRANSPOSE_CONV, 5, 3, 4, 1u << 3, OPTS_TRANSPOSE_CONV },
	{ NPU_BUILTIN_LEAKY_RELU, 2, 1, 1, 0, OPTS_LEAKY_RELU },
	{ NPU_BUILTIN_QUANTIZE, 3, 1, 1, 0, 0 },
	{ NPU_BUILTIN_BATCH_MATMUL, 4, 2, 2, 0, OPTS_BATCH_MATMUL },
	{ NPU_BUILTIN_RESIZE_BILINEAR, 4, 2, 2, 0, OPTS_RESIZE_BILINEAR },
	{ NPU_BUILTIN_RESIZE_NEAREST_NEIGHBOR, 4, 2, 2, 0, OPTS_RESIZE_NEAREST },
	{ NPU_BUILTIN_PACK, 4, 1, 255, 0, OPTS_PACK },
	{ NPU_BUILTIN_UNPACK, 4, 1, 1, 0, OPTS_UNPACK },
	{ NPU_BUILTIN_SPLIT, 4, 2, 2, 0, OPTS_SPLIT },
	{ NPU_BUILTIN_SPLIT_V, 3, 3, 3, 0, OPTS_SPLIT_V },
	{ NPU_BUILTIN_SQUEEZE, 2, 1, 1, 0, OPTS_SQUEEZE },
	{ NPU_BUILTIN_EXPAND_DIMS, 2, 2, 2, 0, 0 },
	{ NPU_BUILTIN_GATHER, 7, 2, 2, 0, OPTS_GATHER },
	{ NPU_BUILTIN_GATHER_ND, 5, 2, 2, 0, 0 },
	{ NPU_BUILTIN_SLICE, 6, 3, 3, 0, 0 },
	{ NPU_BUILTIN_TILE, 3, 2, 2, 0, 0 },
	{ NPU_BUILTIN_SPACE_TO_DEPTH, 2, 1, 1, 0, OPTS_SPACE_TO_DEPTH },
	{ NPU_BUILTIN_DEPTH_TO_SPACE, 2, 1, 1, 0, OPTS_DEPTH_TO_SPACE },
	{ NPU_BUILTIN_BATCH_TO_SPACE_ND, 4, 3, 3, 0, 0 },
	{ NPU_BUILTIN_SPACE_TO_BATCH_ND, 4, 3, 3, 0, 0 },
	{ NPU_BUILTIN_MIRROR_PAD, 3, 2, 2, 0, OPTS_MIRROR_PAD },
	{ NPU_BUILTIN_PADV2, 4, 3, 3, 0, 0 },
	{ NPU_BUILTIN_GELU, 2, 1, 1, 0, OPTS_GELU },
	/* Control flow: IF's condition and operands, WHILE's loop variables. */
	{ NPU_BUILTIN_IF, 1, 1, 255, 0, OPTS_IF },
	{ NPU_BUILTIN_WHILE, 1, 1, 255, 0, OPTS_WHILE },
	{ NPU_BUILTIN_DYNAMIC_UPDATE_SLICE, 4, 3, 3, 0, 0 },
	{ NPU_BUILTIN_LOCAL_RESPONSE_NORMALIZATION, 1, 1, 1, 0, OPTS_LRN },
	{ NPU_BUILTIN_READ_VARIABLE, 1, 1, 1, 0, 0 },
	{ NPU_BUILTIN_ASSIGN_VARIABLE, 1, 2, 2, 0, 0 },
};

static const struct op_info *find_op(int32_t builtin)
{
	for (size_t i = 0; i < sizeof(op_table) / sizeof(op_table[0]); i++)
		if (op_table[i].builtin == builtin)
			return &op_table[i];
	return NULL;
}

int npu_tflite_max_op_version(int builtin)
{
	const struct op_info *info = find_op(builtin);

	return info ? info->max_version : 0;
}

/*
 * Every fixed-size TFLite type is read (ops on the ones no kernel knows are
 * named at compile time); STRING, RESOURCE, VARIANT and packed INT4 are not.
 */
static bool dtype_known(uint8_t t)
{
	return npu_type_size((enum npu_type)t) != 0;
}

static const char *tflite_type_name(uint8_t t)
{
	static const char *const names[] = {
		"FLOAT32", "FLOAT16", "INT32", "UINT8", "INT64", "STRING", "BOOL",
		"INT16", "COMPLEX64", "INT8", "FLOAT64", "COMPLEX128", "UINT64",
		"RESOURCE", "VARIANT", "UINT32", "UINT16", "INT4", "BFLOAT16", "INT2",
		"UINT4", "FLOAT8_E4M3FN", "FLOAT8_E5M2",
	};

	return t < sizeof(names) / sizeof(names[0]) ? names[t] : "unknown";
}

/* ---- model-level tables ---- */

static int read_opcodes(struct rd *rd, const struct fb_table *model)
{
	struct fb_vec v;

	CHECK(fb_get_vec(&rd->fb, model, MODEL_OPERATOR_CODES, 4, &v, "model operator_codes"));
	rd->num_codes = v.count;
	rd->codes = calloc(v.count ? v.count : 1, sizeof(*rd->codes));
	if (!rd->codes)
		FAIL(rd, -ENOMEM, "out of memory");
	for (uint32_t i = 0; i < v.count; i++) {
		struct opcode *c = &rd->codes[i];
		struct fb_table t;
		uint8_t dep;
		int32_t code;
		uint32_t len;

		snprintf(rd->what, sizeof(rd->what), "operator code %u", i);
		CHECK(fb_vec_table(&rd->fb, &v, i, &t, rd->what));
		CHECK(fb_get_u8(&rd->fb, &t, OPCODE_DEPRECATED_BUILTIN, 0, &dep, rd->what));
		CHECK(fb_get_i32(&rd->fb, &t, OPCODE_BUILTIN, 0, &code, rd->what));
		CHECK(fb_get_i32(&rd->fb, &t, OPCODE_VERSION, 1, &c->version, rd->what));
		CHECK(fb_get_str(&rd->fb, &t, OPCODE_CUSTOM, &c->custom, &len, rd->what));
		/* As TFLite's GetBuiltinCode(): the larger of the two fields. */
		c->builtin = code > (int8_t)dep ? code : (int8_t)dep;
		if (c->builtin < 0)
			FAIL(rd, -EINVAL, "operator code %u: invalid builtin code %d", i, c->builtin);
		if (c->version < 1)
			FAIL(rd, -EINVAL, "operator code %u: %s has invalid version %d",
			     i, npu_op_name(c->builtin), c->version);
		/* An empty custom_code names no kernel either (TFLite cannot resolve it). */
		if (c->builtin == NPU_BUILTIN_CUSTOM && (!c->custom || !c->custom[0]))
			FAIL(rd, -EINVAL, "operator code %u: CUSTOM operator without a name", i);
		{
			const struct op_info *info = find_op(c->builtin);

			if (info && c->version > info->max_version)
				FAIL(rd, -ENOTSUP,
				     "operator code %u: %s version %d is not supported (newest known version is %d)",
				     i, npu_op_name(c->builtin), c->version, info->max_version);
		}
	}
	return 0;
}

/* Constant data of buffer @idx: *data = NULL, *size = 0 if empty. */
static int buffer_data(struct rd *rd, uint32_t idx, const uint8_t **data, uint64_t *size,
		       const char *what)
{
	struct fb_table b;
	struct fb_vec d;
	uint64_t off, sz;

	*data = NULL;
	*size = 0;
	if (idx >= rd->buffers.count)
		FAIL(rd, -EINVAL, "%s: buffer index %u out of range (the model has %u buffers)",
		     what, idx, rd->buffers.count);
	snprintf(rd->what, sizeof(rd->what), "buffer %u", idx);
	CHECK(fb_vec_table(&rd->fb, &rd->buffers, idx, &b, rd->what));
	CHECK(fb_get_vec(&rd->fb, &b, BUFFER_DATA, 1, &d, rd->what));
	CHECK(fb_get_u64(&rd->fb, &b, BUFFER_OFFSET, 0, &off, rd->what));
	CHECK(fb_get_u64(&rd->fb, &b, BUFFER_SIZE, 0, &sz, rd->what));
	if (d.count) {
		*data = rd->fb.data + d.pos;
		*size = d.count;
	} else if (off > 1) {
		/* Large-model layout: data outside the flatbuffer, file-relative. */
		if (off > rd->fb.len || sz > rd->fb.len - off)
			FAIL(rd, -EINVAL,
			     "buffer %u: external data at offset %" PRIu64 " size %" PRIu64
			     " runs past the end of the %zu-byte file", idx, off, sz, rd->fb.len);
		*data = rd->fb.data + off;
		*size = sz;
	}
	return 0;
}

static char *dup_str(const char *s)
{
	return strdup(s ? s : "");
}

static void format_shape(const struct npu_graph_tensor *t, char *buf, size_t len)
{
	size_t n = 0;

	n += (size_t)snprintf(buf, len, "[");
	for (int32_t i = 0; i < t->rank && n < len; i++)
		n += (size_t)snprintf(buf + n, len - n, "%s%d", i ? "," : "", t->shape[i]);
	if (n < len)
		snprintf(buf + n, len - n, "]");
}

static int read_quant(struct rd *rd, const struct fb_table *tt, uint32_t idx,
		      struct npu_graph_tensor *t)
{
	struct fb_table q;
	struct fb_vec scale, zp;
	bool present;
	uint8_t details;

	snprintf(rd->what, sizeof(rd->what), "tensor %u quantization", idx);
	CHECK(fb_get_table(&rd->fb, tt, TENSOR_QUANT, &q, &present, rd->what));
	if (!present)
		return 0;
	CHECK(fb_get_u8(&rd->fb, &q, QUANT_DETAILS_TYPE, 0, &details, rd->what));
	if (details)
		FAIL(rd, -ENOTSUP, "tensor %u ('%s'): custom quantization is not supported",
		     idx, t->name);
	CHECK(fb_get_vec(&rd->fb, &q, QUANT_SCALE, 4, &scale, rd->what));
	CHECK(fb_get_vec(&rd->fb, &q, QUANT_ZERO_POINT, 8, &zp, rd->what));
	CHECK(fb_get_i32(&rd->fb, &q, QUANT_DIM, 0, &t->quant.quantized_dimension, rd->what));
	if (!scale.count)
		return 0;	/* min/max only: not quantized for inference */
	if (zp.count && zp.count != scale.count)
		FAIL(rd, -EINVAL, "tensor %u ('%s'): quantization has %u scales but %u zero points",
		     idx, t->name, scale.count, zp.count);
	{
		int32_t d = t->quant.quantized_dimension;

		/*
		 * Old converters wrote the weights' dimension (3) into rank-1
		 * bias tensors; TFLite never reads it there, so neither do we.
		 * Anywhere else TFLite refuses a dimension out of range even
		 * with one scale (a scalar has no dimension to check).
		 */
		if (t->rank == 1 && (d < 0 || d >= t->rank))
			d = t->quant.quantized_dimension = 0;
		if (d < 0 || (d >= t->rank && (t->rank > 0 || scale.count > 1)))
			FAIL(rd, -EINVAL, "tensor %u ('%s'): quantized dimension %d out of range for rank %d",
			     idx, t->name, d, t->rank);
		if (scale.count > 1 && (uint32_t)t->shape[d] != scale.count)
			FAIL(rd, -EINVAL,
			     "tensor %u ('%s'): %u per-channel scales but dimension %d has %d entries",
			     idx, t->name, scale.count, d, t->shape[d]);
	}
	t->quant.scale = calloc(scale.count, sizeof(float));
	t->quant.zero_point = calloc(scale.count, sizeof(int32_t));
	if (!t->quant.scale || !t->quant.zero_point)
		FAIL(rd, -ENOMEM, "out of memory");
	t->quant.count = scale.count;
	for (uint32_t i = 0; i < scale.count; i++) {
		uint32_t bits = fb_read_u32(&rd->fb, scale.pos + 4 * i);
		float s;

		memcpy(&s, &bits, sizeof(s));
		if (!isfinite(s) || s < 0)
			FAIL(rd, -EINVAL, "tensor %u ('%s'): invalid quantization scale %g",
			     idx, t->name, (double)s);
		t->quant.scale[i] = s;
		if (zp.count) {
			int64_t z = (int64_t)((uint64_t)fb_read_u32(&rd->fb, zp.pos + 8 * i) |
					      (uint64_t)fb_read_u32(&rd->fb, zp.pos + 8 * i + 4) << 32);

			if (z < INT32_MIN || z > INT32_MAX)
				FAIL(rd, -EINVAL, "tensor %u ('%s'): zero point %" PRId64 " out of range",
				     idx, t->name, z);
			t->quant.zero_point[i] = (int32_t)z;
		}
	}
	return 0;
}

static int read_tensor(struct rd *rd, const struct fb_vec *tv, uint32_t idx)
{
	struct npu_graph_tensor *t = &rd->g->tensors[idx];
	struct fb_table tt, sp;
	struct fb_vec shape;
	const char *name;
	uint32_t name_len, buf_idx;
	uint8_t type, var;
	bool present;
	const uint8_t *data;
	uint64_t data_size, elems = 1;
	int ret;

	snprintf(rd->what, sizeof(rd->what), "tensor %u", idx);
	CHECK(fb_vec_table(&rd->fb, tv, idx, &tt, rd->what));
	CHECK(fb_get_str(&rd->fb, &tt, TENSOR_NAME, &name, &name_len, rd->what));
	t->name = dup_str(name);
	if (!t->name)
		FAIL(rd, -ENOMEM, "out of memory");
	CHECK(fb_get_vec(&rd->fb, &tt, TENSOR_SHAPE, 4, &shape, rd->what));
	CHECK(fb_get_u8(&rd->fb, &tt, TENSOR_TYPE, 0, &type, rd->what));
	CHECK(fb_get_u32(&rd->fb, &tt, TENSOR_BUFFER, 0, &buf_idx, rd->what));
	CHECK(fb_get_u8(&rd->fb, &tt, TENSOR_IS_VARIABLE, 0, &var, rd->what));
	CHECK(fb_get_table(&rd->fb, &tt, TENSOR_SPARSITY, &sp, &present, rd->what));
	if (type == TFLITE_RESOURCE && rd->resource) {
		/* A variable's handle: resolve_variables() gives it a type. */
		rd->resource[idx] = 1;
		type = NPU_TYPE_INT8;
	} else if (!dtype_known(type)) {
		FAIL(rd, -ENOTSUP, "tensor %u ('%s'): type %s is not supported",
		     idx, t->name, tflite_type_name(type));
	}
	t->type = (enum npu_type)type;
	t->is_variable = var != 0;
	if (shape.count > NPU_GRAPH_MAX_DIMS)
		FAIL(rd, -ENOTSUP, "tensor %u ('%s'): rank %u exceeds the supported %d dimensions",
		     idx, t->name, shape.count, NPU_GRAPH_MAX_DIMS);
	t->rank = (int32_t)shape.count;
	for (uint32_t i = 0; i < shape.count; i++) {
		int32_t d = fb_read_i32(&rd->fb, shape.pos + 4 * i);

		if (d < 0)
			FAIL(rd, -EINVAL, "tensor %u ('%s'): dimension %u is %d (dynamic shapes are not supported)",
			     idx, t->name, i, d);
		t->shape[i] = d;
		elems *= (uint64_t)d;	/* d < 2^31, elems <= 2^31 below: no overflow */
		if (elems * npu_type_size(t->type) > MAX_TENSOR_BYTES)
			FAIL(rd, -EINVAL, "tensor %u ('%s'): shape is too large (more than %llu bytes)",
			     idx, t->name, MAX_TENSOR_BYTES);
	}
	t->elements = (size_t)elems;
	t->bytes = (size_t)elems * npu_type_size(t->type);
	if (rd->subgraph) {
		/*
		 * In a WHILE or IF subgraph, an unknown extent (-1) in the shape
		 * signature is one that changes as the subgraph runs (a slice
		 * of a loop counter's length): the stored shape is only a
		 * placeholder, refused by check_dynamic() unless the tensor
		 * goes with its ops (list_update.c).  In the main graph it is
		 * the batch, whose stored extent TFLite runs with too.
		 */
		struct fb_vec sig;

		CHECK(fb_get_vec(&rd->fb, &tt, TENSOR_SHAPE_SIGNATURE, 4, &sig, rd->what));
		for (uint32_t i = 0; i < sig.count; i++)
			if (fb_read_i32(&rd->fb, sig.pos + 4 * i) < 0)
				rd->dynamic[idx] = 1;
	}

	ret = read_quant(rd, &tt, idx, t);
	if (ret)
		return ret;

	snprintf(rd->what, sizeof(rd->what), "tensor %u ('%.60s')", idx, t->name);
	ret = buffer_data(rd, buf_idx, &data, &data_size, rd->what);
	if (ret)
		return ret;
	/*
	 * A variable starts zeroed and ops write it: constant data would be
	 * an initial value no TFLite runtime honours (the interpreter
	 * refuses such a model).
	 */
	if (data && t->is_variable)
		FAIL(rd, -EINVAL, "tensor %u ('%s'): variable tensor with constant buffer %u",
		     idx, t->name, buf_idx);
	if (present) {
		/* Sparse constant: expanded here, consumers see dense data. */
		if (!data)
			FAIL(rd, -ENOTSUP, "tensor %u ('%s'): sparse tensor without constant data",
			     idx, t->name);
		snprintf(rd->what, sizeof(rd->what), "tensor %u ('%.60s') sparsity", idx, t->name);
		ret = tflite_densify(&rd->fb, &sp, t, data, data_size, &t->data, rd->what);
		if (!ret)
			t->data_size = t->bytes;
		return ret;
	}
	if (data) {
		if (data_size != t->bytes) {
			char s[96];

			format_shape(t, s, sizeof(s));
			FAIL(rd, -EINVAL,
			     "tensor %u ('%s'): constant buffer %u has %" PRIu64
			     " bytes but shape %s of %s needs %zu",
			     idx, t->name, buf_idx, data_size, s, npu_type_name(t->type), t->bytes);
		}
		if (posix_memalign(&t->data, 64, data_size ? data_size : 1))
			FAIL(rd, -ENOMEM, "out of memory");
		memcpy(t->data, data, data_size);
		t->data_size = data_size;
	}
	return 0;
}

/* ---- builtin options ---- */

/* TFLite's last TensorType (FLOAT8_E5M2); its reader refuses any larger one. */
#define TFLITE_TYPE_LAST 22

/* quantized_bias_type (an int8 TensorType in the options) that is no type. */
static int bad_bias_type(struct rd *rd, uint32_t idx, const struct npu_graph_op *op,
			 uint8_t bias)
{
	FAIL(rd, -EINVAL, "operator %u (%s) options: quantized_bias_type %d is not a tensor type",
	     idx, npu_op_name(op->builtin), (int8_t)bias);
}

static int read_options(struct rd *rd, uint32_t idx, struct npu_graph_op *op,
			const struct fb_table *ot, uint8_t opts_type, bool present)
{
	const struct op_info *info = find_op(op->builtin);
	struct fb *fb = &rd->fb;
	const char *w;
	struct fb_table empty = { 0 };
	const struct fb_table *t = present ? ot : &empty;

	if (!info || !info->options)
		return 0;
	if (present && opts_type != info->options)
		FAIL(rd, -EINVAL, "operator %u (%s): builtin options of union type %u, expected %u",
		     idx, npu_op_name(op->builtin), opts_type, info->options);
	snprintf(rd->what, sizeof(rd->what), "operator %u options", idx);
	w = rd->what;

	switch (op->builtin) {
	case NPU_BUILTIN_CONV_2D: {
		struct npu_conv_options *o = &op->options.conv;
		uint8_t pad, act, bias;

		op->options_kind = NPU_OPTS_CONV;
		CHECK(fb_get_u8(fb, t, 0, 0, &pad, w));
		CHECK(fb_get_i32(fb, t, 1, 0, &o->stride_w, w));
		CHECK(fb_get_i32(fb, t, 2, 0, &o->stride_h, w));
		CHECK(fb_get_u8(fb, t, 3, 0, &act, w));
		CHECK(fb_get_i32(fb, t, 4, 1, &o->dilation_w, w));
		CHECK(fb_get_i32(fb, t, 5, 1, &o->dilation_h, w));
		CHECK(fb_get_u8(fb, t, 6, 0, &bias, w));
		o->padding = pad;
		o->activation = act;
		o->quantized_bias_type = bias;
		if (bias > TFLITE_TYPE_LAST)
			return bad_bias_type(rd, idx, op, bias);
		break;
	}
	case NPU_BUILTIN_DEPTHWISE_CONV_2D: {
		struct npu_conv_options *o = &op->options.conv;
		uint8_t pad, act;

		op->options_kind = NPU_OPTS_CONV;
		CHECK(fb_get_u8(fb, t, 0, 0, &pad, w));
		CHECK(fb_get_i32(fb, t, 1, 0, &o->stride_w, w));
		CHECK(fb_get_i32(fb, t, 2, 0, &o->stride_h, w));
		CHECK(fb_get_i32(fb, t, 3, 0, &o->depth_multiplier, w));
		CHECK(fb_get_u8(fb, t, 4, 0, &act, w));
		CHECK(fb_get_i32(fb, t, 5, 1, &o->dilation_w, w));
		CHECK(fb_get_i32(fb, t, 6, 1, &o->dilation_h, w));
		o->padding = pad;
		o->activation = act;
		break;
	}
	case NPU_BUILTIN_AVERAGE_POOL_2D:
	case NPU_BUILTIN_MAX_POOL_2D: {
		struct npu_pool_options *o = &op->options.pool;
		uint8_t pad, act;

		op->options_kind = NPU_OPTS_POOL;
		CHECK(fb_get_u8(fb, t, 0, 0, &pad, w));
		CHECK(fb_get_i32(fb, t, 1, 0, &o->stride_w, w));
		CHECK(fb_get_i32(fb, t, 2, 0, &o->stride_h, w));
		CHECK(fb_get_i32(fb, t, 3, 0, &o->filter_w, w));
		CHECK(fb_get_i32(fb, t, 4, 0, &o->filter_h, w));
		CHECK(fb_get_u8(fb, t, 5, 0, &act, w));
		o->padding = pad;
		o->activation = act;
		break;
	}
	case NPU_BUILTIN_SVDF: {
		struct npu_svdf_options *o = &op->options.svdf;
		uint8_t act, asym;

		op->options_kind = NPU_OPTS_SVDF;
		CHECK(fb_get_i32(fb, t, 0, 0, &o->rank, w));
		CHECK(fb_get_u8(fb, t, 1, 0, &act, w));
		CHECK(fb_get_u8(fb, t, 2, 0, &asym, w));
		o->activation = act;
		o->asymmetric_quantize_inputs = asym;
		break;
	}
	case NPU_BUILTIN_FULLY_CONNECTED: {
		struct npu_fc_options *o = &op->options.fc;
		uint8_t act, fmt, keep, asym, bias;

		op->options_kind = NPU_OPTS_FC;
		CHECK(fb_get_u8(fb, t, 0, 0, &act, w));
		CHECK(fb_get_u8(fb, t, 1, 0, &fmt, w));
		CHECK(fb_get_u8(fb, t, 2, 0, &keep, w));
		CHECK(fb_get_u8(fb, t, 3, 0, &asym, w));
		CHECK(fb_get_u8(fb, t, 4, 0, &bias, w));
		o->activation = act;
		o->weights_format = fmt;
		o->keep_num_dims = keep;
		o->asymmetric_quantize_inputs = asym;
		o->quantized_bias_type = bias;
		if (bias > TFLITE_TYPE_LAST)
			return bad_bias_type(rd, idx, op, bias);
		break;
	}
	case NPU_BUILTIN_SOFTMAX:
		op->options_kind = NPU_OPTS_SOFTMAX;
		CHECK(fb_get_f32(fb, t, 0, 0.0f, &op->options.softmax.beta, w));
		break;
	case NPU_BUILTIN_CONCATENATION: {
		uint8_t act;

		op->options_kind = NPU_OPTS_CONCAT;
		CHECK(fb_get_i32(fb, t, 0, 0, &op->options.concat.axis, w));
		CHECK(fb_get_u8(fb, t, 1, 0, &act, w));
		op->options.concat.activation = act;
		break;
	}
	case NPU_BUILTIN_ADD:
	case NPU_BUILTIN_SUB:
	case NPU_BUILTIN_MUL:
	case NPU_BUILTIN_DIV: {
		uint8_t act, pot = 1;

		op->options_kind = NPU_OPTS_ELTWISE;
		CHECK(fb_get_u8(fb, t, 0, 0, &act, w));
		if (op->builtin == NPU_BUILTIN_ADD ||
		    op->builtin == NPU_BUILTIN_SUB)
			CHECK(fb_get_u8(fb, t, 1, 1, &pot, w));
		op->options.eltwise.activation = act;
		op->options.eltwise.pot_scale_int16 = (op->builtin == NPU_BUILTIN_ADD ||
						       op->builtin == NPU_BUILTIN_SUB) && pot;
		break;
	}
	case NPU_BUILTIN_RESHAPE: {
		struct npu_reshape_options *o = &op->options.reshape;
		struct fb_vec ns;

		op->options_kind = NPU_OPTS_RESHAPE;
		o->num_dims = -1;
		if (!present)
			break;
		CHECK(fb_get_vec(fb, t, 0, 4, &ns, w));
		if (ns.count > NPU_GRAPH_MAX_DIMS)
			FAIL(rd, -ENOTSUP, "operator %u (RESHAPE): new_shape has %u dimensions, at most %d supported",
			     idx, ns.count, NPU_GRAPH_MAX_DIMS);
		/* An absent vector means "use the shape input", as in TFLite. */
		if (ns.pos) {
			o->num_dims = (int32_t)ns.count;
			for (uint32_t i = 0; i < ns.count; i++)
				o->new_shape[i] = fb_read_i32(fb, ns.pos + 4 * i);
		}
		break;
	}
	case NPU_BUILTIN_BATCH_MATMUL: {
		struct npu_batch_matmul_options *o = &op->options.batch_matmul;
		uint8_t adj_x, adj_y, asym;

		op->options_kind = NPU_OPTS_BATCH_MATMUL;
		CHECK(fb_get_u8(fb, t, 0, 0, &adj_x, w));
		CHECK(fb_get_u8(fb, t, 1, 0, &adj_y, w));
		CHECK(fb_get_u8(fb, t, 2, 0, &asym, w));
		o->adj_x = adj_x;
		o->adj_y = adj_y;
		o->asymmetric_quantize_inputs = asym;
		break;
	}
	case NPU_BUILTIN_LSTM: {
		struct npu_lstm_options *o = &op->options.lstm;
		uint8_t act, asym;

		/* kernel_type (field 3): the basic kernel's 5 inputs tell it. */
		op->options_kind = NPU_OPTS_LSTM;
		CHECK(fb_get_u8(fb, t, 0, 0, &act, w));
		CHECK(fb_get_f32(fb, t, 1, 0.0f, &o->cell_clip, w));
		CHECK(fb_get_f32(fb, t, 2, 0.0f, &o->proj_clip, w));
		CHECK(fb_get_u8(fb, t, 4, 0, &asym, w));
		o->activation = act;
		o->time_major = 1;
		o->asymmetric_quantize_inputs = asym;
		break;
	}
	case NPU_BUILTIN_UNIDIRECTIONAL_SEQUENCE_LSTM: {
		struct npu_lstm_options *o = &op->options.lstm;
		uint8_t act, tm, asym, diag;

		op->options_kind = NPU_OPTS_LSTM;
		CHECK(fb_get_u8(fb, t, 0, 0, &act, w));
		CHECK(fb_get_f32(fb, t, 1, 0.0f, &o->cell_clip, w));
		CHECK(fb_get_f32(fb, t, 2, 0.0f, &o->proj_clip, w));
		CHECK(fb_get_u8(fb, t, 3, 0, &tm, w));
		CHECK(fb_get_u8(fb, t, 4, 0, &asym, w));
		CHECK(fb_get_u8(fb, t, 5, 0, &diag, w));
		o->activation = act;
		o->time_major = tm;
		o->asymmetric_quantize_inputs = asym;
		o->diagonal_recurrent_tensors = diag;
		break;
	}
	case NPU_BUILTIN_BIDIRECTIONAL_SEQUENCE_LSTM: {
		struct npu_lstm_options *o = &op->options.lstm;
		uint8_t act, merge, tm, asym;

		op->options_kind = NPU_OPTS_LSTM;
		CHECK(fb_get_u8(fb, t, 0, 0, &act, w));
		CHECK(fb_get_f32(fb, t, 1, 0.0f, &o->cell_clip, w));
		CHECK(fb_get_f32(fb, t, 2, 0.0f, &o->proj_clip, w));
		CHECK(fb_get_u8(fb, t, 3, 0, &merge, w));
		CHECK(fb_get_u8(fb, t, 4, 1, &tm, w));	/* time-major by default */
		CHECK(fb_get_u8(fb, t, 5, 0, &asym, w));
		o->activation = act;
		o->merge_outputs = merge;
		o->time_major = tm;
		o->asymmetric_quantize_inputs = asym;
		break;
	}
	case NPU_BUILTIN_RNN:
	case NPU_BUILTIN_UNIDIRECTIONAL_SEQUENCE_RNN:
	case NPU_BUILTIN_BIDIRECTIONAL_SEQUENCE_RNN: {
		/* The LSTM's options hold them: [time_major], act, [merge], asym. */
		struct npu_lstm_options *o = &op->options.lstm;
		const bool seq = op->builtin != NPU_BUILTIN_RNN;
		const bool bidir = op->builtin == NPU_BUILTIN_BIDIRECTIONAL_SEQUENCE_RNN;
		uint8_t act, tm = 0, merge = 0, asym;

		op->options_kind = NPU_OPTS_LSTM;
		if (seq)
			CHECK(fb_get_u8(fb, t, 0, 0, &tm, w));
		CHECK(fb_get_u8(fb, t, seq, 0, &act, w));
		if (bidir)
			CHECK(fb_get_u8(fb, t, 2, 0, &merge, w));
		CHECK(fb_get_u8(fb, t, 1 + seq + bidir, 0, &asym, w));
		o->activation = act;
		o->time_major = tm;
		o->merge_outputs = merge;
		o->asymmetric_quantize_inputs = asym;
		break;
	}
	case NPU_BUILTIN_MEAN: case NPU_BUILTIN_SUM:
	case NPU_BUILTIN_REDUCE_MAX: case NPU_BUILTIN_REDUCE_MIN:
	case NPU_BUILTIN_REDUCE_PROD: case NPU_BUILTIN_REDUCE_ANY:
	case NPU_BUILTIN_REDUCE_ALL: {
		uint8_t keep;

		op->options_kind = NPU_OPTS_REDUCER;
		CHECK(fb_get_u8(fb, t, 0, 0, &keep, w));
		op->options.reducer.keep_dims = keep;
		break;
	}
	case NPU_BUILTIN_STRIDED_SLICE: {
		struct npu_strided_slice_options *o = &op->options.strided_slice;
		uint8_t off;

		op->options_kind = NPU_OPTS_STRIDED_SLICE;
		CHECK(fb_get_i32(fb, t, 0, 0, &o->begin_mask, w));
		CHECK(fb_get_i32(fb, t, 1, 0, &o->end_mask, w));
		CHECK(fb_get_i32(fb, t, 2, 0, &o->ellipsis_mask, w));
		CHECK(fb_get_i32(fb, t, 3, 0, &o->new_axis_mask, w));
		CHECK(fb_get_i32(fb, t, 4, 0, &o->shrink_axis_mask, w));
		CHECK(fb_get_u8(fb, t, 5, 0, &off, w));
		o->offset = off;
		break;
	}
	case NPU_BUILTIN_TRANSPOSE_CONV: {
		struct npu_transpose_conv_options *o = &op->options.transpose_conv;
		uint8_t pad, act, bias;

		op->options_kind = NPU_OPTS_TRANSPOSE_CONV;
		CHECK(fb_get_u8(fb, t, 0, 0, &pad, w));
		CHECK(fb_get_i32(fb, t, 1, 0, &o->stride_w, w));
		CHECK(fb_get_i32(fb, t, 2, 0, &o->stride_h, w));
		CHECK(fb_get_u8(fb, t, 3, 0, &act, w));
		CHECK(fb_get_u8(fb, t, 4, 0, &bias, w));
		o->padding = pad;
		o->activation = act;
		o->quantized_bias_type = bias;
		if (bias > TFLITE_TYPE_LAST)
			return bad_bias_type(rd, idx, op, bias);
		break;
	}
	case NPU_BUILTIN_CONV_3D: {
		struct npu_conv3d_options *o = &op->options.conv3d;
		uint8_t pad, act;

		op->options_kind = NPU_OPTS_CONV3D;
		CHECK(fb_get_u8(fb, t, 0, 0, &pad, w));
		CHECK(fb_get_i32(fb, t, 1, 0, &o->stride_d, w));
		CHECK(fb_get_i32(fb, t, 2, 0, &o->stride_w, w));
		CHECK(fb_get_i32(fb, t, 3, 0, &o->stride_h, w));
		CHECK(fb_get_u8(fb, t, 4, 0, &act, w));
		CHECK(fb_get_i32(fb, t, 5, 1, &o->dilation_d, w));
		CHECK(fb_get_i32(fb, t, 6, 1, &o->dilation_w, w));
		CHECK(fb_get_i32(fb, t, 7, 1, &o->dilation_h, w));
		o->padding = pad;
		o->activation = act;
		break;
	}
	case NPU_BUILTIN_IF:
	case NPU_BUILTIN_WHILE:
		/* IfOptions (then, else) and WhileOptions (cond, body). */
		op->options_kind = NPU_OPTS_CONTROL_FLOW;
		CHECK(fb_get_i32(fb, t, 0, 0, &op->options.control_flow.cond_subgraph, w));
		CHECK(fb_get_i32(fb, t, 1, 0, &op->options.control_flow.body_subgraph, w));
		break;
	case NPU_BUILTIN_GELU: {
		uint8_t approximate;

		op->options_kind = NPU_OPTS_GELU;
		CHECK(fb_get_u8(fb, t, 0, 0, &approximate, w));
		op->options.gelu.approximate = approximate;
		break;
	}
	case NPU_BUILTIN_LOCAL_RESPONSE_NORMALIZATION: {
		struct npu_lrn_options *o = &op->options.lrn;

		op->options_kind = NPU_OPTS_LRN;
		CHECK(fb_get_i32(fb, t, 0, 0, &o->radius, w));
		CHECK(fb_get_f32(fb, t, 1, 0.0f, &o->bias, w));
		CHECK(fb_get_f32(fb, t, 2, 0.0f, &o->alpha, w));
		CHECK(fb_get_f32(fb, t, 3, 0.0f, &o->beta, w));
		break;
	}
	case NPU_BUILTIN_LEAKY_RELU:
		op->options_kind = NPU_OPTS_LEAKY_RELU;
		CHECK(fb_get_f32(fb, t, 0, 0.0f, &op->options.leaky_relu.alpha, w));
		break;
	case NPU_BUILTIN_RESIZE_BILINEAR:
	case NPU_BUILTIN_RESIZE_NEAREST_NEIGHBOR: {
		/* Bilinear's first two fields are the deprecated new_height/width. */
		const uint32_t f = op->builtin == NPU_BUILTIN_RESIZE_BILINEAR ? 2 : 0;
		uint8_t align, half;

		op->options_kind = NPU_OPTS_RESIZE;
		CHECK(fb_get_u8(fb, t, f, 0, &align, w));
		CHECK(fb_get_u8(fb, t, f + 1, 0, &half, w));
		op->options.resize.align_corners = align;
		op->options.resize.half_pixel_centers = half;
		break;
	}
	case NPU_BUILTIN_PACK:
	case NPU_BUILTIN_UNPACK:
		/* (values_count | num, axis) */
		op->options_kind = NPU_OPTS_AXIS;
		CHECK(fb_get_i32(fb, t, 0, 0, &op->options.axis.count, w));
		CHECK(fb_get_i32(fb, t, 1, 0, &op->options.axis.axis, w));
		break;
	case NPU_BUILTIN_ONE_HOT:
		op->options_kind = NPU_OPTS_AXIS;
		CHECK(fb_get_i32(fb, t, 0, 0, &op->options.axis.axis, w));
		break;
	case NPU_BUILTIN_CUMSUM: {
		uint8_t exclusive, reverse;

		op->options_kind = NPU_OPTS_AXIS;
		CHECK(fb_get_u8(fb, t, 0, 0, &exclusive, w));
		CHECK(fb_get_u8(fb, t, 1, 0, &reverse, w));
		op->options.axis.exclusive = exclusive;
		op->options.axis.reverse = reverse;
		break;
	}
	case NPU_BUILTIN_GATHER:
		op->options_kind = NPU_OPTS_AXIS;
		CHECK(fb_get_i32(fb, t, 0, 0, &op->options.axis.axis, w));
		CHECK(fb_get_i32(fb, t, 1, 0, &op->options.axis.batch_dims, w));
		break;
	case NPU_BUILTIN_SPLIT:
	case NPU_BUILTIN_SPLIT_V:
	case NPU_BUILTIN_SPACE_TO_DEPTH:
	case NPU_BUILTIN_DEPTH_TO_SPACE:
	case NPU_BUILTIN_MIRROR_PAD: {
		int32_t v = 0;

		/* num_splits, block_size or mode: field 0. */
		op->options_kind = NPU_OPTS_AXIS;
		if (op->builtin == NPU_BUILTIN_MIRROR_PAD) {
			uint8_t mode;

			CHECK(fb_get_u8(fb, t, 0, 0, &mode, w));
			v = mode;
		} else {
			CHECK(fb_get_i32(fb, t, 0, 0, &v, w));
		}
		op->options.axis.count = v;
		break;
	}
	case NPU_BUILTIN_SQUEEZE: {
		struct npu_squeeze_options *o = &op->options.squeeze;
		struct fb_vec sd;

		op->options_kind = NPU_OPTS_SQUEEZE;
		CHECK(fb_get_vec(fb, t, 0, 4, &sd, w));
		if (sd.count > NPU_GRAPH_MAX_DIMS)
			FAIL(rd, -EINVAL, "operator %u (SQUEEZE): %u squeeze_dims, at most %d",
			     idx, sd.count, NPU_GRAPH_MAX_DIMS);
		o->num_dims = (int32_t)sd.count;
		for (uint32_t i = 0; i < sd.count; i++)
			o->dims[i] = fb_read_i32(fb, sd.pos + 4 * i);
		break;
	}
	}
	return 0;
}

/* Sanity of the parsed options: values later code divides or loops by. */
/*
 * TFLite's int16 CONV_2D, FULLY_CONNECTED and TRANSPOSE_CONV take a
 * quantized_bias_type other than FLOAT32 (0, unset) only when it is their
 * bias tensor's type (int8 ones ignore it): the interpreter refuses the
 * model otherwise.
 */
static int check_bias_type(struct rd *rd, uint32_t idx, const struct npu_graph_op *op)
{
	const struct npu_graph *g = rd->g;
	uint32_t in = 0, bias = 2;
	int32_t qbt, t_in, t_bias;

	switch (op->builtin) {
	case NPU_BUILTIN_CONV_2D:
		qbt = op->options.conv.quantized_bias_type;
		break;
	case NPU_BUILTIN_FULLY_CONNECTED:
		qbt = op->options.fc.quantized_bias_type;
		break;
	case NPU_BUILTIN_TRANSPOSE_CONV:
		qbt = op->options.transpose_conv.quantized_bias_type;
		in = 2;
		bias = 3;
		break;
	default:
		return 0;
	}
	if (!qbt || op->num_inputs <= bias)
		return 0;
	t_in = op->inputs[in];
	t_bias = op->inputs[bias];
	if (t_in < 0 || t_bias < 0 || (uint32_t)t_in >= g->num_tensors ||
	    (uint32_t)t_bias >= g->num_tensors || g->tensors[t_in].type != NPU_TYPE_INT16 ||
	    (int32_t)g->tensors[t_bias].type == qbt)
		return 0;
	FAIL(rd, -EINVAL,
	     "operator %u (%s) options: quantized_bias_type %s is not the type of its bias (tensor %d, %s)",
	     idx, npu_op_name(op->builtin), tflite_type_name((uint8_t)qbt), t_bias,
	     npu_type_name(g->tensors[t_bias].type));
}

static int check_options(struct rd *rd, uint32_t idx, const struct npu_graph_op *op)
{
	const char *name = npu_op_name(op->builtin);
	int32_t pad = 0, act = 0;
	int ret = check_bias_type(rd, idx, op);

	if (ret)
		return ret;

	switch (op->options_kind) {
	case NPU_OPTS_CONV: {
		const struct npu_conv_options *o = &op->options.conv;

		if (o->stride_w < 1 || o->stride_h < 1)
			FAIL(rd, -EINVAL, "operator %u (%s): invalid stride %dx%d", idx, name,
			     o->stride_w, o->stride_h);
		if (o->dilation_w < 1 || o->dilation_h < 1)
			FAIL(rd, -EINVAL, "operator %u (%s): invalid dilation %dx%d", idx, name,
			     o->dilation_w, o->dilation_h);
		if (o->depth_multiplier < 0)
			FAIL(rd, -EINVAL, "operator %u (%s): invalid depth multiplier %d", idx, name,
			     o->depth_multiplier);
		pad = o->padding;
		act = o->activation;
		break;
	}
	case NPU_OPTS_POOL: {
		const struct npu_pool_options *o = &op->options.pool;

		if (o->stride_w < 1 || o->stride_h < 1)
			FAIL(rd, -EINVAL, "operator %u (%s): invalid stride %dx%d", idx, name,
			     o->stride_w, o->stride_h);
		if (o->filter_w < 1 || o->filter_h < 1)
			FAIL(rd, -EINVAL, "operator %u (%s): invalid filter %dx%d", idx, name,
			     o->filter_w, o->filter_h);
		pad = o->padding;
		act = o->activation;
		break;
	}
	case NPU_OPTS_TRANSPOSE_CONV: {
		const struct npu_transpose_conv_options *o = &op->options.transpose_conv;

		/* transpose_conv.cc refuses strides over INT16_MAX too. */
		if (o->stride_w < 1 || o->stride_h < 1 || o->stride_w > INT16_MAX ||
		    o->stride_h > INT16_MAX)
			FAIL(rd, -EINVAL, "operator %u (%s): invalid stride %dx%d", idx, name,
			     o->stride_w, o->stride_h);
		pad = o->padding;
		act = o->activation;
		break;
	}
	case NPU_OPTS_FC: act = op->options.fc.activation; break;
	case NPU_OPTS_ELTWISE: act = op->options.eltwise.activation; break;
	case NPU_OPTS_CONCAT: act = op->options.concat.activation; break;
	case NPU_OPTS_LSTM: {
		const struct npu_lstm_options *o = &op->options.lstm;

		act = o->activation;
		if (!(o->cell_clip >= 0) || !(o->proj_clip >= 0) ||
		    !isfinite(o->cell_clip) || !isfinite(o->proj_clip))
			FAIL(rd, -EINVAL, "operator %u (%s): invalid clip %g/%g", idx, name,
			     (double)o->cell_clip, (double)o->proj_clip);
		break;
	}
	case NPU_OPTS_SVDF:
		act = op->options.svdf.activation;
		if (op->options.svdf.rank < 1)
			FAIL(rd, -EINVAL, "operator %u (SVDF): invalid rank %d", idx,
			     op->options.svdf.rank);
		break;
	default:
		break;
	}
	if (pad != NPU_PADDING_SAME && pad != NPU_PADDING_VALID)
		FAIL(rd, -EINVAL, "operator %u (%s): invalid padding %d", idx, name, pad);
	if (act < NPU_ACT_NONE || act > NPU_ACT_SIGN_BIT)
		FAIL(rd, -EINVAL, "operator %u (%s): invalid fused activation %d", idx, name, act);
	return 0;
}

static int read_index_vec(struct rd *rd, const struct fb_table *t, unsigned int id,
			  uint32_t *count, int32_t **out, const char *what)
{
	struct fb_vec v;

	CHECK(fb_get_vec(&rd->fb, t, id, 4, &v, what));
	*out = calloc(v.count ? v.count : 1, sizeof(int32_t));
	if (!*out)
		FAIL(rd, -ENOMEM, "out of memory");
	*count = v.count;
	for (uint32_t i = 0; i < v.count; i++)
		(*out)[i] = fb_read_i32(&rd->fb, v.pos + 4 * i);
	return 0;
}

static int read_operator(struct rd *rd, const struct fb_vec *ov, uint32_t idx)
{
	struct npu_graph_op *op = &rd->g->ops[idx];
	struct fb_table ot, opts;
	struct fb_vec cust;
	uint32_t code;
	uint8_t opts_type;
	bool present;
	int ret;

	snprintf(rd->what, sizeof(rd->what), "operator %u", idx);
	CHECK(fb_vec_table(&rd->fb, ov, idx, &ot, rd->what));
	CHECK(fb_get_u32(&rd->fb, &ot, OP_OPCODE_INDEX, 0, &code, rd->what));
	if (code >= rd->num_codes)
		FAIL(rd, -EINVAL, "operator %u: opcode index %u out of range (the model has %u operator codes)",
		     idx, code, rd->num_codes);
	op->builtin = rd->codes[code].builtin;
	op->version = rd->codes[code].version;
	if (op->builtin == NPU_BUILTIN_CUSTOM) {
		op->custom_name = strdup(rd->codes[code].custom);
		if (!op->custom_name)
			FAIL(rd, -ENOMEM, "out of memory");
	}
	ret = read_index_vec(rd, &ot, OP_INPUTS, &op->num_inputs, &op->inputs, rd->what);
	if (ret)
		return ret;
	snprintf(rd->what, sizeof(rd->what), "operator %u", idx);
	ret = read_index_vec(rd, &ot, OP_OUTPUTS, &op->num_outputs, &op->outputs, rd->what);
	if (ret)
		return ret;
	snprintf(rd->what, sizeof(rd->what), "operator %u", idx);
	ret = read_index_vec(rd, &ot, OP_INTERMEDIATES, &op->num_intermediates,
			     &op->intermediates, rd->what);
	if (ret)
		return ret;
	if (!op->num_intermediates) {
		free(op->intermediates);
		op->intermediates = NULL;
	}
	snprintf(rd->what, sizeof(rd->what), "operator %u", idx);
	CHECK(fb_get_vec(&rd->fb, &ot, OP_CUSTOM_OPTIONS, 1, &cust, rd->what));
	if (cust.count) {
		op->custom_options = malloc(cust.count);
		if (!op->custom_options)
			FAIL(rd, -ENOMEM, "out of memory");
		memcpy(op->custom_options, rd->fb.data + cust.pos, cust.count);
		op->custom_options_size = cust.count;
	}
	CHECK(fb_get_u8(&rd->fb, &ot, OP_OPTIONS_TYPE, 0, &opts_type, rd->what));
	CHECK(fb_get_table(&rd->fb, &ot, OP_OPTIONS, &opts, &present, rd->what));
	ret = read_options(rd, idx, op, &opts, opts_type, present);
	if (ret)
		return ret;
	return check_options(rd, idx, op);
}

/*
 * TFLite_Detection_PostProcess sizes its four float32 outputs in its
 * Prepare, and converters leave them without a shape: give those the shapes
 * its options imply, [1, n, 4], [1, n], [1, n] and [1] with n =
 * max_detections * max_classes_per_detection, so every later stage sees
 * fixed sizes.  Anything else is left for the kernel to judge.
 */
static void detection_output_shapes(struct rd *rd, struct npu_graph_op *op)
{
	struct npu_detection_options o;
	int64_t n;

	if (op->builtin != NPU_BUILTIN_CUSTOM || !op->custom_name ||
	    strcmp(op->custom_name, NPU_DETECTION_POSTPROCESS) || op->num_outputs != 4 ||
	    npu_detection_options_parse(op->custom_options, op->custom_options_size, &o,
					NULL, 0))
		return;
	n = (int64_t)o.max_detections * o.max_classes_per_detection;
	if (n <= 0 || n > 65536)
		return;
	for (uint32_t k = 0; k < 4; k++) {
		const int32_t idx = op->outputs[k];
		struct npu_graph_tensor *t;

		if (idx < 0 || (uint32_t)idx >= rd->g->num_tensors)
			return;
		t = &rd->g->tensors[idx];
		if (t->rank || t->data || t->type != NPU_TYPE_FLOAT32)
			continue;
		t->rank = k == 3 ? 1 : k == 0 ? 3 : 2;
		t->shape[0] = 1;
		if (k < 3)
			t->shape[1] = (int32_t)n;
		if (k == 0)
			t->shape[2] = 4;
		t->elements = k == 3 ? 1 : (size_t)n * (k == 0 ? 4 : 1);
		t->bytes = t->elements * 4;
	}
}

/*
 * DENSIFY of a (now densified) sparse constant: its output becomes that
 * constant and the op leaves the run order, as TFLite evaluates it once at
 * Prepare.  op_source keeps the other ops' TFLite numbers.
 */
static int fold_densify(struct rd *rd)
{
	struct npu_graph *g = rd->g;
	uint32_t n = 0, *source;

	source = malloc((g->num_ops + 1) * sizeof(*source));
	if (!source)
		FAIL(rd, -ENOMEM, "out of memory");
	for (uint32_t i = 0; i < g->num_ops; i++) {
		struct npu_graph_op *op = &g->ops[i];
		struct npu_graph_tensor *in, *out;

		if (op->builtin != NPU_BUILTIN_DENSIFY) {
			source[n] = i;
			g->ops[n++] = *op;
			continue;
		}
		if (op->num_inputs != 1 || op->num_outputs != 1 || op->inputs[0] < 0 ||
		    op->outputs[0] < 0 || (uint32_t)op->inputs[0] >= g->num_tensors ||
		    (uint32_t)op->outputs[0] >= g->num_tensors) {
			free(source);
			FAIL(rd, -EINVAL, "operator %u (DENSIFY): needs one input and one output tensor", i);
		}
		in = &g->tensors[op->inputs[0]];
		out = &g->tensors[op->outputs[0]];
		if (!in->data || in->is_variable || out->data || out->type != in->type ||
		    out->bytes != in->bytes) {
			free(source);
			FAIL(rd, -ENOTSUP,
			     "operator %u (DENSIFY): input '%s' must be a constant of the output '%s''s type and size",
			     i, in->name, out->name);
		}
		if (posix_memalign(&out->data, 64, in->bytes ? in->bytes : 1)) {
			free(source);
			FAIL(rd, -ENOMEM, "out of memory");
		}
		memcpy(out->data, in->data, in->bytes);
		out->data_size = in->bytes;
		npu_graph_op_release(op);
	}
	if (n == g->num_ops) {
		free(source);
		return 0;
	}
	g->num_ops = n;
	g->op_source = source;
	return 0;
}

/* ---- graph validation ---- */

static int check_index(struct rd *rd, int32_t t, const char *what, uint32_t i)
{
	if (t < 0 || (uint32_t)t >= rd->g->num_tensors)
		FAIL(rd, -EINVAL, "%s %u is tensor %d but the subgraph has %u tensors",
		     what, i, t, rd->g->num_tensors);
	return 0;
}

/*
 * Quantization every kernel can divide by: scales finite, non-negative and
 * normal (a subnormal scale makes in/out ratios infinite), zero points
 * inside the element type.  A zero scale is a tensor all of whose values
 * are real 0: constants may have it (weights' zero-scale channels, a
 * quantized FILL value of 0), activations only as check_zero_scale() says.
 */
static int check_quant(struct rd *rd, uint32_t idx, const struct npu_graph_tensor *t)
{
	int32_t lo = INT32_MIN, hi = INT32_MAX;

	switch (t->type) {
	case NPU_TYPE_INT8: lo = -128; hi = 127; break;
	case NPU_TYPE_UINT8: lo = 0; hi = 255; break;
	case NPU_TYPE_INT16: lo = -32768; hi = 32767; break;
	default: break;
	}
	for (uint32_t q = 0; q < t->quant.count; q++) {
		float s = t->quant.scale[q];

		if (!isfinite(s) || s < 0 || (s != 0 && !isnormal(s)))
			FAIL(rd, -EINVAL, "tensor %u ('%s'): invalid quantization scale %g", idx,
			     t->name, (double)s);
		if (t->quant.zero_point[q] < lo || t->quant.zero_point[q] > hi)
			FAIL(rd, -EINVAL, "tensor %u ('%s'): zero point %d out of range for %s", idx,
			     t->name, t->quant.zero_point[q], npu_type_name(t->type));
	}
	return 0;
}

/* A tensor listed twice as a graph input (or output) would be bound twice. */
static int check_listed_once(struct rd *rd, const int32_t *list, uint32_t count,
			     const char *what)
{
	uint8_t *seen = calloc(rd->g->num_tensors ? rd->g->num_tensors : 1, 1);
	int ret = 0;

	if (!seen)
		FAIL(rd, -ENOMEM, "out of memory");
	for (uint32_t i = 0; i < count && !ret; i++) {
		if (seen[list[i]]) {
			fb_fail(&rd->fb, "graph %s %u is tensor %d ('%s'), already an earlier graph %s",
				what, i, list[i], rd->g->tensors[list[i]].name, what);
			ret = -EINVAL;
		}
		seen[list[i]] = 1;
	}
	free(seen);
	return ret;
}

static bool has_zero_scale(const struct npu_graph_tensor *t)
{
	for (uint32_t q = 0; q < t->quant.count; q++)
		if (t->quant.scale[q] == 0.0f)
			return true;
	return false;
}

static bool zero_scale(const struct npu_graph_tensor *t)
{
	return t->quant.count == 1 && t->quant.scale[0] == 0.0f;
}

/*
 * An activation with a zero scale (its values are all real 0, whatever
 * they hold): TFLite's converter writes one when a FILL copies a
 * zero-scale constant 0 (Keras' LayerNormalization in 16x8 builds
 * tf.zeros of a run-time shape), and TFLite runs it: FILL and the ops
 * that only move data copy the bytes without using the scale, and a
 * consumer's multiplier from it is QuantizeMultiplier(0) = 0.  So such a
 * tensor is read when the op writing it moves data from a zero-scale
 * tensor (per tensor); any other (a graph input, a requantizing op's
 * output, which TFLite would divide by) is refused.
 */
static int check_zero_scale(struct rd *rd, const struct npu_graph *g, const int32_t *producer)
{
	for (uint32_t t = 0; t < g->num_tensors; t++) {
		const struct npu_graph_tensor *x = &g->tensors[t];
		const struct npu_graph_op *op;
		int32_t value = -1;

		if (x->data || !has_zero_scale(x))
			continue;
		op = producer[t] >= 0 ? &g->ops[producer[t]] : NULL;
		switch (op && zero_scale(x) ? op->builtin : -1) {
		case NPU_BUILTIN_FILL:
			value = op->num_inputs > 1 ? op->inputs[1] : -1;
			break;
		case NPU_BUILTIN_RESHAPE: case NPU_BUILTIN_SQUEEZE:
		case NPU_BUILTIN_EXPAND_DIMS: case NPU_BUILTIN_BROADCAST_TO:
			value = op->num_inputs > 0 ? op->inputs[0] : -1;
			break;
		default:
			break;
		}
		if (value < 0 || !zero_scale(&g->tensors[value]))
			FAIL(rd, -EINVAL,
			     "tensor %u ('%s'): invalid quantization scale 0 (an activation may have it only as the copy of zero-scale data by FILL or a data-movement op)",
			     t, x->name);
	}
	return 0;
}

/*
 * A DEQUANTIZE of a constant into a variable tensor: the converter's fp16
 * mode writes an LSTM's zero state so.  TFLite evaluates it once, at
 * Prepare (its input is constant), and the state then carries over from
 * invocation to invocation (measured): the variable's initial value,
 * which compiler/fold.c computes.
 */
static bool initialises_variable(const struct npu_graph *g, const struct npu_graph_op *op,
				 int32_t t)
{
	const struct npu_graph_tensor *in;

	if (op->builtin != NPU_BUILTIN_DEQUANTIZE || op->num_inputs != 1 || op->num_outputs != 1 ||
	    op->inputs[0] < 0 || (uint32_t)op->inputs[0] >= g->num_tensors ||
	    !g->tensors[t].is_variable || g->tensors[t].data || npu_graph_is_input(g, t))
		return false;
	in = &g->tensors[op->inputs[0]];
	return in->data && !in->is_variable;
}

int npu_graph_validate_flat(const struct npu_graph *g, char *err, size_t errlen)
{
	struct rd rdv = { .fb = { .err = err, .errlen = errlen }, .g = (struct npu_graph *)g };
	struct rd *rd = &rdv;
	int32_t *producer;	/* op index, -2 = available without op, -1 = not yet */
	int ret = 0;

	for (uint32_t i = 0; i < g->num_tensors; i++) {
		ret = check_quant(rd, i, &g->tensors[i]);
		if (ret)
			return ret;
	}

	for (uint32_t i = 0; i < g->num_inputs; i++) {
		ret = check_index(rd, g->inputs[i], "graph input", i);
		if (ret)
			return ret;
		if (g->tensors[g->inputs[i]].data)
			FAIL(rd, -EINVAL, "graph input %u is tensor %d ('%s'), a constant",
			     i, g->inputs[i], g->tensors[g->inputs[i]].name);
	}
	for (uint32_t i = 0; i < g->num_outputs; i++) {
		ret = check_index(rd, g->outputs[i], "graph output", i);
		if (ret)
			return ret;
	}
	for (uint32_t i = 0; i < g->num_ops; i++) {
		const struct npu_graph_op *op = &g->ops[i];
		const struct op_info *info = find_op(op->builtin);
		const char *name = npu_op_name(op->builtin);

		if (info && (op->num_inputs < info->min_in || op->num_inputs > info->max_in))
			FAIL(rd, -EINVAL, "operator %u (%s): has %u inputs, expected %u..%u",
			     i, name, op->num_inputs, info->min_in, info->max_in);
		if (op->builtin == NPU_BUILTIN_ASSIGN_VARIABLE) {
			if (op->num_outputs)
				FAIL(rd, -EINVAL, "operator %u (%s): has %u outputs, expected none",
				     i, name, op->num_outputs);
		} else if (info && (op->num_outputs < 1 ||
				    (op->num_outputs > 1 && !multi_output(op->builtin)))) {
			FAIL(rd, -EINVAL, "operator %u (%s): has %u outputs, expected %s",
			     i, name, op->num_outputs,
			     multi_output(op->builtin) ? "1 or more" : "1");
		}
		for (uint32_t j = 0; j < op->num_inputs; j++) {
			int32_t t = op->inputs[j];
			bool optional = !info || (j < 64 && (info->optional_in >> j & 1));

			if (t == NPU_TENSOR_NONE && optional)
				continue;
			if (t < 0 || (uint32_t)t >= g->num_tensors)
				FAIL(rd, -EINVAL, "operator %u (%s): input %u is tensor %d but the subgraph has %u tensors",
				     i, name, j, t, g->num_tensors);
		}
		for (uint32_t j = 0; j < op->num_outputs; j++) {
			int32_t t = op->outputs[j];

			if (t < 0 || (uint32_t)t >= g->num_tensors)
				FAIL(rd, -EINVAL, "operator %u (%s): output %u is tensor %d but the subgraph has %u tensors",
				     i, name, j, t, g->num_tensors);
		}
		for (uint32_t j = 0; j < op->num_intermediates; j++) {
			int32_t t = op->intermediates[j];

			if (t < 0 || (uint32_t)t >= g->num_tensors)
				FAIL(rd, -EINVAL, "operator %u (%s): intermediate %u is tensor %d but the subgraph has %u tensors",
				     i, name, j, t, g->num_tensors);
		}
	}

	/* Data flow: every read is of something that exists by then. */
	producer = malloc((g->num_tensors ? g->num_tensors : 1) * sizeof(*producer));
	if (!producer)
		FAIL(rd, -ENOMEM, "out of memory");
	for (uint32_t t = 0; t < g->num_tensors; t++)
		producer[t] = (g->tensors[t].data || g->tensors[t].is_variable) ? -2 : -1;
	for (uint32_t i = 0; i < g->num_inputs; i++)
		producer[g->inputs[i]] = -2;
	ret = check_listed_once(rd, g->inputs, g->num_inputs, "input");
	if (!ret)
		ret = check_listed_once(rd, g->outputs, g->num_outputs, "output");
	for (uint32_t i = 0; i < g->num_ops && !ret; i++) {
		const struct npu_graph_op *op = &g->ops[i];
		const char *name = npu_op_name(op->builtin);

		for (uint32_t j = 0; j < op->num_inputs && !ret; j++) {
			int32_t t = op->inputs[j];
			int32_t later = -1;

			if (t == NPU_TENSOR_NONE || producer[t] != -1)
				continue;
			for (uint32_t k = i; k < g->num_ops && later < 0; k++)
				for (uint32_t m = 0; m < g->ops[k].num_outputs; m++)
					if (g->ops[k].outputs[m] == t)
						later = (int32_t)k;
			if (later >= 0)
				fb_fail(&rd->fb, "operator %u (%s): input %u reads tensor %d ('%s') before operator %d produces it: the graph is cyclic or not in execution order",
					i, name, j, t, g->tensors[t].name, later);
			else
				fb_fail(&rd->fb, "operator %u (%s): input %u reads tensor %d ('%s') which no operator produces and which is not a graph input, constant or variable",
					i, name, j, t, g->tensors[t].name);
			ret = -EINVAL;
		}
		for (uint32_t j = 0; j < op->num_outputs && !ret; j++) {
			int32_t t = op->outputs[j];

			if (g->tensors[t].data)
				fb_fail(&rd->fb, "operator %u (%s): output %u is constant tensor %d ('%s')",
					i, name, j, t, g->tensors[t].name);
			else if (producer[t] >= 0)
				fb_fail(&rd->fb, "tensor %d ('%s') is produced by operator %d and again by operator %u (%s)",
					t, g->tensors[t].name, producer[t], i, name);
			else if (producer[t] == -2 && !initialises_variable(g, op, t))
				fb_fail(&rd->fb, "operator %u (%s): output %u overwrites tensor %d ('%s'), a graph input or variable",
					i, name, j, t, g->tensors[t].name);
			else {
				producer[t] = (int32_t)i;
				continue;
			}
			ret = -EINVAL;
		}
	}
	for (uint32_t i = 0; i < g->num_outputs && !ret; i++) {
		if (producer[g->outputs[i]] == -1) {
			fb_fail(&rd->fb, "graph output %u is tensor %d ('%s') which nothing produces",
				i, g->outputs[i], g->tensors[g->outputs[i]].name);
			ret = -EINVAL;
		}
	}
	if (!ret)
		ret = check_zero_scale(rd, g, producer);
	free(producer);
	return ret;
}

/* Puts "subgraph @k: " before the message in @err. */
static void prefix_subgraph(char *err, size_t errlen, uint32_t k)
{
	char *msg;

	if (!err || !errlen)
		return;
	msg = strdup(err);
	if (msg)
		snprintf(err, errlen, "subgraph %u: %s", k, msg);
	free(msg);
}

int npu_graph_validate(const struct npu_graph *g, char *err, size_t errlen)
{
	int ret = npu_graph_validate_flat(g, err, errlen);

	for (uint32_t k = 0; k < g->num_subgraphs && !ret; k++) {
		if (!g->subgraphs[k])
			continue;
		ret = npu_graph_validate_flat(g->subgraphs[k], err, errlen);
		if (ret)
			prefix_subgraph(err, errlen, k);
	}
	return ret ? ret : npu_graph_check_control_flow(g, err, errlen);
}

/* ---- resource variables (CALL_ONCE, VAR_HANDLE, READ/ASSIGN_VARIABLE) ---- */

/*
 * A resource variable, named as TFLite's VAR_HANDLE names it (container and
 * shared_name).  TFLite makes it on first use, zero-sized until assigned;
 * here it is one variable tensor of the main graph, of the size its
 * assignments and reads give it.
 */
struct res_var {
	const char *container, *name;	/* point into the buffer */
	int32_t tensor;			/* main graph tensor, -1: none yet */
	void *init;			/* initial value (CALL_ONCE), or NULL */
	size_t init_size;
	enum npu_type init_type;
};

struct res_vars {
	struct res_var *v;
	uint32_t count, cap;
};

/* Options string @id of operator @ot ("" if absent). */
static int op_option_str(struct rd *rd, const struct fb_table *ot, unsigned int id,
			 const char **s)
{
	struct fb_table opts;
	uint32_t len;
	bool present;

	CHECK(fb_get_table(&rd->fb, ot, OP_OPTIONS, &opts, &present, rd->what));
	*s = NULL;
	if (present)
		CHECK(fb_get_str(&rd->fb, &opts, id, s, &len, rd->what));
	if (!*s)
		*s = "";
	return 0;
}

/* The variable a VAR_HANDLE (operator table @ot) names, added if new. */
static int var_lookup(struct rd *rd, struct res_vars *vars, const struct fb_table *ot,
		      struct res_var **out)
{
	const char *container, *name;
	int ret = op_option_str(rd, ot, 0, &container);

	if (!ret)
		ret = op_option_str(rd, ot, 1, &name);
	if (ret)
		return ret;
	for (uint32_t i = 0; i < vars->count; i++) {
		if (!strcmp(vars->v[i].container, container) && !strcmp(vars->v[i].name, name)) {
			*out = &vars->v[i];
			return 0;
		}
	}
	if (vars->count == vars->cap) {
		uint32_t cap = vars->cap ? vars->cap * 2 : 8;
		struct res_var *v = realloc(vars->v, cap * sizeof(*v));

		if (!v)
			FAIL(rd, -ENOMEM, "out of memory");
		vars->v = v;
		vars->cap = cap;
	}
	*out = &vars->v[vars->count++];
	**out = (struct res_var){ .container = container, .name = name, .tensor = -1 };
	return 0;
}

/* Builtin code of operator @idx of @ops (table in *@ot). */
static int op_builtin(struct rd *rd, const struct fb_vec *ops, uint32_t idx,
		      struct fb_table *ot, int32_t *builtin)
{
	uint32_t code;

	CHECK(fb_vec_table(&rd->fb, ops, idx, ot, rd->what));
	CHECK(fb_get_u32(&rd->fb, ot, OP_OPCODE_INDEX, 0, &code, rd->what));
	if (code >= rd->num_codes)
		FAIL(rd, -EINVAL, "%s: opcode index %u out of range (the model has %u operator codes)",
		     rd->what, code, rd->num_codes);
	*builtin = rd->codes[code].builtin;
	return 0;
}

/* Input or output @k of operator @ot, checked against @num_tensors. */
static int op_tensor(struct rd *rd, const struct fb_table *ot, unsigned int field, uint32_t k,
		     uint32_t num_tensors, int32_t *t)
{
	struct fb_vec v;

	CHECK(fb_get_vec(&rd->fb, ot, field, 4, &v, rd->what));
	if (k >= v.count)
		FAIL(rd, -EINVAL, "%s: has %u %s, expected more than %u", rd->what, v.count,
		     field == OP_INPUTS ? "inputs" : "outputs", k);
	*t = fb_read_i32(&rd->fb, v.pos + 4 * k);
	if (*t < 0 || (uint32_t)*t >= num_tensors)
		FAIL(rd, -EINVAL, "%s: tensor %d out of range (the subgraph has %u tensors)",
		     rd->what, *t, num_tensors);
	return 0;
}

/*
 * Subgraph @k (> 0), which CALL_ONCE runs once before the main graph's
 * first invocation: only VAR_HANDLE and ASSIGN_VARIABLE of constants, whose
 * values become the variables' initial contents (read at load, as running
 * it first would leave them).
 */
static int read_init_subgraph(struct rd *rd, const struct fb_vec *subgraphs, uint32_t k,
			      struct res_vars *vars)
{
	struct fb_table sg, ot;
	struct fb_vec tensors, ops;
	struct npu_graph *tmp, *main_g = rd->g;
	uint8_t *main_res = rd->resource;
	int32_t *handle = NULL;	/* per tensor: index in vars, -1 */
	int ret = 0;

	snprintf(rd->what, sizeof(rd->what), "subgraph %u", k);
	CHECK(fb_vec_table(&rd->fb, subgraphs, k, &sg, rd->what));
	CHECK(fb_get_vec(&rd->fb, &sg, SG_TENSORS, 4, &tensors, rd->what));
	CHECK(fb_get_vec(&rd->fb, &sg, SG_OPERATORS, 4, &ops, rd->what));
	if (tensors.count > NPU_GRAPH_MAX_TENSORS || ops.count > NPU_GRAPH_MAX_OPS)
		FAIL(rd, -ENOTSUP, "subgraph %u has %u tensors and %u operators; at most %u and %u are supported",
		     k, tensors.count, ops.count, NPU_GRAPH_MAX_TENSORS, NPU_GRAPH_MAX_OPS);
	tmp = calloc(1, sizeof(*tmp));
	handle = malloc((tensors.count ? tensors.count : 1) * sizeof(*handle));
	if (tmp)
		tmp->tensors = calloc(tensors.count ? tensors.count : 1, sizeof(*tmp->tensors));
	if (!tmp || !handle || !tmp->tensors) {
		npu_graph_free(tmp);
		free(handle);
		FAIL(rd, -ENOMEM, "out of memory");
	}
	tmp->num_tensors = tensors.count;
	for (uint32_t t = 0; t < tensors.count; t++)
		handle[t] = -1;
	for (uint32_t i = 0; i < ops.count && !ret; i++) {
		struct res_var *var;
		int32_t builtin, r, val;

		snprintf(rd->what, sizeof(rd->what), "subgraph %u operator %u", k, i);
		ret = op_builtin(rd, &ops, i, &ot, &builtin);
		if (ret)
			break;
		if (builtin == NPU_BUILTIN_VAR_HANDLE) {
			ret = op_tensor(rd, &ot, OP_OUTPUTS, 0, tensors.count, &r);
			if (!ret)
				ret = var_lookup(rd, vars, &ot, &var);
			if (!ret)
				handle[r] = (int32_t)(var - vars->v);
			continue;
		}
		if (builtin != NPU_BUILTIN_ASSIGN_VARIABLE) {
			fb_fail(&rd->fb, "subgraph %u operator %u (%s): only VAR_HANDLE and ASSIGN_VARIABLE of constants (a CALL_ONCE initialisation) are supported outside subgraph 0",
				k, i, npu_op_name(builtin));
			ret = -ENOTSUP;
			break;
		}
		ret = op_tensor(rd, &ot, OP_INPUTS, 0, tensors.count, &r);
		if (!ret)
			ret = op_tensor(rd, &ot, OP_INPUTS, 1, tensors.count, &val);
		if (ret)
			break;
		if (handle[r] < 0) {
			fb_fail(&rd->fb, "subgraph %u operator %u (ASSIGN_VARIABLE): input 0 is not a VAR_HANDLE's handle",
				k, i);
			ret = -EINVAL;
			break;
		}
		rd->g = tmp;
		rd->resource = NULL;	/* a RESOURCE value is refused */
		ret = read_tensor(rd, &tensors, (uint32_t)val);
		rd->resource = main_res;
		rd->g = main_g;
		if (ret)
			break;
		if (!tmp->tensors[val].data) {
			fb_fail(&rd->fb, "subgraph %u operator %u (ASSIGN_VARIABLE): the value, tensor %d ('%s'), is not a constant",
				k, i, val, tmp->tensors[val].name);
			ret = -ENOTSUP;
			break;
		}
		var = &vars->v[handle[r]];
		free(var->init);
		var->init = tmp->tensors[val].data;
		var->init_size = tmp->tensors[val].data_size;
		var->init_type = tmp->tensors[val].type;
		tmp->tensors[val].data = NULL;
	}
	npu_graph_free(tmp);
	free(handle);
	return ret;
}

/* Subgraph @k is one a WHILE or IF runs (read_control_flow()). */
static bool is_control_flow_subgraph(const struct npu_graph *g, uint32_t k)
{
	return k < g->num_subgraphs && g->subgraphs[k];
}

/* Removes operator @i of the main graph (CALL_ONCE, VAR_HANDLE). */
static void drop_op(struct npu_graph *g, uint32_t i)
{
	struct npu_graph_op *op = &g->ops[i];

	npu_graph_op_release(op);
	memmove(op, op + 1, (g->num_ops - i - 1) * sizeof(*op));
	g->num_ops--;
}

/* Gives the variable's tensor @t its type and size, or checks they agree. */
static int var_shape(struct rd *rd, struct npu_graph_tensor *vt, bool *typed,
		     const struct npu_graph_tensor *like, uint32_t op, const char *what)
{
	if (!*typed) {
		vt->type = like->type;
		vt->rank = like->rank;
		memcpy(vt->shape, like->shape, sizeof(vt->shape));
		vt->elements = like->elements;
		vt->bytes = like->bytes;
		*typed = true;
		return 0;
	}
	if (vt->type != like->type || vt->bytes != like->bytes)
		FAIL(rd, -ENOTSUP, "operator %u (%s): %s tensor '%s' is %s of %zu bytes but the variable '%s' is %s of %zu bytes (variables of changing type or size are not supported)",
		     op, npu_op_name(rd->g->ops[op].builtin), what, like->name,
		     npu_type_name(like->type), like->bytes, vt->name,
		     npu_type_name(vt->type), vt->bytes);
	return 0;
}

/*
 * The main graph's resource variables become variable tensors: each
 * VAR_HANDLE's handle tensor (the first of those naming one variable) is
 * the variable, READ_VARIABLE and ASSIGN_VARIABLE take it as input 0,
 * CALL_ONCE and VAR_HANDLE go.  Handles anywhere else are refused.
 */
static int resolve_variables(struct rd *rd, const struct fb_vec *ops, struct res_vars *vars,
			     uint32_t num_subgraphs)
{
	struct npu_graph *g = rd->g;
	int32_t *canon = malloc((g->num_tensors ? g->num_tensors : 1) * sizeof(*canon));
	bool *typed = calloc(g->num_tensors ? g->num_tensors : 1, sizeof(*typed));
	uint8_t *called = calloc(num_subgraphs, 1);
	uint32_t src = 0;
	int ret = 0;

	if (!canon || !typed || !called) {
		free(canon);
		free(typed);
		free(called);
		FAIL(rd, -ENOMEM, "out of memory");
	}
	for (uint32_t t = 0; t < g->num_tensors; t++)
		canon[t] = -1;
	/* Source operator @src is graph op @i until ops are dropped. */
	for (uint32_t i = 0; i < g->num_ops && !ret; src++) {
		struct npu_graph_op *op = &g->ops[i];
		struct fb_table ot, opts;
		bool present;

		snprintf(rd->what, sizeof(rd->what), "operator %u", src);
		if (op->builtin == NPU_BUILTIN_CALL_ONCE) {
			int32_t sub = 0;

			if (!fb_vec_table(&rd->fb, ops, src, &ot, rd->what) ||
			    !fb_get_table(&rd->fb, &ot, OP_OPTIONS, &opts, &present, rd->what) ||
			    (present && !fb_get_i32(&rd->fb, &opts, 0, 0, &sub, rd->what))) {
				ret = -EINVAL;
				break;
			}
			if (sub <= 0 || (uint32_t)sub >= num_subgraphs || op->num_inputs ||
			    op->num_outputs) {
				fb_fail(&rd->fb, "operator %u (CALL_ONCE): init subgraph %d is not one of subgraphs 1..%u, or the operator has inputs or outputs",
					src, sub, num_subgraphs - 1);
				ret = -EINVAL;
				break;
			}
			called[sub] = 1;
			drop_op(g, i);
			continue;
		}
		if (op->builtin == NPU_BUILTIN_VAR_HANDLE) {
			struct res_var *var;
			int32_t r = op->num_outputs == 1 ? op->outputs[0] : -1;

			if (r < 0 || !rd->resource[r] || op->num_inputs) {
				fb_fail(&rd->fb, "operator %u (VAR_HANDLE): expected no input and one RESOURCE output",
					src);
				ret = -EINVAL;
				break;
			}
			ret = fb_vec_table(&rd->fb, ops, src, &ot, rd->what) ? 0 : -EINVAL;
			if (!ret)
				ret = var_lookup(rd, vars, &ot, &var);
			if (ret)
				break;
			if (var->tensor < 0)
				var->tensor = r;
			canon[r] = var->tensor;
			drop_op(g, i);
			continue;
		}
		for (uint32_t j = 0; j < op->num_inputs + op->num_outputs && !ret; j++) {
			bool in = j < op->num_inputs;
			int32_t *t = in ? &op->inputs[j] : &op->outputs[j - op->num_inputs];

			if (*t < 0 || (uint32_t)*t >= g->num_tensors || !rd->resource[*t])
				continue;
			if (j != 0 || !in || (op->builtin != NPU_BUILTIN_READ_VARIABLE &&
					      op->builtin != NPU_BUILTIN_ASSIGN_VARIABLE)) {
				fb_fail(&rd->fb, "operator %u (%s): %s %u is the resource tensor %d ('%s'); only READ_VARIABLE and ASSIGN_VARIABLE take a variable's handle (their input 0)",
					src, npu_op_name(op->builtin), in ? "input" : "output",
					in ? j : j - op->num_inputs, *t, g->tensors[*t].name);
				ret = -ENOTSUP;
			} else if (canon[*t] < 0) {
				fb_fail(&rd->fb, "operator %u (%s): input 0, tensor %d ('%s'), is not the handle of an earlier VAR_HANDLE",
					src, npu_op_name(op->builtin), *t, g->tensors[*t].name);
				ret = -EINVAL;
			} else {
				*t = canon[*t];
			}
		}
		if (!ret && (op->builtin == NPU_BUILTIN_READ_VARIABLE ||
			     op->builtin == NPU_BUILTIN_ASSIGN_VARIABLE)) {
			bool read = op->builtin == NPU_BUILTIN_READ_VARIABLE;
			int32_t other = read ? (op->num_outputs ? op->outputs[0] : -1)
					     : (op->num_inputs > 1 ? op->inputs[1] : -1);

			if (op->num_inputs < 1 || !rd->resource[op->inputs[0]] || other < 0 ||
			    (uint32_t)other >= g->num_tensors || rd->resource[other]) {
				fb_fail(&rd->fb, "operator %u (%s): expected a variable's handle and a value",
					src, npu_op_name(op->builtin));
				ret = -EINVAL;
			} else {
				ret = var_shape(rd, &g->tensors[op->inputs[0]], &typed[op->inputs[0]],
						&g->tensors[other], i, read ? "output" : "value");
			}
		}
		i++;
	}
	for (uint32_t k = 1; k < num_subgraphs && !ret; k++) {
		if (!called[k] && !is_control_flow_subgraph(g, k)) {
			fb_fail(&rd->fb, "subgraph %u is run by no CALL_ONCE, WHILE or IF",
				k);
			ret = -ENOTSUP;
		}
	}
	for (uint32_t i = 0; i < vars->count && !ret; i++) {
		struct res_var *var = &vars->v[i];
		struct npu_graph_tensor *vt;

		if (var->tensor < 0)
			continue;	/* initialised, never used */
		vt = &g->tensors[var->tensor];
		if (!typed[var->tensor]) {
			/* A handle nothing reads or assigns: a byte nobody touches. */
			vt->bytes = vt->elements = 1;
			vt->rank = 0;
		}
		vt->is_variable = true;
		if (!var->init)
			continue;
		if (typed[var->tensor] && (var->init_type != vt->type || var->init_size != vt->bytes)) {
			fb_fail(&rd->fb, "variable '%s' ('%s'): initialised with %s of %zu bytes but used as %s of %zu bytes",
				var->name, vt->name, npu_type_name(var->init_type), var->init_size,
				npu_type_name(vt->type), vt->bytes);
			ret = -ENOTSUP;
			break;
		}
		if (!typed[var->tensor])
			continue;
		vt->data = var->init;
		vt->data_size = var->init_size;
		var->init = NULL;
	}
	for (uint32_t t = 0; t < g->num_inputs + g->num_outputs && !ret; t++) {
		int32_t x = t < g->num_inputs ? g->inputs[t] : g->outputs[t - g->num_inputs];

		if (x >= 0 && (uint32_t)x < g->num_tensors && rd->resource[x]) {
			fb_fail(&rd->fb, "graph %s tensor %d ('%s') is a variable's handle",
				t < g->num_inputs ? "input" : "output", x, g->tensors[x].name);
			ret = -ENOTSUP;
		}
	}
	free(canon);
	free(typed);
	free(called);
	return ret;
}

/* ---- control flow: the subgraphs WHILE and IF run ---- */

/* A tensor of changing shape that an op or the subgraph still uses. */
static int check_dynamic(struct rd *rd)
{
	const struct npu_graph *g = rd->g;

	for (uint32_t i = 0; i < g->num_ops; i++) {
		const struct npu_graph_op *op = &g->ops[i];

		for (uint32_t k = 0; k < op->num_inputs + op->num_outputs; k++) {
			const int32_t t = k < op->num_inputs ? op->inputs[k] :
				op->outputs[k - op->num_inputs];

			if (t >= 0 && (uint32_t)t < g->num_tensors && rd->dynamic[t])
				FAIL(rd, -ENOTSUP, "operator %u (%s): tensor %d ('%s') has no fixed shape (shape signature -1): tensors whose shape changes while a WHILE or IF subgraph runs are not supported",
				     npu_graph_op_source(g, i), npu_op_name(op->builtin), t,
				     g->tensors[t].name);
		}
	}
	for (uint32_t k = 0; k < g->num_inputs + g->num_outputs; k++) {
		const int32_t t = k < g->num_inputs ? g->inputs[k] : g->outputs[k - g->num_inputs];

		if (t >= 0 && (uint32_t)t < g->num_tensors && rd->dynamic[t])
			FAIL(rd, -ENOTSUP, "input or output tensor %d ('%s') has no fixed shape (shape signature -1)",
			     t, g->tensors[t].name);
	}
	return 0;
}

/*
 * Subgraph @k read whole into *@out (tensors, operators, inputs and
 * outputs), as subgraph 0 is; resource variables are refused there (their
 * handles are not of a type the reader knows outside subgraph 0).
 */
/*
 * A tensor of no elements that no operator writes and that is no graph
 * input has nothing to wait for: TFLite runs it as the empty constant it
 * is, whether or not its buffer says so (onnx-tf writes a RESHAPE to a
 * scalar whose [0]-shaped shape input has an empty buffer: openWakeWord's
 * hey_jarvis).  Given empty data here, it is a constant downstream.
 */
static int empty_constants(struct rd *rd, struct npu_graph *g)
{
	for (uint32_t t = 0; t < g->num_tensors; t++) {
		struct npu_graph_tensor *x = &g->tensors[t];
		bool written = false;

		if (x->elements || x->data || x->is_variable || (rd->resource && rd->resource[t]))
			continue;
		for (uint32_t i = 0; i < g->num_inputs && !written; i++)
			written = g->inputs[i] == (int32_t)t;
		for (uint32_t i = 0; i < g->num_ops && !written; i++)
			for (uint32_t j = 0; j < g->ops[i].num_outputs && !written; j++)
				written = g->ops[i].outputs[j] == (int32_t)t;
		if (written)
			continue;
		if (posix_memalign(&x->data, 64, 1))
			FAIL(rd, -ENOMEM, "out of memory");
		x->data_size = 0;
	}
	return 0;
}

static int read_subgraph(struct rd *rd, const struct fb_vec *subgraphs, uint32_t k,
			 uint64_t *budget, struct npu_graph **out)
{
	struct npu_graph *main_g = rd->g, *g;
	uint8_t *main_res = rd->resource;
	struct fb_vec tensors, ops;
	struct fb_table sg;
	int ret = 0;

	snprintf(rd->what, sizeof(rd->what), "subgraph %u", k);
	CHECK(fb_vec_table(&rd->fb, subgraphs, k, &sg, rd->what));
	CHECK(fb_get_vec(&rd->fb, &sg, SG_TENSORS, 4, &tensors, rd->what));
	CHECK(fb_get_vec(&rd->fb, &sg, SG_OPERATORS, 4, &ops, rd->what));
	/* Subgraphs may share one table: bound the work over all of them. */
	if ((uint64_t)tensors.count + ops.count > *budget)
		FAIL(rd, -ENOTSUP, "subgraph %u: the subgraphs have more than %u tensors and operators together",
		     k, 2 * NPU_GRAPH_MAX_TENSORS);
	*budget -= (uint64_t)tensors.count + ops.count;
	g = calloc(1, sizeof(*g));
	if (!g)
		FAIL(rd, -ENOMEM, "out of memory");
	*out = g;
	g->tensors = calloc(tensors.count ? tensors.count : 1, sizeof(*g->tensors));
	g->ops = calloc(ops.count ? ops.count : 1, sizeof(*g->ops));
	if (!g->tensors || !g->ops)
		FAIL(rd, -ENOMEM, "out of memory");
	g->num_tensors = tensors.count;
	g->num_ops = ops.count;
	rd->dynamic = calloc(tensors.count ? tensors.count : 1, 1);
	if (!rd->dynamic)
		FAIL(rd, -ENOMEM, "out of memory");
	rd->g = g;
	rd->resource = NULL;
	rd->subgraph = k;
	ret = read_index_vec(rd, &sg, SG_INPUTS, &g->num_inputs, &g->inputs, "inputs");
	if (!ret)
		ret = read_index_vec(rd, &sg, SG_OUTPUTS, &g->num_outputs, &g->outputs, "outputs");
	for (uint32_t i = 0; i < tensors.count && !ret; i++)
		ret = read_tensor(rd, &tensors, i);
	for (uint32_t i = 0; i < ops.count && !ret; i++)
		ret = read_operator(rd, &ops, i);
	for (uint32_t i = 0; i < ops.count && !ret; i++)
		detection_output_shapes(rd, &g->ops[i]);
	if (!ret)
		ret = empty_constants(rd, g);
	if (!ret && tflite_fold_list_updates(g, rd->dynamic)) {
		fb_fail(&rd->fb, "out of memory");
		ret = -ENOMEM;
	}
	if (!ret)
		ret = check_dynamic(rd);
	if (!ret)
		ret = fold_densify(rd);
	free(rd->dynamic);
	rd->dynamic = NULL;
	rd->g = main_g;
	rd->resource = main_res;
	rd->subgraph = 0;
	if (ret)
		prefix_subgraph(rd->fb.err, rd->fb.errlen, k);
	return ret;
}

/*
 * Queues the subgraphs the WHILE and IF ops of @g name (@in_sub: @g is
 * subgraph @in_sub, 0: the main graph).  Indices are checked here, before
 * anything is read; matching operands and cycles are npu_graph_validate()'s.
 */
static int queue_callees(struct rd *rd, const struct npu_graph *g, uint32_t in_sub,
			 uint32_t num_subgraphs, uint8_t *queued, uint32_t *queue, uint32_t *tail)
{
	for (uint32_t i = 0; i < g->num_ops; i++) {
		const struct npu_graph_op *op = &g->ops[i];
		const int32_t callee[2] = { op->options.control_flow.cond_subgraph,
					    op->options.control_flow.body_subgraph };

		if (op->builtin != NPU_BUILTIN_WHILE && op->builtin != NPU_BUILTIN_IF)
			continue;
		for (int c = 0; c < 2; c++) {
			if (callee[c] <= 0 || (uint32_t)callee[c] >= num_subgraphs)
				FAIL(rd, -EINVAL, "subgraph %u operator %u (%s): subgraph %d is not one of subgraphs 1..%u%s",
				     in_sub, i, npu_op_name(op->builtin), callee[c], num_subgraphs - 1,
				     callee[c] == 0 ? " (0 is the main graph: recursion)" : "");
			if (!queued[callee[c]]) {
				queued[callee[c]] = 1;
				queue[(*tail)++] = (uint32_t)callee[c];
			}
		}
	}
	return 0;
}

/*
 * The subgraphs WHILE and IF run, from the main graph's ops down, read into
 * rd->g->subgraphs (sized to every subgraph of the model; others stay NULL).
 */
static int read_control_flow(struct rd *rd, const struct fb_vec *subgraphs)
{
	struct npu_graph *g = rd->g;
	const uint32_t n = subgraphs->count;
	uint64_t budget = 2ull * NPU_GRAPH_MAX_TENSORS;
	uint32_t *queue, head = 0, tail = 0;
	uint8_t *queued;
	bool any = false;
	int ret;

	for (uint32_t i = 0; i < g->num_ops; i++)
		any |= g->ops[i].builtin == NPU_BUILTIN_WHILE || g->ops[i].builtin == NPU_BUILTIN_IF;
	if (!any)
		return 0;
	if (n > NPU_GRAPH_MAX_SUBGRAPHS)
		FAIL(rd, -ENOTSUP, "model has %u subgraphs; at most %u are supported", n,
		     NPU_GRAPH_MAX_SUBGRAPHS);
	g->subgraphs = calloc(n, sizeof(*g->subgraphs));
	queue = calloc(n, sizeof(*queue));
	queued = calloc(n, 1);
	if (!g->subgraphs || !queue || !queued) {
		free(queue);
		free(queued);
		FAIL(rd, -ENOMEM, "out of memory");
	}
	g->num_subgraphs = n;
	ret = queue_callees(rd, g, 0, n, queued, queue, &tail);
	while (!ret && head < tail) {
		const uint32_t k = queue[head++];

		ret = read_subgraph(rd, subgraphs, k, &budget, &g->subgraphs[k]);
		if (!ret)
			ret = queue_callees(rd, g->subgraphs[k], k, n, queued, queue, &tail);
	}
	free(queue);
	free(queued);
	return ret;
}

static int read_model(struct rd *rd)
{
	struct fb_table model, sg;
	struct fb_vec subgraphs, tensors, ops;
	uint32_t version;
	int ret;

	if (!rd->fb.data)
		FAIL(rd, -EINVAL, "no model data");
	if (rd->fb.len > NPU_TFLITE_MAX_SIZE)
		FAIL(rd, -EINVAL, "file of %zu bytes exceeds the 2 GiB flatbuffer limit", rd->fb.len);
	CHECK(fb_root(&rd->fb, &model));
	if (memcmp(rd->fb.data + 4, "TFL3", 4))
		FAIL(rd, -EINVAL, "missing \"TFL3\" file identifier: not a TFLite model");
	CHECK(fb_get_u32(&rd->fb, &model, MODEL_VERSION, 0, &version, "model"));
	if (version != 3)
		FAIL(rd, -ENOTSUP, "TFLite schema version %u is not supported (expected 3)", version);
	ret = read_opcodes(rd, &model);
	if (ret)
		return ret;
	CHECK(fb_get_vec(&rd->fb, &model, MODEL_BUFFERS, 4, &rd->buffers, "model buffers"));
	CHECK(fb_get_vec(&rd->fb, &model, MODEL_SUBGRAPHS, 4, &subgraphs, "model subgraphs"));
	if (subgraphs.count == 0)
		FAIL(rd, -EINVAL, "model has no subgraph");
	CHECK(fb_vec_table(&rd->fb, &subgraphs, 0, &sg, "subgraph 0"));
	CHECK(fb_get_vec(&rd->fb, &sg, SG_TENSORS, 4, &tensors, "subgraph 0 tensors"));
	CHECK(fb_get_vec(&rd->fb, &sg, SG_OPERATORS, 4, &ops, "subgraph 0 operators"));
	/* Vectors of offsets may all point at one table: bound the work. */
	if (tensors.count > NPU_GRAPH_MAX_TENSORS || ops.count > NPU_GRAPH_MAX_OPS)
		FAIL(rd, -ENOTSUP, "model has %u tensors and %u operators; at most %u and %u are supported",
		     tensors.count, ops.count, NPU_GRAPH_MAX_TENSORS, NPU_GRAPH_MAX_OPS);

	rd->g->tensors = calloc(tensors.count ? tensors.count : 1, sizeof(struct npu_graph_tensor));
	rd->g->ops = calloc(ops.count ? ops.count : 1, sizeof(struct npu_graph_op));
	if (!rd->g->tensors || !rd->g->ops)
		FAIL(rd, -ENOMEM, "out of memory");
	rd->g->num_tensors = tensors.count;
	rd->g->num_ops = ops.count;
	rd->resource = calloc(tensors.count ? tensors.count : 1, 1);
	if (!rd->resource)
		FAIL(rd, -ENOMEM, "out of memory");
	ret = read_index_vec(rd, &sg, SG_INPUTS, &rd->g->num_inputs, &rd->g->inputs,
			     "subgraph 0 inputs");
	if (!ret)
		ret = read_index_vec(rd, &sg, SG_OUTPUTS, &rd->g->num_outputs, &rd->g->outputs,
				     "subgraph 0 outputs");
	/* Nothing would be computed (every op is dead): not a model to run. */
	if (!ret && !rd->g->num_outputs)
		FAIL(rd, -EINVAL, "subgraph 0 has no outputs");
	for (uint32_t i = 0; i < tensors.count && !ret; i++)
		ret = read_tensor(rd, &tensors, i);
	for (uint32_t i = 0; i < ops.count && !ret; i++)
		ret = read_operator(rd, &ops, i);
	for (uint32_t i = 0; i < ops.count && !ret; i++)
		detection_output_shapes(rd, &rd->g->ops[i]);
	if (!ret)
		ret = empty_constants(rd, rd->g);
	if (!ret)
		ret = read_control_flow(rd, &subgraphs);
	if (!ret) {
		struct res_vars vars = { 0 };

		for (uint32_t k = 1; k < subgraphs.count && !ret; k++)
			if (!is_control_flow_subgraph(rd->g, k))
				ret = read_init_subgraph(rd, &subgraphs, k, &vars);
		if (!ret)
			ret = resolve_variables(rd, &ops, &vars, subgraphs.count);
		for (uint32_t i = 0; i < vars.count; i++)
			free(vars.v[i].init);
		free(vars.v);
	}
	if (!ret)
		ret = fold_densify(rd);
	if (!ret)
		ret = npu_graph_validate(rd->g, rd->fb.err, rd->fb.errlen);
	return ret;
}

int npu_tflite_load(const void *buf, size_t len, struct npu_graph **out,
		    char *err, size_t errlen)
{
	struct rd rd = {
		.fb = { .data = buf, .len = len, .err = err, .errlen = errlen },
	};
	int ret;

	if (err && errlen)
		err[0] = 0;
	*out = NULL;
	rd.g = calloc(1, sizeof(*rd.g));
	if (!rd.g) {
		fb_fail(&rd.fb, "out of memory");
		return -ENOMEM;
	}
	ret = read_model(&rd);
	free(rd.codes);
	free(rd.resource);
	if (ret) {
		npu_graph_free(rd.g);
		return ret;
	}
	*out = rd.g;
	return 0;
}

int npu_tflite_load_file(const char *path, struct npu_graph **out, char *err, size_t errlen)
{
	void *buf;
	size_t len;
	int ret;

	*out = NULL;
	ret = npu_read_file(path, NPU_TFLITE_MAX_SIZE, "2 GiB", &buf, &len, err, errlen);
	if (ret)
		return ret == -E2BIG ? -EINVAL : ret;
	ret = npu_tflite_load(buf, len, out, err, errlen);
	free(buf);
	return ret;
}
