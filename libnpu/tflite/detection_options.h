/* SPDX-License-Identifier: MIT */
/*
 * The custom options of TFLite_Detection_PostProcess (a FlexBuffers map),
 * read as TFLite's kernel reads them: absent numbers are 0, except
 * detections_per_class (100) and use_regular_nms (false).  Internal to
 * libnpu: the TFLite reader sizes the op's outputs from them, the CPU
 * kernel runs with them.
 */
#ifndef NPU_TFLITE_DETECTION_OPTIONS_H
#define NPU_TFLITE_DETECTION_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define NPU_DETECTION_POSTPROCESS "TFLite_Detection_PostProcess"

struct npu_detection_options {
	int32_t max_detections;
	int32_t max_classes_per_detection;	/* fast NMS */
	int32_t detections_per_class;		/* regular NMS */
	int32_t num_classes;
	bool use_regular_nms;
	float nms_score_threshold, nms_iou_threshold;
	float y_scale, x_scale, h_scale, w_scale;
};

/* 0, or -EINVAL with a message in @err for options that are not such a map. */
int npu_detection_options_parse(const uint8_t *buf, size_t len,
				struct npu_detection_options *o, char *err,
				size_t errlen);

#endif /* NPU_TFLITE_DETECTION_OPTIONS_H */
