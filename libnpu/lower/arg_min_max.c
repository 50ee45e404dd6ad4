// SPDX-License-Identifier: MIT
/*
 * ARG_MAX / ARG_MIN over a constant axis: int8, uint8 or int16 input,
 * int32 or int64 output, lowered to the firmware's ARG_MAX/ARG_MIN
 * commands; float32, int32 and bool inputs on the CPU, as TFLite's
 * reference ArgMinMax: the first element of the axis, then each later one
 * that compares strictly greater (less), so ties keep the first index.
 * NaN inputs are not reproduced: TFLite's x86 build orders them its own
 * way (measured: not the reference loop's order).
 */
#include <errno.h>
#include <stdlib.h>

#include "lower.h"

/* The input types the NPU commands take (@npu) or the CPU kernel takes. */
static bool arg_type_ok(enum npu_type t, bool npu)
{
	if (npu)
		return t == NPU_TYPE_INT8 || t == NPU_TYPE_UINT8 || t == NPU_TYPE_INT16;
	return t == NPU_TYPE_FLOAT32 || t == NPU_TYPE_INT32 || t == NPU_TYPE_BOOL;
}

/*
 * The checks of both paths: *@in, *@out and the axis *@a (made
 * non-negative); -ENOTSUP (named) for the types the path has no kernel
 * for.
 */
static int arg_check(const struct cpu_prep *p, bool npu, const struct npu_graph_tensor **in,
		     const struct npu_graph_tensor **out, int64_t *a)
{
	const struct npu_graph_tensor *axis;
	int ret = cpu_need_io(p, 2, 2, 1);

	if (ret)
		return ret;
	*in = lower_in(p, 0);
	axis = lower_in(p, 1);
	*out = lower_out(p, 0);
	ret = lower_need_const_int(p, axis, "axis");
	if (ret)
		return ret;
	if (!arg_type_ok((*in)->type, npu) ||
	    ((*out)->type != NPU_TYPE_INT32 && (*out)->type != NPU_TYPE_INT64)) {
		cpu_msg(p->err, p->errlen, "%s %s to %s has no %s kernel",
			npu_type_name((*in)->type), npu_op_name(p->op->builtin),
			npu_type_name((*out)->type), npu ? "NPU" : "CPU");
		return -ENOTSUP;
	}
	if (axis->elements != 1)
		return lower_fail(p, "axis has %zu elements", axis->elements);
	if ((*in)->rank < 1 || (npu && (*in)->rank > NPU_CS_MAX_DIMS))
		return lower_fail(p, "rank-%d input", (*in)->rank);
	*a = lower_const_int(axis, 0);
	if (*a < 0)
		*a += (*in)->rank;
	if (*a < 0 || *a >= (*in)->rank)
		return lower_fail(p, "axis %lld out of range",
				  (long long)lower_const_int(axis, 0));
	if ((*out)->elements * (size_t)(*in)->shape[*a] != (*in)->elements ||
	    ((*in)->shape[*a] == 0 && (*out)->elements))
		return lower_fail(p, "output has %zu elements", (*out)->elements);
	return 0;
}

/* The input's shape without the constant axis. */
static int arg_shape(const struct npu_graph *g, const struct npu_graph_op *op, uint32_t o,
		     int32_t *dims)
{
	const struct npu_graph_tensor *in = cpu_in(g, op, 0);
	const int32_t *v;
	size_t n;
	int32_t a;
	int r = 0;

	v = lower_shape_ints(cpu_in(g, op, 1), &n);
	if (o || !in || !v || n != 1)
		return -1;
	a = v[0] < 0 ? v[0] + in->rank : v[0];
	if (a < 0 || a >= in->rank)
		return -1;
	for (int d = 0; d < in->rank; d++)
		if (d != a)
			dims[r++] = in->shape[d];
	return r;
}

static int lower_arg(const struct cpu_prep *p)
{
	const struct npu_graph_tensor *in, *out;
	struct npu_arg_params *ap;
	struct npu_cpu_cmd *cmd;
	uint32_t dims[NPU_CS_MAX_DIMS];
	int64_t a;
	int ret = arg_check(p, true, &in, &out, &a);

	if (ret)
		return ret;
	cmd = lower_add_cmd(p, p->op->builtin == NPU_BUILTIN_ARG_MAX ?
		      NPU_CMD_ARG_MAX : NPU_CMD_ARG_MIN, 0);
	if (!cmd)
		return -ENOMEM;
	ap = &cmd->params.arg;
	ret = lower_set_tensor(p, &ap->input, in, (uint32_t)in->rank, false, "input");
	if (ret)
		return ret;
	for (int i = 0; i < in->rank; i++)
		dims[i] = i == a ? 1 : (uint32_t)in->shape[i];
	ret = lower_set_tensor_dims(p, &ap->output, out, (uint32_t)in->rank, dims,
			      "output");
	ap->output.zero_point = 0;
	ap->axis = (uint32_t)a;
	return ret;
}

struct arg_state {
	bool is_max;
	enum npu_type in_type, out_type;
	size_t outer, axis, inner;
};

static int arg_cpu_prepare(const struct cpu_prep *p, void **state)
{
	const struct npu_graph_tensor *in, *out;
	struct arg_state *s;
	int64_t a;
	int ret = arg_check(p, false, &in, &out, &a);

	if (ret)
		return ret;
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->is_max = p->op->builtin == NPU_BUILTIN_ARG_MAX;
	s->in_type = in->type;
	s->out_type = out->type;
	s->outer = 1;
	for (int i = 0; i < a; i++)
		s->outer *= (size_t)in->shape[i];
	s->axis = (size_t)in->shape[a];
	s->inner = 1;
	for (int i = (int)a + 1; i < in->rank; i++)
		s->inner *= (size_t)in->shape[i];
	*state = s;
	return 0;
}

/* Element @i of the input as a double (exact for float32, int32, bool). */
static double arg_value(const struct arg_state *s, const void *in, size_t i)
{
	if (s->in_type == NPU_TYPE_FLOAT32)
		return ((const float *)in)[i];
	if (s->in_type == NPU_TYPE_INT32)
		return ((const int32_t *)in)[i];
	return ((const uint8_t *)in)[i] != 0;
}

static int arg_cpu_invoke(const struct npu_cpu_kernel_args *a, void *state)
{
	const struct arg_state *s = state;

	for (size_t o = 0; o < s->outer; o++) {
		for (size_t k = 0; k < s->inner; k++) {
			const size_t base = o * s->axis * s->inner + k;
			double best = arg_value(s, a->inputs[0], base);
			size_t best_i = 0;

			for (size_t i = 1; i < s->axis; i++) {
				const double v = arg_value(s, a->inputs[0], base + i * s->inner);

				if (s->is_max ? v > best : v < best) {
					best = v;
					best_i = i;
				}
			}
			if (s->out_type == NPU_TYPE_INT32)
				((int32_t *)a->outputs[0])[o * s->inner + k] = (int32_t)best_i;
			else
				((int64_t *)a->outputs[0])[o * s->inner + k] = (int64_t)best_i;
		}
	}
	return 0;
}

static const struct cpu_kernel arg_cpu_kernel = {
	.prepare = arg_cpu_prepare,
	.invoke = arg_cpu_invoke,
};

const struct npu_builtin_impl npu_builtin_arg_min_max = {
	.lower = lower_arg,
	/* float32 inputs; int32 and bool ones, which the lowering refuses */
	.float_kernel = &arg_cpu_kernel,
	.float_takes_int = true,
	.output_shape = arg_shape,
};
