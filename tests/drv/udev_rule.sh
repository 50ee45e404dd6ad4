#!/bin/sh
# kernel/70-npu.rules as udev applies it: udevadm's rule test on every npu
# accel node gives group render and mode 0660; a non-npu device is left
# alone.  The guest has no udevd, so the rule runs through `udevadm test`
# from a rules directory of its own.
n=0 pass=0 fail=0
ok() { n=$((n + 1)); if [ "$1" = 0 ]; then pass=$((pass + 1)); echo "ok $n - $2"; else fail=$((fail + 1)); echo "not ok $n - $2"; fi; }

echo "TAP version 13"
command -v udevadm >/dev/null || { echo "1..0 # SKIP no udevadm on the host"; exit 0; }
rules=/etc/udev/rules.d
mkdir -p $rules && cp "$NPU_TOP/kernel/70-npu.rules" $rules/ ||
	{ echo "Bail out! cannot install the rule"; exit 1; }
grep -q '^render:' /etc/group || echo 'render:x:105:' >> /etc/group
gid=$(sed -n 's/^render:[^:]*:\([0-9]*\):.*/\1/p' /etc/group)

nodes=$(npu-nodes --sys)
[ -n "$nodes" ] || { echo "Bail out! no npu device node"; exit 1; }
case $(npu-nodes --kind) in accel) dev=/dev/accel ;; *) dev=/dev/dri ;; esac
for sys in $nodes; do
	name=${sys##*/}
	udevadm test --action=add "$sys" > /tmp/udev.$name 2>&1
	grep -q "70-npu.rules:[0-9]* MODE 0660" /tmp/udev.$name
	ok $? "$name: the npu rule matches"
	grep -q "Setting permissions $dev/$name, uid=0, gid=$gid, mode=0660" /tmp/udev.$name
	ok $? "$name: group render ($gid), mode 0660"
done
# A device of another subsystem (a tty) gets nothing from it.
udevadm test --action=add /sys/class/tty/tty1 > /tmp/udev.tty1 2>&1
grep -q "Setting permissions /dev/tty1" /tmp/udev.tty1 &&
	! grep -q "70-npu.rules:[0-9]* MODE" /tmp/udev.tty1
ok $? "other devices: rule does not apply"
rm -f $rules/70-npu.rules
echo "1..$n"
echo "# $pass passed, $fail failed"
[ "$fail" = 0 ]
