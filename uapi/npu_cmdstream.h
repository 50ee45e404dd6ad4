/* SPDX-License-Identifier: MIT */
/*
 * Command-stream format of the NPU, version NPU_CS_VERSION.
 *
 * Shared by the firmware (which executes and validates streams), the kernel
 * driver (which validates them before queueing), the compiler (which emits
 * them and reads the hardware limits below) and libnpu's CPU fallback (which
 * calls the same op kernels with the same parameter structures).
 *
 * Documentation/command-stream.rst is the prose description.
 *
 * A stream is a sequence of little-endian 32-bit words.  Each command is
 * one header word (NPU_CS_HDR_OP / NPU_CS_HDR_WORDS: opcode in bits 15:0,
 * command length in 32-bit words, header included, in bits 31:16) followed
 * by the byte image of the op's parameter structure (struct npu_*_params).
 * A command may be longer than its structure (a later version appends
 * fields); the extra words must be zero.  The first command of every stream
 * is NPU_CMD_STREAM (struct npu_stream_params) carrying NPU_CS_VERSION.
 *
 * Every buffer operand is an NPU virtual address with a shape and element
 * type, so that a validator can compute the exact byte range [va, va + len)
 * each command reads or writes.  Tensors are dense, row-major (last
 * dimension fastest); 4-D activations are NHWC.
 */
#ifndef _UAPI_NPU_CMDSTREAM_H_
#define _UAPI_NPU_CMDSTREAM_H_

#include <linux/types.h>

#define NPU_CS_VERSION			1

/* ---- command header word ---- */
#define NPU_CS_HDR(op, words)		((__u32)(op) | ((__u32)(words) << 16))
#define NPU_CS_HDR_OP(w)		((w) & 0xffffu)
#define NPU_CS_HDR_WORDS(w)		((w) >> 16)

/* ---- opcodes ---- */
enum npu_cs_opcode {
	NPU_CMD_NOP = 0,			/* no parameters */
	NPU_CMD_STREAM = 1,		/* struct npu_stream_params, first */
	NPU_CMD_CONV_2D = 2,		/* struct npu_conv_params */
	NPU_CMD_DEPTHWISE_CONV_2D = 3,	/* struct npu_conv_params */
	NPU_CMD_TRANSPOSE_CONV = 4,	/* struct npu_conv_params */
	NPU_CMD_FULLY_CONNECTED = 5,	/* struct npu_fc_params */
	NPU_CMD_ADD = 6,			/* struct npu_eltwise_params */
	NPU_CMD_SUB = 7,			/* struct npu_eltwise_params */
	NPU_CMD_MUL = 8,			/* struct npu_eltwise_params */
	NPU_CMD_AVERAGE_POOL_2D = 9,	/* struct npu_pool_params */
	NPU_CMD_MAX_POOL_2D = 10,	/* struct npu_pool_params */
	NPU_CMD_MEAN = 11,		/* struct npu_mean_params */
	NPU_CMD_PAD = 12,		/* struct npu_pad_params */
	NPU_CMD_TRANSPOSE = 13,		/* struct npu_transpose_params */
	NPU_CMD_CONCAT = 14,		/* struct npu_concat_params */
	NPU_CMD_STRIDED_SLICE = 15,	/* struct npu_slice_params */
	NPU_CMD_COPY = 16,		/* struct npu_copy_params (RESHAPE) */
	NPU_CMD_LUT = 17,		/* struct npu_lut_params */
	NPU_CMD_LEAKY_RELU = 18,		/* struct npu_leaky_relu_params */
	NPU_CMD_SIGMOID_S16 = 19,	/* struct npu_sigmoid_s16_params */
	NPU_CMD_RELU = 20,		/* struct npu_relu_params */
	NPU_CMD_REDUCE_MAX,		/* struct npu_reduce_params */
	NPU_CMD_REDUCE_MIN,		/* struct npu_reduce_params */
	NPU_CMD_MAXIMUM,		/* struct npu_eltwise_params */
	NPU_CMD_MINIMUM,		/* struct npu_eltwise_params */
	NPU_CMD_PRELU,			/* struct npu_prelu_params */
	NPU_CMD_ARG_MAX,		/* struct npu_arg_params */
	NPU_CMD_ARG_MIN,		/* struct npu_arg_params */
	NPU_CMD_RESIZE_BILINEAR,		/* struct npu_resize_params */
	NPU_CMD_RESIZE_NEAREST,		/* struct npu_resize_params */
	NPU_CMD_STRIDED_COPY,		/* struct npu_strided_copy_params */
	NPU_CMD_DMA,			/* struct npu_dma_params */
	NPU_CMD_SOFTMAX,		/* struct npu_softmax_params */
	NPU_CMD_COUNT			/* first invalid opcode */
};

/* ---- element types ---- */
enum npu_cs_dtype {
	NPU_DTYPE_INT8 = 1,
	NPU_DTYPE_INT16 = 2,
	NPU_DTYPE_INT32 = 3,
	NPU_DTYPE_INT64 = 4,
	NPU_DTYPE_UINT8 = 5,
};

#define NPU_CS_MAX_DIMS			5

/**
 * struct npu_tensor - one tensor operand, 40 bytes
 * @addr: NPU virtual address of element 0, aligned to the element size.
 *        Ignored by the direct-call kernels (they take pointers).
 * @dims: extents, outermost first; dims[0..rank-1] are >= 1, the rest 0.
 *        4-D activations are [N, H, W, C].
 * @dtype: &enum npu_cs_dtype.
 * @rank: number of dimensions, 0..NPU_CS_MAX_DIMS (0 is a scalar).
 * @encoding: NPU_WEIGHTS_RAW (0): the tensor's bytes are stored as they
 *            are.  NPU_WEIGHTS_NPW1: @addr holds @encoded_bytes of the
 *            lossless weight format (Documentation/hardware.rst, "Weight
 *            compression") that the weight decoder expands to the tensor's
 *            bytes; only the filter of CONV_2D, DEPTHWISE_CONV_2D,
 *            TRANSPOSE_CONV and FULLY_CONNECTED, with NPU_FW_FEAT_WDEC
 *            (firmware 1.4.0; older firmware refuses it, as a non-zero
 *            reserved field).
 * @zero_point: quantization zero point (per-tensor).  The scale is not
 *              carried: the host folds scales into multipliers.
 * @encoded_bytes: with NPU_WEIGHTS_NPW1, the encoded length (what the
 *                 command reads at @addr); else 0.
 */
struct npu_tensor {
	__u64 addr;
	__u32 dims[NPU_CS_MAX_DIMS];
	__u8 dtype;
	__u8 rank;
	__u16 encoding;
	__s32 zero_point;
	__u32 encoded_bytes;
};

/* npu_tensor.encoding */
#define NPU_WEIGHTS_RAW			0
#define NPU_WEIGHTS_NPW1		1	/* NPU_FW_FEAT_WDEC */

/* npu_requant.flags */
#define NPU_RQ_HAS_BIAS			(1u << 0)
/*
 * FULLY_CONNECTED only (NPU_FW_FEAT_FC_SCALE_F64): the multiplier and
 * shift words of each channel are the low and high words of an IEEE-754
 * binary64 effective scale S (input scale * filter scale / output scale,
 * computed in double), and out = clamp((int32_t)round((double)acc * S)
 * + output zero point, act_min, act_max): TFLite's reference
 * FULLY_CONNECTED, the product rounded to binary64, then halves away from
 * zero.  A result outside int32 is INT32_MIN, as x86-64 converts it.
 */
#define NPU_RQ_SCALE_F64		(1u << 1)

/**
 * struct npu_requant - requantization of an accumulator, 40 bytes
 *
 * out = clamp(MultiplyByQuantizedMultiplier(acc + bias[c], mult, shift)
 *             + output zero point, act_min, act_max), as TFLite.
 *
 * @bias_addr: NPU VA of one bias per output channel (int32 for int8
 *             activations, int64 for 16x8), if NPU_RQ_HAS_BIAS.
 * @mult_addr: NPU VA of @count int32 multipliers, if @count > 0.
 * @shift_addr: NPU VA of @count int32 shifts (TFLite convention: positive
 *              is a left shift), if @count > 0.
 * @count: 0: per-tensor, @multiplier and @shift apply to every channel;
 *         otherwise the number of output channels (per-channel).
 * @flags: NPU_RQ_*.
 * @multiplier: per-tensor multiplier (Q31, >= 0) when @count is 0; the low
 *              word of the binary64 scale with NPU_RQ_SCALE_F64.
 * @shift: per-tensor shift when @count is 0; the high word of the binary64
 *         scale with NPU_RQ_SCALE_F64 (the arrays hold the same words).
 */
struct npu_requant {
	__u64 bias_addr;
	__u64 mult_addr;
	__u64 shift_addr;
	__u32 count;
	__u32 flags;
	__s32 multiplier;
	__s32 shift;
};

/**
 * struct npu_stream_params - NPU_CMD_STREAM, first command of a stream
 * @version: NPU_CS_VERSION the stream was written for.
 * @flags: zero.
 */
struct npu_stream_params {
	__u32 version;
	__u32 flags;
};

/**
 * struct npu_conv_params - CONV_2D, DEPTHWISE_CONV_2D, TRANSPOSE_CONV
 *
 * Types: int8 input/filter/output with int32 bias (per-channel int8, as
 * TFLite), or int16 input/output with int8 filter and int64 bias (16x8;
 * zero points must be 0).  Filter zero point must be 0.
 *
 * CONV_2D: filter [Cout, KH, KW, Cin / groups]; groups = Cin / filter Cin.
 * DEPTHWISE_CONV_2D: filter [1, KH, KW, Cout], Cout = Cin * depth_multiplier.
 * TRANSPOSE_CONV: filter [Cout, KH, KW, Cin]; dilation must be 1; the
 *   output shape is given (as TFLite's output_shape input).
 *
 * @input: [N, H, W, Cin].
 * @filter: see above.
 * @output: [N, OH, OW, Cout].
 * @rq: requantization; count 0 or Cout.
 * @stride_h: vertical stride, >= 1.
 * @stride_w: horizontal stride, >= 1.
 * @dilation_h: vertical dilation, >= 1.
 * @dilation_w: horizontal dilation, >= 1.
 * @pad_top: TFLite padding_values.height (rows before the input).
 * @pad_left: TFLite padding_values.width.
 * @depth_multiplier: DEPTHWISE_CONV_2D only, else 0.
 * @reserved: zero.
 * @act_min: fused activation lower clamp (quantized).
 * @act_max: fused activation upper clamp (quantized).
 */
struct npu_conv_params {
	struct npu_tensor input;
	struct npu_tensor filter;
	struct npu_tensor output;
	struct npu_requant rq;
	__u16 stride_h;
	__u16 stride_w;
	__u16 dilation_h;
	__u16 dilation_w;
	__u16 pad_top;
	__u16 pad_left;
	__u16 depth_multiplier;
	__u16 reserved;
	__s32 act_min;
	__s32 act_max;
};

/**
 * struct npu_fc_params - FULLY_CONNECTED
 *
 * Types as struct npu_conv_params.  Unlike conv, the filter zero point may
 * be non-zero for int8 (TFLite's filter_offset).
 *
 * @input: [batches, depth] (rank 2; the host flattens).
 * @filter: [units, depth].
 * @output: [batches, units].
 * @rq: requantization; count 0 or units.
 * @act_min: lower clamp.
 * @act_max: upper clamp.
 */
struct npu_fc_params {
	struct npu_tensor input;
	struct npu_tensor filter;
	struct npu_tensor output;
	struct npu_requant rq;
	__s32 act_min;
	__s32 act_max;
};

/**
 * struct npu_eltwise_params - ADD, SUB, MUL, MAXIMUM, MINIMUM with broadcast
 *
 * All three tensors have the same rank; each input dimension equals the
 * output's or is 1 (broadcast).  Types: int8 or int16, the same for all
 * three tensors.  ADD/SUB follow TFLite's AddFunc: inputs shifted left
 * by @left_shift (20 for int8, 15 for int16), scaled by their multipliers,
 * summed (or subtracted), scaled by the output multiplier.  MUL multiplies
 * the offset inputs and scales by the output multiplier; input multipliers
 * and @left_shift must be 0.  MAXIMUM/MINIMUM compare the raw values (as
 * TFLite's reference MaximumMinimumBroadcast, which does not requantize):
 * every multiplier, shift and @left_shift is 0; the clamp still applies.
 *
 * @input1: first operand.
 * @input2: second operand.
 * @output: result.
 * @input1_multiplier: ADD/SUB.
 * @input1_shift: ADD/SUB.
 * @input2_multiplier: ADD/SUB.
 * @input2_shift: ADD/SUB.
 * @output_multiplier: all.
 * @output_shift: all.
 * @left_shift: ADD/SUB, 0..NPU_LIMIT_LEFT_SHIFT.
 * @act_min: lower clamp.
 * @act_max: upper clamp.
 * @reserved: zero.
 */
struct npu_eltwise_params {
	struct npu_tensor input1;
	struct npu_tensor input2;
	struct npu_tensor output;
	__s32 input1_multiplier;
	__s32 input1_shift;
	__s32 input2_multiplier;
	__s32 input2_shift;
	__s32 output_multiplier;
	__s32 output_shift;
	__s32 left_shift;
	__s32 act_min;
	__s32 act_max;
	__u32 reserved;
};

/**
 * struct npu_pool_params - AVERAGE_POOL_2D, MAX_POOL_2D
 *
 * int8 or int16, input and output quantization equal (as TFLite).
 *
 * @input: [N, H, W, C].
 * @output: [N, OH, OW, C].
 * @filter_h: window height.
 * @filter_w: window width.
 * @stride_h: vertical stride.
 * @stride_w: horizontal stride.
 * @pad_top: padding_values.height.
 * @pad_left: padding_values.width.
 * @reserved: zero.
 * @act_min: lower clamp.
 * @act_max: upper clamp.
 */
struct npu_pool_params {
	struct npu_tensor input;
	struct npu_tensor output;
	__u16 filter_h;
	__u16 filter_w;
	__u16 stride_h;
	__u16 stride_w;
	__u16 pad_top;
	__u16 pad_left;
	__u16 reserved[2];
	__s32 act_min;
	__s32 act_max;
};

/**
 * struct npu_mean_params - MEAN (and quantized SUM) over any axes
 *
 * TFLite's quantized MEAN/SUM (reduce.cc, reference kernels): per output
 * element, acc = sum over the reduced axes of (in - in_zp) (int32, wrapping);
 * out = clamp(MultiplyByQuantizedMultiplier(acc, multiplier, shift) +
 * out_zp) to the type.  The host folds everything else into the multiplier:
 * for MEAN, QuantizeMultiplier(in_scale / out_scale) with the element count
 * divided into it as TFLite does (npu_host_mean_params()); for SUM the plain
 * in_scale / out_scale.  No division on the device.
 *
 * @input: rank 1..NPU_CS_MAX_DIMS, int8 or int16.
 * @output: same rank and type, dims of the input with the reduced axes 1
 *          (TFLite's keep_dims=false output has the same bytes).
 * @multiplier: Q31, >= 0.
 * @shift: TFLite convention, -31..30.
 * @axis_mask: bit i set reduces dimension i (0 = none); bits below rank.
 * @reserved: zero.
 */
struct npu_mean_params {
	struct npu_tensor input;
	struct npu_tensor output;
	__s32 multiplier;
	__s32 shift;
	__u32 axis_mask;
	__u32 reserved;
};

/**
 * struct npu_reduce_params - REDUCE_MAX, REDUCE_MIN over any axes
 *
 * TFLite's REDUCE_MAX/REDUCE_MIN: the largest (smallest) element over the
 * reduced axes.  Input and output quantization are equal (TFLite requires
 * it), so no requantization.  int8 or int16.
 *
 * @input: rank 1..NPU_CS_MAX_DIMS.
 * @output: same rank, type and zero point; dims of the input with the
 *          reduced axes 1.
 * @axis_mask: bit i set reduces dimension i (0 = none); bits below rank.
 * @reserved: zero.
 */
struct npu_reduce_params {
	struct npu_tensor input;
	struct npu_tensor output;
	__u32 axis_mask;
	__u32 reserved;
};

/**
 * struct npu_prelu_params - PRELU as TFLite's reference BroadcastPrelu4DSlow
 *
 * v = in - in_zp; out = out_zp + (v >= 0 ?
 * MultiplyByQuantizedMultiplier(v, identity) :
 * MultiplyByQuantizedMultiplier(v * (alpha - alpha_zp), alpha)),
 * saturated to the output's type.
 *
 * @input: int8, or int16 (TFLite's 16x8 PRELU, NPU_FW_FEAT_PRELU_S16);
 *         rank 1..NPU_CS_MAX_DIMS.
 * @alpha: int8, same rank, each dimension the output's or 1 (broadcast).
 * @output: the input's type, same rank; each input dimension equals it or
 *          is 1.
 * @multiplier_identity: in_scale / out_scale (Q31, >= 0).
 * @shift_identity: its shift, -31..30.
 * @multiplier_alpha: in_scale * alpha_scale / out_scale.
 * @shift_alpha: its shift, -31..30.
 */
struct npu_prelu_params {
	struct npu_tensor input;
	struct npu_tensor alpha;
	struct npu_tensor output;
	__s32 multiplier_identity;
	__s32 shift_identity;
	__s32 multiplier_alpha;
	__s32 shift_alpha;
};

/**
 * struct npu_arg_params - ARG_MAX, ARG_MIN along one axis
 *
 * TFLite's reference ArgMinMax: the index of the largest (smallest) element
 * along @axis, the first one on ties.  Compares raw values (the
 * quantization is monotonic).
 *
 * @input: int8, uint8 or int16, rank 1..NPU_CS_MAX_DIMS.
 * @output: int32 or int64, same rank, dims of the input with @axis 1
 *          (TFLite's output drops the axis; the bytes are the same).
 * @axis: 0..rank-1.
 * @reserved: zero.
 */
struct npu_arg_params {
	struct npu_tensor input;
	struct npu_tensor output;
	__u32 axis;
	__u32 reserved;
};

/**
 * struct npu_pad_params - PAD
 *
 * output dims[i] = input dims[i] + before[i] + after[i]; elements outside
 * the input get @pad_value.  int8 or int16, same zero point.
 *
 * @input: rank 1..NPU_CS_MAX_DIMS.
 * @output: same rank and type.
 * @before: elements inserted before each dimension (after is implied).
 * @pad_value: quantized pad value (TFLite: output zero point, or the
 *             constant_values input).
 */
struct npu_pad_params {
	struct npu_tensor input;
	struct npu_tensor output;
	__u32 before[NPU_CS_MAX_DIMS];
	__s32 pad_value;
};

/**
 * struct npu_transpose_params - TRANSPOSE
 * @input: rank 1..NPU_CS_MAX_DIMS, any 1-, 2- or 4-byte type.
 * @output: output dims[i] = input dims[perm[i]].
 * @perm: permutation of 0..rank-1; entries past rank are 0.
 * @reserved: zero.
 */
struct npu_transpose_params {
	struct npu_tensor input;
	struct npu_tensor output;
	__u8 perm[NPU_CS_MAX_DIMS];
	__u8 reserved[3];
};

/**
 * struct npu_concat_params - CONCATENATION, one input per command
 *
 * Copies @input into @output at @offset along @axis; a CONCATENATION of k
 * inputs is k commands.  Without a table, quantization of input and output
 * must be equal (same zero point, and same scale, which the host checks):
 * the copy does not requantize.  With a table (1-byte types only: TFLite's
 * uint8 CONCATENATION requantizes inputs quantized unlike the output),
 * every element is written as table[input byte], the host having tabulated
 * the requantization; zero points may then differ.  Other dimensions must
 * match.
 *
 * @input: the slice.
 * @output: the whole concatenated tensor.
 * @axis: 0..rank-1.
 * @offset: position of @input along @axis.
 * @flags: NPU_CONCAT_* (the fields from here on were appended in firmware
 *         1.3.0: older firmware refuses them set, as non-zero extension
 *         words).
 * @reserved: zero.
 * @table_addr: with NPU_CONCAT_TABLE (which needs NPU_FW_FEAT_UINT8), the
 *              NPU VA of 256 bytes indexed by the input byte; else 0.
 */
struct npu_concat_params {
	struct npu_tensor input;
	struct npu_tensor output;
	__u32 axis;
	__u32 offset;
	__u32 flags;
	__u32 reserved;
	__u64 table_addr;
};

/* npu_concat_params.flags */
#define NPU_CONCAT_TABLE		(1u << 0)	/* requantize by table */

/**
 * struct npu_slice_params - STRIDED_SLICE with masks already resolved
 *
 * output[i0..i4] = input[begin[d] + i_d * strides[d] for each d].  Every
 * selected index lies inside the input (the validator checks the first and
 * the last).  Same type and quantization.
 *
 * @input: rank 1..NPU_CS_MAX_DIMS.
 * @output: same rank; dims are the element counts per dimension.
 * @begin: first index per dimension.
 * @strides: step per dimension, non-zero (negative walks backwards).
 */
struct npu_slice_params {
	struct npu_tensor input;
	struct npu_tensor output;
	__s32 begin[NPU_CS_MAX_DIMS];
	__s32 strides[NPU_CS_MAX_DIMS];
};

/**
 * struct npu_copy_params - COPY (RESHAPE and plain moves)
 * @input: any shape.
 * @output: same byte size.
 */
struct npu_copy_params {
	struct npu_tensor input;
	struct npu_tensor output;
};

/* npu_lut_params.function: what the table computes (for reports only). */
#define NPU_LUT_OTHER			0
#define NPU_LUT_LOGISTIC		1
#define NPU_LUT_TANH			2

/**
 * struct npu_lut_params - table-driven activation (LOGISTIC, TANH)
 *
 * int8: out = table[in + 128], table of 256 int8.
 * int16: TFLite's 513-entry interpolated lookup (lut_lookup for int16):
 *   index = 256 + (in >> 7), frac = in & 0x7f,
 *   out = table[index] + ((table[index + 1] - table[index]) * frac + 64) >> 7
 *   with the table of 513 int16.
 * The host builds the table (firmware/host/) so quantization is baked in.
 *
 * @input: int8 or int16.
 * @output: same type and shape.
 * @table_addr: NPU VA of the table.
 * @function: NPU_LUT_*.
 * @reserved: zero.
 */
struct npu_lut_params {
	struct npu_tensor input;
	struct npu_tensor output;
	__u64 table_addr;
	__u32 function;
	__u32 reserved;
};

/**
 * struct npu_sigmoid_s16_params - int16 LOGISTIC and TANH as TFLite's
 * reference_integer_ops::Logistic / Tanh for int16
 *
 * The table is TFLite's 256-entry uint16 sigmoid table (sigmoid(i / 24) in
 * 0.16 fixed point, as published: the host supplies it, see
 * firmware/host/npu_fw_sigmoid.c); the input is rescaled onto it and
 * interpolated:
 *   m, s = @input_multiplier ? (@input_multiplier, @input_left_shift)
 *                            : (3 << @input_left_shift, 0)
 *   x = (in * m + (s ? 1 << (s - 1) : 0)) >> s     (arithmetic shift)
 *   LOGISTIC: 9 fraction bits per table step, output in Q0.15;
 *   TANH: 8 fraction bits per step, tanh(x) = 2 * sigmoid(2x) - 1.
 * Documentation/command-stream.rst spells out the rounding.
 *
 * @input: int16, zero point 0 (scale folded into the multiplier).
 * @output: int16, zero point 0 (scale 2^-15), same shape.
 * @table_addr: NPU VA of the 256 uint16 table entries (2-byte aligned).
 * @function: NPU_LUT_LOGISTIC or NPU_LUT_TANH.
 * @input_multiplier: 0..32767; 0 selects the power-of-two form above.
 * @input_left_shift: 0..31 (a right shift, despite TFLite's name); at most
 *                    13 when @input_multiplier is 0.
 * @reserved: zero.
 */
struct npu_sigmoid_s16_params {
	struct npu_tensor input;
	struct npu_tensor output;
	__u64 table_addr;
	__u32 function;
	__s32 input_multiplier;
	__s32 input_left_shift;
	__u32 reserved;
};

/**
 * struct npu_leaky_relu_params - LEAKY_RELU as TFLite's QuantizeLeakyRelu
 *
 * v = in - in_zp; out = out_zp + MultiplyByQuantizedMultiplier(v,
 * v >= 0 ? identity : alpha); saturate to the type.  int8 or int16.
 *
 * @input: any shape.
 * @output: same shape and type.
 * @multiplier_identity: in_scale / out_scale.
 * @shift_identity: its shift.
 * @multiplier_alpha: alpha * in_scale / out_scale.
 * @shift_alpha: its shift.
 */
struct npu_leaky_relu_params {
	struct npu_tensor input;
	struct npu_tensor output;
	__s32 multiplier_identity;
	__s32 shift_identity;
	__s32 multiplier_alpha;
	__s32 shift_alpha;
};

/**
 * struct npu_relu_params - RELU, RELU_N1_TO_1, RELU6 as TFLite's ReluX
 *
 * TFLite's reference_ops::ReluX for int8 and int16: out = clamp(out_zp +
 * MultiplyByQuantizedMultiplier(in - in_zp, @multiplier, @shift),
 * @act_min, @act_max), the multiplier being in_scale / out_scale and the
 * clamp the quantized image of the activation's range (0 .. max for RELU)
 * cut to the type.  int16 zero points are 0.
 *
 * @input: any shape.
 * @output: same shape and type.
 * @multiplier: Q31, >= 0.
 * @shift: TFLite convention, -31..30.
 * @act_min: lower clamp (quantized).
 * @act_max: upper clamp (quantized).
 */
struct npu_relu_params {
	struct npu_tensor input;
	struct npu_tensor output;
	__s32 multiplier;
	__s32 shift;
	__s32 act_min;
	__s32 act_max;
};

/* npu_resize_params.flags */
#define NPU_RESIZE_ALIGN_CORNERS	(1u << 0)
#define NPU_RESIZE_HALF_PIXEL_CENTERS	(1u << 1)

/**
 * struct npu_resize_params - RESIZE_BILINEAR, RESIZE_NEAREST_NEIGHBOR
 *
 * Resizes height and width of an NHWC tensor; batch and channels are kept.
 * Values are not requantized (TFLite interpolates the stored integers):
 * input and output have the same type and zero point.
 *
 * NPU_CMD_RESIZE_BILINEAR, int8 or int16: TFLite's integer bilinear
 * (reference_ops::ResizeBilinearInteger): per axis a scale in 1/1024ths,
 *   s = (1024 * in + out / 2) / out, or with NPU_RESIZE_ALIGN_CORNERS and
 *   out > 1, (1024 * (in - 1) + (out - 1) / 2) / (out - 1);
 *   the source position of output index i is p = i * s, or with
 *   NPU_RESIZE_HALF_PIXEL_CENTERS p = i * s + s / 2 - 512; its rows are
 *   lo = max(p / 1024, 0), hi = min((p + 1023) / 1024, in - 1) (C division);
 *   the four neighbours are weighted by (1024 - (p - 1024 lo)) and
 *   (p - 1024 lo) on each axis, the sum is divided by 2^20 rounding half
 *   away from zero and stored in the type (wrapping, which the weights never
 *   reach).  @table_addr must be 0.
 * NPU_CMD_RESIZE_NEAREST, any 1-, 2- or 4-byte type: a gather.  The table
 *   holds out_h then out_w uint16 source indices (the host computes them
 *   with TFLite's float GetNearestNeighbor, from the flags); an index at or
 *   beyond the input extent reads the last row or column.  @flags is 0.
 *
 * @input: [N, H, W, C].
 * @output: [N, OH, OW, C], same type and zero point.
 * @table_addr: NPU VA of the nearest-neighbour index table (2-byte
 *              aligned), else 0.
 * @flags: NPU_RESIZE_* (bilinear); NPU_RESIZE_ALIGN_CORNERS and
 *         NPU_RESIZE_HALF_PIXEL_CENTERS exclude each other, as in TFLite.
 * @reserved: zero.
 */
struct npu_resize_params {
	struct npu_tensor input;
	struct npu_tensor output;
	__u64 table_addr;
	__u32 flags;
	__u32 reserved;
};

/* npu_strided_copy_params.flags */
#define NPU_COPY_FILL			(1u << 0)

/**
 * struct npu_strided_copy_params - STRIDED_COPY: one box of elements
 *
 * For every index (i0..i4) of the box @extent:
 *   output[@out_offset + sum(i_d * @out_stride[d])] =
 *       input[@in_offset + sum(i_d * @in_stride[d])]
 * in element units; with NPU_COPY_FILL every box element gets
 * @fill_value instead (its little-endian image, as PAD) and the input is
 * not read.  Elements of @output outside the box keep their values, so a
 * sequence of boxes builds a tensor (BATCH_TO_SPACE_ND, SPACE_TO_BATCH_ND,
 * MIRROR_PAD, TILE).  Strides may be 0 or negative; every element the box
 * touches must lie inside its tensor (the validator checks the corners).
 * Boxes that write an output element twice write it in index order.
 *
 * @input: any shape and type (NPU_COPY_FILL: its type only; @in_offset
 *         and @in_stride must be 0).
 * @output: same type and zero point.
 * @extent: box extents, each >= 1 (unused trailing dims 1).
 * @in_offset: element offset of the box origin in @input.
 * @out_offset: element offset of the box origin in @output.
 * @in_stride: input element step per box dimension.
 * @out_stride: output element step per box dimension.
 * @flags: NPU_COPY_*.
 * @fill_value: NPU_COPY_FILL's value, inside the type (sign-extended to
 *               int64).
 */
struct npu_strided_copy_params {
	struct npu_tensor input;
	struct npu_tensor output;
	__u32 extent[NPU_CS_MAX_DIMS];
	__u32 in_offset;
	__u32 out_offset;
	__s32 in_stride[NPU_CS_MAX_DIMS];
	__s32 out_stride[NPU_CS_MAX_DIMS];
	__u32 flags;
	__s32 fill_value;
};

/*
 * ---- region addresses (NPU_FW_FEAT_REGIONS, firmware 1.5.0) ----
 * Every 64-bit address operand of a command (npu_tensor.addr, the
 * npu_requant arrays, table and DMA addresses, ...) is NPU_ADDR(region,
 * offset): the region in bits 63:60, the byte offset in bits 59:0.
 *
 * Region 0 is the absolute NPU address (the file's address space and the
 * SRAM window NPU_SRAM_VA): every stream written before regions existed is
 * a region-0 stream and keeps its meaning.  Regions 1..NPU_CS_MAX_REGIONS-1
 * are bound per job to a (base, size) pair by the job's region table
 * (NPU_REG_JOB_RT_LO/HI, struct npu_hw_region in npu_regs.h): the device
 * checks offset + length <= size for every byte range a command touches
 * (else NPU_JOB_ERR_BAD_STREAM) and addresses base + offset.  A job without
 * a region table may use region 0 only.
 *
 * The kernel's command objects (DRM_IOCTL_NPU_CMDSTREAM_CREATE) are
 * validated once, without the file's mappings: their streams may use
 * region 0 only for the SRAM window.  Plain submitted streams may not use
 * regions 1..NPU_CS_MAX_REGIONS-1.
 *
 * The region numbers below are the compiler's convention; the device and
 * the kernel treat regions 1..15 alike.
 */
#define NPU_CS_MAX_REGIONS		16
#define NPU_ADDR_REGION_SHIFT		60
#define NPU_ADDR_OFFSET_MASK		((1ull << NPU_ADDR_REGION_SHIFT) - 1)
#define NPU_ADDR(region, offset)	(((__u64)(region) << NPU_ADDR_REGION_SHIFT) | \
					 ((__u64)(offset) & NPU_ADDR_OFFSET_MASK))
#define NPU_ADDR_REGION(a)		((__u32)((__u64)(a) >> NPU_ADDR_REGION_SHIFT))
#define NPU_ADDR_OFFSET(a)		((__u64)(a) & NPU_ADDR_OFFSET_MASK)

#define NPU_REGION_ABS			0	/* absolute NPU VA, SRAM window */
#define NPU_REGION_CONST		1	/* weights, biases, tables (read) */
#define NPU_REGION_ARENA		2	/* activation arena */
#define NPU_REGION_IO_FIRST		3	/* 3..15: one bound I/O tensor each */

/*
 * Alignment of a region's base (the kernel's drm_npu_region.offset): the
 * validator checks element alignment and DRAM-burst cost on region
 * offsets, so a base keeps both.
 */
#define NPU_REGION_ALIGN		64

/*
 * The on-chip SRAM is the window [NPU_SRAM_VA, NPU_SRAM_VA +
 * NPU_HW_SRAM_SIZE) of the command-stream address space, above the MMU's
 * NPU_VA_SIZE: any operand may lie in it (firmware with NPU_FW_FEAT_SRAM).
 * A stream may only read SRAM bytes it wrote itself.
 */
#define NPU_SRAM_VA			(1ull << 40)

/**
 * struct npu_dma_params - DMA: one stripe between DRAM and SRAM
 *
 * Runs of @extent[3] bytes, @extent[0] x @extent[1] x @extent[2] of them
 * (outermost first).  Exactly one of @src and @dst lies in the SRAM
 * window; on that side the runs are packed one after another, on the DRAM
 * side run (i0, i1, i2) starts at i0 * @stride[0] + i1 * @stride[1] +
 * i2 * @stride[2].  Executed by the DMA engine, concurrently with compute
 * commands (Documentation/hardware.rst).
 *
 * @src: NPU VA or SRAM address of the first byte read.
 * @dst: NPU VA or SRAM address of the first byte written.
 * @extent: run counts and run length in bytes, each >= 1; the product is
 *          at most NPU_HW_SRAM_SIZE.
 * @stride: DRAM-side byte step of dimensions 0..2.
 * @flags: zero.
 */
struct npu_dma_params {
	__u64 src;
	__u64 dst;
	__u32 extent[4];
	__u32 stride[3];
	__u32 flags;
};

/**
 * struct npu_softmax_params - SOFTMAX along the innermost axis
 *
 * TFLite's reference_ops::Softmax for 8-bit inputs (int8 -> int8,
 * int8 -> int16, uint8 -> uint8), gemmlowp fixed point: per row of
 * dims[rank - 1] elements, each difference d = in - max(row) (the stored
 * values; the zero point cancels) with d >= @diff_min is rescaled to Q5.26
 * by SaturatingRoundingDoublingHighMul(d << @input_left_shift,
 * @input_multiplier), exp() of it (exp_on_negative_values) summed in
 * Q12.19, the sum's reciprocal by GetReciprocal() (1/(1 + x),
 * Newton-Raphson), and each output exp(d) times the reciprocal, rounded
 * by the sum's exponent, plus the output type's minimum; a d below
 * @diff_min gives that minimum.  The host computes the three parameters as
 * TFLite's SoftmaxPrepare (PreprocessSoftmaxScaling of beta * input scale,
 * CalculateInputRadius).  Output zero point: the type's minimum (-128,
 * -32768, 0), scale 1/256 (1/65536 for int16), which the host checks.
 *
 * @input: int8 or uint8, rank 1..5.
 * @output: same dims; int8 (int8 input), int16 (int8 input) or uint8
 *          (uint8 input).
 * @input_multiplier: Q31, > 0.
 * @input_left_shift: 0..31.
 * @diff_min: the most negative difference still counted, <= 0.
 * @reserved: 0.
 */
struct npu_softmax_params {
	struct npu_tensor input;
	struct npu_tensor output;
	__s32 input_multiplier;
	__s32 input_left_shift;
	__s32 diff_min;
	__u32 reserved;
};

/**
 * union npu_cmd_params - the parameters of any command, by opcode
 *
 * One name per structure for every user: the firmware decodes commands
 * into it, the compiler and the CPU path fill it.
 *
 * @stream: NPU_CMD_STREAM.
 * @conv: NPU_CMD_CONV_2D, NPU_CMD_DEPTHWISE_CONV_2D, NPU_CMD_TRANSPOSE_CONV.
 * @fc: NPU_CMD_FULLY_CONNECTED.
 * @eltwise: NPU_CMD_ADD, NPU_CMD_SUB, NPU_CMD_MUL.
 * @pool: NPU_CMD_AVERAGE_POOL_2D, NPU_CMD_MAX_POOL_2D.
 * @mean: NPU_CMD_MEAN.
 * @pad: NPU_CMD_PAD.
 * @transpose: NPU_CMD_TRANSPOSE.
 * @concat: NPU_CMD_CONCAT.
 * @slice: NPU_CMD_STRIDED_SLICE.
 * @copy: NPU_CMD_COPY; also the leading input and output tensors that
 *        every single-input command shares.
 * @lut: NPU_CMD_LUT.
 * @leaky_relu: NPU_CMD_LEAKY_RELU.
 * @sigmoid_s16: NPU_CMD_SIGMOID_S16.
 * @relu: NPU_CMD_RELU.
 * @reduce: NPU_CMD_REDUCE_MAX, NPU_CMD_REDUCE_MIN.
 * @prelu: NPU_CMD_PRELU.
 * @arg: NPU_CMD_ARG_MAX, NPU_CMD_ARG_MIN.
 * @resize: NPU_CMD_RESIZE_BILINEAR, NPU_CMD_RESIZE_NEAREST.
 * @strided_copy: NPU_CMD_STRIDED_COPY.
 * @dma: NPU_CMD_DMA.
 * @softmax: NPU_CMD_SOFTMAX.
 */
union npu_cmd_params {
	struct npu_stream_params stream;
	struct npu_conv_params conv;
	struct npu_fc_params fc;
	struct npu_eltwise_params eltwise;
	struct npu_pool_params pool;
	struct npu_mean_params mean;
	struct npu_pad_params pad;
	struct npu_transpose_params transpose;
	struct npu_concat_params concat;
	struct npu_slice_params slice;
	struct npu_copy_params copy;
	struct npu_lut_params lut;
	struct npu_leaky_relu_params leaky_relu;
	struct npu_sigmoid_s16_params sigmoid_s16;
	struct npu_relu_params relu;
	struct npu_reduce_params reduce;
	struct npu_prelu_params prelu;
	struct npu_arg_params arg;
	struct npu_resize_params resize;
	struct npu_strided_copy_params strided_copy;
	struct npu_dma_params dma;
	struct npu_softmax_params softmax;
};

/*
 * ---- hardware model: one definition, reported by the device's ID and
 * configuration registers (NPU_REG_MAC_COUNT, _SRAM_SIZE, _CLOCK_MHZ,
 * _DRAM_BPC) and used by the firmware cycle model and the compiler. ----
 */
#define NPU_HW_MACS_PER_CYCLE		1152	/* int8 x int8 */
/*
 * The MAC array's shape (Documentation/hardware.rst, "MAC array"): each
 * cycle it computes NPU_HW_MAC_POSITIONS output positions of
 * NPU_HW_MAC_CHANNELS output channels, each accumulator taking
 * NPU_HW_MAC_LANES products; a partly used block costs a whole cycle.
 * Their product is NPU_HW_MACS_PER_CYCLE.
 */
#define NPU_HW_MAC_POSITIONS		9
#define NPU_HW_MAC_CHANNELS		16
#define NPU_HW_MAC_LANES		8
#define NPU_HW_MACS_PER_CYCLE_16X8	576	/* int16 x int8: half rate */
#define NPU_HW_CLOCK_MHZ		1000
#define NPU_HW_SRAM_SIZE		(1024u * 1024u)
#define NPU_HW_DRAM_BYTES_PER_CYCLE	16
#define NPU_HW_ELEMS_PER_CYCLE		64	/* elementwise/data movement */
#define NPU_HW_CMD_OVERHEAD_CYCLES	200	/* decode + DMA setup */
#define NPU_HW_DMA_SETUP_CYCLES		32	/* one NPU_CMD_DMA */
#define NPU_HW_DRAM_BURST		64	/* bytes: a DMA run's granule */
#define NPU_HW_WDEC_BYTES_PER_CYCLE	16	/* weight decoder output */

/* ---- hardware limits: anything outside goes to the CPU ---- */
#define NPU_LIMIT_DIM			65535	/* any tensor dimension */
#define NPU_LIMIT_TENSOR_BYTES		(1u << 28)	/* one operand */
#define NPU_LIMIT_CHANNELS		16384	/* conv/fc channels, units */
#define NPU_LIMIT_KERNEL		16	/* conv kernel height, width */
#define NPU_LIMIT_STRIDE		4	/* conv, pool, transpose conv */
#define NPU_LIMIT_DILATION		4
#define NPU_LIMIT_POOL			32	/* pool window height, width */
#define NPU_LIMIT_PAD			255	/* conv/pool padding, PAD before/after */
#define NPU_LIMIT_ACCUM_DEPTH		65536	/* KH*KW*Cin per output, FC depth */
#define NPU_LIMIT_LEFT_SHIFT		20	/* ADD/SUB input left shift */
#define NPU_LIMIT_STREAM_BYTES		(1u << 20)
#define NPU_LIMIT_CMD_WORDS		0xffffu
#define NPU_LIMIT_SRAM_RANGES		48	/* disjoint SRAM ranges written */

#endif /* _UAPI_NPU_CMDSTREAM_H_ */
