#!/bin/sh
# The uint8 model set (tests/uint8, made by make check on the host) on the
# NPU: every output of every case equals TFLite's BUILTIN_REF reference, or
# the model is listed in tests/uint8/gaps.txt.
#
# In make check: the zoo's uint8 models and the single-op models whose
# commands only the NPU path relocates or tiles differently (the
# requantizing CONCATENATION's table, the LUT, near-tie requantization)
# and uint8 MAXIMUM/MINIMUM (firmware 1.9.0's own uint8 kernels);
# the CPU path has checked every model on the same firmware kernels.  make
# check-uint8 runs every model here (build/uint8/.all-on-npu).
#
# vm-test: reload --npu-param job_timeout_ms=120000 timeout=1800
set -e
set_dir=build/uint8
if [ ! -f "$set_dir/.key" ]; then
	echo "TAP version 13"
	echo "1..0 # SKIP no uint8 model set in $set_dir (make check-uint8 makes it)"
	exit 0
fi
if [ ! -f "$set_dir/.all-on-npu" ]; then
	sub=$(mktemp -d)
	trap 'rm -rf "$sub"' EXIT
	mkdir "$sub/ref"
	for m in "$set_dir"/zoo.*.tflite "$set_dir"/u8op.concat_requant*.tflite \
		 "$set_dir"/u8op.fc_rounding.tflite "$set_dir"/u8op.conv_rounding.tflite \
		 "$set_dir"/u8op.logistic.tflite "$set_dir"/u8op.maximum_bcast.tflite \
		 "$set_dir"/u8op.minimum.tflite; do
		key=$(basename "$m" .tflite)
		ln -s "$PWD/$m" "$sub/"
		ln -s "$PWD/$set_dir/ref/$key".* "$sub/ref/"
	done
	set_dir=$sub
fi
python3 tests/models/check.py "$set_dir" --gaps=tests/uint8/gaps.txt
