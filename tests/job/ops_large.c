// SPDX-License-Identifier: MIT
/*
 * Large operands on the simulated NPU equal the firmware host library.
 *
 * The random-job generator (tests/job/ops_random) keeps shapes small;
 * these 19 hand-made jobs, one or two per opcode, move megabytes: hundreds
 * of pages per operand, 1 MiB of weights, a 3 MiB copy, working sets
 * larger than the 1 MiB SRAM.  Inputs, weights, multipliers and biases
 * sit in a device-read-only buffer, the output in another buffer (listed
 * read and write, as the runtime lays models out); the expectation is
 * npu_fw_run() on the host over the same three address ranges.  The output,
 * a page of guard bytes after it, the untouched read-only buffer, the job
 * statistics (against npu_fw_estimate_stream) and the device counters are
 * checked; a case whose output hardly varies (saturated multipliers) is a
 * failure of the test itself.
 *
 * The driver's 2 s job timeout is a hang detector for silicon; a 3 MiB
 * COPY under TCG on a loaded host took longer and was reset (-ETIMEDOUT).
 * Legitimate jobs here get two minutes.
 *
 * vm-test: reload --npu-param job_timeout_ms=120000
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xf86drm.h>

#include "drm/npu_accel.h"
#include "npu_cmdstream.h"
#include "npu_fw.h"
#include "../../firmware/host/npu_fw_host.h"
#include "lib/job_util.h"
#include "tap.h"

#define BIG_IN		(4u << 20)
#define BIG_OUT		(4u << 20)

struct big {
	int fd;
	uint32_t in, out, cmd, stats, sync;
	uint64_t in_va, out_va, cmd_va;
	uint8_t *in_map, *out_map, *cmd_map;
	struct drm_npu_job_stats *stats_map;
	/* the case being built */
	uint64_t seed;
	uint32_t in_off;
	union npu_cmd_params p;
	uint32_t out_size;
};

static uint32_t big_rnd(struct big *b)
{
	b->seed ^= b->seed >> 12;
	b->seed ^= b->seed << 25;
	b->seed ^= b->seed >> 27;
	return (uint32_t)((b->seed * 0x2545f4914f6cdd1dull) >> 32);
}

/* Random input bytes in the read-only buffer; returns the NPU address. */
static uint64_t big_in(struct big *b, uint32_t bytes, int fill)
{
	uint64_t va = b->in_va + b->in_off;
	uint32_t i;

	if (fill)
		for (i = 0; i < bytes; i++)
			b->in_map[b->in_off + i] = (uint8_t)big_rnd(b);
	b->in_off += (bytes + 63) & ~63u;
	return va;
}

static void big_tensor_in(struct big *b, struct npu_tensor *t, uint8_t dtype,
			  int32_t zp, uint32_t rank, const uint32_t *dims)
{
	npu_tensor_set(t, 0, dtype, zp, rank, dims);
	t->addr = big_in(b, (uint32_t)npu_tensor_bytes(t), 1);
}

static void big_tensor_out(struct big *b, struct npu_tensor *t, uint8_t dtype,
			   int32_t zp, uint32_t rank, const uint32_t *dims)
{
	npu_tensor_set(t, b->out_va, dtype, zp, rank, dims);
	b->out_size = (uint32_t)npu_tensor_bytes(t);
}

/* Per-channel requantization around @real (TFLite's multipliers), with
 * a bias of @bias_es bytes per channel. */
static void big_requant(struct big *b, struct npu_requant *rq, uint32_t ch,
			double real, uint32_t bias_es, int64_t bias_max)
{
	int32_t *mult, *shift;
	uint32_t c;

	memset(rq, 0, sizeof(*rq));
	rq->count = ch;
	rq->mult_addr = big_in(b, ch * 4, 0);
	rq->shift_addr = big_in(b, ch * 4, 0);
	mult = (int32_t *)(b->in_map + (rq->mult_addr - b->in_va));
	shift = (int32_t *)(b->in_map + (rq->shift_addr - b->in_va));
	for (c = 0; c < ch; c++) {
		int s;

		npu_host_quantize_multiplier(real * (0.75 + (big_rnd(b) % 512) / 1024.0),
					     &mult[c], &s);
		shift[c] = s;
	}
	rq->flags = NPU_RQ_HAS_BIAS;
	rq->bias_addr = big_in(b, ch * bias_es, 0);
	for (c = 0; c < ch; c++) {
		int64_t v = (int64_t)(big_rnd(b) % (2 * (uint64_t)bias_max + 1)) -
			    bias_max;

		memcpy(b->in_map + (rq->bias_addr - b->in_va) + c * bias_es, &v,
		       bias_es);
	}
}

/* Conv-like: accumulator of @taps products of random int8 x int8 (or
 * int16 x int8) has a standard deviation of about 74 * 74 * sqrt(taps)
 * (x 256 for int16); aim the output at a third of the type's range. */
static double acc_scale(uint32_t taps, int s16)
{
	double sd = 74.0 * 74.0 * sqrt((double)taps) * (s16 ? 256 : 1);

	return (s16 ? 10000.0 : 40.0) / sd;
}

enum big_case {
	BIG_CONV_S8, BIG_CONV_S16, BIG_DW_S8, BIG_TCONV_S8, BIG_FC_S8,
	BIG_FC_S16, BIG_ADD_S8, BIG_MUL_S16, BIG_AVG_S8, BIG_MAX_S16,
	BIG_MEAN_S8, BIG_PAD_S16, BIG_TRANSPOSE_S8, BIG_CONCAT_S32,
	BIG_SLICE_U8, BIG_COPY, BIG_LUT_S16, BIG_LEAKY_S8, BIG_RELU_S16,
	BIG_RESIZE_BL_S8, BIG_RESIZE_NN_S16,
	BIG_COUNT
};

/* Fills the parameters of @c; returns the opcode and a description. */
static uint32_t big_build(struct big *b, enum big_case c, const char **what)
{
	const uint8_t s8 = NPU_DTYPE_INT8, s16 = NPU_DTYPE_INT16;

	memset(&b->p, 0, sizeof(b->p));
	b->in_off = 0;
	switch (c) {
	case BIG_CONV_S8: {
		struct npu_conv_params *p = &b->p.conv;

		*what = "int8 [1,40,40,32] 3x3 SAME -> 32";
		big_tensor_in(b, &p->input, s8, -7, 4, (uint32_t[]){ 1, 40, 40, 32 });
		big_tensor_in(b, &p->filter, s8, 0, 4, (uint32_t[]){ 32, 3, 3, 32 });
		big_requant(b, &p->rq, 32, acc_scale(288, 0), 4, 30000);
		big_tensor_out(b, &p->output, s8, 5, 4, (uint32_t[]){ 1, 40, 40, 32 });
		p->stride_h = p->stride_w = p->dilation_h = p->dilation_w = 1;
		p->pad_top = p->pad_left = 1;
		p->act_min = -128;
		p->act_max = 127;
		return NPU_CMD_CONV_2D;
	}
	case BIG_CONV_S16: {
		struct npu_conv_params *p = &b->p.conv;

		*what = "16x8 [1,31,29,16] 5x5 stride 2 dilation 2 -> 24";
		big_tensor_in(b, &p->input, s16, 0, 4, (uint32_t[]){ 1, 31, 29, 16 });
		big_tensor_in(b, &p->filter, s8, 0, 4, (uint32_t[]){ 24, 5, 5, 16 });
		big_requant(b, &p->rq, 24, acc_scale(400, 1), 8, 4000000);
		/* SAME: out = ceil(in / 2); effective kernel 9 */
		big_tensor_out(b, &p->output, s16, 0, 4, (uint32_t[]){ 1, 16, 15, 24 });
		p->stride_h = p->stride_w = 2;
		p->dilation_h = p->dilation_w = 2;
		p->pad_top = 4;		/* ((16-1)*2 + 9 - 31) / 2 */
		p->pad_left = 4;	/* ((15-1)*2 + 9 - 29) / 2 */
		p->act_min = -20000;
		p->act_max = 32767;
		return NPU_CMD_CONV_2D;
	}
	case BIG_DW_S8: {
		struct npu_conv_params *p = &b->p.conv;

		*what = "int8 [1,64,64,32] 3x3 x2 VALID";
		big_tensor_in(b, &p->input, s8, 3, 4, (uint32_t[]){ 1, 64, 64, 32 });
		big_tensor_in(b, &p->filter, s8, 0, 4, (uint32_t[]){ 1, 3, 3, 64 });
		big_requant(b, &p->rq, 64, acc_scale(9, 0), 4, 3000);
		big_tensor_out(b, &p->output, s8, -3, 4, (uint32_t[]){ 1, 62, 62, 64 });
		p->stride_h = p->stride_w = p->dilation_h = p->dilation_w = 1;
		p->depth_multiplier = 2;
		p->act_min = 0;		/* fused ReLU */
		p->act_max = 127;
		return NPU_CMD_DEPTHWISE_CONV_2D;
	}
	case BIG_TCONV_S8: {
		struct npu_conv_params *p = &b->p.conv;

		*what = "int8 [1,16,16,16] 3x3 stride 2 -> [1,32,32,16]";
		big_tensor_in(b, &p->input, s8, 1, 4, (uint32_t[]){ 1, 16, 16, 16 });
		big_tensor_in(b, &p->filter, s8, 0, 4, (uint32_t[]){ 16, 3, 3, 16 });
		big_requant(b, &p->rq, 16, acc_scale(64, 0), 4, 20000);
		big_tensor_out(b, &p->output, s8, 0, 4, (uint32_t[]){ 1, 32, 32, 16 });
		p->stride_h = p->stride_w = 2;
		p->dilation_h = p->dilation_w = 1;
		p->pad_top = p->pad_left = 0;
		p->act_min = -128;
		p->act_max = 127;
		return NPU_CMD_TRANSPOSE_CONV;
	}
	case BIG_FC_S8: {
		struct npu_fc_params *p = &b->p.fc;

		*what = "int8 [4,2048] x [512,2048] (1 MiB of weights)";
		big_tensor_in(b, &p->input, s8, 12, 2, (uint32_t[]){ 4, 2048 });
		big_tensor_in(b, &p->filter, s8, 3, 2, (uint32_t[]){ 512, 2048 });
		big_requant(b, &p->rq, 512, acc_scale(2048, 0), 4, 100000);
		big_tensor_out(b, &p->output, s8, -1, 2, (uint32_t[]){ 4, 512 });
		p->act_min = -128;
		p->act_max = 127;
		return NPU_CMD_FULLY_CONNECTED;
	}
	case BIG_FC_S16: {
		struct npu_fc_params *p = &b->p.fc;

		*what = "16x8 [3,1000] x [300,1000]";
		big_tensor_in(b, &p->input, s16, 0, 2, (uint32_t[]){ 3, 1000 });
		big_tensor_in(b, &p->filter, s8, 0, 2, (uint32_t[]){ 300, 1000 });
		big_requant(b, &p->rq, 300, acc_scale(1000, 1), 8, 40000000);
		big_tensor_out(b, &p->output, s16, 0, 2, (uint32_t[]){ 3, 300 });
		p->act_min = -32768;
		p->act_max = 32767;
		return NPU_CMD_FULLY_CONNECTED;
	}
	case BIG_ADD_S8: {
		struct npu_eltwise_params *p = &b->p.eltwise;

		*what = "int8 [1,128,128,16] + [1,1,128,16]";
		big_tensor_in(b, &p->input1, s8, 10, 4, (uint32_t[]){ 1, 128, 128, 16 });
		big_tensor_in(b, &p->input2, s8, -20, 4, (uint32_t[]){ 1, 1, 128, 16 });
		big_tensor_out(b, &p->output, s8, 4, 4, (uint32_t[]){ 1, 128, 128, 16 });
		npu_host_add_sub_params(0.05f, 0.03f, 0.07f, s8, p);
		p->act_min = -128;
		p->act_max = 127;
		return NPU_CMD_ADD;
	}
	case BIG_MUL_S16: {
		struct npu_eltwise_params *p = &b->p.eltwise;

		*what = "int16 [2,64,64,8] * [2,64,1,8]";
		big_tensor_in(b, &p->input1, s16, 0, 4, (uint32_t[]){ 2, 64, 64, 8 });
		big_tensor_in(b, &p->input2, s16, 0, 4, (uint32_t[]){ 2, 64, 1, 8 });
		big_tensor_out(b, &p->output, s16, 0, 4, (uint32_t[]){ 2, 64, 64, 8 });
		npu_host_mul_params(1.0f / 4096, 1.0f / 4096, 1.0f / 512, p);
		p->act_min = -32768;
		p->act_max = 32767;
		return NPU_CMD_MUL;
	}
	case BIG_AVG_S8: {
		struct npu_pool_params *p = &b->p.pool;

		*what = "int8 [1,96,96,16] 3x3 stride 2 SAME";
		big_tensor_in(b, &p->input, s8, 9, 4, (uint32_t[]){ 1, 96, 96, 16 });
		big_tensor_out(b, &p->output, s8, 9, 4, (uint32_t[]){ 1, 48, 48, 16 });
		p->filter_h = p->filter_w = 3;
		p->stride_h = p->stride_w = 2;
		p->pad_top = p->pad_left = 0;	/* ((48-1)*2 + 3 - 96) / 2 */
		p->act_min = -128;
		p->act_max = 127;
		return NPU_CMD_AVERAGE_POOL_2D;
	}
	case BIG_MAX_S16: {
		struct npu_pool_params *p = &b->p.pool;

		*what = "int16 [1,64,64,16] 2x2 stride 2";
		big_tensor_in(b, &p->input, s16, 0, 4, (uint32_t[]){ 1, 64, 64, 16 });
		big_tensor_out(b, &p->output, s16, 0, 4, (uint32_t[]){ 1, 32, 32, 16 });
		p->filter_h = p->filter_w = 2;
		p->stride_h = p->stride_w = 2;
		p->act_min = -32768;
		p->act_max = 30000;
		return NPU_CMD_MAX_POOL_2D;
	}
	case BIG_MEAN_S8: {
		struct npu_mean_params *p = &b->p.mean;

		*what = "int8 [2,48,48,32] over H, W";
		big_tensor_in(b, &p->input, s8, -4, 4, (uint32_t[]){ 2, 48, 48, 32 });
		big_tensor_out(b, &p->output, s8, 2, 4, (uint32_t[]){ 2, 1, 1, 32 });
		npu_host_mean_params(0.1f, 0.02f, 48 * 48, p);
		p->axis_mask = 0x6;
		return NPU_CMD_MEAN;
	}
	case BIG_PAD_S16: {
		struct npu_pad_params *p = &b->p.pad;

		*what = "int16 [1,100,100,8] + (0,2,3,0)/(0,1,4,0)";
		big_tensor_in(b, &p->input, s16, 0, 4, (uint32_t[]){ 1, 100, 100, 8 });
		big_tensor_out(b, &p->output, s16, 0, 4, (uint32_t[]){ 1, 103, 107, 8 });
		p->before[1] = 2;
		p->before[2] = 3;
		p->pad_value = -1234;
		return NPU_CMD_PAD;
	}
	case BIG_TRANSPOSE_S8: {
		struct npu_transpose_params *p = &b->p.transpose;

		*what = "int8 [64,96,128] perm (2,0,1)";
		big_tensor_in(b, &p->input, s8, 0, 3, (uint32_t[]){ 64, 96, 128 });
		big_tensor_out(b, &p->output, s8, 0, 3, (uint32_t[]){ 128, 64, 96 });
		p->perm[0] = 2;
		p->perm[1] = 0;
		p->perm[2] = 1;
		return NPU_CMD_TRANSPOSE;
	}
	case BIG_CONCAT_S32: {
		struct npu_concat_params *p = &b->p.concat;

		*what = "int32 [1,64,64,16] at 16 of [1,64,64,48]";
		big_tensor_in(b, &p->input, NPU_DTYPE_INT32, 0, 4,
			      (uint32_t[]){ 1, 64, 64, 16 });
		big_tensor_out(b, &p->output, NPU_DTYPE_INT32, 0, 4,
			       (uint32_t[]){ 1, 64, 64, 48 });
		p->axis = 3;
		p->offset = 16;
		return NPU_CMD_CONCAT;
	}
	case BIG_SLICE_U8: {
		struct npu_slice_params *p = &b->p.slice;

		*what = "uint8 [1,256,256,4] [0,255:-2,0:3,3:-1]";
		big_tensor_in(b, &p->input, NPU_DTYPE_UINT8, 0, 4,
			      (uint32_t[]){ 1, 256, 256, 4 });
		big_tensor_out(b, &p->output, NPU_DTYPE_UINT8, 0, 4,
			       (uint32_t[]){ 1, 128, 86, 4 });
		p->begin[1] = 255;
		p->begin[3] = 3;
		p->strides[0] = 1;
		p->strides[1] = -2;
		p->strides[2] = 3;
		p->strides[3] = -1;
		return NPU_CMD_STRIDED_SLICE;
	}
	case BIG_COPY: {
		struct npu_copy_params *p = &b->p.copy;

		*what = "int8 [3,1024,1024] -> [768,4096] (3 MiB)";
		big_tensor_in(b, &p->input, s8, 0, 3, (uint32_t[]){ 3, 1024, 1024 });
		big_tensor_out(b, &p->output, s8, 0, 2, (uint32_t[]){ 768, 4096 });
		return NPU_CMD_COPY;
	}
	case BIG_LUT_S16: {
		struct npu_lut_params *p = &b->p.lut;
		int16_t table[513];

		*what = "int16 [1,128,128,8] logistic table";
		big_tensor_in(b, &p->input, s16, 0, 4, (uint32_t[]){ 1, 128, 128, 8 });
		npu_host_lut_s16(8.0f / 32768, 0, 1.0f / 32768, 0,
				 npu_host_logistic, table);
		p->table_addr = big_in(b, sizeof(table), 0);
		memcpy(b->in_map + (p->table_addr - b->in_va), table,
		       sizeof(table));
		big_tensor_out(b, &p->output, s16, 0, 4, (uint32_t[]){ 1, 128, 128, 8 });
		p->function = NPU_LUT_LOGISTIC;
		return NPU_CMD_LUT;
	}
	case BIG_LEAKY_S8: {
		struct npu_leaky_relu_params *p = &b->p.leaky_relu;

		*what = "int8 [1,256,256,8] alpha 0.2";
		big_tensor_in(b, &p->input, s8, 6, 4, (uint32_t[]){ 1, 256, 256, 8 });
		big_tensor_out(b, &p->output, s8, -6, 4, (uint32_t[]){ 1, 256, 256, 8 });
		npu_host_leaky_relu_params(0.04f, 0.03f, 0.2f, p);
		return NPU_CMD_LEAKY_RELU;
	}
	case BIG_RELU_S16: {
		struct npu_relu_params *p = &b->p.relu;
		int shift;

		*what = "int16 [1,256,256,8] RELU6 0.04 -> 0.03";
		big_tensor_in(b, &p->input, s16, 0, 4, (uint32_t[]){ 1, 256, 256, 8 });
		big_tensor_out(b, &p->output, s16, 0, 4, (uint32_t[]){ 1, 256, 256, 8 });
		npu_host_quantize_multiplier(0.04 / 0.03, &p->multiplier, &shift);
		p->shift = shift;
		p->act_min = 0;
		p->act_max = 200;	/* 6 / 0.03 */
		return NPU_CMD_RELU;
	}
	case BIG_RESIZE_BL_S8: {
		struct npu_resize_params *p = &b->p.resize;

		*what = "int8 [1,64,64,16] -> [1,257,257,16] bilinear, half pixel";
		big_tensor_in(b, &p->input, s8, 5, 4, (uint32_t[]){ 1, 64, 64, 16 });
		big_tensor_out(b, &p->output, s8, 5, 4, (uint32_t[]){ 1, 257, 257, 16 });
		p->flags = NPU_RESIZE_HALF_PIXEL_CENTERS;
		return NPU_CMD_RESIZE_BILINEAR;
	}
	case BIG_RESIZE_NN_S16: {
		struct npu_resize_params *p = &b->p.resize;
		uint16_t table[320 + 300];

		*what = "int16 [2,80,60,8] -> [2,320,300,8] nearest, align corners";
		big_tensor_in(b, &p->input, s16, 0, 4, (uint32_t[]){ 2, 80, 60, 8 });
		big_tensor_out(b, &p->output, s16, 0, 4, (uint32_t[]){ 2, 320, 300, 8 });
		npu_host_resize_nearest_table(80, 60, 320, 300, true, false, table);
		p->table_addr = big_in(b, sizeof(table), 0);
		memcpy(b->in_map + (p->table_addr - b->in_va), table,
		       sizeof(table));
		return NPU_CMD_RESIZE_NEAREST;
	}
	default:
		return 0;
	}
}

/* Host execution over the three ranges the device job sees. */
struct big_mem {
	const struct big *b;
	uint8_t *in, *out;
	uint32_t cs_size;
};

static int big_access(void *ctx, uint64_t va, void *buf, uint32_t len,
		      int write, uint64_t *fault)
{
	struct big_mem *m = ctx;
	const struct big *b = m->b;
	uint8_t *p = NULL;

	if (!write && va >= b->cmd_va && va - b->cmd_va + len <= m->cs_size)
		p = b->cmd_map + (va - b->cmd_va);
	else if (!write && va >= b->in_va && va - b->in_va + len <= BIG_IN)
		p = m->in + (va - b->in_va);
	else if (va >= b->out_va && va - b->out_va + len <= BIG_OUT)
		p = m->out + (va - b->out_va);
	if (!p) {
		*fault = va;
		return -1;
	}
	if (write)
		memcpy(p, buf, len);
	else
		memcpy(buf, p, len);
	return 0;
}

static int big_read(void *ctx, uint64_t va, void *dst, uint32_t len,
		    uint64_t *fault)
{
	return big_access(ctx, va, dst, len, 0, fault);
}

static int big_write(void *ctx, uint64_t va, const void *src, uint32_t len,
		     uint64_t *fault)
{
	return big_access(ctx, va, (void *)src, len, 1, fault);
}

static void *big_alloc(void *ctx, size_t size)
{
	(void)ctx;
	return malloc(size);
}

static void big_free(void *ctx, void *ptr)
{
	(void)ctx;
	free(ptr);
}

/* Saturated or constant outputs would hide a wrong multiplier. */
static unsigned int distinct_bytes(const uint8_t *p, uint32_t n)
{
	uint8_t seen[256] = { 0 };
	unsigned int count = 0;
	uint32_t i;

	for (i = 0; i < n; i++) {
		count += !seen[p[i]];
		seen[p[i]] = 1;
	}
	return count;
}

/* Runs one large case; "" or the reason it failed in @why. */
static void big_case(struct big *b, enum big_case c, char *why, size_t len,
		     const char **what, uint32_t *opcode, struct job_sums *sum)
{
	struct big_mem m = { .b = b };
	struct npu_fw_env env = { .ctx = &m, .dma_read = big_read,
				  .dma_write = big_write, .alloc = big_alloc,
				  .free = big_free };
	struct drm_npu_bo_ref refs[2] = {
		{ .handle = b->in, .flags = DRM_NPU_BO_REF_READ },
		{ .handle = b->out, .flags = DRM_NPU_BO_REF_WRITE },
	};
	struct drm_npu_job job = {
		.cmd_bo = b->cmd, .bo_refs = (uintptr_t)refs,
		.bo_ref_count = 2, .out_sync = b->sync, .stats_bo = b->stats,
	};
	struct drm_npu_submit sub = {
		.jobs = (uintptr_t)&job, .job_count = 1,
		.job_stride = sizeof(job), .priority = DRM_NPU_PRIORITY_NORMAL,
	};
	const struct drm_npu_job_stats *st = b->stats_map;
	struct npu_cs_writer w;
	struct npu_fw_result res;
	struct npu_fw_cost est = { 0 };
	const char *reason = NULL;
	uint32_t span, k;

	*why = 0;
	b->seed = 0x9e3779b97f4a7c15ull * (c + 1);
	*opcode = big_build(b, c, what);
	span = b->out_size + 4096;	/* the output and a page of guard */
	if (npu_fw_check_op(*opcode, &b->p, sizeof(b->p),
			    NPU_FW_CHECK_HW_LIMITS, &reason)) {
		snprintf(why, len, "test case outside the limits: %s", reason);
		return;
	}
	npu_cs_init(&w, b->cmd_map, 4096);
	npu_cs_emit(&w, *opcode, &b->p);
	job.cmd_size = npu_cs_bytes(&w);
	m.cs_size = job.cmd_size;
	memset(b->out_map, JOB_GUARD, span);
	memset((void *)st, 0xa5, sizeof(*st));
	drmSyncobjReset(b->fd, &b->sync, 1);
	if (drmIoctl(b->fd, DRM_IOCTL_NPU_SUBMIT, &sub)) {
		snprintf(why, len, "SUBMIT: %s", strerror(errno));
		return;
	}
	/* The expectation, while the device works. */
	m.in = malloc(BIG_IN);
	m.out = malloc(BIG_OUT);
	if (!m.in || !m.out)
		tap_bail("out of memory");
	memcpy(m.in, b->in_map, b->in_off);
	memset(m.out, JOB_GUARD, span);
	if (npu_fw_run(&env, b->cmd_va, job.cmd_size, &res))
		snprintf(why, len, "npu_fw_run on the host: status %u error %d",
			 res.status, res.error);
	npu_fw_estimate_stream(NULL, b->cmd_map, job.cmd_size, &est);
	if (drmSyncobjWait(b->fd, &b->sync, 1, job_deadline_ns(JOB_WAIT_S), 0,
			   NULL)) {
		snprintf(why, len, "wait: %s", strerror(errno));
		goto out;
	}
	if (!st->status)
		job_add_cost(sum, &est);
	if (*why) {
		;
	} else if (st->status) {
		snprintf(why, len, "job status %d", st->status);
	} else if (st->cycles != est.cycles || st->macs != est.macs ||
		   st->dram_read_bytes != est.dram_read_bytes ||
		   st->dram_write_bytes != est.dram_write_bytes) {
		snprintf(why, len, "statistics: cycles %llu/%llu macs %llu/%llu (device/model)",
			 (unsigned long long)st->cycles,
			 (unsigned long long)est.cycles,
			 (unsigned long long)st->macs,
			 (unsigned long long)est.macs);
	} else {
		for (k = 0; k < span && b->out_map[k] == m.out[k]; k++)
			;
		if (k < span)
			snprintf(why, len,
				 "%s byte %u differs: device %#04x, host %#04x",
				 k < b->out_size ? "output" : "guard", k,
				 b->out_map[k], m.out[k]);
		else if (memcmp(b->in_map, m.in, b->in_off))
			snprintf(why, len, "the read-only buffer changed");
		else if (distinct_bytes(m.out, b->out_size) < 16)
			snprintf(why, len, "degenerate case: %u distinct output bytes",
				 distinct_bytes(m.out, b->out_size));
	}
out:
	free(m.in);
	free(m.out);
}

static void run_big(int fd, struct job_sums *sum)
{
	struct big *b = calloc(1, sizeof(*b));
	char why[256];
	unsigned int c;
	double t0 = job_now_s();
	int ret;

	if (!b)
		tap_bail("out of memory");
	b->fd = fd;
	ret = job_bo_create(fd, BIG_IN, DRM_NPU_BO_DEVICE_READ_ONLY, &b->in,
			    &b->in_va, (void **)&b->in_map);
	if (!ret)
		ret = job_bo_create(fd, BIG_OUT, 0, &b->out, &b->out_va,
				    (void **)&b->out_map);
	if (!ret)
		ret = job_bo_create(fd, 4096, DRM_NPU_BO_DEVICE_READ_ONLY, &b->cmd,
				    &b->cmd_va, (void **)&b->cmd_map);
	if (!ret)
		ret = job_bo_create(fd, 4096, 0, &b->stats, NULL,
				    (void **)&b->stats_map);
	if (!ret && drmSyncobjCreate(fd, 0, &b->sync))
		ret = -errno;
	if (ret) {
		tap_fail(strerror(-ret), "large operands: buffers");
		free(b);
		return;
	}
	for (c = 0; c < BIG_COUNT; c++) {
		const char *what = "";
		uint32_t op = 0;

		big_case(b, c, why, sizeof(why), &what, &op, sum);
		if (*why)
			tap_fail(why, "large %s %s", npu_fw_cmd_name(op), what);
		else
			tap_ok(true, "large %s %s: equals the host library",
			       npu_fw_cmd_name(op), what);
	}
	tap_diag("%u large-operand jobs in %.1f s", BIG_COUNT, job_now_s() - t0);
	free(b);
}

int main(void)
{
	struct drm_npu_counters c0, c1;
	struct job_sums sum = { 0 };
	int fd = job_open_npu();

	if (fd < 0) {
		tap_skip(strerror(errno), "no npu accel device");
		return tap_finish();
	}
	if (job_query_counters(fd, &c0))
		tap_bail("device counters: %s", strerror(errno));
	run_big(fd, &sum);
	if (job_query_counters(fd, &c1))
		tap_fail(strerror(errno), "device counters");
	else
		job_check_counters(&c0, &c1, &sum);
	close(fd);
	return tap_finish();
}
