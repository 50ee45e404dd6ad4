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

/*
 * FULLY_CONNECTED without NPU_RQ_SCALE_F64 (streams of firmware before
 * 1.4.0; TFLite 2.21 rounds acc times the binary64 scale, which
 * npu_fw_round_scale() does): one rounding of the 64-bit product with the
 * full multiplier, (x * m + 2^(30 - s)) >> (31 - s).
 * TFLite Micro rounds twice (fw_mbqm) and reduces the multiplier to 16 bits
 * for 16x8 (fw_mbqm64); the two differ by one on a few outputs in a thousand.
 * Convolutions use those in TFLite as well.
 */
static inline int32_t fw_mbqm_single(int64_t x, int32_t multiplier, int shift)
{
	int total_shift;
	uint64_t v;

	if (shift > 30)
		shift = 30;
	if (shift < -31)
		shift = -31;
	total_shift = 31 - shift;
	/* Wrapping multiply: hostile values must not be undefined behaviour. */
	v = (uint64_t)x * (uint64_t)(int64_t)multiplier +
	    (1ull << (total_shift - 1));
	return (int32_t)((int64_t)v >> total_shift);
}

/*
 * Taps k in [*lo, *hi) with 0 <= origin + k * dil < size: the valid taps
 * form one range, so the inner loops need no bounds checks.
 */
static inline void fw_tap_range(int32_t origin, uint32_t dil, uint32_t k,
				uint32_t size, uint32_t *lo, uint32_t *hi)
{
	uint32_t l = 0, h = 0;

	if (origin < 0)
		l = ((uint32_t)-origin + dil - 1) / dil;
	if ((int32_t)size > origin)
		h = ((uint32_t)((int32_t)size - origin) + dil - 1) / dil;
	*lo = l < k ? l : k;
	*hi = h < k ? h : k;
	if (*hi < *lo)
		*hi = *lo;
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

/*
 * Broadcast walk of a two-input elementwise command over the 5-D extended
 * output shape: element strides of each input, 0 along a broadcast axis.
 */
struct fw_bcast {
	struct fw_shape5 out;
	uint32_t s1[NPU_CS_MAX_DIMS];
	uint32_t s2[NPU_CS_MAX_DIMS];
};

void fw_bcast_init(const struct npu_tensor *in1, const struct npu_tensor *in2,
		   const struct npu_tensor *out, struct fw_bcast *bc);

/* STMT once per output element @o (in order), inputs at @a and @b. */
#define FW_BCAST_FOR(bc, a, b, o, STMT)					\
	do {								\
		uint32_t i0_, i1_, i2_, i3_, i4_;			\
		(o) = 0;						\
		for (i0_ = 0; i0_ < (bc).out.d[0]; i0_++)		\
		for (i1_ = 0; i1_ < (bc).out.d[1]; i1_++)		\
		for (i2_ = 0; i2_ < (bc).out.d[2]; i2_++)		\
		for (i3_ = 0; i3_ < (bc).out.d[3]; i3_++) {		\
			const uint32_t a0_ = i0_ * (bc).s1[0] +		\
				i1_ * (bc).s1[1] + i2_ * (bc).s1[2] +	\
				i3_ * (bc).s1[3];			\
			const uint32_t b0_ = i0_ * (bc).s2[0] +		\
				i1_ * (bc).s2[1] + i2_ * (bc).s2[2] +	\
				i3_ * (bc).s2[3];			\
			for (i4_ = 0; i4_ < (bc).out.d[4]; i4_++, (o)++) { \
				(a) = a0_ + i4_ * (bc).s1[4];		\
				(b) = b0_ + i4_ * (bc).s2[4];		\
				STMT;					\
			}						\
		}							\
	} while (0)

/* Three operands of one rank, each input dimension the output's or 1. */
int fw_check_bcast(const struct npu_tensor *in1, const struct npu_tensor *in2,
		   const struct npu_tensor *out, uint32_t types,
		   struct npu_fw_reason *why);

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
 * The buffers a command touches, each in its slot (enum npu_fw_slot).  The
 * command processor reads the READ operands into scratch memory, runs the
 * kernel and writes the WRITE operand back.
 */

/* Appends one operand to @ops[*@n]. */
void fw_add_operand(struct npu_fw_operand *ops, uint32_t *n,
		    const __u64 *field, uint64_t len, uint32_t access,
		    uint32_t slot);
void fw_add_tensor(struct npu_fw_operand *ops, uint32_t *n,
		   const struct npu_tensor *t, uint32_t access, uint32_t slot);
/* Bias, multiplier and shift arrays of a requantized accumulator. */
void fw_add_requant(struct npu_fw_operand *ops, uint32_t *n,
		    const struct npu_requant *rq, uint32_t channels,
		    uint32_t bias_size);
/* The operands of commands with one input and one output tensor. */
uint32_t fw_operands_in_out(uint32_t opcode, const union npu_cmd_params *p,
			    struct npu_fw_operand ops[NPU_FW_SLOT_COUNT]);
uint32_t fw_operands_in2_out(uint32_t opcode, const union npu_cmd_params *p,
			     struct npu_fw_operand ops[NPU_FW_SLOT_COUNT]);
/* Input, the table of @table_bytes at @table_addr, output. */
uint32_t fw_operands_table(const struct npu_tensor *in,
			   const struct npu_tensor *out,
			   const __u64 *table_addr, uint64_t table_bytes,
			   struct npu_fw_operand ops[NPU_FW_SLOT_COUNT]);

/*
 * ---- checks: the helpers every command's check uses ----
 *
 * They return 0 or -NPU_FW_EINVAL with @why filled: a static text, and for
 * a hardware limit also the quantity, its value and the limit.
 */
#define FW_FAIL(why, msg) \
	do { (why)->text = (msg); return -NPU_FW_EINVAL; } while (0)
#define FW_CHECK(why, ok, msg) \
	do { if (!(ok)) FW_FAIL(why, msg); } while (0)
/* A hardware limit: @what's @value above @limit fails with @msg. */
#define FW_LIMIT(why, what, value, limit, msg) \
	do { if ((int64_t)(value) > (int64_t)(limit)) \
		return fw_limit_fail(why, what, value, limit, msg); } while (0)

int fw_limit_fail(struct npu_fw_reason *why, const char *what, int64_t value,
		  int64_t limit, const char *msg);

/* dtype bit masks for fw_check_tensor() */
#define FW_T_S8		(1u << NPU_DTYPE_INT8)
#define FW_T_S16	(1u << NPU_DTYPE_INT16)
#define FW_T_S32	(1u << NPU_DTYPE_INT32)
#define FW_T_S64	(1u << NPU_DTYPE_INT64)
#define FW_T_U8		(1u << NPU_DTYPE_UINT8)
#define FW_T_ANY	(FW_T_S8 | FW_T_S16 | FW_T_S32 | FW_T_S64 | FW_T_U8)

int fw_zp_fits(uint32_t dtype, int32_t zp);
int fw_va_ok(uint64_t va, uint64_t len, uint32_t align);

/**
 * struct fw_regions - a job's region table, as read at job start
 * @base: NPU VA of each region's offset 0.
 * @size: bytes of each region; 0: unbound.
 * @present: the job has a table (JOB_RT non-zero).
 */
struct fw_regions {
	uint64_t base[NPU_CS_MAX_REGIONS];
	uint64_t size[NPU_CS_MAX_REGIONS];
	int present;
};

/*
 * Read the table at @rt_va (0: none) through the MMU: 0, -NPU_FW_EFAULT
 * (res->fault_addr set) or -NPU_FW_EINVAL (res->reason set) for a
 * malformed table.
 */
int fw_regions_load(const struct npu_fw_env *env, uint64_t rt_va,
		    struct fw_regions *rt, struct npu_fw_result *res);
/* Validate a stream with every region range checked against @rt. */
int fw_regions_validate(const struct fw_regions *rt, const void *cs,
			uint32_t size, struct npu_fw_verror *err);
/* Rewrite a validated command's region addresses to NPU VAs. */
void fw_regions_translate(const struct fw_regions *rt, uint32_t opcode,
			  union npu_cmd_params *p);
int fw_check_tensor(const struct npu_tensor *t, uint32_t types,
		    uint32_t rank_min, uint32_t rank_max,
		    struct npu_fw_reason *why);
int fw_same_dims(const struct npu_tensor *a, const struct npu_tensor *b);
int fw_check_act(uint32_t dtype, int32_t lo, int32_t hi,
		 struct npu_fw_reason *why);
/* @flags: the NPU_RQ_* beyond NPU_RQ_HAS_BIAS the command implements. */
int fw_check_rq(const struct npu_requant *rq, uint32_t channels,
		uint32_t bias_size, uint32_t flags, struct npu_fw_reason *why);
int fw_check_window(uint32_t in, uint32_t out, uint32_t k, uint32_t dil,
		    uint32_t stride, uint32_t pad, struct npu_fw_reason *why);
/* Input and output of an element-wise command: same type and shape. */
int fw_check_same_shape(const struct npu_tensor *in,
			const struct npu_tensor *out, uint32_t types,
			struct npu_fw_reason *why);
/* Input and output of a data-movement command: type, rank, zero point. */
int fw_check_move_pair(const struct npu_tensor *in,
		       const struct npu_tensor *out, uint32_t types,
		       struct npu_fw_reason *why);

/* What a command asks of the hardware, before the model prices it. */
struct fw_work {
	uint64_t macs;		/* MAC-array work */
	uint64_t mac_passes;	/* its full-rate cycles, fw_mac_passes() */
	uint64_t elems;		/* vector-unit work when there are no MACs */
	uint64_t read_bytes;	/* preset from the operands */
	uint64_t write_bytes;	/* preset from the operands */
	int half_rate;		/* 16x8 MACs */
	int dma_unit;		/* runs on the DMA engine (NPU_CMD_DMA) */
	uint32_t setup_cycles;	/* instead of the command overhead, if set */
	uint64_t burst_bytes;	/* DRAM bytes charged, if set (whole bursts) */
	uint64_t decode_bytes;	/* weight-decoder output (fw_wdec.c) */
};

/*
 * Full-rate cycles of the MAC array (fw_util.c; Documentation/hardware.rst,
 * "MAC array") for @positions output positions of @channels output
 * channels, each the sum of @steps x @depth products taken @depth at a
 * time by the accumulator's lanes: every dimension rounds up to the
 * array's block.
 */
uint64_t fw_mac_passes(uint64_t positions, uint64_t channels, uint64_t steps,
		       uint64_t depth);

/*
 * ---- compressed filters (fw_wdec.c) ----
 * fw_encoded_filter(): the filter of a CONV/DW/TCONV/FC command when it is
 * encoded, else NULL.  fw_check_filter(): fw_check_tensor() of a filter,
 * which may be encoded.  fw_add_filter(): its operand (the encoded bytes
 * when encoded).  fw_features_filter(): the command's NPU_FW_FEAT_WDEC and
 * NPU_FW_FEAT_UINT8 needs.  fw_cost_filter(): the decoder's work.
 * fw_wdec_stage(): replaces the scratch copy *@weights of the encoded
 * filter by its decoded bytes (0, -NPU_FW_ENOMEM, or -NPU_FW_EINVAL with
 * *@reason).
 */
const struct npu_tensor *fw_encoded_filter(uint32_t opcode,
					   const union npu_cmd_params *p);
int fw_check_filter(const struct npu_tensor *f, uint32_t types,
		    uint32_t rank, struct npu_fw_reason *why);
void fw_add_filter(struct npu_fw_operand *ops, uint32_t *n,
		   const struct npu_tensor *f);
uint32_t fw_features_filter(uint32_t opcode, const union npu_cmd_params *p);
void fw_cost_filter(uint32_t opcode, const union npu_cmd_params *p,
		    struct fw_work *w);
int fw_wdec_stage(const struct npu_fw_env *env, uint32_t opcode,
		  const union npu_cmd_params *p, void **weights,
		  const char **reason);

/*
 * dst[i] = table[src[i]] for @n bytes (@src may be @dst): the requantizing
 * CONCATENATION's element mapping, for the kernel and for the command
 * processor, which writes the slice itself.
 */
void fw_map_bytes(const uint8_t *table, const uint8_t *src, uint8_t *dst,
		  uint64_t n);

/* NPU_FW_FEAT_UINT8 when the command's first tensor is uint8. */
uint32_t fw_features_uint8(uint32_t opcode, const union npu_cmd_params *p);

/* One element per output element (vector unit). */
void fw_cost_output_elems(uint32_t opcode, const union npu_cmd_params *p,
			  struct fw_work *w);

/* The run of a command with int8 and int16 kernels (p, in, out). */
#define RUN_UNARY(name, params, k8, k16)				\
static void name(uint32_t op, const union npu_cmd_params *p,		\
		 void *const *b)					\
{									\
	(void)op;							\
	if (p->params.input.dtype == NPU_DTYPE_INT16)			\
		k16(&p->params, b[NPU_FW_SLOT_IN0], b[NPU_FW_SLOT_OUT]); \
	else								\
		k8(&p->params, b[NPU_FW_SLOT_IN0], b[NPU_FW_SLOT_OUT]);	\
}

/* The same with a uint8 kernel. */
#define RUN_UNARY_U8(name, params, k8, k16, ku8)			\
static void name(uint32_t op, const union npu_cmd_params *p,		\
		 void *const *b)					\
{									\
	(void)op;							\
	if (p->params.input.dtype == NPU_DTYPE_UINT8)			\
		ku8(&p->params, b[NPU_FW_SLOT_IN0], b[NPU_FW_SLOT_OUT]); \
	else if (p->params.input.dtype == NPU_DTYPE_INT16)		\
		k16(&p->params, b[NPU_FW_SLOT_IN0], b[NPU_FW_SLOT_OUT]); \
	else								\
		k8(&p->params, b[NPU_FW_SLOT_IN0], b[NPU_FW_SLOT_OUT]);	\
}

/* How the command processor splits a large command (fw_run.c). */
enum fw_tiling {
	FW_TILE_NONE,		/* O(1) work per byte moved */
	FW_TILE_ROWS,		/* batch and output-row bands */
	FW_TILE_TCONV,		/* TRANSPOSE_CONV's output-row bands */
	FW_TILE_UNITS,		/* FULLY_CONNECTED's batch rows, unit bands */
};

/* fw_cmd.flags */
#define FW_CMD_WRITES_SLICE	(1u << 0)	/* writes a slice of its output */
#define FW_CMD_KEEPS_OUTPUT	(1u << 1)	/* output read first, partly written */


/**
 * struct fw_cmd - everything the firmware knows about one command
 * @opcode: enum npu_cs_opcode.
 * @params_size: size of its parameter structure.
 * @params_min: 0, or the size of the structure's first version when fields
 *              were appended since (streams written then still decode).
 * @features: NPU_FW_FEAT_* bits beyond its command-stream version.
 * @param_features: NULL, or the further NPU_FW_FEAT_* bits these
 *                  parameters need (a type or field a later firmware added).
 * @flags: FW_CMD_*.
 * @tiling: enum fw_tiling.
 * @name: "CONV_2D", ...
 * @check: parameter check (structure; with NPU_FW_CHECK_HW_LIMITS also the
 *         NPU_LIMIT_*s); NULL when there is nothing to check.
 * @operands: the buffers it reads and writes, reads first.
 * @cost: its work for the cycle model.
 * @run: the kernel on host pointers, one per operand slot.
 *
 * Each fw_ops_*.c ends with the rows of its commands.
 */
struct fw_cmd {
	uint16_t opcode;
	uint16_t params_size;
	uint16_t params_min;
	uint32_t features;
	uint32_t flags;
	uint32_t tiling;
	const char *name;
	uint32_t (*param_features)(uint32_t opcode,
				   const union npu_cmd_params *p);
	int (*check)(uint32_t opcode, const union npu_cmd_params *p,
		     uint32_t flags, struct npu_fw_reason *why);
	uint32_t (*operands)(uint32_t opcode, const union npu_cmd_params *p,
			     struct npu_fw_operand ops[NPU_FW_SLOT_COUNT]);
	void (*cost)(uint32_t opcode, const union npu_cmd_params *p,
		     struct fw_work *w);
	void (*run)(uint32_t opcode, const union npu_cmd_params *p,
		    void *const *buf);
};

/* The rows of each file, terminated by a row with a NULL name. */
extern const struct fw_cmd fw_cmds_stream[];
extern const struct fw_cmd fw_cmds_conv[];
extern const struct fw_cmd fw_cmds_elt[];
extern const struct fw_cmd fw_cmds_pool[];
extern const struct fw_cmd fw_cmds_move[];
extern const struct fw_cmd fw_cmds_reduce[];
extern const struct fw_cmd fw_cmds_minmax[];
extern const struct fw_cmd fw_cmds_prelu[];
extern const struct fw_cmd fw_cmds_resize[];
extern const struct fw_cmd fw_cmds_copy[];
extern const struct fw_cmd fw_cmds_dma[];
extern const struct fw_cmd fw_cmds_softmax[];

/*
 * ---- the SRAM (fw_ops_dma.c) ----
 *
 * The validator's record of the SRAM bytes a stream has written so far:
 * disjoint, non-adjacent [lo, hi) offsets.
 */
struct fw_sram_track {
	uint32_t n;
	uint32_t lo[NPU_LIMIT_SRAM_RANGES];
	uint32_t hi[NPU_LIMIT_SRAM_RANGES];
};

/*
 * Checks command @opcode's SRAM operands against @t (reads inside written
 * bytes, everything inside the window), then records its SRAM writes;
 * DRAM operands go to @fn (may be NULL).  0 or -NPU_FW_EINVAL, *@reason.
 */
int fw_sram_check_cmd(struct fw_sram_track *t, uint32_t opcode,
		      const union npu_cmd_params *p, npu_fw_range_fn fn,
		      void *ctx, const char **reason);
/* NPU_FW_FEAT_SRAM if any operand of the command is in the SRAM window. */
uint32_t fw_sram_features(uint32_t opcode, const union npu_cmd_params *p);
/* Operand bytes from / to DRAM through @env, or the SRAM at @sram. */
int fw_mem_read(const struct npu_fw_env *env, uint8_t *sram, uint64_t va,
		void *dst, uint64_t len, struct npu_fw_result *res);
int fw_mem_write(const struct npu_fw_env *env, uint8_t *sram, uint64_t va,
		 const void *src, uint64_t len, struct npu_fw_result *res);
/* NPU_CMD_DMA: run by run between DRAM and @sram. */
int fw_exec_dma(const struct npu_fw_env *env, uint8_t *sram,
		const struct npu_dma_params *p, struct npu_fw_result *res);

/* The descriptor of @opcode, or NULL. */
const struct fw_cmd *fw_cmd_find(uint32_t opcode);

/*
 * Decode the command at byte @off of the stream: checks header, length and
 * zero extension words, copies the parameters into @p.  Returns the
 * command's size in bytes, or 0 with *@reason set.
 */
uint32_t fw_decode_cmd(const uint8_t *cs, uint32_t size, uint32_t off,
		       uint32_t *opcode, union npu_cmd_params *p,
		       const char **reason);

#endif /* NPU_FW_INTERNAL_H */
