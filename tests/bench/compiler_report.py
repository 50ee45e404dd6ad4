#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""The compiler's figures side by side: compiler_report.py [--no-vela] [--json FILE]

For each int8 shared model (../shared/models), npu-compile's estimate
(the firmware's cycle model) with and without fusion (--no-fusion), and
Arm's Vela (ethos-u-vela, pinned in the venv) on the same .tflite for
Ethos-U65-512 and Ethos-U55-256 (its default system and memory mode for
each): weight compression, SRAM use, estimated time, DRAM traffic.

Unavoidable traffic = the weights buffer read once + the graph's inputs
read and outputs written once (npu-compile's "unavoidable_bytes").  The
"bound" is max(MAC-array time, unavoidable traffic at the DRAM bandwidth):
no schedule of this hardware model can beat it.  The MAC-array time is the
array's at its granularity (npu-compile's "array_cycles", Documentation/
hardware.rst "MAC array"); "peak" divides the MACs by 1152 instead.  Our weight compression
ratio is the filter bytes the NPU reads (lossless, Documentation/
hardware.rst, "Weight compression") over the raw filter bytes; Vela's is
its encoded weights (which include its bias/scale words) over the model's
original weight bytes.  The pruned, clustered and collaborative models of
the workflow set (build/models, make models) are compared too, beside the
same network unoptimized (ptq_int8).

Run by `make compiler-report`; needs the build (build/bin/npu-compile).
"""
import csv
import glob
import json
import os
import shutil
import subprocess
import sys
import tempfile

TOP = os.environ.get("NPU_TOP", os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__)))))
BIN = os.path.join(TOP, "build", "bin")
MODELS = os.path.join(TOP, "..", "shared", "models")
DRAM_BYTES_PER_CYCLE = 16   # NPU_HW_DRAM_BYTES_PER_CYCLE, uapi/npu_cmdstream.h
CLOCK_MHZ = 1000            # NPU_HW_CLOCK_MHZ
VELA_CONFIGS = ("ethos-u65-512", "ethos-u55-256")

# int8 models users bring; the others (uint8, float, int16-in) are left out
# because Vela takes int8 (and int16x8) only.
SET = [
    "tflm/mobilenet_v2_quantized_1x3x224x224.tflite",
    "tflm/person_detect.tflite",
    "tflm/micro_speech_quantized.tflite",
    "tflm/hello_world_int8.tflite",
    "zoo/tf2_mnv2_224_ptq.tflite",
    "zoo/vww_96_int8.tflite",
    "zoo/resnet8_cifar_int8.tflite",
    "zoo/kws_dscnn_mlperf_int8.tflite",
    "zoo/blazeface_128.tflite",
    "zoo/retinaface_int8.tflite",
]
# The workflow models (tests/models/make_models.py) when built.
WORKFLOW = os.path.join(TOP, "build", "models")
WORKFLOW_SET = ["%s.%s.tflite" % (net, v) for net in ("mobilenet_v2", "ds_cnn")
                for v in ("ptq_int8", "qat", "cluster16k", "cluster16l", "cluster8k",
                          "cluster8l", "prune", "pqat", "sp_cluster", "cqat", "pcqat")]


def ours(path, fusion, sram=True):
    # --greedy: Vela puts every op it supports on the NPU; so do we here,
    # not keeping a cheap run between CPU ops on the CPU (placement by cost).
    cmd = [os.path.join(BIN, "npu-compile"), path, "-n", "--json", "--greedy"]
    if not fusion:
        cmd.append("--no-fusion")
    if not sram:
        cmd.append("--no-sram")
    r = subprocess.run(cmd, capture_output=True, text=True)
    if r.returncode:
        return {"error": (r.stderr.strip().splitlines() or ["failed"])[-1]}
    s = json.loads(r.stdout)["summary"]
    dram = s["unavoidable_bytes"] / DRAM_BYTES_PER_CYCLE
    bound = max(s.setdefault("array_cycles", s["mac_cycles"]), dram)
    s["dram_bytes"] = s["dram_read_bytes"] + s["dram_write_bytes"]
    s["traffic_ratio"] = s["dram_bytes"] / max(1, s["unavoidable_bytes"])
    s["bound_cycles"] = bound
    s["bound_ratio"] = s["npu_cycles"] / max(1.0, bound)
    s["peak_bound_ratio"] = s["npu_cycles"] / max(1.0, s["mac_cycles"], dram)
    return s


def vela(path, config, tmp):
    exe = os.path.join(TOP, "build", "venv", "bin", "vela")
    out = os.path.join(tmp, config)
    r = subprocess.run([exe, "--accelerator-config", config, "--output-dir", out, path],
                       capture_output=True, text=True)
    rows = glob.glob(os.path.join(out, "*_summary_*.csv"))
    if r.returncode or not rows:
        return {"error": (r.stderr.strip().splitlines() or ["failed"])[-1]}
    with open(rows[0]) as f:
        row = next(csv.DictReader(f))
    shutil.rmtree(out, ignore_errors=True)
    orig = float(row["total_original_weights"])
    enc = float(row["total_npu_encoded_weights"])
    return {
        "weights_original": int(orig), "weights_encoded": int(enc),
        "compression": enc / orig if orig else 1.0,
        "sram_used_kib": float(row["sram_memory_used"]),
        "time_ms": float(row["inference_time"]) * 1000.0,
        "dram_bytes": int(float(row["dram_total_bytes"])),
        "memory_mode": row["memory_mode"],
    }


def mb(b):
    return "%.2f" % (b / 1e6)


def ms(cycles):
    return "%.3f" % (cycles / CLOCK_MHZ / 1000.0)


def main():
    use_vela = "--no-vela" not in sys.argv
    out_json = None
    if "--json" in sys.argv:
        out_json = sys.argv[sys.argv.index("--json") + 1]
    results = []
    tmp = tempfile.mkdtemp(prefix="compiler-report.")
    try:
        paths = [os.path.join(MODELS, rel) for rel in SET] + \
            [os.path.join(WORKFLOW, rel) for rel in WORKFLOW_SET]
        for path in paths:
            rel = os.path.relpath(path, TOP)
            if not os.path.exists(path):
                print("# %s: not found, skipped" % rel)
                continue
            # Before: one op one command, all in DRAM; then fused; then
            # with the SRAM plan (the default).
            r = {"model": os.path.basename(rel)[:-len(".tflite")],
                 "before": ours(path, False, False), "fused": ours(path, True, False),
                 "after": ours(path, True)}
            if use_vela:
                for c in VELA_CONFIGS:
                    r[c] = vela(path, c, tmp)
            results.append(r)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    print("NPU8 estimate (firmware cycle model): all DRAM unfused -> fused -> fused with"
          " the SRAM plan")
    print("%-36s %5s %21s %21s %7s %17s %11s %17s %6s %9s %9s" % (
        "model", "fused", "est. ms", "DRAM MB", "unav.MB", "DRAM/unav.", "MAC/arr ms",
        "est./bound", "/peak", "arena KiB", "SRAM KiB"))
    for r in results:
        b, f, a = r["before"], r["fused"], r["after"]
        if "error" in a or "error" in b or "error" in f:
            print("%-36s %s" % (r["model"], a.get("error") or b.get("error") or
                                f.get("error")))
            continue
        print("%-36s %5d %21s %21s %7s %17s %11s %17s %6.2f %9d %9d" % (
            r["model"], a["fused_ops"],
            "->".join(ms(x["npu_cycles"]) for x in (b, f, a)),
            "->".join(mb(x["dram_bytes"]) for x in (b, f, a)),
            mb(a["unavoidable_bytes"]),
            "->".join("%.2f" % x["traffic_ratio"] for x in (b, f, a)),
            ms(a["mac_cycles"]) + "/" + ms(a["array_cycles"]),
            "->".join("%.2f" % x["bound_ratio"] for x in (b, f, a)),
            a["peak_bound_ratio"], a["arena_bytes"] // 1024, a["sram_peak_bytes"] // 1024))
    if use_vela:
        print()
        print("Weights and SRAM: NPU8 (filters before -> after lossless compression of every"
              " filter that shrinks, as without SRAM; 'read': the ratio the SRAM plan reads,"
              " which leaves raw the filters whose decode would cost time; SRAM: the plan's"
              " peak) vs Vela 5.2 (default memory mode)")
        print("%-36s %17s %6s %4s %6s %9s %10s | %-28s | %-28s" % (
            "model", "filters KB", "compr", "<=V", "read", "SRAM KiB", "est. ms",
            "U65-512: compr SRAM ms DRAM", "U55-256: compr SRAM ms DRAM"))
        for r in results:
            a, f = r["after"], r["fused"]
            if "error" in a or "error" in f:
                continue
            cols = []
            for c in VELA_CONFIGS:
                v = r[c]
                cols.append(v["error"][:28] if "error" in v else "%.3f %5.0f %6.3f %5s" % (
                    v["compression"], v["sram_used_kib"], v["time_ms"], mb(v["dram_bytes"])))
            vela_best = min([r[c]["compression"] for c in VELA_CONFIGS if "error" not in r[c]]
                            or [float("inf")])
            print("%-36s %17s %6.3f %4s %6.3f %9.0f %10s | %-28s | %-28s" % (
                r["model"], "%.1f->%.1f" % (f["filter_bytes"] / 1e3,
                                             f["filter_npu_bytes"] / 1e3),
                f["filter_ratio"], "yes" if f["filter_ratio"] <= vela_best else "NO",
                a["filter_ratio"], a["sram_peak_bytes"] / 1024, ms(a["npu_cycles"]),
                cols[0], cols[1]))
    if out_json:
        with open(out_json, "w") as f:
            json.dump(results, f, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
