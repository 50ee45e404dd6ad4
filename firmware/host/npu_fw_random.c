// SPDX-License-Identifier: MIT
/*
 * Random single-op jobs for tests that compare the device (npu_sim.ko in
 * the VM) with the host library: every op, random shapes, strides,
 * paddings, zero points, multipliers and shifts, always within the
 * hardware limits, operands packed into one buffer.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fw_internal.h"
#include "npu_fw_host.h"

struct gen {
	uint64_t *seed;
	uint64_t base;
	uint32_t off;		/* next free byte of the buffer */
	/* regions to fill after layout */
	uint32_t rnd_off[8], rnd_len[8], n_rnd;
	uint32_t mult_off, shift_off, rq_count;
	int32_t shift_lo, shift_hi;
	uint32_t bias_off, bias_count, bias_es;
	struct npu_dma_params pre;	/* NPU_CMD_DMA: the stripe into SRAM */
};

static uint32_t rnd(struct gen *g)
{
	uint64_t x = *g->seed;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*g->seed = x;
	return (uint32_t)((x * 0x2545f4914f6cdd1dull) >> 32);
}

static uint32_t upto(struct gen *g, uint32_t n)	/* 1..n */
{
	return 1 + rnd(g) % n;
}

static int32_t range(struct gen *g, int32_t lo, int32_t hi)
{
	return lo + (int32_t)(rnd(g) % (uint32_t)(hi - lo + 1));
}

/* Places a tensor in the buffer; @fill: random contents. */
static void place(struct gen *g, struct npu_tensor *t, uint8_t dtype,
		  int32_t zp, uint32_t rank, const uint32_t *dims, int fill)
{
	npu_tensor_set(t, 0, dtype, zp, rank, dims);
	t->addr = g->base + g->off;
	if (fill && g->n_rnd < 8) {
		g->rnd_off[g->n_rnd] = g->off;
		g->rnd_len[g->n_rnd++] = (uint32_t)npu_tensor_bytes(t);
	}
	g->off += ((uint32_t)npu_tensor_bytes(t) + 7) & ~7u;
}

static uint64_t place_raw(struct gen *g, uint32_t bytes, int fill)
{
	uint64_t va = g->base + g->off;

	if (fill && g->n_rnd < 8) {
		g->rnd_off[g->n_rnd] = g->off;
		g->rnd_len[g->n_rnd++] = bytes;
	}
	g->off += (bytes + 7) & ~7u;
	return va;
}

static int32_t zp_of(struct gen *g, uint8_t dtype)
{
	return dtype == NPU_DTYPE_INT16 ? 0 :
	       dtype == NPU_DTYPE_UINT8 ? range(g, 0, 255) : range(g, -128, 127);
}

static void rnd_mult(struct gen *g, int32_t *m, int32_t *s, int lo, int hi)
{
	*m = (int32_t)((1u << 30) + (rnd(g) & ((1u << 30) - 1)));
	*s = range(g, lo, hi);
}

static void requant(struct gen *g, struct npu_requant *rq, uint32_t ch,
		    int s16)
{
	memset(rq, 0, sizeof(*rq));
	g->shift_lo = s16 ? -20 : -12;
	g->shift_hi = s16 ? 0 : 1;
	if (rnd(g) % 4) {
		rq->flags = NPU_RQ_HAS_BIAS;
		g->bias_es = s16 ? 8 : 4;
		g->bias_count = ch;
		rq->bias_addr = place_raw(g, ch * g->bias_es, 0);
		g->bias_off = (uint32_t)(rq->bias_addr - g->base);
	}
	if (rnd(g) % 2) {
		rq->count = ch;
		g->rq_count = ch;
		rq->mult_addr = place_raw(g, ch * 4, 0);
		rq->shift_addr = place_raw(g, ch * 4, 0);
		g->mult_off = (uint32_t)(rq->mult_addr - g->base);
		g->shift_off = (uint32_t)(rq->shift_addr - g->base);
	} else {
		rnd_mult(g, &rq->multiplier, &rq->shift, (int)g->shift_lo,
			 (int)g->shift_hi);
	}
}

static void act(struct gen *g, int s16, int32_t *lo, int32_t *hi)
{
	*lo = s16 ? -32768 : -128;
	*hi = s16 ? 32767 : 127;
	if (rnd(g) % 3 == 0) {
		*lo = range(g, *lo, 0);
		*hi = range(g, 1, *hi);
	}
}

/* SAME or VALID output size and top padding for one axis. */
static void same_valid(struct gen *g, uint32_t in, uint32_t k, uint32_t dil,
		       uint32_t stride, uint32_t *out, uint32_t *pad)
{
	uint32_t eff = (k - 1) * dil + 1;

	if (rnd(g) % 2 || in < eff) {
		*out = (in + stride - 1) / stride;
		*pad = (*out - 1) * stride + eff > in ?
		       ((*out - 1) * stride + eff - in) / 2 : 0;
	} else {
		*out = (in - eff) / stride + 1;
		*pad = 0;
	}
}

static void gen_conv(struct gen *g, uint32_t op, struct npu_conv_params *p)
{
	const int s16 = (int)(rnd(g) % 2);
	const uint8_t t = s16 ? NPU_DTYPE_INT16 : NPU_DTYPE_INT8;
	uint32_t n = upto(g, 2), ih = upto(g, 12), iw = upto(g, 12);
	uint32_t kh = upto(g, 5), kw = upto(g, 5), sh = upto(g, 3), sw = upto(g, 3);
	uint32_t dh = 1, dw = 1, ic, oc, kc, oh, ow, ph, pw;

	memset(p, 0, sizeof(*p));
	if (op != NPU_CMD_TRANSPOSE_CONV && rnd(g) % 3 == 0) {
		dh = upto(g, 2);
		dw = upto(g, 2);
	}
	if (op == NPU_CMD_CONV_2D) {
		uint32_t groups = rnd(g) % 4 ? 1 : 2;

		kc = upto(g, 8);
		ic = kc * groups;
		oc = groups * upto(g, 8);
	} else if (op == NPU_CMD_DEPTHWISE_CONV_2D) {
		ic = upto(g, 8);
		p->depth_multiplier = (uint16_t)upto(g, 2);
		oc = ic * p->depth_multiplier;
		kc = oc;
	} else {
		ic = upto(g, 6);
		oc = upto(g, 6);
		kc = ic;
	}
	if (op == NPU_CMD_TRANSPOSE_CONV) {
		ph = rnd(g) % kh;
		pw = rnd(g) % kw;
		oh = upto(g, (ih - 1) * sh + kh);
		ow = upto(g, (iw - 1) * sw + kw);
	} else {
		same_valid(g, ih, kh, dh, sh, &oh, &ph);
		same_valid(g, iw, kw, dw, sw, &ow, &pw);
	}
	place(g, &p->input, t, zp_of(g, t), 4,
	      (const uint32_t[]){ n, ih, iw, ic }, 1);
	if (op == NPU_CMD_DEPTHWISE_CONV_2D)
		place(g, &p->filter, NPU_DTYPE_INT8, 0, 4,
		      (const uint32_t[]){ 1, kh, kw, oc }, 1);
	else
		place(g, &p->filter, NPU_DTYPE_INT8, 0, 4,
		      (const uint32_t[]){ oc, kh, kw, kc }, 1);
	requant(g, &p->rq, oc, s16);
	place(g, &p->output, t, zp_of(g, t), 4,
	      (const uint32_t[]){ n, oh, ow, oc }, 0);
	p->stride_h = (uint16_t)sh;
	p->stride_w = (uint16_t)sw;
	p->dilation_h = (uint16_t)dh;
	p->dilation_w = (uint16_t)dw;
	p->pad_top = (uint16_t)ph;
	p->pad_left = (uint16_t)pw;
	act(g, s16, &p->act_min, &p->act_max);
}

static void gen_fc(struct gen *g, struct npu_fc_params *p)
{
	const int s16 = (int)(rnd(g) % 2);
	const uint8_t t = s16 ? NPU_DTYPE_INT16 : NPU_DTYPE_INT8;
	uint32_t nb = upto(g, 3), depth = upto(g, 64), units = upto(g, 32);

	memset(p, 0, sizeof(*p));
	place(g, &p->input, t, zp_of(g, t), 2,
	      (const uint32_t[]){ nb, depth }, 1);
	place(g, &p->filter, NPU_DTYPE_INT8, s16 ? 0 : range(g, -3, 3), 2,
	      (const uint32_t[]){ units, depth }, 1);
	requant(g, &p->rq, units, s16);
	place(g, &p->output, t, zp_of(g, t), 2,
	      (const uint32_t[]){ nb, units }, 0);
	act(g, s16, &p->act_min, &p->act_max);
}

static void gen_eltwise(struct gen *g, uint32_t op,
			struct npu_eltwise_params *p)
{
	const int s16 = (int)(rnd(g) % 2);
	uint8_t t = s16 ? NPU_DTYPE_INT16 : NPU_DTYPE_INT8;
	uint32_t rank = upto(g, 5), d0[5], d1[5], d2[5], i;
	/* MAXIMUM and MINIMUM also take uint8 (NPU_FW_FEAT_MINMAX_U8). */
	const int u8 = (op == NPU_CMD_MAXIMUM || op == NPU_CMD_MINIMUM) && !s16 &&
		       rnd(g) % 2;

	if (u8)
		t = NPU_DTYPE_UINT8;
	memset(p, 0, sizeof(*p));
	for (i = 0; i < rank; i++) {
		d0[i] = upto(g, 5);
		d1[i] = rnd(g) % 3 ? d0[i] : 1;
		d2[i] = rnd(g) % 3 ? d0[i] : 1;
	}
	place(g, &p->input1, t, zp_of(g, t), rank, d1, 1);
	place(g, &p->input2, t, zp_of(g, t), rank, d2, 1);
	place(g, &p->output, t, zp_of(g, t), rank, d0, 0);
	if (op == NPU_CMD_MAXIMUM || op == NPU_CMD_MINIMUM) {
		/* raw values compared: nothing to requantize */
	} else if (op == NPU_CMD_MUL) {
		rnd_mult(g, &p->output_multiplier, &p->output_shift,
			 s16 ? -16 : -10, -1);
	} else {
		p->left_shift = s16 ? 15 : 20;
		rnd_mult(g, &p->input1_multiplier, &p->input1_shift, -3, 0);
		rnd_mult(g, &p->input2_multiplier, &p->input2_shift, -3, 0);
		rnd_mult(g, &p->output_multiplier, &p->output_shift,
			 s16 ? -16 : -21, s16 ? -10 : -15);
	}
	act(g, s16, &p->act_min, &p->act_max);
	if (u8) {
		p->act_min += 128;
		p->act_max += 128;
	}
}

static void gen_pool(struct gen *g, struct npu_pool_params *p)
{
	const int s16 = (int)(rnd(g) % 2);
	const uint8_t t = s16 ? NPU_DTYPE_INT16 : NPU_DTYPE_INT8;
	uint32_t ih = upto(g, 12), iw = upto(g, 12), ch = upto(g, 6), n = upto(g, 2);
	uint32_t oh, ow, ph, pw, zp;

	memset(p, 0, sizeof(*p));
	p->filter_h = (uint16_t)upto(g, 5);
	p->filter_w = (uint16_t)upto(g, 5);
	p->stride_h = (uint16_t)upto(g, 3);
	p->stride_w = (uint16_t)upto(g, 3);
	same_valid(g, ih, p->filter_h, 1, p->stride_h, &oh, &ph);
	same_valid(g, iw, p->filter_w, 1, p->stride_w, &ow, &pw);
	p->pad_top = (uint16_t)ph;
	p->pad_left = (uint16_t)pw;
	zp = (uint32_t)zp_of(g, t);
	place(g, &p->input, t, (int32_t)zp, 4,
	      (const uint32_t[]){ n, ih, iw, ch }, 1);
	place(g, &p->output, t, (int32_t)zp, 4,
	      (const uint32_t[]){ n, oh, ow, ch }, 0);
	act(g, s16, &p->act_min, &p->act_max);
}

/* Shape of rank 1..5 with small dimensions. */
static uint32_t small_shape(struct gen *g, uint32_t *d, uint32_t max)
{
	uint32_t rank = upto(g, 5), i;

	for (i = 0; i < rank; i++)
		d[i] = upto(g, max);
	return rank;
}

static uint8_t move_type(struct gen *g)
{
	static const uint8_t types[] = { NPU_DTYPE_INT8, NPU_DTYPE_INT16,
					 NPU_DTYPE_INT32, NPU_DTYPE_UINT8 };

	return types[rnd(g) % 4];
}

/*
 * NPU_CMD_DMA is a pair: a random strided stripe of a buffer into SRAM
 * (@g->pre), then the packed stripe out to another buffer with other
 * random strides (*@p, the job's op).
 */
static uint32_t dma_strides(struct gen *g, const uint32_t *e, uint32_t *st)
{
	uint32_t step = e[3] + rnd(g) % 9, d;

	for (d = 3; d-- > 0;) {
		st[d] = e[d] > 1 ? step : rnd(g) % 16;
		step = st[d] * e[d] + rnd(g) % 9;
		if (step < e[3])
			step = e[3];
	}
	return (e[0] - 1) * st[0] + (e[1] - 1) * st[1] + (e[2] - 1) * st[2] +
	       e[3];
}

static void gen_dma(struct gen *g, struct npu_dma_params *p)
{
	const uint32_t sram = (rnd(g) % 64) * 64;
	uint32_t e[4], span;

	e[0] = upto(g, 2);
	e[1] = upto(g, 3);
	e[2] = upto(g, 4);
	e[3] = upto(g, 24);
	memset(&g->pre, 0, sizeof(g->pre));
	memcpy(g->pre.extent, e, sizeof(e));
	span = dma_strides(g, e, g->pre.stride);
	g->pre.src = place_raw(g, span, 1);
	g->pre.dst = NPU_SRAM_VA + sram;
	memset(p, 0, sizeof(*p));
	memcpy(p->extent, e, sizeof(e));
	span = dma_strides(g, e, p->stride);
	p->src = NPU_SRAM_VA + sram;
	p->dst = place_raw(g, span, 0);
}

static int gen_op(struct gen *g, uint32_t op, void *params)
{
	uint32_t d[5], o[5], rank, i;
	uint8_t t;
	int32_t zp;

	switch (op) {
	case NPU_CMD_CONV_2D:
	case NPU_CMD_DEPTHWISE_CONV_2D:
	case NPU_CMD_TRANSPOSE_CONV:
		gen_conv(g, op, params);
		return 0;
	case NPU_CMD_FULLY_CONNECTED:
		gen_fc(g, params);
		return 0;
	case NPU_CMD_ADD:
	case NPU_CMD_SUB:
	case NPU_CMD_MUL:
	case NPU_CMD_MAXIMUM:
	case NPU_CMD_MINIMUM:
		gen_eltwise(g, op, params);
		return 0;
	case NPU_CMD_PRELU: {
		struct npu_prelu_params *p = params;

		memset(p, 0, sizeof(*p));
		rank = small_shape(g, d, 6);
		for (i = 0; i < rank; i++)
			o[i] = rnd(g) % 2 ? d[i] : 1;
		place(g, &p->input, NPU_DTYPE_INT8, zp_of(g, NPU_DTYPE_INT8),
		      rank, d, 1);
		place(g, &p->alpha, NPU_DTYPE_INT8, zp_of(g, NPU_DTYPE_INT8),
		      rank, o, 1);
		place(g, &p->output, NPU_DTYPE_INT8, zp_of(g, NPU_DTYPE_INT8),
		      rank, d, 0);
		rnd_mult(g, &p->multiplier_identity, &p->shift_identity, -2, 1);
		rnd_mult(g, &p->multiplier_alpha, &p->shift_alpha, -14, -6);
		return 0;
	}
	case NPU_CMD_ARG_MAX:
	case NPU_CMD_ARG_MIN: {
		static const uint8_t in_types[] = { NPU_DTYPE_INT8,
			NPU_DTYPE_UINT8, NPU_DTYPE_INT16 };
		struct npu_arg_params *p = params;

		memset(p, 0, sizeof(*p));
		t = in_types[rnd(g) % 3];
		rank = small_shape(g, d, 8);
		p->axis = (uint32_t)(rnd(g) % rank);
		for (i = 0; i < rank; i++)
			o[i] = i == p->axis ? 1 : d[i];
		place(g, &p->input, t, 0, rank, d, 1);
		place(g, &p->output, rnd(g) % 2 ? NPU_DTYPE_INT32 :
		      NPU_DTYPE_INT64, 0, rank, o, 0);
		return 0;
	}
	case NPU_CMD_AVERAGE_POOL_2D:
	case NPU_CMD_MAX_POOL_2D:
		gen_pool(g, params);
		return 0;
	case NPU_CMD_MEAN:
	case NPU_CMD_REDUCE_MAX:
	case NPU_CMD_REDUCE_MIN: {
		/* Any axes of a rank 1..5 shape; MAX/MIN keep the zero point. */
		struct npu_mean_params *p = params;
		uint32_t mask;

		memset(p, 0, sizeof(union npu_cmd_params));
		t = rnd(g) % 2 ? NPU_DTYPE_INT16 : NPU_DTYPE_INT8;
		/* MEAN also takes uint8 (NPU_FW_FEAT_MEAN_U8). */
		if (op == NPU_CMD_MEAN && t == NPU_DTYPE_INT8 && rnd(g) % 2)
			t = NPU_DTYPE_UINT8;
		rank = small_shape(g, d, 8);
		mask = (uint32_t)rnd(g) & ((1u << rank) - 1);
		for (i = 0; i < rank; i++)
			o[i] = (mask & (1u << i)) ? 1 : d[i];
		zp = t == NPU_DTYPE_UINT8 ? range(g, 0, 255) : zp_of(g, t);
		place(g, &p->input, t, zp, rank, d, 1);
		place(g, &p->output, t, op != NPU_CMD_MEAN ? zp :
		      t == NPU_DTYPE_UINT8 ? range(g, 0, 255) : zp_of(g, t),
		      rank, o, 0);
		if (op == NPU_CMD_MEAN) {
			rnd_mult(g, &p->multiplier, &p->shift, -9, 1);
			p->axis_mask = mask;
		} else {
			((struct npu_reduce_params *)params)->axis_mask = mask;
		}
		return 0;
	}
	case NPU_CMD_PAD: {
		struct npu_pad_params *p = params;

		memset(p, 0, sizeof(*p));
		t = move_type(g);
		rank = small_shape(g, d, 5);
		for (i = 0; i < rank; i++) {
			p->before[i] = rnd(g) % 3;
			o[i] = d[i] + p->before[i] + rnd(g) % 3;
		}
		zp = t == NPU_DTYPE_INT8 ? range(g, -128, 127) : 0;
		place(g, &p->input, t, zp, rank, d, 1);
		place(g, &p->output, t, zp, rank, o, 0);
		p->pad_value = t == NPU_DTYPE_INT16 ? range(g, -32768, 32767) :
			       t == NPU_DTYPE_UINT8 ? range(g, 0, 255) :
			       t == NPU_DTYPE_INT8 ? range(g, -128, 127) :
			       (int32_t)rnd(g);
		return 0;
	}
	case NPU_CMD_TRANSPOSE: {
		struct npu_transpose_params *p = params;

		memset(p, 0, sizeof(*p));
		t = move_type(g);
		rank = small_shape(g, d, 5);
		for (i = 0; i < rank; i++)
			p->perm[i] = (uint8_t)i;
		for (i = rank; i > 1; i--) {	/* Fisher-Yates */
			uint32_t j = rnd(g) % i;
			uint8_t x = p->perm[i - 1];

			p->perm[i - 1] = p->perm[j];
			p->perm[j] = x;
		}
		for (i = 0; i < rank; i++)
			o[i] = d[p->perm[i]];
		place(g, &p->input, t, 0, rank, d, 1);
		place(g, &p->output, t, 0, rank, o, 0);
		return 0;
	}
	case NPU_CMD_CONCAT: {
		struct npu_concat_params *p = params;

		memset(p, 0, sizeof(*p));
		t = move_type(g);
		rank = small_shape(g, d, 5);
		p->axis = rnd(g) % rank;
		for (i = 0; i < rank; i++)
			o[i] = d[i];
		p->offset = rnd(g) % 4;
		o[p->axis] = d[p->axis] + p->offset + rnd(g) % 4;
		place(g, &p->input, t, 0, rank, d, 1);
		place(g, &p->output, t, 0, rank, o, 0);
		return 0;
	}
	case NPU_CMD_STRIDED_SLICE: {
		struct npu_slice_params *p = params;

		memset(p, 0, sizeof(*p));
		t = move_type(g);
		rank = small_shape(g, d, 7);
		for (i = 0; i < rank; i++) {
			int32_t s = range(g, 1, 3) * (rnd(g) % 3 ? 1 : -1);
			int32_t b = (int32_t)(rnd(g) % d[i]);
			/* elements reachable from b with step s */
			uint32_t avail = s > 0 ? (d[i] - 1 - (uint32_t)b) / (uint32_t)s + 1 :
					 (uint32_t)b / (uint32_t)-s + 1;

			p->begin[i] = b;
			p->strides[i] = s;
			o[i] = upto(g, avail);
		}
		place(g, &p->input, t, 0, rank, d, 1);
		place(g, &p->output, t, 0, rank, o, 0);
		return 0;
	}
	case NPU_CMD_COPY: {
		struct npu_copy_params *p = params;

		memset(p, 0, sizeof(*p));
		rank = small_shape(g, d, 5);
		place(g, &p->input, NPU_DTYPE_INT8, 0, rank, d, 1);
		o[0] = (uint32_t)npu_tensor_elems(&p->input);
		place(g, &p->output, NPU_DTYPE_INT8, 0, 1, o, 0);
		return 0;
	}
	case NPU_CMD_LUT: {
		struct npu_lut_params *p = params;

		memset(p, 0, sizeof(*p));
		t = rnd(g) % 2 ? NPU_DTYPE_INT16 : NPU_DTYPE_INT8;
		rank = small_shape(g, d, 6);
		place(g, &p->input, t, 0, rank, d, 1);
		p->table_addr = place_raw(g, t == NPU_DTYPE_INT8 ? 256 : 1026, 1);
		place(g, &p->output, t, 0, rank, d, 0);
		p->function = rnd(g) % 3;
		return 0;
	}
	case NPU_CMD_SIGMOID_S16: {
		struct npu_sigmoid_s16_params *p = params;

		memset(p, 0, sizeof(*p));
		rank = small_shape(g, d, 6);
		place(g, &p->input, NPU_DTYPE_INT16, 0, rank, d, 1);
		/* Any table: the kernel must stay defined on garbage too. */
		p->table_addr = place_raw(g, 512, 1);
		place(g, &p->output, NPU_DTYPE_INT16, 0, rank, d, 0);
		p->function = rnd(g) % 2 ? NPU_LUT_TANH : NPU_LUT_LOGISTIC;
		if (rnd(g) % 4) {
			p->input_multiplier = range(g, 1, 32767);
			p->input_left_shift = range(g, 0, 31);
		} else {
			p->input_left_shift = range(g, 0, 13);
		}
		return 0;
	}
	case NPU_CMD_LEAKY_RELU: {
		struct npu_leaky_relu_params *p = params;

		memset(p, 0, sizeof(*p));
		t = rnd(g) % 2 ? NPU_DTYPE_INT16 : NPU_DTYPE_INT8;
		rank = small_shape(g, d, 6);
		place(g, &p->input, t, zp_of(g, t), rank, d, 1);
		place(g, &p->output, t, zp_of(g, t), rank, d, 0);
		rnd_mult(g, &p->multiplier_identity, &p->shift_identity, -2, 1);
		rnd_mult(g, &p->multiplier_alpha, &p->shift_alpha, -8, 0);
		return 0;
	}
	case NPU_CMD_RESIZE_BILINEAR:
	case NPU_CMD_RESIZE_NEAREST: {
		struct npu_resize_params *p = params;
		uint32_t od[4];

		memset(p, 0, sizeof(*p));
		t = op == NPU_CMD_RESIZE_NEAREST ? move_type(g) :
		    rnd(g) % 2 ? NPU_DTYPE_INT16 : NPU_DTYPE_INT8;
		zp = t == NPU_DTYPE_INT8 ? zp_of(g, t) :
		     t == NPU_DTYPE_UINT8 ? range(g, 0, 255) : 0;
		d[0] = upto(g, 2);
		d[1] = upto(g, 6);
		d[2] = upto(g, 6);
		d[3] = upto(g, 5);
		od[0] = d[0];
		od[1] = upto(g, 13);
		od[2] = upto(g, 13);
		od[3] = d[3];
		place(g, &p->input, t, zp, 4, d, 1);
		if (op == NPU_CMD_RESIZE_NEAREST)
			/* Any table: out-of-range indices must stay inside. */
			p->table_addr = place_raw(g, 2 * (od[1] + od[2]), 1);
		else
			p->flags = rnd(g) % 3;
		place(g, &p->output, t, zp, 4, od, 0);
		return 0;
	}
	case NPU_CMD_STRIDED_COPY: {
		struct npu_strided_copy_params *p = params;
		int64_t span_in = 0, span_out = 0, lo_in = 0, lo_out = 0, r;

		memset(p, 0, sizeof(*p));
		t = move_type(g);
		zp = t == NPU_DTYPE_INT8 ? zp_of(g, t) : 0;
		for (i = 0; i < NPU_CS_MAX_DIMS; i++) {
			p->extent[i] = i < 2 ? 1 : upto(g, 4);
			p->in_stride[i] = range(g, -5, 5);
			p->out_stride[i] = range(g, -5, 5);
			r = (int64_t)(p->extent[i] - 1) * p->in_stride[i];
			lo_in += r < 0 ? r : 0;
			span_in += r < 0 ? -r : r;
			r = (int64_t)(p->extent[i] - 1) * p->out_stride[i];
			lo_out += r < 0 ? r : 0;
			span_out += r < 0 ? -r : r;
		}
		if (rnd(g) % 4 == 0) {
			p->flags = NPU_COPY_FILL;
			memset(p->in_stride, 0, sizeof(p->in_stride));
			lo_in = span_in = 0;
			p->fill_value = t == NPU_DTYPE_UINT8 ? range(g, 0, 255) :
					t == NPU_DTYPE_INT8 ? range(g, -128, 127) :
					range(g, -32768, 32767);
		}
		/* Tensors a little larger than the spans, boxes inside. */
		d[0] = (uint32_t)span_in + upto(g, 8);
		o[0] = (uint32_t)span_out + upto(g, 8);
		p->in_offset = (uint32_t)(-lo_in + (p->flags ? 0 :
				rnd(g) % (d[0] - (uint32_t)span_in)));
		p->out_offset = (uint32_t)(-lo_out +
				rnd(g) % (o[0] - (uint32_t)span_out));
		place(g, &p->input, t, zp, 1, d, 1);
		place(g, &p->output, t, zp, 1, o, 1);
		return 0;
	}
	case NPU_CMD_RELU: {
		struct npu_relu_params *p = params;
		int32_t lo, hi;

		memset(p, 0, sizeof(*p));
		t = rnd(g) % 2 ? NPU_DTYPE_INT16 : NPU_DTYPE_INT8;
		lo = t == NPU_DTYPE_INT8 ? NPU_FW_S8_MIN : NPU_FW_S16_MIN;
		hi = t == NPU_DTYPE_INT8 ? NPU_FW_S8_MAX : NPU_FW_S16_MAX;
		rank = small_shape(g, d, 6);
		place(g, &p->input, t, zp_of(g, t), rank, d, 1);
		place(g, &p->output, t, zp_of(g, t), rank, d, 0);
		rnd_mult(g, &p->multiplier, &p->shift, -2, 1);
		/* RELU: zero point .. type max; RELU6-like: a top too. */
		p->act_min = p->output.zero_point > lo ? p->output.zero_point : lo;
		p->act_max = rnd(g) % 2 ? hi :
			     (int32_t)range(g, p->act_min, hi);
		return 0;
	}
	case NPU_CMD_DMA:
		gen_dma(g, params);
		return 0;
	case NPU_CMD_SOFTMAX: {
		struct npu_softmax_params *p = params;
		const uint32_t kind = rnd(g) % 3;

		memset(p, 0, sizeof(*p));
		t = kind == 2 ? NPU_DTYPE_UINT8 : NPU_DTYPE_INT8;
		rank = small_shape(g, d, 6);
		place(g, &p->input, t, zp_of(g, t), rank, d, 1);
		place(g, &p->output, kind == 1 ? NPU_DTYPE_INT16 : t,
		      kind == 1 ? NPU_FW_S16_MIN : t == NPU_DTYPE_UINT8 ? 0 :
		      NPU_FW_S8_MIN, rank, d, 0);
		/* Any multiplier and shift the check takes; diff_min down to -256. */
		p->input_multiplier = range(g, 1, NPU_FW_S32_MAX);
		p->input_left_shift = range(g, 0, 31);
		p->diff_min = -range(g, 0, 256);
		return 0;
	}
	default:
		return -EINVAL;
	}
}

int npu_host_rjob_make(uint64_t *seed, uint32_t opcode, uint64_t base_va,
		       struct npu_host_rjob *job)
{
	union npu_cmd_params p;
	struct npu_cs_writer w;
	struct npu_fw_operand ops[NPU_FW_SLOT_COUNT];
	struct gen g;
	uint32_t attempt, i, n;

	memset(job, 0, sizeof(*job));
	if (!*seed)
		*seed = 1;
	for (attempt = 0; attempt < 1000; attempt++) {
		memset(&g, 0, sizeof(g));
		g.seed = seed;
		g.base = base_va;
		if (gen_op(&g, opcode, &p))
			return -EINVAL;
		if (!npu_fw_check_op(opcode, &p, sizeof(p),
				     NPU_FW_CHECK_HW_LIMITS, NULL))
			break;
	}
	if (attempt == 1000)
		return -EAGAIN;

	job->opcode = opcode;
	job->mem_size = (g.off + 4095) & ~4095u;
	job->mem = calloc(1, job->mem_size);
	if (!job->mem)
		return -ENOMEM;
	for (i = 0; i < g.n_rnd; i++) {
		uint32_t k;

		for (k = 0; k < g.rnd_len[i]; k++)
			job->mem[g.rnd_off[i] + k] = (uint8_t)rnd(&g);
	}
	for (i = 0; i < g.rq_count; i++) {
		int32_t m, s;

		rnd_mult(&g, &m, &s, (int)g.shift_lo, (int)g.shift_hi);
		memcpy(job->mem + g.mult_off + 4 * i, &m, 4);
		memcpy(job->mem + g.shift_off + 4 * i, &s, 4);
	}
	for (i = 0; i < g.bias_count; i++) {
		int64_t b = g.bias_es == 8 ?
			    (int64_t)range(&g, -2000000, 2000000) * 100 :
			    range(&g, -30000, 30000);

		memcpy(job->mem + g.bias_off + g.bias_es * i, &b, g.bias_es);
	}

	n = npu_fw_cmd_operands(opcode, &p, ops);
	for (i = 0; i < n; i++) {
		if (ops[i].access == NPU_FW_ACCESS_WRITE) {
			job->out_offset = (uint32_t)(ops[i].va - base_va);
			job->out_size = (uint32_t)ops[i].len;
		}
	}
	npu_cs_init(&w, job->cs, sizeof(job->cs));
	if (opcode == NPU_CMD_DMA)
		npu_cs_emit(&w, NPU_CMD_DMA, &g.pre);
	npu_cs_emit(&w, opcode, &p);
	job->cs_size = npu_cs_bytes(&w);
	if (!job->cs_size) {
		npu_host_rjob_free(job);
		return -ENOSPC;
	}
	return 0;
}

struct flat {
	uint8_t *mem;
	uint64_t base, size;
	const uint32_t *cs;
	uint32_t cs_size;
};

/* The stream lives at VA 0 of this private space, the buffer at base. */
static int flat_rw(struct flat *f, uint64_t va, void *buf, uint32_t len,
		   int write, uint64_t *fault)
{
	if (!write && va == 0 && len == f->cs_size) {
		memcpy(buf, f->cs, len);
		return 0;
	}
	if (va < f->base || va - f->base > f->size ||
	    len > f->size - (va - f->base)) {
		*fault = va;
		return -1;
	}
	if (write)
		memcpy(f->mem + (va - f->base), buf, len);
	else
		memcpy(buf, f->mem + (va - f->base), len);
	return 0;
}

static int flat_read(void *ctx, uint64_t va, void *dst, uint32_t len,
		     uint64_t *fault)
{
	return flat_rw(ctx, va, dst, len, 0, fault);
}

static int flat_write(void *ctx, uint64_t va, const void *src, uint32_t len,
		      uint64_t *fault)
{
	return flat_rw(ctx, va, (void *)src, len, 1, fault);
}

static void *flat_alloc(void *ctx, size_t size)
{
	(void)ctx;
	return malloc(size);
}

static void flat_free(void *ctx, void *ptr)
{
	(void)ctx;
	free(ptr);
}

int npu_host_rjob_expect(const struct npu_host_rjob *job, uint64_t base_va,
			 uint8_t *expect)
{
	struct flat f = { .mem = expect, .base = base_va,
			  .size = job->mem_size, .cs = job->cs,
			  .cs_size = job->cs_size };
	struct npu_fw_env env = { .ctx = &f, .dma_read = flat_read,
				  .dma_write = flat_write,
				  .alloc = flat_alloc, .free = flat_free };
	struct npu_fw_result res;

	if (!base_va)
		return -EINVAL;	/* VA 0 holds the stream here */
	memcpy(expect, job->mem, job->mem_size);
	if (npu_fw_run(&env, 0, job->cs_size, &res) || res.status != NPU_JOB_OK)
		return -EIO;
	return 0;
}

void npu_host_rjob_free(struct npu_host_rjob *job)
{
	free(job->mem);
	job->mem = NULL;
}
