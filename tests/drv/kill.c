// SPDX-License-Identifier: MIT
/*
 * A process killed with jobs in flight: its jobs end, its buffers and
 * address space are freed, and npu.ko then unloads.
 *
 * vm-test: reload
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <xf86drm.h>

#include "lib/drv_util.h"
#include "tap.h"

static int child(int ready_fd)
{
	uint32_t cmd, data[16], nop_bytes, i;
	uint32_t *map;
	int fd = drv_open();

	if (fd < 0 || drv_bo_create(fd, 4096, 0, &cmd, NULL))
		return 1;
	map = drv_bo_mmap(fd, cmd, 4096);
	if (!map)
		return 1;
	nop_bytes = drv_nop_stream(map, 8) * 4;
	for (i = 0; i < 16; i++)
		if (drv_bo_create(fd, 1 << 20, 0, &data[i], NULL))
			return 1;
	for (i = 0; i < 200; i++) {
		struct drm_npu_bo_ref ref = { .handle = data[i % 16],
					      .flags = DRM_NPU_BO_REF_WRITE };

		if (drv_submit_one(fd, cmd, 0, nop_bytes, &ref, 1, NULL, 0, 0,
				   0, 0, 1))
			return 1;
	}
	if (write(ready_fd, "r", 1) != 1)
		return 1;
	pause();
	return 0;
}

int main(void)
{
	char sim[512], accel[512];
	int p[2], status, ret = -1, i, clients = -1;
	char c;
	pid_t pid;

	if (drv_sim_debugfs(sim, sizeof(sim)) ||
	    drv_drm_debugfs(accel, sizeof(accel)))
		tap_bail("needs debugfs of npu and npu_sim");
	/* Slow jobs, so that many are queued when the process dies. */
	drv_debugfs_write(sim, "delay_ms", 20);
	if (pipe(p))
		tap_bail("pipe");
	pid = fork();
	if (!pid)
		_exit(child(p[1]));
	tap_ok(read(p[0], &c, 1) == 1, "child queued 200 jobs on 16 BOs");
	tap_ok(drv_count_clients(accel) == 1, "debugfs shows its file");
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	tap_ok(WIFSIGNALED(status), "child killed with jobs in flight");
	drv_debugfs_write(sim, "delay_ms", 0);

	for (i = 0; i < 100; i++) {
		clients = drv_count_clients(accel);
		if (!clients)
			break;
		usleep(100000);
	}
	tap_ok(clients == 0, "its file, BOs and address space are gone");

	for (i = 0; i < 100; i++) {
		ret = syscall(SYS_delete_module, "npu", O_NONBLOCK) ? -errno : 0;
		if (ret != -EWOULDBLOCK && ret != -EBUSY)
			break;
		usleep(100000);
	}
	tap_ok(ret == 0, "npu.ko unloads (%d)", ret);
	return tap_finish();
}
