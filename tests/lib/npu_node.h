/* SPDX-License-Identifier: MIT */
/*
 * Finding the device nodes bound to npu.ko through sysfs, for the VM test
 * suites that talk to the raw uapi (no libnpu, no libudev).  npu.ko
 * registers /dev/accel/accelN, or /dev/dri/renderDN when built without
 * accel (NPU_NODE=render, or a kernel without CONFIG_DRM_ACCEL).
 */
#ifndef NPU_TESTS_NPU_NODE_H
#define NPU_TESTS_NPU_NODE_H

#include <stddef.h>

/*
 * The @nth (0-based, by minor: readdir order is arbitrary) node whose driver
 * is npu: its /dev path in @node and, if @pdev is not NULL, its platform
 * device's name in @pdev.  0, -ENODEV, or -errno.
 */
int npu_node_find(int nth, char *node, size_t node_len, char *pdev,
		  size_t pdev_len);

/*
 * DRM's debugfs directory for the kind of node npu.ko registered
 * (/sys/kernel/debug/accel or /sys/kernel/debug/dri), which holds a
 * directory per device named after its platform device.  0 or -ENODEV.
 */
int npu_node_debugfs_root(char *dir, size_t len);

/* How many npu nodes there are (0 when none). */
int npu_node_count(void);

#endif /* NPU_TESTS_NPU_NODE_H */
