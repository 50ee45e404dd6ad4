// SPDX-License-Identifier: MIT
/*
 * The on-chip SRAM through the driver: a stream that moves a strided
 * stripe into SRAM (NPU_CMD_DMA), copies it within SRAM and moves it out
 * runs and gives the stripe; streams that read SRAM they never wrote, or
 * address beyond the SRAM, are refused at submit (-EINVAL) and nothing of
 * them runs.  The firmware announces the SRAM (NPU_FW_FEAT_SRAM).
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include <xf86drm.h>

#include "lib/drv_util.h"
#include "npu_cmdstream.h"
#include "npu_regs.h"
#include "tap.h"

#define N	4096

struct file {
	int fd;
	uint32_t cmd, src, dst, stats;
	uint64_t src_va, dst_va;
	uint32_t *cs;
	uint8_t *src_map, *dst_map;
	struct drm_npu_job_stats *st;
};

static uint32_t len;

static void emit(struct file *f, uint32_t op, const void *p, uint32_t bytes)
{
	f->cs[len++] = NPU_CS_HDR(op, 1 + bytes / 4);
	memcpy(&f->cs[len], p, bytes);
	len += bytes / 4;
}

static void dma(struct file *f, uint64_t src, uint64_t dst, uint32_t e1,
		uint32_t run, uint32_t stride1)
{
	struct npu_dma_params p;

	memset(&p, 0, sizeof(p));
	p.src = src;
	p.dst = dst;
	p.extent[0] = 1;
	p.extent[1] = e1;
	p.extent[2] = 1;
	p.extent[3] = run;
	p.stride[1] = stride1;
	emit(f, NPU_CMD_DMA, &p, sizeof(p));
}

static void copy(struct file *f, uint64_t src, uint64_t dst, uint32_t n)
{
	struct npu_copy_params p;

	memset(&p, 0, sizeof(p));
	p.input.addr = src;
	p.input.dims[0] = n;
	p.input.dtype = NPU_DTYPE_INT8;
	p.input.rank = 1;
	p.output = p.input;
	p.output.addr = dst;
	emit(f, NPU_CMD_COPY, &p, sizeof(p));
}

static int submit(struct file *f, uint32_t out)
{
	const struct drm_npu_bo_ref refs[2] = {
		{ f->src, DRM_NPU_BO_REF_READ },
		{ f->dst, DRM_NPU_BO_REF_READ | DRM_NPU_BO_REF_WRITE },
	};

	return drv_submit_one(f->fd, f->cmd, 0, len * 4, refs, 2, NULL, 0, out,
			      f->stats, 0, 1);
}

static int wait_sync(int fd, uint32_t h)
{
	struct timespec ts;
	int64_t deadline;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	deadline = (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec + 30000000000ll;
	return drmSyncobjWait(fd, &h, 1, deadline, 0, NULL) ? -errno : 0;
}

/* Rows 1..4 of a 64-byte-pitch image, bytes 8..23 of each, through SRAM. */
static void test_stripe(struct file *f)
{
	uint32_t out = 0, y, x;
	int same = 1;

	for (x = 0; x < N; x++)
		f->src_map[x] = (uint8_t)(x * 13 + 5);
	memset(f->dst_map, 0xee, N);
	len = drv_nop_stream(f->cs, 0);
	dma(f, f->src_va + 64 + 8, NPU_SRAM_VA + 4096, 4, 16, 64);
	copy(f, NPU_SRAM_VA + 4096, NPU_SRAM_VA, 64);
	dma(f, NPU_SRAM_VA, f->dst_va, 1, 64, 0);
	drmSyncobjCreate(f->fd, 0, &out);
	tap_expect_success(submit(f, out), 0, "a stream through the SRAM is accepted");
	tap_ok(!wait_sync(f->fd, out) && f->st[0].status == 0,
	       "and runs (status %d)", f->st[0].status);
	for (y = 0; y < 4; y++)
		for (x = 0; x < 16; x++)
			same &= f->dst_map[y * 16 + x] == f->src_map[(y + 1) * 64 + 8 + x];
	tap_ok(same && f->dst_map[64] == 0xee, "the stripe arrives packed, nothing beyond it");
	tap_ok(f->st[0].dram_write_bytes == 64 &&
	       f->st[0].dram_read_bytes == len * 4 + 64,
	       "DRAM traffic is the stripe only (read %llu, written %llu)",
	       (unsigned long long)f->st[0].dram_read_bytes,
	       (unsigned long long)f->st[0].dram_write_bytes);
	drmSyncobjDestroy(f->fd, out);
}

static void refused(struct file *f, const char *what)
{
	memset(f->dst_map, 0xee, N);
	tap_expect_errno(submit(f, 0), 0, EINVAL, "%s is refused", what);
}

static void test_refused(struct file *f)
{
	uint32_t out = 0;

	/* The first command writes DRAM: it must not run either. */
	len = drv_nop_stream(f->cs, 0);
	copy(f, f->src_va, f->dst_va, 16);
	copy(f, NPU_SRAM_VA + 512, f->dst_va + 64, 16);
	refused(f, "reading SRAM the stream never wrote");

	len = drv_nop_stream(f->cs, 0);
	dma(f, f->src_va, NPU_SRAM_VA, 1, 16, 0);
	copy(f, NPU_SRAM_VA, f->dst_va, 17);
	refused(f, "reading one SRAM byte more than was written");

	len = drv_nop_stream(f->cs, 0);
	copy(f, f->src_va, f->dst_va, 16);
	dma(f, f->src_va, NPU_SRAM_VA + NPU_HW_SRAM_SIZE - 8, 1, 16, 0);
	refused(f, "a DMA beyond the end of the SRAM");

	len = drv_nop_stream(f->cs, 0);
	copy(f, f->src_va, NPU_SRAM_VA + NPU_HW_SRAM_SIZE, 16);
	refused(f, "a tensor past the SRAM window");

	/* A valid job afterwards shows that none of them ran. */
	len = drv_nop_stream(f->cs, 0);
	dma(f, f->src_va, NPU_SRAM_VA, 1, 16, 0);
	dma(f, NPU_SRAM_VA, f->dst_va + 128, 1, 16, 0);
	drmSyncobjCreate(f->fd, 0, &out);
	tap_expect_success(submit(f, out), 0, "a valid SRAM job after them");
	tap_ok(!wait_sync(f->fd, out) && f->st[0].status == 0 &&
	       f->dst_map[0] == 0xee && f->dst_map[64] == 0xee &&
	       !memcmp(f->dst_map + 128, f->src_map, 16),
	       "runs, and nothing of the refused streams was written");
	drmSyncobjDestroy(f->fd, out);
}

int main(void)
{
	struct drm_npu_device_info info;
	struct file f = { 0 };

	f.fd = drv_open();
	if (f.fd < 0 ||
	    drv_bo_create(f.fd, 4096, 0, &f.cmd, NULL) ||
	    drv_bo_create(f.fd, N, 0, &f.src, &f.src_va) ||
	    drv_bo_create(f.fd, N, 0, &f.dst, &f.dst_va) ||
	    drv_bo_create(f.fd, 4096, 0, &f.stats, NULL))
		tap_bail("no NPU device or buffers");
	f.cs = drv_bo_mmap(f.fd, f.cmd, 4096);
	f.src_map = drv_bo_mmap(f.fd, f.src, N);
	f.dst_map = drv_bo_mmap(f.fd, f.dst, N);
	f.st = drv_bo_mmap(f.fd, f.stats, 4096);
	if (!f.cs || !f.src_map || !f.dst_map || !f.st)
		tap_bail("cannot map the buffers");
	if (drv_query_info(f.fd, &info))
		tap_bail("no device info");
	if (!tap_ok(info.fw_features & NPU_FW_FEAT_SRAM,
		    "the firmware announces the SRAM (features %#x)", info.fw_features))
		return tap_finish();
	test_stripe(&f);
	test_refused(&f);
	return tap_finish();
}
