// SPDX-License-Identifier: MIT
/*
 * QUANTIZE and DEQUANTIZE on the CPU, as TFLite Micro's reference kernels
 * compute them (quantize_common.cc, reference/quantize.h, requantize.h,
 * dequantize.h): float -> int8/int16 by rounding, integer -> integer by
 * requantization with a quantized multiplier, integer -> float, and
 * TFLite's float16 -> float32 DEQUANTIZE (weights of float16 models).
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>

#include "cpu_internal.h"

struct quantize_state {
	enum npu_type in_type, out_type;
	size_t count;
	float scale;		/* float path: output scale; dequantize: input scale */
	int32_t input_zero_point;
	int32_t output_zero_point;
	int32_t multiplier;	/* integer path */
	int shift;
	/* per-channel DEQUANTIZE (TFLite's PerChannelDequantize) */
	const float *ch_scale;
	const int32_t *ch_zero_point;
	size_t channels, inner;	/* channel stride in elements */
};

static bool integer_type(enum npu_type t)
{
	return t == NPU_TYPE_INT8 || t == NPU_TYPE_UINT8 ||
	       t == NPU_TYPE_INT16 || t == NPU_TYPE_INT32;
}

static struct quantize_state *new_state(const struct npu_graph_tensor *in,
				       const struct npu_graph_tensor *out,
				       float scale)
{
	struct quantize_state *s = calloc(1, sizeof(*s));

	if (!s)
		return NULL;
	s->in_type = in->type;
	s->out_type = out->type;
	s->count = in->elements;
	s->scale = scale;
	s->input_zero_point = cpu_zero_point(in);
	return s;
}

static int quantize_prepare(const struct cpu_prep *p, void **state)
{
	const struct npu_graph_tensor *in, *out;
	struct quantize_state *s;
	int ret;

	ret = cpu_need_unary(p, 1, &in, &out);
	if (ret)
		return ret;
	if (in->elements != out->elements) {
		cpu_msg(p->err, p->errlen,
			"input has %zu elements, output %zu",
			in->elements, out->elements);
		return -EINVAL;
	}
	if (out->quant.count != 1) {
		cpu_msg(p->err, p->errlen,
			"output must be quantized per tensor");
		return -EINVAL;
	}
	if (!(out->type == NPU_TYPE_INT8 || out->type == NPU_TYPE_UINT8 ||
	      out->type == NPU_TYPE_INT16 || out->type == NPU_TYPE_INT32) ||
	    !(in->type == NPU_TYPE_FLOAT32 || integer_type(in->type)) ||
	    (in->type == NPU_TYPE_FLOAT32 && out->type == NPU_TYPE_INT32)) {
		cpu_msg(p->err, p->errlen,
			"%s input with %s output is not supported",
			npu_type_name(in->type), npu_type_name(out->type));
		return -ENOTSUP;
	}

	s = new_state(in, out, cpu_scale(out));
	if (!s)
		return -ENOMEM;
	s->output_zero_point = cpu_zero_point(out);
	if (in->type != NPU_TYPE_FLOAT32) {
		const double effective_scale =
			(double)cpu_scale(in) / (double)cpu_scale(out);

		ret = cpu_quantize_multiplier(p, "input/output",
					      effective_scale, &s->multiplier,
					      &s->shift);
		if (ret) {
			free(s);
			return ret;
		}
	}
	*state = s;
	return 0;
}

static int32_t load(const void *p, enum npu_type t, size_t i)
{
	switch (t) {
	case NPU_TYPE_INT8:
		return ((const int8_t *)p)[i];
	case NPU_TYPE_UINT8:
		return ((const uint8_t *)p)[i];
	case NPU_TYPE_INT16:
		return ((const int16_t *)p)[i];
	default:
		return ((const int32_t *)p)[i];
	}
}

static void store(void *p, enum npu_type t, size_t i, int32_t v)
{
	int32_t lo, hi;

	switch (t) {
	case NPU_TYPE_INT8:
		lo = INT8_MIN;
		hi = INT8_MAX;
		break;
	case NPU_TYPE_UINT8:
		lo = 0;
		hi = UINT8_MAX;
		break;
	case NPU_TYPE_INT16:
		lo = INT16_MIN;
		hi = INT16_MAX;
		break;
	default:
		((int32_t *)p)[i] = v;
		return;
	}
	if (v < lo)
		v = lo;
	if (v > hi)
		v = hi;
	if (t == NPU_TYPE_INT8)
		((int8_t *)p)[i] = (int8_t)v;
	else if (t == NPU_TYPE_UINT8)
		((uint8_t *)p)[i] = (uint8_t)v;
	else
		((int16_t *)p)[i] = (int16_t)v;
}

static int quantize_invoke(const struct npu_cpu_kernel_args *a,
			   void *state)
{
	const struct quantize_state *s = state;
	const void *in = a->inputs[0];
	void *out = a->outputs[0];

	if (s->in_type == NPU_TYPE_FLOAT32) {
		/* reference_ops::AffineQuantize: round half away from zero. */
		for (size_t i = 0; i < s->count; i++) {
			const float val = ((const float *)in)[i];
			const float q = roundf(val / s->scale);
			int32_t v;

			if (q >= 2147483648.0f)
				v = INT32_MAX;
			else if (q < -2147483648.0f || isnan(q))
				v = INT32_MIN;
			else
				v = (int32_t)q;
			/* Saturate before adding the zero point: no overflow. */
			if (v > INT32_MAX / 2)
				v = INT32_MAX / 2;
			if (v < INT32_MIN / 2)
				v = INT32_MIN / 2;
			{
				const int64_t y = (int64_t)v + s->output_zero_point;

				store(out, s->out_type, i,
				      y < INT32_MIN ? INT32_MIN :
				      y > INT32_MAX ? INT32_MAX : (int32_t)y);
			}
		}
		return 0;
	}

	/*
	 * reference_ops::Requantize, in int32 with two's-complement wrap as
	 * TFLite's arithmetic has on every target (no UB on hostile input).
	 */
	for (size_t i = 0; i < s->count; i++) {
		const int32_t x = (int32_t)((uint32_t)load(in, s->in_type, i) -
					    (uint32_t)s->input_zero_point);
		const int64_t y = (int64_t)cpu_mbqm(x, s->multiplier, s->shift) +
				  s->output_zero_point;

		if (s->out_type == NPU_TYPE_INT32)
			((int32_t *)out)[i] = (int32_t)(uint32_t)(uint64_t)y;
		else
			store(out, s->out_type, i,
			      y < INT32_MIN ? INT32_MIN :
			      y > INT32_MAX ? INT32_MAX : (int32_t)y);
	}
	return 0;
}

const struct cpu_kernel cpu_kernel_quantize = {
	.prepare = quantize_prepare,
	.invoke = quantize_invoke,
};

static int dequantize_prepare(const struct cpu_prep *p, void **state)
{
	const struct npu_graph_tensor *in, *out;
	struct quantize_state *s;
	int ret;

	ret = cpu_need_unary(p, 1, &in, &out);
	if (ret)
		return ret;
	ret = cpu_need_type(p, out, "output", NPU_TYPE_FLOAT32);
	if (ret)
		return ret;
	if (in->type == NPU_TYPE_FLOAT16 && in->elements == out->elements) {
		s = new_state(in, out, 1.0f);
		if (!s)
			return -ENOMEM;
		*state = s;
		return 0;
	}
	if (!(in->type == NPU_TYPE_INT8 || in->type == NPU_TYPE_UINT8 ||
	      in->type == NPU_TYPE_INT16)) {
		cpu_msg(p->err, p->errlen, "%s input is not supported",
			npu_type_name(in->type));
		return -ENOTSUP;
	}
	if (!in->quant.count || in->elements != out->elements) {
		cpu_msg(p->err, p->errlen,
			"input must be quantized and match the output shape");
		return -EINVAL;
	}
	if (in->quant.count > 1 &&
	    (in->quant.quantized_dimension < 0 ||
	     in->quant.quantized_dimension >= in->rank ||
	     in->shape[in->quant.quantized_dimension] != (int32_t)in->quant.count)) {
		cpu_msg(p->err, p->errlen,
			"per-channel scales do not match dimension %d",
			in->quant.quantized_dimension);
		return -EINVAL;
	}
	s = new_state(in, out, cpu_scale(in));
	if (!s)
		return -ENOMEM;
	if (in->quant.count > 1) {
		/* The graph outlives the executor: point at its arrays. */
		s->ch_scale = in->quant.scale;
		s->ch_zero_point = in->quant.zero_point;
		s->channels = in->quant.count;
		s->inner = 1;
		for (int d = in->quant.quantized_dimension + 1; d < in->rank; d++)
			s->inner *= (size_t)in->shape[d];
	}
	*state = s;
	return 0;
}

/* IEEE binary16 to binary32: exact. */
static float half_to_float(uint16_t h)
{
	const int32_t exp = (h >> 10) & 0x1f;
	const float mag = exp == 0 ? ldexpf((float)(h & 0x3ff), -24) :
			  exp == 31 ? ((h & 0x3ff) ? NAN : INFINITY) :
			  ldexpf((float)(0x400 | (h & 0x3ff)), exp - 25);

	return (h & 0x8000) ? -mag : mag;
}

static int dequantize_invoke(const struct npu_cpu_kernel_args *a,
			     void *state)
{
	const struct quantize_state *s = state;
	float *out = a->outputs[0];

	if (s->in_type == NPU_TYPE_FLOAT16) {
		for (size_t i = 0; i < s->count; i++)
			out[i] = half_to_float(((const uint16_t *)a->inputs[0])[i]);
		return 0;
	}

	if (s->channels) {
		for (size_t i = 0; i < s->count; i++) {
			const size_t c = i / s->inner % s->channels;

			out[i] = s->ch_scale[c] *
				 (float)(load(a->inputs[0], s->in_type, i) -
					 s->ch_zero_point[c]);
		}
		return 0;
	}
	/* reference_ops::Dequantize: scale * (val - zero_point) in float. */
	for (size_t i = 0; i < s->count; i++)
		out[i] = s->scale * (float)(load(a->inputs[0], s->in_type, i) -
					    s->input_zero_point);
	return 0;
}

const struct cpu_kernel cpu_kernel_dequantize = {
	.prepare = dequantize_prepare,
	.invoke = dequantize_invoke,
};
