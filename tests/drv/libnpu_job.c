// SPDX-License-Identifier: MIT
/*
 * libnpu job API against the driver (run in the VM): NOP and COPY jobs,
 * command objects with their regions, wait, stats, sync_file export and
 * in-fences, batches, pipelining, bad streams and writes to read-only
 * buffers.
 *
 * A job held in the simulator must not be taken for a hang while the test
 * holds it; the hung-job case waits for the timeout.
 *
 * vm-test: reload --npu-param job_timeout_ms=10000
 */
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "npu.h"
#include "npu_cmdstream.h"
#include "tap.h"

#define SEC_NS 1000000000LL

struct stream {
	uint32_t words[256];
	size_t count;
};

static void emit(struct stream *s, uint32_t op, const void *params, size_t size)
{
	size_t words = 1 + size / 4;

	s->words[s->count++] = NPU_CS_HDR(op, words);
	if (size)
		memcpy(&s->words[s->count], params, size);
	s->count += size / 4;
}

static void begin(struct stream *s)
{
	struct npu_stream_params p = { .version = NPU_CS_VERSION };

	s->count = 0;
	emit(s, NPU_CMD_STREAM, &p, sizeof(p));
}

/* Puts the stream at offset in the command buffer; returns its byte size. */
static uint32_t place(struct npu_bo *cmd, uint32_t offset, const struct stream *s)
{
	void *ptr;

	if (npu_bo_map(cmd, &ptr))
		tap_bail("cannot map the command buffer");
	memcpy((char *)ptr + offset, s->words, s->count * 4);
	return (uint32_t)(s->count * 4);
}

static struct npu_tensor flat_int8(uint64_t addr, uint32_t n)
{
	return (struct npu_tensor){
		.addr = addr, .dims = { n }, .dtype = NPU_DTYPE_INT8, .rank = 1,
	};
}

static void copy_stream(struct stream *s, struct npu_bo *src, struct npu_bo *dst,
			uint32_t n)
{
	struct npu_copy_params p = {
		.input = flat_int8(npu_bo_npu_addr(src), n),
		.output = flat_int8(npu_bo_npu_addr(dst), n),
	};

	begin(s);
	emit(s, NPU_CMD_COPY, &p, sizeof(p));
}

static struct npu_job *nop_job(struct npu_device *dev, struct npu_bo *cmd,
			       uint32_t offset)
{
	struct stream s;
	struct npu_job *job;

	begin(&s);
	emit(&s, NPU_CMD_NOP, NULL, 0);
	if (npu_job_create(dev, cmd, offset, place(cmd, offset, &s), &job))
		return NULL;
	return job;
}

static void test_nop(struct npu_device *dev, struct npu_bo *cmd)
{
	struct npu_job_stats st;
	struct npu_job *job = nop_job(dev, cmd, 0);

	if (!tap_ok(job != NULL, "create NOP job"))
		return;
	tap_expect_errno(npu_job_wait(job, 0), 0, NPU_ERR_JOB_PENDING,
			 "wait before submit");
	tap_expect_errno(npu_job_get_stats(job, &st), 0, NPU_ERR_JOB_PENDING,
			 "no stats before submit");
	tap_expect_success(npu_job_submit(job), 0, "submit NOP");
	tap_expect_success(npu_job_wait(job, 10 * SEC_NS), 0, "NOP job completes");
	if (tap_expect_success(npu_job_get_stats(job, &st), 0, "stats after wait"))
		tap_ok(st.status == 0, "stats status 0 (cycles %" PRIu64 ", %" PRIu64 " ns)",
		       st.cycles, st.exec_ns);
	/* Resubmission of the same job object. */
	tap_expect_success(npu_job_submit(job), 0, "resubmit NOP");
	tap_expect_success(npu_job_wait(job, -1), 0, "resubmitted NOP completes");
	npu_job_destroy(job);
}

static void test_copy(struct npu_device *dev, struct npu_bo *cmd)
{
	enum { N = 3000 };
	struct npu_bo *src, *dst;
	struct npu_job_stats st;
	struct npu_job *job;
	struct stream s;
	int8_t *a, *b;
	void *ptr;
	bool same = true;

	if (npu_bo_alloc(dev, N, 0, &src) || npu_bo_alloc(dev, N, 0, &dst))
		tap_bail("cannot allocate copy buffers");
	npu_bo_map(src, &ptr);
	a = ptr;
	npu_bo_map(dst, &ptr);
	b = ptr;
	for (int i = 0; i < N; i++) {
		a[i] = (int8_t)(i * 13);
		b[i] = 0;
	}
	copy_stream(&s, src, dst, N);
	if (tap_expect_success(npu_job_create(dev, cmd, 1024, place(cmd, 1024, &s), &job),
			       0, "create COPY job")) {
		npu_job_add_bo(job, src, NPU_JOB_BO_READ);
		npu_job_add_bo(job, dst, NPU_JOB_BO_WRITE);
		tap_expect_success(npu_job_submit(job), 0, "submit COPY");
		tap_expect_success(npu_job_wait(job, 10 * SEC_NS), 0, "COPY completes");
		for (int i = 0; i < N; i++)
			same &= b[i] == (int8_t)(i * 13);
		tap_ok(same, "NPU copied %d bytes", N);
		if (!npu_job_get_stats(job, &st))
			tap_ok(st.dram_read_bytes >= N && st.dram_write_bytes >= N,
			       "stats count traffic (read %" PRIu64 ", written %" PRIu64 ")",
			       st.dram_read_bytes, st.dram_write_bytes);
		tap_expect_success(npu_bo_wait(dst, SEC_NS), 0, "BO wait after job");
		npu_job_destroy(job);
	}
	npu_bo_free(src);
	npu_bo_free(dst);
}

/*
 * A command object copying region 3 to region 4 at offset 64: the kernel
 * reports what each region needs, a job binds buffers to them, rebinding
 * runs the same object on other buffers, a buffer too small for its region
 * is refused at submit, and rewriting the caller's stream afterwards
 * changes nothing.
 */
static void test_cmdstream(struct npu_device *dev)
{
	enum { N = 1000 };
	struct npu_copy_params p = {
		.input = flat_int8(NPU_ADDR(3, 0), N),
		.output = flat_int8(NPU_ADDR(4, 64), N),
	};
	struct npu_bo *a, *b, *c;
	struct npu_cmdstream *cs;
	struct npu_job_stats st;
	struct npu_job *job;
	struct stream s;
	int8_t *pa, *pb, *pc;
	void *ptr;
	bool same = true;
	int ret;

	begin(&s);
	emit(&s, NPU_CMD_COPY, &p, sizeof(p));
	ret = npu_cmdstream_create(dev, s.words, (uint32_t)(s.count * 4), &cs);
	if (ret == -EOPNOTSUPP) {
		tap_skip("firmware without NPU_FW_FEAT_REGIONS", "command objects");
		return;
	}
	if (!tap_expect_success(ret, 0, "create a command object"))
		return;
	/* The caller's copy no longer matters. */
	memset(s.words, 0xff, sizeof(s.words));
	tap_ok(npu_cmdstream_region_count(cs) == 5 &&
	       npu_cmdstream_region_size(cs, 3) == N &&
	       npu_cmdstream_region_size(cs, 4) == 64 + N &&
	       npu_cmdstream_region_size(cs, 1) == 0 &&
	       !npu_cmdstream_region_written(cs, 3) && npu_cmdstream_region_written(cs, 4),
	       "regions: 5, sizes %llu and %llu, region 4 written",
	       (unsigned long long)npu_cmdstream_region_size(cs, 3),
	       (unsigned long long)npu_cmdstream_region_size(cs, 4));
	if (npu_bo_alloc(dev, 4096, 0, &a) || npu_bo_alloc(dev, 4096, 0, &b) ||
	    npu_bo_alloc(dev, 4096, 0, &c))
		tap_bail("cannot allocate region buffers");
	npu_bo_map(a, &ptr);
	pa = ptr;
	npu_bo_map(b, &ptr);
	pb = ptr;
	npu_bo_map(c, &ptr);
	pc = ptr;
	for (int i = 0; i < N; i++)
		pa[i] = (int8_t)(i * 7 + 1);
	memset(pb, 0, 4096);
	memset(pc, 0, 4096);
	if (!tap_expect_success(npu_job_create_cmdstream(cs, &job), 0, "job of the object"))
		goto out;
	tap_expect_errno(npu_job_bind_region(job, 0, a, 0), 0, EINVAL, "region 0 is not bound");
	tap_expect_errno(npu_job_bind_region(job, 3, a, 32), 0, EINVAL,
			 "a region offset is 64-byte aligned");
	npu_job_bind_region(job, 3, a, 0);
	npu_job_bind_region(job, 4, b, 2048);
	tap_expect_success(npu_job_submit(job), 0, "submit with regions 3 and 4 bound");
	tap_expect_success(npu_job_wait(job, 10 * SEC_NS), 0, "the object's job completes");
	for (int i = 0; i < N; i++)
		same &= pb[2048 + 64 + i] == (int8_t)(i * 7 + 1);
	tap_ok(same && pb[2048 + 63] == 0, "copied into region 4 at its offset");
	/* The same object, region 4 on another buffer. */
	npu_job_bind_region(job, 4, c, 0);
	tap_expect_success(npu_job_submit(job), 0, "resubmit with region 4 rebound");
	tap_expect_success(npu_job_wait(job, 10 * SEC_NS), 0, "rebound job completes");
	same = true;
	for (int i = 0; i < N; i++)
		same &= pc[64 + i] == (int8_t)(i * 7 + 1);
	tap_ok(same, "the rebound region received the copy");
	/* 1024 bytes after the offset, the region needs 1064. */
	npu_job_bind_region(job, 4, c, 3072);
	tap_expect_errno(npu_job_submit(job), 0, EINVAL,
			 "a buffer smaller than its region is refused");
	/* Nothing was queued: the last run's result and stats stay. */
	st = (struct npu_job_stats){ .status = 1 };
	ret = npu_job_get_stats(job, &st);
	tap_ok(!ret && st.status == 0 && st.dram_write_bytes == N &&
	       npu_job_wait(job, 10 * SEC_NS) == 0,
	       "the refused submit leaves the last run's stats (%d: status %d, %llu bytes written)",
	       ret, st.status, (unsigned long long)st.dram_write_bytes);
	npu_job_bind_region(job, 4, NULL, 0);
	tap_expect_errno(npu_job_submit(job), 0, EINVAL, "an unbound region is refused");
	npu_job_destroy(job);
out:
	npu_cmdstream_destroy(cs);
	npu_bo_free(a);
	npu_bo_free(b);
	npu_bo_free(c);
}

static void test_fences(struct npu_device *dev, struct npu_bo *cmd)
{
	struct npu_job *a = nop_job(dev, cmd, 0), *b = nop_job(dev, cmd, 0);
	struct pollfd pfd = { .events = POLLIN };
	int fd;

	if (!tap_ok(a && b, "create two jobs"))
		goto out;
	tap_expect_errno(npu_job_export_fence(a, &fd), 0, NPU_ERR_JOB_PENDING,
			 "no fence before submit");
	tap_expect_success(npu_job_submit(a), 0, "submit first");
	if (tap_expect_success(npu_job_export_fence(a, &fd), 0, "export sync_file")) {
		pfd.fd = fd;
		tap_ok(poll(&pfd, 1, 10000) == 1 && (pfd.revents & POLLIN),
		       "sync_file signals via poll");
		tap_expect_success(npu_job_add_in_fence(b, fd), 0, "use as in-fence");
		close(fd);
		tap_expect_success(npu_job_submit(b), 0, "submit with in-fence");
		tap_expect_success(npu_job_wait(b, 10 * SEC_NS), 0, "dependent job completes");
		npu_job_clear_in_fences(b);
	}
	tap_expect_errno(npu_job_add_in_fence(b, 0), 0, EINVAL, "stdin is no sync_file");
out:
	npu_job_destroy(a);
	npu_job_destroy(b);
}

static void test_batch_and_pipeline(struct npu_device *dev, struct npu_bo *cmd)
{
	enum { BATCH = 64, PIPE = 1000, DEPTH = 16 };
	struct npu_job *jobs[BATCH] = { 0 };
	bool ok = true;
	int ret = 0;

	for (int i = 0; i < BATCH; i++)
		ok &= (jobs[i] = nop_job(dev, cmd, 0)) != NULL;
	if (!tap_ok(ok, "create %d jobs", BATCH))
		goto out;
	tap_expect_success(npu_job_submit_batch(jobs, BATCH), 0, "submit a batch of %d", BATCH);
	for (int i = 0; i < BATCH && !ret; i++)
		ret = npu_job_wait(jobs[i], 10 * SEC_NS);
	tap_ok(!ret, "every batched job completes (%s)", npu_strerror(ret));

	/* PIPE submissions with up to DEPTH in flight. */
	for (int i = 0; i < PIPE && !ret; i++) {
		struct npu_job *j = jobs[i % DEPTH];

		if (i >= DEPTH)
			ret = npu_job_wait(j, 10 * SEC_NS);
		if (!ret)
			ret = npu_job_submit(j);
	}
	for (int i = 0; i < DEPTH && !ret; i++)
		ret = npu_job_wait(jobs[i], 10 * SEC_NS);
	tap_ok(!ret, "%d jobs pipelined %d deep (%s)", PIPE, DEPTH, npu_strerror(ret));
out:
	for (int i = 0; i < BATCH; i++)
		npu_job_destroy(jobs[i]);
}

static void test_bad_jobs(struct npu_device *dev, struct npu_bo *cmd)
{
	struct npu_bo *ro, *src;
	struct npu_job *job;
	struct stream s;
	int ret;

	/* No STREAM header: rejected before queueing. */
	s.count = 0;
	emit(&s, NPU_CMD_NOP, NULL, 0);
	if (!npu_job_create(dev, cmd, 2048, place(cmd, 2048, &s), &job)) {
		tap_expect_errno(npu_job_submit(job), 0, EINVAL, "stream without header");
		npu_job_destroy(job);
	}
	/* Unknown opcode. */
	begin(&s);
	emit(&s, NPU_CMD_COUNT + 5, NULL, 0);
	if (!npu_job_create(dev, cmd, 2048, place(cmd, 2048, &s), &job)) {
		tap_expect_errno(npu_job_submit(job), 0, EINVAL, "unknown opcode");
		npu_job_destroy(job);
	}
	/* A copy from a buffer the job does not list. */
	if (npu_bo_alloc(dev, 4096, 0, &src) ||
	    npu_bo_alloc(dev, 4096, NPU_BO_DEVICE_READ_ONLY, &ro))
		tap_bail("cannot allocate");
	copy_stream(&s, src, ro, 4096);
	if (!npu_job_create(dev, cmd, 2048, place(cmd, 2048, &s), &job)) {
		npu_job_add_bo(job, ro, NPU_JOB_BO_WRITE);
		tap_expect_errno(npu_job_submit(job), 0, EINVAL, "address outside listed BOs");
		/* Listed, but the destination is read-only for the device. */
		npu_job_add_bo(job, src, NPU_JOB_BO_READ);
		ret = npu_job_submit(job);
		if (!ret)
			ret = npu_job_wait(job, 10 * SEC_NS);
		tap_ok(ret == -EFAULT || ret == -EINVAL,
		       "write to a device-read-only BO fails (%s)", npu_strerror(ret));
		npu_job_destroy(job);
	}
	npu_bo_free(src);
	npu_bo_free(ro);
}

/* Writes a value to one of the simulator's fault-injection knobs. */
static bool inject(const char *knob, const char *value)
{
	char path[128];
	FILE *f;
	bool ok;

	snprintf(path, sizeof(path), "/sys/kernel/debug/npu_sim/npu_sim.0/%s", knob);
	f = fopen(path, "w");
	if (!f)
		return false;
	ok = fputs(value, f) >= 0;
	return !fclose(f) && ok;
}

/*
 * A wait that expires (-ETIME) is told apart from a job that hung
 * (-ETIMEDOUT after the driver's timeout and reset).
 */
static void test_timeouts(struct npu_device *dev, struct npu_bo *cmd)
{
	struct npu_counters before, after;
	struct npu_job *job = nop_job(dev, cmd, 0);
	int ret;

	/* The job is held in the device until both waits have expired. */
	if (!job || !inject("hold_next_job", "1")) {
		tap_skip("no fault injection (debugfs)", "wait timeouts");
		npu_job_destroy(job);
		return;
	}
	tap_expect_success(npu_job_submit(job), 0, "submit a job the device holds");
	tap_expect_errno(npu_job_wait(job, 0), 0, ETIME, "poll of a running job: -ETIME");
	tap_expect_errno(npu_job_wait(job, 100000000), 0, ETIME, "100 ms wait expires: -ETIME");
	inject("hold_next_job", "0");
	tap_expect_success(npu_job_wait(job, 30 * SEC_NS), 0, "released, the job completes");

	npu_device_query_counters(dev, &before);
	if (!inject("hang_next_job", "1")) {
		tap_skip("cannot hang a job", "hung job");
		npu_job_destroy(job);
		return;
	}
	tap_expect_success(npu_job_submit(job), 0, "submit a job that hangs");
	ret = npu_job_wait(job, 60 * SEC_NS);
	tap_ok(ret == -ETIMEDOUT, "hung job ends with -ETIMEDOUT (%s)", npu_strerror(ret));
	npu_device_query_counters(dev, &after);
	tap_ok(after.resets > before.resets && after.jobs_failed > before.jobs_failed,
	       "counters show the reset and the failed job");
	tap_expect_success(npu_job_submit(job), 0, "submit after recovery");
	tap_expect_success(npu_job_wait(job, 30 * SEC_NS), 0, "next job completes");
	npu_job_destroy(job);
}

int main(void)
{
	struct npu_device *dev;
	struct npu_bo *cmd;

	if (npu_device_open(NULL, &dev))
		tap_bail("cannot open the NPU");
	if (npu_bo_alloc(dev, 4096, NPU_BO_DEVICE_READ_ONLY, &cmd))
		tap_bail("cannot allocate the command buffer");
	test_nop(dev, cmd);
	test_copy(dev, cmd);
	test_cmdstream(dev);
	test_fences(dev, cmd);
	test_batch_and_pipeline(dev, cmd);
	test_bad_jobs(dev, cmd);
	test_timeouts(dev, cmd);
	npu_bo_free(cmd);
	npu_device_close(dev);
	return tap_finish();
}
