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
 *  hybrid (dynamic range: float lhs, constant int8 rhs, float output):
 *                each row of K lhs values is quantized to int8 as the
 *                hybrid kernels do (cpu_quantize_symmetric, or _asymmetric
 *                with asymmetric_quantize_inputs), then
 *                t = (int32_t)((float)sum(rhs * q) - (float)colsum * zp),
 *                out = 0.0f + scale * (float)t, scale = row_scale *
 *                rhs_scale (per tensor) or row_scale * channel_scale[j]
 *                (per channel along the output columns), all in float as
 *                TFLite's EvalHybrid and reference_ops::BatchMatMul.
 *
 * CPU only: both operands are activations, which the NPU's FULLY_CONNECTED
 * could take only after a transpose per batch (not done yet); the hybrid
 * form quantizes at run time.
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
	/* hybrid */
	bool hybrid, asymmetric;
	size_t lhs_mats;		/* lhs matrices (quantized once each) */
	const float *col_scale;		/* per-channel rhs scales, or NULL */
	float rhs_scale;
	int32_t *col_sums;		/* per rhs matrix and column */
	int8_t *q;			/* quantized lhs rows, [mats][M][K] */
	float *row_scale;		/* per row */
	float *mat;			/* one lhs matrix, [M][K] */
	int32_t *row_zp;
	/*
	 * TFLite's reference kernel steps its per-row scales and offsets by M
	 * and its column sums by N for each batch index, whatever the batch
	 * axes after it: with two batch axes or more it reads other rows'
	 * scales.  Its results are the reference, so the same steps here.
	 */
	size_t scale_step[BMM_BATCH_DIMS], colsum_step[BMM_BATCH_DIMS];
};

/* @shape of @rank extended to rank 5 with leading 1s. */
static void extend5(const int32_t *shape, int32_t rank, int32_t *d)
{
	for (int i = 0; i < 5; i++) {
		const int src = i - (5 - rank);

		d[i] = src < 0 ? 1 : shape[src];
	}
}

/*
 * The shapes TFLite's Eval multiplies: with rhs [..., 1, X, Y] and lhs
 * [..., Q, R, S] (both of rank 3 or more, no adj_x) it computes
 * lhs [..., Q * R, S] by rhs [..., X, Y].  The same product; it matters
 * for the hybrid form's indexing below.
 */
static void tflite_shapes(const struct npu_graph_tensor *l, const struct npu_graph_tensor *r,
			  bool adj_x, int32_t *ld, int32_t *rd)
{
	int32_t ls[5], rs[5];

	if (adj_x || l->rank < 3 || r->rank < 3 || r->shape[r->rank - 3] != 1) {
		extend5(l->shape, l->rank, ld);
		extend5(r->shape, r->rank, rd);
		return;
	}
	memcpy(ls, l->shape, sizeof(int32_t) * (size_t)l->rank);
	ls[l->rank - 3] *= ls[l->rank - 2];
	ls[l->rank - 2] = ls[l->rank - 1];
	memcpy(rs, r->shape, sizeof(int32_t) * (size_t)r->rank);
	rs[r->rank - 3] = rs[r->rank - 2];
	rs[r->rank - 2] = rs[r->rank - 1];
	extend5(ls, l->rank - 1, ld);
	extend5(rs, r->rank - 1, rd);
}

/*
 * The output bmm_prepare() expects: the batch axes broadcast, then rows by
 * columns (TFLite's Prepare); -1 when the operands do not multiply.
 */
int cpu_batch_matmul_shape(const struct npu_graph *g, const struct npu_graph_op *op,
			   uint32_t o, int32_t *dims)
{
	const struct npu_graph_tensor *l = cpu_in(g, op, 0), *r = cpu_in(g, op, 1);
	const bool opts = op->options_kind == NPU_OPTS_BATCH_MATMUL;
	const bool adj_x = opts && op->options.batch_matmul.adj_x;
	const bool adj_y = opts && op->options.batch_matmul.adj_y;
	int32_t ld[5], rd[5];
	int rank;

	if (o || !l || !r || l->rank < 2 || r->rank < 2 || l->rank > 5 || r->rank > 5)
		return -1;
	extend5(l->shape, l->rank, ld);
	extend5(r->shape, r->rank, rd);
	if ((adj_x ? ld[3] : ld[4]) != (adj_y ? rd[4] : rd[3]))
		return -1;
	rank = l->rank > r->rank ? l->rank : r->rank;
	for (int d = 0; d < rank - 2; d++) {
		const int i = BMM_BATCH_DIMS - (rank - 2) + d;

		if (ld[i] != rd[i] && ld[i] != 1 && rd[i] != 1)
			return -1;
		dims[d] = ld[i] == 1 ? rd[i] : ld[i];
	}
	dims[rank - 2] = adj_x ? ld[4] : ld[3];
	dims[rank - 1] = adj_y ? rd[3] : rd[4];
	return rank;
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
	const bool hybrid = l->type == NPU_TYPE_FLOAT32 && r->type == NPU_TYPE_INT8 &&
			    out->type == NPU_TYPE_FLOAT32;

	if (f32 || s8 || s16 || hybrid)
		return 0;
	cpu_msg(p->err, p->errlen, "%s x %s -> %s is not supported",
		npu_type_name(l->type), npu_type_name(r->type),
		npu_type_name(out->type));
	return -ENOTSUP;
}

/* Offset of element (i, k) of a [M, K] (or transposed [K, M]) matrix. */
static size_t at(bool adj, size_t i, size_t k, size_t m, size_t kk)
{
	return adj ? k * m + i : i * kk + k;
}

static void bmm_release(void *state)
{
	struct bmm_state *s = state;

	if (!s)
		return;
	free(s->col_sums);
	free(s->q);
	free(s->row_scale);
	free(s->row_zp);
	free(s->mat);
	free(s);
}

/*
 * The hybrid form's constants: the rhs scales (per tensor, or per output
 * column), the column sums of every rhs matrix (TFLite's row_sums of the
 * transposed filter) and the run-time scratch.
 */
static int bmm_hybrid_prepare(const struct cpu_prep *p, const struct npu_graph_tensor *l,
			      const struct npu_graph_tensor *r, struct bmm_state *s)
{
	const int8_t *w = r->data;
	const size_t mat = s->depth * s->cols;
	size_t r_mats, rows;

	if (!w) {
		cpu_msg(p->err, p->errlen, "hybrid BATCH_MATMUL needs constant int8 weights (rhs)");
		return -ENOTSUP;
	}
	if (!r->quant.count) {
		cpu_msg(p->err, p->errlen, "int8 weights without a scale");
		return -EINVAL;
	}
	if (r->quant.count > 1) {
		const int32_t dim = s->adj_y ? r->rank - 2 : r->rank - 1;

		if (r->quant.count != s->cols || r->quant.quantized_dimension != dim) {
			cpu_msg(p->err, p->errlen,
				"weights have %u scales along dimension %d, expected %zu along %d",
				r->quant.count, r->quant.quantized_dimension, s->cols, dim);
			return -EINVAL;
		}
		s->col_scale = r->quant.scale;
	}
	s->hybrid = true;
	s->asymmetric = p->op->options_kind == NPU_OPTS_BATCH_MATMUL &&
			p->op->options.batch_matmul.asymmetric_quantize_inputs;
	s->rhs_scale = cpu_scale(r);
	r_mats = mat ? r->elements / mat : 0;
	s->lhs_mats = s->rows && s->depth ? l->elements / (s->rows * s->depth) : 0;
	rows = s->lhs_mats * s->rows;
	s->col_sums = calloc(r_mats * s->cols + 1, sizeof(*s->col_sums));
	s->q = malloc(l->elements + 1);
	s->row_scale = calloc(rows + 1, sizeof(*s->row_scale));
	s->row_zp = calloc(rows + 1, sizeof(*s->row_zp));
	s->mat = malloc((s->rows * s->depth + 1) * sizeof(*s->mat));
	if (!s->col_sums || !s->q || !s->row_scale || !s->row_zp || !s->mat)
		return -ENOMEM;
	for (size_t b = 0; b < r_mats; b++)
		for (size_t j = 0; j < s->cols; j++)
			for (size_t k = 0; k < s->depth; k++)
				s->col_sums[b * s->cols + j] +=
					w[b * mat + at(!s->adj_y, j, k, s->cols, s->depth)];
	return 0;
}

/* Quantizes every lhs row of K values (the rows of lhs^T with adj_x). */
static void bmm_hybrid_quantize(struct bmm_state *s, const float *lhs)
{
	const size_t m = s->rows, kk = s->depth;

	for (size_t b = 0; b < s->lhs_mats; b++) {
		const float *src = lhs + b * m * kk;

		for (size_t i = 0; i < m; i++)
			for (size_t k = 0; k < kk; k++)
				s->mat[i * kk + k] = src[at(s->adj_x, i, k, m, kk)];
		for (size_t i = 0; i < m; i++) {
			const size_t row = b * m + i;

			if (s->asymmetric)
				cpu_quantize_asymmetric(s->mat + i * kk, kk, s->q + row * kk,
							&s->row_scale[row], &s->row_zp[row]);
			else
				cpu_quantize_symmetric(s->mat + i * kk, kk, s->q + row * kk,
						       &s->row_scale[row]);
			if (!s->col_scale)
				s->row_scale[row] *= s->rhs_scale;
		}
	}
}

/*
 * One output matrix of the hybrid form: the quantized rows @q, their
 * scales and offsets from @srow, the rhs matrix @rhs, its column sums from
 * @scol (TFLite's indexing, above).
 */
static void bmm_hybrid_one(const struct bmm_state *s, const int8_t *q, size_t srow,
			   const int8_t *rhs, size_t scol, float *out)
{
	const size_t m = s->rows, n = s->cols, kk = s->depth;

	for (size_t i = 0; i < m; i++, q += kk) {
		const float offset = (float)s->row_zp[srow + i];

		for (size_t j = 0; j < n; j++) {
			float scale = s->row_scale[srow + i];
			int32_t total = 0;

			for (size_t k = 0; k < kk; k++)
				total += rhs[at(!s->adj_y, j, k, n, kk)] * q[k];
			total = (int32_t)((float)total - (float)s->col_sums[scol + j] * offset);
			if (s->col_scale)
				scale *= s->col_scale[j];
			out[i * n + j] = 0.0f + scale * (float)total;
		}
	}
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
	if (l->type == NPU_TYPE_FLOAT32 && r->type == NPU_TYPE_INT8) {
		tflite_shapes(l, r, s->adj_x, ld, rd);
	} else {
		extend5(l->shape, l->rank, ld);
		extend5(r->shape, r->rank, rd);
	}
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
		s->scale_step[i] = ld[i] == 1 ? 0 : s->rows;
		s->colsum_step[i] = rd[i] == 1 ? 0 : s->cols;
		lsz *= (size_t)ld[i];
		rsz *= (size_t)rd[i];
		expect *= s->batch[i];
	}
	if (ret || out->elements != expect) {
		cpu_msg(p->err, p->errlen, "shapes do not multiply to the output's");
		free(s);
		return -EINVAL;
	}
	if (r->type == NPU_TYPE_INT8 && l->type == NPU_TYPE_FLOAT32) {
		ret = bmm_hybrid_prepare(p, l, r, s);
		if (ret) {
			bmm_release(s);
			return ret;
		}
	} else if (s->in_type != NPU_TYPE_FLOAT32) {
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

	if (s->hybrid)
		bmm_hybrid_quantize(state, a->inputs[0]);

	for (size_t b0 = 0; b0 < s->batch[0]; b0++)
	for (size_t b1 = 0; b1 < s->batch[1]; b1++)
	for (size_t b2 = 0; b2 < s->batch[2]; b2++, b++) {
		const size_t lo = b0 * s->lstride[0] + b1 * s->lstride[1] +
				  b2 * s->lstride[2];
		const size_t ro = b0 * s->rstride[0] + b1 * s->rstride[1] +
				  b2 * s->rstride[2];

		if (s->hybrid)
			bmm_hybrid_one(s, s->q + lo,
				       b0 * s->scale_step[0] + b1 * s->scale_step[1] +
				       b2 * s->scale_step[2], (const int8_t *)rhs + ro,
				       b0 * s->colsum_step[0] + b1 * s->colsum_step[1] +
				       b2 * s->colsum_step[2], (float *)out + b * s->rows * s->cols);
		else
			bmm_one(s, lhs + lo * isz, rhs + ro * isz,
				out + b * s->rows * s->cols * osz);
	}
	return 0;
}

const struct cpu_kernel cpu_kernel_batch_matmul = {
	.prepare = bmm_prepare,
	.invoke = bmm_invoke,
	.release = bmm_release,
};
