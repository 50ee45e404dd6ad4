/* SPDX-License-Identifier: MIT */
/* Shared pieces of the libcheck test programs (linked into every test). */
#ifndef NPU_CHECK_UTIL_H
#define NPU_CHECK_UTIL_H

#include <check.h>
#include <stddef.h>

/* Runs every test of the suite; returns main()'s exit status. */
int npu_check_run(Suite *s);

/*
 * Reads a raw tensor file (the golden inputs) for the tensor @info into a
 * new buffer (free() it): 0, or a negative errno / -NPU_ERR_TENSOR_SIZE
 * when the size differs, with @err saying why.
 */
struct npu_tensor_info;
int npu_check_load_raw(const char *path, const struct npu_tensor_info *info,
		       void **data, char *err, size_t errlen);

#endif /* NPU_CHECK_UTIL_H */
