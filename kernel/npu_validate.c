// SPDX-License-Identifier: GPL-2.0-only
/* Copyright 2026 The NPU stack authors */

/*
 * Command-stream check before queueing.  Transitional: walks the command
 * headers (STREAM first, known opcodes, lengths inside the stream, version);
 * the operand checks come with the firmware's validator (firmware/).
 */

#include <linux/errno.h>
#include <linux/string.h>

#include "npu_cmdstream.h"
#include "npu_validate.h"

int npu_validate_stream(const void *cs, u32 size,
			const struct npu_validate_range *ranges, u32 count)
{
	const u8 *p = cs;
	struct npu_stream_params sp;
	u32 off = 0, index = 0, hdr, words;
	__le32 raw;

	if (!size || size % 4)
		return -EINVAL;
	while (off < size) {
		memcpy(&raw, p + off, 4);
		hdr = le32_to_cpu(raw);
		words = NPU_CS_HDR_WORDS(hdr);
		if (!words || words > (size - off) / 4)
			return -EINVAL;
		if (NPU_CS_HDR_OP(hdr) >= NPU_OP_COUNT)
			return -EINVAL;
		if (!index != (NPU_CS_HDR_OP(hdr) == NPU_OP_STREAM))
			return -EINVAL;
		if (index == 0) {
			if (words < 1 + sizeof(sp) / 4)
				return -EINVAL;
			memcpy(&sp, p + off + 4, sizeof(sp));
			if (sp.version != NPU_CS_VERSION || sp.flags)
				return -EINVAL;
		}
		off += words * 4;
		index++;
	}
	return 0;
}
