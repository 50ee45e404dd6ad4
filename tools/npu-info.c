// SPDX-License-Identifier: MIT
/*
 * npu-info: every NPU on the system with its node, driver, sysfs identity,
 * capabilities and counters, as text or (--json) as a JSON document.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "npu.h"
#include "lib/device_print.h"

static void usage(FILE *out)
{
	fputs("usage: npu-info [--json] [--device PATH]\n"
	      "Shows every NPU: device node, driver, sysfs identity, capabilities\n"
	      "and performance counters.\n"
	      "  -j, --json         print one JSON document\n"
	      "  -d, --device PATH  only the NPU at PATH\n"
	      "  -V, --version      the version\n"
	      "  -h, --help         this text\n", out);
}

/* Queries one NPU and prints it; the description stays when the queries fail. */
static int show(const struct npu_device_desc *desc, const char *path, bool json)
{
	struct npu_device *dev;
	struct npu_device_info info;
	struct npu_counters counters;
	int ret, cret = -1;

	ret = npu_device_open(path, &dev);
	if (!ret) {
		ret = npu_device_query_info(dev, &info);
		if (!ret)
			cret = npu_device_query_counters(dev, &counters);
		npu_device_close(dev);
	}
	if (ret)
		fprintf(stderr, "npu-info: %s: %s\n", path, npu_strerror(ret));
	device_print(stdout, desc, ret ? NULL : &info,
		     ret || cret ? NULL : &counters,
		     json ? DEVICE_PRINT_JSON : 0);
	return ret;
}

int main(int argc, char **argv)
{
	static const struct option options[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "device", required_argument, NULL, 'd' },
		{ "version", no_argument, NULL, 'V' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct npu_device_list *list = NULL;
	const char *device = NULL;
	bool json = false;
	size_t shown = 0;
	int opt, ret, status = 0;

	while ((opt = getopt_long(argc, argv, "jd:hV", options, NULL)) != -1) {
		switch (opt) {
		case 'j':
			json = true;
			break;
		case 'd':
			device = optarg;
			break;
		case 'h':
			usage(stdout);
			return 0;
		case 'V':
			printf("npu-info (npu) %s\n", npu_version());
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind < argc) {
		usage(stderr);
		return 2;
	}

	ret = npu_device_list_create(&list);
	if (ret) {
		fprintf(stderr, "npu-info: cannot enumerate devices: %s\n",
			npu_strerror(ret));
		return 1;
	}
	if (json)
		fputs("{\"devices\":[", stdout);
	for (size_t i = 0; i < npu_device_list_count(list); i++) {
		const struct npu_device_desc *desc = npu_device_list_get(list, i);

		if (device && strcmp(device, desc->node))
			continue;
		if (shown && json)
			fputc(',', stdout);
		else if (shown)
			fputc('\n', stdout);
		if (show(desc, desc->node, json))
			status = 1;
		shown++;
	}
	/* A node given by path that udev did not list (e.g. no sysfs). */
	if (device && !shown) {
		if (show(NULL, device, json))
			status = 1;
		else
			shown++;
	}
	if (json)
		fputs("]}\n", stdout);
	npu_device_list_free(list);
	if (!shown && !device) {
		fprintf(stderr, "npu-info: no NPU found (is npu.ko loaded?)\n");
		return 1;
	}
	return status;
}
