/* SPDX-License-Identifier: MIT */
/*
 * Host-only helpers of the firmware library (libnpufw.a): parameter
 * preparation from float scales, exactly as TFLite's Prepare() functions,
 * LUT generation, and the firmware-image builder.  Floating point is
 * allowed here; none of this is part of the device image.  The compiler
 * and the CPU fallback both use these so that both paths get identical
 * integer parameters.
 */
#ifndef NPU_FW_HOST_H
#define NPU_FW_HOST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "npu_fw.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * TFLite QuantizeMultiplier(): Q31 multiplier and shift (left if > 0).
 * 0, or -EINVAL (multiplier and shift 0) for a NaN, infinite, negative or
 * subnormal @real.  The parameter helpers below return the same.
 */
int npu_host_quantize_multiplier(double real, int32_t *multiplier,
				 int *shift);

/* Fused activations, as TFLite's CalculateActivationRangeQuantized(). */
enum npu_host_act {
	NPU_HOST_ACT_NONE,
	NPU_HOST_ACT_RELU,
	NPU_HOST_ACT_RELU_N1_TO_1,
	NPU_HOST_ACT_RELU6,
};

void npu_host_activation_range(enum npu_host_act act, float scale,
			       int32_t zero_point, uint32_t dtype,
			       int32_t *act_min, int32_t *act_max);

/* Per-channel (n_filter_scales == channels) or per-tensor (1) conv/fc
 * output multipliers: in_scale * filter_scale[c] / out_scale in double, as
 * TFLite's PopulateConvolutionQuantizationParams(). */
int npu_host_conv_multipliers(float in_scale, const float *filter_scales,
			      uint32_t n_filter_scales, float out_scale,
			      uint32_t channels, int32_t *mult, int32_t *shift);

/* Per-tensor FULLY_CONNECTED multiplier: TFLite's
 * GetQuantizedConvolutionMultipler() multiplies in_scale * filter_scale in
 * float first, unlike the per-channel path. */
int npu_host_fc_multiplier(float in_scale, float filter_scale, float out_scale,
			   int32_t *mult, int32_t *shift);

/*
 * FULLY_CONNECTED's effective scales for NPU_RQ_SCALE_F64, as TFLite's
 * reference kernels compute them: (double)in_scale * filter_scale[c] /
 * out_scale, each the low (@lo) and high (@hi) word of its binary64.
 * Per-channel (n_filter_scales == channels) or per-tensor (1, broadcast).
 * -EINVAL for a scale that is negative, infinite or NaN.
 */
int npu_host_fc_scales(float in_scale, const float *filter_scales,
		       uint32_t n_filter_scales, float out_scale,
		       uint32_t channels, int32_t *lo, int32_t *hi);

/* ADD/SUB multipliers and left shift (TFLM CalculateOpDataAdd/Sub); fills
 * the scalar fields of @p, leaves the tensors and activation alone. */
int npu_host_add_sub_params(float in1_scale, float in2_scale, float out_scale,
			    uint32_t dtype, struct npu_eltwise_params *p);
/* MUL output multiplier: in1_scale * in2_scale / out_scale. */
int npu_host_mul_params(float in1_scale, float in2_scale, float out_scale,
			struct npu_eltwise_params *p);
/* LEAKY_RELU identity and alpha multipliers (TFLM LeakyReluPrepare). */
int npu_host_leaky_relu_params(float in_scale, float out_scale, float alpha,
			       struct npu_leaky_relu_params *p);
/*
 * NPU_CMD_MEAN's multiplier and shift for a MEAN over @count elements per
 * output (TFLite: QuantizeMultiplier(in_scale / out_scale), then 1/count
 * folded into the multiplier), or for a quantized SUM with @count 1.
 * Leaves axis_mask alone.
 */
int npu_host_mean_params(float in_scale, float out_scale, uint32_t count,
			 struct npu_mean_params *p);

/*
 * NPU_CMD_LUT's table for int8 (uint8) HARD_SWISH: TFLite's reference
 * integer HardSwish<int8_t> (<uint8_t>) for each of the 256 inputs.
 * -EINVAL for a scale TFLite cannot quantize, -ERANGE when the output
 * multiplier would shift left (TFLite's Prepare refuses it).
 */
int npu_host_hard_swish_lut_s8(float in_scale, int32_t in_zp, float out_scale,
			       int32_t out_zp, int8_t table[256]);
int npu_host_hard_swish_lut_u8(float in_scale, int32_t in_zp, float out_scale,
			       int32_t out_zp, uint8_t table[256]);

/* int8 unary builtins computed as NPU_CMD_LUT tables (npu_fw_unary.c). */
enum npu_host_unary {
	NPU_HOST_UNARY_EXP,	/* exp.cc: LUTPopulate(exp) */
	NPU_HOST_UNARY_LOG,	/* elementwise.cc LogLUTPrepare */
	NPU_HOST_UNARY_ABS,	/* elementwise.cc AbsEvalQuantized */
	NPU_HOST_UNARY_SQRT,	/* elementwise.cc SqrtEvalQuantized */
	NPU_HOST_UNARY_RSQRT,	/* int8: RsqrtEvalQuantizedInt8; int16: LUT */
	NPU_HOST_UNARY_NEG,	/* neg.cc: the raw value negated, wrapping */
	NPU_HOST_UNARY_GELU,	/* gelu.cc: LUTPopulate(0.5 x erfc(-x/sqrt 2)) */
	NPU_HOST_UNARY_GELU_APPROX,	/* gelu.cc, approximate: the tanh form */
	NPU_HOST_UNARY_ELU,	/* activations.cc EluPrepare: LUTPopulate(expm1) */
};

/*
 * The 256-entry table of int8 @op for these quantizations: entry q + 128 is
 * TFLite's reference output for input q.  -EINVAL for a bad scale.
 */
int npu_host_unary_lut_s8(enum npu_host_unary op, float in_scale,
			  int32_t in_zp, float out_scale, int32_t out_zp,
			  int8_t table[256]);

/*
 * The same for uint8 (GELU only: TFLite's other uint8 unary kernels are
 * not tables), entry q for input q.
 */
int npu_host_unary_lut_u8(enum npu_host_unary op, float in_scale,
			  int32_t in_zp, float out_scale, int32_t out_zp,
			  uint8_t table[256]);
/*
 * int16 (LOG and RSQRT: zero points 0, TFLite's check) EXP, LOG, RSQRT, GELU and
 * GELU_APPROX: TFLite's 513-entry LUTPopulate<int16_t> table, which
 * NPU_CMD_LUT interpolates as TFLite's lut_lookup does.  -EINVAL for a
 * bad scale or an op TFLite does not compute through a table.
 */
int npu_host_unary_lut_s16(enum npu_host_unary op, float in_scale,
			   int32_t in_zp, float out_scale, int32_t out_zp,
			   int16_t table[513]);

/*
 * TFLite's GetInvSqrtQuantizedMultiplierExp(@input, kReverseShift):
 * 1 / sqrt(@input) as a Q31 multiplier and a left shift (five
 * Newton-Raphson steps in gemmlowp fixed point; @input <= 1 gives
 * INT32_MAX, 0).  RSQRT's table and L2_NORMALIZATION use it.
 */
void npu_host_inv_sqrt_multiplier(int32_t input, int32_t *mult, int *shift);

/* Tables for NPU_CMD_LUT, built as TFLite's LUTPopulate (float).
 * int8: table[q + 128] for every int8 q.  int16: 513 entries. */
void npu_host_lut_s8(float in_scale, int32_t in_zp, float out_scale,
		     int32_t out_zp, float (*fn)(float), int8_t table[256]);
void npu_host_lut_s16(float in_scale, int32_t in_zp, float out_scale,
		      int32_t out_zp, float (*fn)(float), int16_t table[513]);
/*
 * NPU_CMD_SIGMOID_S16 (int16 LOGISTIC/TANH bit-exact with TFLite's
 * reference_integer_ops): TFLite's 256-entry uint16 sigmoid table, to be
 * placed where the command's table_addr points, and the input multiplier
 * and shift of TFLite's Prepare for @in_scale.  Fills those two fields of
 * @p; 0, -EINVAL (output scale not 2^-15, bad scale or function) or
 * -ERANGE (input scale outside what the kernel's int32 arithmetic takes).
 */
extern const uint16_t npu_host_sigmoid_table[256];
int npu_host_sigmoid_s16_params(float in_scale, float out_scale,
				uint32_t function,
				struct npu_sigmoid_s16_params *p);
/*
 * NPU_CMD_RESIZE_NEAREST's table: @out_h source rows then @out_w source
 * columns, as TFLite's reference RESIZE_NEAREST_NEIGHBOR picks them for
 * align_corners @align and half_pixel_centers @half.  0, or -EINVAL for
 * an empty or over-large extent.
 */
int npu_host_resize_nearest_table(uint32_t in_h, uint32_t in_w,
				  uint32_t out_h, uint32_t out_w, bool align,
				  bool half, uint16_t *table);
float npu_host_logistic(float x);
float npu_host_tanh(float x);

/*
 * Random single-op jobs, for "the device equals the host library" tests:
 * one command of @opcode with random shapes and quantization, within the
 * hardware limits, whose operands all live in one buffer (@mem, mapped at
 * NPU VA @base_va by the caller).  Read operands are random, the output
 * area is zero.  npu_host_rjob_expect() computes what the buffer must hold
 * afterwards by running the job through npu_fw_run() on the host.
 */
struct npu_host_rjob {
	uint32_t opcode;
	uint32_t mem_size;	/* bytes, multiple of 4096 */
	uint8_t *mem;		/* initial contents of the buffer */
	uint32_t out_offset;	/* result bytes within mem */
	uint32_t out_size;
	uint32_t cs_size;	/* bytes of @cs */
	uint32_t cs[128];	/* the command stream (STREAM + the op) */
};

/* 0 or -errno; @seed is advanced.  Free with npu_host_rjob_free(). */
int npu_host_rjob_make(uint64_t *seed, uint32_t opcode, uint64_t base_va,
		       struct npu_host_rjob *job);
/* Fills @expect (mem_size bytes) with the buffer after the job; 0 or
 * -errno. */
int npu_host_rjob_expect(const struct npu_host_rjob *job, uint64_t base_va,
			 uint8_t *expect);
void npu_host_rjob_free(struct npu_host_rjob *job);

/* Writes the firmware image into @buf; returns its size, or 0 if @cap is
 * too small (call with @buf NULL to get the size). */
size_t npu_host_fw_image_build(void *buf, size_t cap);

#ifdef __cplusplus
}
#endif

#endif /* NPU_FW_HOST_H */
