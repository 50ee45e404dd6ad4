// SPDX-License-Identifier: MIT
/*
 * npu.ko buffer objects through the raw uapi: open/close, query, BO create,
 * mmap, write and read back, size limits, bad flags/handles/pads, BO info,
 * 10,000 BOs, address-space exhaustion, sysfs identity.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/dma-heap.h>
#include <xf86drm.h>

#include "lib/drv_util.h"
#include "npu_regs.h"
#include "tap.h"

static struct drm_npu_device_info info;

static void test_open_close(void)
{
	int fds[8], i, ok = 1;

	for (i = 0; i < 8; i++)
		fds[i] = drv_open();
	for (i = 0; i < 8; i++) {
		ok &= fds[i] >= 0;
		if (fds[i] >= 0)
			close(fds[i]);
	}
	tap_ok(ok, "open and close 8 files");
}

static void test_query(int fd)
{
	struct drm_npu_query q = { .type = DRM_NPU_QUERY_DEVICE_INFO };
	struct drm_npu_counters c;
	uint32_t small[2] = { 0, 0xdeadbeef };

	tap_expect_success(drv_ioctl(fd, DRM_IOCTL_NPU_QUERY, &q), 0,
			   "query with size 0 succeeds");
	tap_ok(q.size == sizeof(info), "size 0 returns the size (%u)", q.size);

	tap_expect_success(drv_query_info(fd, &info), 0, "query device info");
	tap_ok(info.hw_id == NPU_ID_VALUE, "hw_id 0x%08x", info.hw_id);
	tap_ok(info.page_size == NPU_PAGE_SIZE, "page size %u", info.page_size);
	tap_ok(info.mac_count && info.clock_mhz && info.sram_size,
	       "MACs %u, %u MHz, SRAM %u", info.mac_count, info.clock_mhz,
	       info.sram_size);
	tap_ok(info.queue_depth >= 1 && info.num_address_spaces >= 1 &&
	       info.num_address_spaces <= NPU_MAX_AS,
	       "queue depth %u, %u address spaces", info.queue_depth,
	       info.num_address_spaces);
	tap_ok(info.va_start >= NPU_PAGE_SIZE && info.va_end <= NPU_VA_SIZE &&
	       info.va_start < info.va_end,
	       "VA range 0x%llx-0x%llx", (unsigned long long)info.va_start,
	       (unsigned long long)info.va_end);
	tap_ok(info.max_bo_size >= (1 << 20) &&
	       info.max_bo_size <= info.va_end - info.va_start,
	       "max BO size %llu", (unsigned long long)info.max_bo_size);
	tap_ok(info.fw_version != 0, "firmware version 0x%06x", info.fw_version);

	q.size = 4;
	q.data = (uintptr_t)small;
	tap_expect_success(drv_ioctl(fd, DRM_IOCTL_NPU_QUERY, &q), 0,
			   "query into a 4-byte buffer");
	tap_ok(small[0] == NPU_ID_VALUE && small[1] == 0xdeadbeef &&
	       q.size == sizeof(info),
	       "short buffer gets the leading part only");

	q.type = 99;
	q.size = sizeof(info);
	q.data = (uintptr_t)&info;
	tap_expect_errno(drv_ioctl(fd, DRM_IOCTL_NPU_QUERY, &q), 0, EINVAL,
			 "unknown query type is EINVAL");
	q.type = DRM_NPU_QUERY_DEVICE_INFO;
	q.data = 16;
	tap_expect_errno(drv_ioctl(fd, DRM_IOCTL_NPU_QUERY, &q), 0, EFAULT,
			 "bad user pointer is EFAULT");

	tap_expect_success(drv_query_counters(fd, &c), 0, "query counters");
}

static void test_create_mmap(int fd)
{
	static const uint64_t sizes[] = { 1, 100, 4096, 4097, 65536 + 3,
					  1 << 20 };
	struct drm_npu_bo_info bi;
	uint32_t h;
	uint64_t addr;
	unsigned int i;

	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		uint64_t sz = sizes[i], rounded = (sz + 4095) & ~4095ull;
		unsigned char *p;
		size_t j;
		int good = 1;

		if (!tap_expect_success(drv_bo_create(fd, sz, 0, &h, &addr), 0,
					"create %" PRIu64 "-byte BO", sz))
			continue;
		tap_ok(addr >= info.va_start && addr + rounded <= info.va_end &&
		       !(addr % NPU_PAGE_SIZE),
		       "%" PRIu64 "-byte BO at page-aligned 0x%" PRIx64, sz, addr);
		tap_ok(!drv_bo_info(fd, h, &bi) && bi.size == rounded &&
		       bi.npu_addr == addr && bi.flags == 0,
		       "info: size %" PRIu64 " rounded to %llu", sz,
		       (unsigned long long)bi.size);
		p = drv_bo_mmap(fd, h, rounded);
		if (!tap_ok(p != NULL, "mmap %" PRIu64 "-byte BO", sz)) {
			drv_bo_close(fd, h);
			continue;
		}
		for (j = 0; j < rounded; j++)
			good &= p[j] == 0;
		tap_ok(good, "new BO reads as zeros");
		for (j = 0; j < rounded; j++)
			p[j] = (unsigned char)(j * 7 + i);
		munmap(p, rounded);
		p = drv_bo_mmap(fd, h, rounded);
		good = p != NULL;
		for (j = 0; good && j < rounded; j++)
			good &= p[j] == (unsigned char)(j * 7 + i);
		tap_ok(good, "data written through mmap reads back");
		if (p)
			munmap(p, rounded);
		tap_expect_success(drv_bo_close(fd, h), 0, "close BO");
	}
}

static void test_bad_args(int fd)
{
	struct drm_npu_bo_create c = { 0 };
	struct drm_npu_bo_mmap_offset m = { 0 };
	struct drm_npu_bo_info bi;
	struct drm_npu_bo_wait w = { 0 };
	uint32_t h;
	uint64_t addr;

	tap_expect_errno(drv_bo_create(fd, 0, 0, &h, NULL), 0, EINVAL,
			 "size 0 is EINVAL");
	tap_expect_errno(drv_bo_create(fd, info.max_bo_size + 1, 0, &h, NULL),
			 0, E2BIG, "max_bo_size + 1 is E2BIG");
	tap_expect_errno(drv_bo_create(fd, UINT64_MAX, 0, &h, NULL), 0, E2BIG,
			 "size 2^64-1 is E2BIG");
	tap_expect_errno(drv_bo_create(fd, 1ull << 40, 0, &h, NULL), 0, E2BIG,
			 "size 1 TiB is E2BIG");
	tap_expect_errno(drv_bo_create(fd, 4096, 1u << 2, &h, NULL), 0, EINVAL,
			 "unknown flag bit 2 is EINVAL");
	tap_expect_errno(drv_bo_create(fd, 4096, 1u << 31, &h, NULL), 0,
			 EINVAL, "unknown flag bit 31 is EINVAL");

	tap_expect_errno(drv_bo_info(fd, 0, &bi), 0, ENOENT,
			 "info on handle 0 is ENOENT");
	tap_expect_errno(drv_bo_info(fd, 12345, &bi), 0, ENOENT,
			 "info on unknown handle is ENOENT");
	tap_expect_errno(drv_bo_close(fd, 12345), 0, EINVAL,
			 "GEM_CLOSE of unknown handle is EINVAL");
	m.handle = 12345;
	tap_expect_errno(drv_ioctl(fd, DRM_IOCTL_NPU_BO_MMAP_OFFSET, &m), 0,
			 ENOENT, "mmap offset of unknown handle is ENOENT");
	w.handle = 12345;
	tap_expect_errno(drv_ioctl(fd, DRM_IOCTL_NPU_BO_WAIT, &w), 0, ENOENT,
			 "wait on unknown handle is ENOENT");

	if (!tap_expect_success(drv_bo_create(fd, 4096, 0, &h, &addr), 0,
				"create BO for pad checks"))
		return;
	m.handle = h;
	m.pad = 1;
	tap_expect_errno(drv_ioctl(fd, DRM_IOCTL_NPU_BO_MMAP_OFFSET, &m), 0,
			 EINVAL, "mmap offset with non-zero pad is EINVAL");
	w.handle = h;
	w.pad = 1;
	tap_expect_errno(drv_ioctl(fd, DRM_IOCTL_NPU_BO_WAIT, &w), 0, EINVAL,
			 "wait with non-zero pad is EINVAL");
	w.pad = 0;
	tap_expect_success(drv_ioctl(fd, DRM_IOCTL_NPU_BO_WAIT, &w), 0,
			   "wait on an idle BO succeeds at once");
	tap_expect_success(drv_bo_close(fd, h), 0, "close");
	tap_expect_errno(drv_bo_close(fd, h), 0, EINVAL, "double close is EINVAL");
	tap_expect_errno(drv_bo_info(fd, h, &bi), 0, ENOENT,
			 "closed handle is ENOENT");

	c.size = 4096;
	c.flags = DRM_NPU_BO_NO_MMAP | DRM_NPU_BO_DEVICE_READ_ONLY;
	if (tap_expect_success(drv_ioctl(fd, DRM_IOCTL_NPU_BO_CREATE, &c), 0,
			       "create no-mmap read-only BO")) {
		tap_ok(!drv_bo_info(fd, c.handle, &bi) &&
		       bi.flags == (DRM_NPU_BO_NO_MMAP |
				    DRM_NPU_BO_DEVICE_READ_ONLY),
		       "info reports the flags (0x%x)", bi.flags);
		m.handle = c.handle;
		m.pad = 0;
		tap_expect_errno(drv_ioctl(fd, DRM_IOCTL_NPU_BO_MMAP_OFFSET,
					   &m), 0, EPERM,
				 "mmap offset of a no-mmap BO is EPERM");
		drv_bo_close(fd, c.handle);
	}
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static void test_many(int fd)
{
	enum { N = 10000 };
	uint32_t *h = calloc(N, sizeof(*h));
	uint64_t *addr = calloc(N, sizeof(*addr));
	int i, created = 0, overlap = 0, closed = 0;

	for (i = 0; i < N; i++) {
		if (drv_bo_create(fd, 4096 * (1 + i % 3), 0, &h[i], &addr[i]))
			break;
		created++;
	}
	tap_ok(created == N, "created %d of %d BOs", created, N);
	qsort(addr, created, sizeof(*addr), cmp_u64);
	for (i = 1; i < created; i++)
		overlap += addr[i] < addr[i - 1] + 4096;
	tap_ok(!overlap, "their NPU addresses do not overlap");
	for (i = 0; i < created; i++)
		closed += !drv_bo_close(fd, h[i]);
	tap_ok(closed == created, "closed all %d", closed);
	free(h);
	free(addr);
}

static void test_exhaustion(int fd)
{
	uint32_t h[4096];
	uint64_t size = info.max_bo_size, total = 0, addr;
	int n = 0, ret = 0, big = 0;

	/* Reserving address space costs no memory: pages come at first use. */
	while (n < 4096 && size >= NPU_PAGE_SIZE) {
		ret = drv_bo_create(fd, size, 0, &h[n], &addr);
		if (ret == -ENOSPC) {
			size /= 2;
			continue;
		}
		if (ret)
			break;
		big += size == info.max_bo_size;
		total += size;
		n++;
	}
	tap_ok(ret == -ENOSPC, "address space runs out with ENOSPC (%d)", ret);
	tap_ok(big == (int)((info.va_end - info.va_start) / info.max_bo_size),
	       "%d max-size BOs fit", big);
	tap_ok(total == info.va_end - info.va_start,
	       "the whole range is handed out (%" PRIu64 " bytes)", total);
	tap_expect_errno(drv_bo_create(fd, NPU_PAGE_SIZE, 0, &h[n], NULL), 0,
			 ENOSPC, "even one page is ENOSPC now");
	{
		struct dma_heap_allocation_data a = {
			.len = 65536, .fd_flags = O_RDWR | O_CLOEXEC,
		};
		int heap = open("/dev/dma_heap/system", O_RDONLY | O_CLOEXEC);
		uint32_t ih;

		if (heap >= 0 && !ioctl(heap, DMA_HEAP_IOCTL_ALLOC, &a)) {
			tap_expect_errno(drmPrimeFDToHandle(fd, a.fd, &ih), errno,
					 ENOSPC, "importing a dma-buf is ENOSPC too");
			close(a.fd);
		}
		if (heap >= 0)
			close(heap);
	}
	if (n) {
		drv_bo_close(fd, h[0]);
		tap_expect_success(drv_bo_create(fd, info.max_bo_size, 0,
						 &h[0], NULL), 0,
				   "after closing a BO its range is reused");
	}

	/* Another file has an address space of its own. */
	{
		int fd2 = drv_open();
		uint32_t h2;

		tap_expect_success(drv_bo_create(fd2, info.max_bo_size, 0, &h2,
						 NULL), 0,
				   "another file still has its full range");
		close(fd2);
	}
	while (n--)
		drv_bo_close(fd, h[n]);
}

static void test_sysfs(void)
{
	char node[PATH_MAX], pdev[256], path[PATH_MAX + 300], buf[64];
	static const char *const attrs[] = { "model", "revision",
					     "firmware_version", "mac_count" };
	unsigned int i;
	FILE *f;

	if (!tap_ok(!drv_find(node, sizeof(node), pdev, sizeof(pdev)),
		    "find accel node bound to npu"))
		return;
	for (i = 0; i < 4; i++) {
		snprintf(path, sizeof(path), "/sys/bus/platform/devices/%s/%s",
			 pdev, attrs[i]);
		f = fopen(path, "r");
		buf[0] = 0;
		if (f) {
			if (!fgets(buf, sizeof(buf), f))
				buf[0] = 0;
			fclose(f);
		}
		buf[strcspn(buf, "\n")] = 0;
		tap_ok(buf[0] != 0, "sysfs %s = %s", attrs[i], buf);
		if (i == 0)
			tap_ok(!strcmp(buf, "NPU8"), "model is NPU8");
	}
}

int main(void)
{
	int fd = drv_open();

	if (fd < 0)
		tap_bail("no NPU device: %s", strerror(errno));
	test_open_close();
	test_query(fd);
	test_create_mmap(fd);
	test_bad_args(fd);
	test_many(fd);
	test_exhaustion(fd);
	test_sysfs();
	close(fd);
	return tap_finish();
}
