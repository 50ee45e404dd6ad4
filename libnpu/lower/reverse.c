// SPDX-License-Identifier: MIT
/*
 * REVERSE_V2 on the CPU, as TFLite's reference kernel: the input reversed
 * along each axis of a constant int32 axis tensor (negative axes count
 * from the end), any element type, the output with the input's shape and
 * quantization.  Keras's Bidirectional LSTM converts to REVERSE_V2 around
 * a second UNIDIRECTIONAL_SEQUENCE_LSTM.  CPU only: the NPU's copies step
 * forwards.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lower.h"

struct reverse_state {
	int rank;
	size_t dims[MAX_RANK];
	bool flip[MAX_RANK];
	size_t elem, count;
};

static int reverse_prepare(const struct cpu_prep *p, void **state)
{
	const struct npu_graph_tensor *in, *out;
	struct reverse_state *s;
	uint32_t mask;
	int ret;

	ret = lower_const_axes(p, &in, &out, &mask);
	if (ret)
		return ret;
	if (out->type != in->type || out->elements != in->elements ||
	    !npu_type_size(in->type)) {
		cpu_msg(p->err, p->errlen, "output differs from the input in type or size");
		return -EINVAL;
	}
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->rank = in->rank;
	s->elem = npu_type_size(in->type);
	s->count = in->elements;
	for (int d = 0; d < in->rank; d++) {
		s->dims[d] = (size_t)in->shape[d];
		s->flip[d] = mask & (1u << d);
	}
	*state = s;
	return 0;
}

static int reverse_invoke(const struct npu_cpu_kernel_args *a, void *state)
{
	const struct reverse_state *s = state;
	const uint8_t *in = a->inputs[0];
	uint8_t *out = a->outputs[0];
	size_t idx[MAX_RANK] = { 0 };

	for (size_t o = 0; o < s->count; o++) {
		size_t src = 0;

		for (int d = 0; d < s->rank; d++)
			src = src * s->dims[d] + (s->flip[d] ? s->dims[d] - 1 - idx[d] : idx[d]);
		memcpy(out + o * s->elem, in + src * s->elem, s->elem);
		for (int d = s->rank - 1; d >= 0; d--) {
			if (++idx[d] < s->dims[d])
				break;
			idx[d] = 0;
		}
	}
	return 0;
}

static const struct cpu_kernel reverse_kernel = {
	.prepare = reverse_prepare,
	.invoke = reverse_invoke,
};

/* REVERSE_V2: CPU only. */
const struct npu_builtin_impl npu_builtin_reverse_v2 = {
	.cpu_kernel = &reverse_kernel,
};
