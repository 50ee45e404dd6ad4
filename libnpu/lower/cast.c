// SPDX-License-Identifier: MIT
/*
 * CAST on the CPU: TFLite's static_cast between float32, int8, uint8,
 * int16, int32, int64 and bool (float to integer truncates toward zero;
 * to bool is "not zero").  Quantization is ignored, as TFLite does.
 */
#include <errno.h>
#include <stdlib.h>

#include "lower.h"

struct cast_data {
	enum npu_type from, to;
	size_t count;
};

static bool cast_type(enum npu_type t)
{
	switch (t) {
	case NPU_TYPE_FLOAT32: case NPU_TYPE_INT8: case NPU_TYPE_UINT8:
	case NPU_TYPE_INT16: case NPU_TYPE_INT32: case NPU_TYPE_INT64:
	case NPU_TYPE_BOOL:
		return true;
	default:
		return false;
	}
}

static int cast_prepare(const struct cpu_prep *p, void **state)
{
	const struct npu_graph_tensor *in, *out;
	struct cast_data *s;
	int ret = cpu_need_io(p, 1, 1, 1);

	if (ret)
		return ret;
	in = lower_in(p, 0);
	out = lower_out(p, 0);
	if (!cast_type(in->type) || !cast_type(out->type)) {
		cpu_msg(p->err, p->errlen, "CAST from %s to %s is not supported",
			npu_type_name(in->type), npu_type_name(out->type));
		return -ENOTSUP;
	}
	if (in->elements != out->elements)
		return lower_fail(p, "input and output sizes differ");
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->from = in->type;
	s->to = out->type;
	s->count = in->elements;
	*state = s;
	return 0;
}

/* Element @i as an integer (float: NaN-free truncation) or as a float. */
static int64_t load_int(enum npu_type t, const void *p, size_t i)
{
	switch (t) {
	case NPU_TYPE_FLOAT32: return (int64_t)((const float *)p)[i];
	case NPU_TYPE_INT8: return ((const int8_t *)p)[i];
	case NPU_TYPE_UINT8: return ((const uint8_t *)p)[i];
	case NPU_TYPE_INT16: return ((const int16_t *)p)[i];
	case NPU_TYPE_INT32: return ((const int32_t *)p)[i];
	case NPU_TYPE_INT64: return ((const int64_t *)p)[i];
	default: return ((const uint8_t *)p)[i] != 0;
	}
}

static float load_float(enum npu_type t, const void *p, size_t i)
{
	switch (t) {
	case NPU_TYPE_FLOAT32: return ((const float *)p)[i];
	case NPU_TYPE_INT32: return (float)((const int32_t *)p)[i];
	case NPU_TYPE_INT64: return (float)((const int64_t *)p)[i];
	default: return (float)load_int(t, p, i);
	}
}

static int cast_invoke(const struct npu_cpu_kernel_args *a, void *state)
{
	const struct cast_data *s = state;
	const void *in = a->inputs[0];
	void *out = a->outputs[0];

	for (size_t i = 0; i < s->count; i++) {
		switch (s->to) {
		case NPU_TYPE_FLOAT32:
			((float *)out)[i] = load_float(s->from, in, i);
			break;
		case NPU_TYPE_BOOL:
			((uint8_t *)out)[i] = s->from == NPU_TYPE_FLOAT32 ?
				((const float *)in)[i] != 0.0f :
				load_int(s->from, in, i) != 0;
			break;
		case NPU_TYPE_INT8:
			((int8_t *)out)[i] = (int8_t)load_int(s->from, in, i);
			break;
		case NPU_TYPE_UINT8:
			((uint8_t *)out)[i] = (uint8_t)load_int(s->from, in, i);
			break;
		case NPU_TYPE_INT16:
			((int16_t *)out)[i] = (int16_t)load_int(s->from, in, i);
			break;
		case NPU_TYPE_INT32:
			((int32_t *)out)[i] = (int32_t)load_int(s->from, in, i);
			break;
		default:
			((int64_t *)out)[i] = load_int(s->from, in, i);
			break;
		}
	}
	return 0;
}

static const struct cpu_kernel cast_kernel = {
	.prepare = cast_prepare,
	.invoke = cast_invoke,
};

/* CAST: CPU only (a type conversion, often of indices). */
const struct npu_builtin_impl npu_builtin_cast = {
	.cpu_kernel = &cast_kernel,
	.output_shape = lower_shape_same,
};
