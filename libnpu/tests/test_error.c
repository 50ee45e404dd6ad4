// SPDX-License-Identifier: MIT
/* npu_strerror() on errno values, library errors and out-of-range input. */
#include <check.h>
#include <errno.h>
#include <limits.h>
#include <string.h>

#include "check_util.h"
#include "npu.h"

START_TEST(test_errno_values)
{
	ck_assert_str_eq(npu_strerror(0), "Success");
	ck_assert_str_eq(npu_strerror(-ENOMEM), "Cannot allocate memory");
	ck_assert_str_eq(npu_strerror(ENOMEM), "Cannot allocate memory");
	ck_assert_str_eq(npu_strerror(-ETIMEDOUT), "Connection timed out");
	ck_assert_str_eq(npu_strerror(-ENOSPC), "No space left on device");
}
END_TEST

START_TEST(test_library_errors)
{
	ck_assert_str_eq(npu_strerror(-NPU_ERR_NO_DEVICE), "No NPU device found");
	ck_assert_str_eq(npu_strerror(-NPU_ERR_MODEL_FORMAT), "Malformed model file");
	/* Every library error has its own message. */
	for (int e = NPU_ERR_BASE; e < NPU_ERR_END; e++) {
		const char *m = npu_strerror(-e);

		ck_assert_ptr_nonnull(m);
		ck_assert_str_ne(m, "Unknown NPU error");
		for (int f = NPU_ERR_BASE; f < e; f++)
			ck_assert_str_ne(m, npu_strerror(-f));
	}
}
END_TEST

START_TEST(test_unknown_values)
{
	ck_assert_str_eq(npu_strerror(-NPU_ERR_END), "Unknown NPU error");
	ck_assert_str_eq(npu_strerror(INT_MAX), "Unknown NPU error");
	ck_assert_str_eq(npu_strerror(-4000), "Unknown error");
	/* INT_MIN cannot be negated; it must still give a message. */
	ck_assert_ptr_nonnull(npu_strerror(INT_MIN + 1));
}
END_TEST

int main(void)
{
	Suite *s = suite_create("error");
	TCase *tc = tcase_create("strerror");

	tcase_add_test(tc, test_errno_values);
	tcase_add_test(tc, test_library_errors);
	tcase_add_test(tc, test_unknown_values);
	suite_add_tcase(s, tc);
	return npu_check_run(s);
}
