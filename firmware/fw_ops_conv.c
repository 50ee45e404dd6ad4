// SPDX-License-Identifier: MIT
/*
 * MAC-array ops: CONV_2D, DEPTHWISE_CONV_2D, TRANSPOSE_CONV and
 * FULLY_CONNECTED, int8, 16x8 and uint8.  Bit-exact with TFLite's
 * reference_integer_ops (ConvPerChannel, DepthwiseConvPerChannel,
 * TransposeConv, FullyConnected[PerChannel]) and, for uint8 (legacy
 * asymmetric per-tensor models), reference_ops::Conv, DepthwiseConv,
 * TransposeConv and FullyConnected: the same arithmetic on unsigned
 * activations with a filter offset (the uint8 filter's zero point).
 *
 * Accumulation wraps in two's complement (unsigned arithmetic) so hostile
 * parameters cannot cause undefined behaviour; for every input TFLite
 * accepts the result is identical.
 */
#include "fw_internal.h"

/*
 * How an accumulator is requantized: the convolutions round twice
 * (fw_mbqm, fw_mbqm64 for 16x8); FULLY_CONNECTED rounds the 64-bit product
 * with the Q31 multiplier once (fw_mbqm_single), or, with
 * NPU_RQ_SCALE_F64, rounds the accumulator times the binary64 scale as
 * TFLite's reference kernels do (npu_fw_round_scale).
 */
enum rq_kind { RQ_CONV, RQ_SINGLE, RQ_F64 };

static inline int32_t rq_apply(enum rq_kind kind, int64_t acc, int32_t m,
			       int32_t s, bool wide)
{
	if (kind == RQ_F64)
		return npu_fw_round_scale(acc, (uint32_t)m, (uint32_t)s);
	if (kind == RQ_SINGLE)
		return fw_mbqm_single(acc, m, s);
	return wide ? fw_mbqm64(acc, m, s) : fw_mbqm((int32_t)acc, m, s);
}

/*
 * Requantize a 32-bit accumulator (int8 and uint8 paths; the clamp to
 * @act_min..@act_max is within the output type).
 */
static inline int32_t rq_8(const struct npu_requant *rq, const int32_t *mult,
			   const int32_t *shift, uint32_t c, uint32_t acc,
			   const int32_t *bias, int32_t out_zp, int32_t act_min,
			   int32_t act_max, enum rq_kind kind)
{
	const int32_t m = fw_rq_mult(rq, mult, c), s = fw_rq_shift(rq, shift, c);
	int32_t v;

	if (bias)
		acc += (uint32_t)bias[c];
	v = rq_apply(kind, (int32_t)acc, m, s, false);
	v = (int32_t)((uint32_t)v + (uint32_t)out_zp);
	return fw_clamp(v, act_min, act_max);
}

/* Requantize a 64-bit accumulator (16x8 path: no output offset). */
static inline int16_t rq_s16(const struct npu_requant *rq,
			     const int32_t *mult, const int32_t *shift,
			     uint32_t c, uint64_t acc, const int64_t *bias,
			     int32_t act_min, int32_t act_max, enum rq_kind kind)
{
	const int32_t m = fw_rq_mult(rq, mult, c), s = fw_rq_shift(rq, shift, c);
	int32_t v;

	if (bias)
		acc += (uint64_t)bias[c];
	v = rq_apply(kind, (int64_t)acc, m, s, true);
	return (int16_t)fw_clamp(v, act_min, act_max);
}

/* FULLY_CONNECTED's rounding, by its flags. */
static inline enum rq_kind fc_kind(const struct npu_fc_params *p)
{
	return p->rq.flags & NPU_RQ_SCALE_F64 ? RQ_F64 : RQ_SINGLE;
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
 * width and requantization; one macro body keeps them identical.  The
 * accumulation order differs from TFLite's loop only in skipping taps
 * outside the image, which TFLite skips too.
 */
#define CONV2D_BODY(IN_T, F_T, ACC_T, LOAD_IN, LOAD_F, STORE_OUT)	\
	struct conv_geom g;						\
	uint32_t b, oy, ox, oc, ky, kx, c, per_group;			\
	uint32_t ky0, ky1, kx0, kx1;					\
	conv_geom(p, &g);						\
	per_group = g.oc / (g.ic / g.kc);				\
	for (b = 0; b < g.n; b++) {					\
	for (oy = 0; oy < g.oh; oy++) {					\
		const int32_t y0 = (int32_t)(oy * p->stride_h) - p->pad_top; \
		fw_tap_range(y0, p->dilation_h, g.kh, g.ih, &ky0, &ky1);	\
		for (ox = 0; ox < g.ow; ox++) {				\
		const int32_t x0 = (int32_t)(ox * p->stride_w) - p->pad_left; \
		IN_T const *ipix;					\
		fw_tap_range(x0, p->dilation_w, g.kw, g.iw, &kx0, &kx1);	\
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
					const F_T *fp = filter +	\
						((oc * g.kh + ky) * g.kw + kx) * \
						g.kc;			\
					IN_T const *ip = ipix +		\
						(iy * g.iw + ix) * g.ic + cbase; \
					for (c = 0; c < g.kc; c++)	\
						acc += (ACC_T)(LOAD_F(fp[c]) * \
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
/* int8 filters have zero point 0; uint8 filters are offset by theirs. */
#define F_S8(v)		((int32_t)(v))
#define F_U8(v)		((int32_t)(v) + f_off)

void npu_op_conv2d_s8(const struct npu_conv_params *p, const int8_t *in,
		      const int8_t *filter, const int32_t *bias,
		      const int32_t *mult, const int32_t *shift, int8_t *out)
{
	const int32_t in_off = -p->input.zero_point;

	CONV2D_BODY(int8_t, int8_t, uint32_t, IN_S8, F_S8,
		    (int8_t)rq_8(&p->rq, mult, shift, oc, acc, bias,
				 p->output.zero_point, p->act_min, p->act_max,
				 RQ_CONV))
}

void npu_op_conv2d_u8(const struct npu_conv_params *p, const uint8_t *in,
		      const uint8_t *filter, const int32_t *bias,
		      const int32_t *mult, const int32_t *shift, uint8_t *out)
{
	const int32_t in_off = -p->input.zero_point;
	const int32_t f_off = -p->filter.zero_point;

	CONV2D_BODY(uint8_t, uint8_t, uint32_t, IN_S8, F_U8,
		    (uint8_t)rq_8(&p->rq, mult, shift, oc, acc, bias,
				  p->output.zero_point, p->act_min, p->act_max,
				  RQ_CONV))
}

void npu_op_conv2d_s16(const struct npu_conv_params *p, const int16_t *in,
		       const int8_t *filter, const int64_t *bias,
		       const int32_t *mult, const int32_t *shift, int16_t *out)
{
	CONV2D_BODY(int16_t, int8_t, uint64_t, IN_S16, F_S8,
		    rq_s16(&p->rq, mult, shift, oc, acc, bias,
			   p->act_min, p->act_max, RQ_CONV))
}

/*
 * Depthwise: a block of output channels per pixel, so that filter, input
 * and accumulators are walked contiguously (for depth multiplier 1).
 */
#define DW_BLOCK	16

#define DEPTHWISE_BODY(IN_T, F_T, ACC_T, LOAD_IN, LOAD_F, STORE_OUT) \
	struct conv_geom g;						\
	uint32_t b, oy, ox, ky, kx, o0, j, n, ky0, ky1, kx0, kx1;	\
	const uint32_t dm = p->depth_multiplier;			\
	ACC_T accs[DW_BLOCK];						\
	conv_geom(p, &g);						\
	for (b = 0; b < g.n; b++) {					\
	for (oy = 0; oy < g.oh; oy++) {					\
		const int32_t y0 = (int32_t)(oy * p->stride_h) - p->pad_top; \
		fw_tap_range(y0, p->dilation_h, g.kh, g.ih, &ky0, &ky1);	\
		for (ox = 0; ox < g.ow; ox++) {				\
		const int32_t x0 = (int32_t)(ox * p->stride_w) - p->pad_left; \
		fw_tap_range(x0, p->dilation_w, g.kw, g.iw, &kx0, &kx1);	\
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
					const F_T *fp = filter +	\
						(ky * g.kw + kx) * g.oc + o0; \
					IN_T const *ip = in + ((b * g.ih + iy) * \
						g.iw + ix) * g.ic;	\
					if (dm == 1) {			\
						ip += o0;		\
						for (j = 0; j < n; j++)	\
							accs[j] += (ACC_T)(LOAD_F(fp[j]) * \
								LOAD_IN(ip[j])); \
					} else {			\
						for (j = 0; j < n; j++)	\
							accs[j] += (ACC_T)(LOAD_F(fp[j]) * \
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

	DEPTHWISE_BODY(int8_t, int8_t, uint32_t, IN_S8, F_S8,
		       (int8_t)rq_8(&p->rq, mult, shift, oc, acc, bias,
				    p->output.zero_point, p->act_min,
				    p->act_max, RQ_CONV))
}

void npu_op_depthwise_u8(const struct npu_conv_params *p, const uint8_t *in,
			 const uint8_t *filter, const int32_t *bias,
			 const int32_t *mult, const int32_t *shift,
			 uint8_t *out)
{
	const int32_t in_off = -p->input.zero_point;
	const int32_t f_off = -p->filter.zero_point;

	DEPTHWISE_BODY(uint8_t, uint8_t, uint32_t, IN_S8, F_U8,
		       (uint8_t)rq_8(&p->rq, mult, shift, oc, acc, bias,
				     p->output.zero_point, p->act_min,
				     p->act_max, RQ_CONV))
}

void npu_op_depthwise_s16(const struct npu_conv_params *p, const int16_t *in,
			  const int8_t *filter, const int64_t *bias,
			  const int32_t *mult, const int32_t *shift,
			  int16_t *out)
{
	DEPTHWISE_BODY(int16_t, int8_t, uint64_t, IN_S16, F_S8,
		       rq_s16(&p->rq, mult, shift, oc, acc, bias,
			      p->act_min, p->act_max, RQ_CONV))
}

/*
 * TRANSPOSE_CONV: TFLite scatters every input pixel into a zeroed scratch
 * accumulator.  We gather instead — output (oy, ox) receives input (iy, ix)
 * through filter tap (ky, kx) when oy = iy * stride - pad + ky — which sums
 * exactly the same products (integer addition is associative with wrap),
 * needs no scratch buffer, and writes each output once.
 */
#define TCONV_BODY(ACC_T, LOAD_IN, LOAD_F, STORE_OUT)				\
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
					acc += (ACC_T)(LOAD_F(filter[fbase + c]) * \
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

	TCONV_BODY(uint32_t, IN_S8, F_S8,
		   (int8_t)rq_8(&p->rq, mult, shift, oc, acc, bias,
				p->output.zero_point, p->act_min, p->act_max,
				RQ_CONV))
}

void npu_op_transpose_conv_u8(const struct npu_conv_params *p,
			      const uint8_t *in, const uint8_t *filter,
			      const int32_t *bias, const int32_t *mult,
			      const int32_t *shift, uint8_t *out)
{
	const int32_t in_off = -p->input.zero_point;
	const int32_t f_off = -p->filter.zero_point;

	TCONV_BODY(uint32_t, IN_S8, F_U8,
		   (uint8_t)rq_8(&p->rq, mult, shift, oc, acc, bias,
				 p->output.zero_point, p->act_min, p->act_max,
				 RQ_CONV))
}

void npu_op_transpose_conv_s16(const struct npu_conv_params *p,
			       const int16_t *in, const int8_t *filter,
			       const int64_t *bias, const int32_t *mult,
			       const int32_t *shift, int16_t *out)
{
	TCONV_BODY(uint64_t, IN_S16, F_S8,
		   rq_s16(&p->rq, mult, shift, oc, acc, bias,
			  p->act_min, p->act_max, RQ_CONV))
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
	const enum rq_kind kind = fc_kind(p);				\
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
		(int8_t)rq_8(&p->rq, mult, shift, u, acc, bias,
			     p->output.zero_point, p->act_min, p->act_max,
			     kind))
}

/* uint8: the same rounding (TensorFlow 2.21's reference_ops kernel). */
void npu_op_fc_u8(const struct npu_fc_params *p, const uint8_t *in,
		  const uint8_t *filter, const int32_t *bias,
		  const int32_t *mult, const int32_t *shift, uint8_t *out)
{
	const int32_t in_off = -p->input.zero_point;

	FC_BODY(uint32_t, IN_S8,
		(uint8_t)rq_8(&p->rq, mult, shift, u, acc, bias,
			      p->output.zero_point, p->act_min, p->act_max,
			      kind))
}

void npu_op_fc_s16(const struct npu_fc_params *p, const int16_t *in,
		   const int8_t *filter, const int64_t *bias,
		   const int32_t *mult, const int32_t *shift, int16_t *out)
{
	FC_BODY(uint64_t, IN_S16,
		rq_s16(&p->rq, mult, shift, u, acc, bias,
		       p->act_min, p->act_max, kind))
}

/* ---- checks, operands, cost and the command rows ---- */

/*
 * int8 and 16x8 take int8 filters (per-channel quantization, the filter
 * zero point 0 for convolutions); uint8 takes uint8 filters with any zero
 * point (the filter offset of TFLite's uint8 kernels).
 */
static int check_mac_types(const struct npu_tensor *in,
			   const struct npu_tensor *f,
			   const struct npu_tensor *out,
			   struct npu_fw_reason *why)
{
	FW_CHECK(why, in->dtype == out->dtype, "input and output types differ");
	if (in->dtype == NPU_DTYPE_UINT8)
		FW_CHECK(why, f->dtype == NPU_DTYPE_UINT8,
			 "uint8 input needs uint8 weights");
	else
		FW_CHECK(why, f->dtype == NPU_DTYPE_INT8,
			 "int8 and int16 inputs need int8 weights");
	if (in->dtype == NPU_DTYPE_INT16)
		FW_CHECK(why, in->zero_point == 0 && out->zero_point == 0,
			 "16x8 zero points must be 0");
	return 0;
}

static int check_conv(uint32_t op, const union npu_cmd_params *pp,
		      uint32_t flags, struct npu_fw_reason *why)
{
	const struct npu_conv_params *p = &pp->conv;
	const struct npu_tensor *in = &p->input, *f = &p->filter;
	const struct npu_tensor *out = &p->output;
	int s16 = in->dtype == NPU_DTYPE_INT16;
	uint32_t ic, oc, kh, kw, kc;

	if (fw_check_tensor(in, FW_T_S8 | FW_T_S16 | FW_T_U8, 4, 4, why) ||
	    fw_check_filter(f, FW_T_S8 | FW_T_U8, 4, why) ||
	    fw_check_tensor(out, FW_T_S8 | FW_T_S16 | FW_T_U8, 4, 4, why) ||
	    check_mac_types(in, f, out, why))
		return -NPU_FW_EINVAL;
	FW_CHECK(why, f->dtype == NPU_DTYPE_UINT8 || f->zero_point == 0,
		 "filter zero point not 0");
	FW_CHECK(why, p->reserved == 0, "reserved field not zero");
	FW_CHECK(why, in->dims[0] == out->dims[0], "batch mismatch");
	ic = in->dims[3];
	oc = out->dims[3];
	kh = f->dims[1];
	kw = f->dims[2];
	kc = f->dims[3];
	FW_CHECK(why, p->stride_h >= 1 && p->stride_w >= 1, "stride zero");
	FW_CHECK(why, p->dilation_h >= 1 && p->dilation_w >= 1, "dilation zero");

	switch (op) {
	case NPU_CMD_CONV_2D:
		FW_CHECK(why, p->depth_multiplier == 0, "depth multiplier on conv");
		FW_CHECK(why, f->dims[0] == oc,
			 "filter count differs from output channels");
		FW_CHECK(why, ic % kc == 0,
			 "input channels not a multiple of filter depth");
		FW_CHECK(why, oc % (ic / kc) == 0,
			 "output channels not divisible by groups");
		break;
	case NPU_CMD_DEPTHWISE_CONV_2D:
		FW_CHECK(why, f->dims[0] == 1 && kc == oc, "depthwise filter shape");
		FW_CHECK(why, p->depth_multiplier >= 1 &&
			 (uint64_t)ic * p->depth_multiplier == oc,
			 "output channels differ from input * depth multiplier");
		break;
	case NPU_CMD_TRANSPOSE_CONV:
		FW_CHECK(why, p->depth_multiplier == 0, "depth multiplier on conv");
		FW_CHECK(why, p->dilation_h == 1 && p->dilation_w == 1,
			 "transpose conv dilation must be 1");
		FW_CHECK(why, f->dims[0] == oc && kc == ic,
			 "transpose conv filter shape");
		FW_CHECK(why, p->pad_top < kh && p->pad_left < kw,
			 "transpose conv padding not below kernel size");
		break;
	}
	/* Limits before the window: a stride or dilation beyond them is the
	 * reason, whatever else it breaks. */
	if (flags & NPU_FW_CHECK_HW_LIMITS) {
		const uint64_t depth = (uint64_t)kh * kw *
				       (op == NPU_CMD_DEPTHWISE_CONV_2D ? 1 :
					op == NPU_CMD_TRANSPOSE_CONV ? ic : kc);
		const struct npu_fw_geometry g = {
			.kernel_h = kh, .kernel_w = kw,
			.stride_h = p->stride_h, .stride_w = p->stride_w,
			.dilation_h = p->dilation_h, .dilation_w = p->dilation_w,
		};

		if (npu_fw_check_geometry(&g, why))
			return -NPU_FW_EINVAL;
		FW_LIMIT(why, "channel count", ic > oc ? ic : oc,
			 NPU_LIMIT_CHANNELS, "channel count exceeds the NPU limit");
		FW_LIMIT(why, "padding", p->pad_top > p->pad_left ?
			 p->pad_top : p->pad_left, NPU_LIMIT_PAD,
			 "padding exceeds the NPU limit");
		FW_LIMIT(why, "accumulation depth", depth,
			 NPU_LIMIT_ACCUM_DEPTH,
			 "accumulation depth exceeds the NPU limit");
	}
	if (op != NPU_CMD_TRANSPOSE_CONV) {
		if (fw_check_window(in->dims[1], out->dims[1], kh, p->dilation_h,
				    p->stride_h, p->pad_top, why) ||
		    fw_check_window(in->dims[2], out->dims[2], kw, p->dilation_w,
				    p->stride_w, p->pad_left, why))
			return -NPU_FW_EINVAL;
	}
	if (fw_check_rq(&p->rq, oc, s16 ? 8 : 4, 0, why) ||
	    fw_check_act(out->dtype, p->act_min, p->act_max, why))
		return -NPU_FW_EINVAL;
	return 0;
}

static int check_fc(uint32_t op, const union npu_cmd_params *pp,
		    uint32_t flags, struct npu_fw_reason *why)
{
	const struct npu_fc_params *p = &pp->fc;
	const struct npu_tensor *in = &p->input, *f = &p->filter;
	const struct npu_tensor *out = &p->output;
	int s16 = in->dtype == NPU_DTYPE_INT16;

	(void)op;
	if (fw_check_tensor(in, FW_T_S8 | FW_T_S16 | FW_T_U8, 2, 2, why) ||
	    fw_check_filter(f, FW_T_S8 | FW_T_U8, 2, why) ||
	    fw_check_tensor(out, FW_T_S8 | FW_T_S16 | FW_T_U8, 2, 2, why) ||
	    check_mac_types(in, f, out, why))
		return -NPU_FW_EINVAL;
	FW_CHECK(why, in->dims[0] == out->dims[0], "batch mismatch");
	FW_CHECK(why, f->dims[1] == in->dims[1],
		 "filter depth differs from input");
	FW_CHECK(why, f->dims[0] == out->dims[1],
		 "filter units differ from output");
	if (fw_check_rq(&p->rq, out->dims[1], s16 ? 8 : 4, NPU_RQ_SCALE_F64,
			why) ||
	    fw_check_act(out->dtype, p->act_min, p->act_max, why))
		return -NPU_FW_EINVAL;
	if (flags & NPU_FW_CHECK_HW_LIMITS) {
		FW_LIMIT(why, "accumulation depth", in->dims[1],
			 NPU_LIMIT_ACCUM_DEPTH,
			 "accumulation depth exceeds the NPU limit");
		FW_LIMIT(why, "unit count", out->dims[1], NPU_LIMIT_CHANNELS,
			 "unit count exceeds the NPU limit");
	}
	return 0;
}

/* Input, weights, requantization arrays, output. */
static uint32_t operands_mac(const struct npu_tensor *in,
			     const struct npu_tensor *filter,
			     const struct npu_requant *rq,
			     const struct npu_tensor *out, uint32_t channels,
			     struct npu_fw_operand ops[NPU_FW_SLOT_COUNT])
{
	uint32_t n = 0;

	fw_add_tensor(ops, &n, in, NPU_FW_ACCESS_READ, NPU_FW_SLOT_IN0);
	fw_add_filter(ops, &n, filter);
	fw_add_requant(ops, &n, rq, channels,
		       in->dtype == NPU_DTYPE_INT16 ? 8 : 4);
	fw_add_tensor(ops, &n, out, NPU_FW_ACCESS_WRITE, NPU_FW_SLOT_OUT);
	return n;
}

static uint32_t operands_conv(uint32_t op, const union npu_cmd_params *p,
			      struct npu_fw_operand ops[NPU_FW_SLOT_COUNT])
{
	(void)op;
	return operands_mac(&p->conv.input, &p->conv.filter, &p->conv.rq,
			    &p->conv.output, p->conv.output.dims[3], ops);
}

static uint32_t operands_fc(uint32_t op, const union npu_cmd_params *p,
			    struct npu_fw_operand ops[NPU_FW_SLOT_COUNT])
{
	(void)op;
	return operands_mac(&p->fc.input, &p->fc.filter, &p->fc.rq,
			    &p->fc.output, p->fc.output.dims[1], ops);
}

static void cost_conv(uint32_t op, const union npu_cmd_params *p,
		      struct fw_work *w)
{
	const struct npu_conv_params *c = &p->conv;
	const uint64_t kernel = (uint64_t)c->filter.dims[1] * c->filter.dims[2];
	const uint32_t co = c->output.dims[3];
	/* Output positions; a transposed conv scatters from its input's. */
	const uint64_t pos = op == NPU_CMD_TRANSPOSE_CONV ?
		(uint64_t)c->input.dims[0] * c->input.dims[1] * c->input.dims[2] :
		(uint64_t)c->output.dims[0] * c->output.dims[1] * c->output.dims[2];

	w->half_rate = c->input.dtype == NPU_DTYPE_INT16;
	fw_cost_filter(op, p, w);
	if (op == NPU_CMD_DEPTHWISE_CONV_2D) {
		/* One input channel per output channel: lanes take taps. */
		w->macs = pos * co * kernel;
		w->mac_passes = fw_mac_passes(pos, co, 1, kernel);
	} else {
		/* Lanes take input channels, one kernel tap at a time. */
		w->macs = pos * co * kernel * c->filter.dims[3];
		w->mac_passes = fw_mac_passes(pos, co, kernel,
					      c->filter.dims[3]);
	}
}

static void cost_fc(uint32_t op, const union npu_cmd_params *p,
		    struct fw_work *w)
{
	w->half_rate = p->fc.input.dtype == NPU_DTYPE_INT16;
	fw_cost_filter(op, p, w);
	w->macs = (uint64_t)p->fc.input.dims[0] * p->fc.input.dims[1] *
		  p->fc.output.dims[1];
	/* Rows are positions, units output channels, inputs lanes. */
	w->mac_passes = fw_mac_passes(p->fc.input.dims[0], p->fc.output.dims[1],
				      1, p->fc.input.dims[1]);
}

/* uint8 operands, a compressed filter, the binary64 scale (later firmware). */
static uint32_t features_fc(uint32_t op, const union npu_cmd_params *p)
{
	return fw_features_filter(op, p) |
	       (p->fc.rq.flags & NPU_RQ_SCALE_F64 ? NPU_FW_FEAT_FC_SCALE_F64 : 0);
}

#define RUN_MAC(name, params, k8, k16, ku8)				\
static void name(uint32_t op, const union npu_cmd_params *p,		\
		 void *const *b)					\
{									\
	(void)op;							\
	if (p->params.input.dtype == NPU_DTYPE_UINT8)			\
		ku8(&p->params, b[NPU_FW_SLOT_IN0],			\
		    b[NPU_FW_SLOT_WEIGHTS], b[NPU_FW_SLOT_BIAS],	\
		    b[NPU_FW_SLOT_MULT], b[NPU_FW_SLOT_SHIFT],		\
		    b[NPU_FW_SLOT_OUT]);				\
	else if (p->params.input.dtype == NPU_DTYPE_INT16)		\
		k16(&p->params, b[NPU_FW_SLOT_IN0],			\
		    b[NPU_FW_SLOT_WEIGHTS], b[NPU_FW_SLOT_BIAS],	\
		    b[NPU_FW_SLOT_MULT], b[NPU_FW_SLOT_SHIFT],		\
		    b[NPU_FW_SLOT_OUT]);				\
	else								\
		k8(&p->params, b[NPU_FW_SLOT_IN0],			\
		   b[NPU_FW_SLOT_WEIGHTS], b[NPU_FW_SLOT_BIAS],		\
		   b[NPU_FW_SLOT_MULT], b[NPU_FW_SLOT_SHIFT],		\
		   b[NPU_FW_SLOT_OUT]);					\
}

RUN_MAC(run_conv2d, conv, npu_op_conv2d_s8, npu_op_conv2d_s16,
	npu_op_conv2d_u8)
RUN_MAC(run_depthwise, conv, npu_op_depthwise_s8, npu_op_depthwise_s16,
	npu_op_depthwise_u8)
RUN_MAC(run_transpose_conv, conv, npu_op_transpose_conv_s8,
	npu_op_transpose_conv_s16, npu_op_transpose_conv_u8)
RUN_MAC(run_fc, fc, npu_op_fc_s8, npu_op_fc_s16, npu_op_fc_u8)

#define CONV_ROW(op, nm, tile, runfn)					\
	{ .opcode = (op), .name = (nm), .tiling = (tile),		\
	  .param_features = fw_features_filter,			\
	  .params_size = sizeof(struct npu_conv_params),		\
	  .check = check_conv, .operands = operands_conv,		\
	  .cost = cost_conv, .run = (runfn) }

const struct fw_cmd fw_cmds_conv[] = {
	CONV_ROW(NPU_CMD_CONV_2D, "CONV_2D", FW_TILE_ROWS, run_conv2d),
	CONV_ROW(NPU_CMD_DEPTHWISE_CONV_2D, "DEPTHWISE_CONV_2D", FW_TILE_ROWS,
		 run_depthwise),
	CONV_ROW(NPU_CMD_TRANSPOSE_CONV, "TRANSPOSE_CONV", FW_TILE_TCONV,
		 run_transpose_conv),
	{ .opcode = NPU_CMD_FULLY_CONNECTED, .name = "FULLY_CONNECTED",
	  .tiling = FW_TILE_UNITS, .param_features = features_fc,
	  .params_size = sizeof(struct npu_fc_params),
	  .check = check_fc, .operands = operands_fc, .cost = cost_fc,
	  .run = run_fc },
	{ .name = NULL }
};
