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
Suite *suite_regions(void);
Suite *suite_softmax(void);

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

/*
 * The hand-worked CONV_2D of test_ops.c: input 1x3x3x1, filter 2x2x2x1,
 * stride 2, per-channel requantization with a bias, clamp [3, 57]; its
 * operands at the given addresses (test_run.c, test_wdec.c).
 */
static inline void fw_test_hand_conv(struct npu_conv_params *c, uint64_t in,
				     uint64_t w, uint64_t out, uint64_t bias,
				     uint64_t mult, uint64_t shift)
{
	memset(c, 0, sizeof(*c));
	TENSOR(&c->input, in, NPU_DTYPE_INT8, 1, 1, 3, 3, 1);
	TENSOR(&c->filter, w, NPU_DTYPE_INT8, 0, 2, 2, 2, 1);
	TENSOR(&c->output, out, NPU_DTYPE_INT8, 5, 1, 2, 2, 2);
	c->stride_h = c->stride_w = 2;
	c->dilation_h = c->dilation_w = 1;
	c->rq.count = 2;
	c->rq.flags = NPU_RQ_HAS_BIAS;
	c->rq.bias_addr = bias;
	c->rq.mult_addr = mult;
	c->rq.shift_addr = shift;
	c->act_min = 3;
	c->act_max = 57;
}

#endif
