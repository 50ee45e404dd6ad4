// SPDX-License-Identifier: MIT
/*
 * The custom op TFLite_Detection_PostProcess (SSD's box decoding and
 * non-maximum suppression), which TFLite registers itself: CPU only.
 *
 * As TFLite's kernel (kernels/detection_postprocess.cc): boxes decoded from
 * centre-size encodings and anchors in double precision and stored as float
 * corners; scores above nms_score_threshold sorted by a stable descending
 * sort; greedy suppression by float IoU.  Regular NMS runs per class and
 * merges each class's picks into the running list, earlier classes first
 * on equal scores (measured against the reference interpreter); fast NMS
 * ranks each anchor's classes with std::partial_sort, reproduced here as
 * libstdc++ implements it (heap select, then sort_heap), so ties among an
 * anchor's classes come out in the same order.  uint8 inputs (legacy
 * quantized SSDs) are dequantized as TFLite does, float32 taken as they
 * are.  The outputs are the same floats as TFLite's; rows past the number
 * of detections, which TFLite leaves as the memory held them, are zeros.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "lower.h"
#include "../tflite/detection_options.h"

struct box {
	float ymin, xmin, ymax, xmax;
};

struct pick {
	int32_t index;
	float score;
};

struct det_state {
	struct npu_detection_options o;
	int num_boxes, box_len, classes_with_bg, label_offset;
	enum npu_type type;
	float box_scale, anchor_scale, score_scale;
	float box_zp, anchor_zp;
	int32_t score_zp;
	/* scratch, allocated with the state */
	struct box *decoded;
	float *scores;		/* dequantized scores (uint8 input) */
	float *class_scores;	/* num_boxes */
	int *keep, *order, *tmp, *class_order;
	float *keep_scores;
	uint8_t *active;
	int *selected;
	struct pick *picks, *merged;	/* max_detections + detections per class */
};

static void det_release(void *state)
{
	struct det_state *s = state;

	if (!s)
		return;
	free(s->decoded);
	free(s->scores);
	free(s->class_scores);
	free(s->keep);
	free(s->order);
	free(s->tmp);
	free(s->class_order);
	free(s->keep_scores);
	free(s->active);
	free(s->selected);
	free(s->picks);
	free(s->merged);
	free(s);
}

static int need_shape(const struct cpu_prep *p, const struct npu_graph_tensor *t,
		      const char *what, int rank, int d0, int d1, int d2)
{
	const int want[3] = { d0, d1, d2 };

	if (t->rank != rank)
		goto bad;
	for (int i = 0; i < rank; i++)
		if (want[i] >= 0 && t->shape[i] != want[i])
			goto bad;
	return 0;
bad:
	cpu_msg(p->err, p->errlen, "%s has the wrong shape (rank %d)", what, t->rank);
	return -EINVAL;
}

static int det_prepare(const struct cpu_prep *p, void **state)
{
	const struct npu_graph_tensor *boxes, *cls, *anchors;
	struct det_state *s;
	int n, per_class, ret;
	int64_t num_out;

	ret = cpu_need_io(p, 3, 3, 4);
	if (ret)
		return ret;
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	ret = npu_detection_options_parse(p->op->custom_options, p->op->custom_options_size,
					  &s->o, p->err, p->errlen);
	if (ret)
		goto fail;
	ret = -EINVAL;
	boxes = cpu_in(p->g, p->op, 0);
	cls = cpu_in(p->g, p->op, 1);
	anchors = cpu_in(p->g, p->op, 2);
	if (boxes->rank != 3 || cls->rank != 3 || anchors->rank != 2 ||
	    boxes->shape[0] != 1 || boxes->shape[2] < 4 || cls->shape[0] != 1 ||
	    cls->shape[1] != boxes->shape[1] || anchors->shape[0] != boxes->shape[1] ||
	    anchors->shape[1] != 4) {
		cpu_msg(p->err, p->errlen,
			"needs box encodings [1, N, >=4], class predictions [1, N, C] and anchors [N, 4]");
		goto fail;
	}
	s->num_boxes = n = boxes->shape[1];
	s->box_len = boxes->shape[2];
	s->classes_with_bg = cls->shape[2];
	s->label_offset = s->classes_with_bg - s->o.num_classes;
	if (s->o.num_classes <= 0 || s->label_offset < 0 || s->label_offset > 1) {
		cpu_msg(p->err, p->errlen, "num_classes %d does not fit %d class predictions",
			s->o.num_classes, s->classes_with_bg);
		goto fail;
	}
	per_class = s->o.detections_per_class < s->o.max_detections ?
		    s->o.detections_per_class : s->o.max_detections;
	if (s->o.max_detections < 0 || s->o.max_detections > 65536 ||
	    !(s->o.nms_iou_threshold > 0.0f && s->o.nms_iou_threshold <= 1.0f) ||
	    (s->o.use_regular_nms && per_class <= 0) ||
	    (!s->o.use_regular_nms && s->o.max_classes_per_detection <= 0)) {
		cpu_msg(p->err, p->errlen,
			"invalid options: max_detections %d, max_classes_per_detection %d, detections_per_class %d, nms_iou_threshold %g",
			s->o.max_detections, s->o.max_classes_per_detection,
			s->o.detections_per_class, (double)s->o.nms_iou_threshold);
		goto fail;
	}
	num_out = (int64_t)s->o.max_detections * s->o.max_classes_per_detection;
	if (num_out < s->o.max_detections)
		num_out = s->o.max_detections;
	if ((ret = need_shape(p, cpu_out(p->g, p->op, 0), "detection_boxes", 3, 1,
			      (int)num_out, 4)) ||
	    (ret = need_shape(p, cpu_out(p->g, p->op, 1), "detection_classes", 2, 1,
			      (int)num_out, 0)) ||
	    (ret = need_shape(p, cpu_out(p->g, p->op, 2), "detection_scores", 2, 1,
			      (int)num_out, 0)) ||
	    (ret = need_shape(p, cpu_out(p->g, p->op, 3), "num_detections", 1, 1, 0, 0)))
		goto fail;
	for (uint32_t i = 0; i < 4; i++) {
		if (cpu_out(p->g, p->op, i)->type != NPU_TYPE_FLOAT32) {
			cpu_msg(p->err, p->errlen, "output %u must be float32", i);
			goto fail;
		}
	}
	s->type = boxes->type;
	if (s->type == NPU_TYPE_UINT8) {
		if (cls->type != NPU_TYPE_UINT8 || anchors->type != NPU_TYPE_UINT8) {
			cpu_msg(p->err, p->errlen,
				"uint8 box encodings need uint8 class predictions and anchors");
			ret = -ENOTSUP;
			goto fail;
		}
		s->box_scale = cpu_scale(boxes);
		s->box_zp = (float)cpu_zero_point(boxes);
		s->anchor_scale = cpu_scale(anchors);
		s->anchor_zp = (float)cpu_zero_point(anchors);
		s->score_scale = cpu_scale(cls);
		s->score_zp = cpu_zero_point(cls);
	} else if (s->type != NPU_TYPE_FLOAT32 || cls->type != NPU_TYPE_FLOAT32 ||
		   anchors->type != NPU_TYPE_FLOAT32) {
		cpu_msg(p->err, p->errlen,
			"inputs %s/%s/%s: float32 or uint8 (all three) are supported",
			npu_type_name(boxes->type), npu_type_name(cls->type),
			npu_type_name(anchors->type));
		ret = -ENOTSUP;
		goto fail;
	}
	{
		const size_t nb = (size_t)n > 0 ? (size_t)n : 1;
		const size_t picks = (size_t)s->o.max_detections + (size_t)per_class + 1;
		const int cpa = s->o.max_classes_per_detection < s->o.num_classes ?
				s->o.max_classes_per_detection : s->o.num_classes;

		s->decoded = calloc(nb, sizeof(*s->decoded));
		s->class_scores = calloc(nb, sizeof(float));
		s->keep = calloc(nb, sizeof(int));
		s->order = calloc(nb, sizeof(int));
		s->tmp = calloc(nb > (size_t)s->o.num_classes ? nb : (size_t)s->o.num_classes,
				sizeof(int));
		s->class_order = calloc(nb * (size_t)(cpa > 0 ? cpa : 1) + (size_t)s->o.num_classes,
					sizeof(int));
		s->keep_scores = calloc(nb, sizeof(float));
		s->active = calloc(nb, 1);
		s->selected = calloc(nb, sizeof(int));
		s->picks = calloc(picks, sizeof(*s->picks));
		s->merged = calloc(picks, sizeof(*s->merged));
		if (s->type == NPU_TYPE_UINT8)
			s->scores = calloc(nb * (size_t)s->classes_with_bg, sizeof(float));
		if (!s->decoded || !s->class_scores || !s->keep || !s->order || !s->tmp ||
		    !s->class_order || !s->keep_scores || !s->active || !s->selected ||
		    !s->picks || !s->merged || (s->type == NPU_TYPE_UINT8 && !s->scores)) {
			ret = -ENOMEM;
			goto fail;
		}
	}
	*state = s;
	return 0;
fail:
	det_release(s);
	return ret;
}

/* ---- box decoding ---- */

static void decode(struct det_state *s, const void *box_data, const void *anchor_data)
{
	const struct npu_detection_options *o = &s->o;

	for (int i = 0; i < s->num_boxes; i++) {
		float y, x, h, w, ay, ax, ah, aw, ycenter, xcenter, half_h, half_w;
		struct box *b = &s->decoded[i];

		if (s->type == NPU_TYPE_UINT8) {
			const uint8_t *e = (const uint8_t *)box_data + (size_t)i * s->box_len;
			const uint8_t *a = (const uint8_t *)anchor_data + (size_t)i * 4;

			y = ((float)e[0] - s->box_zp) * s->box_scale;
			x = ((float)e[1] - s->box_zp) * s->box_scale;
			h = ((float)e[2] - s->box_zp) * s->box_scale;
			w = ((float)e[3] - s->box_zp) * s->box_scale;
			ay = ((float)a[0] - s->anchor_zp) * s->anchor_scale;
			ax = ((float)a[1] - s->anchor_zp) * s->anchor_scale;
			ah = ((float)a[2] - s->anchor_zp) * s->anchor_scale;
			aw = ((float)a[3] - s->anchor_zp) * s->anchor_scale;
		} else {
			const float *e = (const float *)box_data + (size_t)i * s->box_len;
			const float *a = (const float *)anchor_data + (size_t)i * 4;

			y = e[0], x = e[1], h = e[2], w = e[3];
			ay = a[0], ax = a[1], ah = a[2], aw = a[3];
		}
		ycenter = (float)((double)y / (double)o->y_scale * (double)ah + (double)ay);
		xcenter = (float)((double)x / (double)o->x_scale * (double)aw + (double)ax);
		half_h = (float)(0.5 * exp((double)h / (double)o->h_scale) * (double)ah);
		half_w = (float)(0.5 * exp((double)w / (double)o->w_scale) * (double)aw);
		b->ymin = ycenter - half_h;
		b->xmin = xcenter - half_w;
		b->ymax = ycenter + half_h;
		b->xmax = xcenter + half_w;
	}
}

static float iou(const struct box *a, const struct box *b)
{
	const float area_a = (a->ymax - a->ymin) * (a->xmax - a->xmin);
	const float area_b = (b->ymax - b->ymin) * (b->xmax - b->xmin);
	float iy0, ix0, iy1, ix1, inter;

	if (area_a <= 0 || area_b <= 0)
		return 0.0f;
	iy0 = fmaxf(a->ymin, b->ymin);
	ix0 = fmaxf(a->xmin, b->xmin);
	iy1 = fminf(a->ymax, b->ymax);
	ix1 = fminf(a->xmax, b->xmax);
	inter = fmaxf(iy1 - iy0, 0.0f) * fmaxf(ix1 - ix0, 0.0f);
	return inter / (area_a + area_b - inter);
}

/* ---- sorting as TFLite's C++ library does it ---- */

/* std::stable_sort of indices 0..n-1 by descending value (merge sort). */
static void stable_argsort_desc(const float *v, int n, int *idx, int *tmp)
{
	for (int i = 0; i < n; i++)
		idx[i] = i;
	for (int width = 1; width < n; width *= 2) {
		for (int lo = 0; lo < n; lo += 2 * width) {
			const int mid = lo + width < n ? lo + width : n;
			const int hi = lo + 2 * width < n ? lo + 2 * width : n;
			int a = lo, b = mid, k = lo;

			while (a < mid && b < hi)
				tmp[k++] = v[idx[b]] > v[idx[a]] ? idx[b++] : idx[a++];
			while (a < mid)
				tmp[k++] = idx[a++];
			while (b < hi)
				tmp[k++] = idx[b++];
		}
		memcpy(idx, tmp, (size_t)n * sizeof(*idx));
	}
}

/* The heap's comparator: comp(i, j) = v[i] > v[j] (a min-heap of v). */
static bool index_greater(const void *a, const void *b, const void *ctx)
{
	const float *v = ctx;

	return v[*(const int *)a] > v[*(const int *)b];
}

static void adjust_heap(const float *v, int *h, int hole, int len, int value)
{
	const struct lower_heap heap = { h, sizeof(*h), index_greater, v };

	lower_heap_adjust(&heap, (size_t)hole, (size_t)len, &value);
}

/* std::partial_sort(idx, idx + k, idx + n) by descending value (libstdc++). */
static void partial_argsort_desc(const float *v, int n, int k, int *idx)
{
	for (int i = 0; i < n; i++)
		idx[i] = i;
	if (k > 1) {
		for (int parent = (k - 2) / 2; parent >= 0; parent--)
			adjust_heap(v, idx, parent, k, idx[parent]);
	}
	for (int i = k; i < n; i++) {
		if (v[idx[i]] > v[idx[0]]) {
			const int value = idx[i];

			idx[i] = idx[0];
			adjust_heap(v, idx, 0, k, value);
		}
	}
	for (int last = k - 1; last > 0; last--) {
		const int value = idx[last];

		idx[last] = idx[0];
		adjust_heap(v, idx, 0, last, value);
	}
}

/* optimized_ops::ArgMaxVector: the first maximum. */
static int argmax(const float *v, int n)
{
	int best = 0;

	for (int i = 1; i < n; i++)
		if (v[i] > v[best])
			best = i;
	return best;
}

/* ---- suppression ---- */

/* NonMaxSuppressionSingleClassHelper: indices of the kept boxes, best first. */
static int nms_single(struct det_state *s, const float *scores, int max_det)
{
	int kept = 0, out = 0, active, limit;

	for (int i = 0; i < s->num_boxes; i++) {
		if (scores[i] >= s->o.nms_score_threshold) {
			s->keep_scores[kept] = scores[i];
			s->keep[kept++] = i;
		}
	}
	stable_argsort_desc(s->keep_scores, kept, s->order, s->tmp);
	limit = kept < max_det ? kept : max_det;
	active = kept;
	memset(s->active, 1, (size_t)kept);
	for (int i = 0; i < kept; i++) {
		if (active == 0 || out >= limit)
			break;
		if (!s->active[i])
			continue;
		s->selected[out++] = s->keep[s->order[i]];
		s->active[i] = 0;
		active--;
		for (int j = i + 1; j < kept; j++) {
			if (s->active[j] &&
			    iou(&s->decoded[s->keep[s->order[i]]], &s->decoded[s->keep[s->order[j]]]) >
			    s->o.nms_iou_threshold) {
				s->active[j] = 0;
				active--;
			}
		}
	}
	return out;
}

static void write_row(float *boxes, float *classes, float *scores, int row,
		      const struct box *b, float cls, float score)
{
	boxes[4 * row + 0] = b->ymin;
	boxes[4 * row + 1] = b->xmin;
	boxes[4 * row + 2] = b->ymax;
	boxes[4 * row + 3] = b->xmax;
	classes[row] = cls;
	scores[row] = score;
}

/* Regular NMS: per class, merged by score, earlier classes first on ties. */
static int nms_regular(struct det_state *s, const float *scores, float *boxes,
		       float *classes, float *out_scores)
{
	const int max_det = s->o.max_detections;
	const int per_class = s->o.detections_per_class < max_det ?
			      s->o.detections_per_class : max_det;
	const int stride = s->classes_with_bg;
	struct pick *p = s->picks;
	int size = 0;

	for (int col = 0; col < s->o.num_classes; col++) {
		int n, a, b, k, end;

		for (int row = 0; row < s->num_boxes; row++)
			s->class_scores[row] = scores[(size_t)row * stride + col + s->label_offset];
		n = nms_single(s, s->class_scores, per_class);
		if (!n)
			continue;
		/* merge p[0, size) (kept) with the n new picks into tmp order */
		for (int i = 0; i < n; i++) {
			p[size + i].index = s->selected[i] * stride + col + s->label_offset;
			p[size + i].score = s->class_scores[s->selected[i]];
		}
		end = size + n;
		a = 0, b = size, k = 0;
		while (a < size && b < end)
			s->merged[k++] = p[b].score > p[a].score ? p[b++] : p[a++];
		while (a < size)
			s->merged[k++] = p[a++];
		while (b < end)
			s->merged[k++] = p[b++];
		memcpy(p, s->merged, (size_t)end * sizeof(*p));
		size = end < max_det ? end : max_det;
	}
	for (int row = 0; row < max_det; row++) {
		static const struct box zero;

		if (row < size) {
			const int anchor = p[row].index / stride;

			write_row(boxes, classes, out_scores, row, &s->decoded[anchor],
				  (float)(p[row].index - anchor * stride - s->label_offset),
				  p[row].score);
		} else {
			write_row(boxes, classes, out_scores, row, &zero, 0.0f, 0.0f);
		}
	}
	return size;
}

/* Fast NMS: each anchor ranked by its best class, its top classes kept. */
static int nms_fast(struct det_state *s, const float *scores, float *boxes,
		    float *classes, float *out_scores)
{
	const int stride = s->classes_with_bg;
	const int cpa = s->o.max_classes_per_detection < s->o.num_classes ?
			s->o.max_classes_per_detection : s->o.num_classes;
	int n;

	for (int row = 0; row < s->num_boxes; row++) {
		const float *bs = scores + (size_t)row * stride + s->label_offset;
		int *ci = s->class_order + (size_t)row * cpa;

		if (cpa == 1) {
			ci[0] = argmax(bs, s->o.num_classes);
		} else {
			partial_argsort_desc(bs, s->o.num_classes, cpa, s->tmp);
			memcpy(ci, s->tmp, (size_t)cpa * sizeof(*ci));
		}
		s->class_scores[row] = bs[ci[0]];
	}
	n = nms_single(s, s->class_scores, s->o.max_detections);
	for (int i = 0; i < n; i++) {
		const int sel = s->selected[i];
		const float *bs = scores + (size_t)sel * stride + s->label_offset;
		const int *ci = s->class_order + (size_t)sel * cpa;

		for (int col = 0; col < cpa; col++) {
			const int row = s->o.max_classes_per_detection * i + col;

			write_row(boxes, classes, out_scores, row, &s->decoded[sel],
				  (float)ci[col], bs[ci[col]]);
		}
	}
	return n;
}

static int det_invoke(const struct npu_cpu_kernel_args *a, void *state)
{
	struct det_state *s = state;
	const float *scores = a->inputs[1];
	float *boxes = a->outputs[0], *classes = a->outputs[1], *out_scores = a->outputs[2];
	const size_t rows = a->graph->tensors[a->op->outputs[1]].elements;
	int n;

	decode(s, a->inputs[0], a->inputs[2]);
	for (int i = 0; i < s->num_boxes; i++) {
		const struct box *b = &s->decoded[i];

		if (b->ymin > b->ymax || b->xmin > b->xmax) {
			cpu_msg(a->err, a->errlen,
				"decoded box %d is inverted (negative anchor size?)", i);
			return -EINVAL;
		}
	}
	if (s->type == NPU_TYPE_UINT8) {
		const uint8_t *q = a->inputs[1];
		const size_t count = (size_t)s->num_boxes * s->classes_with_bg;

		/* optimized_ops::Dequantize: (q - zp) * scale, in double, to float */
		for (size_t i = 0; i < count; i++)
			s->scores[i] = (float)((double)s->score_scale * (q[i] - s->score_zp));
		scores = s->scores;
	}
	memset(boxes, 0, rows * 4 * sizeof(float));
	memset(classes, 0, rows * sizeof(float));
	memset(out_scores, 0, rows * sizeof(float));
	if (s->o.use_regular_nms)
		n = nms_regular(s, scores, boxes, classes, out_scores);
	else
		n = nms_fast(s, scores, boxes, classes, out_scores);
	*(float *)a->outputs[3] = (float)n;
	return 0;
}

static const struct cpu_kernel det_kernel = {
	.prepare = det_prepare,
	.invoke = det_invoke,
	.release = det_release,
};

/* CPU only: float box decoding and sorting. */
const struct npu_builtin_impl npu_custom_detection_postprocess = {
	.cpu_kernel = &det_kernel,
};
