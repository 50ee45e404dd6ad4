/* SPDX-License-Identifier: GPL-2.0-only */
/* Copyright 2026 The NPU stack authors */

#ifndef __NPU_VALIDATE_H__
#define __NPU_VALIDATE_H__

#include <linux/types.h>

/**
 * struct npu_validate_range - a buffer a job may address
 * @va: NPU address of the buffer in the file's address space.
 * @size: bytes.
 * @writable: whether the stream may write it.
 */
struct npu_validate_range {
	u64 va;
	u64 size;
	bool writable;
};

struct drm_device;
struct npu_cmdobj;

int npu_validate_stream(struct drm_device *drm, const void *cs, u32 size,
			const struct npu_validate_range *ranges, u32 count);
int npu_validate_cmdobj(struct drm_device *drm, const void *cs, u32 size,
			struct npu_cmdobj *info);

#endif /* __NPU_VALIDATE_H__ */
