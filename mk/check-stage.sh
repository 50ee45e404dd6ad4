#!/bin/bash
# usage: mk/check-stage.sh DIR NAME CMD [ARG...]
# One stage of make check (Documentation/testing.rst, "make check"): runs
# CMD with its output in DIR/NAME.log, then prints that log whole as one
# block (stages of two lanes run at once; a lock keeps their blocks apart)
# and records "NAME STATUS WALL CPU" in DIR/NAME.result for
# mk/check-summary.sh.  CPU is user+sys of CMD and everything it waited
# for (QEMU included).  Exits 0 even when CMD fails: the summary counts
# the failure, the other stages still run, and make check fails at the end.
set -u
dir=$1 name=$2
shift 2
mkdir -p "$dir"
log=$dir/$name.log
echo "check: $name started $(date -u +%T)"
TIMEFORMAT='%R %U %S'
{ time "$@" > "$log" 2>&1 < /dev/null; } 2> "$dir/$name.time"
rc=$?
read -r wall user sys < <(tail -n 1 "$dir/$name.time")
cpu=$(awk -v u="$user" -v s="$sys" 'BEGIN { printf "%.1f", u + s }')
wall=$(awk -v w="$wall" 'BEGIN { printf "%.1f", w }')
echo "$name $rc $wall $cpu" > "$dir/$name.result"
{
	flock 9
	echo "==== check: $name ===="
	cat "$log"
	echo "==== check: $name: $([ "$rc" = 0 ] && echo passed || echo "FAILED (status $rc)")," \
		"${wall} s wall, ${cpu} s CPU ===="
} 9> "$dir/.output-lock"
exit 0
