#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The workflow table: report.py MODELDIR  (make models-report)

One row per model of the set: the float model's accuracy and the quantized
model's under TFLite (from make_models.py, on the 200-sample held-back
test set), the project's CPU path on the first 20 test samples beside
BUILTIN_REF's on the same 20 (equal where the bytes are equal), whether the
reference cases match byte for byte (check.py --cpu), placement (ops on the
NPU / all, segments), the NPU estimate (cycles, DRAM bytes, weight bytes),
file size, weight sparsity and the unique values of the kernels, and a
note where an accuracy is at chance level (four classes: 0.25; a model
there learnt nothing, and its bytes still test the kernels).  Runs on the
host; the NPU's own results are the VM's model/workflows test.
"""
import array
import json
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))


def output_type(mdir, key):
    """Array code of output 0's type, from reference.py's <model>.io."""
    io = dict(line.split(" ", 1) for line in
              open(os.path.join(mdir, "ref", key + ".io")).read().splitlines())
    return {"int8": "b", "uint8": "B", "int16": "h", "float32": "f"}[io["out"].split()[0]]


def project_accuracy(model, mdir, key, work):
    """npu-run --cpu and BUILTIN_REF outputs on the first test samples."""
    samples = os.path.join(mdir, "ref", "%s.testset" % key)
    if not os.path.isdir(samples):
        return None
    code = output_type(mdir, key)
    right = same = total = 0
    for name in sorted(os.listdir(samples)):
        if not name.endswith(".in0.bin"):
            continue
        base = os.path.join(samples, name[:-len(".in0.bin")])
        out = os.path.join(work, "out.bin")
        run = subprocess.run(["npu-run", "--cpu", "--model", model, "--input", base + ".in0.bin",
                              "--output", out, "--num-runs", "1", "--warmup-runs", "0"],
                             capture_output=True)
        if run.returncode:
            return None
        label = int(open(base + ".label").read())
        mine, ref = open(out, "rb").read(), open(base + ".out0.bin", "rb").read()
        same += mine == ref
        scores = array.array(code, mine)
        right += max(range(len(scores)), key=scores.__getitem__) == label
        total += 1
    return right / total if total else None, same, total


# Four classes: chance is 0.25; on 200 test samples three standard
# deviations above it is about 0.35.
AT_CHANCE = 0.35


def note(m):
    """What an accuracy says: a model at chance level learnt nothing."""
    if m["float_accuracy"] < AT_CHANCE:
        return "float model at chance"
    if m["tflite_accuracy"] < AT_CHANCE:
        return "quantized model at chance"
    if m["tflite_accuracy"] < m["float_accuracy"] - 0.05:
        return "quantization costs %.2f" % (m["float_accuracy"] - m["tflite_accuracy"])
    return ""


def main():
    mdir = sys.argv[1]
    manifest = json.load(open(os.path.join(mdir, "manifest.json")))
    work = tempfile.mkdtemp(prefix="npu-report-")
    cols = ("model", "float acc", "TFLite acc", "ours acc (20)", "exact", "NPU ops",
            "segs", "cycles", "DRAM bytes", "weights", "file", "sparsity", "unique", "note")
    rows = []
    check = subprocess.run([sys.executable, os.path.join(HERE, "check.py"), mdir, "--cpu"],
                           capture_output=True, text=True).stdout
    verdict = {}
    for line in check.splitlines():
        if line.startswith(("ok ", "not ok ")):
            key = line.split(" - ", 1)[1].split(":")[0].split(" on the ")[0]
            verdict[key] = "yes" if line.startswith("ok ") and "match" in line else \
                ("gaps.txt" if "gaps.txt" in line else "NO")
    for key in sorted(manifest):
        m = manifest[key]
        if "error" in m:
            rows.append((key, "-", "converter: " + m["error"][:40]) + ("",) * 11)
            continue
        model = os.path.join(mdir, key + ".tflite")
        comp = subprocess.run(["npu-compile", model, "-n", "--json"], capture_output=True,
                              text=True)
        if comp.returncode:
            place = ("-", "-", "-", "-", "-")
        else:
            s = json.loads(comp.stdout)["summary"]
            place = ("%d/%d" % (s["npu_ops"], s["ops"]), s["segments"], s["npu_cycles"],
                     s["dram_read_bytes"] + s["dram_write_bytes"], s["weight_bytes"])
        acc = project_accuracy(model, mdir, key, work)
        ours = "-" if not acc or acc[0] is None else "%.2f (%d/%d same)" % acc
        uniq = sorted(m.get("unique_per_kernel", []))
        rows.append((key, "%.3f" % m["float_accuracy"], "%.3f" % m["tflite_accuracy"], ours,
                     verdict.get(key, "?")) + place +
                    (m["bytes"], "%.2f" % m["sparsity"],
                     "%d..%d" % (uniq[0], uniq[-1]) if uniq else "-", note(m)))
    widths = [max(len(str(r[i])) for r in rows + [cols]) for i in range(len(cols))]
    fmt = "| " + " | ".join("%%-%ds" % w for w in widths) + " |"
    print(fmt % cols)
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for r in rows:
        print(fmt % tuple(str(x) for x in r))


if __name__ == "__main__":
    main()
