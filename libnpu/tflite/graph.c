// SPDX-License-Identifier: MIT
/* Graph IR helpers: names, lookups, freeing (npu_graph.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "graph_priv.h"
#include "npu_graph.h"

size_t npu_type_size(enum npu_type type)
{
	switch (type) {
	case NPU_TYPE_FLOAT32: return 4;
	case NPU_TYPE_INT32: return 4;
	case NPU_TYPE_UINT8: return 1;
	case NPU_TYPE_INT64: return 8;
	case NPU_TYPE_BOOL: return 1;
	case NPU_TYPE_INT16: return 2;
	case NPU_TYPE_INT8: return 1;
	case NPU_TYPE_FLOAT16: return 2;
	case NPU_TYPE_COMPLEX64: return 8;
	case NPU_TYPE_FLOAT64: return 8;
	case NPU_TYPE_COMPLEX128: return 16;
	case NPU_TYPE_UINT64: return 8;
	case NPU_TYPE_UINT32: return 4;
	case NPU_TYPE_UINT16: return 2;
	}
	return 0;
}

const char *npu_type_name(enum npu_type type)
{
	switch (type) {
	case NPU_TYPE_FLOAT32: return "float32";
	case NPU_TYPE_INT32: return "int32";
	case NPU_TYPE_UINT8: return "uint8";
	case NPU_TYPE_INT64: return "int64";
	case NPU_TYPE_BOOL: return "bool";
	case NPU_TYPE_INT16: return "int16";
	case NPU_TYPE_INT8: return "int8";
	case NPU_TYPE_FLOAT16: return "float16";
	case NPU_TYPE_COMPLEX64: return "complex64";
	case NPU_TYPE_FLOAT64: return "float64";
	case NPU_TYPE_COMPLEX128: return "complex128";
	case NPU_TYPE_UINT64: return "uint64";
	case NPU_TYPE_UINT32: return "uint32";
	case NPU_TYPE_UINT16: return "uint16";
	}
	return "unknown";
}

/* TFLite BuiltinOperator names, schema.fbs order. */
static const char *const op_names[] = {
	[0] = "ADD",
	[1] = "AVERAGE_POOL_2D",
	[2] = "CONCATENATION",
	[3] = "CONV_2D",
	[4] = "DEPTHWISE_CONV_2D",
	[5] = "DEPTH_TO_SPACE",
	[6] = "DEQUANTIZE",
	[7] = "EMBEDDING_LOOKUP",
	[8] = "FLOOR",
	[9] = "FULLY_CONNECTED",
	[10] = "HASHTABLE_LOOKUP",
	[11] = "L2_NORMALIZATION",
	[12] = "L2_POOL_2D",
	[13] = "LOCAL_RESPONSE_NORMALIZATION",
	[14] = "LOGISTIC",
	[15] = "LSH_PROJECTION",
	[16] = "LSTM",
	[17] = "MAX_POOL_2D",
	[18] = "MUL",
	[19] = "RELU",
	[20] = "RELU_N1_TO_1",
	[21] = "RELU6",
	[22] = "RESHAPE",
	[23] = "RESIZE_BILINEAR",
	[24] = "RNN",
	[25] = "SOFTMAX",
	[26] = "SPACE_TO_DEPTH",
	[27] = "SVDF",
	[28] = "TANH",
	[29] = "CONCAT_EMBEDDINGS",
	[30] = "SKIP_GRAM",
	[31] = "CALL",
	[32] = "CUSTOM",
	[33] = "EMBEDDING_LOOKUP_SPARSE",
	[34] = "PAD",
	[35] = "UNIDIRECTIONAL_SEQUENCE_RNN",
	[36] = "GATHER",
	[37] = "BATCH_TO_SPACE_ND",
	[38] = "SPACE_TO_BATCH_ND",
	[39] = "TRANSPOSE",
	[40] = "MEAN",
	[41] = "SUB",
	[42] = "DIV",
	[43] = "SQUEEZE",
	[44] = "UNIDIRECTIONAL_SEQUENCE_LSTM",
	[45] = "STRIDED_SLICE",
	[46] = "BIDIRECTIONAL_SEQUENCE_RNN",
	[47] = "EXP",
	[48] = "TOPK_V2",
	[49] = "SPLIT",
	[50] = "LOG_SOFTMAX",
	[51] = "DELEGATE",
	[52] = "BIDIRECTIONAL_SEQUENCE_LSTM",
	[53] = "CAST",
	[54] = "PRELU",
	[55] = "MAXIMUM",
	[56] = "ARG_MAX",
	[57] = "MINIMUM",
	[58] = "LESS",
	[59] = "NEG",
	[60] = "PADV2",
	[61] = "GREATER",
	[62] = "GREATER_EQUAL",
	[63] = "LESS_EQUAL",
	[64] = "SELECT",
	[65] = "SLICE",
	[66] = "SIN",
	[67] = "TRANSPOSE_CONV",
	[68] = "SPARSE_TO_DENSE",
	[69] = "TILE",
	[70] = "EXPAND_DIMS",
	[71] = "EQUAL",
	[72] = "NOT_EQUAL",
	[73] = "LOG",
	[74] = "SUM",
	[75] = "SQRT",
	[76] = "RSQRT",
	[77] = "SHAPE",
	[78] = "POW",
	[79] = "ARG_MIN",
	[80] = "FAKE_QUANT",
	[81] = "REDUCE_PROD",
	[82] = "REDUCE_MAX",
	[83] = "PACK",
	[84] = "LOGICAL_OR",
	[85] = "ONE_HOT",
	[86] = "LOGICAL_AND",
	[87] = "LOGICAL_NOT",
	[88] = "UNPACK",
	[89] = "REDUCE_MIN",
	[90] = "FLOOR_DIV",
	[91] = "REDUCE_ANY",
	[92] = "SQUARE",
	[93] = "ZEROS_LIKE",
	[94] = "FILL",
	[95] = "FLOOR_MOD",
	[96] = "RANGE",
	[97] = "RESIZE_NEAREST_NEIGHBOR",
	[98] = "LEAKY_RELU",
	[99] = "SQUARED_DIFFERENCE",
	[100] = "MIRROR_PAD",
	[101] = "ABS",
	[102] = "SPLIT_V",
	[103] = "UNIQUE",
	[104] = "CEIL",
	[105] = "REVERSE_V2",
	[106] = "ADD_N",
	[107] = "GATHER_ND",
	[108] = "COS",
	[109] = "WHERE",
	[110] = "RANK",
	[111] = "ELU",
	[112] = "REVERSE_SEQUENCE",
	[113] = "MATRIX_DIAG",
	[114] = "QUANTIZE",
	[115] = "MATRIX_SET_DIAG",
	[116] = "ROUND",
	[117] = "HARD_SWISH",
	[118] = "IF",
	[119] = "WHILE",
	[120] = "NON_MAX_SUPPRESSION_V4",
	[121] = "NON_MAX_SUPPRESSION_V5",
	[122] = "SCATTER_ND",
	[123] = "SELECT_V2",
	[124] = "DENSIFY",
	[125] = "SEGMENT_SUM",
	[126] = "BATCH_MATMUL",
	[127] = "PLACEHOLDER_FOR_GREATER_OP_CODES",
	[128] = "CUMSUM",
	[129] = "CALL_ONCE",
	[130] = "BROADCAST_TO",
	[131] = "RFFT2D",
	[132] = "CONV_3D",
	[133] = "IMAG",
	[134] = "REAL",
	[135] = "COMPLEX_ABS",
	[136] = "HASHTABLE",
	[137] = "HASHTABLE_FIND",
	[138] = "HASHTABLE_IMPORT",
	[139] = "HASHTABLE_SIZE",
	[140] = "REDUCE_ALL",
	[141] = "CONV_3D_TRANSPOSE",
	[142] = "VAR_HANDLE",
	[143] = "READ_VARIABLE",
	[144] = "ASSIGN_VARIABLE",
	[145] = "BROADCAST_ARGS",
	[146] = "RANDOM_STANDARD_NORMAL",
	[147] = "BUCKETIZE",
	[148] = "RANDOM_UNIFORM",
	[149] = "MULTINOMIAL",
	[150] = "GELU",
	[151] = "DYNAMIC_UPDATE_SLICE",
	[152] = "RELU_0_TO_1",
	[153] = "UNSORTED_SEGMENT_PROD",
	[154] = "UNSORTED_SEGMENT_MAX",
	[155] = "UNSORTED_SEGMENT_SUM",
	[156] = "ATAN2",
	[157] = "UNSORTED_SEGMENT_MIN",
	[158] = "SIGN",
	[159] = "BITCAST",
	[160] = "BITWISE_XOR",
	[161] = "RIGHT_SHIFT",
};

const char *npu_op_name(int32_t builtin)
{
	if (builtin >= 0 && (size_t)builtin < sizeof(op_names) / sizeof(op_names[0]) &&
	    op_names[builtin])
		return op_names[builtin];
	return "UNKNOWN";
}

const char *npu_activation_name(int32_t act)
{
	switch (act) {
	case NPU_ACT_NONE: return "NONE";
	case NPU_ACT_RELU: return "RELU";
	case NPU_ACT_RELU_N1_TO_1: return "RELU_N1_TO_1";
	case NPU_ACT_RELU6: return "RELU6";
	case NPU_ACT_TANH: return "TANH";
	case NPU_ACT_SIGN_BIT: return "SIGN_BIT";
	}
	return "UNKNOWN";
}

int32_t npu_graph_producer(const struct npu_graph *g, int32_t t)
{
	for (uint32_t i = 0; i < g->num_ops; i++)
		for (uint32_t j = 0; j < g->ops[i].num_outputs; j++)
			if (g->ops[i].outputs[j] == t)
				return (int32_t)i;
	return -1;
}

bool npu_graph_is_input(const struct npu_graph *g, int32_t t)
{
	for (uint32_t i = 0; i < g->num_inputs; i++)
		if (g->inputs[i] == t)
			return true;
	return false;
}

bool npu_graph_is_output(const struct npu_graph *g, int32_t t)
{
	for (uint32_t i = 0; i < g->num_outputs; i++)
		if (g->outputs[i] == t)
			return true;
	return false;
}

void npu_graph_op_release(struct npu_graph_op *op)
{
	free(op->custom_name);
	free(op->inputs);
	free(op->outputs);
	free(op->custom_options);
	free(op->intermediates);
}

void npu_graph_free(struct npu_graph *g)
{
	if (!g)
		return;
	for (uint32_t i = 0; g->tensors && i < g->num_tensors; i++) {
		struct npu_graph_tensor *t = &g->tensors[i];

		free(t->name);
		free(t->quant.scale);
		free(t->quant.zero_point);
		free(t->data);
	}
	for (uint32_t i = 0; g->ops && i < g->num_ops; i++)
		npu_graph_op_release(&g->ops[i]);
	free(g->tensors);
	free(g->ops);
	free(g->inputs);
	free(g->outputs);
	free(g->op_source);
	for (uint32_t k = 0; g->subgraphs && k < g->num_subgraphs; k++)
		npu_graph_free(g->subgraphs[k]);
	free(g->subgraphs);
	free(g);
}

/* A copy of @n bytes of @src into *@dst (NULL for NULL); false if out of memory. */
static bool dup_bytes(void **dst, const void *src, size_t n)
{
	*dst = NULL;
	if (!src)
		return true;
	*dst = malloc(n ? n : 1);
	if (*dst && n)
		memcpy(*dst, src, n);
	return *dst;
}

static bool copy_tensor(struct npu_graph_tensor *t, const struct npu_graph_tensor *from)
{
	*t = *from;
	t->name = NULL;
	t->quant.scale = NULL;
	t->quant.zero_point = NULL;
	t->data = NULL;
	if (!dup_bytes((void **)&t->name, from->name, from->name ? strlen(from->name) + 1 : 0) ||
	    !dup_bytes((void **)&t->quant.scale, from->quant.scale,
		       from->quant.count * sizeof(*from->quant.scale)) ||
	    !dup_bytes((void **)&t->quant.zero_point, from->quant.zero_point,
		       from->quant.count * sizeof(*from->quant.zero_point)))
		return false;
	/* Constant data keeps the reader's 64-byte alignment. */
	if (from->data) {
		if (posix_memalign(&t->data, 64, from->data_size ? from->data_size : 1)) {
			t->data = NULL;
			return false;
		}
		memcpy(t->data, from->data, from->data_size);
	}
	return true;
}

static bool copy_op(struct npu_graph_op *op, const struct npu_graph_op *from)
{
	*op = *from;
	op->custom_name = NULL;
	op->inputs = op->outputs = NULL;
	op->custom_options = NULL;
	op->intermediates = NULL;
	return dup_bytes((void **)&op->custom_name, from->custom_name,
			 from->custom_name ? strlen(from->custom_name) + 1 : 0) &&
	       dup_bytes((void **)&op->inputs, from->inputs, from->num_inputs * sizeof(int32_t)) &&
	       dup_bytes((void **)&op->outputs, from->outputs, from->num_outputs * sizeof(int32_t)) &&
	       dup_bytes((void **)&op->custom_options, from->custom_options,
			 from->custom_options_size) &&
	       dup_bytes((void **)&op->intermediates, from->intermediates,
			 from->num_intermediates * sizeof(int32_t));
}

int npu_graph_copy(const struct npu_graph *g, struct npu_graph **out)
{
	struct npu_graph *c = calloc(1, sizeof(*c));
	bool ok;

	*out = NULL;
	if (!c)
		return -ENOMEM;
	/* Counts are set as the arrays fill, so npu_graph_free() frees what exists. */
	c->tensors = calloc(g->num_tensors + 1, sizeof(*c->tensors));
	c->ops = calloc(g->num_ops + 1, sizeof(*c->ops));
	ok = c->tensors && c->ops &&
	     dup_bytes((void **)&c->inputs, g->inputs, g->num_inputs * sizeof(int32_t)) &&
	     dup_bytes((void **)&c->outputs, g->outputs, g->num_outputs * sizeof(int32_t)) &&
	     dup_bytes((void **)&c->op_source, g->op_source, g->num_ops * sizeof(uint32_t));
	c->num_inputs = g->num_inputs;
	c->num_outputs = g->num_outputs;
	for (uint32_t i = 0; ok && i < g->num_tensors; i++, c->num_tensors++)
		ok = copy_tensor(&c->tensors[i], &g->tensors[i]);
	for (uint32_t i = 0; ok && i < g->num_ops; i++, c->num_ops++)
		ok = copy_op(&c->ops[i], &g->ops[i]);
	if (ok && g->num_subgraphs) {
		c->subgraphs = calloc(g->num_subgraphs, sizeof(*c->subgraphs));
		ok = c->subgraphs;
		if (ok)
			c->num_subgraphs = g->num_subgraphs;
	}
	for (uint32_t k = 0; ok && k < g->num_subgraphs; k++)
		ok = !g->subgraphs[k] || !npu_graph_copy(g->subgraphs[k], &c->subgraphs[k]);
	if (!ok) {
		npu_graph_free(c);
		return -ENOMEM;
	}
	*out = c;
	return 0;
}
