// SPDX-License-Identifier: MIT
/*
 * SIGN on the CPU (sign.cc): 1, -1 or 0 per element of float32, float64
 * or int32 (the output the input's type): x > 0 gives 1, x < 0 gives -1,
 * anything else 0 (so a NaN gives 0, and -0.0 gives 0).  No command: the
 * builtin has no quantized form.
 */
#include <errno.h>
#include <stdlib.h>

#include "lower.h"

struct sign_data {
	enum npu_type type;
	size_t count;
};

static int sign_prepare(const struct cpu_prep *p, void **state)
{
	const struct npu_graph_tensor *in, *out;
	struct sign_data *s;
	int ret = cpu_need_unary(p, 1, &in, &out);

	if (ret)
		return ret;
	if (in->type != NPU_TYPE_FLOAT32 && in->type != NPU_TYPE_FLOAT64 &&
	    in->type != NPU_TYPE_INT32) {
		cpu_msg(p->err, p->errlen, "SIGN of %s is not supported (float32, float64, int32)",
			npu_type_name(in->type));
		return -ENOTSUP;
	}
	if (out->type != in->type || out->elements != in->elements)
		return lower_fail(p, "SIGN's output must be its input's type and size");
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->type = in->type;
	s->count = in->elements;
	*state = s;
	return 0;
}

static int sign_invoke(const struct npu_cpu_kernel_args *a, void *state)
{
	const struct sign_data *s = state;

	for (size_t i = 0; i < s->count; i++) {
		switch (s->type) {
		case NPU_TYPE_FLOAT32: {
			const float x = ((const float *)a->inputs[0])[i];

			((float *)a->outputs[0])[i] = x > 0 ? 1.0f : x < 0 ? -1.0f : 0.0f;
			break;
		}
		case NPU_TYPE_FLOAT64: {
			const double x = ((const double *)a->inputs[0])[i];

			((double *)a->outputs[0])[i] = x > 0 ? 1.0 : x < 0 ? -1.0 : 0.0;
			break;
		}
		default: {
			const int32_t x = ((const int32_t *)a->inputs[0])[i];

			((int32_t *)a->outputs[0])[i] = x > 0 ? 1 : x < 0 ? -1 : 0;
			break;
		}
		}
	}
	return 0;
}

static const struct cpu_kernel kernel = {
	.prepare = sign_prepare,
	.invoke = sign_invoke,
};

/* SIGN: CPU only. */
const struct npu_builtin_impl npu_builtin_sign = {
	.cpu_kernel = &kernel,
	.output_shape = lower_shape_same,
};
