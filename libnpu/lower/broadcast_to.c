// SPDX-License-Identifier: MIT
/*
 * BROADCAST_TO on the CPU (broadcast_to.cc): the input repeated along the
 * axes where it has extent 1 (or that it lacks) to the output's shape, any
 * fixed-size type, values copied as they are.  The output shape is the
 * file's (the shape input sizes it in TFLite's Prepare).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lower.h"

struct broadcast_data {
	uint32_t rank;
	int32_t odims[MAX_RANK];
	size_t stride[MAX_RANK];	/* the input's, 0 on broadcast axes */
	size_t count, esize;
};

static int broadcast_prepare(const struct cpu_prep *p, void **state)
{
	const struct npu_graph_tensor *in, *out;
	struct broadcast_data *s;
	size_t acc = 1;
	int ret = cpu_need_io(p, 2, 2, 1);

	if (ret)
		return ret;
	in = cpu_in(p->g, p->op, 0);
	out = cpu_out(p->g, p->op, 0);
	if (in->type != out->type || !npu_type_size(out->type)) {
		cpu_msg(p->err, p->errlen, "input and output types differ");
		return -EINVAL;
	}
	if (out->rank > MAX_RANK || in->rank > out->rank) {
		cpu_msg(p->err, p->errlen, "ranks %d -> %d are not supported", in->rank, out->rank);
		return -ENOTSUP;
	}
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->rank = (uint32_t)out->rank;
	s->count = out->elements;
	s->esize = npu_type_size(out->type);
	for (int i = out->rank - 1; i >= 0; i--) {
		const int ii = i - (out->rank - in->rank);
		const int32_t d = ii < 0 ? 1 : in->shape[ii];

		s->odims[i] = out->shape[i];
		if (d != out->shape[i] && d != 1) {
			cpu_msg(p->err, p->errlen, "the input does not broadcast to the output shape");
			free(s);
			return -EINVAL;
		}
		s->stride[i] = d == 1 ? 0 : acc;
		acc *= (size_t)d;
	}
	*state = s;
	return 0;
}

static int broadcast_invoke(const struct npu_cpu_kernel_args *a, void *state)
{
	const struct broadcast_data *s = state;
	const uint8_t *in = a->inputs[0];
	uint8_t *out = a->outputs[0];
	int32_t idx[MAX_RANK] = { 0 };
	size_t o = 0;

	for (size_t i = 0; i < s->count; i++) {
		memcpy(out + i * s->esize, in + o * s->esize, s->esize);
		for (int d = (int)s->rank - 1; d >= 0; d--) {
			if (++idx[d] < s->odims[d]) {
				o += s->stride[d];
				break;
			}
			o -= s->stride[d] * (size_t)(s->odims[d] - 1);
			idx[d] = 0;
		}
	}
	return 0;
}

static const struct cpu_kernel kernel = {
	.prepare = broadcast_prepare,
	.invoke = broadcast_invoke,
};

/* BROADCAST_TO: CPU only. */
const struct npu_builtin_impl npu_builtin_broadcast_to = {
	.cpu_kernel = &kernel,
};
