#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The TFLite external delegate (libnpu-tflite.so) under the real interpreter.

Every model given runs through ai_edge_litert's interpreter twice on the
same random inputs: alone with the BUILTIN_REF kernels, and with the
delegate (the rest still BUILTIN_REF).  Per model (TAP):
  - the delegate's outputs equal libnpu's own run of the model (npu-run on
    the same inputs, same device or --cpu): the delegate adds no error;
  - integer outputs are byte-identical to the interpreter alone (a model
    where libnpu itself differs from BUILTIN_REF is reported as SKIP with
    the bytes that differ: a libnpu defect, not the delegate's);
  - the delegate's placement report lists the same ops, placements and
    reasons as `npu-compile --report`, or both refuse the model.
Then the process-level checks: a second interpreter in the same process
(sharing the delegate, and with a delegate of its own), two processes at
once, an invalid option's error, and (--expect-fallback) the clean
fallback when no NPU is present.

usage: tflite_delegate.py [--cpu-only] [--expect-fallback] [--bin DIR]
                          [--lib DIR] MODEL...
"""
import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

import numpy as np
from ai_edge_litert.interpreter import Interpreter, OpResolverType, load_delegate

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from tflite_models import normalize_bias_quant  # noqa: E402

REF = OpResolverType.BUILTIN_REF
n = 0
failed = 0


def tap(ok, name, directive=""):
    global n, failed
    n += 1
    if not ok:
        failed += 1
    print(f"{'ok' if ok else 'not ok'} {n} - {name}{' # ' + directive if directive else ''}",
          flush=True)


def diag(text):
    for line in str(text).splitlines():
        print(f"# {line}", flush=True)


def random_inputs(interp, seed):
    rng = np.random.default_rng(seed)
    data = []
    for d in interp.get_input_details():
        dt = np.dtype(d["dtype"])
        if dt.kind in "iu":
            info = np.iinfo(dt)
            a = rng.integers(info.min, info.max, size=d["shape"], dtype=dt, endpoint=True)
        elif dt.kind == "b":
            a = rng.integers(0, 2, size=d["shape"]).astype(dt)
        else:
            a = rng.standard_normal(d["shape"]).astype(dt)
        data.append(a)
    return data


def run(interp, inputs):
    for d, a in zip(interp.get_input_details(), inputs):
        interp.set_tensor(d["index"], a)
    interp.invoke()
    return [interp.get_tensor(d["index"]).copy() for d in interp.get_output_details()]


def op_table(text):
    """The per-op lines of a placement report (between the header and Summary)."""
    lines, inside = [], False
    for line in text.splitlines():
        if re.match(r"^ +# +op +place", line):
            inside = True
            continue
        if inside and line.startswith("Summary"):
            break
        if inside and line.strip():
            lines.append(line.rstrip())
    return lines


def check_model(path, args, work):
    name = os.path.basename(path)
    try:
        try:
            ref = Interpreter(model_path=path, experimental_op_resolver_type=REF)
        except ValueError as e:
            fixed = os.path.join(work, name)
            if "quantized_dimension" not in str(e) or not normalize_bias_quant(path, fixed):
                raise
            diag(f"{name}: the interpreter refuses the stale quantized_dimension of its "
                 "rank-1 biases; running a copy without it")
            path = fixed
            ref = Interpreter(model_path=path, experimental_op_resolver_type=REF)
        ref.allocate_tensors()
    except Exception as e:  # the stock interpreter's own refusal
        tap(True, f"{name}: not run", "SKIP the stock interpreter refuses it: "
            + str(e).split(".")[0][:160])
        return
    inputs = random_inputs(ref, 1)
    want = run(ref, inputs)

    report = os.path.join(work, name + ".report")
    opts = {"report": report, "cache_dir": os.path.join(work, "cache"), "log": "0"}
    if args.cpu_only:
        opts["cpu_only"] = "1"
    delegate = load_delegate(args.delegate, opts)
    interp = Interpreter(model_path=path, experimental_delegates=[delegate],
                         experimental_op_resolver_type=REF)
    interp.allocate_tensors()
    got = run(interp, inputs)

    # The placement: the same as npu-compile's, or both refuse the model.
    # The delegate leaves ops without a libnpu kernel to TFLite, as an
    # application registering kernels would: npu-compile accepts those with
    # --allow-missing-kernels (and refuses them without).
    comp = subprocess.run([os.path.join(args.bin, "npu-compile"), path, "--report",
                           "--allow-missing-kernels",
                           "-o", os.path.join(work, name + ".npu")],
                          capture_output=True, text=True)
    have_report = os.path.exists(report)
    if comp.returncode != 0:
        tap(not have_report, f"{name}: npu-compile and the delegate both refuse it")
        diag("npu-compile: " + comp.stderr.strip().splitlines()[-1] if comp.stderr.strip() else "")
    else:
        mine = op_table(open(report).read()) if have_report else []
        theirs = op_table(comp.stdout)
        same = bool(theirs) and mine == theirs
        npu = sum(1 for line in theirs if " NPU:" in line)
        tap(same, f"{name}: placement report equals npu-compile --report "
            f"({npu} of {len(theirs)} ops on the NPU)")
        if not same:
            diag("\n".join(l1 + "  |  " + l2 for l1, l2 in zip(theirs, mine) if l1 != l2))

    # The delegate adds no error: the same bytes as libnpu running the model.
    if comp.returncode == 0:
        cmd = [os.path.join(args.bin, "npu-run"), "-m", path, "-n", "1", "-w", "0"]
        if args.cpu_only:
            cmd.append("--cpu")
        for i, a in enumerate(inputs):
            f = os.path.join(work, f"{name}.in{i}")
            a.tofile(f)
            cmd += ["-i", f]
        outs = [os.path.join(work, f"{name}.out{i}") for i in range(len(got))]
        for f in outs:
            cmd += ["-o", f]
        r = subprocess.run(cmd, capture_output=True, text=True)
        lib = [np.fromfile(f, dtype=g.dtype).reshape(g.shape) for f, g in zip(outs, got)] \
            if r.returncode == 0 else None
        if lib is None:
            # libnpu alone lacks a CPU kernel the model needs: TFLite runs those ops here.
            why = (r.stderr.strip().splitlines() or ["npu-run failed"])[-1]
            tap(True, f"{name}: delegate outputs equal npu-run's",
                "SKIP npu-run cannot run the whole model: " + why[:160])
        else:
            tap(all(a.tobytes() == b.tobytes() for a, b in zip(lib, got)),
                f"{name}: delegate outputs equal npu-run's")
    else:
        lib = None

    ints = [(w, g) for w, g in zip(want, got) if w.dtype.kind in "iu"]
    for w, g in zip(want, got):
        if w.dtype.kind == "f":
            diag(f"{name}: float output, max |delegate - interpreter| = "
                 f"{float(np.max(np.abs(w.astype(np.float64) - g))) if w.size else 0.0:g}")
    if not ints:
        return
    diff = sum(int(np.count_nonzero(w != g)) for w, g in ints)
    if diff and lib is not None and all(a.tobytes() == b.tobytes() for a, b in zip(lib, got)):
        # libnpu alone gives these bytes: its kernels, not the delegate, differ.
        tap(True, f"{name}: integer outputs byte-identical to BUILTIN_REF",
            f"SKIP libnpu itself differs from BUILTIN_REF here ({diff} values)")
        return
    tap(diff == 0, f"{name}: integer outputs byte-identical to BUILTIN_REF"
        + (f" ({diff} values differ)" if diff else ""))


def child(args):
    """One process of the two-process check: 5 runs, output bytes on stdout."""
    d = load_delegate(args.delegate, {"cpu_only": "1"} if args.cpu_only else {})
    it = Interpreter(model_path=args.models[0], experimental_delegates=[d],
                     experimental_op_resolver_type=REF)
    it.allocate_tensors()
    inputs = random_inputs(it, 7)
    outs = [run(it, inputs)[0].tobytes() for _ in range(5)]
    sys.stdout.write(outs[0].hex() if len(set(outs)) == 1 else "unstable")


def process_checks(args):
    model = args.models[0]
    name = os.path.basename(model)
    opts = {"cpu_only": "1", "log": "0"} if args.cpu_only else {"log": "0"}
    ref = Interpreter(model_path=model, experimental_op_resolver_type=REF)
    ref.allocate_tensors()
    inputs = random_inputs(ref, 7)
    want = run(ref, inputs)[0].tobytes()

    shared = load_delegate(args.delegate, opts)
    a = Interpreter(model_path=model, experimental_delegates=[shared],
                    experimental_op_resolver_type=REF)
    b = Interpreter(model_path=model, experimental_delegates=[shared],
                    experimental_op_resolver_type=REF)
    c = Interpreter(model_path=model, experimental_delegates=[load_delegate(args.delegate, opts)],
                    experimental_op_resolver_type=REF)
    for it in (a, b, c):
        it.allocate_tensors()
    outs = [run(it, inputs)[0].tobytes() for it in (a, b, c, a, c, b)]
    tap(all(o == want for o in outs),
        f"{name}: three interpreters in one process (two sharing a delegate), interleaved")

    # The compilation cache: written by the first interpreter, read by the next.
    with tempfile.TemporaryDirectory() as cache:
        copts = dict(opts, cache_dir=cache)
        outs = []
        for _ in range(2):
            it = Interpreter(model_path=model, experimental_op_resolver_type=REF,
                             experimental_delegates=[load_delegate(args.delegate, copts)])
            it.allocate_tensors()
            outs.append(run(it, inputs)[0].tobytes())
            files = sorted(os.listdir(cache))
            stamps = [os.stat(os.path.join(cache, f)).st_mtime_ns for f in files]
            if len(outs) == 1:
                first = (files, stamps)
            del it
        tap(files and all(f.startswith("tflite-") and f.endswith(".npu") for f in files) and
            (files, stamps) == first and all(o == want for o in outs),
            f"{name}: cache_dir holds the compilations ({len(files)} files); "
            "a second interpreter uses them unchanged")

    me = [sys.executable, os.path.abspath(__file__), "--child", "--delegate", args.delegate] + \
        (["--cpu-only"] if args.cpu_only else []) + [model]
    procs = [subprocess.Popen(me, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for _ in range(2)]
    res = [p.communicate() for p in procs]
    ok = all(p.returncode == 0 and out == want.hex() for p, (out, _) in zip(procs, res))
    tap(ok, f"{name}: two processes at once, five runs each")
    if not ok:
        diag("\n".join(err for _, err in res))

    # The input goes to the child processes through a file: on a command
    # line (-c) a large one (blazeface's 196,608 bytes) exceeds the kernel's
    # limit on one argument (E2BIG, "Argument list too long").
    tmp = tempfile.mkdtemp(prefix="npu-deleg-")
    x_file = os.path.join(tmp, "in0.bin")
    inputs[0].tofile(x_file)

    # cpu_ops, report_format=json and profile, in a process of their own (the
    # profile is printed when the interpreter goes away); greedy, so that the
    # ops around the forced one stay partitions even where placement by cost
    # would leave them to TFLite (hello_world's FULLY_CONNECTEDs).
    code = ("import sys, json, numpy as np\n"
            "from ai_edge_litert.interpreter import Interpreter, OpResolverType, load_delegate\n"
            f"d = load_delegate({args.delegate!r}, dict({opts!r}, cpu_ops='1', profile='1', "
            "greedy='1', report='stdout', report_format='json', log='1'))\n"
            f"it = Interpreter(model_path={model!r}, experimental_delegates=[d], "
            "experimental_op_resolver_type=OpResolverType.BUILTIN_REF)\n"
            "it.allocate_tensors()\n"
            f"x = np.fromfile({x_file!r}, np.{inputs[0].dtype})"
            f".reshape({list(inputs[0].shape)!r})\n"
            "it.set_tensor(it.get_input_details()[0]['index'], x); it.invoke(); it.invoke()\n"
            "print('OUT', it.get_tensor(it.get_output_details()[0]['index']).tobytes().hex())\n")
    r = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    doc = r.stdout[:r.stdout.find("OUT ")] if "OUT " in r.stdout else ""
    try:
        op1 = json.loads(doc)["ops"][1]
    except (ValueError, KeyError, IndexError):
        op1 = {}
    tap(r.returncode == 0 and op1.get("placement") == "cpu" and
        "on request" in op1.get("reason", "") and f"OUT {want.hex()}" in r.stdout,
        f"{name}: cpu_ops=1 leaves op 1 to TFLite (JSON report says why), same output")
    tap(re.search(r"profile: partition \d+ .*: 2 runs, avg [0-9.]+ ms per run", r.stderr)
        is not None, f"{name}: profile=1 prints each partition's runs and time")
    if r.returncode or "profile:" not in r.stderr:
        diag(r.stderr[-800:])

    # trace=FILE: the Chrome trace of npu-run --trace, plus one span per
    # partition run on a "TFLite delegate" track, enclosing that run's ops.
    trace = os.path.join(tmp, "trace.json")
    r = subprocess.run([sys.executable, "-c", code.replace(
        "cpu_ops='1', profile='1', ", "trace=%r, " % trace)], capture_output=True, text=True)
    try:
        events = json.load(open(trace))["traceEvents"]
    except (OSError, ValueError, KeyError):
        events = []
    tracks = {e["tid"]: e["args"]["name"] for e in events
              if e.get("ph") == "M" and e.get("name") == "thread_name"}
    spans = [e for e in events if e.get("ph") == "X" and
             tracks.get(e["tid"]) == "TFLite delegate" and e["name"].startswith("partition ")]
    work = [e for e in events if e.get("ph") == "X" and e.get("cat") in ("cpu", "npu")]
    inside = all(any(s["ts"] <= w["ts"] and w["ts"] + w["dur"] <= s["ts"] + s["dur"] + 1
                     for s in spans) for w in work)
    runs_per_partition = {}
    for sp in spans:
        runs_per_partition[sp["name"]] = runs_per_partition.get(sp["name"], 0) + 1
    tap(r.returncode == 0 and spans and work and inside and
        set(runs_per_partition.values()) == {2},
        f"{name}: trace=FILE: each partition's 2 runs as spans, their {len(work)} ops and "
        "jobs inside them")
    if r.returncode or not spans:
        diag(r.stderr[-800:])

    for bad, expect in (({"bogus": "1"}, "unknown option 'bogus'"),
                        ({"profile": "maybe"}, "profile: 'maybe' is not a boolean"),
                        ({"cpu_ops": "3,CONV_3X"}, "'CONV_3X' is not a TFLite op type"),
                        ({"device": "/nonexistent/accel9"}, "device /nonexistent/accel9")):
        r = subprocess.run([sys.executable, "-c",
                            "import sys\nfrom ai_edge_litert.interpreter import load_delegate\n"
                            f"load_delegate({args.delegate!r}, {bad!r})"],
                           capture_output=True, text=True)
        tap(r.returncode != 0 and expect in r.stderr,
            f"invalid option {bad}: load_delegate fails with \"{expect}...\"")
        if r.returncode == 0 or expect not in r.stderr:
            diag(r.stderr[-600:])

    if args.expect_fallback:
        r = subprocess.run([sys.executable, "-c",
                            "import sys\nfrom ai_edge_litert.interpreter import "
                            "Interpreter, load_delegate\n"
                            f"d = load_delegate({args.delegate!r})\n"
                            f"it = Interpreter(model_path={model!r}, experimental_delegates=[d])\n"
                            "it.allocate_tensors(); it.invoke(); print('ran')"],
                           capture_output=True, text=True)
        tap(r.returncode == 0 and "ran" in r.stdout and "no NPU available" in r.stderr,
            "no NPU: the delegate loads, says so, and TFLite runs the whole model")
        diag(r.stderr.strip()[:400])
    shutil.rmtree(tmp, ignore_errors=True)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--cpu-only", action="store_true")
    p.add_argument("--expect-fallback", action="store_true")
    p.add_argument("--child", action="store_true")
    p.add_argument("--bin", default="build/bin")
    p.add_argument("--delegate", default="build/lib/libnpu-tflite.so")
    p.add_argument("models", nargs="+")
    args = p.parse_args()
    args.delegate = os.path.abspath(args.delegate)
    if args.child:
        child(args)
        return 0
    print("TAP version 13", flush=True)
    with tempfile.TemporaryDirectory() as work:
        for m in args.models:
            check_model(m, args, work)
        process_checks(args)
    print(f"1..{n}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
