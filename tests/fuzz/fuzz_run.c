// SPDX-License-Identifier: MIT
/*
 * libFuzzer target for the tools' whole path, first stage to last: a
 * .tflite is compiled as npu-compile does (every op's kernel checked, as
 * npu_compiled_op_runnable() does there), serialized and loaded back as
 * npu-compile --check does, then opened CPU-only and run once on zero
 * inputs as npu-run --cpu does; a .npu (its CRC recomputed, so mutations
 * reach the checks behind it) is loaded, then opened and run the same way.
 * Each stage must succeed or refuse with a message; a model that compiles
 * must not then fail at its first run for want of a kernel.  The inputs
 * that reach the CPU kernels are those structure-aware mutation
 * (tests/fuzz/mutate.py) makes; make fuzz-mutate runs them through it.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "npu_fw.h"
#include "npu_model.h"
#include "npu_model_format.h"
#include "npu_tflite.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/*
 * npu-compile / npu-compile --check: 0, or -1 with @err set.  @custom: the
 * model has a CUSTOM op (whose kernel only an application can supply).
 */
static int check(const uint8_t *data, size_t size, bool npu, char *err, size_t len,
		 bool *custom)
{
	struct npu_compiled_model *m = NULL, *again;
	struct npu_graph *g;
	void *buf;
	size_t n;
	int ret;

	if (npu) {
		ret = npu_model_load(data, size, &m, err, len);
	} else {
		ret = npu_tflite_load(data, size, &g, err, len);
		if (!ret)
			ret = npu_compile(g, NULL, &m, err, len);
	}
	for (uint32_t i = 0; !ret && i < m->graph->num_ops; i++)
		if (m->graph->ops[i].builtin != NPU_BUILTIN_CUSTOM)
			ret = npu_compiled_op_runnable(m, i, err, len);
		else
			*custom = true;
	if (!ret && npu_model_serialize(m, &buf, &n) == 0) {
		if (npu_model_load(buf, n, &again, err, len))
			abort();	/* what the compiler writes must load */
		npu_compiled_model_free(again);
		free(buf);
	}
	npu_compiled_model_free(m);
	if (ret && !err[0])
		abort();	/* refused without saying why */
	return ret ? -1 : 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[512] = "";
	struct npu_model_options opts = {
		.flags = NPU_MODEL_CPU_ONLY, .err = err, .errlen = sizeof(err),
	};
	bool npu = size >= sizeof(struct npu_mf_header) && !memcmp(data, NPU_MF_MAGIC, 8);
	struct npu_model *model;
	uint8_t *copy = malloc(size ? size : 1);
	bool verbose = getenv("FUZZ_RUN_VERBOSE") != NULL;
	bool checked, custom = false;
	int ret;

	if (!copy)
		return 0;
	memcpy(copy, data, size);
	if (npu) {
		uint32_t crc;

		memset(copy + offsetof(struct npu_mf_header, crc32), 0, 4);
		crc = npu_fw_crc32(0, copy, size);
		memcpy(copy + offsetof(struct npu_mf_header, crc32), &crc, 4);
	}
	checked = check(copy, size, npu, err, sizeof(err), &custom) == 0;
	/* FUZZ_RUN_VERBOSE=1: each stage's outcome, to triage a finding. */
	if (verbose)
		fprintf(stderr, "check: %s\n", checked ? "succeeded" : err);
	checked = checked && !custom;
	err[0] = 0;
	ret = npu_model_open_memory(NULL, copy, size, &opts, &model);
	if (ret) {
		if (verbose)
			fprintf(stderr, "open: %s\n", err);
		if (!err[0])
			abort();
		/* What the compiler took, the runtime opens (the same checks). */
		if (checked && ret == -NPU_ERR_NO_KERNEL)
			abort();
	} else {
		ret = npu_model_invoke(model);
		if (verbose)
			fprintf(stderr, "run: %s\n", ret ? npu_model_error(model) : "succeeded");
		if (ret && !npu_model_error(model)[0])
			abort();
		if (ret && checked && ret == -NPU_ERR_NO_KERNEL)
			abort();	/* compiles, then fails at the first run */
		npu_model_close(model);
	}
	free(copy);
	return 0;
}
