#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The quantization-workflow model set: make_models.py OUTDIR [NET ...]

Trains small networks of the kinds the TensorFlow Model Optimization guides
and Arm's papers report on, on deterministic synthetic data made here (no
downloads), and converts each through the workflows users run before they
bring a .tflite file to the board.  Writes OUTDIR/<net>.<workflow>.tflite,
OUTDIR/<net>.test.npz (the held-back synthetic test set), the BUILTIN_REF
references of each model (reference.py) and OUTDIR/manifest.json (per
model: float accuracy, TFLite accuracy, size, weight sparsity, unique
values per kernel).

Time (the budget is 5 minutes on two cores): without NET, two worker
processes (MODELS_JOBS) take the networks, most expensive first, from a
shared list; each network is trained, exported once as a SavedModel of its
inference function and converted from that for every post-training
workflow (what the converter's from_keras_model spends most of its time
on, a SavedModel export of the whole Keras object, is done once per float
model instead of once per workflow).  Each network starts from a cleared
Keras session, the same seeds and one TensorFlow thread, so its files do
not depend on the worker or the order.

Workflows (tests/models/README.rst says more):
  ptq_int8      full-integer int8, representative dataset, int8 input/output
  ptq_int8_fio  the same with float input/output (QUANTIZE/DEQUANTIZE)
  ptq_16x8      int16 activations, int8 weights
  fallback      int8 with float fallback (builtins may stay float)
  dynamic       dynamic range: int8 weights, float activations
  qat           quantization-aware training, then conversion
  prune         polynomial decay 50% -> 80% sparsity, stripped, then PTQ
  cluster8l / cluster8k / cluster16l / cluster16k
                weight clustering, 8 or 16 clusters, linear or k-means++
                centroids, stripped, then PTQ
  sp_cluster    sparsity-preserving clustering of the pruned model, PTQ
  pqat / cqat / pcqat
                pruning-, cluster- and both-preserving QAT
"""
import itertools
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

os.environ.setdefault("TF_USE_LEGACY_KERAS", "1")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
# oneDNN picks kernels by the CPU's instruction set at run time: without it
# the same wheel computes the same floats on every x86-64 machine.
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
JOBS = max(1, int(os.environ.get("MODELS_JOBS", "2")))
# The parent of a parallel run only starts the workers and merges their
# manifests: it does not pay TensorFlow's start-up.
PARENT = __name__ == "__main__" and "--worker" not in sys.argv and JOBS > 1 and \
    len([a for a in sys.argv[2:] if not a.startswith("-")]) != 1

import numpy as np  # noqa: E402
if not PARENT:
    import tensorflow as tf  # noqa: E402
    import tf_keras as keras  # noqa: E402
    import tensorflow_model_optimization as tfmot  # noqa: E402
    from tensorflow_model_optimization.python.core.clustering.keras.experimental import (  # noqa: E402,E501
        cluster as sp_cluster)
    from ai_edge_litert.interpreter import Interpreter  # noqa: E402

    import reference  # noqa: E402  (tests/models/reference.py, beside this file)

    L = keras.layers

SEED = 20261206

# ---------------------------------------------------------------- data


def kws_data(n, rng):
    """Audio-like 49x10 'spectrograms': class c has energy in band c."""
    x = rng.normal(0.0, 0.6, (n, 49, 10, 1)).astype(np.float32)
    y = rng.integers(0, 4, n)
    t0 = rng.integers(5, 30, n)
    for i in range(n):
        band = 2 * y[i] + 1
        x[i, t0[i]:t0[i] + 14, band:band + 2, 0] += 0.8
    return x, y


def image_data(n, rng, size=96):
    """Colour images: class c is a square anywhere, red, green, blue or white.

    A global average pool keeps no position, so a task the classifiers can
    learn in a few steps depends on colour, not on where the square is (a
    quadrant task left MobileNet-v2 and the small networks at chance)."""
    x = rng.uniform(-0.4, 0.4, (n, size, size, 3)).astype(np.float32)
    y = rng.integers(0, 4, n)
    tint = np.array([[1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 1, 1]], np.float32)
    for i in range(n):
        s = rng.integers(size // 4, size // 2)
        py, px = rng.integers(0, size - s, 2)
        x[i, py:py + s, px:px + s, :] += tint[y[i]] * rng.uniform(0.5, 0.9)
    return x, y


def seq_data(n, rng):
    """The keyword data as a (49, 10) sequence, for the LSTM."""
    x, y = kws_data(n, rng)
    return x[..., 0], y

# ---------------------------------------------------------------- networks


def ds_cnn():
    """DS-CNN keyword spotter (Zhang et al.), scaled down."""
    i = L.Input((49, 10, 1), batch_size=1)
    x = L.Conv2D(32, (10, 4), strides=(2, 2), padding="same", use_bias=False)(i)
    x = L.BatchNormalization(momentum=0.9)(x)
    x = L.ReLU()(x)
    for _ in range(3):
        x = L.DepthwiseConv2D(3, padding="same", use_bias=False)(x)
        x = L.BatchNormalization(momentum=0.9)(x)
        x = L.ReLU()(x)
        x = L.Conv2D(32, 1, use_bias=False)(x)
        x = L.BatchNormalization(momentum=0.9)(x)
        x = L.ReLU()(x)
    x = L.AveragePooling2D(pool_size=(25, 5))(x)
    x = L.Flatten()(x)
    return keras.Model(i, L.Dense(4, activation="softmax")(x))


# MobileNet-v2 trains for 18 steps: with the usual momentum its batch-norm
# moving statistics lag the weights (training accuracy 1.0, inference at
# chance); 0.5 follows them (inference 0.95).
BN_MOMENTUM = 0.5


def inverted_residual(x, expand, out, stride):
    c = x.shape[-1]
    y = L.Conv2D(c * expand, 1, use_bias=False)(x)
    y = L.BatchNormalization(momentum=BN_MOMENTUM)(y)
    y = L.ReLU(6.0)(y)
    y = L.DepthwiseConv2D(3, strides=stride, padding="same", use_bias=False)(y)
    y = L.BatchNormalization(momentum=BN_MOMENTUM)(y)
    y = L.ReLU(6.0)(y)
    y = L.Conv2D(out, 1, use_bias=False)(y)
    y = L.BatchNormalization(momentum=BN_MOMENTUM)(y)
    return L.Add()([x, y]) if stride == 1 and c == out else y


def mobilenet_v2():
    """MobileNet-v2-style classifier: inverted residuals, ADD, ReLU6."""
    i = L.Input((96, 96, 3), batch_size=1)
    x = L.Conv2D(16, 3, strides=2, padding="same", use_bias=False)(i)
    x = L.BatchNormalization(momentum=BN_MOMENTUM)(x)
    x = L.ReLU(6.0)(x)
    for expand, out, stride in ((1, 8, 1), (4, 16, 2), (4, 16, 1), (4, 24, 2), (4, 24, 1),
                                (4, 32, 2), (4, 32, 1)):
        x = inverted_residual(x, expand, out, stride)
    x = L.Conv2D(64, 1, use_bias=False)(x)
    x = L.BatchNormalization(momentum=BN_MOMENTUM)(x)
    x = L.ReLU(6.0)(x)
    x = L.GlobalAveragePooling2D()(x)
    return keras.Model(i, L.Dense(4, activation="softmax")(x))


def small_input():
    return L.Input((32, 32, 3), batch_size=1)


def upsample():
    """Detector/segmenter neck: RESIZE_NEAREST_NEIGHBOR and RESIZE_BILINEAR."""
    i = small_input()
    x = L.Conv2D(8, 3, strides=4, padding="same", activation="relu")(i)
    x = L.UpSampling2D(2, interpolation="nearest")(x)
    x = L.Conv2D(8, 3, padding="same", activation="relu")(x)
    x = L.UpSampling2D(2, interpolation="bilinear")(x)
    x = L.Conv2D(4, 3, strides=2, padding="same", activation="relu")(x)
    x = L.GlobalAveragePooling2D()(x)
    return keras.Model(i, L.Dense(4, activation="softmax")(x))


def concat():
    """CONCATENATION of inputs quantized differently (ranges 0..6 and wide)."""
    i = small_input()
    a = L.Conv2D(8, 3, strides=2, padding="same", activation="relu6")(i)
    b = L.Conv2D(8, 5, strides=2, padding="same")(i)
    b = L.Lambda(lambda t: t * 8.0)(b)
    x = L.Concatenate()([a, b])
    x = L.Conv2D(8, 3, strides=2, padding="same", activation="relu")(x)
    x = L.GlobalAveragePooling2D()(x)
    return keras.Model(i, L.Dense(4, activation="softmax")(x))


def logistic():
    """A LOGISTIC head, as detectors' objectness outputs."""
    i = small_input()
    x = L.Conv2D(8, 3, strides=2, padding="same", activation="relu")(i)
    x = L.Conv2D(8, 3, strides=2, padding="same", activation="relu")(x)
    x = L.GlobalAveragePooling2D()(x)
    return keras.Model(i, L.Dense(4, activation="sigmoid")(x))


def hard_swish():
    """HARD_SWISH (MobileNetV3): x * relu6(x + 3) / 6."""
    i = small_input()
    x = L.Conv2D(8, 3, strides=2, padding="same")(i)
    x = L.Lambda(lambda t: t * tf.nn.relu6(t + 3.0) * (1.0 / 6.0))(x)
    x = L.Conv2D(8, 3, strides=2, padding="same")(x)
    x = L.Lambda(lambda t: t * tf.nn.relu6(t + 3.0) * (1.0 / 6.0))(x)
    x = L.GlobalAveragePooling2D()(x)
    return keras.Model(i, L.Dense(4, activation="softmax")(x))


def transpose_conv():
    """TRANSPOSE_CONV, as segmentation decoders upsample."""
    i = small_input()
    x = L.Conv2D(8, 3, strides=4, padding="same", activation="relu")(i)
    x = L.Conv2DTranspose(8, 3, strides=2, padding="same", activation="relu")(x)
    x = L.Conv2D(4, 3, strides=2, padding="same", activation="relu")(x)
    x = L.GlobalAveragePooling2D()(x)
    return keras.Model(i, L.Dense(4, activation="softmax")(x))


def lstm():
    """An LSTM keyword model (UNIDIRECTIONAL_SEQUENCE_LSTM)."""
    i = L.Input((49, 10), batch_size=1)
    x = L.LSTM(16)(i)
    return keras.Model(i, L.Dense(4, activation="softmax")(x))


def small_image_data(n, rng):
    return image_data(n, rng, 32)


# name: (builder, data, epochs, all workflows?), most expensive first (the
# workers take them in this order).
NETS = {
    "mobilenet_v2": (mobilenet_v2, image_data, 3, True),
    "ds_cnn": (ds_cnn, kws_data, 4, True),
    "upsample": (upsample, small_image_data, 3, False),
    "concat": (concat, small_image_data, 3, False),
    "logistic": (logistic, small_image_data, 3, False),
    "hard_swish": (hard_swish, small_image_data, 3, False),
    "transpose_conv": (transpose_conv, small_image_data, 3, False),
    "lstm": (lstm, seq_data, 4, False),
}
# Enough to learn the synthetic tasks, few enough for the 5-minute budget.
TRAIN_SAMPLES = {"mobilenet_v2": 192, "ds_cnn": 800}
# The training-time workflows fine-tune the trained float model on a part.
FINE_TUNE_SAMPLES = 192
PTQ = ["ptq_int8", "ptq_int8_fio", "ptq_16x8", "fallback", "dynamic"]
TRAINED = ["qat", "prune", "cluster8l", "cluster8k", "cluster16l", "cluster16k",
           "sp_cluster", "pqat", "cqat", "pcqat"]

# ---------------------------------------------------------------- conversion


def export(model, path):
    """The float model as the converter sees it: a SavedModel of its inference."""
    module = tf.Module()
    module.variables_ = model.variables
    spec = [tf.TensorSpec(i.shape, i.dtype) for i in model.inputs]
    module.serve = tf.function(lambda *x: model(*x, training=False), input_signature=spec)
    tf.saved_model.save(module, path, signatures={"serving_default": module.serve})
    return path


def convert(saved, workflow, rep):
    conv = tf.lite.TFLiteConverter.from_saved_model(saved)

    def dataset():
        for k in range(rep.shape[0]):
            yield [rep[k:k + 1]]

    if workflow == "dynamic":
        conv.optimizations = [tf.lite.Optimize.DEFAULT]
    elif workflow == "fallback":
        conv.optimizations = [tf.lite.Optimize.DEFAULT]
        conv.representative_dataset = dataset
    elif workflow == "ptq_16x8":
        conv.optimizations = [tf.lite.Optimize.DEFAULT]
        conv.representative_dataset = dataset
        conv.target_spec.supported_ops = [
            tf.lite.OpsSet.EXPERIMENTAL_TFLITE_BUILTINS_ACTIVATIONS_INT16_WEIGHTS_INT8]
        conv.inference_input_type = tf.int16
        conv.inference_output_type = tf.int16
    else:  # full integer: PTQ (int8 or float IO) and the trained workflows
        conv.optimizations = [tf.lite.Optimize.DEFAULT]
        conv.representative_dataset = dataset
        conv.target_spec.supported_ops = [tf.lite.OpsSet.TFLITE_BUILTINS_INT8]
        if workflow != "ptq_int8_fio":
            conv.inference_input_type = tf.int8
            conv.inference_output_type = tf.int8
    return conv.convert()


def kernels(model):
    return [w for layer in model.layers for w in layer.get_weights()
            if w.ndim >= 2]


def weight_stats(model):
    ks = kernels(model)
    total = sum(k.size for k in ks)
    zeros = sum(int(np.sum(k == 0)) for k in ks)
    return {"sparsity": round(zeros / max(total, 1), 4),
            "unique_per_kernel": [len(np.unique(k)) for k in ks]}


def tflite_accuracy(blob, x, y):
    it = Interpreter(model_content=blob)
    it.allocate_tensors()
    inp, out = it.get_input_details()[0], it.get_output_details()[0]
    correct = 0
    for k in range(x.shape[0]):
        v = x[k:k + 1]
        if inp["dtype"] != np.float32:
            s, z = inp["quantization"]
            info = np.iinfo(inp["dtype"])
            v = np.clip(np.round(v / s) + z, info.min, info.max).astype(inp["dtype"])
        it.set_tensor(inp["index"], v)
        it.invoke()
        correct += int(np.argmax(it.get_tensor(out["index"])) == y[k])
    return round(correct / x.shape[0], 4)

# ---------------------------------------------------------------- workflows


def fit(model, x, y, epochs, callbacks=()):
    model.compile(optimizer=keras.optimizers.Adam(3e-3),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(x, y, batch_size=32, epochs=epochs, verbose=0, callbacks=list(callbacks))
    return model


def accuracy(model, x, y):
    return round(float(np.mean(np.argmax(model.predict(x, batch_size=64, verbose=0), 1) == y)), 4)


def trained_variants(base, x, y, epochs):
    """Yields (workflow, float model to convert) of the training-time ones."""
    qk = tfmot.quantization.keras
    ck = tfmot.clustering.keras
    x, y = x[:FINE_TUNE_SAMPLES], y[:FINE_TUNE_SAMPLES]
    epochs = 2
    steps = epochs * ((x.shape[0] + 31) // 32)

    qat = qk.quantize_model(clone(base))
    yield "qat", fit(qat, x, y, 1)

    # frequency: the default (every 100 steps) would never prune a short run.
    sched = tfmot.sparsity.keras.PolynomialDecay(0.5, 0.8, 0, steps,
                                                 frequency=max(1, steps // 4))
    pruned = tfmot.sparsity.keras.prune_low_magnitude(clone(base), pruning_schedule=sched)
    fit(pruned, x, y, epochs, [tfmot.sparsity.keras.UpdatePruningStep()])
    pruned = tfmot.sparsity.keras.strip_pruning(pruned)
    yield "prune", pruned

    clustered = {}
    for n in (8, 16):
        for init, tag in ((ck.CentroidInitialization.LINEAR, "l"),
                          (ck.CentroidInitialization.KMEANS_PLUS_PLUS, "k")):
            c = ck.cluster_weights(clone(base), number_of_clusters=n,
                                   cluster_centroids_init=init)
            fit(c, x, y, 1)
            clustered[n, tag] = ck.strip_clustering(c)
            yield "cluster%d%s" % (n, tag), clustered[n, tag]

    spc = sp_cluster.cluster_weights(clone(pruned), number_of_clusters=8,
                                     cluster_centroids_init=ck.CentroidInitialization.KMEANS_PLUS_PLUS,
                                     preserve_sparsity=True)
    fit(spc, x, y, 1)
    spc = ck.strip_clustering(spc)
    yield "sp_cluster", spc

    from tensorflow_model_optimization.python.core.quantization.keras.collab_opts.prune_preserve import (  # noqa: E501
        default_8bit_prune_preserve_quantize_scheme as pp)
    from tensorflow_model_optimization.python.core.quantization.keras.collab_opts.cluster_preserve import (  # noqa: E501
        default_8bit_cluster_preserve_quantize_scheme as cp)
    pqat = qk.quantize_apply(qk.quantize_annotate_model(clone(pruned)),
                             pp.Default8BitPrunePreserveQuantizeScheme())
    yield "pqat", fit(pqat, x, y, 1)
    # CQAT starts from the 16-cluster k-means++ model made above.
    cqat = qk.quantize_apply(qk.quantize_annotate_model(clone(clustered[16, "k"])),
                             cp.Default8BitClusterPreserveQuantizeScheme())
    yield "cqat", fit(cqat, x, y, 1)
    pcqat = qk.quantize_apply(qk.quantize_annotate_model(clone(spc)),
                              cp.Default8BitClusterPreserveQuantizeScheme(preserve_sparsity=True))
    yield "pcqat", fit(pcqat, x, y, 1)


def clone(model):
    c = keras.models.clone_model(model)
    c.set_weights(model.get_weights())
    return c


def make_net(out, name, work):
    """Trains @name, converts it through its workflows, writes its files and
    references; returns its manifest entries."""
    t0 = time.time()
    build, data, epochs, everything = NETS[name]
    keras.backend.clear_session()
    keras.utils.set_random_seed(SEED)
    rng = np.random.default_rng(SEED)
    x, y = data(TRAIN_SAMPLES.get(name, 600), rng)
    xt, yt = data(200, rng)
    np.savez(os.path.join(out, name + ".test.npz"), x=xt[:20], y=yt[:20])
    base = fit(build(), x, y, epochs)
    float_acc = accuracy(base, xt, yt)
    rep = x[:100]
    saved = export(base, os.path.join(work, name + ".base"))
    variants = ((w, base, saved) for w in PTQ)
    if everything:
        variants = itertools.chain(variants, ((w, m, None) for w, m in
                                              trained_variants(base, x, y, epochs)))
    manifest = {}
    for workflow, model, path in variants:
        key = "%s.%s" % (name, workflow)
        try:
            blob = convert(path or export(model, os.path.join(work, key)), workflow, rep)
        except Exception as e:  # a converter refusal is a finding, not a crash
            manifest[key] = {"error": str(e).splitlines()[0][:200]}
            continue
        with open(os.path.join(out, key + ".tflite"), "wb") as f:
            f.write(blob)
        reference.reference_model(out, key)
        entry = {"float_accuracy": float_acc, "tflite_accuracy": tflite_accuracy(blob, xt, yt),
                 "bytes": len(blob)}
        entry.update(weight_stats(model))
        manifest[key] = entry
    print("models: %s: %d models in %.0f s" % (name, len(manifest), time.time() - t0),
          flush=True)
    return manifest


def worker(out, names):
    """Makes the networks of @names no other worker has claimed."""
    tf.config.threading.set_inter_op_parallelism_threads(1)
    tf.config.threading.set_intra_op_parallelism_threads(1)
    tf.config.experimental.enable_op_determinism()
    work = tempfile.mkdtemp(prefix="npu-models-")
    try:
        for name in names:
            try:  # the claim: whichever worker creates the file first
                os.close(os.open(os.path.join(out, name + ".claim"),
                                 os.O_CREAT | os.O_EXCL | os.O_WRONLY))
            except FileExistsError:
                continue
            manifest = make_net(out, name, work)
            with open(os.path.join(out, name + ".manifest.json"), "w") as f:
                json.dump(manifest, f, indent=1, sort_keys=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main():
    out = sys.argv[1]
    names = [a for a in sys.argv[2:] if a != "--worker"] or list(NETS)
    if "--worker" in sys.argv:
        worker(out, names)
        return
    os.makedirs(out, exist_ok=True)
    for name in names:
        for leftover in (".claim", ".manifest.json"):
            if os.path.exists(os.path.join(out, name + leftover)):
                os.unlink(os.path.join(out, name + leftover))
    jobs = min(JOBS, len(names))
    if not PARENT:
        worker(out, names)
    else:
        procs = [subprocess.Popen([sys.executable, os.path.abspath(__file__), out, "--worker"]
                                  + names) for _ in range(jobs)]
        if any([p.wait() for p in procs]):
            sys.exit("models: a worker failed")
    manifest = {}
    path = os.path.join(out, "manifest.json")
    if os.path.exists(path) and sys.argv[2:]:
        manifest = json.load(open(path))
    for name in names:
        manifest.update(json.load(open(os.path.join(out, name + ".manifest.json"))))
        os.unlink(os.path.join(out, name + ".manifest.json"))
        os.unlink(os.path.join(out, name + ".claim"))
    with open(path, "w") as f:
        json.dump(manifest, f, indent=1, sort_keys=True)


if __name__ == "__main__":
    main()
