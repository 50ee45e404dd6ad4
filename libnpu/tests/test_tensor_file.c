// SPDX-License-Identifier: MIT
/*
 * npu_tensor_load_file(): raw, .npy, .bmp and .pgm inputs, their checks,
 * and person.bmp against TFLM's golden input bytes.
 */
#include <check.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check_util.h"
#include "npu.h"
#include "npu_graph.h"

#define MODELS "../shared/models"

static char dir[64];

static void setup(void)
{
	/* A fresh template each time: mkdtemp() rewrites it. */
	snprintf(dir, sizeof(dir), "/tmp/npu-tensor-file-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void teardown(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	ck_assert_int_eq(system(cmd), 0);
}

static const char *write_file(const char *name, const void *data, size_t len)
{
	static char path[256];
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "wb");
	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(data, 1, len, f), len);
	fclose(f);
	return path;
}

static struct npu_tensor_info tensor(uint32_t type, uint32_t rank, const int32_t *shape)
{
	struct npu_tensor_info t = { .name = "t", .type = type, .rank = rank };

	t.bytes = npu_type_size(type);
	for (uint32_t i = 0; i < rank; i++) {
		t.shape[i] = shape[i];
		t.bytes *= (size_t)shape[i];
	}
	return t;
}

START_TEST(test_raw)
{
	static const int32_t shape[] = { 1, 4 };
	struct npu_tensor_info t = tensor(NPU_TYPE_INT16, 2, shape);
	const uint8_t bytes[8] = { 1, 2, 3, 4, 5, 6, 7, 8 };
	char err[256];
	void *data;
	const char *p;

	p = write_file("in.bin", bytes, 8);
	ck_assert_int_eq(npu_tensor_load_file(p, &t, &data, err, sizeof(err)), 0);
	ck_assert_mem_eq(data, bytes, 8);
	free(data);
	p = write_file("short.bin", bytes, 7);
	ck_assert_int_eq(npu_tensor_load_file(p, &t, &data, err, sizeof(err)),
			 -NPU_ERR_TENSOR_SIZE);
	ck_assert_ptr_null(data);
	ck_assert_ptr_nonnull(strstr(err, "7 bytes, the tensor needs 8"));
	/* Raw by name even when the bytes start like a BMP. */
	p = write_file("bm.raw", "BMxxxxxx", 8);
	ck_assert_int_eq(npu_tensor_load_file(p, &t, &data, err, sizeof(err)), 0);
	free(data);
	ck_assert_int_eq(npu_tensor_load_file("/nonexistent/x.bin", &t, &data, err,
					      sizeof(err)), -ENOENT);
	ck_assert_int_eq(npu_tensor_load_file(NULL, &t, &data, NULL, 0), -EINVAL);
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
	struct npu_tensor_info t = tensor(NPU_TYPE_INT8, 2, shape);
	const int8_t v[6] = { -1, 2, -3, 4, -5, 6 };
	uint8_t buf[256];
	char err[256];
	void *data;
	size_t n;

	n = npy(buf, "{'descr': '|i1', 'fortran_order': False, 'shape': (2, 3), }", v, 6);
	ck_assert_int_eq(npu_tensor_load_file(write_file("a.npy", buf, n), &t, &data,
					      err, sizeof(err)), 0);
	ck_assert_mem_eq(data, v, 6);
	free(data);
	/* Another shape with the same element count is accepted. */
	n = npy(buf, "{'descr': '|i1', 'fortran_order': False, 'shape': (6,), }", v, 6);
	ck_assert_int_eq(npu_tensor_load_file(write_file("b.npy", buf, n), &t, &data,
					      err, sizeof(err)), 0);
	free(data);
	n = npy(buf, "{'descr': '<i2', 'fortran_order': False, 'shape': (3,), }", v, 6);
	ck_assert_int_eq(npu_tensor_load_file(write_file("c.npy", buf, n), &t, &data,
					      err, sizeof(err)), -NPU_ERR_TENSOR_SIZE);
	ck_assert_ptr_nonnull(strstr(err, "holds int16, the tensor is int8"));
	n = npy(buf, "{'descr': '|i1', 'fortran_order': False, 'shape': (2, 2), }", v, 4);
	ck_assert_int_eq(npu_tensor_load_file(write_file("d.npy", buf, n), &t, &data,
					      err, sizeof(err)), -NPU_ERR_TENSOR_SIZE);
	n = npy(buf, "{'descr': '|i1', 'fortran_order': True, 'shape': (2, 3), }", v, 6);
	ck_assert_int_eq(npu_tensor_load_file(write_file("e.npy", buf, n), &t, &data,
					      err, sizeof(err)), -NPU_ERR_UNSUPPORTED);
	n = npy(buf, "{'descr': '<c8', 'fortran_order': False, 'shape': (2, 3), }", v, 6);
	ck_assert_int_eq(npu_tensor_load_file(write_file("f.npy", buf, n), &t, &data,
					      err, sizeof(err)), -NPU_ERR_UNSUPPORTED);
	n = npy(buf, "{'descr': '|i1', 'fortran_order': False, 'shape': (2, 3), }", v, 5);
	ck_assert_int_eq(npu_tensor_load_file(write_file("g.npy", buf, n), &t, &data,
					      err, sizeof(err)), -NPU_ERR_TENSOR_SIZE);
	/* Header length beyond the file. */
	n = npy(buf, "{'descr': '|i1', 'fortran_order': False, 'shape': (2, 3), }", v, 6);
	buf[8] = 0xff;
	ck_assert_int_eq(npu_tensor_load_file(write_file("h.npy", buf, 40), &t, &data,
					      err, sizeof(err)), -NPU_ERR_FILE_FORMAT);
	ck_assert_ptr_null(data);
}
END_TEST

/* A 24-bit BMP, w x h, with pixel (x, y) = (r, g, b) = (x, y, 7). */
static size_t bmp24(uint8_t *buf, uint32_t w, uint32_t h, bool top_down)
{
	uint32_t stride = (w * 3 + 3) & ~3u;
	int32_t height = top_down ? -(int32_t)h : (int32_t)h;

	memset(buf, 0, 54 + stride * h);
	buf[0] = 'B';
	buf[1] = 'M';
	buf[10] = 54;
	buf[14] = 40;
	memcpy(buf + 18, &w, 4);
	memcpy(buf + 22, &height, 4);
	buf[26] = 1;
	buf[28] = 24;
	for (uint32_t y = 0; y < h; y++) {
		uint8_t *row = buf + 54 + stride * (top_down ? y : h - 1 - y);

		for (uint32_t x = 0; x < w; x++) {
			row[x * 3 + 0] = 7;
			row[x * 3 + 1] = (uint8_t)y;
			row[x * 3 + 2] = (uint8_t)x;
		}
	}
	return 54 + stride * h;
}

START_TEST(test_bmp_rgb)
{
	static const int32_t nhwc[] = { 1, 2, 3, 3 }, nchw[] = { 1, 3, 2, 3 };
	struct npu_tensor_info t = tensor(NPU_TYPE_UINT8, 4, nhwc);
	uint8_t buf[256];
	char err[256];
	uint8_t *px;
	void *data;

	for (int td = 0; td < 2; td++) {
		size_t n = bmp24(buf, 3, 2, td);

		t = tensor(NPU_TYPE_UINT8, 4, nhwc);
		ck_assert_int_eq(npu_tensor_load_file(write_file("rgb.bmp", buf, n), &t,
						      &data, err, sizeof(err)), 0);
		px = data;
		for (int y = 0; y < 2; y++)
			for (int x = 0; x < 3; x++) {
				ck_assert_uint_eq(px[(y * 3 + x) * 3 + 0], x);
				ck_assert_uint_eq(px[(y * 3 + x) * 3 + 1], y);
				ck_assert_uint_eq(px[(y * 3 + x) * 3 + 2], 7);
			}
		free(data);
		/* Channels-first tensor: planar R, G, B. */
		t = tensor(NPU_TYPE_INT8, 4, nchw);
		ck_assert_int_eq(npu_tensor_load_file(write_file("rgb.bmp", buf, n), &t,
						      &data, err, sizeof(err)), 0);
		px = data;
		for (int y = 0; y < 2; y++)
			for (int x = 0; x < 3; x++) {
				ck_assert_uint_eq(px[0 * 6 + y * 3 + x], x);
				ck_assert_uint_eq(px[1 * 6 + y * 3 + x], y);
				ck_assert_uint_eq(px[2 * 6 + y * 3 + x], 7);
			}
		free(data);
	}
	/* Wrong size, wrong element type, truncated pixel data. */
	static const int32_t small[] = { 1, 2, 2, 3 };
	size_t n = bmp24(buf, 3, 2, false);

	t = tensor(NPU_TYPE_UINT8, 4, small);
	ck_assert_int_eq(npu_tensor_load_file(write_file("rgb.bmp", buf, n), &t, &data,
					      err, sizeof(err)), -NPU_ERR_TENSOR_SIZE);
	ck_assert_ptr_nonnull(strstr(err, "3x2 image with 3 channels is 18 bytes, the tensor has 12"));
	t = tensor(NPU_TYPE_INT16, 4, small);
	ck_assert_int_eq(npu_tensor_load_file(write_file("rgb.bmp", buf, n), &t, &data,
					      err, sizeof(err)), -NPU_ERR_TENSOR_SIZE);
	t = tensor(NPU_TYPE_UINT8, 4, nhwc);
	ck_assert_int_eq(npu_tensor_load_file(write_file("cut.bmp", buf, n - 1), &t, &data,
					      err, sizeof(err)), -NPU_ERR_FILE_FORMAT);
	ck_assert_int_eq(npu_tensor_load_file(write_file("hdr.bmp", buf, 30), &t, &data,
					      err, sizeof(err)), -NPU_ERR_FILE_FORMAT);
	buf[30] = 1;	/* RLE compression */
	ck_assert_int_eq(npu_tensor_load_file(write_file("rle.bmp", buf, n), &t, &data,
					      err, sizeof(err)), -NPU_ERR_UNSUPPORTED);
}
END_TEST

START_TEST(test_pgm)
{
	static const int32_t shape[] = { 1, 2, 3, 1 };
	struct npu_tensor_info t = tensor(NPU_TYPE_INT8, 4, shape);
	const char pgm[] = "P5\n# made by hand\n3 2\n255\n\x01\x02\x03\x04\x05\x06";
	char err[256];
	void *data;

	ck_assert_int_eq(npu_tensor_load_file(write_file("a.pgm", pgm, sizeof(pgm) - 1), &t,
					      &data, err, sizeof(err)), 0);
	ck_assert_mem_eq(data, "\x01\x02\x03\x04\x05\x06", 6);
	free(data);
	ck_assert_int_eq(npu_tensor_load_file(write_file("b.pgm", pgm, sizeof(pgm) - 2), &t,
					      &data, err, sizeof(err)), -NPU_ERR_FILE_FORMAT);
	const char wide[] = "P5 3 2 65535\n\x01\x02\x03\x04\x05\x06\x01\x02\x03\x04\x05\x06";

	ck_assert_int_eq(npu_tensor_load_file(write_file("c.pgm", wide, sizeof(wide) - 1), &t,
					      &data, err, sizeof(err)), -NPU_ERR_UNSUPPORTED);
	ck_assert_int_eq(npu_tensor_load_file(write_file("d.pgm", "P5 x", 4), &t,
					      &data, err, sizeof(err)), -NPU_ERR_FILE_FORMAT);
}
END_TEST

/*
 * Damaged headers of every format: each load either succeeds with a buffer
 * of exactly the tensor's size or fails with an error, never crashes.
 */
START_TEST(test_random_damage)
{
	static const int32_t shape[] = { 1, 2, 3, 3 };
	struct npu_tensor_info t = tensor(NPU_TYPE_UINT8, 4, shape);
	const char pgm[] = "P5\n3 6\n255\n\x01\x02\x03\x04\x05\x06\x01\x02\x03\x04\x05\x06"
			   "\x01\x02\x03\x04\x05\x06";
	const uint8_t v[18] = { 0 };
	uint8_t good[3][256], buf[256];
	size_t len[3];
	const char *names[3] = { "d.bmp", "d.npy", "d.pgm" };
	unsigned int seed = 12345, ok = 0, failed = 0;

	len[0] = bmp24(good[0], 3, 2, false);
	len[1] = npy(good[1], "{'descr': '|u1', 'fortran_order': False, 'shape': (1, 2, 3, 3), }",
		     v, 18);
	len[2] = sizeof(pgm) - 1;
	memcpy(good[2], pgm, len[2]);
	for (int i = 0; i < 3000; i++) {
		int f = i % 3;
		size_t n = len[f];
		char err[256];
		void *data;
		int ret;

		memcpy(buf, good[f], n);
		/* A few random bytes in the header, sometimes a cut file. */
		for (int k = 0; k < 1 + (int)(rand_r(&seed) % 4); k++)
			buf[rand_r(&seed) % (f == 1 ? 80 : 40)] = (uint8_t)rand_r(&seed);
		if (rand_r(&seed) % 4 == 0)
			n = rand_r(&seed) % n;
		ret = npu_tensor_load_file(write_file(names[f], buf, n), &t, &data, err,
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

/* TFLM feeds person.bmp's pixel bytes, rows top-down: the golden input. */
START_TEST(test_person_bmp_matches_golden)
{
	static const int32_t shape[] = { 1, 96, 96, 1 };
	struct npu_tensor_info t = tensor(NPU_TYPE_INT8, 4, shape);
	static const char *const cases[][2] = {
		{ MODELS "/tflm/person.bmp", MODELS "/golden/person_detect.person.in0.bin" },
		{ MODELS "/tflm/no_person.bmp", MODELS "/golden/person_detect.no_person.in0.bin" },
	};
	char err[256];

	for (int i = 0; i < 2; i++) {
		void *img, *golden;

		ck_assert_msg(!npu_tensor_load_file(cases[i][0], &t, &img, err, sizeof(err)),
			      "%s", err);
		ck_assert_msg(!npu_tensor_load_file(cases[i][1], &t, &golden, err, sizeof(err)),
			      "%s", err);
		ck_assert_mem_eq(img, golden, t.bytes);
		free(img);
		free(golden);
	}
}
END_TEST

int main(void)
{
	Suite *s = suite_create("tensor_file");
	TCase *tc = tcase_create("formats");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_raw);
	tcase_add_test(tc, test_npy);
	tcase_add_test(tc, test_bmp_rgb);
	tcase_add_test(tc, test_pgm);
	tcase_add_test(tc, test_random_damage);
	tcase_add_test(tc, test_person_bmp_matches_golden);
	suite_add_tcase(s, tc);
	return npu_check_run(s);
}
