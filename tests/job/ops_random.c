// SPDX-License-Identifier: MIT
/*
 * Every op on the simulated NPU equals the firmware host library byte for
 * byte, through the raw uapi (BO_CREATE addresses, SUBMIT listing every
 * buffer with its usage, syncobj and BO_WAIT):
 *
 * - 1,700 random single-op jobs (npu_host_rjob_make: random shapes,
 *   strides, dilations, paddings, zero points, multipliers and shifts, per
 *   tensor and per channel, in every int8 / 16x8 / data-movement form),
 *   64 per SUBMIT, each job buffer at a random 8-byte offset in a page with
 *   guard bytes before it.  The whole buffer afterwards (output, inputs,
 *   guard) must equal what npu_host_rjob_expect computes on the host.
 * - Meanwhile 2 helper processes run 340 random cases each through files
 *   of their own, so jobs of three NPU address spaces interleave.
 * - 8 jobs of 17 commands each (one of every opcode), their buffers
 *   spread over two BOs: a long stream through the command processor.
 * - 18 large-operand jobs (megabyte tensors, 1 MiB of weights, a 3 MiB
 *   copy) with inputs in a device-read-only BO and the output in another,
 *   against npu_fw_run on the host over the same address ranges.
 *
 * Every job's statistics (status, cycles, MACs, DRAM bytes read and
 * written) must equal npu_fw_estimate_stream for its stream, and the
 * device-wide counters must grow by the sum over all these jobs.
 *
 * Random case k runs opcode k % 17 with seed case_seed(base, k).  A failure
 * names the seed and opcode; reproduce one case with
 *	ops_random --seed SEED --op OPNAME
 * or run another series with ops_random [CASES [BASE_SEED]].
 *
 * vm-test: timeout=300
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <xf86drm.h>

#include "drm/npu_accel.h"
#include "npu_cmdstream.h"
#include "npu_fw.h"
#include "../../firmware/host/npu_fw_host.h"
#include "tap.h"

#define DEFAULT_CASES	1700		/* 100 per opcode */
#define DEFAULT_SEED	0x6e70752d6f7073ull
#define BATCH		64		/* jobs per SUBMIT (the uapi maximum) */
#define DATA_SIZE	(4u << 20)	/* job buffers of one batch */
#define CS_SLOT		512		/* bytes of stream per job */
#define MAX_REPORTS	20		/* "not ok" lines for single cases */
#define WAIT_S		120
#define GUARD		0x5a	/* between job buffers; must stay */

static const uint32_t ops[] = {
	NPU_OP_CONV_2D, NPU_OP_DEPTHWISE_CONV_2D, NPU_OP_TRANSPOSE_CONV,
	NPU_OP_FULLY_CONNECTED, NPU_OP_ADD, NPU_OP_SUB, NPU_OP_MUL,
	NPU_OP_AVERAGE_POOL_2D, NPU_OP_MAX_POOL_2D, NPU_OP_MEAN, NPU_OP_PAD,
	NPU_OP_TRANSPOSE, NPU_OP_CONCAT, NPU_OP_STRIDED_SLICE, NPU_OP_COPY,
	NPU_OP_LUT, NPU_OP_LEAKY_RELU,
};
#define NOPS	(sizeof(ops) / sizeof(ops[0]))
#define NDTYPES	6

struct slot {
	struct npu_host_rjob job;
	uint8_t *expect;	/* NULL: the host library failed */
	uint64_t seed;
	uint32_t off;		/* of the job buffer in the data BO */
	uint32_t gap;		/* start of the guard bytes before @off */
	uint8_t dtype;
	struct npu_fw_cost est;
	int est_ret;
};

struct set {
	uint32_t data, cmd, stats, sync;
	uint64_t data_va;
	uint8_t *data_map;
	uint8_t *cmd_map;
	struct drm_npu_job_stats *stats_map;
	struct slot slots[BATCH];
	unsigned int n;
};

struct group {
	unsigned int cases, failed;
};

struct run {
	int fd;
	uint64_t base_seed;
	unsigned int ncases, next, reports, failed_cases;
	unsigned int unchanged;	/* jobs whose expectation equals the input */
	struct group groups[NPU_OP_COUNT][NDTYPES];
	/* statistics */
	unsigned int stats_checked, stats_bad;
	char stats_first[256];
	int verbose;
	int quiet;		/* a helper process: remember, do not print */
	/* model cost of the jobs that completed, for the device counters */
	struct sums {
		unsigned long long jobs, cycles, macs, rd, wr;
	} sum;
	char first_fail[320];
};

static uint64_t case_seed(uint64_t base, uint64_t k)	/* splitmix64 */
{
	uint64_t z = base + (k + 1) * 0x9e3779b97f4a7c15ull;

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	z ^= z >> 31;
	return z ? z : 1;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static int64_t deadline_ns(int seconds)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((int64_t)ts.tv_sec + seconds) * 1000000000 + ts.tv_nsec;
}

/* The first /dev/accel node whose driver is npu. */
static int open_npu(void)
{
	char link[PATH_MAX], target[PATH_MAX], node[PATH_MAX] = "";
	struct dirent *de;
	DIR *dir = opendir("/sys/class/accel");
	ssize_t n;

	if (!dir)
		return -1;
	while ((de = readdir(dir))) {
		if (strncmp(de->d_name, "accel", 5))
			continue;
		snprintf(link, sizeof(link),
			 "/sys/class/accel/%s/device/driver", de->d_name);
		n = readlink(link, target, sizeof(target) - 1);
		if (n < 0)
			continue;
		target[n] = 0;
		if (strcmp(strrchr(target, '/') + 1, "npu"))
			continue;
		/* lowest minor first: readdir order is arbitrary */
		if (!*node || strcmp(de->d_name, node + 11) < 0)
			snprintf(node, sizeof(node), "/dev/accel/%s",
				 de->d_name);
	}
	closedir(dir);
	if (!*node) {
		errno = ENODEV;
		return -1;
	}
	return open(node, O_RDWR | O_CLOEXEC);
}

static int bo_create(int fd, uint64_t size, uint32_t flags, uint32_t *handle,
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

static int set_init(int fd, struct set *s)
{
	int r;

	memset(s, 0, sizeof(*s));
	r = bo_create(fd, DATA_SIZE, 0, &s->data, &s->data_va,
		      (void **)&s->data_map);
	if (!r)
		r = bo_create(fd, BATCH * CS_SLOT, DRM_NPU_BO_DEVICE_READ_ONLY,
			      &s->cmd, NULL, (void **)&s->cmd_map);
	if (!r)
		r = bo_create(fd, BATCH * sizeof(struct drm_npu_job_stats), 0,
			      &s->stats, NULL, (void **)&s->stats_map);
	if (!r && drmSyncobjCreate(fd, 0, &s->sync))
		r = -errno;
	return r;
}

static uint32_t op_by_name(const char *name)
{
	uint32_t op;

	for (op = 0; op < NPU_OP_COUNT; op++)
		if (!strcasecmp(name, npu_fw_op_name(op)))
			return op;
	op = (uint32_t)strtoul(name, NULL, 0);
	return op && op < NPU_OP_COUNT ? op : UINT32_MAX;
}

static const char *dtype_name(unsigned int t)
{
	static const char *const names[NDTYPES] = {
		"?", "int8", "int16", "int32", "int64", "uint8",
	};

	return t < NDTYPES ? names[t] : "?";
}

/* Every parameter structure starts with a tensor (input or input1):
 * its dtype names the form of the op. */
static uint8_t job_dtype(const struct npu_host_rjob *job)
{
	uint32_t w = NPU_CS_HDR_WORDS(job->cs[0]);
	struct npu_tensor t;

	if (w + 1 + sizeof(t) / 4 > job->cs_size / 4)
		return 0;
	memcpy(&t, &job->cs[w + 1], sizeof(t));
	return t.dtype < NDTYPES ? t.dtype : 0;
}

static void case_fail(struct run *r, const struct slot *sl, const char *why)
{
	struct group *g = &r->groups[sl->job.opcode][sl->dtype];

	g->failed++;
	r->failed_cases++;
	if (r->quiet) {
		if (!r->first_fail[0])
			snprintf(r->first_fail, sizeof(r->first_fail),
				 "seed %#" PRIx64 " %s %s: %s", sl->seed,
				 npu_fw_op_name(sl->job.opcode),
				 dtype_name(sl->dtype), why);
		return;
	}
	if (r->reports++ < MAX_REPORTS)
		tap_fail(why, "seed %#" PRIx64 " %s %s", sl->seed,
			 npu_fw_op_name(sl->job.opcode), dtype_name(sl->dtype));
	else if (r->reports == MAX_REPORTS + 1)
		tap_diag("further failing cases are only counted");
}

/* Generates the next cases into @s: buffers, streams, expectations. */
static void fill(struct run *r, struct set *s)
{
	uint32_t off = 0;

	s->n = 0;
	while (s->n < BATCH && r->next < r->ncases) {
		struct slot *sl = &s->slots[s->n];
		uint32_t op = ops[r->next % NOPS];
		uint64_t seed = case_seed(r->base_seed, r->next), sd = seed;
		int ret;

		memset(sl, 0, sizeof(*sl));
		sl->seed = seed;
		/* Buffers start anywhere 8-byte aligned in a page, so operands
		 * straddle pages at every offset. */
		sl->gap = off;
		off += (uint32_t)(seed >> 40) % 512 * 8;
		ret = npu_host_rjob_make(&sd, op, s->data_va + off, &sl->job);
		if (ret) {
			sl->job.opcode = op;
			r->groups[op][0].cases++;
			case_fail(r, sl, "npu_host_rjob_make failed");
			r->next++;
			continue;
		}
		if (off + sl->job.mem_size > DATA_SIZE ||
		    sl->job.cs_size > CS_SLOT) {
			npu_host_rjob_free(&sl->job);
			if (s->n)
				break;	/* first of the next batch */
			sl->job.opcode = op;
			r->groups[op][0].cases++;
			case_fail(r, sl, "job larger than the test's buffers");
			r->next++;
			continue;
		}
		sl->off = off;
		sl->dtype = job_dtype(&sl->job);
		memset(s->data_map + sl->gap, GUARD, off - sl->gap);
		memcpy(s->data_map + off, sl->job.mem, sl->job.mem_size);
		memcpy(s->cmd_map + s->n * CS_SLOT, sl->job.cs,
		       sl->job.cs_size);
		memset(&s->stats_map[s->n], 0xa5, sizeof(s->stats_map[0]));
		sl->expect = malloc(sl->job.mem_size);
		if (sl->expect && npu_host_rjob_expect(&sl->job,
						       s->data_va + off,
						       sl->expect)) {
			free(sl->expect);
			sl->expect = NULL;
		}
		sl->est_ret = npu_fw_estimate_stream(NULL, sl->job.cs,
						     sl->job.cs_size, &sl->est);
		off += sl->job.mem_size;
		s->n++;
		r->next++;
	}
}

static int submit(struct run *r, struct set *s)
{
	struct drm_npu_bo_ref ref = {
		.handle = s->data,
		.flags = DRM_NPU_BO_REF_READ | DRM_NPU_BO_REF_WRITE,
	};
	struct drm_npu_job jobs[BATCH];
	struct drm_npu_submit sub = {
		.jobs = (uintptr_t)jobs, .job_count = s->n,
		.job_stride = sizeof(jobs[0]),
		.priority = DRM_NPU_PRIORITY_NORMAL,
	};
	unsigned int i;

	memset(jobs, 0, sizeof(jobs));
	for (i = 0; i < s->n; i++) {
		jobs[i].cmd_bo = s->cmd;
		jobs[i].cmd_offset = i * CS_SLOT;
		jobs[i].cmd_size = s->slots[i].job.cs_size;
		jobs[i].bo_refs = (uintptr_t)&ref;
		jobs[i].bo_ref_count = 1;
		jobs[i].stats_bo = s->stats;
		jobs[i].stats_offset = i * sizeof(struct drm_npu_job_stats);
	}
	/* Jobs of one file run in order: the last one's fence ends all. */
	jobs[s->n - 1].out_sync = s->sync;
	drmSyncobjReset(r->fd, &s->sync, 1);
	return drmIoctl(r->fd, DRM_IOCTL_NPU_SUBMIT, &sub) ? -errno : 0;
}

static void check_stats(struct run *r, const struct slot *sl,
			const struct drm_npu_job_stats *st)
{
	char buf[256];

	if (sl->est_ret) {
		snprintf(buf, sizeof(buf), "npu_fw_estimate_stream: %d",
			 sl->est_ret);
	} else if (st->cycles != sl->est.cycles || st->macs != sl->est.macs ||
		   st->dram_read_bytes != sl->est.dram_read_bytes ||
		   st->dram_write_bytes != sl->est.dram_write_bytes) {
		snprintf(buf, sizeof(buf),
			 "seed %#" PRIx64 " %s: cycles %llu/%llu macs %llu/%llu read %llu/%llu write %llu/%llu (device/model)",
			 sl->seed, npu_fw_op_name(sl->job.opcode),
			 (unsigned long long)st->cycles,
			 (unsigned long long)sl->est.cycles,
			 (unsigned long long)st->macs,
			 (unsigned long long)sl->est.macs,
			 (unsigned long long)st->dram_read_bytes,
			 (unsigned long long)sl->est.dram_read_bytes,
			 (unsigned long long)st->dram_write_bytes,
			 (unsigned long long)sl->est.dram_write_bytes);
	} else if (!st->exec_ns) {
		snprintf(buf, sizeof(buf), "seed %#" PRIx64 " %s: exec_ns 0",
			 sl->seed, npu_fw_op_name(sl->job.opcode));
	} else {
		r->stats_checked++;
		return;
	}
	r->stats_checked++;
	if (!r->stats_bad++)
		snprintf(r->stats_first, sizeof(r->stats_first), "%s", buf);
}

/* 0 when the job buffer, and the guard bytes before it, hold what the
 * host computed; otherwise -1 with the first difference in @why. */
static int compare_slot(const struct slot *sl, const uint8_t *data_map,
			char *why, size_t len)
{
	const uint8_t *got = data_map + sl->off;
	uint32_t k;

	for (k = sl->gap; k < sl->off; k++) {
		if (data_map[k] != GUARD) {
			snprintf(why, len,
				 "guard byte %u before the buffer written: %#04x",
				 sl->off - k, data_map[k]);
			return -1;
		}
	}
	for (k = 0; k < sl->job.mem_size; k++)
		if (got[k] != sl->expect[k])
			break;
	if (k == sl->job.mem_size)
		return 0;
	if (k >= sl->job.out_offset &&
	    k < sl->job.out_offset + sl->job.out_size)
		snprintf(why, len,
			 "output byte %u of %u differs: device %#04x, host %#04x",
			 k - sl->job.out_offset, sl->job.out_size, got[k],
			 sl->expect[k]);
	else
		snprintf(why, len,
			 "buffer byte %u outside the output [%u, +%u) differs: device %#04x, host %#04x",
			 k, sl->job.out_offset, sl->job.out_size, got[k],
			 sl->expect[k]);
	return -1;
}

static void add_cost(struct sums *s, const struct npu_fw_cost *c)
{
	s->jobs++;
	s->cycles += c->cycles;
	s->macs += c->macs;
	s->rd += c->dram_read_bytes;
	s->wr += c->dram_write_bytes;
}

/* Compares one finished job with the host library. */
static void check_case(struct run *r, struct set *s, unsigned int i)
{
	struct slot *sl = &s->slots[i];
	const struct drm_npu_job_stats *st = &s->stats_map[i];
	char why[256];

	r->groups[sl->job.opcode][sl->dtype].cases++;
	if (!sl->expect) {
		case_fail(r, sl, "npu_host_rjob_expect failed on the host");
		return;
	}
	if (st->status) {
		snprintf(why, sizeof(why), "job status %d", st->status);
		case_fail(r, sl, why);
		return;
	}
	check_stats(r, sl, st);
	add_cost(&r->sum, &sl->est);
	if (compare_slot(sl, s->data_map, why, sizeof(why))) {
		case_fail(r, sl, why);
		return;
	}
	if (!memcmp(sl->expect, sl->job.mem, sl->job.mem_size))
		r->unchanged++;
	if (r->verbose)
		tap_diag("seed %#" PRIx64 " %s %s: %u bytes equal", sl->seed,
			 npu_fw_op_name(sl->job.opcode), dtype_name(sl->dtype),
			 sl->job.mem_size);
}

static void set_release(struct set *s)
{
	unsigned int i;

	for (i = 0; i < s->n; i++) {
		free(s->slots[i].expect);
		npu_host_rjob_free(&s->slots[i].job);
	}
	s->n = 0;
}

/* Waits for the batch, then compares every job of it. */
static void finish(struct run *r, struct set *s, int submit_ret)
{
	struct drm_npu_bo_wait w = { .handle = s->data };
	char why[128];
	unsigned int i;
	int ret = submit_ret;

	if (!ret && drmSyncobjWait(r->fd, &s->sync, 1, deadline_ns(WAIT_S), 0,
				   NULL))
		ret = -errno;
	/* The data BO is idle once the last job's fence signalled. */
	if (!ret && drmIoctl(r->fd, DRM_IOCTL_NPU_BO_WAIT, &w))
		ret = -errno;
	for (i = 0; i < s->n; i++) {
		if (ret) {
			r->groups[s->slots[i].job.opcode][s->slots[i].dtype].cases++;
			snprintf(why, sizeof(why), "%s: %s",
				 submit_ret ? "SUBMIT" : "wait", strerror(-ret));
			case_fail(r, &s->slots[i], why);
		} else {
			check_case(r, s, i);
		}
	}
	set_release(s);
}

static int is_listed(uint32_t op)
{
	unsigned int i;

	for (i = 0; i < NOPS; i++)
		if (ops[i] == op)
			return 1;
	return 0;
}

/* Does each op's form have cases?  (int8 and int16 for the arithmetic
 * ops, the four element sizes for data movement, int8 COPY.) */
static unsigned int expected_forms(uint32_t op)
{
	const unsigned int s8 = 1u << NPU_DTYPE_INT8, s16 = 1u << NPU_DTYPE_INT16;

	switch (op) {
	case NPU_OP_PAD:
	case NPU_OP_TRANSPOSE:
	case NPU_OP_CONCAT:
	case NPU_OP_STRIDED_SLICE:
		return s8 | s16 | 1u << NPU_DTYPE_INT32 | 1u << NPU_DTYPE_UINT8;
	case NPU_OP_COPY:
		return s8;
	default:
		return s8 | s16;
	}
}

static int run_one(int fd, uint64_t seed, uint32_t op)
{
	struct run *r = calloc(1, sizeof(*r));
	struct set *s = calloc(1, sizeof(*s));
	const struct slot *sl;
	int ret;

	if (!r || !s)
		tap_bail("out of memory");
	r->fd = fd;
	r->verbose = 1;
	ret = set_init(fd, s);
	if (ret)
		tap_bail("buffers: %s", strerror(-ret));
	/* case_seed() is not invertible: build the slot by hand */
	s->slots[0].seed = seed;
	if (npu_host_rjob_make(&(uint64_t){ seed }, op, s->data_va,
			       &s->slots[0].job))
		tap_bail("npu_host_rjob_make(%#" PRIx64 ", %s) failed", seed,
			 npu_fw_op_name(op));
	sl = &s->slots[0];
	s->slots[0].dtype = job_dtype(&sl->job);
	tap_diag("seed %#" PRIx64 " %s %s: buffer %u bytes at %#" PRIx64
		 ", output [%u, +%u), stream %u bytes", seed,
		 npu_fw_op_name(op), dtype_name(sl->dtype), sl->job.mem_size,
		 s->data_va, sl->job.out_offset, sl->job.out_size,
		 sl->job.cs_size);
	memcpy(s->data_map, sl->job.mem, sl->job.mem_size);
	memcpy(s->cmd_map, sl->job.cs, sl->job.cs_size);
	memset(s->stats_map, 0xa5, sizeof(s->stats_map[0]));
	s->slots[0].expect = malloc(sl->job.mem_size);
	if (npu_host_rjob_expect(&sl->job, s->data_va, s->slots[0].expect)) {
		free(s->slots[0].expect);
		s->slots[0].expect = NULL;
	}
	s->slots[0].est_ret = npu_fw_estimate_stream(NULL, sl->job.cs,
						     sl->job.cs_size,
						     &s->slots[0].est);
	s->n = 1;
	finish(r, s, submit(r, s));
	tap_ok(!r->failed_cases, "seed %#" PRIx64 " %s equals the host library",
	       seed, npu_fw_op_name(op));
	tap_ok(!r->stats_bad, "job statistics equal the cycle model%s%s",
	       r->stats_bad ? ": " : "", r->stats_first);
	free(s);
	free(r);
	return tap_finish();
}

/* ------------------------------------------------------------------------
 * Multi-command jobs: one random command of every opcode in each stream,
 * their buffers alternating between two BOs the job lists, so the command
 * processor runs a long stream over several buffers.  The commands touch
 * disjoint buffers, so each expectation is its own single-op run.
 */
#define MULTI_JOBS	8
#define MULTI_DATA	(4u << 20)
#define MULTI_CS	8192

struct multi {
	uint32_t data[2], cmd, stats, sync;
	uint64_t data_va[2];
	uint8_t *data_map[2], *cmd_map;
	struct drm_npu_job_stats *stats_map;
	struct slot slots[MULTI_JOBS * NOPS];
	uint8_t bo_of[MULTI_JOBS * NOPS];
	uint32_t cs_size[MULTI_JOBS];
	struct npu_fw_cost est[MULTI_JOBS];
	unsigned int n, first[MULTI_JOBS + 1];
};

static void run_multi(struct run *r)
{
	struct multi *m = calloc(1, sizeof(*m));
	struct drm_npu_bo_ref refs[2];
	struct drm_npu_job jobs[MULTI_JOBS];
	struct drm_npu_submit sub = {
		.jobs = (uintptr_t)jobs, .job_count = MULTI_JOBS,
		.job_stride = sizeof(jobs[0]),
		.priority = DRM_NPU_PRIORITY_NORMAL,
	};
	uint32_t off[2] = { 0, 0 };
	unsigned int j, o, i, bad = 0, commands = 0;
	char why[256] = "";
	int ret = 0;

	if (!m)
		tap_bail("out of memory");
	for (i = 0; i < 2 && !ret; i++)
		ret = bo_create(r->fd, MULTI_DATA, 0, &m->data[i],
				&m->data_va[i], (void **)&m->data_map[i]);
	if (!ret)
		ret = bo_create(r->fd, MULTI_JOBS * MULTI_CS,
				DRM_NPU_BO_DEVICE_READ_ONLY, &m->cmd, NULL,
				(void **)&m->cmd_map);
	if (!ret)
		ret = bo_create(r->fd, 4096, 0, &m->stats, NULL,
				(void **)&m->stats_map);
	if (!ret && drmSyncobjCreate(r->fd, 0, &m->sync))
		ret = -errno;
	if (ret) {
		tap_fail(strerror(-ret), "multi-command jobs: buffers");
		free(m);
		return;
	}
	for (i = 0; i < 2; i++)
		refs[i] = (struct drm_npu_bo_ref){
			.handle = m->data[i],
			.flags = DRM_NPU_BO_REF_READ | DRM_NPU_BO_REF_WRITE,
		};

	memset(jobs, 0, sizeof(jobs));
	for (j = 0; j < MULTI_JOBS; j++) {
		uint32_t *cs = (uint32_t *)(m->cmd_map + j * MULTI_CS);
		uint32_t words = 0;

		m->first[j] = m->n;
		for (o = 0; o < NOPS; o++) {
			struct slot *sl = &m->slots[m->n];
			unsigned int b = (j + o) % 2;
			uint64_t k = 1000000 + j * NOPS + o;
			uint64_t sd;
			uint32_t hw, body;

			memset(sl, 0, sizeof(*sl));
			sl->seed = case_seed(r->base_seed, k);
			sd = sl->seed;
			sl->gap = off[b];
			off[b] += (uint32_t)(sl->seed >> 40) % 512 * 8;
			if (npu_host_rjob_make(&sd, ops[o], m->data_va[b] + off[b],
					       &sl->job)) {
				snprintf(why, sizeof(why),
					 "npu_host_rjob_make(%#" PRIx64 ", %s) failed",
					 sl->seed, npu_fw_op_name(ops[o]));
				goto out;
			}
			hw = NPU_CS_HDR_WORDS(sl->job.cs[0]);
			body = sl->job.cs_size / 4 - hw;
			if (off[b] + sl->job.mem_size > MULTI_DATA ||
			    (words + hw + body) * 4 > MULTI_CS) {
				npu_host_rjob_free(&sl->job);
				break;	/* this job is full */
			}
			sl->off = off[b];
			sl->dtype = job_dtype(&sl->job);
			m->bo_of[m->n] = (uint8_t)b;
			memset(m->data_map[b] + sl->gap, GUARD, sl->off - sl->gap);
			memcpy(m->data_map[b] + sl->off, sl->job.mem,
			       sl->job.mem_size);
			sl->expect = malloc(sl->job.mem_size);
			if (!sl->expect ||
			    npu_host_rjob_expect(&sl->job, m->data_va[b] + sl->off,
						 sl->expect)) {
				snprintf(why, sizeof(why),
					 "npu_host_rjob_expect(%#" PRIx64 ", %s) failed",
					 sl->seed, npu_fw_op_name(ops[o]));
				m->n++;
				goto out;
			}
			/* one STREAM command, then every op's command */
			if (!words) {
				memcpy(cs, sl->job.cs, hw * 4);
				words = hw;
			}
			memcpy(cs + words, sl->job.cs + hw, body * 4);
			words += body;
			off[b] += sl->job.mem_size;
			m->n++;
		}
		m->cs_size[j] = words * 4;
		if (npu_fw_estimate_stream(NULL, cs, words * 4, &m->est[j])) {
			snprintf(why, sizeof(why), "job %u: stream invalid", j);
			goto out;
		}
		memset(&m->stats_map[j], 0xa5, sizeof(m->stats_map[j]));
		jobs[j].cmd_bo = m->cmd;
		jobs[j].cmd_offset = j * MULTI_CS;
		jobs[j].cmd_size = words * 4;
		jobs[j].bo_refs = (uintptr_t)refs;
		jobs[j].bo_ref_count = 2;
		jobs[j].stats_bo = m->stats;
		jobs[j].stats_offset = j * sizeof(struct drm_npu_job_stats);
	}
	m->first[MULTI_JOBS] = m->n;
	jobs[MULTI_JOBS - 1].out_sync = m->sync;

	if (drmIoctl(r->fd, DRM_IOCTL_NPU_SUBMIT, &sub)) {
		snprintf(why, sizeof(why), "SUBMIT: %s", strerror(errno));
		goto out;
	}
	if (drmSyncobjWait(r->fd, &m->sync, 1, deadline_ns(WAIT_S), 0, NULL)) {
		snprintf(why, sizeof(why), "wait: %s", strerror(errno));
		goto out;
	}
	for (j = 0; j < MULTI_JOBS; j++) {
		const struct drm_npu_job_stats *st = &m->stats_map[j];

		if (st->status) {
			snprintf(why, sizeof(why), "job %u: status %d", j,
				 st->status);
			goto out;
		}
		add_cost(&r->sum, &m->est[j]);
		if (st->cycles != m->est[j].cycles ||
		    st->macs != m->est[j].macs ||
		    st->dram_read_bytes != m->est[j].dram_read_bytes ||
		    st->dram_write_bytes != m->est[j].dram_write_bytes) {
			snprintf(why, sizeof(why),
				 "job %u: statistics: cycles %llu/%llu macs %llu/%llu (device/model)",
				 j, (unsigned long long)st->cycles,
				 (unsigned long long)m->est[j].cycles,
				 (unsigned long long)st->macs,
				 (unsigned long long)m->est[j].macs);
			goto out;
		}
		for (i = m->first[j]; i < m->first[j + 1]; i++) {
			char cwhy[200];

			commands++;
			if (compare_slot(&m->slots[i], m->data_map[m->bo_of[i]],
					 cwhy, sizeof(cwhy))) {
				snprintf(why, sizeof(why), "job %u command %u: %s",
					 j, i - m->first[j] + 1, cwhy);
				r->groups[m->slots[i].job.opcode][m->slots[i].dtype].cases++;
				case_fail(r, &m->slots[i], why);
				bad++;
			}
		}
	}
	if (bad)
		snprintf(why, sizeof(why), "%u commands differ", bad);
out:
	if (*why)
		tap_fail(why, "multi-command jobs (%u jobs, %u commands)",
			 MULTI_JOBS, m->n);
	else
		tap_ok(commands == m->n && m->n >= MULTI_JOBS * 2,
		       "%u multi-command jobs, %u commands over two buffers: equal the host library",
		       MULTI_JOBS, commands);
	for (i = 0; i < m->n; i++) {
		free(m->slots[i].expect);
		npu_host_rjob_free(&m->slots[i].job);
	}
	free(m);
}

/* ------------------------------------------------------------------------
 * Large operands.  The generator keeps shapes small; these few hand-made
 * jobs move megabytes (hundreds of pages per operand, scratch larger than
 * the SRAM) with the weights and inputs in a device-read-only buffer and
 * the output in another, as the runtime lays models out.  The expectation
 * is npu_fw_run() on the host over the same three address ranges.
 */
#define BIG_IN		(4u << 20)
#define BIG_OUT		(4u << 20)

struct big {
	int fd;
	uint32_t in, out, cmd, stats, sync;
	uint64_t in_va, out_va, cmd_va;
	uint8_t *in_map, *out_map, *cmd_map;
	struct drm_npu_job_stats *stats_map;
	/* the case being built */
	uint64_t seed;
	uint32_t in_off;
	union {
		struct npu_conv_params conv;
		struct npu_fc_params fc;
		struct npu_eltwise_params elt;
		struct npu_pool_params pool;
		struct npu_mean_params mean;
		struct npu_pad_params pad;
		struct npu_transpose_params tr;
		struct npu_concat_params cat;
		struct npu_slice_params sl;
		struct npu_copy_params copy;
		struct npu_lut_params lut;
		struct npu_leaky_relu_params lr;
	} p;
	uint32_t out_size;
};

static uint32_t big_rnd(struct big *b)
{
	b->seed ^= b->seed >> 12;
	b->seed ^= b->seed << 25;
	b->seed ^= b->seed >> 27;
	return (uint32_t)((b->seed * 0x2545f4914f6cdd1dull) >> 32);
}

/* Random input bytes in the read-only buffer; returns the NPU address. */
static uint64_t big_in(struct big *b, uint32_t bytes, int fill)
{
	uint64_t va = b->in_va + b->in_off;
	uint32_t i;

	if (fill)
		for (i = 0; i < bytes; i++)
			b->in_map[b->in_off + i] = (uint8_t)big_rnd(b);
	b->in_off += (bytes + 63) & ~63u;
	return va;
}

static void big_tensor_in(struct big *b, struct npu_tensor *t, uint8_t dtype,
			  int32_t zp, uint32_t rank, const uint32_t *dims)
{
	npu_tensor_set(t, 0, dtype, zp, rank, dims);
	t->addr = big_in(b, (uint32_t)npu_tensor_bytes(t), 1);
}

static void big_tensor_out(struct big *b, struct npu_tensor *t, uint8_t dtype,
			   int32_t zp, uint32_t rank, const uint32_t *dims)
{
	npu_tensor_set(t, b->out_va, dtype, zp, rank, dims);
	b->out_size = (uint32_t)npu_tensor_bytes(t);
}

/* Per-channel requantization around @real (TFLite's multipliers), with
 * a bias of @bias_es bytes per channel. */
static void big_requant(struct big *b, struct npu_requant *rq, uint32_t ch,
			double real, uint32_t bias_es, int64_t bias_max)
{
	int32_t *mult, *shift;
	uint32_t c;

	memset(rq, 0, sizeof(*rq));
	rq->count = ch;
	rq->mult_addr = big_in(b, ch * 4, 0);
	rq->shift_addr = big_in(b, ch * 4, 0);
	mult = (int32_t *)(b->in_map + (rq->mult_addr - b->in_va));
	shift = (int32_t *)(b->in_map + (rq->shift_addr - b->in_va));
	for (c = 0; c < ch; c++) {
		int s;

		npu_host_quantize_multiplier(real * (0.75 + (big_rnd(b) % 512) / 1024.0),
					     &mult[c], &s);
		shift[c] = s;
	}
	rq->flags = NPU_RQ_HAS_BIAS;
	rq->bias_addr = big_in(b, ch * bias_es, 0);
	for (c = 0; c < ch; c++) {
		int64_t v = (int64_t)(big_rnd(b) % (2 * (uint64_t)bias_max + 1)) -
			    bias_max;

		memcpy(b->in_map + (rq->bias_addr - b->in_va) + c * bias_es, &v,
		       bias_es);
	}
}

/* Conv-like: accumulator of @taps products of random int8 x int8 (or
 * int16 x int8) has a standard deviation of about 74 * 74 * sqrt(taps)
 * (x 256 for int16); aim the output at a third of the type's range. */
static double acc_scale(uint32_t taps, int s16)
{
	double sd = 74.0 * 74.0 * sqrt((double)taps) * (s16 ? 256 : 1);

	return (s16 ? 10000.0 : 40.0) / sd;
}

enum big_case {
	BIG_CONV_S8, BIG_CONV_S16, BIG_DW_S8, BIG_TCONV_S8, BIG_FC_S8,
	BIG_FC_S16, BIG_ADD_S8, BIG_MUL_S16, BIG_AVG_S8, BIG_MAX_S16,
	BIG_MEAN_S8, BIG_PAD_S16, BIG_TRANSPOSE_S8, BIG_CONCAT_S32,
	BIG_SLICE_U8, BIG_COPY, BIG_LUT_S16, BIG_LEAKY_S8, BIG_COUNT
};

/* Fills the parameters of @c; returns the opcode and a description. */
static uint32_t big_build(struct big *b, enum big_case c, const char **what)
{
	const uint8_t s8 = NPU_DTYPE_INT8, s16 = NPU_DTYPE_INT16;

	memset(&b->p, 0, sizeof(b->p));
	b->in_off = 0;
	switch (c) {
	case BIG_CONV_S8: {
		struct npu_conv_params *p = &b->p.conv;

		*what = "int8 [1,40,40,32] 3x3 SAME -> 32";
		big_tensor_in(b, &p->input, s8, -7, 4, (uint32_t[]){ 1, 40, 40, 32 });
		big_tensor_in(b, &p->filter, s8, 0, 4, (uint32_t[]){ 32, 3, 3, 32 });
		big_requant(b, &p->rq, 32, acc_scale(288, 0), 4, 30000);
		big_tensor_out(b, &p->output, s8, 5, 4, (uint32_t[]){ 1, 40, 40, 32 });
		p->stride_h = p->stride_w = p->dilation_h = p->dilation_w = 1;
		p->pad_top = p->pad_left = 1;
		p->act_min = -128;
		p->act_max = 127;
		return NPU_OP_CONV_2D;
	}
	case BIG_CONV_S16: {
		struct npu_conv_params *p = &b->p.conv;

		*what = "16x8 [1,31,29,16] 5x5 stride 2 dilation 2 -> 24";
		big_tensor_in(b, &p->input, s16, 0, 4, (uint32_t[]){ 1, 31, 29, 16 });
		big_tensor_in(b, &p->filter, s8, 0, 4, (uint32_t[]){ 24, 5, 5, 16 });
		big_requant(b, &p->rq, 24, acc_scale(400, 1), 8, 4000000);
		/* SAME: out = ceil(in / 2); effective kernel 9 */
		big_tensor_out(b, &p->output, s16, 0, 4, (uint32_t[]){ 1, 16, 15, 24 });
		p->stride_h = p->stride_w = 2;
		p->dilation_h = p->dilation_w = 2;
		p->pad_top = 4;		/* ((16-1)*2 + 9 - 31) / 2 */
		p->pad_left = 4;	/* ((15-1)*2 + 9 - 29) / 2 */
		p->act_min = -20000;
		p->act_max = 32767;
		return NPU_OP_CONV_2D;
	}
	case BIG_DW_S8: {
		struct npu_conv_params *p = &b->p.conv;

		*what = "int8 [1,64,64,32] 3x3 x2 VALID";
		big_tensor_in(b, &p->input, s8, 3, 4, (uint32_t[]){ 1, 64, 64, 32 });
		big_tensor_in(b, &p->filter, s8, 0, 4, (uint32_t[]){ 1, 3, 3, 64 });
		big_requant(b, &p->rq, 64, acc_scale(9, 0), 4, 3000);
		big_tensor_out(b, &p->output, s8, -3, 4, (uint32_t[]){ 1, 62, 62, 64 });
		p->stride_h = p->stride_w = p->dilation_h = p->dilation_w = 1;
		p->depth_multiplier = 2;
		p->act_min = 0;		/* fused ReLU */
		p->act_max = 127;
		return NPU_OP_DEPTHWISE_CONV_2D;
	}
	case BIG_TCONV_S8: {
		struct npu_conv_params *p = &b->p.conv;

		*what = "int8 [1,16,16,16] 3x3 stride 2 -> [1,32,32,16]";
		big_tensor_in(b, &p->input, s8, 1, 4, (uint32_t[]){ 1, 16, 16, 16 });
		big_tensor_in(b, &p->filter, s8, 0, 4, (uint32_t[]){ 16, 3, 3, 16 });
		big_requant(b, &p->rq, 16, acc_scale(64, 0), 4, 20000);
		big_tensor_out(b, &p->output, s8, 0, 4, (uint32_t[]){ 1, 32, 32, 16 });
		p->stride_h = p->stride_w = 2;
		p->dilation_h = p->dilation_w = 1;
		p->pad_top = p->pad_left = 0;
		p->act_min = -128;
		p->act_max = 127;
		return NPU_OP_TRANSPOSE_CONV;
	}
	case BIG_FC_S8: {
		struct npu_fc_params *p = &b->p.fc;

		*what = "int8 [4,2048] x [512,2048] (1 MiB of weights)";
		big_tensor_in(b, &p->input, s8, 12, 2, (uint32_t[]){ 4, 2048 });
		big_tensor_in(b, &p->filter, s8, 3, 2, (uint32_t[]){ 512, 2048 });
		big_requant(b, &p->rq, 512, acc_scale(2048, 0), 4, 100000);
		big_tensor_out(b, &p->output, s8, -1, 2, (uint32_t[]){ 4, 512 });
		p->act_min = -128;
		p->act_max = 127;
		return NPU_OP_FULLY_CONNECTED;
	}
	case BIG_FC_S16: {
		struct npu_fc_params *p = &b->p.fc;

		*what = "16x8 [3,1000] x [300,1000]";
		big_tensor_in(b, &p->input, s16, 0, 2, (uint32_t[]){ 3, 1000 });
		big_tensor_in(b, &p->filter, s8, 0, 2, (uint32_t[]){ 300, 1000 });
		big_requant(b, &p->rq, 300, acc_scale(1000, 1), 8, 40000000);
		big_tensor_out(b, &p->output, s16, 0, 2, (uint32_t[]){ 3, 300 });
		p->act_min = -32768;
		p->act_max = 32767;
		return NPU_OP_FULLY_CONNECTED;
	}
	case BIG_ADD_S8: {
		struct npu_eltwise_params *p = &b->p.elt;

		*what = "int8 [1,128,128,16] + [1,1,128,16]";
		big_tensor_in(b, &p->input1, s8, 10, 4, (uint32_t[]){ 1, 128, 128, 16 });
		big_tensor_in(b, &p->input2, s8, -20, 4, (uint32_t[]){ 1, 1, 128, 16 });
		big_tensor_out(b, &p->output, s8, 4, 4, (uint32_t[]){ 1, 128, 128, 16 });
		npu_host_add_sub_params(0.05f, 0.03f, 0.07f, s8, p);
		p->act_min = -128;
		p->act_max = 127;
		return NPU_OP_ADD;
	}
	case BIG_MUL_S16: {
		struct npu_eltwise_params *p = &b->p.elt;

		*what = "int16 [2,64,64,8] * [2,64,1,8]";
		big_tensor_in(b, &p->input1, s16, 0, 4, (uint32_t[]){ 2, 64, 64, 8 });
		big_tensor_in(b, &p->input2, s16, 0, 4, (uint32_t[]){ 2, 64, 1, 8 });
		big_tensor_out(b, &p->output, s16, 0, 4, (uint32_t[]){ 2, 64, 64, 8 });
		npu_host_mul_params(1.0f / 4096, 1.0f / 4096, 1.0f / 512, p);
		p->act_min = -32768;
		p->act_max = 32767;
		return NPU_OP_MUL;
	}
	case BIG_AVG_S8: {
		struct npu_pool_params *p = &b->p.pool;

		*what = "int8 [1,96,96,16] 3x3 stride 2 SAME";
		big_tensor_in(b, &p->input, s8, 9, 4, (uint32_t[]){ 1, 96, 96, 16 });
		big_tensor_out(b, &p->output, s8, 9, 4, (uint32_t[]){ 1, 48, 48, 16 });
		p->filter_h = p->filter_w = 3;
		p->stride_h = p->stride_w = 2;
		p->pad_top = p->pad_left = 0;	/* ((48-1)*2 + 3 - 96) / 2 */
		p->act_min = -128;
		p->act_max = 127;
		return NPU_OP_AVERAGE_POOL_2D;
	}
	case BIG_MAX_S16: {
		struct npu_pool_params *p = &b->p.pool;

		*what = "int16 [1,64,64,16] 2x2 stride 2";
		big_tensor_in(b, &p->input, s16, 0, 4, (uint32_t[]){ 1, 64, 64, 16 });
		big_tensor_out(b, &p->output, s16, 0, 4, (uint32_t[]){ 1, 32, 32, 16 });
		p->filter_h = p->filter_w = 2;
		p->stride_h = p->stride_w = 2;
		p->act_min = -32768;
		p->act_max = 30000;
		return NPU_OP_MAX_POOL_2D;
	}
	case BIG_MEAN_S8: {
		struct npu_mean_params *p = &b->p.mean;

		*what = "int8 [2,48,48,32] over H, W";
		big_tensor_in(b, &p->input, s8, -4, 4, (uint32_t[]){ 2, 48, 48, 32 });
		big_tensor_out(b, &p->output, s8, 2, 4, (uint32_t[]){ 2, 1, 1, 32 });
		npu_host_mean_params(0.1f, 0.02f, p);
		p->axis_mask = 0x6;
		return NPU_OP_MEAN;
	}
	case BIG_PAD_S16: {
		struct npu_pad_params *p = &b->p.pad;

		*what = "int16 [1,100,100,8] + (0,2,3,0)/(0,1,4,0)";
		big_tensor_in(b, &p->input, s16, 0, 4, (uint32_t[]){ 1, 100, 100, 8 });
		big_tensor_out(b, &p->output, s16, 0, 4, (uint32_t[]){ 1, 103, 107, 8 });
		p->before[1] = 2;
		p->before[2] = 3;
		p->pad_value = -1234;
		return NPU_OP_PAD;
	}
	case BIG_TRANSPOSE_S8: {
		struct npu_transpose_params *p = &b->p.tr;

		*what = "int8 [64,96,128] perm (2,0,1)";
		big_tensor_in(b, &p->input, s8, 0, 3, (uint32_t[]){ 64, 96, 128 });
		big_tensor_out(b, &p->output, s8, 0, 3, (uint32_t[]){ 128, 64, 96 });
		p->perm[0] = 2;
		p->perm[1] = 0;
		p->perm[2] = 1;
		return NPU_OP_TRANSPOSE;
	}
	case BIG_CONCAT_S32: {
		struct npu_concat_params *p = &b->p.cat;

		*what = "int32 [1,64,64,16] at 16 of [1,64,64,48]";
		big_tensor_in(b, &p->input, NPU_DTYPE_INT32, 0, 4,
			      (uint32_t[]){ 1, 64, 64, 16 });
		big_tensor_out(b, &p->output, NPU_DTYPE_INT32, 0, 4,
			       (uint32_t[]){ 1, 64, 64, 48 });
		p->axis = 3;
		p->offset = 16;
		return NPU_OP_CONCAT;
	}
	case BIG_SLICE_U8: {
		struct npu_slice_params *p = &b->p.sl;

		*what = "uint8 [1,256,256,4] [0,255:-2,0:3,3:-1]";
		big_tensor_in(b, &p->input, NPU_DTYPE_UINT8, 0, 4,
			      (uint32_t[]){ 1, 256, 256, 4 });
		big_tensor_out(b, &p->output, NPU_DTYPE_UINT8, 0, 4,
			       (uint32_t[]){ 1, 128, 86, 4 });
		p->begin[1] = 255;
		p->begin[3] = 3;
		p->strides[0] = 1;
		p->strides[1] = -2;
		p->strides[2] = 3;
		p->strides[3] = -1;
		return NPU_OP_STRIDED_SLICE;
	}
	case BIG_COPY: {
		struct npu_copy_params *p = &b->p.copy;

		*what = "int8 [3,1024,1024] -> [768,4096] (3 MiB)";
		big_tensor_in(b, &p->input, s8, 0, 3, (uint32_t[]){ 3, 1024, 1024 });
		big_tensor_out(b, &p->output, s8, 0, 2, (uint32_t[]){ 768, 4096 });
		return NPU_OP_COPY;
	}
	case BIG_LUT_S16: {
		struct npu_lut_params *p = &b->p.lut;
		int16_t table[513];

		*what = "int16 [1,128,128,8] logistic table";
		big_tensor_in(b, &p->input, s16, 0, 4, (uint32_t[]){ 1, 128, 128, 8 });
		npu_host_lut_s16(8.0f / 32768, 0, 1.0f / 32768, 0,
				 npu_host_logistic, table);
		p->table_addr = big_in(b, sizeof(table), 0);
		memcpy(b->in_map + (p->table_addr - b->in_va), table,
		       sizeof(table));
		big_tensor_out(b, &p->output, s16, 0, 4, (uint32_t[]){ 1, 128, 128, 8 });
		p->function = NPU_LUT_LOGISTIC;
		return NPU_OP_LUT;
	}
	case BIG_LEAKY_S8: {
		struct npu_leaky_relu_params *p = &b->p.lr;

		*what = "int8 [1,256,256,8] alpha 0.2";
		big_tensor_in(b, &p->input, s8, 6, 4, (uint32_t[]){ 1, 256, 256, 8 });
		big_tensor_out(b, &p->output, s8, -6, 4, (uint32_t[]){ 1, 256, 256, 8 });
		npu_host_leaky_relu_params(0.04f, 0.03f, 0.2f, p);
		return NPU_OP_LEAKY_RELU;
	}
	default:
		return 0;
	}
}

/* Host execution over the three ranges the device job sees. */
struct big_mem {
	const struct big *b;
	uint8_t *in, *out;
	uint32_t cs_size;
};

static int big_access(void *ctx, uint64_t va, void *buf, uint32_t len,
		      int write, uint64_t *fault)
{
	struct big_mem *m = ctx;
	const struct big *b = m->b;
	uint8_t *p = NULL;

	if (!write && va >= b->cmd_va && va - b->cmd_va + len <= m->cs_size)
		p = b->cmd_map + (va - b->cmd_va);
	else if (!write && va >= b->in_va && va - b->in_va + len <= BIG_IN)
		p = m->in + (va - b->in_va);
	else if (va >= b->out_va && va - b->out_va + len <= BIG_OUT)
		p = m->out + (va - b->out_va);
	if (!p) {
		*fault = va;
		return -1;
	}
	if (write)
		memcpy(p, buf, len);
	else
		memcpy(buf, p, len);
	return 0;
}

static int big_read(void *ctx, uint64_t va, void *dst, uint32_t len,
		    uint64_t *fault)
{
	return big_access(ctx, va, dst, len, 0, fault);
}

static int big_write(void *ctx, uint64_t va, const void *src, uint32_t len,
		     uint64_t *fault)
{
	return big_access(ctx, va, (void *)src, len, 1, fault);
}

static void *big_alloc(void *ctx, size_t size)
{
	(void)ctx;
	return malloc(size);
}

static void big_free(void *ctx, void *ptr)
{
	(void)ctx;
	free(ptr);
}

/* Saturated or constant outputs would hide a wrong multiplier. */
static unsigned int distinct_bytes(const uint8_t *p, uint32_t n)
{
	uint8_t seen[256] = { 0 };
	unsigned int count = 0;
	uint32_t i;

	for (i = 0; i < n; i++) {
		count += !seen[p[i]];
		seen[p[i]] = 1;
	}
	return count;
}

/* Runs one large case; "" or the reason it failed in @why. */
static void big_case(struct big *b, enum big_case c, char *why, size_t len,
		     const char **what, uint32_t *opcode, struct sums *sum)
{
	struct big_mem m = { .b = b };
	struct npu_fw_env env = { .ctx = &m, .dma_read = big_read,
				  .dma_write = big_write, .alloc = big_alloc,
				  .free = big_free };
	struct drm_npu_bo_ref refs[2] = {
		{ .handle = b->in, .flags = DRM_NPU_BO_REF_READ },
		{ .handle = b->out, .flags = DRM_NPU_BO_REF_WRITE },
	};
	struct drm_npu_job job = {
		.cmd_bo = b->cmd, .bo_refs = (uintptr_t)refs,
		.bo_ref_count = 2, .out_sync = b->sync, .stats_bo = b->stats,
	};
	struct drm_npu_submit sub = {
		.jobs = (uintptr_t)&job, .job_count = 1,
		.job_stride = sizeof(job), .priority = DRM_NPU_PRIORITY_NORMAL,
	};
	const struct drm_npu_job_stats *st = b->stats_map;
	struct npu_cs_writer w;
	struct npu_fw_result res;
	struct npu_fw_cost est = { 0 };
	const char *reason = NULL;
	uint32_t span, k;

	*why = 0;
	b->seed = case_seed(DEFAULT_SEED, 100000 + c);
	*opcode = big_build(b, c, what);
	span = b->out_size + 4096;	/* the output and a page of guard */
	if (npu_fw_check_op(*opcode, &b->p, sizeof(b->p),
			    NPU_FW_CHECK_HW_LIMITS, &reason)) {
		snprintf(why, len, "test case outside the limits: %s", reason);
		return;
	}
	npu_cs_init(&w, b->cmd_map, 4096);
	npu_cs_emit(&w, *opcode, &b->p);
	job.cmd_size = npu_cs_bytes(&w);
	m.cs_size = job.cmd_size;
	memset(b->out_map, GUARD, span);
	memset((void *)st, 0xa5, sizeof(*st));
	drmSyncobjReset(b->fd, &b->sync, 1);
	if (drmIoctl(b->fd, DRM_IOCTL_NPU_SUBMIT, &sub)) {
		snprintf(why, len, "SUBMIT: %s", strerror(errno));
		return;
	}
	/* The expectation, while the device works. */
	m.in = malloc(BIG_IN);
	m.out = malloc(BIG_OUT);
	if (!m.in || !m.out)
		tap_bail("out of memory");
	memcpy(m.in, b->in_map, b->in_off);
	memset(m.out, GUARD, span);
	if (npu_fw_run(&env, b->cmd_va, job.cmd_size, &res))
		snprintf(why, len, "npu_fw_run on the host: status %u error %d",
			 res.status, res.error);
	npu_fw_estimate_stream(NULL, b->cmd_map, job.cmd_size, &est);
	if (drmSyncobjWait(b->fd, &b->sync, 1, deadline_ns(WAIT_S), 0, NULL)) {
		snprintf(why, len, "wait: %s", strerror(errno));
		goto out;
	}
	if (!st->status)
		add_cost(sum, &est);
	if (*why) {
		;
	} else if (st->status) {
		snprintf(why, len, "job status %d", st->status);
	} else if (st->cycles != est.cycles || st->macs != est.macs ||
		   st->dram_read_bytes != est.dram_read_bytes ||
		   st->dram_write_bytes != est.dram_write_bytes) {
		snprintf(why, len, "statistics: cycles %llu/%llu macs %llu/%llu (device/model)",
			 (unsigned long long)st->cycles,
			 (unsigned long long)est.cycles,
			 (unsigned long long)st->macs,
			 (unsigned long long)est.macs);
	} else {
		for (k = 0; k < span && b->out_map[k] == m.out[k]; k++)
			;
		if (k < span)
			snprintf(why, len,
				 "%s byte %u differs: device %#04x, host %#04x",
				 k < b->out_size ? "output" : "guard", k,
				 b->out_map[k], m.out[k]);
		else if (memcmp(b->in_map, m.in, b->in_off))
			snprintf(why, len, "the read-only buffer changed");
		else if (distinct_bytes(m.out, b->out_size) < 16)
			snprintf(why, len, "degenerate case: %u distinct output bytes",
				 distinct_bytes(m.out, b->out_size));
	}
out:
	free(m.in);
	free(m.out);
}

static void run_big(struct run *r)
{
	int fd = r->fd;
	struct big *b = calloc(1, sizeof(*b));
	char why[256];
	unsigned int c;
	double t0 = now_s();
	int ret;

	if (!b)
		tap_bail("out of memory");
	b->fd = fd;
	ret = bo_create(fd, BIG_IN, DRM_NPU_BO_DEVICE_READ_ONLY, &b->in,
			&b->in_va, (void **)&b->in_map);
	if (!ret)
		ret = bo_create(fd, BIG_OUT, 0, &b->out, &b->out_va,
				(void **)&b->out_map);
	if (!ret)
		ret = bo_create(fd, 4096, DRM_NPU_BO_DEVICE_READ_ONLY, &b->cmd,
				&b->cmd_va, (void **)&b->cmd_map);
	if (!ret)
		ret = bo_create(fd, 4096, 0, &b->stats, NULL,
				(void **)&b->stats_map);
	if (!ret && drmSyncobjCreate(fd, 0, &b->sync))
		ret = -errno;
	if (ret) {
		tap_fail(strerror(-ret), "large operands: buffers");
		free(b);
		return;
	}
	for (c = 0; c < BIG_COUNT; c++) {
		const char *what = "";
		uint32_t op = 0;

		big_case(b, c, why, sizeof(why), &what, &op, &r->sum);
		if (*why)
			tap_fail(why, "large %s %s", npu_fw_op_name(op), what);
		else
			tap_ok(true, "large %s %s: equals the host library",
			       npu_fw_op_name(op), what);
	}
	tap_diag("%u large-operand jobs in %.1f s", BIG_COUNT, now_s() - t0);
	free(b);
}

static int query_counters(int fd, struct drm_npu_counters *c)
{
	struct drm_npu_query q = {
		.type = DRM_NPU_QUERY_COUNTERS, .size = sizeof(*c),
		.data = (uintptr_t)c,
	};

	return drmIoctl(fd, DRM_IOCTL_NPU_QUERY, &q) ? -errno : 0;
}

/* Nothing else runs on the device meanwhile: the device-wide counters
 * grow by exactly the model cost of the jobs of this test. */
static void check_counters(const struct drm_npu_counters *a,
			   const struct drm_npu_counters *b,
			   const struct sums *s)
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

/* Runs r->ncases random cases; 0 or -errno when the buffers fail. */
static int run_series(struct run *r)
{
	struct set *sets = calloc(2, sizeof(*sets));
	struct set *cur, *nxt;
	int ret = sets ? 0 : -ENOMEM, sret;
	unsigned int t;

	for (t = 0; t < 2 && !ret; t++)
		ret = set_init(r->fd, &sets[t]);
	if (ret) {
		free(sets);
		return ret;
	}
	/* Two sets of buffers: the host prepares (and computes the
	 * expectation of) one batch while the device runs the other. */
	cur = &sets[0];
	nxt = &sets[1];
	fill(r, cur);
	sret = cur->n ? submit(r, cur) : 0;
	while (cur->n) {
		int nret;

		fill(r, nxt);
		nret = nxt->n ? submit(r, nxt) : 0;
		finish(r, cur, sret);
		sret = nret;
		cur = nxt;
		nxt = cur == &sets[0] ? &sets[1] : &sets[0];
	}
	free(sets);
	return 0;
}

/*
 * Helper processes run their own random series at the same time, each
 * through its own file (its own NPU address space), so jobs of several
 * address spaces interleave on the device.
 */
#define HELPERS		2
#define HELPER_CASES	340

struct helper {
	pid_t pid;
	int pipe;
	uint64_t seed;
};

static void helper_start(struct helper *h, uint64_t base_seed, unsigned int i)
{
	int p[2];

	h->seed = base_seed ^ (0x1000 * (i + 1));
	h->pid = -1;
	if (pipe(p))
		return;
	fflush(stdout);
	h->pid = fork();
	if (h->pid == 0) {
		struct run *r = calloc(1, sizeof(*r));
		char msg[512];
		int ret;

		close(p[0]);
		if (!r)
			_exit(1);
		r->fd = open_npu();
		r->quiet = 1;
		r->ncases = HELPER_CASES;
		r->base_seed = h->seed;
		ret = r->fd < 0 ? -errno : run_series(r);
		if (ret)
			snprintf(msg, sizeof(msg), "0 0 0 0 0 0 0 0 buffers: %s",
				 strerror(-ret));
		else
			snprintf(msg, sizeof(msg), "%u %u %u %llu %llu %llu %llu %llu %s",
				 r->next, r->failed_cases, r->stats_bad,
				 r->sum.jobs, r->sum.cycles, r->sum.macs,
				 r->sum.rd, r->sum.wr,
				 r->failed_cases ? r->first_fail :
				 r->stats_first);
		if (write(p[1], msg, strlen(msg)) < 0)
			_exit(1);
		_exit(0);
	}
	close(p[1]);
	h->pipe = p[0];
	if (h->pid < 0)
		close(p[0]);
}

static void helpers_report(struct helper *h, struct sums *sum)
{
	struct sums hs;
	unsigned int i, done, failed, stats_bad;
	char msg[512];
	int n, st = 0, pos;

	for (i = 0; i < HELPERS; i++) {
		if (h[i].pid < 0) {
			tap_fail(strerror(errno), "helper process %u", i);
			continue;
		}
		n = (int)read(h[i].pipe, msg, sizeof(msg) - 1);
		close(h[i].pipe);
		waitpid(h[i].pid, &st, 0);
		msg[n > 0 ? n : 0] = 0;
		pos = 0;
		if (n <= 0 || !WIFEXITED(st) || WEXITSTATUS(st) ||
		    sscanf(msg, "%u %u %u %llu %llu %llu %llu %llu %n", &done,
			   &failed, &stats_bad, &hs.jobs, &hs.cycles, &hs.macs,
			   &hs.rd, &hs.wr, &pos) != 8) {
			tap_fail(n > 0 ? msg : "died", "helper process %u", i);
			continue;
		}
		sum->jobs += hs.jobs;
		sum->cycles += hs.cycles;
		sum->macs += hs.macs;
		sum->rd += hs.rd;
		sum->wr += hs.wr;
		if (failed || stats_bad || done != HELPER_CASES)
			tap_fail(msg + pos,
				 "helper process %u (own address space, base seed %#" PRIx64 "): %u of %u cases differ, %u statistics",
				 i, h[i].seed, failed, done, stats_bad);
		else
			tap_ok(true,
			       "helper process %u (own address space, base seed %#" PRIx64 "): %u cases at the same time equal the host library",
			       i, h[i].seed, done);
	}
}

int main(int argc, char **argv)
{
	struct helper helpers[HELPERS];
	struct drm_npu_counters c0, c1;
	int have_counters;
	struct run *r;
	unsigned int op, t, total = 0;
	double t0;
	int fd, ret;

	fd = open_npu();
	if (fd < 0) {
		tap_skip(strerror(errno), "no npu accel device");
		return tap_finish();
	}
	if (argc == 5 && !strcmp(argv[1], "--seed") && !strcmp(argv[3], "--op")) {
		uint32_t o = op_by_name(argv[4]);

		if (o == UINT32_MAX)
			tap_bail("unknown op %s", argv[4]);
		return run_one(fd, strtoull(argv[2], NULL, 0), o);
	}
	if (argc > 3 || (argc > 1 && argv[1][0] == '-')) {
		fprintf(stderr, "usage: %s [CASES [BASE_SEED]]\n"
			"       %s --seed SEED --op OPNAME\n", argv[0], argv[0]);
		return 2;
	}

	r = calloc(1, sizeof(*r));
	if (!r)
		tap_bail("out of memory");
	r->fd = fd;
	r->ncases = argc > 1 ? (unsigned int)strtoul(argv[1], NULL, 0) :
		    DEFAULT_CASES;
	r->base_seed = argc > 2 ? strtoull(argv[2], NULL, 0) : DEFAULT_SEED;
	tap_diag("%u cases, base seed %#" PRIx64 ", up to %d jobs per SUBMIT",
		 r->ncases, r->base_seed, BATCH);

	t0 = now_s();
	have_counters = !query_counters(fd, &c0);
	for (t = 0; t < HELPERS; t++)
		helper_start(&helpers[t], r->base_seed, t);
	ret = run_series(r);
	if (ret)
		tap_bail("buffers: %s", strerror(-ret));
	helpers_report(helpers, &r->sum);

	for (op = 0; op < NPU_OP_COUNT; op++) {
		for (t = 0; t < NDTYPES; t++) {
			struct group *g = &r->groups[op][t];

			total += g->cases;
			if (!g->cases && !(r->ncases >= DEFAULT_CASES &&
					   is_listed(op) &&
					   expected_forms(op) & 1u << t))
				continue;
			if (!g->cases)
				tap_fail("no case generated", "%s %s",
					 npu_fw_op_name(op), dtype_name(t));
			else if (g->failed)
				tap_fail("differs from the host library",
					 "%s %s: %u of %u cases",
					 npu_fw_op_name(op), dtype_name(t),
					 g->failed, g->cases);
			else
				tap_ok(true, "%s %s: %u cases equal the host library",
				       npu_fw_op_name(op), dtype_name(t),
				       g->cases);
		}
	}
	run_multi(r);
	run_big(r);
	if (!have_counters || query_counters(fd, &c1))
		tap_fail(strerror(errno), "device counters");
	else
		check_counters(&c0, &c1, &r->sum);
	/* All-zero outputs would pass even if the device did nothing. */
	tap_ok(r->unchanged * 20 < total,
	       "%u of %u jobs leave their buffer as it was (expected few)",
	       r->unchanged, total);
	tap_ok(r->stats_checked > 0 && !r->stats_bad,
	       "job statistics equal npu_fw_estimate_stream in %u of %u jobs%s%s",
	       r->stats_checked - r->stats_bad, r->stats_checked,
	       r->stats_bad ? ": first: " : "", r->stats_first);
	tap_diag("%u random cases (%u failed) and the large ones in %.1f s",
		 total, r->failed_cases,
		 now_s() - t0);
	free(r);
	close(fd);
	return tap_finish();
}
