#!/bin/sh
# Runs the VM test suites and prints their TAP plus a final
# "N passed, N failed" line; exits non-zero when anything failed.
#
# usage: tests/run-vm-tests.sh [--suite S]... [--dir DIR]... [TEST...]
#   TEST       suite/name (e.g. drv/test_bo), or a suite (drv); default: every test
#   --suite S  only suite S (drv, job, model)
#   --dir DIR  also run every program and *.sh in DIR (harness self-test)
#   --node KIND  accel (default, or $VM_NODE) or render: the driver built
#              with a DRM render node instead of the accel node (make -C
#              kernel render), as on kernels without CONFIG_DRM_ACCEL
#   --test-timeout S  per-test timeout (default $VM_TEST_TIMEOUT, or 300);
#              a test's own timeout= is raised to it
#
# On the host (what `make check-vm` runs) it boots the VM with tests/vm/run
# once for all tests, plus once more for each test that asks for its own boot,
# and sums the results.  Inside the guest (NPU_VM=1) it runs the tests.
#
# Tests are build/tests/<suite>/<name> (from tests/<suite>/<name>.c) and
# tests/<suite>/<name>.sh.  A line "vm-test: WORDS" in the source says how:
#   vm-test: reload [--sim-param P=V] [--npu-param P=V]
#       reload npu_sim/npu (with these parameters) before the test
#   vm-test: boot [tests/vm/run options, e.g. --no-load --no-firmware]
#       run in a VM boot of its own
#   vm-test: timeout=SECONDS   (default 300, or --test-timeout)
#   vm-test: env=NAME=VALUE    set in the test's environment (repeatable)
#   vm-test: boot ram ...
#       the test runs from RAM (its program and shared libraries copied to
#       tmpfs) and nothing after it touches the project tree: for tests
#       that suspend the system, which leaves virtio-9p dead
# After every test the modules are restored to their default state (loaded
# with the run's parameters) if the test changed them.
# Environment: VM_SKIP, tests (suite/name, or a suite) left out of this run
# (make check runs model/tflite_delegate in a stage of its own, see
# Documentation/testing.rst); VM_TEST_TIMEOUT (as --test-timeout); VM_TIMEOUT, the bound
# of the shared boot (default 600 s + 30 s a test, at most 1500 s unless
# VM_TIMEOUT is given); VM_BOOT_TIMEOUT and the rest of tests/vm/run's.
# The whole script is one block, read before it runs: editing it while it
# runs cannot derail a running copy.
{
if [ "${NPU_VM:-0}" = 1 ] && [ -n "${NPU_TOP:-}" ] && [ "${0#/run/}" = "$0" ]; then
	# In the guest, run from RAM: a shell reads its script as it goes.
	mkdir -p /run/vm && cp "$0" /run/vm/run-vm-tests.sh &&
		exec sh /run/vm/run-vm-tests.sh "$@"
fi
if [ "${0#/run/}" != "$0" ]; then cd "$NPU_TOP" || exit 2; else cd "$(dirname "$0")/.." || exit 2; fi
top=$(pwd)
SUITES="drv job model"
. "$top/tests/vm/kernel-log-findings.sh"
test_timeout=${VM_TEST_TIMEOUT:-}

only_suites= dirs= names= node=${VM_NODE:-accel}
while [ $# -gt 0 ]; do
	case $1 in
	--suite) only_suites="$only_suites $2"; shift ;;
	--node) node=$2; shift ;;
	--dir) dirs="$dirs $2"; shift ;;
	--test-timeout) test_timeout=$2; shift ;;
	-h|--help) sed -n '2,/^# The whole script/p' "$0" | sed '$d;s/^# \{0,1\}//'; exit 0 ;;
	-*) echo "run-vm-tests: unknown option $1" >&2; exit 2 ;;
	*) names="$names $1" ;;
	esac
	shift
done
[ -n "$only_suites" ] && SUITES=$only_suites
case $test_timeout in
''|*[!0-9]*) [ -z "$test_timeout" ] ||
	{ echo "run-vm-tests: bad test timeout '$test_timeout'" >&2; exit 2; } ;;
esac

# A test's timeout: its timeout= tag, raised to --test-timeout; else
# --test-timeout, else 300 s.
timeout_of() {	# tags
	t=$(echo " $1 " | sed -n 's/.*[[:space:]]timeout=\([0-9]*\)[[:space:]].*/\1/p')
	if [ -z "$t" ]; then
		t=${test_timeout:-300}
	elif [ -n "$test_timeout" ] && [ "$test_timeout" -gt "$t" ]; then
		t=$test_timeout
	fi
	echo "$t"
}

# Prints "id path kind" per test: kind is prog or sh.
discover() {
	echo "vm/env $top/tests/vm/env-check.sh sh"
	for s in $SUITES; do
		for f in "build/tests/$s"/*; do
			[ -f "$f" ] && [ -x "$f" ] && echo "$s/${f##*/} $top/$f prog"
		done
		for f in "tests/$s"/*.sh; do
			[ -f "$f" ] && echo "$s/$(basename "$f" .sh) $top/$f sh"
		done
	done
	for d in $dirs; do
		d=${d%/}
		for f in "$d"/*; do
			case $f in
			*.sh) echo "${d##*/}/$(basename "$f" .sh) $(cd "$(dirname "$f")" && pwd)/${f##*/} sh" ;;
			*) [ -f "$f" ] && [ -x "$f" ] &&
				echo "${d##*/}/${f##*/} $(cd "$(dirname "$f")" && pwd)/${f##*/} prog" ;;
			esac
		done
	done
}

selected() {	# id
	[ "$1" = vm/env ] && return 0
	for n in ${VM_SKIP:-}; do
		case $1 in "$n" | "$n"/*) return 1 ;; esac
	done
	[ -z "$names" ] && return 0
	for n in $names; do
		case $1 in "$n" | "$n"/*) return 0 ;; esac
	done
	return 1
}

# The vm-test: words of a test (from its C source or the script itself).
tags() {	# id path
	src=$2
	case $2 in
	*.sh) ;;
	*) src="tests/$1.c"; [ -f "$src" ] || src="$2.c" ;;
	esac
	[ -f "$src" ] || return 0
	grep -m1 'vm-test:' "$src" | sed 's/.*vm-test://; s/\*\/.*//'
}

# ---------------------------------------------------------------- host side
if [ "${NPU_VM:-0}" != 1 ]; then
	shared= boots= nshared=0
	list=$(discover)
	while read -r id path kind; do
		[ -n "$id" ] || continue
		selected "$id" || continue
		case " $(tags "$id" "$path") " in
		*" boot "*) boots="$boots $id" ;;
		*) shared="$shared $id"; nshared=$((nshared + 1)) ;;
		esac
	done <<EOF
$list
EOF
	passed=0 failed=0 skipped=0
	tmp=$(mktemp)
	trap 'rm -f "$tmp" "$tmp.rc" "$tmp.boots"' EXIT

	# One boot: results from the guest's summary line; a run that failed
	# without a failing test (kernel log finding, timeout, panic) counts
	# as one failure more.
	boot() {	# tests/vm/run options... -- tests
		{ tests/vm/run "$@"; echo $? > "$tmp.rc"; } | tee "$tmp"
		rc=$(cat "$tmp.rc")
		sum=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$tmp" | tail -n 1)
		sk=$(grep -E '^# [0-9]+ skipped \(all tests of this boot\)$' "$tmp" | tail -n 1 |
			sed 's/ skipped.*//' | tr -dc '0-9')
		p=${sum%% passed*}; f=${sum#*passed, }; f=${f%% failed}
		[ -n "$sum" ] || { p=0; f=0; }
		if [ $rc != 0 ] && [ "$f" = 0 ]; then
			echo "not ok - VM run failed with status $rc (see above)"
			f=1
		fi
		passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + ${sk:-0}))
	}

	# The whole suite takes a few minutes.  A hung test is killed by its
	# own timeout, a hung kernel panics (hung task, soft lockup), a frozen
	# guest is caught by vm/run's heartbeat check; this bound is the last
	# resort and keeps make check under 30 minutes.
	vm_timeout=${VM_TIMEOUT:-}
	if [ -z "$vm_timeout" ]; then
		vm_timeout=$((600 + nshared * 30))
		[ "$vm_timeout" -gt 1500 ] && vm_timeout=1500
	fi
	dirargs=
	for d in $dirs; do dirargs="$dirargs --dir $d"; done
	[ -n "$test_timeout" ] && dirargs="$dirargs --test-timeout $test_timeout"
	loadarg="--node $node" kodir=kernel
	[ "$node" = render ] && kodir=build/kernel-render/kernel
	if [ ! -f $kodir/npu.ko ] || [ ! -f $kodir/npu_sim.ko ]; then
		echo "# $kodir/npu.ko or $kodir/npu_sim.ko not built: booting without them"
		loadarg="$loadarg --no-load"
	fi
	echo "# device node: $node"
	# No shared test but tests with boots of their own (make check's
	# vm-delegate): no shared boot, which would only run vm/env, as every
	# boot below does too (a boot saved: 13 CPU seconds, 30 s of guest time).
	nboots=0
	if [ "$shared" != " vm/env" ] || [ -z "$boots" ]; then
		nboots=1
		# (vm/env is named so that an empty selection does not mean "all".)
		# shellcheck disable=SC2086
		boot --timeout "$vm_timeout" $loadarg -- tests/run-vm-tests.sh $dirargs vm/env $shared
	fi
	# Tests that ask for a boot with the same options share one, in the
	# order found; a "ram" test always has its own (nothing may run after
	# it).  One line per boot: options, tests, the sum of their timeouts.
	for id in $boots; do
		path=$(echo "$list" | awk -v id="$id" '$1 == id { print $2 }')
		tg=$(tags "$id" "$path")
		to=$(timeout_of "$tg")
		opts=$(echo "$tg" | sed 's/\b\(boot\|reload\|ram\)\b//g; s/\btimeout=[0-9]*//; s/\benv=[^ ]*//g' |
			tr -s ' ' | sed 's/^ //; s/ $//')
		case " $tg " in
		*" ram "*) key="ram $id $opts" ;;
		*) key=$opts ;;
		esac
		printf '%s\t%s\t%s\t%s\n' "$key" "$opts" "$id" "$to"
	done | awk -F'\t' '
		!($1 in ids) { order[n++] = $1; opts[$1] = $2; ids[$1] = $3; to[$1] = $4; next }
		{ ids[$1] = ids[$1] " " $3; to[$1] += $4 }
		END { for (i = 0; i < n; i++) { k = order[i]; print opts[k] "|" ids[k] "|" to[k] } }
	' > "$tmp.boots"
	while IFS='|' read -r opts ids to; do
		[ -n "$ids" ] || continue
		nboots=$((nboots + 1))
		echo "# own VM boot for $ids: ${opts:-(no options)}"
		# The tests' time, a boot and a minute for the rest.
		# shellcheck disable=SC2086
		boot --timeout $((to + ${VM_BOOT_TIMEOUT:-240} + 60)) $loadarg $opts -- \
			tests/run-vm-tests.sh $dirargs vm/env $ids < /dev/null
	done < "$tmp.boots"
	echo "# total over $nboots VM boot(s): $skipped skipped"
	echo "$passed passed, $failed failed"
	[ $failed = 0 ]
	exit
fi

# --------------------------------------------------------------- guest side
run_tests=
while read -r id path kind; do
	[ -n "$id" ] || continue
	selected "$id" && run_tests="$run_tests $id:$path:$kind"
done <<EOF
$(discover)
EOF

count=$(echo $run_tests | wc -w)
echo "TAP version 13"
echo "1..$count"
passed=0 failed=0 skipped=0 i=0
log=/tmp/vmtest.log

# Runs a test in a session of its own, so that on a timeout (and after it
# ends) the whole process group is killed: nothing it started survives to
# hold the output pipe or the device open.  Status in /tmp/vmtest.rc.
# The watchdog is one sleep, killed when the test ends: polling the test
# every 0.1 s cost 6% of the guest's CPU under TCG (3.7 of 60 CPU seconds).
run_limited() {	# seconds cmd...
	(
		secs=$1
		shift
		setsid "$@" < /dev/null 2>&1 &
		pid=$!
		(
			trap 'kill $s 2>/dev/null; exit 0' TERM
			sleep "$secs" &
			s=$!
			wait $s
			if kill -0 $pid 2>/dev/null; then
				touch /tmp/vmtest.timeout
				kill -KILL -$pid
			fi
		) > /dev/null 2>&1 &
		watchdog=$!
		wait $pid
		echo $? > /tmp/vmtest.rc
		kill $watchdog 2>/dev/null
		kill -KILL -$pid 2>/dev/null
	)
}

# Restores npu_sim/npu as the run loaded them; fails (with the reason on
# stdout) when that is impossible, e.g. a leaked reference keeps npu busy.
modules_default() {	# [force]
	[ "${VM_LOAD:-1}" = 1 ] || return 0
	if [ "${1:-}" = force ] || ! grep -q '^npu ' /proc/modules ||
	   ! grep -q '^npu_sim ' /proc/modules; then
		npu-modules reload 2>&1
	fi
}

for t in $run_tests; do
	i=$((i + 1))
	id=${t%%:*}; rest=${t#*:}; path=${rest%:*}; kind=${rest##*:}
	suite=${id%%/*}; name=${id#*/}
	tg=" $(tags "$id" "$path") "
	to=$(timeout_of "$tg")
	echo "# selftests: $suite: $name"
	reloaded=0 note=
	case $tg in
	*" reload "*) want_reload=1 ;;
	*) want_reload=0 ;;
	esac
	if [ $want_reload = 1 ] && [ "${VM_LOAD:-1}" != 1 ]; then
		echo "# VM_LOAD=0: not reloading the modules"
		want_reload=0
	fi
	if [ $want_reload = 1 ]; then
		sp= np=
		set -- $tg
		while [ $# -gt 0 ]; do
			case $1 in
			--sim-param) sp="$sp $2"; shift ;;
			--npu-param) np="$np $2"; shift ;;
			esac
			shift
		done
		reloaded=1
		# shellcheck disable=SC2086
		msg=$(VM_SIM_PARAMS="${sp:-$VM_SIM_PARAMS}" VM_NPU_PARAMS="${np:-$VM_NPU_PARAMS}" \
			npu-modules reload 2>&1) || note="module reload failed"
		[ -n "$msg" ] && echo "$msg" | sed 's/^/# /'
	fi
	envs=$(echo "$tg" | tr ' ' '\n' | sed -n 's/^env=//p')
	ram=0
	case $tg in *" ram "*) ram=1 ;; esac
	if [ $ram = 1 ] && [ $kind = prog ]; then
		# Program, dynamic loader and libraries into tmpfs.
		r=/run/vm/ram
		mkdir -p $r
		cp "$path" $r/ || note="cannot copy $path to RAM"
		/lib64/ld-linux-x86-64.so.2 --list "$path" |
			sed -n 's/.*=> \(\/[^ ]*\).*/\1/p; s/^[[:space:]]*\(\/[^ ]*ld-linux[^ ]*\) .*/\1/p' |
			while read -r lib; do cp -L "$lib" $r/; done
		path="$r/ld-linux-x86-64.so.2 --library-path $r $r/${path##*/}"
		# From now on RAM only: commands are looked up along PATH, and
		# a new shell checks its $PWD.
		export PATH=/run/vm/bin:/bin:/sbin
		cd / || exit 2
	fi
	echo "vmtest: start $id" > /dev/kmsg
	before=$(dmesg | wc -l)
	start=$(cut -d' ' -f1 /proc/uptime)
	# shellcheck disable=SC2086
	if [ $kind = sh ]; then set -- sh "$path"; else set -- $path; fi
	[ -n "$envs" ] && set -- env $envs "$@"
	rm -f /tmp/vmtest.timeout
	run_limited "$to" "$@" | tee "$log" | sed 's/^/# /'
	rc=$(cat /tmp/vmtest.rc)
	end=$(cut -d' ' -f1 /proc/uptime)
	echo "vmtest: end $id status $rc" > /dev/kmsg
	# Put the modules back before judging: an unload that fails or warns
	# after this test is this test's finding.  (Not after a RAM test: the
	# modules are on the project tree; the init's final unload still runs.)
	if [ $ram = 1 ]; then msg=
	elif [ $reloaded = 1 ]; then msg=$(modules_default force); else msg=$(modules_default); fi ||
		note="${note:+$note, }could not restore the modules afterwards"
	[ -n "$msg" ] && echo "$msg" | sed 's/^/# restore: /'
	kfind=$(dmesg | tail -n +$((before + 1)) | klog_drop_known | grep -E "$KLOG_FINDINGS")

	p=$(grep -cE '^ok [0-9]+' "$log")
	s=$(grep -cE '^ok [0-9]+.*# *SKIP' "$log")
	f=$(grep -cE '^not ok [0-9]+' "$log")
	p=$((p - s))
	[ $((p + s + f)) = 0 ] && [ "$rc" = 0 ] && p=1
	[ $((p + s + f)) = 0 ] && [ "$rc" = 4 ] && s=1
	if [ -f /tmp/vmtest.timeout ]; then
		note="${note:+$note, }timed out after ${to}s"
	elif [ "$rc" != 0 ] && [ "$rc" != 4 ]; then
		note="${note:+$note, }exit status $rc"
	fi
	if [ -n "$kfind" ]; then
		note="${note:+$note, }kernel log finding"
		echo "$kfind" | head -n 20 | sed 's/^/# kernel: /'
	fi
	secs=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", b - a }')
	if [ -n "$note" ] || [ $f != 0 ]; then
		[ $f = 0 ] && f=1
		echo "not ok $i selftests: $suite: $name # ${note:-$f failed} (${secs}s)"
	elif [ "$rc" = 4 ] && [ $p = 0 ]; then
		echo "ok $i selftests: $suite: $name # SKIP (${secs}s)"
	else
		# Each test's own skips: the total below is this boot's.
		echo "ok $i selftests: $suite: $name (${secs}s$([ $s = 0 ] || echo ", $s skipped"))"
	fi
	passed=$((passed + p)) failed=$((failed + f)) skipped=$((skipped + s))
done

echo "# $skipped skipped (all tests of this boot)"
echo "$passed passed, $failed failed"
[ $failed = 0 ]
}
