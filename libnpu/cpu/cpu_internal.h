/* SPDX-License-Identifier: MIT */
/*
 * Internals of the CPU executor and kernels (libnpu/cpu).  Not installed.
 */
#ifndef NPU_CPU_INTERNAL_H
#define NPU_CPU_INTERNAL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "npu_cpu.h"
#include "npu_fw.h"
#include "npu_graph.h"
#include "npu_util.h"

/*
 * Requantization primitives: the firmware's (npu_fw.h), the one definition
 * of TFLite's double-rounding arithmetic in the project.
 */
#define cpu_srdhm(a, b)			npu_fw_srdhm((a), (b))
#define cpu_rounding_divide_by_pot(x, e)	npu_fw_rdivpot((x), (e))
#define cpu_mbqm(x, m, s)		npu_fw_mbqm((x), (m), (s))

struct cpu_prep;
/*
 * TFLite QuantizeMultiplier (double -> Q31 significand and exponent) of the
 * effective scale @what of @p's op; -EINVAL with a message naming the op
 * when @real is not a positive finite (normal) number.
 */
int cpu_quantize_multiplier(const struct cpu_prep *p, const char *what,
			    double real, int32_t *multiplier, int *shift);

/* ---- Messages ---- */

/* Formats a message into buf (may be NULL or len 0): npu_fail()'s. */
#define cpu_msg(buf, len, ...) ((void)npu_fail((buf), (len), 0, __VA_ARGS__))

/* ---- Kernels ---- */

/*
 * What a built-in kernel's prepare step, or a builtin's lowering
 * (libnpu/lower/), sees.
 */
struct cpu_prep {
	const struct npu_graph *g;
	const struct npu_graph_op *op;
	/*
	 * The main graph, whose npu_graph.subgraphs WHILE and IF name, when
	 * @g is one of its subgraphs; NULL: @g is the main graph.
	 */
	const struct npu_graph *root;
	uint32_t depth;		/* subgraphs around @g (a bound on nesting) */
	char *err;
	size_t errlen;
	/* Lowering only: the commands being built (NULL for CPU kernels). */
	struct npu_cpu_prepared *out;
};

/*
 * A built-in CPU kernel.  prepare() validates the op like TFLite's Prepare
 * and returns its parameters in *state (malloc'ed, freed with free());
 * invoke() runs it on the tensors' memory.
 */
struct cpu_kernel {
	int (*prepare)(const struct cpu_prep *p, void **state);
	int (*invoke)(const struct npu_cpu_kernel_args *a, void *state);
	void (*release)(void *state);	/* NULL: free() */
};

/*
 * npu_cpu_create() of subgraph @g of the main graph @root (a WHILE's or
 * IF's subgraph, lower/control_flow.c): its WHILE and IF ops find their
 * subgraphs in @root.
 */
int cpu_create_subgraph(const struct npu_graph *g, const struct npu_graph *root,
			uint32_t depth, struct npu_cpu **out, char *err, size_t errlen);

/* The CPU kernel for @builtin, or NULL (the resolver, lower/builtins.c). */
const struct cpu_kernel *cpu_kernel_find(int32_t builtin);
/*
 * The CPU kernel for @op: cpu_kernel_find() of its builtin, or for a CUSTOM
 * op the built-in kernel of that name (lower/builtins.c), or NULL.
 */
const struct cpu_kernel *cpu_kernel_for(const struct npu_graph_op *op);

/* Input @i / output @i tensor of the op (NULL if absent or out of range). */
const struct npu_graph_tensor *cpu_in(const struct npu_graph *g,
				const struct npu_graph_op *op, uint32_t i);
const struct npu_graph_tensor *cpu_out(const struct npu_graph *g,
				 const struct npu_graph_op *op, uint32_t i);

/* Per-tensor scale / zero point (0 and 1.0f defaults when unquantized). */
float cpu_scale(const struct npu_graph_tensor *t);
int32_t cpu_zero_point(const struct npu_graph_tensor *t);

/* Checks used by prepare steps; each writes the message on failure. */
int cpu_need_io(const struct cpu_prep *p, uint32_t min_in, uint32_t max_in,
		uint32_t outs);
/* cpu_need_io() for one output and 1..@max_in inputs; *@in is input 0. */
int cpu_need_unary(const struct cpu_prep *p, uint32_t max_in,
		   const struct npu_graph_tensor **in,
		   const struct npu_graph_tensor **out);
int cpu_need_type(const struct cpu_prep *p, const struct npu_graph_tensor *t,
		  const char *what, enum npu_type type);

/* The CPU-only kernels (one file each), resolved in lower/builtins.c. */
extern const struct cpu_kernel cpu_kernel_quantize;
extern const struct cpu_kernel cpu_kernel_dequantize;
extern const struct cpu_kernel cpu_kernel_svdf;
extern const struct cpu_kernel cpu_kernel_batch_matmul;
extern const struct cpu_kernel cpu_kernel_gather;
extern const struct cpu_kernel cpu_kernel_gather_nd;
/* Output shapes as the kernels' prepare expects them (npu_builtin_impl.output_shape). */
int cpu_batch_matmul_shape(const struct npu_graph *g, const struct npu_graph_op *op,
			   uint32_t o, int32_t *dims);
int cpu_gather_shape(const struct npu_graph *g, const struct npu_graph_op *op, uint32_t o,
		     int32_t *dims);
extern const struct cpu_kernel cpu_kernel_tile;
extern const struct cpu_kernel cpu_kernel_mirror_pad;
extern const struct cpu_kernel cpu_kernel_space_to_batch_nd;
extern const struct cpu_kernel cpu_kernel_batch_to_space_nd;
/*
 * Dynamic-range (hybrid) CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED:
 * float input, integer weights (hybrid.c).  cpu_hybrid_op() tells them.
 */
extern const struct cpu_kernel cpu_kernel_hybrid;
bool cpu_hybrid_op(const struct npu_graph *g, const struct npu_graph_op *op);
/*
 * TFLite's run-time quantization of a float vector to int8 (its x86 build's
 * tensor_utils): symmetric (scale = max|v| / 127, no zero point) and
 * asymmetric (min/max with 0 included, nudged zero point).
 */
void cpu_quantize_symmetric(const float *v, size_t n, int8_t *q, float *scale);
void cpu_quantize_asymmetric(const float *v, size_t n, int8_t *q, float *scale,
			     int32_t *zero_point);
/*
 * Eigen's float tanh (@tanh_gate) or logistic over @v[0..n), as TFLite's
 * tensor_utils apply them in its x86 build; @offset: where @v starts in
 * its (aligned) TFLite buffer, in floats (eigen_act.c).
 */
void cpu_eigen_activation(float *v, int n, bool tanh_gate, int offset);
/* Clamp range of a fused activation on float outputs. */
void cpu_float_activation_range(int32_t act, float *lo, float *hi);

#endif /* NPU_CPU_INTERNAL_H */
