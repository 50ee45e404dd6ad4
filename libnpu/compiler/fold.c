// SPDX-License-Identifier: MIT
/*
 * Constant folding before placement: a DEQUANTIZE whose input is a constant
 * (the float16 weights of a converter's fp16 mode, the int8 weights some
 * exporters dequantize in the graph) is computed once, here, with the CPU
 * kernel that would run it, and its output becomes a float32 constant.
 * TFLite evaluates such an op once too (its output is persistent), so the
 * numbers are the same; the consumers (CONV_2D, FULLY_CONNECTED, ...) then
 * see the constant filter their kernels need.  The folded op is dropped
 * from the run order; the graph's op_source keeps every remaining op's
 * TFLite number.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "compiler_internal.h"
#include "../cpu/cpu_internal.h"

static bool foldable(const struct npu_graph *g, const struct npu_graph_op *op)
{
	const struct npu_graph_tensor *in, *out;

	if (op->builtin != NPU_BUILTIN_DEQUANTIZE || op->num_inputs != 1 ||
	    op->num_outputs != 1 || op->inputs[0] < 0)
		return false;
	in = &g->tensors[op->inputs[0]];
	out = &g->tensors[op->outputs[0]];
	return in->data && !in->is_variable && !out->data && !out->is_variable &&
	       !npu_graph_is_output(g, op->outputs[0]);
}

/* Runs @op's CPU kernel on its constant input into new constant data. */
static int fold_op(struct npu_graph *g, const struct npu_graph_op *op, char *err, size_t errlen)
{
	const struct cpu_kernel *k = cpu_kernel_for(op);
	struct npu_graph_tensor *out = &g->tensors[op->outputs[0]];
	struct cpu_prep p = { .g = g, .op = op, .err = err, .errlen = errlen };
	void *state = NULL, *data, *in_data = g->tensors[op->inputs[0]].data;
	struct npu_cpu_kernel_args a = {
		.graph = g, .op = op, .inputs = &in_data, .err = err, .errlen = errlen,
	};
	int ret;

	if (!k || !k->prepare || !k->invoke)
		return -ENOTSUP;
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
		source[n] = npu_graph_op_source(g, i);
		g->ops[n++] = *op;
	}
	g->num_ops = n;
	free(g->op_source);
	g->op_source = source;
	return 0;
}
