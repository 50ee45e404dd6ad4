// SPDX-License-Identifier: MIT
/*
 * RESHAPE: the bytes do not change.  Lowered to the firmware's COPY command
 * (so a reshape between NPU ops stays in the NPU segment); on the CPU a
 * kernel of its own for every type: a memmove (nothing when output and
 * input share memory).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lower.h"

struct reshape_state {
	size_t bytes;
};

/*
 * RESHAPE's optional shape input, when constant, must describe the output
 * (one -1 may stand for an inferred axis).  -EINVAL with a message if not.
 */
static int check_shape_input(const struct npu_graph_tensor *shape,
			    const struct npu_graph_tensor *out, char *err,
			    size_t errlen)
{
	bool inferred = false;

	/* A shape computed at run time cannot be checked here. */
	if (!shape || !shape->data || shape->is_variable)
		return 0;
	if (shape->type != NPU_TYPE_INT32 || shape->rank > 1 ||
	    shape->elements != (size_t)out->rank) {
		cpu_msg(err, errlen,
			"shape input has %zu entries, the output has rank %d",
			shape->elements, out->rank);
		return -EINVAL;
	}
	for (int i = 0; i < out->rank; i++) {
		int32_t v;

		memcpy(&v, (const uint8_t *)shape->data + 4 * (size_t)i, 4);
		if (v == -1 && !inferred) {
			inferred = true;
			continue;
		}
		if (v != out->shape[i]) {
			cpu_msg(err, errlen,
				"shape input gives %d for axis %d, the output has %d",
				v, i, out->shape[i]);
			return -EINVAL;
		}
	}
	return 0;
}

/*
 * Input and output element counts differ.  When the shape input is computed
 * at run time or asks for an inferred axis (-1), the file left a dimension
 * dynamic that compile-time shape propagation (compiler/fold.c) could not
 * resolve: say so, naming the tensors, rather than calling the file
 * malformed.  0 if the sizes agree.
 */
static int check_sizes(const struct npu_graph *g, const struct npu_graph_op *op,
		       char *err, size_t errlen)
{
	const struct npu_graph_tensor *in = &g->tensors[op->inputs[0]];
	const struct npu_graph_tensor *out = &g->tensors[op->outputs[0]];
	const struct npu_graph_tensor *sh = NULL;
	bool dynamic = false;

	if (in->bytes == out->bytes && in->type == out->type)
		return 0;
	if (op->num_inputs > 1 && op->inputs[1] >= 0)
		sh = &g->tensors[op->inputs[1]];
	if (in->type == out->type && sh) {
		dynamic = !sh->data || sh->is_variable;
		for (size_t i = 0; !dynamic && sh->type == NPU_TYPE_INT32 && i < sh->elements; i++)
			dynamic = ((const int32_t *)sh->data)[i] == -1;
	}
	if (dynamic)
		cpu_msg(err, errlen,
			"dynamic shape: input tensor %d (%s, %zu elements) and output tensor %d (%s, %zu elements) differ; a dimension the file leaves dynamic is not known at compile time",
			op->inputs[0], in->name, in->elements, op->outputs[0], out->name,
			out->elements);
	else
		cpu_msg(err, errlen,
			"input (%s, %zu bytes) and output (%s, %zu bytes) sizes or types differ",
			npu_type_name(in->type), in->bytes, npu_type_name(out->type), out->bytes);
	return -EINVAL;
}

/*
 * The output shape a constant shape input gives (one -1 inferred from the
 * input's size), as reshape.cc's Prepare; -1 when it gives none.
 */
static int reshape_shape(const struct npu_graph *g, const struct npu_graph_op *op, uint32_t o,
			 int32_t *dims)
{
	const struct npu_graph_tensor *in = cpu_in(g, op, 0), *sh = cpu_in(g, op, 1);
	const int32_t *v;
	size_t n = 1, rank;
	int unknown = -1;

	v = lower_shape_ints(sh, &rank);
	if (o || !in || !v || !sh->rank)
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

static int lower_reshape(const struct cpu_prep *p)
{
	const struct npu_graph_tensor *in, *out;
	struct npu_cpu_cmd *cmd;
	int ret;

	ret = cpu_need_io(p, 1, 2, 1);
	if (ret)
		return ret;
	in = lower_in(p, 0);
	out = lower_out(p, 0);
	ret = check_sizes(p->g, p->op, p->err, p->errlen);
	if (ret)
		return ret;
	ret = check_shape_input(p->op->num_inputs > 1 ? lower_in(p, 1) : NULL,
				      out, p->err, p->errlen);
	if (ret)
		return ret;
	cmd = lower_add_cmd(p, NPU_CMD_COPY, 0);
	if (!cmd)
		return -ENOMEM;
	ret = lower_set_tensor(p, &cmd->params.copy.input, in, 0, true, "input");
	if (!ret)
		ret = lower_set_tensor(p, &cmd->params.copy.output, out, 0, true,
				 "output");
	return ret;
}

static int reshape_prepare(const struct cpu_prep *p, void **state)
{
	const struct npu_graph_tensor *in, *out;
	struct reshape_state *s;
	int ret;

	ret = cpu_need_unary(p, 2, &in, &out);
	if (ret)
		return ret;
	ret = check_sizes(p->g, p->op, p->err, p->errlen);
	if (ret)
		return ret;
	ret = check_shape_input(cpu_in(p->g, p->op, 1), out, p->err,
				      p->errlen);
	if (ret)
		return ret;
	s = malloc(sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->bytes = out->bytes;
	*state = s;
	return 0;
}

static int reshape_invoke(const struct npu_cpu_kernel_args *a, void *state)
{
	const struct reshape_state *s = state;

	if (a->outputs[0] != a->inputs[0])
		memmove(a->outputs[0], a->inputs[0], s->bytes);
	return 0;
}

static const struct cpu_kernel cpu_kernel = {
	.prepare = reshape_prepare,
	.invoke = reshape_invoke,
};

const struct npu_builtin_impl npu_builtin_reshape = {
	.lower = lower_reshape,
	.cpu_kernel = &cpu_kernel,
	.output_shape = reshape_shape,
};
