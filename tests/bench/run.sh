#!/bin/sh
# make bench: every build/tests/bench/* program and tests/bench/*.sh script,
# in one VM boot.
# On the host this boots the VM (tests/vm/run) and runs itself inside, on
# QEMU's max CPU model (the TFLite delegate's benchmark runs Python wheels
# built for SSE4/AVX).
cd "$(dirname "$0")/../.." || exit 2
if [ "${NPU_VM:-0}" != 1 ]; then
	exec tests/vm/run --cpu max --timeout "${VM_TIMEOUT:-1800}" -- tests/bench/run.sh "$@"
fi
status=0 found=0
for b in build/tests/bench/*; do
	[ -f "$b" ] && [ -x "$b" ] || continue
	found=1
	echo "== ${b##*/}"
	"$b" "$@" || status=1
done
for b in tests/bench/*.sh; do
	[ "$b" = tests/bench/run.sh ] && continue
	found=1
	echo "== $(basename "$b" .sh)"
	sh "$b" || status=1
done
[ $found = 1 ] || { echo "bench: nothing built in build/tests/bench" >&2; exit 1; }
exit $status
