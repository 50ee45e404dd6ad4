// SPDX-License-Identifier: MIT
/*
 * Firmware image framing: header (size, magic, format version, header
 * CRC-32) and payload (size, CRC-32).  The one definition of these rules:
 * the device's npu_fw_image_check() starts with them, and npu.ko compiles
 * this file in (kernel/npu_fw_image_hdr.c) to refuse a bad image with a
 * precise message before the device sees it.  Needs fw_util.c only.
 */
#include "fw_internal.h"

#define FW_HDR_SIZE	32u

uint32_t npu_fw_image_hdr_check(const void *img, size_t len,
				struct npu_fw_header *hdr)
{
	uint32_t crc, ret = NPU_BOOT_OK;

	if (!img || len < FW_HDR_SIZE)
		return NPU_BOOT_ERR_SIZE;
	fw_memcpy(hdr, img, FW_HDR_SIZE);
	if (hdr->magic != NPU_FW_MAGIC)
		return NPU_BOOT_ERR_MAGIC;
	if (hdr->format_version != NPU_FW_FORMAT_VERSION ||
	    hdr->header_size != FW_HDR_SIZE)
		return NPU_BOOT_ERR_VERSION;
	crc = hdr->header_crc32;
	hdr->header_crc32 = 0;
	if (npu_fw_crc32(0, hdr, FW_HDR_SIZE) != crc)
		ret = NPU_BOOT_ERR_CHECKSUM;
	hdr->header_crc32 = crc;
	return ret;
}

uint32_t npu_fw_image_payload_check(const struct npu_fw_header *hdr,
				    const void *img, size_t len)
{
	if (hdr->payload_size != len - FW_HDR_SIZE || (hdr->payload_size & 3))
		return NPU_BOOT_ERR_SIZE;
	if (npu_fw_crc32(0, (const uint8_t *)img + FW_HDR_SIZE,
			 hdr->payload_size) != hdr->payload_crc32)
		return NPU_BOOT_ERR_CHECKSUM;
	return NPU_BOOT_OK;
}
