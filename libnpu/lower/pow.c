// SPDX-License-Identifier: MIT
/*
 * POW on the CPU, float32 and int32 with broadcast, as TFLite's pow.cc:
 * std::pow elementwise (float: powf; int32: the double power converted
 * back to int32).  TFLite refuses a negative int32 exponent anywhere in
 * the second input before computing anything.  No command: the vector
 * unit has no power.
 */
#include <errno.h>
#include <math.h>

#include "lower.h"

/*
 * The double to int32 conversion as TFLite's reference platform (x86-64,
 * cvttsd2si) does it: truncation, and INT32_MIN for NaN and out of range
 * (which C leaves undefined).
 */
static int32_t cvt_f64_s32(double d)
{
	if (!(d > -2147483649.0 && d < 2147483648.0))
		return INT32_MIN;
	return (int32_t)d;
}

static int int32_pow(int32_t x, int32_t y, int32_t *r)
{
	*r = cvt_f64_s32(pow((double)x, (double)y));
	return 0;
}

static int pow_invoke(const struct npu_cpu_kernel_args *a, void *state)
{
	const struct lower_bcast *s = state;
	const float *x = a->inputs[0], *y = a->inputs[1];
	float *out = a->outputs[0];
	int32_t idx[MAX_RANK] = { 0 };
	size_t o1 = 0, o2 = 0;

	if (s->type == NPU_TYPE_INT32) {
		const int32_t *e = a->inputs[1];
		const size_t n = cpu_in(a->graph, a->op, 1)->elements;

		for (size_t i = 0; i < n; i++)
			if (e[i] < 0) {
				cpu_msg(a->err, a->errlen, "POW does not support negative value for int32");
				return -EINVAL;
			}
		return lower_int32_bcast_run(s, a, int32_pow);
	}
	for (size_t i = 0; i < s->count; i++) {
		out[i] = powf(x[o1], y[o2]);
		lower_bcast_next(s, idx, &o1, &o2);
	}
	return 0;
}

static const struct cpu_kernel kernel = {
	.prepare = lower_float_bcast_prepare,
	.invoke = pow_invoke,
};

/* POW: CPU only, float32 and int32. */
const struct npu_builtin_impl npu_builtin_pow = {
	.cpu_kernel = &kernel,
};
