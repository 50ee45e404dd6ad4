/* SPDX-License-Identifier: MIT */
/*
 * Compiled model format (.npu), version NPU_MF_VERSION_MAJOR.MINOR, and the
 * in-memory compiled model that the compiler produces and the loader
 * returns.  Documentation/model-format.rst describes the file in prose.
 *
 * File layout (all integers little-endian, all offsets from the file start):
 *
 *   struct npu_mf_header        64 bytes, magic "NPUMODEL"
 *   struct npu_mf_section[]     section table (header.section_table_offset)
 *   sections                    each aligned to NPU_MF_SECTION_ALIGN; the
 *                               WEIGHTS section to NPU_MF_WEIGHTS_ALIGN so a
 *                               loader can map it straight into a buffer
 *                               object; every blob inside it to
 *                               NPU_MF_BLOB_ALIGN (DMA burst alignment)
 *
 * The CRC-32 (IEEE, as zlib) in the header covers the whole file with the
 * crc32 field itself taken as zero.
 *
 * Command streams address memory by region (NPU_ADDR() in
 * uapi/npu_cmdstream.h), so they are stored exactly as the device runs
 * them and nothing patches them: NPU_REGION_CONST is the WEIGHTS section,
 * NPU_REGION_ARENA the activation arena, and each segment's regions from
 * NPU_REGION_IO_FIRST on are graph inputs and outputs, one each, listed
 * per segment (struct npu_mf_segment, 1.4): the runtime binds such a
 * region to the tensor's place in the arena or to a dma-buf the
 * application bound to it (zero-copy).  Region 0 (absolute) is used for
 * the on-chip SRAM window only.
 *
 * Versions 1.0 to 1.3 held zeroed address fields and a relocation table
 * (struct npu_mf_reloc); the loader still reads them and turns each
 * relocation into the region address 1.4 would hold.
 */
#ifndef NPU_MODEL_FORMAT_H
#define NPU_MODEL_FORMAT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "npu_graph.h"

#ifdef __cplusplus
extern "C" {
#endif

/* libnpu is built with -fvisibility=hidden: what this header declares is its API. */
#pragma GCC visibility push(default)

#define NPU_MF_MAGIC		"NPUMODEL"	/* 8 bytes, no NUL */
#define NPU_MF_VERSION_MAJOR	1	/* incompatible changes */
#define NPU_MF_VERSION_MINOR	5	/* compatible additions */
#define NPU_MF_SECTION_ALIGN	64
#define NPU_MF_WEIGHTS_ALIGN	4096
#define NPU_MF_BLOB_ALIGN	64
#define NPU_MF_MAX_SIZE		(1ull << 32)	/* largest file a loader accepts */

/* ---- on-disk structures ---- */

struct npu_mf_header {
	char magic[8];			/* NPU_MF_MAGIC */
	uint16_t version_major;		/* NPU_MF_VERSION_MAJOR */
	uint16_t version_minor;		/* NPU_MF_VERSION_MINOR */
	uint32_t header_size;		/* sizeof(struct npu_mf_header) */
	uint64_t file_size;		/* exact size of the file */
	uint32_t crc32;			/* see above */
	uint32_t cs_version;		/* NPU_CS_VERSION of the streams */
	uint64_t section_table_offset;
	uint32_t num_sections;
	uint32_t flags;			/* zero */
	uint64_t source_hash;		/* XXH3-64 of the source .tflite */
	uint64_t reserved;		/* zero */
};

enum npu_mf_section_type {
	NPU_MF_SECT_MODEL = 1,		/* struct npu_mf_model_info, exactly one */
	NPU_MF_SECT_TENSORS = 2,	/* struct npu_mf_tensor[num_tensors] */
	NPU_MF_SECT_OPS = 3,		/* struct npu_mf_op[num_ops] */
	NPU_MF_SECT_SEGMENTS = 4,	/* struct npu_mf_segment[num_segments] */
	NPU_MF_SECT_INDICES = 5,	/* int32 tensor indices (op and graph I/O) */
	NPU_MF_SECT_QUANT = 6,		/* float scales, then int32 zero points */
	NPU_MF_SECT_STRINGS = 7,	/* NUL-terminated strings */
	NPU_MF_SECT_WEIGHTS = 8,	/* constants and derived NPU data */
	NPU_MF_SECT_STREAMS = 9,	/* command streams, one per segment */
	NPU_MF_SECT_RELOCS = 10,	/* before 1.4: struct npu_mf_reloc[] */
	NPU_MF_SECT_BLOBS = 11,		/* CUSTOM op options (raw bytes) */
	/* 1.5: struct npu_mf_subgraph[], then the subgraphs' images */
	NPU_MF_SECT_SUBGRAPHS = 12,
	NPU_MF_SECT_COUNT		/* first unknown type (loaders refuse it) */
};

struct npu_mf_section {
	uint32_t type;			/* enum npu_mf_section_type */
	uint32_t flags;			/* zero */
	uint64_t offset;		/* from file start, aligned */
	uint64_t size;			/* bytes */
};

struct npu_mf_model_info {
	uint32_t num_tensors, num_ops, num_segments;
	uint32_t num_relocs;		/* <1.4: entries of RELOCS; 1.4: zero */
	uint32_t num_inputs, num_outputs;
	uint32_t inputs_index;		/* first entry in INDICES of the graph inputs */
	uint32_t outputs_index;		/* first entry in INDICES of the graph outputs */
	uint64_t arena_size;		/* bytes of the activation arena */
	uint64_t weights_size;		/* used bytes of the WEIGHTS section */
};

#define NPU_MF_NONE		UINT64_MAX	/* "no offset" in 64-bit fields */

struct npu_mf_tensor {
	uint32_t name;			/* offset in STRINGS */
	uint8_t type;			/* enum npu_type */
	uint8_t rank;
	uint8_t is_variable;
	uint8_t reserved0;		/* zero */
	int32_t shape[NPU_GRAPH_MAX_DIMS];
	uint32_t quant_count;		/* 0, 1 or per-channel count */
	uint32_t quant_index;		/* first scale (and zero point) in QUANT */
	int32_t quantized_dimension;
	uint32_t reserved1;		/* zero */
	uint64_t data_offset;		/* constants: offset in WEIGHTS, else NPU_MF_NONE */
	uint64_t data_size;		/* constants: bytes (== element bytes) */
	uint64_t arena_offset;		/* activations: offset in the arena, else NPU_MF_NONE */
};

/* npu_mf_op.placement values other than a segment index. */
#define NPU_MF_PLACEMENT_CPU	UINT32_MAX

struct npu_mf_op {
	int32_t builtin;		/* enum npu_builtin_op */
	int32_t version;
	uint32_t num_inputs, inputs_index;	/* in INDICES */
	uint32_t num_outputs, outputs_index;	/* in INDICES */
	uint32_t options_kind;		/* enum npu_options_kind */
	uint32_t placement;		/* segment index or NPU_MF_PLACEMENT_CPU */
	uint32_t reason;		/* CPU ops: offset in STRINGS of why, else 0 */
	uint32_t custom_name;		/* CUSTOM: offset in STRINGS, else 0 */
	uint64_t custom_options_offset;	/* in BLOBS, or NPU_MF_NONE */
	uint64_t custom_options_size;
	union npu_op_options options;	/* scalars only, as npu_graph.h */
	/* 1.1: intermediate tensors, in INDICES right after the outputs. */
	uint32_t num_intermediates;
	/* Modelled cost of an NPU op (zero for CPU ops), as struct npu_op_cost. */
	uint32_t num_commands;
	/*
	 * 1.3: the op's index in the source model plus one when the compiler
	 * moved it from there (npu_graph.op_source); 0: its index here.
	 */
	uint32_t source;
	uint64_t cycles, macs, dram_read_bytes, dram_write_bytes, sram_peak;
};

struct npu_mf_segment {
	uint32_t first_op, num_ops;	/* consecutive ops of the graph */
	uint64_t stream_offset;		/* in STREAMS */
	uint32_t stream_size;		/* bytes */
	uint32_t num_commands;
	/*
	 * 1.4: the tensors of regions NPU_REGION_IO_FIRST.. (graph inputs and
	 * outputs), @num_io entries from @io_index of INDICES.
	 * Before 1.4: first_reloc and num_relocs, in RELOCS.
	 */
	uint32_t io_index, num_io;
	uint64_t cycles;		/* firmware cycle model estimate */
	uint64_t macs;
	uint64_t dram_read_bytes, dram_write_bytes;
	uint64_t sram_peak;
};

/*
 * 1.5: the subgraphs WHILE and IF run (npu_graph.subgraphs).  The
 * SUBGRAPHS section starts with a struct npu_mf_subgraphs, then one struct
 * npu_mf_subgraph per TFLite subgraph.  Each is a whole .npu image of its
 * own (all ops on the CPU, no SUBGRAPHS section) at @offset from the
 * section's start, 64-byte aligned; size 0: none (entry 0, the main graph,
 * and CALL_ONCE initialisation subgraphs).
 */
struct npu_mf_subgraphs {
	uint32_t num_subgraphs;		/* entries that follow */
	uint32_t reserved;		/* zero */
};

struct npu_mf_subgraph {
	uint64_t offset;
	uint64_t size;
};

/* Versions before 1.4 only (read, never written). */
enum npu_mf_reloc_kind {
	NPU_MF_RELOC_WEIGHTS = 1,	/* NPU VA of the weights buffer + addend */
	NPU_MF_RELOC_TENSOR = 2,	/* NPU VA of tensor @index's memory + addend */
	/*
	 * Since 1.2: as NPU_MF_RELOC_WEIGHTS, at the address field of a filter
	 * encoded NPU_WEIGHTS_NPW1 (the addend is the encoded bytes);
	 * @index is the constant tensor holding the raw filter, which a
	 * loader uses instead for firmware without NPU_FW_FEAT_WDEC.
	 */
	NPU_MF_RELOC_WEIGHTS_ENCODED = 3,
};

struct npu_mf_reloc {
	uint32_t offset;		/* byte offset of a 64-bit field in the stream */
	uint32_t kind;			/* enum npu_mf_reloc_kind */
	int32_t index;			/* NPU_MF_RELOC_TENSOR, _WEIGHTS_ENCODED: tensor, else -1 */
	uint32_t reserved;		/* zero */
	uint64_t addend;
};

/* ---- in-memory compiled model ---- */

struct npu_segment {
	uint32_t first_op, num_ops;
	uint8_t *stream;		/* command stream, region addresses */
	uint32_t stream_size;
	uint32_t num_commands;
	/* Region NPU_REGION_IO_FIRST + k is graph tensor io_tensors[k]. */
	uint32_t num_io;
	int32_t *io_tensors;
	uint64_t cycles, macs, dram_read_bytes, dram_write_bytes, sram_peak;
};

/*
 * A compiled model, from npu_compile() or npu_model_load().  Owns everything it points to.
 *
 * @graph: the model's graph: tensors with their quantization and constant
 *   data (original TFLite layout: the NPU reads weights in that layout), and
 *   every op with its options, so the CPU executor (npu_cpu.h) can run any
 *   op, NPU-placed or not, from a loaded .npu file.
 * @num_ops: entries of @op_segment, @op_reason and @op_cost (the graph's
 *   op count; kept here so the model can be freed after @graph was taken).
 * @op_segment: per op, the segment running it or -1 for the CPU.
 * @op_reason: per op, why it runs on the CPU (NULL for NPU ops).
 * @weights: everything the NPU reads that is not an activation: the
 *   constant data of every constant tensor, then derived data (per-channel
 *   multipliers and shifts, converted biases, LUTs): NPU_REGION_CONST.
 * @tensor_weights_offset: per tensor, where its constant data is in
 *   @weights, or NPU_MF_NONE.
 * @tensor_arena_offset: per tensor, its planned place in the activation
 *   arena, or NPU_MF_NONE (constants).
 * @arena_size: bytes of the arena (lifetime-based reuse).
 * @activation_bytes: sum of all activation tensor sizes (no reuse).
 * @peak_live_bytes: largest sum of simultaneously live activations (a
 *   lower bound for any arena).
 * @source_hash: XXH3-64 of the source .tflite (0 if unknown).
 */
struct npu_compiled_model {
	struct npu_graph *graph;
	uint32_t num_ops;
	int32_t *op_segment;
	char **op_reason;
	uint32_t num_segments;
	struct npu_segment *segments;
	uint8_t *weights;
	uint64_t weights_size;
	uint64_t *tensor_weights_offset;
	uint64_t *tensor_arena_offset;
	uint64_t arena_size;
	uint64_t activation_bytes;
	uint64_t peak_live_bytes;
	uint64_t source_hash;
	struct npu_op_cost *op_cost;	/* per op (zero for CPU ops) */
};

/* Modelled cost of one op (NPU ops only; zero for CPU ops). */
struct npu_op_cost {
	uint64_t cycles, macs, dram_read_bytes, dram_write_bytes, sram_peak;
	uint32_t num_commands;
};

/* ---- the compiler ---- */

#define NPU_COMPILE_CPU_ONLY	(1u << 0)	/* place every op on the CPU */
#define NPU_COMPILE_NO_FUSION	(1u << 1)	/* one op, one set of commands */
/* Every operand through DRAM: for firmware without NPU_FW_FEAT_SRAM. */
#define NPU_COMPILE_NO_SRAM	(1u << 2)
/* Every op the NPU can run on the NPU, however cheap (no placement by cost). */
#define NPU_COMPILE_GREEDY	(1u << 3)
/* Raw filters (for firmware without NPU_FW_FEAT_WDEC). */
#define NPU_COMPILE_NO_WCOMPRESS	(1u << 4)
/* Ops run in the source's order (no grouping of NPU ops into fewer segments). */
#define NPU_COMPILE_NO_REORDER	(1u << 5)

/*
 * @flags: NPU_COMPILE_*.
 * @force_cpu: op indices the application wants on the CPU (may be NULL),
 *   as the source model numbers them (npu_graph_op_source()).
 * @num_force_cpu: entries in @force_cpu.
 * @source_hash: stored in the model (npu_model_hash() of the .tflite).
 * @fw_features: the NPU_FW_FEAT_* bits of the firmware the model is for
 *   (npu_device_info.fw_features); 0: this library's NPU_FW_FEATURES.  An
 *   op whose commands need a bit outside them (a command a newer firmware
 *   added, NPU_CMD_SOFTMAX with NPU_FW_FEAT_SOFTMAX) stays on the CPU.
 */
struct npu_compile_options {
	uint32_t flags;
	uint32_t num_force_cpu;
	const uint32_t *force_cpu;
	uint64_t source_hash;
	uint32_t fw_features;
};

/*
 * Compile @g: place each op on the NPU (within the hardware limits of
 * uapi/npu_cmdstream.h, parameters from npu_cpu_prepare_op()) or the CPU
 * (with a reason), group consecutive NPU ops into segments with one command
 * stream each, lay out the weights, plan the activation arena.
 *
 * Takes ownership of @g whatever the outcome (it becomes (*out)->graph).
 * @opt may be NULL.  Returns 0 and *@out, or a negative errno with @err:
 * -EINVAL for an op TFLite itself would reject, -ENOMEM.
 */
int npu_compile(struct npu_graph *g, const struct npu_compile_options *opt,
		struct npu_compiled_model **out, char *err, size_t errlen);

/*
 * Placement and performance report: each op with its placement (and the
 * reason for CPU ops), then MACs, estimated cycles and time, DRAM and SRAM
 * traffic, weight bytes and arena bytes.  @json selects JSON output.
 * @name labels the model.  Returns 0 or -errno from writing.
 */
int npu_compile_report(const struct npu_compiled_model *m, const char *name,
		       bool json, FILE *file);

/*
 * The same report as a Graphviz graph (DOT, for `dot -Tsvg`): ops coloured
 * by placement (a colour per NPU segment, one per reason an op stays on the
 * CPU, with a legend), segments as clusters, activations as edges labelled
 * with name, type, shape and quantization, the tensors crossing a segment
 * boundary in bold red; constant inputs listed on their op.  Node op<i> is
 * op i.  Returns 0, -EINVAL, -ENOMEM or -EIO from writing.
 */
int npu_compile_report_dot(const struct npu_compiled_model *m, const char *name,
			   FILE *file);

/*
 * Whether op @i of @m runs as compiled: on the NPU, or on the CPU with a
 * built-in kernel for its types and parameters (prepared as the executor
 * will).  Returns 0; -ENOTSUP when no built-in kernel runs it, with @why
 * naming the op, the reason and its tensors, in the report's words:
 * "op 3 (HARD_SWISH): no CPU kernel: HARD_SWISH has no built-in CPU kernel
 * (int8 'x' [1,16,16,8] -> int8 'y' [1,16,16,8])" (an application may still
 * run it by registering a kernel, npu_model_register_kernel()); -EINVAL
 * (malformed, or no model); -ERANGE (no op @i).  npu-compile refuses a
 * model with such a builtin before its first inference.
 */
int npu_compiled_op_runnable(const struct npu_compiled_model *m, uint32_t i, char *why,
			     size_t whylen);

/*
 * Serialize @m into a new buffer (*@buf, *@len; free() it).  Returns 0 or a
 * negative errno.
 */
int npu_model_serialize(const struct npu_compiled_model *m, void **buf, size_t *len);

/*
 * Validate and load a .npu image.  Checks, before using anything: size,
 * magic, version (major must match; a newer minor is accepted), CRC,
 * section table (known types, in range, aligned, not overlapping), every
 * record's indices and offsets, every string's termination, tensor sizes
 * against shapes, constant data inside WEIGHTS, arena offsets inside the
 * arena, the graph's data flow (as the TFLite reader), each segment's op
 * range and command stream (npu_fw_validate_regions()), what the stream
 * touches in each region against the region's buffer (weights read-only,
 * arena, each I/O region's tensor), and an older file's relocations (inside
 * its stream, on a zero field, target inside its buffer) before they are
 * turned into region addresses.
 *
 * Returns 0 and *@out (owns copies of everything: @buf may be freed), or
 * -EBADMSG (the CRC does not match: damaged), -EINVAL (malformed or
 * inconsistent: @err names the problem), -ENOTSUP (other major version or
 * command-stream version), -ENOMEM.
 */
int npu_model_load(const void *buf, size_t len, struct npu_compiled_model **out,
		   char *err, size_t errlen);
int npu_model_load_file(const char *path, struct npu_compiled_model **out,
			char *err, size_t errlen);
int npu_model_save_file(const struct npu_compiled_model *m, const char *path,
			char *err, size_t errlen);

void npu_compiled_model_free(struct npu_compiled_model *m);

/* XXH3 64-bit hash, seed 0 (the source_hash of a .tflite, a cache key). */
uint64_t npu_model_hash(const void *buf, size_t len);

#pragma GCC visibility pop

#ifdef __cplusplus
}
#endif

#endif /* NPU_MODEL_FORMAT_H */
