// SPDX-License-Identifier: MIT
/*
 * Tracing without a device: npu_model_set_trace() events of CPU runs (sync
 * and async), and the Chrome trace-event writer fed by hand, including NPU
 * jobs queued behind each other.  NPU jobs from a real device are checked
 * in the VM (tests/model/npu_trace.sh).
 */
#include <check.h>
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "check_util.h"
#include "npu_model.h"

#define PERSON "../shared/models/tflm/person_detect.tflite"
#define MAX_EVENTS 256

struct collected {
	size_t count;
	struct npu_trace_event ev[MAX_EVENTS];
	char names[MAX_EVENTS][32];
};

static void collect(const struct npu_trace_event *ev, void *user)
{
	struct collected *c = user;

	ck_assert_uint_lt(c->count, MAX_EVENTS);
	c->ev[c->count] = *ev;
	snprintf(c->names[c->count], sizeof(c->names[0]), "%s", ev->name);
	c->count++;
}

static struct npu_model *open_person(void)
{
	struct npu_model *m = NULL;
	char err[512] = "";
	struct npu_model_options opts = { .err = err, .errlen = sizeof(err) };

	ck_assert_msg(npu_model_open(NULL, PERSON, &opts, &m) == 0, "%s", err);
	return m;
}

/* One run's events: every op once, in order, back to back, with its type. */
static void check_run(struct npu_model *m, const struct collected *c, size_t first)
{
	size_t ops = npu_model_op_count(m);

	for (size_t i = 0; i < ops; i++) {
		const struct npu_trace_event *ev = &c->ev[first + i];
		struct npu_op_info info;

		ck_assert_int_eq(npu_model_op_info(m, i, &info), 0);
		ck_assert_int_eq(ev->kind, NPU_TRACE_CPU_OP);
		ck_assert_uint_eq(ev->index, i);
		ck_assert_uint_eq(ev->first_op, i);
		ck_assert_uint_eq(ev->op_count, 1);
		ck_assert_str_eq(c->names[first + i], info.type);
		ck_assert_int_eq(ev->status, 0);
		ck_assert_uint_le(ev->start_ns, ev->end_ns);
		ck_assert_uint_eq(ev->cycles + ev->macs + ev->exec_ns + ev->woken_ns, 0);
		if (i)
			ck_assert_uint_le(c->ev[first + i - 1].end_ns, ev->start_ns);
	}
}

START_TEST(test_cpu_events)
{
	struct npu_model *m = open_person();
	struct collected *c = calloc(1, sizeof(*c));
	size_t ops = npu_model_op_count(m);
	struct pollfd pfd = { .events = POLLIN };

	ck_assert_int_eq(npu_model_set_trace(NULL, collect, c), -EINVAL);
	ck_assert_int_eq(npu_model_invoke(m), 0);
	ck_assert_uint_eq(c->count, 0);	/* nothing before it is set */

	ck_assert_int_eq(npu_model_set_trace(m, collect, c), 0);
	ck_assert_int_eq(npu_model_invoke(m), 0);
	ck_assert_int_eq(npu_model_invoke(m), 0);
	ck_assert_uint_eq(c->count, 2 * ops);
	check_run(m, c, 0);
	check_run(m, c, ops);
	ck_assert_uint_le(c->ev[ops - 1].end_ns, c->ev[ops].start_ns);

	/* Async runs report from the worker thread, the same events. */
	ck_assert_int_eq(npu_model_invoke_async(m, &pfd.fd), 0);
	ck_assert_int_eq(npu_model_set_trace(m, NULL, NULL), -EBUSY);
	ck_assert_int_eq(poll(&pfd, 1, 60000), 1);
	ck_assert_int_eq(npu_model_wait(m, -1), 0);
	close(pfd.fd);
	ck_assert_uint_eq(c->count, 3 * ops);
	check_run(m, c, 2 * ops);

	ck_assert_int_eq(npu_model_set_trace(m, NULL, NULL), 0);
	ck_assert_int_eq(npu_model_invoke(m), 0);
	ck_assert_uint_eq(c->count, 3 * ops);
	npu_model_close(m);
	free(c);
}
END_TEST

static char *read_text(const char *path)
{
	FILE *f = fopen(path, "r");
	char *buf = calloc(1, 1 << 16);
	size_t n;

	ck_assert_ptr_nonnull(f);
	n = fread(buf, 1, (1 << 16) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

static size_t count(const char *s, const char *what)
{
	size_t n = 0;

	for (; (s = strstr(s, what)); s++)
		n++;
	return n;
}

START_TEST(test_file_writer)
{
	char path[] = "/tmp/npu-trace-XXXXXX";
	int fd = mkstemp(path);
	struct npu_trace_file *tf = NULL;
	struct timespec now;
	uint64_t t0;
	char *text, track[16];

	ck_assert_int_ge(fd, 0);
	close(fd);
	ck_assert_int_eq(npu_trace_file_open("/nonexistent/t.json", &tf), -ENOENT);
	ck_assert_ptr_null(tf);
	ck_assert_int_eq(npu_trace_file_open(path, &tf), 0);
	/* Event times are CLOCK_MONOTONIC, as the writer's own. */
	clock_gettime(CLOCK_MONOTONIC, &now);
	t0 = (uint64_t)now.tv_sec * 1000000000u + (uint64_t)now.tv_nsec;
	npu_trace_file_event(&(struct npu_trace_event){
		.kind = NPU_TRACE_CPU_OP, .name = "SOFTMAX", .index = 30, .first_op = 30,
		.op_count = 1, .reason = "a \"quoted\" reason", .start_ns = t0,
		.end_ns = t0 + 2000 }, tf);
	/* Job 1 submitted at +10 us, signalled at +110 us, 60 us on the hardware. */
	npu_trace_file_event(&(struct npu_trace_event){
		.kind = NPU_TRACE_NPU_JOB, .name = "segment 0", .index = 0, .op_count = 30,
		.reason = "", .start_ns = t0 + 10000, .end_ns = t0 + 110000,
		.exec_ns = 60000, .cycles = 1234, .macs = 5678, .dram_read_bytes = 9,
		.dram_write_bytes = 10, .woken_ns = t0 + 115000 }, tf);
	/* Job 2 queued with it at +12 us: shown from job 1's end. */
	npu_trace_file_event(&(struct npu_trace_event){
		.kind = NPU_TRACE_NPU_JOB, .name = "segment 1", .index = 1, .first_op = 31,
		.op_count = 2, .reason = "", .start_ns = t0 + 12000, .end_ns = t0 + 150000,
		.exec_ns = 30000, .cycles = 1, .macs = 2, .woken_ns = t0 + 151000 }, tf);
	ck_assert_int_eq(npu_trace_file_span(tf, "app", "invoke", t0, t0 + 160000), 0);
	ck_assert_int_eq(npu_trace_file_span(tf, "app", "invoke", t0, t0 + 1), 0);
	ck_assert_int_eq(npu_trace_file_span(NULL, "app", "x", 0, 0), -EINVAL);
	for (int i = 0; i < 13; i++) {	/* 3 tracks so far, 16 at most */
		snprintf(track, sizeof(track), "track %d", i);
		ck_assert_int_eq(npu_trace_file_span(tf, track, "s", t0, t0), 0);
	}
	ck_assert_int_eq(npu_trace_file_span(tf, "one too many", "s", t0, t0), -ENOSPC);
	ck_assert_int_eq(npu_trace_file_close(tf), 0);

	text = read_text(path);
	unlink(path);
	ck_assert_msg(!strncmp(text, "{\"displayTimeUnit\":\"ms\"", 23), "%.40s", text);
	ck_assert_ptr_nonnull(strstr(text, "\"traceEvents\":[\n"));
	ck_assert_str_eq(text + strlen(text) - 4, "\n]}\n");
	ck_assert_ptr_nonnull(strstr(text, "\"args\":{\"name\":\"CPU ops\"}"));
	ck_assert_ptr_nonnull(strstr(text, "\"args\":{\"name\":\"NPU jobs\"}"));
	ck_assert_uint_eq(count(text, "\"name\":\"thread_name\""), 16);
	ck_assert_uint_eq(count(text, "\"ph\":\"X\""), 1 + 2 * 2 + 2 + 13);
	ck_assert_ptr_nonnull(strstr(text, "\"reason\":\"a \\\"quoted\\\" reason\""));
	/* Job 1: +10..+110 us, executing for its last 60 us; woken 5 us later. */
	ck_assert_ptr_nonnull(strstr(text, "\"name\":\"segment 0\",\"ts\":"));
	ck_assert_ptr_nonnull(strstr(text, "\"dur\":100.000,\"args\":{\"segment\":0,"));
	ck_assert_ptr_nonnull(strstr(text, "\"queued_us\":0.000,\"exec_us\":60.000,"
				     "\"wakeup_us\":5.000,\"cycles\":1234,\"macs\":5678,"
				     "\"dram_read_bytes\":9,\"dram_write_bytes\":10}"));
	ck_assert_ptr_nonnull(strstr(text, "\"name\":\"execute\""));
	ck_assert_ptr_nonnull(strstr(text, "\"dur\":60.000,\"args\":{\"segment\":0}"));
	/* Job 2: queued 98 us behind job 1, shown from +110 to +150 us. */
	ck_assert_ptr_nonnull(strstr(text, "\"dur\":40.000,\"args\":{\"segment\":1,"));
	ck_assert_ptr_nonnull(strstr(text, "\"queued_us\":98.000,\"exec_us\":30.000,"
				     "\"wakeup_us\":1.000,"));
	ck_assert_ptr_nonnull(strstr(text, "\"cat\":\"app\",\"name\":\"invoke\""));
	free(text);
}
END_TEST

int main(void)
{
	Suite *s = suite_create("trace");
	TCase *tc = tcase_create("trace");

	tcase_add_test(tc, test_cpu_events);
	tcase_add_test(tc, test_file_writer);
	suite_add_tcase(s, tc);
	return npu_check_run(s);
}
