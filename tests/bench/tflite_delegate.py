#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Latency through the TFLite delegate vs npu-run, side by side in one run.

For each model: npu-run (libnpu alone) and the stock interpreter with
libnpu-tflite.so (its default op resolver for whatever the delegate leaves
to TFLite), the same number of timed invokes after the same warm-up, on the
same random input, alternating one run of each.  Prints the medians and
minima and the delegate's overhead; the goal is within 10%.

usage: tflite_delegate.py [--runs N] [--bin DIR] [--delegate SO] MODEL...
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np
from ai_edge_litert.interpreter import Interpreter, load_delegate

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "delegate"))
from tflite_models import normalize_bias_quant  # noqa: E402


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--runs", type=int, default=20)
    p.add_argument("--warmup", type=int, default=2)
    p.add_argument("--bin", default="build/bin")
    p.add_argument("--delegate", default="build/lib/libnpu-tflite.so")
    p.add_argument("models", nargs="+")
    args = p.parse_args()
    worst = 0.0
    with tempfile.TemporaryDirectory() as work:
        for path in args.models:
            name = os.path.basename(path)
            fixed = os.path.join(work, name)
            if normalize_bias_quant(path, fixed):
                path = fixed	# the stock loader refuses stale bias quantization
            d = load_delegate(os.path.abspath(args.delegate), {"log": "0"})
            # One thread, as npu-run: no idle TFLite workers competing with the NPU.
            it = Interpreter(model_path=path, experimental_delegates=[d], num_threads=1)
            it.allocate_tensors()
            inputs = []
            rng = np.random.default_rng(1)
            for i, det in enumerate(it.get_input_details()):
                info = np.iinfo(det["dtype"])
                a = rng.integers(info.min, info.max, size=det["shape"], dtype=det["dtype"])
                it.set_tensor(det["index"], a)
                a.tofile(os.path.join(work, f"in{i}"))
                inputs.append(os.path.join(work, f"in{i}"))
            for _ in range(args.warmup):
                it.invoke()
            # libnpu's own run, compiled once; one timed npu-run run after
            # each timed delegate run, so that the load of the shared machine
            # falls on both alike.  Medians and minima of the two series.
            npu = os.path.join(work, name + ".npu")
            subprocess.run([os.path.join(args.bin, "npu-compile"), path, "-o", npu],
                           check=True, capture_output=True)
            cmd = [os.path.join(args.bin, "npu-run"), "-m", npu, "--json", "-n", "1", "-w", "1"]
            for f in inputs:
                cmd += ["-i", f]
            mine, theirs, ref = [], [], None
            for _ in range(args.runs):
                t0 = time.perf_counter()
                it.invoke()
                mine.append(1000 * (time.perf_counter() - t0))
                r = subprocess.run(cmd, capture_output=True, text=True, check=True)
                ref = json.loads(r.stdout)
                theirs.append(ref["avg_ms"])
            del it
            if ref["target"] == "cpu":
                print(f"{name}: no NPU here: the delegate leaves everything to TFLite; "
                      "nothing to compare", flush=True)
                continue
            med, ref_med = statistics.median(mine), statistics.median(theirs)
            over, over_min = med / ref_med - 1, min(mine) / min(theirs) - 1
            worst = max(worst, over)
            print(f"{name} ({ref['npu_ops']} NPU ops, {args.runs} alternating runs each): "
                  f"median npu-run {ref_med:.3f} ms, delegate {med:.3f} ms ({100 * over:+.1f}%); "
                  f"min npu-run {min(theirs):.3f} ms, delegate {min(mine):.3f} ms "
                  f"({100 * over_min:+.1f}%)", flush=True)
    print(f"delegate overhead on the median: worst {100 * worst:+.1f}% (goal: within 10%)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
