#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""TFLite's reference kernels on the model set: reference.py MODELDIR

(make_models.py calls reference_model() for each model it writes; this
script makes the references of a set again.)

For every MODELDIR/*.tflite, runs the TFLite interpreter with its
reference kernels (OpResolverType.BUILTIN_REF, the kernels users run on
boards) on five inputs (three seeded random ones, two of the held-back
synthetic test set quantized to the input's type) and writes
MODELDIR/ref/<model>.<case>.in<i>.bin and .out<i>.bin: raw tensor bytes,
what npu-run --input/--output read and write.  Also writes
MODELDIR/ref/<model>.ops (the builtin operators, one per line) and
<model>.io (the input and output types).
"""
import glob
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import numpy as np  # noqa: E402
from ai_edge_litert.interpreter import Interpreter, OpResolverType  # noqa: E402


def to_input(v, d, rng=None):
    if rng is not None:  # random data over the input's whole range
        if d["dtype"] == np.float32:
            return rng.uniform(-1, 1, d["shape"]).astype(np.float32)
        info = np.iinfo(d["dtype"])
        return rng.integers(info.min, info.max + 1, d["shape"]).astype(d["dtype"])
    v = v.reshape(d["shape"]).astype(np.float32)
    if d["dtype"] == np.float32:
        return v
    s, z = d["quantization"]
    info = np.iinfo(d["dtype"])
    return np.clip(np.round(v / s) + z, info.min, info.max).astype(d["dtype"])


def reference_model(mdir, key):
    """The references of MODELDIR/<key>.tflite."""
    rdir = os.path.join(mdir, "ref")
    os.makedirs(rdir, exist_ok=True)
    path = os.path.join(mdir, key + ".tflite")
    net = key.split(".")[0]
    test = np.load(os.path.join(mdir, net + ".test.npz"))
    it = Interpreter(model_path=path,
                     experimental_op_resolver_type=OpResolverType.BUILTIN_REF)
    it.allocate_tensors()
    rng = np.random.default_rng(7)
    ins, outs = it.get_input_details(), it.get_output_details()
    with open(os.path.join(rdir, key + ".ops"), "w") as f:
        f.write("".join(op["op_name"] + "\n" for op in it._get_ops_details()))
    with open(os.path.join(rdir, key + ".io"), "w") as f:
        f.write("in %s\nout %s\n" % (" ".join(np.dtype(d["dtype"]).name for d in ins),
                                      " ".join(np.dtype(d["dtype"]).name for d in outs)))
    cases = [("random%d" % k, [to_input(None, d, rng) for d in ins]) for k in range(3)]
    cases += [("test%d" % k, [to_input(test["x"][k], ins[0])]) for k in range(2)]
    for case, values in cases:
        for i, (d, v) in enumerate(zip(ins, values)):
            it.set_tensor(d["index"], v)
            v.tofile(os.path.join(rdir, "%s.%s.in%d.bin" % (key, case, i)))
        # Each case from the initial state, as npu-run runs it: LSTM
        # state would otherwise carry over from the previous case.
        it.reset_all_variables()
        it.invoke()
        for i, d in enumerate(outs):
            it.get_tensor(d["index"]).tofile(
                os.path.join(rdir, "%s.%s.out%d.bin" % (key, case, i)))
    tdir = os.path.join(rdir, key + ".testset")
    os.makedirs(tdir, exist_ok=True)
    for k in range(test["x"].shape[0]):
        v = to_input(test["x"][k], ins[0])
        it.set_tensor(ins[0]["index"], v)
        it.reset_all_variables()
        it.invoke()
        v.tofile(os.path.join(tdir, "%02d.in0.bin" % k))
        it.get_tensor(outs[0]["index"]).tofile(os.path.join(tdir, "%02d.out0.bin" % k))
        with open(os.path.join(tdir, "%02d.label" % k), "w") as f:
            f.write("%d\n" % test["y"][k])


def main():
    mdir = sys.argv[1]
    models = sorted(glob.glob(os.path.join(mdir, "*.tflite")))
    for path in models:
        reference_model(mdir, os.path.basename(path)[:-len(".tflite")])
    print("reference: %d models" % len(models))


if __name__ == "__main__":
    main()
