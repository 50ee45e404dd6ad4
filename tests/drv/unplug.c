// SPDX-License-Identifier: MIT
/*
 * npu.ko removal with open files: the module cannot be unloaded while a
 * file is open (the file holds a module reference, as with every DRM
 * driver); unbinding the device through sysfs unplugs it: ioctls on the
 * open file fail with ENODEV, existing CPU mappings stay valid, closing is
 * clean, and jobs in flight end with -ENODEV; binding again brings a
 * working device back; after the last close the module unloads.
 *
 * The simulator holds the first job in the device until the unbind, so
 * the test does not depend on how fast the jobs run; the job timeout is
 * longer than the test's own, so the held job is not taken for a hang.
 *
 * vm-test: reload --npu-param job_timeout_ms=1000000
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <xf86drm.h>

#include "lib/drv_util.h"
#include "tap.h"

static int unload_npu(void)
{
	return syscall(SYS_delete_module, "npu", O_NONBLOCK) ? -errno : 0;
}

int main(void)
{
	char node[PATH_MAX], pdev[256], node2[PATH_MAX], pdev2[256];
	struct drm_npu_device_info info;
	struct drm_npu_job_stats *st = NULL;
	uint32_t h, h2, cmd, stats, out = 0, *cs = NULL;
	int sync_fd = -1;
	char sim[512];
	unsigned char *p;
	int fd, fd2, ret, i, good;

	if (drv_find(node, sizeof(node), pdev, sizeof(pdev)))
		tap_bail("no NPU device");
	fd = open(node, O_RDWR | O_CLOEXEC);
	if (fd < 0)
		tap_bail("open %s: %s", node, strerror(errno));

	tap_expect_success(drv_bo_create(fd, 8192, 0, &h, NULL), 0, "create BO");
	p = drv_bo_mmap(fd, h, 8192);
	if (!p)
		tap_bail("mmap failed");
	for (i = 0; i < 8192; i++)
		p[i] = (unsigned char)i;

	ret = unload_npu();
	tap_ok(ret == -EBUSY || ret == -EWOULDBLOCK,
	       "rmmod npu with a file open is refused (%d)", ret);

	/*
	 * The first job held in the device, so it and the next three are in
	 * the hardware queue and the others in the scheduler's at the unbind.
	 */
	if (!drv_sim_debugfs(sim, sizeof(sim)) &&
	    !drv_bo_create(fd, 4096, 0, &cmd, NULL) &&
	    !drv_bo_create(fd, 4096, 0, &stats, NULL) &&
	    (cs = drv_bo_mmap(fd, cmd, 4096)) &&
	    (st = drv_bo_mmap(fd, stats, 4096)) &&
	    !drmSyncobjCreate(fd, 0, &out)) {
		unsigned int words = drv_nop_stream(cs, 1);

		good = !drv_debugfs_write(sim, "hold_next_job", 1);
		st[0].status = 1;
		sync_fd = -1;
		for (i = 0; i < 20; i++)
			good &= !drv_submit_one(fd, cmd, 0, words * 4, NULL, 0,
						NULL, 0, i == 19 ? out : 0,
						i ? 0 : stats, 0, 1);
		tap_ok(good && !drmSyncobjExportSyncFile(fd, out, &sync_fd),
		       "20 jobs queued, last fence exported as sync_file");
		/* Bounded by the test's timeout. */
		while (good && drv_debugfs_read(sim, "job_held") != 1)
			usleep(10000);
		tap_ok(good, "the first job is held in the device");
	} else {
		tap_fail("setup", "20 slow jobs queued");
	}

	tap_expect_success(drv_sysfs_write("/sys/bus/platform/drivers/npu/unbind",
					   pdev), 0, "unbind %s with a file open",
			   pdev);
	tap_expect_errno(drv_query_info(fd, &info), 0, ENODEV,
			 "query on the unplugged device is ENODEV");
	if (out) {
		struct pollfd pfd = { .fd = sync_fd, .events = POLLIN };

		/* Syncobj ioctls are ENODEV now too; the sync_file works. */
		tap_ok(poll(&pfd, 1, 2000) == 1,
		       "the fence of the last queued job signalled");
		close(sync_fd);
		/* In the hardware queue or not yet pushed: it ends the same. */
		tap_ok(st[0].status == -ENODEV,
		       "the first job ended with ENODEV in its stats (%d)",
		       st[0].status);
		drv_debugfs_write(sim, "hold_next_job", 0);
	}
	tap_expect_errno(drv_bo_create(fd, 4096, 0, &h2, NULL), 0, ENODEV,
			 "BO create is ENODEV");
	good = 1;
	for (i = 0; i < 8192; i++)
		good &= p[i] == (unsigned char)i;
	tap_ok(good, "existing CPU mapping still reads the data");
	tap_ok(drv_find(node2, sizeof(node2), pdev2, sizeof(pdev2)) != 0,
	       "no NPU device node while unbound");
	munmap(p, 8192);
	if (cs)
		munmap(cs, 4096);
	if (st)
		munmap(st, 4096);
	tap_ok(close(fd) == 0, "close the unplugged file");

	tap_expect_success(drv_sysfs_write("/sys/bus/platform/drivers/npu/bind",
					   pdev), 0, "bind %s again", pdev);
	fd2 = drv_open();
	tap_ok(fd2 >= 0, "device is back");
	tap_expect_success(drv_query_info(fd2, &info), 0, "query works again");
	tap_expect_success(drv_bo_create(fd2, 4096, 0, &h2, NULL), 0,
			   "BO create works again");
	{
		uint32_t *w = drv_bo_mmap(fd2, h2, 4096), o = 0;
		unsigned int words = w ? drv_nop_stream(w, 1) : 0;
		struct pollfd pfd = { .fd = -1, .events = POLLIN };

		drmSyncobjCreate(fd2, 0, &o);
		tap_ok(w && !drv_submit_one(fd2, h2, 0, words * 4, NULL, 0,
					    NULL, 0, o, 0, 0, 1) &&
		       !drmSyncobjExportSyncFile(fd2, o, &pfd.fd) &&
		       poll(&pfd, 1, 5000) == 1,
		       "a job runs on the rebound device (interrupts work)");
		if (pfd.fd >= 0)
			close(pfd.fd);
		if (w)
			munmap(w, 4096);
	}
	close(fd2);

	ret = unload_npu();
	tap_ok(ret == 0, "rmmod npu after the last close (%d)", ret);
	return tap_finish();
}
