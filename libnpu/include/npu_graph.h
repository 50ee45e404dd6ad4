/* SPDX-License-Identifier: MIT */
/*
 * In-memory graph IR shared by the TFLite reader, the compiler, the CPU
 * executor and the runtime.
 *
 * A graph is one TFLite subgraph (subgraph 0): a flat tensor table and the
 * operators in execution order.  Everything a graph points to is owned by the
 * graph (constant data is copied out of the source buffer, suitably aligned),
 * so the caller may drop the .tflite bytes right after loading.  Free with
 * npu_graph_free().
 *
 * Names are npu_graph_* / NPU_TYPE_* / NPU_BUILTIN_* so this header can be
 * included together with uapi/npu_cmdstream.h, whose struct npu_tensor,
 * NPU_DTYPE_* and NPU_CMD_* describe command-stream operands, not graph ones.
 *
 * Numbering follows TFLite so nothing needs translating: enum npu_type uses
 * TFLite's TensorType values, enum npu_builtin_op its BuiltinOperator codes,
 * padding and fused activation its enum values.
 *
 * Options structs contain only fixed-width scalars (no pointers), so the
 * compiled model format can store them verbatim (Documentation/model-format.rst).
 */
#ifndef NPU_GRAPH_H
#define NPU_GRAPH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* libnpu is built with -fvisibility=hidden: what this header declares is its API. */
#pragma GCC visibility push(default)

/* Highest tensor rank the reader accepts (TFLite kernels stop at 5-6). */
#define NPU_GRAPH_MAX_DIMS 8

/* Largest graphs the reader accepts (keeps compile time bounded). */
#define NPU_GRAPH_MAX_TENSORS 65536
#define NPU_GRAPH_MAX_OPS 65536
/* Most subgraphs a model may have (WHILE / IF bodies, CALL_ONCE init). */
#define NPU_GRAPH_MAX_SUBGRAPHS 256

/* Index value meaning "optional input not present" (TFLite uses -1). */
#define NPU_TENSOR_NONE (-1)

/* Tensor element types: TFLite TensorType values. */
enum npu_type {
	NPU_TYPE_FLOAT32 = 0,
	NPU_TYPE_FLOAT16 = 1,
	NPU_TYPE_INT32 = 2,
	NPU_TYPE_UINT8 = 3,
	NPU_TYPE_INT64 = 4,
	NPU_TYPE_BOOL = 6,
	NPU_TYPE_INT16 = 7,
	NPU_TYPE_COMPLEX64 = 8,
	NPU_TYPE_INT8 = 9,
	NPU_TYPE_FLOAT64 = 10,
	NPU_TYPE_COMPLEX128 = 11,
	NPU_TYPE_UINT64 = 12,
	NPU_TYPE_UINT32 = 15,
	NPU_TYPE_UINT16 = 16,
};

/* TFLite BuiltinOperator codes of the ops this project knows by name. */
enum npu_builtin_op {
	NPU_BUILTIN_ADD = 0,
	NPU_BUILTIN_AVERAGE_POOL_2D = 1,
	NPU_BUILTIN_CONCATENATION = 2,
	NPU_BUILTIN_CONV_2D = 3,
	NPU_BUILTIN_DEPTHWISE_CONV_2D = 4,
	NPU_BUILTIN_DEPTH_TO_SPACE = 5,
	NPU_BUILTIN_DEQUANTIZE = 6,
	NPU_BUILTIN_FLOOR = 8,
	NPU_BUILTIN_EMBEDDING_LOOKUP = 7,
	NPU_BUILTIN_FULLY_CONNECTED = 9,
	NPU_BUILTIN_L2_NORMALIZATION = 11,
	NPU_BUILTIN_LOCAL_RESPONSE_NORMALIZATION = 13,
	NPU_BUILTIN_LOGISTIC = 14,
	NPU_BUILTIN_LSTM = 16,
	NPU_BUILTIN_MAX_POOL_2D = 17,
	NPU_BUILTIN_MUL = 18,
	NPU_BUILTIN_RELU = 19,
	NPU_BUILTIN_RELU_N1_TO_1 = 20,
	NPU_BUILTIN_RELU6 = 21,
	NPU_BUILTIN_RESHAPE = 22,
	NPU_BUILTIN_RESIZE_BILINEAR = 23,
	NPU_BUILTIN_RNN = 24,
	NPU_BUILTIN_SOFTMAX = 25,
	NPU_BUILTIN_SPACE_TO_DEPTH = 26,
	NPU_BUILTIN_SVDF = 27,
	NPU_BUILTIN_TANH = 28,
	NPU_BUILTIN_CUSTOM = 32,
	NPU_BUILTIN_PAD = 34,
	NPU_BUILTIN_UNIDIRECTIONAL_SEQUENCE_RNN = 35,
	NPU_BUILTIN_GATHER = 36,
	NPU_BUILTIN_BATCH_TO_SPACE_ND = 37,
	NPU_BUILTIN_SPACE_TO_BATCH_ND = 38,
	NPU_BUILTIN_TRANSPOSE = 39,
	NPU_BUILTIN_MEAN = 40,
	NPU_BUILTIN_SUB = 41,
	NPU_BUILTIN_DIV = 42,
	NPU_BUILTIN_SQUEEZE = 43,
	NPU_BUILTIN_UNIDIRECTIONAL_SEQUENCE_LSTM = 44,
	NPU_BUILTIN_STRIDED_SLICE = 45,
	NPU_BUILTIN_BIDIRECTIONAL_SEQUENCE_RNN = 46,
	NPU_BUILTIN_EXP = 47,
	NPU_BUILTIN_TOPK_V2 = 48,
	NPU_BUILTIN_SPLIT = 49,
	NPU_BUILTIN_LOG_SOFTMAX = 50,
	NPU_BUILTIN_BIDIRECTIONAL_SEQUENCE_LSTM = 52,
	NPU_BUILTIN_CAST = 53,
	NPU_BUILTIN_PRELU = 54,
	NPU_BUILTIN_MAXIMUM = 55,
	NPU_BUILTIN_ARG_MAX = 56,
	NPU_BUILTIN_MINIMUM = 57,
	NPU_BUILTIN_LESS = 58,
	NPU_BUILTIN_NEG = 59,
	NPU_BUILTIN_PADV2 = 60,
	NPU_BUILTIN_GREATER = 61,
	NPU_BUILTIN_GREATER_EQUAL = 62,
	NPU_BUILTIN_LESS_EQUAL = 63,
	NPU_BUILTIN_SELECT = 64,
	NPU_BUILTIN_SLICE = 65,
	NPU_BUILTIN_SIN = 66,
	NPU_BUILTIN_TRANSPOSE_CONV = 67,
	NPU_BUILTIN_TILE = 69,
	NPU_BUILTIN_EXPAND_DIMS = 70,
	NPU_BUILTIN_EQUAL = 71,
	NPU_BUILTIN_NOT_EQUAL = 72,
	NPU_BUILTIN_LOG = 73,
	NPU_BUILTIN_SUM = 74,
	NPU_BUILTIN_SQRT = 75,
	NPU_BUILTIN_RSQRT = 76,
	NPU_BUILTIN_SHAPE = 77,
	NPU_BUILTIN_POW = 78,
	NPU_BUILTIN_ARG_MIN = 79,
	NPU_BUILTIN_REDUCE_PROD = 81,
	NPU_BUILTIN_REDUCE_MAX = 82,
	NPU_BUILTIN_PACK = 83,
	NPU_BUILTIN_ONE_HOT = 85,
	NPU_BUILTIN_LOGICAL_OR = 84,
	NPU_BUILTIN_LOGICAL_AND = 86,
	NPU_BUILTIN_LOGICAL_NOT = 87,
	NPU_BUILTIN_UNPACK = 88,
	NPU_BUILTIN_REDUCE_MIN = 89,
	NPU_BUILTIN_FLOOR_DIV = 90,
	NPU_BUILTIN_REDUCE_ANY = 91,
	NPU_BUILTIN_SQUARE = 92,
	NPU_BUILTIN_ZEROS_LIKE = 93,
	NPU_BUILTIN_FILL = 94,
	NPU_BUILTIN_FLOOR_MOD = 95,
	NPU_BUILTIN_RANGE = 96,
	NPU_BUILTIN_RESIZE_NEAREST_NEIGHBOR = 97,
	NPU_BUILTIN_LEAKY_RELU = 98,
	NPU_BUILTIN_SQUARED_DIFFERENCE = 99,
	NPU_BUILTIN_MIRROR_PAD = 100,
	NPU_BUILTIN_ABS = 101,
	NPU_BUILTIN_SPLIT_V = 102,
	NPU_BUILTIN_UNIQUE = 103,
	NPU_BUILTIN_CEIL = 104,
	NPU_BUILTIN_REVERSE_V2 = 105,
	NPU_BUILTIN_GATHER_ND = 107,
	NPU_BUILTIN_COS = 108,
	NPU_BUILTIN_ELU = 111,
	NPU_BUILTIN_QUANTIZE = 114,
	NPU_BUILTIN_ROUND = 116,
	NPU_BUILTIN_HARD_SWISH = 117,
	NPU_BUILTIN_NON_MAX_SUPPRESSION_V4 = 120,
	NPU_BUILTIN_NON_MAX_SUPPRESSION_V5 = 121,
	NPU_BUILTIN_SCATTER_ND = 122,
	NPU_BUILTIN_SELECT_V2 = 123,
	NPU_BUILTIN_DENSIFY = 124,
	NPU_BUILTIN_SEGMENT_SUM = 125,
	NPU_BUILTIN_BATCH_MATMUL = 126,
	NPU_BUILTIN_CUMSUM = 128,
	NPU_BUILTIN_BROADCAST_TO = 130,
	NPU_BUILTIN_RFFT2D = 131,
	NPU_BUILTIN_CONV_3D = 132,
	NPU_BUILTIN_IMAG = 133,
	NPU_BUILTIN_REAL = 134,
	NPU_BUILTIN_COMPLEX_ABS = 135,
	NPU_BUILTIN_REDUCE_ALL = 140,
	NPU_BUILTIN_SIGN = 158,
	NPU_BUILTIN_UNSORTED_SEGMENT_PROD = 153,
	NPU_BUILTIN_UNSORTED_SEGMENT_MAX = 154,
	NPU_BUILTIN_UNSORTED_SEGMENT_SUM = 155,
	NPU_BUILTIN_UNSORTED_SEGMENT_MIN = 157,
	/*
	 * Resource variables: the reader removes CALL_ONCE and VAR_HANDLE
	 * (each variable becomes a variable tensor), READ_VARIABLE copies the
	 * variable to its output, ASSIGN_VARIABLE (no output) copies input 1
	 * into the variable (input 0).
	 */
	NPU_BUILTIN_CALL_ONCE = 129,
	NPU_BUILTIN_VAR_HANDLE = 142,
	NPU_BUILTIN_READ_VARIABLE = 143,
	NPU_BUILTIN_ASSIGN_VARIABLE = 144,
	NPU_BUILTIN_GELU = 150,
	NPU_BUILTIN_DYNAMIC_UPDATE_SLICE = 151,
	/*
	 * Control flow (CPU only): IF runs subgraph then_subgraph or
	 * else_subgraph on inputs 1.. as the bool input 0 says; WHILE runs
	 * cond_subgraph and body_subgraph on its loop variables (inputs =
	 * outputs).  The subgraphs are npu_graph.subgraphs of the main graph.
	 */
	NPU_BUILTIN_IF = 118,
	NPU_BUILTIN_WHILE = 119,
};

enum npu_padding {
	NPU_PADDING_SAME = 0,
	NPU_PADDING_VALID = 1,
	/*
	 * Not a TFLite value (the reader refuses it): the compiler's fold of
	 * an explicit PAD (libnpu/compiler/fuse.c).  The options' pad_top and
	 * pad_left rows / columns of zero-point padding come before the
	 * input, the output size gives those after (fewer than the window).
	 */
	NPU_PADDING_EXPLICIT = 2,
};

/* TFLite ActivationFunctionType. */
enum npu_activation {
	NPU_ACT_NONE = 0,
	NPU_ACT_RELU = 1,
	NPU_ACT_RELU_N1_TO_1 = 2,
	NPU_ACT_RELU6 = 3,
	NPU_ACT_TANH = 4,
	NPU_ACT_SIGN_BIT = 5,
};

/*
 * Quantization of one tensor.  count == 0: not quantized; count == 1:
 * per-tensor; count > 1: per-channel along quantized_dimension, and count
 * equals shape[quantized_dimension] (the reader checks it).
 */
struct npu_quant {
	uint32_t count;
	float *scale;		/* count entries */
	int32_t *zero_point;	/* count entries (TFLite stores int64; range-checked) */
	int32_t quantized_dimension;
};

struct npu_graph_tensor {
	char *name;			/* never NULL ("" if the model has none) */
	enum npu_type type;
	int32_t rank;			/* 0 = scalar */
	int32_t shape[NPU_GRAPH_MAX_DIMS];
	struct npu_quant quant;
	/*
	 * Constant data, NULL for activations.  Owned by the graph, aligned to
	 * at least 16 bytes.  data_size == bytes (the reader checks it).
	 */
	void *data;
	size_t data_size;
	size_t elements;		/* product of shape (1 for a scalar) */
	size_t bytes;			/* elements * npu_type_size(type) */
	bool is_variable;		/* state carried across invocations (SVDF) */
};

/* ---- Builtin options: plain scalars only (stored verbatim in .npu). ---- */

/* CONV_2D and DEPTHWISE_CONV_2D. */
struct npu_conv_options {
	int32_t padding;		/* enum npu_padding */
	int32_t stride_w, stride_h;
	int32_t dilation_w, dilation_h;	/* default 1 */
	int32_t depth_multiplier;	/* DEPTHWISE_CONV_2D only, else 0 */
	int32_t activation;		/* enum npu_activation */
	int32_t quantized_bias_type;	/* enum npu_type, 0 = unset */
	/* Padding NPU_PADDING_EXPLICIT only (else 0): rows / columns before. */
	int16_t pad_top, pad_left;
};

struct npu_fc_options {
	int32_t activation;
	int32_t weights_format;		/* 0 = DEFAULT, 1 = SHUFFLED4x16INT8 */
	int32_t keep_num_dims;		/* bool */
	int32_t asymmetric_quantize_inputs; /* bool */
	int32_t quantized_bias_type;
};

/* AVERAGE_POOL_2D, MAX_POOL_2D. */
struct npu_pool_options {
	int32_t padding;
	int32_t stride_w, stride_h;
	int32_t filter_w, filter_h;
	int32_t activation;
	int16_t pad_top, pad_left;	/* as in struct npu_conv_options */
};

/* ADD, SUB, MUL. */
struct npu_eltwise_options {
	int32_t activation;
	int32_t pot_scale_int16;	/* bool, ADD/SUB only, default true */
};

struct npu_concat_options {
	int32_t axis;			/* as in the model, may be negative */
	int32_t activation;
};

struct npu_reshape_options {
	int32_t num_dims;		/* -1: no new_shape option (use the shape input) */
	int32_t new_shape[NPU_GRAPH_MAX_DIMS];
};

struct npu_softmax_options {
	float beta;
};

struct npu_leaky_relu_options {
	float alpha;
};

struct npu_svdf_options {
	int32_t rank;
	int32_t activation;
	int32_t asymmetric_quantize_inputs;
};

struct npu_transpose_conv_options {
	int32_t padding;
	int32_t stride_w, stride_h;
	int32_t activation;
	int32_t quantized_bias_type;
};

struct npu_strided_slice_options {
	int32_t begin_mask, end_mask, ellipsis_mask, new_axis_mask, shrink_axis_mask;
	int32_t offset;			/* bool */
};

/* RESIZE_BILINEAR, RESIZE_NEAREST_NEIGHBOR. */
struct npu_resize_options {
	int32_t align_corners;		/* bool */
	int32_t half_pixel_centers;	/* bool */
};

/*
 * PACK (values_count, axis), UNPACK (num, axis), SPLIT and SPLIT_V
 * (num_splits), GATHER (axis, batch_dims), SPACE_TO_DEPTH and
 * DEPTH_TO_SPACE (block_size in count), MIRROR_PAD (mode in count:
 * 0 REFLECT, 1 SYMMETRIC), ONE_HOT (axis), CUMSUM (exclusive, reverse;
 * its axis is an input).
 */
struct npu_axis_options {
	int32_t axis;
	int32_t count;
	int32_t batch_dims;
	int32_t exclusive, reverse;	/* bool */
};

struct npu_squeeze_options {
	int32_t num_dims;		/* 0: every dimension of extent 1 */
	int32_t dims[NPU_GRAPH_MAX_DIMS];
};

/* MEAN (TFLite ReducerOptions). */
struct npu_reducer_options {
	int32_t keep_dims;		/* bool */
};

/* GELU. */
struct npu_gelu_options {
	int32_t approximate;		/* bool: the tanh form */
};

/* LOCAL_RESPONSE_NORMALIZATION (TFLite's LocalResponseNormalizationOptions). */
struct npu_lrn_options {
	int32_t radius;
	float bias, alpha, beta;
};

/* CONV_3D: strides and dilations along depth, height, width. */
struct npu_conv3d_options {
	int32_t padding;		/* enum npu_padding */
	int32_t stride_d, stride_h, stride_w;
	int32_t dilation_d, dilation_h, dilation_w;	/* default 1 */
	int32_t activation;		/* enum npu_activation */
};

struct npu_batch_matmul_options {
	int32_t adj_x, adj_y;		/* bool: transpose lhs / rhs */
	int32_t asymmetric_quantize_inputs; /* bool */
};

/*
 * UNIDIRECTIONAL_SEQUENCE_LSTM (TFLite UnidirectionalSequenceLSTMOptions)
 * and LSTM (LSTMOptions: one time step, read as time-major).
 */
/* Also the RNN family's (RNN, UNIDIRECTIONAL_/BIDIRECTIONAL_SEQUENCE_RNN). */
struct npu_lstm_options {
	int32_t activation;		/* of the cell gate and the output */
	float cell_clip, proj_clip;	/* 0: no clipping */
	int32_t time_major;		/* bool: input [time, batch, n] */
	int32_t asymmetric_quantize_inputs; /* bool, hybrid LSTM */
	int32_t diagonal_recurrent_tensors; /* bool */
	/* BIDIRECTIONAL_SEQUENCE_LSTM/RNN: both directions in output 0 (bool) */
	int32_t merge_outputs;
};

/*
 * WHILE (cond, body) and IF (then, else): indices into the main graph's
 * npu_graph.subgraphs (TFLite's subgraph numbers).
 */
struct npu_control_flow_options {
	int32_t cond_subgraph;		/* IF: then_subgraph */
	int32_t body_subgraph;		/* IF: else_subgraph */
};

/*
 * Which member of union npu_op_options is valid.  PAD, TRANSPOSE, QUANTIZE,
 * DEQUANTIZE, LOGISTIC, TANH, RELU* have no options (NPU_OPTS_NONE).
 */
enum npu_options_kind {
	NPU_OPTS_NONE = 0,
	NPU_OPTS_CONV,
	NPU_OPTS_FC,
	NPU_OPTS_POOL,
	NPU_OPTS_ELTWISE,
	NPU_OPTS_CONCAT,
	NPU_OPTS_RESHAPE,
	NPU_OPTS_SOFTMAX,
	NPU_OPTS_LEAKY_RELU,
	NPU_OPTS_SVDF,
	NPU_OPTS_TRANSPOSE_CONV,
	NPU_OPTS_STRIDED_SLICE,
	NPU_OPTS_REDUCER,
	NPU_OPTS_BATCH_MATMUL,
	NPU_OPTS_LSTM,
	NPU_OPTS_RESIZE,
	NPU_OPTS_AXIS,
	NPU_OPTS_SQUEEZE,
	NPU_OPTS_GELU,
	NPU_OPTS_CONV3D,
	NPU_OPTS_CONTROL_FLOW,
	NPU_OPTS_LRN,
};

union npu_op_options {
	struct npu_conv_options conv;
	struct npu_fc_options fc;
	struct npu_pool_options pool;
	struct npu_eltwise_options eltwise;
	struct npu_concat_options concat;
	struct npu_reshape_options reshape;
	struct npu_softmax_options softmax;
	struct npu_leaky_relu_options leaky_relu;
	struct npu_svdf_options svdf;
	struct npu_transpose_conv_options transpose_conv;
	struct npu_strided_slice_options strided_slice;
	struct npu_reducer_options reducer;
	struct npu_batch_matmul_options batch_matmul;
	struct npu_lstm_options lstm;
	struct npu_resize_options resize;
	struct npu_axis_options axis;
	struct npu_squeeze_options squeeze;
	struct npu_gelu_options gelu;
	struct npu_conv3d_options conv3d;
	struct npu_control_flow_options control_flow;
	struct npu_lrn_options lrn;
};

struct npu_graph_op {
	int32_t builtin;		/* enum npu_builtin_op (TFLite code) */
	int32_t version;		/* TFLite op version, >= 1 */
	char *custom_name;		/* CUSTOM ops only, else NULL */
	uint32_t num_inputs;
	int32_t *inputs;		/* tensor indices, NPU_TENSOR_NONE if absent */
	uint32_t num_outputs;
	int32_t *outputs;		/* tensor indices, never NPU_TENSOR_NONE */
	enum npu_options_kind options_kind;
	union npu_op_options options;
	uint8_t *custom_options;	/* CUSTOM ops: raw flexbuffer, else NULL */
	size_t custom_options_size;
	/*
	 * Tensors whose quantization parameters describe the op's internal
	 * values (the integer LSTM's gate and hidden scales); never read or
	 * written as data.  NULL when the op has none.
	 */
	uint32_t num_intermediates;
	int32_t *intermediates;
};

struct npu_graph {
	uint32_t num_tensors;
	struct npu_graph_tensor *tensors;
	uint32_t num_ops;
	struct npu_graph_op *ops;		/* in execution order (topologically sorted) */
	uint32_t num_inputs;
	int32_t *inputs;		/* tensor indices of the graph inputs */
	uint32_t num_outputs;
	int32_t *outputs;		/* tensor indices of the graph outputs */
	/*
	 * Per op, its index in the source model (TFLite's operator index)
	 * when the compiler moved ops from the source's order to group NPU
	 * ops into fewer segments (Documentation/compiler.rst, "Op order");
	 * NULL when op i is the source's op i.  Freed by npu_graph_free().
	 */
	uint32_t *op_source;
	/*
	 * The subgraphs WHILE and IF ops run, owned by the main graph (the
	 * one the reader returns): subgraphs[k] is TFLite's subgraph k, NULL
	 * for k = 0 and for subgraphs no WHILE or IF runs (a CALL_ONCE
	 * initialisation).  Subgraphs have none of their own (their WHILE
	 * and IF ops name the main graph's); 0 / NULL in a graph without
	 * control flow.
	 */
	uint32_t num_subgraphs;
	struct npu_graph **subgraphs;
};

/* The source model's index of op @i (npu_graph.op_source). */
static inline uint32_t npu_graph_op_source(const struct npu_graph *g, uint32_t i)
{
	return g->op_source ? g->op_source[i] : i;
}

/* Bytes per element of @type, 0 for a type this IR does not know. */
size_t npu_type_size(enum npu_type type);
/* "int8", "float32", ...; "unknown" for anything else. */
const char *npu_type_name(enum npu_type type);
/* "CONV_2D", ...; TFLite's name for every BuiltinOperator, "UNKNOWN" else. */
const char *npu_op_name(int32_t builtin);
/* "NONE", "RELU", "RELU6", ... */
const char *npu_activation_name(int32_t act);

/*
 * Index of the op producing tensor @t, or -1 for graph inputs, constants,
 * variables and tensors nothing produces.  O(num_ops).
 */
int32_t npu_graph_producer(const struct npu_graph *g, int32_t t);

/* True if tensor @t is a graph input / output. */
bool npu_graph_is_input(const struct npu_graph *g, int32_t t);
bool npu_graph_is_output(const struct npu_graph *g, int32_t t);

/*
 * Check a graph's structure: quantization usable by the kernels (scales
 * finite, normal, non-zero for activations; zero points inside the type),
 * tensor indices in range, op arity of known
 * ops, every op input produced by an earlier op or a graph input, constant
 * or variable (so no cycles), no tensor produced twice, no op writing a
 * constant or graph input, graph outputs produced.  The TFLite reader and
 * the .npu loader run it; code building graphs by hand may too.
 * Returns 0 or -EINVAL (-ENOMEM) with a message in @err (may be NULL).
 */
int npu_graph_validate(const struct npu_graph *g, char *err, size_t errlen);

/* Frees everything the graph owns; NULL is fine. */
void npu_graph_free(struct npu_graph *g);

#pragma GCC visibility pop

#ifdef __cplusplus
}
#endif

#endif /* NPU_GRAPH_H */
