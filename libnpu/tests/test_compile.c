// SPDX-License-Identifier: MIT
/*
 * Compiler and .npu format: every shared model compiles, round-trips through
 * the file format and runs, segment by segment, through the firmware's
 * command processor (npu_fw_run_job() on a flat host memory, with the
 * region table the runtime binds) with the CPU ops on the CPU executor;
 * the result must equal an all-CPU run byte for byte, and the person_detect
 * goldens.  Placement of person_detect, limit reasons, arena reuse, and
 * each class of damage to a .npu file are checked too.
 */
#include <check.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <isa-l/crc.h>
#include <zlib.h>

#include "npu_cmdstream.h"
#include "npu_cpu.h"
#include "npu_fw.h"
#include "npu_model_format.h"
#include "npu_tflite.h"
#include "test_cpu_graph.h"
#include "../tflite/graph_priv.h"
#include "while_model.h"

#define MODELS "../shared/models"

static const char *const all_models[] = {
	"tflm/person_detect.tflite",
	"tflm/mobilenet_v2_quantized_1x3x224x224.tflite",
	"tflm/micro_speech_quantized.tflite",
	"tflm/keyword_scrambled_8bit.tflite",
	"tflm/hello_world_int8.tflite",
	"seanet/add/add0.tflite", "seanet/add/add1.tflite", "seanet/add/add2.tflite",
	"seanet/add/add3.tflite",
	"seanet/conv/conv0.tflite", "seanet/conv/conv1.tflite", "seanet/conv/conv2.tflite",
	"seanet/conv/conv3.tflite", "seanet/conv/conv4.tflite", "seanet/conv/conv5.tflite",
	"seanet/leaky_relu/leaky_relu0.tflite", "seanet/leaky_relu/leaky_relu1.tflite",
	"seanet/leaky_relu/leaky_relu2.tflite",
	"seanet/pad/pad0.tflite", "seanet/pad/pad1.tflite", "seanet/pad/pad2.tflite",
	"seanet/quantize/quantize0.tflite", "seanet/quantize/quantize1.tflite",
	"seanet/strided_slice/strided_slice0.tflite",
	"seanet/strided_slice/strided_slice1.tflite",
	"seanet/strided_slice/strided_slice2.tflite",
	"seanet/sub/sub0.tflite", "seanet/sub/sub1.tflite", "seanet/sub/sub2.tflite",
	"seanet/transpose_conv/transpose_conv0.tflite",
	"seanet/transpose_conv/transpose_conv1.tflite",
	"seanet/transpose_conv/transpose_conv2.tflite",
	/* Placement by cost keeps their last FULLY_CONNECTED on the CPU. */
	"zoo/ds_cnn_l_int8.tflite", "zoo/kws_dscnn_mlperf_int8.tflite",
};

static struct npu_compiled_model *compile_file(const char *rel,
					       const struct npu_compile_options *opt)
{
	struct npu_compiled_model *m;
	struct npu_graph *g;
	char path[512], err[512];
	int ret;

	snprintf(path, sizeof(path), "%s/%s", MODELS, rel);
	ret = npu_tflite_load_file(path, &g, err, sizeof(err));
	ck_assert_msg(ret == 0, "%s: %s", rel, err);
	ret = npu_compile(g, opt, &m, err, sizeof(err));
	ck_assert_msg(ret == 0, "%s: compile: %s", rel, err);
	return m;
}

/*
 * ---- host execution: flat NPU address space ----
 * The weights, the arena, each graph input and output in a buffer of its
 * own (as the runtime binds a dma-buf to its region), the stream, and the
 * job's region table binding them, which the firmware reads as the device
 * does (npu_fw_run_job()).
 */

#define VA_WEIGHTS	0x01000000ull
#define VA_ARENA	0x10000000ull
#define VA_STREAM	0x30000000ull
#define VA_RT		0x31000000ull
#define VA_IO		0x32000000ull	/* graph I/O tensor i at VA_IO + i * IO_STRIDE */
#define IO_STRIDE	0x00400000ull	/* below NPU_VA_SIZE for 56 of them */

struct host_mem {
	uint8_t *weights;
	uint64_t weights_size;
	uint8_t *arena;
	uint64_t arena_size;
	uint8_t *stream;
	uint64_t stream_size;
	struct npu_hw_region rt[NPU_CS_MAX_REGIONS];
	uint32_t num_io;	/* graph inputs, then outputs */
	uint8_t **io;
	uint64_t *io_size;
};

static uint8_t *host_ptr(struct host_mem *mem, uint64_t va, uint64_t len)
{
	struct { uint64_t base, size; uint8_t *p; } r[] = {
		{ VA_WEIGHTS, mem->weights_size, mem->weights },
		{ VA_ARENA, mem->arena_size, mem->arena },
		{ VA_STREAM, mem->stream_size, mem->stream },
		{ VA_RT, sizeof(mem->rt), (uint8_t *)mem->rt },
	};

	for (size_t i = 0; i < sizeof(r) / sizeof(r[0]); i++)
		if (va >= r[i].base && va - r[i].base <= r[i].size &&
		    len <= r[i].size - (va - r[i].base))
			return r[i].p + (va - r[i].base);
	if (va < VA_IO || (va - VA_IO) / IO_STRIDE >= mem->num_io)
		return NULL;
	const uint32_t i = (uint32_t)((va - VA_IO) / IO_STRIDE);
	const uint64_t at = va - VA_IO - i * IO_STRIDE;

	return at <= mem->io_size[i] && len <= mem->io_size[i] - at ? mem->io[i] + at : NULL;
}

/* Only the arena and the graph's I/O buffers are writable. */
static bool host_writable(uint64_t va)
{
	return (va >= VA_ARENA && va < VA_STREAM) || va >= VA_IO;
}

static int h_read(void *ctx, uint64_t va, void *dst, uint32_t len, uint64_t *fault)
{
	uint8_t *p = host_ptr(ctx, va, len);

	if (!p) {
		*fault = va;
		return -1;
	}
	memcpy(dst, p, len);
	return 0;
}

static int h_write(void *ctx, uint64_t va, const void *src, uint32_t len, uint64_t *fault)
{
	uint8_t *p = host_ptr(ctx, va, len);

	if (!p || !host_writable(va)) {
		*fault = va;
		return -1;
	}
	memcpy(p, src, len);
	return 0;
}

static void *h_alloc(void *ctx, size_t size)
{
	(void)ctx;
	return calloc(1, size ? size : 1);
}

static void h_free(void *ctx, void *p)
{
	(void)ctx;
	free(p);
}

/* Graph I/O number of tensor @t (inputs, then outputs), or -1. */
static int io_number(const struct npu_graph *g, int32_t t)
{
	for (uint32_t i = 0; i < g->num_inputs; i++)
		if (g->inputs[i] == t)
			return (int)i;
	for (uint32_t i = 0; i < g->num_outputs; i++)
		if (g->outputs[i] == t)
			return (int)(g->num_inputs + i);
	return -1;
}

/*
 * The region table of segment @s, as the runtime binds it: the weights,
 * the arena, and each I/O region to its tensor's own buffer; every size
 * the stream needs (measured by the firmware's validator) is there.
 */
static void bind_regions(const struct npu_compiled_model *m, const struct npu_segment *s,
			 struct host_mem *mem)
{
	struct npu_fw_region_use use;
	struct npu_fw_verror verr = { 0 };
	int ret;

	memset(mem->rt, 0, sizeof(mem->rt));
	mem->rt[NPU_REGION_CONST] = (struct npu_hw_region){ VA_WEIGHTS, m->weights_size };
	mem->rt[NPU_REGION_ARENA] = (struct npu_hw_region){ VA_ARENA, m->arena_size };
	for (uint32_t r = 0; r < s->num_io; r++) {
		const int io = io_number(m->graph, s->io_tensors[r]);

		ck_assert_int_ge(io, 0);
		mem->rt[NPU_REGION_IO_FIRST + r] = (struct npu_hw_region){
			VA_IO + (uint64_t)io * IO_STRIDE, mem->io_size[io],
		};
	}
	ret = npu_fw_validate_regions(s->stream, s->stream_size, &use, &verr);
	ck_assert_msg(ret == 0, "command %u: %s (%d)", verr.cmd_index,
		      verr.reason ? verr.reason : "invalid", ret);
	ck_assert_uint_eq(use.write & (1u << NPU_REGION_CONST), 0);
	for (uint32_t r = 1; r < NPU_CS_MAX_REGIONS; r++)
		ck_assert_msg(use.size[r] <= mem->rt[r].size, "region %u: %llu of %llu bytes", r,
			      (unsigned long long)use.size[r], (unsigned long long)mem->rt[r].size);
}

static void fill_inputs(const struct npu_graph *g, uint32_t seed, void *const *bufs)
{
	for (uint32_t i = 0; i < g->num_inputs; i++) {
		const struct npu_graph_tensor *t = &g->tensors[g->inputs[i]];
		uint8_t *p = bufs[i];

		for (size_t b = 0; b < t->bytes; b++) {
			seed = seed * 1103515245u + 12345u;
			p[b] = (uint8_t)(seed >> 16);
		}
		/* Floats: keep them finite and modest. */
		if (t->type == NPU_TYPE_FLOAT32)
			for (size_t e = 0; e < t->elements; e++)
				((float *)p)[e] = (float)((int)(p[4 * e] % 200) - 100) / 50.0f;
	}
}

/*
 * Run @m with inputs @in (one buffer per graph input): NPU segments through
 * npu_fw_run(), CPU ops through the CPU executor sharing the arena.  Copies
 * the outputs to @out.
 */
static void run_mixed(const struct npu_compiled_model *m, void *const *in, void *const *out)
{
	const struct npu_graph *g = m->graph;
	struct host_mem mem = {
		.weights = m->weights, .weights_size = m->weights_size,
		.arena_size = m->arena_size,
	};
	struct npu_fw_env env = {
		.ctx = &mem, .dma_read = h_read, .dma_write = h_write,
		.alloc = h_alloc, .free = h_free,
	};
	bool own_io = true;
	struct npu_cpu *cpu;
	char err[256];
	int ret;

	/* A segment with every I/O region taken addresses the rest in the arena. */
	for (uint32_t k = 0; k < m->num_segments; k++)
		own_io &= m->segments[k].num_io < NPU_CS_MAX_REGIONS - NPU_REGION_IO_FIRST;
	mem.num_io = g->num_inputs + g->num_outputs;
	mem.io = calloc(mem.num_io + 1, sizeof(*mem.io));
	mem.io_size = calloc(mem.num_io + 1, sizeof(*mem.io_size));
	ck_assert(mem.io && mem.io_size);
	mem.arena = calloc(1, m->arena_size ? m->arena_size : 1);
	ck_assert_ptr_nonnull(mem.arena);
	for (uint32_t i = 0; i < mem.num_io; i++) {
		const int32_t t = i < g->num_inputs ? g->inputs[i] : g->outputs[i - g->num_inputs];

		mem.io_size[i] = g->tensors[t].bytes;
		ck_assert_uint_le(mem.io_size[i], IO_STRIDE);
		ck_assert_uint_le(VA_IO + (i + 1) * IO_STRIDE, NPU_VA_SIZE);
		mem.io[i] = own_io ? calloc(1, mem.io_size[i] + 1) :
				     mem.arena + m->tensor_arena_offset[t];
		ck_assert_ptr_nonnull(mem.io[i]);
	}
	ret = npu_cpu_create(g, &cpu, err, sizeof(err));
	ck_assert_msg(ret == 0, "npu_cpu_create: %s", err);
	for (uint32_t t = 0; t < g->num_tensors; t++) {
		const int io = io_number(g, (int32_t)t);

		if (m->tensor_arena_offset[t] != NPU_MF_NONE && !g->tensors[t].data)
			ck_assert_int_eq(npu_cpu_bind(cpu, (int32_t)t,
						      io >= 0 ? mem.io[io] :
						      mem.arena + m->tensor_arena_offset[t],
						      g->tensors[t].bytes), 0);
	}
	for (uint32_t i = 0; i < g->num_inputs; i++)
		memcpy(mem.io[i], in[i], g->tensors[g->inputs[i]].bytes);

	for (uint32_t i = 0; i < g->num_ops;) {
		if (m->op_segment[i] < 0) {
			ret = npu_cpu_invoke_range(cpu, i, 1);
			ck_assert_msg(ret == 0, "CPU op %u: %s", i, npu_cpu_error(cpu));
			i++;
			continue;
		}
		const struct npu_segment *s = &m->segments[m->op_segment[i]];
		struct npu_fw_result res = { 0 };

		ck_assert_uint_eq(s->first_op, i);
		/* The stream as compiled: nothing patches it. */
		mem.stream = s->stream;
		mem.stream_size = s->stream_size;
		bind_regions(m, s, &mem);
		ret = npu_fw_run_job(&env, VA_STREAM, s->stream_size, VA_RT, &res);
		ck_assert_msg(ret == 0 && res.status == NPU_JOB_OK,
			      "segment %d: status %u error %d at command %u (%s)",
			      m->op_segment[i], res.status, res.error, res.cmd_index,
			      res.reason ? res.reason : "");
		ck_assert_uint_eq(res.macs, s->macs);
		mem.stream = NULL;
		i += s->num_ops;
	}
	for (uint32_t i = 0; i < g->num_outputs; i++)
		memcpy(out[i], mem.io[g->num_inputs + i], g->tensors[g->outputs[i]].bytes);
	npu_cpu_destroy(cpu);
	for (uint32_t i = 0; own_io && i < mem.num_io; i++)
		free(mem.io[i]);
	free(mem.io);
	free(mem.io_size);
	free(mem.arena);
}

/* All-CPU reference run on an executor with its own memory. */
static void run_cpu(const struct npu_graph *g, void *const *in, void *const *out)
{
	struct npu_cpu *cpu;
	char err[256];
	int ret = npu_cpu_create(g, &cpu, err, sizeof(err));

	ck_assert_msg(ret == 0, "npu_cpu_create: %s", err);
	for (uint32_t i = 0; i < g->num_inputs; i++)
		memcpy(npu_cpu_tensor_data(cpu, g->inputs[i]), in[i], g->tensors[g->inputs[i]].bytes);
	ret = npu_cpu_invoke(cpu);
	ck_assert_msg(ret == 0, "CPU run: %s", npu_cpu_error(cpu));
	for (uint32_t i = 0; i < g->num_outputs; i++)
		memcpy(out[i], npu_cpu_tensor_data(cpu, g->outputs[i]),
		       g->tensors[g->outputs[i]].bytes);
	npu_cpu_destroy(cpu);
}

static void **alloc_io(const struct npu_graph *g, const int32_t *idx, uint32_t n)
{
	void **v = calloc(n + 1, sizeof(*v));

	for (uint32_t i = 0; i < n; i++)
		v[i] = calloc(1, g->tensors[idx[i]].bytes + 1);
	return v;
}

static void free_io(void **v, uint32_t n)
{
	for (uint32_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/*
 * Fusion (compiler/fuse.c) on a generated int8 graph, zero point -5:
 *   0 PAD (H 1+1, W 1+2) -> 1 DEPTHWISE_CONV_2D 3x3/2 VALID -> 2 RELU6 ->
 *   3 PAD (H 0+1, W 0+1) -> 4 MAX_POOL_2D 2x2/2 VALID, RELU -> 5 CONV_2D 1x1
 *   -> 6 RELU -> 7 MAX_POOL_2D 1x1 (the graph output: a RELU writing one
 *   stays as it is).
 * Ops 0 and 2 fold into 1, 3 into 4, 6 into 5.  The fused model, run by the
 * firmware's command processor, equals the unfused graph on the CPU and the
 * model compiled with NPU_COMPILE_NO_FUSION, also after a file round trip.
 */
struct fuse_graph {
	struct tg b;
	int8_t dwf[36], cf[12];
	int32_t dwb[4], cb[3], pads1[8], pads2[8];
	int32_t in, out;
};

static void build_fuse_graph(struct fuse_graph *f)
{
	static const int32_t xs[] = { 1, 9, 9, 4 }, ps[] = { 1, 11, 12, 4 };
	static const int32_t ys[] = { 1, 5, 5, 4 }, qs[] = { 1, 6, 6, 4 };
	static const int32_t zs[] = { 1, 3, 3, 4 }, cs[] = { 1, 3, 3, 3 };
	static const int32_t dwfs[] = { 1, 3, 3, 4 }, cfs[] = { 3, 1, 1, 4 };
	static const int32_t padss[] = { 4, 2 }, b4[] = { 4 }, b3[] = { 3 };
	static const float dws[4] = { 0.01f, 0.02f, 0.015f, 0.03f };
	static const float cws[3] = { 0.02f, 0.01f, 0.025f };
	struct tg *b = &f->b;
	struct npu_graph_op *op;
	int32_t p1, p, dwf, dwb, y, r, p2, q, z, cf, cb, c, rl;

	memset(f, 0, sizeof(*f));
	for (int i = 0; i < 36; i++)
		f->dwf[i] = (int8_t)((i * 37) % 201 - 100);
	for (int i = 0; i < 12; i++)
		f->cf[i] = (int8_t)((i * 53) % 181 - 90);
	for (int i = 0; i < 4; i++)
		f->dwb[i] = i * 150 - 200;
	for (int i = 0; i < 3; i++)
		f->cb[i] = 300 - i * 250;
	f->pads1[2] = 1, f->pads1[3] = 1, f->pads1[4] = 1, f->pads1[5] = 2;
	f->pads2[3] = 1, f->pads2[5] = 1;
	tg_init(b);
	f->in = tg_tensor(b, NPU_TYPE_INT8, 4, xs, 0.05f, -5, NULL);
	p1 = tg_tensor(b, NPU_TYPE_INT32, 2, padss, 0, 0, f->pads1);
	p = tg_tensor(b, NPU_TYPE_INT8, 4, ps, 0.05f, -5, NULL);
	dwf = tg_tensor(b, NPU_TYPE_INT8, 4, dwfs, 0.01f, 0, f->dwf);
	tg_per_channel(b, dwf, 4, dws, 3);
	dwb = tg_tensor(b, NPU_TYPE_INT32, 1, b4, 0.0005f, 0, f->dwb);
	y = tg_tensor(b, NPU_TYPE_INT8, 4, ys, 0.04f, -5, NULL);
	r = tg_tensor(b, NPU_TYPE_INT8, 4, ys, 0.04f, -5, NULL);
	p2 = tg_tensor(b, NPU_TYPE_INT32, 2, padss, 0, 0, f->pads2);
	q = tg_tensor(b, NPU_TYPE_INT8, 4, qs, 0.04f, -5, NULL);
	z = tg_tensor(b, NPU_TYPE_INT8, 4, zs, 0.04f, -5, NULL);
	cf = tg_tensor(b, NPU_TYPE_INT8, 4, cfs, 0.02f, 0, f->cf);
	tg_per_channel(b, cf, 3, cws, 0);
	cb = tg_tensor(b, NPU_TYPE_INT32, 1, b3, 0.0008f, 0, f->cb);
	c = tg_tensor(b, NPU_TYPE_INT8, 4, cs, 0.03f, 7, NULL);
	rl = tg_tensor(b, NPU_TYPE_INT8, 4, cs, 0.03f, 7, NULL);
	f->out = tg_tensor(b, NPU_TYPE_INT8, 4, cs, 0.03f, 7, NULL);
	tg_op(b, NPU_BUILTIN_PAD, 2, 1, f->in, p1, p);
	op = tg_op(b, NPU_BUILTIN_DEPTHWISE_CONV_2D, 3, 1, p, dwf, dwb, y);
	op->options_kind = NPU_OPTS_CONV;
	op->options.conv = (struct npu_conv_options){
		.padding = NPU_PADDING_VALID, .stride_w = 2, .stride_h = 2,
		.dilation_w = 1, .dilation_h = 1, .depth_multiplier = 1,
	};
	tg_op(b, NPU_BUILTIN_RELU6, 1, 1, y, r);
	tg_op(b, NPU_BUILTIN_PAD, 2, 1, r, p2, q);
	op = tg_op(b, NPU_BUILTIN_MAX_POOL_2D, 1, 1, q, z);
	op->options_kind = NPU_OPTS_POOL;
	op->options.pool = (struct npu_pool_options){
		.padding = NPU_PADDING_VALID, .stride_w = 2, .stride_h = 2,
		.filter_w = 2, .filter_h = 2, .activation = NPU_ACT_RELU,
	};
	op = tg_op(b, NPU_BUILTIN_CONV_2D, 3, 1, z, cf, cb, c);
	op->options_kind = NPU_OPTS_CONV;
	op->options.conv = (struct npu_conv_options){
		.padding = NPU_PADDING_VALID, .stride_w = 1, .stride_h = 1,
		.dilation_w = 1, .dilation_h = 1,
	};
	tg_op(b, NPU_BUILTIN_RELU, 1, 1, c, rl);
	op = tg_op(b, NPU_BUILTIN_MAX_POOL_2D, 1, 1, rl, f->out);
	op->options_kind = NPU_OPTS_POOL;
	op->options.pool = (struct npu_pool_options){
		.padding = NPU_PADDING_VALID, .stride_w = 1, .stride_h = 1,
		.filter_w = 1, .filter_h = 1,
	};
	tg_io(b, f->in, f->out);
}

START_TEST(test_fusion_bit_exact)
{
	static const int32_t into[8] = { 1, -1, 1, 4, -1, -1, 5, -1 };
	const struct npu_compile_options nofuse = { .flags = NPU_COMPILE_NO_FUSION };
	struct npu_compiled_model *m, *plain, *l;
	struct fuse_graph f;
	int8_t in[324], out_npu[27], out_cpu[27], out_plain[27], out_file[27];
	void *pin[1] = { in }, *pnpu[1] = { out_npu }, *pcpu[1] = { out_cpu };
	void *pplain[1] = { out_plain }, *pfile[1] = { out_file };
	char err[512] = "", want[64];
	bool nonzero = false;
	void *file;
	size_t len;

	build_fuse_graph(&f);
	ck_assert_msg(!npu_compile(tg_dup(&f.b), NULL, &m, err, sizeof(err)), "%s", err);
	ck_assert_msg(!npu_compile(tg_dup(&f.b), &nofuse, &plain, err, sizeof(err)), "%s", err);
	for (uint32_t i = 0; i < 8; i++) {
		ck_assert_int_eq(m->op_segment[i], 0);
		ck_assert_ptr_null(plain->op_reason[i]);
		if (into[i] < 0) {
			ck_assert_ptr_null(m->op_reason[i]);
			ck_assert_uint_gt(m->op_cost[i].num_commands, 0);
			continue;
		}
		snprintf(want, sizeof(want), "fused into op %d (%s)", into[i],
			 npu_op_name(m->graph->ops[into[i]].builtin));
		ck_assert_str_eq(m->op_reason[i], want);
		ck_assert_uint_eq(m->op_cost[i].num_commands, 0);
	}
	/* The rewrites: explicit padding, reader rewired, activations. */
	ck_assert_int_eq(m->graph->ops[1].inputs[0], f.in);
	ck_assert_int_eq(m->graph->ops[1].options.conv.padding, NPU_PADDING_EXPLICIT);
	ck_assert_int_eq(m->graph->ops[1].options.conv.pad_top, 1);
	ck_assert_int_eq(m->graph->ops[1].options.conv.pad_left, 1);
	ck_assert_int_eq(m->graph->ops[1].options.conv.activation, NPU_ACT_RELU6);
	ck_assert_int_eq(m->graph->ops[4].inputs[0], m->graph->ops[1].outputs[0]);
	ck_assert_int_eq(m->graph->ops[4].options.pool.padding, NPU_PADDING_EXPLICIT);
	ck_assert_int_eq(m->graph->ops[4].options.pool.pad_top, 0);
	ck_assert_int_eq(m->graph->ops[5].options.conv.activation, NPU_ACT_RELU);
	ck_assert_int_eq(m->graph->ops[7].inputs[0], m->graph->ops[5].outputs[0]);
	ck_assert_uint_lt(m->segments[0].cycles, plain->segments[0].cycles);

	for (uint32_t seed = 0; seed < 4; seed++) {
		for (int i = 0; i < 324; i++)
			in[i] = (int8_t)(((uint32_t)i * 2654435761u + seed * 40503u) >> 13);
		run_mixed(m, pin, pnpu);
		run_mixed(plain, pin, pplain);
		run_cpu(&f.b.g, pin, pcpu);
		ck_assert_mem_eq(out_npu, out_cpu, sizeof(out_npu));
		ck_assert_mem_eq(out_plain, out_cpu, sizeof(out_npu));
		for (int i = 0; i < 27; i++)
			nonzero |= out_cpu[i] != 7;
	}
	ck_assert_msg(nonzero, "every output at the RELU's floor: the test shows nothing");

	ck_assert_int_eq(npu_model_serialize(m, &file, &len), 0);
	ck_assert_msg(!npu_model_load(file, len, &l, err, sizeof(err)), "%s", err);
	free(file);
	ck_assert_str_eq(l->op_reason[3], "fused into op 4 (MAX_POOL_2D)");
	ck_assert_ptr_null(l->op_reason[1]);
	run_mixed(l, pin, pfile);
	ck_assert_mem_eq(out_file, out_cpu, sizeof(out_npu));
	npu_compiled_model_free(l);
	npu_compiled_model_free(plain);
	npu_compiled_model_free(m);
}
END_TEST

/*
 * The CPU executor on the fused graph of build_fuse_graph() runs neither
 * the folded PADs nor the folded RELUs (npu_cpu_op_folded()): their
 * outputs, bound to a sentinel, stay untouched, and the output equals the
 * unfused graph's on 1 and 2 threads.  A kernel set on a folded op runs.
 */
static int count_calls(const struct npu_cpu_kernel_args *a, void *user)
{
	(void)a;
	++*(int *)user;
	return 0;
}

START_TEST(test_fusion_cpu_skips_folded)
{
	static const bool folded[8] = { true, false, true, true, false, false, true, false };
	struct npu_compiled_model *m;
	struct fuse_graph f;
	int8_t in[324], want[27], sentinel[4][4096];
	void *pin[1] = { in }, *pwant[1] = { want };
	char err[512] = "";
	int calls = 0;

	build_fuse_graph(&f);
	ck_assert_msg(!npu_compile(tg_dup(&f.b), NULL, &m, err, sizeof(err)), "%s", err);
	for (uint32_t threads = 1; threads <= 2; threads++) {
		const struct npu_graph *g = m->graph;
		struct npu_cpu *cpu;
		uint32_t n = 0;

		ck_assert_msg(!npu_cpu_create(g, &cpu, err, sizeof(err)), "%s", err);
		ck_assert_int_eq(npu_cpu_set_threads(cpu, threads), 0);
		for (uint32_t i = 0; i < 8; i++) {
			const int32_t t = g->ops[i].outputs[0];

			ck_assert_int_eq(npu_cpu_op_folded(cpu, i), folded[i]);
			if (!folded[i])
				continue;
			ck_assert_uint_le(g->tensors[t].bytes, sizeof(sentinel[n]));
			memset(sentinel[n], 0x5a, sizeof(sentinel[n]));
			ck_assert_int_eq(npu_cpu_bind(cpu, t, sentinel[n], g->tensors[t].bytes), 0);
			n++;
		}
		ck_assert_uint_eq(n, 4);
		ck_assert(!npu_cpu_op_folded(cpu, 8) && !npu_cpu_op_folded(NULL, 0));
		for (uint32_t seed = 0; seed < 3; seed++) {
			int8_t *out;

			for (int i = 0; i < 324; i++)
				in[i] = (int8_t)(((uint32_t)i * 2654435761u + seed * 40503u) >> 13);
			run_cpu(&f.b.g, pin, pwant);
			memcpy(npu_cpu_tensor_data(cpu, g->inputs[0]), in, sizeof(in));
			ck_assert_msg(!npu_cpu_invoke(cpu), "%s", npu_cpu_error(cpu));
			out = npu_cpu_tensor_data(cpu, g->outputs[0]);
			ck_assert_mem_eq(out, want, sizeof(want));
		}
		for (uint32_t k = 0; k < n; k++)
			for (size_t b = 0; b < sizeof(sentinel[k]); b++)
				ck_assert_int_eq((uint8_t)sentinel[k][b], 0x5a);
		/* An application's kernel on a folded op is run. */
		ck_assert_int_eq(npu_cpu_set_kernel(cpu, 3, count_calls, &calls), 0);
		ck_assert(!npu_cpu_op_folded(cpu, 3));
		ck_assert_int_eq(npu_cpu_invoke(cpu), 0);
		ck_assert_int_eq(calls, (int)threads);
		npu_cpu_destroy(cpu);
	}
	npu_compiled_model_free(m);
}
END_TEST

/*
 * What fusion must leave alone: a PAD before an AVERAGE_POOL_2D (it divides
 * by the taps inside the input), a PAD with another pad value, a RELU with
 * another quantization, a PAD or RELU whose output is also read elsewhere,
 * and any op forced to the CPU.
 */
START_TEST(test_fusion_refused)
{
	const uint32_t force[1] = { 5 };
	/* Greedy: ops 0-4 are too small to be worth the round trip to op 5. */
	const struct npu_compile_options opt = {
		.flags = NPU_COMPILE_GREEDY, .num_force_cpu = 1, .force_cpu = force,
	};
	struct npu_compiled_model *m;
	struct fuse_graph f;
	char err[512] = "";
	int8_t cval = 3;
	int32_t cv, padded;

	/* Average pool; the PAD before the depthwise pads with 3; the RELU6
	 * rescales; the conv is forced to the CPU. */
	build_fuse_graph(&f);
	f.b.ops[4].builtin = NPU_BUILTIN_AVERAGE_POOL_2D;
	f.b.ops[4].options.pool.activation = NPU_ACT_NONE;
	padded = f.b.ops[0].outputs[0];
	cv = tg_tensor(&f.b, NPU_TYPE_INT8, 0, NULL, 0.05f, -5, &cval);
	f.b.op_io[0][2] = cv;
	f.b.op_io[0][3] = padded;
	f.b.ops[0].num_inputs = 3;
	f.b.ops[0].outputs = f.b.op_io[0] + 3;
	f.b.scale[f.b.ops[2].outputs[0]][0] = 0.05f;
	ck_assert_msg(!npu_compile(tg_dup(&f.b), &opt, &m, err, sizeof(err)), "%s", err);
	for (uint32_t i = 0; i < 8; i++)
		ck_assert_msg(i == 5 ? m->op_segment[i] < 0 : !m->op_reason[i],
			      "op %u: %s", i, m->op_reason[i] ? m->op_reason[i] : "");
	npu_compiled_model_free(m);

	/* The second PAD's output also a graph output, the conv's output read
	 * twice (by the RELU and as a second graph output). */
	build_fuse_graph(&f);
	f.b.g.num_outputs = 3;
	f.b.graph_out[1] = f.b.ops[3].outputs[0];
	f.b.graph_out[2] = f.b.ops[5].outputs[0];
	ck_assert_msg(!npu_compile(tg_dup(&f.b), NULL, &m, err, sizeof(err)), "%s", err);
	ck_assert_ptr_nonnull(m->op_reason[0]);
	ck_assert_ptr_nonnull(m->op_reason[2]);
	ck_assert_ptr_null(m->op_reason[3]);
	ck_assert_ptr_null(m->op_reason[6]);
	npu_compiled_model_free(m);

	/* A RELU writing the graph output. */
	build_fuse_graph(&f);
	f.b.g.num_ops = 7;
	f.b.graph_out[0] = f.b.ops[6].outputs[0];
	ck_assert_msg(!npu_compile(tg_dup(&f.b), NULL, &m, err, sizeof(err)), "%s", err);
	ck_assert_ptr_null(m->op_reason[6]);
	npu_compiled_model_free(m);
}
END_TEST

/* Two compilations of one graph give the same outputs for input @seed. */
static void assert_same_outputs(const struct npu_compiled_model *x,
				const struct npu_compiled_model *y, uint32_t seed)
{
	const struct npu_graph *g = x->graph;
	void **in = alloc_io(g, g->inputs, g->num_inputs);
	void **a = alloc_io(g, g->outputs, g->num_outputs);
	void **b = alloc_io(g, g->outputs, g->num_outputs);

	fill_inputs(g, seed, in);
	run_mixed(x, in, a);
	run_mixed(y, in, b);
	for (uint32_t o = 0; o < g->num_outputs; o++)
		ck_assert_mem_eq(a[o], b[o], g->tensors[g->outputs[o]].bytes);
	free_io(in, g->num_inputs);
	free_io(a, g->num_outputs);
	free_io(b, g->num_outputs);
}

/* MobileNet-v2: the 18 PADs fold, the outputs do not change. */
START_TEST(test_fusion_mobilenet_v2)
{
	const char *rel = "tflm/mobilenet_v2_quantized_1x3x224x224.tflite";
	const struct npu_compile_options nofuse = { .flags = NPU_COMPILE_NO_FUSION };
	struct npu_compiled_model *m = compile_file(rel, NULL);
	struct npu_compiled_model *plain = compile_file(rel, &nofuse);
	const struct npu_graph *g = m->graph;
	uint32_t pads = 0, fused = 0;

	for (uint32_t i = 0; i < g->num_ops; i++) {
		pads += g->ops[i].builtin == NPU_BUILTIN_PAD;
		fused += m->op_reason[i] && m->op_segment[i] >= 0 &&
			 !strncmp(m->op_reason[i], "fused into op ", 14);
	}
	ck_assert_uint_eq(pads, 18);
	ck_assert_uint_eq(fused, 18);
	ck_assert_uint_lt(m->segments[0].dram_read_bytes, plain->segments[0].dram_read_bytes);
	assert_same_outputs(m, plain, 3);
	npu_compiled_model_free(plain);
	npu_compiled_model_free(m);
}
END_TEST

/*
 * MobileNet-v2 with the SRAM plan (activations on chip, filters prefetched
 * by DMA, the 112x112x96 expansions cascaded in row stripes): the streams
 * use the SRAM (NPU_FW_FEAT_SRAM, DMA commands) and compressed filters
 * (NPU_FW_FEAT_WDEC: only where the decode costs no time; test_wdec
 * decodes a prefetched one in SRAM), the classifier's 1.28 MB filter
 * (larger than the SRAM) is loaded in raw output-channel bands, one
 * FULLY_CONNECTED command each, most of them from SRAM, DRAM traffic is
 * within 1.01x of the unavoidable (weights once, the encoded filters for
 * the raw ones, input, output) and no more than the raw-filter plan's
 * (NPU_COMPILE_NO_WCOMPRESS) at no more cycles, and the outputs equal the
 * all-DRAM compilation's (NPU_COMPILE_NO_SRAM), the raw-filter one's and
 * the CPU's byte for byte.
 */
START_TEST(test_sram_mobilenet_v2)
{
	const char *rel = "tflm/mobilenet_v2_quantized_1x3x224x224.tflite";
	const struct npu_compile_options dram = { .flags = NPU_COMPILE_NO_SRAM };
	const struct npu_compile_options cpu = { .flags = NPU_COMPILE_CPU_ONLY };
	const struct npu_compile_options raw = { .flags = NPU_COMPILE_NO_WCOMPRESS };
	struct npu_compiled_model *m = compile_file(rel, NULL);
	struct npu_compiled_model *plain = compile_file(rel, &dram);
	struct npu_compiled_model *rawf = compile_file(rel, &raw);
	struct npu_compiled_model *c = compile_file(rel, &cpu);
	const struct npu_graph *g = m->graph;
	void **in = alloc_io(g, g->inputs, g->num_inputs);
	void **a = alloc_io(g, g->outputs, g->num_outputs);
	void **b = alloc_io(g, g->outputs, g->num_outputs);
	void **r = alloc_io(g, g->outputs, g->num_outputs);
	void **x = alloc_io(g, g->outputs, g->num_outputs);
	const struct npu_segment *s = &m->segments[0];
	struct npu_fw_weight_bytes wb = { 0 };
	uint64_t unavoidable;
	uint32_t off, bytes, hdr, dmas = 0, bands = 0, in_sram = 0, units = 0;

	ck_assert_uint_eq(m->num_segments, 1);
	ck_assert_uint_eq(npu_fw_stream_features(s->stream, s->stream_size) & NPU_FW_FEAT_SRAM,
			  NPU_FW_FEAT_SRAM);
	ck_assert_uint_eq(npu_fw_stream_features(plain->segments[0].stream,
						 plain->segments[0].stream_size) &
			  NPU_FW_FEAT_SRAM, 0);
	ck_assert_uint_eq(npu_fw_stream_features(s->stream, s->stream_size) & NPU_FW_FEAT_WDEC,
			  NPU_FW_FEAT_WDEC);
	for (off = 0; off < s->stream_size; off += bytes) {
		union npu_cmd_params p;

		memcpy(&hdr, s->stream + off, 4);
		bytes = NPU_CS_HDR_WORDS(hdr) * 4;
		dmas += NPU_CS_HDR_OP(hdr) == NPU_CMD_DMA;
		if (NPU_CS_HDR_OP(hdr) != NPU_CMD_FULLY_CONNECTED)
			continue;
		memcpy(&p, s->stream + off + 4, sizeof(p.fc));
		ck_assert_uint_eq(p.fc.filter.encoding, NPU_WEIGHTS_RAW);
		ck_assert_uint_eq(p.fc.output.dims[1], p.fc.filter.dims[0]);
		units += p.fc.output.dims[1];
		in_sram += npu_fw_in_sram(p.fc.filter.addr, (uint64_t)p.fc.filter.dims[0] *
					  p.fc.filter.dims[1]);
		bands++;
	}
	/*
	 * The largest filters and the classifier's bands: the plan may read
	 * smaller ones from DRAM (below 256 KiB in the variant kept, sram.c
	 * DRAM_FILTER; 16 KiB and more were loaded before, 21 or more DMAs).
	 */
	ck_assert_uint_ge(dmas, 10);
	ck_assert_uint_eq(units, g->tensors[g->outputs[0]].bytes);
	ck_assert_uint_ge(bands, 7);
	ck_assert_uint_gt(in_sram * 2, bands);
	/* The weights once: the raw copies of compressed filters are the CPU's. */
	npu_fw_stream_weights(s->stream, s->stream_size, &wb);
	ck_assert_uint_gt(wb.encoded_filter_bytes, 0);
	unavoidable = m->weights_size - wb.encoded_filter_bytes;
	for (uint32_t k = 0; k < g->num_inputs; k++)
		unavoidable += g->tensors[g->inputs[k]].bytes;
	for (uint32_t k = 0; k < g->num_outputs; k++)
		unavoidable += g->tensors[g->outputs[k]].bytes;
	ck_assert_uint_le((s->dram_read_bytes + s->dram_write_bytes) * 100, unavoidable * 101);
	ck_assert_uint_le(s->dram_read_bytes, rawf->segments[0].dram_read_bytes);
	ck_assert_uint_le(s->cycles, rawf->segments[0].cycles);
	ck_assert_uint_lt(s->cycles, plain->segments[0].cycles);
	ck_assert_uint_le(s->sram_peak, NPU_HW_SRAM_SIZE);
	fill_inputs(g, 5, in);
	run_mixed(m, in, a);
	run_mixed(plain, in, b);
	run_mixed(c, in, r);
	run_mixed(rawf, in, x);
	ck_assert_mem_eq(a[0], b[0], g->tensors[g->outputs[0]].bytes);
	ck_assert_mem_eq(a[0], r[0], g->tensors[g->outputs[0]].bytes);
	ck_assert_mem_eq(a[0], x[0], g->tensors[g->outputs[0]].bytes);
	free_io(in, g->num_inputs);
	free_io(a, g->num_outputs);
	free_io(b, g->num_outputs);
	free_io(r, g->num_outputs);
	free_io(x, g->num_outputs);
	npu_compiled_model_free(rawf);
	npu_compiled_model_free(c);
	npu_compiled_model_free(plain);
	npu_compiled_model_free(m);
}
END_TEST

/*
 * Cycles the two units of @s's schedule (npu_fw_timeline_add(), command by
 * command) wait for each other beyond their own queue; the makespan in
 * @end.
 */
static uint64_t stream_waits(const struct npu_segment *s, uint64_t *end)
{
	struct npu_fw_timeline tl = { 0 };
	uint64_t waits = 0, bytes;

	for (uint32_t off = 0; off + 4 <= s->stream_size; off += bytes) {
		union npu_cmd_params p;
		struct npu_fw_cost own = { 0 }, cost = { 0 };
		uint32_t hdr, op, unit;
		uint64_t ready;

		memcpy(&hdr, s->stream + off, 4);
		bytes = NPU_CS_HDR_WORDS(hdr) * 4;
		ck_assert_uint_ge(bytes, 4);
		op = NPU_CS_HDR_OP(hdr);
		memset(&p, 0, sizeof(p));
		memcpy(&p, s->stream + off + 4,
		       bytes - 4 < sizeof(p) ? bytes - 4 : sizeof(p));
		unit = op == NPU_CMD_DMA;
		ready = tl.unit_free[unit];
		npu_fw_estimate_op(NULL, op, &p, &own);
		npu_fw_timeline_add(&tl, NULL, op, &p, &cost);
		if (tl.unit_free[unit] - own.cycles > ready)
			waits += tl.unit_free[unit] - own.cycles - ready;
	}
	*end = tl.end;
	return waits;
}

/*
 * The SRAM plan places filter loads clear of the SRAM hulls of the
 * commands around them (sram.c, fit_clear()) in some of its variants and
 * keeps the fastest.  On person_detect and vww_96_int8 the old plans made
 * the two units wait for each other (measured by this replay before the
 * change: 7642 and 6044 cycles of waiting, makespans 20979 and 21812; now
2730 and 2054, 16861 and 17910):
 * the chosen streams wait less and end sooner on the device's schedule
 * (npu_fw_estimate_stream(), which the replay matches), and the outputs
 * stay those of the all-DRAM compilation.
 */
START_TEST(test_sram_loads_clear)
{
	static const struct {
		const char *rel;
		uint64_t waits, cycles;	/* before the change */
	} cases[] = {
		{ "tflm/person_detect.tflite", 7642, 20979 },
		{ "zoo/vww_96_int8.tflite", 6044, 21812 },
	};
	const struct npu_compile_options dram = { .flags = NPU_COMPILE_NO_SRAM };

	for (uint32_t k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		struct npu_compiled_model *m = compile_file(cases[k].rel, NULL);
		struct npu_compiled_model *plain = compile_file(cases[k].rel, &dram);
		uint64_t cycles = 0, waits = 0;

		for (uint32_t i = 0; i < m->num_segments; i++) {
			const struct npu_segment *s = &m->segments[i];
			struct npu_fw_cost cost = { 0 };
			uint64_t end;

			waits += stream_waits(s, &end);
			ck_assert_int_eq(npu_fw_estimate_stream(NULL, s->stream, s->stream_size,
								&cost), 0);
			ck_assert_uint_eq(end, cost.cycles);
			/* The compiler's figure is the device's (the header too). */
			ck_assert_uint_eq(s->cycles, cost.cycles);
			cycles += end;
		}
		ck_assert_msg(waits < cases[k].waits && cycles < cases[k].cycles,
			      "%s: %llu cycles of waiting, %llu in all", cases[k].rel,
			      (unsigned long long)waits, (unsigned long long)cycles);
		assert_same_outputs(m, plain, 7);
		npu_compiled_model_free(plain);
		npu_compiled_model_free(m);
	}
}
END_TEST

/*
 * MobileNet-v2's tail: the plan variants that place the tail's activations
 * in the middle of the SRAM and read small filters from DRAM (sram.c,
 * place_middle()) let the filter loads go beside the activations rather
 * than inside the hulls of the commands running.  The replay of the chosen
 * stream (the device's schedule, npu_fw_estimate_stream()) before the
 * change: 353494 cycles of waiting, makespan 464596; measured after it
 * 254778 and 417901; with the filters below 256 KiB read from DRAM by
 * their commands (sram.c, DRAM_FILTER) the makespan is 406430.  Every activation the tail's 1x1 convolutions read
 * or write lies in SRAM above 5/16 of it.  (test_sram_mobilenet_v2 holds
 * the outputs of the same compilation to the all-DRAM one's.)
 */
START_TEST(test_sram_middle)
{
	struct npu_compiled_model *m = compile_file("tflm/mobilenet_v2_quantized_1x3x224x224.tflite",
						    NULL);
	const struct npu_segment *s = &m->segments[0];
	struct npu_fw_cost cost = { 0 };
	uint32_t off, bytes, hdr, convs = 0, tail = 0;
	uint64_t end, waits;

	ck_assert_uint_eq(m->num_segments, 1);
	waits = stream_waits(s, &end);
	ck_assert_int_eq(npu_fw_estimate_stream(NULL, s->stream, s->stream_size, &cost), 0);
	ck_assert_uint_eq(end, cost.cycles);
	ck_assert_uint_eq(s->cycles, cost.cycles);
	/* Issue 12's goal: within 1.3x of the bound, 315160 cycles of MAC-array time. */
	ck_assert_msg(waits < 353494 && end <= 315160 * 13 / 10, "%llu cycles of waiting, %llu in all",
		      (unsigned long long)waits, (unsigned long long)end);
	/* The last 1x1 convolutions (7x7 outputs): activations mid-SRAM. */
	for (off = 0; off < s->stream_size; off += bytes) {
		union npu_cmd_params p;

		memcpy(&hdr, s->stream + off, 4);
		bytes = NPU_CS_HDR_WORDS(hdr) * 4;
		if (NPU_CS_HDR_OP(hdr) != NPU_CMD_CONV_2D)
			continue;
		memcpy(&p, s->stream + off + 4, sizeof(p.conv));
		if (p.conv.output.dims[1] != 7 || p.conv.filter.dims[1] != 1)
			continue;
		convs++;
		tail += p.conv.input.addr >= NPU_SRAM_VA + NPU_HW_SRAM_SIZE / 16 * 5 &&
			p.conv.output.addr >= NPU_SRAM_VA + NPU_HW_SRAM_SIZE / 16 * 5;
	}
	ck_assert_uint_ge(convs, 6);
	ck_assert_uint_eq(tail, convs);
	npu_compiled_model_free(m);
}
END_TEST

/*
 * int16 LOGISTIC then TANH compile to NPU_CMD_SIGMOID_S16 commands with the
 * table in the weights; the relocated stream, run by the firmware, equals
 * the CPU fallback, also after a round trip through the file format.
 * Input 0: logistic(0) = 16384 (0.5 at 2^-15); TANH's input scale 2^-15
 * rescales by 24576 >> 16: x = 6144, table step 24 (t = 47911):
 * (47911 * 256 - 2^23 + 128) >> 8 = 15143 = tanh(0.5) * 32768.
 */
START_TEST(test_sigmoid_s16_on_npu)
{
	static const int32_t shape[2] = { 1, 64 };
	struct npu_compiled_model *m, *l;
	struct tg b;
	int32_t x, y, z;
	int16_t in[64], out_npu[64], out_cpu[64];
	void *pin[1] = { in }, *pnpu[1] = { out_npu }, *pcpu[1] = { out_cpu };
	void *file;
	size_t len;
	char err[512] = "";

	tg_init(&b);
	x = tg_tensor(&b, NPU_TYPE_INT16, 2, shape, 1.0f / 2048, 0, NULL);
	y = tg_tensor(&b, NPU_TYPE_INT16, 2, shape, 1.0f / 32768, 0, NULL);
	z = tg_tensor(&b, NPU_TYPE_INT16, 2, shape, 1.0f / 32768, 0, NULL);
	tg_op(&b, NPU_BUILTIN_LOGISTIC, 1, 1, x, y);
	tg_op(&b, NPU_BUILTIN_TANH, 1, 1, y, z);
	tg_io(&b, x, z);
	for (int i = 0; i < 64; i++)
		in[i] = (int16_t)(i * 1031 - 32768);
	in[0] = 0;

	ck_assert_msg(!npu_compile(tg_dup(&b), NULL, &m, err, sizeof(err)), "%s", err);
	ck_assert_int_ge(m->op_segment[0], 0);
	ck_assert_int_eq(m->op_segment[1], m->op_segment[0]);
	run_mixed(m, pin, pnpu);
	run_cpu(&b.g, pin, pcpu);
	ck_assert_mem_eq(out_npu, out_cpu, sizeof(out_npu));
	ck_assert_int_eq(out_npu[0], 15143);

	ck_assert_int_eq(npu_model_serialize(m, &file, &len), 0);
	ck_assert_msg(!npu_model_load(file, len, &l, err, sizeof(err)), "%s", err);
	free(file);
	memset(out_npu, 0, sizeof(out_npu));
	run_mixed(l, pin, pnpu);
	ck_assert_mem_eq(out_npu, out_cpu, sizeof(out_npu));
	npu_compiled_model_free(l);
	npu_compiled_model_free(m);
}
END_TEST

/* Compile, round-trip through the file format, run both ways, compare. */
START_TEST(test_compile_roundtrip_run)
{
	const char *rel = all_models[_i];
	struct npu_compiled_model *m = compile_file(rel, NULL), *l;
	const struct npu_graph *g;
	void *file;
	size_t len;
	char err[512];
	void **in, **out_npu, **out_cpu;
	int ret;

	ck_assert_int_eq(npu_model_serialize(m, &file, &len), 0);
	ret = npu_model_load(file, len, &l, err, sizeof(err));
	ck_assert_msg(ret == 0, "%s: reload: %s", rel, err);
	free(file);

	/* The loaded model is the compiled one. */
	ck_assert_uint_eq(l->graph->num_ops, m->graph->num_ops);
	ck_assert_uint_eq(l->graph->num_tensors, m->graph->num_tensors);
	ck_assert_uint_eq(l->num_segments, m->num_segments);
	ck_assert_uint_eq(l->arena_size, m->arena_size);
	ck_assert_uint_eq(l->weights_size, m->weights_size);
	ck_assert_uint_eq(l->activation_bytes, m->activation_bytes);
	ck_assert_uint_eq(l->peak_live_bytes, m->peak_live_bytes);
	if (m->weights_size)
		ck_assert(!memcmp(l->weights, m->weights, m->weights_size));
	for (uint32_t i = 0; i < m->graph->num_ops; i++) {
		ck_assert_int_eq(l->op_segment[i], m->op_segment[i]);
		ck_assert_int_eq(l->graph->ops[i].builtin, m->graph->ops[i].builtin);
		ck_assert(!memcmp(&l->graph->ops[i].options, &m->graph->ops[i].options,
				  sizeof(union npu_op_options)));
		if (m->op_segment[i] < 0)
			ck_assert_str_eq(l->op_reason[i], m->op_reason[i]);
		ck_assert_uint_eq(l->op_cost[i].cycles, m->op_cost[i].cycles);
		ck_assert_uint_eq(l->op_cost[i].macs, m->op_cost[i].macs);
		ck_assert_uint_eq(l->op_cost[i].dram_read_bytes, m->op_cost[i].dram_read_bytes);
		ck_assert_uint_eq(l->op_cost[i].num_commands, m->op_cost[i].num_commands);
	}
	for (uint32_t s = 0; s < m->num_segments; s++) {
		ck_assert_uint_eq(l->segments[s].stream_size, m->segments[s].stream_size);
		ck_assert(!memcmp(l->segments[s].stream, m->segments[s].stream,
				  m->segments[s].stream_size));
		ck_assert_uint_eq(l->segments[s].num_io, m->segments[s].num_io);
		for (uint32_t r = 0; r < m->segments[s].num_io; r++)
			ck_assert_int_eq(l->segments[s].io_tensors[r], m->segments[s].io_tensors[r]);
	}
	for (uint32_t t = 0; t < m->graph->num_tensors; t++) {
		ck_assert_str_eq(l->graph->tensors[t].name, m->graph->tensors[t].name);
		ck_assert_uint_eq(l->tensor_arena_offset[t], m->tensor_arena_offset[t]);
		if (m->graph->tensors[t].data)
			ck_assert(!memcmp(l->graph->tensors[t].data, m->graph->tensors[t].data,
					  m->graph->tensors[t].bytes));
	}
	npu_compiled_model_free(m);

	/* Run the loaded model: NPU streams + CPU ops vs. all CPU. */
	g = l->graph;
	in = alloc_io(g, g->inputs, g->num_inputs);
	out_npu = alloc_io(g, g->outputs, g->num_outputs);
	out_cpu = alloc_io(g, g->outputs, g->num_outputs);
	fill_inputs(g, 42u + (uint32_t)_i, in);
	run_mixed(l, in, out_npu);
	run_cpu(g, in, out_cpu);
	for (uint32_t i = 0; i < g->num_outputs; i++) {
		const uint8_t *o = out_npu[i];
		size_t n = g->tensors[g->outputs[i]].bytes, distinct = 0;

		ck_assert_msg(!memcmp(out_npu[i], out_cpu[i], n),
			      "%s: output %u differs between NPU streams and CPU", rel, i);
		for (size_t b = 1; b < n; b++)
			distinct += o[b] != o[0];
		if (getenv("NPU_TEST_VERBOSE"))
			printf("%s: output %u: %zu bytes, %zu differ from the first, first bytes %d %d %d\n",
			       rel, i, n, distinct, o[0], n > 1 ? o[1] : 0, n > 2 ? o[2] : 0);
	}
	free_io(in, g->num_inputs);
	free_io(out_npu, g->num_outputs);
	free_io(out_cpu, g->num_outputs);
	npu_compiled_model_free(l);
}
END_TEST

static void *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	void *buf;
	long n;

	ck_assert_msg(f, "cannot open %s", path);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = malloc((size_t)n + 1);
	ck_assert_int_eq(fread(buf, 1, (size_t)n, f), n);
	fclose(f);
	*len = (size_t)n;
	return buf;
}

START_TEST(test_person_detect_golden)
{
	static const char *const cases[] = { "person", "no_person" };
	static const int8_t expect[2][2] = { { -113, 113 }, { 57, -57 } };
	struct npu_compiled_model *m = compile_file("tflm/person_detect.tflite", NULL);
	char path[256];
	size_t len;
	int8_t out[2];
	void *outs[1] = { out };

	for (int c = 0; c < 2; c++) {
		void *in;

		snprintf(path, sizeof(path), MODELS "/golden/person_detect.%s.in0.bin", cases[c]);
		in = read_file(path, &len);
		ck_assert_uint_eq(len, 96 * 96);
		run_mixed(m, &in, outs);
		ck_assert_msg(out[0] == expect[c][0] && out[1] == expect[c][1],
			      "%s: got [%d, %d]", cases[c], out[0], out[1]);
		free(in);
	}
	npu_compiled_model_free(m);
}
END_TEST

START_TEST(test_person_detect_placement)
{
	struct npu_compiled_model *m = compile_file("tflm/person_detect.tflite", NULL);
	const struct npu_graph *g = m->graph;

	ck_assert_uint_eq(m->num_segments, 1);
	for (uint32_t i = 0; i < g->num_ops; i++) {
		/* Every op runs on the NPU, the SOFTMAX too (NPU_CMD_SOFTMAX). */
		ck_assert_int_eq(npu_compiled_op_runnable(m, i, NULL, 0), 0);
		ck_assert_msg(m->op_segment[i] == 0, "op %u (%s) on the CPU: %s", i,
			      npu_op_name(g->ops[i].builtin), m->op_reason[i]);
		ck_assert_ptr_null(m->op_reason[i]);
	}
	ck_assert_uint_eq(m->segments[0].num_ops, 31);
	ck_assert_uint_gt(m->segments[0].macs, 7000000);
	ck_assert_uint_gt(m->segments[0].cycles, 0);
	npu_compiled_model_free(m);
}
END_TEST

START_TEST(test_forced_cpu)
{
	uint32_t force[] = { 10 };
	struct npu_compile_options opt = { .num_force_cpu = 1, .force_cpu = force };
	struct npu_compiled_model *m = compile_file("tflm/person_detect.tflite", &opt);

	ck_assert_int_eq(m->op_segment[10], -1);
	ck_assert_str_eq(m->op_reason[10], "CONV_2D: placed on the CPU on request");
	ck_assert_uint_eq(m->num_segments, 2);
	ck_assert_uint_eq(m->segments[0].num_ops, 10);
	ck_assert_uint_eq(m->segments[1].first_op, 11);
	npu_compiled_model_free(m);

	opt = (struct npu_compile_options){ .flags = NPU_COMPILE_CPU_ONLY };
	m = compile_file("tflm/hello_world_int8.tflite", &opt);
	ck_assert_uint_eq(m->num_segments, 0);
	for (uint32_t i = 0; i < m->graph->num_ops; i++)
		ck_assert_int_eq(m->op_segment[i], -1);
	npu_compiled_model_free(m);
}
END_TEST

/* The .npu bytes of a compiled model (free() them). */
static void *serialized(const struct npu_compiled_model *m, size_t *len)
{
	void *buf;

	ck_assert_int_eq(npu_model_serialize(m, &buf, len), 0);
	return buf;
}

/*
 * A change of placement compiles the graph a model already holds (the
 * runtime keeps no copy of the file): a copy of the graph of a compiled
 * model, or of one loaded from its .npu, compiles to the same bytes as the
 * .tflite itself.
 */
START_TEST(test_recompile_from_graph)
{
	uint32_t force[] = { 10 };
	struct npu_compile_options opt = { .num_force_cpu = 1, .force_cpu = force };
	struct npu_compiled_model *want = compile_file("tflm/person_detect.tflite", &opt);
	struct npu_compiled_model *m = compile_file("tflm/person_detect.tflite", NULL);
	struct npu_compiled_model *loaded, *again;
	struct npu_graph *g;
	size_t want_len, len;
	void *want_buf = serialized(want, &want_len), *buf;
	char err[256];

	for (int from_file = 0; from_file < 2; from_file++) {
		const struct npu_graph *held = m->graph;

		loaded = NULL;
		if (from_file) {
			buf = serialized(m, &len);
			ck_assert_msg(npu_model_load(buf, len, &loaded, err, sizeof(err)) == 0,
				      "%s", err);
			free(buf);
			held = loaded->graph;
		}
		ck_assert_int_eq(npu_graph_copy(held, &g), 0);
		ck_assert_ptr_ne(g, held);
		ck_assert_msg(npu_compile(g, &opt, &again, err, sizeof(err)) == 0, "%s", err);
		buf = serialized(again, &len);
		ck_assert_uint_eq(len, want_len);
		ck_assert_msg(!memcmp(buf, want_buf, len), "from_file %d: other bytes", from_file);
		free(buf);
		npu_compiled_model_free(again);
		npu_compiled_model_free(loaded);
	}
	free(want_buf);
	npu_compiled_model_free(want);
	npu_compiled_model_free(m);
}
END_TEST

START_TEST(test_limit_reasons)
{
	struct npu_compiled_model *m;
	struct npu_graph *g;
	char err[256];
	uint32_t conv = UINT32_MAX, dw = UINT32_MAX;

	ck_assert_int_eq(npu_tflite_load_file(MODELS "/tflm/person_detect.tflite", &g, err,
					      sizeof(err)), 0);
	for (uint32_t i = 0; i < g->num_ops; i++) {
		if (g->ops[i].builtin == NPU_BUILTIN_CONV_2D && conv == UINT32_MAX)
			conv = i;
		if (g->ops[i].builtin == NPU_BUILTIN_DEPTHWISE_CONV_2D && i > 0 && dw == UINT32_MAX)
			dw = i;
	}
	/* SAME padding: the dilation does not change the output size. */
	g->ops[dw].options.conv.dilation_h = 6;
	ck_assert_int_eq(npu_compile(g, NULL, &m, err, sizeof(err)), 0);
	ck_assert_int_eq(m->op_segment[dw], -1);
	ck_assert_str_eq(m->op_reason[dw],
			 "DEPTHWISE_CONV_2D: dilation 6 exceeds the NPU limit of 4");
	npu_compiled_model_free(m);

	/*
	 * A stride past the NPU's limit places the op on the CPU, where it is
	 * prepared too: with the output shape of stride 1 it cannot run, and
	 * the compiler says so rather than accept the file.
	 */
	ck_assert_int_eq(npu_tflite_load_file(MODELS "/tflm/person_detect.tflite", &g, err,
					      sizeof(err)), 0);
	g->ops[conv].options.conv.stride_w = 5;
	ck_assert_int_eq(npu_compile(g, NULL, &m, err, sizeof(err)), -EINVAL);
	ck_assert_msg(strstr(err, "CONV_2D") && strstr(err, "padding SAME gives"), "%s", err);
}
END_TEST

/* Arena reuse: smaller than the sum, no smaller than the largest live set,
 * and no two tensors live at the same time share a byte. */
START_TEST(test_arena)
{
	static const char *const files[] = {
		"tflm/person_detect.tflite", "tflm/mobilenet_v2_quantized_1x3x224x224.tflite",
		"tflm/keyword_scrambled_8bit.tflite",
	};
	struct npu_compiled_model *m = compile_file(files[_i], NULL);
	const struct npu_graph *g = m->graph;
	uint32_t nt = g->num_tensors;
	int64_t *first = malloc(nt * sizeof(int64_t)), *last = malloc(nt * sizeof(int64_t));

	ck_assert_uint_lt(m->arena_size, m->activation_bytes);
	ck_assert_uint_ge(m->arena_size, m->peak_live_bytes);
	for (uint32_t t = 0; t < nt; t++) {
		first[t] = INT64_MAX;
		last[t] = INT64_MIN;
	}
	for (uint32_t i = 0; i < g->num_ops; i++)
		for (uint32_t j = 0; j < g->ops[i].num_inputs + g->ops[i].num_outputs; j++) {
			int32_t t = j < g->ops[i].num_inputs ? g->ops[i].inputs[j] :
				    g->ops[i].outputs[j - g->ops[i].num_inputs];

			if (t < 0)
				continue;
			first[t] = first[t] < i ? first[t] : i;
			last[t] = last[t] > i ? last[t] : i;
		}
	for (uint32_t i = 0; i < g->num_inputs; i++)
		first[g->inputs[i]] = -1;
	for (uint32_t i = 0; i < g->num_outputs; i++)
		last[g->outputs[i]] = g->num_ops;
	for (uint32_t t = 0; t < nt; t++) {
		if (g->tensors[t].is_variable) {
			first[t] = -1;
			last[t] = g->num_ops;
		}
	}
	for (uint32_t a = 0; a < nt; a++) {
		uint64_t ao = m->tensor_arena_offset[a];

		if (ao == NPU_MF_NONE)
			continue;
		ck_assert(!g->tensors[a].data || g->tensors[a].is_variable);
		ck_assert_uint_le(ao + g->tensors[a].bytes, m->arena_size);
		for (uint32_t b = a + 1; b < nt; b++) {
			uint64_t bo = m->tensor_arena_offset[b];

			if (bo == NPU_MF_NONE || last[a] < first[b] || last[b] < first[a])
				continue;
			ck_assert_msg(ao + g->tensors[a].bytes <= bo || bo + g->tensors[b].bytes <= ao,
				      "tensors %u and %u are live together but overlap", a, b);
		}
	}
	free(first);
	free(last);
	npu_compiled_model_free(m);
}
END_TEST

/* ---- damaged .npu files ---- */

static void *compiled_bytes(const char *rel, size_t *len)
{
	struct npu_compiled_model *m = compile_file(rel, NULL);
	void *buf;

	ck_assert_int_eq(npu_model_serialize(m, &buf, len), 0);
	npu_compiled_model_free(m);
	return buf;
}

/* Fix the CRC after a deliberate change, so the deeper checks are reached. */
static void fix_crc(uint8_t *buf, size_t len)
{
	struct npu_mf_header h;

	memcpy(&h, buf, sizeof(h));
	memset(buf + offsetof(struct npu_mf_header, crc32), 0, 4);
	h.crc32 = npu_fw_crc32(0, buf, len);
	memcpy(buf + offsetof(struct npu_mf_header, crc32), &h.crc32, 4);
}

static struct npu_mf_section *section(uint8_t *buf, uint32_t type)
{
	struct npu_mf_header h;

	memcpy(&h, buf, sizeof(h));
	for (uint32_t i = 0; i < h.num_sections; i++) {
		struct npu_mf_section *s = (struct npu_mf_section *)(buf + h.section_table_offset) + i;

		if (s->type == type)
			return s;
	}
	ck_abort_msg("no section %u", type);
	return NULL;
}

static void expect_load_error(const void *buf, size_t len, int code, const char *needle)
{
	struct npu_compiled_model *m = (struct npu_compiled_model *)1;
	char err[512];
	int ret = npu_model_load(buf, len, &m, err, sizeof(err));

	ck_assert_msg(ret == code, "expected %d, got %d (%s)", code, ret, ret ? err : "");
	ck_assert_ptr_null(m);
	ck_assert_msg(strstr(err, needle), "message \"%s\" lacks \"%s\"", err, needle);
}

/*
 * A WHILE model through a .npu (1.5, SUBGRAPHS): the loaded graph has the
 * subgraphs and computes what the compiled one does; damage to the
 * section is refused by name.
 */
START_TEST(test_while_roundtrip)
{
	struct npu_compiled_model *m, *l;
	struct npu_mf_section *sec;
	struct npu_mf_subgraphs head;
	struct npu_mf_subgraph e;
	struct npu_graph *g;
	void **in, **out_m, **out_l;
	uint8_t *file;
	size_t len;
	char err[512];

	ck_assert_msg(npu_tflite_load(while_float_tflite, while_float_tflite_len, &g, err,
				      sizeof(err)) == 0, "%s", err);
	ck_assert_msg(npu_compile(g, NULL, &m, err, sizeof(err)) == 0, "%s", err);
	ck_assert_int_eq(m->op_segment[0], -1);
	ck_assert_msg(strstr(m->op_reason[0], "WHILE is control flow"), "%s", m->op_reason[0]);
	ck_assert_int_eq(npu_model_serialize(m, (void **)&file, &len), 0);
	ck_assert_msg(npu_model_load(file, len, &l, err, sizeof(err)) == 0, "%s", err);
	ck_assert_uint_eq(l->graph->num_subgraphs, 3);
	ck_assert_ptr_null(l->graph->subgraphs[0]);
	ck_assert_uint_eq(l->graph->subgraphs[2]->num_ops, m->graph->subgraphs[2]->num_ops);

	in = alloc_io(m->graph, m->graph->inputs, m->graph->num_inputs);
	out_m = alloc_io(m->graph, m->graph->outputs, m->graph->num_outputs);
	out_l = alloc_io(l->graph, l->graph->outputs, l->graph->num_outputs);
	for (uint32_t seed = 1; seed < 6; seed++) {
		fill_inputs(m->graph, seed, in);
		run_cpu(m->graph, in, out_m);
		run_cpu(l->graph, in, out_l);
		for (uint32_t i = 0; i < m->graph->num_outputs; i++)
			ck_assert_mem_eq(out_m[i], out_l[i],
					 m->graph->tensors[m->graph->outputs[i]].bytes);
	}
	free_io(in, m->graph->num_inputs);
	free_io(out_m, m->graph->num_outputs);
	free_io(out_l, l->graph->num_outputs);
	npu_compiled_model_free(l);
	npu_compiled_model_free(m);

	/* Damage: the entry count, an image outside the section, entry 0. */
	sec = section(file, NPU_MF_SECT_SUBGRAPHS);
	memcpy(&head, file + sec->offset, sizeof(head));
	ck_assert_uint_eq(head.num_subgraphs, 3);
	head.num_subgraphs = 100000;
	memcpy(file + sec->offset, &head, sizeof(head));
	fix_crc(file, len);
	expect_load_error(file, len, -EINVAL, "SUBGRAPHS section of");
	head.num_subgraphs = 3;
	memcpy(file + sec->offset, &head, sizeof(head));
	memcpy(&e, file + sec->offset + sizeof(head) + 2 * sizeof(e), sizeof(e));
	e.offset += sec->size;
	memcpy(file + sec->offset + sizeof(head) + 2 * sizeof(e), &e, sizeof(e));
	fix_crc(file, len);
	expect_load_error(file, len, -EINVAL, "subgraph 2: image of");
	e.offset -= sec->size;
	memcpy(file + sec->offset + sizeof(head), &e, sizeof(e));	/* entry 0 */
	fix_crc(file, len);
	expect_load_error(file, len, -EINVAL, "subgraph 0: image of");
	free(file);
}
END_TEST

/*
 * The loader checks files with ISA-L's crc32_gzip_refl(); the device side
 * has its own (firmware/fw_util.c); zlib's crc32() is the common reference.
 * All three must agree for every length, alignment and chaining, and on a
 * whole .npu.
 */
START_TEST(test_crc_zlib_equals_firmware)
{
	size_t len;
	uint8_t *npu = compiled_bytes("tflm/person_detect.tflite", &len);
	uint8_t buf[1100];
	uint32_t seed = 7;

	for (size_t i = 0; i < sizeof(buf); i++) {
		seed = seed * 1664525u + 1013904223u;
		buf[i] = (uint8_t)(seed >> 24);
	}
	for (size_t off = 0; off < 8; off++)
		for (size_t n = 0; n + off <= sizeof(buf); n += n < 64 ? 1 : 37) {
			uint32_t z = (uint32_t)crc32(0, buf + off, (uInt)n);
			size_t cut = n / 2;

			ck_assert_uint_eq(npu_fw_crc32(0, buf + off, n), z);
			ck_assert_uint_eq(crc32_gzip_refl(0, buf + off, n), z);
			ck_assert_uint_eq(crc32_gzip_refl(crc32_gzip_refl(0, buf + off, cut),
							  buf + off + cut, n - cut), z);
			ck_assert_uint_eq(npu_fw_crc32((uint32_t)crc32(0, buf + off, (uInt)cut),
						       buf + off + cut, n - cut), z);
		}
	ck_assert_uint_eq(npu_fw_crc32(0, npu, len), (uint32_t)crc32(0, npu, (uInt)len));
	ck_assert_uint_eq(crc32_gzip_refl(0, npu, len), (uint32_t)crc32(0, npu, (uInt)len));
	free(npu);
}
END_TEST

START_TEST(test_damaged_header)
{
	size_t len;
	uint8_t *buf = compiled_bytes("tflm/person_detect.tflite", &len);
	uint8_t *copy = malloc(len);
	char needle[64];

	expect_load_error(buf, 10, -EINVAL, "smaller than the 64-byte header");
	expect_load_error(buf, len - 100, -EINVAL, "truncated?");

	memcpy(copy, buf, len);
	copy[0] = 'X';
	expect_load_error(copy, len, -EINVAL, "bad magic");

	memcpy(copy, buf, len);
	copy[8] = 2;	/* version_major */
	snprintf(needle, sizeof(needle), "format version 2.%u is not supported",
		 NPU_MF_VERSION_MINOR);
	expect_load_error(copy, len, -ENOTSUP, needle);

	memcpy(copy, buf, len);
	copy[len / 2] ^= 0x40;
	expect_load_error(copy, len, -EBADMSG, "checksum mismatch");

	free(copy);
	free(buf);
}
END_TEST

START_TEST(test_damaged_sections)
{
	size_t len;
	uint8_t *orig = compiled_bytes("tflm/person_detect.tflite", &len);
	uint8_t *buf = malloc(len);
	struct npu_mf_section *s;

	memcpy(buf, orig, len);
	s = section(buf, NPU_MF_SECT_WEIGHTS);
	s->size = len;
	fix_crc(buf, len);
	expect_load_error(buf, len, -EINVAL, "section WEIGHTS");
	expect_load_error(buf, len, -EINVAL, "runs past the end of the");

	memcpy(buf, orig, len);
	s = section(buf, NPU_MF_SECT_OPS);
	s->offset += 8;
	fix_crc(buf, len);
	expect_load_error(buf, len, -EINVAL, "is not 64-byte aligned");

	memcpy(buf, orig, len);
	section(buf, NPU_MF_SECT_TENSORS)->offset = section(buf, NPU_MF_SECT_OPS)->offset;
	fix_crc(buf, len);
	expect_load_error(buf, len, -EINVAL, "overlap");

	memcpy(buf, orig, len);
	section(buf, NPU_MF_SECT_BLOBS)->type = 99;
	fix_crc(buf, len);
	expect_load_error(buf, len, -EINVAL, "unknown type 99");
	free(buf);
	free(orig);
}
END_TEST

/*
 * The first weights address of segment 0's stream in a .npu image: a word
 * pair holding NPU_ADDR(NPU_REGION_CONST, offset) inside the weights.
 */
static uint64_t *const_field(uint8_t *buf)
{
	const struct npu_mf_segment *seg =
		(const struct npu_mf_segment *)(buf + section(buf, NPU_MF_SECT_SEGMENTS)->offset);
	uint8_t *cs = buf + section(buf, NPU_MF_SECT_STREAMS)->offset + seg->stream_offset;
	const uint64_t weights = section(buf, NPU_MF_SECT_WEIGHTS)->size;

	for (uint32_t off = 8; off + 8 <= seg->stream_size; off += 4) {
		uint64_t v;

		memcpy(&v, cs + off, 8);
		if (NPU_ADDR_REGION(v) == NPU_REGION_CONST && NPU_ADDR_OFFSET(v) < weights)
			return (uint64_t *)(cs + off);
	}
	ck_abort_msg("no weights address in segment 0");
	return NULL;
}

START_TEST(test_damaged_records)
{
	size_t len;
	uint8_t *orig = compiled_bytes("tflm/person_detect.tflite", &len);
	uint8_t *buf = malloc(len);
	struct npu_mf_tensor *t;
	struct npu_mf_op *op;
	struct npu_mf_segment *seg;
	uint64_t *field;
	int32_t *idx;

	/* Tensor index of an op input out of range. */
	memcpy(buf, orig, len);
	op = (struct npu_mf_op *)(buf + section(buf, NPU_MF_SECT_OPS)->offset) + 2;
	idx = (int32_t *)(buf + section(buf, NPU_MF_SECT_INDICES)->offset) + op->inputs_index;
	idx[0] = 1000;
	fix_crc(buf, len);
	expect_load_error(buf, len, -EINVAL, "input 0 is tensor 1000 but the subgraph has 89 tensors");

	/* Op order broken: a cycle. */
	memcpy(buf, orig, len);
	op = (struct npu_mf_op *)(buf + section(buf, NPU_MF_SECT_OPS)->offset);
	idx = (int32_t *)(buf + section(buf, NPU_MF_SECT_INDICES)->offset);
	idx[op[0].inputs_index] = idx[op[1].outputs_index];
	fix_crc(buf, len);
	expect_load_error(buf, len, -EINVAL, "the graph is cyclic");

	/* Name string not terminated: the last string loses its NUL. */
	memcpy(buf, orig, len);
	{
		struct npu_mf_section *ss = section(buf, NPU_MF_SECT_STRINGS);

		buf[ss->offset + ss->size - 1] = 'x';
	}
	fix_crc(buf, len);
	expect_load_error(buf, len, -EINVAL, "is not NUL-terminated");

	/* Constant data outside WEIGHTS. */
	memcpy(buf, orig, len);
	t = (struct npu_mf_tensor *)(buf + section(buf, NPU_MF_SECT_TENSORS)->offset);
	for (uint32_t i = 0;; i++)
		if (t[i].data_offset != NPU_MF_NONE) {
			t[i].data_offset = 1ull << 40;
			break;
		}
	fix_crc(buf, len);
	expect_load_error(buf, len, -EINVAL, "outside WEIGHTS");

	/* Shape changed: constant size no longer matches. */
	memcpy(buf, orig, len);
	t = (struct npu_mf_tensor *)(buf + section(buf, NPU_MF_SECT_TENSORS)->offset);
	for (uint32_t i = 0;; i++)
		if (t[i].data_offset != NPU_MF_NONE && t[i].rank == 4) {
			t[i].shape[3]++;
			t[i].quant_count = 1;	/* keep per-channel consistent */
			break;
		}
	fix_crc(buf, len);
	expect_load_error(buf, len, -EINVAL, "but its shape needs");

	/* Activation outside the arena. */
	memcpy(buf, orig, len);
	t = (struct npu_mf_tensor *)(buf + section(buf, NPU_MF_SECT_TENSORS)->offset);
	for (uint32_t i = 0;; i++)
		if (t[i].arena_offset != NPU_MF_NONE) {
			t[i].arena_offset = 1ull << 30;
			break;
		}
	fix_crc(buf, len);
	expect_load_error(buf, len, -EINVAL, "outside the 55296-byte arena");

	/* Segment op range disagreeing with the placements. */
	memcpy(buf, orig, len);
	seg = (struct npu_mf_segment *)(buf + section(buf, NPU_MF_SECT_SEGMENTS)->offset);
	seg->num_ops = 30;	/* all 31 ops are in it */
	fix_crc(buf, len);
	expect_load_error(buf, len, -EINVAL, "op 30: placed in segment 0, whose op range does not hold it");
	memcpy(buf, orig, len);
	op = (struct npu_mf_op *)(buf + section(buf, NPU_MF_SECT_OPS)->offset) + 30;
	op->placement = NPU_MF_PLACEMENT_CPU;	/* inside segment 0's range */
	fix_crc(buf, len);
	expect_load_error(buf, len, -EINVAL, "placement disagrees");

	/* Command stream damaged: unknown opcode in the second command. */
	memcpy(buf, orig, len);
	seg = (struct npu_mf_segment *)(buf + section(buf, NPU_MF_SECT_SEGMENTS)->offset);
	{
		uint8_t *cs = buf + section(buf, NPU_MF_SECT_STREAMS)->offset + seg->stream_offset;
		uint32_t w0, w1;

		memcpy(&w0, cs, 4);
		w1 = (w0 & 0xffff0000u) | 0x7777;	/* keep the length, bad opcode */
		memcpy(cs + 4 * NPU_CS_HDR_WORDS(w0), &w1, 2);
	}
	fix_crc(buf, len);
	expect_load_error(buf, len, -EINVAL, "segment 0: command stream rejected at command 1");

	/*
	 * Region addresses: past the end of the weights, in a region the
	 * segment does not bind, absolute; an I/O region that is no graph
	 * input or output.
	 */
	memcpy(buf, orig, len);
	field = const_field(buf);
	*field = NPU_ADDR(NPU_REGION_CONST, section(buf, NPU_MF_SECT_WEIGHTS)->size);
	fix_crc(buf, len);
	expect_load_error(buf, len, -EINVAL, "of region 1, which has");
	memcpy(buf, orig, len);
	field = const_field(buf);
	*field = NPU_ADDR(NPU_CS_MAX_REGIONS - 1, NPU_ADDR_OFFSET(*field));
	fix_crc(buf, len);
	expect_load_error(buf, len, -EINVAL, "addresses region 15, which the segment does not bind");
	memcpy(buf, orig, len);
	field = const_field(buf);
	*field = 0x100000;
	fix_crc(buf, len);
	expect_load_error(buf, len, -EINVAL, "segment 0: command stream rejected at command");
	memcpy(buf, orig, len);
	seg = (struct npu_mf_segment *)(buf + section(buf, NPU_MF_SECT_SEGMENTS)->offset);
	ck_assert_uint_ge(seg->num_io, 1);
	idx = (int32_t *)(buf + section(buf, NPU_MF_SECT_INDICES)->offset) + seg->io_index;
	idx[0] = 1;
	fix_crc(buf, len);
	expect_load_error(buf, len, -EINVAL, "region 3 is tensor 1, not a graph input or output");
	free(buf);
	free(orig);
}
END_TEST

/* Graph input or output? */
static bool is_graph_io(const struct npu_graph *g, int32_t t)
{
	return io_number(g, t) >= 0;
}

/*
 * The relocation a 1.2 or 1.3 writer made for the address @v in segment @s of
 * @m, at stream offset @off.
 */
static struct npu_mf_reloc v12_reloc(const struct npu_compiled_model *m,
				     const struct npu_segment *s, uint32_t off, uint64_t v)
{
	const uint32_t r = NPU_ADDR_REGION(v);
	const uint64_t o = NPU_ADDR_OFFSET(v);
	struct npu_mf_reloc rl = { .offset = off, .index = -1, .addend = o };

	if (r == NPU_REGION_CONST) {
		rl.kind = NPU_MF_RELOC_WEIGHTS;
		return rl;
	}
	rl.kind = NPU_MF_RELOC_TENSOR;
	if (r >= NPU_REGION_IO_FIRST) {
		ck_assert_uint_lt(r - NPU_REGION_IO_FIRST, s->num_io);
		rl.index = s->io_tensors[r - NPU_REGION_IO_FIRST];
		return rl;
	}
	ck_assert_uint_eq(r, NPU_REGION_ARENA);
	/* The activation holding the byte (any one: the address is the same). */
	for (uint32_t t = 0; t < m->graph->num_tensors; t++) {
		const uint64_t at = m->tensor_arena_offset[t];

		if (at != NPU_MF_NONE && !is_graph_io(m->graph, (int32_t)t) && at <= o &&
		    o - at <= m->graph->tensors[t].bytes) {
			rl.index = (int32_t)t;
			rl.addend = o - at;
			return rl;
		}
	}
	ck_abort_msg("arena address %llu in no tensor", (unsigned long long)o);
	return rl;
}

/*
 * A version 1.@minor (2 or 3) file of the model of @rel, as such a writer
 * made it: every address field (but the SRAM window's) zero and listed in
 * RELOCS.  The
 * model has no custom options, so the empty BLOBS entry of the section
 * table becomes RELOCS, appended at the end of the file.
 */
static uint8_t *v12_bytes(const char *rel, uint16_t minor, size_t *len,
			  struct npu_compiled_model **model)
{
	struct npu_compiled_model *m = compile_file(rel, NULL);
	struct npu_mf_reloc *relocs = NULL;
	struct npu_mf_header h;
	struct npu_mf_model_info *info;
	struct npu_mf_segment *seg;
	struct npu_mf_section *blobs;
	uint32_t n = 0;
	size_t at, size;
	uint8_t *buf, *out;

	ck_assert_int_eq(npu_model_serialize(m, (void **)&buf, &size), 0);
	seg = (struct npu_mf_segment *)(buf + section(buf, NPU_MF_SECT_SEGMENTS)->offset);
	for (uint32_t k = 0; k < m->num_segments; k++) {
		const struct npu_segment *s = &m->segments[k];
		uint8_t *cs = buf + section(buf, NPU_MF_SECT_STREAMS)->offset + seg[k].stream_offset;
		uint32_t first = n, bytes;

		for (uint32_t off = 0; off < s->stream_size; off += bytes) {
			struct npu_fw_operand ops[NPU_FW_SLOT_COUNT];
			union npu_cmd_params p;
			uint32_t hdr, count, done[NPU_FW_SLOT_COUNT], ndone = 0;

			memcpy(&hdr, cs + off, 4);
			bytes = NPU_CS_HDR_WORDS(hdr) * 4;
			memset(&p, 0, sizeof(p));
			memcpy(&p, cs + off + 4, bytes - 4 < sizeof(p) ? bytes - 4 : sizeof(p));
			count = npu_fw_cmd_operands(NPU_CS_HDR_OP(hdr), &p, ops);
			/* In field order, each field once. */
			for (uint32_t f = 0; f < sizeof(p); f += 4) {
				for (uint32_t i = 0; i < count; i++) {
					const uint32_t fo = (uint32_t)((const uint8_t *)ops[i].field -
								       (const uint8_t *)&p);
					uint64_t v;
					bool seen = false;

					for (uint32_t d = 0; d < ndone; d++)
						seen |= done[d] == fo;
					if (fo != f || seen)
						continue;
					done[ndone++] = fo;
					memcpy(&v, cs + off + 4 + fo, 8);
					if (NPU_ADDR_REGION(v) == NPU_REGION_ABS)
						continue;	/* the SRAM window */
					relocs = realloc(relocs, (n + 1) * sizeof(*relocs));
					relocs[n++] = v12_reloc(m, s, off + 4 + fo, v);
					memset(cs + off + 4 + fo, 0, 8);
				}
			}
		}
		seg[k].io_index = first;
		seg[k].num_io = n - first;
	}
	info = (struct npu_mf_model_info *)(buf + section(buf, NPU_MF_SECT_MODEL)->offset);
	info->num_relocs = n;
	blobs = section(buf, NPU_MF_SECT_BLOBS);
	ck_assert_uint_eq(blobs->size, 0);
	at = (size + 63) / 64 * 64;
	blobs->type = NPU_MF_SECT_RELOCS;
	blobs->offset = at;
	blobs->size = n * sizeof(*relocs);
	out = calloc(1, at + blobs->size);
	memcpy(out, buf, size);
	memcpy(out + at, relocs, blobs->size);
	*len = at + blobs->size;
	memcpy(&h, out, sizeof(h));
	h.version_minor = minor;
	h.file_size = *len;
	memcpy(out, &h, sizeof(h));
	fix_crc(out, *len);
	free(buf);
	free(relocs);
	*model = m;
	return out;
}

/*
 * Version 1.2 and 1.3 files (relocations) are still read: each relocation
 * becomes the region address a 1.4 compile writes, so the loaded streams
 * and I/O regions equal the compiler's; damaged relocations are refused as
 * before.
 */
START_TEST(test_v12_files_read)
{
	static const char *const models[] = {
		"tflm/person_detect.tflite", "tflm/mobilenet_v2_quantized_1x3x224x224.tflite",
		"seanet/add/add0.tflite", "zoo/kws_dscnn_mlperf_int8.tflite",
	};
	struct npu_compiled_model *m, *l;
	struct npu_mf_reloc *rl;
	char err[512];
	size_t len;
	uint8_t *buf;

	for (size_t i = 0; i < 2 * sizeof(models) / sizeof(models[0]); i++) {
		const uint16_t minor = (uint16_t)(2 + i % 2);
		uint32_t relocs = 0;

		buf = v12_bytes(models[i / 2], minor, &len, &m);
		ck_assert_msg(npu_model_load(buf, len, &l, err, sizeof(err)) == 0, "%s (1.%u): %s",
			      models[i / 2], minor, err);
		ck_assert_uint_eq(l->num_segments, m->num_segments);
		for (uint32_t k = 0; k < m->num_segments; k++) {
			const struct npu_segment *a = &m->segments[k], *b = &l->segments[k];

			ck_assert_uint_eq(a->stream_size, b->stream_size);
			ck_assert_msg(!memcmp(a->stream, b->stream, a->stream_size),
				      "%s: segment %u differs", models[i / 2], k);
			ck_assert_uint_eq(a->num_io, b->num_io);
			for (uint32_t r = 0; r < a->num_io; r++)
				ck_assert_int_eq(a->io_tensors[r], b->io_tensors[r]);
		}
		relocs = (uint32_t)(section(buf, NPU_MF_SECT_RELOCS)->size / sizeof(*rl));
		ck_assert_uint_gt(relocs, 0);
		npu_compiled_model_free(l);
		npu_compiled_model_free(m);
		free(buf);
	}

	/* A relocation outside its stream, and one pointing past the weights. */
	buf = v12_bytes("tflm/person_detect.tflite", 3, &len, &m);
	rl = (struct npu_mf_reloc *)(buf + section(buf, NPU_MF_SECT_RELOCS)->offset);
	rl[3].offset = 1u << 24;
	fix_crc(buf, len);
	expect_load_error(buf, len, -EINVAL, "relocation 3 at offset 16777216 is outside its");
	free(buf);
	npu_compiled_model_free(m);
	buf = v12_bytes("tflm/person_detect.tflite", 2, &len, &m);
	rl = (struct npu_mf_reloc *)(buf + section(buf, NPU_MF_SECT_RELOCS)->offset);
	for (uint32_t i = 0;; i++)
		if (rl[i].kind == NPU_MF_RELOC_WEIGHTS) {
			rl[i].addend = 1ull << 40;
			break;
		}
	fix_crc(buf, len);
	expect_load_error(buf, len, -EINVAL, "points outside the");
	/* A 1.4 file may not carry relocations. */
	{
		struct npu_mf_header h;

		memcpy(&h, buf, sizeof(h));
		h.version_minor = 4;
		memcpy(buf, &h, sizeof(h));
	}
	fix_crc(buf, len);
	expect_load_error(buf, len, -EINVAL, "a version 1.4 file has no relocations");
	free(buf);
	npu_compiled_model_free(m);
}
END_TEST

/*
 * A 1.3 file's relocation table and segment records (whose io_index and
 * num_io are first_reloc and num_relocs there) damaged at random, CRC
 * fixed: the conversion never crashes, and a file that still loads has
 * streams the region checks accepted.
 */
START_TEST(test_v12_random_damage)
{
	struct npu_compiled_model *m;
	size_t len;
	uint8_t *orig = v12_bytes("tflm/person_detect.tflite", 3, &len, &m);
	uint8_t *buf = malloc(len);
	const struct npu_mf_section rel = *section(orig, NPU_MF_SECT_RELOCS);
	const struct npu_mf_section seg = *section(orig, NPU_MF_SECT_SEGMENTS);
	unsigned int seed = 11, loaded = 0;

	for (int iter = 0; iter < 1500; iter++) {
		const struct npu_mf_section *at = iter % 4 ? &rel : &seg;
		struct npu_compiled_model *l;
		char err[512];

		memcpy(buf, orig, len);
		for (int k = 0; k < 1 + iter % 3; k++)
			buf[at->offset + rand_r(&seed) % at->size] = (uint8_t)rand_r(&seed);
		fix_crc(buf, len);
		if (npu_model_load(buf, len, &l, err, sizeof(err)) == 0) {
			loaded++;
			npu_compiled_model_free(l);
		} else {
			ck_assert(err[0]);
		}
	}
	(void)loaded;	/* damage to an addend's unused bytes may be harmless */
	free(buf);
	free(orig);
	npu_compiled_model_free(m);
}
END_TEST

/* Random damage with the CRC fixed: never a crash, always a message. */
START_TEST(test_random_damage)
{
	size_t len;
	uint8_t *orig = compiled_bytes("tflm/hello_world_int8.tflite", &len);
	uint8_t *buf = malloc(len);
	unsigned int seed = 7, loaded = 0;

	for (int iter = 0; iter < 1500; iter++) {
		struct npu_compiled_model *m;
		char err[512];

		memcpy(buf, orig, len);
		for (int k = 0; k < 1 + iter % 4; k++)
			buf[64 + rand_r(&seed) % (len - 64)] = (uint8_t)rand_r(&seed);
		fix_crc(buf, len);
		if (npu_model_load(buf, len, &m, err, sizeof(err)) == 0) {
			loaded++;
			npu_compiled_model_free(m);
		} else {
			ck_assert(err[0]);
		}
	}
	(void)loaded;	/* damage to padding or statistics is harmless */
	free(buf);
	free(orig);
}
END_TEST

/*
 * The arena plan of a .npu is re-derived by the loader: activations that
 * alias, a misaligned offset and an inflated arena are all refused.
 */
START_TEST(test_arena_plan_checked)
{
	struct npu_compiled_model *m = compile_file("tflm/person_detect.tflite", NULL);
	const struct npu_graph *g = m->graph;
	/* Two activations live together: the outputs of ops 0 and 1. */
	const int32_t a = g->ops[0].outputs[0], b = g->ops[1].outputs[0];
	const uint64_t saved_size = m->arena_size;
	size_t len;
	void *buf;

	ck_assert_uint_ne(m->tensor_arena_offset[a], m->tensor_arena_offset[b]);

	m->tensor_arena_offset[b] = m->tensor_arena_offset[a];
	ck_assert_int_eq(npu_model_serialize(m, &buf, &len), 0);
	expect_load_error(buf, len, -EINVAL, "the arena plan of this graph gives");
	free(buf);

	m->tensor_arena_offset[b] = m->tensor_arena_offset[a] + 1;
	ck_assert_int_eq(npu_model_serialize(m, &buf, &len), 0);
	expect_load_error(buf, len, -EINVAL, "aliased or misplaced activations");
	free(buf);

	npu_compiled_model_free(m);

	m = compile_file("tflm/person_detect.tflite", NULL);
	m->arena_size = saved_size << 20;
	ck_assert_int_eq(npu_model_serialize(m, &buf, &len), 0);
	expect_load_error(buf, len, -EINVAL, "the arena plan of this graph needs");
	free(buf);
	npu_compiled_model_free(m);
}
END_TEST

/*
 * npu-compile prepares the ops it places on the CPU: one TFLite would
 * refuse fails the compilation, one without a built-in kernel compiles and
 * the report says so.
 */
START_TEST(test_cpu_ops_prepared)
{
	static const int32_t s[] = { 1, 16 };
	struct npu_compiled_model *m;
	struct npu_graph *g;
	struct npu_graph_op *op;
	char err[512] = "";
	int32_t x, out;
	struct tg b;

	tg_init(&b);
	x = tg_tensor(&b, NPU_TYPE_INT8, 2, s, 0.05f, 0, NULL);
	out = tg_tensor(&b, NPU_TYPE_INT8, 2, s, 1.0f / 256, -128, NULL);
	op = tg_op(&b, NPU_BUILTIN_SOFTMAX, 1, 1, x, out);
	op->options_kind = NPU_OPTS_SOFTMAX;
	op->options.softmax.beta = NAN;
	tg_io(&b, x, out);
	ck_assert_int_eq(npu_compile(tg_dup(&b), NULL, &m, err, sizeof(err)), -EINVAL);
	ck_assert_msg(strstr(err, "operator 0 (SOFTMAX): beta nan is not a finite number"),
		      "%s", err);

	tg_init(&b);
	x = tg_tensor(&b, NPU_TYPE_INT8, 2, s, 0.05f, 0, NULL);
	out = tg_tensor(&b, NPU_TYPE_INT8, 2, s, 0.05f, 0, NULL);
	tg_op(&b, NPU_BUILTIN_CUSTOM, 1, 1, x, out);
	tg_io(&b, x, out);
	g = tg_dup(&b);
	g->ops[0].custom_name = strdup("my_op");	/* the graph owns it */
	ck_assert_int_eq(npu_compile(g, NULL, &m, err, sizeof(err)), 0);
	ck_assert_int_eq(m->op_segment[0], -1);
	ck_assert_msg(strstr(m->op_reason[0], "custom op 'my_op' is not an NPU op; no CPU kernel: ") &&
		      strstr(m->op_reason[0], "has no built-in CPU kernel"), "%s", m->op_reason[0]);
	/* What npu-compile names: the op, the report's words, its tensors. */
	ck_assert_int_eq(npu_compiled_op_runnable(m, 0, err, sizeof(err)), -ENOTSUP);
	ck_assert_msg(!strcmp(err, "op 0 (CUSTOM 'my_op'): no CPU kernel: CUSTOM my_op has no built-in "
			      "CPU kernel (int8 '' [1,16] -> int8 '' [1,16])"), "%s", err);
	ck_assert_int_eq(npu_compiled_op_runnable(m, 1, err, sizeof(err)), -ERANGE);
	npu_compiled_model_free(m);

	/* A tensor listed twice as a graph input is refused. */
	tg_init(&b);
	x = tg_tensor(&b, NPU_TYPE_INT8, 2, s, 0.05f, 0, NULL);
	out = tg_tensor(&b, NPU_TYPE_INT8, 2, s, 0.05f, 0, NULL);
	tg_op(&b, NPU_BUILTIN_LEAKY_RELU, 1, 1, x, out);
	tg_io(&b, x, out);
	b.g.num_inputs = 2;
	b.graph_in[1] = x;
	ck_assert_int_eq(npu_graph_validate(&b.g, err, sizeof(err)), -EINVAL);
	ck_assert_msg(strstr(err, "graph input 1 is tensor 0 (''), already an earlier graph input"),
		      "%s", err);
}
END_TEST

/*
 * A DEQUANTIZE of constant float16 weights (the converter's fp16 mode) is
 * folded into a float32 constant before placement (compiler/fold.c): the
 * FULLY_CONNECTED after it sees a constant filter, keeps its TFLite number,
 * and computes what the unfolded graph would.  A DEQUANTIZE that is a graph
 * output stays an op.
 */
/*
 * The converter's fp16 mode writes an LSTM's zero state as a DEQUANTIZE of
 * a float16 constant into the variable tensor; TFLite evaluates it once,
 * and the state carries over.  The reader accepts exactly that writer of a
 * variable (another op writing one is refused), and the fold makes the
 * result the variable's initial value.
 */
START_TEST(test_fold_variable_init)
{
	static const uint16_t half[2] = { 0x3c00, 0xc000 };	/* 1.0, -2.0 */
	const struct npu_compile_options cpu = { .flags = NPU_COMPILE_CPU_ONLY };
	struct npu_compiled_model *m;
	struct npu_cpu *exe;
	struct tg b;
	char err[512] = "";
	int32_t w16, v, x, y;
	const float *out;

	tg_init(&b);
	w16 = tg_tensor(&b, NPU_TYPE_FLOAT16, 1, (const int32_t[]){ 2 }, 0.0f, 0, half);
	v = tg_tensor(&b, NPU_TYPE_FLOAT32, 1, (const int32_t[]){ 2 }, 0.0f, 0, NULL);
	b.t[v].is_variable = true;
	x = tg_tensor(&b, NPU_TYPE_FLOAT32, 1, (const int32_t[]){ 2 }, 0.0f, 0, NULL);
	y = tg_tensor(&b, NPU_TYPE_FLOAT32, 1, (const int32_t[]){ 2 }, 0.0f, 0, NULL);
	tg_op(&b, NPU_BUILTIN_DEQUANTIZE, 1, 1, w16, v);
	tg_op(&b, NPU_BUILTIN_ADD, 2, 1, x, v, y);
	b.ops[1].options_kind = NPU_OPTS_ELTWISE;
	tg_io(&b, x, y);
	ck_assert_msg(!npu_graph_validate(&b.g, err, sizeof(err)), "%s", err);
	ck_assert_msg(!npu_compile(tg_dup(&b), &cpu, &m, err, sizeof(err)), "%s", err);
	ck_assert_uint_eq(m->graph->num_ops, 1);
	ck_assert(m->graph->tensors[v].is_variable);
	ck_assert_ptr_nonnull(m->graph->tensors[v].data);
	ck_assert_msg(!npu_cpu_create(m->graph, &exe, err, sizeof(err)), "%s", err);
	memcpy(npu_cpu_tensor_data(exe, x), (const float[]){ 0.5f, 0.5f }, 8);
	ck_assert_msg(!npu_cpu_invoke(exe), "%s", npu_cpu_error(exe));
	out = npu_cpu_tensor_data(exe, y);
	ck_assert_float_eq(out[0], 1.5f);
	ck_assert_float_eq(out[1], -1.5f);
	npu_cpu_destroy(exe);
	npu_compiled_model_free(m);

	/* Any other writer of a variable overwrites state: refused. */
	b.ops[0].builtin = NPU_BUILTIN_RELU;
	b.t[w16].type = NPU_TYPE_FLOAT32;
	ck_assert_int_eq(npu_graph_validate(&b.g, err, sizeof(err)), -EINVAL);
	ck_assert_msg(strstr(err, "overwrites tensor"), "%s", err);
}
END_TEST

START_TEST(test_fold_dequantize)
{
	/* 1.0, -2.0, 0.5, 65504 (the largest half) */
	static const uint16_t half[4] = { 0x3c00, 0xc000, 0x3800, 0x7bff };
	static const float want_w[4] = { 1.0f, -2.0f, 0.5f, 65504.0f };
	const struct npu_compile_options cpu = { .flags = NPU_COMPILE_CPU_ONLY };
	struct npu_compiled_model *m;
	struct npu_cpu *exe;
	struct tg b;
	char err[512] = "";
	int32_t w16, w, x, y;
	const float *out;

	tg_init(&b);
	w16 = tg_tensor(&b, NPU_TYPE_FLOAT16, 2, (const int32_t[]){ 2, 2 }, 0.0f, 0, half);
	w = tg_tensor(&b, NPU_TYPE_FLOAT32, 2, (const int32_t[]){ 2, 2 }, 0.0f, 0, NULL);
	x = tg_tensor(&b, NPU_TYPE_FLOAT32, 2, (const int32_t[]){ 1, 2 }, 0.0f, 0, NULL);
	y = tg_tensor(&b, NPU_TYPE_FLOAT32, 2, (const int32_t[]){ 1, 2 }, 0.0f, 0, NULL);
	tg_op(&b, NPU_BUILTIN_DEQUANTIZE, 1, 1, w16, w);
	tg_op(&b, NPU_BUILTIN_FULLY_CONNECTED, 3, 1, x, w, NPU_TENSOR_NONE, y);
	b.ops[1].options_kind = NPU_OPTS_FC;
	tg_io(&b, x, y);
	ck_assert_msg(!npu_compile(tg_dup(&b), &cpu, &m, err, sizeof(err)), "%s", err);
	ck_assert_uint_eq(m->graph->num_ops, 1);
	ck_assert_int_eq(m->graph->ops[0].builtin, NPU_BUILTIN_FULLY_CONNECTED);
	ck_assert_uint_eq(npu_graph_op_source(m->graph, 0), 1);
	ck_assert_ptr_nonnull(m->graph->tensors[w].data);
	ck_assert_uint_eq(m->graph->tensors[w].data_size, sizeof(want_w));
	ck_assert_mem_eq(m->graph->tensors[w].data, want_w, sizeof(want_w));
	ck_assert_msg(!npu_cpu_create(m->graph, &exe, err, sizeof(err)), "%s", err);
	memcpy(npu_cpu_tensor_data(exe, x), (const float[]){ 1.0f, 1.0f }, 8);
	ck_assert_msg(!npu_cpu_invoke(exe), "%s", npu_cpu_error(exe));
	out = npu_cpu_tensor_data(exe, y);
	ck_assert_float_eq(out[0], -1.0f);
	ck_assert_float_eq(out[1], 65504.5f);
	npu_cpu_destroy(exe);
	/* A .npu keeps the gap the fold left: one op, source number 1. */
	{
		struct npu_compiled_model *l = NULL;
		void *buf;
		size_t len;

		ck_assert_int_eq(npu_model_serialize(m, &buf, &len), 0);
		ck_assert_msg(!npu_model_load(buf, len, &l, err, sizeof(err)), "%s", err);
		ck_assert_uint_eq(l->graph->num_ops, 1);
		ck_assert_uint_eq(npu_graph_op_source(l->graph, 0), 1);
		npu_compiled_model_free(l);
		free(buf);
	}
	npu_compiled_model_free(m);

	/* The dequantized weights as a second output: nothing folds. */
	b.g.num_outputs = 2;
	b.graph_out[1] = w;
	ck_assert_msg(!npu_compile(tg_dup(&b), &cpu, &m, err, sizeof(err)), "%s", err);
	ck_assert_uint_eq(m->graph->num_ops, 2);
	ck_assert_ptr_null(m->graph->op_source);
	ck_assert_ptr_null(m->graph->tensors[w].data);
	npu_compiled_model_free(m);
}
END_TEST

/*
 * Keras 3's shape arithmetic: SHAPE of an activation, a STRIDED_SLICE of it
 * and a CONCATENATION with constants make a RESHAPE's shape; the file
 * stores the RESHAPE's output with a placeholder 1 for the dimension it
 * left dynamic.  All three fold (compiler/fold.c) and the RESHAPE gets the
 * shape TFLite's Prepare computes; op numbers stay TFLite's.
 */
START_TEST(test_fold_shape)
{
	static const int32_t begin[1] = { 0 }, end[1] = { 2 }, stride[1] = { 1 };
	static const int32_t tail[2] = { 4, -1 };
	const struct npu_compile_options cpu = { .flags = NPU_COMPILE_CPU_ONLY };
	struct npu_compiled_model *m;
	struct npu_graph_op *op;
	struct tg b;
	char err[512] = "";
	int32_t x, sh, sl, cat, y, cb, ce, cs, ct;
	const int32_t *v;

	tg_init(&b);
	x = tg_tensor(&b, NPU_TYPE_FLOAT32, 3, (const int32_t[]){ 1, 3, 8 }, 0.0f, 0, NULL);
	sh = tg_tensor(&b, NPU_TYPE_INT32, 1, (const int32_t[]){ 3 }, 0.0f, 0, NULL);
	cb = tg_tensor(&b, NPU_TYPE_INT32, 1, (const int32_t[]){ 1 }, 0.0f, 0, begin);
	ce = tg_tensor(&b, NPU_TYPE_INT32, 1, (const int32_t[]){ 1 }, 0.0f, 0, end);
	cs = tg_tensor(&b, NPU_TYPE_INT32, 1, (const int32_t[]){ 1 }, 0.0f, 0, stride);
	sl = tg_tensor(&b, NPU_TYPE_INT32, 1, (const int32_t[]){ 2 }, 0.0f, 0, NULL);
	ct = tg_tensor(&b, NPU_TYPE_INT32, 1, (const int32_t[]){ 2 }, 0.0f, 0, tail);
	cat = tg_tensor(&b, NPU_TYPE_INT32, 1, (const int32_t[]){ 4 }, 0.0f, 0, NULL);
	/* [1, 3, 4, 2] in truth; the file says [1, 1, 4, 1]. */
	y = tg_tensor(&b, NPU_TYPE_FLOAT32, 4, (const int32_t[]){ 1, 1, 4, 1 }, 0.0f, 0, NULL);
	tg_op(&b, NPU_BUILTIN_SHAPE, 1, 1, x, sh);
	op = tg_op(&b, NPU_BUILTIN_STRIDED_SLICE, 4, 1, sh, cb, ce, cs, sl);
	op->options_kind = NPU_OPTS_STRIDED_SLICE;
	op = tg_op(&b, NPU_BUILTIN_CONCATENATION, 2, 1, sl, ct, cat);
	op->options_kind = NPU_OPTS_CONCAT;
	tg_op(&b, NPU_BUILTIN_RESHAPE, 2, 1, x, cat, y);
	tg_io(&b, x, y);
	ck_assert_msg(!npu_compile(tg_dup(&b), &cpu, &m, err, sizeof(err)), "%s", err);
	ck_assert_uint_eq(m->graph->num_ops, 1);
	ck_assert_int_eq(m->graph->ops[0].builtin, NPU_BUILTIN_RESHAPE);
	ck_assert_uint_eq(npu_graph_op_source(m->graph, 0), 3);
	v = m->graph->tensors[cat].data;
	ck_assert_ptr_nonnull(v);
	ck_assert_int_eq(v[0], 1);
	ck_assert_int_eq(v[1], 3);
	ck_assert_int_eq(v[2], 4);
	ck_assert_int_eq(v[3], -1);
	ck_assert_int_eq(m->graph->tensors[y].shape[1], 3);
	ck_assert_int_eq(m->graph->tensors[y].shape[3], 2);
	ck_assert_uint_eq(m->graph->tensors[y].bytes, 24 * sizeof(float));
	npu_compiled_model_free(m);
}
END_TEST

/*
 * A Keras Dense on 3-D input after a Flatten-like RESHAPE, as the converter
 * writes it when inner dimensions are dynamic (shape_signature -1): every
 * output downstream of the RESHAPE is stored with placeholder 1s and
 * TFLite computes the real shapes at Prepare.  Compile-time propagation
 * (compiler/fold.c) gives each output the shape its producer computes:
 * RESHAPE with -1, FULLY_CONNECTED with and without keep_num_dims, a
 * broadcasting ADD, TRANSPOSE, SOFTMAX.  A shape that cannot be resolved
 * is refused as a dynamic shape, naming the tensors.
 */
START_TEST(test_propagate_shapes)
{
	static const int32_t flat[2] = { -1, 12 }, three[3] = { 1, -1, 32 };
	static const int32_t perm[3] = { 0, 2, 1 }, bad[2] = { -1, 7 };
	static float w1[16 * 12], w2[8 * 32], bias[8];
	const struct npu_compile_options cpu = { .flags = NPU_COMPILE_CPU_ONLY };
	struct npu_compiled_model *m;
	struct npu_graph_op *op;
	struct tg b;
	char err[512] = "";
	int32_t x, r, f, r3, f3, a, t, y, c;
	const struct npu_graph_tensor *tt;

	tg_init(&b);
	x = tg_tensor(&b, NPU_TYPE_FLOAT32, 3, (const int32_t[]){ 1, 10, 12 }, 0.0f, 0, NULL);
	c = tg_tensor(&b, NPU_TYPE_INT32, 1, (const int32_t[]){ 2 }, 0.0f, 0, flat);
	r = tg_tensor(&b, NPU_TYPE_FLOAT32, 2, (const int32_t[]){ 1, 12 }, 0.0f, 0, NULL);
	tg_op(&b, NPU_BUILTIN_RESHAPE, 2, 1, x, c, r);
	c = tg_tensor(&b, NPU_TYPE_FLOAT32, 2, (const int32_t[]){ 16, 12 }, 0.0f, 0, w1);
	f = tg_tensor(&b, NPU_TYPE_FLOAT32, 2, (const int32_t[]){ 1, 16 }, 0.0f, 0, NULL);
	op = tg_op(&b, NPU_BUILTIN_FULLY_CONNECTED, 3, 1, r, c, NPU_TENSOR_NONE, f);
	op->options_kind = NPU_OPTS_FC;
	c = tg_tensor(&b, NPU_TYPE_INT32, 1, (const int32_t[]){ 3 }, 0.0f, 0, three);
	r3 = tg_tensor(&b, NPU_TYPE_FLOAT32, 3, (const int32_t[]){ 1, 5, 32 }, 0.0f, 0, NULL);
	tg_op(&b, NPU_BUILTIN_RESHAPE, 2, 1, f, c, r3);
	c = tg_tensor(&b, NPU_TYPE_FLOAT32, 2, (const int32_t[]){ 8, 32 }, 0.0f, 0, w2);
	f3 = tg_tensor(&b, NPU_TYPE_FLOAT32, 3, (const int32_t[]){ 1, 1, 8 }, 0.0f, 0, NULL);
	op = tg_op(&b, NPU_BUILTIN_FULLY_CONNECTED, 3, 1, r3, c, NPU_TENSOR_NONE, f3);
	op->options_kind = NPU_OPTS_FC;
	op->options.fc.keep_num_dims = 1;
	c = tg_tensor(&b, NPU_TYPE_FLOAT32, 1, (const int32_t[]){ 8 }, 0.0f, 0, bias);
	a = tg_tensor(&b, NPU_TYPE_FLOAT32, 3, (const int32_t[]){ 1, 1, 8 }, 0.0f, 0, NULL);
	op = tg_op(&b, NPU_BUILTIN_ADD, 2, 1, f3, c, a);
	op->options_kind = NPU_OPTS_ELTWISE;
	c = tg_tensor(&b, NPU_TYPE_INT32, 1, (const int32_t[]){ 3 }, 0.0f, 0, perm);
	t = tg_tensor(&b, NPU_TYPE_FLOAT32, 3, (const int32_t[]){ 1, 8, 1 }, 0.0f, 0, NULL);
	tg_op(&b, NPU_BUILTIN_TRANSPOSE, 2, 1, a, c, t);
	y = tg_tensor(&b, NPU_TYPE_FLOAT32, 3, (const int32_t[]){ 1, 1, 1 }, 0.0f, 0, NULL);
	op = tg_op(&b, NPU_BUILTIN_SOFTMAX, 1, 1, t, y);
	op->options_kind = NPU_OPTS_SOFTMAX;
	op->options.softmax.beta = 1.0f;
	tg_io(&b, x, y);
	ck_assert_msg(!npu_compile(tg_dup(&b), &cpu, &m, err, sizeof(err)), "%s", err);
	tt = m->graph->tensors;
	ck_assert_int_eq(tt[r].shape[0], 10);
	ck_assert_int_eq(tt[f].shape[0], 10);
	ck_assert_int_eq(tt[f].shape[1], 16);
	ck_assert_int_eq(tt[f3].shape[1], 5);
	ck_assert_int_eq(tt[a].shape[1], 5);
	ck_assert_int_eq(tt[t].shape[1], 8);
	ck_assert_int_eq(tt[t].shape[2], 5);
	ck_assert_int_eq(tt[y].shape[1], 8);
	ck_assert_int_eq(tt[y].shape[2], 5);
	ck_assert_uint_eq(tt[y].bytes, 40 * sizeof(float));
	npu_compiled_model_free(m);

	/* 120 elements do not make rows of 7: unresolved, a dynamic shape. */
	tg_init(&b);
	x = tg_tensor(&b, NPU_TYPE_FLOAT32, 3, (const int32_t[]){ 1, 10, 12 }, 0.0f, 0, NULL);
	c = tg_tensor(&b, NPU_TYPE_INT32, 1, (const int32_t[]){ 2 }, 0.0f, 0, bad);
	r = tg_tensor(&b, NPU_TYPE_FLOAT32, 2, (const int32_t[]){ 1, 7 }, 0.0f, 0, NULL);
	tg_op(&b, NPU_BUILTIN_RESHAPE, 2, 1, x, c, r);
	tg_io(&b, x, r);
	ck_assert_int_eq(npu_compile(tg_dup(&b), &cpu, &m, err, sizeof(err)), -EINVAL);
	ck_assert_msg(strstr(err, "dynamic shape") && strstr(err, "RESHAPE") &&
		      strstr(err, "output tensor 2"), "%s", err);
}
END_TEST

/*
 * A detector head as Keras writes it with a dynamic batch: RESHAPEs to
 * [batch, -1, 4], a CONCATENATION of them, a STRIDED_SLICE and an ARG_MAX
 * over its rows; and a dilated pool as SPACE_TO_BATCH_ND, MAX_POOL_2D,
 * BATCH_TO_SPACE_ND, whose batch the converter stores as 1.  Each output
 * takes the shape TFLite's Prepare gives it, and the model runs.
 */
START_TEST(test_propagate_concat_slice_batch)
{
	static const int32_t to3[3] = { 1, -1, 4 }, blk[2] = { 2, 2 };
	static const int32_t pads[4] = { 0, 0, 0, 0 }, one = 1;
	static const int32_t sb[3] = { 0, 0, 1 }, se[3] = { 0, 0, 3 }, ss[3] = { 1, 1, 1 };
	const struct npu_compile_options cpu = { .flags = NPU_COMPILE_CPU_ONLY };
	struct npu_compiled_model *m;
	struct npu_graph_op *op;
	struct tg b;
	char err[512] = "";
	int32_t x, c, r1, r2, cat, sl, am, cb, cp, s2b, mp, b2s;
	const struct npu_graph_tensor *tt;

	tg_init(&b);
	x = tg_tensor(&b, NPU_TYPE_INT8, 4, (const int32_t[]){ 1, 4, 4, 8 }, 0.5f, 0, NULL);
	c = tg_tensor(&b, NPU_TYPE_INT32, 1, (const int32_t[]){ 3 }, 0.0f, 0, to3);
	r1 = tg_tensor(&b, NPU_TYPE_INT8, 3, (const int32_t[]){ 1, 1, 4 }, 0.5f, 0, NULL);
	tg_op(&b, NPU_BUILTIN_RESHAPE, 2, 1, x, c, r1);
	r2 = tg_tensor(&b, NPU_TYPE_INT8, 3, (const int32_t[]){ 1, 1, 4 }, 0.5f, 0, NULL);
	tg_op(&b, NPU_BUILTIN_RESHAPE, 2, 1, x, c, r2);
	cat = tg_tensor(&b, NPU_TYPE_INT8, 3, (const int32_t[]){ 1, 1, 4 }, 0.5f, 0, NULL);
	op = tg_op(&b, NPU_BUILTIN_CONCATENATION, 2, 1, r1, r2, cat);
	op->options_kind = NPU_OPTS_CONCAT;
	op->options.concat.axis = -2;
	sl = tg_tensor(&b, NPU_TYPE_INT8, 3, (const int32_t[]){ 1, 1, 2 }, 0.5f, 0, NULL);
	op = tg_op(&b, NPU_BUILTIN_STRIDED_SLICE, 4, 1, cat,
		   tg_tensor(&b, NPU_TYPE_INT32, 1, (const int32_t[]){ 3 }, 0.0f, 0, sb),
		   tg_tensor(&b, NPU_TYPE_INT32, 1, (const int32_t[]){ 3 }, 0.0f, 0, se),
		   tg_tensor(&b, NPU_TYPE_INT32, 1, (const int32_t[]){ 3 }, 0.0f, 0, ss), sl);
	op->options_kind = NPU_OPTS_STRIDED_SLICE;
	op->options.strided_slice.begin_mask = 3;
	op->options.strided_slice.end_mask = 3;
	am = tg_tensor(&b, NPU_TYPE_INT32, 2, (const int32_t[]){ 1, 1 }, 0.0f, 0, NULL);
	tg_op(&b, NPU_BUILTIN_ARG_MAX, 2, 1, sl,
	      tg_tensor(&b, NPU_TYPE_INT32, 1, (const int32_t[]){ 1 }, 0.0f, 0, &one), am);
	s2b = tg_tensor(&b, NPU_TYPE_INT8, 4, (const int32_t[]){ 1, 2, 2, 8 }, 0.5f, 0, NULL);
	cb = tg_tensor(&b, NPU_TYPE_INT32, 1, (const int32_t[]){ 2 }, 0.0f, 0, blk);
	cp = tg_tensor(&b, NPU_TYPE_INT32, 2, (const int32_t[]){ 2, 2 }, 0.0f, 0, pads);
	tg_op(&b, NPU_BUILTIN_SPACE_TO_BATCH_ND, 3, 1, x, cb, cp, s2b);
	mp = tg_tensor(&b, NPU_TYPE_INT8, 4, (const int32_t[]){ 1, 2, 2, 8 }, 0.5f, 0, NULL);
	op = tg_op(&b, NPU_BUILTIN_MAX_POOL_2D, 1, 1, s2b, mp);
	op->options_kind = NPU_OPTS_POOL;
	op->options.pool = (struct npu_pool_options){
		.padding = NPU_PADDING_SAME, .stride_w = 1, .stride_h = 1,
		.filter_w = 2, .filter_h = 2,
	};
	b2s = tg_tensor(&b, NPU_TYPE_INT8, 4, (const int32_t[]){ 1, 4, 4, 8 }, 0.5f, 0, NULL);
	tg_op(&b, NPU_BUILTIN_BATCH_TO_SPACE_ND, 3, 1, mp, cb, cp, b2s);
	b.g.num_outputs = 2;
	b.g.outputs[0] = am;
	b.g.outputs[1] = b2s;
	b.g.num_inputs = 1;
	b.g.inputs[0] = x;
	ck_assert_msg(!npu_compile(tg_dup(&b), &cpu, &m, err, sizeof(err)), "%s", err);
	tt = m->graph->tensors;
	ck_assert_int_eq(tt[r1].shape[1], 32);
	ck_assert_int_eq(tt[cat].shape[1], 64);
	ck_assert_int_eq(tt[cat].shape[2], 4);
	ck_assert_int_eq(tt[sl].shape[1], 64);
	ck_assert_int_eq(tt[sl].shape[2], 2);
	ck_assert_int_eq(tt[am].shape[1], 2);
	ck_assert_int_eq(tt[s2b].shape[0], 4);
	ck_assert_int_eq(tt[mp].shape[0], 4);
	ck_assert_int_eq(tt[b2s].shape[0], 1);
	ck_assert_uint_eq(tt[am].bytes, 2 * sizeof(int32_t));
	npu_compiled_model_free(m);
}
END_TEST

static Suite *compile_suite(void)
{
	Suite *s = suite_create("compile");
	TCase *tc = tcase_create("models");

	tcase_add_loop_test(tc, test_compile_roundtrip_run, 0,
			    (int)(sizeof(all_models) / sizeof(all_models[0])));
	tcase_add_test(tc, test_person_detect_golden);
	tcase_add_test(tc, test_sigmoid_s16_on_npu);
	tcase_add_test(tc, test_fusion_bit_exact);
	tcase_add_test(tc, test_fusion_cpu_skips_folded);
	tcase_add_test(tc, test_fold_dequantize);
	tcase_add_test(tc, test_fold_variable_init);
	tcase_add_test(tc, test_fold_shape);
	tcase_add_test(tc, test_propagate_shapes);
	tcase_add_test(tc, test_propagate_concat_slice_batch);
	tcase_add_test(tc, test_fusion_refused);
	tcase_add_test(tc, test_fusion_mobilenet_v2);
	tcase_add_test(tc, test_sram_mobilenet_v2);
	tcase_add_test(tc, test_sram_loads_clear);
	tcase_add_test(tc, test_sram_middle);
	tcase_add_test(tc, test_person_detect_placement);
	tcase_add_test(tc, test_forced_cpu);
	tcase_add_test(tc, test_recompile_from_graph);
	tcase_add_test(tc, test_limit_reasons);
	tcase_add_loop_test(tc, test_arena, 0, 3);
	tcase_set_timeout(tc, 300);
	suite_add_tcase(s, tc);

	tc = tcase_create("damaged");
	tcase_add_test(tc, test_crc_zlib_equals_firmware);
	tcase_add_test(tc, test_damaged_header);
	tcase_add_test(tc, test_damaged_sections);
	tcase_add_test(tc, test_damaged_records);
	tcase_add_test(tc, test_v12_files_read);
	tcase_add_test(tc, test_v12_random_damage);
	tcase_add_test(tc, test_random_damage);
	tcase_add_test(tc, test_arena_plan_checked);
	tcase_add_test(tc, test_cpu_ops_prepared);
	tcase_add_test(tc, test_while_roundtrip);
	tcase_set_timeout(tc, 120);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	SRunner *sr = srunner_create(compile_suite());
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
