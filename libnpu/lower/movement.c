// SPDX-License-Identifier: MIT
/*
 * Data-movement builtins as the firmware's movement commands, for every
 * type whose elements are 1, 2, 4 or 8 bytes (float32 moves as int32,
 * bool as uint8).  TFLite moves the stored values unchanged, so both
 * operands of each command carry the input's zero point.
 *
 *   PACK                 one CONCATENATION per input (axis of extent 1)
 *   UNPACK, SPLIT,       one STRIDED_SLICE per output
 *   SPLIT_V, SLICE
 *   SQUEEZE, EXPAND_DIMS COPY (a reshape)
 *   SPACE_TO_DEPTH,      TRANSPOSE of 4-D views: [N*H/b, b, W/b, b*C] ->
 *   DEPTH_TO_SPACE       [N*H/b, W/b, b, b*C], and its inverse
 *   TILE                 one CONCATENATION per copy, when one axis repeats
 *
 * Checked as TFLite's Prepare checks them (pack.cc, unpack.cc, split.cc,
 * split_v.cc, slice.cc, squeeze.cc, expand_dims.cc, space_to_depth.cc,
 * depth_to_space.cc): -EINVAL for what TFLite refuses, -ENOTSUP for what
 * the commands cannot express (rank above 5, other types).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lower.h"

struct mv {
	const struct cpu_prep *p;
	const struct npu_graph *g;
	const struct npu_graph_op *op;
	struct npu_cpu_prepared *out;
	char *err;
	size_t errlen;
	uint8_t dt;		/* command-stream type of the moved elements */
	int32_t zp;		/* the input's zero point */
};

static uint8_t move_dtype(enum npu_type t)
{
	switch (t) {
	case NPU_TYPE_INT8:
		return NPU_DTYPE_INT8;
	case NPU_TYPE_UINT8:
	case NPU_TYPE_BOOL:
		return NPU_DTYPE_UINT8;
	case NPU_TYPE_INT16:
		return NPU_DTYPE_INT16;
	case NPU_TYPE_INT32:
	case NPU_TYPE_FLOAT32:
		return NPU_DTYPE_INT32;
	case NPU_TYPE_INT64:
		return NPU_DTYPE_INT64;
	default:
		return 0;
	}
}

__attribute__((format(printf, 3, 4)))
static int mv_fail(struct mv *m, int ret, const char *fmt, ...)
{
	va_list ap;

	if (m->err && m->errlen) {
		va_start(ap, fmt);
		vsnprintf(m->err, m->errlen, fmt, ap);
		va_end(ap);
	}
	return ret;
}

static struct npu_cpu_cmd *mv_cmd(struct mv *m, uint32_t opcode,
				  uint32_t input, uint32_t output)
{
	struct npu_cpu_cmd *c = lower_add_cmd(m->p, opcode, input);

	if (c)
		c->output = output;
	return c;
}

static void mv_tensor(struct mv *m, struct npu_tensor *d, uint32_t rank,
		      const uint32_t *dims)
{
	npu_tensor_set(d, 0, m->dt, m->zp, rank, dims);
}

/* The constant integer tensor @t (int32 or int64), element @i. */
static int64_t const_at(const struct npu_graph_tensor *t, size_t i)
{
	if (t->type == NPU_TYPE_INT64)
		return ((const int64_t *)t->data)[i];
	return ((const int32_t *)t->data)[i];
}

static bool const_ints(const struct npu_graph_tensor *t)
{
	return t && t->data && !t->is_variable &&
	       (t->type == NPU_TYPE_INT32 || t->type == NPU_TYPE_INT64);
}

/* @axis of a rank-@rank tensor, negative counting from the end. */
static int norm_axis(struct mv *m, int64_t axis, int32_t rank, int32_t *out)
{
	if (axis < -(int64_t)rank || axis >= rank)
		return mv_fail(m, -EINVAL, "axis %lld outside rank %d",
			       (long long)axis, rank);
	*out = (int32_t)(axis < 0 ? axis + rank : axis);
	return 0;
}

static bool same_shape(const struct npu_graph_tensor *t, uint32_t rank,
		       const uint32_t *dims)
{
	size_t n = 1;

	for (uint32_t i = 0; i < rank; i++)
		n *= dims[i];
	return n == t->elements;
}

/* A slice of input @in into output @k: begin per dimension, steps 1. */
static int mv_slice(struct mv *m, uint32_t input, uint32_t k, uint32_t rank,
		    const uint32_t *in_dims, const uint32_t *out_dims,
		    const int32_t *begin)
{
	struct npu_cpu_cmd *c = mv_cmd(m, NPU_CMD_STRIDED_SLICE, input, k);
	struct npu_slice_params *s;

	if (!c)
		return -ENOMEM;
	s = &c->params.slice;
	mv_tensor(m, &s->input, rank, in_dims);
	mv_tensor(m, &s->output, rank, out_dims);
	for (uint32_t i = 0; i < rank; i++) {
		s->begin[i] = begin[i];
		s->strides[i] = 1;
	}
	return 0;
}

static int prep_pack(struct mv *m)
{
	const struct npu_graph_op *op = m->op;
	const struct npu_graph_tensor *in = cpu_in(m->g, op, 0);
	const struct npu_graph_tensor *out = cpu_out(m->g, op, 0);
	uint32_t in_dims[NPU_CS_MAX_DIMS], out_dims[NPU_CS_MAX_DIMS], rank;
	int32_t axis = 0;
	int ret;

	if (op->options_kind != NPU_OPTS_AXIS ||
	    op->options.axis.count != (int32_t)op->num_inputs)
		return mv_fail(m, -EINVAL, "values_count is not the number of inputs");
	ret = norm_axis(m, op->options.axis.axis, in->rank + 1, &axis);
	if (ret)
		return ret;
	if (out->rank != in->rank + 1 || out->shape[axis] != (int32_t)op->num_inputs)
		return mv_fail(m, -EINVAL, "output is not the stacked inputs");
	rank = lower_cmd_dims(out, out_dims);
	if (!rank)
		return mv_fail(m, -ENOTSUP, "rank %d is more than %d", out->rank,
			       NPU_CS_MAX_DIMS);
	memcpy(in_dims, out_dims, sizeof(in_dims));
	in_dims[axis] = 1;
	for (uint32_t k = 0; k < op->num_inputs; k++) {
		const struct npu_graph_tensor *t = cpu_in(m->g, op, k);
		struct npu_cpu_cmd *c;

		if (!t || t->type != in->type || t->rank != in->rank ||
		    memcmp(t->shape, in->shape, sizeof(int32_t) * (size_t)in->rank))
			return mv_fail(m, -EINVAL, "input %u differs from input 0", k);
		c = mv_cmd(m, NPU_CMD_CONCAT, k, 0);
		if (!c)
			return -ENOMEM;
		mv_tensor(m, &c->params.concat.input, rank, in_dims);
		mv_tensor(m, &c->params.concat.output, rank, out_dims);
		c->params.concat.axis = (uint32_t)axis;
		c->params.concat.offset = k;
	}
	return 0;
}

/*
 * UNPACK, SPLIT, SPLIT_V: output k is the slice of the input along @axis
 * starting where output k - 1 ended.
 */
static int prep_slices(struct mv *m, uint32_t input, int32_t axis)
{
	const struct npu_graph_op *op = m->op;
	const struct npu_graph_tensor *in = cpu_in(m->g, op, input);
	uint32_t in_dims[NPU_CS_MAX_DIMS], out_dims[NPU_CS_MAX_DIMS], rank;
	int32_t begin[NPU_CS_MAX_DIMS] = { 0 };
	uint32_t at = 0;
	int ret;

	rank = lower_cmd_dims(in, in_dims);
	if (!rank)
		return mv_fail(m, -ENOTSUP, "rank %d is more than %d", in->rank,
			       NPU_CS_MAX_DIMS);
	for (uint32_t k = 0; k < op->num_outputs; k++) {
		const struct npu_graph_tensor *o = cpu_out(m->g, op, k);
		uint32_t n;

		if (!o || o->type != in->type)
			return mv_fail(m, -EINVAL, "output %u type differs", k);
		memcpy(out_dims, in_dims, sizeof(out_dims));
		if (op->builtin == NPU_BUILTIN_UNPACK) {
			n = 1;
		} else {
			if (o->rank != in->rank)
				return mv_fail(m, -EINVAL, "output %u rank differs", k);
			n = (uint32_t)o->shape[axis];
		}
		out_dims[axis] = n;
		if (!same_shape(o, rank, out_dims) || at + n > in_dims[axis])
			return mv_fail(m, -EINVAL, "output %u is not its slice", k);
		begin[axis] = (int32_t)at;
		if (n) {
			ret = mv_slice(m, input, k, rank, in_dims, out_dims, begin);
			if (ret)
				return ret;
		}
		at += n;
	}
	if (at != in_dims[axis])
		return mv_fail(m, -EINVAL, "outputs do not cover the input");
	return 0;
}

static int prep_split(struct mv *m)
{
	const struct npu_graph_op *op = m->op;
	const bool v = op->builtin == NPU_BUILTIN_SPLIT_V;
	const struct npu_graph_tensor *axis_t = cpu_in(m->g, op, v ? 2 : 0);
	const struct npu_graph_tensor *in = cpu_in(m->g, op, v ? 0 : 1);
	int32_t axis = 0;
	int ret;

	if (!const_ints(axis_t) || axis_t->elements != 1)
		return mv_fail(m, -ENOTSUP, "the axis must be one constant");
	ret = norm_axis(m, const_at(axis_t, 0), in->rank, &axis);
	if (ret)
		return ret;
	if (op->options_kind != NPU_OPTS_AXIS ||
	    op->options.axis.count != (int32_t)op->num_outputs)
		return mv_fail(m, -EINVAL, "num_splits is not the number of outputs");
	if (!v && in->shape[axis] % (int32_t)op->num_outputs)
		return mv_fail(m, -EINVAL, "%d does not split in %u", in->shape[axis],
			       op->num_outputs);
	return prep_slices(m, v ? 0 : 1, axis);
}

static int prep_unpack(struct mv *m)
{
	const struct npu_graph_op *op = m->op;
	const struct npu_graph_tensor *in = cpu_in(m->g, op, 0);
	int32_t axis = 0;
	int ret;

	if (op->options_kind != NPU_OPTS_AXIS)
		return mv_fail(m, -EINVAL, "options missing");
	ret = norm_axis(m, op->options.axis.axis, in->rank, &axis);
	if (ret)
		return ret;
	if (in->shape[axis] != (int32_t)op->num_outputs ||
	    op->options.axis.count != (int32_t)op->num_outputs)
		return mv_fail(m, -EINVAL, "num is not the extent of the axis");
	return prep_slices(m, 0, axis);
}

/* SLICE: begin and size constants, size -1 meaning "to the end". */
static int prep_slice(struct mv *m)
{
	const struct npu_graph_op *op = m->op;
	const struct npu_graph_tensor *in = cpu_in(m->g, op, 0);
	const struct npu_graph_tensor *b = cpu_in(m->g, op, 1);
	const struct npu_graph_tensor *sz = cpu_in(m->g, op, 2);
	const struct npu_graph_tensor *out = cpu_out(m->g, op, 0);
	uint32_t in_dims[NPU_CS_MAX_DIMS], out_dims[NPU_CS_MAX_DIMS], rank;
	int32_t begin[NPU_CS_MAX_DIMS];

	if (!const_ints(b) || !const_ints(sz))
		return mv_fail(m, -ENOTSUP, "begin and size must be constants");
	if (b->elements != (size_t)in->rank || sz->elements != (size_t)in->rank)
		return mv_fail(m, -EINVAL, "begin and size need %d entries", in->rank);
	rank = lower_cmd_dims(in, in_dims);
	if (!rank)
		return mv_fail(m, -ENOTSUP, "rank %d is more than %d", in->rank,
			       NPU_CS_MAX_DIMS);
	for (int i = 0; i < in->rank; i++) {
		const int64_t first = const_at(b, (size_t)i);
		int64_t n = const_at(sz, (size_t)i);

		if (n == -1)
			n = in->shape[i] - first;
		if (first < 0 || n < 0 || first + n > in->shape[i])
			return mv_fail(m, -EINVAL, "slice of dimension %d outside the input", i);
		begin[i] = (int32_t)first;
		out_dims[i] = (uint32_t)n;
	}
	if (out->type != in->type || out->rank != in->rank ||
	    !same_shape(out, rank, out_dims))
		return mv_fail(m, -EINVAL, "output shape is not the slice");
	if (!out->elements)
		return 0;
	return mv_slice(m, 0, 0, rank, in_dims, out_dims, begin);
}

/* SQUEEZE and EXPAND_DIMS keep the bytes: TFLite's Prepare fixes the shape. */
static int prep_reshape_like(struct mv *m)
{
	const struct npu_graph_tensor *in = cpu_in(m->g, m->op, 0);
	const struct npu_graph_tensor *out = cpu_out(m->g, m->op, 0);
	uint32_t in_dims[NPU_CS_MAX_DIMS], out_dims[NPU_CS_MAX_DIMS];
	uint32_t in_rank = lower_cmd_dims(in, in_dims), out_rank = lower_cmd_dims(out, out_dims);
	struct npu_cpu_cmd *c;

	if (in->type != out->type || in->elements != out->elements)
		return mv_fail(m, -EINVAL, "input and output sizes or types differ");
	if (!in_rank || !out_rank)
		return mv_fail(m, -ENOTSUP, "rank is more than %d", NPU_CS_MAX_DIMS);
	c = mv_cmd(m, NPU_CMD_COPY, 0, 0);
	if (!c)
		return -ENOMEM;
	mv_tensor(m, &c->params.copy.input, in_rank, in_dims);
	mv_tensor(m, &c->params.copy.output, out_rank, out_dims);
	return 0;
}

/* Most STRIDED_COPY boxes one op may become (else it stays on the CPU). */
#define MAX_BOXES	64

/* Row-major element strides of @rank dims. */
static void elem_strides(uint32_t rank, const uint32_t *dims, int64_t *st)
{
	int64_t acc = 1;

	for (int i = (int)rank - 1; i >= 0; i--) {
		st[i] = acc;
		acc *= dims[i];
	}
}

/*
 * One STRIDED_COPY box of @rank dims (placed in the last of the five),
 * between the op's input @input (@in_dims) and output 0 (@out_dims); a
 * fill of @fill_value when @fill.
 */
struct box {
	uint32_t rank;
	uint32_t extent[NPU_CS_MAX_DIMS];
	int64_t in_offset, out_offset;
	int64_t in_stride[NPU_CS_MAX_DIMS], out_stride[NPU_CS_MAX_DIMS];
};

static int mv_box(struct mv *m, uint32_t input, uint32_t in_rank,
		  const uint32_t *in_dims, uint32_t out_rank,
		  const uint32_t *out_dims, const struct box *b, bool fill,
		  int32_t fill_value)
{
	const uint32_t lead = NPU_CS_MAX_DIMS - b->rank;
	struct npu_strided_copy_params *p;
	struct npu_cpu_cmd *c;

	if (m->out->num_cmds >= MAX_BOXES)
		return mv_fail(m, -ENOTSUP, "more than %d copies", MAX_BOXES);
	c = mv_cmd(m, NPU_CMD_STRIDED_COPY, input, 0);
	if (!c)
		return -ENOMEM;
	p = &c->params.strided_copy;
	mv_tensor(m, &p->input, in_rank, in_dims);
	mv_tensor(m, &p->output, out_rank, out_dims);
	for (uint32_t i = 0; i < NPU_CS_MAX_DIMS; i++) {
		const uint32_t k = i - lead;

		p->extent[i] = i < lead ? 1 : b->extent[k];
		if (i >= lead && (b->in_stride[k] < INT32_MIN || b->in_stride[k] > INT32_MAX ||
				  b->out_stride[k] < INT32_MIN || b->out_stride[k] > INT32_MAX))
			return mv_fail(m, -ENOTSUP, "tensor too large for element strides");
		p->in_stride[i] = i < lead || fill ? 0 : (int32_t)b->in_stride[k];
		p->out_stride[i] = i < lead ? 0 : (int32_t)b->out_stride[k];
	}
	if (b->in_offset > UINT32_MAX || b->out_offset > UINT32_MAX)
		return mv_fail(m, -ENOTSUP, "tensor too large for element offsets");
	p->in_offset = fill ? 0 : (uint32_t)b->in_offset;
	p->out_offset = (uint32_t)b->out_offset;
	if (fill) {
		p->flags = NPU_COPY_FILL;
		p->fill_value = fill_value;
	}
	return 0;
}

/* TILE along several axes: one box per copy of the input. */
static int prep_tile_boxes(struct mv *m, uint32_t rank, const uint32_t *in_dims,
			   const uint32_t *out_dims)
{
	int64_t ist[NPU_CS_MAX_DIMS], ost[NPU_CS_MAX_DIMS];
	uint32_t pos[NPU_CS_MAX_DIMS] = { 0 };
	struct box b = { .rank = rank };
	int ret;

	elem_strides(rank, in_dims, ist);
	elem_strides(rank, out_dims, ost);
	for (uint32_t i = 0; i < rank; i++) {
		b.extent[i] = in_dims[i];
		b.in_stride[i] = ist[i];
		b.out_stride[i] = ost[i];
	}
	for (;;) {
		int i;

		b.out_offset = 0;
		for (uint32_t k = 0; k < rank; k++)
			b.out_offset += (int64_t)pos[k] * in_dims[k] * ost[k];
		ret = mv_box(m, 0, rank, in_dims, rank, out_dims, &b, false, 0);
		if (ret)
			return ret;
		for (i = (int)rank - 1; i >= 0; i--) {
			if (++pos[i] < out_dims[i] / in_dims[i])
				break;
			pos[i] = 0;
		}
		if (i < 0)
			return 0;
	}
}

/*
 * MIRROR_PAD: per dimension three segments (before, the input, after),
 * the outer two reflected (stride -1); one box per non-empty combination.
 */
static int prep_mirror_pad(struct mv *m)
{
	const struct npu_graph_tensor *in = cpu_in(m->g, m->op, 0);
	const struct npu_graph_tensor *pads = cpu_in(m->g, m->op, 1);
	const struct npu_graph_tensor *out = cpu_out(m->g, m->op, 0);
	const int offset = m->op->options.axis.count == 0 ? 1 : 0; /* REFLECT */
	uint32_t in_dims[NPU_CS_MAX_DIMS], out_dims[NPU_CS_MAX_DIMS], rank;
	int64_t ist[NPU_CS_MAX_DIMS], ost[NPU_CS_MAX_DIMS];
	int64_t seg_len[NPU_CS_MAX_DIMS][3], seg_out[NPU_CS_MAX_DIMS][3];
	int64_t seg_in[NPU_CS_MAX_DIMS][3];
	uint32_t sel[NPU_CS_MAX_DIMS] = { 0 };
	int ret;

	rank = lower_cmd_dims(in, in_dims);
	if (!rank || !in->rank || out->rank != in->rank || out->type != in->type)
		return mv_fail(m, -ENOTSUP, "rank above %d or shapes differ",
			       NPU_CS_MAX_DIMS);
	if (m->op->options_kind != NPU_OPTS_AXIS || !const_ints(pads) ||
	    pads->elements != 2 * rank)
		return mv_fail(m, -ENOTSUP, "paddings must be constants");
	lower_cmd_dims(out, out_dims);
	elem_strides(rank, in_dims, ist);
	elem_strides(rank, out_dims, ost);
	for (uint32_t d = 0; d < rank; d++) {
		const int64_t l = const_at(pads, 2 * d), r = const_at(pads, 2 * d + 1);
		const int64_t n = in_dims[d];

		if (l < 0 || r < 0 || l > n - offset || r > n - offset ||
		    n + l + r != out_dims[d])
			return mv_fail(m, -ENOTSUP, "paddings do not fit");
		seg_len[d][0] = l, seg_out[d][0] = 0, seg_in[d][0] = l + offset - 1;
		seg_len[d][1] = n, seg_out[d][1] = l, seg_in[d][1] = 0;
		seg_len[d][2] = r, seg_out[d][2] = l + n, seg_in[d][2] = n - 1 - offset;
	}
	for (;;) {
		struct box b = { .rank = rank };
		bool empty = false;
		int i;

		for (uint32_t d = 0; d < rank; d++) {
			const uint32_t s = sel[d];

			empty |= seg_len[d][s] == 0;
			b.extent[d] = (uint32_t)seg_len[d][s];
			b.in_offset += seg_in[d][s] * ist[d];
			b.in_stride[d] = s == 1 ? ist[d] : -ist[d];
			b.out_offset += seg_out[d][s] * ost[d];
			b.out_stride[d] = ost[d];
		}
		if (!empty) {
			ret = mv_box(m, 0, rank, in_dims, rank, out_dims, &b, false, 0);
			if (ret)
				return ret;
		}
		for (i = (int)rank - 1; i >= 0; i--) {
			if (++sel[i] < 3)
				break;
			sel[i] = 0;
		}
		if (i < 0)
			return 0;
	}
}

/* SPACE_TO_BATCH_ND's block and paddings, BATCH_TO_SPACE_ND's block and crops. */
struct space_batch {
	int64_t bsz[2], before[2], after[2];	/* [1] is 1, 0, 0 for [N, H, C] */
};

#define SB_NOT_CONST "3-D or 4-D with constant block and paddings only"

/* Reads @op's constant block and paddings: NULL, or why they are refused. */
static const char *space_batch_params(const struct npu_graph *g, const struct npu_graph_op *op,
				      struct space_batch *sb)
{
	const struct npu_graph_tensor *in = cpu_in(g, op, 0);
	const struct npu_graph_tensor *block = cpu_in(g, op, 1);
	const struct npu_graph_tensor *pc = cpu_in(g, op, 2);
	const int sp = in->rank - 2;

	*sb = (struct space_batch){ .bsz = { 1, 1 } };
	if ((in->rank != 3 && in->rank != 4) || !const_ints(block) || !const_ints(pc) ||
	    block->elements != (size_t)sp || pc->elements != 2 * (size_t)sp)
		return SB_NOT_CONST;
	for (int i = 0; i < sp; i++) {
		sb->bsz[i] = const_at(block, (size_t)i);
		sb->before[i] = const_at(pc, 2 * (size_t)i);
		sb->after[i] = const_at(pc, 2 * (size_t)i + 1);
		/* TFLite's block shape and paddings are int32. */
		if (sb->bsz[i] < 1 || sb->before[i] < 0 || sb->after[i] < 0 ||
		    sb->bsz[i] > INT32_MAX || sb->before[i] > INT32_MAX ||
		    sb->after[i] > INT32_MAX)
			return "block shape or paddings out of range";
	}
	return NULL;
}

/*
 * The output's dims as TFLite's Prepare computes them from @in (three
 * int32 factors): false when the block does not divide the padded space
 * (SPACE_TO_BATCH_ND) or the batch (BATCH_TO_SPACE_ND).
 */
static bool space_batch_dims(bool s2b, const struct npu_graph_tensor *in,
			     const struct space_batch *sb, int64_t *dims)
{
	const int64_t blocks = sb->bsz[0] * sb->bsz[1];
	const int sp = in->rank - 2;

	if (s2b ? lower_checked_mul(in->shape[0], blocks, &dims[0]) != 0 :
		  in->shape[0] % blocks != 0)
		return false;
	if (!s2b)
		dims[0] = in->shape[0] / blocks;
	for (int i = 0; i < sp; i++) {
		const int64_t padded = in->shape[1 + i] + sb->before[i] + sb->after[i];

		if (s2b && padded % sb->bsz[i])
			return false;
		dims[1 + i] = s2b ? padded / sb->bsz[i] :
			      in->shape[1 + i] * sb->bsz[i] - sb->before[i] - sb->after[i];
	}
	dims[sp + 1] = in->shape[sp + 1];
	return true;
}

/* The output shape of SPACE_TO_BATCH_ND and BATCH_TO_SPACE_ND. */
static int space_batch_shape(const struct npu_graph *g, const struct npu_graph_op *op,
			     uint32_t o, int32_t *dims)
{
	const struct npu_graph_tensor *in = cpu_in(g, op, 0);
	struct space_batch sb;
	int64_t d64[4];

	if (o || !in || space_batch_params(g, op, &sb) ||
	    !space_batch_dims(op->builtin == NPU_BUILTIN_SPACE_TO_BATCH_ND, in, &sb, d64))
		return -1;
	for (int d = 0; d < in->rank; d++) {
		if (d64[d] < 0 || d64[d] > INT32_MAX)
			return -1;
		dims[d] = (int32_t)d64[d];
	}
	return in->rank;
}

/*
 * SPACE_TO_BATCH_ND and BATCH_TO_SPACE_ND of [N, H, W, C] ([N, H, C] as W
 * 1): block (bh, bw) is batches [blk * N, (blk + 1) * N) of the batch side,
 * rows y of the space side at y * b0 + bh - pad_top; one box per block, a
 * fill of the padding first (SPACE_TO_BATCH_ND with paddings).
 */
static int prep_space_batch(struct mv *m)
{
	const bool s2b = m->op->builtin == NPU_BUILTIN_SPACE_TO_BATCH_ND;
	const struct npu_graph_tensor *in = cpu_in(m->g, m->op, 0);
	const struct npu_graph_tensor *out = cpu_out(m->g, m->op, 0);
	const struct npu_graph_tensor *sp_t = s2b ? in : out, *bt_t = s2b ? out : in;
	uint32_t in_dims[NPU_CS_MAX_DIMS], out_dims[NPU_CS_MAX_DIMS], in_rank, out_rank;
	const int64_t *bsz, *before, *after;
	int64_t n, h, w, c, bh, bw;	/* space side [n, h, w, c], batch [.., bh, bw, c] */
	int64_t want[4];
	const int sp = in->rank - 2;
	struct space_batch sb;
	const char *why;
	bool padded, ok;
	int ret;

	why = out->rank != in->rank ? SB_NOT_CONST : space_batch_params(m->g, m->op, &sb);
	if (why)
		return mv_fail(m, -ENOTSUP, "%s", why);
	/* The output must have the shape TFLite's Prepare computes. */
	ok = space_batch_dims(s2b, in, &sb, want);
	for (int d = 0; ok && d < in->rank; d++)
		ok = out->shape[d] == want[d];
	if (!ok)
		return mv_fail(m, -EINVAL, "shapes do not match the block and paddings");
	bsz = sb.bsz, before = sb.before, after = sb.after;
	padded = before[0] || after[0] || before[1] || after[1];
	n = sp_t->shape[0], h = sp_t->shape[1];
	w = sp == 2 ? sp_t->shape[2] : 1, c = sp_t->shape[sp + 1];
	bh = bt_t->shape[1], bw = sp == 2 ? bt_t->shape[2] : 1;
	/* Nothing to move, but the loop below would still count each block. */
	if (!in->elements)
		return mv_fail(m, -ENOTSUP, "an empty input is not supported");
	in_rank = lower_cmd_dims(in, in_dims);
	out_rank = lower_cmd_dims(out, out_dims);
	if (padded && s2b) {
		/* TFLite pads with the output zero point (0 unquantized). */
		struct box f = { .rank = out_rank };
		int64_t ost[NPU_CS_MAX_DIMS];

		elem_strides(out_rank, out_dims, ost);
		for (uint32_t i = 0; i < out_rank; i++) {
			f.extent[i] = out_dims[i];
			f.out_stride[i] = ost[i];
		}
		ret = mv_box(m, 0, in_rank, in_dims, out_rank, out_dims, &f, true,
			     cpu_zero_point(out));
		if (ret)
			return ret;
	}
	for (int64_t blk = 0; blk < bsz[0] * bsz[1]; blk++) {
		const int64_t oy = blk / bsz[1], ox = blk % bsz[1];
		/* Batch-side rows y with space row y * b + o - before inside. */
		int64_t y0 = (before[0] - oy + bsz[0] - 1) / bsz[0];
		int64_t x0 = (before[1] - ox + bsz[1] - 1) / bsz[1];
		int64_t y1 = (h - 1 + before[0] - oy) / bsz[0];
		int64_t x1 = (w - 1 + before[1] - ox) / bsz[1];
		int64_t sst[4], bst[4];
		struct box b = { .rank = 4 };

		if (before[0] - oy < 0)
			y0 = 0;
		if (before[1] - ox < 0)
			x0 = 0;
		y1 = y1 < bh - 1 ? y1 : bh - 1;
		x1 = x1 < bw - 1 ? x1 : bw - 1;
		if (h - 1 + before[0] - oy < 0 || w - 1 + before[1] - ox < 0 ||
		    y1 < y0 || x1 < x0)
			continue;
		sst[3] = 1, sst[2] = c, sst[1] = w * c, sst[0] = h * w * c;
		bst[3] = 1, bst[2] = c, bst[1] = bw * c, bst[0] = bh * bw * c;
		b.extent[0] = (uint32_t)n;
		b.extent[1] = (uint32_t)(y1 - y0 + 1);
		b.extent[2] = (uint32_t)(x1 - x0 + 1);
		b.extent[3] = (uint32_t)c;
		/* Space side: rows y * b0 + oy - before, batch n. */
		const int64_t soff = (y0 * bsz[0] + oy - before[0]) * sst[1] +
				     (x0 * bsz[1] + ox - before[1]) * sst[2];
		const int64_t boff = blk * n * bst[0] + y0 * bst[1] + x0 * bst[2];
		const int64_t s_st[4] = { sst[0], bsz[0] * sst[1], bsz[1] * sst[2], 1 };

		for (int i = 0; i < 4; i++) {
			b.in_stride[i] = s2b ? s_st[i] : bst[i];
			b.out_stride[i] = s2b ? bst[i] : s_st[i];
		}
		b.in_offset = s2b ? soff : boff;
		b.out_offset = s2b ? boff : soff;
		ret = mv_box(m, 0, in_rank, in_dims, out_rank, out_dims, &b, false, 0);
		if (ret)
			return ret;
	}
	return 0;
}

/*
 * TILE repeating along one axis: one CONCATENATION of the input per copy;
 * along several axes, one STRIDED_COPY box per copy.
 */
static int prep_tile(struct mv *m)
{
	const struct npu_graph_tensor *in = cpu_in(m->g, m->op, 0);
	const struct npu_graph_tensor *mult = cpu_in(m->g, m->op, 1);
	const struct npu_graph_tensor *out = cpu_out(m->g, m->op, 0);
	uint32_t in_dims[NPU_CS_MAX_DIMS], out_dims[NPU_CS_MAX_DIMS], rank;
	int32_t axis = -1;

	if (!const_ints(mult) || mult->elements != (size_t)in->rank)
		return mv_fail(m, -ENOTSUP, "multiples must be constants");
	rank = lower_cmd_dims(in, in_dims);
	if (!rank || out->rank != in->rank || out->type != in->type)
		return mv_fail(m, -ENOTSUP, "rank above %d or shapes differ",
			       NPU_CS_MAX_DIMS);
	memcpy(out_dims, in_dims, sizeof(out_dims));
	for (int i = 0; i < in->rank; i++) {
		const int64_t k = const_at(mult, (size_t)i);

		int64_t want;

		if (k < 1 || lower_checked_mul(k, in->shape[i], &want) ||
		    want != out->shape[i])
			return mv_fail(m, -ENOTSUP, "multiples do not give the output");
		if (k == 1)
			continue;
		if (axis >= 0) {
			lower_cmd_dims(out, out_dims);
			return prep_tile_boxes(m, rank, in_dims, out_dims);
		}
		axis = i;
		out_dims[i] = (uint32_t)out->shape[i];
	}
	if (axis < 0)
		axis = 0;
	for (uint32_t k = 0; k < out_dims[axis] / in_dims[axis]; k++) {
		struct npu_cpu_cmd *c = mv_cmd(m, NPU_CMD_CONCAT, 0, 0);

		if (!c)
			return -ENOMEM;
		mv_tensor(m, &c->params.concat.input, rank, in_dims);
		mv_tensor(m, &c->params.concat.output, rank, out_dims);
		c->params.concat.axis = (uint32_t)axis;
		c->params.concat.offset = k * in_dims[axis];
	}
	return 0;
}

/* SPACE_TO_DEPTH / DEPTH_TO_SPACE: one TRANSPOSE (0, 2, 1, 3) of views. */
static int prep_space_depth(struct mv *m)
{
	const bool s2d = m->op->builtin == NPU_BUILTIN_SPACE_TO_DEPTH;
	const struct npu_graph_tensor *in = cpu_in(m->g, m->op, 0);
	const struct npu_graph_tensor *out = cpu_out(m->g, m->op, 0);
	const int32_t b = m->op->options.axis.count;
	struct npu_transpose_params *t;
	struct npu_cpu_cmd *c;
	int64_t n, h, w, ch, v[4], depth;

	if (m->op->options_kind != NPU_OPTS_AXIS || b < 1)
		return mv_fail(m, -EINVAL, "block_size must be positive");
	if (in->rank != 4 || out->rank != 4 || in->type != out->type)
		return mv_fail(m, -EINVAL, "input and output must be 4-D of one type");
	n = in->shape[0], h = in->shape[1], w = in->shape[2], ch = in->shape[3];
	/* ch * b * b: an empty input with a large block overflows int64. */
	if (s2d ? (h % b || w % b || out->shape[1] != h / b ||
		   out->shape[2] != w / b ||
		   lower_checked_mul(ch, (int64_t)b * b, &depth) ||
		   out->shape[3] != depth) :
		  (ch % ((int64_t)b * b) || out->shape[1] != h * b ||
		   out->shape[2] != w * b || out->shape[3] != ch / b / b) ||
	    out->shape[0] != n)
		return mv_fail(m, -EINVAL, "output shape does not match block_size %d", b);
	c = mv_cmd(m, NPU_CMD_TRANSPOSE, 0, 0);
	if (!c)
		return -ENOMEM;
	t = &c->params.transpose;
	/* The input view; the output view is it with dims 1 and 2 swapped. */
	if (s2d) {
		v[0] = n * h / b, v[1] = b, v[2] = w / b, v[3] = b * ch;
	} else {
		v[0] = n * h, v[1] = w, v[2] = b, v[3] = ch / b;
	}
	if (v[0] > UINT32_MAX || v[3] > UINT32_MAX)
		return mv_fail(m, -ENOTSUP, "tensor too large");
	mv_tensor(m, &t->input, 4, (const uint32_t[]){ (uint32_t)v[0], (uint32_t)v[1],
						       (uint32_t)v[2], (uint32_t)v[3] });
	mv_tensor(m, &t->output, 4, (const uint32_t[]){ (uint32_t)v[0], (uint32_t)v[2],
							(uint32_t)v[1], (uint32_t)v[3] });
	t->perm[0] = 0;
	t->perm[1] = 2;
	t->perm[2] = 1;
	t->perm[3] = 3;
	return 0;
}

static int lower_movement(const struct cpu_prep *p)
{
	const struct npu_graph_op *op = p->op;
	const uint32_t data = op->builtin == NPU_BUILTIN_SPLIT ? 1 : 0;
	struct mv m = { .p = p, .g = p->g, .op = op, .out = p->out,
			.err = p->err, .errlen = p->errlen };
	const struct npu_graph_tensor *in = cpu_in(p->g, op, data);

	if (!in || op->num_outputs < 1 || !cpu_out(p->g, op, 0))
		return mv_fail(&m, -EINVAL, "input or output missing");
	m.dt = move_dtype(in->type);
	m.zp = cpu_zero_point(in);
	if (!m.dt)
		return mv_fail(&m, -ENOTSUP, "%s %s has no NPU kernel",
			       npu_type_name(in->type), npu_op_name(op->builtin));
	switch (op->builtin) {
	case NPU_BUILTIN_PACK:
		return prep_pack(&m);
	case NPU_BUILTIN_UNPACK:
		return prep_unpack(&m);
	case NPU_BUILTIN_SPLIT:
	case NPU_BUILTIN_SPLIT_V:
		return prep_split(&m);
	case NPU_BUILTIN_SLICE:
		return prep_slice(&m);
	case NPU_BUILTIN_SQUEEZE:
	case NPU_BUILTIN_EXPAND_DIMS:
		return prep_reshape_like(&m);
	case NPU_BUILTIN_SPACE_TO_DEPTH:
	case NPU_BUILTIN_DEPTH_TO_SPACE:
		return prep_space_depth(&m);
	case NPU_BUILTIN_TILE:
		return prep_tile(&m);
	case NPU_BUILTIN_MIRROR_PAD:
		return prep_mirror_pad(&m);
	case NPU_BUILTIN_SPACE_TO_BATCH_ND:
	case NPU_BUILTIN_BATCH_TO_SPACE_ND:
		return prep_space_batch(&m);
	default:
		return mv_fail(&m, -ENOTSUP, "%s is not a movement op",
			       npu_op_name(op->builtin));
	}
}

/*
 * The output shape of EXPAND_DIMS (a 1 at the constant axis, negative from
 * the end: expand_dims.cc) and SQUEEZE (the listed axes, or every extent
 * of 1, dropped: squeeze.cc), from the input's computed shape: after a
 * SPACE_TO_BATCH_ND, Conv1D's dilated convolution expands a batch the file
 * stores as 1.
 */
static int squeeze_expand_shape(const struct npu_graph *g, const struct npu_graph_op *op,
				uint32_t o, int32_t *dims)
{
	const struct npu_graph_tensor *in = cpu_in(g, op, 0);
	int r = 0;

	if (o || !in)
		return -1;
	if (op->builtin == NPU_BUILTIN_EXPAND_DIMS) {
		const struct npu_graph_tensor *ax = cpu_in(g, op, 1);
		int64_t a;

		if (!ax || !ax->data || ax->is_variable || ax->elements != 1 ||
		    in->rank >= NPU_GRAPH_MAX_DIMS)
			return -1;
		if (ax->type == NPU_TYPE_INT32)
			a = *(const int32_t *)ax->data;
		else if (ax->type == NPU_TYPE_INT64)
			a = *(const int64_t *)ax->data;
		else
			return -1;
		if (a < 0)
			a += in->rank + 1;
		if (a < 0 || a > in->rank)
			return -1;
		for (int d = 0; d <= in->rank; d++)
			dims[d] = d < a ? in->shape[d] : d == a ? 1 : in->shape[d - 1];
		return in->rank + 1;
	}
	if (op->options_kind != NPU_OPTS_SQUEEZE)
		return -1;
	for (int d = 0; d < in->rank; d++) {
		const struct npu_squeeze_options *so = &op->options.squeeze;
		bool drop = so->num_dims == 0 && in->shape[d] == 1;

		for (int k = 0; k < so->num_dims && k < NPU_GRAPH_MAX_DIMS; k++)
			drop |= so->dims[k] == d || so->dims[k] + in->rank == d;
		if (drop && in->shape[d] != 1)
			return -1;
		if (!drop)
			dims[r++] = in->shape[d];
	}
	return r;
}

/* The builtins lowered here (struct npu_builtin_impl, lower.h). */
#define MOVE_IMPL(name)						\
	const struct npu_builtin_impl name = { .lower = lower_movement }
MOVE_IMPL(npu_builtin_unpack_split);
MOVE_IMPL(npu_builtin_slice);
MOVE_IMPL(npu_builtin_space_depth);

const struct npu_builtin_impl npu_builtin_squeeze_expand_dims = {
	.lower = lower_movement,
	.output_shape = squeeze_expand_shape,
};

/* PACK's shape is CONCATENATION's with a new axis (lower/concatenation.c). */
const struct npu_builtin_impl npu_builtin_pack = {
	.lower = lower_movement,
	.output_shape = lower_concat_shape,
};

/*
 * And those with a CPU kernel (cpu/tile_pad.c) for float tensors and what
 * the lowering refuses (rank above 5, more than MAX_BOXES boxes).
 */
#define MOVE_IMPL_CPU(name, kernel, shape)				\
	const struct npu_builtin_impl name = {				\
		.lower = lower_movement, .float_kernel = &(kernel),	\
		.float_takes_int = true, .output_shape = (shape),	\
	}
MOVE_IMPL_CPU(npu_builtin_tile, cpu_kernel_tile, NULL);
MOVE_IMPL_CPU(npu_builtin_mirror_pad, cpu_kernel_mirror_pad, NULL);
MOVE_IMPL_CPU(npu_builtin_space_to_batch_nd, cpu_kernel_space_to_batch_nd, space_batch_shape);
MOVE_IMPL_CPU(npu_builtin_batch_to_space_nd, cpu_kernel_batch_to_space_nd, space_batch_shape);
