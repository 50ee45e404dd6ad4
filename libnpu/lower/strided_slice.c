// SPDX-License-Identifier: MIT
/*
 * STRIDED_SLICE: TFLite's Prepare (strided_slice.cc) lowered to the
 * firmware's byte-moving command (float data included).
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "lower.h"

static int64_t clamp_i64(int64_t v, int64_t lo, int64_t hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

/*
 * strided_slice_logic.h for axis @d of extent @size: the first index
 * (*@first) and the number of elements taken.  @stride is not 0.
 */
static int64_t axis_range(const struct npu_strided_slice_options *o, int d,
			  int64_t size, int64_t start, int64_t stop,
			  int64_t stride, int64_t *first)
{
	/* StridedSliceStartForAxis() */
	if (start < 0)
		start += size;
	start = stride > 0 ? clamp_i64(start, 0, size) :
			     clamp_i64(start, -1, size - 1);
	if (o->begin_mask & (1u << d))
		start = stride > 0 ? 0 : size - 1;
	/* StridedSliceEndForAxis() */
	if (o->shrink_axis_mask & (1u << d)) {
		stop = start >= size ? start : start + 1;
	} else {
		if (o->offset)
			stop += start;
		if (stop < 0)
			stop += size;
		stop = stride > 0 ? clamp_i64(stop, 0, size) :
				    clamp_i64(stop, -1, size - 1);
		if (o->end_mask & (1u << d))
			stop = stride > 0 ? size : -1;
	}
	*first = start;
	if (stride > 0)
		return stop > start ? (stop - start + stride - 1) / stride : 0;
	return start > stop ? (start - stop + (-stride) - 1) / (-stride) : 0;
}

static bool const_int_vector(const struct npu_graph_tensor *t)
{
	return t && t->data && !t->is_variable &&
	       (t->type == NPU_TYPE_INT32 || t->type == NPU_TYPE_INT64);
}

/* Prepare's output shape: the selected extents, shrunk axes dropped. */
static int strided_slice_shape(const struct npu_graph *g, const struct npu_graph_op *op,
			       uint32_t out, int32_t *dims)
{
	const struct npu_strided_slice_options *o = &op->options.strided_slice;
	const struct npu_graph_tensor *in, *tb, *te, *ts;
	int n, r = 0;

	if (out || op->num_inputs != 4 || op->options_kind != NPU_OPTS_STRIDED_SLICE ||
	    o->ellipsis_mask || o->new_axis_mask)
		return -1;
	for (uint32_t k = 0; k < 4; k++)
		if (op->inputs[k] < 0 || (uint32_t)op->inputs[k] >= g->num_tensors)
			return -1;
	in = &g->tensors[op->inputs[0]];
	tb = &g->tensors[op->inputs[1]];
	te = &g->tensors[op->inputs[2]];
	ts = &g->tensors[op->inputs[3]];
	if (!const_int_vector(tb) || !const_int_vector(te) || !const_int_vector(ts))
		return -1;
	n = (int)tb->elements;
	if (te->elements != (size_t)n || ts->elements != (size_t)n || n > in->rank)
		return -1;
	for (int d = 0; d < in->rank; d++) {
		int64_t stride, first;

		if (d >= n) {
			dims[r++] = in->shape[d];
			continue;
		}
		stride = (int32_t)lower_const_int(ts, (size_t)d);
		if (!stride || stride == INT32_MIN)
			return -1;
		if (o->shrink_axis_mask & (1u << d))
			continue;
		dims[r++] = (int32_t)axis_range(o, d, in->shape[d],
						(int32_t)lower_const_int(tb, (size_t)d),
						(int32_t)lower_const_int(te, (size_t)d),
						stride, &first);
	}
	return r;
}

static int lower_strided_slice(const struct cpu_prep *p)
{
	const struct npu_graph_op *op = p->op;
	const struct npu_strided_slice_options *o = &op->options.strided_slice;
	const struct npu_graph_tensor *in, *tb, *te, *ts, *out;
	struct npu_slice_params *s;
	struct npu_cpu_cmd *cmd;
	uint32_t dims[NPU_CS_MAX_DIMS];
	size_t count = 1;
	int n, ret;

	ret = cpu_need_io(p, 4, 4, 1);
	if (ret)
		return ret;
	if (op->options_kind != NPU_OPTS_STRIDED_SLICE)
		return lower_fail(p, "missing strided slice options");
	in = lower_in(p, 0);
	tb = lower_in(p, 1);
	te = lower_in(p, 2);
	ts = lower_in(p, 3);
	out = lower_out(p, 0);
	ret = lower_need_const_int(p, tb, "begin");
	if (!ret)
		ret = lower_need_const_int(p, te, "end");
	if (!ret)
		ret = lower_need_const_int(p, ts, "strides");
	if (!ret)
		ret = lower_same_quant(p, in, out, "input");
	if (ret)
		return ret;
	if (o->ellipsis_mask || o->new_axis_mask) {
		cpu_msg(p->err, p->errlen,
			"ellipsis and new-axis masks are not supported");
		return -ENOTSUP;
	}
	n = (int)tb->elements;
	if (te->elements != (size_t)n || ts->elements != (size_t)n ||
	    n > in->rank || in->rank < 1)
		return lower_fail(p, "begin/end/strides must have at most %d entries",
			    in->rank);
	if (in->rank > NPU_CS_MAX_DIMS) {
		cpu_msg(p->err, p->errlen, "rank %d is not supported", in->rank);
		return -ENOTSUP;
	}
	cmd = lower_add_cmd(p, NPU_CMD_STRIDED_SLICE, 0);
	if (!cmd)
		return -ENOMEM;
	s = &cmd->params.slice;
	/* strided_slice_logic.h: missing trailing axes take everything. */
	for (int d = 0; d < in->rank; d++) {
		const int32_t size = in->shape[d];
		int64_t start, stride, cnt;

		if (d >= n) {
			s->begin[d] = 0;
			s->strides[d] = 1;
			dims[d] = (uint32_t)size;
			count *= (size_t)size;
			continue;
		}
		/* 64-bit: INT32_MIN strides and huge offsets must not overflow. */
		stride = (int32_t)lower_const_int(ts, (size_t)d);
		if (!stride)
			return lower_fail(p, "stride of axis %d is 0", d);
		if (stride == INT32_MIN)
			return lower_fail(p, "stride of axis %d is %d", d, INT32_MIN);
		cnt = axis_range(o, d, size, (int32_t)lower_const_int(tb, (size_t)d),
				 (int32_t)lower_const_int(te, (size_t)d), stride,
				 &start);
		if (cnt <= 0)
			return lower_fail(p, "axis %d selects no elements", d);
		s->begin[d] = (int32_t)start;
		s->strides[d] = (int32_t)stride;
		dims[d] = (uint32_t)cnt;
		count *= (size_t)cnt;
	}
	if (count != out->elements)
		return lower_fail(p, "slice has %zu elements, output %zu", count,
			    out->elements);
	ret = lower_set_tensor(p, &s->input, in, 0, true, "input");
	if (ret)
		return ret;
	/* The output keeps the input's rank; shrunk axes have extent 1. */
	npu_tensor_set(&s->output, 0, s->input.dtype, cpu_zero_point(out),
		       (uint32_t)in->rank, dims);
	return 0;
}

const struct npu_builtin_impl npu_builtin_strided_slice = {
	.lower = lower_strided_slice,
	.output_shape = strided_slice_shape,
};
