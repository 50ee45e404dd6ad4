// SPDX-License-Identifier: MIT
/*
 * Unary builtins whose TFLite kernel depends on the input value alone
 * (HARD_SWISH, EXP, LOG, ABS, SQRT, RSQRT, NEG, GELU, ELU): validated as
 * TFLite's Prepare, then one NPU_CMD_LUT whose table the firmware
 * library's host side fills (firmware/host/npu_fw_unary.c):
 *
 *  - int8 (and uint8 GELU and HARD_SWISH): the reference kernel's output
 *    for every input (bit-exact: the input has only 256 values);
 *  - int16 EXP, LOG, RSQRT, GELU: TFLite computes these through its own
 *    513-entry interpolated table (LUTPopulate<int16_t>), which the LUT
 *    command interpolates the same way.
 *
 * int16 ABS, SQRT and NEG are arithmetic in TFLite, not tables: they run on
 * the CPU here, as do int32 ABS and the float forms (TFLite's float
 * kernels).  TFLite has ELU for float32 and int8 only, ABS for float32,
 * int8, int16 and int32 (no uint8).
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>

#include "lower.h"

/* The table function of @op (GELU: by its approximate option). */
static int host_unary(const struct npu_graph_op *op, enum npu_host_unary *u)
{
	switch (op->builtin) {
	case NPU_BUILTIN_EXP: *u = NPU_HOST_UNARY_EXP; return 0;
	case NPU_BUILTIN_LOG: *u = NPU_HOST_UNARY_LOG; return 0;
	case NPU_BUILTIN_ABS: *u = NPU_HOST_UNARY_ABS; return 0;
	case NPU_BUILTIN_SQRT: *u = NPU_HOST_UNARY_SQRT; return 0;
	case NPU_BUILTIN_RSQRT: *u = NPU_HOST_UNARY_RSQRT; return 0;
	case NPU_BUILTIN_NEG: *u = NPU_HOST_UNARY_NEG; return 0;
	case NPU_BUILTIN_ELU: *u = NPU_HOST_UNARY_ELU; return 0;
	case NPU_BUILTIN_GELU:
		*u = op->options_kind == NPU_OPTS_GELU &&
		     op->options.gelu.approximate ?
		     NPU_HOST_UNARY_GELU_APPROX : NPU_HOST_UNARY_GELU;
		return 0;
	default:
		return -ENOTSUP;
	}
}

/*
 * HARD_SWISH's int8 or uint8 table (TFLite's reference HardSwish<T>), or a
 * negative errno with the message.
 */
static int fill_hard_swish(const struct cpu_prep *p,
			   const struct npu_graph_tensor *in,
			   const struct npu_graph_tensor *o, void *table)
{
	int ret;

	if (in->type == NPU_TYPE_INT8) {
		ret = npu_host_hard_swish_lut_s8(cpu_scale(in), cpu_zero_point(in),
						 cpu_scale(o), cpu_zero_point(o),
						 table);
	} else if (in->type == NPU_TYPE_UINT8) {
		ret = npu_host_hard_swish_lut_u8(cpu_scale(in), cpu_zero_point(in),
						 cpu_scale(o), cpu_zero_point(o),
						 table);
	} else {
		cpu_msg(p->err, p->errlen, "%s HARD_SWISH is not a table here",
			npu_type_name(in->type));
		return -ENOTSUP;
	}
	if (ret == -ERANGE)
		return lower_fail(p, "HARD_SWISH: input scale %g / 128 over output scale %g exceeds 1 (TFLite refuses it)",
				  cpu_scale(in), cpu_scale(o));
	if (ret)
		return lower_fail(p, "HARD_SWISH: scales %g, %g", cpu_scale(in),
				  cpu_scale(o));
	return 0;
}

/* The int8 table of @op's builtin, or a negative errno with the message. */
static int fill_table_s8(const struct cpu_prep *p,
			 const struct npu_graph_tensor *in,
			 const struct npu_graph_tensor *o, int8_t *table)
{
	const char *name = npu_op_name(p->op->builtin);
	enum npu_host_unary u;
	int ret;

	if (host_unary(p->op, &u)) {
		cpu_msg(p->err, p->errlen, "%s has no table form", name);
		return -ENOTSUP;
	}
	ret = npu_host_unary_lut_s8(u, cpu_scale(in), cpu_zero_point(in),
				    cpu_scale(o), cpu_zero_point(o), table);
	if (ret)
		return lower_fail(p, "%s: scales %g, %g", name, cpu_scale(in),
				  cpu_scale(o));
	return 0;
}

/* The uint8 (GELU) or int16 table, or -ENOTSUP for the other builtins. */
static int fill_table_other(const struct cpu_prep *p,
			    const struct npu_graph_tensor *in,
			    const struct npu_graph_tensor *o, void *table)
{
	const char *name = npu_op_name(p->op->builtin);
	const int32_t b = p->op->builtin;
	enum npu_host_unary u;
	int ret;

	if (host_unary(p->op, &u) || b == NPU_BUILTIN_ELU ||
	    (in->type == NPU_TYPE_UINT8 && b != NPU_BUILTIN_GELU) ||
	    (in->type == NPU_TYPE_INT16 && b != NPU_BUILTIN_EXP &&
	     b != NPU_BUILTIN_LOG && b != NPU_BUILTIN_RSQRT &&
	     b != NPU_BUILTIN_GELU)) {
		cpu_msg(p->err, p->errlen, "%s %s is not a table here",
			npu_type_name(in->type), name);
		return -ENOTSUP;
	}
	if (in->type == NPU_TYPE_UINT8)
		ret = npu_host_unary_lut_u8(u, cpu_scale(in), cpu_zero_point(in),
					    cpu_scale(o), cpu_zero_point(o),
					    table);
	else if ((b == NPU_BUILTIN_LOG || b == NPU_BUILTIN_RSQRT) &&
		 (cpu_zero_point(in) || cpu_zero_point(o)))
		return lower_fail(p, "int16 %s needs zero points 0 (TFLite's check)",
				  name);
	else
		ret = npu_host_unary_lut_s16(u, cpu_scale(in), cpu_zero_point(in),
					     cpu_scale(o), cpu_zero_point(o),
					     table);
	if (ret)
		return lower_fail(p, "%s: scales %g, %g", name, cpu_scale(in),
				  cpu_scale(o));
	return 0;
}

static int lower_unary_lut(const struct cpu_prep *p)
{
	const struct npu_graph_tensor *in, *o;
	struct npu_cpu_prepared *out = p->out;
	enum npu_cs_dtype dt;
	uint32_t dims[NPU_CS_MAX_DIMS], rank;
	struct npu_lut_params *l;
	struct npu_cpu_cmd *cmd;
	int ret;

	ret = cpu_need_io(p, 1, 1, 1);
	if (ret)
		return ret;
	in = lower_in(p, 0);
	o = lower_out(p, 0);
	if (in->type != o->type ||
	    (in->type != NPU_TYPE_INT8 && in->type != NPU_TYPE_UINT8 &&
	     in->type != NPU_TYPE_INT16)) {
		cpu_msg(p->err, p->errlen, "%s %s has no kernel",
			npu_type_name(in->type), npu_op_name(p->op->builtin));
		return -ENOTSUP;
	}
	/* NEG ignores the quantization (neg.cc negates the stored value). */
	if ((p->op->builtin != NPU_BUILTIN_NEG &&
	     (!in->quant.count || !o->quant.count)) ||
	    in->elements != o->elements)
		return lower_fail(p, "input and output must be quantized and of one size");
	if (in->rank > NPU_CS_MAX_DIMS) {
		cpu_msg(p->err, p->errlen, "rank %d is not supported", in->rank);
		return -ENOTSUP;
	}
	out->table_bytes = in->type == NPU_TYPE_INT16 ? 513 * sizeof(int16_t) : 256;
	out->table = malloc(out->table_bytes);
	if (!out->table)
		return -ENOMEM;
	if (p->op->builtin == NPU_BUILTIN_HARD_SWISH)
		ret = fill_hard_swish(p, in, o, out->table);
	else if (in->type == NPU_TYPE_INT8)
		ret = fill_table_s8(p, in, o, out->table);
	else
		ret = fill_table_other(p, in, o, out->table);
	dt = in->type == NPU_TYPE_INT8 ? NPU_DTYPE_INT8 :
	     in->type == NPU_TYPE_UINT8 ? NPU_DTYPE_UINT8 : NPU_DTYPE_INT16;
	if (ret)
		return ret;
	cmd = lower_add_cmd(p, NPU_CMD_LUT, 0);
	if (!cmd)
		return -ENOMEM;
	/* Elementwise: the shape only needs the right element count. */
	rank = lower_cmd_dims(in, dims);
	l = &cmd->params.lut;
	npu_tensor_set(&l->input, 0, dt, cpu_zero_point(in), rank, dims);
	npu_tensor_set(&l->output, 0, dt, cpu_zero_point(o), rank, dims);
	l->function = NPU_LUT_OTHER;
	return 0;
}

/* ---- CPU: float, and the int16 forms TFLite computes arithmetically ---- */

struct unary_state {
	int32_t builtin;
	enum npu_type type;
	size_t count;
	bool quantized;			/* int16 */
	float in_scale, out_scale;	/* int16, zero points 0 */
	int32_t mult, shift;		/* ABS when the scales differ */
};

static int unary_prepare(const struct cpu_prep *p, void **state)
{
	const struct npu_graph_tensor *in, *o;
	const int32_t b = p->op->builtin;
	struct unary_state *s;
	int ret = cpu_need_io(p, 1, 1, 1);

	if (ret)
		return ret;
	in = lower_in(p, 0);
	o = lower_out(p, 0);
	if (in->type == NPU_TYPE_FLOAT32) {
		ret = lower_float_unary_check(p);
		if (ret)
			return ret;
	} else if (b == NPU_BUILTIN_ABS && in->type == NPU_TYPE_INT32) {
		/* elementwise.cc AbsEval: std::abs, whatever the quantization. */
		if (o->type != NPU_TYPE_INT32 || in->elements != o->elements)
			return lower_fail(p, "input and output must be int32 of one size");
	} else if (in->type != NPU_TYPE_INT16 || o->type != NPU_TYPE_INT16 ||
		   (b != NPU_BUILTIN_ABS && b != NPU_BUILTIN_SQRT &&
		    b != NPU_BUILTIN_NEG)) {
		cpu_msg(p->err, p->errlen, "%s %s has no kernel",
			npu_type_name(in->type), npu_op_name(b));
		return -ENOTSUP;
	} else if (in->elements != o->elements) {
		return lower_fail(p, "input and output must be of one size");
	}
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->builtin = b;
	s->type = in->type;
	s->count = o->elements;
	/* elementwise.cc GenericPrepare: quantized int16 has zero points 0. */
	s->quantized = in->type == NPU_TYPE_INT16 && b != NPU_BUILTIN_NEG &&
		       lower_quantized(in);
	if (s->quantized) {
		s->in_scale = cpu_scale(in);
		s->out_scale = cpu_scale(o);
		if (!lower_quantized(o) || cpu_zero_point(in) ||
		    cpu_zero_point(o) || !(s->in_scale > 0) ||
		    !(s->out_scale > 0)) {
			free(s);
			return lower_fail(p, "int16 %s needs quantized input and output with zero points 0 (TFLite's check)",
					  npu_op_name(b));
		}
		if (b == NPU_BUILTIN_ABS && s->in_scale != s->out_scale &&
		    npu_cpu_quantize_multiplier((double)(s->in_scale / s->out_scale),
						&s->mult, &s->shift)) {
			free(s);
			return lower_bad_scale(p, "ABS");
		}
	}
	*state = s;
	return 0;
}

/* TFLite's float kernels (reference_ops hard_swish.h, elementwise.cc, gelu.h, elu). */
static float float_one(int32_t builtin, bool approximate, float x)
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
	case NPU_BUILTIN_ELU:
		return x < 0.0f ? expm1f(x) : x;
	case NPU_BUILTIN_GELU:
		if (approximate)
			return 0.5f * x * (1.0f + tanhf((float)(M_2_SQRTPI * M_SQRT1_2) * x *
							(1.0f + 0.044715f * x * x)));
		return 0.5f * x * erfcf(x * (float)-M_SQRT1_2);
	default: /* NEG */
		return -x;
	}
}

static int16_t sat16(int32_t v)
{
	return (int16_t)(v < -32768 ? -32768 : v > 32767 ? 32767 : v);
}

/* elementwise.cc's int16 ABS and SQRT, neg.cc's NEG (zero points 0). */
static int int16_one(const struct unary_state *s, int16_t x, int16_t *r,
		     const struct npu_cpu_kernel_args *a)
{
	switch (s->builtin) {
	case NPU_BUILTIN_NEG:
		*r = (int16_t)(uint16_t)-(int32_t)x;
		return 0;
	case NPU_BUILTIN_ABS: {
		const int32_t v = x < 0 ? -(int32_t)x : x;

		if (!s->quantized)
			*r = (int16_t)(uint16_t)v;	/* -32768 stays */
		else
			*r = sat16(s->in_scale == s->out_scale ? v :
				   npu_fw_mbqm(v, s->mult, s->shift));
		return 0;
	}
	default: { /* SQRT: truncated (SqrtEvalQuantized) */
		const float deq = s->in_scale * (float)x;

		if (!s->quantized || deq < 0.0f) {
			cpu_msg(a->err, a->errlen, "%s",
				s->quantized ? "SQRT is only defined for non-negative values" :
					       "int16 SQRT needs quantized tensors");
			return -EINVAL;
		}
		*r = sat16((int32_t)(sqrtf(deq) / s->out_scale));
		return 0;
	}
	}
}

static int unary_invoke(const struct npu_cpu_kernel_args *a, void *state)
{
	const struct unary_state *s = state;
	const bool approx = a->op->options_kind == NPU_OPTS_GELU &&
			    a->op->options.gelu.approximate;

	if (s->type == NPU_TYPE_INT32) {
		const int32_t *in = a->inputs[0];
		int32_t *out = a->outputs[0];

		/* std::abs(INT32_MIN) stays INT32_MIN on TFLite's platforms. */
		for (size_t i = 0; i < s->count; i++)
			out[i] = in[i] < 0 ? (int32_t)(0u - (uint32_t)in[i]) : in[i];
		return 0;
	}
	if (s->type == NPU_TYPE_INT16) {
		const int16_t *in = a->inputs[0];
		int16_t *out = a->outputs[0];

		for (size_t i = 0; i < s->count; i++) {
			int ret = int16_one(s, in[i], &out[i], a);

			if (ret)
				return ret;
		}
		return 0;
	}
	for (size_t i = 0; i < s->count; i++)
		((float *)a->outputs[0])[i] =
			float_one(s->builtin, approx, ((const float *)a->inputs[0])[i]);
	return 0;
}

static const struct cpu_kernel unary_kernel = {
	.prepare = unary_prepare,
	.invoke = unary_invoke,
};

const struct npu_builtin_impl npu_builtin_unary_lut = {
	.lower = lower_unary_lut,
	.float_kernel = &unary_kernel,
	.float_takes_int = true,
	.output_shape = lower_shape_same,
};
