// SPDX-License-Identifier: MIT
/* A whole classifier on libnpu's public API: npu-classify MODEL INPUT. */
#include <npu_model.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The raw input tensor: exactly the bytes the model's input needs. */
static int read_input(const char *path, size_t bytes, void **data, char *err, size_t len)
{
	FILE *f = fopen(path, "rb");
	size_t got = 0;

	*data = malloc(bytes + 1);
	if (f && *data)
		got = fread(*data, 1, bytes + 1, f);
	if (f)
		fclose(f);
	if (got == bytes)
		return 0;
	snprintf(err, len, "%s: the tensor needs %zu bytes", path, bytes);
	return -22;	/* -EINVAL */
}

int main(int argc, char **argv)
{
	struct npu_device *dev = NULL;	/* no NPU: the model runs on the CPU */
	struct npu_model *model = NULL;
	struct npu_tensor_info in, out;
	const uint8_t *score;
	size_t n, best = 0;
	char err[256] = "";
	void *data = NULL;
	int ret, flip;

	if (argc != 3)
		return fprintf(stderr, "usage: npu-classify MODEL INPUT.bin\n"), 2;
	npu_device_open(NULL, &dev);
	if ((ret = npu_model_open(dev, argv[1], NULL, &model)) ||
	    (ret = npu_model_input_info(model, 0, &in)) ||
	    (ret = read_input(argv[2], in.bytes, &data, err, sizeof(err))) ||
	    (ret = npu_model_set_input(model, 0, data, in.bytes)) ||
	    (ret = npu_model_invoke(model)) || (ret = npu_model_output_info(model, 0, &out)) ||
	    (ret = npu_model_output(model, 0, (const void **)&score, &n))) {
		fprintf(stderr, "npu-classify: %s: %s\n", npu_strerror(ret),
			*err ? err : model ? npu_model_error(model) : argv[1]);
	} else {
		flip = strcmp(out.type_name, "int8") ? 0 : 0x80;	/* int8 orders as uint8 ^ 0x80 */
		for (size_t i = 1; i < n; i++)
			if ((score[i] ^ flip) > (score[best] ^ flip))
				best = i;
		printf("class %zu (%s)\n", best, dev ? npu_device_path(dev) : "CPU");
	}
	free(data);
	npu_model_close(model);
	npu_device_close(dev);
	return ret ? 1 : 0;
}
