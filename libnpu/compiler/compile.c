// SPDX-License-Identifier: MIT
/*
 * The compiler: graph -> placement, segments with command streams,
 * weights, arena plan.
 *
 * Parameters of NPU ops come from npu_cpu_prepare_op() (libnpu/cpu: the one
 * implementation of TFLite's Prepare math); the hardware limits and the
 * authority on what the NPU accepts is npu_fw_check_op() with
 * NPU_FW_CHECK_HW_LIMITS (firmware/); costs come from the firmware cycle
 * model.  This file only decides, lays out and encodes.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compiler_internal.h"
#include "../lower/lower.h"
#include "npu_cmdstream.h"
#include "npu_cpu.h"
#include "npu_fw.h"

/* The weights buffer: every blob DMA-aligned. */
#define WBUF_RECENT	8
struct wbuf {
	struct npu_blob b;
	/* Derived tables placed lately: a cascade's bands share them. */
	const void *recent_src[WBUF_RECENT];
	uint64_t recent_len[WBUF_RECENT], recent_off[WBUF_RECENT];
	uint32_t recent_next;
};

static int wbuf_add(struct wbuf *w, const void *src, uint64_t len, uint64_t *offset)
{
	size_t at;
	int ret = npu_blob_put(&w->b, src, (size_t)len, NPU_MF_BLOB_ALIGN, &at);

	if (!ret)
		*offset = at;
	return ret;
}

/*
 * The firmware's reason for refusing a command, worded with its numbers
 * where it is a hardware limit ("CONV_2D: stride 5 exceeds the NPU limit
 * of 4"), as Vela words its constraints.
 */
static void word_reason(char *why, size_t len, const char *name,
			const struct npu_fw_reason *r)
{
	if (r->what && r->height)
		snprintf(why, len, "%s: %s %lldx%lld exceeds the NPU limit of %lld", name,
			 r->what, (long long)r->height, (long long)r->width, (long long)r->limit);
	else if (r->what)
		snprintf(why, len, "%s: %s %lld exceeds the NPU limit of %lld", name,
			 r->what, (long long)r->value, (long long)r->limit);
	else
		snprintf(why, len, "%s: %s", name,
			 r->text ? r->text : "parameters outside the NPU's limits");
}

/*
 * The firmware's limits on what the op's options and tensors already say
 * (window, stride, dilation; rank, dimensions, size), checked before the
 * op is prepared: an op beyond them may not have valid commands at all.
 */
static bool beyond_limits(const struct npu_graph *g, const struct npu_graph_op *op,
			  char *why, size_t len)
{
	const char *name = npu_op_name(op->builtin);
	struct npu_fw_geometry geo = { 0 };
	struct npu_fw_reason r = { 0 };

	switch (op->options_kind) {
	case NPU_OPTS_CONV:
		geo.stride_w = (uint32_t)op->options.conv.stride_w;
		geo.stride_h = (uint32_t)op->options.conv.stride_h;
		geo.dilation_w = (uint32_t)op->options.conv.dilation_w;
		geo.dilation_h = (uint32_t)op->options.conv.dilation_h;
		break;
	case NPU_OPTS_TRANSPOSE_CONV:
		geo.stride_w = (uint32_t)op->options.transpose_conv.stride_w;
		geo.stride_h = (uint32_t)op->options.transpose_conv.stride_h;
		break;
	case NPU_OPTS_POOL:
		geo.stride_w = (uint32_t)op->options.pool.stride_w;
		geo.stride_h = (uint32_t)op->options.pool.stride_h;
		geo.window_w = (uint32_t)op->options.pool.filter_w;
		geo.window_h = (uint32_t)op->options.pool.filter_h;
		break;
	default:
		break;
	}
	if ((op->builtin == NPU_BUILTIN_CONV_2D || op->builtin == NPU_BUILTIN_DEPTHWISE_CONV_2D ||
	     op->builtin == NPU_BUILTIN_TRANSPOSE_CONV) && op->num_inputs >= 2 &&
	    op->inputs[1] >= 0 && g->tensors[op->inputs[1]].rank == 4) {
		geo.kernel_h = (uint32_t)g->tensors[op->inputs[1]].shape[1];
		geo.kernel_w = (uint32_t)g->tensors[op->inputs[1]].shape[2];
	}
	if (npu_fw_check_geometry(&geo, &r)) {
		word_reason(why, len, name, &r);
		return true;
	}
	for (uint32_t k = 0; k < op->num_inputs + op->num_outputs; k++) {
		int32_t t = k < op->num_inputs ? op->inputs[k] : op->outputs[k - op->num_inputs];
		uint32_t dims[NPU_CS_MAX_DIMS] = { 0 };
		const struct npu_graph_tensor *tt;
		char what[160];

		if (t < 0)
			continue;
		tt = &g->tensors[t];
		for (int32_t d = 0; d < tt->rank && d < NPU_CS_MAX_DIMS; d++)
			dims[d] = tt->shape[d] > 0 ? (uint32_t)tt->shape[d] : 1;
		if (npu_fw_check_shape((uint32_t)tt->rank, dims,
				       (uint32_t)npu_type_size(tt->type), &r)) {
			snprintf(what, sizeof(what), "%s of tensor '%s'", r.what, tt->name);
			r.what = what;
			word_reason(why, len, name, &r);
			return true;
		}
	}
	return false;
}

/* Size of one command in a stream: header word + parameters. */
static uint32_t cmd_bytes(uint32_t opcode)
{
	int32_t s = npu_fw_params_size(opcode);

	return 4 + (uint32_t)(s > 0 ? s : 0);
}

/* Whether op @i of @g (npu_compile_options.force_cpu: a source index) is forced to the CPU. */
static bool forced_cpu(const struct npu_compile_options *opt, const struct npu_graph *g,
		       uint32_t i)
{
	if (!opt)
		return false;
	if (opt->flags & NPU_COMPILE_CPU_ONLY)
		return true;
	for (uint32_t k = 0; k < opt->num_force_cpu; k++)
		if (opt->force_cpu && opt->force_cpu[k] == npu_graph_op_source(g, i))
			return true;
	return false;
}

/*
 * Op @i runs on the CPU because of @why.  Prepare it as the CPU executor
 * will, so a file that cannot run is refused now rather than at the first
 * inference; an op without a built-in CPU kernel stays acceptable (the
 * application may register one), the report says so.
 */
static int place_on_cpu(struct npu_compiled_model *m, uint32_t i, const char *why,
			char *err, size_t errlen)
{
	const struct npu_graph_op *op = &m->graph->ops[i];
	char cpu_why[256] = "";
	int ret = npu_cpu_check_op(m->graph, op, cpu_why, sizeof(cpu_why));

	if (ret && ret != -ENOTSUP) {
		return npu_fail(err, errlen, ret, "operator %u (%s): %s",
				npu_graph_op_source(m->graph, i), npu_op_name(op->builtin),
				cpu_why[0] ? cpu_why : strerror(-ret));
	}
	if (ret)
		ret = asprintf(&m->op_reason[i], "%s; no CPU kernel: %s", why, cpu_why);
	else
		ret = asprintf(&m->op_reason[i], "%s", why);
	if (ret < 0) {
		m->op_reason[i] = NULL;
		return -ENOMEM;
	}
	return 0;
}

/*
 * Whether @op (op @i of @g, or a rewrite of it) goes to the NPU: 1 with
 * its prepared commands in @plan, 0 with the reason in @why, or a
 * negative errno (-EINVAL: malformed, message in @err).
 */
static int try_npu(const struct npu_graph *g, const struct npu_compile_options *opt,
		   uint32_t i, const struct npu_graph_op *op, struct op_plan *plan,
		   char *why, size_t whylen, char *err, size_t errlen)
{
	const char *name = npu_op_name(op->builtin);
	const uint32_t target = opt && opt->fw_features ? opt->fw_features : NPU_FW_FEATURES;
	int ret;

	if (forced_cpu(opt, g, i)) {
		snprintf(why, whylen, "%s: placed on the CPU on request", name);
		return 0;
	}
	if (!npu_builtin_npu_capable(op->builtin)) {
		if (op->builtin == NPU_BUILTIN_CUSTOM)
			snprintf(why, whylen, "custom op '%s' is not an NPU op",
				 op->custom_name ? op->custom_name : "");
		else if (op->builtin == NPU_BUILTIN_WHILE || op->builtin == NPU_BUILTIN_IF)
			snprintf(why, whylen, "%s is control flow: it and its subgraphs %d and %d run on the CPU",
				 name, op->options.control_flow.cond_subgraph,
				 op->options.control_flow.body_subgraph);
		else
			snprintf(why, whylen, "%s is not an NPU op", name);
		return 0;
	}
	if (beyond_limits(g, op, why, whylen))
		return 0;
	ret = npu_cpu_prepare_op(g, op, &plan->prep, why, whylen);
	if (ret == -ENOTSUP) {
		if (!why[0])
			snprintf(why, whylen, "%s: not supported by the NPU kernels", name);
		return 0;
	}
	if (ret) {
		return npu_fail(err, errlen, ret, "operator %u (%s): %s", npu_graph_op_source(g, i),
				name, why[0] ? why : strerror(-ret));
	}
	plan->stream_bytes = 0;
	for (uint32_t c = 0; c < plan->prep->num_cmds; c++) {
		const struct npu_cpu_cmd *cmd = &plan->prep->cmds[c];
		struct npu_fw_reason reason = { 0 };

		if (npu_fw_check_cmd(cmd->opcode, &cmd->params, sizeof(cmd->params),
				     NPU_FW_CHECK_HW_LIMITS, &reason)) {
			word_reason(why, whylen, name, &reason);
			goto cpu;
		}
		if (npu_fw_cmd_param_features(cmd->opcode, &cmd->params) & ~target) {
			snprintf(why, whylen, "%s: the firmware lacks %s (feature bits 0x%x)", name,
				 npu_fw_cmd_name(cmd->opcode),
				 npu_fw_cmd_param_features(cmd->opcode, &cmd->params) & ~target);
			goto cpu;
		}
		plan->stream_bytes += cmd_bytes(cmd->opcode);
	}
	if (plan->stream_bytes + 64 > NPU_LIMIT_STREAM_BYTES) {
		snprintf(why, whylen, "%s: %u bytes of commands exceed the NPU stream limit", name,
			 plan->stream_bytes);
		goto cpu;
	}
	return 1;
cpu:
	npu_cpu_prepared_free(plan->prep);
	plan->prep = NULL;
	return 0;
}

/* Decide where op @i runs.  Returns 0 (placement in m), or -EINVAL/-ENOMEM. */
static int place_op(struct npu_compiled_model *m, const struct npu_compile_options *opt,
		    uint32_t i, struct op_plan *plan, char *err, size_t errlen)
{
	char why[256] = "";
	int ret = try_npu(m->graph, opt, i, &m->graph->ops[i], plan, why, sizeof(why), err,
			  errlen);

	m->op_segment[i] = -1;
	if (ret < 0)
		return ret;
	if (ret) {
		m->op_segment[i] = 0;	/* NPU; the segment number is assigned later */
		return 0;
	}
	return place_on_cpu(m, i, why, err, errlen);
}

/*
 * Cost-based placement (placement.c): runs of NPU ops that cost more on
 * the NPU, with their round trip, than on the CPU move to the CPU.
 */
static int place_by_cost(struct npu_compiled_model *m, struct op_plan *plans,
			 char *err, size_t errlen)
{
	const struct npu_graph *g = m->graph;
	struct npu_place_op *po = calloc(m->num_ops + 1, sizeof(*po));
	uint32_t moved;
	int ret;

	if (!po)
		return -ENOMEM;
	for (uint32_t i = 0; i < m->num_ops; i++) {
		const struct npu_cpu_prepared *prep = plans[i].prep;
		struct npu_fw_cost cost = { 0 };

		po[i].npu = m->op_segment[i] >= 0;
		for (uint32_t c = 0; prep && c < prep->num_cmds; c++)
			npu_fw_estimate_op(NULL, prep->cmds[c].opcode, &prep->cmds[c].params, &cost);
		po[i].npu_cycles = cost.cycles;
		po[i].cpu_ns = npu_place_cpu_ns(g, &g->ops[i], cost.macs);
	}
	ret = npu_place_by_cost(g, po, &moved);
	for (uint32_t i = 0; i < m->num_ops && !ret && moved; i++) {
		char why[256];

		if (!po[i].by_cost)
			continue;
		m->op_segment[i] = -1;
		if (plans[i].fused)
			continue;	/* its reason names the op it was folded into */
		npu_cpu_prepared_free(plans[i].prep);
		plans[i].prep = NULL;
		plans[i].stream_bytes = 0;
		if (po[i].run_ops == 1)
			snprintf(why, sizeof(why),
				 "%s: cheaper on the CPU: %.1f us there, %.1f us on the NPU with the round trip",
				 npu_op_name(g->ops[i].builtin), po[i].run_cpu_ns / 1000.0,
				 po[i].run_npu_ns / 1000.0);
		else
			snprintf(why, sizeof(why),
				 "%s: cheaper on the CPU: ops %u-%u take %.1f us there, %.1f us on the NPU with the round trip",
				 npu_op_name(g->ops[i].builtin), npu_graph_op_source(g, po[i].run_first),
				 npu_graph_op_source(g, po[i].run_first + po[i].run_ops - 1),
				 po[i].run_cpu_ns / 1000.0,
				 po[i].run_npu_ns / 1000.0);
		ret = place_on_cpu(m, i, why, err, errlen);
	}
	free(po);
	return ret;
}

/*
 * Op order (order.c): when another legal order puts the NPU ops in fewer
 * runs, the graph's ops and everything the compiler keeps per op take it;
 * the graph's op_source keeps each op's index in the source model.
 */
static int reorder(struct npu_compiled_model *m, struct op_plan *plans)
{
	struct npu_graph *g = m->graph;
	const uint32_t n = g->num_ops;
	bool *npu = calloc(n + 1, sizeof(*npu));
	uint32_t *perm = calloc(n + 1, sizeof(*perm));
	uint32_t *source = calloc(n + 1, sizeof(*source));
	struct npu_graph_op *ops = calloc(n + 1, sizeof(*ops));
	struct op_plan *pl = calloc(n + 1, sizeof(*pl));
	int32_t *seg = calloc(n + 1, sizeof(*seg));
	char **reason = calloc(n + 1, sizeof(*reason));
	uint32_t before, after;
	int ret = -ENOMEM;

	if (!npu || !perm || !source || !ops || !pl || !seg || !reason)
		goto out;
	for (uint32_t i = 0; i < n; i++)
		npu[i] = m->op_segment[i] >= 0;
	ret = npu_order_ops(g, npu, perm, &before, &after);
	if (ret || after >= before)
		goto out;
	for (uint32_t k = 0; k < n; k++) {
		ops[k] = g->ops[perm[k]];
		source[k] = npu_graph_op_source(g, perm[k]);
		pl[k] = plans[perm[k]];
		seg[k] = m->op_segment[perm[k]];
		reason[k] = m->op_reason[perm[k]];
	}
	memcpy(plans, pl, n * sizeof(*plans));
	memcpy(m->op_segment, seg, n * sizeof(*seg));
	memcpy(m->op_reason, reason, n * sizeof(*reason));
	free(g->ops);
	g->ops = ops;
	ops = NULL;
	free(g->op_source);
	g->op_source = source;
	source = NULL;
out:
	free(npu);
	free(perm);
	free(source);
	free(ops);
	free(pl);
	free(seg);
	free(reason);
	return ret;
}

struct fuse_ctx {
	const struct npu_graph *g;
	const struct npu_compile_options *opt;
	char *err;
	size_t errlen;
};

/* npu_fuse()'s question; a rewrite the op's Prepare refuses is not made. */
static int fuse_try(void *ctx, uint32_t i, const struct npu_graph_op *op)
{
	const struct fuse_ctx *f = ctx;
	struct op_plan plan = { 0 };
	char why[256] = "";
	int ret = try_npu(f->g, f->opt, i, op, &plan, why, sizeof(why), f->err, f->errlen);

	npu_cpu_prepared_free(plan.prep);
	if (ret == -EINVAL && f->err)
		f->err[0] = 0;
	return ret == -EINVAL ? 0 : ret;
}

/*
 * Fold ops into their neighbours (fuse.c).  A folded op stays in the
 * graph, reading what it read and writing a tensor nothing reads: it gets
 * no command, and the reason names the op it was folded into.
 */
static int fuse(struct npu_compiled_model *m, const struct npu_compile_options *opt,
		struct op_plan *plans, char *err, size_t errlen)
{
	struct fuse_ctx ctx = { .g = m->graph, .opt = opt, .err = err, .errlen = errlen };
	int32_t *into = calloc(m->num_ops + 1, sizeof(*into));
	int ret;

	if (!into)
		return -ENOMEM;
	ret = npu_fuse(m->graph, into, fuse_try, &ctx);
	for (uint32_t i = 0; i < m->num_ops && !ret; i++) {
		const int32_t j = into[i];

		if (j < 0)
			continue;
		if (asprintf(&m->op_reason[i], "fused into op %u (%s)",
			     npu_graph_op_source(m->graph, (uint32_t)j),
			     npu_op_name(m->graph->ops[j].builtin)) < 0) {
			m->op_reason[i] = NULL;
			ret = -ENOMEM;
		}
		plans[i].fused = true;
	}
	free(into);
	return ret;
}

/* Per constant tensor, its encoded bytes in the weights (wcompress.c). */
struct wcodes {
	uint64_t *off;
	uint32_t *len;		/* 0: raw; NULL: every filter raw */
};

/*
 * Encode each filter of the NPU's MAC commands once, where that saves
 * bytes and, by the cycle model, no time (npu_wcompress_pays()), into the
 * weights after the constants: before the SRAM plans (@sram: there will
 * be one), which load a compressed filter encoded.  @dram_len (if not
 * NULL) gets those too large to be prefetched.
 */
static int compress_filters(struct npu_compiled_model *m, struct wbuf *w,
			    const struct op_plan *plans, bool sram, struct wcodes *wc,
			    uint32_t *dram_len)
{
	const struct npu_graph *g = m->graph;
	bool *tried = calloc(g->num_tensors + 1, sizeof(*tried));
	int ret = 0;

	if (!tried)
		return -ENOMEM;
	for (uint32_t i = 0; i < g->num_ops && !ret; i++) {
		const struct npu_cpu_prepared *prep = m->op_segment[i] >= 0 ? plans[i].prep : NULL;

		for (uint32_t c = 0; !plans[i].fused && prep && c < prep->num_cmds && !ret; c++) {
			union npu_cmd_params p = prep->cmds[c].params;
			struct npu_tensor *f;
			uint32_t channel_bytes, len;
			uint8_t *enc;
			int32_t t = npu_wcompress_filter(g, &g->ops[i], prep->cmds[c].opcode, &p, &f,
							 &channel_bytes);

			if (t < 0 || tried[t])
				continue;
			tried[t] = true;
			ret = npu_wcompress(g->tensors[t].data, (uint32_t)g->tensors[t].data_size,
					    channel_bytes,
					    prep->cmds[c].opcode == NPU_CMD_DEPTHWISE_CONV_2D ?
					    f->dims[3] : 0, &enc, &len);
			if (ret) {	/* the raw filter serves */
				ret = ret == -ENOMEM ? ret : 0;
				continue;
			}
			/* Only where the decode costs no time (the cycle model). */
			if (len < g->tensors[t].data_size &&
			    npu_wcompress_pays(prep->cmds[c].opcode, &p, len, sram)) {
				ret = wbuf_add(w, enc, len, &wc->off[t]);
				wc->len[t] = len;
				if (dram_len && len > NPU_SRAM_PREFETCH_MAX)
					dram_len[t] = len;
			}
			free(enc);
		}
	}
	free(tried);
	return ret;
}

struct seg_builder {
	struct npu_segment *seg;
	/* From NPU_REGION_IO_FIRST on, the tensor of each region (seg->num_io). */
	int32_t io[NPU_CS_MAX_REGIONS - NPU_REGION_IO_FIRST];
	const uint64_t *sram_off;	/* per tensor, its SRAM offset (sram.c) */
	const struct npu_sram_load *loads;	/* the DMA loads in stream order */
	uint32_t n_loads, next_load;
	const struct npu_sram_fc_bands *bands;	/* per op (NULL: none) */
	const uint64_t *band_off;		/* per band, SRAM or NPU_MF_NONE */
	bool raw_filter;			/* address the raw filter (a band) */
	const uint32_t *stripe_rows;	/* per cascaded activation (tiling.c) */
	uint64_t slot_addend[NPU_FW_SLOT_COUNT];	/* a band's operands */
	/* Per filter tensor: its encoded bytes in the weights (NULL: raw). */
	const uint64_t *enc_off;
	const uint32_t *enc_len;
};

static bool graph_io(const struct npu_graph *g, int32_t t)
{
	for (uint32_t i = 0; i < g->num_inputs; i++)
		if (g->inputs[i] == t)
			return true;
	for (uint32_t i = 0; i < g->num_outputs; i++)
		if (g->outputs[i] == t)
			return true;
	return false;
}

/*
 * The region of graph input or output @t in this segment: its own
 * (NPU_REGION_IO_FIRST..), so the runtime binds it to the arena or to the
 * application's dma-buf without touching the stream; 0 when the segment's
 * I/O regions are all taken (it is then addressed in the arena).
 */
static uint32_t io_region(struct seg_builder *sb, int32_t t)
{
	struct npu_segment *s = sb->seg;
	uint32_t k;

	for (k = 0; k < s->num_io; k++)
		if (sb->io[k] == t)
			return NPU_REGION_IO_FIRST + k;
	if (k == NPU_CS_MAX_REGIONS - NPU_REGION_IO_FIRST)
		return 0;
	sb->io[s->num_io++] = t;
	return NPU_REGION_IO_FIRST + k;
}

/*
 * Address of graph tensor @t + @addend as an operand: a tensor on chip at
 * its absolute SRAM address, a constant in NPU_REGION_CONST, a graph
 * input or output in its own region, any other activation in
 * NPU_REGION_ARENA at its planned offset.
 */
static __u64 tensor_addr(struct npu_compiled_model *m, struct seg_builder *sb, int32_t t,
			 uint64_t addend)
{
	uint32_t r;

	if (sb->sram_off && sb->sram_off[t] != NPU_MF_NONE) {
		/* A stripe buffer holds each band from its start. */
		return NPU_SRAM_VA + sb->sram_off[t] +
		       (sb->stripe_rows && sb->stripe_rows[t] ? 0 : addend);
	}
	if (m->tensor_weights_offset[t] != NPU_MF_NONE)
		return NPU_ADDR(NPU_REGION_CONST, m->tensor_weights_offset[t] + addend);
	r = graph_io(m->graph, t) ? io_region(sb, t) : 0;
	if (r)
		return NPU_ADDR(r, addend);
	return NPU_ADDR(NPU_REGION_ARENA, m->tensor_arena_offset[t] + addend);
}

/* Bias tensor of an op with a requantized accumulator (-1 if none). */
static int32_t bias_input(const struct npu_graph_op *op)
{
	uint32_t k = op->builtin == NPU_BUILTIN_TRANSPOSE_CONV ? 3 : 2;

	return op->num_inputs > k ? op->inputs[k] : -1;
}

/* Host data of @len bytes into the weights, its address in @field. */
static int place_blob(struct wbuf *w, const void *data, uint64_t len, __u64 *field)
{
	uint64_t at;
	uint32_t k;
	int ret;

	for (k = 0; k < WBUF_RECENT; k++)
		if (w->recent_src[k] == data && w->recent_len[k] == len) {
			*field = NPU_ADDR(NPU_REGION_CONST, w->recent_off[k]);
			return 0;
		}
	ret = wbuf_add(w, data, len, &at);
	if (ret)
		return ret;
	k = w->recent_next++ % WBUF_RECENT;
	w->recent_src[k] = data;
	w->recent_len[k] = len;
	w->recent_off[k] = at;
	*field = NPU_ADDR(NPU_REGION_CONST, at);
	return 0;
}

/*
 * Address in @field of operand @o of @cmd: the graph tensor in its slot,
 * or the host data prepared beside the command (as the CPU path passes
 * them to npu_fw_exec()), placed in the weights.
 */
static int address_operand(struct npu_compiled_model *m, struct wbuf *w, struct seg_builder *sb,
			   const struct npu_graph_op *op, const struct npu_cpu_prepared *prep,
			   const struct npu_cpu_cmd *cmd, const struct npu_fw_operand *o,
			   __u64 *field, char *err, size_t errlen)
{
	const char *name = npu_op_name(op->builtin);
	int32_t t = npu_cmd_operand_tensor(op, cmd, o->slot);

	switch (o->slot) {
	case NPU_FW_SLOT_BIAS:
		if (prep->bias)
			return place_blob(w, prep->bias, prep->bias_bytes, field);
		t = bias_input(op);
		if (t < 0) {
			return npu_fail(err, errlen, -EINVAL, "%s: prepared with a bias the op does not have", name);
		}
		break;
	case NPU_FW_SLOT_MULT:
	case NPU_FW_SLOT_SHIFT:
		if (!prep->mult || !prep->shift || (uint64_t)prep->channels * 4 != o->len) {
			return npu_fail(err, errlen, -EINVAL, "%s: per-channel requantization without its tables",
					name);
		}
		return place_blob(w, o->slot == NPU_FW_SLOT_MULT ? prep->mult : prep->shift,
				  o->len, field);
	case NPU_FW_SLOT_TABLE:
		if (!prep->table || cmd->table_offset > prep->table_bytes ||
		    o->len > prep->table_bytes - cmd->table_offset) {
			return npu_fail(err, errlen, -EINVAL, "%s: table command without a table", name);
		}
		return place_blob(w, (const uint8_t *)prep->table + cmd->table_offset,
				  o->len, field);
	}
	if (t < 0) {
		return npu_fail(err, errlen, -EINVAL, "%s: command operand without a tensor", name);
	}
	*field = tensor_addr(m, sb, t, sb->slot_addend[o->slot]);
	return 0;
}

/*
 * Write every address of @cmd's parameters (the firmware's operand list
 * says which fields they are) as a region address.
 */
static int address_cmd(struct npu_compiled_model *m, struct wbuf *w, struct seg_builder *sb,
		       const struct npu_graph_op *op, const struct npu_cpu_prepared *prep,
		       struct npu_cpu_cmd *cmd, char *err, size_t errlen)
{
	struct npu_fw_operand ops[NPU_FW_SLOT_COUNT];
	struct npu_tensor *filter = NULL;
	uint32_t n, channel_bytes;
	int32_t enc = -1;
	int ret = 0;

	/* A compressed filter: its encoded bytes (the raw tensor stays for the CPU). */
	if (sb->enc_len && !sb->raw_filter) {
		enc = npu_wcompress_filter(m->graph, op, cmd->opcode, &cmd->params, &filter,
					   &channel_bytes);
		if (enc >= 0 && !sb->enc_len[enc])
			enc = -1;
	}
	if (sb->raw_filter)
		npu_wcompress_filter(m->graph, op, cmd->opcode, &cmd->params, &filter,
				     &channel_bytes);
	if (filter) {
		filter->encoding = enc >= 0 ? NPU_WEIGHTS_NPW1 : NPU_WEIGHTS_RAW;
		filter->encoded_bytes = enc >= 0 ? sb->enc_len[enc] : 0;
	}
	n = npu_fw_cmd_operands(cmd->opcode, &cmd->params, ops);
	if (!n) {
		return npu_fail(err, errlen, -EINVAL, "%s: prepared command %u has no operands",
				npu_op_name(op->builtin), cmd->opcode);
	}
	/* In field order: I/O regions are numbered as a 1.2 file's are (by offset). */
	for (uint32_t i = 1; i < n; i++)
		for (uint32_t k = i; k > 0 && ops[k].field < ops[k - 1].field; k--) {
			const struct npu_fw_operand o = ops[k];

			ops[k] = ops[k - 1];
			ops[k - 1] = o;
		}
	for (uint32_t i = 0; i < n && !ret; i++) {
		__u64 *addr = (__u64 *)ops[i].field;

		if (enc >= 0 && ops[i].slot == NPU_FW_SLOT_WEIGHTS &&
		    !(sb->sram_off && sb->sram_off[enc] != NPU_MF_NONE))
			*addr = NPU_ADDR(NPU_REGION_CONST, sb->enc_off[enc]);
		else	/* a prefetched one reads its encoded bytes in SRAM */
			ret = address_operand(m, w, sb, op, prep, cmd, &ops[i], addr, err, errlen);
	}
	return ret;
}

/*
 * Encode ops [first, first + n) into segment @s, with the activations of
 * @sram_off (NULL: none) on chip.  Costs are the firmware's schedule of the
 * stream (npu_fw_timeline_add()): an op's cycles are what its commands add
 * to the segment's makespan.
 */
/*
 * DMA commands moving the filters the plan loads before plan position
 * @pos (NPU_SRAM_POS(); the folded ops among them have no commands of
 * their own).
 */
static int emit_prefetch(struct npu_compiled_model *m, struct seg_builder *sb,
			 struct npu_cs_writer *cw, uint32_t pos, struct npu_fw_timeline *tl,
			 struct npu_op_cost *oc)
{
	for (; sb->next_load < sb->n_loads; sb->next_load++) {
		const struct npu_sram_load *l = &sb->loads[sb->next_load];
		const int32_t t = l->t;
		struct npu_dma_params d = { 0 };
		struct npu_fw_cost cost = { 0 };
		/* A compressed filter moves encoded: DRAM pays the encoded bytes. */
		const bool encoded = !l->band && sb->enc_len && sb->enc_len[t];

		if (l->at > pos)
			break;
		d.dst = NPU_SRAM_VA + l->off;
		d.extent[0] = d.extent[1] = d.extent[2] = 1;
		d.extent[3] = l->len;
		d.src = NPU_ADDR(NPU_REGION_CONST,
				 encoded ? sb->enc_off[t] : m->tensor_weights_offset[t] + l->src);
		if (npu_cs_emit(cw, NPU_CMD_DMA, &d) || cw->error)
			return -EINVAL;
		npu_fw_timeline_add(tl, NULL, NPU_CMD_DMA, &d, &cost);
		oc->cycles += cost.cycles;
		oc->dram_read_bytes += cost.dram_read_bytes;
		oc->num_commands++;
	}
	return 0;
}

/* Appends @cmd of op @i, its addresses written, and schedules it. */
static int emit_addressed(struct npu_compiled_model *m, struct npu_cs_writer *cw,
			  struct npu_fw_timeline *tl, uint32_t i, const struct npu_cpu_cmd *cmd,
			  char *err, size_t errlen)
{
	struct npu_op_cost *oc = &m->op_cost[i];
	struct npu_fw_cost cost = { 0 };
	int ret = npu_cs_emit(cw, cmd->opcode, &cmd->params);

	if (ret || cw->error) {
		return npu_fail(err, errlen, -EINVAL, "operator %u (%s): encoding a command failed (%d)",
				i, npu_op_name(m->graph->ops[i].builtin), ret ? ret : cw->error);
	}
	npu_fw_timeline_add(tl, NULL, cmd->opcode, &cmd->params, &cost);
	oc->cycles += cost.cycles;
	oc->macs += cost.macs;
	oc->dram_read_bytes += cost.dram_read_bytes;
	oc->dram_write_bytes += cost.dram_write_bytes;
	if (cost.sram_peak > oc->sram_peak)
		oc->sram_peak = cost.sram_peak;
	oc->num_commands++;
	return 0;
}

/* Appends @cmd of op @i (its addresses written) and schedules it. */
static int emit_cmd(struct npu_compiled_model *m, struct wbuf *w, struct seg_builder *sb,
		    struct npu_cs_writer *cw, struct npu_fw_timeline *tl, uint32_t i,
		    const struct npu_cpu_prepared *prep, struct npu_cpu_cmd *cmd, char *err,
		    size_t errlen)
{
	int ret = address_cmd(m, w, sb, &m->graph->ops[i], prep, cmd, err, errlen);

	return ret ? ret : emit_addressed(m, cw, tl, i, cmd, err, errlen);
}

/*
 * A one-row FULLY_CONNECTED op @i in output-channel bands (sram.c): band k
 * is the same command on units [k * units, ...) of the raw filter, the
 * bias, the per-channel tables and the output (each contiguous), its
 * filter rows from SRAM where the plan loaded them (before the band,
 * while earlier commands compute), else from DRAM.  Every unit's
 * arithmetic is the whole command's, so the bands are bit-exact.
 */
static int emit_fc_bands(struct npu_compiled_model *m, struct wbuf *w, struct seg_builder *sb,
			 struct npu_cs_writer *cw, struct npu_fw_timeline *tl, uint32_t i,
			 const struct npu_cpu_prepared *prep, char *err, size_t errlen)
{
	const struct npu_sram_fc_bands *b = &sb->bands[i];
	struct npu_cpu_cmd whole = prep->cmds[0];
	const struct npu_fc_params *p = &whole.params.fc;
	const uint32_t units = p->filter.dims[0], depth = p->filter.dims[1];
	const uint32_t osize = npu_dtype_size(p->output.dtype);
	const uint32_t bsize = p->input.dtype == NPU_DTYPE_INT16 ? 8 : 4;
	int ret;

	sb->raw_filter = true;
	ret = address_cmd(m, w, sb, &m->graph->ops[i], prep, &whole, err, errlen);
	sb->raw_filter = false;
	for (uint32_t k = 0; !ret && k < b->count; k++) {
		struct npu_cpu_cmd band = whole;
		struct npu_fc_params *q = &band.params.fc;
		const uint32_t o0 = k * b->units;
		const uint32_t n = units - o0 < b->units ? units - o0 : b->units;
		const uint64_t off = sb->band_off[b->first + k];

		if (k) {
			ret = emit_prefetch(m, sb, cw, NPU_SRAM_POS(i, k), tl, &m->op_cost[i]);
			if (ret)
				break;
		}
		q->filter.dims[0] = n;
		q->output.dims[1] = n;
		q->filter.addr = off != NPU_MF_NONE ? NPU_SRAM_VA + off :
						      p->filter.addr + (uint64_t)o0 * depth;
		q->output.addr = p->output.addr + (uint64_t)o0 * osize;
		if (p->rq.flags & NPU_RQ_HAS_BIAS)
			q->rq.bias_addr = p->rq.bias_addr + (uint64_t)o0 * bsize;
		if (p->rq.count) {
			q->rq.count = n;
			q->rq.mult_addr = p->rq.mult_addr + (uint64_t)o0 * 4;
			q->rq.shift_addr = p->rq.shift_addr + (uint64_t)o0 * 4;
		}
		ret = emit_addressed(m, cw, tl, i, &band, err, errlen);
	}
	return ret;
}

/* The op before @b writing @t (every op between is folded). */
static uint32_t producer_of(const struct npu_graph *g, uint32_t b, int32_t t)
{
	uint32_t a = b;

	while (a > 0 && !(g->ops[--a].num_outputs && g->ops[a].outputs[0] == t))
		;
	return a;
}

/* Op @b and the producer of its input, band by band (tiling.c). */
static int emit_cascade(struct npu_compiled_model *m, struct wbuf *w, struct seg_builder *sb,
			struct npu_cs_writer *cw, struct npu_fw_timeline *tl,
			struct op_plan *plans, uint32_t b, int32_t t, char *err, size_t errlen)
{
	const uint32_t a = producer_of(m->graph, b, t);
	struct npu_cpu_cmd ca, cb;
	uint64_t in_add, out_add;
	int ret = 0;

	for (uint32_t k = 0; !ret && npu_cascade_band(&plans[a].prep->cmds[0],
						      &plans[b].prep->cmds[0],
						      sb->stripe_rows[t], k, &ca, &in_add, &cb,
						      &out_add); k++) {
		sb->slot_addend[NPU_FW_SLOT_IN0] = in_add;
		ret = emit_cmd(m, w, sb, cw, tl, a, plans[a].prep, &ca, err, errlen);
		sb->slot_addend[NPU_FW_SLOT_IN0] = 0;
		sb->slot_addend[NPU_FW_SLOT_OUT] = out_add;
		if (!ret)
			ret = emit_cmd(m, w, sb, cw, tl, b, plans[b].prep, &cb, err, errlen);
		sb->slot_addend[NPU_FW_SLOT_OUT] = 0;
	}
	return ret;
}

/* Bytes the bands of a cascade ending at op @i add to the stream. */
static uint32_t cascade_bytes(const struct npu_graph *g, const struct op_plan *plans,
			      const uint32_t *stripe_rows, uint32_t i)
{
	const struct npu_graph_op *op = &g->ops[i];
	const int32_t t = op->num_inputs ? op->inputs[0] : -1;
	uint32_t oh;

	if (!stripe_rows || t < 0 || !stripe_rows[t] || plans[i].fused || !plans[i].prep)
		return 0;
	oh = plans[i].prep->cmds[0].params.conv.output.dims[1];
	return (oh / stripe_rows[t] + 1) * 2 * cmd_bytes(NPU_CMD_CONV_2D);
}

static int build_segment(struct npu_compiled_model *m, struct wbuf *w, struct op_plan *plans,
			 uint32_t first, uint32_t n, struct npu_segment *s,
			 const struct npu_sram_ctx *sram, uint32_t n_dma,
			 const struct wcodes *wc, char *err, size_t errlen)
{
	struct seg_builder sb = { .seg = s, .enc_off = wc->off, .enc_len = wc->len };
	const uint32_t *stripe_rows = sram ? npu_sram_stripe_rows(sram) : NULL;
	struct npu_fw_timeline tl = { 0 };
	struct npu_cs_writer cw;
	uint32_t cap = 64 + n_dma * cmd_bytes(NPU_CMD_DMA);
	int ret;

	if (sram) {
		sb.sram_off = npu_sram_offsets(sram);
		sb.stripe_rows = stripe_rows;
		sb.loads = npu_sram_loads(sram);
		sb.n_loads = n_dma;
		sb.bands = npu_sram_fc_bands(sram);
		sb.band_off = npu_sram_band_offsets(sram);
	}
	s->first_op = first;
	s->num_ops = n;
	for (uint32_t i = first; i < first + n; i++) {
		cap += plans[i].stream_bytes + cascade_bytes(m->graph, plans, stripe_rows, i);
		if (sb.bands)
			cap += sb.bands[i].count * cmd_bytes(NPU_CMD_FULLY_CONNECTED);
	}
	s->stream = calloc(1, cap);
	if (!s->stream)
		return -ENOMEM;
	npu_cs_init(&cw, s->stream, cap);
	/*
	 * The NPU_CMD_STREAM header npu_cs_init() wrote is scheduled as the
	 * device schedules it (its set-up on the compute unit, before every
	 * command), so the estimate is the replay's (npu_fw_estimate_stream()).
	 * Its cycles belong to the segment, not to an op.
	 */
	{
		const struct npu_stream_params sp = { .version = NPU_CS_VERSION, .flags = 0 };
		struct npu_fw_cost hc = { 0 };

		npu_fw_timeline_add(&tl, NULL, NPU_CMD_STREAM, &sp, &hc);
		s->cycles = hc.cycles;
	}
	for (uint32_t i = first; i < first + n; i++) {
		struct npu_cpu_prepared *prep = plans[i].prep;
		struct npu_op_cost *oc = &m->op_cost[i];

		if (plans[i].fused)
			continue;
		ret = emit_prefetch(m, &sb, &cw, NPU_SRAM_POS(i, 0), &tl, oc);
		if (ret) {
			return npu_fail(err, errlen, ret, "operator %u (%s): encoding its filter prefetch failed",
					i, npu_op_name(m->graph->ops[i].builtin));
		}
		if (sb.bands && sb.bands[i].count && prep) {
			ret = emit_fc_bands(m, w, &sb, &cw, &tl, i, prep, err, errlen);
			if (ret)
				return ret;
			continue;
		}
		if (stripe_rows && prep && !plans[i].fused) {
			const struct npu_graph_op *op = &m->graph->ops[i];
			const int32_t in = op->num_inputs ? op->inputs[0] : -1;
			const int32_t out = op->num_outputs ? op->outputs[0] : -1;

			/* A cascade's producer runs in its consumer's bands. */
			if (out >= 0 && stripe_rows[out])
				continue;
			if (in >= 0 && stripe_rows[in]) {
				ret = emit_cascade(m, w, &sb, &cw, &tl, plans, i, in, err, errlen);
				if (ret)
					return ret;
				continue;
			}
		}
		for (uint32_t c = 0; prep && c < prep->num_cmds; c++) {
			ret = emit_cmd(m, w, &sb, &cw, &tl, i, prep, &prep->cmds[c], err, errlen);
			if (ret)
				return ret;
		}
	}
	for (uint32_t i = first; i < first + n; i++) {
		const struct npu_op_cost *oc = &m->op_cost[i];

		s->cycles += oc->cycles;
		s->macs += oc->macs;
		s->dram_read_bytes += oc->dram_read_bytes;
		s->dram_write_bytes += oc->dram_write_bytes;
		if (oc->sram_peak > s->sram_peak)
			s->sram_peak = oc->sram_peak;
		s->num_commands += oc->num_commands;
	}
	s->stream_size = npu_cs_bytes(&cw);
	if (!s->stream_size) {
		return npu_fail(err, errlen, -EINVAL, "command stream of segment at op %u overflowed", first);
	}
	s->io_tensors = malloc(sizeof(sb.io));
	if (!s->io_tensors)
		return -ENOMEM;
	memcpy(s->io_tensors, sb.io, sizeof(sb.io));
	return 0;
}

static void segment_reset(struct npu_compiled_model *m, struct npu_segment *s)
{
	for (uint32_t i = s->first_op; i < s->first_op + s->num_ops; i++)
		m->op_cost[i] = (struct npu_op_cost){ 0 };
	free(s->stream);
	free(s->io_tensors);
	*s = (struct npu_segment){ 0 };
}

/*
 * A segment with its SRAM plan (sram.c), unless @sram is NULL.  The validator
 * has the last word: a stream it refuses is built again all in DRAM.
 */
static int build_sram_segment(struct npu_compiled_model *m, struct wbuf *w,
			      struct op_plan *plans, uint32_t first, uint32_t n,
			      struct npu_segment *s, struct npu_sram_ctx *sram, const struct wcodes *wc,
			      char *err, size_t errlen)
{
	uint64_t peak = 0;
	uint32_t bytes = 64, n_dma = 0;
	int ret;

	for (uint32_t i = first; i < first + n; i++)
		bytes += plans[i].stream_bytes;
	/* Prefetches must keep the stream within its limit. */
	if (sram)
		npu_sram_plan(sram, plans, first, n,
			      (NPU_LIMIT_STREAM_BYTES - bytes) / cmd_bytes(NPU_CMD_DMA), &n_dma,
			      &peak);
	ret = build_segment(m, w, plans, first, n, s, peak ? sram : NULL, n_dma, wc, err,
			    errlen);
	if (!ret && peak) {
		struct npu_fw_region_use use;

		if (npu_fw_validate_regions(s->stream, s->stream_size, &use, NULL)) {
			segment_reset(m, s);
			ret = build_segment(m, w, plans, first, n, s, NULL, 0, wc, err, errlen);
		} else {
			s->sram_peak = peak;
		}
	}
	return ret;
}

/* Back to @mark: what was added since goes. */
static void wbuf_rewind(struct wbuf *w, const struct wbuf *mark)
{
	const struct npu_blob b = w->b;

	*w = *mark;
	w->b.data = b.data;
	w->b.cap = b.cap;
}

/*
 * The prepared commands of ops [@first, @first + @n) to or from @saved
 * (a build writes their addresses in place); returns the count.
 */
static uint32_t keep_cmds(struct op_plan *plans, uint32_t first, uint32_t n,
			  struct npu_cpu_cmd *saved, bool restore)
{
	uint32_t k = 0;

	for (uint32_t i = first; i < first + n; i++)
		for (uint32_t c = 0; plans[i].prep && c < plans[i].prep->num_cmds; c++, k++)
			if (saved && restore)
				plans[i].prep->cmds[c] = saved[k];
			else if (saved)
				saved[k] = plans[i].prep->cmds[c];
	return k;
}

/*
 * The filter codings a segment is built with, most compressed first: every
 * filter npu_wcompress_pays() chose, only those read from DRAM (not
 * prefetched), none.  Each with its SRAM plans, which load an encoded
 * filter in its encoded bytes.
 */
#define NUM_WCODINGS	3
struct wcoding {
	struct wcodes wc;
	struct npu_sram_ctx *sram;
};

static void free_wcodings(struct wcoding *v)
{
	for (uint32_t k = 0; k < NUM_WCODINGS; k++) {
		npu_sram_ctx_free(v[k].sram);
		free(v[k].wc.len);
	}
	free(v[0].wc.off);
}

/*
 * A segment built with each coding of @v (n_v of them), keeping the
 * fastest by the cycle model, the more compressed on a tie (it saves DRAM
 * bytes).  The filters npu_wcompress_pays() chose cost no time where they
 * are read, but their smaller loads change the SRAM plan, whose schedule
 * does not improve monotonically with them (MobileNet-v2: compressing
 * subsets of them moves the estimate by up to +-0.5%).  Each coding's SRAM
 * plan is built in every variant (npu_sram_set_variant(): the prefetch
 * lookahead, FULLY_CONNECTED bands), whose schedules do not improve
 * monotonically either (MobileNet-v2: lookaheads of 6-16 ops range over
 * 473-492 thousand cycles).
 */
static int build_timed_segment(struct npu_compiled_model *m, struct wbuf *w,
			       struct op_plan *plans, uint32_t first, uint32_t n,
			       struct npu_segment *s, const struct wcoding *v, uint32_t n_v,
			       char *err, size_t errlen)
{
	const struct wbuf mark = *w;
	struct npu_cpu_cmd *saved;
	uint64_t best_cycles = UINT64_MAX;
	uint32_t best = 0, best_plan = 0, built = 0, built_plan = 0;
	int ret = 0;

	if (n_v == 1 && !v[0].sram)
		return build_sram_segment(m, w, plans, first, n, s, NULL, &v[0].wc, err, errlen);
	saved = calloc(keep_cmds(plans, first, n, NULL, false) + 1, sizeof(*saved));
	if (!saved)
		return -ENOMEM;
	keep_cmds(plans, first, n, saved, false);
	for (uint32_t k = 0; k < n_v && !ret; k++) {
		struct npu_fw_weight_bytes wb = { 0 };
		const uint32_t n_plans = v[k].sram ? NPU_SRAM_VARIANTS : 1;
		bool loads = false;

		for (uint32_t p = 0; p < n_plans && !ret; p++) {
			/* Where no plan loads a filter, the rest are the same plans. */
			if (p == NPU_SRAM_CLEAR_FIRST && !loads)
				break;
			if (k || p) {
				segment_reset(m, s);
				wbuf_rewind(w, &mark);
				keep_cmds(plans, first, n, saved, true);
			}
			if (v[k].sram)
				npu_sram_set_variant(v[k].sram, p);
			ret = build_sram_segment(m, w, plans, first, n, s, v[k].sram, &v[k].wc,
						 err, errlen);
			if (v[k].sram)
				loads |= npu_sram_num_loads(v[k].sram) > 0;
			built = k;
			built_plan = p;
			if (!ret && s->cycles < best_cycles) {
				best_cycles = s->cycles;
				best = k;
				best_plan = p;
			}
		}
		if (ret)
			break;
		npu_fw_stream_weights(s->stream, s->stream_size, &wb);
		if (!wb.encoded_filter_bytes)
			break;	/* the less compressed codings are this one */
	}
	if (!ret && (best != built || best_plan != built_plan)) {
		segment_reset(m, s);
		wbuf_rewind(w, &mark);
		keep_cmds(plans, first, n, saved, true);
		if (v[best].sram)
			npu_sram_set_variant(v[best].sram, best_plan);
		ret = build_sram_segment(m, w, plans, first, n, s, v[best].sram, &v[best].wc, err,
					 errlen);
	}
	free(saved);
	return ret;
}

/* An encoded filter in the weights: where, and its aligned size if unused. */
struct enc_blob {
	uint64_t off, len, hole;
};

static int by_off(const void *a, const void *b)
{
	const struct enc_blob *x = a, *y = b;

	return x->off < y->off ? -1 : x->off > y->off;
}

/* How many of @e (sorted) start below @at. */
static uint32_t blobs_below(const struct enc_blob *e, uint32_t n, uint64_t at)
{
	uint32_t lo = 0, hi = n;

	while (lo < hi) {
		const uint32_t mid = lo + (hi - lo) / 2;

		if (e[mid].off < at)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/*
 * Every NPU_REGION_CONST address of segment @s's stream (the operand
 * fields the firmware lists for each command): with @below NULL, an
 * encoded blob of @e (sorted) it points into is used (its hole is 0);
 * else it moves down by the unused bytes below it (@below[k]: before
 * blob k).
 */
static void const_addresses(struct npu_segment *s, struct enc_blob *e, uint32_t n,
			    const uint64_t *below)
{
	uint32_t off, bytes;

	for (off = 0; off + 4 <= s->stream_size; off += bytes) {
		struct npu_fw_operand ops[NPU_FW_SLOT_COUNT];
		union npu_cmd_params p;
		uint32_t hdr, len, no;

		memcpy(&hdr, s->stream + off, 4);
		bytes = NPU_CS_HDR_WORDS(hdr) * 4;
		if (bytes < 4 || bytes > s->stream_size - off)
			break;
		len = bytes - 4 < sizeof(p) ? bytes - 4 : (uint32_t)sizeof(p);
		memset(&p, 0, sizeof(p));
		memcpy(&p, s->stream + off + 4, len);
		no = npu_fw_cmd_operands(NPU_CS_HDR_OP(hdr), &p, ops);
		for (uint32_t i = 0; i < no; i++) {
			const size_t at = (size_t)((const uint8_t *)ops[i].field - (const uint8_t *)&p);
			uint64_t a = *ops[i].field, o;
			uint32_t k;

			if (NPU_ADDR_REGION(a) != NPU_REGION_CONST || at + 8 > len)
				continue;
			o = NPU_ADDR_OFFSET(a);
			k = blobs_below(e, n, o + 1);
			if (!below) {
				if (k && o < e[k - 1].off + e[k - 1].len)
					e[k - 1].hole = 0;
				continue;
			}
			a = NPU_ADDR(NPU_REGION_CONST, o - below[blobs_below(e, n, o)]);
			memcpy(s->stream + off + 4 + at, &a, 8);
		}
	}
}

/*
 * Encoded filters no segment chose (build_timed_segment()) leave the
 * weights: the bytes after each move down, and the addresses into them.
 */
static int drop_unused_encodings(struct npu_compiled_model *m, struct wbuf *w,
				 const struct wcodes *wc)
{
	const uint32_t nt = m->graph->num_tensors;
	struct enc_blob *e;
	uint64_t *below, to = 0, at = 0;
	uint32_t n = 0;
	bool any = false;

	for (uint32_t t = 0; wc->len && t < nt; t++)
		n += wc->len[t] != 0;
	if (!n)
		return 0;
	e = calloc(n, sizeof(*e));
	below = calloc(n + 1, sizeof(*below));	/* unused bytes before blob k */
	if (!e || !below) {
		free(e);
		free(below);
		return -ENOMEM;
	}
	n = 0;
	for (uint32_t t = 0; t < nt; t++)
		if (wc->len[t])
			e[n++] = (struct enc_blob){ .off = wc->off[t], .len = wc->len[t],
						    .hole = ALIGN_UP(wc->len[t], NPU_MF_BLOB_ALIGN) };
	qsort(e, n, sizeof(*e), by_off);
	for (uint32_t s = 0; s < m->num_segments; s++)
		const_addresses(&m->segments[s], e, n, NULL);
	for (uint32_t k = 0; k < n; k++) {
		below[k + 1] = below[k] + e[k].hole;
		any |= e[k].hole != 0;
	}
	if (!any)
		goto out;
	/* Addresses first (by the holes below each), then the bytes. */
	for (uint32_t s = 0; s < m->num_segments; s++)
		const_addresses(&m->segments[s], e, n, below);
	for (uint32_t k = 0; k <= n; k++) {
		const uint64_t next = k < n ? e[k].off : w->b.size;

		if (k < n && !e[k].hole)
			continue;	/* kept: moves with the bytes before the next hole */
		memmove(w->b.data + to, w->b.data + at, next - at);
		to += next - at;
		at = next + (k < n ? e[k].hole : 0);
	}
	w->b.size = to;
out:
	free(e);
	free(below);
	return 0;
}

void npu_compiled_model_free(struct npu_compiled_model *m)
{
	if (!m)
		return;
	for (uint32_t i = 0; m->op_reason && i < m->num_ops; i++)
		free(m->op_reason[i]);
	for (uint32_t s = 0; m->segments && s < m->num_segments; s++) {
		free(m->segments[s].stream);
		free(m->segments[s].io_tensors);
	}
	npu_graph_free(m->graph);
	free(m->op_segment);
	free(m->op_reason);
	free(m->segments);
	free(m->weights);
	free(m->tensor_weights_offset);
	free(m->tensor_arena_offset);
	free(m->op_cost);
	free(m);
}

int npu_compile(struct npu_graph *g, const struct npu_compile_options *opt,
		struct npu_compiled_model **out, char *err, size_t errlen)
{
	struct npu_compiled_model *m;
	struct op_plan *plans = NULL;
	struct wcoding v[NUM_WCODINGS] = { 0 };
	struct wbuf w = { 0 };
	const bool sram = !(opt && (opt->flags & (NPU_COMPILE_NO_SRAM | NPU_COMPILE_CPU_ONLY)));
	uint32_t nt, no = 0, n_v = 1;
	int ret = -ENOMEM;

	*out = NULL;
	if (err && errlen)
		err[0] = 0;
	m = calloc(1, sizeof(*m));
	if (!m) {
		npu_graph_free(g);
		return -ENOMEM;
	}
	m->graph = g;
	m->source_hash = opt ? opt->source_hash : 0;
	ret = npu_fold_constants(g, err, errlen);
	if (ret)
		goto fail;
	ret = -ENOMEM;
	nt = g->num_tensors;
	no = g->num_ops;
	m->num_ops = no;
	m->op_segment = calloc(no + 1, sizeof(*m->op_segment));
	m->op_reason = calloc(no + 1, sizeof(*m->op_reason));
	m->op_cost = calloc(no + 1, sizeof(*m->op_cost));
	m->tensor_weights_offset = calloc(nt + 1, sizeof(uint64_t));
	m->tensor_arena_offset = calloc(nt + 1, sizeof(uint64_t));
	plans = calloc(no + 1, sizeof(*plans));
	if (!m->op_segment || !m->op_reason || !m->op_cost || !m->tensor_weights_offset ||
	    !m->tensor_arena_offset || !plans)
		goto fail;

	if (!(opt && (opt->flags & (NPU_COMPILE_NO_FUSION | NPU_COMPILE_CPU_ONLY)))) {
		ret = fuse(m, opt, plans, err, errlen);
		if (ret)
			goto fail;
	}
	/* Constants first, in tensor order, each on a DMA-friendly boundary. */
	for (uint32_t t = 0; t < nt; t++) {
		m->tensor_weights_offset[t] = NPU_MF_NONE;
		if (g->tensors[t].data) {
			ret = wbuf_add(&w, g->tensors[t].data, g->tensors[t].data_size,
				       &m->tensor_weights_offset[t]);
			if (ret)
				goto fail;
		}
	}

	for (uint32_t i = 0; i < no; i++) {
		if (plans[i].fused) {
			m->op_segment[i] = 0;	/* no command, in its neighbours' segment */
			continue;
		}
		ret = place_op(m, opt, i, &plans[i], err, errlen);
		if (ret)
			goto fail;
	}
	if (!(opt && (opt->flags & NPU_COMPILE_GREEDY))) {
		ret = place_by_cost(m, plans, err, errlen);
		if (ret)
			goto fail;
	}
	if (!(opt && (opt->flags & NPU_COMPILE_NO_REORDER))) {
		ret = reorder(m, plans);
		if (ret)
			goto fail;
	}
	/* Lifetimes follow the order the ops run in. */
	ret = npu_arena_plan(g, m->tensor_arena_offset, &m->arena_size, &m->activation_bytes,
			     &m->peak_live_bytes);
	if (ret)
		goto fail;
	/* A run of folded ops alone would be an empty segment: it runs on the CPU. */
	for (uint32_t i = 0; i < no;) {
		uint32_t n = 0;
		bool commands = false;

		while (i + n < no && m->op_segment[i + n] >= 0)
			commands |= !plans[i + n++].fused;
		for (uint32_t k = i; k < i + n && !commands; k++)
			m->op_segment[k] = -1;
		i += n ? n : 1;
	}

	if (!(opt && (opt->flags & (NPU_COMPILE_NO_WCOMPRESS | NPU_COMPILE_CPU_ONLY)))) {
		/* With an SRAM plan, also: only the filters read from DRAM, none. */
		n_v = sram ? NUM_WCODINGS : 1;
		bool ok = (v[0].wc.off = calloc(nt + 1, sizeof(*v[0].wc.off))) != NULL;

		for (uint32_t k = 0; k < n_v; k++) {
			v[k].wc.off = v[0].wc.off;
			v[k].wc.len = calloc(nt + 1, sizeof(*v[k].wc.len));
			ok &= v[k].wc.len != NULL;
		}
		ret = -ENOMEM;
		if (ok)
			ret = compress_filters(m, &w, plans, sram, &v[0].wc,
					       n_v > 1 ? v[1].wc.len : NULL);
		if (ret)
			goto fail;
	}

	/* Segments: maximal runs of NPU ops within the stream size limit. */
	m->segments = calloc(no + 1, sizeof(*m->segments));
	for (uint32_t k = 0; sram && k < n_v; k++) {
		v[k].sram = npu_sram_ctx_new(g, v[k].wc.len);
		if (!v[k].sram) {
			ret = -ENOMEM;
			goto fail;
		}
	}
	if (!m->segments) {
		ret = -ENOMEM;
		goto fail;
	}
	for (uint32_t i = 0; i < no;) {
		uint32_t n = 0, bytes = 64;

		if (m->op_segment[i] < 0) {
			i++;
			continue;
		}
		while (i + n < no && m->op_segment[i + n] >= 0 &&
		       bytes + plans[i + n].stream_bytes <= NPU_LIMIT_STREAM_BYTES) {
			bytes += plans[i + n].stream_bytes;
			m->op_segment[i + n] = (int32_t)m->num_segments;
			n++;
		}
		ret = build_timed_segment(m, &w, plans, i, n, &m->segments[m->num_segments++],
					  v, n_v, err, errlen);
		if (ret)
			goto fail;
		i += n;
	}
	ret = drop_unused_encodings(m, &w, &v[0].wc);
	if (ret)
		goto fail;
	free_wcodings(v);
	m->weights = w.b.data;
	m->weights_size = w.b.size;
	w.b.data = NULL;
	for (uint32_t i = 0; i < no; i++)
		npu_cpu_prepared_free(plans[i].prep);
	free(plans);
	*out = m;
	return 0;
fail:
	free_wcodings(v);
	if (ret == -ENOMEM && err && errlen && !err[0])
		npu_fail(err, errlen, ret, "out of memory");
	for (uint32_t i = 0; plans && i < no; i++)
		npu_cpu_prepared_free(plans[i].prep);
	free(plans);
	free(w.b.data);
	npu_compiled_model_free(m);
	return ret;
}
