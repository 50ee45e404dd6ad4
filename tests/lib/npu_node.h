/* SPDX-License-Identifier: MIT */
/*
 * Finding the accel nodes bound to npu.ko through sysfs, for the VM test
 * suites that talk to the raw uapi (no libnpu, no libudev).
 */
#ifndef NPU_TESTS_NPU_NODE_H
#define NPU_TESTS_NPU_NODE_H

#include <stddef.h>

/*
 * The @nth (0-based, by accel minor: readdir order is arbitrary) accel node
 * whose driver is npu: its /dev path in @node and, if @pdev is not NULL, its
 * platform device's name in @pdev.  0, -ENODEV, or -errno.
 */
int npu_node_find(int nth, char *node, size_t node_len, char *pdev,
		  size_t pdev_len);

#endif /* NPU_TESTS_NPU_NODE_H */
