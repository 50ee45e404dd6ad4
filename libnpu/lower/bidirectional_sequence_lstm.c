// SPDX-License-Identifier: MIT
/*
 * BIDIRECTIONAL_SEQUENCE_LSTM on the CPU, as TFLite's kernel
 * (bidirectional_sequence_lstm.cc): two UNIDIRECTIONAL_SEQUENCE_LSTM cells
 * over the same sequence, the backward one from the last time step to the
 * first, each writing its outputs at their own time step; with
 * merge_outputs both go to output 0, the forward cell's then the backward
 * cell's along the last axis, else to outputs 0 and 1.  Float32 and hybrid
 * (int8 weights), as TFLite; there is no integer form in TFLite.
 *
 * Each direction is the unidirectional kernel (recurrent.h) on a view
 * of this op's inputs in the unidirectional numbering.  Inputs: 0 input,
 * 1-17 the forward cell's weights, peepholes, biases and projection (as
 * the unidirectional op's 1-17), 18-34 the backward cell's, 35-36 the
 * forward output and cell states, 37-38 the backward ones, 39 an
 * auxiliary input and 40-47 its weights.  An auxiliary input without
 * weights is the backward cell's input (TFLite's "non-stacking" mode);
 * auxiliary weights (cross-linked stacking) are not supported.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "lower.h"
#include "recurrent.h"

enum {
	BI_INPUT = 0,
	BI_FW = 1,		/* 17 cell tensors per direction */
	BI_BW = 18,
	BI_CELL_TENSORS = 17,
	BI_RECURRENT_OUTPUT = 7,	/* recurrent-to-output weights, in a cell */
	BI_FW_STATES = 35,	/* output state, cell state */
	BI_BW_STATES = 37,
	BI_AUX_INPUT = 39,
	BI_AUX_WEIGHTS = 40,	/* 4 forward, 4 backward */
	BI_INPUTS = 48,
	UNI_INPUTS = 20,
};

struct bilstm_state {
	void *dir[2];			/* forward, backward */
	int32_t map[2][UNI_INPUTS];	/* unidirectional input -> this op's */
	uint32_t output[2];		/* this op's output of each direction */
};

static void bilstm_release(void *state)
{
	struct bilstm_state *s = state;

	if (!s)
		return;
	npu_lstm_release(s->dir[0]);
	npu_lstm_release(s->dir[1]);
	free(s);
}

/* The cell's output size (recurrent weights' columns), or -1. */
static int cell_output(const struct cpu_prep *p, int first)
{
	const struct npu_graph_tensor *w = cpu_in(p->g, p->op, first + BI_RECURRENT_OUTPUT);

	return w && w->rank == 2 ? w->shape[1] : -1;
}

static int bilstm_prepare(const struct cpu_prep *p, void **state)
{
	const struct npu_lstm_options *o = &p->op->options.lstm;
	const bool merge = o->merge_outputs != 0;
	struct bilstm_state *s;
	int n_out[2], ret = 0;

	if (p->op->num_inputs != BI_INPUTS || p->op->num_outputs != (merge ? 1u : 2u) ||
	    p->op->options_kind != NPU_OPTS_LSTM || !cpu_in(p->g, p->op, BI_INPUT))
		return lower_fail(p, "needs %d inputs, LSTM options and %d output(s) (has %u, %u)",
				  BI_INPUTS, merge ? 1 : 2, p->op->num_inputs,
				  p->op->num_outputs);
	if (cpu_in(p->g, p->op, BI_INPUT)->type != NPU_TYPE_FLOAT32) {
		cpu_msg(p->err, p->errlen, "%s input: TFLite's kernel is float32 or hybrid only",
			npu_type_name(cpu_in(p->g, p->op, BI_INPUT)->type));
		return -ENOTSUP;
	}
	for (int i = BI_AUX_WEIGHTS; i < BI_INPUTS; i++) {
		if (cpu_in(p->g, p->op, (uint32_t)i)) {
			cpu_msg(p->err, p->errlen,
				"auxiliary input weights (cross-linked stacking) are not supported");
			return -ENOTSUP;
		}
	}
	n_out[0] = cell_output(p, BI_FW);
	n_out[1] = cell_output(p, BI_BW);
	if (n_out[0] < 0 || n_out[1] < 0)
		return lower_fail(p, "recurrent-to-output weights must be 2-D");
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	for (int d = 0; d < 2; d++) {
		const int first = d ? BI_BW : BI_FW, states = d ? BI_BW_STATES : BI_FW_STATES;
		int32_t io[UNI_INPUTS + 1];
		struct npu_graph_op view = *p->op;
		struct cpu_prep vp = *p;
		char msg[256] = "";

		/* Non-stacking mode: the backward cell reads the auxiliary input. */
		s->map[d][0] = d && cpu_in(p->g, p->op, BI_AUX_INPUT) ? BI_AUX_INPUT : BI_INPUT;
		for (int i = 0; i < BI_CELL_TENSORS; i++)
			s->map[d][1 + i] = first + i;
		s->map[d][18] = states;
		s->map[d][19] = states + 1;
		s->output[d] = merge ? 0 : (uint32_t)d;
		for (int i = 0; i < UNI_INPUTS; i++)
			io[i] = p->op->inputs[s->map[d][i]];
		io[UNI_INPUTS] = p->op->outputs[s->output[d]];
		view.builtin = NPU_BUILTIN_UNIDIRECTIONAL_SEQUENCE_LSTM;
		view.num_inputs = UNI_INPUTS;
		view.inputs = io;
		view.num_outputs = 1;
		view.outputs = io + UNI_INPUTS;
		view.num_intermediates = 0;
		view.intermediates = NULL;
		view.options.lstm.diagonal_recurrent_tensors = 0;
		vp.op = &view;
		vp.err = msg;
		vp.errlen = sizeof(msg);
		ret = npu_lstm_prepare_direction(&vp, merge ? n_out[!d] : 0,
						 merge && d ? n_out[0] : 0, &s->dir[d]);
		if (ret) {
			/* The cell's input i is this op's input map[d][i]. */
			cpu_msg(p->err, p->errlen, "%s cell (inputs %d-%d): %s",
				d ? "backward" : "forward", first, first + BI_CELL_TENSORS - 1,
				msg);
			bilstm_release(s);
			return ret;
		}
	}
	*state = s;
	return 0;
}

static int bilstm_invoke(const struct npu_cpu_kernel_args *a, void *state)
{
	const struct bilstm_state *s = state;

	for (int d = 0; d < 2; d++) {
		void *in[UNI_INPUTS], *out = a->outputs[s->output[d]];
		struct npu_cpu_kernel_args da = *a;

		for (int i = 0; i < UNI_INPUTS; i++)
			in[i] = a->inputs[s->map[d][i]];
		da.inputs = in;
		da.outputs = &out;
		npu_lstm_run_direction(&da, s->dir[d], d == 0);
	}
	return 0;
}

static const struct cpu_kernel bilstm_kernel = {
	.prepare = bilstm_prepare,
	.invoke = bilstm_invoke,
	.release = bilstm_release,
};

/* CPU only, as the unidirectional LSTM. */
const struct npu_builtin_impl npu_builtin_bidirectional_sequence_lstm = {
	.cpu_kernel = &bilstm_kernel,
};
