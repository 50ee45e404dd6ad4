// SPDX-License-Identifier: MIT AND Apache-2.0
/*
 * int16 LOGISTIC and TANH parameters for NPU_CMD_SIGMOID_S16, as TFLite
 * (Micro)'s Prepare computes them (logistic_common.cc, tanh_common.cc,
 * CheckedLog2 in quantization_util.h), and TFLite's sigmoid table.
 *
 * The table is data from TensorFlow Lite
 * (tensorflow/lite/kernels/internal/common.h, sigmoid_table_uint16;
 * identical in CMSIS-NN's arm_nntables.c), Copyright The TensorFlow
 * Authors, licensed under the Apache License, Version 2.0
 * (http://www.apache.org/licenses/LICENSE-2.0).  It is not a rounding of
 * sigmoid(i / 24) that can be recomputed: 44 of its entries differ from
 * round(65536 * sigmoid(i / 24)) by one, so bit-exactness needs the
 * published values.  It lives here, in the host library, and reaches the
 * device as a command operand: the firmware itself (also built into the
 * GPL kernel module) carries only the arithmetic.  The rest of this file
 * is MIT.
 */
#include <errno.h>
#include <math.h>
#include <stdbool.h>

#include "npu_fw_host.h"

const uint16_t npu_host_sigmoid_table[256] = {
	32768, 33451, 34133, 34813, 35493, 36169, 36843, 37513,
	38180, 38841, 39498, 40149, 40794, 41432, 42064, 42688,
	43304, 43912, 44511, 45102, 45683, 46255, 46817, 47369,
	47911, 48443, 48964, 49475, 49975, 50464, 50942, 51409,
	51865, 52311, 52745, 53169, 53581, 53983, 54374, 54755,
	55125, 55485, 55834, 56174, 56503, 56823, 57133, 57433,
	57724, 58007, 58280, 58544, 58800, 59048, 59288, 59519,
	59743, 59959, 60168, 60370, 60565, 60753, 60935, 61110,
	61279, 61441, 61599, 61750, 61896, 62036, 62172, 62302,
	62428, 62549, 62666, 62778, 62886, 62990, 63090, 63186,
	63279, 63368, 63454, 63536, 63615, 63691, 63765, 63835,
	63903, 63968, 64030, 64090, 64148, 64204, 64257, 64308,
	64357, 64405, 64450, 64494, 64536, 64576, 64614, 64652,
	64687, 64721, 64754, 64786, 64816, 64845, 64873, 64900,
	64926, 64950, 64974, 64997, 65019, 65039, 65060, 65079,
	65097, 65115, 65132, 65149, 65164, 65179, 65194, 65208,
	65221, 65234, 65246, 65258, 65269, 65280, 65291, 65301,
	65310, 65319, 65328, 65337, 65345, 65352, 65360, 65367,
	65374, 65381, 65387, 65393, 65399, 65404, 65410, 65415,
	65420, 65425, 65429, 65433, 65438, 65442, 65445, 65449,
	65453, 65456, 65459, 65462, 65465, 65468, 65471, 65474,
	65476, 65479, 65481, 65483, 65485, 65488, 65489, 65491,
	65493, 65495, 65497, 65498, 65500, 65501, 65503, 65504,
	65505, 65507, 65508, 65509, 65510, 65511, 65512, 65513,
	65514, 65515, 65516, 65517, 65517, 65518, 65519, 65520,
	65520, 65521, 65522, 65522, 65523, 65523, 65524, 65524,
	65525, 65525, 65526, 65526, 65526, 65527, 65527, 65528,
	65528, 65528, 65529, 65529, 65529, 65529, 65530, 65530,
	65530, 65530, 65531, 65531, 65531, 65531, 65531, 65532,
	65532, 65532, 65532, 65532, 65532, 65533, 65533, 65533,
	65533, 65533, 65533, 65533, 65533, 65534, 65534, 65534,
	65534, 65534, 65534, 65534, 65534, 65534, 65534, 65535,
};

/* TFLite CheckedLog2(): log2 in float, "integral" within 1e-3. */
static bool checked_log2(float x, int *log2_result)
{
	const float x_log2 = logf(x) * (1.0f / logf(2.0f));
	const float x_log2_rounded = roundf(x_log2);

	*log2_result = (int)x_log2_rounded;
	return fabsf(x_log2 - x_log2_rounded) < 1e-3f;
}

int npu_host_sigmoid_s16_params(float in_scale, float out_scale,
				uint32_t function,
				struct npu_sigmoid_s16_params *p)
{
	/* Q3.12 input: the table covers |x| < 8 * 4 / 3. */
	const int input_integer_bits = 3;
	int in_log2, out_log2, shift;
	bool pot;

	if (!(in_scale > 0.0f) || !isfinite(in_scale) ||
	    !(out_scale > 0.0f) || !isfinite(out_scale) ||
	    (function != NPU_LUT_LOGISTIC && function != NPU_LUT_TANH))
		return -EINVAL;
	/* The output is Q0.15. */
	if (!checked_log2(out_scale, &out_log2) || out_log2 != -15)
		return -EINVAL;
	pot = checked_log2(in_scale, &in_log2);
	shift = (15 - input_integer_bits) + in_log2;
	/* TANH also takes the factor 2 of tanh(x) = 2 sigmoid(2x) - 1. */
	pot = pot && (shift == 0 || (function == NPU_LUT_TANH && shift == 1));
	if (pot) {
		p->input_multiplier = 0;
		p->input_left_shift = shift;
		return 0;
	}
	{
		/* Rescale to 1 / (3 * 4096) per unit, 15 significant bits. */
		double multiplier = (double)in_scale * 4096.0 * 3.0;

		shift = 0;
		while (multiplier <= 32767.0 / 2.0 && shift <= 30) {
			shift++;
			multiplier *= 2.0;
		}
		/* TFLite only DCHECKs this: larger scales would overflow. */
		if (multiplier > 32767.0)
			return -ERANGE;
		/* Below ~6e-10 the multiplier would truncate to 0 (which
		 * means "power of two" to the kernel). */
		if (multiplier < 1.0)
			return -ERANGE;
		p->input_multiplier = (int32_t)multiplier;
		p->input_left_shift = shift;
	}
	return 0;
}
