// SPDX-License-Identifier: MIT
/*
 * Host-side parameter preparation, following TFLite's Prepare() code
 * (quantization_util.cc, kernel_util.cc, the TFLM *_common.cc files) so
 * that the integer parameters are bit-identical to TFLite's.
 */
#include <errno.h>
#include <math.h>
#include <string.h>

#include "npu_fw_host.h"

int npu_host_quantize_multiplier(double real, int32_t *multiplier, int *shift)
{
	double q;
	int64_t q_fixed;

	*multiplier = 0;
	*shift = 0;
	if (real == 0.0)
		return 0;
	/*
	 * TFLite only ever quantizes positive normal scales; anything else
	 * (NaN, infinity, a negative or subnormal value) comes from a damaged
	 * model and would make the round() below overflow int64.
	 */
	if (!isnormal(real) || real < 0.0)
		return -EINVAL;
	q = frexp(real, shift);
	q_fixed = (int64_t)round(q * (double)(1ll << 31));
	if (q_fixed == (1ll << 31)) {
		q_fixed /= 2;
		++*shift;
	}
	/* Below 2^-31 everything would be shifted out: flush to zero. */
	if (*shift < -31) {
		*shift = 0;
		q_fixed = 0;
	}
	if (*shift > 30) {
		*shift = 30;
		q_fixed = (1ll << 31) - 1;
	}
	*multiplier = (int32_t)q_fixed;
	return 0;
}

void npu_host_activation_range(enum npu_host_act act, float scale,
			       int32_t zero_point, uint32_t dtype,
			       int32_t *act_min, int32_t *act_max)
{
	int32_t qmin = dtype == NPU_DTYPE_INT16 ? -32768 :
		       dtype == NPU_DTYPE_UINT8 ? 0 : -128;
	int32_t qmax = dtype == NPU_DTYPE_INT16 ? 32767 :
		       dtype == NPU_DTYPE_UINT8 ? 255 : 127;
#define QUANT(f) (zero_point + (int32_t)roundf((f) / scale))
#define MAX(a, b) ((a) > (b) ? (a) : (b))
#define MIN(a, b) ((a) < (b) ? (a) : (b))

	*act_min = qmin;
	*act_max = qmax;
	switch (act) {
	case NPU_HOST_ACT_RELU:
		*act_min = MAX(qmin, QUANT(0.0f));
		break;
	case NPU_HOST_ACT_RELU6:
		*act_min = MAX(qmin, QUANT(0.0f));
		*act_max = MIN(qmax, QUANT(6.0f));
		break;
	case NPU_HOST_ACT_RELU_N1_TO_1:
		*act_min = MAX(qmin, QUANT(-1.0f));
		*act_max = MIN(qmax, QUANT(1.0f));
		break;
	default:
		break;
	}
#undef QUANT
#undef MAX
#undef MIN
}

int npu_host_conv_multipliers(float in_scale, const float *filter_scales,
			      uint32_t n_filter_scales, float out_scale,
			      uint32_t channels, int32_t *mult, int32_t *shift)
{
	uint32_t c;
	int ret = 0;

	for (c = 0; c < channels; c++) {
		double fs = filter_scales[n_filter_scales > 1 ? c : 0];
		double eff = (double)in_scale * fs / (double)out_scale;
		int s;

		if (npu_host_quantize_multiplier(eff, &mult[c], &s))
			ret = -EINVAL;
		shift[c] = s;
	}
	return ret;
}

int npu_host_fc_multiplier(float in_scale, float filter_scale, float out_scale,
			   int32_t *mult, int32_t *shift)
{
	double product = (double)(in_scale * filter_scale);
	int s, ret;

	ret = npu_host_quantize_multiplier(product / (double)out_scale, mult,
					   &s);
	*shift = s;
	return ret;
}

int npu_host_fc_scales(float in_scale, const float *filter_scales,
		       uint32_t n_filter_scales, float out_scale,
		       uint32_t channels, int32_t *lo, int32_t *hi)
{
	int ret = 0;

	for (uint32_t c = 0; c < channels; c++) {
		const double fs = filter_scales[n_filter_scales > 1 ? c : 0];
		const double eff = (double)in_scale * fs / (double)out_scale;
		uint64_t bits;

		if (!isfinite(eff) || signbit(eff))
			ret = -EINVAL;
		memcpy(&bits, &eff, sizeof(bits));
		lo[c] = (int32_t)(uint32_t)bits;
		hi[c] = (int32_t)(uint32_t)(bits >> 32);
	}
	return ret;
}

int npu_host_add_sub_params(float in1_scale, float in2_scale, float out_scale,
			    uint32_t dtype, struct npu_eltwise_params *p)
{
	double twice_max = 2 * (double)(in1_scale > in2_scale ? in1_scale :
					in2_scale);
	int s, ret = 0;

	p->left_shift = dtype == NPU_DTYPE_INT16 ? 15 : 20;
	ret |= npu_host_quantize_multiplier((double)in1_scale / twice_max,
					    &p->input1_multiplier, &s);
	p->input1_shift = s;
	ret |= npu_host_quantize_multiplier((double)in2_scale / twice_max,
					    &p->input2_multiplier, &s);
	p->input2_shift = s;
	ret |= npu_host_quantize_multiplier(twice_max /
					    ((double)(1 << p->left_shift) *
					     (double)out_scale),
					    &p->output_multiplier, &s);
	p->output_shift = s;
	return ret ? -EINVAL : 0;
}

int npu_host_mul_params(float in1_scale, float in2_scale, float out_scale,
			struct npu_eltwise_params *p)
{
	int s, ret;

	p->left_shift = 0;
	p->input1_multiplier = p->input1_shift = 0;
	p->input2_multiplier = p->input2_shift = 0;
	ret = npu_host_quantize_multiplier((double)in1_scale *
					   (double)in2_scale /
					   (double)out_scale,
					   &p->output_multiplier, &s);
	p->output_shift = s;
	return ret;
}

int npu_host_leaky_relu_params(float in_scale, float out_scale, float alpha,
			       struct npu_leaky_relu_params *p)
{
	const double ratio = (double)(in_scale * alpha / out_scale);
	int s, ret;

	/*
	 * A negative alpha is legal (TFLite quantizes the negative ratio as
	 * is): quantize its magnitude and negate the multiplier.
	 */
	ret = npu_host_quantize_multiplier(ratio < 0 ? -ratio : ratio,
					   &p->multiplier_alpha, &s);
	if (ratio < 0)
		p->multiplier_alpha = -p->multiplier_alpha;
	p->shift_alpha = s;
	ret |= npu_host_quantize_multiplier((double)(in_scale / out_scale),
					    &p->multiplier_identity, &s);
	p->shift_identity = s;
	return ret ? -EINVAL : 0;
}

int npu_host_mean_params(float in_scale, float out_scale, uint32_t count,
			 struct npu_mean_params *p)
{
	int s, ret, fold = 0;

	if (!count)
		return -EINVAL;
	ret = npu_host_quantize_multiplier((double)in_scale / (double)out_scale,
					   &p->multiplier, &s);
	/*
	 * TFLite's reference QuantizedMeanOrSum divides the multiplier by the
	 * count with floor(log2(count)) bits of headroom (at most 32, and at
	 * most what keeps the shift >= -31), truncating; the device then
	 * requantizes the sum once.
	 */
	while (fold < 32 && (count >> (fold + 1)))
		fold++;
	if (fold > 31 + s)
		fold = 31 + s;
	if (fold < 0)
		fold = 0;
	p->multiplier = (int32_t)(((int64_t)p->multiplier << fold) /
				  (int64_t)count);
	p->shift = s - fold;
	return ret;
}

float npu_host_logistic(float x)
{
	return 1.0f / (1.0f + expf(-x));
}

float npu_host_tanh(float x)
{
	return tanhf(x);
}
