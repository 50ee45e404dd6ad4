// SPDX-License-Identifier: MIT
/* TFLite_Detection_PostProcess options (detection_options.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "detection_options.h"
#include "flexbuf.h"

static int get(const struct flexbuf_map *m, const char *key, double dflt, double *v,
	       char *err, size_t errlen)
{
	int ret = flexbuf_number(m, key, v);

	if (ret < 0) {
		if (err && errlen)
			snprintf(err, errlen, "custom option '%s' is not a number", key);
		return -EINVAL;
	}
	if (!ret)
		*v = dflt;
	return 0;
}

static int get_int(const struct flexbuf_map *m, const char *key, double dflt,
		   int32_t *out, char *err, size_t errlen)
{
	double v;

	if (get(m, key, dflt, &v, err, errlen))
		return -EINVAL;
	/* flexbuffers' AsInt32 truncates; keep the value in int32 range */
	if (!(v > -2147483649.0 && v < 2147483648.0)) {
		if (err && errlen)
			snprintf(err, errlen, "custom option '%s' = %g is out of range", key, v);
		return -EINVAL;
	}
	*out = (int32_t)v;
	return 0;
}

static int get_float(const struct flexbuf_map *m, const char *key, float *out,
		     char *err, size_t errlen)
{
	double v;

	if (get(m, key, 0.0, &v, err, errlen))
		return -EINVAL;
	*out = (float)v;
	return 0;
}

int npu_detection_options_parse(const uint8_t *buf, size_t len,
				struct npu_detection_options *o, char *err,
				size_t errlen)
{
	struct flexbuf_map m;
	double regular;

	memset(o, 0, sizeof(*o));
	if (flexbuf_map(buf, len, &m)) {
		if (err && errlen)
			snprintf(err, errlen, "custom options are not a FlexBuffers map");
		return -EINVAL;
	}
	if (get_int(&m, "max_detections", 0, &o->max_detections, err, errlen) ||
	    get_int(&m, "max_classes_per_detection", 0, &o->max_classes_per_detection,
		    err, errlen) ||
	    get_int(&m, "detections_per_class", 100, &o->detections_per_class, err, errlen) ||
	    get_int(&m, "num_classes", 0, &o->num_classes, err, errlen) ||
	    get(&m, "use_regular_nms", 0, &regular, err, errlen) ||
	    get_float(&m, "nms_score_threshold", &o->nms_score_threshold, err, errlen) ||
	    get_float(&m, "nms_iou_threshold", &o->nms_iou_threshold, err, errlen) ||
	    get_float(&m, "y_scale", &o->y_scale, err, errlen) ||
	    get_float(&m, "x_scale", &o->x_scale, err, errlen) ||
	    get_float(&m, "h_scale", &o->h_scale, err, errlen) ||
	    get_float(&m, "w_scale", &o->w_scale, err, errlen))
		return -EINVAL;
	o->use_regular_nms = regular != 0;
	return 0;
}
