// SPDX-License-Identifier: MIT
/*
 * Firmware images whose framing is intact (so the driver hands them to the
 * device) but which the device's boot check refuses: probe fails with the
 * device's boot status in words, no accel node appears, and the good image
 * binds again.  (Framing damage is tests/drv/firmware.sh.)  Among them
 * an image whose boot self-test expects a wrong result.
 *
 * vm-test: reload
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "lib/drv_util.h"
#include "npu_fw.h"
#include "npu_node.h"
#include "npu_regs.h"
#include "tap.h"

#define FW	"/lib/firmware/npu/npu-fw.bin"
#define DRV	"/sys/bus/platform/drivers/npu"

static uint32_t crc32_ieee(const void *buf, size_t len)
{
	const unsigned char *p = buf;
	uint32_t c = 0xffffffffu;

	while (len--) {
		c ^= *p++;
		for (int k = 0; k < 8; k++)
			c = c & 1 ? (c >> 1) ^ 0xedb88320u : c >> 1;
	}
	return ~c;
}

static unsigned char *read_file(const char *path, size_t *len)
{
	unsigned char *buf;
	FILE *f = fopen(path, "rb");
	long n;

	if (!f || fseek(f, 0, SEEK_END) || (n = ftell(f)) <= 0) {
		if (f)
			fclose(f);
		return NULL;
	}
	rewind(f);
	buf = malloc(n);
	if (buf && fread(buf, 1, n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	*len = n;
	return buf;
}

static int write_file(const char *path, const void *buf, size_t len)
{
	FILE *f;
	int ok;

	unlink(path);		/* may be a symlink into the build tree */
	f = fopen(path, "wb");
	if (!f)
		return -1;
	ok = fwrite(buf, 1, len, f) == len;
	return fclose(f) || !ok ? -1 : 0;
}

static void reseal(unsigned char *img, size_t len)
{
	struct npu_fw_header h;

	memcpy(&h, img, sizeof(h));
	h.payload_crc32 = crc32_ieee(img + sizeof(h), len - sizeof(h));
	h.header_crc32 = 0;
	h.header_crc32 = crc32_ieee(&h, sizeof(h));
	memcpy(img, &h, sizeof(h));
}

/*
 * Offset of the first expected-result byte of the image's self-test
 * section, or 0 if the image has none.
 */
static size_t selftest_expect_offset(const unsigned char *img, size_t len)
{
	size_t off = sizeof(struct npu_fw_header);
	struct npu_fw_selftest_hdr st;
	struct npu_fw_section s;

	while (len - off >= sizeof(s)) {
		memcpy(&s, img + off, sizeof(s));
		off += sizeof(s);
		if (s.tag == NPU_FW_SECT_END || s.size > len - off)
			return 0;
		if (s.tag == NPU_FW_SECT_SELFTEST && s.size >= sizeof(st)) {
			memcpy(&st, img + off, sizeof(st));
			if (!st.expect_size ||
			    sizeof(st) + (size_t)st.init_size + st.expect_size >
			    s.size)
				return 0;
			return off + sizeof(st) + st.init_size;
		}
		off += s.size;
	}
	return 0;
}

static int kmsg_has(const char *what)
{
	char line[512];
	int found = 0;
	FILE *p = popen("dmesg | tail -n 20", "r");

	while (p && fgets(line, sizeof(line), p))
		found |= strstr(line, what) != NULL;
	if (p)
		pclose(p);
	return found;
}

int main(void)
{
	char node[PATH_MAX], pdev[256];
	struct npu_fw_header h;
	unsigned char *orig, *img;
	size_t len, off;

	if (drv_find(node, sizeof(node), pdev, sizeof(pdev)))
		tap_bail("no NPU device");
	orig = read_file(FW, &len);
	if (!orig || len < sizeof(h))
		tap_bail("cannot read %s", FW);
	img = malloc(len);
	tap_expect_success(drv_sysfs_write(DRV "/unbind", pdev), 0,
			   "unbind %s", pdev);

	/* A command-stream version the device does not execute. */
	memcpy(img, orig, len);
	memcpy(&h, img, sizeof(h));
	h.cmdstream_version += 100;
	memcpy(img, &h, sizeof(h));
	reseal(img, len);
	write_file(FW, img, len);
	tap_ok(drv_sysfs_write(DRV "/bind", pdev) != 0,
	       "image for another stream version: probe fails");
	tap_ok(kmsg_has("firmware boot failed: unsupported version"),
	       "kernel says \"firmware boot failed: unsupported version\"");
	tap_ok(npu_node_count() == 0, "no device node");

	/* Payload structure damaged (CRCs made to match). */
	memcpy(img, orig, len);
	memset(img + sizeof(h), 0xee, len - sizeof(h));
	reseal(img, len);
	write_file(FW, img, len);
	tap_ok(drv_sysfs_write(DRV "/bind", pdev) != 0,
	       "garbage payload with valid checksums: probe fails");
	tap_ok(kmsg_has("firmware boot failed"), "kernel says why");
	tap_ok(npu_node_count() == 0, "no device node");

	/* Self-test expecting a wrong result (CRCs made to match). */
	memcpy(img, orig, len);
	off = selftest_expect_offset(img, len);
	tap_ok(off != 0, "image has a self-test section");
	if (off) {
		img[off] ^= 0x5a;
		reseal(img, len);
		write_file(FW, img, len);
		tap_ok(drv_sysfs_write(DRV "/bind", pdev) != 0,
		       "self-test with a wrong expected result: probe fails");
		tap_ok(kmsg_has("firmware boot failed: self-test failed"),
		       "kernel says \"firmware boot failed: self-test failed\"");
		tap_ok(npu_node_count() == 0, "no device node");
	}

	write_file(FW, orig, len);
	tap_expect_success(drv_sysfs_write(DRV "/bind", pdev), 0,
			   "good image binds again");
	tap_ok(npu_node_count() == 1, "device node is back");
	free(img);
	free(orig);
	return tap_finish();
}
