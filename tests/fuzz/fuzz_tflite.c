// SPDX-License-Identifier: MIT
/*
 * libFuzzer target for the TFLite reader: any byte string either loads into
 * a graph that satisfies the IR's invariants or is refused with a message.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "npu_tflite.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(const struct npu_graph *g)
{
	uint8_t *produced;

	for (uint32_t i = 0; i < g->num_tensors; i++) {
		const struct npu_graph_tensor *t = &g->tensors[i];
		volatile uint8_t sink = 0;

		if (!t->name || !npu_type_size(t->type) || t->rank > NPU_GRAPH_MAX_DIMS)
			abort();
		if (t->data && t->data_size != t->bytes)
			abort();
		/* Touch every constant byte and quantization entry. */
		for (size_t b = 0; t->data && b < t->data_size; b += 61)
			sink ^= ((const uint8_t *)t->data)[b];
		for (uint32_t q = 0; q < t->quant.count; q++)
			sink ^= (uint8_t)t->quant.zero_point[q];
		(void)sink;
	}
	/* One producer per tensor (a map: 65,535-op inputs stay linear). */
	produced = calloc(g->num_tensors + 1, 1);
	if (!produced)
		abort();
	for (uint32_t i = 0; i < g->num_ops; i++) {
		const struct npu_graph_op *op = &g->ops[i];

		for (uint32_t j = 0; j < op->num_inputs; j++)
			if (op->inputs[j] != NPU_TENSOR_NONE &&
			    (op->inputs[j] < 0 || (uint32_t)op->inputs[j] >= g->num_tensors))
				abort();
		for (uint32_t j = 0; j < op->num_outputs; j++) {
			if (op->outputs[j] < 0 || (uint32_t)op->outputs[j] >= g->num_tensors ||
			    produced[op->outputs[j]])
				abort();
			produced[op->outputs[j]] = 1;
		}
		(void)npu_op_name(op->builtin);
	}
	free(produced);
	for (uint32_t i = 0; i < g->num_inputs; i++)
		if (g->inputs[i] < 0 || (uint32_t)g->inputs[i] >= g->num_tensors)
			abort();
	for (uint32_t i = 0; i < g->num_outputs; i++)
		if (g->outputs[i] < 0 || (uint32_t)g->outputs[i] >= g->num_tensors)
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct npu_graph *g;
	char err[256];

	/* A private copy: the reader must not depend on the input staying put. */
	uint8_t *copy = malloc(size ? size : 1);

	if (!copy)
		return 0;
	memcpy(copy, data, size);
	if (npu_tflite_load(copy, size, &g, err, sizeof(err)) == 0) {
		check(g);
		npu_graph_free(g);
	} else if (!err[0]) {
		abort();	/* every refusal names its reason */
	}
	free(copy);
	return 0;
}
