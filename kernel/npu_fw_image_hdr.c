// SPDX-License-Identifier: MIT
/*
 * The firmware's image framing rules (magic, version, sizes, CRC-32),
 * compiled into npu.ko so that the driver refuses a bad image with the same
 * definition the device applies (see npu_fw_check.c for why the source is
 * included rather than shared as an object).
 */
#include "../firmware/fw_image_hdr.c"
