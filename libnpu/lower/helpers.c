// SPDX-License-Identifier: MIT
/*
 * The lowering's shared helpers (lower.h).  With the builtins' files they
 * are TFLite's Prepare, once: from a graph op and its tensors' float
 * scales, zero points and options, compute what TFLite (Micro)'s reference
 * Prepare computes and fill the firmware's command parameter structures.
 *
 * Sources followed, per op (tensorflow/tflite-micro):
 *   kernel_util.cc   PopulateConvolutionQuantizationParams,
 *                    GetQuantizedConvolutionMultipler,
 *                    CalculateActivationRangeQuantized
 *   padding.h        ComputePaddingHeightWidth
 *   conv_common.cc, depthwise_conv_common.cc, transpose_conv.cc,
 *   fully_connected_common.cc, add_common.cc, sub_common.cc, mul_common.cc,
 *   pooling_common.cc, reduce_common.cc, pad.cc, concatenation.cc,
 *   strided_slice.cc, leaky_relu_common.cc, logistic_common.cc, tanh.cc.
 * Where TFLite computes in float before widening to double (LEAKY_RELU,
 * FULLY_CONNECTED's per-tensor scale, SVDF) this does the same: the
 * rounding of the float product is part of the result.
 */
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lower.h"

/* ---- TFLite helpers ---- */

int npu_cpu_quantize_multiplier(double real, int32_t *multiplier,
				 int32_t *shift)
{
	int s, ret;

	ret = npu_host_quantize_multiplier(real, multiplier, &s);
	*shift = s;
	return ret;
}

/* TFLite's Quantize() in kernel_util.cc: float division, round, add zp. */
static int quantize_bound(float scale, int32_t zero_point, float f,
			  int32_t *q)
{
	const float tmp = roundf(f / scale);

	if (!(tmp >= -2147483648.0f && tmp <= 2147483520.0f))
		return -EINVAL;
	*q = zero_point + (int32_t)tmp;
	return 0;
}

int npu_cpu_activation_range(int32_t act, enum npu_type type, float scale,
			     int32_t zero_point, int32_t *act_min,
			     int32_t *act_max)
{
	static const struct {
		int32_t act;
		enum npu_host_act host;
		float lo, hi;	/* bounds TFLite quantizes */
	} acts[] = {
		{ NPU_ACT_NONE, NPU_HOST_ACT_NONE, 0.0f, 0.0f },
		{ NPU_ACT_RELU, NPU_HOST_ACT_RELU, 0.0f, 0.0f },
		{ NPU_ACT_RELU6, NPU_HOST_ACT_RELU6, 0.0f, 6.0f },
		{ NPU_ACT_RELU_N1_TO_1, NPU_HOST_ACT_RELU_N1_TO_1, -1.0f, 1.0f },
	};
	uint32_t dtype;
	int32_t q;

	if (type == NPU_TYPE_INT8)
		dtype = NPU_DTYPE_INT8;
	else if (type == NPU_TYPE_UINT8)
		dtype = NPU_DTYPE_UINT8;
	else if (type == NPU_TYPE_INT16)
		dtype = NPU_DTYPE_INT16;
	else
		return -ENOTSUP;
	for (size_t i = 0; i < sizeof(acts) / sizeof(acts[0]); i++) {
		if (acts[i].act != act)
			continue;
		/* TFLite's Quantize() refuses bounds that overflow int32. */
		if (act != NPU_ACT_NONE &&
		    (quantize_bound(scale, zero_point, acts[i].lo, &q) ||
		     quantize_bound(scale, zero_point, acts[i].hi, &q)))
			return -EINVAL;
		npu_host_activation_range(acts[i].host, scale, zero_point,
					  dtype, act_min, act_max);
		return 0;
	}
	return -ENOTSUP;
}

/* Saturates a 64-bit size into int32 (sizes compared with tensor dims). */
static int32_t sat_i32(int64_t v)
{
	return v > INT32_MAX ? INT32_MAX : v < INT32_MIN ? INT32_MIN : (int32_t)v;
}

/*
 * The window arithmetic in 64 bits: a stride, dilation or filter near
 * INT32_MAX from a hostile file must not overflow.
 */
int32_t npu_cpu_out_size(int32_t padding, int32_t in, int32_t filter,
			 int32_t stride, int32_t dilation)
{
	const int64_t effective_filter = ((int64_t)filter - 1) * dilation + 1;

	if (stride <= 0)
		return 0;
	switch (padding) {
	case NPU_PADDING_SAME:
		return sat_i32(((int64_t)in + stride - 1) / stride);
	case NPU_PADDING_VALID:
		/* A window wider than the input leaves nothing: 0, not < 0. */
		if ((int64_t)in + stride - effective_filter < 0)
			return 0;
		return sat_i32(((int64_t)in + stride - effective_filter) / stride);
	default:
		return 0;
	}
}

int32_t npu_cpu_padding(int32_t in, int32_t filter, int32_t stride,
			int32_t dilation, int32_t out, int32_t *offset)
{
	const int64_t effective_filter = ((int64_t)filter - 1) * dilation + 1;
	int64_t total = ((int64_t)out - 1) * stride + effective_filter - in;

	if (total < 0)
		total = 0;
	if (offset)
		*offset = (int32_t)(total % 2);
	return sat_i32(total / 2);
}

int lower_window_padding(const struct cpu_prep *p, int32_t padding, int32_t explicit_pad,
			 int32_t in, int32_t filter, int32_t stride, int32_t dilation,
			 int32_t out, uint16_t *pad)
{
	const int64_t extent = ((int64_t)filter - 1) * dilation + 1;
	int32_t lo, hi;

	if (padding != NPU_PADDING_EXPLICIT) {
		if (explicit_pad)
			return lower_fail(p, "explicit padding %d with padding %s", explicit_pad,
					  padding == NPU_PADDING_SAME ? "SAME" : "VALID");
		if (npu_cpu_out_size(padding, in, filter, stride, dilation) != out)
			return lower_fail(p, "output size %d, padding %s gives %d", out,
					  padding == NPU_PADDING_SAME ? "SAME" : "VALID",
					  npu_cpu_out_size(padding, in, filter, stride, dilation));
		*pad = (uint16_t)npu_cpu_padding(in, filter, stride, dilation, out, NULL);
		return 0;
	}
	/* A folded PAD: VALID on the input padded by explicit_pad before and
	 * 0 .. extent - 1 after (more would leave windows wholly in it). */
	if (explicit_pad < 0 || explicit_pad >= extent ||
	    (int64_t)in + explicit_pad + extent > INT32_MAX)
		return lower_fail(p, "explicit padding %d with a window of %lld", explicit_pad,
				  (long long)extent);
	lo = npu_cpu_out_size(NPU_PADDING_VALID, in + explicit_pad, filter, stride, dilation);
	hi = npu_cpu_out_size(NPU_PADDING_VALID, in + explicit_pad + (int32_t)extent - 1, filter,
			      stride, dilation);
	if (out < lo || out > hi || out < 1)
		return lower_fail(p, "output size %d, explicit padding %d gives %d to %d", out,
				  explicit_pad, lo, hi);
	*pad = (uint16_t)explicit_pad;
	return 0;
}

int lower_no_explicit_pad(const struct cpu_prep *p)
{
	const struct npu_graph_op *op = p->op;
	bool pad = (op->options_kind == NPU_OPTS_CONV &&
		    (op->options.conv.padding == NPU_PADDING_EXPLICIT ||
		     op->options.conv.pad_top || op->options.conv.pad_left)) ||
		   (op->options_kind == NPU_OPTS_POOL &&
		    (op->options.pool.padding == NPU_PADDING_EXPLICIT ||
		     op->options.pool.pad_top || op->options.pool.pad_left));

	if (!pad)
		return 0;
	cpu_msg(p->err, p->errlen, "explicit padding is only for quantized %s",
		npu_op_name(op->builtin));
	return -EINVAL;
}

/* ---- lowering: messages, operands, checks ---- */

__attribute__((format(printf, 2, 3)))
int lower_fail(const struct cpu_prep *p, const char *fmt, ...)
{
	va_list ap;

	if (p->err && p->errlen) {
		va_start(ap, fmt);
		vsnprintf(p->err, p->errlen, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

/* A parameter helper refused an effective scale (NaN, inf, <= 0, tiny). */
int lower_bad_scale(const struct cpu_prep *p, const char *what)
{
	return lower_fail(p, "%s: effective scale %s is not a positive finite number",
		    npu_op_name(p->op->builtin), what);
}

const struct npu_graph_tensor *lower_in(const struct cpu_prep *p, uint32_t i)
{
	return cpu_in(p->g, p->op, i);
}

const struct npu_graph_tensor *lower_out(const struct cpu_prep *p, uint32_t i)
{
	return cpu_out(p->g, p->op, i);
}

struct npu_cpu_cmd *lower_add_cmd(const struct cpu_prep *p, uint32_t opcode,
				   uint32_t input)
{
	struct npu_cpu_prepared *o = p->out;
	struct npu_cpu_cmd *c;

	c = realloc(o->cmds, (o->num_cmds + 1) * sizeof(*c));
	if (!c)
		return NULL;
	o->cmds = c;
	c = &o->cmds[o->num_cmds++];
	memset(c, 0, sizeof(*c));
	c->opcode = opcode;
	c->input = input;
	return c;
}

/* Command-stream element type of a graph type, 0 if none. */
static uint8_t cs_dtype(enum npu_type t, bool movement)
{
	switch (t) {
	case NPU_TYPE_INT8:
		return NPU_DTYPE_INT8;
	case NPU_TYPE_INT16:
		return NPU_DTYPE_INT16;
	case NPU_TYPE_INT32:
		return NPU_DTYPE_INT32;
	case NPU_TYPE_INT64:
		return NPU_DTYPE_INT64;
	case NPU_TYPE_UINT8:
		return NPU_DTYPE_UINT8;
	/* Data movement only looks at the element size. */
	case NPU_TYPE_FLOAT32:
		return movement ? NPU_DTYPE_INT32 : 0;
	case NPU_TYPE_BOOL:
		return movement ? NPU_DTYPE_UINT8 : 0;
	default:
		return 0;
	}
}

/* Command-stream type of operand @t, or -ENOTSUP naming it. */
static int operand_dtype(const struct cpu_prep *p, const struct npu_graph_tensor *t,
			 bool movement, const char *what, uint8_t *dt)
{
	*dt = cs_dtype(t->type, movement);
	if (*dt)
		return 0;
	cpu_msg(p->err, p->errlen, "%s type %s has no NPU kernel", what,
		npu_type_name(t->type));
	return -ENOTSUP;
}

/*
 * Describe @t as a command operand of @rank dims (>= t->rank: leading 1s
 * are prepended, as TFLite's broadcasting and 4-D extension do).
 */
int lower_set_tensor(const struct cpu_prep *p, struct npu_tensor *d,
		      const struct npu_graph_tensor *t, uint32_t rank,
		      bool movement, const char *what)
{
	uint32_t dims[NPU_CS_MAX_DIMS];
	uint8_t dt;
	int ret = operand_dtype(p, t, movement, what, &dt);

	if (ret)
		return ret;
	if (rank < (uint32_t)t->rank)
		rank = (uint32_t)t->rank;
	if (rank > NPU_CS_MAX_DIMS) {
		cpu_msg(p->err, p->errlen, "%s has rank %u, kernels take %u",
			what, rank, NPU_CS_MAX_DIMS);
		return -ENOTSUP;
	}
	for (uint32_t i = 0; i < rank; i++) {
		const int32_t src = (int32_t)i - (int32_t)(rank - t->rank);
		const int32_t v = src < 0 ? 1 : t->shape[src];

		if (v <= 0)
			return lower_fail(p, "%s has an empty dimension", what);
		dims[i] = (uint32_t)v;
	}
	npu_tensor_set(d, 0, dt, cpu_zero_point(t), rank, dims);
	return 0;
}

int lower_binary_io(const struct cpu_prep *p, const struct npu_graph_tensor **in0,
		    const struct npu_graph_tensor **in1, const struct npu_graph_tensor **out)
{
	int ret = cpu_need_io(p, 2, 2, 1);

	if (ret)
		return ret;
	*in0 = lower_in(p, 0);
	*in1 = lower_in(p, 1);
	*out = lower_out(p, 0);
	return 0;
}

uint32_t lower_cmd_dims(const struct npu_graph_tensor *t, uint32_t *dims)
{
	if (t->rank > NPU_CS_MAX_DIMS)
		return 0;
	for (int i = 0; i < t->rank; i++)
		dims[i] = (uint32_t)t->shape[i];
	if (!t->rank)
		dims[0] = 1;
	return t->rank ? (uint32_t)t->rank : 1;
}

/* Set @d to @dims (rank @rank) with the type and zero point of @t. */
int lower_set_tensor_dims(const struct cpu_prep *p, struct npu_tensor *d,
			   const struct npu_graph_tensor *t, uint32_t rank,
			   const uint32_t *dims, const char *what)
{
	uint8_t dt;
	int ret = operand_dtype(p, t, false, what, &dt);

	if (!ret)
		npu_tensor_set(d, 0, dt, cpu_zero_point(t), rank, dims);
	return ret;
}

/* The usual input and output operands, both @rank-extended. */
int lower_set_in_out(const struct cpu_prep *p, struct npu_tensor *din,
		      struct npu_tensor *dout, const struct npu_graph_tensor *in,
		      const struct npu_graph_tensor *out, uint32_t rank,
		      bool movement)
{
	int ret = lower_set_tensor(p, din, in, rank, movement, "input");

	return ret ? ret : lower_set_tensor(p, dout, out, rank, movement, "output");
}

/* Unary ops with kernels for int8 and int16, input type = output type. */
int lower_need_s8_s16(const struct cpu_prep *p, const struct npu_graph_tensor *in,
		       const struct npu_graph_tensor *out, const char *what)
{
	if (in->type == out->type &&
	    (in->type == NPU_TYPE_INT8 || in->type == NPU_TYPE_INT16))
		return 0;
	cpu_msg(p->err, p->errlen, "%s %s has no NPU kernel",
		npu_type_name(in->type), what);
	return -ENOTSUP;
}

int lower_need_s8_s16_u8(const struct cpu_prep *p,
			 const struct npu_graph_tensor *in,
			 const struct npu_graph_tensor *out, const char *what)
{
	if (in->type == NPU_TYPE_UINT8 && out->type == NPU_TYPE_UINT8)
		return 0;
	return lower_need_s8_s16(p, in, out, what);
}

int lower_need_const_int(const struct cpu_prep *p, const struct npu_graph_tensor *t,
			  const char *what)
{
	if (!t || !t->data || t->is_variable ||
	    (t->type != NPU_TYPE_INT32 && t->type != NPU_TYPE_INT64))
		return lower_fail(p, "%s must be a constant int32 tensor", what);
	return 0;
}

int64_t lower_const_int(const struct npu_graph_tensor *t, size_t i)
{
	if (t->type == NPU_TYPE_INT64)
		return ((const int64_t *)t->data)[i];
	return ((const int32_t *)t->data)[i];
}

int64_t lower_load_int(const void *data, enum npu_type type, size_t i)
{
	switch (type) {
	case NPU_TYPE_INT8:
		return ((const int8_t *)data)[i];
	case NPU_TYPE_UINT8:
	case NPU_TYPE_BOOL:
		return ((const uint8_t *)data)[i];
	case NPU_TYPE_INT16:
		return ((const int16_t *)data)[i];
	case NPU_TYPE_INT32:
		return ((const int32_t *)data)[i];
	default:
		return ((const int64_t *)data)[i];
	}
}

bool lower_quantized(const struct npu_graph_tensor *t)
{
	return t->quant.count > 0;
}

int lower_need_quant(const struct cpu_prep *p, const struct npu_graph_tensor *t,
		      const char *what)
{
	if (!lower_quantized(t))
		return lower_fail(p, "%s is not quantized", what);
	if (!(t->quant.scale[0] > 0.0f) || !isfinite(t->quant.scale[0]))
		return lower_fail(p, "%s has scale %g", what, t->quant.scale[0]);
	return 0;
}

int lower_need_quant_in_out(const struct cpu_prep *p, const struct npu_graph_tensor *in,
			     const struct npu_graph_tensor *out)
{
	int ret = lower_need_quant(p, in, "input");

	return ret ? ret : lower_need_quant(p, out, "output");
}

int lower_need_quant_binary(const struct cpu_prep *p, const struct npu_graph_tensor *a,
			    const struct npu_graph_tensor *b, const struct npu_graph_tensor *out)
{
	int ret = lower_need_quant(p, a, "input 0");

	if (!ret)
		ret = lower_need_quant(p, b, "input 1");
	return ret ? ret : lower_need_quant(p, out, "output");
}

int lower_act_range(const struct cpu_prep *p, int32_t act,
		     const struct npu_graph_tensor *out, int32_t *lo,
		     int32_t *hi)
{
	int ret = npu_cpu_activation_range(act, out->type, cpu_scale(out),
					   cpu_zero_point(out), lo, hi);

	if (ret == -ENOTSUP)
		cpu_msg(p->err, p->errlen,
			"fused activation %s is not supported",
			npu_activation_name(act));
	else if (ret)
		lower_fail(p, "fused activation %s bound overflows",
		     npu_activation_name(act));
	return ret;
}

int lower_same_quant(const struct cpu_prep *p, const struct npu_graph_tensor *a,
		      const struct npu_graph_tensor *b, const char *what)
{
	if (a->type != b->type)
		return lower_fail(p, "%s type %s differs from output type %s", what,
			    npu_type_name(a->type), npu_type_name(b->type));
	if (lower_quantized(a) != lower_quantized(b) ||
	    cpu_zero_point(a) != cpu_zero_point(b) ||
	    cpu_scale(a) != cpu_scale(b))
		return lower_fail(p, "%s quantization differs from the output's",
			    what);
	return 0;
}

/* ---- convolutions and fully connected ---- */

/* 16x8 kernels take int64 bias: widen int32/int16 biases once. */
int lower_widen_bias(const struct cpu_prep *p, const struct npu_graph_tensor *bias,
		      uint32_t channels)
{
	int64_t *b;

	if (!bias || bias->type == NPU_TYPE_INT64)
		return 0;
	if (bias->type != NPU_TYPE_INT32 && bias->type != NPU_TYPE_INT16)
		return lower_fail(p, "16x8 bias type %s", npu_type_name(bias->type));
	b = malloc(sizeof(*b) * channels);
	if (!b)
		return -ENOMEM;
	for (uint32_t c = 0; c < channels; c++)
		b[c] = bias->type == NPU_TYPE_INT32 ?
		       ((const int32_t *)bias->data)[c] :
		       ((const int16_t *)bias->data)[c];
	p->out->bias = b;
	p->out->bias_bytes = sizeof(*b) * channels;
	return 0;
}

/* Types and bias of a conv-like op; sets @is16. */
int lower_conv_types(const struct cpu_prep *p, const struct npu_graph_tensor *in,
		      const struct npu_graph_tensor *filter,
		      const struct npu_graph_tensor *bias,
		      const struct npu_graph_tensor *out, uint32_t channels,
		      bool *is16)
{
	int ret;

	if (in->type != out->type)
		return lower_fail(p, "input is %s but output is %s",
			    npu_type_name(in->type), npu_type_name(out->type));
	if (in->type == NPU_TYPE_INT8 && filter->type == NPU_TYPE_INT8) {
		*is16 = false;
		if (bias && bias->type != NPU_TYPE_INT32)
			return lower_fail(p, "int8 op needs an int32 bias, not %s",
				    npu_type_name(bias->type));
	} else if (in->type == NPU_TYPE_INT16 && filter->type == NPU_TYPE_INT8) {
		*is16 = true;
		if (cpu_zero_point(in) || cpu_zero_point(out))
			return lower_fail(p, "16x8 op needs zero points 0");
	} else if (in->type == NPU_TYPE_UINT8 && filter->type == NPU_TYPE_UINT8) {
		/* Legacy asymmetric: per-tensor only (TFLite's check). */
		*is16 = false;
		if (bias && bias->type != NPU_TYPE_INT32)
			return lower_fail(p, "uint8 op needs an int32 bias, not %s",
					  npu_type_name(bias->type));
		if (filter->quant.count > 1)
			return lower_fail(p, "uint8 filter has %u scales: per-channel quantization needs int8",
					  filter->quant.count);
	} else {
		cpu_msg(p->err, p->errlen,
			"%s input with %s weights has no NPU kernel",
			npu_type_name(in->type), npu_type_name(filter->type));
		return -ENOTSUP;
	}
	ret = lower_need_quant_in_out(p, in, out);
	if (ret)
		return ret;
	/* Pruned channels may have scale 0: QuantizeMultiplier gives 0. */
	if (!lower_quantized(filter))
		return lower_fail(p, "filter is not quantized");
	for (uint32_t c = 0; c < filter->quant.count; c++)
		if (!(filter->quant.scale[c] >= 0.0f) ||
		    !isfinite(filter->quant.scale[c]))
			return lower_fail(p, "filter scale %u is %g", c,
				    filter->quant.scale[c]);
	if (bias) {
		if (!bias->data)
			return lower_fail(p, "bias must be constant");
		if (bias->elements != channels)
			return lower_fail(p, "bias has %zu elements for %u channels",
				    bias->elements, channels);
	}
	if (*is16)
		return lower_widen_bias(p, bias, channels);
	return 0;
}

/*
 * TFLite PopulateConvolutionQuantizationParams() per-channel part: one
 * multiplier per output channel (per-tensor filter scales are broadcast),
 * effective scale in double.
 */
int lower_per_channel(const struct cpu_prep *p, const struct npu_graph_tensor *in,
		       const struct npu_graph_tensor *filter,
		       const struct npu_graph_tensor *out, uint32_t channels,
		       int32_t quant_dim, struct npu_requant *rq)
{
	struct npu_cpu_prepared *o = p->out;
	const bool is_per_channel = filter->quant.count > 1;

	/* uint8: the legacy per-tensor multiplier (float product). */
	if (in->type == NPU_TYPE_UINT8) {
		if (npu_host_fc_multiplier(cpu_scale(in), cpu_scale(filter),
					   cpu_scale(out), &rq->multiplier,
					   &rq->shift))
			return lower_bad_scale(p, "input*filter/output");
		return 0;
	}
	if (is_per_channel &&
	    (filter->quant.count != channels ||
	     filter->quant.quantized_dimension != quant_dim))
		return lower_fail(p, "filter has %u scales along dimension %d, expected %u along %d",
			    filter->quant.count,
			    filter->quant.quantized_dimension, channels,
			    quant_dim);
	o->mult = malloc(sizeof(int32_t) * channels);
	o->shift = malloc(sizeof(int32_t) * channels);
	if (!o->mult || !o->shift)
		return -ENOMEM;
	o->channels = channels;
	rq->count = channels;
	if (npu_host_conv_multipliers(cpu_scale(in), filter->quant.scale,
				      is_per_channel ? channels : 1,
				      cpu_scale(out), channels, o->mult,
				      o->shift))
		return lower_bad_scale(p, "input*filter/output");
	return 0;
}

int lower_need_conv_tensors(const struct cpu_prep *p, const struct npu_graph_tensor *in,
			     const struct npu_graph_tensor *filter,
			     const struct npu_graph_tensor *out)
{
	if (in->rank != 4 || filter->rank != 4 || out->rank != 4)
		return lower_fail(p, "input, filter and output must be 4-D");
	if (!filter->data)
		return lower_fail(p, "filter must be constant");
	return 0;
}

/* A conv-family command with its three 4-D tensor operands. */
int lower_add_conv_cmd(const struct cpu_prep *p, uint32_t opcode, uint32_t input,
			const struct npu_graph_tensor *in,
			const struct npu_graph_tensor *filter,
			const struct npu_graph_tensor *out,
			struct npu_conv_params **conv)
{
	struct npu_cpu_cmd *cmd = lower_add_cmd(p, opcode, input);
	struct npu_conv_params *c;
	int ret;

	if (!cmd)
		return -ENOMEM;
	c = &cmd->params.conv;
	ret = lower_set_in_out(p, &c->input, &c->output, in, out, 4, false);
	if (!ret)
		ret = lower_set_tensor(p, &c->filter, filter, 4, false, "filter");
	/* The int8 kernels ignore a filter zero point, as TFLite's
	 * per-channel conv does; uint8 filters are offset by theirs. */
	if (filter->type != NPU_TYPE_UINT8)
		c->filter.zero_point = 0;
	*conv = c;
	return ret;
}

/* ---- elementwise ---- */

int lower_broadcast_shapes(const struct cpu_prep *p, struct npu_eltwise_params *e,
			    const struct npu_graph_tensor *a,
			    const struct npu_graph_tensor *b,
			    const struct npu_graph_tensor *out)
{
	const uint32_t rank = (uint32_t)out->rank ? (uint32_t)out->rank : 1;
	int ret;

	if (a->rank > out->rank || b->rank > out->rank)
		return lower_fail(p, "inputs have a higher rank than the output");
	ret = lower_set_tensor(p, &e->input1, a, rank, false, "input 0");
	if (!ret)
		ret = lower_set_tensor(p, &e->input2, b, rank, false, "input 1");
	if (!ret)
		ret = lower_set_tensor(p, &e->output, out, rank, false, "output");
	if (ret)
		return ret;
	for (uint32_t i = 0; i < rank; i++) {
		const uint32_t o = e->output.dims[i];

		if ((e->input1.dims[i] != o && e->input1.dims[i] != 1) ||
		    (e->input2.dims[i] != o && e->input2.dims[i] != 1))
			return lower_fail(p, "inputs do not broadcast to the output shape");
	}
	return 0;
}

/* ---- float paths ---- */

bool lower_all_float(const struct cpu_prep *p)
{
	for (uint32_t i = 0; i < p->op->num_inputs; i++) {
		const struct npu_graph_tensor *t = cpu_in(p->g, p->op, i);

		/* Shape / axis / perm inputs are integers. */
		if (t && t->type != NPU_TYPE_FLOAT32 && t->type != NPU_TYPE_INT32)
			return false;
	}
	return cpu_out(p->g, p->op, 0) &&
	       cpu_out(p->g, p->op, 0)->type == NPU_TYPE_FLOAT32;
}

int lower_float_act_supported(const struct cpu_prep *p, int32_t act)
{
	if (act == NPU_ACT_NONE || act == NPU_ACT_RELU ||
	    act == NPU_ACT_RELU6 || act == NPU_ACT_RELU_N1_TO_1)
		return 0;
	cpu_msg(p->err, p->errlen, "fused activation %s is not supported",
		npu_activation_name(act));
	return -ENOTSUP;
}

static void strides_for(const struct npu_graph_tensor *t, uint32_t rank,
			const int32_t *odims, size_t *strides)
{
	size_t stride = 1;

	for (int i = (int)rank - 1; i >= 0; i--) {
		const int src = i - (int)(rank - (uint32_t)t->rank);
		const int32_t d = src < 0 ? 1 : t->shape[src];

		strides[i] = d == 1 && odims[i] != 1 ? 0 : stride;
		stride *= (size_t)d;
	}
}

static int bcast_geometry(const struct cpu_prep *p, struct lower_bcast *s,
			  const struct npu_graph_tensor *a,
			  const struct npu_graph_tensor *b,
			  const struct npu_graph_tensor *out);

static int bcast_shapes(const struct cpu_prep *p, struct lower_bcast *s)
{
	const struct npu_graph_tensor *a, *b, *out;
	int32_t act;
	int ret;

	ret = cpu_need_io(p, 2, 2, 1);
	if (ret)
		return ret;
	a = cpu_in(p->g, p->op, 0);
	b = cpu_in(p->g, p->op, 1);
	out = cpu_out(p->g, p->op, 0);
	/* int32 arithmetic as TFLite's (ADD, SUB, MUL, DIV, FLOOR_DIV). */
	if (a && b && out && a->type == NPU_TYPE_INT32 &&
	    b->type == NPU_TYPE_INT32 && out->type == NPU_TYPE_INT32 &&
	    !a->quant.count && !b->quant.count && !out->quant.count) {
		s->type = NPU_TYPE_INT32;
	} else if (!lower_all_float(p) || a->type != NPU_TYPE_FLOAT32 ||
		   b->type != NPU_TYPE_FLOAT32) {
		cpu_msg(p->err, p->errlen, "mixed float and integer tensors");
		return -ENOTSUP;
	} else {
		s->type = NPU_TYPE_FLOAT32;
	}
	act = p->op->options_kind == NPU_OPTS_ELTWISE ?
	      p->op->options.eltwise.activation : NPU_ACT_NONE;
	ret = lower_float_act_supported(p, act);
	if (ret)
		return ret;
	ret = bcast_geometry(p, s, a, b, out);
	if (ret)
		return ret;
	cpu_float_activation_range(act, &s->act_min, &s->act_max);
	/* CalculateActivationRange<int32_t>: the float bounds, as integers. */
	s->iact_min = act == NPU_ACT_NONE ? INT32_MIN : (int32_t)s->act_min;
	s->iact_max = act == NPU_ACT_NONE || act == NPU_ACT_RELU ? INT32_MAX :
		      (int32_t)s->act_max;
	return 0;
}

int lower_bcast_geometry(const struct cpu_prep *p, struct lower_bcast *s)
{
	int ret = cpu_need_io(p, 2, 2, 1);

	if (ret)
		return ret;
	s->builtin = p->op->builtin;
	s->type = cpu_out(p->g, p->op, 0)->type;
	return bcast_geometry(p, s, cpu_in(p->g, p->op, 0),
			      cpu_in(p->g, p->op, 1), cpu_out(p->g, p->op, 0));
}

/* Output dims, input strides and count of a broadcast binary op. */
static int bcast_geometry(const struct cpu_prep *p, struct lower_bcast *s,
			  const struct npu_graph_tensor *a,
			  const struct npu_graph_tensor *b,
			  const struct npu_graph_tensor *out)
{
	if (a->rank > out->rank || b->rank > out->rank) {
		cpu_msg(p->err, p->errlen, "inputs have a higher rank than the output");
		return -EINVAL;
	}
	s->rank = (uint32_t)out->rank;
	for (uint32_t i = 0; i < s->rank; i++) {
		const int ia = (int)i - (int)(s->rank - (uint32_t)a->rank);
		const int ib = (int)i - (int)(s->rank - (uint32_t)b->rank);
		const int32_t da = ia < 0 ? 1 : a->shape[ia];
		const int32_t db = ib < 0 ? 1 : b->shape[ib];

		s->odims[i] = out->shape[i];
		if ((da != out->shape[i] && da != 1) ||
		    (db != out->shape[i] && db != 1)) {
			cpu_msg(p->err, p->errlen,
				"inputs do not broadcast to the output shape");
			return -EINVAL;
		}
	}
	strides_for(a, s->rank, s->odims, s->s1);
	strides_for(b, s->rank, s->odims, s->s2);
	s->count = out->elements;
	return 0;
}

int lower_float_bcast_prepare(const struct cpu_prep *p, void **state)
{
	struct lower_bcast *s = calloc(1, sizeof(*s));
	int ret;

	if (!s)
		return -ENOMEM;
	s->builtin = p->op->builtin;
	ret = bcast_shapes(p, s);
	if (ret) {
		free(s);
		return ret;
	}
	*state = s;
	return 0;
}

int lower_float_unary_check(const struct cpu_prep *p)
{
	int ret = cpu_need_io(p, 1, 1, 1);

	if (ret)
		return ret;
	/* lower_all_float() lets integer inputs through (axes): the data must be float. */
	if (!lower_all_float(p) || cpu_in(p->g, p->op, 0)->type != NPU_TYPE_FLOAT32 ||
	    cpu_in(p->g, p->op, 0)->elements != cpu_out(p->g, p->op, 0)->elements) {
		cpu_msg(p->err, p->errlen, "needs float input and output of one size");
		return -ENOTSUP;
	}
	return 0;
}

int lower_int32_bcast_run(const struct lower_bcast *s,
			  const struct npu_cpu_kernel_args *a,
			  int (*fn)(int32_t x, int32_t y, int32_t *r))
{
	const int32_t *x = a->inputs[0], *y = a->inputs[1];
	int32_t *out = a->outputs[0];
	int32_t idx[MAX_RANK] = { 0 };
	size_t o1 = 0, o2 = 0;

	for (size_t i = 0; i < s->count; i++) {
		int32_t v;
		int ret = fn(x[o1], y[o2], &v);

		if (ret)
			return ret;
		out[i] = v < s->iact_min ? s->iact_min :
			 v > s->iact_max ? s->iact_max : v;
		lower_bcast_next(s, idx, &o1, &o2);
	}
	return 0;
}

void lower_float_bcast_run(const struct lower_bcast *s, const struct npu_cpu_kernel_args *a,
			   float (*fn)(float x, float y))
{
	const float *x = a->inputs[0], *y = a->inputs[1];
	float *out = a->outputs[0];
	int32_t idx[MAX_RANK] = { 0 };
	size_t o1 = 0, o2 = 0;

	for (size_t i = 0; i < s->count; i++) {
		out[i] = lower_clampf(fn(x[o1], y[o2]), s->act_min, s->act_max);
		lower_bcast_next(s, idx, &o1, &o2);
	}
}

int lower_float_unary_prepare(const struct cpu_prep *p, void **state)
{
	struct lower_unary *s;
	int ret = lower_float_unary_check(p);

	if (ret)
		return ret;
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->builtin = p->op->builtin;
	s->count = cpu_out(p->g, p->op, 0)->elements;
	*state = s;
	return 0;
}

int lower_const_axes(const struct cpu_prep *p,
		     const struct npu_graph_tensor **in,
		     const struct npu_graph_tensor **out, uint32_t *mask)
{
	const struct npu_graph_tensor *axis;
	int ret = cpu_need_io(p, 2, 2, 1);

	if (ret)
		return ret;
	*in = lower_in(p, 0);
	axis = lower_in(p, 1);
	*out = lower_out(p, 0);
	if (!axis || !axis->data || axis->is_variable ||
	    (axis->type != NPU_TYPE_INT32 && axis->type != NPU_TYPE_INT64) ||
	    axis->rank > 1) {
		cpu_msg(p->err, p->errlen,
			"the axes must be a constant int32 vector");
		return -ENOTSUP;
	}
	if ((*in)->rank > MAX_RANK)
		return lower_fail(p, "rank %d is not supported", (*in)->rank);
	*mask = 0;
	for (size_t i = 0; i < axis->elements; i++) {
		int64_t a = lower_const_int(axis, i);

		if (a < 0)
			a += (*in)->rank;
		if (a < 0 || a >= (*in)->rank)
			return lower_fail(p, "axis %lld outside rank %d",
					  (long long)lower_const_int(axis, i),
					  (*in)->rank);
		*mask |= 1u << a;
	}
	return 0;
}

int lower_q8_last_axis_check(const struct cpu_prep *p, float out_scale,
			     int32_t zp_s8, int32_t zp_u8,
			     struct lower_last_axis *rows)
{
	const struct npu_graph_tensor *in, *o;
	int32_t zp;
	int ret = cpu_need_io(p, 1, 1, 1);

	if (ret)
		return ret;
	in = lower_in(p, 0);
	o = lower_out(p, 0);
	if ((in->type != NPU_TYPE_INT8 && in->type != NPU_TYPE_UINT8) ||
	    o->type != in->type) {
		cpu_msg(p->err, p->errlen, "%s %s has no kernel",
			npu_type_name(in->type), npu_op_name(p->op->builtin));
		return -ENOTSUP;
	}
	zp = in->type == NPU_TYPE_INT8 ? zp_s8 : zp_u8;
	if (!lower_quantized(in) || !lower_quantized(o) ||
	    cpu_scale(o) != out_scale || cpu_zero_point(o) != zp)
		return lower_fail(p, "output must be quantized %g, zero point %d (TFLite's check)",
				  (double)out_scale, zp);
	if (in->rank < 1 || in->elements != o->elements ||
	    !in->shape[in->rank - 1])
		return lower_fail(p, "input and output must have the same non-empty shape");
	rows->depth = (size_t)in->shape[in->rank - 1];
	rows->outer = in->elements / rows->depth;
	return 0;
}

int lower_float_last_axis_prepare(const struct cpu_prep *p, void **state)
{
	const struct npu_graph_tensor *in;
	struct lower_last_axis *s;
	int ret = lower_float_unary_check(p);

	if (ret)
		return ret;
	in = lower_in(p, 0);
	if (in->rank < 1)
		return lower_fail(p, "%s of a scalar", npu_op_name(p->op->builtin));
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->depth = (size_t)in->shape[in->rank - 1];
	s->outer = s->depth ? in->elements / s->depth : 0;
	*state = s;
	return 0;
}

/*
 * ---- output shapes ----
 * TFLite's Prepare resizes an output the converter left dynamic (-1 in
 * shape_signature, stored as 1); compiler/fold.c asks these in run order.
 */

const int32_t *lower_shape_ints(const struct npu_graph_tensor *t, size_t *n)
{
	if (!t || !t->data || t->is_variable || t->type != NPU_TYPE_INT32 || t->rank > 1 ||
	    t->elements > MAX_RANK)
		return NULL;
	*n = t->elements;
	return t->data;
}

/* numpy broadcasting of the @ra dims @a and the @rb dims @b, or -1. */
static int broadcast_dims(const int32_t *a, int ra, const int32_t *b, int rb, int32_t *dims)
{
	const int r = ra > rb ? ra : rb;

	for (int d = 0; d < r; d++) {
		const int32_t x = d - (r - ra) >= 0 ? a[d - (r - ra)] : 1;
		const int32_t y = d - (r - rb) >= 0 ? b[d - (r - rb)] : 1;

		if (x != y && x != 1 && y != 1)
			return -1;
		dims[d] = x == 1 ? y : x;
	}
	return r;
}

int lower_shape_same(const struct npu_graph *g, const struct npu_graph_op *op,
		     uint32_t o, int32_t *dims)
{
	const struct npu_graph_tensor *a = cpu_in(g, op, 0);

	if (o || !a)
		return -1;
	memcpy(dims, a->shape, sizeof(dims[0]) * (size_t)a->rank);
	return a->rank;
}

int lower_shape_broadcast(const struct npu_graph *g, const struct npu_graph_op *op,
			  uint32_t o, int32_t *dims)
{
	const struct npu_graph_tensor *a = cpu_in(g, op, 0);
	const struct npu_graph_tensor *b = cpu_in(g, op, 1);

	if (o || !a || !b)
		return -1;
	return broadcast_dims(a->shape, a->rank, b->shape, b->rank, dims);
}

int lower_shape_batch(const struct npu_graph *g, const struct npu_graph_op *op,
		      uint32_t o, int32_t *dims)
{
	const struct npu_graph_tensor *in = cpu_in(g, op, 0);
	const struct npu_graph_tensor *out = cpu_out(g, op, 0);

	if (o || !in || !out || in->rank != out->rank || in->rank < 1)
		return -1;
	memcpy(dims, out->shape, sizeof(dims[0]) * (size_t)out->rank);
	dims[0] = in->shape[0];
	return out->rank;
}

int lower_shape_reduce(const struct npu_graph *g, const struct npu_graph_op *op,
		       uint32_t o, int32_t *dims)
{
	/* No message: a refused case is the lowering's to name. */
	const struct cpu_prep p = { .g = g, .op = op };
	const bool keep = op->options_kind == NPU_OPTS_REDUCER && op->options.reducer.keep_dims;
	const struct npu_graph_tensor *in, *out;
	uint32_t mask;
	int r = 0;

	if (o || lower_const_axes(&p, &in, &out, &mask))
		return -1;
	for (int d = 0; d < in->rank; d++) {
		if (!(mask & (1u << d)))
			dims[r++] = in->shape[d];
		else if (keep)
			dims[r++] = 1;
	}
	return r;
}
