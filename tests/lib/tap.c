// SPDX-License-Identifier: MIT
/* kselftest-style TAP output; see tap.h. */
#include "tap.h"

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

/* A test program is one TAP stream, so its counters are process-wide. */
static struct {
	unsigned int plan, next, passed, failed, skipped;
	bool header, planned;
	bool in_child;		/* inside tap_run(): results become diagnostics */
	bool child_failed;
} tap;

static void header(void)
{
	if (!tap.header) {
		printf("TAP version 13\n");
		tap.header = true;
	}
}

void tap_plan(unsigned int n)
{
	header();
	printf("1..%u\n", n);
	tap.plan = n;
	tap.planned = true;
	fflush(stdout);
}

static void result(const char *status, const char *directive,
		   const char *reason, const char *fmt, va_list ap)
{
	header();
	if (tap.in_child)
		printf("# %s - ", status);
	else
		printf("%s %u - ", status, ++tap.next);
	vprintf(fmt, ap);
	if (reason && *reason)
		printf(" # %s%s", directive, reason);
	else if (*directive)
		printf(" # %.*s", (int)strcspn(directive, " "), directive);
	printf("\n");
	fflush(stdout);
}

bool tap_ok(bool pass, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	result(pass ? "ok" : "not ok", "", NULL, fmt, ap);
	va_end(ap);
	if (tap.in_child)
		tap.child_failed |= !pass;
	else if (pass)
		tap.passed++;
	else
		tap.failed++;
	return pass;
}

bool tap_ok_at(const char *file, int line, bool pass, const char *expr)
{
	char reason[512];

	if (pass)
		return tap_ok(true, "%s", expr);
	snprintf(reason, sizeof(reason), "%s:%d", file, line);
	tap_fail(reason, "%s", expr);
	return false;
}

void tap_fail(const char *reason, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	result("not ok", "", reason, fmt, ap);
	va_end(ap);
	if (tap.in_child)
		tap.child_failed = true;
	else
		tap.failed++;
}

void tap_skip(const char *reason, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	result("ok", "SKIP ", reason ? reason : "", fmt, ap);
	va_end(ap);
	if (!tap.in_child)
		tap.skipped++;
}

void tap_diag(const char *fmt, ...)
{
	va_list ap;

	header();
	va_start(ap, fmt);
	printf("# ");
	vprintf(fmt, ap);
	printf("\n");
	va_end(ap);
	fflush(stdout);
}

static const char *errname(int e)
{
	const char *name = strerrorname_np(e);

	return name ? name : "unknown errno";
}

static bool vexpect(bool pass, const char *reason, const char *fmt, va_list ap)
{
	result(pass ? "ok" : "not ok", "", pass ? NULL : reason, fmt, ap);
	if (tap.in_child)
		tap.child_failed |= !pass;
	else if (pass)
		tap.passed++;
	else
		tap.failed++;
	return pass;
}

bool tap_expect_errno(long ret, int err, int want, const char *fmt, ...)
{
	char reason[160];
	bool pass;
	va_list ap;

	pass = (ret == -1 && err == want) || ret == -want;
	if (ret >= 0)
		snprintf(reason, sizeof(reason), "returned %ld, expected %s",
			 ret, errname(want));
	else
		snprintf(reason, sizeof(reason), "got %s, expected %s",
			 errname(ret == -1 ? err : (int)-ret), errname(want));
	va_start(ap, fmt);
	pass = vexpect(pass, reason, fmt, ap);
	va_end(ap);
	return pass;
}

bool tap_expect_success(long ret, int err, const char *fmt, ...)
{
	char reason[160];
	bool pass = ret >= 0;
	int e = ret == -1 ? err : (int)-ret;
	va_list ap;

	snprintf(reason, sizeof(reason), "failed: %s (%s)",
		 errname(e), strerror(e));
	va_start(ap, fmt);
	pass = vexpect(pass, reason, fmt, ap);
	va_end(ap);
	return pass;
}

int tap_finish(void)
{
	header();
	if (!tap.planned) {
		printf("1..%u\n", tap.next);
	} else if (tap.next != tap.plan) {
		printf("# planned %u tests but ran %u\n", tap.plan, tap.next);
		tap.failed++;
	}
	if (tap.skipped)
		printf("# %u skipped\n", tap.skipped);
	printf("%u passed, %u failed\n", tap.passed, tap.failed);
	fflush(stdout);
	if (tap.failed)
		return TAP_EXIT_FAIL;
	if (tap.skipped && !tap.passed)
		return TAP_EXIT_SKIP;
	return TAP_EXIT_PASS;
}

void tap_bail(const char *fmt, ...)
{
	va_list ap;

	header();
	printf("Bail out! ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	exit(TAP_EXIT_FAIL);
}

int tap_run(const char *name, int (*fn)(void *arg), void *arg,
	    unsigned int timeout_s)
{
	char reason[128];
	int status, rc;
	pid_t pid;

	header();
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0) {
		snprintf(reason, sizeof(reason), "fork: %s", strerror(errno));
		tap_fail(reason, "%s", name);
		return TAP_EXIT_FAIL;
	}
	if (pid == 0) {
		tap.in_child = true;
		tap.child_failed = false;
		if (timeout_s)
			alarm(timeout_s);
		rc = fn(arg);
		fflush(stdout);
		if (rc == TAP_EXIT_PASS && tap.child_failed)
			rc = TAP_EXIT_FAIL;
		_exit(rc);
	}
	while (waitpid(pid, &status, 0) < 0) {
		if (errno != EINTR) {
			snprintf(reason, sizeof(reason), "waitpid: %s", strerror(errno));
			tap_fail(reason, "%s", name);
			return TAP_EXIT_FAIL;
		}
	}
	if (WIFSIGNALED(status)) {
		if (WTERMSIG(status) == SIGALRM)
			snprintf(reason, sizeof(reason), "timed out after %us", timeout_s);
		else
			snprintf(reason, sizeof(reason), "killed by signal %d (%s)",
				 WTERMSIG(status), strsignal(WTERMSIG(status)));
		tap_fail(reason, "%s", name);
		return TAP_EXIT_FAIL;
	}
	rc = WEXITSTATUS(status);
	if (rc == TAP_EXIT_SKIP) {
		tap_skip("", "%s", name);
	} else if (rc == TAP_EXIT_PASS) {
		tap_ok(true, "%s", name);
	} else {
		snprintf(reason, sizeof(reason), "exit status %d", rc);
		tap_fail(reason, "%s", name);
	}
	return rc;
}
