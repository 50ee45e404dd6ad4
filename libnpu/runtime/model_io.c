// SPDX-License-Identifier: MIT
/* Model inputs and outputs: descriptions, data, bindings (memory, dma-buf). */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "model_priv.h"

size_t npu_model_input_count(const struct npu_model *model)
{
	return model ? model->graph->num_inputs : 0;
}

size_t npu_model_output_count(const struct npu_model *model)
{
	return model ? model->graph->num_outputs : 0;
}

static void describe(const struct npu_graph_tensor *t, struct npu_tensor_info *info)
{
	memset(info, 0, sizeof(*info));
	info->name = t->name;
	info->type = t->type;
	info->type_name = npu_type_name(t->type);
	info->rank = (uint32_t)t->rank;
	for (int32_t d = 0; d < t->rank && d < NPU_MODEL_MAX_DIMS; d++)
		info->shape[d] = t->shape[d];
	info->bytes = t->bytes;
	if (t->quant.count >= 1) {
		info->scale = t->quant.scale[0];
		info->zero_point = t->quant.zero_point[0];
	}
}

/* Graph input or output @index of @model. */
static int io_info(const struct npu_model *model, bool output, size_t index,
		   struct npu_tensor_info *info)
{
	const struct npu_graph *g;

	if (!model || !info)
		return -EINVAL;
	g = model->graph;
	if (index >= (output ? g->num_outputs : g->num_inputs))
		return -ERANGE;
	describe(&g->tensors[output ? g->outputs[index] : g->inputs[index]],
		 info);
	return 0;
}

int npu_model_input_info(const struct npu_model *model, size_t index,
			 struct npu_tensor_info *info)
{
	return io_info(model, false, index, info);
}

int npu_model_output_info(const struct npu_model *model, size_t index,
			  struct npu_tensor_info *info)
{
	return io_info(model, true, index, info);
}

/* Common checks: a valid input or output, no run in progress. */
static int io_check(struct npu_model *model, bool output, size_t index)
{
	const uint32_t n = output ? model->graph->num_outputs :
				    model->graph->num_inputs;
	const char *what = output ? "output" : "input";

	if (index >= n)
		return model_fail(model, -ERANGE, "%s %zu does not exist (%u %ss)",
				  what, index, n, what);
	if (model->worker_running)
		return model_fail(model, -EBUSY, "a run is in progress");
	return 0;
}

static int input_check(struct npu_model *model, size_t index)
{
	return model ? io_check(model, false, index) : -EINVAL;
}

static size_t input_bytes(const struct npu_model *model, size_t index)
{
	return model->graph->tensors[model->graph->inputs[index]].bytes;
}

/*
 * Drops a dma-buf binding of tensor t (an input or an output): the tensor
 * is back in the arena for the streams and the executor.
 */
static void release_binding(struct npu_model *model, struct input_binding *b, int32_t t)
{
	bool was_dmabuf = b->source == INPUT_DMABUF;
	void *staged = b->staged;

	if (b->map)
		munmap(b->map, b->map_size);
	if (b->fd >= 0 && was_dmabuf)
		close(b->fd);
	npu_bo_free(b->bo);
	memset(b, 0, sizeof(*b));
	b->fd = -1;
	b->staged = staged;
	if (was_dmabuf) {
		model->bindings_stale = true;
		if (model->cpu)
			npu_cpu_bind(model->cpu, t, model_tensor_memory(model, t),
				     model->graph->tensors[t].bytes);
	}
}

static void unbind(struct npu_model *model, size_t index)
{
	release_binding(model, &model->inputs[index], model->graph->inputs[index]);
}

void model_unbind_inputs(struct npu_model *model)
{
	for (size_t i = 0; i < model->graph->num_inputs; i++) {
		unbind(model, i);
		free(model->inputs[i].staged);
		model->inputs[i].staged = NULL;
	}
	for (size_t i = 0; model->outputs && i < model->graph->num_outputs; i++)
		release_binding(model, &model->outputs[i], model->graph->outputs[i]);
}

/*
 * Binds tensor t (input or output number index) to a dma-buf: imported for
 * the NPU (its region bound to it at the next run), mapped for the CPU.
 */
static int attach_dmabuf(struct npu_model *model, struct input_binding *b, int32_t t,
			 const char *what, size_t index, int fd, size_t offset)
{
	size_t bytes = model->graph->tensors[t].bytes;
	int ret;

	/* The NPU needs the tensor aligned as the command stream requires. */
	if (offset % 64)
		return model_fail(model, -EINVAL, "dma-buf offset %zu is not 64-byte aligned",
				  offset);
	if (model->use_npu) {
		ret = npu_bo_import(model->dev, fd, &b->bo);
		if (ret)
			return model_fail(model, ret, "cannot import the dma-buf of %s %zu: %s",
					  what, index, npu_strerror(ret));
		b->map_size = npu_bo_size(b->bo);
	} else {
		off_t end = lseek(fd, 0, SEEK_END);

		if (end < 0)
			return model_fail(model, -errno, "dma-buf of %s %zu: %s", what, index,
					  npu_strerror(-errno));
		b->map_size = (size_t)end;
	}
	if (offset > b->map_size || bytes > b->map_size - offset) {
		ret = model_fail(model, -NPU_ERR_TENSOR_SIZE,
				 "dma-buf of %zu bytes is too small for %s %zu (%zu bytes at offset %zu)",
				 b->map_size, what, index, bytes, offset);
		goto err;
	}
	/* CPU ops using the tensor use it through this mapping. */
	b->map = mmap(NULL, b->map_size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (b->map == MAP_FAILED) {
		b->map = NULL;
		ret = model_fail(model, -errno, "cannot map the dma-buf of %s %zu: %s",
				 what, index, npu_strerror(-errno));
		goto err;
	}
	/* Kept for the CPU-access bracketing (DMA_BUF_IOCTL_SYNC) of each run. */
	b->fd = fcntl(fd, F_DUPFD_CLOEXEC, 0);
	if (b->fd < 0) {
		ret = model_fail(model, -errno, "dup of the dma-buf of %s %zu: %s",
				 what, index, npu_strerror(-errno));
		goto err;
	}
	b->offset = offset;
	b->source = INPUT_DMABUF;
	ret = npu_cpu_bind(model->cpu, t, (uint8_t *)b->map + offset, bytes);
	if (ret) {
		model_fail(model, ret, "%s %zu: %s", what, index, npu_cpu_error(model->cpu));
		goto err;
	}
	model->bindings_stale = true;
	return 0;
err:
	release_binding(model, b, t);
	return ret;
}

int npu_model_set_input(struct npu_model *model, size_t index,
			const void *data, size_t size)
{
	void *dst;
	int ret = input_check(model, index);

	if (ret)
		return ret;
	if (!data || size != input_bytes(model, index))
		return model_fail(model, -NPU_ERR_TENSOR_SIZE,
				  "input %zu needs %zu bytes, got %zu", index,
				  input_bytes(model, index), size);
	unbind(model, index);
	dst = model->inputs[index].staged;
	memcpy(dst, data, size);
	return 0;
}

int npu_model_input_buffer(struct npu_model *model, size_t index, void **data)
{
	int ret = input_check(model, index);

	if (ret)
		return ret;
	if (!data)
		return -EINVAL;
	unbind(model, index);
	*data = model->inputs[index].staged;
	return 0;
}

int npu_model_bind_input(struct npu_model *model, size_t index,
			 const void *data, size_t size)
{
	int ret = input_check(model, index);

	if (ret)
		return ret;
	unbind(model, index);
	if (!data)
		return 0;
	if (size != input_bytes(model, index))
		return model_fail(model, -NPU_ERR_TENSOR_SIZE,
				  "input %zu needs %zu bytes, got %zu", index,
				  input_bytes(model, index), size);
	model->inputs[index].source = INPUT_MEMORY;
	model->inputs[index].ptr = data;
	return 0;
}

int npu_model_bind_input_dmabuf(struct npu_model *model, size_t index,
				int fd, size_t offset)
{
	int ret = input_check(model, index);

	if (ret)
		return ret;
	unbind(model, index);
	if (fd < 0)
		return 0;
	return attach_dmabuf(model, &model->inputs[index], model->graph->inputs[index],
			     "input", index, fd, offset);
}

int npu_model_bind_output_dmabuf(struct npu_model *model, size_t index,
				 int fd, size_t offset)
{
	int32_t t;
	int ret;

	if (!model)
		return -EINVAL;
	ret = io_check(model, true, index);
	if (ret)
		return ret;
	t = model->graph->outputs[index];
	release_binding(model, &model->outputs[index], t);
	if (fd < 0)
		return 0;
	return attach_dmabuf(model, &model->outputs[index], t, "output", index, fd, offset);
}

int npu_model_output(struct npu_model *model, size_t index,
		     const void **data, size_t *size)
{
	int32_t t;
	int ret;

	if (!model || !data)
		return -EINVAL;
	ret = io_check(model, true, index);
	if (ret)
		return ret;
	t = model->graph->outputs[index];
	if (model->outputs[index].source == INPUT_DMABUF)
		*data = (uint8_t *)model->outputs[index].map + model->outputs[index].offset;
	else
		*data = model_tensor_memory(model, t);
	if (!*data)
		*data = npu_cpu_tensor_data(model->cpu, t);
	if (size)
		*size = model->graph->tensors[t].bytes;
	return *data ? 0 : model_fail(model, -NPU_ERR_MODEL_FORMAT,
				      "output %zu has no memory", index);
}
