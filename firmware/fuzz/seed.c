// SPDX-License-Identifier: MIT
/* Writes one seed stream per opcode (random-job generator) into DIR. */
#include <stdio.h>

#include "npu_fw_host.h"

int main(int argc, char **argv)
{
	uint64_t seed = 1;
	uint32_t op, k;
	char path[512];

	if (argc != 2)
		return 2;
	for (op = NPU_CMD_CONV_2D; op < NPU_CMD_COUNT; op++) {
		for (k = 0; k < 4; k++) {
			struct npu_host_rjob job;
			FILE *f;

			/* operands at VA 0x1000, inside the fuzzer's memory */
			if (npu_host_rjob_make(&seed, op, 0x1000, &job))
				return 1;
			snprintf(path, sizeof(path), "%s/op%02u_%u", argv[1], op, k);
			f = fopen(path, "wb");
			if (!f || fwrite(job.cs, 1, job.cs_size, f) != job.cs_size ||
			    fclose(f))
				return 1;
			npu_host_rjob_free(&job);
		}
	}
	return 0;
}
