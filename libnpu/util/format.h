/* SPDX-License-Identifier: MIT */
/* Small formatting helpers for human and JSON output. */
#ifndef NPU_FORMAT_H
#define NPU_FORMAT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Writes s as a JSON string literal, quotes included. */
void npu_json_string(FILE *out, const char *s);

/*
 * Byte count in binary units ("512 B", "1 MiB", "1.50 GiB") into buf;
 * exact values print without decimals.
 */
void npu_format_bytes(char *buf, size_t len, uint64_t bytes);

/* "1.2.3" from major << 16 | minor << 8 | patch. */
void npu_format_fw_version(char *buf, size_t len, uint32_t version);

/* "1.0" from major << 16 | minor. */
void npu_format_hw_revision(char *buf, size_t len, uint32_t revision);

/* The identification register as four characters when printable, else "". */
void npu_format_hw_id(char *buf, size_t len, uint32_t hw_id);

#endif /* NPU_FORMAT_H */
