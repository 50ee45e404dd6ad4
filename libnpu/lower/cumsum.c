// SPDX-License-Identifier: MIT
/*
 * CUMSUM on the CPU (cumsum.cc, optimized_ops::CumSum, TFLite's only
 * kernel): running sums along one axis of float32, int32 or int64, each
 * from 0 in order along the axis (from its end with reverse); exclusive
 * writes the sum before adding the element.  int32 and int64 wrap, as
 * TFLite's compiled code does.  The axis is a constant int32 scalar
 * (negative counts from the end).  No command: the NPU has no scan.
 */
#include <errno.h>
#include <stdlib.h>

#include "lower.h"

struct cumsum_data {
	enum npu_type type;
	size_t outer, len, inner;	/* before, along and after the axis */
	bool exclusive, reverse;
};

static int cumsum_prepare(const struct cpu_prep *p, void **state)
{
	const struct npu_graph_tensor *in, *axis, *out;
	struct cumsum_data *s;
	int64_t ax;
	int ret = cpu_need_io(p, 2, 2, 1);

	if (ret)
		return ret;
	in = lower_in(p, 0);
	axis = lower_in(p, 1);
	out = lower_out(p, 0);
	if ((in->type != NPU_TYPE_FLOAT32 && in->type != NPU_TYPE_INT32 &&
	     in->type != NPU_TYPE_INT64) || out->type != in->type) {
		cpu_msg(p->err, p->errlen, "CUMSUM of %s is not supported (float32, int32, int64)",
			npu_type_name(in->type));
		return -ENOTSUP;
	}
	if (axis->type != NPU_TYPE_INT32 || axis->elements != 1)
		return lower_fail(p, "CUMSUM's axis must be one int32");
	if (!axis->data || axis->is_variable) {
		cpu_msg(p->err, p->errlen, "CUMSUM's axis must be a constant");
		return -ENOTSUP;
	}
	if (in->rank < 1 || out->elements != in->elements)
		return lower_fail(p, "CUMSUM needs a tensor of rank 1 or more, output its size");
	ax = lower_const_int(axis, 0);
	if (ax < 0)
		ax += in->rank;
	if (ax < 0 || ax >= in->rank)
		return lower_fail(p, "axis %lld outside rank %d",
				  (long long)lower_const_int(axis, 0), in->rank);
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->type = in->type;
	s->outer = s->inner = 1;
	for (int d = 0; d < in->rank; d++) {
		if (d < ax)
			s->outer *= (size_t)in->shape[d];
		else if (d > ax)
			s->inner *= (size_t)in->shape[d];
	}
	s->len = (size_t)in->shape[ax];
	if (p->op->options_kind == NPU_OPTS_AXIS) {
		s->exclusive = p->op->options.axis.exclusive;
		s->reverse = p->op->options.axis.reverse;
	}
	*state = s;
	return 0;
}

static int cumsum_invoke(const struct npu_cpu_kernel_args *a, void *state)
{
	const struct cumsum_data *s = state;

	for (size_t o = 0; o < s->outer; o++) {
		for (size_t i = 0; i < s->inner; i++) {
			float f = 0.0f;
			uint64_t n = 0;	/* int32 and int64 sums, wrapping */

			for (size_t k = 0; k < s->len; k++) {
				const size_t kk = s->reverse ? s->len - 1 - k : k;
				const size_t e = (o * s->len + kk) * s->inner + i;

				switch (s->type) {
				case NPU_TYPE_FLOAT32:
					if (s->exclusive)
						((float *)a->outputs[0])[e] = f;
					f += ((const float *)a->inputs[0])[e];
					if (!s->exclusive)
						((float *)a->outputs[0])[e] = f;
					break;
				case NPU_TYPE_INT32:
					if (s->exclusive)
						((int32_t *)a->outputs[0])[e] = (int32_t)(uint32_t)n;
					n = (uint32_t)n + (uint32_t)((const int32_t *)a->inputs[0])[e];
					if (!s->exclusive)
						((int32_t *)a->outputs[0])[e] = (int32_t)(uint32_t)n;
					break;
				default:
					if (s->exclusive)
						((int64_t *)a->outputs[0])[e] = (int64_t)n;
					n += (uint64_t)((const int64_t *)a->inputs[0])[e];
					if (!s->exclusive)
						((int64_t *)a->outputs[0])[e] = (int64_t)n;
					break;
				}
			}
		}
	}
	return 0;
}

static const struct cpu_kernel kernel = {
	.prepare = cumsum_prepare,
	.invoke = cumsum_invoke,
};

/* CUMSUM: CPU only. */
const struct npu_builtin_impl npu_builtin_cumsum = {
	.cpu_kernel = &kernel,
	.output_shape = lower_shape_same,
};
