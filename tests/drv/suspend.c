// SPDX-License-Identifier: MIT
/*
 * System suspend with jobs queued (PM core test mode "devices": devices are
 * suspended and resumed, the machine does not sleep): the driver stops
 * feeding the NPU, lets its hardware queue drain, powers it down; after
 * resume the remaining jobs run and every job succeeds.
 *
 * A suspend cycle leaves the guest's 9p share dead (9pnet_virtio cannot
 * restore its device, also without npu.ko loaded), so the test runs in a
 * boot of its own from RAM.  It stays opt-in by NPU_TEST_SUSPEND=1 for
 * runs outside the harness.
 *
 * vm-test: boot ram env=NPU_TEST_SUSPEND=1
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

#define JOBS	24

int main(void)
{
	struct drm_npu_job_stats *st;
	uint32_t cmd, stats, out = 0, *cs, words;
	char sim[512];
	int fd = drv_open(), i, ok = 1, ret;
	struct timespec ts;
	int64_t deadline;

	if (!getenv("NPU_TEST_SUSPEND")) {
		tap_skip("opt-in: NPU_TEST_SUSPEND=1", "system suspend");
		return tap_finish();
	}
	if (access("/sys/power/pm_test", W_OK)) {
		tap_skip("no /sys/power/pm_test", "system suspend");
		return tap_finish();
	}
	if (fd < 0 || drv_sim_debugfs(sim, sizeof(sim)) ||
	    drv_bo_create(fd, 4096, 0, &cmd, NULL) ||
	    drv_bo_create(fd, 4096, 0, &stats, NULL) ||
	    !(cs = drv_bo_mmap(fd, cmd, 4096)) ||
	    !(st = drv_bo_mmap(fd, stats, 4096)) ||
	    drmSyncobjCreate(fd, 0, &out))
		tap_bail("setup");
	words = drv_nop_stream(cs, 1);
	memset(st, 0x55, 4096);
	drv_debugfs_write(sim, "delay_ms", 50);
	for (i = 0; i < JOBS; i++)
		ok &= !drv_submit_one(fd, cmd, 0, words * 4, NULL, 0, NULL, 0,
				      i == JOBS - 1 ? out : 0, stats,
				      i * sizeof(*st), 1);
	tap_ok(ok, "%d slow jobs queued", JOBS);

	tap_expect_success(drv_sysfs_write("/sys/power/pm_test", "devices"), 0,
			   "PM test mode: devices");
	ret = drv_sysfs_write("/sys/power/state", "freeze");
	tap_ok(ret == 0, "suspend and resume of all devices (%d)", ret);
	drv_sysfs_write("/sys/power/pm_test", "none");
	drv_debugfs_write(sim, "delay_ms", 0);

	clock_gettime(CLOCK_MONOTONIC, &ts);
	deadline = (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec + 20000000000ll;
	tap_ok(!drmSyncobjWait(fd, &out, 1, deadline, 0, NULL),
	       "the last job ends after resume");
	for (i = 0, ok = 1; i < JOBS; i++) {
		if (st[i].status)
			tap_diag("job %d: status %d", i, st[i].status);
		ok &= st[i].status == 0;
	}
	tap_ok(ok, "every job succeeded");
	return tap_finish();
}
