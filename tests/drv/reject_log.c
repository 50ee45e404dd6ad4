// SPDX-License-Identifier: MIT
/*
 * Every argument npu.ko rejects is named in the kernel log at DRM's driver
 * debug level (drm.debug bit 1, DRM_UT_DRIVER): one hostile call of each
 * kind, each failing with its documented errno and leaving a "[drm:npu_"
 * line behind it in /dev/kmsg.  Userspace sees only an errno; the log line
 * is how a developer learns which field was wrong.
 */
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xf86drm.h>

#include "lib/drv_util.h"
#include "npu_cmdstream.h"
#include "tap.h"

#define DRM_DEBUG_PARAM	"/sys/module/drm/parameters/debug"
#define DRM_UT_DRIVER	0x02

static int kmsg = -1;

/* Skips what the log holds so far. */
static void kmsg_skip(void)
{
	lseek(kmsg, 0, SEEK_END);
}

/* A driver debug line was logged since kmsg_skip(); copies it to @line. */
static int kmsg_npu_line(char *line, size_t len)
{
	char rec[2048];
	ssize_t n;
	int found = 0;

	/* Records are read whole, one per read(). */
	for (;;) {
		errno = 0;
		n = read(kmsg, rec, sizeof(rec) - 1);
		if (n < 0 && errno == EPIPE)
			continue;	/* overrun: records were dropped */
		if (n <= 0)
			break;
		rec[n] = 0;
		if (!found && strstr(rec, "[drm:npu_")) {
			const char *m = strchr(rec, ';') ? strchr(rec, ';') + 1 : rec;
			size_t l = strcspn(m, "\n");

			if (l >= len)
				l = len - 1;
			memcpy(line, m, l);
			line[l] = 0;
			found = 1;
		}
	}
	return found;
}

static void expect(int ret, int want, const char *what)
{
	char line[512] = "";
	int logged = kmsg_npu_line(line, sizeof(line));

	tap_ok(ret == -want && logged, "%s: %s and logged%s%s", what,
	       strerror(want), logged ? ": " : " (nothing logged)", line);
	if (ret != -want)
		tap_diag("returned %d (%s)", ret, ret ? strerror(-ret) : "ok");
	kmsg_skip();
}

static int submit(int fd, struct drm_npu_job *j, uint32_t count,
		  uint32_t stride, uint32_t flags)
{
	struct drm_npu_submit s = {
		.jobs = (uintptr_t)j, .job_count = count, .job_stride = stride,
		.priority = DRM_NPU_PRIORITY_NORMAL, .flags = flags,
	};

	return drv_ioctl(fd, DRM_IOCTL_NPU_SUBMIT, &s);
}

int main(void)
{
	unsigned char big[sizeof(struct drm_npu_job) + 8] = { 0 };
	uint32_t cmd, nomap, words[64], bytes, nsync;
	struct drm_npu_query q = { 0 };
	struct drm_npu_bo_create c = { 0 };
	struct drm_npu_bo_mmap_offset mo = { 0 };
	struct drm_npu_bo_info bi = { 0 };
	struct drm_npu_bo_wait bw = { 0 };
	struct drm_npu_cmdstream_create cc = { 0 };
	struct drm_npu_bo_ref ref = { 0 };
	struct drm_npu_job j;
	char old[32] = "0";
	void *map;
	FILE *f;
	int fd = drv_open();

	if (fd < 0 || drv_bo_create(fd, 4096, 0, &cmd, NULL) ||
	    drv_bo_create(fd, 4096, DRM_NPU_BO_NO_MMAP, &nomap, NULL) ||
	    drmSyncobjCreate(fd, 0, &nsync))
		tap_bail("no NPU device");
	kmsg = open("/dev/kmsg", O_RDONLY | O_NONBLOCK);
	f = fopen(DRM_DEBUG_PARAM, "r");
	if (kmsg < 0 || !f || !fgets(old, sizeof(old), f)) {
		tap_skip("no /dev/kmsg or drm.debug", "rejections are logged");
		return tap_finish();
	}
	fclose(f);
	old[strcspn(old, "\n")] = 0;
	if (drv_sysfs_write(DRM_DEBUG_PARAM, "2"))
		tap_bail("cannot set drm.debug");
	bytes = drv_nop_stream(words, 1) * 4;
	map = drv_bo_mmap(fd, cmd, 4096);
	if (!map)
		tap_bail("mmap");
	memcpy(map, words, bytes);	/* a valid stream: the job fails later */
	kmsg_skip();

	q.type = 7;
	expect(drv_ioctl(fd, DRM_IOCTL_NPU_QUERY, &q), EINVAL,
	       "QUERY of an unknown type");
	q.type = DRM_NPU_QUERY_DEVICE_INFO;
	q.size = 64;
	q.data = 4096;
	expect(drv_ioctl(fd, DRM_IOCTL_NPU_QUERY, &q), EFAULT,
	       "QUERY into unmapped memory");

	c.size = 4096;
	c.flags = 1u << 7;
	expect(drv_ioctl(fd, DRM_IOCTL_NPU_BO_CREATE, &c), EINVAL,
	       "BO_CREATE with an unknown flag");
	c.flags = 0;
	c.size = 0;
	expect(drv_ioctl(fd, DRM_IOCTL_NPU_BO_CREATE, &c), EINVAL,
	       "BO_CREATE of 0 bytes");
	c.size = ~0ull;
	expect(drv_ioctl(fd, DRM_IOCTL_NPU_BO_CREATE, &c), E2BIG,
	       "BO_CREATE over max_bo_size");

	mo.handle = cmd;
	mo.pad = 1;
	expect(drv_ioctl(fd, DRM_IOCTL_NPU_BO_MMAP_OFFSET, &mo), EINVAL,
	       "BO_MMAP_OFFSET with pad set");
	mo.pad = 0;
	mo.handle = 0xdead;
	expect(drv_ioctl(fd, DRM_IOCTL_NPU_BO_MMAP_OFFSET, &mo), ENOENT,
	       "BO_MMAP_OFFSET of an unknown handle");
	mo.handle = nomap;
	expect(drv_ioctl(fd, DRM_IOCTL_NPU_BO_MMAP_OFFSET, &mo), EPERM,
	       "BO_MMAP_OFFSET of a NO_MMAP buffer");

	bi.handle = 0xdead;
	expect(drv_ioctl(fd, DRM_IOCTL_NPU_BO_INFO, &bi), ENOENT,
	       "BO_INFO of an unknown handle");

	bw.handle = cmd;
	bw.pad = 1;
	expect(drv_ioctl(fd, DRM_IOCTL_NPU_BO_WAIT, &bw), EINVAL,
	       "BO_WAIT with pad set");
	bw.pad = 0;
	bw.handle = 0xdead;
	expect(drv_ioctl(fd, DRM_IOCTL_NPU_BO_WAIT, &bw), ENOENT,
	       "BO_WAIT of an unknown handle");

	memset(&j, 0, sizeof(j));
	j.cmd_bo = cmd;
	j.cmd_size = bytes;
	expect(submit(fd, &j, 1, sizeof(j), 1), EINVAL, "SUBMIT with flags set");
	expect(submit(fd, &j, 0, sizeof(j), 0), EINVAL, "SUBMIT of 0 jobs");
	expect(submit(fd, &j, 1, offsetof(struct drm_npu_job, regions) - 8, 0),
	       EINVAL, "SUBMIT with a stride below the first ABI's");
	expect(submit(fd, &j, 1, 4097, 0), E2BIG, "SUBMIT with a stride over 4096");
	memcpy(big, &j, sizeof(j));
	big[sizeof(j)] = 1;
	expect(submit(fd, (struct drm_npu_job *)big, 1, sizeof(big), 0), E2BIG,
	       "SUBMIT of a job with non-zero bytes past the known fields");
	expect(submit(fd, (struct drm_npu_job *)4096, 1, sizeof(j), 0), EFAULT,
	       "SUBMIT of jobs in unmapped memory");
	j.pad = 1;
	expect(submit(fd, &j, 1, sizeof(j), 0), EINVAL, "SUBMIT of a job with pad set");
	j.pad = 0;
	j.bo_ref_count = 1;
	j.bo_refs = 4096;
	expect(submit(fd, &j, 1, sizeof(j), 0), EFAULT,
	       "SUBMIT with buffer references in unmapped memory");
	ref.handle = cmd;
	ref.flags = 1u << 5;
	j.bo_refs = (uintptr_t)&ref;
	expect(submit(fd, &j, 1, sizeof(j), 0), EINVAL,
	       "SUBMIT with a buffer reference's unknown flag");
	j.bo_ref_count = 0;
	j.bo_refs = 0;
	j.in_sync_count = 1;
	j.in_syncs = 4096;
	expect(submit(fd, &j, 1, sizeof(j), 0), EFAULT,
	       "SUBMIT with in-syncs in unmapped memory");
	j.in_syncs = (uintptr_t)&nsync;
	expect(submit(fd, &j, 1, sizeof(j), 0), EINVAL,
	       "SUBMIT waiting for a syncobj without a fence");
	memset(&j, 0, sizeof(j));
	j.flags = DRM_NPU_JOB_CMDSTREAM_OBJECT;
	j.cmd_bo = cmd;
	expect(submit(fd, &j, 1, sizeof(j), 0), EINVAL,
	       "SUBMIT of a plain buffer as a command object");

	cc.data = (uintptr_t)words;
	cc.size = bytes;
	cc.flags = 1;
	expect(drv_ioctl(fd, DRM_IOCTL_NPU_CMDSTREAM_CREATE, &cc), EINVAL,
	       "CMDSTREAM_CREATE with flags set");
	cc.flags = 0;
	cc.size = 6;
	expect(drv_ioctl(fd, DRM_IOCTL_NPU_CMDSTREAM_CREATE, &cc), EINVAL,
	       "CMDSTREAM_CREATE of a size not a multiple of 4");
	cc.size = bytes;
	cc.data = 4096;
	expect(drv_ioctl(fd, DRM_IOCTL_NPU_CMDSTREAM_CREATE, &cc), EFAULT,
	       "CMDSTREAM_CREATE from unmapped memory");

	drv_sysfs_write(DRM_DEBUG_PARAM, old);
	close(kmsg);
	close(fd);
	return tap_finish();
}
