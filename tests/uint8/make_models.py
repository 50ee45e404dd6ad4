#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Legacy uint8 (asymmetric per-tensor) models and their references:
make_models.py OUTDIR [ZOODIR]

Writes, in the layout tests/models/check.py reads (OUTDIR/*.tflite,
OUTDIR/ref/<model>.<case>.in<i>.bin / .out<i>.bin, <model>.io):

* single-op uint8 models, built with the flatbuffer schema (TensorFlow 2's
  converter no longer writes uint8 compute ops), for every builtin TFLite
  runs on uint8: random weights, zero points (filter zero points included),
  scales, strides, paddings, fused activations and broadcasts;
* the uint8 models of ZODIR (../shared/models/zoo by default): whole when
  every op is one the runtime has, otherwise cut before the first op it
  lacks (RESIZE_BILINEAR, ARG_MAX, custom ops), the cut's inputs becoming
  outputs (so SSD MobileNet v1's backbone gives the box and class tensors
  its post-processing reads).

References: TFLite's interpreter with BUILTIN_REF on seeded random inputs
(three per op model, one per zoo model).
"""
import glob
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import flatbuffers  # noqa: E402
import numpy as np  # noqa: E402
from ai_edge_litert import schema_py_generated as fb  # noqa: E402
from ai_edge_litert.interpreter import Interpreter, OpResolverType  # noqa: E402

BOP = fb.BuiltinOperator
BOPT = fb.BuiltinOptions
TT = fb.TensorType
U8, I8, I32, F32 = TT.UINT8, TT.INT8, TT.INT32, TT.FLOAT32
NP = {U8: np.uint8, I8: np.int8, I32: np.int32, F32: np.float32}
ACTS = [fb.ActivationFunctionType.NONE, fb.ActivationFunctionType.RELU,
        fb.ActivationFunctionType.RELU6, fb.ActivationFunctionType.RELU_N1_TO_1]


class Model:
    """One subgraph under construction."""

    def __init__(self):
        self.tensors, self.buffers, self.ops, self.codes = [], [fb.BufferT()], [], []
        self.inputs, self.outputs = [], []

    def tensor(self, shape, ttype, scale=None, zp=0, data=None, name=None):
        t = fb.TensorT()
        t.shape = list(shape)
        t.type = ttype
        t.name = name or "t%d" % len(self.tensors)
        t.buffer = 0
        if data is not None:
            b = fb.BufferT()
            b.data = np.asarray(data, NP[ttype]).reshape(-1).view(np.uint8).tolist()
            self.buffers.append(b)
            t.buffer = len(self.buffers) - 1
        if scale is not None:
            q = fb.QuantizationParametersT()
            q.scale = [float(scale)]
            q.zeroPoint = [int(zp)]
            t.quantization = q
        self.tensors.append(t)
        return len(self.tensors) - 1

    def op(self, code, ins, outs, opt_type=BOPT.NONE, opts=None):
        if code not in self.codes:
            self.codes.append(code)
        o = fb.OperatorT()
        o.opcodeIndex = self.codes.index(code)
        o.inputs, o.outputs = list(ins), list(outs)
        o.builtinOptionsType = opt_type
        o.builtinOptions = opts
        self.ops.append(o)

    def write(self, path):
        m = fb.ModelT()
        m.version = 3
        m.description = "uint8 op test (tests/uint8/make_models.py)"
        m.buffers = self.buffers
        codes = []
        for c in self.codes:
            oc = fb.OperatorCodeT()
            oc.builtinCode = c
            oc.deprecatedBuiltinCode = min(c, 127)
            oc.version = 1
            codes.append(oc)
        m.operatorCodes = codes
        sg = fb.SubGraphT()
        sg.tensors, sg.operators = self.tensors, self.ops
        sg.inputs, sg.outputs = self.inputs, self.outputs
        m.subgraphs = [sg]
        b = flatbuffers.Builder(1024)
        b.Finish(m.Pack(b), file_identifier=b"TFL3")
        with open(path, "wb") as f:
            f.write(b.Output())


def rand_scale(rng, lo=0.005, hi=0.1):
    return float(np.float32(np.exp(rng.uniform(np.log(lo), np.log(hi)))))


def act_in(m, rng, shape, scale=None, zp=None):
    t = m.tensor(shape, U8, scale or rand_scale(rng, 0.01, 0.05),
                 int(rng.integers(0, 256)) if zp is None else zp)
    m.inputs.append(t)
    return t


def act_out(m, rng, shape, scale=None, zp=None):
    t = m.tensor(shape, U8, scale or rand_scale(rng, 0.02, 0.2),
                 int(rng.integers(0, 256)) if zp is None else zp)
    m.outputs.append(t)
    return t


def weights(m, rng, shape, in_scale, out_ch):
    """uint8 filter with a random zero point and an int32 bias."""
    fs = rand_scale(rng, 0.002, 0.02)
    f = m.tensor(shape, U8, fs, int(rng.integers(0, 256)),
                 rng.integers(0, 256, shape))
    bs = float(np.float32(np.float32(in_scale) * np.float32(fs)))
    b = m.tensor([out_ch], I32, bs, 0, rng.integers(-3000, 3000, [out_ch]))
    return f, b


def conv(rng, depthwise, k, stride, pad, act, dil=1, dm=1, cin=5, cout=7, hw=(9, 11)):
    m = Model()
    isc = rand_scale(rng, 0.01, 0.05)
    x = act_in(m, rng, [1, hw[0], hw[1], cin], isc)
    if depthwise:
        cout = cin * dm
        f, b = weights(m, rng, [1, k, k, cout], isc, cout)
    else:
        f, b = weights(m, rng, [cout, k, k, cin], isc, cout)
    ek = (k - 1) * dil + 1
    if pad == fb.Padding.SAME:
        oh, ow = -(-hw[0] // stride), -(-hw[1] // stride)
    else:
        oh, ow = (hw[0] - ek) // stride + 1, (hw[1] - ek) // stride + 1
    y = act_out(m, rng, [1, oh, ow, cout])
    if depthwise:
        o = fb.DepthwiseConv2DOptionsT()
        o.depthMultiplier = dm
        code, ot = BOP.DEPTHWISE_CONV_2D, BOPT.DepthwiseConv2DOptions
    else:
        o = fb.Conv2DOptionsT()
        code, ot = BOP.CONV_2D, BOPT.Conv2DOptions
    o.padding, o.strideH, o.strideW = pad, stride, stride
    o.dilationHFactor = o.dilationWFactor = dil
    o.fusedActivationFunction = act
    m.op(code, [x, f, b], [y], ot, o)
    return m


def fully_connected(rng, act, bias=True, batches=3, depth=20, units=9):
    m = Model()
    isc = rand_scale(rng, 0.01, 0.05)
    x = act_in(m, rng, [batches, depth], isc)
    f, b = weights(m, rng, [units, depth], isc, units)
    y = act_out(m, rng, [batches, units])
    o = fb.FullyConnectedOptionsT()
    o.fusedActivationFunction = act
    m.op(BOP.FULLY_CONNECTED, [x, f, b if bias else -1], [y],
         BOPT.FullyConnectedOptions, o)
    return m


def conv_rounding(rng, code, cin=3, cout=8, k=2, hw=(12, 12)):
    """As fc_rounding, for the convolutions (a multiplier of 0.37)."""
    m = Model()
    isc, fs = 0.05, 0.01
    wzp = int(rng.integers(100, 156))
    dw = code == BOP.DEPTHWISE_CONV_2D
    if dw:
        cout = cin
    fshape = [1, k, k, cout] if dw else [cout, k, k, cin]
    x = act_in(m, rng, [1, hw[0], hw[1], cin], isc, 128)
    f = m.tensor(fshape, U8, fs, wzp, wzp + rng.integers(-2, 3, fshape))
    bs = float(np.float32(np.float32(isc) * np.float32(fs)))
    b = m.tensor([cout], I32, bs, 0, rng.integers(-50, 50, [cout]))
    ysc = float(np.float32(isc * fs / 0.37))
    if code == BOP.TRANSPOSE_CONV:
        oh, ow = hw[0] + k - 1, hw[1] + k - 1
        shape = m.tensor([4], I32, data=[1, oh, ow, cout])
        y = act_out(m, rng, [1, oh, ow, cout], ysc, 128)
        o = fb.TransposeConvOptionsT()
        o.padding, o.strideH, o.strideW = fb.Padding.VALID, 1, 1
        m.op(code, [shape, f, x, b], [y], BOPT.TransposeConvOptions, o)
        return m
    y = act_out(m, rng, [1, hw[0] - k + 1, hw[1] - k + 1, cout], ysc, 128)
    if dw:
        o, ot = fb.DepthwiseConv2DOptionsT(), BOPT.DepthwiseConv2DOptions
        o.depthMultiplier = 1
    else:
        o, ot = fb.Conv2DOptionsT(), BOPT.Conv2DOptions
    o.padding, o.strideH, o.strideW = fb.Padding.VALID, 1, 1
    o.dilationHFactor = o.dilationWFactor = 1
    m.op(code, [x, f, b], [y], ot, o)
    return m


def fc_rounding(rng, batches=16, depth=6, units=64):
    """Multipliers near 0.4 (a right shift of 1) and weights near their zero
    point: outputs rarely saturate, and one rounding differs from two on
    about a quarter of them (TFLite's uint8 FULLY_CONNECTED rounds twice)."""
    m = Model()
    isc, fs = 0.05, 0.01
    x = act_in(m, rng, [batches, depth], isc, 128)
    wzp = int(rng.integers(100, 156))
    f = m.tensor([units, depth], U8, fs, wzp,
                 wzp + rng.integers(-3, 4, [units, depth]))
    bs = float(np.float32(np.float32(isc) * np.float32(fs)))
    b = m.tensor([units], I32, bs, 0, rng.integers(-50, 50, [units]))
    y = act_out(m, rng, [batches, units], float(np.float32(isc * fs / 0.37)), 128)
    o = fb.FullyConnectedOptionsT()
    m.op(BOP.FULLY_CONNECTED, [x, f, b], [y], BOPT.FullyConnectedOptions, o)
    return m


def eltwise(rng, code, act, shape_a, shape_b, shape_out):
    m = Model()
    a = act_in(m, rng, shape_a)
    b = act_in(m, rng, shape_b)
    y = act_out(m, rng, shape_out)
    if code == BOP.MUL:
        o, ot = fb.MulOptionsT(), BOPT.MulOptions
    elif code == BOP.SUB:
        o, ot = fb.SubOptionsT(), BOPT.SubOptions
    else:
        o, ot = fb.AddOptionsT(), BOPT.AddOptions
    o.fusedActivationFunction = act
    m.op(code, [a, b], [y], ot, o)
    return m


def minmax(rng, code, shape_a, shape_b, shape_out):
    """MAXIMUM / MINIMUM: TFLite compares the raw bytes and does not
    requantize (the converter gives the three tensors one quantization)."""
    m = Model()
    s, z = rand_scale(rng, 0.01, 0.05), int(rng.integers(0, 256))
    a = act_in(m, rng, shape_a, s, z)
    b = act_in(m, rng, shape_b, s, z)
    y = act_out(m, rng, shape_out, s, z)
    m.op(code, [a, b], [y])
    return m


def pool(rng, code, k, stride, pad, act, hw=(9, 10), c=6):
    m = Model()
    s, z = rand_scale(rng, 0.01, 0.05), int(rng.integers(0, 256))
    x = act_in(m, rng, [2, hw[0], hw[1], c], s, z)
    if pad == fb.Padding.SAME:
        oh, ow = -(-hw[0] // stride), -(-hw[1] // stride)
    else:
        oh, ow = (hw[0] - k) // stride + 1, (hw[1] - k) // stride + 1
    y = act_out(m, rng, [2, oh, ow, c], s, z)
    o = fb.Pool2DOptionsT()
    o.padding, o.strideH, o.strideW = pad, stride, stride
    o.filterHeight, o.filterWidth = k, k
    o.fusedActivationFunction = act
    m.op(code, [x], [y], BOPT.Pool2DOptions, o)
    return m


def unary(rng, code, out_scale=None, out_zp=None, opt_type=BOPT.NONE, opts=None,
          shape=(2, 5, 4, 6), in_type=U8, out_type=U8):
    m = Model()
    if in_type == F32:
        x = m.tensor(shape, F32)
        m.inputs.append(x)
    else:
        x = m.tensor(shape, in_type, rand_scale(rng, 0.01, 0.1),
                     int(rng.integers(0, 256)) - (128 if in_type == I8 else 0))
        m.inputs.append(x)
    if out_type == F32:
        y = m.tensor(shape, F32)
    else:
        y = m.tensor(shape, out_type, out_scale or rand_scale(rng, 0.01, 0.1),
                     (int(rng.integers(0, 256)) - (128 if out_type == I8 else 0))
                     if out_zp is None else out_zp)
    m.outputs.append(y)
    m.op(code, [x], [y], opt_type, opts)
    return m


def concat(rng, axis, requant=False):
    """requant: inputs quantized unlike the output (TFLite requantizes
    uint8 inputs), one of them as the output."""
    m = Model()
    s, z = rand_scale(rng), int(rng.integers(0, 256))
    shapes = [[1, 4, 3, 2], [1, 4, 3, 5], [1, 4, 3, 1]] if axis == 3 else \
        [[1, 2, 3, 4], [1, 5, 3, 4]]
    ins = [act_in(m, rng, sh, *(((None, None) if k != 1 else (s, z)) if requant
                                 else (s, z)))
           for k, sh in enumerate(shapes)]
    out = list(shapes[0])
    out[axis] = sum(sh[axis] for sh in shapes)
    y = act_out(m, rng, out, s, z)
    o = fb.ConcatenationOptionsT()
    o.axis = axis
    m.op(BOP.CONCATENATION, ins, [y], BOPT.ConcatenationOptions, o)
    return m


def transpose_conv(rng, stride, pad):
    m = Model()
    isc = rand_scale(rng, 0.01, 0.05)
    cin, cout, k, hw = 4, 3, 3, (5, 6)
    oh, ow = (hw[0] * stride, hw[1] * stride) if pad == fb.Padding.SAME else \
        ((hw[0] - 1) * stride + k, (hw[1] - 1) * stride + k)
    shape = m.tensor([4], I32, data=[1, oh, ow, cout])
    f, b = weights(m, rng, [cout, k, k, cin], isc, cout)
    x = act_in(m, rng, [1, hw[0], hw[1], cin], isc)
    y = act_out(m, rng, [1, oh, ow, cout])
    o = fb.TransposeConvOptionsT()
    o.padding, o.strideH, o.strideW = pad, stride, stride
    m.op(BOP.TRANSPOSE_CONV, [shape, f, x, b], [y], BOPT.TransposeConvOptions, o)
    return m


def leaky_relu(rng, alpha):
    o = fb.LeakyReluOptionsT()
    o.alpha = alpha
    return unary(rng, BOP.LEAKY_RELU, opt_type=BOPT.LeakyReluOptions, opts=o)


def mean_model(rng, keep, axes, same_quant):
    m = Model()
    s, z = rand_scale(rng), int(rng.integers(0, 256))
    x = act_in(m, rng, [2, 5, 4, 6], s, z)
    ax = m.tensor([len(axes)], I32, data=axes)
    shape = [d for i, d in enumerate([2, 5, 4, 6]) if i not in axes or keep]
    shape = [1 if (i in axes and keep) else d for i, d in enumerate([2, 5, 4, 6])] if keep \
        else shape
    y = act_out(m, rng, shape, *((s, z) if same_quant else (None, None)))
    o = fb.ReducerOptionsT()
    o.keepDims = keep
    m.op(BOP.MEAN, [x, ax], [y], BOPT.ReducerOptions, o)
    return m


def move_model(rng, code):
    m = Model()
    s, z = rand_scale(rng), int(rng.integers(0, 256))
    x = act_in(m, rng, [2, 5, 4, 6], s, z)
    if code == BOP.TRANSPOSE:
        perm = m.tensor([4], I32, data=[0, 2, 1, 3])
        y = act_out(m, rng, [2, 4, 5, 6], s, z)
        m.op(code, [x, perm], [y], BOPT.TransposeOptions, fb.TransposeOptionsT())
    else:
        b = m.tensor([4], I32, data=[0, 1, 0, 1])
        e = m.tensor([4], I32, data=[2, 5, 4, 6])
        st = m.tensor([4], I32, data=[1, 2, 1, 2])
        y = act_out(m, rng, [2, 2, 4, 3], s, z)
        m.op(code, [x, b, e, st], [y], BOPT.StridedSliceOptions,
             fb.StridedSliceOptionsT())
    return m


def pad_model(rng):
    m = Model()
    s, z = rand_scale(rng), int(rng.integers(0, 256))
    x = act_in(m, rng, [1, 4, 5, 3], s, z)
    p = m.tensor([4, 2], I32, data=[[0, 0], [1, 2], [2, 0], [0, 1]])
    y = act_out(m, rng, [1, 7, 7, 4], s, z)
    m.op(BOP.PAD, [x, p], [y], BOPT.PadOptions, fb.PadOptionsT())
    return m


def reshape_model(rng):
    m = Model()
    s, z = rand_scale(rng), int(rng.integers(0, 256))
    x = act_in(m, rng, [1, 4, 5, 3], s, z)
    sh = m.tensor([2], I32, data=[4, 15])
    y = act_out(m, rng, [4, 15], s, z)
    o = fb.ReshapeOptionsT()
    o.newShape = [4, 15]
    m.op(BOP.RESHAPE, [x, sh], [y], BOPT.ReshapeOptions, o)
    return m


def op_models(rng):
    S, V = fb.Padding.SAME, fb.Padding.VALID
    yield "conv_3x3_s1_same", conv(rng, False, 3, 1, S, ACTS[0])
    yield "conv_3x3_s2_same_relu6", conv(rng, False, 3, 2, S, ACTS[2])
    yield "conv_1x1_relu", conv(rng, False, 1, 1, V, ACTS[1], cin=16, cout=12)
    yield "conv_5x5_valid_dil2", conv(rng, False, 5, 1, V, ACTS[0], dil=2, hw=(13, 12))
    yield "conv_3x3_s2_valid_n1to1", conv(rng, False, 3, 2, V, ACTS[3])
    yield "dw_3x3_s1_same_relu6", conv(rng, True, 3, 1, S, ACTS[2], cin=24)
    yield "dw_3x3_s2_same", conv(rng, True, 3, 2, S, ACTS[0], cin=17)
    yield "dw_3x3_dm2_valid", conv(rng, True, 3, 1, V, ACTS[1], dm=2)
    yield "dw_5x5_dil2_same", conv(rng, True, 5, 1, S, ACTS[0], dil=2, cin=8)
    yield "fc_relu", fully_connected(rng, ACTS[1])
    yield "fc_nobias", fully_connected(rng, ACTS[0], bias=False, batches=1, depth=64, units=10)
    yield "fc_big", fully_connected(rng, ACTS[0], batches=2, depth=1024, units=40)
    yield "add", eltwise(rng, BOP.ADD, ACTS[0], [1, 4, 5, 6], [1, 4, 5, 6], [1, 4, 5, 6])
    yield "add_bcast_relu6", eltwise(rng, BOP.ADD, ACTS[2], [1, 4, 5, 6], [1, 1, 1, 6], [1, 4, 5, 6])
    yield "sub", eltwise(rng, BOP.SUB, ACTS[0], [2, 3, 4], [2, 3, 4], [2, 3, 4])
    yield "mul", eltwise(rng, BOP.MUL, ACTS[0], [1, 4, 5, 6], [1, 4, 5, 6], [1, 4, 5, 6])
    yield "mul_bcast_relu", eltwise(rng, BOP.MUL, ACTS[1], [1, 4, 1, 6], [1, 1, 5, 1], [1, 4, 5, 6])
    yield "avgpool_2x2_s2", pool(rng, BOP.AVERAGE_POOL_2D, 2, 2, V, ACTS[0])
    yield "avgpool_3x3_s1_same", pool(rng, BOP.AVERAGE_POOL_2D, 3, 1, S, ACTS[0])
    yield "avgpool_3x3_s2_same_relu6", pool(rng, BOP.AVERAGE_POOL_2D, 3, 2, S, ACTS[2])
    yield "maxpool_2x2_s2", pool(rng, BOP.MAX_POOL_2D, 2, 2, V, ACTS[0])
    yield "maxpool_3x3_s2_same_relu", pool(rng, BOP.MAX_POOL_2D, 3, 2, S, ACTS[1])
    yield "concat_channels", concat(rng, 3)
    yield "concat_rows", concat(rng, 1)
    yield "concat_requant", concat(rng, 3, requant=True)
    yield "concat_requant_rows", concat(rng, 1, requant=True)
    yield "fc_many", fully_connected(rng, ACTS[0], batches=8, depth=256, units=200)
    yield "fc_rounding", fc_rounding(rng)
    yield "conv_rounding", conv_rounding(rng, BOP.CONV_2D)
    yield "dw_rounding", conv_rounding(rng, BOP.DEPTHWISE_CONV_2D)
    yield "tconv_rounding", conv_rounding(rng, BOP.TRANSPOSE_CONV)
    yield "tconv_s2_same", transpose_conv(rng, 2, S)
    yield "tconv_s1_valid", transpose_conv(rng, 1, V)
    yield "relu", unary(rng, BOP.RELU)
    yield "relu6", unary(rng, BOP.RELU6)
    yield "relu_n1_to_1", unary(rng, BOP.RELU_N1_TO_1)
    yield "leaky_relu", leaky_relu(rng, 0.1)
    yield "mean_hw_keep", mean_model(rng, True, [1, 2], False)
    yield "mean_hw_keep_same", mean_model(rng, True, [1, 2], True)
    yield "mean_c", mean_model(rng, False, [3], False)
    yield "transpose", move_model(rng, BOP.TRANSPOSE)
    yield "strided_slice", move_model(rng, BOP.STRIDED_SLICE)
    yield "pad", pad_model(rng)
    yield "reshape", reshape_model(rng)
    for beta in (1.0, 0.5):
        o = fb.SoftmaxOptionsT()
        o.beta = beta
        yield "softmax_beta%d" % (beta * 10), unary(rng, BOP.SOFTMAX, 1 / 256, 0, BOPT.SoftmaxOptions,
                                              o, shape=(3, 10))
    yield "logistic", unary(rng, BOP.LOGISTIC, 1 / 256, 0)
    yield "tanh", unary(rng, BOP.TANH, 1 / 128, 128)
    yield "quantize_u8_u8", unary(rng, BOP.QUANTIZE)
    yield "quantize_u8_i8", unary(rng, BOP.QUANTIZE, out_type=I8)
    yield "quantize_i8_u8", unary(rng, BOP.QUANTIZE, in_type=I8)
    yield "quantize_f32_u8", unary(rng, BOP.QUANTIZE, in_type=F32)
    yield "dequantize_u8", unary(rng, BOP.DEQUANTIZE, out_type=F32)
    yield "hard_swish", unary(rng, BOP.HARD_SWISH)
    yield "maximum_bcast", minmax(rng, BOP.MAXIMUM, [1, 4, 5, 6], [1, 1, 5, 1], [1, 4, 5, 6])
    yield "minimum", minmax(rng, BOP.MINIMUM, [2, 3, 4], [2, 3, 4], [2, 3, 4])


# ---- zoo models, cut before the first op the runtime lacks ----

LACKING = {BOP.RESIZE_BILINEAR, BOP.ARG_MAX, BOP.CUSTOM}


def cut(path, out_path):
    """Drop the ops the runtime lacks and what depends on them; returns
    the number of ops dropped."""
    buf = open(path, "rb").read()
    m = fb.ModelT.InitFromObj(fb.Model.GetRootAsModel(buf, 0))
    sg = m.subgraphs[0]
    codes = [max(c.builtinCode, c.deprecatedBuiltinCode) for c in m.operatorCodes]
    tainted, keep, dropped = set(), [], []
    for op in sg.operators:
        if codes[op.opcodeIndex] in LACKING or any(i in tainted for i in op.inputs):
            tainted.update(op.outputs)
            dropped.append(op)
        else:
            keep.append(op)
    if not dropped:
        return 0
    made = {t for op in keep for t in op.outputs} | set(sg.inputs)

    def const(t):
        return bool(m.buffers[sg.tensors[t].buffer].data)
    seen = [t for t in sg.outputs if t in made]
    for op in dropped:
        seen += [t for t in op.inputs
                 if t >= 0 and t in made and not const(t) and t not in seen]
    sg.operators, sg.outputs = keep, seen
    b = flatbuffers.Builder(1 << 20)
    b.Finish(m.Pack(b), file_identifier=b"TFL3")
    open(out_path, "wb").write(b.Output())
    return len(dropped)


def zoo_models(zoo, out):
    for path in sorted(glob.glob(os.path.join(zoo, "*uint8*.tflite"))):
        key = os.path.basename(path)[:-len(".tflite")]
        dst = os.path.join(out, "zoo." + key + ".tflite")
        if cut(path, dst):
            os.rename(dst, os.path.join(out, "zoo." + key + "_cut.tflite"))
        else:
            open(dst, "wb").write(open(path, "rb").read())


def reference(mdir, cases=3, zoo_cases=1):
    """Three random cases per op model, one per zoo model (a whole network
    on one input exercises every op; more would only cost time in the VM)."""
    rdir = os.path.join(mdir, "ref")
    os.makedirs(rdir, exist_ok=True)
    for path in sorted(glob.glob(os.path.join(mdir, "*.tflite"))):
        key = os.path.basename(path)[:-len(".tflite")]
        n = zoo_cases if key.startswith("zoo.") else cases
        it = Interpreter(model_path=path,
                         experimental_op_resolver_type=OpResolverType.BUILTIN_REF)
        it.allocate_tensors()
        ins, outs = it.get_input_details(), it.get_output_details()
        with open(os.path.join(rdir, key + ".io"), "w") as f:
            f.write("in %s\nout %s\n" % (" ".join(np.dtype(d["dtype"]).name for d in ins),
                                          " ".join(np.dtype(d["dtype"]).name for d in outs)))
        rng = np.random.default_rng(11)
        for k in range(n):
            for i, d in enumerate(ins):
                if d["dtype"] == np.float32:
                    v = rng.uniform(-3, 3, d["shape"]).astype(np.float32)
                else:
                    info = np.iinfo(d["dtype"])
                    v = rng.integers(info.min, info.max + 1, d["shape"]).astype(d["dtype"])
                it.set_tensor(d["index"], v)
                v.tofile(os.path.join(rdir, "%s.random%d.in%d.bin" % (key, k, i)))
            it.invoke()
            for i, d in enumerate(outs):
                it.get_tensor(d["index"]).tofile(
                    os.path.join(rdir, "%s.random%d.out%d.bin" % (key, k, i)))


def main():
    out = sys.argv[1]
    here = os.path.dirname(os.path.abspath(__file__))
    zoo = sys.argv[2] if len(sys.argv) > 2 else \
        os.path.join(here, "..", "..", "..", "shared", "models", "zoo")
    os.makedirs(out, exist_ok=True)
    rng = np.random.default_rng(2026)
    n = 0
    for name, m in op_models(rng):
        m.write(os.path.join(out, "u8op." + name + ".tflite"))
        n += 1
    if os.path.isdir(zoo):
        zoo_models(zoo, out)
    reference(out)
    print("uint8: %d op models, %d zoo models" %
          (n, len(glob.glob(os.path.join(out, "zoo.*.tflite")))))


if __name__ == "__main__":
    main()
