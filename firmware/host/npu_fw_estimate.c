// SPDX-License-Identifier: MIT
/*
 * The cost of a whole stream on the host (the compiler, tests): its
 * schedule (npu_fw_timeline_add()) is too large for the device's stack
 * budget, and the device schedules its jobs in npu_fw_run() instead.
 */
#include "fw_internal.h"

int npu_fw_estimate_stream(const struct npu_fw_hw_model *hw, const void *cs,
			   uint32_t size, struct npu_fw_cost *cost)
{
	union npu_cmd_params p;
	struct npu_fw_timeline tl;
	const char *reason;
	uint32_t off, bytes, opcode;
	int r;

	r = npu_fw_validate(cs, size, NULL, NULL, NULL);
	if (r)
		return r;
	/* The device reads the stream itself too. */
	cost->dram_read_bytes += size;
	fw_memset(&tl, 0, sizeof(tl));
	for (off = 0; off < size; off += bytes) {
		bytes = fw_decode_cmd(cs, size, off, &opcode, &p, &reason);
		if (!bytes)
			return -NPU_FW_EINVAL;
		npu_fw_timeline_add(&tl, hw, opcode, &p, cost);
	}
	return 0;
}
