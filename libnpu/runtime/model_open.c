// SPDX-License-Identifier: MIT
/*
 * Opening a model: detect .npu or .tflite, load or compile (with the
 * optional on-disk cache of compiled .tflite models), build the run plan.
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../tflite/graph_priv.h"
#include "device_priv.h"
#include "file.h"
#include "model_priv.h"
#include "npu_fw.h"
#include "npu_regs.h"
#include "npu_tflite.h"

/* Largest model file accepted (the .npu format's own limit). */
#define MODEL_FILE_MAX NPU_MF_MAX_SIZE

static bool is_tflite(const void *data, size_t size)
{
	return size >= 8 && !memcmp((const char *)data + 4, "TFL3", 4);
}

static bool is_compiled(const void *data, size_t size)
{
	return size >= 8 && !memcmp(data, NPU_MF_MAGIC, 8);
}

/*
 * Firmware without the SRAM gets streams with every operand in DRAM
 * (NPU_COMPILE_NO_SRAM), cached apart from the others.
 */
static bool model_no_sram(const struct npu_model *model)
{
	return model->dev && !(model->dev->fw_features & NPU_FW_FEAT_SRAM);
}

/*
 * The device firmware's feature bits the compiler targets (0: none known,
 * compile for this library's firmware): an older firmware keeps the ops
 * of commands it lacks on the CPU.
 */
static uint32_t model_fw_features(const struct npu_model *model)
{
	return model->dev ? model->dev->fw_features : 0;
}

/*
 * Path of the cached compilation of a .tflite with this hash; a firmware
 * without the SRAM or lacking feature bits gets entries of its own.
 */
static void cache_path(char *buf, size_t len, const char *dir, uint64_t hash,
		       const struct npu_model *model)
{
	const uint32_t missing = model_fw_features(model) ?
				 NPU_FW_FEATURES & ~model_fw_features(model) : 0;
	char lacks[16] = "";

	if (missing)
		snprintf(lacks, sizeof(lacks), "-f%x", missing);
	snprintf(buf, len, "%s/%016" PRIx64 "-v%u%s%s.npu", dir, hash,
		 NPU_MF_VERSION_MAJOR, model_no_sram(model) ? "-dram" : "", lacks);
}

static struct npu_compiled_model *cache_lookup(const char *dir, uint64_t hash,
					       const struct npu_model *model)
{
	struct npu_compiled_model *cm = NULL;
	char path[4096];

	cache_path(path, sizeof(path), dir, hash, model);
	if (access(path, R_OK))
		return NULL;
	/* A damaged or stale entry is ignored and replaced. */
	if (npu_model_load_file(path, &cm, NULL, 0))
		return NULL;
	if (cm->source_hash != hash) {
		npu_compiled_model_free(cm);
		return NULL;
	}
	return cm;
}

/* Writes the entry atomically; failing to cache is not an error. */
static void cache_store(const char *dir, uint64_t hash, const struct npu_model *model,
			const struct npu_compiled_model *cm)
{
	char path[4096], tmp[4200];

	if (mkdir(dir, 0755) && errno != EEXIST)
		return;
	cache_path(path, sizeof(path), dir, hash, model);
	snprintf(tmp, sizeof(tmp), "%s.%d.tmp", path, (int)getpid());
	if (npu_model_save_file(cm, tmp, NULL, 0) || rename(tmp, path))
		unlink(tmp);
}

/* Compiles @g (taken over) with the model's forced placement into model->cm. */
static int compile_graph(struct npu_model *model, struct npu_graph *g)
{
	/*
	 * Always the NPU placement, device or not: the compiled model does
	 * not depend on where it runs (without an NPU every op runs on the
	 * CPU anyway), so one cache entry serves both; only firmware without
	 * the SRAM gets (and caches) streams that keep every operand in DRAM.
	 */
	struct npu_compile_options opt = {
		.flags = model_no_sram(model) ? NPU_COMPILE_NO_SRAM : 0,
		.num_force_cpu = (uint32_t)model->forced_count,
		.force_cpu = model->forced_cpu,
		.source_hash = model->source_hash,
		.fw_features = model_fw_features(model),
	};

	return model_errno(npu_compile(g, &opt, &model->cm, model->err, sizeof(model->err)));
}

/* The .npu loader's errors as the library's model errors. */
static int load_errno(int ret)
{
	return ret == -ENOTSUP ? -NPU_ERR_MODEL_VERSION : model_errno(ret);
}

/*
 * model->cm from the file's bytes: a .npu as compiled unless the placement
 * must change, a .tflite compiled (or found in the cache).  The bytes are
 * not kept: a later change of placement compiles the graph model->cm holds.
 */
static int compile_source(struct npu_model *model, const void *data, size_t size,
			  const char *cache_dir)
{
	bool cacheable = model->source_is_tflite && cache_dir && !model->forced_count;
	struct npu_compiled_model *cm;
	struct npu_graph *g;
	int ret;

	if (!model->source_is_tflite) {
		ret = npu_model_load(data, size, &cm, model->err, sizeof(model->err));
		if (ret)
			return load_errno(ret);
		if (!model->forced_count) {
			model->cm = cm;
			return 0;
		}
		/* Keep the graph, drop the rest. */
		g = cm->graph;
		cm->graph = NULL;
		npu_compiled_model_free(cm);
		return compile_graph(model, g);
	}
	model->source_hash = npu_model_hash(data, size);
	if (cacheable) {
		model->cm = cache_lookup(cache_dir, model->source_hash, model);
		if (model->cm)
			return 0;
	}
	ret = npu_tflite_load(data, size, &g, model->err, sizeof(model->err));
	if (ret)
		return model_errno(ret);
	ret = compile_graph(model, g);
	if (!ret && cacheable)
		cache_store(cache_dir, model->source_hash, model, model->cm);
	return ret;
}

int model_recompile(struct npu_model *model)
{
	struct npu_compiled_model *old = model->cm;
	struct npu_graph *g;
	int ret;

	ret = npu_graph_copy(old->graph, &g);
	if (ret)
		return ret;
	model_plan_release(model);
	model->cm = NULL;
	ret = compile_graph(model, g);
	if (ret) {
		/* Keep running with the previous placement. */
		model->cm = old;
		model_plan_build(model);
		return ret;
	}
	npu_compiled_model_free(old);
	return model_plan_build(model);
}

static void report(const struct npu_model_options *opts, const char *prefix,
		   const char *msg, int ret)
{
	if (!opts || !opts->err || !opts->errlen)
		return;
	snprintf(opts->err, opts->errlen, "%s%s", prefix,
		 *msg ? msg : npu_strerror(ret));
}

/*
 * Multiply-accumulates of one run of op @op, for the ops whose work grows
 * faster than their tensors (a window over a constant filter); the others
 * are linear in memory the memory limit bounds.
 */
static uint64_t op_macs(const struct npu_graph *g, const struct npu_graph_op *op)
{
	const int32_t t_out = op->num_outputs ? op->outputs[0] : -1;
	int32_t t_filter = -1, t_in = -1, dim = 0;

	switch (op->builtin) {
	case NPU_BUILTIN_CONV_2D:
	case NPU_BUILTIN_FULLY_CONNECTED:
		t_filter = op->num_inputs > 1 ? op->inputs[1] : -1;
		break;
	case NPU_BUILTIN_DEPTHWISE_CONV_2D:
		t_filter = op->num_inputs > 1 ? op->inputs[1] : -1;
		dim = 3;
		break;
	case NPU_BUILTIN_TRANSPOSE_CONV:
		/* Each input element meets KH x KW x Cout filter entries. */
		t_filter = op->num_inputs > 2 ? op->inputs[1] : -1;
		t_in = op->num_inputs > 2 ? op->inputs[2] : -1;
		dim = 3;
		break;
	default:
		return 0;
	}
	if (t_filter < 0 || t_out < 0 || g->tensors[t_filter].rank <= dim ||
	    g->tensors[t_filter].shape[dim] <= 0)
		return 0;
	return (uint64_t)g->tensors[t_in >= 0 ? t_in : t_out].elements *
	       (g->tensors[t_filter].elements / (uint64_t)g->tensors[t_filter].shape[dim]);
}

/*
 * What a model may cost a process, checked before anything is allocated:
 * activation memory (arena and staged inputs) within memory_limit, and the
 * multiply-accumulates of one run within work_limit (a few hundred bytes
 * must not buy gigabytes or minutes of CPU time).
 */
static int check_budget(struct npu_model *model, const struct npu_model_options *opts)
{
	const struct npu_graph *g = model->cm->graph;
	uint64_t limit = opts ? opts->memory_limit : 0;
	uint64_t work_limit = opts ? opts->work_limit : 0;
	uint64_t need = model->cm->arena_size, work = 0;

	if (!limit)
		limit = NPU_MODEL_MEMORY_BASE +
			(uint64_t)NPU_MODEL_MEMORY_PER_BYTE * model->source_size;
	if (!work_limit)
		work_limit = NPU_MODEL_WORK_BASE +
			     (uint64_t)NPU_MODEL_WORK_PER_BYTE * model->source_size;
	for (uint32_t i = 0; i < g->num_inputs; i++)
		need += g->tensors[g->inputs[i]].bytes;
	if (need > limit)
		return model_fail(model, -E2BIG,
				  "the model needs %llu MiB of activation memory, over the limit of %llu MiB (npu_model_options.memory_limit; by default 32 MiB + 16 bytes per byte of the model file)",
				  (unsigned long long)((need + (1 << 20) - 1) >> 20),
				  (unsigned long long)(limit >> 20));
	for (uint32_t i = 0; i < g->num_ops; i++) {
		uint64_t macs = op_macs(g, &g->ops[i]);

		work = macs > UINT64_MAX - work ? UINT64_MAX : work + macs;
	}
	if (work > work_limit)
		return model_fail(model, -E2BIG,
				  "the model needs %llu million multiply-accumulates per run, over the limit of %llu million (npu_model_options.work_limit; by default 2^30 + 4096 per byte of the model file)",
				  (unsigned long long)(work / 1000000),
				  (unsigned long long)(work_limit / 1000000));
	return 0;
}

/*
 * @owned: NULL, or @data itself as a malloc'ed buffer (the file
 * npu_model_open() read), freed here once compiled or on failure.
 */
static int open_memory(struct npu_device *dev, const void *data, size_t size,
		       void *owned, const struct npu_model_options *opts,
		       const char *prefix, struct npu_model **out)
{
	struct npu_model *model;
	int ret;

	/* owned (the file npu_model_open read) is this function's on every path. */
	if (!out) {
		free(owned);
		return -EINVAL;
	}
	*out = NULL;
	if (!data || (opts && opts->cpu_op_count && !opts->cpu_ops) ||
	    (opts && (opts->flags & ~(NPU_MODEL_CPU_ONLY | NPU_MODEL_PROFILE))) ||
	    (opts && opts->cpu_threads > NPU_CPU_MAX_THREADS)) {
		free(owned);
		return -EINVAL;
	}
	if (!is_tflite(data, size) && !is_compiled(data, size)) {
		report(opts, prefix, "neither a .tflite nor a compiled .npu model",
		       -NPU_ERR_MODEL_FORMAT);
		free(owned);
		return -NPU_ERR_MODEL_FORMAT;
	}
	model = calloc(1, sizeof(*model));
	if (!model) {
		free(owned);
		return -ENOMEM;
	}
	model->dev = dev;
	model->event_fd = -1;
	model->in_fence = -1;
	model->flags = opts ? opts->flags : 0;
	model->cpu_threads = opts ? opts->cpu_threads : 0;
	model->source_is_tflite = is_tflite(data, size);
	model->source_size = size;
	ret = -ENOMEM;
	if (opts && opts->cpu_op_count) {
		model->forced_cpu = malloc(opts->cpu_op_count * sizeof(uint32_t));
		if (!model->forced_cpu)
			goto err;
		memcpy(model->forced_cpu, opts->cpu_ops,
		       opts->cpu_op_count * sizeof(uint32_t));
		model->forced_count = opts->cpu_op_count;
	}
	ret = compile_source(model, data, size, opts ? opts->cache_dir : NULL);
	/* The file's bytes are not kept (model->cm has all it needs). */
	free(owned);
	owned = NULL;
	if (!ret)
		ret = check_budget(model, opts);
	if (ret)
		goto err;
	model->graph = model->cm->graph;
	for (size_t i = 0; i < model->forced_count; i++) {
		if (model->forced_cpu[i] >= model->cm->graph->num_ops) {
			ret = model_fail(model, -EINVAL, "op %u forced to the CPU does not exist (%u ops)",
					 model->forced_cpu[i], model->cm->graph->num_ops);
			goto err;
		}
	}
	model->inputs = calloc(model->cm->graph->num_inputs ? model->cm->graph->num_inputs : 1,
			       sizeof(*model->inputs));
	if (!model->inputs) {
		ret = -ENOMEM;
		goto err;
	}
	model->outputs = calloc(model->cm->graph->num_outputs + 1, sizeof(*model->outputs));
	if (!model->outputs) {
		ret = -ENOMEM;
		goto err;
	}
	for (uint32_t i = 0; i < model->cm->graph->num_outputs; i++)
		model->outputs[i].fd = -1;
	for (uint32_t i = 0; i < model->cm->graph->num_inputs; i++) {
		size_t bytes = model->cm->graph->tensors[model->cm->graph->inputs[i]].bytes;

		model->inputs[i].fd = -1;
		model->inputs[i].staged = calloc(1, bytes ? bytes : 1);
		if (!model->inputs[i].staged) {
			ret = -ENOMEM;
			goto err;
		}
	}
	ret = model_plan_build(model);
	if (ret)
		goto err;
	*out = model;
	return 0;
err:
	free(owned);
	report(opts, prefix, model->err, ret);
	npu_model_close(model);
	return ret;
}

int npu_model_open_memory(struct npu_device *dev, const void *data,
			  size_t size, const struct npu_model_options *opts,
			  struct npu_model **out)
{
	return open_memory(dev, data, size, NULL, opts, "", out);
}

int npu_model_open(struct npu_device *dev, const char *path,
		   const struct npu_model_options *opts, struct npu_model **out)
{
	char prefix[4200];
	void *data = NULL;
	size_t size = 0;
	int ret;

	if (!out)
		return -EINVAL;
	*out = NULL;
	if (!path)
		return -EINVAL;
	snprintf(prefix, sizeof(prefix), "%s: ", path);
	ret = npu_read_file(path, MODEL_FILE_MAX, "4 GiB", &data, &size, NULL, 0);
	if (ret) {
		report(opts, prefix, "", ret);
		return ret;
	}
	return open_memory(dev, data, size, data, opts, prefix, out);
}

void npu_model_close(struct npu_model *model)
{
	if (!model)
		return;
	if (model->worker_running)
		npu_model_wait(model, -1);
	model_plan_release(model);
	if (model->in_fence >= 0)
		close(model->in_fence);
	if (model->inputs && model->cm)
		model_unbind_inputs(model);
	npu_compiled_model_free(model->cm);
	for (size_t i = 0; i < model->kernel_count; i++)
		free(model->kernels[i].custom_name);
	free(model->kernels);
	free(model->inputs);
	free(model->outputs);
	free(model->forced_cpu);
	free(model);
}

const char *npu_model_error(const struct npu_model *model)
{
	return model ? model->err : "";
}
