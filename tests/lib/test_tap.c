// SPDX-License-Identifier: MIT
/*
 * Host-side test of the TAP helpers: prints one scenario's TAP stream;
 * test_tap.sh compares it with the expected text and exit status.
 */
#include "tap.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

static int child_pass(void *arg)
{
	(void)arg;
	tap_ok(true, "inner check");
	return TAP_EXIT_PASS;
}

static int child_inner_fail(void *arg)
{
	(void)arg;
	tap_ok(false, "inner check");
	return TAP_EXIT_PASS;
}

static int child_skip(void *arg)
{
	(void)arg;
	return TAP_EXIT_SKIP;
}

static int child_crash(void *arg)
{
	(void)arg;
	raise(SIGSEGV);
	return TAP_EXIT_PASS;
}

static int child_hang(void *arg)
{
	(void)arg;
	for (;;)
		pause();
	return TAP_EXIT_PASS;
}

int main(int argc, char **argv)
{
	const char *scenario = argc > 1 ? argv[1] : "";

	if (!strcmp(scenario, "all-pass")) {
		tap_plan(2);
		tap_ok(true, "first");
		tap_ok(1 + 1 == 2, "second %d", 2);
	} else if (!strcmp(scenario, "mixed")) {
		tap_ok(true, "passes");
		tap_ok(false, "fails");
		tap_skip("no device", "skipped");
		tap_fail("reason here", "fails with %s", "reason");
		tap_diag("a diagnostic %d", 42);
		tap_expect_errno(-1, EINVAL, EINVAL, "errno matches");
		tap_expect_errno(-EINVAL, 0, EINVAL, "negative return matches");
		tap_expect_errno(0, 0, EINVAL, "unexpected success");
		tap_expect_errno(-1, ENOENT, EINVAL, "wrong errno");
		tap_expect_success(3, 0, "success");
		tap_expect_success(-1, EBADF, "failure");
		tap_check(2 > 1);
		tap_check(1 > 2);
	} else if (!strcmp(scenario, "all-skip")) {
		tap_skip("nothing to do", "only");
	} else if (!strcmp(scenario, "plan-mismatch")) {
		tap_plan(3);
		tap_ok(true, "one");
	} else if (!strcmp(scenario, "forked")) {
		tap_run("child passes", child_pass, NULL, 0);
		tap_run("child inner failure", child_inner_fail, NULL, 0);
		tap_run("child skips", child_skip, NULL, 0);
		tap_run("child crashes", child_crash, NULL, 0);
		tap_run("child hangs", child_hang, NULL, 1);
	} else if (!strcmp(scenario, "bail")) {
		tap_ok(true, "before");
		tap_bail("cannot open %s", "/dev/null");
	} else {
		fprintf(stderr, "usage: %s all-pass|mixed|all-skip|plan-mismatch|forked|bail\n",
			argv[0]);
		return 2;
	}
	return tap_finish();
}
