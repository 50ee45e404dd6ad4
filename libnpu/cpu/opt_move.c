// SPDX-License-Identifier: MIT
/*
 * Optimized PAD (see cpu_opt.h): the firmware's npu_op_pad() moves one
 * element at a time; here the output is filled with the pad value and the
 * input's innermost rows are copied whole.  No arithmetic on values, so
 * the bytes are the same for every type; test_cpu_opt.c checks it.
 */
#include <string.h>

#include "cpu_opt.h"
#include "npu_fw.h"

#define DIMS NPU_CS_MAX_DIMS

/* @t's dims extended to DIMS by leading 1s (the firmware's fw_shape5). */
static void shape(const struct npu_tensor *t, uint32_t *d)
{
	const uint32_t lead = DIMS - t->rank;

	for (uint32_t i = 0; i < DIMS; i++)
		d[i] = i < lead ? 1 : t->dims[i - lead];
}

bool cpu_opt_pad(const struct npu_pad_params *p, const void *in, void *out)
{
	const uint32_t es = npu_dtype_size(p->input.dtype), lead = DIMS - p->input.rank;
	const uint64_t n = npu_tensor_elems(&p->output);
	uint32_t is[DIMS], os[DIMS], before[DIMS];
	size_t ost[DIMS], row, k = 0;
	uint8_t *o = out, fill[4];
	const uint8_t *src = in;

	if (!es || es > sizeof(fill) || p->input.rank > DIMS)
		return false;
	shape(&p->input, is);
	shape(&p->output, os);
	ost[DIMS - 1] = es;
	for (int i = DIMS - 2; i >= 0; i--)
		ost[i] = ost[i + 1] * os[i + 1];
	for (uint32_t i = 0; i < DIMS; i++)
		before[i] = i < lead ? 0 : p->before[i - lead];
	/* The pad value's little-endian image, as the firmware writes it. */
	for (uint32_t b = 0; b < es; b++)
		fill[b] = (uint8_t)((uint32_t)p->pad_value >> (8 * b));
	if (es == 1 || !memcmp(fill, fill + 1, es - 1)) {
		memset(o, fill[0], n * es);
	} else {
		memcpy(o, fill, es);
		/* Doubling copies: log2(n) memcpy calls. */
		for (uint64_t done = 1; done < n; done *= 2)
			memcpy(o + done * es, o, (done * 2 <= n ? done : n - done) * es);
	}
	row = (size_t)is[4] * es;
	for (uint32_t i0 = 0; i0 < is[0]; i0++)
		for (uint32_t i1 = 0; i1 < is[1]; i1++)
			for (uint32_t i2 = 0; i2 < is[2]; i2++)
				for (uint32_t i3 = 0; i3 < is[3]; i3++, k += row)
					memcpy(o + (i0 + before[0]) * ost[0] +
					       (i1 + before[1]) * ost[1] +
					       (i2 + before[2]) * ost[2] +
					       (i3 + before[3]) * ost[3] + before[4] * ost[4],
					       src + k, row);
	return true;
}
