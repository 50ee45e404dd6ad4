// SPDX-License-Identifier: MIT
/*
 * libnpu-tflite.so: a TensorFlow Lite external delegate.
 *
 * At ModifyGraphWithDelegate (Prepare) the delegate turns TFLite's
 * execution plan into a graph, asks libnpu's compiler where each op runs
 * (the placement npu-compile reports, with the same reasons), and claims
 * the NPU-placed nodes.  TFLite groups them into partitions; each partition
 * is compiled once (cached on disk by hash) into a libnpu model whose NPU
 * segments run as NPU jobs at every Invoke.  Everything else stays with
 * TFLite's own kernels.  Documentation/tflite-delegate.rst has the options.
 */
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "delegate_priv.h"
#include "npu_model.h"
#include "npu_regs.h"
#include "npu_util.h"

#define EXPORT __attribute__((visibility("default")))
#define LOG_PREFIX "npu-tflite: "
#define BUILTIN_DELEGATE 51	/* TFLite's BuiltinOperator_DELEGATE */
#define MAX_CPU_OPS 4096

struct npu_delegate_options {
	char *device;		/* NULL: the first NPU */
	char *cache_dir;	/* NULL: no cache */
	uint32_t cpu_op_index[MAX_CPU_OPS];	/* ops forced to the CPU, by index */
	size_t cpu_op_index_count;
	char **cpu_op_names;	/* ... and by type ("SOFTMAX", a custom name) */
	size_t cpu_op_name_count;
	char *report;		/* NULL, "stderr", "stdout" or a file */
	char *trace;		/* NULL, or a Chrome trace file (npu-run --trace) */
	bool report_json;
	bool profile;
	bool cpu_only;
	bool greedy;		/* NPU_COMPILE_GREEDY: no placement by cost */
	bool log;
};

struct npu_delegate {
	TfLiteDelegate base;	/* first: TFLite hands back this pointer */
	struct npu_delegate_options opt;
	struct npu_device *dev;	/* NULL: CPU only, or no NPU (claims nothing) */
	bool no_npu;		/* no NPU found: leave everything to TFLite */
	struct npu_trace_file *trace;	/* every partition's ops, jobs and runs */
	pthread_mutex_t lock;	/* report file, partition numbering, refs */
	int refs;		/* the application's, and one per live partition */
	bool report_started;
	int next_partition;
};

/* One delegate kernel: a partition of NPU-placed nodes as a libnpu model. */
struct partition {
	struct npu_delegate *d;
	int index;
	struct npu_model *model;
	int num_inputs, num_outputs;
	int *inputs, *outputs;		/* TFLite tensor of each model input/output */
	const void **bound;		/* input pointer bound at the last run */
	int first_node, num_nodes;
	uint64_t runs, run_ns, npu_ns;	/* profile */
};

static void logf_(const struct npu_delegate *d, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void logf_(const struct npu_delegate *d, const char *fmt, ...)
{
	va_list ap;

	if (d && !d->opt.log)
		return;
	va_start(ap, fmt);
	fputs(LOG_PREFIX, stderr);
	vfprintf(stderr, fmt, ap);
	fputc('\n', stderr);
	va_end(ap);
}

/* ------------------------------------------------------------- options */

static int parse_bool(const char *v, bool *out)
{
	if (!strcmp(v, "1") || !strcmp(v, "true") || !strcmp(v, "yes") || !strcmp(v, "on"))
		*out = true;
	else if (!strcmp(v, "0") || !strcmp(v, "false") || !strcmp(v, "no") || !strcmp(v, "off"))
		*out = false;
	else
		return -EINVAL;
	return 0;
}

static bool known_op_name(const char *name)
{
	for (int b = 0; b < 256; b++)
		if (!strcmp(npu_op_name(b), name))
			return true;
	return false;
}

/* "3,17,SOFTMAX": op indices (as in npu-compile --report) and op types. */
static int parse_cpu_ops(struct npu_delegate_options *o, const char *v, char *err, size_t errlen)
{
	char *copy = strdup(v), *save = NULL;
	int ret = 0;

	if (!copy)
		return -ENOMEM;
	for (char *tok = strtok_r(copy, ", ", &save); tok; tok = strtok_r(NULL, ", ", &save)) {
		char *end;
		unsigned long idx = strtoul(tok, &end, 10);

		if (*tok >= '0' && *tok <= '9') {
			if (*end || idx > UINT32_MAX) {
				snprintf(err, errlen, "cpu_ops: '%s' is neither an op index nor an op type",
					 tok);
				ret = -EINVAL;
				break;
			}
			if (o->cpu_op_index_count == MAX_CPU_OPS) {
				snprintf(err, errlen, "cpu_ops: more than %d op indices", MAX_CPU_OPS);
				ret = -EINVAL;
				break;
			}
			o->cpu_op_index[o->cpu_op_index_count++] = (uint32_t)idx;
			continue;
		}
		/* Custom ops are named as in the model; builtins must exist. */
		if (!known_op_name(tok) && strspn(tok, "ABCDEFGHIJKLMNOPQRSTUVWXYZ_0123456789") ==
		    strlen(tok)) {
			snprintf(err, errlen, "cpu_ops: '%s' is not a TFLite op type", tok);
			ret = -EINVAL;
			break;
		}
		{
			char **names = realloc(o->cpu_op_names,
					       (o->cpu_op_name_count + 1) * sizeof(*names));

			if (!names || !(tok = strdup(tok))) {
				if (names)
					o->cpu_op_names = names;
				ret = -ENOMEM;
				break;
			}
			o->cpu_op_names = names;
			names[o->cpu_op_name_count++] = tok;
		}
	}
	free(copy);
	return ret;
}

static void free_options(struct npu_delegate_options *o)
{
	free(o->device);
	free(o->cache_dir);
	free(o->report);
	free(o->trace);
	for (size_t i = 0; i < o->cpu_op_name_count; i++)
		free(o->cpu_op_names[i]);
	free(o->cpu_op_names);
}

static const char *const option_names =
	"device, cache_dir, cpu_ops, report, report_format, profile, trace, cpu_only, greedy, log";

static int set_option(struct npu_delegate_options *o, const char *k, const char *v,
		      char *err, size_t errlen)
{
	char **str = NULL;
	bool *flag = NULL;

	if (!k || !v) {
		snprintf(err, errlen, "option without a name or value");
		return -EINVAL;
	}
	if (!strcmp(k, "device"))
		str = &o->device;
	else if (!strcmp(k, "cache_dir"))
		str = &o->cache_dir;
	else if (!strcmp(k, "report"))
		str = &o->report;
	else if (!strcmp(k, "trace"))
		str = &o->trace;
	else if (!strcmp(k, "profile"))
		flag = &o->profile;
	else if (!strcmp(k, "cpu_only"))
		flag = &o->cpu_only;
	else if (!strcmp(k, "greedy"))
		flag = &o->greedy;
	else if (!strcmp(k, "log"))
		flag = &o->log;
	else if (!strcmp(k, "cpu_ops"))
		return parse_cpu_ops(o, v, err, errlen);
	else if (!strcmp(k, "report_format")) {
		if (strcmp(v, "text") && strcmp(v, "json")) {
			snprintf(err, errlen, "report_format: '%s' is not text or json", v);
			return -EINVAL;
		}
		o->report_json = !strcmp(v, "json");
		return 0;
	} else {
		snprintf(err, errlen, "unknown option '%s' (known: %s)", k, option_names);
		return -EINVAL;
	}
	if (flag) {
		if (parse_bool(v, flag)) {
			snprintf(err, errlen, "%s: '%s' is not a boolean (1/0, true/false)", k, v);
			return -EINVAL;
		}
		return 0;
	}
	if (!*v) {
		snprintf(err, errlen, "%s: empty value", k);
		return -EINVAL;
	}
	free(*str);
	*str = strdup(v);
	return *str ? 0 : -ENOMEM;
}

/* ------------------------------------------------------------- kernels */

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

static void delegate_put(struct npu_delegate *d);

static void partition_free(struct partition *p)
{
	if (!p)
		return;
	npu_model_close(p->model);
	/* Partitions may outlive tflite_plugin_destroy_delegate(): they keep the device. */
	delegate_put(p->d);
	free(p->inputs);
	free(p->outputs);
	free(p->bound);
	free(p);
}

/*
 * Compiled for the device's firmware: without the SRAM every operand stays
 * in DRAM, and an op whose command the firmware lacks stays with TFLite.
 */
static struct npu_compile_options delegate_compile_options(const struct npu_delegate *d)
{
	struct npu_compile_options o = { .flags = d->opt.greedy ? NPU_COMPILE_GREEDY : 0 };
	struct npu_device_info info;

	if (d->dev && !npu_device_query_info(d->dev, &info)) {
		o.fw_features = info.fw_features;
		if (!(info.fw_features & NPU_FW_FEAT_SRAM))
			o.flags |= NPU_COMPILE_NO_SRAM;
	}
	return o;
}

/*
 * The partition's libnpu model: its nodes compiled on their own (same
 * placement as in the whole model: placement is per op), opened on the
 * delegate's device.
 */
static int partition_open(TfLiteContext *ctx, struct partition *p,
			  const TfLiteDelegateParams *params, char *err, size_t errlen)
{
	struct npu_delegate *d = p->d;
	struct npu_compile_options copt = delegate_compile_options(d);
	struct npu_model_options mopt = { .err = err, .errlen = errlen };
	struct npu_compiled_model *cm = NULL;
	struct npu_graph *g;
	int *nodes, *tmap = NULL;
	void *image = NULL;
	size_t image_size = 0;
	int n = params->nodes_to_replace->size, ret;

	nodes = malloc(((size_t)n + 1) * sizeof(int));
	if (!nodes)
		return -ENOMEM;
	memcpy(nodes, params->nodes_to_replace->data, (size_t)n * sizeof(int));
	/* Node numbers follow the model's (topological) order. */
	qsort(nodes, (size_t)n, sizeof(int), cmp_int);
	p->first_node = nodes[0];
	p->num_nodes = n;
	ret = delegate_graph_build(ctx, nodes, n, params->input_tensors,
				   params->output_tensors, &g, &tmap, err, errlen);
	free(nodes);
	if (ret)
		return ret;
	p->num_inputs = (int)g->num_inputs;
	p->num_outputs = (int)g->num_outputs;
	p->inputs = calloc(g->num_inputs + 1, sizeof(int));
	p->outputs = calloc(g->num_outputs + 1, sizeof(int));
	p->bound = calloc(g->num_inputs + 1, sizeof(void *));
	if (!p->inputs || !p->outputs || !p->bound) {
		free(tmap);
		npu_graph_free(g);
		return -ENOMEM;
	}
	for (uint32_t i = 0; i < g->num_inputs; i++)
		p->inputs[i] = tmap[g->inputs[i]];
	for (uint32_t i = 0; i < g->num_outputs; i++)
		p->outputs[i] = tmap[g->outputs[i]];
	free(tmap);
	ret = delegate_compile(g, &copt, d->opt.cache_dir, &cm, err, errlen);
	if (ret)
		return ret;
	ret = npu_model_serialize(cm, &image, &image_size);
	npu_compiled_model_free(cm);
	if (ret)
		return ret;
	mopt.flags = (d->opt.cpu_only ? NPU_MODEL_CPU_ONLY : 0) |
		     (d->opt.profile ? NPU_MODEL_PROFILE : 0);
	ret = npu_model_open_memory(d->dev, image, image_size, &mopt, &p->model);
	free(image);
	if (!ret && d->trace)
		ret = npu_model_set_trace(p->model, npu_trace_file_event, d->trace);
	return ret;
}

static void *kernel_init(TfLiteContext *ctx, const char *buffer, size_t length)
{
	const TfLiteDelegateParams *params = (const TfLiteDelegateParams *)buffer;
	struct npu_delegate *d = (struct npu_delegate *)params->delegate;
	struct partition *p = calloc(1, sizeof(*p));
	char err[512] = "";
	int ret;

	(void)length;
	if (!p)
		return NULL;
	p->d = d;
	pthread_mutex_lock(&d->lock);
	p->index = d->next_partition++;
	d->refs++;
	pthread_mutex_unlock(&d->lock);
	ret = partition_open(ctx, p, params, err, sizeof(err));
	if (ret) {
		ctx->ReportError(ctx, LOG_PREFIX "partition %d (nodes from %d): %s", p->index,
				 p->first_node, err[0] ? err : npu_strerror(ret));
		partition_free(p);
		/* TFLite's TfLiteKernelInitFailed(): init failed. */
		return (void *)(intptr_t)-1;
	}
	return p;
}

static void print_profile(const struct partition *p)
{
	double runs = p->runs ? (double)p->runs : 1;

	fprintf(stderr, LOG_PREFIX "profile: partition %d (%d nodes from node %d): %llu runs, "
		"avg %.3f ms per run, of which %.3f ms NPU execution\n", p->index, p->num_nodes,
		p->first_node, (unsigned long long)p->runs, (double)p->run_ns / runs / 1e6,
		(double)p->npu_ns / runs / 1e6);
}

static void kernel_free(TfLiteContext *ctx, void *buffer)
{
	struct partition *p = buffer;

	(void)ctx;
	if (!p || p == (void *)(intptr_t)-1)
		return;
	if (p->d->opt.profile)
		print_profile(p);
	partition_free(p);
}

static size_t model_tensor_bytes(const struct npu_model *m, bool output, int i)
{
	struct npu_tensor_info info;

	if ((output ? npu_model_output_info : npu_model_input_info)(m, (size_t)i, &info))
		return 0;
	return info.bytes;
}

/* A kernel whose init failed (TFLite may still call it): an error, not a crash. */
static struct partition *kernel_of(TfLiteContext *ctx, TfLiteNode *node)
{
	struct partition *p = node->user_data;

	if (!p || p == (void *)(intptr_t)-1) {
		ctx->ReportError(ctx, LOG_PREFIX "the NPU partition failed to initialise");
		return NULL;
	}
	return p;
}

static TfLiteStatus kernel_prepare(TfLiteContext *ctx, TfLiteNode *node)
{
	struct partition *p = kernel_of(ctx, node);

	if (!p)
		return kTfLiteError;

	/* Shapes were fixed at compilation; a resized tensor needs a new delegate. */
	for (int k = 0; k < p->num_inputs + p->num_outputs; k++) {
		bool output = k >= p->num_inputs;
		int i = output ? k - p->num_inputs : k;
		const TfLiteTensor *t = &ctx->tensors[output ? p->outputs[i] : p->inputs[i]];

		if (t->bytes != model_tensor_bytes(p->model, output, i)) {
			ctx->ReportError(ctx, LOG_PREFIX "tensor '%s' was resized to %zu bytes; "
					 "the NPU partition was compiled for %zu",
					 t->name ? t->name : "", t->bytes,
					 model_tensor_bytes(p->model, output, i));
			return kTfLiteError;
		}
	}
	return kTfLiteOk;
}

static TfLiteStatus fail(TfLiteContext *ctx, struct partition *p, int ret)
{
	ctx->ReportError(ctx, LOG_PREFIX "partition %d: %s", p->index,
			 *npu_model_error(p->model) ? npu_model_error(p->model) :
			 npu_strerror(ret));
	return kTfLiteError;
}

static TfLiteStatus kernel_invoke(TfLiteContext *ctx, TfLiteNode *node)
{
	struct partition *p = kernel_of(ctx, node);
	uint64_t t0;
	int ret;

	if (!p)
		return kTfLiteError;
	t0 = p->d->opt.profile || p->d->trace ? npu_now_ns() : 0;

	/*
	 * Inputs are read from TFLite's buffers (bound, not copied here); the
	 * NPU cannot address TFLite's heap arena, so libnpu stages them into
	 * its device arena at each run, and outputs come back with one copy.
	 */
	for (int i = 0; i < p->num_inputs; i++) {
		const TfLiteTensor *t = &ctx->tensors[p->inputs[i]];

		if (p->bound[i] == t->data.data)
			continue;
		ret = npu_model_bind_input(p->model, (size_t)i, t->data.data, t->bytes);
		if (ret)
			return fail(ctx, p, ret);
		p->bound[i] = t->data.data;
	}
	ret = npu_model_invoke(p->model);
	if (ret)
		return fail(ctx, p, ret);
	for (int i = 0; i < p->num_outputs; i++) {
		TfLiteTensor *t = &ctx->tensors[p->outputs[i]];
		const void *data;
		size_t size;

		ret = npu_model_output(p->model, (size_t)i, &data, &size);
		if (ret)
			return fail(ctx, p, ret);
		memcpy(t->data.data, data, size < t->bytes ? size : t->bytes);
	}
	if (p->d->trace) {
		char name[32];

		/* The partition's run, above its ops and jobs in the trace. */
		snprintf(name, sizeof(name), "partition %d", p->index);
		npu_trace_file_span(p->d->trace, "TFLite delegate", name, t0, npu_now_ns());
	}
	if (p->d->opt.profile) {
		p->runs++;
		p->run_ns += npu_now_ns() - t0;
		for (size_t s = 0; s < npu_model_segment_count(p->model); s++) {
			struct npu_segment_info si;

			if (!npu_model_segment_info(p->model, s, &si))
				p->npu_ns += si.time_ns;
		}
	}
	return kTfLiteOk;
}

static const char *kernel_profiling_string(const TfLiteContext *ctx, const TfLiteNode *node)
{
	(void)ctx;
	(void)node;
	return "NPU";
}

/* ------------------------------------------------------------- placement */

static bool forced_by_name(const struct npu_delegate_options *o, const struct npu_graph_op *op)
{
	const char *name = op->builtin == NPU_BUILTIN_CUSTOM && op->custom_name ?
			   op->custom_name : npu_op_name(op->builtin);

	for (size_t i = 0; i < o->cpu_op_name_count; i++)
		if (!strcmp(o->cpu_op_names[i], name))
			return true;
	return false;
}

static void write_report(struct npu_delegate *d, const struct npu_compiled_model *cm)
{
	FILE *f;
	bool own = false;

	pthread_mutex_lock(&d->lock);
	if (!strcmp(d->opt.report, "stderr")) {
		f = stderr;
	} else if (!strcmp(d->opt.report, "stdout")) {
		f = stdout;
	} else {
		/* One file per delegate: later subgraphs and interpreters append. */
		f = fopen(d->opt.report, d->report_started ? "a" : "w");
		own = true;
	}
	if (f) {
		npu_compile_report(cm, "TFLite graph (npu-tflite delegate)", d->opt.report_json, f);
		fflush(f);
		d->report_started = true;
	} else {
		logf_(NULL, "cannot write the report to %s: %s", d->opt.report, strerror(errno));
	}
	if (own && f)
		fclose(f);
	pthread_mutex_unlock(&d->lock);
}

static TfLiteStatus delegate_prepare(TfLiteContext *ctx, TfLiteDelegate *base)
{
	struct npu_delegate *d = (struct npu_delegate *)base;
	TfLiteRegistration reg = {
		.init = kernel_init, .free = kernel_free, .prepare = kernel_prepare,
		.invoke = kernel_invoke, .profiling_string = kernel_profiling_string,
		.builtin_code = BUILTIN_DELEGATE, .custom_name = "NpuDelegate", .version = 1,
	};
	struct npu_compile_options copt = delegate_compile_options(d);
	struct npu_compiled_model *cm = NULL;
	TfLiteIntArray *plan, *claim = NULL;
	struct npu_graph *g;
	uint32_t *force = NULL;
	char err[512] = "";
	int *nodes, n, ret, claimed = 0;
	TfLiteStatus st = kTfLiteOk;

	if (d->no_npu)
		return kTfLiteOk;
	if (ctx->GetExecutionPlan(ctx, &plan) != kTfLiteOk)
		return kTfLiteError;
	n = plan->size;
	if (!n)
		return kTfLiteOk;
	/* Our copy: TFLite's plan array changes under later context calls. */
	nodes = malloc((size_t)n * sizeof(int));
	if (!nodes)
		return kTfLiteError;
	memcpy(nodes, plan->data, (size_t)n * sizeof(int));
	ret = delegate_graph_build(ctx, nodes, n, NULL, NULL, &g, NULL, err, sizeof(err));
	if (ret) {
		/* npu-compile refuses such a model too: TFLite keeps all of it. */
		logf_(d, "the NPU compiler does not take this graph (%s); every op stays with TFLite",
		      err[0] ? err : npu_strerror(ret));
		free(nodes);
		return kTfLiteOk;
	}
	force = calloc(d->opt.cpu_op_index_count + g->num_ops + 1, sizeof(uint32_t));
	if (!force)
		goto nomem;
	for (size_t i = 0; i < d->opt.cpu_op_index_count; i++) {
		if (d->opt.cpu_op_index[i] >= g->num_ops) {
			ctx->ReportError(ctx, LOG_PREFIX "cpu_ops: op %u does not exist (the graph has %u ops)",
					 d->opt.cpu_op_index[i], g->num_ops);
			npu_graph_free(g);
			st = kTfLiteError;
			goto out;
		}
		force[copt.num_force_cpu++] = d->opt.cpu_op_index[i];
	}
	for (uint32_t i = 0; i < g->num_ops; i++)
		if (forced_by_name(&d->opt, &g->ops[i]))
			force[copt.num_force_cpu++] = i;
	copt.force_cpu = force;
	/* The compiler's placement is the one source of truth (npu-compile's). */
	ret = delegate_compile(g, &copt, d->opt.cache_dir, &cm, err, sizeof(err));
	if (ret) {
		logf_(d, "the NPU compiler failed on this graph (%s); every op stays with TFLite",
		      err[0] ? err : npu_strerror(ret));
		goto out;
	}
	if (d->opt.report)
		write_report(d, cm);
	claim = malloc(sizeof(TfLiteIntArray) + ((size_t)n + 1) * sizeof(int));
	if (!claim)
		goto nomem;
	claim->size = 0;
	for (uint32_t i = 0; i < cm->num_ops; i++) {
		/* The compiler may run ops in another order: nodes[] is the graph's. */
		const uint32_t node = npu_graph_op_source(cm->graph, i);

		if (cm->op_segment[i] >= 0)
			claim->data[claim->size++] = nodes[node];
		else
			logf_(d, "op %u %s stays with TFLite: %s", node,
			      cm->graph->ops[i].custom_name ? cm->graph->ops[i].custom_name :
			      npu_op_name(cm->graph->ops[i].builtin),
			      cm->op_reason[i] ? cm->op_reason[i] : "");
	}
	claimed = claim->size;
	logf_(d, "%d of %d ops on the %s (%u NPU segment%s), %d with TFLite", claimed, n,
	      d->opt.cpu_only ? "CPU through libnpu (cpu_only)" : "NPU", cm->num_segments,
	      cm->num_segments == 1 ? "" : "s", n - claimed);
	if (claimed &&
	    ctx->ReplaceNodeSubsetsWithDelegateKernels(ctx, reg, claim, base) != kTfLiteOk)
		st = kTfLiteError;
	goto out;
nomem:
	ctx->ReportError(ctx, LOG_PREFIX "out of memory");
	st = kTfLiteError;
out:
	npu_compiled_model_free(cm);
	free(claim);
	free(force);
	free(nodes);
	return st;
}

/* ------------------------------------------------------------- entry points */

static void delegate_free(struct npu_delegate *d)
{
	if (!d)
		return;
	/* Last: partitions (which hold a reference) have closed their models. */
	if (d->trace && npu_trace_file_close(d->trace))
		fprintf(stderr, LOG_PREFIX "trace %s: write failed\n", d->opt.trace);
	npu_device_close(d->dev);
	free_options(&d->opt);
	pthread_mutex_destroy(&d->lock);
	free(d);
}

static void delegate_put(struct npu_delegate *d)
{
	bool last;

	pthread_mutex_lock(&d->lock);
	last = --d->refs == 0;
	pthread_mutex_unlock(&d->lock);
	if (last)
		delegate_free(d);
}

static int open_device(struct npu_delegate *d, char *err, size_t errlen)
{
	int ret;

	if (d->opt.cpu_only)
		return 0;
	ret = npu_device_open(d->opt.device, &d->dev);
	if (!ret) {
		logf_(d, "using %s", npu_device_path(d->dev));
		return 0;
	}
	/* Asked for a node that cannot be used: the configuration is wrong. */
	if (d->opt.device) {
		snprintf(err, errlen, "device %s: %s", d->opt.device, npu_strerror(ret));
		return ret;
	}
	/* No NPU on this machine: a clean fallback, TFLite runs everything. */
	logf_(NULL, "no NPU available (%s): every op stays with TFLite "
	      "(cpu_only=1 runs the NPU partitions on the CPU through libnpu)", npu_strerror(ret));
	d->no_npu = true;
	return 0;
}

EXPORT TfLiteDelegate *tflite_plugin_create_delegate(char **keys, char **values,
						     size_t num_options,
						     void (*report_error)(const char *));
EXPORT void tflite_plugin_destroy_delegate(TfLiteDelegate *delegate);

TfLiteDelegate *tflite_plugin_create_delegate(char **keys, char **values, size_t num_options,
					      void (*report_error)(const char *))
{
	struct npu_delegate *d = calloc(1, sizeof(*d));
	char err[512] = "";
	int ret = -ENOMEM;

	if (!d)
		goto fail;
	pthread_mutex_init(&d->lock, NULL);
	d->refs = 1;
	d->opt.log = true;
	for (size_t i = 0; i < num_options; i++) {
		ret = set_option(&d->opt, keys ? keys[i] : NULL, values ? values[i] : NULL,
				 err, sizeof(err));
		if (ret)
			goto fail;
	}
	ret = open_device(d, err, sizeof(err));
	if (ret)
		goto fail;
	if (d->opt.trace) {
		ret = npu_trace_file_open(d->opt.trace, &d->trace);
		if (ret) {
			snprintf(err, sizeof(err), "trace %s: %s", d->opt.trace, npu_strerror(ret));
			goto fail;
		}
	}
	d->base.data_ = d;
	d->base.Prepare = delegate_prepare;
	return &d->base;
fail:
	{
		char msg[600];

		snprintf(msg, sizeof(msg), LOG_PREFIX "%s", err[0] ? err : npu_strerror(ret));
		fprintf(stderr, "%s\n", msg);
		if (report_error)
			report_error(msg);
	}
	delegate_free(d);
	return NULL;
}

void tflite_plugin_destroy_delegate(TfLiteDelegate *delegate)
{
	if (delegate)
		delegate_put((struct npu_delegate *)delegate);
}
