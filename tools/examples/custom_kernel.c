// SPDX-License-Identifier: MIT
/*
 * Supplying the kernel of a custom op: custom_kernel MODEL.tflite
 *
 * A model may contain custom ops that neither TFLite nor libnpu knows
 * (here "ExampleSoftsign", y = x / (1 + |x|), after a FULLY_CONNECTED;
 * tests/ops/make_ops.py writes such a model to build/ops/examples/).
 * npu-compile places them on the CPU and names them; a run fails with
 * -NPU_ERR_NO_KERNEL until the application registers a kernel with
 * npu_model_register_kernel().  The kernel sees the op's tensors (struct
 * npu_cpu_kernel_args, npu_cpu.h): shapes, types, quantization, the raw
 * custom options, and the memory of every input and output.
 *
 * To check the result, the op is first run with a pass-through kernel
 * (registering again replaces the kernel), which shows the FULLY_CONNECTED's
 * output z; then with softsign.  Prints both and exits 0 when every output
 * is z / (1 + |z|).
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "npu.h"
#include "npu_cpu.h"
#include "npu_model.h"

/* A pass-through kernel, to see the custom op's input. */
static int identity(const struct npu_cpu_kernel_args *args, void *user)
{
	const struct npu_graph_tensor *out = &args->graph->tensors[args->op->outputs[0]];

	(void)user;
	memcpy(args->outputs[0], args->inputs[0], out->bytes);
	return 0;
}

/* The kernel: any number of float32 elements in, as many out. */
static int softsign(const struct npu_cpu_kernel_args *args, void *user)
{
	const struct npu_graph *g = args->graph;
	const struct npu_graph_tensor *in, *out;
	const float *x = args->inputs[0];
	float *y = args->outputs[0];
	unsigned int *calls = user;

	if (args->op->num_inputs != 1 || args->op->num_outputs != 1) {
		snprintf(args->err, args->errlen, "ExampleSoftsign takes one tensor");
		return -EINVAL;
	}
	in = &g->tensors[args->op->inputs[0]];
	out = &g->tensors[args->op->outputs[0]];
	if (in->type != NPU_TYPE_FLOAT32 || out->type != NPU_TYPE_FLOAT32 ||
	    in->elements != out->elements) {
		snprintf(args->err, args->errlen,
			 "ExampleSoftsign needs float32 tensors of one size");
		return -EINVAL;
	}
	for (size_t i = 0; i < in->elements; i++)
		y[i] = x[i] / (1.0f + fabsf(x[i]));
	(*calls)++;
	return 0;
}

int main(int argc, char **argv)
{
	struct npu_model_options opts = { 0 };
	struct npu_tensor_info in, out;
	struct npu_model *m = NULL;
	unsigned int calls = 0;
	const float *y;
	float z[64];
	char err[512] = "";
	size_t size;
	float x[64];
	int ret, n, status = 1;

	if (argc != 2) {
		fprintf(stderr, "usage: %s MODEL.tflite\n", argv[0]);
		return 2;
	}
	opts.err = err;
	opts.errlen = sizeof(err);
	/* No device: every op on the CPU (pass an NPU to use it too). */
	ret = npu_model_open(NULL, argv[1], &opts, &m);
	if (ret) {
		fprintf(stderr, "%s: %s\n", argv[1], err[0] ? err : npu_strerror(ret));
		return 1;
	}
	if (npu_model_input_info(m, 0, &in) || npu_model_output_info(m, 0, &out) ||
	    in.bytes > sizeof(x) || strcmp(in.type_name, "float32")) {
		fprintf(stderr, "%s: expected a small float32 input\n", argv[1]);
		goto out;
	}
	for (size_t i = 0; i < in.bytes / sizeof(float); i++)
		x[i] = (float)i / 4.0f - 2.0f;
	if (npu_model_set_input(m, 0, x, in.bytes))
		goto out;

	/* Without a kernel the run fails and names the op. */
	ret = npu_model_invoke(m);
	printf("before registering: %s (%s)\n", npu_strerror(ret), npu_model_error(m));
	if (ret != -NPU_ERR_NO_KERNEL)
		goto out;

	if (npu_model_register_kernel(m, NPU_BUILTIN_CUSTOM, "ExampleSoftsign",
				      identity, NULL) < 1 || out.bytes > sizeof(z) ||
	    npu_model_invoke(m) || npu_model_output(m, 0, (const void **)&y, &size) ||
	    size != out.bytes) {
		fprintf(stderr, "pass-through run: %s\n", npu_model_error(m));
		goto out;
	}
	memcpy(z, y, size);
	n = npu_model_register_kernel(m, NPU_BUILTIN_CUSTOM, "ExampleSoftsign",
				      softsign, &calls);
	if (n < 1) {
		fprintf(stderr, "register: %s\n", n < 0 ? npu_strerror(n) : "no such op");
		goto out;
	}
	printf("registered ExampleSoftsign for %d op(s)\n", n);
	ret = npu_model_invoke(m);
	if (ret) {
		fprintf(stderr, "invoke: %s\n", npu_model_error(m));
		goto out;
	}
	if (npu_model_output(m, 0, (const void **)&y, &size) || size != out.bytes)
		goto out;
	for (size_t i = 0; i < size / sizeof(float); i++) {
		const float want = z[i] / (1.0f + fabsf(z[i]));

		printf("z[%zu] = %+.6f  softsign %+.6f\n", i, (double)z[i], (double)y[i]);
		if (y[i] != want)
			goto out;
	}
	printf("ok: the kernel ran %u time(s)\n", calls);
	status = calls == 1 ? 0 : 1;
out:
	npu_model_close(m);
	return status;
}
