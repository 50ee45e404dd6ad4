// SPDX-License-Identifier: MIT
/*
 * RNN, UNIDIRECTIONAL_SEQUENCE_RNN and BIDIRECTIONAL_SEQUENCE_RNN on the
 * CPU, as TFLite's kernels (basic_rnn.cc, unidirectional_sequence_rnn.cc,
 * bidirectional_sequence_rnn.cc, kernel_utils::RnnBatchStep): per step
 * h = act(bias + W x + R h), the output is h.  Float32, and hybrid (int8
 * weights with one scale each, float input, state and bias): the input and
 * the state quantized per batch row (symmetric, or asymmetric with
 * asymmetric_quantize_inputs; an all-zero vector skips its product), the
 * tensor_utils steps shared with the LSTM (recurrent.h).
 *
 * RNN is one step over [batch, input]; the sequence op runs [time, batch,
 * input] (time_major) or [batch, time, input]: whole batches per step if
 * time-major, else each sequence on its own.  The bidirectional op runs a
 * forward and a backward cell (the latter from the last step to the first,
 * each output at its own step), merged along the last axis of output 0 with
 * merge_outputs; inputs 0 input, 1-4 the forward weights, recurrent
 * weights, bias and state, 5-8 the backward ones, 9 an auxiliary input
 * (the backward cell's input when 10 and 11, its weights, are absent;
 * auxiliary weights are not supported).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lower.h"
#include "recurrent.h"

enum { MAX_DIRS = 2 };

/* One cell: its op inputs (input, weights, recurrent weights, bias, state). */
struct rnn_cell {
	uint32_t in[5];
	uint32_t out;		/* its output */
	int out_stride, out_offset;	/* row stride, this cell's place in it */
	float w_scale, r_scale;	/* hybrid */
	int32_t *w_rows, *r_rows;	/* hybrid asymmetric: row sums */
};

struct rnn_state {
	int ndirs;
	struct rnn_cell cell[MAX_DIRS];
	bool sequence, time_major, hybrid, asymmetric;
	int activation;
	int n_batch, max_time, n_input, n_units[MAX_DIRS];
	/* scratch: quantized vector, scales, zero points, the step's sums */
	int8_t *q;
	float *sf, *acc;
	int32_t *zp;
};

static void rnn_release(void *state)
{
	struct rnn_state *s = state;

	if (!s)
		return;
	for (int d = 0; d < MAX_DIRS; d++) {
		free(s->cell[d].w_rows);
		free(s->cell[d].r_rows);
	}
	free(s->q);
	free(s->sf);
	free(s->acc);
	free(s->zp);
	free(s);
}

static int check_tensor(const struct cpu_prep *p, uint32_t i, int rank, int d0, int d1,
			enum npu_type type, const char *what)
{
	const struct npu_graph_tensor *t = cpu_in(p->g, p->op, i);

	if (!t)
		return lower_fail(p, "%s (input %u) is required", what, i);
	if (t->rank != rank || t->shape[0] != d0 || (rank == 2 && t->shape[1] != d1))
		return lower_fail(p, "%s (input %u) has the wrong shape", what, i);
	return cpu_need_type(p, t, what, type);
}

/* One cell's tensors: weights [units, input], recurrent [units, units]... */
static int prepare_cell(const struct cpu_prep *p, struct rnn_state *s, int d)
{
	struct rnn_cell *c = &s->cell[d];
	const struct npu_graph_tensor *w = cpu_in(p->g, p->op, c->in[1]);
	const struct npu_graph_tensor *r = cpu_in(p->g, p->op, c->in[2]);
	const struct npu_graph_tensor *h = cpu_in(p->g, p->op, c->in[4]);
	const enum npu_type wt = s->hybrid ? NPU_TYPE_INT8 : NPU_TYPE_FLOAT32;
	int units, ret;

	if (!w || w->rank != 2)
		return lower_fail(p, "weights (input %u) must be 2-D", c->in[1]);
	units = w->shape[0];
	s->n_units[d] = units;
	if ((ret = check_tensor(p, c->in[1], 2, units, s->n_input, wt, "weights")) ||
	    (ret = check_tensor(p, c->in[2], 2, units, units, wt, "recurrent weights")) ||
	    (ret = check_tensor(p, c->in[3], 1, units, 0, NPU_TYPE_FLOAT32, "bias")) ||
	    (ret = check_tensor(p, c->in[4], 2, s->n_batch, units, NPU_TYPE_FLOAT32,
				"hidden state")))
		return ret;
	if (!h->is_variable)
		return lower_fail(p, "the hidden state must be a variable tensor");
	if (!w->data || !r->data)
		return lower_fail(p, "the weights must be constant");
	if (s->hybrid) {
		if (w->quant.count != 1 || r->quant.count != 1) {
			cpu_msg(p->err, p->errlen, "int8 weights need one scale each");
			return -ENOTSUP;
		}
		c->w_scale = cpu_scale(w);
		c->r_scale = cpu_scale(r);
		if (s->asymmetric) {
			c->w_rows = npu_recurrent_row_sums(w->data, units, s->n_input);
			c->r_rows = npu_recurrent_row_sums(r->data, units, units);
			if (!c->w_rows || !c->r_rows)
				return -ENOMEM;
		}
	}
	return 0;
}

static int rnn_prepare(const struct cpu_prep *p, void **state)
{
	const int32_t builtin = p->op->builtin;
	const struct npu_lstm_options *o = &p->op->options.lstm;
	const bool bidir = builtin == NPU_BUILTIN_BIDIRECTIONAL_SEQUENCE_RNN;
	const bool merge = bidir && o->merge_outputs;
	const struct npu_graph_tensor *in, *w, *out;
	struct rnn_state *s;
	int ret;

	/* Inputs 9-11 of the bidirectional op are optional (checked below). */
	ret = bidir ? 0 : cpu_need_io(p, 5, 5, 1);
	if (ret)
		return ret;
	if (bidir && (p->op->num_inputs != 12 || p->op->num_outputs != (merge ? 1u : 2u) ||
		      !cpu_out(p->g, p->op, 0) || (!merge && !cpu_out(p->g, p->op, 1))))
		return lower_fail(p, "needs 12 inputs and %d output(s)", merge ? 1 : 2);
	in = cpu_in(p->g, p->op, 0);
	w = cpu_in(p->g, p->op, 1);
	if (!in || !w || p->op->options_kind != NPU_OPTS_LSTM)
		return lower_fail(p, "needs an input, weights and RNN options");
	if (in->type != NPU_TYPE_FLOAT32 ||
	    (w->type != NPU_TYPE_FLOAT32 && w->type != NPU_TYPE_INT8)) {
		cpu_msg(p->err, p->errlen, "%s input with %s weights is not supported",
			npu_type_name(in->type), npu_type_name(w->type));
		return -ENOTSUP;
	}
	if (o->activation != NPU_ACT_NONE && o->activation != NPU_ACT_RELU &&
	    o->activation != NPU_ACT_RELU_N1_TO_1 && o->activation != NPU_ACT_RELU6 &&
	    o->activation != NPU_ACT_TANH) {
		cpu_msg(p->err, p->errlen, "activation %s is not supported",
			npu_activation_name(o->activation));
		return -ENOTSUP;
	}
	if (bidir && (cpu_in(p->g, p->op, 10) || cpu_in(p->g, p->op, 11))) {
		cpu_msg(p->err, p->errlen,
			"auxiliary input weights (cross-linked stacking) are not supported");
		return -ENOTSUP;
	}
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->sequence = builtin != NPU_BUILTIN_RNN;
	s->time_major = s->sequence && o->time_major;
	s->hybrid = w->type == NPU_TYPE_INT8;
	s->asymmetric = o->asymmetric_quantize_inputs != 0;
	s->activation = o->activation;
	s->ndirs = bidir ? 2 : 1;
	ret = -EINVAL;
	if (in->rank != (s->sequence ? 3 : 2)) {
		lower_fail(p, "the input must be %d-D", s->sequence ? 3 : 2);
		goto fail;
	}
	s->max_time = s->sequence ? in->shape[s->time_major ? 0 : 1] : 1;
	s->n_batch = in->shape[s->sequence && s->time_major ? 1 : 0];
	s->n_input = in->shape[in->rank - 1];
	for (int d = 0; d < s->ndirs; d++) {
		struct rnn_cell *c = &s->cell[d];

		for (int i = 0; i < 4; i++)
			c->in[1 + i] = (uint32_t)(1 + 4 * d + i);
		/* Non-stacking mode: the backward cell reads the auxiliary input. */
		c->in[0] = d && cpu_in(p->g, p->op, 9) ? 9 : 0;
		c->out = merge ? 0 : (uint32_t)d;
		if (c->in[0] && cpu_in(p->g, p->op, 9)->elements != in->elements) {
			lower_fail(p, "the auxiliary input's shape differs from the input's");
			goto fail;
		}
		ret = prepare_cell(p, s, d);
		if (ret)
			goto fail;
	}
	for (int d = 0; d < s->ndirs; d++) {
		struct rnn_cell *c = &s->cell[d];

		out = cpu_out(p->g, p->op, c->out);
		c->out_stride = merge ? s->n_units[0] + s->n_units[1] : s->n_units[d];
		c->out_offset = merge && d ? s->n_units[0] : 0;
		ret = cpu_need_type(p, out, "output", NPU_TYPE_FLOAT32);
		if (ret)
			goto fail;
		if (out->rank != in->rank || out->shape[0] != in->shape[0] ||
		    (s->sequence && out->shape[1] != in->shape[1]) ||
		    out->shape[out->rank - 1] != c->out_stride) {
			ret = lower_fail(p, "output %u has the wrong shape", c->out);
			goto fail;
		}
	}
	{
		const int units = s->n_units[0] > s->n_units[1] ? s->n_units[0] : s->n_units[1];
		const int widest = s->n_input > units ? s->n_input : units;

		s->q = malloc((size_t)s->n_batch * widest);
		s->sf = calloc((size_t)s->n_batch, sizeof(float));
		s->zp = calloc((size_t)s->n_batch, sizeof(int32_t));
		s->acc = calloc((size_t)s->n_batch * units, sizeof(float));
		if (!s->q || !s->sf || !s->zp || !s->acc) {
			ret = -ENOMEM;
			goto fail;
		}
	}
	*state = s;
	return 0;
fail:
	rnn_release(s);
	return ret;
}

/* acc [n_b, units] += W v (v [n_b, n]): float, or hybrid with @rows. */
static void mat_vec(struct rnn_state *s, const void *w, float w_scale, const int32_t *rows,
		    const float *v, int n_b, int n, int units)
{
	if (s->hybrid) {
		if (npu_recurrent_all_zero(v, n_b * n))
			return;
		npu_recurrent_quantize(s->asymmetric, v, n_b, n, s->q, s->sf, s->zp);
		npu_recurrent_mat_vec(w, w_scale, s->asymmetric ? rows : NULL, s->q, s->sf,
				      s->zp, n_b, n, units, s->acc);
		return;
	}
	for (int b = 0; b < n_b; b++)
		for (int r = 0; r < units; r++) {
			const float *wr = (const float *)w + (size_t)r * n;
			float sum = 0.0f;

			for (int k = 0; k < n; k++)
				sum += wr[k] * v[b * n + k];
			s->acc[b * units + r] += sum;
		}
}

/* RnnBatchStep: @n_b rows of @x into @h and the output rows at @out. */
static void rnn_step(struct rnn_state *s, const struct npu_cpu_kernel_args *a, int d,
		     int n_b, const float *x, float *h, float *out)
{
	const struct rnn_cell *c = &s->cell[d];
	const int units = s->n_units[d];
	const float *bias = a->inputs[c->in[3]];

	for (int b = 0; b < n_b; b++)
		memcpy(s->acc + (size_t)b * units, bias, (size_t)units * sizeof(float));
	mat_vec(s, a->inputs[c->in[1]], c->w_scale, c->w_rows, x, n_b, s->n_input, units);
	mat_vec(s, a->inputs[c->in[2]], c->r_scale, c->r_rows, h, n_b, units, units);
	npu_recurrent_activation(s->activation, s->acc, n_b * units);
	memcpy(h, s->acc, (size_t)n_b * units * sizeof(float));
	for (int b = 0; b < n_b; b++)
		memcpy(out + (size_t)b * c->out_stride, s->acc + (size_t)b * units,
		       (size_t)units * sizeof(float));
}

static int rnn_invoke(const struct npu_cpu_kernel_args *a, void *state)
{
	struct rnn_state *s = state;

	for (int d = 0; d < s->ndirs; d++) {
		const struct rnn_cell *c = &s->cell[d];
		const int units = s->n_units[d];
		const float *x = a->inputs[c->in[0]];
		float *h = a->inputs[c->in[4]];
		float *out = (float *)a->outputs[c->out] + c->out_offset;

		for (int i = 0; i < s->max_time; i++) {
			const int t = d ? s->max_time - 1 - i : i;

			if (s->time_major || !s->sequence) {
				rnn_step(s, a, d, s->n_batch,
					 x + (size_t)t * s->n_batch * s->n_input, h,
					 out + (size_t)t * s->n_batch * c->out_stride);
				continue;
			}
			for (int b = 0; b < s->n_batch; b++) {
				const size_t step = (size_t)b * s->max_time + t;

				rnn_step(s, a, d, 1, x + step * s->n_input,
					 h + (size_t)b * units, out + step * c->out_stride);
			}
		}
	}
	return 0;
}

static const struct cpu_kernel rnn_kernel = {
	.prepare = rnn_prepare,
	.invoke = rnn_invoke,
	.release = rnn_release,
};

/* CPU only: float arithmetic. */
const struct npu_builtin_impl npu_builtin_rnn = { .cpu_kernel = &rnn_kernel };
