// SPDX-License-Identifier: MIT
/*
 * The float tanh and logistic TFLite's tensor_utils apply to vectors
 * (ApplyTanhToVector, ApplySigmoidToVector: Eigen), shared by the LSTM
 * gates and SVDF's fused activation.
 */
#include <math.h>
#include <stdbool.h>
#include <stdint.h>

#include "cpu_internal.h"

/*
 * Eigen's float tanh and logistic as TFLite's tensor_utils::
 * ApplyTanhToVector / ApplySigmoidToVector run them in the reference
 * interpreter's x86 build (measured: SSE packets of 4 floats, no FMA):
 * the packet code (ptanh_float, scalar_logistic_op::packetOp) on the
 * packets of the destination's aligned stretch, the scalar code before and
 * after it (tanh: the same rational function; logistic: exp(x) / (1 +
 * exp(x)) with libm's expf).  pmadd is a product then a sum, two roundings
 * (-std=c11 keeps the compiler from contracting them).
 */
#define EIGEN_PACKET 4

static float e_madd(float a, float b, float c)
{
	return a * b + c;
}

static float eigen_tanh(float a)
{
	static const float alpha[] = { 1.394553628e-8f, 2.102733560e-5f,
				       3.520756727e-3f, 1.340216100e-1f };
	static const float beta[] = { 8.015776984e-7f, 3.326951409e-4f,
				      2.597254514e-2f, 4.673548340e-1f, 1.0f };
	const float clampv = 7.90738964080810547f;	/* without FMA */
	const float x = fmaxf(fminf(a, clampv), -clampv);
	const float x2 = x * x, x3 = x2 * x;
	float p = alpha[0], q = beta[0];

	for (int i = 1; i < 4; i++)
		p = e_madd(p, x2, alpha[i]);
	for (int i = 1; i < 5; i++)
		q = e_madd(q, x2, beta[i]);
	p = e_madd(x3, p, x);
	return p / q;
}

static float eigen_logistic_packet(float in)
{
	float x = fminf(in, 16.6355324f), m, r, r2, p, e;
	int32_t ex;
	union { uint32_t u; float f; } two;

	x = x * 0.5f;
	m = floorf(e_madd(x, 1.44269504088896341f, 0.5f));
	r = e_madd(m, -0.693359375f, x);
	r = e_madd(m, 2.12194440e-4f, r);
	r2 = r * r;
	p = e_madd(r, e_madd(r2, 8.33471305668354034423828125e-3f, 0.16666877269744873046875f),
		   e_madd(r2, 4.1898667812347412109375e-2f, 0.49999141693115234375f));
	p = e_madd(r2, p, r + 1.0f);
	ex = (int32_t)fminf(fmaxf(m + 127.0f, 0.0f), 255.0f);
	two.u = (uint32_t)ex << 23;
	e = p * two.f;
	e = e * e;
	return in < -104.0f ? 0.0f : e / (1.0f + e);
}

/*
 * @offset: where @v starts in its TFLite buffer, in floats (the buffer
 * itself aligned): Eigen runs the scalar code up to the first aligned
 * float, whole packets, then the scalar code on the rest.
 */
void cpu_eigen_activation(float *v, int n, bool tanh_gate, int offset)
{
	const int pk = EIGEN_PACKET;
	int start = (pk - offset % pk) % pk, vec;

	if (start > n)
		start = n;
	vec = start + (n - start) / pk * pk;
	for (int i = 0; i < n; i++) {
		if (tanh_gate) {
			v[i] = eigen_tanh(v[i]);
		} else if (i >= start && i < vec) {
			v[i] = eigen_logistic_packet(v[i]);
		} else {
			const float e = expf(fminf(v[i], 16.6355324f));

			v[i] = e / (1.0f + e);
		}
	}
}
