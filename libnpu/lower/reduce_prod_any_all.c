// SPDX-License-Identifier: MIT
/*
 * REDUCE_PROD, REDUCE_ANY, REDUCE_ALL on the CPU (TFLite's reduce.cc,
 * which serves them from one generic reduction: PrepareProd /
 * PrepareAllOrAny, EvalProd / EvalGeneric<kReference>).
 *
 * Each output is a left fold of its inputs in input (row-major) order:
 *  - PROD of float32, int32, int64, bool and unquantized int8, uint8,
 *    int16: starting from 1, in the type's own arithmetic (integers wrap,
 *    as TFLite's compiled C++ does; bool is AND);
 *  - PROD of quantized int8 and int16 (QuantizedReduceProd): the first
 *    value minus the zero point, then for each next one the running product
 *    times (value - zero point), rescaled at every multiplication by
 *    m = in_scale / out_scale^(1/n) (n the reduced count: n rescalings in
 *    all give in_scale^n / out_scale) with the int64 16-bit-multiplier
 *    MultiplyByQuantizedMultiplier, once more at the end, plus the output
 *    zero point, saturated.  Quantized uint8 is refused, as TFLite does;
 *  - ANY (OR from false) and ALL (AND from true) of bool.
 * An empty reduction gives the start value (the quantized form leaves the
 * output as it was, as TFLite).  No command: the NPU has no product or
 * boolean reduction.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "lower.h"

struct reduce_data {
	int32_t builtin;
	enum npu_type type;
	bool quantized;			/* int8 / int16 QuantizedReduceProd */
	uint32_t rank;
	int32_t idims[MAX_RANK];
	size_t ostride[MAX_RANK];	/* output step per input index; 0: reduced */
	size_t count, outer_count;
	int32_t in_zp, out_zp;
	int32_t mult;
	int shift;
};

static const char *reduce_name(int32_t builtin)
{
	return builtin == NPU_BUILTIN_REDUCE_PROD ? "REDUCE_PROD" :
	       builtin == NPU_BUILTIN_REDUCE_ANY ? "REDUCE_ANY" : "REDUCE_ALL";
}

static bool prod_type(enum npu_type t)
{
	switch (t) {
	case NPU_TYPE_FLOAT32: case NPU_TYPE_INT32: case NPU_TYPE_INT64:
	case NPU_TYPE_INT8: case NPU_TYPE_UINT8: case NPU_TYPE_INT16:
	case NPU_TYPE_BOOL:
		return true;
	default:
		return false;
	}
}

/* The reduced axes: an empty axis vector reduces nothing (a copy). */
static int reduce_axes(const struct cpu_prep *p, const struct npu_graph_tensor **in,
		       const struct npu_graph_tensor **out, uint32_t *mask)
{
	const struct npu_graph_tensor *axis;
	int ret = cpu_need_io(p, 2, 2, 1);

	if (ret)
		return ret;
	axis = lower_in(p, 1);
	if (axis && axis->elements == 0 && axis->rank == 1 && !axis->is_variable &&
	    (axis->type == NPU_TYPE_INT32 || axis->type == NPU_TYPE_INT64)) {
		*in = lower_in(p, 0);
		*out = lower_out(p, 0);
		*mask = 0;
		return (*in)->rank > MAX_RANK ?
		       lower_fail(p, "rank %d is not supported", (*in)->rank) : 0;
	}
	return lower_const_axes(p, in, out, mask);
}

/* QuantizedReduceProd's per-multiplication scale (PrepareProd). */
static int prod_scaling(const struct cpu_prep *p, const struct npu_graph_tensor *in,
			const struct npu_graph_tensor *out, size_t n,
			struct reduce_data *s)
{
	const double in_scale = cpu_scale(in), out_scale = cpu_scale(out);
	int ret;

	if (in->type == NPU_TYPE_INT16 && (s->in_zp || s->out_zp))
		return lower_fail(p, "int16 REDUCE_PROD needs zero points 0 (TFLite's check)");
	if (!lower_quantized(out) || !(in_scale > 0) || !(out_scale > 0))
		return lower_fail(p, "quantized REDUCE_PROD needs a quantized output");
	if (!n)
		return 0;
	ret = cpu_quantize_multiplier(p, "input/output^(1/n)",
				      in_scale / pow(out_scale, 1.0 / (double)n),
				      &s->mult, &s->shift);
	if (ret)
		return ret;
	/* Past 14 TFLite's 64-bit rescaling shifts by a negative amount. */
	if (s->shift > 14)
		return lower_fail(p, "REDUCE_PROD scale %g is too large (shift %d)",
				  in_scale / pow(out_scale, 1.0 / (double)n), s->shift);
	return 0;
}

static int reduce_prepare(const struct cpu_prep *p, void **state)
{
	const int32_t b = p->op->builtin;
	const struct npu_graph_tensor *in, *out;
	struct reduce_data *s;
	uint32_t mask;
	size_t step = 1;
	int ret;

	ret = reduce_axes(p, &in, &out, &mask);
	if (ret)
		return ret;
	if (b != NPU_BUILTIN_REDUCE_PROD ? in->type != NPU_TYPE_BOOL : !prod_type(in->type)) {
		cpu_msg(p->err, p->errlen, "%s of %s is not supported", reduce_name(b),
			npu_type_name(in->type));
		return -ENOTSUP;
	}
	if (out->type != in->type)
		return lower_fail(p, "%s output is %s, input %s", reduce_name(b),
				  npu_type_name(out->type), npu_type_name(in->type));
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->builtin = b;
	s->type = in->type;
	s->rank = (uint32_t)in->rank;
	s->count = in->elements;
	for (int d = in->rank - 1; d >= 0; d--) {
		s->idims[d] = in->shape[d];
		if (!(mask & (1u << d))) {
			s->ostride[d] = step;
			step *= (size_t)in->shape[d];
		}
	}
	s->outer_count = step;
	if (out->elements != s->outer_count) {
		free(s);
		return lower_fail(p, "output has %zu elements, expected %zu",
				  out->elements, step);
	}
	/* EvalProd: quantized int8 / int16 rescale, quantized uint8 fails. */
	if (b == NPU_BUILTIN_REDUCE_PROD && lower_quantized(in) &&
	    (in->type == NPU_TYPE_INT8 || in->type == NPU_TYPE_INT16 ||
	     in->type == NPU_TYPE_UINT8)) {
		s->quantized = true;
		s->in_zp = cpu_zero_point(in);
		s->out_zp = cpu_zero_point(out);
		if (in->type == NPU_TYPE_UINT8) {
			cpu_msg(p->err, p->errlen,
				"quantized uint8 REDUCE_PROD has no kernel (TFLite's Eval fails too)");
			ret = -ENOTSUP;
		} else {
			ret = prod_scaling(p, in, out, s->count && s->outer_count ?
					   s->count / s->outer_count : 0, s);
		}
	} else if (lower_quantized(out) &&
		   (in->type == NPU_TYPE_INT8 || in->type == NPU_TYPE_UINT8 ||
		    in->type == NPU_TYPE_INT16)) {
		/* EvalType: input and output quantization must agree. */
		ret = lower_fail(p, "%s REDUCE_PROD: unquantized input, quantized output",
				 npu_type_name(in->type));
	}
	if (ret) {
		free(s);
		return ret;
	}
	*state = s;
	return 0;
}

/* Advances @idx over the input, keeping @o the output offset of it. */
static void reduce_next(const struct reduce_data *s, int32_t *idx, size_t *o)
{
	for (int d = (int)s->rank - 1; d >= 0; d--) {
		if (++idx[d] < s->idims[d]) {
			*o += s->ostride[d];
			return;
		}
		*o -= s->ostride[d] * (size_t)(s->idims[d] - 1);
		idx[d] = 0;
	}
}

/* The quantized product: a first-value flag per output, int32 products. */
static int prod_quantized(const struct reduce_data *s, const struct npu_cpu_kernel_args *a)
{
	const bool i16 = s->type == NPU_TYPE_INT16;
	const int32_t lo = i16 ? INT16_MIN : INT8_MIN, hi = i16 ? INT16_MAX : INT8_MAX;
	int32_t idx[MAX_RANK] = { 0 }, *acc;
	uint8_t *started;
	size_t o = 0;

	if (!s->count)
		return 0;
	acc = calloc(s->outer_count, sizeof(*acc));
	started = calloc(s->outer_count, 1);
	if (!acc || !started) {
		free(acc);
		free(started);
		return -ENOMEM;
	}
	for (size_t i = 0; i < s->count; i++) {
		const int32_t v = (i16 ? ((const int16_t *)a->inputs[0])[i] :
				   ((const int8_t *)a->inputs[0])[i]) - s->in_zp;

		if (started[o])
			acc[o] = npu_fw_mbqm64((int64_t)acc[o] * v, s->mult, s->shift);
		else
			acc[o] = v;
		started[o] = 1;
		reduce_next(s, idx, &o);
	}
	for (o = 0; o < s->outer_count; o++) {
		int32_t r = npu_fw_mbqm64(acc[o], s->mult, s->shift);

		/* TFLite adds the zero point in int32 (wrapping in practice). */
		r = (int32_t)((uint32_t)r + (uint32_t)s->out_zp);
		r = r < lo ? lo : r > hi ? hi : r;
		if (i16)
			((int16_t *)a->outputs[0])[o] = (int16_t)r;
		else
			((int8_t *)a->outputs[0])[o] = (int8_t)r;
	}
	free(acc);
	free(started);
	return 0;
}

/* One fold step of @s->type: *@r = *@r (op) @v. */
static void fold(const struct reduce_data *s, void *out, size_t o, const void *in, size_t i)
{
	switch (s->type) {
	case NPU_TYPE_FLOAT32:
		((float *)out)[o] = ((const float *)in)[i] * ((float *)out)[o];
		break;
	case NPU_TYPE_INT32:
		((int32_t *)out)[o] = (int32_t)((uint32_t)((const int32_t *)in)[i] *
						(uint32_t)((int32_t *)out)[o]);
		break;
	case NPU_TYPE_INT64:
		((int64_t *)out)[o] = (int64_t)((uint64_t)((const int64_t *)in)[i] *
						(uint64_t)((int64_t *)out)[o]);
		break;
	case NPU_TYPE_INT8:
		((int8_t *)out)[o] = (int8_t)(uint8_t)((uint32_t)((const int8_t *)in)[i] *
						       (uint32_t)((int8_t *)out)[o]);
		break;
	case NPU_TYPE_UINT8:
		((uint8_t *)out)[o] = (uint8_t)((uint32_t)((const uint8_t *)in)[i] *
						((uint8_t *)out)[o]);
		break;
	case NPU_TYPE_INT16:
		((int16_t *)out)[o] = (int16_t)(uint16_t)((uint32_t)((const int16_t *)in)[i] *
							  (uint32_t)((int16_t *)out)[o]);
		break;
	default: {	/* bool */
		const bool v = ((const uint8_t *)in)[i] != 0;
		uint8_t *r = &((uint8_t *)out)[o];

		*r = s->builtin == NPU_BUILTIN_REDUCE_ANY ? (v || *r) : (v && *r);
		break;
	}
	}
}

/* The fold's start value: 1 (true) for PROD and ALL, false for ANY. */
static void start(const struct reduce_data *s, void *out, size_t o)
{
	switch (s->type) {
	case NPU_TYPE_FLOAT32:
		((float *)out)[o] = 1.0f;
		break;
	case NPU_TYPE_INT32:
		((int32_t *)out)[o] = 1;
		break;
	case NPU_TYPE_INT64:
		((int64_t *)out)[o] = 1;
		break;
	case NPU_TYPE_INT16:
		((int16_t *)out)[o] = 1;
		break;
	default:	/* int8, uint8, bool */
		((uint8_t *)out)[o] = s->builtin != NPU_BUILTIN_REDUCE_ANY;
		break;
	}
}

static int reduce_invoke(const struct npu_cpu_kernel_args *a, void *state)
{
	const struct reduce_data *s = state;
	int32_t idx[MAX_RANK] = { 0 };
	size_t o = 0;

	if (s->quantized)
		return prod_quantized(s, a);
	for (size_t k = 0; k < s->outer_count; k++)
		start(s, a->outputs[0], k);
	for (size_t i = 0; i < s->count; i++) {
		fold(s, a->outputs[0], o, a->inputs[0], i);
		reduce_next(s, idx, &o);
	}
	return 0;
}

static const struct cpu_kernel kernel = {
	.prepare = reduce_prepare,
	.invoke = reduce_invoke,
};

/* REDUCE_PROD, REDUCE_ANY, REDUCE_ALL: CPU only. */
const struct npu_builtin_impl npu_builtin_reduce_prod_any_all = {
	.cpu_kernel = &kernel,
	.output_shape = lower_shape_reduce,
};
