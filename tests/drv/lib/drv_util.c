// SPDX-License-Identifier: MIT
/* Helpers of the driver tests; see drv_util.h. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <unistd.h>

#include <xf86drm.h>

#include "drv_util.h"
#include "npu_cmdstream.h"
#include "npu_node.h"

int drv_ioctl(int fd, unsigned long req, void *arg)
{
	return drmIoctl(fd, req, arg) ? -errno : 0;
}

int drv_find(char *node, size_t node_len, char *pdev, size_t pdev_len)
{
	return drv_find_nth(0, node, node_len, pdev, pdev_len);
}

int drv_find_nth(int nth, char *node, size_t node_len, char *pdev,
		 size_t pdev_len)
{
	return npu_node_find(nth, node, node_len, pdev, pdev_len);
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

unsigned int drv_nop_stream(uint32_t *words, unsigned int nops)
{
	unsigned int n = 0, i;

	words[n++] = NPU_CS_HDR(NPU_CMD_STREAM,
				1 + sizeof(struct npu_stream_params) / 4);
	words[n++] = NPU_CS_VERSION;
	words[n++] = 0;
	for (i = 0; i < nops; i++)
		words[n++] = NPU_CS_HDR(NPU_CMD_NOP, 1);
	return n;
}

int drv_submit_one(int fd, uint32_t cmd_bo, uint32_t cmd_offset,
		   uint32_t cmd_size, const struct drm_npu_bo_ref *refs,
		   uint32_t nrefs, const uint32_t *in_syncs, uint32_t nin,
		   uint32_t out_sync, uint32_t stats_bo, uint32_t stats_offset,
		   uint32_t priority)
{
	struct drm_npu_job job = {
		.cmd_bo = cmd_bo, .cmd_offset = cmd_offset,
		.cmd_size = cmd_size, .bo_refs = (uintptr_t)refs,
		.bo_ref_count = nrefs, .in_sync_count = nin,
		.in_syncs = (uintptr_t)in_syncs, .out_sync = out_sync,
		.stats_bo = stats_bo, .stats_offset = stats_offset,
	};
	struct drm_npu_submit s = {
		.jobs = (uintptr_t)&job, .job_count = 1,
		.job_stride = sizeof(job), .priority = priority,
	};

	return drv_ioctl(fd, DRM_IOCTL_NPU_SUBMIT, &s);
}

uint32_t drv_copy_stream(uint32_t *w, uint64_t src, uint64_t dst, uint32_t n)
{
	struct npu_copy_params p;
	unsigned int len = drv_nop_stream(w, 0);

	memset(&p, 0, sizeof(p));
	p.input.addr = src;
	p.input.dims[0] = n;
	p.input.dtype = NPU_DTYPE_INT8;
	p.input.rank = 1;
	p.output = p.input;
	p.output.addr = dst;
	w[len++] = NPU_CS_HDR(NPU_CMD_COPY, 1 + sizeof(p) / 4);
	memcpy(&w[len], &p, sizeof(p));
	len += sizeof(p) / 4;
	return len * 4;
}

/* include/uapi/drm/vgem_drm.h (not shipped by libdrm-dev) */
struct drv_vgem_fence_attach {
	uint32_t handle;
	uint32_t flags;
	uint32_t out_fence;
	uint32_t pad;
};

struct drv_vgem_fence_signal {
	uint32_t fence;
	uint32_t flags;
};

#define DRV_VGEM_FENCE_WRITE	0x1
#define DRV_IOCTL_VGEM_FENCE_ATTACH \
	DRM_IOWR(DRM_COMMAND_BASE + 0x1, struct drv_vgem_fence_attach)
#define DRV_IOCTL_VGEM_FENCE_SIGNAL \
	DRM_IOW(DRM_COMMAND_BASE + 0x2, struct drv_vgem_fence_signal)

int drv_vgem_open(void)
{
	char path[64];
	int i, fd;

	for (i = 0; i < 16; i++) {
		drmVersionPtr v;
		int vgem;

		snprintf(path, sizeof(path), "/dev/dri/card%d", i);
		fd = open(path, O_RDWR | O_CLOEXEC);
		if (fd < 0)
			continue;
		v = drmGetVersion(fd);
		vgem = v && !strcmp(v->name, "vgem");
		drmFreeVersion(v);
		if (vgem)
			return fd;
		close(fd);
	}
	errno = ENODEV;
	return -1;
}

int drv_vgem_fenced_buffer(int vgem, uint32_t size, uint32_t *fence)
{
	struct drm_mode_create_dumb dumb = { .width = size, .height = 1,
					     .bpp = 8 };
	struct drv_vgem_fence_attach attach = { .flags = DRV_VGEM_FENCE_WRITE };
	int ret, dmabuf = -1;

	ret = drv_ioctl(vgem, DRM_IOCTL_MODE_CREATE_DUMB, &dumb);
	if (ret)
		return ret;
	attach.handle = dumb.handle;
	ret = drv_ioctl(vgem, DRV_IOCTL_VGEM_FENCE_ATTACH, &attach);
	if (!ret && drmPrimeHandleToFD(vgem, dumb.handle, DRM_CLOEXEC | DRM_RDWR,
				       &dmabuf))
		ret = -errno;
	drv_bo_close(vgem, dumb.handle);	/* the dma-buf keeps it */
	if (ret)
		return ret;
	*fence = attach.out_fence;
	return dmabuf;
}

int drv_vgem_signal(int vgem, uint32_t fence)
{
	struct drv_vgem_fence_signal s = { .fence = fence };

	return drv_ioctl(vgem, DRV_IOCTL_VGEM_FENCE_SIGNAL, &s);
}

int drv_handoff_init(struct drv_handoff *h, int vgem, int a_fd, uint32_t x,
		     int b_fd, const char **step)
{
	*h = (struct drv_handoff){ .a_fd = a_fd, .b_fd = b_fd, .held = -1,
				   .xfd = -1 };
	*step = "vgem buffer with a fence";
	h->held = drv_vgem_fenced_buffer(vgem, 4096, &h->fence);
	if (h->held < 0)
		return h->held;
	*step = "import the vgem buffer into file A";
	if (drmPrimeFDToHandle(a_fd, h->held, &h->hold))
		return -errno;
	*step = "export A's buffer X";
	if (drmPrimeHandleToFD(a_fd, x, DRM_CLOEXEC | DRM_RDWR, &h->xfd))
		return -errno;
	*step = "import X into file B";
	if (drmPrimeFDToHandle(b_fd, h->xfd, &h->x_in_b))
		return -errno;
	*step = "vgem fence held, X shared by files A and B";
	return 0;
}

void drv_handoff_fini(struct drv_handoff *h)
{
	if (h->out_a)
		drmSyncobjDestroy(h->a_fd, h->out_a);
	if (h->out_b)
		drmSyncobjDestroy(h->b_fd, h->out_b);
	if (h->xfd >= 0)
		close(h->xfd);
	if (h->held >= 0)
		close(h->held);
	if (h->hold)
		drv_bo_close(h->a_fd, h->hold);
	if (h->x_in_b)
		drv_bo_close(h->b_fd, h->x_in_b);
	*h = (struct drv_handoff){ .held = -1, .xfd = -1 };
}

static void drv_mount_debugfs(void)
{
	if (access("/sys/kernel/debug/dri", F_OK))
		mount("debugfs", "/sys/kernel/debug", "debugfs", 0, NULL);
}

int drv_sim_debugfs(char *dir, size_t len)
{
	char node[PATH_MAX], pdev[256], link[PATH_MAX], target[PATH_MAX];
	char *slash;
	ssize_t n;
	int ret = drv_find(node, sizeof(node), pdev, sizeof(pdev));

	if (ret)
		return ret;
	drv_mount_debugfs();
	snprintf(link, sizeof(link), "/sys/bus/platform/devices/%s", pdev);
	n = readlink(link, target, sizeof(target) - 1);
	if (n < 0)
		return -errno;
	target[n] = 0;
	slash = strrchr(target, '/');
	if (!slash)
		return -ENOENT;
	*slash = 0;
	slash = strrchr(target, '/');
	snprintf(dir, len, "/sys/kernel/debug/npu_sim/%s",
		 slash ? slash + 1 : target);
	return access(dir, F_OK) ? -errno : 0;
}

int drv_drm_debugfs(char *dir, size_t len)
{
	char node[PATH_MAX], pdev[256], root[64];
	int ret = drv_find(node, sizeof(node), pdev, sizeof(pdev));

	if (!ret)
		ret = npu_node_debugfs_root(root, sizeof(root));
	if (ret)
		return ret;
	drv_mount_debugfs();
	/* Named after the device (6.12), or the minor on other kernels. */
	snprintf(dir, len, "%s/%s", root, pdev);
	if (!access(dir, F_OK))
		return 0;
	snprintf(dir, len, "%s/%s", root, node + strcspn(node, "0123456789"));
	return access(dir, F_OK) ? -errno : 0;
}

long long drv_debugfs_read(const char *dir, const char *name)
{
	char path[PATH_MAX + 256], buf[64] = "";
	long long v = -1;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "r");
	if (!f)
		return -1;
	if (fgets(buf, sizeof(buf), f)) {
		if (buf[0] == 'Y')
			v = 1;
		else if (buf[0] == 'N')
			v = 0;
		else
			v = strtoll(buf, NULL, 0);
	}
	fclose(f);
	return v;
}

int drv_debugfs_write(const char *dir, const char *name, long long val)
{
	char path[PATH_MAX + 256], buf[32];

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	snprintf(buf, sizeof(buf), "%lld", val);
	return drv_sysfs_write(path, buf);
}

int drv_count_clients(const char *dir)
{
	char path[600], line[256];
	int n = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/bos", dir);
	f = fopen(path, "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		n += !strncmp(line, "client", 6);
	fclose(f);
	return n;
}
