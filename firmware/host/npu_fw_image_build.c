// SPDX-License-Identifier: MIT
/*
 * Builds npu-fw.bin: header, HW_MODEL section (the cycle-model table the
 * device uses and reports), SELFTEST section (a job the device runs at
 * boot), END.  Used by mkfwimage and by the tests.
 */
#include <string.h>

#include "npu_fw_host.h"

/* Self-test memory layout (NPU VAs inside the private self-test memory). */
#define ST_MEM		4096u
#define ST_CS		0u
#define ST_IN		1024u
#define ST_FILTER	1040u
#define ST_BIAS		1056u
#define ST_OUT		1088u

/*
 * 1x1 CONV_2D, int8, 2 pixels x 2 channels -> 2 channels, multiplier 2^30
 * with shift 1 (an exact scale of 1.0), zero points 0:
 *   in  = {(1, 2), (3, 4)}   filters = {(1, 1), (2, -1)}   bias = {10, -5}
 *   out = {(1+2+10, 2-2-5), (3+4+10, 6-4-5)} = {(13, -5), (17, -3)}
 * worked by hand, not by the kernel under test.
 */
static const int8_t st_in[4] = { 1, 2, 3, 4 };
static const int8_t st_filter[4] = { 1, 1, 2, -1 };
static const int32_t st_bias[2] = { 10, -5 };
static const int8_t st_expect[4] = { 13, -5, 17, -3 };

static uint32_t build_selftest(uint8_t *mem /* ST_OUT bytes */)
{
	struct npu_conv_params c;
	struct npu_cs_writer w;
	const uint32_t in_dims[4] = { 1, 1, 2, 2 };
	const uint32_t f_dims[4] = { 2, 1, 1, 2 };

	memset(mem, 0, ST_OUT);
	memset(&c, 0, sizeof(c));
	npu_tensor_set(&c.input, ST_IN, NPU_DTYPE_INT8, 0, 4, in_dims);
	npu_tensor_set(&c.filter, ST_FILTER, NPU_DTYPE_INT8, 0, 4, f_dims);
	npu_tensor_set(&c.output, ST_OUT, NPU_DTYPE_INT8, 0, 4, in_dims);
	c.rq.bias_addr = ST_BIAS;
	c.rq.flags = NPU_RQ_HAS_BIAS;
	c.rq.multiplier = 1 << 30;
	c.rq.shift = 1;
	c.stride_h = c.stride_w = 1;
	c.dilation_h = c.dilation_w = 1;
	c.act_min = -128;
	c.act_max = 127;
	npu_cs_init(&w, mem + ST_CS, ST_IN - ST_CS);
	npu_cs_emit(&w, NPU_CMD_NOP, NULL);
	npu_cs_emit(&w, NPU_CMD_CONV_2D, &c);
	memcpy(mem + ST_IN, st_in, sizeof(st_in));
	memcpy(mem + ST_FILTER, st_filter, sizeof(st_filter));
	memcpy(mem + ST_BIAS, st_bias, sizeof(st_bias));
	return npu_cs_bytes(&w);
}

static uint8_t *put_section(uint8_t *p, uint32_t tag, const void *data,
			    uint32_t size)
{
	struct npu_fw_section s = { .tag = tag, .size = size };

	memcpy(p, &s, sizeof(s));
	if (size)
		memcpy(p + sizeof(s), data, size);
	return p + sizeof(s) + size;
}

size_t npu_host_fw_image_build(void *buf, size_t cap)
{
	uint8_t st[sizeof(struct npu_fw_selftest_hdr) + ST_OUT + 4];
	struct npu_fw_selftest_hdr sh;
	struct npu_fw_header h;
	const size_t hdr = sizeof(h);
	size_t payload, total;
	uint8_t *p;

	payload = 3 * sizeof(struct npu_fw_section) +
		  sizeof(struct npu_fw_hw_model) + sizeof(st);
	total = hdr + payload;
	if (!buf)
		return total;
	if (cap < total)
		return 0;

	memset(&sh, 0, sizeof(sh));
	sh.mem_size = ST_MEM;
	sh.init_size = ST_OUT;
	sh.cs_offset = ST_CS;
	sh.cs_size = build_selftest(st + sizeof(sh));
	sh.expect_offset = ST_OUT;
	sh.expect_size = sizeof(st_expect);
	memcpy(st, &sh, sizeof(sh));
	memcpy(st + sizeof(sh) + ST_OUT, st_expect, sizeof(st_expect));
	if (!sh.cs_size)
		return 0;

	p = (uint8_t *)buf + hdr;
	p = put_section(p, NPU_FW_SECT_HW_MODEL, &npu_fw_default_hw,
			sizeof(npu_fw_default_hw));
	p = put_section(p, NPU_FW_SECT_SELFTEST, st, sizeof(st));
	put_section(p, NPU_FW_SECT_END, NULL, 0);

	memset(&h, 0, sizeof(h));
	h.magic = NPU_FW_MAGIC;
	h.format_version = NPU_FW_FORMAT_VERSION;
	h.header_size = (uint16_t)hdr;
	h.fw_version = NPU_FW_VERSION;
	h.features = NPU_FW_FEATURES;
	h.cmdstream_version = NPU_CS_VERSION;
	h.payload_size = (uint32_t)payload;
	h.payload_crc32 = npu_fw_crc32(0, (uint8_t *)buf + hdr, payload);
	h.header_crc32 = 0;
	h.header_crc32 = npu_fw_crc32(0, &h, hdr);
	memcpy(buf, &h, hdr);
	return total;
}
