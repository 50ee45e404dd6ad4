/* SPDX-License-Identifier: MIT */
/* Shared pieces of the libcheck test programs (linked into every test). */
#ifndef NPU_CHECK_UTIL_H
#define NPU_CHECK_UTIL_H

#include <check.h>

/* Runs every test of the suite; returns main()'s exit status. */
int npu_check_run(Suite *s);

#endif /* NPU_CHECK_UTIL_H */
