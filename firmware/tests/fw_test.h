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

#define DIMS(...) ((const uint32_t[]){ __VA_ARGS__ })
#define NDIMS(...) (sizeof((const uint32_t[]){ __VA_ARGS__ }) / 4)
/* npu_tensor_set() with the rank taken from the dimension list. */
#define TENSOR(t, addr, type, zp, ...) \
	npu_tensor_set((t), (addr), (type), (zp), NDIMS(__VA_ARGS__), \
		       DIMS(__VA_ARGS__))

#endif
