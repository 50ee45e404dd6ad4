// SPDX-License-Identifier: MIT
/*
 * libnpu device layer and npu-info against the real driver (run in the VM):
 * discovery, open, queries, BO alloc/map/free, size limits, PRIME export and
 * import (same file, another file, dma-heap, udmabuf), wait, many BOs.
 */
#include <errno.h>
#include <pthread.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/dma-heap.h>
#include <linux/udmabuf.h>

#include "npu.h"
#include "npu_regs.h"
#include "tap.h"

static struct npu_device_info info;

static void test_discovery(void)
{
	struct npu_device_list *list;
	const struct npu_device_desc *d;
	struct stat st;

	if (!tap_expect_success(npu_device_list_create(&list), 0, "enumerate NPUs"))
		tap_bail("cannot enumerate");
	tap_ok(npu_device_list_count(list) >= 1, "at least one NPU listed (%zu)",
	       npu_device_list_count(list));
	d = npu_device_list_get(list, 0);
	if (!d)
		tap_bail("no NPU: is npu.ko loaded?");
	/* The accel node, or the render node of a build without accel. */
	tap_ok(!strncmp(d->node, "/dev/accel/accel", 16) ||
	       !strncmp(d->node, "/dev/dri/renderD", 16), "node %s", d->node);
	tap_ok(!stat(d->node, &st) && S_ISCHR(st.st_mode), "node is a character device");
	tap_ok(!strcmp(d->driver, "npu"), "driver %s", d->driver);
	tap_ok(strstr(d->syspath, "/accel/accel") != NULL ||
	       strstr(d->syspath, "/drm/renderD") != NULL, "syspath %s", d->syspath);
	for (size_t i = 0; i < d->attr_count; i++)
		tap_diag("attribute %s = %s", d->attrs[i].name, d->attrs[i].value);
	npu_device_list_free(list);
}

static void test_open_query(struct npu_device *dev)
{
	struct npu_counters c;
	struct npu_device *bad;

	tap_expect_success(npu_device_query_info(dev, &info), 0, "query device info");
	tap_ok(info.hw_id == NPU_ID_VALUE, "hw_id 0x%08x", info.hw_id);
	tap_ok(info.page_size == NPU_PAGE_SIZE, "page size %u", info.page_size);
	tap_ok(info.mac_count > 0 && info.clock_mhz > 0, "MACs %u at %u MHz",
	       info.mac_count, info.clock_mhz);
	tap_ok(info.va_end > info.va_start && info.va_end <= NPU_VA_SIZE,
	       "VA range 0x%" PRIx64 "-0x%" PRIx64, info.va_start, info.va_end);
	tap_ok(info.max_bo_size >= NPU_PAGE_SIZE, "max BO size %" PRIu64, info.max_bo_size);
	tap_ok(info.cmdstream_version >= 1, "command stream version %u",
	       info.cmdstream_version);
	tap_expect_success(npu_device_query_counters(dev, &c), 0, "query counters");
	tap_expect_errno(npu_device_open("/dev/null", &bad), 0, NPU_ERR_NOT_NPU,
			 "/dev/null is not an NPU");
	tap_expect_errno(npu_device_open("/dev/accel/accel99", &bad), 0, ENOENT,
			 "missing node");
}

static void test_bo_basic(struct npu_device *dev)
{
	struct npu_bo *bo, *ro;
	uint8_t *p;
	void *ptr;
	bool same = true;

	if (!tap_expect_success(npu_bo_alloc(dev, 1, 0, &bo), 0, "alloc 1 byte"))
		return;
	tap_ok(npu_bo_size(bo) == info.page_size, "1 byte rounds to a page");
	tap_ok(npu_bo_npu_addr(bo) >= info.va_start &&
	       npu_bo_npu_addr(bo) + npu_bo_size(bo) <= info.va_end &&
	       !(npu_bo_npu_addr(bo) % info.page_size),
	       "NPU address 0x%" PRIx64 " page aligned in range", npu_bo_npu_addr(bo));
	npu_bo_free(bo);

	if (!tap_expect_success(npu_bo_alloc(dev, 3 * 4096 + 5, 0, &bo), 0,
				"alloc unaligned size"))
		return;
	tap_ok(npu_bo_size(bo) == 4 * 4096, "size rounded to 4 pages");
	tap_expect_success(npu_bo_map(bo, &ptr), 0, "map");
	p = ptr;
	for (size_t i = 0; i < npu_bo_size(bo); i++)
		p[i] = (uint8_t)(i * 7 + 3);
	npu_bo_unmap(bo);
	tap_expect_success(npu_bo_map(bo, &ptr), 0, "map again");
	p = ptr;
	for (size_t i = 0; i < npu_bo_size(bo); i++)
		same &= p[i] == (uint8_t)(i * 7 + 3);
	tap_ok(same, "data written through one mapping reads back through another");
	tap_expect_success(npu_bo_wait(bo, 0), 0, "idle BO: wait polls successfully");
	tap_expect_success(npu_bo_wait(bo, 1000000), 0, "idle BO: timed wait");
	npu_bo_free(bo);

	if (tap_expect_success(npu_bo_alloc(dev, 4096, NPU_BO_NO_MMAP |
					    NPU_BO_DEVICE_READ_ONLY, &ro), 0,
			       "alloc no-mmap read-only")) {
		tap_expect_errno(npu_bo_map(ro, &ptr), 0, EPERM, "no-mmap BO refuses map");
		tap_ok(npu_bo_flags(ro) == (NPU_BO_NO_MMAP | NPU_BO_DEVICE_READ_ONLY),
		       "flags kept");
		npu_bo_free(ro);
	}
	tap_expect_errno(npu_bo_alloc(dev, 0, 0, &bo), 0, EINVAL, "size 0");
	tap_expect_errno(npu_bo_alloc(dev, 4096, 1u << 9, &bo), 0, EINVAL, "unknown flag");
	tap_expect_errno(npu_bo_alloc(dev, info.max_bo_size + 1, 0, &bo), 0, E2BIG,
			 "larger than max_bo_size");
	tap_expect_errno(npu_bo_alloc(dev, SIZE_MAX - 10, 0, &bo), 0, E2BIG, "huge size");
}

static void test_many_bos(struct npu_device *dev)
{
	enum { COUNT = 2000 };
	static struct npu_bo *bos[COUNT];
	size_t n = 0;
	bool distinct = true;
	int ret = 0;

	while (n < COUNT && !(ret = npu_bo_alloc(dev, 4096, 0, &bos[n])))
		n++;
	tap_ok(n == COUNT, "%d BOs allocated (%s)", COUNT, npu_strerror(ret));
	for (size_t i = 1; i < n; i++)
		distinct &= npu_bo_npu_addr(bos[i]) != npu_bo_npu_addr(bos[i - 1]);
	tap_ok(distinct, "neighbouring BOs have distinct NPU addresses");
	while (n)
		npu_bo_free(bos[--n]);
}

static void test_prime(struct npu_device *dev)
{
	struct npu_device *dev2;
	struct npu_bo *bo, *again, *other;
	uint32_t *p, *q;
	void *ptr;
	int fd;

	if (!tap_expect_success(npu_bo_alloc(dev, 8192, 0, &bo), 0, "alloc for export"))
		return;
	npu_bo_map(bo, &ptr);
	p = ptr;
	p[0] = 0xdeadbeef;
	p[2047] = 0x12345678;
	if (!tap_expect_success(npu_bo_export(bo, &fd), 0, "export dma-buf"))
		goto out;
	tap_expect_success(npu_bo_import(dev, fd, &again), 0, "re-import in same file");
	tap_ok(again == bo, "same file re-import returns the same BO");
	npu_bo_free(again);	/* drops the extra reference only */
	tap_ok(npu_bo_size(bo) == 8192 && !npu_bo_map(bo, &ptr),
	       "original BO still valid after freeing the import");

	if (tap_expect_success(npu_device_open(npu_device_path(dev), &dev2), 0,
			       "second open (own address space)")) {
		if (tap_expect_success(npu_bo_import(dev2, fd, &other), 0,
				       "import into other file")) {
			tap_ok(npu_bo_size(other) == 8192, "imported size");
			/*
			 * No NPU_BO_IMPORTED check here: PRIME gives a buffer of
			 * the same device back as its own GEM object.
			 */
			tap_ok(npu_bo_npu_addr(other) >= info.va_start &&
			       npu_bo_npu_addr(other) < info.va_end,
			       "imported NPU address in range");
			if (tap_expect_success(npu_bo_map(other, &ptr), 0, "map imported")) {
				q = ptr;
				tap_ok(q[0] == 0xdeadbeef && q[2047] == 0x12345678,
				       "importer sees exporter's data");
			}
			npu_bo_free(other);
		}
		npu_device_close(dev2);
	}
	close(fd);
	/* Not a dma-buf: refused, and nothing is left behind. */
	fd = open("/dev/null", O_RDWR | O_CLOEXEC);
	tap_ok(npu_bo_import(dev, fd, &other) < 0 && other == NULL,
	       "importing a non-dma-buf fd fails");
	close(fd);
out:
	npu_bo_free(bo);
}

static void check_import_external(struct npu_device *dev, int fd, size_t size,
				  const char *what)
{
	struct npu_bo *bo;

	if (!tap_expect_success(npu_bo_import(dev, fd, &bo), 0, "import %s", what))
		return;
	tap_ok(npu_bo_size(bo) == size, "%s size %zu", what, npu_bo_size(bo));
	tap_ok((npu_bo_flags(bo) & NPU_BO_IMPORTED) &&
	       npu_bo_npu_addr(bo) >= info.va_start &&
	       npu_bo_npu_addr(bo) + size <= info.va_end,
	       "%s mapped at 0x%" PRIx64, what, npu_bo_npu_addr(bo));
	npu_bo_free(bo);
}

static void test_dma_heap(struct npu_device *dev)
{
	struct dma_heap_allocation_data req = {
		.len = 64 * 1024, .fd_flags = O_RDWR | O_CLOEXEC,
	};
	int heap = open("/dev/dma_heap/system", O_RDONLY | O_CLOEXEC);

	if (heap < 0) {
		tap_skip("no /dev/dma_heap/system", "import from dma-heap");
		return;
	}
	if (tap_expect_success(ioctl(heap, DMA_HEAP_IOCTL_ALLOC, &req), errno,
			       "dma-heap allocation")) {
		check_import_external(dev, (int)req.fd, 64 * 1024, "dma-heap buffer");
		close((int)req.fd);
	}
	close(heap);
}

static void test_udmabuf(struct npu_device *dev)
{
	int dev_fd = open("/dev/udmabuf", O_RDWR | O_CLOEXEC);
	int memfd, buf;
	struct udmabuf_create create = { .flags = UDMABUF_FLAGS_CLOEXEC, .size = 32768 };

	if (dev_fd < 0) {
		tap_skip("no /dev/udmabuf", "import from udmabuf");
		return;
	}
	memfd = memfd_create("npu-test", MFD_ALLOW_SEALING);
	if (memfd < 0 || ftruncate(memfd, 32768) ||
	    fcntl(memfd, F_ADD_SEALS, F_SEAL_SHRINK) < 0) {
		tap_fail(strerror(errno), "memfd for udmabuf");
		close(dev_fd);
		return;
	}
	create.memfd = (uint32_t)memfd;
	buf = ioctl(dev_fd, UDMABUF_CREATE, &create);
	if (tap_expect_success(buf, errno, "udmabuf create")) {
		check_import_external(dev, buf, 32768, "udmabuf");
		close(buf);
	}
	close(memfd);
	close(dev_fd);
}

/*
 * One device handle shared by threads: allocations, exports and re-imports
 * race on the library's buffer table.
 */
static void *bo_thread(void *arg)
{
	struct npu_device *dev = arg;
	long failures = 0;

	for (int i = 0; i < 300; i++) {
		struct npu_bo *bo, *again = NULL;
		int fd = -1;

		if (npu_bo_alloc(dev, 4096 * (1 + i % 3), 0, &bo)) {
			failures++;
			continue;
		}
		if (npu_bo_export(bo, &fd) || npu_bo_import(dev, fd, &again) || again != bo)
			failures++;
		if (fd >= 0)
			close(fd);
		npu_bo_free(again);
		npu_bo_free(bo);
	}
	return (void *)failures;
}

static void test_threads(struct npu_device *dev)
{
	pthread_t threads[4];
	long failures = 0;

	for (int i = 0; i < 4; i++)
		pthread_create(&threads[i], NULL, bo_thread, dev);
	for (int i = 0; i < 4; i++) {
		void *r;

		pthread_join(threads[i], &r);
		failures += (long)r;
	}
	tap_ok(failures == 0, "4 threads x 300 alloc/export/re-import/free on one device (%ld failures)",
	       failures);
}

/* npu-info must list the device in both output forms and exit 0. */
static void test_npu_info(const char *node)
{
	char cmd[256], out[16384];
	size_t len;
	FILE *f;
	int status;

	for (int json = 0; json < 2; json++) {
		snprintf(cmd, sizeof(cmd), "npu-info%s", json ? " --json" : "");
		f = popen(cmd, "r");
		if (!f) {
			tap_fail(strerror(errno), "%s runs", cmd);
			continue;
		}
		len = fread(out, 1, sizeof(out) - 1, f);
		out[len] = '\0';
		status = pclose(f);
		tap_ok(status == 0, "%s exits 0 (status %d)", cmd, status);
		if (json) {
			char want[128];

			snprintf(want, sizeof(want), "\"node\":\"%s\"", node);
			tap_ok(!strncmp(out, "{\"devices\":[{", 13) && strstr(out, want) &&
			       strstr(out, "\"hw_name\":\"NPU8\"") &&
			       strstr(out, "\"counters\":{") && !strcmp(out + len - 3, "]}\n"),
			       "npu-info --json lists %s", node);
		} else {
			tap_ok(!strncmp(out, node, strlen(node)) &&
			       strstr(out, "  driver:          npu") &&
			       strstr(out, "  hardware:        NPU8 0x4e505538"),
			       "npu-info text lists %s", node);
		}
		tap_diag("%s", out);
	}
}

int main(void)
{
	struct npu_device *dev;

	test_discovery();
	if (!tap_expect_success(npu_device_open(NULL, &dev), 0, "open first NPU"))
		tap_bail("cannot open the NPU");
	tap_ok(npu_device_fd(dev) >= 0, "device fd");
	test_open_query(dev);
	test_bo_basic(dev);
	test_many_bos(dev);
	test_prime(dev);
	test_dma_heap(dev);
	test_udmabuf(dev);
	test_threads(dev);
	test_npu_info(npu_device_path(dev));
	npu_device_close(dev);
	return tap_finish();
}
