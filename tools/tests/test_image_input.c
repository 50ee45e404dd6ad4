// SPDX-License-Identifier: MIT
/*
 * tools/lib/image_input.c: BMP, PGM, PNG and JPEG decoding into NHWC and
 * channels-first tensors, resizing, the (pixel - mean) / std mapping to
 * each input type, raw pixels (person.bmp gives TFLM's golden input), and
 * the refusals.
 */
#include <check.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <stb_image_write.h>

#include "check_util.h"
#include "test_files.h"
#include "lib/image_input.h"

#define MODELS "../shared/models"

static const struct image_input_options raw = { 127.5f, 127.5f, true };
static const struct image_input_options mapped = { 127.5f, 127.5f, false };

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

START_TEST(test_bmp_layouts)
{
	static const int32_t nhwc[] = { 1, 2, 3, 3 }, nchw[] = { 1, 3, 2, 3 };
	struct npu_tensor_info t;
	uint8_t buf[256];
	char err[256];
	uint8_t *px;
	void *data;

	for (int td = 0; td < 2; td++) {
		size_t n = bmp24(buf, 3, 2, td);

		t = tensor(NPU_TYPE_UINT8, 4, nhwc, 0, 0);
		ck_assert_int_eq(image_input_load(write_file("rgb.bmp", buf, n), &t, &raw,
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
		t = tensor(NPU_TYPE_INT8, 4, nchw, 0, 0);
		ck_assert_int_eq(image_input_load(write_file("rgb.bmp", buf, n), &t, &raw,
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
}
END_TEST

/* Every type: (pixel - mean) / std, quantized with the tensor's parameters. */
START_TEST(test_mapping)
{
	static const int32_t shape[] = { 1, 1, 4, 1 };
	const char pgm[] = "P5\n4 1\n255\n\x00\x40\x80\xff";
	const char *p = write_file("m.pgm", pgm, sizeof(pgm) - 1);
	struct npu_tensor_info t;
	char err[256];
	void *data;

	t = tensor(NPU_TYPE_FLOAT32, 4, shape, 0, 0);
	ck_assert_int_eq(image_input_load(p, &t, &mapped, &data, err, sizeof(err)), 0);
	ck_assert_float_eq(((float *)data)[0], -1.0f);
	ck_assert_float_eq(((float *)data)[3], 1.0f);
	ck_assert_float_eq_tol(((float *)data)[2], 0.5f / 127.5f, 1e-6);
	free(data);

	/* person_detect's input: scale 2/255, zero point -1. */
	t = tensor(NPU_TYPE_INT8, 4, shape, 2.0f / 255, -1);
	ck_assert_int_eq(image_input_load(p, &t, &mapped, &data, err, sizeof(err)), 0);
	ck_assert_int_eq(((int8_t *)data)[0], -128);	/* -129 clamped */
	ck_assert_int_eq(((int8_t *)data)[2], 0);	/* round(0.5) + -1 */
	/* 1.0 / (float)(2/255) is 127.4999...: 127 + -1, as TFLite quantizes. */
	ck_assert_int_eq(((int8_t *)data)[3], 126);
	free(data);

	/* uint8 0..1 with mean 0, std 255: the pixel itself. */
	struct image_input_options unit = { 0, 255, false };

	t = tensor(NPU_TYPE_UINT8, 4, shape, 1.0f / 255, 0);
	ck_assert_int_eq(image_input_load(p, &t, &unit, &data, err, sizeof(err)), 0);
	ck_assert_mem_eq(data, "\x00\x40\x80\xff", 4);
	free(data);

	t = tensor(NPU_TYPE_INT16, 4, shape, 1.0f / 32768, 0);
	ck_assert_int_eq(image_input_load(p, &t, &mapped, &data, err, sizeof(err)), 0);
	ck_assert_int_eq(((int16_t *)data)[0], -32768);
	ck_assert_int_eq(((int16_t *)data)[3], 32767);
	free(data);
}
END_TEST

/* PNG and JPEG (written by stb_image_write), and resizing to the tensor. */
START_TEST(test_png_jpeg_resize)
{
	static const int32_t shape[] = { 1, 8, 8, 1 }, rgb[] = { 1, 4, 4, 3 };
	struct npu_tensor_info t = tensor(NPU_TYPE_UINT8, 4, shape, 0, 0);
	uint8_t img[16 * 16];
	char err[256];
	void *data;

	/* 16x16 of 2x2 blocks: shrinking to 8x8 averages each block exactly. */
	for (int y = 0; y < 16; y++)
		for (int x = 0; x < 16; x++)
			img[y * 16 + x] = (uint8_t)(((y / 2) * 8 + x / 2) * 3);
	ck_assert(stbi_write_png(path_of("a.png"), 16, 16, 1, img, 16));
	ck_assert_int_eq(image_input_load(path_of("a.png"), &t, &raw, &data, err, sizeof(err)), 0);
	for (int i = 0; i < 64; i++)
		ck_assert_uint_eq(((uint8_t *)data)[i], i * 3);
	free(data);

	/* A flat JPEG decodes to its level (lossy, but flat stays flat). */
	memset(img, 200, sizeof(img));
	ck_assert(stbi_write_jpg(path_of("a.jpg"), 16, 16, 1, img, 95));
	ck_assert_int_eq(image_input_load(path_of("a.jpg"), &t, &raw, &data, err, sizeof(err)), 0);
	for (int i = 0; i < 64; i++)
		ck_assert_int_le(abs(((uint8_t *)data)[i] - 200), 1);
	free(data);

	/* Gray to RGB: every channel gets the level. */
	t = tensor(NPU_TYPE_UINT8, 4, rgb, 0, 0);
	ck_assert_int_eq(image_input_load(path_of("a.png"), &t, &raw, &data, err, sizeof(err)), 0);
	for (int i = 0; i < 16; i++) {
		ck_assert_uint_eq(((uint8_t *)data)[i * 3], ((uint8_t *)data)[i * 3 + 1]);
		ck_assert_uint_eq(((uint8_t *)data)[i * 3], ((uint8_t *)data)[i * 3 + 2]);
	}
	free(data);
}
END_TEST

START_TEST(test_refusals)
{
	static const int32_t shape[] = { 1, 2, 3, 1 }, odd[] = { 1, 6, 5 };
	struct npu_tensor_info t = tensor(NPU_TYPE_INT16, 4, shape, 0, 0);
	const char pgm[] = "P5\n3 2\n255\n\x01\x02\x03\x04\x05\x06";
	const char *p = write_file("a.pgm", pgm, sizeof(pgm) - 1);
	struct image_input_options zero_std = { 0, 0, false };
	char err[256];
	void *data;

	ck_assert_int_eq(image_input_load(p, &t, &raw, &data, err, sizeof(err)),
			 -NPU_ERR_TENSOR_SIZE);
	ck_assert_ptr_nonnull(strstr(err, "raw 8-bit pixels for a int16 tensor"));
	ck_assert_int_eq(image_input_load(p, &t, &mapped, &data, err, sizeof(err)),
			 -NPU_ERR_TENSOR_SIZE);
	ck_assert_ptr_nonnull(strstr(err, "without quantization"));
	t = tensor(NPU_TYPE_FLOAT32, 4, shape, 0, 0);
	ck_assert_int_eq(image_input_load(p, &t, &zero_std, &data, err, sizeof(err)), -EINVAL);
	t = tensor(NPU_TYPE_UINT8, 3, odd, 0, 0);
	ck_assert_int_eq(image_input_load(p, &t, &raw, &data, err, sizeof(err)),
			 -NPU_ERR_TENSOR_SIZE);
	/* Not an image, and a PNG cut short. */
	t = tensor(NPU_TYPE_UINT8, 4, shape, 0, 0);
	ck_assert_int_eq(image_input_load(write_file("x.png", "hello", 5), &t, &raw, &data,
					  err, sizeof(err)), -NPU_ERR_FILE_FORMAT);
	ck_assert_ptr_null(data);
	ck_assert(stbi_write_png(path_of("a.png"), 3, 2, 1, pgm + 11, 3));
	FILE *f = fopen(path_of("a.png"), "rb");
	uint8_t png[256];
	size_t n = fread(png, 1, sizeof(png), f);

	fclose(f);
	ck_assert_int_eq(image_input_load(write_file("cut.png", png, n - 20), &t, &raw, &data,
					  err, sizeof(err)), -NPU_ERR_FILE_FORMAT);
	ck_assert_ptr_null(data);
}
END_TEST

/* TFLM feeds person.bmp's pixel bytes, rows top-down: the golden input. */
START_TEST(test_person_bmp_raw_is_golden)
{
	static const int32_t shape[] = { 1, 96, 96, 1 };
	struct npu_tensor_info t = tensor(NPU_TYPE_INT8, 4, shape, 2.0f / 255, -1);
	static const char *const cases[][2] = {
		{ MODELS "/tflm/person.bmp", MODELS "/golden/person_detect.person.in0.bin" },
		{ MODELS "/tflm/no_person.bmp", MODELS "/golden/person_detect.no_person.in0.bin" },
	};
	char err[256];

	for (int i = 0; i < 2; i++) {
		uint8_t golden[96 * 96];
		FILE *f = fopen(cases[i][1], "rb");
		void *img;

		ck_assert_ptr_nonnull(f);
		ck_assert_uint_eq(fread(golden, 1, sizeof(golden), f), sizeof(golden));
		fclose(f);
		ck_assert_msg(!image_input_load(cases[i][0], &t, &raw, &img, err, sizeof(err)),
			      "%s", err);
		ck_assert_mem_eq(img, golden, t.bytes);
		free(img);
	}
}
END_TEST

int main(void)
{
	Suite *s = suite_create("image_input");
	TCase *tc = tcase_create("images");

	tcase_add_checked_fixture(tc, setup, teardown);
	tcase_add_test(tc, test_bmp_layouts);
	tcase_add_test(tc, test_mapping);
	tcase_add_test(tc, test_png_jpeg_resize);
	tcase_add_test(tc, test_refusals);
	tcase_add_test(tc, test_person_bmp_raw_is_golden);
	suite_add_tcase(s, tc);
	return npu_check_run(s);
}
