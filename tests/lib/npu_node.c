// SPDX-License-Identifier: MIT
/* Accel nodes bound to npu.ko, by minor; see npu_node.h. */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "npu_node.h"

/* Last path component of the link at /sys/class/accel/@name/@what. */
static int link_name(const char *name, const char *what, char *out,
		     size_t out_len)
{
	char link[PATH_MAX], target[PATH_MAX];
	ssize_t n;

	snprintf(link, sizeof(link), "/sys/class/accel/%s/%s", name, what);
	n = readlink(link, target, sizeof(target) - 1);
	if (n < 0)
		return -errno;
	target[n] = 0;
	snprintf(out, out_len, "%s", strrchr(target, '/') + 1);
	return 0;
}

static int by_minor(const void *a, const void *b)
{
	long x = *(const long *)a, y = *(const long *)b;

	return (x > y) - (x < y);
}

int npu_node_find(int nth, char *node, size_t node_len, char *pdev,
		  size_t pdev_len)
{
	char name[64], driver[256];
	long minors[256];
	struct dirent *de;
	size_t count = 0;
	DIR *dir;

	dir = opendir("/sys/class/accel");
	if (!dir)
		return -errno;
	while ((de = readdir(dir)) && count < sizeof(minors) / sizeof(minors[0])) {
		if (strncmp(de->d_name, "accel", 5) ||
		    link_name(de->d_name, "device/driver", driver, sizeof(driver)) ||
		    strcmp(driver, "npu"))
			continue;
		minors[count++] = strtol(de->d_name + 5, NULL, 10);
	}
	closedir(dir);
	if (nth < 0 || (size_t)nth >= count)
		return -ENODEV;
	qsort(minors, count, sizeof(minors[0]), by_minor);
	snprintf(name, sizeof(name), "accel%ld", minors[nth]);
	snprintf(node, node_len, "/dev/accel/%s", name);
	return pdev ? link_name(name, "device", pdev, pdev_len) : 0;
}
