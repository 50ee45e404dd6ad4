// SPDX-License-Identifier: MIT
/*
 * Dynamic-range ("hybrid") CONV_2D, DEPTHWISE_CONV_2D and FULLY_CONNECTED:
 * float activations, int8 weights.  As TFLite does at run time: quantize
 * each batch of the input to int8 (symmetric, or asymmetric with a zero
 * point), integer dot products with the weights, then scale the int32
 * sums back to float with the batch's and the weights' scales, add the
 * float bias and clamp.  Which quantization and which order of the float
 * multiplications follow TFLite's kernels (conv.cc, depthwise_conv.cc,
 * fully_connected.cc with tensor_utils), as the x86 build of the reference
 * interpreter runs them:
 *
 *  CONV_2D, one filter scale (or all equal): symmetric input,
 *    out = (float)acc * (batch_scale * filter_scale) + bias
 *  CONV_2D per channel, DEPTHWISE_CONV_2D: asymmetric input,
 *    conv: out = ((float)acc * channel_scale) * batch_scale + bias
 *    depthwise: out = (float)acc * (channel_scale * batch_scale) + bias
 *  FULLY_CONNECTED: symmetric, or asymmetric with
 *    asymmetric_quantize_inputs; one scale: out = bias + acc *
 *    (batch_scale * filter_scale), per channel: bias + acc *
 *    (batch_scale * channel_scale); acc = dot - row_sum * zero_point.
 *
 * The quantization of the input is the kernels' vector code: blocks of 8
 * values round with trunc(x +- 0.5f), the rest with roundf().
 *
 * Everything stays on the CPU: the per-batch scale and zero point are
 * computed from the float input at run time, which the NPU cannot do.
 */
#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cpu_internal.h"

struct hybrid_state {
	int32_t builtin;
	float act_min, act_max;
	bool per_channel;	/* CONV_2D: channel scales and asymmetric input */
	bool asymmetric;	/* input quantized with a zero point */
	bool has_bias;
	/* conv geometry */
	int32_t n, h, w, cin, oh, ow, cout, kh, kw, fin;
	int32_t stride_h, stride_w, dil_h, dil_w, pad_h, pad_w;
	int32_t depth_multiplier;
	/* fully connected */
	size_t batches, depth, units;
	/* filter scales: cout (or units) entries, or one */
	float *scale;
	uint32_t scale_count;
	int32_t *row_sums;	/* FULLY_CONNECTED asymmetric */
	/* run-time scratch: the quantized input and per-batch parameters */
	int8_t *q;
	float *batch_scale;
	int32_t *batch_zp;
	size_t batch_elems;
};

void cpu_float_activation_range(int32_t act, float *lo, float *hi)
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

/* The rounding of the vector code: to nearest, ties away, in float. */
static int32_t round_vec(float x)
{
	return (int32_t)(x + (x < 0.0f ? -0.5f : 0.5f));
}

void cpu_quantize_symmetric(const float *v, size_t n, int8_t *q, float *scale)
{
	const size_t vec_end = n & ~(size_t)7;
	float lo = n ? v[0] : 0.0f, hi = lo, range, inv;

	for (size_t i = 1; i < n; i++) {
		lo = v[i] < lo ? v[i] : lo;
		hi = v[i] > hi ? v[i] : hi;
	}
	range = fmaxf(fabsf(lo), fabsf(hi));
	if (range == 0.0f) {
		memset(q, 0, n);
		*scale = 1.0f;
		return;
	}
	*scale = range / 127.0f;
	inv = 127.0f / range;
	for (size_t i = 0; i < n; i++) {
		const float x = v[i] * inv;
		int32_t r = i < vec_end ? round_vec(x) : (int32_t)roundf(x);

		r = r > 127 ? 127 : r < -127 ? -127 : r;
		q[i] = (int8_t)r;
	}
}

void cpu_quantize_asymmetric(const float *v, size_t n, int8_t *q, float *scale,
			     int32_t *zero_point)
{
	const size_t vec_end = n & ~(size_t)7;
	float rmin = 0.0f, rmax = 0.0f, inv;
	double s, zp_min, zp_max, zp;
	int32_t nudged;

	for (size_t i = 0; i < n; i++) {
		rmin = v[i] < rmin ? v[i] : rmin;
		rmax = v[i] > rmax ? v[i] : rmax;
	}
	if (rmin == rmax) {
		memset(q, 0, n);
		*scale = 1.0f;
		*zero_point = 0;
		return;
	}
	/* The range is a float difference, the rest double. */
	s = (double)(rmax - rmin) / 255.0;
	zp_min = -128.0 - (double)rmin / s;
	zp_max = 127.0 - (double)rmax / s;
	zp = 128.0 + fabs((double)rmin / s) < 127.0 + fabs((double)rmax / s) ?
	     zp_min : zp_max;
	if (zp <= -128.0)
		nudged = -128;
	else if (zp >= 127.0)
		nudged = 127;
	else
		nudged = (int32_t)round(zp);
	*scale = (float)s;
	*zero_point = nudged;
	inv = *scale == 0.0f ? 0.0f : (float)(1.0 / (double)*scale);
	for (size_t i = 0; i < n; i++) {
		const float x = inv * v[i];
		int32_t r = (i < vec_end ? round_vec(x) : (int32_t)roundf(x)) +
			    nudged;

		r = r > 127 ? 127 : r < -128 ? -128 : r;
		q[i] = (int8_t)r;
	}
}

static int hybrid_scratch(struct hybrid_state *s, size_t batches,
			  size_t batch_elems)
{
	const size_t total = batches * batch_elems;

	s->batch_elems = batch_elems;
	s->q = malloc(total ? total : 1);
	s->batch_scale = calloc(batches ? batches : 1, sizeof(float));
	s->batch_zp = calloc(batches ? batches : 1, sizeof(int32_t));
	return s->q && s->batch_scale && s->batch_zp ? 0 : -ENOMEM;
}

static void hybrid_release(void *state)
{
	struct hybrid_state *s = state;

	if (!s)
		return;
	free(s->scale);
	free(s->row_sums);
	free(s->q);
	free(s->batch_scale);
	free(s->batch_zp);
	free(s);
}

static bool act_ok(const struct cpu_prep *p, int32_t act)
{
	if (act == NPU_ACT_NONE || act == NPU_ACT_RELU ||
	    act == NPU_ACT_RELU6 || act == NPU_ACT_RELU_N1_TO_1)
		return true;
	cpu_msg(p->err, p->errlen, "fused activation %s is not supported",
		npu_activation_name(act));
	return false;
}

/*
 * The operands of a hybrid CONV_2D, DEPTHWISE_CONV_2D or FULLY_CONNECTED
 * (input, int8 weights with scales, optional float bias, float output) and
 * its fused @activation, checked.
 */
static int hybrid_operands(const struct cpu_prep *p, int32_t activation,
			   const struct npu_graph_tensor **inp,
			   const struct npu_graph_tensor **fp,
			   const struct npu_graph_tensor **biasp,
			   const struct npu_graph_tensor **outp)
{
	const struct npu_graph_tensor *in, *f, *bias, *out;
	int ret = cpu_need_io(p, 2, 3, 1);

	if (ret)
		return ret;
	in = *inp = cpu_in(p->g, p->op, 0);
	f = *fp = cpu_in(p->g, p->op, 1);
	bias = *biasp = cpu_in(p->g, p->op, 2);
	out = *outp = cpu_out(p->g, p->op, 0);
	if (in->type != NPU_TYPE_FLOAT32 || out->type != NPU_TYPE_FLOAT32) {
		cpu_msg(p->err, p->errlen,
			"hybrid %s needs float input and output, has %s and %s",
			npu_op_name(p->op->builtin), npu_type_name(in->type),
			npu_type_name(out->type));
		return -EINVAL;
	}
	if (f->type != NPU_TYPE_INT8) {
		cpu_msg(p->err, p->errlen,
			"hybrid %s with %s weights is not supported",
			npu_op_name(p->op->builtin), npu_type_name(f->type));
		return -ENOTSUP;
	}
	if (!f->quant.count) {
		cpu_msg(p->err, p->errlen, "int8 weights without a scale");
		return -EINVAL;
	}
	if (bias && bias->type != NPU_TYPE_FLOAT32) {
		cpu_msg(p->err, p->errlen, "hybrid %s needs a float bias, has %s",
			npu_op_name(p->op->builtin), npu_type_name(bias->type));
		return -EINVAL;
	}
	return act_ok(p, activation) ? 0 : -ENOTSUP;
}

static int copy_scales(struct hybrid_state *s, const struct npu_graph_tensor *f)
{
	s->scale_count = f->quant.count;
	s->scale = malloc(s->scale_count * sizeof(float));
	if (!s->scale)
		return -ENOMEM;
	memcpy(s->scale, f->quant.scale, s->scale_count * sizeof(float));
	return 0;
}

/* ---- CONV_2D, DEPTHWISE_CONV_2D ---- */

static int hybrid_conv_prepare(const struct cpu_prep *p, void **state)
{
	const struct npu_conv_options *o = &p->op->options.conv;
	const bool dw = p->op->builtin == NPU_BUILTIN_DEPTHWISE_CONV_2D;
	const struct npu_graph_tensor *in, *f, *bias, *out;
	struct hybrid_state *s;
	int32_t unused;
	bool equal = true;
	int ret;

	ret = hybrid_operands(p, o->activation, &in, &f, &bias, &out);
	if (ret)
		return ret;
	if (in->rank != 4 || f->rank != 4 || out->rank != 4 ||
	    in->shape[0] <= 0 || in->shape[3] <= 0 || f->shape[3] <= 0 ||
	    o->stride_h <= 0 || o->stride_w <= 0 || out->shape[0] != in->shape[0]) {
		cpu_msg(p->err, p->errlen, "inconsistent conv shapes");
		return -EINVAL;
	}
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->builtin = p->op->builtin;
	s->n = in->shape[0];
	s->h = in->shape[1];
	s->w = in->shape[2];
	s->cin = in->shape[3];
	s->oh = out->shape[1];
	s->ow = out->shape[2];
	s->cout = out->shape[3];
	s->kh = f->shape[1];
	s->kw = f->shape[2];
	s->fin = dw ? 1 : f->shape[3];
	s->stride_h = o->stride_h;
	s->stride_w = o->stride_w;
	s->dil_h = o->dilation_h > 0 ? o->dilation_h : 1;
	s->dil_w = o->dilation_w > 0 ? o->dilation_w : 1;
	s->depth_multiplier = s->cout / s->cin;
	s->has_bias = bias != NULL;
	if ((dw && (f->shape[0] != 1 || f->shape[3] != s->cout ||
		    s->cout % s->cin)) ||
	    (!dw && (f->shape[0] != s->cout || s->cin % s->fin ||
		     s->cout % (s->cin / s->fin))) ||
	    (bias && bias->elements != (size_t)s->cout)) {
		cpu_msg(p->err, p->errlen, "inconsistent conv shapes");
		hybrid_release(s);
		return -EINVAL;
	}
	for (uint32_t i = 1; i < f->quant.count; i++)
		equal = equal && f->quant.scale[i] == f->quant.scale[0];
	/* TFLite: grouped conv always takes the per-channel path. */
	s->per_channel = dw || !equal || s->fin != s->cin;
	s->asymmetric = s->per_channel;
	if (s->per_channel && f->quant.count != (uint32_t)s->cout) {
		/* TFLite would read past its one-entry scale array. */
		cpu_msg(p->err, p->errlen,
			"hybrid %s needs one weight scale per output channel, has %u",
			npu_op_name(s->builtin), f->quant.count);
		hybrid_release(s);
		return -ENOTSUP;
	}
	cpu_float_activation_range(o->activation, &s->act_min, &s->act_max);
	s->pad_h = npu_cpu_padding(s->h, s->kh, s->stride_h, s->dil_h,
		npu_cpu_out_size(o->padding, s->h, s->kh, s->stride_h, s->dil_h),
		&unused);
	s->pad_w = npu_cpu_padding(s->w, s->kw, s->stride_w, s->dil_w,
		npu_cpu_out_size(o->padding, s->w, s->kw, s->stride_w, s->dil_w),
		&unused);
	ret = copy_scales(s, f);
	if (!ret)
		ret = hybrid_scratch(s, (size_t)s->n, in->elements / (size_t)s->n);
	if (ret) {
		hybrid_release(s);
		return ret;
	}
	*state = s;
	return 0;
}

/* The int32 sum of output (b, oy, ox, oc), zero point @zp subtracted. */
static int32_t conv_acc(const struct hybrid_state *s, const int8_t *q,
			const int8_t *f, int32_t b, int32_t oy, int32_t ox,
			int32_t oc, int32_t zp)
{
	const bool dw = s->builtin == NPU_BUILTIN_DEPTHWISE_CONV_2D;
	const int32_t iy0 = oy * s->stride_h - s->pad_h;
	const int32_t ix0 = ox * s->stride_w - s->pad_w;
	const int32_t per_group = s->cout / (s->cin / s->fin);
	const int32_t ic0 = dw ? oc / s->depth_multiplier :
			     oc / per_group * s->fin;
	int32_t acc = 0;

	for (int32_t fy = 0; fy < s->kh; fy++) {
		const int32_t iy = iy0 + s->dil_h * fy;

		if (iy < 0 || iy >= s->h)
			continue;
		for (int32_t fx = 0; fx < s->kw; fx++) {
			const int32_t ix = ix0 + s->dil_w * fx;
			const int8_t *row;

			if (ix < 0 || ix >= s->w)
				continue;
			row = q + ((size_t)(b * s->h + iy) * s->w + ix) * s->cin + ic0;
			if (dw) {
				acc += f[((size_t)fy * s->kw + fx) * s->cout + oc] *
				       (row[0] - zp);
				continue;
			}
			for (int32_t c = 0; c < s->fin; c++)
				acc += f[((size_t)(oc * s->kh + fy) * s->kw + fx) *
					 s->fin + c] * (row[c] - zp);
		}
	}
	return acc;
}

static int hybrid_conv_invoke(const struct npu_cpu_kernel_args *a, void *state)
{
	struct hybrid_state *s = state;
	const float *in = a->inputs[0];
	const int8_t *f = a->inputs[1];
	const float *bias = s->has_bias ? a->inputs[2] : NULL;
	float *out = a->outputs[0];

	for (int32_t b = 0; b < s->n; b++) {
		const float *v = in + (size_t)b * s->batch_elems;
		int8_t *q = s->q + (size_t)b * s->batch_elems;

		if (s->asymmetric) {
			cpu_quantize_asymmetric(v, s->batch_elems, q,
						&s->batch_scale[b], &s->batch_zp[b]);
		} else {
			cpu_quantize_symmetric(v, s->batch_elems, q,
					       &s->batch_scale[b]);
			s->batch_zp[b] = 0;
			s->batch_scale[b] *= s->scale[0];
		}
	}
	for (int32_t b = 0; b < s->n; b++)
	for (int32_t oy = 0; oy < s->oh; oy++)
	for (int32_t ox = 0; ox < s->ow; ox++)
	for (int32_t oc = 0; oc < s->cout; oc++) {
		const int32_t acc = conv_acc(s, s->q, f, b, oy, ox, oc,
					     s->batch_zp[b]);
		float v;

		if (!s->per_channel)
			v = (float)acc * s->batch_scale[b];
		else if (s->builtin == NPU_BUILTIN_DEPTHWISE_CONV_2D)
			v = (float)acc * (s->scale[oc] * s->batch_scale[b]);
		else
			v = (float)acc * s->scale[oc] * s->batch_scale[b];
		if (bias)
			v += bias[oc];
		out[((size_t)(b * s->oh + oy) * s->ow + ox) * s->cout + oc] =
			fminf(fmaxf(v, s->act_min), s->act_max);
	}
	return 0;
}

/* ---- FULLY_CONNECTED ---- */

static int hybrid_fc_prepare(const struct cpu_prep *p, void **state)
{
	const struct npu_fc_options *o = &p->op->options.fc;
	const struct npu_graph_tensor *in, *f, *bias, *out;
	struct hybrid_state *s;
	int ret;

	ret = hybrid_operands(p, o->activation, &in, &f, &bias, &out);
	if (ret)
		return ret;
	if (o->weights_format) {
		cpu_msg(p->err, p->errlen, "shuffled weights need uint8 input");
		return -EINVAL;
	}
	if (f->rank != 2 || f->shape[1] <= 0 ||
	    in->elements % (size_t)f->shape[1] ||
	    out->elements != in->elements / (size_t)f->shape[1] * (size_t)f->shape[0] ||
	    (bias && bias->elements != (size_t)f->shape[0])) {
		cpu_msg(p->err, p->errlen, "inconsistent shapes");
		return -EINVAL;
	}
	if (f->quant.count > 1 && f->quant.count != (uint32_t)f->shape[0]) {
		cpu_msg(p->err, p->errlen,
			"per-channel weights need one scale per output unit");
		return -EINVAL;
	}
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->builtin = p->op->builtin;
	s->depth = (size_t)f->shape[1];
	s->units = (size_t)f->shape[0];
	s->batches = in->elements / s->depth;
	s->has_bias = bias != NULL;
	s->per_channel = f->quant.count > 1;
	s->asymmetric = o->asymmetric_quantize_inputs != 0;
	cpu_float_activation_range(o->activation, &s->act_min, &s->act_max);
	ret = copy_scales(s, f);
	if (!ret)
		ret = hybrid_scratch(s, s->batches, s->depth);
	if (!ret && s->asymmetric) {
		s->row_sums = calloc(s->units ? s->units : 1, sizeof(int32_t));
		ret = s->row_sums ? 0 : -ENOMEM;
	}
	if (ret) {
		hybrid_release(s);
		return ret;
	}
	*state = s;
	return 0;
}

static int hybrid_fc_invoke(const struct npu_cpu_kernel_args *a, void *state)
{
	struct hybrid_state *s = state;
	const float *in = a->inputs[0];
	const int8_t *w = a->inputs[1];
	const float *bias = s->has_bias ? a->inputs[2] : NULL;
	float *out = a->outputs[0];
	const size_t total = s->batches * s->depth;
	bool zero = true;

	for (size_t b = 0; b < s->batches; b++)
		for (size_t u = 0; u < s->units; u++)
			out[b * s->units + u] = bias ? bias[u] : 0.0f;
	/* TFLite skips the product for an all-zero input. */
	for (size_t i = 0; i < total && zero; i++)
		zero = in[i] == 0.0f;
	if (!zero) {
		/* The weights may be a run-time tensor: sum them each time. */
		if (s->asymmetric) {
			for (size_t u = 0; u < s->units; u++) {
				int32_t sum = 0;

				for (size_t d = 0; d < s->depth; d++)
					sum += w[u * s->depth + d];
				s->row_sums[u] = sum;
			}
		}
		for (size_t b = 0; b < s->batches; b++) {
			int8_t *q = s->q + b * s->depth;

			if (s->asymmetric) {
				cpu_quantize_asymmetric(in + b * s->depth, s->depth, q,
							&s->batch_scale[b],
							&s->batch_zp[b]);
			} else {
				cpu_quantize_symmetric(in + b * s->depth, s->depth, q,
						       &s->batch_scale[b]);
				s->batch_zp[b] = 0;
			}
			if (!s->per_channel)
				s->batch_scale[b] *= s->scale[0];
		}
		for (size_t b = 0; b < s->batches; b++) {
			const int8_t *q = s->q + b * s->depth;

			for (size_t u = 0; u < s->units; u++) {
				const int8_t *row = w + u * s->depth;
				const float scale = s->per_channel ?
					s->batch_scale[b] * s->scale[u] :
					s->batch_scale[b];
				int32_t dot = 0;

				for (size_t d = 0; d < s->depth; d++)
					dot += row[d] * q[d];
				if (s->asymmetric)
					dot -= s->row_sums[u] * s->batch_zp[b];
				out[b * s->units + u] += (float)dot * scale;
			}
		}
	}
	for (size_t i = 0; i < s->batches * s->units; i++)
		out[i] = fminf(fmaxf(out[i], s->act_min), s->act_max);
	return 0;
}

static int hybrid_prepare(const struct cpu_prep *p, void **state)
{
	const struct npu_conv_options *o = &p->op->options.conv;

	if (p->op->builtin == NPU_BUILTIN_FULLY_CONNECTED)
		return hybrid_fc_prepare(p, state);
	/* The compiler folds PADs into quantized convs only. */
	if (o->padding == NPU_PADDING_EXPLICIT || o->pad_top || o->pad_left) {
		cpu_msg(p->err, p->errlen, "explicit padding on a hybrid conv");
		return -EINVAL;
	}
	return hybrid_conv_prepare(p, state);
}

static int hybrid_invoke(const struct npu_cpu_kernel_args *a, void *state)
{
	const struct hybrid_state *s = state;

	if (s->builtin == NPU_BUILTIN_FULLY_CONNECTED)
		return hybrid_fc_invoke(a, state);
	return hybrid_conv_invoke(a, state);
}

const struct cpu_kernel cpu_kernel_hybrid = {
	.prepare = hybrid_prepare,
	.invoke = hybrid_invoke,
	.release = hybrid_release,
};

bool cpu_hybrid_op(const struct npu_graph *g, const struct npu_graph_op *op)
{
	const struct npu_graph_tensor *in = cpu_in(g, op, 0);
	const struct npu_graph_tensor *f = cpu_in(g, op, 1);

	if (op->builtin != NPU_BUILTIN_CONV_2D &&
	    op->builtin != NPU_BUILTIN_DEPTHWISE_CONV_2D &&
	    op->builtin != NPU_BUILTIN_FULLY_CONNECTED)
		return false;
	return in && f && in->type == NPU_TYPE_FLOAT32 &&
	       (f->type == NPU_TYPE_INT8 || f->type == NPU_TYPE_UINT8);
}
