// SPDX-License-Identifier: MIT
/*
 * Every op on the simulated NPU equals the firmware host library byte for
 * byte, through the raw uapi (BO_CREATE addresses, SUBMIT listing every
 * buffer with its usage, syncobj and BO_WAIT):
 *
 * - 3,800 random single-op jobs (npu_host_rjob_make: random shapes,
 *   strides, dilations, paddings, zero points, multipliers and shifts, per
 *   tensor and per channel, in every int8 / 16x8 / data-movement form),
 *   64 per SUBMIT, each job buffer at a random 8-byte offset in a page with
 *   guard bytes before it.  The whole buffer afterwards (output, inputs,
 *   guard) must equal what npu_host_rjob_expect computes on the host.
 * - Meanwhile 2 helper processes run 680 random cases each through files
 *   of their own, so jobs of three NPU address spaces interleave.
 * - 8 jobs of 19 commands each (one of every opcode), their buffers
 *   spread over two BOs: a long stream through the command processor.
 * - 340 random cases each with the job buffers in imported memory: a
 *   dma-heap buffer and a udmabuf, mapped by the driver from their
 *   scatterlists (PRIME import, BO_INFO for the NPU address).
 *
 * Every job's statistics (status, cycles, MACs, DRAM bytes read and
 * written) must equal npu_fw_estimate_stream for its stream, and the
 * device-wide counters must grow by the sum over all these jobs.
 *
 * Random case k runs opcode k % 19 with seed case_seed(base, k).  A failure
 * names the seed and opcode; reproduce one case with
 *	ops_random --seed SEED --op OPNAME
 * or run another series with ops_random [CASES [BASE_SEED]].  Large
 * operands are tests/job/ops_large's.
 *
 * Jobs get two minutes before the driver takes them for hung: its 2 s
 * default is for silicon, not TCG on a loaded host.
 *
 * vm-test: reload --npu-param job_timeout_ms=120000 timeout=300
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <xf86drm.h>

#include "drm/npu_accel.h"
#include "npu_cmdstream.h"
#include "npu_fw.h"
#include "../../firmware/host/npu_fw_host.h"
#include "lib/job_util.h"
#include "tap.h"

#define DEFAULT_CASES	3800		/* 200 per opcode */
#define DEFAULT_SEED	0x6e70752d6f7073ull
#define BATCH		64		/* jobs per SUBMIT (the uapi maximum) */
#define DATA_SIZE	(4u << 20)	/* job buffers of one batch */
#define CS_SLOT		512		/* bytes of stream per job */
#define MAX_REPORTS	20		/* "not ok" lines for single cases */

static const uint32_t ops[] = {
	NPU_CMD_CONV_2D, NPU_CMD_DEPTHWISE_CONV_2D, NPU_CMD_TRANSPOSE_CONV,
	NPU_CMD_FULLY_CONNECTED, NPU_CMD_ADD, NPU_CMD_SUB, NPU_CMD_MUL,
	NPU_CMD_AVERAGE_POOL_2D, NPU_CMD_MAX_POOL_2D, NPU_CMD_MEAN, NPU_CMD_PAD,
	NPU_CMD_TRANSPOSE, NPU_CMD_CONCAT, NPU_CMD_STRIDED_SLICE, NPU_CMD_COPY,
	NPU_CMD_LUT, NPU_CMD_LEAKY_RELU, NPU_CMD_SIGMOID_S16, NPU_CMD_RELU,
	NPU_CMD_RESIZE_BILINEAR, NPU_CMD_RESIZE_NEAREST, NPU_CMD_STRIDED_COPY,
	NPU_CMD_SOFTMAX,
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
	struct group groups[NPU_CMD_COUNT][NDTYPES];
	/* statistics */
	unsigned int stats_checked, stats_bad;
	char stats_first[256];
	int verbose;
	int quiet;		/* a helper process: remember, do not print */
	int mem;		/* data buffers: -1 GEM, else enum job_mem */
	/* model cost of the jobs that completed, for the device counters */
	struct job_sums sum;
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

/* @mem: a GEM buffer (-1) or imported memory (enum job_mem). */
static int set_init(int fd, int mem, struct set *s)
{
	int r;

	memset(s, 0, sizeof(*s));
	if (mem < 0)
		r = job_bo_create(fd, DATA_SIZE, 0, &s->data, &s->data_va,
				  (void **)&s->data_map);
	else
		r = job_import(fd, (enum job_mem)mem, DATA_SIZE, &s->data,
			       &s->data_va, (void **)&s->data_map);
	if (!r)
		r = job_bo_create(fd, BATCH * CS_SLOT,
				  DRM_NPU_BO_DEVICE_READ_ONLY, &s->cmd, NULL,
				  (void **)&s->cmd_map);
	if (!r)
		r = job_bo_create(fd, BATCH * sizeof(struct drm_npu_job_stats),
				  0, &s->stats, NULL, (void **)&s->stats_map);
	if (!r && drmSyncobjCreate(fd, 0, &s->sync))
		r = -errno;
	return r;
}

static uint32_t op_by_name(const char *name)
{
	uint32_t op;

	for (op = 0; op < NPU_CMD_COUNT; op++)
		if (!strcasecmp(name, npu_fw_cmd_name(op)))
			return op;
	op = (uint32_t)strtoul(name, NULL, 0);
	return op && op < NPU_CMD_COUNT ? op : UINT32_MAX;
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
				 npu_fw_cmd_name(sl->job.opcode),
				 dtype_name(sl->dtype), why);
		return;
	}
	if (r->reports++ < MAX_REPORTS)
		tap_fail(why, "seed %#" PRIx64 " %s %s", sl->seed,
			 npu_fw_cmd_name(sl->job.opcode), dtype_name(sl->dtype));
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
		memset(s->data_map + sl->gap, JOB_GUARD, off - sl->gap);
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
			 sl->seed, npu_fw_cmd_name(sl->job.opcode),
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
			 sl->seed, npu_fw_cmd_name(sl->job.opcode));
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
		if (data_map[k] != JOB_GUARD) {
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
	job_add_cost(&r->sum, &sl->est);
	if (compare_slot(sl, s->data_map, why, sizeof(why))) {
		case_fail(r, sl, why);
		return;
	}
	if (!memcmp(sl->expect, sl->job.mem, sl->job.mem_size))
		r->unchanged++;
	if (r->verbose)
		tap_diag("seed %#" PRIx64 " %s %s: %u bytes equal", sl->seed,
			 npu_fw_cmd_name(sl->job.opcode), dtype_name(sl->dtype),
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

	if (!ret && drmSyncobjWait(r->fd, &s->sync, 1,
				   job_deadline_ns(JOB_WAIT_S), 0, NULL))
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
 * ops, the four element sizes for data movement, int8 COPY, int16
 * SIGMOID_S16, int8 and uint8 SOFTMAX.) */
static unsigned int expected_forms(uint32_t op)
{
	const unsigned int s8 = 1u << NPU_DTYPE_INT8, s16 = 1u << NPU_DTYPE_INT16;

	switch (op) {
	case NPU_CMD_PAD:
	case NPU_CMD_TRANSPOSE:
	case NPU_CMD_CONCAT:
	case NPU_CMD_STRIDED_SLICE:
		return s8 | s16 | 1u << NPU_DTYPE_INT32 | 1u << NPU_DTYPE_UINT8;
	case NPU_CMD_COPY:
		return s8;
	case NPU_CMD_SIGMOID_S16:
		return s16;
	case NPU_CMD_SOFTMAX:	/* by input type; int8 -> int16 counts as int8 */
		return s8 | 1u << NPU_DTYPE_UINT8;
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
	ret = set_init(fd, -1, s);
	if (ret)
		tap_bail("buffers: %s", strerror(-ret));
	/* case_seed() is not invertible: build the slot by hand */
	s->slots[0].seed = seed;
	if (npu_host_rjob_make(&(uint64_t){ seed }, op, s->data_va,
			       &s->slots[0].job))
		tap_bail("npu_host_rjob_make(%#" PRIx64 ", %s) failed", seed,
			 npu_fw_cmd_name(op));
	sl = &s->slots[0];
	s->slots[0].dtype = job_dtype(&sl->job);
	tap_diag("seed %#" PRIx64 " %s %s: buffer %u bytes at %#" PRIx64
		 ", output [%u, +%u), stream %u bytes", seed,
		 npu_fw_cmd_name(op), dtype_name(sl->dtype), sl->job.mem_size,
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
	       seed, npu_fw_cmd_name(op));
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
		ret = job_bo_create(r->fd, MULTI_DATA, 0, &m->data[i],
				    &m->data_va[i], (void **)&m->data_map[i]);
	if (!ret)
		ret = job_bo_create(r->fd, MULTI_JOBS * MULTI_CS,
				    DRM_NPU_BO_DEVICE_READ_ONLY, &m->cmd, NULL,
				    (void **)&m->cmd_map);
	if (!ret)
		ret = job_bo_create(r->fd, 4096, 0, &m->stats, NULL,
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
					 sl->seed, npu_fw_cmd_name(ops[o]));
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
			memset(m->data_map[b] + sl->gap, JOB_GUARD, sl->off - sl->gap);
			memcpy(m->data_map[b] + sl->off, sl->job.mem,
			       sl->job.mem_size);
			sl->expect = malloc(sl->job.mem_size);
			if (!sl->expect ||
			    npu_host_rjob_expect(&sl->job, m->data_va[b] + sl->off,
						 sl->expect)) {
				snprintf(why, sizeof(why),
					 "npu_host_rjob_expect(%#" PRIx64 ", %s) failed",
					 sl->seed, npu_fw_cmd_name(ops[o]));
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
	if (drmSyncobjWait(r->fd, &m->sync, 1, job_deadline_ns(JOB_WAIT_S), 0,
			   NULL)) {
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
		job_add_cost(&r->sum, &m->est[j]);
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

/* Runs r->ncases random cases; 0 or -errno when the buffers fail. */
static int run_series(struct run *r)
{
	struct set *sets = calloc(2, sizeof(*sets));
	struct set *cur, *nxt;
	int ret = sets ? 0 : -ENOMEM, sret;
	unsigned int t;

	for (t = 0; t < 2 && !ret; t++)
		ret = set_init(r->fd, r->mem, &sets[t]);
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
 * Random cases whose job buffers live in imported memory: the driver maps
 * the dma-buf's scatterlist (high-order heap pages, memfd pages) into the
 * NPU address space and the device reads and writes it there.
 */
#define IMPORT_CASES	340

static void run_imported(struct run *parent, enum job_mem mem,
			 const char *what)
{
	struct run *r = calloc(1, sizeof(*r));
	int ret;

	if (!r)
		tap_bail("out of memory");
	r->fd = parent->fd;
	r->quiet = 1;
	r->mem = mem;
	r->ncases = IMPORT_CASES;
	r->base_seed = parent->base_seed ^ (0x100 * (mem + 1));
	ret = run_series(r);
	if (ret == -ENOENT)
		tap_skip("not available", "random cases in %s", what);
	else if (ret)
		tap_fail(strerror(-ret), "random cases in %s", what);
	else if (r->failed_cases || r->stats_bad || r->next != IMPORT_CASES)
		tap_fail(r->failed_cases ? r->first_fail : r->stats_first,
			 "random cases in %s (base seed %#" PRIx64 "): %u of %u differ, %u statistics",
			 what, r->base_seed, r->failed_cases, r->next,
			 r->stats_bad);
	else
		tap_ok(true, "%u random cases in %s (base seed %#" PRIx64 ") equal the host library",
		       r->next, what, r->base_seed);
	parent->sum.jobs += r->sum.jobs;
	parent->sum.cycles += r->sum.cycles;
	parent->sum.macs += r->sum.macs;
	parent->sum.rd += r->sum.rd;
	parent->sum.wr += r->sum.wr;
	free(r);
}

/*
 * Helper processes run their own random series at the same time, each
 * through its own file (its own NPU address space), so jobs of several
 * address spaces interleave on the device.
 */
#define HELPERS		2
#define HELPER_CASES	680

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
		r->mem = -1;
		r->fd = job_open_npu();
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

static void helpers_report(struct helper *h, struct job_sums *sum)
{
	struct job_sums hs;
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

	fd = job_open_npu();
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
	r->mem = -1;
	r->ncases = argc > 1 ? (unsigned int)strtoul(argv[1], NULL, 0) :
		    DEFAULT_CASES;
	r->base_seed = argc > 2 ? strtoull(argv[2], NULL, 0) : DEFAULT_SEED;
	tap_diag("%u cases, base seed %#" PRIx64 ", up to %d jobs per SUBMIT",
		 r->ncases, r->base_seed, BATCH);

	t0 = job_now_s();
	have_counters = !job_query_counters(fd, &c0);
	for (t = 0; t < HELPERS; t++)
		helper_start(&helpers[t], r->base_seed, t);
	ret = run_series(r);
	if (ret)
		tap_bail("buffers: %s", strerror(-ret));
	helpers_report(helpers, &r->sum);

	for (op = 0; op < NPU_CMD_COUNT; op++) {
		for (t = 0; t < NDTYPES; t++) {
			struct group *g = &r->groups[op][t];

			total += g->cases;
			if (!g->cases && !(r->ncases >= DEFAULT_CASES &&
					   is_listed(op) &&
					   expected_forms(op) & 1u << t))
				continue;
			if (!g->cases)
				tap_fail("no case generated", "%s %s",
					 npu_fw_cmd_name(op), dtype_name(t));
			else if (g->failed)
				tap_fail("differs from the host library",
					 "%s %s: %u of %u cases",
					 npu_fw_cmd_name(op), dtype_name(t),
					 g->failed, g->cases);
			else
				tap_ok(true, "%s %s: %u cases equal the host library",
				       npu_fw_cmd_name(op), dtype_name(t),
				       g->cases);
		}
	}
	run_multi(r);
	run_imported(r, JOB_MEM_DMA_HEAP, "a dma-heap buffer");
	run_imported(r, JOB_MEM_UDMABUF, "a udmabuf (memfd pages)");
	if (!have_counters || job_query_counters(fd, &c1))
		tap_fail(strerror(errno), "device counters");
	else
		job_check_counters(&c0, &c1, &r->sum);
	/* All-zero outputs would pass even if the device did nothing. */
	tap_ok(r->unchanged * 20 < total,
	       "%u of %u jobs leave their buffer as it was (expected few)",
	       r->unchanged, total);
	tap_ok(r->stats_checked > 0 && !r->stats_bad,
	       "job statistics equal npu_fw_estimate_stream in %u of %u jobs%s%s",
	       r->stats_checked - r->stats_bad, r->stats_checked,
	       r->stats_bad ? ": first: " : "", r->stats_first);
	tap_diag("%u random cases (%u failed) in %.1f s",
		 total, r->failed_cases,
		 job_now_s() - t0);
	free(r);
	close(fd);
	return tap_finish();
}
