// SPDX-License-Identifier: MIT
/* Pure matching rules of device discovery (see discovery_match.h). */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "device_priv.h"
#include "discovery_match.h"

#define NPU_ATTR_VALUE_MAX 256

bool npu_discovery_is_npu(const char *subsystem, const char *sysname,
			  const char *parent_driver)
{
	if (!subsystem || !sysname || !parent_driver ||
	    strcmp(parent_driver, NPU_DRIVER_NAME))
		return false;
	/* The render node only: the primary node (cardN) is for DRM masters. */
	return !strcmp(subsystem, "accel") ||
	       (!strcmp(subsystem, "drm") && !strncmp(sysname, "renderD", 7));
}

bool npu_discovery_identity_attr(const char *name)
{
	/* Attributes the driver core or the bus adds to every device. */
	static const char *const generic[] = {
		"uevent", "dev", "modalias", "driver_override", "subsystem",
		"driver", "power", "of_node", "firmware_node", "device",
		"waiting_for_supplier", "numa_node", "dev_id", "dev_port",
		"consumers", "suppliers", "devnum", "irq", "resource",
	};

	if (!name || !*name || strchr(name, '/'))
		return false;
	for (size_t i = 0; i < sizeof(generic) / sizeof(generic[0]); i++)
		if (!strcmp(name, generic[i]))
			return false;
	/* Device links (consumer:..., supplier:...) and power state. */
	if (!strncmp(name, "consumer:", 9) || !strncmp(name, "supplier:", 9) ||
	    !strncmp(name, "power_", 6))
		return false;
	return true;
}

bool npu_discovery_attr_value_ok(const char *value)
{
	size_t len;

	if (!value)
		return false;
	len = strlen(value);
	if (!len || len > NPU_ATTR_VALUE_MAX)
		return false;
	for (size_t i = 0; i < len; i++)
		if (!isprint((unsigned char)value[i]))
			return false;
	return true;
}

int npu_discovery_node_cmp(const char *a, const char *b)
{
	while (*a && *b) {
		if (isdigit((unsigned char)*a) && isdigit((unsigned char)*b)) {
			char *ea, *eb;
			unsigned long long na = strtoull(a, &ea, 10);
			unsigned long long nb = strtoull(b, &eb, 10);

			if (na != nb)
				return na < nb ? -1 : 1;
			a = ea;
			b = eb;
			continue;
		}
		if (*a != *b)
			return (unsigned char)*a < (unsigned char)*b ? -1 : 1;
		a++;
		b++;
	}
	return *a ? 1 : *b ? -1 : 0;
}
