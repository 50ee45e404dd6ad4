// SPDX-License-Identifier: MIT
/*
 * MAC-array ops: CONV_2D, DEPTHWISE_CONV_2D, TRANSPOSE_CONV and
 * FULLY_CONNECTED, int8 and 16x8.  Bit-exact with TFLite's
 * reference_integer_ops (ConvPerChannel, DepthwiseConvPerChannel,
 * TransposeConv, FullyConnected[PerChannel]).
 *
 * Accumulation wraps in two's complement (unsigned arithmetic) so hostile
 * parameters cannot cause undefined behaviour; for every input TFLite
 * accepts the result is identical.
 */
#include "fw_internal.h"

/* Requantize a 32-bit accumulator (int8 path). */
static inline int8_t rq_s8(const struct npu_requant *rq, const int32_t *mult,
			   const int32_t *shift, uint32_t c, uint32_t acc,
			   const int32_t *bias, int32_t out_zp, int32_t act_min,
			   int32_t act_max)
{
	int32_t v;

	if (bias)
		acc += (uint32_t)bias[c];
	v = npu_fw_mbqm((int32_t)acc, fw_rq_mult(rq, mult, c),
			fw_rq_shift(rq, shift, c));
	v = (int32_t)((uint32_t)v + (uint32_t)out_zp);
	return (int8_t)fw_clamp(v, act_min, act_max);
}

/* Requantize a 64-bit accumulator (16x8 path: no output offset). */
static inline int16_t rq_s16(const struct npu_requant *rq,
			     const int32_t *mult, const int32_t *shift,
			     uint32_t c, uint64_t acc, const int64_t *bias,
			     int32_t act_min, int32_t act_max)
{
	int32_t v;

	if (bias)
		acc += (uint64_t)bias[c];
	v = npu_fw_mbqm64((int64_t)acc, fw_rq_mult(rq, mult, c),
			  fw_rq_shift(rq, shift, c));
	return (int16_t)fw_clamp(v, act_min, act_max);
}

struct conv_geom {
	uint32_t n, ih, iw, ic, oh, ow, oc, kh, kw, kc;
};

static void conv_geom(const struct npu_conv_params *p, struct conv_geom *g)
{
	g->n = p->input.dims[0];
	g->ih = p->input.dims[1];
	g->iw = p->input.dims[2];
	g->ic = p->input.dims[3];
	g->oh = p->output.dims[1];
	g->ow = p->output.dims[2];
	g->oc = p->output.dims[3];
	g->kh = p->filter.dims[1];
	g->kw = p->filter.dims[2];
	g->kc = p->filter.dims[3];
}

/*
 * The int8 and 16x8 variants differ only in element types, accumulator
 * width and requantization; one macro body keeps them identical.
 */
#define CONV2D_BODY(ACC_T, LOAD_IN, STORE_OUT)				\
	struct conv_geom g;						\
	uint32_t b, oy, ox, oc, ky, kx, c, groups, per_group;		\
	conv_geom(p, &g);						\
	groups = g.ic / g.kc;						\
	per_group = g.oc / groups;					\
	for (b = 0; b < g.n; b++)					\
	for (oy = 0; oy < g.oh; oy++)					\
	for (ox = 0; ox < g.ow; ox++)					\
	for (oc = 0; oc < g.oc; oc++) {					\
		int32_t y0 = (int32_t)(oy * p->stride_h) - p->pad_top;	\
		int32_t x0 = (int32_t)(ox * p->stride_w) - p->pad_left;	\
		uint32_t grp = oc / per_group;				\
		ACC_T acc = 0;						\
		for (ky = 0; ky < g.kh; ky++) {				\
			int32_t iy = y0 + (int32_t)(ky * p->dilation_h);	\
			if (iy < 0 || iy >= (int32_t)g.ih)		\
				continue;				\
			for (kx = 0; kx < g.kw; kx++) {			\
				int32_t ix = x0 +			\
					(int32_t)(kx * p->dilation_w);	\
				const uint32_t ibase = ((b * g.ih +	\
					(uint32_t)iy) * g.iw +		\
					(uint32_t)ix) * g.ic + grp * g.kc; \
				const uint32_t fbase = ((oc * g.kh + ky) * \
					g.kw + kx) * g.kc;		\
				if (ix < 0 || ix >= (int32_t)g.iw)	\
					continue;			\
				for (c = 0; c < g.kc; c++)		\
					acc += (ACC_T)((int32_t)filter[fbase + c] * \
						LOAD_IN(in[ibase + c])); \
			}						\
		}							\
		out[((b * g.oh + oy) * g.ow + ox) * g.oc + oc] = STORE_OUT; \
	}

#define IN_S8(v)	((int32_t)(v) + in_off)
#define IN_S16(v)	((int32_t)(v))

void npu_op_conv2d_s8(const struct npu_conv_params *p, const int8_t *in,
		      const int8_t *filter, const int32_t *bias,
		      const int32_t *mult, const int32_t *shift, int8_t *out)
{
	const int32_t in_off = -p->input.zero_point;

	CONV2D_BODY(uint32_t, IN_S8,
		    rq_s8(&p->rq, mult, shift, oc, acc, bias,
			  p->output.zero_point, p->act_min, p->act_max))
}

void npu_op_conv2d_s16(const struct npu_conv_params *p, const int16_t *in,
		       const int8_t *filter, const int64_t *bias,
		       const int32_t *mult, const int32_t *shift, int16_t *out)
{
	CONV2D_BODY(uint64_t, IN_S16,
		    rq_s16(&p->rq, mult, shift, oc, acc, bias,
			   p->act_min, p->act_max))
}

#define DEPTHWISE_BODY(ACC_T, LOAD_IN, STORE_OUT)			\
	struct conv_geom g;						\
	uint32_t b, oy, ox, ic, m, ky, kx;				\
	const uint32_t dm = p->depth_multiplier;			\
	conv_geom(p, &g);						\
	for (b = 0; b < g.n; b++)					\
	for (oy = 0; oy < g.oh; oy++)					\
	for (ox = 0; ox < g.ow; ox++)					\
	for (ic = 0; ic < g.ic; ic++)					\
	for (m = 0; m < dm; m++) {					\
		const uint32_t oc = m + ic * dm;			\
		int32_t y0 = (int32_t)(oy * p->stride_h) - p->pad_top;	\
		int32_t x0 = (int32_t)(ox * p->stride_w) - p->pad_left;	\
		ACC_T acc = 0;						\
		for (ky = 0; ky < g.kh; ky++) {				\
			int32_t iy = y0 + (int32_t)(ky * p->dilation_h);	\
			if (iy < 0 || iy >= (int32_t)g.ih)		\
				continue;				\
			for (kx = 0; kx < g.kw; kx++) {			\
				int32_t ix = x0 +			\
					(int32_t)(kx * p->dilation_w);	\
				if (ix < 0 || ix >= (int32_t)g.iw)	\
					continue;			\
				acc += (ACC_T)((int32_t)filter[(ky * g.kw + kx) * \
					g.oc + oc] * LOAD_IN(in[((b * g.ih + \
					(uint32_t)iy) * g.iw + (uint32_t)ix) * \
					g.ic + ic]));			\
			}						\
		}							\
		out[((b * g.oh + oy) * g.ow + ox) * g.oc + oc] = STORE_OUT; \
	}

void npu_op_depthwise_s8(const struct npu_conv_params *p, const int8_t *in,
			 const int8_t *filter, const int32_t *bias,
			 const int32_t *mult, const int32_t *shift, int8_t *out)
{
	const int32_t in_off = -p->input.zero_point;

	DEPTHWISE_BODY(uint32_t, IN_S8,
		       rq_s8(&p->rq, mult, shift, oc, acc, bias,
			     p->output.zero_point, p->act_min, p->act_max))
}

void npu_op_depthwise_s16(const struct npu_conv_params *p, const int16_t *in,
			  const int8_t *filter, const int64_t *bias,
			  const int32_t *mult, const int32_t *shift,
			  int16_t *out)
{
	DEPTHWISE_BODY(uint64_t, IN_S16,
		       rq_s16(&p->rq, mult, shift, oc, acc, bias,
			      p->act_min, p->act_max))
}

/*
 * TRANSPOSE_CONV: TFLite scatters every input pixel into a zeroed scratch
 * accumulator.  We gather instead — output (oy, ox) receives input (iy, ix)
 * through filter tap (ky, kx) when oy = iy * stride - pad + ky — which sums
 * exactly the same products (integer addition is associative with wrap),
 * needs no scratch buffer, and writes each output once.
 */
#define TCONV_BODY(ACC_T, LOAD_IN, STORE_OUT)				\
	struct conv_geom g;						\
	uint32_t b, oy, ox, oc, ky, kx, c;				\
	conv_geom(p, &g);						\
	for (b = 0; b < g.n; b++)					\
	for (oy = 0; oy < g.oh; oy++)					\
	for (ox = 0; ox < g.ow; ox++)					\
	for (oc = 0; oc < g.oc; oc++) {					\
		ACC_T acc = 0;						\
		for (ky = 0; ky < g.kh; ky++) {				\
			int32_t ty = (int32_t)oy + p->pad_top - (int32_t)ky; \
			int32_t iy;					\
			if (ty < 0 || ty % p->stride_h)			\
				continue;				\
			iy = ty / p->stride_h;				\
			if (iy >= (int32_t)g.ih)			\
				continue;				\
			for (kx = 0; kx < g.kw; kx++) {			\
				int32_t tx = (int32_t)ox + p->pad_left -	\
					(int32_t)kx;			\
				int32_t ix;				\
				uint32_t ibase, fbase;			\
				if (tx < 0 || tx % p->stride_w)		\
					continue;			\
				ix = tx / p->stride_w;			\
				if (ix >= (int32_t)g.iw)		\
					continue;			\
				ibase = ((b * g.ih + (uint32_t)iy) * g.iw + \
					(uint32_t)ix) * g.ic;		\
				fbase = ((oc * g.kh + ky) * g.kw + kx) * g.kc; \
				for (c = 0; c < g.ic; c++)		\
					acc += (ACC_T)((int32_t)filter[fbase + c] * \
						LOAD_IN(in[ibase + c])); \
			}						\
		}							\
		out[((b * g.oh + oy) * g.ow + ox) * g.oc + oc] = STORE_OUT; \
	}

void npu_op_transpose_conv_s8(const struct npu_conv_params *p,
			      const int8_t *in, const int8_t *filter,
			      const int32_t *bias, const int32_t *mult,
			      const int32_t *shift, int8_t *out)
{
	const int32_t in_off = -p->input.zero_point;

	TCONV_BODY(uint32_t, IN_S8,
		   rq_s8(&p->rq, mult, shift, oc, acc, bias,
			 p->output.zero_point, p->act_min, p->act_max))
}

void npu_op_transpose_conv_s16(const struct npu_conv_params *p,
			       const int16_t *in, const int8_t *filter,
			       const int64_t *bias, const int32_t *mult,
			       const int32_t *shift, int16_t *out)
{
	TCONV_BODY(uint64_t, IN_S16,
		   rq_s16(&p->rq, mult, shift, oc, acc, bias,
			  p->act_min, p->act_max))
}

void npu_op_fc_s8(const struct npu_fc_params *p, const int8_t *in,
		  const int8_t *filter, const int32_t *bias,
		  const int32_t *mult, const int32_t *shift, int8_t *out)
{
	const uint32_t batches = p->input.dims[0], depth = p->input.dims[1];
	const uint32_t units = p->output.dims[1];
	const int32_t in_off = -p->input.zero_point;
	const int32_t f_off = -p->filter.zero_point;
	uint32_t b, u, d;

	for (b = 0; b < batches; b++) {
		for (u = 0; u < units; u++) {
			uint32_t acc = 0;

			for (d = 0; d < depth; d++)
				acc += (uint32_t)(((int32_t)filter[u * depth + d] +
						   f_off) *
						  ((int32_t)in[b * depth + d] +
						   in_off));
			out[b * units + u] =
				rq_s8(&p->rq, mult, shift, u, acc, bias,
				      p->output.zero_point, p->act_min,
				      p->act_max);
		}
	}
}

void npu_op_fc_s16(const struct npu_fc_params *p, const int16_t *in,
		   const int8_t *filter, const int64_t *bias,
		   const int32_t *mult, const int32_t *shift, int16_t *out)
{
	const uint32_t batches = p->input.dims[0], depth = p->input.dims[1];
	const uint32_t units = p->output.dims[1];
	const int32_t f_off = -p->filter.zero_point;
	uint32_t b, u, d;

	for (b = 0; b < batches; b++) {
		for (u = 0; u < units; u++) {
			uint64_t acc = 0;

			for (d = 0; d < depth; d++)
				acc += (uint64_t)(int64_t)
					(((int32_t)filter[u * depth + d] +
					  f_off) * (int32_t)in[b * depth + d]);
			out[b * units + u] =
				rq_s16(&p->rq, mult, shift, u, acc, bias,
				       p->act_min, p->act_max);
		}
	}
}
