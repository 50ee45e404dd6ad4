// SPDX-License-Identifier: MIT
/*
 * The placement report as a Graphviz graph: ops as boxes coloured by where
 * they run (one colour per NPU segment, one per reason an op stays on the
 * CPU), NPU segments as clusters, activations as edges labelled with type,
 * shape and quantization, and the tensors crossing a segment boundary (one
 * CPU/NPU round trip each) drawn bold red.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "compiler_internal.h"

/* Light colours for segments (cycled), warm ones for CPU reasons. */
static const char *const segment_colours[] = {
	"#a6cee3", "#b2df8a", "#cab2d6", "#8dd3c7", "#bebada", "#80b1d3", "#ccebc5",
	"#d9d9d9",
};
static const char *const cpu_colours[] = {
	"#fb8072", "#fdb462", "#ffed6f", "#fccde5", "#e5c494", "#ff9896",
};

#define N_SEG_COLOURS (sizeof(segment_colours) / sizeof(segment_colours[0]))
#define N_CPU_COLOURS (sizeof(cpu_colours) / sizeof(cpu_colours[0]))
#define NAME_MAX_SHOWN 40

/* Writes s escaped for a double-quoted DOT string; long names keep their end. */
static void put_escaped(FILE *f, const char *s, size_t max)
{
	size_t n = s ? strlen(s) : 0;

	if (max && n > max) {
		fputs("...", f);
		s += n - max;
	}
	for (; s && *s; s++) {
		if (*s == '"' || *s == '\\')
			fputc('\\', f);
		if (*s == '\n')
			fputs("\\n", f);
		else
			fputc(*s, f);
	}
}

static const char *op_type(const struct npu_graph_op *op)
{
	return op->builtin == NPU_BUILTIN_CUSTOM && op->custom_name ? op->custom_name :
	       npu_op_name(op->builtin);
}

/* "int8 1x96x96x1 q 0.0039 zp -128" (per-channel: "q per-channel(8)"). */
static void put_tensor(FILE *f, const struct npu_graph_tensor *t)
{
	fprintf(f, "%s ", npu_type_name(t->type));
	if (!t->rank)
		fputs("scalar", f);
	for (int32_t d = 0; d < t->rank; d++)
		fprintf(f, "%s%d", d ? "x" : "", t->shape[d]);
	if (t->quant.count == 1)
		fprintf(f, " q %.4g zp %d", (double)t->quant.scale[0], t->quant.zero_point[0]);
	else if (t->quant.count > 1)
		fprintf(f, " q per-channel(%u)", t->quant.count);
}

static const char *reason_of(const struct npu_compiled_model *m, uint32_t i)
{
	return m->op_reason[i] ? m->op_reason[i] : "";
}

/*
 * Per CPU op, the number of its reason among the distinct reasons in op
 * order (the colour it gets); UINT32_MAX for NPU ops.  NULL: -ENOMEM.
 */
static uint32_t *number_reasons(const struct npu_compiled_model *m, uint32_t *count)
{
	uint32_t *ix = malloc((m->graph->num_ops + 1) * sizeof(*ix));

	*count = 0;
	for (uint32_t i = 0; ix && i < m->graph->num_ops; i++) {
		ix[i] = UINT32_MAX;
		if (m->op_segment[i] >= 0)
			continue;
		for (uint32_t j = 0; j < i && ix[i] == UINT32_MAX; j++)
			if (ix[j] != UINT32_MAX && !strcmp(reason_of(m, j), reason_of(m, i)))
				ix[i] = ix[j];
		if (ix[i] == UINT32_MAX)
			ix[i] = (*count)++;
	}
	return ix;
}

static const char *op_colour(const struct npu_compiled_model *m, const uint32_t *reason_ix,
			     uint32_t i)
{
	if (m->op_segment[i] >= 0)
		return segment_colours[(uint32_t)m->op_segment[i] % N_SEG_COLOURS];
	return cpu_colours[reason_ix[i] % N_CPU_COLOURS];
}

static void put_op(FILE *f, const struct npu_compiled_model *m, const uint32_t *reason_ix,
		   uint32_t i)
{
	const struct npu_graph *g = m->graph;
	const struct npu_graph_op *op = &g->ops[i];

	fprintf(f, "    op%u [fillcolor=\"%s\", label=\"#%u ", i, op_colour(m, reason_ix, i),
		npu_graph_op_source(g, i));
	put_escaped(f, op_type(op), NAME_MAX_SHOWN);
	if (m->op_segment[i] >= 0) {
		fprintf(f, "\\nNPU %d", m->op_segment[i]);
		if (m->op_cost && m->op_cost[i].cycles)
			fprintf(f, ", %llu cycles", (unsigned long long)m->op_cost[i].cycles);
	} else {
		fputs("\\nCPU: ", f);
		put_escaped(f, m->op_reason[i], 0);
	}
	/* Constant inputs (weights, biases) have no edge: list them here. */
	for (uint32_t k = 0; k < op->num_inputs; k++) {
		int32_t t = op->inputs[k];

		if (t < 0 || !g->tensors[t].data)
			continue;
		fputs("\\nconst ", f);
		put_tensor(f, &g->tensors[t]);
	}
	fputs("\"];\n", f);
}

/* Placement unit of op i: its segment, or -1 - i for a CPU op. */
static int64_t unit_of(const struct npu_compiled_model *m, int32_t op)
{
	return m->op_segment[op] >= 0 ? m->op_segment[op] : -1 - (int64_t)op;
}

static void put_edge(FILE *f, const struct npu_compiled_model *m, const char *from, int32_t from_op,
		     const char *to, int32_t to_op, int32_t t)
{
	/* A tensor going from one job or CPU run to another: a round trip. */
	bool crossing = from_op >= 0 && to_op >= 0 &&
			unit_of(m, from_op) != unit_of(m, to_op) &&
			(m->op_segment[from_op] >= 0 || m->op_segment[to_op] >= 0);

	fprintf(f, "  %s -> %s [label=\"", from, to);
	if (crossing)
		fputs("crossing: ", f);
	put_escaped(f, m->graph->tensors[t].name, NAME_MAX_SHOWN);
	fputs("\\n", f);
	put_tensor(f, &m->graph->tensors[t]);
	fprintf(f, "\"%s];\n", crossing ? ", color=\"#d62728\", fontcolor=\"#d62728\", "
		"penwidth=2.5, style=bold" : "");
}

static void put_legend(FILE *f, const struct npu_compiled_model *m, const uint32_t *reason_ix)
{
	uint32_t shown = 0;

	fputs("  subgraph cluster_legend {\n    label=\"placement\"; style=dashed;\n", f);
	for (uint32_t s = 0; s < m->num_segments && s < N_SEG_COLOURS; s++)
		fprintf(f, "    legend_s%u [fillcolor=\"%s\", label=\"NPU segment %u%s\"];\n", s,
			segment_colours[s], s, m->num_segments > N_SEG_COLOURS ?
			" (and every 8th after it)" : "");
	for (uint32_t i = 0; i < m->graph->num_ops; i++) {
		if (reason_ix[i] != shown)
			continue;
		fprintf(f, "    legend_r%u [fillcolor=\"%s\", label=\"CPU: ", shown,
			op_colour(m, reason_ix, i));
		put_escaped(f, m->op_reason[i], 0);
		fputs("\"];\n", f);
		shown++;
	}
	fputs("    legend_x [shape=plaintext, style=\"\", fontcolor=\"#d62728\", "
	      "label=\"red edge: tensor crossing a segment boundary\"];\n  }\n", f);
}

int npu_compile_report_dot(const struct npu_compiled_model *m, const char *name, FILE *f)
{
	const struct npu_graph *g;
	uint32_t npu_ops = 0, num_reasons;
	uint32_t *reason_ix;
	char node[32], other[32];

	if (!m || !m->graph || !f)
		return -EINVAL;
	g = m->graph;
	reason_ix = number_reasons(m, &num_reasons);
	if (!reason_ix)
		return -ENOMEM;
	for (uint32_t i = 0; i < g->num_ops; i++)
		npu_ops += m->op_segment[i] >= 0;
	fputs("digraph model {\n  graph [fontname=\"Helvetica\", fontsize=12, labelloc=t, "
	      "label=\"", f);
	put_escaped(f, name ? name : "", 0);
	fprintf(f, "\\n%u ops: %u on the NPU in %u segment%s, %u on the CPU\"];\n", g->num_ops,
		npu_ops, m->num_segments, m->num_segments == 1 ? "" : "s", g->num_ops - npu_ops);
	fputs("  node [shape=box, style=\"filled,rounded\", fontname=\"Helvetica\", "
	      "fontsize=10];\n  edge [fontname=\"Helvetica\", fontsize=8];\n", f);
	put_legend(f, m, reason_ix);

	for (uint32_t s = 0; s < m->num_segments; s++) {
		const struct npu_segment *seg = &m->segments[s];

		fprintf(f, "  subgraph cluster_seg%u {\n    label=\"NPU segment %u: op", s, s);
		if (g->op_source)	/* reordered: the model's numbers are not a range */
			fprintf(f, "s: %u", seg->num_ops);
		else if (seg->num_ops > 1)
			fprintf(f, "s %u-%u", seg->first_op, seg->first_op + seg->num_ops - 1);
		else
			fprintf(f, " %u", seg->first_op);
		fprintf(f, ", %llu cycles\"; style=\"rounded,bold\"; color=\"#1f78b4\";\n",
			(unsigned long long)seg->cycles);
		for (uint32_t i = seg->first_op; i < seg->first_op + seg->num_ops; i++)
			put_op(f, m, reason_ix, i);
		fputs("  }\n", f);
	}
	for (uint32_t i = 0; i < g->num_ops; i++)
		if (m->op_segment[i] < 0)
			put_op(f, m, reason_ix, i);

	for (uint32_t k = 0; k < g->num_inputs; k++) {
		fprintf(f, "  in%u [shape=ellipse, style=\"\", label=\"input ", k);
		put_escaped(f, g->tensors[g->inputs[k]].name, NAME_MAX_SHOWN);
		fputs("\"];\n", f);
	}
	for (uint32_t k = 0; k < g->num_outputs; k++) {
		int32_t t = g->outputs[k], p = npu_graph_producer(g, t);

		fprintf(f, "  out%u [shape=ellipse, style=\"\", label=\"output ", k);
		put_escaped(f, g->tensors[t].name, NAME_MAX_SHOWN);
		fputs("\"];\n", f);
		snprintf(node, sizeof(node), "op%d", p);
		snprintf(other, sizeof(other), "out%u", k);
		if (p >= 0)
			put_edge(f, m, node, p, other, -1, t);
	}
	/* One edge per activation an op reads: from its producer or a graph input. */
	for (uint32_t i = 0; i < g->num_ops; i++) {
		const struct npu_graph_op *op = &g->ops[i];

		snprintf(node, sizeof(node), "op%u", i);
		for (uint32_t k = 0; k < op->num_inputs; k++) {
			int32_t t = op->inputs[k], p;

			if (t < 0 || g->tensors[t].data || g->tensors[t].is_variable)
				continue;
			p = npu_graph_producer(g, t);
			if (p >= 0) {
				snprintf(other, sizeof(other), "op%d", p);
			} else {
				uint32_t in = 0;

				while (in < g->num_inputs && g->inputs[in] != t)
					in++;
				if (in == g->num_inputs)
					continue;
				snprintf(other, sizeof(other), "in%u", in);
			}
			put_edge(f, m, other, p, node, (int32_t)i, t);
		}
	}
	fputs("}\n", f);
	free(reason_ix);
	return ferror(f) ? -EIO : 0;
}
