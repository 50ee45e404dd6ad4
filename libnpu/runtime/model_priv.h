/* SPDX-License-Identifier: MIT */
/*
 * Internal state of a model (struct npu_model) shared by the runtime files:
 * model_common.c (the helpers they all use: errors, tensor memory),
 * model_open.c (loading, compiling, caching), model_plan.c (placement into
 * steps, buffers, command objects, jobs and their regions), model_run.c (invoke, async, profile),
 * model_io.c (tensors and bindings), model_partition.c (partition queries,
 * forcing ops to the CPU, custom kernels), model_trace.c (trace events).
 */
#ifndef NPU_MODEL_PRIV_H
#define NPU_MODEL_PRIV_H

#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>

#include "npu_model.h"
#include "npu_cpu.h"
#include "npu_model_format.h"
#include "npu_util.h"

#define MODEL_ERR_LEN 512

/*
 * Where a graph input's data comes from at each run; outputs use the same
 * record, as INPUT_MODEL (the arena) or INPUT_DMABUF (written in place).
 */
enum input_source {
	INPUT_MODEL,		/* the model's own copy (staged), set or filled */
	INPUT_MEMORY,		/* application memory, copied in at each run */
	INPUT_DMABUF,		/* a dma-buf the NPU reads in place */
};

struct input_binding {
	enum input_source source;
	/*
	 * The model's copy of the input, copied into the arena at each run:
	 * the arena slot of an input is reused by later tensors once the
	 * input has been consumed, so it does not survive a run.
	 */
	void *staged;
	const void *ptr;	/* INPUT_MEMORY */
	struct npu_bo *bo;	/* INPUT_DMABUF: the imported buffer (NPU) */
	int fd;			/* INPUT_DMABUF: our dup of the dma-buf, else -1 */
	size_t offset;		/* INPUT_DMABUF: start of the data in it */
	void *map;		/* INPUT_DMABUF: CPU mapping of the dma-buf */
	size_t map_size;
};

/* One step of a run: an NPU segment (one job) or consecutive CPU ops. */
struct model_step {
	bool npu;
	uint32_t segment;		/* npu */
	uint32_t first_op, op_count;
};

struct segment_state {
	struct npu_cmdstream *cs;	/* its stream, as the kernel validated it */
	struct npu_job *job;
	struct npu_segment_info info;	/* ops and last statistics */
	uint64_t submit_ns;		/* last submission, when tracing */
};

struct registered_kernel {
	int32_t builtin;
	char *custom_name;
	npu_model_kernel_fn fn;
	void *user;
};

struct npu_model {
	struct npu_device *dev;		/* NULL: CPU only */
	uint32_t flags;			/* NPU_MODEL_* */
	uint32_t cpu_threads;		/* npu_model_options.cpu_threads */
	char err[MODEL_ERR_LEN];

	/*
	 * What the model was opened from (its bytes are not kept: a change
	 * of placement compiles cm->graph again).
	 */
	size_t source_size;		/* bytes, for the default limits */
	bool source_is_tflite;
	uint64_t source_hash;		/* of a .tflite, for the compile cache */
	uint32_t *forced_cpu;
	size_t forced_count;

	struct npu_compiled_model *cm;
	const struct npu_graph *graph;	/* cm->graph */
	struct npu_cpu *cpu;

	/* Device memory (NPU in use) or host memory (CPU only). */
	bool use_npu;
	struct npu_bo *weights_bo;
	struct npu_bo *arena_bo;
	uint8_t *arena;			/* CPU view of the arena */
	bool arena_owned;		/* malloc'd (no NPU) */

	struct segment_state *segments;
	struct model_step *steps;
	size_t step_count;
	bool bindings_stale;		/* bindings changed since the regions were bound */

	struct input_binding *inputs;	/* per graph input */
	struct input_binding *outputs;	/* per graph output */
	uint64_t *op_time_ns;		/* per op, NPU_MODEL_PROFILE */

	struct registered_kernel *kernels;
	size_t kernel_count;

	int in_fence;			/* for the next run, or -1 */

	npu_trace_fn trace_fn;		/* npu_model_set_trace(), or NULL */
	void *trace_user;

	/* Asynchronous run. */
	pthread_t worker;
	bool worker_running;
	bool async_submitted;		/* jobs queued by invoke_async itself */
	int run_status;
	int event_fd;
};

/* Formats a message into model->err and returns ret (npu_fail()). */
#define model_fail(model, ret, ...) \
	npu_fail((model)->err, sizeof((model)->err), (ret), __VA_ARGS__)

/*
 * Builds everything a run needs from model->cm: the CPU executor, buffers,
 * steps, command objects and jobs.  model_plan_release() undoes it.
 */
int model_plan_build(struct npu_model *model);
void model_plan_release(struct npu_model *model);

/* Binds the jobs' regions to the current buffers (streams are not touched). */
int model_plan_bind(struct npu_model *model);


/* Compiles cm->graph again with model->forced_cpu and rebuilds the plan. */
int model_recompile(struct npu_model *model);

/* Arena memory of tensor t (CPU view), NULL when it has none (model_common.c). */
void *model_tensor_memory(struct npu_model *model, int32_t t);

/* Drops every input binding (dma-buf imports and mappings). */
void model_unbind_inputs(struct npu_model *model);

/* Runs every step; the synchronous core of invoke and the async worker. */
int model_run(struct npu_model *model);

/* Tracing (model_trace.c): report a CPU op / a finished segment's job. */
void model_trace_cpu_op(struct npu_model *model, uint32_t op, uint64_t start_ns,
			uint64_t end_ns, int status);
void model_trace_job(struct npu_model *model, uint32_t segment, int status,
		     const struct npu_job_stats *stats);

/* Translates a compiler/loader errno into the library's model errors (model_common.c). */
int model_errno(int ret);

#endif /* NPU_MODEL_PRIV_H */
