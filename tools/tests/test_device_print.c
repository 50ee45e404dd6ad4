// SPDX-License-Identifier: MIT
/* device_print() (npu-info's output) on filled structs. */
#include <check.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check_util.h"
#include "lib/device_print.h"
#include "npu_fw.h"

/* Runs device_print() into a string. */
static char *print_to_string(const struct npu_device_desc *desc,
			     const struct npu_device_info *info,
			     const struct npu_counters *c, unsigned int flags)
{
	char *text = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&text, &len);

	ck_assert_ptr_nonnull(f);
	ck_assert_int_eq(device_print(f, desc, info, c, flags), 0);
	fclose(f);
	return text;
}

static const struct npu_attr sample_attrs[] = {
	{ "model", "NPU8 \"sim\"" },
	{ "revision", "1.0" },
};

static const struct npu_device_desc sample_desc = {
	.node = "/dev/accel/accel0",
	.syspath = "/sys/devices/platform/npu_sim.0/accel/accel0",
	.driver = "npu",
	.parent = "npu_sim.0",
	.attr_count = 2,
	.attrs = sample_attrs,
};

static const struct npu_device_info sample_info = {
	.hw_id = 0x4e505538,
	.hw_revision = 0x00010000,
	.fw_version = 0x00010203,
	.fw_features = 0x3,
	.cmdstream_version = 1,
	.mac_count = 1152,
	.clock_mhz = 1000,
	.sram_size = 1 << 20,
	.dram_bytes_per_cycle = 16,
	.queue_depth = 4,
	.num_address_spaces = 8,
	.page_size = 4096,
	.va_start = 0x100000,
	.va_end = 0x40000000,
	.max_bo_size = 256 << 20,
};

static const struct npu_counters sample_counters = {
	.cycles = 1000, .macs = 2000, .dram_read_bytes = 3 << 20,
	.dram_write_bytes = 4, .jobs_completed = 5, .jobs_failed = 6,
	.resets = 7, .mmu_faults = 8,
};

START_TEST(test_print_json)
{
	char *s = print_to_string(&sample_desc, &sample_info, &sample_counters,
				  DEVICE_PRINT_JSON);

	ck_assert_str_eq(s,
		"{\"node\":\"/dev/accel/accel0\",\"driver\":\"npu\","
		"\"parent\":\"npu_sim.0\","
		"\"syspath\":\"/sys/devices/platform/npu_sim.0/accel/accel0\","
		"\"attributes\":{\"model\":\"NPU8 \\\"sim\\\"\",\"revision\":\"1.0\"},"
		"\"info\":{\"hw_id\":1313887544,\"hw_name\":\"NPU8\","
		"\"hw_revision\":\"1.0\",\"fw_version\":\"1.2.3\",\"fw_features\":3,"
		"\"fw_feature_names\":[\"int8\",\"int16x8\"],\"cmdstream_version\":1,"
		"\"mac_count\":1152,\"clock_mhz\":1000,\"tops\":2.304,"
		"\"sram_bytes\":1048576,\"dram_bytes_per_cycle\":16,\"dram_gbps\":16.000,"
		"\"queue_depth\":4,\"num_address_spaces\":8,\"page_size\":4096,"
		"\"va_start\":1048576,\"va_end\":1073741824,\"max_bo_size\":268435456},"
		"\"counters\":{\"cycles\":1000,\"macs\":2000,\"dram_read_bytes\":3145728,"
		"\"dram_write_bytes\":4,\"jobs_completed\":5,\"jobs_failed\":6,"
		"\"resets\":7,\"mmu_faults\":8}}");
	free(s);

	/* Leaving parts out keeps the object well-formed. */
	s = print_to_string(NULL, NULL, NULL, DEVICE_PRINT_JSON);
	ck_assert_str_eq(s, "{}");
	free(s);
	s = print_to_string(NULL, NULL, &sample_counters, DEVICE_PRINT_JSON);
	ck_assert_str_eq(s, "{\"counters\":{\"cycles\":1000,\"macs\":2000,"
			 "\"dram_read_bytes\":3145728,\"dram_write_bytes\":4,"
			 "\"jobs_completed\":5,\"jobs_failed\":6,\"resets\":7,"
			 "\"mmu_faults\":8}}");
	free(s);
}
END_TEST

START_TEST(test_print_text)
{
	char *s = print_to_string(&sample_desc, &sample_info, &sample_counters, 0);

	ck_assert_ptr_nonnull(strstr(s, "/dev/accel/accel0\n"));
	ck_assert_ptr_nonnull(strstr(s, "  driver:          npu (device npu_sim.0)\n"));
	ck_assert_ptr_nonnull(strstr(s, "  model            NPU8 \"sim\"\n"));
	ck_assert_ptr_nonnull(strstr(s, "  hardware:        NPU8 0x4e505538 revision 1.0\n"));
	ck_assert_ptr_nonnull(strstr(s, "  firmware:        1.2.3, features 0x00000003 (int8, int16x8)\n"));
	ck_assert_ptr_nonnull(strstr(s, "  compute:         1152 MACs/cycle at 1000 MHz, 2.30 TOPS int8\n"));
	ck_assert_ptr_nonnull(strstr(s, "  SRAM:            1 MiB\n"));
	ck_assert_ptr_nonnull(strstr(s, "  DRAM bandwidth:  16 bytes/cycle, 16.0 GB/s\n"));
	ck_assert_ptr_nonnull(strstr(s, "  MMU:             8 address spaces, 4 KiB pages\n"));
	ck_assert_ptr_nonnull(strstr(s, "  NPU VA range:    0x00100000-0x40000000 (1023 MiB)\n"));
	ck_assert_ptr_nonnull(strstr(s, "  max buffer:      256 MiB\n"));
	ck_assert_ptr_nonnull(strstr(s, "5 jobs completed, 6 failed, 7 resets, 8 MMU faults\n"));
	free(s);

	struct npu_device_info odd = sample_info;

	odd.fw_features = 0x80000004;
	s = print_to_string(NULL, &odd, NULL, 0);
	ck_assert_ptr_nonnull(strstr(s, "features 0x80000004 (perf-counters, unknown 0x80000000)"));
	free(s);
	odd.fw_features = 0;
	s = print_to_string(NULL, &odd, NULL, 0);
	ck_assert_ptr_nonnull(strstr(s, "features 0x00000000 (none)"));
	free(s);
	/* Every feature this firmware announces has a name. */
	odd.fw_features = NPU_FW_FEATURES;
	s = print_to_string(NULL, &odd, NULL, 0);
	ck_assert_ptr_nonnull(strstr(s, "(int8, int16x8, perf-counters, sigmoid-s16, relu,"));
	ck_assert_ptr_nonnull(strstr(s, ", softmax)\n"));
	ck_assert_ptr_null(strstr(s, "unknown"));
	free(s);
}
END_TEST

START_TEST(test_print_errors)
{
	FILE *f = fopen("/dev/full", "w");

	ck_assert_int_eq(device_print(NULL, NULL, NULL, NULL, 0), -EINVAL);
	ck_assert_int_eq(device_print(stdout, NULL, NULL, NULL, 1u << 7), -EINVAL);
	ck_assert_ptr_nonnull(f);
	/* Unbuffered, so the write error shows before fclose. */
	setvbuf(f, NULL, _IONBF, 0);
	ck_assert_int_eq(device_print(f, &sample_desc, &sample_info, NULL, 0), -EIO);
	fclose(f);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("device_print");
	TCase *tc = tcase_create("host");

	tcase_add_test(tc, test_print_json);
	tcase_add_test(tc, test_print_text);
	tcase_add_test(tc, test_print_errors);
	suite_add_tcase(s, tc);
	return npu_check_run(s);
}
