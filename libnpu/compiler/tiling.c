// SPDX-License-Identifier: MIT
/*
 * Row-stripe cascades (Documentation/compiler.rst, "SRAM"): a pointwise
 * CONV_2D (1x1, stride 1, no padding) whose output only a following
 * window op (DEPTHWISE_CONV_2D, CONV_2D) reads, and which is too large for
 * the SRAM, is computed a band of rows at a time into one SRAM stripe
 * buffer, each band consumed at once by the window op's band of output
 * rows.  The halo rows two bands share are computed twice (recompute, not
 * kept): a 1x1 conv's row depends on one input row only, so every band is
 * the same arithmetic as the whole, and so is the window op's band with its
 * top padding shifted as the firmware's own row tiles do (fw_run.c).
 */
#include "compiler_internal.h"
#include "npu_cmdstream.h"
#include "npu_cpu.h"
#include "npu_fw.h"

/* Stripe buffers at most this large: room for the rest of the plan. */
#define STRIPE_BYTES	(128u * 1024u)

bool npu_cascade_producer(const struct npu_cpu_prepared *prep)
{
	const struct npu_conv_params *p;

	if (!prep || prep->num_cmds != 1 || prep->cmds[0].opcode != NPU_CMD_CONV_2D)
		return false;
	p = &prep->cmds[0].params.conv;
	return p->filter.dims[1] == 1 && p->filter.dims[2] == 1 && p->stride_h == 1 &&
	       p->stride_w == 1 && p->pad_top == 0 && p->pad_left == 0 &&
	       p->input.dims[0] == 1 && p->output.dims[1] == p->input.dims[1] &&
	       p->output.dims[2] == p->input.dims[2] &&
	       p->filter.dims[3] == p->input.dims[3];
}

bool npu_cascade_consumer(const struct npu_cpu_prepared *prep)
{
	const struct npu_conv_params *p;

	if (!prep || prep->num_cmds != 1 || prep->cmds[0].input != 0 ||
	    (prep->cmds[0].opcode != NPU_CMD_DEPTHWISE_CONV_2D &&
	     prep->cmds[0].opcode != NPU_CMD_CONV_2D))
		return false;
	p = &prep->cmds[0].params.conv;
	return p->input.dims[0] == 1 && p->dilation_h == 1;
}

/* Input rows a band of @rows output rows needs at most. */
static uint32_t band_in_rows(const struct npu_conv_params *b, uint32_t rows)
{
	uint32_t need = (rows - 1) * b->stride_h + b->filter.dims[1];

	return need < b->input.dims[1] ? need : b->input.dims[1];
}

uint32_t npu_cascade_rows(const struct npu_cpu_prepared *consumer, uint64_t *stripe_bytes)
{
	const struct npu_conv_params *b = &consumer->cmds[0].params.conv;
	const uint64_t row = npu_tensor_bytes(&b->input) / b->input.dims[1];
	uint32_t rows = b->output.dims[1];

	while (rows > 1 && band_in_rows(b, rows) * row > STRIPE_BYTES)
		rows--;
	*stripe_bytes = band_in_rows(b, rows) * row;
	return rows;
}

/*
 * Band @k of @rows output rows of the consumer: the producer's command on
 * the input rows the band needs (@a, its input @a_in_addend bytes into
 * the producer's input) and the consumer's on them (@b, its output
 * @b_out_addend bytes into the consumer's output).  Returns false past the
 * last band.
 */
bool npu_cascade_band(const struct npu_cpu_cmd *producer, const struct npu_cpu_cmd *consumer,
		      uint32_t rows, uint32_t k, struct npu_cpu_cmd *a, uint64_t *a_in_addend,
		      struct npu_cpu_cmd *b, uint64_t *b_out_addend)
{
	const struct npu_conv_params *pb = &consumer->params.conv;
	const struct npu_conv_params *pa = &producer->params.conv;
	const uint32_t oh = pb->output.dims[1], r0 = k * rows;
	const int64_t y0 = (int64_t)r0 * pb->stride_h - pb->pad_top;
	uint32_t n, t0, t1;
	int64_t last;

	if (r0 >= oh)
		return false;
	n = oh - r0 < rows ? oh - r0 : rows;
	t0 = y0 > 0 ? (uint32_t)y0 : 0;
	last = y0 + (int64_t)(n - 1) * pb->stride_h + pb->filter.dims[1];
	t1 = last < pb->input.dims[1] ? (uint32_t)last : pb->input.dims[1];

	*a = *producer;
	a->params.conv.input.dims[1] = t1 - t0;
	a->params.conv.output.dims[1] = t1 - t0;
	*a_in_addend = (uint64_t)t0 * pa->input.dims[2] * pa->input.dims[3] *
		       npu_dtype_size(pa->input.dtype);

	*b = *consumer;
	b->params.conv.input.dims[1] = t1 - t0;
	b->params.conv.output.dims[1] = n;
	b->params.conv.pad_top = (uint16_t)(y0 < 0 ? -y0 : 0);
	*b_out_addend = (uint64_t)r0 * pb->output.dims[2] * pb->output.dims[3] *
			npu_dtype_size(pb->output.dtype);
	return true;
}
