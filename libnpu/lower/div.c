// SPDX-License-Identifier: MIT
/*
 * DIV and FLOOR_DIV on the CPU (no NPU command: the vector unit has no
 * divider), float32 and int32 with broadcast, as TFLite's reference
 * kernels: DIV float x / y with the fused activation, int32 truncating;
 * FLOOR_DIV floor(double(x) / double(y)) converted back.  An int32
 * division by zero fails the invocation, as TFLite's does.  Quantized
 * int8 and uint8 DIV (Keras' Softsign, x / (1 + |x|)) as reference_ops'
 * DivElementwise: the divisor's reciprocal in fixed point (GetReciprocal),
 * the dividend shifted by its headroom, one multiplier
 * in1_scale / (in2_scale * out_scale) computed in float as div.cc does.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>

#include "lower.h"
#include "../cpu/cpu_fixedpoint.h"

struct qdiv_state {
	struct lower_bcast b;
	int32_t in1_zp, in2_zp, out_zp;
	int32_t multiplier, shift;
	int32_t act_min, act_max;
};

/* TFLite's CountLeadingSignBits() of a 32-bit value. */
static int leading_sign_bits(int32_t x)
{
	if (x >= 0)
		return x ? __builtin_clz((uint32_t)x) - 1 : 31;
	return x == INT32_MIN ? 0 : __builtin_clz(2u * (uint32_t)-x);
}

/* One quotient, or -EDOM where the divisor's real value is 0 (TFLite: undefined). */
static int qdiv_one(const struct qdiv_state *s, int32_t a, int32_t b, int32_t *r)
{
	int32_t x = a - s->in1_zp, y = b - s->in2_zp, inv, unscaled, v;
	int recip_shift, headroom;

	if (!y)
		return -EDOM;
	if (y < 0) {
		x = -x;
		y = -y;
	}
	inv = fp_get_reciprocal(y, 31, &recip_shift);
	headroom = leading_sign_bits(x);
	unscaled = npu_fw_srdhm((int32_t)((uint32_t)x << headroom), inv);
	v = s->out_zp + npu_fw_rdivpot(npu_fw_srdhm(unscaled, s->multiplier),
				       -(s->shift - recip_shift - headroom));
	*r = v < s->act_min ? s->act_min : v > s->act_max ? s->act_max : v;
	return 0;
}

static int qdiv_prepare(const struct cpu_prep *p, void **state)
{
	const struct npu_graph_tensor *a, *b, *o;
	struct qdiv_state *s;
	int ret;

	ret = lower_binary_io(p, &a, &b, &o);
	if (ret)
		return ret;
	if ((o->type != NPU_TYPE_INT8 && o->type != NPU_TYPE_UINT8) ||
	    a->type != o->type || b->type != o->type)
		return lower_float_bcast_prepare(p, state);
	ret = lower_need_quant_binary(p, a, b, o);
	if (ret)
		return ret;
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	ret = lower_bcast_geometry(p, &s->b);
	if (!ret)
		ret = lower_act_range(p, p->op->options_kind == NPU_OPTS_ELTWISE ?
				      p->op->options.eltwise.activation : 0,
				      o, &s->act_min, &s->act_max);
	if (ret)
		goto fail;
	s->in1_zp = cpu_zero_point(a);
	s->in2_zp = cpu_zero_point(b);
	s->out_zp = cpu_zero_point(o);
	/*
	 * The quotient's shift stays within RoundingDivideByPOT's range for
	 * every 8-bit operand only below 2^23 (TFLite: undefined beyond).
	 */
	if (npu_cpu_quantize_multiplier((double)(cpu_scale(a) / (cpu_scale(b) * cpu_scale(o))),
					&s->multiplier, &s->shift) || s->shift > 23) {
		ret = lower_bad_scale(p, "DIV");
		goto fail;
	}
	*state = s;
	return 0;
fail:
	free(s);
	return ret;
}

static int qdiv_invoke(const struct qdiv_state *s, const struct npu_cpu_kernel_args *a)
{
	const bool u8 = s->b.type == NPU_TYPE_UINT8;
	int32_t idx[MAX_RANK] = { 0 };
	size_t o1 = 0, o2 = 0;

	for (size_t i = 0; i < s->b.count; i++) {
		const int32_t x = u8 ? ((const uint8_t *)a->inputs[0])[o1] :
				       ((const int8_t *)a->inputs[0])[o1];
		const int32_t y = u8 ? ((const uint8_t *)a->inputs[1])[o2] :
				       ((const int8_t *)a->inputs[1])[o2];
		int32_t r;

		if (qdiv_one(s, x, y, &r)) {
			cpu_msg(a->err, a->errlen,
				"DIV by an element whose real value is 0 (input 1 holds its zero point %d)",
				s->in2_zp);
			return -EDOM;
		}
		if (u8)
			((uint8_t *)a->outputs[0])[i] = (uint8_t)r;
		else
			((int8_t *)a->outputs[0])[i] = (int8_t)r;
		lower_bcast_next(&s->b, idx, &o1, &o2);
	}
	return 0;
}

static int int32_div(int32_t x, int32_t y, int32_t *r)
{
	if (!y)
		return -EDOM;
	/* INT32_MIN / -1 overflows in C; TFLite's result wraps there. */
	*r = y == -1 ? (int32_t)(0u - (uint32_t)x) : x / y;
	return 0;
}

static int int32_floor_div(int32_t x, int32_t y, int32_t *r)
{
	if (!y)
		return -EDOM;
	*r = (int32_t)floor((double)x / (double)y);
	return 0;
}

static float float_div(float x, float y)
{
	return x / y;
}

static float float_floor_div(float x, float y)
{
	return (float)floor((double)x / (double)y);
}

static int div_invoke(const struct npu_cpu_kernel_args *a, void *state)
{
	const struct lower_bcast *s = state;
	const bool floor_div = s->builtin == NPU_BUILTIN_FLOOR_DIV;

	if (s->type == NPU_TYPE_INT8 || s->type == NPU_TYPE_UINT8)
		return qdiv_invoke(state, a);
	if (s->type == NPU_TYPE_INT32)
		return lower_int32_bcast_run(s, a, floor_div ? int32_floor_div :
					     int32_div);
	lower_float_bcast_run(s, a, floor_div ? float_floor_div : float_div);
	return 0;
}

/* FLOOR_DIV has no quantized form in TFLite: float32 and int32 only. */
static int div_prepare(const struct cpu_prep *p, void **state)
{
	if (p->op->builtin == NPU_BUILTIN_DIV)
		return qdiv_prepare(p, state);
	return lower_float_bcast_prepare(p, state);
}

static const struct cpu_kernel div_kernel = {
	.prepare = div_prepare,
	.invoke = div_invoke,
};

/* DIV and FLOOR_DIV: CPU only. */
const struct npu_builtin_impl npu_builtin_div = {
	.cpu_kernel = &div_kernel,
	.output_shape = lower_shape_broadcast,
};
