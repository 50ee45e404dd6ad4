// SPDX-License-Identifier: MIT
/*
 * Cost-based placement (Documentation/compiler.rst, "Placement by cost").
 *
 * The first pass places every op the NPU can run on the NPU.  A run of
 * them whose data comes from or goes to a CPU op is a round trip: one job
 * (submit, schedule, interrupt, wake-up) and the cache maintenance of the
 * tensors crossing the boundary.  When the run's ops are so cheap that the
 * CPU computes them in less time than the NPU takes plus that round trip,
 * the run stays on the CPU.  The CPU path runs the same firmware kernels,
 * so the bytes do not change, only where they are computed.
 *
 * The NPU's time is the firmware's cycle model (npu_fw_estimate_op()); the
 * CPU's and the round trip's are the constants below, a model of the
 * i.MX8M Plus-class host (Cortex-A53): they decide only which side of a
 * wide margin a run falls on, never numerics.
 */
#include <errno.h>
#include <stdlib.h>

#include "compiler_internal.h"
#include "npu_cmdstream.h"

/*
 * One NPU job's round trip, ns: the ioctl, the scheduler, the interrupt
 * and the waiting thread's wake-up.  An assumed order of magnitude (tens
 * of microseconds on a Cortex-A53 host), not a measurement: the simulator
 * under TCG says nothing about silicon.
 */
#define PLACE_JOB_NS 20000ull
/*
 * Cache maintenance of a crossing tensor (clean before the job, invalidate
 * after): it streams the tensor through DRAM once, as the CPU moving it
 * would, so a run that only moves data never gains from a round trip.
 */
#define PLACE_SYNC_NS_PER_2B 1ull
/* The host CPU: ns per 4 int8 MACs (a NEON lane group), per 2 bytes moved. */
#define PLACE_CPU_NS_PER_4MAC 1ull
#define PLACE_CPU_NS_PER_2B 1ull

/* Activation bytes @op reads and writes (constants are not data moved). */
static uint64_t op_bytes(const struct npu_graph *g, const struct npu_graph_op *op)
{
	uint64_t b = 0;

	for (uint32_t k = 0; k < op->num_inputs + op->num_outputs; k++) {
		int32_t t = k < op->num_inputs ? op->inputs[k] : op->outputs[k - op->num_inputs];

		if (t >= 0 && !g->tensors[t].data)
			b += g->tensors[t].bytes;
	}
	return b;
}

uint64_t npu_place_cpu_ns(const struct npu_graph *g, const struct npu_graph_op *op,
			  uint64_t macs)
{
	return (macs + 3) / 4 * PLACE_CPU_NS_PER_4MAC + (op_bytes(g, op) + 1) / 2 * PLACE_CPU_NS_PER_2B;
}

/*
 * The round trip of run [first, end): whether a CPU op feeds it or reads
 * it, and the bytes of the tensors crossing.  Graph inputs and outputs are
 * the application's memory either way and are not counted.  @producer and
 * @cpu_reads are per tensor: the op writing it (-1: none), whether a CPU
 * op reads it.
 */
static bool round_trip(const struct npu_graph *g, const struct npu_place_op *ops,
		       const int32_t *producer, const bool *cpu_reads, uint32_t first,
		       uint32_t end, uint64_t *bytes)
{
	bool crosses = false;

	*bytes = 0;
	for (uint32_t i = first; i < end; i++) {
		const struct npu_graph_op *op = &g->ops[i];

		for (uint32_t k = 0; k < op->num_inputs; k++) {
			int32_t t = op->inputs[k];

			if (t >= 0 && producer[t] >= 0 && !ops[producer[t]].npu) {
				crosses = true;
				*bytes += g->tensors[t].bytes;
			}
		}
		for (uint32_t k = 0; k < op->num_outputs; k++) {
			if (cpu_reads[op->outputs[k]]) {
				crosses = true;
				*bytes += g->tensors[op->outputs[k]].bytes;
			}
		}
	}
	return crosses;
}

/* One pass over the runs; the number of ops it moved to the CPU. */
static uint32_t place_pass(const struct npu_graph *g, struct npu_place_op *ops,
			   const int32_t *producer, bool *cpu_reads)
{
	uint32_t moved = 0;

	for (uint32_t t = 0; t < g->num_tensors; t++)
		cpu_reads[t] = false;
	for (uint32_t i = 0; i < g->num_ops; i++)
		for (uint32_t k = 0; !ops[i].npu && k < g->ops[i].num_inputs; k++)
			if (g->ops[i].inputs[k] >= 0)
				cpu_reads[g->ops[i].inputs[k]] = true;
	for (uint32_t i = 0; i < g->num_ops;) {
		uint64_t npu_ns = 0, cpu_ns = 0, crossing;
		uint32_t end = i;

		if (!ops[i].npu) {
			i++;
			continue;
		}
		while (end < g->num_ops && ops[end].npu) {
			npu_ns += ops[end].npu_cycles * 1000 / NPU_HW_CLOCK_MHZ;
			cpu_ns += ops[end].cpu_ns;
			end++;
		}
		if (round_trip(g, ops, producer, cpu_reads, i, end, &crossing)) {
			npu_ns += PLACE_JOB_NS + (crossing + 1) / 2 * PLACE_SYNC_NS_PER_2B;
			if (cpu_ns < npu_ns) {
				for (uint32_t k = i; k < end; k++) {
					ops[k].npu = false;
					ops[k].by_cost = true;
					ops[k].run_first = i;
					ops[k].run_ops = end - i;
					ops[k].run_cpu_ns = cpu_ns;
					ops[k].run_npu_ns = npu_ns;
				}
				moved += end - i;
			}
		}
		i = end;
	}
	return moved;
}

int npu_place_by_cost(const struct npu_graph *g, struct npu_place_op *ops, uint32_t *moved)
{
	int32_t *producer = malloc((g->num_tensors + 1) * sizeof(*producer));
	bool *cpu_reads = malloc((g->num_tensors + 1) * sizeof(*cpu_reads));
	uint32_t n;

	*moved = 0;
	if (!producer || !cpu_reads) {
		free(producer);
		free(cpu_reads);
		return -ENOMEM;
	}
	for (uint32_t t = 0; t < g->num_tensors; t++)
		producer[t] = -1;
	for (uint32_t i = 0; i < g->num_ops; i++)
		for (uint32_t k = 0; k < g->ops[i].num_outputs; k++)
			producer[g->ops[i].outputs[k]] = (int32_t)i;
	/* A run moved to the CPU makes its neighbours' trips longer: repeat. */
	do {
		n = place_pass(g, ops, producer, cpu_reads);
		*moved += n;
	} while (n);
	free(producer);
	free(cpu_reads);
	return 0;
}
