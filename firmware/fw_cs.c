// SPDX-License-Identifier: MIT
/*
 * Command-stream writer: the one encoder of the format, used by libnpu,
 * the compiler, the boot self-test and the tests.
 */
#include "fw_internal.h"

void npu_cs_init(struct npu_cs_writer *w, void *buf, uint32_t cap_bytes)
{
	struct npu_stream_params sp = { .version = NPU_CS_VERSION, .flags = 0 };

	w->words = buf;
	w->cap_words = buf ? cap_bytes / 4 : 0;
	w->len_words = 0;
	w->commands = 0;
	w->error = 0;
	npu_cs_emit(w, NPU_CMD_STREAM, &sp);
}

int npu_cs_emit(struct npu_cs_writer *w, uint32_t opcode, const void *params)
{
	int32_t ps = npu_fw_params_size(opcode);
	uint32_t words, hdr;

	if (w->error)
		return w->error;
	if (ps < 0) {
		w->error = -NPU_FW_EINVAL;
		return w->error;
	}
	words = 1 + (uint32_t)ps / 4;
	if (w->cap_words - w->len_words < words) {
		w->error = -NPU_FW_ERANGE;
		return w->error;
	}
	hdr = NPU_CS_HDR(opcode, words);
	fw_memcpy(&w->words[w->len_words], &hdr, 4);
	if (ps)
		fw_memcpy(&w->words[w->len_words + 1], params, (size_t)ps);
	w->len_words += words;
	w->commands++;
	return 0;
}

uint32_t npu_cs_bytes(const struct npu_cs_writer *w)
{
	return w->error ? 0 : w->len_words * 4;
}
