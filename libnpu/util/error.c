// SPDX-License-Identifier: MIT
/* npu_strerror(): messages for errno values and the library's own errors. */
#include <stdlib.h>
#include <string.h>

#include "npu.h"

static const char *const npu_error_messages[NPU_ERR_END - NPU_ERR_BASE] = {
	[NPU_ERR_NO_DEVICE - NPU_ERR_BASE] = "No NPU device found",
	[NPU_ERR_NOT_NPU - NPU_ERR_BASE] = "Device is not an NPU",
	[NPU_ERR_KERNEL_ABI - NPU_ERR_BASE] = "Kernel driver ABI not supported",
	[NPU_ERR_MODEL_FORMAT - NPU_ERR_BASE] = "Malformed model file",
	[NPU_ERR_MODEL_VERSION - NPU_ERR_BASE] = "Model format version not supported",
	[NPU_ERR_MODEL_CHECKSUM - NPU_ERR_BASE] = "Model checksum mismatch",
	[NPU_ERR_UNSUPPORTED - NPU_ERR_BASE] = "Operation or type not supported",
	[NPU_ERR_NO_KERNEL - NPU_ERR_BASE] = "No CPU kernel for operation",
	[NPU_ERR_TENSOR_SIZE - NPU_ERR_BASE] = "Tensor data size mismatch",
	[NPU_ERR_NOT_BOUND - NPU_ERR_BASE] = "Tensor has no data bound",
	[NPU_ERR_JOB_PENDING - NPU_ERR_BASE] = "Job has not finished",
	[NPU_ERR_FILE_FORMAT - NPU_ERR_BASE] = "Malformed tensor file",
};

const char *npu_strerror(int err)
{
	if (err < 0)
		err = -err;
	if (err == 0)
		return "Success";
	if (err >= NPU_ERR_BASE && err < NPU_ERR_END)
		return npu_error_messages[err - NPU_ERR_BASE];
	if (err >= NPU_ERR_BASE)
		return "Unknown NPU error";
	/* strerrordesc_np() is the thread-safe, static-string variant. */
	const char *msg = strerrordesc_np(err);

	return msg ? msg : "Unknown error";
}

/* NPU_VERSION comes from mk/common.mk, the one place the version is set. */
const char *npu_version(void)
{
	return NPU_VERSION;
}
