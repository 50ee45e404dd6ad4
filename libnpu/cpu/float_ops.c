// SPDX-License-Identifier: MIT
/*
 * Float kernels for the ops of int8 models with float fallback: the float
 * versions of ops whose integer versions run on the firmware kernels.
 */
#include <errno.h>

#include "cpu_internal.h"

const struct cpu_kernel *cpu_float_kernel_find(int32_t builtin)
{
	(void)builtin;
	return NULL;
}
