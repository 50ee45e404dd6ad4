// SPDX-License-Identifier: MIT
/*
 * CPU execution of the ops the NPU firmware implements: prepare with
 * npu_cpu_prepare_op(), then call the firmware's own kernels (libnpufw) on
 * the tensors' memory, so the CPU computes the very bytes the NPU does.
 * Float versions of these ops (int8 models with float fallback) run the
 * float kernels of float_ops.c instead.  Where an optimized kernel covers
 * the case (cpu_opt.h), it runs instead of the firmware's, with the same
 * bytes.
 */
#include <errno.h>
#include <stdlib.h>

#include "cpu_internal.h"
#include "cpu_opt.h"

struct npu_op_state {
	struct npu_cpu_prepared *prep;	/* firmware path */
	void *float_state;		/* float path */
	const struct cpu_kernel *float_kernel;
	enum cpu_isa isa;		/* optimized kernels' variant */
};

static int npu_op_prepare(const struct cpu_prep *p, void **state)
{
	const struct cpu_kernel *fk = cpu_float_kernel_find(p->op->builtin);
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
		 * Quantized cases the firmware kernels do not cover but TFLite
		 * has (MEAN over other axes or without keep_dims) have a CPU
		 * kernel; keep the firmware's reason if that fails too.
		 */
		if (ret == -ENOTSUP && fk &&
		    p->op->builtin == NPU_BUILTIN_MEAN) {
			char msg[256] = "";
			struct cpu_prep p2 = *p;

			p2.err = msg;
			p2.errlen = sizeof(msg);
			if (!fk->prepare(&p2, &s->float_state)) {
				s->float_kernel = fk;
				ret = 0;
			}
		}
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
	npu_cpu_prepared_free(s->prep);
	if (s->float_kernel && s->float_kernel->release)
		s->float_kernel->release(s->float_state);
	else
		free(s->float_state);
	free(s);
}

static int run_cmd(const struct npu_cpu_prepared *pr,
		   const struct npu_cpu_cmd *c,
		   const struct npu_cpu_kernel_args *a, enum cpu_isa isa)
{
	struct npu_cpu_pool *pool = a->pool;
	const union npu_cpu_params *pa = &c->params;
	void *const *in = a->inputs;
	void *out = a->outputs[0];
	const void *src = in[c->input];
	bool s16;

	switch (c->opcode) {
	case NPU_OP_CONV_2D:
	case NPU_OP_DEPTHWISE_CONV_2D:
	case NPU_OP_TRANSPOSE_CONV: {
		const bool tc = c->opcode == NPU_OP_TRANSPOSE_CONV;
		const void *filter = in[1];
		const void *bias = pr->bias ? pr->bias :
				   a->op->num_inputs > (tc ? 3u : 2u) ?
				   in[tc ? 3 : 2] : NULL;

		s16 = pa->conv.input.dtype == NPU_DTYPE_INT16;
		if (c->opcode == NPU_OP_CONV_2D && s16) {
			npu_op_conv2d_s16(&pa->conv, src, filter, bias,
					  pr->mult, pr->shift, out);
		} else if (c->opcode == NPU_OP_CONV_2D) {
			if (!cpu_opt_conv2d_s8(&pa->conv, src, filter, bias,
					       pr->mult, pr->shift, out, isa, pool))
				npu_op_conv2d_s8(&pa->conv, src, filter, bias,
						 pr->mult, pr->shift, out);
		} else if (!tc && s16) {
			npu_op_depthwise_s16(&pa->conv, src, filter, bias,
					     pr->mult, pr->shift, out);
		} else if (!tc) {
			if (!cpu_opt_depthwise_s8(&pa->conv, src, filter, bias,
						  pr->mult, pr->shift, out, isa, pool))
				npu_op_depthwise_s8(&pa->conv, src, filter, bias,
						    pr->mult, pr->shift, out);
		} else if (s16) {
			npu_op_transpose_conv_s16(&pa->conv, src, filter, bias,
						  pr->mult, pr->shift, out);
		} else {
			npu_op_transpose_conv_s8(&pa->conv, src, filter, bias,
						 pr->mult, pr->shift, out);
		}
		return 0;
	}
	case NPU_OP_FULLY_CONNECTED: {
		const void *bias = pr->bias ? pr->bias :
				   a->op->num_inputs > 2 ? in[2] : NULL;

		if (pa->fc.input.dtype == NPU_DTYPE_INT16)
			npu_op_fc_s16(&pa->fc, src, in[1], bias, pr->mult,
				      pr->shift, out);
		else if (!cpu_opt_fc_s8(&pa->fc, src, in[1], bias, pr->mult,
					pr->shift, out, isa))
			npu_op_fc_s8(&pa->fc, src, in[1], bias, pr->mult,
				     pr->shift, out);
		return 0;
	}
	case NPU_OP_ADD:
	case NPU_OP_SUB:
	case NPU_OP_MUL:
		s16 = pa->eltwise.output.dtype == NPU_DTYPE_INT16;
		if (c->opcode != NPU_OP_MUL && !s16 &&
		    cpu_opt_add_s8(&pa->eltwise, c->opcode == NPU_OP_SUB, in[0], in[1], out, isa))
			return 0;
		if (c->opcode == NPU_OP_ADD && s16)
			npu_op_add_s16(&pa->eltwise, in[0], in[1], out);
		else if (c->opcode == NPU_OP_ADD)
			npu_op_add_s8(&pa->eltwise, in[0], in[1], out);
		else if (c->opcode == NPU_OP_SUB && s16)
			npu_op_sub_s16(&pa->eltwise, in[0], in[1], out);
		else if (c->opcode == NPU_OP_SUB)
			npu_op_sub_s8(&pa->eltwise, in[0], in[1], out);
		else if (s16)
			npu_op_mul_s16(&pa->eltwise, in[0], in[1], out);
		else
			npu_op_mul_s8(&pa->eltwise, in[0], in[1], out);
		return 0;
	case NPU_OP_AVERAGE_POOL_2D:
	case NPU_OP_MAX_POOL_2D:
		s16 = pa->pool.input.dtype == NPU_DTYPE_INT16;
		if (c->opcode == NPU_OP_AVERAGE_POOL_2D && s16)
			npu_op_avg_pool_s16(&pa->pool, src, out);
		else if (c->opcode == NPU_OP_AVERAGE_POOL_2D)
			npu_op_avg_pool_s8(&pa->pool, src, out);
		else if (s16)
			npu_op_max_pool_s16(&pa->pool, src, out);
		else
			npu_op_max_pool_s8(&pa->pool, src, out);
		return 0;
	case NPU_OP_MEAN:
		if (pa->mean.input.dtype == NPU_DTYPE_INT16)
			npu_op_mean_s16(&pa->mean, src, out);
		else
			npu_op_mean_s8(&pa->mean, src, out);
		return 0;
	case NPU_OP_PAD:
		if (!cpu_opt_pad(&pa->pad, src, out))
			npu_op_pad(&pa->pad, src, out);
		return 0;
	case NPU_OP_TRANSPOSE:
		npu_op_transpose(&pa->transpose, src, out);
		return 0;
	case NPU_OP_CONCAT:
		npu_op_concat(&pa->concat, src, out);
		return 0;
	case NPU_OP_STRIDED_SLICE:
		npu_op_strided_slice(&pa->slice, src, out);
		return 0;
	case NPU_OP_COPY:
		if (src != out)
			npu_op_copy(&pa->copy, src, out);
		return 0;
	case NPU_OP_LUT:
		if (pa->lut.input.dtype == NPU_DTYPE_INT16)
			npu_op_lut_s16(&pa->lut, src, pr->table, out);
		else
			npu_op_lut_s8(&pa->lut, src, pr->table, out);
		return 0;
	case NPU_OP_SIGMOID_S16:
		npu_op_sigmoid_s16(&pa->sigmoid_s16, src, pr->table, out);
		return 0;
	case NPU_OP_LEAKY_RELU:
		if (pa->leaky_relu.input.dtype == NPU_DTYPE_INT16)
			npu_op_leaky_relu_s16(&pa->leaky_relu, src, out);
		else
			npu_op_leaky_relu_s8(&pa->leaky_relu, src, out);
		return 0;
	default:
		cpu_msg(a->err, a->errlen, "no kernel for command %s",
			npu_fw_op_name(c->opcode));
		return -ENOTSUP;
	}
}

static int npu_op_invoke(const struct npu_cpu_kernel_args *a, void *state)
{
	struct npu_op_state *s = state;

	if (s->float_kernel)
		return s->float_kernel->invoke(a, s->float_state);
	for (uint32_t i = 0; i < s->prep->num_cmds; i++) {
		int ret = run_cmd(s->prep, &s->prep->cmds[i], a, s->isa);

		if (ret)
			return ret;
	}
	return 0;
}

#define NPU_KERNEL(name, op) \
	static const struct cpu_kernel name = { \
		.builtin = (op), \
		.prepare = npu_op_prepare, \
		.invoke = npu_op_invoke, \
		.release = npu_op_release, \
	}

NPU_KERNEL(k_conv, NPU_BUILTIN_CONV_2D);
NPU_KERNEL(k_depthwise, NPU_BUILTIN_DEPTHWISE_CONV_2D);
NPU_KERNEL(k_transpose_conv, NPU_BUILTIN_TRANSPOSE_CONV);
NPU_KERNEL(k_fc, NPU_BUILTIN_FULLY_CONNECTED);
NPU_KERNEL(k_add, NPU_BUILTIN_ADD);
NPU_KERNEL(k_sub, NPU_BUILTIN_SUB);
NPU_KERNEL(k_mul, NPU_BUILTIN_MUL);
NPU_KERNEL(k_avg_pool, NPU_BUILTIN_AVERAGE_POOL_2D);
NPU_KERNEL(k_max_pool, NPU_BUILTIN_MAX_POOL_2D);
NPU_KERNEL(k_mean, NPU_BUILTIN_MEAN);
NPU_KERNEL(k_pad, NPU_BUILTIN_PAD);
NPU_KERNEL(k_transpose, NPU_BUILTIN_TRANSPOSE);
NPU_KERNEL(k_concat, NPU_BUILTIN_CONCATENATION);
NPU_KERNEL(k_strided_slice, NPU_BUILTIN_STRIDED_SLICE);
NPU_KERNEL(k_logistic, NPU_BUILTIN_LOGISTIC);
NPU_KERNEL(k_tanh, NPU_BUILTIN_TANH);
NPU_KERNEL(k_leaky_relu, NPU_BUILTIN_LEAKY_RELU);

static const struct cpu_kernel *const npu_kernels[] = {
	&k_conv, &k_depthwise, &k_transpose_conv, &k_fc, &k_add, &k_sub,
	&k_mul, &k_avg_pool, &k_max_pool, &k_mean, &k_pad, &k_transpose,
	&k_concat, &k_strided_slice, &k_logistic, &k_tanh,
	&k_leaky_relu,
};

const struct cpu_kernel *cpu_npu_kernel_find(int32_t builtin)
{
	for (size_t i = 0; i < sizeof(npu_kernels) / sizeof(npu_kernels[0]); i++)
		if (npu_kernels[i]->builtin == builtin)
			return npu_kernels[i];
	return NULL;
}
