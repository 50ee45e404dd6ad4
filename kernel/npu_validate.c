// SPDX-License-Identifier: GPL-2.0-only
/* Copyright 2026 The NPU stack authors */

/*
 * Command-stream check before queueing, with the firmware's own validator
 * (firmware/fw_check.c): structure, opcodes, shapes, hardware limits, and
 * every operand range inside a buffer the job lists (writes only to
 * buffers the job declared written).
 */

#include <linux/errno.h>

#include <drm/drm_device.h>
#include <drm/drm_print.h>

#include "npu_fw.h"
#include "npu_gem.h"
#include "npu_validate.h"

struct npu_validate_ctx {
	const struct npu_validate_range *ranges;
	u32 count;
};

static int npu_validate_operand(void *data, u64 va, u64 len, u32 access)
{
	const struct npu_validate_ctx *ctx = data;
	const struct npu_validate_range *r;
	u32 i;

	for (i = 0; i < ctx->count; i++) {
		r = &ctx->ranges[i];
		if (va < r->va || va - r->va > r->size || len > r->size - (va - r->va))
			continue;
		if ((access & NPU_FW_ACCESS_WRITE) && !r->writable)
			continue;
		return 0;
	}
	return -EINVAL;
}

/**
 * npu_validate_stream() - check a command stream against the job's buffers
 * @drm: device, for the debug message.
 * @cs: the stream (kernel mapping of the stream buffer).
 * @size: bytes.
 * @ranges: buffers the job may address.
 * @count: entries in @ranges.
 *
 * Return: 0, or -EINVAL with the reason at debug level.
 */
int npu_validate_stream(struct drm_device *drm, const void *cs, u32 size,
			const struct npu_validate_range *ranges, u32 count)
{
	struct npu_validate_ctx ctx = { .ranges = ranges, .count = count };
	struct npu_fw_verror err = { 0 };
	int ret;

	ret = npu_fw_validate(cs, size, npu_validate_operand, &ctx, &err);
	if (ret) {
		drm_dbg(drm, "stream rejected at command %u (byte %u): %s\n",
			err.cmd_index, err.offset,
			err.reason ? err.reason :
			"operand outside the job's buffers, or a write to one not declared written");
		return -EINVAL;
	}
	return 0;
}

/**
 * npu_validate_cmdobj() - check a command object's stream, once
 * @drm: device, for the debug message.
 * @cs: the stream (the kernel's copy).
 * @size: bytes.
 * @info: filled with what each region must provide.
 *
 * Region addressing: every operand in regions 1..15 or in the SRAM window.
 * The sizes and the write set come from the firmware's validator, the
 * definition of the ranges the device touches.
 *
 * Return: 0, or -EINVAL with the reason at debug level.
 */
int npu_validate_cmdobj(struct drm_device *drm, const void *cs, u32 size,
			struct npu_cmdobj *info)
{
	struct npu_fw_region_use use;
	struct npu_fw_verror err = { 0 };
	u32 r;

	if (npu_fw_validate_regions(cs, size, &use, &err)) {
		drm_dbg(drm, "command object rejected at command %u (byte %u): %s\n",
			err.cmd_index, err.offset,
			err.reason ? err.reason : "invalid stream");
		return -EINVAL;
	}
	info->size = size;
	info->region_used = use.used;
	info->region_write = use.write;
	for (r = 0; r < NPU_CS_MAX_REGIONS; r++)
		info->region_size[r] = use.size[r];
	return 0;
}
