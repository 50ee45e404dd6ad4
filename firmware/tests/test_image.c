// SPDX-License-Identifier: MIT
/* Firmware image: good, bad magic, bad CRCs, truncated, self-test. */
#include <stdlib.h>

#include "fw_test.h"
#include "fw_vmem.h"
#include "fw_crc32_table.h"

static uint8_t *image(size_t *size)
{
	uint8_t *img;

	*size = npu_host_fw_image_build(NULL, 0);
	img = malloc(*size);
	ck_assert_uint_eq(npu_host_fw_image_build(img, *size), *size);
	return img;
}

/* Re-seal the header and payload CRCs after an edit. */
static void reseal(uint8_t *img, size_t size)
{
	struct npu_fw_header h;

	memcpy(&h, img, sizeof(h));
	h.payload_crc32 = npu_fw_crc32(0, img + sizeof(h), size - sizeof(h));
	h.header_crc32 = 0;
	h.header_crc32 = npu_fw_crc32(0, &h, sizeof(h));
	memcpy(img, &h, sizeof(h));
}

START_TEST(crc32_known_value)
{
	/* The standard check value of CRC-32/IEEE: "123456789" -> cbf43926 */
	ck_assert_uint_eq(npu_fw_crc32(0, "123456789", 9), 0xcbf43926u);
	ck_assert_uint_eq(npu_fw_crc32(0, "", 0), 0);
}
END_TEST

/* The definition the tables are derived from: one bit at a time. */
static uint32_t crc32_bitwise(uint32_t crc, const uint8_t *p, size_t len)
{
	crc = ~crc;
	while (len--) {
		crc ^= *p++;
		for (int k = 0; k < 8; k++)
			crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1)));
	}
	return ~crc;
}

START_TEST(crc32_tables)
{
	for (uint32_t b = 0; b < 256; b++) {
		uint8_t msg[4] = { (uint8_t)b, 0, 0, 0 };

		/* Entry [k][b]: the raw register after b and k zero bytes. */
		for (int k = 0; k < 4; k++)
			ck_assert_uint_eq(fw_crc32_table[k][b],
					  ~crc32_bitwise(0xffffffffu, msg, (size_t)k + 1));
	}
}
END_TEST

/* Every length and alignment around the 4-byte step, and chaining. */
START_TEST(crc32_slices)
{
	uint8_t buf[300];
	uint32_t seed = 12345;

	for (size_t i = 0; i < sizeof(buf); i++) {
		seed = seed * 1103515245u + 12345u;
		buf[i] = (uint8_t)(seed >> 16);
	}
	for (size_t off = 0; off < 4; off++)
		for (size_t len = 0; len + off <= sizeof(buf); len++) {
			uint32_t want = crc32_bitwise(0, buf + off, len);
			size_t cut = len / 3;

			ck_assert_uint_eq(npu_fw_crc32(0, buf + off, len), want);
			ck_assert_uint_eq(npu_fw_crc32(npu_fw_crc32(0, buf + off, cut),
						       buf + off + cut, len - cut), want);
		}
}
END_TEST

START_TEST(good_image)
{
	struct vmem m = { 0 };
	struct npu_fw_env env = vmem_env(&m);
	struct npu_fw_image_info info;
	size_t size;
	uint8_t *img = image(&size);

	ck_assert_uint_eq(npu_fw_image_check(img, size, &info), NPU_BOOT_OK);
	ck_assert_uint_eq(info.fw_version, NPU_FW_VERSION);
	ck_assert_uint_eq(info.cmdstream_version, NPU_CS_VERSION);
	ck_assert_uint_eq(info.features, NPU_FW_FEATURES);
	ck_assert_mem_eq(&info.hw, &npu_fw_default_hw, sizeof(info.hw));
	ck_assert_ptr_nonnull(info.selftest);
	ck_assert_uint_eq(npu_fw_selftest(&env, &info), NPU_BOOT_OK);
	ck_assert_uint_eq(m.allocs, m.frees);
	free(img);
}
END_TEST

START_TEST(bad_images)
{
	struct vmem m = { 0 };
	struct npu_fw_env env = vmem_env(&m);
	struct npu_fw_image_info info;
	size_t size, i;
	uint8_t *img = image(&size);

	/* truncated: nothing, half a header, one byte short */
	ck_assert_uint_eq(npu_fw_image_check(img, 0, &info), NPU_BOOT_ERR_SIZE);
	ck_assert_uint_eq(npu_fw_image_check(img, 16, &info), NPU_BOOT_ERR_SIZE);
	ck_assert_uint_eq(npu_fw_image_check(NULL, size, &info),
			  NPU_BOOT_ERR_SIZE);
	ck_assert_uint_eq(npu_fw_image_check(img, size - 1, &info),
			  NPU_BOOT_ERR_SIZE);
	/* bad magic */
	img[0] ^= 0xff;
	ck_assert_uint_eq(npu_fw_image_check(img, size, &info),
			  NPU_BOOT_ERR_MAGIC);
	img[0] ^= 0xff;
	/* header CRC: any header byte changed */
	img[12] ^= 1;
	ck_assert_uint_eq(npu_fw_image_check(img, size, &info),
			  NPU_BOOT_ERR_CHECKSUM);
	img[12] ^= 1;
	/* payload CRC: flip each payload byte in turn */
	for (i = 32; i < size; i += 7) {
		img[i] ^= 0x40;
		ck_assert_uint_eq(npu_fw_image_check(img, size, &info),
				  NPU_BOOT_ERR_CHECKSUM);
		img[i] ^= 0x40;
	}
	/* wrong command-stream version, properly sealed */
	img[16] ^= 0x80;
	reseal(img, size);
	ck_assert_uint_eq(npu_fw_image_check(img, size, &info),
			  NPU_BOOT_ERR_VERSION);
	img[16] ^= 0x80;
	reseal(img, size);
	ck_assert_uint_eq(npu_fw_image_check(img, size, &info), NPU_BOOT_OK);

	/* A sealed image whose self-test expectation is wrong passes the
	 * check but fails the boot self-test (the last payload bytes before
	 * the END section are the expected output). */
	img[size - 8 - 1] ^= 1;
	reseal(img, size);
	ck_assert_uint_eq(npu_fw_image_check(img, size, &info), NPU_BOOT_OK);
	ck_assert_uint_eq(npu_fw_selftest(&env, &info),
			  NPU_BOOT_ERR_SELFTEST);
	ck_assert_uint_eq(m.allocs, m.frees);
	free(img);
}
END_TEST

START_TEST(fuzz_images)
{
	struct npu_fw_image_info info;
	size_t size, i;
	uint8_t *img = image(&size), *copy = malloc(size);
	uint32_t x = 12345;

	/* Random sealed corruptions never crash the parser or self-test. */
	for (i = 0; i < 2000; i++) {
		struct vmem m = { 0 };
		struct npu_fw_env env = vmem_env(&m);

		memcpy(copy, img, size);
		x = x * 1103515245u + 12345u;
		copy[32 + (x >> 8) % (size - 32)] = (uint8_t)(x >> 3);
		reseal(copy, size);
		if (npu_fw_image_check(copy, size, &info) == NPU_BOOT_OK)
			npu_fw_selftest(&env, &info);
		ck_assert_uint_eq(m.allocs, m.frees);
	}
	free(copy);
	free(img);
}
END_TEST

Suite *suite_image(void)
{
	Suite *s = suite_create("image");
	TCase *tc = tcase_create("image");

	tcase_add_test(tc, crc32_known_value);
	tcase_add_test(tc, crc32_tables);
	tcase_add_test(tc, crc32_slices);
	tcase_add_test(tc, good_image);
	tcase_add_test(tc, bad_images);
	tcase_add_test(tc, fuzz_images);
	suite_add_tcase(s, tc);
	return s;
}
