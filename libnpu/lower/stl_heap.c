// SPDX-License-Identifier: MIT
/*
 * libstdc++'s heap steps (<bits/stl_heap.h>: __push_heap, __adjust_heap),
 * one for one, over elements of any size: TFLite's kernels built with it
 * order equal keys as they leave its heaps (std::priority_queue in
 * NON_MAX_SUPPRESSION_V4/V5, std::partial_sort in
 * TFLite_Detection_PostProcess), so matching their bytes takes the same
 * steps, not just any heap.
 */
#include <string.h>

#include "lower.h"

#define ELEM(h, i) ((unsigned char *)(h)->base + (size_t)(i) * (h)->size)

void lower_heap_sift_up(const struct lower_heap *h, size_t hole, size_t top, const void *value)
{
	size_t parent = (hole - 1) / 2;

	while (hole > top && h->less(ELEM(h, parent), value, h->ctx)) {
		memcpy(ELEM(h, hole), ELEM(h, parent), h->size);
		hole = parent;
		parent = (hole - 1) / 2;
	}
	memcpy(ELEM(h, hole), value, h->size);
}

void lower_heap_adjust(const struct lower_heap *h, size_t hole, size_t len, const void *value)
{
	const size_t top = hole;
	size_t child = hole;

	while (len > 1 && child < (len - 1) / 2) {
		child = 2 * (child + 1);
		if (h->less(ELEM(h, child), ELEM(h, child - 1), h->ctx))
			child--;
		memcpy(ELEM(h, hole), ELEM(h, child), h->size);
		hole = child;
	}
	if (len > 1 && (len & 1) == 0 && child == (len - 2) / 2) {
		child = 2 * (child + 1);
		memcpy(ELEM(h, hole), ELEM(h, child - 1), h->size);
		hole = child - 1;
	}
	lower_heap_sift_up(h, hole, top, value);
}
