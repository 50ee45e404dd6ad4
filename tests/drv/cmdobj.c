// SPDX-License-Identifier: MIT
/*
 * Command objects (DRM_IOCTL_NPU_CMDSTREAM_CREATE) and region addressing:
 * a stream copied and validated once, with the size and write set of each
 * region; submits that only bind buffers to regions.  Checked here: many
 * submits of one object against different buffers, rewriting the user's
 * stream memory after create changes nothing, region sizes and bindings
 * (too small, misaligned, unbound, read-only written, hostile counts and
 * offsets), streams refused at create (absolute DRAM addresses, sizes),
 * the object never usable as a buffer (mmap, export, bo_ref, stats,
 * region, plain stream), another file's handle, closing an object with a
 * job queued, and the fences derived from the write set: a second job and
 * a dma-buf importer wait for a write made through a region.
 *
 * Jobs are held deterministically by a vgem buffer whose write fence only
 * this test signals.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <xf86drm.h>

#include "lib/drv_util.h"
#include "npu_cmdstream.h"
#include "npu_regs.h"
#include "tap.h"

#define N		8192	/* bytes the COPY moves */
#define NSUBMITS	16

#define R_IN		NPU_REGION_CONST
#define R_OUT		NPU_REGION_ARENA

struct file {
	int fd;
	uint32_t in, out[2], small, ro, stats;
	unsigned char *in_map, *out_map[2];
	struct drm_npu_job_stats *st;
};

static uint32_t user_cs[1024];

static int file_open(struct file *f)
{
	memset(f, 0, sizeof(*f));
	f->fd = drv_open();
	if (f->fd < 0 ||
	    drv_bo_create(f->fd, N, 0, &f->in, NULL) ||
	    drv_bo_create(f->fd, N, 0, &f->out[0], NULL) ||
	    drv_bo_create(f->fd, N + 4096, 0, &f->out[1], NULL) ||
	    drv_bo_create(f->fd, N - 4096, 0, &f->small, NULL) ||
	    drv_bo_create(f->fd, N, DRM_NPU_BO_DEVICE_READ_ONLY, &f->ro, NULL) ||
	    drv_bo_create(f->fd, 4096, 0, &f->stats, NULL))
		return -1;
	f->in_map = drv_bo_mmap(f->fd, f->in, N);
	f->out_map[0] = drv_bo_mmap(f->fd, f->out[0], N);
	f->out_map[1] = drv_bo_mmap(f->fd, f->out[1], N + 4096);
	f->st = drv_bo_mmap(f->fd, f->stats, 4096);
	return f->in_map && f->out_map[0] && f->out_map[1] && f->st ? 0 : -1;
}

static int create(int fd, const uint32_t *cs, uint32_t bytes,
		  struct drm_npu_cmdstream_create *c)
{
	memset(c, 0, sizeof(*c));
	c->data = (uintptr_t)cs;
	c->size = bytes;
	return drv_ioctl(fd, DRM_IOCTL_NPU_CMDSTREAM_CREATE, c);
}

/* One job running command object @obj with @nregs bindings. */
static int submit_obj(int fd, uint32_t obj, const struct drm_npu_region *regs,
		      uint32_t nregs, const struct drm_npu_bo_ref *refs,
		      uint32_t nrefs, uint32_t out_sync, uint32_t stats,
		      uint32_t stats_offset)
{
	struct drm_npu_job job = {
		.cmd_bo = obj, .flags = DRM_NPU_JOB_CMDSTREAM_OBJECT,
		.bo_refs = (uintptr_t)refs, .bo_ref_count = nrefs,
		.out_sync = out_sync, .stats_bo = stats,
		.stats_offset = stats_offset,
		.regions = (uintptr_t)regs, .region_count = nregs,
	};
	struct drm_npu_submit s = {
		.jobs = (uintptr_t)&job, .job_count = 1,
		.job_stride = sizeof(job), .priority = DRM_NPU_PRIORITY_NORMAL,
	};

	return drv_ioctl(fd, DRM_IOCTL_NPU_SUBMIT, &s);
}

static int wait_sync(int fd, uint32_t h, int64_t ms)
{
	struct timespec ts;
	int64_t deadline;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	deadline = (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec + ms * 1000000;
	return drmSyncobjWait(fd, &h, 1, deadline, 0, NULL) ? -errno : 0;
}

/* Runs @obj once (in -> out[o] at @off), waits; the job's status or -errno. */
static int run_obj(struct file *f, uint32_t obj, int o, uint64_t off)
{
	struct drm_npu_region regs[3] = {
		[R_IN] = { f->in, 0, 0 },
		[R_OUT] = { f->out[o], 0, off },
	};
	uint32_t out = 0;
	int ret;

	drmSyncobjCreate(f->fd, 0, &out);
	f->st[0].status = 1;
	ret = submit_obj(f->fd, obj, regs, 3, NULL, 0, out, f->stats, 0);
	if (!ret)
		ret = wait_sync(f->fd, out, 30000);
	drmSyncobjDestroy(f->fd, out);
	return ret ? ret : f->st[0].status;
}

static int equals_input(const unsigned char *p, unsigned char salt)
{
	int i;

	for (i = 0; i < N; i++)
		if (p[i] != (unsigned char)(i * 13 + salt))
			return 0;
	return 1;
}

static void fill_input(struct file *f, unsigned char salt)
{
	int i;

	for (i = 0; i < N; i++)
		f->in_map[i] = (unsigned char)(i * 13 + salt);
}

/* Create once, submit many times against alternating outputs. */
static uint32_t test_create_and_run(struct file *f)
{
	struct drm_npu_cmdstream_create c;
	uint32_t bytes, i;
	int ok = 1, o;

	bytes = drv_copy_stream(user_cs, NPU_ADDR(R_IN, 0), NPU_ADDR(R_OUT, 0), N);
	if (!tap_expect_success(create(f->fd, user_cs, bytes, &c), 0,
				"CMDSTREAM_CREATE of a region COPY"))
		return 0;
	tap_ok(c.handle != 0, "a handle (%u)", c.handle);
	tap_ok(c.region_count == 3 && c.region_size[R_IN] == N &&
	       c.region_size[R_OUT] == N && c.region_size[0] == 0 &&
	       c.region_size[3] == 0,
	       "region_count %u, sizes %llu/%llu: what the COPY touches",
	       c.region_count, (unsigned long long)c.region_size[R_IN],
	       (unsigned long long)c.region_size[R_OUT]);
	tap_ok(c.region_write == 1u << R_OUT, "write set 0x%x: the output region only",
	       c.region_write);

	/* The user's memory is not the stream any more. */
	drv_copy_stream(user_cs, NPU_ADDR(R_IN, 0), NPU_ADDR(R_OUT, 64), N - 64);

	for (i = 0; i < NSUBMITS && ok; i++) {
		o = i & 1;
		fill_input(f, (unsigned char)i);
		memset(f->out_map[o], 0, N);
		ok = tap_expect_success(run_obj(f, c.handle, o, o ? 4096 : 0), 0,
					"submit %u of the object", i) &&
		     equals_input(f->out_map[o] + (o ? 4096 : 0), (unsigned char)i);
	}
	/* The rewritten user stream would have written from byte 64 on. */
	tap_ok(ok, "%u submits of one object, alternating buffers and offsets, "
	       "run the stream as created (rewriting the user copy changed nothing)",
	       NSUBMITS);
	return c.handle;
}

/* Every binding that does not give the stream its regions is refused. */
static void test_bad_bindings(struct file *f, uint32_t obj)
{
	struct drm_npu_region regs[DRM_NPU_MAX_REGIONS + 1];
	struct drm_npu_bo_ref ref = { obj, DRM_NPU_BO_REF_READ };
	struct drm_npu_job job;
	struct drm_npu_submit s;

#define GOOD() do { \
		memset(regs, 0, sizeof(regs)); \
		regs[R_IN].handle = f->in; \
		regs[R_OUT].handle = f->out[0]; \
	} while (0)
#define SUBMIT(n) submit_obj(f->fd, obj, regs, (n), NULL, 0, 0, 0, 0)
	GOOD();
	regs[R_OUT].handle = f->small;
	tap_expect_errno(SUBMIT(3), 0, EINVAL, "output region 4 KiB smaller than the stream needs");
	GOOD();
	regs[R_OUT].handle = f->out[1];
	regs[R_OUT].offset = 4096 + 64;
	tap_expect_errno(SUBMIT(3), 0, EINVAL, "region too small after its offset");
	regs[R_OUT].offset = 4096 + 1;
	tap_expect_errno(SUBMIT(3), 0, EINVAL, "offset not a multiple of NPU_REGION_ALIGN");
	regs[R_OUT].offset = ~0ull & ~63ull;
	tap_expect_errno(SUBMIT(3), 0, EINVAL, "offset 2^64 - 64");
	regs[R_OUT].offset = 1ull << 40;
	tap_expect_errno(SUBMIT(3), 0, EINVAL, "offset beyond the buffer");
	GOOD();
	tap_expect_errno(SUBMIT(2), 0, EINVAL, "output region left unbound (region_count 2)");
	regs[R_OUT].handle = 0;
	tap_expect_errno(SUBMIT(3), 0, EINVAL, "output region with handle 0");
	GOOD();
	regs[R_OUT].handle = f->ro;
	tap_expect_errno(SUBMIT(3), 0, EINVAL, "written region bound to a device-read-only buffer");
	GOOD();
	regs[R_IN].handle = f->ro;
	tap_expect_success(SUBMIT(3), 0, "read region bound to a device-read-only buffer");
	GOOD();
	regs[0].handle = f->in;
	tap_expect_errno(SUBMIT(3), 0, EINVAL, "region 0 bound");
	GOOD();
	regs[0].offset = 64;
	tap_expect_errno(SUBMIT(3), 0, EINVAL, "region 0 with an offset");
	GOOD();
	regs[R_IN].flags = 1;
	tap_expect_errno(SUBMIT(3), 0, EINVAL, "region flags");
	GOOD();
	regs[5].offset = 64;
	tap_expect_errno(SUBMIT(6), 0, EINVAL, "unbound region with an offset");
	GOOD();
	regs[R_IN].handle = 4242;
	tap_expect_errno(SUBMIT(3), 0, ENOENT, "unknown region handle");
	GOOD();
	regs[R_IN].handle = obj;
	tap_expect_errno(SUBMIT(3), 0, EINVAL, "the command object bound as a region");
	GOOD();
	tap_expect_errno(SUBMIT(DRM_NPU_MAX_REGIONS + 1), 0, EINVAL, "17 regions");
	tap_expect_errno(SUBMIT(0xffffffffu), 0, EINVAL, "2^32 - 1 regions");
	tap_expect_success(SUBMIT(DRM_NPU_MAX_REGIONS), 0,
			   "16 regions, the unused ones unbound");
	tap_expect_errno(submit_obj(f->fd, obj, (void *)8, 3, NULL, 0, 0, 0, 0),
			 0, EFAULT, "bad regions pointer");
	tap_expect_errno(submit_obj(f->fd, obj, regs, 3, &ref, 1, 0, 0, 0), 0,
			 EINVAL, "the command object as a bo_ref");
	tap_expect_errno(submit_obj(f->fd, obj, regs, 3, NULL, 0, 0, obj, 0), 0,
			 EINVAL, "the command object as the stats buffer");
	tap_expect_errno(submit_obj(f->fd, f->in, regs, 3, NULL, 0, 0, 0, 0), 0,
			 EINVAL, "a plain buffer run as a command object");
	tap_expect_errno(submit_obj(f->fd, 4242, regs, 3, NULL, 0, 0, 0, 0), 0,
			 ENOENT, "unknown command object handle");
	tap_expect_errno(drv_submit_one(f->fd, obj, 0, 64, NULL, 0, NULL, 0, 0, 0,
					0, 1), 0, EINVAL,
			 "the command object as a plain stream buffer");
#undef SUBMIT

	GOOD();
	memset(&job, 0, sizeof(job));
	job.cmd_bo = obj;
	job.flags = DRM_NPU_JOB_CMDSTREAM_OBJECT;
	job.regions = (uintptr_t)regs;
	job.region_count = 3;
	s = (struct drm_npu_submit){ .jobs = (uintptr_t)&job, .job_count = 1,
				     .job_stride = sizeof(job), .priority = 1 };
	job.cmd_size = 64;
	tap_expect_errno(drv_ioctl(f->fd, DRM_IOCTL_NPU_SUBMIT, &s), 0, EINVAL,
			 "command object with a cmd_size");
	job.cmd_size = 0;
	job.cmd_offset = 4;
	tap_expect_errno(drv_ioctl(f->fd, DRM_IOCTL_NPU_SUBMIT, &s), 0, EINVAL,
			 "command object with a cmd_offset");
	job.cmd_offset = 0;
	job.pad2 = 1;
	tap_expect_errno(drv_ioctl(f->fd, DRM_IOCTL_NPU_SUBMIT, &s), 0, EINVAL,
			 "pad2 not zero");
	job.pad2 = 0;
	job.flags = 1u << 1;
	tap_expect_errno(drv_ioctl(f->fd, DRM_IOCTL_NPU_SUBMIT, &s), 0, EINVAL,
			 "unknown job flag");
	job.flags = DRM_NPU_JOB_CMDSTREAM_OBJECT;
	s.job_stride = offsetof(struct drm_npu_job, regions);
	tap_expect_errno(drv_ioctl(f->fd, DRM_IOCTL_NPU_SUBMIT, &s), 0, EINVAL,
			 "an old job stride passes no regions: the output is unbound");
	s.job_stride = sizeof(job);
	tap_expect_success(drv_ioctl(f->fd, DRM_IOCTL_NPU_SUBMIT, &s), 0,
			   "the same job with regions is accepted");
	/* A plain job naming regions. */
	job.flags = 0;
	job.cmd_bo = f->in;
	job.cmd_size = 64;
	tap_expect_errno(drv_ioctl(f->fd, DRM_IOCTL_NPU_SUBMIT, &s), 0, EINVAL,
			 "regions in a plain job");
#undef GOOD
}

/* What CMDSTREAM_CREATE refuses; the object is not a buffer. */
static void test_bad_create(struct file *f, uint32_t obj)
{
	struct drm_npu_cmdstream_create c;
	struct drm_npu_bo_mmap_offset mo = { .handle = obj };
	uint32_t bytes;
	int dmabuf = -1;

	bytes = drv_copy_stream(user_cs, NPU_ADDR(R_IN, 0), 0x200000, N);
	tap_expect_errno(create(f->fd, user_cs, bytes, &c), 0, EINVAL,
			 "absolute DRAM output address in a command object");
	bytes = drv_copy_stream(user_cs, 0x200000, NPU_ADDR(R_OUT, 0), N);
	tap_expect_errno(create(f->fd, user_cs, bytes, &c), 0, EINVAL,
			 "absolute DRAM input address in a command object");
	bytes = drv_copy_stream(user_cs, NPU_ADDR(R_IN, (1ull << 30) - 16),
				NPU_ADDR(R_OUT, 0), 32);
	tap_expect_errno(create(f->fd, user_cs, bytes, &c), 0, EINVAL,
			 "region range beyond the address space");
	bytes = drv_copy_stream(user_cs, NPU_ADDR(R_IN, 0), NPU_ADDR(R_OUT, 0), N);
	tap_expect_errno(create(f->fd, user_cs, 0, &c), 0, EINVAL, "size 0");
	tap_expect_errno(create(f->fd, user_cs, bytes - 2, &c), 0, EINVAL,
			 "size not a multiple of 4");
	tap_expect_errno(create(f->fd, user_cs, bytes - 4, &c), 0, EINVAL,
			 "truncated stream");
	tap_expect_errno(create(f->fd, user_cs, (1u << 20) + 4, &c), 0, EINVAL,
			 "stream over 1 MiB");
	tap_expect_errno(create(f->fd, user_cs, 0xfffffffcu, &c), 0, EINVAL,
			 "stream of 4 GiB - 4");
	tap_expect_errno(create(f->fd, (void *)8, bytes, &c), 0, EFAULT,
			 "bad data pointer");
	memset(&c, 0, sizeof(c));
	c.data = (uintptr_t)user_cs;
	c.size = bytes;
	c.flags = 1;
	tap_expect_errno(drv_ioctl(f->fd, DRM_IOCTL_NPU_CMDSTREAM_CREATE, &c), 0,
			 EINVAL, "create flags");
	c.flags = 0;
	c.pad = 1;
	tap_expect_errno(drv_ioctl(f->fd, DRM_IOCTL_NPU_CMDSTREAM_CREATE, &c), 0,
			 EINVAL, "create pad");

	tap_expect_errno(drv_ioctl(f->fd, DRM_IOCTL_NPU_BO_MMAP_OFFSET, &mo), 0,
			 EPERM, "no CPU mapping of a command object");
	tap_expect_errno(drmPrimeHandleToFD(f->fd, obj, DRM_CLOEXEC, &dmabuf),
			 errno, EPERM, "no export of a command object");
	if (dmabuf >= 0)
		close(dmabuf);
}

/* Region addresses in a plain stream are refused before queueing. */
static void test_plain_with_regions(struct file *f)
{
	struct drm_npu_bo_info in, out;
	uint32_t cmd, bytes;
	uint32_t *cs;
	struct drm_npu_bo_ref refs[2];
	struct drm_npu_job job;
	struct drm_npu_submit s;

	if (drv_bo_create(f->fd, 4096, 0, &cmd, NULL) ||
	    drv_bo_info(f->fd, f->in, &in) || drv_bo_info(f->fd, f->out[0], &out)) {
		tap_fail("setup", "plain stream with region addresses");
		return;
	}
	cs = drv_bo_mmap(f->fd, cmd, 4096);
	if (!cs) {
		tap_fail("mmap", "plain stream with region addresses");
		return;
	}
	refs[0] = (struct drm_npu_bo_ref){ f->in, DRM_NPU_BO_REF_READ };
	refs[1] = (struct drm_npu_bo_ref){ f->out[0], DRM_NPU_BO_REF_WRITE };
	bytes = drv_copy_stream(cs, NPU_ADDR(R_IN, 0), out.npu_addr, N);
	tap_expect_errno(drv_submit_one(f->fd, cmd, 0, bytes, refs, 2, NULL, 0, 0,
					0, 0, 1), 0, EINVAL,
			 "a plain stream reading a region is refused");
	bytes = drv_copy_stream(cs, in.npu_addr, out.npu_addr, N);
	tap_expect_success(drv_submit_one(f->fd, cmd, 0, bytes, refs, 2, NULL, 0,
					  0, 0, 0, 1), 0,
			   "the same stream with absolute addresses is accepted");

	/* Binaries built before @regions was appended to struct drm_npu_job. */
	job = (struct drm_npu_job){ .cmd_bo = cmd, .cmd_size = bytes,
				    .bo_refs = (uintptr_t)refs, .bo_ref_count = 2 };
	s = (struct drm_npu_submit){ .jobs = (uintptr_t)&job, .job_count = 1,
				     .job_stride = offsetof(struct drm_npu_job, regions),
				     .priority = 1 };
	tap_expect_success(drv_ioctl(f->fd, DRM_IOCTL_NPU_SUBMIT, &s), 0,
			   "the job stride of before regions (%u bytes) is accepted",
			   s.job_stride);
	s.job_stride -= 8;
	tap_expect_errno(drv_ioctl(f->fd, DRM_IOCTL_NPU_SUBMIT, &s), 0, EINVAL,
			 "a stride smaller than that is not");
	drv_bo_close(f->fd, cmd);
}

/* Handles are per file: B cannot run A's object. */
static void test_other_file(struct file *a, struct file *b, uint32_t obj)
{
	struct drm_npu_region regs[3] = {
		[R_IN] = { b->in, 0, 0 }, [R_OUT] = { b->out[0], 0, 0 },
	};

	struct drm_npu_bo_info info;

	(void)a;
	if (!drv_bo_info(b->fd, obj, &info)) {
		tap_skip("B has a buffer with the same handle number",
			 "another file's command object handle");
		return;
	}
	tap_expect_errno(submit_obj(b->fd, obj, regs, 3, NULL, 0, 0, 0, 0), 0,
			 ENOENT, "another file's command object handle is ENOENT");
}

/*
 * A's job (held by vgem) writes buffer X through its output region; X is
 * exported and imported by B, whose own command object copies X.  Only the
 * write set gives A's fence its write: no bo_ref names X.  A closes its
 * object while the job is queued.
 */
static void test_region_fences(struct file *a, struct file *b, int vgem,
			       uint32_t obj_a)
{
	struct drm_npu_cmdstream_create cb;
	struct drm_npu_region regs[3];
	struct drm_npu_bo_ref hold_ref;
	struct drv_handoff h;
	const char *step;
	uint32_t bytes;
	int ret;
	struct pollfd p = { .fd = -1, .events = POLLIN };

	ret = drv_handoff_init(&h, vgem, a->fd, a->out[0], b->fd, &step);
	if (!tap_expect_success(ret, 0, "%s", step))
		goto out;
	bytes = drv_copy_stream(user_cs, NPU_ADDR(R_IN, 0), NPU_ADDR(R_OUT, 0), N);
	if (!tap_expect_success(create(b->fd, user_cs, bytes, &cb), 0,
				"B's command object"))
		goto out;

	fill_input(a, 77);
	memset(a->out_map[0], 0, N);
	memset(b->out_map[0], 0xee, N);

	hold_ref = (struct drm_npu_bo_ref){ h.hold, DRM_NPU_BO_REF_READ };
	regs[0] = (struct drm_npu_region){ 0 };
	regs[R_IN] = (struct drm_npu_region){ a->in, 0, 0 };
	regs[R_OUT] = (struct drm_npu_region){ a->out[0], 0, 0 };
	drmSyncobjCreate(a->fd, 0, &h.out_a);
	a->st[1].status = 1;
	if (!tap_expect_success(submit_obj(a->fd, obj_a, regs, 3, &hold_ref, 1,
					   h.out_a, a->stats, sizeof(a->st[0])),
				0, "A's object job writing X, held by vgem"))
		goto signal;
	tap_expect_success(drv_bo_close(a->fd, obj_a), 0,
			   "A closes its command object with the job queued");

	p.fd = h.xfd;
	tap_ok(poll(&p, 1, 0) == 0,
	       "a CPU reader of the dma-buf waits for the region write (poll)");

	regs[R_IN] = (struct drm_npu_region){ h.x_in_b, 0, 0 };
	regs[R_OUT] = (struct drm_npu_region){ b->out[0], 0, 0 };
	drmSyncobjCreate(b->fd, 0, &h.out_b);
	b->st[1].status = 1;
	tap_expect_success(submit_obj(b->fd, cb.handle, regs, 3, NULL, 0, h.out_b,
				      b->stats, sizeof(b->st[0])), 0,
			   "B's object job reading X through a region");
	tap_expect_errno(wait_sync(b->fd, h.out_b, 1000), 0, ETIME,
			 "B's job waits while A's is held");
	tap_ok(b->out_map[0][0] == 0xee && b->out_map[0][N - 1] == 0xee,
	       "B's output untouched meanwhile");

signal:
	tap_expect_success(drv_vgem_signal(vgem, h.fence), 0, "release A");
	/* Waited for before the stats are read (argument order). */
	if (h.out_a) {
		ret = wait_sync(a->fd, h.out_a, 30000);
		tap_ok(!ret && a->st[1].status == 0,
		       "A ends after its object was closed (wait %d, status %d)",
		       ret, a->st[1].status);
	}
	if (h.out_b) {
		ret = wait_sync(b->fd, h.out_b, 30000);
		tap_ok(!ret && b->st[1].status == 0,
		       "B ends (wait %d, status %d)", ret, b->st[1].status);
		tap_ok(equals_input(b->out_map[0], 77), "B read what A wrote");
	}
	if (h.out_a)
		tap_ok(poll(&p, 1, 0) == 1, "the dma-buf is readable after A's write");
out:
	drv_handoff_fini(&h);
}

int main(void)
{
	struct drm_npu_device_info info;
	struct file a, b;
	uint32_t obj;
	int vgem;

	if (file_open(&a) || file_open(&b))
		tap_bail("no NPU device");
	if (drv_query_info(a.fd, &info))
		tap_bail("DRM_NPU_QUERY_DEVICE_INFO failed");
	if (!(info.fw_features & NPU_FW_FEAT_REGIONS))
		tap_bail("firmware 0x%06x without NPU_FW_FEAT_REGIONS", info.fw_version);

	obj = test_create_and_run(&a);
	if (!obj)
		tap_bail("no command object");
	test_bad_bindings(&a, obj);
	test_bad_create(&a, obj);
	test_plain_with_regions(&a);
	test_other_file(&a, &b, obj);
	vgem = drv_vgem_open();
	if (vgem < 0) {
		tap_fail("no vgem device (the VM harness loads vgem)",
			 "fences of a region write");
	} else {
		test_region_fences(&a, &b, vgem, obj);
		close(vgem);
	}
	return tap_finish();
}
