// SPDX-License-Identifier: MIT
/*
 * LOGISTIC and TANH: validated as TFLite Micro's Prepare does, then turned
 * into a table for the firmware's LUT kernel by the firmware library's host
 * helper (TFLite's LUTPopulate), so compiler and CPU use the same table.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>

#include "cpu_internal.h"
#include "../../firmware/host/npu_fw_host.h"

int cpu_prep_lut(const struct npu_graph *g, const struct npu_graph_op *op,
		 struct npu_cpu_prepared *out, char *err, size_t errlen)
{
	const bool logistic = op->builtin == NPU_BUILTIN_LOGISTIC;
	const struct npu_graph_tensor *in, *o;
	float (*fn)(float) = logistic ? npu_host_logistic : npu_host_tanh;
	struct npu_cpu_cmd *cmd;
	struct npu_lut_params *l;
	uint32_t dims[NPU_CS_MAX_DIMS];
	uint8_t dtype;

	if (op->num_inputs != 1 || op->num_outputs != 1 ||
	    !(in = cpu_in(g, op, 0)) || !(o = cpu_out(g, op, 0))) {
		cpu_msg(err, errlen, "needs one input and one output");
		return -EINVAL;
	}
	if (in->type != o->type ||
	    (in->type != NPU_TYPE_INT8 && in->type != NPU_TYPE_INT16)) {
		cpu_msg(err, errlen, "%s %s has no NPU kernel",
			npu_type_name(in->type), npu_op_name(op->builtin));
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
	if (in->type == NPU_TYPE_INT8 && logistic && cpu_zero_point(o) != -128) {
		cpu_msg(err, errlen, "int8 LOGISTIC needs output zero point -128");
		return -EINVAL;
	}
	if (in->type == NPU_TYPE_INT16) {
		int log2_out = 0;
		const float m = frexpf(cpu_scale(o), &log2_out);

		/* TFLM: symmetric int16 with output scale 2^-15. */
		if (cpu_zero_point(in) || cpu_zero_point(o) || m != 0.5f ||
		    log2_out - 1 != -15) {
			cpu_msg(err, errlen,
				"int16 %s needs zero points 0 and output scale 1/32768",
				npu_op_name(op->builtin));
			return -EINVAL;
		}
	}

	if (in->type == NPU_TYPE_INT8) {
		out->table = malloc(256);
		out->table_bytes = 256;
		dtype = NPU_DTYPE_INT8;
	} else {
		out->table = malloc(513 * sizeof(int16_t));
		out->table_bytes = 513 * sizeof(int16_t);
		dtype = NPU_DTYPE_INT16;
	}
	if (!out->table)
		return -ENOMEM;
	if (dtype == NPU_DTYPE_INT8)
		npu_host_lut_s8(cpu_scale(in), cpu_zero_point(in), cpu_scale(o),
				cpu_zero_point(o), fn, out->table);
	else
		npu_host_lut_s16(cpu_scale(in), cpu_zero_point(in), cpu_scale(o),
				 cpu_zero_point(o), fn, out->table);

	cmd = realloc(out->cmds, (out->num_cmds + 1) * sizeof(*cmd));
	if (!cmd)
		return -ENOMEM;
	out->cmds = cmd;
	cmd = &out->cmds[out->num_cmds++];
	*cmd = (struct npu_cpu_cmd){ .opcode = NPU_OP_LUT };
	l = &cmd->params.lut;
	/* Elementwise: the shape only needs the right element count. */
	for (int i = 0; i < in->rank; i++)
		dims[i] = (uint32_t)in->shape[i];
	if (in->rank == 0)
		dims[0] = 1;
	npu_tensor_set(&l->input, 0, dtype, cpu_zero_point(in),
		       in->rank ? (uint32_t)in->rank : 1, dims);
	npu_tensor_set(&l->output, 0, dtype, cpu_zero_point(o),
		       in->rank ? (uint32_t)in->rank : 1, dims);
	l->function = logistic ? NPU_LUT_LOGISTIC : NPU_LUT_TANH;
	return 0;
}
