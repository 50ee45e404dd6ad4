// SPDX-License-Identifier: MIT
/* device_print(): one NPU described for people or as JSON (npu-info). */
#include <errno.h>
#include <inttypes.h>

#include "device_print.h"
#include "format.h"
#include "npu_regs.h"

static const struct {
	uint32_t bit;
	const char *name;
} fw_feature_names[] = {
	{ NPU_FW_FEAT_INT8, "int8" },
	{ NPU_FW_FEAT_INT16X8, "int16x8" },
	{ NPU_FW_FEAT_PERF_COUNTERS, "perf-counters" },
	{ NPU_FW_FEAT_SIGMOID_S16, "sigmoid-s16" },
	{ NPU_FW_FEAT_RELU, "relu" },
	{ NPU_FW_FEAT_REDUCE, "reduce" },
	{ NPU_FW_FEAT_ELTWISE2, "eltwise2" },
	{ NPU_FW_FEAT_UINT8, "uint8" },
	{ NPU_FW_FEAT_RESIZE, "resize" },
	{ NPU_FW_FEAT_STRIDED_COPY, "strided-copy" },
	{ NPU_FW_FEAT_PRELU_S16, "prelu-s16" },
	{ NPU_FW_FEAT_SRAM, "sram" },
	{ NPU_FW_FEAT_FC_SCALE_F64, "fc-scale-f64" },
	{ NPU_FW_FEAT_WDEC, "wdec" },
	{ NPU_FW_FEAT_REGIONS, "regions" },
	{ NPU_FW_FEAT_WDEC_PALETTES, "wdec-palettes" },
	{ NPU_FW_FEAT_MEAN_U8, "mean-u8" },
	{ NPU_FW_FEAT_WDEC_PACKED, "wdec-packed" },
	{ NPU_FW_FEAT_WDEC_ROWS, "wdec-rows" },
	{ NPU_FW_FEAT_MINMAX_U8, "minmax-u8" },
	{ NPU_FW_FEAT_WDEC_ROWS_PALETTES, "wdec-rows-palettes" },
	{ NPU_FW_FEAT_SOFTMAX, "softmax" },
};

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/* Peak int8 throughput: two operations (multiply, add) per MAC and cycle. */
static double tops(const struct npu_device_info *info)
{
	return 2.0 * info->mac_count * info->clock_mhz * 1e6 / 1e12;
}

static double dram_gbps(const struct npu_device_info *info)
{
	return (double)info->dram_bytes_per_cycle * info->clock_mhz * 1e6 / 1e9;
}

static void print_features_text(FILE *out, uint32_t features)
{
	const char *sep = "";

	fprintf(out, "0x%08" PRIx32 " (", features);
	for (size_t i = 0; i < ARRAY_SIZE(fw_feature_names); i++) {
		if (features & fw_feature_names[i].bit) {
			fprintf(out, "%s%s", sep, fw_feature_names[i].name);
			sep = ", ";
			features &= ~fw_feature_names[i].bit;
		}
	}
	if (features)
		fprintf(out, "%sunknown 0x%" PRIx32, sep, features);
	else if (!*sep)
		fputs("none", out);
	fputc(')', out);
}

static void print_text(FILE *out, const struct npu_device_desc *desc,
		       const struct npu_device_info *info,
		       const struct npu_counters *c)
{
	char a[64], b[64];

	if (desc) {
		fprintf(out, "%s\n", *desc->node ? desc->node : "(no device node)");
		fprintf(out, "  driver:          %s", desc->driver);
		if (*desc->parent)
			fprintf(out, " (device %s)", desc->parent);
		fprintf(out, "\n  sysfs:           %s\n", desc->syspath);
		for (size_t i = 0; i < desc->attr_count; i++)
			fprintf(out, "  %-16s %s\n", desc->attrs[i].name,
				desc->attrs[i].value);
	}
	if (info) {
		npu_format_hw_id(a, sizeof(a), info->hw_id);
		npu_format_hw_revision(b, sizeof(b), info->hw_revision);
		fprintf(out, "  hardware:        %s%s0x%08" PRIx32 " revision %s\n",
			a, *a ? " " : "", info->hw_id, b);
		npu_format_fw_version(a, sizeof(a), info->fw_version);
		fprintf(out, "  firmware:        %s, features ", a);
		print_features_text(out, info->fw_features);
		fprintf(out, "\n  command stream:  version %" PRIu32 "\n",
			info->cmdstream_version);
		fprintf(out, "  compute:         %" PRIu32 " MACs/cycle at %" PRIu32
			" MHz, %.2f TOPS int8\n", info->mac_count,
			info->clock_mhz, tops(info));
		npu_format_bytes(a, sizeof(a), info->sram_size);
		fprintf(out, "  SRAM:            %s\n", a);
		fprintf(out, "  DRAM bandwidth:  %" PRIu32 " bytes/cycle, %.1f GB/s\n",
			info->dram_bytes_per_cycle, dram_gbps(info));
		fprintf(out, "  job queue:       %" PRIu32 " entries\n", info->queue_depth);
		npu_format_bytes(a, sizeof(a), info->page_size);
		fprintf(out, "  MMU:             %" PRIu32 " address spaces, %s pages\n",
			info->num_address_spaces, a);
		npu_format_bytes(a, sizeof(a), info->va_end > info->va_start ?
				 info->va_end - info->va_start : 0);
		fprintf(out, "  NPU VA range:    0x%08" PRIx64 "-0x%08" PRIx64 " (%s)\n",
			info->va_start, info->va_end, a);
		npu_format_bytes(a, sizeof(a), info->max_bo_size);
		fprintf(out, "  max buffer:      %s\n", a);
	}
	if (c) {
		npu_format_bytes(a, sizeof(a), c->dram_read_bytes);
		npu_format_bytes(b, sizeof(b), c->dram_write_bytes);
		fprintf(out, "  counters:        %" PRIu64 " jobs completed, %" PRIu64
			" failed, %" PRIu64 " resets, %" PRIu64 " MMU faults\n",
			c->jobs_completed, c->jobs_failed, c->resets, c->mmu_faults);
		fprintf(out, "                   %" PRIu64 " cycles, %" PRIu64
			" MACs, %s read, %s written\n", c->cycles, c->macs, a, b);
	}
}

static void json_key(FILE *out, const char **sep, const char *key)
{
	fputs(*sep, out);
	npu_json_string(out, key);
	fputc(':', out);
	*sep = ",";
}

static void json_str(FILE *out, const char **sep, const char *key, const char *v)
{
	json_key(out, sep, key);
	npu_json_string(out, v);
}

static void json_u64(FILE *out, const char **sep, const char *key, uint64_t v)
{
	json_key(out, sep, key);
	fprintf(out, "%" PRIu64, v);
}

static void print_json(FILE *out, const struct npu_device_desc *desc,
		       const struct npu_device_info *info,
		       const struct npu_counters *c)
{
	const char *sep = "";
	char buf[64];

	fputc('{', out);
	if (desc) {
		json_str(out, &sep, "node", desc->node);
		json_str(out, &sep, "driver", desc->driver);
		json_str(out, &sep, "parent", desc->parent);
		json_str(out, &sep, "syspath", desc->syspath);
		json_key(out, &sep, "attributes");
		const char *asep = "";

		fputc('{', out);
		for (size_t i = 0; i < desc->attr_count; i++)
			json_str(out, &asep, desc->attrs[i].name, desc->attrs[i].value);
		fputc('}', out);
	}
	if (info) {
		const char *isep = "";
		const char *fsep = "";

		json_key(out, &sep, "info");
		fputc('{', out);
		json_u64(out, &isep, "hw_id", info->hw_id);
		npu_format_hw_id(buf, sizeof(buf), info->hw_id);
		json_str(out, &isep, "hw_name", buf);
		npu_format_hw_revision(buf, sizeof(buf), info->hw_revision);
		json_str(out, &isep, "hw_revision", buf);
		npu_format_fw_version(buf, sizeof(buf), info->fw_version);
		json_str(out, &isep, "fw_version", buf);
		json_u64(out, &isep, "fw_features", info->fw_features);
		json_key(out, &isep, "fw_feature_names");
		fputc('[', out);
		for (size_t i = 0; i < ARRAY_SIZE(fw_feature_names); i++) {
			if (info->fw_features & fw_feature_names[i].bit) {
				fputs(fsep, out);
				npu_json_string(out, fw_feature_names[i].name);
				fsep = ",";
			}
		}
		fputc(']', out);
		json_u64(out, &isep, "cmdstream_version", info->cmdstream_version);
		json_u64(out, &isep, "mac_count", info->mac_count);
		json_u64(out, &isep, "clock_mhz", info->clock_mhz);
		json_key(out, &isep, "tops");
		fprintf(out, "%.3f", tops(info));
		json_u64(out, &isep, "sram_bytes", info->sram_size);
		json_u64(out, &isep, "dram_bytes_per_cycle", info->dram_bytes_per_cycle);
		json_key(out, &isep, "dram_gbps");
		fprintf(out, "%.3f", dram_gbps(info));
		json_u64(out, &isep, "queue_depth", info->queue_depth);
		json_u64(out, &isep, "num_address_spaces", info->num_address_spaces);
		json_u64(out, &isep, "page_size", info->page_size);
		json_u64(out, &isep, "va_start", info->va_start);
		json_u64(out, &isep, "va_end", info->va_end);
		json_u64(out, &isep, "max_bo_size", info->max_bo_size);
		fputc('}', out);
	}
	if (c) {
		const char *csep = "";

		json_key(out, &sep, "counters");
		fputc('{', out);
		json_u64(out, &csep, "cycles", c->cycles);
		json_u64(out, &csep, "macs", c->macs);
		json_u64(out, &csep, "dram_read_bytes", c->dram_read_bytes);
		json_u64(out, &csep, "dram_write_bytes", c->dram_write_bytes);
		json_u64(out, &csep, "jobs_completed", c->jobs_completed);
		json_u64(out, &csep, "jobs_failed", c->jobs_failed);
		json_u64(out, &csep, "resets", c->resets);
		json_u64(out, &csep, "mmu_faults", c->mmu_faults);
		fputc('}', out);
	}
	fputc('}', out);
}

int device_print(FILE *out, const struct npu_device_desc *desc,
		 const struct npu_device_info *info,
		 const struct npu_counters *counters, unsigned int flags)
{
	if (!out || (flags & ~DEVICE_PRINT_JSON))
		return -EINVAL;
	if (flags & DEVICE_PRINT_JSON)
		print_json(out, desc, info, counters);
	else
		print_text(out, desc, info, counters);
	return ferror(out) ? -EIO : 0;
}
