// SPDX-License-Identifier: MIT
/*
 * ONE_HOT on the CPU (one_hot.cc): output[i, j, k] is on_value where
 * indices[i, k] (int32, or int64 truncated to int as TFLite's
 * static_cast<int>) equals j, else off_value; j runs over depth at the
 * options' axis (-1: last).  Values of float32, int32, int64, int8, uint8
 * or bool are copied as they are (a quantized one too: TFLite does not
 * requantize); int16 passes TFLite's Prepare but its Eval has no case for
 * it, so it is refused.  depth must be a constant (else TFLite sizes the
 * output at run time).  No command: a comparison per output element.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lower.h"

struct one_hot_data {
	size_t prefix, depth, suffix, esize;
	bool index64;
};

static int one_hot_prepare(const struct cpu_prep *p, void **state)
{
	const struct npu_graph_tensor *idx, *depth, *on, *off, *out;
	struct one_hot_data *s;
	int32_t axis, d;
	int ret = cpu_need_io(p, 4, 4, 1);

	if (ret)
		return ret;
	idx = lower_in(p, 0);
	depth = lower_in(p, 1);
	on = lower_in(p, 2);
	off = lower_in(p, 3);
	out = lower_out(p, 0);
	switch (on->type) {
	case NPU_TYPE_FLOAT32: case NPU_TYPE_INT32: case NPU_TYPE_INT64:
	case NPU_TYPE_INT8: case NPU_TYPE_UINT8: case NPU_TYPE_BOOL:
		break;
	default:
		cpu_msg(p->err, p->errlen, "ONE_HOT of %s values has no kernel (TFLite's neither)",
			npu_type_name(on->type));
		return -ENOTSUP;
	}
	if (off->type != on->type || out->type != on->type ||
	    on->elements != 1 || off->elements != 1)
		return lower_fail(p, "ONE_HOT's on and off values must be one element of the output's type");
	if (idx->type != NPU_TYPE_INT32 && idx->type != NPU_TYPE_INT64)
		return lower_fail(p, "ONE_HOT's indices must be int32 or int64");
	if (depth->type != NPU_TYPE_INT32 || depth->elements != 1)
		return lower_fail(p, "ONE_HOT's depth must be one int32");
	if (!depth->data || depth->is_variable) {
		cpu_msg(p->err, p->errlen, "ONE_HOT's depth must be a constant (the output's size)");
		return -ENOTSUP;
	}
	d = (int32_t)lower_const_int(depth, 0);
	axis = p->op->options_kind == NPU_OPTS_AXIS ? p->op->options.axis.axis : -1;
	if (axis == -1)
		axis = idx->rank;
	if (d < 0 || axis < 0 || axis > idx->rank || idx->rank + 1 > MAX_RANK)
		return lower_fail(p, "ONE_HOT depth %d or axis %d invalid for rank %d",
				  d, axis, idx->rank);
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->prefix = 1;
	for (int i = 0; i < axis; i++)
		s->prefix *= (size_t)idx->shape[i];
	s->suffix = s->prefix ? idx->elements / s->prefix : 0;
	s->depth = (size_t)d;
	s->esize = npu_type_size(on->type);
	s->index64 = idx->type == NPU_TYPE_INT64;
	if (out->elements != idx->elements * s->depth) {
		free(s);
		return lower_fail(p, "output has %zu elements, expected %zu",
				  out->elements, idx->elements * (size_t)d);
	}
	*state = s;
	return 0;
}

static int one_hot_invoke(const struct npu_cpu_kernel_args *a, void *state)
{
	const struct one_hot_data *s = state;
	uint8_t *out = a->outputs[0];

	for (size_t i = 0; i < s->prefix; i++) {
		for (size_t j = 0; j < s->depth; j++) {
			for (size_t k = 0; k < s->suffix; k++, out += s->esize) {
				const size_t e = i * s->suffix + k;
				const int32_t v = s->index64 ?
					(int32_t)(uint32_t)((const int64_t *)a->inputs[0])[e] :
					((const int32_t *)a->inputs[0])[e];

				memcpy(out, v >= 0 && (size_t)v == j ? a->inputs[2] : a->inputs[3],
				       s->esize);
			}
		}
	}
	return 0;
}

static const struct cpu_kernel kernel = {
	.prepare = one_hot_prepare,
	.invoke = one_hot_invoke,
};

/* ONE_HOT: CPU only. */
const struct npu_builtin_impl npu_builtin_one_hot = {
	.cpu_kernel = &kernel,
};
