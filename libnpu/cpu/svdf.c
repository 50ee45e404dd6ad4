// SPDX-License-Identifier: MIT
/*
 * SVDF on the CPU (not an NPU op): TFLite Micro's integer SVDF
 * (svdf_common.cc, EvalIntegerSvdfReference) with an int16 or int8
 * activation state, and the float SVDF.
 *
 * Inputs: 0 input [batch, input_size], 1 weights_feature [filters,
 * input_size], 2 weights_time [filters, memory], 3 bias [units] (optional),
 * 4 activation state [batch, memory * filters] (variable, updated here).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cpu_internal.h"

struct svdf_state {
	enum npu_type in_type, state_type;
	int batch, input_size, filters, units, rank, memory;
	int activation;
	int32_t input_zero_point;
	int32_t output_zero_point;
	int32_t state_zero_point;
	int32_t scale_1_a, scale_2_a;
	int scale_1_b, scale_2_b;
	/* batch * (filters + units) int32/float scratch, allocated with us. */
	_Alignas(8) unsigned char scratch[];
};

static int svdf_prepare(const struct cpu_prep *p, void **state)
{
	const struct npu_graph_tensor *in, *wf, *wt, *bias, *st, *out;
	struct svdf_state *s;
	int rank, ret;

	ret = cpu_need_io(p, 5, 5, 1);
	if (ret)
		return ret;
	in = cpu_in(p->g, p->op, 0);
	wf = cpu_in(p->g, p->op, 1);
	wt = cpu_in(p->g, p->op, 2);
	bias = cpu_in(p->g, p->op, 3);
	st = cpu_in(p->g, p->op, 4);
	out = cpu_out(p->g, p->op, 0);
	if (!in || !wf || !wt || !st) {
		cpu_msg(p->err, p->errlen,
			"inputs 0, 1, 2 and 4 are required");
		return -EINVAL;
	}
	rank = p->op->options_kind == NPU_OPTS_SVDF ? p->op->options.svdf.rank : 0;
	if (in->rank != 2 || wf->rank != 2 || wt->rank != 2 || st->rank != 2 ||
	    out->rank != 2 || rank <= 0 || wf->shape[0] % rank) {
		cpu_msg(p->err, p->errlen,
			"needs 2-D tensors and a rank dividing the filter count");
		return -EINVAL;
	}
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->rank = rank;
	s->batch = in->shape[0];
	s->input_size = in->shape[1];
	s->filters = wf->shape[0];
	s->units = s->filters / rank;
	s->memory = wt->shape[1];
	s->activation = p->op->options.svdf.activation;
	s->in_type = in->type;
	s->state_type = st->type;
	if (out->shape[0] != s->batch || out->shape[1] != s->units ||
	    wf->shape[1] != s->input_size || wt->shape[0] != s->filters ||
	    (bias && (bias->rank < 1 || bias->shape[0] != s->units)) ||
	    st->shape[0] != s->batch ||
	    st->shape[1] != s->memory * s->filters) {
		cpu_msg(p->err, p->errlen, "tensor shapes are inconsistent");
		goto inval;
	}
	if (!st->is_variable) {
		cpu_msg(p->err, p->errlen,
			"activation state (input 4) must be a variable tensor");
		goto inval;
	}

	if (in->type == NPU_TYPE_INT8) {
		float es1, es2;

		if (wf->type != NPU_TYPE_INT8 ||
		    (wt->type != NPU_TYPE_INT16 && wt->type != NPU_TYPE_INT8) ||
		    wt->type != st->type ||
		    (bias && bias->type != NPU_TYPE_INT32) ||
		    out->type != NPU_TYPE_INT8) {
			cpu_msg(p->err, p->errlen,
				"int8 SVDF needs int8 weights_feature, int16/int8 weights_time and state, int32 bias, int8 output");
			free(s);
			return -ENOTSUP;
		}
		/* TFLM computes both effective scales in float. */
		es1 = cpu_scale(in) * cpu_scale(wf) / cpu_scale(st);
		es2 = cpu_scale(st) * cpu_scale(wt) / cpu_scale(out);
		if (cpu_quantize_multiplier(p, "input*weights_feature/state",
					    (double)es1, &s->scale_1_a,
					    &s->scale_1_b) ||
		    cpu_quantize_multiplier(p, "state*weights_time/output",
					    (double)es2, &s->scale_2_a,
					    &s->scale_2_b))
			goto inval;
		s->input_zero_point = cpu_zero_point(in);
		s->output_zero_point = cpu_zero_point(out);
		s->state_zero_point = cpu_zero_point(st);
	} else if (in->type == NPU_TYPE_FLOAT32) {
		if (wf->type != NPU_TYPE_FLOAT32 ||
		    wt->type != NPU_TYPE_FLOAT32 ||
		    st->type != NPU_TYPE_FLOAT32 ||
		    (bias && bias->type != NPU_TYPE_FLOAT32) ||
		    out->type != NPU_TYPE_FLOAT32) {
			cpu_msg(p->err, p->errlen,
				"float SVDF needs float tensors throughout");
			free(s);
			return -ENOTSUP;
		}
	} else {
		cpu_msg(p->err, p->errlen, "%s input is not supported",
			npu_type_name(in->type));
		free(s);
		return -ENOTSUP;
	}
	{
		const size_t scratch = 4 * (size_t)s->batch *
				       ((size_t)s->filters + s->units);
		struct svdf_state *big = realloc(s, sizeof(*s) + scratch);

		if (!big) {
			free(s);
			return -ENOMEM;
		}
		*state = big;
	}
	return 0;
inval:
	free(s);
	return -EINVAL;
}

/*
 * TFLite accumulates in int32 and relies on two's-complement wrap-around;
 * do the same without undefined behaviour (hostile models can overflow).
 */
static int32_t wrap_add(int32_t acc, int64_t v)
{
	return (int32_t)((uint32_t)acc + (uint32_t)(uint64_t)v);
}

static int32_t clamp64(int64_t v, int32_t lo, int32_t hi)
{
	return v < lo ? lo : v > hi ? hi : (int32_t)v;
}

static int32_t state_get(const void *st, bool wide, size_t i)
{
	return wide ? ((const int16_t *)st)[i] : ((const int8_t *)st)[i];
}

static void state_put(void *st, bool wide, size_t i, int32_t v)
{
	if (wide)
		((int16_t *)st)[i] = (int16_t)v;
	else
		((int8_t *)st)[i] = (int8_t)v;
}

static int svdf_int(struct svdf_state *s,
		    const struct npu_cpu_kernel_args *a)
{
	const bool wide = s->state_type == NPU_TYPE_INT16;
	const size_t esize = wide ? 2 : 1;
	const int8_t *input = a->inputs[0];
	const int8_t *weights_feature = a->inputs[1];
	const void *weights_time = a->inputs[2];
	const int32_t *bias = a->inputs[3];
	void *st = a->inputs[4];
	int8_t *output = a->outputs[0];
	const int32_t state_min = wide ? INT16_MIN : INT8_MIN;
	const int32_t state_max = wide ? INT16_MAX : INT8_MAX;
	const size_t state_len = (size_t)s->batch * s->filters * s->memory;
	int32_t *scratch = (int32_t *)s->scratch;
	int32_t *scratch_out = scratch + (size_t)s->batch * s->filters;

	/* Shift the state left by one: the oldest sample drops out. */
	if (state_len > 1)
		memmove(st, (char *)st + esize, (state_len - 1) * esize);

	/* Feature matmul into the newest column of the state. */
	for (int b = 0; b < s->batch; b++) {
		for (int r = 0; r < s->filters; r++) {
			const int8_t *w = weights_feature +
					  (size_t)r * s->input_size;
			const int8_t *x = input + (size_t)b * s->input_size;
			int32_t dot = 0;

			for (int c = 0; c < s->input_size; c++)
				dot = wrap_add(dot, (int64_t)w[c] *
					       ((int64_t)x[c] - s->input_zero_point));
			dot = cpu_mbqm(dot, s->scale_1_a, s->scale_1_b);
			/* The zero point goes in before the clamp (TFLM). */
			dot = clamp64((int64_t)dot + s->state_zero_point,
				      state_min, state_max);
			state_put(st, wide,
				  ((size_t)b * s->filters + r) * s->memory +
				  s->memory - 1, dot);
		}
	}

	/* Time: dot product of each filter's memory with weights_time. */
	for (int b = 0; b < s->batch; b++) {
		for (int i = 0; i < s->filters; i++) {
			const size_t wbase = (size_t)i * s->memory;
			const size_t sbase = ((size_t)b * s->filters + i) *
					     s->memory;
			int32_t acc = 0;

			for (int j = 0; j < s->memory; j++)
				acc = wrap_add(acc,
					(int64_t)state_get(weights_time, wide,
							   wbase + j) *
					((int64_t)state_get(st, wide, sbase + j) -
					 s->state_zero_point));
			scratch[(size_t)b * s->filters + i] = acc;
		}
	}

	/* Bias, reduce over rank, rescale. */
	for (int b = 0; b < s->batch; b++) {
		for (int i = 0; i < s->units; i++) {
			int32_t acc = bias ? bias[i] : 0;

			for (int k = 0; k < s->rank; k++)
				acc = wrap_add(acc, scratch[(size_t)b * s->filters +
							    (size_t)i * s->rank + k]);
			scratch_out[(size_t)b * s->units + i] = acc;
		}
	}
	for (size_t i = 0; i < (size_t)s->batch * s->units; i++) {
		const int64_t v = (int64_t)cpu_mbqm(scratch_out[i], s->scale_2_a,
						    s->scale_2_b) +
				  s->output_zero_point;

		output[i] = (int8_t)clamp64(v, INT8_MIN, INT8_MAX);
	}
	return 0;
}

static float activation_float(int act, float x)
{
	switch (act) {
	case NPU_ACT_RELU:
		return x < 0.0f ? 0.0f : x;
	case NPU_ACT_RELU_N1_TO_1:
		return x < -1.0f ? -1.0f : x > 1.0f ? 1.0f : x;
	case NPU_ACT_RELU6:
		return x < 0.0f ? 0.0f : x > 6.0f ? 6.0f : x;
	default:
		return x;
	}
}

static int svdf_float(struct svdf_state *s,
		      const struct npu_cpu_kernel_args *a)
{
	const float *input = a->inputs[0];
	const float *weights_feature = a->inputs[1];
	const float *weights_time = a->inputs[2];
	const float *bias = a->inputs[3];
	float *st = a->inputs[4];
	float *output = a->outputs[0];
	const size_t state_len = (size_t)s->batch * s->filters * s->memory;
	float *scratch = (float *)s->scratch;

	if (state_len > 1)
		memmove(st, st + 1, (state_len - 1) * sizeof(float));
	for (int b = 0; b < s->batch; b++) {
		for (int r = 0; r < s->filters; r++) {
			const float *w = weights_feature +
					 (size_t)r * s->input_size;
			const float *x = input + (size_t)b * s->input_size;
			float dot = 0.0f;

			for (int c = 0; c < s->input_size; c++)
				dot += w[c] * x[c];
			st[((size_t)b * s->filters + r) * s->memory +
			   s->memory - 1] = dot;
		}
	}
	for (int b = 0; b < s->batch; b++) {
		for (int i = 0; i < s->filters; i++) {
			const float *w = weights_time + (size_t)i * s->memory;
			const float *m = st + ((size_t)b * s->filters + i) *
					 s->memory;
			float acc = 0.0f;

			for (int j = 0; j < s->memory; j++)
				acc += w[j] * m[j];
			scratch[(size_t)b * s->filters + i] = acc;
		}
	}
	for (int b = 0; b < s->batch; b++) {
		for (int i = 0; i < s->units; i++) {
			float acc = bias ? bias[i] : 0.0f;

			for (int k = 0; k < s->rank; k++)
				acc += scratch[(size_t)b * s->filters +
					       (size_t)i * s->rank + k];
			output[(size_t)b * s->units + i] =
				activation_float(s->activation, acc);
		}
	}
	return 0;
}

static int svdf_invoke(const struct npu_cpu_kernel_args *a, void *state)
{
	struct svdf_state *s = state;

	if (s->in_type == NPU_TYPE_FLOAT32)
		return svdf_float(s, a);
	return svdf_int(s, a);
}

const struct cpu_kernel cpu_kernel_svdf = {
	.prepare = svdf_prepare,
	.invoke = svdf_invoke,
};
