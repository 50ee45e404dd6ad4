/* SPDX-License-Identifier: MIT */
/*
 * The decisions device discovery makes, kept free of libudev so the host
 * tests can check them without a device.
 */
#ifndef NPU_DISCOVERY_MATCH_H
#define NPU_DISCOVERY_MATCH_H

#include <stdbool.h>

/*
 * A device is an NPU when its parent is bound to our driver and it is the
 * accel node (kernels with CONFIG_DRM_ACCEL) or the DRM render node
 * renderDN (kernels without, where npu.ko registers a render-only driver).
 */
bool npu_discovery_is_npu(const char *subsystem, const char *sysname,
			  const char *parent_driver);

/*
 * Whether a sysfs attribute of the accel device or its parent describes
 * the device's identity (model, revision, ...), as opposed to the generic
 * attributes every device has (uevent, power, driver_override, ...).
 */
bool npu_discovery_identity_attr(const char *name);

/* Values worth showing: one printable line of bounded length. */
bool npu_discovery_attr_value_ok(const char *value);

/*
 * Orders device nodes naturally: /dev/accel/accel2 before accel10.
 * (Both kinds never appear together: the driver registers one.)
 * strcmp()-style result.
 */
int npu_discovery_node_cmp(const char *a, const char *b);

#endif /* NPU_DISCOVERY_MATCH_H */
