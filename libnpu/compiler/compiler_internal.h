/* SPDX-License-Identifier: MIT */
/* Internal interfaces between the compiler's files. */
#ifndef NPU_COMPILER_INTERNAL_H
#define NPU_COMPILER_INTERNAL_H

#include <stdarg.h>
#include <stdint.h>

#include "npu_graph.h"
#include "npu_model_format.h"
#include "arena.h"
#include "../format/blob.h"
#include "npu_util.h"

#endif /* NPU_COMPILER_INTERNAL_H */
