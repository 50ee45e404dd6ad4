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

/* c[i * ldc + j] = sum_k a[i * lda + k] * b[j * ldb + k], int32 wrapping. */
typedef void (*cpu_gemm_s8_fn)(const int8_t *a, size_t lda, uint32_t m,
			       const int8_t *b, size_t ldb, uint32_t n,
			       uint32_t k, int32_t *c, size_t ldc);
cpu_gemm_s8_fn cpu_gemm_s8_select(enum cpu_isa isa);

/*
 * The AVX-512 VNNI GEMM (CPU_ISA_AVX512VNNI only): @b (n rows of k) packed
 * once per op by cpu_gemm_vnni_pack() (malloc'ed, NULL when out of memory),
 * then cpu_gemm_vnni() computes c[i * ldc + j] = sum_k (a + 128) * b: the
 * a operand goes in as unsigned (vpdpbusd), so the caller subtracts 128 *
 * sum(b row j), which it folds into its per-channel constant.
 */
int8_t *cpu_gemm_vnni_pack(const int8_t *b, size_t ldb, uint32_t n, uint32_t k);
void cpu_gemm_vnni(const int8_t *a, size_t lda, uint32_t m, const int8_t *packed,
		   uint32_t n, uint32_t k, int32_t *c, size_t ldc);

/*
 * Worker threads (cpu_pool.c), created once per executor.  cpu_pool_run()
 * calls @fn(@arg, part, parts) for every part in 0..parts-1, part 0 on the
 * calling thread, and returns when all are done.  A NULL pool is one
 * thread.  Kernels give each part a disjoint range of outputs.
 */
struct npu_cpu_pool;
typedef void (*cpu_pool_fn)(void *arg, uint32_t part, uint32_t parts);
int cpu_pool_create(uint32_t threads, struct npu_cpu_pool **out);
void cpu_pool_destroy(struct npu_cpu_pool *pool);
uint32_t cpu_pool_threads(const struct npu_cpu_pool *pool);
void cpu_pool_run(struct npu_cpu_pool *pool, cpu_pool_fn fn, void *arg);

/* [*begin, *end) of @n items for @part of @parts. */
static inline void cpu_part_range(size_t n, uint32_t part, uint32_t parts, size_t *begin,
				  size_t *end)
{
	*begin = n * part / parts;
	*end = n * (part + 1) / parts;
}

/*
 * Per-channel requantization of a row of accumulators (opt_requant.c):
 * out[c] = clamp(MBQM(acc[c] + add[c]) + out_zp), with MBQM's shift split
 * into @left and @right (each 0..31), act_min <= act_max within int8.
 */
struct cpu_rq_row {
	const uint32_t *add;
	const int32_t *mult;
	const int32_t *left;
	const int32_t *right;
	int32_t out_zp, act_min, act_max;
	bool u8;	/* uint8 output: the clamp is within 0..255 */
};
typedef void (*cpu_requant_fn)(const struct cpu_rq_row *r, const int32_t *acc,
			       uint32_t n, int8_t *out);
cpu_requant_fn cpu_requant_select(enum cpu_isa isa);

struct npu_requant;
/*
 * *@r for @n channels of @rq (per-tensor or per-channel @mult/@shift), with
 * add[c] = @base[c] + @bias[c] (@base is updated in place and must outlive
 * @r; @bias may be NULL).  False when out of memory or the clamp is not
 * ordered within int8.  cpu_rq_row_free() releases it.
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
		   enum cpu_isa isa);

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
		   enum cpu_isa isa);
/* False for the multipliers cpu_opt_conv2d_u8() declines (the output offset could wrap). */
bool cpu_u8_rq_no_wrap(const struct npu_requant *rq, const int32_t *mult, const int32_t *shift,
		       uint32_t n);

/*
 * The firmware's ADD, SUB or MUL (npu_op_add_s8() ... npu_op_mul_u8()) of
 * int8 (or with @u8 uint8) tensors, with broadcast; false for shapes that
 * do not broadcast, a clamp outside the type or a left shift outside 0..31.
 */
enum cpu_elt_kind { CPU_ELT_ADD, CPU_ELT_SUB, CPU_ELT_MUL };
bool cpu_opt_eltwise(const struct npu_eltwise_params *p, enum cpu_elt_kind kind, bool u8,
		     const void *x, const void *y, void *out, enum cpu_isa isa);

/* The firmware's npu_op_leaky_relu_s8() (@u8: _u8()). */
bool cpu_opt_leaky_relu(const struct npu_leaky_relu_params *p, bool u8, const void *in,
			void *out, enum cpu_isa isa);

/* The firmware's npu_op_pad(); false for element sizes it does not take. */
bool cpu_opt_pad(const struct npu_pad_params *p, const void *in, void *out);

/* The firmware's npu_op_transpose(), npu_op_strided_slice(), npu_op_concat() (no table). */
bool cpu_opt_transpose(const struct npu_transpose_params *p, const void *in, void *out);
bool cpu_opt_strided_slice(const struct npu_slice_params *p, const void *in, void *out);
bool cpu_opt_concat(const struct npu_concat_params *p, const void *in, void *out);
/* The firmware's npu_op_resize_nearest() with its row and column @table. */
bool cpu_opt_resize_nearest(const struct npu_resize_params *p, const void *in,
			    const uint16_t *table, void *out);

/*
 * The firmware's npu_op_avg_pool_*() (@avg) or npu_op_max_pool_*() for
 * int8, uint8 and int16; false for other types or a clamp outside the type.
 */
bool cpu_opt_pool(const struct npu_pool_params *p, bool avg, const void *in, void *out);

#endif /* NPU_CPU_OPT_H */
