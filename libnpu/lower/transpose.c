// SPDX-License-Identifier: MIT
/*
 * TRANSPOSE: lowered to the firmware's byte-moving command (float data
 * included).
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "lower.h"

/* Output axis i is input axis perm[i] (the permutation lower_transpose() checks). */
static int transpose_shape(const struct npu_graph *g, const struct npu_graph_op *op,
			   uint32_t o, int32_t *dims)
{
	const struct npu_graph_tensor *in = cpu_in(g, op, 0);
	const int32_t *v;
	size_t n;

	v = lower_shape_ints(cpu_in(g, op, 1), &n);
	if (o || !in || !v || n != (size_t)in->rank)
		return -1;
	for (size_t d = 0; d < n; d++) {
		if (v[d] < 0 || v[d] >= in->rank)
			return -1;
		dims[d] = in->shape[v[d]];
	}
	return in->rank;
}

static int lower_transpose(const struct cpu_prep *p)
{
	const struct npu_graph_tensor *in, *perm, *out;
	struct npu_transpose_params *t;
	struct npu_cpu_cmd *cmd;
	uint32_t seen = 0;
	int ret;

	ret = lower_binary_io(p, &in, &perm, &out);
	if (ret)
		return ret;
	ret = lower_need_const_int(p, perm, "perm");
	if (!ret)
		ret = lower_same_quant(p, in, out, "input");
	if (ret)
		return ret;
	if (perm->elements != (size_t)in->rank || in->rank != out->rank)
		return lower_fail(p, "perm must have %d entries", in->rank);
	cmd = lower_add_cmd(p, NPU_CMD_TRANSPOSE, 0);
	if (!cmd)
		return -ENOMEM;
	t = &cmd->params.transpose;
	ret = lower_set_in_out(p, &t->input, &t->output, in, out, 0, true);
	if (ret)
		return ret;
	for (int i = 0; i < in->rank; i++) {
		int64_t v = lower_const_int(perm, (size_t)i);

		if (v < 0)
			v += in->rank;
		if (v < 0 || v >= in->rank || (seen & (1u << v)) ||
		    out->shape[i] != in->shape[v])
			return lower_fail(p, "perm is not a permutation giving the output shape");
		seen |= 1u << v;
		t->perm[i] = (uint8_t)v;
	}
	return 0;
}

const struct npu_builtin_impl npu_builtin_transpose = {
	.lower = lower_transpose,
	.output_shape = transpose_shape,
};
