// SPDX-License-Identifier: MIT
/*
 * Running a model: NPU segments as jobs, CPU op ranges through the
 * executor, in order; synchronously, or on a worker thread with a pollable
 * completion fd (a sync_file when everything runs on the NPU).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <linux/dma-buf.h>
#include <xf86drm.h>

#include "model_priv.h"

/*
 * The kernel ends every job (its own timeout resets the device); this bound
 * only keeps a broken kernel from hanging the application forever.
 */
#define JOB_TIMEOUT_NS (600LL * 1000000000LL)

static void op_label(const struct npu_model *model, uint32_t op, char *buf, size_t len)
{
	const struct npu_graph_op *o = &model->graph->ops[op];

	snprintf(buf, len, "op %u (%s)", op,
		 o->custom_name ? o->custom_name : npu_op_name(o->builtin));
}

/* Copies every input not read in place (dma-buf) into the arena. */
static int stage_inputs(struct npu_model *model)
{
	for (uint32_t i = 0; i < model->graph->num_inputs; i++) {
		const struct input_binding *b = &model->inputs[i];
		int32_t t = model->graph->inputs[i];
		void *dst;

		if (b->source == INPUT_DMABUF)
			continue;
		dst = model_tensor_memory(model, t);
		if (!dst)
			return model_fail(model, -NPU_ERR_MODEL_FORMAT, "input %u has no memory", i);
		memcpy(dst, b->source == INPUT_MEMORY ? b->ptr : b->staged,
		       model->graph->tensors[t].bytes);
	}
	return 0;
}

static int submit_segment(struct npu_model *model, uint32_t s)
{
	int ret;

	if (model->trace_fn)
		model->segments[s].submit_ns = npu_now_ns();
	ret = npu_job_submit(model->segments[s].job);

	if (ret)
		return model_fail(model, ret, "segment %u (ops %u-%u): submit failed: %s", s,
				  model->segments[s].info.first_op,
				  model->segments[s].info.first_op +
				  model->segments[s].info.op_count - 1, npu_strerror(ret));
	return 0;
}

/* Waits for segments [first, end) submitted in a row and records stats. */
static int wait_segments(struct npu_model *model, const uint32_t *segs, size_t count)
{
	int ret = 0;

	for (size_t k = 0; k < count; k++) {
		struct segment_state *st = &model->segments[segs[k]];
		struct npu_job_stats stats;
		int r = npu_job_wait(st->job, JOB_TIMEOUT_NS);
		bool have_stats = !r && !npu_job_get_stats(st->job, &stats);

		if (have_stats) {
			st->info.time_ns = stats.exec_ns;
			st->info.cycles = stats.cycles;
			st->info.macs = stats.macs;
			st->info.dram_read_bytes = stats.dram_read_bytes;
			st->info.dram_write_bytes = stats.dram_write_bytes;
		}
		if (model->trace_fn)
			model_trace_job(model, segs[k], r, have_stats ? &stats : NULL);
		if (r && !ret)
			ret = model_fail(model, r == -ETIME ? -ETIMEDOUT : r,
					 "segment %u failed on the NPU: %s", segs[k],
					 npu_strerror(r));
	}
	return ret;
}

static int run_cpu_ops(struct npu_model *model, const struct model_step *st)
{
	char label[96];
	int ret;

	for (uint32_t i = st->first_op; i < st->first_op + st->op_count; i++) {
		if (!npu_cpu_op_runnable(model->cpu, i)) {
			op_label(model, i, label, sizeof(label));
			return model_fail(model, -NPU_ERR_NO_KERNEL,
					  "%s cannot run on the CPU: %s (an application may supply a kernel with npu_model_register_kernel())",
					  label, npu_cpu_op_why(model->cpu, i));
		}
	}
	if (!(model->flags & NPU_MODEL_PROFILE) && !model->trace_fn) {
		ret = npu_cpu_invoke_range(model->cpu, st->first_op, st->op_count);
		return ret ? model_fail(model, ret, "%s", npu_cpu_error(model->cpu)) : 0;
	}
	for (uint32_t i = st->first_op; i < st->first_op + st->op_count; i++) {
		uint64_t t0 = npu_now_ns(), t1;

		ret = npu_cpu_invoke_range(model->cpu, i, 1);
		t1 = npu_now_ns();
		model->op_time_ns[i] = t1 - t0;
		if (model->trace_fn)
			model_trace_cpu_op(model, i, t0, t1, ret);
		if (ret)
			return model_fail(model, ret, "%s", npu_cpu_error(model->cpu));
	}
	return 0;
}

/*
 * CPU access to dma-buf inputs is bracketed for the exporter's cache
 * maintenance (a no-op on coherent systems, required on the others).
 */
/*
 * One CPU-access bracket of binding k (inputs first, then outputs) when it
 * is a dma-buf.  drmIoctl() repeats the call on EINTR and EAGAIN, which
 * DMA_BUF_IOCTL_SYNC returns when a signal cuts short its wait for the
 * device's fences (ignoring that would let the CPU read a frame a device is
 * still writing).  ENOTTY: the fd is not a dma-buf (a memfd bound on the
 * CPU path), nothing to bracket.
 */
static int dmabuf_sync(struct npu_model *model, uint32_t k, uint64_t flags)
{
	const uint32_t num_in = model->graph->num_inputs;
	const bool in = k < num_in;
	const struct input_binding *b = in ? &model->inputs[k] : &model->outputs[k - num_in];
	struct dma_buf_sync sync = {
		.flags = flags | (in ? DMA_BUF_SYNC_READ : DMA_BUF_SYNC_RW),
	};

	if (b->source != INPUT_DMABUF || !drmIoctl(b->fd, DMA_BUF_IOCTL_SYNC, &sync) ||
	    errno == ENOTTY)
		return 0;
	return model_fail(model, -errno, "DMA_BUF_IOCTL_SYNC (%s) of the dma-buf of %s %u: %s",
			  flags & DMA_BUF_SYNC_END ? "end" : "start", in ? "input" : "output",
			  in ? k : k - num_in, npu_strerror(-errno));
}

/*
 * Brackets the CPU's access to every bound dma-buf.  A failed start ends
 * the brackets already begun and fails the run; an end is tried on every
 * buffer, the first error kept.
 */
static int sync_dmabufs(struct npu_model *model, uint64_t flags)
{
	const uint32_t n = model->graph->num_inputs + model->graph->num_outputs;
	int ret = 0;

	for (uint32_t k = 0; k < n; k++) {
		int r = dmabuf_sync(model, k, flags);

		if (r && flags == DMA_BUF_SYNC_START) {
			while (k--)
				dmabuf_sync(model, k, DMA_BUF_SYNC_END);
			return r;
		}
		if (!ret)
			ret = r;
	}
	return ret;
}

/*
 * The in-fence of this run (npu_model_set_in_fence()), used once.  When the
 * run starts on the NPU and nothing is copied in from application memory,
 * the first job waits for it in the kernel; otherwise the CPU waits here,
 * before it copies or reads any input.  Returns the job that carries the
 * fence (its in-fences are cleared after submission) or NULL.
 */
static int take_in_fence(struct npu_model *model, struct npu_job **carrier)
{
	struct pollfd pfd = { .fd = model->in_fence, .events = POLLIN };
	bool kernel_wait;
	int ret = 0;

	*carrier = NULL;
	if (model->in_fence < 0)
		return 0;
	kernel_wait = model->use_npu && model->step_count && model->steps[0].npu;
	for (uint32_t i = 0; kernel_wait && i < model->graph->num_inputs; i++)
		kernel_wait = model->inputs[i].source != INPUT_MEMORY;
	if (kernel_wait) {
		*carrier = model->segments[model->steps[0].segment].job;
		ret = npu_job_add_in_fence(*carrier, model->in_fence);
		if (ret)
			ret = model_fail(model, ret, "cannot use the in-fence: %s",
					 npu_strerror(ret));
	} else {
		while ((ret = poll(&pfd, 1, -1)) < 0 && errno == EINTR)
			;
		ret = ret < 0 ? model_fail(model, -errno, "waiting for the in-fence: %s",
					   npu_strerror(-errno)) : 0;
	}
	close(model->in_fence);
	model->in_fence = -1;
	return ret;
}

int npu_model_set_in_fence(struct npu_model *model, int fd)
{
	int dup_fd;

	if (!model || fd < 0)
		return -EINVAL;
	if (model->worker_running)
		return model_fail(model, -EBUSY, "a run is in progress");
	dup_fd = fcntl(fd, F_DUPFD_CLOEXEC, 0);
	if (dup_fd < 0)
		return -errno;
	if (model->in_fence >= 0)
		close(model->in_fence);
	model->in_fence = dup_fd;
	return 0;
}

static bool has_cpu_steps(const struct npu_model *model)
{
	for (size_t k = 0; k < model->step_count; k++)
		if (!model->steps[k].npu)
			return true;
	return false;
}

int model_run(struct npu_model *model)
{
	struct npu_job *fenced;
	bool cpu_sync;
	uint32_t *pending;
	size_t npending = 0;
	int ret;

	if (model->bindings_stale) {
		ret = model_plan_bind(model);
		if (ret)
			return ret;
	}
	ret = take_in_fence(model, &fenced);
	if (!ret)
		ret = stage_inputs(model);
	if (ret) {
		npu_job_clear_in_fences(fenced);
		return ret;
	}
	pending = malloc((model->cm->num_segments + 1) * sizeof(*pending));
	if (!pending)
		return -ENOMEM;
	cpu_sync = has_cpu_steps(model);
	if (cpu_sync) {
		ret = sync_dmabufs(model, DMA_BUF_SYNC_START);
		if (ret) {
			free(pending);
			npu_job_clear_in_fences(fenced);
			return ret;
		}
	}
	/*
	 * Consecutive segments are queued back to back (the kernel orders
	 * them on the arena buffer); the CPU waits only before its own ops.
	 */
	for (size_t k = 0; k < model->step_count && !ret; k++) {
		const struct model_step *st = &model->steps[k];

		if (st->npu) {
			ret = submit_segment(model, st->segment);
			if (!ret)
				pending[npending++] = st->segment;
			continue;
		}
		npu_job_clear_in_fences(fenced);
		fenced = NULL;
		ret = wait_segments(model, pending, npending);
		npending = 0;
		if (!ret)
			ret = run_cpu_ops(model, st);
	}
	if (npending) {
		int r = wait_segments(model, pending, npending);

		if (!ret)
			ret = r;
	}
	free(pending);
	npu_job_clear_in_fences(fenced);
	if (cpu_sync) {
		int r = sync_dmabufs(model, DMA_BUF_SYNC_END);

		if (!ret)
			ret = r;
	}
	if (!ret)
		model->err[0] = '\0';
	return ret;
}

int npu_model_invoke(struct npu_model *model)
{
	if (!model)
		return -EINVAL;
	if (model->worker_running)
		return model_fail(model, -EBUSY, "a run is in progress");
	return model_run(model);
}

int npu_model_reset_state(struct npu_model *model)
{
	if (!model)
		return -EINVAL;
	if (model->worker_running)
		return model_fail(model, -EBUSY, "a run is in progress");
	return model->cpu ? npu_cpu_reset_state(model->cpu) : 0;
}

/* Every step on the NPU: the run is a chain of jobs and nothing else. */
static bool all_npu(const struct npu_model *model)
{
	if (!model->use_npu)
		return false;
	for (size_t k = 0; k < model->step_count; k++)
		if (!model->steps[k].npu)
			return false;
	return model->step_count > 0;
}

/*
 * Queues every segment from the calling thread and returns the last job's
 * fence as a sync_file, so the completion can feed other devices.
 */
static int submit_all(struct npu_model *model, int *fence_fd)
{
	struct npu_job *fenced = NULL;
	int ret = 0;

	if (model->bindings_stale)
		ret = model_plan_bind(model);
	if (!ret)
		ret = take_in_fence(model, &fenced);
	if (!ret)
		ret = stage_inputs(model);
	for (size_t k = 0; k < model->step_count && !ret; k++)
		ret = submit_segment(model, model->steps[k].segment);
	npu_job_clear_in_fences(fenced);
	if (ret)
		return ret;
	ret = npu_job_export_fence(model->segments[model->steps[model->step_count - 1].segment].job,
				   fence_fd);
	return ret ? model_fail(model, ret, "cannot export the fence: %s", npu_strerror(ret)) : 0;
}

static int wait_all(struct npu_model *model)
{
	uint32_t *segs = malloc(model->step_count * sizeof(*segs));
	int ret;

	if (!segs)
		return -ENOMEM;
	for (size_t k = 0; k < model->step_count; k++)
		segs[k] = model->steps[k].segment;
	ret = wait_segments(model, segs, model->step_count);
	free(segs);
	return ret;
}

static void *worker_main(void *arg)
{
	struct npu_model *model = arg;
	uint64_t one = 1;

	model->run_status = model->async_submitted ? wait_all(model) : model_run(model);
	/* Wake pollers; the fd stays readable until the model is waited on. */
	if (write(model->event_fd, &one, sizeof(one)) != sizeof(one))
		model->run_status = model->run_status ? model->run_status : -EIO;
	return NULL;
}

int npu_model_invoke_async(struct npu_model *model, int *fence_fd)
{
	int ret;

	if (!model || !fence_fd)
		return -EINVAL;
	*fence_fd = -1;
	if (model->worker_running)
		return model_fail(model, -EBUSY, "a run is in progress");
	model->event_fd = eventfd(0, EFD_CLOEXEC);
	if (model->event_fd < 0)
		return model_fail(model, -errno, "eventfd: %s", npu_strerror(-errno));
	/*
	 * All on the NPU: the jobs are queued here and the last one's fence
	 * is the completion fd.  The worker only collects the results, so
	 * npu_model_wait() has one code path.
	 */
	model->async_submitted = all_npu(model);
	if (model->async_submitted) {
		ret = submit_all(model, fence_fd);
		if (ret) {
			/* Whatever was queued must end before the buffers change. */
			wait_all(model);
			close(model->event_fd);
			model->event_fd = -1;
			return ret;
		}
	}
	ret = pthread_create(&model->worker, NULL, worker_main, model);
	if (ret) {
		if (model->async_submitted)
			wait_all(model);
		if (*fence_fd >= 0)
			close(*fence_fd);
		*fence_fd = -1;
		close(model->event_fd);
		model->event_fd = -1;
		return model_fail(model, -ret, "cannot start the run: %s", npu_strerror(-ret));
	}
	model->worker_running = true;
	if (*fence_fd >= 0)
		return 0;
	*fence_fd = dup(model->event_fd);
	if (*fence_fd < 0) {
		ret = -errno;
		npu_model_wait(model, -1);
		return model_fail(model, ret, "dup: %s", npu_strerror(ret));
	}
	return 0;
}

int npu_model_wait(struct npu_model *model, int64_t timeout_ns)
{
	struct pollfd pfd;
	int ret;

	if (!model)
		return -EINVAL;
	if (!model->worker_running)
		return model_fail(model, -NPU_ERR_JOB_PENDING, "no run was started");
	pfd.fd = model->event_fd;
	pfd.events = POLLIN;
	for (;;) {
		int ms = timeout_ns < 0 ? -1 :
			 (int)(timeout_ns / 1000000 > 1000000000 ? 1000000000 :
			       (timeout_ns + 999999) / 1000000);

		ret = poll(&pfd, 1, ms);
		if (ret > 0)
			break;
		if (ret == 0)
			return -ETIME;
		if (errno != EINTR)
			return -errno;
	}
	pthread_join(model->worker, NULL);
	model->worker_running = false;
	close(model->event_fd);
	model->event_fd = -1;
	return model->run_status;
}
