#!/bin/sh
# Checks the TAP helpers' exact output and exit statuses (run by make check).
bin=${1:?usage: test_tap.sh path/to/test_tap}
failed=0 n=0

expect() {	# scenario, expected status, expected output on stdin
	scenario=$1 want_rc=$2
	want=$(cat)
	got=$("$bin" "$scenario" 2>&1)
	rc=$?
	n=$((n + 1))
	if [ "$got" = "$want" ] && [ "$rc" = "$want_rc" ]; then
		echo "ok $n - tap $scenario"
	else
		echo "not ok $n - tap $scenario # exit $rc, want $want_rc"
		printf '%s\n' "$want" > /tmp/tap-want.$$
		printf '%s\n' "$got" > /tmp/tap-got.$$
		diff -u /tmp/tap-want.$$ /tmp/tap-got.$$ | sed 's/^/# /'
		rm -f /tmp/tap-want.$$ /tmp/tap-got.$$
		failed=$((failed + 1))
	fi
}

expect all-pass 0 <<'T'
TAP version 13
1..2
ok 1 - first
ok 2 - second 2
2 passed, 0 failed
T

expect mixed 1 <<'T'
TAP version 13
ok 1 - passes
not ok 2 - fails
ok 3 - skipped # SKIP no device
not ok 4 - fails with reason # reason here
# a diagnostic 42
ok 5 - errno matches
ok 6 - negative return matches
not ok 7 - unexpected success # returned 0, expected EINVAL
not ok 8 - wrong errno # got ENOENT, expected EINVAL
ok 9 - success
not ok 10 - failure # failed: EBADF (Bad file descriptor)
ok 11 - 2 > 1
not ok 12 - 1 > 2 # lib/test_tap.c:70
1..12
# 1 skipped
5 passed, 6 failed
T

expect all-skip 4 <<'T'
TAP version 13
ok 1 - only # SKIP nothing to do
1..1
# 1 skipped
0 passed, 0 failed
T

expect plan-mismatch 1 <<'T'
TAP version 13
1..3
ok 1 - one
# planned 3 tests but ran 1
1 passed, 1 failed
T

expect forked 1 <<'T'
TAP version 13
# ok - inner check
ok 1 - child passes
# not ok - inner check
not ok 2 - child inner failure # exit status 1
ok 3 - child skips # SKIP
not ok 4 - child crashes # killed by signal 11 (Segmentation fault)
not ok 5 - child hangs # timed out after 1s
1..5
# 1 skipped
1 passed, 3 failed
T

expect bail 1 <<'T'
TAP version 13
ok 1 - before
Bail out! cannot open /dev/null
T

echo "1..$n"
echo "$((n - failed)) passed, $failed failed"
[ $failed = 0 ]
