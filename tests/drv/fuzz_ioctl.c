// SPDX-License-Identifier: MIT
/*
 * Seeded random ioctl fuzzer: every ioctl of npu.ko (QUERY, BO_CREATE,
 * BO_MMAP_OFFSET, BO_INFO, BO_WAIT, SUBMIT, CMDSTREAM_CREATE) and the DRM
 * core ones a client uses with it (GEM_CLOSE, syncobjs, PRIME export and
 * import, mmap), valid and hostile calls mixed, from several threads of
 * forked children sharing two files, handles, syncobjs and dma-bufs.  A
 * child kills itself (SIGKILL) at a point its seed picks, or exits with
 * everything open, or closes everything; threads replace a file under the
 * others (dup2) and fork grandchildren that use the inherited files.  The
 * simulator's fault injection (hangs, lost interrupts, MMU faults, slow
 * jobs) runs underneath.
 *
 * Checked: no call fails with an errno outside what the uapi documents
 * (ENOMEM, EIO, ENODEV... are findings), every ioctl both succeeded and
 * failed, every child ends by its exit or its own SIGKILL, its files are
 * released, and after each child the device runs a valid job of another
 * file with the right result.  The kernel log (oops, WARN, KASAN,
 * lockdep, kmemleak on the debug kernel, hung task) is the VM harness's
 * check.  The sequence of calls of each thread is fixed by the seed; how
 * the threads interleave is not.
 *
 * usage: fuzz_ioctl [CALLS [SEED]]  (default 6000 calls, or
 *        $NPU_FUZZ_IOCTL_CALLS and $NPU_FUZZ_IOCTL_SEED)
 * vm-test: reload --npu-param job_timeout_ms=300 timeout=1200
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <xf86drm.h>

#include "lib/drv_util.h"
#include "npu_cmdstream.h"
#include "tap.h"

#define THREADS		3
#define NFDS		2
#define TAB		48	/* slots of each shared table */
#define DATA		(64 * 1024)
#define CMD		(64 * 1024)
#define SLOT		1024	/* bytes of stream per submit slot */
#define MAXMAPS		8
#define JOBS_MAX	66
#define MAXERR		140	/* errno values counted one by one */

enum op {
	OP_QUERY, OP_BO_CREATE, OP_GEM_CLOSE, OP_MMAP_OFFSET, OP_MMAP,
	OP_BO_INFO, OP_BO_WAIT, OP_SUBMIT, OP_CMDSTREAM_CREATE, OP_SUBMIT_OBJ,
	OP_SYNCOBJ, OP_PRIME_EXPORT, OP_PRIME_IMPORT, NCOUNTED,
	/* not counted: */
	OP_REOPEN = NCOUNTED, OP_FORK, OP_CHAOS, NOPS
};

static const char *const op_name[NCOUNTED] = {
	"QUERY", "BO_CREATE", "GEM_CLOSE", "BO_MMAP_OFFSET", "mmap",
	"BO_INFO", "BO_WAIT", "SUBMIT", "CMDSTREAM_CREATE",
	"SUBMIT (command object)", "syncobj", "PRIME export", "PRIME import",
};

/* Results, in memory shared with the children (survives their SIGKILL). */
struct shared {
	unsigned long ok[NCOUNTED], fail[NCOUNTED];
	unsigned long err[NCOUNTED][MAXERR];
	unsigned long unexpected;
	int bad_op[8], bad_err[8];
	unsigned long calls;
};

static struct shared *sh;
static char sim[512];

struct tab {
	pthread_mutex_t lock;
	uint32_t h[TAB];
	int fdi[TAB];
};

/* State of one child, shared by its threads. */
static int fds[NFDS];
static struct tab bos, syncs, objs;
static pthread_mutex_t dfd_lock = PTHREAD_MUTEX_INITIALIZER;
static int dfds[TAB];
/* Bumped when file 0 is replaced: the threads make their buffers again. */
static unsigned int gen0;

struct thr;
static int is_private(uint32_t h);

struct thr {
	uint64_t rng;
	int id;
	unsigned int ops, kill_at, gen;
	uint32_t cmd, a, b, st;
	uint64_t a_va, b_va;
	uint32_t *cs;
	unsigned int slot;
	void *maps[MAXMAPS];
	size_t map_len[MAXMAPS];
	unsigned char jobs[JOBS_MAX * (sizeof(struct drm_npu_job) + 8)];
};

static uint32_t rnd(struct thr *t)
{
	t->rng ^= t->rng << 13;
	t->rng ^= t->rng >> 7;
	t->rng ^= t->rng << 17;
	return (uint32_t)(t->rng >> 16);
}

static int chance(struct thr *t, unsigned int n)
{
	return rnd(t) % n == 0;
}

static uint64_t interesting64(struct thr *t)
{
	static const uint64_t v[] = {
		0, 1, 3, 4, 7, 8, 63, 64, 4095, 4096, 4097, 65536, 1u << 20,
		(1u << 20) + 4, 0x7fffffff, 0x80000000, 0xfffffffc, 0xffffffff,
		0x100000000ull, 256ull << 20, (256ull << 20) + 1,
		0x7fffffffffffffffull, 0xfffffffffffff000ull, ~0ull,
	};

	return chance(t, 4) ? rnd(t) : v[rnd(t) % (sizeof(v) / sizeof(v[0]))];
}

/* A user pointer: valid @good, NULL, unmapped, kernel or misaligned. */
static uint64_t hostile_ptr(struct thr *t, const void *good)
{
	switch (rnd(t) % 8) {
	case 0:
		return 0;
	case 1:
		return 0xffff888000000000ull;	/* kernel direct map */
	case 2:
		return 4096;			/* never mapped */
	case 3:
		return (uintptr_t)good + 1;
	default:
		return (uintptr_t)good;
	}
}

static int64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* ---- results ---- */

static int allowed(int err)
{
	switch (err) {
	case EINVAL: case ENOENT: case EFAULT: case E2BIG: case ENOSPC:
	case EPERM: case EACCES: case EBUSY: case ECANCELED: case EOPNOTSUPP:
	case ETIMEDOUT: case ETIME: case EBADF: case ENOTTY: case EINTR:
	case EAGAIN:
		return 1;
	default:
		return 0;
	}
}

/* Records the result of one call: @ret 0 or -errno. */
static int note(enum op op, int ret)
{
	__atomic_fetch_add(&sh->calls, 1, __ATOMIC_RELAXED);
	if (!ret) {
		__atomic_fetch_add(&sh->ok[op], 1, __ATOMIC_RELAXED);
		return ret;
	}
	__atomic_fetch_add(&sh->fail[op], 1, __ATOMIC_RELAXED);
	if (-ret < MAXERR)
		__atomic_fetch_add(&sh->err[op][-ret], 1, __ATOMIC_RELAXED);
	if (!allowed(-ret)) {
		unsigned long n = __atomic_fetch_add(&sh->unexpected, 1,
						     __ATOMIC_RELAXED);

		if (n < 8) {
			sh->bad_op[n] = op;
			sh->bad_err[n] = -ret;
		}
	}
	return ret;
}

/* ---- shared tables ---- */

static void tab_put(struct thr *t, struct tab *tb, uint32_t h, int fdi)
{
	unsigned int i = rnd(t) % TAB;

	pthread_mutex_lock(&tb->lock);
	tb->h[i] = h;	/* a handle pushed out stays open: a leak to clean */
	tb->fdi[i] = fdi;
	pthread_mutex_unlock(&tb->lock);
}

/* A handle: mostly from the table, sometimes a random or stale one. */
static uint32_t tab_pick(struct thr *t, struct tab *tb, int *fdi, int take)
{
	unsigned int i = rnd(t) % TAB, n;
	uint32_t h;

	if (chance(t, 10)) {
		*fdi = rnd(t) % NFDS;
		h = chance(t, 2) ? rnd(t) % 128 : rnd(t);
		/* Stale and unknown handles, never another thread's own. */
		return take && is_private(h) ? 0 : h;
	}
	pthread_mutex_lock(&tb->lock);
	for (n = 0; n < TAB && !tb->h[(i + n) % TAB]; n++)
		;	/* the next used slot, mostly */
	i = (i + n) % TAB;
	h = tb->h[i];
	*fdi = tb->fdi[i];
	if (take)
		tb->h[i] = 0;
	pthread_mutex_unlock(&tb->lock);
	if (chance(t, 16))
		*fdi = !*fdi;	/* another file's handle */
	return h;
}

static int call(int fdi, unsigned long req, void *arg)
{
	return drv_ioctl(fds[fdi], req, arg);
}

/* ---- the operations ---- */

static void op_query(struct thr *t)
{
	static const uint32_t types[] = { 0, 1, 2, 0xffffffff };
	unsigned char buf[4096];
	struct drm_npu_query q = {
		.type = chance(t, 3) ? types[rnd(t) % 4] : rnd(t) % 2,
		.data = hostile_ptr(t, buf),
	};

	switch (rnd(t) % 4) {
	case 0: q.size = 0; break;
	case 1: q.size = rnd(t) % 128; break;
	case 2: q.size = sizeof(buf); break;
	default: q.size = sizeof(struct drm_npu_device_info); break;
	}
	note(OP_QUERY, call(rnd(t) % NFDS, DRM_IOCTL_NPU_QUERY, &q));
}

static void op_bo_create(struct thr *t)
{
	struct drm_npu_bo_create c = {
		.size = 4096 * (1 + rnd(t) % 16),
		.flags = chance(t, 4) ? rnd(t) % 4 : 0,
	};
	int fdi = rnd(t) % NFDS, ret, big;

	if (chance(t, 4))
		c.size = interesting64(t);
	if (chance(t, 8))
		c.flags = rnd(t);
	c.handle = chance(t, 8) ? rnd(t) : 0;	/* out field: ignored */
	big = c.size > DATA;
	ret = note(OP_BO_CREATE, call(fdi, DRM_IOCTL_NPU_BO_CREATE, &c));
	if (ret)
		return;
	/* Large ones are not kept: jobs would pin them. */
	if (big) {
		struct drm_gem_close cl = { .handle = c.handle };

		note(OP_GEM_CLOSE, call(fdi, DRM_IOCTL_GEM_CLOSE, &cl));
	} else {
		tab_put(t, &bos, c.handle, fdi);
	}
}

static void op_gem_close(struct thr *t)
{
	struct drm_gem_close cl;
	struct tab *tb = chance(t, 4) ? &objs : &bos;
	int fdi;

	memset(&cl, 0, sizeof(cl));
	cl.handle = tab_pick(t, tb, &fdi, 1);
	if (chance(t, 16))
		cl.pad = rnd(t);
	note(OP_GEM_CLOSE, call(fdi, DRM_IOCTL_GEM_CLOSE, &cl));
}

static void op_mmap_offset(struct thr *t)
{
	struct drm_npu_bo_mmap_offset m = { 0 };
	int fdi;

	m.handle = tab_pick(t, chance(t, 8) ? &objs : &bos, &fdi, 0);
	if (chance(t, 8))
		m.pad = rnd(t) | 1;
	note(OP_MMAP_OFFSET, call(fdi, DRM_IOCTL_NPU_BO_MMAP_OFFSET, &m));
}

/*
 * Maps a buffer (or a stale offset), touches it, and keeps the mapping for
 * a while: it outlives the handle when another thread closes it.
 */
static void op_mmap(struct thr *t)
{
	struct drm_npu_bo_mmap_offset m = { 0 };
	unsigned int i = rnd(t) % MAXMAPS;
	size_t len = 4096 * (1 + (chance(t, 4) ? rnd(t) % 32 : 0));
	int fdi, ret;
	void *p;

	if (t->maps[i]) {
		munmap(t->maps[i], t->map_len[i]);
		t->maps[i] = NULL;
	}
	m.handle = tab_pick(t, &bos, &fdi, 0);
	ret = call(fdi, DRM_IOCTL_NPU_BO_MMAP_OFFSET, &m);
	if (ret)
		return;
	if (chance(t, 4)) {
		/* The handle goes first: the offset must not outlive it. */
		struct drm_gem_close cl = { .handle = m.handle };

		call(fdi, DRM_IOCTL_GEM_CLOSE, &cl);
	}
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fds[fdi],
		 chance(t, 16) ? m.offset + 4096 : m.offset);
	if (p == MAP_FAILED) {
		note(OP_MMAP, -errno);
		return;
	}
	note(OP_MMAP, 0);
	((volatile unsigned char *)p)[0] ^= 1;
	t->maps[i] = p;
	t->map_len[i] = len;
}

static void op_bo_info(struct thr *t)
{
	struct drm_npu_bo_info in = { 0 };
	int fdi;

	in.handle = tab_pick(t, chance(t, 8) ? &objs : &bos, &fdi, 0);
	note(OP_BO_INFO, call(fdi, DRM_IOCTL_NPU_BO_INFO, &in));
}

static void op_bo_wait(struct thr *t)
{
	struct drm_npu_bo_wait w = { 0 };
	int fdi;

	w.handle = tab_pick(t, &bos, &fdi, 0);
	if (chance(t, 8))
		w.pad = rnd(t) | 1;
	switch (rnd(t) % 4) {
	case 0: w.timeout_ns = 0; break;
	case 1: w.timeout_ns = -1 - (int64_t)rnd(t); break;
	default: w.timeout_ns = now_ns() + (rnd(t) % 5) * 1000000; break;
	}
	note(OP_BO_WAIT, call(fdi, DRM_IOCTL_NPU_BO_WAIT, &w));
}

/* One stream in the thread's command buffer; returns its byte offset. */
static uint32_t put_stream(struct thr *t, uint32_t *size, int *writes_b)
{
	uint32_t off = (t->slot++ % (CMD / SLOT)) * SLOT;
	uint32_t *w = t->cs + off / 4, n, i;

	*writes_b = 0;
	switch (rnd(t) % 4) {
	case 0:
		*size = drv_nop_stream(w, rnd(t) % 8) * 4;
		break;
	case 1:
	case 2:
		n = 1 + rnd(t) % 4096;
		*size = drv_copy_stream(w, t->a_va + rnd(t) % (DATA - n),
					t->b_va + rnd(t) % (DATA - n), n);
		*writes_b = 1;
		break;
	default:	/* a valid start, then random words */
		n = drv_nop_stream(w, 0);
		for (i = n; i < n + rnd(t) % 64; i++)
			w[i] = chance(t, 2) ? rnd(t) :
			       NPU_CS_HDR(rnd(t) % (NPU_CMD_COUNT + 2),
					  1 + rnd(t) % 40);
		*size = i * 4;
		break;
	}
	return off;
}

/* Syncobjs by handle: of the job's file, or not (another file's number). */
static void add_syncs(struct thr *t, struct drm_npu_job *j, uint32_t *in)
{
	int f;

	if (chance(t, 3))
		j->out_sync = tab_pick(t, &syncs, &f, 0);
	if (chance(t, 4)) {
		unsigned int i;

		j->in_sync_count = 1 + rnd(t) % 3;
		for (i = 0; i < j->in_sync_count; i++)
			in[i] = tab_pick(t, &syncs, &f, 0);
		j->in_syncs = hostile_ptr(t, in);
	}
}

/* One field of @j set to something hostile. */
static void mutate_job(struct thr *t, struct drm_npu_job *j)
{
	uint64_t v = interesting64(t);

	switch (rnd(t) % 14) {
	case 0: j->cmd_bo = v; break;
	case 1: j->cmd_offset = v; break;
	case 2: j->cmd_size = v; break;
	case 3: j->flags = v; break;
	case 4: j->bo_refs = hostile_ptr(t, (void *)(uintptr_t)j->bo_refs); break;
	case 5: j->bo_ref_count = v; break;
	case 6: j->in_sync_count = v; break;
	case 7: j->out_sync = v; break;
	case 8: j->stats_bo = v; break;
	case 9: j->stats_offset = v; break;
	case 10: j->pad = v | 1; break;
	case 11: j->regions = v; break;
	case 12: j->region_count = v; break;
	default: j->pad2 = v | 1; break;
	}
}

/* The submit ioctl around @n jobs at t->jobs, strides and fields varied. */
static int submit_jobs(struct thr *t, int fdi, struct drm_npu_job *js,
		       unsigned int n, enum op op)
{
	struct drm_npu_submit s = {
		.jobs = (uintptr_t)t->jobs,
		.job_count = n,
		.job_stride = sizeof(struct drm_npu_job),
		.priority = chance(t, 4) ? rnd(t) % 4 : 1,
	};
	unsigned int i;

	switch (rnd(t) % 24) {
	case 0:		/* an older caller, without the region fields */
		s.job_stride = offsetof(struct drm_npu_job, regions);
		break;
	case 1:		/* a newer one: zero tail, or not */
		s.job_stride = sizeof(struct drm_npu_job) + 8;
		break;
	case 2:
		s.job_stride = chance(t, 2) ? 4097 : rnd(t) % 64;
		break;
	default:
		break;
	}
	memset(t->jobs, 0, sizeof(t->jobs));
	for (i = 0; i < n && i < JOBS_MAX && s.job_stride <= 4096 &&
	     (size_t)(i + 1) * s.job_stride <= sizeof(t->jobs); i++) {
		size_t len = s.job_stride < sizeof(js[i]) ? s.job_stride :
			     sizeof(js[i]);

		memcpy(t->jobs + i * s.job_stride, &js[i], len);
		if (s.job_stride > sizeof(js[i]) && chance(t, 4))
			t->jobs[i * s.job_stride + sizeof(js[i])] = 1;
	}
	if (chance(t, 32))
		s.flags = rnd(t) | 1;
	if (chance(t, 32))
		s.job_count = chance(t, 2) ? 0 : 65;
	if (chance(t, 32))
		s.jobs = hostile_ptr(t, t->jobs);
	return note(op, call(fdi, DRM_IOCTL_NPU_SUBMIT, &s));
}

static void op_submit(struct thr *t)
{
	struct drm_npu_job js[4];
	struct drm_npu_bo_ref refs[4][4];
	uint32_t in[4][3];
	unsigned int n = chance(t, 4) ? 1 + rnd(t) % 4 : 1, i;

	memset(js, 0, sizeof(js));
	for (i = 0; i < n; i++) {
		struct drm_npu_job *j = &js[i];
		int wb, f;

		j->cmd_bo = t->cmd;
		j->cmd_offset = put_stream(t, &j->cmd_size, &wb);
		refs[i][0] = (struct drm_npu_bo_ref){ t->a, DRM_NPU_BO_REF_READ };
		refs[i][1] = (struct drm_npu_bo_ref){
			t->b, DRM_NPU_BO_REF_READ | DRM_NPU_BO_REF_WRITE };
		j->bo_ref_count = 2;
		if (chance(t, 4)) {	/* a shared buffer, for implicit sync */
			refs[i][2].handle = tab_pick(t, &bos, &f, 0);
			refs[i][2].flags = 1 + rnd(t) % 3;
			j->bo_ref_count = 3;
		}
		if (chance(t, 8)) {	/* a dma-buf import or a command object */
			refs[i][j->bo_ref_count].handle =
				tab_pick(t, chance(t, 2) ? &objs : &bos, &f, 0);
			refs[i][j->bo_ref_count++].flags = 1 + rnd(t) % 3;
		}
		if (chance(t, 16))
			refs[i][0].flags = rnd(t);
		j->bo_refs = (uintptr_t)refs[i];
		if (chance(t, 2)) {
			j->stats_bo = t->st;
			j->stats_offset = (rnd(t) % 64) * 64;
		}
		add_syncs(t, j, in[i]);
		if (chance(t, 6))
			mutate_job(t, j);
	}
	submit_jobs(t, 0, js, n, OP_SUBMIT);
}

static void op_cmdstream_create(struct thr *t)
{
	uint32_t w[SLOT / 4];
	struct drm_npu_cmdstream_create c;
	uint32_t n = 64 * (1 + rnd(t) % 64);
	int fdi = rnd(t) % NFDS, ret;

	memset(&c, 0, sizeof(c));
	c.size = drv_copy_stream(w, NPU_ADDR(NPU_REGION_CONST, 0),
				 NPU_ADDR(NPU_REGION_ARENA,
					  64 * (rnd(t) % 16)), n);
	if (chance(t, 4))
		w[rnd(t) % (c.size / 4)] ^= 1u << (rnd(t) % 32);
	c.data = hostile_ptr(t, w);
	switch (rnd(t) % 12) {
	case 0: c.size = interesting64(t); break;
	case 1: c.flags = rnd(t) | 1; break;
	case 2: c.pad = rnd(t) | 1; break;
	case 3: c.handle = rnd(t); c.region_count = rnd(t); break;	/* out */
	default: break;
	}
	ret = note(OP_CMDSTREAM_CREATE,
		   call(fdi, DRM_IOCTL_NPU_CMDSTREAM_CREATE, &c));
	if (!ret)
		tab_put(t, &objs, c.handle, fdi);
}

static void op_submit_obj(struct thr *t)
{
	struct drm_npu_region regs[DRM_NPU_MAX_REGIONS + 1];
	struct drm_npu_job j;
	uint32_t in[3];
	int fdi, f;

	memset(&j, 0, sizeof(j));
	memset(regs, 0, sizeof(regs));
	j.flags = DRM_NPU_JOB_CMDSTREAM_OBJECT;
	j.cmd_bo = tab_pick(t, &objs, &fdi, 0);
	regs[NPU_REGION_CONST].handle = t->a;
	regs[NPU_REGION_ARENA].handle = t->b;
	if (fdi) {	/* the thread's buffers are in file 0 */
		regs[NPU_REGION_CONST].handle = tab_pick(t, &bos, &f, 0);
		regs[NPU_REGION_ARENA].handle = tab_pick(t, &bos, &f, 0);
	}
	j.region_count = NPU_REGION_ARENA + 1;
	switch (rnd(t) % 10) {
	case 0: regs[rnd(t) % 17].offset = interesting64(t); break;
	case 1: regs[rnd(t) % 17].handle = tab_pick(t, &bos, &f, 0); break;
	case 2: regs[rnd(t) % 17].flags = rnd(t) | 1; break;
	case 3: j.region_count = rnd(t) % 18; break;
	case 4: j.regions = hostile_ptr(t, regs); break;
	default: break;
	}
	if (!j.regions)
		j.regions = (uintptr_t)regs;
	if (chance(t, 3)) {
		j.stats_bo = t->st;
		j.stats_offset = (rnd(t) % 64) * 64;
	}
	add_syncs(t, &j, in);
	if (chance(t, 6))
		mutate_job(t, &j);
	submit_jobs(t, fdi, &j, 1, OP_SUBMIT_OBJ);
}

static void op_syncobj(struct thr *t)
{
	uint32_t h;
	int fdi, ret;

	switch (rnd(t) % 5) {
	case 0:
	case 1:
		fdi = rnd(t) % NFDS;
		ret = drmSyncobjCreate(fds[fdi], chance(t, 2) ?
				       DRM_SYNCOBJ_CREATE_SIGNALED : 0, &h);
		note(OP_SYNCOBJ, ret ? -errno : 0);
		if (!ret)
			tab_put(t, &syncs, h, fdi);
		break;
	case 2:
		h = tab_pick(t, &syncs, &fdi, 1);
		note(OP_SYNCOBJ, drmSyncobjDestroy(fds[fdi], h) ? -errno : 0);
		break;
	default:
		h = tab_pick(t, &syncs, &fdi, 0);
		ret = drmSyncobjWait(fds[fdi], &h, 1,
				     now_ns() + (rnd(t) % 3) * 1000000,
				     chance(t, 2) ?
				     DRM_SYNCOBJ_WAIT_FLAGS_WAIT_FOR_SUBMIT : 0,
				     NULL);
		note(OP_SYNCOBJ, ret ? -errno : 0);
		break;
	}
}

static void op_prime_export(struct thr *t)
{
	int fdi, dfd = -1, ret;
	uint32_t h = tab_pick(t, chance(t, 8) ? &objs : &bos, &fdi, 0);
	unsigned int i = rnd(t) % TAB;

	ret = drmPrimeHandleToFD(fds[fdi], h, DRM_CLOEXEC | DRM_RDWR, &dfd);
	note(OP_PRIME_EXPORT, ret ? -errno : 0);
	if (ret)
		return;
	pthread_mutex_lock(&dfd_lock);
	if (dfds[i] > 0)
		close(dfds[i]);
	dfds[i] = dfd;
	pthread_mutex_unlock(&dfd_lock);
	if (chance(t, 3)) {	/* the exporter's handle goes first */
		struct drm_gem_close cl = { .handle = h };

		call(fdi, DRM_IOCTL_GEM_CLOSE, &cl);
	}
}

static void op_prime_import(struct thr *t)
{
	unsigned int i = rnd(t) % TAB;
	int fdi = rnd(t) % NFDS, dfd, ret;
	uint32_t h = 0;

	pthread_mutex_lock(&dfd_lock);
	dfd = dfds[i] > 0 ? dup(dfds[i]) : -1;
	if (dfd >= 0 && chance(t, 3)) {	/* the last fd goes after import */
		close(dfds[i]);
		dfds[i] = 0;
	}
	pthread_mutex_unlock(&dfd_lock);
	if (dfd < 0)
		dfd = chance(t, 2) ? fds[fdi] : 1000;	/* not a dma-buf */
	ret = drmPrimeFDToHandle(fds[fdi], dfd, &h);
	note(OP_PRIME_IMPORT, ret ? -errno : 0);
	if (dfd != fds[fdi] && dfd != 1000)
		close(dfd);
	if (!ret)
		tab_put(t, &bos, h, fdi);
}

/* The file is replaced under the other threads (in flight ioctls keep it). */
static void op_reopen(struct thr *t)
{
	int fdi = rnd(t) % NFDS, fd = drv_open();

	if (fd < 0)
		return;
	dup2(fd, fds[fdi]);
	close(fd);
	if (fdi == 0)
		__atomic_fetch_add(&gen0, 1, __ATOMIC_RELAXED);
}

static void op_fork(struct thr *t)
{
	pid_t pid = fork();
	int i;

	if (pid)
		return;
	/* Only this thread exists here: no table locks, raw handles. */
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	for (i = 0; i < 8; i++) {
		struct drm_npu_bo_info in = { .handle = 1 + rnd(t) % 64 };
		struct drm_gem_close cl = { .handle = 1 + rnd(t) % 64 };

		if (is_private(cl.handle))
			cl.handle = 0;

		drv_ioctl(fds[rnd(t) % NFDS], DRM_IOCTL_NPU_BO_INFO, &in);
		if (chance(t, 2))
			drv_ioctl(fds[rnd(t) % NFDS], DRM_IOCTL_GEM_CLOSE, &cl);
		if (chance(t, 2))
			drv_submit_one(fds[0], t->cmd, 0,
				       drv_nop_stream(t->cs, 1) * 4, NULL, 0,
				       NULL, 0, 0, t->st, 0, 1);
	}
	if (chance(t, 2))
		raise(SIGKILL);
	_exit(0);
}

/* The simulator's fault injection (cleared by the parent after a child). */
static void op_chaos(struct thr *t)
{
	static const char *const knob[] = {
		"hang_next_job", "drop_next_irq", "fault_next_write", "delay_ms",
	};
	unsigned int k = rnd(t) % 4;

	if (sim[0])
		drv_debugfs_write(sim, knob[k], k == 3 ? rnd(t) % 4 : 1);
}

static struct thr thr[THREADS];

static int is_private(uint32_t h)
{
	unsigned int i;

	for (i = 0; i < THREADS; i++)
		if (h && (h == thr[i].cmd || h == thr[i].a || h == thr[i].b ||
			  h == thr[i].st))
			return 1;
	return 0;
}

/* The thread's own buffers, in file 0. */
static int thr_setup(struct thr *t)
{
	if (t->cs)
		munmap(t->cs, CMD);
	t->cs = NULL;
	t->gen = __atomic_load_n(&gen0, __ATOMIC_RELAXED);
	if (drv_bo_create(fds[0], CMD, 0, &t->cmd, NULL) ||
	    drv_bo_create(fds[0], DATA, 0, &t->a, &t->a_va) ||
	    drv_bo_create(fds[0], DATA, 0, &t->b, &t->b_va) ||
	    drv_bo_create(fds[0], 4096, 0, &t->st, NULL))
		return -1;
	t->cs = drv_bo_mmap(fds[0], t->cmd, CMD);
	return t->cs ? 0 : -1;
}

static void *thread_main(void *arg)
{
	struct thr *t = arg;
	unsigned int i;

	for (i = 0; i < t->ops; i++) {
		unsigned int r = rnd(t) % 1000;

		if (t->id == 0 && i == t->kill_at)
			raise(SIGKILL);
		if (t->gen != __atomic_load_n(&gen0, __ATOMIC_RELAXED) &&
		    thr_setup(t))
			break;	/* file 0 is not an NPU file any more */
		if (r < 60) op_query(t);
		else if (r < 170) op_bo_create(t);
		else if (r < 240) op_gem_close(t);
		else if (r < 290) op_mmap_offset(t);
		else if (r < 340) op_mmap(t);
		else if (r < 400) op_bo_info(t);
		else if (r < 450) op_bo_wait(t);
		else if (r < 640) op_submit(t);
		else if (r < 710) op_cmdstream_create(t);
		else if (r < 800) op_submit_obj(t);
		else if (r < 880) op_syncobj(t);
		else if (r < 930) op_prime_export(t);
		else if (r < 980) op_prime_import(t);
		else if (r < 984) op_reopen(t);
		else if (r < 988) op_fork(t);
		else if (t->id == 0) op_chaos(t);
		else op_query(t);
	}
	return NULL;
}

static int child(uint64_t seed, unsigned int calls)
{
	pthread_t tid[THREADS];
	struct thr mode = { .rng = seed ^ 0x9e3779b97f4a7c15ull };
	unsigned int i, m;

	for (i = 0; i < NFDS; i++) {
		fds[i] = drv_open();
		if (fds[i] < 0)
			return 2;
	}
	pthread_mutex_init(&bos.lock, NULL);
	pthread_mutex_init(&syncs.lock, NULL);
	pthread_mutex_init(&objs.lock, NULL);
	rnd(&mode);
	m = rnd(&mode) % 3;	/* 0: own SIGKILL, 1: exit, 2: clean up */
	for (i = 0; i < THREADS; i++) {
		thr[i].rng = (seed + i * 0x100000001b3ull) | 1;
		thr[i].id = i;
		thr[i].ops = calls / THREADS;
		thr[i].kill_at = m ? ~0u : rnd(&mode) % (thr[i].ops + 1);
		if (thr_setup(&thr[i]))
			return 2;
	}
	for (i = 0; i < THREADS; i++)
		if (pthread_create(&tid[i], NULL, thread_main, &thr[i]))
			return 2;
	for (i = 0; i < THREADS; i++)
		pthread_join(tid[i], NULL);
	while (waitpid(-1, NULL, 0) > 0)
		;
	if (m == 1)
		_exit(0);	/* the kernel closes everything */
	for (i = 0; i < TAB; i++) {
		struct drm_gem_close cl = { .handle = bos.h[i] };

		if (bos.h[i])
			drv_ioctl(fds[bos.fdi[i]], DRM_IOCTL_GEM_CLOSE, &cl);
		if (dfds[i] > 0)
			close(dfds[i]);
	}
	for (i = 0; i < NFDS; i++)
		close(fds[i]);
	return 0;
}

/* ---- parent ---- */

/* A copy job of the parent's file: right bytes and status 0. */
static int control_job(int fd)
{
	static uint32_t cmd, a, b, st, out;
	static uint64_t a_va, b_va;
	static unsigned char *am, *bm;
	static uint32_t *cs;
	static struct drm_npu_job_stats *stats;
	struct drm_npu_bo_ref refs[2];
	static unsigned int round;
	uint32_t size, i;

	if (!cs) {
		if (drv_bo_create(fd, 4096, 0, &cmd, NULL) ||
		    drv_bo_create(fd, 4096, 0, &a, &a_va) ||
		    drv_bo_create(fd, 4096, 0, &b, &b_va) ||
		    drv_bo_create(fd, 4096, 0, &st, NULL) ||
		    drmSyncobjCreate(fd, 0, &out))
			return -1;
		cs = drv_bo_mmap(fd, cmd, 4096);
		am = drv_bo_mmap(fd, a, 4096);
		bm = drv_bo_mmap(fd, b, 4096);
		stats = drv_bo_mmap(fd, st, 4096);
		if (!cs || !am || !bm || !stats)
			return -1;
	}
	round++;
	for (i = 0; i < 4096; i++)
		am[i] = (unsigned char)(i * 7 + round);
	memset(bm, 0, 4096);
	memset(stats, 0x55, sizeof(*stats));
	size = drv_copy_stream(cs, a_va, b_va, 4096);
	refs[0] = (struct drm_npu_bo_ref){ a, DRM_NPU_BO_REF_READ };
	refs[1] = (struct drm_npu_bo_ref){ b, DRM_NPU_BO_REF_WRITE };
	if (drv_submit_one(fd, cmd, 0, size, refs, 2, NULL, 0, out, st, 0, 1))
		return -2;
	if (drmSyncobjWait(fd, &out, 1, now_ns() + 60000000000ll, 0, NULL))
		return -3;
	if (stats->status)
		return stats->status;
	return memcmp(am, bm, 4096) ? -4 : 0;
}

static void clear_faults(void)
{
	if (!sim[0])
		return;
	drv_debugfs_write(sim, "hang_next_job", 0);
	drv_debugfs_write(sim, "drop_next_irq", 0);
	drv_debugfs_write(sim, "fault_next_write", 0);
	drv_debugfs_write(sim, "delay_ms", 0);
}

int main(int argc, char **argv)
{
	const char *ec = getenv("NPU_FUZZ_IOCTL_CALLS");
	const char *es = getenv("NPU_FUZZ_IOCTL_SEED");
	unsigned int calls = argc > 1 ? strtoul(argv[1], NULL, 0) :
			     ec ? strtoul(ec, NULL, 0) : 6000;
	uint64_t seed = argc > 2 ? strtoull(argv[2], NULL, 0) :
			es ? strtoull(es, NULL, 0) : 0x10c71f22;
	unsigned int per_child = 1000, rounds, r, i, bad_end = 0, leaked = 0;
	unsigned int bad_control = 0, killed = 0, never = 0, failed_ops = 0;
	struct drm_npu_counters c0 = { 0 }, c1 = { 0 };
	char accel[512];
	int fd, control;

	if (drv_sim_debugfs(sim, sizeof(sim)))
		sim[0] = 0;
	if (drv_drm_debugfs(accel, sizeof(accel)))
		tap_bail("needs the debugfs of npu");
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	fd = drv_open();
	if (sh == MAP_FAILED || fd < 0)
		tap_bail("no NPU device");
	rounds = (calls + per_child - 1) / per_child;
	tap_diag("%u calls in %u children of %u threads, seed 0x%llx%s",
		 calls, rounds, THREADS, (unsigned long long)seed,
		 sim[0] ? "" : " (no fault injection: no npu_sim debugfs)");

	control = control_job(fd);
	tap_ok(!control, "a valid job of another file runs before (%d)",
	       control);
	drv_query_counters(fd, &c0);
	for (r = 0; r < rounds; r++) {
		unsigned int n = calls - r * per_child < per_child ?
				 calls - r * per_child : per_child;
		uint64_t cseed = seed * 0x2545f4914f6cdd1dull + r + 1;
		int status = 0, c = -1;
		pid_t pid;

		fflush(stdout);
		pid = fork();
		if (pid < 0)
			tap_bail("fork");
		if (!pid)
			_exit(child(cseed, n));
		for (i = 0; i < 6000; i++) {	/* 10 minutes */
			if (waitpid(pid, &status, WNOHANG) == pid)
				break;
			usleep(100000);
		}
		if (i == 6000) {
			never++;
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
		}
		if (WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)
			killed++;
		else if (!WIFEXITED(status) || WEXITSTATUS(status))
			bad_end++;
		/* Its files go once its jobs have ended. */
		for (i = 0; i < 1200; i++) {
			c = drv_count_clients(accel);
			if (c == 1)
				break;
			usleep(100000);
		}
		if (c != 1) {
			leaked++;
			tap_diag("child %u: %d files still open", r, c);
		}
		clear_faults();
		control = control_job(fd);
		if (control) {
			bad_control++;
			tap_diag("child %u: the control job gave %d", r, control);
		}
	}

	drv_query_counters(fd, &c1);
	tap_diag("%lu calls: %u children killed themselves; device: %llu jobs ok, %llu failed, %llu resets, %llu MMU faults",
		 sh->calls, killed,
		 (unsigned long long)(c1.jobs_completed - c0.jobs_completed),
		 (unsigned long long)(c1.jobs_failed - c0.jobs_failed),
		 (unsigned long long)(c1.resets - c0.resets),
		 (unsigned long long)(c1.mmu_faults - c0.mmu_faults));
	for (i = 0; i < NCOUNTED; i++) {
		char errs[512] = "";
		size_t len = 0;
		int e;

		for (e = 1; e < MAXERR && len < sizeof(errs) - 32; e++)
			if (sh->err[i][e])
				len += snprintf(errs + len, sizeof(errs) - len,
						" %s %lu", strerrorname_np(e),
						sh->err[i][e]);
		tap_diag("%-24s %6lu ok %6lu failed:%s", op_name[i], sh->ok[i],
			 sh->fail[i], errs);
		if (!sh->ok[i] || !sh->fail[i])
			failed_ops++;
	}
	for (i = 0; i < sh->unexpected && i < 8; i++)
		tap_diag("unexpected: %s failed with %s", op_name[sh->bad_op[i]],
			 strerror(sh->bad_err[i]));
	tap_ok(!sh->unexpected, "no call failed with an errno the uapi does not document (%lu did)",
	       sh->unexpected);
	tap_ok(!failed_ops, "every call both succeeded and failed");
	tap_ok(!bad_end && !never, "every child ended by its exit or its own SIGKILL");
	tap_ok(!leaked, "every child's files were released");
	tap_ok(!bad_control, "after every child a valid job of another file ran right");
	close(fd);
	return tap_finish();
}
