// SPDX-License-Identifier: MIT
/*
 * .npu files: serializer and validating loader (npu_model_format.h,
 * Documentation/model-format.rst).
 *
 * The loader trusts nothing: every count, index, offset and size is checked
 * before it is used, with 64-bit arithmetic, and the result is a fresh copy
 * (graph, streams, weights) that does not point into the file.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <isa-l/crc.h>
#include <xxhash.h>

#include "../compiler/arena.h"
#include "../lower/lower.h"
#include "blob.h"
#include "file.h"
#include "npu_util.h"
#include "npu_cmdstream.h"
#include "npu_cpu.h"
#include "npu_fw.h"
#include "npu_model_format.h"
#include "../tflite/graph_priv.h"

#if !defined(__BYTE_ORDER__) || __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "the .npu reader and writer assume a little-endian host"
#endif

_Static_assert(sizeof(struct npu_mf_header) == 64, "header layout");
_Static_assert(sizeof(struct npu_mf_section) == 24, "section layout");
_Static_assert(sizeof(struct npu_mf_model_info) == 48, "model info layout");
_Static_assert(sizeof(struct npu_mf_tensor) == 80, "tensor layout");
_Static_assert(sizeof(union npu_op_options) == 36, "options layout");
_Static_assert(sizeof(struct npu_mf_op) == 144, "op layout");
_Static_assert(sizeof(struct npu_mf_segment) == 72, "segment layout");
_Static_assert(sizeof(struct npu_mf_reloc) == 24, "reloc layout");

/* XXH3 reads the source words at a time (FNV-1a byte by byte was 55% of compile). */
uint64_t npu_model_hash(const void *buf, size_t len)
{
	return XXH3_64bits(buf, len);
}

/*
 * The file's CRC-32 (zlib's), by ISA-L: carry-less multiply folding where
 * the CPU has it (PCLMULQDQ, arm64 PMULL), 0.1 instruction a byte against
 * zlib's 3.9, which alone took longer than compiling the .tflite.  Equal to
 * the device side's npu_fw_crc32() and to zlib's crc32(), as
 * libnpu/tests/test_compile.c checks.
 */
static uint32_t file_crc32(uint32_t crc, const uint8_t *p, size_t len)
{
	return crc32_gzip_refl(crc, p, len);
}

/* ---- writer ---- */

int npu_blob_put(struct npu_blob *b, const void *src, size_t len, size_t align, size_t *at)
{
	size_t off = (b->size + align - 1) / align * align;

	if (at)
		*at = 0;
	/* Past half the address space the doubling below would wrap to 0. */
	if (off < b->size || len > SIZE_MAX / 2 - off)
		return -E2BIG;
	if (off + len > b->cap) {
		size_t cap = b->cap ? b->cap : 4096;
		uint8_t *p;

		while (cap < off + len)
			cap *= 2;
		p = realloc(b->data, cap);
		if (!p)
			return -ENOMEM;
		memset(p + b->cap, 0, cap - b->cap);
		b->data = p;
		b->cap = cap;
	}
	if (len)
		memcpy(b->data + off, src, len);
	b->size = off + len;
	if (at)
		*at = off;
	return 0;
}

static int put_str(struct npu_blob *b, const char *s, uint32_t *at)
{
	size_t off;
	int ret;

	if (!s || !*s) {
		*at = 0;	/* offset 0 holds "" */
		return 0;
	}
	ret = npu_blob_put(b, s, strlen(s) + 1, 1, &off);
	if (!ret && off > UINT32_MAX)
		ret = -E2BIG;
	*at = (uint32_t)off;
	return ret;
}

static int put_idx(struct npu_blob *b, const int32_t *v, uint32_t n, uint32_t *first)
{
	size_t off;
	int ret = npu_blob_put(b, v, (size_t)n * 4, 4, &off);

	*first = (uint32_t)(off / 4);
	return ret;
}

/* The writer's pieces, one growing buffer each, in file order. */
enum { S_MODEL, S_TENSORS, S_OPS, S_SEGMENTS, S_INDICES, S_QUANT_SCALE, S_QUANT_ZP,
       S_STRINGS, S_WEIGHTS, S_STREAMS, S_BLOBS, S_SUBGRAPHS, S_N };

/* TENSORS records, their names and quantization. */
static int put_tensors(struct npu_blob *s, const struct npu_compiled_model *m)
{
	const struct npu_graph *g = m->graph;
	uint32_t nq = 0;
	int ret = 0;

	for (uint32_t i = 0; i < g->num_tensors && !ret; i++) {
		const struct npu_graph_tensor *t = &g->tensors[i];
		struct npu_mf_tensor r = { 0 };

		ret = put_str(&s[S_STRINGS], t->name, &r.name);
		r.type = (uint8_t)t->type;
		r.rank = (uint8_t)t->rank;
		r.is_variable = t->is_variable;
		memcpy(r.shape, t->shape, sizeof(r.shape));
		r.quant_count = t->quant.count;
		r.quant_index = nq;
		r.quantized_dimension = t->quant.quantized_dimension;
		r.data_offset = m->tensor_weights_offset[i];
		r.data_size = t->data ? t->data_size : 0;
		r.arena_offset = m->tensor_arena_offset[i];
		if (!ret && t->quant.count) {
			ret = npu_blob_put(&s[S_QUANT_SCALE], t->quant.scale, 4ull * t->quant.count, 4, NULL);
			if (!ret)
				ret = npu_blob_put(&s[S_QUANT_ZP], t->quant.zero_point,
					       4ull * t->quant.count, 4, NULL);
			nq += t->quant.count;
		}
		if (!ret)
			ret = npu_blob_put(&s[S_TENSORS], &r, sizeof(r), 8, NULL);
	}
	return ret;
}

/* OPS records with their operands, CPU reasons and custom options. */
static int put_ops(struct npu_blob *s, const struct npu_compiled_model *m)
{
	const struct npu_graph *g = m->graph;
	int ret = 0;

	for (uint32_t i = 0; i < g->num_ops && !ret; i++) {
		const struct npu_graph_op *op = &g->ops[i];
		struct npu_mf_op r = { 0 };

		r.builtin = op->builtin;
		r.version = op->version;
		r.num_inputs = op->num_inputs;
		r.num_outputs = op->num_outputs;
		r.options_kind = op->options_kind;
		r.options = op->options;
		r.placement = m->op_segment[i] >= 0 ? (uint32_t)m->op_segment[i] : NPU_MF_PLACEMENT_CPU;
		r.num_commands = m->op_cost[i].num_commands;
		r.cycles = m->op_cost[i].cycles;
		r.macs = m->op_cost[i].macs;
		r.dram_read_bytes = m->op_cost[i].dram_read_bytes;
		r.dram_write_bytes = m->op_cost[i].dram_write_bytes;
		r.sram_peak = m->op_cost[i].sram_peak;
		r.custom_options_offset = NPU_MF_NONE;
		r.num_intermediates = op->num_intermediates;
		if (npu_graph_op_source(g, i) != i)
			r.source = npu_graph_op_source(g, i) + 1;
		ret = put_idx(&s[S_INDICES], op->inputs, op->num_inputs, &r.inputs_index);
		if (!ret)
			ret = put_idx(&s[S_INDICES], op->outputs, op->num_outputs, &r.outputs_index);
		if (!ret && op->num_intermediates) {
			uint32_t at;	/* follows the outputs: 4-byte entries, no padding */

			ret = put_idx(&s[S_INDICES], op->intermediates, op->num_intermediates, &at);
		}
		/* CPU ops: why; NPU ops: "fused into op N" or "". */
		if (!ret)
			ret = put_str(&s[S_STRINGS], m->op_reason[i], &r.reason);
		if (!ret && op->custom_name)
			ret = put_str(&s[S_STRINGS], op->custom_name, &r.custom_name);
		if (!ret && op->custom_options) {
			size_t at;

			ret = npu_blob_put(&s[S_BLOBS], op->custom_options, op->custom_options_size, 8, &at);
			r.custom_options_offset = at;
			r.custom_options_size = op->custom_options_size;
		}
		if (!ret)
			ret = npu_blob_put(&s[S_OPS], &r, sizeof(r), 8, NULL);
	}
	return ret;
}

/* SEGMENTS records with their streams and the tensors of their I/O regions. */
static int put_segments(struct npu_blob *s, const struct npu_compiled_model *m)
{
	int ret = 0;

	for (uint32_t k = 0; k < m->num_segments && !ret; k++) {
		const struct npu_segment *seg = &m->segments[k];
		struct npu_mf_segment r = {
			.first_op = seg->first_op, .num_ops = seg->num_ops,
			.stream_size = seg->stream_size, .num_commands = seg->num_commands,
			.num_io = seg->num_io,
			.cycles = seg->cycles, .macs = seg->macs,
			.dram_read_bytes = seg->dram_read_bytes,
			.dram_write_bytes = seg->dram_write_bytes, .sram_peak = seg->sram_peak,
		};
		size_t at;

		ret = npu_blob_put(&s[S_STREAMS], seg->stream, seg->stream_size, NPU_MF_BLOB_ALIGN, &at);
		r.stream_offset = at;
		if (!ret)
			ret = put_idx(&s[S_INDICES], seg->io_tensors, seg->num_io, &r.io_index);
		if (!ret)
			ret = npu_blob_put(&s[S_SEGMENTS], &r, sizeof(r), 8, NULL);
	}
	return ret;
}

/*
 * The file from its pieces: header, section table, then the sections in
 * order (QUANT_ZP was appended to QUANT_SCALE), the CRC last.
 */
static int assemble(const struct npu_blob *s, const struct npu_compiled_model *m,
		    void **out, size_t *out_len)
{
	static const uint32_t types[S_N] = {
		[S_MODEL] = NPU_MF_SECT_MODEL, [S_TENSORS] = NPU_MF_SECT_TENSORS,
		[S_OPS] = NPU_MF_SECT_OPS, [S_SEGMENTS] = NPU_MF_SECT_SEGMENTS,
		[S_INDICES] = NPU_MF_SECT_INDICES, [S_QUANT_SCALE] = NPU_MF_SECT_QUANT,
		[S_STRINGS] = NPU_MF_SECT_STRINGS, [S_WEIGHTS] = NPU_MF_SECT_WEIGHTS,
		[S_STREAMS] = NPU_MF_SECT_STREAMS, [S_BLOBS] = NPU_MF_SECT_BLOBS,
		[S_SUBGRAPHS] = NPU_MF_SECT_SUBGRAPHS,
	};
	struct npu_mf_header hdr = { 0 };
	struct npu_mf_section table[S_N - 1];
	uint64_t offsets[S_N], pos;
	uint32_t n = 0;
	uint8_t *file;

	pos = sizeof(hdr) + sizeof(table);
	for (int k = 0; k < S_N; k++) {
		uint64_t align = k == S_WEIGHTS ? NPU_MF_WEIGHTS_ALIGN : NPU_MF_SECTION_ALIGN;
		uint64_t size = k == S_WEIGHTS ? m->weights_size : s[k].size;

		if (k == S_QUANT_ZP || (k == S_SUBGRAPHS && !size))
			continue;
		pos = ALIGN_UP(pos, align);
		offsets[k] = pos;
		pos += size;
	}
	if (pos > NPU_MF_MAX_SIZE)
		return -E2BIG;
	file = calloc(1, pos);
	if (!file)
		return -ENOMEM;
	for (int k = 0; k < S_N; k++) {
		const void *src = k == S_WEIGHTS ? m->weights : s[k].data;
		uint64_t size = k == S_WEIGHTS ? m->weights_size : s[k].size;

		if (k == S_QUANT_ZP || (k == S_SUBGRAPHS && !size))
			continue;
		table[n++] = (struct npu_mf_section){
			.type = types[k], .offset = offsets[k], .size = size,
		};
		if (size)
			memcpy(file + offsets[k], src, size);
	}
	memcpy(hdr.magic, NPU_MF_MAGIC, 8);
	hdr.version_major = NPU_MF_VERSION_MAJOR;
	hdr.version_minor = NPU_MF_VERSION_MINOR;
	hdr.header_size = sizeof(hdr);
	hdr.file_size = pos;
	hdr.cs_version = NPU_CS_VERSION;
	hdr.section_table_offset = sizeof(hdr);
	hdr.num_sections = n;
	hdr.source_hash = m->source_hash;
	memcpy(file, &hdr, sizeof(hdr));
	memcpy(file + sizeof(hdr), table, n * sizeof(table[0]));
	hdr.crc32 = file_crc32(0, file, pos);
	memcpy(file + offsetof(struct npu_mf_header, crc32), &hdr.crc32, 4);
	*out = file;
	*out_len = pos;
	return 0;
}

/*
 * The SUBGRAPHS section: the entry table, then each control-flow subgraph
 * compiled for the CPU on a copy and serialized as an image of its own.
 */
static int put_subgraphs(struct npu_blob *s, const struct npu_graph *g)
{
	const struct npu_compile_options cpu = { .flags = NPU_COMPILE_CPU_ONLY };
	const struct npu_mf_subgraphs head = { .num_subgraphs = g->num_subgraphs };
	struct npu_mf_subgraph *table;
	int ret = 0;

	if (!g->num_subgraphs)
		return 0;
	table = calloc(g->num_subgraphs, sizeof(*table));
	if (!table)
		return -ENOMEM;
	ret = npu_blob_put(s, &head, sizeof(head), 8, NULL);
	if (!ret)
		ret = npu_blob_put(s, table, g->num_subgraphs * sizeof(*table), 8, NULL);
	for (uint32_t k = 0; k < g->num_subgraphs && !ret; k++) {
		struct npu_compiled_model *sub;
		struct npu_graph *copy;
		void *img;
		size_t len, at;

		if (!g->subgraphs[k])
			continue;
		ret = npu_graph_copy(g->subgraphs[k], &copy);
		if (!ret)
			ret = npu_compile(copy, &cpu, &sub, NULL, 0);
		if (ret)
			break;
		ret = npu_model_serialize(sub, &img, &len);
		npu_compiled_model_free(sub);
		if (ret)
			break;
		ret = npu_blob_put(s, img, len, NPU_MF_BLOB_ALIGN, &at);
		free(img);
		table[k] = (struct npu_mf_subgraph){ .offset = at, .size = len };
	}
	if (!ret)
		memcpy(s->data + sizeof(head), table, g->num_subgraphs * sizeof(*table));
	free(table);
	return ret;
}

int npu_model_serialize(const struct npu_compiled_model *m, void **out, size_t *out_len)
{
	const struct npu_graph *g = m->graph;
	struct npu_blob s[S_N] = { { 0 } };
	struct npu_mf_model_info info = { 0 };
	int ret;

	*out = NULL;
	*out_len = 0;
	ret = npu_blob_put(&s[S_STRINGS], "", 1, 1, NULL);

	info.num_tensors = g->num_tensors;
	info.num_ops = g->num_ops;
	info.num_segments = m->num_segments;
	info.num_inputs = g->num_inputs;
	info.num_outputs = g->num_outputs;
	info.arena_size = m->arena_size;
	info.weights_size = m->weights_size;
	if (!ret)
		ret = put_idx(&s[S_INDICES], g->inputs, g->num_inputs, &info.inputs_index);
	if (!ret)
		ret = put_idx(&s[S_INDICES], g->outputs, g->num_outputs, &info.outputs_index);
	if (!ret)
		ret = put_tensors(s, m);
	if (!ret)
		ret = put_ops(s, m);
	if (!ret)
		ret = put_segments(s, m);
	if (!ret)
		ret = put_subgraphs(&s[S_SUBGRAPHS], g);
	if (!ret)
		ret = npu_blob_put(&s[S_MODEL], &info, sizeof(info), 8, NULL);
	/* QUANT is scales then zero points: one section. */
	if (!ret)
		ret = npu_blob_put(&s[S_QUANT_SCALE], s[S_QUANT_ZP].data, s[S_QUANT_ZP].size, 4, NULL);
	if (!ret)
		ret = assemble(s, m, out, out_len);
	for (int k = 0; k < S_N; k++)
		free(s[k].data);
	return ret;
}

int npu_model_save_file(const struct npu_compiled_model *m, const char *path, char *err,
			size_t errlen)
{
	void *buf;
	size_t len;
	FILE *f;
	int ret = npu_model_serialize(m, &buf, &len);

	if (ret) {
		return npu_fail(err, errlen, ret, "serializing the model: %s", strerror(-ret));
	}
	f = fopen(path, "wb");
	if (!f) {
		ret = npu_fail(err, errlen, -errno, "%s: %s", path, strerror(errno));
		free(buf);
		return ret;
	}
	if (fwrite(buf, 1, len, f) != len)
		ret = -EIO;
	if (fclose(f) && !ret)
		ret = -errno;
	if (ret)
		npu_fail(err, errlen, ret, "%s: write failed: %s", path, strerror(-ret));
	free(buf);
	return ret;
}

/* ---- loader ---- */

struct ld {
	const uint8_t *data;
	size_t len;
	char *err;
	size_t errlen;
	struct npu_mf_section sect[NPU_MF_SECT_COUNT];	/* by type; size 0 if absent */
	bool have[NPU_MF_SECT_COUNT];
	struct npu_mf_model_info info;
	uint64_t num_indices, num_quant;
	bool relocs;		/* a file before 1.4: zeroed address fields and RELOCS */
	bool nested;		/* a subgraph's image inside SUBGRAPHS */
};

#define LFAIL(l, code, ...) return npu_fail((l)->err, (l)->errlen, (code), __VA_ARGS__)

static const char *const sect_names[NPU_MF_SECT_COUNT] = {
	[NPU_MF_SECT_MODEL] = "MODEL", [NPU_MF_SECT_TENSORS] = "TENSORS",
	[NPU_MF_SECT_OPS] = "OPS", [NPU_MF_SECT_SEGMENTS] = "SEGMENTS",
	[NPU_MF_SECT_INDICES] = "INDICES", [NPU_MF_SECT_QUANT] = "QUANT",
	[NPU_MF_SECT_STRINGS] = "STRINGS", [NPU_MF_SECT_WEIGHTS] = "WEIGHTS",
	[NPU_MF_SECT_STREAMS] = "STREAMS", [NPU_MF_SECT_RELOCS] = "RELOCS",
	[NPU_MF_SECT_BLOBS] = "BLOBS", [NPU_MF_SECT_SUBGRAPHS] = "SUBGRAPHS",
};

static const uint8_t *sect_ptr(const struct ld *l, uint32_t type)
{
	return l->data + l->sect[type].offset;
}

/* Record @i of @size bytes in section @type, checked to exist. */
static int record(const struct ld *l, uint32_t type, uint64_t i, size_t size, void *out,
		  const char *what)
{
	if (i >= l->sect[type].size / size || l->sect[type].size % size)
		LFAIL(l, -EINVAL, "%s: record %llu outside the %llu-byte %s section", what,
		      (unsigned long long)i, (unsigned long long)l->sect[type].size,
		      sect_names[type]);
	memcpy(out, sect_ptr(l, type) + i * size, size);
	return 0;
}

/* A NUL-terminated string at @off in STRINGS. */
static int string_at(const struct ld *l, uint32_t off, const char **s, const char *what)
{
	const char *base = (const char *)sect_ptr(l, NPU_MF_SECT_STRINGS);
	uint64_t size = l->sect[NPU_MF_SECT_STRINGS].size;

	if (off >= size)
		LFAIL(l, -EINVAL, "%s: string offset %u outside the %llu-byte STRINGS section",
		      what, off, (unsigned long long)size);
	if (!memchr(base + off, 0, size - off))
		LFAIL(l, -EINVAL, "%s: string at offset %u is not NUL-terminated", what, off);
	*s = base + off;
	return 0;
}

/* @n int32 indices starting at entry @first of INDICES, copied to *out. */
static int indices(const struct ld *l, uint32_t first, uint32_t n, int32_t **out,
		   const char *what)
{
	if ((uint64_t)first + n > l->num_indices)
		LFAIL(l, -EINVAL, "%s: indices %u..%llu outside the INDICES section (%llu entries)",
		      what, first, (unsigned long long)first + n, (unsigned long long)l->num_indices);
	*out = malloc(n ? n * 4ull : 4);
	if (!*out)
		LFAIL(l, -ENOMEM, "out of memory");
	memcpy(*out, sect_ptr(l, NPU_MF_SECT_INDICES) + 4ull * first, 4ull * n);
	return 0;
}

static int check_header(struct ld *l)
{
	struct npu_mf_header h;
	uint8_t tmp[sizeof(h)];
	uint32_t crc;

	if (l->len < sizeof(h))
		LFAIL(l, -EINVAL, "file is truncated: %zu bytes is smaller than the %zu-byte header",
		      l->len, sizeof(h));
	memcpy(&h, l->data, sizeof(h));
	if (memcmp(h.magic, NPU_MF_MAGIC, 8))
		LFAIL(l, -EINVAL, "bad magic: not a compiled NPU model (.npu)");
	if (h.version_major != NPU_MF_VERSION_MAJOR)
		LFAIL(l, -ENOTSUP, "format version %u.%u is not supported (this library reads %u.x)",
		      h.version_major, h.version_minor, NPU_MF_VERSION_MAJOR);
	if (h.header_size != sizeof(h))
		LFAIL(l, -EINVAL, "header size %u, expected %zu", h.header_size, sizeof(h));
	if (h.file_size != l->len)
		LFAIL(l, -EINVAL, "file is %zu bytes but its header says %llu (truncated?)", l->len,
		      (unsigned long long)h.file_size);
	if (h.flags || h.reserved)
		LFAIL(l, -EINVAL, "reserved header fields are not zero");
	l->relocs = h.version_minor < 4;
	if (h.cs_version != NPU_CS_VERSION)
		LFAIL(l, -ENOTSUP, "command streams are version %u, this library speaks %u",
		      h.cs_version, NPU_CS_VERSION);
	/* CRC with the crc field as zero, on a copy of the header only. */
	memcpy(tmp, &h, sizeof(h));
	memset(tmp + offsetof(struct npu_mf_header, crc32), 0, 4);
	crc = file_crc32(0, tmp, sizeof(h));
	crc = file_crc32(crc, l->data + sizeof(h), l->len - sizeof(h));
	if (crc != h.crc32)
		LFAIL(l, -EBADMSG, "checksum mismatch: file has CRC %08x, contents give %08x (damaged)",
		      h.crc32, crc);

	if (h.num_sections > 64 || h.section_table_offset < sizeof(h) ||
	    h.section_table_offset > l->len ||
	    (uint64_t)h.num_sections * sizeof(struct npu_mf_section) > l->len - h.section_table_offset)
		LFAIL(l, -EINVAL, "section table (%u entries at %llu) lies outside the file",
		      h.num_sections, (unsigned long long)h.section_table_offset);
	for (uint32_t i = 0; i < h.num_sections; i++) {
		struct npu_mf_section s;
		uint64_t align;

		memcpy(&s, l->data + h.section_table_offset + i * sizeof(s), sizeof(s));
		if (s.type == 0 || s.type >= NPU_MF_SECT_COUNT)
			LFAIL(l, -EINVAL, "section %u has unknown type %u", i, s.type);
		if (l->have[s.type])
			LFAIL(l, -EINVAL, "section %s appears twice", sect_names[s.type]);
		if (s.flags)
			LFAIL(l, -EINVAL, "section %s has non-zero flags", sect_names[s.type]);
		align = s.type == NPU_MF_SECT_WEIGHTS ? NPU_MF_WEIGHTS_ALIGN : NPU_MF_SECTION_ALIGN;
		if (s.offset % align)
			LFAIL(l, -EINVAL, "section %s at offset %llu is not %llu-byte aligned",
			      sect_names[s.type], (unsigned long long)s.offset,
			      (unsigned long long)align);
		if (s.offset > l->len || s.size > l->len - s.offset)
			LFAIL(l, -EINVAL, "section %s (%llu bytes at %llu) runs past the end of the %zu-byte file",
			      sect_names[s.type], (unsigned long long)s.size,
			      (unsigned long long)s.offset, l->len);
		if (s.offset < h.section_table_offset + h.num_sections * sizeof(s))
			LFAIL(l, -EINVAL, "section %s overlaps the header or section table",
			      sect_names[s.type]);
		l->sect[s.type] = s;
		l->have[s.type] = true;
	}
	/* No two sections overlap. */
	for (uint32_t a = 1; a < NPU_MF_SECT_COUNT; a++)
		for (uint32_t b = a + 1; b < NPU_MF_SECT_COUNT; b++) {
			const struct npu_mf_section *x = &l->sect[a], *y = &l->sect[b];

			if (x->size && y->size && x->offset < y->offset + y->size &&
			    y->offset < x->offset + x->size)
				LFAIL(l, -EINVAL, "sections %s and %s overlap", sect_names[a],
				      sect_names[b]);
		}
	if (!l->have[NPU_MF_SECT_MODEL] || l->sect[NPU_MF_SECT_MODEL].size != sizeof(l->info))
		LFAIL(l, -EINVAL, "MODEL section missing or of the wrong size");
	if (!l->have[NPU_MF_SECT_STRINGS] || !l->sect[NPU_MF_SECT_STRINGS].size)
		LFAIL(l, -EINVAL, "STRINGS section missing");
	memcpy(&l->info, sect_ptr(l, NPU_MF_SECT_MODEL), sizeof(l->info));
	l->num_indices = l->sect[NPU_MF_SECT_INDICES].size / 4;
	l->num_quant = l->sect[NPU_MF_SECT_QUANT].size / 8;
	if (l->sect[NPU_MF_SECT_QUANT].size % 8 || l->sect[NPU_MF_SECT_INDICES].size % 4)
		LFAIL(l, -EINVAL, "QUANT or INDICES section size is not a whole number of entries");
	if (l->info.weights_size != l->sect[NPU_MF_SECT_WEIGHTS].size)
		LFAIL(l, -EINVAL, "model says %llu bytes of weights, WEIGHTS section has %llu",
		      (unsigned long long)l->info.weights_size,
		      (unsigned long long)l->sect[NPU_MF_SECT_WEIGHTS].size);
#define COUNT_CHECK(field, type, rec)						\
	if ((uint64_t)l->info.field * sizeof(rec) != l->sect[type].size)	\
		LFAIL(l, -EINVAL, "model has %u " #field " but the %s section holds %llu bytes", \
		      l->info.field, sect_names[type], (unsigned long long)l->sect[type].size)
	COUNT_CHECK(num_tensors, NPU_MF_SECT_TENSORS, struct npu_mf_tensor);
	COUNT_CHECK(num_ops, NPU_MF_SECT_OPS, struct npu_mf_op);
	COUNT_CHECK(num_segments, NPU_MF_SECT_SEGMENTS, struct npu_mf_segment);
	COUNT_CHECK(num_relocs, NPU_MF_SECT_RELOCS, struct npu_mf_reloc);
#undef COUNT_CHECK
	if (!l->relocs && (l->info.num_relocs || l->have[NPU_MF_SECT_RELOCS]))
		LFAIL(l, -EINVAL, "a version 1.4 file has no relocations (RELOCS section or num_relocs %u)",
		      l->info.num_relocs);
	return 0;
}

static int load_tensor(struct ld *l, struct npu_compiled_model *m, uint32_t i)
{
	struct npu_graph_tensor *t = &m->graph->tensors[i];
	struct npu_mf_tensor r;
	const char *name;
	char what[48];
	uint64_t elems = 1;
	int ret;

	snprintf(what, sizeof(what), "tensor %u", i);
	ret = record(l, NPU_MF_SECT_TENSORS, i, sizeof(r), &r, what);
	if (!ret)
		ret = string_at(l, r.name, &name, what);
	if (ret)
		return ret;
	t->name = strdup(name);
	if (!t->name)
		LFAIL(l, -ENOMEM, "out of memory");
	t->type = (enum npu_type)r.type;
	if (!npu_type_size(t->type))
		LFAIL(l, -EINVAL, "tensor %u ('%s'): unknown type %u", i, name, r.type);
	if (r.rank > NPU_GRAPH_MAX_DIMS || r.reserved0 || r.reserved1 || r.is_variable > 1)
		LFAIL(l, -EINVAL, "tensor %u ('%s'): invalid rank %u or reserved fields", i, name,
		      r.rank);
	t->rank = r.rank;
	t->is_variable = r.is_variable;
	for (int d = 0; d < NPU_GRAPH_MAX_DIMS; d++) {
		if (d >= r.rank) {
			if (r.shape[d])
				LFAIL(l, -EINVAL, "tensor %u ('%s'): shape entries past rank not zero", i,
				      name);
			continue;
		}
		if (r.shape[d] < 0)
			LFAIL(l, -EINVAL, "tensor %u ('%s'): negative dimension", i, name);
		t->shape[d] = r.shape[d];
		elems *= (uint64_t)r.shape[d];
		if (elems * npu_type_size(t->type) > (1ull << 31))
			LFAIL(l, -EINVAL, "tensor %u ('%s'): shape is too large", i, name);
	}
	t->elements = (size_t)elems;
	t->bytes = (size_t)elems * npu_type_size(t->type);

	if (r.quant_count) {
		const uint8_t *q = sect_ptr(l, NPU_MF_SECT_QUANT);

		if ((uint64_t)r.quant_index + r.quant_count > l->num_quant)
			LFAIL(l, -EINVAL, "tensor %u ('%s'): quantization entries %u+%u outside QUANT",
			      i, name, r.quant_index, r.quant_count);
		if (r.quant_count > 1 && (r.quantized_dimension < 0 || r.quantized_dimension >= t->rank ||
					  (uint32_t)t->shape[r.quantized_dimension] != r.quant_count))
			LFAIL(l, -EINVAL, "tensor %u ('%s'): per-channel quantization does not match its shape",
			      i, name);
		t->quant.scale = malloc(4ull * r.quant_count);
		t->quant.zero_point = malloc(4ull * r.quant_count);
		if (!t->quant.scale || !t->quant.zero_point)
			LFAIL(l, -ENOMEM, "out of memory");
		t->quant.count = r.quant_count;
		memcpy(t->quant.scale, q + 4ull * r.quant_index, 4ull * r.quant_count);
		memcpy(t->quant.zero_point, q + 4ull * l->num_quant + 4ull * r.quant_index,
		       4ull * r.quant_count);
	}
	t->quant.quantized_dimension = r.quantized_dimension;

	m->tensor_weights_offset[i] = r.data_offset;
	m->tensor_arena_offset[i] = r.arena_offset;
	if (r.data_offset != NPU_MF_NONE) {
		if (r.data_size != t->bytes)
			LFAIL(l, -EINVAL, "tensor %u ('%s'): constant of %llu bytes but its shape needs %zu",
			      i, name, (unsigned long long)r.data_size, t->bytes);
		if (r.data_offset % NPU_MF_BLOB_ALIGN || r.data_offset > l->info.weights_size ||
		    r.data_size > l->info.weights_size - r.data_offset)
			LFAIL(l, -EINVAL, "tensor %u ('%s'): constant data at %llu+%llu outside WEIGHTS",
			      i, name, (unsigned long long)r.data_offset,
			      (unsigned long long)r.data_size);
		if (posix_memalign(&t->data, 64, r.data_size ? r.data_size : 1))
			LFAIL(l, -ENOMEM, "out of memory");
		memcpy(t->data, sect_ptr(l, NPU_MF_SECT_WEIGHTS) + r.data_offset, r.data_size);
		t->data_size = r.data_size;
	} else if (r.data_size) {
		LFAIL(l, -EINVAL, "tensor %u ('%s'): data size without data", i, name);
	}
	if (r.arena_offset != NPU_MF_NONE &&
	    (r.arena_offset > l->info.arena_size || t->bytes > l->info.arena_size - r.arena_offset))
		LFAIL(l, -EINVAL, "tensor %u ('%s'): arena offset %llu + %zu bytes outside the %llu-byte arena",
		      i, name, (unsigned long long)r.arena_offset, t->bytes,
		      (unsigned long long)l->info.arena_size);
	return 0;
}

static int load_op(struct ld *l, struct npu_compiled_model *m, uint32_t i)
{
	struct npu_graph_op *op = &m->graph->ops[i];
	struct npu_mf_op r;
	char what[48];
	const char *s;
	int ret;

	snprintf(what, sizeof(what), "op %u", i);
	ret = record(l, NPU_MF_SECT_OPS, i, sizeof(r), &r, what);
	if (ret)
		return ret;
	op->builtin = r.builtin;
	op->version = r.version;
	if (r.builtin < 0 || r.version < 1 || r.options_kind > NPU_OPTS_LRN)
		LFAIL(l, -EINVAL, "op %u: invalid builtin %d, version %d or options kind %u", i,
		      r.builtin, r.version, r.options_kind);
	/*
	 * A source number may exceed the op count: ops the compiler folded
	 * away (a DEQUANTIZE of a constant, a SHAPE) leave gaps in the
	 * source model's numbering.  Only a repeat is wrong (check_op_source()).
	 */
	if (r.source && !m->graph->op_source) {
		m->graph->op_source = malloc((l->info.num_ops + 1) * sizeof(uint32_t));
		if (!m->graph->op_source)
			LFAIL(l, -ENOMEM, "out of memory");
		for (uint32_t k = 0; k < l->info.num_ops; k++)
			m->graph->op_source[k] = k;
	}
	if (r.source)
		m->graph->op_source[i] = r.source - 1;
	op->options_kind = (enum npu_options_kind)r.options_kind;
	m->op_cost[i] = (struct npu_op_cost){
		.cycles = r.cycles, .macs = r.macs, .dram_read_bytes = r.dram_read_bytes,
		.dram_write_bytes = r.dram_write_bytes, .sram_peak = r.sram_peak,
		.num_commands = r.num_commands,
	};
	op->options = r.options;
	ret = indices(l, r.inputs_index, r.num_inputs, &op->inputs, what);
	if (!ret)
		op->num_inputs = r.num_inputs;
	if (!ret)
		ret = indices(l, r.outputs_index, r.num_outputs, &op->outputs, what);
	if (!ret)
		op->num_outputs = r.num_outputs;
	if (!ret && r.num_intermediates) {
		ret = indices(l, r.outputs_index + r.num_outputs, r.num_intermediates,
			      &op->intermediates, what);
		if (!ret)
			op->num_intermediates = r.num_intermediates;
	}
	if (ret)
		return ret;
	if (r.builtin == NPU_BUILTIN_CUSTOM) {
		ret = string_at(l, r.custom_name, &s, what);
		if (ret)
			return ret;
		op->custom_name = strdup(s);
		if (!op->custom_name)
			LFAIL(l, -ENOMEM, "out of memory");
	}
	if (r.custom_options_offset != NPU_MF_NONE) {
		uint64_t size = l->sect[NPU_MF_SECT_BLOBS].size;

		if (r.custom_options_offset > size || r.custom_options_size > size - r.custom_options_offset)
			LFAIL(l, -EINVAL, "op %u: custom options outside the BLOBS section", i);
		op->custom_options = malloc(r.custom_options_size ? r.custom_options_size : 1);
		if (!op->custom_options)
			LFAIL(l, -ENOMEM, "out of memory");
		memcpy(op->custom_options, sect_ptr(l, NPU_MF_SECT_BLOBS) + r.custom_options_offset,
		       r.custom_options_size);
		op->custom_options_size = r.custom_options_size;
	}
	if (r.placement == NPU_MF_PLACEMENT_CPU) {
		m->op_segment[i] = -1;
		ret = string_at(l, r.reason, &s, what);
		if (ret)
			return ret;
		m->op_reason[i] = strdup(s);
		if (!m->op_reason[i])
			LFAIL(l, -ENOMEM, "out of memory");
	} else {
		if (r.placement >= l->info.num_segments)
			LFAIL(l, -EINVAL, "op %u: placed in segment %u but the model has %u", i,
			      r.placement, l->info.num_segments);
		m->op_segment[i] = (int32_t)r.placement;
		ret = string_at(l, r.reason, &s, what);
		if (ret)
			return ret;
		if (*s) {
			m->op_reason[i] = strdup(s);
			if (!m->op_reason[i])
				LFAIL(l, -ENOMEM, "out of memory");
		}
	}
	return 0;
}

static int cmp_source(const void *a, const void *b)
{
	const uint32_t *x = a, *y = b;

	return (x[0] > y[0]) - (x[0] < y[0]);
}

/*
 * The ops' source indices (1.3) number each op of the source once; they
 * may skip numbers (folded ops), so they are sorted, not counted.
 */
static int check_op_source(struct ld *l, const struct npu_graph *g)
{
	uint32_t (*v)[2] = malloc((size_t)g->num_ops * sizeof(*v));
	int ret = 0;

	if (!v && g->num_ops)
		LFAIL(l, -ENOMEM, "out of memory");
	for (uint32_t i = 0; i < g->num_ops; i++) {
		v[i][0] = g->op_source[i];
		v[i][1] = i;
	}
	if (g->num_ops)
		qsort(v, g->num_ops, sizeof(*v), cmp_source);
	for (uint32_t i = 1; i < g->num_ops && !ret; i++) {
		if (v[i][0] == v[i - 1][0])
			ret = npu_fail(l->err, l->errlen, -EINVAL, "op %u: source op %u numbers two ops",
				       v[i][1] > v[i - 1][1] ? v[i][1] : v[i - 1][1], v[i][0]);
	}
	free(v);
	return ret;
}

/*
 * A segment's relocations (files before 1.4), checked as 1.3 loaders did, written
 * into its stream as the region addresses a 1.4 compile gives: the weights in
 * NPU_REGION_CONST (an encoded filter included: every firmware with
 * regions decodes it), graph inputs and outputs in I/O regions of their
 * own, other activations in NPU_REGION_ARENA.
 */
static int apply_relocs(struct ld *l, struct npu_compiled_model *m, uint32_t k,
			const struct npu_mf_segment *r)
{
	struct npu_segment *s = &m->segments[k];
	const struct npu_graph *g = m->graph;
	int32_t io[NPU_CS_MAX_REGIONS - NPU_REGION_IO_FIRST];

	if ((uint64_t)r->io_index + r->num_io > l->info.num_relocs)
		LFAIL(l, -EINVAL, "segment %u: relocations %u+%u outside the %u relocations", k,
		      r->io_index, r->num_io, l->info.num_relocs);
	for (uint32_t j = 0; j < r->num_io; j++) {
		struct npu_mf_reloc rl;
		uint64_t field, addr = 0;
		bool io_tensor = false;

		memcpy(&rl, sect_ptr(l, NPU_MF_SECT_RELOCS) + (uint64_t)(r->io_index + j) * sizeof(rl),
		       sizeof(rl));
		if (rl.offset % 4 || rl.offset < 4 || (uint64_t)rl.offset + 8 > s->stream_size)
			LFAIL(l, -EINVAL, "segment %u: relocation %u at offset %u is outside its %u-byte stream",
			      k, j, rl.offset, s->stream_size);
		memcpy(&field, s->stream + rl.offset, 8);
		if (field)
			LFAIL(l, -EINVAL, "segment %u: relocation %u targets a non-zero field", k, j);
		if (rl.reserved)
			LFAIL(l, -EINVAL, "segment %u: relocation %u has reserved bits set", k, j);
		if (rl.kind == NPU_MF_RELOC_WEIGHTS) {
			if (rl.index != -1 || rl.addend >= l->info.weights_size)
				LFAIL(l, -EINVAL, "segment %u: relocation %u points outside the %llu bytes of weights",
				      k, j, (unsigned long long)l->info.weights_size);
			addr = NPU_ADDR(NPU_REGION_CONST, rl.addend);
		} else if (rl.kind == NPU_MF_RELOC_WEIGHTS_ENCODED) {
			if (rl.addend >= l->info.weights_size || rl.index < 0 ||
			    (uint32_t)rl.index >= l->info.num_tensors ||
			    m->tensor_weights_offset[rl.index] == NPU_MF_NONE)
				LFAIL(l, -EINVAL, "segment %u: relocation %u: encoded weights outside the weights or tensor %d without constant data",
				      k, j, rl.index);
			addr = NPU_ADDR(NPU_REGION_CONST, rl.addend);
		} else if (rl.kind == NPU_MF_RELOC_TENSOR) {
			if (rl.index < 0 || (uint32_t)rl.index >= l->info.num_tensors)
				LFAIL(l, -EINVAL, "segment %u: relocation %u names tensor %d of %u", k, j,
				      rl.index, l->info.num_tensors);
			if (m->tensor_arena_offset[rl.index] == NPU_MF_NONE ||
			    rl.addend >= g->tensors[rl.index].bytes + 1)
				LFAIL(l, -EINVAL, "segment %u: relocation %u: tensor %d has no arena place or addend %llu is past it",
				      k, j, rl.index, (unsigned long long)rl.addend);
			for (uint32_t i = 0; i < g->num_inputs; i++)
				io_tensor |= g->inputs[i] == rl.index;
			for (uint32_t i = 0; i < g->num_outputs; i++)
				io_tensor |= g->outputs[i] == rl.index;
			if (io_tensor) {
				uint32_t n;

				for (n = 0; n < s->num_io && io[n] != rl.index; n++)
					;
				if (n == s->num_io && n < NPU_CS_MAX_REGIONS - NPU_REGION_IO_FIRST)
					io[s->num_io++] = rl.index;
				io_tensor = n < s->num_io;
				addr = NPU_ADDR(NPU_REGION_IO_FIRST + n, rl.addend);
			}
			if (!io_tensor)
				addr = NPU_ADDR(NPU_REGION_ARENA,
						m->tensor_arena_offset[rl.index] + rl.addend);
		} else {
			LFAIL(l, -EINVAL, "segment %u: relocation %u has unknown kind %u", k, j, rl.kind);
		}
		memcpy(s->stream + rl.offset, &addr, 8);
	}
	memcpy(s->io_tensors, io, s->num_io * sizeof(*io));
	return 0;
}

/*
 * The stream of segment @k against the regions the runtime will bind: the
 * firmware's validator measures what it touches in each (the sizes the
 * kernel checks at submit); the weights are read-only.
 */
static int check_regions(struct ld *l, const struct npu_compiled_model *m, uint32_t k)
{
	const struct npu_segment *s = &m->segments[k];
	struct npu_fw_region_use use;
	struct npu_fw_verror verr = { 0 };

	if (npu_fw_validate_regions(s->stream, s->stream_size, &use, &verr))
		LFAIL(l, -EINVAL, "segment %u: command stream rejected at command %u (offset %u): %s",
		      k, verr.cmd_index, verr.offset, verr.reason ? verr.reason : "invalid");
	if (use.write & (1u << NPU_REGION_CONST))
		LFAIL(l, -EINVAL, "segment %u: the stream writes the weights (region %u)", k,
		      NPU_REGION_CONST);
	for (uint32_t r = 1; r < NPU_CS_MAX_REGIONS; r++) {
		uint64_t have;

		if (!(use.used & (1u << r)))
			continue;
		if (r == NPU_REGION_CONST)
			have = m->weights_size;
		else if (r == NPU_REGION_ARENA)
			have = m->arena_size;
		else if (r - NPU_REGION_IO_FIRST < s->num_io)
			have = m->graph->tensors[s->io_tensors[r - NPU_REGION_IO_FIRST]].bytes;
		else
			LFAIL(l, -EINVAL, "segment %u: the stream addresses region %u, which the segment does not bind",
			      k, r);
		if (use.size[r] > have)
			LFAIL(l, -EINVAL, "segment %u: the stream reaches byte %llu of region %u, which has %llu",
			      k, (unsigned long long)use.size[r], r, (unsigned long long)have);
	}
	return 0;
}

static int load_segment(struct ld *l, struct npu_compiled_model *m, uint32_t k)
{
	struct npu_segment *s = &m->segments[k];
	const struct npu_graph *g = m->graph;
	struct npu_mf_segment r;
	const uint8_t *stream;
	char what[48];
	int ret;

	snprintf(what, sizeof(what), "segment %u", k);
	ret = record(l, NPU_MF_SECT_SEGMENTS, k, sizeof(r), &r, what);
	if (ret)
		return ret;
	if (!r.num_ops || r.first_op > l->info.num_ops || r.num_ops > l->info.num_ops - r.first_op)
		LFAIL(l, -EINVAL, "segment %u: ops %u+%u outside the %u ops", k, r.first_op, r.num_ops,
		      l->info.num_ops);
	/* Ops outside the range are checked once for all segments (npu_model_load). */
	for (uint32_t i = r.first_op; i < r.first_op + r.num_ops; i++) {
		if (m->op_segment[i] != (int32_t)k)
			LFAIL(l, -EINVAL, "segment %u: op %u placement disagrees with the segment's op range",
			      k, i);
	}
	if (r.stream_offset % NPU_MF_BLOB_ALIGN || r.stream_offset > l->sect[NPU_MF_SECT_STREAMS].size ||
	    r.stream_size > l->sect[NPU_MF_SECT_STREAMS].size - r.stream_offset ||
	    r.stream_size > NPU_LIMIT_STREAM_BYTES || r.stream_size % 4 || !r.stream_size)
		LFAIL(l, -EINVAL, "segment %u: command stream %llu+%u outside the STREAMS section", k,
		      (unsigned long long)r.stream_offset, r.stream_size);
	stream = sect_ptr(l, NPU_MF_SECT_STREAMS) + r.stream_offset;
	s->stream = malloc(r.stream_size);
	s->io_tensors = malloc((NPU_CS_MAX_REGIONS - NPU_REGION_IO_FIRST) * sizeof(*s->io_tensors));
	if (!s->stream || !s->io_tensors)
		LFAIL(l, -ENOMEM, "out of memory");
	memcpy(s->stream, stream, r.stream_size);
	s->first_op = r.first_op;
	s->num_ops = r.num_ops;
	s->stream_size = r.stream_size;
	s->num_commands = r.num_commands;
	s->cycles = r.cycles;
	s->macs = r.macs;
	s->dram_read_bytes = r.dram_read_bytes;
	s->dram_write_bytes = r.dram_write_bytes;
	s->sram_peak = r.sram_peak;

	if (l->relocs) {
		ret = apply_relocs(l, m, k, &r);
		if (ret)
			return ret;
	} else {
		int32_t *io;

		if (r.num_io > NPU_CS_MAX_REGIONS - NPU_REGION_IO_FIRST)
			LFAIL(l, -EINVAL, "segment %u: %u I/O regions, at most %u", k, r.num_io,
			      NPU_CS_MAX_REGIONS - NPU_REGION_IO_FIRST);
		ret = indices(l, r.io_index, r.num_io, &io, what);
		if (ret)
			return ret;
		memcpy(s->io_tensors, io, r.num_io * sizeof(*io));
		free(io);
		s->num_io = r.num_io;
	}
	/* An I/O region is a graph input or output with its place in the arena. */
	for (uint32_t j = 0; j < s->num_io; j++) {
		const int32_t t = s->io_tensors[j];
		bool io_tensor = false;

		for (uint32_t i = 0; t >= 0 && (uint32_t)t < g->num_tensors && i < g->num_inputs; i++)
			io_tensor |= g->inputs[i] == t;
		for (uint32_t i = 0; t >= 0 && (uint32_t)t < g->num_tensors && i < g->num_outputs; i++)
			io_tensor |= g->outputs[i] == t;
		for (uint32_t i = 0; i < j; i++)
			io_tensor &= s->io_tensors[i] != t;
		if (!io_tensor || m->tensor_arena_offset[t] == NPU_MF_NONE)
			LFAIL(l, -EINVAL, "segment %u: region %u is tensor %d, not a graph input or output of its own with a place in the arena",
			      k, NPU_REGION_IO_FIRST + j, t);
	}
	return check_regions(l, m, k);
}

/*
 * The arena plan is re-derived, not trusted: offsets that alias live
 * tensors would silently give wrong results, a huge arena_size would be
 * allocated as given, and a misaligned offset makes int16/int32 accesses
 * misaligned.  The planner is deterministic, so every activation's offset
 * and the arena size must be exactly what it computes for this graph.
 */
static int check_arena_plan(struct ld *l, struct npu_compiled_model *m)
{
	const struct npu_graph *g = m->graph;
	uint64_t *plan = malloc((g->num_tensors + 1) * sizeof(uint64_t));
	uint64_t size;
	int ret = -ENOMEM;

	if (!plan || npu_arena_plan(g, plan, &size, &m->activation_bytes, &m->peak_live_bytes)) {
		npu_fail(l->err, l->errlen, ret, "out of memory");
		goto out;
	}
	ret = -EINVAL;
	for (uint32_t t = 0; t < g->num_tensors; t++) {
		if (plan[t] == NPU_MF_NONE || m->tensor_arena_offset[t] == plan[t])
			continue;
		if (m->tensor_arena_offset[t] == NPU_MF_NONE)
			npu_fail(l->err, l->errlen, ret, "tensor %u ('%s'): no arena offset, the arena plan places it at %llu",
				 t, g->tensors[t].name, (unsigned long long)plan[t]);
		else
			npu_fail(l->err, l->errlen, ret, "tensor %u ('%s'): arena offset %llu, the arena plan of this graph gives %llu (aliased or misplaced activations)",
				 t, g->tensors[t].name,
				 (unsigned long long)m->tensor_arena_offset[t],
				 (unsigned long long)plan[t]);
		goto out;
	}
	if (m->arena_size != size) {
		npu_fail(l->err, l->errlen, ret, "arena_size is %llu bytes, the arena plan of this graph needs %llu",
			 (unsigned long long)m->arena_size, (unsigned long long)size);
		goto out;
	}
	ret = 0;
out:
	free(plan);
	return ret;
}

/*
 * Ops placed on the CPU are prepared as the executor will (the NPU ones
 * were checked through their command streams, and their builtin is one
 * with a lowering): a file whose CPU ops
 * cannot run is refused now, not at the first inference.  An op without a
 * built-in CPU kernel stays acceptable (an application may register one).
 */
static int check_cpu_ops(struct ld *l, struct npu_compiled_model *m)
{
	char why[256];

	for (uint32_t i = 0; i < m->num_ops; i++) {
		const struct npu_graph_op *op = &m->graph->ops[i];
		int ret;

		if (m->op_segment[i] >= 0) {
			/*
			 * The streams say what the device runs, the builtin what
			 * a CPU-only run (npu-run --cpu) runs instead: it must be
			 * one the compiler places on the NPU.
			 */
			if (!npu_builtin_npu_capable(op->builtin))
				return npu_fail(l->err, l->errlen, -EINVAL,
						"op %u (%s): in NPU segment %d, but builtin %d is never placed on the NPU",
						i, npu_op_name(op->builtin), m->op_segment[i],
						op->builtin);
			/*
			 * What was lowered to commands runs on the CPU as the
			 * same commands: options the lowering refuses (an
			 * unknown activation, a weights format) mean the op
			 * does not match its streams.
			 */
			why[0] = 0;
			ret = npu_cpu_check_op(m->graph, op, why, sizeof(why));
			if (ret)
				return npu_fail(l->err, l->errlen, -EINVAL,
						"op %u (%s): in NPU segment %d, but its CPU form is refused: %s",
						i, npu_op_name(op->builtin), m->op_segment[i],
						why[0] ? why : strerror(-ret));
			continue;
		}
		why[0] = 0;
		ret = npu_cpu_check_op(m->graph, op, why, sizeof(why));
		if (ret && ret != -ENOTSUP) {
			return npu_fail(l->err, l->errlen, ret, "op %u (%s): %s", i, npu_op_name(op->builtin),
					why[0] ? why : strerror(-ret));
		}
	}
	return 0;
}

static int load_image(const void *buf, size_t len, struct npu_compiled_model **out, char *err,
		      size_t errlen, bool nested);

/*
 * 1.5: the SUBGRAPHS section's images, loaded (checked as any file, but
 * without subgraphs of their own) into g->subgraphs.  What the control
 * flow ops ask of them is npu_graph_validate()'s.
 */
static int load_subgraphs(struct ld *l, struct npu_graph *g)
{
	const struct npu_mf_section *sec = &l->sect[NPU_MF_SECT_SUBGRAPHS];
	const uint8_t *base = sect_ptr(l, NPU_MF_SECT_SUBGRAPHS);
	struct npu_mf_subgraphs head;
	const uint8_t *entries = base + sizeof(head);
	uint64_t n, table_end;
	char msg[256];

	if (!l->have[NPU_MF_SECT_SUBGRAPHS])
		return 0;
	if (l->nested)
		LFAIL(l, -EINVAL, "subgraph image has a SUBGRAPHS section of its own");
	if (sec->size < sizeof(head))
		LFAIL(l, -EINVAL, "SUBGRAPHS section of %llu bytes has no header",
		      (unsigned long long)sec->size);
	memcpy(&head, base, sizeof(head));
	n = head.num_subgraphs;
	table_end = sizeof(head) + n * sizeof(struct npu_mf_subgraph);
	if (!n || n > NPU_GRAPH_MAX_SUBGRAPHS || head.reserved || table_end > sec->size)
		LFAIL(l, -EINVAL, "SUBGRAPHS section of %llu bytes: %llu entries (1 to %u expected, reserved zero, inside the section)",
		      (unsigned long long)sec->size, (unsigned long long)n, NPU_GRAPH_MAX_SUBGRAPHS);
	g->subgraphs = calloc(n, sizeof(*g->subgraphs));
	if (!g->subgraphs)
		LFAIL(l, -ENOMEM, "out of memory");
	g->num_subgraphs = (uint32_t)n;
	for (uint32_t k = 0; k < n; k++) {
		struct npu_compiled_model *sub;
		struct npu_mf_subgraph e;
		int ret;

		memcpy(&e, entries + k * sizeof(e), sizeof(e));
		if (!e.size)
			continue;
		if (k == 0 || e.offset % NPU_MF_BLOB_ALIGN || e.offset < table_end ||
		    e.offset > sec->size || e.size > sec->size - e.offset)
			LFAIL(l, -EINVAL, "subgraph %u: image of %llu bytes at %llu is not inside the SUBGRAPHS section after its table (or is entry 0)",
			      k, (unsigned long long)e.size, (unsigned long long)e.offset);
		ret = load_image(base + e.offset, e.size, &sub, msg, sizeof(msg), true);
		if (ret)
			LFAIL(l, ret, "subgraph %u: %s", k, msg);
		g->subgraphs[k] = sub->graph;
		sub->graph = NULL;
		npu_compiled_model_free(sub);
	}
	return 0;
}

int npu_model_load(const void *buf, size_t len, struct npu_compiled_model **out, char *err,
		   size_t errlen)
{
	return load_image(buf, len, out, err, errlen, false);
}

static int load_image(const void *buf, size_t len, struct npu_compiled_model **out, char *err,
		      size_t errlen, bool nested)
{
	struct ld l = { .data = buf, .len = len, .err = err, .errlen = errlen, .nested = nested };
	struct npu_compiled_model *m;
	struct npu_graph *g;
	int ret;

	*out = NULL;
	if (err && errlen)
		err[0] = 0;
	if (!buf)
		LFAIL(&l, -EINVAL, "no model data");
	ret = check_header(&l);
	if (ret)
		return ret;
	if (l.info.num_tensors > NPU_GRAPH_MAX_TENSORS || l.info.num_ops > NPU_GRAPH_MAX_OPS ||
	    l.info.num_segments > l.info.num_ops)
		LFAIL(&l, -EINVAL, "model has %u tensors, %u ops, %u segments: outside the supported limits",
		      l.info.num_tensors, l.info.num_ops, l.info.num_segments);
	m = calloc(1, sizeof(*m));
	g = calloc(1, sizeof(*g));
	if (!m || !g) {
		free(m);
		free(g);
		LFAIL(&l, -ENOMEM, "out of memory");
	}
	m->graph = g;
	g->tensors = calloc(l.info.num_tensors + 1, sizeof(*g->tensors));
	g->ops = calloc(l.info.num_ops + 1, sizeof(*g->ops));
	m->num_ops = l.info.num_ops;
	m->op_segment = calloc(l.info.num_ops + 1, sizeof(*m->op_segment));
	m->op_reason = calloc(l.info.num_ops + 1, sizeof(*m->op_reason));
	m->op_cost = calloc(l.info.num_ops + 1, sizeof(*m->op_cost));
	m->tensor_weights_offset = calloc(l.info.num_tensors + 1, sizeof(uint64_t));
	m->tensor_arena_offset = calloc(l.info.num_tensors + 1, sizeof(uint64_t));
	m->segments = calloc(l.info.num_segments + 1, sizeof(*m->segments));
	m->weights = malloc(l.info.weights_size ? l.info.weights_size : 1);
	if (!g->tensors || !g->ops || !m->op_segment || !m->op_reason || !m->op_cost ||
	    !m->tensor_weights_offset || !m->tensor_arena_offset || !m->segments || !m->weights) {
		npu_compiled_model_free(m);
		LFAIL(&l, -ENOMEM, "out of memory");
	}
	g->num_tensors = l.info.num_tensors;
	g->num_ops = l.info.num_ops;
	m->num_segments = l.info.num_segments;
	m->arena_size = l.info.arena_size;
	m->weights_size = l.info.weights_size;
	memcpy(m->weights, sect_ptr(&l, NPU_MF_SECT_WEIGHTS), l.info.weights_size);
	{
		struct npu_mf_header h;

		memcpy(&h, buf, sizeof(h));
		m->source_hash = h.source_hash;
	}

	ret = indices(&l, l.info.inputs_index, l.info.num_inputs, &g->inputs, "graph inputs");
	if (!ret)
		g->num_inputs = l.info.num_inputs;
	if (!ret)
		ret = indices(&l, l.info.outputs_index, l.info.num_outputs, &g->outputs,
			      "graph outputs");
	if (!ret)
		g->num_outputs = l.info.num_outputs;
	for (uint32_t i = 0; i < g->num_tensors && !ret; i++)
		ret = load_tensor(&l, m, i);
	for (uint32_t i = 0; i < g->num_ops && !ret; i++)
		ret = load_op(&l, m, i);
	if (!ret && g->op_source)
		ret = check_op_source(&l, g);
	if (!ret)
		ret = load_subgraphs(&l, g);
	if (!ret)
		ret = nested ? npu_graph_validate_flat(g, err, errlen) :
			       npu_graph_validate(g, err, errlen);
	for (uint32_t k = 0; k < m->num_segments && !ret; k++)
		ret = load_segment(&l, m, k);
	/* An NPU op lies inside the range of the segment it names. */
	for (uint32_t i = 0; i < g->num_ops && !ret; i++) {
		int32_t k = m->op_segment[i];

		if (k >= 0 && ((uint32_t)k >= m->num_segments || i < m->segments[k].first_op ||
			       i - m->segments[k].first_op >= m->segments[k].num_ops)) {
			ret = npu_fail(err, errlen, -EINVAL,
				       "op %u: placed in segment %d, whose op range does not hold it", i, k);
		}
	}
	/* Every activation an op touches needs a place in the arena. */
	for (uint32_t i = 0; i < g->num_ops && !ret; i++)
		for (uint32_t j = 0; j < g->ops[i].num_inputs + g->ops[i].num_outputs; j++) {
			int32_t t = j < g->ops[i].num_inputs ? g->ops[i].inputs[j] :
				    g->ops[i].outputs[j - g->ops[i].num_inputs];

			if (t >= 0 && !g->tensors[t].data && m->tensor_arena_offset[t] == NPU_MF_NONE) {
				ret = npu_fail(err, errlen, -EINVAL,
					       "op %u: tensor %d ('%s') has no place in the arena",
					       i, t, g->tensors[t].name);
				break;
			}
		}
	if (ret) {
		npu_compiled_model_free(m);
		return ret;
	}
	if (!ret)
		ret = check_arena_plan(&l, m);
	/* A subgraph's ops are checked by the WHILE or IF running them. */
	if (!ret && !nested)
		ret = check_cpu_ops(&l, m);
	if (ret) {
		npu_compiled_model_free(m);
		return ret;
	}
	*out = m;
	return 0;
}

int npu_model_load_file(const char *path, struct npu_compiled_model **out, char *err,
			size_t errlen)
{
	struct stat st;
	void *buf;
	size_t len;
	int fd, ret;

	*out = NULL;
	/*
	 * Map the file rather than read it: the loader copies out what it
	 * keeps, so the file's bytes are touched once (by the CRC).  Files
	 * are replaced by rename (the cache does), never rewritten in place,
	 * so a mapped file does not shrink under us.  Anything unusual takes
	 * the read path and its messages.
	 */
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd >= 0 && !fstat(fd, &st) && S_ISREG(st.st_mode) && st.st_size > 0 &&
	    (uint64_t)st.st_size <= NPU_MF_MAX_SIZE) {
		buf = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
		if (buf != MAP_FAILED) {
			close(fd);
			ret = npu_model_load(buf, (size_t)st.st_size, out, err, errlen);
			munmap(buf, (size_t)st.st_size);
			return ret;
		}
	}
	if (fd >= 0)
		close(fd);
	ret = npu_read_file(path, NPU_MF_MAX_SIZE, "4 GiB", &buf, &len, err, errlen);
	if (ret)
		return ret == -E2BIG ? -EINVAL : ret;
	ret = npu_model_load(buf, len, out, err, errlen);
	free(buf);
	return ret;
}
