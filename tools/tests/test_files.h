/* SPDX-License-Identifier: MIT */
/*
 * Shared pieces of the tools' input-file tests (test_image_input.c,
 * test_tensor_file.c): a fresh temporary directory per test (the checked
 * fixture setup()/teardown()), files written into it, and the tensor
 * descriptions the loaders fill.  Header-only, as libnpu's
 * test_cpu_graph.h.
 */
#ifndef NPU_TOOLS_TEST_FILES_H
#define NPU_TOOLS_TEST_FILES_H

#include <check.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "npu_graph.h"
#include "npu_model.h"

static char dir[64];

static inline void setup(void)
{
	/* A fresh template each time: mkdtemp() rewrites it. */
	snprintf(dir, sizeof(dir), "/tmp/npu-tools-test-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
}

static inline void teardown(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	ck_assert_int_eq(system(cmd), 0);
}

/* The path of @name in the test's directory (a static buffer). */
static inline const char *path_of(const char *name)
{
	static char path[256];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	return path;
}

/* Writes @len bytes of @data to @name in the test's directory: its path. */
static inline const char *write_file(const char *name, const void *data, size_t len)
{
	const char *path = path_of(name);
	FILE *f = fopen(path, "wb");

	ck_assert_ptr_nonnull(f);
	ck_assert_uint_eq(fwrite(data, 1, len, f), len);
	fclose(f);
	return path;
}

/* A tensor "t" of @type and @shape (@scale 0: not quantized), its bytes counted. */
static inline struct npu_tensor_info tensor(uint32_t type, uint32_t rank, const int32_t *shape,
					    float scale, int32_t zero_point)
{
	struct npu_tensor_info t = { .name = "t", .type = type, .rank = rank,
				     .scale = scale, .zero_point = zero_point };

	t.bytes = npu_type_size(type);
	for (uint32_t i = 0; i < rank; i++) {
		t.shape[i] = shape[i];
		t.bytes *= (size_t)shape[i];
	}
	return t;
}

#endif /* NPU_TOOLS_TEST_FILES_H */
