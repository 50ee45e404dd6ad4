#!/bin/sh
# libnpu with two simulated NPUs (in the VM): npu-info lists both in node
# order, --device picks one, npu-run runs on the second.
# vm-test: reload --sim-param num_devices=2 timeout=300
M=../shared/models
. tests/lib/tap.sh

# /dev/accel/accelN, or /dev/dri/renderDN (render-node build)
nodes=$(npu-nodes | tr '\n' ' ')
node1=$(npu-nodes | sed -n 2p)
npu-info >"$tmp/info.txt" 2>&1
t "npu-info exits 0" test $? = 0
sed 's/^/# /' "$tmp/info.txt" | grep -E '^# /dev|driver:'
t "npu-info lists two NPUs in node order" \
	test "$(grep -E '^/dev/(accel/accel|dri/renderD)[0-9]+$' "$tmp/info.txt" | tr '\n' ' ')" = \
	"$nodes" -a "$(echo $nodes | wc -w)" = 2
npu-info --json >"$tmp/info.json" 2>&1
t "npu-info --json has two devices" \
	test "$(grep -oE '"node":"/dev/(accel/accel|dri/renderD)[0-9]*"' "$tmp/info.json" | wc -l)" = 2
npu-info --device "$node1" >"$tmp/one.txt" 2>&1
t "npu-info --device shows only that NPU" \
	test "$(grep -cE '^/dev/(accel/accel|dri/renderD)' "$tmp/one.txt")" = 1 -a \
	"$(head -n 1 "$tmp/one.txt")" = "$node1"
npu-run --device "$node1" --model $M/tflm/person_detect.tflite \
	--input $M/tflm/person.bmp --image-raw --output "$tmp/out" --num-runs 2 >"$tmp/run.txt" 2>&1
t "npu-run on the second NPU: person verdict" test "$(hex "$tmp/out")" = 8f71
t "npu-run reports the second NPU as target" grep -q "^target: *$node1\$" "$tmp/run.txt"
tap_done
