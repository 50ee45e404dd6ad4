// SPDX-License-Identifier: MIT
/*
 * STRIDED_COPY: one box of elements from any strided view of the input to
 * any strided view of the output, or a fill of the box
 * (struct npu_strided_copy_params).  Sequences of boxes express the
 * data-movement builtins the fixed-shape commands cannot
 * (BATCH_TO_SPACE_ND, SPACE_TO_BATCH_ND, MIRROR_PAD, TILE).  No arithmetic
 * on values: exact for every type.
 */
#include "fw_internal.h"

void npu_op_strided_copy(const struct npu_strided_copy_params *p,
			 const void *in, void *out)
{
	const uint32_t es = npu_dtype_size(p->output.dtype);
	const int fill = !!(p->flags & NPU_COPY_FILL);
	const uint32_t *e = p->extent;
	const uint8_t *src = in;
	uint8_t *dst = out;
	uint8_t value[8];
	uint32_t i0, i1, i2, i3, i4, b;

	/* The value's two's-complement image, sign-extended to 8 bytes. */
	for (b = 0; b < es && b < sizeof(value); b++)
		value[b] = (uint8_t)((uint64_t)(int64_t)p->fill_value >> (8 * b));
	for (i0 = 0; i0 < e[0]; i0++)
	for (i1 = 0; i1 < e[1]; i1++)
	for (i2 = 0; i2 < e[2]; i2++)
	for (i3 = 0; i3 < e[3]; i3++) {
		int64_t s = (int64_t)p->in_offset +
			    (int64_t)i0 * p->in_stride[0] +
			    (int64_t)i1 * p->in_stride[1] +
			    (int64_t)i2 * p->in_stride[2] +
			    (int64_t)i3 * p->in_stride[3];
		int64_t d = (int64_t)p->out_offset +
			    (int64_t)i0 * p->out_stride[0] +
			    (int64_t)i1 * p->out_stride[1] +
			    (int64_t)i2 * p->out_stride[2] +
			    (int64_t)i3 * p->out_stride[3];

		for (i4 = 0; i4 < e[4]; i4++) {
			fw_memcpy(dst + (uint64_t)d * es,
				  fill ? value : src + (uint64_t)s * es, es);
			s += p->in_stride[4];
			d += p->out_stride[4];
		}
	}
}

/* The lowest and highest element a strided box touches. */
static void box_span(const uint32_t *extent, uint32_t offset,
		     const int32_t *stride, int64_t *lo, int64_t *hi)
{
	uint32_t i;

	*lo = *hi = offset;
	for (i = 0; i < NPU_CS_MAX_DIMS; i++) {
		const int64_t reach = (int64_t)(extent[i] - 1) * stride[i];

		if (reach < 0)
			*lo += reach;
		else
			*hi += reach;
	}
}

static int fill_fits(uint32_t dtype, int32_t v)
{
	switch (dtype) {
	case NPU_DTYPE_INT8:
		return v >= -128 && v <= 127;
	case NPU_DTYPE_UINT8:
		return v >= 0 && v <= 255;
	case NPU_DTYPE_INT16:
		return v >= -32768 && v <= 32767;
	default:
		return 1;
	}
}

static int check_strided_copy(uint32_t op, const union npu_cmd_params *pp,
			      uint32_t flags, struct npu_fw_reason *why)
{
	const struct npu_strided_copy_params *p = &pp->strided_copy;
	const int fill = !!(p->flags & NPU_COPY_FILL);
	int64_t lo, hi;
	uint32_t i;

	(void)op;
	(void)flags;
	if (fw_check_tensor(&p->input, FW_T_ANY, 0, NPU_CS_MAX_DIMS, why) ||
	    fw_check_tensor(&p->output, FW_T_ANY, 0, NPU_CS_MAX_DIMS, why))
		return -NPU_FW_EINVAL;
	FW_CHECK(why, p->input.dtype == p->output.dtype,
		 "input and output types differ");
	FW_CHECK(why, p->input.zero_point == p->output.zero_point,
		 "input and output zero points differ");
	FW_CHECK(why, !(p->flags & ~NPU_COPY_FILL), "unknown copy flag");
	for (i = 0; i < NPU_CS_MAX_DIMS; i++)
		FW_CHECK(why, p->extent[i] >= 1 && p->extent[i] <= NPU_LIMIT_DIM,
			 "box extent outside 1..65535");
	box_span(p->extent, p->out_offset, p->out_stride, &lo, &hi);
	FW_CHECK(why, lo >= 0 && (uint64_t)hi < npu_tensor_elems(&p->output),
		 "box outside the output");
	if (fill) {
		for (i = 0; i < NPU_CS_MAX_DIMS; i++)
			FW_CHECK(why, p->in_stride[i] == 0,
				 "fill with an input stride");
		FW_CHECK(why, p->in_offset == 0, "fill with an input offset");
		FW_CHECK(why, fill_fits(p->output.dtype, p->fill_value),
			 "fill value outside the type");
		return 0;
	}
	box_span(p->extent, p->in_offset, p->in_stride, &lo, &hi);
	FW_CHECK(why, lo >= 0 && (uint64_t)hi < npu_tensor_elems(&p->input),
		 "box outside the input");
	return 0;
}

/* A fill reads no input. */
static uint32_t operands_strided_copy(uint32_t op,
				      const union npu_cmd_params *p,
				      struct npu_fw_operand ops[NPU_FW_SLOT_COUNT])
{
	uint32_t n = 0;

	if (!(p->strided_copy.flags & NPU_COPY_FILL))
		return fw_operands_in_out(op, p, ops);
	fw_add_tensor(ops, &n, &p->strided_copy.output, NPU_FW_ACCESS_WRITE,
		      NPU_FW_SLOT_OUT);
	return n;
}

/* One element per box element. */
static void cost_strided_copy(uint32_t op, const union npu_cmd_params *p,
			      struct fw_work *w)
{
	const uint32_t *e = p->strided_copy.extent;

	(void)op;
	w->elems = (uint64_t)e[0] * e[1] * e[2] * e[3] * e[4];
}

static void run_strided_copy(uint32_t op, const union npu_cmd_params *p,
			     void *const *b)
{
	(void)op;
	npu_op_strided_copy(&p->strided_copy, b[NPU_FW_SLOT_IN0],
			    b[NPU_FW_SLOT_OUT]);
}

const struct fw_cmd fw_cmds_copy[] = {
	{ .opcode = NPU_CMD_STRIDED_COPY, .name = "STRIDED_COPY",
	  .features = NPU_FW_FEAT_STRIDED_COPY, .flags = FW_CMD_KEEPS_OUTPUT,
	  .params_size = sizeof(struct npu_strided_copy_params),
	  .check = check_strided_copy, .operands = operands_strided_copy,
	  .cost = cost_strided_copy, .run = run_strided_copy },
	{ .name = NULL }
};
