// SPDX-License-Identifier: MIT
/*
 * Parameter checks, operand ranges and the command-stream validator.
 *
 * Everything here runs on untrusted input (the kernel validates streams
 * from userspace with it before queueing): all arithmetic on sizes is done
 * in 64 bits after bounding each factor, every read of the stream is
 * bounds-checked, and there is no recursion and no allocation.
 */
#include "fw_internal.h"

#define FAIL(msg)	do { *reason = (msg); return -NPU_FW_EINVAL; } while (0)
#define CHECK(ok, msg)	do { if (!(ok)) FAIL(msg); } while (0)

static const uint16_t params_sizes[NPU_OP_COUNT] = {
	[NPU_OP_NOP] = 0,
	[NPU_OP_STREAM] = sizeof(struct npu_stream_params),
	[NPU_OP_CONV_2D] = sizeof(struct npu_conv_params),
	[NPU_OP_DEPTHWISE_CONV_2D] = sizeof(struct npu_conv_params),
	[NPU_OP_TRANSPOSE_CONV] = sizeof(struct npu_conv_params),
	[NPU_OP_FULLY_CONNECTED] = sizeof(struct npu_fc_params),
	[NPU_OP_ADD] = sizeof(struct npu_eltwise_params),
	[NPU_OP_SUB] = sizeof(struct npu_eltwise_params),
	[NPU_OP_MUL] = sizeof(struct npu_eltwise_params),
	[NPU_OP_AVERAGE_POOL_2D] = sizeof(struct npu_pool_params),
	[NPU_OP_MAX_POOL_2D] = sizeof(struct npu_pool_params),
	[NPU_OP_MEAN] = sizeof(struct npu_mean_params),
	[NPU_OP_PAD] = sizeof(struct npu_pad_params),
	[NPU_OP_TRANSPOSE] = sizeof(struct npu_transpose_params),
	[NPU_OP_CONCAT] = sizeof(struct npu_concat_params),
	[NPU_OP_STRIDED_SLICE] = sizeof(struct npu_slice_params),
	[NPU_OP_COPY] = sizeof(struct npu_copy_params),
	[NPU_OP_LUT] = sizeof(struct npu_lut_params),
	[NPU_OP_LEAKY_RELU] = sizeof(struct npu_leaky_relu_params),
	[NPU_OP_SIGMOID_S16] = sizeof(struct npu_sigmoid_s16_params),
};

static const char *const op_names[NPU_OP_COUNT] = {
	[NPU_OP_NOP] = "NOP",
	[NPU_OP_STREAM] = "STREAM",
	[NPU_OP_CONV_2D] = "CONV_2D",
	[NPU_OP_DEPTHWISE_CONV_2D] = "DEPTHWISE_CONV_2D",
	[NPU_OP_TRANSPOSE_CONV] = "TRANSPOSE_CONV",
	[NPU_OP_FULLY_CONNECTED] = "FULLY_CONNECTED",
	[NPU_OP_ADD] = "ADD",
	[NPU_OP_SUB] = "SUB",
	[NPU_OP_MUL] = "MUL",
	[NPU_OP_AVERAGE_POOL_2D] = "AVERAGE_POOL_2D",
	[NPU_OP_MAX_POOL_2D] = "MAX_POOL_2D",
	[NPU_OP_MEAN] = "MEAN",
	[NPU_OP_PAD] = "PAD",
	[NPU_OP_TRANSPOSE] = "TRANSPOSE",
	[NPU_OP_CONCAT] = "CONCATENATION",
	[NPU_OP_STRIDED_SLICE] = "STRIDED_SLICE",
	[NPU_OP_COPY] = "COPY",
	[NPU_OP_LUT] = "LUT",
	[NPU_OP_LEAKY_RELU] = "LEAKY_RELU",
	[NPU_OP_SIGMOID_S16] = "SIGMOID_S16",
};

int32_t npu_fw_params_size(uint32_t opcode)
{
	return opcode < NPU_OP_COUNT ? params_sizes[opcode] : -1;
}

const char *npu_fw_op_name(uint32_t opcode)
{
	return opcode < NPU_OP_COUNT ? op_names[opcode] : "?";
}

/* dtype bit masks for check_tensor() */
#define T_S8	(1u << NPU_DTYPE_INT8)
#define T_S16	(1u << NPU_DTYPE_INT16)
#define T_S32	(1u << NPU_DTYPE_INT32)
#define T_S64	(1u << NPU_DTYPE_INT64)
#define T_U8	(1u << NPU_DTYPE_UINT8)
#define T_ANY	(T_S8 | T_S16 | T_S32 | T_S64 | T_U8)

static int zp_fits(uint32_t dtype, int32_t zp)
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
static int va_ok(uint64_t va, uint64_t len, uint32_t align)
{
	return (va & (align - 1)) == 0 && va <= NPU_VA_SIZE &&
	       len <= NPU_VA_SIZE - va;
}

/*
 * @rank_min..@rank_max: allowed ranks.  Bounds every dimension and the
 * byte size so that 32-bit element indices in the kernels cannot overflow.
 */
static int check_tensor(const struct npu_tensor *t, uint32_t types,
			uint32_t rank_min, uint32_t rank_max,
			const char **reason)
{
	uint64_t bytes;
	uint32_t i, es;

	CHECK(t->dtype < 32 && (types & (1u << t->dtype)),
	      "unsupported tensor type");
	CHECK(t->rank >= rank_min && t->rank <= rank_max,
	      "unsupported tensor rank");
	CHECK(t->reserved0 == 0 && t->reserved1 == 0,
	      "reserved tensor field not zero");
	es = npu_dtype_size(t->dtype);
	bytes = es;
	for (i = 0; i < NPU_CS_MAX_DIMS; i++) {
		if (i >= t->rank) {
			CHECK(t->dims[i] == 0, "dimension beyond rank not zero");
			continue;
		}
		CHECK(t->dims[i] >= 1 && t->dims[i] <= NPU_LIMIT_DIM,
		      "tensor dimension out of range");
		bytes *= t->dims[i];	/* < 2^28 * 2^16: no overflow */
		CHECK(bytes <= NPU_LIMIT_TENSOR_BYTES, "tensor too large");
	}
	CHECK(zp_fits(t->dtype, t->zero_point), "zero point out of range");
	CHECK(va_ok(t->addr, bytes, es),
	      "tensor address misaligned or outside the address space");
	return 0;
}

static int same_dims(const struct npu_tensor *a, const struct npu_tensor *b)
{
	uint32_t i;

	if (a->rank != b->rank)
		return 0;
	for (i = 0; i < NPU_CS_MAX_DIMS; i++)
		if (a->dims[i] != b->dims[i])
			return 0;
	return 1;
}

static int check_act(uint32_t dtype, int32_t lo, int32_t hi,
		     const char **reason)
{
	CHECK(lo <= hi, "activation min above max");
	if (dtype == NPU_DTYPE_INT8)
		CHECK(lo >= NPU_FW_S8_MIN && hi <= NPU_FW_S8_MAX,
		      "activation range outside int8");
	else
		CHECK(lo >= NPU_FW_S16_MIN && hi <= NPU_FW_S16_MAX,
		      "activation range outside int16");
	return 0;
}

static int check_rq(const struct npu_requant *rq, uint32_t channels,
		    uint32_t bias_size, const char **reason)
{
	CHECK((rq->flags & ~NPU_RQ_HAS_BIAS) == 0, "unknown requant flags");
	CHECK(rq->count == 0 || rq->count == channels,
	      "requant count is neither 0 nor the channel count");
	if (rq->count) {
		CHECK(va_ok(rq->mult_addr, (uint64_t)rq->count * 4, 4),
		      "multiplier array misaligned or outside the address space");
		CHECK(va_ok(rq->shift_addr, (uint64_t)rq->count * 4, 4),
		      "shift array misaligned or outside the address space");
	} else {
		CHECK(rq->mult_addr == 0 && rq->shift_addr == 0,
		      "per-tensor requant with array addresses");
		CHECK(rq->multiplier >= 0, "negative multiplier");
		CHECK(rq->shift >= -31 && rq->shift <= 30,
		      "shift out of range");
	}
	if (rq->flags & NPU_RQ_HAS_BIAS)
		CHECK(va_ok(rq->bias_addr, (uint64_t)channels * bias_size,
			    bias_size),
		      "bias array misaligned or outside the address space");
	else
		CHECK(rq->bias_addr == 0, "bias address without HAS_BIAS");
	return 0;
}

/*
 * Every output window of a conv/pool overlaps the input (TFLite's SAME and
 * VALID always do; an average over nothing is undefined).
 */
static int check_window(uint32_t in, uint32_t out, uint32_t k, uint32_t dil,
			uint32_t stride, uint32_t pad, const char **reason)
{
	uint64_t extent = (uint64_t)(k - 1) * dil + 1;

	CHECK(stride >= 1 && dil >= 1, "stride or dilation zero");
	CHECK(extent <= (1u << 20), "kernel extent too large");
	CHECK(pad < extent, "padding swallows the whole window");
	CHECK((uint64_t)(out - 1) * stride < (uint64_t)in + pad,
	      "output larger than the padded input");
	return 0;
}

static int check_conv(uint32_t op, const struct npu_conv_params *p,
		      uint32_t flags, const char **reason)
{
	const struct npu_tensor *in = &p->input, *f = &p->filter;
	const struct npu_tensor *out = &p->output;
	int s16 = in->dtype == NPU_DTYPE_INT16;
	uint32_t ic, oc, kh, kw, kc;

	if (check_tensor(in, T_S8 | T_S16, 4, 4, reason) ||
	    check_tensor(f, T_S8, 4, 4, reason) ||
	    check_tensor(out, T_S8 | T_S16, 4, 4, reason))
		return -NPU_FW_EINVAL;
	CHECK(in->dtype == out->dtype, "input and output types differ");
	CHECK(f->zero_point == 0, "filter zero point not 0");
	if (s16)
		CHECK(in->zero_point == 0 && out->zero_point == 0,
		      "16x8 zero points must be 0");
	CHECK(p->reserved == 0, "reserved field not zero");
	CHECK(in->dims[0] == out->dims[0], "batch mismatch");
	ic = in->dims[3];
	oc = out->dims[3];
	kh = f->dims[1];
	kw = f->dims[2];
	kc = f->dims[3];
	CHECK(p->stride_h >= 1 && p->stride_w >= 1, "stride zero");
	CHECK(p->dilation_h >= 1 && p->dilation_w >= 1, "dilation zero");

	switch (op) {
	case NPU_OP_CONV_2D:
		CHECK(p->depth_multiplier == 0, "depth multiplier on conv");
		CHECK(f->dims[0] == oc, "filter count differs from output channels");
		CHECK(ic % kc == 0, "input channels not a multiple of filter depth");
		CHECK(oc % (ic / kc) == 0, "output channels not divisible by groups");
		break;
	case NPU_OP_DEPTHWISE_CONV_2D:
		CHECK(f->dims[0] == 1 && kc == oc, "depthwise filter shape");
		CHECK(p->depth_multiplier >= 1 &&
		      (uint64_t)ic * p->depth_multiplier == oc,
		      "output channels differ from input * depth multiplier");
		break;
	case NPU_OP_TRANSPOSE_CONV:
		CHECK(p->depth_multiplier == 0, "depth multiplier on conv");
		CHECK(p->dilation_h == 1 && p->dilation_w == 1,
		      "transpose conv dilation must be 1");
		CHECK(f->dims[0] == oc && kc == ic, "transpose conv filter shape");
		CHECK(p->pad_top < kh && p->pad_left < kw,
		      "transpose conv padding not below kernel size");
		break;
	}
	if (op != NPU_OP_TRANSPOSE_CONV) {
		if (check_window(in->dims[1], out->dims[1], kh, p->dilation_h,
				 p->stride_h, p->pad_top, reason) ||
		    check_window(in->dims[2], out->dims[2], kw, p->dilation_w,
				 p->stride_w, p->pad_left, reason))
			return -NPU_FW_EINVAL;
	}
	if (check_rq(&p->rq, oc, s16 ? 8 : 4, reason) ||
	    check_act(out->dtype, p->act_min, p->act_max, reason))
		return -NPU_FW_EINVAL;

	if (flags & NPU_FW_CHECK_HW_LIMITS) {
		uint64_t depth = (uint64_t)kh * kw *
				 (op == NPU_OP_DEPTHWISE_CONV_2D ? 1 :
				  op == NPU_OP_TRANSPOSE_CONV ? ic : kc);

		CHECK(kh <= NPU_LIMIT_KERNEL && kw <= NPU_LIMIT_KERNEL,
		      "kernel size exceeds the NPU limit");
		CHECK(p->stride_h <= NPU_LIMIT_STRIDE &&
		      p->stride_w <= NPU_LIMIT_STRIDE,
		      "stride exceeds the NPU limit");
		CHECK(p->dilation_h <= NPU_LIMIT_DILATION &&
		      p->dilation_w <= NPU_LIMIT_DILATION,
		      "dilation exceeds the NPU limit");
		CHECK(ic <= NPU_LIMIT_CHANNELS && oc <= NPU_LIMIT_CHANNELS,
		      "channel count exceeds the NPU limit");
		CHECK(p->pad_top <= NPU_LIMIT_PAD && p->pad_left <= NPU_LIMIT_PAD,
		      "padding exceeds the NPU limit");
		CHECK(depth <= NPU_LIMIT_ACCUM_DEPTH,
		      "accumulation depth exceeds the NPU limit");
	}
	return 0;
}

static int check_fc(const struct npu_fc_params *p, uint32_t flags,
		    const char **reason)
{
	const struct npu_tensor *in = &p->input, *f = &p->filter;
	const struct npu_tensor *out = &p->output;
	int s16 = in->dtype == NPU_DTYPE_INT16;

	if (check_tensor(in, T_S8 | T_S16, 2, 2, reason) ||
	    check_tensor(f, T_S8, 2, 2, reason) ||
	    check_tensor(out, T_S8 | T_S16, 2, 2, reason))
		return -NPU_FW_EINVAL;
	CHECK(in->dtype == out->dtype, "input and output types differ");
	if (s16)
		CHECK(in->zero_point == 0 && out->zero_point == 0,
		      "16x8 zero points must be 0");
	CHECK(in->dims[0] == out->dims[0], "batch mismatch");
	CHECK(f->dims[1] == in->dims[1], "filter depth differs from input");
	CHECK(f->dims[0] == out->dims[1], "filter units differ from output");
	if (check_rq(&p->rq, out->dims[1], s16 ? 8 : 4, reason) ||
	    check_act(out->dtype, p->act_min, p->act_max, reason))
		return -NPU_FW_EINVAL;
	if (flags & NPU_FW_CHECK_HW_LIMITS) {
		CHECK(in->dims[1] <= NPU_LIMIT_ACCUM_DEPTH,
		      "accumulation depth exceeds the NPU limit");
		CHECK(out->dims[1] <= NPU_LIMIT_CHANNELS,
		      "unit count exceeds the NPU limit");
	}
	return 0;
}

static int check_eltwise(uint32_t op, const struct npu_eltwise_params *p,
			 uint32_t flags, const char **reason)
{
	uint32_t types = T_S8 | T_S16;
	uint32_t i;

	if (check_tensor(&p->input1, types, 1, NPU_CS_MAX_DIMS, reason) ||
	    check_tensor(&p->input2, types, 1, NPU_CS_MAX_DIMS, reason) ||
	    check_tensor(&p->output, types, 1, NPU_CS_MAX_DIMS, reason))
		return -NPU_FW_EINVAL;
	CHECK(p->input1.dtype == p->output.dtype &&
	      p->input2.dtype == p->output.dtype, "operand types differ");
	CHECK(p->input1.rank == p->output.rank &&
	      p->input2.rank == p->output.rank, "operand ranks differ");
	for (i = 0; i < p->output.rank; i++) {
		CHECK(p->input1.dims[i] == p->output.dims[i] ||
		      p->input1.dims[i] == 1, "input1 does not broadcast");
		CHECK(p->input2.dims[i] == p->output.dims[i] ||
		      p->input2.dims[i] == 1, "input2 does not broadcast");
	}
	CHECK(p->reserved == 0, "reserved field not zero");
	if (op == NPU_OP_MUL) {
		CHECK(p->left_shift == 0 && p->input1_multiplier == 0 &&
		      p->input1_shift == 0 && p->input2_multiplier == 0 &&
		      p->input2_shift == 0, "MUL with input rescaling");
	} else {
		CHECK(p->left_shift >= 0 && p->left_shift <= 31,
		      "left shift out of range");
		CHECK(p->input1_multiplier >= 0 && p->input2_multiplier >= 0,
		      "negative multiplier");
	}
	CHECK(p->output_multiplier >= 0, "negative multiplier");
	if (check_act(p->output.dtype, p->act_min, p->act_max, reason))
		return -NPU_FW_EINVAL;
	if (flags & NPU_FW_CHECK_HW_LIMITS)
		CHECK(p->left_shift <= NPU_LIMIT_LEFT_SHIFT,
		      "left shift exceeds the NPU limit");
	return 0;
}

static int check_pool(const struct npu_pool_params *p, uint32_t flags,
		      const char **reason)
{
	if (check_tensor(&p->input, T_S8 | T_S16, 4, 4, reason) ||
	    check_tensor(&p->output, T_S8 | T_S16, 4, 4, reason))
		return -NPU_FW_EINVAL;
	CHECK(p->input.dtype == p->output.dtype, "input and output types differ");
	CHECK(p->input.zero_point == p->output.zero_point,
	      "pool input and output zero points differ");
	CHECK(p->input.dims[0] == p->output.dims[0] &&
	      p->input.dims[3] == p->output.dims[3], "batch or channel mismatch");
	CHECK(p->filter_h >= 1 && p->filter_w >= 1, "empty pool window");
	CHECK(p->reserved[0] == 0 && p->reserved[1] == 0,
	      "reserved field not zero");
	if (check_window(p->input.dims[1], p->output.dims[1], p->filter_h,
			 1, p->stride_h, p->pad_top, reason) ||
	    check_window(p->input.dims[2], p->output.dims[2], p->filter_w,
			 1, p->stride_w, p->pad_left, reason) ||
	    check_act(p->output.dtype, p->act_min, p->act_max, reason))
		return -NPU_FW_EINVAL;
	if (flags & NPU_FW_CHECK_HW_LIMITS) {
		CHECK(p->filter_h <= NPU_LIMIT_POOL && p->filter_w <= NPU_LIMIT_POOL,
		      "pool window exceeds the NPU limit");
		CHECK(p->stride_h <= NPU_LIMIT_STRIDE &&
		      p->stride_w <= NPU_LIMIT_STRIDE,
		      "stride exceeds the NPU limit");
		CHECK(p->pad_top <= NPU_LIMIT_PAD && p->pad_left <= NPU_LIMIT_PAD,
		      "padding exceeds the NPU limit");
	}
	return 0;
}

static int check_mean(const struct npu_mean_params *p, const char **reason)
{
	if (check_tensor(&p->input, T_S8 | T_S16, 4, 4, reason) ||
	    check_tensor(&p->output, T_S8 | T_S16, 4, 4, reason))
		return -NPU_FW_EINVAL;
	CHECK(p->input.dtype == p->output.dtype, "input and output types differ");
	CHECK(p->axis_mask == 0x6, "MEAN supports axes (1, 2) only");
	CHECK(p->reserved == 0, "reserved field not zero");
	CHECK(p->shift >= -31 && p->shift <= 30, "shift out of range");
	CHECK(p->multiplier >= 0, "negative multiplier");
	/* keep_dims only: TFLM computes MEAN without it differently. */
	CHECK(p->output.dims[0] == p->input.dims[0] &&
	      p->output.dims[1] == 1 && p->output.dims[2] == 1 &&
	      p->output.dims[3] == p->input.dims[3], "MEAN output shape");
	return 0;
}

/* Input and output of a data-movement op: same type, rank, zero point. */
static int check_move_pair(const struct npu_tensor *in,
			   const struct npu_tensor *out, uint32_t types,
			   const char **reason)
{
	if (check_tensor(in, types, 1, NPU_CS_MAX_DIMS, reason) ||
	    check_tensor(out, types, 1, NPU_CS_MAX_DIMS, reason))
		return -NPU_FW_EINVAL;
	CHECK(in->dtype == out->dtype, "input and output types differ");
	CHECK(in->rank == out->rank, "input and output ranks differ");
	CHECK(in->zero_point == out->zero_point,
	      "input and output zero points differ");
	return 0;
}

static int check_pad(const struct npu_pad_params *p, uint32_t flags,
		     const char **reason)
{
	uint32_t i;

	if (check_move_pair(&p->input, &p->output, T_ANY, reason))
		return -NPU_FW_EINVAL;
	for (i = 0; i < NPU_CS_MAX_DIMS; i++) {
		if (i >= p->input.rank) {
			CHECK(p->before[i] == 0, "padding beyond rank");
			continue;
		}
		CHECK((uint64_t)p->input.dims[i] + p->before[i] <=
		      p->output.dims[i], "padded output too small");
		if (flags & NPU_FW_CHECK_HW_LIMITS)
			CHECK(p->before[i] <= NPU_LIMIT_PAD &&
			      p->output.dims[i] - p->input.dims[i] -
			      p->before[i] <= NPU_LIMIT_PAD,
			      "padding exceeds the NPU limit");
	}
	switch (p->input.dtype) {
	case NPU_DTYPE_INT8:
	case NPU_DTYPE_UINT8:
	case NPU_DTYPE_INT16:
		CHECK(zp_fits(p->input.dtype, p->pad_value) &&
		      (p->input.dtype != NPU_DTYPE_INT8 ||
		       (p->pad_value >= NPU_FW_S8_MIN &&
			p->pad_value <= NPU_FW_S8_MAX)),
		      "pad value outside the type");
		break;
	case NPU_DTYPE_INT64:
		FAIL("PAD of int64 not supported");
	default:
		break;
	}
	return 0;
}

static int check_transpose(const struct npu_transpose_params *p,
			   const char **reason)
{
	uint32_t i, seen = 0;

	if (check_move_pair(&p->input, &p->output, T_ANY, reason))
		return -NPU_FW_EINVAL;
	CHECK(p->reserved[0] == 0 && p->reserved[1] == 0 && p->reserved[2] == 0,
	      "reserved field not zero");
	for (i = 0; i < NPU_CS_MAX_DIMS; i++) {
		if (i >= p->input.rank) {
			CHECK(p->perm[i] == 0, "permutation entry beyond rank");
			continue;
		}
		CHECK(p->perm[i] < p->input.rank && !(seen & (1u << p->perm[i])),
		      "not a permutation");
		seen |= 1u << p->perm[i];
		CHECK(p->output.dims[i] == p->input.dims[p->perm[i]],
		      "output shape is not the permuted input shape");
	}
	return 0;
}

static int check_concat(const struct npu_concat_params *p,
			const char **reason)
{
	uint32_t i;

	if (check_move_pair(&p->input, &p->output, T_ANY, reason))
		return -NPU_FW_EINVAL;
	CHECK(p->axis < p->input.rank, "axis beyond rank");
	for (i = 0; i < p->input.rank; i++)
		if (i != p->axis)
			CHECK(p->input.dims[i] == p->output.dims[i],
			      "concat inputs differ outside the axis");
	CHECK((uint64_t)p->offset + p->input.dims[p->axis] <=
	      p->output.dims[p->axis], "concat slice beyond the output");
	return 0;
}

static int check_slice(const struct npu_slice_params *p, const char **reason)
{
	uint32_t i;

	if (check_move_pair(&p->input, &p->output, T_ANY, reason))
		return -NPU_FW_EINVAL;
	for (i = 0; i < NPU_CS_MAX_DIMS; i++) {
		int64_t first, last;

		if (i >= p->input.rank) {
			CHECK(p->begin[i] == 0 && p->strides[i] == 0,
			      "slice entry beyond rank");
			continue;
		}
		CHECK(p->strides[i] != 0, "slice stride zero");
		first = p->begin[i];
		last = first + (int64_t)(p->output.dims[i] - 1) * p->strides[i];
		CHECK(first >= 0 && first < p->input.dims[i] &&
		      last >= 0 && last < p->input.dims[i],
		      "slice outside the input");
	}
	return 0;
}

static int check_copy(const struct npu_copy_params *p, const char **reason)
{
	if (check_tensor(&p->input, T_ANY, 0, NPU_CS_MAX_DIMS, reason) ||
	    check_tensor(&p->output, T_ANY, 0, NPU_CS_MAX_DIMS, reason))
		return -NPU_FW_EINVAL;
	CHECK(npu_tensor_bytes(&p->input) == npu_tensor_bytes(&p->output),
	      "copy sizes differ");
	return 0;
}

static int check_lut(const struct npu_lut_params *p, const char **reason)
{
	if (check_tensor(&p->input, T_S8 | T_S16, 0, NPU_CS_MAX_DIMS,
			 reason) ||
	    check_tensor(&p->output, T_S8 | T_S16, 0, NPU_CS_MAX_DIMS,
			 reason))
		return -NPU_FW_EINVAL;
	CHECK(p->input.dtype == p->output.dtype, "input and output types differ");
	CHECK(same_dims(&p->input, &p->output), "input and output shapes differ");
	CHECK(p->function <= NPU_LUT_TANH && p->reserved == 0,
	      "unknown LUT function");
	CHECK(va_ok(p->table_addr, p->input.dtype == NPU_DTYPE_INT8 ? 256 :
		    513 * 2, npu_dtype_size(p->input.dtype)),
	      "table misaligned or outside the address space");
	return 0;
}

static int check_lrelu(const struct npu_leaky_relu_params *p,
		       const char **reason)
{
	if (check_tensor(&p->input, T_S8 | T_S16, 0, NPU_CS_MAX_DIMS,
			 reason) ||
	    check_tensor(&p->output, T_S8 | T_S16, 0, NPU_CS_MAX_DIMS,
			 reason))
		return -NPU_FW_EINVAL;
	CHECK(p->input.dtype == p->output.dtype, "input and output types differ");
	CHECK(same_dims(&p->input, &p->output), "input and output shapes differ");
	return 0;
}

static int check_sigmoid_s16(const struct npu_sigmoid_s16_params *p,
			     const char **reason)
{
	if (check_tensor(&p->input, T_S16, 0, NPU_CS_MAX_DIMS, reason) ||
	    check_tensor(&p->output, T_S16, 0, NPU_CS_MAX_DIMS, reason))
		return -NPU_FW_EINVAL;
	CHECK(same_dims(&p->input, &p->output), "input and output shapes differ");
	CHECK(p->input.zero_point == 0 && p->output.zero_point == 0,
	      "int16 sigmoid needs zero points 0");
	CHECK((p->function == NPU_LUT_LOGISTIC || p->function == NPU_LUT_TANH) &&
	      p->reserved == 0, "unknown sigmoid function");
	/* Keeps in * multiplier + rounding inside int32. */
	CHECK(p->input_multiplier >= 0 && p->input_multiplier <= 32767 &&
	      p->input_left_shift >= 0 && p->input_left_shift <= 31 &&
	      (p->input_multiplier || p->input_left_shift <= 13),
	      "input multiplier or shift out of range");
	CHECK(va_ok(p->table_addr, 256 * 2, 2),
	      "table misaligned or outside the address space");
	return 0;
}

static int check_parsed(uint32_t op, const union fw_params *p, uint32_t flags,
			const char **reason)
{
	switch (op) {
	case NPU_OP_NOP:
		return 0;
	case NPU_OP_STREAM:
		CHECK(p->stream.version == NPU_CS_VERSION,
		      "unsupported command-stream version");
		CHECK(p->stream.flags == 0, "unknown stream flags");
		return 0;
	case NPU_OP_CONV_2D:
	case NPU_OP_DEPTHWISE_CONV_2D:
	case NPU_OP_TRANSPOSE_CONV:
		return check_conv(op, &p->conv, flags, reason);
	case NPU_OP_FULLY_CONNECTED:
		return check_fc(&p->fc, flags, reason);
	case NPU_OP_ADD:
	case NPU_OP_SUB:
	case NPU_OP_MUL:
		return check_eltwise(op, &p->elt, flags, reason);
	case NPU_OP_AVERAGE_POOL_2D:
	case NPU_OP_MAX_POOL_2D:
		return check_pool(&p->pool, flags, reason);
	case NPU_OP_MEAN:
		return check_mean(&p->mean, reason);
	case NPU_OP_PAD:
		return check_pad(&p->pad, flags, reason);
	case NPU_OP_TRANSPOSE:
		return check_transpose(&p->tr, reason);
	case NPU_OP_CONCAT:
		return check_concat(&p->cat, reason);
	case NPU_OP_STRIDED_SLICE:
		return check_slice(&p->slice, reason);
	case NPU_OP_COPY:
		return check_copy(&p->copy, reason);
	case NPU_OP_LUT:
		return check_lut(&p->lut, reason);
	case NPU_OP_LEAKY_RELU:
		return check_lrelu(&p->lrelu, reason);
	case NPU_OP_SIGMOID_S16:
		return check_sigmoid_s16(&p->sig, reason);
	default:
		FAIL("unknown opcode");
	}
}

int npu_fw_check_op(uint32_t opcode, const void *params, uint32_t size,
		    uint32_t flags, const char **reason)
{
	union fw_params p;
	const char *dummy;
	int32_t ps = npu_fw_params_size(opcode);

	if (!reason)
		reason = &dummy;
	*reason = NULL;
	CHECK(ps >= 0, "unknown opcode");
	CHECK(size >= (uint32_t)ps && (ps == 0 || params),
	      "parameter block too small");
	fw_memset(&p, 0, sizeof(p));
	fw_memcpy(&p, params, (size_t)ps);
	return check_parsed(opcode, &p, flags, reason);
}

/* ---- operands ---- */

static void add_op(struct fw_operand *ops, uint32_t *n, uint64_t va,
		   uint64_t len, uint32_t access, uint32_t slot)
{
	ops[*n].va = va;
	ops[*n].len = len;
	ops[*n].access = access;
	ops[*n].slot = slot;
	(*n)++;
}

#define RD	NPU_FW_ACCESS_READ
#define WR	NPU_FW_ACCESS_WRITE

static void add_tensor(struct fw_operand *ops, uint32_t *n,
		       const struct npu_tensor *t, uint32_t access,
		       uint32_t slot)
{
	add_op(ops, n, t->addr, npu_tensor_bytes(t), access, slot);
}

static void add_rq(struct fw_operand *ops, uint32_t *n,
		   const struct npu_requant *rq, uint32_t channels,
		   uint32_t bias_size)
{
	if (rq->flags & NPU_RQ_HAS_BIAS)
		add_op(ops, n, rq->bias_addr, (uint64_t)channels * bias_size,
		       RD, FW_SLOT_BIAS);
	if (rq->count) {
		add_op(ops, n, rq->mult_addr, (uint64_t)rq->count * 4, RD,
		       FW_SLOT_MULT);
		add_op(ops, n, rq->shift_addr, (uint64_t)rq->count * 4, RD,
		       FW_SLOT_SHIFT);
	}
}

uint32_t fw_op_operands(uint32_t opcode, const void *params,
			struct fw_operand ops[FW_SLOT_COUNT])
{
	const union fw_params *p = params;
	uint32_t n = 0;

	switch (opcode) {
	case NPU_OP_CONV_2D:
	case NPU_OP_DEPTHWISE_CONV_2D:
	case NPU_OP_TRANSPOSE_CONV:
		add_tensor(ops, &n, &p->conv.input, RD, FW_SLOT_IN0);
		add_tensor(ops, &n, &p->conv.filter, RD, FW_SLOT_WEIGHTS);
		add_rq(ops, &n, &p->conv.rq, p->conv.output.dims[3],
		       p->conv.input.dtype == NPU_DTYPE_INT16 ? 8 : 4);
		add_tensor(ops, &n, &p->conv.output, WR, FW_SLOT_OUT);
		break;
	case NPU_OP_FULLY_CONNECTED:
		add_tensor(ops, &n, &p->fc.input, RD, FW_SLOT_IN0);
		add_tensor(ops, &n, &p->fc.filter, RD, FW_SLOT_WEIGHTS);
		add_rq(ops, &n, &p->fc.rq, p->fc.output.dims[1],
		       p->fc.input.dtype == NPU_DTYPE_INT16 ? 8 : 4);
		add_tensor(ops, &n, &p->fc.output, WR, FW_SLOT_OUT);
		break;
	case NPU_OP_ADD:
	case NPU_OP_SUB:
	case NPU_OP_MUL:
		add_tensor(ops, &n, &p->elt.input1, RD, FW_SLOT_IN0);
		add_tensor(ops, &n, &p->elt.input2, RD, FW_SLOT_IN1);
		add_tensor(ops, &n, &p->elt.output, WR, FW_SLOT_OUT);
		break;
	case NPU_OP_LUT:
		add_tensor(ops, &n, &p->lut.input, RD, FW_SLOT_IN0);
		add_op(ops, &n, p->lut.table_addr,
		       p->lut.input.dtype == NPU_DTYPE_INT8 ? 256 : 513 * 2,
		       RD, FW_SLOT_TABLE);
		add_tensor(ops, &n, &p->lut.output, WR, FW_SLOT_OUT);
		break;
	case NPU_OP_SIGMOID_S16:
		add_tensor(ops, &n, &p->sig.input, RD, FW_SLOT_IN0);
		add_op(ops, &n, p->sig.table_addr, 256 * 2, RD, FW_SLOT_TABLE);
		add_tensor(ops, &n, &p->sig.output, WR, FW_SLOT_OUT);
		break;
	case NPU_OP_AVERAGE_POOL_2D:
	case NPU_OP_MAX_POOL_2D:
	case NPU_OP_MEAN:
	case NPU_OP_PAD:
	case NPU_OP_TRANSPOSE:
	case NPU_OP_CONCAT:
	case NPU_OP_STRIDED_SLICE:
	case NPU_OP_COPY:
	case NPU_OP_LEAKY_RELU:
		/* All of these start with struct npu_tensor input, output. */
		add_tensor(ops, &n, &p->copy.input, RD, FW_SLOT_IN0);
		add_tensor(ops, &n, &p->copy.output, WR, FW_SLOT_OUT);
		break;
	default:
		break;
	}
	return n;
}

int npu_fw_op_ranges(uint32_t opcode, const void *params,
		     npu_fw_range_fn fn, void *ctx)
{
	struct fw_operand ops[FW_SLOT_COUNT];
	union fw_params p;
	int32_t ps = npu_fw_params_size(opcode);
	uint32_t i, n;
	int r;

	if (ps < 0)
		return -NPU_FW_EINVAL;
	fw_memset(&p, 0, sizeof(p));
	fw_memcpy(&p, params, (size_t)ps);
	n = fw_op_operands(opcode, &p, ops);
	for (i = 0; i < n; i++) {
		r = fn(ctx, ops[i].va, ops[i].len, ops[i].access);
		if (r)
			return r;
	}
	return 0;
}

/* ---- stream decoding and validation ---- */

uint32_t fw_decode_cmd(const uint8_t *cs, uint32_t size, uint32_t off,
		       uint32_t *opcode, union fw_params *p,
		       const char **reason)
{
	uint32_t hdr, words, bytes, i;
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
	if (bytes - 4 < (uint32_t)ps) {
		*reason = "command shorter than its parameters";
		return 0;
	}
	for (i = 4 + (uint32_t)ps; i < bytes; i++) {
		if (cs[off + i]) {
			*reason = "non-zero extension words";
			return 0;
		}
	}
	fw_memset(p, 0, sizeof(*p));
	fw_memcpy(p, cs + off + 4, (size_t)ps);
	return bytes;
}

uint32_t npu_fw_op_features(uint32_t opcode)
{
	return opcode == NPU_OP_SIGMOID_S16 ? NPU_FW_FEAT_SIGMOID_S16 : 0;
}

uint32_t npu_fw_stream_features(const void *cs, uint32_t size)
{
	const char *reason;
	union fw_params p;
	uint32_t off, opcode, bytes, need = 0;

	for (off = 0; cs && off < size; off += bytes) {
		bytes = fw_decode_cmd(cs, size, off, &opcode, &p, &reason);
		if (!bytes)
			break;
		need |= npu_fw_op_features(opcode);
	}
	return need;
}

int npu_fw_validate(const void *cs, uint32_t size, npu_fw_range_fn fn,
		    void *ctx, struct npu_fw_verror *err)
{
	const uint8_t *s = cs;
	union fw_params p;
	const char *reason = NULL;
	uint32_t off = 0, idx = 0, opcode = 0, bytes;
	int r = 0, first;

	if (!cs || size == 0 || (size & 3) || size > NPU_LIMIT_STREAM_BYTES) {
		reason = "stream size not a non-zero multiple of 4 within the limit";
		r = -NPU_FW_EINVAL;
		goto out;
	}
	for (; off < size; off += bytes, idx++) {
		bytes = fw_decode_cmd(s, size, off, &opcode, &p, &reason);
		if (!bytes) {
			r = -NPU_FW_EINVAL;
			goto out;
		}
		first = idx == 0;
		if (first != (opcode == NPU_OP_STREAM)) {
			reason = idx == 0 ? "stream does not start with STREAM" :
					    "STREAM command not first";
			r = -NPU_FW_EINVAL;
			goto out;
		}
		r = check_parsed(opcode, &p, NPU_FW_CHECK_HW_LIMITS, &reason);
		if (r)
			goto out;
		if (fn) {
			r = npu_fw_op_ranges(opcode, &p, fn, ctx);
			if (r) {
				reason = "operand outside the job's buffers";
				goto out;
			}
		}
	}
out:
	if (err) {
		err->cmd_index = idx;
		err->offset = off;
		err->reason = r ? reason : NULL;
	}
	return r;
}
