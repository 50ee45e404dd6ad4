#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Published and converted models through the project: sweep.py [--bin DIR] [--json FILE] MODEL|DIR...

For every .tflite given (a directory: its *.tflite), the way a new user
meets the project:

* the interpreter (BUILTIN_REF) must accept the model, else it is not a
  valid TFLite file for this purpose and is listed as "tflite refuses";
* `npu-compile -n --json`: the placement (NPU ops, segments) or the
  message naming what is missing (never "malformed" for a file TFLite
  accepts: that is a failure of the sweep);
* `npu-verify --cpu --random 1`: the CPU path against BUILTIN_REF
  (integer outputs byte for byte, float32 within npu-verify's tolerance);
  its random inputs draw an index input (a GATHER's indices, an
  EMBEDDING_LOOKUP's ids) over its table's rows, so embedding models
  compare instead of failing inside TFLite.
--npu-list FILE lists the models that vm.sh then runs on the NPU in the VM.

Prints one line per model (name, quantization, ops, result) and a closing
"N passed, N failed" line: a model fails when npu-compile calls it
malformed, when the CPU path differs from BUILTIN_REF, or when it crashes;
a model refused for a missing kernel or custom op is counted as refused
(named, not failed) unless --strict.  Run with the venv's Python
(ai-edge-litert).  The NPU in the VM is vm.sh's part.
"""
import argparse
import collections
import json
import os
import subprocess
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
import numpy as np  # noqa: E402
from ai_edge_litert import schema_py_generated as fb  # noqa: E402
from ai_edge_litert.interpreter import Interpreter, OpResolverType  # noqa: E402

TOP = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
OPNAME = {v: k for k, v in vars(fb.BuiltinOperator).items() if not k.startswith("_")}
TYPENAME = {v: k for k, v in vars(fb.TensorType).items() if not k.startswith("_")}


def describe(path):
    """(quantization, op histogram) read from the flatbuffer."""
    buf = open(path, "rb").read()
    m = fb.Model.GetRootAs(buf, 0)
    ops = collections.Counter()
    types = collections.Counter()
    for s in range(m.SubgraphsLength()):
        sg = m.Subgraphs(s)
        for i in range(sg.OperatorsLength()):
            op = sg.Operators(i)
            code = m.OperatorCodes(op.OpcodeIndex())
            b = max(code.BuiltinCode(), code.DeprecatedBuiltinCode())
            name = OPNAME.get(b, str(b))
            if name == "CUSTOM":
                name = "custom:" + code.CustomCode().decode()
            ops[name] += 1
            for j in range(op.OutputsLength()):
                if op.Outputs(j) >= 0:
                    types[TYPENAME[sg.Tensors(op.Outputs(j)).Type()]] += 1
    quant = "/".join(t.lower() for t, _ in types.most_common(3))
    hybrid = False
    sg = m.Subgraphs(0)
    for i in range(sg.OperatorsLength()):
        op = sg.Operators(i)
        code = m.OperatorCodes(op.OpcodeIndex())
        b = max(code.BuiltinCode(), code.DeprecatedBuiltinCode())
        if OPNAME.get(b) in ("CONV_2D", "FULLY_CONNECTED", "DEPTHWISE_CONV_2D") and \
                op.InputsLength() > 1 and op.Inputs(1) >= 0 and \
                sg.Tensors(op.Inputs(0)).Type() == fb.TensorType.FLOAT32 and \
                sg.Tensors(op.Inputs(1)).Type() == fb.TensorType.INT8:
            hybrid = True
    if hybrid:
        quant += " hybrid"
    return quant, ops, m.SubgraphsLength()


def tflite_accepts(path, rec):
    try:
        it = Interpreter(model_path=path,
                         experimental_op_resolver_type=OpResolverType.BUILTIN_REF)
        it.allocate_tensors()
        rec["outputs"] = len(it.get_output_details())
        return None
    except Exception as e:  # noqa: BLE001: any refusal
        return str(e).strip().splitlines()[-1][:160] if str(e).strip() else type(e).__name__


def run(cmd, timeout):
    try:
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=timeout)
        return r.returncode, r.stdout, r.stderr
    except subprocess.TimeoutExpired:
        return 124, "", "timed out after %d s" % timeout


def sweep_one(path, bindir, timeout):
    rec = {"model": os.path.basename(path)[:-len(".tflite")], "path": path}
    rec["quant"], ops, rec["subgraphs"] = describe(path)
    rec["ops"] = dict(ops)
    why = tflite_accepts(path, rec)
    if why:
        rec["result"] = "tflite refuses: " + why
        rec["status"] = "skip"
        return rec
    rc, out, err = run([os.path.join(bindir, "npu-compile"), path, "-n", "--json"], timeout)
    msg = (err.strip().splitlines() or [""])[-1]
    if rc:
        rec["compile"] = msg
        rec["status"] = "fail" if "malformed" in err or rc > 1 or rc < 0 else "refused"
        rec["result"] = ("MALFORMED: " if rec["status"] == "fail" else "refused: ") + msg
        return rec
    s = json.loads(out)["summary"]
    rec["npu_ops"], rec["all_ops"], rec["segments"] = s["npu_ops"], s["ops"], s["segments"]
    rc, out, err = run([sys.executable, os.path.join(TOP, "tools", "npu-verify"), path,
                        "--cpu", "--random", "1", "--seed", "7", "--bin", bindir], timeout)
    text = (out + err).strip().splitlines()
    rec["verify"] = text[-3:]
    if rc == 0:
        rec["status"] = "pass"
        rec["result"] = "exact" if "within" not in out + err else "within tolerance"
    else:
        rec["status"] = "fail"
        rec["result"] = "differs: " + " | ".join(text[-2:])[:200] if text else "rc %d" % rc
    return rec


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("paths", nargs="+")
    ap.add_argument("--bin", default=os.path.join(TOP, "build", "bin"))
    ap.add_argument("--json")
    ap.add_argument("--timeout", type=int, default=900)
    ap.add_argument("--strict", action="store_true", help="a refused model fails")
    ap.add_argument("--npu-list", help="write 'MODEL OUTPUTS' of every model that ran "
                    "exactly with ops on the NPU (vm.sh's input)")
    a = ap.parse_args()
    files = []
    for p in a.paths:
        if os.path.isdir(p):
            files += sorted(os.path.join(p, f) for f in os.listdir(p) if f.endswith(".tflite"))
        else:
            files.append(p)
    recs, passed, failed, refused = [], 0, 0, 0
    for f in files:
        r = sweep_one(f, a.bin, a.timeout)
        recs.append(r)
        place = ""
        if "npu_ops" in r:
            place = " npu %d/%d seg %d" % (r["npu_ops"], r["all_ops"], r["segments"])
        print("%-44s %-22s%s: %s" % (r["model"], r["quant"], place, r["result"]), flush=True)
        print("    ops: " + " ".join("%s%s" % (k, "x%d" % v if v > 1 else "")
                                    for k, v in sorted(r["ops"].items())), flush=True)
        if r["status"] == "pass":
            passed += 1
        elif r["status"] == "refused" and not a.strict:
            refused += 1
        elif r["status"] != "skip":
            failed += 1
    if a.npu_list:
        with open(a.npu_list, "w") as f:
            for r in recs:
                if r["status"] == "pass" and r.get("npu_ops"):
                    f.write("%s %d\n" % (os.path.abspath(r["path"]), r["outputs"]))
    if a.json:
        with open(a.json, "w") as f:
            json.dump(recs, f, indent=1)
    print("sweep: %d refused (missing kernels named)" % refused)
    print("%d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
