// SPDX-License-Identifier: MIT
/* LOGISTIC and TANH tables for the firmware's LUT kernel. */
#include <errno.h>

#include "cpu_internal.h"

int cpu_prep_lut(const struct npu_graph *g, const struct npu_graph_op *op,
		 struct npu_cpu_prepared *out, char *err, size_t errlen)
{
	(void)g;
	(void)out;
	cpu_msg(err, errlen, "%s tables are not implemented yet",
		npu_op_name(op->builtin));
	return -ENOTSUP;
}
