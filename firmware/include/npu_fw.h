/* SPDX-License-Identifier: MIT */
/*
 * NPU firmware API: the op kernels (single definition of op semantics in
 * the project), the command-stream validator and processor, the cycle and
 * traffic model, and the firmware image check.
 *
 * Freestanding C: built into npu_sim.ko (kbuild, __KERNEL__), into the host
 * library build/lib/libnpufw.a (tests, libnpu's CPU fallback, the
 * compiler's performance estimate), and checked to build with no libc.
 *
 * Conventions: functions returning int return 0 or a negative NPU_FW_E*
 * code (the values are Linux errno numbers so the kernel can pass them on).
 * Kernels (npu_op_*) trust their parameters: call npu_fw_check_op() first
 * (the command processor always does).
 */
#ifndef NPU_FW_H
#define NPU_FW_H

#include "npu_fw_types.h"
#include "npu_cmdstream.h"
#include "npu_regs.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Firmware release, reported as NPU_REG_FW_VERSION: major<<16|minor<<8|patch */
#define NPU_FW_VERSION_MAJOR	1
#define NPU_FW_VERSION_MINOR	11
#define NPU_FW_VERSION_PATCH	0
#define NPU_FW_VERSION		((NPU_FW_VERSION_MAJOR << 16) | \
				 (NPU_FW_VERSION_MINOR << 8) | \
				 NPU_FW_VERSION_PATCH)
#define NPU_FW_FEATURES		(NPU_FW_FEAT_INT8 | NPU_FW_FEAT_INT16X8 | \
				 NPU_FW_FEAT_PERF_COUNTERS | \
				 NPU_FW_FEAT_SIGMOID_S16 | NPU_FW_FEAT_RELU | \
				 NPU_FW_FEAT_REDUCE | NPU_FW_FEAT_ELTWISE2 | \
				 NPU_FW_FEAT_UINT8 | NPU_FW_FEAT_RESIZE | \
				 NPU_FW_FEAT_STRIDED_COPY | \
				 NPU_FW_FEAT_PRELU_S16 | NPU_FW_FEAT_SRAM | \
				 NPU_FW_FEAT_FC_SCALE_F64 | NPU_FW_FEAT_WDEC | \
				 NPU_FW_FEAT_REGIONS | NPU_FW_FEAT_WDEC_PALETTES | \
				 NPU_FW_FEAT_MEAN_U8 | \
				 NPU_FW_FEAT_WDEC_PACKED | \
				 NPU_FW_FEAT_WDEC_ROWS | NPU_FW_FEAT_MINMAX_U8 | \
				 NPU_FW_FEAT_WDEC_ROWS_PALETTES | \
				 NPU_FW_FEAT_SOFTMAX)

/* Error codes (negated on return), equal to the Linux errno values. */
#define NPU_FW_ENOMEM		12
#define NPU_FW_EFAULT		14
#define NPU_FW_EINVAL		22
#define NPU_FW_ERANGE		34
#define NPU_FW_ECANCELED	125

/* ------------------------------------------------------------------------
 * Fixed-point helpers, exactly TFLite's (default double rounding).
 */
int32_t npu_fw_srdhm(int32_t a, int32_t b);	/* SaturatingRoundingDoublingHighMul */
int32_t npu_fw_rdivpot(int32_t x, int exponent);	/* RoundingDivideByPOT */
/* MultiplyByQuantizedMultiplier(int32 x, int32 m, int shift) */
int32_t npu_fw_mbqm(int32_t x, int32_t multiplier, int shift);
/* MultiplyByQuantizedMultiplier(int64 x, int32 m, int shift), 16x8 path */
int32_t npu_fw_mbqm64(int64_t x, int32_t multiplier, int shift);
/* FULLY_CONNECTED's single rounding of the Q31 product (without NPU_RQ_SCALE_F64) */
int32_t npu_fw_mbqm_single(int64_t x, int32_t multiplier, int shift);
/*
 * FULLY_CONNECTED with NPU_RQ_SCALE_F64 (TFLite's reference kernels):
 * (int32_t)round((double)x * S) as x86-64 computes it, S the binary64
 * whose low and high words are @lo and @hi, in integer arithmetic.
 */
int32_t npu_fw_round_scale(int64_t x, uint32_t lo, uint32_t hi);
/*
 * gemmlowp's fixed point as TFLite's softmax uses it (fw_ops_softmax.c):
 * Rescale of a Q(@src_bits) value to Q(@dst_bits) (saturating when
 * widening the fraction), RoundingHalfSum, exp_on_negative_values (@a with
 * @int_bits integer bits, result Q0.31), one_over_one_plus_x_for_x_in_0_1
 * (Q0.31 in and out) and TFLite's GetReciprocal().
 */
int32_t npu_fw_fp_rescale(int32_t x, int src_bits, int dst_bits);
int32_t npu_fw_rounding_half_sum(int32_t a, int32_t b);
int32_t npu_fw_exp_on_negative_values(int32_t a, int int_bits);
int32_t npu_fw_one_over_one_plus_x(int32_t a);
int32_t npu_fw_get_reciprocal(int32_t x, int x_integer_digits,
			      int *num_bits_over_unit);
/*
 * The convolutions' window clipping: taps [lo, hi) of k with
 * 0 <= origin + tap * dil < size (for kernels that mirror the firmware's).
 */
void npu_fw_tap_range(int32_t origin, uint32_t dil, uint32_t k, uint32_t size,
		      uint32_t *lo, uint32_t *hi);
/*
 * RESIZE_BILINEAR's map of one axis of @in to @out elements (@flags:
 * NPU_RESIZE_*): output index @i reads source indices *@lo and *@hi,
 * weighted (1024 - *@frac) and *@frac (for kernels that mirror the
 * firmware's).
 */
void npu_fw_bilinear_pos(uint32_t in, uint32_t out, uint32_t flags, uint32_t i,
			 uint32_t *lo, uint32_t *hi, int32_t *frac);

/* ------------------------------------------------------------------------
 * Op kernels on plain pointers.  Parameters are the command-stream
 * structures of npu_cmdstream.h (tensor .addr fields are ignored).
 * mult/shift: rq.count entries (may be NULL when rq.count == 0);
 * bias: one per output channel, or NULL when !(rq.flags & NPU_RQ_HAS_BIAS).
 */
void npu_op_conv2d_s8(const struct npu_conv_params *p, const int8_t *in,
		      const int8_t *filter, const int32_t *bias,
		      const int32_t *mult, const int32_t *shift, int8_t *out);
void npu_op_conv2d_s16(const struct npu_conv_params *p, const int16_t *in,
		       const int8_t *filter, const int64_t *bias,
		       const int32_t *mult, const int32_t *shift, int16_t *out);
void npu_op_depthwise_s8(const struct npu_conv_params *p, const int8_t *in,
			 const int8_t *filter, const int32_t *bias,
			 const int32_t *mult, const int32_t *shift, int8_t *out);
void npu_op_depthwise_s16(const struct npu_conv_params *p, const int16_t *in,
			  const int8_t *filter, const int64_t *bias,
			  const int32_t *mult, const int32_t *shift,
			  int16_t *out);
void npu_op_transpose_conv_s8(const struct npu_conv_params *p,
			      const int8_t *in, const int8_t *filter,
			      const int32_t *bias, const int32_t *mult,
			      const int32_t *shift, int8_t *out);
void npu_op_transpose_conv_s16(const struct npu_conv_params *p,
			       const int16_t *in, const int8_t *filter,
			       const int64_t *bias, const int32_t *mult,
			       const int32_t *shift, int16_t *out);
void npu_op_fc_s8(const struct npu_fc_params *p, const int8_t *in,
		  const int8_t *filter, const int32_t *bias,
		  const int32_t *mult, const int32_t *shift, int8_t *out);
void npu_op_fc_s16(const struct npu_fc_params *p, const int16_t *in,
		   const int8_t *filter, const int64_t *bias,
		   const int32_t *mult, const int32_t *shift, int16_t *out);
/* uint8 (legacy asymmetric): filter offset -filter.zero_point. */
void npu_op_conv2d_u8(const struct npu_conv_params *p, const uint8_t *in,
		      const uint8_t *filter, const int32_t *bias,
		      const int32_t *mult, const int32_t *shift, uint8_t *out);
void npu_op_depthwise_u8(const struct npu_conv_params *p, const uint8_t *in,
			 const uint8_t *filter, const int32_t *bias,
			 const int32_t *mult, const int32_t *shift,
			 uint8_t *out);
void npu_op_transpose_conv_u8(const struct npu_conv_params *p,
			      const uint8_t *in, const uint8_t *filter,
			      const int32_t *bias, const int32_t *mult,
			      const int32_t *shift, uint8_t *out);
void npu_op_fc_u8(const struct npu_fc_params *p, const uint8_t *in,
		  const uint8_t *filter, const int32_t *bias,
		  const int32_t *mult, const int32_t *shift, uint8_t *out);

void npu_op_add_s8(const struct npu_eltwise_params *p, const int8_t *in1,
		   const int8_t *in2, int8_t *out);
void npu_op_add_s16(const struct npu_eltwise_params *p, const int16_t *in1,
		    const int16_t *in2, int16_t *out);
void npu_op_sub_s8(const struct npu_eltwise_params *p, const int8_t *in1,
		   const int8_t *in2, int8_t *out);
void npu_op_sub_s16(const struct npu_eltwise_params *p, const int16_t *in1,
		    const int16_t *in2, int16_t *out);
void npu_op_mul_s8(const struct npu_eltwise_params *p, const int8_t *in1,
		   const int8_t *in2, int8_t *out);
void npu_op_mul_s16(const struct npu_eltwise_params *p, const int16_t *in1,
		    const int16_t *in2, int16_t *out);
void npu_op_add_u8(const struct npu_eltwise_params *p, const uint8_t *in1,
		   const uint8_t *in2, uint8_t *out);
void npu_op_sub_u8(const struct npu_eltwise_params *p, const uint8_t *in1,
		   const uint8_t *in2, uint8_t *out);
void npu_op_mul_u8(const struct npu_eltwise_params *p, const uint8_t *in1,
		   const uint8_t *in2, uint8_t *out);

void npu_op_avg_pool_s8(const struct npu_pool_params *p, const int8_t *in,
			int8_t *out);
void npu_op_avg_pool_s16(const struct npu_pool_params *p, const int16_t *in,
			 int16_t *out);
void npu_op_max_pool_s8(const struct npu_pool_params *p, const int8_t *in,
			int8_t *out);
void npu_op_max_pool_s16(const struct npu_pool_params *p, const int16_t *in,
			 int16_t *out);
void npu_op_avg_pool_u8(const struct npu_pool_params *p, const uint8_t *in,
			uint8_t *out);
void npu_op_max_pool_u8(const struct npu_pool_params *p, const uint8_t *in,
			uint8_t *out);
void npu_op_mean_s8(const struct npu_mean_params *p, const int8_t *in,
		    int8_t *out);
void npu_op_mean_s16(const struct npu_mean_params *p, const int16_t *in,
		     int16_t *out);
void npu_op_mean_u8(const struct npu_mean_params *p, const uint8_t *in,
		    uint8_t *out);
void npu_op_reduce_max_s8(const struct npu_reduce_params *p,
			  const int8_t *in, int8_t *out);
void npu_op_reduce_max_s16(const struct npu_reduce_params *p,
			   const int16_t *in, int16_t *out);
void npu_op_reduce_min_s8(const struct npu_reduce_params *p,
			  const int8_t *in, int8_t *out);
void npu_op_reduce_min_s16(const struct npu_reduce_params *p,
			   const int16_t *in, int16_t *out);
/* ARG_MAX (@is_max) or ARG_MIN: int8/uint8/int16 in, int32/int64 out. */
void npu_op_arg_min_max(const struct npu_arg_params *p, int is_max,
			const void *in, void *out);
void npu_op_maximum_s8(const struct npu_eltwise_params *p, const int8_t *in1,
		       const int8_t *in2, int8_t *out);
void npu_op_maximum_s16(const struct npu_eltwise_params *p,
			const int16_t *in1, const int16_t *in2, int16_t *out);
void npu_op_minimum_s8(const struct npu_eltwise_params *p, const int8_t *in1,
		       const int8_t *in2, int8_t *out);
void npu_op_minimum_s16(const struct npu_eltwise_params *p,
			const int16_t *in1, const int16_t *in2, int16_t *out);
void npu_op_maximum_u8(const struct npu_eltwise_params *p, const uint8_t *in1,
		       const uint8_t *in2, uint8_t *out);
void npu_op_minimum_u8(const struct npu_eltwise_params *p, const uint8_t *in1,
		       const uint8_t *in2, uint8_t *out);
void npu_op_prelu_s8(const struct npu_prelu_params *p, const int8_t *in,
		     const int8_t *alpha, int8_t *out);
/* int16 input and output, int8 alpha (TFLite's 16x8 PRELU). */
void npu_op_prelu_s16(const struct npu_prelu_params *p, const int16_t *in,
		      const int8_t *alpha, int16_t *out);

/* Data movement: element size from the tensors' dtype. */
void npu_op_pad(const struct npu_pad_params *p, const void *in, void *out);
void npu_op_transpose(const struct npu_transpose_params *p, const void *in,
		      void *out);
/* Writes only the @input slice of @out (one CONCATENATION input). */
void npu_op_concat(const struct npu_concat_params *p, const void *in,
		   const uint8_t *table /* 256, or NULL */, void *out);
void npu_op_strided_slice(const struct npu_slice_params *p, const void *in,
			  void *out);
void npu_op_copy(const struct npu_copy_params *p, const void *in, void *out);

void npu_op_lut_s8(const struct npu_lut_params *p, const int8_t *in,
		   const int8_t *table /* 256 */, int8_t *out);
/* uint8: out = table[in]. */
void npu_op_lut_u8(const struct npu_lut_params *p, const uint8_t *in,
		   const uint8_t *table /* 256 */, uint8_t *out);
void npu_op_lut_s16(const struct npu_lut_params *p, const int16_t *in,
		    const int16_t *table /* 513 */, int16_t *out);
/* int16 LOGISTIC / TANH on TFLite's 256-entry uint16 sigmoid table. */
void npu_op_sigmoid_s16(const struct npu_sigmoid_s16_params *p,
			const int16_t *in, const uint16_t *table /* 256 */,
			int16_t *out);
void npu_op_leaky_relu_s8(const struct npu_leaky_relu_params *p,
			  const int8_t *in, int8_t *out);
void npu_op_leaky_relu_s16(const struct npu_leaky_relu_params *p,
			   const int16_t *in, int16_t *out);
void npu_op_leaky_relu_u8(const struct npu_leaky_relu_params *p,
			  const uint8_t *in, uint8_t *out);
void npu_op_relu_u8(const struct npu_relu_params *p, const uint8_t *in,
		    uint8_t *out);
void npu_op_relu_s8(const struct npu_relu_params *p, const int8_t *in,
		    int8_t *out);
void npu_op_relu_s16(const struct npu_relu_params *p, const int16_t *in,
		     int16_t *out);
/* TFLite's integer RESIZE_BILINEAR (struct npu_resize_params). */
void npu_op_resize_bilinear_s8(const struct npu_resize_params *p,
			       const int8_t *in, int8_t *out);
void npu_op_resize_bilinear_s16(const struct npu_resize_params *p,
				const int16_t *in, int16_t *out);
/* One box of a STRIDED_COPY (struct npu_strided_copy_params). */
void npu_op_strided_copy(const struct npu_strided_copy_params *p,
			 const void *in, void *out);
/* TFLite's reference 8-bit SOFTMAX (struct npu_softmax_params). */
void npu_op_softmax(const struct npu_softmax_params *p, const void *in,
		    void *out);
/* RESIZE_NEAREST_NEIGHBOR: out_h + out_w source indices in @table. */
void npu_op_resize_nearest(const struct npu_resize_params *p, const void *in,
			   const uint16_t *table, void *out);

/*
 * Run the kernel of a checked command on host memory, as the command
 * processor does: @buf holds one pointer per operand slot (enum
 * npu_fw_slot), NULL for slots the command does not use.  Returns 0, or
 * -NPU_FW_EINVAL for an unknown opcode.
 */
enum npu_fw_slot {
	NPU_FW_SLOT_IN0,	/* input, input1 */
	NPU_FW_SLOT_IN1,	/* input2 */
	NPU_FW_SLOT_WEIGHTS,	/* filter */
	NPU_FW_SLOT_BIAS,	/* rq bias */
	NPU_FW_SLOT_MULT,	/* rq per-channel multipliers */
	NPU_FW_SLOT_SHIFT,	/* rq per-channel shifts */
	NPU_FW_SLOT_TABLE,	/* LUT or sigmoid table */
	NPU_FW_SLOT_OUT,	/* output */
	NPU_FW_SLOT_COUNT
};

int npu_fw_exec(uint32_t opcode, const union npu_cmd_params *params,
		void *const buf[NPU_FW_SLOT_COUNT]);

/**
 * struct npu_fw_operand - one buffer a command reads or writes
 * @va: its NPU virtual address.
 * @len: its length in bytes.
 * @access: NPU_FW_ACCESS_READ or NPU_FW_ACCESS_WRITE.
 * @slot: enum npu_fw_slot.
 * @field: the address field inside the parameters that holds @va (the
 *         compiler relocates it).
 */
struct npu_fw_operand {
	uint64_t va;
	uint64_t len;
	uint32_t access;
	uint32_t slot;
	const __u64 *field;
};

/*
 * The operands of a checked command, reads first; returns how many (at
 * most NPU_FW_SLOT_COUNT, 0 for unknown opcodes).
 */
uint32_t npu_fw_cmd_operands(uint32_t opcode,
			     const union npu_cmd_params *params,
			     struct npu_fw_operand ops[NPU_FW_SLOT_COUNT]);

/* ------------------------------------------------------------------------
 * Parameter checks and operand ranges (one definition for the validator,
 * the command processor, the CPU path and the compiler's placement).
 */

/* Check flags. */
#define NPU_FW_CHECK_HW_LIMITS	(1u << 0)	/* also the NPU_LIMIT_* limits */

/* Size of the parameter structure of @opcode; 0 for NOP, -1 if unknown. */
int32_t npu_fw_params_size(uint32_t opcode);
/* "CONV_2D", ...; "?" for unknown opcodes. */
const char *npu_fw_cmd_name(uint32_t opcode);

/*
 * Structural check of one op's parameters: types, ranks, shape
 * consistency, overflow-free sizes; with NPU_FW_CHECK_HW_LIMITS also the
 * hardware limits.  @size is the byte size available at @params (at least
 * npu_fw_params_size(@opcode)).  Returns 0 or -NPU_FW_EINVAL and, when
 * @reason is not NULL, a static English reason ("stride exceeds the NPU
 * limit").  Kernels called on parameters that pass this never read or
 * write outside their operands.
 */
int npu_fw_check_op(uint32_t opcode, const void *params, uint32_t size,
		    uint32_t flags, const char **reason);

/**
 * struct npu_fw_reason - why a command's parameters were rejected
 * @text: static English text ("stride exceeds the NPU limit").
 * @what: for a hardware limit, the quantity ("stride"), else NULL.
 * @value: its value in the command (the larger one of a height and width).
 * @height: for a 2-D quantity (window, kernel), its height, else 0.
 * @width: its width.
 * @limit: the largest value the NPU accepts.
 *
 * As Vela's constraints: the firmware says what failed, the compiler words
 * it ("CONV_2D: stride 5 exceeds the NPU limit of 4").
 */
struct npu_fw_reason {
	const char *text;
	const char *what;
	int64_t value;
	int64_t height;
	int64_t width;
	int64_t limit;
};

/* npu_fw_check_op() with the structured reason (@why may be NULL). */
int npu_fw_check_cmd(uint32_t opcode, const void *params, uint32_t size,
		     uint32_t flags, struct npu_fw_reason *why);

/**
 * struct npu_fw_geometry - the window of a conv or pool, as far as the
 * hardware limits it
 * @kernel_h: filter height (conv), 0 if none.
 * @kernel_w: filter width.
 * @window_h: pool window height, 0 if none.
 * @window_w: pool window width.
 * @stride_h: vertical stride.
 * @stride_w: horizontal stride.
 * @dilation_h: vertical dilation (conv), 0 if none.
 * @dilation_w: horizontal dilation.
 */
struct npu_fw_geometry {
	uint32_t kernel_h;
	uint32_t kernel_w;
	uint32_t window_h;
	uint32_t window_w;
	uint32_t stride_h;
	uint32_t stride_w;
	uint32_t dilation_h;
	uint32_t dilation_w;
};

/*
 * The hardware limits on a window and on one tensor's shape, the same
 * checks the commands' checks make: for a compiler that has not built the
 * command yet (an op whose geometry is beyond the NPU may not even have
 * valid commands).  0 or -NPU_FW_EINVAL with @why filled.
 */
int npu_fw_check_geometry(const struct npu_fw_geometry *g,
			  struct npu_fw_reason *why);
int npu_fw_check_shape(uint32_t rank, const uint32_t *dims,
		       uint32_t elem_size, struct npu_fw_reason *why);

/* Operand access kinds for struct npu_fw_range. */
#define NPU_FW_ACCESS_READ	1u
#define NPU_FW_ACCESS_WRITE	2u

/*
 * Called for each buffer range a command touches; nonzero return stops the
 * walk and is returned by the caller.
 */
typedef int (*npu_fw_range_fn)(void *ctx, uint64_t va, uint64_t len,
			       uint32_t access);

/* Enumerate the byte ranges of a checked op (reads first, then writes). */
int npu_fw_cmd_ranges(uint32_t opcode, const void *params,
		     npu_fw_range_fn fn, void *ctx);

/**
 * struct npu_fw_verror - where and why validation failed
 * @cmd_index: index of the offending command (0 = the STREAM command).
 * @offset: byte offset of that command in the stream.
 * @reason: static English text.
 */
struct npu_fw_verror {
	uint32_t cmd_index;
	uint32_t offset;
	const char *reason;
};

/*
 * Structural validator over an untrusted stream in memory.  Walks every
 * command: unknown opcodes, truncated or misaligned commands, non-zero
 * reserved words, impossible shapes, arithmetic overflow, hardware limits.
 * For each operand range of each command calls @fn (may be NULL) so the
 * kernel can check it lies within the submitted buffers.  @err may be NULL.
 * Returns 0, -NPU_FW_EINVAL, or @fn's nonzero return.  Pure: no state, no
 * allocation, bounded stack; safe on hostile input.
 */
int npu_fw_validate(const void *cs, uint32_t size, npu_fw_range_fn fn,
		    void *ctx, struct npu_fw_verror *err);

/**
 * struct npu_fw_region_use - what a region stream needs of its regions
 * @size: per region 1..NPU_CS_MAX_REGIONS-1, the end of the highest byte
 *        range the stream touches in it (the bytes a bound buffer must
 *        have from the region's start); 0 for unused regions and region 0.
 * @used: bit r: the stream addresses region r (bit 0: the SRAM window).
 * @write: bit r: the stream writes region r (1..NPU_CS_MAX_REGIONS-1).
 */
struct npu_fw_region_use {
	uint64_t size[NPU_CS_MAX_REGIONS];
	uint32_t used;
	uint32_t write;
};

/*
 * npu_fw_validate() of a region stream (a kernel command object): every
 * operand in regions 1..15 or in the SRAM window, an absolute DRAM address
 * is -NPU_FW_EINVAL.  Fills @use from the validator's own byte ranges, so
 * the sizes a submit checks are exactly what the device will touch; @use
 * is zero on failure.  @err may be NULL.
 */
int npu_fw_validate_regions(const void *cs, uint32_t size,
			    struct npu_fw_region_use *use,
			    struct npu_fw_verror *err);

/*
 * NPU_FW_FEAT_* bits a firmware must announce to execute @opcode beyond
 * those of its command-stream version (0 for most opcodes), and their
 * union over the commands of a stream (decoding stops at the first
 * malformed command; validate the stream for a verdict).
 */
uint32_t npu_fw_cmd_features(uint32_t opcode);
uint32_t npu_fw_stream_features(const void *cs, uint32_t size);
/*
 * The bits one command with parameters @p needs: npu_fw_cmd_features() and
 * those of its parameters (a uint8 operand, a compressed filter), not
 * counting the SRAM (the compiler's NPU_COMPILE_NO_SRAM decides that).
 */
uint32_t npu_fw_cmd_param_features(uint32_t opcode,
				   const union npu_cmd_params *p);

/* ------------------------------------------------------------------------
 * The weight decoder (fw_wdec.c): compressed filters, npu_tensor.encoding
 * NPU_WEIGHTS_NPW1.  Documentation/hardware.rst, "Weight compression", is
 * the format; libnpu's compiler is the encoder.
 */
#define NPU_WDEC_MAGIC0		0x4e	/* 'N' */
#define NPU_WDEC_MAGIC1		0x57	/* 'W' */
#define NPU_WDEC_VERSION	1
/* Blocks packed in one bit stream, 1-bit repeated modes (firmware 1.7.0) */
#define NPU_WDEC_VERSION_PACKED	2
#define NPU_WDEC_HDR_BYTES	8	/* magic, version, palettes, u32 block size */
/*
 * Version 3, rows (firmware 1.8.0): 'N' then 3 (where versions 1 and 2
 * have 'W'), then one bit stream of rows: a row's zero structure, its
 * +-127 by position, truncated binary codes of 127 - |v|.
 */
#define NPU_WDEC_VERSION_ROWS	3
#define NPU_WDEC_MIN_BYTES	2	/* the shortest stream: version 3's header */
/* Shared palettes a stream may define (header byte 3; 0: inline ones). */
#define NPU_WDEC_MAX_PALETTES	16
/*
 * Version 3's palette values (firmware 1.10.0, NPU_FW_FEAT_WDEC_ROWS_PALETTES):
 * at most 8 palettes of at most 16 values (the decoder keeps them on its
 * stack).
 */
#define NPU_WDEC_ROWS_PALETTES	8
#define NPU_WDEC_ROWS_PALETTE_VALUES	16

/*
 * Decode @src_len encoded bytes into exactly @dst_len bytes at @dst.
 * Safe on hostile input: reads stay inside @src, writes inside @dst.
 * Returns 0, or -NPU_FW_EINVAL with *@reason set (malformed, truncated,
 * or bytes left over); @dst is then partly written.
 */
int npu_fw_wdec_decode(const void *src, uint32_t src_len, void *dst,
		       uint32_t dst_len, const char **reason);

/**
 * struct npu_fw_weight_bytes - filter bytes of a stream's MAC commands
 * @filter_bytes: decoded bytes of every CONV/DW/TCONV/FC filter.
 * @read_bytes: what the commands read for them (encoded or raw).
 * @encoded_filter_bytes: decoded bytes of the encoded ones.
 */
struct npu_fw_weight_bytes {
	uint64_t filter_bytes;
	uint64_t read_bytes;
	uint64_t encoded_filter_bytes;
};

/*
 * Accumulates into @wb over the decodable commands of a stream; a filter at
 * the (non-zero) address of one of the four before it is counted once (the
 * bands of a cascade read one filter in SRAM in turns).
 */
void npu_fw_stream_weights(const void *cs, uint32_t size,
			   struct npu_fw_weight_bytes *wb);

/* ------------------------------------------------------------------------
 * Hardware model and cycle/traffic estimate.
 */

/**
 * struct npu_fw_hw_model - parameters of the cycle model
 *
 * The defaults are the NPU_HW_* constants of npu_cmdstream.h; the firmware
 * image carries the table the device uses (see Documentation/firmware.rst).
 *
 * @macs_per_cycle: int8 x int8 MACs per cycle.
 * @macs_per_cycle_16x8: int16 x int8 MACs per cycle.
 * @clock_mhz: core clock.
 * @sram_size: on-chip SRAM bytes.
 * @dram_bytes_per_cycle: DRAM bandwidth.
 * @elems_per_cycle: vector-unit elements per cycle.
 * @cmd_overhead_cycles: fixed cost of every command.
 * @reserved: zero.
 */
struct npu_fw_hw_model {
	uint32_t macs_per_cycle;
	uint32_t macs_per_cycle_16x8;
	uint32_t clock_mhz;
	uint32_t sram_size;
	uint32_t dram_bytes_per_cycle;
	uint32_t elems_per_cycle;
	uint32_t cmd_overhead_cycles;
	uint32_t reserved;
};

extern const struct npu_fw_hw_model npu_fw_default_hw;

/**
 * struct npu_fw_cost - modelled cost of a command or a stream
 * @cycles: max(compute, dma) + overhead, summed over commands.
 * @compute_cycles: MAC-array / vector-unit cycles.
 * @dma_cycles: DRAM transfer cycles.
 * @macs: multiply-accumulates.
 * @dram_read_bytes: operand bytes read.
 * @dram_write_bytes: operand bytes written.
 * @sram_peak: largest working set of one command, bytes (> sram_size means
 *             the command is tiled; the model charges no extra for it).
 * @sram_read_bytes: operand bytes read from the SRAM window.
 * @sram_write_bytes: operand bytes written to the SRAM window.
 * @array_cycles: MAC-array cycles of the MAC commands, at the array's
 *                block granularity (@compute_cycles has the larger of
 *                them and the weight decoder's).
 */
struct npu_fw_cost {
	uint64_t cycles;
	uint64_t compute_cycles;
	uint64_t dma_cycles;
	uint64_t macs;
	uint64_t dram_read_bytes;
	uint64_t dram_write_bytes;
	uint64_t sram_peak;
	uint64_t sram_read_bytes;
	uint64_t sram_write_bytes;
	uint64_t array_cycles;
};

/*
 * Cost of one checked op; @hw NULL = npu_fw_default_hw.  Accumulates into
 * @cost (zero it first).
 */
void npu_fw_estimate_op(const struct npu_fw_hw_model *hw, uint32_t opcode,
			const void *params, struct npu_fw_cost *cost);
/*
 * The schedule of a stream on the DMA engine and the compute unit
 * (Documentation/hardware.rst, "Execution and timing"): commands are added
 * in stream order; @end is the makespan so far.  Zero it to start.
 */
#define NPU_FW_TIMELINE_DEPTH	16
struct npu_fw_timeline_entry {
	uint32_t rlo, rhi;	/* SRAM bytes read (offsets, rlo == rhi: none) */
	uint32_t wlo, whi;	/* SRAM bytes written */
	uint64_t end;
};
struct npu_fw_timeline {
	uint64_t end;
	uint64_t unit_free[2];	/* compute unit, DMA engine */
	uint64_t floor[2];	/* latest end of entries that left the ring */
	struct npu_fw_timeline_entry recent[2][NPU_FW_TIMELINE_DEPTH];
	uint32_t next[2];
};

/*
 * Schedule one checked command after those added before; accumulates its
 * own cost into @cost as npu_fw_estimate_op() does.  Returns how many
 * cycles it added to the makespan (0 when it overlaps completely).
 */
uint64_t npu_fw_timeline_add(struct npu_fw_timeline *tl,
			     const struct npu_fw_hw_model *hw, uint32_t opcode,
			     const void *params, struct npu_fw_cost *cost);

/* Whether [@va, @va + @len) lies in the SRAM window (else DRAM). */
int npu_fw_in_sram(uint64_t va, uint64_t len);

/*
 * Validates and accumulates the cost of a whole stream; @cost->cycles is
 * the makespan of its schedule.
 */
int npu_fw_estimate_stream(const struct npu_fw_hw_model *hw, const void *cs,
			   uint32_t size, struct npu_fw_cost *cost);

/* ------------------------------------------------------------------------
 * Command processor.
 */

/**
 * struct npu_fw_env - services of the platform (simulator or host test)
 * @ctx: passed to every callback.
 * @dma_read: copy @len bytes at NPU VA @va to @dst through the MMU.  0, or
 *            nonzero after storing the faulting VA in *@fault_addr.
 * @dma_write: copy @len bytes from @src to NPU VA @va; same contract.
 * @alloc: scratch memory (vmalloc in the simulator); NULL on failure.
 * @free: release @alloc memory.
 * @poll: optional; called between commands and periodically inside long
 *        ones (may reschedule).  Nonzero aborts the job (soft reset).
 * @hw: cycle model parameters (from the firmware image); NULL = defaults.
 * @sram: the device's NPU_HW_SRAM_SIZE bytes of SRAM; NULL: the processor
 *        allocates them for each job that uses the SRAM window.
 */
struct npu_fw_env {
	void *ctx;
	int (*dma_read)(void *ctx, uint64_t va, void *dst, uint32_t len,
			uint64_t *fault_addr);
	int (*dma_write)(void *ctx, uint64_t va, const void *src, uint32_t len,
			 uint64_t *fault_addr);
	void *(*alloc)(void *ctx, size_t size);
	void (*free)(void *ctx, void *ptr);
	int (*poll)(void *ctx);
	const struct npu_fw_hw_model *hw;
	void *sram;
};

/**
 * struct npu_fw_result - outcome of one job
 * @status: NPU_JOB_OK or NPU_JOB_ERR_* (uapi/npu_regs.h).
 * @cmd_index: failing command index, or number of commands on success.
 * @error: 0 or the negative NPU_FW_E* code.
 * @fault_write: 1 if the faulting access was a write.
 * @fault_addr: faulting NPU VA for NPU_JOB_ERR_MMU_FAULT.
 * @reason: static text for a rejected stream, else NULL.
 * @cycles: modelled cycles of the executed commands.
 * @macs: multiply-accumulates executed.
 * @dram_read_bytes: bytes read through the MMU (stream included).
 * @dram_write_bytes: bytes written through the MMU.
 */
struct npu_fw_result {
	uint32_t status;
	uint32_t cmd_index;
	int32_t error;
	uint32_t fault_write;
	uint64_t fault_addr;
	const char *reason;
	uint64_t cycles;
	uint64_t macs;
	uint64_t dram_read_bytes;
	uint64_t dram_write_bytes;
	uint64_t sram_read_bytes;
	uint64_t sram_write_bytes;
};

/*
 * Run one job: read the stream at @cs_va, validate it, execute each
 * command (read operands into scratch, run the kernel, write the result),
 * stop at the first fault or error.  Fills @res; returns 0 when the job
 * completed (res->status == NPU_JOB_OK) or the negative error.  Commands
 * before a failing one have had their effects.
 */
int npu_fw_run(const struct npu_fw_env *env, uint64_t cs_va, uint32_t cs_size,
	       struct npu_fw_result *res);

/*
 * npu_fw_run() of a job with a region table (NPU_REG_JOB_RT_LO/HI): reads
 * the NPU_CS_MAX_REGIONS struct npu_hw_region at @rt_va (0: no table, as
 * npu_fw_run()) before the stream's validation, which then also checks
 * every region range against its region (NPU_JOB_ERR_BAD_STREAM outside);
 * each command addresses base + offset.  An unreadable table is an MMU
 * fault of the job.
 */
int npu_fw_run_job(const struct npu_fw_env *env, uint64_t cs_va,
		   uint32_t cs_size, uint64_t rt_va, struct npu_fw_result *res);

/* ------------------------------------------------------------------------
 * Command-stream writer (for libnpu, the compiler and tests).
 */
struct npu_cs_writer {
	uint32_t *words;
	uint32_t cap_words;
	uint32_t len_words;
	uint32_t commands;
	int error;		/* sticky: -NPU_FW_ERANGE when out of room */
};

/* Starts a stream in @buf (4-byte aligned) with the NPU_CMD_STREAM command. */
void npu_cs_init(struct npu_cs_writer *w, void *buf, uint32_t cap_bytes);
/* Appends one command; @params has npu_fw_params_size(@opcode) bytes. */
int npu_cs_emit(struct npu_cs_writer *w, uint32_t opcode, const void *params);
/* Bytes written so far, or 0 after an error. */
uint32_t npu_cs_bytes(const struct npu_cs_writer *w);

/* Helper to fill a struct npu_tensor (rank = number of dims given). */
void npu_tensor_set(struct npu_tensor *t, uint64_t addr, uint8_t dtype,
		    int32_t zero_point, uint32_t rank, const uint32_t *dims);
/* Elements and bytes of a tensor (no checks; see npu_fw_check_op). */
uint64_t npu_tensor_elems(const struct npu_tensor *t);
uint64_t npu_tensor_bytes(const struct npu_tensor *t);
uint32_t npu_dtype_size(uint32_t dtype);	/* 0 if unknown */

/* ------------------------------------------------------------------------
 * Firmware image (npu/npu-fw.bin): struct npu_fw_header + payload of
 * sections (struct npu_fw_section).  See Documentation/firmware.rst.
 */
#define NPU_FW_SECT_HW_MODEL	1	/* struct npu_fw_hw_model */
#define NPU_FW_SECT_SELFTEST	2	/* struct npu_fw_selftest_hdr + data */
#define NPU_FW_SECT_END		0xffffffffu

/**
 * struct npu_fw_section - section header inside the payload
 * @tag: NPU_FW_SECT_*.
 * @size: bytes of section data following, multiple of 4.
 */
struct npu_fw_section {
	uint32_t tag;
	uint32_t size;
};

/**
 * struct npu_fw_selftest_hdr - boot self-test vector
 *
 * A tiny job the device runs at boot over a private flat memory of
 * @mem_size bytes at NPU VA 0, initialised with @init_size bytes of data
 * following this header; the stream is at @cs_offset (@cs_size bytes) in
 * that memory; afterwards @expect_size bytes at VA @expect_offset must
 * equal the data following the init image.
 *
 * @mem_size: bytes of private memory (at most 1 MiB).
 * @init_size: bytes of initial memory image following this header.
 * @cs_offset: VA of the self-test stream.
 * @cs_size: its size.
 * @expect_offset: VA of the result to compare.
 * @expect_size: bytes compared (expected data follows the init image).
 */
struct npu_fw_selftest_hdr {
	uint32_t mem_size;
	uint32_t init_size;
	uint32_t cs_offset;
	uint32_t cs_size;
	uint32_t expect_offset;
	uint32_t expect_size;
};

/**
 * struct npu_fw_image_info - what npu_fw_image_check() found
 * @fw_version: header fw_version.
 * @features: NPU_FW_FEAT_*.
 * @cmdstream_version: NPU_CS_VERSION the image executes.
 * @hw: the cycle-model table from the image.
 * @selftest: the self-test section data inside the image, or NULL.
 * @selftest_size: its size.
 */
struct npu_fw_image_info {
	uint32_t fw_version;
	uint32_t features;
	uint32_t cmdstream_version;
	struct npu_fw_hw_model hw;
	const void *selftest;
	uint32_t selftest_size;
};

/* IEEE CRC-32 (zlib's crc32(): start with 0). */
uint32_t npu_fw_crc32(uint32_t crc, const void *buf, size_t len);

/*
 * Image framing (fw_image_hdr.c), the first steps of npu_fw_image_check().
 * npu_fw_image_hdr_check(): size, magic, format version and header size,
 * header CRC; fills @hdr (whenever @len holds a header).
 * npu_fw_image_payload_check(): payload size (the rest of the image, a
 * multiple of 4) and payload CRC of an image whose header passed.
 * Both return NPU_BOOT_OK or an NPU_BOOT_ERR_* code.
 */
uint32_t npu_fw_image_hdr_check(const void *img, size_t len,
				struct npu_fw_header *hdr);
uint32_t npu_fw_image_payload_check(const struct npu_fw_header *hdr,
				    const void *img, size_t len);

/*
 * Check an image: size, magic, format version, header CRC, payload CRC,
 * command-stream version, sections.  Returns NPU_BOOT_OK or an
 * NPU_BOOT_ERR_* code (uapi/npu_regs.h); fills @out on success.
 */
uint32_t npu_fw_image_check(const void *img, size_t len,
			    struct npu_fw_image_info *out);

/*
 * Boot self-test: run the image's self-test job through npu_fw_run() over a
 * private memory obtained from @env->alloc (the DMA callbacks of @env are
 * not used).  Returns NPU_BOOT_OK, NPU_BOOT_ERR_SELFTEST or
 * NPU_BOOT_ERR_SIZE (no memory / bad section).
 */
uint32_t npu_fw_selftest(const struct npu_fw_env *env,
			 const struct npu_fw_image_info *info);

#ifdef __cplusplus
}
#endif

#endif /* NPU_FW_H */
