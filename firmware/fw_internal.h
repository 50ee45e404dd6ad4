/* SPDX-License-Identifier: MIT */
/*
 * Internal helpers of the firmware sources (not part of the API).
 */
#ifndef NPU_FW_INTERNAL_H
#define NPU_FW_INTERNAL_H

#include "npu_fw.h"

void fw_memcpy(void *dst, const void *src, size_t n);
void fw_memset(void *dst, int c, size_t n);
int fw_memcmp(const void *a, const void *b, size_t n);

/*
 * 64-by-32 unsigned division without the compiler's 64-bit divide helper
 * (the kernel has no __udivdi3 on 32-bit targets).  @d must be non-zero.
 */
uint64_t fw_div_u64(uint64_t n, uint32_t d);

/*
 * TFLite / gemmlowp fixed point with the default double rounding, inline
 * for the kernels; npu_fw_srdhm() etc. are the exported copies.
 */
static inline int32_t fw_srdhm(int32_t a, int32_t b)
{
	int64_t ab, v;
	int32_t nudge;

	if (a == b && a == NPU_FW_S32_MIN)
		return NPU_FW_S32_MAX;
	ab = (int64_t)a * (int64_t)b;
	nudge = ab >= 0 ? (1 << 30) : (1 - (1 << 30));
	v = ab + nudge;
	/* C division truncates towards zero: v / 2^31 without a divide. */
	if (v < 0)
		v += (1ll << 31) - 1;
	return (int32_t)(v >> 31);
}

static inline int32_t fw_rdivpot(int32_t x, int exponent)
{
	int64_t mask, remainder, threshold;

	if (exponent <= 0)
		return x;
	if (exponent > 31)
		exponent = 31;
	mask = (1ll << exponent) - 1;
	remainder = (int64_t)x & mask;
	threshold = (mask >> 1) + (x < 0 ? 1 : 0);
	return (x >> exponent) + (remainder > threshold ? 1 : 0);
}

/* MultiplyByQuantizedMultiplier(int32 x, int32 m, int shift) */
static inline int32_t fw_mbqm(int32_t x, int32_t multiplier, int shift)
{
	int left, right;

	/* TFLite asserts -31..30; the device clamps hostile values. */
	if (shift > 31)
		shift = 31;
	if (shift < -31)
		shift = -31;
	left = shift > 0 ? shift : 0;
	right = shift > 0 ? 0 : -shift;
	/* x * (1 << left) with two's-complement wrap, as the reference. */
	return fw_rdivpot(fw_srdhm((int32_t)((uint32_t)x << left), multiplier),
			  right);
}

/* MultiplyByQuantizedMultiplier(int64 x, int32 m, int shift), 16x8 */
static inline int32_t fw_mbqm64(int64_t x, int32_t multiplier, int shift)
{
	int32_t reduced;
	int total_shift;
	uint64_t v;

	if (shift > 14)
		shift = 14;
	if (shift < -31)
		shift = -31;
	reduced = multiplier < 0x7fff0000 ?
		  (int32_t)(((int64_t)multiplier + (1 << 15)) >> 16) : 0x7fff;
	total_shift = 15 - shift;
	/* Wrapping multiply: hostile biases must not be undefined behaviour. */
	v = (uint64_t)x * (uint64_t)(int64_t)reduced +
	    (1ull << (total_shift - 1));
	return (int32_t)((int64_t)v >> total_shift);
}

static inline int32_t fw_clamp(int32_t v, int32_t lo, int32_t hi)
{
	return v < lo ? lo : (v > hi ? hi : v);
}

/* Tensor shape extended to NPU_CS_MAX_DIMS by leading 1s. */
struct fw_shape5 {
	uint32_t d[NPU_CS_MAX_DIMS];
};

void fw_shape5(const struct npu_tensor *t, struct fw_shape5 *s);

/* Requantization parameters of output channel @c. */
static inline int32_t fw_rq_mult(const struct npu_requant *rq,
				 const int32_t *mult, uint32_t c)
{
	return rq->count ? mult[c] : rq->multiplier;
}

static inline int32_t fw_rq_shift(const struct npu_requant *rq,
				  const int32_t *shift, uint32_t c)
{
	return rq->count ? shift[c] : rq->shift;
}

/*
 * Operand slots: every buffer a command touches, in a fixed order per op.
 * The command processor reads the READ slots into scratch memory, runs the
 * kernel and writes the WRITE slot back.
 */
enum fw_slot {
	FW_SLOT_IN0,
	FW_SLOT_IN1,
	FW_SLOT_WEIGHTS,
	FW_SLOT_BIAS,
	FW_SLOT_MULT,
	FW_SLOT_SHIFT,
	FW_SLOT_TABLE,
	FW_SLOT_OUT,
	FW_SLOT_COUNT
};

struct fw_operand {
	uint64_t va;
	uint64_t len;
	uint32_t access;	/* NPU_FW_ACCESS_* */
	uint32_t slot;		/* enum fw_slot */
};

/* Fills @ops with the operands of a checked op; returns how many. */
uint32_t fw_op_operands(uint32_t opcode, const void *params,
			struct fw_operand ops[FW_SLOT_COUNT]);

/* Union of every parameter structure (decoded commands live here). */
union fw_params {
	struct npu_stream_params stream;
	struct npu_conv_params conv;
	struct npu_fc_params fc;
	struct npu_eltwise_params elt;
	struct npu_pool_params pool;
	struct npu_mean_params mean;
	struct npu_pad_params pad;
	struct npu_transpose_params tr;
	struct npu_concat_params cat;
	struct npu_slice_params slice;
	struct npu_copy_params copy;
	struct npu_lut_params lut;
	struct npu_leaky_relu_params lrelu;
	struct npu_sigmoid_s16_params sig;
};

/*
 * Decode the command at byte @off of the stream: checks header, length and
 * zero extension words, copies the parameters into @p.  Returns the
 * command's size in bytes, or 0 with *@reason set.
 */
uint32_t fw_decode_cmd(const uint8_t *cs, uint32_t size, uint32_t off,
		       uint32_t *opcode, union fw_params *p,
		       const char **reason);

#endif /* NPU_FW_INTERNAL_H */
