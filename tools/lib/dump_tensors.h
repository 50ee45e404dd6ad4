/* SPDX-License-Identifier: MIT */
/*
 * npu-run --dump-tensors DIR: every tensor the model's ops compute, from
 * libnpu's CPU executor (the bytes the NPU path must equal), for comparing
 * a run op by op with another implementation (tools/npu-verify).
 */
#ifndef NPU_TOOLS_DUMP_TENSORS_H
#define NPU_TOOLS_DUMP_TENSORS_H

#include <stddef.h>
#include "npu_model.h"

/*
 * Runs the graph of the model file @path once on the CPU executor with the
 * inputs @m holds (npu_model_input_buffer()) and writes, for each op in
 * order, each of its outputs to DIR/t<index>.bin (raw bytes) and a line
 * "<tensor> <op> <OP_NAME> <type> <d0,d1,...> <name>" to DIR/tensors.txt.
 * An op that fails stops the run: what came before is written and the
 * error names the op.  Returns 0 or a negative errno with @err.
 */
int dump_tensors(const char *path, struct npu_model *m, const char *dir, char *err,
		 size_t errlen);

#endif
