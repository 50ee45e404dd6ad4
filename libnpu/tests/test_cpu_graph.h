/* SPDX-License-Identifier: MIT */
/*
 * Tiny hand-built graphs for the CPU tests (test_cpu_*.c): one op, a few
 * tensors, all storage inside the struct (do not npu_graph_free() it).
 * Header-only so it is not linked into other test binaries.
 */
#ifndef TEST_CPU_GRAPH_H
#define TEST_CPU_GRAPH_H

#include <check.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "npu_graph.h"

#define TG_MAX_TENSORS 16
#define TG_MAX_OPS 8
#define TG_MAX_CH 16

struct tg {
	struct npu_graph g;
	struct npu_graph_tensor t[TG_MAX_TENSORS];
	struct npu_graph_op ops[TG_MAX_OPS];
	int32_t op_io[TG_MAX_OPS][16];
	float scale[TG_MAX_TENSORS][TG_MAX_CH];
	int32_t zp[TG_MAX_TENSORS][TG_MAX_CH];
	int32_t graph_in[4], graph_out[4];
};

static inline void tg_init(struct tg *b)
{
	memset(b, 0, sizeof(*b));
	b->g.tensors = b->t;
	b->g.ops = b->ops;
	b->g.inputs = b->graph_in;
	b->g.outputs = b->graph_out;
}

/* Adds a tensor; @scale 0 means not quantized; @data NULL: activation. */
static inline int32_t tg_tensor(struct tg *b, enum npu_type type, int rank,
				const int32_t *shape, float scale, int32_t zp,
				const void *data)
{
	const int32_t i = (int32_t)b->g.num_tensors++;
	struct npu_graph_tensor *t = &b->t[i];

	ck_assert_int_lt(i, TG_MAX_TENSORS);

	t->name = (char *)"";
	t->type = type;
	t->rank = rank;
	t->elements = 1;
	for (int d = 0; d < rank; d++) {
		t->shape[d] = shape[d];
		t->elements *= (size_t)shape[d];
	}
	t->bytes = t->elements * npu_type_size(type);
	if (scale != 0.0f) {
		t->quant.count = 1;
		t->quant.scale = b->scale[i];
		t->quant.zero_point = b->zp[i];
		b->scale[i][0] = scale;
		b->zp[i][0] = zp;
	}
	t->data = (void *)data;
	t->data_size = data ? t->bytes : 0;
	return i;
}

/* Per-channel scales along @dim (zero points 0). */
static inline void tg_per_channel(struct tg *b, int32_t t, uint32_t n,
				  const float *scales, int32_t dim)
{
	b->t[t].quant.count = n;
	b->t[t].quant.quantized_dimension = dim;
	b->t[t].quant.scale = b->scale[t];
	b->t[t].quant.zero_point = b->zp[t];
	for (uint32_t c = 0; c < n; c++) {
		b->scale[t][c] = scales[c];
		b->zp[t][c] = 0;
	}
}

/* Adds an op with @nin inputs then @nout outputs, the tensor indices @io. */
static inline struct npu_graph_op *tg_op_io(struct tg *b, int32_t builtin, uint32_t nin,
					    uint32_t nout, const int32_t *io)
{
	const uint32_t k = b->g.num_ops++;
	struct npu_graph_op *op = &b->ops[k];

	ck_assert_uint_lt(k, TG_MAX_OPS);
	ck_assert_uint_le(nin + nout, 16);
	op->builtin = builtin;
	op->version = 1;
	op->num_inputs = nin;
	op->num_outputs = nout;
	op->inputs = b->op_io[k];
	op->outputs = b->op_io[k] + nin;
	memcpy(b->op_io[k], io, (nin + nout) * sizeof(*io));
	return op;
}

/* Adds an op with @nin inputs then @nout outputs (tensor indices). */
static inline struct npu_graph_op *tg_op(struct tg *b, int32_t builtin,
					 uint32_t nin, uint32_t nout, ...)
{
	int32_t io[16];
	va_list ap;

	ck_assert_uint_le(nin + nout, 16);
	va_start(ap, nout);
	for (uint32_t i = 0; i < nin + nout; i++)
		io[i] = va_arg(ap, int32_t);
	va_end(ap);
	return tg_op_io(b, builtin, nin, nout, io);
}

static inline void tg_io(struct tg *b, int32_t in, int32_t out)
{
	b->g.num_inputs = 1;
	b->graph_in[0] = in;
	b->g.num_outputs = 1;
	b->graph_out[0] = out;
}

/* One tensor of tg_one_op(): @scale 0 not quantized, @data NULL an activation. */
struct tg_spec {
	enum npu_type type;
	int rank;
	const int32_t *shape;
	const void *data;
	float scale;
	int32_t zp;
};

/* struct tg_spec initializers: an activation, a quantized one, a constant. */
#define TG_ACT(type_, rank_, shape_) { .type = (type_), .rank = (rank_), .shape = (shape_) }
#define TG_QACT(type_, rank_, shape_, scale_, zp_) \
	{ .type = (type_), .rank = (rank_), .shape = (shape_), .scale = (scale_), .zp = (zp_) }
#define TG_CONST(type_, rank_, shape_, data_) \
	{ .type = (type_), .rank = (rank_), .shape = (shape_), .data = (data_) }

/*
 * @b anew as the graph of one @builtin op, the set-up most single-builtin
 * tests share: its inputs @in are tensors 0 to @nin - 1, its outputs @out
 * the tensors after them; the graph's input is tensor 0, its output
 * tensor @nin (tg_inputs() names more inputs).
 */
static inline struct npu_graph_op *tg_one_op(struct tg *b, int32_t builtin,
					     uint32_t nin, const struct tg_spec *in,
					     uint32_t nout, const struct tg_spec *out)
{
	int32_t io[16];

	ck_assert_uint_le(nin + nout, 16);
	tg_init(b);
	for (uint32_t i = 0; i < nin + nout; i++) {
		const struct tg_spec *s = i < nin ? &in[i] : &out[i - nin];

		io[i] = tg_tensor(b, s->type, s->rank, s->shape, s->scale, s->zp, s->data);
	}
	tg_io(b, 0, (int32_t)nin);
	return tg_op_io(b, builtin, nin, nout, io);
}

/* A heap copy of a hand-built graph, for npu_compile() (which owns it). */
static inline struct npu_graph *tg_dup(const struct tg *b)
{
	const struct npu_graph *src = &b->g;
	struct npu_graph *g = calloc(1, sizeof(*g));

	ck_assert_ptr_nonnull(g);
	*g = *src;
	g->tensors = calloc(src->num_tensors, sizeof(*g->tensors));
	g->ops = calloc(src->num_ops, sizeof(*g->ops));
	g->inputs = malloc(src->num_inputs * sizeof(int32_t));
	g->outputs = malloc(src->num_outputs * sizeof(int32_t));
	ck_assert(g->tensors && g->ops && g->inputs && g->outputs);
	memcpy(g->inputs, src->inputs, src->num_inputs * sizeof(int32_t));
	memcpy(g->outputs, src->outputs, src->num_outputs * sizeof(int32_t));
	for (uint32_t i = 0; i < src->num_tensors; i++) {
		const struct npu_graph_tensor *st = &src->tensors[i];
		struct npu_graph_tensor *t = &g->tensors[i];

		*t = *st;
		t->name = strdup(st->name ? st->name : "");
		t->quant.scale = malloc(st->quant.count * sizeof(float) + 1);
		t->quant.zero_point = malloc(st->quant.count * sizeof(int32_t) + 1);
		if (st->quant.count) {	/* NULL arrays when not quantized */
			memcpy(t->quant.scale, st->quant.scale, st->quant.count * sizeof(float));
			memcpy(t->quant.zero_point, st->quant.zero_point,
			       st->quant.count * sizeof(int32_t));
		}
		if (st->data) {
			t->data = malloc(st->data_size);
			memcpy(t->data, st->data, st->data_size);
		}
	}
	for (uint32_t i = 0; i < src->num_ops; i++) {
		const struct npu_graph_op *so = &src->ops[i];
		struct npu_graph_op *op = &g->ops[i];

		*op = *so;
		op->inputs = malloc(so->num_inputs * sizeof(int32_t) + 1);
		op->outputs = malloc(so->num_outputs * sizeof(int32_t) + 1);
		memcpy(op->inputs, so->inputs, so->num_inputs * sizeof(int32_t));
		memcpy(op->outputs, so->outputs, so->num_outputs * sizeof(int32_t));
	}
	return g;
}

#endif /* TEST_CPU_GRAPH_H */
