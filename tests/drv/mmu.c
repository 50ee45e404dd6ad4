// SPDX-License-Identifier: MIT
/*
 * npu.ko and the NPU MMU: a COPY job moves data between two buffers through
 * the file's page tables; operands outside the listed buffers, writes to
 * read-only buffers or unlisted buffers are rejected at submit (-EINVAL);
 * the device runs a kernel copy of the validated stream, so rewriting the
 * stream buffer after submit changes nothing (another file's buffer at the
 * rewritten address is untouched); an MMU fault (injected in npu_sim) fails
 * only its job (-EFAULT) and the next job runs.
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

#define N	8192

struct file {
	int fd;
	uint32_t cmd, src, dst, ro, stats;
	uint64_t cmd_va, src_va, dst_va, ro_va;
	uint32_t *cs;
	unsigned char *src_map, *dst_map;
	struct drm_npu_job_stats *st;
};

static void tensor(struct npu_tensor *t, uint64_t addr, uint32_t n)
{
	memset(t, 0, sizeof(*t));
	t->addr = addr;
	t->dims[0] = n;
	t->dtype = NPU_DTYPE_INT8;
	t->rank = 1;
}

/* Writes STREAM + COPY(src -> dst, n bytes) at @w; returns bytes. */
static uint32_t copy_stream(uint32_t *w, uint64_t src, uint64_t dst,
			    uint32_t n)
{
	struct npu_copy_params p;
	unsigned int len = drv_nop_stream(w, 0);

	tensor(&p.input, src, n);
	tensor(&p.output, dst, n);
	w[len++] = NPU_CS_HDR(NPU_CMD_COPY, 1 + sizeof(p) / 4);
	memcpy(&w[len], &p, sizeof(p));
	len += sizeof(p) / 4;
	return len * 4;
}

/* Offset of COPY's output address in the stream written by copy_stream. */
#define COPY_OUT_ADDR_WORD	(3 + 1 + sizeof(struct npu_tensor) / 4)

static int file_open(struct file *f)
{
	f->fd = drv_open();
	if (f->fd < 0 ||
	    drv_bo_create(f->fd, 4096, 0, &f->cmd, &f->cmd_va) ||
	    drv_bo_create(f->fd, N, 0, &f->src, &f->src_va) ||
	    drv_bo_create(f->fd, N, 0, &f->dst, &f->dst_va) ||
	    drv_bo_create(f->fd, N, DRM_NPU_BO_DEVICE_READ_ONLY, &f->ro,
			  &f->ro_va) ||
	    drv_bo_create(f->fd, 4096, 0, &f->stats, NULL))
		return -1;
	f->cs = drv_bo_mmap(f->fd, f->cmd, 4096);
	f->src_map = drv_bo_mmap(f->fd, f->src, N);
	f->dst_map = drv_bo_mmap(f->fd, f->dst, N);
	f->st = drv_bo_mmap(f->fd, f->stats, 4096);
	return f->cs && f->src_map && f->dst_map && f->st ? 0 : -1;
}

static int submit(struct file *f, uint32_t bytes, uint32_t ro_flags,
		  int slot, uint32_t out)
{
	struct drm_npu_bo_ref refs[3] = {
		{ f->src, DRM_NPU_BO_REF_READ },
		{ f->dst, DRM_NPU_BO_REF_WRITE },
		{ f->ro, ro_flags },
	};

	return drv_submit_one(f->fd, f->cmd, 0, bytes, refs, ro_flags ? 3 : 2,
			      NULL, 0, out, f->stats,
			      slot * sizeof(f->st[0]), 1);
}

static int wait_sync(int fd, uint32_t h)
{
	struct timespec ts;
	int64_t deadline;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	deadline = (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec + 10000000000ll;
	return drmSyncobjWait(fd, &h, 1, deadline, 0, NULL) ? -errno : 0;
}

static void test_copy(struct file *f)
{
	uint32_t out = 0, bytes;
	int i, same = 1;

	for (i = 0; i < N; i++)
		f->src_map[i] = (unsigned char)(i * 13 + 1);
	memset(f->dst_map, 0, N);
	drmSyncobjCreate(f->fd, 0, &out);
	bytes = copy_stream(f->cs, f->src_va, f->dst_va, N);
	tap_expect_success(submit(f, bytes, 0, 0, out), 0, "submit COPY of %d bytes", N);
	tap_expect_success(wait_sync(f->fd, out), 0, "COPY job finishes");
	for (i = 0; i < N; i++)
		same &= f->dst_map[i] == (unsigned char)(i * 13 + 1);
	tap_ok(f->st[0].status == 0 && same, "the NPU copied the data (status %d)",
	       f->st[0].status);
	tap_ok(f->st[0].dram_read_bytes >= N && f->st[0].dram_write_bytes >= N,
	       "stats count the traffic (read %llu, written %llu)",
	       (unsigned long long)f->st[0].dram_read_bytes,
	       (unsigned long long)f->st[0].dram_write_bytes);
	drmSyncobjDestroy(f->fd, out);
}

static void test_rejected(struct file *f)
{
	uint32_t bytes, out = 0;

	bytes = copy_stream(f->cs, f->src_va, f->dst_va + 4096, N);
	tap_expect_errno(submit(f, bytes, 0, 1, 0), 0, EINVAL,
			 "output running past the end of its buffer");
	bytes = copy_stream(f->cs, f->cmd_va - 4096, f->dst_va, 8192);
	tap_expect_errno(submit(f, bytes, 0, 1, 0), 0, EINVAL,
			 "input starting below the first buffer");
	bytes = copy_stream(f->cs, f->src_va, f->ro_va, N);
	tap_expect_errno(submit(f, bytes, DRM_NPU_BO_REF_READ, 1, 0), 0, EINVAL,
			 "output into a device-read-only buffer");
	bytes = copy_stream(f->cs, f->ro_va, f->dst_va, N);
	tap_expect_errno(submit(f, bytes, 0, 1, 0), 0, EINVAL,
			 "input from a buffer the job does not list");
	drmSyncobjCreate(f->fd, 0, &out);
	tap_expect_success(submit(f, bytes, DRM_NPU_BO_REF_READ, 1, out), 0,
			   "input from a listed read-only buffer is fine");
	/* The stream buffer is rewritten below: let this job run first. */
	tap_ok(!wait_sync(f->fd, out) && f->st[1].status == 0, "and runs");
	drmSyncobjDestroy(f->fd, out);
	bytes = copy_stream(f->cs, f->src_va, 0x1000, 4096);
	tap_expect_errno(submit(f, bytes, 0, 1, 0), 0, EINVAL,
			 "output at an unmapped address");
}

/*
 * The device runs the stream as validated: a rewrite of the stream buffer
 * after submit (here to point the output at another file's buffer, at an
 * address this file has not reserved) changes nothing.
 */
static void test_rewrite(struct file *f, struct file *g, const char *sim)
{
	struct drm_npu_counters c0, c1;
	uint32_t out = 0, bytes, nop_bytes;
	uint64_t victim_va = 0;
	uint32_t big, victim;
	unsigned char *vmap;
	int i, untouched = 1, same = 1;

	/* A buffer of file g at an address file f has not reserved. */
	if (drv_bo_create(g->fd, 64 << 20, 0, &big, NULL) ||
	    drv_bo_create(g->fd, 4096, 0, &victim, &victim_va)) {
		tap_fail("create", "victim buffer in another file");
		return;
	}
	vmap = drv_bo_mmap(g->fd, victim, 4096);
	memset(vmap, 0xa5, 4096);
	for (i = 0; i < 4096; i++)
		f->src_map[i] = (unsigned char)(i * 7 + 3);
	memset(f->dst_map, 0, 4096);

	drv_query_counters(f->fd, &c0);
	drmSyncobjCreate(f->fd, 0, &out);
	drv_debugfs_write(sim, "delay_ms", 300);
	/* Job 1 (a slow NOP) keeps job 2 from starting while we edit it. */
	nop_bytes = drv_nop_stream(f->cs + 512, 1) * 4;
	drv_submit_one(f->fd, f->cmd, 2048, nop_bytes, NULL, 0, NULL, 0, 0, 0,
		       0, 1);
	bytes = copy_stream(f->cs, f->src_va, f->dst_va, 4096);
	tap_expect_success(submit(f, bytes, 0, 2, out), 0,
			   "submit a valid COPY behind a slow job");
	memcpy(&f->cs[COPY_OUT_ADDR_WORD], &victim_va, sizeof(victim_va));
	drv_debugfs_write(sim, "delay_ms", 0);
	tap_expect_success(wait_sync(f->fd, out), 0, "rewritten job ends");
	tap_ok(f->st[2].status == 0,
	       "it ran the stream as validated: status %d", f->st[2].status);
	for (i = 0; i < 4096; i++) {
		same &= f->dst_map[i] == (unsigned char)(i * 7 + 3);
		untouched &= vmap[i] == 0xa5;
	}
	tap_ok(same, "the output went to the validated buffer");
	tap_ok(untouched, "the other file's buffer at that address is untouched");
	drv_query_counters(f->fd, &c1);
	tap_ok(c1.mmu_faults == c0.mmu_faults, "no MMU fault (%llu -> %llu)",
	       (unsigned long long)c0.mmu_faults,
	       (unsigned long long)c1.mmu_faults);
	drmSyncobjDestroy(f->fd, out);
}

/*
 * A validated stream does not fault, so the device is told to (npu_sim's
 * fault_next_write): only that job fails, the next one runs.
 */
static void test_fault(struct file *f, const char *sim)
{
	struct drm_npu_counters c0, c1;
	uint32_t out1 = 0, out2 = 0, bytes;
	int i, untouched = 1;

	memset(f->dst_map, 0x5c, 4096);
	drv_query_counters(f->fd, &c0);
	drmSyncobjCreate(f->fd, 0, &out1);
	drmSyncobjCreate(f->fd, 0, &out2);
	tap_expect_success(drv_debugfs_write(sim, "fault_next_write", 1), 0,
			   "inject a write fault");
	bytes = copy_stream(f->cs, f->src_va, f->dst_va, 4096);
	tap_expect_success(submit(f, bytes, 0, 3, out1), 0, "submit a COPY");
	bytes = drv_nop_stream(f->cs + 256, 1) * 4;
	drv_submit_one(f->fd, f->cmd, 1024, bytes, NULL, 0, NULL, 0, out2,
		       f->stats, 4 * sizeof(f->st[0]), 1);
	tap_expect_success(wait_sync(f->fd, out1), 0, "faulting job ends");
	tap_ok(f->st[3].status == -EFAULT,
	       "it faulted in the MMU: status %d (EFAULT)", f->st[3].status);
	for (i = 0; i < 4096; i++)
		untouched &= f->dst_map[i] == 0x5c;
	tap_ok(untouched, "nothing was written");
	tap_expect_success(wait_sync(f->fd, out2), 0, "next job ends");
	tap_ok(f->st[4].status == 0, "and succeeds (status %d)", f->st[4].status);
	drv_query_counters(f->fd, &c1);
	tap_ok(c1.mmu_faults == c0.mmu_faults + 1,
	       "one MMU fault counted (%llu -> %llu)",
	       (unsigned long long)c0.mmu_faults,
	       (unsigned long long)c1.mmu_faults);
	drmSyncobjDestroy(f->fd, out1);
	drmSyncobjDestroy(f->fd, out2);
}

int main(void)
{
	struct file f, g;
	char sim[512];

	if (file_open(&f) || file_open(&g))
		tap_bail("no NPU device");
	test_copy(&f);
	test_rejected(&f);
	if (drv_sim_debugfs(sim, sizeof(sim))) {
		tap_skip("needs npu_sim debugfs", "stream rewrite, MMU fault");
	} else {
		test_rewrite(&f, &g, sim);
		test_fault(&f, sim);
	}
	return tap_finish();
}
