// SPDX-License-Identifier: MIT
/*
 * tensor_file_load(): raw and .npy inputs and their checks; images
 * are refused with a message that says so.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check_util.h"
#include "test_files.h"
#include "lib/tensor_file.h"
#include "npu_graph.h"

#define MODELS "../shared/models"

START_TEST(test_raw)
{
	static const int32_t shape[] = { 1, 4 };
	struct npu_tensor_info t = tensor(NPU_TYPE_INT16, 2, shape, 0.0f, 0);
	const uint8_t bytes[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	char err[256];
	void *data;
	const char *p;

	p = write_file("in.bin", bytes, 8);
	ck_assert_int_eq(tensor_file_load(p, &t, &data, err, sizeof(err)), 0);
	ck_assert_mem_eq(data, bytes, 8);
	free(data);
	p = write_file("short.bin", bytes, 7);
	ck_assert_int_eq(tensor_file_load(p, &t, &data, err, sizeof(err)),
			 -NPU_ERR_TENSOR_SIZE);
	ck_assert_ptr_null(data);
	ck_assert_ptr_nonnull(strstr(err, "7 bytes, the tensor needs 8"));
	/* Raw by name even when the bytes start like a BMP. */
	p = write_file("bm.raw", "BMxxxxxx", 8);
	ck_assert_int_eq(tensor_file_load(p, &t, &data, err, sizeof(err)), 0);
	free(data);
	ck_assert_int_eq(tensor_file_load("/nonexistent/x.bin", &t, &data, err,
					      sizeof(err)), -ENOENT);
	ck_assert_int_eq(tensor_file_load(NULL, &t, &data, NULL, 0), -EINVAL);
}
END_TEST

static size_t npy(uint8_t *buf, const char *dict, const void *payload, size_t len)
{
	size_t hlen = strlen(dict);

	memcpy(buf, "\x93NUMPY\x01\x00", 8);
	buf[8] = (uint8_t)hlen;
	buf[9] = 0;
	memcpy(buf + 10, dict, hlen);
	memcpy(buf + 10 + hlen, payload, len);
	return 10 + hlen + len;
}

START_TEST(test_npy)
{
	static const int32_t shape[] = { 2, 3 };
	struct npu_tensor_info t = tensor(NPU_TYPE_INT8, 2, shape, 0.0f, 0);
	const int8_t v[6] = { -1, 2, -3, 4, -5, 6 };
	uint8_t buf[256];
	char err[256];
	void *data;
	size_t n;

	n = npy(buf, "{'descr': '|i1', 'fortran_order': False, 'shape': (2, 3), }", v, 6);
	ck_assert_int_eq(tensor_file_load(write_file("a.npy", buf, n), &t, &data,
					      err, sizeof(err)), 0);
	ck_assert_mem_eq(data, v, 6);
	free(data);
	/* Another shape with the same element count is accepted. */
	n = npy(buf, "{'descr': '|i1', 'fortran_order': False, 'shape': (6,), }", v, 6);
	ck_assert_int_eq(tensor_file_load(write_file("b.npy", buf, n), &t, &data,
					      err, sizeof(err)), 0);
	free(data);
	n = npy(buf, "{'descr': '<i2', 'fortran_order': False, 'shape': (3,), }", v, 6);
	ck_assert_int_eq(tensor_file_load(write_file("c.npy", buf, n), &t, &data,
					      err, sizeof(err)), -NPU_ERR_TENSOR_SIZE);
	ck_assert_ptr_nonnull(strstr(err, "holds int16, the tensor is int8"));
	n = npy(buf, "{'descr': '|i1', 'fortran_order': False, 'shape': (2, 2), }", v, 4);
	ck_assert_int_eq(tensor_file_load(write_file("d.npy", buf, n), &t, &data,
					      err, sizeof(err)), -NPU_ERR_TENSOR_SIZE);
	n = npy(buf, "{'descr': '|i1', 'fortran_order': True, 'shape': (2, 3), }", v, 6);
	ck_assert_int_eq(tensor_file_load(write_file("e.npy", buf, n), &t, &data,
					      err, sizeof(err)), -NPU_ERR_UNSUPPORTED);
	n = npy(buf, "{'descr': '<c8', 'fortran_order': False, 'shape': (2, 3), }", v, 6);
	ck_assert_int_eq(tensor_file_load(write_file("f.npy", buf, n), &t, &data,
					      err, sizeof(err)), -NPU_ERR_UNSUPPORTED);
	n = npy(buf, "{'descr': '|i1', 'fortran_order': False, 'shape': (2, 3), }", v, 5);
	ck_assert_int_eq(tensor_file_load(write_file("g.npy", buf, n), &t, &data,
					      err, sizeof(err)), -NPU_ERR_TENSOR_SIZE);
	/* Header length beyond the file. */
	n = npy(buf, "{'descr': '|i1', 'fortran_order': False, 'shape': (2, 3), }", v, 6);
	buf[8] = 0xff;
	ck_assert_int_eq(tensor_file_load(write_file("h.npy", buf, 40), &t, &data,
					      err, sizeof(err)), -NPU_ERR_FILE_FORMAT);
	ck_assert_ptr_null(data);
}
END_TEST

/* An image is named as one, not reported as a size mismatch. */
START_TEST(test_image_refused)
{
	static const int32_t shape[] = { 1, 2, 3, 1 };
	struct npu_tensor_info t = tensor(NPU_TYPE_INT8, 4, shape, 0.0f, 0);
	const char pgm[] = "P5\n3 2\n255\n\x01\x02\x03\x04\x05\x06";
	char err[256];
	void *data;

	ck_assert_int_eq(tensor_file_load(write_file("a.pgm", pgm, sizeof(pgm) - 1), &t,
					      &data, err, sizeof(err)), -NPU_ERR_FILE_FORMAT);
	ck_assert_ptr_nonnull(strstr(err, "an image"));
	ck_assert_int_eq(tensor_file_load(MODELS "/tflm/person.bmp", &t, &data, err,
					      sizeof(err)), -NPU_ERR_FILE_FORMAT);
	ck_assert_ptr_nonnull(strstr(err, "decode images in the application"));
	/* Raw data of the right size that happens to start with "BM" is data. */
	ck_assert_int_eq(tensor_file_load(write_file("bm.bin", "BM\0\0\0\0", 6), &t,
					      &data, err, sizeof(err)), 0);
	free(data);
}
END_TEST

/*
 * Damaged .npy headers: each load either succeeds with a buffer
 * of exactly the tensor's size or fails with an error, never crashes.
 */
START_TEST(test_random_damage)
{
	static const int32_t shape[] = { 1, 2, 3, 3 };
	struct npu_tensor_info t = tensor(NPU_TYPE_UINT8, 4, shape, 0.0f, 0);
	const uint8_t v[18] = { 0 };
	uint8_t good[256], buf[256];
	size_t len;
	unsigned int seed = 12345, ok = 0, failed = 0;

	len = npy(good, "{'descr': '|u1', 'fortran_order': False, 'shape': (1, 2, 3, 3), }",
		  v, 18);
	/* 1000 damaged .npy files, as many as before the image formats left. */
	for (int i = 0; i < 1000; i++) {
		size_t n = len;
		char err[256];
		void *data;
		int ret;

		memcpy(buf, good, n);
		/* A few random bytes in the header, sometimes a cut file. */
		for (int k = 0; k < 1 + (int)(rand_r(&seed) % 4); k++)
			buf[rand_r(&seed) % 80] = (uint8_t)rand_r(&seed);
		if (rand_r(&seed) % 4 == 0)
			n = rand_r(&seed) % n;
		ret = tensor_file_load(write_file("d.npy", buf, n), &t, &data, err,
					   sizeof(err));
		if (!ret) {
			ck_assert_ptr_nonnull(data);
			free(data);
			ok++;
		} else {
			ck_assert_ptr_null(data);
			ck_assert_int_lt(ret, 0);
			ck_assert(strlen(err) > 0 || ret == -ENOMEM);
			failed++;
		}
	}
	/* Both outcomes occur: the damage reaches the checks. */
	ck_assert_uint_gt(ok, 0);
	ck_assert_uint_gt(failed, 0);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("tensor_file");
	TCase *tc = tcase_create("formats");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_raw);
	tcase_add_test(tc, test_npy);
	tcase_add_test(tc, test_image_refused);
	tcase_add_test(tc, test_random_damage);
	suite_add_tcase(s, tc);
	return npu_check_run(s);
}
