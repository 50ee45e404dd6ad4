// SPDX-License-Identifier: MIT
/*
 * npu.ko and dma-bufs: import from /dev/dma_heap/system and /dev/udmabuf,
 * export and re-import (same file and another file), mmap of an exported
 * buffer, no-mmap buffers stay unmappable through their dma-buf, and GEM
 * handles of one process are not valid in another.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/dma-heap.h>
#include <linux/udmabuf.h>
#include <xf86drm.h>

#include "lib/drv_util.h"
#include "npu_regs.h"
#include "tap.h"

static struct drm_npu_device_info info;

static void check_imported(int fd, int dmabuf, size_t size, const char *what)
{
	struct drm_npu_bo_info bi;
	uint32_t h = 0, h2 = 0;

	if (!tap_expect_success(drmPrimeFDToHandle(fd, dmabuf, &h), errno,
				"import %s dma-buf", what))
		return;
	tap_ok(!drv_bo_info(fd, h, &bi) && bi.size == size &&
	       (bi.flags & DRM_NPU_BO_INFO_IMPORTED),
	       "%s: info says imported, %zu bytes", what, size);
	tap_ok(bi.npu_addr >= info.va_start &&
	       bi.npu_addr + size <= info.va_end &&
	       !(bi.npu_addr % NPU_PAGE_SIZE),
	       "%s: mapped in the NPU address space", what);
	tap_ok(!drmPrimeFDToHandle(fd, dmabuf, &h2) && h2 == h,
	       "%s: importing again gives the same handle", what);
	tap_expect_success(drv_bo_close(fd, h), 0, "%s: close handle", what);
}

static void test_dma_heap(int fd)
{
	struct dma_heap_allocation_data a = {
		.len = 256 * 1024, .fd_flags = O_RDWR | O_CLOEXEC,
	};
	int heap = open("/dev/dma_heap/system", O_RDONLY | O_CLOEXEC);

	if (heap < 0) {
		tap_skip("no /dev/dma_heap/system", "dma-heap import");
		return;
	}
	if (tap_expect_success(ioctl(heap, DMA_HEAP_IOCTL_ALLOC, &a), errno,
			       "allocate 256 KiB from the system heap")) {
		check_imported(fd, a.fd, a.len, "dma-heap");
		close(a.fd);
	}
	close(heap);
}

static void test_udmabuf(int fd)
{
	struct udmabuf_create c = { .size = 128 * 1024 };
	int dev = open("/dev/udmabuf", O_RDWR | O_CLOEXEC), mfd, buf;

	if (dev < 0) {
		tap_skip("no /dev/udmabuf", "udmabuf import");
		return;
	}
	mfd = memfd_create("npu-test", MFD_ALLOW_SEALING);
	if (ftruncate(mfd, c.size) ||
	    fcntl(mfd, F_ADD_SEALS, F_SEAL_SHRINK)) {
		tap_fail(strerror(errno), "prepare memfd");
		goto out;
	}
	c.memfd = mfd;
	c.flags = UDMABUF_FLAGS_CLOEXEC;
	buf = ioctl(dev, UDMABUF_CREATE, &c);
	if (tap_expect_success(buf, errno, "create udmabuf")) {
		check_imported(fd, buf, c.size, "udmabuf");
		close(buf);
	}
out:
	close(mfd);
	close(dev);
}

static void test_export(int fd)
{
	enum { SIZE = 64 * 1024 };
	struct drm_npu_bo_info bi, bi2;
	uint32_t h, h_same, h2;
	uint64_t addr;
	unsigned char *p, *q;
	int dmabuf = -1, fd2, i, good;

	if (!tap_expect_success(drv_bo_create(fd, SIZE, 0, &h, &addr), 0,
				"create BO to export"))
		return;
	p = drv_bo_mmap(fd, h, SIZE);
	if (!tap_ok(p != NULL, "mmap it"))
		return;
	for (i = 0; i < SIZE; i++)
		p[i] = (unsigned char)(i ^ 0x5a);
	munmap(p, SIZE);

	tap_expect_success(drmPrimeHandleToFD(fd, h, DRM_CLOEXEC | DRM_RDWR,
					      &dmabuf), errno, "export as dma-buf");
	tap_ok(!drmPrimeFDToHandle(fd, dmabuf, &h_same) && h_same == h,
	       "re-import in the same file gives the same handle");

	q = mmap(NULL, SIZE, PROT_READ, MAP_SHARED, dmabuf, 0);
	good = q != MAP_FAILED;
	for (i = 0; good && i < SIZE; i++)
		good &= q[i] == (unsigned char)(i ^ 0x5a);
	tap_ok(good, "dma-buf mmap shows the BO's data");
	if (q != MAP_FAILED)
		munmap(q, SIZE);

	fd2 = drv_open();
	if (tap_expect_success(drmPrimeFDToHandle(fd2, dmabuf, &h2), errno,
			       "import in another file")) {
		tap_ok(!drv_bo_info(fd2, h2, &bi2) && bi2.size == SIZE,
		       "other file: info works");
		tap_ok(!drv_bo_info(fd, h, &bi) && bi.npu_addr == addr,
		       "exporter keeps its address");
		tap_ok(!(bi2.flags & DRM_NPU_BO_INFO_IMPORTED),
		       "same-device import is the same BO, not a foreign import");
		q = drv_bo_mmap(fd2, h2, SIZE);
		good = q != NULL;
		for (i = 0; good && i < SIZE; i++)
			good &= q[i] == (unsigned char)(i ^ 0x5a);
		tap_ok(good, "other file reads the data through its handle");
		if (q)
			munmap(q, SIZE);
		drv_bo_close(fd, h);
		tap_ok(!drv_bo_info(fd2, h2, &bi2),
		       "BO lives on in the other file after the exporter closes it");
	}
	close(fd2);
	close(dmabuf);
}

static void test_no_mmap_export(int fd)
{
	uint32_t h;
	int dmabuf = -1;
	void *q;

	if (drv_bo_create(fd, 4096, DRM_NPU_BO_NO_MMAP, &h, NULL))
		return;
	tap_expect_success(drmPrimeHandleToFD(fd, h, DRM_CLOEXEC | DRM_RDWR,
					      &dmabuf), errno,
			   "export a no-mmap BO");
	q = mmap(NULL, 4096, PROT_READ, MAP_SHARED, dmabuf, 0);
	tap_ok(q == MAP_FAILED, "its dma-buf cannot be mmapped either");
	if (q != MAP_FAILED)
		munmap(q, 4096);
	close(dmabuf);
	drv_bo_close(fd, h);
}

static void test_other_process(int fd)
{
	uint32_t h;
	pid_t pid;
	int status;

	if (drv_bo_create(fd, 4096, 0, &h, NULL))
		return;
	pid = fork();
	if (!pid) {
		int fd2 = drv_open();
		struct drm_npu_bo_info bi;

		/* Another process's own file never sees our handles. */
		_exit(drv_bo_info(fd2, h, &bi) == -ENOENT &&
		      drv_bo_close(fd2, h) == -EINVAL ? 0 : 1);
	}
	waitpid(pid, &status, 0);
	tap_ok(WIFEXITED(status) && WEXITSTATUS(status) == 0,
	       "handle %u is not valid in another process's file", h);
	drv_bo_close(fd, h);
}

int main(void)
{
	int fd = drv_open();

	if (fd < 0)
		tap_bail("no NPU device: %s", strerror(errno));
	if (drv_query_info(fd, &info))
		tap_bail("query failed");
	test_dma_heap(fd);
	test_udmabuf(fd);
	test_export(fd);
	test_no_mmap_export(fd);
	test_other_process(fd);
	close(fd);
	return tap_finish();
}
