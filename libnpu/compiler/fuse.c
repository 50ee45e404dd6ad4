// SPDX-License-Identifier: MIT
/*
 * Fusion: graph rewrites that fold an op into a neighbour, bit-exact by
 * construction (the reasons are in Documentation/compiler.rst, "Fusion").
 *
 * - An explicit PAD (spatial, pad value = the zero point) feeding a
 *   CONV_2D, DEPTHWISE_CONV_2D or MAX_POOL_2D with VALID padding becomes
 *   the consumer's padding NPU_PADDING_EXPLICIT with pad_top / pad_left
 *   (its output size gives the padding after): the kernels skip the taps outside the input, which is what a
 *   zero-point tap contributes to a convolution (x - zp = 0).
 * - A RELU, RELU6 or RELU_N1_TO_1 with its input's quantization after a
 *   CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED or ADD becomes the
 *   producer's fused activation: a clamp after a clamp is one clamp, and
 *   the standalone op's requantization by a scale ratio of 1 is the
 *   identity.
 *
 * The graph is rewritten so that the CPU executor and the NPU run the
 * same fused graph: the consumer reads the PAD's input; the activation's
 * consumers read the producer's output.  The folded op stays in the graph
 * (op indices are the TFLite model's: --force-cpu, the delegate's nodes,
 * traces) with an output nothing reads; the compiler gives it no command.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "compiler_internal.h"

/*
 * Who reads and writes each tensor, kept up to date by the rewrites: one
 * pass over the graph, then constant work per question (a 65535-op chain
 * compiles in linear time).
 */
struct fuse_index {
	uint32_t *readers;	/* input slots of live ops reading the tensor */
	int32_t *reader;	/* the reader when there is exactly one */
	int32_t *producer;	/* the op writing it, or -1 */
	bool *kept;		/* graph output or variable: must stay as it is */
};

static void index_free(struct fuse_index *x)
{
	free(x->readers);
	free(x->reader);
	free(x->producer);
	free(x->kept);
}

static int index_build(const struct npu_graph *g, struct fuse_index *x)
{
	const uint32_t n = g->num_tensors + 1;

	x->readers = calloc(n, sizeof(*x->readers));
	x->reader = calloc(n, sizeof(*x->reader));
	x->producer = calloc(n, sizeof(*x->producer));
	x->kept = calloc(n, sizeof(*x->kept));
	if (!x->readers || !x->reader || !x->producer || !x->kept) {
		index_free(x);
		return -ENOMEM;
	}
	for (uint32_t t = 0; t < g->num_tensors; t++) {
		x->producer[t] = -1;
		x->kept[t] = g->tensors[t].is_variable;
	}
	for (uint32_t i = 0; i < g->num_outputs; i++)
		x->kept[g->outputs[i]] = true;
	for (uint32_t i = 0; i < g->num_ops; i++) {
		const struct npu_graph_op *op = &g->ops[i];

		for (uint32_t k = 0; k < op->num_inputs; k++) {
			if (op->inputs[k] < 0)
				continue;
			x->readers[op->inputs[k]]++;
			x->reader[op->inputs[k]] = (int32_t)i;
		}
		for (uint32_t k = 0; k < op->num_outputs; k++)
			x->producer[op->outputs[k]] = (int32_t)i;
	}
	return 0;
}

/* The one live op reading @t (in one input slot), or -1. */
static int32_t sole_reader(const struct fuse_index *x, int32_t t)
{
	return x->readers[t] == 1 ? x->reader[t] : -1;
}

/* Per-tensor int8 / int16 quantization, the same on @a and @b. */
static bool same_quant(const struct npu_graph_tensor *a, const struct npu_graph_tensor *b)
{
	return a->type == b->type && (a->type == NPU_TYPE_INT8 || a->type == NPU_TYPE_INT16) &&
	       a->quant.count == 1 && b->quant.count == 1 &&
	       a->quant.scale[0] == b->quant.scale[0] &&
	       a->quant.zero_point[0] == b->quant.zero_point[0];
}

/* Element @i of a constant int32 / int64 tensor (PAD's paddings). */
static int64_t const_int(const struct npu_graph_tensor *t, size_t i)
{
	if (t->type == NPU_TYPE_INT64)
		return ((const int64_t *)t->data)[i];
	return ((const int32_t *)t->data)[i];
}

/* PAD op @pad pads only H and W, with its input's zero point: *@top, *@left. */
static bool spatial_zero_point_pad(const struct npu_graph *g, const struct npu_graph_op *pad,
				   int32_t *top, int32_t *left)
{
	const struct npu_graph_tensor *in, *out, *pads;

	if (pad->num_inputs < 2 || pad->num_outputs != 1 || pad->inputs[0] < 0 ||
	    pad->inputs[1] < 0)
		return false;
	in = &g->tensors[pad->inputs[0]];
	out = &g->tensors[pad->outputs[0]];
	pads = &g->tensors[pad->inputs[1]];
	if (!same_quant(in, out) || in->rank != 4 || out->rank != 4 || !pads->data ||
	    (pads->type != NPU_TYPE_INT32 && pads->type != NPU_TYPE_INT64) ||
	    pads->elements != 8)
		return false;
	if (pad->num_inputs > 2 && pad->inputs[2] >= 0) {
		const struct npu_graph_tensor *cval = &g->tensors[pad->inputs[2]];
		int32_t v;

		if (!cval->data || cval->elements != 1 || cval->type != in->type)
			return false;
		v = in->type == NPU_TYPE_INT8 ? ((const int8_t *)cval->data)[0] :
						((const int16_t *)cval->data)[0];
		if (v != in->quant.zero_point[0])
			return false;
	}
	for (int d = 0; d < 4; d++) {
		const int64_t before = const_int(pads, 2 * (size_t)d);
		const int64_t after = const_int(pads, 2 * (size_t)d + 1);
		const bool spatial = d == 1 || d == 2;

		if (before < 0 || after < 0 || before > INT16_MAX ||
		    (!spatial && (before || after)) ||
		    in->shape[d] + before + after != out->shape[d])
			return false;
	}
	*top = (int32_t)const_int(pads, 2);
	*left = (int32_t)const_int(pads, 4);
	return true;
}

/*
 * @op (reading the padded tensor as input 0 only) takes explicit padding.
 * A max pool over zero-point padding equals one that skips it only when
 * its clamp's lower bound is at least the zero point; an average pool
 * divides by the taps inside the input, so never.
 */
static bool takes_pad(const struct npu_graph *g, const struct npu_graph_op *op)
{
	const struct npu_graph_tensor *in;
	int32_t zp, act;

	for (uint32_t k = 1; k < op->num_inputs; k++)
		if (op->inputs[k] == op->inputs[0])
			return false;
	switch (op->builtin) {
	case NPU_BUILTIN_CONV_2D:
	case NPU_BUILTIN_DEPTHWISE_CONV_2D:
		return op->options_kind == NPU_OPTS_CONV &&
		       op->options.conv.padding == NPU_PADDING_VALID &&
		       !op->options.conv.pad_top && !op->options.conv.pad_left;
	case NPU_BUILTIN_MAX_POOL_2D:
		if (op->options_kind != NPU_OPTS_POOL ||
		    op->options.pool.padding != NPU_PADDING_VALID ||
		    op->options.pool.pad_top || op->options.pool.pad_left)
			return false;
		in = &g->tensors[op->inputs[0]];
		zp = in->quant.zero_point[0];
		act = op->options.pool.activation;
		return act == NPU_ACT_RELU || act == NPU_ACT_RELU6 ||
		       zp == (in->type == NPU_TYPE_INT8 ? INT8_MIN : INT16_MIN);
	default:
		return false;
	}
}

static int fold_pad(struct npu_graph *g, struct fuse_index *x, uint32_t i, int32_t *fused_into,
		    npu_fuse_try_fn try_npu, void *ctx)
{
	const struct npu_graph_op *pad = &g->ops[i];
	struct npu_graph_op *op, trial;
	int32_t top, left, j, *inputs;
	int ret;

	if (!spatial_zero_point_pad(g, pad, &top, &left) || x->kept[pad->outputs[0]])
		return 0;
	j = sole_reader(x, pad->outputs[0]);
	if (j <= (int32_t)i || !try_npu(ctx, i, pad))
		return 0;
	op = &g->ops[j];
	if (op->num_inputs < 1 || op->inputs[0] != pad->outputs[0] || !takes_pad(g, op))
		return 0;
	inputs = malloc(op->num_inputs * sizeof(*inputs));
	if (!inputs)
		return -ENOMEM;
	memcpy(inputs, op->inputs, op->num_inputs * sizeof(*inputs));
	inputs[0] = pad->inputs[0];
	trial = *op;
	trial.inputs = inputs;
	if (op->options_kind == NPU_OPTS_CONV) {
		trial.options.conv.padding = NPU_PADDING_EXPLICIT;
		trial.options.conv.pad_top = (int16_t)top;
		trial.options.conv.pad_left = (int16_t)left;
	} else {
		trial.options.pool.padding = NPU_PADDING_EXPLICIT;
		trial.options.pool.pad_top = (int16_t)top;
		trial.options.pool.pad_left = (int16_t)left;
	}
	ret = try_npu(ctx, (uint32_t)j, &trial);
	if (ret != 1) {
		free(inputs);
		return ret < 0 ? ret : 0;
	}
	free(op->inputs);
	*op = trial;
	/* The PAD's input: read by op j instead of the PAD, as often. */
	if (x->reader[pad->inputs[0]] == (int32_t)i)
		x->reader[pad->inputs[0]] = j;
	x->readers[pad->outputs[0]] = 0;
	fused_into[i] = j;
	return 0;
}

/* The fused activation that is @a then @b, or -1 when none is. */
static int32_t combine_act(int32_t a, int32_t b)
{
	if (a == NPU_ACT_NONE || a == b)
		return b;
	if ((a == NPU_ACT_RELU && b == NPU_ACT_RELU6) || (a == NPU_ACT_RELU6 && b == NPU_ACT_RELU))
		return NPU_ACT_RELU6;
	return -1;
}

static int32_t *act_field(struct npu_graph_op *op)
{
	switch (op->builtin) {
	case NPU_BUILTIN_CONV_2D:
	case NPU_BUILTIN_DEPTHWISE_CONV_2D:
		return op->options_kind == NPU_OPTS_CONV ? &op->options.conv.activation : NULL;
	case NPU_BUILTIN_FULLY_CONNECTED:
		return op->options_kind == NPU_OPTS_FC ? &op->options.fc.activation : NULL;
	case NPU_BUILTIN_ADD:
		return op->options_kind == NPU_OPTS_ELTWISE ?
		       &op->options.eltwise.activation : NULL;
	default:
		return NULL;
	}
}

static int fold_activation(struct npu_graph *g, struct fuse_index *x, uint32_t i,
			   int32_t *fused_into, npu_fuse_try_fn try_npu, void *ctx)
{
	const struct npu_graph_op *act = &g->ops[i];
	const int32_t fn = act->builtin == NPU_BUILTIN_RELU ? NPU_ACT_RELU :
			   act->builtin == NPU_BUILTIN_RELU6 ? NPU_ACT_RELU6 :
			   NPU_ACT_RELU_N1_TO_1;
	struct npu_graph_op trial;
	int32_t in, y, p, *field, combined;
	int ret;

	if (act->num_inputs != 1 || act->num_outputs != 1 || act->inputs[0] < 0)
		return 0;
	in = act->inputs[0];
	y = act->outputs[0];
	p = x->producer[in];
	if (!same_quant(&g->tensors[in], &g->tensors[y]) || x->kept[in] || x->kept[y] ||
	    sole_reader(x, in) != (int32_t)i || p < 0 || p >= (int32_t)i ||
	    fused_into[p] >= 0 || g->ops[p].num_outputs != 1 || !try_npu(ctx, i, act))
		return 0;
	trial = g->ops[p];
	field = act_field(&trial);
	if (!field)
		return 0;
	combined = combine_act(*field, fn);
	if (combined < 0)
		return 0;
	*field = combined;
	ret = try_npu(ctx, (uint32_t)p, &trial);
	if (ret != 1)
		return ret < 0 ? ret : 0;
	g->ops[p].options = trial.options;
	/* y's readers (later ops; y never got readers moved to it) read in. */
	for (uint32_t k = i + 1; k < g->num_ops && x->readers[y]; k++) {
		for (uint32_t n = 0; n < g->ops[k].num_inputs; n++)
			if (g->ops[k].inputs[n] == y)
				g->ops[k].inputs[n] = in;
		if (x->reader[y] == (int32_t)k)
			break;
	}
	x->readers[in] = x->readers[y];
	x->reader[in] = x->reader[y];
	x->readers[y] = 0;
	fused_into[i] = p;
	return 0;
}

int npu_fuse(struct npu_graph *g, int32_t *fused_into, npu_fuse_try_fn try_npu, void *ctx)
{
	struct fuse_index x;
	int ret = index_build(g, &x);

	if (ret)
		return ret;
	for (uint32_t i = 0; i < g->num_ops; i++)
		fused_into[i] = -1;
	for (uint32_t i = 0; i < g->num_ops && !ret; i++) {
		switch (g->ops[i].builtin) {
		case NPU_BUILTIN_RELU:
		case NPU_BUILTIN_RELU6:
		case NPU_BUILTIN_RELU_N1_TO_1:
			ret = fold_activation(g, &x, i, fused_into, try_npu, ctx);
			break;
		default:
			break;
		}
	}
	for (uint32_t i = 0; i < g->num_ops && !ret; i++)
		if (g->ops[i].builtin == NPU_BUILTIN_PAD)
			ret = fold_pad(g, &x, i, fused_into, try_npu, ctx);
	index_free(&x);
	return ret;
}
