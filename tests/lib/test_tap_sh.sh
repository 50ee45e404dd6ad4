#!/bin/sh
# Checks tests/lib/tap.sh (the shell suites' TAP frame) by its exact output
# and exit status: t's points, a suite's tap_failed hook after each failed
# point only, the suite's own $name left alone, tap_done's counts (run by
# make check from the project root).
failed=0 n=0

expect() {	# title, expected status, suite body; expected output on stdin
	title=$1 want_rc=$2 body=$3
	want=$(cat)
	got=$(sh -c ". tests/lib/tap.sh
$body" 2>&1)
	rc=$?
	n=$((n + 1))
	if [ "$got" = "$want" ] && [ "$rc" = "$want_rc" ]; then
		echo "ok $n - tap.sh: $title"
	else
		echo "not ok $n - tap.sh: $title # exit $rc, want $want_rc"
		printf '%s\n--- got\n%s\n' "$want" "$got" | sed 's/^/# /'
		failed=$((failed + 1))
	fi
}

expect "passing points, no hook" 0 't "first" true; t "second" test 1 = 1; tap_done' <<'T'
TAP version 13
ok 1 - first
ok 2 - second
1..2
2 passed, 0 failed
T

expect "the hook after each failure only" 1 '
tap_failed() { echo "# output of $what"; }
for what in a b c; do
	name=$what
	t "$what passes unless b" test $what != b
	t "still $name" test "$name" = $what
done
tap_done' <<'T'
TAP version 13
ok 1 - a passes unless b
ok 2 - still a
not ok 3 - b passes unless b
# output of b
ok 4 - still b
ok 5 - c passes unless b
ok 6 - still c
1..6
5 passed, 1 failed
T

expect "the temporary directory" 0 't "tmp is a directory" test -d "$tmp"; tap_done' <<'T'
TAP version 13
ok 1 - tmp is a directory
1..1
1 passed, 0 failed
T

echo "1..$n"
echo "$((n - failed)) passed, $failed failed"
[ $failed = 0 ]
