/* SPDX-License-Identifier: MIT */
/*
 * What the recurrent builtins share, defined once in
 * unidirectional_sequence_lstm.c: one direction of an LSTM over a sequence
 * (the kernel of UNIDIRECTIONAL_SEQUENCE_LSTM, which BIDIRECTIONAL_SEQUENCE_LSTM
 * runs twice), and TFLite's tensor_utils steps of the float and hybrid
 * recurrent kernels (the RNN family, rnn.c).  Internal to libnpu/lower.
 */
#ifndef NPU_RECURRENT_H
#define NPU_RECURRENT_H

#include <stdbool.h>

#include "lower.h"

/*
 * Prepare @p's op, an UNIDIRECTIONAL_SEQUENCE_LSTM with TFLite's 20 or 24
 * inputs, whose output's last axis holds @out_extra more elements than the
 * cell's output (the other direction's), this direction's at @out_offset.
 */
int npu_lstm_prepare_direction(const struct cpu_prep *p, int out_extra, int out_offset,
			       void **state);
/* Run the whole sequence, from the last time step to the first if !@forward. */
void npu_lstm_run_direction(const struct npu_cpu_kernel_args *a, void *state, bool forward);
void npu_lstm_release(void *state);

/* tensor_utils::ApplyActivationToVector: Eigen's tanh, NONE, RELU* (not SIGMOID). */
void npu_recurrent_activation(int act, float *v, int n);
/* tensor_utils::IsZeroVector */
bool npu_recurrent_all_zero(const float *v, int n);
/* tensor_utils::BatchQuantizeFloats: @n_batch rows of @n, a scale (and zero point) each. */
void npu_recurrent_quantize(bool asymmetric, const float *v, int n_batch, int n, int8_t *q,
			    float *sf, int32_t *zp);
/*
 * Hybrid tensor_utils::MatrixBatchVectorMultiplyAccumulate: @out [n_batch,
 * n_out] += (float)(W q - row_sum * zp) * (sf * w_scale); @row_sums NULL
 * for symmetric inputs.
 */
void npu_recurrent_mat_vec(const int8_t *w, float w_scale, const int32_t *row_sums,
			   const int8_t *q, const float *sf, const int32_t *zp,
			   int n_batch, int n_in, int n_out, float *out);
/* The row sums of int8 @w [rows, cols] (malloc'ed; NULL when out of memory). */
int32_t *npu_recurrent_row_sums(const int8_t *w, int rows, int cols);

#endif /* NPU_RECURRENT_H */
