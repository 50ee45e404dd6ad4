#!/bin/sh
# sparse on the kernel modules (kbuild C=2: every file, not only the ones
# rebuilt), for `make lint`.  kbuild does not fail on sparse's warnings, so
# this does: any warning left fails.  The one left out is "context imbalance"
# in a function that takes its lock with guard()/scoped_guard(): sparse does
# not model the cleanup attribute that releases the lock at scope exit
# (include/linux/cleanup.h), so every such function looks unbalanced to it.
# A function that locks by hand is still checked.
#
#   sh mk/sparse.sh KDIR MODULE_DIR
set -e
kdir=${1:?usage: sparse.sh KDIR MODULE_DIR} mdir=${2:?usage: sparse.sh KDIR MODULE_DIR}
out=$(mktemp)
trap 'rm -f "$out" "$out.left"' EXIT
make -C "$kdir" M="$mdir" W=1 C=2 modules >"$out" 2>&1 || { cat "$out"; exit 1; }
grep -E '^[^ ]+:[0-9]+:[0-9]+: ' "$out" | while IFS= read -r line; do
	case $line in
	*": warning: context imbalance in "*)
		file=${line%%:*} rest=${line#*:}
		# the body of the function around the reported line
		if awk -v n="${rest%%:*}" '/^\{/ && NR <= n { start = NR; g = 0 }
			start && /guard\(/ { g = 1 }
			NR > n && /^\}/ { exit }
			END { exit !(start && g) }' "$file"; then
			continue
		fi ;;
	esac
	printf '%s\n' "$line"
done >"$out.left"
n=$(grep -c -E ': (warning|error): ' "$out.left" || true)
if [ "$n" != 0 ]; then
	cat "$out.left"
	echo "sparse: $n warnings"
	exit 1
fi
echo "sparse: $(grep -c '^  CHECK ' "$out") files clean"
