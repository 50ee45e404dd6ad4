// SPDX-License-Identifier: MIT
/*
 * npu.ko job submission through the raw uapi: NOP jobs with stats and
 * syncobjs, argument validation, command-stream validation, all-or-nothing
 * submissions, fence ordering, 1,000 pipelined jobs, priorities, in-fences,
 * implicit sync through BO_WAIT, sync_file export, 4 processes at once,
 * runtime PM (device powered down when idle).
 *
 * Tests that hold a job in the simulator must not see it taken for a hang:
 * the job timeout is longer than the test's own.
 *
 * vm-test: reload --npu-param job_timeout_ms=1000000
 */
#include <errno.h>
#include <stddef.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/sync_file.h>
#include <xf86drm.h>

#include "lib/drv_util.h"
#include "npu_cmdstream.h"
#include "tap.h"

#define CMD_SIZE	(64 * 1024)
#define STATS_SIZE	(64 * 1024)

struct ctx {
	int fd;
	uint32_t cmd, stats;
	uint32_t *cmd_map;
	struct drm_npu_job_stats *stats_map;
	uint32_t nop_bytes;
};

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int ctx_init(struct ctx *c, int fd)
{
	c->fd = fd;
	if (drv_bo_create(fd, CMD_SIZE, 0, &c->cmd, NULL) ||
	    drv_bo_create(fd, STATS_SIZE, 0, &c->stats, NULL))
		return -1;
	c->cmd_map = drv_bo_mmap(fd, c->cmd, CMD_SIZE);
	c->stats_map = drv_bo_mmap(fd, c->stats, STATS_SIZE);
	if (!c->cmd_map || !c->stats_map)
		return -1;
	c->nop_bytes = drv_nop_stream(c->cmd_map, 4) * 4;
	return 0;
}

static uint32_t syncobj(int fd)
{
	uint32_t h = 0;

	drmSyncobjCreate(fd, 0, &h);
	return h;
}

static int sync_wait(int fd, uint32_t h, int64_t timeout_ms)
{
	int64_t deadline = timeout_ms ? now_ns() + timeout_ms * 1000000 : 0;

	return drmSyncobjWait(fd, &h, 1, deadline, 0, NULL) ? -errno : 0;
}

static void test_nop(struct ctx *c)
{
	struct drm_npu_bo_wait w = { .handle = c->cmd };
	uint32_t out = syncobj(c->fd);
	struct drm_npu_job_stats *st = &c->stats_map[0];

	memset(st, 0xff, sizeof(*st));
	tap_expect_success(drv_submit_one(c->fd, c->cmd, 0, c->nop_bytes, NULL,
					  0, NULL, 0, out, c->stats, 0,
					  DRM_NPU_PRIORITY_NORMAL), 0,
			   "submit a NOP job");
	tap_expect_success(sync_wait(c->fd, out, 5000), 0,
			   "its out-syncobj signals");
	tap_ok(st->status == 0 && st->pad == 0, "stats: status %d", st->status);
	tap_ok(st->exec_ns > 0 && st->exec_ns < 5000000000ull,
	       "stats: exec time %llu ns", (unsigned long long)st->exec_ns);
	tap_ok(st->cycles > 0, "stats: %llu cycles",
	       (unsigned long long)st->cycles);
	w.timeout_ns = 0;
	tap_expect_success(drv_ioctl(c->fd, DRM_IOCTL_NPU_BO_WAIT, &w), 0,
			   "BO_WAIT on the stream BO after the fence");
	drmSyncobjDestroy(c->fd, out);
}

static void test_bad_args(struct ctx *c)
{
	struct drm_npu_bo_ref ref = { .handle = c->stats,
				      .flags = DRM_NPU_BO_REF_WRITE };
	struct {
		struct drm_npu_job job;
		uint64_t extra[2];
	} big = { 0 };
	struct drm_npu_submit s = { 0 };
	struct drm_npu_job job = { 0 };
	uint32_t ro, bad_sync = 0xdead, nofence = syncobj(c->fd);
	int fd = c->fd;

#define SUBMIT(...) drv_submit_one(fd, __VA_ARGS__)
	tap_expect_errno(SUBMIT(c->cmd, 0, 0, NULL, 0, NULL, 0, 0, 0, 0, 1), 0,
			 EINVAL, "cmd_size 0");
	tap_expect_errno(SUBMIT(c->cmd, 0, 6, NULL, 0, NULL, 0, 0, 0, 0, 1), 0,
			 EINVAL, "cmd_size not a multiple of 4");
	tap_expect_errno(SUBMIT(c->cmd, 2, 12, NULL, 0, NULL, 0, 0, 0, 0, 1),
			 0, EINVAL, "cmd_offset not a multiple of 4");
	tap_expect_errno(SUBMIT(c->cmd, CMD_SIZE - 8, 12, NULL, 0, NULL, 0, 0,
				0, 0, 1), 0, EINVAL, "stream past the BO end");
	tap_expect_errno(SUBMIT(c->cmd, 0xfffffffc, 8, NULL, 0, NULL, 0, 0, 0,
				0, 1), 0, EINVAL, "offset + size overflow");
	tap_expect_errno(SUBMIT(777, 0, 12, NULL, 0, NULL, 0, 0, 0, 0, 1), 0,
			 ENOENT, "unknown cmd_bo");
	tap_expect_errno(SUBMIT(c->cmd, 0, c->nop_bytes, NULL, 0, NULL, 0, 0,
				c->stats, 4, 1), 0, EINVAL,
			 "stats_offset not 8-byte aligned");
	tap_expect_errno(SUBMIT(c->cmd, 0, c->nop_bytes, NULL, 0, NULL, 0, 0,
				c->stats, STATS_SIZE - 8, 1), 0, EINVAL,
			 "stats past the BO end");
	tap_expect_errno(SUBMIT(c->cmd, 0, c->nop_bytes, NULL, 0, NULL, 0, 0,
				777, 0, 1), 0, ENOENT, "unknown stats_bo");
	tap_expect_errno(SUBMIT(c->cmd, 0, c->nop_bytes, NULL, 0, NULL, 0,
				bad_sync, 0, 0, 1), 0, ENOENT,
			 "unknown out_sync");
	tap_expect_errno(SUBMIT(c->cmd, 0, c->nop_bytes, NULL, 0, &bad_sync, 1,
				0, 0, 0, 1), 0, ENOENT, "unknown in_sync");
	tap_expect_errno(SUBMIT(c->cmd, 0, c->nop_bytes, NULL, 0, &nofence, 1,
				0, 0, 0, 1), 0, EINVAL,
			 "in_sync without a fence");
	tap_expect_errno(SUBMIT(c->cmd, 0, c->nop_bytes, NULL, 0, NULL, 65, 0,
				0, 0, 1), 0, EINVAL, "65 in_syncs");
	tap_expect_errno(SUBMIT(c->cmd, 0, c->nop_bytes, &ref, 257, NULL, 0, 0,
				0, 0, 1), 0, EINVAL, "257 bo_refs");
	ref.handle = 777;
	tap_expect_errno(SUBMIT(c->cmd, 0, c->nop_bytes, &ref, 1, NULL, 0, 0,
				0, 0, 1), 0, ENOENT, "unknown bo_ref handle");
	ref.handle = c->stats;
	ref.flags = 0;
	tap_expect_errno(SUBMIT(c->cmd, 0, c->nop_bytes, &ref, 1, NULL, 0, 0,
				0, 0, 1), 0, EINVAL, "bo_ref without flags");
	ref.flags = 4;
	tap_expect_errno(SUBMIT(c->cmd, 0, c->nop_bytes, &ref, 1, NULL, 0, 0,
				0, 0, 1), 0, EINVAL, "bo_ref unknown flag");
	if (!drv_bo_create(fd, 4096, DRM_NPU_BO_DEVICE_READ_ONLY, &ro, NULL)) {
		ref.handle = ro;
		ref.flags = DRM_NPU_BO_REF_WRITE;
		tap_expect_errno(SUBMIT(c->cmd, 0, c->nop_bytes, &ref, 1, NULL,
					0, 0, 0, 0, 1), 0, EINVAL,
				 "write reference to a device-read-only BO");
		ref.flags = DRM_NPU_BO_REF_READ;
		tap_expect_success(SUBMIT(c->cmd, 0, c->nop_bytes, &ref, 1,
					  NULL, 0, 0, 0, 0, 1), 0,
				   "read reference to it is fine");
	}
	ref.flags = 4;
	tap_expect_errno(SUBMIT(c->cmd, 0, c->nop_bytes, &ref, 1, NULL, 0, 0,
				0, 0, 1), 0, EINVAL, "bo_ref unknown flag");
	tap_expect_errno(SUBMIT(c->cmd, 0, c->nop_bytes, NULL, 0, NULL, 0, 0, 0,
				0, 3), 0, EINVAL, "priority 3");
#undef SUBMIT

	job.cmd_bo = c->cmd;
	job.cmd_size = c->nop_bytes;
	s.jobs = (uintptr_t)&job;
	s.job_count = 1;
	s.job_stride = sizeof(job);
	s.priority = 1;
	job.flags = DRM_NPU_JOB_CMDSTREAM_OBJECT << 1;
	tap_expect_errno(drv_ioctl(fd, DRM_IOCTL_NPU_SUBMIT, &s), 0, EINVAL,
			 "unknown job flag");
	job.flags = 0;
	job.pad = 1;
	tap_expect_errno(drv_ioctl(fd, DRM_IOCTL_NPU_SUBMIT, &s), 0, EINVAL,
			 "job pad");
	job.pad = 0;
	s.flags = 1;
	tap_expect_errno(drv_ioctl(fd, DRM_IOCTL_NPU_SUBMIT, &s), 0, EINVAL,
			 "submit flags");
	s.flags = 0;
	s.job_count = 0;
	tap_expect_errno(drv_ioctl(fd, DRM_IOCTL_NPU_SUBMIT, &s), 0, EINVAL,
			 "job_count 0");
	s.job_count = 65;
	tap_expect_errno(drv_ioctl(fd, DRM_IOCTL_NPU_SUBMIT, &s), 0, EINVAL,
			 "job_count 65");
	s.job_count = 1;
	/* The stride the job had before @regions was appended is accepted. */
	s.job_stride = offsetof(struct drm_npu_job, regions) - 8;
	tap_expect_errno(drv_ioctl(fd, DRM_IOCTL_NPU_SUBMIT, &s), 0, EINVAL,
			 "stride smaller than the job");
	s.jobs = 8;
	s.job_stride = sizeof(job);
	tap_expect_errno(drv_ioctl(fd, DRM_IOCTL_NPU_SUBMIT, &s), 0, EFAULT,
			 "bad jobs pointer");
	big.job = job;
	s.jobs = (uintptr_t)&big;
	s.job_stride = sizeof(big);
	tap_expect_success(drv_ioctl(fd, DRM_IOCTL_NPU_SUBMIT, &s), 0,
			   "larger stride with zero tail");
	big.extra[1] = 1;
	tap_expect_errno(drv_ioctl(fd, DRM_IOCTL_NPU_SUBMIT, &s), 0, E2BIG,
			 "larger stride with non-zero tail");
	s.job_stride = 1u << 31;
	tap_expect_errno(drv_ioctl(fd, DRM_IOCTL_NPU_SUBMIT, &s), 0, E2BIG,
			 "stride of 2 GiB");
	drmSyncobjDestroy(fd, nofence);
}

static void test_bad_streams(struct ctx *c)
{
	uint32_t *w = c->cmd_map + 4096;	/* at byte offset 16 KiB */
	uint32_t off = 4096 * 4;
	int fd = c->fd;

#define SUBMIT_W(n) drv_submit_one(fd, c->cmd, off, (n) * 4, NULL, 0, NULL, 0, \
				   0, 0, 0, 1)
	w[0] = NPU_CS_HDR(NPU_CMD_NOP, 1);
	tap_expect_errno(SUBMIT_W(1), 0, EINVAL, "stream without STREAM header");
	drv_nop_stream(w, 1);
	w[1] = NPU_CS_VERSION + 1;
	tap_expect_errno(SUBMIT_W(4), 0, EINVAL, "unsupported stream version");
	drv_nop_stream(w, 1);
	w[3] = NPU_CS_HDR(NPU_CMD_COUNT, 1);
	tap_expect_errno(SUBMIT_W(4), 0, EINVAL, "unknown opcode");
	drv_nop_stream(w, 1);
	w[3] = NPU_CS_HDR(NPU_CMD_NOP, 2);
	tap_expect_errno(SUBMIT_W(4), 0, EINVAL, "command longer than the stream");
	drv_nop_stream(w, 1);
	w[3] = NPU_CS_HDR(NPU_CMD_NOP, 0);
	tap_expect_errno(SUBMIT_W(4), 0, EINVAL, "zero-length command");
	drv_nop_stream(w, 1);
	w[3] = NPU_CS_HDR(NPU_CMD_COPY, 2);
	tap_expect_errno(SUBMIT_W(4), 0, EINVAL, "truncated COPY");
	drv_nop_stream(w, 1);
	w[0] = NPU_CS_HDR(NPU_CMD_STREAM, 2);
	tap_expect_errno(SUBMIT_W(2), 0, EINVAL, "truncated STREAM header");
#undef SUBMIT_W
}

static void test_duplicates(struct ctx *c)
{
	uint32_t data, out = syncobj(c->fd);
	struct drm_npu_bo_ref refs[4];
	struct drm_npu_job jobs[3];
	struct drm_npu_submit s = {
		.jobs = (uintptr_t)jobs, .job_count = 3,
		.job_stride = sizeof(jobs[0]), .priority = 1,
	};
	int i;

	if (drv_bo_create(c->fd, 4096, 0, &data, NULL))
		return;
	refs[0] = (struct drm_npu_bo_ref){ data, DRM_NPU_BO_REF_WRITE };
	refs[1] = (struct drm_npu_bo_ref){ data, DRM_NPU_BO_REF_READ };
	refs[2] = (struct drm_npu_bo_ref){ c->cmd, DRM_NPU_BO_REF_READ };
	refs[3] = (struct drm_npu_bo_ref){ c->stats, DRM_NPU_BO_REF_READ };
	memset(jobs, 0, sizeof(jobs));
	for (i = 0; i < 3; i++) {
		jobs[i].cmd_bo = c->cmd;
		jobs[i].cmd_size = c->nop_bytes;
		jobs[i].bo_refs = (uintptr_t)&refs[i % 2];
		jobs[i].bo_ref_count = 4 - i % 2;
		jobs[i].stats_bo = c->stats;
		jobs[i].stats_offset = (8 + i) * sizeof(c->stats_map[0]);
	}
	jobs[2].out_sync = out;
	tap_expect_success(drv_ioctl(c->fd, DRM_IOCTL_NPU_SUBMIT, &s), 0,
			   "jobs listing one BO twice (write, then read) and the "
			   "stream and stats BOs again");
	tap_ok(!sync_wait(c->fd, out, 5000) && !c->stats_map[8].status &&
	       !c->stats_map[9].status && !c->stats_map[10].status,
	       "they run");
	drv_bo_close(c->fd, data);
	drmSyncobjDestroy(c->fd, out);
}

static void test_atomic(struct ctx *c)
{
	struct drm_npu_job jobs[2] = { 0 };
	struct drm_npu_submit s = {
		.jobs = (uintptr_t)jobs, .job_count = 2,
		.job_stride = sizeof(jobs[0]), .priority = 1,
	};
	struct drm_npu_counters before, after;

	jobs[0].cmd_bo = c->cmd;
	jobs[0].cmd_size = c->nop_bytes;
	jobs[0].stats_bo = c->stats;
	jobs[0].stats_offset = sizeof(c->stats_map[0]);
	jobs[1] = jobs[0];
	jobs[1].cmd_bo = 999;
	memset(&c->stats_map[1], 0xff, sizeof(c->stats_map[1]));
	/* Let the jobs of earlier tests finish first. */
	jobs[0].out_sync = syncobj(c->fd);
	drv_submit_one(c->fd, c->cmd, 0, c->nop_bytes, NULL, 0, NULL, 0,
		       jobs[0].out_sync, 0, 0, 1);
	sync_wait(c->fd, jobs[0].out_sync, 5000);
	drv_query_counters(c->fd, &before);
	tap_expect_errno(drv_ioctl(c->fd, DRM_IOCTL_NPU_SUBMIT, &s), 0, ENOENT,
			 "submission with a bad second job fails");
	usleep(100000);
	drv_query_counters(c->fd, &after);
	drmSyncobjDestroy(c->fd, jobs[0].out_sync);
	tap_ok(c->stats_map[1].status == -1 &&
	       after.jobs_completed + after.jobs_failed ==
	       before.jobs_completed + before.jobs_failed,
	       "and its valid first job never ran");
}

/* When the fence in syncobj @h signalled (CLOCK_MONOTONIC ns), or -errno. */
static int64_t signal_time(int fd, uint32_t h)
{
	struct sync_fence_info fi;
	struct sync_file_info info;
	int sfd, ret;

	if (drmSyncobjExportSyncFile(fd, h, &sfd))
		return -errno;
	memset(&fi, 0, sizeof(fi));
	memset(&info, 0, sizeof(info));
	info.num_fences = 1;
	info.sync_fence_info = (uintptr_t)&fi;
	ret = ioctl(sfd, SYNC_IOC_FILE_INFO, &info);
	close(sfd);
	if (ret)
		return -errno;
	return fi.status == 1 ? (int64_t)fi.timestamp_ns : -EBUSY;
}

/*
 * Whether the fences of @outs signalled in their order: 1 if so, 0 if not
 * (*@bad is the first that signalled before its predecessor), -errno if a
 * fence is unsignalled or failed.  It compares the signal times the kernel
 * records in each fence, once all have signalled: polling the fences one
 * after another while jobs still complete races with them, a job ending
 * between two polls looks signalled before an earlier one.
 */
static int signalled_in_order(int fd, const uint32_t *outs, int n, int *bad)
{
	int64_t prev = 0, t;
	int i;

	for (i = 0; i < n; i++) {
		t = signal_time(fd, outs[i]);
		if (t < 0)
			return (int)t;
		if (t < prev) {
			*bad = i;
			return 0;
		}
		prev = t;
	}
	return 1;
}

/* Submits @n NOP jobs at once, each with its out-syncobj and stats. */
static int submit_batch(struct ctx *c, uint32_t *outs, int n)
{
	struct drm_npu_job jobs[64];
	struct drm_npu_submit s = {
		.jobs = (uintptr_t)jobs, .job_count = n,
		.job_stride = sizeof(jobs[0]), .priority = 1,
	};
	int i;

	memset(jobs, 0, sizeof(jobs));
	for (i = 0; i < n; i++) {
		outs[i] = syncobj(c->fd);
		jobs[i].cmd_bo = c->cmd;
		jobs[i].cmd_size = c->nop_bytes;
		jobs[i].out_sync = outs[i];
		jobs[i].stats_bo = c->stats;
		jobs[i].stats_offset = (16 + i) * sizeof(struct drm_npu_job_stats);
		c->stats_map[16 + i].status = 1;
	}
	return drv_ioctl(c->fd, DRM_IOCTL_NPU_SUBMIT, &s);
}

static int wait_all(struct ctx *c, uint32_t *outs, int n)
{
	int ok = !drmSyncobjWait(c->fd, outs, n, now_ns() + 10000000000ll,
				 DRM_SYNCOBJ_WAIT_FLAGS_WAIT_ALL, NULL);
	int i;

	for (i = 0; i < n; i++)
		ok &= c->stats_map[16 + i].status == 0;
	return ok;
}

static void test_ordering(struct ctx *c)
{
	enum { N = 64 };
	uint32_t outs[N];
	int i, bad = -1, ret;

	tap_expect_success(submit_batch(c, outs, N), 0, "submit %d jobs at once",
			   N);
	tap_ok(wait_all(c, outs, N), "all %d finish and succeed", N);
	ret = signalled_in_order(c->fd, outs, N, &bad);
	tap_ok(ret == 1, "fences signalled in submission order (%d, job %d)",
	       ret, bad);
	for (i = 0; i < N; i++)
		drmSyncobjDestroy(c->fd, outs[i]);
}

/* The order check against a device that completes jobs out of order. */
static void test_ordering_check(struct ctx *c)
{
	enum { N = 16, SWAPS = 4 };
	uint32_t outs[N];
	char dir[512];
	int i, bad = -1, ret;

	if (drv_sim_debugfs(dir, sizeof(dir)) ||
	    drv_debugfs_write(dir, "reorder_jobs", SWAPS)) {
		tap_skip("no npu_sim debugfs", "the order check catches a reorder");
		return;
	}
	tap_expect_success(submit_batch(c, outs, N), 0,
			   "submit %d jobs, the simulator swaps %d pairs", N,
			   SWAPS);
	tap_ok(wait_all(c, outs, N), "all %d finish and succeed", N);
	tap_ok(drv_debugfs_read(dir, "reorder_jobs") == 0,
	       "the simulator swapped them");
	drv_debugfs_write(dir, "reorder_jobs", 0);
	ret = signalled_in_order(c->fd, outs, N, &bad);
	tap_ok(ret == 0 && bad == 1,
	       "the order check finds job 1 signalled before job 0 (%d, job %d)",
	       ret, bad);
	for (i = 0; i < N; i++)
		drmSyncobjDestroy(c->fd, outs[i]);
}

static void test_pipelined(struct ctx *c)
{
	enum { N = 1000, BATCH = 50 };
	struct drm_npu_job jobs[BATCH];
	struct drm_npu_submit s = {
		.jobs = (uintptr_t)jobs, .job_count = BATCH,
		.job_stride = sizeof(jobs[0]), .priority = 1,
	};
	struct drm_npu_counters before, after;
	uint32_t out = syncobj(c->fd);
	int i, ok = 1;
	int64_t t0;

	memset(jobs, 0, sizeof(jobs));
	for (i = 0; i < BATCH; i++) {
		jobs[i].cmd_bo = c->cmd;
		jobs[i].cmd_size = c->nop_bytes;
	}
	jobs[BATCH - 1].out_sync = out;
	drv_query_counters(c->fd, &before);
	t0 = now_ns();
	for (i = 0; i < N / BATCH; i++)
		ok &= !drv_ioctl(c->fd, DRM_IOCTL_NPU_SUBMIT, &s);
	tap_ok(ok, "%d jobs submitted in batches of %d", N, BATCH);
	tap_expect_success(sync_wait(c->fd, out, 60000), 0, "last fence signals");
	drv_query_counters(c->fd, &after);
	tap_ok(after.jobs_completed - before.jobs_completed == N,
	       "counters: %llu more jobs completed",
	       (unsigned long long)(after.jobs_completed - before.jobs_completed));
	tap_diag("%d NOP jobs in %.1f ms", N, (now_ns() - t0) / 1e6);
	drmSyncobjDestroy(c->fd, out);
}

static void test_priorities_and_syncs(struct ctx *c)
{
	uint32_t a = syncobj(c->fd), b = syncobj(c->fd), p;
	int fd_sync = -1, ok = 1;
	struct pollfd pfd;

	for (p = DRM_NPU_PRIORITY_LOW; p <= DRM_NPU_PRIORITY_HIGH; p++) {
		uint32_t o = syncobj(c->fd);

		ok &= !drv_submit_one(c->fd, c->cmd, 0, c->nop_bytes, NULL, 0,
				      NULL, 0, o, 0, 0, p) &&
		      !sync_wait(c->fd, o, 5000);
		drmSyncobjDestroy(c->fd, o);
	}
	tap_ok(ok, "LOW, NORMAL and HIGH priority jobs complete");

	tap_expect_success(drv_submit_one(c->fd, c->cmd, 0, c->nop_bytes, NULL,
					  0, NULL, 0, a, 0, 0, 1), 0, "job A");
	tap_expect_success(drv_submit_one(c->fd, c->cmd, 0, c->nop_bytes, NULL,
					  0, &a, 1, b, 0, 0, 0), 0,
			   "job B waits for A's syncobj");
	tap_expect_success(sync_wait(c->fd, b, 5000), 0, "B completes");
	tap_ok(!sync_wait(c->fd, a, 0), "A completed before B");

	tap_expect_success(drmSyncobjExportSyncFile(c->fd, b, &fd_sync), errno,
			   "export B's fence as a sync_file");
	pfd.fd = fd_sync;
	pfd.events = POLLIN;
	tap_ok(poll(&pfd, 1, 5000) == 1, "sync_file is signalled");
	close(fd_sync);
	drmSyncobjDestroy(c->fd, a);
	drmSyncobjDestroy(c->fd, b);
}

static void test_priority_order(struct ctx *c)
{
	uint32_t low = syncobj(c->fd), high = syncobj(c->fd);
	char dir[512];
	int i, ok = 1;

	/*
	 * The first LOW job is held in the device until all are submitted:
	 * the HIGH job then takes the first free slot of the hardware queue,
	 * whatever the speed of the machine.
	 */
	if (drv_sim_debugfs(dir, sizeof(dir)) ||
	    drv_debugfs_write(dir, "hold_next_job", 1)) {
		tap_skip("no npu_sim debugfs", "HIGH overtakes LOW");
		return;
	}
	for (i = 0; i < 40; i++)
		ok &= !drv_submit_one(c->fd, c->cmd, 0, c->nop_bytes, NULL, 0,
				      NULL, 0, i == 39 ? low : 0, 0, 0,
				      DRM_NPU_PRIORITY_LOW);
	ok &= !drv_submit_one(c->fd, c->cmd, 0, c->nop_bytes, NULL, 0, NULL, 0,
			      high, 0, 0, DRM_NPU_PRIORITY_HIGH);
	tap_ok(ok, "40 LOW jobs (the first held), then one HIGH job");
	drv_debugfs_write(dir, "hold_next_job", 0);
	tap_ok(!sync_wait(c->fd, high, 5000) && sync_wait(c->fd, low, 0),
	       "the HIGH job finishes while LOW jobs are still queued");
	sync_wait(c->fd, low, 10000);
	drmSyncobjDestroy(c->fd, low);
	drmSyncobjDestroy(c->fd, high);
}

static void test_implicit(struct ctx *c)
{
	struct drm_npu_bo_ref ref = { .handle = c->stats,
				      .flags = DRM_NPU_BO_REF_WRITE };
	struct drm_npu_bo_wait w = { .handle = c->stats };
	char dir[512];
	int ret;

	/* The job is held in the device until the poll is done. */
	if (drv_sim_debugfs(dir, sizeof(dir)) ||
	    drv_debugfs_write(dir, "hold_next_job", 1)) {
		tap_skip("no npu_sim debugfs", "implicit sync");
		return;
	}
	drv_submit_one(c->fd, c->cmd, 0, c->nop_bytes, &ref, 1, NULL, 0, 0, 0,
		       0, 1);
	w.timeout_ns = 0;
	ret = drv_ioctl(c->fd, DRM_IOCTL_NPU_BO_WAIT, &w);
	tap_ok(ret == -ETIMEDOUT, "BO_WAIT polls busy while a job writes it (%d)",
	       ret);
	drv_debugfs_write(dir, "hold_next_job", 0);
	w.timeout_ns = now_ns() + 5000000000ll;
	tap_expect_success(drv_ioctl(c->fd, DRM_IOCTL_NPU_BO_WAIT, &w), 0,
			   "BO_WAIT with a deadline returns when the job ends");
}

static int child_submit(void)
{
	struct ctx c;
	uint32_t out;
	int fd = drv_open(), i;

	if (fd < 0 || ctx_init(&c, fd))
		return 1;
	out = syncobj(fd);
	for (i = 0; i < 200; i++) {
		if (drv_submit_one(fd, c.cmd, 0, c.nop_bytes, NULL, 0, NULL, 0,
				   out, c.stats,
				   (i % 64) * sizeof(c.stats_map[0]), 1))
			return 2;
	}
	if (sync_wait(fd, out, 30000))
		return 3;
	for (i = 0; i < 64; i++)
		if (c.stats_map[i].status)
			return 4;
	close(fd);
	return 0;
}

static void test_many_files(void)
{
	enum { FILES = 12, JOBS = 10 };
	struct drm_npu_device_info info;
	struct ctx f[FILES];
	uint32_t out[FILES];
	int i, j, ok = 1, opened = 0;

	for (i = 0; i < FILES; i++) {
		int fd = drv_open();

		if (fd < 0 || ctx_init(&f[i], fd))
			break;
		out[i] = syncobj(fd);
		opened++;
	}
	drv_query_info(f[0].fd, &info);
	tap_ok(opened == FILES && FILES > (int)info.num_address_spaces,
	       "%d files, more than the %u MMU slots", opened,
	       info.num_address_spaces);
	for (j = 0; j < JOBS; j++)
		for (i = 0; i < opened; i++)
			ok &= !drv_submit_one(f[i].fd, f[i].cmd, 0,
					      f[i].nop_bytes, NULL, 0, NULL, 0,
					      out[i], f[i].stats,
					      j * sizeof(f[i].stats_map[0]), 1);
	for (i = 0; i < opened; i++) {
		ok &= !sync_wait(f[i].fd, out[i], 10000);
		for (j = 0; j < JOBS; j++)
			ok &= f[i].stats_map[j].status == 0;
		close(f[i].fd);
	}
	tap_ok(ok, "their interleaved jobs share the slots and all succeed");
}

static void test_processes(void)
{
	pid_t pids[4];
	int i, ok = 1, status;

	for (i = 0; i < 4; i++) {
		pids[i] = fork();
		if (!pids[i])
			_exit(child_submit());
	}
	for (i = 0; i < 4; i++) {
		waitpid(pids[i], &status, 0);
		ok &= WIFEXITED(status) && WEXITSTATUS(status) == 0;
	}
	tap_ok(ok, "4 processes submit 200 jobs each at once, all complete");
}

static int file_has(const char *dir, const char *name, const char *what)
{
	char path[600], line[256];
	int found = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "r");
	while (f && fgets(line, sizeof(line), f))
		found |= strstr(line, what) != NULL;
	if (f)
		fclose(f);
	return found;
}

/* debugfs read while jobs run: every file answers with its content. */
static void test_debugfs(struct ctx *c)
{
	char dir[512];
	int i, ok = 1;

	if (drv_drm_debugfs(dir, sizeof(dir))) {
		tap_skip("no debugfs", "debugfs files");
		return;
	}
	for (i = 0; i < 50; i++)
		ok &= !drv_submit_one(c->fd, c->cmd, 0, c->nop_bytes, NULL, 0,
				      NULL, 0, 0, c->stats, 0, 1);
	tap_ok(ok && file_has(dir, "bos", "client") &&
	       file_has(dir, "bos", " mapped"),
	       "debugfs bos lists this file and its mapped BOs");
	tap_ok(file_has(dir, "bos", " kernel mapped"),
	       "and the driver's copies of the streams");
	tap_ok(file_has(dir, "address_spaces", "slots:"),
	       "debugfs address_spaces lists the MMU slots");
	tap_ok(file_has(dir, "queue", "credits") &&
	       file_has(dir, "queue", "resets"),
	       "debugfs queue shows credits and the reset count");
	tap_ok(file_has(dir, "counters", "jobs_completed"),
	       "debugfs counters");
}

static int powered_down(const char *queue)
{
	char buf[64] = "";
	FILE *f = fopen(queue, "r");
	int down = 0;

	while (f && !down && fgets(buf, sizeof(buf), f))
		down = !strncmp(buf, "powered down", 12);
	if (f)
		fclose(f);
	return down;
}

/*
 * The device powers down after npu's autosuspend_ms of idleness: wait for
 * it, however late the autosuspend work runs on a loaded machine (the
 * bound only ends a failing test).
 */
static void test_runtime_pm(void)
{
	char dir[512], path[600];
	int ms = 0;

	if (drv_drm_debugfs(dir, sizeof(dir))) {
		tap_skip("no debugfs", "device powered down when idle");
		return;
	}
	snprintf(path, sizeof(path), "%s/queue", dir);
	while (!powered_down(path) && ms < 60000) {
		usleep(20000);
		ms += 20;
	}
	tap_ok(powered_down(path), "device is powered down when idle (%d ms)",
	       ms);
}

static void test_after_power_down(struct ctx *c)
{
	uint32_t out = syncobj(c->fd);

	c->stats_map[0].status = 1;
	tap_ok(!drv_submit_one(c->fd, c->cmd, 0, c->nop_bytes, NULL, 0, NULL,
			       0, out, c->stats, 0, 1) &&
	       !sync_wait(c->fd, out, 5000) && c->stats_map[0].status == 0,
	       "a job powers the device up again and runs");
	drmSyncobjDestroy(c->fd, out);
}

int main(void)
{
	struct ctx c;
	int fd = drv_open();

	if (fd < 0 || ctx_init(&c, fd))
		tap_bail("no NPU device or no BOs");
	test_nop(&c);
	test_bad_args(&c);
	test_bad_streams(&c);
	test_duplicates(&c);
	test_atomic(&c);
	test_ordering(&c);
	test_ordering_check(&c);
	test_pipelined(&c);
	test_priorities_and_syncs(&c);
	test_priority_order(&c);
	test_implicit(&c);
	test_debugfs(&c);
	test_many_files();
	test_processes();
	test_runtime_pm();
	test_after_power_down(&c);
	close(fd);
	return tap_finish();
}
