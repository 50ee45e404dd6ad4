#!/bin/sh
# libnpu.so exports its public API and nothing else: every dynamic symbol
# it defines starts with npu_ and carries the NPU_0.1 version (or a later
# node of libnpu.map), and the list is the checked-in one, so a change of
# the ABI shows as a diff of libnpu.abi (Documentation/abi.rst).
#
#   tests/abi.sh LIBNPU_SO ABI_LIST        check
#   tests/abi.sh LIBNPU_SO ABI_LIST --update   rewrite the list
set -u
so=$1 list=$2
# name@@VERSION for each defined symbol; version definitions (type A,
# the node names themselves) are not symbols of the API.
exports=$(nm -D --defined-only "$so" | awk '$2 != "A" { print $3 }' | LC_ALL=C sort) || exit 1
if [ "${3:-}" = --update ]; then
	printf '%s\n' "$exports" > "$list"
	exit 0
fi
fail=0
bad=$(printf '%s\n' "$exports" | grep -v '^npu_[a-z0-9_]*@@NPU_[0-9.]*$')
if [ -n "$bad" ]; then
	echo "not ok - libnpu.so exports symbols outside the API (no npu_ prefix or no version):"
	printf '%s\n' "$bad" | sed 's/^/  /'
	fail=1
else
	echo "ok - every export is npu_* with a version ($(printf '%s\n' "$exports" | wc -l) symbols)"
fi
if printf '%s\n' "$exports" | diff -u "$list" - > /dev/null; then
	echo "ok - the exports are libnpu.abi"
else
	echo "not ok - the exports differ from $list (an ABI change: update the list on purpose with"
	echo "  sh libnpu/tests/abi.sh $so $list --update, and see Documentation/abi.rst):"
	printf '%s\n' "$exports" | diff -u "$list" - | sed 's/^/  /'
	fail=1
fi
exit $fail
