// SPDX-License-Identifier: MIT
/*
 * Host benchmark (make bench): the cost of opening a compiled .npu against
 * compiling its .tflite in process, both from a file already in memory
 * (the file's read is the same for both):
 *
 *   compile: npu_model_hash (the cache key) + npu_tflite_load + npu_compile
 *   load:    npu_model_load (validate, CRC, copy out)
 *
 * Prints the best of N runs of each (the minimum is the least disturbed by
 * other work on a shared machine) and load/compile.  Under callgrind use
 * -n 1 and compare the two functions' inclusive counts.
 *
 * usage: load_bench [-n RUNS] MODEL.tflite...
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "npu_model_format.h"
#include "npu_tflite.h"

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	long n;

	if (!f)
		return NULL;
	if (!fseek(f, 0, SEEK_END) && (n = ftell(f)) > 0 && !fseek(f, 0, SEEK_SET)) {
		buf = malloc((size_t)n);
		if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
			free(buf);
			buf = NULL;
		}
		*len = (size_t)n;
	}
	fclose(f);
	return buf;
}

__attribute__((noinline))
static int bench_compile(const void *src, size_t len, struct npu_compiled_model **m)
{
	struct npu_compile_options opt = { .source_hash = npu_model_hash(src, len) };
	struct npu_graph *g;
	char err[256];

	if (npu_tflite_load(src, len, &g, err, sizeof(err)) ||
	    npu_compile(g, &opt, m, err, sizeof(err))) {
		fprintf(stderr, "load_bench: %s\n", err);
		return -1;
	}
	return 0;
}

__attribute__((noinline))
static int bench_load(const void *npu, size_t len, struct npu_compiled_model **m)
{
	char err[256];

	if (npu_model_load(npu, len, m, err, sizeof(err))) {
		fprintf(stderr, "load_bench: %s\n", err);
		return -1;
	}
	return 0;
}

int main(int argc, char **argv)
{
	int runs = 20, i = 1, status = 0;

	if (argc > 2 && !strcmp(argv[1], "-n")) {
		runs = atoi(argv[2]);
		i = 3;
	}
	printf("%-40s %12s %12s %8s\n", "model", "compile ms", "load ms", "ratio");
	for (; i < argc; i++) {
		double best_c = 1e30, best_l = 1e30;
		struct npu_compiled_model *m;
		size_t len, npu_len;
		void *src = slurp(argv[i], &len), *npu = NULL;
		const char *name = strrchr(argv[i], '/') ? strrchr(argv[i], '/') + 1 : argv[i];

		if (!src || bench_compile(src, len, &m) || npu_model_serialize(m, &npu, &npu_len)) {
			fprintf(stderr, "load_bench: %s: cannot compile\n", argv[i]);
			status = 1;
			free(src);
			continue;
		}
		npu_compiled_model_free(m);
		for (int r = 0; r < runs; r++) {
			double t0 = now_ms(), t1, t2;

			if (bench_compile(src, len, &m))
				return 1;
			t1 = now_ms();
			npu_compiled_model_free(m);
			t2 = now_ms();
			if (bench_load(npu, npu_len, &m))
				return 1;
			best_l = best_l < now_ms() - t2 ? best_l : now_ms() - t2;
			npu_compiled_model_free(m);
			best_c = best_c < t1 - t0 ? best_c : t1 - t0;
		}
		printf("%-40s %12.3f %12.3f %8.3f\n", name, best_c, best_l, best_l / best_c);
		free(src);
		free(npu);
	}
	return status;
}
