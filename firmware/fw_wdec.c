// SPDX-License-Identifier: MIT
/*
 * The weight decoder: lossless compressed filters (npu_tensor.encoding
 * NPU_WEIGHTS_NPW1), expanded between the DMA and the MAC array.  The
 * format is described in Documentation/hardware.rst, "Weight compression";
 * libnpu/compiler/wcompress.c is its encoder.
 *
 * The validator sees only the command stream, not the weight buffer (which
 * userspace may rewrite after submitting), so the decoder trusts nothing:
 * every read is bounded by the encoded length, every write by the decoded
 * length, every loop by the bits left, and a malformed stream ends the job
 * with NPU_JOB_ERR_BAD_STREAM.
 */
#include "fw_internal.h"

/* Block mode byte. */
#define WDEC_SPARSE_MASK	0xc0u
#define WDEC_SPARSE_BITMAP	0x80u	/* bitmap of the non-zero positions */
#define WDEC_SPARSE_RUNS	0x40u	/* Rice-coded zero runs, interleaved */
#define WDEC_PALETTE		0x20u	/* symbols index a palette */
#define WDEC_RICE		0x10u	/* Rice-coded symbols, else fixed width */
#define WDEC_PARAM_MASK		0x0fu	/* fixed width 0..8 or Rice k 0..7 */

#define WDEC_MAX_RUN_K		15u

/* LSB-first bit reader over [pos, end) of @p. */
struct wdec_bits {
	const uint8_t *p;
	uint32_t pos;
	uint32_t end;
	uint64_t acc;
	uint32_t nbits;
};

static int bits_fill(struct wdec_bits *b, uint32_t need)
{
	while (b->nbits <= 56 && b->pos < b->end) {
		b->acc |= (uint64_t)b->p[b->pos++] << b->nbits;
		b->nbits += 8;
	}
	return b->nbits >= need ? 0 : -NPU_FW_EINVAL;
}

/* @n bits, 0..16. */
static int bits_get(struct wdec_bits *b, uint32_t n, uint32_t *v)
{
	if (!n) {
		*v = 0;
		return 0;
	}
	if (b->nbits < n && bits_fill(b, n))
		return -NPU_FW_EINVAL;
	*v = (uint32_t)(b->acc & ((1u << n) - 1));
	b->acc >>= n;
	b->nbits -= n;
	return 0;
}

/* A Rice code with parameter @k whose value may not exceed @limit. */
static int bits_rice(struct wdec_bits *b, uint32_t k, uint32_t limit,
		     uint32_t *v)
{
	uint32_t q = 0, r;

	for (;;) {
		if (!b->nbits && bits_fill(b, 1))
			return -NPU_FW_EINVAL;
		if (!(b->acc & 1))
			break;
		b->acc >>= 1;
		b->nbits--;
		if (++q > (limit >> k))
			return -NPU_FW_EINVAL;
	}
	b->acc >>= 1;	/* the terminating 0 */
	b->nbits--;
	if (bits_get(b, k, &r))
		return -NPU_FW_EINVAL;
	*v = (q << k) | r;
	return *v <= limit ? 0 : -NPU_FW_EINVAL;
}

/* Whole bytes the reader fetched ahead go back: blocks are byte-aligned. */
static void bits_align(struct wdec_bits *b)
{
	b->pos -= b->nbits / 8;
	b->acc = 0;
	b->nbits = 0;
}

static int bytes_take(struct wdec_bits *b, uint32_t n, const uint8_t **at)
{
	if (n > b->end - b->pos)
		return -NPU_FW_EINVAL;
	*at = b->p + b->pos;
	b->pos += n;
	return 0;
}

struct wdec_block {
	uint32_t mode;
	uint32_t param;
	uint32_t palette_size;
	const uint8_t *palette;
};

/* One value; @nonzero: a sparse block's value, which cannot be 0. */
static int block_value(struct wdec_bits *b, const struct wdec_block *k,
		       int nonzero, uint8_t *out)
{
	uint32_t s;

	if (k->mode & WDEC_RICE) {
		if (bits_rice(b, k->param, k->palette ? k->palette_size - 1 :
			      255u - (nonzero ? 1u : 0u), &s))
			return -NPU_FW_EINVAL;
	} else if (bits_get(b, k->param, &s)) {
		return -NPU_FW_EINVAL;
	}
	if (k->palette) {
		if (s >= k->palette_size)
			return -NPU_FW_EINVAL;
		*out = k->palette[s];
	} else if (k->mode & WDEC_RICE) {
		/* zig-zag: 0, -1, 1, -2, ...; a sparse value skips 0 */
		s += nonzero ? 1u : 0u;
		*out = (uint8_t)((s & 1) ? ~(s >> 1) : (s >> 1));
	} else {
		/* two's complement in @param bits, sign-extended */
		if (k->param && (s & (1u << (k->param - 1))))
			s |= ~((1u << k->param) - 1);
		*out = (uint8_t)s;
	}
	return 0;
}

/*
 * The stream's shared palettes (header byte 3): each a byte P - 1 and P
 * values, after the header; a palette block then names one by its index
 * instead of carrying its own.  @count 0: the blocks carry theirs.
 */
struct wdec_palettes {
	uint32_t count;
	const uint8_t *at[NPU_WDEC_MAX_PALETTES];
	uint32_t size[NPU_WDEC_MAX_PALETTES];
};

static int block_palette(struct wdec_bits *b, const struct wdec_palettes *pt,
			 struct wdec_block *k)
{
	const uint8_t *hdr;

	if (bytes_take(b, 1, &hdr))
		return -NPU_FW_EINVAL;
	if (pt->count) {
		if (hdr[0] >= pt->count)
			return -NPU_FW_EINVAL;
		k->palette = pt->at[hdr[0]];
		k->palette_size = pt->size[hdr[0]];
		return 0;
	}
	k->palette_size = hdr[0] + 1u;
	return bytes_take(b, k->palette_size, &k->palette);
}

static int decode_block(struct wdec_bits *b, const struct wdec_palettes *pt,
			uint8_t *dst, uint32_t n)
{
	struct wdec_block k = { 0 };
	const uint8_t *hdr, *bitmap = NULL;
	uint32_t sparse, run_k = 0, i;

	if (bytes_take(b, 1, &hdr))
		return -NPU_FW_EINVAL;
	k.mode = hdr[0];
	k.param = k.mode & WDEC_PARAM_MASK;
	sparse = k.mode & WDEC_SPARSE_MASK;
	if (sparse == WDEC_SPARSE_MASK ||
	    k.param > ((k.mode & WDEC_RICE) ? 7u : 8u))
		return -NPU_FW_EINVAL;
	if (sparse == WDEC_SPARSE_RUNS) {
		if (bytes_take(b, 1, &hdr) || hdr[0] > WDEC_MAX_RUN_K)
			return -NPU_FW_EINVAL;
		run_k = hdr[0];
	}
	if ((k.mode & WDEC_PALETTE) && block_palette(b, pt, &k))
		return -NPU_FW_EINVAL;
	if (sparse == WDEC_SPARSE_BITMAP &&
	    bytes_take(b, n / 8 + (n % 8 ? 1 : 0), &bitmap))
		return -NPU_FW_EINVAL;

	if (sparse == WDEC_SPARSE_RUNS) {
		i = 0;
		while (i < n) {
			uint32_t run;

			if (bits_rice(b, run_k, n - i, &run))
				return -NPU_FW_EINVAL;
			fw_memset(dst + i, 0, run);
			i += run;
			if (i == n)
				break;
			if (block_value(b, &k, 1, &dst[i++]))
				return -NPU_FW_EINVAL;
		}
	} else {
		for (i = 0; i < n; i++) {
			if (bitmap && !(bitmap[i / 8] & (1u << (i % 8)))) {
				dst[i] = 0;
				continue;
			}
			if (block_value(b, &k, bitmap != NULL, &dst[i]))
				return -NPU_FW_EINVAL;
		}
	}
	bits_align(b);
	return 0;
}

int npu_fw_wdec_decode(const void *src, uint32_t src_len, void *dst,
		       uint32_t dst_len, const char **reason)
{
	struct wdec_bits b = { .p = src, .end = src_len };
	struct wdec_palettes pt;
	const uint8_t *h, *ps;
	uint32_t block, off, i;

	if (bytes_take(&b, NPU_WDEC_HDR_BYTES, &h) || h[0] != NPU_WDEC_MAGIC0 ||
	    h[1] != NPU_WDEC_MAGIC1 || h[2] != NPU_WDEC_VERSION ||
	    h[3] > NPU_WDEC_MAX_PALETTES) {
		*reason = "compressed weights: bad header";
		return -NPU_FW_EINVAL;
	}
	pt.count = h[3];
	for (i = 0; i < pt.count; i++) {
		if (bytes_take(&b, 1, &ps) ||
		    bytes_take(&b, ps[0] + 1u, &pt.at[i])) {
			*reason = "compressed weights: truncated palette table";
			return -NPU_FW_EINVAL;
		}
		pt.size[i] = ps[0] + 1u;
	}
	block = (uint32_t)h[4] | (uint32_t)h[5] << 8 | (uint32_t)h[6] << 16 |
		(uint32_t)h[7] << 24;
	if (!block) {
		*reason = "compressed weights: block size 0";
		return -NPU_FW_EINVAL;
	}
	for (off = 0; off < dst_len; off += block) {
		const uint32_t n = dst_len - off < block ? dst_len - off : block;

		if (decode_block(&b, &pt, (uint8_t *)dst + off, n)) {
			*reason = "compressed weights: malformed block";
			return -NPU_FW_EINVAL;
		}
	}
	if (b.pos != b.end) {
		*reason = "compressed weights: bytes after the last block";
		return -NPU_FW_EINVAL;
	}
	return 0;
}

/* ---- hooks of the validator, the operand list and the cycle model ---- */

const struct npu_tensor *fw_encoded_filter(uint32_t opcode,
					   const union npu_cmd_params *p)
{
	const struct npu_tensor *f;

	switch (opcode) {
	case NPU_CMD_CONV_2D:
	case NPU_CMD_DEPTHWISE_CONV_2D:
	case NPU_CMD_TRANSPOSE_CONV:
		f = &p->conv.filter;
		break;
	case NPU_CMD_FULLY_CONNECTED:
		f = &p->fc.filter;
		break;
	default:
		return NULL;
	}
	return f->encoding == NPU_WEIGHTS_RAW ? NULL : f;
}

int fw_check_filter(const struct npu_tensor *f, uint32_t types,
		    uint32_t rank, struct npu_fw_reason *why)
{
	struct npu_tensor raw = *f;

	raw.encoding = NPU_WEIGHTS_RAW;
	raw.encoded_bytes = 0;
	/*
	 * Encoded, only the encoded bytes are at @addr (an SRAM prefetch holds
	 * no more): the shape is checked at a neutral address.
	 */
	if (f->encoding != NPU_WEIGHTS_RAW)
		raw.addr = 0;
	if (fw_check_tensor(&raw, types, rank, rank, why))
		return -NPU_FW_EINVAL;
	if (f->encoding == NPU_WEIGHTS_RAW) {
		FW_CHECK(why, f->encoded_bytes == 0,
			 "encoded length on raw weights");
		return 0;
	}
	FW_CHECK(why, f->encoding == NPU_WEIGHTS_NPW1,
		 "unknown weight encoding");
	FW_CHECK(why, f->encoded_bytes >= NPU_WDEC_HDR_BYTES &&
		 f->encoded_bytes <= NPU_LIMIT_TENSOR_BYTES,
		 "encoded weight length out of range");
	FW_CHECK(why, fw_va_ok(f->addr, f->encoded_bytes, 1),
		 "encoded weights outside the address space");
	return 0;
}

void fw_add_filter(struct npu_fw_operand *ops, uint32_t *n,
		   const struct npu_tensor *f)
{
	fw_add_operand(ops, n, &f->addr, f->encoding == NPU_WEIGHTS_RAW ?
		       npu_tensor_bytes(f) : f->encoded_bytes,
		       NPU_FW_ACCESS_READ, NPU_FW_SLOT_WEIGHTS);
}

uint32_t fw_features_filter(uint32_t opcode, const union npu_cmd_params *p)
{
	return fw_features_uint8(opcode, p) |
	       (fw_encoded_filter(opcode, p) ? NPU_FW_FEAT_WDEC : 0);
}

void fw_cost_filter(uint32_t opcode, const union npu_cmd_params *p,
		    struct fw_work *w)
{
	const struct npu_tensor *f = fw_encoded_filter(opcode, p);

	if (f)
		w->decode_bytes = npu_tensor_bytes(f);
}

int fw_wdec_stage(const struct npu_fw_env *env, uint32_t opcode,
		  const union npu_cmd_params *p, void **weights,
		  const char **reason)
{
	const struct npu_tensor *f = fw_encoded_filter(opcode, p);
	uint64_t len;
	void *dec;
	int r;

	if (!f)
		return 0;
	len = npu_tensor_bytes(f);
	dec = env->alloc(env->ctx, (size_t)len);
	if (!dec)
		return -NPU_FW_ENOMEM;
	r = npu_fw_wdec_decode(*weights, f->encoded_bytes, dec, (uint32_t)len,
			       reason);
	env->free(env->ctx, *weights);
	*weights = dec;
	return r;
}

void npu_fw_stream_weights(const void *cs, uint32_t size,
			   struct npu_fw_weight_bytes *wb)
{
	union npu_cmd_params p;
	const char *reason;
	uint32_t off, opcode, bytes, k, n = 0;
	/* A cascade's bands read one filter (same address) in turns. */
	struct npu_tensor seen[4];

	for (off = 0; cs && off < size; off += bytes) {
		const struct npu_tensor *f;
		int dup = 0;

		bytes = fw_decode_cmd(cs, size, off, &opcode, &p, &reason);
		if (!bytes)
			break;
		/* A load may put another filter (a band) at a seen address. */
		if (opcode == NPU_CMD_DMA)
			n = 0;
		if (opcode == NPU_CMD_FULLY_CONNECTED)
			f = &p.fc.filter;
		else if (opcode == NPU_CMD_CONV_2D ||
			 opcode == NPU_CMD_DEPTHWISE_CONV_2D ||
			 opcode == NPU_CMD_TRANSPOSE_CONV)
			f = &p.conv.filter;
		else
			continue;
		for (k = 0; f->addr && k < n && k < 4; k++)
			dup |= seen[k].addr == f->addr &&
			       seen[k].encoded_bytes == f->encoded_bytes;
		if (dup)
			continue;
		seen[n++ % 4] = *f;
		wb->filter_bytes += npu_tensor_bytes(f);
		if (f->encoding == NPU_WEIGHTS_RAW) {
			wb->read_bytes += npu_tensor_bytes(f);
		} else {
			wb->read_bytes += f->encoded_bytes;
			wb->encoded_filter_bytes += npu_tensor_bytes(f);
		}
	}
}
