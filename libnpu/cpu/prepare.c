// SPDX-License-Identifier: MIT
/*
 * TFLite's Prepare, once: from a graph op and its tensors' float scales,
 * zero points and options, compute what TFLite (Micro)'s reference Prepare
 * computes and fill the firmware's command parameter structures.
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
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cpu_internal.h"
/* The firmware library's host-side parameter helpers (libnpufw.a). */
#include "../../firmware/host/npu_fw_host.h"

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

/* ---- plumbing ---- */

struct prep {
	const struct npu_graph *g;
	const struct npu_graph_op *op;
	char *err;
	size_t errlen;
	struct npu_cpu_prepared *out;
};

__attribute__((format(printf, 2, 3)))
static int fail(struct prep *p, const char *fmt, ...)
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
static int bad_scale(struct prep *p, const char *what)
{
	return fail(p, "%s: effective scale %s is not a positive finite number",
		    npu_op_name(p->op->builtin), what);
}

static const struct npu_graph_tensor *in_t(struct prep *p, uint32_t i)
{
	return cpu_in(p->g, p->op, i);
}

static const struct npu_graph_tensor *out_t(struct prep *p, uint32_t i)
{
	return cpu_out(p->g, p->op, i);
}

static struct npu_cpu_cmd *add_cmd(struct prep *p, uint32_t opcode,
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
static int operand_dtype(struct prep *p, const struct npu_graph_tensor *t,
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
static int set_tensor(struct prep *p, struct npu_tensor *d,
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
			return fail(p, "%s has an empty dimension", what);
		dims[i] = (uint32_t)v;
	}
	npu_tensor_set(d, 0, dt, cpu_zero_point(t), rank, dims);
	return 0;
}

/* Set @d to @dims (rank @rank) with the type and zero point of @t. */
static int set_tensor_dims(struct prep *p, struct npu_tensor *d,
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
static int set_in_out(struct prep *p, struct npu_tensor *din,
		      struct npu_tensor *dout, const struct npu_graph_tensor *in,
		      const struct npu_graph_tensor *out, uint32_t rank,
		      bool movement)
{
	int ret = set_tensor(p, din, in, rank, movement, "input");

	return ret ? ret : set_tensor(p, dout, out, rank, movement, "output");
}

/* Unary ops with kernels for int8 and int16, input type = output type. */
static int need_s8_s16(struct prep *p, const struct npu_graph_tensor *in,
		       const struct npu_graph_tensor *out, const char *what)
{
	if (in->type == out->type &&
	    (in->type == NPU_TYPE_INT8 || in->type == NPU_TYPE_INT16))
		return 0;
	cpu_msg(p->err, p->errlen, "%s %s has no NPU kernel",
		npu_type_name(in->type), what);
	return -ENOTSUP;
}

static int need_io(struct prep *p, uint32_t min_in, uint32_t max_in,
		   uint32_t outs)
{
	struct cpu_prep cp = {
		.g = p->g, .op = p->op, .err = p->err, .errlen = p->errlen,
	};

	return cpu_need_io(&cp, min_in, max_in, outs);
}

static int need_const_int(struct prep *p, const struct npu_graph_tensor *t,
			  const char *what)
{
	if (!t || !t->data || t->is_variable ||
	    (t->type != NPU_TYPE_INT32 && t->type != NPU_TYPE_INT64))
		return fail(p, "%s must be a constant int32 tensor", what);
	return 0;
}

static int64_t const_int(const struct npu_graph_tensor *t, size_t i)
{
	if (t->type == NPU_TYPE_INT64)
		return ((const int64_t *)t->data)[i];
	return ((const int32_t *)t->data)[i];
}

static bool quantized(const struct npu_graph_tensor *t)
{
	return t->quant.count > 0;
}

static int need_quant(struct prep *p, const struct npu_graph_tensor *t,
		      const char *what)
{
	if (!quantized(t))
		return fail(p, "%s is not quantized", what);
	if (!(t->quant.scale[0] > 0.0f) || !isfinite(t->quant.scale[0]))
		return fail(p, "%s has scale %g", what, t->quant.scale[0]);
	return 0;
}

static int need_quant_in_out(struct prep *p, const struct npu_graph_tensor *in,
			     const struct npu_graph_tensor *out)
{
	int ret = need_quant(p, in, "input");

	return ret ? ret : need_quant(p, out, "output");
}

static int act_range(struct prep *p, int32_t act,
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
		fail(p, "fused activation %s bound overflows",
		     npu_activation_name(act));
	return ret;
}

/* ---- convolutions and fully connected ---- */

/* 16x8 kernels take int64 bias: widen int32/int16 biases once. */
static int widen_bias(struct prep *p, const struct npu_graph_tensor *bias,
		      uint32_t channels)
{
	int64_t *b;

	if (!bias || bias->type == NPU_TYPE_INT64)
		return 0;
	if (bias->type != NPU_TYPE_INT32 && bias->type != NPU_TYPE_INT16)
		return fail(p, "16x8 bias type %s", npu_type_name(bias->type));
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
static int conv_types(struct prep *p, const struct npu_graph_tensor *in,
		      const struct npu_graph_tensor *filter,
		      const struct npu_graph_tensor *bias,
		      const struct npu_graph_tensor *out, uint32_t channels,
		      bool *is16)
{
	int ret;

	if (in->type != out->type)
		return fail(p, "input is %s but output is %s",
			    npu_type_name(in->type), npu_type_name(out->type));
	if (in->type == NPU_TYPE_INT8 && filter->type == NPU_TYPE_INT8) {
		*is16 = false;
		if (bias && bias->type != NPU_TYPE_INT32)
			return fail(p, "int8 op needs an int32 bias, not %s",
				    npu_type_name(bias->type));
	} else if (in->type == NPU_TYPE_INT16 && filter->type == NPU_TYPE_INT8) {
		*is16 = true;
		if (cpu_zero_point(in) || cpu_zero_point(out))
			return fail(p, "16x8 op needs zero points 0");
	} else {
		cpu_msg(p->err, p->errlen,
			"%s input with %s weights has no NPU kernel",
			npu_type_name(in->type), npu_type_name(filter->type));
		return -ENOTSUP;
	}
	ret = need_quant_in_out(p, in, out);
	if (ret)
		return ret;
	/* Pruned channels may have scale 0: QuantizeMultiplier gives 0. */
	if (!quantized(filter))
		return fail(p, "filter is not quantized");
	for (uint32_t c = 0; c < filter->quant.count; c++)
		if (!(filter->quant.scale[c] >= 0.0f) ||
		    !isfinite(filter->quant.scale[c]))
			return fail(p, "filter scale %u is %g", c,
				    filter->quant.scale[c]);
	if (bias) {
		if (!bias->data)
			return fail(p, "bias must be constant");
		if (bias->elements != channels)
			return fail(p, "bias has %zu elements for %u channels",
				    bias->elements, channels);
	}
	if (*is16)
		return widen_bias(p, bias, channels);
	return 0;
}

/*
 * TFLite PopulateConvolutionQuantizationParams() per-channel part: one
 * multiplier per output channel (per-tensor filter scales are broadcast),
 * effective scale in double.
 */
static int per_channel(struct prep *p, const struct npu_graph_tensor *in,
		       const struct npu_graph_tensor *filter,
		       const struct npu_graph_tensor *out, uint32_t channels,
		       int32_t quant_dim, struct npu_requant *rq)
{
	struct npu_cpu_prepared *o = p->out;
	const bool is_per_channel = filter->quant.count > 1;

	if (is_per_channel &&
	    (filter->quant.count != channels ||
	     filter->quant.quantized_dimension != quant_dim))
		return fail(p, "filter has %u scales along dimension %d, expected %u along %d",
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
		return bad_scale(p, "input*filter/output");
	return 0;
}

static int need_conv_tensors(struct prep *p, const struct npu_graph_tensor *in,
			     const struct npu_graph_tensor *filter,
			     const struct npu_graph_tensor *out)
{
	if (in->rank != 4 || filter->rank != 4 || out->rank != 4)
		return fail(p, "input, filter and output must be 4-D");
	if (!filter->data)
		return fail(p, "filter must be constant");
	return 0;
}

/* A conv-family command with its three 4-D tensor operands. */
static int add_conv_cmd(struct prep *p, uint32_t opcode, uint32_t input,
			const struct npu_graph_tensor *in,
			const struct npu_graph_tensor *filter,
			const struct npu_graph_tensor *out,
			struct npu_conv_params **conv)
{
	struct npu_cpu_cmd *cmd = add_cmd(p, opcode, input);
	struct npu_conv_params *c;
	int ret;

	if (!cmd)
		return -ENOMEM;
	c = &cmd->params.conv;
	ret = set_in_out(p, &c->input, &c->output, in, out, 4, false);
	if (!ret)
		ret = set_tensor(p, &c->filter, filter, 4, false, "filter");
	/* The kernels ignore a filter zero point, as TFLite's per-channel
	 * conv does. */
	c->filter.zero_point = 0;
	*conv = c;
	return ret;
}

static int prep_conv(struct prep *p)
{
	const struct npu_graph_op *op = p->op;
	const bool depthwise = op->builtin == NPU_BUILTIN_DEPTHWISE_CONV_2D;
	const struct npu_graph_tensor *in, *filter, *bias, *out;
	const struct npu_conv_options *o = &op->options.conv;
	struct npu_conv_params *c;
	int32_t out_h, out_w, cin, cout, dil_h, dil_w;
	bool is16;
	int ret;

	ret = need_io(p, 2, 3, 1);
	if (ret)
		return ret;
	if (op->options_kind != NPU_OPTS_CONV)
		return fail(p, "missing conv options");
	in = in_t(p, 0);
	filter = in_t(p, 1);
	bias = in_t(p, 2);
	out = out_t(p, 0);
	ret = need_conv_tensors(p, in, filter, out);
	if (ret)
		return ret;
	cin = in->shape[3];
	cout = out->shape[3];
	if (depthwise) {
		int32_t dm = o->depth_multiplier;

		if (filter->shape[0] != 1 || filter->shape[3] != cout)
			return fail(p, "filter shape must be [1, KH, KW, %d]",
				    cout);
		if (dm <= 0 && cin > 0)
			dm = cout / cin;
		if (dm <= 0 || cin * dm != cout)
			return fail(p, "output channels %d != input channels %d * depth multiplier %d",
				    cout, cin, dm);
	} else {
		if (filter->shape[0] != cout)
			return fail(p, "filter has %d output channels, output %d",
				    filter->shape[0], cout);
		if (filter->shape[3] <= 0 || cin % filter->shape[3])
			return fail(p, "filter depth %d does not divide input channels %d",
				    filter->shape[3], cin);
	}
	if (out->shape[0] != in->shape[0])
		return fail(p, "batch of output %d != input %d",
			    out->shape[0], in->shape[0]);
	ret = conv_types(p, in, filter, bias, out, (uint32_t)cout, &is16);
	if (ret)
		return ret;
	if (o->stride_h <= 0 || o->stride_w <= 0)
		return fail(p, "stride %dx%d", o->stride_h, o->stride_w);
	dil_h = o->dilation_h > 0 ? o->dilation_h : 1;
	dil_w = o->dilation_w > 0 ? o->dilation_w : 1;

	ret = add_conv_cmd(p, depthwise ? NPU_CMD_DEPTHWISE_CONV_2D :
			   NPU_CMD_CONV_2D, 0, in, filter, out, &c);
	if (ret)
		return ret;

	/* ComputePaddingHeightWidth() with the input's spatial size. */
	out_h = npu_cpu_out_size(o->padding, in->shape[1], filter->shape[1],
				 o->stride_h, dil_h);
	out_w = npu_cpu_out_size(o->padding, in->shape[2], filter->shape[2],
				 o->stride_w, dil_w);
	if (out_h != out->shape[1] || out_w != out->shape[2])
		return fail(p, "output is %dx%d, padding %s gives %dx%d",
			    out->shape[1], out->shape[2],
			    o->padding == NPU_PADDING_SAME ? "SAME" : "VALID",
			    out_h, out_w);
	c->pad_top = (uint16_t)npu_cpu_padding(in->shape[1], filter->shape[1],
					       o->stride_h, dil_h, out_h, NULL);
	c->pad_left = (uint16_t)npu_cpu_padding(in->shape[2], filter->shape[2],
						o->stride_w, dil_w, out_w, NULL);
	c->stride_h = (uint16_t)o->stride_h;
	c->stride_w = (uint16_t)o->stride_w;
	c->dilation_h = (uint16_t)dil_h;
	c->dilation_w = (uint16_t)dil_w;
	c->depth_multiplier = depthwise ? (uint16_t)(cout / cin) : 0;
	if (bias)
		c->rq.flags |= NPU_RQ_HAS_BIAS;
	ret = per_channel(p, in, filter, out, (uint32_t)cout,
			  depthwise ? 3 : 0, &c->rq);
	if (ret)
		return ret;
	return act_range(p, o->activation, out, &c->act_min, &c->act_max);
}

static int prep_transpose_conv(struct prep *p)
{
	const struct npu_graph_op *op = p->op;
	const struct npu_graph_tensor *shape, *in, *filter, *bias, *out;
	const struct npu_transpose_conv_options *o = &op->options.transpose_conv;
	struct npu_conv_params *c;
	int32_t cout, unused_h, unused_w;
	bool is16;
	int ret;

	ret = need_io(p, 3, 4, 1);
	if (ret)
		return ret;
	if (op->options_kind != NPU_OPTS_TRANSPOSE_CONV)
		return fail(p, "missing transpose conv options");
	shape = in_t(p, 0);
	filter = in_t(p, 1);
	in = in_t(p, 2);
	bias = in_t(p, 3);
	out = out_t(p, 0);
	ret = need_conv_tensors(p, in, filter, out);
	if (ret)
		return ret;
	if (shape->data && !shape->is_variable) {
		if (shape->elements != 4 || shape->type != NPU_TYPE_INT32)
			return fail(p, "output_shape input must be 4 int32 values");
		for (int i = 0; i < 4; i++)
			if (((const int32_t *)shape->data)[i] != out->shape[i])
				return fail(p, "output_shape input gives %d for axis %d, the output has %d",
					    ((const int32_t *)shape->data)[i], i,
					    out->shape[i]);
	}
	cout = out->shape[3];
	if (filter->shape[0] != cout || filter->shape[3] != in->shape[3] ||
	    out->shape[0] != in->shape[0])
		return fail(p, "filter must be [%d, KH, KW, %d]", cout,
			    in->shape[3]);
	ret = conv_types(p, in, filter, bias, out, (uint32_t)cout, &is16);
	if (ret)
		return ret;
	if (o->stride_h <= 0 || o->stride_w <= 0)
		return fail(p, "stride %dx%d", o->stride_h, o->stride_w);

	ret = add_conv_cmd(p, NPU_CMD_TRANSPOSE_CONV, 2, in, filter, out, &c);
	if (ret)
		return ret;
	/* TFLite pads a transpose conv as a conv of the output's size. */
	unused_h = npu_cpu_out_size(o->padding, out->shape[1], filter->shape[1],
				    o->stride_h, 1);
	unused_w = npu_cpu_out_size(o->padding, out->shape[2], filter->shape[2],
				    o->stride_w, 1);
	c->pad_top = (uint16_t)npu_cpu_padding(out->shape[1], filter->shape[1],
					       o->stride_h, 1, unused_h, NULL);
	c->pad_left = (uint16_t)npu_cpu_padding(out->shape[2], filter->shape[2],
						o->stride_w, 1, unused_w, NULL);
	c->stride_h = (uint16_t)o->stride_h;
	c->stride_w = (uint16_t)o->stride_w;
	c->dilation_h = 1;
	c->dilation_w = 1;
	if (bias)
		c->rq.flags |= NPU_RQ_HAS_BIAS;
	ret = per_channel(p, in, filter, out, (uint32_t)cout, 0, &c->rq);
	if (ret)
		return ret;
	return act_range(p, o->activation, out, &c->act_min, &c->act_max);
}

static int prep_fc(struct prep *p)
{
	const struct npu_graph_op *op = p->op;
	const struct npu_graph_tensor *in, *filter, *bias, *out;
	struct npu_fc_params *f;
	struct npu_cpu_cmd *cmd;
	uint32_t dims[2];
	int32_t depth, units;
	size_t batches;
	bool is16;
	int ret;

	ret = need_io(p, 2, 3, 1);
	if (ret)
		return ret;
	if (op->options_kind != NPU_OPTS_FC)
		return fail(p, "missing fully connected options");
	if (op->options.fc.weights_format != 0) {
		cpu_msg(p->err, p->errlen, "shuffled weights are not supported");
		return -ENOTSUP;
	}
	in = in_t(p, 0);
	filter = in_t(p, 1);
	bias = in_t(p, 2);
	out = out_t(p, 0);
	/* The weights may be computed at run time (TFLite allows it). */
	if (filter->rank != 2)
		return fail(p, "filter must be a 2-D tensor");
	units = filter->shape[0];
	depth = filter->shape[1];
	if (depth <= 0 || units <= 0 || in->elements % (size_t)depth)
		return fail(p, "input of %zu elements is not a multiple of depth %d",
			    in->elements, depth);
	batches = in->elements / (size_t)depth;
	if (out->elements != batches * (size_t)units)
		return fail(p, "output has %zu elements, expected %zu x %d",
			    out->elements, batches, units);
	if (batches > UINT32_MAX)
		return fail(p, "too many batches");
	ret = conv_types(p, in, filter, bias, out, (uint32_t)units, &is16);
	if (ret)
		return ret;

	cmd = add_cmd(p, NPU_CMD_FULLY_CONNECTED, 0);
	if (!cmd)
		return -ENOMEM;
	f = &cmd->params.fc;
	dims[0] = (uint32_t)batches;
	dims[1] = (uint32_t)depth;
	ret = set_tensor_dims(p, &f->input, in, 2, dims, "input");
	dims[1] = (uint32_t)units;
	if (!ret)
		ret = set_tensor_dims(p, &f->output, out, 2, dims, "output");
	if (!ret)
		ret = set_tensor(p, &f->filter, filter, 2, false, "filter");
	if (ret)
		return ret;
	/* TFLite's per-channel FULLY_CONNECTED ignores the zero point. */
	if (filter->quant.count > 1)
		f->filter.zero_point = 0;
	if (bias)
		f->rq.flags |= NPU_RQ_HAS_BIAS;
	if (filter->quant.count > 1) {
		ret = per_channel(p, in, filter, out, (uint32_t)units, 0,
				  &f->rq);
		if (ret)
			return ret;
	} else {
		/* GetQuantizedConvolutionMultipler(): float product. */
		if (npu_host_fc_multiplier(cpu_scale(in), cpu_scale(filter),
					   cpu_scale(out), &f->rq.multiplier,
					   &f->rq.shift))
			return bad_scale(p, "input*filter/output");
	}
	return act_range(p, op->options.fc.activation, out, &f->act_min,
			 &f->act_max);
}

/* ---- elementwise ---- */

static int broadcast_shapes(struct prep *p, struct npu_eltwise_params *e,
			    const struct npu_graph_tensor *a,
			    const struct npu_graph_tensor *b,
			    const struct npu_graph_tensor *out)
{
	const uint32_t rank = (uint32_t)out->rank ? (uint32_t)out->rank : 1;
	int ret;

	if (a->rank > out->rank || b->rank > out->rank)
		return fail(p, "inputs have a higher rank than the output");
	ret = set_tensor(p, &e->input1, a, rank, false, "input 0");
	if (!ret)
		ret = set_tensor(p, &e->input2, b, rank, false, "input 1");
	if (!ret)
		ret = set_tensor(p, &e->output, out, rank, false, "output");
	if (ret)
		return ret;
	for (uint32_t i = 0; i < rank; i++) {
		const uint32_t o = e->output.dims[i];

		if ((e->input1.dims[i] != o && e->input1.dims[i] != 1) ||
		    (e->input2.dims[i] != o && e->input2.dims[i] != 1))
			return fail(p, "inputs do not broadcast to the output shape");
	}
	return 0;
}

static int prep_add_sub(struct prep *p)
{
	const struct npu_graph_op *op = p->op;
	const bool sub = op->builtin == NPU_BUILTIN_SUB;
	const struct npu_graph_tensor *a, *b, *out;
	struct npu_eltwise_params *e;
	struct npu_cpu_cmd *cmd;
	int32_t act = op->options_kind == NPU_OPTS_ELTWISE ?
		      op->options.eltwise.activation : NPU_ACT_NONE;
	int shift;
	int ret;

	ret = need_io(p, 2, 2, 1);
	if (ret)
		return ret;
	a = in_t(p, 0);
	b = in_t(p, 1);
	out = out_t(p, 0);
	if (a->type != out->type || b->type != out->type ||
	    (out->type != NPU_TYPE_INT8 && out->type != NPU_TYPE_INT16)) {
		cpu_msg(p->err, p->errlen, "%s %s %s -> %s has no NPU kernel",
			npu_type_name(a->type), sub ? "-" : "+",
			npu_type_name(b->type), npu_type_name(out->type));
		return -ENOTSUP;
	}
	ret = need_quant(p, a, "input 0");
	if (!ret)
		ret = need_quant(p, b, "input 1");
	if (!ret)
		ret = need_quant(p, out, "output");
	if (ret)
		return ret;
	if (out->type == NPU_TYPE_INT16 &&
	    (cpu_zero_point(a) || cpu_zero_point(b) || cpu_zero_point(out)))
		return fail(p, "int16 operands need zero points 0");

	cmd = add_cmd(p, sub ? NPU_CMD_SUB : NPU_CMD_ADD, 0);
	if (!cmd)
		return -ENOMEM;
	e = &cmd->params.eltwise;
	ret = broadcast_shapes(p, e, a, b, out);
	if (ret)
		return ret;
	/*
	 * add_common.cc / sub_common.cc ratios in double.  (One TFLM revision
	 * of SUB divided in float first, hence its test's off-by-one
	 * tolerance; the seanet SUB goldens match the double form exactly.)
	 */
	if (npu_host_add_sub_params(cpu_scale(a), cpu_scale(b), cpu_scale(out),
				    e->output.dtype, e))
		return bad_scale(p, "of an input or the output");
	/* QuantizeMultiplierSmallerThanOneExp() requires shift <= 0. */
	shift = e->input1_shift > e->input2_shift ? e->input1_shift :
						    e->input2_shift;
	if (shift > 0 || e->output_shift > 0)
		return fail(p, "scales give a multiplier above one");
	return act_range(p, act, out, &e->act_min, &e->act_max);
}

static int prep_mul(struct prep *p)
{
	const struct npu_graph_op *op = p->op;
	const struct npu_graph_tensor *a, *b, *out;
	struct npu_eltwise_params *e;
	struct npu_cpu_cmd *cmd;
	int32_t act = op->options_kind == NPU_OPTS_ELTWISE ?
		      op->options.eltwise.activation : NPU_ACT_NONE;
	int ret;

	ret = need_io(p, 2, 2, 1);
	if (ret)
		return ret;
	a = in_t(p, 0);
	b = in_t(p, 1);
	out = out_t(p, 0);
	if (a->type != out->type || b->type != out->type ||
	    (out->type != NPU_TYPE_INT8 && out->type != NPU_TYPE_INT16)) {
		cpu_msg(p->err, p->errlen, "%s * %s -> %s has no NPU kernel",
			npu_type_name(a->type), npu_type_name(b->type),
			npu_type_name(out->type));
		return -ENOTSUP;
	}
	ret = need_quant(p, a, "input 0");
	if (!ret)
		ret = need_quant(p, b, "input 1");
	if (!ret)
		ret = need_quant(p, out, "output");
	if (ret)
		return ret;
	/* mul_common.cc: int16 MUL is symmetric. */
	if (out->type == NPU_TYPE_INT16 &&
	    (cpu_zero_point(a) || cpu_zero_point(b) || cpu_zero_point(out)))
		return fail(p, "int16 operands need zero points 0");
	cmd = add_cmd(p, NPU_CMD_MUL, 0);
	if (!cmd)
		return -ENOMEM;
	e = &cmd->params.eltwise;
	ret = broadcast_shapes(p, e, a, b, out);
	if (ret)
		return ret;
	if (npu_host_mul_params(cpu_scale(a), cpu_scale(b), cpu_scale(out), e))
		return bad_scale(p, "input1*input2/output");
	return act_range(p, act, out, &e->act_min, &e->act_max);
}

/* ---- pooling and mean ---- */

static int prep_pool(struct prep *p)
{
	const struct npu_graph_op *op = p->op;
	const bool avg = op->builtin == NPU_BUILTIN_AVERAGE_POOL_2D;
	const struct npu_pool_options *o = &op->options.pool;
	const struct npu_graph_tensor *in, *out;
	struct npu_pool_params *pp;
	struct npu_cpu_cmd *cmd;
	int32_t out_h, out_w;
	int ret;

	ret = need_io(p, 1, 1, 1);
	if (ret)
		return ret;
	if (op->options_kind != NPU_OPTS_POOL)
		return fail(p, "missing pool options");
	in = in_t(p, 0);
	out = out_t(p, 0);
	if (in->rank != 4 || out->rank != 4)
		return fail(p, "input and output must be 4-D");
	ret = need_s8_s16(p, in, out, "pooling");
	if (ret)
		return ret;
	if (cpu_zero_point(in) != cpu_zero_point(out) ||
	    cpu_scale(in) != cpu_scale(out))
		return fail(p, "input and output quantization differ");
	if (o->stride_h <= 0 || o->stride_w <= 0 || o->filter_h <= 0 ||
	    o->filter_w <= 0)
		return fail(p, "filter %dx%d stride %dx%d", o->filter_h,
			    o->filter_w, o->stride_h, o->stride_w);
	if (out->shape[0] != in->shape[0] || out->shape[3] != in->shape[3])
		return fail(p, "batch or channels differ");
	out_h = npu_cpu_out_size(o->padding, in->shape[1], o->filter_h,
				 o->stride_h, 1);
	out_w = npu_cpu_out_size(o->padding, in->shape[2], o->filter_w,
				 o->stride_w, 1);
	if (out_h != out->shape[1] || out_w != out->shape[2])
		return fail(p, "output is %dx%d, padding gives %dx%d",
			    out->shape[1], out->shape[2], out_h, out_w);
	cmd = add_cmd(p, avg ? NPU_CMD_AVERAGE_POOL_2D : NPU_CMD_MAX_POOL_2D, 0);
	if (!cmd)
		return -ENOMEM;
	pp = &cmd->params.pool;
	ret = set_in_out(p, &pp->input, &pp->output, in, out, 4, false);
	if (ret)
		return ret;
	pp->filter_h = (uint16_t)o->filter_h;
	pp->filter_w = (uint16_t)o->filter_w;
	pp->stride_h = (uint16_t)o->stride_h;
	pp->stride_w = (uint16_t)o->stride_w;
	pp->pad_top = (uint16_t)npu_cpu_padding(in->shape[1], o->filter_h,
						o->stride_h, 1, out_h, NULL);
	pp->pad_left = (uint16_t)npu_cpu_padding(in->shape[2], o->filter_w,
						 o->stride_w, 1, out_w, NULL);
	return act_range(p, o->activation, out, &pp->act_min, &pp->act_max);
}

static int prep_mean(struct prep *p)
{
	const struct npu_graph_op *op = p->op;
	const struct npu_graph_tensor *in, *axis, *out;
	struct npu_mean_params *m;
	struct npu_cpu_cmd *cmd;
	uint32_t mask = 0, dims[4];
	bool keep_dims;
	int ret;

	ret = need_io(p, 2, 2, 1);
	if (ret)
		return ret;
	in = in_t(p, 0);
	axis = in_t(p, 1);
	out = out_t(p, 0);
	ret = need_const_int(p, axis, "axis");
	if (ret)
		return ret;
	keep_dims = op->options_kind == NPU_OPTS_REDUCER &&
		    op->options.reducer.keep_dims;
	ret = need_s8_s16(p, in, out, "MEAN");
	if (ret)
		return ret;
	for (size_t i = 0; i < axis->elements; i++) {
		int64_t a = const_int(axis, i);

		if (a < 0)
			a += in->rank;
		if (a < 0 || a >= in->rank)
			return fail(p, "axis %lld out of range",
				    (long long)const_int(axis, i));
		mask |= 1u << a;
	}
	/*
	 * TFLite Micro takes reference_integer_ops::Mean only for a kept 4-D
	 * shape and an axis tensor of exactly {1, 2} or {2, 1} (negative or
	 * repeated axes take the generic path); the other cases round
	 * differently and run on the CPU (mean.c).
	 */
	if (in->rank != 4 || !keep_dims || axis->elements != 2 ||
	    !((const_int(axis, 0) == 1 && const_int(axis, 1) == 2) ||
	      (const_int(axis, 0) == 2 && const_int(axis, 1) == 1))) {
		cpu_msg(p->err, p->errlen,
			"MEAN has an NPU kernel only over axes {1, 2} of a 4-D tensor with keep_dims");
		return -ENOTSUP;
	}
	ret = need_quant_in_out(p, in, out);
	if (ret)
		return ret;
	cmd = add_cmd(p, NPU_CMD_MEAN, 0);
	if (!cmd)
		return -ENOMEM;
	m = &cmd->params.mean;
	ret = set_tensor(p, &m->input, in, 4, false, "input");
	if (ret)
		return ret;
	dims[0] = (uint32_t)in->shape[0];
	dims[1] = 1;
	dims[2] = 1;
	dims[3] = (uint32_t)in->shape[3];
	if (out->elements != (size_t)dims[0] * dims[3])
		return fail(p, "output has %zu elements, expected %u",
			    out->elements, dims[0] * dims[3]);
	ret = set_tensor_dims(p, &m->output, out, 4, dims, "output");
	if (ret)
		return ret;
	if (npu_host_mean_params(cpu_scale(in), cpu_scale(out), m))
		return bad_scale(p, "input/output");
	m->axis_mask = mask;
	return 0;
}

/* ---- data movement ---- */

static int same_quant(struct prep *p, const struct npu_graph_tensor *a,
		      const struct npu_graph_tensor *b, const char *what)
{
	if (a->type != b->type)
		return fail(p, "%s type %s differs from output type %s", what,
			    npu_type_name(a->type), npu_type_name(b->type));
	if (quantized(a) != quantized(b) ||
	    cpu_zero_point(a) != cpu_zero_point(b) ||
	    cpu_scale(a) != cpu_scale(b))
		return fail(p, "%s quantization differs from the output's",
			    what);
	return 0;
}

static int prep_pad(struct prep *p)
{
	const struct npu_graph_tensor *in, *pads, *cval, *out;
	struct npu_pad_params *pp;
	struct npu_cpu_cmd *cmd;
	int ret;

	ret = need_io(p, 2, 3, 1);
	if (ret)
		return ret;
	in = in_t(p, 0);
	pads = in_t(p, 1);
	cval = in_t(p, 2);
	out = out_t(p, 0);
	ret = need_const_int(p, pads, "paddings");
	if (ret)
		return ret;
	if (in->type != out->type)
		return fail(p, "input and output types differ");
	if (quantized(out) && cpu_zero_point(in) != cpu_zero_point(out))
		return fail(p, "input and output zero points differ");
	if (pads->elements != (size_t)in->rank * 2 || in->rank != out->rank)
		return fail(p, "paddings must be [%d, 2]", in->rank);
	cmd = add_cmd(p, NPU_CMD_PAD, 0);
	if (!cmd)
		return -ENOMEM;
	pp = &cmd->params.pad;
	ret = set_in_out(p, &pp->input, &pp->output, in, out, 0, true);
	if (ret)
		return ret;
	for (int i = 0; i < in->rank; i++) {
		const int64_t before = const_int(pads, 2 * (size_t)i);
		const int64_t after = const_int(pads, 2 * (size_t)i + 1);

		if (before < 0 || after < 0 ||
		    in->shape[i] + before + after != out->shape[i])
			return fail(p, "paddings of dimension %d do not give the output shape",
				    i);
		pp->before[i] = (uint32_t)before;
	}
	/* TFLite pads with the output zero point, or constant_values. */
	pp->pad_value = cpu_zero_point(out);
	if (cval) {
		if (!cval->data || cval->elements != 1 ||
		    cval->type != in->type)
			return fail(p, "constant_values must be one constant of the input type");
		if (cval->type == NPU_TYPE_INT8)
			pp->pad_value = ((const int8_t *)cval->data)[0];
		else if (cval->type == NPU_TYPE_INT16)
			pp->pad_value = ((const int16_t *)cval->data)[0];
		else if (cval->type == NPU_TYPE_UINT8)
			pp->pad_value = ((const uint8_t *)cval->data)[0];
		else
			memcpy(&pp->pad_value, cval->data, 4);
	}
	if (in->type == NPU_TYPE_FLOAT32 && !cval)
		pp->pad_value = 0;	/* bits of 0.0f */
	return 0;
}

static int prep_transpose(struct prep *p)
{
	const struct npu_graph_tensor *in, *perm, *out;
	struct npu_transpose_params *t;
	struct npu_cpu_cmd *cmd;
	uint32_t seen = 0;
	int ret;

	ret = need_io(p, 2, 2, 1);
	if (ret)
		return ret;
	in = in_t(p, 0);
	perm = in_t(p, 1);
	out = out_t(p, 0);
	ret = need_const_int(p, perm, "perm");
	if (!ret)
		ret = same_quant(p, in, out, "input");
	if (ret)
		return ret;
	if (perm->elements != (size_t)in->rank || in->rank != out->rank)
		return fail(p, "perm must have %d entries", in->rank);
	cmd = add_cmd(p, NPU_CMD_TRANSPOSE, 0);
	if (!cmd)
		return -ENOMEM;
	t = &cmd->params.transpose;
	ret = set_in_out(p, &t->input, &t->output, in, out, 0, true);
	if (ret)
		return ret;
	for (int i = 0; i < in->rank; i++) {
		int64_t v = const_int(perm, (size_t)i);

		if (v < 0)
			v += in->rank;
		if (v < 0 || v >= in->rank || (seen & (1u << v)) ||
		    out->shape[i] != in->shape[v])
			return fail(p, "perm is not a permutation giving the output shape");
		seen |= 1u << v;
		t->perm[i] = (uint8_t)v;
	}
	return 0;
}

static int prep_concat(struct prep *p)
{
	const struct npu_graph_op *op = p->op;
	const struct npu_graph_tensor *out = out_t(p, 0);
	int32_t axis;
	uint32_t offset = 0;
	int ret;

	if (op->num_inputs < 1 || op->num_outputs != 1 || !out)
		return fail(p, "needs inputs and one output");
	if (op->options_kind != NPU_OPTS_CONCAT)
		return fail(p, "missing concatenation options");
	if (op->options.concat.activation != NPU_ACT_NONE) {
		cpu_msg(p->err, p->errlen,
			"fused activation on CONCATENATION is not supported");
		return -ENOTSUP;
	}
	axis = op->options.concat.axis;
	if (axis < 0)
		axis += out->rank;
	if (axis < 0 || axis >= out->rank)
		return fail(p, "axis %d out of range", op->options.concat.axis);
	for (uint32_t k = 0; k < op->num_inputs; k++) {
		const struct npu_graph_tensor *in = in_t(p, k);
		struct npu_concat_params *c;
		struct npu_cpu_cmd *cmd;

		if (!in)
			return fail(p, "input %u is missing", k);
		ret = same_quant(p, in, out, "input");
		if (ret)
			return ret;
		if (in->rank != out->rank)
			return fail(p, "input %u has rank %d, output %d", k,
				    in->rank, out->rank);
		for (int d = 0; d < out->rank; d++)
			if (d != axis && in->shape[d] != out->shape[d])
				return fail(p, "input %u dimension %d is %d, output %d",
					    k, d, in->shape[d], out->shape[d]);
		cmd = add_cmd(p, NPU_CMD_CONCAT, k);
		if (!cmd)
			return -ENOMEM;
		c = &cmd->params.concat;
		ret = set_in_out(p, &c->input, &c->output, in, out, 0, true);
		if (ret)
			return ret;
		c->axis = (uint32_t)axis;
		c->offset = offset;
		offset += (uint32_t)in->shape[axis];
	}
	if (offset != (uint32_t)out->shape[axis])
		return fail(p, "inputs sum to %u along axis %d, output has %d",
			    offset, axis, out->shape[axis]);
	return 0;
}

static int64_t clamp_i64(int64_t v, int64_t lo, int64_t hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

static int prep_strided_slice(struct prep *p)
{
	const struct npu_graph_op *op = p->op;
	const struct npu_strided_slice_options *o = &op->options.strided_slice;
	const struct npu_graph_tensor *in, *tb, *te, *ts, *out;
	struct npu_slice_params *s;
	struct npu_cpu_cmd *cmd;
	uint32_t dims[NPU_CS_MAX_DIMS];
	size_t count = 1;
	int n, ret;

	ret = need_io(p, 4, 4, 1);
	if (ret)
		return ret;
	if (op->options_kind != NPU_OPTS_STRIDED_SLICE)
		return fail(p, "missing strided slice options");
	in = in_t(p, 0);
	tb = in_t(p, 1);
	te = in_t(p, 2);
	ts = in_t(p, 3);
	out = out_t(p, 0);
	ret = need_const_int(p, tb, "begin");
	if (!ret)
		ret = need_const_int(p, te, "end");
	if (!ret)
		ret = need_const_int(p, ts, "strides");
	if (!ret)
		ret = same_quant(p, in, out, "input");
	if (ret)
		return ret;
	if (o->ellipsis_mask || o->new_axis_mask) {
		cpu_msg(p->err, p->errlen,
			"ellipsis and new-axis masks are not supported");
		return -ENOTSUP;
	}
	n = (int)tb->elements;
	if (te->elements != (size_t)n || ts->elements != (size_t)n ||
	    n > in->rank || in->rank < 1)
		return fail(p, "begin/end/strides must have at most %d entries",
			    in->rank);
	if (in->rank > NPU_CS_MAX_DIMS) {
		cpu_msg(p->err, p->errlen, "rank %d is not supported", in->rank);
		return -ENOTSUP;
	}
	cmd = add_cmd(p, NPU_CMD_STRIDED_SLICE, 0);
	if (!cmd)
		return -ENOMEM;
	s = &cmd->params.slice;
	/* strided_slice_logic.h: missing trailing axes take everything. */
	for (int d = 0; d < in->rank; d++) {
		const int32_t size = in->shape[d];
		int64_t start, stop, stride, cnt;

		if (d >= n) {
			s->begin[d] = 0;
			s->strides[d] = 1;
			dims[d] = (uint32_t)size;
			count *= (size_t)size;
			continue;
		}
		/* 64-bit: INT32_MIN strides and huge offsets must not overflow. */
		start = (int32_t)const_int(tb, (size_t)d);
		stop = (int32_t)const_int(te, (size_t)d);
		stride = (int32_t)const_int(ts, (size_t)d);
		if (!stride)
			return fail(p, "stride of axis %d is 0", d);
		if (stride == INT32_MIN)
			return fail(p, "stride of axis %d is %d", d, INT32_MIN);
		/* StridedSliceStartForAxis() */
		if (start < 0)
			start += size;
		start = stride > 0 ? clamp_i64(start, 0, size) :
				     clamp_i64(start, -1, size - 1);
		if (o->begin_mask & (1u << d))
			start = stride > 0 ? 0 : size - 1;
		/* StridedSliceEndForAxis() */
		if (o->shrink_axis_mask & (1u << d)) {
			stop = start >= size ? start : start + 1;
		} else {
			if (o->offset)
				stop += start;
			if (stop < 0)
				stop += size;
			stop = stride > 0 ? clamp_i64(stop, 0, size) :
					    clamp_i64(stop, -1, size - 1);
			if (o->end_mask & (1u << d))
				stop = stride > 0 ? size : -1;
		}
		if (stride > 0)
			cnt = stop > start ? (stop - start + stride - 1) / stride : 0;
		else
			cnt = start > stop ?
			      (start - stop + (-stride) - 1) / (-stride) : 0;
		if (cnt <= 0)
			return fail(p, "axis %d selects no elements", d);
		s->begin[d] = (int32_t)start;
		s->strides[d] = (int32_t)stride;
		dims[d] = (uint32_t)cnt;
		count *= (size_t)cnt;
	}
	if (count != out->elements)
		return fail(p, "slice has %zu elements, output %zu", count,
			    out->elements);
	ret = set_tensor(p, &s->input, in, 0, true, "input");
	if (ret)
		return ret;
	/* The output keeps the input's rank; shrunk axes have extent 1. */
	npu_tensor_set(&s->output, 0, s->input.dtype, cpu_zero_point(out),
		       (uint32_t)in->rank, dims);
	return 0;
}

static int prep_reshape(struct prep *p)
{
	const struct npu_graph_tensor *in, *out;
	struct npu_cpu_cmd *cmd;
	int ret;

	ret = need_io(p, 1, 2, 1);
	if (ret)
		return ret;
	in = in_t(p, 0);
	out = out_t(p, 0);
	if (in->bytes != out->bytes || in->type != out->type)
		return fail(p, "input and output sizes or types differ");
	ret = cpu_check_reshape_shape(p->op->num_inputs > 1 ? in_t(p, 1) : NULL,
				      out, p->err, p->errlen);
	if (ret)
		return ret;
	cmd = add_cmd(p, NPU_CMD_COPY, 0);
	if (!cmd)
		return -ENOMEM;
	ret = set_tensor(p, &cmd->params.copy.input, in, 0, true, "input");
	if (!ret)
		ret = set_tensor(p, &cmd->params.copy.output, out, 0, true,
				 "output");
	return ret;
}

/* ---- activations ---- */

static int prep_leaky_relu(struct prep *p)
{
	const struct npu_graph_op *op = p->op;
	const struct npu_graph_tensor *in, *out;
	struct npu_leaky_relu_params *l;
	struct npu_cpu_cmd *cmd;
	float alpha;
	int ret;

	ret = need_io(p, 1, 1, 1);
	if (ret)
		return ret;
	in = in_t(p, 0);
	out = out_t(p, 0);
	ret = need_s8_s16(p, in, out, "LEAKY_RELU");
	if (ret)
		return ret;
	ret = need_quant_in_out(p, in, out);
	if (ret)
		return ret;
	alpha = op->options_kind == NPU_OPTS_LEAKY_RELU ?
		op->options.leaky_relu.alpha : 0.2f;
	cmd = add_cmd(p, NPU_CMD_LEAKY_RELU, 0);
	if (!cmd)
		return -ENOMEM;
	l = &cmd->params.leaky_relu;
	ret = set_in_out(p, &l->input, &l->output, in, out, 0, false);
	if (ret)
		return ret;
	/* leaky_relu_common.cc: both ratios in float, then widened. */
	if (npu_host_leaky_relu_params(cpu_scale(in), cpu_scale(out), alpha, l))
		return bad_scale(p, "input*alpha/output");
	return 0;
}

/*
 * RELU, RELU_N1_TO_1, RELU6 as TFLite's ReluPrepare / QuantizedReluX: the
 * clamp of the fused activation of the same name, and a requantization by
 * in_scale / out_scale (divided in float, then widened).
 */
static int prep_relu(struct prep *p)
{
	const int32_t b = p->op->builtin;
	const int32_t act = b == NPU_BUILTIN_RELU ? NPU_ACT_RELU :
			    b == NPU_BUILTIN_RELU6 ? NPU_ACT_RELU6 :
			    NPU_ACT_RELU_N1_TO_1;
	const struct npu_graph_tensor *in, *out;
	struct npu_relu_params *r;
	struct npu_cpu_cmd *cmd;
	int ret;

	ret = need_io(p, 1, 1, 1);
	if (ret)
		return ret;
	in = in_t(p, 0);
	out = out_t(p, 0);
	ret = need_s8_s16(p, in, out, npu_op_name(b));
	if (ret)
		return ret;
	/* TFLite has no int16 RELU_N1_TO_1. */
	if (b == NPU_BUILTIN_RELU_N1_TO_1 && in->type != NPU_TYPE_INT8) {
		cpu_msg(p->err, p->errlen, "%s RELU_N1_TO_1 has no kernel",
			npu_type_name(in->type));
		return -ENOTSUP;
	}
	ret = need_quant_in_out(p, in, out);
	if (ret)
		return ret;
	if (in->type == NPU_TYPE_INT16 &&
	    (cpu_zero_point(in) || cpu_zero_point(out)))
		return fail(p, "int16 %s needs zero points 0", npu_op_name(b));
	cmd = add_cmd(p, NPU_CMD_RELU, 0);
	if (!cmd)
		return -ENOMEM;
	r = &cmd->params.relu;
	ret = set_in_out(p, &r->input, &r->output, in, out, 0, false);
	if (!ret)
		ret = act_range(p, act, out, &r->act_min, &r->act_max);
	if (ret)
		return ret;
	if (npu_cpu_quantize_multiplier((double)(cpu_scale(in) / cpu_scale(out)),
					&r->multiplier, &r->shift))
		return bad_scale(p, "input/output");
	return 0;
}

/* ---- entry points ---- */

void npu_cpu_prepared_free(struct npu_cpu_prepared *o)
{
	if (!o)
		return;
	free(o->cmds);
	free(o->mult);
	free(o->shift);
	free(o->bias);
	free(o->table);
	free(o);
}

static int dispatch(struct prep *p)
{
	switch (p->op->builtin) {
	case NPU_BUILTIN_CONV_2D:
	case NPU_BUILTIN_DEPTHWISE_CONV_2D:
		return prep_conv(p);
	case NPU_BUILTIN_TRANSPOSE_CONV:
		return prep_transpose_conv(p);
	case NPU_BUILTIN_FULLY_CONNECTED:
		return prep_fc(p);
	case NPU_BUILTIN_ADD:
	case NPU_BUILTIN_SUB:
		return prep_add_sub(p);
	case NPU_BUILTIN_MUL:
		return prep_mul(p);
	case NPU_BUILTIN_AVERAGE_POOL_2D:
	case NPU_BUILTIN_MAX_POOL_2D:
		return prep_pool(p);
	case NPU_BUILTIN_MEAN:
		return prep_mean(p);
	case NPU_BUILTIN_PAD:
		return prep_pad(p);
	case NPU_BUILTIN_TRANSPOSE:
		return prep_transpose(p);
	case NPU_BUILTIN_CONCATENATION:
		return prep_concat(p);
	case NPU_BUILTIN_STRIDED_SLICE:
		return prep_strided_slice(p);
	case NPU_BUILTIN_RESHAPE:
		return prep_reshape(p);
	case NPU_BUILTIN_LEAKY_RELU:
		return prep_leaky_relu(p);
	case NPU_BUILTIN_RELU:
	case NPU_BUILTIN_RELU_N1_TO_1:
	case NPU_BUILTIN_RELU6:
		return prep_relu(p);
	case NPU_BUILTIN_LOGISTIC:
	case NPU_BUILTIN_TANH:
		return cpu_prep_lut(p->g, p->op, p->out, p->err, p->errlen);
	default:
		cpu_msg(p->err, p->errlen, "%s is not an NPU op",
			npu_op_name(p->op->builtin));
		return -ENOTSUP;
	}
}

int npu_cpu_prepare_op(const struct npu_graph *g, const struct npu_graph_op *op,
		       struct npu_cpu_prepared **out, char *err, size_t errlen)
{
	struct prep p = { .g = g, .op = op, .err = err, .errlen = errlen };
	int ret;

	if (out)
		*out = NULL;
	if (!g || !op || !out) {
		cpu_msg(err, errlen, "no op");
		return -EINVAL;
	}
	p.out = calloc(1, sizeof(*p.out));
	if (!p.out)
		return -ENOMEM;
	ret = dispatch(&p);
	if (!ret) {
		/* Whatever was computed must pass the firmware's own check. */
		for (uint32_t i = 0; i < p.out->num_cmds; i++) {
			struct npu_cpu_cmd *c = &p.out->cmds[i];
			const char *reason = NULL;

			if (npu_fw_check_op(c->opcode, &c->params,
					    sizeof(c->params), 0, &reason)) {
				cpu_msg(err, errlen, "firmware rejects the %s command: %s",
					npu_fw_cmd_name(c->opcode),
					reason ? reason : "invalid");
				ret = -ENOTSUP;
				break;
			}
		}
	}
	if (ret) {
		if (ret == -ENOMEM)
			cpu_msg(err, errlen, "out of memory");
		npu_cpu_prepared_free(p.out);
		return ret;
	}
	*out = p.out;
	return 0;
}
