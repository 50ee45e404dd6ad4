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
 * Before an op folds or stays, its outputs whose file shapes hold a
 * placeholder (a dimension the converter left dynamic, -1 in
 * shape_signature, written as 1) get the shapes TFLite's Prepare computes
 * (propagate_shape() below, asking each builtin's output_shape hook in
 * lower/), so a SHAPE later in the run order folds to the real shape.
 * Folded ops leave the run order; the graph's op_source keeps every
 * remaining op's TFLite number.
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
 * inputs static, the same shape is known here, op by op in run order:
 * each builtin's rule is its output_shape hook (lower/, beside its
 * kernel).  -1 when the op's inputs do not give it (then the stored shape
 * stays, and the op's own checks say what is wrong).
 */
static int computed_shape(const struct npu_graph *g, const struct npu_graph_op *op,
			  uint32_t o, int32_t *dims)
{
	const struct npu_builtin_impl *impl = npu_builtin_find(op->builtin);

	if (!op->num_inputs || op->inputs[0] < 0 || !impl || !impl->output_shape)
		return -1;
	return impl->output_shape(g, op, o, dims);
}

/*
 * Each output of @op takes the computed shape when the stored one differs
 * only where it holds a placeholder 1 (same rank; a stored shape that is
 * wrong otherwise stays, for the op's checks to refuse).
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
