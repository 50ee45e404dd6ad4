// SPDX-License-Identifier: MIT
/*
 * The command table lookup, the checks every command's check is made of,
 * operand ranges and the command-stream validator.
 *
 * Everything here runs on untrusted input (the kernel validates streams
 * from userspace with it before queueing): all arithmetic on sizes is done
 * in 64 bits after bounding each factor, every read of the stream is
 * bounds-checked, and there is no recursion and no allocation.
 */
#include "fw_internal.h"

/* ---- the command table: the rows of each fw_ops_*.c ---- */

static const struct fw_cmd *const fw_cmd_groups[] = {
	fw_cmds_stream, fw_cmds_conv, fw_cmds_elt, fw_cmds_pool, fw_cmds_move,
	fw_cmds_reduce, fw_cmds_minmax, fw_cmds_prelu,
	fw_cmds_resize, fw_cmds_copy, fw_cmds_dma, fw_cmds_softmax,
};

const struct fw_cmd *fw_cmd_find(uint32_t opcode)
{
	const struct fw_cmd *c;
	uint32_t g;

	for (g = 0; g < sizeof(fw_cmd_groups) / sizeof(fw_cmd_groups[0]); g++)
		for (c = fw_cmd_groups[g]; c->name; c++)
			if (c->opcode == opcode)
				return c;
	return NULL;
}

int32_t npu_fw_params_size(uint32_t opcode)
{
	const struct fw_cmd *c = fw_cmd_find(opcode);

	return c ? c->params_size : -1;
}

const char *npu_fw_cmd_name(uint32_t opcode)
{
	const struct fw_cmd *c = fw_cmd_find(opcode);

	return c ? c->name : "?";
}

uint32_t npu_fw_cmd_features(uint32_t opcode)
{
	const struct fw_cmd *c = fw_cmd_find(opcode);

	return c ? c->features : 0;
}

/* ---- check helpers ---- */

int fw_limit_fail(struct npu_fw_reason *why, const char *what, int64_t value,
		  int64_t limit, const char *msg)
{
	why->text = msg;
	why->what = what;
	why->value = value;
	why->height = 0;
	why->width = 0;
	why->limit = limit;
	return -NPU_FW_EINVAL;
}

int fw_zp_fits(uint32_t dtype, int32_t zp)
{
	switch (dtype) {
	case NPU_DTYPE_INT8:
		return zp >= NPU_FW_S8_MIN && zp <= NPU_FW_S8_MAX;
	case NPU_DTYPE_UINT8:
		return zp >= 0 && zp <= 255;
	case NPU_DTYPE_INT16:
		return zp >= NPU_FW_S16_MIN && zp <= NPU_FW_S16_MAX;
	default:
		return 1;
	}
}

/* A memory array of @len bytes at @va with @align alignment. */
int fw_va_ok(uint64_t va, uint64_t len, uint32_t align)
{
	if (va & (align - 1))
		return 0;
	/* No region is larger than the address space. */
	if (NPU_ADDR_REGION(va))
		va = NPU_ADDR_OFFSET(va);
	else if (va >= NPU_SRAM_VA)
		return npu_fw_in_sram(va, len);
	return va <= NPU_VA_SIZE && len <= NPU_VA_SIZE - va;
}

/* One dimension and the bytes up to it: any tensor's hardware limits. */
static int check_extent(uint32_t dim, uint64_t bytes, struct npu_fw_reason *why)
{
	FW_LIMIT(why, "dimension", dim, NPU_LIMIT_DIM,
		 "tensor dimension out of range");
	FW_LIMIT(why, "tensor size in bytes", bytes, NPU_LIMIT_TENSOR_BYTES,
		 "tensor too large");
	return 0;
}

int npu_fw_check_shape(uint32_t rank, const uint32_t *dims,
		       uint32_t elem_size, struct npu_fw_reason *why)
{
	uint64_t bytes = elem_size;
	uint32_t i;

	fw_memset(why, 0, sizeof(*why));
	FW_LIMIT(why, "rank", rank, NPU_CS_MAX_DIMS, "unsupported tensor rank");
	for (i = 0; i < rank; i++) {
		bytes *= dims[i];	/* < 2^28 * 2^32: no overflow */
		if (check_extent(dims[i], bytes, why))
			return -NPU_FW_EINVAL;
	}
	return 0;
}

static uint32_t max_u32(uint32_t a, uint32_t b)
{
	return a > b ? a : b;
}

static int limit_2d(struct npu_fw_reason *why, const char *what, uint32_t h,
		    uint32_t w, uint32_t limit, const char *msg)
{
	fw_limit_fail(why, what, max_u32(h, w), limit, msg);
	why->height = h;
	why->width = w;
	return -NPU_FW_EINVAL;
}

int npu_fw_check_geometry(const struct npu_fw_geometry *g,
			  struct npu_fw_reason *why)
{
	fw_memset(why, 0, sizeof(*why));
	FW_LIMIT(why, "stride", max_u32(g->stride_h, g->stride_w),
		 NPU_LIMIT_STRIDE, "stride exceeds the NPU limit");
	FW_LIMIT(why, "dilation", max_u32(g->dilation_h, g->dilation_w),
		 NPU_LIMIT_DILATION, "dilation exceeds the NPU limit");
	if (max_u32(g->window_h, g->window_w) > NPU_LIMIT_POOL)
		return limit_2d(why, "window", g->window_h, g->window_w,
				NPU_LIMIT_POOL, "pool window exceeds the NPU limit");
	if (max_u32(g->kernel_h, g->kernel_w) > NPU_LIMIT_KERNEL)
		return limit_2d(why, "kernel", g->kernel_h, g->kernel_w,
				NPU_LIMIT_KERNEL, "kernel size exceeds the NPU limit");
	return 0;
}

/*
 * @rank_min..@rank_max: allowed ranks.  Bounds every dimension and the
 * byte size so that 32-bit element indices in the kernels cannot overflow.
 */
int fw_check_tensor(const struct npu_tensor *t, uint32_t types,
		    uint32_t rank_min, uint32_t rank_max,
		    struct npu_fw_reason *why)
{
	uint64_t bytes;
	uint32_t i, es;

	FW_CHECK(why, t->dtype < 32 && (types & (1u << t->dtype)),
		 "unsupported tensor type");
	FW_CHECK(why, t->rank >= rank_min && t->rank <= rank_max,
		 "unsupported tensor rank");
	FW_CHECK(why, t->encoding == NPU_WEIGHTS_RAW && t->encoded_bytes == 0,
		 "encoding on an operand that cannot be encoded");
	es = npu_dtype_size(t->dtype);
	bytes = es;
	for (i = 0; i < NPU_CS_MAX_DIMS; i++) {
		if (i >= t->rank) {
			FW_CHECK(why, t->dims[i] == 0,
				 "dimension beyond rank not zero");
			continue;
		}
		FW_CHECK(why, t->dims[i] >= 1, "tensor dimension out of range");
		bytes *= t->dims[i];	/* < 2^28 * 2^32: no overflow */
		if (check_extent(t->dims[i], bytes, why))
			return -NPU_FW_EINVAL;
	}
	FW_CHECK(why, fw_zp_fits(t->dtype, t->zero_point),
		 "zero point out of range");
	FW_CHECK(why, fw_va_ok(t->addr, bytes, es),
		 "tensor address misaligned or outside the address space");
	return 0;
}

int fw_same_dims(const struct npu_tensor *a, const struct npu_tensor *b)
{
	uint32_t i;

	if (a->rank != b->rank)
		return 0;
	for (i = 0; i < NPU_CS_MAX_DIMS; i++)
		if (a->dims[i] != b->dims[i])
			return 0;
	return 1;
}

int fw_check_act(uint32_t dtype, int32_t lo, int32_t hi,
		 struct npu_fw_reason *why)
{
	FW_CHECK(why, lo <= hi, "activation min above max");
	if (dtype == NPU_DTYPE_INT8)
		FW_CHECK(why, lo >= NPU_FW_S8_MIN && hi <= NPU_FW_S8_MAX,
			 "activation range outside int8");
	else if (dtype == NPU_DTYPE_UINT8)
		FW_CHECK(why, lo >= 0 && hi <= 255,
			 "activation range outside uint8");
	else
		FW_CHECK(why, lo >= NPU_FW_S16_MIN && hi <= NPU_FW_S16_MAX,
			 "activation range outside int16");
	return 0;
}

int fw_check_rq(const struct npu_requant *rq, uint32_t channels,
		uint32_t bias_size, uint32_t flags, struct npu_fw_reason *why)
{
	FW_CHECK(why, (rq->flags & ~(NPU_RQ_HAS_BIAS | flags)) == 0,
		 "unknown requant flags");
	FW_CHECK(why, rq->count == 0 || rq->count == channels,
		 "requant count is neither 0 nor the channel count");
	if (rq->count) {
		FW_CHECK(why, fw_va_ok(rq->mult_addr, (uint64_t)rq->count * 4, 4),
			 "multiplier array misaligned or outside the address space");
		FW_CHECK(why, fw_va_ok(rq->shift_addr, (uint64_t)rq->count * 4, 4),
			 "shift array misaligned or outside the address space");
	} else {
		FW_CHECK(why, rq->mult_addr == 0 && rq->shift_addr == 0,
			 "per-tensor requant with array addresses");
	}
	if (!rq->count && (rq->flags & NPU_RQ_SCALE_F64)) {
		/* Any bits are defined; these are never a model's scale. */
		FW_CHECK(why, ((uint32_t)rq->shift >> 20) < 0x7ff,
			 "binary64 scale negative, infinite or NaN");
	} else if (!rq->count) {
		FW_CHECK(why, rq->multiplier >= 0, "negative multiplier");
		FW_CHECK(why, rq->shift >= -31 && rq->shift <= 30,
			 "shift out of range");
	}
	if (rq->flags & NPU_RQ_HAS_BIAS)
		FW_CHECK(why, fw_va_ok(rq->bias_addr,
				       (uint64_t)channels * bias_size, bias_size),
			 "bias array misaligned or outside the address space");
	else
		FW_CHECK(why, rq->bias_addr == 0,
			 "bias address without HAS_BIAS");
	return 0;
}

/*
 * Every output window of a conv/pool overlaps the input (TFLite's SAME and
 * VALID always do; an average over nothing is undefined).
 */
int fw_check_window(uint32_t in, uint32_t out, uint32_t k, uint32_t dil,
		    uint32_t stride, uint32_t pad, struct npu_fw_reason *why)
{
	uint64_t extent = (uint64_t)(k - 1) * dil + 1;

	FW_CHECK(why, stride >= 1 && dil >= 1, "stride or dilation zero");
	FW_CHECK(why, extent <= (1u << 20), "kernel extent too large");
	FW_CHECK(why, pad < extent, "padding swallows the whole window");
	FW_CHECK(why, (uint64_t)(out - 1) * stride < (uint64_t)in + pad,
		 "output larger than the padded input");
	return 0;
}

int fw_check_same_shape(const struct npu_tensor *in,
			const struct npu_tensor *out, uint32_t types,
			struct npu_fw_reason *why)
{
	if (fw_check_tensor(in, types, 0, NPU_CS_MAX_DIMS, why) ||
	    fw_check_tensor(out, types, 0, NPU_CS_MAX_DIMS, why))
		return -NPU_FW_EINVAL;
	FW_CHECK(why, in->dtype == out->dtype, "input and output types differ");
	FW_CHECK(why, fw_same_dims(in, out), "input and output shapes differ");
	return 0;
}

int fw_check_bcast(const struct npu_tensor *in1, const struct npu_tensor *in2,
		   const struct npu_tensor *out, uint32_t types,
		   struct npu_fw_reason *why)
{
	uint32_t i;

	if (fw_check_tensor(in1, types, 1, NPU_CS_MAX_DIMS, why) ||
	    fw_check_tensor(in2, types, 1, NPU_CS_MAX_DIMS, why) ||
	    fw_check_tensor(out, types, 1, NPU_CS_MAX_DIMS, why))
		return -NPU_FW_EINVAL;
	FW_CHECK(why, in1->dtype == out->dtype && in2->dtype == out->dtype,
		 "operand types differ");
	FW_CHECK(why, in1->rank == out->rank && in2->rank == out->rank,
		 "operand ranks differ");
	for (i = 0; i < out->rank; i++) {
		FW_CHECK(why, in1->dims[i] == out->dims[i] || in1->dims[i] == 1,
			 "input1 does not broadcast");
		FW_CHECK(why, in2->dims[i] == out->dims[i] || in2->dims[i] == 1,
			 "input2 does not broadcast");
	}
	return 0;
}

int fw_check_move_pair(const struct npu_tensor *in,
		       const struct npu_tensor *out, uint32_t types,
		       struct npu_fw_reason *why)
{
	if (fw_check_tensor(in, types, 1, NPU_CS_MAX_DIMS, why) ||
	    fw_check_tensor(out, types, 1, NPU_CS_MAX_DIMS, why))
		return -NPU_FW_EINVAL;
	FW_CHECK(why, in->dtype == out->dtype, "input and output types differ");
	FW_CHECK(why, in->rank == out->rank, "input and output ranks differ");
	FW_CHECK(why, in->zero_point == out->zero_point,
		 "input and output zero points differ");
	return 0;
}

static int check_parsed(uint32_t opcode, const union npu_cmd_params *p,
			uint32_t flags, struct npu_fw_reason *why)
{
	const struct fw_cmd *c = fw_cmd_find(opcode);

	FW_CHECK(why, c, "unknown opcode");
	return c->check ? c->check(opcode, p, flags, why) : 0;
}

int npu_fw_check_cmd(uint32_t opcode, const void *params, uint32_t size,
		     uint32_t flags, struct npu_fw_reason *why)
{
	union npu_cmd_params p;
	struct npu_fw_reason dummy;
	int32_t ps = npu_fw_params_size(opcode);

	if (!why)
		why = &dummy;
	fw_memset(why, 0, sizeof(*why));
	FW_CHECK(why, ps >= 0, "unknown opcode");
	FW_CHECK(why, size >= (uint32_t)ps && (ps == 0 || params),
		 "parameter block too small");
	fw_memset(&p, 0, sizeof(p));
	fw_memcpy(&p, params, (size_t)ps);
	return check_parsed(opcode, &p, flags, why);
}

int npu_fw_check_op(uint32_t opcode, const void *params, uint32_t size,
		    uint32_t flags, const char **reason)
{
	struct npu_fw_reason why;
	int r = npu_fw_check_cmd(opcode, params, size, flags, &why);

	if (reason)
		*reason = r ? why.text : NULL;
	return r;
}

/* ---- NOP and STREAM, the processor's own commands ---- */

static int check_stream(uint32_t opcode, const union npu_cmd_params *p,
			uint32_t flags, struct npu_fw_reason *why)
{
	(void)opcode;
	(void)flags;
	FW_CHECK(why, p->stream.version == NPU_CS_VERSION,
		 "unsupported command-stream version");
	FW_CHECK(why, p->stream.flags == 0, "unknown stream flags");
	return 0;
}

const struct fw_cmd fw_cmds_stream[] = {
	{ .opcode = NPU_CMD_NOP, .name = "NOP" },
	{ .opcode = NPU_CMD_STREAM, .name = "STREAM",
	  .params_size = sizeof(struct npu_stream_params),
	  .check = check_stream },
	{ .name = NULL }
};

/* ---- operands ---- */

void fw_add_operand(struct npu_fw_operand *ops, uint32_t *n,
		    const __u64 *field, uint64_t len, uint32_t access,
		    uint32_t slot)
{
	ops[*n].field = field;
	ops[*n].va = *field;
	ops[*n].len = len;
	ops[*n].access = access;
	ops[*n].slot = slot;
	(*n)++;
}

void fw_add_tensor(struct npu_fw_operand *ops, uint32_t *n,
		   const struct npu_tensor *t, uint32_t access, uint32_t slot)
{
	fw_add_operand(ops, n, &t->addr, npu_tensor_bytes(t), access, slot);
}

void fw_add_requant(struct npu_fw_operand *ops, uint32_t *n,
		    const struct npu_requant *rq, uint32_t channels,
		    uint32_t bias_size)
{
	if (rq->flags & NPU_RQ_HAS_BIAS)
		fw_add_operand(ops, n, &rq->bias_addr,
			       (uint64_t)channels * bias_size,
			       NPU_FW_ACCESS_READ, NPU_FW_SLOT_BIAS);
	if (rq->count) {
		fw_add_operand(ops, n, &rq->mult_addr, (uint64_t)rq->count * 4,
			       NPU_FW_ACCESS_READ, NPU_FW_SLOT_MULT);
		fw_add_operand(ops, n, &rq->shift_addr, (uint64_t)rq->count * 4,
			       NPU_FW_ACCESS_READ, NPU_FW_SLOT_SHIFT);
	}
}

/* Every such command's parameters start with input and output tensors. */
uint32_t fw_operands_in_out(uint32_t opcode, const union npu_cmd_params *p,
			    struct npu_fw_operand ops[NPU_FW_SLOT_COUNT])
{
	uint32_t n = 0;

	(void)opcode;
	fw_add_tensor(ops, &n, &p->copy.input, NPU_FW_ACCESS_READ,
		      NPU_FW_SLOT_IN0);
	fw_add_tensor(ops, &n, &p->copy.output, NPU_FW_ACCESS_WRITE,
		      NPU_FW_SLOT_OUT);
	return n;
}

/* Parameters starting with input1, input2, output (eltwise, PRELU). */
uint32_t fw_operands_in2_out(uint32_t opcode, const union npu_cmd_params *p,
			     struct npu_fw_operand ops[NPU_FW_SLOT_COUNT])
{
	uint32_t n = 0;

	(void)opcode;
	fw_add_tensor(ops, &n, &p->eltwise.input1, NPU_FW_ACCESS_READ,
		      NPU_FW_SLOT_IN0);
	fw_add_tensor(ops, &n, &p->eltwise.input2, NPU_FW_ACCESS_READ,
		      NPU_FW_SLOT_IN1);
	fw_add_tensor(ops, &n, &p->eltwise.output, NPU_FW_ACCESS_WRITE,
		      NPU_FW_SLOT_OUT);
	return n;
}

/* Every command using it has parameters starting with a tensor. */
uint32_t fw_features_uint8(uint32_t opcode, const union npu_cmd_params *p)
{
	(void)opcode;
	return p->copy.input.dtype == NPU_DTYPE_UINT8 ? NPU_FW_FEAT_UINT8 : 0;
}

uint32_t fw_operands_table(const struct npu_tensor *in,
			   const struct npu_tensor *out,
			   const __u64 *table_addr, uint64_t table_bytes,
			   struct npu_fw_operand ops[NPU_FW_SLOT_COUNT])
{
	uint32_t n = 0;

	fw_add_tensor(ops, &n, in, NPU_FW_ACCESS_READ, NPU_FW_SLOT_IN0);
	fw_add_operand(ops, &n, table_addr, table_bytes, NPU_FW_ACCESS_READ,
		       NPU_FW_SLOT_TABLE);
	fw_add_tensor(ops, &n, out, NPU_FW_ACCESS_WRITE, NPU_FW_SLOT_OUT);
	return n;
}

void fw_cost_output_elems(uint32_t opcode, const union npu_cmd_params *p,
			  struct fw_work *w)
{
	(void)opcode;
	w->elems = npu_tensor_elems(&p->copy.output);
}

uint32_t npu_fw_cmd_operands(uint32_t opcode,
			     const union npu_cmd_params *params,
			     struct npu_fw_operand ops[NPU_FW_SLOT_COUNT])
{
	const struct fw_cmd *c = fw_cmd_find(opcode);

	return c && c->operands ? c->operands(opcode, params, ops) : 0;
}

int npu_fw_cmd_ranges(uint32_t opcode, const void *params,
		     npu_fw_range_fn fn, void *ctx)
{
	const struct fw_cmd *c = fw_cmd_find(opcode);
	struct npu_fw_operand ops[NPU_FW_SLOT_COUNT];
	union npu_cmd_params p;
	int32_t ps = npu_fw_params_size(opcode);
	uint32_t i, n, access;
	int r;

	if (ps < 0)
		return -NPU_FW_EINVAL;
	fw_memset(&p, 0, sizeof(p));
	fw_memcpy(&p, params, (size_t)ps);
	n = npu_fw_cmd_operands(opcode, &p, ops);
	for (i = 0; i < n; i++) {
		access = ops[i].access;
		/* The command processor reads such an output first. */
		if (access == NPU_FW_ACCESS_WRITE && c &&
		    (c->flags & FW_CMD_KEEPS_OUTPUT))
			access |= NPU_FW_ACCESS_READ;
		r = fn(ctx, ops[i].va, ops[i].len, access);
		if (r)
			return r;
	}
	return 0;
}

/* ---- stream decoding and validation ---- */

uint32_t fw_decode_cmd(const uint8_t *cs, uint32_t size, uint32_t off,
		       uint32_t *opcode, union npu_cmd_params *p,
		       const char **reason)
{
	uint32_t hdr, words, bytes, i, have;
	const struct fw_cmd *c;
	int32_t ps;

	if (size - off < 4) {
		*reason = "truncated command header";
		return 0;
	}
	fw_memcpy(&hdr, cs + off, 4);
	*opcode = NPU_CS_HDR_OP(hdr);
	words = NPU_CS_HDR_WORDS(hdr);
	ps = npu_fw_params_size(*opcode);
	if (ps < 0) {
		*reason = "unknown opcode";
		return 0;
	}
	if (words == 0 || (uint64_t)words * 4 > size - off) {
		*reason = "truncated command";
		return 0;
	}
	bytes = words * 4;
	/* A structure that grew still takes its first version's size: the
	 * appended fields read as zero. */
	c = fw_cmd_find(*opcode);
	if (bytes - 4 < (c->params_min ? c->params_min : (uint32_t)ps)) {
		*reason = "command shorter than its parameters";
		return 0;
	}
	for (i = 4 + (uint32_t)ps; i < bytes; i++) {
		if (cs[off + i]) {
			*reason = "non-zero extension words";
			return 0;
		}
	}
	have = bytes - 4 < (uint32_t)ps ? bytes - 4 : (uint32_t)ps;
	fw_memset(p, 0, sizeof(*p));
	fw_memcpy(p, cs + off + 4, have);
	return bytes;
}

uint32_t npu_fw_cmd_param_features(uint32_t opcode,
				   const union npu_cmd_params *p)
{
	const struct fw_cmd *c = fw_cmd_find(opcode);

	if (!c)
		return 0;
	return c->features | (c->param_features ? c->param_features(opcode, p) : 0);
}

uint32_t npu_fw_stream_features(const void *cs, uint32_t size)
{
	const char *reason;
	union npu_cmd_params p;
	uint32_t off, opcode, bytes, need = 0;

	for (off = 0; cs && off < size; off += bytes) {
		bytes = fw_decode_cmd(cs, size, off, &opcode, &p, &reason);
		if (!bytes)
			break;
		need |= npu_fw_cmd_param_features(opcode, &p);
		need |= fw_sram_features(opcode, &p);
	}
	return need;
}

/* Out of line: npu_fw_validate()'s frame holds the SRAM record. */
static __attribute__((__noinline__)) int
validate_stream(const void *cs, uint32_t size, npu_fw_range_fn fn, void *ctx,
		struct npu_fw_verror *err, struct fw_sram_track *sram)
{
	const uint8_t *s = cs;
	union npu_cmd_params p;
	struct npu_fw_reason why = { 0 };
	uint32_t off = 0, idx = 0, opcode = 0, bytes;
	int r = 0, first;

	if (!cs || size == 0 || (size & 3) || size > NPU_LIMIT_STREAM_BYTES) {
		why.text = "stream size not a non-zero multiple of 4 within the limit";
		r = -NPU_FW_EINVAL;
		goto out;
	}
	for (; off < size; off += bytes, idx++) {
		bytes = fw_decode_cmd(s, size, off, &opcode, &p, &why.text);
		if (!bytes) {
			r = -NPU_FW_EINVAL;
			goto out;
		}
		first = idx == 0;
		if (first != (opcode == NPU_CMD_STREAM)) {
			why.text = idx == 0 ? "stream does not start with STREAM" :
					      "STREAM command not first";
			r = -NPU_FW_EINVAL;
			goto out;
		}
		r = check_parsed(opcode, &p, NPU_FW_CHECK_HW_LIMITS, &why);
		if (r)
			goto out;
		/* DRAM operands against the job's buffers, SRAM ones here. */
		r = fw_sram_check_cmd(sram, opcode, &p, fn, ctx, &why.text);
		if (r)
			goto out;
	}
out:
	if (err) {
		err->cmd_index = idx;
		err->offset = off;
		err->reason = r ? why.text : NULL;
	}
	return r;
}

int npu_fw_validate(const void *cs, uint32_t size, npu_fw_range_fn fn,
		    void *ctx, struct npu_fw_verror *err)
{
	struct fw_sram_track sram;

	sram.n = 0;
	return validate_stream(cs, size, fn, ctx, err, &sram);
}
