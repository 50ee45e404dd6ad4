#!/bin/sh
# The example programs on the NPU (tools/examples/check.sh): the
# classifier, and the camera example on Debian's vivid test driver, one
# HDMI-type input scaled to person_detect's 96x96 GREY, its buffers
# exported as dma-bufs and bound zero-copy as the model's input.
# vm-test: timeout=300
echo "TAP version 13"
params="n_devs=1 node_types=0x1 num_inputs=1 input_types=0x3"
modprobe vivid $params 2>/tmp/vivid.err ||
	{ echo "Bail out! modprobe vivid failed: $(cat /tmp/vivid.err)"; exit 1; }
cam=
for d in /sys/class/video4linux/video*; do
	grep -q vivid "$d/name" 2>/dev/null && cam=/dev/${d##*/} && break
done
[ -n "$cam" ] || { modprobe -r vivid; echo "Bail out! vivid made no video node"; exit 1; }
echo "# vivid ($params): $cam"
CAMERA=$cam sh tools/examples/check.sh
rc=$?
modprobe -r vivid || { echo "not ok - modprobe -r vivid"; rc=1; }
exit $rc
