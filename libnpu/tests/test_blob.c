// SPDX-License-Identifier: MIT
/*
 * The .npu writer's growing buffer (format/blob.h): pieces at their
 * alignment with the gaps zeroed, and a size past half the address space
 * refused with -E2BIG and offset 0 (the capacity doubling would wrap and
 * never end).
 */
#include <check.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

#include "check_util.h"
#include "../format/blob.h"

START_TEST(test_blob_put_aligned)
{
	struct npu_blob b = { 0 };
	const uint8_t one[3] = { 1, 2, 3 }, two[2] = { 4, 5 };
	size_t at = 99;

	ck_assert_int_eq(npu_blob_put(&b, one, sizeof(one), 1, &at), 0);
	ck_assert_uint_eq(at, 0);
	ck_assert_int_eq(npu_blob_put(&b, two, sizeof(two), 8, &at), 0);
	ck_assert_uint_eq(at, 8);
	ck_assert_uint_eq(b.size, 10);
	for (size_t i = 3; i < 8; i++)
		ck_assert_uint_eq(b.data[i], 0);
	ck_assert_uint_eq(b.data[8], 4);
	ck_assert_uint_eq(b.data[9], 5);
	free(b.data);
}
END_TEST

START_TEST(test_blob_put_too_large)
{
	struct npu_blob b = { 0 };
	const uint8_t one = 7;
	size_t at = 99;

	ck_assert_int_eq(npu_blob_put(&b, &one, 1, 1, &at), 0);
	ck_assert_int_eq(npu_blob_put(&b, &one, SIZE_MAX - 8, 4, &at), -E2BIG);
	ck_assert_uint_eq(at, 0);
	ck_assert_int_eq(npu_blob_put(&b, &one, SIZE_MAX / 2, 1, NULL), -E2BIG);
	/* The buffer is as it was. */
	ck_assert_uint_eq(b.size, 1);
	ck_assert_uint_eq(b.data[0], 7);
	free(b.data);
}
END_TEST

static Suite *blob_suite(void)
{
	Suite *s = suite_create("blob");
	TCase *tc = tcase_create("put");

	tcase_add_test(tc, test_blob_put_aligned);
	tcase_add_test(tc, test_blob_put_too_large);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return npu_check_run(blob_suite());
}
