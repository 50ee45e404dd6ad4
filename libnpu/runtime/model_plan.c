// SPDX-License-Identifier: MIT
/*
 * The run plan of a compiled model: the CPU executor over the graph, the
 * buffers (weights, activation arena), the steps (NPU segments and CPU op
 * ranges in order), a command object per segment (created, so copied and
 * validated by the kernel, once at load) and its job, whose regions name
 * the buffers: the weights (NPU_REGION_CONST), the arena
 * (NPU_REGION_ARENA) and each graph input or output the segment addresses
 * (its place in the arena, or the dma-buf the application bound to it).
 * Nothing rewrites a stream: a new binding only changes a region.
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

/* The decoder features compiled filters need (versions 2 and 3 with palettes, 1.10.0). */
#define WDEC_FEATURES	(NPU_FW_FEAT_WDEC | NPU_FW_FEAT_WDEC_PALETTES | NPU_FW_FEAT_WDEC_PACKED | \
			 NPU_FW_FEAT_WDEC_ROWS | NPU_FW_FEAT_WDEC_ROWS_PALETTES)

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

/*
 * A graph input or output bound to a dma-buf must be an I/O region of
 * every segment that reads or writes it: a segment with more graph I/O
 * than regions addresses the rest in the arena, where the NPU would miss
 * the dma-buf.
 */
static int check_dmabuf_regions(struct npu_model *model)
{
	const struct npu_compiled_model *cm = model->cm;
	const struct npu_graph *g = model->graph;

	for (uint32_t s = 0; s < cm->num_segments; s++) {
		const struct npu_segment *seg = &cm->segments[s];

		if (seg->num_io < NPU_CS_MAX_REGIONS - NPU_REGION_IO_FIRST)
			continue;	/* every graph I/O it touches has its region */
		for (uint32_t i = seg->first_op; i < seg->first_op + seg->num_ops; i++) {
			const struct npu_graph_op *op = &g->ops[i];

			for (uint32_t k = 0; k < op->num_inputs + op->num_outputs; k++) {
				int32_t t = k < op->num_inputs ? op->inputs[k] :
					    op->outputs[k - op->num_inputs];
				bool region = false;

				if (t < 0 || !dmabuf_binding(model, t))
					continue;
				for (uint32_t r = 0; r < seg->num_io; r++)
					region |= seg->io_tensors[r] == t;
				if (!region)
					return model_fail(model, -ENOTSUP,
							  "tensor %d ('%s') is bound to a dma-buf but segment %u addresses it in the arena (it has more graph inputs and outputs than the %u I/O regions): copy it instead (npu_model_set_input(), npu_model_output())",
							  t, g->tensors[t].name, s,
							  NPU_CS_MAX_REGIONS - NPU_REGION_IO_FIRST);
			}
		}
	}
	return 0;
}

/*
 * Binds each segment job's regions to the current buffers (at load and
 * after a binding changed): no stream is read or written.
 */
int model_plan_bind(struct npu_model *model)
{
	const struct npu_compiled_model *cm = model->cm;
	int ret;

	if (!model->use_npu) {
		model->bindings_stale = false;
		return 0;
	}
	ret = check_dmabuf_regions(model);
	if (ret)
		return ret;
	for (uint32_t s = 0; s < cm->num_segments; s++) {
		const struct npu_segment *seg = &cm->segments[s];
		struct npu_job *job = model->segments[s].job;

		ret = npu_job_bind_region(job, NPU_REGION_CONST, model->weights_bo, 0);
		if (!ret)
			ret = npu_job_bind_region(job, NPU_REGION_ARENA, model->arena_bo, 0);
		for (uint32_t r = 0; !ret && r < seg->num_io; r++) {
			const int32_t t = seg->io_tensors[r];
			const struct input_binding *b = dmabuf_binding(model, t);

			if (b)
				ret = npu_job_bind_region(job, NPU_REGION_IO_FIRST + r, b->bo,
							  b->offset);
			else
				ret = npu_job_bind_region(job, NPU_REGION_IO_FIRST + r,
							  model->arena_bo,
							  cm->tensor_arena_offset[t]);
		}
		if (ret)
			return model_fail(model, ret, "segment %u: cannot bind its regions: %s", s,
					  npu_strerror(ret));
	}
	model->bindings_stale = false;
	return 0;
}

/* The kernel's refusal of a segment's stream, in words. */
static int cmdstream_fail(struct npu_model *model, uint32_t s, int ret)
{
	if (ret == -EOPNOTSUPP || ret == -ENOTTY)
		return model_fail(model, -NPU_ERR_MODEL_VERSION,
				  "segment %u: the kernel driver has no command objects with region addresses (DRM_IOCTL_NPU_CMDSTREAM_CREATE, NPU_FW_FEAT_REGIONS): update the driver and firmware, or open with NPU_MODEL_CPU_ONLY",
				  s);
	return model_fail(model, ret,
			  "segment %u: the kernel refused its command stream: %s (a kernel without command objects answers EINVAL too)",
			  s, npu_strerror(ret));
}

/* A command object (copied and validated once, now) and a job per segment. */
static int build_jobs(struct npu_model *model)
{
	for (uint32_t s = 0; s < model->cm->num_segments; s++) {
		const struct npu_segment *seg = &model->cm->segments[s];
		struct segment_state *st = &model->segments[s];
		int ret = npu_cmdstream_create(model->dev, seg->stream, seg->stream_size, &st->cs);

		if (ret)
			return cmdstream_fail(model, s, ret);
		ret = npu_job_create_cmdstream(st->cs, &st->job);
		if (ret)
			return model_fail(model, ret, "cannot create the job of segment %u: %s",
					  s, npu_strerror(ret));
	}
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
	void *map;
	int ret;

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
	return build_jobs(model);
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
	 * Streams address memory by region (firmware 1.5.0, which also has
	 * every feature before it: SRAM, the weight decoder, and the decoder's
	 * shared palettes, NPU_FW_FEAT_WDEC_PALETTES).  The compiler encodes
	 * filters in the packed format (NPU_FW_FEAT_WDEC_PACKED, firmware
	 * 1.7.0) or in rows (NPU_FW_FEAT_WDEC_ROWS, firmware 1.8.0, with
	 * palette values: NPU_FW_FEAT_WDEC_ROWS_PALETTES, 1.10.0), whichever
	 * is smaller.  No raw-filter variant is made at load any more (the streams
	 * are final).
	 */
	if (model->use_npu && !(model->dev->fw_features & NPU_FW_FEAT_REGIONS))
		return model_fail(model, -NPU_ERR_MODEL_VERSION,
				  "the device's firmware lacks region addressing (NPU_FW_FEAT_REGIONS, firmware 1.5.0), which compiled models need (update the firmware, or open with NPU_MODEL_CPU_ONLY)");
	for (uint32_t s = 0; model->use_npu && s < cm->num_segments; s++) {
		struct npu_fw_weight_bytes wb = { 0 };

		npu_fw_stream_weights(cm->segments[s].stream, cm->segments[s].stream_size, &wb);
		if (wb.encoded_filter_bytes && (model->dev->fw_features & WDEC_FEATURES) !=
		    WDEC_FEATURES)
			return model_fail(model, -NPU_ERR_MODEL_VERSION,
					  "segment %u has compressed filters and the device's firmware lacks the weight decoder with shared palettes, packed blocks and rows with palettes (NPU_FW_FEAT_WDEC, NPU_FW_FEAT_WDEC_PALETTES, NPU_FW_FEAT_WDEC_PACKED, NPU_FW_FEAT_WDEC_ROWS, NPU_FW_FEAT_WDEC_ROWS_PALETTES, firmware 1.10.0): recompile with --no-compress, update the firmware, or open with NPU_MODEL_CPU_ONLY", s);
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
		ret = model_plan_bind(model);
	return ret;
}

void model_plan_release(struct npu_model *model)
{
	for (uint32_t s = 0; model->segments && s < model->cm->num_segments; s++) {
		npu_job_destroy(model->segments[s].job);
		npu_cmdstream_destroy(model->segments[s].cs);
	}
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
	npu_bo_free(model->arena_bo);
	npu_bo_free(model->weights_bo);
	model->arena_bo = model->weights_bo = NULL;
}
