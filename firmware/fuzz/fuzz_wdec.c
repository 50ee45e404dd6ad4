// SPDX-License-Identifier: MIT
/*
 * libFuzzer target: the weight decoder on any bytes.  Input: the decoded
 * length (2 bytes, little-endian) then the encoded stream.  Source and
 * destination are heap buffers of exactly their sizes, so ASan catches
 * any access outside them; the decoder must return 0 or -NPU_FW_EINVAL
 * with a reason, never crash or hang.
 *   make -C firmware fuzz      (clang, -fsanitize=fuzzer,address,undefined)
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "npu_fw.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *reason = NULL;
	uint32_t dst_len, src_len;
	uint8_t *src, *dst;
	int r;

	if (size < 2)
		return 0;
	dst_len = (uint32_t)data[0] | (uint32_t)data[1] << 8;
	src_len = (uint32_t)(size - 2);
	src = malloc(src_len ? src_len : 1);
	dst = malloc(dst_len ? dst_len : 1);
	memcpy(src, data + 2, src_len);
	r = npu_fw_wdec_decode(src, src_len, dst, dst_len, &reason);
	if (r && (r != -NPU_FW_EINVAL || !reason))
		abort();
	free(src);
	free(dst);
	return 0;
}
