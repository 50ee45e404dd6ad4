// SPDX-License-Identifier: MIT
/* Formatting helpers (see format.h). */
#include <ctype.h>
#include <inttypes.h>

#include "format.h"

void npu_json_string(FILE *out, const char *s)
{
	fputc('"', out);
	for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
		switch (*p) {
		case '"':
			fputs("\\\"", out);
			break;
		case '\\':
			fputs("\\\\", out);
			break;
		case '\n':
			fputs("\\n", out);
			break;
		case '\t':
			fputs("\\t", out);
			break;
		case '\r':
			fputs("\\r", out);
			break;
		default:
			if (*p < 0x20)
				fprintf(out, "\\u%04x", *p);
			else
				fputc(*p, out);
		}
	}
	fputc('"', out);
}

void npu_format_bytes(char *buf, size_t len, uint64_t bytes)
{
	static const char *const units[] = { "B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB" };
	unsigned int u = 0;
	uint64_t div = 1;

	while (u + 1 < sizeof(units) / sizeof(units[0]) && bytes / div >= 1024) {
		div *= 1024;
		u++;
	}
	if (bytes % div == 0)
		snprintf(buf, len, "%" PRIu64 " %s", bytes / div, units[u]);
	else
		snprintf(buf, len, "%.2f %s", (double)bytes / (double)div, units[u]);
}

void npu_format_fw_version(char *buf, size_t len, uint32_t version)
{
	snprintf(buf, len, "%u.%u.%u", version >> 16, (version >> 8) & 0xff,
		 version & 0xff);
}

void npu_format_hw_revision(char *buf, size_t len, uint32_t revision)
{
	snprintf(buf, len, "%u.%u", revision >> 16, revision & 0xffff);
}

void npu_format_hw_id(char *buf, size_t len, uint32_t hw_id)
{
	/* The register reads as ASCII, most significant byte first. */
	char id[5];

	for (int i = 0; i < 4; i++) {
		id[i] = (char)(hw_id >> (24 - 8 * i));
		if (!isprint((unsigned char)id[i])) {
			snprintf(buf, len, "%s", "");
			return;
		}
	}
	id[4] = '\0';
	snprintf(buf, len, "%s", id);
}
