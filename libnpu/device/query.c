// SPDX-License-Identifier: MIT
/*
 * DRM_IOCTL_NPU_QUERY with size negotiation: the kernel copies the leading
 * part of its structure that fits our buffer and tells its own size, so a
 * newer kernel works with this library and an older one leaves the fields
 * it does not know at zero.
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "drm/npu_accel.h"
#include "device_priv.h"

static int query(struct npu_device *dev, uint32_t type, void *buf,
		 uint32_t size, uint32_t min_size)
{
	struct drm_npu_query q = {
		.type = type,
		.size = size,
		.data = (uintptr_t)buf,
	};
	int ret;

	memset(buf, 0, size);
	ret = npu_ioctl(dev->fd, DRM_IOCTL_NPU_QUERY, &q);
	if (ret)
		return ret;
	/* A kernel structure smaller than its first version is not ours. */
	if (q.size < min_size)
		return -NPU_ERR_KERNEL_ABI;
	return 0;
}

int npu_device_query_info(struct npu_device *dev, struct npu_device_info *info)
{
	struct drm_npu_device_info k;
	int ret;

	if (!dev || !info)
		return -EINVAL;
	ret = query(dev, DRM_NPU_QUERY_DEVICE_INFO, &k, sizeof(k),
		    offsetof(struct drm_npu_device_info, max_bo_size) +
		    sizeof(k.max_bo_size));
	if (ret)
		return ret;
	*info = (struct npu_device_info){
		.hw_id = k.hw_id,
		.hw_revision = k.hw_revision,
		.fw_version = k.fw_version,
		.fw_features = k.fw_features,
		.cmdstream_version = k.cmdstream_version,
		.mac_count = k.mac_count,
		.clock_mhz = k.clock_mhz,
		.sram_size = k.sram_size,
		.dram_bytes_per_cycle = k.dram_bytes_per_cycle,
		.queue_depth = k.queue_depth,
		.num_address_spaces = k.num_address_spaces,
		.page_size = k.page_size,
		.va_start = k.va_start,
		.va_end = k.va_end,
		.max_bo_size = k.max_bo_size,
	};
	return 0;
}

int npu_device_query_counters(struct npu_device *dev,
			      struct npu_counters *counters)
{
	struct drm_npu_counters k;
	int ret;

	if (!dev || !counters)
		return -EINVAL;
	ret = query(dev, DRM_NPU_QUERY_COUNTERS, &k, sizeof(k),
		    offsetof(struct drm_npu_counters, mmu_faults) +
		    sizeof(k.mmu_faults));
	if (ret)
		return ret;
	*counters = (struct npu_counters){
		.cycles = k.cycles,
		.macs = k.macs,
		.dram_read_bytes = k.dram_read_bytes,
		.dram_write_bytes = k.dram_write_bytes,
		.jobs_completed = k.jobs_completed,
		.jobs_failed = k.jobs_failed,
		.resets = k.resets,
		.mmu_faults = k.mmu_faults,
	};
	return 0;
}
