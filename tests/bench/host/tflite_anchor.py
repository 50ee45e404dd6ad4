#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""make bench anchor: the TFLite interpreter (TensorFlow's, from the venv)
on the same .tflite files as npu-run --cpu, one line per model and
configuration: XNNPACK on 1 and 2 threads (the default delegate), and
TFLite's reference kernels (BUILTIN_REF).  Best and median of N invokes in
milliseconds, after one warm-up, on a fixed random input, and the process's
CPU time per invoke (every thread; on a shared machine wall time also
counts the waits for a core).

usage: tflite_anchor.py [-n RUNS] MODEL.tflite...
       tflite_anchor.py --callgrind MODEL.tflite   (under valgrind, see run.sh)
"""
import os
import subprocess
import sys
import time

import numpy as np
# tf.lite's interpreter, not ai-edge-litert's: the latter rejects
# MobileNet-v2's per-channel quantization parameters at load.
import tensorflow as tf


def within_rank(model):
    """quantized_dimension 0 where it is past the tensor's rank (in place)."""
    for sg in model.subgraphs:
        for t in sg.tensors:
            q = t.quantization
            rank = len(t.shape) if t.shape is not None else 0
            if q is not None and q.quantizedDimension and q.quantizedDimension >= rank:
                q.quantizedDimension = 0


def within_rank_copy(path):
    """A copy whose quantized_dimension is within each tensor's rank.

    TFLM's person_detect has 3 on rank-1 biases, which TFLite Micro and
    libnpu ignore (one scale per element) and this interpreter rejects.
    Same graph, weights and scales; written to a scratch file.
    """
    import tempfile
    from tensorflow.lite.tools import flatbuffer_utils as fu

    model = fu.read_model(path)
    within_rank(model)
    out = tempfile.NamedTemporaryFile(suffix=".tflite", delete=False).name
    fu.write_model(model, out)
    return out


def fill_inputs(it):
    """A fixed random input in every input tensor of @it."""
    rng = np.random.default_rng(1)
    for d in it.get_input_details():
        info = np.iinfo(d["dtype"]) if np.issubdtype(d["dtype"], np.integer) else None
        data = (rng.integers(info.min, info.max + 1, d["shape"]) if info
                else rng.standard_normal(d["shape"]))
        it.set_tensor(d["index"], data.astype(d["dtype"]))


def bench(path, runs, threads, ref):
    kw = {"num_threads": threads}
    if ref:
        kw["experimental_op_resolver_type"] = tf.lite.experimental.OpResolverType.BUILTIN_REF
    try:
        it = tf.lite.Interpreter(model_path=path, **kw)
    except ValueError:
        copy = within_rank_copy(path)
        it = tf.lite.Interpreter(model_path=copy, **kw)
        os.unlink(copy)
    it.allocate_tensors()
    fill_inputs(it)
    it.invoke()
    times = []
    cpu0 = time.process_time()
    for _ in range(runs):
        t0 = time.perf_counter()
        it.invoke()
        times.append((time.perf_counter() - t0) * 1e3)
    cpu = (time.process_time() - cpu0) * 1e3 / runs
    times.sort()
    return times[0], times[len(times) // 2], cpu


def one(path, runs, threads, ref):
    """One configuration in this process: prints best, p50 and CPU ms."""
    best, p50, cpu = bench(path, runs, threads, ref)
    print("%.3f %.3f %.3f" % (best, p50, cpu))


def callgrind(path):
    """Under valgrind --instr-atstart=no: one XNNPACK invoke instrumented."""
    try:
        it = tf.lite.Interpreter(model_path=path, num_threads=1)
    except ValueError:  # person_detect: as in bench()
        copy = within_rank_copy(path)
        it = tf.lite.Interpreter(model_path=copy, num_threads=1)
        os.unlink(copy)
    it.allocate_tensors()
    fill_inputs(it)
    it.invoke()
    subprocess.run(["callgrind_control", "-i", "on", str(os.getpid())], capture_output=True)
    it.invoke()


def main():
    args = sys.argv[1:]
    if args and args[0] == "--callgrind":
        callgrind(args[1])
        return
    if args and args[0] == "--one":
        one(args[1], int(args[2]), int(args[3]), args[4] == "1")
        return
    runs = 10
    if len(args) > 1 and args[0] == "-n":
        runs = int(args[1])
        args = args[2:]
    print("%-36s %-14s %10s %10s %10s" % ("model", "tflite", "best ms", "p50 ms", "CPU ms"))
    for path in args:
        name = path.rsplit("/", 1)[-1].replace(".tflite", "")
        for label, threads, ref in (("xnnpack-1t", 1, False), ("xnnpack-2t", 2, False),
                                    ("reference-1t", 1, True)):
            # A process per configuration: the interpreter's error reporter
            # carries one model's load warnings into the next model's load.
            n = runs if not ref else max(2, runs // 5)
            r = subprocess.run([sys.executable, __file__, "--one", path, str(n), str(threads),
                                "1" if ref else "0"], capture_output=True, text=True)
            line = r.stdout.strip().splitlines()[-1:] if r.returncode == 0 else []
            if not line:
                err = [x for x in r.stderr.splitlines() if "Error" in x][-1:]
                print("%-36s %-14s failed: %s" % (name, label, err[0][:120] if err else "?"))
                continue
            best, p50, cpu = (float(x) for x in line[0].split())
            print("%-36s %-14s %10.3f %10.3f %10.3f" % (name, label, best, p50, cpu), flush=True)


if __name__ == "__main__":
    main()
