// SPDX-License-Identifier: MIT
/*
 * RFFT2D on the CPU (lower/rfft2d.c): transforms worked out by hand
 * (numpy.fft.rfft2 agrees), cropping and zero padding to fft_length, and
 * the cases TFLite's Prepare refuses or libnpu names as unsupported.
 * tests/tflite/ops_ref.py compares it with BUILTIN_REF on larger shapes.
 */
#include <check.h>
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <string.h>

#include "check_util.h"
#include "npu_cpu.h"
#include "test_cpu_graph.h"

/* x [rank, in_s] float32, fft_length @len, y complex64 [rank, out_s]. */
static struct npu_graph_op *rfft2d(struct tg *b, int rank, const int32_t *in_s,
				   const int32_t *out_s, const int32_t *len)
{
	static const int32_t len_s[] = { 2 };
	int32_t x, l, y;

	tg_init(b);
	x = tg_tensor(b, NPU_TYPE_FLOAT32, rank, in_s, 0.0f, 0, NULL);
	l = tg_tensor(b, NPU_TYPE_INT32, 1, len_s, 0.0f, 0, len);
	y = tg_tensor(b, NPU_TYPE_COMPLEX64, rank, out_s, 0.0f, 0, NULL);
	b->t[y].bytes = b->t[y].elements * npu_type_size(NPU_TYPE_COMPLEX64);
	tg_io(b, x, y);
	return tg_op(b, NPU_BUILTIN_RFFT2D, 2, 1, x, l, y);
}

/* Runs @b on @in; the output's floats (re, im pairs) must be @want. */
static void run_expect(const struct tg *b, const float *in, size_t nin,
		       const float *want, size_t nwant)
{
	struct npu_cpu *cpu = NULL;
	char err[256] = "";
	float *y;

	ck_assert_msg(!npu_cpu_create(&b->g, &cpu, err, sizeof(err)), "%s", err);
	memcpy(npu_cpu_tensor_data(cpu, 0), in, nin * sizeof(float));
	ck_assert_msg(!npu_cpu_invoke(cpu), "%s", npu_cpu_error(cpu));
	y = npu_cpu_tensor_data(cpu, 2);
	/* Exact sums; a twiddle of cos(pi / 2) leaves residues near 1e-16. */
	for (size_t i = 0; i < nwant; i++)
		ck_assert_msg(fabsf(y[i] - want[i]) < 1e-6f, "float %zu: %g, want %g",
			      i, (double)y[i], (double)want[i]);
	npu_cpu_destroy(cpu);
}

START_TEST(transform)
{
	static const int32_t in_s[] = { 1, 2, 4 }, out_s[] = { 1, 2, 3 }, len[] = { 2, 4 };
	static const float x[] = { 1, 2, 3, 4, 0, 1, 0, -1 };
	static const float want[] = { 10, 0, -2, 0, -2, 0, 10, 0, -2, 4, -2, 0 };
	struct tg b;

	/*
	 * Rows: [1 2 3 4] -> 10, -2+2i, -2; [0 1 0 -1] -> 0, -2i, 0; then
	 * their sum and difference down each column.
	 */
	rfft2d(&b, 3, in_s, out_s, len);
	run_expect(&b, x, 8, want, 12);
}
END_TEST

START_TEST(crop_and_pad)
{
	/* 3 x 3 in, 4 x 2 transform: one column cropped, one row of zeros. */
	static const int32_t in_s[] = { 3, 3 }, out_s[] = { 4, 2 }, len[] = { 4, 2 };
	static const float x[] = { 1, -2, 3, 0.5f, 4, -1, 2, 2, 2 };
	static const float want[] = { 7.5f, 0, -0.5f, 0, -5, -4.5f, 3, 3.5f,
				      -1.5f, 0, 6.5f, 0, -5, 4.5f, 3, -3.5f };
	struct tg b;

	rfft2d(&b, 2, in_s, out_s, len);
	run_expect(&b, x, 9, want, 16);
}
END_TEST

START_TEST(refused)
{
	static const int32_t in_s[] = { 4, 12 }, out_s[] = { 4, 7 };
	static const int32_t not_pow2[] = { 4, 12 }, width1[] = { 4, 1 }, len[] = { 4, 16 };
	static const int32_t out1[] = { 4, 1 }, bad_out[] = { 4, 8 };
	struct npu_cpu *cpu = NULL;
	struct npu_graph_op *op;
	char err[256] = "";
	struct tg b;

	/* TFLite's Prepare: fft2d only does powers of two. */
	rfft2d(&b, 2, in_s, out_s, not_pow2);
	ck_assert_int_eq(npu_cpu_create(&b.g, &cpu, err, sizeof(err)), -EINVAL);
	ck_assert_msg(strstr(err, "power of two"), "%s", err);
	/* The output shape must be fft_length's. */
	rfft2d(&b, 2, in_s, bad_out, len);
	ck_assert_int_eq(npu_cpu_create(&b.g, &cpu, err, sizeof(err)), -EINVAL);
	/* Named as unsupported: a width of 1 and a run-time fft_length. */
	op = rfft2d(&b, 2, in_s, out1, width1);
	ck_assert(!npu_cpu_op_known(&b.g, op, err, sizeof(err)));
	ck_assert_msg(strstr(err, "width of 1"), "%s", err);
	op = rfft2d(&b, 2, in_s, bad_out, len);
	b.t[1].data = NULL;
	b.t[1].data_size = 0;
	ck_assert(!npu_cpu_op_known(&b.g, op, err, sizeof(err)));
	ck_assert_msg(strstr(err, "run-time fft_length"), "%s", err);
	/* Float input only. */
	op = rfft2d(&b, 2, in_s, bad_out, len);
	b.t[0].type = NPU_TYPE_INT8;
	ck_assert(!npu_cpu_op_known(&b.g, op, err, sizeof(err)));
}
END_TEST

static Suite *rfft2d_suite(void)
{
	Suite *s = suite_create("lower_rfft2d");
	TCase *tc = tcase_create("rfft2d");

	tcase_add_test(tc, transform);
	tcase_add_test(tc, crop_and_pad);
	tcase_add_test(tc, refused);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return npu_check_run(rfft2d_suite());
}
