/* SPDX-License-Identifier: MIT */
/*
 * The compiler's lowering of TFLite builtins to firmware commands, and each
 * builtin's CPU paths, one file per builtin (or per family sharing one
 * Prepare) in libnpu/lower/.  Internal to libnpu.
 *
 * A builtin's file defines one `const struct npu_builtin_impl` and
 * builtins.c maps builtin codes to it; see the recipe there and in
 * Documentation/compiler.rst ("Adding a builtin").
 */
#ifndef NPU_LOWER_H
#define NPU_LOWER_H

#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "../cpu/cpu_internal.h"
/* The firmware library's host-side parameter helpers (libnpufw.a). */
#include "../../firmware/host/npu_fw_host.h"

#define MAX_RANK NPU_GRAPH_MAX_DIMS

/*
 * What libnpu does with one TFLite builtin.  At least one of @lower and
 * @cpu_kernel is set.
 */
struct npu_builtin_impl {
	/*
	 * TFLite's integer Prepare lowered to firmware commands: validate
	 * p->op and append its commands (and their host data) to p->out with
	 * lower_add_cmd().  -ENOTSUP (with a message in p->err) when this
	 * case has no command: the op then runs on the CPU.  NULL: the
	 * builtin is never placed on the NPU.  On the CPU, the same commands
	 * run on the firmware's kernels (cpu/npu_ops.c), unless @cpu_kernel
	 * is set.
	 */
	int (*lower)(const struct cpu_prep *p);
	/* The float32 path on the CPU (TFLite's reference_ops), or NULL. */
	const struct cpu_kernel *float_kernel;
	/*
	 * @float_kernel also runs the integer cases @lower refuses with
	 * -ENOTSUP (int32 ADD, SUB, MUL).
	 */
	bool float_takes_int;
	/*
	 * A CPU kernel of the builtin's own, run by the CPU executor for
	 * every type instead of the lowered commands (RESHAPE: a memmove),
	 * or the only implementation when @lower is NULL (SOFTMAX, SVDF...).
	 */
	const struct cpu_kernel *cpu_kernel;
	/*
	 * Output @o's shape as TFLite's Prepare computes it from the inputs'
	 * shapes and constant operands: fills @dims, returns the rank, or -1
	 * when they do not give it (and for an output the builtin does not
	 * size).  Compile-time propagation of shapes a file leaves dynamic
	 * (compiler/fold.c) asks it for every output; NULL: the stored shapes
	 * stay.  The rule shares the arithmetic the lowering or kernel checks
	 * the output with; the families below (lower_shape_*) serve many rows.
	 */
	int (*output_shape)(const struct npu_graph *g, const struct npu_graph_op *op,
			    uint32_t o, int32_t *dims);
};

/* The implementation of @builtin, or NULL (builtins.c). */
const struct npu_builtin_impl *npu_builtin_find(int32_t builtin);
/* Name of the @i-th custom op built in (resolved by name), NULL past the last. */
const char *npu_builtin_custom_name(size_t i);
/* True when @builtin has a lowering: the compiler may place it on the NPU. */
bool npu_builtin_npu_capable(int32_t builtin);

/* The CPU kernel that runs lowered commands (cpu/npu_ops.c). */
extern const struct cpu_kernel cpu_kernel_lowered;

/* ---- lowering helpers (helpers.c) ---- */

/* Writes the message into p->err; returns -EINVAL. */
__attribute__((format(printf, 2, 3)))
int lower_fail(const struct cpu_prep *p, const char *fmt, ...);
/* A parameter helper refused an effective scale (NaN, inf, <= 0, tiny). */
int lower_bad_scale(const struct cpu_prep *p, const char *what);
/* Input / output @i of the op (NULL if absent). */
const struct npu_graph_tensor *lower_in(const struct cpu_prep *p, uint32_t i);
const struct npu_graph_tensor *lower_out(const struct cpu_prep *p, uint32_t i);
/* Appends a zeroed command reading input @input; NULL when out of memory. */
struct npu_cpu_cmd *lower_add_cmd(const struct cpu_prep *p, uint32_t opcode,
				  uint32_t input);
/*
 * Describe @t as a command operand of @rank dims (>= t->rank: leading 1s
 * are prepended, as TFLite's broadcasting and 4-D extension do).
 * @movement: data movement, which takes any type of the element size.
 */
int lower_set_tensor(const struct cpu_prep *p, struct npu_tensor *d,
		     const struct npu_graph_tensor *t, uint32_t rank,
		     bool movement, const char *what);
/* The two inputs and the output of a two-input, one-output op, checked present. */
int lower_binary_io(const struct cpu_prep *p, const struct npu_graph_tensor **in0,
		    const struct npu_graph_tensor **in1, const struct npu_graph_tensor **out);
/*
 * @t's shape as command dims in @dims (NPU_CS_MAX_DIMS of them; a scalar
 * is [1]): its rank, or 0 when it has more dims than a command holds.
 */
uint32_t lower_cmd_dims(const struct npu_graph_tensor *t, uint32_t *dims);
/* Set @d to @dims (rank @rank) with the type and zero point of @t. */
int lower_set_tensor_dims(const struct cpu_prep *p, struct npu_tensor *d,
			  const struct npu_graph_tensor *t, uint32_t rank,
			  const uint32_t *dims, const char *what);
/* The usual input and output operands, both @rank-extended. */
int lower_set_in_out(const struct cpu_prep *p, struct npu_tensor *din,
		     struct npu_tensor *dout, const struct npu_graph_tensor *in,
		     const struct npu_graph_tensor *out, uint32_t rank,
		     bool movement);
/* Unary ops with kernels for int8 and int16, input type = output type. */
int lower_need_s8_s16(const struct cpu_prep *p, const struct npu_graph_tensor *in,
		      const struct npu_graph_tensor *out, const char *what);
/*
 * The same, uint8 too: ops whose uint8 form is int8's arithmetic with
 * unsigned storage and clamps (TFLite's templated kernels).
 */
int lower_need_s8_s16_u8(const struct cpu_prep *p,
			 const struct npu_graph_tensor *in,
			 const struct npu_graph_tensor *out, const char *what);
int lower_need_const_int(const struct cpu_prep *p, const struct npu_graph_tensor *t,
			 const char *what);
/* Element @i of a constant int32 / int64 tensor. */
int64_t lower_const_int(const struct npu_graph_tensor *t, size_t i);
/* Element @i of integer (or bool) data of @type: int8 ... int64. */
int64_t lower_load_int(const void *data, enum npu_type type, size_t i);

/*
 * A heap of @size-byte elements at @base ordered by @less (a max-heap of
 * it), moved by libstdc++'s own steps (stl_heap.c): ties leave in the
 * order TFLite's std::priority_queue / std::partial_sort give.
 */
struct lower_heap {
	void *base;
	size_t size;
	bool (*less)(const void *a, const void *b, const void *ctx);
	const void *ctx;
};

/* __push_heap: *@value into the hole at @hole, up to @top. */
void lower_heap_sift_up(const struct lower_heap *h, size_t hole, size_t top, const void *value);
/* __adjust_heap: the hole at @hole of a heap of @len down, then *@value. */
void lower_heap_adjust(const struct lower_heap *h, size_t hole, size_t len, const void *value);
bool lower_quantized(const struct npu_graph_tensor *t);
int lower_need_quant(const struct cpu_prep *p, const struct npu_graph_tensor *t,
		     const char *what);
/*
 * RANGE's count for scalars of @type (int32, int64, float32), as TFLite's
 * GetSize(); -EINVAL for a delta 0 or pointing away from the limit,
 * -ERANGE past INT32_MAX (lower/range.c).
 */
int lower_range_count(enum npu_type type, const void *start, const void *limit,
		      const void *delta, int64_t *count);
int lower_need_quant_in_out(const struct cpu_prep *p,
			    const struct npu_graph_tensor *in,
			    const struct npu_graph_tensor *out);
/* Both inputs and the output of a binary op are quantized. */
int lower_need_quant_binary(const struct cpu_prep *p, const struct npu_graph_tensor *a,
			    const struct npu_graph_tensor *b, const struct npu_graph_tensor *out);
/* Fused activation @act as the output's quantized clamp range. */
int lower_act_range(const struct cpu_prep *p, int32_t act,
		    const struct npu_graph_tensor *out, int32_t *lo,
		    int32_t *hi);
/* @a has @b's type and quantization (data movement). */
int lower_same_quant(const struct cpu_prep *p, const struct npu_graph_tensor *a,
		     const struct npu_graph_tensor *b, const char *what);

/*
 * Padding before the input of a window op (conv, depthwise, pooling) into
 * *@pad: TFLite's SAME / VALID for @out, or with NPU_PADDING_EXPLICIT (a
 * PAD the compiler folded) @explicit_pad, the options' pad_top / pad_left,
 * with up to extent - 1 after, which @out gives.
 * -EINVAL (message in p->err) when @out does not fit.
 */
int lower_window_padding(const struct cpu_prep *p, int32_t padding, int32_t explicit_pad,
			 int32_t in, int32_t filter, int32_t stride, int32_t dilation,
			 int32_t out, uint16_t *pad);
/* -EINVAL when the op's options have explicit padding (float paths). */
int lower_no_explicit_pad(const struct cpu_prep *p);

/* Convolutions and fully connected. */
int lower_widen_bias(const struct cpu_prep *p, const struct npu_graph_tensor *bias,
		     uint32_t channels);
int lower_conv_types(const struct cpu_prep *p, const struct npu_graph_tensor *in,
		     const struct npu_graph_tensor *filter,
		     const struct npu_graph_tensor *bias,
		     const struct npu_graph_tensor *out, uint32_t channels,
		     bool *is16);
int lower_per_channel(const struct cpu_prep *p, const struct npu_graph_tensor *in,
		      const struct npu_graph_tensor *filter,
		      const struct npu_graph_tensor *out, uint32_t channels,
		      int32_t quant_dim, struct npu_requant *rq);
int lower_need_conv_tensors(const struct cpu_prep *p,
			    const struct npu_graph_tensor *in,
			    const struct npu_graph_tensor *filter,
			    const struct npu_graph_tensor *out);
int lower_add_conv_cmd(const struct cpu_prep *p, uint32_t opcode, uint32_t input,
		       const struct npu_graph_tensor *in,
		       const struct npu_graph_tensor *filter,
		       const struct npu_graph_tensor *out,
		       struct npu_conv_params **conv);

/* Elementwise: the three operands of @e, broadcast to the output's rank. */
int lower_broadcast_shapes(const struct cpu_prep *p, struct npu_eltwise_params *e,
			   const struct npu_graph_tensor *a,
			   const struct npu_graph_tensor *b,
			   const struct npu_graph_tensor *out);

/*
 * ---- output shapes (struct npu_builtin_impl.output_shape; helpers.c) ----
 * Each returns the rank and fills @dims, or -1 when the op's inputs do not
 * give the shape (then the stored one stays and the op's checks say why).
 */

/* A constant int32 vector (or scalar) of at most MAX_RANK values, or NULL. */
const int32_t *lower_shape_ints(const struct npu_graph_tensor *t, size_t *n);
/* Output 0 is input 0's shape (elementwise unary builtins). */
int lower_shape_same(const struct npu_graph *g, const struct npu_graph_op *op,
		     uint32_t o, int32_t *dims);
/*
 * Output 0 is inputs 0 and 1 broadcast (elementwise binary builtins);
 * a single input's shape for a unary builtin of the same row.
 */
int lower_shape_broadcast(const struct npu_graph *g, const struct npu_graph_op *op,
			  uint32_t o, int32_t *dims);
/*
 * Window ops (convolutions, pools): the stored output with input 0's batch
 * (the converter writes spatial sizes static; a dynamic batch is the input's).
 */
int lower_shape_batch(const struct npu_graph *g, const struct npu_graph_op *op,
		      uint32_t o, int32_t *dims);
/* Reductions: input 0 without (keep_dims: 1 at) the lower_const_axes() axes. */
int lower_shape_reduce(const struct npu_graph *g, const struct npu_graph_op *op,
		       uint32_t o, int32_t *dims);
/* CONCATENATION (lower/concatenation.c) and PACK (a new axis of extent n). */
int lower_concat_shape(const struct npu_graph *g, const struct npu_graph_op *op,
		       uint32_t o, int32_t *dims);

/* ---- float path helpers (helpers.c) ---- */

/* Every input float32 (or int32: shapes, axes), the output float32. */
bool lower_all_float(const struct cpu_prep *p);
/* 0 for the fused activations the float paths clamp to, else -ENOTSUP. */
int lower_float_act_supported(const struct cpu_prep *p, int32_t act);
/* One float input and output of one size (elementwise unary builtins). */
int lower_float_unary_check(const struct cpu_prep *p);

/* The state of an elementwise float unary kernel: its builtin and size. */
struct lower_unary {
	int32_t builtin;
	size_t count;
};

/* lower_float_unary_check(), then *@state is a struct lower_unary. */
int lower_float_unary_prepare(const struct cpu_prep *p, void **state);

/*
 * The prologue of an op along constant axes (MEAN, SUM, REDUCE_MAX/MIN,
 * REVERSE_V2): input 0, a constant int32 (or int64) axis vector as input 1,
 * one output.  *@mask gets a bit per axis named (negative ones count from
 * the end, repeats allowed).  -ENOTSUP (named) when the axes are not
 * constant, -EINVAL (named) for an axis outside the input's rank.
 */
int lower_const_axes(const struct cpu_prep *p,
		     const struct npu_graph_tensor **in,
		     const struct npu_graph_tensor **out, uint32_t *mask);

/* A float op along the last axis: @outer rows of @depth elements. */
struct lower_last_axis {
	size_t outer, depth;
};

/* lower_float_unary_check() on a rank >= 1 input, then a lower_last_axis. */
int lower_float_last_axis_prepare(const struct cpu_prep *p, void **state);
/*
 * The checks of an int8 / uint8 op along the last axis whose output TFLite
 * requires quantized @out_scale with zero point @zp_s8 (int8) or @zp_u8
 * (uint8): one input and output of one type and size, rank >= 1, depth >
 * 0; fills *@rows.  -ENOTSUP for other types, -EINVAL (named) otherwise.
 */
int lower_q8_last_axis_check(const struct cpu_prep *p, float out_scale,
			     int32_t zp_s8, int32_t zp_u8,
			     struct lower_last_axis *rows);

/*
 * *@r = @a * @b for factors a model file controls (shapes, options,
 * constant tensors), which can overflow even 64 bits together: 0, or
 * -EOVERFLOW (and *@r unspecified) when the product does not fit int64.
 */
static inline int lower_checked_mul(int64_t a, int64_t b, int64_t *r)
{
	return __builtin_mul_overflow(a, b, r) ? -EOVERFLOW : 0;
}

static inline float lower_clampf(float x, float lo, float hi)
{
	return fminf(fmaxf(x, lo), hi);
}

/*
 * The op data of a float binary elementwise op with broadcast (ADD, SUB,
 * MUL): output dims and input strides.
 */
struct lower_bcast {
	int32_t builtin;
	enum npu_type type;		/* FLOAT32, or unquantized INT32 */
	float act_min, act_max;
	int32_t iact_min, iact_max;	/* the clamp of INT32 */
	uint32_t rank;
	int32_t odims[MAX_RANK];
	size_t s1[MAX_RANK], s2[MAX_RANK];	/* 0: broadcast axis */
	size_t count;
};

/*
 * The float path's prepare for the op's two float inputs and fused
 * activation: *@state is a struct lower_bcast.
 */
int lower_float_bcast_prepare(const struct cpu_prep *p, void **state);
/*
 * Only the broadcast geometry of a binary op (odims, strides, count; type
 * the output's), for quantized CPU kernels that check types themselves.
 */
int lower_bcast_geometry(const struct cpu_prep *p, struct lower_bcast *s);

/*
 * The int32 form of a broadcast binary op (s->type INT32): @fn on every
 * pair, the result clamped to the activation; @fn returns non-zero (a
 * negative errno) for an input TFLite refuses (a division by zero).
 */
int lower_int32_bcast_run(const struct lower_bcast *s,
			  const struct npu_cpu_kernel_args *a,
			  int (*fn)(int32_t x, int32_t y, int32_t *r));

/*
 * The float form (s->type FLOAT32): @fn on every pair, the result clamped
 * to the fused activation (ADD, SUB, MUL, DIV, FLOOR_DIV).
 */
void lower_float_bcast_run(const struct lower_bcast *s, const struct npu_cpu_kernel_args *a,
			   float (*fn)(float x, float y));

/* Advance the multi-index @idx and input offsets, last dimension fastest. */
static inline void lower_bcast_next(const struct lower_bcast *s, int32_t *idx,
				    size_t *o1, size_t *o2)
{
	for (int d = (int)s->rank - 1; d >= 0; d--) {
		if (++idx[d] < s->odims[d]) {
			*o1 += s->s1[d];
			*o2 += s->s2[d];
			return;
		}
		*o1 -= s->s1[d] * (size_t)(s->odims[d] - 1);
		*o2 -= s->s2[d] * (size_t)(s->odims[d] - 1);
		idx[d] = 0;
	}
}

#endif /* NPU_LOWER_H */
