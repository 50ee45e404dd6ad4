// SPDX-License-Identifier: MIT
/*
 * Data movement: PAD, TRANSPOSE, CONCATENATION (one input), STRIDED_SLICE,
 * COPY.  Element size comes from the tensors' dtype; no arithmetic on
 * values, so these are exact for every type.
 */
#include "fw_internal.h"

static inline void copy_elem(uint8_t *dst, const uint8_t *src, uint32_t es)
{
	switch (es) {
	case 1:
		*dst = *src;
		break;
	default:
		fw_memcpy(dst, src, es);
		break;
	}
}

/* Row-major element strides of a 5-D shape. */
static void strides5(const struct fw_shape5 *s, uint32_t *st)
{
	uint32_t acc = 1;
	int i;

	for (i = NPU_CS_MAX_DIMS - 1; i >= 0; i--) {
		st[i] = acc;
		acc *= s->d[i];
	}
}

void npu_op_pad(const struct npu_pad_params *p, const void *in, void *out)
{
	const uint32_t es = npu_dtype_size(p->input.dtype);
	const uint32_t lead = NPU_CS_MAX_DIMS - p->input.rank;
	struct fw_shape5 is, os;
	uint32_t ost[NPU_CS_MAX_DIMS], before[NPU_CS_MAX_DIMS];
	uint32_t i0, i1, i2, i3, i4, i, n, k = 0;
	uint8_t *o = out;
	const uint8_t *src = in;

	fw_shape5(&p->input, &is);
	fw_shape5(&p->output, &os);
	strides5(&os, ost);
	for (i = 0; i < NPU_CS_MAX_DIMS; i++)
		before[i] = i < lead ? 0 : p->before[i - lead];

	/* Fill with the pad value (little-endian element image)... */
	n = (uint32_t)npu_tensor_elems(&p->output);
	for (i = 0; i < n; i++) {
		uint32_t b;

		for (b = 0; b < es; b++)
			o[i * es + b] = (uint8_t)((uint32_t)p->pad_value >>
						  (8 * b));
	}
	/* ...then place the input rows. */
	for (i0 = 0; i0 < is.d[0]; i0++)
	for (i1 = 0; i1 < is.d[1]; i1++)
	for (i2 = 0; i2 < is.d[2]; i2++)
	for (i3 = 0; i3 < is.d[3]; i3++) {
		uint32_t dst = (i0 + before[0]) * ost[0] +
			       (i1 + before[1]) * ost[1] +
			       (i2 + before[2]) * ost[2] +
			       (i3 + before[3]) * ost[3] + before[4];

		for (i4 = 0; i4 < is.d[4]; i4++, k++)
			copy_elem(o + (dst + i4) * es, src + k * es, es);
	}
}

/*
 * Element k of @out (the 5-D output shape @os, in order) is the input
 * element at base + sum of index[i] * st[i]: TRANSPOSE and STRIDED_SLICE.
 */
static void gather5(const struct fw_shape5 *os, int64_t base,
		    const int64_t *st, uint32_t es, const void *in, void *out)
{
	uint32_t i0, i1, i2, i3, i4, k = 0;
	const uint8_t *src = in;
	uint8_t *o = out;

	for (i0 = 0; i0 < os->d[0]; i0++)
	for (i1 = 0; i1 < os->d[1]; i1++)
	for (i2 = 0; i2 < os->d[2]; i2++)
	for (i3 = 0; i3 < os->d[3]; i3++) {
		const int64_t s = base + i0 * st[0] + i1 * st[1] +
				  i2 * st[2] + i3 * st[3];

		for (i4 = 0; i4 < os->d[4]; i4++, k++)
			copy_elem(o + (uint64_t)k * es,
				  src + (uint64_t)(s + i4 * st[4]) * es, es);
	}
}

void npu_op_transpose(const struct npu_transpose_params *p, const void *in,
		      void *out)
{
	const uint32_t es = npu_dtype_size(p->input.dtype);
	const uint32_t lead = NPU_CS_MAX_DIMS - p->input.rank;
	struct fw_shape5 is, os;
	uint32_t ist[NPU_CS_MAX_DIMS];
	int64_t st[NPU_CS_MAX_DIMS];
	uint32_t i;

	fw_shape5(&p->input, &is);
	fw_shape5(&p->output, &os);
	strides5(&is, ist);
	/* st[i]: input stride of output dimension i. */
	for (i = 0; i < NPU_CS_MAX_DIMS; i++)
		st[i] = i < lead ? 0 : ist[lead + p->perm[i - lead]];
	gather5(&os, 0, st, es, in, out);
}

void npu_op_concat(const struct npu_concat_params *p, const void *in,
		   const uint8_t *table, void *out)
{
	const uint32_t es = npu_dtype_size(p->input.dtype);
	uint32_t outer = 1, inner = es, i;
	uint32_t in_ax = p->input.dims[p->axis], out_ax = p->output.dims[p->axis];
	uint8_t *o = out;
	const uint8_t *src = in;

	for (i = 0; i < p->axis; i++)
		outer *= p->input.dims[i];
	for (i = p->axis + 1; i < p->input.rank; i++)
		inner *= p->input.dims[i];
	for (i = 0; i < outer; i++) {
		uint8_t *d = o + ((uint64_t)i * out_ax + p->offset) * inner;
		const uint8_t *s = src + (uint64_t)i * in_ax * inner;

		if (table)
			fw_map_bytes(table, s, d, in_ax * inner);
		else
			fw_memcpy(d, s, (size_t)in_ax * inner);
	}
}

void fw_map_bytes(const uint8_t *table, const uint8_t *src, uint8_t *dst,
		  uint64_t n)
{
	uint64_t i;

	for (i = 0; i < n; i++)
		dst[i] = table[src[i]];
}

void npu_op_strided_slice(const struct npu_slice_params *p, const void *in,
			  void *out)
{
	const uint32_t es = npu_dtype_size(p->input.dtype);
	const uint32_t lead = NPU_CS_MAX_DIMS - p->input.rank;
	struct fw_shape5 is, os;
	uint32_t ist[NPU_CS_MAX_DIMS];
	int64_t base = 0, st[NPU_CS_MAX_DIMS];
	uint32_t i;

	fw_shape5(&p->input, &is);
	fw_shape5(&p->output, &os);
	strides5(&is, ist);
	for (i = 0; i < NPU_CS_MAX_DIMS; i++) {
		const int64_t begin = i < lead ? 0 : p->begin[i - lead];
		const int64_t step = i < lead ? 1 : p->strides[i - lead];

		base += begin * ist[i];
		st[i] = step * ist[i];
	}
	gather5(&os, base, st, es, in, out);
}

void npu_op_copy(const struct npu_copy_params *p, const void *in, void *out)
{
	fw_memcpy(out, in, (size_t)npu_tensor_bytes(&p->input));
}

/* ---- checks, cost and the command rows ---- */

static int check_pad(uint32_t op, const union npu_cmd_params *pp,
		     uint32_t flags, struct npu_fw_reason *why)
{
	const struct npu_pad_params *p = &pp->pad;
	uint32_t i, after;

	(void)op;
	if (fw_check_move_pair(&p->input, &p->output, FW_T_ANY, why))
		return -NPU_FW_EINVAL;
	for (i = 0; i < NPU_CS_MAX_DIMS; i++) {
		if (i >= p->input.rank) {
			FW_CHECK(why, p->before[i] == 0, "padding beyond rank");
			continue;
		}
		FW_CHECK(why, (uint64_t)p->input.dims[i] + p->before[i] <=
			 p->output.dims[i], "padded output too small");
		after = p->output.dims[i] - p->input.dims[i] - p->before[i];
		if (flags & NPU_FW_CHECK_HW_LIMITS)
			FW_LIMIT(why, "padding", p->before[i] > after ?
				 p->before[i] : after, NPU_LIMIT_PAD,
				 "padding exceeds the NPU limit");
	}
	switch (p->input.dtype) {
	case NPU_DTYPE_INT8:
	case NPU_DTYPE_UINT8:
	case NPU_DTYPE_INT16:
		FW_CHECK(why, fw_zp_fits(p->input.dtype, p->pad_value) &&
			 (p->input.dtype != NPU_DTYPE_INT8 ||
			  (p->pad_value >= NPU_FW_S8_MIN &&
			   p->pad_value <= NPU_FW_S8_MAX)),
			 "pad value outside the type");
		break;
	case NPU_DTYPE_INT64:
		FW_FAIL(why, "PAD of int64 not supported");
	default:
		break;
	}
	return 0;
}

static int check_transpose(uint32_t op, const union npu_cmd_params *pp,
			   uint32_t flags, struct npu_fw_reason *why)
{
	const struct npu_transpose_params *p = &pp->transpose;
	uint32_t i, seen = 0;

	(void)op;
	(void)flags;
	if (fw_check_move_pair(&p->input, &p->output, FW_T_ANY, why))
		return -NPU_FW_EINVAL;
	FW_CHECK(why, p->reserved[0] == 0 && p->reserved[1] == 0 &&
		 p->reserved[2] == 0, "reserved field not zero");
	for (i = 0; i < NPU_CS_MAX_DIMS; i++) {
		if (i >= p->input.rank) {
			FW_CHECK(why, p->perm[i] == 0,
				 "permutation entry beyond rank");
			continue;
		}
		FW_CHECK(why, p->perm[i] < p->input.rank &&
			 !(seen & (1u << p->perm[i])), "not a permutation");
		seen |= 1u << p->perm[i];
		FW_CHECK(why, p->output.dims[i] == p->input.dims[p->perm[i]],
			 "output shape is not the permuted input shape");
	}
	return 0;
}

static int check_concat(uint32_t op, const union npu_cmd_params *pp,
			uint32_t flags, struct npu_fw_reason *why)
{
	const struct npu_concat_params *p = &pp->concat;
	uint32_t i;

	(void)op;
	(void)flags;
	FW_CHECK(why, (p->flags & ~NPU_CONCAT_TABLE) == 0 && p->reserved == 0,
		 "unknown concat flags or reserved field not zero");
	if (p->flags & NPU_CONCAT_TABLE) {
		/* Requantizing: 1-byte types, zero points may differ. */
		if (fw_check_tensor(&p->input, FW_T_S8 | FW_T_U8, 1,
				    NPU_CS_MAX_DIMS, why) ||
		    fw_check_tensor(&p->output, FW_T_S8 | FW_T_U8, 1,
				    NPU_CS_MAX_DIMS, why))
			return -NPU_FW_EINVAL;
		FW_CHECK(why, p->input.dtype == p->output.dtype,
			 "input and output types differ");
		FW_CHECK(why, p->input.rank == p->output.rank,
			 "input and output ranks differ");
		FW_CHECK(why, fw_va_ok(p->table_addr, 256, 1),
			 "table outside the address space");
	} else {
		FW_CHECK(why, p->table_addr == 0, "table address without the table flag");
		if (fw_check_move_pair(&p->input, &p->output, FW_T_ANY, why))
			return -NPU_FW_EINVAL;
	}
	FW_CHECK(why, p->axis < p->input.rank, "axis beyond rank");
	for (i = 0; i < p->input.rank; i++)
		if (i != p->axis)
			FW_CHECK(why, p->input.dims[i] == p->output.dims[i],
				 "concat inputs differ outside the axis");
	FW_CHECK(why, (uint64_t)p->offset + p->input.dims[p->axis] <=
		 p->output.dims[p->axis], "concat slice beyond the output");
	return 0;
}

static int check_slice(uint32_t op, const union npu_cmd_params *pp,
		       uint32_t flags, struct npu_fw_reason *why)
{
	const struct npu_slice_params *p = &pp->slice;
	uint32_t i;

	(void)op;
	(void)flags;
	if (fw_check_move_pair(&p->input, &p->output, FW_T_ANY, why))
		return -NPU_FW_EINVAL;
	for (i = 0; i < NPU_CS_MAX_DIMS; i++) {
		int64_t first, last;

		if (i >= p->input.rank) {
			FW_CHECK(why, p->begin[i] == 0 && p->strides[i] == 0,
				 "slice entry beyond rank");
			continue;
		}
		FW_CHECK(why, p->strides[i] != 0, "slice stride zero");
		first = p->begin[i];
		last = first + (int64_t)(p->output.dims[i] - 1) * p->strides[i];
		FW_CHECK(why, first >= 0 && first < p->input.dims[i] &&
			 last >= 0 && last < p->input.dims[i],
			 "slice outside the input");
	}
	return 0;
}

static int check_copy(uint32_t op, const union npu_cmd_params *pp,
		      uint32_t flags, struct npu_fw_reason *why)
{
	const struct npu_copy_params *p = &pp->copy;

	(void)op;
	(void)flags;
	if (fw_check_tensor(&p->input, FW_T_ANY, 0, NPU_CS_MAX_DIMS, why) ||
	    fw_check_tensor(&p->output, FW_T_ANY, 0, NPU_CS_MAX_DIMS, why))
		return -NPU_FW_EINVAL;
	FW_CHECK(why, npu_tensor_bytes(&p->input) ==
		 npu_tensor_bytes(&p->output), "copy sizes differ");
	return 0;
}

/* CONCATENATION reads its input and writes only that slice. */
static void cost_concat(uint32_t op, const union npu_cmd_params *p,
			struct fw_work *w)
{
	(void)op;
	w->elems = npu_tensor_elems(&p->concat.input);
	w->write_bytes = npu_tensor_bytes(&p->concat.input);
}

static void run_pad(uint32_t op, const union npu_cmd_params *p,
		    void *const *b)
{
	(void)op;
	npu_op_pad(&p->pad, b[NPU_FW_SLOT_IN0], b[NPU_FW_SLOT_OUT]);
}

static void run_transpose(uint32_t op, const union npu_cmd_params *p,
			  void *const *b)
{
	(void)op;
	npu_op_transpose(&p->transpose, b[NPU_FW_SLOT_IN0], b[NPU_FW_SLOT_OUT]);
}

static void run_concat(uint32_t op, const union npu_cmd_params *p,
		       void *const *b)
{
	(void)op;
	npu_op_concat(&p->concat, b[NPU_FW_SLOT_IN0],
		      p->concat.flags & NPU_CONCAT_TABLE ?
		      b[NPU_FW_SLOT_TABLE] : NULL,
		      b[NPU_FW_SLOT_OUT]);
}

/* Input, the requantization table if any, output. */
static uint32_t operands_concat(uint32_t op, const union npu_cmd_params *p,
				struct npu_fw_operand ops[NPU_FW_SLOT_COUNT])
{
	uint32_t n = 0;

	(void)op;
	fw_add_tensor(ops, &n, &p->concat.input, NPU_FW_ACCESS_READ,
		      NPU_FW_SLOT_IN0);
	if (p->concat.flags & NPU_CONCAT_TABLE)
		fw_add_operand(ops, &n, &p->concat.table_addr, 256,
			       NPU_FW_ACCESS_READ, NPU_FW_SLOT_TABLE);
	fw_add_tensor(ops, &n, &p->concat.output, NPU_FW_ACCESS_WRITE,
		      NPU_FW_SLOT_OUT);
	return n;
}

static uint32_t features_concat(uint32_t op, const union npu_cmd_params *p)
{
	(void)op;
	return p->concat.flags & NPU_CONCAT_TABLE ? NPU_FW_FEAT_UINT8 : 0;
}

static void run_slice(uint32_t op, const union npu_cmd_params *p,
		      void *const *b)
{
	(void)op;
	npu_op_strided_slice(&p->slice, b[NPU_FW_SLOT_IN0], b[NPU_FW_SLOT_OUT]);
}

static void run_copy(uint32_t op, const union npu_cmd_params *p,
		     void *const *b)
{
	(void)op;
	/* The CPU path runs RESHAPE in place. */
	if (b[NPU_FW_SLOT_IN0] != b[NPU_FW_SLOT_OUT])
		npu_op_copy(&p->copy, b[NPU_FW_SLOT_IN0], b[NPU_FW_SLOT_OUT]);
}

#define MOVE_ROW(op, nm, type, chk, runfn)				\
	{ .opcode = (op), .name = (nm),					\
	  .params_size = sizeof(struct type),				\
	  .check = (chk), .operands = fw_operands_in_out,		\
	  .cost = fw_cost_output_elems, .run = (runfn) }

const struct fw_cmd fw_cmds_move[] = {
	MOVE_ROW(NPU_CMD_PAD, "PAD", npu_pad_params, check_pad, run_pad),
	MOVE_ROW(NPU_CMD_TRANSPOSE, "TRANSPOSE", npu_transpose_params,
		 check_transpose, run_transpose),
	{ .opcode = NPU_CMD_CONCAT, .name = "CONCATENATION",
	  .flags = FW_CMD_WRITES_SLICE,
	  .params_size = sizeof(struct npu_concat_params),
	  /* flags, reserved and table_addr came with firmware 1.3.0 */
	  .params_min = offsetof(struct npu_concat_params, flags),
	  .param_features = features_concat,
	  .check = check_concat, .operands = operands_concat,
	  .cost = cost_concat, .run = run_concat },
	MOVE_ROW(NPU_CMD_STRIDED_SLICE, "STRIDED_SLICE", npu_slice_params,
		 check_slice, run_slice),
	MOVE_ROW(NPU_CMD_COPY, "COPY", npu_copy_params, check_copy, run_copy),
	{ .name = NULL }
};
