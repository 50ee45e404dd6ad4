// SPDX-License-Identifier: MIT
/*
 * Harness self-test: a test in "boot ram" mode survives a system suspend
 * cycle (which leaves virtio-9p dead) and still reports; env= reaches it.
 *
 * vm-test: boot ram --no-load env=GREETING=hello
 */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool put(const char *path, const char *s)
{
	FILE *f = fopen(path, "w");
	bool ok = f && fputs(s, f) >= 0;

	if (f && fclose(f))
		ok = false;
	return ok;
}

int main(void)
{
	const char *g = getenv("GREETING");
	bool ok;

	printf("ok 1 - env %s\n", g && !strcmp(g, "hello") ? "set" : "missing");
	fflush(stdout);
	ok = put("/sys/power/pm_test", "devices") && put("/sys/power/state", "freeze");
	put("/sys/power/pm_test", "none");
	printf("%s 2 - suspend cycle\n", ok ? "ok" : "not ok");
	printf("ok 3 - still running after resume\n");
	return 0;
}
