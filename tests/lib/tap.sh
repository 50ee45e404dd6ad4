# SPDX-License-Identifier: MIT
# The TAP frame of the shell test suites run from the project root (source
# it: . tests/lib/tap.sh): a temporary directory $tmp removed on exit,
# t NAME COMMAND... (one test point: ok when COMMAND succeeds), hex FILE
# (its bytes as one hex string) and tap_done, the suite's last command (the
# plan and the counts; its status is the suite's).  After each "not ok"
# line t runs tap_failed, which does nothing unless the suite defines its
# own (say, to print the output of the run it checked as # lines).  t sets
# only n, pass, fail and tap_*, so a suite's own variables (a loop's
# $name) are left as they were.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0 pass=0 fail=0
echo "TAP version 13"
tap_failed() { :; }
t() {	# name command...
	n=$((n + 1)); tap_name=$1; shift
	if "$@"; then pass=$((pass + 1)); echo "ok $n - $tap_name"
	else fail=$((fail + 1)); echo "not ok $n - $tap_name"; tap_failed; fi
}
hex() { od -An -tx1 "$1" | tr -d ' \n'; }
tap_done() {
	echo "1..$n"
	echo "$pass passed, $fail failed"
	[ $fail = 0 ]
}
