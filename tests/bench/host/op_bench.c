// SPDX-License-Identifier: MIT
/*
 * Host benchmark (make bench): the CPU path op by op.  Every op of the
 * model runs alone (npu_cpu_invoke_range) N times on the executor's
 * tensors after one whole inference on random inputs; the best of the N
 * is kept, in the calling thread's CPU time on one thread (a shared
 * machine's waits for a core do not count) or in wall time on several.
 * Prints the best per op type and their sum.
 *
 * usage: op_bench [-n RUNS] [-t THREADS] [-o OP] [-v] MODEL.tflite
 *   -o  op OP alone (for a profiler)
 *   -v  one line per op as well
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "npu_cpu.h"
#include "npu_graph.h"
#include "npu_tflite.h"

static double now_us(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

struct type_sum {
	int32_t builtin;
	unsigned int ops;
	double us;
};

int main(int argc, char **argv)
{
	long runs = 20, threads = 1, only = -1;
	bool verbose = false;
	struct npu_graph *g = NULL;
	struct npu_cpu *cpu = NULL;
	struct type_sum *types;
	unsigned int ntypes = 0;
	double total = 0;
	char err[512] = "";
	clockid_t clock;
	int opt;

	while ((opt = getopt(argc, argv, "n:o:t:v")) != -1) {
		if (opt == 'o')
			only = strtol(optarg, NULL, 10);
		else if (opt == 'n')
			runs = strtol(optarg, NULL, 10);
		else if (opt == 't')
			threads = strtol(optarg, NULL, 10);
		else if (opt == 'v')
			verbose = true;
		else
			return 2;
	}
	if (optind + 1 != argc || runs < 1 || threads < 1) {
		fprintf(stderr, "usage: op_bench [-n RUNS] [-t THREADS] [-o OP] [-v] MODEL.tflite\n");
		return 2;
	}
	if (npu_tflite_load_file(argv[optind], &g, err, sizeof(err)) ||
	    npu_cpu_create(g, &cpu, err, sizeof(err)) ||
	    npu_cpu_set_threads(cpu, (uint32_t)threads)) {
		fprintf(stderr, "op_bench: %s: %s\n", argv[optind], *err ? err : npu_cpu_error(cpu));
		return 1;
	}
	srand(1);
	for (uint32_t i = 0; i < g->num_inputs; i++) {
		uint8_t *x = npu_cpu_tensor_data(cpu, g->inputs[i]);

		for (size_t b = 0; x && b < g->tensors[g->inputs[i]].bytes; b++)
			x[b] = (uint8_t)rand();
	}
	if (npu_cpu_invoke(cpu)) {
		fprintf(stderr, "op_bench: %s\n", npu_cpu_error(cpu));
		return 1;
	}
	types = calloc(g->num_ops + 1, sizeof(*types));
	if (!types)
		return 1;
	clock = threads == 1 ? CLOCK_THREAD_CPUTIME_ID : CLOCK_MONOTONIC;
	for (uint32_t i = 0; i < g->num_ops; i++) {
		double best = 1e300;
		unsigned int t;

		if (only >= 0 && i != (uint32_t)only)
			continue;
		for (long r = 0; r < runs; r++) {
			const double t0 = now_us(clock);

			if (npu_cpu_invoke_range(cpu, i, 1)) {
				fprintf(stderr, "op_bench: %s\n", npu_cpu_error(cpu));
				return 1;
			}
			if (now_us(clock) - t0 < best)
				best = now_us(clock) - t0;
		}
		for (t = 0; t < ntypes && types[t].builtin != g->ops[i].builtin; t++)
			;
		if (t == ntypes)
			types[ntypes++].builtin = g->ops[i].builtin;
		types[t].ops++;
		types[t].us += best;
		total += best;
		if (verbose)
			printf("  op %3u %-22s %9.1f us\n", i, npu_op_name(g->ops[i].builtin), best);
	}
	printf("%s, %ld thread%s, best of %ld, %s time:\n", argv[optind], threads,
	       threads > 1 ? "s" : "", runs, threads == 1 ? "CPU" : "wall");
	for (unsigned int t = 0; t < ntypes; t++)
		printf("  %-22s %3u ops %9.3f ms %5.1f%%\n", npu_op_name(types[t].builtin),
		       types[t].ops, types[t].us / 1e3, 100 * types[t].us / total);
	printf("  %-22s         %9.3f ms\n", "total", total / 1e3);
	free(types);
	npu_cpu_destroy(cpu);
	npu_graph_free(g);
	return 0;
}
