#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The project against TFLite's reference kernels: check.py MODELDIR [--cpu]

For every MODELDIR/*.tflite with references in MODELDIR/ref (reference.py):
npu-compile places it and reports (with --greedy on the NPU: every op the
NPU can run goes there), then npu-run (on the CPU with --cpu, else on the
NPU) runs each reference case, and every output is compared
with BUILTIN_REF's: integer outputs byte for byte, float32 outputs within
|a - b| <= 1e-5 * max(1, max |b|) (float kernels may sum in another order),
or byte for byte too with --exact (kernels that follow TFLite's float order).

A model that npu-compile refuses (it names every op no kernel of libnpu
runs), or that cannot run, must be listed in tests/models/gaps.txt with
words of one line of the message ("MODEL: WORDS"), and a model whose outputs are known to differ with
"MODEL: differs: OP (why)": the list of what the runtime lacks, kept
honest both ways (a listed model that now runs, or now matches, fails too,
until the list is updated).
A model whose ref/MODEL.io has a line "invocations N" is a streaming one
(resource variables): its references follow N invocations of the input
from the initial state, and npu-run runs it so (--keep-state).
A model listed as "MODEL: tolerance: WHY" has its float32 outputs compared
within the tolerance even with --exact (a kernel that sums in an order
TFLite's GEMM library does not document).
--gaps=FILE reads that list instead of tests/models/gaps.txt (another
model set's).  Prints TAP and a "N passed, N failed" line; -v prints each
case.
Plain python3: it also runs in the VM guest.
"""
import array
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))


def gaps(path):
    found = {}
    with open(path) as f:
        for line in f:
            line = line.strip()
            if line and not line.startswith("#"):
                key, _, words = line.partition(":")
                found[key.strip()] = words.strip()
    return found


def same(out, ref, dtype):
    a, b = open(out, "rb").read(), open(ref, "rb").read()
    if dtype != "float32":
        if a == b:
            return True, ""
        n = sum(x != y for x, y in zip(a, b)) + abs(len(a) - len(b))
        return False, "%d of %d bytes differ" % (n, len(b))
    fa, fb = array.array("f", a), array.array("f", b)
    if len(fa) != len(fb):
        return False, "%d floats, want %d" % (len(fa), len(fb))
    tol = 1e-5 * max([1.0] + [abs(v) for v in fb])
    worst = max([abs(x - y) for x, y in zip(fa, fb)] + [0.0])
    return worst <= tol, "max |diff| %g (tolerance %g)" % (worst, tol)


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("-")]
    gaps_file = os.path.join(HERE, "gaps.txt")
    for a in sys.argv[1:]:
        if a.startswith("--gaps="):
            gaps_file = a[len("--gaps="):]
    cpu, verbose = "--cpu" in sys.argv, "-v" in sys.argv
    exact = "--exact" in sys.argv
    mdir = args[0]
    rdir = os.path.join(mdir, "ref")
    known = gaps(gaps_file)
    where = "CPU" if cpu else "NPU"
    models = sorted(f[:-7] for f in os.listdir(mdir) if f.endswith(".tflite"))
    work = tempfile.mkdtemp(prefix="npu-models-")
    passed = failed = 0
    print("TAP version 13")
    for n, key in enumerate(models, 1):
        model = os.path.join(mdir, key + ".tflite")
        compiled = os.path.join(work, key + ".npu")
        # On the NPU the NPU's kernels are under test: --greedy puts every op
        # the NPU can run there, even a run the placement by cost would keep
        # on the CPU (a small op between CPU ops).
        comp = subprocess.run(["npu-compile", model, "-o", compiled,
                               "--json"] + (["--cpu"] if cpu else ["--greedy"]),
                              capture_output=True, text=True)
        if comp.returncode:
            # npu-compile names each op it cannot run on a line, then sums up.
            lines = comp.stderr.strip().splitlines() or ["no message"]
            why = next((line for line in lines if key in known and known[key] in line),
                       lines[-1])
            ok = key in known and known[key] in why
            msg = "%s: refused as listed in gaps.txt (%s)" % (key, why) if ok else \
                "%s: npu-compile refuses it: %s" % (key, why)
            for line in lines[:5] if not ok else []:
                print("# " + line)
        elif not cpu and not any(op["placement"] == "npu" for op in
                                 json.loads(comp.stdout)["ops"]):
            ok, msg = True, "%s: # SKIP no op on the NPU (the CPU check covers it)" % key
        else:
            report = json.loads(comp.stdout)
            on_npu = sum(1 for op in report["ops"] if op["placement"] == "npu")
            io = dict(line.split(" ", 1) for line in open(os.path.join(rdir, key + ".io"))
                      .read().splitlines())
            ins, outs = io["in"].split(), io["out"].split()
            cases = sorted({f.split(".")[2] for f in os.listdir(rdir)
                            if f.startswith(key + ".") and f.endswith(".in0.bin")})
            bad = []
            for case in cases:
                base = os.path.join(rdir, "%s.%s" % (key, case))
                # The compiled file, as users deploy it (compiled once).
                cmd = ["npu-run", "--model", compiled, "--num-runs", "1", "--warmup-runs", "0"]
                if int(io.get("invocations", "1")) > 1:
                    # A streaming model: its reference follows N invocations
                    # of the input, the variables carried (npu-verify
                    # --invocations N runs it the same way).
                    cmd[-1] = str(int(io["invocations"]) - 2)
                    cmd.append("--keep-state")
                for i in range(len(ins)):
                    cmd += ["--input", "%s.in%d.bin" % (base, i)]
                out = [os.path.join(work, "out%d.bin" % i) for i in range(len(outs))]
                run = subprocess.run(cmd + ["--cpu"] * cpu + sum([["--output", o] for o in out], []),
                                     capture_output=True, text=True)
                if run.returncode:
                    bad.append("%s: npu-run: %s" % (case, (run.stderr.strip().splitlines()
                                                          or ["failed"])[-1]))
                    continue
                tolerant = known.get(key, "").startswith("tolerance:")
                differs = False
                for i, t in enumerate(outs):
                    good, why = same(out[i], "%s.out%d.bin" % (base, i),
                                     "exact" if exact and not tolerant else t)
                    if not good:
                        bad.append("%s output %d: %s" % (case, i, why))
                        differs = True
                    elif verbose:
                        print("# %s %s output %d: %s" % (key, case, i, why or "identical"))
                if differs and not cpu:
                    # Where BUILTIN_REF differs, the NPU still equals the CPU path.
                    mine = [o + ".cpu" for o in out]
                    run = subprocess.run(cmd + ["--cpu"] + sum([["--output", o] for o in mine],
                                                               []), capture_output=True)
                    if run.returncode or any(open(a, "rb").read() != open(b, "rb").read()
                                             for a, b in zip(out, mine)):
                        bad.append("%s: npu-run: the NPU differs from the CPU path" % case)
            ok = not bad and cases
            msg = "%s on the %s: %d cases %s (%d of %d ops on the NPU)" % (
                key, where, len(cases), "match BUILTIN_REF" if ok else "differ",
                on_npu, len(report["ops"]))
            if key in known and known[key].startswith("tolerance:"):
                msg += " (within tolerance, as listed in gaps.txt)"
            elif key in known:  # listed: it must still fail as listed
                words = known[key]
                if words.startswith("differs:"):
                    ok = bool(bad) and all("npu-run:" not in b for b in bad)
                else:
                    ok = any(words in b for b in bad)
                msg = "%s (as listed in gaps.txt: %s)" % (msg, words) if ok else \
                    "%s: %s: update tests/models/gaps.txt" % (
                        key, "matches now" if not bad else "fails otherwise than listed")
            for b in bad[:5]:
                print("# " + b)
        print("%s %d - %s" % ("ok" if ok else "not ok", n, msg))
        passed, failed = passed + bool(ok), failed + (not ok)
    print("1..%d" % len(models))
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
