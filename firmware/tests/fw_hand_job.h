/* SPDX-License-Identifier: MIT */
/*
 * The fixture of the jobs built around the hand-worked CONV_2D
 * (test_run.c, test_wdec.c): addresses, mapped pages and operands.
 */
#ifndef FW_HAND_JOB_H
#define FW_HAND_JOB_H

#include "fw_test.h"
#include "fw_vmem.h"

/*
 * A job around the hand-worked CONV_2D (fw_test_hand_conv()): its operands
 * at these addresses, the pages of the stream, the input and the output
 * mapped (the filter and the tables share the input's page).
 */
#define VA_CS		0x0000u
#define VA_IN		0x1000u
#define VA_W		0x1100u
#define VA_BIAS		0x1200u
#define VA_MULT		0x1300u
#define VA_SHIFT	0x1400u
#define VA_OUT		0x2000u

/*
 * Writes the stream @cs (@cs_bytes) and the conv's operands: its input,
 * the filter @w (@w_len bytes: raw or encoded), the bias unless @bias is
 * false (a job whose bias page faults), the requantization tables.
 */
static inline void vmem_hand_conv_job(struct vmem *m, const void *cs, uint32_t cs_bytes,
				      const void *w, uint32_t w_len, int bias)
{
	static const int8_t in[9] = { 1, 2, 3, 4, 5, 6, 7, 8, 9 };
	static const int32_t bias_v[2] = { 100, -10 };
	static const int32_t mult[2] = { 1 << 30, 1 << 30 };
	static const int32_t shift[2] = { 0, 1 };

	ck_assert_uint_gt(cs_bytes, 0);
	vmem_map(m, VA_CS, 4096, VMEM_R);
	vmem_map(m, VA_IN, 4096, VMEM_R);
	vmem_map(m, VA_OUT, 4096, VMEM_R | VMEM_W);
	vmem_poke(m, VA_CS, cs, cs_bytes);
	vmem_poke(m, VA_IN, in, sizeof(in));
	vmem_poke(m, VA_W, w, w_len);
	if (bias)
		vmem_poke(m, VA_BIAS, bias_v, sizeof(bias_v));
	vmem_poke(m, VA_MULT, mult, sizeof(mult));
	vmem_poke(m, VA_SHIFT, shift, sizeof(shift));
}

#endif
