// SPDX-License-Identifier: MIT
/*
 * LOGISTIC and TANH: validated as TFLite Micro's Prepare does, then turned
 * into a table for the firmware's LUT kernel, so compiler and CPU use the
 * same table.
 *
 * int8: the table holds, for each of the 256 inputs, exactly what TFLite's
 * reference_integer_ops::Logistic / Tanh compute (gemmlowp fixed point on a
 * Q4.27 input, with LogisticPrepare's multiplier, shift and input radius),
 * so the lookup is bit-exact with the reference.
 * int16: TFLite's 513-entry LUTPopulate table from the firmware library's
 * host helper.  TFLM's int16 reference interpolates its own 256-entry
 * sigmoid table at a different granularity, which a 513-entry table cannot
 * reproduce exactly: int16 LOGISTIC/TANH are close to, not bit-exact with,
 * TFLM.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>

#include "cpu_fixedpoint.h"
#include "cpu_internal.h"
#include "../../firmware/host/npu_fw_host.h"

/*
 * TFLM CalculateArithmeticOpDataLogistic / tanh Prepare for int8 and the
 * reference_integer_ops kernels, tabulated over all 256 inputs.
 */
static void int8_table(bool logistic, float in_scale, int32_t in_zp,
		       int8_t table[256])
{
	const int input_integer_bits = 4;
	const double real = (double)in_scale *
			    (double)(1 << (31 - input_integer_bits));
	int left_shift;
	const double q = frexp(real, &left_shift);
	const double qr = round(q * (double)(1LL << 31));
	const int32_t multiplier = qr >= 2147483647.0 ? INT32_MAX : (int32_t)qr;
	/* CalculateInputRadius(4, left_shift, 31). */
	const double radius_real =
		1.0 * ((1 << input_integer_bits) - 1) *
		(double)(1LL << (31 - input_integer_bits)) /
		ldexp(1.0, left_shift);
	const double radius_floor = floor(radius_real);
	const int32_t radius = radius_floor > 2147483647.0 ? INT32_MAX :
			       (int32_t)radius_floor;

	for (int32_t v = -128; v <= 127; v++) {
		const int32_t input = v - in_zp;
		int32_t out;

		if (input <= -radius) {
			out = -128;
		} else if (input >= radius) {
			out = 127;
		} else {
			const int32_t x = cpu_mbqm(input, multiplier, left_shift);

			if (logistic)
				out = cpu_rounding_divide_by_pot(
					fp_logistic(x, input_integer_bits),
					31 - 8) - 128;
			else
				out = cpu_rounding_divide_by_pot(
					fp_tanh(x, input_integer_bits), 31 - 7);
			out = out < -128 ? -128 : out > 127 ? 127 : out;
		}
		table[v + 128] = (int8_t)out;
	}
}

int cpu_prep_lut(const struct npu_graph *g, const struct npu_graph_op *op,
		 struct npu_cpu_prepared *out, char *err, size_t errlen)
{
	const bool logistic = op->builtin == NPU_BUILTIN_LOGISTIC;
	const struct npu_graph_tensor *in, *o;
	float (*fn)(float) = logistic ? npu_host_logistic : npu_host_tanh;
	struct npu_cpu_cmd *cmd;
	struct npu_lut_params *l;
	uint32_t dims[NPU_CS_MAX_DIMS];
	uint8_t dtype;

	if (op->num_inputs != 1 || op->num_outputs != 1 ||
	    !(in = cpu_in(g, op, 0)) || !(o = cpu_out(g, op, 0))) {
		cpu_msg(err, errlen, "needs one input and one output");
		return -EINVAL;
	}
	if (in->type != o->type ||
	    (in->type != NPU_TYPE_INT8 && in->type != NPU_TYPE_INT16)) {
		cpu_msg(err, errlen, "%s %s has no NPU kernel",
			npu_type_name(in->type), npu_op_name(op->builtin));
		return -ENOTSUP;
	}
	if (!in->quant.count || !o->quant.count || in->elements != o->elements) {
		cpu_msg(err, errlen,
			"input and output must be quantized and of one size");
		return -EINVAL;
	}
	if (in->rank > NPU_CS_MAX_DIMS) {
		cpu_msg(err, errlen, "rank %d is not supported", in->rank);
		return -ENOTSUP;
	}
	/* The reference kernels assume these output quantizations. */
	if (in->type == NPU_TYPE_INT8 && logistic &&
	    (cpu_zero_point(o) != -128 || cpu_scale(o) != 1.0f / 256)) {
		cpu_msg(err, errlen,
			"int8 LOGISTIC needs output scale 1/256 and zero point -128");
		return -EINVAL;
	}
	if (in->type == NPU_TYPE_INT8 && !logistic &&
	    (cpu_zero_point(o) != 0 || cpu_scale(o) != 1.0f / 128)) {
		cpu_msg(err, errlen,
			"int8 TANH needs output scale 1/128 and zero point 0");
		return -EINVAL;
	}
	if (in->type == NPU_TYPE_INT8 &&
	    (!(cpu_scale(in) > 0.0f) || !isfinite(cpu_scale(in)))) {
		cpu_msg(err, errlen, "input scale %g", cpu_scale(in));
		return -EINVAL;
	}
	if (in->type == NPU_TYPE_INT16) {
		int log2_out = 0;
		const float m = frexpf(cpu_scale(o), &log2_out);

		/* TFLM: symmetric int16 with output scale 2^-15. */
		if (cpu_zero_point(in) || cpu_zero_point(o) || m != 0.5f ||
		    log2_out - 1 != -15) {
			cpu_msg(err, errlen,
				"int16 %s needs zero points 0 and output scale 1/32768",
				npu_op_name(op->builtin));
			return -EINVAL;
		}
	}

	if (in->type == NPU_TYPE_INT8) {
		out->table = malloc(256);
		out->table_bytes = 256;
		dtype = NPU_DTYPE_INT8;
	} else {
		out->table = malloc(513 * sizeof(int16_t));
		out->table_bytes = 513 * sizeof(int16_t);
		dtype = NPU_DTYPE_INT16;
	}
	if (!out->table)
		return -ENOMEM;
	if (dtype == NPU_DTYPE_INT8)
		int8_table(logistic, cpu_scale(in), cpu_zero_point(in),
			   out->table);
	else
		npu_host_lut_s16(cpu_scale(in), cpu_zero_point(in), cpu_scale(o),
				 cpu_zero_point(o), fn, out->table);

	cmd = realloc(out->cmds, (out->num_cmds + 1) * sizeof(*cmd));
	if (!cmd)
		return -ENOMEM;
	out->cmds = cmd;
	cmd = &out->cmds[out->num_cmds++];
	*cmd = (struct npu_cpu_cmd){ .opcode = NPU_OP_LUT };
	l = &cmd->params.lut;
	/* Elementwise: the shape only needs the right element count. */
	for (int i = 0; i < in->rank; i++)
		dims[i] = (uint32_t)in->shape[i];
	if (in->rank == 0)
		dims[0] = 1;
	npu_tensor_set(&l->input, 0, dtype, cpu_zero_point(in),
		       in->rank ? (uint32_t)in->rank : 1, dims);
	npu_tensor_set(&l->output, 0, dtype, cpu_zero_point(o),
		       in->rank ? (uint32_t)in->rank : 1, dims);
	l->function = logistic ? NPU_LUT_LOGISTIC : NPU_LUT_TANH;
	return 0;
}
