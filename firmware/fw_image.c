// SPDX-License-Identifier: MIT
/*
 * Firmware image check and boot self-test (see Documentation/firmware.rst).
 *
 * npu-fw.bin = struct npu_fw_header + payload.  The payload is a list of
 * sections (struct npu_fw_section + data) ended by NPU_FW_SECT_END:
 *   HW_MODEL  the cycle-model table the device reports and uses;
 *   SELFTEST  a small job with input and expected output that the device
 *             runs at boot before declaring FW_READY.
 */
#include "fw_internal.h"

#define FW_HDR_SIZE		32u
#define FW_SELFTEST_MAX_MEM	(1u << 20)

uint32_t npu_fw_image_check(const void *img, size_t len,
			    struct npu_fw_image_info *out)
{
	struct npu_fw_header h;
	struct npu_fw_image_info info;
	const uint8_t *pay;
	uint32_t ret, off = 0, have_hw = 0;

	ret = npu_fw_image_hdr_check(img, len, &h);
	if (ret == NPU_BOOT_OK)
		ret = npu_fw_image_payload_check(&h, img, len);
	if (ret != NPU_BOOT_OK)
		return ret;
	pay = (const uint8_t *)img + FW_HDR_SIZE;
	if (h.cmdstream_version != NPU_CS_VERSION ||
	    (h.fw_version >> 16) != NPU_FW_VERSION_MAJOR)
		return NPU_BOOT_ERR_VERSION;

	fw_memset(&info, 0, sizeof(info));
	info.fw_version = h.fw_version;
	info.features = h.features;
	info.cmdstream_version = h.cmdstream_version;
	for (;;) {
		struct npu_fw_section s;

		if (h.payload_size - off < sizeof(s))
			return NPU_BOOT_ERR_SIZE;
		fw_memcpy(&s, pay + off, sizeof(s));
		off += sizeof(s);
		if (s.tag == NPU_FW_SECT_END)
			break;
		if ((s.size & 3) || s.size > h.payload_size - off)
			return NPU_BOOT_ERR_SIZE;
		switch (s.tag) {
		case NPU_FW_SECT_HW_MODEL:
			if (s.size != sizeof(info.hw))
				return NPU_BOOT_ERR_SIZE;
			fw_memcpy(&info.hw, pay + off, sizeof(info.hw));
			if (!info.hw.macs_per_cycle ||
			    !info.hw.macs_per_cycle_16x8 ||
			    !info.hw.clock_mhz ||
			    !info.hw.dram_bytes_per_cycle ||
			    !info.hw.elems_per_cycle)
				return NPU_BOOT_ERR_SIZE;
			have_hw = 1;
			break;
		case NPU_FW_SECT_SELFTEST:
			info.selftest = pay + off;
			info.selftest_size = s.size;
			break;
		default:
			/* Unknown sections are skipped: newer tools may add. */
			break;
		}
		off += s.size;
	}
	if (!have_hw || off != h.payload_size)
		return NPU_BOOT_ERR_SIZE;
	if (out)
		*out = info;
	return NPU_BOOT_OK;
}

/* Flat memory at NPU VA 0 for the self-test job. */
struct selftest_ctx {
	const struct npu_fw_env *platform;
	uint8_t *mem;
	uint32_t size;
};

static int st_read(void *ctx, uint64_t va, void *dst, uint32_t len,
		   uint64_t *fault)
{
	struct selftest_ctx *c = ctx;

	if (va > c->size || len > c->size - va) {
		*fault = va;
		return -1;
	}
	fw_memcpy(dst, c->mem + va, len);
	return 0;
}

static int st_write(void *ctx, uint64_t va, const void *src, uint32_t len,
		    uint64_t *fault)
{
	struct selftest_ctx *c = ctx;

	if (va > c->size || len > c->size - va) {
		*fault = va;
		return -1;
	}
	fw_memcpy(c->mem + va, src, len);
	return 0;
}

static void *st_alloc(void *ctx, size_t size)
{
	struct selftest_ctx *c = ctx;

	return c->platform->alloc(c->platform->ctx, size);
}

static void st_free(void *ctx, void *ptr)
{
	struct selftest_ctx *c = ctx;

	c->platform->free(c->platform->ctx, ptr);
}

uint32_t npu_fw_selftest(const struct npu_fw_env *env,
			 const struct npu_fw_image_info *info)
{
	struct npu_fw_selftest_hdr h;
	struct selftest_ctx c;
	struct npu_fw_env e;
	struct npu_fw_result res;
	const uint8_t *data;
	uint32_t ret = NPU_BOOT_ERR_SELFTEST;

	if (!info->selftest)
		return NPU_BOOT_OK;	/* image without a self-test */
	if (info->selftest_size < sizeof(h))
		return NPU_BOOT_ERR_SIZE;
	fw_memcpy(&h, info->selftest, sizeof(h));
	data = (const uint8_t *)info->selftest + sizeof(h);
	if (h.mem_size == 0 || h.mem_size > FW_SELFTEST_MAX_MEM ||
	    h.init_size > h.mem_size ||
	    (uint64_t)h.init_size + h.expect_size >
	    info->selftest_size - sizeof(h) ||
	    h.cs_offset > h.mem_size || h.cs_size > h.mem_size - h.cs_offset ||
	    h.expect_offset > h.mem_size ||
	    h.expect_size > h.mem_size - h.expect_offset)
		return NPU_BOOT_ERR_SIZE;

	c.platform = env;
	c.size = h.mem_size;
	c.mem = env->alloc(env->ctx, h.mem_size);
	if (!c.mem)
		return NPU_BOOT_ERR_SIZE;
	fw_memset(c.mem, 0, h.mem_size);
	fw_memcpy(c.mem, data, h.init_size);

	fw_memset(&e, 0, sizeof(e));
	e.ctx = &c;
	e.dma_read = st_read;
	e.dma_write = st_write;
	e.alloc = st_alloc;
	e.free = st_free;
	e.hw = &info->hw;
	if (npu_fw_run(&e, h.cs_offset, h.cs_size, &res) == 0 &&
	    res.status == NPU_JOB_OK &&
	    fw_memcmp(c.mem + h.expect_offset, data + h.init_size,
		      h.expect_size) == 0)
		ret = NPU_BOOT_OK;
	env->free(env->ctx, c.mem);
	return ret;
}
