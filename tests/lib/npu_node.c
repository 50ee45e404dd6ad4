// SPDX-License-Identifier: MIT
/* Device nodes bound to npu.ko, by minor; see npu_node.h. */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "npu_node.h"

/*
 * The two kinds of node npu.ko registers, depending on how it was built:
 * /dev/accel/accelN (CONFIG_DRM_ACCEL) or /dev/dri/renderDN.
 */
static const struct npu_node_kind {
	const char *class_dir;	/* /sys/class/... */
	const char *prefix;	/* node name before the minor */
	const char *dev_dir;	/* /dev/... */
	const char *debugfs;	/* DRM's debugfs root of the kind */
} kinds[] = {
	{ "/sys/class/accel", "accel", "/dev/accel", "/sys/kernel/debug/accel" },
	{ "/sys/class/drm", "renderD", "/dev/dri", "/sys/kernel/debug/dri" },
};

/* Last path component of the link at @class_dir/@name/@what. */
static int link_name(const char *class_dir, const char *name, const char *what,
		     char *out, size_t out_len)
{
	char link[PATH_MAX], target[PATH_MAX];
	ssize_t n;

	snprintf(link, sizeof(link), "%s/%s/%s", class_dir, name, what);
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

/* Minors of the npu nodes of one kind, sorted; their number. */
static size_t kind_minors(const struct npu_node_kind *k, long *minors,
			  size_t max)
{
	size_t plen = strlen(k->prefix), count = 0;
	char driver[256];
	struct dirent *de;
	DIR *dir;

	dir = opendir(k->class_dir);
	if (!dir)
		return 0;
	while ((de = readdir(dir)) && count < max) {
		if (strncmp(de->d_name, k->prefix, plen) ||
		    link_name(k->class_dir, de->d_name, "device/driver", driver,
			      sizeof(driver)) ||
		    strcmp(driver, "npu"))
			continue;
		minors[count++] = strtol(de->d_name + plen, NULL, 10);
	}
	closedir(dir);
	qsort(minors, count, sizeof(minors[0]), by_minor);
	return count;
}

static int find(int nth, const struct npu_node_kind **kind, long *minor)
{
	long minors[256];

	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		size_t count = kind_minors(&kinds[i], minors,
					   sizeof(minors) / sizeof(minors[0]));

		if (nth >= 0 && (size_t)nth < count) {
			*kind = &kinds[i];
			*minor = minors[nth];
			return 0;
		}
		if (count)
			return -ENODEV;	/* npu.ko registers one kind only */
	}
	return -ENODEV;
}

int npu_node_find(int nth, char *node, size_t node_len, char *pdev,
		  size_t pdev_len)
{
	const struct npu_node_kind *k;
	char name[64];
	long minor;
	int ret = find(nth, &k, &minor);

	if (ret)
		return ret;
	snprintf(name, sizeof(name), "%s%ld", k->prefix, minor);
	snprintf(node, node_len, "%s/%s", k->dev_dir, name);
	return pdev ? link_name(k->class_dir, name, "device", pdev, pdev_len) : 0;
}

int npu_node_debugfs_root(char *dir, size_t len)
{
	const struct npu_node_kind *k;
	long minor;
	int ret = find(0, &k, &minor);

	if (ret)
		return ret;
	snprintf(dir, len, "%s", k->debugfs);
	return 0;
}

int npu_node_count(void)
{
	long minors[256];

	for (size_t i = 0; i < sizeof(kinds) / sizeof(kinds[0]); i++) {
		size_t count = kind_minors(&kinds[i], minors,
					   sizeof(minors) / sizeof(minors[0]));

		if (count)
			return (int)count;
	}
	return 0;
}
