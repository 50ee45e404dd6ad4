#!/bin/sh
# npu-run --trace on the NPU: the Chrome trace's structure (CPU-op and NPU-job
# tracks, the driver's per-job counters as arguments) and that the tracks add
# up to the latency npu-run measured (tests/lib/check_trace.py).
# Jobs get two minutes before the driver takes them for hung: its 2 s
# default is for silicon, not TCG on a loaded host.
# vm-test: reload --npu-param job_timeout_ms=120000 timeout=600
M=../shared/models
. tests/lib/tap.sh
# check MODEL COVERAGE: run MODEL with --trace and check the trace.
check() {
	npu-run --model "$1" --random --num-runs 5 --json --trace "$tmp/trace.json" \
		>"$tmp/run.json" 2>"$tmp/err.txt"
	python3 tests/lib/check_trace.py --coverage "$2" "$tmp/trace.json" "$tmp/run.json" \
		>"$tmp/check.txt" 2>&1
	st=$?
	sed 's/^/# /' "$tmp/check.txt" "$tmp/err.txt"
	return $st
}

# person_detect: one NPU job and one CPU op a run.  The job counts until
# the waiting thread woke up (check_trace.py); what is left is libnpu's own
# work around them (copying the input in, the trace's fence query and
# writes) and preemption landing there: measured under TCG on a loaded
# host at 1-6% of a 45-200 ms run in most runs, 11% in the worst seen.
# The median run must be >= 80% covered: a missing or misplaced job or op
# fails that, a vCPU descheduled in one gap does not.
t "person_detect: trace structure, one NPU job, tracks cover >= 80% of the median run" \
	check $M/tflm/person_detect.tflite 0.80
grep -q '"cat":"npu","name":"segment 0".*"macs":[1-9]' "$tmp/trace.json"
t "person_detect: the NPU job carries the driver's MAC count" test $? = 0
# A split model: 5 NPU jobs and 10 CPU ops a run, interleaved, each a few
# ms at most under TCG, so the fixed costs around each (a few hundred us)
# are a large part of a run: structure and counts only.  Its FCs are too
# small to be worth a round trip (placement by cost keeps them on the CPU),
# so it is compiled --greedy to keep the interleaving under test.
npu-compile $M/tflm/keyword_scrambled_8bit.tflite --greedy -o "$tmp/kws.npu" >/dev/null 2>&1
t "keyword_scrambled: 5 NPU jobs and 10 CPU ops in every run" \
	check "$tmp/kws.npu" 0
tap_done
