#!/bin/sh
# The example programs (build/examples/), from the project root: on the
# host by `make -C tools check` (CPU), in the VM by tests/model/examples.sh
# (NPU, and the camera example on vivid when CAMERA=/dev/videoN is given).
set -u
EX=${EX:-build/examples}
M=../shared/models
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0 pass=0 fail=0
check() { name=$1; shift; n=$((n + 1)); if "$@"; then pass=$((pass + 1)); echo "ok $n - $name"
	else fail=$((fail + 1)); echo "not ok $n - $name"; fi; }
# Where the model runs: the NPU's node when there is one, else the CPU.
where=CPU
command -v npu-nodes >/dev/null && where=$(npu-nodes | head -n 1) && [ -n "$where" ] || where=CPU

for c in person:1 no_person:0; do
	"$EX/npu-classify" $M/tflm/person_detect.tflite $M/golden/person_detect.${c%%:*}.in0.bin \
		> "$tmp/out" 2>&1
	sed 's/^/# /' "$tmp/out"
	check "npu-classify: ${c%%:*} is class ${c#*:} on $where" \
		test "$(cat "$tmp/out")" = "class ${c#*:} ($where)"
done
head -c 100 /dev/zero > "$tmp/short.bin"
"$EX/npu-classify" $M/tflm/person_detect.tflite "$tmp/short.bin" > "$tmp/out" 2>&1
check "npu-classify: an input of the wrong size fails with a reason" \
	sh -c "test $? = 1 && grep -q 'the tensor needs 9216' '$tmp/out'"
"$EX/npu-camera" > /dev/null 2>&1
check "npu-camera without a model: usage, status 2" test $? = 2
"$EX/npu-camera" -d /nonexistent/video9 $M/tflm/person_detect.tflite > "$tmp/out" 2>&1
check "npu-camera without the device: status 1, says why" \
	sh -c "test $? = 1 && grep -q '/nonexistent/video9: No such file' '$tmp/out'"

if [ -n "${CAMERA:-}" ]; then
	frames=24
	"$EX/npu-camera" -d "$CAMERA" -n $frames -l "no person,person" \
		$M/tflm/person_detect.tflite > "$tmp/cam" 2>&1
	rc=$?
	sed 's/^/# /' "$tmp/cam"
	check "npu-camera on $CAMERA: status 0" test $rc = 0
	check "npu-camera: 96x96 GREY frames as dma-bufs, model on $where" \
		grep -q "^$CAMERA: 96x96 GREY, [0-9]* buffers as dma-bufs, model on $where" "$tmp/cam"
	check "npu-camera: a verdict for each of the $frames frames" \
		test "$(grep -cE '^frame [0-9]+: (no person|person) \((0|1)\.[0-9]{2}\)$' "$tmp/cam")" = $frames
	check "npu-camera: the frame rate" \
		grep -qE "^$frames frames in [0-9.]+ s: [0-9.]+ frames/s$" "$tmp/cam"
fi
echo "1..$n"
echo "# examples: $pass passed, $fail failed"
test $fail = 0
