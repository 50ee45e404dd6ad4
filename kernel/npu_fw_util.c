// SPDX-License-Identifier: MIT
/* Firmware helpers the validator uses (see npu_fw_check.c). */
#include "../firmware/fw_util.c"
