// SPDX-License-Identifier: MIT
/*
 * Constant folding before placement, with the CPU kernels that would run
 * the ops (so the numbers are theirs):
 *
 * - a DEQUANTIZE whose input is a constant (the float16 weights of a
 *   converter's fp16 mode, the int8 weights some exporters dequantize in the
 *   graph): TFLite evaluates it once too (its output is persistent); the
 *   consumers (CONV_2D, FULLY_CONNECTED, ...) then see the constant filter
 *   their kernels need;
 * - SHAPE (shapes are static here), and an op computing int32/int64 values
 *   from constants only: the shape arithmetic Keras 3 exports around
 *   UpSampling2D and Conv2DTranspose (SHAPE, STRIDED_SLICE, PACK,
 *   CONCATENATION into a RESHAPE's shape or a TRANSPOSE_CONV's output shape).
 *
 * Before an op folds or stays, its output whose file shape holds a
 * placeholder (a dimension the converter left dynamic, -1 in
 * shape_signature, written as 1) gets the shape TFLite's Prepare computes
 * (propagate_shape() below: RESHAPE with a constant or folded shape,
 * FULLY_CONNECTED, BATCH_MATMUL, broadcasting elementwise ops, reductions,
 * TRANSPOSE, GATHER, ARG_MAX/MIN, CONCATENATION/PACK, SPACE_TO_BATCH_ND and
 * BATCH_TO_SPACE_ND, the batch of convolutions and pools, the
 * shape-preserving unary ops, any builtin with an output_shape hook in
 * lower/; the index builtins' outputs sized by a constant: index_shape()),
 * so a SHAPE later in the run order folds to the real shape.  Folded ops
 * leave the run order; the graph's op_source keeps every remaining op's
 * TFLite number.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "compiler_internal.h"
#include "../cpu/cpu_internal.h"
#include "../lower/lower.h"
#include "../tflite/graph_priv.h"

/* Folded ops have few inputs (PACK of a shape: its rank). */
#define NPU_FOLD_MAX_INPUTS 16

static bool constant_inputs(const struct npu_graph *g, const struct npu_graph_op *op)
{
	for (uint32_t k = 0; k < op->num_inputs; k++) {
		const int32_t t = op->inputs[k];

		if (t >= 0 && (!g->tensors[t].data || g->tensors[t].is_variable))
			return false;
	}
	return true;
}

static bool foldable(const struct npu_graph *g, const struct npu_graph_op *op)
{
	const struct npu_graph_tensor *out;

	if (op->builtin == NPU_BUILTIN_CUSTOM || op->num_outputs != 1 || !op->num_inputs)
		return false;
	out = &g->tensors[op->outputs[0]];
	if (out->data || npu_graph_is_output(g, op->outputs[0]))
		return false;
	/* A variable's initial value (the reader's initialises_variable()). */
	if (out->is_variable)
		return op->builtin == NPU_BUILTIN_DEQUANTIZE && constant_inputs(g, op);
	switch (op->builtin) {
	case NPU_BUILTIN_SHAPE:
		return true;
	case NPU_BUILTIN_DEQUANTIZE:
		return constant_inputs(g, op);
	default:
		return (out->type == NPU_TYPE_INT32 || out->type == NPU_TYPE_INT64) &&
		       constant_inputs(g, op);
	}
}

/*
 * Shapes TFLite computes at Prepare.  A converter that leaves an inner
 * dimension dynamic (-1 in shape_signature: LayerNormalization,
 * MultiHeadAttention, a Flatten after them) writes it as 1; TFLite
 * resizes the tensor when it prepares the producer.  With the model's
 * inputs static, the same shape is known here, op by op in run order.
 * Each helper fills @dims and returns the rank, or -1 if the op's inputs
 * do not give it (then the stored shape stays, and the op's own checks
 * say what is wrong).
 */
static const struct npu_graph_tensor *in_tensor(const struct npu_graph *g,
						const struct npu_graph_op *op, uint32_t k)
{
	return k < op->num_inputs && op->inputs[k] >= 0 ? &g->tensors[op->inputs[k]] : NULL;
}

/* A constant int32 vector (or scalar) of at most NPU_GRAPH_MAX_DIMS values. */
static const int32_t *const_ints(const struct npu_graph_tensor *t, size_t *n)
{
	if (!t || !t->data || t->is_variable || t->type != NPU_TYPE_INT32 || t->rank > 1 ||
	    t->elements > NPU_GRAPH_MAX_DIMS)
		return NULL;
	*n = t->elements;
	return t->data;
}

static int reshape_shape(const struct npu_graph_tensor *in, const struct npu_graph_tensor *sh,
			 int32_t *dims)
{
	const int32_t *v;
	size_t n = 1, rank;
	int unknown = -1;

	v = const_ints(sh, &rank);
	if (!v || !sh->rank)
		return -1;
	for (size_t d = 0; d < rank; d++) {
		dims[d] = v[d];
		if (dims[d] == -1 && unknown < 0)
			unknown = (int)d;
		else if (dims[d] <= 0)
			return -1;
		else
			n *= (size_t)dims[d];
	}
	if (unknown >= 0) {
		if (!n || in->elements % n)
			return -1;
		dims[unknown] = (int32_t)(in->elements / n);
		n *= (size_t)dims[unknown];
	}
	return n == in->elements ? (int)rank : -1;
}

static int fc_shape(const struct npu_graph_op *op, const struct npu_graph_tensor *in,
		    const struct npu_graph_tensor *w, int32_t *dims)
{
	int32_t depth;

	if (!w || w->rank != 2 || in->rank < 1 || w->shape[1] <= 0)
		return -1;
	depth = w->shape[1];
	if (op->options_kind == NPU_OPTS_FC && op->options.fc.keep_num_dims) {
		if (in->shape[in->rank - 1] != depth)
			return -1;
		memcpy(dims, in->shape, sizeof(dims[0]) * (size_t)in->rank);
		dims[in->rank - 1] = w->shape[0];
		return in->rank;
	}
	if (in->elements % (size_t)depth)
		return -1;
	dims[0] = (int32_t)(in->elements / (size_t)depth);
	dims[1] = w->shape[0];
	return 2;
}

/* numpy broadcasting of the last @ra / @rb dimensions of @a and @b. */
static int broadcast(const int32_t *a, int ra, const int32_t *b, int rb, int32_t *dims)
{
	const int r = ra > rb ? ra : rb;

	for (int d = 0; d < r; d++) {
		const int32_t x = d - (r - ra) >= 0 ? a[d - (r - ra)] : 1;
		const int32_t y = d - (r - rb) >= 0 ? b[d - (r - rb)] : 1;

		if (x != y && x != 1 && y != 1)
			return -1;
		dims[d] = x == 1 ? y : x;
	}
	return r;
}

static int bmm_shape(const struct npu_graph_op *op, const struct npu_graph_tensor *a,
		     const struct npu_graph_tensor *b, int32_t *dims)
{
	const bool adj_x = op->options_kind == NPU_OPTS_BATCH_MATMUL && op->options.batch_matmul.adj_x;
	const bool adj_y = op->options_kind == NPU_OPTS_BATCH_MATMUL && op->options.batch_matmul.adj_y;
	int r;

	if (!b || a->rank < 2 || b->rank < 2)
		return -1;
	if (a->shape[a->rank - (adj_x ? 2 : 1)] != b->shape[b->rank - (adj_y ? 1 : 2)])
		return -1;
	r = broadcast(a->shape, a->rank - 2, b->shape, b->rank - 2, dims);
	if (r < 0 || r + 2 > NPU_GRAPH_MAX_DIMS)
		return -1;
	dims[r] = a->shape[a->rank - (adj_x ? 1 : 2)];
	dims[r + 1] = b->shape[b->rank - (adj_y ? 2 : 1)];
	return r + 2;
}

static int reduce_shape(const struct npu_graph_op *op, const struct npu_graph_tensor *in,
			const struct npu_graph_tensor *axes, int32_t *dims)
{
	const bool keep = op->options_kind == NPU_OPTS_REDUCER && op->options.reducer.keep_dims;
	bool gone[NPU_GRAPH_MAX_DIMS] = { 0 };
	const int32_t *v;
	size_t n;
	int r = 0;

	v = const_ints(axes, &n);
	if (!v)
		return -1;
	for (size_t k = 0; k < n; k++) {
		const int32_t a = v[k] < 0 ? v[k] + in->rank : v[k];

		if (a < 0 || a >= in->rank)
			return -1;
		gone[a] = true;
	}
	for (int d = 0; d < in->rank; d++) {
		if (!gone[d])
			dims[r++] = in->shape[d];
		else if (keep)
			dims[r++] = 1;
	}
	return r;
}

static int transpose_shape(const struct npu_graph_tensor *in,
			   const struct npu_graph_tensor *perm, int32_t *dims)
{
	const int32_t *v;
	size_t n;

	v = const_ints(perm, &n);
	if (!v || n != (size_t)in->rank)
		return -1;
	for (size_t d = 0; d < n; d++) {
		if (v[d] < 0 || v[d] >= in->rank)
			return -1;
		dims[d] = in->shape[v[d]];
	}
	return in->rank;
}

static int gather_shape(const struct npu_graph_op *op, const struct npu_graph_tensor *in,
			const struct npu_graph_tensor *idx, int32_t *dims)
{
	int32_t axis = 0, bd = 0;
	int r = 0;

	if (!idx)
		return -1;
	if (op->options_kind == NPU_OPTS_AXIS) {
		axis = op->options.axis.axis;
		bd = op->options.axis.batch_dims;
	}
	if (axis < 0)
		axis += in->rank;
	if (bd < 0)
		bd += idx->rank;
	if (axis < 0 || axis >= in->rank || bd < 0 || bd > axis || bd > idx->rank ||
	    in->rank - 1 + idx->rank - bd > NPU_GRAPH_MAX_DIMS)
		return -1;
	for (int d = 0; d < axis; d++)
		dims[r++] = in->shape[d];
	for (int d = bd; d < idx->rank; d++)
		dims[r++] = idx->shape[d];
	for (int d = axis + 1; d < in->rank; d++)
		dims[r++] = in->shape[d];
	return r;
}

/* RANGE of constant scalars: its count (range.c), as TFLite's Prepare. */
static int range_shape(const struct npu_graph *g, const struct npu_graph_op *op, int32_t *dims)
{
	const struct npu_graph_tensor *t[3];
	int64_t n;

	for (uint32_t k = 0; k < 3; k++) {
		t[k] = in_tensor(g, op, k);
		if (!t[k] || !t[k]->data || t[k]->is_variable || t[k]->elements != 1 ||
		    t[k]->type != t[0]->type || npu_type_size(t[k]->type) > t[k]->data_size)
			return -1;
	}
	if ((t[0]->type != NPU_TYPE_INT32 && t[0]->type != NPU_TYPE_INT64 &&
	     t[0]->type != NPU_TYPE_FLOAT32) ||
	    lower_range_count(t[0]->type, t[0]->data, t[1]->data, t[2]->data, &n))
		return -1;
	dims[0] = (int32_t)n;
	return 1;
}

/* The constant int32 data of @t (any size), or NULL. */
static const int32_t *const_data(const struct npu_graph_tensor *t)
{
	return t && t->data && !t->is_variable && t->type == NPU_TYPE_INT32 ? t->data : NULL;
}

/*
 * Output @o of the index builtins whose output sizes TFLite's Prepare
 * takes from a constant input: TOPK_V2's k, NON_MAX_SUPPRESSION_V4/V5's
 * max_output_size (not the count), UNSORTED_SEGMENT_*'s num_segments,
 * SCATTER_ND's shape, SEGMENT_SUM's last constant id + 1.  The converter
 * writes 1 there for NMS V5 (shape_signature -1).
 */
static int index_shape(const struct npu_graph *g, const struct npu_graph_op *op, uint32_t o,
		       int32_t *dims)
{
	const struct npu_graph_tensor *a = in_tensor(g, op, 0), *b = in_tensor(g, op, 1);
	const int32_t *v;
	size_t n;

	switch (op->builtin) {
	case NPU_BUILTIN_TOPK_V2:
		v = const_ints(b, &n);
		if (!v || n != 1 || a->rank < 1)
			return -1;
		memcpy(dims, a->shape, sizeof(dims[0]) * (size_t)a->rank);
		dims[a->rank - 1] = v[0];
		return a->rank;
	case NPU_BUILTIN_NON_MAX_SUPPRESSION_V4:
	case NPU_BUILTIN_NON_MAX_SUPPRESSION_V5:
		v = const_ints(in_tensor(g, op, 2), &n);
		if (!v || n != 1 || o + 1 >= op->num_outputs)
			return -1;
		dims[0] = v[0];
		return 1;
	case NPU_BUILTIN_UNSORTED_SEGMENT_SUM:
	case NPU_BUILTIN_UNSORTED_SEGMENT_PROD:
	case NPU_BUILTIN_UNSORTED_SEGMENT_MAX:
	case NPU_BUILTIN_UNSORTED_SEGMENT_MIN:
		v = const_ints(in_tensor(g, op, 2), &n);
		if (!v || n != 1 || !b || b->rank < 1 || b->rank > a->rank)
			return -1;
		dims[0] = v[0];
		memcpy(dims + 1, a->shape + b->rank, sizeof(dims[0]) * (size_t)(a->rank - b->rank));
		return a->rank - b->rank + 1;
	case NPU_BUILTIN_SCATTER_ND:
		v = const_ints(in_tensor(g, op, 2), &n);
		if (!v || !n)
			return -1;
		memcpy(dims, v, sizeof(dims[0]) * n);
		return (int)n;
	case NPU_BUILTIN_SEGMENT_SUM:
		v = const_data(b);
		if (!v || !b->elements || a->rank < 1)
			return -1;
		memcpy(dims, a->shape, sizeof(dims[0]) * (size_t)a->rank);
		dims[0] = v[b->elements - 1] + 1;	/* the kernel checks the order */
		return a->rank;
	default:
		return -1;
	}
}

/* ARG_MAX and ARG_MIN: the input's shape without the constant axis. */
static int arg_shape(const struct npu_graph_tensor *in, const struct npu_graph_tensor *axis,
		     int32_t *dims)
{
	const int32_t *v;
	size_t n;
	int32_t a;
	int r = 0;

	v = const_ints(axis, &n);
	if (!v || n != 1)
		return -1;
	a = v[0] < 0 ? v[0] + in->rank : v[0];
	if (a < 0 || a >= in->rank)
		return -1;
	for (int d = 0; d < in->rank; d++)
		if (d != a)
			dims[r++] = in->shape[d];
	return r;
}

/* CONCATENATION (@axis from the options) and PACK (a new @axis of extent n). */
static int concat_shape(const struct npu_graph *g, const struct npu_graph_op *op,
			const struct npu_graph_tensor *a, int32_t *dims)
{
	const bool pack = op->builtin == NPU_BUILTIN_PACK;
	const int r = pack ? a->rank + 1 : a->rank;
	int32_t axis;
	int64_t sum = 0;

	if (pack ? op->options_kind != NPU_OPTS_AXIS : op->options_kind != NPU_OPTS_CONCAT)
		return -1;
	axis = pack ? op->options.axis.axis : op->options.concat.axis;
	if (axis < 0)
		axis += r;
	if (axis < 0 || axis >= r || r > NPU_GRAPH_MAX_DIMS)
		return -1;
	for (uint32_t k = 0; k < op->num_inputs; k++) {
		const struct npu_graph_tensor *t = in_tensor(g, op, k);

		if (!t || t->rank != a->rank)
			return -1;
		for (int d = 0; d < a->rank; d++)
			if ((pack || d != axis) && t->shape[d] != a->shape[d])
				return -1;
		sum += pack ? 1 : t->shape[axis];
	}
	if (sum > INT32_MAX)
		return -1;
	/* PACK inserts the new axis; CONCATENATION replaces its extent. */
	for (int d = 0, s = 0; d < r; d++) {
		dims[d] = d == axis ? (int32_t)sum : a->shape[s];
		if (!pack || d != axis)
			s++;
	}
	return r;
}

/* SPACE_TO_BATCH_ND and BATCH_TO_SPACE_ND over [N, H, W, C] or [N, H, C]. */
static int space_batch_shape(const struct npu_graph *g, const struct npu_graph_op *op,
			     const struct npu_graph_tensor *in, int32_t *dims)
{
	const bool s2b = op->builtin == NPU_BUILTIN_SPACE_TO_BATCH_ND;
	/* Paddings (crops) are [nb, 2]: const_ints() takes vectors only. */
	const struct npu_graph_tensor *pt = in_tensor(g, op, 2);
	const int32_t *block, *pads;
	int64_t batch;
	size_t nb;

	block = const_ints(in_tensor(g, op, 1), &nb);
	if (!block || (in->rank != 3 && in->rank != 4) || nb != (size_t)in->rank - 2 ||
	    !pt || !pt->data || pt->is_variable || pt->type != NPU_TYPE_INT32 ||
	    pt->elements != 2 * nb)
		return -1;
	pads = pt->data;
	batch = in->shape[0];
	for (size_t i = 0; i < nb; i++) {
		const int64_t b = block[i], sz = in->shape[1 + i];
		const int64_t extra = (int64_t)pads[2 * i] + pads[2 * i + 1];

		if (b < 1 || pads[2 * i] < 0 || pads[2 * i + 1] < 0)
			return -1;
		int64_t size;

		if (s2b) {
			if ((sz + extra) % b)
				return -1;
			size = (sz + extra) / b;
			batch *= b;
		} else {
			if (batch % b)
				return -1;
			size = sz * b - extra;
			batch /= b;
		}
		if (size < 0 || size > INT32_MAX || batch > INT32_MAX)
			return -1;
		dims[1 + i] = (int32_t)size;
	}
	dims[0] = (int32_t)batch;
	dims[in->rank - 1] = in->shape[in->rank - 1];
	return in->rank;
}

/*
 * Convolutions and pools: a dynamic batch is the input's; the spatial
 * sizes the converter writes are static (a model with dynamic height or
 * width has no meaningful stored input either).
 */
static int batch_of_input(const struct npu_graph *g, const struct npu_graph_op *op,
			  const struct npu_graph_tensor *in, int32_t *dims)
{
	const struct npu_graph_tensor *out = &g->tensors[op->outputs[0]];

	if (in->rank != out->rank || in->rank < 1)
		return -1;
	memcpy(dims, out->shape, sizeof(dims[0]) * (size_t)out->rank);
	dims[0] = in->shape[0];
	return out->rank;
}

static int computed_shape(const struct npu_graph *g, const struct npu_graph_op *op,
			  uint32_t o, int32_t *dims)
{
	const struct npu_graph_tensor *a = in_tensor(g, op, 0), *b = in_tensor(g, op, 1);
	const struct npu_builtin_impl *impl = npu_builtin_find(op->builtin);

	if (!a)
		return -1;
	if (o > 0 || index_shape(g, op, 0, dims) >= 0)
		return index_shape(g, op, o, dims);
	if (impl && impl->output_shape)
		return impl->output_shape(g, op, dims);
	switch (op->builtin) {
	case NPU_BUILTIN_RESHAPE:
		return reshape_shape(a, b, dims);
	case NPU_BUILTIN_RANGE:
		return range_shape(g, op, dims);
	case NPU_BUILTIN_FULLY_CONNECTED:
		return fc_shape(op, a, b, dims);
	case NPU_BUILTIN_BATCH_MATMUL:
		return bmm_shape(op, a, b, dims);
	case NPU_BUILTIN_ADD:
	case NPU_BUILTIN_SUB:
	case NPU_BUILTIN_MUL:
	case NPU_BUILTIN_DIV:
	case NPU_BUILTIN_SQUARED_DIFFERENCE:
	case NPU_BUILTIN_MAXIMUM:
	case NPU_BUILTIN_MINIMUM:
	case NPU_BUILTIN_FLOOR_DIV:
	case NPU_BUILTIN_PRELU:
	case NPU_BUILTIN_EQUAL:
	case NPU_BUILTIN_NOT_EQUAL:
	case NPU_BUILTIN_LESS:
	case NPU_BUILTIN_LESS_EQUAL:
	case NPU_BUILTIN_GREATER:
	case NPU_BUILTIN_GREATER_EQUAL:
	case NPU_BUILTIN_LOGICAL_AND:
	case NPU_BUILTIN_LOGICAL_OR:
	case NPU_BUILTIN_FLOOR_MOD:
		return b ? broadcast(a->shape, a->rank, b->shape, b->rank, dims) : -1;
	case NPU_BUILTIN_MEAN:
	case NPU_BUILTIN_SUM:
	case NPU_BUILTIN_REDUCE_PROD:
	case NPU_BUILTIN_REDUCE_MAX:
	case NPU_BUILTIN_REDUCE_MIN:
	case NPU_BUILTIN_REDUCE_ANY:
	case NPU_BUILTIN_REDUCE_ALL:
		return reduce_shape(op, a, b, dims);
	case NPU_BUILTIN_TRANSPOSE:
		return transpose_shape(a, b, dims);
	case NPU_BUILTIN_GATHER:
		return gather_shape(op, a, b, dims);
	case NPU_BUILTIN_ARG_MAX:
	case NPU_BUILTIN_ARG_MIN:
		return arg_shape(a, b, dims);
	case NPU_BUILTIN_CONCATENATION:
	case NPU_BUILTIN_PACK:
		return concat_shape(g, op, a, dims);
	case NPU_BUILTIN_SPACE_TO_BATCH_ND:
	case NPU_BUILTIN_BATCH_TO_SPACE_ND:
		return space_batch_shape(g, op, a, dims);
	case NPU_BUILTIN_CONV_2D:
	case NPU_BUILTIN_DEPTHWISE_CONV_2D:
	case NPU_BUILTIN_AVERAGE_POOL_2D:
	case NPU_BUILTIN_MAX_POOL_2D:
		return batch_of_input(g, op, a, dims);
	case NPU_BUILTIN_SOFTMAX:
	case NPU_BUILTIN_LOGISTIC:
	case NPU_BUILTIN_TANH:
	case NPU_BUILTIN_GELU:
	case NPU_BUILTIN_RELU:
	case NPU_BUILTIN_RELU6:
	case NPU_BUILTIN_RELU_N1_TO_1:
	case NPU_BUILTIN_LEAKY_RELU:
	case NPU_BUILTIN_HARD_SWISH:
	case NPU_BUILTIN_LOG:
	case NPU_BUILTIN_LOG_SOFTMAX:
	case NPU_BUILTIN_L2_NORMALIZATION:
	case NPU_BUILTIN_SQUARE:
	case NPU_BUILTIN_FLOOR:
	case NPU_BUILTIN_CEIL:
	case NPU_BUILTIN_CAST:
	case NPU_BUILTIN_ZEROS_LIKE:
	case NPU_BUILTIN_LOGICAL_NOT:
	case NPU_BUILTIN_EXP:
	case NPU_BUILTIN_NEG:
	case NPU_BUILTIN_ABS:
	case NPU_BUILTIN_SQRT:
	case NPU_BUILTIN_RSQRT:
	case NPU_BUILTIN_QUANTIZE:
	case NPU_BUILTIN_DEQUANTIZE:
	case NPU_BUILTIN_SIGN:
	case NPU_BUILTIN_CUMSUM:
		memcpy(dims, a->shape, sizeof(dims[0]) * (size_t)a->rank);
		return a->rank;
	default:
		return -1;
	}
}

/*
 * Each output of @op takes the computed shape when the stored one differs
 * only where it holds a placeholder 1 (same rank; a stored shape that is
 * wrong otherwise stays, for the op's checks to refuse).  Outputs past
 * the first have a computed shape for the index builtins only.
 */
static void propagate_shape(struct npu_graph *g, const struct npu_graph_op *op)
{
	for (uint32_t o = 0; o < op->num_outputs; o++) {
		struct npu_graph_tensor *out;
		int32_t dims[NPU_GRAPH_MAX_DIMS] = { 0 };
		bool differs = false, ok = true;
		size_t n = 1;
		int r;

		if (op->outputs[o] < 0)
			continue;
		out = &g->tensors[op->outputs[o]];
		if (out->data || out->is_variable)
			continue;
		r = computed_shape(g, op, o, dims);
		if (r != out->rank)
			continue;
		for (int d = 0; ok && d < r; d++) {
			if (dims[d] <= 0 || (dims[d] != out->shape[d] && out->shape[d] != 1))
				ok = false;
			else if (dims[d] != out->shape[d])
				differs = true;
			n *= (size_t)dims[d];
		}
		if (!ok || !differs)
			continue;
		memcpy(out->shape, dims, sizeof(dims[0]) * (size_t)r);
		out->elements = n;
		out->bytes = n * npu_type_size(out->type);
	}
}

/* Runs @op's CPU kernel on its constant input into new constant data. */
static int fold_op(struct npu_graph *g, const struct npu_graph_op *op, char *err, size_t errlen)
{
	const struct cpu_kernel *k = cpu_kernel_for(op);
	struct npu_graph_tensor *out = &g->tensors[op->outputs[0]];
	struct cpu_prep p = { .g = g, .op = op, .err = err, .errlen = errlen };
	void *state = NULL, *data, *in_data[NPU_FOLD_MAX_INPUTS] = { 0 };
	struct npu_cpu_kernel_args a = {
		.graph = g, .op = op, .inputs = in_data, .err = err, .errlen = errlen,
	};
	int ret;

	if (!k || !k->prepare || !k->invoke || op->num_inputs > NPU_FOLD_MAX_INPUTS)
		return -ENOTSUP;
	/* SHAPE reads no data: its input is an activation, left NULL. */
	for (uint32_t i = 0; i < op->num_inputs; i++)
		if (op->inputs[i] >= 0)
			in_data[i] = g->tensors[op->inputs[i]].data;
	ret = k->prepare(&p, &state);
	if (ret)
		return ret;
	/* Graph constants are aligned to 16 bytes (npu_graph.h). */
	data = aligned_alloc(16, (out->bytes + 15) / 16 * 16 + 16);
	if (!data) {
		ret = -ENOMEM;
	} else {
		a.outputs = &data;
		ret = k->invoke(&a, state);
	}
	if (k->release)
		k->release(state);
	else
		free(state);
	if (ret) {
		free(data);
		return ret;
	}
	out->data = data;
	out->data_size = out->bytes;
	return 0;
}

int npu_fold_constants(struct npu_graph *g, char *err, size_t errlen)
{
	uint32_t *source, n = 0;
	int ret;

	source = malloc((g->num_ops + 1) * sizeof(*source));
	if (!source)
		return -ENOMEM;
	for (uint32_t i = 0; i < g->num_ops; i++) {
		struct npu_graph_op *op = &g->ops[i];

		propagate_shape(g, op);
		if (foldable(g, op)) {
			ret = fold_op(g, op, err, errlen);
			if (ret == -ENOMEM) {
				free(source);
				return ret;
			}
			if (!ret) {
				npu_graph_op_release(op);
				continue;
			}
			/* Not foldable after all: the op runs, and says why then. */
			if (err && errlen)
				err[0] = 0;
		}
		source[n] = npu_graph_op_source(g, i);
		g->ops[n++] = *op;
	}
	if (n == g->num_ops) {
		/* Nothing folded (shapes may have changed): numbers stay. */
		free(source);
		return 0;
	}
	g->num_ops = n;
	free(g->op_source);
	g->op_source = source;
	return 0;
}
