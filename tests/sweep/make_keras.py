#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Keras models converted the ways published models are: make_keras.py OUTDIR [NAME...]

Writes OUTDIR/<net>.<mode>.tflite for the Keras applications (random
weights, small inputs: the point is operator and type coverage, not
accuracy) and for small models built from the layers published models use,
in every quantization mode TFLite's converter offers:

  float      float32
  dynamic    dynamic range (hybrid): int8 weights, float activations
  fp16       float16 weights (DEQUANTIZE in front of every float op)
  int8       full integer, int8 input and output
  fio        full integer inside, float input and output (QUANTIZE/DEQUANTIZE)
  fallback   int8 where a kernel exists, float elsewhere (no op-set restriction)
  16x8       int16 activations, int8 weights
  uint8      legacy uint8: the per-tensor int8 model with every int8 tensor
             moved to uint8 (zero point + 128), as TF1's converter wrote them

A mode the converter refuses for a net is skipped (and said on stderr).
ELU and SELU are left out: TFLite's BUILTIN_REF resolver has no ELU, so
nothing could check them; ROUND and CEIL (tf.round, tf.math.ceil) too.
NAME... restricts to nets whose name starts with one of them (NAME$: is it);
MODES=int8,16x8 in the environment to some modes.
Each net converts in a process of its own.
"""
import os
import sys
import tempfile

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("CUDA_VISIBLE_DEVICES", "")
# tf.keras as Keras 2 (tf_keras): TF functions on symbolic tensors, as the
# exporters of published models used them.
os.environ["TF_USE_LEGACY_KERAS"] = "1"
import numpy as np  # noqa: E402
import tensorflow as tf  # noqa: E402

K = tf.keras
L = tf.keras.layers
SEED = 20261206
MODES = ["float", "dynamic", "fp16", "int8", "fio", "fallback", "16x8", "uint8"]


def app(ctor, size, **kw):
    def make():
        return ctor(weights=None, input_shape=(size, size, 3), classes=10, **kw)
    return make


def seq(*layers, shape):
    def make():
        x = inp = K.Input(shape)
        for layer in layers:
            x = layer()(x) if isinstance(layer, type) else layer(x)
        return K.Model(inp, x)
    return make


def conv1d():
    x = inp = K.Input((49, 10))
    x = L.Conv1D(16, 3, padding="same", activation="relu")(x)
    x = L.Conv1D(16, 3, strides=2, dilation_rate=1)(x)
    x = L.MaxPooling1D(2)(x)
    x = L.GlobalAveragePooling1D()(x)
    return K.Model(inp, L.Dense(4, activation="softmax")(x))


def separable():
    x = inp = K.Input((32, 32, 3))
    x = L.SeparableConv2D(8, 3, padding="same", activation="relu")(x)
    x = L.SeparableConv2D(16, 3, strides=2, depth_multiplier=2)(x)
    x = L.BatchNormalization()(x)
    x = L.LeakyReLU(0.2)(x)
    x = L.ZeroPadding2D(((1, 0), (0, 1)))(x)
    x = L.Cropping2D(((0, 1), (1, 0)))(x)
    return K.Model(inp, L.GlobalMaxPooling2D()(x))


def transpose_conv():
    x = inp = K.Input((16, 16, 4))
    x = L.Conv2D(8, 3, strides=2, padding="same", activation="relu")(x)
    x = L.Conv2DTranspose(8, 3, strides=2, padding="same")(x)
    x = L.Conv2DTranspose(4, 2, strides=2, padding="valid", activation="relu")(x)
    return K.Model(inp, x)


def unet():
    x = inp = K.Input((32, 32, 3))
    a = L.Conv2D(8, 3, padding="same", activation="relu")(x)
    b = L.MaxPooling2D()(a)
    b = L.Conv2D(16, 3, padding="same", activation="relu")(b)
    c = L.UpSampling2D(interpolation="bilinear")(b)
    d = L.UpSampling2D(interpolation="nearest")(b)
    x = L.Concatenate()([a, c, d])
    x = L.Conv2D(2, 1)(x)
    return K.Model(inp, L.Softmax(axis=-1)(x))


def resize_ac():
    x = inp = K.Input((12, 12, 4))
    a = tf.image.resize(x, (23, 17), method="bilinear")
    b = tf.compat.v1.image.resize_bilinear(x, (23, 17), align_corners=True)
    c = tf.compat.v1.image.resize_nearest_neighbor(x, (23, 17), align_corners=True)
    d = tf.image.resize(x, (6, 5), method="nearest")
    d = tf.image.resize(d, (23, 17), method="nearest")
    return K.Model(inp, L.Add()([a, b, c, d]))


def gru():
    x = inp = K.Input((20, 8), batch_size=1)
    x = L.GRU(16, return_sequences=True)(x)
    x = L.GRU(8)(x)
    return K.Model(inp, L.Dense(3)(x))


def simple_rnn():
    x = inp = K.Input((20, 8), batch_size=1)
    x = L.SimpleRNN(12, return_sequences=True)(x)
    x = L.LSTM(8)(x)
    return K.Model(inp, L.Dense(3)(x))


def attention():
    x = inp = K.Input((16, 32))
    y = L.MultiHeadAttention(num_heads=4, key_dim=8)(x, x)
    x = L.LayerNormalization()(L.Add()([x, y]))
    y = L.Dense(64, activation="gelu")(x)
    y = L.Dense(32)(y)
    x = L.LayerNormalization(epsilon=1e-6)(L.Add()([x, y]))
    a = L.Attention()([x, x])
    return K.Model(inp, L.Dense(5)(L.GlobalAveragePooling1D()(a)))


def softmax_axes():
    x = inp = K.Input((6, 7, 5))
    a = L.Softmax(axis=1)(x)
    b = L.Softmax(axis=2)(x)
    c = L.Permute((3, 1, 2))(x)
    c = L.Softmax(axis=-1)(c)
    c = L.Permute((2, 3, 1))(c)
    return K.Model(inp, L.Concatenate()([a, b, c]))


def activations():
    x = inp = K.Input((8, 8, 6))
    parts = [L.Activation(a)(x) for a in
             ["gelu", "swish", "hard_sigmoid", "softplus", "softsign", "tanh",
              "sigmoid", "relu6", "exponential"]]
    parts.append(L.Activation(tf.nn.silu)(x))
    parts.append(L.PReLU(shared_axes=[1, 2])(x))
    parts.append(L.LeakyReLU(0.1)(x))
    parts.append(L.ReLU(max_value=4.0, threshold=0.5)(x))
    parts.append(tf.keras.activations.hard_swish(x) if hasattr(tf.keras.activations, "hard_swish")
                 else x * tf.nn.relu6(x + 3) / 6)
    return K.Model(inp, L.Concatenate()(parts))


def dense3d():
    x = inp = K.Input((10, 12))
    x = L.Dense(16, activation="relu")(x)
    x = L.Reshape((5, 32))(x)
    x = L.Dense(8)(x)
    x = L.Flatten()(x)
    return K.Model(inp, L.Dense(4)(x))


def embedding():
    inp = K.Input((12,), dtype="int32")
    x = L.Embedding(50, 16)(inp)
    x = L.Conv1D(8, 3)(x)
    x = L.GlobalMaxPooling1D()(x)
    return K.Model(inp, L.Dense(2)(x))


def pooling():
    x = inp = K.Input((24, 24, 4))
    a = L.AveragePooling2D(3, strides=2, padding="same")(x)
    b = L.MaxPooling2D(3, strides=2, padding="same")(x)
    x = L.Concatenate()([a, b])
    x = L.DepthwiseConv2D(3, depth_multiplier=2, dilation_rate=2, padding="same")(x)
    x = L.Multiply()([x, L.Activation("sigmoid")(L.GlobalAveragePooling2D(keepdims=True)(x))])
    m = tf.reduce_max(x, axis=[1, 2])
    s = tf.reduce_sum(x, axis=3)
    s = L.Flatten()(s)
    return K.Model(inp, L.Concatenate()([m, s]))


def mathops():
    x = inp = K.Input((8, 8, 4))
    a = tf.math.sqrt(tf.abs(x) + 1.0)
    b = tf.math.rsqrt(tf.abs(x) + 1.0)
    c = tf.square(x) - tf.math.squared_difference(x, 0.5)
    d = tf.math.l2_normalize(x, axis=-1)
    e = tf.maximum(x, 0.2) + tf.minimum(x, -0.2)
    f = x / (tf.abs(x) + 1.0)
    g = tf.exp(-tf.abs(x))
    h = tf.math.log(tf.abs(x) + 1.0)
    i = tf.nn.log_softmax(x)
    j = tf.tile(tf.reduce_mean(x, axis=[1, 2], keepdims=True), [1, 8, 8, 1])
    return K.Model(inp, tf.concat([a, b, c, d, e, f, g, h, i, j], axis=-1))


def movement():
    x = inp = K.Input((8, 8, 4))
    a = tf.nn.space_to_depth(x, 2)
    a = tf.nn.depth_to_space(a, 2)
    b = tf.pad(x, [[0, 0], [1, 2], [2, 1], [0, 0]], mode="REFLECT")
    b = tf.slice(b, [0, 1, 2, 0], [-1, 8, 8, 4])
    c = tf.reverse(x, axis=[2])
    parts = tf.split(x, 2, axis=3)
    d = tf.concat([parts[1], parts[0]], axis=3)
    u = tf.unstack(x, axis=1)
    e = tf.stack(u[::-1], axis=1)
    f = tf.transpose(x, [0, 2, 1, 3])
    g = x[:, ::2, 1::2, :]
    g = tf.image.resize(g, (8, 8), method="nearest")
    return K.Model(inp, tf.concat([a, b, c, d, e, f, g], axis=-1))


def detector_head():
    x = inp = K.Input((32, 32, 3))
    x = L.Conv2D(8, 3, strides=2, padding="same", activation="relu")(x)
    f1 = L.Conv2D(16, 3, strides=2, padding="same", activation="relu")(x)
    f2 = L.Conv2D(16, 3, strides=2, padding="same", activation="relu")(f1)
    outs = []
    for f in (f1, f2):
        box = L.Reshape((-1, 4))(L.Conv2D(2 * 4, 1)(f))
        cls = L.Reshape((-1, 3))(L.Conv2D(2 * 3, 1)(f))
        outs.append(L.Concatenate()([box, L.Activation("sigmoid")(cls)]))
    x = L.Concatenate(axis=1)(outs)
    score = tf.reduce_max(x[:, :, 4:], axis=-1)
    idx = tf.argmax(x[:, :, 4:], axis=-1, output_type=tf.int32)
    return K.Model(inp, [x, score, idx])


def bilstm():
    x = inp = K.Input((16, 8), batch_size=1)
    x = L.Bidirectional(L.LSTM(8, return_sequences=True))(x)
    x = L.TimeDistributed(L.Dense(6, activation="relu"))(x)
    x = L.Bidirectional(L.GRU(4))(x)
    return K.Model(inp, L.Dense(3, activation="softmax")(x))


def tcn():
    """An audio net of dilated causal Conv1D blocks with residuals, as
    keyword spotters and TCNs are built."""
    x = inp = K.Input((64, 13))
    x = L.Conv1D(16, 1)(x)
    for d in (1, 2, 4):
        y = L.Conv1D(16, 3, padding="causal", dilation_rate=d)(x)
        y = L.BatchNormalization()(y)
        y = L.Activation("relu")(y)
        y = L.SpatialDropout1D(0.1)(y)
        x = L.Add()([x, y])
    x = L.AveragePooling1D(4)(x)
    x = L.Conv1D(8, 5, strides=2, activation="tanh")(x)
    x = L.GlobalMaxPooling1D()(x)
    return K.Model(inp, L.Dense(6)(x))


def ds_cnn():
    """The keyword-spotting DS-CNN (MFCC image in, depthwise-separable
    blocks, average pool)."""
    x = inp = K.Input((49, 10, 1))
    x = L.Conv2D(32, (10, 4), strides=(2, 2), padding="same", use_bias=False)(x)
    x = L.BatchNormalization()(x)
    x = L.ReLU()(x)
    for _ in range(2):
        x = L.DepthwiseConv2D(3, padding="same", use_bias=False)(x)
        x = L.BatchNormalization()(x)
        x = L.ReLU()(x)
        x = L.Conv2D(32, 1, use_bias=False)(x)
        x = L.BatchNormalization()(x)
        x = L.ReLU()(x)
    x = L.AveragePooling2D((25, 5))(x)
    x = L.Flatten()(x)
    return K.Model(inp, L.Dense(12, activation="softmax")(x))


def transformer():
    """A transformer encoder block over token embeddings with learned
    positions and a causal mask, as small text and audio models have."""
    inp = K.Input((10,), dtype="int32")
    x = L.Embedding(40, 16)(inp)
    pos = tf.range(10)
    x = x + L.Embedding(10, 16)(pos)
    y = L.MultiHeadAttention(num_heads=2, key_dim=8)(x, x, use_causal_mask=True)
    x = L.LayerNormalization()(x + y)
    y = L.Dense(32, activation="relu")(x)
    y = L.Dense(16)(y)
    x = L.LayerNormalization()(x + y)
    x = x[:, -1, :]
    return K.Model(inp, L.Dense(4)(x))


def groupconv():
    x = inp = K.Input((16, 16, 8))
    x = L.Conv2D(16, 3, groups=4, padding="same", activation="relu")(x)
    x = L.Conv2D(16, 1, groups=2)(x)
    x = L.Conv2D(8, 3, strides=2, groups=8)(x)
    return K.Model(inp, x)


def mathops2():
    x = inp = K.Input((6, 6, 4))
    a = tf.floor(x * 3.0)
    b = tf.sign(x) * tf.abs(x)
    c = tf.sin(x) + tf.cos(x)
    d = tf.pow(tf.abs(x) + 0.5, 1.5)
    e = tf.math.floordiv(x * 4.0, 1.5) + tf.math.floormod(x * 4.0, 1.5)
    f = tf.math.cumsum(x, axis=2)
    g = tf.tile(tf.reduce_min(x, axis=1, keepdims=True), [1, 6, 1, 1])
    h = tf.tile(tf.reduce_prod(x, axis=2, keepdims=True), [1, 1, 6, 1])
    i = tf.clip_by_value(x, -0.3, 0.4)
    j = tf.where(x > 0.1, x, x * 0.5)
    k = tf.nn.relu(tf.negative(x)) + tf.nn.relu6(x * 8.0) + tf.minimum(tf.maximum(x, -1.0), 1.0)
    return K.Model(inp, tf.concat([a, b, c, d, e, f, g, h, i, j, k], axis=-1))


def select_ops():
    x = inp = K.Input((12, 8))
    m = tf.matmul(x, x, transpose_b=True)
    m = tf.nn.softmax(m / 4.0)
    y = tf.matmul(m, x)
    v, idx = tf.math.top_k(tf.reduce_mean(y, axis=2), k=4)
    g = tf.gather(y, idx, axis=1, batch_dims=1)
    am = tf.cast(tf.argmin(y, axis=2), tf.float32)
    oh = tf.one_hot(tf.argmax(y, axis=2), 8)
    cmp = tf.cast(tf.logical_and(y > 0.0, y < 0.5), tf.float32)
    return K.Model(inp, [L.Flatten()(g), v, am, L.Concatenate()([oh, cmp, y])])


def keras3(build):
    """@build with Keras 3 (the keras package, TF 2.16's default tf.keras):
    it exports shapes as SHAPE arithmetic around UpSampling2D and
    Conv2DTranspose, where tf_keras wrote constants."""
    def make():
        import keras as k3
        return build(k3, k3.layers)
    return make


def k3_upsample(k3, l3):
    x = inp = k3.Input((16, 16, 3))
    a = l3.Conv2D(8, 3, padding="same", activation="relu")(x)
    b = l3.MaxPooling2D()(a)
    c = l3.UpSampling2D(interpolation="nearest")(b)
    return k3.Model(inp, l3.Concatenate()([a, c]))


def k3_transpose_conv(k3, l3):
    x = inp = k3.Input((8, 8, 4))
    x = l3.Conv2D(8, 3, strides=2, padding="same", activation="relu")(x)
    x = l3.Conv2DTranspose(4, 3, strides=2, padding="same")(x)
    return k3.Model(inp, x)


APPS = K.applications
NETS = {  # small models first: a partial run still covers the layers
    "conv1d": conv1d,
    "separable": separable,
    "transpose_conv": transpose_conv,
    "unet": unet,
    "resize_ac": resize_ac,
    "gru": gru,
    "simple_rnn": simple_rnn,
    "attention": attention,
    "softmax_axes": softmax_axes,
    "activations": activations,
    "dense3d": dense3d,
    "embedding": embedding,
    "pooling": pooling,
    "mathops": mathops,
    "movement": movement,
    "detector_head": detector_head,
    "bilstm": bilstm,
    "tcn": tcn,
    "ds_cnn": ds_cnn,
    "transformer": transformer,
    "groupconv": groupconv,
    "mathops2": mathops2,
    "select_ops": select_ops,
    "k3_upsample": keras3(k3_upsample),
    "k3_transpose_conv": keras3(k3_transpose_conv),
    "mobilenet_v3_small": app(APPS.MobileNetV3Small, 64, include_preprocessing=False),
    "mobilenet_v3_large": app(APPS.MobileNetV3Large, 64, include_preprocessing=False),
    "mobilenet_v2": app(APPS.MobileNetV2, 64),
    "efficientnet_b0": app(APPS.EfficientNetB0, 64),
    "efficientnet_v2_b0": app(APPS.EfficientNetV2B0, 64, include_preprocessing=False),
    "resnet50": app(APPS.ResNet50, 64),
    "densenet121": app(APPS.DenseNet121, 64),
    "nasnet_mobile": app(APPS.NASNetMobile, 64),
    "inception_v3": app(APPS.InceptionV3, 75),
    "convnext_tiny": app(APPS.ConvNeXtTiny, 64, include_preprocessing=False),
    "regnety_002": app(APPS.RegNetY002, 64),
    "xception": app(APPS.Xception, 71),
}


def rep_data(model, rng, n=4):
    out = []
    for _ in range(n):
        xs = []
        for i in model.inputs:
            shape = [1] + [int(d) for d in i.shape[1:]]
            if "int32" in str(i.dtype):
                xs.append(rng.integers(0, 50, shape).astype(np.int32))
            else:
                xs.append(rng.uniform(-1, 1, shape).astype(np.float32))
        out.append(xs)
    return out


def convert(model, mode, rep, per_tensor=False):
    conv = tf.lite.TFLiteConverter.from_keras_model(model)
    int_input = any("int32" in str(i.dtype) for i in model.inputs)

    def dataset():
        yield from rep

    if mode == "dynamic":
        conv.optimizations = [tf.lite.Optimize.DEFAULT]
    elif mode == "fp16":
        conv.optimizations = [tf.lite.Optimize.DEFAULT]
        conv.target_spec.supported_types = [tf.float16]
    elif mode == "fallback":
        conv.optimizations = [tf.lite.Optimize.DEFAULT]
        conv.representative_dataset = dataset
    elif mode == "16x8":
        conv.optimizations = [tf.lite.Optimize.DEFAULT]
        conv.representative_dataset = dataset
        conv.target_spec.supported_ops = [
            tf.lite.OpsSet.EXPERIMENTAL_TFLITE_BUILTINS_ACTIVATIONS_INT16_WEIGHTS_INT8]
        if not int_input:
            conv.inference_input_type = tf.int16
        conv.inference_output_type = tf.int16
    elif mode in ("int8", "fio", "uint8"):
        conv.optimizations = [tf.lite.Optimize.DEFAULT]
        conv.representative_dataset = dataset
        conv.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
        if mode != "fio":
            if not int_input:
                conv.inference_input_type = tf.int8
            conv.inference_output_type = tf.int8
        if per_tensor:
            conv._experimental_disable_per_channel = True
    return conv.convert()


def to_uint8(blob):
    """The legacy uint8 form of a per-tensor int8 model: same real values."""
    from ai_edge_litert import schema_py_generated as fb
    import flatbuffers

    m = fb.ModelT.InitFromObj(fb.Model.GetRootAs(blob, 0))
    for sg in m.subgraphs:
        for t in sg.tensors:
            if t.type != fb.TensorType.INT8:
                continue
            q = t.quantization
            if q is None or q.zeroPoint is None or len(q.zeroPoint) != 1:
                raise ValueError("per-channel tensor %s" % t.name)
            t.type = fb.TensorType.UINT8
            q.zeroPoint = [int(q.zeroPoint[0]) + 128]
            buf = m.buffers[t.buffer]
            if buf.data is not None and len(buf.data):
                d = np.asarray(buf.data, np.uint8).view(np.int8).astype(np.int16) + 128
                buf.data = d.astype(np.uint8)
    b = flatbuffers.Builder(1024)
    b.Finish(m.Pack(b), file_identifier=b"TFL3")
    return bytes(b.Output())


def runs(blob):
    """The interpreter accepts and runs the model (BUILTIN_REF)."""
    from ai_edge_litert.interpreter import Interpreter, OpResolverType
    it = Interpreter(model_content=blob,
                     experimental_op_resolver_type=OpResolverType.BUILTIN_REF)
    it.allocate_tensors()
    return True


def main():
    out = sys.argv[1]
    only = sys.argv[2:]
    os.makedirs(out, exist_ok=True)
    names = [n for n in NETS if not only or any(
        n == o[:-1] if o.endswith("$") else n.startswith(o) for o in only)]
    if len(names) > 1:
        # One process a net: a converter crash (it aborts on some GRU
        # quantizations) loses that net's remaining modes, not the run.
        import subprocess
        for name in names:
            r = subprocess.run([sys.executable, __file__, out, name + "$"])
            if r.returncode:
                print("%s: converter process died (%d)" % (name, r.returncode), file=sys.stderr)
        return
    for name in names:
        make = NETS[name]
        tf.keras.utils.set_random_seed(SEED)
        rng = np.random.default_rng(SEED)
        model = make()
        rep = rep_data(model, rng)
        for mode in [m for m in MODES if m in os.environ.get("MODES", m).split(",")]:
            path = os.path.join(out, "%s.%s.tflite" % (name, mode))
            if os.path.exists(path):
                continue
            try:
                if mode == "uint8":
                    blob = to_uint8(convert(model, mode, rep, per_tensor=True))
                    runs(blob)
                else:
                    blob = convert(model, mode, rep)
            except Exception as e:  # noqa: BLE001: the converter's refusals vary
                print("%s.%s: skipped: %s" % (name, mode, str(e).splitlines()[0][:200]),
                      file=sys.stderr)
                continue
            with tempfile.NamedTemporaryFile(dir=out, delete=False) as f:
                f.write(blob)
            os.rename(f.name, path)
            print("%s.%s: %d bytes" % (name, mode, len(blob)), file=sys.stderr)


if __name__ == "__main__":
    main()
