#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""make bench anchor, op by op: every op of a .tflite cut out into a model
of its own (same tensors, same weights; the op's non-constant inputs become
the model's inputs), run by the TFLite interpreter from the venv with
XNNPACK on one thread.  Prints the best of N invokes of each op in the
calling thread's CPU time (a shared machine's waits for a core do not
count), summed per op type, as tests/bench/host/op_bench does for the CPU
path.  Ops XNNPACK fuses in the whole model (PAD into the convolution) are
timed alone here; their line says so.

usage: tflite_ops.py [-n RUNS] [-v] MODEL.tflite
"""
import os
import sys
import tempfile
import time

import numpy as np
import tensorflow as tf
from tensorflow.lite.tools import flatbuffer_utils as fu

from tflite_anchor import fill_inputs, within_rank


def op_models(path, out_dir):
    """One .tflite per op of subgraph 0; their paths in op order."""
    model = fu.read_model(path)
    sg = model.subgraphs[0]
    n = len(sg.operators)
    paths = []
    for idx in range(n):
        m = fu.read_model(path)
        within_rank(m)  # as tflite_anchor.py: TFLM's person_detect
        s = m.subgraphs[0]
        op = s.operators[idx]
        s.operators = [op]
        used = set(i for i in list(op.inputs) + list(op.outputs) if i >= 0)
        consts = set(i for i in used if m.buffers[s.tensors[i].buffer].data is not None and
                     len(m.buffers[s.tensors[i].buffer].data))
        s.inputs = np.array([i for i in op.inputs if i >= 0 and i not in consts], dtype=np.int32)
        s.outputs = np.array(list(op.outputs), dtype=np.int32)
        # Drop the other ops' weights: the file stays the op's size.
        keep = set(s.tensors[i].buffer for i in used)
        for b, buf in enumerate(m.buffers):
            if b not in keep:
                buf.data = None
        out = os.path.join(out_dir, "op%03d.tflite" % idx)
        fu.write_model(m, out)
        paths.append(out)
    return paths


def best_cpu_us(path, runs):
    it = tf.lite.Interpreter(model_path=path, num_threads=1)
    it.allocate_tensors()
    fill_inputs(it)
    it.invoke()
    best = None
    for _ in range(runs):
        t0 = time.thread_time_ns()
        it.invoke()
        t = time.thread_time_ns() - t0
        best = t if best is None or t < best else best
    return it._get_ops_details()[0]["op_name"], best / 1e3


def main():
    args = sys.argv[1:]
    runs, verbose = 20, False
    while args and args[0].startswith("-"):
        if args[0] == "-n":
            runs = int(args[1])
            args = args[2:]
        elif args[0] == "-v":
            verbose = True
            args = args[1:]
        else:
            sys.exit(__doc__)
    if len(args) != 1:
        sys.exit(__doc__)
    types = {}
    total = 0.0
    with tempfile.TemporaryDirectory() as tmp:
        for i, p in enumerate(op_models(args[0], tmp)):
            name, us = best_cpu_us(p, runs)
            t = types.setdefault(name, [0, 0.0])
            t[0] += 1
            t[1] += us
            total += us
            if verbose:
                print("  op %3u %-22s %9.1f us" % (i, name, us))
    print("%s, TFLite+XNNPACK op by op, 1 thread, best of %d, CPU time:" % (args[0], runs))
    for name, (n, us) in types.items():
        note = "  (alone; fused in the model)" if name == "PAD" else ""
        print("  %-22s %3u ops %9.3f ms %5.1f%%%s" % (name, n, us / 1e3, 100 * us / total, note))
    print("  %-22s         %9.3f ms" % ("total", total / 1e3))


if __name__ == "__main__":
    main()
