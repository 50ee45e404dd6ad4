// SPDX-License-Identifier: MIT
/*
 * The partition of a model (which op runs where, and why), forcing ops to
 * the CPU, and application kernels for CPU ops.
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "model_priv.h"

bool npu_model_uses_npu(const struct npu_model *model)
{
	return model && model->use_npu;
}

size_t npu_model_memory_size(const struct npu_model *model)
{
	size_t total = 0;

	if (!model)
		return 0;
	if (model->use_npu) {
		total = npu_bo_size(model->weights_bo) + npu_bo_size(model->arena_bo);
		/* The kernel's copies of the streams (command objects). */
		for (uint32_t s = 0; s < model->cm->num_segments; s++)
			total += model->cm->segments[s].stream_size;
	} else
		total = model->cm->arena_size;
	return total;
}

size_t npu_model_op_count(const struct npu_model *model)
{
	return model ? model->graph->num_ops : 0;
}

/* The NPU segment running op i, -1 when it runs on the CPU. */
static int32_t op_segment(const struct npu_model *model, uint32_t i)
{
	return model->use_npu ? model->cm->op_segment[i] : -1;
}

/*
 * An NPU op's part of its segment's measured time, weighted by the
 * compiler's cycle estimate of each op (0 without an estimate, as for a
 * model loaded from a .npu file).
 */
static uint64_t npu_op_share(const struct npu_model *model, uint32_t op, int32_t seg)
{
	const struct npu_segment_info *si = &model->segments[seg].info;
	uint64_t total = 0;

	if (!model->cm->op_cost)
		return 0;
	for (uint32_t i = si->first_op; i < si->first_op + si->op_count; i++)
		total += model->cm->op_cost[i].cycles;
	if (!total)
		return 0;
	return (uint64_t)((double)si->time_ns * (double)model->cm->op_cost[op].cycles /
			  (double)total);
}

/* 0.1's struct npu_op_info ended with time_ns. */
#define OP_INFO_SIZE_0_1 offsetof(struct npu_op_info, tflite_subgraph)

/* The fields of 0.1's struct npu_op_info (no byte past time_ns written). */
static int op_info_0_1(const struct npu_model *model, size_t index,
		       struct npu_op_info *info)
{
	const struct npu_graph_op *op;

	if (!model || !info)
		return -EINVAL;
	if (index >= model->graph->num_ops)
		return -ERANGE;
	op = &model->graph->ops[index];
	memset(info, 0, OP_INFO_SIZE_0_1);
	info->type = op->custom_name ? op->custom_name : npu_op_name(op->builtin);
	info->builtin = op->builtin;
	info->segment = op_segment(model, (uint32_t)index);
	info->placement = info->segment >= 0 ? NPU_PLACEMENT_NPU : NPU_PLACEMENT_CPU;
	if (info->segment >= 0)
		info->reason = "";
	else if (!model->dev)
		info->reason = "no NPU device";
	else if (model->flags & NPU_MODEL_CPU_ONLY)
		info->reason = "CPU-only run requested";
	else
		info->reason = model->cm->op_reason[index] ? model->cm->op_reason[index] : "";
	info->time_ns = info->segment >= 0 ? npu_op_share(model, (uint32_t)index, info->segment) :
		model->op_time_ns[index];
	return 0;
}

int npu_model_op_info(const struct npu_model *model, size_t index,
		      struct npu_op_info *info)
{
	return op_info_0_1(model, index, info);
}

int npu_model_op_info_sized(const struct npu_model *model, size_t index,
			    struct npu_op_info *info, size_t info_size)
{
	struct npu_op_info full;
	int ret;

	if (!info || info_size < OP_INFO_SIZE_0_1)
		return -EINVAL;
	ret = op_info_0_1(model, index, &full);
	if (ret)
		return ret;
	/* The reader flattens subgraph 0, the only one it accepts. */
	full.tflite_subgraph = 0;
	full.tflite_op = npu_graph_op_source(model->graph, (uint32_t)index);
	memcpy(info, &full, info_size < sizeof(full) ? info_size : sizeof(full));
	return 0;
}

size_t npu_model_segment_count(const struct npu_model *model)
{
	return model && model->use_npu ? model->cm->num_segments : 0;
}

int npu_model_segment_info(const struct npu_model *model, size_t index,
			   struct npu_segment_info *info)
{
	if (!model || !info)
		return -EINVAL;
	if (index >= npu_model_segment_count(model))
		return -ERANGE;
	*info = model->segments[index].info;
	return 0;
}

/*
 * Adds ops (their source model's numbers, which a recompilation that
 * reorders them keeps: npu_graph_op_source()) to the forced list (no
 * duplicates) and compiles again.
 */
static int force_ops(struct npu_model *model, const uint32_t *ops, size_t count)
{
	size_t old = model->forced_count, n = old;
	uint32_t *list;
	int ret;

	list = realloc(model->forced_cpu, (n + count + 1) * sizeof(*list));
	if (!list)
		return -ENOMEM;
	model->forced_cpu = list;
	for (size_t k = 0; k < count; k++) {
		bool seen = false;

		for (size_t j = 0; j < n; j++)
			seen |= list[j] == ops[k];
		if (!seen)
			list[n++] = ops[k];
	}
	if (n == old)
		return 0;
	model->forced_count = n;
	ret = model_recompile(model);
	if (ret)
		model->forced_count = old;
	return ret;
}

int npu_model_force_cpu(struct npu_model *model, size_t index)
{
	uint32_t op = (uint32_t)index;

	if (!model)
		return -EINVAL;
	if (index >= model->graph->num_ops)
		return model_fail(model, -ERANGE, "op %zu does not exist (%u ops)", index,
				  model->graph->num_ops);
	if (model->worker_running)
		return model_fail(model, -EBUSY, "a run is in progress");
	if (op_segment(model, op) < 0)
		return 0;
	op = npu_graph_op_source(model->graph, op);
	return force_ops(model, &op, 1);
}

static bool op_matches(const struct npu_graph_op *op, int32_t builtin, const char *name)
{
	if (op->builtin != builtin)
		return false;
	return !name || (op->custom_name && !strcmp(op->custom_name, name));
}

int npu_model_register_kernel(struct npu_model *model, int32_t builtin,
			      const char *custom_name, npu_model_kernel_fn fn,
			      void *user)
{
	struct registered_kernel *k;
	uint32_t *npu_ops;
	size_t count = 0, n_npu = 0;
	int ret;

	if (!model || !fn)
		return -EINVAL;
	if (model->worker_running)
		return model_fail(model, -EBUSY, "a run is in progress");
	npu_ops = malloc((model->graph->num_ops + 1) * sizeof(*npu_ops));
	if (!npu_ops)
		return -ENOMEM;
	for (uint32_t i = 0; i < model->graph->num_ops; i++) {
		if (!op_matches(&model->graph->ops[i], builtin, custom_name))
			continue;
		count++;
		if (op_segment(model, i) >= 0)
			npu_ops[n_npu++] = npu_graph_op_source(model->graph, i);
	}
	k = realloc(model->kernels, (model->kernel_count + 1) * sizeof(*k));
	if (!k) {
		free(npu_ops);
		return -ENOMEM;
	}
	model->kernels = k;
	k = &model->kernels[model->kernel_count];
	k->builtin = builtin;
	k->custom_name = custom_name ? strdup(custom_name) : NULL;
	k->fn = fn;
	k->user = user;
	if (custom_name && !k->custom_name) {
		free(npu_ops);
		return -ENOMEM;
	}
	model->kernel_count++;
	/* The application's kernel replaces the NPU for those ops too. */
	if (n_npu) {
		ret = force_ops(model, npu_ops, n_npu);
	} else {
		ret = npu_cpu_register_kernel(model->cpu, builtin, custom_name,
					      fn, user);
		if (ret < 0)
			model_fail(model, ret, "%s", npu_cpu_error(model->cpu));
	}
	free(npu_ops);
	if (ret < 0) {
		free(model->kernels[--model->kernel_count].custom_name);
		return ret;
	}
	return (int)count;
}
