/* SPDX-License-Identifier: MIT */
/*
 * One direction of an LSTM over a sequence: the kernel of
 * UNIDIRECTIONAL_SEQUENCE_LSTM (unidirectional_sequence_lstm.c), which
 * BIDIRECTIONAL_SEQUENCE_LSTM runs twice.  Internal to libnpu/lower.
 */
#ifndef NPU_LSTM_DIRECTION_H
#define NPU_LSTM_DIRECTION_H

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

#endif /* NPU_LSTM_DIRECTION_H */
