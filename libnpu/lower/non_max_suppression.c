// SPDX-License-Identifier: MIT
/*
 * NON_MAX_SUPPRESSION_V4 and _V5 (float32) on the CPU, as TFLite's
 * non_max_suppression.cc and its reference NonMaxSuppression: boxes
 * [n, 4] (y1, x1, y2, x2, either corner order), scores [n], a scalar
 * max_output_size, iou_threshold, score_threshold and, V5, soft_nms_sigma.
 * Candidates scoring above the threshold go into a max-priority queue;
 * the top one is compared with the boxes selected since it was last
 * looked at, newest first: an IoU >= iou_threshold drops it, else with
 * sigma > 0 its score is multiplied by expf(-0.5 / sigma * iou * iou) (the
 * Soft-NMS Gaussian, in float as TFLite); unchanged it is selected, still
 * above the threshold it goes back into the queue.  The queue is
 * libstdc++'s std::priority_queue heap, step for step (stl_heap.c), so
 * equal scores come out in TFLite's order.  Outputs: the selected indices (and, V5,
 * their scores), padded with zeros to max_output_size, and their count.
 *
 * TFLite sizes the index and score outputs to a constant max_output_size;
 * one computed at run time must equal their stored size here (the runtime
 * does not resize outputs).  float32 only, as the pinned TFLite (its
 * int8 / int16 forms are newer).  No NPU command.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "lower.h"

struct nms_candidate {
	int32_t index;
	float score;
	int32_t suppress_begin;
};

struct nms_state {
	bool soft;
	size_t boxes, max_out;
	struct nms_candidate *heap;	/* boxes entries */
	int32_t *selected;		/* boxes entries */
	float *scores;
};

/* std::min<float> / std::max<float>: the same operand on ties and NaNs. */
static float nms_min(float a, float b)
{
	return b < a ? b : a;
}

static float nms_max(float a, float b)
{
	return a < b ? b : a;
}

static float nms_iou(const float *boxes, int32_t i, int32_t j)
{
	const float *a = boxes + 4 * (size_t)i, *b = boxes + 4 * (size_t)j;
	const float ay0 = nms_min(a[0], a[2]), ay1 = nms_max(a[0], a[2]);
	const float ax0 = nms_min(a[1], a[3]), ax1 = nms_max(a[1], a[3]);
	const float by0 = nms_min(b[0], b[2]), by1 = nms_max(b[0], b[2]);
	const float bx0 = nms_min(b[1], b[3]), bx1 = nms_max(b[1], b[3]);
	const float area_a = (ay1 - ay0) * (ax1 - ax0);
	const float area_b = (by1 - by0) * (bx1 - bx0);
	float inter, uni;

	if (area_a <= 0.0f || area_b <= 0.0f)
		return 0.0f;
	inter = nms_max(nms_min(ay1, by1) - nms_max(ay0, by0), 0.0f) *
		nms_max(nms_min(ax1, bx1) - nms_max(ax0, bx0), 0.0f);
	uni = area_a + area_b - inter;
	if (uni == 0.0f)
		return 0.0f;
	return inter / uni;
}

/* std::less on the score: the queue's order. */
static bool nms_less(const void *a, const void *b, const void *ctx)
{
	(void)ctx;
	return ((const struct nms_candidate *)a)->score < ((const struct nms_candidate *)b)->score;
}

/* std::priority_queue::push: push_back, then std::push_heap. */
static void nms_push(struct nms_candidate *q, size_t *n, struct nms_candidate v)
{
	const struct lower_heap h = { q, sizeof(*q), nms_less, NULL };

	q[*n] = v;
	(*n)++;
	lower_heap_sift_up(&h, *n - 1, 0, &v);
}

/* std::priority_queue::pop after top(): std::pop_heap, then pop_back. */
static struct nms_candidate nms_pop(struct nms_candidate *q, size_t *n)
{
	const struct lower_heap h = { q, sizeof(*q), nms_less, NULL };
	const struct nms_candidate top = q[0];
	struct nms_candidate v;

	if (*n > 1) {
		v = q[*n - 1];
		q[*n - 1] = top;
		lower_heap_adjust(&h, 0, *n - 1, &v);
	}
	(*n)--;
	return top;
}

static void nms_release(void *state)
{
	struct nms_state *s = state;

	if (s) {
		free(s->heap);
		free(s->selected);
		free(s->scores);
	}
	free(s);
}

static int nms_prepare(const struct cpu_prep *p, void **state)
{
	const bool soft = p->op->builtin == NPU_BUILTIN_NON_MAX_SUPPRESSION_V5;
	const struct npu_graph_tensor *boxes, *scores, *max_out, *sel, *count;
	struct nms_state *s;
	int ret = cpu_need_io(p, soft ? 6 : 5, soft ? 6 : 5, soft ? 3 : 2);

	if (ret)
		return ret;
	boxes = lower_in(p, 0);
	scores = lower_in(p, 1);
	max_out = lower_in(p, 2);
	sel = lower_out(p, 0);
	count = lower_out(p, soft ? 2 : 1);
	if (boxes->type != NPU_TYPE_FLOAT32) {
		cpu_msg(p->err, p->errlen, "%s %s is not supported (float32)",
			npu_type_name(boxes->type), npu_op_name(p->op->builtin));
		return -ENOTSUP;
	}
	ret = cpu_need_type(p, scores, "scores", NPU_TYPE_FLOAT32);
	for (uint32_t i = 3; !ret && i < (soft ? 6u : 5u); i++)
		ret = cpu_need_type(p, lower_in(p, i), "threshold", NPU_TYPE_FLOAT32);
	if (!ret)
		ret = cpu_need_type(p, max_out, "max_output_size", NPU_TYPE_INT32);
	if (!ret)
		ret = cpu_need_type(p, sel, "selected_indices", NPU_TYPE_INT32);
	if (!ret)
		ret = cpu_need_type(p, count, "valid_outputs", NPU_TYPE_INT32);
	if (!ret && soft)
		ret = cpu_need_type(p, lower_out(p, 1), "selected_scores", NPU_TYPE_FLOAT32);
	if (ret)
		return ret;
	if (boxes->rank != 2 || boxes->shape[1] != 4 || scores->rank != 1 ||
	    scores->shape[0] != boxes->shape[0])
		return lower_fail(p, "needs boxes [n, 4] and scores [n]");
	if (max_out->rank != 0 || lower_in(p, 3)->rank != 0 || lower_in(p, 4)->rank != 0 ||
	    (soft && lower_in(p, 5)->rank != 0))
		return lower_fail(p, "max_output_size and the thresholds must be scalars");
	if (sel->rank != 1 || count->elements != 1 ||
	    (soft && (lower_out(p, 1)->rank != 1 || lower_out(p, 1)->shape[0] != sel->shape[0])))
		return lower_fail(p, "needs 1-D selected outputs and a scalar count");
	if (max_out->data && *(const int32_t *)max_out->data != sel->shape[0])
		return lower_fail(p, "max_output_size %d for outputs of %d",
				  *(const int32_t *)max_out->data, sel->shape[0]);
	s = calloc(1, sizeof(*s));
	if (!s)
		return -ENOMEM;
	s->soft = soft;
	s->boxes = (size_t)boxes->shape[0];
	s->max_out = (size_t)sel->shape[0];
	s->heap = calloc(s->boxes + 1, sizeof(*s->heap));
	s->selected = calloc(s->boxes + 1, sizeof(*s->selected));
	s->scores = calloc(s->boxes + 1, sizeof(*s->scores));
	if (!s->heap || !s->selected || !s->scores) {
		nms_release(s);
		return -ENOMEM;
	}
	*state = s;
	return 0;
}

static int nms_invoke(const struct npu_cpu_kernel_args *a, void *state)
{
	struct nms_state *s = state;
	const float *boxes = a->inputs[0], *scores = a->inputs[1];
	const int32_t max_out = *(const int32_t *)a->inputs[2];
	const float iou_threshold = *(const float *)a->inputs[3];
	const float score_threshold = *(const float *)a->inputs[4];
	const float sigma = s->soft ? *(const float *)a->inputs[5] : 0.0f;
	const float scale = sigma > 0.0f ? -0.5f / sigma : 0.0f;
	int32_t *out_idx = a->outputs[0];
	float *out_scores = s->soft ? a->outputs[1] : NULL;
	size_t queued = 0, selected = 0, wanted;

	if (max_out < 0 || (size_t)max_out != s->max_out) {
		cpu_msg(a->err, a->errlen,
			"max_output_size %d for outputs of %zu (outputs are not resized)",
			max_out, s->max_out);
		return -EINVAL;
	}
	if (s->soft && sigma < 0.0f) {
		cpu_msg(a->err, a->errlen, "invalid sigma %g for Soft-NMS", (double)sigma);
		return -EINVAL;
	}
	for (size_t i = 0; i < s->boxes; i++)
		if (scores[i] > score_threshold)
			nms_push(s->heap, &queued, (struct nms_candidate){
				.index = (int32_t)i, .score = scores[i] });
	wanted = queued < s->max_out ? queued : s->max_out;
	while (selected < wanted && queued) {
		struct nms_candidate c = nms_pop(s->heap, &queued);
		const float original = c.score;
		bool hard = false;

		for (int64_t j = (int64_t)selected - 1; j >= c.suppress_begin; j--) {
			const float iou = nms_iou(boxes, c.index, s->selected[j]);

			if (iou >= iou_threshold) {
				hard = true;
				break;
			}
			if (sigma > 0.0f)
				c.score = c.score * expf(scale * iou * iou);
			if (c.score <= score_threshold)
				break;
		}
		c.suppress_begin = (int32_t)selected;
		if (hard)
			continue;
		if (c.score == original) {
			s->selected[selected] = c.index;
			s->scores[selected] = c.score;
			selected++;
		}
		if (c.score > score_threshold)
			nms_push(s->heap, &queued, c);
	}
	for (size_t i = 0; i < s->max_out; i++) {
		out_idx[i] = i < selected ? s->selected[i] : 0;
		if (out_scores)
			out_scores[i] = i < selected ? s->scores[i] : 0.0f;
	}
	*(int32_t *)a->outputs[s->soft ? 2 : 1] = (int32_t)selected;
	return 0;
}

static const struct cpu_kernel nms_kernel = {
	.prepare = nms_prepare,
	.invoke = nms_invoke,
	.release = nms_release,
};

/*
 * The selected indices (and V5's scores) have max_output_size entries, a
 * constant: nms_prepare() sizes them so (the count is the last output).
 * The converter writes 1 there for V5 (shape_signature -1).
 */
static int nms_shape(const struct npu_graph *g, const struct npu_graph_op *op, uint32_t o,
		     int32_t *dims)
{
	const int32_t *v;
	size_t n;

	v = lower_shape_ints(cpu_in(g, op, 2), &n);
	if (!v || n != 1 || o + 1 >= op->num_outputs)
		return -1;
	dims[0] = v[0];
	return 1;
}

const struct npu_builtin_impl npu_builtin_non_max_suppression = {
	.cpu_kernel = &nms_kernel,
	.output_shape = nms_shape,
};
