// SPDX-License-Identifier: MIT
/*
 * The helpers every runtime file shares (model_priv.h), in one place so
 * the files call this one rather than each other.
 */
#include <errno.h>

#include "model_priv.h"

int model_errno(int ret)
{
	switch (ret) {
	case -EINVAL:
		return -NPU_ERR_MODEL_FORMAT;
	case -EBADMSG:	/* the .npu loader's CRC check */
		return -NPU_ERR_MODEL_CHECKSUM;
	case -ENOTSUP:
		return -NPU_ERR_UNSUPPORTED;
	default:
		return ret;
	}
}

void *model_tensor_memory(struct npu_model *model, int32_t t)
{
	uint64_t off;

	if (t < 0 || (uint32_t)t >= model->graph->num_tensors)
		return NULL;
	off = model->cm->tensor_arena_offset[t];
	return off == NPU_MF_NONE ? NULL : model->arena + off;
}
