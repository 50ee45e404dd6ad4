// SPDX-License-Identifier: MIT
/*
 * CONV_3D on the CPU, as TFLite's reference kernel (conv3d.cc,
 * reference_ops::Conv3D): float32 input [batch, depth, height, width,
 * in_channels], filter [depth, height, width, in_channels, out_channels],
 * optional bias [out_channels]; SAME or VALID padding (TFLite's
 * ComputePaddingHeightWidth on each axis), strides and dilations per axis,
 * a fused activation.  Each output sums over filter depth, row, column,
 * then input channel, in that order (TFLite's), adds the bias and clamps.
 * TFLite has no quantized CONV_3D; no NPU command (float).
 */
#include <errno.h>
#include <stdlib.h>

#include "lower.h"

enum { AX_D, AX_H, AX_W, AXES };

struct conv3d_state {
	int batch, in_c, out_c;
	int in[AXES], out[AXES], filter[AXES];
	int stride[AXES], dilation[AXES], pad[AXES];
	bool bias;
	float lo, hi;
};

static int conv3d_prepare(const struct cpu_prep *p, void **state)
{
	const struct npu_conv3d_options *o = &p->op->options.conv3d;
	const struct npu_graph_tensor *in, *f, *b, *out;
	const int32_t stride[AXES] = { o->stride_d, o->stride_h, o->stride_w };
	const int32_t dilation[AXES] = { o->dilation_d, o->dilation_h, o->dilation_w };
	struct conv3d_state *s;
	int ret = cpu_need_io(p, 2, 3, 1);

	if (ret)
		return ret;
	if (p->op->options_kind != NPU_OPTS_CONV3D)
		return lower_fail(p, "has no CONV_3D options");
	in = lower_in(p, 0);
	f = lower_in(p, 1);
	b = p->op->num_inputs > 2 ? lower_in(p, 2) : NULL;
	out = lower_out(p, 0);
	if ((ret = cpu_need_type(p, in, "input", NPU_TYPE_FLOAT32)) ||
	    (ret = cpu_need_type(p, f, "filter", NPU_TYPE_FLOAT32)) ||
	    (ret = cpu_need_type(p, out, "output", NPU_TYPE_FLOAT32)) ||
	    (b && (ret = cpu_need_type(p, b, "bias", NPU_TYPE_FLOAT32))))
		return ret;
	if (in->rank != 5 || f->rank != 5 || out->rank != 5 || f->shape[3] != in->shape[4] ||
	    (b && b->elements != (size_t)f->shape[4]))
		return lower_fail(p, "needs 5-D input, filter and output, the filter's input "
				  "channels the input's, one bias per output channel");
	if (o->padding != NPU_PADDING_SAME && o->padding != NPU_PADDING_VALID)
		return lower_fail(p, "padding %d is not SAME or VALID", o->padding);
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->batch = in->shape[0];
	s->in_c = in->shape[4];
	s->out_c = f->shape[4];
	s->bias = b != NULL;
	cpu_float_activation_range(o->activation, &s->lo, &s->hi);
	for (int a = 0; a < AXES; a++) {
		const int64_t n = in->shape[1 + a], k = f->shape[a];
		int64_t eff, want, pad;

		/* Strides and dilations within the axis keep the sizes in int. */
		if (stride[a] < 1 || dilation[a] < 1 || stride[a] > 65536 || dilation[a] > 65536) {
			free(s);
			return lower_fail(p, "stride %d or dilation %d is not positive (axis %d)",
					  stride[a], dilation[a], a);
		}
		eff = (k - 1) * dilation[a] + 1;
		want = o->padding == NPU_PADDING_SAME ? (n + stride[a] - 1) / stride[a] :
			(n + stride[a] - eff) / stride[a];
		if (want < 0)
			want = 0;
		if (out->shape[1 + a] != want || out->shape[0] != in->shape[0] ||
		    out->shape[4] != s->out_c) {
			free(s);
			return lower_fail(p, "output axis %d is %d, expected %lld", 1 + a,
					  out->shape[1 + a], (long long)want);
		}
		pad = ((want - 1) * stride[a] + eff - n) / 2;
		s->in[a] = (int)n;
		s->out[a] = (int)want;
		s->filter[a] = (int)k;
		s->stride[a] = stride[a];
		s->dilation[a] = dilation[a];
		s->pad[a] = pad > 0 ? (int)pad : 0;
	}
	*state = s;
	return 0;
}

/* The filter's sum at output (@b, @o) for output channel @c, TFLite's order. */
static float conv3d_sum(const struct conv3d_state *s, const float *x, const float *w,
			int b, const int *o, size_t c)
{
	const size_t ic = (size_t)s->in_c, oc = (size_t)s->out_c;
	int first[AXES];
	float total = 0.0f;

	for (int a = 0; a < AXES; a++)
		first[a] = o[a] * s->stride[a] - s->pad[a];
	for (int fd = 0; fd < s->filter[AX_D]; fd++) {
		const int id = first[AX_D] + s->dilation[AX_D] * fd;

		for (int fy = 0; fy < s->filter[AX_H]; fy++) {
			const int iy = first[AX_H] + s->dilation[AX_H] * fy;

			for (int fx = 0; fx < s->filter[AX_W]; fx++) {
				const int ix = first[AX_W] + s->dilation[AX_W] * fx;
				const float *xp, *wp;

				if (id < 0 || id >= s->in[AX_D] || iy < 0 || iy >= s->in[AX_H] ||
				    ix < 0 || ix >= s->in[AX_W])
					continue;
				xp = x + ((((size_t)b * s->in[AX_D] + id) * s->in[AX_H] + iy) *
					  s->in[AX_W] + ix) * ic;
				wp = w + (((size_t)fd * s->filter[AX_H] + fy) * s->filter[AX_W] + fx) *
					 ic * oc + c;
				for (size_t k = 0; k < ic; k++)
					total += xp[k] * wp[k * oc];
			}
		}
	}
	return total;
}

static int conv3d_invoke(const struct npu_cpu_kernel_args *a, void *state)
{
	const struct conv3d_state *s = state;
	const float *bias = s->bias ? a->inputs[2] : NULL;
	float *y = a->outputs[0];
	int o[AXES];

	for (int b = 0; b < s->batch; b++)
		for (o[AX_D] = 0; o[AX_D] < s->out[AX_D]; o[AX_D]++)
			for (o[AX_H] = 0; o[AX_H] < s->out[AX_H]; o[AX_H]++)
				for (o[AX_W] = 0; o[AX_W] < s->out[AX_W]; o[AX_W]++)
					for (size_t c = 0; c < (size_t)s->out_c; c++) {
						float v = conv3d_sum(s, a->inputs[0], a->inputs[1],
								     b, o, c) +
							  (bias ? bias[c] : 0.0f);

						*y++ = v < s->lo ? s->lo : v > s->hi ? s->hi : v;
					}
	return 0;
}

static const struct cpu_kernel conv3d_kernel = {
	.prepare = conv3d_prepare,
	.invoke = conv3d_invoke,
};

const struct npu_builtin_impl npu_builtin_conv3d = { .cpu_kernel = &conv3d_kernel };
