#!/bin/sh
# npu.ko and its firmware image: missing, truncated, bad magic, header or
# payload checksum damage each make probe fail with a message that names
# the problem, leave no accel node behind, and break nothing: with the
# image restored the same device binds and works.
#
# vm-test: reload
n=0 pass=0 fail=0
ok() { n=$((n + 1)); if [ "$1" = 0 ]; then pass=$((pass + 1)); echo "ok $n - $2"; else fail=$((fail + 1)); echo "not ok $n - $2"; fi; }

drv=/sys/bus/platform/drivers/npu
fw=/lib/firmware/npu/npu-fw.bin
dev=
for d in /sys/bus/platform/devices/npu.*; do [ -e "$d" ] && dev=${d##*/}; done
[ -n "$dev" ] || { echo "Bail out! no npu platform device"; exit 1; }
[ -e "$fw" ] || { echo "Bail out! no $fw"; exit 1; }
orig=/tmp/npu-fw.orig
cp "$fw" "$orig"

echo "TAP version 13"
echo "$dev" > $drv/unbind 2>/dev/null
ok $? "unbind $dev"

# try NAME EXPECTED-MESSAGE: bind with the current image must fail
# Kernel messages since mark (the log is not cleared: the harness scans it).
mark() { lines=$(dmesg | wc -l); }
since() { dmesg | tail -n +$((lines + 1)); }

try() {
	mark
	if echo "$dev" > $drv/bind 2>/dev/null; then
		ok 1 "$1: probe fails"
		echo "$dev" > $drv/unbind
	else
		ok 0 "$1: probe fails"
	fi
	since | grep -q "$2"
	ok $? "$1: kernel says \"$2\""
	npu-nodes > /dev/null
	[ $? != 0 ]
	ok $? "$1: no device node"
}

rm -f "$fw"
try "missing image" "npu/npu-fw.bin not available"

head -c 10 "$orig" > "$fw"
try "truncated image" "truncated"

cp "$orig" "$fw"; printf '\377' | dd of="$fw" bs=1 seek=0 conv=notrunc 2>/dev/null
try "bad magic" "bad magic"

cp "$orig" "$fw"; printf '\377' | dd of="$fw" bs=1 seek=8 conv=notrunc 2>/dev/null
try "header damage" "header checksum mismatch"

size=$(wc -c < "$orig")
cp "$orig" "$fw"; printf '\377' | dd of="$fw" bs=1 seek=$((size - 1)) conv=notrunc 2>/dev/null
try "payload damage" "payload checksum mismatch"

cp "$orig" "$fw"
mark
echo "$dev" > $drv/bind
ok $? "good image: $dev binds again"
npu-nodes > /dev/null
ok $? "device node is back"
since | grep -q "firmware [0-9]"
ok $? "probe reports the firmware version"

echo "1..$n"
echo "$pass passed, $fail failed"
[ $fail = 0 ]
