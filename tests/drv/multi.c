// SPDX-License-Identifier: MIT
/*
 * Two NPUs (npu_sim num_devices=2): one device node each, independent
 * queries and jobs, a buffer of one NPU imported by the other through a
 * dma-buf and read by a job there, and unbinding one NPU leaves the other
 * working.
 *
 * vm-test: reload --sim-param num_devices=2
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <xf86drm.h>

#include "lib/drv_util.h"
#include "npu_cmdstream.h"
#include "tap.h"

#define N	8192

static int64_t deadline_ns(int ms)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec +
	       (int64_t)ms * 1000000;
}

/* Runs COPY src -> dst (both VAs of @fd) and returns the job status. */
static int run_copy(int fd, uint32_t src, uint64_t src_va, uint32_t dst,
		    uint64_t dst_va)
{
	struct drm_npu_bo_ref refs[2] = { { src, DRM_NPU_BO_REF_READ },
					  { dst, DRM_NPU_BO_REF_WRITE } };
	struct drm_npu_job_stats *st;
	struct npu_copy_params p;
	uint32_t cmd, stats, out = 0, *w;
	unsigned int n;
	int ret;

	if (drv_bo_create(fd, 4096, 0, &cmd, NULL) ||
	    drv_bo_create(fd, 4096, 0, &stats, NULL))
		return -ENOMEM;
	w = drv_bo_mmap(fd, cmd, 4096);
	st = drv_bo_mmap(fd, stats, 4096);
	if (!w || !st)
		return -ENOMEM;
	memset(&p, 0, sizeof(p));
	p.input.addr = src_va;
	p.input.dims[0] = N;
	p.input.dtype = NPU_DTYPE_INT8;
	p.input.rank = 1;
	p.output = p.input;
	p.output.addr = dst_va;
	n = drv_nop_stream(w, 0);
	w[n++] = NPU_CS_HDR(NPU_CMD_COPY, 1 + sizeof(p) / 4);
	memcpy(&w[n], &p, sizeof(p));
	n += sizeof(p) / 4;
	st->status = 1;
	drmSyncobjCreate(fd, 0, &out);
	ret = drv_submit_one(fd, cmd, 0, n * 4, refs, 2, NULL, 0, out, stats,
			     0, 1);
	if (!ret) {
		int64_t d = deadline_ns(10000);

		ret = drmSyncobjWait(fd, &out, 1, d, 0, NULL) ? -errno :
		      st->status;
	}
	drmSyncobjDestroy(fd, out);
	return ret;
}

int main(void)
{
	char node[2][PATH_MAX], pdev[2][256];
	struct drm_npu_device_info info;
	struct drm_npu_bo_info bi;
	uint32_t src, imported, dst;
	uint64_t src_va, dst_va;
	unsigned char *p, *q;
	int fd[2], i, dmabuf = -1, same = 1;

	for (i = 0; i < 2; i++) {
		if (!tap_ok(!drv_find_nth(i, node[i], sizeof(node[i]), pdev[i],
					  sizeof(pdev[i])), "NPU %d found", i))
			return tap_finish();
		fd[i] = open(node[i], O_RDWR | O_CLOEXEC);
		tap_ok(fd[i] >= 0 && !drv_query_info(fd[i], &info),
		       "%s (%s) opens and answers queries", node[i], pdev[i]);
	}
	tap_ok(strcmp(node[0], node[1]) != 0, "two distinct device nodes");

	if (drv_bo_create(fd[0], N, 0, &src, &src_va))
		tap_bail("BO on NPU 0");
	p = drv_bo_mmap(fd[0], src, N);
	for (i = 0; i < N; i++)
		p[i] = (unsigned char)(i * 3 + 7);
	tap_expect_success(drmPrimeHandleToFD(fd[0], src, DRM_CLOEXEC | DRM_RDWR,
					      &dmabuf), errno,
			   "export a buffer of NPU 0");
	tap_expect_success(drmPrimeFDToHandle(fd[1], dmabuf, &imported), errno,
			   "import it on NPU 1");
	tap_ok(!drv_bo_info(fd[1], imported, &bi) &&
	       (bi.flags & DRM_NPU_BO_INFO_IMPORTED) && bi.size == N,
	       "NPU 1 sees an imported %d-byte buffer", N);
	if (drv_bo_create(fd[1], N, 0, &dst, &dst_va))
		tap_bail("BO on NPU 1");
	tap_ok(run_copy(fd[1], imported, bi.npu_addr, dst, dst_va) == 0,
	       "a job on NPU 1 reads the imported buffer");
	q = drv_bo_mmap(fd[1], dst, N);
	for (i = 0; q && i < N; i++)
		same &= q[i] == (unsigned char)(i * 3 + 7);
	tap_ok(q && same, "and copies NPU 0's data");

	close(fd[0]);
	tap_expect_success(drv_sysfs_write("/sys/bus/platform/drivers/npu/unbind",
					   pdev[0]), 0, "unbind NPU 0");
	tap_ok(run_copy(fd[1], imported, bi.npu_addr, dst, dst_va) == 0,
	       "NPU 1 still runs jobs on the buffer NPU 0 exported");
	tap_expect_success(drv_sysfs_write("/sys/bus/platform/drivers/npu/bind",
					   pdev[0]), 0, "bind NPU 0 again");
	close(dmabuf);
	close(fd[1]);
	return tap_finish();
}
