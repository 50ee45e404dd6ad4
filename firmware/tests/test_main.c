// SPDX-License-Identifier: MIT
#include <stdlib.h>

#include "fw_test.h"

int main(void)
{
	SRunner *sr = srunner_create(suite_fixedpoint());
	int failed;

	srunner_add_suite(sr, suite_ops());
	srunner_add_suite(sr, suite_reduce());
	srunner_add_suite(sr, suite_eltwise2());
	srunner_add_suite(sr, suite_validate());
	srunner_add_suite(sr, suite_run());
	srunner_add_suite(sr, suite_image());
	srunner_add_suite(sr, suite_reference());
	srunner_add_suite(sr, suite_uint8());
	srunner_add_suite(sr, suite_resize());
	srunner_add_suite(sr, suite_copy());
	srunner_add_suite(sr, suite_sram());
	srunner_add_suite(sr, suite_wdec());
	srunner_add_suite(sr, suite_regions());
	srunner_add_suite(sr, suite_softmax());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed ? EXIT_FAILURE : EXIT_SUCCESS;
}
