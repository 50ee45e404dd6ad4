/* SPDX-License-Identifier: MIT */
/*
 * The part of TensorFlow Lite's C delegate ABI this delegate uses.
 *
 * Why this file exists: the delegate ABI is the C struct TfLiteDelegate and
 * the structs it hands out (TfLiteContext, TfLiteNode, TfLiteTensor,
 * TfLiteRegistration, the builtin parameter structs), declared upstream in
 * tensorflow/lite/core/c/common.h and builtin_op_data.h.  None of the pinned
 * Python packages (tensorflow-cpu 2.21.0, ai-edge-litert 2.3.0) ships those
 * headers, and Debian has no TFLite development package, so this file
 * declares, under TFLite's own names, only the members the delegate reads or
 * fills, at the positions the ABI fixes ("semi-ABI stable": members are only
 * ever appended).  Structs the delegate only receives by pointer stop after
 * the last member it reads; those it creates or indexes as arrays
 * (TfLiteDelegate, TfLiteRegistration, TfLiteTensor) are complete.
 *
 * A distribution would ship TFLite's headers (a libtensorflow-lite-dev or
 * litert-dev package, or the wheel's include/ directory, as tensorflow does
 * for its core); this file would then give way to them.
 * Documentation/tflite-delegate.rst says more.
 */
#ifndef NPU_TFLITE_ABI_H
#define NPU_TFLITE_ABI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

typedef enum {
	kTfLiteOk = 0,
	kTfLiteError = 1,
	kTfLiteDelegateError = 2,
} TfLiteStatus;

/* TfLiteType: differs from the flatbuffer's TensorType numbering. */
typedef enum {
	kTfLiteNoType = 0,
	kTfLiteFloat32 = 1,
	kTfLiteInt32 = 2,
	kTfLiteUInt8 = 3,
	kTfLiteInt64 = 4,
	kTfLiteString = 5,
	kTfLiteBool = 6,
	kTfLiteInt16 = 7,
	kTfLiteComplex64 = 8,
	kTfLiteInt8 = 9,
	kTfLiteFloat16 = 10,
} TfLiteType;

typedef struct TfLiteIntArray {
	int size;
	int data[];
} TfLiteIntArray;

typedef struct {
	float scale;
	int32_t zero_point;
} TfLiteQuantizationParams;

typedef enum {
	kTfLiteNoQuantization = 0,
	kTfLiteAffineQuantization = 1,
} TfLiteQuantizationType;

typedef struct TfLiteQuantization {
	TfLiteQuantizationType type;
	void *params;
} TfLiteQuantization;

/*
 * scale points to a TfLiteFloatArray, whose layout changed between TFLite
 * releases ({int size; float data[]} or {float *data; int size; ...});
 * graph_build.c reads it either way, checked against zero_point's size.
 */
typedef struct TfLiteAffineQuantization {
	void *scale;
	TfLiteIntArray *zero_point;
	int32_t quantized_dimension;
} TfLiteAffineQuantization;

typedef enum {
	kTfLiteMemNone = 0,
	kTfLiteMmapRo,
	kTfLiteArenaRw,
	kTfLiteArenaRwPersistent,
	kTfLiteDynamic,
	kTfLitePersistentRo,
	kTfLiteCustom,
} TfLiteAllocationType;

typedef int TfLiteBufferHandle;

struct TfLiteDelegate;

/* TfLiteTensor.sparsity (common.h): the runtime's copy of the file's. */
typedef enum {
	kTfLiteDimDense = 0,
	kTfLiteDimSparseCSR,
} TfLiteDimensionType;

typedef struct TfLiteDimensionMetadata {
	TfLiteDimensionType format;
	int dense_size;
	TfLiteIntArray *array_segments;
	TfLiteIntArray *array_indices;
} TfLiteDimensionMetadata;

typedef struct TfLiteSparsity {
	TfLiteIntArray *traversal_order;
	TfLiteIntArray *block_map;
	TfLiteDimensionMetadata *dim_metadata;
	int dim_metadata_size;
} TfLiteSparsity;

/* Complete: TfLiteContext.tensors is an array of them. */
typedef struct TfLiteTensor {
	TfLiteType type;
	union {
		void *data;
		char *raw;
	} data;
	TfLiteIntArray *dims;
	TfLiteQuantizationParams params;
	TfLiteAllocationType allocation_type;
	size_t bytes;
	const void *allocation;
	const char *name;
	struct TfLiteDelegate *delegate;
	TfLiteBufferHandle buffer_handle;
	bool data_is_stale;
	bool is_variable;
	TfLiteQuantization quantization;
	TfLiteSparsity *sparsity;
	const TfLiteIntArray *dims_signature;
} TfLiteTensor;

typedef struct TfLiteNode {
	TfLiteIntArray *inputs;
	TfLiteIntArray *outputs;
	TfLiteIntArray *intermediates;
	TfLiteIntArray *temporaries;
	void *user_data;
	void *builtin_data;
	const void *custom_initial_data;
	int custom_initial_data_size;
	/* more members follow; never read here */
} TfLiteNode;

typedef struct TfLiteDelegateParams {
	struct TfLiteDelegate *delegate;
	TfLiteIntArray *nodes_to_replace;
	TfLiteIntArray *input_tensors;
	TfLiteIntArray *output_tensors;
} TfLiteDelegateParams;

struct TfLiteRegistration;

typedef struct TfLiteContext {
	size_t tensors_size;
	TfLiteStatus (*GetExecutionPlan)(struct TfLiteContext *context,
					 TfLiteIntArray **execution_plan);
	TfLiteTensor *tensors;
	void *impl_;
	TfLiteStatus (*ResizeTensor)(struct TfLiteContext *, TfLiteTensor *,
				     TfLiteIntArray *);
	void (*ReportError)(struct TfLiteContext *, const char *msg, ...);
	TfLiteStatus (*AddTensors)(struct TfLiteContext *, int, int *);
	TfLiteStatus (*GetNodeAndRegistration)(struct TfLiteContext *, int node_index,
					       TfLiteNode **node,
					       struct TfLiteRegistration **registration);
	TfLiteStatus (*ReplaceNodeSubsetsWithDelegateKernels)(
		struct TfLiteContext *, struct TfLiteRegistration registration,
		const TfLiteIntArray *nodes_to_replace, struct TfLiteDelegate *delegate);
	/* more members follow; never read here */
} TfLiteContext;

/* Complete: passed by value to ReplaceNodeSubsetsWithDelegateKernels. */
typedef struct TfLiteRegistration {
	void *(*init)(TfLiteContext *context, const char *buffer, size_t length);
	void (*free)(TfLiteContext *context, void *buffer);
	TfLiteStatus (*prepare)(TfLiteContext *context, TfLiteNode *node);
	TfLiteStatus (*invoke)(TfLiteContext *context, TfLiteNode *node);
	const char *(*profiling_string)(const TfLiteContext *context,
					const TfLiteNode *node);
	int32_t builtin_code;
	const char *custom_name;
	int version;
	void *registration_external;
	void *(*async_kernel)(TfLiteContext *context, TfLiteNode *node);
	uint64_t inplace_operator;
} TfLiteRegistration;

/* Complete: the delegate allocates it. */
typedef struct TfLiteDelegate {
	void *data_;
	TfLiteStatus (*Prepare)(TfLiteContext *context, struct TfLiteDelegate *delegate);
	TfLiteStatus (*CopyFromBufferHandle)(TfLiteContext *, struct TfLiteDelegate *,
					     TfLiteBufferHandle, TfLiteTensor *);
	TfLiteStatus (*CopyToBufferHandle)(TfLiteContext *, struct TfLiteDelegate *,
					   TfLiteBufferHandle, TfLiteTensor *);
	void (*FreeBufferHandle)(TfLiteContext *, struct TfLiteDelegate *,
				 TfLiteBufferHandle *);
	int64_t flags;
	void *opaque_delegate_builder;
} TfLiteDelegate;

/* TfLiteFusedActivation values equal the flatbuffer's; padding's do not. */
typedef enum {
	kTfLitePaddingUnknown = 0,
	kTfLitePaddingSame,
	kTfLitePaddingValid,
} TfLitePadding;

typedef int TfLiteFusedActivation;

typedef struct {
	TfLitePadding padding;
	int stride_width;
	int stride_height;
	TfLiteFusedActivation activation;
	int dilation_width_factor;
	int dilation_height_factor;
} TfLiteConvParams;

typedef struct {
	TfLitePadding padding;
	int stride_width;
	int stride_height;
	int filter_width;
	int filter_height;
	TfLiteFusedActivation activation;
} TfLitePoolParams;

typedef struct {
	TfLitePadding padding;
	int stride_width;
	int stride_height;
	int depth_multiplier;
	TfLiteFusedActivation activation;
	int dilation_width_factor;
	int dilation_height_factor;
} TfLiteDepthwiseConvParams;

typedef struct {
	int rank;
	TfLiteFusedActivation activation;
	bool asymmetric_quantize_inputs;
} TfLiteSVDFParams;

typedef struct {
	TfLiteFusedActivation activation;
	int weights_format;
	bool keep_num_dims;
	bool asymmetric_quantize_inputs;
} TfLiteFullyConnectedParams;

typedef struct {
	float beta;
} TfLiteSoftmaxParams;

typedef struct {
	int axis;
	TfLiteFusedActivation activation;
} TfLiteConcatenationParams;

typedef struct {
	TfLiteFusedActivation activation;
	bool pot_scale_int16;
} TfLiteAddParams;

typedef TfLiteAddParams TfLiteSubParams;

typedef struct {
	TfLiteFusedActivation activation;
} TfLiteMulParams;

typedef struct {
	int32_t shape[8];
	int num_dimensions;
} TfLiteReshapeParams;

typedef struct {
	bool keep_dims;
} TfLiteReducerParams;

typedef struct {
	int axis;
} TfLiteOneHotParams;

typedef struct {
	bool exclusive;
	bool reverse;
} TfLiteCumsumParams;

typedef struct {
	int begin_mask;
	int end_mask;
	int ellipsis_mask;
	int new_axis_mask;
	int shrink_axis_mask;
	bool offset;
} TfLiteStridedSliceParams;

typedef struct {
	TfLitePadding padding;
	int stride_width;
	int stride_height;
	TfLiteFusedActivation activation;
} TfLiteTransposeConvParams;

typedef struct {
	float alpha;
} TfLiteLeakyReluParams;

typedef struct {
	TfLiteFusedActivation activation;
} TfLiteDivParams;

typedef struct {
	bool adj_x;
	bool adj_y;
	bool asymmetric_quantize_inputs;
} TfLiteBatchMatMulParams;

typedef struct {
	TfLitePadding padding;
	int stride_width;
	int stride_height;
	int stride_depth;
	int dilation_width_factor;
	int dilation_height_factor;
	int dilation_depth_factor;
	TfLiteFusedActivation activation;
} TfLiteConv3DParams;

typedef struct {
	int radius;
	float bias;
	float alpha;
	float beta;
} TfLiteLocalResponseNormParams;

/* LSTM: kernel_type 0 is the full kernel, 1 the basic one (5 inputs). */
typedef struct {
	TfLiteFusedActivation activation;
	float cell_clip;
	float proj_clip;
	int kernel_type;
	bool asymmetric_quantize_inputs;
} TfLiteLSTMParams;

typedef struct {
	bool approximate;
} TfLiteGeluParams;

typedef struct {
	TfLiteFusedActivation activation;
	float cell_clip;
	float proj_clip;
	bool time_major;
	bool asymmetric_quantize_inputs;
	bool diagonal_recurrent_tensors;
} TfLiteUnidirectionalSequenceLSTMParams;

/* RESIZE_BILINEAR and RESIZE_NEAREST_NEIGHBOR have the same two fields. */
typedef struct {
	bool align_corners;
	bool half_pixel_centers;
} TfLiteResizeBilinearParams;

typedef struct {
	int values_count;
	int axis;
} TfLitePackParams;

typedef struct {
	int num;
	int axis;
} TfLiteUnpackParams;

typedef struct {
	int axis;
	int batch_dims;
} TfLiteGatherParams;

/* SPLIT and SPLIT_V. */
typedef struct {
	int num_splits;
} TfLiteSplitParams;

/* SPACE_TO_DEPTH and DEPTH_TO_SPACE. */
typedef struct {
	int block_size;
} TfLiteSpaceToDepthParams;

typedef struct {
	int32_t squeeze_dims[8];
	int num_squeeze_dims;
} TfLiteSqueezeParams;

typedef enum {
	kTfLiteMirrorPaddingUnknown = 0,
	kTfLiteMirrorPaddingReflect,
	kTfLiteMirrorPaddingSymmetric,
} TfLiteMirrorPaddingMode;

typedef struct {
	TfLiteMirrorPaddingMode mode;
} TfLiteMirrorPaddingParams;

#endif /* NPU_TFLITE_ABI_H */
