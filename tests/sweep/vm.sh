#!/bin/sh
# usage: vm.sh LIST OUTDIR
# The NPU half of the sweep: every model of LIST (sweep.py --npu-list) runs
# once on the NPU in the VM and once on the host's CPU path (npu-run --cpu,
# same seed), and every output must be the same bytes.  Prints TAP-like
# lines and "N passed, N failed".
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
list=$1 out=$2
mkdir -p "$out"
cd "$top" || exit 1
PATH=$top/build/bin:$PATH sh "$here/npu_run.sh" "$list" "$out/cpu" --cpu >"$out/cpu.txt"
nice -n 10 tests/vm/run --timeout 1800 -- sh "$here/npu_run.sh" "$list" "$out/npu" >"$out/npu.txt" 2>&1
echo "vm: exit $? ($(grep -c ': ran' "$out/npu.txt") models ran on the NPU)"
pass=0 fail=0
while read -r m k; do
	n=$(basename "$m" .tflite)
	seg=$(sed -n 's/^placement: *//p' "$out/npu/$n.log" 2>/dev/null | head -1)
	ok=1 i=0
	while [ "$i" -lt "$k" ]; do
		cmp -s "$out/npu/$n.$i" "$out/cpu/$n.$i" || ok=0
		i=$((i + 1))
	done
	if [ $ok = 1 ]; then
		pass=$((pass + 1)); echo "ok - $n: NPU == CPU ($seg)"
	else
		fail=$((fail + 1)); echo "not ok - $n: NPU differs from CPU or did not run ($(grep "^$n:" "$out/npu.txt"))"
	fi
done <"$list"
echo "$pass passed, $fail failed"
[ $fail = 0 ]
