// SPDX-License-Identifier: MIT
/*
 * libFuzzer target for the whole ahead-of-time path: a .tflite that the
 * reader accepts must compile or be refused with a message (never crash),
 * and a compiled model must serialize and load back.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "npu_model_format.h"
#include "npu_tflite.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct npu_compiled_model *m, *again;
	struct npu_graph *g;
	char err[512];
	void *buf;
	size_t len;

	if (npu_tflite_load(data, size, &g, err, sizeof(err)))
		return 0;
	if (npu_compile(g, NULL, &m, err, sizeof(err))) {
		if (!err[0])
			abort();
		return 0;
	}
	if (npu_model_serialize(m, &buf, &len) == 0) {
		if (npu_model_load(buf, len, &again, err, sizeof(err)))
			abort();	/* the compiler's output must pass its own loader */
		npu_compiled_model_free(again);
		free(buf);
	}
	npu_compiled_model_free(m);
	return 0;
}
