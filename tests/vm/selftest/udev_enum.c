// SPDX-License-Identifier: MIT
/*
 * Harness self-test helper: lists the devices of one subsystem through
 * libudev, the way libnpu finds /dev/accel/accel*, to show that enumeration
 * works in the guest from sysfs alone (no udevd there).
 *
 * usage: udev_enum SUBSYSTEM    prints "devnode syspath" per device;
 *                               exit 0 when at least one has a devnode
 */
#include <libudev.h>
#include <stdio.h>

int main(int argc, char **argv)
{
	struct udev *udev;
	struct udev_enumerate *en;
	struct udev_list_entry *e;
	int found = 0;

	if (argc != 2) {
		fprintf(stderr, "usage: %s SUBSYSTEM\n", argv[0]);
		return 2;
	}
	udev = udev_new();
	if (!udev)
		return 1;
	en = udev_enumerate_new(udev);
	if (!en || udev_enumerate_add_match_subsystem(en, argv[1]) < 0 ||
	    udev_enumerate_scan_devices(en) < 0) {
		fprintf(stderr, "udev_enum: enumeration failed\n");
		return 1;
	}
	udev_list_entry_foreach(e, udev_enumerate_get_list_entry(en)) {
		const char *path = udev_list_entry_get_name(e);
		struct udev_device *dev = udev_device_new_from_syspath(udev, path);
		const char *node = dev ? udev_device_get_devnode(dev) : NULL;

		printf("%s %s\n", node ? node : "-", path);
		found += node != NULL;
		udev_device_unref(dev);
	}
	udev_enumerate_unref(en);
	udev_unref(udev);
	return found ? 0 : 1;
}
