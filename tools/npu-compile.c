// SPDX-License-Identifier: MIT
/*
 * npu-compile: ahead-of-time compiler, TFLite -> .npu (like Vela).
 *
 *   npu-compile MODEL.tflite [-o MODEL.npu] [--report] [--json] [--cpu]
 *               [--force-cpu N]... [--no-fusion] [--no-sram] [--greedy] [--no-compress]
 *               [--no-reorder]
 *               [--graph] [--graph-out FILE.svg|.dot]
 *               [--allow-missing-kernels]
 *   npu-compile --check MODEL.npu [--graph-out FILE.svg|.dot]
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "npu.h"
#include "npu_model_format.h"
#include "npu_tflite.h"
#include "file.h"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: npu-compile MODEL.tflite [-o OUT.npu] [--report] [--json] [--cpu]\n"
		"                   [--force-cpu OP]... [--no-fusion] [--no-sram] [--greedy]\n"
		"                   [--no-compress] [--no-reorder] [--graph] [--graph-out FILE]\n"
		"                   [--allow-missing-kernels]\n"
		"       npu-compile --check MODEL.npu [--report] [--json] [--graph-out FILE]\n"
		"                   [--allow-missing-kernels]\n"
		"\n"
		"  -o, --output FILE   write the compiled model (default: MODEL.npu)\n"
		"  -r, --report        print each op's placement and the performance summary\n"
		"  -j, --json          print the report as JSON on stdout\n"
		"      --cpu           place every op on the CPU\n"
		"      --force-cpu OP  place op number OP on the CPU (repeatable)\n"
		"      --no-fusion     fold no PAD or activation into its neighbour\n"
		"      --no-sram       every operand through DRAM (firmware without SRAM)\n"
		"      --greedy        every op the NPU can run on the NPU, even where the\n"
		"                      CPU is cheaper than the round trip (no placement by cost)\n"
		"      --no-compress   raw filters (for firmware without weight decoding)\n"
		"      --no-reorder    run the ops in the model's order, even where running a\n"
		"                      CPU op later would join two NPU segments\n"
		"      --allow-missing-kernels  compile (or accept) a model with builtins that\n"
		"                      no kernel of libnpu runs: for an application that\n"
		"                      registers its own (npu_model_register_kernel())\n"
		"  -g, --graph         print the parsed TFLite graph and exit\n"
		"  -G, --graph-out FILE  draw the placement graph: FILE.svg (needs Graphviz's\n"
		"                      dot) or FILE.dot (the Graphviz source)\n"
		"  -c, --check         validate a .npu file (and report on it)\n"
		"  -n, --dry-run       compile but write nothing\n"
		"  -V, --version       the version\n"
		"  -h, --help          this text\n");
}

static void print_graph(const struct npu_graph *g, FILE *f)
{
	fprintf(f, "%u tensors, %u ops, %u inputs, %u outputs\n", g->num_tensors, g->num_ops,
		g->num_inputs, g->num_outputs);
	for (uint32_t i = 0; i < g->num_inputs + g->num_outputs; i++) {
		bool in = i < g->num_inputs;
		const struct npu_graph_tensor *t =
			&g->tensors[in ? g->inputs[i] : g->outputs[i - g->num_inputs]];

		fprintf(f, "  %s %s %s [", in ? "input " : "output", t->name, npu_type_name(t->type));
		for (int32_t d = 0; d < t->rank; d++)
			fprintf(f, "%s%d", d ? "," : "", t->shape[d]);
		fprintf(f, "]");
		if (t->quant.count)
			fprintf(f, " scale %g zp %d", (double)t->quant.scale[0], t->quant.zero_point[0]);
		fprintf(f, "\n");
	}
	for (uint32_t i = 0; i < g->num_ops; i++) {
		const struct npu_graph_op *op = &g->ops[i];

		fprintf(f, "  %3u %s v%d in(", i, npu_op_name(op->builtin), op->version);
		for (uint32_t j = 0; j < op->num_inputs; j++)
			fprintf(f, "%s%d", j ? "," : "", op->inputs[j]);
		fprintf(f, ") out(");
		for (uint32_t j = 0; j < op->num_outputs; j++)
			fprintf(f, "%s%d", j ? "," : "", op->outputs[j]);
		fprintf(f, ")\n");
	}
}

/*
 * Names every op that no kernel of libnpu runs (npu_compiled_op_runnable()):
 * an error for a builtin, so a model that cannot run is refused now rather
 * than at its first inference; a warning for a custom op (the application
 * registers those) and for every op with --allow-missing-kernels.  Returns
 * the number of errors.
 */
static uint32_t name_missing_kernels(const struct npu_compiled_model *m, const char *in,
				     bool allow)
{
	enum { SHOWN = 16 };
	uint32_t errors = 0, warnings = 0;
	char why[1024];

	for (uint32_t i = 0; i < m->graph->num_ops; i++) {
		bool warn = allow || m->graph->ops[i].builtin == NPU_BUILTIN_CUSTOM;

		if (!npu_compiled_op_runnable(m, i, why, sizeof(why)))
			continue;
		if (errors + warnings++ < SHOWN)
			fprintf(stderr, "npu-compile: %s%s: %s%s\n", warn ? "warning: " : "", in, why,
				warn ? ": the application must register a kernel for it "
				"(npu_model_register_kernel())" : "");
		errors += !warn;
		warnings -= !warn;
	}
	if (errors + warnings > SHOWN)
		fprintf(stderr, "npu-compile: %s: and %u more ops without a kernel\n", in,
			errors + warnings - SHOWN);
	if (errors)
		fprintf(stderr, "npu-compile: %s: %u op%s without a kernel in libnpu: the model cannot "
			"run (--allow-missing-kernels accepts it for an application that registers "
			"kernels)\n", in, errors, errors == 1 ? "" : "s");
	return errors;
}

static bool ends_with(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);

	return n >= k && !strcmp(s + n - k, suffix);
}

/* Renders DOT from the pipe dot_in into path with Graphviz's dot. */
static int render_svg(const struct npu_compiled_model *m, const char *name, const char *path)
{
	char *const argv[] = { "dot", "-Tsvg", "-o", (char *)path, NULL };
	posix_spawn_file_actions_t fa;
	int fds[2], ret, status;
	pid_t pid;
	FILE *f;

	if (pipe2(fds, O_CLOEXEC))
		return -errno;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, fds[0], STDIN_FILENO);
	ret = posix_spawnp(&pid, "dot", &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	close(fds[0]);
	if (ret) {
		close(fds[1]);
		fprintf(stderr, "npu-compile: cannot run Graphviz's dot (%s): install graphviz, "
			"or write a .dot file\n", strerror(ret));
		return -ret;
	}
	f = fdopen(fds[1], "w");
	ret = f ? npu_compile_report_dot(m, name, f) : -errno;
	if (f && fclose(f) && !ret)
		ret = -EIO;
	else if (!f)
		close(fds[1]);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -errno;
	if (!ret && (!WIFEXITED(status) || WEXITSTATUS(status))) {
		fprintf(stderr, "npu-compile: dot failed on the graph of %s\n", name);
		return -EIO;
	}
	return ret;
}

/* --graph-out: the placement graph as .dot, or as .svg drawn by dot. */
static int write_graph(const struct npu_compiled_model *m, const char *model_path,
		       const char *path)
{
	const char *name = strrchr(model_path, '/') ? strrchr(model_path, '/') + 1 : model_path;
	FILE *f;
	int ret;

	if (ends_with(path, ".svg"))
		ret = render_svg(m, name, path);
	else if (!(f = fopen(path, "w")))
		ret = -errno;
	else if ((ret = npu_compile_report_dot(m, name, f)), fclose(f) && !ret)
		ret = -EIO;
	if (ret)
		fprintf(stderr, "npu-compile: %s: %s\n", path, strerror(-ret));
	return ret;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "report", no_argument, NULL, 'r' },
		{ "json", no_argument, NULL, 'j' },
		{ "cpu", no_argument, NULL, 'C' },
		{ "force-cpu", required_argument, NULL, 'F' },
		{ "no-fusion", no_argument, NULL, 'N' },
		{ "no-sram", no_argument, NULL, 'S' },
		{ "greedy", no_argument, NULL, 'Y' },
		{ "no-compress", no_argument, NULL, 'W' },
		{ "no-reorder", no_argument, NULL, 'R' },
		{ "graph", no_argument, NULL, 'g' },
		{ "graph-out", required_argument, NULL, 'G' },
		{ "check", no_argument, NULL, 'c' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "allow-missing-kernels", no_argument, NULL, 'A' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct npu_compile_options opt = { 0 };
	uint32_t force[256];
	const char *out = NULL, *in, *graph_out = NULL;
	bool report = false, json = false, graph = false, check = false, dry = false;
	bool allow_missing = false;
	struct npu_compiled_model *m = NULL;
	struct npu_graph *g = NULL;
	char err[512], *def_out = NULL;
	void *buf;
	size_t len;
	int c, ret;

	while ((c = getopt_long(argc, argv, "o:rjgG:cnhV", longopts, NULL)) != -1) {
		switch (c) {
		case 'o': out = optarg; break;
		case 'r': report = true; break;
		case 'j': json = true; break;
		case 'C': opt.flags |= NPU_COMPILE_CPU_ONLY; break;
		case 'N': opt.flags |= NPU_COMPILE_NO_FUSION; break;
		case 'S': opt.flags |= NPU_COMPILE_NO_SRAM; break;
		case 'Y': opt.flags |= NPU_COMPILE_GREEDY; break;
		case 'W': opt.flags |= NPU_COMPILE_NO_WCOMPRESS; break;
		case 'R': opt.flags |= NPU_COMPILE_NO_REORDER; break;
		case 'F': {
			char *end;
			unsigned long v = strtoul(optarg, &end, 0);

			if (*end || opt.num_force_cpu >= 256) {
				fprintf(stderr, "npu-compile: bad --force-cpu '%s'\n", optarg);
				return 2;
			}
			force[opt.num_force_cpu++] = (uint32_t)v;
			break;
		}
		case 'g': graph = true; break;
		case 'G':
			if (!ends_with(optarg, ".svg") && !ends_with(optarg, ".dot")) {
				fprintf(stderr, "npu-compile: --graph-out %s: name a .svg or .dot file\n",
					optarg);
				return 2;
			}
			graph_out = optarg;
			break;
		case 'c': check = true; break;
		case 'n': dry = true; break;
		case 'A': allow_missing = true; break;
		case 'h': usage(stdout); return 0;
		case 'V': printf("npu-compile (npu) %s\n", npu_version()); return 0;
		default: usage(stderr); return 2;
		}
	}
	if (optind + 1 != argc) {
		usage(stderr);
		return 2;
	}
	in = argv[optind];
	opt.force_cpu = force;

	/* The loaders' own limit: a .npu may be up to 4 GiB. */
	ret = npu_read_file(in, NPU_MF_MAX_SIZE, "4 GiB", &buf, &len, err, sizeof(err));
	if (ret) {
		fprintf(stderr, "npu-compile: %s\n", err);
		return 1;
	}
	if (check) {
		ret = npu_model_load(buf, len, &m, err, sizeof(err));
		free(buf);
		if (ret) {
			fprintf(stderr, "npu-compile: %s: %s\n", in, err);
			return 1;
		}
		if (name_missing_kernels(m, in, allow_missing)) {
			npu_compiled_model_free(m);
			return 1;
		}
		if (report || json)
			npu_compile_report(m, in, json, stdout);
		else
			printf("%s: valid compiled model, %u ops, %u segments\n", in,
			       m->graph->num_ops, m->num_segments);
		ret = graph_out ? write_graph(m, in, graph_out) : 0;
		npu_compiled_model_free(m);
		return ret ? 1 : 0;
	}

	opt.source_hash = npu_model_hash(buf, len);
	ret = npu_tflite_load(buf, len, &g, err, sizeof(err));
	free(buf);
	if (ret) {
		fprintf(stderr, "npu-compile: %s: %s\n", in, err);
		return 1;
	}
	if (graph) {
		print_graph(g, stdout);
		npu_graph_free(g);
		return 0;
	}
	for (uint32_t k = 0; k < opt.num_force_cpu; k++)
		if (force[k] >= g->num_ops) {
			fprintf(stderr, "npu-compile: --force-cpu %u: the model has %u ops\n",
				force[k], g->num_ops);
			npu_graph_free(g);
			return 2;
		}
	ret = npu_compile(g, &opt, &m, err, sizeof(err));
	if (ret) {
		fprintf(stderr, "npu-compile: %s: %s\n", in, err);
		return 1;
	}
	if (name_missing_kernels(m, in, allow_missing)) {
		npu_compiled_model_free(m);
		return 1;
	}
	if (!out && !dry) {
		size_t n = strlen(in);
		const char *ext = n > 7 && !strcmp(in + n - 7, ".tflite") ? in + n - 7 : in + n;

		def_out = malloc((size_t)(ext - in) + 5);
		if (!def_out) {
			npu_compiled_model_free(m);
			return 1;
		}
		memcpy(def_out, in, (size_t)(ext - in));
		strcpy(def_out + (ext - in), ".npu");
		out = def_out;
	}
	if (!dry) {
		ret = npu_model_save_file(m, out, err, sizeof(err));
		if (ret) {
			fprintf(stderr, "npu-compile: %s\n", err);
			npu_compiled_model_free(m);
			free(def_out);
			return 1;
		}
	}
	if (json)
		npu_compile_report(m, in, true, stdout);
	else if (report)
		npu_compile_report(m, in, false, stdout);
	if (!json && !dry)
		fprintf(report ? stdout : stderr, "%s%s -> %s\n", report ? "\n" : "", in, out);
	ret = graph_out ? write_graph(m, in, graph_out) : 0;
	npu_compiled_model_free(m);
	free(def_out);
	return ret ? 1 : 0;
}
