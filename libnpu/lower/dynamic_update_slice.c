// SPDX-License-Identifier: MIT
/*
 * DYNAMIC_UPDATE_SLICE on the CPU, as TFLite's dynamic_update_slice.cc:
 * the output is the operand (input 0) with the update (input 1) written
 * at the start indices (input 2, int32 or int64, one per dimension), each
 * clamped to [0, operand extent - update extent].  Values are copied as
 * they are (operand, update and output share one type).
 *
 * The reader also makes it of the converter's lowered TensorListSetItem
 * in a loop body (tflite/list_update.c).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lower.h"

struct dus {
	uint32_t rank;
	int32_t odims[MAX_RANK], udims[MAX_RANK];
	size_t esize, bytes;
	bool wide;		/* int64 start indices */
};

static int dus_prepare(const struct cpu_prep *p, void **state)
{
	const struct npu_graph_tensor *in, *upd, *start, *out;
	struct dus *s;
	int ret = cpu_need_io(p, 3, 3, 1);

	if (ret)
		return ret;
	in = cpu_in(p->g, p->op, 0);
	upd = cpu_in(p->g, p->op, 1);
	start = cpu_in(p->g, p->op, 2);
	out = cpu_out(p->g, p->op, 0);
	if (upd->type != in->type || out->type != in->type || !npu_type_size(in->type) ||
	    out->bytes != in->bytes) {
		cpu_msg(p->err, p->errlen, "the operand, update and output must share one type and the output the operand's size");
		return -EINVAL;
	}
	if (in->rank < 1 || in->rank > MAX_RANK || upd->rank != in->rank) {
		cpu_msg(p->err, p->errlen, "the update's rank %d is not the operand's %d",
			upd->rank, in->rank);
		return -EINVAL;
	}
	if ((start->type != NPU_TYPE_INT32 && start->type != NPU_TYPE_INT64) ||
	    start->elements != (size_t)in->rank) {
		cpu_msg(p->err, p->errlen, "the start indices must be %d int32 or int64 values",
			in->rank);
		return -EINVAL;
	}
	for (int32_t d = 0; d < in->rank; d++) {
		if (upd->shape[d] > in->shape[d]) {
			cpu_msg(p->err, p->errlen, "the update is larger than the operand in dimension %d",
				d);
			return -EINVAL;
		}
	}
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->rank = (uint32_t)in->rank;
	memcpy(s->odims, in->shape, s->rank * sizeof(int32_t));
	memcpy(s->udims, upd->shape, s->rank * sizeof(int32_t));
	s->esize = npu_type_size(in->type);
	s->bytes = in->bytes;
	s->wide = start->type == NPU_TYPE_INT64;
	*state = s;
	return 0;
}

static int dus_invoke(const struct npu_cpu_kernel_args *a, void *state)
{
	const struct dus *s = state;
	const uint8_t *upd = a->inputs[1];
	uint8_t *out = a->outputs[0];
	size_t ostride[MAX_RANK], base = 0, row, rows = 1;
	int32_t idx[MAX_RANK] = { 0 };

	if (out != a->inputs[0])
		memmove(out, a->inputs[0], s->bytes);
	ostride[s->rank - 1] = s->esize;
	for (int d = (int)s->rank - 2; d >= 0; d--)
		ostride[d] = ostride[d + 1] * (size_t)s->odims[d + 1];
	for (uint32_t d = 0; d < s->rank; d++) {
		int64_t v = s->wide ? ((const int64_t *)a->inputs[2])[d] :
				      ((const int32_t *)a->inputs[2])[d];
		const int64_t hi = s->odims[d] - s->udims[d];

		v = v < 0 ? 0 : v > hi ? hi : v;
		base += (size_t)v * ostride[d];
		if (d + 1 < s->rank)
			rows *= (size_t)s->udims[d];
	}
	row = (size_t)s->udims[s->rank - 1] * s->esize;
	for (size_t r = 0; r < rows && row; r++) {
		size_t at = base;

		for (uint32_t d = 0; d + 1 < s->rank; d++)
			at += (size_t)idx[d] * ostride[d];
		memcpy(out + at, upd + r * row, row);
		for (int d = (int)s->rank - 2; d >= 0; d--) {
			if (++idx[d] < s->udims[d])
				break;
			idx[d] = 0;
		}
	}
	return 0;
}

static const struct cpu_kernel dus_kernel = {
	.prepare = dus_prepare,
	.invoke = dus_invoke,
};

const struct npu_builtin_impl npu_builtin_dynamic_update_slice = {
	.cpu_kernel = &dus_kernel,
};
