// SPDX-License-Identifier: MIT
/*
 * SELECT and SELECT_V2 on the CPU, as TFLite's select.cc: out = cond ? x :
 * y element by element, values copied as they are (any fixed-size type;
 * TFLite requires x, y and the output to share it, so no requantization).
 * SELECT_V2 broadcasts the three inputs to the output; SELECT takes a
 * condition of the inputs' shape, or a rank-1 one choosing whole rows
 * along the first axis (RankOneSelect).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lower.h"

struct select_data {
	uint32_t rank;
	int32_t odims[MAX_RANK];
	size_t stride[3][MAX_RANK];	/* per input (cond, x, y); 0: broadcast */
	size_t count, esize;
};

/* Element strides of @t seen at the output's rank (0 on broadcast axes). */
static int select_strides(const struct cpu_prep *p, const struct npu_graph_tensor *t,
			  struct select_data *s, size_t *stride, const char *what)
{
	size_t acc = 1;

	if ((uint32_t)t->rank > s->rank) {
		cpu_msg(p->err, p->errlen, "%s has a higher rank than the output", what);
		return -EINVAL;
	}
	for (int i = (int)s->rank - 1; i >= 0; i--) {
		const int it = i - (int)(s->rank - (uint32_t)t->rank);
		const int32_t d = it < 0 ? 1 : t->shape[it];

		if (d != s->odims[i] && d != 1) {
			cpu_msg(p->err, p->errlen, "%s does not broadcast to the output shape",
				what);
			return -EINVAL;
		}
		stride[i] = d == 1 ? 0 : acc;
		acc *= (size_t)d;
	}
	return 0;
}

static int select_prepare(const struct cpu_prep *p, void **state)
{
	static const char *const what[3] = { "condition", "x", "y" };
	const struct npu_graph_tensor *in[3], *out;
	struct select_data *s;
	int ret = cpu_need_io(p, 3, 3, 1);

	if (ret)
		return ret;
	for (int k = 0; k < 3; k++)
		in[k] = cpu_in(p->g, p->op, (uint32_t)k);
	out = cpu_out(p->g, p->op, 0);
	if (in[0]->type != NPU_TYPE_BOOL) {
		cpu_msg(p->err, p->errlen, "the condition is %s, not bool",
			npu_type_name(in[0]->type));
		return -EINVAL;
	}
	if (in[1]->type != out->type || in[2]->type != out->type ||
	    !npu_type_size(out->type)) {
		cpu_msg(p->err, p->errlen, "x, y and the output must share one type");
		return -EINVAL;
	}
	if (out->rank > MAX_RANK || out->rank < 0) {
		cpu_msg(p->err, p->errlen, "rank %d is not supported", out->rank);
		return -ENOTSUP;
	}
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->rank = (uint32_t)out->rank;
	memcpy(s->odims, out->shape, s->rank * sizeof(int32_t));
	s->count = out->elements;
	s->esize = npu_type_size(out->type);
	ret = 0;
	if (p->op->builtin == NPU_BUILTIN_SELECT && in[0]->rank == 1 && out->rank > 1) {
		/* RankOneSelect: one condition per row of the first axis. */
		if (in[0]->shape[0] != out->shape[0]) {
			cpu_msg(p->err, p->errlen, "a rank-1 condition needs one value per row");
			ret = -EINVAL;
		}
		s->stride[0][0] = 1;
		for (int k = 1; k < 3 && !ret; k++)
			ret = select_strides(p, in[k], s, s->stride[k], what[k]);
	} else {
		for (int k = 0; k < 3 && !ret; k++) {
			/* SELECT (v1) does not broadcast. */
			if (p->op->builtin == NPU_BUILTIN_SELECT &&
			    in[k]->elements != out->elements) {
				cpu_msg(p->err, p->errlen, "SELECT's %s has another shape (SELECT_V2 broadcasts)",
					what[k]);
				ret = -EINVAL;
				break;
			}
			ret = select_strides(p, in[k], s, s->stride[k], what[k]);
		}
	}
	if (ret) {
		free(s);
		return ret;
	}
	*state = s;
	return 0;
}

static int select_invoke(const struct npu_cpu_kernel_args *a, void *state)
{
	const struct select_data *s = state;
	const uint8_t *cond = a->inputs[0];
	const uint8_t *x = a->inputs[1], *y = a->inputs[2];
	uint8_t *out = a->outputs[0];
	int32_t idx[MAX_RANK] = { 0 };
	size_t o[3] = { 0, 0, 0 };

	for (size_t i = 0; i < s->count; i++) {
		const uint8_t *src = cond[o[0]] ? x + o[1] * s->esize : y + o[2] * s->esize;

		memcpy(out + i * s->esize, src, s->esize);
		for (int d = (int)s->rank - 1; d >= 0; d--) {
			if (++idx[d] < s->odims[d]) {
				for (int k = 0; k < 3; k++)
					o[k] += s->stride[k][d];
				break;
			}
			for (int k = 0; k < 3; k++)
				o[k] -= s->stride[k][d] * (size_t)(s->odims[d] - 1);
			idx[d] = 0;
		}
	}
	return 0;
}

static const struct cpu_kernel kernel = {
	.prepare = select_prepare,
	.invoke = select_invoke,
};

/* SELECT, SELECT_V2: CPU only. */
const struct npu_builtin_impl npu_builtin_select = {
	.cpu_kernel = &kernel,
};
