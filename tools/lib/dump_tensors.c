// SPDX-License-Identifier: MIT
/* npu-run --dump-tensors: every computed tensor of one CPU run, to files. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "dump_tensors.h"
#include "npu_cpu.h"
#include "npu_graph.h"
#include "npu_model_format.h"
#include "npu_tflite.h"

static bool is_npu_file(const char *path)
{
	size_t n = strlen(path);

	return n >= 4 && !strcmp(path + n - 4, ".npu");
}

static int write_tensor(const char *dir, int32_t t, const void *data, size_t bytes)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/t%d.bin", dir, t);
	f = fopen(path, "wb");
	if (!f)
		return -errno;
	if (fwrite(data, 1, bytes, f) != bytes) {
		fclose(f);
		return -EIO;
	}
	return fclose(f) ? -errno : 0;
}

static void describe(FILE *f, const struct npu_graph *g, int32_t t, uint32_t op)
{
	const struct npu_graph_tensor *tt = &g->tensors[t];

	fprintf(f, "%d %u %s %s ", t, op, npu_op_name(g->ops[op].builtin), npu_type_name(tt->type));
	for (int32_t d = 0; d < tt->rank; d++)
		fprintf(f, "%s%d", d ? "," : "", tt->shape[d]);
	fprintf(f, "%s %s\n", tt->rank ? "" : "-", tt->name);
}

/* Binds the model's inputs, runs op by op, writes each op's outputs. */
static int run_and_write(const struct npu_graph *g, struct npu_model *m, const char *dir,
			 FILE *index, char *err, size_t errlen)
{
	struct npu_cpu *cpu;
	int ret = npu_cpu_create(g, &cpu, err, errlen);

	if (ret)
		return ret;
	for (uint32_t i = 0; i < g->num_inputs && !ret; i++) {
		void *data;

		ret = npu_model_input_buffer(m, i, &data);
		if (!ret)
			ret = npu_cpu_bind(cpu, g->inputs[i], data, g->tensors[g->inputs[i]].bytes);
		if (ret)
			snprintf(err, errlen, "input %u: %s", i, npu_cpu_error(cpu));
	}
	for (uint32_t op = 0; op < g->num_ops && !ret; op++) {
		/* A folded op (a .npu's fused graph) computes nothing to write. */
		if (npu_cpu_op_folded(cpu, op))
			continue;
		ret = npu_cpu_invoke_range(cpu, op, 1);
		if (ret) {
			snprintf(err, errlen, "%s", npu_cpu_error(cpu));
			break;
		}
		for (uint32_t k = 0; k < g->ops[op].num_outputs && !ret; k++) {
			int32_t t = g->ops[op].outputs[k];

			ret = write_tensor(dir, t, npu_cpu_tensor_data(cpu, t), g->tensors[t].bytes);
			if (ret)
				snprintf(err, errlen, "%s/t%d.bin: %s", dir, t, strerror(-ret));
			else
				describe(index, g, t, op);
		}
	}
	npu_cpu_destroy(cpu);
	return ret;
}

int dump_tensors(const char *path, struct npu_model *m, const char *dir, char *err,
		 size_t errlen)
{
	struct npu_compiled_model *cm = NULL;
	struct npu_graph *g = NULL;
	char name[4096];
	FILE *index;
	int ret;

	if (is_npu_file(path)) {
		ret = npu_model_load_file(path, &cm, err, errlen);
		g = cm ? cm->graph : NULL;
	} else {
		/*
		 * Compiled for the CPU only, so the graph is the one the runs
		 * use: constants folded, shapes a file leaves dynamic
		 * propagated (compiler/fold.c).
		 */
		const struct npu_compile_options opt = { .flags = NPU_COMPILE_CPU_ONLY };

		ret = npu_tflite_load_file(path, &g, err, errlen);
		if (!ret)
			ret = npu_compile(g, &opt, &cm, err, errlen);
		g = cm ? cm->graph : NULL;
	}
	if (ret)
		return ret;
	if (mkdir(dir, 0777) && errno != EEXIST) {
		ret = -errno;
		snprintf(err, errlen, "%s: %s", dir, strerror(errno));
		goto out;
	}
	snprintf(name, sizeof(name), "%s/tensors.txt", dir);
	index = fopen(name, "w");
	if (!index) {
		ret = -errno;
		snprintf(err, errlen, "%s: %s", name, strerror(errno));
		goto out;
	}
	ret = run_and_write(g, m, dir, index, err, errlen);
	if (fclose(index) && !ret) {
		ret = -EIO;
		snprintf(err, errlen, "%s: %s", name, strerror(errno));
	}
out:
	npu_compiled_model_free(cm);
	return ret;
}
