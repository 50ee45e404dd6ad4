// SPDX-License-Identifier: MIT
/*
 * int8 unary builtins whose TFLite kernel depends on the input byte alone
 * (HARD_SWISH, EXP, LOG, ABS, SQRT): validated as TFLite's Prepare, then
 * one NPU_CMD_LUT whose table the firmware library's host side fills with
 * the reference kernel's output for every int8 input (bit-exact: the input
 * has only 256 values).  Their float forms, and float RSQRT and NEG, run on
 * the CPU with TFLite's float kernels; int16 forms are not here.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>

#include "lower.h"

/* The table of @op's builtin, or a negative errno with the message. */
static int fill_table(const struct npu_graph_op *op,
		      const struct npu_graph_tensor *in,
		      const struct npu_graph_tensor *o, int8_t *table,
		      char *err, size_t errlen)
{
	const char *name = npu_op_name(op->builtin);
	enum npu_host_unary u;
	int ret;

	switch (op->builtin) {
	case NPU_BUILTIN_HARD_SWISH:
		ret = npu_host_hard_swish_lut_s8(cpu_scale(in), cpu_zero_point(in),
						 cpu_scale(o), cpu_zero_point(o),
						 table);
		if (ret == -ERANGE) {
			cpu_msg(err, errlen,
				"HARD_SWISH: input scale %g / 128 over output scale %g exceeds 1 (TFLite refuses it)",
				cpu_scale(in), cpu_scale(o));
			return -EINVAL;
		}
		break;
	case NPU_BUILTIN_EXP: u = NPU_HOST_UNARY_EXP; goto unary;
	case NPU_BUILTIN_LOG: u = NPU_HOST_UNARY_LOG; goto unary;
	case NPU_BUILTIN_ABS: u = NPU_HOST_UNARY_ABS; goto unary;
	case NPU_BUILTIN_SQRT: u = NPU_HOST_UNARY_SQRT;
unary:
		ret = npu_host_unary_lut_s8(u, cpu_scale(in), cpu_zero_point(in),
					    cpu_scale(o), cpu_zero_point(o),
					    table);
		break;
	default:
		cpu_msg(err, errlen, "%s has no table form", name);
		return -ENOTSUP;
	}
	if (ret) {
		cpu_msg(err, errlen, "%s: scales %g, %g", name, cpu_scale(in),
			cpu_scale(o));
		return -EINVAL;
	}
	return 0;
}

static int lower_unary_lut(const struct cpu_prep *p)
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
		cpu_msg(err, errlen, "%s %s has no kernel",
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
	out->table_bytes = 256;
	out->table = malloc(out->table_bytes);
	if (!out->table)
		return -ENOMEM;
	ret = fill_table(op, in, o, out->table, err, errlen);
	if (ret)
		return ret;
	cmd = lower_add_cmd(p, NPU_CMD_LUT, 0);
	if (!cmd)
		return -ENOMEM;
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

/* ---- float ---- */


/* TFLite's float kernels (reference_ops hard_swish.h, elementwise.cc). */
static float float_one(int32_t builtin, float x)
{
	switch (builtin) {
	case NPU_BUILTIN_HARD_SWISH:
		return x * fminf(6.0f, fmaxf(0.0f, x + 3.0f)) / 6.0f;
	case NPU_BUILTIN_EXP:
		return expf(x);
	case NPU_BUILTIN_LOG:
		return logf(x);
	case NPU_BUILTIN_ABS:
		return fabsf(x);
	case NPU_BUILTIN_SQRT:
		return sqrtf(x);
	case NPU_BUILTIN_RSQRT:
		return 1.0f / sqrtf(x);
	default: /* NEG */
		return -x;
	}
}

static int float_invoke(const struct npu_cpu_kernel_args *a, void *state)
{
	const struct lower_unary *s = state;
	const float *in = a->inputs[0];
	float *out = a->outputs[0];

	for (size_t i = 0; i < s->count; i++)
		out[i] = float_one(s->builtin, in[i]);
	return 0;
}

static const struct cpu_kernel float_kernel = {
	.prepare = lower_float_unary_prepare,
	.invoke = float_invoke,
};

const struct npu_builtin_impl npu_builtin_unary_lut = {
	.lower = lower_unary_lut,
	.float_kernel = &float_kernel,
};

/* RSQRT and NEG: float only (their int8 forms are not tables here). */
const struct npu_builtin_impl npu_builtin_unary_float = {
	.cpu_kernel = &float_kernel,
};
