// SPDX-License-Identifier: MIT
/* Placement and performance report of a compiled model (text or JSON). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "compiler_internal.h"
#include "npu_cmdstream.h"
#include "npu_fw.h"

struct totals {
	uint32_t npu_ops, cpu_ops, fused_ops;
	uint64_t io_bytes;		/* graph inputs and outputs */
	uint64_t cycles, macs, dram_read, dram_write, sram_peak, stream_bytes, io_regions;
	uint64_t const_bytes;
	uint64_t sram_read, sram_write;	/* on-chip operand traffic */
	uint64_t array_cycles;		/* the MAC commands on the array */
	struct npu_fw_weight_bytes filters;	/* of the NPU's MAC commands */
};

static void sum(const struct npu_compiled_model *m, struct totals *t)
{
	memset(t, 0, sizeof(*t));
	for (uint32_t i = 0; i < m->graph->num_ops; i++) {
		if (m->op_segment[i] >= 0)
			t->npu_ops++;
		else
			t->cpu_ops++;
		/* An NPU op with a reason was folded into the op it names. */
		if (m->op_segment[i] >= 0 && m->op_reason[i])
			t->fused_ops++;
	}
	for (uint32_t i = 0; i < m->graph->num_inputs; i++)
		t->io_bytes += m->graph->tensors[m->graph->inputs[i]].bytes;
	for (uint32_t i = 0; i < m->graph->num_outputs; i++)
		t->io_bytes += m->graph->tensors[m->graph->outputs[i]].bytes;
	for (uint32_t s = 0; s < m->num_segments; s++) {
		const struct npu_segment *seg = &m->segments[s];

		t->cycles += seg->cycles;
		t->macs += seg->macs;
		t->dram_read += seg->dram_read_bytes;
		t->dram_write += seg->dram_write_bytes;
		t->stream_bytes += seg->stream_size;
		t->io_regions += seg->num_io;
		if (seg->sram_peak > t->sram_peak)
			t->sram_peak = seg->sram_peak;
		/* What the streams move within the SRAM (the firmware's model). */
		struct npu_fw_cost cost = { 0 };

		if (!npu_fw_estimate_stream(NULL, seg->stream, seg->stream_size, &cost)) {
			t->sram_read += cost.sram_read_bytes;
			t->sram_write += cost.sram_write_bytes;
			t->array_cycles += cost.array_cycles;
		}
		npu_fw_stream_weights(seg->stream, seg->stream_size, &t->filters);
	}
	for (uint32_t i = 0; i < m->graph->num_tensors; i++)
		if (m->graph->tensors[i].data)
			t->const_bytes += m->graph->tensors[i].data_size;
}

static void json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; s && *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

/*
 * The weights the NPU reads: the weights buffer less the raw copies of the
 * compressed filters, which stay there for the CPU path only.
 */
static uint64_t npu_weight_bytes(const struct npu_compiled_model *m, const struct totals *t)
{
	return m->weights_size - t->filters.encoded_filter_bytes;
}

/*
 * The traffic no schedule avoids: the NPU's weights read once, the
 * inputs read and the outputs written once.
 */
static uint64_t unavoidable_bytes(const struct npu_compiled_model *m, const struct totals *t)
{
	return npu_weight_bytes(m, t) + t->io_bytes;
}

/* Bytes the NPU reads for its filters over their raw bytes. */
static double filter_ratio(const struct totals *t)
{
	return t->filters.filter_bytes ?
	       (double)t->filters.read_bytes / (double)t->filters.filter_bytes : 1.0;
}

/* Cycles of the MACs at the array's peak int8 rate. */
static uint64_t mac_cycles(const struct totals *t)
{
	return (t->macs + NPU_HW_MACS_PER_CYCLE - 1) / NPU_HW_MACS_PER_CYCLE;
}

/* Ops that run before an op the model lists before them (op order). */
static uint32_t moved_ops(const struct npu_graph *g)
{
	uint32_t n = 0, highest = 0;

	for (uint32_t i = 0; i < g->num_ops; i++) {
		const uint32_t s = npu_graph_op_source(g, i);

		n += i && s < highest;
		highest = s > highest ? s : highest;
	}
	return n;
}

/*
 * What no schedule of these commands beats: the MAC array's time at its
 * granularity or the unavoidable traffic at the DRAM bandwidth.
 */
static uint64_t bound_cycles(const struct npu_compiled_model *m, const struct totals *t)
{
	const uint64_t dram = (unavoidable_bytes(m, t) + NPU_HW_DRAM_BYTES_PER_CYCLE - 1) /
			      NPU_HW_DRAM_BYTES_PER_CYCLE;

	return t->array_cycles > dram ? t->array_cycles : dram;
}

/* Time in microseconds for @cycles at the modelled clock. */
static double cycles_us(uint64_t cycles)
{
	return (double)cycles / NPU_HW_CLOCK_MHZ;
}

static void report_json(const struct npu_compiled_model *m, const char *name, FILE *f)
{
	const struct npu_graph *g = m->graph;
	struct totals t;

	sum(m, &t);
	fprintf(f, "{\n  \"model\": ");
	json_str(f, name);
	fprintf(f, ",\n  \"ops\": [\n");
	for (uint32_t i = 0; i < g->num_ops; i++) {
		const struct npu_graph_op *op = &g->ops[i];
		const struct npu_op_cost *c = &m->op_cost[i];

		/* "index": the model's number of the op; "run": its place in the run order. */
		fprintf(f, "    {\"index\": %u, \"run\": %u, \"op\": ", npu_graph_op_source(g, i), i);
		json_str(f, op->builtin == NPU_BUILTIN_CUSTOM && op->custom_name ?
			 op->custom_name : npu_op_name(op->builtin));
		if (m->op_segment[i] >= 0)
			fprintf(f, ", \"placement\": \"npu\", \"segment\": %d, \"commands\": %u, "
				"\"macs\": %llu, \"cycles\": %llu, \"dram_read_bytes\": %llu, "
				"\"dram_write_bytes\": %llu",
				m->op_segment[i], c->num_commands, (unsigned long long)c->macs,
				(unsigned long long)c->cycles,
				(unsigned long long)c->dram_read_bytes,
				(unsigned long long)c->dram_write_bytes);
		if (m->op_segment[i] >= 0 && m->op_reason[i]) {
			fprintf(f, ", \"fused\": ");
			json_str(f, m->op_reason[i]);
		}
		if (m->op_segment[i] >= 0) {
			fprintf(f, "}");
		} else {
			fprintf(f, ", \"placement\": \"cpu\", \"reason\": ");
			json_str(f, m->op_reason[i]);
			fprintf(f, "}");
		}
		fprintf(f, "%s\n", i + 1 < g->num_ops ? "," : "");
	}
	fprintf(f, "  ],\n  \"segments\": [\n");
	for (uint32_t s = 0; s < m->num_segments; s++) {
		const struct npu_segment *seg = &m->segments[s];

		fprintf(f, "    {\"index\": %u, \"first_op\": %u, \"num_ops\": %u, \"commands\": %u, "
			"\"stream_bytes\": %u, \"io_regions\": %u, \"cycles\": %llu, "
			"\"sram_peak_bytes\": %llu}%s\n",
			s, seg->first_op, seg->num_ops, seg->num_commands, seg->stream_size,
			seg->num_io, (unsigned long long)seg->cycles,
			(unsigned long long)seg->sram_peak,
			s + 1 < m->num_segments ? "," : "");
	}
	fprintf(f, "  ],\n  \"summary\": {\n");
	fprintf(f, "    \"ops\": %u, \"npu_ops\": %u, \"cpu_ops\": %u, \"fused_ops\": %u, "
		"\"segments\": %u,\n", g->num_ops, t.npu_ops, t.cpu_ops, t.fused_ops,
		m->num_segments);
	fprintf(f, "    \"unavoidable_bytes\": %llu, \"io_bytes\": %llu, \"mac_cycles\": %llu,\n"
		"    \"array_cycles\": %llu, \"bound_cycles\": %llu,\n",
		(unsigned long long)unavoidable_bytes(m, &t), (unsigned long long)t.io_bytes,
		(unsigned long long)mac_cycles(&t), (unsigned long long)t.array_cycles,
		(unsigned long long)bound_cycles(m, &t));
	fprintf(f, "    \"npu_macs\": %llu, \"npu_cycles\": %llu, \"npu_time_us\": %.3f, "
		"\"clock_mhz\": %u,\n", (unsigned long long)t.macs, (unsigned long long)t.cycles,
		cycles_us(t.cycles), NPU_HW_CLOCK_MHZ);
	fprintf(f, "    \"dram_read_bytes\": %llu, \"dram_write_bytes\": %llu, "
		"\"sram_traffic_bytes\": %llu, \"sram_read_bytes\": %llu, "
		"\"sram_write_bytes\": %llu, \"sram_peak_bytes\": %llu, \"sram_size\": %u,\n"
		"    \"inferences_per_s\": %.1f,\n",
		(unsigned long long)t.dram_read, (unsigned long long)t.dram_write,
		(unsigned long long)(t.sram_read + t.sram_write), (unsigned long long)t.sram_read,
		(unsigned long long)t.sram_write, (unsigned long long)t.sram_peak,
		NPU_HW_SRAM_SIZE, t.cycles ? 1e6 / cycles_us(t.cycles) : 0.0);
	fprintf(f, "    \"weight_bytes\": %llu, \"constant_bytes\": %llu, \"stream_bytes\": %llu, "
		"\"io_regions\": %llu,\n", (unsigned long long)m->weights_size,
		(unsigned long long)t.const_bytes, (unsigned long long)t.stream_bytes,
		(unsigned long long)t.io_regions);
	fprintf(f, "    \"filter_bytes\": %llu, \"filter_npu_bytes\": %llu, "
		"\"filter_ratio\": %.4f,\n", (unsigned long long)t.filters.filter_bytes,
		(unsigned long long)t.filters.read_bytes, filter_ratio(&t));
	fprintf(f, "    \"arena_bytes\": %llu, \"activation_bytes\": %llu, "
		"\"peak_live_bytes\": %llu\n  }\n}\n",
		(unsigned long long)m->arena_size, (unsigned long long)m->activation_bytes,
		(unsigned long long)m->peak_live_bytes);
}

static void report_text(const struct npu_compiled_model *m, const char *name, FILE *f)
{
	const struct npu_graph *g = m->graph;
	struct totals t;

	sum(m, &t);
	fprintf(f, "Model %s: %u ops, %u on the NPU in %u segment%s, %u on the CPU\n\n",
		name, g->num_ops, t.npu_ops, m->num_segments, m->num_segments == 1 ? "" : "s",
		t.cpu_ops);
	if (g->op_source)
		fprintf(f, "Ops in the order they run (compiler.rst, \"Op order\"): %u of them run later than\n"
			"in the model so that fewer CPU ops split the NPU ops; # is the model's op number.\n\n",
			moved_ops(g));
	fprintf(f, "%4s  %-20s %-8s %12s %10s  %s\n", "#", "op", "place", "MACs", "cycles",
		"reason (CPU ops), fusion");
	for (uint32_t i = 0; i < g->num_ops; i++) {
		const struct npu_graph_op *op = &g->ops[i];
		const struct npu_op_cost *c = &m->op_cost[i];
		const char *opname = op->builtin == NPU_BUILTIN_CUSTOM && op->custom_name ?
				     op->custom_name : npu_op_name(op->builtin);

		if (m->op_segment[i] >= 0) {
			char place[16];

			snprintf(place, sizeof(place), "NPU:%d", m->op_segment[i]);
			fprintf(f, "%4u  %-20s %-8s %12llu %10llu%s%s\n", npu_graph_op_source(g, i),
				opname, place,
				(unsigned long long)c->macs, (unsigned long long)c->cycles,
				m->op_reason[i] ? "  " : "", m->op_reason[i] ? m->op_reason[i] : "");
		} else {
			fprintf(f, "%4u  %-20s %-8s %12s %10s  %s\n", npu_graph_op_source(g, i), opname,
				"CPU", "-", "-",
				m->op_reason[i] ? m->op_reason[i] : "");
		}
	}
	fprintf(f, "\nSummary\n");
	if (t.fused_ops)
		fprintf(f, "  fused ops             %u folded into their neighbours (no command)\n",
			t.fused_ops);
	fprintf(f, "  NPU MACs              %llu\n", (unsigned long long)t.macs);
	fprintf(f, "  NPU cycles (model)    %llu = %.3f ms at %u MHz (%u MACs/cycle)\n",
		(unsigned long long)t.cycles, cycles_us(t.cycles) / 1000.0, NPU_HW_CLOCK_MHZ,
		NPU_HW_MACS_PER_CYCLE);
	fprintf(f, "  MAC-bound time        %llu cycles = %.3f ms (estimate %.2fx)\n",
		(unsigned long long)mac_cycles(&t), cycles_us(mac_cycles(&t)) / 1000.0,
		mac_cycles(&t) ? (double)t.cycles / (double)mac_cycles(&t) : 0.0);
	if (t.array_cycles)
		fprintf(f, "  MAC-array time        %llu cycles = %.3f ms (%.1f%% of the peak rate)\n",
			(unsigned long long)t.array_cycles, cycles_us(t.array_cycles) / 1000.0,
			100.0 * (double)mac_cycles(&t) / (double)t.array_cycles);
	fprintf(f, "  bound                 %llu cycles = %.3f ms, max(MAC-array time, unavoidable "
		"traffic at %u B/cycle): estimate %.2fx\n",
		(unsigned long long)bound_cycles(m, &t), cycles_us(bound_cycles(m, &t)) / 1000.0,
		NPU_HW_DRAM_BYTES_PER_CYCLE,
		bound_cycles(m, &t) ? (double)t.cycles / (double)bound_cycles(m, &t) : 0.0);
	fprintf(f, "  DRAM traffic          %llu bytes read, %llu bytes written\n",
		(unsigned long long)t.dram_read, (unsigned long long)t.dram_write);
	fprintf(f, "  unavoidable traffic   %llu bytes (weights once %llu, inputs and outputs %llu): "
		"DRAM traffic is %.2fx\n", (unsigned long long)unavoidable_bytes(m, &t),
		(unsigned long long)npu_weight_bytes(m, &t), (unsigned long long)t.io_bytes,
		(double)(t.dram_read + t.dram_write) / (double)(unavoidable_bytes(m, &t) ?
								 unavoidable_bytes(m, &t) : 1));
	fprintf(f, "  SRAM traffic          %llu bytes read, %llu bytes written on chip\n",
		(unsigned long long)t.sram_read, (unsigned long long)t.sram_write);
	for (uint32_t k = 0; k < m->num_segments; k++)
		fprintf(f, "  SRAM peak, segment %-2u %llu of %u bytes (%s %u..%u)\n", k,
			(unsigned long long)m->segments[k].sram_peak, NPU_HW_SRAM_SIZE,
			g->op_source ? "run order" : "ops", m->segments[k].first_op,
			m->segments[k].first_op + m->segments[k].num_ops - 1);
	if (t.cycles)
		fprintf(f, "  inferences/s          %.0f (NPU segments alone)\n",
			1e6 / cycles_us(t.cycles));
	fprintf(f, "  weights               %llu bytes (%llu of constants, %llu of compressed filters, "
		"rest NPU tables)\n", (unsigned long long)m->weights_size,
		(unsigned long long)t.const_bytes,
		(unsigned long long)(t.filters.read_bytes - (t.filters.filter_bytes -
							     t.filters.encoded_filter_bytes)));
	fprintf(f, "  filters               %llu bytes, the NPU reads %llu (%.3fx, lossless "
		"compression)\n", (unsigned long long)t.filters.filter_bytes,
		(unsigned long long)t.filters.read_bytes, filter_ratio(&t));
	fprintf(f, "  command streams       %llu bytes, %llu graph I/O regions\n",
		(unsigned long long)t.stream_bytes, (unsigned long long)t.io_regions);
	fprintf(f, "  activation arena      %llu bytes (sum of activations %llu, largest live set %llu)\n",
		(unsigned long long)m->arena_size, (unsigned long long)m->activation_bytes,
		(unsigned long long)m->peak_live_bytes);
}

int npu_compile_report(const struct npu_compiled_model *m, const char *name, bool json,
		       FILE *file)
{
	if (!m || !file)
		return -EINVAL;
	if (json)
		report_json(m, name ? name : "", file);
	else
		report_text(m, name ? name : "", file);
	return ferror(file) ? -EIO : 0;
}
