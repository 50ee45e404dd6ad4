/* SPDX-License-Identifier: MIT */
/* Reading a whole model file, shared by the .tflite and .npu loaders. */
#ifndef NPU_FILE_H
#define NPU_FILE_H

#include <stddef.h>
#include <stdint.h>

/*
 * Reads the regular file @path of at most @max bytes (@max_text says the
 * limit in words for the message) into a new buffer *@data (free() it) of
 * *@len bytes.  0, or -errno from open/fstat/read, -EINVAL (not a regular
 * file), -E2BIG (larger than @max), -EIO (file shrank), -ENOMEM; @err
 * (may be NULL) names the path and the problem.
 */
int npu_read_file(const char *path, uint64_t max, const char *max_text,
		  void **data, size_t *len, char *err, size_t errlen);

#endif /* NPU_FILE_H */
