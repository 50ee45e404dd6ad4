/* SPDX-License-Identifier: MIT */
/* Shared declarations of the firmware unit tests (libcheck). */
#ifndef FW_TEST_H
#define FW_TEST_H

#include <check.h>
#include <stdint.h>
#include <string.h>

#include "npu_fw.h"
#include "npu_fw_host.h"

Suite *suite_fixedpoint(void);
Suite *suite_ops(void);
Suite *suite_reduce(void);
Suite *suite_eltwise2(void);
Suite *suite_validate(void);
Suite *suite_run(void);
Suite *suite_image(void);
Suite *suite_reference(void);
Suite *suite_uint8(void);
Suite *suite_resize(void);
Suite *suite_copy(void);
Suite *suite_sram(void);
Suite *suite_wdec(void);

#define DIMS(...) ((const uint32_t[]){ __VA_ARGS__ })
#define NDIMS(...) (sizeof((const uint32_t[]){ __VA_ARGS__ }) / 4)
/* npu_tensor_set() with the rank taken from the dimension list. */
#define TENSOR(t, addr, type, zp, ...) \
	npu_tensor_set((t), (addr), (type), (zp), NDIMS(__VA_ARGS__), \
		       DIMS(__VA_ARGS__))

/* An op's parameters pass (fail) the firmware's check with the HW limits. */
#define CHECK_OK(op, p) \
	ck_assert_int_eq(npu_fw_check_op((op), (p), sizeof(*(p)), \
					 NPU_FW_CHECK_HW_LIMITS, NULL), 0)
#define CHECK_BAD(op, p) \
	ck_assert_int_eq(npu_fw_check_op((op), (p), sizeof(*(p)), \
					 NPU_FW_CHECK_HW_LIMITS, NULL), \
			 -NPU_FW_EINVAL)

#endif
