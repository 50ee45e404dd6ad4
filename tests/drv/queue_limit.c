// SPDX-License-Identifier: MIT
/*
 * npu.ko bounds the jobs one file may have queued (module parameter
 * max_queued_jobs): a submit beyond it fails with -EBUSY and queues
 * nothing, other files are not affected, and a job that ended (its fence
 * signalled) no longer counts.  Jobs are held by a vgem buffer whose write
 * fence only this test signals.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <xf86drm.h>

#include "lib/drv_util.h"
#include "tap.h"

#define PARAM	"/sys/module/npu/parameters/max_queued_jobs"
#define LIMIT	4
#define LIMIT_STR	"4"

static uint32_t cmd_bytes;

static int wait_sync(int fd, uint32_t h)
{
	struct timespec ts;
	int64_t deadline;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	deadline = (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec + 30000000000ll;
	return drmSyncobjWait(fd, &h, 1, deadline, 0, NULL) ? -errno : 0;
}

static int file_open(uint32_t *cmd)
{
	int fd = drv_open();
	uint32_t *map;

	if (fd < 0 || drv_bo_create(fd, 4096, 0, cmd, NULL))
		return -1;
	map = drv_bo_mmap(fd, *cmd, 4096);
	if (!map)
		return -1;
	cmd_bytes = drv_nop_stream(map, 4) * 4;
	return fd;
}

/* A NOP job that waits for @hold (0: none); out-sync @out (0: none). */
static int submit(int fd, uint32_t cmd, uint32_t hold, uint32_t out)
{
	struct drm_npu_bo_ref ref = { hold, DRM_NPU_BO_REF_READ };

	return drv_submit_one(fd, cmd, 0, cmd_bytes, &ref, hold ? 1 : 0,
			      NULL, 0, out, 0, 0, 1);
}

static void test_limit(int fd, uint32_t cmd, int other, uint32_t other_cmd,
		       int vgem)
{
	uint32_t fence = 0, hold = 0, outs[LIMIT] = { 0 }, more = 0;
	struct drm_npu_job jobs[2];
	struct drm_npu_submit s;
	int held, i, ok = 1;

	held = drv_vgem_fenced_buffer(vgem, 4096, &fence);
	if (!tap_expect_success(held < 0 ? held : 0, 0, "vgem buffer with a fence") ||
	    !tap_expect_success(drmPrimeFDToHandle(fd, held, &hold), errno,
				"imported"))
		return;

	for (i = 0; i < LIMIT; i++) {
		drmSyncobjCreate(fd, 0, &outs[i]);
		ok &= !submit(fd, cmd, hold, outs[i]);
	}
	tap_ok(ok, "%d held jobs queue", LIMIT);
	tap_expect_errno(submit(fd, cmd, 0, 0), 0, EBUSY,
			 "job %d of the file: -EBUSY", LIMIT + 1);
	drmSyncobjCreate(other, 0, &more);
	tap_expect_success(submit(other, other_cmd, 0, more), 0,
			   "another file still queues");
	tap_expect_success(wait_sync(other, more), 0, "and its job runs");
	drmSyncobjDestroy(other, more);

	tap_expect_success(drv_vgem_signal(vgem, fence), 0, "release the jobs");
	ok = 1;
	for (i = 0; i < LIMIT; i++) {
		ok &= !wait_sync(fd, outs[i]);
		drmSyncobjDestroy(fd, outs[i]);
	}
	tap_ok(ok, "the held jobs end");

	/* Two jobs in one submit: all or nothing. */
	memset(jobs, 0, sizeof(jobs));
	for (i = 0; i < 2; i++) {
		jobs[i].cmd_bo = cmd;
		jobs[i].cmd_size = cmd_bytes;
	}
	drmSyncobjCreate(fd, 0, &more);
	jobs[1].out_sync = more;
	s = (struct drm_npu_submit){ .jobs = (uintptr_t)jobs, .job_count = 2,
				     .job_stride = sizeof(jobs[0]), .priority = 1 };
	tap_expect_success(drv_ioctl(fd, DRM_IOCTL_NPU_SUBMIT, &s), 0,
			   "ended jobs no longer count: a submit of two");
	tap_expect_success(wait_sync(fd, more), 0, "runs");
	drmSyncobjDestroy(fd, more);

	drv_bo_close(fd, hold);
	close(held);
}

static void test_one_submit(int fd, uint32_t cmd)
{
	struct drm_npu_job jobs[LIMIT + 1];
	struct drm_npu_submit s = {
		.jobs = (uintptr_t)jobs, .job_count = LIMIT + 1,
		.job_stride = sizeof(jobs[0]), .priority = 1,
	};
	uint32_t out = 0;
	int i;

	memset(jobs, 0, sizeof(jobs));
	for (i = 0; i <= LIMIT; i++) {
		jobs[i].cmd_bo = cmd;
		jobs[i].cmd_size = cmd_bytes;
	}
	tap_expect_errno(drv_ioctl(fd, DRM_IOCTL_NPU_SUBMIT, &s), 0, EBUSY,
			 "one submit of %d jobs: -EBUSY", LIMIT + 1);
	drmSyncobjCreate(fd, 0, &out);
	jobs[LIMIT - 1].out_sync = out;
	s.job_count = LIMIT;
	tap_expect_success(drv_ioctl(fd, DRM_IOCTL_NPU_SUBMIT, &s), 0,
			   "one submit of %d jobs is fine", LIMIT);
	tap_expect_success(wait_sync(fd, out), 0, "and they run");
	drmSyncobjDestroy(fd, out);
}

int main(void)
{
	uint32_t cmd, other_cmd;
	char old[32] = "";
	int fd, other, vgem;
	FILE *f;

	fd = file_open(&cmd);
	other = file_open(&other_cmd);
	if (fd < 0 || other < 0)
		tap_bail("no NPU device");
	f = fopen(PARAM, "r");
	if (!f || !fgets(old, sizeof(old), f))
		tap_bail("no %s", PARAM);
	fclose(f);
	old[strcspn(old, "\n")] = 0;
	if (drv_sysfs_write(PARAM, LIMIT_STR))
		tap_bail("cannot set %s", PARAM);

	test_one_submit(fd, cmd);
	vgem = drv_vgem_open();
	if (vgem < 0) {
		tap_fail("no vgem device (the VM harness loads vgem)",
			 "jobs held in the queue count");
	} else {
		test_limit(fd, cmd, other, other_cmd, vgem);
		close(vgem);
	}
	drv_sysfs_write(PARAM, old);
	return tap_finish();
}
