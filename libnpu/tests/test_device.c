// SPDX-License-Identifier: MIT
/*
 * Host tests of the device layer: argument validation, size rounding,
 * discovery rules and formatting (device printing: tools/tests).
 * Nothing here needs an NPU; the device paths run in the VM (tests/drv).
 */
#include <check.h>
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "device_priv.h"
#include "discovery_match.h"
#include "format.h"
#include "check_util.h"
#include "npu.h"

START_TEST(test_open_arguments)
{
	struct npu_device *dev = (struct npu_device *)1;

	ck_assert_int_eq(npu_device_open("/nonexistent/accel9", NULL), -EINVAL);
	ck_assert_int_eq(npu_device_open("", &dev), -EINVAL);
	ck_assert_ptr_null(dev);
	ck_assert_int_eq(npu_device_open("/nonexistent/accel9", &dev), -ENOENT);
	ck_assert_ptr_null(dev);
	/* A file that is not a DRM node, and a DRM-less character device. */
	ck_assert_int_eq(npu_device_open("/dev/null", &dev), -NPU_ERR_NOT_NPU);
	ck_assert_int_eq(npu_device_open("/proc/self/status", &dev), -NPU_ERR_NOT_NPU);
	ck_assert_ptr_null(dev);
	/* NULL handles are accepted by destructors and rejected by queries. */
	npu_device_close(NULL);
	ck_assert_int_eq(npu_device_fd(NULL), -1);
	ck_assert_ptr_null(npu_device_path(NULL));
	struct npu_device_info info;
	struct npu_counters counters;

	ck_assert_int_eq(npu_device_query_info(NULL, &info), -EINVAL);
	ck_assert_int_eq(npu_device_query_counters(NULL, &counters), -EINVAL);
}
END_TEST

START_TEST(test_bo_arguments)
{
	/* A device struct that never reaches the kernel: fd -1. */
	struct npu_device dev = { .fd = -1, .page_size = 4096 };
	struct npu_bo *bo = (struct npu_bo *)1;
	void *ptr = (void *)1;
	int fd = 7;

	pthread_mutex_init(&dev.bo_lock, NULL);
	ck_assert_int_eq(npu_bo_alloc(&dev, 4096, 0, NULL), -EINVAL);
	ck_assert_int_eq(npu_bo_alloc(&dev, 0, 0, &bo), -EINVAL);
	ck_assert_ptr_null(bo);
	ck_assert_int_eq(npu_bo_alloc(NULL, 4096, 0, &bo), -EINVAL);
	ck_assert_int_eq(npu_bo_alloc(&dev, 4096, 1u << 5, &bo), -EINVAL);
	ck_assert_int_eq(npu_bo_alloc(&dev, 4096, NPU_BO_IMPORTED, &bo), -EINVAL);
	ck_assert_int_eq(npu_bo_alloc(&dev, SIZE_MAX, 0, &bo), -E2BIG);
	ck_assert_int_eq(npu_bo_alloc(&dev, SIZE_MAX - 4094, 0, &bo), -E2BIG);
	/* Valid arguments reach the (closed) file descriptor. */
	ck_assert_int_eq(npu_bo_alloc(&dev, 1, 0, &bo), -EBADF);
	ck_assert_int_eq(npu_bo_import(&dev, -1, &bo), -EINVAL);
	ck_assert_int_eq(npu_bo_import(NULL, 0, &bo), -EINVAL);
	ck_assert_int_eq(npu_bo_import(&dev, 0, NULL), -EINVAL);
	ck_assert_int_eq(npu_bo_export(NULL, &fd), -EINVAL);
	ck_assert_int_eq(npu_bo_map(NULL, &ptr), -EINVAL);
	ck_assert_ptr_null(ptr);
	ck_assert_int_eq(npu_bo_wait(NULL, 0), -EINVAL);
	npu_bo_free(NULL);
	npu_bo_unmap(NULL);
	ck_assert_uint_eq(npu_bo_npu_addr(NULL), 0);
	ck_assert_uint_eq(npu_bo_size(NULL), 0);
	ck_assert_uint_eq(npu_bo_handle(NULL), 0);
	ck_assert_ptr_null(npu_bo_device(NULL));
	pthread_mutex_destroy(&dev.bo_lock);
}
END_TEST

START_TEST(test_no_mmap_refused)
{
	struct npu_device dev = { .fd = -1, .page_size = 4096 };
	struct npu_bo bo = { .dev = &dev, .flags = NPU_BO_NO_MMAP, .size = 4096 };
	void *ptr;

	ck_assert_int_eq(npu_bo_map(&bo, &ptr), -EPERM);
	bo.flags = 0;
	/* Asks the kernel for the offset: the closed fd answers. */
	ck_assert_int_eq(npu_bo_map(&bo, &ptr), -EBADF);
}
END_TEST

START_TEST(test_round_size)
{
	size_t r;

	ck_assert_int_eq(npu_round_size(1, 4096, &r), 0);
	ck_assert_uint_eq(r, 4096);
	ck_assert_int_eq(npu_round_size(4096, 4096, &r), 0);
	ck_assert_uint_eq(r, 4096);
	ck_assert_int_eq(npu_round_size(4097, 4096, &r), 0);
	ck_assert_uint_eq(r, 8192);
	ck_assert_int_eq(npu_round_size(12345, 65536, &r), 0);
	ck_assert_uint_eq(r, 65536);
	ck_assert_int_eq(npu_round_size(SIZE_MAX - 4095, 4096, &r), 0);
	ck_assert_uint_eq(r, SIZE_MAX - 4095);
	ck_assert_int_eq(npu_round_size(SIZE_MAX - 4094, 4096, &r), -E2BIG);
	ck_assert_int_eq(npu_round_size(0, 4096, &r), 0);
	ck_assert_uint_eq(r, 0);
}
END_TEST

START_TEST(test_deadline)
{
	struct timespec now;
	int64_t before, d;

	clock_gettime(CLOCK_MONOTONIC, &now);
	before = (int64_t)now.tv_sec * 1000000000 + now.tv_nsec;
	ck_assert_int_eq(npu_deadline_ns(-1), INT64_MAX);
	ck_assert_int_eq(npu_deadline_ns(INT64_MAX), INT64_MAX);
	d = npu_deadline_ns(1000000000);
	ck_assert_int_ge(d, before + 1000000000);
	ck_assert_int_lt(d, before + 100 * 1000000000LL);
}
END_TEST

START_TEST(test_discovery_rules)
{
	ck_assert(npu_discovery_is_npu("accel", "accel0", "npu"));
	ck_assert(!npu_discovery_is_npu("accel", "accel0", "ivpu"));
	/* Without CONFIG_DRM_ACCEL: the render node, never the primary. */
	ck_assert(npu_discovery_is_npu("drm", "renderD128", "npu"));
	ck_assert(!npu_discovery_is_npu("drm", "card0", "npu"));
	ck_assert(!npu_discovery_is_npu("drm", "renderD128", "panfrost"));
	ck_assert(!npu_discovery_is_npu("drm", NULL, "npu"));
	ck_assert(!npu_discovery_is_npu("accel", "accel0", NULL));
	ck_assert(!npu_discovery_is_npu(NULL, "accel0", "npu"));
	ck_assert(!npu_discovery_is_npu("accel", "accel0", "npu_sim"));

	ck_assert(npu_discovery_identity_attr("model"));
	ck_assert(npu_discovery_identity_attr("revision"));
	ck_assert(npu_discovery_identity_attr("fw_version"));
	ck_assert(!npu_discovery_identity_attr("uevent"));
	ck_assert(!npu_discovery_identity_attr("dev"));
	ck_assert(!npu_discovery_identity_attr("modalias"));
	ck_assert(!npu_discovery_identity_attr("driver_override"));
	ck_assert(!npu_discovery_identity_attr("power/control"));
	ck_assert(!npu_discovery_identity_attr("supplier:platform:foo"));
	ck_assert(!npu_discovery_identity_attr(""));
	ck_assert(!npu_discovery_identity_attr(NULL));

	ck_assert(npu_discovery_attr_value_ok("NPU8 sim"));
	ck_assert(!npu_discovery_attr_value_ok(""));
	ck_assert(!npu_discovery_attr_value_ok(NULL));
	ck_assert(!npu_discovery_attr_value_ok("two\nlines"));
	ck_assert(!npu_discovery_attr_value_ok("\x01"));
	char long_value[300];

	memset(long_value, 'x', sizeof(long_value) - 1);
	long_value[sizeof(long_value) - 1] = '\0';
	ck_assert(!npu_discovery_attr_value_ok(long_value));
}
END_TEST

START_TEST(test_node_order)
{
	ck_assert_int_lt(npu_discovery_node_cmp("/dev/accel/accel2", "/dev/accel/accel10"), 0);
	ck_assert_int_gt(npu_discovery_node_cmp("/dev/accel/accel10", "/dev/accel/accel9"), 0);
	ck_assert_int_eq(npu_discovery_node_cmp("/dev/accel/accel0", "/dev/accel/accel0"), 0);
	ck_assert_int_lt(npu_discovery_node_cmp("/dev/accel/accel", "/dev/accel/accel0"), 0);
	ck_assert_int_lt(npu_discovery_node_cmp("", "/dev"), 0);
	ck_assert_int_lt(npu_discovery_node_cmp("a1b", "a1c"), 0);
}
END_TEST

START_TEST(test_format)
{
	char buf[64];

	npu_format_bytes(buf, sizeof(buf), 0);
	ck_assert_str_eq(buf, "0 B");
	npu_format_bytes(buf, sizeof(buf), 1023);
	ck_assert_str_eq(buf, "1023 B");
	npu_format_bytes(buf, sizeof(buf), 4096);
	ck_assert_str_eq(buf, "4 KiB");
	npu_format_bytes(buf, sizeof(buf), 1536 * 1024);
	ck_assert_str_eq(buf, "1.50 MiB");
	npu_format_bytes(buf, sizeof(buf), 1ull << 30);
	ck_assert_str_eq(buf, "1 GiB");
	npu_format_bytes(buf, sizeof(buf), UINT64_MAX);
	ck_assert_str_eq(buf, "16.00 EiB");
	npu_format_fw_version(buf, sizeof(buf), 0x010203);
	ck_assert_str_eq(buf, "1.2.3");
	npu_format_hw_revision(buf, sizeof(buf), 0x00020001);
	ck_assert_str_eq(buf, "2.1");
	npu_format_hw_id(buf, sizeof(buf), 0x4e505538);
	ck_assert_str_eq(buf, "NPU8");
	npu_format_hw_id(buf, sizeof(buf), 0x00000001);
	ck_assert_str_eq(buf, "");
}
END_TEST

START_TEST(test_json_escaping)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	npu_json_string(f, "a\"b\\c\nd\x01");
	npu_json_string(f, NULL);
	fclose(f);
	ck_assert_str_eq(text, "\"a\\\"b\\\\c\\nd\\u0001\"\"\"");
	free(text);
}
END_TEST

START_TEST(test_list_without_devices)
{
	struct npu_device_list *list = NULL;

	ck_assert_int_eq(npu_device_list_create(NULL), -EINVAL);
	/* The host has no NPU: the list is empty, which is not an error. */
	ck_assert_int_eq(npu_device_list_create(&list), 0);
	ck_assert_ptr_nonnull(list);
	for (size_t i = 0; i < npu_device_list_count(list); i++)
		ck_assert_str_eq(npu_device_list_get(list, i)->driver, "npu");
	ck_assert_ptr_null(npu_device_list_get(list, npu_device_list_count(list)));
	npu_device_list_free(list);
	ck_assert_uint_eq(npu_device_list_count(NULL), 0);
	ck_assert_ptr_null(npu_device_list_get(NULL, 0));
	npu_device_list_free(NULL);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("device");
	TCase *tc = tcase_create("host");

	tcase_add_test(tc, test_open_arguments);
	tcase_add_test(tc, test_bo_arguments);
	tcase_add_test(tc, test_no_mmap_refused);
	tcase_add_test(tc, test_round_size);
	tcase_add_test(tc, test_deadline);
	tcase_add_test(tc, test_discovery_rules);
	tcase_add_test(tc, test_node_order);
	tcase_add_test(tc, test_format);
	tcase_add_test(tc, test_json_escaping);
	tcase_add_test(tc, test_list_without_devices);
	suite_add_tcase(s, tc);
	return npu_check_run(s);
}
