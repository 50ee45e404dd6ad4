// SPDX-License-Identifier: MIT
/*
 * CPU execution of the ops the NPU firmware implements: prepare with
 * npu_cpu_prepare_op(), then call the firmware's own kernels (libnpufw) on
 * the tensors' memory, so the CPU computes the very bytes the NPU does.
 * Float versions of these ops (int8 models with float fallback) run the
 * builtin's float path (its file in libnpu/lower/) instead.  Where an optimized kernel covers
 * the case (cpu_opt.h), it runs instead of the firmware's, with the same
 * bytes.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cpu_internal.h"
#include "cpu_opt.h"
#include "../lower/lower.h"

struct npu_op_state {
	struct npu_cpu_prepared *prep;	/* firmware path */
	void *float_state;		/* float path */
	const struct cpu_kernel *float_kernel;
	enum cpu_isa isa;		/* optimized kernels' variant */
	/* Per command: a cpu_conv_plan, cpu_dw_plan or cpu_fc_plan (by opcode), or NULL. */
	void **plans;
};

/* Data of op input @k when it is a constant tensor, else NULL. */
static const void *const_input(const struct npu_graph *g, const struct npu_graph_op *op,
			       uint32_t k)
{
	const struct npu_graph_tensor *t;

	if (k >= op->num_inputs || op->inputs[k] < 0 ||
	    (uint32_t)op->inputs[k] >= g->num_tensors)
		return NULL;
	t = &g->tensors[op->inputs[k]];
	return t->data && !t->is_variable ? t->data : NULL;
}

/*
 * Plans of the optimized int8 CONV_2D and FULLY_CONNECTED and int8 and
 * uint8 DEPTHWISE_CONV_2D (cpu_opt.h) for the commands whose filter and
 * bias are constants: the filter packed and the constants folded once,
 * here, rather than per inference.  A command
 * without one (out of memory, a case the kernels decline) runs as before.
 */
static void plan_cmds(struct npu_op_state *s, const struct cpu_prep *p)
{
	const struct npu_cpu_prepared *pr = s->prep;
	const void *filter = const_input(p->g, p->op, 1);
	const void *bias = pr->bias ? pr->bias : const_input(p->g, p->op, 2);

	if (!filter || (!pr->bias && p->op->num_inputs > 2 && p->op->inputs[2] >= 0 && !bias) ||
	    p->op->builtin == NPU_BUILTIN_TRANSPOSE_CONV)
		return;
	s->plans = calloc(pr->num_cmds, sizeof(*s->plans));
	for (uint32_t i = 0; s->plans && i < pr->num_cmds; i++) {
		const struct npu_cpu_cmd *c = &pr->cmds[i];

		if (c->opcode == NPU_CMD_CONV_2D && c->params.conv.input.dtype == NPU_DTYPE_INT8)
			s->plans[i] = cpu_conv_plan_create(&c->params.conv, filter, bias, pr->mult,
							   pr->shift, s->isa);
		else if (c->opcode == NPU_CMD_DEPTHWISE_CONV_2D &&
			 (c->params.conv.input.dtype == NPU_DTYPE_INT8 ||
			  c->params.conv.input.dtype == NPU_DTYPE_UINT8))
			s->plans[i] = cpu_dw_plan_create(&c->params.conv, filter, bias, pr->mult,
							 pr->shift,
							 c->params.conv.input.dtype ==
							 NPU_DTYPE_UINT8, s->isa);
		else if (c->opcode == NPU_CMD_FULLY_CONNECTED &&
			 c->params.fc.input.dtype == NPU_DTYPE_INT8)
			s->plans[i] = cpu_fc_plan_create(&c->params.fc, filter, bias, pr->mult,
							 pr->shift, s->isa);
	}
}

static void plans_free(struct npu_op_state *s)
{
	for (uint32_t i = 0; s->plans && i < s->prep->num_cmds; i++) {
		if (s->prep->cmds[i].opcode == NPU_CMD_CONV_2D)
			cpu_conv_plan_free(s->plans[i]);
		else if (s->prep->cmds[i].opcode == NPU_CMD_DEPTHWISE_CONV_2D)
			cpu_dw_plan_free(s->plans[i]);
		else if (s->prep->cmds[i].opcode == NPU_CMD_FULLY_CONNECTED)
			cpu_fc_plan_free(s->plans[i]);
	}
	free(s->plans);
}

static int npu_op_prepare(const struct cpu_prep *p, void **state)
{
	const struct npu_builtin_impl *b = npu_builtin_find(p->op->builtin);
	/* Dynamic-range (hybrid) ops have a kernel set of their own. */
	const struct cpu_kernel *fk = cpu_hybrid_op(p->g, p->op) ?
		&cpu_kernel_hybrid : b ? b->float_kernel : NULL;
	const struct npu_graph_tensor *in = cpu_in(p->g, p->op,
		p->op->builtin == NPU_BUILTIN_TRANSPOSE_CONV ? 2 : 0);
	struct npu_op_state *s;
	int ret;

	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->isa = cpu_isa_best();
	if (fk && in && in->type == NPU_TYPE_FLOAT32) {
		ret = fk->prepare(p, &s->float_state);
		if (!ret)
			s->float_kernel = fk;
	} else {
		ret = npu_cpu_prepare_op(p->g, p->op, &s->prep, p->err,
					 p->errlen);
		/*
		 * Integer cases the firmware kernels do not cover but TFLite
		 * has (int32 ADD, SUB, MUL) have a CPU kernel; keep the
		 * firmware's reason if that fails too.
		 */
		if (ret == -ENOTSUP && fk && b->float_takes_int) {
			char msg[256] = "";
			struct cpu_prep p2 = *p;

			p2.err = msg;
			p2.errlen = sizeof(msg);
			if (!fk->prepare(&p2, &s->float_state)) {
				s->float_kernel = fk;
				ret = 0;
			}
		}
		if (!ret && s->prep)
			plan_cmds(s, p);
	}
	if (ret) {
		free(s);
		return ret;
	}
	*state = s;
	return 0;
}

static void npu_op_release(void *state)
{
	struct npu_op_state *s = state;

	if (!s)
		return;
	plans_free(s);
	npu_cpu_prepared_free(s->prep);
	if (s->float_kernel && s->float_kernel->release)
		s->float_kernel->release(s->float_state);
	else
		free(s->float_state);
	free(s);
}

/*
 * The optimized kernel of command @c where libnpu has one for its case
 * (cpu_opt.h, proven equal to the firmware's): true when it ran, false to
 * run the firmware's kernel.
 */
static bool cpu_opt_run(const struct npu_cpu_cmd *c, void *const *buf,
			enum cpu_isa isa, struct npu_cpu_pool *pool)
{
	const union npu_cmd_params *p = &c->params;
	const int32_t *mult = buf[NPU_FW_SLOT_MULT];
	const int32_t *shift = buf[NPU_FW_SLOT_SHIFT];
	const void *in = buf[NPU_FW_SLOT_IN0];
	const void *weights = buf[NPU_FW_SLOT_WEIGHTS];
	const void *bias = buf[NPU_FW_SLOT_BIAS];
	void *out = buf[NPU_FW_SLOT_OUT];

	switch (c->opcode) {
	case NPU_CMD_CONV_2D:
		if (p->conv.input.dtype == NPU_DTYPE_UINT8)
			return cpu_opt_conv2d_u8(&p->conv, in, weights, bias, mult, shift, out,
						 isa, pool);
		return p->conv.input.dtype == NPU_DTYPE_INT8 &&
		       cpu_opt_conv2d_s8(&p->conv, in, weights, bias, mult, shift, out,
					 isa, pool);
	case NPU_CMD_DEPTHWISE_CONV_2D:
		if (p->conv.input.dtype == NPU_DTYPE_UINT8)
			return cpu_opt_depthwise_u8(&p->conv, in, weights, bias, mult, shift,
						    out, isa, pool);
		return p->conv.input.dtype == NPU_DTYPE_INT8 &&
		       cpu_opt_depthwise_s8(&p->conv, in, weights, bias, mult, shift,
					    out, isa, pool);
	case NPU_CMD_FULLY_CONNECTED:
		if (p->fc.input.dtype == NPU_DTYPE_UINT8)
			return cpu_opt_fc_u8(&p->fc, in, weights, bias, mult, shift, out, isa,
					     pool);
		return p->fc.input.dtype == NPU_DTYPE_INT8 &&
		       cpu_opt_fc_s8(&p->fc, in, weights, bias, mult, shift, out, isa, pool);
	case NPU_CMD_ADD:
	case NPU_CMD_SUB:
	case NPU_CMD_MUL:
		return (p->eltwise.output.dtype == NPU_DTYPE_INT8 ||
			p->eltwise.output.dtype == NPU_DTYPE_UINT8) &&
		       p->eltwise.input1.dtype == p->eltwise.output.dtype &&
		       p->eltwise.input2.dtype == p->eltwise.output.dtype &&
		       cpu_opt_eltwise(&p->eltwise, c->opcode == NPU_CMD_ADD ? CPU_ELT_ADD :
				       c->opcode == NPU_CMD_SUB ? CPU_ELT_SUB : CPU_ELT_MUL,
				       p->eltwise.output.dtype == NPU_DTYPE_UINT8, in,
				       buf[NPU_FW_SLOT_IN1], out, isa, pool);
	case NPU_CMD_LEAKY_RELU:
		return (p->leaky_relu.input.dtype == NPU_DTYPE_INT8 ||
			p->leaky_relu.input.dtype == NPU_DTYPE_UINT8) &&
		       cpu_opt_leaky_relu(&p->leaky_relu,
					  p->leaky_relu.input.dtype == NPU_DTYPE_UINT8, in, out, isa,
					  pool);
	case NPU_CMD_PAD:
		return cpu_opt_pad(&p->pad, in, out, pool);
	case NPU_CMD_TRANSPOSE:
		return cpu_opt_transpose(&p->transpose, in, out, pool);
	case NPU_CMD_STRIDED_SLICE:
		return cpu_opt_strided_slice(&p->slice, in, out, pool);
	case NPU_CMD_CONCAT:
		return cpu_opt_concat(&p->concat, in, out, pool);
	case NPU_CMD_RESIZE_NEAREST:
		return cpu_opt_resize_nearest(&p->resize, in, buf[NPU_FW_SLOT_TABLE], out, pool);
	case NPU_CMD_COPY:
		/* RESHAPE runs in place; otherwise memcpy, not the firmware's byte loop. */
		cpu_opt_copy(in, out, npu_tensor_bytes(&p->copy.input), pool);
		return true;
	case NPU_CMD_AVERAGE_POOL_2D:
	case NPU_CMD_MAX_POOL_2D:
		return cpu_opt_pool(&p->pool, c->opcode == NPU_CMD_AVERAGE_POOL_2D, in, out, pool);
	case NPU_CMD_MEAN:
		return cpu_opt_mean(&p->mean, in, out, isa, pool);
	case NPU_CMD_RESIZE_BILINEAR:
		return cpu_opt_resize_bilinear(&p->resize, in, out, isa, pool);
	case NPU_CMD_LUT:
		return cpu_opt_lut(&p->lut, in, buf[NPU_FW_SLOT_TABLE], out, isa, pool);
	default:
		return false;
	}
}

/*
 * The operands of command @c in the firmware's slots: the op's tensors,
 * and the host data prepared beside the command.
 */
static int run_cmd(const struct npu_cpu_prepared *pr,
		   const struct npu_cpu_cmd *c, const void *plan,
		   const struct npu_cpu_kernel_args *a, enum cpu_isa isa)
{
	const uint32_t bias_input =
		a->op->builtin == NPU_BUILTIN_TRANSPOSE_CONV ? 3 : 2;
	void *const *in = a->inputs;
	void *buf[NPU_FW_SLOT_COUNT] = {
		[NPU_FW_SLOT_IN0] = in[c->input],
		[NPU_FW_SLOT_IN1] = a->op->num_inputs > 1 ? in[1] : NULL,
		[NPU_FW_SLOT_WEIGHTS] = a->op->num_inputs > 1 ? in[1] : NULL,
		[NPU_FW_SLOT_BIAS] = pr->bias ? pr->bias :
				     a->op->num_inputs > bias_input ?
				     in[bias_input] : NULL,
		[NPU_FW_SLOT_MULT] = pr->mult,
		[NPU_FW_SLOT_SHIFT] = pr->shift,
		[NPU_FW_SLOT_TABLE] = pr->table ?
				      (uint8_t *)pr->table + c->table_offset :
				      NULL,
		[NPU_FW_SLOT_OUT] = a->outputs[c->output],
	};

	if (plan && c->opcode == NPU_CMD_CONV_2D &&
	    cpu_conv_plan_for(plan, buf[NPU_FW_SLOT_WEIGHTS], buf[NPU_FW_SLOT_BIAS]) &&
	    cpu_conv_plan_run(plan, buf[NPU_FW_SLOT_IN0], buf[NPU_FW_SLOT_OUT], a->pool))
		return 0;
	if (plan && c->opcode == NPU_CMD_DEPTHWISE_CONV_2D &&
	    cpu_dw_plan_for(plan, buf[NPU_FW_SLOT_WEIGHTS], buf[NPU_FW_SLOT_BIAS]) &&
	    cpu_dw_plan_run(plan, buf[NPU_FW_SLOT_IN0], buf[NPU_FW_SLOT_OUT], a->pool))
		return 0;
	if (plan && c->opcode == NPU_CMD_FULLY_CONNECTED &&
	    cpu_fc_plan_for(plan, buf[NPU_FW_SLOT_WEIGHTS], buf[NPU_FW_SLOT_BIAS]) &&
	    cpu_fc_plan_run(plan, buf[NPU_FW_SLOT_IN0], buf[NPU_FW_SLOT_OUT], a->pool))
		return 0;
	if (cpu_opt_run(c, buf, isa, a->pool))
		return 0;
	if (npu_fw_exec(c->opcode, &c->params, buf)) {
		cpu_msg(a->err, a->errlen, "no kernel for command %s",
			npu_fw_cmd_name(c->opcode));
		return -ENOTSUP;
	}
	return 0;
}

static int npu_op_invoke(const struct npu_cpu_kernel_args *a, void *state)
{
	struct npu_op_state *s = state;

	if (s->float_kernel)
		return s->float_kernel->invoke(a, s->float_state);
	for (uint32_t i = 0; i < s->prep->num_cmds; i++) {
		int ret = run_cmd(s->prep, &s->prep->cmds[i], s->plans ? s->plans[i] : NULL, a,
				  s->isa);

		if (ret)
			return ret;
	}
	return 0;
}

/* Every builtin with a lowering and no CPU kernel of its own (builtins.c). */
const struct cpu_kernel cpu_kernel_lowered = {
	.prepare = npu_op_prepare,
	.invoke = npu_op_invoke,
	.release = npu_op_release,
};
