#!/bin/sh
# The SoC resources of the NPU (Documentation/devicetree.rst): npu_sim.ko
# provides two clocks, a reset line and a power domain through the kernel's
# frameworks, as a device tree would; npu.ko must run the block only with
# all of them on, and release them when idle (runtime PM autosuspend), on
# unbind and on a failed probe.  The simulator counts every register access
# made while a clock was stopped, the line asserted or the domain off
# (bus_errors): it must stay 0 throughout.
#
# vm-test: reload --npu-param autosuspend_ms=1500
n=0 pass=0 fail=0
ok() { n=$((n + 1)); if [ "$1" = 0 ]; then pass=$((pass + 1)); echo "ok $n - $2"; else fail=$((fail + 1)); echo "not ok $n - $2"; fi; }
M=../shared/models

drv=/sys/bus/platform/drivers/npu
dev=
for d in /sys/bus/platform/devices/npu.*; do [ -e "$d" ] && dev=${d##*/}; done
[ -n "$dev" ] || { echo "Bail out! no npu platform device"; exit 1; }
sim=/sys/kernel/debug/npu_sim/$(basename "$(dirname "$(readlink -f /sys/bus/platform/devices/$dev)")")
[ -r "$sim/soc" ] || { echo "Bail out! no $sim/soc"; exit 1; }
rpm=/sys/bus/platform/devices/$dev/power/runtime_status
echo "TAP version 13"
echo "# $dev, simulator state in $sim"

all_off() { grep -qx "clock core: off" "$sim/soc" && grep -qx "clock bus: off" "$sim/soc" &&
	grep -qx "reset: asserted" "$sim/soc" && grep -qx "domain: off" "$sim/soc"; }
all_on() { grep -qx "clock core: on" "$sim/soc" && grep -qx "clock bus: on" "$sim/soc" &&
	grep -qx "reset: released" "$sim/soc" && grep -qx "domain: on" "$sim/soc"; }
# Waits (bounded only to end a failing test) for runtime PM to suspend.
wait_off() { i=0; while [ $i -lt 600 ] && ! all_off; do usleep 50000; i=$((i + 1)); done; all_off; }
power_ons() { sed -n 's/^domain_power_ons: //p' "$sim/soc"; }

wait_off
ok $? "idle: clocks stopped, reset asserted, domain off"
sed 's/^/# /' "$sim/soc"
test "$(cat $rpm)" = suspended
ok $? "runtime PM status: suspended"
before=$(power_ons)

# Keep the device busy from a second process while we look at it.
npu-run --model $M/tflm/person_detect.tflite --input $M/tflm/person.bmp --image-raw \
	--output /tmp/soc.out --num-runs 3 > /tmp/soc.txt 2>&1
ok $? "a model runs on the NPU"
test "$(od -An -tx1 /tmp/soc.out | tr -d ' \n')" = 8f71
ok $? "with the right result"
# autosuspend_ms=1500: still on right after the run.
all_on
ok $? "after a run: clocks on, reset released, domain on"
test "$(cat $rpm)" = active
ok $? "runtime PM status: active"
test "$(power_ons)" -gt "$before"
ok $? "the domain was powered on for the run ($before -> $(power_ons))"
wait_off
ok $? "idle again: everything off"

echo "$dev" > $drv/unbind
ok $? "unbind $dev"
all_off
ok $? "unbound: everything off"
echo "$dev" > $drv/bind
ok $? "bind again"
npu-nodes > /dev/null
ok $? "device node is back"
wait_off
ok $? "bound and idle: everything off"

test "$(cat "$sim/bus_errors")" = 0
ok $? "no register access without clocks, power or out of reset ($(cat "$sim/bus_errors"))"
test "$(cat "$sim/powered_off_accesses")" = 0
ok $? "no register access with the block powered off ($(cat "$sim/powered_off_accesses"))"

echo "1..$n"
echo "# $pass passed, $fail failed"
[ $fail = 0 ]
