// SPDX-License-Identifier: MIT
/* Helpers of the driver tests; see drv_util.h. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <xf86drm.h>

#include "drv_util.h"

int drv_ioctl(int fd, unsigned long req, void *arg)
{
	return drmIoctl(fd, req, arg) ? -errno : 0;
}

int drv_find(char *node, size_t node_len, char *pdev, size_t pdev_len)
{
	char link[PATH_MAX], target[PATH_MAX];
	struct dirent *de;
	DIR *dir;
	ssize_t n;
	int found = -ENODEV;

	dir = opendir("/sys/class/accel");
	if (!dir)
		return -errno;
	while ((de = readdir(dir))) {
		if (strncmp(de->d_name, "accel", 5))
			continue;
		snprintf(link, sizeof(link),
			 "/sys/class/accel/%s/device/driver", de->d_name);
		n = readlink(link, target, sizeof(target) - 1);
		if (n < 0)
			continue;
		target[n] = 0;
		if (strcmp(strrchr(target, '/') + 1, "npu"))
			continue;
		snprintf(node, node_len, "/dev/accel/%s", de->d_name);
		snprintf(link, sizeof(link), "/sys/class/accel/%s/device",
			 de->d_name);
		n = readlink(link, target, sizeof(target) - 1);
		if (n < 0)
			continue;
		target[n] = 0;
		snprintf(pdev, pdev_len, "%s", strrchr(target, '/') + 1);
		found = 0;
		break;
	}
	closedir(dir);
	return found;
}

int drv_open(void)
{
	char node[PATH_MAX], pdev[256];
	int ret = drv_find(node, sizeof(node), pdev, sizeof(pdev));

	if (ret) {
		errno = -ret;
		return -1;
	}
	return open(node, O_RDWR | O_CLOEXEC);
}

static int drv_query(int fd, uint32_t type, void *data, uint32_t size)
{
	struct drm_npu_query q = {
		.type = type, .size = size, .data = (uintptr_t)data,
	};
	int ret = drv_ioctl(fd, DRM_IOCTL_NPU_QUERY, &q);

	if (!ret && q.size != size)
		return -EPROTO;
	return ret;
}

int drv_query_info(int fd, struct drm_npu_device_info *info)
{
	return drv_query(fd, DRM_NPU_QUERY_DEVICE_INFO, info, sizeof(*info));
}

int drv_query_counters(int fd, struct drm_npu_counters *c)
{
	return drv_query(fd, DRM_NPU_QUERY_COUNTERS, c, sizeof(*c));
}

int drv_bo_create(int fd, uint64_t size, uint32_t flags, uint32_t *handle,
		  uint64_t *npu_addr)
{
	struct drm_npu_bo_create c = { .size = size, .flags = flags };
	int ret = drv_ioctl(fd, DRM_IOCTL_NPU_BO_CREATE, &c);

	if (!ret) {
		*handle = c.handle;
		if (npu_addr)
			*npu_addr = c.npu_addr;
	}
	return ret;
}

int drv_bo_info(int fd, uint32_t handle, struct drm_npu_bo_info *info)
{
	memset(info, 0, sizeof(*info));
	info->handle = handle;
	return drv_ioctl(fd, DRM_IOCTL_NPU_BO_INFO, info);
}

int drv_bo_close(int fd, uint32_t handle)
{
	struct drm_gem_close c = { .handle = handle };

	return drv_ioctl(fd, DRM_IOCTL_GEM_CLOSE, &c);
}

void *drv_bo_mmap(int fd, uint32_t handle, size_t size)
{
	struct drm_npu_bo_mmap_offset m = { .handle = handle };
	void *p;
	int ret = drv_ioctl(fd, DRM_IOCTL_NPU_BO_MMAP_OFFSET, &m);

	if (ret) {
		errno = -ret;
		return NULL;
	}
	p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, m.offset);
	return p == MAP_FAILED ? NULL : p;
}

int drv_sysfs_write(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, val, strlen(val));
	if (n < 0)
		n = -errno;
	close(fd);
	return n < 0 ? (int)n : 0;
}
