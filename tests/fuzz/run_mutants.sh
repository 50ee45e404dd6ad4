#!/bin/sh
# SPDX-License-Identifier: MIT
# Structure-aware fuzzing in rounds: each round, mutate.py writes COUNT
# mutants of the seed models, and fuzz_run (ASan, UBSan) runs each once
# through compile, check and a CPU run, inside libFuzzer's per-input time
# (wall clock: generous, the machine is shared) and memory bounds.  A
# mutant that crashes, trips a sanitizer, times out or goes over the
# memory bound is kept in OUT/findings with its libFuzzer log; the run
# goes on with the next mutant.
#
#   run_mutants.sh OUT ROUNDS COUNT SEED_FILE...
#
# (make -C tests/fuzz fuzz-mutate sets these; see Documentation/testing.rst.)
set -eu
out=$1 rounds=$2 count=$3
shift 3
here=$(cd "$(dirname "$0")" && pwd)
py=${PYTHON:-python3}
limits="-timeout=${FUZZ_TIMEOUT:-120} -rss_limit_mb=${FUZZ_RSS_MB:-2048} -malloc_limit_mb=${FUZZ_MALLOC_MB:-1024}"
mkdir -p "$out/findings"
total=0 found=0
r=${FIRST_ROUND:-1}
last=$((r + rounds - 1))
while [ "$r" -le "$last" ]; do
	dir=$out/round-$r
	rm -rf "$dir"
	"$py" "$here/mutate.py" --seed "$r" --count "$count" -o "$dir" "$@" 2>"$dir.mutate.log" ||
		{ cat "$dir.mutate.log"; exit 1; }
	ls "$dir"/m* >"$dir.todo"
	while [ -s "$dir.todo" ]; do
		# shellcheck disable=SC2046
		if "$out/../fuzz_run" $limits $(cat "$dir.todo") >"$dir.log" 2>&1; then
			break
		fi
		bad=$(sed -n 's/^Running: //p' "$dir.log" | tail -n 1)
		[ -n "$bad" ] || { cat "$dir.log"; exit 1; }
		found=$((found + 1))
		cp "$bad" "$out/findings/"
		cp "$dir.log" "$out/findings/$(basename "$bad").log"
		echo "finding: $(basename "$bad"): $(grep -m1 -E 'ERROR|runtime error|timeout|out-of-memory|deadly' "$dir.log")"
		sed -n "\|^$bad\$|,\$p" "$dir.todo" | tail -n +2 >"$dir.next"
		mv "$dir.next" "$dir.todo"
	done
	total=$((total + count))
	echo "round $r: $count mutants run ($total in all, $found findings)"
	rm -rf "$dir" "$dir.todo"
	r=$((r + 1))
done
