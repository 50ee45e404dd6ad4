// SPDX-License-Identifier: MIT
/*
 * mkfwimage OUTPUT: write the NPU firmware image (npu/npu-fw.bin).
 * The image is checked with the device's own npu_fw_image_check() and its
 * boot self-test is run before anything is written.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "npu_fw_host.h"

static void *host_alloc(void *ctx, size_t size)
{
	(void)ctx;
	return malloc(size);
}

static void host_free(void *ctx, void *ptr)
{
	(void)ctx;
	free(ptr);
}

int main(int argc, char **argv)
{
	struct npu_fw_env env = { .alloc = host_alloc, .free = host_free };
	struct npu_fw_image_info info;
	size_t size = npu_host_fw_image_build(NULL, 0);
	uint8_t *img;
	uint32_t st;
	FILE *f;

	if (argc != 2) {
		fprintf(stderr, "usage: %s OUTPUT\n", argv[0]);
		return 2;
	}
	img = malloc(size);
	if (!img || npu_host_fw_image_build(img, size) != size) {
		fprintf(stderr, "mkfwimage: cannot build the image\n");
		return 1;
	}
	st = npu_fw_image_check(img, size, &info);
	if (st != NPU_BOOT_OK) {
		fprintf(stderr, "mkfwimage: image check failed: 0x%08x\n", st);
		return 1;
	}
	st = npu_fw_selftest(&env, &info);
	if (st != NPU_BOOT_OK) {
		fprintf(stderr, "mkfwimage: boot self-test failed: 0x%08x\n", st);
		return 1;
	}
	f = fopen(argv[1], "wb");
	if (!f || fwrite(img, 1, size, f) != size || fclose(f)) {
		fprintf(stderr, "mkfwimage: %s: %s\n", argv[1], strerror(errno));
		return 1;
	}
	free(img);
	return 0;
}
