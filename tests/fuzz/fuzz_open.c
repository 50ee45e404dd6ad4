// SPDX-License-Identifier: MIT
/*
 * libFuzzer target for what npu-run does first with a file: open it as a
 * model without a device (.tflite: read, compile; .npu: load and check the
 * arena plan), which prepares every op for the CPU executor, then bind the
 * inputs.  Any input must open or be refused with a message, inside the
 * runtime's memory limit (the fuzzer's -malloc_limit_mb catches the rest).
 * A .npu's CRC is recomputed first, so mutations reach the checks behind it.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "npu_model.h"
#include "npu_fw.h"
#include "npu_model_format.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[512] = "";
	struct npu_model_options opts = {
		.flags = NPU_MODEL_CPU_ONLY, .err = err, .errlen = sizeof(err),
	};
	struct npu_model *model;
	uint8_t *copy = malloc(size ? size : 1);
	int ret;

	if (!copy)
		return 0;
	memcpy(copy, data, size);
	if (size >= sizeof(struct npu_mf_header) && !memcmp(copy, NPU_MF_MAGIC, 8)) {
		uint32_t crc;

		memset(copy + offsetof(struct npu_mf_header, crc32), 0, 4);
		crc = npu_fw_crc32(0, copy, size);
		memcpy(copy + offsetof(struct npu_mf_header, crc32), &crc, 4);
	}
	ret = npu_model_open_memory(NULL, copy, size, &opts, &model);
	if (ret) {
		if (!err[0])
			abort();	/* refused without saying why */
	} else {
		for (size_t i = 0; i < npu_model_input_count(model); i++) {
			void *buf;

			if (npu_model_input_buffer(model, i, &buf))
				abort();
		}
		npu_model_close(model);
	}
	free(copy);
	return 0;
}
