/* SPDX-License-Identifier: MIT */
/*
 * Helpers of the driver tests (tests/drv): raw uapi access to npu.ko
 * through libdrm, without libnpu, so the tests check the kernel ABI itself.
 */
#ifndef NPU_TESTS_DRV_UTIL_H
#define NPU_TESTS_DRV_UTIL_H

#include <stddef.h>
#include <stdint.h>

#include "drm/npu_accel.h"

/* Opens the first accel node bound to npu.ko; -1 (errno set) if none. */
int drv_open(void);
/* Path of the node drv_open() opens, and its platform device name. */
int drv_find(char *node, size_t node_len, char *pdev, size_t pdev_len);
/* The same for the @nth NPU (0-based, by accel minor). */
int drv_find_nth(int nth, char *node, size_t node_len, char *pdev,
		 size_t pdev_len);

int drv_query_info(int fd, struct drm_npu_device_info *info);
int drv_query_counters(int fd, struct drm_npu_counters *c);

/* Ioctl wrappers return 0 or -errno. */
int drv_bo_create(int fd, uint64_t size, uint32_t flags, uint32_t *handle,
		  uint64_t *npu_addr);
int drv_bo_info(int fd, uint32_t handle, struct drm_npu_bo_info *info);
int drv_bo_close(int fd, uint32_t handle);
/* Maps a buffer read-write; NULL (errno set) on failure. */
void *drv_bo_mmap(int fd, uint32_t handle, size_t size);
int drv_ioctl(int fd, unsigned long req, void *arg);

/* Writes @val to sysfs file @path; 0 or -errno. */
int drv_sysfs_write(const char *path, const char *val);



/* Writes a valid stream (STREAM header, then @nops NOPs) to @words;
 * returns its length in words. */
unsigned int drv_nop_stream(uint32_t *words, unsigned int nops);

/* Submits one job; arrays may be NULL with count 0.  0 or -errno. */
int drv_submit_one(int fd, uint32_t cmd_bo, uint32_t cmd_offset,
		   uint32_t cmd_size, const struct drm_npu_bo_ref *refs,
		   uint32_t nrefs, const uint32_t *in_syncs, uint32_t nin,
		   uint32_t out_sync, uint32_t stats_bo, uint32_t stats_offset,
		   uint32_t priority);

/* Writes STREAM + COPY(@src -> @dst, @n int8 bytes) at @words; returns the
 * stream's length in bytes. */
uint32_t drv_copy_stream(uint32_t *words, uint64_t src, uint64_t dst,
			 uint32_t n);

/*
 * vgem (drivers/gpu/drm/vgem): a buffer carrying a write fence that only the
 * test signals, to hold jobs that depend on it for as long as the test needs
 * (vgem signals it with an error after 10 s).  drv_vgem_open() returns the
 * vgem node's fd or -1; drv_vgem_fenced_buffer() creates a @size-byte buffer,
 * attaches an unsignalled write fence (*fence) and returns its dma-buf fd or
 * -errno; drv_vgem_signal() signals the fence (0 or -errno).
 */
int drv_vgem_open(void);
int drv_vgem_fenced_buffer(int vgem, uint32_t size, uint32_t *fence);
int drv_vgem_signal(int vgem, uint32_t fence);

/*
 * The two-file write-then-read scenario: file A's job, held by a vgem
 * fence, writes A's buffer X; X is exported and imported by file B, whose
 * job reads it (implicit sync must make it wait for A's write).  The
 * fixture owns what the scenario makes: the held vgem dma-buf and its
 * handle in A (a READ bo_ref on @hold holds A's job), X's dma-buf (@xfd, to
 * poll) and its handle in B (@x_in_b), and the syncobjs the test creates
 * for A's and B's jobs (@out_a, @out_b; 0 until then).
 */
struct drv_handoff {
	int a_fd, b_fd;
	int held;		/* vgem dma-buf with the unsignalled fence, or -1 */
	uint32_t fence;		/* vgem's fence on it */
	uint32_t hold;		/* @held imported into A, or 0 */
	int xfd;		/* X exported from A, or -1 */
	uint32_t x_in_b;	/* X imported into B, or 0 */
	uint32_t out_a, out_b;	/* syncobjs of A's and B's jobs, or 0 */
};

/*
 * Sets @h up for buffer @x of file @a_fd and file @b_fd; 0, or -errno with
 * *@step naming the step that failed.  Call drv_handoff_fini() either way.
 */
int drv_handoff_init(struct drv_handoff *h, int vgem, int a_fd, uint32_t x,
		     int b_fd, const char **step);
/* Releases everything @h holds (signal the vgem fence first). */
void drv_handoff_fini(struct drv_handoff *h);

/* Directories: the simulator's debugfs for this NPU, and DRM's (accel/ or dri/).
 * 0 or -errno (debugfs is mounted if needed). */
int drv_sim_debugfs(char *dir, size_t len);
int drv_drm_debugfs(char *dir, size_t len);
/* Reads or writes a small decimal debugfs value under @dir. */
long long drv_debugfs_read(const char *dir, const char *name);
int drv_debugfs_write(const char *dir, const char *name, long long val);
/* The open files (clients) listed in DRM's debugfs "bos" under @dir, or -1. */
int drv_count_clients(const char *dir);
#endif /* NPU_TESTS_DRV_UTIL_H */
