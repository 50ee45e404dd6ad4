// SPDX-License-Identifier: MIT
/*
 * The firmware's command-stream validator, compiled into npu.ko so that the
 * driver checks streams with the same definition the device executes.
 * npu_sim.ko builds the firmware sources as objects of its own; including
 * them here keeps kbuild from sharing one object between two modules.
 */
#include "../firmware/fw_check.c"
