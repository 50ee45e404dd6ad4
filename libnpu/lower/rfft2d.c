// SPDX-License-Identifier: MIT
/*
 * RFFT2D on the CPU, as TFLite's kernel (rfft2d.cc): the 2-D discrete
 * Fourier transform of the last two axes of a float32 tensor, cropped or
 * zero-padded to the constant fft_length [height, width] (powers of two),
 * keeping the width / 2 + 1 non-negative frequencies of the last axis;
 * complex64 out, forward sign exp(-2 pi i k n / N), no scaling.
 *
 * TFLite computes it in double with its own copy of Ooura's fft2d and
 * rounds each result to float.  This is a plain radix-2 transform in
 * double: both are within a few double ulps of the exact sums, far below a
 * float ulp, so the float results agree except where a value sits on a
 * float rounding boundary or is a cancellation residue near zero (then
 * within npu-verify's float tolerance; Documentation/cpu-fallback.rst).
 * No NPU command: the NPU has no floating point.
 */
#include <errno.h>
#include <stdlib.h>

#include "lower.h"

struct rfft2d_state {
	size_t slices;		/* product of the leading axes */
	size_t in_h, in_w;	/* input's last two axes */
	size_t fft_h, fft_w;	/* fft_length */
};

static bool power_of_two(int64_t v)
{
	return v > 0 && !(v & (v - 1));
}

static int rfft2d_prepare(const struct cpu_prep *p, void **state)
{
	const struct npu_graph_tensor *in, *len, *out;
	struct rfft2d_state *s;
	int64_t h, w;
	int ret = cpu_need_io(p, 2, 2, 1);

	if (ret)
		return ret;
	in = lower_in(p, 0);
	len = lower_in(p, 1);
	out = lower_out(p, 0);
	ret = cpu_need_type(p, in, "input", NPU_TYPE_FLOAT32);
	if (!ret)
		ret = cpu_need_type(p, out, "output", NPU_TYPE_COMPLEX64);
	if (!ret)
		ret = cpu_need_type(p, len, "fft_length", NPU_TYPE_INT32);
	if (ret)
		return ret;
	/* A run-time fft_length would make the output shape dynamic. */
	if (!len->data) {
		cpu_msg(p->err, p->errlen, "a run-time fft_length is not supported");
		return -ENOTSUP;
	}
	if (len->rank != 1 || len->elements != 2)
		return lower_fail(p, "fft_length has %zu elements, expected 2",
				  len->elements);
	h = lower_const_int(len, 0);
	w = lower_const_int(len, 1);
	/* fft2d only handles powers of two; TFLite's Prepare checks it. */
	if (!power_of_two(h) || !power_of_two(w) || h > (1 << 20) || w > (1 << 20))
		return lower_fail(p, "fft_length %lld x %lld is not a power of two",
				  (long long)h, (long long)w);
	/*
	 * fft2d's rdft2d needs rows of at least 2: TFLite's results for a
	 * width of 1 are not the transform (its imaginary part gets the sum).
	 */
	if (w < 2) {
		cpu_msg(p->err, p->errlen, "an fft_length width of 1 is not supported");
		return -ENOTSUP;
	}
	if (in->rank < 2 || out->rank != in->rank)
		return lower_fail(p, "input rank %d, output rank %d (expected equal, >= 2)",
				  in->rank, out->rank);
	for (int i = 0; i < in->rank - 2; i++)
		if (out->shape[i] != in->shape[i])
			return lower_fail(p, "output axis %d is %d, input's %d", i,
					  out->shape[i], in->shape[i]);
	if (out->shape[in->rank - 2] != h || out->shape[in->rank - 1] != w / 2 + 1)
		return lower_fail(p, "output's last axes are %d x %d, expected %lld x %lld",
				  out->shape[in->rank - 2], out->shape[in->rank - 1],
				  (long long)h, (long long)(w / 2 + 1));
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->in_h = (size_t)in->shape[in->rank - 2];
	s->in_w = (size_t)in->shape[in->rank - 1];
	s->fft_h = (size_t)h;
	s->fft_w = (size_t)w;
	s->slices = s->in_h && s->in_w ? in->elements / (s->in_h * s->in_w) :
		    out->elements / (s->fft_h * (s->fft_w / 2 + 1));
	*state = s;
	return 0;
}

/* cos and sin of 2 pi k / n for k < n / 2: one transform length's twiddles. */
static void twiddles(size_t n, double *c, double *sn)
{
	for (size_t k = 0; k < n / 2; k++) {
		c[k] = cos(2.0 * M_PI * (double)k / (double)n);
		sn[k] = sin(2.0 * M_PI * (double)k / (double)n);
	}
}

/* In place forward complex DFT of length @n (a power of two), radix 2. */
static void fft(double *re, double *im, size_t n, const double *c,
		const double *sn)
{
	for (size_t i = 1, j = 0; i < n; i++) {
		size_t bit = n >> 1;

		for (; j & bit; bit >>= 1)
			j ^= bit;
		j |= bit;
		if (i < j) {
			double t = re[i];

			re[i] = re[j];
			re[j] = t;
			t = im[i];
			im[i] = im[j];
			im[j] = t;
		}
	}
	for (size_t m = 2; m <= n; m <<= 1) {
		const size_t half = m / 2, step = n / m;

		for (size_t base = 0; base < n; base += m)
			for (size_t k = 0; k < half; k++) {
				const size_t a = base + k, b = a + half;
				const double wr = c[k * step], wi = -sn[k * step];
				const double tr = wr * re[b] - wi * im[b];
				const double ti = wr * im[b] + wi * re[b];

				re[b] = re[a] - tr;
				im[b] = im[a] - ti;
				re[a] += tr;
				im[a] += ti;
			}
	}
}

static int rfft2d_invoke(const struct npu_cpu_kernel_args *a, void *state)
{
	const struct rfft2d_state *s = state;
	const size_t h = s->fft_h, w = s->fft_w, cols = w / 2 + 1;
	const size_t rows = s->in_h < h ? s->in_h : h;
	const size_t used = s->in_w < w ? s->in_w : w;
	const size_t line = h > w ? h : w;
	const float *x = a->inputs[0];
	float *y = a->outputs[0];
	/* The half spectrum of each row, then one row / column in flight. */
	double *spec = malloc(sizeof(double) * 2 * h * cols);
	double *re = malloc(sizeof(double) * 2 * line);
	double *tw = malloc(sizeof(double) * 2 * (h + w));
	double *im, *ch, *sh, *cw, *sw;

	if (!spec || !re || !tw) {
		free(spec);
		free(re);
		free(tw);
		return -ENOMEM;
	}
	im = re + line;
	ch = tw;
	sh = ch + h;
	cw = sh + h;
	sw = cw + w;
	twiddles(h, ch, sh);
	twiddles(w, cw, sw);
	for (size_t sl = 0; sl < s->slices; sl++) {
		/* Rows: real input (imaginary 0), cropped or zero-padded. */
		for (size_t r = 0; r < h; r++) {
			for (size_t c = 0; c < w; c++) {
				re[c] = r < rows && c < used ? (double)x[r * s->in_w + c] : 0.0;
				im[c] = 0.0;
			}
			fft(re, im, w, cw, sw);
			for (size_t c = 0; c < cols; c++) {
				spec[2 * (r * cols + c)] = re[c];
				spec[2 * (r * cols + c) + 1] = im[c];
			}
		}
		/* Columns of the half spectrum, rounded to float once. */
		for (size_t c = 0; c < cols; c++) {
			for (size_t r = 0; r < h; r++) {
				re[r] = spec[2 * (r * cols + c)];
				im[r] = spec[2 * (r * cols + c) + 1];
			}
			fft(re, im, h, ch, sh);
			for (size_t r = 0; r < h; r++) {
				y[2 * (r * cols + c)] = (float)re[r];
				y[2 * (r * cols + c) + 1] = (float)im[r];
			}
		}
		/*
		 * The four real-valued bins (rows and columns 0 and half): fft2d
		 * stores an exact 0 there and TFLite's negation of every
		 * imaginary part (fft2d's sign is the opposite) makes it -0.
		 */
		for (size_t r = 0; r <= h / 2; r += h / 2 ? h / 2 : 1)
			for (size_t c = 0; c < cols; c += w / 2)
				y[2 * (r * cols + c) + 1] = -0.0f;
		x += s->in_h * s->in_w;
		y += 2 * h * cols;
	}
	free(spec);
	free(re);
	free(tw);
	return 0;
}

static const struct cpu_kernel rfft2d_kernel = {
	.prepare = rfft2d_prepare,
	.invoke = rfft2d_invoke,
};

const struct npu_builtin_impl npu_builtin_rfft2d = { .cpu_kernel = &rfft2d_kernel };
