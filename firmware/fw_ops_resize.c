// SPDX-License-Identifier: MIT
/*
 * RESIZE_BILINEAR and RESIZE_NEAREST_NEIGHBOR of NHWC tensors, as TFLite's
 * reference kernels compute them (struct npu_resize_params).
 *
 * Bilinear is TFLite's integer form for int8 and int16: positions in
 * 1/1024ths of an input pixel, four weights per output, a sum divided by
 * 2^20 rounding half away from zero.  Nothing here needs floating point.
 * Nearest neighbour rounds a float product in TFLite, so the host computes
 * the source rows and columns (npu_host_resize_nearest_table()) and the
 * kernel gathers them: exact for every element type.
 */
#include "fw_internal.h"

/* One axis of the bilinear map: scale in 1/1024ths (TFLite's scale_10). */
static int32_t bl_scale(uint32_t in, uint32_t out, int align)
{
	if (align && out > 1)
		return (int32_t)((1024u * (in - 1) + (out - 1) / 2) / (out - 1));
	return (int32_t)((1024u * in + out / 2) / out);
}

struct bl_pos {
	uint32_t lo, hi;	/* the two source indices */
	int32_t frac;		/* weight of hi in 1/1024ths (may be < 0) */
};

/*
 * Output index @i: position p, lo = max(p / 1024, 0), hi = ceil, clipped.
 * The scale's rounding can put the last lo past the input when the output
 * is over 1000 times larger (TFLite then reads beyond its input): such a
 * position reads the last row, which changes no in-range case.
 */
static void bl_pos(uint32_t i, int32_t scale, int half, uint32_t in,
		   struct bl_pos *r)
{
	const int32_t last = (int32_t)in - 1;
	const int32_t p = half ? (int32_t)i * scale + scale / 2 - 512 :
			  (int32_t)i * scale;
	int32_t lo = p / 1024 > 0 ? p / 1024 : 0;
	int32_t hi = (p + 1023) / 1024;

	hi = hi < last ? (hi > 0 ? hi : 0) : last;
	r->frac = p - 1024 * lo;
	if (lo > last) {
		lo = last;
		r->frac = 0;
	}
	r->lo = (uint32_t)lo;
	r->hi = (uint32_t)hi;
}

void npu_fw_bilinear_pos(uint32_t in, uint32_t out, uint32_t flags, uint32_t i,
			 uint32_t *lo, uint32_t *hi, int32_t *frac)
{
	struct bl_pos r;

	bl_pos(i, bl_scale(in, out, !!(flags & NPU_RESIZE_ALIGN_CORNERS)),
	       !!(flags & NPU_RESIZE_HALF_PIXEL_CENTERS), in, &r);
	*lo = r.lo;
	*hi = r.hi;
	*frac = r.frac;
}

/* (v + half away from zero) / 2^20 without a 64-bit divide. */
static int32_t bl_round(int64_t v)
{
	if (v > 0)
		return (int32_t)((v + (1 << 19)) >> 20);
	return (int32_t)-((-v + (1 << 19)) >> 20);
}

#define RESIZE_BILINEAR(name, type)					\
void name(const struct npu_resize_params *p, const type *in, type *out)	\
{									\
	const uint32_t n = p->input.dims[0], ih = p->input.dims[1];	\
	const uint32_t iw = p->input.dims[2], c = p->input.dims[3];	\
	const uint32_t oh = p->output.dims[1], ow = p->output.dims[2];	\
	const int align = !!(p->flags & NPU_RESIZE_ALIGN_CORNERS);	\
	const int half = !!(p->flags & NPU_RESIZE_HALF_PIXEL_CENTERS);	\
	const int32_t sy = bl_scale(ih, oh, align);			\
	const int32_t sx = bl_scale(iw, ow, align);			\
	uint32_t b, y, x, k;						\
									\
	for (b = 0; b < n; b++) {					\
		const type *img = in + (uint64_t)b * ih * iw * c;	\
									\
		for (y = 0; y < oh; y++) {				\
			struct bl_pos py;				\
									\
			bl_pos(y, sy, half, ih, &py);			\
			for (x = 0; x < ow; x++) {			\
				const int64_t wy1 = py.frac, wy0 = 1024 - wy1; \
				const type *r0 = img + (uint64_t)py.lo * iw * c; \
				const type *r1 = img + (uint64_t)py.hi * iw * c; \
				struct bl_pos px;			\
				int64_t wx0, wx1;			\
									\
				bl_pos(x, sx, half, iw, &px);		\
				wx1 = px.frac;				\
				wx0 = 1024 - wx1;			\
				for (k = 0; k < c; k++) {		\
					const int64_t v =		\
						r0[px.lo * c + k] * wy0 * wx0 + \
						r1[px.lo * c + k] * wy1 * wx0 + \
						r0[px.hi * c + k] * wy0 * wx1 + \
						r1[px.hi * c + k] * wy1 * wx1; \
									\
					*out++ = (type)bl_round(v);	\
				}					\
			}						\
		}							\
	}								\
}

RESIZE_BILINEAR(npu_op_resize_bilinear_s8, int8_t)
RESIZE_BILINEAR(npu_op_resize_bilinear_s16, int16_t)

void npu_op_resize_nearest(const struct npu_resize_params *p, const void *in,
			   const uint16_t *table, void *out)
{
	const uint32_t es = npu_dtype_size(p->input.dtype);
	const uint32_t n = p->input.dims[0], ih = p->input.dims[1];
	const uint32_t iw = p->input.dims[2];
	const uint32_t oh = p->output.dims[1], ow = p->output.dims[2];
	const size_t pixel = (size_t)p->input.dims[3] * es;
	const uint8_t *src = in;
	uint8_t *dst = out;
	uint32_t b, y, x;

	for (b = 0; b < n; b++) {
		for (y = 0; y < oh; y++) {
			const uint32_t sy = table[y] < ih ? table[y] : ih - 1;
			const uint8_t *row = src + ((uint64_t)b * ih + sy) *
						   iw * pixel;

			for (x = 0; x < ow; x++) {
				const uint32_t t = table[oh + x];
				const uint32_t sx = t < iw ? t : iw - 1;

				fw_memcpy(dst, row + (size_t)sx * pixel, pixel);
				dst += pixel;
			}
		}
	}
}

/* ---- checks, cost and the command rows ---- */

static int check_resize(uint32_t op, const union npu_cmd_params *pp,
			uint32_t flags, struct npu_fw_reason *why)
{
	const struct npu_resize_params *p = &pp->resize;
	const uint32_t types = op == NPU_CMD_RESIZE_BILINEAR ?
			       FW_T_S8 | FW_T_S16 :
			       FW_T_S8 | FW_T_U8 | FW_T_S16 | FW_T_S32;

	(void)flags;
	if (fw_check_move_pair(&p->input, &p->output, types, why))
		return -NPU_FW_EINVAL;
	FW_CHECK(why, p->input.rank == 4, "resize needs NHWC tensors");
	FW_CHECK(why, p->input.dims[0] == p->output.dims[0] &&
		 p->input.dims[3] == p->output.dims[3],
		 "resize changes batch or channels");
	FW_CHECK(why, p->reserved == 0, "reserved field not zero");
	/* The 1/1024 positions stay inside int32 for extents up to this. */
	FW_CHECK(why, p->input.dims[1] <= NPU_LIMIT_DIM &&
		 p->input.dims[2] <= NPU_LIMIT_DIM &&
		 p->output.dims[1] <= NPU_LIMIT_DIM &&
		 p->output.dims[2] <= NPU_LIMIT_DIM,
		 "resize extent beyond 65535");
	if (op == NPU_CMD_RESIZE_NEAREST) {
		FW_CHECK(why, p->flags == 0, "nearest resize takes no flags");
		FW_CHECK(why, fw_va_ok(p->table_addr,
				       2ull * (p->output.dims[1] +
					       p->output.dims[2]), 2),
			 "table misaligned or outside the address space");
		return 0;
	}
	FW_CHECK(why, !(p->flags & ~(NPU_RESIZE_ALIGN_CORNERS |
				     NPU_RESIZE_HALF_PIXEL_CENTERS)),
		 "unknown resize flag");
	FW_CHECK(why, p->flags != (NPU_RESIZE_ALIGN_CORNERS |
				   NPU_RESIZE_HALF_PIXEL_CENTERS),
		 "align_corners with half_pixel_centers");
	FW_CHECK(why, p->table_addr == 0, "bilinear resize takes no table");
	return 0;
}

static uint32_t operands_nearest(uint32_t op, const union npu_cmd_params *p,
				 struct npu_fw_operand ops[NPU_FW_SLOT_COUNT])
{
	(void)op;
	return fw_operands_table(&p->resize.input, &p->resize.output,
				 &p->resize.table_addr,
				 2ull * (p->resize.output.dims[1] +
					 p->resize.output.dims[2]), ops);
}

/* Four products and a sum per output element on the vector unit. */
static void cost_bilinear(uint32_t op, const union npu_cmd_params *p,
			  struct fw_work *w)
{
	(void)op;
	w->elems = 4 * npu_tensor_elems(&p->resize.output);
}

RUN_UNARY(run_bilinear, resize, npu_op_resize_bilinear_s8,
	  npu_op_resize_bilinear_s16)

static void run_nearest(uint32_t op, const union npu_cmd_params *p,
			void *const *b)
{
	(void)op;
	npu_op_resize_nearest(&p->resize, b[NPU_FW_SLOT_IN0],
			      b[NPU_FW_SLOT_TABLE], b[NPU_FW_SLOT_OUT]);
}

const struct fw_cmd fw_cmds_resize[] = {
	{ .opcode = NPU_CMD_RESIZE_BILINEAR, .name = "RESIZE_BILINEAR",
	  .features = NPU_FW_FEAT_RESIZE,
	  .params_size = sizeof(struct npu_resize_params),
	  .check = check_resize, .operands = fw_operands_in_out,
	  .cost = cost_bilinear, .run = run_bilinear },
	{ .opcode = NPU_CMD_RESIZE_NEAREST, .name = "RESIZE_NEAREST_NEIGHBOR",
	  .features = NPU_FW_FEAT_RESIZE,
	  .params_size = sizeof(struct npu_resize_params),
	  .check = check_resize, .operands = operands_nearest,
	  .cost = fw_cost_output_elems, .run = run_nearest },
	{ .name = NULL }
};
