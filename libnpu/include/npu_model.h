/* SPDX-License-Identifier: MIT */
/*
 * libnpu's model runtime: open a compiled .npu or a .tflite, bind inputs,
 * run on the NPU (the ops outside its limits on the CPU), read outputs,
 * see which op ran where and trace runs.  Built on the device layer of
 * npu.h, whose conventions (opaque handles, negative errors, npu_strerror())
 * it follows.
 *
 * Documentation/runtime-api.rst describes the API with examples.
 */
#ifndef NPU_MODEL_H
#define NPU_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "npu.h"

#if defined(__cplusplus)
extern "C" {
#endif

/* libnpu is built with -fvisibility=hidden: what this header declares is its API. */
#pragma GCC visibility push(default)

/*
 * A model: a compiled .npu file (npu-compile) or a .tflite compiled when
 * loaded.  Ops inside the NPU's limits run as NPU jobs, the rest on the CPU
 * with the same bytes as a result; without a device (dev NULL) or with
 * NPU_MODEL_CPU_ONLY everything runs on the CPU.  A model is used by one
 * thread at a time; several models may share a device.
 */
struct npu_model;

#define NPU_MODEL_MAX_DIMS	8

/* Run every op on the CPU even when a device is given. */
#define NPU_MODEL_CPU_ONLY	(1u << 0)
/* Time every op and segment (npu_model_op_info(), npu_model_segment_info()). */
#define NPU_MODEL_PROFILE	(1u << 1)

struct npu_model_options {
	uint32_t flags;			/* NPU_MODEL_* */
	/*
	 * .tflite only: directory caching the compiled model under the hash
	 * of the .tflite bytes, so later loads skip compilation.  NULL: no
	 * cache.  Created when missing.
	 */
	const char *cache_dir;
	/*
	 * Ops that must run on the CPU, by their number in the source model
	 * (TFLite's operator index, as `npu-compile --report` prints it).
	 */
	const uint32_t *cpu_ops;
	size_t cpu_op_count;
	/* Receives a one-line message when loading fails; may be NULL. */
	char *err;
	size_t errlen;
	/*
	 * Threads for the ops run on the CPU (0 or 1: the caller's only; at
	 * most NPU_CPU_MAX_THREADS), started once at open.  The outputs are
	 * the same bytes for any number.
	 */
	uint32_t cpu_threads;
	/*
	 * Most bytes of activation memory (arena and staged inputs) the model
	 * may use; 0: NPU_MODEL_MEMORY_BASE + NPU_MODEL_MEMORY_PER_BYTE per
	 * byte of the model file.  A model over it is refused with -E2BIG,
	 * before anything is allocated: a few hundred bytes declaring
	 * gigabyte tensors must not take gigabytes (real models need well
	 * under a hundredth of this default).
	 */
	uint64_t memory_limit;
	/*
	 * Most multiply-accumulates one run may take (convolutions and fully
	 * connected layers); 0: NPU_MODEL_WORK_BASE + NPU_MODEL_WORK_PER_BYTE
	 * per byte of the model file.  Over it: -E2BIG, so a tiny file
	 * declaring huge shapes cannot keep the CPU busy for minutes.
	 */
	uint64_t work_limit;
};

#define NPU_MODEL_MEMORY_BASE		(32ull << 20)
#define NPU_MODEL_MEMORY_PER_BYTE	16u
#define NPU_MODEL_WORK_BASE		(1ull << 30)
#define NPU_MODEL_WORK_PER_BYTE		4096u

/*
 * Opens a model file (.npu, or .tflite compiled on the spot) or a model in
 * memory.  dev may be NULL (CPU only).  opts may be NULL.  Errors:
 * -NPU_ERR_MODEL_FORMAT (malformed; the message names the problem),
 * -NPU_ERR_MODEL_CHECKSUM (a .npu failing its CRC: damaged in storage or
 * transfer), -NPU_ERR_MODEL_VERSION, -NPU_ERR_UNSUPPORTED,
 * -E2BIG (over the memory or work limit), -EINVAL (bad options), -errno from
 * reading the file.
 */
int npu_model_open(struct npu_device *dev, const char *path,
		   const struct npu_model_options *opts, struct npu_model **out);
int npu_model_open_memory(struct npu_device *dev, const void *data,
			  size_t size, const struct npu_model_options *opts,
			  struct npu_model **out);
void npu_model_close(struct npu_model *model);

/* Message of the model's last failure, "" if none. */
const char *npu_model_error(const struct npu_model *model);

/* Whether any op runs on the NPU. */
bool npu_model_uses_npu(const struct npu_model *model);

/* Bytes of device and host memory the model holds (buffers, arena, weights). */
size_t npu_model_memory_size(const struct npu_model *model);

/* One input or output tensor. */
struct npu_tensor_info {
	const char *name;
	uint32_t type;		/* TFLite TensorType (enum npu_type) */
	const char *type_name;	/* "int8", "int16", "float32", ... */
	uint32_t rank;
	int32_t shape[NPU_MODEL_MAX_DIMS];
	size_t bytes;
	float scale;		/* 0 when not quantized */
	int32_t zero_point;
};

size_t npu_model_input_count(const struct npu_model *model);
size_t npu_model_output_count(const struct npu_model *model);
int npu_model_input_info(const struct npu_model *model, size_t index,
			 struct npu_tensor_info *info);
int npu_model_output_info(const struct npu_model *model, size_t index,
			  struct npu_tensor_info *info);

/*
 * Input data.  npu_model_set_input() copies size bytes (exactly the
 * tensor's size, else -NPU_ERR_TENSOR_SIZE) now.  npu_model_input_buffer()
 * gives the model's own memory for the input to fill in place.
 * npu_model_bind_input() makes every later invoke read data (which must
 * stay valid) instead; npu_model_bind_input_dmabuf() does the same for a
 * dma-buf, which the NPU then reads in place without a copy (PRIME import),
 * starting at offset.  Binding NULL / fd -1 returns to the model's memory.
 */
int npu_model_set_input(struct npu_model *model, size_t index,
			const void *data, size_t size);
int npu_model_input_buffer(struct npu_model *model, size_t index, void **data);
int npu_model_bind_input(struct npu_model *model, size_t index,
			 const void *data, size_t size);
int npu_model_bind_input_dmabuf(struct npu_model *model, size_t index,
				int fd, size_t offset);

/*
 * Output index is written straight into a dma-buf (e.g. for a display or an
 * encoder) at offset (64-byte aligned) from the next run on:
 * npu_model_output() then points into a mapping of it.  fd -1 unbinds.
 */
int npu_model_bind_output_dmabuf(struct npu_model *model, size_t index,
				 int fd, size_t offset);

/*
 * Runs the model.  Inputs never set are zero.  A CPU op without a kernel
 * fails the run with -NPU_ERR_NO_KERNEL (register one with
 * npu_model_register_kernel()); a failing NPU job with its error.
 */
int npu_model_invoke(struct npu_model *model);

/*
 * Puts the model's variable tensors (the state of SVDF and LSTM ops, which
 * each run carries over to the next) back to their initial contents, as
 * TFLite's ResetVariableTensors(): -EBUSY while a run is active.
 */
int npu_model_reset_state(struct npu_model *model);

/*
 * The next run (synchronous or not) starts only once the sync_file fence fd
 * signals, e.g. a camera's "frame written" fence for a bound dma-buf: the
 * first NPU job waits for it in the kernel when the run starts on the NPU,
 * otherwise the CPU waits before touching the inputs.  The fence is taken
 * now (the caller keeps fd) and used once.
 */
int npu_model_set_in_fence(struct npu_model *model, int fd);

/*
 * Starts the model and returns at once.  *fence_fd (the caller closes it)
 * becomes readable (poll POLLIN) when the run ends; it is a sync_file when
 * the model's last step runs on the NPU and nothing runs on the CPU.
 * Then npu_model_wait() gives the result.  -EBUSY while a run is active.
 */
int npu_model_invoke_async(struct npu_model *model, int *fence_fd);

/*
 * Waits for the run started by npu_model_invoke_async(): 0, the run's
 * error, or -ETIME after timeout_ns (relative; negative: forever).
 */
int npu_model_wait(struct npu_model *model, int64_t timeout_ns);

/* Output memory after a run (valid until the next run or close). */
int npu_model_output(struct npu_model *model, size_t index,
		     const void **data, size_t *size);

/* ---- partition: where each op runs ---- */

enum npu_placement {
	NPU_PLACEMENT_NPU = 0,
	NPU_PLACEMENT_CPU = 1,
};

struct npu_op_info {
	const char *type;	/* "CONV_2D", or a custom op's name */
	int32_t builtin;	/* TFLite BuiltinOperator */
	enum npu_placement placement;
	int32_t segment;	/* NPU segment index, -1 on the CPU */
	const char *reason;	/* why it runs on the CPU; "" on the NPU */
	/*
	 * Last run, NPU_MODEL_PROFILE.  CPU ops: measured.  NPU ops: their
	 * segment's measured time shared out by the compiler's cycle
	 * estimate (0 when the model has none, e.g. opened from a .npu).
	 */
	uint64_t time_ns;
	/*
	 * Fields after this point were added after 0.1: only
	 * npu_model_op_info_sized() fills them, within the size its caller
	 * passes.  Where the op is in the source model: its TFLite subgraph
	 * and operator index (the numbers --force-cpu, npu-compile's report
	 * and a .tflite viewer show), which differ from @index of
	 * npu_model_op_info() when the compiler ran ops in another order.
	 */
	uint32_t tflite_subgraph;
	uint32_t tflite_op;
};

/* A run of consecutive NPU ops submitted as one job. */
struct npu_segment_info {
	uint32_t first_op;
	uint32_t op_count;
	uint64_t time_ns;	/* last run, NPU_MODEL_PROFILE: exec time */
	uint64_t cycles;	/* last run */
	uint64_t macs;
	uint64_t dram_read_bytes;
	uint64_t dram_write_bytes;
};

/*
 * Op @index, segments' first_op and trace events number ops in the order
 * they run, which is the source model's unless the compiler ran CPU ops
 * later to join NPU segments (Documentation/compiler.rst, "Op order").
 */
size_t npu_model_op_count(const struct npu_model *model);
/* Fills @info up to time_ns (0.1's struct npu_op_info). */
int npu_model_op_info(const struct npu_model *model, size_t index,
		      struct npu_op_info *info);
/*
 * Fills the first @info_size bytes of @info (sizeof(*info) of the
 * caller's header; at least 0.1's size, else -EINVAL): every field this
 * library knows that fits, later ones untouched.  Since NPU_0.2.
 */
int npu_model_op_info_sized(const struct npu_model *model, size_t index,
			    struct npu_op_info *info, size_t info_size);
size_t npu_model_segment_count(const struct npu_model *model);
int npu_model_segment_info(const struct npu_model *model, size_t index,
			   struct npu_segment_info *info);

/* Moves op index to the CPU from the next run on. */
int npu_model_force_cpu(struct npu_model *model, size_t index);

/* ---- tracing: what ran where, and when ---- */

enum npu_trace_kind {
	NPU_TRACE_CPU_OP = 0,	/* one op run by the CPU executor */
	NPU_TRACE_NPU_JOB = 1,	/* one NPU segment's job */
};

/*
 * One finished piece of a run.  Times are CLOCK_MONOTONIC nanoseconds.
 * CPU op: start and end of its kernel.  NPU job: start is just before the
 * submit ioctl, end when its fence signalled (the fence's own timestamp,
 * taken by the kernel; the time the wait returned when unavailable), with
 * the driver's per-job statistics and the time the wait returned.  Consecutive jobs are queued together,
 * so a job's start may precede the previous job's end.  Fields may be
 * added at the end; the library owns the event and its strings, valid
 * during the callback only.
 */
struct npu_trace_event {
	enum npu_trace_kind kind;
	const char *name;	/* CPU: op type ("CONV_2D"); NPU: "segment 3" */
	uint32_t index;		/* CPU: op index; NPU: segment index */
	uint32_t first_op;	/* ops covered: [first_op, first_op + op_count) */
	uint32_t op_count;
	const char *reason;	/* CPU: why the op is not on the NPU; NPU: "" */
	uint64_t start_ns, end_ns;
	int32_t status;		/* 0 or the negative error it ended with */
	/* NPU job: the driver's statistics (struct npu_job_stats), else 0. */
	uint64_t exec_ns;	/* on the hardware, a part of [start, end] */
	uint64_t cycles, macs, dram_read_bytes, dram_write_bytes;
	/*
	 * NPU job: when the waiting thread returned from its wait, >= end_ns;
	 * the difference is the kernel's and the scheduler's wake-up latency.
	 */
	uint64_t woken_ns;
};

typedef void (*npu_trace_fn)(const struct npu_trace_event *event, void *user);

/*
 * Calls fn for every CPU op and NPU job of the following runs (sync or
 * async), on the thread doing the run, as each one ends.  fn NULL turns
 * tracing off.  Without a trace function ops are not timed one by one.
 */
int npu_model_set_trace(struct npu_model *model, npu_trace_fn fn, void *user);

/*
 * A trace file in the Chrome trace-event format (JSON, for Perfetto's UI
 * and chrome://tracing): one track for CPU ops, one for NPU jobs (each
 * with its time on the hardware nested inside and the job's statistics as
 * arguments), and tracks the application names for its own spans.  Feed
 * models' events to it with npu_model_set_trace(model,
 * npu_trace_file_event, file); several models may share one file, from
 * several threads.  Times in the file are microseconds since it was opened.
 */
struct npu_trace_file;

int npu_trace_file_open(const char *path, struct npu_trace_file **out);
/* An npu_trace_fn: user is the struct npu_trace_file. */
void npu_trace_file_event(const struct npu_trace_event *event, void *user);
/*
 * A span of the application's own (an invoke, a pre-processing step) on
 * the track named track, created on first use (at most 16 tracks).
 */
int npu_trace_file_span(struct npu_trace_file *file, const char *track,
			const char *name, uint64_t start_ns, uint64_t end_ns);
/* Ends the JSON and closes the file: 0, or -EIO if any write failed. */
int npu_trace_file_close(struct npu_trace_file *file);

/*
 * Runs every op of type builtin (for CUSTOM ops: named custom_name) with fn
 * on the CPU from the next run on; for a custom op or one the runtime lacks,
 * or to replace a built-in kernel.  fn receives the op's tensors
 * (struct npu_cpu_kernel_args in npu_cpu.h).  Returns the number of ops it
 * applies to.
 */
struct npu_cpu_kernel_args;
typedef int (*npu_model_kernel_fn)(const struct npu_cpu_kernel_args *args,
				   void *user);
int npu_model_register_kernel(struct npu_model *model, int32_t builtin,
			      const char *custom_name, npu_model_kernel_fn fn,
			      void *user);

#pragma GCC visibility pop

#if defined(__cplusplus)
}
#endif

#endif /* NPU_MODEL_H */
