// SPDX-License-Identifier: MIT
/*
 * uint8 CONV_2D and FULLY_CONNECTED (legacy asymmetric models) by exact
 * reformulation onto the int8 kernels (opt_conv.c), whose GEMM is left as
 * it is.  With x' = x - 128 and zero points less 128, every (x - zi) is
 * the same number, so only the filter needs care:
 *
 *  - FULLY_CONNECTED takes a filter zero point in int8 as it is: filter
 *    and input go in as int8 (top bit flipped), offsets less 128, and its
 *    scalar requantization writes the uint8 bytes as they are.
 *  - CONV_2D's int8 filter has no zero point, and f - zf spans
 *    [-255, 255].  Split w = f - zf into w1 + w2 (+ w3 for w = 255 alone),
 *    each in int8, and repeat the input channels: the int8 convolution
 *    over 2 (or 3) x Cin channels (x', x') by (w1, w2) sums exactly the
 *    firmware's products (when every w already fits int8, Cin channels of
 *    w).  The output is the int8
 *    requantization with output offset and clamp less 128, top bit flipped
 *    back: equal to the firmware's unless v + zero point wraps, which
 *    needs a multiplier within 512 of 2^31 and no right shift (declined).
 */
#include <stdlib.h>
#include <string.h>

#include "cpu_opt.h"
#include "npu_fw.h"

/* dst = src with every byte's top bit flipped (uint8 <-> int8 less 128), 8 bytes a step. */
static void flip_copy(void *dst, const void *src, size_t n)
{
	const uint64_t top = 0x8080808080808080ull;
	uint8_t *d = dst;
	const uint8_t *s = src;
	size_t i = 0;

	for (; i + 8 <= n; i += 8) {
		uint64_t w;

		memcpy(&w, s + i, 8);
		w ^= top;
		memcpy(d + i, &w, 8);
	}
	for (; i < n; i++)
		d[i] = s[i] ^ 0x80;
}

bool cpu_opt_fc_u8(const struct npu_fc_params *p, const uint8_t *in,
		   const uint8_t *filter, const int32_t *bias,
		   const int32_t *mult, const int32_t *shift, uint8_t *out,
		   enum cpu_isa isa)
{
	const size_t n_in = (size_t)p->input.dims[0] * p->input.dims[1];
	const size_t n_f = (size_t)p->output.dims[1] * p->input.dims[1];
	struct npu_fc_params q = *p;
	int8_t *x, *f;
	bool ok;

	if (p->input.zero_point < 0 || p->input.zero_point > 255 || p->filter.zero_point < 0 ||
	    p->filter.zero_point > 255 || p->act_min < 0 || p->act_max > 255 ||
	    p->act_min > p->act_max)
		return false;
	q.input.zero_point -= 128;
	q.filter.zero_point -= 128;
	x = malloc(n_in ? n_in : 1);
	f = malloc(n_f ? n_f : 1);
	ok = x && f;
	if (ok) {
		flip_copy(x, in, n_in);
		flip_copy(f, filter, n_f);
		/* Its clamp is scalar: uint8 bytes out as they are. */
		ok = cpu_opt_fc_s8(&q, x, f, bias, mult, shift, (int8_t *)out, isa);
	}
	free(x);
	free(f);
	return ok;
}

/* No channel's v + output zero point can wrap (see the top of the file). */
static bool rq_no_wrap(const struct npu_requant *rq, const int32_t *mult, const int32_t *shift,
		       uint32_t n)
{
	for (uint32_t c = 0; c < (rq->count ? n : 1); c++) {
		const int32_t m = rq->count ? mult[c] : rq->multiplier;
		const int32_t s = rq->count ? shift[c] : rq->shift;

		if (s >= 0 && (m < 0 || m > INT32_MAX - 512))
			return false;
	}
	return true;
}

bool cpu_opt_conv2d_u8(const struct npu_conv_params *p, const uint8_t *in,
		       const uint8_t *filter, const int32_t *bias,
		       const int32_t *mult, const int32_t *shift, uint8_t *out,
		       enum cpu_isa isa, struct npu_cpu_pool *pool)
{
	const uint32_t ic = p->input.dims[3], oc = p->output.dims[3];
	const size_t px = (size_t)p->input.dims[0] * p->input.dims[1] * p->input.dims[2];
	const size_t taps = (size_t)oc * p->filter.dims[1] * p->filter.dims[2];
	const size_t out_n = (size_t)p->output.dims[0] * p->output.dims[1] *
			     p->output.dims[2] * oc;
	const int32_t zf = p->filter.zero_point;
	struct npu_conv_params q = *p;
	uint32_t copies = 1;
	int8_t *x, *f;
	bool ok;

	if (p->filter.dims[3] != ic || p->input.zero_point < 0 || p->input.zero_point > 255 ||
	    zf < 0 || zf > 255 || p->act_min < 0 || p->act_max > 255 ||
	    p->act_min > p->act_max || !rq_no_wrap(&p->rq, mult, shift, oc))
		return false;
	for (size_t i = 0; i < taps * ic && copies < 3; i++) {
		const int32_t w = filter[i] - zf;

		if (w == 255)
			copies = 3;
		else if (w < -128 || w > 127)
			copies = 2;
	}
	q.input.dims[3] = q.filter.dims[3] = ic * copies;
	q.input.zero_point -= 128;
	q.filter.zero_point = 0;
	q.output.zero_point -= 128;
	q.act_min -= 128;
	q.act_max -= 128;
	x = malloc(px * ic * copies + 1);
	f = malloc(taps * ic * copies + 1);
	ok = x && f;
	if (ok) {
		if (copies == 1)
			flip_copy(x, in, px * ic);
		else
			for (size_t i = 0; i < px; i++)
				for (uint32_t k = 0; k < copies; k++)
					flip_copy(x + (i * copies + k) * ic, in + i * ic, ic);
		for (size_t t = 0; t < taps; t++)
			for (uint32_t c = 0; c < ic; c++) {
				int32_t w = filter[t * ic + c] - zf;

				/* Greedy: 255 = 127 + 127 + 1, the rest in two parts or one. */
				for (uint32_t k = 0; k < copies; k++) {
					const int32_t part = w < -128 ? -128 : w > 127 ? 127 : w;

					f[(t * copies + k) * ic + c] = (int8_t)part;
					w -= part;
				}
			}
		ok = cpu_opt_conv2d_s8(&q, x, f, bias, mult, shift, (int8_t *)out, isa, pool);
	}
	if (ok)
		flip_copy(out, out, out_n);
	free(x);
	free(f);
	return ok;
}
