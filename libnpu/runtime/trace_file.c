// SPDX-License-Identifier: MIT
/*
 * Trace files in the Chrome trace-event format ("JSON Object Format": a
 * traceEvents array of complete "X" events and "M" metadata naming the
 * tracks), which Perfetto's UI and chrome://tracing open.  Each track is a
 * thread id of this process.  Events are written through a large stdio
 * buffer as they come; the file is complete once closed.
 */
#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "format.h"
#include "model_priv.h"

#define TRACK_MAX 16
#define TRACK_CPU 0
#define TRACK_NPU 1

struct npu_trace_file {
	pthread_mutex_t lock;
	FILE *f;
	int pid;
	uint64_t base_ns;		/* time 0 of the file */
	char *tracks[TRACK_MAX];
	size_t track_count;
	uint64_t npu_busy_until;	/* end of the last NPU job shown */
};

/* Microseconds since the file's start, the unit of "ts" and "dur". */
static double us(const struct npu_trace_file *tf, uint64_t ns)
{
	return ((double)ns - (double)tf->base_ns) / 1e3;
}

/* Index of the track called name, created (and named in the file) on first use. */
static int track(struct npu_trace_file *tf, const char *name)
{
	size_t i;

	for (i = 0; i < tf->track_count; i++)
		if (!strcmp(tf->tracks[i], name))
			return (int)i;
	if (i == TRACK_MAX)
		return -ENOSPC;
	tf->tracks[i] = strdup(name);
	if (!tf->tracks[i])
		return -ENOMEM;
	tf->track_count++;
	fprintf(tf->f, ",\n{\"ph\":\"M\",\"pid\":%d,\"tid\":%zu,\"name\":\"thread_name\","
		"\"args\":{\"name\":", tf->pid, i + 1);
	npu_json_string(tf->f, name);
	fprintf(tf->f, "}},\n{\"ph\":\"M\",\"pid\":%d,\"tid\":%zu,\"name\":\"thread_sort_index\","
		"\"args\":{\"sort_index\":%zu}}", tf->pid, i + 1, i);
	return (int)i;
}

/* The start of a complete event; the caller writes its args and closes it. */
static void begin_event(struct npu_trace_file *tf, int trk, const char *cat, const char *name,
			uint64_t start_ns, uint64_t end_ns)
{
	fprintf(tf->f, ",\n{\"ph\":\"X\",\"pid\":%d,\"tid\":%d,\"cat\":\"%s\",\"name\":",
		tf->pid, trk + 1, cat);
	npu_json_string(tf->f, name);
	fprintf(tf->f, ",\"ts\":%.3f,\"dur\":%.3f", us(tf, start_ns),
		end_ns > start_ns ? (double)(end_ns - start_ns) / 1e3 : 0.0);
}

int npu_trace_file_open(const char *path, struct npu_trace_file **out)
{
	struct npu_trace_file *tf;
	int ret;

	if (!out)
		return -EINVAL;
	*out = NULL;
	if (!path)
		return -EINVAL;
	tf = calloc(1, sizeof(*tf));
	if (!tf)
		return -ENOMEM;
	tf->f = fopen(path, "w");
	if (!tf->f) {
		ret = -errno;
		free(tf);
		return ret;
	}
	/* Rare flushes: each is a write() in the middle of a run. */
	setvbuf(tf->f, NULL, _IOFBF, 1 << 20);
	pthread_mutex_init(&tf->lock, NULL);
	tf->pid = (int)getpid();
	tf->base_ns = npu_now_ns();
	fprintf(tf->f, "{\"displayTimeUnit\":\"ms\",\"otherData\":{\"clock\":\"CLOCK_MONOTONIC\","
		"\"base_ns\":%" PRIu64 "},\"traceEvents\":[\n{\"ph\":\"M\",\"pid\":%d,\"tid\":1,"
		"\"name\":\"process_name\",\"args\":{\"name\":\"libnpu\"}}", tf->base_ns, tf->pid);
	track(tf, "CPU ops");
	track(tf, "NPU jobs");
	*out = tf;
	return 0;
}

static void cpu_op(struct npu_trace_file *tf, const struct npu_trace_event *ev)
{
	begin_event(tf, TRACK_CPU, "cpu", ev->name, ev->start_ns, ev->end_ns);
	fprintf(tf->f, ",\"args\":{\"op\":%u,\"status\":%d,\"reason\":", ev->index, ev->status);
	npu_json_string(tf->f, ev->reason);
	fputs("}}", tf->f);
}

/*
 * A job queued behind the previous one is shown from that one's end (the
 * viewers need the slices of a track to nest), with the wait in the queue
 * as an argument; its time on the hardware is a slice inside it.  The
 * wake-up latency (fence signalled to the wait returning) is an argument:
 * neither the NPU nor a CPU op works then.
 */
static void npu_job(struct npu_trace_file *tf, const struct npu_trace_event *ev)
{
	uint64_t start = ev->start_ns > tf->npu_busy_until ? ev->start_ns : tf->npu_busy_until;
	uint64_t end = ev->end_ns > start ? ev->end_ns : start;
	uint64_t exec_start = ev->exec_ns < end - start ? end - ev->exec_ns : start;

	begin_event(tf, TRACK_NPU, "npu", ev->name, start, end);
	fprintf(tf->f, ",\"args\":{\"segment\":%u,\"first_op\":%u,\"op_count\":%u,\"status\":%d,"
		"\"submit_ts\":%.3f,\"queued_us\":%.3f,\"exec_us\":%.3f,\"wakeup_us\":%.3f,"
		"\"cycles\":%" PRIu64 ",\"macs\":%" PRIu64 ",\"dram_read_bytes\":%" PRIu64
		",\"dram_write_bytes\":%" PRIu64 "}}", ev->index, ev->first_op, ev->op_count,
		ev->status, us(tf, ev->start_ns), (double)(start - ev->start_ns) / 1e3,
		(double)ev->exec_ns / 1e3,
		ev->woken_ns > end ? (double)(ev->woken_ns - end) / 1e3 : 0.0,
		ev->cycles, ev->macs, ev->dram_read_bytes, ev->dram_write_bytes);
	if (ev->exec_ns) {
		begin_event(tf, TRACK_NPU, "npu", "execute", exec_start, end);
		fprintf(tf->f, ",\"args\":{\"segment\":%u}}", ev->index);
	}
	tf->npu_busy_until = end;
}

void npu_trace_file_event(const struct npu_trace_event *event, void *user)
{
	struct npu_trace_file *tf = user;

	if (!tf || !event)
		return;
	pthread_mutex_lock(&tf->lock);
	if (event->kind == NPU_TRACE_NPU_JOB)
		npu_job(tf, event);
	else
		cpu_op(tf, event);
	pthread_mutex_unlock(&tf->lock);
}

int npu_trace_file_span(struct npu_trace_file *tf, const char *track_name, const char *name,
			uint64_t start_ns, uint64_t end_ns)
{
	int trk;

	if (!tf || !track_name || !name)
		return -EINVAL;
	pthread_mutex_lock(&tf->lock);
	trk = track(tf, track_name);
	if (trk >= 0) {
		begin_event(tf, trk, "app", name, start_ns, end_ns);
		fputs("}", tf->f);
	}
	pthread_mutex_unlock(&tf->lock);
	return trk < 0 ? trk : 0;
}

int npu_trace_file_close(struct npu_trace_file *tf)
{
	int ret;

	if (!tf)
		return 0;
	fputs("\n]}\n", tf->f);
	ret = ferror(tf->f) ? -EIO : 0;
	if (fclose(tf->f) && !ret)
		ret = -EIO;
	for (size_t i = 0; i < tf->track_count; i++)
		free(tf->tracks[i]);
	pthread_mutex_destroy(&tf->lock);
	free(tf);
	return ret;
}
