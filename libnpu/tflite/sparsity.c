// SPDX-License-Identifier: MIT
/*
 * Sparse constant tensors (schema.fbs SparsityParameters), densified at
 * load so nothing after the reader sees them.
 *
 * A tensor of rank n with k blocked dimensions is stored as n + k
 * "expanded" dimensions: 0..n-1 the original ones (a blocked dimension d
 * counts blocks: shape[d] / block size), n..n+k-1 the blocks (block j splits
 * dimension block_map[j]).  traversal_order lists the expanded dimensions
 * outermost first; dim_metadata[l] stores level l: DENSE (every index up to
 * dense_size) or SPARSE_CSR (per position of the level above, a segment of
 * array_indices, CSR style).  The stored values follow in traversal order.
 *
 * Everything is validated before one value is written: the permutation,
 * block sizes dividing their dimension, every segment boundary and index in
 * range, and the number of values the levels reach equal to the number
 * stored.  The fill then cannot leave the dense buffer.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "sparsity.h"

/* SparsityParameters, DimensionMetadata, Int32Vector/Uint16Vector/Uint8Vector */
enum { SP_TRAVERSAL_ORDER, SP_BLOCK_MAP, SP_DIM_METADATA };
enum { DM_FORMAT, DM_DENSE_SIZE, DM_SEGMENTS_TYPE, DM_SEGMENTS, DM_INDICES_TYPE, DM_INDICES };
enum { DIM_DENSE, DIM_SPARSE_CSR };
enum { SIV_NONE, SIV_INT32, SIV_UINT16, SIV_UINT8 };

#define MAX_LEVELS (2 * NPU_GRAPH_MAX_DIMS)

struct sparse_vec {
	struct fb_vec v;	/* v.count entries */
	uint8_t type;		/* SIV_* */
	const int32_t *arr;	/* or these (tflite_densify_levels()) */
};

struct level {
	uint8_t format;
	uint32_t dim;		/* expanded dimension traversed */
	uint32_t size;		/* its extent */
	struct sparse_vec segments, indices;
};

struct densify {
	const struct fb *fb;
	uint32_t rank, num_levels;
	struct level lv[MAX_LEVELS];
	uint32_t extent[MAX_LEVELS];	/* per expanded dimension */
	int32_t block_of[NPU_GRAPH_MAX_DIMS];	/* block j of dimension d, or -1 */
	uint32_t coord[MAX_LEVELS];	/* per expanded dimension */
	uint64_t stride[NPU_GRAPH_MAX_DIMS];
	const uint8_t *values;
	uint64_t next, count;
	size_t elem;
	uint8_t *dense;
};

#define FAIL(z, code, ...)				\
	do {						\
		fb_fail((z)->fb, __VA_ARGS__);		\
		return (code);				\
	} while (0)

static uint32_t sv_get(const struct fb *fb, const struct sparse_vec *s, uint32_t i)
{
	if (s->arr)
		return (uint32_t)s->arr[i];
	switch (s->type) {
	case SIV_INT32:
		return (uint32_t)fb_read_i32(fb, s->v.pos + 4 * i);
	case SIV_UINT16:
		return fb_read_u16(fb, s->v.pos + 2 * i);
	default:
		return fb->data[s->v.pos + i];
	}
}

/* The SparseIndexVector union at fields @type_id/@type_id + 1 of @dm. */
static int read_sparse_vec(struct densify *z, const struct fb_table *dm, unsigned int type_id,
			   struct sparse_vec *s, const char *what, uint32_t l, const char *name)
{
	static const unsigned int elem[] = { 0, 4, 2, 1 };
	struct fb_table vt;
	bool present;

	if (!fb_get_u8(z->fb, dm, type_id, SIV_NONE, &s->type, what) ||
	    !fb_get_table(z->fb, dm, type_id + 1, &vt, &present, what))
		return -EINVAL;
	if (s->type == SIV_NONE || s->type > SIV_UINT8 || !present)
		FAIL(z, -EINVAL, "%s: sparse level %u has no valid %s vector (union type %u)",
		     what, l, name, s->type);
	if (!fb_get_vec(z->fb, &vt, 0, elem[s->type], &s->v, what))
		return -EINVAL;
	if (s->type == SIV_INT32)
		for (uint32_t i = 0; i < s->v.count; i++)
			if (fb_read_i32(z->fb, s->v.pos + 4 * i) < 0)
				FAIL(z, -EINVAL, "%s: sparse level %u: %s[%u] is negative",
				     what, l, name, i);
	return 0;
}

/*
 * traversal_order (@num_order entries) and block_map (@num_blocks): the
 * expanded extents and which dims are blocked; @num_dims levels described.
 */
static int set_order(struct densify *z, const int32_t *order, uint32_t num_order,
		     const int32_t *bmap, uint32_t num_blocks, uint32_t num_dims,
		     const struct npu_graph_tensor *t, const char *what)
{
	bool seen[MAX_LEVELS] = { false };
	uint32_t n = z->rank;

	if (num_blocks > n)
		FAIL(z, -EINVAL, "%s: %u block dimensions for a tensor of rank %u", what, num_blocks, n);
	z->num_levels = n + num_blocks;
	if (num_order != z->num_levels || num_dims != z->num_levels)
		FAIL(z, -EINVAL,
		     "%s: rank %u with %u blocks needs %u traversal_order and dim_metadata entries, not %u and %u",
		     what, n, num_blocks, z->num_levels, num_order, num_dims);
	for (uint32_t d = 0; d < n; d++)
		z->block_of[d] = -1;
	for (uint32_t j = 0; j < num_blocks; j++) {
		int32_t d = bmap[j];

		if (d < 0 || (uint32_t)d >= n || z->block_of[d] >= 0)
			FAIL(z, -EINVAL, "%s: block_map[%u] = %d is not a distinct dimension below %u",
			     what, j, d, n);
		z->block_of[d] = (int32_t)j;
	}
	for (uint32_t l = 0; l < z->num_levels; l++) {
		int32_t e = order[l];

		if (e < 0 || (uint32_t)e >= z->num_levels || seen[e])
			FAIL(z, -EINVAL, "%s: traversal_order is not a permutation of 0..%u (entry %u is %d)",
			     what, z->num_levels - 1, l, e);
		seen[e] = true;
		z->lv[l].dim = (uint32_t)e;
	}
	for (uint32_t d = 0; d < n; d++)
		z->extent[d] = (uint32_t)t->shape[d];
	return 0;
}

/* The flatbuffer's traversal_order and block_map, through set_order(). */
static int read_order(struct densify *z, const struct fb_table *sp,
		      const struct npu_graph_tensor *t, const char *what)
{
	struct fb_vec order, bmap, dims;
	int32_t o[MAX_LEVELS], b[NPU_GRAPH_MAX_DIMS];

	if (!fb_get_vec(z->fb, sp, SP_TRAVERSAL_ORDER, 4, &order, what) ||
	    !fb_get_vec(z->fb, sp, SP_BLOCK_MAP, 4, &bmap, what) ||
	    !fb_get_vec(z->fb, sp, SP_DIM_METADATA, 4, &dims, what))
		return -EINVAL;
	if (bmap.count > z->rank)
		FAIL(z, -EINVAL, "%s: %u block dimensions for a tensor of rank %u", what,
		     bmap.count, z->rank);
	if (order.count > MAX_LEVELS)
		FAIL(z, -EINVAL, "%s: %u traversal_order entries for a tensor of rank %u", what,
		     order.count, z->rank);
	for (uint32_t i = 0; i < order.count; i++)
		o[i] = fb_read_i32(z->fb, order.pos + 4 * i);
	for (uint32_t i = 0; i < bmap.count; i++)
		b[i] = fb_read_i32(z->fb, bmap.pos + 4 * i);
	return set_order(z, o, order.count, b, bmap.count, dims.count, t, what);
}

/* Block sizes (dense_size of the level walking each block dimension). */
static int read_blocks(struct densify *z, const char *what)
{
	for (uint32_t l = 0; l < z->num_levels; l++) {
		const struct level *v = &z->lv[l];
		uint32_t j, d;

		if (v->dim < z->rank)
			continue;
		j = v->dim - z->rank;
		for (d = 0; d < z->rank && z->block_of[d] != (int32_t)j; d++)
			;
		if (v->format != DIM_DENSE || !v->size || z->extent[d] % v->size)
			FAIL(z, -EINVAL,
			     "%s: block %u of dimension %u (extent %u) needs a dense level whose size divides it (level %u: %s, size %u)",
			     what, j, d, z->extent[d], l,
			     v->format == DIM_DENSE ? "dense" : "sparse", v->size);
		z->extent[v->dim] = v->size;
		z->extent[d] /= v->size;
	}
	return 0;
}

/* Every level in range; the values reached equal the values stored. */
static int check_levels(struct densify *z, const char *what)
{
	uint64_t positions = 1;

	for (uint32_t l = 0; l < z->num_levels; l++) {
		const struct level *v = &z->lv[l];
		const uint32_t ext = z->extent[v->dim];
		uint32_t prev_end = 0;

		if (v->format == DIM_DENSE) {
			if (v->size != ext)
				FAIL(z, -EINVAL, "%s: dense level %u has size %u but its dimension has %u",
				     what, l, v->size, ext);
			positions *= ext;	/* <= the dense element count, < 2^31 */
			continue;
		}
		if (v->segments.v.count != positions + 1)
			FAIL(z, -EINVAL, "%s: sparse level %u has %u segment boundaries, expected %" PRIu64,
			     what, l, v->segments.v.count, positions + 1);
		if (sv_get(z->fb, &v->segments, 0) != 0)
			FAIL(z, -EINVAL, "%s: sparse level %u: the first segment does not start at 0",
			     what, l);
		for (uint32_t p = 0; p < positions; p++) {
			const uint32_t end = sv_get(z->fb, &v->segments, p + 1);

			if (end < prev_end || end > v->indices.v.count)
				FAIL(z, -EINVAL,
				     "%s: sparse level %u: segment %u ends at %u (previous end %u, %u indices)",
				     what, l, p, end, prev_end, v->indices.v.count);
			for (uint32_t i = prev_end; i < end; i++) {
				const uint32_t idx = sv_get(z->fb, &v->indices, i);

				if (idx >= ext || (i > prev_end && idx <= sv_get(z->fb, &v->indices, i - 1)))
					FAIL(z, -EINVAL,
					     "%s: sparse level %u: index %u at %u is out of range or order (dimension extent %u)",
					     what, l, idx, i, ext);
			}
			prev_end = end;
		}
		if (prev_end != v->indices.v.count)
			FAIL(z, -EINVAL, "%s: sparse level %u: segments cover %u of %u indices",
			     what, l, prev_end, v->indices.v.count);
		positions = prev_end;
	}
	if (positions != z->count)
		FAIL(z, -EINVAL, "%s: the sparsity describes %" PRIu64 " values but the buffer holds %" PRIu64,
		     what, positions, z->count);
	return 0;
}

static void fill(struct densify *z, uint32_t l, uint64_t pos)
{
	const struct level *v;

	if (l == z->num_levels) {
		uint64_t flat = 0;

		for (uint32_t d = 0; d < z->rank; d++) {
			uint64_t c = z->coord[d];

			if (z->block_of[d] >= 0) {
				const uint32_t b = z->rank + (uint32_t)z->block_of[d];

				c = c * z->extent[b] + z->coord[b];
			}
			flat += c * z->stride[d];
		}
		if (z->next < z->count)	/* check_levels() proved it */
			memcpy(z->dense + flat * z->elem, z->values + z->next++ * z->elem, z->elem);
		return;
	}
	v = &z->lv[l];
	if (v->format == DIM_DENSE) {
		for (uint32_t i = 0; i < v->size; i++) {
			z->coord[v->dim] = i;
			fill(z, l + 1, pos * v->size + i);
		}
		return;
	}
	for (uint32_t i = sv_get(z->fb, &v->segments, (uint32_t)pos);
	     i < sv_get(z->fb, &v->segments, (uint32_t)pos + 1); i++) {
		z->coord[v->dim] = sv_get(z->fb, &v->indices, i);
		fill(z, l + 1, i);
	}
}

/* The number of stored values, from their bytes. */
static int start(struct densify *z, const struct npu_graph_tensor *t, uint64_t values_size,
		 const char *what)
{
	if (!z->elem || values_size % z->elem)
		FAIL(z, -EINVAL, "%s: sparse buffer of %" PRIu64 " bytes is not a whole number of %s values",
		     what, values_size, npu_type_name(t->type));
	z->count = values_size / z->elem;
	return 0;
}

/* Blocks and levels checked, then the dense buffer allocated and filled. */
static int finish(struct densify *z, const struct npu_graph_tensor *t, void **dense,
		  const char *what)
{
	int ret = read_blocks(z, what);

	if (!ret)
		ret = check_levels(z, what);
	if (ret)
		return ret;
	for (uint32_t d = z->rank; d-- > 0;)
		z->stride[d] = d + 1 == z->rank ? 1 : z->stride[d + 1] * (uint64_t)t->shape[d + 1];
	/* Only now, valid: a few bytes of file may stand for a large tensor. */
	if (posix_memalign(dense, 64, t->bytes ? t->bytes : 1)) {
		*dense = NULL;
		FAIL(z, -ENOMEM, "%s: out of memory for %zu dense bytes", what, t->bytes);
	}
	z->dense = *dense;
	memset(z->dense, 0, t->bytes);
	fill(z, 0, 0);
	return 0;
}

int tflite_densify(const struct fb *fb, const struct fb_table *sp,
		   const struct npu_graph_tensor *t, const uint8_t *values,
		   uint64_t values_size, void **dense, const char *what)
{
	struct densify z = {
		.fb = fb, .rank = (uint32_t)t->rank, .values = values,
		.elem = npu_type_size(t->type),
	};
	struct fb_vec dims;
	int ret;

	*dense = NULL;
	ret = start(&z, t, values_size, what);
	if (!ret)
		ret = read_order(&z, sp, t, what);
	if (ret)
		return ret;
	if (!fb_get_vec(fb, sp, SP_DIM_METADATA, 4, &dims, what))
		return -EINVAL;
	for (uint32_t l = 0; l < z.num_levels; l++) {
		struct level *v = &z.lv[l];
		struct fb_table dm;
		int32_t size;

		if (!fb_vec_table(fb, &dims, l, &dm, what) ||
		    !fb_get_u8(fb, &dm, DM_FORMAT, DIM_DENSE, &v->format, what) ||
		    !fb_get_i32(fb, &dm, DM_DENSE_SIZE, 0, &size, what))
			return -EINVAL;
		if (v->format > DIM_SPARSE_CSR || size < 0)
			FAIL(&z, -EINVAL, "%s: level %u has format %u and dense size %d",
			     what, l, v->format, size);
		v->size = (uint32_t)size;
		if (v->format == DIM_SPARSE_CSR) {
			ret = read_sparse_vec(&z, &dm, DM_SEGMENTS_TYPE, &v->segments, what, l,
					      "array_segments");
			if (!ret)
				ret = read_sparse_vec(&z, &dm, DM_INDICES_TYPE, &v->indices, what, l,
						      "array_indices");
			if (ret)
				return ret;
		}
	}
	return finish(&z, t, dense, what);
}

int tflite_densify_levels(const int32_t *order, uint32_t num_order,
			  const int32_t *block_map, uint32_t num_blocks,
			  const struct tflite_sparse_level *levels, uint32_t num_levels,
			  const struct npu_graph_tensor *t, const uint8_t *values,
			  uint64_t values_size, void **dense, char *err, size_t errlen,
			  const char *what)
{
	const struct fb sink = { .err = err, .errlen = errlen };
	struct densify z = {
		.fb = &sink, .rank = (uint32_t)t->rank, .values = values,
		.elem = npu_type_size(t->type),
	};
	int ret;

	*dense = NULL;
	ret = start(&z, t, values_size, what);
	if (!ret)
		ret = set_order(&z, order, num_order, block_map, num_blocks, num_levels, t, what);
	if (ret)
		return ret;
	for (uint32_t l = 0; l < z.num_levels; l++) {
		const struct tflite_sparse_level *in = &levels[l];
		struct level *v = &z.lv[l];

		if (in->format > DIM_SPARSE_CSR || in->dense_size < 0)
			FAIL(&z, -EINVAL, "%s: level %u has format %u and dense size %d",
			     what, l, in->format, in->dense_size);
		v->format = in->format;
		v->size = (uint32_t)in->dense_size;
		if (v->format != DIM_SPARSE_CSR)
			continue;
		if (!in->segments || !in->indices)
			FAIL(&z, -EINVAL, "%s: sparse level %u has no segments or indices", what, l);
		for (uint32_t i = 0; i < in->num_segments; i++)
			if (in->segments[i] < 0)
				FAIL(&z, -EINVAL, "%s: sparse level %u: array_segments[%u] is negative",
				     what, l, i);
		for (uint32_t i = 0; i < in->num_indices; i++)
			if (in->indices[i] < 0)
				FAIL(&z, -EINVAL, "%s: sparse level %u: array_indices[%u] is negative",
				     what, l, i);
		v->segments = (struct sparse_vec){ .v = { .count = in->num_segments },
						   .type = SIV_INT32, .arr = in->segments };
		v->indices = (struct sparse_vec){ .v = { .count = in->num_indices },
						  .type = SIV_INT32, .arr = in->indices };
	}
	return finish(&z, t, dense, what);
}
