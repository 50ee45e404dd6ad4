// SPDX-License-Identifier: MIT
/* Shared pieces of the libcheck test programs (see check_util.h). */
#include "check_util.h"

int npu_check_run(Suite *s)
{
	SRunner *sr = srunner_create(s);
	int failed;

	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? 1 : 0;
}
