// SPDX-License-Identifier: MIT
/*
 * npu.ko recovery, driven by the simulator's fault injection: a hung job is
 * failed with -ETIMEDOUT by a soft reset, not before the job timeout,
 * while another file's job completes; a dropped interrupt is recovered
 * without a reset; a reset that fails once is retried; a file whose jobs
 * keep hanging is banned (-ECANCELED) and other files are not.
 *
 * vm-test: reload --npu-param job_timeout_ms=300
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

#define TIMEOUT_MS	300
/*
 * How long a wait for what must happen (a reset, a job's end) may take
 * before the test calls it missing.  Only a failure waits that long; a
 * bound near the job timeout failed on a loaded machine.
 */
#define WAIT_MS		60000

struct file {
	int fd;
	uint32_t cmd, stats, nop_bytes;
	uint32_t *cmd_map;
	struct drm_npu_job_stats *st;
};

static char sim[512];

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int file_open(struct file *f)
{
	f->fd = drv_open();
	if (f->fd < 0 || drv_bo_create(f->fd, 4096, 0, &f->cmd, NULL) ||
	    drv_bo_create(f->fd, 4096, 0, &f->stats, NULL))
		return -1;
	f->cmd_map = drv_bo_mmap(f->fd, f->cmd, 4096);
	f->st = drv_bo_mmap(f->fd, f->stats, 4096);
	if (!f->cmd_map || !f->st)
		return -1;
	f->nop_bytes = drv_nop_stream(f->cmd_map, 2) * 4;
	memset(f->st, 0x55, 4096);
	return 0;
}

/* Submits a NOP job writing stats slot @slot; returns its syncobj. */
static uint32_t submit(struct file *f, int slot, int *err)
{
	uint32_t out = 0;

	drmSyncobjCreate(f->fd, 0, &out);
	*err = drv_submit_one(f->fd, f->cmd, 0, f->nop_bytes, NULL, 0, NULL, 0,
			      out, f->stats, slot * sizeof(f->st[0]), 1);
	return out;
}

static int wait_sync(struct file *f, uint32_t h, int64_t ms)
{
	int64_t deadline;
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	deadline = (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec + ms * 1000000;
	return drmSyncobjWait(f->fd, &h, 1, deadline, 0, NULL) ? -errno : 0;
}

static void test_hang(struct file *a, struct file *b)
{
	struct drm_npu_counters c0, c1;
	uint32_t sa, sb;
	int err_a, err_b;
	int64_t t0;

	drv_query_counters(a->fd, &c0);
	drv_debugfs_write(sim, "hang_next_job", 1);
	t0 = now_ms();
	sa = submit(a, 0, &err_a);
	sb = submit(b, 0, &err_b);
	tap_ok(!err_a && !err_b, "submit a job that hangs, and another file's job");
	tap_expect_success(wait_sync(b, sb, WAIT_MS), 0,
			   "the other file's job completes after the reset");
	tap_expect_success(wait_sync(a, sa, 0), 0, "the hung job's fence signalled");
	tap_ok(now_ms() - t0 >= TIMEOUT_MS,
	       "not failed before the job timeout: recovered in %lld ms (timeout %d ms)",
	       (long long)(now_ms() - t0), TIMEOUT_MS);
	tap_ok(a->st[0].status == -ETIMEDOUT, "hung job: status %d (ETIMEDOUT)",
	       a->st[0].status);
	tap_ok(b->st[0].status == 0, "innocent job: status %d", b->st[0].status);
	drv_query_counters(a->fd, &c1);
	tap_ok(c1.resets == c0.resets + 1, "one reset counted");

	sa = submit(a, 1, &err_a);
	tap_ok(!err_a && !wait_sync(a, sa, WAIT_MS) && a->st[1].status == 0,
	       "the file that hung still runs jobs");
}

static void test_dropped_irq(struct file *a)
{
	struct drm_npu_counters c0, c1;
	uint32_t s;
	int err;

	drv_query_counters(a->fd, &c0);
	drv_debugfs_write(sim, "drop_next_irq", 1);
	s = submit(a, 2, &err);
	tap_expect_success(wait_sync(a, s, WAIT_MS), 0,
			   "job whose interrupt was dropped completes");
	tap_ok(a->st[2].status == 0, "with status 0 (%d)", a->st[2].status);
	drv_query_counters(a->fd, &c1);
	tap_ok(c1.resets == c0.resets, "and without a reset");
}

static void test_failed_reset(struct file *a, struct file *b)
{
	uint32_t s;
	int err;

	drv_debugfs_write(sim, "fail_next_reset", 1);
	drv_debugfs_write(sim, "hang_next_job", 1);
	s = submit(a, 3, &err);
	tap_expect_success(wait_sync(a, s, WAIT_MS), 0,
			   "hung job ends although the first reset fails");
	tap_ok(a->st[3].status == -ETIMEDOUT, "status %d", a->st[3].status);
	s = submit(b, 3, &err);
	tap_ok(!err && !wait_sync(b, s, WAIT_MS) && b->st[3].status == 0,
	       "device works after the retried reset");
}

static void test_ban(struct file *b)
{
	struct file c;
	uint32_t s;
	int err, i, hung = 0;

	if (file_open(&c)) {
		tap_fail("open", "third file");
		return;
	}
	for (i = 0; i < 3; i++) {
		drv_debugfs_write(sim, "hang_next_job", 1);
		s = submit(&c, 4 + i, &err);
		if (!err && !wait_sync(&c, s, WAIT_MS))
			hung += c.st[4 + i].status == -ETIMEDOUT;
	}
	tap_ok(hung == 3, "three hangs in one file (%d)", hung);
	s = submit(&c, 8, &err);
	tap_ok(err == -ECANCELED, "the file is banned: submit is ECANCELED (%d)",
	       err);
	s = submit(b, 8, &err);
	tap_ok(!err && !wait_sync(b, s, WAIT_MS) && b->st[8].status == 0,
	       "other files are not banned");
	close(c.fd);
}

static int want(int argc, char **argv, const char *name)
{
	int i;

	for (i = 1; i < argc; i++)
		if (!strcmp(argv[i], name))
			return 1;
	return argc == 1;
}

int main(int argc, char **argv)
{
	struct file a, b;

	if (file_open(&a) || file_open(&b))
		tap_bail("no NPU device");
	if (drv_sim_debugfs(sim, sizeof(sim))) {
		tap_skip("needs npu_sim fault injection", "recovery");
		return tap_finish();
	}
	/* Arguments select tests (hang irq reset ban); default all. */
	if (want(argc, argv, "hang"))
		test_hang(&a, &b);
	if (want(argc, argv, "irq"))
		test_dropped_irq(&a);
	if (want(argc, argv, "reset"))
		test_failed_reset(&a, &b);
	if (want(argc, argv, "ban"))
		test_ban(&b);
	return tap_finish();
}
