// SPDX-License-Identifier: MIT
/*
 * Every file of ../shared/hostile (read from the directory, so new files are
 * covered), and of the project's own tests/fuzz/regress (minimized findings
 * of tests/fuzz/mutate.py, named the same way), through the paths of the tools: compile a .tflite as npu-compile
 * does (every op prepared, CPU-placed ones included) or load a .npu as
 * npu-compile --check does, then open it CPU-only and run it once as
 * npu-run --cpu does.  Each stage runs in a child process with bounds set by
 * rlimits, not measured by the clock:
 *
 *   CPU time  1 s, plus 1 s per 4 MiB of file    (RLIMIT_CPU)
 *   memory    64 MiB, plus 16 bytes per file byte, over what the child
 *             has mapped when the stage starts    (RLIMIT_AS)
 *
 * (under AddressSanitizer the address-space bound cannot apply and the
 * CPU bound is 10 times larger).  A stage must end inside the bounds with
 * either success or a clear error: a message, not a bare "out of memory".
 * Files named accept_*, npu_arena_size_* and ubsan_npu_* are wrong files
 * that used to pass: compiling or checking them must fail.  A file that
 * is valid may run (placing unsupported ops on the CPU); a file that
 * compiles must not then fail for want of a kernel at its first run
 * (unclear_*_no_cpu_kernel: npu-compile names the op instead).
 */
#include <check.h>
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check_util.h"
#include "npu_model.h"
#include "npu_graph.h"
#include "npu_model_format.h"
#include "npu_tflite.h"

#define HOSTILE "../shared/hostile"
#define REGRESS "tests/fuzz/regress"
#define MSG_LEN 1024

#if defined(__SANITIZE_ADDRESS__)
#define UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UNDER_ASAN 1
#endif
#endif
#ifndef UNDER_ASAN
#define UNDER_ASAN 0
#endif

struct outcome {
	int ret;		/* the stage's return value */
	char msg[MSG_LEN];	/* its message */
};

static bool has_suffix(const char *s, const char *suffix)
{
	size_t n = strlen(s), k = strlen(suffix);

	return n >= k && !strcmp(s + n - k, suffix);
}

/*
 * npu-compile FILE / npu-compile --check FILE, without writing: a builtin
 * no kernel runs is refused there (npu_compiled_op_runnable()).
 */
static int stage_check(const char *path, char *msg, size_t len)
{
	struct npu_compiled_model *m = NULL;
	struct npu_graph *g = NULL;
	int ret;

	if (has_suffix(path, ".npu")) {
		ret = npu_model_load_file(path, &m, msg, len);
	} else {
		ret = npu_tflite_load_file(path, &g, msg, len);
		if (!ret)
			ret = npu_compile(g, NULL, &m, msg, len);
	}
	for (uint32_t i = 0; !ret && i < m->graph->num_ops; i++)
		if (m->graph->ops[i].builtin != NPU_BUILTIN_CUSTOM)
			ret = npu_compiled_op_runnable(m, i, msg, len);
	npu_compiled_model_free(m);
	return ret;
}

/* npu-run --cpu -n 1: open CPU-only, run once on zero inputs. */
static int stage_run(const char *path, char *msg, size_t len)
{
	struct npu_model_options opts = {
		.flags = NPU_MODEL_CPU_ONLY, .err = msg, .errlen = len,
	};
	struct npu_model *model;
	int ret;

	ret = npu_model_open(NULL, path, &opts, &model);
	if (ret)
		return ret;
	ret = npu_model_invoke(model);
	if (ret)
		snprintf(msg, len, "%s", npu_model_error(model));
	npu_model_close(model);
	return ret;
}

static unsigned long mapped_bytes(void)
{
	unsigned long pages = 0;
	FILE *f = fopen("/proc/self/statm", "r");

	if (f) {
		if (fscanf(f, "%lu", &pages) != 1)
			pages = 0;
		fclose(f);
	}
	return pages * (unsigned long)sysconf(_SC_PAGESIZE);
}

/*
 * Runs @stage on @path in a child inside the bounds; returns how the child
 * ended (a wait status) and the stage's outcome in @o.
 */
static int bounded(int (*stage)(const char *, char *, size_t), const char *path,
		   off_t size, struct outcome *o)
{
	const rlim_t cpu = (rlim_t)((1 + size / (4 << 20)) * (UNDER_ASAN ? 10 : 1));
	const rlim_t mem = (64u << 20) + 16 * (rlim_t)size;
	int fd[2], status;
	pid_t pid;

	memset(o, 0, sizeof(*o));
	ck_assert_int_eq(pipe(fd), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		struct rlimit rc = { cpu, cpu + 1 };
		struct rlimit ra = { mapped_bytes() + mem, mapped_bytes() + mem };
		struct outcome r = { 0 };
		ssize_t n;

		close(fd[0]);
		setrlimit(RLIMIT_CPU, &rc);
		if (!UNDER_ASAN)
			setrlimit(RLIMIT_AS, &ra);
		r.ret = stage(path, r.msg, sizeof(r.msg));
		n = write(fd[1], &r, sizeof(r));
		_exit(n == (ssize_t)sizeof(r) ? 0 : 3);
	}
	close(fd[1]);
	if (read(fd[0], o, sizeof(*o)) != (ssize_t)sizeof(*o))
		o->ret = INT32_MIN;
	close(fd[0]);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	o->msg[MSG_LEN - 1] = 0;
	return status;
}

static bool must_be_refused(const char *name)
{
	return !strncmp(name, "accept_", 7) || !strncmp(name, "npu_arena_size_", 15) ||
	       !strncmp(name, "ubsan_npu_", 10);
}

static void check_outcome(const char *name, const char *stage, int status,
			  const struct outcome *o, off_t size)
{
	ck_assert_msg(!WIFSIGNALED(status), "%s: %s killed by signal %d (%s)%s", name, stage,
		      WTERMSIG(status), strsignal(WTERMSIG(status)),
		      WTERMSIG(status) == SIGXCPU ? ": over the CPU-time bound" : "");
	ck_assert_msg(WIFEXITED(status) && !WEXITSTATUS(status) && o->ret != INT32_MIN,
		      "%s: %s did not finish (exit status %d; memory bound %lld bytes)",
		      name, stage, WIFEXITED(status) ? WEXITSTATUS(status) : -1,
		      (long long)((64 << 20) + 16 * size));
	if (!o->ret)
		return;
	ck_assert_msg(o->msg[0], "%s: %s failed (%d) without a message", name, stage, o->ret);
	ck_assert_msg(o->ret != -ENOMEM && !strstr(o->msg, "out of memory") &&
		      !strstr(o->msg, "Cannot allocate memory"),
		      "%s: %s ran out of its memory bound: %s", name, stage, o->msg);
	ck_assert_msg(!strstr(o->msg, "register one with"), "%s: %s: unclear message: %s",
		      name, stage, o->msg);
}

static const struct {
	int (*fn)(const char *path, char *msg, size_t len);
	const char *name;
} stages[] = {
	{ stage_check, "compile/check" },
	{ stage_run, "CPU run" },
};

/* Every file of @dir; returns how many. */
static unsigned run_dir(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	unsigned files = 0;

	ck_assert_msg(d != NULL, "cannot open %s (tests run from the project root)", dir);
	while ((e = readdir(d))) {
		char path[4096];
		struct outcome o;
		struct stat st;
		bool compiled = false;
		int status;

		if (e->d_name[0] == '.' || has_suffix(e->d_name, ".md"))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (stat(path, &st) || !S_ISREG(st.st_mode))
			continue;
		files++;

		for (size_t k = 0; k < sizeof(stages) / sizeof(stages[0]); k++) {
			status = bounded(stages[k].fn, path, st.st_size, &o);
			check_outcome(e->d_name, stages[k].name, status, &o, st.st_size);
			if (must_be_refused(e->d_name))
				ck_assert_msg(o.ret, "%s: %s accepted a wrong file", e->d_name,
					      stages[k].name);
			/* What cannot run is named at compile time, not at the first run. */
			if (k == 0)
				compiled = !o.ret;
			else
				ck_assert_msg(!compiled || o.ret != -NPU_ERR_NO_KERNEL,
					      "%s: compiles, then fails at the first run: %s",
					      e->d_name, o.msg);
			fprintf(stderr, "hostile %-50s %-13s %s\n", e->d_name, stages[k].name,
				o.ret ? o.msg : "succeeded");
		}
	}
	closedir(d);
	return files;
}

START_TEST(test_hostile_files)
{
	ck_assert_msg(run_dir(HOSTILE) > 0, "no files in %s", HOSTILE);
}
END_TEST

/* The project's own regression corpus: what structure-aware fuzzing found. */
START_TEST(test_regress_files)
{
	ck_assert_msg(run_dir(REGRESS) > 0, "no files in %s", REGRESS);
}
END_TEST

static Suite *hostile_suite(void)
{
	Suite *s = suite_create("hostile");
	TCase *tc = tcase_create("files");

	/* The bounds above are per stage; this only stops a runaway parent. */
	tcase_set_timeout(tc, 600);
	tcase_add_test(tc, test_hostile_files);
	tcase_add_test(tc, test_regress_files);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	return npu_check_run(hostile_suite());
}
