#!/bin/sh
# npu-run and npu-info on the NPU (in the VM): person_detect verdicts through
# the tool, the NPU placement in --profile and --json, NPU == --cpu bytes.
# Jobs get two minutes before the driver takes them for hung: its 2 s
# default is for silicon, not TCG on a loaded host.
# vm-test: reload --npu-param job_timeout_ms=120000 timeout=600
M=../shared/models
. tests/lib/tap.sh

for img in person:8f71 no_person:39c7; do
	name=${img%%:*} want=${img#*:}
	npu-run --model $M/tflm/person_detect.tflite --input $M/tflm/$name.bmp --image-raw \
		--output "$tmp/$name.out" --num-runs 3 --profile >"$tmp/$name.txt" 2>&1
	t "npu-run on the NPU: $name.bmp gives $want" test "$(hex "$tmp/$name.out")" = "$want"
done
sed 's/^/# /' "$tmp/person.txt"
t "target is the device node" grep -q "^target: *$(npu-nodes | head -n 1)\$" "$tmp/person.txt"
t "placement: ops on the NPU" grep -Eq '^placement: +[1-9][0-9]* ops on the NPU' "$tmp/person.txt"
t "profile shows an NPU segment" grep -q '^segment 0: ops' "$tmp/person.txt"
t "profile shares the segment time out to NPU ops" \
	grep -Eq '^ +2 +2  CONV_2D +NPU +0 +[0-9]+\.[0-9]{3}\*$' "$tmp/person.txt"
npu-run --model $M/tflm/person_detect.tflite --input $M/tflm/person.bmp --image-raw --json \
	--num-runs 2 >"$tmp/run.json" 2>/dev/null
t "--json on the NPU" grep -q "\"target\":\"$(npu-nodes | head -n 1)\",\"npu_ops\":[1-9]" "$tmp/run.json"
npu-run --model $M/tflm/micro_speech_quantized.tflite --random --num-runs 1 \
	--output "$tmp/npu.out" >/dev/null 2>&1
npu-run --cpu --model $M/tflm/micro_speech_quantized.tflite --random --num-runs 1 \
	--output "$tmp/cpu.out" >/dev/null 2>&1
t "micro_speech random input: NPU and --cpu bytes equal" cmp -s "$tmp/npu.out" "$tmp/cpu.out"
# The LSTM keyword spotter: its LSTM on the CPU between NPU ops, three runs
# from the initial state each (its state would carry over with --keep-state).
# Its NPU ops are too small to be worth a round trip (placement by cost
# keeps them on the CPU): compiled --greedy to keep them on the NPU here.
npu-compile $M/zoo/micro_speech_lstm.tflite --greedy -o "$tmp/lstm.npu" >/dev/null 2>&1
npu-run --model "$tmp/lstm.npu" --random --num-runs 3 \
	--output "$tmp/npu.out" >"$tmp/lstm.txt" 2>&1
npu-run --cpu --model $M/zoo/micro_speech_lstm.tflite --random --num-runs 1 \
	--output "$tmp/cpu.out" >/dev/null 2>&1
t "micro_speech_lstm: ops on the NPU around the CPU's LSTM" \
	grep -Eq '^placement: +[1-9][0-9]* ops on the NPU' "$tmp/lstm.txt"
t "micro_speech_lstm random input: NPU and --cpu bytes equal" cmp -s "$tmp/npu.out" "$tmp/cpu.out"
# BlazeFace dequantizes each detection head on the CPU: the compiler runs
# those ops after the NPU's (compiler.rst, "Op order"), one job instead of 4.
for where in npu cpu; do
	opt=; [ $where = cpu ] && opt=--cpu
	npu-run $opt --model $M/zoo/blazeface_128.tflite --random --num-runs 1 -o "$tmp/bf.$where.0" \
		-o "$tmp/bf.$where.1" -o "$tmp/bf.$where.2" -o "$tmp/bf.$where.3" >"$tmp/bf.$where.txt" 2>&1
	cat "$tmp/bf.$where".? >"$tmp/bf.$where.out"
done
t "blazeface_128: its NPU ops in one segment, the CPU ops moved after them" \
	grep -Eq '^placement: +71 ops on the NPU in 1 segment' "$tmp/bf.npu.txt"
t "blazeface_128 reordered, random input: NPU and --cpu bytes equal" \
	cmp -s "$tmp/bf.npu.out" "$tmp/bf.cpu.out"
npu-info >"$tmp/info.txt" 2>&1
t "npu-info shows the counters after the runs" \
	grep -Eq 'counters: +[1-9][0-9]* jobs completed' "$tmp/info.txt"
tap_done
