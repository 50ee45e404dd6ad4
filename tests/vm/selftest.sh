#!/bin/bash
# Self-test of the VM harness (make -C tests check-harness): boots the guest
# a few times and checks that tests/vm/run passes exit statuses through,
# sees the devices the tests need, and fails a run on a kernel WARNING, a
# refcount underflow, a panic, a hang, and in the test runner's summary.
# Needs build/vm/selftest/vm_selftest.ko (the Makefile builds it).
set -u
# The whole script is one block, read before it runs: editing it while it
# runs cannot derail a running copy.
{
cd "$(dirname "$0")/../.." || exit 2
ko=build/vm/selftest/vm_selftest.ko
[ -f $ko ] || { echo "selftest: $ko not built (make -C tests selftest-module)" >&2; exit 2; }
n=0 failed=0
out=$(mktemp)
trap 'rm -f "$out"' EXIT

# check NAME WANT_STATUS GREP_PATTERN|"" -- run args...
check() {
	local name=$1 want=$2 pat=$3 rc t0 t1
	shift 4
	n=$((n + 1))
	t0=$(date +%s)
	tests/vm/run "$@" > "$out" 2>&1
	rc=$?
	t1=$(date +%s)
	if [ "$rc" != "$want" ]; then
		echo "not ok $n - $name # status $rc, want $want"
		sed 's/^/# /' "$out" | tail -n 30
		failed=$((failed + 1))
	elif [ -n "$pat" ] && ! grep -qE -- "$pat" "$out"; then
		echo "not ok $n - $name # output lacks /$pat/"
		sed 's/^/# /' "$out" | tail -n 30
		failed=$((failed + 1))
	else
		echo "ok $n - $name ($((t1 - t0))s)"
	fi
}

echo "TAP version 13"
check "exit status 0 passes through" 0 '^hello$' -- --no-load -- echo hello
check "exit status 3 passes through" 3 '' -- --no-load -- sh -c 'exit 3'
check "arguments keep their quoting" 0 '^<a b> <c>$' -- --no-load -- \
	sh -c 'printf "<%s> <%s>\n" "$0" "$1"' 'a b' 'c'
check "guest environment (tests/vm/env-check.sh)" 0 '^[0-9]+ passed, 0 failed$' -- \
	--no-load -- tests/vm/env-check.sh
check "quiet module load is clean" 0 '' -- --no-load -- insmod $ko action=none
check "WARN_ON in the guest fails the run" 1 'KERNEL LOG PROBLEM.*|WARNING: CPU' -- \
	--no-load -- insmod $ko action=warn
check "refcount_t misuse fails the run" 1 'refcount_t: decrement hit 0' -- \
	--no-load -- insmod $ko action=refcount
check "a warning fails the run even when CMD fails" 5 'WARNING: CPU' -- \
	--no-load -- sh -c "insmod $ko action=warn; exit 5"
check "--allow-kernel-warnings reports but passes" 0 'ignored' -- \
	--no-load --allow-kernel-warnings -- insmod $ko action=warn
# The log scan matches reports, not words: DEBUG_OBJECTS_RCU_HEAD's boot
# line says "use-after-free" too; slub_debug's reports have no "BUG:".
check "a harmless line naming use-after-free passes" 0 '' -- --no-load -- \
	sh -c 'echo "rcu: RCU callback double-/use-after-free debug is enabled." > /dev/kmsg'
check "a slub_debug report fails the run" 1 'KERNEL LOG PROBLEM' -- --no-load -- \
	sh -c 'echo "BUG kmalloc-64 (Not tainted): Object already free" > /dev/kmsg'
VM_APPEND="vmselftest.a=1 vmselftest.b=2" check "VM_APPEND reaches the kernel command line" \
	0 '' -- --no-load -- sh -c 'grep -q "vmselftest.a=1 vmselftest.b=2" /proc/cmdline'
check "kernel panic fails the run" 125 'Kernel panic' -- \
	--no-load -- sh -c 'echo c > /proc/sysrq-trigger'
check "a hanging guest is killed" 124 'TIMEOUT' -- \
	--no-load --timeout 15 -- sleep 1000
# s2idle with no wakeup source: the guest sleeps for good, heartbeat stops.
VM_STALL_TIMEOUT=20 check "a frozen guest is killed early (heartbeat)" 124 \
	'stopped responding' -- --no-load --timeout 300 -- \
	sh -c 'echo freeze > /sys/power/state'
# A suspend cycle resets the virtio-9p device (9pnet_virtio has no restore):
# the status still comes back, over the control port.
check "the status survives a suspend cycle" 3 '^after$' -- --no-load -- \
	sh -c 'echo devices > /sys/power/pm_test; echo freeze > /sys/power/state; echo after; exit 3'

# The in-guest runner: a failing test, a skipping test, a kernel warning
# during a test that itself passes, a hanging test, all in one boot.
suite=build/vm/selftest/suite
rm -rf $suite && mkdir -p $suite
cat > $suite/a_pass.sh <<'EOF'
echo "ok 1 - one"; echo "ok 2 - two"; echo "2 passed, 0 failed"
EOF
cat > $suite/b_fail.sh <<'EOF'
echo "ok 1 - one"; echo "not ok 2 - two"; echo "1 passed, 1 failed"; exit 1
EOF
cat > $suite/c_skip.sh <<'EOF'
echo "ok 1 - one # SKIP no device"; exit 4
EOF
cat > $suite/d_warn.sh <<EOF
insmod $ko action=warn; rmmod vm_selftest; echo "ok 1 - looks fine"
EOF
cat > $suite/e_hang.sh <<'EOF'
# vm-test: timeout=5
sleep 1000
EOF
n=$((n + 1))
tests/vm/run --no-load --allow-kernel-warnings -- \
	tests/run-vm-tests.sh --suite none --dir $suite > "$out" 2>&1
rc=$?
summary=$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$out" | tail -n 1)
# env-check: 9 passed (10 with a built firmware image), 2 skipped;
# the suite: a 2 + b 1 + d 1 = 4 passed; b, d, e: 3 failed.
if [ $rc = 1 ] && echo "$summary" | grep -qE '^1[34] passed, 3 failed$' &&
   grep -q '^not ok [0-9]* selftests: suite: d_warn # kernel log finding' "$out" &&
   grep -q '^not ok [0-9]* selftests: suite: e_hang # timed out after 5s' "$out" &&
   grep -q '^ok [0-9]* selftests: suite: c_skip # SKIP' "$out"; then
	echo "ok $n - run-vm-tests.sh aggregates results, attributes warnings, kills hung tests"
else
	echo "not ok $n - run-vm-tests.sh aggregation # status $rc, summary '$summary'"
	sed 's/^/# /' "$out" | tail -n 40
	failed=$((failed + 1))
fi

# The host side of the runner: a test asking for its own boot gets it (with
# its tests/vm/run options), a test asking for a reload with parameters gets
# the modules reloaded with them, and the next test the defaults again;
# VM_TEST_TIMEOUT reaches the guest and raises a test's shorter timeout=.
suite=build/vm/selftest/hostsuite
rm -rf $suite && mkdir -p $suite
cat > $suite/a_boot.sh <<'EOF'
# vm-test: boot --no-load --append vmtest.marker=1
grep -q vmtest.marker=1 /proc/cmdline && ! grep -q '^npu ' /proc/modules
EOF
n=$((n + 1))
if [ -f kernel/npu.ko ] && [ -f kernel/npu_sim.ko ]; then
	cat > $suite/b_reload.sh <<'EOF'
# vm-test: reload --sim-param num_devices=2
[ "$(cat /sys/module/npu_sim/parameters/num_devices)" = 2 ]
EOF
	cat > $suite/c_default.sh <<'EOF'
[ "$(cat /sys/module/npu_sim/parameters/num_devices)" = 1 ]
EOF
else
	echo "# kernel/npu.ko not built: the reload case is not checked"
fi
cat > $suite/d_slow.sh <<'EOF'
# vm-test: timeout=1
sleep 3
EOF
VM_TEST_TIMEOUT=60 tests/run-vm-tests.sh --suite none --dir $suite > "$out" 2>&1
rc=$?
if [ $rc = 0 ] && grep -qE '^[0-9]+ passed, 0 failed$' "$out" &&
   grep -q '^# own VM boot for hostsuite/a_boot' "$out" &&
   grep -q '^ok [0-9]* selftests: hostsuite: a_boot' "$out" &&
   grep -q '^ok [0-9]* selftests: hostsuite: d_slow' "$out" &&
   { [ ! -f $suite/b_reload.sh ] ||
     { grep -q '^ok [0-9]* selftests: hostsuite: b_reload' "$out" &&
       grep -q '^ok [0-9]* selftests: hostsuite: c_default' "$out"; }; }; then
	echo "ok $n - run-vm-tests.sh: own boot, module reload with parameters, VM_TEST_TIMEOUT"
else
	echo "not ok $n - run-vm-tests.sh: own boot / reload # status $rc"
	sed 's/^/# /' "$out" | tail -n 40
	failed=$((failed + 1))
fi

# "vm-test: boot ram": a test that suspends the system runs from RAM.
suite=build/vm/selftest/ramsuite
rm -rf $suite && mkdir -p $suite
n=$((n + 1))
cp tests/vm/selftest/suspend_ram.c $suite/
if cc -O2 -o $suite/suspend_ram $suite/suspend_ram.c; then
	tests/run-vm-tests.sh --suite none --dir $suite > "$out" 2>&1
	rc=$?
	if [ $rc = 0 ] && grep -q '^# ok 3 - still running after resume' "$out" &&
	   grep -q '^# ok 1 - env set' "$out"; then
		echo "ok $n - a RAM test survives a suspend cycle and reports"
	else
		echo "not ok $n - RAM test across a suspend cycle # status $rc"
		sed 's/^/# /' "$out" | tail -n 30
		failed=$((failed + 1))
	fi
else
	echo "not ok $n - RAM test: cannot compile"
	failed=$((failed + 1))
fi

echo "1..$n"
echo "$((n - failed)) passed, $failed failed"
[ $failed = 0 ]
}
