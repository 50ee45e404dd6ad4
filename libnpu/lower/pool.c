// SPDX-License-Identifier: MIT
/*
 * AVERAGE_POOL_2D and MAX_POOL_2D: TFLite's Prepare (pooling_common.cc)
 * lowered to the firmware's pool commands, and the float path
 * (reference_ops pooling.h).
 */
#include <errno.h>
#include <float.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "lower.h"

/* The float path's op data. */
struct pool_data {
	int32_t builtin;
	float act_min, act_max;
	/* geometry */
	int32_t n, h, w, cin, oh, ow, cout, kh, kw;
	int32_t stride_h, stride_w, pad_h, pad_w;
};

static int lower_pool(const struct cpu_prep *p)
{
	const struct npu_graph_op *op = p->op;
	const bool avg = op->builtin == NPU_BUILTIN_AVERAGE_POOL_2D;
	const struct npu_pool_options *o = &op->options.pool;
	const struct npu_graph_tensor *in, *out;
	struct npu_pool_params *pp;
	struct npu_cpu_cmd *cmd;
	int ret;

	ret = cpu_need_io(p, 1, 1, 1);
	if (ret)
		return ret;
	if (op->options_kind != NPU_OPTS_POOL)
		return lower_fail(p, "missing pool options");
	in = lower_in(p, 0);
	out = lower_out(p, 0);
	if (in->rank != 4 || out->rank != 4)
		return lower_fail(p, "input and output must be 4-D");
	/* Pools also take uint8 (reference_ops::AveragePool/MaxPool). */
	ret = lower_need_s8_s16_u8(p, in, out, "pooling");
	if (ret)
		return ret;
	if (cpu_zero_point(in) != cpu_zero_point(out) ||
	    cpu_scale(in) != cpu_scale(out))
		return lower_fail(p, "input and output quantization differ");
	if (o->stride_h <= 0 || o->stride_w <= 0 || o->filter_h <= 0 ||
	    o->filter_w <= 0)
		return lower_fail(p, "filter %dx%d stride %dx%d", o->filter_h,
			    o->filter_w, o->stride_h, o->stride_w);
	if (out->shape[0] != in->shape[0] || out->shape[3] != in->shape[3])
		return lower_fail(p, "batch or channels differ");
	cmd = lower_add_cmd(p, avg ? NPU_CMD_AVERAGE_POOL_2D : NPU_CMD_MAX_POOL_2D, 0);
	if (!cmd)
		return -ENOMEM;
	pp = &cmd->params.pool;
	ret = lower_set_in_out(p, &pp->input, &pp->output, in, out, 4, false);
	if (ret)
		return ret;
	pp->filter_h = (uint16_t)o->filter_h;
	pp->filter_w = (uint16_t)o->filter_w;
	pp->stride_h = (uint16_t)o->stride_h;
	pp->stride_w = (uint16_t)o->stride_w;
	ret = lower_window_padding(p, o->padding, o->pad_top, in->shape[1], o->filter_h,
				   o->stride_h, 1, out->shape[1], &pp->pad_top);
	if (!ret)
		ret = lower_window_padding(p, o->padding, o->pad_left, in->shape[2], o->filter_w,
					   o->stride_w, 1, out->shape[2], &pp->pad_left);
	if (ret)
		return ret;
	return lower_act_range(p, o->activation, out, &pp->act_min, &pp->act_max);
}

/* ---- float ---- */

static int pool_prepare(const struct cpu_prep *p, void **state)
{
	const struct npu_pool_options *o = &p->op->options.pool;
	const struct npu_graph_tensor *in, *out;
	struct pool_data *s;
	int32_t unused;
	int ret;

	ret = cpu_need_io(p, 1, 1, 1);
	if (ret)
		return ret;
	if (!lower_all_float(p)) {
		cpu_msg(p->err, p->errlen, "mixed float and integer tensors");
		return -ENOTSUP;
	}
	ret = lower_float_act_supported(p, o->activation);
	if (!ret)
		ret = lower_no_explicit_pad(p);
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
	s = calloc(1, sizeof(*s));
	if (s)
		s->builtin = p->op->builtin;
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
	cpu_float_activation_range(o->activation, &s->act_min, &s->act_max);
	*state = s;
	return 0;
}

static int pool_invoke(const struct npu_cpu_kernel_args *a, void *state)
{
	const struct pool_data *s = state;
	const bool avg = s->builtin == NPU_BUILTIN_AVERAGE_POOL_2D;
	const float *in = a->inputs[0];
	float *out = a->outputs[0];

	for (int32_t b = 0; b < s->n; b++)
	for (int32_t oy = 0; oy < s->oh; oy++)
	for (int32_t ox = 0; ox < s->ow; ox++)
	for (int32_t c = 0; c < s->cin; c++) {
		/* In 64 bits: strides and pads come from the file. */
		const int64_t iy0 = (int64_t)oy * s->stride_h - s->pad_h;
		const int64_t ix0 = (int64_t)ox * s->stride_w - s->pad_w;
		const int64_t fy0 = iy0 < 0 ? -iy0 : 0;
		const int64_t fx0 = ix0 < 0 ? -ix0 : 0;
		const int64_t fy1 = s->kh < s->h - iy0 ? s->kh : s->h - iy0;
		const int64_t fx1 = s->kw < s->w - ix0 ? s->kw : s->w - ix0;
		float acc = avg ? 0.0f : -FLT_MAX;
		int32_t count = 0;

		for (int64_t fy = fy0; fy < fy1; fy++)
			for (int64_t fx = fx0; fx < fx1; fx++) {
				const float v = in[((size_t)(b * s->h + iy0 + fy) * s->w +
						    ix0 + fx) * s->cin + c];

				acc = avg ? acc + v : fmaxf(acc, v);
				count++;
			}
		if (avg)
			acc = count ? acc / (float)count : 0.0f;
		out[((size_t)(b * s->oh + oy) * s->ow + ox) * s->cin + c] =
			lower_clampf(acc, s->act_min, s->act_max);
	}
	return 0;
}

static const struct cpu_kernel float_kernel = {
	.prepare = pool_prepare,
	.invoke = pool_invoke,
};

const struct npu_builtin_impl npu_builtin_pool = {
	.lower = lower_pool,
	.float_kernel = &float_kernel,
	.output_shape = lower_shape_batch,
};
