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
 * A RESHAPE whose shape input became constant and whose output the file
 * stores with a placeholder shape (a dimension the converter left dynamic,
 * -1 in shape_signature, written as 1) gets the shape TFLite's Prepare
 * computes.  Folded ops leave the run order; the graph's op_source keeps
 * every remaining op's TFLite number.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "compiler_internal.h"
#include "../cpu/cpu_internal.h"

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
	if (out->data || out->is_variable || npu_graph_is_output(g, op->outputs[0]))
		return false;
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
 * RESHAPE's output shape from its now constant shape input, when the
 * stored one cannot be right (another element count) and this one is.
 */
static void reshape_output(struct npu_graph *g, const struct npu_graph_op *op)
{
	const struct npu_graph_tensor *in, *sh;
	struct npu_graph_tensor *out;
	int32_t dims[NPU_GRAPH_MAX_DIMS];
	size_t n = 1;
	int unknown = -1;

	if (op->builtin != NPU_BUILTIN_RESHAPE || op->num_inputs < 2 || op->inputs[1] < 0)
		return;
	in = &g->tensors[op->inputs[0]];
	sh = &g->tensors[op->inputs[1]];
	out = &g->tensors[op->outputs[0]];
	if (!sh->data || sh->type != NPU_TYPE_INT32 || sh->elements != (size_t)out->rank ||
	    out->data || out->elements == in->elements)
		return;
	for (int32_t d = 0; d < out->rank; d++) {
		dims[d] = ((const int32_t *)sh->data)[d];
		if (dims[d] == -1 && unknown < 0)
			unknown = d;
		else if (dims[d] <= 0)
			return;
		else
			n *= (size_t)dims[d];
	}
	if (unknown >= 0) {
		if (!n || in->elements % n)
			return;
		dims[unknown] = (int32_t)(in->elements / n);
		n *= (size_t)dims[unknown];
	}
	if (n != in->elements)
		return;
	memcpy(out->shape, dims, sizeof(dims[0]) * (size_t)out->rank);
	out->elements = n;
	out->bytes = n * npu_type_size(out->type);
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

static void free_op(struct npu_graph_op *op)
{
	free(op->custom_name);
	free(op->inputs);
	free(op->outputs);
	free(op->custom_options);
	free(op->intermediates);
}

int npu_fold_constants(struct npu_graph *g, char *err, size_t errlen)
{
	uint32_t *source, n = 0;
	bool any = false;
	int ret;

	for (uint32_t i = 0; i < g->num_ops && !any; i++)
		any = foldable(g, &g->ops[i]);
	if (!any)
		return 0;
	source = malloc((g->num_ops + 1) * sizeof(*source));
	if (!source)
		return -ENOMEM;
	for (uint32_t i = 0; i < g->num_ops; i++) {
		struct npu_graph_op *op = &g->ops[i];

		if (foldable(g, op)) {
			ret = fold_op(g, op, err, errlen);
			if (ret == -ENOMEM) {
				free(source);
				return ret;
			}
			if (!ret) {
				free_op(op);
				continue;
			}
			/* Not foldable after all: the op runs, and says why then. */
			if (err && errlen)
				err[0] = 0;
		}
		reshape_output(g, op);
		source[n] = npu_graph_op_source(g, i);
		g->ops[n++] = *op;
	}
	g->num_ops = n;
	free(g->op_source);
	g->op_source = source;
	return 0;
}
