// SPDX-License-Identifier: MIT
/*
 * COMPLEX_ABS, REAL and IMAG on the CPU, as TFLite's kernels
 * (complex_support.cc): complex64 in, float32 out (complex128 in, float64
 * out), same shape.  COMPLEX_ABS is std::abs of the complex value, which
 * libstdc++ computes with the C library's cabs: hypot of the two parts.
 * No NPU command: the NPU has no floating point.
 */
#include <errno.h>
#include <stdlib.h>

#include "lower.h"

struct complex_state {
	int32_t builtin;
	bool wide;		/* complex128 / float64 */
	size_t n;
};

static int complex_prepare(const struct cpu_prep *p, void **state)
{
	const struct npu_graph_tensor *in, *out;
	struct complex_state *s;
	enum npu_type real_type;
	int ret = cpu_need_unary(p, 1, &in, &out);

	if (ret)
		return ret;
	if (in->type != NPU_TYPE_COMPLEX64 && in->type != NPU_TYPE_COMPLEX128) {
		cpu_msg(p->err, p->errlen, "%s input is %s, expected complex64 or complex128",
			npu_op_name(p->op->builtin), npu_type_name(in->type));
		return -ENOTSUP;
	}
	real_type = in->type == NPU_TYPE_COMPLEX64 ? NPU_TYPE_FLOAT32 : NPU_TYPE_FLOAT64;
	ret = cpu_need_type(p, out, "output", real_type);
	if (ret)
		return ret;
	if (out->elements != in->elements)
		return lower_fail(p, "output has %zu elements, input %zu",
				  out->elements, in->elements);
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->builtin = p->op->builtin;
	s->wide = in->type == NPU_TYPE_COMPLEX128;
	s->n = in->elements;
	*state = s;
	return 0;
}

static int complex_invoke(const struct npu_cpu_kernel_args *a, void *state)
{
	const struct complex_state *s = state;

	for (size_t i = 0; i < s->n; i++) {
		if (s->wide) {
			const double *z = (const double *)a->inputs[0] + 2 * i;
			double *y = (double *)a->outputs[0] + i;

			if (s->builtin == NPU_BUILTIN_COMPLEX_ABS)
				*y = hypot(z[0], z[1]);
			else
				*y = z[s->builtin == NPU_BUILTIN_IMAG];
		} else {
			const float *z = (const float *)a->inputs[0] + 2 * i;
			float *y = (float *)a->outputs[0] + i;

			if (s->builtin == NPU_BUILTIN_COMPLEX_ABS)
				*y = hypotf(z[0], z[1]);
			else
				*y = z[s->builtin == NPU_BUILTIN_IMAG];
		}
	}
	return 0;
}

static const struct cpu_kernel complex_kernel = {
	.prepare = complex_prepare,
	.invoke = complex_invoke,
};

const struct npu_builtin_impl npu_builtin_complex = { .cpu_kernel = &complex_kernel };
