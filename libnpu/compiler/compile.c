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
#include "npu_cmdstream.h"
#include "npu_cpu.h"
#include "npu_fw.h"

void npu_errf(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	if (!err || !errlen)
		return;
	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
}

/* The weights buffer: every blob DMA-aligned. */
struct wbuf {
	struct npu_blob b;
};

static int wbuf_add(struct wbuf *w, const void *src, uint64_t len, uint64_t *offset)
{
	size_t at;
	int ret = npu_blob_put(&w->b, src, (size_t)len, NPU_MF_BLOB_ALIGN, &at);

	if (!ret)
		*offset = at;
	return ret;
}

/* TFLite builtins some NPU command implements (given suitable parameters). */
static bool builtin_has_npu_op(int32_t b)
{
	switch (b) {
	case NPU_BUILTIN_CONV_2D: case NPU_BUILTIN_DEPTHWISE_CONV_2D:
	case NPU_BUILTIN_TRANSPOSE_CONV: case NPU_BUILTIN_FULLY_CONNECTED:
	case NPU_BUILTIN_ADD: case NPU_BUILTIN_SUB: case NPU_BUILTIN_MUL:
	case NPU_BUILTIN_AVERAGE_POOL_2D: case NPU_BUILTIN_MAX_POOL_2D:
	case NPU_BUILTIN_MEAN: case NPU_BUILTIN_PAD: case NPU_BUILTIN_TRANSPOSE:
	case NPU_BUILTIN_CONCATENATION: case NPU_BUILTIN_STRIDED_SLICE:
	case NPU_BUILTIN_RESHAPE: case NPU_BUILTIN_LOGISTIC: case NPU_BUILTIN_TANH:
	case NPU_BUILTIN_LEAKY_RELU: case NPU_BUILTIN_RELU:
	case NPU_BUILTIN_RELU_N1_TO_1: case NPU_BUILTIN_RELU6:
		return true;
	}
	return false;
}

/*
 * Limits with the numbers in the message ("stride 5 exceeds the NPU limit
 * of 4").  npu_fw_check_op() remains the authority; this only words the
 * common cases better than its static reasons.
 */
static bool limit_reason(const struct npu_graph *g, const struct npu_graph_op *op,
			 char *why, size_t len)
{
	const char *name = npu_op_name(op->builtin);
	int32_t sw = 1, sh = 1, dw = 1, dh = 1, kw = 0, kh = 0, pool = 0;

	switch (op->options_kind) {
	case NPU_OPTS_CONV:
		sw = op->options.conv.stride_w;
		sh = op->options.conv.stride_h;
		dw = op->options.conv.dilation_w;
		dh = op->options.conv.dilation_h;
		break;
	case NPU_OPTS_TRANSPOSE_CONV:
		sw = op->options.transpose_conv.stride_w;
		sh = op->options.transpose_conv.stride_h;
		break;
	case NPU_OPTS_POOL:
		sw = op->options.pool.stride_w;
		sh = op->options.pool.stride_h;
		kw = op->options.pool.filter_w;
		kh = op->options.pool.filter_h;
		pool = 1;
		break;
	default:
		break;
	}
	if (sw > NPU_LIMIT_STRIDE || sh > NPU_LIMIT_STRIDE) {
		snprintf(why, len, "%s: stride %d exceeds the NPU limit of %d", name,
			 sw > sh ? sw : sh, NPU_LIMIT_STRIDE);
		return true;
	}
	if (dw > NPU_LIMIT_DILATION || dh > NPU_LIMIT_DILATION) {
		snprintf(why, len, "%s: dilation %d exceeds the NPU limit of %d", name,
			 dw > dh ? dw : dh, NPU_LIMIT_DILATION);
		return true;
	}
	if (pool && (kw > NPU_LIMIT_POOL || kh > NPU_LIMIT_POOL)) {
		snprintf(why, len, "%s: window %dx%d exceeds the NPU limit of %d", name, kh, kw,
			 NPU_LIMIT_POOL);
		return true;
	}
	if ((op->builtin == NPU_BUILTIN_CONV_2D || op->builtin == NPU_BUILTIN_DEPTHWISE_CONV_2D ||
	     op->builtin == NPU_BUILTIN_TRANSPOSE_CONV) && op->num_inputs >= 2 &&
	    op->inputs[1] >= 0 && g->tensors[op->inputs[1]].rank == 4) {
		const struct npu_graph_tensor *f = &g->tensors[op->inputs[1]];

		if (f->shape[1] > NPU_LIMIT_KERNEL || f->shape[2] > NPU_LIMIT_KERNEL) {
			snprintf(why, len, "%s: kernel %dx%d exceeds the NPU limit of %d", name,
				 f->shape[1], f->shape[2], NPU_LIMIT_KERNEL);
			return true;
		}
	}
	for (uint32_t k = 0; k < op->num_inputs + op->num_outputs; k++) {
		int32_t t = k < op->num_inputs ? op->inputs[k] : op->outputs[k - op->num_inputs];
		const struct npu_graph_tensor *tt;

		if (t < 0)
			continue;
		tt = &g->tensors[t];
		if (tt->rank > NPU_CS_MAX_DIMS) {
			snprintf(why, len, "%s: tensor '%s' has rank %d, the NPU handles at most %d",
				 name, tt->name, tt->rank, NPU_CS_MAX_DIMS);
			return true;
		}
		for (int32_t d = 0; d < tt->rank; d++)
			if (tt->shape[d] > NPU_LIMIT_DIM) {
				snprintf(why, len, "%s: dimension %d of '%s' exceeds the NPU limit of %d",
					 name, tt->shape[d], tt->name, NPU_LIMIT_DIM);
				return true;
			}
		if (tt->bytes > NPU_LIMIT_TENSOR_BYTES) {
			snprintf(why, len, "%s: tensor '%s' of %zu bytes exceeds the NPU limit of %u",
				 name, tt->name, tt->bytes, NPU_LIMIT_TENSOR_BYTES);
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

struct op_plan {
	struct npu_cpu_prepared *prep;	/* NPU ops */
	uint32_t stream_bytes;		/* their commands' size */
};

static bool forced_cpu(const struct npu_compile_options *opt, uint32_t i)
{
	if (!opt)
		return false;
	if (opt->flags & NPU_COMPILE_CPU_ONLY)
		return true;
	for (uint32_t k = 0; k < opt->num_force_cpu; k++)
		if (opt->force_cpu && opt->force_cpu[k] == i)
			return true;
	return false;
}

/* Decide where op @i runs.  Returns 0 (placement in m), or -EINVAL/-ENOMEM. */
static int place_op(struct npu_compiled_model *m, const struct npu_compile_options *opt,
		    uint32_t i, struct op_plan *plan, char *err, size_t errlen)
{
	const struct npu_graph *g = m->graph;
	const struct npu_graph_op *op = &g->ops[i];
	const char *name = npu_op_name(op->builtin);
	char why[256] = "";
	int ret;

	m->op_segment[i] = -1;
	if (forced_cpu(opt, i)) {
		snprintf(why, sizeof(why), "%s: placed on the CPU on request", name);
		goto cpu;
	}
	if (!builtin_has_npu_op(op->builtin)) {
		if (op->builtin == NPU_BUILTIN_CUSTOM)
			snprintf(why, sizeof(why), "custom op '%s' is not an NPU op",
				 op->custom_name ? op->custom_name : "");
		else
			snprintf(why, sizeof(why), "%s is not an NPU op", name);
		goto cpu;
	}
	if (limit_reason(g, op, why, sizeof(why)))
		goto cpu;
	ret = npu_cpu_prepare_op(g, op, &plan->prep, why, sizeof(why));
	if (ret == -ENOTSUP) {
		if (!why[0])
			snprintf(why, sizeof(why), "%s: not supported by the NPU kernels", name);
		goto cpu;
	}
	if (ret) {
		npu_errf(err, errlen, "operator %u (%s): %s", i, name,
			 why[0] ? why : strerror(-ret));
		return ret;
	}
	plan->stream_bytes = 0;
	for (uint32_t c = 0; c < plan->prep->num_cmds; c++) {
		const struct npu_cpu_cmd *cmd = &plan->prep->cmds[c];
		const char *reason = NULL;
		int32_t size = npu_fw_params_size(cmd->opcode);

		if (size < 0 ||
		    npu_fw_check_op(cmd->opcode, &cmd->params, (uint32_t)size,
				    NPU_FW_CHECK_HW_LIMITS, &reason)) {
			snprintf(why, sizeof(why), "%s: %s", name,
				 reason ? reason : "parameters outside the NPU's limits");
			npu_cpu_prepared_free(plan->prep);
			plan->prep = NULL;
			goto cpu;
		}
		plan->stream_bytes += cmd_bytes(cmd->opcode);
	}
	if (plan->stream_bytes + 64 > NPU_LIMIT_STREAM_BYTES) {
		snprintf(why, sizeof(why), "%s: %u bytes of commands exceed the NPU stream limit", name,
			 plan->stream_bytes);
		npu_cpu_prepared_free(plan->prep);
		plan->prep = NULL;
		goto cpu;
	}
	m->op_segment[i] = 0;	/* NPU; the segment number is assigned later */
	return 0;
cpu:
	m->op_reason[i] = strdup(why);
	return m->op_reason[i] ? 0 : -ENOMEM;
}

struct seg_builder {
	struct npu_segment *seg;
	uint32_t cap_relocs;
};

static int add_reloc(struct seg_builder *sb, uint32_t offset, uint32_t kind, int32_t index,
		     uint64_t addend)
{
	struct npu_segment *s = sb->seg;

	if (s->num_relocs == sb->cap_relocs) {
		uint32_t cap = sb->cap_relocs ? 2 * sb->cap_relocs : 64;
		struct npu_mf_reloc *r = realloc(s->relocs, cap * sizeof(*r));

		if (!r)
			return -ENOMEM;
		s->relocs = r;
		sb->cap_relocs = cap;
	}
	s->relocs[s->num_relocs++] = (struct npu_mf_reloc){
		.offset = offset, .kind = kind, .index = index, .addend = addend,
	};
	return 0;
}

/* Relocation of an operand that is graph tensor @t. */
static int reloc_tensor(struct npu_compiled_model *m, struct seg_builder *sb, uint32_t off,
			int32_t t)
{
	if (m->tensor_weights_offset[t] != NPU_MF_NONE)
		return add_reloc(sb, off, NPU_MF_RELOC_WEIGHTS, -1, m->tensor_weights_offset[t]);
	return add_reloc(sb, off, NPU_MF_RELOC_TENSOR, t, 0);
}

/* Bias tensor of an op with a requantized accumulator (-1 if none). */
static int32_t bias_input(const struct npu_graph_op *op)
{
	uint32_t k = op->builtin == NPU_BUILTIN_TRANSPOSE_CONV ? 3 : 2;

	return op->num_inputs > k ? op->inputs[k] : -1;
}

/*
 * Relocations of the requantization block at @base (offset of the struct
 * npu_requant in the stream): bias, multipliers, shifts.
 */
static int reloc_requant(struct npu_compiled_model *m, struct wbuf *w, struct seg_builder *sb,
			 const struct npu_graph_op *op, const struct npu_cpu_prepared *prep,
			 struct npu_requant *rq, uint32_t base, char *err, size_t errlen)
{
	uint64_t off;
	int ret;

	rq->bias_addr = rq->mult_addr = rq->shift_addr = 0;
	if (rq->flags & NPU_RQ_HAS_BIAS) {
		if (prep->bias) {
			ret = wbuf_add(w, prep->bias, prep->bias_bytes, &off);
			if (!ret)
				ret = add_reloc(sb, base + offsetof(struct npu_requant, bias_addr),
						NPU_MF_RELOC_WEIGHTS, -1, off);
		} else {
			int32_t b = bias_input(op);

			if (b < 0) {
				npu_errf(err, errlen, "%s: prepared with a bias the op does not have",
					 npu_op_name(op->builtin));
				return -EINVAL;
			}
			ret = reloc_tensor(m, sb, base + offsetof(struct npu_requant, bias_addr), b);
		}
		if (ret)
			return ret;
	}
	if (rq->count) {
		if (!prep->mult || !prep->shift || prep->channels != rq->count) {
			npu_errf(err, errlen, "%s: per-channel requantization without its tables",
				 npu_op_name(op->builtin));
			return -EINVAL;
		}
		ret = wbuf_add(w, prep->mult, (uint64_t)rq->count * 4, &off);
		if (!ret)
			ret = add_reloc(sb, base + offsetof(struct npu_requant, mult_addr),
					NPU_MF_RELOC_WEIGHTS, -1, off);
		if (!ret)
			ret = wbuf_add(w, prep->shift, (uint64_t)rq->count * 4, &off);
		if (!ret)
			ret = add_reloc(sb, base + offsetof(struct npu_requant, shift_addr),
					NPU_MF_RELOC_WEIGHTS, -1, off);
		if (ret)
			return ret;
	}
	return 0;
}

/* The op's table (LUT or sigmoid) into the weights, relocated at @field. */
static int reloc_table(struct wbuf *w, struct seg_builder *sb, const struct npu_graph_op *op,
		       const struct npu_cpu_prepared *prep, uint32_t field, char *err,
		       size_t errlen)
{
	uint64_t off;
	int ret;

	if (!prep->table) {
		npu_errf(err, errlen, "%s: table command without a table",
			 npu_op_name(op->builtin));
		return -EINVAL;
	}
	ret = wbuf_add(w, prep->table, prep->table_bytes, &off);
	if (!ret)
		ret = add_reloc(sb, field, NPU_MF_RELOC_WEIGHTS, -1, off);
	return ret;
}

/*
 * Zero every address of @cmd's parameters and record a relocation for it;
 * @at is the byte offset of the parameters in the stream.
 */
static int relocate_cmd(struct npu_compiled_model *m, struct wbuf *w, struct seg_builder *sb,
			const struct npu_graph_op *op, const struct npu_cpu_prepared *prep,
			struct npu_cpu_cmd *cmd, uint32_t at, char *err, size_t errlen)
{
	union npu_cmd_params *p = &cmd->params;
	int32_t in = cmd->input < op->num_inputs ? op->inputs[cmd->input] : -1;
	int32_t out = op->outputs[0];
	int ret = 0;

#define T(field, tensor)							\
	do {									\
		if (!ret) {							\
			if ((tensor) < 0) {					\
				npu_errf(err, errlen, "%s: command operand without a tensor", \
					 npu_op_name(op->builtin));		\
				ret = -EINVAL;					\
			} else {						\
				ret = reloc_tensor(m, sb, at + (uint32_t)(field), (tensor)); \
			}							\
		}								\
	} while (0)

	switch (cmd->opcode) {
	case NPU_OP_CONV_2D:
	case NPU_OP_DEPTHWISE_CONV_2D:
	case NPU_OP_TRANSPOSE_CONV:
		p->conv.input.addr = p->conv.filter.addr = p->conv.output.addr = 0;
		T(offsetof(struct npu_conv_params, input.addr), in);
		T(offsetof(struct npu_conv_params, filter.addr), op->inputs[1]);
		T(offsetof(struct npu_conv_params, output.addr), out);
		if (!ret)
			ret = reloc_requant(m, w, sb, op, prep, &p->conv.rq,
					    at + offsetof(struct npu_conv_params, rq), err, errlen);
		break;
	case NPU_OP_FULLY_CONNECTED:
		p->fc.input.addr = p->fc.filter.addr = p->fc.output.addr = 0;
		T(offsetof(struct npu_fc_params, input.addr), in);
		T(offsetof(struct npu_fc_params, filter.addr), op->inputs[1]);
		T(offsetof(struct npu_fc_params, output.addr), out);
		if (!ret)
			ret = reloc_requant(m, w, sb, op, prep, &p->fc.rq,
					    at + offsetof(struct npu_fc_params, rq), err, errlen);
		break;
	case NPU_OP_ADD:
	case NPU_OP_SUB:
	case NPU_OP_MUL:
		p->eltwise.input1.addr = p->eltwise.input2.addr = p->eltwise.output.addr = 0;
		T(offsetof(struct npu_eltwise_params, input1.addr), op->inputs[0]);
		T(offsetof(struct npu_eltwise_params, input2.addr), op->inputs[1]);
		T(offsetof(struct npu_eltwise_params, output.addr), out);
		break;
	case NPU_OP_AVERAGE_POOL_2D:
	case NPU_OP_MAX_POOL_2D:
		p->pool.input.addr = p->pool.output.addr = 0;
		T(offsetof(struct npu_pool_params, input.addr), in);
		T(offsetof(struct npu_pool_params, output.addr), out);
		break;
	case NPU_OP_MEAN:
		p->mean.input.addr = p->mean.output.addr = 0;
		T(offsetof(struct npu_mean_params, input.addr), in);
		T(offsetof(struct npu_mean_params, output.addr), out);
		break;
	case NPU_OP_PAD:
		p->pad.input.addr = p->pad.output.addr = 0;
		T(offsetof(struct npu_pad_params, input.addr), in);
		T(offsetof(struct npu_pad_params, output.addr), out);
		break;
	case NPU_OP_TRANSPOSE:
		p->transpose.input.addr = p->transpose.output.addr = 0;
		T(offsetof(struct npu_transpose_params, input.addr), in);
		T(offsetof(struct npu_transpose_params, output.addr), out);
		break;
	case NPU_OP_CONCAT:
		p->concat.input.addr = p->concat.output.addr = 0;
		T(offsetof(struct npu_concat_params, input.addr), in);
		T(offsetof(struct npu_concat_params, output.addr), out);
		break;
	case NPU_OP_STRIDED_SLICE:
		p->slice.input.addr = p->slice.output.addr = 0;
		T(offsetof(struct npu_slice_params, input.addr), in);
		T(offsetof(struct npu_slice_params, output.addr), out);
		break;
	case NPU_OP_COPY:
		p->copy.input.addr = p->copy.output.addr = 0;
		T(offsetof(struct npu_copy_params, input.addr), in);
		T(offsetof(struct npu_copy_params, output.addr), out);
		break;
	case NPU_OP_LUT:
		p->lut.input.addr = p->lut.output.addr = p->lut.table_addr = 0;
		T(offsetof(struct npu_lut_params, input.addr), in);
		T(offsetof(struct npu_lut_params, output.addr), out);
		if (!ret)
			ret = reloc_table(w, sb, op, prep,
					  at + offsetof(struct npu_lut_params, table_addr),
					  err, errlen);
		break;
	case NPU_OP_SIGMOID_S16:
		p->sigmoid_s16.input.addr = p->sigmoid_s16.output.addr = 0;
		p->sigmoid_s16.table_addr = 0;
		T(offsetof(struct npu_sigmoid_s16_params, input.addr), in);
		T(offsetof(struct npu_sigmoid_s16_params, output.addr), out);
		if (!ret)
			ret = reloc_table(w, sb, op, prep,
					  at + offsetof(struct npu_sigmoid_s16_params, table_addr),
					  err, errlen);
		break;
	case NPU_OP_LEAKY_RELU:
		p->leaky_relu.input.addr = p->leaky_relu.output.addr = 0;
		T(offsetof(struct npu_leaky_relu_params, input.addr), in);
		T(offsetof(struct npu_leaky_relu_params, output.addr), out);
		break;
	default:
		npu_errf(err, errlen, "%s: prepared command %u has no encoder",
			 npu_op_name(op->builtin), cmd->opcode);
		ret = -EINVAL;
	}
#undef T
	return ret;
}

/* Encode ops [first, first + n) into segment @s. */
static int build_segment(struct npu_compiled_model *m, struct wbuf *w, struct op_plan *plans,
			 uint32_t first, uint32_t n, struct npu_segment *s, char *err,
			 size_t errlen)
{
	struct seg_builder sb = { .seg = s };
	struct npu_cs_writer cw;
	uint32_t cap = 64;
	int ret;

	s->first_op = first;
	s->num_ops = n;
	for (uint32_t i = first; i < first + n; i++)
		cap += plans[i].stream_bytes;
	s->stream = calloc(1, cap);
	if (!s->stream)
		return -ENOMEM;
	npu_cs_init(&cw, s->stream, cap);
	for (uint32_t i = first; i < first + n; i++) {
		struct npu_cpu_prepared *prep = plans[i].prep;
		struct npu_op_cost *oc = &m->op_cost[i];

		for (uint32_t c = 0; c < prep->num_cmds; c++) {
			struct npu_cpu_cmd *cmd = &prep->cmds[c];
			struct npu_fw_cost cost = { 0 };
			uint32_t at = cw.len_words * 4 + 4;

			ret = relocate_cmd(m, w, &sb, &m->graph->ops[i], prep, cmd, at, err, errlen);
			if (ret)
				return ret;
			ret = npu_cs_emit(&cw, cmd->opcode, &cmd->params);
			if (ret || cw.error) {
				npu_errf(err, errlen, "operator %u (%s): encoding command %u failed (%d)",
					 i, npu_op_name(m->graph->ops[i].builtin), c, ret ? ret : cw.error);
				return -EINVAL;
			}
			npu_fw_estimate_op(NULL, cmd->opcode, &cmd->params, &cost);
			oc->cycles += cost.cycles;
			oc->macs += cost.macs;
			oc->dram_read_bytes += cost.dram_read_bytes;
			oc->dram_write_bytes += cost.dram_write_bytes;
			if (cost.sram_peak > oc->sram_peak)
				oc->sram_peak = cost.sram_peak;
			oc->num_commands++;
		}
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
		npu_errf(err, errlen, "command stream of segment at op %u overflowed", first);
		return -EINVAL;
	}
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
		free(m->segments[s].relocs);
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
	struct wbuf w = { 0 };
	uint32_t nt, no;
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

	ret = npu_arena_plan(g, m->tensor_arena_offset, &m->arena_size, &m->activation_bytes,
			     &m->peak_live_bytes);
	if (ret)
		goto fail;

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
		ret = place_op(m, opt, i, &plans[i], err, errlen);
		if (ret)
			goto fail;
	}

	/* Segments: maximal runs of NPU ops within the stream size limit. */
	m->segments = calloc(no + 1, sizeof(*m->segments));
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
		ret = build_segment(m, &w, plans, i, n, &m->segments[m->num_segments++], err,
				    errlen);
		if (ret)
			goto fail;
		i += n;
	}
	m->weights = w.b.data;
	m->weights_size = w.b.size;
	w.b.data = NULL;
	for (uint32_t i = 0; i < no; i++)
		npu_cpu_prepared_free(plans[i].prep);
	free(plans);
	*out = m;
	return 0;
fail:
	if (ret == -ENOMEM && err && errlen && !err[0])
		npu_errf(err, errlen, "out of memory");
	for (uint32_t i = 0; plans && i < no; i++)
		npu_cpu_prepared_free(plans[i].prep);
	free(plans);
	free(w.b.data);
	npu_compiled_model_free(m);
	return ret;
}
