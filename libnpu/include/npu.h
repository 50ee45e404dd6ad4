/* SPDX-License-Identifier: MIT */
/*
 * libnpu: userspace access to the NPU accel driver.
 *
 * Conventions
 * - Objects are opaque handles created by the _open, _alloc and _create
 *   functions and released by the matching _close, _free and _destroy
 *   functions, which accept NULL.
 * - Functions that can fail return 0 or a negative error: a negative errno
 *   (-EINVAL, -ENOMEM, ...) or a negative NPU_ERR_* below.  npu_strerror()
 *   turns either into a message.
 * - The library keeps no global state; one device handle may be used from
 *   several threads.  BO and job handles belong to one thread at a time.
 *
 * Documentation/runtime-api.rst describes the API with examples.
 */
#ifndef NPU_H
#define NPU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#if defined(__cplusplus)
extern "C" {
#endif

/* ------------------------------------------------------------------ errors */

/*
 * Library-specific errors, returned negated like errno values.  They start
 * above the errno range so the two never collide.
 */
enum npu_error {
	NPU_ERR_BASE = 4096,
	NPU_ERR_NO_DEVICE = NPU_ERR_BASE, /* no NPU found on the system */
	NPU_ERR_NOT_NPU,	/* the node is not driven by the NPU driver */
	NPU_ERR_KERNEL_ABI,	/* kernel answered with an unusable ABI */
	NPU_ERR_MODEL_FORMAT,	/* model file malformed */
	NPU_ERR_MODEL_VERSION,	/* model format version not supported */
	NPU_ERR_MODEL_CHECKSUM,	/* .npu file fails its CRC (damaged) */
	NPU_ERR_UNSUPPORTED,	/* op, type or parameter not supported */
	NPU_ERR_NO_KERNEL,	/* no CPU kernel for an op */
	NPU_ERR_TENSOR_SIZE,	/* tensor data size does not match */
	NPU_ERR_NOT_BOUND,	/* reserved */
	NPU_ERR_JOB_PENDING,	/* job not finished (or never submitted) */
	NPU_ERR_FILE_FORMAT,	/* input/tensor file malformed */
	NPU_ERR_END
};

/*
 * Message for a (negative or positive) errno or NPU_ERR_* value.  Never
 * NULL; the string is static and must not be freed.
 */
const char *npu_strerror(int err);

/*
 * The library's version, "MAJOR.MINOR.PATCH" (the package version; the
 * soname's number changes only with the ABI).  Static, never NULL.
 */
const char *npu_version(void);

/* ------------------------------------------------------------- discovery */

/* One identity attribute of an NPU, as sysfs exposes it. */
struct npu_attr {
	const char *name;
	const char *value;
};

/*
 * One NPU found on the system.  Strings stay valid until the list that
 * holds the description is freed.  Missing information is "" (never NULL).
 */
struct npu_device_desc {
	const char *node;	/* device node, e.g. /dev/accel/accel0 */
	const char *syspath;	/* sysfs path of the accel device */
	const char *driver;	/* kernel driver bound to the parent, "npu" */
	const char *parent;	/* parent device name, e.g. "npu.1.auto" */
	size_t attr_count;	/* identity attributes, sorted by name */
	const struct npu_attr *attrs;
};

struct npu_device_list;

/*
 * Every NPU on the system (accel devices whose parent is bound to the
 * "npu" driver), in node order.  An empty list is not an error.
 */
int npu_device_list_create(struct npu_device_list **out);
size_t npu_device_list_count(const struct npu_device_list *list);
/* NULL when index is out of range. */
const struct npu_device_desc *
npu_device_list_get(const struct npu_device_list *list, size_t index);
void npu_device_list_free(struct npu_device_list *list);

/* ---------------------------------------------------------------- device */

struct npu_device;

/*
 * Opens an NPU.  path NULL: the first NPU npu_device_list_create() finds
 * (-NPU_ERR_NO_DEVICE when there is none).  Otherwise the node at path, which
 * must be driven by the NPU driver (-NPU_ERR_NOT_NPU otherwise).
 */
int npu_device_open(const char *path, struct npu_device **out);
void npu_device_close(struct npu_device *dev);

/* The DRM file descriptor (owned by the device) and the node's path. */
int npu_device_fd(const struct npu_device *dev);
const char *npu_device_path(const struct npu_device *dev);

/* Identity and capabilities; fields an older kernel does not report are 0. */
struct npu_device_info {
	uint32_t hw_id;			/* identification register ("NPU8") */
	uint32_t hw_revision;		/* major << 16 | minor */
	uint32_t fw_version;		/* major << 16 | minor << 8 | patch */
	uint32_t fw_features;		/* NPU_FW_FEAT_* */
	uint32_t cmdstream_version;	/* highest command-stream version */
	uint32_t mac_count;		/* int8 MACs per cycle */
	uint32_t clock_mhz;
	uint32_t sram_size;		/* bytes */
	uint32_t dram_bytes_per_cycle;
	uint32_t queue_depth;		/* jobs in the hardware queue */
	uint32_t num_address_spaces;
	uint32_t page_size;		/* MMU page size in bytes */
	uint64_t va_start;		/* NPU virtual range for buffers */
	uint64_t va_end;		/* exclusive */
	uint64_t max_bo_size;
};

int npu_device_query_info(struct npu_device *dev, struct npu_device_info *info);

/* Device-wide performance counters since the driver was loaded. */
struct npu_counters {
	uint64_t cycles;
	uint64_t macs;
	uint64_t dram_read_bytes;
	uint64_t dram_write_bytes;
	uint64_t jobs_completed;
	uint64_t jobs_failed;
	uint64_t resets;
	uint64_t mmu_faults;
};

int npu_device_query_counters(struct npu_device *dev,
			      struct npu_counters *counters);

/*
 * Writes a description of one NPU: text for people, or with NPU_PRINT_JSON
 * a JSON object.  desc, info and counters may each be NULL (left out).
 * Used by npu-info; returns 0 or -EIO when writing fails.
 */
#define NPU_PRINT_JSON		(1u << 0)
int npu_device_print(FILE *out, const struct npu_device_desc *desc,
		     const struct npu_device_info *info,
		     const struct npu_counters *counters, unsigned int flags);

/* -------------------------------------------------------- buffer objects */

struct npu_bo;

/* The NPU may read the buffer but never write it (weights, streams). */
#define NPU_BO_DEVICE_READ_ONLY	(1u << 0)
/* The CPU cannot map the buffer. */
#define NPU_BO_NO_MMAP		(1u << 1)
/* Reported by npu_bo_flags() for buffers imported from a dma-buf. */
#define NPU_BO_IMPORTED		(1u << 31)

/*
 * Allocates size bytes (rounded up to the MMU page size) mapped into this
 * device handle's NPU address space.  Size 0 is -EINVAL; beyond the
 * device's max_bo_size -E2BIG; a full address space -ENOSPC.
 */
int npu_bo_alloc(struct npu_device *dev, size_t size, uint32_t flags,
		 struct npu_bo **out);

/*
 * Imports a dma-buf (from a dma-heap, udmabuf, a camera or another
 * process's npu_bo_export()).  The NPU accesses the memory in place.  The
 * caller keeps ownership of fd.  Importing a buffer this device already has
 * returns another reference to the same npu_bo.
 */
int npu_bo_import(struct npu_device *dev, int fd, struct npu_bo **out);

/* Drops a reference; the last one unmaps and frees the buffer. */
void npu_bo_free(struct npu_bo *bo);

/* A new dma-buf fd for the buffer (O_CLOEXEC|O_RDWR); the caller closes it. */
int npu_bo_export(struct npu_bo *bo, int *fd);

/*
 * CPU mapping of the whole buffer, created on first use and kept until
 * npu_bo_unmap() or the last npu_bo_free().  -EPERM for NPU_BO_NO_MMAP.
 */
int npu_bo_map(struct npu_bo *bo, void **ptr);
void npu_bo_unmap(struct npu_bo *bo);

/*
 * Waits until every job using the buffer has finished.  timeout_ns is
 * relative; negative waits forever, 0 polls.  -ETIME when it expires
 * (as npu_job_wait(), where -ETIMEDOUT means the job itself hung).
 */
int npu_bo_wait(struct npu_bo *bo, int64_t timeout_ns);

uint64_t npu_bo_npu_addr(const struct npu_bo *bo);	/* NPU virtual address */
size_t npu_bo_size(const struct npu_bo *bo);		/* bytes, page rounded */
uint32_t npu_bo_flags(const struct npu_bo *bo);
uint32_t npu_bo_handle(const struct npu_bo *bo);	/* GEM handle */
struct npu_device *npu_bo_device(const struct npu_bo *bo);

/* ------------------------------------------------------------------ jobs */

/*
 * A job runs one command stream (uapi/npu_cmdstream.h) on the NPU.  Build it
 * once, submit it, wait for it; it can be submitted again after it ended.
 * Every buffer the stream addresses must be added with its usage, which
 * also orders the job after earlier writers/readers of those buffers
 * (implicit synchronisation).  Buffers only need to be alive while
 * npu_job_submit() runs: the kernel holds them for the job's duration.
 */
struct npu_job;

#define NPU_JOB_BO_READ		(1u << 0)
#define NPU_JOB_BO_WRITE	(1u << 1)

enum npu_priority {
	NPU_PRIORITY_LOW = 0,
	NPU_PRIORITY_NORMAL = 1,	/* default */
	NPU_PRIORITY_HIGH = 2,		/* needs CAP_SYS_NICE */
};

/* What a finished job reports (see struct drm_npu_job_stats). */
struct npu_job_stats {
	int32_t status;		/* 0 or the negative errno the job ended with */
	uint64_t cycles;	/* device cycles */
	uint64_t macs;		/* multiply-accumulates */
	uint64_t dram_read_bytes;
	uint64_t dram_write_bytes;
	uint64_t exec_ns;	/* from reaching the hardware to completion */
};

/*
 * A job running cmd_size bytes of stream at cmd_offset in cmd_bo (both
 * multiples of 4, size non-zero).  The stream buffer is implied in the
 * buffer list (read).
 */
int npu_job_create(struct npu_device *dev, struct npu_bo *cmd_bo,
		   uint32_t cmd_offset, uint32_t cmd_size, struct npu_job **out);

/*
 * Releases the job.  A job still running keeps running; its buffers stay
 * alive in the kernel until it ends.
 */
void npu_job_destroy(struct npu_job *job);

/*
 * Adds a buffer the stream uses, with NPU_JOB_BO_READ and/or
 * NPU_JOB_BO_WRITE.  Adding a buffer again merges the usage.
 */
int npu_job_add_bo(struct npu_job *job, struct npu_bo *bo, uint32_t usage);

/*
 * The job waits for a sync_file fence (e.g. from a camera, a GPU, or
 * npu_job_export_fence()) before it starts.  The fence is taken now; the
 * caller keeps fd.  In-fences apply to every later submission until
 * npu_job_clear_in_fences().
 */
int npu_job_add_in_fence(struct npu_job *job, int fd);
void npu_job_clear_in_fences(struct npu_job *job);

int npu_job_set_priority(struct npu_job *job, enum npu_priority priority);

/*
 * Queues the job.  -EBUSY when its previous submission has not ended yet.
 * Stream validation errors (-EINVAL) come back here.
 */
int npu_job_submit(struct npu_job *job);

/*
 * Queues count jobs of one device in order, all or none (at most 64; all
 * with the same priority).
 */
int npu_job_submit_batch(struct npu_job *const *jobs, size_t count);

/*
 * Waits for the last submission to end.  timeout_ns is relative; negative
 * waits forever, 0 polls.  Returns 0 when the job succeeded, the job's
 * negative errno when it failed on the device (-EFAULT MMU fault,
 * -ETIMEDOUT hang, -EIO device error, -ECANCELED banned), -ETIME when the
 * wait timed out, -NPU_ERR_JOB_PENDING when it was never submitted.
 */
int npu_job_wait(struct npu_job *job, int64_t timeout_ns);

/* Statistics of the last submission; -NPU_ERR_JOB_PENDING until it ended. */
int npu_job_get_stats(const struct npu_job *job, struct npu_job_stats *stats);

/*
 * A sync_file fd that signals when the last submission ends, for poll()
 * or another device's in-fence.  The caller closes it.
 */
int npu_job_export_fence(struct npu_job *job, int *fd);

/* ---------------------------------------------------------------- models */

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
	/* Ops (by index in the model) that must run on the CPU. */
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

size_t npu_model_op_count(const struct npu_model *model);
int npu_model_op_info(const struct npu_model *model, size_t index,
		      struct npu_op_info *info);
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

/*
 * Reads a tensor file for a tensor described by info into a new buffer of
 * info->bytes (free() it): raw bytes (the size must match exactly) or a
 * .npy array (dtype and element count must match).  Images are not tensor
 * files: decoding, resizing and mapping them to the input's quantization
 * is the application's (npu-run does it with stb_image).  On failure err
 * says why.
 */
int npu_tensor_load_file(const char *path, const struct npu_tensor_info *info,
			 void **data, char *err, size_t errlen);

#if defined(__cplusplus)
}
#endif

#endif /* NPU_H */
