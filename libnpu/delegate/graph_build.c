// SPDX-License-Identifier: MIT
/*
 * TFLite's view of a subgraph (TfLiteContext nodes and tensors) -> struct
 * npu_graph, holding what the TFLite reader (libnpu/tflite) would have read
 * from the .tflite file for the same ops, so that the compiler places and
 * compiles them exactly as npu-compile does.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "delegate_priv.h"
#include "npu_tflite.h"
#include "../tflite/sparsity.h"

#define ERR(ret, ...) (snprintf(err, errlen, __VA_ARGS__), (ret))

static int tflite_type(TfLiteType t, enum npu_type *out)
{
	switch (t) {
	case kTfLiteFloat32: *out = NPU_TYPE_FLOAT32; return 0;
	case kTfLiteInt32: *out = NPU_TYPE_INT32; return 0;
	case kTfLiteUInt8: *out = NPU_TYPE_UINT8; return 0;
	case kTfLiteInt64: *out = NPU_TYPE_INT64; return 0;
	case kTfLiteBool: *out = NPU_TYPE_BOOL; return 0;
	case kTfLiteInt16: *out = NPU_TYPE_INT16; return 0;
	case kTfLiteInt8: *out = NPU_TYPE_INT8; return 0;
	default: return -ENOTSUP;
	}
}

static bool is_constant(const TfLiteTensor *t)
{
	return t->allocation_type == kTfLiteMmapRo && t->data.data;
}

/*
 * The scales of an affine quantization.  TfLiteFloatArray was
 * {int size; float data[]} and later became {float *data; int size; ...}:
 * whichever layout gives the zero points' count is the one in use.
 */
static const float *affine_scales(const TfLiteAffineQuantization *q, int count)
{
	const unsigned char *p = q->scale;
	int n;

	memcpy(&n, p, sizeof(n));
	if (n == count)
		return (const float *)(p + sizeof(int));
	memcpy(&n, p + sizeof(void *), sizeof(n));
	if (n == count) {
		const float *data;

		memcpy(&data, p, sizeof(data));
		return data;
	}
	return NULL;
}

static int convert_quant(const TfLiteTensor *src, struct npu_graph_tensor *t,
			 char *err, size_t errlen)
{
	const TfLiteAffineQuantization *q = src->quantization.params;
	const float *scales;
	int count;

	if (src->quantization.type != kTfLiteAffineQuantization || !q || !q->scale ||
	    !q->zero_point) {
		if (src->params.scale == 0)
			return 0;
		/* Per-tensor parameters only (older interpreters). */
		t->quant.scale = malloc(sizeof(float));
		t->quant.zero_point = malloc(sizeof(int32_t));
		if (!t->quant.scale || !t->quant.zero_point)
			return -ENOMEM;
		t->quant.count = 1;
		t->quant.scale[0] = src->params.scale;
		t->quant.zero_point[0] = src->params.zero_point;
		return 0;
	}
	count = q->zero_point->size;
	if (count <= 0)
		return 0;
	scales = affine_scales(q, count);
	if (!scales)
		return ERR(-EINVAL, "tensor '%s': quantization has mismatched scales and zero points",
			   src->name ? src->name : "");
	t->quant.scale = calloc((size_t)count, sizeof(float));
	t->quant.zero_point = calloc((size_t)count, sizeof(int32_t));
	if (!t->quant.scale || !t->quant.zero_point)
		return -ENOMEM;
	t->quant.count = (uint32_t)count;
	t->quant.quantized_dimension = q->quantized_dimension;
	/* As the reader: a rank-1 bias keeps no stale weight dimension. */
	if (count > 1 && t->rank == 1)
		t->quant.quantized_dimension = 0;
	memcpy(t->quant.scale, scales, (size_t)count * sizeof(float));
	for (int i = 0; i < count; i++)
		t->quant.zero_point[i] = q->zero_point->data[i];
	return 0;
}

static const int32_t *int_array(const TfLiteIntArray *a, uint32_t *n)
{
	*n = a && a->size > 0 ? (uint32_t)a->size : 0;
	return a ? a->data : NULL;
}

/*
 * The dense data of the sparse constant @src into @t (whose type and shape
 * are the dense tensor's), by the TFLite reader's densifier: TFLite's
 * DENSIFY computes the same at its first run, after the delegate has
 * compiled, so the delegate expands the constant itself.
 */
static int densify(const TfLiteTensor *src, struct npu_graph_tensor *t, char *err,
		   size_t errlen)
{
	const TfLiteSparsity *sp = src->sparsity;
	struct tflite_sparse_level lv[2 * NPU_GRAPH_MAX_DIMS];
	const int32_t *order, *bmap;
	uint32_t n_order, n_bmap, n_lv;
	char what[96];

	snprintf(what, sizeof(what), "tensor '%.60s' sparsity", src->name ? src->name : "");
	if (!is_constant(src) || src->type == kTfLiteNoType)
		return ERR(-ENOTSUP, "%s: a sparse tensor must be a constant", what);
	if (!sp->dim_metadata || sp->dim_metadata_size < 0 ||
	    sp->dim_metadata_size > 2 * NPU_GRAPH_MAX_DIMS)
		return ERR(-EINVAL, "%s: %d dimension metadata entries", what,
			   sp->dim_metadata_size);
	order = int_array(sp->traversal_order, &n_order);
	bmap = int_array(sp->block_map, &n_bmap);
	n_lv = (uint32_t)sp->dim_metadata_size;
	for (uint32_t l = 0; l < n_lv; l++) {
		const TfLiteDimensionMetadata *m = &sp->dim_metadata[l];

		lv[l] = (struct tflite_sparse_level){
			.format = m->format == kTfLiteDimSparseCSR ? 1 :
				  m->format == kTfLiteDimDense ? 0 : 2,
			.dense_size = m->dense_size,
		};
		lv[l].segments = int_array(m->array_segments, &lv[l].num_segments);
		lv[l].indices = int_array(m->array_indices, &lv[l].num_indices);
	}
	return tflite_densify_levels(order, n_order, bmap, n_bmap, lv, n_lv, t,
				     (const uint8_t *)src->data.data, src->bytes, &t->data,
				     err, errlen, what);
}

/*
 * @src becomes @t; @sparse_src, when not NULL, is the sparse constant a
 * DENSIFY turns into @src: @t is then that constant, dense.
 */
static int convert_tensor(const TfLiteTensor *src, const TfLiteTensor *sparse_src,
			  struct npu_graph_tensor *t, char *err, size_t errlen)
{
	const char *name = src->name ? src->name : "";
	size_t elems = 1;
	int ret;

	t->name = strdup(name);
	if (!t->name)
		return -ENOMEM;
	if (tflite_type(src->type, &t->type))
		return ERR(-ENOTSUP, "tensor '%s': type %d is not supported", name, src->type);
	if (src->allocation_type == kTfLiteDynamic || !src->dims)
		return ERR(-ENOTSUP, "tensor '%s': dynamic shapes are not supported", name);
	if (src->dims->size > NPU_GRAPH_MAX_DIMS)
		return ERR(-ENOTSUP, "tensor '%s': rank %d exceeds the supported %d dimensions",
			   name, src->dims->size, NPU_GRAPH_MAX_DIMS);
	t->rank = src->dims->size;
	for (int d = 0; d < t->rank; d++) {
		if (src->dims->data[d] < 0)
			return ERR(-ENOTSUP, "tensor '%s': dynamic shapes are not supported", name);
		t->shape[d] = src->dims->data[d];
		elems *= (size_t)t->shape[d];
	}
	t->elements = elems;
	t->bytes = elems * npu_type_size(t->type);
	t->is_variable = src->is_variable;
	ret = convert_quant(src, t, err, errlen);
	if (ret)
		return ret;
	if (sparse_src || src->sparsity) {
		if (sparse_src && (sparse_src->type != src->type || !sparse_src->sparsity))
			return ERR(-EINVAL, "tensor '%s': DENSIFY of a tensor of another type",
				   name);
		ret = densify(sparse_src ? sparse_src : src, t, err, errlen);
		if (ret)
			return ret;
		t->data_size = t->bytes;
	} else if (is_constant(src)) {
		if (src->bytes != t->bytes)
			return ERR(-EINVAL, "tensor '%s': %zu bytes of constant data, shape needs %zu",
				   name, src->bytes, t->bytes);
		if (posix_memalign(&t->data, 64, t->bytes ? t->bytes : 1))
			return -ENOMEM;
		memcpy(t->data, src->data.data, t->bytes);
		t->data_size = t->bytes;
	}
	return 0;
}

static int32_t padding(TfLitePadding p)
{
	return p == kTfLitePaddingValid ? NPU_PADDING_VALID : NPU_PADDING_SAME;
}

/* Builtin parameters as the reader stores them (npu_graph.h). */
static void convert_options(int32_t builtin, const void *data, struct npu_graph_op *op)
{
	union npu_op_options *o = &op->options;

	if (builtin == NPU_BUILTIN_RESHAPE) {
		const TfLiteReshapeParams *p = data;

		op->options_kind = NPU_OPTS_RESHAPE;
		o->reshape.num_dims = -1;
		if (p && p->num_dimensions > 0 && p->num_dimensions <= NPU_GRAPH_MAX_DIMS) {
			o->reshape.num_dims = p->num_dimensions;
			for (int i = 0; i < p->num_dimensions; i++)
				o->reshape.new_shape[i] = p->shape[i];
		}
		return;
	}
	if (!data)
		return;
	switch (builtin) {
	case NPU_BUILTIN_CONV_2D: {
		const TfLiteConvParams *p = data;

		op->options_kind = NPU_OPTS_CONV;
		o->conv = (struct npu_conv_options){
			.padding = padding(p->padding), .stride_w = p->stride_width,
			.stride_h = p->stride_height, .dilation_w = p->dilation_width_factor,
			.dilation_h = p->dilation_height_factor, .activation = p->activation,
		};
		break;
	}
	case NPU_BUILTIN_DEPTHWISE_CONV_2D: {
		const TfLiteDepthwiseConvParams *p = data;

		op->options_kind = NPU_OPTS_CONV;
		o->conv = (struct npu_conv_options){
			.padding = padding(p->padding), .stride_w = p->stride_width,
			.stride_h = p->stride_height, .dilation_w = p->dilation_width_factor,
			.dilation_h = p->dilation_height_factor,
			.depth_multiplier = p->depth_multiplier, .activation = p->activation,
		};
		break;
	}
	case NPU_BUILTIN_AVERAGE_POOL_2D:
	case NPU_BUILTIN_MAX_POOL_2D: {
		const TfLitePoolParams *p = data;

		op->options_kind = NPU_OPTS_POOL;
		o->pool = (struct npu_pool_options){
			.padding = padding(p->padding), .stride_w = p->stride_width,
			.stride_h = p->stride_height, .filter_w = p->filter_width,
			.filter_h = p->filter_height, .activation = p->activation,
		};
		break;
	}
	case NPU_BUILTIN_SVDF: {
		const TfLiteSVDFParams *p = data;

		op->options_kind = NPU_OPTS_SVDF;
		o->svdf = (struct npu_svdf_options){
			.rank = p->rank, .activation = p->activation,
			.asymmetric_quantize_inputs = p->asymmetric_quantize_inputs,
		};
		break;
	}
	case NPU_BUILTIN_FULLY_CONNECTED: {
		const TfLiteFullyConnectedParams *p = data;

		op->options_kind = NPU_OPTS_FC;
		o->fc = (struct npu_fc_options){
			.activation = p->activation, .weights_format = p->weights_format,
			.keep_num_dims = p->keep_num_dims,
			.asymmetric_quantize_inputs = p->asymmetric_quantize_inputs,
		};
		break;
	}
	case NPU_BUILTIN_UNIDIRECTIONAL_SEQUENCE_LSTM: {
		const TfLiteUnidirectionalSequenceLSTMParams *p = data;

		op->options_kind = NPU_OPTS_LSTM;
		o->lstm = (struct npu_lstm_options){
			.activation = p->activation, .cell_clip = p->cell_clip,
			.proj_clip = p->proj_clip, .time_major = p->time_major,
			.asymmetric_quantize_inputs = p->asymmetric_quantize_inputs,
			.diagonal_recurrent_tensors = p->diagonal_recurrent_tensors,
		};
		break;
	}
	case NPU_BUILTIN_LSTM: {
		const TfLiteLSTMParams *p = data;

		op->options_kind = NPU_OPTS_LSTM;
		o->lstm = (struct npu_lstm_options){
			.activation = p->activation, .cell_clip = p->cell_clip,
			.proj_clip = p->proj_clip, .time_major = 1,
			.asymmetric_quantize_inputs = p->asymmetric_quantize_inputs,
		};
		break;
	}
	case NPU_BUILTIN_SOFTMAX:
		op->options_kind = NPU_OPTS_SOFTMAX;
		o->softmax.beta = ((const TfLiteSoftmaxParams *)data)->beta;
		break;
	case NPU_BUILTIN_CONCATENATION: {
		const TfLiteConcatenationParams *p = data;

		op->options_kind = NPU_OPTS_CONCAT;
		o->concat.axis = p->axis;
		o->concat.activation = p->activation;
		break;
	}
	case NPU_BUILTIN_ADD:
	case NPU_BUILTIN_SUB: {
		const TfLiteAddParams *p = data;

		op->options_kind = NPU_OPTS_ELTWISE;
		o->eltwise.activation = p->activation;
		o->eltwise.pot_scale_int16 = p->pot_scale_int16;
		break;
	}
	case NPU_BUILTIN_MUL:
		op->options_kind = NPU_OPTS_ELTWISE;
		o->eltwise.activation = ((const TfLiteMulParams *)data)->activation;
		break;
	case NPU_BUILTIN_DIV:
		op->options_kind = NPU_OPTS_ELTWISE;
		o->eltwise.activation = ((const TfLiteDivParams *)data)->activation;
		break;
	case NPU_BUILTIN_BATCH_MATMUL: {
		const TfLiteBatchMatMulParams *p = data;

		op->options_kind = NPU_OPTS_BATCH_MATMUL;
		o->batch_matmul.adj_x = p->adj_x;
		o->batch_matmul.adj_y = p->adj_y;
		o->batch_matmul.asymmetric_quantize_inputs = p->asymmetric_quantize_inputs;
		break;
	}
	case NPU_BUILTIN_CONV_3D: {
		const TfLiteConv3DParams *p = data;

		op->options_kind = NPU_OPTS_CONV3D;
		o->conv3d = (struct npu_conv3d_options){
			.padding = padding(p->padding), .stride_d = p->stride_depth,
			.stride_h = p->stride_height, .stride_w = p->stride_width,
			.dilation_d = p->dilation_depth_factor,
			.dilation_h = p->dilation_height_factor,
			.dilation_w = p->dilation_width_factor, .activation = p->activation,
		};
		break;
	}
	case NPU_BUILTIN_LOCAL_RESPONSE_NORMALIZATION: {
		const TfLiteLocalResponseNormParams *p = data;

		op->options_kind = NPU_OPTS_LRN;
		o->lrn = (struct npu_lrn_options){ .radius = p->radius, .bias = p->bias,
						   .alpha = p->alpha, .beta = p->beta };
		break;
	}
	case NPU_BUILTIN_MEAN:
	case NPU_BUILTIN_SUM:
	case NPU_BUILTIN_REDUCE_MAX:
	case NPU_BUILTIN_REDUCE_MIN:
	case NPU_BUILTIN_REDUCE_PROD:
	case NPU_BUILTIN_REDUCE_ANY:
	case NPU_BUILTIN_REDUCE_ALL:
		op->options_kind = NPU_OPTS_REDUCER;
		o->reducer.keep_dims = ((const TfLiteReducerParams *)data)->keep_dims;
		break;
	case NPU_BUILTIN_STRIDED_SLICE: {
		const TfLiteStridedSliceParams *p = data;

		op->options_kind = NPU_OPTS_STRIDED_SLICE;
		o->strided_slice = (struct npu_strided_slice_options){
			.begin_mask = p->begin_mask, .end_mask = p->end_mask,
			.ellipsis_mask = p->ellipsis_mask, .new_axis_mask = p->new_axis_mask,
			.shrink_axis_mask = p->shrink_axis_mask, .offset = p->offset,
		};
		break;
	}
	case NPU_BUILTIN_TRANSPOSE_CONV: {
		const TfLiteTransposeConvParams *p = data;

		op->options_kind = NPU_OPTS_TRANSPOSE_CONV;
		o->transpose_conv = (struct npu_transpose_conv_options){
			.padding = padding(p->padding), .stride_w = p->stride_width,
			.stride_h = p->stride_height, .activation = p->activation,
		};
		break;
	}
	case NPU_BUILTIN_GELU:
		op->options_kind = NPU_OPTS_GELU;
		o->gelu.approximate = ((const TfLiteGeluParams *)data)->approximate;
		break;
	case NPU_BUILTIN_LEAKY_RELU:
		op->options_kind = NPU_OPTS_LEAKY_RELU;
		o->leaky_relu.alpha = ((const TfLiteLeakyReluParams *)data)->alpha;
		break;
	case NPU_BUILTIN_RESIZE_BILINEAR:
	case NPU_BUILTIN_RESIZE_NEAREST_NEIGHBOR: {
		const TfLiteResizeBilinearParams *p = data;

		op->options_kind = NPU_OPTS_RESIZE;
		o->resize.align_corners = p->align_corners;
		o->resize.half_pixel_centers = p->half_pixel_centers;
		break;
	}
	case NPU_BUILTIN_PACK:
		op->options_kind = NPU_OPTS_AXIS;
		o->axis.count = ((const TfLitePackParams *)data)->values_count;
		o->axis.axis = ((const TfLitePackParams *)data)->axis;
		break;
	case NPU_BUILTIN_UNPACK:
		op->options_kind = NPU_OPTS_AXIS;
		o->axis.count = ((const TfLiteUnpackParams *)data)->num;
		o->axis.axis = ((const TfLiteUnpackParams *)data)->axis;
		break;
	case NPU_BUILTIN_ONE_HOT:
		op->options_kind = NPU_OPTS_AXIS;
		o->axis.axis = ((const TfLiteOneHotParams *)data)->axis;
		break;
	case NPU_BUILTIN_CUMSUM:
		op->options_kind = NPU_OPTS_AXIS;
		o->axis.exclusive = ((const TfLiteCumsumParams *)data)->exclusive;
		o->axis.reverse = ((const TfLiteCumsumParams *)data)->reverse;
		break;
	case NPU_BUILTIN_GATHER:
		op->options_kind = NPU_OPTS_AXIS;
		o->axis.axis = ((const TfLiteGatherParams *)data)->axis;
		o->axis.batch_dims = ((const TfLiteGatherParams *)data)->batch_dims;
		break;
	case NPU_BUILTIN_SPLIT:
	case NPU_BUILTIN_SPLIT_V:
		op->options_kind = NPU_OPTS_AXIS;
		o->axis.count = ((const TfLiteSplitParams *)data)->num_splits;
		break;
	case NPU_BUILTIN_SPACE_TO_DEPTH:
	case NPU_BUILTIN_DEPTH_TO_SPACE:
		op->options_kind = NPU_OPTS_AXIS;
		o->axis.count = ((const TfLiteSpaceToDepthParams *)data)->block_size;
		break;
	case NPU_BUILTIN_MIRROR_PAD:
		/* The reader's mode: 0 REFLECT, 1 SYMMETRIC (TFLite's schema). */
		op->options_kind = NPU_OPTS_AXIS;
		o->axis.count = ((const TfLiteMirrorPaddingParams *)data)->mode ==
				kTfLiteMirrorPaddingSymmetric ? 1 : 0;
		break;
	case NPU_BUILTIN_SQUEEZE: {
		const TfLiteSqueezeParams *p = data;

		op->options_kind = NPU_OPTS_SQUEEZE;
		o->squeeze.num_dims = p->num_squeeze_dims >= 0 && p->num_squeeze_dims <= 8 ?
				      p->num_squeeze_dims : 0;
		for (int i = 0; i < o->squeeze.num_dims; i++)
			o->squeeze.dims[i] = p->squeeze_dims[i];
		break;
	}
	default:
		break;
	}
}

static int copy_indices(const TfLiteIntArray *src, const int *map, uint32_t *n, int32_t **out)
{
	*n = (uint32_t)src->size;
	*out = calloc(*n ? *n : 1, sizeof(int32_t));
	if (!*out)
		return -ENOMEM;
	for (int i = 0; i < src->size; i++)
		(*out)[i] = src->data[i] < 0 ? NPU_TENSOR_NONE : map[src->data[i]];
	return 0;
}

static int convert_op(TfLiteContext *ctx, int node_index, const int *map,
		      struct npu_graph_op *op, char *err, size_t errlen)
{
	TfLiteNode *node;
	TfLiteRegistration *reg;
	int max;

	if (ctx->GetNodeAndRegistration(ctx, node_index, &node, &reg) != kTfLiteOk)
		return ERR(-EINVAL, "node %d: TFLite has no such node", node_index);
	op->builtin = reg->builtin_code;
	op->version = reg->version > 0 ? reg->version : 1;
	max = npu_tflite_max_op_version(op->builtin);
	if (max && op->version > max)
		return ERR(-ENOTSUP, "node %d (%s): version %d is newer than the supported %d",
			   node_index, npu_op_name(op->builtin), op->version, max);
	if (op->builtin == NPU_BUILTIN_WHILE || op->builtin == NPU_BUILTIN_IF) {
		/*
		 * Control flow stays with TFLite, which runs its subgraphs: this
		 * graph has none, so the op is an opaque one the CPU has no
		 * kernel for (never claimed), named as TFLite names it.
		 */
		op->custom_name = strdup(npu_op_name(op->builtin));
		op->builtin = NPU_BUILTIN_CUSTOM;
		if (!op->custom_name)
			return -ENOMEM;
	} else if (op->builtin == NPU_BUILTIN_CUSTOM) {
		op->custom_name = strdup(reg->custom_name ? reg->custom_name : "");
		if (!op->custom_name)
			return -ENOMEM;
		if (node->custom_initial_data && node->custom_initial_data_size > 0) {
			op->custom_options = malloc((size_t)node->custom_initial_data_size);
			if (!op->custom_options)
				return -ENOMEM;
			memcpy(op->custom_options, node->custom_initial_data,
			       (size_t)node->custom_initial_data_size);
			op->custom_options_size = (size_t)node->custom_initial_data_size;
		}
	} else {
		convert_options(op->builtin, node->builtin_data, op);
	}
	if (copy_indices(node->inputs, map, &op->num_inputs, &op->inputs) ||
	    copy_indices(node->outputs, map, &op->num_outputs, &op->outputs))
		return -ENOMEM;
	if (node->intermediates && node->intermediates->size > 0 &&
	    copy_indices(node->intermediates, map, &op->num_intermediates,
			 &op->intermediates))
		return -ENOMEM;
	return 0;
}

/* Marks every tensor the nodes use; -EINVAL for an index out of range. */
static int mark_tensors(TfLiteContext *ctx, const int *nodes, int num_nodes, int *map,
			char *err, size_t errlen)
{
	for (int n = 0; n < num_nodes; n++) {
		TfLiteNode *node;
		TfLiteRegistration *reg;

		if (ctx->GetNodeAndRegistration(ctx, nodes[n], &node, &reg) != kTfLiteOk)
			return ERR(-EINVAL, "node %d: TFLite has no such node", nodes[n]);
		const int ni = node->inputs->size, no = node->outputs->size;
		const int nm = node->intermediates ? node->intermediates->size : 0;

		for (int k = 0; k < ni + no + nm; k++) {
			int t = k < ni ? node->inputs->data[k] :
				k < ni + no ? node->outputs->data[k - ni] :
				node->intermediates->data[k - ni - no];

			if (t < 0)
				continue;
			if ((size_t)t >= ctx->tensors_size)
				return ERR(-EINVAL, "node %d: tensor %d out of range", nodes[n], t);
			map[t] = 1;
		}
	}
	return 0;
}

/* Graph inputs (@want_inputs) or outputs found from the data flow. */
static int find_io(TfLiteContext *ctx, const struct npu_graph *g, const int *tmap,
		   bool want_inputs, uint32_t *n, int32_t **out)
{
	int32_t *producer = malloc(g->num_tensors * sizeof(int32_t) + 1);
	int32_t *last_use = malloc(g->num_tensors * sizeof(int32_t) + 1);

	*n = 0;
	*out = calloc(g->num_tensors + 1, sizeof(int32_t));
	if (!producer || !last_use || !*out) {
		free(producer);
		free(last_use);
		return -ENOMEM;
	}
	for (uint32_t t = 0; t < g->num_tensors; t++)
		producer[t] = last_use[t] = -1;
	for (uint32_t i = 0; i < g->num_ops; i++) {
		for (uint32_t k = 0; k < g->ops[i].num_inputs; k++)
			if (g->ops[i].inputs[k] >= 0)
				last_use[g->ops[i].inputs[k]] = (int32_t)i;
		for (uint32_t k = 0; k < g->ops[i].num_outputs; k++)
			if (producer[g->ops[i].outputs[k]] < 0)
				producer[g->ops[i].outputs[k]] = (int32_t)i;
	}
	for (uint32_t t = 0; t < g->num_tensors; t++) {
		const TfLiteTensor *src = &ctx->tensors[tmap[t]];
		bool in = producer[t] < 0 && last_use[t] >= 0 && !g->tensors[t].data &&
			  !src->is_variable;
		bool outp = producer[t] >= 0 && last_use[t] <= producer[t];

		if (want_inputs ? in : outp)
			(*out)[(*n)++] = (int32_t)t;
	}
	free(producer);
	free(last_use);
	return 0;
}

/*
 * For every tensor a DENSIFY of a sparse constant makes (anywhere in the
 * execution plan), that constant's index, else -1: the delegate takes the
 * constant, dense, in the DENSIFY output's place (graph inputs skip it).
 */
static int densified_sources(TfLiteContext *ctx, int **out)
{
	TfLiteIntArray *plan;
	int *src = malloc((ctx->tensors_size + 1) * sizeof(int));

	*out = src;
	if (!src)
		return -ENOMEM;
	for (size_t t = 0; t < ctx->tensors_size; t++)
		src[t] = -1;
	if (ctx->GetExecutionPlan(ctx, &plan) != kTfLiteOk)
		return 0;
	for (int k = 0; k < plan->size; k++) {
		TfLiteNode *node;
		TfLiteRegistration *reg;
		int in, o;

		if (ctx->GetNodeAndRegistration(ctx, plan->data[k], &node, &reg) != kTfLiteOk ||
		    reg->builtin_code != NPU_BUILTIN_DENSIFY || node->inputs->size != 1 ||
		    node->outputs->size != 1)
			continue;
		in = node->inputs->data[0];
		o = node->outputs->data[0];
		if (in >= 0 && o >= 0 && (size_t)in < ctx->tensors_size &&
		    (size_t)o < ctx->tensors_size && ctx->tensors[in].sparsity &&
		    is_constant(&ctx->tensors[in]))
			src[o] = in;
	}
	return 0;
}

/* A DENSIFY the delegate folds (densified_sources()): not an op here. */
static bool folded_densify(TfLiteContext *ctx, int node_index, const int *dsrc)
{
	TfLiteNode *node;
	TfLiteRegistration *reg;

	return ctx->GetNodeAndRegistration(ctx, node_index, &node, &reg) == kTfLiteOk &&
	       reg->builtin_code == NPU_BUILTIN_DENSIFY && node->outputs->size == 1 &&
	       node->outputs->data[0] >= 0 && dsrc[node->outputs->data[0]] >= 0;
}

static int map_io(TfLiteContext *ctx, const struct npu_graph *g, const TfLiteIntArray *src,
		  const int *map, uint32_t *n, int32_t **out)
{
	*n = 0;
	*out = calloc((size_t)src->size + 1, sizeof(int32_t));
	if (!*out)
		return -ENOMEM;
	for (int i = 0; i < src->size; i++) {
		int t = src->data[i];

		if (t < 0 || (size_t)t >= ctx->tensors_size || map[t] < 0 ||
		    is_constant(&ctx->tensors[t]) || g->tensors[map[t]].data)
			continue;
		(*out)[(*n)++] = map[t];
	}
	return 0;
}

int delegate_graph_build(TfLiteContext *ctx, const int *nodes, int num_nodes,
			 const TfLiteIntArray *inputs, const TfLiteIntArray *outputs,
			 struct npu_graph **out, int **tensor_map, char *err, size_t errlen)
{
	struct npu_graph *g;
	int *map, *tmap = NULL, *dsrc = NULL, *kept = NULL;
	int num_kept = 0;
	uint32_t nt = 0;
	int ret = -ENOMEM;

	*out = NULL;
	if (tensor_map)
		*tensor_map = NULL;
	err[0] = 0;
	map = calloc(ctx->tensors_size + 1, sizeof(int));
	g = calloc(1, sizeof(*g));
	kept = malloc(((size_t)num_nodes + 1) * sizeof(int));
	if (!map || !g || !kept || densified_sources(ctx, &dsrc))
		goto fail;
	/* Folded DENSIFY nodes leave gaps: op_source keeps each op's node. */
	for (int n = 0; n < num_nodes; n++)
		if (!folded_densify(ctx, nodes[n], dsrc))
			kept[num_kept++] = n;
	if (num_kept < num_nodes) {
		g->op_source = malloc(((size_t)num_kept + 1) * sizeof(uint32_t));
		if (!g->op_source)
			goto fail;
		for (int k = 0; k < num_kept; k++)
			g->op_source[k] = (uint32_t)kept[k];
	}
	for (int k = 0; k < num_kept; k++)
		kept[k] = nodes[kept[k]];
	nodes = kept;
	num_nodes = num_kept;
	ret = mark_tensors(ctx, nodes, num_nodes, map, err, errlen);
	if (ret)
		goto fail;
	for (size_t t = 0; t < ctx->tensors_size; t++)
		map[t] = map[t] ? (int)nt++ : -1;
	ret = -ENOMEM;
	g->tensors = calloc(nt + 1, sizeof(*g->tensors));
	g->ops = calloc((size_t)num_nodes + 1, sizeof(*g->ops));
	tmap = calloc(nt + 1, sizeof(int));
	if (!g->tensors || !g->ops || !tmap)
		goto fail;
	for (size_t t = 0; t < ctx->tensors_size; t++) {
		if (map[t] < 0)
			continue;
		tmap[map[t]] = (int)t;
		g->num_tensors++;
		ret = convert_tensor(&ctx->tensors[t],
				     dsrc[t] >= 0 ? &ctx->tensors[dsrc[t]] : NULL,
				     &g->tensors[map[t]], err, errlen);
		if (ret)
			goto fail;
	}
	for (int n = 0; n < num_nodes; n++) {
		g->num_ops++;
		ret = convert_op(ctx, nodes[n], map, &g->ops[n], err, errlen);
		if (ret)
			goto fail;
	}
	ret = inputs ? map_io(ctx, g, inputs, map, &g->num_inputs, &g->inputs) :
		       find_io(ctx, g, tmap, true, &g->num_inputs, &g->inputs);
	if (!ret)
		ret = outputs ? map_io(ctx, g, outputs, map, &g->num_outputs, &g->outputs) :
				find_io(ctx, g, tmap, false, &g->num_outputs, &g->outputs);
	if (ret)
		goto fail;
	ret = npu_graph_validate(g, err, errlen);
	if (ret)
		goto fail;
	free(map);
	free(dsrc);
	free(kept);
	if (tensor_map)
		*tensor_map = tmap;
	else
		free(tmap);
	*out = g;
	return 0;
fail:
	if (ret == -ENOMEM && !err[0])
		snprintf(err, errlen, "out of memory");
	free(map);
	free(dsrc);
	free(kept);
	free(tmap);
	npu_graph_free(g);
	return ret;
}
