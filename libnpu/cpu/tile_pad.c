// SPDX-License-Identifier: MIT
/*
 * TILE, MIRROR_PAD, SPACE_TO_BATCH_ND and BATCH_TO_SPACE_ND on the CPU, as
 * TFLite's reference kernels (tile.cc, mirror_pad.cc,
 * space_to_batch_nd.cc, batch_to_space_nd.cc) move elements: unchanged,
 * any type of 1, 2, 4 or 8 bytes.  Their parameters (multiples, paddings,
 * block shape, crops) must be constants here.  The NPU runs them as
 * STRIDED_COPY boxes (movement.c); these run float tensors and what that
 * lowering refuses (ranks above 5, more than 64 boxes).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cpu_internal.h"

#define MAXD NPU_GRAPH_MAX_DIMS

struct tp_state {
	size_t es;
	int rank;
	int64_t in[MAXD], out[MAXD];
	int64_t before[MAXD];	/* MIRROR_PAD / SPACE_TO_BATCH_ND padding */
	int offset;		/* MIRROR_PAD: 1 REFLECT, 0 SYMMETRIC */
	int64_t block[2];	/* *_ND: block shape (height, width) */
	int64_t crop[2];	/* BATCH_TO_SPACE_ND: crops before */
	uint8_t pad[8];		/* SPACE_TO_BATCH_ND: one padding element */
};

static bool const_ints(const struct npu_graph_tensor *t, size_t n)
{
	return t && t->data && !t->is_variable && t->elements == n &&
	       (t->type == NPU_TYPE_INT32 || t->type == NPU_TYPE_INT64);
}

static int64_t at(const struct npu_graph_tensor *t, size_t i)
{
	if (t->type == NPU_TYPE_INT64)
		return ((const int64_t *)t->data)[i];
	return ((const int32_t *)t->data)[i];
}

/* One input with parameters in input 1 (and 2), one output, one type. */
static int tp_common(const struct cpu_prep *p, uint32_t inputs,
		     struct tp_state **state)
{
	const struct npu_graph_tensor *in, *out;
	struct tp_state *s;
	int ret = cpu_need_io(p, inputs, inputs, 1);

	if (ret)
		return ret;
	in = cpu_in(p->g, p->op, 0);
	out = cpu_out(p->g, p->op, 0);
	if (in->type != out->type || !npu_type_size(in->type)) {
		cpu_msg(p->err, p->errlen, "input and output types differ");
		return -EINVAL;
	}
	if (in->rank != out->rank || in->rank > MAXD) {
		cpu_msg(p->err, p->errlen, "input and output ranks differ");
		return -EINVAL;
	}
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->es = npu_type_size(in->type);
	s->rank = in->rank;
	for (int i = 0; i < in->rank; i++) {
		s->in[i] = in->shape[i];
		s->out[i] = out->shape[i];
	}
	*state = s;
	return 0;
}

static int tp_fail(const struct cpu_prep *p, struct tp_state *s, int ret,
		   const char *msg)
{
	free(s);
	cpu_msg(p->err, p->errlen, "%s", msg);
	return ret;
}

static int tile_prepare(const struct cpu_prep *p, void **state)
{
	const struct npu_graph_tensor *m = cpu_in(p->g, p->op, 1);
	struct tp_state *s;
	int ret = tp_common(p, 2, &s);

	if (ret)
		return ret;
	if (!m || !m->data || m->is_variable)
		return tp_fail(p, s, -ENOTSUP, "multiples computed at run time are not supported");
	if (!const_ints(m, (size_t)s->rank))
		return tp_fail(p, s, -EINVAL, "multiples need one int32 per dimension");
	for (int i = 0; i < s->rank; i++)
		if (at(m, (size_t)i) < 0 || s->in[i] * at(m, (size_t)i) != s->out[i])
			return tp_fail(p, s, -EINVAL, "output shape is not input times multiples");
	*state = s;
	return 0;
}

/*
 * Element by element over the output in order: the input element of
 * each output index, from map(dim, output index) (-1: padding).
 */
static void for_each_out(const struct tp_state *s, const void *in, void *out,
			 int64_t (*map)(const struct tp_state *, int, int64_t))
{
	int64_t idx[MAXD] = { 0 }, total = 1;
	const uint8_t *src = in;
	uint8_t *dst = out;

	for (int i = 0; i < s->rank; i++)
		total *= s->out[i];
	for (int64_t k = 0; k < total; k++) {
		int64_t off = 0;
		bool pad = false;

		for (int i = 0; i < s->rank; i++) {
			const int64_t v = map(s, i, idx[i]);

			pad |= v < 0;
			off = off * s->in[i] + (v < 0 ? 0 : v);
		}
		memcpy(dst + (size_t)k * s->es,
		       pad ? s->pad : src + (size_t)off * s->es, s->es);
		for (int i = s->rank - 1; i >= 0; i--) {
			if (++idx[i] < s->out[i])
				break;
			idx[i] = 0;
		}
	}
}

static int64_t tile_map(const struct tp_state *s, int d, int64_t o)
{
	return o % s->in[d];
}

/* TFLite's GetInputDimension of mirror_pad.cc, reworded. */
static int64_t mirror_map(const struct tp_state *s, int d, int64_t o)
{
	const int64_t l = s->before[d], n = s->in[d];

	if (o < l) {
		const int64_t first = l + s->offset - 1;

		return first - (o < first - s->offset ? o : first - s->offset);
	}
	o -= l;
	if (o >= n) {
		const int64_t last = n - 1 - s->offset;

		o -= n;
		return last - (o < last ? o : last);
	}
	return o;
}

static int tile_invoke(const struct npu_cpu_kernel_args *a, void *state)
{
	for_each_out(state, a->inputs[0], a->outputs[0], tile_map);
	return 0;
}

static int mirror_pad_prepare(const struct cpu_prep *p, void **state)
{
	const struct npu_graph_tensor *pads = cpu_in(p->g, p->op, 1);
	struct tp_state *s;
	int ret = tp_common(p, 2, &s);

	if (ret)
		return ret;
	if (!pads || !pads->data || pads->is_variable)
		return tp_fail(p, s, -ENOTSUP, "paddings computed at run time are not supported");
	if (!const_ints(pads, 2 * (size_t)s->rank) || p->op->options_kind != NPU_OPTS_AXIS ||
	    p->op->options.axis.count < 0 || p->op->options.axis.count > 1)
		return tp_fail(p, s, -EINVAL, "paddings must be [rank, 2], mode REFLECT or SYMMETRIC");
	s->offset = p->op->options.axis.count == 0 ? 1 : 0;
	for (int i = 0; i < s->rank; i++) {
		const int64_t l = at(pads, 2 * (size_t)i), r = at(pads, 2 * (size_t)i + 1);
		/* TFLite: at most the extent (SYMMETRIC), one less (REFLECT). */
		const int64_t most = s->in[i] - s->offset;

		if (l < 0 || r < 0 || l > most || r > most || s->in[i] + l + r != s->out[i])
			return tp_fail(p, s, -EINVAL, "paddings do not fit the input or output");
		s->before[i] = l;
	}
	*state = s;
	return 0;
}

static int mirror_pad_invoke(const struct npu_cpu_kernel_args *a, void *state)
{
	for_each_out(state, a->inputs[0], a->outputs[0], mirror_map);
	return 0;
}

/*
 * SPACE_TO_BATCH_ND and BATCH_TO_SPACE_ND of [N, H, W, C] (or [N, H, C]
 * with a block of one dimension): output batch ob is spatial block
 * ob / N_small at batch ob % N_small.  Both walk the space side, the one
 * with the padding or crops.
 */
static int nd_prepare(const struct cpu_prep *p, void **state)
{
	const bool s2b = p->op->builtin == NPU_BUILTIN_SPACE_TO_BATCH_ND;
	const struct npu_graph_tensor *block = cpu_in(p->g, p->op, 1);
	const struct npu_graph_tensor *pc = cpu_in(p->g, p->op, 2);
	const struct npu_graph_tensor *out = cpu_out(p->g, p->op, 0);
	struct tp_state *s;
	int64_t batch, pb[2];
	int ret = tp_common(p, 3, &s), sp;

	if (ret)
		return ret;
	sp = s->rank - 2;
	if (s->rank != 3 && s->rank != 4)
		return tp_fail(p, s, -ENOTSUP, "only 3-D and 4-D tensors are supported");
	if (!block || !block->data || !pc || !pc->data || block->is_variable ||
	    pc->is_variable)
		return tp_fail(p, s, -ENOTSUP, "block shape and paddings must be constants");
	if (!const_ints(block, (size_t)sp) || !const_ints(pc, 2 * (size_t)sp))
		return tp_fail(p, s, -EINVAL, "block shape or paddings of the wrong size");
	for (int i = 0; i < 2; i++) {
		s->block[i] = i < sp ? at(block, (size_t)i) : 1;
		s->before[i] = i < sp ? at(pc, 2 * (size_t)i) : 0;
		pb[i] = i < sp ? at(pc, 2 * (size_t)i + 1) : 0;
		if (s->block[i] < 1 || s->before[i] < 0 || pb[i] < 0)
			return tp_fail(p, s, -EINVAL, "block shape or paddings out of range");
	}
	/* Shapes on the space side (padded / uncropped) and the batch side. */
	for (int i = 0; i < sp; i++) {
		const int64_t big = s2b ? s->in[1 + i] + s->before[i] + pb[i] :
				   s->in[1 + i] * s->block[i];
		const int64_t want = s2b ? big / s->block[i] : big - s->before[i] - pb[i];

		if ((s2b && big % s->block[i]) || want != s->out[1 + i])
			return tp_fail(p, s, -EINVAL, "output shape does not match");
	}
	batch = s2b ? s->in[0] * s->block[0] * s->block[1] : s->in[0];
	if (batch != (s2b ? s->out[0] : s->out[0] * s->block[0] * s->block[1]) ||
	    s->in[s->rank - 1] != s->out[s->rank - 1])
		return tp_fail(p, s, -EINVAL, "batch or channels do not match");
	/*
	 * TFLite pads quantized tensors with the output zero point (0.0f and
	 * 0 otherwise): its little-endian image in one element.
	 */
	if (s2b && out->quant.count)
		for (size_t k = 0; k < s->es && k < 4; k++)
			s->pad[k] = (uint8_t)((uint32_t)cpu_zero_point(out) >> (8 * k));
	*state = s;
	return 0;
}

static int nd_invoke(const struct npu_cpu_kernel_args *a, void *state)
{
	const bool s2b = a->op->builtin == NPU_BUILTIN_SPACE_TO_BATCH_ND;
	const struct tp_state *s = state;
	/* The batch side is [NB, h, w, C], the space side [NS, H, W, C]. */
	const int64_t *bs = s2b ? s->out : s->in, *ss = s2b ? s->in : s->out;
	const int64_t ns = ss[0], h = bs[1], w = s->rank == 4 ? bs[2] : 1;
	const int64_t sh = ss[1], sw = s->rank == 4 ? ss[2] : 1;
	const size_t pixel = (size_t)s->in[s->rank - 1] * s->es;
	const uint8_t *src = a->inputs[0];
	uint8_t *dst = a->outputs[0];

	for (int64_t b = 0; b < bs[0]; b++) {
		const int64_t n = b % ns, blk = b / ns;
		const int64_t oy = blk / s->block[1], ox = blk % s->block[1];

		for (int64_t y = 0; y < h; y++) {
			const int64_t yy = y * s->block[0] + oy - s->before[0];

			for (int64_t x = 0; x < w; x++) {
				const int64_t xx = x * s->block[1] + ox - s->before[1];
				const bool inside = yy >= 0 && yy < sh && xx >= 0 && xx < sw;
				const size_t bi = (size_t)(((b * h + y) * w) + x) * pixel;
				const size_t si = (size_t)(((n * sh + yy) * sw) + xx) * pixel;

				if (s2b && inside) {
					memcpy(dst + bi, src + si, pixel);
				} else if (s2b) {
					for (size_t k = 0; k < pixel; k += s->es)
						memcpy(dst + bi + k, s->pad, s->es);
				} else if (inside) {
					memcpy(dst + si, src + bi, pixel);
				}
			}
		}
	}
	return 0;
}

const struct cpu_kernel cpu_kernel_tile = {
	.prepare = tile_prepare,
	.invoke = tile_invoke,
};

const struct cpu_kernel cpu_kernel_mirror_pad = {
	.prepare = mirror_pad_prepare,
	.invoke = mirror_pad_invoke,
};

const struct cpu_kernel cpu_kernel_space_to_batch_nd = {
	.prepare = nd_prepare,
	.invoke = nd_invoke,
};

const struct cpu_kernel cpu_kernel_batch_to_space_nd = {
	.prepare = nd_prepare,
	.invoke = nd_invoke,
};
