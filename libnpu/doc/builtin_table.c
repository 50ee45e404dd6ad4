// SPDX-License-Identifier: MIT
/*
 * builtin-table: prints Documentation/builtins.inc, the table of the TFLite
 * builtins libnpu runs, per tensor type, and where (NPU or CPU).
 *
 * Nothing here lists builtins or their types.  The builtins are the rows
 * of the resolver table (lower/builtins.c, npu_builtin_find()); the types
 * and the placement are what the code answers when asked: every builtin
 * is offered one-op graphs of every shape family below (probes), for each
 * tensor type, and
 *  - "NPU" when its lowering (npu_cpu_prepare_op()) gives commands the
 *    firmware accepts within the hardware limits (npu_fw_check_cmd()), the
 *    compiler's own test for placing an op on the NPU;
 *  - "CPU" when the CPU executor has a kernel for it (npu_cpu_op_known());
 *  - "-" when no probe of any family is accepted.
 * The commands column is the firmware's names (npu_fw_cmd_name()) of the
 * commands the accepted NPU probes became.
 *
 * A probe that does not fit a builtin (wrong arity, shapes, options) is
 * refused like an unsupported type, so a cell can only be too pessimistic,
 * never claim a kernel that is not there; a builtin no probe fits at all
 * fails the program (make check), naming the builtin: add a probe family
 * for its shape below.  A new row of the resolver table, or a new type a
 * lowering accepts, shows up with no edit here.
 *
 * Usage: builtin-table [--quiet]   (the table on stdout)
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "npu_cpu.h"
#include "npu_fw.h"
#include "npu_graph.h"
#include "../lower/lower.h"

enum col { C_INT8, C_UINT8, C_INT16, C_FLOAT, C_HYBRID, C_INT32, C_BOOL, NCOL };

static const char *const col_name[NCOL] = {
	"int8", "uint8", "int16", "float32", "hybrid", "int32", "bool",
};

/*
 * A probe tensor.  Roles: 'x' an activation input of the column's type,
 * 'y' an output of that type, 'o' an output of every type in turn (CAST,
 * QUANTIZE...), 'I' an int32 output, 'B' a bool tensor (a comparison's
 * output, SELECT's condition), 'w' constant weights of the column's
 * weight type, 'b' a constant bias of its bias type, 'k' a constant of the
 * column's type, 'i' a constant int32 tensor holding @v, 'v' a variable
 * (state) of the column's weight type (float in the hybrid column), 'c' an LSTM cell state (int16 for
 * integer columns), 'm' an intermediate (an LSTM gate, int16), 'h' the
 * LSTM hidden-state intermediate (the column's type), 'z' / 'Z' a complex64
 * input / output (float32 column only: COMPLEX_ABS, REAL, IMAG, RFFT2D), '-'
 * an absent optional input.
 */
struct tspec {
	char role;
	int rank;
	int32_t shape[6];
	const int32_t *v;
};

#define MAX_T 50

struct probe {
	enum npu_options_kind kind;
	union npu_op_options opts;
	uint32_t nin, nout;
	struct tspec t[MAX_T];	/* inputs, then outputs, then intermediates */
	uint32_t nim;
};

#define D4 4, { 1, 4, 4, 8 }
static const int32_t v_axis2[] = { 2 }, v_axis3[] = { 3 }, v_axis0[] = { 0 };
static const int32_t v_shape16x8[] = { 16, 8 }, v_out_shape[] = { 1, 4, 4, 8 };
static const int32_t v_pads[] = { 0, 0, 1, 1, 1, 1, 0, 0 }, v_perm[] = { 0, 2, 1, 3 };
static const int32_t v_begin[] = { 0, 0, 0, 0 }, v_end[] = { 1, 2, 4, 8 };
static const int32_t v_ones[] = { 1, 1, 1, 1 }, v_tile[] = { 1, 2, 1, 1 };
static const int32_t v_block[] = { 2, 2 }, v_zero22[] = { 0, 0, 0, 0 };
static const int32_t v_size8[] = { 8, 8 }, v_splits[] = { 4, 4 }, v_idx[] = { 0, 1 };
static const int32_t v_fft[] = { 4, 8 };
static const int32_t v_two[] = { 2 }, v_four[] = { 4 }, v_seg[] = { 0, 0, 1, 1 };
static const int32_t v_shape48[] = { 4, 8 };

#define LSTM_W3 { 'w', 2, { 4, 4 } }, { 'w', 2, { 4, 4 } }, { 'w', 2, { 4, 4 } }
#define LSTM_B3 { 'b', 1, { 4 } }, { 'b', 1, { 4 } }, { 'b', 1, { 4 } }
#define LSTM_M4 { 'm', 0, { 0 } }, { 'm', 0, { 0 } }, { 'm', 0, { 0 } }, { 'm', 0, { 0 } }

/* The shape families (fields left out are zero: no constant values). */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
static const struct probe probes[] = {
	/* elementwise unary, softmax-like, leaky */
	{ NPU_OPTS_NONE, { .conv = { 0 } }, 1, 1, { { 'x', D4 }, { 'y', D4 } } },
	{ NPU_OPTS_NONE, { .conv = { 0 } }, 1, 1, { { 'x', D4 }, { 'o', D4 } } },
	{ NPU_OPTS_SOFTMAX, { .softmax = { 1.0f } }, 1, 1, { { 'x', D4 }, { 'y', D4 } } },
	{ NPU_OPTS_LEAKY_RELU, { .leaky_relu = { 0.25f } }, 1, 1, { { 'x', D4 }, { 'y', D4 } } },
	/* binary elementwise, with a constant operand (PRELU's alpha) */
	{ NPU_OPTS_ELTWISE, { .eltwise = { 0, 1 } }, 2, 1,
	  { { 'x', D4 }, { 'x', D4 }, { 'y', D4 } } },
	{ NPU_OPTS_NONE, { .conv = { 0 } }, 2, 1, { { 'x', D4 }, { 'k', 3, { 1, 1, 8 } }, { 'y', D4 } } },
	/* ... whose constant is int8 whatever the data (16x8 PRELU's alpha) */
	{ NPU_OPTS_NONE, { .conv = { 0 } }, 2, 1, { { 'x', D4 }, { 'w', 3, { 1, 1, 8 } }, { 'y', D4 } } },
	/* comparisons (bool output), SELECT / SELECT_V2 (bool condition) */
	{ NPU_OPTS_NONE, { .conv = { 0 } }, 2, 1, { { 'x', D4 }, { 'x', D4 }, { 'B', D4 } } },
	{ NPU_OPTS_NONE, { .conv = { 0 } }, 3, 1,
	  { { 'B', D4 }, { 'x', D4 }, { 'x', D4 }, { 'y', D4 } } },
	/* SHAPE */
	{ NPU_OPTS_NONE, { .conv = { 0 } }, 1, 1, { { 'x', D4 }, { 'I', 1, { 4 } } } },
	/* convolutions, fully connected, batch matmul */
	{ NPU_OPTS_CONV, { .conv = { NPU_PADDING_SAME, 1, 1, 1, 1, 0, 0, 0, 0, 0 } }, 3, 1,
	  { { 'x', D4 }, { 'w', 4, { 8, 3, 3, 8 } }, { 'b', 1, { 8 } }, { 'y', D4 } } },
	{ NPU_OPTS_CONV, { .conv = { NPU_PADDING_SAME, 1, 1, 1, 1, 1, 0, 0, 0, 0 } }, 3, 1,
	  { { 'x', D4 }, { 'w', 4, { 1, 3, 3, 8 } }, { 'b', 1, { 8 } }, { 'y', D4 } } },
	{ NPU_OPTS_TRANSPOSE_CONV, { .transpose_conv = { NPU_PADDING_SAME, 1, 1, 0, 0 } }, 4, 1,
	  { { 'i', 1, { 4 }, v_out_shape }, { 'w', 4, { 8, 3, 3, 8 } }, { 'x', D4 },
	    { 'b', 1, { 8 } }, { 'y', D4 } } },
	{ NPU_OPTS_FC, { .fc = { 0 } }, 3, 1,
	  { { 'x', 2, { 1, 8 } }, { 'w', 2, { 4, 8 } }, { 'b', 1, { 4 } }, { 'y', 2, { 1, 4 } } } },
	{ NPU_OPTS_BATCH_MATMUL, { .batch_matmul = { 0 } }, 2, 1,
	  { { 'x', 3, { 1, 4, 8 } }, { 'x', 3, { 1, 8, 4 } }, { 'y', 3, { 1, 4, 4 } } } },
	{ NPU_OPTS_BATCH_MATMUL, { .batch_matmul = { 0 } }, 2, 1,
	  { { 'x', 3, { 1, 4, 8 } }, { 'w', 3, { 1, 8, 4 } }, { 'y', 3, { 1, 4, 4 } } } },
	/* pooling, reductions, arg max */
	{ NPU_OPTS_POOL, { .pool = { NPU_PADDING_SAME, 1, 1, 2, 2, 0, 0, 0 } }, 1, 1,
	  { { 'x', D4 }, { 'y', D4 } } },
	{ NPU_OPTS_REDUCER, { .reducer = { 1 } }, 2, 1,
	  { { 'x', D4 }, { 'i', 1, { 1 }, v_axis2 }, { 'y', 4, { 1, 4, 1, 8 } } } },
	{ NPU_OPTS_NONE, { .conv = { 0 } }, 2, 1,
	  { { 'x', D4 }, { 'i', 1, { 1 }, v_axis3 }, { 'I', 3, { 1, 4, 4 } } } },
	/* data movement */
	{ NPU_OPTS_CONCAT, { .concat = { 3, 0 } }, 2, 1,
	  { { 'x', D4 }, { 'x', D4 }, { 'y', 4, { 1, 4, 4, 16 } } } },
	{ NPU_OPTS_RESHAPE, { .reshape = { -1, { 0 } } }, 2, 1,
	  { { 'x', D4 }, { 'i', 1, { 2 }, v_shape16x8 }, { 'y', 2, { 16, 8 } } } },
	{ NPU_OPTS_NONE, { .conv = { 0 } }, 2, 1,
	  { { 'x', D4 }, { 'i', 2, { 4, 2 }, v_pads }, { 'y', 4, { 1, 6, 6, 8 } } } },
	{ NPU_OPTS_NONE, { .conv = { 0 } }, 3, 1,
	  { { 'x', D4 }, { 'i', 2, { 4, 2 }, v_pads }, { 'k', 0, { 0 } },
	    { 'y', 4, { 1, 6, 6, 8 } } } },
	{ NPU_OPTS_AXIS, { .axis = { 0, 0, 0 } }, 2, 1,	/* MIRROR_PAD, REFLECT */
	  { { 'x', D4 }, { 'i', 2, { 4, 2 }, v_pads }, { 'y', 4, { 1, 6, 6, 8 } } } },
	{ NPU_OPTS_NONE, { .conv = { 0 } }, 2, 1, { { 'x', D4 }, { 'i', 1, { 4 }, v_perm }, { 'y', D4 } } },
	{ NPU_OPTS_STRIDED_SLICE, { .strided_slice = { 0 } }, 4, 1,
	  { { 'x', D4 }, { 'i', 1, { 4 }, v_begin }, { 'i', 1, { 4 }, v_end },
	    { 'i', 1, { 4 }, v_ones }, { 'y', 4, { 1, 2, 4, 8 } } } },
	{ NPU_OPTS_NONE, { .conv = { 0 } }, 3, 1,	/* SLICE: begin, size */
	  { { 'x', D4 }, { 'i', 1, { 4 }, v_begin }, { 'i', 1, { 4 }, v_end },
	    { 'y', 4, { 1, 2, 4, 8 } } } },
	{ NPU_OPTS_AXIS, { .axis = { 0, 2, 0 } }, 2, 1,
	  { { 'x', 2, { 4, 8 } }, { 'x', 2, { 4, 8 } }, { 'y', 3, { 2, 4, 8 } } } },
	{ NPU_OPTS_AXIS, { .axis = { 0, 2, 0 } }, 1, 2,
	  { { 'x', 3, { 2, 4, 8 } }, { 'y', 2, { 4, 8 } }, { 'y', 2, { 4, 8 } } } },
	{ NPU_OPTS_AXIS, { .axis = { 0, 2, 0 } }, 2, 2,	/* SPLIT: axis, input */
	  { { 'i', 0, { 0 }, v_axis3 }, { 'x', D4 }, { 'y', 4, { 1, 4, 4, 4 } },
	    { 'y', 4, { 1, 4, 4, 4 } } } },
	{ NPU_OPTS_AXIS, { .axis = { 0, 2, 0 } }, 3, 2,	/* SPLIT_V: input, sizes, axis */
	  { { 'x', D4 }, { 'i', 1, { 2 }, v_splits }, { 'i', 0, { 0 }, v_axis3 },
	    { 'y', 4, { 1, 4, 4, 4 } }, { 'y', 4, { 1, 4, 4, 4 } } } },
	{ NPU_OPTS_SQUEEZE, { .squeeze = { 0 } }, 1, 1, { { 'x', D4 }, { 'y', 3, { 4, 4, 8 } } } },
	{ NPU_OPTS_NONE, { .conv = { 0 } }, 2, 1,
	  { { 'x', D4 }, { 'i', 1, { 1 }, v_axis0 }, { 'y', 5, { 1, 1, 4, 4, 8 } } } },
	{ NPU_OPTS_NONE, { .conv = { 0 } }, 2, 1,
	  { { 'x', D4 }, { 'i', 1, { 4 }, v_tile }, { 'y', 4, { 1, 8, 4, 8 } } } },
	{ NPU_OPTS_AXIS, { .axis = { 0, 2, 0 } }, 1, 1,	/* SPACE_TO_DEPTH */
	  { { 'x', D4 }, { 'y', 4, { 1, 2, 2, 32 } } } },
	{ NPU_OPTS_AXIS, { .axis = { 0, 2, 0 } }, 1, 1,	/* DEPTH_TO_SPACE */
	  { { 'x', 4, { 1, 2, 2, 32 } }, { 'y', D4 } } },
	{ NPU_OPTS_NONE, { .conv = { 0 } }, 3, 1,	/* SPACE_TO_BATCH_ND */
	  { { 'x', D4 }, { 'i', 1, { 2 }, v_block }, { 'i', 2, { 2, 2 }, v_zero22 },
	    { 'y', 4, { 4, 2, 2, 8 } } } },
	{ NPU_OPTS_NONE, { .conv = { 0 } }, 3, 1,	/* BATCH_TO_SPACE_ND */
	  { { 'x', 4, { 4, 2, 2, 8 } }, { 'i', 1, { 2 }, v_block }, { 'i', 2, { 2, 2 }, v_zero22 },
	    { 'y', D4 } } },
	{ NPU_OPTS_RESIZE, { .resize = { 0 } }, 2, 1,
	  { { 'x', D4 }, { 'i', 1, { 2 }, v_size8 }, { 'y', 4, { 1, 8, 8, 8 } } } },
	{ NPU_OPTS_AXIS, { .axis = { 1, 0, 0 } }, 2, 1,	/* GATHER, axis 1 */
	  { { 'x', D4 }, { 'i', 1, { 2 }, v_idx }, { 'y', 4, { 1, 2, 4, 8 } } } },
	{ NPU_OPTS_NONE, { .conv = { 0 } }, 2, 1,	/* GATHER_ND */
	  { { 'x', D4 }, { 'i', 2, { 2, 1 }, v_zero22 }, { 'y', 4, { 2, 4, 4, 8 } } } },
	/* TOPK_V2: k = 4 of rows of 8; UNIQUE: values and indices */
	{ NPU_OPTS_NONE, { .conv = { 0 } }, 2, 2,
	  { { 'x', 2, { 4, 8 } }, { 'i', 0, { 0 }, v_four }, { 'y', 2, { 4, 4 } },
	    { 'I', 2, { 4, 4 } } } },
	{ NPU_OPTS_NONE, { .conv = { 0 } }, 1, 2,
	  { { 'x', 1, { 8 } }, { 'y', 1, { 8 } }, { 'I', 1, { 8 } } } },
	/* NON_MAX_SUPPRESSION_V4 / V5: 4 boxes, 2 selections, thresholds (sigma) */
	{ NPU_OPTS_NONE, { .conv = { 0 } }, 5, 2,
	  { { 'x', 2, { 4, 4 } }, { 'x', 1, { 4 } }, { 'i', 0, { 0 }, v_two }, { 'k', 0, { 0 } },
	    { 'k', 0, { 0 } }, { 'I', 1, { 2 } }, { 'I', 0, { 0 } } } },
	{ NPU_OPTS_NONE, { .conv = { 0 } }, 6, 3,
	  { { 'x', 2, { 4, 4 } }, { 'x', 1, { 4 } }, { 'i', 0, { 0 }, v_two }, { 'k', 0, { 0 } },
	    { 'k', 0, { 0 } }, { 'k', 0, { 0 } }, { 'I', 1, { 2 } }, { 'y', 1, { 2 } },
	    { 'I', 0, { 0 } } } },
	/* SCATTER_ND: 2 rows into [4, 8] */
	{ NPU_OPTS_NONE, { .conv = { 0 } }, 3, 1,
	  { { 'i', 2, { 2, 1 }, v_idx }, { 'x', 2, { 2, 8 } }, { 'i', 1, { 2 }, v_shape48 },
	    { 'y', 2, { 4, 8 } } } },
	/* SEGMENT_SUM, UNSORTED_SEGMENT_*: 4 rows into 2 segments */
	{ NPU_OPTS_NONE, { .conv = { 0 } }, 2, 1,
	  { { 'x', 2, { 4, 8 } }, { 'i', 1, { 4 }, v_seg }, { 'y', 2, { 2, 8 } } } },
	{ NPU_OPTS_NONE, { .conv = { 0 } }, 3, 1,
	  { { 'x', 2, { 4, 8 } }, { 'i', 1, { 4 }, v_seg }, { 'i', 0, { 0 }, v_two },
	    { 'y', 2, { 2, 8 } } } },
	/* CONV_3D: 2x2x2 filter over [1, 2, 4, 4, 8], VALID */
	{ NPU_OPTS_CONV3D, { .conv3d = { NPU_PADDING_VALID, 1, 1, 1, 1, 1, 1, 0 } }, 3, 1,
	  { { 'x', 5, { 1, 2, 4, 4, 8 } }, { 'w', 5, { 2, 2, 2, 8, 4 } }, { 'b', 1, { 4 } },
	    { 'y', 5, { 1, 1, 3, 3, 4 } } } },
	/* EMBEDDING_LOOKUP: ids, then rows of the column's type, or int8 (hybrid) */
	{ NPU_OPTS_NONE, { .conv = { 0 } }, 2, 1,
	  { { 'i', 1, { 2 }, v_idx }, { 'x', 2, { 4, 8 } }, { 'y', 2, { 2, 8 } } } },
	{ NPU_OPTS_NONE, { .conv = { 0 } }, 2, 1,
	  { { 'i', 1, { 2 }, v_idx }, { 'w', 2, { 4, 8 } }, { 'y', 2, { 2, 8 } } } },
	/* ONE_HOT: indices, depth 4, on and off values of the column's type */
	{ NPU_OPTS_AXIS, { .axis = { -1, 0, 0 } }, 4, 1,
	  { { 'i', 1, { 2 }, v_idx }, { 'i', 0, { 0 }, v_four }, { 'k', 0, { 0 } },
	    { 'k', 0, { 0 } }, { 'y', 2, { 2, 4 } } } },
	/* RANGE: three run-time scalars */
	{ NPU_OPTS_NONE, { .conv = { 0 } }, 3, 1,
	  { { 'x', 0, { 0 } }, { 'x', 0, { 0 } }, { 'x', 0, { 0 } }, { 'y', 1, { 4 } } } },
	/* complex: RFFT2D (fft_length 4 x 8), COMPLEX_ABS / REAL / IMAG */
	{ NPU_OPTS_NONE, { .conv = { 0 } }, 2, 1,
	  { { 'x', 3, { 1, 4, 8 } }, { 'i', 1, { 2 }, v_fft }, { 'Z', 3, { 1, 4, 5 } } } },
	{ NPU_OPTS_NONE, { .conv = { 0 } }, 1, 1, { { 'z', D4 }, { 'y', D4 } } },
	/* READ_VARIABLE, ASSIGN_VARIABLE: a variable and a tensor of its type */
	{ NPU_OPTS_NONE, { .conv = { 0 } }, 1, 1, { { 'v', D4 }, { 'y', D4 } } },
	{ NPU_OPTS_NONE, { .conv = { 0 } }, 2, 0, { { 'v', D4 }, { 'x', D4 } } },
	/* LOCAL_RESPONSE_NORMALIZATION: radius 2 along the channels */
	{ NPU_OPTS_LRN, { .lrn = { 2, 1.0f, 1.0f, 0.5f } }, 1, 1, { { 'x', D4 }, { 'y', D4 } } },
	/* SVDF, rank 1: 4 filters of 8 inputs, a memory of 2 */
	{ NPU_OPTS_SVDF, { .svdf = { 1, 0, 0 } }, 5, 1,
	  { { 'x', 2, { 1, 8 } }, { 'w', 2, { 4, 8 } }, { 'w', 2, { 4, 2 } }, { 'b', 1, { 4 } },
	    { 'v', 2, { 1, 8 } }, { 'y', 2, { 1, 4 } } } },
	/* UNIDIRECTIONAL_SEQUENCE_LSTM, CIFG, 2 steps of 4 inputs, 4 cells */
	{ NPU_OPTS_LSTM, { .lstm = { 0 } }, 20, 1,
	  { { 'x', 3, { 1, 2, 4 } }, { '-' }, LSTM_W3, { '-' }, LSTM_W3, { '-' }, { '-' }, { '-' },
	    { '-' }, LSTM_B3, { '-' }, { '-' }, { 'v', 2, { 1, 4 } }, { 'c', 2, { 1, 4 } },
	    { 'y', 3, { 1, 2, 4 } }, LSTM_M4, { 'h', 0, { 0 } } }, 5 },
	/*
	 * BIDIRECTIONAL_SEQUENCE_LSTM: that cell forwards (1-17) and
	 * backwards (18-34), their states (35-38), no auxiliary input
	 * (39-47), merged outputs
	 */
	{ NPU_OPTS_LSTM, { .lstm = { .merge_outputs = 1 } }, 48, 1,
	  { { 'x', 3, { 1, 2, 4 } }, { '-' }, LSTM_W3, { '-' }, LSTM_W3, { '-' }, { '-' }, { '-' },
	    { '-' }, LSTM_B3, { '-' }, { '-' },
	    { '-' }, LSTM_W3, { '-' }, LSTM_W3, { '-' }, { '-' }, { '-' },
	    { '-' }, LSTM_B3, { '-' }, { '-' },
	    { 'v', 2, { 1, 4 } }, { 'c', 2, { 1, 4 } }, { 'v', 2, { 1, 4 } }, { 'c', 2, { 1, 4 } },
	    { '-' }, { '-' }, { '-' }, { '-' }, { '-' }, { '-' }, { '-' }, { '-' }, { '-' },
	    { 'y', 3, { 1, 2, 8 } } } },
	/* RNN: one step; UNIDIRECTIONAL_SEQUENCE_RNN: 2 steps; bidirectional, merged */
	{ NPU_OPTS_LSTM, { .lstm = { 0 } }, 5, 1,
	  { { 'x', 2, { 1, 4 } }, { 'w', 2, { 4, 4 } }, { 'w', 2, { 4, 4 } }, { 'b', 1, { 4 } },
	    { 'v', 2, { 1, 4 } }, { 'y', 2, { 1, 4 } } } },
	{ NPU_OPTS_LSTM, { .lstm = { 0 } }, 5, 1,
	  { { 'x', 3, { 1, 2, 4 } }, { 'w', 2, { 4, 4 } }, { 'w', 2, { 4, 4 } }, { 'b', 1, { 4 } },
	    { 'v', 2, { 1, 4 } }, { 'y', 3, { 1, 2, 4 } } } },
	{ NPU_OPTS_LSTM, { .lstm = { .merge_outputs = 1 } }, 12, 1,
	  { { 'x', 3, { 1, 2, 4 } }, { 'w', 2, { 4, 4 } }, { 'w', 2, { 4, 4 } }, { 'b', 1, { 4 } },
	    { 'v', 2, { 1, 4 } }, { 'w', 2, { 4, 4 } }, { 'w', 2, { 4, 4 } }, { 'b', 1, { 4 } },
	    { 'v', 2, { 1, 4 } }, { '-' }, { '-' }, { '-' }, { 'y', 3, { 1, 2, 8 } } } },
	/* An update written into an activation at constant start indices */
	{ NPU_OPTS_NONE, { .conv = { 0 } }, 3, 1,
	  { { 'x', D4 }, { 'x', 4, { 1, 2, 4, 8 } }, { 'i', 1, { 4 }, v_begin }, { 'y', D4 } } },
	/*
	 * Control flow on an activation: WHILE over it (cond 1 says false,
	 * body 2 gives it back), IF on a bool choosing body 2 both ways.
	 */
	{ NPU_OPTS_CONTROL_FLOW, { .control_flow = { 1, 2 } }, 1, 1, { { 'x', D4 }, { 'y', D4 } } },
	{ NPU_OPTS_CONTROL_FLOW, { .control_flow = { 2, 2 } }, 2, 1,
	  { { 'B', 0, { 0 } }, { 'x', D4 }, { 'y', D4 } } },
	/* LSTM (the full kernel): one step of the same cell, [batch, n] */
	{ NPU_OPTS_LSTM, { .lstm = { 0 } }, 20, 1,
	  { { 'x', 2, { 1, 4 } }, { '-' }, LSTM_W3, { '-' }, LSTM_W3, { '-' }, { '-' }, { '-' },
	    { '-' }, LSTM_B3, { '-' }, { '-' }, { 'v', 2, { 1, 4 } }, { 'c', 2, { 1, 4 } },
	    { 'y', 2, { 1, 4 } }, LSTM_M4, { 'h', 0, { 0 } } }, 5 },
};
#pragma GCC diagnostic pop

#define NPROBES (sizeof(probes) / sizeof(probes[0]))

/* One probe graph: storage inside, as libnpu/tests/test_cpu_graph.h. */
struct pg {
	struct npu_graph g;
	struct npu_graph_tensor t[MAX_T];
	struct npu_graph_op op;
	int32_t io[MAX_T];
	float scale[MAX_T][8];
	int32_t zp[MAX_T][8];
	int32_t in[MAX_T], out[MAX_T];
	/* Control flow probes: subgraph 1 (cond: false), 2 (the identity). */
	struct npu_graph sub[2], *subs[3];
	struct npu_graph_tensor st[2][2];
	int32_t sub_io[2];
	uint8_t no;
	/* Graph constants are 16-byte aligned (npu_graph.h); last: build() clears the rest. */
	_Alignas(16) uint8_t data[MAX_T][8 * 4 * 3 * 3 * 8];
};

/*
 * Subgraphs for a WHILE or IF probe: the op's last input's tensor as the
 * variable; cond 1 gives a constant false, body 2 its input back.
 */
static void control_flow_subgraphs(struct pg *b, const struct npu_graph_tensor *var)
{
	b->no = 0;
	b->sub_io[0] = 0;
	b->sub_io[1] = 1;
	for (int k = 0; k < 2; k++) {
		struct npu_graph *g = &b->sub[k];

		b->st[k][0] = *var;
		b->st[k][0].data = NULL;
		g->tensors = b->st[k];
		g->num_tensors = k ? 1 : 2;
		g->num_inputs = g->num_outputs = 1;
		g->inputs = &b->sub_io[0];
		g->outputs = &b->sub_io[k ? 0 : 1];
		b->subs[k + 1] = g;
	}
	b->st[0][1] = (struct npu_graph_tensor){
		.name = (char *)"", .type = NPU_TYPE_BOOL, .data = &b->no, .data_size = 1,
		.elements = 1, .bytes = 1,
	};
	b->subs[0] = NULL;
	b->g.subgraphs = b->subs;
	b->g.num_subgraphs = 3;
}

/* Quantization of activations: inputs, and outputs per variant. */
struct q {
	float s;
	int32_t zp;
};

/*
 * Output quantizations a kernel may require: the input's; LOGISTIC and
 * SOFTMAX's 1/256; TANH's 1/128; LOG_SOFTMAX's 16/256 at the top.
 */
#define NVARIANTS 4
static const struct q q_out[3][NVARIANTS] = {	/* [int8, uint8, int16][variant] */
	{ { 0.05f, 0 }, { 1.0f / 256, -128 }, { 1.0f / 128, 0 }, { 16.0f / 256, 127 } },
	{ { 0.05f, 128 }, { 1.0f / 256, 0 }, { 1.0f / 128, 128 }, { 16.0f / 256, 255 } },
	{ { 1.0f / 1024, 0 }, { 1.0f / 32768, 0 }, { 1.0f / 32768, 0 }, { 1.0f / 4096, 0 } },
};

static const enum npu_type out_types[] = {
	NPU_TYPE_INT8, NPU_TYPE_UINT8, NPU_TYPE_INT16, NPU_TYPE_FLOAT32, NPU_TYPE_INT32,
	NPU_TYPE_INT64, NPU_TYPE_BOOL,
};

static enum npu_type col_type(enum col c)
{
	static const enum npu_type t[NCOL] = {
		NPU_TYPE_INT8, NPU_TYPE_UINT8, NPU_TYPE_INT16, NPU_TYPE_FLOAT32,
		NPU_TYPE_FLOAT32, NPU_TYPE_INT32, NPU_TYPE_BOOL,
	};
	return t[c];
}

/* The activation quantization of @type (variant @v), or scale 0. */
static struct q act_quant(enum npu_type type, int v)
{
	switch (type) {
	case NPU_TYPE_INT8: return q_out[0][v];
	case NPU_TYPE_UINT8: return q_out[1][v];
	case NPU_TYPE_INT16: return q_out[2][v];
	default: return (struct q){ 0.0f, 0 };
	}
}

static void set_tensor(struct pg *b, uint32_t i, const struct tspec *s, enum npu_type type,
		       struct q q, bool constant)
{
	struct npu_graph_tensor *t = &b->t[i];

	memset(t, 0, sizeof(*t));
	t->name = (char *)"";
	t->type = type;
	t->rank = s->rank;
	t->elements = 1;
	for (int d = 0; d < s->rank; d++) {
		t->shape[d] = s->shape[d];
		t->elements *= (size_t)s->shape[d];
	}
	t->bytes = t->elements * npu_type_size(type);
	if (q.s != 0.0f) {
		b->scale[i][0] = q.s;
		b->zp[i][0] = q.zp;
		t->quant.count = 1;
		t->quant.scale = b->scale[i];
		t->quant.zero_point = b->zp[i];
	}
	if (constant) {
		memset(b->data[i], 0, sizeof(b->data[i]));
		if (s->v)
			memcpy(b->data[i], s->v, t->elements * sizeof(int32_t));
		t->data = b->data[i];
		t->data_size = t->bytes;
	}
}

/*
 * Builds probe @p for builtin @builtin in column @c, output variant @v,
 * 'o' outputs of type @ot, weights of type @wt_force unless it is 0, with
 * one scale (@wmode 0) or one per channel along their first (1) or last
 * (2) dimension.  False when the probe has no form in @c.
 */
static bool build(struct pg *b, int32_t builtin, const struct probe *p, enum col c, int v,
		  enum npu_type ot, enum npu_type wt_force, int wmode)
{
	const enum npu_type ct = col_type(c);
	const struct q qin = act_quant(ct, 0);
	const bool integer = c != C_FLOAT && c != C_HYBRID;
	const enum npu_type wt = wt_force ? wt_force : c == C_UINT8 ? NPU_TYPE_UINT8 :
				 c == C_FLOAT ? NPU_TYPE_FLOAT32 : NPU_TYPE_INT8;
	const struct q wq = { c == C_FLOAT ? 0.0f : 0.02f, c == C_UINT8 ? 128 : 0 };
	uint32_t n = p->nin + p->nout + p->nim, ni = 0, no = 0;
	bool has_w = false;

	memset(b, 0, sizeof(*b) - sizeof(b->data));
	for (uint32_t i = 0; i < n; i++)
		has_w |= p->t[i].role == 'w';
	if ((c == C_HYBRID && !has_w) || ((c == C_INT32 || c == C_BOOL) && has_w) ||
	    (wmode && !has_w))
		return false;
	for (uint32_t i = 0; i < n; i++) {
		const struct tspec *s = &p->t[i];
		const enum npu_type bt = c == C_INT16 ? NPU_TYPE_INT64 :
					 integer ? NPU_TYPE_INT32 : NPU_TYPE_FLOAT32;
		const struct q bq = { integer ? qin.s * wq.s : 0.0f, 0 };
		const struct q q16 = { integer ? 1.0f / 2048 : 0.0f, 0 };
		const enum npu_type st = integer ? NPU_TYPE_INT16 : NPU_TYPE_FLOAT32;

		b->io[i] = (int32_t)i;
		switch (s->role) {
		case '-': b->io[i] = NPU_TENSOR_NONE; break;
		case 'x': set_tensor(b, i, s, ct, qin, false); break;
		case 'z':
		case 'Z':
			if (c != C_FLOAT)
				return false;
			set_tensor(b, i, s, NPU_TYPE_COMPLEX64, (struct q){ 0 }, false);
			break;
		case 'k': set_tensor(b, i, s, ct, qin, true); break;
		case 'y': set_tensor(b, i, s, ct, act_quant(ct, v), false); break;
		case 'o': set_tensor(b, i, s, ot, act_quant(ot, v), false); break;
		case 'h': set_tensor(b, i, s, ct, qin, false); break;
		case 'I': set_tensor(b, i, s, NPU_TYPE_INT32, (struct q){ 0 }, false); break;
		case 'B': set_tensor(b, i, s, NPU_TYPE_BOOL, (struct q){ 0 }, false); break;
		case 'w':
			set_tensor(b, i, s, wt, wq, true);
			if (wmode && wq.s != 0.0f) {
				int32_t dim = wmode == 1 ? 0 : s->rank - 1;

				b->t[i].quant.count = (uint32_t)s->shape[dim];
				b->t[i].quant.quantized_dimension = dim;
				for (int32_t k = 0; k < s->shape[dim] && k < 8; k++) {
					b->scale[i][k] = wq.s;
					b->zp[i][k] = wq.zp;
				}
			}
			break;
		case 'b': set_tensor(b, i, s, bt, bq, true); break;
		case 'i': set_tensor(b, i, s, NPU_TYPE_INT32, (struct q){ 0 }, true); break;
		case 'v':	/* hybrid: float state */
			set_tensor(b, i, s, c == C_HYBRID ? ct : wt,
				   act_quant(c == C_HYBRID ? ct : wt, 0), false);
			b->t[i].is_variable = true;
			break;
		case 'c':
			set_tensor(b, i, s, st, q16, false);
			b->t[i].is_variable = true;
			break;
		case 'm': set_tensor(b, i, s, st, (struct q){ q16.s * 2, 0 }, false); break;
		}
		if (i < p->nin && (s->role == 'x' || s->role == 'z'))
			b->in[ni++] = (int32_t)i;
		if (i >= p->nin && i < p->nin + p->nout)
			b->out[no++] = (int32_t)i;
	}
	b->g.num_tensors = n;
	b->g.tensors = b->t;
	b->g.num_ops = 1;
	b->g.ops = &b->op;
	b->g.num_inputs = ni;
	b->g.inputs = b->in;
	b->g.num_outputs = no;
	b->g.outputs = b->out;
	b->op.builtin = builtin;
	b->op.version = 1;
	b->op.num_inputs = p->nin;
	b->op.inputs = b->io;
	b->op.num_outputs = p->nout;
	b->op.outputs = b->io + p->nin;
	b->op.num_intermediates = p->nim;
	b->op.intermediates = p->nim ? b->io + p->nin + p->nout : NULL;
	b->op.options_kind = p->kind;
	b->op.options = p->opts;
	if (p->kind == NPU_OPTS_CONTROL_FLOW)
		control_flow_subgraphs(b, &b->t[p->nin - 1]);
	return true;
}

enum where { W_NONE, W_CPU, W_NPU };

struct row {
	enum where w[NCOL];
	bool cmd[NPU_CMD_COUNT];
};

/* Whether the op of @b goes to the NPU; its commands are marked in @r. */
static bool on_npu(const struct pg *b, struct row *r)
{
	struct npu_cpu_prepared *prep = NULL;
	char err[256];
	bool ok;

	if (!npu_builtin_npu_capable(b->op.builtin) ||
	    npu_cpu_prepare_op(&b->g, &b->op, &prep, err, sizeof(err)))
		return false;
	ok = prep->num_cmds > 0;
	for (uint32_t i = 0; ok && i < prep->num_cmds; i++) {
		struct npu_fw_reason reason = { 0 };

		ok = !npu_fw_check_cmd(prep->cmds[i].opcode, &prep->cmds[i].params,
				       sizeof(prep->cmds[i].params), NPU_FW_CHECK_HW_LIMITS,
				       &reason);
	}
	for (uint32_t i = 0; ok && i < prep->num_cmds; i++)
		if (prep->cmds[i].opcode < NPU_CMD_COUNT)
			r->cmd[prep->cmds[i].opcode] = true;
	npu_cpu_prepared_free(prep);
	return ok;
}

static const char *where_name(enum where w)
{
	return w == W_NPU ? "NPU" : w == W_CPU ? "CPU" : "-";
}

/* Where the op of @b runs; NPU commands are marked in @r. */
static enum where place(const struct pg *b, struct row *r)
{
	char why[256];

	if (on_npu(b, r))
		return W_NPU;
	return npu_cpu_op_known(&b->g, &b->op, why, sizeof(why)) ? W_CPU : W_NONE;
}

/*
 * Every probe family for @builtin in every column, output type, output
 * quantization variant and weight quantization; the best placement wins.
 * BUILTIN_TABLE_DEBUG=<builtin name> lists the accepted probes on stderr.
 */
static void probe_builtin(int32_t builtin, struct row *r)
{
	const char *debug = getenv("BUILTIN_TABLE_DEBUG");
	struct pg *b = malloc(sizeof(*b));
	struct row scratch;

	if (!b) {
		perror("builtin-table");
		exit(1);
	}
	for (int c = 0; c < NCOL; c++) {
		for (size_t p = 0; p < NPROBES && r->w[c] != W_NPU; p++) {
			const struct probe *pr = &probes[p];
			size_t nout = 1;

			for (uint32_t i = 0; i < pr->nin + pr->nout; i++)
				if (pr->t[i].role == 'o')
					nout = sizeof(out_types) / sizeof(out_types[0]);
			for (size_t o = 0; o < nout * NVARIANTS * 3; o++) {
				const int v = (int)(o / nout) % NVARIANTS;
				const int wmode = (int)(o / nout / NVARIANTS);
				const enum npu_type ot = out_types[o % nout];
				enum where w;

				if (!build(b, builtin, pr, (enum col)c, v, ot, 0, wmode))
					continue;
				w = place(b, c == C_HYBRID ? &scratch : r);
				/*
				 * Hybrid means the op reads its int8 weights: the same
				 * probe with int64 weights must be refused (SQUEEZE
				 * would take any extra input).
				 */
				if (w != W_NONE && c == C_HYBRID &&
				    build(b, builtin, pr, (enum col)c, v, ot, NPU_TYPE_INT64, wmode) &&
				    place(b, &scratch) != W_NONE)
					w = W_NONE;
				if (w > r->w[c])
					r->w[c] = w;
				if (w != W_NONE && debug && !strcmp(debug, npu_op_name(builtin)))
					fprintf(stderr, "%s %s: probe %zu, out %s, variant %d, weights %d: %s\n",
						npu_op_name(builtin), col_name[c], p, npu_type_name(ot),
						v, wmode, where_name(w));
			}
		}
	}
	free(b);
}

#define NAME_W 36
#define CELL_W 7
#define CMDS_W 60

static void rule(void)
{
	printf("%.*s  ", NAME_W, "=====================================================");
	for (int c = 0; c < NCOL; c++)
		printf("%.*s  ", CELL_W, "=========");
	printf("%.*s\n", CMDS_W, "============================================================");
}

/* The commands column, wrapped onto continuation lines of the row. */
static void print_row(const char *name, const struct row *r)
{
	char cmds[1024] = "";
	size_t len = 0, at = 0;

	for (uint32_t k = 0; k < NPU_CMD_COUNT; k++)
		if (r->cmd[k])
			len += (size_t)snprintf(cmds + len, sizeof(cmds) - len, "%s%s",
						len ? ", " : "", npu_fw_cmd_name(k));
	if (!len)
		snprintf(cmds, sizeof(cmds), "%s", "CPU only");
	len = strlen(cmds);
	do {
		size_t n = len - at;

		if (n > CMDS_W) {
			n = CMDS_W;
			while (n && cmds[at + n] != ' ')
				n--;
		}
		printf("%-*s  ", NAME_W, at ? "" : name);
		for (int c = 0; c < NCOL; c++)
			printf("%-*s  ", CELL_W, at ? "" : where_name(r->w[c]));
		printf("%.*s\n", (int)n, cmds + at);
		at += n;
		while (at < len && cmds[at] == ' ')
			at++;
	} while (at < len);
}

struct entry {
	const char *name;
	struct row r;
};

static int by_name(const void *a, const void *b)
{
	return strcmp(((const struct entry *)a)->name, ((const struct entry *)b)->name);
}

int main(int argc, char **argv)
{
	bool quiet = argc > 1 && !strcmp(argv[1], "--quiet");
	struct entry *e = calloc(1024, sizeof(*e));
	size_t n = 0;
	int unprobed = 0;

	if (!e) {
		perror("builtin-table");
		return 1;
	}
	for (int32_t k = 0; k < 1024; k++) {
		bool any = false;

		if (!npu_builtin_find(k))
			continue;
		e[n].name = npu_op_name(k);
		probe_builtin(k, &e[n].r);
		for (int c = 0; c < NCOL; c++)
			any |= e[n].r.w[c] != W_NONE;
		if (!any) {
			if (!quiet)
				fprintf(stderr, "builtin-table: no probe fits %s: add its shape family to libnpu/doc/builtin_table.c\n",
					e[n].name);
			unprobed++;
		}
		n++;
	}
	qsort(e, n, sizeof(*e), by_name);
	printf(".. Generated by `make -C libnpu builtin-table` (libnpu/doc/builtin_table.c)\n"
	       ".. from the resolver table and the lowerings: do not edit.\n\n");
	rule();
	printf("%-*s  ", NAME_W, "builtin");
	for (int c = 0; c < NCOL; c++)
		printf("%-*s  ", CELL_W, col_name[c]);
	printf("%s\n", "NPU commands");
	rule();
	for (size_t i = 0; i < n; i++)
		print_row(e[i].name, &e[i].r);
	rule();
	printf("\nCustom operators built in (resolved by name, run on the CPU):");
	for (size_t i = 0; npu_builtin_custom_name(i); i++)
		printf("%s ``%s``", i ? "," : "", npu_builtin_custom_name(i));
	printf(".\n");
	free(e);
	return unprobed ? 1 : 0;
}
