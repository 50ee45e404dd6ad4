// SPDX-License-Identifier: GPL-2.0
/*
 * Harness self-test module: makes the guest kernel misbehave on request so
 * tests/vm/selftest can check that tests/vm/run notices.  Never loaded by
 * anything but the harness self-tests.
 *
 *   insmod vm_selftest.ko action=warn    WARN_ON(1) from the load path
 *   insmod vm_selftest.ko action=refcount  refcount_t underflow
 *   insmod vm_selftest.ko action=none    loads quietly (control case)
 */
#include <linux/bug.h>
#include <linux/module.h>
#include <linux/refcount.h>
#include <linux/string.h>

static char *action = "none";
module_param(action, charp, 0444);
MODULE_PARM_DESC(action, "none, warn or refcount");

static int __init vm_selftest_init(void)
{
	if (!strcmp(action, "warn")) {
		WARN_ON(1);
	} else if (!strcmp(action, "refcount")) {
		refcount_t r = REFCOUNT_INIT(1);

		refcount_dec(&r);
	} else if (strcmp(action, "none")) {
		pr_err("vm_selftest: unknown action '%s'\n", action);
		return -EINVAL;
	}
	pr_info("vm_selftest: loaded, action=%s\n", action);
	return 0;
}

static void __exit vm_selftest_exit(void)
{
}

module_init(vm_selftest_init);
module_exit(vm_selftest_exit);
MODULE_DESCRIPTION("VM harness self-test: provokes kernel-log findings");
MODULE_LICENSE("GPL");
