#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Draws a trace from `npu-run --trace` as an SVG timeline, for documents
and places without Perfetto's UI: one row per track (npu-run's runs, CPU ops,
NPU jobs with their time on the hardware inside), the slices coloured by
kind, labelled where they are wide enough, and a time axis.

usage: tools/trace-svg.py TRACE.json OUT.svg [--run N] [--width PX]
  --run N   only the Nth run on the "npu-run" track (0: the first), with
            what happened inside it; default: the whole trace
"""
import argparse
import json
from xml.sax.saxutils import escape

ROW_H, ROW_GAP, LEFT, TOP, AXIS_H = 26, 8, 90, 28, 48
COLOURS = {"app": "#d9d9d9", "cpu": "#fb8072", "npu": "#80b1d3", "execute": "#1f78b4"}


def nice_step(span_us, ticks=8):
    raw = span_us / ticks
    for unit in (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000, 10000, 20000,
                 50000, 100000, 200000, 500000, 1000000):
        if unit >= raw:
            return unit
    return 1000000


def label_us(us):
    if not us:
        return "0"
    return "%g ms" % (us / 1000) if us >= 1000 else "%g us" % us


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("trace")
    ap.add_argument("out")
    ap.add_argument("--run", type=int)
    ap.add_argument("--width", type=int, default=900)
    a = ap.parse_args()

    with open(a.trace) as f:
        events = json.load(f)["traceEvents"]
    names = {e["tid"]: e["args"]["name"] for e in events
             if e["ph"] == "M" and e["name"] == "thread_name"}
    order = {e["tid"]: e["args"]["sort_index"] for e in events
             if e["ph"] == "M" and e["name"] == "thread_sort_index"}
    slices = [e for e in events if e["ph"] == "X"]
    lo = min(e["ts"] for e in slices)
    hi = max(e["ts"] + e["dur"] for e in slices)
    if a.run is not None:
        run_tid = [t for t, n in names.items() if n == "npu-run"][0]
        run = sorted((e for e in slices if e["tid"] == run_tid), key=lambda e: e["ts"])[a.run]
        lo, hi = run["ts"], run["ts"] + run["dur"]
        slices = [e for e in slices if e["ts"] >= lo - 1e-3 and e["ts"] + e["dur"] <= hi + 1e-3]
    # The application's tracks (npu-run) first, then CPU ops, NPU jobs.
    tids = sorted(names, key=lambda t: (names[t] not in ("npu-run",), order.get(t, t)))
    scale = (a.width - LEFT - 10) / max(hi - lo, 1e-3)
    height = TOP + len(tids) * (ROW_H + ROW_GAP) + AXIS_H
    out = ['<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" '
           'font-family="Helvetica,Arial,sans-serif" font-size="10">' % (a.width, height),
           '<rect width="100%" height="100%" fill="white"/>',
           '<text x="%d" y="16" font-size="12">%s</text>' %
           (LEFT, escape("%s%s: %s" % (a.trace.split("/")[-1], "" if a.run is None else
                                        ", run %d (%s)" % (a.run, run["name"]),
                                        label_us(round(hi - lo, 1)))))]
    for row, tid in enumerate(tids):
        y = TOP + row * (ROW_H + ROW_GAP)
        out.append('<text x="4" y="%d">%s</text>' % (y + ROW_H / 2 + 4, escape(names[tid])))
        for e in (e for e in slices if e["tid"] == tid):
            x, w = LEFT + (e["ts"] - lo) * scale, max(e["dur"] * scale, 1.5)
            inner = e["name"] == "execute"
            kind = "execute" if inner else e.get("cat", "app")
            yy, hh = (y + ROW_H * 0.55, ROW_H * 0.45) if inner else (y, ROW_H * 0.55
                                                                     if e.get("cat") == "npu"
                                                                     else ROW_H)
            tip = "%s %s" % (e["name"], label_us(round(e["dur"], 1)))
            if e.get("args", {}).get("cycles"):
                tip += ", %d cycles, %d MACs" % (e["args"]["cycles"], e["args"]["macs"])
            out.append('<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f" fill="%s" '
                       'stroke="white" stroke-width="0.3"><title>%s</title></rect>' %
                       (x, yy, w, hh, COLOURS.get(kind, "#cccccc"), escape(tip)))
            wake = e.get("args", {}).get("wakeup_us", 0)
            if wake and not inner:  # the waiting thread resumes later
                out.append('<rect x="%.1f" y="%.1f" width="%.1f" height="2" fill="#969696">'
                           '<title>wake-up %s</title></rect>' %
                           (x + w, y + ROW_H - 2, max(wake * scale, 0.5),
                            label_us(round(wake, 1))))
            if w > 6.5 * len(e["name"]) and not inner:
                out.append('<text x="%.1f" y="%.1f">%s</text>' %
                           (x + 3, yy + min(hh, ROW_H * 0.55) / 2 + 4, escape(e["name"])))
    y = TOP + len(tids) * (ROW_H + ROW_GAP)
    out.append('<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="black"/>' %
               (LEFT, y, a.width - 10, y))
    step = nice_step(hi - lo)
    t = 0.0
    while t <= hi - lo:
        x = LEFT + t * scale
        out.append('<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="black"/>'
                   '<text x="%.1f" y="%d" text-anchor="middle">%s</text>' %
                   (x, y, x, y + 4, x, y + 16, label_us(t)))
        t += step
    legend = [("cpu", "CPU op"), ("npu", "NPU job, submit to fence signal"),
              ("execute", "on the NPU (driver's exec time)"), ("wake", "wake-up after the fence")]
    x = LEFT
    for kind, text in legend:
        out.append('<rect x="%d" y="%d" width="10" height="%d" fill="%s"/>'
                   '<text x="%d" y="%d">%s</text>' %
                   (x, y + 26 + (4 if kind == "wake" else 0), 2 if kind == "wake" else 10,
                    COLOURS.get(kind, "#969696"), x + 14, y + 35, escape(text)))
        x += 30 + 6 * len(text)
    out.append("</svg>")
    with open(a.out, "w") as f:
        f.write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
