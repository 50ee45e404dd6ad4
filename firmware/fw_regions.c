// SPDX-License-Identifier: MIT
/*
 * Region addresses (Documentation/hardware.rst, "Region addressing"): the
 * sizes and write set a region stream needs, derived from the validator's
 * byte ranges (the kernel's command objects take both from here), the
 * job's region table, and the command processor's check and translation
 * of region addresses against it.
 */
#include "fw_internal.h"

struct region_scan {
	struct npu_fw_region_use *use;
	const char *reason;
};

/* The validator's ranges: fw_va_ok() bounds each to NPU_VA_SIZE. */
static int scan_range(void *data, uint64_t va, uint64_t len, uint32_t access)
{
	struct region_scan *s = data;
	const uint32_t r = NPU_ADDR_REGION(va);
	const uint64_t end = NPU_ADDR_OFFSET(va) + len;

	/* The SRAM window never reaches here (fw_sram_check_cmd). */
	if (r == 0) {
		s->reason = "absolute address outside the SRAM window in a region stream";
		return -NPU_FW_EINVAL;
	}
	s->use->used |= 1u << r;
	if (access & NPU_FW_ACCESS_WRITE)
		s->use->write |= 1u << r;
	if (end > s->use->size[r])
		s->use->size[r] = end;
	return 0;
}

int npu_fw_validate_regions(const void *cs, uint32_t size,
			    struct npu_fw_region_use *use,
			    struct npu_fw_verror *err)
{
	struct region_scan s = { .use = use };
	int r;

	fw_memset(use, 0, sizeof(*use));
	r = npu_fw_validate(cs, size, scan_range, &s, err);
	if (r) {
		if (err && s.reason)
			err->reason = s.reason;
		fw_memset(use, 0, sizeof(*use));
		return r;
	}
	if (npu_fw_stream_features(cs, size) & NPU_FW_FEAT_SRAM)
		use->used |= 1u;
	return 0;
}

int fw_regions_load(const struct npu_fw_env *env, uint64_t rt_va,
		    struct fw_regions *rt, struct npu_fw_result *res)
{
	/* struct npu_hw_region[], little-endian as the streams */
	uint64_t raw[2 * NPU_CS_MAX_REGIONS];
	uint64_t fault = 0, base, size;
	uint32_t i;

	fw_memset(rt, 0, sizeof(*rt));
	if (!rt_va)
		return 0;
	if (rt_va & (sizeof(struct npu_hw_region) - 1)) {
		res->reason = "region table misaligned";
		return -NPU_FW_EINVAL;
	}
	if (env->dma_read(env->ctx, rt_va, raw, sizeof(raw), &fault)) {
		res->fault_addr = fault;
		return -NPU_FW_EFAULT;
	}
	res->dram_read_bytes += sizeof(raw);
	if (raw[0] || raw[1]) {
		res->reason = "region table entry 0 not zero";
		return -NPU_FW_EINVAL;
	}
	for (i = 1; i < NPU_CS_MAX_REGIONS; i++) {
		base = raw[2 * i];
		size = raw[2 * i + 1];
		/* A bound region lies inside the MMU's address space. */
		if (size && (base >= NPU_VA_SIZE || size > NPU_VA_SIZE - base)) {
			res->reason = "region outside the address space";
			return -NPU_FW_EINVAL;
		}
		rt->base[i] = base;
		rt->size[i] = size;
	}
	rt->present = 1;
	return 0;
}

struct region_check {
	const struct fw_regions *rt;
	const char *reason;
};

static int check_range(void *data, uint64_t va, uint64_t len, uint32_t access)
{
	struct region_check *c = data;
	const uint32_t r = NPU_ADDR_REGION(va);
	const uint64_t off = NPU_ADDR_OFFSET(va);

	(void)access;
	if (r == 0)
		return 0;	/* absolute: the MMU decides */
	if (!c->rt->present) {
		c->reason = "region address in a job without a region table";
		return -NPU_FW_EINVAL;
	}
	if (!c->rt->size[r]) {
		c->reason = "region not bound by the job";
		return -NPU_FW_EINVAL;
	}
	if (off > c->rt->size[r] || len > c->rt->size[r] - off) {
		c->reason = "operand outside its region";
		return -NPU_FW_EINVAL;
	}
	return 0;
}

int fw_regions_validate(const struct fw_regions *rt, const void *cs,
			uint32_t size, struct npu_fw_verror *err)
{
	struct region_check c = { .rt = rt };
	int r;

	r = npu_fw_validate(cs, size, check_range, &c, err);
	if (r && c.reason)
		err->reason = c.reason;
	return r;
}

void fw_regions_translate(const struct fw_regions *rt, uint32_t opcode,
			  union npu_cmd_params *p)
{
	struct npu_fw_operand ops[NPU_FW_SLOT_COUNT];
	uint32_t i, n, r;
	uint64_t va;

	if (!rt->present)
		return;
	n = npu_fw_cmd_operands(opcode, p, ops);
	for (i = 0; i < n; i++) {
		r = NPU_ADDR_REGION(ops[i].va);
		if (!r)
			continue;
		/* Checked against the table when the job started. */
		va = rt->base[r] + NPU_ADDR_OFFSET(ops[i].va);
		fw_memcpy((uint8_t *)p + ((const uint8_t *)ops[i].field -
					  (const uint8_t *)p), &va, sizeof(va));
	}
}
