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
	v = fw_mbqm((int32_t)acc, fw_rq_mult(rq, mult, c),
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
	v = fw_mbqm64((int64_t)acc, fw_rq_mult(rq, mult, c),
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
 * Taps k in [*lo, *hi) with 0 <= origin + k * dil < size: the valid taps
 * form one range, so the inner loops need no bounds checks.
 */
static inline void tap_range(int32_t origin, uint32_t dil, uint32_t k,
			     uint32_t size, uint32_t *lo, uint32_t *hi)
{
	uint32_t l = 0, h = 0;

	if (origin < 0)
		l = ((uint32_t)-origin + dil - 1) / dil;
	if ((int32_t)size > origin)
		h = ((uint32_t)((int32_t)size - origin) + dil - 1) / dil;
	*lo = l < k ? l : k;
	*hi = h < k ? h : k;
	if (*hi < *lo)
		*hi = *lo;
}

/*
 * The int8 and 16x8 variants differ only in element types, accumulator
 * width and requantization; one macro body keeps them identical.  The
 * accumulation order differs from TFLite's loop only in skipping taps
 * outside the image, which TFLite skips too.
 */
#define CONV2D_BODY(IN_T, ACC_T, LOAD_IN, STORE_OUT)			\
	struct conv_geom g;						\
	uint32_t b, oy, ox, oc, ky, kx, c, per_group;			\
	uint32_t ky0, ky1, kx0, kx1;					\
	conv_geom(p, &g);						\
	per_group = g.oc / (g.ic / g.kc);				\
	for (b = 0; b < g.n; b++) {					\
	for (oy = 0; oy < g.oh; oy++) {					\
		const int32_t y0 = (int32_t)(oy * p->stride_h) - p->pad_top; \
		tap_range(y0, p->dilation_h, g.kh, g.ih, &ky0, &ky1);	\
		for (ox = 0; ox < g.ow; ox++) {				\
		const int32_t x0 = (int32_t)(ox * p->stride_w) - p->pad_left; \
		IN_T const *ipix;					\
		tap_range(x0, p->dilation_w, g.kw, g.iw, &kx0, &kx1);	\
		ipix = in + ((b * g.ih) * g.iw) * g.ic;			\
		for (oc = 0; oc < g.oc; oc++) {				\
			const uint32_t cbase = (oc / per_group) * g.kc;	\
			ACC_T acc = 0;					\
			for (ky = ky0; ky < ky1; ky++) {		\
				const uint32_t iy = (uint32_t)(y0 +	\
					(int32_t)(ky * p->dilation_h));	\
				for (kx = kx0; kx < kx1; kx++) {	\
					const uint32_t ix = (uint32_t)(x0 + \
						(int32_t)(kx * p->dilation_w)); \
					const int8_t *fp = filter +	\
						((oc * g.kh + ky) * g.kw + kx) * \
						g.kc;			\
					IN_T const *ip = ipix +		\
						(iy * g.iw + ix) * g.ic + cbase; \
					for (c = 0; c < g.kc; c++)	\
						acc += (ACC_T)((int32_t)fp[c] * \
							LOAD_IN(ip[c])); \
				}					\
			}						\
			out[((b * g.oh + oy) * g.ow + ox) * g.oc + oc] =	\
				STORE_OUT;				\
		}							\
		}							\
	}								\
	}

#define IN_S8(v)	((int32_t)(v) + in_off)
#define IN_S16(v)	((int32_t)(v))

void npu_op_conv2d_s8(const struct npu_conv_params *p, const int8_t *in,
		      const int8_t *filter, const int32_t *bias,
		      const int32_t *mult, const int32_t *shift, int8_t *out)
{
	const int32_t in_off = -p->input.zero_point;

	CONV2D_BODY(int8_t, uint32_t, IN_S8,
		    rq_s8(&p->rq, mult, shift, oc, acc, bias,
			  p->output.zero_point, p->act_min, p->act_max))
}

void npu_op_conv2d_s16(const struct npu_conv_params *p, const int16_t *in,
		       const int8_t *filter, const int64_t *bias,
		       const int32_t *mult, const int32_t *shift, int16_t *out)
{
	CONV2D_BODY(int16_t, uint64_t, IN_S16,
		    rq_s16(&p->rq, mult, shift, oc, acc, bias,
			   p->act_min, p->act_max))
}

/*
 * Depthwise: a block of output channels per pixel, so that filter, input
 * and accumulators are walked contiguously (for depth multiplier 1).
 */
#define DW_BLOCK	16

#define DEPTHWISE_BODY(IN_T, ACC_T, LOAD_IN, STORE_OUT)			\
	struct conv_geom g;						\
	uint32_t b, oy, ox, ky, kx, o0, j, n, ky0, ky1, kx0, kx1;	\
	const uint32_t dm = p->depth_multiplier;			\
	ACC_T accs[DW_BLOCK];						\
	conv_geom(p, &g);						\
	for (b = 0; b < g.n; b++) {					\
	for (oy = 0; oy < g.oh; oy++) {					\
		const int32_t y0 = (int32_t)(oy * p->stride_h) - p->pad_top; \
		tap_range(y0, p->dilation_h, g.kh, g.ih, &ky0, &ky1);	\
		for (ox = 0; ox < g.ow; ox++) {				\
		const int32_t x0 = (int32_t)(ox * p->stride_w) - p->pad_left; \
		tap_range(x0, p->dilation_w, g.kw, g.iw, &kx0, &kx1);	\
		for (o0 = 0; o0 < g.oc; o0 += DW_BLOCK) {		\
			n = g.oc - o0 < DW_BLOCK ? g.oc - o0 : DW_BLOCK; \
			for (j = 0; j < n; j++)				\
				accs[j] = 0;				\
			for (ky = ky0; ky < ky1; ky++) {		\
				const uint32_t iy = (uint32_t)(y0 +	\
					(int32_t)(ky * p->dilation_h));	\
				for (kx = kx0; kx < kx1; kx++) {	\
					const uint32_t ix = (uint32_t)(x0 + \
						(int32_t)(kx * p->dilation_w)); \
					const int8_t *fp = filter +	\
						(ky * g.kw + kx) * g.oc + o0; \
					IN_T const *ip = in + ((b * g.ih + iy) * \
						g.iw + ix) * g.ic;	\
					if (dm == 1) {			\
						ip += o0;		\
						for (j = 0; j < n; j++)	\
							accs[j] += (ACC_T)((int32_t)fp[j] * \
								LOAD_IN(ip[j])); \
					} else {			\
						for (j = 0; j < n; j++)	\
							accs[j] += (ACC_T)((int32_t)fp[j] * \
								LOAD_IN(ip[(o0 + j) / dm])); \
					}				\
				}					\
			}						\
			for (j = 0; j < n; j++) {			\
				const uint32_t oc = o0 + j;		\
				const ACC_T acc = accs[j];		\
				out[((b * g.oh + oy) * g.ow + ox) * g.oc + oc] = \
					STORE_OUT;			\
			}						\
		}							\
		}							\
	}								\
	}

void npu_op_depthwise_s8(const struct npu_conv_params *p, const int8_t *in,
			 const int8_t *filter, const int32_t *bias,
			 const int32_t *mult, const int32_t *shift, int8_t *out)
{
	const int32_t in_off = -p->input.zero_point;

	DEPTHWISE_BODY(int8_t, uint32_t, IN_S8,
		       rq_s8(&p->rq, mult, shift, oc, acc, bias,
			     p->output.zero_point, p->act_min, p->act_max))
}

void npu_op_depthwise_s16(const struct npu_conv_params *p, const int16_t *in,
			  const int8_t *filter, const int64_t *bias,
			  const int32_t *mult, const int32_t *shift,
			  int16_t *out)
{
	DEPTHWISE_BODY(int16_t, uint64_t, IN_S16,
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

/*
 * FULLY_CONNECTED: acc = sum over depth of (filter + f_off) * LOAD_IN(in),
 * wrapping as TFLite's int32 (int8) or int64 (16x8) accumulator.
 */
#define FC_BODY(ACC_T, LOAD_IN, STORE_OUT)				\
	const uint32_t batches = p->input.dims[0];			\
	const uint32_t depth = p->input.dims[1];			\
	const uint32_t units = p->output.dims[1];			\
	const int32_t f_off = -p->filter.zero_point;			\
	uint32_t b, u, d;						\
	for (b = 0; b < batches; b++) {					\
		for (u = 0; u < units; u++) {				\
			ACC_T acc = 0;					\
			for (d = 0; d < depth; d++)			\
				acc += (ACC_T)(int64_t)			\
					(((int32_t)filter[u * depth + d] + \
					  f_off) *			\
					 LOAD_IN(in[b * depth + d]));	\
			out[b * units + u] = STORE_OUT;			\
		}							\
	}

void npu_op_fc_s8(const struct npu_fc_params *p, const int8_t *in,
		  const int8_t *filter, const int32_t *bias,
		  const int32_t *mult, const int32_t *shift, int8_t *out)
{
	const int32_t in_off = -p->input.zero_point;

	FC_BODY(uint32_t, IN_S8,
		rq_s8(&p->rq, mult, shift, u, acc, bias,
		      p->output.zero_point, p->act_min, p->act_max))
}

void npu_op_fc_s16(const struct npu_fc_params *p, const int16_t *in,
		   const int8_t *filter, const int64_t *bias,
		   const int32_t *mult, const int32_t *shift, int16_t *out)
{
	FC_BODY(uint64_t, IN_S16,
		rq_s16(&p->rq, mult, shift, u, acc, bias,
		       p->act_min, p->act_max))
}
