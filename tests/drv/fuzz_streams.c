// SPDX-License-Identifier: MIT
/*
 * 10,000 random and mutated command streams through DRM_IOCTL_NPU_SUBMIT:
 * each is rejected with EINVAL or runs to an end (fence signalled, status
 * 0 or an error); the kernel never oopses or warns (the VM harness scans
 * the log); the device still runs a valid job afterwards.
 *
 * usage: fuzz_streams [COUNT [SEED]]
 * vm-test: timeout=900
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <xf86drm.h>

#include "lib/drv_util.h"
#include "npu_cmdstream.h"
#include "tap.h"

#define DATA_SIZE	(64 * 1024)
#define CMD_SIZE	(64 * 1024)
#define MAX_WORDS	256

static uint64_t rng_state;

static uint32_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (uint32_t)(rng_state >> 16);
}

struct bufs {
	uint64_t a_va, b_va, cmd_va;
};

static uint32_t interesting(const struct bufs *b)
{
	static const uint32_t vals[] = { 0, 1, 2, 3, 4, 7, 8, 16, 255, 256,
					 0x7fffffff, 0x80000000, 0xffffffff,
					 0xfffffffe, 65536, 1024 };

	switch (rnd() % 4) {
	case 0:
		return vals[rnd() % (sizeof(vals) / sizeof(vals[0]))];
	case 1:
		return (uint32_t)b->a_va + (rnd() % DATA_SIZE);
	case 2:
		return (uint32_t)b->b_va + (rnd() % DATA_SIZE);
	default:
		return rnd();
	}
}

static unsigned int valid_copy(uint32_t *w, const struct bufs *b)
{
	struct npu_copy_params p;
	unsigned int n = drv_nop_stream(w, 0);
	uint32_t len = 1 + rnd() % 4096;

	memset(&p, 0, sizeof(p));
	p.input.addr = b->a_va + rnd() % (DATA_SIZE - len);
	p.input.dims[0] = len;
	p.input.dtype = NPU_DTYPE_INT8;
	p.input.rank = 1;
	p.output = p.input;
	p.output.addr = b->a_va + rnd() % (DATA_SIZE - len);
	w[n++] = NPU_CS_HDR(NPU_CMD_COPY, 1 + sizeof(p) / 4);
	memcpy(&w[n], &p, sizeof(p));
	return n + sizeof(p) / 4;
}

/* One test stream in @w; returns its length in words (>= 1). */
static unsigned int make_stream(uint32_t *w, const struct bufs *b)
{
	unsigned int n, i, k;

	switch (rnd() % 4) {
	case 0:		/* random words, maybe after a valid header */
		n = 1 + rnd() % 64;
		for (i = 0; i < n; i++)
			w[i] = rnd() % 2 ? rnd() : interesting(b);
		if (rnd() % 2 && n >= 3)
			drv_nop_stream(w, 0);
		return n;
	case 1:		/* a valid header, then commands with random bodies */
		n = drv_nop_stream(w, 0);
		for (k = 1 + rnd() % 3; k-- && n < MAX_WORDS - 80;) {
			unsigned int words = 1 + rnd() % 64;

			w[n++] = NPU_CS_HDR(rnd() % (NPU_CMD_COUNT + 2), words);
			for (i = 1; i < words; i++)
				w[n++] = rnd() % 3 ? interesting(b) : 0;
		}
		return n;
	default:	/* mutations of a valid COPY */
		n = valid_copy(w, b);
		for (k = 1 + rnd() % 4; k--;) {
			i = rnd() % n;
			if (rnd() % 2)
				w[i] ^= 1u << (rnd() % 32);
			else
				w[i] = interesting(b);
		}
		if (rnd() % 8 == 0)
			n = 1 + rnd() % n;	/* truncated */
		return n;
	}
}

int main(int argc, char **argv)
{
	unsigned int count = argc > 1 ? strtoul(argv[1], NULL, 0) : 10000;
	uint64_t seed = argc > 2 ? strtoull(argv[2], NULL, 0) : 0x5eed1234;
	struct drm_npu_counters c0, c1;
	struct drm_npu_job_stats *st;
	uint32_t cmd, a, b, stats, out = 0, *cs, words;
	unsigned int i, accepted = 0, rejected = 0, other = 0, ok_runs = 0;
	struct bufs bv;
	int fd = drv_open(), ret;
	struct timespec ts;
	int64_t deadline;

	if (fd < 0 ||
	    drv_bo_create(fd, CMD_SIZE, 0, &cmd, &bv.cmd_va) ||
	    drv_bo_create(fd, DATA_SIZE, 0, &a, &bv.a_va) ||
	    drv_bo_create(fd, DATA_SIZE, DRM_NPU_BO_DEVICE_READ_ONLY, &b,
			  &bv.b_va) ||
	    drv_bo_create(fd, 4096, 0, &stats, NULL))
		tap_bail("no NPU device");
	cs = drv_bo_mmap(fd, cmd, CMD_SIZE);
	st = drv_bo_mmap(fd, stats, 4096);
	if (!cs || !st || drmSyncobjCreate(fd, 0, &out))
		tap_bail("setup");
	rng_state = seed ? seed : 1;
	tap_diag("%u streams, seed 0x%llx", count, (unsigned long long)seed);
	drv_query_counters(fd, &c0);

	for (i = 0; i < count; i++) {
		struct drm_npu_bo_ref refs[2] = {
			{ a, DRM_NPU_BO_REF_READ | DRM_NPU_BO_REF_WRITE },
			{ b, DRM_NPU_BO_REF_READ },
		};
		/* Streams rotate through the buffer: queued jobs keep theirs. */
		uint32_t off = (i % (CMD_SIZE / (MAX_WORDS * 4))) * MAX_WORDS * 4;

		words = make_stream(cs + off / 4, &bv);
		ret = drv_submit_one(fd, cmd, off, words * 4, refs, 2, NULL, 0,
				     out, stats, (i % 64) * sizeof(*st), 1);
		if (!ret)
			accepted++;
		else if (ret == -EINVAL)
			rejected++;
		else if (other++ < 5)
			tap_diag("stream %u: unexpected error %d", i, ret);
		if (i % 64 == 63) {
			/* Keep the queue short, so rewriting slots is safe. */
			clock_gettime(CLOCK_MONOTONIC, &ts);
			deadline = (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec +
				   60000000000ll;
			drmSyncobjWait(fd, &out, 1, deadline, 0, NULL);
		}
	}
	tap_ok(!other, "every stream was accepted or rejected with EINVAL");
	tap_diag("%u accepted, %u rejected", accepted, rejected);
	tap_ok(accepted > 0 && rejected > 0, "both outcomes occurred");

	clock_gettime(CLOCK_MONOTONIC, &ts);
	deadline = (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec + 120000000000ll;
	tap_ok(!drmSyncobjWait(fd, &out, 1, deadline, 0, NULL),
	       "the last accepted job ends");
	drv_query_counters(fd, &c1);
	ok_runs = c1.jobs_completed - c0.jobs_completed;
	tap_ok(c1.jobs_completed + c1.jobs_failed -
	       c0.jobs_completed - c0.jobs_failed == accepted,
	       "every accepted job ended (%u ok, %llu failed)", ok_runs,
	       (unsigned long long)(c1.jobs_failed - c0.jobs_failed));

	words = drv_nop_stream(cs, 1);
	memset(st, 0xff, sizeof(*st));
	ret = drv_submit_one(fd, cmd, 0, words * 4, NULL, 0, NULL, 0, out,
			     stats, 0, 1);
	clock_gettime(CLOCK_MONOTONIC, &ts);
	deadline = (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec + 10000000000ll;
	tap_ok(!ret && !drmSyncobjWait(fd, &out, 1, deadline, 0, NULL) &&
	       st->status == 0, "the device still runs a valid job");
	close(fd);
	return tap_finish();
}
