#!/bin/sh
# SPDX-License-Identifier: MIT
# The differential half of structure-aware fuzzing: a mutant that libnpu
# compiles and runs on the CPU is run by npu-verify against TFLite's
# reference kernels too.  A mutant TFLite refuses (or crashes on) that
# libnpu took is a candidate wrong file accepted silently; one whose outputs
# differ is a wrong result.  Both are listed in OUT/verify.txt for triage
# (TFLite's own crashes on hostile options are not libnpu's findings).
#
#   verify_mutants.sh OUT SEED COUNT SEED_FILE...   (.tflite seeds only)
set -eu
out=$1 seed=$2 count=$3
shift 3
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
py=${PYTHON:-python3}
dir=$out/verify-$seed
rm -rf "$dir"
"$py" "$here/mutate.py" --seed "$seed" --count "$count" -o "$dir" "$@" 2>/dev/null
FUZZ_RUN_VERBOSE=1 "$out/../fuzz_run" -timeout=120 "$dir"/m*.tflite 2>&1 |
	sed -n -e 's/^Running: //p' -e 's/^run: succeeded/OK/p' |
	awk '/^OK$/ { print last } { last = $0 }' >"$dir.ok"
echo "$(wc -l <"$dir.ok") of $count mutants compile and run"
for f in $(cat "$dir.ok"); do
	res=$(timeout 600 "$py" "$top/tools/npu-verify" --cpu --random 1 \
		--bin "${NPU_BIN:-$top/build/bin}" "$f" 2>&1 | tail -n 3 | tr '\n' ' ') || true
	case $res in
	*"cases identical"*) [ "${res#*1 of 1 cases identical}" != "$res" ] && continue ;;
	esac
	echo "$(basename "$f")	$(grep "^$(basename "$f")	" "$dir/mutations.tsv" | cut -f2)	$res" |
		tee -a "$out/verify.txt"
done
