// SPDX-License-Identifier: MIT
/*
 * Submission-path benchmark, run in the VM by `make bench`:
 *
 *  - a trivial ioctl round trip (DRM_IOCTL_NPU_QUERY for the counters, and
 *    the core DRM_IOCTL_VERSION), the floor any submission pays;
 *  - a NOP job's round trip: DRM_IOCTL_NPU_SUBMIT of a stream holding only
 *    the STREAM header and NOP, then a wait on its out-syncobj;
 *  - pipelined NOP jobs per second: submissions back to back, one wait on
 *    the last fence (jobs of one file complete in order).
 *
 * Prints p50/p99 of each and the ratio of the NOP round trip to the ioctl.
 * The numbers are those of the simulated device under QEMU/TCG: useful to
 * compare driver versions on one machine, not as absolute figures.
 *
 * usage: npu_bench [-n ITERATIONS] [-p PIPELINED_JOBS] [/dev/accel/accelN | /dev/dri/renderDN]
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <xf86drm.h>

#include "drm/npu_accel.h"
#include "npu_cmdstream.h"
#include "npu_node.h"

struct dist {
	double p50_us, p99_us, mean_us;
};

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

static struct dist summarize(uint64_t *ns, size_t n)
{
	struct dist d;
	double sum = 0;
	size_t i;

	qsort(ns, n, sizeof(*ns), cmp_u64);
	for (i = 0; i < n; i++)
		sum += (double)ns[i];
	d.p50_us = ns[n / 2] / 1e3;
	d.p99_us = ns[(n * 99) / 100 < n ? (n * 99) / 100 : n - 1] / 1e3;
	d.mean_us = sum / (double)n / 1e3;
	return d;
}

static void print_dist(const char *what, struct dist d, size_t n)
{
	printf("%-34s p50 %9.1f us  p99 %9.1f us  mean %9.1f us  (n=%zu)\n",
	       what, d.p50_us, d.p99_us, d.mean_us, n);
}

static int query_counters(int fd)
{
	struct drm_npu_counters c;
	struct drm_npu_query q = {
		.type = DRM_NPU_QUERY_COUNTERS,
		.size = sizeof(c),
		.data = (uintptr_t)&c,
	};

	return drmIoctl(fd, DRM_IOCTL_NPU_QUERY, &q);
}

static int drm_version(int fd)
{
	struct drm_version v;

	memset(&v, 0, sizeof(v));	/* no name/date/desc buffers: lengths only */
	return drmIoctl(fd, DRM_IOCTL_VERSION, &v);
}

static int measure_ioctl(int fd, int (*op)(int), uint64_t *ns, size_t n)
{
	size_t i;

	for (i = 0; i < 100; i++)	/* warm up */
		if (op(fd))
			return -errno;
	for (i = 0; i < n; i++) {
		uint64_t t0 = now_ns();

		if (op(fd))
			return -errno;
		ns[i] = now_ns() - t0;
	}
	return 0;
}

/* A NOP job: the STREAM header command, then NOP. */
struct nop_job {
	int fd;
	uint32_t bo, syncobj, stats_bo;
	struct drm_npu_job_stats *stats;
};

static int bo_create_map(int fd, uint32_t *handle, void **map)
{
	struct drm_npu_bo_create c = { .size = 4096 };
	struct drm_npu_bo_mmap_offset o = { 0 };
	void *p;

	if (drmIoctl(fd, DRM_IOCTL_NPU_BO_CREATE, &c))
		return -errno;
	o.handle = c.handle;
	if (drmIoctl(fd, DRM_IOCTL_NPU_BO_MMAP_OFFSET, &o))
		return -errno;
	p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, (off_t)o.offset);
	if (p == MAP_FAILED)
		return -errno;
	*handle = c.handle;
	*map = p;
	return 0;
}

static int nop_setup(struct nop_job *j, int fd)
{
	struct npu_stream_params sp = { .version = NPU_CS_VERSION };
	uint32_t *w;
	void *p;
	int ret;

	j->fd = fd;
	ret = bo_create_map(fd, &j->bo, &p);
	if (ret)
		return ret;
	w = p;
	w[0] = NPU_CS_HDR(NPU_CMD_STREAM, 1 + sizeof(sp) / 4);
	memcpy(&w[1], &sp, sizeof(sp));
	w[1 + sizeof(sp) / 4] = NPU_CS_HDR(NPU_CMD_NOP, 1);
	ret = bo_create_map(fd, &j->stats_bo, &p);
	if (ret)
		return ret;
	j->stats = p;
	return drmSyncobjCreate(fd, 0, &j->syncobj);
}

static int nop_submit(struct nop_job *j, uint32_t out_sync, bool stats)
{
	struct drm_npu_job job = {
		.cmd_bo = j->bo,
		.cmd_size = (1 + sizeof(struct npu_stream_params) / 4 + 1) * 4,
		.out_sync = out_sync,
		.stats_bo = stats ? j->stats_bo : 0,
	};
	struct drm_npu_submit s = {
		.jobs = (uintptr_t)&job,
		.job_count = 1,
		.job_stride = sizeof(job),
		.priority = DRM_NPU_PRIORITY_NORMAL,
	};

	return drmIoctl(j->fd, DRM_IOCTL_NPU_SUBMIT, &s) ? -errno : 0;
}

static int nop_wait(struct nop_job *j)
{
	uint32_t first;

	return drmSyncobjWait(j->fd, &j->syncobj, 1, INT64_MAX, 0, &first);
}

static int measure_nop(struct nop_job *j, uint64_t *ns, size_t n)
{
	size_t i;
	int ret;

	/* One checked job first: the benchmark must time successful jobs. */
	memset(j->stats, 0xff, sizeof(*j->stats));
	ret = nop_submit(j, j->syncobj, true);
	if (!ret)
		ret = nop_wait(j);
	if (ret)
		return ret;
	if (j->stats->status) {
		fprintf(stderr, "npu_bench: the NOP job ended with status %d\n",
			j->stats->status);
		return -EIO;
	}
	for (i = 0; i < 20; i++) {
		ret = nop_submit(j, j->syncobj, false);
		if (!ret)
			ret = nop_wait(j);
		if (ret)
			return ret;
	}
	for (i = 0; i < n; i++) {
		uint64_t t0 = now_ns();

		ret = nop_submit(j, j->syncobj, false);
		if (!ret)
			ret = nop_wait(j);
		if (ret)
			return ret;
		ns[i] = now_ns() - t0;
	}
	return 0;
}

static int measure_pipelined(struct nop_job *j, size_t n, double *jobs_per_s)
{
	uint64_t t0 = now_ns(), dt;
	size_t i;
	int ret;

	for (i = 0; i < n; i++) {
		ret = nop_submit(j, i == n - 1 ? j->syncobj : 0, false);
		if (ret)
			return ret;
	}
	ret = nop_wait(j);
	if (ret)
		return ret;
	dt = now_ns() - t0;
	*jobs_per_s = (double)n / (dt / 1e9);
	return 0;
}

/* The first node of npu.ko: /dev/accel/accelN or /dev/dri/renderDN. */
static char *first_npu_node(void)
{
	static char path[PATH_MAX];

	return npu_node_find(0, path, sizeof(path), NULL, 0) ? NULL : path;
}

int main(int argc, char **argv)
{
	size_t n = 2000, pipelined = 2000;
	const char *node = NULL;
	struct dist query, version, nop;
	struct nop_job job;
	double jps = 0;
	uint64_t *ns;
	int fd, opt, ret, status = 0;

	while ((opt = getopt(argc, argv, "n:p:h")) != -1) {
		switch (opt) {
		case 'n': n = strtoul(optarg, NULL, 0); break;
		case 'p': pipelined = strtoul(optarg, NULL, 0); break;
		default:
			fprintf(stderr, "usage: %s [-n ITERATIONS] [-p PIPELINED_JOBS] [NODE]\n",
				argv[0]);
			return 2;
		}
	}
	if (optind < argc)
		node = argv[optind];
	else
		node = first_npu_node();
	if (n < 10 || pipelined < 1) {
		fprintf(stderr, "npu_bench: need -n >= 10 and -p >= 1\n");
		return 2;
	}
	if (!node) {
		fprintf(stderr, "npu_bench: no npu device node (is npu.ko loaded?)\n");
		return 1;
	}
	fd = open(node, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "npu_bench: %s: %s\n", node, strerror(errno));
		return 1;
	}
	ns = calloc(n, sizeof(*ns));
	if (!ns)
		return 1;

	printf("npu_bench on %s (simulated NPU; times are guest CLOCK_MONOTONIC)\n", node);
	ret = measure_ioctl(fd, query_counters, ns, n);
	if (ret) {
		fprintf(stderr, "npu_bench: DRM_IOCTL_NPU_QUERY: %s\n", strerror(-ret));
		return 1;
	}
	query = summarize(ns, n);
	print_dist("ioctl NPU_QUERY(counters)", query, n);
	ret = measure_ioctl(fd, drm_version, ns, n);
	if (ret) {
		fprintf(stderr, "npu_bench: DRM_IOCTL_VERSION: %s\n", strerror(-ret));
		return 1;
	}
	version = summarize(ns, n);
	print_dist("ioctl DRM_VERSION", version, n);

	ret = nop_setup(&job, fd);
	if (!ret)
		ret = measure_nop(&job, ns, n);
	if (ret) {
		printf("NOP job submit+wait                not measured: %s\n", strerror(-ret));
		status = 1;
	} else {
		nop = summarize(ns, n);
		print_dist("NOP job submit+wait", nop, n);
		printf("%-34s p50 %9.1fx      p99 %9.1fx\n", "ratio NOP job / NPU_QUERY ioctl",
		       nop.p50_us / query.p50_us, nop.p99_us / query.p99_us);
		ret = measure_pipelined(&job, pipelined, &jps);
		if (ret) {
			printf("pipelined NOP jobs                 not measured: %s\n",
			       strerror(-ret));
			status = 1;
		} else {
			printf("%-34s %9.0f jobs/s (%zu jobs, one wait)\n",
			       "pipelined NOP jobs", jps, pipelined);
		}
	}
	free(ns);
	close(fd);
	return status;
}
