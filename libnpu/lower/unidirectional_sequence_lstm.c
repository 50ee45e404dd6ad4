// SPDX-License-Identifier: MIT
/*
 * UNIDIRECTIONAL_SEQUENCE_LSTM and LSTM (its full kernel: one time step of
 * the same cell, [batch, n] tensors) on the CPU (not an NPU op).
 *
 * int8: TFLite's fully integer LSTM, the "8x8_16" recipe (lstm_eval.cc
 * EvalInteger8x8_16 with the parameters of PopulateQuantizedLstmParams8x8_16
 * and the zero-point-folded biases of its Prepare): int8 input, weights and
 * output state, int16 cell state with a power-of-two scale, int16 gates in
 * Q3.12 (or the scales of the intermediate tensors with layer norm), int32
 * biases, and the hidden state's scale and zero point taken from the fifth
 * intermediate tensor.  The tensor_utils primitives are those the reference
 * interpreter's x86 build runs (its NEON code, whose integer arithmetic is
 * the portable code's; Sub1Vector is an XOR with 32767 there).
 *
 * float32: lstm_eval.cc EvalFloat (bias, then W_x x + W_h h, peepholes, cell
 * update, clip, output gate, projection).  TFLite sums the matrix products
 * with its GEMM library, in another order: outputs agree within rounding.
 *
 * Hybrid (dynamic range: float input and states, int8 weights, peepholes
 * and projection with one scale each, float biases): lstm_eval.cc
 * EvalHybrid, byte-identical.  Each step quantizes the input and the
 * output state per batch row (symmetric, or asymmetric with
 * asymmetric_quantize_inputs, as the hybrid FULLY_CONNECTED does; an
 * all-zero vector is skipped), the gates are bias + (float)(W q - row_sum *
 * zp) * (row_scale * weight_scale) per product, peepholes (w * scale) * c,
 * then Eigen's logistic / tanh; the hidden state o * act(c) is quantized
 * again for the projection.
 *
 * Inputs (TFLite's numbering): 0 input, 1-4 input-to-{input, forget, cell,
 * output} weights, 5-8 recurrent-to-{...} weights, 9-11 peepholes
 * (cell-to-{input, forget, output}), 12-15 gate biases, 16 projection
 * weights, 17 projection bias, 18 output state and 19 cell state (variable
 * tensors, updated here), 20-23 layer-norm coefficients (24 inputs only).
 * Integer layer norm: the gate's products on the scale of its intermediate
 * tensor (0-3), the gate bias added inside tensor_utils::ApplyLayerNorm
 * instead of to the products.
 * Not supported: layer norm in the float and hybrid paths, the 8x8_8
 * recipe (12 intermediates), per-channel hybrid weights, sparse weights.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lower.h"
#include "recurrent.h"
#include "lstm_fixedpoint.h"

enum {
	IN_INPUT = 0,
	IN_W_INPUT = 1,		/* + gate */
	IN_W_RECURRENT = 5,	/* + gate */
	IN_PEEPHOLE_INPUT = 9,
	IN_PEEPHOLE_FORGET = 10,
	IN_PEEPHOLE_OUTPUT = 11,
	IN_BIAS = 12,		/* + gate */
	IN_PROJECTION = 16,
	IN_PROJECTION_BIAS = 17,
	IN_OUTPUT_STATE = 18,
	IN_CELL_STATE = 19,
	IN_LAYER_NORM = 20,	/* + gate */
};

enum { GATE_INPUT, GATE_FORGET, GATE_CELL, GATE_OUTPUT, GATES };

/* The peephole weights of each gate (the cell gate has none). */
static const uint32_t peephole_input[] = {
	IN_PEEPHOLE_INPUT, IN_PEEPHOLE_FORGET, 0, IN_PEEPHOLE_OUTPUT,
};

struct lstm_int_gate {
	int32_t in_a, rec_a, cell_a;	/* effective scales: multiplier, shift */
	int in_b, rec_b, cell_b;
	int32_t *in_bias, *rec_bias;	/* zero points folded in, n_cell each */
	const int8_t *w_in, *w_rec;
	const int16_t *peephole;	/* NULL: none */
	/* layer norm: coefficients (NULL: none), the gate bias, the scale */
	const int16_t *ln_w;
	const int32_t *ln_bias;
	int32_t ln_a, ln_guard;
	int ln_b;
};

struct lstm_state {
	bool integer;
	bool cifg, peephole, projection, time_major;
	int n_batch, max_time, n_input, n_cell, n_output;
	int activation;
	float cell_clip, proj_clip;
	/* integer path */
	struct lstm_int_gate gate[GATES];
	int cell_scale;			/* log2 of the cell state's scale */
	int16_t q_cell_clip;
	int8_t q_proj_clip;
	int32_t hidden_a, proj_a;
	int hidden_b, proj_b;
	int32_t hidden_zp, output_state_zp;
	int32_t *proj_bias;		/* n_output, zero points folded in */
	const int8_t *w_proj;
	/* hybrid path: float activations, int8 weights with one scale each */
	bool hybrid, asymmetric;
	float w_in_scale[GATES], w_rec_scale[GATES], proj_scale;
	float *peep_f[GATES];		/* the int8 peepholes times their scale */
	int32_t *row_in[GATES], *row_rec[GATES], *row_proj; /* asymmetric */
	int8_t *hq;			/* quantized input, state, hidden */
	float *hsf;			/* per batch: their scales */
	int32_t *hzp;			/* and zero points */
	/* scratch: 4 gates (int16 or float), hidden (int8 or float) */
	void *scratch;
	/*
	 * The output's rows are out_stride elements apart, this op's part at
	 * out_offset (BIDIRECTIONAL_SEQUENCE_LSTM's merged output), staged in
	 * ostage when a time-major step's rows are not contiguous.
	 */
	int out_stride, out_offset;
	void *ostage;
};

void npu_lstm_release(void *state)
{
	struct lstm_state *s = state;

	if (!s)
		return;
	for (int g = 0; g < GATES; g++) {
		free(s->gate[g].in_bias);
		free(s->gate[g].rec_bias);
		free(s->peep_f[g]);
		free(s->row_in[g]);
		free(s->row_rec[g]);
	}
	free(s->row_proj);
	free(s->hq);
	free(s->hsf);
	free(s->hzp);
	free(s->proj_bias);
	free(s->scratch);
	free(s->ostage);
	free(s);
}

/* ---- integer 8x8_16 ---- */

/* TFLite's CheckedLog2(): a power of two within 1e-3 of its log. */
static bool checked_log2(float x, int *log2)
{
	const float l = logf(x) * (1.0f / logf(2.0f));
	const float r = roundf(l);

	*log2 = (int)r;
	return fabsf(l - r) < 1e-3f;
}

/*
 * Bias with the zero point folded in, as PrecomputeZeroPointTimesWeightWithBias:
 * bias[r] + zp * sum(w[r][*]) (int32, wrapping as TFLite's does not overflow
 * in practice).
 */
static int32_t *fold_zero_point(const int8_t *w, int rows, int cols, int32_t zp,
				const int32_t *bias)
{
	int32_t *out = malloc((size_t)rows * sizeof(*out));

	if (!out)
		return NULL;
	for (int r = 0; r < rows; r++) {
		int32_t sum = 0;

		for (int c = 0; c < cols; c++)
			sum += w[(size_t)r * cols + c];
		out[r] = (int32_t)((uint32_t)(bias ? bias[r] : 0) +
				   (uint32_t)sum * (uint32_t)zp);
	}
	return out;
}

/*
 * bias + dot(row, v): the int32 sums of TFLite's integer matrix products,
 * wrapping as they do (a hostile model can overflow them).
 */
static int32_t row_dot(const int8_t *row, const int8_t *v, int n, int32_t bias)
{
	uint32_t acc = (uint32_t)bias;

	for (int c = 0; c < n; c++)
		acc += (uint32_t)(row[c] * v[c]);
	return (int32_t)acc;
}

static int32_t clamp(int32_t v, int32_t lo, int32_t hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

/*
 * tensor_utils::MatrixBatchVectorMultiplyAccumulate (int8 x int8 -> int16
 * or int8 with int32 bias): out = sat(out + MBQM(bias + W x) + zp).
 */
static void mat_vec_acc_s16(const int8_t *x, const int32_t *bias, const int8_t *w,
			    int32_t mult, int shift, int n_batch, int n_in,
			    int n_out, int16_t *out)
{
	for (int b = 0; b < n_batch; b++)
		for (int r = 0; r < n_out; r++)
			out[b * n_out + r] = (int16_t)clamp(
				cpu_mbqm(row_dot(w + (size_t)r * n_in, x + (size_t)b * n_in,
						 n_in, bias[r]), mult, shift) + out[b * n_out + r],
				INT16_MIN, INT16_MAX);
}

static void mat_vec_acc_s8(const int8_t *x, const int32_t *bias, const int8_t *w,
			   int32_t mult, int shift, int n_batch, int n_in, int n_out,
			   int32_t zp, int8_t *out)
{
	for (int b = 0; b < n_batch; b++)
		for (int r = 0; r < n_out; r++)
			out[b * n_out + r] = (int8_t)clamp(
				cpu_mbqm(row_dot(w + (size_t)r * n_in, x + (size_t)b * n_in,
						 n_in, bias[r]), mult, shift) + zp + out[b * n_out + r],
				INT8_MIN, INT8_MAX);
}

/*
 * tensor_utils::ApplyLayerNorm as the reference interpreter's x86 build
 * runs it (the NEON code through NEON_2_SSE): mean and variance in
 * integers, the sums of four squares narrowed to int32 as its lane
 * reduction does, blocks of 16 rounded with a 64-bit rounding shift, the
 * rest with the scalar code's int32 product and division.
 */
static void layer_norm(const struct lstm_int_gate *g, int n_batch, int n, int16_t *gate)
{
	for (int b = 0; b < n_batch; b++, gate += n) {
		int64_t sum = 0, sum_sq = 0, variance;
		int32_t mean, var2, inv_a;
		int inv_b, j = 0;

		for (; j < n / 8 * 8; j += 8) {
			for (int h = 0; h < 8; h += 4) {
				int64_t sq = 0;

				for (int l = 0; l < 4; l++) {
					sum += gate[j + h + l];
					sq += (int32_t)gate[j + h + l] * gate[j + h + l];
				}
				sum_sq += (int32_t)(uint32_t)(uint64_t)sq;
			}
		}
		for (; j < n; j++) {
			sum += gate[j];
			sum_sq += (int32_t)gate[j] * gate[j];
		}
		mean = (int32_t)(sum * 1024 / n);
		variance = sum_sq * (1048576 / n) - (int64_t)mean * mean;
		var2 = (int32_t)(variance / 1048576);
		if (var2 < 1)
			var2 = g->ln_guard;
		npu_host_inv_sqrt_multiplier(var2, &inv_a, &inv_b);
		for (j = 0; j < n / 16 * 16; j++) {
			const int32_t r = cpu_mbqm((int32_t)((uint32_t)gate[j] << 10) - mean,
						   inv_a, inv_b);
			const int64_t v3 = (int64_t)g->ln_bias[j] + (int64_t)r * g->ln_w[j];
			const int32_t v4 = (int32_t)(uint32_t)(uint64_t)((v3 + 512) >> 10);

			gate[j] = (int16_t)clamp(cpu_mbqm(v4, g->ln_a, g->ln_b + 12),
						 INT16_MIN, INT16_MAX);
		}
		for (; j < n; j++) {
			const int32_t r = cpu_mbqm(1024 * (int32_t)gate[j] - mean, inv_a, inv_b);
			const int64_t v3 = (int32_t)((uint32_t)r * (uint32_t)(int32_t)g->ln_w[j] +
						     (uint32_t)g->ln_bias[j]);
			const int32_t v4 = (int32_t)((v3 > 0 ? v3 + 512 : v3 - 512) / 1024);

			gate[j] = (int16_t)clamp(cpu_mbqm(v4, g->ln_a, g->ln_b + 12),
						 INT16_MIN, INT16_MAX);
		}
	}
}

/* CalculateLstmGateInteger8x8_16. */
static void int_gate(const struct lstm_state *s, const struct lstm_int_gate *g,
		     int n_batch, const int8_t *x, const int8_t *h, const int16_t *c,
		     bool tanh_gate, int16_t *gate)
{
	const int n = n_batch * s->n_cell;

	memset(gate, 0, (size_t)n * sizeof(*gate));
	mat_vec_acc_s16(x, g->in_bias, g->w_in, g->in_a, g->in_b, n_batch,
			s->n_input, s->n_cell, gate);
	mat_vec_acc_s16(h, g->rec_bias, g->w_rec, g->rec_a, g->rec_b, n_batch,
			s->n_output, s->n_cell, gate);
	if (g->peephole) {
		/* TFLite passes n_output as the vector length here. */
		const int16_t *cv = c;
		int16_t *gv = gate;

		for (int b = 0; b < n_batch; b++) {
			for (int v = 0; v < s->n_output; v++) {
				int32_t p = cpu_mbqm((int32_t)g->peephole[v] * *cv++,
						     g->cell_a, g->cell_b) + *gv;

				*gv++ = (int16_t)clamp(p, INT16_MIN, INT16_MAX);
			}
		}
	}
	if (g->ln_w)
		layer_norm(g, n_batch, s->n_cell, gate);
	for (int i = 0; i < n; i++)
		gate[i] = tanh_gate ? q16_tanh(gate[i], 3) : q16_logistic(gate[i], 3);
}

/* gemmlowp RoundingDivideByPOT of an int32, narrowed like TFLite's CwiseMul. */
static int16_t mul_shift(int16_t a, int16_t b, int shift)
{
	return (int16_t)(uint16_t)(uint32_t)cpu_rounding_divide_by_pot((int32_t)a * b, shift);
}

/* LstmStepInteger8x8_16 on @n_batch rows of contiguous state. */
static void int_step(struct lstm_state *s, int n_batch, const int8_t *x,
		     int8_t *h, int16_t *c, int8_t *out)
{
	const int n = n_batch * s->n_cell;
	int16_t *ig = s->scratch, *fg = ig + n, *cg = fg + n, *og = cg + n;
	int8_t *hidden = (int8_t *)(og + n);

	if (!s->cifg)
		int_gate(s, &s->gate[GATE_INPUT], n_batch, x, h, c, false, ig);
	int_gate(s, &s->gate[GATE_FORGET], n_batch, x, h, c, false, fg);
	int_gate(s, &s->gate[GATE_CELL], n_batch, x, h, c, true, cg);

	/* UpdateLstmCellInteger */
	for (int i = 0; i < n; i++) {
		const int16_t in = s->cifg ? (int16_t)(INT16_MAX ^ fg[i]) : ig[i];
		const int16_t kept = mul_shift(fg[i], c[i], 15);
		const int16_t added = mul_shift(in, cg[i], 30 + s->cell_scale);
		int16_t v = q16_sat_add(kept, added);

		if (s->q_cell_clip > 0)
			v = (int16_t)clamp(v, -s->q_cell_clip, s->q_cell_clip);
		c[i] = v;
	}
	int_gate(s, &s->gate[GATE_OUTPUT], n_batch, x, h, c, false, og);

	/* CalculateLstmOutputInteger8x8_16: tanh(c) * o on the hidden scale. */
	for (int i = 0; i < n; i++) {
		const int16_t t = q16_tanh(c[i], 15 + s->cell_scale);
		int32_t v = cpu_mbqm((int32_t)og[i] * t, s->hidden_a, s->hidden_b);

		/*
		 * As the reference interpreter does (measured): the hidden
		 * state that becomes the output carries its zero point, the
		 * one a projection reads has it subtracted (and the projection
		 * adds zp * sum(w) back), which matters where it saturates.
		 */
		v += s->projection ? -s->hidden_zp : s->hidden_zp;
		hidden[i] = (int8_t)clamp(v, INT8_MIN, INT8_MAX);
	}
	if (s->projection) {
		const int m = n_batch * s->n_output;

		memset(h, 0, (size_t)m);
		mat_vec_acc_s8(hidden, s->proj_bias, s->w_proj, s->proj_a, s->proj_b,
			       n_batch, s->n_cell, s->n_output, s->output_state_zp, h);
		if (s->q_proj_clip > 0)
			for (int i = 0; i < m; i++)
				h[i] = (int8_t)clamp(h[i], -s->q_proj_clip, s->q_proj_clip);
	} else {
		memcpy(h, hidden, (size_t)n_batch * s->n_output);
	}
	memcpy(out, h, (size_t)n_batch * s->n_output);
}

/* ---- float ---- */

static float sigmoidf(float x)
{
	return 1.0f / (1.0f + expf(-x));
}

static float activate(int act, float x)
{
	switch (act) {
	case NPU_ACT_RELU: return x < 0.0f ? 0.0f : x;
	case NPU_ACT_RELU_N1_TO_1: return x < -1.0f ? -1.0f : x > 1.0f ? 1.0f : x;
	case NPU_ACT_RELU6: return x < 0.0f ? 0.0f : x > 6.0f ? 6.0f : x;
	case NPU_ACT_TANH: return tanhf(x);
	case NPU_ACT_SIGN_BIT: return signbit(x) ? 1.0f : 0.0f;
	default: return x;
	}
}

/* gate = act(bias + W_x x + W_h h [+ w_c .* c]) (CalculateLstmGateFloat). */
static void float_gate(const struct lstm_state *s, const struct npu_cpu_kernel_args *a,
		       int gate, int n_batch, const float *x, const float *h,
		       const float *c, int act, float *out)
{
	const float *w_in = a->inputs[IN_W_INPUT + gate];
	const float *w_rec = a->inputs[IN_W_RECURRENT + gate];
	const float *bias = a->inputs[IN_BIAS + gate];
	const float *peep = s->peephole && gate != GATE_CELL ?
			    a->inputs[peephole_input[gate]] : NULL;
	for (int b = 0; b < n_batch; b++) {
		for (int r = 0; r < s->n_cell; r++) {
			float acc_x = 0.0f, acc_h = 0.0f, v;

			for (int k = 0; k < s->n_input; k++)
				acc_x += w_in[(size_t)r * s->n_input + k] * x[b * s->n_input + k];
			for (int k = 0; k < s->n_output; k++)
				acc_h += w_rec[(size_t)r * s->n_output + k] * h[b * s->n_output + k];
			v = (bias ? bias[r] : 0.0f) + acc_x + acc_h;
			if (peep)
				v += peep[r] * c[b * s->n_cell + r];
			out[b * s->n_cell + r] = act < 0 ? sigmoidf(v) : activate(act, v);
		}
	}
}

static void float_step(struct lstm_state *s, const struct npu_cpu_kernel_args *a,
		       int n_batch, const float *x, float *h, float *c, float *out)
{
	const int n = n_batch * s->n_cell;
	float *ig = s->scratch, *fg = ig + n, *cg = fg + n, *og = cg + n;
	float *hidden = og + n;

	if (!s->cifg)
		float_gate(s, a, GATE_INPUT, n_batch, x, h, c, -1, ig);
	float_gate(s, a, GATE_FORGET, n_batch, x, h, c, -1, fg);
	float_gate(s, a, GATE_CELL, n_batch, x, h, c, s->activation, cg);
	for (int i = 0; i < n; i++) {
		float v = fg[i] * c[i] + cg[i] * (s->cifg ? 1.0f - fg[i] : ig[i]);

		if (s->cell_clip > 0.0f)
			v = v > s->cell_clip ? s->cell_clip :
			    v < -s->cell_clip ? -s->cell_clip : v;
		c[i] = v;
	}
	float_gate(s, a, GATE_OUTPUT, n_batch, x, h, c, -1, og);
	for (int i = 0; i < n; i++)
		hidden[i] = og[i] * activate(s->activation, c[i]);
	if (s->projection) {
		const float *w = a->inputs[IN_PROJECTION];
		const float *pb = a->inputs[IN_PROJECTION_BIAS];

		for (int b = 0; b < n_batch; b++) {
			for (int r = 0; r < s->n_output; r++) {
				float acc = 0.0f, v;

				for (int k = 0; k < s->n_cell; k++)
					acc += w[(size_t)r * s->n_cell + k] * hidden[b * s->n_cell + k];
				v = (pb ? pb[r] : 0.0f) + acc;
				if (s->proj_clip > 0.0f)
					v = v > s->proj_clip ? s->proj_clip :
					    v < -s->proj_clip ? -s->proj_clip : v;
				h[b * s->n_output + r] = v;
			}
		}
	} else {
		memcpy(h, hidden, (size_t)n_batch * s->n_output * sizeof(float));
	}
	memcpy(out, h, (size_t)n_batch * s->n_output * sizeof(float));
}

/* ---- hybrid (dynamic range) ---- */

/* tensor_utils::ApplyActivationToVector (the LSTM's fused activation). */
void npu_recurrent_activation(int act, float *v, int n)
{
	if (act == NPU_ACT_TANH)
		cpu_eigen_activation(v, n, true, 0);
	else if (act != NPU_ACT_NONE)
		for (int i = 0; i < n; i++)
			v[i] = activate(act, v[i]);
}

bool npu_recurrent_all_zero(const float *v, int n)
{
	for (int i = 0; i < n; i++)
		if (v[i] != 0.0f)
			return false;
	return true;
}

/* tensor_utils::BatchQuantizeFloats */
void npu_recurrent_quantize(bool asymmetric, const float *v, int n_batch, int n, int8_t *q,
			    float *sf, int32_t *zp)
{
	for (int b = 0; b < n_batch; b++) {
		if (asymmetric) {
			cpu_quantize_asymmetric(v + (size_t)b * n, (size_t)n, q + (size_t)b * n,
						&sf[b], &zp[b]);
		} else {
			cpu_quantize_symmetric(v + (size_t)b * n, (size_t)n, q + (size_t)b * n,
					       &sf[b]);
			zp[b] = 0;
		}
	}
}

/*
 * tensor_utils::MatrixBatchVectorMultiplyAccumulate, hybrid: out +=
 * (float)(W q - row_sum * zp) * (batch_scale * weight_scale).
 */
void npu_recurrent_mat_vec(const int8_t *w, float w_scale, const int32_t *row_sums,
			   const int8_t *q, const float *sf, const int32_t *zp,
			   int n_batch, int n_in, int n_out, float *out)
{
	for (int b = 0; b < n_batch; b++) {
		const float scale = sf[b] * w_scale;

		for (int r = 0; r < n_out; r++) {
			int32_t dot = row_dot(w + (size_t)r * n_in, q + (size_t)b * n_in, n_in, 0);

			if (row_sums)	/* wrapping, as a hostile model may */
				dot = (int32_t)((uint32_t)dot -
						(uint32_t)row_sums[r] * (uint32_t)zp[b]);
			out[b * n_out + r] += (float)dot * scale;
		}
	}
}

/* CalculateLstmGateHybrid */
static void hybrid_gate(const struct lstm_state *s, const struct npu_cpu_kernel_args *a,
			int g, int n_batch, bool x_zero, bool h_zero, const float *c,
			bool tanh_gate, int offset, float *gate)
{
	const struct lstm_int_gate *lg = &s->gate[g];
	const float *bias = a->inputs[IN_BIAS + g];
	const int n = s->n_cell;
	const int8_t *qx = s->hq, *qh = qx + (size_t)s->n_batch * s->n_input;
	const float *sx = s->hsf, *sh = sx + s->n_batch;
	const int32_t *zx = s->hzp, *zh = zx + s->n_batch;

	for (int b = 0; b < n_batch; b++)
		for (int r = 0; r < n; r++)
			gate[b * n + r] = bias ? bias[r] : 0.0f;
	if (!x_zero)
		npu_recurrent_mat_vec(lg->w_in, s->w_in_scale[g], s->asymmetric ? s->row_in[g] : NULL,
			       qx, sx, zx, n_batch, s->n_input, n, gate);
	if (!h_zero)
		npu_recurrent_mat_vec(lg->w_rec, s->w_rec_scale[g], s->asymmetric ? s->row_rec[g] : NULL,
			       qh, sh, zh, n_batch, s->n_output, n, gate);
	if (s->peep_f[g])
		for (int b = 0; b < n_batch; b++)
			for (int r = 0; r < n; r++)
				gate[b * n + r] += s->peep_f[g][r] * c[b * n + r];
	if (tanh_gate)
		npu_recurrent_activation(s->activation, gate, n_batch * n);
	else
		cpu_eigen_activation(gate, n_batch * n, false, offset);
}

/* LstmStepHybrid */
static void hybrid_step(struct lstm_state *s, const struct npu_cpu_kernel_args *a,
			int n_batch, int b_offset, const float *x, float *h, float *c,
			float *out)
{
	/* Where TFLite's scratch buffer holds each gate (Eigen's alignment). */
	const int slot = s->n_batch * s->n_cell, first = s->cifg ? -1 : 0;
	const int n = n_batch * s->n_cell;
	float *ig = s->scratch, *fg = ig + n, *cg = fg + n, *og = cg + n;
	float *hidden = og + n;
	const bool x_zero = npu_recurrent_all_zero(x, n_batch * s->n_input);
	const bool h_zero = npu_recurrent_all_zero(h, n_batch * s->n_output);
	int8_t *qx = s->hq, *qh = qx + (size_t)s->n_batch * s->n_input;
	int8_t *qc = qh + (size_t)s->n_batch * s->n_output;
	float *sx = s->hsf, *sh = sx + s->n_batch, *sc = sh + s->n_batch;
	int32_t *zx = s->hzp, *zh = zx + s->n_batch, *zc = zh + s->n_batch;

	if (!x_zero)
		npu_recurrent_quantize(s->asymmetric, x, n_batch, s->n_input, qx, sx, zx);
	if (!h_zero)
		npu_recurrent_quantize(s->asymmetric, h, n_batch, s->n_output, qh, sh, zh);
	if (!s->cifg)
		hybrid_gate(s, a, GATE_INPUT, n_batch, x_zero, h_zero, c, false, b_offset, ig);
	hybrid_gate(s, a, GATE_FORGET, n_batch, x_zero, h_zero, c, false,
		    (first + 2) * slot + b_offset, fg);
	hybrid_gate(s, a, GATE_CELL, n_batch, x_zero, h_zero, c, true, 0, cg);
	/* UpdateLstmCellFloat: c = f c, then c += g i (or g (1 - f)). */
	for (int i = 0; i < n; i++) {
		float v = fg[i] * c[i] + cg[i] * (s->cifg ? 1.0f - fg[i] : ig[i]);

		if (s->cell_clip > 0.0f)
			v = fmaxf(-s->cell_clip, fminf(s->cell_clip, v));
		c[i] = v;
	}
	hybrid_gate(s, a, GATE_OUTPUT, n_batch, x_zero, h_zero, c, false,
		    (first + 3) * slot + b_offset, og);
	/*
	 * CalculateLstmOutputHybrid.  Without an activation TFLite's
	 * ApplyActivationToVector writes nothing, so the hidden state is o
	 * times what its scratch held: the cell gate.
	 */
	memcpy(hidden, s->activation == NPU_ACT_NONE ? cg : c, (size_t)n * sizeof(float));
	npu_recurrent_activation(s->activation, hidden, n);
	for (int i = 0; i < n; i++)
		hidden[i] = og[i] * hidden[i];
	if (s->projection) {
		const float *pb = a->inputs[IN_PROJECTION_BIAS];
		const int m = n_batch * s->n_output;

		for (int b = 0; b < n_batch; b++)
			for (int r = 0; r < s->n_output; r++)
				h[b * s->n_output + r] = pb ? pb[r] : 0.0f;
		if (!npu_recurrent_all_zero(hidden, n)) {
			npu_recurrent_quantize(s->asymmetric, hidden, n_batch, s->n_cell, qc, sc, zc);
			npu_recurrent_mat_vec(a->inputs[IN_PROJECTION], s->proj_scale,
				       s->asymmetric ? s->row_proj : NULL, qc, sc, zc,
				       n_batch, s->n_cell, s->n_output, h);
		}
		if (s->proj_clip > 0.0f)
			for (int i = 0; i < m; i++)
				h[i] = fmaxf(-s->proj_clip, fminf(s->proj_clip, h[i]));
	} else {
		memcpy(h, hidden, (size_t)n_batch * s->n_output * sizeof(float));
	}
	memcpy(out, h, (size_t)n_batch * s->n_output * sizeof(float));
}

/* ---- prepare ---- */

static const struct npu_graph_tensor *opt_in(const struct cpu_prep *p, uint32_t i)
{
	return cpu_in(p->g, p->op, i);
}

/* Shape [rows, cols] and @type, or -EINVAL/-ENOTSUP with a message. */
static int check_matrix(const struct cpu_prep *p, uint32_t i, int rows, int cols,
			enum npu_type type)
{
	const struct npu_graph_tensor *t = opt_in(p, i);

	if (!t)
		return 0;
	if (t->rank != 2 || t->shape[0] != rows || t->shape[1] != cols) {
		cpu_msg(p->err, p->errlen, "input %u must be [%d, %d]", i, rows, cols);
		return -EINVAL;
	}
	if (t->type != type) {
		cpu_msg(p->err, p->errlen, "input %u is %s, expected %s", i,
			npu_type_name(t->type), npu_type_name(type));
		return -ENOTSUP;
	}
	return 0;
}

static int check_vector(const struct cpu_prep *p, uint32_t i, int n, enum npu_type type)
{
	const struct npu_graph_tensor *t = opt_in(p, i);

	if (!t)
		return 0;
	if (t->elements != (size_t)n) {
		cpu_msg(p->err, p->errlen, "input %u must have %d entries", i, n);
		return -EINVAL;
	}
	if (t->type != type) {
		cpu_msg(p->err, p->errlen, "input %u is %s, expected %s", i,
			npu_type_name(t->type), npu_type_name(type));
		return -ENOTSUP;
	}
	return 0;
}

static int quantize(const struct cpu_prep *p, const char *what, float real,
		    int32_t *m, int *shift)
{
	return cpu_quantize_multiplier(p, what, (double)real, m, shift);
}

static const struct npu_graph_tensor *intermediate(const struct cpu_prep *p, uint32_t i)
{
	const struct npu_graph_op *op = p->op;

	if (i >= op->num_intermediates || op->intermediates[i] < 0 ||
	    (uint32_t)op->intermediates[i] >= p->g->num_tensors)
		return NULL;
	return &p->g->tensors[op->intermediates[i]];
}

static int prepare_integer(const struct cpu_prep *p, struct lstm_state *s)
{
	const struct npu_graph_tensor *in = opt_in(p, IN_INPUT);
	const struct npu_graph_tensor *hs = opt_in(p, IN_OUTPUT_STATE);
	const struct npu_graph_tensor *cs = opt_in(p, IN_CELL_STATE);
	const struct npu_graph_tensor *out = cpu_out(p->g, p->op, 0);
	const struct npu_graph_tensor *hidden = intermediate(p, 4);
	const float in_scale = cpu_scale(in), hs_scale = cpu_scale(hs);
	const int32_t in_zp = cpu_zero_point(in), hs_zp = cpu_zero_point(hs);
	static const char *const names[GATES] = { "input", "forget", "cell", "output" };
	bool layer_norm;
	int ret;

	if (p->op->num_intermediates == 12) {
		cpu_msg(p->err, p->errlen,
			"the 8x8_8 integer LSTM (12 intermediates) is not supported");
		return -ENOTSUP;
	}
	if (p->op->num_intermediates != 5 || !hidden || !hidden->quant.count) {
		cpu_msg(p->err, p->errlen,
			"the integer LSTM needs 5 intermediate tensors, the fifth quantized (has %u)",
			p->op->num_intermediates);
		return -EINVAL;
	}
	/* Layer norm: the coefficients of the forget gate say (TFLite's test). */
	layer_norm = p->op->num_inputs > IN_LAYER_NORM + GATE_FORGET &&
		     opt_in(p, IN_LAYER_NORM + GATE_FORGET);
	if ((ret = cpu_need_type(p, hs, "output state", NPU_TYPE_INT8)) ||
	    (ret = cpu_need_type(p, cs, "cell state", NPU_TYPE_INT16)) ||
	    (ret = cpu_need_type(p, out, "output", NPU_TYPE_INT8)))
		return ret;
	for (uint32_t i = 1; i < p->op->num_inputs && i < IN_OUTPUT_STATE; i++) {
		const struct npu_graph_tensor *t = opt_in(p, i);

		if (t && (!t->data || t->is_variable)) {
			cpu_msg(p->err, p->errlen,
				"input %u: the integer LSTM needs constant weights and biases", i);
			return -ENOTSUP;
		}
		if (t && t->quant.count > 1) {
			cpu_msg(p->err, p->errlen,
				"input %u: per-channel quantization is not supported", i);
			return -ENOTSUP;
		}
	}
	if (!in->quant.count || !hs->quant.count || !cs->quant.count || !out->quant.count) {
		cpu_msg(p->err, p->errlen, "input, states and output must be quantized");
		return -EINVAL;
	}
	if (!checked_log2(cpu_scale(cs), &s->cell_scale) || s->cell_scale > -9) {
		cpu_msg(p->err, p->errlen,
			"cell state scale %g is not a power of two at most 2^-9",
			(double)cpu_scale(cs));
		return -EINVAL;
	}
	if (s->cell_scale < -15) {
		cpu_msg(p->err, p->errlen, "cell state scale 2^%d is not supported",
			s->cell_scale);
		return -ENOTSUP;
	}
	s->q_cell_clip = 0;
	if (s->cell_clip > 0.0f) {
		float q = s->cell_clip / cpu_scale(cs);

		s->q_cell_clip = (int16_t)(q > 32767.0f ? 32767.0f : q);
	}
	s->q_proj_clip = 0;
	if (s->proj_clip > 0.0f) {
		float q = s->proj_clip / cpu_scale(out);

		s->q_proj_clip = (int8_t)(q > 127.0f ? 127.0f : q);
	}

	for (int g = 0; g < GATES; g++) {
		struct lstm_int_gate *lg = &s->gate[g];
		const struct npu_graph_tensor *wi = opt_in(p, IN_W_INPUT + g);
		const struct npu_graph_tensor *wr = opt_in(p, IN_W_RECURRENT + g);
		const struct npu_graph_tensor *bias = opt_in(p, IN_BIAS + g);
		const struct npu_graph_tensor *ln = layer_norm ? opt_in(p, IN_LAYER_NORM + g) : NULL;
		const struct npu_graph_tensor *gate_in = layer_norm ? intermediate(p, (uint32_t)g) : NULL;
		/* Without layer norm the gates are Q3.12; with it, the scale of
		 * the gate's intermediate tensor (its layer norm's input). */
		float gate_scale = 1.0f / 4096.0f;
		char what[48];

		if (g == GATE_INPUT && s->cifg)
			continue;
		if (layer_norm) {
			if (!ln || ln->type != NPU_TYPE_INT16 || !ln->data || !ln->quant.count ||
			    ln->elements != (size_t)s->n_cell || !gate_in || !gate_in->quant.count ||
			    !bias || bias->type != NPU_TYPE_INT32 || !bias->data) {
				cpu_msg(p->err, p->errlen,
					"layer norm of the %s gate needs int16 coefficients of %d cells "
					"with a scale, an int32 bias and a quantized intermediate tensor",
					names[g],
					s->n_cell);
				return -EINVAL;
			}
			gate_scale = cpu_scale(gate_in);
			lg->ln_w = ln->data;
			lg->ln_bias = bias->data;
			snprintf(what, sizeof(what), "%s layer norm", names[g]);
			if (quantize(p, what, cpu_scale(ln), &lg->ln_a, &lg->ln_b))
				return -EINVAL;
			/* 10000 keeps the kernel's arithmetic from overflowing. */
			lg->ln_guard = (int32_t)(10000 * cpu_scale(ln));
			if (lg->ln_guard < 1)
				lg->ln_guard = 1;
		}
		lg->w_in = wi->data;
		lg->w_rec = wr->data;
		snprintf(what, sizeof(what), "input-to-%s", names[g]);
		if (quantize(p, what, cpu_scale(wi) * in_scale / gate_scale, &lg->in_a, &lg->in_b))
			return -EINVAL;
		snprintf(what, sizeof(what), "recurrent-to-%s", names[g]);
		if (quantize(p, what, cpu_scale(wr) * hs_scale / gate_scale, &lg->rec_a, &lg->rec_b))
			return -EINVAL;
		if (s->peephole && g != GATE_CELL) {
			const struct npu_graph_tensor *pw = opt_in(p, peephole_input[g]);
			const float es = ldexpf(1.0f, s->cell_scale) * cpu_scale(pw) / gate_scale;

			lg->peephole = pw->data;
			snprintf(what, sizeof(what), "cell-to-%s", names[g]);
			if (quantize(p, what, es, &lg->cell_a, &lg->cell_b))
				return -EINVAL;
		}
		/* With layer norm the bias is added there, not to the product. */
		lg->in_bias = fold_zero_point(lg->w_in, s->n_cell, s->n_input, -in_zp,
					      bias && !layer_norm ? bias->data : NULL);
		lg->rec_bias = fold_zero_point(lg->w_rec, s->n_cell, s->n_output, -hs_zp, NULL);
		if (!lg->in_bias || !lg->rec_bias)
			return -ENOMEM;
	}
	{
		const float hidden_scale = cpu_scale(hidden);
		const float es = (float)(0x1p-15 / hidden_scale * 0x1p-15);

		s->hidden_zp = cpu_zero_point(hidden);
		if (quantize(p, "hidden", es, &s->hidden_a, &s->hidden_b))
			return -EINVAL;
		if (s->projection) {
			const struct npu_graph_tensor *pw = opt_in(p, IN_PROJECTION);
			const struct npu_graph_tensor *pb = opt_in(p, IN_PROJECTION_BIAS);

			s->w_proj = pw->data;
			if (quantize(p, "projection", cpu_scale(pw) * hidden_scale / hs_scale,
				     &s->proj_a, &s->proj_b))
				return -EINVAL;
			s->proj_bias = fold_zero_point(s->w_proj, s->n_output, s->n_cell,
						       s->hidden_zp, pb ? pb->data : NULL);
			if (!s->proj_bias)
				return -ENOMEM;
		}
	}
	s->output_state_zp = hs_zp;
	return 0;
}

int32_t *npu_recurrent_row_sums(const int8_t *w, int rows, int cols)
{
	return fold_zero_point(w, rows, cols, 1, NULL);
}

static int prepare_hybrid(const struct cpu_prep *p, struct lstm_state *s)
{
	const struct npu_graph_tensor *hs = opt_in(p, IN_OUTPUT_STATE);
	const struct npu_graph_tensor *cs = opt_in(p, IN_CELL_STATE);
	const struct npu_graph_tensor *out = cpu_out(p->g, p->op, 0);
	const size_t nb = (size_t)s->n_batch;
	int ret;

	if ((ret = cpu_need_type(p, hs, "output state", NPU_TYPE_FLOAT32)) ||
	    (ret = cpu_need_type(p, cs, "cell state", NPU_TYPE_FLOAT32)) ||
	    (ret = cpu_need_type(p, out, "output", NPU_TYPE_FLOAT32)))
		return ret;
	for (uint32_t i = IN_LAYER_NORM; i < p->op->num_inputs; i++) {
		if (opt_in(p, i)) {
			cpu_msg(p->err, p->errlen,
				"hybrid LSTM with layer normalization is not supported");
			return -ENOTSUP;
		}
	}
	for (uint32_t i = 1; i < IN_OUTPUT_STATE; i++) {
		const struct npu_graph_tensor *t = opt_in(p, i);

		if (!t)
			continue;
		if (!t->data || t->is_variable) {
			cpu_msg(p->err, p->errlen,
				"input %u: the hybrid LSTM needs constant weights and biases", i);
			return -ENOTSUP;
		}
		if (t->type == NPU_TYPE_INT8 && t->quant.count != 1) {
			cpu_msg(p->err, p->errlen,
				"input %u: int8 weights need one scale (has %u)", i,
				t->quant.count);
			return t->quant.count ? -ENOTSUP : -EINVAL;
		}
	}
	s->asymmetric = p->op->options.lstm.asymmetric_quantize_inputs != 0;
	for (int g = 0; g < GATES; g++) {
		struct lstm_int_gate *lg = &s->gate[g];
		const struct npu_graph_tensor *wi = opt_in(p, IN_W_INPUT + g);
		const struct npu_graph_tensor *wr = opt_in(p, IN_W_RECURRENT + g);

		if (g == GATE_INPUT && s->cifg)
			continue;
		lg->w_in = wi->data;
		lg->w_rec = wr->data;
		s->w_in_scale[g] = cpu_scale(wi);
		s->w_rec_scale[g] = cpu_scale(wr);
		if (s->peephole && g != GATE_CELL) {
			const struct npu_graph_tensor *pw = opt_in(p, peephole_input[g]);
			const int8_t *w = pw->data;

			s->peep_f[g] = malloc((size_t)s->n_cell * sizeof(float));
			if (!s->peep_f[g])
				return -ENOMEM;
			for (int i = 0; i < s->n_cell; i++)
				s->peep_f[g][i] = cpu_scale(pw) * (float)w[i];
		}
		if (s->asymmetric) {
			s->row_in[g] = npu_recurrent_row_sums(lg->w_in, s->n_cell, s->n_input);
			s->row_rec[g] = npu_recurrent_row_sums(lg->w_rec, s->n_cell, s->n_output);
			if (!s->row_in[g] || !s->row_rec[g])
				return -ENOMEM;
		}
	}
	if (s->projection) {
		const struct npu_graph_tensor *pw = opt_in(p, IN_PROJECTION);

		s->proj_scale = cpu_scale(pw);
		if (s->asymmetric && !(s->row_proj = npu_recurrent_row_sums(pw->data, s->n_output, s->n_cell)))
			return -ENOMEM;
	}
	s->hq = malloc(nb * (size_t)(s->n_input + s->n_output + s->n_cell));
	s->hsf = calloc(3 * nb, sizeof(float));
	s->hzp = calloc(3 * nb, sizeof(int32_t));
	return s->hq && s->hsf && s->hzp ? 0 : -ENOMEM;
}

int npu_lstm_prepare_direction(const struct cpu_prep *p, int out_extra, int out_offset,
			       void **state)
{
	const struct npu_graph_tensor *in, *hs, *cs, *out, *w_out, *r_out;
	const struct npu_lstm_options *o = &p->op->options.lstm;
	enum npu_type wt, bt, pt;
	struct lstm_state *s;
	int step_rank, ret;

	/* 20 or 24 inputs, most of them optional: checked one by one below. */
	if ((p->op->num_inputs != 20 && p->op->num_inputs != 24) ||
	    p->op->num_outputs != 1 || !cpu_out(p->g, p->op, 0) || !opt_in(p, IN_INPUT)) {
		cpu_msg(p->err, p->errlen, "needs 20 or 24 inputs (has %u) and one output",
			p->op->num_inputs);
		return -EINVAL;
	}
	if (p->op->options_kind != NPU_OPTS_LSTM) {
		cpu_msg(p->err, p->errlen, "has no LSTM options");
		return -EINVAL;
	}
	in = opt_in(p, IN_INPUT);
	hs = opt_in(p, IN_OUTPUT_STATE);
	cs = opt_in(p, IN_CELL_STATE);
	out = cpu_out(p->g, p->op, 0);
	w_out = opt_in(p, IN_W_INPUT + GATE_OUTPUT);
	r_out = opt_in(p, IN_W_RECURRENT + GATE_OUTPUT);
	for (uint32_t i = 2; i <= 8; i++) {
		if (i != 5 && !opt_in(p, i)) {
			cpu_msg(p->err, p->errlen, "input %u is required", i);
			return -EINVAL;
		}
	}
	if (!opt_in(p, 13) || !opt_in(p, 14) || !opt_in(p, 15) || !hs || !cs) {
		cpu_msg(p->err, p->errlen,
			"forget, cell and output biases and both states are required");
		return -EINVAL;
	}
	if (!hs->is_variable || !cs->is_variable) {
		cpu_msg(p->err, p->errlen, "output and cell states must be variable tensors");
		return -EINVAL;
	}
	/* LSTM: one time step, [batch, n] (time-major with a time of 1). */
	step_rank = p->op->builtin == NPU_BUILTIN_LSTM ? 2 : 3;
	if (in->rank != step_rank || w_out->rank != 2 || r_out->rank != 2 ||
	    out->rank != step_rank) {
		cpu_msg(p->err, p->errlen,
			"needs a rank-%d input and output and 2-D weights", step_rank);
		return -EINVAL;
	}
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->time_major = o->time_major;
	s->max_time = step_rank == 2 ? 1 : in->shape[o->time_major ? 0 : 1];
	s->n_batch = in->shape[step_rank == 2 ? 0 : o->time_major ? 1 : 0];
	s->n_input = in->shape[step_rank - 1];
	s->n_cell = w_out->shape[0];
	s->n_output = r_out->shape[1];
	s->activation = o->activation;
	s->cell_clip = o->cell_clip;
	s->proj_clip = o->proj_clip;
	s->cifg = !opt_in(p, IN_W_INPUT + GATE_INPUT);
	s->peephole = opt_in(p, IN_PEEPHOLE_OUTPUT) != NULL;
	s->projection = opt_in(p, IN_PROJECTION) != NULL;
	s->integer = in->type == NPU_TYPE_INT8;

	ret = -EINVAL;
	if (s->cifg != !opt_in(p, IN_W_RECURRENT + GATE_INPUT) ||
	    (!s->cifg && !opt_in(p, IN_BIAS + GATE_INPUT)) ||
	    (s->peephole && !opt_in(p, IN_PEEPHOLE_FORGET)) ||
	    (s->peephole && !s->cifg && !opt_in(p, IN_PEEPHOLE_INPUT)) ||
	    (!s->projection && s->n_output != s->n_cell) ||
	    (!s->projection && opt_in(p, IN_PROJECTION_BIAS))) {
		cpu_msg(p->err, p->errlen,
			"inconsistent optional inputs (CIFG, peephole or projection tensors partly present)");
		goto fail;
	}
	if (o->diagonal_recurrent_tensors) {
		cpu_msg(p->err, p->errlen, "diagonal recurrent weights are not supported");
		ret = -ENOTSUP;
		goto fail;
	}
	if (hs->elements != (size_t)s->n_batch * s->n_output ||
	    cs->elements != (size_t)s->n_batch * s->n_cell ||
	    out->shape[0] != in->shape[0] ||
	    (step_rank == 3 && out->shape[1] != in->shape[1]) ||
	    out->shape[step_rank - 1] != s->n_output + out_extra) {
		cpu_msg(p->err, p->errlen, "state or output shape does not match the weights");
		goto fail;
	}
	s->out_stride = s->n_output + out_extra;
	s->out_offset = out_offset;
	if (s->integer) {
		wt = NPU_TYPE_INT8;
		bt = NPU_TYPE_INT32;
		pt = NPU_TYPE_INT16;
	} else if (in->type == NPU_TYPE_FLOAT32 && w_out->type == NPU_TYPE_FLOAT32) {
		wt = bt = pt = NPU_TYPE_FLOAT32;
	} else if (in->type == NPU_TYPE_FLOAT32 && w_out->type == NPU_TYPE_INT8) {
		/* Dynamic range: int8 weights and peepholes, float biases. */
		s->hybrid = true;
		wt = pt = NPU_TYPE_INT8;
		bt = NPU_TYPE_FLOAT32;
	} else {
		cpu_msg(p->err, p->errlen, "%s input with %s weights is not supported",
			npu_type_name(in->type), npu_type_name(w_out->type));
		ret = -ENOTSUP;
		goto fail;
	}
	for (int g = 0; g < GATES; g++) {
		if ((ret = check_matrix(p, IN_W_INPUT + g, s->n_cell, s->n_input, wt)) ||
		    (ret = check_matrix(p, IN_W_RECURRENT + g, s->n_cell, s->n_output, wt)) ||
		    (ret = check_vector(p, IN_BIAS + g, s->n_cell, bt)))
			goto fail;
	}
	for (uint32_t i = IN_PEEPHOLE_INPUT; i <= IN_PEEPHOLE_OUTPUT; i++)
		if ((ret = check_vector(p, i, s->n_cell, pt)))
			goto fail;
	if ((ret = check_matrix(p, IN_PROJECTION, s->n_output, s->n_cell, wt)) ||
	    (ret = check_vector(p, IN_PROJECTION_BIAS, s->n_output, bt)))
		goto fail;
	if (s->integer) {
		ret = prepare_integer(p, s);
		if (ret)
			goto fail;
	} else if (s->hybrid) {
		ret = prepare_hybrid(p, s);
		if (ret)
			goto fail;
	} else {
		for (uint32_t i = IN_LAYER_NORM; i < p->op->num_inputs; i++) {
			if (opt_in(p, i)) {
				cpu_msg(p->err, p->errlen,
					"float LSTM with layer normalization is not supported");
				ret = -ENOTSUP;
				goto fail;
			}
		}
		if ((ret = cpu_need_type(p, hs, "output state", NPU_TYPE_FLOAT32)) ||
		    (ret = cpu_need_type(p, cs, "cell state", NPU_TYPE_FLOAT32)) ||
		    (ret = cpu_need_type(p, out, "output", NPU_TYPE_FLOAT32)))
			goto fail;
	}
	{
		/* Four gates and the hidden vector for the whole batch. */
		const size_t n = (size_t)s->n_batch * s->n_cell;

		s->scratch = calloc(1, n * (s->integer ? 4 * 2 + 1 : 5 * 4) + 16);
		s->ostage = calloc((size_t)s->n_batch * s->n_output, 4);
		if (!s->scratch || !s->ostage) {
			ret = -ENOMEM;
			goto fail;
		}
	}
	*state = s;
	return 0;
fail:
	npu_lstm_release(s);
	return ret;
}

/* One time step of the batch rows from @x into @h, @c and @out. */
static void lstm_step(struct lstm_state *s, const struct npu_cpu_kernel_args *a,
		      int n_batch, int b_offset, const uint8_t *x, uint8_t *h, uint8_t *c,
		      uint8_t *out)
{
	if (s->integer)
		int_step(s, n_batch, (const int8_t *)x, (int8_t *)h, (int16_t *)c,
			 (int8_t *)out);
	else if (s->hybrid)
		hybrid_step(s, a, n_batch, b_offset, (const float *)x, (float *)h,
			    (float *)c, (float *)out);
	else
		float_step(s, a, n_batch, (const float *)x, (float *)h, (float *)c,
			   (float *)out);
}

void npu_lstm_run_direction(const struct npu_cpu_kernel_args *a, void *state, bool forward)
{
	struct lstm_state *s = state;
	const size_t esz = s->integer ? 1 : 4;
	const size_t row = (size_t)s->n_output * esz, stride = (size_t)s->out_stride * esz;
	const uint8_t *x = a->inputs[IN_INPUT];
	uint8_t *h = a->inputs[IN_OUTPUT_STATE];
	uint8_t *c = a->inputs[IN_CELL_STATE];
	uint8_t *out = (uint8_t *)a->outputs[0] + (size_t)s->out_offset * esz;
	const size_t csz = s->integer ? 2 : 4;

	/*
	 * As EvalInteger8x8_16 / EvalFloat / EvalHybrid: whole batches per
	 * time step if time-major, else each sequence on its own; the
	 * backward direction steps from the last time to the first, its
	 * outputs in their own time's place.
	 */
	if (s->time_major) {
		for (int i = 0; i < s->max_time; i++) {
			const int t = forward ? i : s->max_time - 1 - i;
			const uint8_t *xt = x + (size_t)t * s->n_batch * s->n_input * esz;
			uint8_t *ot = out + (size_t)t * s->n_batch * stride;

			if (stride == row) {
				lstm_step(s, a, s->n_batch, 0, xt, h, c, ot);
				continue;
			}
			lstm_step(s, a, s->n_batch, 0, xt, h, c, s->ostage);
			for (int b = 0; b < s->n_batch; b++)
				memcpy(ot + b * stride, (uint8_t *)s->ostage + b * row, row);
		}
		return;
	}
	for (int b = 0; b < s->n_batch; b++) {
		uint8_t *hb = h + (size_t)b * s->n_output * esz;
		uint8_t *cb = c + (size_t)b * s->n_cell * csz;

		for (int i = 0; i < s->max_time; i++) {
			const int t = forward ? i : s->max_time - 1 - i;
			const size_t step = (size_t)b * s->max_time + t;

			lstm_step(s, a, 1, b * s->n_cell, x + step * s->n_input * esz, hb, cb,
				  out + step * stride);
		}
	}
}

static int lstm_prepare(const struct cpu_prep *p, void **state)
{
	return npu_lstm_prepare_direction(p, 0, 0, state);
}

static int lstm_invoke(const struct npu_cpu_kernel_args *a, void *state)
{
	npu_lstm_run_direction(a, state, true);
	return 0;
}

static const struct cpu_kernel lstm_kernel = {
	.prepare = lstm_prepare,
	.invoke = lstm_invoke,
	.release = npu_lstm_release,
};

/* CPU only: the integer LSTM's int16 gate arithmetic has no NPU command. */
const struct npu_builtin_impl npu_builtin_unidirectional_sequence_lstm = {
	.cpu_kernel = &lstm_kernel,
};
