#!/bin/sh
# usage: mk/check-summary.sh DIR STAGE...
# The end of make check: a table of the stages mk/check-stage.sh ran (status,
# wall and CPU seconds) and the one "N passed, N failed" line over all of
# them.  The VM stages count what their own final line says (each test
# program's subtests, tests/run-vm-tests.sh); the host stages count their
# libcheck totals ("Checks: N, Failures: F, Errors: E") and their TAP lines
# ("ok ...", "not ok ...", skips not counted); a stage that failed without a failing line counts as
# one failure.  Exits non-zero when anything failed.
dir=$1
shift
stages=$*
total_p=0 total_f=0 total_wall=0 total_cpu=0
echo "==== make check: stages (wall and CPU seconds; lanes ran two at a time) ===="
printf '%-20s %-8s %8s %8s %8s %7s\n' stage status wall cpu passed failed
for name in $stages; do
	res=$dir/$name.result log=$dir/$name.log
	if [ ! -f "$res" ]; then
		printf '%-20s %-8s\n' "$name" "not run"
		total_f=$((total_f + 1))
		continue
	fi
	read -r _ rc wall cpu < "$res"
	vm=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$log" | tail -n 1)
	case $name in
	vm*)
		p=${vm%% passed*}; f=${vm#*passed, }; f=${f%% failed}
		[ -n "$vm" ] || { p=0; f=0; } ;;
	*)
		counts=$(awk '
			/^[0-9]+%: Checks: [0-9]+, Failures: [0-9]+, Errors: [0-9]+/ {
				c = $3; fl = $5; e = $7; sub(",", "", c); sub(",", "", fl)
				p += c - fl - e; f += fl + e; next }
			/^ok .*# *SKIP/ { next }
			/^ok( |$)/ { p++; next }
			/^not ok( |$)/ { f++ }
			END { print p + 0, f + 0 }' "$log")
		p=${counts% *} f=${counts#* } ;;
	esac
	[ "$rc" != 0 ] && [ "$f" = 0 ] && f=1
	st=passed
	[ "$rc" = 0 ] || st="status $rc"
	printf '%-20s %-8s %8s %8s %8s %7s\n' "$name" "$st" "$wall" "$cpu" "$p" "$f"
	total_p=$((total_p + p)) total_f=$((total_f + f))
	total_wall=$(awk -v a="$total_wall" -v b="$wall" 'BEGIN { print a + b }')
	total_cpu=$(awk -v a="$total_cpu" -v b="$cpu" 'BEGIN { print a + b }')
done
printf '%-20s %-8s %8s %8s\n' "sum" "" "$total_wall" "$total_cpu"
for name in $stages; do
	[ -f "$dir/$name.result" ] || continue
	read -r _ rc _ < "$dir/$name.result"
	[ "$rc" = 0 ] || echo "check: stage $name FAILED (its log: ${dir#$PWD/}/$name.log)"
done
echo "$total_p passed, $total_f failed"
[ "$total_f" = 0 ]
