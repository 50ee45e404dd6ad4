// SPDX-License-Identifier: MIT
/*
 * The resolver: which implementation (struct npu_builtin_impl, lower.h)
 * serves each TFLite builtin.  The compiler asks it what can go on the NPU
 * and lowers through it (npu_cpu_prepare_op()); the CPU executor asks it
 * for the kernel that runs an op.
 *
 * Adding a builtin FOO (Documentation/compiler.rst, "Adding a builtin"):
 *  1. libnpu/lower/foo.c: its lowering `static int lower_foo(const struct
 *     cpu_prep *p)` (TFLite's integer Prepare: check the op, append
 *     commands with lower_add_cmd()/lower_set_tensor()..., -ENOTSUP with a
 *     message for cases without a command), its float path (a static
 *     `struct cpu_kernel` whose prepare() allocates the builtin's own op
 *     data), and one `const struct npu_builtin_impl npu_builtin_foo = {
 *     .lower = ..., .float_kernel = ... }`.  A CPU-only builtin sets
 *     .cpu_kernel instead of .lower, in the same kind of file.  Its
 *     .output_shape (lower.h): the output shape TFLite's Prepare computes,
 *     which compiler/fold.c propagates where a file leaves it dynamic.
 *  2. Here: its extern line and its row `[NPU_BUILTIN_FOO] = &npu_builtin_foo`
 *     (both kept sorted by name).
 *  3. Its test: libnpu/tests/test_lower_foo.c (lower_util.h).
 *  4. make -C libnpu builtin-table: Documentation/builtins.inc is generated
 *     from this table (libnpu/doc/builtin_table.c); make check compares.
 * The Makefile picks up every .c file in lower/.  Nothing else lists builtins:
 * the compiler places FOO on the NPU because the row has a lowering, the
 * CPU runs it because the row has a kernel.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lower.h"
#include "../tflite/detection_options.h"

/* One per file of libnpu/lower/ (a family shares one). */
extern const struct npu_builtin_impl npu_builtin_add_sub;
extern const struct npu_builtin_impl npu_builtin_batch_to_space_nd;
extern const struct npu_builtin_impl npu_builtin_broadcast_to;
extern const struct npu_builtin_impl npu_builtin_bidirectional_sequence_lstm;
extern const struct npu_builtin_impl npu_builtin_complex;
extern const struct npu_builtin_impl npu_builtin_concatenation;
extern const struct npu_builtin_impl npu_builtin_conv;
extern const struct npu_builtin_impl npu_builtin_conv3d;
extern const struct npu_builtin_impl npu_builtin_cumsum;
extern const struct npu_builtin_impl npu_builtin_fully_connected;
extern const struct npu_builtin_impl npu_builtin_if;
extern const struct npu_builtin_impl npu_builtin_leaky_relu;
extern const struct npu_builtin_impl npu_builtin_logistic_tanh;
extern const struct npu_builtin_impl npu_builtin_mean;
extern const struct npu_builtin_impl npu_builtin_arg_min_max;
extern const struct npu_builtin_impl npu_builtin_cast;
extern const struct npu_builtin_impl npu_builtin_comparison;
extern const struct npu_builtin_impl npu_builtin_div;
extern const struct npu_builtin_impl npu_builtin_dynamic_update_slice;
extern const struct npu_builtin_impl npu_builtin_fill;
extern const struct npu_builtin_impl npu_builtin_floor_ceil_square;
extern const struct npu_builtin_impl npu_builtin_floor_mod;
extern const struct npu_builtin_impl npu_builtin_embedding_lookup;
extern const struct npu_builtin_impl npu_builtin_l2_normalization;
extern const struct npu_builtin_impl npu_builtin_local_response_normalization;
extern const struct npu_builtin_impl npu_builtin_log_softmax;
extern const struct npu_builtin_impl npu_builtin_logical;
extern const struct npu_builtin_impl npu_builtin_minmax;
extern const struct npu_builtin_impl npu_builtin_mirror_pad;
extern const struct npu_builtin_impl npu_builtin_one_hot;
extern const struct npu_builtin_impl npu_builtin_prelu;
extern const struct npu_builtin_impl npu_builtin_reduce_min_max;
extern const struct npu_builtin_impl npu_builtin_reduce_prod_any_all;
extern const struct npu_builtin_impl npu_builtin_sign;
extern const struct npu_builtin_impl npu_builtin_softmax;
extern const struct npu_builtin_impl npu_builtin_squared_difference;
extern const struct npu_builtin_impl npu_builtin_sum;
extern const struct npu_builtin_impl npu_builtin_unary_lut;
extern const struct npu_builtin_impl npu_builtin_variable;
extern const struct npu_builtin_impl npu_builtin_while;
extern const struct npu_builtin_impl npu_builtin_mul;
extern const struct npu_builtin_impl npu_builtin_pack;
extern const struct npu_builtin_impl npu_builtin_pad;
extern const struct npu_builtin_impl npu_builtin_pow;
extern const struct npu_builtin_impl npu_builtin_pool;
extern const struct npu_builtin_impl npu_builtin_range;
extern const struct npu_builtin_impl npu_builtin_relu;
extern const struct npu_builtin_impl npu_builtin_reshape;
extern const struct npu_builtin_impl npu_builtin_reverse_v2;
extern const struct npu_builtin_impl npu_builtin_select;
extern const struct npu_builtin_impl npu_builtin_sin_cos_round;
extern const struct npu_builtin_impl npu_builtin_rfft2d;
extern const struct npu_builtin_impl npu_builtin_rnn;
extern const struct npu_builtin_impl npu_builtin_resize_bilinear;
extern const struct npu_builtin_impl npu_builtin_resize_nearest_neighbor;
extern const struct npu_builtin_impl npu_builtin_slice;
extern const struct npu_builtin_impl npu_builtin_space_to_batch_nd;
extern const struct npu_builtin_impl npu_builtin_space_depth;
extern const struct npu_builtin_impl npu_builtin_squeeze_expand_dims;
extern const struct npu_builtin_impl npu_builtin_strided_slice;
extern const struct npu_builtin_impl npu_builtin_tile;
extern const struct npu_builtin_impl npu_builtin_transpose;
extern const struct npu_builtin_impl npu_builtin_transpose_conv;
extern const struct npu_builtin_impl npu_builtin_unidirectional_sequence_lstm;
extern const struct npu_builtin_impl npu_builtin_unpack_split;
extern const struct npu_builtin_impl npu_builtin_non_max_suppression;
extern const struct npu_builtin_impl npu_builtin_scatter_nd;
extern const struct npu_builtin_impl npu_builtin_segment_sum;
extern const struct npu_builtin_impl npu_builtin_topk_v2;
extern const struct npu_builtin_impl npu_builtin_unique;
extern const struct npu_builtin_impl npu_builtin_unsorted_segment;

/* CPU-only kernels of libnpu/cpu/ (no command: never on the NPU). */
static const struct npu_builtin_impl quantize = {
	.cpu_kernel = &cpu_kernel_quantize, .output_shape = lower_shape_same,
};
static const struct npu_builtin_impl dequantize = {
	.cpu_kernel = &cpu_kernel_dequantize, .output_shape = lower_shape_same,
};
static const struct npu_builtin_impl svdf = { .cpu_kernel = &cpu_kernel_svdf };
static const struct npu_builtin_impl batch_matmul = {
	.cpu_kernel = &cpu_kernel_batch_matmul, .output_shape = cpu_batch_matmul_shape,
};
static const struct npu_builtin_impl gather = {
	.cpu_kernel = &cpu_kernel_gather, .output_shape = cpu_gather_shape,
};
static const struct npu_builtin_impl gather_nd = { .cpu_kernel = &cpu_kernel_gather_nd };

/* Keyed by builtin code; a hole is a builtin libnpu does not implement. */
static const struct npu_builtin_impl *const builtins[] = {
	[NPU_BUILTIN_ABS] = &npu_builtin_unary_lut,
	[NPU_BUILTIN_ADD] = &npu_builtin_add_sub,
	[NPU_BUILTIN_ARG_MAX] = &npu_builtin_arg_min_max,
	[NPU_BUILTIN_ASSIGN_VARIABLE] = &npu_builtin_variable,
	[NPU_BUILTIN_ARG_MIN] = &npu_builtin_arg_min_max,
	[NPU_BUILTIN_AVERAGE_POOL_2D] = &npu_builtin_pool,
	[NPU_BUILTIN_BATCH_MATMUL] = &batch_matmul,
	[NPU_BUILTIN_BATCH_TO_SPACE_ND] = &npu_builtin_batch_to_space_nd,
	[NPU_BUILTIN_BROADCAST_TO] = &npu_builtin_broadcast_to,
	[NPU_BUILTIN_BIDIRECTIONAL_SEQUENCE_LSTM] = &npu_builtin_bidirectional_sequence_lstm,
	[NPU_BUILTIN_BIDIRECTIONAL_SEQUENCE_RNN] = &npu_builtin_rnn,
	[NPU_BUILTIN_CAST] = &npu_builtin_cast,
	[NPU_BUILTIN_CEIL] = &npu_builtin_floor_ceil_square,
	[NPU_BUILTIN_COMPLEX_ABS] = &npu_builtin_complex,
	[NPU_BUILTIN_CONCATENATION] = &npu_builtin_concatenation,
	[NPU_BUILTIN_CONV_2D] = &npu_builtin_conv,
	[NPU_BUILTIN_CONV_3D] = &npu_builtin_conv3d,
	[NPU_BUILTIN_CUMSUM] = &npu_builtin_cumsum,
	[NPU_BUILTIN_COS] = &npu_builtin_sin_cos_round,
	[NPU_BUILTIN_DEPTHWISE_CONV_2D] = &npu_builtin_conv,
	[NPU_BUILTIN_DEPTH_TO_SPACE] = &npu_builtin_space_depth,
	[NPU_BUILTIN_DEQUANTIZE] = &dequantize,
	[NPU_BUILTIN_DYNAMIC_UPDATE_SLICE] = &npu_builtin_dynamic_update_slice,
	[NPU_BUILTIN_DIV] = &npu_builtin_div,
	[NPU_BUILTIN_ELU] = &npu_builtin_unary_lut,
	[NPU_BUILTIN_EQUAL] = &npu_builtin_comparison,
	[NPU_BUILTIN_EMBEDDING_LOOKUP] = &npu_builtin_embedding_lookup,
	[NPU_BUILTIN_EXPAND_DIMS] = &npu_builtin_squeeze_expand_dims,
	[NPU_BUILTIN_FILL] = &npu_builtin_fill,
	[NPU_BUILTIN_FLOOR] = &npu_builtin_floor_ceil_square,
	[NPU_BUILTIN_EXP] = &npu_builtin_unary_lut,
	[NPU_BUILTIN_FLOOR_DIV] = &npu_builtin_div,
	[NPU_BUILTIN_FLOOR_MOD] = &npu_builtin_floor_mod,
	[NPU_BUILTIN_FULLY_CONNECTED] = &npu_builtin_fully_connected,
	[NPU_BUILTIN_GATHER] = &gather,
	[NPU_BUILTIN_GELU] = &npu_builtin_unary_lut,
	[NPU_BUILTIN_GATHER_ND] = &gather_nd,
	[NPU_BUILTIN_GREATER] = &npu_builtin_comparison,
	[NPU_BUILTIN_GREATER_EQUAL] = &npu_builtin_comparison,
	[NPU_BUILTIN_IF] = &npu_builtin_if,
	[NPU_BUILTIN_IMAG] = &npu_builtin_complex,
	[NPU_BUILTIN_HARD_SWISH] = &npu_builtin_unary_lut,
	[NPU_BUILTIN_L2_NORMALIZATION] = &npu_builtin_l2_normalization,
	[NPU_BUILTIN_LEAKY_RELU] = &npu_builtin_leaky_relu,
	[NPU_BUILTIN_LESS] = &npu_builtin_comparison,
	[NPU_BUILTIN_LESS_EQUAL] = &npu_builtin_comparison,
	[NPU_BUILTIN_LOCAL_RESPONSE_NORMALIZATION] = &npu_builtin_local_response_normalization,
	[NPU_BUILTIN_LOG] = &npu_builtin_unary_lut,
	[NPU_BUILTIN_LOGISTIC] = &npu_builtin_logistic_tanh,
	[NPU_BUILTIN_LOG_SOFTMAX] = &npu_builtin_log_softmax,
	[NPU_BUILTIN_LOGICAL_AND] = &npu_builtin_logical,
	[NPU_BUILTIN_LOGICAL_NOT] = &npu_builtin_logical,
	[NPU_BUILTIN_LOGICAL_OR] = &npu_builtin_logical,
	[NPU_BUILTIN_MAXIMUM] = &npu_builtin_minmax,
	[NPU_BUILTIN_MAX_POOL_2D] = &npu_builtin_pool,
	[NPU_BUILTIN_MEAN] = &npu_builtin_mean,
	[NPU_BUILTIN_MINIMUM] = &npu_builtin_minmax,
	[NPU_BUILTIN_MIRROR_PAD] = &npu_builtin_mirror_pad,
	[NPU_BUILTIN_MUL] = &npu_builtin_mul,
	[NPU_BUILTIN_NEG] = &npu_builtin_unary_lut,
	[NPU_BUILTIN_NON_MAX_SUPPRESSION_V4] = &npu_builtin_non_max_suppression,
	[NPU_BUILTIN_NON_MAX_SUPPRESSION_V5] = &npu_builtin_non_max_suppression,
	[NPU_BUILTIN_NOT_EQUAL] = &npu_builtin_comparison,
	[NPU_BUILTIN_ONE_HOT] = &npu_builtin_one_hot,
	[NPU_BUILTIN_PACK] = &npu_builtin_pack,
	[NPU_BUILTIN_PADV2] = &npu_builtin_pad,
	[NPU_BUILTIN_PAD] = &npu_builtin_pad,
	[NPU_BUILTIN_POW] = &npu_builtin_pow,
	[NPU_BUILTIN_PRELU] = &npu_builtin_prelu,
	[NPU_BUILTIN_QUANTIZE] = &quantize,
	[NPU_BUILTIN_RANGE] = &npu_builtin_range,
	[NPU_BUILTIN_REAL] = &npu_builtin_complex,
	[NPU_BUILTIN_REDUCE_ALL] = &npu_builtin_reduce_prod_any_all,
	[NPU_BUILTIN_REDUCE_ANY] = &npu_builtin_reduce_prod_any_all,
	[NPU_BUILTIN_REDUCE_MAX] = &npu_builtin_reduce_min_max,
	[NPU_BUILTIN_REDUCE_MIN] = &npu_builtin_reduce_min_max,
	[NPU_BUILTIN_REDUCE_PROD] = &npu_builtin_reduce_prod_any_all,
	[NPU_BUILTIN_RELU] = &npu_builtin_relu,
	[NPU_BUILTIN_RELU6] = &npu_builtin_relu,
	[NPU_BUILTIN_RELU_N1_TO_1] = &npu_builtin_relu,
	[NPU_BUILTIN_READ_VARIABLE] = &npu_builtin_variable,
	[NPU_BUILTIN_RESHAPE] = &npu_builtin_reshape,
	[NPU_BUILTIN_REVERSE_V2] = &npu_builtin_reverse_v2,
	[NPU_BUILTIN_RFFT2D] = &npu_builtin_rfft2d,
	[NPU_BUILTIN_RNN] = &npu_builtin_rnn,
	[NPU_BUILTIN_ROUND] = &npu_builtin_sin_cos_round,
	[NPU_BUILTIN_RSQRT] = &npu_builtin_unary_lut,
	[NPU_BUILTIN_RESIZE_BILINEAR] = &npu_builtin_resize_bilinear,
	[NPU_BUILTIN_RESIZE_NEAREST_NEIGHBOR] = &npu_builtin_resize_nearest_neighbor,
	[NPU_BUILTIN_SCATTER_ND] = &npu_builtin_scatter_nd,
	[NPU_BUILTIN_SEGMENT_SUM] = &npu_builtin_segment_sum,
	[NPU_BUILTIN_SELECT] = &npu_builtin_select,
	[NPU_BUILTIN_SELECT_V2] = &npu_builtin_select,
	[NPU_BUILTIN_SHAPE] = &npu_builtin_fill,
	[NPU_BUILTIN_SIGN] = &npu_builtin_sign,
	[NPU_BUILTIN_SIN] = &npu_builtin_sin_cos_round,
	[NPU_BUILTIN_SLICE] = &npu_builtin_slice,
	[NPU_BUILTIN_SOFTMAX] = &npu_builtin_softmax,
	[NPU_BUILTIN_SPACE_TO_BATCH_ND] = &npu_builtin_space_to_batch_nd,
	[NPU_BUILTIN_SPACE_TO_DEPTH] = &npu_builtin_space_depth,
	[NPU_BUILTIN_SPLIT] = &npu_builtin_unpack_split,
	[NPU_BUILTIN_SPLIT_V] = &npu_builtin_unpack_split,
	[NPU_BUILTIN_SQRT] = &npu_builtin_unary_lut,
	[NPU_BUILTIN_SQUARED_DIFFERENCE] = &npu_builtin_squared_difference,
	[NPU_BUILTIN_SQUARE] = &npu_builtin_floor_ceil_square,
	[NPU_BUILTIN_SQUEEZE] = &npu_builtin_squeeze_expand_dims,
	[NPU_BUILTIN_STRIDED_SLICE] = &npu_builtin_strided_slice,
	[NPU_BUILTIN_SUB] = &npu_builtin_add_sub,
	[NPU_BUILTIN_SUM] = &npu_builtin_sum,
	[NPU_BUILTIN_SVDF] = &svdf,
	[NPU_BUILTIN_TANH] = &npu_builtin_logistic_tanh,
	[NPU_BUILTIN_TILE] = &npu_builtin_tile,
	[NPU_BUILTIN_TOPK_V2] = &npu_builtin_topk_v2,
	[NPU_BUILTIN_TRANSPOSE] = &npu_builtin_transpose,
	[NPU_BUILTIN_TRANSPOSE_CONV] = &npu_builtin_transpose_conv,
	[NPU_BUILTIN_UNIDIRECTIONAL_SEQUENCE_LSTM] = &npu_builtin_unidirectional_sequence_lstm,
	[NPU_BUILTIN_UNIQUE] = &npu_builtin_unique,
	[NPU_BUILTIN_UNSORTED_SEGMENT_MAX] = &npu_builtin_unsorted_segment,
	[NPU_BUILTIN_UNSORTED_SEGMENT_MIN] = &npu_builtin_unsorted_segment,
	[NPU_BUILTIN_UNSORTED_SEGMENT_PROD] = &npu_builtin_unsorted_segment,
	[NPU_BUILTIN_UNSORTED_SEGMENT_SUM] = &npu_builtin_unsorted_segment,
	[NPU_BUILTIN_ZEROS_LIKE] = &npu_builtin_fill,
	[NPU_BUILTIN_LSTM] = &npu_builtin_unidirectional_sequence_lstm,
	[NPU_BUILTIN_UNIDIRECTIONAL_SEQUENCE_RNN] = &npu_builtin_rnn,
	[NPU_BUILTIN_UNPACK] = &npu_builtin_unpack_split,
	[NPU_BUILTIN_WHILE] = &npu_builtin_while,
};

/* Custom ops TFLite registers itself, so users expect them built in: by name. */
extern const struct npu_builtin_impl npu_custom_detection_postprocess;

static const struct {
	const char *name;
	const struct npu_builtin_impl *impl;
} customs[] = {
	{ NPU_DETECTION_POSTPROCESS, &npu_custom_detection_postprocess },
};

const char *npu_builtin_custom_name(size_t i)
{
	return i < sizeof(customs) / sizeof(customs[0]) ? customs[i].name : NULL;
}

const struct npu_builtin_impl *npu_builtin_find(int32_t builtin)
{
	if (builtin < 0 || (size_t)builtin >= sizeof(builtins) / sizeof(builtins[0]))
		return NULL;
	return builtins[builtin];
}

bool npu_builtin_npu_capable(int32_t builtin)
{
	const struct npu_builtin_impl *b = npu_builtin_find(builtin);

	return b && b->lower;
}

/*
 * The CPU executor's kernel: the builtin's own, else its lowered commands
 * run on the firmware's kernels (which pick the float path for float ops).
 */
const struct cpu_kernel *cpu_kernel_find(int32_t builtin)
{
	const struct npu_builtin_impl *b = npu_builtin_find(builtin);

	if (!b)
		return NULL;
	if (b->cpu_kernel)
		return b->cpu_kernel;
	return b->lower ? &cpu_kernel_lowered : NULL;
}

const struct cpu_kernel *cpu_kernel_for(const struct npu_graph_op *op)
{
	if (op->builtin != NPU_BUILTIN_CUSTOM)
		return cpu_kernel_find(op->builtin);
	for (size_t i = 0; op->custom_name && i < sizeof(customs) / sizeof(customs[0]); i++)
		if (!strcmp(customs[i].name, op->custom_name))
			return customs[i].impl->cpu_kernel;
	return NULL;
}

void npu_cpu_prepared_free(struct npu_cpu_prepared *o)
{
	if (!o)
		return;
	free(o->cmds);
	free(o->mult);
	free(o->shift);
	free(o->bias);
	free(o->table);
	free(o);
}

int npu_cpu_prepare_op(const struct npu_graph *g, const struct npu_graph_op *op,
		       struct npu_cpu_prepared **out, char *err, size_t errlen)
{
	const struct npu_builtin_impl *b;
	struct cpu_prep p = { .g = g, .op = op, .err = err, .errlen = errlen };
	int ret;

	if (out)
		*out = NULL;
	if (!g || !op || !out) {
		cpu_msg(err, errlen, "no op");
		return -EINVAL;
	}
	b = npu_builtin_find(op->builtin);
	if (!b || !b->lower) {
		cpu_msg(err, errlen, "%s is not an NPU op",
			npu_op_name(op->builtin));
		return -ENOTSUP;
	}
	p.out = calloc(1, sizeof(*p.out));
	if (!p.out)
		return -ENOMEM;
	ret = b->lower(&p);
	if (!ret) {
		/* Whatever was computed must pass the firmware's own check. */
		for (uint32_t i = 0; i < p.out->num_cmds; i++) {
			struct npu_cpu_cmd *c = &p.out->cmds[i];
			const char *reason = NULL;

			if (npu_fw_check_op(c->opcode, &c->params,
					    sizeof(c->params), 0, &reason)) {
				cpu_msg(err, errlen, "firmware rejects the %s command: %s",
					npu_fw_cmd_name(c->opcode),
					reason ? reason : "invalid");
				ret = -ENOTSUP;
				break;
			}
		}
	}
	if (ret) {
		if (ret == -ENOMEM)
			cpu_msg(err, errlen, "out of memory");
		npu_cpu_prepared_free(p.out);
		return ret;
	}
	*out = p.out;
	return 0;
}
