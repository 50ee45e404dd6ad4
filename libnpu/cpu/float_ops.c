// SPDX-License-Identifier: MIT
/*
 * Float kernels for "int8 with float fallback" models: the float versions
 * of the ops whose integer versions run on the firmware kernels, written
 * after TFLite's reference_ops (conv.h, depthwiseconv_float.h,
 * fully_connected.h, add.h/sub.h/mul.h, pooling.h, reduce.h, logistic.h,
 * tanh.h, leaky_relu.h, transpose_conv.h), same loop and summation order.
 * The firmware has no floats; float data movement (PAD, TRANSPOSE,
 * CONCATENATION, STRIDED_SLICE) uses the firmware's byte-moving kernels.
 */
#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cpu_internal.h"

#define MAX_RANK NPU_GRAPH_MAX_DIMS

struct float_state {
	int32_t builtin;
	float act_min, act_max;
	/* conv / pool geometry */
	int32_t n, h, w, cin, oh, ow, cout, kh, kw;
	int32_t stride_h, stride_w, dil_h, dil_w, pad_h, pad_w;
	int32_t depth_multiplier;
	bool has_bias;
	/* fully connected */
	size_t batches, depth, units;
	/* elementwise with broadcast: output dims, input strides (0 = bcast) */
	uint32_t rank;
	int32_t odims[MAX_RANK];
	size_t s1[MAX_RANK], s2[MAX_RANK];
	size_t count;
	/* mean */
	size_t outer_count, reduce_count;
	int32_t idims[MAX_RANK];
	uint32_t reduce_mask;
	float alpha;
	/* quantized mean */
	enum npu_type type;
	int32_t in_zp, out_zp;
	float in_scale, out_scale;
};

static void float_act(int32_t act, float *lo, float *hi)
{
	*lo = -FLT_MAX;
	*hi = FLT_MAX;
	if (act == NPU_ACT_RELU) {
		*lo = 0.0f;
	} else if (act == NPU_ACT_RELU6) {
		*lo = 0.0f;
		*hi = 6.0f;
	} else if (act == NPU_ACT_RELU_N1_TO_1) {
		*lo = -1.0f;
		*hi = 1.0f;
	}
}

static float clampf(float x, float lo, float hi)
{
	return fminf(fmaxf(x, lo), hi);
}

static bool all_float(const struct cpu_prep *p)
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

static int act_supported(const struct cpu_prep *p, int32_t act)
{
	if (act == NPU_ACT_NONE || act == NPU_ACT_RELU ||
	    act == NPU_ACT_RELU6 || act == NPU_ACT_RELU_N1_TO_1)
		return 0;
	cpu_msg(p->err, p->errlen, "fused activation %s is not supported",
		npu_activation_name(act));
	return -ENOTSUP;
}

static struct float_state *new_state(const struct cpu_prep *p)
{
	struct float_state *s = calloc(1, sizeof(*s));

	if (s)
		s->builtin = p->op->builtin;
	return s;
}

/* ---- CONV_2D, DEPTHWISE_CONV_2D, TRANSPOSE_CONV ---- */

static int conv_prepare(const struct cpu_prep *p, void **state)
{
	const struct npu_graph_op *op = p->op;
	const bool tconv = op->builtin == NPU_BUILTIN_TRANSPOSE_CONV;
	const struct npu_graph_tensor *in, *f, *out, *bias;
	struct float_state *s;
	int32_t padding, act, unused;
	int ret;

	ret = cpu_need_io(p, tconv ? 3 : 2, tconv ? 4 : 3, 1);
	if (ret)
		return ret;
	if (!all_float(p)) {
		cpu_msg(p->err, p->errlen, "mixed float and integer tensors");
		return -ENOTSUP;
	}
	in = cpu_in(p->g, op, tconv ? 2 : 0);
	f = cpu_in(p->g, op, 1);
	bias = cpu_in(p->g, op, tconv ? 3 : 2);
	out = cpu_out(p->g, op, 0);
	if (in->rank != 4 || f->rank != 4 || out->rank != 4) {
		cpu_msg(p->err, p->errlen, "input, filter and output must be 4-D");
		return -EINVAL;
	}
	s = new_state(p);
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
	ret = act_supported(p, act);
	if (ret || s->stride_h <= 0 || s->stride_w <= 0 || s->cin <= 0 ||
	    out->shape[0] != s->n ||
	    (op->builtin == NPU_BUILTIN_CONV_2D &&
	     (f->shape[0] != s->cout || f->shape[3] != s->cin)) ||
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
	float_act(act, &s->act_min, &s->act_max);
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
	*state = s;
	return 0;
}

/* CONV_2D, or DEPTHWISE_CONV_2D (output channel oc reads input channel
 * oc / depth_multiplier, filter [1, KH, KW, Cout]). */
static void conv_float(const struct float_state *s, bool depthwise,
		       const float *in, const float *f, const float *bias,
		       float *out)
{
	for (int32_t b = 0; b < s->n; b++)
	for (int32_t oy = 0; oy < s->oh; oy++)
	for (int32_t ox = 0; ox < s->ow; ox++)
	for (int32_t oc = 0; oc < s->cout; oc++) {
		const int32_t iy0 = oy * s->stride_h - s->pad_h;
		const int32_t ix0 = ox * s->stride_w - s->pad_w;
		const int32_t ic0 = depthwise ? oc / s->depth_multiplier : 0;
		const int32_t ic1 = depthwise ? ic0 + 1 : s->cin;
		float total = 0.0f;

		for (int32_t fy = 0; fy < s->kh; fy++) {
			const int32_t iy = iy0 + s->dil_h * fy;

			for (int32_t fx = 0; fx < s->kw; fx++) {
				const int32_t ix = ix0 + s->dil_w * fx;

				if (iy < 0 || iy >= s->h || ix < 0 || ix >= s->w)
					continue;
				for (int32_t ic = ic0; ic < ic1; ic++)
					total += in[((size_t)(b * s->h + iy) * s->w + ix) * s->cin + ic] *
						 f[depthwise ?
						   ((size_t)fy * s->kw + fx) * s->cout + oc :
						   ((size_t)(oc * s->kh + fy) * s->kw + fx) * s->cin + ic];
			}
		}
		total += bias ? bias[oc] : 0.0f;
		out[((size_t)(b * s->oh + oy) * s->ow + ox) * s->cout + oc] =
			clampf(total, s->act_min, s->act_max);
	}
}

static void transpose_conv_float(const struct float_state *s, const float *in,
				 const float *f, const float *bias, float *out)
{
	const size_t out_elems = (size_t)s->n * s->oh * s->ow * s->cout;

	memset(out, 0, out_elems * sizeof(float));
	for (int32_t b = 0; b < s->n; b++)
	for (int32_t iy = 0; iy < s->h; iy++)
	for (int32_t ix = 0; ix < s->w; ix++)
	for (int32_t ic = 0; ic < s->cin; ic++) {
		const int32_t oy0 = iy * s->stride_h - s->pad_h;
		const int32_t ox0 = ix * s->stride_w - s->pad_w;
		const float v = in[((size_t)(b * s->h + iy) * s->w + ix) * s->cin + ic];

		for (int32_t fy = 0; fy < s->kh; fy++)
		for (int32_t fx = 0; fx < s->kw; fx++)
		for (int32_t oc = 0; oc < s->cout; oc++) {
			const int32_t oy = oy0 + fy, ox = ox0 + fx;

			if (oy < 0 || oy >= s->oh || ox < 0 || ox >= s->ow)
				continue;
			out[((size_t)(b * s->oh + oy) * s->ow + ox) * s->cout + oc] +=
				v * f[((size_t)(oc * s->kh + fy) * s->kw + fx) * s->cin + ic];
		}
	}
	for (size_t i = 0; i < out_elems; i++)
		out[i] = clampf(out[i] + (bias ? bias[i % (size_t)s->cout] : 0.0f),
				s->act_min, s->act_max);
}

static int conv_invoke(const struct npu_cpu_kernel_args *a, void *state)
{
	const struct float_state *s = state;

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

/* ---- FULLY_CONNECTED ---- */

static int fc_prepare(const struct cpu_prep *p, void **state)
{
	const struct npu_graph_tensor *in, *f, *bias, *out;
	struct float_state *s;
	int ret;

	ret = cpu_need_io(p, 2, 3, 1);
	if (ret)
		return ret;
	if (!all_float(p)) {
		cpu_msg(p->err, p->errlen,
			"hybrid (float input, integer weights) is not supported");
		return -ENOTSUP;
	}
	ret = act_supported(p, p->op->options.fc.activation);
	if (ret)
		return ret;
	in = cpu_in(p->g, p->op, 0);
	f = cpu_in(p->g, p->op, 1);
	bias = cpu_in(p->g, p->op, 2);
	out = cpu_out(p->g, p->op, 0);
	if (f->rank != 2 || f->shape[1] <= 0 ||
	    in->elements % (size_t)f->shape[1] ||
	    out->elements != in->elements / (size_t)f->shape[1] * (size_t)f->shape[0] ||
	    (bias && bias->elements != (size_t)f->shape[0])) {
		cpu_msg(p->err, p->errlen, "inconsistent shapes");
		return -EINVAL;
	}
	s = new_state(p);
	if (!s)
		return -ENOMEM;
	s->depth = (size_t)f->shape[1];
	s->units = (size_t)f->shape[0];
	s->batches = in->elements / s->depth;
	s->has_bias = bias != NULL;
	float_act(p->op->options.fc.activation, &s->act_min, &s->act_max);
	*state = s;
	return 0;
}

static int fc_invoke(const struct npu_cpu_kernel_args *a, void *state)
{
	const struct float_state *s = state;
	const float *in = a->inputs[0], *w = a->inputs[1];
	const float *bias = s->has_bias ? a->inputs[2] : NULL;
	float *out = a->outputs[0];

	for (size_t b = 0; b < s->batches; b++) {
		for (size_t u = 0; u < s->units; u++) {
			float total = 0.0f;

			for (size_t d = 0; d < s->depth; d++)
				total += in[b * s->depth + d] * w[u * s->depth + d];
			out[b * s->units + u] = clampf(total + (bias ? bias[u] : 0.0f),
						       s->act_min, s->act_max);
		}
	}
	return 0;
}

/* ---- ADD, SUB, MUL with broadcast ---- */

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

static int eltwise_prepare(const struct cpu_prep *p, void **state)
{
	const struct npu_graph_tensor *a, *b, *out;
	struct float_state *s;
	int32_t act;
	int ret;

	ret = cpu_need_io(p, 2, 2, 1);
	if (ret)
		return ret;
	if (!all_float(p) || cpu_in(p->g, p->op, 0)->type != NPU_TYPE_FLOAT32 ||
	    cpu_in(p->g, p->op, 1)->type != NPU_TYPE_FLOAT32) {
		cpu_msg(p->err, p->errlen, "mixed float and integer tensors");
		return -ENOTSUP;
	}
	act = p->op->options_kind == NPU_OPTS_ELTWISE ?
	      p->op->options.eltwise.activation : NPU_ACT_NONE;
	ret = act_supported(p, act);
	if (ret)
		return ret;
	a = cpu_in(p->g, p->op, 0);
	b = cpu_in(p->g, p->op, 1);
	out = cpu_out(p->g, p->op, 0);
	if (a->rank > out->rank || b->rank > out->rank) {
		cpu_msg(p->err, p->errlen, "inputs have a higher rank than the output");
		return -EINVAL;
	}
	s = new_state(p);
	if (!s)
		return -ENOMEM;
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
			free(s);
			return -EINVAL;
		}
	}
	strides_for(a, s->rank, s->odims, s->s1);
	strides_for(b, s->rank, s->odims, s->s2);
	s->count = out->elements;
	float_act(act, &s->act_min, &s->act_max);
	*state = s;
	return 0;
}

static int eltwise_invoke(const struct npu_cpu_kernel_args *a, void *state)
{
	const struct float_state *s = state;
	const float *x = a->inputs[0], *y = a->inputs[1];
	float *out = a->outputs[0];
	int32_t idx[MAX_RANK] = { 0 };
	size_t o1 = 0, o2 = 0;

	for (size_t i = 0; i < s->count; i++) {
		float v;

		if (s->builtin == NPU_BUILTIN_ADD)
			v = x[o1] + y[o2];
		else if (s->builtin == NPU_BUILTIN_SUB)
			v = x[o1] - y[o2];
		else
			v = x[o1] * y[o2];
		out[i] = clampf(v, s->act_min, s->act_max);
		/* Advance the multi-index, last dimension fastest. */
		for (int d = (int)s->rank - 1; d >= 0; d--) {
			if (++idx[d] < s->odims[d]) {
				o1 += s->s1[d];
				o2 += s->s2[d];
				break;
			}
			o1 -= s->s1[d] * (size_t)(s->odims[d] - 1);
			o2 -= s->s2[d] * (size_t)(s->odims[d] - 1);
			idx[d] = 0;
		}
	}
	return 0;
}

/* ---- AVERAGE_POOL_2D, MAX_POOL_2D ---- */

static int pool_prepare(const struct cpu_prep *p, void **state)
{
	const struct npu_pool_options *o = &p->op->options.pool;
	const struct npu_graph_tensor *in, *out;
	struct float_state *s;
	int32_t unused;
	int ret;

	ret = cpu_need_io(p, 1, 1, 1);
	if (ret)
		return ret;
	if (!all_float(p)) {
		cpu_msg(p->err, p->errlen, "mixed float and integer tensors");
		return -ENOTSUP;
	}
	ret = act_supported(p, o->activation);
	if (ret)
		return ret;
	in = cpu_in(p->g, p->op, 0);
	out = cpu_out(p->g, p->op, 0);
	if (in->rank != 4 || out->rank != 4 || o->stride_h <= 0 ||
	    o->stride_w <= 0 || o->filter_h <= 0 || o->filter_w <= 0 ||
	    in->shape[3] != out->shape[3] || in->shape[0] != out->shape[0]) {
		cpu_msg(p->err, p->errlen, "inconsistent pool shapes");
		return -EINVAL;
	}
	s = new_state(p);
	if (!s)
		return -ENOMEM;
	s->n = in->shape[0];
	s->h = in->shape[1];
	s->w = in->shape[2];
	s->cin = s->cout = in->shape[3];
	s->oh = out->shape[1];
	s->ow = out->shape[2];
	s->kh = o->filter_h;
	s->kw = o->filter_w;
	s->stride_h = o->stride_h;
	s->stride_w = o->stride_w;
	s->pad_h = npu_cpu_padding(s->h, s->kh, s->stride_h, 1,
		npu_cpu_out_size(o->padding, s->h, s->kh, s->stride_h, 1),
		&unused);
	s->pad_w = npu_cpu_padding(s->w, s->kw, s->stride_w, 1,
		npu_cpu_out_size(o->padding, s->w, s->kw, s->stride_w, 1),
		&unused);
	float_act(o->activation, &s->act_min, &s->act_max);
	*state = s;
	return 0;
}

static int pool_invoke(const struct npu_cpu_kernel_args *a, void *state)
{
	const struct float_state *s = state;
	const bool avg = s->builtin == NPU_BUILTIN_AVERAGE_POOL_2D;
	const float *in = a->inputs[0];
	float *out = a->outputs[0];

	for (int32_t b = 0; b < s->n; b++)
	for (int32_t oy = 0; oy < s->oh; oy++)
	for (int32_t ox = 0; ox < s->ow; ox++)
	for (int32_t c = 0; c < s->cin; c++) {
		const int32_t iy0 = oy * s->stride_h - s->pad_h;
		const int32_t ix0 = ox * s->stride_w - s->pad_w;
		const int32_t fy0 = iy0 < 0 ? -iy0 : 0;
		const int32_t fx0 = ix0 < 0 ? -ix0 : 0;
		const int32_t fy1 = s->kh < s->h - iy0 ? s->kh : s->h - iy0;
		const int32_t fx1 = s->kw < s->w - ix0 ? s->kw : s->w - ix0;
		float acc = avg ? 0.0f : -FLT_MAX;
		int32_t count = 0;

		for (int32_t fy = fy0; fy < fy1; fy++)
			for (int32_t fx = fx0; fx < fx1; fx++) {
				const float v = in[((size_t)(b * s->h + iy0 + fy) * s->w +
						    ix0 + fx) * s->cin + c];

				acc = avg ? acc + v : fmaxf(acc, v);
				count++;
			}
		if (avg)
			acc = count ? acc / (float)count : 0.0f;
		out[((size_t)(b * s->oh + oy) * s->ow + ox) * s->cin + c] =
			clampf(acc, s->act_min, s->act_max);
	}
	return 0;
}

/*
 * ---- MEAN over any axes ----
 * float: sum in input order, divide (reference_ops::Mean).  int8/int16 in
 * the cases the firmware kernel does not cover, as TFLM's EvalMeanHelper:
 * equal input/output quantization -> integer sum / count (truncating);
 * otherwise QuantizedMeanOrSum: float mean * (in_scale / out_scale) -
 * in_zp * scale, rounded, + out_zp, saturated.
 */
static int mean_prepare(const struct cpu_prep *p, void **state)
{
	const struct npu_graph_tensor *in, *axis, *out;
	struct float_state *s;
	int ret;

	ret = cpu_need_io(p, 2, 2, 1);
	if (ret)
		return ret;
	in = cpu_in(p->g, p->op, 0);
	axis = cpu_in(p->g, p->op, 1);
	out = cpu_out(p->g, p->op, 0);
	if (in->type != out->type ||
	    (in->type != NPU_TYPE_FLOAT32 && in->type != NPU_TYPE_INT8 &&
	     in->type != NPU_TYPE_INT16)) {
		cpu_msg(p->err, p->errlen, "%s to %s MEAN is not supported",
			npu_type_name(in->type), npu_type_name(out->type));
		return -ENOTSUP;
	}
	if (!axis->data || axis->type != NPU_TYPE_INT32) {
		cpu_msg(p->err, p->errlen, "axis must be a constant int32 tensor");
		return -EINVAL;
	}
	if (in->rank > MAX_RANK) {
		cpu_msg(p->err, p->errlen, "rank %d is not supported", in->rank);
		return -ENOTSUP;
	}
	s = new_state(p);
	if (!s)
		return -ENOMEM;
	s->rank = (uint32_t)in->rank;
	s->type = in->type;
	for (size_t i = 0; i < axis->elements; i++) {
		int32_t v = ((const int32_t *)axis->data)[i];

		if (v < 0)
			v += in->rank;
		if (v < 0 || v >= in->rank) {
			cpu_msg(p->err, p->errlen, "axis %d out of range",
				((const int32_t *)axis->data)[i]);
			free(s);
			return -EINVAL;
		}
		s->reduce_mask |= 1u << v;
	}
	s->reduce_count = 1;
	for (int i = 0; i < in->rank; i++) {
		s->idims[i] = in->shape[i];
		if (s->reduce_mask & (1u << i))
			s->reduce_count *= (size_t)in->shape[i];
	}
	s->count = in->elements;
	s->outer_count = s->reduce_count ? in->elements / s->reduce_count : 0;
	if (s->outer_count != out->elements) {
		cpu_msg(p->err, p->errlen, "output has %zu elements, expected %zu",
			out->elements, s->outer_count);
		free(s);
		return -EINVAL;
	}
	if (in->type != NPU_TYPE_FLOAT32) {
		if (!in->quant.count || !out->quant.count) {
			cpu_msg(p->err, p->errlen,
				"input and output must be quantized");
			free(s);
			return -EINVAL;
		}
		s->in_zp = in->quant.zero_point[0];
		s->out_zp = out->quant.zero_point[0];
		s->in_scale = in->quant.scale[0];
		s->out_scale = out->quant.scale[0];
	}
	*state = s;
	return 0;
}

static size_t mean_out_index(const struct float_state *s, const int32_t *idx)
{
	size_t o = 0;

	/* The kept dimensions, row-major. */
	for (uint32_t d = 0; d < s->rank; d++)
		if (!(s->reduce_mask & (1u << d)))
			o = o * (size_t)s->idims[d] + (size_t)idx[d];
	return o;
}

static void next_index(const struct float_state *s, int32_t *idx)
{
	for (int d = (int)s->rank - 1; d >= 0; d--) {
		if (++idx[d] < s->idims[d])
			return;
		idx[d] = 0;
	}
}

static int mean_invoke(const struct npu_cpu_kernel_args *a, void *state)
{
	const struct float_state *s = state;
	int32_t idx[MAX_RANK] = { 0 };

	if (s->type == NPU_TYPE_FLOAT32) {
		const float *in = a->inputs[0];
		float *out = a->outputs[0];

		memset(out, 0, s->outer_count * sizeof(float));
		for (size_t i = 0; i < s->count; i++) {
			out[mean_out_index(s, idx)] += in[i];
			next_index(s, idx);
		}
		for (size_t o = 0; o < s->outer_count; o++)
			out[o] /= (float)s->reduce_count;
		return 0;
	} else {
		const bool s16 = s->type == NPU_TYPE_INT16;
		const int32_t lo = s16 ? INT16_MIN : INT8_MIN;
		const int32_t hi = s16 ? INT16_MAX : INT8_MAX;
		const bool same = s->in_zp == s->out_zp &&
				  s->in_scale == s->out_scale;
		const float scale = s->in_scale / s->out_scale;
		const float bias = (float)-s->in_zp * scale;
		uint32_t *sum = calloc(s->outer_count ? s->outer_count : 1,
				       sizeof(*sum));

		if (!sum)
			return -ENOMEM;
		/* int32 sum with TFLite's wrap-around on overflow. */
		for (size_t i = 0; i < s->count; i++) {
			const int32_t v = s16 ? ((const int16_t *)a->inputs[0])[i] :
						((const int8_t *)a->inputs[0])[i];

			sum[mean_out_index(s, idx)] += (uint32_t)v;
			next_index(s, idx);
		}
		for (size_t o = 0; o < s->outer_count; o++) {
			const int32_t total = (int32_t)sum[o];
			int32_t v;

			if (same) {
				v = total / (int32_t)s->reduce_count;
			} else {
				const float mean = (float)total /
						   (float)s->reduce_count;
				float r = roundf(mean * scale + bias) +
					  (float)s->out_zp;

				r = fminf(r, (float)hi);
				r = fmaxf(r, (float)lo);
				v = (int32_t)r;
			}
			if (s16)
				((int16_t *)a->outputs[0])[o] = (int16_t)v;
			else
				((int8_t *)a->outputs[0])[o] = (int8_t)v;
		}
		free(sum);
		return 0;
	}
}

/* ---- LOGISTIC, TANH, LEAKY_RELU ---- */

static int unary_prepare(const struct cpu_prep *p, void **state)
{
	struct float_state *s;
	int ret;

	ret = cpu_need_io(p, 1, 1, 1);
	if (ret)
		return ret;
	if (!all_float(p) ||
	    cpu_in(p->g, p->op, 0)->elements != cpu_out(p->g, p->op, 0)->elements) {
		cpu_msg(p->err, p->errlen, "needs float input and output of one size");
		return -ENOTSUP;
	}
	s = new_state(p);
	if (!s)
		return -ENOMEM;
	s->count = cpu_out(p->g, p->op, 0)->elements;
	s->alpha = p->op->options_kind == NPU_OPTS_LEAKY_RELU ?
		   p->op->options.leaky_relu.alpha : 0.2f;
	*state = s;
	return 0;
}

static int unary_invoke(const struct npu_cpu_kernel_args *a, void *state)
{
	const struct float_state *s = state;
	const float *in = a->inputs[0];
	float *out = a->outputs[0];

	for (size_t i = 0; i < s->count; i++) {
		const float x = in[i];

		switch (s->builtin) {
		case NPU_BUILTIN_LOGISTIC:
			/* reference_ops::Logistic cut-offs. */
			if (x > 16.619047164916992188f)
				out[i] = 1.0f;
			else if (x < -9.0f)
				out[i] = expf(x);
			else
				out[i] = 1.0f / (1.0f + expf(-x));
			break;
		case NPU_BUILTIN_TANH:
			out[i] = tanhf(x);
			break;
		default:
			out[i] = x > 0.0f ? x : x * s->alpha;
			break;
		}
	}
	return 0;
}

#define FLOAT_KERNEL(name, op, prep, inv) \
	static const struct cpu_kernel name = { \
		.builtin = (op), .prepare = (prep), .invoke = (inv), \
	}

FLOAT_KERNEL(f_conv, NPU_BUILTIN_CONV_2D, conv_prepare, conv_invoke);
FLOAT_KERNEL(f_dw, NPU_BUILTIN_DEPTHWISE_CONV_2D, conv_prepare, conv_invoke);
FLOAT_KERNEL(f_tconv, NPU_BUILTIN_TRANSPOSE_CONV, conv_prepare, conv_invoke);
FLOAT_KERNEL(f_fc, NPU_BUILTIN_FULLY_CONNECTED, fc_prepare, fc_invoke);
FLOAT_KERNEL(f_add, NPU_BUILTIN_ADD, eltwise_prepare, eltwise_invoke);
FLOAT_KERNEL(f_sub, NPU_BUILTIN_SUB, eltwise_prepare, eltwise_invoke);
FLOAT_KERNEL(f_mul, NPU_BUILTIN_MUL, eltwise_prepare, eltwise_invoke);
FLOAT_KERNEL(f_avg, NPU_BUILTIN_AVERAGE_POOL_2D, pool_prepare, pool_invoke);
FLOAT_KERNEL(f_max, NPU_BUILTIN_MAX_POOL_2D, pool_prepare, pool_invoke);
FLOAT_KERNEL(f_mean, NPU_BUILTIN_MEAN, mean_prepare, mean_invoke);
FLOAT_KERNEL(f_logistic, NPU_BUILTIN_LOGISTIC, unary_prepare, unary_invoke);
FLOAT_KERNEL(f_tanh, NPU_BUILTIN_TANH, unary_prepare, unary_invoke);
FLOAT_KERNEL(f_leaky, NPU_BUILTIN_LEAKY_RELU, unary_prepare, unary_invoke);

static const struct cpu_kernel *const float_kernels[] = {
	&f_conv, &f_dw, &f_tconv, &f_fc, &f_add, &f_sub, &f_mul, &f_avg,
	&f_max, &f_mean, &f_logistic, &f_tanh, &f_leaky,
};

const struct cpu_kernel *cpu_float_kernel_find(int32_t builtin)
{
	for (size_t i = 0; i < sizeof(float_kernels) / sizeof(float_kernels[0]); i++)
		if (float_kernels[i]->builtin == builtin)
			return float_kernels[i];
	return NULL;
}
