#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Small one-builtin models and their BUILTIN_REF references: make_ops.py OUTDIR

Each model exercises one builtin in the variants TFLite's kernel tells
apart (per-channel or per-tensor weights, symmetric or asymmetric run-time
quantization, batches, strides, ...).  They are made here with the venv's
TensorFlow (the converter of the pinned version) and, where the converter
has no switch for a variant, by editing the converted flatbuffer with
TFLite's schema.  For every OUTDIR/<builtin>.<variant>.tflite, the TFLite
interpreter with its reference kernels (OpResolverType.BUILTIN_REF) runs
the cases below and writes OUTDIR/ref/ in the layout of
tests/models/reference.py, which tests/models/check.py compares against
(check.py OUTDIR --cpu --gaps tests/ops/gaps.txt).

Cases: three seeded random inputs over [-1, 1), an all-zero input (TFLite
skips the product), a non-negative input (asymmetric zero point at the
edge), "ties": values k/127 + 0.5/127 that land near the rounding
boundaries of the run-time quantization, and "halfway": halves and the
floats just below them at a run-time scale of 1.
"""
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_USE_LEGACY_KERAS", "1")
import numpy as np  # noqa: E402
import flatbuffers  # noqa: E402
import tensorflow as tf  # noqa: E402
from ai_edge_litert import schema_py_generated as schema  # noqa: E402
from ai_edge_litert.interpreter import Interpreter, OpResolverType  # noqa: E402

SEED = 20261206


def f32(*shape):
    return tf.TensorSpec(list(shape), tf.float32)


def i32(*shape):
    return tf.TensorSpec(list(shape), tf.int32)


def converter(fn, *specs):
    """The TFLite converter of tf.function @fn traced at @specs."""
    return tf.lite.TFLiteConverter.from_concrete_functions(
        [fn.get_concrete_function(*specs)], fn)


def full_integer(c, sample, int16=False, float_fallback=False):
    """Sets @c to a full-integer conversion with int8 (@int16: 16x8) input
    and output, calibrated on 32 calls of @sample() (a list of inputs);
    @float_fallback: ops TFLite cannot quantize stay float between
    (DE)QUANTIZE."""
    c.optimizations = [tf.lite.Optimize.DEFAULT]
    c.representative_dataset = lambda: (sample() for _ in range(32))
    c.target_spec.supported_ops = [
        tf.lite.OpsSet.EXPERIMENTAL_TFLITE_BUILTINS_ACTIVATIONS_INT16_WEIGHTS_INT8
        if int16 else tf.lite.OpsSet.TFLITE_BUILTINS_INT8] + (
        [tf.lite.OpsSet.TFLITE_BUILTINS] if float_fallback else [])
    c.inference_input_type = c.inference_output_type = tf.int16 if int16 else tf.int8


def pack(m):
    """The .tflite bytes of schema.ModelT @m."""
    b = flatbuffers.Builder(0)
    b.Finish(m.Pack(b), file_identifier=b"TFL3")
    return bytes(b.Output())


class ModelSet(dict):
    """key -> .tflite bytes; one() adds the conversion of a function."""

    def one(self, key, fn, *specs):
        self[key] = convert(tf.function(fn), list(specs))


def convert(fn, specs, dynamic=False, per_channel=True):
    c = converter(fn, *specs)
    if dynamic:
        c.optimizations = [tf.lite.Optimize.DEFAULT]
        c._experimental_disable_per_channel = not per_channel
    return c.convert()


def edit_options(model, builtin, **opts):
    """Set builtin options of every op of code @builtin in @model."""
    m = schema.ModelT.InitFromPackedBuf(model, 0)
    for op in m.subgraphs[0].operators:
        code = m.operatorCodes[op.opcodeIndex]
        if max(code.builtinCode, code.deprecatedBuiltinCode) == builtin:
            for k, v in opts.items():
                setattr(op.builtinOptions, k, v)
    return pack(m)


def weights(rng, *shape):
    return tf.constant(rng.normal(0.0, 0.5, shape).astype(np.float32))


def hybrid_models(rng):
    """Dynamic-range CONV_2D, DEPTHWISE_CONV_2D, FULLY_CONNECTED."""
    out = {}
    cw, cb = weights(rng, 3, 3, 16, 32), weights(rng, 32)

    @tf.function
    def conv_same(x):
        return tf.nn.relu(tf.nn.conv2d(x, cw, 1, "SAME") + cb)

    @tf.function
    def conv_s2(x):
        return tf.nn.conv2d(x, cw, 2, "VALID") + cb

    spec = [f32(2, 9, 9, 16)]
    out["conv_2d.hybrid_pc"] = convert(conv_same, spec, True)
    out["conv_2d.hybrid_pt"] = convert(conv_same, spec, True, per_channel=False)
    out["conv_2d.hybrid_s2"] = convert(conv_s2, spec, True)

    dw, db = weights(rng, 3, 3, 64, 2), weights(rng, 128)

    @tf.function
    def depthwise(x):
        return tf.nn.relu6(tf.nn.depthwise_conv2d(x, dw, [1, 1, 1, 1], "SAME") + db)

    out["depthwise_conv_2d.hybrid"] = convert(
        depthwise, [f32(1, 7, 7, 64)], True)

    fw, fb = weights(rng, 100, 48), weights(rng, 48)

    @tf.function
    def fc(x):
        return tf.nn.relu(tf.matmul(x, fw) + fb)

    spec = [f32(3, 100)]
    pc, pt = convert(fc, spec, True), convert(fc, spec, True, per_channel=False)
    fc_code = schema.BuiltinOperator.FULLY_CONNECTED
    for name, m in (("pc", pc), ("pt", pt)):
        out["fully_connected.hybrid_%s_asym" % name] = edit_options(
            m, fc_code, asymmetricQuantizeInputs=True)
        out["fully_connected.hybrid_%s_sym" % name] = edit_options(
            m, fc_code, asymmetricQuantizeInputs=False)
    return out


def ptq(fn, specs, rng, int16=False):
    """Full-integer conversion with int8 (or 16x8) input and output."""
    c = converter(fn, *specs)
    full_integer(c, lambda: [rng.uniform(-1, 1, s.shape).astype(np.float32) for s in specs],
                 int16)
    return c.convert()


def runtime_fc_models(rng):
    """FULLY_CONNECTED whose weights are an input of the model."""

    @tf.function
    def fc(x, w):
        return tf.matmul(x, w, transpose_b=True)

    specs = [f32(3, 40), f32(12, 40)]
    return {"fully_connected.runtime_float": convert(fc, specs),
            "fully_connected.runtime_int8": ptq(fc, specs, rng)}


def batch_matmul_models(rng):
    """BATCH_MATMUL: broadcast batch axes, adjoint operands, float/int8/int16."""

    @tf.function
    def mm(x, y):
        return tf.matmul(x, y)

    @tf.function
    def mm_adj(x, y):
        return tf.matmul(x, y, transpose_a=True, transpose_b=True)

    specs = [f32(2, 3, 4, 8), f32(3, 8, 5)]
    adj = [f32(2, 8, 4), f32(1, 5, 8)]
    int8 = ptq(mm, specs, rng)
    # The converter's calibrator runs the TensorFlow wheel's own TFLite
    # kernels, whose BATCH_MATMUL with adjoint operands and a broadcast
    # batch fills the second batch from memory it never wrote: a range of
    # another size each run (output scales from 0.025 to 8e5, the int8
    # output then one constant byte).  The output's range is set from the
    # same 32 draws ptq() makes, multiplied here, rounded out to 1/16.
    draws = [[rng.uniform(-1, 1, s.shape).astype(np.float32) for s in adj]
             for _ in range(32)]
    products = [np.matmul(np.swapaxes(x, 1, 2).astype(np.float64),
                          np.swapaxes(y, 1, 2).astype(np.float64)) for x, y in draws]
    lo = np.floor(min(p.min() for p in products) * 16) / 16
    hi = np.ceil(max(p.max() for p in products) * 16) / 16
    c = converter(mm_adj, *adj)
    feed = iter(draws)
    full_integer(c, lambda: next(feed))
    return {"batch_matmul.float": convert(mm, specs),
            "batch_matmul.float_adj": convert(mm_adj, adj),
            "batch_matmul.int8": int8,
            "batch_matmul.int8_adj": output_range(c.convert(), float(lo), float(hi)),
            "batch_matmul.int16": ptq(mm, specs, rng, int16=True)}


def output_range(model, lo, hi):
    """@model with its int8 output quantized for the real range [@lo, @hi]
    as the converter quantizes an activation: the range widened to hold 0,
    255 steps, the zero point rounded into [-128, 127]."""
    m = schema.ModelT.InitFromPackedBuf(model, 0)
    g = m.subgraphs[0]
    q = g.tensors[g.outputs[0]].quantization
    lo, hi = min(lo, 0.0), max(hi, 0.0)
    scale = (hi - lo) / 255.0
    q.scale = [scale]
    q.zeroPoint = [int(np.clip(np.round(-128 - lo / scale), -128, 127))]
    return pack(m)


def float16_models(rng):
    """float16 weights: DEQUANTIZE to float32, then run-time-weight FULLY_CONNECTED."""
    fw = weights(rng, 40, 12)

    @tf.function
    def fc(x):
        return tf.matmul(x, fw)

    c = converter(fc, f32(3, 40))
    c.optimizations = [tf.lite.Optimize.DEFAULT]
    c.target_spec.supported_types = [tf.float16]
    return {"dequantize.float16": c.convert()}


def complex_models(rng):
    """A COMPLEX64 tensor (RFFT2D, COMPLEX_ABS: an audio front end)."""

    @tf.function
    def spectrum(x):
        return tf.abs(tf.signal.rfft2d(x))

    return {"rfft2d.complex64": convert(spectrum, [f32(1, 8, 16)])}


def keras_lstm(shape, units, rng, quantize):
    """A Keras LSTM returning its whole sequence, float or full-integer."""
    import tf_keras as keras
    keras.utils.set_random_seed(int(rng.integers(1 << 30)))
    i = keras.layers.Input(shape[1:], batch_size=shape[0])
    m = keras.Model(i, keras.layers.LSTM(units, return_sequences=True)(i))
    c = tf.lite.TFLiteConverter.from_keras_model(m)
    if quantize:
        c.optimizations = [tf.lite.Optimize.DEFAULT]
        c.representative_dataset = lambda: (
            [rng.uniform(-1, 1, shape).astype(np.float32)] for _ in range(32))
        c.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
        c.inference_input_type = c.inference_output_type = tf.int8
    return c.convert()


def edit_lstm(model, rng, cifg=False, peephole=False, projection=False,
              time_major=False, layer_norm=False):
    """The integer LSTM variants the converter does not make from Keras:
    coupled input and forget gates (CIFG), peepholes, a projection of the
    hidden state, time-major input, layer normalization.  New weights are
    random, quantized as TFLite's 8x8_16 recipe wants them (int16 peepholes
    and layer-norm coefficients, int8 projection); with layer norm the first
    four intermediates become int16 tensors with a scale (the gates'
    scales before their layer norm), the gate biases are redrawn on the
    layer norm's scale, and the cell state's scale is 2^-11 (the
    converter's 2^-16 for a wide Keras LSTM is outside this kernel)."""
    m = schema.ModelT.InitFromPackedBuf(model, 0)
    g = m.subgraphs[0]
    code = schema.BuiltinOperator.UNIDIRECTIONAL_SEQUENCE_LSTM
    op = [o for o in g.operators
          if max(m.operatorCodes[o.opcodeIndex].builtinCode,
                 m.operatorCodes[o.opcodeIndex].deprecatedBuiltinCode) == code][0]
    n_cell = int(g.tensors[op.inputs[4]].shape[0])

    def constant(name, arr, ttype, scale):
        b = schema.BufferT()
        b.data = np.frombuffer(arr.tobytes(), np.uint8)
        m.buffers.append(b)
        t = schema.TensorT()
        t.name, t.shape, t.type = name.encode(), list(arr.shape), ttype
        t.buffer = len(m.buffers) - 1
        t.quantization = schema.QuantizationParametersT()
        t.quantization.scale, t.quantization.zeroPoint = [scale], [0]
        g.tensors.append(t)
        return len(g.tensors) - 1

    inputs = list(op.inputs)
    if cifg:
        inputs[1] = inputs[5] = inputs[12] = -1
    if peephole:
        for k in (9, 10, 11):
            if k == 9 and cifg:
                continue
            w = rng.integers(-20000, 20000, n_cell).astype(np.int16)
            inputs[k] = constant("peephole%d" % k, w, schema.TensorType.INT16, 1.0 / 32768)
    if projection:
        w = rng.integers(-127, 128, (n_cell, n_cell)).astype(np.int8)
        inputs[16] = constant("projection", w, schema.TensorType.INT8, 0.004)
        bias = rng.integers(-2000, 2000, n_cell).astype(np.int32)
        inputs[17] = constant("projection_bias", bias, schema.TensorType.INT32, 1e-4)
    if layer_norm:
        inputs += [-1] * (24 - len(inputs))
        for k in range(4):
            t = g.tensors[op.intermediates[k]]
            t.type = schema.TensorType.INT16
            t.quantization = schema.QuantizationParametersT()
            t.quantization.scale = [float(rng.uniform(2e-4, 9e-4))]
            t.quantization.zeroPoint = [0]
            if k == 0 and cifg:
                continue
            w = rng.integers(8000, 32000, n_cell).astype(np.int16)
            inputs[20 + k] = constant("layer_norm%d" % k, w, schema.TensorType.INT16,
                                      float(rng.uniform(2e-5, 6e-5)))
            bias = rng.integers(-3000, 3000, n_cell).astype(np.int32)
            inputs[12 + k] = constant("layer_norm_bias%d" % k, bias,
                                      schema.TensorType.INT32, 1e-5)
        g.tensors[inputs[19]].quantization.scale = [2.0 ** -11]
    op.inputs = inputs
    if time_major:
        op.builtinOptions.timeMajor = True
    return pack(m)


def lstm_step(model):
    """The LSTM builtin (one step of the full kernel) made from a batch-major
    UNIDIRECTIONAL_SEQUENCE_LSTM model: the same op with LSTMOptions,
    input [batch, n_input] and output [batch, n_output] (the converter
    emits the sequence op; the single-step one comes from older graphs)."""
    m = schema.ModelT.InitFromPackedBuf(model, 0)
    g = m.subgraphs[0]
    code = [c for c in m.operatorCodes
            if c.builtinCode == schema.BuiltinOperator.UNIDIRECTIONAL_SEQUENCE_LSTM][0]
    code.builtinCode = code.deprecatedBuiltinCode = schema.BuiltinOperator.LSTM
    code.version = 4 if code.version < 4 else code.version
    op = [o for o in g.operators if m.operatorCodes[o.opcodeIndex] is code][0]
    old = op.builtinOptions
    o = schema.LSTMOptionsT()
    o.fusedActivationFunction, o.cellClip, o.projClip = (
        old.fusedActivationFunction, old.cellClip, old.projClip)
    op.builtinOptionsType, op.builtinOptions = schema.BuiltinOptions.LSTMOptions, o
    for t in (op.inputs[0], op.outputs[0]):
        shape = list(g.tensors[t].shape)
        g.tensors[t].shape = [shape[0], shape[2]]
        g.tensors[t].shapeSignature = None
    m.signatureDefs = []
    return pack(m)


def lstm_models(rng):
    """UNIDIRECTIONAL_SEQUENCE_LSTM: float, integer (8x8_16) and its variants."""
    base = keras_lstm((2, 5, 6), 8, rng, True)
    square = keras_lstm((3, 3, 6), 8, rng, True)
    out = {"unidirectional_sequence_lstm.float": keras_lstm((2, 5, 6), 8, rng, False),
           "unidirectional_sequence_lstm.int8": base,
           "unidirectional_sequence_lstm.int8_cifg": edit_lstm(base, rng, cifg=True),
           "unidirectional_sequence_lstm.int8_peephole": edit_lstm(base, rng, peephole=True),
           "unidirectional_sequence_lstm.int8_cifg_peephole": edit_lstm(
               base, rng, cifg=True, peephole=True),
           "unidirectional_sequence_lstm.int8_projection": edit_lstm(
               base, rng, projection=True),
           "unidirectional_sequence_lstm.int8_time_major": edit_lstm(
               square, rng, time_major=True),
           "unidirectional_sequence_lstm.int8_layer_norm": edit_lstm(
               base, rng, layer_norm=True),
           "unidirectional_sequence_lstm.int8_layer_norm_cifg_peephole_projection": edit_lstm(
               base, rng, cifg=True, peephole=True, projection=True, layer_norm=True),
           "unidirectional_sequence_lstm.int8_layer_norm_37_cells": edit_lstm(
               keras_lstm((2, 4, 6), 37, rng, True), rng, layer_norm=True),
           "lstm.int8": lstm_step(base),
           "lstm.int8_layer_norm_cifg_peephole": lstm_step(edit_lstm(
               base, rng, cifg=True, peephole=True, layer_norm=True)),
           "lstm.float": lstm_step(keras_lstm((2, 5, 6), 8, rng, False))}
    zoo = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                       "../../../shared/models/zoo/micro_speech_lstm.tflite")
    if os.path.exists(zoo):  # a published model: TFLite Micro's LSTM example
        out["unidirectional_sequence_lstm.zoo_micro_speech"] = open(zoo, "rb").read()
    return out


def edit_hybrid_lstm(model, rng, asymmetric=False, cifg=False, peephole=False,
                     projection=False, time_major=False, cell_clip=0.0, activation=None):
    """A dynamic-range (hybrid) LSTM from a float one: the converter keeps a
    Keras LSTM all float with Optimize.DEFAULT, so the eight weight matrices
    become int8 with one symmetric scale each here (float biases, input and
    states), with int8 peepholes and an int8 projection (float bias) drawn at
    random, and the options' asymmetric_quantize_inputs as asked."""
    m = schema.ModelT.InitFromPackedBuf(model, 0)
    g = m.subgraphs[0]
    code = schema.BuiltinOperator.UNIDIRECTIONAL_SEQUENCE_LSTM
    op = [o for o in g.operators
          if max(m.operatorCodes[o.opcodeIndex].builtinCode,
                 m.operatorCodes[o.opcodeIndex].deprecatedBuiltinCode) == code][0]
    n_cell = int(g.tensors[op.inputs[4]].shape[0])

    def constant(name, arr, ttype, scale=None):
        b = schema.BufferT()
        b.data = np.frombuffer(arr.tobytes(), np.uint8)
        m.buffers.append(b)
        t = schema.TensorT()
        t.name, t.shape, t.type = name.encode(), list(arr.shape), ttype
        t.buffer = len(m.buffers) - 1
        if scale is not None:
            t.quantization = schema.QuantizationParametersT()
            t.quantization.scale, t.quantization.zeroPoint = [scale], [0]
        g.tensors.append(t)
        return len(g.tensors) - 1

    inputs = list(op.inputs)
    for k in range(1, 9):
        t = g.tensors[inputs[k]]
        w = np.frombuffer(bytes(m.buffers[t.buffer].data), np.float32).reshape(t.shape)
        scale = float(np.abs(w).max()) / 127.0
        q = np.clip(np.round(w / scale), -127, 127).astype(np.int8)
        inputs[k] = constant("%s_int8" % t.name.decode(), q, schema.TensorType.INT8, scale)
    if cifg:
        inputs[1] = inputs[5] = inputs[12] = -1
    if peephole:
        for k in (9, 10, 11):
            if k == 9 and cifg:
                continue
            w = rng.integers(-127, 128, n_cell).astype(np.int8)
            inputs[k] = constant("peephole%d" % k, w, schema.TensorType.INT8, 0.004)
    if projection:
        w = rng.integers(-127, 128, (n_cell, n_cell)).astype(np.int8)
        inputs[16] = constant("projection", w, schema.TensorType.INT8, 0.003)
        bias = rng.uniform(-0.2, 0.2, n_cell).astype(np.float32)
        inputs[17] = constant("projection_bias", bias, schema.TensorType.FLOAT32)
    op.inputs = inputs
    op.builtinOptions.asymmetricQuantizeInputs = asymmetric
    op.builtinOptions.timeMajor = time_major
    op.builtinOptions.cellClip = cell_clip
    if activation is not None:
        op.builtinOptions.fusedActivationFunction = activation
    return pack(m)


def hybrid_lstm_models(rng):
    """UNIDIRECTIONAL_SEQUENCE_LSTM and LSTM with dynamic-range weights
    (EvalHybrid)."""
    rng = np.random.default_rng(SEED + 10)  # leaves the other models' draws
    base = keras_lstm((2, 5, 6), 8, rng, False)
    square = keras_lstm((3, 3, 6), 8, rng, False)
    wide = keras_lstm((2, 4, 6), 37, rng, False)
    key = "unidirectional_sequence_lstm.hybrid"
    return {key: edit_hybrid_lstm(base, rng),
            key + "_asymmetric": edit_hybrid_lstm(base, rng, asymmetric=True),
            key + "_cifg_peephole": edit_hybrid_lstm(base, rng, cifg=True, peephole=True),
            key + "_peephole_projection_asymmetric": edit_hybrid_lstm(
                base, rng, peephole=True, projection=True, asymmetric=True),
            key + "_projection_clip": edit_hybrid_lstm(
                base, rng, projection=True, cell_clip=0.5),
            key + "_time_major": edit_hybrid_lstm(square, rng, time_major=True),
            # No activation: TFLite's hidden state is then o * the cell gate.
            key + "_no_activation": edit_hybrid_lstm(
                base, rng, activation=schema.ActivationFunctionType.NONE),
            key + "_37_cells": edit_hybrid_lstm(wide, rng),
            key + "_37_cells_asymmetric": edit_hybrid_lstm(wide, rng, asymmetric=True),
            "lstm.hybrid": lstm_step(edit_hybrid_lstm(base, rng)),
            "lstm.hybrid_37_cells_peephole_projection_asymmetric": lstm_step(edit_hybrid_lstm(
                wide, rng, peephole=True, projection=True, asymmetric=True))}


def svdf_model(rng, batch, n_input, filters, rank, memory, steps=3, hybrid=True,
               bias=True, asymmetric=False, activation=None, uint8=False,
               per_channel=False):
    """SVDF built with TFLite's schema (the converter makes no SVDF): @steps
    ops one after the other, each on its own input and output, sharing one
    variable state, so one invoke runs @steps frames and the time weights
    meet a memory that is not zero.  Hybrid: int8 weights_feature and
    weights_time with one scale each, float bias, state and output."""
    act = schema.ActivationFunctionType
    m = schema.ModelT()
    m.version, m.buffers = 3, [schema.BufferT()]
    g = schema.SubGraphT()
    g.tensors, g.inputs, g.outputs, g.operators = [], [], [], []

    def tensor(name, shape, ttype, data=None, scale=None, variable=False):
        t = schema.TensorT()
        t.name, t.shape, t.type, t.buffer = name.encode(), list(shape), ttype, 0
        if data is not None:
            b = schema.BufferT()
            b.data = np.frombuffer(data.tobytes(), np.uint8)
            m.buffers.append(b)
            t.buffer = len(m.buffers) - 1
        if scale is not None:
            t.quantization = schema.QuantizationParametersT()
            t.quantization.scale, t.quantization.zeroPoint = [scale], [0]
        t.isVariable = variable
        g.tensors.append(t)
        return len(g.tensors) - 1

    float_type = schema.TensorType.FLOAT32
    units = filters // rank
    if hybrid:
        wf = tensor("weights_feature", [filters, n_input], schema.TensorType.INT8,
                    rng.integers(-127, 128, (filters, n_input)).astype(np.int8),
                    float(rng.uniform(0.005, 0.02)))
        wt = tensor("weights_time", [filters, memory], schema.TensorType.INT8,
                    rng.integers(-127, 128, (filters, memory)).astype(np.int8),
                    float(rng.uniform(0.005, 0.02)))
        for w in (wf, wt):
            q = g.tensors[w].quantization
            if uint8:
                # svdf.cc reads the bytes as int8 and ignores the zero point.
                g.tensors[w].type = schema.TensorType.UINT8
                q.zeroPoint = [128]
            if per_channel:
                q.scale = [float(v) for v in rng.uniform(0.005, 0.02, filters)]
                q.zeroPoint, q.quantizedDimension = [0] * filters, 0
    else:
        wf = tensor("weights_feature", [filters, n_input], float_type,
                    rng.normal(0, 0.5, (filters, n_input)).astype(np.float32))
        wt = tensor("weights_time", [filters, memory], float_type,
                    rng.normal(0, 0.5, (filters, memory)).astype(np.float32))
    b = tensor("bias", [units], float_type, rng.uniform(-0.5, 0.5, units).astype(np.float32)) \
        if bias else -1
    state = tensor("state", [batch, memory * filters], float_type, variable=True)
    for k in range(steps):
        x = tensor("input%d" % k, [batch, n_input], float_type)
        y = tensor("output%d" % k, [batch, units], float_type)
        g.inputs.append(x)
        g.outputs.append(y)
        op = schema.OperatorT()
        op.opcodeIndex, op.inputs, op.outputs = 0, [x, wf, wt, b, state], [y]
        op.builtinOptionsType = schema.BuiltinOptions.SVDFOptions
        op.builtinOptions = schema.SVDFOptionsT()
        op.builtinOptions.rank = rank
        op.builtinOptions.fusedActivationFunction = act.RELU if activation is None \
            else activation
        op.builtinOptions.asymmetricQuantizeInputs = asymmetric
        g.operators.append(op)
    m.subgraphs = [g]
    code = schema.OperatorCodeT()
    code.builtinCode = code.deprecatedBuiltinCode = schema.BuiltinOperator.SVDF
    code.version = 4 if asymmetric else 2 if hybrid else 1
    m.operatorCodes = [code]
    return pack(m)


def svdf_models(rng):
    """SVDF: the dynamic-range form (EvalHybridSVDF), symmetric and
    asymmetric, ranks 1 and 2, with and without bias, rows longer than the
    quantizer's blocks of 8; the float form beside it."""
    rng = np.random.default_rng(SEED + 11)  # leaves the other models' draws
    act = schema.ActivationFunctionType
    return {"svdf.hybrid": svdf_model(rng, 2, 10, 8, 1, 4),
            "svdf.hybrid_asymmetric": svdf_model(rng, 2, 10, 8, 1, 4, asymmetric=True),
            "svdf.hybrid_rank2": svdf_model(rng, 2, 12, 8, 2, 3,
                                            activation=act.NONE),
            "svdf.hybrid_rank2_asymmetric_no_bias": svdf_model(
                rng, 3, 12, 12, 2, 5, bias=False, asymmetric=True, activation=act.RELU6),
            "svdf.hybrid_37_inputs_asymmetric": svdf_model(
                rng, 1, 37, 16, 4, 6, asymmetric=True, activation=act.RELU_N1_TO_1),
            "svdf.hybrid_one_step": svdf_model(rng, 1, 20, 6, 1, 2, steps=1),
            "svdf.float_rank2": svdf_model(rng, 2, 12, 8, 2, 3, hybrid=False,
                                           activation=act.NONE),
            # A memory of 10 over 10 frames and a rank of 8: the float dot
            # products and the rank sum run past one vector of 4.
            "svdf.hybrid_memory10_rank8": svdf_model(rng, 2, 9, 16, 8, 10, steps=10,
                                                     asymmetric=True),
            "svdf.float_memory10_rank8": svdf_model(rng, 2, 9, 16, 8, 10, steps=10,
                                                    hybrid=False),
            # TANH (Eigen's, over 15 outputs: packets and a tail) and
            # SIGN_BIT, the activations ApplyActivationToVector adds.
            "svdf.float_tanh": svdf_model(rng, 3, 12, 10, 2, 4, hybrid=False,
                                          activation=act.TANH),
            "svdf.hybrid_tanh_asymmetric": svdf_model(rng, 3, 11, 10, 2, 4,
                                                      asymmetric=True, activation=act.TANH),
            "svdf.float_sign_bit": svdf_model(rng, 2, 8, 6, 1, 3, hybrid=False,
                                              activation=act.SIGN_BIT),
            "svdf.hybrid_sign_bit": svdf_model(rng, 2, 8, 6, 1, 3, activation=act.SIGN_BIT),
            # uint8 weights: svdf.cc takes them as int8 bytes, zero point
            # ignored (its hybrid path reads GetTensorData<int8_t>).
            "svdf.hybrid_uint8": svdf_model(rng, 2, 10, 8, 1, 4, uint8=True),
            "svdf.hybrid_uint8_asymmetric": svdf_model(rng, 2, 10, 8, 2, 4, uint8=True,
                                                       asymmetric=True)}


def detection_model(rng, n, classes, uint8=False, **options):
    """A model of the custom op TFLite_Detection_PostProcess alone: box
    encodings and class scores in, anchors constant, four float outputs
    whose shapes the op sets (the converter leaves them empty)."""
    from flatbuffers import flexbuffers
    opts = dict(max_detections=10, max_classes_per_detection=1, num_classes=classes,
                nms_score_threshold=0.3, nms_iou_threshold=0.5,
                y_scale=10.0, x_scale=10.0, h_scale=5.0, w_scale=5.0)
    opts.update(options)
    m = schema.ModelT()
    m.version = 3
    m.buffers = [schema.BufferT()]
    code = schema.OperatorCodeT()
    code.builtinCode = code.deprecatedBuiltinCode = schema.BuiltinOperator.CUSTOM
    code.customCode = b"TFLite_Detection_PostProcess"
    code.version = 1
    m.operatorCodes = [code]
    g = schema.SubGraphT()
    g.tensors = []

    def tensor(name, shape, ttype, data=None, quant=None):
        t = schema.TensorT()
        t.name, t.shape, t.type, t.buffer = name.encode(), shape, ttype, 0
        if data is not None:
            b = schema.BufferT()
            b.data = np.frombuffer(data.tobytes(), np.uint8)
            m.buffers.append(b)
            t.buffer = len(m.buffers) - 1
        if quant:
            t.quantization = schema.QuantizationParametersT()
            t.quantization.scale, t.quantization.zeroPoint = [quant[0]], [quant[1]]
        g.tensors.append(t)
        return len(g.tensors) - 1

    centre = rng.uniform(0.1, 0.9, (n, 2))
    size = rng.uniform(0.05, 0.5, (n, 2))
    anchors = np.concatenate([centre, size], 1).astype(np.float32)
    if uint8:
        f = schema.TensorType.UINT8
        ins = [tensor("boxes", [1, n, 4], f, quant=(0.08, 128)),
               tensor("scores", [1, n, classes + 1], f, quant=(1.0 / 256, 0)),
               tensor("anchors", [n, 4], f, np.round(anchors * 255).astype(np.uint8),
                      (1.0 / 255, 0))]
    else:
        f = schema.TensorType.FLOAT32
        ins = [tensor("boxes", [1, n, 4], f), tensor("scores", [1, n, classes + 1], f),
               tensor("anchors", [n, 4], f, anchors)]
    outs = [tensor("detection_%s" % k, [], schema.TensorType.FLOAT32)
            for k in ("boxes", "classes", "scores", "count")]
    op = schema.OperatorT()
    op.opcodeIndex, op.inputs, op.outputs = 0, ins, outs
    op.customOptions = np.frombuffer(bytes(flexbuffers.Dumps(opts)), np.uint8)
    g.operators, g.inputs, g.outputs = [op], ins[:2], outs
    m.subgraphs = [g]
    return pack(m)


def zoo_ssd_postprocess():
    """The TFLite_Detection_PostProcess of the zoo's SSD MobileNet v1 alone
    (its options, 1917 uint8 anchors, 91 classes), fed random encodings."""
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                        "../../../shared/models/zoo/ssd_mnv1_coco_uint8.tflite")
    if not os.path.exists(path):
        return {}
    m = schema.ModelT.InitFromPackedBuf(open(path, "rb").read(), 0)
    g = m.subgraphs[0]
    op = [o for o in g.operators if m.operatorCodes[o.opcodeIndex].customCode][0]
    g.operators = [op]
    g.inputs, g.outputs = [int(t) for t in op.inputs[:2]], [int(t) for t in op.outputs]
    return {"detection_postprocess.zoo_ssd_mnv1": pack(m)}


def detection_models(rng):
    """TFLite_Detection_PostProcess: fast and regular NMS, float and uint8."""
    return {**zoo_ssd_postprocess(),
        "detection_postprocess.fast_float": detection_model(rng, 60, 5),
        "detection_postprocess.fast3_float": detection_model(
            rng, 60, 6, max_classes_per_detection=3),
        "detection_postprocess.regular_float": detection_model(
            rng, 60, 5, use_regular_nms=True, detections_per_class=4),
        "detection_postprocess.fast_uint8": detection_model(
            rng, 300, 8, True, nms_score_threshold=1e-8, nms_iou_threshold=0.6),
        "detection_postprocess.fast3_uint8": detection_model(
            rng, 300, 8, True, max_classes_per_detection=3, nms_score_threshold=0.5),
        "detection_postprocess.regular_uint8": detection_model(
            rng, 300, 8, True, use_regular_nms=True, nms_score_threshold=0.5),
    }


def custom_op_example(rng):
    """FULLY_CONNECTED, then a custom op TFLite does not know
    ("ExampleSoftsign": y = x / (1 + |x|)): the input of
    tools/examples/custom_kernel.c, which supplies its kernel.  TFLite
    cannot run it, so it has no reference: written to OUTDIR/examples."""
    w, b = weights(rng, 12, 8), weights(rng, 8)

    @tf.function
    def fc(x):
        return tf.matmul(x, w) + b

    m = schema.ModelT.InitFromPackedBuf(
        convert(fc, [f32(2, 12)]), 0)
    g = m.subgraphs[0]
    code = schema.OperatorCodeT()
    code.builtinCode = code.deprecatedBuiltinCode = schema.BuiltinOperator.CUSTOM
    code.customCode, code.version = b"ExampleSoftsign", 1
    m.operatorCodes.append(code)
    out = schema.TensorT()
    out.name, out.shape, out.type, out.buffer = b"softsign", [2, 8], 0, 0
    g.tensors.append(out)
    op = schema.OperatorT()
    op.opcodeIndex = len(m.operatorCodes) - 1
    op.inputs, op.outputs = [g.outputs[0]], [len(g.tensors) - 1]
    g.operators.append(op)
    g.outputs = [len(g.tensors) - 1]
    return pack(m)


def ptq_range(fn, shape, lo, hi, int16=False):
    """ptq() of a one-input @fn with representative data over [lo, hi)."""
    rng = np.random.default_rng(1)

    @tf.function
    def f(x):
        return fn(x)

    c = converter(f, f32(*shape))
    full_integer(c, lambda: [rng.uniform(lo, hi, shape).astype(np.float32)], int16)
    return c.convert()


def reduce(fn, axes, keep):
    return lambda x: fn(x, axis=axes, keepdims=keep)


def hard_swish(x):
    return x * tf.nn.relu6(x + 3.0) * (1.0 / 6.0)


def prelu(shape, shared_axes):
    """A Keras PReLU layer with seeded random slopes (the converter's PRELU)."""
    layer = tf.keras.layers.PReLU(shared_axes=shared_axes)
    layer.build([None] + shape[1:])
    w = layer.get_weights()[0]
    layer.set_weights([np.random.default_rng(5).uniform(-0.5, 1.5, w.shape)
                       .astype(np.float32)])
    return layer


# builtin.case: (input shape, function, representative range, int8/16x8)
ELEMENTWISE = {
    "mean.hw_keep": ([1, 7, 5, 16], reduce(tf.reduce_mean, [1, 2], True), (-1, 3), "8,16"),
    "mean.hw": ([2, 6, 6, 8], reduce(tf.reduce_mean, [1, 2], False), (-1, 3), "8,16"),
    "mean.axis1_rank3": ([1, 9, 8], reduce(tf.reduce_mean, [1], False), (-1, 3), "8,16"),
    "mean.axis2_keep": ([1, 7, 5, 16], reduce(tf.reduce_mean, [2], True), (-2, 1), "8,16"),
    "mean.channels": ([1, 3, 3, 300], reduce(tf.reduce_mean, [-1], False), (-1, 3), "8"),
    "reduce_max.hw": ([1, 6, 5, 8], reduce(tf.reduce_max, [1, 2], False), (-1, 3), "8,16"),
    "reduce_max.last_keep": ([2, 3, 10], reduce(tf.reduce_max, [-1], True), (-1, 3), "8"),
    "reduce_min.axis1": ([1, 6, 5, 8], reduce(tf.reduce_min, [1], False), (-1, 3), "8,16"),
    # QuantizedReduceProd: rescaled at every multiplication (the [0.5, 1.5)
    # range puts the zero point at the edge).
    "reduce_prod.last": ([2, 3, 4], reduce(tf.reduce_prod, [-1], False), (-1, 1), "8,16"),
    "reduce_prod.two_axes_keep": ([2, 2, 3, 2], reduce(tf.reduce_prod, [1, 3], True),
                                  (0.5, 1.5), "8,16"),
    "reduce_prod.all": ([3, 4], reduce(tf.reduce_prod, None, False), (-2, 2), "8"),
    "maximum.bcast": ([1, 6, 5, 8], lambda x: tf.maximum(
        x, tf.reduce_mean(x, axis=[1, 2], keepdims=True)), (-1, 3), "8,16"),
    "minimum.same": ([2, 3, 10], lambda x: tf.minimum(x, 0.5 - x), (-2, 2), "8,16"),
    "prelu.channel": ([1, 8, 8, 16], prelu([1, 8, 8, 16], [1, 2]), (-3, 3), "8"),
    "prelu.full": ([1, 4, 5, 3], prelu([1, 4, 5, 3], None), (-3, 3), "8"),
    "arg_max.last": ([1, 6, 5, 9], lambda x: tf.argmax(x, axis=-1, output_type=tf.int32),
                     (-1, 3), "8"),
    "arg_max.rows": ([1, 2304, 17], lambda x: tf.argmax(x, axis=1, output_type=tf.int32),
                     (-1, 3), "8"),
    "arg_min.axis1": ([2, 7, 4], lambda x: tf.argmin(x, axis=1, output_type=tf.int64),
                      (-1, 3), "8"),
    "hard_swish.wide": ([1, 8, 8, 8], hard_swish, (-6, 6), "8"),
    "hard_swish.narrow": ([1, 4, 4, 16], hard_swish, (-1, 0.5), "8"),
    "exp.small": ([1, 6, 6, 4], tf.exp, (-3, 1), "8"),
    # Quantized DIV (reference_ops::DivElementwise): Keras' Softsign, a
    # broadcast divisor, negative divisors.
    "div.softsign": ([2, 40], lambda x: x / (1 + tf.abs(x)), (-6, 6), "8"),
    "div.bcast": ([2, 3, 8], lambda x: x / (tf.reduce_max(tf.abs(x), axis=-1, keepdims=True)
                                            + 0.5), (-3, 3), "8"),
    "div.negative": ([4, 16], lambda x: (x - 1.0) / (x - 5.0), (-3, 3), "8"),
    "log.positive": ([2, 50], tf.math.log, (0.05, 4), "8"),
    "abs.signed": ([1, 5, 5, 8], tf.abs, (-2, 1), "8"),
    # RELU first: TFLite fails SQRT on a negative input, and random int8
    # inputs would have some.
    "sqrt.after_relu": ([1, 5, 5, 8], lambda x: tf.sqrt(tf.nn.relu(x)), (-1, 4), "8"),
}


def elementwise_models(rng):
    """Reductions, MAXIMUM/MINIMUM, PRELU, ARG_MAX/MIN, table ops: full integer.

    MEAN over H,W (keep_dims both ways), one axis of rank 3 and 4 and the
    channel axis; the converter's own graphs for the others (int8, and
    16x8 where TFLite quantizes the op so).
    """
    del rng  # each model seeds its own representative data
    out = {}
    for name, (shape, fn, (lo, hi), modes) in ELEMENTWISE.items():
        for mode in modes.split(","):
            key = "%s_%s" % (name, "int16" if mode == "16" else "int8")
            out[key] = ptq_range(fn, shape, lo, hi, int16=mode == "16")
    return out


def unwrap_quantized(model):
    """The converter keeps ELU in float between a DEQUANTIZE and a
    QUANTIZE; TFLite's kernel also takes int8 (a LUTPopulate table): the
    op rewired to the int8 tensors around it, the two conversions dropped."""
    m = schema.ModelT.InitFromPackedBuf(model, 0)
    g = m.subgraphs[0]
    code = lambda op: max(m.operatorCodes[op.opcodeIndex].builtinCode,  # noqa: E731
                          m.operatorCodes[op.opcodeIndex].deprecatedBuiltinCode)
    bop = schema.BuiltinOperator
    deq = {op.outputs[0]: op.inputs[0] for op in g.operators if code(op) == bop.DEQUANTIZE}
    qnt = {op.inputs[0]: op.outputs[0] for op in g.operators if code(op) == bop.QUANTIZE}
    ops = []
    for op in g.operators:
        if code(op) in (bop.DEQUANTIZE, bop.QUANTIZE):
            continue
        op.inputs = [deq.get(t, t) for t in op.inputs]
        op.outputs = [qnt.get(t, t) for t in op.outputs]
        ops.append(op)
    g.operators = ops
    return pack(m)


def int8_elu_models(rng):
    """int8 ELU (activations.cc: LUTPopulate<int8_t> of expm1; BUILTIN_REF
    has no ELU: the reference is the builtin kernel, see reference())."""
    del rng
    return {"elu.%s_int8" % name: unwrap_quantized(ptq_range(tf.nn.elu, shape, lo, hi))
            for name, shape, lo, hi in (("wide", [1, 6, 6, 8], -4, 2),
                                        ("narrow", [2, 40], -0.5, 0.25))}


def float_int_models(rng):
    """CPU-only builtins in float32 and int32: MoveNet's decoding tail
    (FLOOR_DIV, int32 MUL/SUB, CAST, SQRT, DIV) and the float forms of the
    table ops."""
    del rng
    out = ModelSet()
    one = out.one

    one("floor_div.int32", lambda x: tf.math.floordiv(x, 48), i32(1, 17))
    one("floor_div.float", lambda x, y: tf.math.floordiv(x, y + 2.5), f32(2, 3, 4), f32(3, 1))
    one("mul.int32", lambda x, y: x * y, i32(1, 17), i32(1, 1))
    one("sub.int32", lambda x, y: x - y, i32(2, 17), i32(1, 17))
    one("add.int32", lambda x, y: x + y, i32(3, 4), i32(4))
    one("cast.int32_float", lambda x: tf.cast(x // 3, tf.float32), i32(1, 17))
    one("cast.float_int32", lambda x: tf.cast(x * 100.0, tf.int32), f32(2, 9))
    one("div.float", lambda x, y: x / (tf.abs(y) + 0.5), f32(1, 4, 4, 3), f32(4, 1, 3))
    one("sqrt.float", lambda x: tf.sqrt(tf.abs(x)), f32(3, 17))
    one("rsqrt.float", lambda x: tf.math.rsqrt(tf.abs(x) + 0.25), f32(3, 17))
    one("exp.float", tf.exp, f32(2, 10))
    one("log.float", lambda x: tf.math.log(tf.abs(x) + 0.1), f32(2, 10))
    one("neg.float", lambda x: -x, f32(2, 10))
    one("hard_swish.float", lambda x: hard_swish(x * 5.0), f32(2, 10))
    one("sum.float", lambda x: tf.reduce_sum(x, axis=[1, 2]), f32(2, 5, 6, 3))
    one("reduce_max.float", lambda x: tf.reduce_max(x, axis=-1, keepdims=True), f32(3, 4, 7))
    one("reduce_min.float", lambda x: tf.reduce_min(x, axis=0), f32(3, 4, 7))
    one("squared_difference.float", tf.math.squared_difference, f32(2, 3, 4), f32(3, 1))
    one("squared_difference.int32", tf.math.squared_difference, i32(4, 5), i32(5))
    one("log_softmax.float", lambda x: tf.nn.log_softmax(x * 4.0), f32(3, 11))
    one("l2_normalization.float", lambda x: tf.math.l2_normalize(x, axis=-1), f32(2, 3, 16))
    # POW (float32 and int32), SIN, COS, ROUND, ELU, LOCAL_RESPONSE_NORMALIZATION
    # and int32 ABS: TFLite has no quantized form of these (ROUND's ties
    # come from the "halfway" and "ties" cases).
    one("pow.float", lambda x, y: tf.pow(tf.abs(x) + 0.1, y * 3.0), f32(2, 3, 4), f32(4))
    # Exponents >= 0 (TFLite refuses a negative int32 one) and bases in
    # [-5, 5]: the random int32 inputs are in [-5000, 5000).
    one("pow.int32", lambda x, y: tf.pow(x // 1000, tf.abs(y) // 1700), i32(3, 5), i32(5))
    one("abs.int32", tf.abs, i32(4, 6))
    one("sin.float", lambda x: tf.sin(x * 7.0), f32(3, 11))
    one("cos.float", lambda x: tf.cos(x * 7.0), f32(3, 11))
    one("round.float", lambda x: tf.round(x * 2.0), f32(2, 3, 9))
    one("elu.float", lambda x: tf.nn.elu(x * 4.0), f32(2, 17))
    one("local_response_normalization.float",
        lambda x: tf.nn.local_response_normalization(x * 3.0, 2, 1.0, 0.5, 0.75),
        f32(1, 3, 4, 10))
    one("local_response_normalization.radius0",
        lambda x: tf.nn.local_response_normalization(x, 0, 2.0, 1.0, 0.5),
        f32(2, 2, 2, 5))
    return out


def int8_io(c, shape, seed, float_fallback=False):
    """full_integer() int8 conversion of @c calibrated on seeded uniform
    [-1, 1) inputs of @shape."""
    rep = np.random.default_rng(seed)
    full_integer(c, lambda: [rep.uniform(-1, 1, shape).astype(np.float32)],
                 float_fallback=float_fallback)


def streaming_model(rng, int8):
    """A microWakeWord-style streaming layer: a ring buffer of the last
    four frames in a resource variable (the converter's CALL_ONCE,
    VAR_HANDLE, READ_VARIABLE, ASSIGN_VARIABLE), shifted by one frame per
    invocation, and a fully connected layer over the buffer.  Its
    references are taken after INVOCATIONS invocations of one input from
    the initial state (reference(); check.py runs npu-run --keep-state)."""
    class Stream(tf.Module):
        def __init__(self):
            super().__init__()
            self.w = tf.constant(rng.normal(0, 0.3, (4 * 6, 5)).astype(np.float32))
            self.state = tf.Variable(tf.zeros([1, 4, 6]), trainable=False)

        @tf.function(input_signature=[f32(1, 1, 6)])
        def step(self, x):
            ring = tf.concat([self.state[:, 1:, :], x], axis=1)
            self.state.assign(ring)
            return tf.nn.relu(tf.matmul(tf.reshape(ring, [1, 24]), self.w))

    mod = Stream()
    c = tf.lite.TFLiteConverter.from_concrete_functions(
        [mod.step.get_concrete_function()], mod)
    c.experimental_enable_resource_variables = True
    if int8:
        int8_io(c, [1, 1, 6], 3)
    return c.convert()


def sparse_model(rng, int8):
    """A FULLY_CONNECTED whose weights are 80% zeros, stored sparse by the
    converter's sparsity pass with a DENSIFY before the op (as the sparse
    MediaPipe models; the reader densifies the constant).  @int8: fully
    int8 with a RELU (the int8 FULLY_CONNECTED goes to the NPU, its weights
    densified at load; the TFLite delegate's test runs it too,
    tests/delegate/host.sh)."""
    w = rng.normal(0, 0.5, (32, 16)).astype(np.float32)
    w[rng.uniform(size=w.shape) < 0.8] = 0.0
    w = tf.constant(w)

    @tf.function
    def fc(x):
        y = tf.matmul(x, w)
        return tf.nn.relu(y) if int8 else y

    c = converter(fc, f32(2, 32))
    if int8:
        int8_io(c, [2, 32], 4)
        c.optimizations.append(tf.lite.Optimize.EXPERIMENTAL_SPARSITY)
    else:
        c.optimizations = [tf.lite.Optimize.EXPERIMENTAL_SPARSITY]
    return c.convert()


def conv3d_between_model(rng):
    """A float CONV_3D (TFLite has no quantized one) between int8 layers
    the NPU runs: the TFLite delegate takes the NPU ops around it
    (tests/delegate/host.sh runs it)."""
    w2 = tf.constant(rng.normal(0, 0.1, (3, 3, 16, 16)).astype(np.float32))
    w3 = tf.constant(rng.normal(0, 0.1, (2, 2, 2, 16, 8)).astype(np.float32))
    w4 = tf.constant(rng.normal(0, 0.1, (3, 3, 8, 16)).astype(np.float32))

    @tf.function
    def f(x):
        y = tf.nn.relu(tf.nn.conv2d(x, w2, 1, "SAME"))
        y = tf.nn.conv3d(tf.reshape(y, [1, 2, 24, 24, 16]), w3, [1, 1, 1, 1, 1], "VALID")
        return tf.nn.relu(tf.nn.conv2d(tf.reshape(y, [1, 23, 23, 8]), w4, 1, "SAME"))

    c = converter(f, f32(1, 48, 24, 16))
    int8_io(c, [1, 48, 24, 16], 6, float_fallback=True)
    return c.convert()


def state_sparse_models(rng):
    rng = np.random.default_rng(SEED + 17)  # leaves the other models' draws
    return {"read_variable.stream_float": streaming_model(rng, False),
            "read_variable.stream_int8": streaming_model(rng, True),
            "densify.fc_float": sparse_model(rng, False),
            "densify.fc_int8": sparse_model(rng, True),
            "conv_3d.between_int8": conv3d_between_model(rng)}


# Streaming models: their references follow this many invocations.
INVOCATIONS = 3


def compare_select_models(rng):
    """Comparisons (bool outputs, with broadcast) and SELECT_V2 on them:
    float32 and int32 as converted, int8 full-integer (the comparison of
    two inputs of different scales, ComparisonWithScaling)."""
    rng = np.random.default_rng(SEED + 13)  # leaves the other models' draws
    out = ModelSet()
    one = out.one

    one("less.float", tf.math.less, f32(2, 3, 4), f32(3, 1))
    one("less_equal.float", tf.math.less_equal, f32(3, 5), f32(5))
    one("greater.int32", tf.math.greater, i32(2, 6), i32(1, 6))
    one("greater_equal.int32", lambda x, y: tf.math.greater_equal(x // 1000, y // 1000),
        i32(4, 5), i32(5))
    one("equal.int32", lambda x, y: tf.math.equal(x // 1000, y // 1000), i32(3, 7), i32(3, 7))
    one("not_equal.float", lambda x, y: tf.math.not_equal(x, tf.minimum(x, y)), f32(2, 9), f32(9))
    one("maximum.float", tf.maximum, f32(2, 3, 4), f32(4))
    one("minimum.int32", tf.minimum, i32(3, 6), i32(1, 6))
    one("select_v2.float", lambda x, y: tf.where(x > y, x, y * 2.0), f32(2, 3, 4), f32(4))
    one("select_v2.int32", lambda c, x, y: tf.where(c > 0, x, y), i32(3, 1), i32(3, 5),
        i32(5))
    for key, fn in (("less", lambda x, y: tf.where(tf.math.less(x, y * 0.5), x, y)),
                    ("greater_equal", lambda x, y: tf.where(x >= y * 3.0, x * 0.25, y)),
                    ("equal", lambda x, y: tf.where(tf.equal(x, y), x, y * 2.0))):
        out["%s.int8" % key] = ptq(tf.function(fn), [f32(2, 16), f32(2, 16)], rng)
    return out


def logical_fill_models(rng):
    """FLOOR, SQUARE (float), LOGICAL_AND/OR/NOT on comparisons, FILL of a
    run-time value, SHAPE of a dynamic-batch input, BROADCAST_TO: the
    converter's graphs (BUILTIN_REF has no CEIL or ROUND; the converter folds
    ZEROS_LIKE away)."""
    del rng
    out = ModelSet()
    one = out.one

    one("floor.float", lambda x: tf.floor(x * 3.0), f32(2, 9))
    one("square.float", tf.square, f32(3, 7))
    one("logical_and.float", lambda x, y: tf.logical_and(x > 0.0, y < 0.5), f32(2, 5), f32(5))
    one("logical_or.int32", lambda x, y: tf.logical_or(x > 0, y < 100), i32(3, 4), i32(3, 1))
    one("logical_not.float", lambda x, y: tf.logical_not(tf.logical_or(x > 0.0, y > 0.0)),
        f32(2, 6), f32(2, 6))
    one("fill.float", lambda x: tf.fill([2, 3], tf.reduce_max(x)), f32(4, 5))
    one("shape.float", lambda x: tf.shape(x) * 2, f32(None, 4))
    one("broadcast_to.int32", lambda x: tf.broadcast_to(x, [3, 2, 4]), i32(2, 1))
    return out


def retype(model, old, new):
    """@model with its run-time (buffer-less) tensors of type @old made
    @new: the ops TFLite's kernels take in types the converter refuses
    (unquantized int8/uint8/int16 REDUCE_PROD: TF's Prod is not a builtin
    for them)."""
    m = schema.ModelT.InitFromPackedBuf(model, 0)
    for t in m.subgraphs[0].tensors:
        if t.type == old and not (m.buffers[t.buffer].data is not None and
                                  len(m.buffers[t.buffer].data)):
            t.type = new
    return pack(m)


def reduce_models(rng):
    """REDUCE_PROD (float32, int32 wrapping, int64, unquantized int8,
    uint8, int16 and bool), REDUCE_ANY and REDUCE_ALL of comparisons; the
    quantized REDUCE_PROD is in ELEMENTWISE."""
    del rng
    out = ModelSet()
    one = out.one

    one("reduce_prod.float", lambda x: tf.reduce_prod(x * 2.0, axis=1), f32(2, 5, 3))
    one("reduce_prod.float_all", lambda x: tf.reduce_prod(x + 1.0), f32(3, 4))
    one("reduce_prod.int32", lambda x: tf.reduce_prod(x // 700, axis=[0, 2], keepdims=True),
        i32(3, 2, 4))
    # Random inputs up to 5000: the products wrap around int32.
    one("reduce_prod.int32_wrap", lambda x: tf.reduce_prod(x, axis=0), i32(4, 5))
    one("reduce_prod.int64", lambda x: tf.reduce_prod(tf.cast(x, tf.int64), axis=-1),
        i32(3, 5))
    wrap = convert(tf.function(lambda x: tf.reduce_prod(x, axis=1)), [i32(2, 5, 3)])
    T = schema.TensorType
    for name, typ in (("int8", T.INT8), ("uint8", T.UINT8), ("int16", T.INT16)):
        out["reduce_prod.%s_raw" % name] = retype(wrap, T.INT32, typ)
    out["reduce_prod.bool"] = retype(
        convert(tf.function(lambda x: tf.reduce_prod(x, axis=1)), [i32(4, 2, 3)]),
        T.INT32, T.BOOL)
    one("reduce_any.float", lambda x: tf.reduce_any(x > 0.5, axis=1), f32(3, 4, 5))
    one("reduce_all.float", lambda x: tf.reduce_all(x > -0.5, axis=[0, 2], keepdims=True),
        f32(3, 4, 5))
    one("reduce_any.all_axes", lambda x: tf.reduce_any(x > 0.9), f32(2, 6))
    return out


def misc_models(rng):
    """SIGN, FLOOR_MOD (divisors of both signs, broadcast), CUMSUM (every
    axis form, exclusive and reverse), RANGE, ONE_HOT (indices out of range
    both ways, axis 0 / middle / last, each value type TFLite's Eval
    takes)."""
    del rng
    out = ModelSet()
    one = out.one

    one("sign.float", lambda x: tf.sign(tf.nn.relu(x - 0.3) - tf.nn.relu(-x - 0.3)), f32(3, 7))
    one("sign.int32", lambda x: tf.sign(x // 1000), i32(4, 5))
    one("floor_mod.int32", lambda x: tf.math.floormod(x, tf.constant([3, -3, 7, -7])),
        i32(3, 4))
    one("floor_mod.int64", lambda x: tf.math.floormod(
        tf.cast(x, tf.int64), tf.constant([5, -9], tf.int64)), i32(3, 2))
    one("floor_mod.float", lambda x, y: tf.math.floormod(x * 4.0, y + 2.5), f32(2, 3, 4),
        f32(3, 1))
    one("floor_mod.float_neg", lambda x, y: tf.math.floormod(x, y - 1.5), f32(2, 6), f32(6))
    one("cumsum.float", lambda x: tf.cumsum(x, axis=1), f32(2, 5, 3))
    one("cumsum.float_rev_excl", lambda x: tf.cumsum(x, axis=-1, exclusive=True, reverse=True),
        f32(3, 9))
    one("cumsum.int32", lambda x: tf.cumsum(x, axis=0, exclusive=True), i32(4, 3))
    one("cumsum.int64", lambda x: tf.cumsum(tf.cast(x, tf.int64), axis=1, reverse=True),
        i32(2, 4, 2))
    # RANGE of a run-time shape (the dimension the converter leaves dynamic
    # is 1 here): the compiler folds the shape arithmetic, the RANGE that
    # is a graph output runs with constant inputs.  (BUILTIN_REF has no
    # int64 RANGE, version 2; a RANGE of run-time values has a run-time
    # size, which a compiled plan cannot hold.)
    one("range.int32", lambda x: (x * 2.0, tf.range(tf.shape(x)[1] * 7, -3, -2)),
        f32(2, None))
    idx = lambda x: tf.math.floormod(x, 7) - 1  # noqa: E731  -1 .. 5, depth 5
    one("one_hot.float", lambda x: tf.one_hot(idx(x), 5), i32(2, 3))
    one("one_hot.int32_axis0", lambda x: tf.one_hot(idx(x), 5, on_value=7, off_value=-2,
                                                    axis=0, dtype=tf.int32), i32(4))
    one("one_hot.bool_axis1", lambda x: tf.one_hot(idx(x), 5, on_value=True, off_value=False,
                                                   axis=1, dtype=tf.bool), i32(2, 3))
    one("one_hot.int8", lambda x: tf.one_hot(idx(x), 5, on_value=5, off_value=-3,
                                             dtype=tf.int8), i32(3))
    one("one_hot.uint8", lambda x: tf.one_hot(idx(x), 5, on_value=200, off_value=1,
                                              dtype=tf.uint8), i32(3))
    one("one_hot.int64_indices", lambda x: tf.one_hot(tf.cast(idx(x), tf.int64), 5,
                                                      dtype=tf.int64), i32(2, 2))
    return out


def index_models(rng):
    """The index builtins as the converter exports them: TOPK_V2, float32
    and int32 ARG_MAX / ARG_MIN, SCATTER_ND, UNSORTED_SEGMENT_SUM / MAX /
    MIN / PROD and NON_MAX_SUPPRESSION_V5 (its outputs stored as [1],
    shape_signature -1: the compiler sizes them from max_output_size).
    Indices and ids are constants: random ones would leave the outputs."""
    del rng
    out = ModelSet()
    one = out.one

    ids = tf.constant([2, 0, -1, 2, 1, 0], tf.int32)
    one("topk_v2.float", lambda x: tf.math.top_k(x, 4), f32(3, 9))
    one("topk_v2.int32", lambda x: tf.math.top_k(x // 700, 3), i32(2, 8))
    one("arg_max.float", lambda x: tf.argmax(x, axis=-1, output_type=tf.int32), f32(2, 5, 7))
    one("arg_min.int32", lambda x: tf.argmin(x // 900, axis=1), i32(3, 6, 2))
    one("scatter_nd.float", lambda u: tf.scatter_nd(tf.constant([[3], [0], [3]]), u, [5, 4]),
        f32(3, 4))
    for op in ("sum", "max", "min", "prod"):
        fn = getattr(tf.math, "unsorted_segment_" + op)
        one("unsorted_segment_%s.float" % op, lambda x, fn=fn: fn(x, ids, 4), f32(6, 3))
    one("unsorted_segment_sum.int32", lambda x: tf.math.unsorted_segment_sum(x, ids, 3),
        i32(6, 2))
    one("non_max_suppression_v5.float", lambda b, sc: tf.image.non_max_suppression_with_scores(
        b, sc, 6, 0.5, 0.1, 0.5), f32(12, 4), f32(12))
    return out

def random_input(d, rng):
    if d["dtype"] == np.int32:  # indices and counts: a moderate range
        return rng.integers(-5000, 5000, d["shape"]).astype(np.int32)
    if d["dtype"] == np.float32:
        return rng.uniform(-1, 1, d["shape"]).astype(np.float32)
    if d["dtype"] == np.bool_:
        return rng.integers(0, 2, d["shape"]).astype(np.bool_)
    info = np.iinfo(d["dtype"])
    return rng.integers(info.min, info.max + 1, d["shape"]).astype(d["dtype"])


def cases(details, rng):
    """name -> list of input arrays."""
    found = {}
    for k in range(3):
        found["random%d" % k] = [random_input(d, rng) for d in details]
    if any(d["dtype"] != np.float32 for d in details):
        return found
    found["zeros"] = [np.zeros(d["shape"], np.float32) for d in details]
    found["positive"] = [rng.uniform(0, 2, d["shape"]).astype(np.float32)
                         for d in details]
    ties = []
    for d in details:
        v = (rng.integers(-127, 127, d["shape"]) + 0.5) / 127.0
        v.flat[0] = 1.0
        ties.append(v.astype(np.float32))
    found["ties"] = ties
    # Range [-128, 127]: the run-time scale is 1 (symmetric and asymmetric),
    # so these values are rounded as they are: halves and the floats just
    # below them, where roundf() and the vector code's trunc(x + 0.5f) differ.
    half = []
    for d in details:
        k = rng.integers(-126, 126, d["shape"]).astype(np.float32) + np.float32(0.5)
        v = np.where(rng.integers(0, 2, d["shape"]) == 1, k,
                     np.nextafter(k, np.float32(0))).astype(np.float32)
        v.flat[0], v.flat[-1] = 127.0, -128.0
        half.append(v)
    found["halfway"] = half
    return found


def interpreter(model):
    try:
        it = Interpreter(model_content=model,
                         experimental_op_resolver_type=OpResolverType.BUILTIN_REF)
        it.allocate_tensors()
    except (RuntimeError, ValueError) as e:
        # BUILTIN_REF registers no ELU or ROUND: their builtin kernels (no
        # XNNPACK delegate) are the reference.
        if "Didn't find op for builtin opcode" not in str(e):
            raise
        it = Interpreter(model_content=model, experimental_op_resolver_type=(
            OpResolverType.BUILTIN_WITHOUT_DEFAULT_DELEGATES))
        it.allocate_tensors()
    return it


def reference(outdir, key, model, rng):
    rdir = os.path.join(outdir, "ref")
    with open(os.path.join(outdir, key + ".tflite"), "wb") as f:
        f.write(model)
    it = interpreter(model)
    ins, outs = it.get_input_details(), it.get_output_details()
    with open(os.path.join(rdir, key + ".ops"), "w") as f:
        f.write("".join(op["op_name"] + "\n" for op in it._get_ops_details()))
    with open(os.path.join(rdir, key + ".io"), "w") as f:
        f.write("in %s\nout %s\n" % (" ".join(np.dtype(d["dtype"]).name for d in ins),
                                      " ".join(np.dtype(d["dtype"]).name for d in outs)))
        if ".stream" in key:
            f.write("invocations %d\n" % INVOCATIONS)
    for case, values in cases(ins, rng).items():
        if ".stream" in key:
            # reset_all_variables() leaves resource variables (CALL_ONCE
            # initializes them once per interpreter): a fresh one per case.
            it = interpreter(model)
        for i, (d, v) in enumerate(zip(ins, values)):
            v = v.astype(d["dtype"])
            it.set_tensor(d["index"], v)
            v.tofile(os.path.join(rdir, "%s.%s.in%d.bin" % (key, case, i)))
        # Every case from the initial state, as npu-run runs it (LSTM).
        it.reset_all_variables()
        if key.startswith("detection_postprocess."):
            # Rows past the detection count are left as they were: zeros.
            for d in outs:
                it.set_tensor(d["index"], np.zeros(d["shape"], d["dtype"]))
        for _ in range(INVOCATIONS if ".stream" in key else 1):
            it.invoke()
        for i, d in enumerate(outs):
            it.get_tensor(d["index"]).tofile(
                os.path.join(rdir, "%s.%s.out%d.bin" % (key, case, i)))


def keras_rnn(layer, shape, units, rng, dynamic=False):
    """A Keras recurrent layer left unfused (GRU, SimpleRNN): a WHILE;
    @dynamic: dynamic-range weights (hybrid FULLY_CONNECTED in the body)."""
    import tf_keras as keras
    keras.utils.set_random_seed(int(rng.integers(1 << 30)))
    i = keras.layers.Input(shape[1:], batch_size=shape[0])
    m = keras.Model(i, getattr(keras.layers, layer)(units, return_sequences=True)(i))
    c = tf.lite.TFLiteConverter.from_keras_model(m)
    if dynamic:
        c.optimizations = [tf.lite.Optimize.DEFAULT]
    return c.convert()


def control_flow_models(rng):
    """WHILE and IF from tf.while_loop and tf.cond, and Keras GRU and
    SimpleRNN (their unfused loops write each step into a list the reader
    turns into DYNAMIC_UPDATE_SLICE).  The converter of the pinned
    TensorFlow crashes (SIGSEGV) on a full-integer GRU or SimpleRNN, so the
    integer WHILE is a tf.function's."""
    w = weights(rng, 3, 3)
    spec = [f32(2, 3)]

    @tf.function
    def while_data(x):
        def cond(i, x):
            return tf.logical_and(i < 10, tf.reduce_sum(x) < 100.0)

        def body(i, x):
            return i + 1, x * 1.5 + 0.25
        return tf.while_loop(cond, body, [tf.constant(0), x])[1]

    @tf.function
    def while_swap(x):
        # (a, b) -> (b, a + b): a body output is another variable's input.
        def body(i, a, b):
            return i + 1, b, a + b
        return tf.while_loop(lambda i, a, b: i < 5, body, [tf.constant(0), x, x * 0.5])[1:]

    @tf.function
    def while_dense(x):
        def body(i, x):
            return i + 1, tf.nn.relu(tf.matmul(x, w) + 0.25)
        return tf.while_loop(lambda i, x: i < 4, body, [tf.constant(0), x])[1]

    @tf.function
    def if_sum(x):
        return tf.cond(tf.reduce_sum(x) > 0, lambda: x * 2.0, lambda: x - 1.0)

    @tf.function
    def if_while(x):
        def loop():
            return tf.while_loop(lambda i, y: i < 3, lambda i, y: (i + 1, y * y - 0.5),
                                 [tf.constant(0), x])[1]
        return tf.cond(tf.reduce_max(x) > 0.5, loop, lambda: x + 1.0)

    return {"while.float": convert(while_data, spec),
            "while.swap": convert(while_swap, spec),
            "while.int8_body": ptq(while_dense, spec, rng),
            "if.float": convert(if_sum, spec),
            "if.nested_while": convert(if_while, spec),
            "while.keras_gru": keras_rnn("GRU", (2, 5, 6), 8, rng),
            "while.keras_simple_rnn": keras_rnn("SimpleRNN", (2, 5, 6), 8, rng),
            "while.keras_gru_dynamic_range": keras_rnn("GRU", (2, 4, 40), 40, rng, True)}


def main():
    outdir = sys.argv[1]
    os.makedirs(os.path.join(outdir, "ref"), exist_ok=True)
    rng = np.random.default_rng(SEED)
    models = {}
    for make in (hybrid_models, runtime_fc_models, batch_matmul_models,
                 float16_models, complex_models, lstm_models, hybrid_lstm_models,
                 svdf_models,
                 detection_models,
                 elementwise_models, int8_elu_models, float_int_models,
                 compare_select_models, state_sparse_models,
                 logical_fill_models, reduce_models, misc_models,
                 control_flow_models):
        models.update(make(rng))
    for key, model in sorted(models.items()):
        reference(outdir, key, model, rng)
    # Their own draws: the models above keep their inputs.
    irng = np.random.default_rng(SEED + 20)
    index = index_models(irng)
    for key, model in sorted(index.items()):
        reference(outdir, key, model, irng)
    os.makedirs(os.path.join(outdir, "examples"), exist_ok=True)
    with open(os.path.join(outdir, "examples", "softsign.tflite"), "wb") as f:
        f.write(custom_op_example(rng))
    print("ops: %d models" % (len(models) + len(index)))


if __name__ == "__main__":
    main()
