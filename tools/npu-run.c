// SPDX-License-Identifier: MIT
/*
 * npu-run: runs a model (.npu or .tflite) on the NPU, or the CPU, and
 * reports timing like TFLite's benchmark_model: init time, first inference,
 * warmup, latency statistics, peak memory, per-op placement and time
 * (--profile), top-k classes, optionally as JSON; a timeline of every run
 * in the Chrome trace-event format (--trace).
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "npu_model.h"
#include "lib/dump_tensors.h"
#include "lib/image_input.h"
#include "lib/tensor_file.h"
#include "npu_util.h"
#include "npu_cpu.h"

#define MAX_FILES 64

struct args {
	const char *model;
	const char *inputs[MAX_FILES];
	size_t num_inputs;
	const char *outputs[MAX_FILES];
	size_t num_outputs;
	bool random;
	bool cpu;
	const char *device;
	long num_runs;
	long warmup_runs;
	bool profile;
	const char *trace;
	const char *dump_dir;
	long top_k;
	bool json;
	const char *cache_dir;
	uint32_t force_cpu[MAX_FILES];
	size_t num_force_cpu;
	unsigned int seed;
	struct image_input_options image;
	uint32_t threads;
	bool keep_state;
};

struct timing {
	double init_ms;
	double first_ms;
	double warmup_avg_ms;
	double *runs_ms;
	size_t runs;
	double avg, std, min, max, p50, p95, p99;
	double cpu_ms;		/* process CPU time (every thread) per timed run */
	long peak_rss_kib;
	size_t model_bytes;
	uint64_t *op_ns;	/* summed over timed runs */
	uint64_t *seg_ns;
};

static void usage(FILE *out)
{
	fputs("usage: npu-run --model FILE [options]\n"
	      "Runs a .npu or .tflite model and reports its latency.\n"
	      "  -m, --model FILE       model to run (required)\n"
	      "  -i, --input FILE       data for the next input: raw bytes (exact size),\n"
	      "                         .npy, or an image: .bmp, .pgm/.ppm, .png, .jpg,\n"
	      "                         resized to the input and mapped to its\n"
	      "                         quantization as (pixel - mean) / std (repeatable)\n"
	      "      --mean M, --std S  image mapping (default 127.5 and 127.5: -1..1)\n"
	      "      --image-raw        copy 8-bit image pixels unchanged into the tensor\n"
	      "  -o, --output FILE      write the next output's raw bytes (repeatable)\n"
	      "  -r, --random           random data for inputs without --input (default)\n"
	      "  -c, --cpu              run every op on the CPU\n"
	      "  -d, --device PATH      NPU device node (default: the first NPU)\n"
	      "  -n, --num-runs N       timed runs (default 50)\n"
	      "  -w, --warmup-runs N    untimed runs before them (default 1)\n"
	      "  -p, --profile          per-op placement and time\n"
	      "      --trace FILE       timeline of every run (CPU ops, NPU jobs) as a\n"
	      "                         Chrome trace (JSON, for Perfetto/chrome://tracing)\n"
	      "      --dump-tensors DIR  write every tensor the ops compute (one CPU run of\n"
	      "                         the inputs) to DIR/t<index>.bin, listed in\n"
	      "                         DIR/tensors.txt\n"
	      "  -k, --top-k K          the K highest classes of output 0\n"
	      "  -j, --json             one JSON document on stdout\n"
	      "      --cache-dir DIR    cache compiled .tflite models in DIR\n"
	      "      --force-cpu OP     run op OP on the CPU (repeatable)\n"
	      "      --seed N           random input seed (default 1)\n"
	      "      --keep-state       carry the variables (SVDF, LSTM state) from\n"
	      "                         run to run; by default every run starts from\n"
	      "                         the initial state and computes the same outputs\n"
	      "  -t, --threads N        threads for the ops on the CPU (default 1;\n"
	      "                         the outputs are the same for any N)\n"
	      "  -V, --version          the version\n"
	      "  -h, --help             this text\n", out);
}

static bool parse_long(const char *s, long min, long *v)
{
	char *end;

	errno = 0;
	*v = strtol(s, &end, 10);
	return !errno && *s && !*end && *v >= min;
}

static int parse_args(int argc, char **argv, struct args *a)
{
	enum { OPT_CACHE = 256, OPT_FORCE, OPT_SEED, OPT_MEAN, OPT_STD, OPT_IMAGE_RAW, OPT_TRACE,
	       OPT_KEEP_STATE, OPT_DUMP };
	static const struct option options[] = {
		{ "model", required_argument, NULL, 'm' },
		{ "input", required_argument, NULL, 'i' },
		{ "output", required_argument, NULL, 'o' },
		{ "random", no_argument, NULL, 'r' },
		{ "cpu", no_argument, NULL, 'c' },
		{ "device", required_argument, NULL, 'd' },
		{ "num-runs", required_argument, NULL, 'n' },
		{ "warmup-runs", required_argument, NULL, 'w' },
		{ "profile", no_argument, NULL, 'p' },
		{ "trace", required_argument, NULL, OPT_TRACE },
		{ "dump-tensors", required_argument, NULL, OPT_DUMP },
		{ "top-k", required_argument, NULL, 'k' },
		{ "json", no_argument, NULL, 'j' },
		{ "cache-dir", required_argument, NULL, OPT_CACHE },
		{ "force-cpu", required_argument, NULL, OPT_FORCE },
		{ "seed", required_argument, NULL, OPT_SEED },
		{ "mean", required_argument, NULL, OPT_MEAN },
		{ "std", required_argument, NULL, OPT_STD },
		{ "image-raw", no_argument, NULL, OPT_IMAGE_RAW },
		{ "keep-state", no_argument, NULL, OPT_KEEP_STATE },
		{ "threads", required_argument, NULL, 't' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	long v;
	int opt;

	*a = (struct args){ .num_runs = 50, .warmup_runs = 1, .seed = 1,
			    .image = { .mean = IMAGE_INPUT_DEFAULT_MEAN,
				       .std = IMAGE_INPUT_DEFAULT_STD } };
	while ((opt = getopt_long(argc, argv, "m:i:o:rcd:n:w:pk:jt:hV", options, NULL)) != -1) {
		switch (opt) {
		case 'm':
			a->model = optarg;
			break;
		case 'i':
			if (a->num_inputs == MAX_FILES)
				goto bad;
			a->inputs[a->num_inputs++] = optarg;
			break;
		case 'o':
			if (a->num_outputs == MAX_FILES)
				goto bad;
			a->outputs[a->num_outputs++] = optarg;
			break;
		case 'r':
			a->random = true;
			break;
		case 'c':
			a->cpu = true;
			break;
		case 'd':
			a->device = optarg;
			break;
		case 'n':
			if (!parse_long(optarg, 1, &a->num_runs))
				goto bad;
			break;
		case 'w':
			if (!parse_long(optarg, 0, &a->warmup_runs))
				goto bad;
			break;
		case 'p':
			a->profile = true;
			break;
		case OPT_TRACE:
			a->trace = optarg;
			break;
		case OPT_DUMP:
			a->dump_dir = optarg;
			break;
		case 'k':
			if (!parse_long(optarg, 1, &a->top_k))
				goto bad;
			break;
		case 'j':
			a->json = true;
			break;
		case OPT_CACHE:
			a->cache_dir = optarg;
			break;
		case OPT_FORCE:
			if (!parse_long(optarg, 0, &v) || v > UINT32_MAX ||
			    a->num_force_cpu == MAX_FILES)
				goto bad;
			a->force_cpu[a->num_force_cpu++] = (uint32_t)v;
			break;
		case OPT_MEAN:
		case OPT_STD: {
			char *end;
			float f = strtof(optarg, &end);

			if (!*optarg || *end || !isfinite(f) || (opt == OPT_STD && f == 0))
				goto bad;
			*(opt == OPT_MEAN ? &a->image.mean : &a->image.std) = f;
			break;
		}
		case OPT_KEEP_STATE:
			a->keep_state = true;
			break;
		case OPT_IMAGE_RAW:
			a->image.raw = true;
			break;
		case 't':
			if (!parse_long(optarg, 1, &v) || v > NPU_CPU_MAX_THREADS)
				goto bad;
			a->threads = (uint32_t)v;
			break;
		case OPT_SEED:
			if (!parse_long(optarg, 0, &v))
				goto bad;
			a->seed = (unsigned int)v;
			break;
		case 'h':
			usage(stdout);
			exit(0);
		case 'V':
			printf("npu-run (npu) %s\n", npu_version());
			exit(0);
		default:
			goto bad;
		}
	}
	if (!a->model || optind < argc)
		goto bad;
	if (a->cpu && a->device) {
		fputs("npu-run: --cpu and --device exclude each other\n", stderr);
		return -1;
	}
	return 0;
bad:
	usage(stderr);
	return -1;
}

static double now_ms(void)
{
	return (double)npu_now_ns() / 1e6;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Nearest-rank percentile of sorted values. */
static double percentile(const double *sorted, size_t n, double p)
{
	size_t rank = (size_t)ceil(p / 100.0 * (double)n);

	return sorted[rank ? rank - 1 : 0];
}

static void compute_stats(struct timing *t)
{
	double sum = 0, var = 0;
	double *sorted = malloc(t->runs * sizeof(*sorted));

	for (size_t i = 0; i < t->runs; i++)
		sum += t->runs_ms[i];
	t->avg = sum / (double)t->runs;
	for (size_t i = 0; i < t->runs; i++)
		var += (t->runs_ms[i] - t->avg) * (t->runs_ms[i] - t->avg);
	t->std = sqrt(var / (double)t->runs);
	if (!sorted)
		return;
	memcpy(sorted, t->runs_ms, t->runs * sizeof(*sorted));
	qsort(sorted, t->runs, sizeof(*sorted), cmp_double);
	t->min = sorted[0];
	t->max = sorted[t->runs - 1];
	t->p50 = percentile(sorted, t->runs, 50);
	t->p95 = percentile(sorted, t->runs, 95);
	t->p99 = percentile(sorted, t->runs, 99);
	free(sorted);
}

static void json_string(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			printf("\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			printf("\\u%04x", (unsigned char)*s);
		else
			putchar(*s);
	}
	putchar('"');
}

/* Images are decoded here (tools/lib), raw and .npy files by libnpu. */
static int load_input(const struct args *a, size_t i, const struct npu_tensor_info *info,
		      void **data, char *err, size_t errlen)
{
	uint8_t head[8] = { 0 };
	size_t got = 0;
	FILE *f = fopen(a->inputs[i], "rb");

	if (f) {
		got = fread(head, 1, sizeof(head), f);
		fclose(f);
	}
	if (image_input_is_image(head, got))
		return image_input_load(a->inputs[i], info, &a->image, data, err, errlen);
	return tensor_file_load(a->inputs[i], info, data, err, errlen);
}

static int fill_inputs(struct npu_model *m, const struct args *a, bool *random_used)
{
	size_t n = npu_model_input_count(m);

	if (a->num_inputs > n) {
		fprintf(stderr, "npu-run: %zu --input files for %zu model inputs\n",
			a->num_inputs, n);
		return -EINVAL;
	}
	srand(a->seed);
	for (size_t i = 0; i < n; i++) {
		struct npu_tensor_info info;
		char err[512];
		void *data;
		int ret;

		npu_model_input_info(m, i, &info);
		if (i < a->num_inputs) {
			ret = load_input(a, i, &info, &data, err, sizeof(err));
			if (ret) {
				fprintf(stderr, "npu-run: input %zu (%s): %s\n", i, info.name,
					*err ? err : npu_strerror(ret));
				return ret;
			}
		} else {
			uint8_t *bytes = malloc(info.bytes ? info.bytes : 1);

			if (!bytes)
				return -ENOMEM;
			for (size_t b = 0; b < info.bytes; b++)
				bytes[b] = (uint8_t)(rand() >> 7);
			/* Random floats would be NaN/Inf soup: use [-1, 1). */
			if (!strcmp(info.type_name, "float32"))
				for (size_t e = 0; e < info.bytes / 4; e++)
					((float *)bytes)[e] =
						(float)((double)rand() / ((double)RAND_MAX + 1) * 2 - 1);
			data = bytes;
			*random_used = true;
		}
		ret = npu_model_set_input(m, i, data, info.bytes);
		free(data);
		if (ret) {
			fprintf(stderr, "npu-run: input %zu: %s\n", i, npu_model_error(m));
			return ret;
		}
	}
	return 0;
}

static int write_outputs(struct npu_model *m, const struct args *a)
{
	for (size_t i = 0; i < a->num_outputs && i < npu_model_output_count(m); i++) {
		const void *data;
		size_t size;
		FILE *f;

		if (npu_model_output(m, i, &data, &size))
			return -EIO;
		f = fopen(a->outputs[i], "wb");
		if (!f || fwrite(data, 1, size, f) != size || fclose(f)) {
			fprintf(stderr, "npu-run: %s: %s\n", a->outputs[i], strerror(errno));
			return -EIO;
		}
	}
	return 0;
}

/*
 * Runs n times, adding per-op and per-segment times to the totals; each run
 * is a span named what on the trace's "npu-run" track.
 */
static double cpu_time_ms(const struct rusage *ru)
{
	return (double)(ru->ru_utime.tv_sec + ru->ru_stime.tv_sec) * 1e3 +
	       (double)(ru->ru_utime.tv_usec + ru->ru_stime.tv_usec) / 1e3;
}

static int run_many(struct npu_model *m, long n, double *times_ms, struct timing *t,
		    const char *what, bool quiet, struct npu_trace_file *trace,
		    bool reset_state)
{
	double start = now_ms(), last_progress = start;
	bool tty = isatty(STDERR_FILENO), shown = false;

	for (long r = 0; r < n; r++) {
		uint64_t t0, t1;
		int ret = reset_state ? npu_model_reset_state(m) : 0;

		t0 = npu_now_ns();
		if (!ret)
			ret = npu_model_invoke(m);
		t1 = npu_now_ns();
		if (ret) {
			fprintf(stderr, "\nnpu-run: %s run %ld: %s\n", what, r + 1,
				*npu_model_error(m) ? npu_model_error(m) : npu_strerror(ret));
			return ret;
		}
		if (times_ms)
			times_ms[r] = (double)(t1 - t0) / 1e6;
		if (trace)
			npu_trace_file_span(trace, "npu-run", what, t0, t1);
		if (t && t->op_ns) {
			for (size_t i = 0; i < npu_model_op_count(m); i++) {
				struct npu_op_info op;

				npu_model_op_info(m, i, &op);
				t->op_ns[i] += op.time_ns;
			}
			for (size_t s = 0; s < npu_model_segment_count(m); s++) {
				struct npu_segment_info seg;

				npu_model_segment_info(m, s, &seg);
				t->seg_ns[s] += seg.time_ns;
			}
		}
		/*
		 * A progress line on long runs: rewritten in place every
		 * second on a terminal, a plain line every 5 s otherwise.
		 */
		if (!quiet && now_ms() - last_progress > (tty ? 1000 : 5000)) {
			last_progress = now_ms();
			fprintf(stderr, "%s%s: %ld/%ld runs, %.1f s%s", tty ? "\r" : "", what,
				r + 1, n, (last_progress - start) / 1e3, tty ? "" : "\n");
			shown = true;
		}
	}
	if (shown && tty)
		fputs("\n", stderr);
	return 0;
}

struct class_score {
	size_t index;
	double score;
};

static int by_score(const void *a, const void *b)
{
	const struct class_score *x = a, *y = b;

	if (x->score != y->score)
		return x->score < y->score ? 1 : -1;
	return x->index < y->index ? -1 : x->index > y->index;
}

/* Output 0's values as real numbers (dequantized), sorted by score. */
static struct class_score *top_classes(struct npu_model *m, size_t *count)
{
	struct npu_tensor_info info;
	struct class_score *c;
	const void *data;
	size_t n, size;

	if (npu_model_output_info(m, 0, &info) || npu_model_output(m, 0, &data, &size))
		return NULL;
	if (!strcmp(info.type_name, "int8"))
		n = size;
	else if (!strcmp(info.type_name, "uint8"))
		n = size;
	else if (!strcmp(info.type_name, "int16"))
		n = size / 2;
	else if (!strcmp(info.type_name, "int32") || !strcmp(info.type_name, "float32"))
		n = size / 4;
	else
		return NULL;
	c = calloc(n ? n : 1, sizeof(*c));
	if (!c)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		double q;

		if (!strcmp(info.type_name, "int8"))
			q = ((const int8_t *)data)[i];
		else if (!strcmp(info.type_name, "uint8"))
			q = ((const uint8_t *)data)[i];
		else if (!strcmp(info.type_name, "int16"))
			q = ((const int16_t *)data)[i];
		else if (!strcmp(info.type_name, "int32"))
			q = ((const int32_t *)data)[i];
		else
			q = ((const float *)data)[i];
		c[i].index = i;
		c[i].score = info.scale ? (q - info.zero_point) * info.scale : q;
	}
	qsort(c, n, sizeof(*c), by_score);
	*count = n;
	return c;
}

static void placement_counts(struct npu_model *m, size_t *npu, size_t *cpu)
{
	*npu = *cpu = 0;
	for (size_t i = 0; i < npu_model_op_count(m); i++) {
		struct npu_op_info op;

		npu_model_op_info(m, i, &op);
		if (op.placement == NPU_PLACEMENT_NPU)
			(*npu)++;
		else
			(*cpu)++;
	}
}

static void print_text(struct npu_model *m, const struct args *a, const char *target,
		       const struct timing *t, bool random_used)
{
	size_t npu_ops, cpu_ops;

	placement_counts(m, &npu_ops, &cpu_ops);
	printf("model:            %s\n", a->model);
	printf("target:           %s\n", target);
	printf("placement:        %zu ops on the NPU in %zu segment%s, %zu on the CPU\n",
	       npu_ops, npu_model_segment_count(m),
	       npu_model_segment_count(m) == 1 ? "" : "s", cpu_ops);
	if (random_used)
		printf("inputs:           random (seed %u)\n", a->seed);
	printf("init:             %.3f ms\n", t->init_ms);
	printf("first inference:  %.3f ms\n", t->first_ms);
	if (a->warmup_runs)
		printf("warmup:           %ld runs, avg %.3f ms\n", a->warmup_runs,
		       t->warmup_avg_ms);
	printf("inference:        %zu runs, avg %.3f ms, std %.3f ms, min %.3f ms, max %.3f ms\n",
	       t->runs, t->avg, t->std, t->min, t->max);
	printf("percentiles:      p50 %.3f ms, p95 %.3f ms, p99 %.3f ms\n",
	       t->p50, t->p95, t->p99);
	printf("CPU time:         %.3f ms per run (all threads)\n", t->cpu_ms);
	printf("peak memory:      %ld KiB resident, %zu KiB model buffers\n",
	       t->peak_rss_kib, t->model_bytes / 1024);
	if (a->profile) {
		/* run: the order ops run in; #: the model's op number (--force-cpu's). */
		printf("\n%4s %4s  %-22s %-5s %-4s %10s  %s\n", "run", "#", "type", "where",
		       "seg", "avg ms", "reason");
		for (size_t i = 0; i < npu_model_op_count(m); i++) {
			struct npu_op_info op;

			npu_model_op_info_sized(m, i, &op, sizeof(op));
			if (op.placement == NPU_PLACEMENT_NPU && !t->op_ns[i])
				printf("%4zu %4u  %-22s %-5s %4d %10s\n", i, op.tflite_op, op.type,
				       "NPU", op.segment, "-");
			else if (op.placement == NPU_PLACEMENT_NPU)
				printf("%4zu %4u  %-22s %-5s %4d %9.3f*\n", i, op.tflite_op, op.type,
				       "NPU", op.segment, t->op_ns[i] / 1e6 / (double)t->runs);
			else
				printf("%4zu %4u  %-22s %-5s %4s %10.3f  %s\n", i, op.tflite_op,
				       op.type, "CPU", "-", t->op_ns[i] / 1e6 / (double)t->runs,
				       op.reason);
		}
		if (npu_model_segment_count(m))
			printf("(* NPU op times: the segment's time shared by the compiler's cycle estimate)\n");
		for (size_t s = 0; s < npu_model_segment_count(m); s++) {
			struct npu_segment_info seg;

			npu_model_segment_info(m, s, &seg);
			printf("segment %zu: ops %u-%u, avg %.3f ms on the NPU, %" PRIu64
			       " cycles, %" PRIu64 " MACs\n", s, seg.first_op,
			       seg.first_op + seg.op_count - 1,
			       t->seg_ns[s] / 1e6 / (double)t->runs, seg.cycles, seg.macs);
		}
	}
	if (a->top_k) {
		size_t n = 0;
		struct class_score *c = top_classes(m, &n);

		printf("\ntop %ld of output 0:\n", a->top_k);
		for (size_t i = 0; c && i < n && i < (size_t)a->top_k; i++)
			printf("  %5zu  %.6f\n", c[i].index, c[i].score);
		free(c);
	}
}

static void print_json(struct npu_model *m, const struct args *a, const char *target,
		       const struct timing *t, bool random_used)
{
	size_t npu_ops, cpu_ops;

	placement_counts(m, &npu_ops, &cpu_ops);
	printf("{\"model\":");
	json_string(a->model);
	printf(",\"target\":");
	json_string(target);
	printf(",\"npu_ops\":%zu,\"cpu_ops\":%zu,\"segments\":%zu,\"random_inputs\":%s",
	       npu_ops, cpu_ops, npu_model_segment_count(m), random_used ? "true" : "false");
	printf(",\"init_ms\":%.3f,\"first_inference_ms\":%.3f,\"warmup_runs\":%ld,"
	       "\"warmup_avg_ms\":%.3f", t->init_ms, t->first_ms, a->warmup_runs,
	       t->warmup_avg_ms);
	printf(",\"runs\":%zu,\"avg_ms\":%.3f,\"std_ms\":%.3f,\"min_ms\":%.3f,\"max_ms\":%.3f,"
	       "\"p50_ms\":%.3f,\"p95_ms\":%.3f,\"p99_ms\":%.3f", t->runs, t->avg, t->std,
	       t->min, t->max, t->p50, t->p95, t->p99);
	printf(",\"cpu_ms\":%.3f", t->cpu_ms);
	printf(",\"peak_rss_kib\":%ld,\"model_bytes\":%zu", t->peak_rss_kib, t->model_bytes);
	if (a->profile) {
		printf(",\"ops\":[");
		for (size_t i = 0; i < npu_model_op_count(m); i++) {
			struct npu_op_info op;

			npu_model_op_info_sized(m, i, &op, sizeof(op));
			/* index: the run order; tflite_*: the op in the source model. */
			printf("%s{\"index\":%zu,\"tflite_subgraph\":%u,\"tflite_op\":%u,\"type\":",
			       i ? "," : "", i, op.tflite_subgraph, op.tflite_op);
			json_string(op.type);
			printf(",\"placement\":\"%s\",\"segment\":%d,\"avg_ms\":%.3f",
			       op.placement == NPU_PLACEMENT_NPU ? "npu" : "cpu", op.segment,
			       t->op_ns[i] / 1e6 / (double)t->runs);
			if (op.placement == NPU_PLACEMENT_CPU) {
				printf(",\"reason\":");
				json_string(op.reason);
			}
			putchar('}');
		}
		printf("],\"npu_segments\":[");
		for (size_t s = 0; s < npu_model_segment_count(m); s++) {
			struct npu_segment_info seg;

			npu_model_segment_info(m, s, &seg);
			printf("%s{\"first_op\":%u,\"op_count\":%u,\"avg_ms\":%.3f,\"cycles\":%" PRIu64
			       ",\"macs\":%" PRIu64 "}", s ? "," : "", seg.first_op, seg.op_count,
			       t->seg_ns[s] / 1e6 / (double)t->runs, seg.cycles, seg.macs);
		}
		putchar(']');
	}
	if (a->top_k) {
		size_t n = 0;
		struct class_score *c = top_classes(m, &n);

		printf(",\"top_k\":[");
		for (size_t i = 0; c && i < n && i < (size_t)a->top_k; i++)
			printf("%s{\"index\":%zu,\"score\":%.6f}", i ? "," : "", c[i].index,
			       c[i].score);
		putchar(']');
		free(c);
	}
	printf("}\n");
}

int main(int argc, char **argv)
{
	struct npu_model_options opts = { 0 };
	struct npu_device *dev = NULL;
	struct npu_model *m = NULL;
	struct npu_trace_file *trace = NULL;
	struct timing t = { 0 };
	struct rusage ru;
	double cpu0;
	struct args a;
	char err[1024] = "";
	const char *target;
	bool random_used = false;
	double t0;
	int ret, status = 1;

	if (parse_args(argc, argv, &a))
		return 2;
	if (!a.cpu) {
		ret = npu_device_open(a.device, &dev);
		if (ret && (a.device || ret != -NPU_ERR_NO_DEVICE)) {
			fprintf(stderr, "npu-run: %s: %s\n", a.device ? a.device : "NPU",
				npu_strerror(ret));
			return 1;
		}
		if (ret)
			fprintf(stderr, "npu-run: no NPU found, running on the CPU\n");
	}
	opts.flags = a.profile ? NPU_MODEL_PROFILE : 0;
	opts.cache_dir = a.cache_dir;
	opts.cpu_threads = a.threads;
	opts.cpu_ops = a.force_cpu;
	opts.cpu_op_count = a.num_force_cpu;
	opts.err = err;
	opts.errlen = sizeof(err);
	t0 = now_ms();
	ret = npu_model_open(dev, a.model, &opts, &m);
	t.init_ms = now_ms() - t0;
	if (ret) {
		fprintf(stderr, "npu-run: %s\n", *err ? err : npu_strerror(ret));
		goto out;
	}
	target = npu_model_uses_npu(m) ? npu_device_path(dev) : "cpu";
	if (fill_inputs(m, &a, &random_used))
		goto out;
	if (a.dump_dir) {
		ret = dump_tensors(a.model, m, a.dump_dir, err, sizeof(err));
		if (ret) {
			fprintf(stderr, "npu-run: --dump-tensors: %s\n", *err ? err : npu_strerror(ret));
			goto out;
		}
	}
	t.runs = (size_t)a.num_runs;
	t.runs_ms = calloc(t.runs, sizeof(double));
	t.op_ns = calloc(npu_model_op_count(m) + 1, sizeof(uint64_t));
	t.seg_ns = calloc(npu_model_segment_count(m) + 1, sizeof(uint64_t));
	if (!t.runs_ms || !t.op_ns || !t.seg_ns)
		goto out;

	if (a.trace) {
		ret = npu_trace_file_open(a.trace, &trace);
		if (!ret)
			ret = npu_model_set_trace(m, npu_trace_file_event, trace);
		if (ret) {
			fprintf(stderr, "npu-run: %s: %s\n", a.trace, npu_strerror(ret));
			goto out;
		}
	}
	if (run_many(m, 1, &t.first_ms, NULL, "first inference", true, trace,
		     !a.keep_state))
		goto out;
	if (a.warmup_runs) {
		double *w = calloc((size_t)a.warmup_runs, sizeof(double));

		if (!w || run_many(m, a.warmup_runs, w, NULL, "warmup", a.json, trace,
				  !a.keep_state)) {
			free(w);
			goto out;
		}
		for (long i = 0; i < a.warmup_runs; i++)
			t.warmup_avg_ms += w[i] / (double)a.warmup_runs;
		free(w);
	}
	/*
	 * CPU time besides wall time: on a shared machine a run waits for a
	 * core, and only the wall time sees that.
	 */
	getrusage(RUSAGE_SELF, &ru);
	cpu0 = cpu_time_ms(&ru);
	if (run_many(m, a.num_runs, t.runs_ms, &t, "inference", a.json, trace,
		     !a.keep_state))
		goto out;
	getrusage(RUSAGE_SELF, &ru);
	t.cpu_ms = a.num_runs ? (cpu_time_ms(&ru) - cpu0) / (double)a.num_runs : 0;
	ret = npu_trace_file_close(trace);
	trace = NULL;
	if (ret) {
		fprintf(stderr, "npu-run: %s: %s\n", a.trace, npu_strerror(ret));
		goto out;
	}
	compute_stats(&t);
	getrusage(RUSAGE_SELF, &ru);
	t.peak_rss_kib = ru.ru_maxrss;
	t.model_bytes = npu_model_memory_size(m);
	if (write_outputs(m, &a))
		goto out;
	if (a.json)
		print_json(m, &a, target, &t, random_used);
	else
		print_text(m, &a, target, &t, random_used);
	status = 0;
out:
	npu_trace_file_close(trace);
	free(t.runs_ms);
	free(t.op_ns);
	free(t.seg_ns);
	npu_model_close(m);
	npu_device_close(dev);
	return status;
}
