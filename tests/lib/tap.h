/* SPDX-License-Identifier: MIT */
/*
 * Minimal kselftest-style TAP output for the VM tests (tests/drv, ...).
 *
 *	int main(void)
 *	{
 *		tap_plan(2);			// optional; tap_finish() prints it otherwise
 *		tap_ok(fd >= 0, "open %s", path);
 *		tap_expect_errno(ioctl(fd, ...), errno, EINVAL, "bad flags");
 *		return tap_finish();
 *	}
 *
 * prints
 *	TAP version 13
 *	1..2
 *	ok 1 - open /dev/accel/accel0
 *	not ok 2 - bad flags # returned 0, expected -1/EINVAL
 *	# 0 skipped
 *	1 passed, 1 failed
 *
 * tap_finish() returns the process exit status: 0 when nothing failed, 1
 * otherwise, or TAP_EXIT_SKIP (4, kselftest's KSFT_SKIP) when every test
 * was skipped.  Every line is flushed at once so output survives a crash.
 * tap_run() runs one test in a child process with a timeout, so a crash or
 * hang becomes "not ok" and the remaining tests still run.
 */
#ifndef NPU_TESTS_TAP_H
#define NPU_TESTS_TAP_H

#include <stdbool.h>

#define TAP_EXIT_PASS	0
#define TAP_EXIT_FAIL	1
#define TAP_EXIT_SKIP	4

#if defined(__GNUC__)
#define TAP_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define TAP_PRINTF(f, a)
#endif

/* Announce the number of tests (prints the header and "1..n"). */
void tap_plan(unsigned int n);

/* One result: "ok N - name" or "not ok N - name".  Returns @pass. */
bool tap_ok(bool pass, const char *fmt, ...) TAP_PRINTF(2, 3);

/* A failed result with a reason: "not ok N - name # reason". */
void tap_fail(const char *reason, const char *fmt, ...) TAP_PRINTF(2, 3);

/* "ok N - name # SKIP reason". */
void tap_skip(const char *reason, const char *fmt, ...) TAP_PRINTF(2, 3);

/* A diagnostic line: "# ...". */
void tap_diag(const char *fmt, ...) TAP_PRINTF(1, 2);

/*
 * Expects a call to have failed with @want (an errno value).  Accepts both
 * conventions: ret == -1 with err == want (ioctl, drmIoctl) and
 * ret == -want (libdrm helpers, libnpu).  Pass errno as @err.
 */
bool tap_expect_errno(long ret, int err, int want, const char *fmt, ...)
	TAP_PRINTF(4, 5);

/* Expects success: ret >= 0 (reports errno or -ret otherwise). */
bool tap_expect_success(long ret, int err, const char *fmt, ...)
	TAP_PRINTF(3, 4);

/* Ends the test program's output; returns the exit status for main(). */
int tap_finish(void);

/* Prints "Bail out! ..." and exits with TAP_EXIT_FAIL. */
void tap_bail(const char *fmt, ...) TAP_PRINTF(1, 2) __attribute__((noreturn));

/*
 * Runs @fn(@arg) in a forked child and reports one result named @name:
 * @fn returns TAP_EXIT_PASS, TAP_EXIT_SKIP or anything else for failure.
 * A signal, or running longer than @timeout_s seconds (0: no limit), is a
 * failure.  Results the child reports itself with tap_ok() etc. are not
 * counted in the parent; use tap_diag() there for details.
 */
int tap_run(const char *name, int (*fn)(void *arg), void *arg,
	    unsigned int timeout_s);

/* Convenience: tap_ok() naming the expression and its location on failure. */
#define tap_check(cond) \
	tap_ok_at(__FILE__, __LINE__, (cond), #cond)
bool tap_ok_at(const char *file, int line, bool pass, const char *expr);

#endif /* NPU_TESTS_TAP_H */
