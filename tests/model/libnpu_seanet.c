// SPDX-License-Identifier: MIT
/*
 * Every SEANet golden of ../shared/models through the model runtime on the
 * NPU (run in the VM): inputs from the CSV files, outputs equal to the
 * golden CSV (SUB within +-1, as TFLM's own test), and the same bytes as a
 * CPU-only run of the same model.
 *
 * Jobs get two minutes before the driver takes them for hung: its 2 s
 * default is for silicon, not TCG on a loaded host.
 *
 * vm-test: reload --npu-param job_timeout_ms=120000 timeout=900
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "npu_model.h"
#include "tap.h"

#define SEANET "../shared/models/seanet"

static size_t element_size(const char *type_name)
{
	return !strcmp(type_name, "int16") ? 2 : !strcmp(type_name, "int32") ? 4 :
	       !strcmp(type_name, "int8") ? 1 : 0;
}

/* Reads one CSV row of integers as elements of type_name into buf. */
static bool read_csv(const char *path, const char *type_name, void *buf, size_t bytes)
{
	size_t esize = element_size(type_name);
	size_t n = 0;
	FILE *f = fopen(path, "r");
	long long v;

	if (!f || !esize) {
		if (f)
			fclose(f);
		tap_diag("%s: cannot read as %s", path, type_name);
		return false;
	}
	while (fscanf(f, " %lld ,", &v) == 1) {
		if ((n + 1) * esize > bytes) {
			n++;
			break;
		}
		if (esize == 1)
			((int8_t *)buf)[n] = (int8_t)v;
		else if (esize == 2)
			((int16_t *)buf)[n] = (int16_t)v;
		else
			((int32_t *)buf)[n] = (int32_t)v;
		n++;
	}
	fclose(f);
	if (n * esize != bytes)
		tap_diag("%s: %zu values for %zu bytes of %s", path, n, bytes, type_name);
	return n * esize == bytes;
}

static long long element(const void *buf, const char *type_name, size_t i)
{
	if (!strcmp(type_name, "int16"))
		return ((const int16_t *)buf)[i];
	if (!strcmp(type_name, "int32"))
		return ((const int32_t *)buf)[i];
	return ((const int8_t *)buf)[i];
}

/* Finds "<dir>/<name>_<what>_<type>.csv". */
static bool csv_path(char *out, size_t len, const char *dir, const char *name,
		     const char *what, const char *type_name)
{
	snprintf(out, len, "%s/%s_%s_%s.csv", dir, name, what, type_name);
	return access(out, R_OK) == 0;
}

static int run_one(struct npu_device *dev, const char *dir, const char *name, bool sub)
{
	char model_path[512], path[512];
	struct npu_model *npu = NULL, *cpu = NULL;
	struct npu_model_options cpu_opts = { .flags = NPU_MODEL_CPU_ONLY };
	int ret = 1;

	snprintf(model_path, sizeof(model_path), "%s/%s.tflite", dir, name);
	if (npu_model_open(dev, model_path, NULL, &npu) ||
	    npu_model_open(dev, model_path, &cpu_opts, &cpu)) {
		tap_fail("open failed", "%s", name);
		goto out;
	}
	for (size_t i = 0; i < npu_model_input_count(npu); i++) {
		struct npu_tensor_info info;
		char what[32];
		void *buf;
		bool ok;

		npu_model_input_info(npu, i, &info);
		snprintf(what, sizeof(what), "input%zu", i);
		if (!csv_path(path, sizeof(path), dir, name, what, info.type_name)) {
			tap_fail("no input CSV", "%s input %zu (%s)", name, i, info.type_name);
			goto out;
		}
		buf = malloc(info.bytes);
		ok = read_csv(path, info.type_name, buf, info.bytes) &&
		     !npu_model_set_input(npu, i, buf, info.bytes) &&
		     !npu_model_set_input(cpu, i, buf, info.bytes);
		free(buf);
		if (!ok) {
			tap_fail("bad input", "%s input %zu", name, i);
			goto out;
		}
	}
	if (npu_model_invoke(npu) || npu_model_invoke(cpu)) {
		tap_fail(*npu_model_error(npu) ? npu_model_error(npu) : npu_model_error(cpu),
			 "%s runs", name);
		goto out;
	}
	{
		struct npu_tensor_info info;
		const void *a, *b;
		size_t na, nb, off = 0, diffs = 0;
		void *golden;

		npu_model_output_info(npu, 0, &info);
		npu_model_output(npu, 0, &a, &na);
		npu_model_output(cpu, 0, &b, &nb);
		golden = malloc(info.bytes);
		if (!csv_path(path, sizeof(path), dir, name, "golden", info.type_name) ||
		    !read_csv(path, info.type_name, golden, info.bytes)) {
			tap_fail("no golden", "%s", name);
			free(golden);
			goto out;
		}
		for (size_t i = 0; i < info.bytes / element_size(info.type_name); i++) {
			long long d = element(a, info.type_name, i) - element(golden, info.type_name, i);

			unsigned long long ad = (unsigned long long)(d < 0 ? -d : d);

			if (d)
				diffs++;
			if (ad > off)
				off = (size_t)ad;
		}
		free(golden);
		tap_ok(na == nb && !memcmp(a, b, na), "%s: NPU (%zu segments) and CPU bytes equal",
		       name, npu_model_segment_count(npu));
		ret = !tap_ok(sub ? off <= 1 : off == 0,
			      "%s: golden %s (%zu elements differ, max off %zu)", name,
			      sub ? "within +-1" : "exact", diffs, off);
	}
out:
	npu_model_close(npu);
	npu_model_close(cpu);
	return ret;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int main(void)
{
	static const char *const ops[] = {
		"add", "conv", "leaky_relu", "pad", "quantize", "strided_slice", "sub",
		"transpose_conv",
	};
	struct npu_device *dev;
	size_t models = 0;

	if (npu_device_open(NULL, &dev))
		tap_bail("cannot open the NPU");
	for (size_t k = 0; k < sizeof(ops) / sizeof(ops[0]); k++) {
		char dir[256], *names[64];
		size_t n = 0;
		struct dirent *e;
		DIR *d;

		snprintf(dir, sizeof(dir), SEANET "/%s", ops[k]);
		d = opendir(dir);
		if (!d)
			tap_bail("%s: %s", dir, strerror(errno));
		while ((e = readdir(d)) && n < 64) {
			size_t len = strlen(e->d_name);

			if (len > 7 && !strcmp(e->d_name + len - 7, ".tflite"))
				names[n++] = strndup(e->d_name, len - 7);
		}
		closedir(d);
		qsort(names, n, sizeof(*names), by_name);
		for (size_t i = 0; i < n; i++) {
			run_one(dev, dir, names[i], !strcmp(ops[k], "sub"));
			free(names[i]);
			models++;
		}
	}
	tap_ok(models >= 25, "%zu SEANet models run", models);
	npu_device_close(dev);
	return tap_finish();
}
