// SPDX-License-Identifier: MIT
/*
 * GATHER and GATHER_ND on the CPU, as TFLite's reference kernels (gather.cc,
 * gather_nd.cc, reference_ops::Gather / GatherNd): the indices are data,
 * known only when the op runs, so there is no command to lower them to.
 * Elements are copied unchanged (any type of 1, 2, 4 or 8 bytes); an index
 * outside the params fails the run, as TFLite's does.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cpu_internal.h"

struct gather_state {
	size_t es;		/* element bytes */
	bool idx64;		/* int64 indices, else int32 */
	/* GATHER: batches x outer x (coords of axis_size) x inner. */
	size_t batch, outer, coords, axis_size, inner;
	/* GATHER_ND: rows of idx_depth indices, each a slice of inner. */
	size_t rows, idx_depth;
	int64_t stride[NPU_GRAPH_MAX_DIMS], dim[NPU_GRAPH_MAX_DIMS];
	size_t params_elems;
};

static int64_t index_at(const struct gather_state *s, const void *idx, size_t i)
{
	return s->idx64 ? ((const int64_t *)idx)[i] : ((const int32_t *)idx)[i];
}

static size_t prod(const int32_t *d, int from, int to)
{
	size_t n = 1;

	for (int i = from; i < to; i++)
		n *= (size_t)d[i];
	return n;
}

/* Inputs params and indices, one output of params' type. */
static int gather_common(const struct cpu_prep *p,
			 const struct npu_graph_tensor **params,
			 const struct npu_graph_tensor **idx,
			 const struct npu_graph_tensor **out,
			 struct gather_state **state)
{
	int ret = cpu_need_io(p, 2, 2, 1);

	if (ret)
		return ret;
	*params = cpu_in(p->g, p->op, 0);
	*idx = cpu_in(p->g, p->op, 1);
	*out = cpu_out(p->g, p->op, 0);
	if ((*idx)->type != NPU_TYPE_INT32 && (*idx)->type != NPU_TYPE_INT64) {
		cpu_msg(p->err, p->errlen, "%s indices have no CPU kernel",
			npu_type_name((*idx)->type));
		return -ENOTSUP;
	}
	if ((*out)->type != (*params)->type || !npu_type_size((*params)->type)) {
		cpu_msg(p->err, p->errlen, "output type differs from params");
		return -EINVAL;
	}
	*state = calloc(1, sizeof(**state));
	if (!*state)
		return -ENOMEM;
	(*state)->es = npu_type_size((*params)->type);
	(*state)->idx64 = (*idx)->type == NPU_TYPE_INT64;
	(*state)->params_elems = (*params)->elements;
	return 0;
}

/*
 * GATHER's axis and batch_dims, negative ones counted from the end; false
 * when they do not fit the shapes.  The output's rank is then
 * params->rank - 1 + idx->rank - *@bd.
 */
static bool gather_axes(const struct npu_graph_op *op, const struct npu_graph_tensor *params,
			const struct npu_graph_tensor *idx, int32_t *axis, int32_t *bd)
{
	*axis = op->options.axis.axis;
	*bd = op->options.axis.batch_dims;
	if (*axis < 0)
		*axis += params->rank;
	if (*bd < 0)
		*bd += idx->rank;
	return op->options_kind == NPU_OPTS_AXIS && *axis >= 0 && *axis < params->rank &&
	       *bd >= 0 && *bd <= *axis && *bd <= idx->rank &&
	       params->rank - 1 + idx->rank - *bd <= NPU_GRAPH_MAX_DIMS;
}

/* The shape gather_prepare() expects: params' with the axis replaced. */
int cpu_gather_shape(const struct npu_graph *g, const struct npu_graph_op *op, uint32_t o,
		     int32_t *dims)
{
	const struct npu_graph_tensor *in = cpu_in(g, op, 0), *idx = cpu_in(g, op, 1);
	int32_t axis, bd;
	int r = 0;

	if (o || !in || !idx || !gather_axes(op, in, idx, &axis, &bd))
		return -1;
	for (int d = 0; d < axis; d++)
		dims[r++] = in->shape[d];
	for (int d = bd; d < idx->rank; d++)
		dims[r++] = idx->shape[d];
	for (int d = axis + 1; d < in->rank; d++)
		dims[r++] = in->shape[d];
	return r;
}

static int gather_prepare(const struct cpu_prep *p, void **state)
{
	const struct npu_graph_tensor *params, *idx, *out;
	struct gather_state *s;
	int32_t axis, bd;
	int ret = gather_common(p, &params, &idx, &out, &s);

	if (ret)
		return ret;
	if (!gather_axes(p->op, params, idx, &axis, &bd) ||
	    out->rank != params->rank - 1 + idx->rank - bd) {
		free(s);
		cpu_msg(p->err, p->errlen, "axis %d, batch_dims %d do not fit the shapes",
			p->op->options.axis.axis, p->op->options.axis.batch_dims);
		return -EINVAL;
	}
	for (int i = 0; i < bd; i++)
		if (idx->shape[i] != params->shape[i]) {
			free(s);
			cpu_msg(p->err, p->errlen, "batch dimension %d differs", i);
			return -EINVAL;
		}
	s->batch = prod(params->shape, 0, bd);
	s->outer = prod(params->shape, bd, axis);
	s->axis_size = (size_t)params->shape[axis];
	s->inner = prod(params->shape, axis + 1, params->rank);
	s->coords = prod(idx->shape, bd, idx->rank);
	if (s->batch * s->outer * s->coords * s->inner != out->elements) {
		free(s);
		cpu_msg(p->err, p->errlen, "output shape is not the gathered shape");
		return -EINVAL;
	}
	*state = s;
	return 0;
}

static int gather_invoke(const struct npu_cpu_kernel_args *a, void *state)
{
	const struct gather_state *s = state;
	const uint8_t *src = a->inputs[0];
	uint8_t *dst = a->outputs[0];
	const size_t row = s->inner * s->es;

	for (size_t b = 0; b < s->batch; b++)
		for (size_t o = 0; o < s->outer; o++)
			for (size_t i = 0; i < s->coords; i++) {
				const int64_t k = index_at(s, a->inputs[1],
							   b * s->coords + i);

				if (k < 0 || (uint64_t)k >= s->axis_size) {
					cpu_msg(a->err, a->errlen,
						"index %lld outside 0..%zu", (long long)k,
						s->axis_size - 1);
					return -EINVAL;
				}
				memcpy(dst + (((b * s->outer + o) * s->coords) + i) * row,
				       src + (((b * s->outer + o) * s->axis_size) +
					      (size_t)k) * row, row);
			}
	return 0;
}

static int gather_nd_prepare(const struct cpu_prep *p, void **state)
{
	const struct npu_graph_tensor *params, *idx, *out;
	struct gather_state *s;
	int ret = gather_common(p, &params, &idx, &out, &s);
	int n;

	if (ret)
		return ret;
	n = idx->rank ? idx->shape[idx->rank - 1] : 0;
	if (idx->rank < 1 || n < 1 || n > params->rank ||
	    out->rank != idx->rank - 1 + params->rank - n) {
		free(s);
		cpu_msg(p->err, p->errlen, "indices of depth %d do not fit params of rank %d",
			n, params->rank);
		return -EINVAL;
	}
	s->idx_depth = (size_t)n;
	s->rows = prod(idx->shape, 0, idx->rank - 1);
	s->inner = prod(params->shape, n, params->rank);
	for (int i = n - 1; i >= 0; i--) {
		s->dim[i] = params->shape[i];
		s->stride[i] = i == n - 1 ? (int64_t)s->inner :
			       s->stride[i + 1] * params->shape[i + 1];
	}
	if (s->rows * s->inner != out->elements) {
		free(s);
		cpu_msg(p->err, p->errlen, "output shape is not the gathered shape");
		return -EINVAL;
	}
	*state = s;
	return 0;
}

static int gather_nd_invoke(const struct npu_cpu_kernel_args *a, void *state)
{
	const struct gather_state *s = state;
	const uint8_t *src = a->inputs[0];
	uint8_t *dst = a->outputs[0];
	const size_t row = s->inner * s->es;

	for (size_t r = 0; r < s->rows; r++) {
		int64_t from = 0;

		for (size_t j = 0; j < s->idx_depth; j++) {
			const int64_t k = index_at(s, a->inputs[1], r * s->idx_depth + j);

			if (k < 0 || k >= s->dim[j]) {
				cpu_msg(a->err, a->errlen, "index %lld outside 0..%lld",
					(long long)k, (long long)s->dim[j] - 1);
				return -EINVAL;
			}
			from += k * s->stride[j];
		}
		memcpy(dst + r * row, src + (size_t)from * s->es, row);
	}
	return 0;
}

const struct cpu_kernel cpu_kernel_gather = {
	.prepare = gather_prepare,
	.invoke = gather_invoke,
};

const struct cpu_kernel cpu_kernel_gather_nd = {
	.prepare = gather_nd_prepare,
	.invoke = gather_nd_invoke,
};
