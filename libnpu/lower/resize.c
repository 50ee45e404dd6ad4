// SPDX-License-Identifier: MIT
/*
 * RESIZE_BILINEAR and RESIZE_NEAREST_NEIGHBOR: checked as TFLite's Prepare
 * checks them (resize_bilinear.cc, resize_nearest_neighbor.cc), then
 *  - int8 and int16 bilinear: the firmware's NPU_CMD_RESIZE_BILINEAR
 *    (TFLite's integer kernel);
 *  - nearest neighbour of int8, uint8, int16 and float32: the firmware's
 *    NPU_CMD_RESIZE_NEAREST with the index table TFLite's float
 *    arithmetic picks (firmware/host/npu_fw_resize.c);
 *  - float32 and uint8 bilinear: the CPU kernel below, TFLite's
 *    reference_ops::ResizeBilinear template, which computes in float (uint8
 *    adds 0.5 before truncating): cpu_ref_resize_bilinear_f() and its
 *    optimized twin in libnpu/cpu/opt_resize.c.
 * Neither requantizes: TFLite resizes the stored values.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "lower.h"
#include "../cpu/cpu_opt.h"

struct resize_shape {
	uint32_t in[4];		/* N, H, W, C */
	uint32_t out[4];
	bool align, half;
};

/*
 * TFLite's Prepare: 4-D input, constant int32 size [2] (bilinear > 0,
 * nearest >= 0), output shape.
 */
static int resize_check(const struct npu_graph *g,
			const struct npu_graph_op *op, struct resize_shape *s,
			char *err, size_t errlen)
{
	const bool bilinear = op->builtin == NPU_BUILTIN_RESIZE_BILINEAR;
	const struct npu_graph_tensor *in, *size, *out;
	const int32_t *sz;

	if (op->num_inputs != 2 || op->num_outputs != 1 ||
	    !(in = cpu_in(g, op, 0)) || !(size = cpu_in(g, op, 1)) ||
	    !(out = cpu_out(g, op, 0))) {
		cpu_msg(err, errlen, "needs input, size and one output");
		return -EINVAL;
	}
	if (in->rank != 4 || out->rank != 4) {
		cpu_msg(err, errlen, "input and output must be 4-D (NHWC)");
		return -EINVAL;
	}
	if (size->type != NPU_TYPE_INT32 || size->rank != 1 ||
	    size->shape[0] != 2) {
		cpu_msg(err, errlen, "size must be an int32 tensor of 2");
		return -EINVAL;
	}
	if (!size->data || size->is_variable) {
		cpu_msg(err, errlen, "a size computed at run time is not supported");
		return -ENOTSUP;
	}
	if (in->type != out->type) {
		cpu_msg(err, errlen, "input is %s, output %s",
			npu_type_name(in->type), npu_type_name(out->type));
		return -EINVAL;
	}
	sz = size->data;
	/* resize_nearest_neighbor.cc takes a size of 0 (an empty output). */
	if (bilinear ? sz[0] <= 0 || sz[1] <= 0 : sz[0] < 0 || sz[1] < 0) {
		cpu_msg(err, errlen, "size %d x %d is not %s", sz[0], sz[1],
			bilinear ? "positive" : "positive or 0");
		return -EINVAL;
	}
	if (out->shape[0] != in->shape[0] || out->shape[1] != sz[0] ||
	    out->shape[2] != sz[1] || out->shape[3] != in->shape[3]) {
		cpu_msg(err, errlen, "output shape is not [%d, %d, %d, %d]",
			in->shape[0], sz[0], sz[1], in->shape[3]);
		return -EINVAL;
	}
	for (int i = 0; i < 4; i++) {
		s->in[i] = (uint32_t)in->shape[i];
		s->out[i] = (uint32_t)out->shape[i];
	}
	/*
	 * An empty batch, channel axis or (nearest) size gives an empty
	 * output, as in TFLite.  An empty input height or width with a
	 * non-empty output is refused: TFLite's kernels read outside the
	 * input then (the interpreter crashes).
	 */
	if (out->elements && (!s->in[1] || !s->in[2])) {
		cpu_msg(err, errlen, "input of height or width 0 resized to %d x %d",
			sz[0], sz[1]);
		return -EINVAL;
	}
	if (op->options_kind != NPU_OPTS_RESIZE) {
		cpu_msg(err, errlen, "options missing");
		return -EINVAL;
	}
	s->align = op->options.resize.align_corners;
	s->half = op->options.resize.half_pixel_centers;
	if (bilinear && s->align && s->half) {
		cpu_msg(err, errlen,
			"half_pixel_centers needs align_corners false");
		return -EINVAL;
	}
	return 0;
}

static int lower_resize(const struct cpu_prep *p)
{
	const struct npu_graph *g = p->g;
	const struct npu_graph_op *op = p->op;
	struct npu_cpu_prepared *out = p->out;
	char *err = p->err;
	const size_t errlen = p->errlen;
	const bool bilinear = op->builtin == NPU_BUILTIN_RESIZE_BILINEAR;
	const struct npu_graph_tensor *in;
	struct npu_resize_params *r;
	struct npu_cpu_cmd *cmd;
	struct resize_shape s;
	uint8_t dt = 0;
	int ret;

	ret = resize_check(g, op, &s, err, errlen);
	if (ret)
		return ret;
	in = cpu_in(g, op, 0);
	switch (in->type) {
	case NPU_TYPE_INT8:
		dt = NPU_DTYPE_INT8;
		break;
	case NPU_TYPE_INT16:
		dt = NPU_DTYPE_INT16;
		break;
	case NPU_TYPE_UINT8:	/* bilinear: float arithmetic in TFLite */
		dt = bilinear ? 0 : NPU_DTYPE_UINT8;
		break;
	case NPU_TYPE_FLOAT32:	/* a gather only looks at the element size */
		dt = bilinear ? 0 : NPU_DTYPE_INT32;
		break;
	default:
		break;
	}
	if (!dt) {
		cpu_msg(err, errlen, "%s %s has no NPU kernel",
			npu_type_name(in->type), npu_op_name(op->builtin));
		return -ENOTSUP;
	}
	/* An empty output: nothing to compute, no command. */
	if (!cpu_out(g, op, 0)->elements)
		return 0;
	if (s.in[1] > NPU_LIMIT_DIM || s.in[2] > NPU_LIMIT_DIM ||
	    s.out[1] > NPU_LIMIT_DIM || s.out[2] > NPU_LIMIT_DIM) {
		cpu_msg(err, errlen, "height or width beyond %u", NPU_LIMIT_DIM);
		return -ENOTSUP;
	}
	if (!bilinear) {
		out->table_bytes = 2u * (s.out[1] + s.out[2]);
		out->table = malloc(out->table_bytes);
		if (!out->table)
			return -ENOMEM;
		if (npu_host_resize_nearest_table(s.in[1], s.in[2], s.out[1],
						  s.out[2], s.align, s.half,
						  out->table))
			return -EINVAL;
	}
	cmd = lower_add_cmd(p, bilinear ? NPU_CMD_RESIZE_BILINEAR :
					  NPU_CMD_RESIZE_NEAREST, 0);
	if (!cmd)
		return -ENOMEM;
	r = &cmd->params.resize;
	/* The stored values are resized as they are: one zero point. */
	npu_tensor_set(&r->input, 0, dt, cpu_zero_point(in), 4, s.in);
	npu_tensor_set(&r->output, 0, dt, cpu_zero_point(in), 4, s.out);
	if (bilinear)
		r->flags = (s.align ? NPU_RESIZE_ALIGN_CORNERS : 0) |
			   (s.half ? NPU_RESIZE_HALF_PIXEL_CENTERS : 0);
	return 0;
}

/* ---- float32 and uint8 bilinear: TFLite's float template (cpu_opt.h) ---- */

struct bl_state {
	struct cpu_bilinear_f s;
	enum cpu_isa isa;
};

static int bl_prepare(const struct cpu_prep *p, void **state)
{
	struct bl_state *st;
	struct resize_shape s;
	int ret = resize_check(p->g, p->op, &s, p->err, p->errlen);
	enum npu_type t;

	if (ret)
		return ret;
	t = cpu_in(p->g, p->op, 0)->type;
	if (t != NPU_TYPE_FLOAT32 && t != NPU_TYPE_UINT8) {
		cpu_msg(p->err, p->errlen, "%s RESIZE_BILINEAR has no CPU kernel",
			npu_type_name(t));
		return -ENOTSUP;
	}
	st = calloc(1, sizeof(*st));
	if (!st)
		return -ENOMEM;
	memcpy(st->s.in, s.in, sizeof(s.in));
	memcpy(st->s.out, s.out, sizeof(s.out));
	st->s.align = s.align;
	st->s.half = s.half;
	st->s.u8 = t == NPU_TYPE_UINT8;
	st->isa = cpu_isa_best();
	*state = st;
	return 0;
}

/* The optimized kernel (the same bytes); the template itself when out of memory. */
static int bl_invoke(const struct npu_cpu_kernel_args *a, void *state)
{
	const struct bl_state *st = state;

	if (!cpu_opt_resize_bilinear_f(&st->s, a->inputs[0], a->outputs[0], st->isa, a->pool))
		cpu_ref_resize_bilinear_f(&st->s, a->inputs[0], a->outputs[0]);
	return 0;
}

static const struct cpu_kernel bilinear_float = {
	.prepare = bl_prepare,
	.invoke = bl_invoke,
};

/* uint8 is refused by the lowering and runs the float template too. */
const struct npu_builtin_impl npu_builtin_resize_bilinear = {
	.lower = lower_resize,
	.float_kernel = &bilinear_float,
	.float_takes_int = true,
};

const struct npu_builtin_impl npu_builtin_resize_nearest_neighbor = {
	.lower = lower_resize,
};
