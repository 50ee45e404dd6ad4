#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
"""Checks a trace written by `npu-run --trace` (Chrome trace-event JSON).

Structure: a traceEvents array of "M" (metadata) and "X" (complete) events,
each with the fields the viewers need; the tracks "CPU ops", "NPU jobs" and
"npu-run" named; NPU jobs carry the driver's counters.  Timing: every CPU op
and NPU job lies inside one run of npu-run, each run holds the expected
number of CPU ops and NPU jobs, and the two tracks together cover the run's
measured latency to within the tolerance.  An NPU job's slice ends when its
fence signalled; the thread waiting for it resumes later (the wake-up
latency, the job's "wakeup_us" argument), and that time counts as the
job's.  What is left is libnpu's own work between ops and jobs (copying
inputs in, the trace's own fence query and writes) and whatever preempted
the process there.  The tolerance applies to the median of the runs after
the first: the first run's gaps include one-time costs (code paged in on
first use) that belong to no op, and one run preempted in a gap (a loaded
host, a guest's vCPU descheduled) says nothing about the trace.

usage: check_trace.py TRACE.json RUN.json [--coverage F]
RUN.json is npu-run's --json output of the same run: the timed runs, the
placement (CPU ops, NPU segments) and the measured latency come from it.
Prints a summary; exits 1 with the reason on the first failed check.
"""
import argparse
import json
import sys

EPS_US = 0.002  # the file's timestamps are rounded to 1 ns


def fail(msg):
    print("check_trace: " + msg)
    sys.exit(1)


def union_us(intervals):
    total, end = 0.0, None
    for s, e in sorted(intervals):
        if end is None or s > end:
            total += e - s
            end = e
        elif e > end:
            total += e - end
            end = e
    return total


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("trace")
    ap.add_argument("run_json")
    ap.add_argument("--coverage", type=float, default=0.95)
    a = ap.parse_args()
    with open(a.run_json) as f:
        rep = json.load(f)
    a.cpu_ops, a.npu_jobs, a.runs = rep["cpu_ops"], rep["segments"], rep["runs"]

    with open(a.trace) as f:
        doc = json.load(f)
    if not isinstance(doc, dict) or not isinstance(doc.get("traceEvents"), list):
        fail("no traceEvents array")
    tracks, spans = {}, []
    for ev in doc["traceEvents"]:
        for key in ("ph", "pid", "tid", "name"):
            if key not in ev:
                fail("event without %s: %r" % (key, ev))
        if ev["ph"] == "M" and ev["name"] == "thread_name":
            tracks[ev["args"]["name"]] = ev["tid"]
        elif ev["ph"] == "X":
            if not all(isinstance(ev.get(k), (int, float)) for k in ("ts", "dur")) \
                    or ev["dur"] < 0:
                fail("complete event without ts/dur: %r" % ev)
            spans.append(ev)
        elif ev["ph"] != "M":
            fail("unexpected phase %r" % ev["ph"])
    for name in ("CPU ops", "NPU jobs", "npu-run"):
        if name not in tracks:
            fail("no %r track (tracks: %s)" % (name, sorted(tracks)))
    tid_cpu, tid_npu, tid_run = tracks["CPU ops"], tracks["NPU jobs"], tracks["npu-run"]
    runs = sorted((e for e in spans if e["tid"] == tid_run), key=lambda e: e["ts"])
    work = [e for e in spans if e["tid"] in (tid_cpu, tid_npu) and e["name"] != "execute"]
    execs = [e for e in spans if e["tid"] == tid_npu and e["name"] == "execute"]
    for e in work:
        if e["tid"] == tid_npu:
            for key in ("cycles", "macs", "dram_read_bytes", "dram_write_bytes",
                        "exec_us", "wakeup_us", "segment", "first_op", "op_count"):
                if not isinstance(e["args"].get(key), (int, float)):
                    fail("NPU job without %s: %r" % (key, e))
            if e["args"]["status"] != 0 or e["args"]["cycles"] <= 0:
                fail("NPU job failed or without cycles: %r" % e)
        elif not isinstance(e["args"].get("op"), int):
            fail("CPU op without its index: %r" % e)
    if len(execs) != sum(1 for e in work if e["tid"] == tid_npu):
        fail("%d NPU jobs but %d execute slices" %
             (sum(1 for e in work if e["tid"] == tid_npu), len(execs)))

    timed = [r for r in runs if r["name"] == "inference"]
    if len(timed) != a.runs:
        fail("%d timed runs in the trace, expected %d" % (len(timed), a.runs))
    def extent(e):  # an NPU job lasts until its waiter woke up
        return (e["ts"], e["ts"] + e["dur"] + (e["args"]["wakeup_us"] if e["tid"] == tid_npu
                                              else 0))

    placed, warm = 0, []  # warm: (coverage, bare coverage, run, its events)
    for r in runs:
        start, end = r["ts"] - EPS_US, r["ts"] + r["dur"] + EPS_US
        inside = [e for e in work if e["ts"] >= start and e["ts"] + e["dur"] <= end]
        placed += len(inside)
        ncpu = sum(1 for e in inside if e["tid"] == tid_cpu)
        nnpu = len(inside) - ncpu
        if (ncpu, nnpu) != (a.cpu_ops, a.npu_jobs):
            fail("run at %.3f us: %d CPU ops and %d NPU jobs, expected %d and %d" %
                 (r["ts"], ncpu, nnpu, a.cpu_ops, a.npu_jobs))
        busy = union_us([extent(e) for e in inside])
        if busy > r["dur"] + EPS_US * len(inside):
            fail("run at %.3f us: tracks hold %.3f us of a %.3f us run" %
                 (r["ts"], busy, r["dur"]))
        if r["name"] != "first inference" and r["dur"] > 0:
            bare = union_us([(e["ts"], e["ts"] + e["dur"]) for e in inside])
            warm.append((busy / r["dur"], bare / r["dur"], r, inside))
    if placed != len(work):
        fail("%d CPU ops/NPU jobs outside every run" % (len(work) - placed))
    warm.sort(key=lambda w: w[0])
    median = warm[len(warm) // 2][0]
    worst, _, r, inside = warm[0]
    if inside:
        first = min(extent(e)[0] for e in inside)
        last = max(extent(e)[1] for e in inside)
        print("least covered: %s run at %.3f us, %.3f us long: %.3f us before the first "
              "op/job, %.3f us after the last, %.3f us between" %
              (r["name"], r["ts"], r["dur"], first - r["ts"], r["ts"] + r["dur"] - last,
               (last - first) - union_us([extent(e) for e in inside])))
    if median < a.coverage:
        fail("the tracks cover only %.1f%% of the median run (tolerance: %.0f%%)" %
             (100 * median, 100 * a.coverage))
    total_ms = sum(r["dur"] for r in timed) / 1e3
    # avg_ms is printed to 1 us: the sum may differ by runs * 0.5 us.
    if abs(rep["avg_ms"] * rep["runs"] - total_ms) > rep["runs"] * 0.0005 + 1e-6:
        fail("timed runs sum to %.3f ms in the trace, %.3f ms measured" %
             (total_ms, rep["avg_ms"] * rep["runs"]))
    print("trace ok: %d runs, %d CPU ops and %d NPU jobs each; the tracks cover %.1f%% of "
          "the median run, %.1f%% of the least covered (%.1f%% and %.1f%% without the "
          "wake-ups after fences); %.3f ms timed" %
          (len(runs), a.cpu_ops, a.npu_jobs, 100 * median, 100 * worst,
           100 * sorted(w[1] for w in warm)[len(warm) // 2], 100 * min(w[1] for w in warm),
           total_ms))

if __name__ == "__main__":
    main()
