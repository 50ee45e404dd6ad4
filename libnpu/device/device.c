// SPDX-License-Identifier: MIT
/* Opening and closing an NPU, device queries. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xf86drm.h>

#include "drm/npu_accel.h"
#include "device_priv.h"

int npu_ioctl(int fd, unsigned long request, void *arg)
{
	return drmIoctl(fd, request, arg) ? -errno : 0;
}

/* The node must belong to our DRM driver: anything else gets our ioctls wrong. */
static int check_driver(int fd)
{
	drmVersionPtr version = drmGetVersion(fd);
	int ret;

	/* Fails with ENOTTY on anything that is not a DRM node. */
	if (!version)
		return -NPU_ERR_NOT_NPU;
	ret = version->name && !strcmp(version->name, NPU_DRIVER_NAME) ?
		0 : -NPU_ERR_NOT_NPU;
	drmFreeVersion(version);
	return ret;
}

static int first_npu_node(char **path)
{
	struct npu_device_list *list;
	const struct npu_device_desc *desc;
	int ret = npu_device_list_create(&list);

	if (ret)
		return ret;
	desc = npu_device_list_get(list, 0);
	if (!desc)
		ret = -NPU_ERR_NO_DEVICE;
	else if (!(*path = strdup(desc->node)))
		ret = -ENOMEM;
	npu_device_list_free(list);
	return ret;
}

int npu_device_open(const char *path, struct npu_device **out)
{
	struct npu_device *dev;
	struct npu_device_info info;
	int ret;

	if (!out)
		return -EINVAL;
	*out = NULL;
	dev = calloc(1, sizeof(*dev));
	if (!dev)
		return -ENOMEM;
	dev->fd = -1;
	if (path) {
		if (!*path) {
			free(dev);
			return -EINVAL;
		}
		dev->path = strdup(path);
		ret = dev->path ? 0 : -ENOMEM;
	} else {
		ret = first_npu_node(&dev->path);
	}
	if (ret)
		goto err;

	dev->fd = open(dev->path, O_RDWR | O_CLOEXEC);
	if (dev->fd < 0) {
		ret = -errno;
		goto err;
	}
	ret = check_driver(dev->fd);
	if (ret)
		goto err;
	ret = npu_device_query_info(dev, &info);
	if (ret)
		goto err;
	dev->page_size = info.page_size ? info.page_size : 4096;
	dev->cs_version = info.cmdstream_version;
	dev->fw_features = info.fw_features;
	if (dev->page_size & (dev->page_size - 1)) {
		ret = -NPU_ERR_KERNEL_ABI;
		goto err;
	}
	ret = pthread_mutex_init(&dev->bo_lock, NULL);
	if (ret) {
		ret = -ret;
		goto err;
	}
	*out = dev;
	return 0;
err:
	if (dev->fd >= 0)
		close(dev->fd);
	free(dev->path);
	free(dev);
	return ret;
}

void npu_device_close(struct npu_device *dev)
{
	if (!dev)
		return;
	/*
	 * Buffers still alive are the caller's leak; closing the file
	 * releases them in the kernel, but their npu_bo memory stays with
	 * the caller, pointing at a closed device.
	 */
	pthread_mutex_destroy(&dev->bo_lock);
	close(dev->fd);
	free(dev->path);
	free(dev);
}

int npu_device_fd(const struct npu_device *dev)
{
	return dev ? dev->fd : -1;
}

const char *npu_device_path(const struct npu_device *dev)
{
	return dev ? dev->path : NULL;
}
