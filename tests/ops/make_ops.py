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
import numpy as np  # noqa: E402
import flatbuffers  # noqa: E402
import tensorflow as tf  # noqa: E402
from ai_edge_litert import schema_py_generated as schema  # noqa: E402
from ai_edge_litert.interpreter import Interpreter, OpResolverType  # noqa: E402

SEED = 20261206


def convert(fn, specs, dynamic=False, per_channel=True):
    conc = fn.get_concrete_function(*specs)
    c = tf.lite.TFLiteConverter.from_concrete_functions([conc], fn)
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
    b = flatbuffers.Builder(0)
    b.Finish(m.Pack(b), file_identifier=b"TFL3")
    return bytes(b.Output())


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

    spec = [tf.TensorSpec([2, 9, 9, 16], tf.float32)]
    out["conv_2d.hybrid_pc"] = convert(conv_same, spec, True)
    out["conv_2d.hybrid_pt"] = convert(conv_same, spec, True, per_channel=False)
    out["conv_2d.hybrid_s2"] = convert(conv_s2, spec, True)

    dw, db = weights(rng, 3, 3, 64, 2), weights(rng, 128)

    @tf.function
    def depthwise(x):
        return tf.nn.relu6(tf.nn.depthwise_conv2d(x, dw, [1, 1, 1, 1], "SAME") + db)

    out["depthwise_conv_2d.hybrid"] = convert(
        depthwise, [tf.TensorSpec([1, 7, 7, 64], tf.float32)], True)

    fw, fb = weights(rng, 100, 48), weights(rng, 48)

    @tf.function
    def fc(x):
        return tf.nn.relu(tf.matmul(x, fw) + fb)

    spec = [tf.TensorSpec([3, 100], tf.float32)]
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
    conc = fn.get_concrete_function(*specs)
    c = tf.lite.TFLiteConverter.from_concrete_functions([conc], fn)
    c.optimizations = [tf.lite.Optimize.DEFAULT]
    c.representative_dataset = lambda: (
        [rng.uniform(-1, 1, s.shape).astype(np.float32) for s in specs]
        for _ in range(32))
    c.target_spec.supported_ops = [
        tf.lite.OpsSet.EXPERIMENTAL_TFLITE_BUILTINS_ACTIVATIONS_INT16_WEIGHTS_INT8
        if int16 else tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
    c.inference_input_type = c.inference_output_type = tf.int16 if int16 else tf.int8
    return c.convert()


def runtime_fc_models(rng):
    """FULLY_CONNECTED whose weights are an input of the model."""

    @tf.function
    def fc(x, w):
        return tf.matmul(x, w, transpose_b=True)

    specs = [tf.TensorSpec([3, 40], tf.float32), tf.TensorSpec([12, 40], tf.float32)]
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

    specs = [tf.TensorSpec([2, 3, 4, 8], tf.float32), tf.TensorSpec([3, 8, 5], tf.float32)]
    adj = [tf.TensorSpec([2, 8, 4], tf.float32), tf.TensorSpec([1, 5, 8], tf.float32)]
    return {"batch_matmul.float": convert(mm, specs),
            "batch_matmul.float_adj": convert(mm_adj, adj),
            "batch_matmul.int8": ptq(mm, specs, rng),
            "batch_matmul.int8_adj": ptq(mm_adj, adj, rng),
            "batch_matmul.int16": ptq(mm, specs, rng, int16=True)}


def float16_models(rng):
    """float16 weights: DEQUANTIZE to float32, then run-time-weight FULLY_CONNECTED."""
    fw = weights(rng, 40, 12)

    @tf.function
    def fc(x):
        return tf.matmul(x, fw)

    conc = fc.get_concrete_function(tf.TensorSpec([3, 40], tf.float32))
    c = tf.lite.TFLiteConverter.from_concrete_functions([conc], fc)
    c.optimizations = [tf.lite.Optimize.DEFAULT]
    c.target_spec.supported_types = [tf.float16]
    return {"dequantize.float16": c.convert()}


def complex_models(rng):
    """A COMPLEX64 tensor (RFFT2D, COMPLEX_ABS: an audio front end)."""

    @tf.function
    def spectrum(x):
        return tf.abs(tf.signal.rfft2d(x))

    return {"rfft2d.complex64": convert(spectrum, [tf.TensorSpec([1, 8, 16], tf.float32)])}


def random_input(d, rng):
    if d["dtype"] == np.float32:
        return rng.uniform(-1, 1, d["shape"]).astype(np.float32)
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


def reference(outdir, key, model, rng):
    rdir = os.path.join(outdir, "ref")
    with open(os.path.join(outdir, key + ".tflite"), "wb") as f:
        f.write(model)
    it = Interpreter(model_content=model,
                     experimental_op_resolver_type=OpResolverType.BUILTIN_REF)
    it.allocate_tensors()
    ins, outs = it.get_input_details(), it.get_output_details()
    with open(os.path.join(rdir, key + ".ops"), "w") as f:
        f.write("".join(op["op_name"] + "\n" for op in it._get_ops_details()))
    with open(os.path.join(rdir, key + ".io"), "w") as f:
        f.write("in %s\nout %s\n" % (" ".join(np.dtype(d["dtype"]).name for d in ins),
                                      " ".join(np.dtype(d["dtype"]).name for d in outs)))
    for case, values in cases(ins, rng).items():
        for i, (d, v) in enumerate(zip(ins, values)):
            v = v.astype(d["dtype"])
            it.set_tensor(d["index"], v)
            v.tofile(os.path.join(rdir, "%s.%s.in%d.bin" % (key, case, i)))
        it.invoke()
        for i, d in enumerate(outs):
            it.get_tensor(d["index"]).tofile(
                os.path.join(rdir, "%s.%s.out%d.bin" % (key, case, i)))


def main():
    outdir = sys.argv[1]
    os.makedirs(os.path.join(outdir, "ref"), exist_ok=True)
    rng = np.random.default_rng(SEED)
    models = {}
    for make in (hybrid_models, runtime_fc_models, batch_matmul_models,
                 float16_models, complex_models):
        models.update(make(rng))
    for key, model in sorted(models.items()):
        reference(outdir, key, model, rng)
    print("ops: %d models" % len(models))


if __name__ == "__main__":
    main()
