# SPDX-License-Identifier: MIT
# The models the delegate's tests run (sourced; $M is ../shared/models):
# every model of tflm/ and zoo/ but those the stock interpreter cannot run
# alone, which are listed with the reason.
DELEGATE_MODELS=$(ls "$M"/tflm/*.tflite "$M"/zoo/*.tflite 2>/dev/null |
	grep -v '/keyword_scrambled_8bit\.tflite$')
# Not run, and why:
#   tflm/keyword_scrambled_8bit.tflite: ai-edge-litert 2.3's own BUILTIN_REF
#     SVDF kernel writes past its arena on this model (valgrind: invalid write
#     in reference_ops::EvalIntegerSVDF, then a heap abort) with or without
#     the delegate, so there is no reference to compare with.
# And the tests/ops models made for the delegate (tests/ops/build.sh; host.sh
# makes them first): a float CONV_3D between int8 layers the NPU runs, sparse
# constants behind DENSIFY (int8 on the NPU, float).
DELEGATE_MODELS="$DELEGATE_MODELS $(ls build/ops/conv_3d.between_int8.tflite \
	build/ops/densify.fc_int8.tflite build/ops/densify.fc_float.tflite 2>/dev/null)"
