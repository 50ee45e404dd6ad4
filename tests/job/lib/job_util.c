// SPDX-License-Identifier: MIT
/* Helpers of the job tests; see job_util.h. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <linux/dma-heap.h>
#include <linux/udmabuf.h>
#include <xf86drm.h>

#include "job_util.h"
#include "npu_node.h"
#include "tap.h"

int job_open_npu(void)
{
	char node[PATH_MAX];
	int ret = npu_node_find(0, node, sizeof(node), NULL, 0);

	if (ret) {
		errno = -ret;
		return -1;
	}
	return open(node, O_RDWR | O_CLOEXEC);
}

int job_bo_create(int fd, uint64_t size, uint32_t flags, uint32_t *handle,
		  uint64_t *va, void **map)
{
	struct drm_npu_bo_create c = { .size = size, .flags = flags };
	struct drm_npu_bo_mmap_offset m = { 0 };
	void *p;

	if (drmIoctl(fd, DRM_IOCTL_NPU_BO_CREATE, &c))
		return -errno;
	*handle = c.handle;
	if (va)
		*va = c.npu_addr;
	m.handle = c.handle;
	if (drmIoctl(fd, DRM_IOCTL_NPU_BO_MMAP_OFFSET, &m))
		return -errno;
	p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, m.offset);
	if (p == MAP_FAILED)
		return -errno;
	*map = p;
	return 0;
}

/* A dma-buf fd of @size bytes of @kind memory; -errno on failure. */
static int job_dmabuf(enum job_mem kind, uint64_t size)
{
	int dev, ret;

	if (kind == JOB_MEM_DMA_HEAP) {
		struct dma_heap_allocation_data a = {
			.len = size, .fd_flags = O_RDWR | O_CLOEXEC,
		};

		dev = open("/dev/dma_heap/system", O_RDONLY | O_CLOEXEC);
		if (dev < 0)
			return errno == ENOENT ? -ENOENT : -errno;
		ret = ioctl(dev, DMA_HEAP_IOCTL_ALLOC, &a) ? -errno : (int)a.fd;
	} else {
		struct udmabuf_create c = {
			.size = size, .flags = UDMABUF_FLAGS_CLOEXEC,
		};
		int mfd;

		dev = open("/dev/udmabuf", O_RDWR | O_CLOEXEC);
		if (dev < 0)
			return errno == ENOENT ? -ENOENT : -errno;
		mfd = memfd_create("npu-job-test", MFD_ALLOW_SEALING | MFD_CLOEXEC);
		if (mfd < 0 || ftruncate(mfd, (off_t)size) ||
		    fcntl(mfd, F_ADD_SEALS, F_SEAL_SHRINK)) {
			ret = -errno;
		} else {
			c.memfd = (uint32_t)mfd;
			ret = ioctl(dev, UDMABUF_CREATE, &c);
			if (ret < 0)
				ret = -errno;
		}
		if (mfd >= 0)
			close(mfd);
	}
	close(dev);
	return ret;
}

int job_import(int fd, enum job_mem kind, uint64_t size, uint32_t *handle,
	       uint64_t *va, void **map)
{
	struct drm_npu_bo_info bi = { 0 };
	int dmabuf = job_dmabuf(kind, size), ret = 0;
	void *p;

	if (dmabuf < 0)
		return dmabuf;
	p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, dmabuf, 0);
	if (p == MAP_FAILED)
		ret = -errno;
	else if (drmPrimeFDToHandle(fd, dmabuf, handle))
		ret = -errno;
	/* the BO keeps the dma-buf, the mapping keeps its pages */
	close(dmabuf);
	if (ret)
		return ret;
	bi.handle = *handle;
	if (drmIoctl(fd, DRM_IOCTL_NPU_BO_INFO, &bi))
		return -errno;
	*va = bi.npu_addr;
	*map = p;
	return 0;
}

int job_query_counters(int fd, struct drm_npu_counters *c)
{
	struct drm_npu_query q = {
		.type = DRM_NPU_QUERY_COUNTERS, .size = sizeof(*c),
		.data = (uintptr_t)c,
	};

	if (drmIoctl(fd, DRM_IOCTL_NPU_QUERY, &q))
		return -errno;
	return q.size == sizeof(*c) ? 0 : -EPROTO;
}

double job_now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

int64_t job_deadline_ns(int seconds)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((int64_t)ts.tv_sec + seconds) * 1000000000 + ts.tv_nsec;
}

void job_add_cost(struct job_sums *s, const struct npu_fw_cost *c)
{
	s->jobs++;
	s->cycles += c->cycles;
	s->macs += c->macs;
	s->rd += c->dram_read_bytes;
	s->wr += c->dram_write_bytes;
}

void job_check_counters(const struct drm_npu_counters *a,
			const struct drm_npu_counters *b,
			const struct job_sums *s)
{
	tap_ok(b->jobs_completed - a->jobs_completed == s->jobs &&
	       b->jobs_failed == a->jobs_failed &&
	       b->cycles - a->cycles == s->cycles &&
	       b->macs - a->macs == s->macs &&
	       b->dram_read_bytes - a->dram_read_bytes == s->rd &&
	       b->dram_write_bytes - a->dram_write_bytes == s->wr,
	       "device counters grew by the model cost of the %llu jobs (jobs %llu, failed %llu, cycles %llu/%llu, MACs %llu/%llu, read %llu/%llu, written %llu/%llu)",
	       s->jobs,
	       (unsigned long long)(b->jobs_completed - a->jobs_completed),
	       (unsigned long long)(b->jobs_failed - a->jobs_failed),
	       (unsigned long long)(b->cycles - a->cycles), s->cycles,
	       (unsigned long long)(b->macs - a->macs), s->macs,
	       (unsigned long long)(b->dram_read_bytes - a->dram_read_bytes),
	       s->rd,
	       (unsigned long long)(b->dram_write_bytes - a->dram_write_bytes),
	       s->wr);
}
