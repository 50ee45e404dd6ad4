// SPDX-License-Identifier: MIT
/*
 * Tracing a model's runs: one event per CPU op and per NPU job, handed to
 * the application's npu_trace_fn as each ends (npu_model_set_trace()).
 */
#include <errno.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/sync_file.h>

#include "model_priv.h"

int npu_model_set_trace(struct npu_model *model, npu_trace_fn fn, void *user)
{
	if (!model)
		return -EINVAL;
	if (model->worker_running)
		return model_fail(model, -EBUSY, "a run is in progress");
	model->trace_fn = fn;
	model->trace_user = fn ? user : NULL;
	return 0;
}

void model_trace_cpu_op(struct npu_model *model, uint32_t op, uint64_t start_ns,
			uint64_t end_ns, int status)
{
	struct npu_op_info info;
	struct npu_trace_event ev = {
		.kind = NPU_TRACE_CPU_OP,
		.index = op,
		.first_op = op,
		.op_count = 1,
		.start_ns = start_ns,
		.end_ns = end_ns,
		.status = status,
	};

	if (npu_model_op_info(model, op, &info))
		return;
	ev.name = info.type;
	ev.reason = info.reason;
	model->trace_fn(&ev, model->trace_user);
}

/*
 * When the job's fence signalled, from the kernel's timestamp of it (the
 * CLOCK_MONOTONIC time of dma_fence_signal), or 0 when the sync_file does
 * not tell.  A job's sync_file holds one fence; with more (the kernel
 * refuses a too short array) the time is unknown.
 */
static uint64_t fence_signal_ns(struct npu_job *job)
{
	struct sync_fence_info fences[4] = { 0 };
	struct sync_file_info info = {
		.num_fences = 4,
		.sync_fence_info = (uintptr_t)fences,
	};
	uint64_t when = 0;
	int fd;

	if (npu_job_export_fence(job, &fd))
		return 0;
	if (!ioctl(fd, SYNC_IOC_FILE_INFO, &info) && info.status == 1)
		for (uint32_t i = 0; i < info.num_fences && i < 4; i++)
			if (fences[i].timestamp_ns > when)
				when = fences[i].timestamp_ns;
	close(fd);
	return when;
}

void model_trace_job(struct npu_model *model, uint32_t segment, int status,
		     const struct npu_job_stats *stats)
{
	struct segment_state *st = &model->segments[segment];
	uint64_t waited = npu_now_ns(), signalled = fence_signal_ns(st->job);
	char name[32];
	struct npu_trace_event ev = {
		.kind = NPU_TRACE_NPU_JOB,
		.name = name,
		.index = segment,
		.first_op = st->info.first_op,
		.op_count = st->info.op_count,
		.reason = "",
		.start_ns = st->submit_ns,
		/* A fence timestamp outside the job's span is not this job's. */
		.end_ns = signalled >= st->submit_ns && signalled <= waited ? signalled : waited,
		.status = status,
		.woken_ns = waited,
	};

	if (stats) {
		ev.exec_ns = stats->exec_ns;
		ev.cycles = stats->cycles;
		ev.macs = stats->macs;
		ev.dram_read_bytes = stats->dram_read_bytes;
		ev.dram_write_bytes = stats->dram_write_bytes;
	}
	snprintf(name, sizeof(name), "segment %u", segment);
	model->trace_fn(&ev, model->trace_user);
}
