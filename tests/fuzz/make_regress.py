# SPDX-License-Identifier: MIT
"""The minimized findings of structure-aware fuzzing (mutate.py), rebuilt.

usage: make_regress.py DIR      (DIR: tests/fuzz/regress)

(the .npu cases are compiled with build/bin/npu-compile, or $NPU_COMPILE)

Each finding is rebuilt from a small model of tests/tflite/opmodel.py with
the one field that made it hostile, so the committed files are the
project's own (nothing from ../shared).  Names follow ../shared/hostile's:
accept_* is a wrong file the tools took and must refuse.  libnpu's
test_hostile runs every file of DIR through compile, check and a CPU run
(make -C libnpu check, and the sanitizer lane); fuzz_tflite, fuzz_compile
and fuzz_run run them in make -C tests/fuzz check-fuzz.  Rerun after
changing a case, and commit the files.
"""
import os
import struct
import subprocess
import sys
import tempfile
import zlib

import flatbuffers
import numpy as np
from ai_edge_litert import schema_py_generated as schema

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tflite"))
import opmodel as om  # noqa: E402

OP = schema.BuiltinOperator
Q = (0.05, 0)


def relu_model():
    return schema.ModelT.InitFromPackedBuf(
        om.build(OP.RELU, [om.T([1, 4], np.int8, Q)], [om.T([1, 4], np.int8, Q)]), 0)


def add_model(var_data):
    opts = schema.AddOptionsT()
    return schema.ModelT.InitFromPackedBuf(om.build(
        OP.ADD, [om.T([1, 4], np.int8, Q), om.T([1, 4], np.int8, Q, data=var_data)],
        [om.T([1, 4], np.int8, Q)], schema.BuiltinOptions.AddOptions, opts), 0)


def pack(m):
    b = flatbuffers.Builder(1024)
    b.Finish(m.Pack(b), file_identifier=b"TFL3")
    return bytes(b.Output())


def custom_empty_name():
    """An operator code CUSTOM whose custom_code is "": no kernel can have
    that name (TFLite cannot resolve it); it compiled, then failed at the
    first run for want of a kernel."""
    m = relu_model()
    c = m.operatorCodes[0]
    c.builtinCode = c.deprecatedBuiltinCode = OP.CUSTOM
    c.customCode = ""
    m.subgraphs[0].operators[0].builtinOptionsType = 0
    return pack(m)


def variable_with_buffer():
    """A variable tensor (the ADD's second input) with a constant buffer:
    TFLite's interpreter refuses it ("variable tensor with buffer");
    libnpu ran it, taking the data as an initial value."""
    m = add_model([1, 2, 3, 4])
    m.subgraphs[0].tensors[1].isVariable = True
    return pack(m)


def no_outputs():
    """A main subgraph with no outputs: every op is dead, npu-run printed
    nothing and succeeded."""
    m = relu_model()
    m.subgraphs[0].outputs = []
    return pack(m)


def conv_bias_type(qbt, act=np.int8, bias=np.int32):
    """A CONV_2D whose Conv2DOptions.quantized_bias_type is @qbt."""
    o = schema.Conv2DOptionsT()
    o.strideH = o.strideW = 1
    o.padding = schema.Padding.SAME
    o.quantizedBiasType = qbt
    qw = ([0.25, 0.25], [0, 0])
    return om.build(OP.CONV_2D, [
        om.T([1, 3, 3, 2], act, (0.5, 0)),
        om.T([2, 1, 1, 2], np.int8, qw, data=np.ones([2, 1, 1, 2])),
        om.T([2], bias, ([0.125, 0.125], [0, 0]), data=[1, 2])],
        [om.T([1, 3, 3, 2], act, (0.5, 0))], schema.BuiltinOptions.Conv2DOptions, o)


def conv_bias_type_invalid():
    """quantized_bias_type -1, no TensorType: TFLite refuses the model
    ("Unsupported data type -1"); libnpu ignored the field."""
    return conv_bias_type(-1)


def conv_bias_type_mismatch():
    """An int16 CONV_2D with an int64 bias and quantized_bias_type INT32:
    TFLite's conv Prepare refuses it; libnpu ignored the field."""
    return conv_bias_type(schema.TensorType.INT32, np.int16, np.int64)


def quant_dim_out_of_range():
    """A per-tensor quantized rank-2 tensor with quantized_dimension 8:
    TFLite refuses the model ("quantized_dimension must be in range");
    libnpu checked the dimension only for per-channel scales."""
    m = relu_model()
    m.subgraphs[0].tensors[0].quantization.quantizedDimension = 8
    return pack(m)


def transpose_conv_stride():
    """TRANSPOSE_CONV with stride 32768 x 1: transpose_conv.cc refuses
    strides over INT16_MAX; libnpu ran it."""
    o = schema.TransposeConvOptionsT()
    o.strideW, o.strideH = 32768, 1
    o.padding = schema.Padding.VALID
    return om.build(OP.TRANSPOSE_CONV, [
        om.T([4], np.int32, data=[1, 1, 32768, 1]),
        om.T([1, 1, 1, 1], np.int8, ([0.25], [0]), data=[1]),
        om.T([1, 1, 2, 1], np.int8, (0.5, 0))],
        [om.T([1, 1, 32768, 1], np.int8, (0.5, 0))],
        schema.BuiltinOptions.TransposeConvOptions, o)


def svdf_state_unquantized():
    """An int8 SVDF whose int16 state has no quantization: svdf.cc refuses
    it; libnpu's kernel took the state's scale as 1.0."""
    o = schema.SVDFOptionsT()
    o.rank = 2
    units, rank, memory, n_in = 2, 2, 2, 3
    filters = units * rank
    return om.build(OP.SVDF, [
        om.T([1, n_in], np.int8, (0.05, 0)),
        om.T([filters, n_in], np.int8, (0.02, 0), data=np.ones([filters, n_in])),
        om.T([filters, memory], np.int16, (0.001, 0), data=np.ones([filters, memory])),
        om.T([units], np.int32, (0.0001, 0), data=[1, 2]),
        om.T([1, memory * filters], np.int16, None, variable=True)],
        [om.T([1, units], np.int8, (0.05, 0))], schema.BuiltinOptions.SVDFOptions, o)


def compiled(src):
    """The .npu npu-compile makes of the model bytes @src."""
    top = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
    tool = os.environ.get("NPU_COMPILE", os.path.join(top, "build", "bin", "npu-compile"))
    with tempfile.TemporaryDirectory() as d:
        with open(os.path.join(d, "m.tflite"), "wb") as f:
            f.write(src)
        subprocess.run([tool, os.path.join(d, "m.tflite"), "-o", os.path.join(d, "m.npu")],
                       check=True, capture_output=True)
        with open(os.path.join(d, "m.npu"), "rb") as f:
            return bytearray(f.read())


def patch_op0(buf, at, value):
    """Writes int32 @value at byte @at of op 0 (on the NPU), then the CRC."""
    sto, nsect = struct.unpack_from("<QI", buf, 32)
    for k in range(nsect):
        typ, _, off, _ = struct.unpack_from("<IIQQ", buf, sto + 24 * k)
        if typ == 3:        # NPU_MF_SECT_OPS
            assert struct.unpack_from("<I", buf, off + 28)[0] != 0xffffffff, "op 0 on the CPU"
            struct.pack_into("<i", buf, off + at, value)
    buf[24:28] = b"\0\0\0\0"
    struct.pack_into("<I", buf, 24, zlib.crc32(bytes(buf)) & 0xffffffff)
    return bytes(buf)


def npu_op_builtin_unknown():
    """A .npu (an int8 ADD compiled by npu-compile) whose NPU-placed op 0
    says builtin 9999: its streams checked out, npu-compile --check took
    it, and npu-run --cpu (which runs the op on the CPU) failed at the
    first inference for want of a kernel."""
    opts = schema.AddOptionsT()
    return patch_op0(compiled(om.build(
        OP.ADD, [om.T([1, 8], np.int8, Q), om.T([1, 8], np.int8, Q)],
        [om.T([1, 8], np.int8, Q)], schema.BuiltinOptions.AddOptions, opts)), 0, 9999)


def npu_fc_weights_format():
    """A .npu of an int8 FULLY_CONNECTED whose NPU-placed op says
    weights_format SHUFFLED4x16INT8 (options + 4): the same as above, the
    CPU form refuses it ("shuffled weights are not supported")."""
    opts = schema.FullyConnectedOptionsT()
    return patch_op0(compiled(om.build(
        OP.FULLY_CONNECTED, [om.T([1, 16], np.int8, Q),
                             om.T([16, 16], np.int8, (0.02, 0), data=np.ones([16, 16])),
                             om.T([16], np.int32, (0.001, 0), data=np.arange(16))],
        [om.T([1, 16], np.int8, Q)], schema.BuiltinOptions.FullyConnectedOptions, opts)),
        56 + 4, 1)


CASES = {
    "accept_custom_op_empty_name.tflite": custom_empty_name,
    "accept_variable_tensor_with_buffer.tflite": variable_with_buffer,
    "accept_no_graph_outputs.tflite": no_outputs,
    "accept_conv_quantized_bias_type_invalid.tflite": conv_bias_type_invalid,
    "accept_conv_int16_quantized_bias_type_mismatch.tflite": conv_bias_type_mismatch,
    "accept_quantized_dimension_out_of_range.tflite": quant_dim_out_of_range,
    "accept_transpose_conv_stride_32768.tflite": transpose_conv_stride,
    "accept_svdf_int8_state_unquantized.tflite": svdf_state_unquantized,
    "accept_npu_op_builtin_unknown.npu": npu_op_builtin_unknown,
    "accept_npu_fc_weights_format_shuffled.npu": npu_fc_weights_format,
}


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    for name, fn in CASES.items():
        with open(os.path.join(out, name), "wb") as f:
            f.write(fn())


if __name__ == "__main__":
    main()
