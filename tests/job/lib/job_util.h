/* SPDX-License-Identifier: MIT */
/*
 * Helpers of the job tests (tests/job): the NPU through the raw uapi, and
 * the accounting that checks the device's counters against the firmware's
 * cycle model.
 */
#ifndef NPU_TESTS_JOB_UTIL_H
#define NPU_TESTS_JOB_UTIL_H

#include <stdint.h>

#include "drm/npu_accel.h"
#include "npu_fw.h"

/* Longest wait for a batch of jobs. */
#define JOB_WAIT_S	120
/* Fill of the bytes around job buffers, which no job may change. */
#define JOB_GUARD	0x5a

/* The first /dev/accel node whose driver is npu; -1 (errno set) if none. */
int job_open_npu(void);

/* Creates and maps a buffer; 0 or -errno.  @va may be NULL. */
int job_bo_create(int fd, uint64_t size, uint32_t flags, uint32_t *handle,
		  uint64_t *va, void **map);

/* Where job_import() takes a buffer's pages from. */
enum job_mem {
	JOB_MEM_DMA_HEAP,	/* /dev/dma_heap/system (high-order pages) */
	JOB_MEM_UDMABUF,	/* a memfd through /dev/udmabuf */
};

/*
 * Allocates @size bytes of @kind, imports the dma-buf into @fd (PRIME)
 * and maps it; 0, -ENOENT when this kind of memory does not exist here,
 * or -errno.  CPU access needs no dma-buf sync on the coherent x86 guest.
 */
int job_import(int fd, enum job_mem kind, uint64_t size, uint32_t *handle,
	       uint64_t *va, void **map);

int job_query_counters(int fd, struct drm_npu_counters *c);

double job_now_s(void);
/* Absolute CLOCK_MONOTONIC deadline @seconds from now, in ns. */
int64_t job_deadline_ns(int seconds);

/* The model cost of the jobs a test saw complete. */
struct job_sums {
	unsigned long long jobs, cycles, macs, rd, wr;
};

void job_add_cost(struct job_sums *s, const struct npu_fw_cost *c);

/*
 * One TAP result: between the counter snapshots @a and @b (nothing else
 * running on the device), the device-wide counters grew by exactly @s and
 * no job failed.
 */
void job_check_counters(const struct drm_npu_counters *a,
			const struct drm_npu_counters *b,
			const struct job_sums *s);

#endif /* NPU_TESTS_JOB_UTIL_H */
