// SPDX-License-Identifier: MIT
/*
 * npu.ko's write set: a stream may write only the buffers its job declared
 * written (DRM_NPU_BO_REF_WRITE), because those are the buffers its fence
 * marks as written for implicit sync.  A stream writing a buffer listed for
 * reading, or its own command buffer, is refused (-EINVAL); a declared write
 * is seen by a reader of the exported dma-buf (poll) and by a second job of
 * another file that imported it, which runs only after the write.
 *
 * Jobs are held deterministically by a vgem buffer whose write fence only
 * this test signals.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <xf86drm.h>

#include "lib/drv_util.h"
#include "tap.h"

#define N	8192

struct file {
	int fd;
	uint32_t cmd, src, dst, stats;
	uint64_t cmd_va, src_va, dst_va;
	uint32_t *cs;
	unsigned char *src_map, *dst_map;
	struct drm_npu_job_stats *st;
};

static int file_open(struct file *f)
{
	f->fd = drv_open();
	if (f->fd < 0 ||
	    drv_bo_create(f->fd, 4096, 0, &f->cmd, &f->cmd_va) ||
	    drv_bo_create(f->fd, N, 0, &f->src, &f->src_va) ||
	    drv_bo_create(f->fd, N, 0, &f->dst, &f->dst_va) ||
	    drv_bo_create(f->fd, 4096, 0, &f->stats, NULL))
		return -1;
	f->cs = drv_bo_mmap(f->fd, f->cmd, 4096);
	f->src_map = drv_bo_mmap(f->fd, f->src, N);
	f->dst_map = drv_bo_mmap(f->fd, f->dst, N);
	f->st = drv_bo_mmap(f->fd, f->stats, 4096);
	return f->cs && f->src_map && f->dst_map && f->st ? 0 : -1;
}

static int wait_sync(int fd, uint32_t h, int64_t ms)
{
	struct timespec ts;
	int64_t deadline;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	deadline = (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec + ms * 1000000;
	return drmSyncobjWait(fd, &h, 1, deadline, 0, NULL) ? -errno : 0;
}

/* Submits the COPY in f->cs (@bytes) with @refs; stats in slot @slot. */
static int submit(struct file *f, uint32_t bytes,
		  const struct drm_npu_bo_ref *refs, uint32_t nrefs,
		  int slot, uint32_t out)
{
	return drv_submit_one(f->fd, f->cmd, 0, bytes, refs, nrefs, NULL, 0,
			      out, f->stats, slot * sizeof(f->st[0]), 1);
}

static void test_declared(struct file *f)
{
	struct drm_npu_bo_ref refs[2] = {
		{ f->src, DRM_NPU_BO_REF_READ },
		{ f->dst, DRM_NPU_BO_REF_READ },
	};
	uint32_t bytes, out = 0;

	bytes = drv_copy_stream(f->cs, f->src_va, f->dst_va, N);
	tap_expect_errno(submit(f, bytes, refs, 2, 0, 0), 0, EINVAL,
			 "a write to a buffer the job lists for reading is refused");
	refs[1].flags = DRM_NPU_BO_REF_READ | DRM_NPU_BO_REF_WRITE;
	drmSyncobjCreate(f->fd, 0, &out);
	tap_expect_success(submit(f, bytes, refs, 2, 0, out), 0,
			   "the same write declared is accepted");
	tap_ok(!wait_sync(f->fd, out, 30000) && f->st[0].status == 0,
	       "and runs (status %d)", f->st[0].status);
	drmSyncobjDestroy(f->fd, out);

	/* The stream buffer is listed implicitly, for reading. */
	bytes = drv_copy_stream(f->cs, f->src_va, f->cmd_va + 2048, 1024);
	tap_expect_errno(submit(f, bytes, refs, 1, 0, 0), 0, EINVAL,
			 "a write to the job's own command buffer is refused");
	refs[1] = (struct drm_npu_bo_ref){ f->cmd, DRM_NPU_BO_REF_WRITE };
	drmSyncobjCreate(f->fd, 0, &out);
	tap_expect_success(submit(f, bytes, refs, 2, 0, out), 0,
			   "unless it lists the command buffer as written");
	tap_ok(!wait_sync(f->fd, out, 30000) && f->st[0].status == 0,
	       "and runs (status %d)", f->st[0].status);
	drmSyncobjDestroy(f->fd, out);
}

/*
 * File A's job, held by a vgem fence, writes X; X is exported and imported
 * by file B, whose job copies X to its own buffer.  B's job must see A's
 * data: it waited for A's write fence.
 */
static void test_second_job(struct file *a, struct file *b, int vgem)
{
	struct drm_npu_bo_ref refs[3];
	struct drm_npu_bo_info xinfo;
	struct drv_handoff h;
	const char *step;
	struct pollfd p;
	uint32_t bytes;
	int i, ret, same = 1;

	ret = drv_handoff_init(&h, vgem, a->fd, a->dst, b->fd, &step);
	if (!tap_expect_success(ret, 0, "%s", step) ||
	    !tap_expect_success(drv_bo_info(b->fd, h.x_in_b, &xinfo), 0, "X's address in B"))
		goto out;

	for (i = 0; i < N; i++)
		a->src_map[i] = (unsigned char)(i * 7 + 3);
	memset(a->dst_map, 0, N);
	memset(b->dst_map, 0xee, N);

	/* A: hold READ (waits for vgem), src READ, X written. */
	refs[0] = (struct drm_npu_bo_ref){ h.hold, DRM_NPU_BO_REF_READ };
	refs[1] = (struct drm_npu_bo_ref){ a->src, DRM_NPU_BO_REF_READ };
	refs[2] = (struct drm_npu_bo_ref){ a->dst, DRM_NPU_BO_REF_READ };
	bytes = drv_copy_stream(a->cs, a->src_va, a->dst_va, N);
	tap_expect_errno(submit(a, bytes, refs, 3, 1, 0), 0, EINVAL,
			 "A writing the exported buffer it lists for reading is refused");
	refs[2].flags = DRM_NPU_BO_REF_WRITE;
	drmSyncobjCreate(a->fd, 0, &h.out_a);
	if (!tap_expect_success(submit(a, bytes, refs, 3, 1, h.out_a), 0,
				"A declaring the write is accepted (held by vgem)"))
		goto signal;

	p = (struct pollfd){ .fd = h.xfd, .events = POLLIN };
	tap_ok(poll(&p, 1, 0) == 0,
	       "a CPU reader of the dma-buf waits for A's write (poll)");

	/* B: X READ, its own dst written. */
	refs[0] = (struct drm_npu_bo_ref){ h.x_in_b, DRM_NPU_BO_REF_READ };
	refs[1] = (struct drm_npu_bo_ref){ b->dst, DRM_NPU_BO_REF_WRITE };
	bytes = drv_copy_stream(b->cs, xinfo.npu_addr, b->dst_va, N);
	drmSyncobjCreate(b->fd, 0, &h.out_b);
	tap_expect_success(submit(b, bytes, refs, 2, 1, h.out_b), 0,
			   "B's job reading X is accepted");
	tap_expect_errno(wait_sync(b->fd, h.out_b, 1000), 0, ETIME,
			 "B's job waits while A's is held");

signal:
	tap_expect_success(drv_vgem_signal(vgem, h.fence), 0, "release A");
	if (h.out_a)
		tap_ok(!wait_sync(a->fd, h.out_a, 30000) && a->st[1].status == 0,
		       "A ends (status %d)", a->st[1].status);
	if (h.out_b) {
		tap_ok(!wait_sync(b->fd, h.out_b, 30000) && b->st[1].status == 0,
		       "B ends (status %d)", b->st[1].status);
		for (i = 0; i < N; i++)
			same &= b->dst_map[i] == (unsigned char)(i * 7 + 3);
		tap_ok(same, "B read what A wrote");
	}
out:
	drv_handoff_fini(&h);
}

int main(void)
{
	struct file a, b;
	int vgem;

	if (file_open(&a) || file_open(&b))
		tap_bail("no NPU device");
	test_declared(&a);
	vgem = drv_vgem_open();
	if (vgem < 0) {
		tap_fail("no vgem device (the VM harness loads vgem)",
			 "a second job and the dma-buf wait for a declared write");
	} else {
		test_second_job(&a, &b, vgem);
		close(vgem);
	}
	return tap_finish();
}
