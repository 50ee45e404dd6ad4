/* SPDX-License-Identifier: MIT */
/*
 * CPU execution of an npu_graph (npu_graph.h), and the TFLite "Prepare" math
 * shared with the compiler.
 *
 * Two halves:
 *
 *  1. Op preparation (npu_cpu_prepare_op): from an IR op and its tensors'
 *     float scales, zero points and options, compute exactly what TFLite's
 *     reference Prepare computes (effective scales in double, quantized
 *     multipliers, activation ranges, padding, LUTs) and fill the firmware's
 *     op params struct (npu_cmdstream.h).  The compiler calls it for NPU
 *     ops, the CPU executor for the same ops on the CPU; the numeric
 *     formulas themselves are the firmware library's host helpers
 *     (firmware/host/npu_fw_host.h), used from here only.
 *
 *  2. The CPU executor (struct npu_cpu): prepare every op of a graph once,
 *     then invoke all ops, one op, or a range of ops as often as needed.
 *     Ops the NPU firmware implements run through the firmware's own kernels
 *     (libnpufw), so CPU and NPU results are the same bytes; SOFTMAX,
 *     QUANTIZE, DEQUANTIZE, SVDF and the float ops are CPU-only kernels in
 *     libnpu/cpu (Documentation/cpu-fallback.rst).  Tensor memory is bound by the caller (the runtime binds
 *     its buffer objects) or allocated by the executor on first use.
 *
 * Errors are negative errno values; the executor keeps a one-line message
 * naming the op that failed (npu_cpu_error()).  No global state: a struct
 * npu_cpu may be used from one thread at a time, several may run at once.
 */
#ifndef NPU_CPU_H
#define NPU_CPU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "npu_cmdstream.h"
#include "npu_graph.h"

#ifdef __cplusplus
extern "C" {
#endif

/* libnpu is built with -fvisibility=hidden: what this header declares is its API. */
#pragma GCC visibility push(default)

/* ------------------------------------------------------------------------ */
/* Op preparation: TFLite's Prepare math, once                              */
/* ------------------------------------------------------------------------ */

/*
 * One command an op becomes.  Tensor operands carry shape, type and zero
 * point; their .addr (and rq.*_addr, table_addr) are 0: the compiler fills
 * in NPU addresses, the CPU executor passes pointers instead.
 * @opcode: enum npu_cs_opcode.
 * @input: which input of the graph op the command's input operand is
 *         (CONCATENATION: command k copies input k; TRANSPOSE_CONV: 2).
 * @table_offset: byte offset of the command's table in the prepared
 *                @table (a uint8 CONCATENATION has one per requantized
 *                input; 0 for every other op).
 * @output: which output of the graph op the command writes (UNPACK,
 *          SPLIT: command k writes output k), else 0.
 */
struct npu_cpu_cmd {
	uint32_t opcode;
	uint32_t input;
	uint32_t table_offset;
	uint32_t output;
	union npu_cmd_params params;
};

/*
 * An op prepared for the firmware's kernels: its commands and the host data
 * they refer to.  Everything is owned by the struct (npu_cpu_prepared_free).
 *
 * @channels, @mult, @shift: per-channel requantization (rq.count entries),
 *   NULL when the op is requantized per tensor or not at all.
 * @bias: the bias converted to the kernel's type when the model stores it
 *   differently (16x8 ops with int32 or int16 bias: int64), else NULL and
 *   the op's bias tensor is used as is.  @bias_bytes its size.
 * @table, @table_bytes: table of LOGISTIC/TANH: 256 int8 or uint8
 *   (NPU_CMD_LUT) or TFLite's 256 uint16 sigmoid entries
 *   (NPU_CMD_SIGMOID_S16); of a uint8 CONCATENATION: 256 bytes per
 *   requantized input (npu_cpu_cmd.table_offset).
 */
struct npu_cpu_prepared {
	uint32_t num_cmds;
	struct npu_cpu_cmd *cmds;
	uint32_t channels;
	int32_t *mult;
	int32_t *shift;
	void *bias;
	size_t bias_bytes;
	void *table;
	size_t table_bytes;
};

/*
 * Prepare graph op @op of @g for the firmware kernels: validate it as
 * TFLite's Prepare would and compute every derived parameter (effective
 * scales in double, QuantizeMultiplier, activation range of the fused
 * activation, padding, per-channel multipliers, ADD/SUB left shift and input
 * multipliers, MEAN multiplier, LUTs).  The result passes
 * npu_fw_check_op() without hardware limits; the compiler checks the limits
 * itself (NPU_FW_CHECK_HW_LIMITS) to place ops.
 *
 * Returns 0 and *@out, or a negative errno with a message in @err:
 *   -ENOTSUP  the op has no firmware kernel (SOFTMAX, QUANTIZE, ...) or
 *             uses a type/parameter the kernels lack: run it on the CPU
 *   -EINVAL   the op is malformed (TFLite would reject it)
 *   -ENOMEM
 */
int npu_cpu_prepare_op(const struct npu_graph *g, const struct npu_graph_op *op,
		       struct npu_cpu_prepared **out, char *err, size_t errlen);
void npu_cpu_prepared_free(struct npu_cpu_prepared *p);

/* The pieces, exposed for the compiler and for tests. */

/*
 * TFLite CalculateActivationRangeQuantized(): clamp range of fused
 * activation @act (enum npu_activation) for an output of @type (int8 or
 * int16) with @scale and @zero_point.  -EINVAL if the bound does not
 * fit int32, -ENOTSUP for an unknown activation or type.
 */
int npu_cpu_activation_range(int32_t act, enum npu_type type, float scale,
			     int32_t zero_point, int32_t *act_min,
			     int32_t *act_max);

/*
 * TFLite ComputeOutSize() and ComputePaddingWithOffset() for one spatial
 * dimension: output size for @padding (enum npu_padding), and the padding
 * before the input (the extra odd pixel, if any, goes after).
 */
int32_t npu_cpu_out_size(int32_t padding, int32_t in, int32_t filter,
			 int32_t stride, int32_t dilation);
int32_t npu_cpu_padding(int32_t in, int32_t filter, int32_t stride,
			int32_t dilation, int32_t out, int32_t *offset);

/* TFLite QuantizeMultiplier(): @real = @multiplier * 2^(@shift - 31).
 * -EINVAL (and 0, 0) for a NaN, infinite, negative or subnormal @real. */
int npu_cpu_quantize_multiplier(double real, int32_t *multiplier,
				 int32_t *shift);

/* ------------------------------------------------------------------------ */
/* The executor                                                              */
/* ------------------------------------------------------------------------ */

struct npu_cpu;

/*
 * What a CPU kernel hook sees: the op and the memory of its tensors.
 * inputs[i] is NULL for an absent optional input (NPU_TENSOR_NONE).
 * Constant inputs point at the graph's constant data.
 */
struct npu_cpu_kernel_args {
	const struct npu_graph *graph;
	const struct npu_graph_op *op;
	uint32_t op_index;
	void *const *inputs;	/* op->num_inputs entries */
	void *const *outputs;	/* op->num_outputs entries */
	char *err;		/* room for a message on failure */
	size_t errlen;
	/*
	 * The executor's worker threads (npu_cpu_set_threads()), which the
	 * built-in kernels share out their work to; NULL: one thread.
	 */
	struct npu_cpu_pool *pool;
};

/*
 * A CPU kernel supplied by the application or the runtime.  Returns 0 or a
 * negative errno; on failure it may write a message to args->err.
 */
typedef int (*npu_cpu_kernel_fn)(const struct npu_cpu_kernel_args *args,
				 void *user);

/*
 * Create an executor for @g and prepare every op the CPU knows (see
 * npu_cpu_op_known()).  @g must outlive the executor.  Ops the CPU does not
 * know (CUSTOM ops, builtins outside the supported list) are not an error
 * here: give them a kernel with npu_cpu_set_kernel()/npu_cpu_register_kernel()
 * or do not run them.  A known op with parameters TFLite would reject fails
 * the creation with a message naming it.
 *
 * Returns 0 and sets *@out, or a negative errno (-EINVAL, -ENOTSUP, -ENOMEM)
 * with the message in @err (may be NULL) and *@out = NULL.
 */
int npu_cpu_create(const struct npu_graph *g, struct npu_cpu **out,
		   char *err, size_t errlen);

/*
 * Run the built-in kernels on @threads threads (the caller's and
 * @threads - 1 workers, created here once and kept until the executor is
 * destroyed or this is called again; 0 or 1: the caller's only).  The
 * results are the same bytes for any number.  0, -EINVAL (more than
 * NPU_CPU_MAX_THREADS), or -ENOMEM / -errno from creating the threads (the
 * executor then stays on one thread).
 */
#define NPU_CPU_MAX_THREADS	64
int npu_cpu_set_threads(struct npu_cpu *cpu, uint32_t threads);

/* Frees the executor and the memory it allocated; NULL is fine. */
void npu_cpu_destroy(struct npu_cpu *cpu);

/* Message of the last failure ("" if none); valid until the next call. */
const char *npu_cpu_error(const struct npu_cpu *cpu);

/*
 * Use @data (@size bytes, at least the tensor's bytes) as the memory of
 * tensor @tensor from now on.  Binding a constant tensor is refused
 * (-EINVAL).  @data must stay valid while the executor may run ops touching
 * it.  Binding NULL reverts to executor-owned memory.
 */
int npu_cpu_bind(struct npu_cpu *cpu, int32_t tensor, void *data, size_t size);

/*
 * Memory of tensor @tensor: the bound buffer, the constant data, or memory
 * the executor allocates (zeroed) on first use.  NULL for a bad index or
 * when out of memory.
 */
void *npu_cpu_tensor_data(struct npu_cpu *cpu, int32_t tensor);

/*
 * Run op @op_index with @fn instead of the built-in kernel (NULL @fn: back
 * to the built-in kernel).  -ERANGE for a bad index.
 */
int npu_cpu_set_kernel(struct npu_cpu *cpu, uint32_t op_index,
		       npu_cpu_kernel_fn fn, void *user);

/*
 * Run every op matching @builtin (and, for NPU_BUILTIN_CUSTOM, whose custom name
 * equals @custom_name) with @fn.  Returns the number of ops it applies to
 * (0 is not an error), or a negative errno.
 */
int npu_cpu_register_kernel(struct npu_cpu *cpu, int32_t builtin,
			    const char *custom_name, npu_cpu_kernel_fn fn,
			    void *user);

/* True if op @op_index can run: a built-in kernel or a hook. */
bool npu_cpu_op_runnable(const struct npu_cpu *cpu, uint32_t op_index);

/*
 * True if op @op_index is not run because the compiler folded it into the
 * op reading its output (compiler.rst, "Fusion"): a PAD, RELU, RELU6 or
 * RELU_N1_TO_1 whose outputs no op reads and which are neither graph
 * outputs nor variables, whose input another op reads too, in a graph that
 * names its outputs.  Nothing is computed or written for it (as the NPU
 * gives it no command); a kernel set on it with npu_cpu_set_kernel() or
 * npu_cpu_register_kernel() runs all the same.
 */
bool npu_cpu_op_folded(const struct npu_cpu *cpu, uint32_t op_index);

/*
 * Why op @op_index cannot run (e.g. "SOFTMAX: int16 input with int8 output
 * is not supported"), or NULL if it can.  Valid while @cpu lives.
 */
const char *npu_cpu_op_why(const struct npu_cpu *cpu, uint32_t op_index);

/*
 * Run ops [@first, @first + @count) in order.  On failure returns the op's
 * negative errno and npu_cpu_error() names it, e.g.
 *   "op 12 (SOFTMAX): input 0 type int16 needs output scale 1/32768"
 */
int npu_cpu_invoke_range(struct npu_cpu *cpu, uint32_t first, uint32_t count);

/* Run every op of the graph. */
int npu_cpu_invoke(struct npu_cpu *cpu);

/* Reset variable tensors (SVDF state) to their initial contents. */
int npu_cpu_reset_state(struct npu_cpu *cpu);

/*
 * True if the CPU has a built-in kernel for @op with its tensor types
 * (independent of any executor).  When false and @why is not NULL, @why
 * receives the reason ("SOFTMAX: int32 input is not supported").
 */
bool npu_cpu_op_known(const struct npu_graph *g, const struct npu_graph_op *op,
		      char *why, size_t whylen);

/*
 * As npu_cpu_op_known(), telling why apart: 0 (runnable), -ENOTSUP (no
 * built-in kernel for this op or these types: a registered kernel may still
 * run it) or -EINVAL (malformed: TFLite would refuse it too).
 */
int npu_cpu_check_op(const struct npu_graph *g, const struct npu_graph_op *op,
		     char *why, size_t whylen);

#pragma GCC visibility pop

#ifdef __cplusplus
}
#endif

#endif /* NPU_CPU_H */
