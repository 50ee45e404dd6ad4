// SPDX-License-Identifier: MIT
/*
 * The CPU executor: prepares every op of a graph once, then runs ops in
 * order on tensor memory the caller binds or the executor allocates.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cpu_internal.h"
#include "cpu_opt.h"

#define CPU_ERR_LEN 256
#define TENSOR_ALIGN 64

struct cpu_op_slot {
	const struct cpu_kernel *kernel;	/* NULL: no built-in kernel */
	void *state;
	npu_cpu_kernel_fn hook;
	void *hook_user;
	char *why;	/* why the built-in kernel is unavailable, or NULL */
	bool folded;	/* folded into its reader: not run (op_folded()) */
};

struct npu_cpu {
	const struct npu_graph *g;
	const struct npu_graph *root;	/* the main graph when @g is a subgraph, else NULL */
	uint32_t depth;			/* subgraphs around @g */
	struct cpu_op_slot *ops;
	void **data;		/* current memory of each tensor, or NULL */
	bool *owned;		/* data[t] was allocated by us */
	void **args;		/* room for the largest op's input+output pointers */
	uint32_t max_args;
	struct npu_cpu_pool *pool;	/* worker threads, or NULL */
	struct op_stats *stats;	/* per op, with NPU_CPU_POOL_STATS set; else NULL */
	char err[CPU_ERR_LEN + 128];
};

/*
 * Where the threads' time goes, op by op (NPU_CPU_POOL_STATS=1, printed to
 * stderr when the executor is destroyed): the op's wall time, the caller's
 * CPU time in it (its parts and the serial work around them), and each
 * thread's parts and CPU time in them.
 */
struct op_stats {
	uint64_t calls, wall_ns, caller_ns;
	uint64_t jobs, wakes, wait_ns;
	uint64_t parts[NPU_CPU_MAX_THREADS], work_ns[NPU_CPU_MAX_THREADS];
};

static uint64_t clock_ns(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void op_stats_add(struct npu_cpu *cpu, uint32_t i, const struct cpu_pool_stats *before,
			 uint64_t wall0, uint64_t cpu0)
{
	const uint32_t threads = cpu_pool_threads(cpu->pool);
	struct cpu_pool_stats after[NPU_CPU_MAX_THREADS];
	struct op_stats *o = &cpu->stats[i];

	o->wall_ns += clock_ns(CLOCK_MONOTONIC) - wall0;
	o->caller_ns += clock_ns(CLOCK_THREAD_CPUTIME_ID) - cpu0;
	o->calls++;
	cpu_pool_stats(cpu->pool, after);
	o->jobs += after[0].jobs - before[0].jobs;
	o->wakes += after[0].wakes - before[0].wakes;
	o->wait_ns += after[0].wait_ns - before[0].wait_ns;
	for (uint32_t t = 0; t < threads; t++) {
		o->parts[t] += after[t].parts - before[t].parts;
		o->work_ns[t] += after[t].work_ns - before[t].work_ns;
	}
}

static void op_label(const struct npu_graph *g, uint32_t i, char *buf,
		     size_t len);

/* Microseconds per call. */
static double per_call(uint64_t ns, uint64_t calls)
{
	return calls ? (double)ns / 1e3 / (double)calls : 0;
}

static void op_stats_print(const struct npu_cpu *cpu)
{
	const uint32_t threads = cpu_pool_threads(cpu->pool);
	struct cpu_pool_stats all[NPU_CPU_MAX_THREADS];
	struct op_stats sum = { 0 };
	char label[96];

	fprintf(stderr, "pool stats, %u threads, us per call: op, wall, caller CPU (parts + serial), "
		"jobs, wakes, caller wait, per thread: parts/CPU in parts\n", threads);
	for (uint32_t i = 0; i < cpu->g->num_ops; i++) {
		const struct op_stats *o = &cpu->stats[i];

		if (!o->calls)
			continue;
		op_label(cpu->g, i, label, sizeof(label));
		fprintf(stderr, "%-40s %8.1f %8.1f %5.1f %5.1f %7.1f", label,
			per_call(o->wall_ns, o->calls), per_call(o->caller_ns, o->calls),
			(double)o->jobs / (double)o->calls, (double)o->wakes / (double)o->calls,
			per_call(o->wait_ns, o->calls));
		for (uint32_t t = 0; t < threads; t++)
			fprintf(stderr, "  %4.1f/%7.1f", (double)o->parts[t] / (double)o->calls,
				per_call(o->work_ns[t], o->calls));
		fputc('\n', stderr);
		sum.calls = o->calls > sum.calls ? o->calls : sum.calls;
		sum.wall_ns += o->wall_ns;
		sum.caller_ns += o->caller_ns;
		sum.jobs += o->jobs;
		sum.wakes += o->wakes;
		sum.wait_ns += o->wait_ns;
		for (uint32_t t = 0; t < threads; t++) {
			sum.parts[t] += o->parts[t];
			sum.work_ns[t] += o->work_ns[t];
		}
	}
	fprintf(stderr, "%-40s %8.1f %8.1f %5.1f %5.1f %7.1f", "total per inference",
		per_call(sum.wall_ns, sum.calls), per_call(sum.caller_ns, sum.calls),
		(double)sum.jobs / (double)sum.calls, (double)sum.wakes / (double)sum.calls,
		per_call(sum.wait_ns, sum.calls));
	for (uint32_t t = 0; t < threads; t++)
		fprintf(stderr, "  %4.1f/%7.1f", (double)sum.parts[t] / (double)sum.calls,
			per_call(sum.work_ns[t], sum.calls));
	fputc('\n', stderr);
	/*
	 * Where each thread is idle: during ops that handed the pool no job
	 * (serial: the workers wait), and in the ops that did, the op's wall
	 * time less the thread's parts (hand-off, the serial set-up around
	 * the job, the wait for the last part, a core taken by another
	 * process).
	 */
	for (uint32_t t = 0; t < threads; t++) {
		uint64_t serial = 0, jobs_wall = 0, work = 0;

		for (uint32_t i = 0; i < cpu->g->num_ops; i++) {
			const struct op_stats *o = &cpu->stats[i];

			if (!o->jobs) {
				serial += o->wall_ns;
				continue;
			}
			jobs_wall += o->wall_ns;
			work += o->work_ns[t];
		}
		fprintf(stderr, "thread %u, us per inference: in parts %.1f (%.0f%% of the wall "
			"time); idle in ops without a job %.1f; outside its parts in ops with one "
			"%.1f\n", t,
			per_call(work, sum.calls),
			sum.wall_ns ? 100.0 * (double)work / (double)sum.wall_ns : 0.0,
			t ? per_call(serial, sum.calls) : 0.0,
			per_call(jobs_wall > work ? jobs_wall - work : 0, sum.calls));
	}
	cpu_pool_stats(cpu->pool, all);
	for (uint32_t t = 1; t < threads; t++)
		fprintf(stderr, "worker %u slept %llu times\n", t, (unsigned long long)all[t].sleeps);
	fprintf(stderr, "caller slept %llu times waiting for parts\n",
		(unsigned long long)all[0].sleeps);
}

static void op_label(const struct npu_graph *g, uint32_t i, char *buf,
		     size_t len)
{
	const struct npu_graph_op *op = &g->ops[i];

	if (op->builtin == NPU_BUILTIN_CUSTOM && op->custom_name)
		snprintf(buf, len, "op %u (CUSTOM '%s')", i, op->custom_name);
	else
		snprintf(buf, len, "op %u (%s)", i, npu_op_name(op->builtin));
}

__attribute__((format(printf, 3, 4)))
static void set_err(struct npu_cpu *cpu, uint32_t op, const char *fmt, ...)
{
	char label[96], msg[CPU_ERR_LEN];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	op_label(cpu->g, op, label, sizeof(label));
	snprintf(cpu->err, sizeof(cpu->err), "%s: %s", label, msg);
}

static bool is_constant(const struct npu_graph_tensor *t)
{
	return t->data && !t->is_variable;
}

static void *alloc_tensor(size_t bytes)
{
	size_t size = (bytes + TENSOR_ALIGN - 1) / TENSOR_ALIGN * TENSOR_ALIGN;
	void *p;

	if (!size)
		size = TENSOR_ALIGN;
	p = aligned_alloc(TENSOR_ALIGN, size);
	if (p)
		memset(p, 0, size);
	return p;
}

/*
 * Variables start as TFLite Micro's ResetVariableTensors() leaves them:
 * int8 tensors filled with their zero point, everything else zero.  A
 * resource variable that the model's CALL_ONCE subgraph assigns has that
 * value as its data (the reader's doing, tflite_reader.c).
 */
static void init_variable(struct npu_cpu *cpu, int32_t t)
{
	const struct npu_graph_tensor *ten = &cpu->g->tensors[t];
	int value = 0;

	if (ten->data && ten->data_size == ten->bytes) {
		if (cpu->data[t] != ten->data)
			memcpy(cpu->data[t], ten->data, ten->bytes);
		return;
	}
	if (ten->type == NPU_TYPE_INT8 && ten->quant.count)
		value = (uint8_t)(int8_t)ten->quant.zero_point[0];
	memset(cpu->data[t], value, ten->bytes);
}

void *npu_cpu_tensor_data(struct npu_cpu *cpu, int32_t t)
{
	const struct npu_graph_tensor *ten;

	if (!cpu || t < 0 || (uint32_t)t >= cpu->g->num_tensors)
		return NULL;
	if (cpu->data[t])
		return cpu->data[t];
	ten = &cpu->g->tensors[t];
	if (is_constant(ten))
		return ten->data;
	cpu->data[t] = alloc_tensor(ten->bytes);
	if (!cpu->data[t])
		return NULL;
	cpu->owned[t] = true;
	if (ten->is_variable)
		init_variable(cpu, t);
	return cpu->data[t];
}

int npu_cpu_bind(struct npu_cpu *cpu, int32_t t, void *data, size_t size)
{
	const struct npu_graph_tensor *ten;

	if (!cpu)
		return -EINVAL;
	if (t < 0 || (uint32_t)t >= cpu->g->num_tensors) {
		snprintf(cpu->err, sizeof(cpu->err),
			 "bind: tensor %d out of range (graph has %u)", t,
			 cpu->g->num_tensors);
		return -ERANGE;
	}
	ten = &cpu->g->tensors[t];
	if (is_constant(ten)) {
		snprintf(cpu->err, sizeof(cpu->err),
			 "bind: tensor %d ('%s') is a constant", t, ten->name);
		return -EINVAL;
	}
	if (data && size < ten->bytes) {
		snprintf(cpu->err, sizeof(cpu->err),
			 "bind: tensor %d ('%s') needs %zu bytes, got %zu", t,
			 ten->name, ten->bytes, size);
		return -EINVAL;
	}
	if (cpu->owned[t])
		free(cpu->data[t]);
	cpu->owned[t] = false;
	cpu->data[t] = data;
	return 0;
}

/*
 * Op @i is what the compiler's fusion (compiler/fuse.c) leaves of a PAD
 * or an activation it folded into a neighbour: a pure builtin of that
 * kind whose every output is read by no op and is neither a graph output
 * nor a variable, while its input is read by another op too (the op it
 * was folded into reads the PAD's input, or the activation's readers its
 * input).  Nothing sees what it would compute (the NPU gives it no
 * command), so the executor does not run it: MobileNet-v2's 18 PADs
 * copied each tensor a strided depthwise layer reads, and handed the
 * worker threads a job each.  A graph that names no outputs (one built by
 * hand to be read with npu_cpu_tensor_data()) has no folded op.
 */
static bool op_folded(const struct npu_graph *g, uint32_t i, const uint32_t *readers)
{
	const struct npu_graph_op *op = &g->ops[i];
	const int32_t in = op->num_inputs ? op->inputs[0] : -1;

	switch (op->builtin) {
	case NPU_BUILTIN_PAD:
	case NPU_BUILTIN_RELU:
	case NPU_BUILTIN_RELU6:
	case NPU_BUILTIN_RELU_N1_TO_1:
		break;
	default:
		return false;
	}
	if (!g->num_outputs || !op->num_outputs || in < 0 || (uint32_t)in >= g->num_tensors ||
	    readers[in] < 2)
		return false;
	for (uint32_t k = 0; k < op->num_outputs; k++) {
		const int32_t t = op->outputs[k];

		if (t < 0 || (uint32_t)t >= g->num_tensors || readers[t] ||
		    g->tensors[t].is_variable)
			return false;
	}
	return true;
}

/* Marks the folded ops (op_folded()). */
static int find_folded(struct npu_cpu *cpu)
{
	const struct npu_graph *g = cpu->g;
	uint32_t *readers = calloc(g->num_tensors + 1, sizeof(*readers));

	if (!readers)
		return -ENOMEM;
	/* Reads by ops (each op once per tensor), and graph outputs. */
	for (uint32_t i = 0; i < g->num_ops; i++) {
		const struct npu_graph_op *op = &g->ops[i];

		for (uint32_t k = 0; k < op->num_inputs; k++) {
			const int32_t t = op->inputs[k];
			bool seen = false;

			for (uint32_t m = 0; m < k && !seen; m++)
				seen = op->inputs[m] == t;
			if (t >= 0 && (uint32_t)t < g->num_tensors && !seen)
				readers[t]++;
		}
	}
	for (uint32_t i = 0; i < g->num_outputs; i++)
		if (g->outputs[i] >= 0 && (uint32_t)g->outputs[i] < g->num_tensors)
			readers[g->outputs[i]]++;
	for (uint32_t i = 0; i < g->num_ops; i++)
		cpu->ops[i].folded = op_folded(g, i, readers);
	free(readers);
	return 0;
}

bool npu_cpu_op_folded(const struct npu_cpu *cpu, uint32_t op_index)
{
	return cpu && op_index < cpu->g->num_ops && cpu->ops[op_index].folded &&
	       !cpu->ops[op_index].hook;
}

static int prepare_op(struct npu_cpu *cpu, uint32_t i)
{
	const struct npu_graph_op *op = &cpu->g->ops[i];
	struct cpu_op_slot *slot = &cpu->ops[i];
	const struct cpu_kernel *k = cpu_kernel_for(op);
	char msg[CPU_ERR_LEN] = "";
	struct cpu_prep p = {
		.g = cpu->g, .op = op, .root = cpu->root, .depth = cpu->depth, .err = msg, .errlen = sizeof(msg),
	};
	int ret;

	if (!k) {
		slot->why = strdup("no built-in CPU kernel");
		return slot->why ? 0 : -ENOMEM;
	}
	ret = k->prepare(&p, &slot->state);
	if (ret == -ENOTSUP) {
		/* Not runnable on the CPU, but a hook may still run it. */
		slot->why = strdup(msg[0] ? msg : "not supported");
		return slot->why ? 0 : -ENOMEM;
	}
	if (ret) {
		set_err(cpu, i, "%s", msg[0] ? msg : strerror(-ret));
		return ret;
	}
	slot->kernel = k;
	return 0;
}

int npu_cpu_set_threads(struct npu_cpu *cpu, uint32_t threads)
{
	struct npu_cpu_pool *pool;
	int ret;

	if (!cpu || threads > NPU_CPU_MAX_THREADS)
		return -EINVAL;
	ret = cpu_pool_create(threads, &pool);
	if (ret) {
		snprintf(cpu->err, sizeof(cpu->err), "cannot start %u threads: %s", threads,
			 strerror(-ret));
		return ret;
	}
	if (cpu->stats)
		op_stats_print(cpu);
	free(cpu->stats);
	cpu->stats = NULL;
	cpu_pool_destroy(cpu->pool);
	cpu->pool = pool;
	if (cpu_pool_stats(pool, NULL))
		cpu->stats = calloc(cpu->g->num_ops, sizeof(*cpu->stats));
	return 0;
}

void npu_cpu_destroy(struct npu_cpu *cpu)
{
	if (!cpu)
		return;
	if (cpu->stats)
		op_stats_print(cpu);
	free(cpu->stats);
	cpu_pool_destroy(cpu->pool);
	if (cpu->ops) {
		for (uint32_t i = 0; i < cpu->g->num_ops; i++) {
			const struct cpu_kernel *k = cpu->ops[i].kernel;

			if (k && k->release)
				k->release(cpu->ops[i].state);
			else
				free(cpu->ops[i].state);
			free(cpu->ops[i].why);
		}
	}
	if (cpu->data) {
		for (uint32_t t = 0; t < cpu->g->num_tensors; t++)
			if (cpu->owned[t])
				free(cpu->data[t]);
	}
	free(cpu->ops);
	free(cpu->data);
	free(cpu->owned);
	free(cpu->args);
	free(cpu);
}

int npu_cpu_create(const struct npu_graph *g, struct npu_cpu **out,
		   char *err, size_t errlen)
{
	return cpu_create_subgraph(g, NULL, 0, out, err, errlen);
}

int cpu_create_subgraph(const struct npu_graph *g, const struct npu_graph *root,
			uint32_t depth, struct npu_cpu **out, char *err, size_t errlen)
{
	struct npu_cpu *cpu;
	int ret = -ENOMEM;

	if (out)
		*out = NULL;
	if (!g || !out) {
		cpu_msg(err, errlen, "npu_cpu_create: no graph");
		return -EINVAL;
	}
	cpu = calloc(1, sizeof(*cpu));
	if (!cpu)
		goto nomem;
	cpu->g = g;
	cpu->root = root;
	cpu->depth = depth;
	cpu->ops = calloc(g->num_ops ? g->num_ops : 1, sizeof(*cpu->ops));
	cpu->data = calloc(g->num_tensors ? g->num_tensors : 1,
			   sizeof(*cpu->data));
	cpu->owned = calloc(g->num_tensors ? g->num_tensors : 1,
			    sizeof(*cpu->owned));
	for (uint32_t i = 0; i < g->num_ops; i++) {
		const uint32_t n = g->ops[i].num_inputs + g->ops[i].num_outputs;

		if (n > cpu->max_args)
			cpu->max_args = n;
	}
	cpu->args = calloc(cpu->max_args ? cpu->max_args : 1,
			   sizeof(*cpu->args));
	if (!cpu->ops || !cpu->data || !cpu->owned || !cpu->args)
		goto nomem;

	for (uint32_t i = 0; i < g->num_ops; i++) {
		ret = prepare_op(cpu, i);
		if (ret) {
			if (ret == -ENOMEM && !cpu->err[0])
				goto nomem;
			cpu_msg(err, errlen, "%s", cpu->err);
			npu_cpu_destroy(cpu);
			return ret;
		}
	}
	ret = find_folded(cpu);
	if (ret)
		goto nomem;
	/* Variables carry state from the first invocation on. */
	for (uint32_t t = 0; t < g->num_tensors; t++) {
		if (g->tensors[t].is_variable && !npu_cpu_tensor_data(cpu, t)) {
			ret = -ENOMEM;
			goto nomem;
		}
	}
	*out = cpu;
	return 0;
nomem:
	cpu_msg(err, errlen, "npu_cpu_create: out of memory");
	npu_cpu_destroy(cpu);
	return -ENOMEM;
}

const char *npu_cpu_error(const struct npu_cpu *cpu)
{
	return cpu ? cpu->err : "no executor";
}

int npu_cpu_set_kernel(struct npu_cpu *cpu, uint32_t op_index,
		       npu_cpu_kernel_fn fn, void *user)
{
	if (!cpu)
		return -EINVAL;
	if (op_index >= cpu->g->num_ops) {
		snprintf(cpu->err, sizeof(cpu->err),
			 "set_kernel: op %u out of range (graph has %u)",
			 op_index, cpu->g->num_ops);
		return -ERANGE;
	}
	cpu->ops[op_index].hook = fn;
	cpu->ops[op_index].hook_user = fn ? user : NULL;
	return 0;
}

int npu_cpu_register_kernel(struct npu_cpu *cpu, int32_t builtin,
			    const char *custom_name, npu_cpu_kernel_fn fn,
			    void *user)
{
	int n = 0;

	if (!cpu || (builtin == NPU_BUILTIN_CUSTOM && !custom_name))
		return -EINVAL;
	for (uint32_t i = 0; i < cpu->g->num_ops; i++) {
		const struct npu_graph_op *op = &cpu->g->ops[i];

		if (op->builtin != builtin)
			continue;
		if (builtin == NPU_BUILTIN_CUSTOM &&
		    (!op->custom_name || strcmp(op->custom_name, custom_name)))
			continue;
		cpu->ops[i].hook = fn;
		cpu->ops[i].hook_user = fn ? user : NULL;
		n++;
	}
	return n;
}

bool npu_cpu_op_runnable(const struct npu_cpu *cpu, uint32_t op_index)
{
	if (!cpu || op_index >= cpu->g->num_ops)
		return false;
	return cpu->ops[op_index].hook || cpu->ops[op_index].kernel;
}

const char *npu_cpu_op_why(const struct npu_cpu *cpu, uint32_t op_index)
{
	if (!cpu || op_index >= cpu->g->num_ops)
		return "no such op";
	if (npu_cpu_op_runnable(cpu, op_index))
		return NULL;
	return cpu->ops[op_index].why ? cpu->ops[op_index].why : "no kernel";
}

static int run_op(struct npu_cpu *cpu, uint32_t i)
{
	const struct npu_graph_op *op = &cpu->g->ops[i];
	struct cpu_op_slot *slot = &cpu->ops[i];
	char msg[CPU_ERR_LEN] = "";
	struct npu_cpu_kernel_args a = {
		.graph = cpu->g, .op = op, .op_index = i,
		.inputs = cpu->args, .outputs = cpu->args + op->num_inputs,
		.err = msg, .errlen = sizeof(msg), .pool = cpu->pool,
	};
	int ret;

	if (!slot->hook && !slot->kernel) {
		set_err(cpu, i, "cannot run on the CPU: %s",
			slot->why ? slot->why : "no kernel");
		return -ENOTSUP;
	}
	for (uint32_t k = 0; k < op->num_inputs; k++) {
		const int32_t t = op->inputs[k];

		cpu->args[k] = NULL;
		if (t == NPU_TENSOR_NONE)
			continue;
		if (t < 0 || (uint32_t)t >= cpu->g->num_tensors) {
			set_err(cpu, i, "input %u is tensor %d, out of range", k, t);
			return -EINVAL;
		}
		cpu->args[k] = npu_cpu_tensor_data(cpu, t);
		if (!cpu->args[k]) {
			set_err(cpu, i, "no memory for input %u (tensor %d)",
				k, t);
			return -ENOMEM;
		}
	}
	for (uint32_t k = 0; k < op->num_outputs; k++) {
		const int32_t t = op->outputs[k];
		void *p;

		if (t < 0 || (uint32_t)t >= cpu->g->num_tensors) {
			set_err(cpu, i, "output %u is tensor %d, out of range", k, t);
			return -EINVAL;
		}
		p = npu_cpu_tensor_data(cpu, t);

		if (!p) {
			set_err(cpu, i, "no memory for output %u (tensor %d)",
				k, op->outputs[k]);
			return -ENOMEM;
		}
		cpu->args[op->num_inputs + k] = p;
	}
	if (slot->hook)
		ret = slot->hook(&a, slot->hook_user);
	else
		ret = slot->kernel->invoke(&a, slot->state);
	if (ret) {
		if (ret > 0)
			ret = -EIO;
		set_err(cpu, i, "%s", msg[0] ? msg : strerror(-ret));
	}
	return ret;
}

int npu_cpu_invoke_range(struct npu_cpu *cpu, uint32_t first, uint32_t count)
{
	if (!cpu)
		return -EINVAL;
	if (first > cpu->g->num_ops || count > cpu->g->num_ops - first) {
		snprintf(cpu->err, sizeof(cpu->err),
			 "invoke: ops [%u, %u + %u) out of range (graph has %u)",
			 first, first, count, cpu->g->num_ops);
		return -ERANGE;
	}
	cpu->err[0] = '\0';
	for (uint32_t i = first; i < first + count; i++) {
		struct cpu_pool_stats before[NPU_CPU_MAX_THREADS];
		uint64_t wall0 = 0, cpu0 = 0;
		int ret;

		if (npu_cpu_op_folded(cpu, i))
			continue;
		if (cpu->stats) {
			cpu_pool_stats(cpu->pool, before);
			wall0 = clock_ns(CLOCK_MONOTONIC);
			cpu0 = clock_ns(CLOCK_THREAD_CPUTIME_ID);
		}
		ret = run_op(cpu, i);
		if (cpu->stats)
			op_stats_add(cpu, i, before, wall0, cpu0);

		if (ret)
			return ret;
	}
	return 0;
}

int npu_cpu_invoke(struct npu_cpu *cpu)
{
	if (!cpu)
		return -EINVAL;
	return npu_cpu_invoke_range(cpu, 0, cpu->g->num_ops);
}

int npu_cpu_reset_state(struct npu_cpu *cpu)
{
	if (!cpu)
		return -EINVAL;
	for (uint32_t t = 0; t < cpu->g->num_tensors; t++) {
		if (!cpu->g->tensors[t].is_variable)
			continue;
		if (!npu_cpu_tensor_data(cpu, t))
			return -ENOMEM;
		init_variable(cpu, t);
	}
	return 0;
}

int npu_cpu_check_op(const struct npu_graph *g, const struct npu_graph_op *op,
		     char *why, size_t whylen)
{
	const struct cpu_kernel *k = op ? cpu_kernel_for(op) : NULL;
	char msg[CPU_ERR_LEN] = "";
	struct cpu_prep p = {
		.g = g, .op = op, .err = msg, .errlen = sizeof(msg),
	};
	void *state = NULL;
	int ret;

	if (!g || !op) {
		cpu_msg(why, whylen, "no op");
		return -EINVAL;
	}
	if (!k) {
		const struct npu_graph_tensor *in = cpu_in(g, op, 0);
		const struct npu_graph_tensor *out = cpu_out(g, op, 0);

		/* Name what a user-supplied kernel would have to handle. */
		cpu_msg(why, whylen,
			"%s%s%s has no built-in CPU kernel (input %s '%s', output %s '%s')",
			npu_op_name(op->builtin), op->custom_name ? " " : "",
			op->custom_name ? op->custom_name : "",
			in ? npu_type_name(in->type) : "-", in ? in->name : "",
			out ? npu_type_name(out->type) : "-", out ? out->name : "");
		return -ENOTSUP;
	}
	ret = k->prepare(&p, &state);
	if (k->release)
		k->release(state);
	else
		free(state);
	if (ret)
		cpu_msg(why, whylen, "%s", msg[0] ? msg : strerror(-ret));
	return ret;
}

bool npu_cpu_op_known(const struct npu_graph *g, const struct npu_graph_op *op,
		      char *why, size_t whylen)
{
	char msg[CPU_ERR_LEN] = "";

	if (!npu_cpu_check_op(g, op, msg, sizeof(msg)))
		return true;
	if (op && cpu_kernel_for(op))
		cpu_msg(why, whylen, "%s: %s", op->custom_name ? op->custom_name :
			npu_op_name(op->builtin), msg);
	else
		cpu_msg(why, whylen, "%s", msg);
	return false;
}
