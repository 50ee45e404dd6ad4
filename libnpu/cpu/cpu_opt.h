/* SPDX-License-Identifier: MIT */
/*
 * Optimized CPU kernels (libnpu/cpu/opt_*.c), the way TFLite keeps
 * optimized_ops beside reference_ops: the firmware's kernels (firmware/
 * fw_ops_*.c) define the results, these compute the same bytes faster
 * and are proven equal to them by libnpu/tests/test_cpu_opt.c (random
 * shapes and parameters) and by the model tests.  Not installed.
 */
#ifndef NPU_CPU_OPT_H
#define NPU_CPU_OPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "npu_cmdstream.h"

/* Instruction sets with a kernel variant, picked at run time. */
enum cpu_isa {
	CPU_ISA_C,	/* portable C, every machine */
	CPU_ISA_AVX2,	/* x86-64 with AVX2 */
	CPU_ISA_NEON,	/* arm64 Advanced SIMD (no dot product: Cortex-A53) */
	CPU_ISA_AVX512VNNI,	/* x86-64 with AVX-512 VNNI: AVX2 and a vpdpbusd conv GEMM */
	CPU_ISA_SSE41,	/* x86-64 without AVX2: depthwise and elementwise in SSE4.1, C GEMM */
	CPU_ISA_COUNT
};

/* The best variant this CPU runs, and whether @isa runs here at all. */
enum cpu_isa cpu_isa_best(void);
bool cpu_isa_usable(enum cpu_isa isa);

/*
 * Worker threads (cpu_pool.c), created once per executor.  cpu_pool_run()
 * calls @fn(@arg, part, parts) for every part in 0..parts-1 (a few per
 * thread), each on whichever thread claims it first, the calling thread
 * included, and returns when all are done.  A NULL pool is one thread
 * (parts is 1).  Kernels give each part a disjoint range of outputs.
 */
struct npu_cpu_pool;
typedef void (*cpu_pool_fn)(void *arg, uint32_t part, uint32_t parts);
int cpu_pool_create(uint32_t threads, struct npu_cpu_pool **out);
void cpu_pool_destroy(struct npu_cpu_pool *pool);
uint32_t cpu_pool_threads(const struct npu_cpu_pool *pool);
void cpu_pool_run(struct npu_cpu_pool *pool, cpu_pool_fn fn, void *arg);
/*
 * The same in @parts parts (at most 65535), for kernels that know their
 * units (1: the caller alone).
 */
void cpu_pool_run_parts(struct npu_cpu_pool *pool, cpu_pool_fn fn, void *arg, uint32_t parts);

/*
 * What the pool counted since it was created, when NPU_CPU_POOL_STATS was
 * set (else false): one entry per thread, the caller's first (@per_thread
 * NULL: only whether it counts).
 */
struct cpu_pool_stats {
	uint64_t parts;		/* parts this thread ran */
	uint64_t work_ns;	/* its wall time in them (parts are short: rarely preempted) */
	uint64_t sleeps;	/* times it slept: nothing came while it spun */
	uint64_t jobs;		/* caller: cpu_pool_run() calls */
	uint64_t wakes;		/* caller: jobs that had to wake a sleeping worker */
	uint64_t wait_ns;	/* caller: wall time waiting for the workers' parts */
};
bool cpu_pool_stats(const struct npu_cpu_pool *pool, struct cpu_pool_stats *per_thread);

/*
 * Kernels with less work than this (elements or output bytes) run on the
 * calling thread alone: waking the pool costs more.
 */
#define CPU_POOL_MIN_WORK	4096u

/* [*begin, *end) of @n items for @part of @parts. */
static inline void cpu_part_range(size_t n, uint32_t part, uint32_t parts, size_t *begin,
				  size_t *end)
{
	*begin = n * part / parts;
	*end = n * (part + 1) / parts;
}

/*
 * Packed int8 GEMM with the requantization fused (opt_igemm.c; the x86
 * kernels in opt_igemm_x86.c), for every variant:
 *
 *   out[i * ldo + c] = requantized sum_t a[i][t] * b[c][t]
 *
 * for the @m rows of a tile of a (packed by cpu_igemm_pack_a(), rows of
 * cpu_igemm_kp() elements) and channels @n0 <= c < @n1 (@n0 a multiple
 * of 32) of b (n rows of k int8, packed once by cpu_igemm_pack_b() into
 * cpu_igemm_b_size() bytes), with @r's per-channel requantization (its
 * arrays CPU_RQ_PAD padded, @r->add included).  The VNNI variant takes a
 * as x + 128: its caller adds -128 * sum_t b[c][t] to @r->add[c].
 */
uint32_t cpu_igemm_kp(enum cpu_isa isa, uint32_t k);
/* Bytes per element of a packed a (int16, or uint8 x + 128 for VNNI). */
size_t cpu_igemm_a_elem(enum cpu_isa isa);
size_t cpu_igemm_b_size(enum cpu_isa isa, uint32_t n, uint32_t k);
void cpu_igemm_pack_b(enum cpu_isa isa, const int8_t *b, uint32_t n, uint32_t k, void *out);
/* @m rows of @k int8 at @src (stride @lds) into a tile of packed rows. */
void cpu_igemm_pack_a(enum cpu_isa isa, const int8_t *src, size_t lds, uint32_t m, uint32_t k,
		      void *dst);
struct cpu_rq_row;
/* c[i * ldc + j] = sum_t a[i][t] * b[j][t] for all n channels, no requantization. */
void cpu_igemm_acc(enum cpu_isa isa, const void *a, uint32_t m, uint32_t kp, const void *b,
		   uint32_t n, int32_t *c, size_t ldc);
void cpu_igemm(enum cpu_isa isa, const void *a, uint32_t m, uint32_t kp, const void *b,
	       uint32_t n0, uint32_t n1, const struct cpu_rq_row *r, int8_t *out, size_t ldo);
/*
 * The int16 kernels' (C, NEON, AVX2) set-up: the panel of eight channels
 * from channel @j of a packed b (@kp taps each), and the rows of a block of
 * four pixels from row @i of a tile of @m (rows past @m repeat row @i, so
 * the block always reads four); the block's real row count.
 */
static inline const int16_t *cpu_igemm_panel(const int16_t *b, uint32_t j, uint32_t kp)
{
	return b + (size_t)(j / 8) * kp * 8;
}

static inline uint32_t cpu_igemm_rows4(const int16_t *a, uint32_t i, uint32_t m, uint32_t kp,
				       const int16_t *x[4])
{
	const uint32_t rows = m - i < 4 ? m - i : 4;

	x[0] = a + (size_t)i * kp;
	x[1] = rows > 1 ? x[0] + kp : x[0];
	x[2] = rows > 2 ? x[0] + 2 * (size_t)kp : x[0];
	x[3] = rows > 3 ? x[0] + 3 * (size_t)kp : x[0];
	return rows;
}

/* The AVX2 and VNNI variants of the last three (opt_igemm_x86.c, x86-64 only). */
void cpu_igemm_pack_a_x86(enum cpu_isa isa, const int8_t *src, size_t lds, uint32_t m,
			  uint32_t k, void *dst);
void cpu_igemm_acc_x86(enum cpu_isa isa, const void *a, uint32_t m, uint32_t kp, const void *b,
		       uint32_t n, int32_t *c, size_t ldc);
void cpu_igemm_x86(enum cpu_isa isa, const void *a, uint32_t m, uint32_t kp, const void *b,
		   uint32_t n0, uint32_t n1, const struct cpu_rq_row *r, int8_t *out, size_t ldo);

/*
 * Per-channel requantization of a row of accumulators (opt_requant.c):
 * out[c] = clamp(MBQM(acc[c] + add[c]) + out_zp), with MBQM's shift split
 * into @left and @right (each 0..31), act_min <= act_max within int8;
 * @mask = 2^right - 1 and @half = mask >> 1 for the rounding division.
 * The arrays past the last channel, up to a multiple of CPU_RQ_PAD, hold
 * zeros (SIMD loads of a whole block of channels).
 */
#define CPU_RQ_PAD	32u
struct cpu_rq_row {
	const uint32_t *add;
	const int32_t *mult;
	const int32_t *left;
	const int32_t *right;
	const int32_t *mask;
	const int32_t *half;
	int32_t out_zp, act_min, act_max;
	bool u8;		/* uint8 output: the clamp is within 0..255 */
	bool any_left;		/* some channel's left shift is not 0 */
	bool any_mult_min;	/* some multiplier is INT32_MIN */
	/*
	 * Every channel shifts right (by 1 or more), none left, no multiplier
	 * is INT32_MIN and out_zp is within int8 (TFLite's multipliers below
	 * 1/2): every result of MultiplyByQuantizedMultiplier is within
	 * 2^30 + 1 and rounds once (cpu_simd.h, struct rq8f, rq16_pack4()).
	 */
	bool narrow;
};
typedef void (*cpu_requant_fn)(const struct cpu_rq_row *r, const int32_t *acc,
			       uint32_t n, int8_t *out);
cpu_requant_fn cpu_requant_select(enum cpu_isa isa);

struct npu_requant;
/*
 * *@r for @n channels of @rq (per-tensor or per-channel @mult/@shift), with
 * add[c] = @base[c] + @bias[c] (@base is updated in place and must outlive
 * @r; @bias may be NULL; only the SIMD GEMM kernels read @base past @n, and
 * their callers give it CPU_RQ_PAD room).  False when out of memory or the
 * clamp is not ordered within int8.  cpu_rq_row_free() releases it.
 */
bool cpu_rq_row_init(struct cpu_rq_row *r, const struct npu_requant *rq,
		     const int32_t *mult, const int32_t *shift, const int32_t *bias,
		     uint32_t *base, uint32_t n, int32_t out_zp, int32_t act_min,
		     int32_t act_max);
/* The same for a uint8 output: @act_min <= @act_max within 0..255. */
bool cpu_rq_row_init_u8(struct cpu_rq_row *r, const struct npu_requant *rq,
			const int32_t *mult, const int32_t *shift, const int32_t *bias,
			uint32_t *base, uint32_t n, int32_t out_zp, int32_t act_min,
			int32_t act_max);
void cpu_rq_row_free(struct cpu_rq_row *r);

/*
 * The firmware's npu_op_conv2d_s8() / npu_op_depthwise_s8() / npu_op_fc_s8(),
 * byte for byte, with the @isa variant, on the threads of @pool (NULL: the
 * caller's only; the bytes are the same for any number).  False when the case is not covered
 * here (grouped convolution, depth multiplier other than 1, a zero point or clamp outside int8, out of memory): the
 * caller then runs the firmware kernel.
 */
bool cpu_opt_conv2d_s8(const struct npu_conv_params *p, const int8_t *in,
		       const int8_t *filter, const int32_t *bias,
		       const int32_t *mult, const int32_t *shift, int8_t *out,
		       enum cpu_isa isa, struct npu_cpu_pool *pool);
bool cpu_opt_depthwise_s8(const struct npu_conv_params *p, const int8_t *in,
			  const int8_t *filter, const int32_t *bias,
			  const int32_t *mult, const int32_t *shift, int8_t *out,
			  enum cpu_isa isa, struct npu_cpu_pool *pool);
bool cpu_opt_depthwise_u8(const struct npu_conv_params *p, const uint8_t *in,
			  const uint8_t *filter, const int32_t *bias,
			  const int32_t *mult, const int32_t *shift, uint8_t *out,
			  enum cpu_isa isa, struct npu_cpu_pool *pool);
bool cpu_opt_fc_s8(const struct npu_fc_params *p, const int8_t *in,
		   const int8_t *filter, const int32_t *bias,
		   const int32_t *mult, const int32_t *shift, int8_t *out,
		   enum cpu_isa isa, struct npu_cpu_pool *pool);

/*
 * The same, planned once per op (filter packed, per-channel constants
 * folded into the bias) from constant operands, then run per inference:
 * *_plan_create() returns NULL for the cases the functions above decline
 * (or out of memory), *_plan_for() says whether a plan was made from these
 * operands, *_plan_run() is false when out of memory (the caller then runs
 * the firmware's kernel).  The plan keeps @filter, @bias, @mult and @shift
 * (FULLY_CONNECTED) by reference.
 */
struct cpu_conv_plan;
struct cpu_conv_plan *cpu_conv_plan_create(const struct npu_conv_params *p,
					   const int8_t *filter, const int32_t *bias,
					   const int32_t *mult, const int32_t *shift,
					   enum cpu_isa isa);
bool cpu_conv_plan_for(const struct cpu_conv_plan *pl, const int8_t *filter,
		       const int32_t *bias);
bool cpu_conv_plan_run(const struct cpu_conv_plan *pl, const int8_t *in, int8_t *out,
		       struct npu_cpu_pool *pool);
void cpu_conv_plan_free(struct cpu_conv_plan *pl);

/* DEPTHWISE_CONV_2D, int8 (@u8 false) or uint8, planned the same way. */
struct cpu_dw_plan;
struct cpu_dw_plan *cpu_dw_plan_create(const struct npu_conv_params *p, const void *filter,
				       const int32_t *bias, const int32_t *mult,
				       const int32_t *shift, bool u8, enum cpu_isa isa);
bool cpu_dw_plan_for(const struct cpu_dw_plan *pl, const void *filter, const int32_t *bias);
bool cpu_dw_plan_run(const struct cpu_dw_plan *pl, const void *in, void *out,
		     struct npu_cpu_pool *pool);
void cpu_dw_plan_free(struct cpu_dw_plan *pl);

struct cpu_fc_plan;
struct cpu_fc_plan *cpu_fc_plan_create(const struct npu_fc_params *p, const int8_t *filter,
				       const int32_t *bias, const int32_t *mult,
				       const int32_t *shift, enum cpu_isa isa);
bool cpu_fc_plan_for(const struct cpu_fc_plan *pl, const int8_t *filter, const int32_t *bias);
bool cpu_fc_plan_run(const struct cpu_fc_plan *pl, const int8_t *in, int8_t *out,
		     struct npu_cpu_pool *pool);
void cpu_fc_plan_free(struct cpu_fc_plan *pl);

/*
 * The firmware's npu_op_conv2d_u8() / npu_op_fc_u8() (opt_u8.c: exactly
 * the int8 kernels on reformulated operands); false where those decline,
 * for zero points or a clamp outside uint8, or multipliers that could wrap.
 */
bool cpu_opt_conv2d_u8(const struct npu_conv_params *p, const uint8_t *in,
		       const uint8_t *filter, const int32_t *bias,
		       const int32_t *mult, const int32_t *shift, uint8_t *out,
		       enum cpu_isa isa, struct npu_cpu_pool *pool);
bool cpu_opt_fc_u8(const struct npu_fc_params *p, const uint8_t *in,
		   const uint8_t *filter, const int32_t *bias,
		   const int32_t *mult, const int32_t *shift, uint8_t *out,
		   enum cpu_isa isa, struct npu_cpu_pool *pool);
/* False for the multipliers cpu_opt_conv2d_u8() declines (the output offset could wrap). */
bool cpu_u8_rq_no_wrap(const struct npu_requant *rq, const int32_t *mult, const int32_t *shift,
		       uint32_t n);

/*
 * The firmware's ADD, SUB or MUL (npu_op_add_s8() ... npu_op_mul_u8()) of
 * int8 (or with @u8 uint8) tensors, with broadcast; false for shapes that
 * do not broadcast, a clamp outside the type or a left shift outside 0..31.
 * The elementwise, pooling, LUT and moving kernels split their outputs
 * across @pool (NULL: one thread; the same bytes on any number).
 */
enum cpu_elt_kind { CPU_ELT_ADD, CPU_ELT_SUB, CPU_ELT_MUL };
bool cpu_opt_eltwise(const struct npu_eltwise_params *p, enum cpu_elt_kind kind, bool u8,
		     const void *x, const void *y, void *out, enum cpu_isa isa,
		     struct npu_cpu_pool *pool);

/* The firmware's npu_op_leaky_relu_s8() (@u8: _u8()). */
bool cpu_opt_leaky_relu(const struct npu_leaky_relu_params *p, bool u8, const void *in,
			void *out, enum cpu_isa isa, struct npu_cpu_pool *pool);

/*
 * The firmware's npu_op_pad(); false for element sizes it does not take or
 * an input that does not fit the output.
 */
bool cpu_opt_pad(const struct npu_pad_params *p, const void *in, void *out,
		 struct npu_cpu_pool *pool);

/*
 * The firmware's npu_op_transpose(), npu_op_strided_slice(), npu_op_concat()
 * (no table) and COPY (@bytes from @in to @out, nothing when they are the
 * same); the moving kernels split their output rows across @pool.
 */
bool cpu_opt_transpose(const struct npu_transpose_params *p, const void *in, void *out,
		       struct npu_cpu_pool *pool);
bool cpu_opt_strided_slice(const struct npu_slice_params *p, const void *in, void *out,
			   struct npu_cpu_pool *pool);
void cpu_opt_copy(const void *in, void *out, size_t bytes, struct npu_cpu_pool *pool);
bool cpu_opt_concat(const struct npu_concat_params *p, const void *in, void *out,
		    struct npu_cpu_pool *pool);
/* The firmware's npu_op_resize_nearest() with its row and column @table. */
bool cpu_opt_resize_nearest(const struct npu_resize_params *p, const void *in,
			    const uint16_t *table, void *out, struct npu_cpu_pool *pool);

/*
 * The firmware's npu_op_avg_pool_*() (@avg) or npu_op_max_pool_*() for
 * int8, uint8 and int16; false for other types or a clamp outside the type.
 */
bool cpu_opt_pool(const struct npu_pool_params *p, bool avg, const void *in, void *out,
		  struct npu_cpu_pool *pool);

/*
 * The firmware's npu_op_mean_s8() / _s16() (MEAN and quantized SUM); false
 * for other types.  Outputs split across @pool when the last axis is kept
 * or is the only one reduced.
 */
bool cpu_opt_mean(const struct npu_mean_params *p, const void *in, void *out, enum cpu_isa isa,
		  struct npu_cpu_pool *pool);

/*
 * The firmware's npu_op_resize_bilinear_s8() / _s16(), output rows split
 * across @pool; false for other types or out of memory.
 */
bool cpu_opt_resize_bilinear(const struct npu_resize_params *p, const void *in, void *out,
			     enum cpu_isa isa, struct npu_cpu_pool *pool);

/*
 * RESIZE_BILINEAR of float32 or (@u8) uint8 NHWC tensors: TFLite's float
 * template (reference_ops::ResizeBilinear), which defines these results,
 * as written (_ref) and optimized (output rows on @pool; false when out of
 * memory), the same bytes.
 */
struct cpu_bilinear_f {
	uint32_t in[4], out[4];	/* N, H, W, C */
	bool align, half, u8;
};
void cpu_ref_resize_bilinear_f(const struct cpu_bilinear_f *s, const void *in, void *out);
bool cpu_opt_resize_bilinear_f(const struct cpu_bilinear_f *s, const void *in, void *out,
			       enum cpu_isa isa, struct npu_cpu_pool *pool);

/* The firmware's npu_op_lut_s8(), _u8() and _s16() with its @table. */
bool cpu_opt_lut(const struct npu_lut_params *p, const void *in, const void *table, void *out,
		 enum cpu_isa isa, struct npu_cpu_pool *pool);

#endif /* NPU_CPU_OPT_H */
