// SPDX-License-Identifier: MIT
/*
 * Host tests of the job API's argument checking; submission, waits, stats
 * and fences run in the VM (tests/drv/libnpu_job.c).
 */
#include <check.h>
#include <errno.h>

#include "device_priv.h"
#include "check_util.h"
#include "npu.h"

/* A device and buffers that never reach a kernel: fd -1. */
static struct npu_device dev = { .fd = -1, .page_size = 4096 };
static struct npu_device other = { .fd = -1, .page_size = 4096 };
static struct npu_bo cmd = { .dev = &dev, .handle = 1, .size = 4096 };
static struct npu_bo foreign = { .dev = &other, .handle = 2, .size = 4096 };

START_TEST(test_create_arguments)
{
	struct npu_job *job = (struct npu_job *)1;

	ck_assert_int_eq(npu_job_create(&dev, &cmd, 0, 64, NULL), -EINVAL);
	ck_assert_int_eq(npu_job_create(NULL, &cmd, 0, 64, &job), -EINVAL);
	ck_assert_ptr_null(job);
	ck_assert_int_eq(npu_job_create(&dev, NULL, 0, 64, &job), -EINVAL);
	/* Size zero, unaligned offset or size, past the end of the buffer. */
	ck_assert_int_eq(npu_job_create(&dev, &cmd, 0, 0, &job), -EINVAL);
	ck_assert_int_eq(npu_job_create(&dev, &cmd, 2, 64, &job), -EINVAL);
	ck_assert_int_eq(npu_job_create(&dev, &cmd, 0, 63, &job), -EINVAL);
	ck_assert_int_eq(npu_job_create(&dev, &cmd, 4092, 8, &job), -EINVAL);
	ck_assert_int_eq(npu_job_create(&dev, &cmd, 0xfffffffc, 8, &job), -EINVAL);
	/* A stream buffer of another device. */
	ck_assert_int_eq(npu_job_create(&dev, &foreign, 0, 64, &job), -EINVAL);
	/* Valid arguments go on to create the syncobj: the closed fd answers. */
	ck_assert_int_eq(npu_job_create(&dev, &cmd, 4088, 8, &job), -EBADF);
	ck_assert_ptr_null(job);
}
END_TEST

START_TEST(test_null_job)
{
	struct npu_job_stats stats;
	int fd = 5;

	npu_job_destroy(NULL);
	npu_job_clear_in_fences(NULL);
	ck_assert_int_eq(npu_job_add_bo(NULL, &cmd, NPU_JOB_BO_READ), -EINVAL);
	ck_assert_int_eq(npu_job_add_in_fence(NULL, 0), -EINVAL);
	ck_assert_int_eq(npu_job_set_priority(NULL, NPU_PRIORITY_LOW), -EINVAL);
	ck_assert_int_eq(npu_job_submit(NULL), -EINVAL);
	ck_assert_int_eq(npu_job_wait(NULL, 0), -EINVAL);
	ck_assert_int_eq(npu_job_get_stats(NULL, &stats), -EINVAL);
	ck_assert_int_eq(npu_job_export_fence(NULL, &fd), -EINVAL);
	ck_assert_int_eq(npu_job_submit_batch(NULL, 1), -EINVAL);
	struct npu_job *none[2] = { NULL, NULL };

	ck_assert_int_eq(npu_job_submit_batch(none, 0), -EINVAL);
	ck_assert_int_eq(npu_job_submit_batch(none, 2), -EINVAL);
	ck_assert_int_eq(npu_job_submit_batch(none, 65), -EINVAL);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("job");
	TCase *tc = tcase_create("host");

	tcase_add_test(tc, test_create_arguments);
	tcase_add_test(tc, test_null_job);
	suite_add_tcase(s, tc);
	return npu_check_run(s);
}
