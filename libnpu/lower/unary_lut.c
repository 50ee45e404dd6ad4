// SPDX-License-Identifier: MIT
/*
 * HARD_SWISH for int8: validated as TFLite's HardSwishPrepare, then one
 * NPU_CMD_LUT whose table the firmware library's host side fills with the
 * reference integer HardSwish of every int8 input (bit-exact: the input has
 * only 256 values).  int16 and float HARD_SWISH have no kernel here.
 */
#include <errno.h>
#include <stdlib.h>

#include "lower.h"

static int lower_hard_swish(const struct cpu_prep *p)
{
	const struct npu_graph *g = p->g;
	const struct npu_graph_op *op = p->op;
	struct npu_cpu_prepared *out = p->out;
	char *const err = p->err;
	const size_t errlen = p->errlen;
	const struct npu_graph_tensor *in, *o;
	uint32_t dims[NPU_CS_MAX_DIMS], rank;
	struct npu_lut_params *l;
	struct npu_cpu_cmd *cmd;
	int ret;

	if (op->num_inputs != 1 || op->num_outputs != 1 ||
	    !(in = cpu_in(g, op, 0)) || !(o = cpu_out(g, op, 0))) {
		cpu_msg(err, errlen, "needs one input and one output");
		return -EINVAL;
	}
	if (in->type != NPU_TYPE_INT8 || o->type != NPU_TYPE_INT8) {
		cpu_msg(err, errlen, "%s HARD_SWISH has no kernel",
			npu_type_name(in->type));
		return -ENOTSUP;
	}
	if (!in->quant.count || !o->quant.count || in->elements != o->elements) {
		cpu_msg(err, errlen,
			"input and output must be quantized and of one size");
		return -EINVAL;
	}
	if (in->rank > NPU_CS_MAX_DIMS) {
		cpu_msg(err, errlen, "rank %d is not supported", in->rank);
		return -ENOTSUP;
	}
	out->table_bytes = 256;
	out->table = malloc(out->table_bytes);
	if (!out->table)
		return -ENOMEM;
	ret = npu_host_hard_swish_lut_s8(cpu_scale(in), cpu_zero_point(in),
					 cpu_scale(o), cpu_zero_point(o),
					 out->table);
	if (ret == -ERANGE) {
		cpu_msg(err, errlen,
			"HARD_SWISH: input scale %g / 128 over output scale %g exceeds 1 (TFLite refuses it)",
			cpu_scale(in), cpu_scale(o));
		return -EINVAL;
	}
	if (ret) {
		cpu_msg(err, errlen, "HARD_SWISH: scales %g, %g",
			cpu_scale(in), cpu_scale(o));
		return -EINVAL;
	}
	cmd = realloc(out->cmds, (out->num_cmds + 1) * sizeof(*cmd));
	if (!cmd)
		return -ENOMEM;
	out->cmds = cmd;
	cmd = &out->cmds[out->num_cmds++];
	*cmd = (struct npu_cpu_cmd){ .opcode = NPU_CMD_LUT };
	/* Elementwise: the shape only needs the right element count. */
	for (int i = 0; i < in->rank; i++)
		dims[i] = (uint32_t)in->shape[i];
	if (in->rank == 0)
		dims[0] = 1;
	rank = in->rank ? (uint32_t)in->rank : 1;
	l = &cmd->params.lut;
	npu_tensor_set(&l->input, 0, NPU_DTYPE_INT8, cpu_zero_point(in), rank,
		       dims);
	npu_tensor_set(&l->output, 0, NPU_DTYPE_INT8, cpu_zero_point(o), rank,
		       dims);
	l->function = NPU_LUT_OTHER;
	return 0;
}

const struct npu_builtin_impl npu_builtin_hard_swish = {
	.lower = lower_hard_swish,
};
