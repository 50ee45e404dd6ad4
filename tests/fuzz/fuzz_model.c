// SPDX-License-Identifier: MIT
/*
 * libFuzzer target for the .npu loader.  The CRC is recomputed on every
 * input first (a checksum would otherwise stop nearly every mutation at the
 * door), so the structural checks behind it get fuzzed; the loaded model,
 * if any, is serialized again and must load again, and its reports (text,
 * JSON, Graphviz: npu-compile --check --report/--graph-out) are written.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "npu_fw.h"
#include "npu_model_format.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct npu_compiled_model *m, *again;
	uint8_t *copy = malloc(size ? size : 1);
	char err[512];
	void *buf;
	size_t len;

	if (!copy)
		return 0;
	memcpy(copy, data, size);
	if (size >= sizeof(struct npu_mf_header)) {
		uint32_t crc;

		memset(copy + offsetof(struct npu_mf_header, crc32), 0, 4);
		crc = npu_fw_crc32(0, copy, size);
		memcpy(copy + offsetof(struct npu_mf_header, crc32), &crc, 4);
	}
	if (npu_model_load(copy, size, &m, err, sizeof(err)) == 0) {
		FILE *out = fopen("/dev/null", "w");

		if (out) {
			npu_compile_report(m, "fuzz", false, out);
			npu_compile_report(m, "fuzz", true, out);
			npu_compile_report_dot(m, "fuzz", out);
			fclose(out);
		}
		if (npu_model_serialize(m, &buf, &len) == 0) {
			if (npu_model_load(buf, len, &again, err, sizeof(err)))
				abort();	/* what loads must round-trip */
			npu_compiled_model_free(again);
			free(buf);
		}
		npu_compiled_model_free(m);
	} else if (!err[0]) {
		abort();
	}
	free(copy);
	return 0;
}
