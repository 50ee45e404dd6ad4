// SPDX-License-Identifier: MIT
/*
 * The run plan of a compiled model: the CPU executor over the graph, the
 * buffers (weights, activation arena, command streams), the steps (NPU
 * segments and CPU op ranges in order), relocated streams and jobs.
 *
 * Every activation lives in the arena at its planned offset, for the NPU
 * and for the CPU executor alike, so CPU and NPU steps hand tensors to each
 * other without copies.  Without an NPU the arena is host memory.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "npu_fw.h"

#include "device_priv.h"
#include "model_priv.h"

#define STREAM_ALIGN 64

static uint64_t align_up(uint64_t v, uint64_t a)
{
	return (v + a - 1) & ~(a - 1);
}

/* The dma-buf binding of tensor t, a graph input or output, or NULL. */
static const struct input_binding *dmabuf_binding(const struct npu_model *model, int32_t t)
{
	for (uint32_t i = 0; i < model->graph->num_inputs; i++)
		if (model->graph->inputs[i] == t && model->inputs[i].source == INPUT_DMABUF)
			return &model->inputs[i];
	for (uint32_t i = 0; i < model->graph->num_outputs; i++)
		if (model->graph->outputs[i] == t && model->outputs[i].source == INPUT_DMABUF)
			return &model->outputs[i];
	return NULL;
}

/* NPU address of tensor t's memory for the current bindings. */
static int tensor_va(struct npu_model *model, int32_t t, uint64_t *va)
{
	const struct input_binding *b = dmabuf_binding(model, t);

	if (b) {
		*va = npu_bo_npu_addr(b->bo) + b->offset;
		return 0;
	}
	if (t < 0 || (uint32_t)t >= model->graph->num_tensors ||
	    model->cm->tensor_arena_offset[t] == NPU_MF_NONE)
		return model_fail(model, -NPU_ERR_MODEL_FORMAT,
				  "stream refers to tensor %d, which has no memory", t);
	*va = model->arena_va + model->cm->tensor_arena_offset[t];
	return 0;
}

static void put_le64(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* A job per segment, listing the buffers its stream addresses. */
static int build_jobs(struct npu_model *model)
{
	for (uint32_t s = 0; s < model->cm->num_segments; s++) {
		struct segment_state *st = &model->segments[s];
		int ret;

		npu_job_destroy(st->job);
		st->job = NULL;
		ret = npu_job_create(model->dev, model->cmd_bo, st->cmd_offset,
				     model->cm->segments[s].stream_size, &st->job);
		if (!ret)
			ret = npu_job_add_bo(st->job, model->weights_bo, NPU_JOB_BO_READ);
		if (!ret)
			ret = npu_job_add_bo(st->job, model->arena_bo,
					     NPU_JOB_BO_READ | NPU_JOB_BO_WRITE);
		for (uint32_t i = 0; !ret && i < model->graph->num_inputs; i++)
			if (model->inputs[i].source == INPUT_DMABUF)
				ret = npu_job_add_bo(st->job, model->inputs[i].bo,
						     NPU_JOB_BO_READ);
		for (uint32_t i = 0; !ret && i < model->graph->num_outputs; i++)
			if (model->outputs[i].source == INPUT_DMABUF)
				ret = npu_job_add_bo(st->job, model->outputs[i].bo,
						     NPU_JOB_BO_READ | NPU_JOB_BO_WRITE);
		if (ret)
			return model_fail(model, ret, "cannot create the job of segment %u: %s",
					  s, npu_strerror(ret));
	}
	return 0;
}

int model_plan_relocate(struct npu_model *model)
{
	void *map;
	int ret;

	if (!model->use_npu) {
		model->relocs_stale = false;
		return 0;
	}
	ret = npu_bo_map(model->cmd_bo, &map);
	if (ret)
		return model_fail(model, ret, "cannot map the command buffer: %s",
				  npu_strerror(ret));
	for (uint32_t s = 0; s < model->cm->num_segments; s++) {
		const struct npu_segment *seg = &model->cm->segments[s];
		uint8_t *stream = (uint8_t *)map + model->segments[s].cmd_offset;

		for (uint32_t r = 0; r < seg->num_relocs; r++) {
			const struct npu_mf_reloc *rel = &seg->relocs[r];
			uint64_t base = 0;

			if ((uint64_t)rel->offset + 8 > seg->stream_size)
				return model_fail(model, -NPU_ERR_MODEL_FORMAT,
						  "segment %u: relocation %u outside its stream", s, r);
			if (rel->kind == NPU_MF_RELOC_WEIGHTS ||
			    rel->kind == NPU_MF_RELOC_WEIGHTS_ENCODED) {
				base = model->weights_va;
			} else if (rel->kind == NPU_MF_RELOC_TENSOR) {
				ret = tensor_va(model, rel->index, &base);
				if (ret)
					return ret;
			} else {
				return model_fail(model, -NPU_ERR_MODEL_FORMAT,
						  "segment %u: unknown relocation kind %u", s, rel->kind);
			}
			put_le64(stream + rel->offset, base + rel->addend);
		}
	}
	ret = build_jobs(model);
	if (ret)
		return ret;
	model->relocs_stale = false;
	return 0;
}

static int alloc_mapped(struct npu_model *model, uint64_t size, uint32_t flags,
			struct npu_bo **bo, void **map, const char *what)
{
	int ret = npu_bo_alloc(model->dev, size ? size : 1, flags, bo);

	if (!ret)
		ret = npu_bo_map(*bo, map);
	if (ret)
		return model_fail(model, ret, "cannot allocate the %s (%llu bytes): %s",
				  what, (unsigned long long)size, npu_strerror(ret));
	return 0;
}

static int build_device_memory(struct npu_model *model)
{
	const struct npu_compiled_model *cm = model->cm;
	uint64_t cmd_size = 0;
	void *map;
	int ret;

	for (uint32_t s = 0; s < cm->num_segments; s++) {
		model->segments[s].cmd_offset = (uint32_t)cmd_size;
		cmd_size = align_up(cmd_size + cm->segments[s].stream_size, STREAM_ALIGN);
		if (cmd_size > UINT32_MAX)
			return model_fail(model, -E2BIG, "command streams exceed 4 GiB");
	}
	ret = alloc_mapped(model, cm->weights_size, NPU_BO_DEVICE_READ_ONLY,
			   &model->weights_bo, &map, "weights buffer");
	if (ret)
		return ret;
	memcpy(map, cm->weights, cm->weights_size);
	/* The CPU never touches the weights buffer again. */
	npu_bo_unmap(model->weights_bo);
	ret = alloc_mapped(model, cm->arena_size, 0, &model->arena_bo, &map,
			   "activation arena");
	if (ret)
		return ret;
	model->arena = map;
	ret = alloc_mapped(model, cmd_size, NPU_BO_DEVICE_READ_ONLY, &model->cmd_bo,
			   &map, "command buffer");
	if (ret)
		return ret;
	for (uint32_t s = 0; s < cm->num_segments; s++)
		memcpy((uint8_t *)map + model->segments[s].cmd_offset,
		       cm->segments[s].stream, cm->segments[s].stream_size);
	model->weights_va = npu_bo_npu_addr(model->weights_bo);
	model->arena_va = npu_bo_npu_addr(model->arena_bo);
	return 0;
}

static int build_steps(struct npu_model *model)
{
	const struct npu_compiled_model *cm = model->cm;
	uint32_t n = model->graph->num_ops;

	model->steps = calloc(n ? n : 1, sizeof(*model->steps));
	if (!model->steps)
		return -ENOMEM;
	model->step_count = 0;
	for (uint32_t i = 0; i < n; ) {
		struct model_step *st = &model->steps[model->step_count++];
		int32_t seg = model->use_npu ? cm->op_segment[i] : -1;

		if (seg >= 0) {
			if ((uint32_t)seg >= cm->num_segments ||
			    cm->segments[seg].first_op != i || !cm->segments[seg].num_ops)
				return model_fail(model, -NPU_ERR_MODEL_FORMAT,
						  "op %u: inconsistent segment %d", i, seg);
			st->npu = true;
			st->segment = (uint32_t)seg;
			st->first_op = i;
			st->op_count = cm->segments[seg].num_ops;
		} else {
			st->first_op = i;
			while (i + st->op_count < n &&
			       (!model->use_npu || cm->op_segment[i + st->op_count] < 0))
				st->op_count++;
		}
		i += st->op_count;
	}
	return 0;
}

/* Points the executor at the arena, and at bound dma-bufs. */
static int bind_executor(struct npu_model *model)
{
	const struct npu_graph *g = model->graph;
	int ret;

	for (uint32_t t = 0; t < g->num_tensors; t++) {
		void *mem = model_tensor_memory(model, (int32_t)t);

		if (!mem)
			continue;
		ret = npu_cpu_bind(model->cpu, (int32_t)t, mem, g->tensors[t].bytes);
		if (ret)
			return model_fail(model, ret, "tensor %u: %s", t,
					  npu_cpu_error(model->cpu));
	}
	for (uint32_t i = 0; i < g->num_inputs; i++) {
		struct input_binding *b = &model->inputs[i];

		if (b->source != INPUT_DMABUF)
			continue;
		ret = npu_cpu_bind(model->cpu, g->inputs[i], (uint8_t *)b->map + b->offset,
				   g->tensors[g->inputs[i]].bytes);
		if (ret)
			return model_fail(model, ret, "input %u: %s", i,
					  npu_cpu_error(model->cpu));
	}
	for (uint32_t i = 0; i < g->num_outputs; i++) {
		struct input_binding *b = &model->outputs[i];

		if (b->source != INPUT_DMABUF)
			continue;
		ret = npu_cpu_bind(model->cpu, g->outputs[i], (uint8_t *)b->map + b->offset,
				   g->tensors[g->outputs[i]].bytes);
		if (ret)
			return model_fail(model, ret, "output %u: %s", i,
					  npu_cpu_error(model->cpu));
	}
	/* Variables start from their initial contents, now in the arena. */
	return npu_cpu_reset_state(model->cpu);
}

int model_plan_build(struct npu_model *model)
{
	const struct npu_compiled_model *cm = model->cm;
	int ret;

	model->graph = cm->graph;
	model->use_npu = model->dev && !(model->flags & NPU_MODEL_CPU_ONLY) &&
			 cm->num_segments > 0;
	/*
	 * Streams are NPU_CS_VERSION (the loader accepts no other): a device
	 * speaking an older version would refuse every job with -EINVAL, so
	 * say so now rather than at the first run.
	 */
	if (model->use_npu && model->dev->cs_version < NPU_CS_VERSION)
		return model_fail(model, -NPU_ERR_MODEL_VERSION,
				  "the device runs command streams up to version %u, the model's are version %u (update the driver and firmware, or open with NPU_MODEL_CPU_ONLY)",
				  model->dev->cs_version, NPU_CS_VERSION);
	/*
	 * Firmware without the weight decoder reads the raw filters; so does
	 * 1.4.0's decoder, which predates shared palettes (the compiler does
	 * not record which filters use them).
	 */
	if (model->use_npu &&
	    (model->dev->fw_features & (NPU_FW_FEAT_WDEC | NPU_FW_FEAT_WDEC_PALETTES)) !=
	    (NPU_FW_FEAT_WDEC | NPU_FW_FEAT_WDEC_PALETTES)) {
		ret = npu_compiled_model_raw_weights(model->cm, model->err, sizeof(model->err));
		if (ret)
			return model_errno(ret);
	}
	/* Likewise a firmware older than an opcode the streams use. */
	for (uint32_t s = 0; model->use_npu && s < cm->num_segments; s++) {
		const struct npu_segment *seg = &cm->segments[s];
		uint32_t missing = npu_fw_stream_features(seg->stream, seg->stream_size) &
				   ~model->dev->fw_features;

		if (missing)
			return model_fail(model, -NPU_ERR_MODEL_VERSION,
					  "the device's firmware lacks feature bits 0x%x that segment %u needs (update the firmware, or open with NPU_MODEL_CPU_ONLY)",
					  missing, s);
	}
	ret = npu_cpu_create(model->graph, &model->cpu, model->err, sizeof(model->err));
	if (ret)
		return model_errno(ret);
	ret = npu_cpu_set_threads(model->cpu, model->cpu_threads);
	if (ret)
		return model_fail(model, ret, "%s", npu_cpu_error(model->cpu));
	for (size_t k = 0; k < model->kernel_count; k++) {
		struct registered_kernel *rk = &model->kernels[k];

		ret = npu_cpu_register_kernel(model->cpu, rk->builtin, rk->custom_name,
					      rk->fn, rk->user);
		if (ret < 0)
			return model_fail(model, ret, "%s", npu_cpu_error(model->cpu));
	}
	model->op_time_ns = calloc(model->graph->num_ops + 1, sizeof(uint64_t));
	model->segments = calloc(cm->num_segments + 1, sizeof(*model->segments));
	if (!model->op_time_ns || !model->segments)
		return -ENOMEM;
	for (uint32_t s = 0; s < cm->num_segments; s++) {
		model->segments[s].info.first_op = cm->segments[s].first_op;
		model->segments[s].info.op_count = cm->segments[s].num_ops;
	}
	if (model->use_npu) {
		ret = build_device_memory(model);
	} else {
		model->arena = calloc(1, cm->arena_size ? cm->arena_size : 1);
		model->arena_owned = true;
		ret = model->arena ? 0 : -ENOMEM;
	}
	if (!ret)
		ret = build_steps(model);
	if (!ret)
		ret = bind_executor(model);
	if (!ret)
		ret = model_plan_relocate(model);
	return ret;
}

void model_plan_release(struct npu_model *model)
{
	for (uint32_t s = 0; model->segments && s < model->cm->num_segments; s++)
		npu_job_destroy(model->segments[s].job);
	free(model->segments);
	model->segments = NULL;
	free(model->steps);
	model->steps = NULL;
	model->step_count = 0;
	free(model->op_time_ns);
	model->op_time_ns = NULL;
	npu_cpu_destroy(model->cpu);
	model->cpu = NULL;
	if (model->arena_owned)
		free(model->arena);
	model->arena = NULL;
	model->arena_owned = false;
	npu_bo_free(model->cmd_bo);
	npu_bo_free(model->arena_bo);
	npu_bo_free(model->weights_bo);
	model->cmd_bo = model->arena_bo = model->weights_bo = NULL;
	model->weights_va = model->arena_va = 0;
}
