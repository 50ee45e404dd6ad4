/* SPDX-License-Identifier: GPL-2.0-only */
/* Copyright 2026 The NPU stack authors */

#ifndef __NPU_CS_POOL_H__
#define __NPU_CS_POOL_H__

#include <linux/iosys-map.h>
#include <linux/list.h>
#include <linux/types.h>

struct npu_gem_mapping;
struct npu_file;

/**
 * struct npu_cs_copy - kernel-owned buffer holding a job's stream
 * @node: entry in &npu_file.cs_pool while unused.
 * @mapping: the buffer in the file's address space (device-read-only).
 * @map: its kernel mapping.
 */
struct npu_cs_copy {
	struct list_head node;
	struct npu_gem_mapping *mapping;
	struct iosys_map map;
};

struct npu_cs_copy *npu_cs_copy_get(struct npu_file *nfile, u32 size);
void npu_cs_copy_put(struct npu_file *nfile, struct npu_cs_copy *copy);
void npu_cs_pool_fini(struct npu_file *nfile);

#endif /* __NPU_CS_POOL_H__ */
