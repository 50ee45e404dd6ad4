// SPDX-License-Identifier: MIT
/*
 * BATCH_MATMUL on the CPU, as TFLite's reference kernel (batch_matmul.cc,
 * reference_ops::BatchMatMul): out[b, i, j] = sum over k of
 * lhs[b, i, k] * rhs[b, k, j] (adj_x / adj_y transpose the last two axes
 * of lhs / rhs), batch axes broadcast, k summed in order.
 *
 *  float:        float sum from 0.
 *  int8 -> int8: int32 sum of (l - zl) * (r - zr), MultiplyByQuantizedMultiplier
 *                of lhs_scale * rhs_scale / out_scale (a float product),
 *                + output zero point, clamped to int8.
 *  int8 -> int32: int32 sum of l * r (no zero points, no scaling).
 *  int16:        int64 sum (zero points 0), the int64 MultiplyByQuantizedMultiplier.
 *
 * CPU only: both operands are activations, which the NPU's FULLY_CONNECTED
 * could take only after a transpose per batch (not done yet).  The hybrid
 * form (float lhs, int8 rhs) is not implemented.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cpu_internal.h"
#include "../../firmware/host/npu_fw_host.h"

#define BMM_BATCH_DIMS 3	/* TFLite extends both shapes to rank 5 */

struct bmm_state {
	enum npu_type in_type, out_type;
	size_t rows, cols, depth;		/* M, N, K */
	size_t batch[BMM_BATCH_DIMS];		/* output batch dims */
	size_t lstride[BMM_BATCH_DIMS], rstride[BMM_BATCH_DIMS]; /* 0: broadcast */
	bool adj_x, adj_y;
	int32_t lzp, rzp, ozp;
	int32_t mult, shift;
};

/* Dims of @t extended to rank 5 with leading 1s. */
static void extend5(const struct npu_graph_tensor *t, int32_t *d)
{
	for (int i = 0; i < 5; i++) {
		const int src = i - (5 - t->rank);

		d[i] = src < 0 ? 1 : t->shape[src];
	}
}

static int bmm_types(const struct cpu_prep *p, const struct npu_graph_tensor *l,
		     const struct npu_graph_tensor *r,
		     const struct npu_graph_tensor *out)
{
	const bool f32 = l->type == NPU_TYPE_FLOAT32 && r->type == NPU_TYPE_FLOAT32 &&
			 out->type == NPU_TYPE_FLOAT32;
	const bool s8 = l->type == NPU_TYPE_INT8 && r->type == NPU_TYPE_INT8 &&
			(out->type == NPU_TYPE_INT8 || out->type == NPU_TYPE_INT32);
	const bool s16 = l->type == NPU_TYPE_INT16 && r->type == NPU_TYPE_INT16 &&
			 out->type == NPU_TYPE_INT16;

	if (f32 || s8 || s16)
		return 0;
	cpu_msg(p->err, p->errlen, "%s x %s -> %s is not supported",
		npu_type_name(l->type), npu_type_name(r->type),
		npu_type_name(out->type));
	return -ENOTSUP;
}

static int bmm_prepare(const struct cpu_prep *p, void **state)
{
	const struct npu_batch_matmul_options *o = &p->op->options.batch_matmul;
	const struct npu_graph_tensor *l, *r, *out;
	int32_t ld[5], rd[5];
	size_t lsz, rsz, expect;
	struct bmm_state *s;
	int ret;

	ret = cpu_need_io(p, 2, 2, 1);
	if (ret)
		return ret;
	l = cpu_in(p->g, p->op, 0);
	r = cpu_in(p->g, p->op, 1);
	out = cpu_out(p->g, p->op, 0);
	if (l->rank < 2 || r->rank < 2 || l->rank > 5 || r->rank > 5) {
		cpu_msg(p->err, p->errlen, "operands of rank %d and %d (2 to 5 allowed)",
			l->rank, r->rank);
		return -EINVAL;
	}
	ret = bmm_types(p, l, r, out);
	if (ret)
		return ret;
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->in_type = l->type;
	s->out_type = out->type;
	s->adj_x = p->op->options_kind == NPU_OPTS_BATCH_MATMUL && o->adj_x;
	s->adj_y = p->op->options_kind == NPU_OPTS_BATCH_MATMUL && o->adj_y;
	extend5(l, ld);
	extend5(r, rd);
	s->rows = (size_t)(s->adj_x ? ld[4] : ld[3]);
	s->depth = (size_t)(s->adj_x ? ld[3] : ld[4]);
	s->cols = (size_t)(s->adj_y ? rd[3] : rd[4]);
	expect = s->rows * s->cols;
	lsz = (size_t)ld[3] * (size_t)ld[4];
	rsz = (size_t)rd[3] * (size_t)rd[4];
	ret = (size_t)(s->adj_y ? rd[4] : rd[3]) == s->depth ? 0 : -EINVAL;
	for (int i = BMM_BATCH_DIMS - 1; !ret && i >= 0; i--) {
		if (ld[i] != rd[i] && ld[i] != 1 && rd[i] != 1)
			ret = -EINVAL;
		s->batch[i] = (size_t)(ld[i] > rd[i] ? ld[i] : rd[i]);
		s->lstride[i] = ld[i] == 1 ? 0 : lsz;
		s->rstride[i] = rd[i] == 1 ? 0 : rsz;
		lsz *= (size_t)ld[i];
		rsz *= (size_t)rd[i];
		expect *= s->batch[i];
	}
	if (ret || out->elements != expect) {
		cpu_msg(p->err, p->errlen, "shapes do not multiply to the output's");
		free(s);
		return -EINVAL;
	}
	if (s->in_type != NPU_TYPE_FLOAT32) {
		if (!l->quant.count || !r->quant.count ||
		    (s->out_type != NPU_TYPE_INT32 && !out->quant.count)) {
			cpu_msg(p->err, p->errlen, "quantized operands need scales");
			free(s);
			return -EINVAL;
		}
		s->lzp = cpu_zero_point(l);
		s->rzp = cpu_zero_point(r);
		s->ozp = cpu_zero_point(out);
		if (s->in_type == NPU_TYPE_INT16 && (s->lzp || s->rzp || s->ozp)) {
			cpu_msg(p->err, p->errlen, "int16 operands need zero points 0");
			free(s);
			return -EINVAL;
		}
		if (s->out_type != NPU_TYPE_INT32 &&
		    npu_host_fc_multiplier(cpu_scale(l), cpu_scale(r), cpu_scale(out),
					   &s->mult, &s->shift)) {
			cpu_msg(p->err, p->errlen,
				"effective scale lhs*rhs/output is not a positive finite number");
			free(s);
			return -EINVAL;
		}
	}
	*state = s;
	return 0;
}

/* Offset of element (i, k) of a [M, K] (or transposed [K, M]) matrix. */
static size_t at(bool adj, size_t i, size_t k, size_t m, size_t kk)
{
	return adj ? k * m + i : i * kk + k;
}

static void bmm_one(const struct bmm_state *s, const void *lhs, const void *rhs,
		    void *out)
{
	const size_t m = s->rows, n = s->cols, kk = s->depth;

	for (size_t i = 0; i < m; i++) {
		for (size_t j = 0; j < n; j++) {
			const size_t o = i * n + j;

			if (s->in_type == NPU_TYPE_FLOAT32) {
				const float *a = lhs, *b = rhs;
				float total = 0.0f;

				for (size_t k = 0; k < kk; k++)
					total += a[at(s->adj_x, i, k, m, kk)] *
						 b[at(!s->adj_y, j, k, n, kk)];
				((float *)out)[o] = total;
			} else if (s->in_type == NPU_TYPE_INT8) {
				const int8_t *a = lhs, *b = rhs;
				const bool raw = s->out_type == NPU_TYPE_INT32;
				uint32_t total = 0;	/* int32 with wrap-around */
				int32_t v;

				for (size_t k = 0; k < kk; k++)
					total += (uint32_t)
						((a[at(s->adj_x, i, k, m, kk)] - (raw ? 0 : s->lzp)) *
						 (b[at(!s->adj_y, j, k, n, kk)] - (raw ? 0 : s->rzp)));
				if (raw) {
					((int32_t *)out)[o] = (int32_t)total;
					continue;
				}
				v = cpu_mbqm((int32_t)total, s->mult, s->shift) + s->ozp;
				v = v < INT8_MIN ? INT8_MIN : v > INT8_MAX ? INT8_MAX : v;
				((int8_t *)out)[o] = (int8_t)v;
			} else {
				const int16_t *a = lhs, *b = rhs;
				int64_t total = 0;
				int32_t v;

				for (size_t k = 0; k < kk; k++)
					total += (int64_t)a[at(s->adj_x, i, k, m, kk)] *
						 b[at(!s->adj_y, j, k, n, kk)];
				v = npu_fw_mbqm64(total, s->mult, s->shift);
				v = v < INT16_MIN ? INT16_MIN : v > INT16_MAX ? INT16_MAX : v;
				((int16_t *)out)[o] = (int16_t)v;
			}
		}
	}
}

static int bmm_invoke(const struct npu_cpu_kernel_args *a, void *state)
{
	const struct bmm_state *s = state;
	const size_t isz = npu_type_size(s->in_type);
	const size_t osz = npu_type_size(s->out_type);
	const uint8_t *lhs = a->inputs[0], *rhs = a->inputs[1];
	uint8_t *out = a->outputs[0];
	size_t b = 0;

	for (size_t b0 = 0; b0 < s->batch[0]; b0++)
	for (size_t b1 = 0; b1 < s->batch[1]; b1++)
	for (size_t b2 = 0; b2 < s->batch[2]; b2++, b++) {
		const size_t lo = b0 * s->lstride[0] + b1 * s->lstride[1] +
				  b2 * s->lstride[2];
		const size_t ro = b0 * s->rstride[0] + b1 * s->rstride[1] +
				  b2 * s->rstride[2];

		bmm_one(s, lhs + lo * isz, rhs + ro * isz,
			out + b * s->rows * s->cols * osz);
	}
	return 0;
}

const struct cpu_kernel cpu_kernel_batch_matmul = {
	.prepare = bmm_prepare,
	.invoke = bmm_invoke,
};
