// SPDX-License-Identifier: MIT
/*
 * SVDF on the CPU (not an NPU op): TFLite Micro's integer SVDF
 * (svdf_common.cc, EvalIntegerSvdfReference) with an int16 or int8
 * activation state, the float SVDF, and the dynamic-range (hybrid) SVDF of
 * TFLite's svdf.cc (EvalHybridSVDF): float input, state, bias and output,
 * int8 (or uint8, read as int8 bytes as svdf.cc does, the zero point
 * ignored) weights_feature and weights_time with one scale each.  The hybrid
 * form quantizes each batch row of the input at run time (symmetric, or
 * asymmetric with asymmetric_quantize_inputs, as the hybrid
 * FULLY_CONNECTED), scales the integer feature products back to float,
 * and runs the time step in float on weights_time dequantized once.
 *
 * Inputs: 0 input [batch, input_size], 1 weights_feature [filters,
 * input_size], 2 weights_time [filters, memory], 3 bias [units] (optional),
 * 4 activation state [batch, memory * filters] (variable, updated here).
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "cpu_internal.h"

struct svdf_state {
	enum npu_type in_type, state_type;
	int batch, input_size, filters, units, rank, memory;
	int activation;
	/* hybrid: pointers into scratch[], past the float scratch */
	bool hybrid, asymmetric;
	float feature_scale, time_scale;
	float *time_f;		/* weights_time * its scale, filters * memory */
	int32_t *row_sums;	/* asymmetric: sum of each weights_feature row */
	float *batch_scale;	/* per batch row: run-time scale * feature scale */
	int32_t *batch_zp;
	int8_t *q;		/* the quantized input */
	int32_t input_zero_point;
	int32_t output_zero_point;
	int32_t state_zero_point;
	int32_t scale_1_a, scale_2_a;
	int scale_1_b, scale_2_b;
	/* batch * (filters + units) int32/float scratch, allocated with us. */
	_Alignas(8) unsigned char scratch[];
};

/*
 * Float activations the SVDF kernels apply (TFLite's
 * ApplyActivationToVector): every one a TFLite file can name.
 */
static bool activation_known(int act)
{
	return act == NPU_ACT_NONE || act == NPU_ACT_RELU ||
	       act == NPU_ACT_RELU_N1_TO_1 || act == NPU_ACT_RELU6 ||
	       act == NPU_ACT_TANH || act == NPU_ACT_SIGN_BIT;
}

/* Hybrid SVDF: the types and constants EvalHybridSVDF takes. */
static int hybrid_check(const struct cpu_prep *p, struct svdf_state *s,
			const struct npu_graph_tensor *wf,
			const struct npu_graph_tensor *wt,
			const struct npu_graph_tensor *bias,
			const struct npu_graph_tensor *st,
			const struct npu_graph_tensor *out)
{
	/* svdf.cc reads uint8 weights as int8 bytes, zero point ignored. */
	if ((wf->type != NPU_TYPE_INT8 && wf->type != NPU_TYPE_UINT8) ||
	    (wt->type != NPU_TYPE_INT8 && wt->type != NPU_TYPE_UINT8)) {
		cpu_msg(p->err, p->errlen,
			"hybrid SVDF with %s weights_feature and %s weights_time is not supported (int8 or uint8 only)",
			npu_type_name(wf->type), npu_type_name(wt->type));
		return -ENOTSUP;
	}
	if (st->type != NPU_TYPE_FLOAT32 || out->type != NPU_TYPE_FLOAT32 ||
	    (bias && bias->type != NPU_TYPE_FLOAT32)) {
		cpu_msg(p->err, p->errlen,
			"hybrid SVDF needs a float state, bias and output");
		return -EINVAL;
	}
	if (!wf->data || !wt->data) {
		cpu_msg(p->err, p->errlen,
			"hybrid SVDF needs constant weights_feature and weights_time");
		return -ENOTSUP;
	}
	/*
	 * Per-channel weights: svdf.cc takes the legacy per-tensor scale,
	 * which TFLite sets to 0 for them (the output is the activation of
	 * the bias alone); not reproduced, refused by name.
	 */
	if (wf->quant.count != 1 || wt->quant.count != 1) {
		cpu_msg(p->err, p->errlen,
			"hybrid SVDF needs one scale per weight tensor (has %u and %u; TFLite's kernel reads a per-channel tensor's scale as 0)",
			wf->quant.count, wt->quant.count);
		return wf->quant.count && wt->quant.count ? -ENOTSUP : -EINVAL;
	}
	if (!activation_known(s->activation)) {
		cpu_msg(p->err, p->errlen,
			"hybrid SVDF with fused activation %d is not supported",
			s->activation);
		return -ENOTSUP;
	}
	s->hybrid = true;
	s->time_scale = cpu_scale(wt);
	s->asymmetric = p->op->options.svdf.asymmetric_quantize_inputs != 0;
	s->feature_scale = cpu_scale(wf);
	return 0;
}

/* Bytes of the hybrid tables and scratch, laid out by hybrid_setup(). */
static size_t hybrid_bytes(const struct svdf_state *s)
{
	const size_t b = (size_t)s->batch, f = (size_t)s->filters;

	return 4 * (f * (size_t)s->memory + f + 2 * b) +
	       b * (size_t)s->input_size;
}

static void hybrid_setup(struct svdf_state *s, unsigned char *mem,
			 const int8_t *wf, const int8_t *wt)
{
	const size_t f = (size_t)s->filters, n = f * (size_t)s->memory;
	const float wt_scale = s->time_scale;

	s->time_f = (float *)mem;
	s->row_sums = (int32_t *)(s->time_f + n);
	s->batch_scale = (float *)(s->row_sums + f);
	s->batch_zp = (int32_t *)(s->batch_scale + s->batch);
	s->q = (int8_t *)(s->batch_zp + s->batch);
	/* Dequantized once, as svdf.cc does on the first Eval. */
	for (size_t i = 0; i < n; i++)
		s->time_f[i] = (float)wt[i] * wt_scale;
	/* Only the asymmetric form subtracts them; they wrap like TFLite's. */
	for (size_t r = 0; r < f; r++) {
		uint32_t sum = 0;

		for (int c = 0; c < s->input_size; c++)
			sum += (uint32_t)(int32_t)wf[r * (size_t)s->input_size + c];
		s->row_sums[r] = (int32_t)sum;
	}
}

static int svdf_prepare(const struct cpu_prep *p, void **state)
{
	const struct npu_graph_tensor *in, *wf, *wt, *bias, *st, *out;
	struct svdf_state *s;
	int rank, ret;

	/* Five inputs, the bias (input 3) optional: checked below. */
	ret = cpu_need_io(p, 3, 5, 1);
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
	    (int64_t)st->shape[1] != (int64_t)s->memory * s->filters) {
		cpu_msg(p->err, p->errlen, "tensor shapes are inconsistent");
		goto inval;
	}
	/* The newest sample goes in column memory - 1 (TFLite's too). */
	if (s->memory < 1) {
		cpu_msg(p->err, p->errlen, "weights_time has a memory of 0");
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
		/*
		 * Each scale below is a tensor's own (svdf.cc refuses the model
		 * when one has none); cpu_scale()'s 1.0 would be a silent guess.
		 */
		if (!in->quant.count || !wf->quant.count || !wt->quant.count ||
		    !st->quant.count || !out->quant.count) {
			cpu_msg(p->err, p->errlen,
				"int8 SVDF needs quantized input, weights, state and output (%s has no scale)",
				!in->quant.count ? "input" : !wf->quant.count ? "weights_feature" :
				!wt->quant.count ? "weights_time" : !st->quant.count ? "state" :
				"output");
			goto inval;
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
	} else if (in->type == NPU_TYPE_FLOAT32 && wf->type != NPU_TYPE_FLOAT32) {
		ret = hybrid_check(p, s, wf, wt, bias, st, out);
		if (ret) {
			free(s);
			return ret;
		}
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
		if (!activation_known(s->activation)) {
			cpu_msg(p->err, p->errlen,
				"float SVDF with fused activation %d is not supported",
				s->activation);
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
		const size_t extra = s->hybrid ? hybrid_bytes(s) : 0;
		struct svdf_state *big = realloc(s, sizeof(*s) + scratch + extra);

		if (!big) {
			free(s);
			return -ENOMEM;
		}
		if (big->hybrid)
			hybrid_setup(big, big->scratch + scratch, wf->data, wt->data);
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

/*
 * ApplyActivationToVector over the whole output (batch * units, from the
 * start of TFLite's aligned buffer): tanh is Eigen's, SIGN_BIT is
 * std::signbit as 0 or 1.
 */
static void activation_float(int act, float *v, int n)
{
	if (act == NPU_ACT_TANH) {
		cpu_eigen_activation(v, n, true, 0);
		return;
	}
	for (int i = 0; i < n; i++) {
		const float x = v[i];

		switch (act) {
		case NPU_ACT_RELU:
			v[i] = x < 0.0f ? 0.0f : x;
			break;
		case NPU_ACT_RELU_N1_TO_1:
			v[i] = x < -1.0f ? -1.0f : x > 1.0f ? 1.0f : x;
			break;
		case NPU_ACT_RELU6:
			v[i] = x < 0.0f ? 0.0f : x > 6.0f ? 6.0f : x;
			break;
		case NPU_ACT_SIGN_BIT:
			v[i] = signbit(x) ? 1.0f : 0.0f;
			break;
		default:
			break;
		}
	}
}

/*
 * TFLite's float dot product and sum in its x86 build (the NEON kernels of
 * tensor_utils through NEON_2_SSE, measured): four lanes over the whole
 * vectors of 4, the lanes summed in order, then the rest added one by
 * one.  @b NULL: the sum of @a.
 */
static float dot_f32(const float *a, const float *b, int n)
{
	float lane[4] = { 0.0f, 0.0f, 0.0f, 0.0f }, r;
	int i = 0;

	for (; i + 4 <= n; i += 4)
		for (int l = 0; l < 4; l++)
			lane[l] += b ? a[i + l] * b[i + l] : a[i + l];
	r = lane[0] + lane[1] + lane[2] + lane[3];
	for (; i < n; i++)
		r += b ? a[i] * b[i] : a[i];
	return r;
}

/*
 * The float time step (ApplyTimeWeightsBiasAndActivation): each filter's
 * memory dotted with its time weights, the rank's filters of a unit summed
 * from zero, then the bias added and the activation applied: TFLite's
 * order of float operations.
 */
static void time_step(struct svdf_state *s, const float *weights_time,
		      const float *st, const float *bias, float *output)
{
	float *scratch = (float *)s->scratch;

	for (int b = 0; b < s->batch; b++) {
		for (int i = 0; i < s->filters; i++) {
			const float *m = st + ((size_t)b * s->filters + i) *
					 s->memory;

			scratch[(size_t)b * s->filters + i] =
				dot_f32(weights_time + (size_t)i * s->memory,
					m, s->memory);
		}
	}
	for (int b = 0; b < s->batch; b++) {
		for (int i = 0; i < s->units; i++) {
			float acc = dot_f32(scratch + (size_t)b * s->filters +
					    (size_t)i * s->rank, NULL, s->rank);

			if (bias)
				acc += bias[i];
			output[(size_t)b * s->units + i] = acc;
		}
	}
	activation_float(s->activation, output, s->batch * s->units);
}

/* Shift each filter's memory left by one: the oldest sample drops out. */
static void shift_state(const struct svdf_state *s, float *st)
{
	const size_t state_len = (size_t)s->batch * s->filters * s->memory;

	if (state_len > 1)
		memmove(st, st + 1, (state_len - 1) * sizeof(float));
}

static int svdf_float(struct svdf_state *s,
		      const struct npu_cpu_kernel_args *a)
{
	const float *input = a->inputs[0];
	const float *weights_feature = a->inputs[1];
	float *st = a->inputs[4];

	shift_state(s, st);
	for (int b = 0; b < s->batch; b++) {
		for (int r = 0; r < s->filters; r++) {
			st[((size_t)b * s->filters + r) * s->memory +
			   s->memory - 1] =
				dot_f32(weights_feature + (size_t)r * s->input_size,
					input + (size_t)b * s->input_size,
					s->input_size);
		}
	}
	time_step(s, a->inputs[2], st, a->inputs[3], a->outputs[0]);
	return 0;
}

/*
 * EvalHybridSVDF: an all-zero input leaves the newest column zero (TFLite
 * skips the product); otherwise each batch row is quantized, and each
 * filter's integer dot product, less row_sum * zero point when
 * asymmetric, is scaled by the row's scale times the feature scale.
 */
static int svdf_hybrid(struct svdf_state *s,
		       const struct npu_cpu_kernel_args *a)
{
	const float *input = a->inputs[0];
	const int8_t *weights_feature = a->inputs[1];
	float *st = a->inputs[4];
	const size_t n = (size_t)s->input_size;
	bool zero = true;

	shift_state(s, st);
	for (size_t i = 0; i < (size_t)s->batch * n && zero; i++)
		zero = input[i] == 0.0f;
	for (int b = 0; b < s->batch; b++) {
		const int8_t *q = s->q + (size_t)b * n;

		if (!zero) {
			if (s->asymmetric) {
				cpu_quantize_asymmetric(input + b * n, n, s->q + b * n,
							&s->batch_scale[b], &s->batch_zp[b]);
			} else {
				cpu_quantize_symmetric(input + b * n, n, s->q + b * n,
						       &s->batch_scale[b]);
				s->batch_zp[b] = 0;
			}
			s->batch_scale[b] *= s->feature_scale;
		}
		for (int r = 0; r < s->filters; r++) {
			const int8_t *w = weights_feature + (size_t)r * n;
			uint32_t dot = 0;
			float v = 0.0f;

			if (!zero) {
				for (size_t c = 0; c < n; c++)
					dot += (uint32_t)((int32_t)w[c] * q[c]);
				if (s->asymmetric)
					dot -= (uint32_t)s->row_sums[r] *
					       (uint32_t)s->batch_zp[b];
				v += (float)(int32_t)dot * s->batch_scale[b];
			}
			st[((size_t)b * s->filters + r) * s->memory +
			   s->memory - 1] = v;
		}
	}
	time_step(s, s->time_f, st, a->inputs[3], a->outputs[0]);
	return 0;
}

static int svdf_invoke(const struct npu_cpu_kernel_args *a, void *state)
{
	struct svdf_state *s = state;

	if (s->hybrid)
		return svdf_hybrid(s, a);
	if (s->in_type == NPU_TYPE_FLOAT32)
		return svdf_float(s, a);
	return svdf_int(s, a);
}

const struct cpu_kernel cpu_kernel_svdf = {
	.prepare = svdf_prepare,
	.invoke = svdf_invoke,
};
