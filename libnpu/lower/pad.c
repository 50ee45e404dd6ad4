// SPDX-License-Identifier: MIT
/*
 * PAD: TFLite's Prepare (pad.cc) lowered to the firmware's byte-moving
 * command (float data included).
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "lower.h"

static int lower_pad(const struct cpu_prep *p)
{
	const struct npu_graph_tensor *in, *pads, *cval, *out;
	struct npu_pad_params *pp;
	struct npu_cpu_cmd *cmd;
	int ret;

	ret = cpu_need_io(p, 2, 3, 1);
	if (ret)
		return ret;
	in = lower_in(p, 0);
	pads = lower_in(p, 1);
	cval = lower_in(p, 2);
	out = lower_out(p, 0);
	ret = lower_need_const_int(p, pads, "paddings");
	if (ret)
		return ret;
	if (in->type != out->type)
		return lower_fail(p, "input and output types differ");
	if (lower_quantized(out) && cpu_zero_point(in) != cpu_zero_point(out))
		return lower_fail(p, "input and output zero points differ");
	if (pads->elements != (size_t)in->rank * 2 || in->rank != out->rank)
		return lower_fail(p, "paddings must be [%d, 2]", in->rank);
	cmd = lower_add_cmd(p, NPU_CMD_PAD, 0);
	if (!cmd)
		return -ENOMEM;
	pp = &cmd->params.pad;
	ret = lower_set_in_out(p, &pp->input, &pp->output, in, out, 0, true);
	if (ret)
		return ret;
	for (int i = 0; i < in->rank; i++) {
		const int64_t before = lower_const_int(pads, 2 * (size_t)i);
		const int64_t after = lower_const_int(pads, 2 * (size_t)i + 1);

		if (before < 0 || after < 0 ||
		    in->shape[i] + before + after != out->shape[i])
			return lower_fail(p, "paddings of dimension %d do not give the output shape",
				    i);
		pp->before[i] = (uint32_t)before;
	}
	/* TFLite pads with the output zero point, or constant_values. */
	pp->pad_value = cpu_zero_point(out);
	if (cval) {
		if (!cval->data || cval->elements != 1 ||
		    cval->type != in->type)
			return lower_fail(p, "constant_values must be one constant of the input type");
		if (cval->type == NPU_TYPE_INT8)
			pp->pad_value = ((const int8_t *)cval->data)[0];
		else if (cval->type == NPU_TYPE_INT16)
			pp->pad_value = ((const int16_t *)cval->data)[0];
		else if (cval->type == NPU_TYPE_UINT8)
			pp->pad_value = ((const uint8_t *)cval->data)[0];
		else
			memcpy(&pp->pad_value, cval->data, 4);
	}
	if (in->type == NPU_TYPE_FLOAT32 && !cval)
		pp->pad_value = 0;	/* bits of 0.0f */
	return 0;
}

const struct npu_builtin_impl npu_builtin_pad = {
	.lower = lower_pad,
};
