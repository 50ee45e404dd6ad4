#!/bin/sh
# vm-test: reload --sim-param selftest=1
# The simulated NPU's register-level self-test (kernel/npu_sim_selftest.c):
# npu_sim.ko loaded with selftest=1 drives a private device through its
# registers, interrupt, MMU and completion ring and reports TAP in debugfs.
f=/sys/kernel/debug/npu_sim/selftest
echo "TAP version 13"
if [ ! -r $f ]; then
	echo "not ok 1 - $f exists (npu_sim loaded with selftest=1)"
	echo "1..1"
	echo "0 passed, 1 failed"
	exit 1
fi
cat $f
n=$(grep -cE '^(not )?ok ' $f)
echo "1..$n"
grep -qE '^[0-9]+ passed, 0 failed$' $f
