// SPDX-License-Identifier: MIT
/* Shared pieces of the libcheck test programs (see check_util.h). */
#include <stdlib.h>

#include "check_util.h"
#include "file.h"
#include "npu_model.h"
#include "npu_util.h"

int npu_check_run(Suite *s)
{
	SRunner *sr = srunner_create(s);
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}

int npu_check_load_raw(const char *path, const struct npu_tensor_info *info,
		       void **data, char *err, size_t errlen)
{
	size_t len;
	int ret = npu_read_file(path, 1u << 30, "1 GiB", data, &len, err, errlen);

	if (ret)
		return ret;
	if (len != info->bytes) {
		free(*data);
		*data = NULL;
		return npu_fail(err, errlen, -NPU_ERR_TENSOR_SIZE,
				"%s: %zu bytes, the tensor needs %zu", path, len, info->bytes);
	}
	return 0;
}
