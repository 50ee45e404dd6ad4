// SPDX-License-Identifier: MIT
/*
 * Finding NPUs with libudev: accel-class devices (or DRM render nodes, on
 * kernels without CONFIG_DRM_ACCEL) whose parent is bound to the npu driver, with the identity attributes sysfs exposes for them.
 * Works without a udev daemon (libudev reads sysfs directly), as in the
 * test VM and on minimal boards.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <libudev.h>

#include "discovery_match.h"
#include "npu.h"

struct npu_device_list {
	size_t count;
	size_t capacity;
	struct npu_device_desc *descs;
};

static char *dup_or_empty(const char *s)
{
	return strdup(s ? s : "");
}

static void free_desc(struct npu_device_desc *d)
{
	free((char *)d->node);
	free((char *)d->syspath);
	free((char *)d->driver);
	free((char *)d->parent);
	for (size_t i = 0; i < d->attr_count; i++) {
		free((char *)d->attrs[i].name);
		free((char *)d->attrs[i].value);
	}
	free((struct npu_attr *)d->attrs);
}

static int attr_cmp(const void *a, const void *b)
{
	return strcmp(((const struct npu_attr *)a)->name,
		      ((const struct npu_attr *)b)->name);
}

static int desc_cmp(const void *a, const void *b)
{
	return npu_discovery_node_cmp(((const struct npu_device_desc *)a)->node,
				      ((const struct npu_device_desc *)b)->node);
}

static bool has_attr(const struct npu_attr *attrs, size_t count, const char *name)
{
	for (size_t i = 0; i < count; i++)
		if (!strcmp(attrs[i].name, name))
			return true;
	return false;
}

/* Appends the identity attributes of one sysfs device to desc. */
static int add_attrs(struct npu_device_desc *desc, size_t *capacity,
		     struct udev_device *dev)
{
	struct udev_list_entry *entry;

	udev_list_entry_foreach(entry, udev_device_get_sysattr_list_entry(dev)) {
		const char *name = udev_list_entry_get_name(entry);
		struct npu_attr *attrs = (struct npu_attr *)desc->attrs;
		const char *value;

		if (!npu_discovery_identity_attr(name) ||
		    has_attr(attrs, desc->attr_count, name))
			continue;
		value = udev_device_get_sysattr_value(dev, name);
		if (!npu_discovery_attr_value_ok(value))
			continue;
		if (desc->attr_count == *capacity) {
			size_t n = *capacity ? *capacity * 2 : 8;

			attrs = realloc(attrs, n * sizeof(*attrs));
			if (!attrs)
				return -ENOMEM;
			desc->attrs = attrs;
			*capacity = n;
		}
		attrs[desc->attr_count].name = strdup(name);
		attrs[desc->attr_count].value = strdup(value);
		desc->attr_count++;
		if (!attrs[desc->attr_count - 1].name ||
		    !attrs[desc->attr_count - 1].value)
			return -ENOMEM;
	}
	return 0;
}

static int describe(struct udev_device *dev, struct udev_device *parent,
		    struct npu_device_desc *desc)
{
	size_t capacity = 0;
	int ret;

	desc->node = dup_or_empty(udev_device_get_devnode(dev));
	desc->syspath = dup_or_empty(udev_device_get_syspath(dev));
	desc->driver = dup_or_empty(udev_device_get_driver(parent));
	desc->parent = dup_or_empty(udev_device_get_sysname(parent));
	if (!desc->node || !desc->syspath || !desc->driver || !desc->parent)
		return -ENOMEM;
	ret = add_attrs(desc, &capacity, dev);
	if (!ret)
		ret = add_attrs(desc, &capacity, parent);
	if (ret)
		return ret;
	if (desc->attr_count)
		qsort((struct npu_attr *)desc->attrs, desc->attr_count,
		      sizeof(*desc->attrs), attr_cmp);
	return 0;
}

static int add_device(struct npu_device_list *list, struct udev_device *dev)
{
	struct udev_device *parent = udev_device_get_parent(dev);
	struct npu_device_desc *desc;

	if (!parent || !udev_device_get_devnode(dev) ||
	    !npu_discovery_is_npu(udev_device_get_subsystem(dev),
				  udev_device_get_sysname(dev),
				  udev_device_get_driver(parent)))
		return 0;
	if (list->count == list->capacity) {
		size_t n = list->capacity ? list->capacity * 2 : 4;
		struct npu_device_desc *d = realloc(list->descs, n * sizeof(*d));

		if (!d)
			return -ENOMEM;
		list->descs = d;
		list->capacity = n;
	}
	desc = &list->descs[list->count++];
	memset(desc, 0, sizeof(*desc));
	return describe(dev, parent, desc);
}

static int scan(struct udev *udev, struct npu_device_list *list)
{
	struct udev_enumerate *en = udev_enumerate_new(udev);
	struct udev_list_entry *entry;
	int ret;

	if (!en)
		return -ENOMEM;
	/* Subsystem matches are ORed: accel nodes and DRM render nodes. */
	ret = udev_enumerate_add_match_subsystem(en, "accel");
	if (!ret)
		ret = udev_enumerate_add_match_subsystem(en, "drm");
	if (!ret)
		ret = udev_enumerate_scan_devices(en);
	udev_list_entry_foreach(entry, ret ? NULL : udev_enumerate_get_list_entry(en)) {
		struct udev_device *dev = udev_device_new_from_syspath(
			udev, udev_list_entry_get_name(entry));

		/* Gone between the scan and now: not an error. */
		if (!dev)
			continue;
		ret = add_device(list, dev);
		udev_device_unref(dev);
		if (ret)
			break;
	}
	udev_enumerate_unref(en);
	return ret;
}

int npu_device_list_create(struct npu_device_list **out)
{
	struct npu_device_list *list;
	struct udev *udev;
	int ret;

	if (!out)
		return -EINVAL;
	*out = NULL;
	list = calloc(1, sizeof(*list));
	if (!list)
		return -ENOMEM;
	udev = udev_new();
	if (!udev) {
		free(list);
		return -ENOMEM;
	}
	ret = scan(udev, list);
	udev_unref(udev);
	if (ret) {
		npu_device_list_free(list);
		return ret;
	}
	if (list->count)
		qsort(list->descs, list->count, sizeof(*list->descs), desc_cmp);
	*out = list;
	return 0;
}

size_t npu_device_list_count(const struct npu_device_list *list)
{
	return list ? list->count : 0;
}

const struct npu_device_desc *
npu_device_list_get(const struct npu_device_list *list, size_t index)
{
	return list && index < list->count ? &list->descs[index] : NULL;
}

void npu_device_list_free(struct npu_device_list *list)
{
	if (!list)
		return;
	for (size_t i = 0; i < list->count; i++)
		free_desc(&list->descs[i]);
	free(list->descs);
	free(list);
}
