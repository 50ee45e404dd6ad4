// SPDX-License-Identifier: MIT
/*
 * CONV_2D, DEPTHWISE_CONV_2D and TRANSPOSE_CONV: TFLite's Prepare lowered to
 * the firmware's conv commands (conv_common.cc, depthwise_conv_common.cc,
 * transpose_conv.cc), and their float paths after reference_ops conv.h,
 * depthwiseconv_float.h and transpose_conv.h (one float Prepare for the
 * three: same geometry).
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "lower.h"

/* The float path's op data. */
struct conv_data {
	int32_t builtin;
	float act_min, act_max;
	/* geometry */
	int32_t n, h, w, cin, oh, ow, cout, kh, kw;
	int32_t fcin;			/* CONV_2D filter depth: cin / groups */
	int32_t stride_h, stride_w, dil_h, dil_w, pad_h, pad_w;
	int32_t depth_multiplier;
	bool has_bias;
};

static int lower_conv(const struct cpu_prep *p)
{
	const struct npu_graph_op *op = p->op;
	const bool depthwise = op->builtin == NPU_BUILTIN_DEPTHWISE_CONV_2D;
	const struct npu_graph_tensor *in, *filter, *bias, *out;
	const struct npu_conv_options *o = &op->options.conv;
	struct npu_conv_params *c;
	int32_t cin, cout, dil_h, dil_w;
	bool is16;
	int ret;

	ret = cpu_need_io(p, 2, 3, 1);
	if (ret)
		return ret;
	if (op->options_kind != NPU_OPTS_CONV)
		return lower_fail(p, "missing conv options");
	in = lower_in(p, 0);
	filter = lower_in(p, 1);
	bias = lower_in(p, 2);
	out = lower_out(p, 0);
	ret = lower_need_conv_tensors(p, in, filter, out);
	if (ret)
		return ret;
	cin = in->shape[3];
	cout = out->shape[3];
	if (depthwise) {
		int32_t dm = o->depth_multiplier;

		if (filter->shape[0] != 1 || filter->shape[3] != cout)
			return lower_fail(p, "filter shape must be [1, KH, KW, %d]",
				    cout);
		if (dm <= 0 && cin > 0)
			dm = cout / cin;
		/* In 64 bits: both come from the file. */
		if (dm <= 0 || (int64_t)cin * dm != cout)
			return lower_fail(p, "output channels %d != input channels %d * depth multiplier %d",
				    cout, cin, dm);
	} else {
		if (filter->shape[0] != cout)
			return lower_fail(p, "filter has %d output channels, output %d",
				    filter->shape[0], cout);
		if (filter->shape[3] <= 0 || cin % filter->shape[3])
			return lower_fail(p, "filter depth %d does not divide input channels %d",
				    filter->shape[3], cin);
	}
	if (out->shape[0] != in->shape[0])
		return lower_fail(p, "batch of output %d != input %d",
			    out->shape[0], in->shape[0]);
	ret = lower_conv_types(p, in, filter, bias, out, (uint32_t)cout, &is16);
	if (ret)
		return ret;
	if (o->stride_h <= 0 || o->stride_w <= 0)
		return lower_fail(p, "stride %dx%d", o->stride_h, o->stride_w);
	dil_h = o->dilation_h > 0 ? o->dilation_h : 1;
	dil_w = o->dilation_w > 0 ? o->dilation_w : 1;

	ret = lower_add_conv_cmd(p, depthwise ? NPU_CMD_DEPTHWISE_CONV_2D :
			   NPU_CMD_CONV_2D, 0, in, filter, out, &c);
	if (ret)
		return ret;

	/* ComputePaddingHeightWidth() with the input's spatial size. */
	ret = lower_window_padding(p, o->padding, o->pad_top, in->shape[1], filter->shape[1],
				   o->stride_h, dil_h, out->shape[1], &c->pad_top);
	if (!ret)
		ret = lower_window_padding(p, o->padding, o->pad_left, in->shape[2],
					   filter->shape[2], o->stride_w, dil_w, out->shape[2],
					   &c->pad_left);
	if (ret)
		return ret;
	c->stride_h = (uint16_t)o->stride_h;
	c->stride_w = (uint16_t)o->stride_w;
	c->dilation_h = (uint16_t)dil_h;
	c->dilation_w = (uint16_t)dil_w;
	c->depth_multiplier = depthwise ? (uint16_t)(cout / cin) : 0;
	if (bias)
		c->rq.flags |= NPU_RQ_HAS_BIAS;
	ret = lower_per_channel(p, in, filter, out, (uint32_t)cout,
			  depthwise ? 3 : 0, &c->rq);
	if (ret)
		return ret;
	return lower_act_range(p, o->activation, out, &c->act_min, &c->act_max);
}

static int lower_transpose_conv(const struct cpu_prep *p)
{
	const struct npu_graph_op *op = p->op;
	const struct npu_graph_tensor *shape, *in, *filter, *bias, *out;
	const struct npu_transpose_conv_options *o = &op->options.transpose_conv;
	struct npu_conv_params *c;
	int32_t cout, unused_h, unused_w;
	bool is16;
	int ret;

	ret = cpu_need_io(p, 3, 4, 1);
	if (ret)
		return ret;
	if (op->options_kind != NPU_OPTS_TRANSPOSE_CONV)
		return lower_fail(p, "missing transpose conv options");
	shape = lower_in(p, 0);
	filter = lower_in(p, 1);
	in = lower_in(p, 2);
	bias = lower_in(p, 3);
	out = lower_out(p, 0);
	ret = lower_need_conv_tensors(p, in, filter, out);
	if (ret)
		return ret;
	if (shape->data && !shape->is_variable) {
		if (shape->elements != 4 || shape->type != NPU_TYPE_INT32)
			return lower_fail(p, "output_shape input must be 4 int32 values");
		for (int i = 0; i < 4; i++)
			if (((const int32_t *)shape->data)[i] != out->shape[i])
				return lower_fail(p, "output_shape input gives %d for axis %d, the output has %d",
					    ((const int32_t *)shape->data)[i], i,
					    out->shape[i]);
	}
	cout = out->shape[3];
	if (filter->shape[0] != cout || filter->shape[3] != in->shape[3] ||
	    out->shape[0] != in->shape[0])
		return lower_fail(p, "filter must be [%d, KH, KW, %d]", cout,
			    in->shape[3]);
	ret = lower_conv_types(p, in, filter, bias, out, (uint32_t)cout, &is16);
	if (ret)
		return ret;
	if (o->stride_h <= 0 || o->stride_w <= 0)
		return lower_fail(p, "stride %dx%d", o->stride_h, o->stride_w);

	ret = lower_add_conv_cmd(p, NPU_CMD_TRANSPOSE_CONV, 2, in, filter, out, &c);
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
	ret = lower_per_channel(p, in, filter, out, (uint32_t)cout, 0, &c->rq);
	if (ret)
		return ret;
	return lower_act_range(p, o->activation, out, &c->act_min, &c->act_max);
}

/* ---- float ---- */

/* TFLite's padding; TRANSPOSE_CONV's from its output, undilated. */
static void float_padding(struct conv_data *s, bool tconv, int32_t padding)
{
	int32_t unused;

	if (tconv) {
		s->pad_h = npu_cpu_padding(s->oh, s->kh, s->stride_h, 1,
			npu_cpu_out_size(padding, s->oh, s->kh, s->stride_h, 1),
			&unused);
		s->pad_w = npu_cpu_padding(s->ow, s->kw, s->stride_w, 1,
			npu_cpu_out_size(padding, s->ow, s->kw, s->stride_w, 1),
			&unused);
	} else {
		s->pad_h = npu_cpu_padding(s->h, s->kh, s->stride_h, s->dil_h,
			npu_cpu_out_size(padding, s->h, s->kh, s->stride_h,
					 s->dil_h), &unused);
		s->pad_w = npu_cpu_padding(s->w, s->kw, s->stride_w, s->dil_w,
			npu_cpu_out_size(padding, s->w, s->kw, s->stride_w,
					 s->dil_w), &unused);
	}
}

static int conv_prepare(const struct cpu_prep *p, void **state)
{
	const struct npu_graph_op *op = p->op;
	const bool tconv = op->builtin == NPU_BUILTIN_TRANSPOSE_CONV;
	const struct npu_graph_tensor *in, *f, *out, *bias;
	struct conv_data *s;
	int32_t padding, act;
	int ret;

	ret = cpu_need_io(p, tconv ? 3 : 2, tconv ? 4 : 3, 1);
	if (ret)
		return ret;
	if (!lower_all_float(p)) {
		cpu_msg(p->err, p->errlen, "mixed float and integer tensors");
		return -ENOTSUP;
	}
	ret = lower_no_explicit_pad(p);
	if (ret)
		return ret;
	in = cpu_in(p->g, op, tconv ? 2 : 0);
	f = cpu_in(p->g, op, 1);
	bias = cpu_in(p->g, op, tconv ? 3 : 2);
	out = cpu_out(p->g, op, 0);
	if (in->rank != 4 || f->rank != 4 || out->rank != 4) {
		cpu_msg(p->err, p->errlen, "input, filter and output must be 4-D");
		return -EINVAL;
	}
	s = calloc(1, sizeof(*s));
	if (s)
		s->builtin = p->op->builtin;
	if (!s)
		return -ENOMEM;
	s->n = in->shape[0];
	s->h = in->shape[1];
	s->w = in->shape[2];
	s->cin = in->shape[3];
	s->oh = out->shape[1];
	s->ow = out->shape[2];
	s->cout = out->shape[3];
	s->kh = f->shape[1];
	s->kw = f->shape[2];
	s->fcin = f->shape[3];
	s->has_bias = bias != NULL;
	if (tconv) {
		const struct npu_transpose_conv_options *o =
			&op->options.transpose_conv;

		padding = o->padding;
		act = o->activation;
		s->stride_h = o->stride_h;
		s->stride_w = o->stride_w;
		s->dil_h = s->dil_w = 1;
	} else {
		const struct npu_conv_options *o = &op->options.conv;

		padding = o->padding;
		act = o->activation;
		s->stride_h = o->stride_h;
		s->stride_w = o->stride_w;
		s->dil_h = o->dilation_h > 0 ? o->dilation_h : 1;
		s->dil_w = o->dilation_w > 0 ? o->dilation_w : 1;
		s->depth_multiplier = s->cin ? s->cout / s->cin : 0;
	}
	ret = lower_float_act_supported(p, act);
	if (ret || s->stride_h <= 0 || s->stride_w <= 0 || s->cin <= 0 ||
	    out->shape[0] != s->n ||
	    /* Grouped (conv.cc: groups = cin / filter depth, and the
	     * output channels split into as many groups). */
	    (op->builtin == NPU_BUILTIN_CONV_2D &&
	     (f->shape[0] != s->cout || s->fcin <= 0 || s->cin % s->fcin ||
	      s->cout % (s->cin / s->fcin))) ||
	    (op->builtin == NPU_BUILTIN_DEPTHWISE_CONV_2D &&
	     (f->shape[3] != s->cout || s->cin * s->depth_multiplier != s->cout)) ||
	    (tconv && (f->shape[0] != s->cout || f->shape[3] != s->cin)) ||
	    (bias && bias->elements != (size_t)s->cout)) {
		if (!ret) {
			cpu_msg(p->err, p->errlen, "inconsistent conv shapes");
			ret = -EINVAL;
		}
		free(s);
		return ret;
	}
	cpu_float_activation_range(act, &s->act_min, &s->act_max);
	float_padding(s, tconv, padding);
	*state = s;
	return 0;
}

/* CONV_2D (output channel oc reads the filter depth's input channels of
 * its group, as reference_ops::Conv), or DEPTHWISE_CONV_2D (output
 * channel oc reads input channel oc / depth_multiplier, filter
 * [1, KH, KW, Cout]). */
static void conv_float(const struct conv_data *s, bool depthwise,
		       const float *in, const float *f, const float *bias,
		       float *out)
{
	for (int32_t b = 0; b < s->n; b++)
	for (int32_t oy = 0; oy < s->oh; oy++)
	for (int32_t ox = 0; ox < s->ow; ox++)
	for (int32_t oc = 0; oc < s->cout; oc++) {
		/* In 64 bits: strides, dilations and pads come from the file. */
		const int64_t iy0 = (int64_t)oy * s->stride_h - s->pad_h;
		const int64_t ix0 = (int64_t)ox * s->stride_w - s->pad_w;
		const int32_t per_group = depthwise ? 0 : s->cout / (s->cin / s->fcin);
		const int32_t ic0 = depthwise ? oc / s->depth_multiplier :
					       oc / per_group * s->fcin;
		const int32_t ic1 = depthwise ? ic0 + 1 : ic0 + s->fcin;
		float total = 0.0f;

		for (int32_t fy = 0; fy < s->kh; fy++) {
			const int64_t iy = iy0 + (int64_t)s->dil_h * fy;

			for (int32_t fx = 0; fx < s->kw; fx++) {
				const int64_t ix = ix0 + (int64_t)s->dil_w * fx;

				if (iy < 0 || iy >= s->h || ix < 0 || ix >= s->w)
					continue;
				for (int32_t ic = ic0; ic < ic1; ic++)
					total += in[((size_t)(b * s->h + iy) * s->w + ix) * s->cin + ic] *
						 f[depthwise ?
						   ((size_t)fy * s->kw + fx) * s->cout + oc :
						   ((size_t)(oc * s->kh + fy) * s->kw + fx) * s->fcin + ic - ic0];
			}
		}
		total += bias ? bias[oc] : 0.0f;
		out[((size_t)(b * s->oh + oy) * s->ow + ox) * s->cout + oc] =
			lower_clampf(total, s->act_min, s->act_max);
	}
}

static void transpose_conv_float(const struct conv_data *s, const float *in,
				 const float *f, const float *bias, float *out)
{
	const size_t out_elems = (size_t)s->n * s->oh * s->ow * s->cout;

	memset(out, 0, out_elems * sizeof(float));
	for (int32_t b = 0; b < s->n; b++)
	for (int32_t iy = 0; iy < s->h; iy++)
	for (int32_t ix = 0; ix < s->w; ix++)
	for (int32_t ic = 0; ic < s->cin; ic++) {
		const int64_t oy0 = (int64_t)iy * s->stride_h - s->pad_h;
		const int64_t ox0 = (int64_t)ix * s->stride_w - s->pad_w;
		const float v = in[((size_t)(b * s->h + iy) * s->w + ix) * s->cin + ic];

		for (int32_t fy = 0; fy < s->kh; fy++)
		for (int32_t fx = 0; fx < s->kw; fx++)
		for (int32_t oc = 0; oc < s->cout; oc++) {
			const int64_t oy = oy0 + fy, ox = ox0 + fx;

			if (oy < 0 || oy >= s->oh || ox < 0 || ox >= s->ow)
				continue;
			out[((size_t)(b * s->oh + oy) * s->ow + ox) * s->cout + oc] +=
				v * f[((size_t)(oc * s->kh + fy) * s->kw + fx) * s->cin + ic];
		}
	}
	for (size_t i = 0; i < out_elems; i++)
		out[i] = lower_clampf(out[i] + (bias ? bias[i % (size_t)s->cout] : 0.0f),
				s->act_min, s->act_max);
}

static int conv_invoke(const struct npu_cpu_kernel_args *a, void *state)
{
	const struct conv_data *s = state;

	switch (s->builtin) {
	case NPU_BUILTIN_CONV_2D:
	case NPU_BUILTIN_DEPTHWISE_CONV_2D:
		conv_float(s, s->builtin == NPU_BUILTIN_DEPTHWISE_CONV_2D,
			   a->inputs[0], a->inputs[1],
			   s->has_bias ? a->inputs[2] : NULL, a->outputs[0]);
		break;
	default:
		transpose_conv_float(s, a->inputs[2], a->inputs[1],
				     s->has_bias ? a->inputs[3] : NULL,
				     a->outputs[0]);
		break;
	}
	return 0;
}

static const struct cpu_kernel float_kernel = {
	.prepare = conv_prepare,
	.invoke = conv_invoke,
};

const struct npu_builtin_impl npu_builtin_conv = {
	.lower = lower_conv,
	.float_kernel = &float_kernel,
	.output_shape = lower_shape_batch,
};

const struct npu_builtin_impl npu_builtin_transpose_conv = {
	.lower = lower_transpose_conv,
	.float_kernel = &float_kernel,
};
